"""Where outputs may go: never into, around or over input data, and only into folders the
package made itself.

- :func:`check_out_dir` refuses an output folder that is (inside) a data folder or a region
  folder, that contains one, or that is an existing file; it runs before any kernel starts.
- :func:`claim` marks a folder as package output (the marker file :data:`MARKER`) or refuses a
  folder that holds things the package did not write; :func:`is_owned` tells whether a folder
  may be replaced.
- :class:`BatchLock` makes a second batch into the same folder refuse instead of racing.
- :func:`die_with_parent` makes a worker process die with the batch, even on ``kill -9``.
"""
from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path
from typing import Iterable

from regio_analysis.errors import DataError, Problem
from regio_analysis.io.files import make_dir, open_lock_file, remove_tree, write_text

MARKER = ".regio-analysis-uitvoer"
LOCK = ".regio-analysis.lock"
_MARKER_TEXT = ("Deze map is gemaakt door regio-analysis. Mappen met dit bestand mag regio-analysis "
                "vervangen; andere mappen raakt het nooit aan.\n")
_HARMLESS = {".gitkeep", ".gitignore", ".DS_Store", MARKER, LOCK}


def _resolved(path: str | Path) -> Path:
    return Path(os.path.abspath(Path(path).expanduser())).resolve()


def input_folders(data_dir: str | Path | None = None, extra: Iterable[str | Path] = ()) -> list[tuple[Path, str]]:
    """Every input location an output must keep away from, with a Dutch name for it:
    the data folder given, the package's default data folder, each region folder in them
    (resolved, so a symlinked region counts where it really is) and ``extra`` paths."""
    from regio_analysis.data.regions import REGIO_FILE, default_data_dir

    roots = [default_data_dir()] + ([Path(data_dir)] if data_dir else [])
    out: list[tuple[Path, str]] = []
    for root in roots:
        root_r = _resolved(root)
        out.append((root_r, "de gegevensmap"))
        if root_r.is_dir():
            for sub in sorted(root_r.iterdir()):
                if (sub / REGIO_FILE).is_file():
                    out.append((sub.resolve(), "de regiomap"))
    for path in extra:
        if path:
            out.append((_resolved(path), "de invoer"))
    return sorted(out, key=lambda item: -len(item[0].parts))  # the most specific first


def check_out_dir(out: str | Path, data_dir: str | Path | None = None, *, option: str = "--naar",
                  inputs: Iterable[str | Path] = ()) -> Path:
    """``out`` resolved, or DataError when writing there could touch input data.

    Refused: an existing file; the data folder (``data_dir`` or the default one) or a region
    folder itself, anything inside one, and any folder that contains one; likewise for the
    ``inputs`` (e.g. a documents folder given as a parameter).
    """
    target = _resolved(out)
    name = str(out)
    if target.exists() and not target.is_dir():
        raise DataError(Problem(name, f"{option} is een bestaand bestand; geef een (nieuwe) map voor de uitvoer"))
    folders = input_folders(data_dir, inputs)  # the most specific first
    clashes = [f"is {what} zelf ({folder})" for folder, what in folders if target == folder]
    clashes += [f"ligt in {what} {folder}" for folder, what in folders if folder in target.parents]
    clashes += [f"bevat {what} {folder}" for folder, what in reversed(folders) if target in folder.parents]
    for why in clashes[:1]:
        raise DataError(Problem(name, f"{option} {why}; uitvoer wordt nooit in, boven of over invoergegevens "
                                      "geschreven. Kies een aparte map, bijvoorbeeld reports"))
    return target


def is_owned(folder: Path) -> bool:
    """True when ``folder`` carries the package's marker (the package made it)."""
    return (folder / MARKER).is_file()


def mark(folder: Path) -> None:
    """Put the marker in a folder the package just created."""

    write_text(folder / MARKER, _MARKER_TEXT)


def claim(folder: Path, *, option: str = "--naar") -> Path:
    """Create ``folder`` as package output, or accept it when it already is (marker) or is
    empty; refuse a folder with other content (DataError): the package never writes into,
    or replaces things in, folders it did not create."""
    folder = Path(folder)
    if folder.is_dir():
        if is_owned(folder):
            return folder
        foreign = sorted(p.name for p in folder.iterdir() if p.name not in _HARMLESS)
        if foreign:
            shown = ", ".join(foreign[:5]) + (" ..." if len(foreign) > 5 else "")
            raise DataError(Problem(str(folder), f"{option} bestaat al en is niet door regio-analysis gemaakt "
                                                 f"(geen {MARKER}; bevat {shown}); er wordt niets in geschreven of "
                                                 "vervangen. Kies een nieuwe of lege map"))
    make_dir(folder)
    mark(folder)
    return folder


class BatchLock:
    """An exclusive lock on an output folder for the duration of a batch.

    Uses ``flock`` on ``<out>/.regio-analysis.lock``: the kernel releases it when the process
    ends, however it ends (also ``kill -9``), so a stale lock never blocks. A second batch
    refuses at once with a DataError naming the folder and the process holding it.
    """

    def __init__(self, folder: Path):
        self.path = Path(folder) / LOCK
        self.fd: int | None = None

    def __enter__(self) -> "BatchLock":
        import fcntl

        fd = open_lock_file(self.path)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip() or "?"
            os.close(fd)
            raise DataError(Problem(str(self.path.parent), f"een andere batch (proces {holder}) schrijft al naar deze "
                                                           "map; wacht tot die klaar is of kies een andere --naar")) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        self.fd = fd
        return self

    def __exit__(self, *exc) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing the last descriptor releases the flock
            self.fd = None


def remove_stale(folder: Path) -> None:
    """Remove temporary and old folders a killed run left in ``folder`` (only the package's
    own: named ``.*.tmp`` or ``.*.oud-*`` and carrying the marker). Call under the lock."""

    if not folder.is_dir():
        return
    for p in folder.iterdir():
        if p.is_dir() and not p.is_symlink() and p.name.startswith(".") and (
                p.name.endswith(".tmp") or ".oud-" in p.name) and is_owned(p):
            remove_tree(p)


# ------------------------------------------------------------------ worker processes die with the batch


def _watch_parent(parent: int) -> None:
    while True:
        if os.getppid() != parent:
            os._exit(70)
        time.sleep(0.5)


def die_with_parent(parent: int) -> None:
    """Initializer of a worker process: end it when its parent ``parent`` ends, even by SIGKILL.

    On Linux ``prctl(PR_SET_PDEATHSIG, SIGKILL)`` makes the kernel kill the worker; a daemon
    thread that watches the parent id is the portable fallback. Jupyter kernels started by
    the worker watch their own parent (``JPY_PARENT_PID``) and exit within a second after it.
    """
    if sys.platform.startswith("linux"):
        try:
            import ctypes
            import signal

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)  # 1 = PR_SET_PDEATHSIG
        except (OSError, AttributeError):  # pragma: no cover - no libc prctl
            pass
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(70)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True, name="regio-analysis-ouder").start()
