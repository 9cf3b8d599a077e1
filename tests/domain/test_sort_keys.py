"""The list's sort keys: ``sort_fold`` is ``fold`` exactly (only faster), names by given name."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from tthc_desk.domain.text import fold, name_sort_key, sort_fold

VIETNAMESE = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ"
)
LETTERS = VIETNAMESE + VIETNAMESE.upper() + " -'.0123456789"


@given(st.text(alphabet=LETTERS, max_size=40))
def test_sort_fold_is_fold_on_vietnamese(text: str) -> None:
    assert sort_fold(text) == fold(text)
    assert sort_fold(unicodedata.normalize("NFD", text)) == fold(text)


@given(st.text(max_size=30))
def test_sort_fold_is_fold_on_any_text(text: str) -> None:
    assert sort_fold(text) == fold(text)


def test_names_sort_by_given_name_then_middle_then_family() -> None:
    assert name_sort_key("Nguyễn Văn Đức") == "duc van nguyen"
    assert name_sort_key("  ÂU  DƯƠNG Phong ") == "phong duong au"
    assert name_sort_key("") == "" and sort_fold(None) == ""
    names = ["Trần Văn Đức", "Lê Hoàng Nam", "Nguyễn Thị Hồng Nhung", "Bùi Đức"]
    assert sorted(names, key=name_sort_key) == [
        "Bùi Đức",
        "Trần Văn Đức",
        "Lê Hoàng Nam",
        "Nguyễn Thị Hồng Nhung",
    ]
