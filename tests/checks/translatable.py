"""The "every visible UI string is extractable by lupdate" rule, as a check the UI tests run.

``pyside6-lupdate`` reads the sources and lists every text a translator would see: the literal
arguments of ``self.tr("…")``, ``translate("Ctx", "…")`` (bare or ``QCoreApplication.translate``)
and ``QT_TRANSLATE_NOOP("Ctx", "…")``, each with the file and line of its call. The check walks
the AST of each UI module and asks, for every string constant holding a non-ASCII letter
(Vietnamese text), whether lupdate extracted exactly that text from that call; a text filed under
the empty context (a bare ``tr("…")`` outside a class) does not count. Docstrings, strings standing
alone as statements, the arguments of logging calls and the data constants of DATA_SUFFIXES are
not text to translate and are skipped; EXEMPT lists the few other data literals. An f-string
holding Vietnamese text is always reported: lupdate cannot extract it, so a visible sentence with
values is one literal with ``{placeholders}`` and ``.format()``.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

LOG_NAMES = {"log", "logger", "logging", "_log", "_logger"}
LOG_METHODS = {"debug", "info", "warning", "error", "exception", "critical", "log"}

# Constants of Vietnamese data, not text to translate: ``…_SAMPLES`` hold typical cell values (a
# name, a date) a list measures to size its columns, never shown; ``…_EXAMPLES`` hold what a clerk
# types (office names and titles as they print on the forms, in Vietnamese whatever the language
# of the screens), shown as "Ví dụ: …" placeholders.
DATA_SUFFIXES = ("_SAMPLES", "_EXAMPLES")

# Literals that hold non-ASCII letters but are not text a translator should see, keyed by the
# path relative to the repository and the exact text, each with the reason. Keep it short: an
# entry that no longer matches a literal fails the check, so the list cannot go stale.
EXEMPT: dict[tuple[str, str], str] = {
    ("tthc_desk/ui/display.py", "đồng"): "a unit word parse_money drops from typed money",
    ("tthc_desk/ui/display.py", "đ"): "a unit word parse_money drops from typed money",
    ("tthc_desk/ui/widgets.py", "[0-9. ]{0,15}(đ|d)?"): "the money input's validator pattern",
    ("tthc_desk/ui/dossier_table_model.py", "Thủ tục "): "a prefix of catalog names (data)",
    ("tthc_desk/ui/dossier_table_model.py", "thủ tục "): "a prefix of catalog names (data)",
}


@dataclass(frozen=True)
class Violation:
    path: str
    line: int
    text: str
    what: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.what}: {self.text!r}"


# Where lupdate found each text: (resolved file, line of the call) -> the source texts there.
Extracted = dict[tuple[Path, int], set[str]]


def find_lupdate() -> list[str] | None:
    """The command that runs lupdate: PySide6's own binary first, then one on PATH."""
    import PySide6

    here = Path(PySide6.__file__ or "").parent
    for name in ("lupdate", "lupdate.exe"):
        if (here / name).is_file():
            return [str(here / name)]
    for name in ("pyside6-lupdate", "lupdate"):
        exe = shutil.which(name)
        if exe:
            return [exe]
    return None


def run_lupdate(lupdate: list[str], files: Iterable[Path]) -> Extracted:
    """Run lupdate over ``files`` into a throw-away .ts and read back what it extracted."""
    with tempfile.TemporaryDirectory() as tmp:
        ts = Path(tmp) / "check.ts"
        result = subprocess.run(
            [*lupdate, "-locations", "absolute", *[str(f) for f in files], "-ts", str(ts)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        if result.returncode != 0 or not ts.exists():
            raise RuntimeError(f"lupdate failed:\n{result.stdout}{result.stderr}")
        root = ET.parse(ts).getroot()
        found: Extracted = {}
        for context in root.iter("context"):
            # A bare tr("…") outside a class lands in the empty context, which no lookup at run
            # time uses: such a text is not really marked.
            if not context.findtext("name"):
                continue
            for message in context.iter("message"):
                source = message.findtext("source") or ""
                for loc in message.iter("location"):
                    where = (Path(tmp) / loc.attrib["filename"]).resolve()
                    found.setdefault((where, int(loc.attrib["line"])), set()).add(source)
        return found


def is_text(value: str) -> bool:
    """Whether a literal holds a non-ASCII letter, i.e. Vietnamese words."""
    return any(ch.isalpha() and not ch.isascii() for ch in value)


def _is_logging_call(node: ast.Call) -> bool:
    func = node.func
    if not (isinstance(func, ast.Attribute) and func.attr in LOG_METHODS):
        return False
    owner = func.value
    return isinstance(owner, ast.Name) and owner.id in LOG_NAMES


def _is_data_constant(node: ast.AST) -> bool:
    """``X_SAMPLES = (…)`` or ``X_EXAMPLES = {…}``: Vietnamese data (see DATA_SUFFIXES)."""
    targets = node.targets if isinstance(node, ast.Assign) else []
    if isinstance(node, ast.AnnAssign):
        targets = [node.target]
    return any(isinstance(t, ast.Name) and t.id.endswith(DATA_SUFFIXES) for t in targets)


def _skipped_nodes(tree: ast.Module) -> set[int]:
    """ids of the nodes whose strings are not text to translate: docstrings, bare strings, log
    calls, data constants."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            skipped.add(id(node.value))
        elif (isinstance(node, ast.Call) and _is_logging_call(node)) or _is_data_constant(node):
            skipped.update(id(n) for n in ast.walk(node))
    return skipped


def _text_literals(
    tree: ast.Module,
) -> Iterator[tuple[ast.Constant | ast.JoinedStr, ast.Call | None]]:
    """Each visible literal with the call it is a direct argument of (None if it is not)."""
    skipped = _skipped_nodes(tree)
    parents: dict[int, ast.AST] = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[id(child)] = node
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.JoinedStr):
            parts = [v.value for v in node.values if isinstance(v, ast.Constant)]
            if any(isinstance(p, str) and is_text(p) for p in parts):
                yield node, None
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            parent = parents.get(id(node))
            if isinstance(parent, ast.JoinedStr) or not is_text(node.value):
                continue
            yield node, parent if isinstance(parent, ast.Call) else None


def check_source(source: str, path: Path, rel: str, extracted: Extracted) -> list[Violation]:
    """Every visible literal of ``source`` (the file at ``path``) that lupdate did not extract."""
    found: list[Violation] = []
    where = path.resolve()
    for node, call in _text_literals(ast.parse(source)):
        if isinstance(node, ast.JoinedStr):
            text = ast.unparse(node)
            found.append(Violation(rel, node.lineno, text, "f-string lupdate cannot read"))
            continue
        text = node.value
        if (rel, text) in EXEMPT:
            continue
        first = call.lineno if call is not None else node.lineno
        lines = range(first, node.lineno + 1)
        if not any(text in extracted.get((where, line), ()) for line in lines):
            found.append(Violation(rel, node.lineno, text, "not marked for translation"))
    return found


def stale_exemptions(root: Path) -> list[tuple[str, str]]:
    """The EXEMPT entries whose file no longer holds that literal."""
    stale = []
    for rel, text in EXEMPT:
        path = root / rel
        tree = ast.parse(path.read_text(encoding="utf-8")) if path.is_file() else ast.Module([], [])
        if not any(isinstance(n, ast.Constant) and n.value == text for n in ast.walk(tree)):
            stale.append((rel, text))
    return stale


def ui_files(root: Path) -> list[Path]:
    """The files whose literals must be marked: the Qt user interface."""
    return sorted((root / "tthc_desk" / "ui").glob("*.py"))


def lupdate_inputs(root: Path) -> list[Path]:
    """What lupdate reads: the UI and, where it exists, the Qt-free presentation texts."""
    package = root / "tthc_desk"
    extra = [package / "presentation.py", *sorted((package / "presentation").glob("*.py"))]
    return ui_files(root) + [p for p in extra if p.is_file()]


def check_tree(root: Path, lupdate: list[str]) -> list[Violation]:
    """The unmarked visible literals of every UI module under ``root`` (the repository)."""
    extracted = run_lupdate(lupdate, lupdate_inputs(root))
    found: list[Violation] = []
    for path in ui_files(root):
        rel = path.relative_to(root).as_posix()
        found.extend(check_source(path.read_text(encoding="utf-8"), path, rel, extracted))
    return found
