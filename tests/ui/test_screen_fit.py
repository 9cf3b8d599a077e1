"""The screens fit a commune PC (issue 13): at 1366×768 every page shows the columns a clerk
needs without a horizontal scroll bar, and at the allowed minimum 1024×640 the navigation narrows
and the lists keep code, applicant, procedure, received, due and status whole."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QTableView, QWidget

from tests.conftest import make_draft
from tthc_desk.domain.dossier import Person
from tthc_desk.services.container import Services
from tthc_desk.ui.dossier_table_model import COLUMNS
from tthc_desk.ui.main_window import ATTENTION, INTAKE, LIST, MainWindow
from tthc_desk.ui.tasks import TaskRunner

SIZES = ((1366, 768), (1024, 640))
#: What a clerk needs of a dossier list (issue 13), by the model's column keys.
NEEDED = ("code", "applicant_name", "procedure_name", "received_at", "due_at", "status")
KEYS = [key for key, _title in COLUMNS]


@pytest.fixture
def window(qtbot, services: Services) -> MainWindow:  # type: ignore[no-untyped-def]
    for i, name in enumerate(("Nguyễn Thị Hồng Nhung", "Trần Văn Bình", "Lê Thị Thu Hương")):
        services.dossiers.receive(
            make_draft(applicant=Person(full_name=name, id_number=f"00119001234{i}"))
        )
    window = MainWindow(services, TaskRunner(synchronous=True))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def _show(window: MainWindow, page: int, size: tuple[int, int]) -> None:
    window.resize(*size)
    window.show_page(page)
    for _ in range(3):
        QApplication.processEvents()


def _clipped(root: QWidget) -> list[str]:
    """Visible buttons and one-line labels whose text is wider than the widget shows."""
    found = []
    for w in root.findChildren(QWidget):
        if not w.isVisibleTo(root) or w.width() <= 1:
            continue
        if isinstance(w, QLabel) and not w.wordWrap() and w.text() and "<" not in w.text():
            room = w.contentsRect().width()
            if w.fontMetrics().horizontalAdvance(w.text()) > room + 1:
                found.append(f"nhãn “{w.text()}” ({room} px)")
        elif isinstance(w, QAbstractButton) and w.text():
            text = w.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
            if w.fontMetrics().horizontalAdvance(text) > w.width():
                found.append(f"nút “{text}” ({w.width()} px)")
    return found


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("page", [LIST, ATTENTION], ids=["danh-sach", "chu-y"])
def test_dossier_lists_show_what_a_clerk_needs_without_scrolling_sideways(
    window: MainWindow, size: tuple[int, int], page: int, tmp_path: Path
) -> None:
    _show(window, page, size)
    view = window.pages.currentWidget().findChild(QTableView)
    assert view is not None
    window.grab().save(str(tmp_path / f"page{page}-{size[0]}.png"))
    shown = sum(view.columnWidth(c) for c in range(len(KEYS)) if not view.isColumnHidden(c))
    assert shown <= view.viewport().width(), "a sideways scroll bar"
    model = view.model()
    metrics = view.fontMetrics()
    for key in NEEDED:
        col = KEYS.index(key)
        assert not view.isColumnHidden(col), key
        if key in ("code", "received_at", "due_at", "status"):  # never elided
            for row in range(model.rowCount()):
                text = str(model.index(row, col).data())
                assert metrics.horizontalAdvance(text) + 8 <= view.columnWidth(col), (key, text)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_navigation_narrows_on_a_small_screen_and_says_the_whole_name(
    window: MainWindow, size: tuple[int, int]
) -> None:
    _show(window, INTAKE, size)
    first = window.nav.item(INTAKE)
    assert first is not None
    if size[0] < 1200:
        assert window.compact and first.text() == "Tiếp nhận"
        assert window.nav.width() < 150
    else:
        assert not window.compact and first.text() == "Tiếp nhận hồ sơ   F2"
    assert first.toolTip() == "Tiếp nhận hồ sơ — phím tắt: F2"
    nav_metrics = window.nav.fontMetrics()
    for row in range(window.nav.count()):
        item = window.nav.item(row)
        assert item is not None
        assert nav_metrics.horizontalAdvance(item.text()) + 24 <= window.nav.viewport().width()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("page", [INTAKE, LIST, ATTENTION], ids=["tiep-nhan", "danh-sach", "chu-y"])
def test_no_button_or_label_is_cut(window: MainWindow, size: tuple[int, int], page: int) -> None:
    _show(window, page, size)
    assert _clipped(window.pages.currentWidget()) == []
