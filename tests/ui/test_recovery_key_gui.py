"""The recovery key on screen: *Hệ thống → In phiếu khóa khôi phục dữ liệu…* (administrator only,
the demo refused), the reminder until the sheet is printed, the first-run setup's last page, and
the start on a new PC that asks for the recovery key until it opens the data."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox, QWizard
from pytestqt.qtbot import QtBot

from tests.conftest import TEST_PASSWORD, open_test_services
from tests.ui.keys import type_text
from tests.ui.test_setup_wizard import fresh, open_wizard, walk_to_confirm  # noqa: F401
from tthc_desk.db.stores.journal import JournalFilter
from tthc_desk.domain.access import Right
from tthc_desk.domain.clock import FixedClock
from tthc_desk.domain.errors import DatabaseKeyError
from tthc_desk.domain.recovery_key import format_key
from tthc_desk.paths import AppPaths
from tthc_desk.services.container import DEMO_ACCOUNT, Services, open_services
from tthc_desk.services.data_folder import DataFolder, key_name
from tthc_desk.services.keys import KeyVault
from tthc_desk.services.recovery_service import PRINTING
from tthc_desk.sync.credentials import InMemoryStore
from tthc_desk.ui import app, recovery_key_dialog
from tthc_desk.ui.errors import ErrorDialog
from tthc_desk.ui.main_window import MainWindow
from tthc_desk.ui.print_preview import ReceiptDialog
from tthc_desk.ui.recovery_key_dialog import RecoveryKeyDialog
from tthc_desk.ui.rights import denied_tip
from tthc_desk.ui.setup_wizard import SHEET, SetupWizard
from tthc_desk.ui.tasks import TaskRunner

SHOTS = os.environ.get("TTHC_DESK_SHOTS")  # a folder to look at the screens in (not committed)


def window_of(qtbot: QtBot, services: Services, username: str, password: str = TEST_PASSWORD):  # type: ignore[no-untyped-def]
    services.accounts.login(username, password)
    window = MainWindow(services, TaskRunner(synchronous=True))
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    return window


def previews() -> list[ReceiptDialog]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, ReceiptDialog)]


def test_the_administrator_prints_it_from_the_menu_and_the_reminder_goes(
    qtbot: QtBot, services: Services
) -> None:
    window = window_of(qtbot, services, "quantri")
    assert window.recovery_reminder.isVisibleTo(window)
    assert window.recovery_action.isEnabled()
    system = window.menuBar().actions()[0].menu()
    assert window.recovery_action in system.actions()
    assert window.recovery_action.text() == "In phiếu khóa khôi phục dữ liệu…"

    window.recovery_action.trigger()
    [preview] = [d for d in previews() if d.parent() is window]
    assert preview.windowTitle() == "Phiếu khóa khôi phục dữ liệu"
    assert preview.pdf.startswith(b"%PDF")
    qtbot.waitUntil(lambda: bool(preview.pages))  # rasterised by PDFium (pypdfium2)
    assert len(preview.pages) == 1
    if SHOTS:
        preview.grab().save(str(Path(SHOTS) / "recovery-preview.png"))
    assert services.recovery.printed_at() == services.clock.now()
    assert not window.recovery_reminder.isVisibleTo(window)
    assert [e.actor for e in services.journal.entries(JournalFilter()) if e.action == PRINTING] == [
        "quantri"
    ]


def test_a_clerk_sees_neither_the_entry_nor_the_reminder(qtbot: QtBot, services: Services) -> None:
    window = window_of(qtbot, services, "cuong")
    assert not window.recovery_action.isEnabled()
    assert window.recovery_action.toolTip() == denied_tip(Right.RECOVERY_KEY)
    assert not window.recovery_reminder.isVisibleTo(window)
    window.open_recovery_sheet()  # a stray call does nothing
    assert [d for d in previews() if d.parent() is window] == []
    assert services.recovery.printed_at() is None


def test_the_demo_says_its_data_is_not_encrypted(
    qtbot: QtBot, tmp_path: Path, clock: FixedClock
) -> None:
    svc = open_services(AppPaths(tmp_path / "demo"), clock, demo=True)
    try:
        window = window_of(qtbot, svc, DEMO_ACCOUNT.username, DEMO_ACCOUNT.password)
        assert not window.recovery_reminder.isVisibleTo(window)
        window.recovery_action.trigger()
        [error] = [w for w in QApplication.topLevelWidgets() if isinstance(w, ErrorDialog)]
        assert "Dữ liệu mẫu không được mã hóa" in error.message
        assert [d for d in previews() if d.parent() is window] == []
        error.close()
    finally:
        svc.close()


# -- the first-run setup ---------------------------------------------------------------------


def test_the_setup_ends_with_the_sheet_made_as_the_new_administrator(
    qtbot: QtBot,
    fresh: Services,  # noqa: F811
) -> None:
    wizard = open_wizard(qtbot, fresh)
    walk_to_confirm(wizard)
    wizard.next()  # "Lưu khai báo >"
    assert wizard.currentId() == SHEET and fresh.settings.is_set_up()
    page = wizard.sheet_page
    assert "kể cả người làm ra phần mềm" in page.explanation.text()
    assert fresh.accounts.current is None  # nobody logged in: the wizard acts as the admin
    if SHOTS:
        wizard.grab().save(str(Path(SHOTS) / "setup-sheet-page.png"))
    page.print_button.click()
    [preview] = [d for d in previews() if d.parent() is wizard]
    assert preview.pdf.startswith(b"%PDF")
    assert page.status.text().startswith("Đã tạo phiếu.")
    admin = wizard.created_admin
    assert admin is not None
    with fresh.accounts.acting_as(admin.actor()):
        entries = fresh.journal.entries(JournalFilter())
    [entry] = [e for e in entries if e.action == PRINTING]
    assert entry.actor == "cuong.lv"  # the administrator typed on the admin page
    assert fresh.accounts.current is None  # still nobody: the login comes next
    preview.close()
    wizard.button(QWizard.WizardButton.FinishButton).click()
    assert wizard.result() == SetupWizard.DialogCode.Accepted
    assert not fresh.recovery.sheet_needed()


def test_leaving_the_sheet_page_keeps_the_office_and_the_reminder(
    qtbot: QtBot,
    fresh: Services,  # noqa: F811
) -> None:
    wizard = open_wizard(qtbot, fresh)
    walk_to_confirm(wizard)
    wizard.next()
    assert wizard.currentId() == SHEET
    assert not wizard.button(QWizard.WizardButton.BackButton).isEnabled()  # saved: no way back
    assert not wizard.button(QWizard.WizardButton.CancelButton).isVisible()
    wizard.reject()  # the window's close button
    assert wizard.result() == SetupWizard.DialogCode.Accepted  # the office is set up
    assert fresh.settings.is_set_up() and fresh.recovery.sheet_needed()


# -- the start on a new PC -------------------------------------------------------------------


def new_pc(data_dir: Path, clock: FixedClock) -> tuple[bytes, InMemoryStore]:
    """A set-up office whose key is then lost from this PC (its key file removed), and an
    empty keyring: as on a new PC with the data folder copied over."""
    svc = open_test_services(AppPaths(data_dir), clock, login=None)
    key = svc.db.key
    state = svc.folder.state()
    svc.close()
    assert key is not None
    key_file = KeyVault.file_name(key_name(state.database_id))
    (Path(os.environ["TTHC_DESK_KEY_DIR"]) / key_file).unlink()  # this folder's key only
    return key, InMemoryStore()


def test_a_new_pc_asks_for_the_recovery_key_until_it_opens(
    qtbot: QtBot, data_dir: Path, clock: FixedClock
) -> None:
    key, store = new_pc(data_dir, clock)
    paths = AppPaths(data_dir)

    def opener(recovery: bytes | None) -> Services:
        return open_services(paths, clock, credentials=store, recovery_key=recovery)

    asked: list[str] = []

    def drive(message: str, try_key: Callable[[bytes], Services]) -> Services | None:
        asked.append(message)
        dialog = RecoveryKeyDialog(message, try_key)
        qtbot.addWidget(dialog)
        dialog.resize(780, 440)
        dialog.show()
        qtbot.waitExposed(dialog)
        assert "máy mới" in dialog.message_label.text()
        written = format_key(key)

        type_text(dialog.key_edit, written[:9])  # "XXXX-XXXX": stopped half way
        assert dialog.count_label.text() == "Đã gõ 8/56 ký tự."
        assert not dialog.try_open()
        assert "cần đủ 56 ký tự" in dialog.error.text()

        dialog.key_edit.clear()
        type_text(dialog.key_edit, format_key(bytes(32)))  # well formed, another key
        assert not dialog.error.isVisibleTo(dialog)  # typing clears the last problem
        assert not dialog.try_open()
        assert "không mở được cơ sở dữ liệu" in dialog.error.text()
        assert dialog.error.isVisibleTo(dialog)
        assert dialog.open_button.isEnabled() and dialog.isVisible()
        if SHOTS:
            dialog.grab().save(str(Path(SHOTS) / "recovery-key-dialog.png"))

        dialog.key_edit.clear()  # as copied by hand: lower case, spaces instead of dashes
        type_text(dialog.key_edit, written.lower().replace("-", " "))
        assert dialog.try_open()
        assert dialog.result() == RecoveryKeyDialog.DialogCode.Accepted
        return dialog.services

    services = app.open_office(opener, ask_key=drive)
    assert services is not None and len(asked) == 1
    try:
        assert services.accounts.login("binh", TEST_PASSWORD).username == "binh"
    finally:
        services.close()
    # The key is now kept on this PC: the next start asks nothing.
    assert DataFolder(paths, KeyVault(store)).key() == key

    def never(message: str, _try: Callable[[bytes], Services]) -> Services | None:
        raise AssertionError(message)

    again = app.open_office(opener, ask_key=never)
    assert again is not None
    again.close()


def test_leaving_the_key_prompt_ends_the_start(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, data_dir: Path, clock: FixedClock
) -> None:
    new_pc(data_dir, clock)
    dialog = RecoveryKeyDialog("…", lambda _key: pytest.fail("nothing to open"))
    qtbot.addWidget(dialog)
    dialog.quit_button.click()
    assert dialog.result() == RecoveryKeyDialog.DialogCode.Rejected and dialog.services is None

    asked: list[str] = []
    monkeypatch.setattr(
        recovery_key_dialog, "ask_recovery_key", lambda m, _o: asked.append(m) or None
    )
    assert app.run_gui(AppPaths(data_dir)) == 2  # the real start, this PC without the key
    [message] = asked
    assert "khóa khôi phục" in message
    with pytest.raises(DatabaseKeyError):
        open_services(AppPaths(data_dir), clock, credentials=InMemoryStore())


def test_a_missing_database_is_shown_and_ends_the_start(
    monkeypatch: pytest.MonkeyPatch, data_dir: Path, clock: FixedClock
) -> None:
    open_test_services(AppPaths(data_dir), clock, login=None).close()
    AppPaths(data_dir).database_file.unlink()
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or 0)
    assert app.run_gui(AppPaths(data_dir)) == 2
    [message] = shown
    assert "không còn" in message and "Phần mềm không tự tạo cơ quan mới" in message


def test_the_start_error_says_which_button_was_pressed(monkeypatch: pytest.MonkeyPatch) -> None:
    def press(text: str | None) -> Callable[[QMessageBox], int]:
        def run(box: QMessageBox) -> int:
            if text is None:
                button = box.button(QMessageBox.StandardButton.Close)
            else:
                [button] = [b for b in box.buttons() if b.text() == text]
            button.click()
            return 0

        return run

    monkeypatch.setattr(QMessageBox, "exec", press("Khôi phục…"))
    assert app.show_start_error("Mất tệp.", [("restore", "Khôi phục…")]) == "restore"
    monkeypatch.setattr(QMessageBox, "exec", press(None))
    assert app.show_start_error("Mất tệp.", [("restore", "Khôi phục…")]) == app.CLOSE


# About the SQLite file itself (its key, copies, damage): not run on PostgreSQL.
pytestmark = pytest.mark.sqlite_only
