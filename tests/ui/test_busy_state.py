"""Long work shows that it is running, whatever started it: the runner's busy state (cursor,
status text, moving bar) after 300 ms, and the button that started it disabled meanwhile."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton

from tthc_desk.services.container import Services
from tthc_desk.ui.busy import BusyIndicator, working
from tthc_desk.ui.catalog_dialog import CatalogDialog
from tthc_desk.ui.main_window import MainWindow
from tthc_desk.ui.tasks import TaskRunner


def cursor_shape() -> Qt.CursorShape | None:
    cursor = QApplication.overrideCursor()
    return cursor.shape() if cursor is not None else None


def test_work_over_300_ms_shows_busy_and_disables_its_button(qtbot) -> None:  # type: ignore[no-untyped-def]
    runner = TaskRunner()
    indicator = BusyIndicator(runner)
    qtbot.addWidget(indicator)
    button = QPushButton("Xuất Excel")
    qtbot.addWidget(button)
    release = threading.Event()
    done: list[int] = []
    runner.run(lambda: release.wait(10) and 7, done.append, label="Xuất sổ", trigger=button)
    assert not button.isEnabled()  # at once: no second click
    assert not indicator.busy  # not yet: short work would only flicker
    qtbot.waitUntil(lambda: indicator.busy, timeout=2000)
    assert cursor_shape() is Qt.CursorShape.BusyCursor
    assert indicator.isVisibleTo(indicator.parentWidget() or indicator) or not indicator.isHidden()
    assert indicator.label.text() == "Đang xử lý: Xuất sổ…"
    assert indicator.bar.maximum() == 0  # moving, no end known
    release.set()
    qtbot.waitUntil(lambda: done == [7], timeout=5000)
    assert button.isEnabled() and not indicator.busy and indicator.isHidden()
    assert cursor_shape() is None


def test_quick_and_background_work_show_nothing(qtbot) -> None:  # type: ignore[no-untyped-def]
    runner = TaskRunner()
    indicator = BusyIndicator(runner)
    qtbot.addWidget(indicator)
    states: list[str] = []
    runner.busy_changed.connect(states.append)
    done: list[object] = []
    runner.run(lambda: 1, done.append, label="Đếm hồ sơ")  # quick
    runner.run(lambda: time.sleep(0.6), done.append, low_priority=True, label="Kiểm tra nền")
    runner.run(lambda: time.sleep(0.6), done.append)  # no label: nobody waits on it
    qtbot.waitUntil(lambda: len(done) == 3, timeout=5000)
    qtbot.wait(100)
    assert states == [] and not indicator.busy and cursor_shape() is None


def test_a_failed_task_ends_the_busy_state_too(qtbot) -> None:  # type: ignore[no-untyped-def]
    runner = TaskRunner()
    indicator = BusyIndicator(runner)
    qtbot.addWidget(indicator)
    button = QPushButton("Sao lưu ngay")
    qtbot.addWidget(button)
    errors: list[BaseException] = []
    release = threading.Event()

    def fail() -> None:
        release.wait(10)
        raise OSError("đĩa đầy")

    runner.run(fail, None, errors.append, label="Sao lưu ngay", trigger=button)
    qtbot.waitUntil(lambda: indicator.busy, timeout=2000)
    release.set()
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    assert button.isEnabled() and not indicator.busy and cursor_shape() is None


def test_the_main_window_shows_the_busy_state_of_its_runner(qtbot, services: Services) -> None:  # type: ignore[no-untyped-def]
    runner = TaskRunner()
    window = MainWindow(services, runner)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    release = threading.Event()
    runner.run(lambda: release.wait(10), label="Lập báo cáo Excel")
    qtbot.waitUntil(lambda: window.busy.isVisible(), timeout=2000)
    assert window.busy.label.text() == "Đang xử lý: Lập báo cáo Excel…"
    assert cursor_shape() is Qt.CursorShape.BusyCursor
    window.grab().save("/tmp/tthc-busy.png")
    release.set()
    qtbot.waitUntil(lambda: not window.busy.isVisible(), timeout=5000)
    assert cursor_shape() is None
    window.close()


def test_work_on_the_gui_thread_shows_the_cursor_and_disables_its_button(
    qtbot, services: Services, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    dialog = CatalogDialog(services)
    qtbot.addWidget(dialog)
    seen: list[tuple[Qt.CursorShape | None, bool]] = []
    catalog = services.catalog
    real = catalog.export_xlsx

    def export(path: Path) -> int:
        seen.append((cursor_shape(), dialog.export_button.isEnabled()))
        return real(path)

    catalog.export_xlsx = export  # type: ignore[method-assign]
    try:
        assert dialog.export_to(tmp_path / "danh-muc.xlsx")
    finally:
        del catalog.export_xlsx
    assert seen == [(Qt.CursorShape.BusyCursor, False)]
    assert dialog.export_button.isEnabled() and cursor_shape() is None
    with working():
        assert cursor_shape() is Qt.CursorShape.BusyCursor
    assert cursor_shape() is None
