"""The window title names the application once; the demo database says so in the title and in a
red strip across the top of the main window (issue 13)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication

from tthc_desk.domain.access import DEMO_PASSWORD, DEMO_USERNAME
from tthc_desk.domain.clock import FixedClock
from tthc_desk.paths import AppPaths
from tthc_desk.services.container import Services, open_services
from tthc_desk.ui.demo_strip import window_title
from tthc_desk.ui.main_window import MainWindow
from tthc_desk.ui.tasks import TaskRunner


def shown_title(title: str) -> str:
    """The title the task bar shows: Qt appends " — <display name>" to a window's title unless
    the title already ends with it (QPlatformWindow::formatWindowTitle, Windows and X11)."""
    name = QApplication.applicationDisplayName()
    return title if not name or title.endswith(name) else f"{title} — {name}"


def test_window_title_puts_the_name_once_at_the_end() -> None:
    assert window_title("Trung tâm", "Trần Thị Bình") == "Trung tâm – Trần Thị Bình – TTHC Desk"
    assert window_title("Trung tâm", "") == "Trung tâm – TTHC Desk"
    assert window_title("TTHC Desk", demo=True) == "DỮ LIỆU MẪU – TTHC Desk"


def test_the_main_window_title_names_office_and_person_and_the_app_once(
    qtbot, services: Services
) -> None:  # type: ignore[no-untyped-def]
    QApplication.setApplicationDisplayName("TTHC Desk")  # as make_application() does
    window = MainWindow(services, TaskRunner(synchronous=True))
    qtbot.addWidget(window)
    window.show()
    assert window.windowTitle() == ("Trung tâm phục vụ hành chính công – Trần Thị Bình – TTHC Desk")
    assert shown_title(window.windowTitle()).count("TTHC Desk") == 1
    assert not window.demo_strip.isVisibleTo(window)
    window.log_out()
    assert window.windowTitle() == "Trung tâm phục vụ hành chính công – TTHC Desk"


def test_the_demo_database_shows_a_red_strip_and_says_so_in_the_title(
    qtbot, data_dir: Path, clock: FixedClock
) -> None:  # type: ignore[no-untyped-def]
    QApplication.setApplicationDisplayName("TTHC Desk")
    demo = open_services(AppPaths(data_dir), clock, demo=True)
    try:
        demo.accounts.login(DEMO_USERNAME, DEMO_PASSWORD)
        window = MainWindow(demo, TaskRunner(synchronous=True))
        qtbot.addWidget(window)
        window.resize(1366, 768)
        window.show()
        qtbot.waitExposed(window)
        title = window.windowTitle()
        assert title.startswith("DỮ LIỆU MẪU – ") and title.endswith("– TTHC Desk")
        assert shown_title(title).count("TTHC Desk") == 1
        strip = window.demo_strip
        assert strip.isVisible()
        assert strip.text() == "DỮ LIỆU MẪU — không dùng cho hồ sơ thật"
        # Across the top: above the pages, as wide as the window.
        top_left = strip.mapTo(window, strip.rect().topLeft())
        assert top_left.y() <= window.nav.mapTo(window, window.nav.rect().topLeft()).y()
        assert strip.width() >= window.centralWidget().width() - 2
        # It stays: another page, a refresh of the status do not hide it.
        window.find_action.trigger()
        window.refresh_status()
        assert strip.isVisible() and window.windowTitle().startswith("DỮ LIỆU MẪU")
        QApplication.processEvents()
        window.grab().save("/tmp/tthc-demo-strip.png")
    finally:
        demo.close()
