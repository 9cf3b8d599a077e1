"""The "no SQL outside tthc_desk/db" rule, as an AST check the architecture tests run.

Outside ``tthc_desk/db`` the application may open units of work and call stores; it may not build
statements (``select(``, ``insert(``, ``update(``, ``delete(``, ``text(``), run them
(``.execute(``, ``.scalar(``, ``.scalars(``), import SQLAlchemy, or name an ORM record class.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

STATEMENT_BUILDERS = {"select", "insert", "update", "delete", "text"}
RUNNERS = {"execute", "scalar", "scalars", "exec_driver_sql"}


@dataclass(frozen=True)
class Violation:
    path: str
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.what}"


def _record_names(models_source: str) -> set[str]:
    tree = ast.parse(models_source)
    return {n.name for n in tree.body if isinstance(n, ast.ClassDef) and n.name.endswith("Record")}


def check_source(source: str, path: str, record_names: set[str]) -> list[Violation]:
    """Every place in ``source`` that breaks the rule."""
    found: list[Violation] = []
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "sqlalchemy":
                    found.append(Violation(path, node.lineno, f"import {alias.name}"))
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if module.split(".")[0] == "sqlalchemy" or module == "tthc_desk.db.models":
                found.append(Violation(path, node.lineno, f"from {module} import …"))
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id in STATEMENT_BUILDERS:
                found.append(Violation(path, node.lineno, f"{func.id}(…) builds SQL"))
            elif isinstance(func, ast.Attribute) and func.attr in RUNNERS:
                found.append(Violation(path, node.lineno, f".{func.attr}(…) runs SQL"))
        elif isinstance(node, ast.Name) and node.id in record_names:
            found.append(Violation(path, node.lineno, f"record class {node.id}"))
    return found


def check_tree(root: Path) -> list[Violation]:
    """The violations in the package under ``root`` (the repository), outside ``db/``."""
    package = root / "tthc_desk"
    records = _record_names((package / "db" / "models.py").read_text(encoding="utf-8"))
    found: list[Violation] = []
    for path in sorted(package.rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        if rel.startswith("tthc_desk/db/"):
            continue
        found.extend(check_source(path.read_text(encoding="utf-8"), rel, records))
    return found
