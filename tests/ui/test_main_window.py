"""The main window: navigation, shortcuts, menus wired to the administration dialogs."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from tthc_desk.services.container import Services
from tthc_desk.ui.accounts_dialog import AccountsDialog
from tthc_desk.ui.calendar_dialog import CalendarDialog
from tthc_desk.ui.catalog_dialog import CatalogDialog
from tthc_desk.ui.main_window import INTAKE, LIST, MainWindow
from tthc_desk.ui.settings_dialog import SettingsDialog
from tthc_desk.ui.tasks import TaskRunner


@pytest.fixture
def window(qtbot, services: Services) -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(services, TaskRunner(synchronous=True))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_status_bar_shows_office_person_and_time(window: MainWindow, services: Services) -> None:
    assert window.office_label.text() == "Cơ quan: UBND PHƯỜNG ĐỒNG NGUYÊN"
    assert window.user_label.text() == (
        "Người dùng: <b>Trần Thị Bình</b> (Cán bộ tiếp nhận, Lãnh đạo, Quản trị)"
    )
    assert not window.demo_label.isVisibleTo(window)
    assert "DỮ LIỆU MẪU" not in window.windowTitle()
    assert window.clock_label.text() == "Thứ Hai, 08:00  02/03/2026"
    assert window.pages.currentIndex() == INTAKE
    assert window.dossier_list.model.loaded_count() == 0  # the list loads only when first shown


def test_shortcuts_switch_pages_and_focus(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.activateWindow()
    window.find_action.trigger()
    assert window.pages.currentIndex() == LIST
    assert QApplication.focusWidget() is window.dossier_list.search_edit
    assert window.dossier_list.count_label.text() == "Chưa có hồ sơ nào."
    window.new_action.trigger()
    assert window.pages.currentIndex() == INTAKE
    assert QApplication.focusWidget() is window.intake.picker.edit
    assert [a.toString() for a in window.find_action.shortcuts()] == ["F3", "Ctrl+F"]
    assert window.save_action.shortcut().toString() == "Ctrl+S"
    assert window.print_action.shortcut().toString() == "Ctrl+P"


def test_ctrl_s_saves_and_the_list_shows_the_new_dossier(
    qtbot, window: MainWindow, services: Services
) -> None:  # type: ignore[no-untyped-def]
    window.intake.print_after_save = False
    window.find_action.trigger()  # the list is loaded (empty)
    window.new_action.trigger()
    page = window.intake
    page.picker.select("1.001193")
    page.applicant.full_name.setText("Nguyen Van Binh")
    page.applicant.id_number.setText("001190012399")
    window.save_action.trigger()
    assert page.last_dossier is not None
    assert page.last_dossier.code in window.statusBar().currentMessage()
    assert window.dossier_list.model.loaded_count() == 1


@pytest.mark.parametrize(
    ("action", "kind"),
    [
        ("settings_action", SettingsDialog),
        ("catalog_action", CatalogDialog),
        ("calendar_action", CalendarDialog),
        ("accounts_action", AccountsDialog),
    ],
)
def test_system_menu_opens_the_dialogs(window: MainWindow, action: str, kind: type) -> None:
    getattr(window, action).trigger()
    assert isinstance(window.dialog, kind) and window.dialog.isVisible()
    window.dialog.reject()
