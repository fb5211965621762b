"""The layout rules of ``regio_analysis`` (its ``__init__`` docstring): no import cycle, no module
over 800 lines, at most eight modules at the top level, only ``io`` touches files, and model
modules do not import ``io``. Each rule is also run on a small package written here that breaks
it, so a rule that can no longer fail is noticed."""
from __future__ import annotations

import textwrap
from pathlib import Path

import layout_rules as rules
import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "regio_analysis"
# layers that may import io: the data layer (loading a region), the report layers and the CLI
MAY_IMPORT_IO = ("regio_analysis.data", "regio_analysis.report", "regio_analysis.reporting", "regio_analysis.cli")


def test_no_import_cycle():
    assert rules.import_cycles(PACKAGE) == []


def test_no_module_over_800_lines():
    assert rules.long_modules(PACKAGE) == []


def test_at_most_eight_modules_at_the_top_level():
    top = rules.top_level_modules(PACKAGE)
    assert len(top) <= rules.MAX_TOP_LEVEL_MODULES, top


def test_only_io_touches_files():
    assert rules.file_access_outside_io(PACKAGE) == []


def test_models_do_not_import_io():
    assert rules.models_importing_io(PACKAGE, allowed=MAY_IMPORT_IO) == []


def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "pkg"
    for name, text in {"__init__.py": "", "io/__init__.py": "", **files}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return root


@pytest.mark.parametrize("files, rule, expected", [
    ({"a.py": "from pkg.b import x\n", "b.py": "from pkg import a\nx = 1\n"}, "import_cycles", "pkg.a <-> pkg.b"),
    ({"m/__init__.py": "", "m/a.py": "from .b import x\n", "m/b.py": "from pkg.m.a import y\nx = 1\n"},
     "import_cycles", "pkg.m.a <-> pkg.m.b"),
    ({"long.py": "x = 1\n" * 801}, "long_modules", "pkg/long.py: 801 lines"),
    ({"model.py": "def f(p):\n    return open(p).read()\n"}, "file_access_outside_io", "pkg/model.py:2: open()"),
    ({"model.py": "import pandas as pd\npd.read_csv('x')\n"}, "file_access_outside_io", "pkg/model.py:2: pd.read_csv()"),
    ({"model.py": "def f(df, p):\n    df.to_excel(p)\n"}, "file_access_outside_io", "pkg/model.py:2: .to_excel()"),
    ({"model.py": "import shutil\nshutil.rmtree('x')\n"}, "file_access_outside_io", "pkg/model.py:2: shutil.rmtree()"),
    ({"model.py": "from pathlib import Path\nPath('x').write_text('y')\n"}, "file_access_outside_io",
     "pkg/model.py:2: .write_text()"),
    ({"io/files.py": "def r(p):\n    return open(p).read()\n", "model.py": "from pkg.io.files import r\n"},
     "models_importing_io", "pkg.model imports pkg.io.files"),
])
def test_each_rule_catches_its_violation(tmp_path, files, rule, expected):
    root = _package(tmp_path, files)
    assert expected in getattr(rules, rule)(root)


def test_rules_allow_what_they_should(tmp_path):
    root = _package(tmp_path, {
        "io/files.py": "def r(p):\n    return open(p).read()\n",       # io may open files
        "cap/__init__.py": "from pkg.cap.model import f\n",             # a package re-exporting its model
        "cap/model.py": "def f(text):\n    return text.replace('a', 'b')\n",  # str.replace is no file access
        "cap/chapter.py": "from pkg.io.files import r\nfrom pkg.cap.model import f\n",  # a chapter may call io
    })
    assert rules.import_cycles(root) == []
    assert rules.file_access_outside_io(root) == []
    assert rules.models_importing_io(root) == []


NOTEBOOKS = sorted((PACKAGE.parent / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebooks_are_thin(path):
    """After the parameters cell: imports, one chapter object, and calls on it; no control flow,
    no functions, no other variables (chapters share one kernel when a report is built)."""
    import ast

    import nbformat

    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert "parameters" in code[0].metadata.get("tags", [])
    assigned: set[str] = set()
    for cell in code[1:]:
        source = "\n".join(line for line in cell.source.splitlines() if not line.lstrip().startswith(("%", "!")))
        for node in ast.parse(source).body:
            assert not isinstance(node, (ast.For, ast.While, ast.FunctionDef, ast.ClassDef, ast.With, ast.Try)), (
                f"{path.name}: logic in a notebook cell ({type(node).__name__}, line {node.lineno}); move it into the chapter")
            if isinstance(node, ast.If):  # only "if output_dir:" style guards of a single call are allowed
                assert len(node.body) == 1 and not node.orelse, f"{path.name}: an if with more than one call"
            if isinstance(node, (ast.Assign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                assigned |= {t.id for t in targets if isinstance(t, ast.Name)}
    assert len(assigned) <= 1, f"{path.name}: variables {sorted(assigned)}; keep one chapter object"


def test_chapters_joined_in_one_kernel_bind_different_names():
    """A report runs every chapter in one kernel: apart from the shared helpers, no two notebooks
    bind the same name (each has its own chapter object and class alias)."""
    import ast

    import nbformat

    shared = {"Markdown", "display", "load_region", "figures", "toon_figuur", "toon_tabel", "toon_tekst",
              "bewaar_tabel"}
    seen: dict[str, str] = {}
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        names: set[str] = set()
        for cell in [c for c in nb.cells if c.cell_type == "code"][1:]:
            source = "\n".join(l for l in cell.source.splitlines() if not l.lstrip().startswith(("%", "!")))
            for node in ast.walk(ast.parse(source)):
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    names |= {(a.asname or a.name).split(".")[0] for a in node.names}
                elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                    names.add(node.id)
        for name in names - shared:
            assert name not in seen, f"{name} is bound in {seen.get(name)} and {path.name}"
            seen[name] = path.name
