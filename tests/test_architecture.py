"""The layer rules of house-style.md and the lint rules hold for the whole package."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from grimp import ImportGraph

ROOT = Path(__file__).resolve().parents[1]


def test_import_layers_hold() -> None:
    exe = shutil.which("lint-imports")
    cmd = [exe] if exe else [sys.executable, "-m", "importlinter.cli"]
    result = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_is_clean() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "tthc_desk", "tests", "bench"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_core_never_imports_qt() -> None:
    offenders = []
    for path in (ROOT / "tthc_desk").rglob("*.py"):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith("tthc_desk/ui/"):
            continue
        text = path.read_text(encoding="utf-8")
        if "import PySide6" in text or "from PySide6" in text:
            offenders.append(rel)
    assert offenders == []


# -- one home for each concern (issue 8) -----------------------------------------------------


def test_no_sql_outside_db() -> None:
    from tests.checks.sql_outside_db import check_tree

    offenders = [str(v) for v in check_tree(ROOT)]
    assert offenders == [], "SQL outside tthc_desk/db:\n" + "\n".join(offenders)


def test_sql_checker_catches_a_bad_snippet() -> None:
    from tests.checks.sql_outside_db import check_source

    bad = (
        "from sqlalchemy import select\n"
        "from tthc_desk.db.models import DossierRecord\n"
        "def f(s):\n"
        "    return s.scalars(select(DossierRecord)).all()\n"
    )
    whats = [v.what for v in check_source(bad, "x.py", {"DossierRecord"})]
    assert any("sqlalchemy" in w for w in whats)
    assert any("db.models" in w for w in whats)
    assert any("select(" in w for w in whats)
    assert any(".scalars(" in w for w in whats)
    assert any("DossierRecord" in w for w in whats)
    good = "def f(db):\n    with db.read() as uow:\n        return uow.dossiers.get(1)\n"
    assert check_source(good, "y.py", {"DossierRecord"}) == []


MAX_COMPLEXITY = 15


def _complex_functions(source: str, rel: str) -> dict[str, int]:
    from radon.complexity import cc_visit
    from radon.visitors import Function

    found: dict[str, int] = {}

    def walk(blocks: list[Function], prefix: str) -> None:
        for b in blocks:
            name = prefix + (f"{b.classname}." if b.classname else "") + b.name
            # The UI's __init__ builders lay out widgets; their branches are not logic.
            ui_builder = rel.startswith("tthc_desk/ui/") and b.name == "__init__"
            if b.complexity > MAX_COMPLEXITY and not ui_builder:
                found[f"{rel}:{name}"] = b.complexity
            walk(list(b.closures), name + ".")

    # cc_visit lists functions and methods (with their class name) and the classes themselves.
    walk([b for b in cc_visit(source) if isinstance(b, Function)], "")
    return found


def test_no_function_over_complexity_15() -> None:
    found: dict[str, int] = {}
    for path in sorted((ROOT / "tthc_desk").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if "/migrations/versions/" in rel:
            continue
        found.update(_complex_functions(path.read_text(encoding="utf-8"), rel))
    assert found == {}, f"functions over cyclomatic complexity {MAX_COMPLEXITY}: {found}"


def test_complexity_check_catches_a_tangled_function() -> None:
    branches = "\n".join(f"    if x == {i}:\n        return {i}" for i in range(16))
    assert _complex_functions(f"def f(x):\n{branches}\n", "tthc_desk/x.py") == {
        "tthc_desk/x.py:f": 17
    }


def test_mypy_passes() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_catches_a_type_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("def f(x: int) -> str:\n    return x\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(bad)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 1 and "Incompatible return value" in result.stdout


def test_ruff_format_is_clean() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--check", "tthc_desk", "tests", "bench"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_type_ignore_names_its_code_and_says_why() -> None:
    """mypy (strict) checks that an ignore is needed; this checks that it is explained."""
    unexplained = []
    for path in sorted((ROOT / "tthc_desk").rglob("*.py")):
        if "/migrations/versions/" in path.as_posix():
            continue
        lines = path.read_text(encoding="utf-8").splitlines()
        for i, line in enumerate(lines):
            if "# type: ignore" not in line:
                continue
            coded = "# type: ignore[" in line
            said = lines[i - 1].strip().startswith("#") if i else False
            if not (coded and said):
                unexplained.append(f"{path.relative_to(ROOT)}:{i + 1}")
    assert unexplained == []


def _import_cycles(graph: ImportGraph) -> list[list[str]]:
    """The strongly connected groups of modules (Tarjan) in a grimp import graph."""
    imported_by = graph.find_modules_directly_imported_by
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for other in imported_by(module):
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            group = []
            while True:
                top = stack.pop()
                group.append(top)
                if top == module:
                    break
            if len(group) > 1:
                cycles.append(sorted(group))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return cycles


def test_no_import_cycles() -> None:
    import grimp

    assert _import_cycles(grimp.build_graph("tthc_desk")) == []


def test_cycle_check_finds_a_cycle() -> None:
    import grimp

    graph = grimp.ImportGraph()
    for a, b in (("p.a", "p.b"), ("p.b", "p.c"), ("p.c", "p.a"), ("p.c", "p.d")):
        graph.add_import(importer=a, imported=b)
    assert _import_cycles(graph) == [["p.a", "p.b", "p.c"]]


MAX_USE_CASE_LINES = 40


def _long_use_cases(source: str, rel: str) -> list[str]:
    """Methods of ``…Service`` classes whose code (docstring aside) runs over the limit."""
    import ast

    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.ClassDef) and node.name.endswith("Service")):
            continue
        for method in node.body:
            if not isinstance(method, ast.FunctionDef):
                continue
            body = method.body
            if isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                body = body[1:]
            if body and (body[-1].end_lineno or 0) - body[0].lineno + 1 > MAX_USE_CASE_LINES:
                found.append(f"{rel}:{node.name}.{method.name}")
    return found


def test_use_cases_stay_short() -> None:
    """House style: a service method opens a unit of work and calls stores and rules in order."""
    found = []
    for path in sorted((ROOT / "tthc_desk" / "services").glob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        found += _long_use_cases(path.read_text(encoding="utf-8"), rel)
    assert found == []


def test_use_case_length_check_catches_a_long_method() -> None:
    lines = "\n".join(f"        x{i} = {i}" for i in range(MAX_USE_CASE_LINES + 1))
    source = f'class FooService:\n    def run(self):\n        """Doc."""\n{lines}\n'
    assert _long_use_cases(source, "s.py") == ["s.py:FooService.run"]
