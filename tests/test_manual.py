"""The manual shown in the application is the README's chapter "Hướng dẫn sử dụng"."""

from __future__ import annotations

from pathlib import Path

import pytest

from tthc_desk.manual import chapter_of, manual_path, manual_text

README = Path(__file__).resolve().parents[1] / "README.md"


def test_the_shipped_manual_is_the_readme_chapter() -> None:
    chapter = chapter_of(README.read_text(encoding="utf-8"))
    assert manual_text() == chapter, (
        f"{manual_path()} khác chương “Hướng dẫn sử dụng” của README.md: chạy "
        "`python -m tthc_desk.manual` rồi commit tệp đó."
    )
    assert chapter.startswith("## Hướng dẫn sử dụng\n")
    assert "### Một ngày của cán bộ tiếp nhận" in chapter
    assert "\n## " not in chapter  # the next chapter is not part of it


def test_the_chapter_ends_at_the_next_chapter_not_inside_code() -> None:
    text = (
        "# T\n\n## Khác\nx\n\n## Hướng dẫn sử dụng\nA\n### B\n```\n## không phải chương\n```\n"
        "C\n\n## Chương sau\nD\n"
    )
    assert chapter_of(text) == (
        "## Hướng dẫn sử dụng\nA\n### B\n```\n## không phải chương\n```\nC\n"
    )
    with pytest.raises(ValueError, match="không có chương"):
        chapter_of("# T\n## Khác\n")


def test_a_table_inside_a_list_item_is_moved_out_for_qt() -> None:
    from tthc_desk.manual import for_display

    text = "- **Vai trò**:\n  | A | B |\n  |---|---|\n  | x | y |\n\n  Sau bảng.\n"
    assert for_display(text) == (
        "- **Vai trò**:\n\n| A | B |\n|---|---|\n| x | y |\n\n  Sau bảng.\n"
    )
