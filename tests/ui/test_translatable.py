"""Every Vietnamese text of the UI can be extracted by pyside6-lupdate (issue 8).

The check runs lupdate over ``tthc_desk/ui`` (and the presentation texts, where they exist) and
asks, literal by literal, whether each Vietnamese string was extracted from where it is written:
see ``tests/checks/translatable.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.checks.translatable import (
    check_source,
    check_tree,
    find_lupdate,
    run_lupdate,
    stale_exemptions,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def lupdate() -> list[str]:
    command = find_lupdate()
    if command is None:
        pytest.skip("no lupdate beside PySide6 nor on PATH")
    return command


def test_every_ui_text_is_marked_for_translation(lupdate: list[str]) -> None:
    found = [str(v) for v in check_tree(ROOT, lupdate)]
    assert found == [], "UI texts lupdate cannot extract:\n" + "\n".join(found)


def test_every_exemption_still_matches_a_literal() -> None:
    assert stale_exemptions(ROOT) == []


GOOD_AND_BAD = '''\
"""Một mô-đun thử: the docstring is not checked."""
import logging

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLabel, QWidget

from tthc_desk.ui.i18n import QT_TRANSLATE_NOOP, translate

log = logging.getLogger(__name__)
COLUMNS = (("code", QT_TRANSLATE_NOOP("Table", "Mã hồ sơ")), ("name", "Người nộp"))
COLUMN_SAMPLES = ("Nguyễn Thị Thu Hà", "02/03/2026 08:00")


def tr(text):
    return text


def summary(n):
    """Tóm tắt: not checked either."""
    log.info("Đã tóm tắt %d hồ sơ", n)
    kept = QCoreApplication.translate("Ctx", "Đã lưu {0} hồ sơ").format(n)
    also = translate("Ctx", "Không có hồ sơ nào")
    lost = tr("Không có ngữ cảnh")
    return kept, also, lost


class Page(QWidget):
    def build(self, n):
        QLabel(self.tr("Lưu"))
        QLabel(self.tr("Đã lưu {count} hồ sơ").format(count=n))
        QLabel(
            self.tr(
                "Một câu dài "
                "viết trên hai dòng"
            )
        )
        QLabel("Lưu")
        QLabel(self.tr(f"Đã lưu {n} hồ sơ"))
        QLabel(self.tr("Đã lưu") + " " + "hồ sơ")
        QLabel(f"{n} hồ sơ")
'''


def test_checker_catches_unmarked_texts(lupdate: list[str], tmp_path: Path) -> None:
    path = tmp_path / "page.py"
    path.write_text(GOOD_AND_BAD, encoding="utf-8")
    found = check_source(GOOD_AND_BAD, path, "page.py", run_lupdate(lupdate, [path]))
    assert sorted((v.line, v.text, v.what) for v in found) == [
        (10, "Người nộp", "not marked for translation"),  # a table entry left bare
        (23, "Không có ngữ cảnh", "not marked for translation"),  # tr() outside a class
        (37, "Lưu", "not marked for translation"),  # marked on line 29, bare here
        (38, "f'Đã lưu {n} hồ sơ'", "f-string lupdate cannot read"),
        (39, "hồ sơ", "not marked for translation"),  # a fragment glued to a sentence
        (40, "f'{n} hồ sơ'", "f-string lupdate cannot read"),
    ]


def test_a_stale_exemption_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.checks import translatable

    gone = ("tthc_desk/ui/display.py", "một chữ không còn ở đây")
    monkeypatch.setitem(translatable.EXEMPT, gone, "for the test")
    assert stale_exemptions(ROOT) == [gone]
