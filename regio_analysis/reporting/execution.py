"""How a region's notebook is executed: in a warm kernel, by papermill, written once.

**Warm kernels.** A worker keeps one kernel with the scientific stack imported and runs its
successive regions in it, each in a clean namespace.

Starting a kernel and importing pandas, SciPy, statsmodels, matplotlib and seaborn costs
seconds per region; a batch pays it once per worker. Isolation stays as it was with a kernel per
region: before each region the kernel's namespace is reset (IPython's ``reset``; imported
modules stay, which is the point) and every figure is closed; a region whose run fails in any way
(a cell error, a timeout, a dead kernel) discards the kernel, so the next region starts a fresh
one; and a kernel is replaced after :data:`MAX_REGIONS` regions, so caches cannot grow without
bound. The kernel talks over IPC sockets in a short private folder (no TCP ports: concurrent
kernels cannot collide) and exits with its worker (ipykernel watches its parent process).

**Written once.** Papermill writes the whole executed notebook to disk before and after every
cell, which for a report of a few hundred cells and megabytes of figures costs more than some
chapters; the engine here (:data:`ENGINE`) writes it when the run ends, failed or not.
"""
from __future__ import annotations

import atexit
import functools
import logging
import multiprocessing.util
import os
import subprocess
import threading
import time
from pathlib import Path

from regio_analysis.io.files import new_private_dir, remove_tree

#: what every chapter imports, imported once when a kernel starts (the floor of
#: ``benchmarks/batch.py`` imports the same)
STACK = ("numpy", "pandas", "scipy.stats", "scipy.optimize", "matplotlib.pyplot", "seaborn", "statsmodels.api",
         "IPython.display")
STACK_CODE = "import " + ", ".join(STACK)
#: run before each region: the user namespace emptied, the execution count back to 1, no figure left
#: open, and every warning shown again as in a new kernel (the "once per place" registries made stale)
RESET_CODE = ("get_ipython().reset(new_session=True, aggressive=False)\n"
              "import matplotlib.pyplot, warnings\nmatplotlib.pyplot.close('all')\n"
              "getattr(warnings, '_filters_mutated', lambda: None)()\ndel matplotlib, warnings")
MAX_REGIONS = 20
START_TIMEOUT = 120
STEP_TIMEOUT = 300


def run_notebook(src: Path, dst: Path, params: dict, timeout: int, log: logging.Logger) -> dict[str, float]:
    """Run the notebook ``src`` with ``params`` to ``dst`` in this process's warm kernel; retry once
    in a new kernel when the kernel fails to start or to reset. Any failure of the run discards the
    kernel. Returns what getting the kernel cost (see :meth:`WarmKernel.acquire`)."""
    import papermill as pm

    _register_engine()
    for attempt in (1, 2):
        try:
            km, cost = warm_kernel().acquire(log)
        except KernelError as err:
            if attempt == 1:
                log.warning("%s; nieuwe poging", err)
                continue
            raise
        try:
            pm.execute_notebook(str(src), str(dst), parameters=params, km=km, engine_name=ENGINE,
                                progress_bar=False, log_output=False, execution_timeout=timeout, start_timeout=START_TIMEOUT)
            return cost
        except BaseException as err:
            warm_kernel().discard()  # whatever state the failure left, the next region does not inherit it
            if attempt == 1 and is_kernel_failure(err):
                log.warning("de kernel reageerde niet (%s); nieuwe poging", err)
                continue
            raise
    raise AssertionError("unreachable")


def is_kernel_failure(err: BaseException) -> bool:
    """Whether ``err`` says the kernel did not respond or died (not a cell's error or timeout)."""
    from nbclient.exceptions import CellTimeoutError

    text = str(err)
    return not isinstance(err, CellTimeoutError) and isinstance(err, (RuntimeError, TimeoutError)) and (
        "didn't respond" in text or "died before replying" in text or "Kernel died" in text)


# ------------------------------------------------------------------ papermill, writing once

ENGINE = "regio_analysis"


@functools.cache
def _register_engine() -> None:
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, NotebookExecutionManager, papermill_engines
    from papermill.log import logger

    class _WrittenAtTheEnd(NotebookExecutionManager):
        def save(self, **kwargs):
            if self.end_time is not None:  # set by notebook_complete, which ends every run (finally)
                super().save(**kwargs)

    class Engine(NBClientEngine):
        @classmethod
        def execute_notebook(cls, nb, kernel_name, output_path=None, progress_bar=True, log_output=False,
                             autosave_cell_every=30, **kwargs):
            nb_man = _WrittenAtTheEnd(nb, output_path=output_path, progress_bar=progress_bar, log_output=log_output,
                                      autosave_cell_every=autosave_cell_every)
            nb_man.notebook_start()
            try:
                cls.execute_managed_notebook(nb_man, kernel_name, log_output=log_output, **kwargs)
            finally:
                nb_man.cleanup_pbar()
                nb_man.notebook_complete()
            return nb_man.nb

        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None, stderr_file=None,
                                     start_timeout=60, execution_timeout=None, **kwargs):
            # as papermill's, and the client's channels closed after the run: the kernel is not the
            # client's to stop (owns_km is False), so nbclient leaves them, and their zmq context, open
            kwargs.pop("input_path", None)
            client = PapermillNotebookClient(nb_man, timeout=execution_timeout, startup_timeout=start_timeout,
                                             kernel_name=kernel_name, log=logger, log_output=log_output,
                                             stdout_file=stdout_file, stderr_file=stderr_file, **kwargs)
            try:
                return client.execute()
            finally:
                if client.kc is not None:
                    client.kc.stop_channels()
                    client.kc = None

    papermill_engines.register(ENGINE, Engine)



# ------------------------------------------------------------------ warm kernels


class KernelError(RuntimeError):
    """The warm kernel could not be started, prepared or reset."""


class WarmKernel:
    """One kernel kept for successive regions (see the module docstring)."""

    def __init__(self) -> None:
        self.km = None
        self.regions = 0
        self._sockets: Path | None = None
        self._pid = os.getpid()  # a forked worker inherits this object, not the kernel: see _own

    def acquire(self, log: logging.Logger) -> tuple[object, dict[str, float]]:
        """A kernel ready for the next region, and what getting it cost:
        ``{"kernel_start_s", "imports_s", "reset_s"}`` (zero for what was not needed)."""
        cost = {"kernel_start_s": 0.0, "imports_s": 0.0, "reset_s": 0.0}
        self._own()
        if self.km is not None and (self.regions >= MAX_REGIONS or not self._alive()):
            log.info("kernel vervangen (%s)", "na %d regio's" % self.regions if self.regions >= MAX_REGIONS
                     else "hij leeft niet meer")
            self.discard()
        if self.km is None:
            start = time.perf_counter()
            self._start()
            cost["kernel_start_s"] = time.perf_counter() - start
            start = time.perf_counter()
            self._run(STACK_CODE, START_TIMEOUT)
            cost["imports_s"] = time.perf_counter() - start
        else:
            start = time.perf_counter()
            self._run(RESET_CODE, STEP_TIMEOUT)
            cost["reset_s"] = time.perf_counter() - start
        self.regions += 1
        return self.km, cost

    def discard(self) -> None:
        """Shut the kernel down (now) and remove its sockets; the next :meth:`acquire` starts a new one."""
        from jupyter_core.utils import run_sync

        self._own()
        km, self.km, self.regions = self.km, None, 0
        if km is not None:
            try:
                run_sync(km.shutdown_kernel)(now=True)
            except Exception:  # noqa: BLE001 - already dead or half started: nothing left to stop
                pass
        if self._sockets is not None:
            remove_tree(self._sockets)
            self._sockets = None

    # ------------------------------------------------------------------ internals

    def _own(self) -> None:
        """In a process forked from the one that started the kernel: forget that kernel (it is the
        parent's, which stops it), never use or stop it here."""
        if self._pid != os.getpid():
            self.km, self.regions, self._sockets, self._pid = None, 0, None, os.getpid()

    def _start(self) -> None:
        import traitlets.config
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        self._sockets = new_private_dir("/tmp", "ra-k")  # short: unix socket paths max ~107 bytes
        config = traitlets.config.Config({"KernelManager": {"transport": "ipc", "ip": f"{self._sockets}/kernel"}})
        self.km = AsyncKernelManager(kernel_name="python3", config=config)
        try:
            # the kernel's own terminal output (its shutdown notices, "KeyboardInterrupt caught in kernel")
            # is not the user's business: cell output and errors come through the kernel's messages
            run_sync(self.km.start_kernel)(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except Exception as err:
            self.discard()
            raise KernelError(f"de kernel start niet: {err}") from err

    def _alive(self) -> bool:
        from jupyter_core.utils import run_sync

        try:
            return bool(run_sync(self.km.is_alive)())
        except Exception:  # noqa: BLE001
            return False

    def _run(self, code: str, timeout: float) -> None:
        """Run ``code`` in the kernel; KernelError (and the kernel discarded) when it does not succeed."""
        from jupyter_core.utils import run_sync

        kc = self.km.client()
        try:
            kc.start_channels()
            run_sync(kc.wait_for_ready)(timeout=START_TIMEOUT)
            reply = run_sync(kc.execute_interactive)(code, timeout=timeout, store_history=False,
                                                     output_hook=lambda msg: None)
            content = reply["content"]
            if content.get("status") != "ok":
                raise KernelError(f"{content.get('ename', 'fout')}: {content.get('evalue', '')}")
        except KernelError:
            self.discard()
            raise
        except Exception as err:  # noqa: BLE001 - a timeout or a dead kernel: not this region's fault alone
            self.discard()
            raise KernelError(f"de kernel reageert niet: {type(err).__name__}: {err}") from err
        finally:
            try:
                kc.stop_channels()
            except Exception:  # noqa: BLE001
                pass


class PerThread:
    """One object per thread, made by ``factory`` on first use, each ``discard``-ed when the process
    ends: a pool worker has one thread; a Dask worker may build several regions at once, one per
    thread, and each gets its own warm kernel or browser. A forked process starts with none of its
    parent's objects (multiprocessing drops the parent's finalizers in a child: the hook is
    registered again in the process that first asks)."""

    def __init__(self, factory, exitpriority: int) -> None:
        self._factory, self._priority = factory, exitpriority
        self._pid, self._local, self._all = None, threading.local(), []
        atexit.register(self.discard_all)

    def get(self):
        if self._pid != os.getpid():
            self._pid, self._local, self._all = os.getpid(), threading.local(), []
            # pool workers end without atexit; a higher priority is discarded first
            multiprocessing.util.Finalize(self, self.discard_all, exitpriority=self._priority)
        obj = getattr(self._local, "obj", None)
        if obj is None:
            obj = self._local.obj = self._factory()
            self._all.append(obj)
        return obj

    def discard_all(self) -> None:
        if self._pid == os.getpid():
            for obj in list(self._all):
                obj.discard()


#: this thread's warm kernel: ``warm_kernel()``
warm_kernel = PerThread(WarmKernel, exitpriority=20).get  # before the browsers: a kernel left running outlives its worker
