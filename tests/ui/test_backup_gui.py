"""Backups and restore on screen: the dialog, the status line, the scheduler, the restore wizard
from the main window and at start-up, and who may use them."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from contextlib import closing
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from sqlalchemy import text

from tests.conftest import TEST_PASSWORD, make_draft, open_test_services
from tests.ui.keys import type_text
from tests.ui.test_journal_gui import window_of
from tthc_desk.db import files, sqlite
from tthc_desk.domain.backup import BackupLevel
from tthc_desk.domain.clock import FixedClock
from tthc_desk.domain.dossier import Person
from tthc_desk.domain.errors import DatabaseMissingError
from tthc_desk.domain.search import DossierQuery
from tthc_desk.paths import AppPaths
from tthc_desk.services.backup_service import BackupError
from tthc_desk.services.container import Services, open_services
from tthc_desk.ui.backup_dialog import BackupDialog
from tthc_desk.ui.backup_status import age_text
from tthc_desk.ui.backup_table import BackupTableModel
from tthc_desk.ui.display import ERROR_COLOR
from tthc_desk.ui.restore_pages import CONFIRM, DETAILS, DONE
from tthc_desk.ui.restore_wizard import RestoreWizard, restore_at_start
from tthc_desk.ui.tasks import TaskRunner

PEOPLE = [
    Person(full_name="Nguyễn Thị Hồng Nhung", id_number="001190012345"),
    Person(full_name="Đặng Văn Ước", id_number="001190054321"),
]


def _digest(path: Path, key: bytes | None) -> dict[str, str]:
    with closing(sqlite.connect(path, key, readonly=True)) as conn:
        return files.content_digest(conn)


def _dialog(window: object) -> BackupDialog:
    dialog = window.open_backups()  # type: ignore[attr-defined]
    assert isinstance(dialog, BackupDialog)
    return dialog


def _failed_copy(backup: Path) -> Path:
    """A backup file next to ``backup`` whose sidecar says it failed its verification."""
    bad = backup.with_name(backup.name.replace("-2026", "-x-2026").replace("080000", "070000"))
    shutil.copy2(backup, bad)
    side = json.loads(backup.with_suffix(".json").read_text(encoding="utf-8"))
    side.update(verified=False, reason="nội dung tệp khác với lúc sao lưu.")
    side["created_at"] = "2026-03-02T07:00:00"
    bad.with_suffix(".json").write_text(json.dumps(side), encoding="utf-8")
    return bad


def test_age_text_in_words() -> None:
    now = datetime(2026, 3, 2, 12, 0)
    assert age_text(now, now - timedelta(seconds=20)) == "vừa xong"
    assert age_text(now, now - timedelta(minutes=25)) == "25 phút trước"
    assert age_text(now, now - timedelta(hours=2, minutes=59)) == "2 giờ trước"
    assert age_text(now, now - timedelta(days=3)) == "3 ngày trước"
    assert age_text(now, None) == "chưa có bản nào đạt"


def test_back_up_now_lists_verdicts_and_turns_the_status_green(qtbot, services: Services) -> None:  # type: ignore[no-untyped-def]
    window = window_of(qtbot, services, "quantri")
    assert window.backup_status.level is BackupLevel.ALERT  # nothing backed up yet
    dialog = _dialog(window)
    assert dialog.model.rowCount() == 0
    qtbot.mouseClick(dialog.backup_button, Qt.MouseButton.LeftButton)
    assert dialog.model.rowCount() == 1
    backup = dialog.model.backup_at(0)
    assert backup.verified and backup.path.is_file()
    assert "Đã sao lưu lúc 02/03/2026 08:00 và kiểm tra đạt" in dialog.result_label.text()
    assert str(backup.path) in dialog.result_label.text()
    assert dialog.model.index(0, BackupTableModel.VERDICT).data() == "đạt"
    assert dialog.model.index(0, BackupTableModel.WHEN).data() == "02/03/2026 08:00"
    assert dialog.model.index(0, BackupTableModel.KIND).data() == "thủ công"
    assert window.backup_status.level is BackupLevel.OK
    assert window.backup_status.text() == "Sao lưu: vừa xong"
    assert "đã kiểm tra đạt" in window.backup_status.toolTip()

    _failed_copy(backup.path)
    dialog.refresh()
    assert dialog.model.rowCount() == 2
    bad_row = next(r for r in range(2) if dialog.model.backup_at(r).verified is False)
    verdict = dialog.model.index(bad_row, BackupTableModel.VERDICT)
    assert verdict.data().startswith("KHÔNG ĐẠT: nội dung tệp khác")
    assert verdict.data(Qt.ItemDataRole.ForegroundRole).name() == ERROR_COLOR
    good = dialog.model.index(1 - bad_row, BackupTableModel.VERDICT)
    assert good.data(Qt.ItemDataRole.ForegroundRole) is None

    dialog.table.selectRow(bad_row)
    dialog.verify_selected()  # the file is sound; the check says so again
    assert "Bản sao lưu đạt kiểm tra" in dialog.result_label.text()
    dialog.reject()
    window.background.stop()


def test_settings_are_checked_inline_and_nothing_is_saved(qtbot, services: Services) -> None:  # type: ignore[no-untyped-def]
    window = window_of(qtbot, services, "quantri")
    dialog = _dialog(window)
    dialog.time_edit.setText("25:00")
    assert not dialog.save_settings()
    assert "không phải giờ dạng HH:MM" in dialog.errors.message("daily_at")
    assert services.backups.settings().daily_at == time(17, 0)
    dialog.time_edit.setText("18:30")
    for spin in (dialog.daily_spin, dialog.weekly_spin, dialog.monthly_spin):
        spin.setValue(0)
    assert not dialog.save_settings()
    assert "Cần giữ lại ít nhất một bản" in dialog.errors.message("retention")
    assert services.backups.settings().daily_at == time(17, 0)
    dialog.daily_spin.setValue(10)
    assert dialog.save_settings()
    assert dialog.errors.messages() == {}
    saved = services.backups.settings()
    assert saved.daily_at == time(18, 30) and saved.retention.daily == 10
    assert dialog.saved_label.text() == "Đã lưu cách sao lưu."
    dialog.reject()
    window.background.stop()


def test_a_missing_second_destination_turns_the_status_red(  # type: ignore[no-untyped-def]
    qtbot, services: Services, tmp_path: Path
) -> None:
    usb = tmp_path / "usb-chua-cam"
    window = window_of(qtbot, services, "quantri")
    dialog = _dialog(window)
    dialog.add_destination(str(usb))
    assert dialog.save_settings()
    assert services.backups.settings().destinations == (str(usb),)
    dialog.back_up_now()
    result = dialog.result_label.text()
    assert f"Không chép được vào “{usb}”" in result and ERROR_COLOR in result
    assert window.backup_status.level is BackupLevel.ALERT
    assert str(usb) in window.backup_status.toolTip()
    assert str(usb) in dialog.status_label.text()
    assert ERROR_COLOR in dialog.status_label.styleSheet()
    dialog.reject()
    window.background.stop()


def test_the_scheduler_takes_the_due_backup_once(qtbot, services: Services) -> None:  # type: ignore[no-untyped-def]
    window = window_of(qtbot, services, "cuong")  # a clerk at the counter: the system backs up
    ran: list[object] = []
    window.background.backup_ran.connect(ran.append)
    window.background.run_backup_schedule()
    window.background.run_backup_schedule()
    assert len(services.backups.list_backups()) == 1
    assert ran[0] is not None and ran[1] is None  # the second tick found nothing due
    assert services.backups.list_backups()[0].kind == "tu-dong"
    assert window.backup_status.level is BackupLevel.OK
    window.background.stop()


def test_a_failed_automatic_backup_is_red_in_the_status_line_not_a_box(  # type: ignore[no-untyped-def]
    qtbot, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = window_of(qtbot, services, "cuong")

    def broken(now: object = None) -> None:
        raise BackupError("Sao lưu không thành công: ổ đĩa đầy.")

    monkeypatch.setattr(services.backups, "run_if_due", broken)
    before = {id(w) for w in QApplication.topLevelWidgets() if w.isVisible()}
    window.background.run_backup_schedule()
    assert window.backup_status.level is BackupLevel.ALERT
    assert "KHÔNG THÀNH CÔNG" in window.backup_status.text()
    assert "ổ đĩa đầy" in window.backup_status.toolTip()
    shown = [w for w in QApplication.topLevelWidgets() if w.isVisible() and id(w) not in before]
    assert shown == []  # no box popped up
    window.background.stop()


def test_a_clerk_cannot_reach_backups_or_restore(qtbot, services: Services) -> None:  # type: ignore[no-untyped-def]
    window = window_of(qtbot, services, "cuong")
    assert not window.backup_action.isEnabled()
    assert "Quản trị" in window.backup_action.toolTip()
    assert window.open_backups() is None and window.open_restore() is None
    window._on_database_checked(None)
    assert not window.damage_banner.restore_button.isVisibleTo(window.damage_banner)
    window.background.stop()
    admin = window_of(qtbot, services, "quantri")
    assert admin.backup_action.isEnabled()
    admin._on_database_checked(None)
    assert admin.damage_banner.restore_button.isVisibleTo(admin.damage_banner)
    admin.background.stop()


def _office_with_backup(services: Services) -> tuple[Path, dict[str, str], str]:
    """Two dossiers, a backup (its digest at backup time), then one more dossier."""
    for p in PEOPLE:
        services.dossiers.receive(make_draft(applicant=p))
    services.accounts.login("quantri", TEST_PASSWORD)
    run = services.backups.run()
    assert run.backup is not None
    # The backup holds the database as it was copied (its journal line is written after).
    digest = _digest(run.backup.path, services.db.key or services.backups.office_key())
    services.accounts.login("binh", TEST_PASSWORD)
    later = services.dossiers.receive(make_draft()).code
    return run.backup.path, digest, later


@pytest.mark.sqlite_only
def test_the_wizard_restores_exactly_and_says_what_is_lost(  # type: ignore[no-untyped-def]
    qtbot, services: Services, data_dir: Path
) -> None:
    backup, at_backup, later = _office_with_backup(services)
    key = services.db.key
    window = window_of(qtbot, services, "quantri")
    relaunched: list[bool] = []
    window.relaunch = lambda: relaunched.append(True) or True
    wizard = window.open_restore()
    assert isinstance(wizard, RestoreWizard)
    assert wizard.state.path == backup  # the newest verified backup is chosen
    wizard.next()
    assert wizard.currentId() == DETAILS  # this PC has the key: no recovery key asked
    page = wizard.details_page
    assert later in page.lost_label.text() and "Sẽ mất 1 hồ sơ" in page.lost_label.text()
    assert "2 hồ sơ" in page.backup_label.text()
    type_text(page.user_edit, "quantri")
    type_text(page.password_edit, "sai-mat-khau")
    wizard.next()
    assert wizard.currentId() == DETAILS
    assert "Sai tên đăng nhập hoặc mật khẩu" in page.login_error.text()
    page.password_edit.setText(TEST_PASSWORD)
    wizard.next()
    assert wizard.currentId() == CONFIRM
    sentence = wizard.confirm_page.sentence_label.text()
    assert "Cơ sở dữ liệu hiện tại sẽ được cất sang" in sentence
    assert "thay bằng bản sao lưu ngày 02/03/2026 08:00" in sentence
    assert not wizard.button(wizard.WizardButton.NextButton).isEnabled()
    wizard.confirm_page.agree_box.setChecked(True)
    wizard.next()
    assert wizard.currentId() == DONE and wizard.outcome is not None
    assert "Đã khôi phục dữ liệu từ bản sao lưu ngày 02/03/2026 08:00" in (
        wizard.done_page.text_label.text()
    )
    wizard.accept()
    assert relaunched == [True]
    assert _digest(AppPaths(data_dir).database_file, key) == at_backup
    assert wizard.outcome.aside is not None and wizard.outcome.aside.exists()


@pytest.mark.postgresql_only
def test_the_wizard_restores_the_office_server(  # type: ignore[no-untyped-def]
    qtbot, services: Services, data_dir: Path
) -> None:
    backup, _digest_unused, later = _office_with_backup(services)
    with services.db.session() as s:
        before = list(s.scalars(text("SELECT code FROM dossiers ORDER BY id")))
    window = window_of(qtbot, services, "quantri")
    relaunched: list[bool] = []
    window.relaunch = lambda: relaunched.append(True) or True
    wizard = window.open_restore()
    assert isinstance(wizard, RestoreWizard)
    assert wizard.state.path == backup
    wizard.next()
    assert wizard.currentId() == DETAILS  # the server holds the office's key
    page = wizard.details_page
    assert later in page.lost_label.text() and "Sẽ mất 1 hồ sơ" in page.lost_label.text()
    type_text(page.user_edit, "quantri")
    page.password_edit.setText(TEST_PASSWORD)
    wizard.next()
    assert wizard.currentId() == CONFIRM
    sentence = wizard.confirm_page.sentence_label.text()
    assert "Dữ liệu của cả cơ quan trên máy chủ" in sentence
    assert "thay bằng bản sao lưu ngày 02/03/2026 08:00" in sentence
    assert "báo họ dừng tiếp nhận" in sentence
    wizard.confirm_page.agree_box.setChecked(True)
    wizard.next()
    assert wizard.currentId() == DONE and wizard.outcome is not None
    wizard.accept()
    assert relaunched == [True]
    check = open_test_services(AppPaths(data_dir), FixedClock(datetime(2026, 3, 2, 9, 0)))
    try:
        with check.db.session() as s:
            after = list(s.scalars(text("SELECT code FROM dossiers ORDER BY id")))
        assert after == [c for c in before if c != later] and later in before
        assert wizard.outcome.aside is not None and check.backups.verify(wizard.outcome.aside).ok
    finally:
        check.close()


class ModalDriver:
    """Acts on each modal window in turn as it shows (``exec()`` blocks the test meanwhile).
    A step that fails is kept in ``errors`` and every modal is then closed, so a broken step
    ends the test instead of hanging it."""

    def __init__(self, steps: list[Callable[[QWidget], bool]]) -> None:
        self.steps = steps
        self.errors: list[BaseException] = []
        self.timer = QTimer()
        self.timer.setInterval(30)
        self.timer.timeout.connect(self._on_timer_timeout)
        self.timer.start()

    def _on_timer_timeout(self) -> None:
        modal = QApplication.activeModalWidget()
        if modal is None or not modal.isVisible():
            return
        if self.errors or not self.steps:
            if isinstance(modal, QMessageBox):
                modal.escapeButton().click()
            else:
                modal.close()
            return
        try:
            if self.steps[0](modal):
                self.steps.pop(0)
        except BaseException as exc:  # re-raised by ``finish`` in the test
            self.errors.append(exc)

    def finish(self) -> None:
        self.timer.stop()
        if self.errors:
            raise self.errors[0]
        assert not self.steps, "steps not reached"


@pytest.mark.sqlite_only
def test_restore_at_start_brings_back_a_deleted_database(  # type: ignore[no-untyped-def]
    qtbot, data_dir: Path, clock: FixedClock
) -> None:
    paths = AppPaths(data_dir)
    svc = open_test_services(paths, clock)
    try:
        backup, at_backup, _later = _office_with_backup(svc)
        key = svc.db.key
    finally:
        svc.close()
    files.remove_with_sides(paths.database_file)
    with pytest.raises(DatabaseMissingError) as missing:
        open_services(paths, clock)

    def click_restore(modal: QWidget) -> bool:
        if not isinstance(modal, QMessageBox):
            return False
        assert "02/03/2026 08:00" in modal.informativeText()
        modal.defaultButton().click()
        return True

    def restore(modal: QWidget) -> bool:
        if not isinstance(modal, RestoreWizard):
            return False
        assert modal.state.path == backup
        modal.next()
        type_text(modal.details_page.user_edit, "quantri")
        modal.details_page.password_edit.setText(TEST_PASSWORD)
        assert "không biết những hồ sơ nào sẽ mất" in modal.details_page.lost_label.text()
        modal.next()
        assert "Chưa có cơ sở dữ liệu hiện tại" in modal.confirm_page.sentence_label.text()
        modal.confirm_page.agree_box.setChecked(True)
        modal.next()
        assert modal.currentId() == DONE
        modal.accept()
        return True

    driver = ModalDriver([click_restore, restore])
    restored = restore_at_start(
        paths, missing.value.message, clock=clock, runner=TaskRunner(synchronous=True)
    )
    driver.finish()
    assert restored
    assert _digest(paths.database_file, key) == at_backup
    svc = open_test_services(paths, clock)
    try:
        assert svc.dossiers.count(DossierQuery()) == 2
    finally:
        svc.close()


def test_restore_at_start_quit_returns_false(qtbot, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    def quit_box(modal: QWidget) -> bool:
        if not isinstance(modal, QMessageBox):
            return False
        assert "Không tìm thấy bản sao lưu nào" in modal.informativeText()
        modal.escapeButton().click()
        return True

    driver = ModalDriver([quit_box])
    assert not restore_at_start(AppPaths(data_dir), "Tệp cơ sở dữ liệu không còn.")
    driver.finish()


@pytest.mark.sqlite_only
def test_the_start_offers_the_restore_and_opens_the_restored_folder(  # type: ignore[no-untyped-def]
    qtbot, data_dir: Path, clock
) -> None:
    """``open_office``: a lost database at start-up goes to the restore (here a stand-in for
    the wizard that restores for real), then the folder is opened again; leaving ends it."""
    from tests.services.test_backup import _restorer
    from tthc_desk.ui import app

    svc = open_test_services(AppPaths(data_dir), clock)
    try:
        svc.dossiers.receive(make_draft())
        backup = svc.backups.run().backup
        assert backup is not None
    finally:
        svc.close()
    files.remove_with_sides(AppPaths(data_dir).database_file)
    messages: list[str] = []

    def restore(message: str) -> bool:
        messages.append(message)
        restorer = _restorer(data_dir)
        plan = restorer.plan(backup.path)
        restorer.restore(plan, restorer.authorise(plan, "quantri", TEST_PASSWORD))
        return True

    def opener(key: bytes | None) -> Services:
        return open_services(AppPaths(data_dir), clock, recovery_key=key)

    services = app.open_office(opener, restore=restore)
    assert services is not None and len(messages) == 1 and "không còn" in messages[0]
    try:
        assert services.dossiers.count(DossierQuery()) == 1
    finally:
        services.close()
    files.remove_with_sides(AppPaths(data_dir).database_file)
    assert app.open_office(opener, restore=lambda _m: False) is None


# About the SQLite file itself (its key, copies, damage): not run on PostgreSQL.
# Both engines, but the tests about the SQLite file itself (marked).
