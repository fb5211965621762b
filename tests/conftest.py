"""Shared fixtures: paths to the repository's data and to the source documents.

The source documents are the four regions' activity plans (and a national brochure) that the
default regions were transcribed from. They are not in the repository. Tests that read them carry
the marker ``bronnen``; they run when the documents are present (CI has them; the environment
variable ``REGIO_ANALYSIS_BRONNEN`` names their folder) and are otherwise deselected, not skipped,
with one line in pytest's summary saying so.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
#: the folder with the source documents (``000_….txt`` … ``004_….txt``), named by the environment (CI
#: sets it in ``.ci/run``); none when unset
SEEDS = Path(os.environ["REGIO_ANALYSIS_BRONNEN"]) if os.environ.get("REGIO_ANALYSIS_BRONNEN") else None
BRONNEN_MARKER = "bronnen"
_BRONNEN_HELP = (f"{BRONNEN_MARKER}: reads the regions' source documents (not in the repository; folder "
                 "REGIO_ANALYSIS_BRONNEN); deselected when they are absent")
LANGZAAM_MARKER = "langzaam"
_LANGZAAM_HELP = (f"{LANGZAAM_MARKER}: a README example that builds reports (minutes, tests/test_readme.py); "
                  "deselected unless -m is given (.ci/run: pytest -m langzaam tests/test_readme.py)")


def sources_present() -> bool:
    """Whether the source documents are there (at least the four plans)."""
    return SEEDS is not None and len(list(SEEDS.glob("00[0-3]_*.txt"))) >= 4


def pytest_configure(config):
    config.addinivalue_line("markers", _BRONNEN_HELP)
    config.addinivalue_line("markers", _LANGZAAM_HELP)


def pytest_collection_modifyitems(config, items):
    """Without the source documents, the tests marked ``bronnen`` are deselected (reported in one line).
    Without ``-m``, the tests marked ``langzaam`` are deselected too (``-m langzaam`` selects them)."""
    if not config.getoption("markexpr", None):
        slow = [item for item in items if item.get_closest_marker(LANGZAAM_MARKER)]
        if slow:
            config.hook.pytest_deselected(items=slow)
            items[:] = [item for item in items if not item.get_closest_marker(LANGZAAM_MARKER)]
            config._langzaam_deselected = len(slow)
    if sources_present():
        return
    kept, dropped = [], []
    for item in items:
        (dropped if item.get_closest_marker(BRONNEN_MARKER) else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
        config._bronnen_deselected = len(dropped)


_RUNNING = {"bronnen": False}  # whether the test being set up or run carries the marker


def pytest_runtest_setup(item):
    _RUNNING["bronnen"] = item.get_closest_marker(BRONNEN_MARKER) is not None


def sources_dir() -> Path:
    """The folder of the source documents, for a test marked ``bronnen`` (fails for an unmarked one:
    it would fail on a clone without the documents instead of being deselected)."""
    if not _RUNNING["bronnen"]:
        pytest.fail("this test reads the source documents: mark it @pytest.mark.bronnen (tests/conftest.py)")
    if SEEDS is None or not SEEDS.is_dir():
        pytest.fail(f"source documents not found ({SEEDS}; REGIO_ANALYSIS_BRONNEN)")
    return SEEDS


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    n_slow = getattr(config, "_langzaam_deselected", 0)
    if n_slow:
        terminalreporter.write_line(
            f"{n_slow} slow README examples (reports) were not run: pytest -m langzaam tests/test_readme.py "
            "runs them (.ci/run does, after make test).")
    n = getattr(config, "_bronnen_deselected", 0)
    if n:
        where = f"not found in {SEEDS}" if SEEDS is not None else "REGIO_ANALYSIS_BRONNEN is not set"
        terminalreporter.write_line(
            f"{n} tests that check the default regions against their source documents were not run: the "
            f"documents are not in the repository ({where}; set REGIO_ANALYSIS_BRONNEN to their folder).")


def seed_text(prefix: str) -> str:
    """The text of the source document whose file name starts with ``prefix`` (e.g. "002"). Only for
    tests marked ``bronnen``; fails (not skips) when the document is missing while others are there."""
    matches = sorted(sources_dir().glob(f"{prefix}_*.txt"))
    if not matches:
        pytest.fail(f"source document {prefix}_*.txt not found in {SEEDS} (REGIO_ANALYSIS_BRONNEN)")
    return matches[0].read_text(encoding="utf-8")


def squash(text: str) -> str:
    """Collapse runs of white space, so table rows can be matched with single spaces."""
    return re.sub(r"\s+", " ", text)


def assert_data_error(call, path, expected_parts) -> str:
    """``call()`` raises DataError whose message names ``path`` and contains every expected part."""
    from regio_analysis import DataError

    with pytest.raises(DataError) as err:
        call()
    message = str(err.value)
    assert str(path) in message, message
    for part in expected_parts:
        assert part in message, (part, message)
    return message


def one_row(df, **where):
    """The single row of ``df`` whose columns equal ``where``; fails unless exactly one matches."""
    mask = None
    for column, value in where.items():
        hit = df[column] == value
        mask = hit if mask is None else mask & hit
    assert int(mask.sum()) == 1, f"expected one row for {where}, got {int(mask.sum())}"
    return df[mask].iloc[0]


def load_script(path: Path):
    """Import a fixture-generator script (e.g. tests/fixtures/duo/make_fixtures.py) as a module."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"fixture_{path.parent.name}_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session", autouse=True)
def _isolated_home_and_key(tmp_path_factory):
    """No test touches the real $HOME or key file: a temporary HOME and a fixed test key, for
    this process and every worker and kernel it starts (session scope: before ``full_reports``)."""
    patch = pytest.MonkeyPatch()
    patch.setenv("HOME", str(tmp_path_factory.mktemp("home")))
    patch.setenv("REGIO_ANALYSIS_KEY", "test-sleutel-van-de-testsuite")
    patch.delenv("REGIO_ANALYSIS_KEY_FILE", raising=False)
    yield
    patch.undo()


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES


def microdata_only_region(root: Path, regio_id: str = "alleen-microdata", seed: int = 0) -> Path:
    """A data folder with one region that has employment spells and nothing else.

    The spells are the synthetic ones of rond-bommel-en-dommel, written as the region's own
    ``dienstverbanden.csv``, so the loader treats them as real microdata.
    """
    from regio_analysis.data import load_region
    from regio_analysis.io.files import write_csv
    from regio_analysis.data.synthetic import generate_dienstverbanden

    folder = root / regio_id
    folder.mkdir(parents=True)
    (folder / "regio.yaml").write_text(
        f"regio_id: {regio_id}\nnaam: Alleen microdata\nsectoren: [PO]\nprovincies: [Utrecht]\n"
        "bron: synthetische dienstverbanden (test)\n", encoding="utf-8")
    spells = generate_dienstverbanden(load_region("rond-bommel-en-dommel"), seed=seed)
    write_csv(spells.drop(columns=["bron"]).assign(bron="test"), folder / "dienstverbanden.csv")
    return root


def plan_region(root: Path, regio_id: str = "voorbeeldstreek") -> Path:
    """A data folder with a made-up region whose folder holds its activity plan: the consistent
    ``tests/fixtures/plannen/voorbeeldplan.md`` with the inconsistencies of ``geplant.yaml`` planted,
    as ``activiteitenplan.md`` (its ``regio.yaml`` names it), beside a few tables of its own that
    differ from the plan in places (``tests/fixtures/plannen/voorbeeldstreek/``)."""
    import shutil

    import yaml

    folder = root / regio_id
    shutil.copytree(FIXTURES / "plannen" / "voorbeeldstreek", folder)
    text = (FIXTURES / "plannen" / "voorbeeldplan.md").read_text(encoding="utf-8")
    for consistent, planted, _kind in yaml.safe_load((FIXTURES / "plannen" / "geplant.yaml").read_text(encoding="utf-8")):
        text = text.replace(consistent, planted)
    (folder / "activiteitenplan.md").write_text(text, encoding="utf-8")
    return root


#: the regions of the shared batch (:func:`full_reports`)
BATCH_REGIONS = ("kennemerland-groot-amsterdam", "noorderwijzer", "po-noord-nederland", "rond-bommel-en-dommel",
                 "alleen-microdata", "voorbeeldstreek")
#: the names of the batch's regions that are not default regions (their folders are made by the fixture)
TEST_REGION_NAMES = {"alleen-microdata": "Alleen microdata", "voorbeeldstreek": "Voorbeeldstreek"}


@pytest.fixture(scope="session")
def full_reports(tmp_path_factory) -> tuple[Path, dict]:
    """Every real chapter built once for the four default regions, a microdata-only region and a
    made-up region with its plan in its folder (:data:`BATCH_REGIONS`).

    The chapters' acceptance tests and the browser check all read this one batch (building
    reports is the slow part of the suite). With a PDF per report where Chromium is available
    (always in CI, which installs it; tests/test_browser.py fails there without it). Returns
    ``(out_dir, manifest)``.
    """
    import shutil

    from regio_analysis.data.regions import DEFAULT_REGIONS, default_data_dir
    from regio_analysis.reporting import run_batch

    data = tmp_path_factory.mktemp("regios")
    for rid in DEFAULT_REGIONS:
        shutil.copytree(default_data_dir() / rid, data / rid)
    microdata_only_region(data)
    plan_region(data)
    assert sorted(p.name for p in data.iterdir()) == sorted(BATCH_REGIONS)
    out = tmp_path_factory.mktemp("rapporten")
    manifest = run_batch(None, out, jobs=2, data_dir=data, progress=False, pdf=pdf_possible())
    return out, manifest


def pdf_possible() -> bool:
    """Whether this machine can print a report to PDF (Chromium and playwright present)."""
    from regio_analysis.errors import DataError
    from regio_analysis.reporting.pdf import check_pdf_possible

    try:
        check_pdf_possible()
    except DataError:
        return False
    return True


def chapter_status(manifest: dict, hoofdstuk: str) -> dict[str, str]:
    """``{regio_id: status}`` of one chapter in a batch manifest."""
    return {r["regio_id"]: r["status"] for r in manifest["rijen"] if r["hoofdstuk"] == hoofdstuk}


def document_and_section(bron: str, meta: dict) -> tuple[str, str]:
    """The document title and the section of a ``bron``: ``"<titel>, § <sectie>"``, or a file
    name that regio.yaml's ``bronnen`` maps to the title (``"<bestand> § <sectie>"``)."""
    for bestand, titel in (meta.get("bronnen") or {}).items():
        if bron.startswith(f"{bestand} § "):
            return titel, bron[len(bestand) + 3:]
    titel, _, sectie = bron.partition(", § ")
    return titel, sectie


def with_published_figure(regio_id: str, indicator: str, waarde: float, seed: int = 0):
    """A default region with one key figure (``kengetallen`` ``indicator``) changed, and synthetic
    microdata generated anew from it: what a reading must follow when the published data change."""
    from dataclasses import replace

    from regio_analysis.data import load_region
    from regio_analysis.data.synthetic import generate_microdata

    plain = load_region(regio_id)
    kg = plain.kengetallen.copy()
    kg.loc[kg["indicator"] == indicator, "waarde"] = waarde
    changed = replace(plain, tables={**plain.tables, "kengetallen": kg})
    micro = generate_microdata(changed, seed=seed)
    return replace(changed, tables={**changed.tables, **micro}, synthetisch=set(micro))
