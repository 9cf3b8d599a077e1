"""The user manual shown in the application (*Trợ giúp → Hướng dẫn sử dụng*, F1).

The manual is the README's chapter "Hướng dẫn sử dụng", word for word: the README is where it is
written and kept up to date, and a copy ships in ``resources/manual/`` (the README itself is not
part of an installed or frozen build). The window shows the copy as rich text (Qt reads the
Markdown itself; nothing is fetched from the network).

After editing the chapter in the README, refresh the copy with::

    python -m tthc_desk.manual

``tests/test_manual.py`` fails while the copy and the README differ, naming this command.
"""

from __future__ import annotations

import sys
from pathlib import Path

from tthc_desk.resources import resource_path

#: The README's chapter that is the manual.
CHAPTER = "## Hướng dẫn sử dụng"
MANUAL_FILE = ("manual", "huong-dan-su-dung.md")


def chapter_of(readme: str) -> str:
    """The manual chapter of the README's text: from its heading to the next chapter (``## ``),
    headings of lower levels included; trailing blank lines dropped."""
    lines = readme.splitlines()
    try:
        start = lines.index(CHAPTER)
    except ValueError:
        raise ValueError(f"README không có chương “{CHAPTER[3:]}”.") from None
    end = len(lines)
    # A "## " inside a fenced code block is not a heading: skip fences when looking.
    fence = False
    for i in range(start + 1, len(lines)):
        if lines[i].startswith("```"):
            fence = not fence
        elif not fence and lines[i].startswith("## "):
            end = i
            break
    return "\n".join(lines[start:end]).rstrip() + "\n"


def for_display(markdown: str) -> str:
    """The chapter as Qt's Markdown reader should get it: a table written inside a list item
    (indented, right under the item's line, as GitHub reads it) moved out to the left margin
    with blank lines around it, which Qt needs to see a table at all."""
    out: list[str] = []
    in_table = False
    for line in markdown.splitlines():
        table_line = line.lstrip().startswith("|") and line.startswith(" ")
        if table_line and not in_table and out and out[-1].strip():
            out.append("")
        if not table_line and in_table and line.strip():
            out.append("")
        out.append(line.lstrip() if table_line else line)
        in_table = table_line
    return "\n".join(out) + "\n"


def manual_path() -> Path:
    return resource_path(*MANUAL_FILE)


def manual_text() -> str:
    """The shipped manual (Markdown)."""
    return manual_path().read_text(encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Copy the README's chapter to the shipped manual (run from the source tree)."""
    args = sys.argv[1:] if argv is None else argv
    readme = Path(args[0]) if args else Path(__file__).resolve().parents[1] / "README.md"
    target = manual_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(chapter_of(readme.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"Đã chép chương hướng dẫn sử dụng vào {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
