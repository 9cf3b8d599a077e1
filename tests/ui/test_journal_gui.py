"""The tamper-evident journal on screen (issue 9 §6): the integrity check finds a change made
straight in the database file and names the entry; the red banner tells the administrator and
the head of office, never the clerk; the journal viewer filters and exports; a lock is journaled;
the start-up checks run as the system; an unreadable key ends the start with a message."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from tests import dbfiles
from tests.conftest import TEST_PASSWORD, make_draft
from tthc_desk.domain.access import Right
from tthc_desk.domain.errors import JournalKeyError, TthcError
from tthc_desk.domain.journal import JournalKind
from tthc_desk.paths import AppPaths
from tthc_desk.services import journal_service
from tthc_desk.services.container import Services
from tthc_desk.services.journal_service import JournalFilter
from tthc_desk.ui import app, journal_dialog
from tthc_desk.ui.integrity_dialog import IntegrityDialog
from tthc_desk.ui.journal_dialog import JournalDialog, JournalTableModel
from tthc_desk.ui.main_window import MainWindow
from tthc_desk.ui.rights import denied_tip
from tthc_desk.ui.tasks import TaskRunner


def window_of(qtbot, services: Services, username: str, runner: TaskRunner | None = None):  # type: ignore[no-untyped-def]
    services.accounts.login(username, TEST_PASSWORD)
    window = MainWindow(services, runner or TaskRunner(synchronous=True))
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    return window


def tamper(data_dir: Path) -> None:
    """A change made outside the software, through a connection of its own."""
    with dbfiles.database(data_dir) as db:
        dbfiles.execute(db, "UPDATE dossiers SET due_at = :due", due=datetime(2026, 12, 31, 16, 30))


def unlock(window: MainWindow, username: str) -> None:
    form = window.lock_screen.form
    form.username_edit.setText(username)
    form.password_edit.setText(TEST_PASSWORD)
    form.submit()


def test_the_check_finds_a_direct_edit_names_the_entry_and_raises_the_banner(
    qtbot, services: Services, data_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    code = services.dossiers.receive(make_draft()).code
    tamper(data_dir)
    window = window_of(qtbot, services, "quantri")
    assert not window.integrity_banner.isVisibleTo(window)  # nothing checked yet

    dialog = window.open_integrity()
    assert isinstance(dialog, IntegrityDialog)
    assert dialog.last_label.text() == "Chưa kiểm tra lần nào."
    assert "tệp khóa" in dialog.key_label.text()  # the tests have no keyring
    dialog.full_button.click()
    assert dialog.report is not None and not dialog.report.ok
    summary = dialog.summary_label.text()
    assert summary.startswith("Phát hiện 1 chỗ dữ liệu bị sửa ngoài phần mềm.")
    problem = dialog.problems_list.item(0).text()
    assert problem.startswith(f"Hồ sơ {code} bị sửa ngoài phần mềm sau mục nhật ký số ")
    assert "binh, tiếp nhận hồ sơ" in problem  # the entry after which it was changed
    assert dialog.progress.value() == 100
    assert "phát hiện 1 chỗ bị sửa" in dialog.last_label.text()

    # Kept, and the banner says so at once.
    last = services.journal.last_check()
    assert last is not None and last["full"] and not last["ok"]
    banner = window.integrity_banner
    assert banner.isVisibleTo(window)
    assert banner.text_label.text() == (
        f"Phát hiện dữ liệu bị sửa ngoài phần mềm: {problem.rstrip('.')}. "
        "Mở Hệ thống → Kiểm tra toàn vẹn dữ liệu."
    )

    # The quick check sees the same change (the dossier was changed by the last entries).
    dialog.quick_button.click()
    assert not dialog.report.ok and dialog.problems_list.count() == 1

    # A clerk at the same window never sees the banner; the head of office does.
    dialog.reject()
    window.lock()
    unlock(window, "cuong")
    assert not window.integrity_banner.isVisibleTo(window)
    window.lock()
    unlock(window, "an")
    assert window.integrity_banner.isVisibleTo(window)
    banner.button.click()
    assert isinstance(window.dialog, IntegrityDialog)


def test_an_untouched_database_is_whole(qtbot, services: Services) -> None:  # type: ignore[no-untyped-def]
    services.dossiers.receive(make_draft())
    window = window_of(qtbot, services, "an")
    dialog = window.open_integrity()
    assert dialog is not None
    dialog.full_button.click()
    assert dialog.summary_label.text().startswith("Dữ liệu toàn vẹn: đã kiểm tra toàn bộ"), (
        dialog.summary_label.text()
    )
    assert dialog.problems_list.count() == 0 and dialog.progress.value() == 100
    dialog.quick_button.click()
    assert dialog.summary_label.text().startswith("Dữ liệu toàn vẹn: đã kiểm tra các mục gần nhất")
    assert "nhanh" in dialog.last_label.text() and "dữ liệu toàn vẹn" in dialog.last_label.text()
    assert not window.integrity_banner.isVisibleTo(window)
    # Both checks are journaled, under the head of office.
    verified = services.journal.entries(JournalFilter(kinds=[JournalKind.VERIFY.value]))
    assert [e.actor for e in verified] == ["an", "an"]


def test_dung_stops_the_full_check_and_nothing_is_kept(
    qtbot, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(journal_service._Counter, "EVERY", 1)  # progress at every row
    window = window_of(qtbot, services, "quantri")
    dialog = window.open_integrity()
    assert dialog is not None
    seen: list[int] = []

    def on_progress(done: int, _total: int) -> None:
        seen.append(done)
        dialog.stop_button.click()

    dialog.progressed.connect(on_progress)
    dialog.full_button.click()
    assert seen == [1]
    assert dialog.report is not None and dialog.report.stopped
    assert dialog.summary_label.text() == "Đã dừng kiểm tra toàn bộ trước khi xong."
    assert services.journal.last_check() is None
    assert dialog.full_button.isEnabled() and not dialog.stop_button.isEnabled()


def test_the_full_check_runs_off_the_gui_thread(qtbot, services: Services, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    services.dossiers.receive(make_draft())
    tamper(data_dir)
    window = window_of(qtbot, services, "quantri", TaskRunner())
    dialog = window.open_integrity()
    assert dialog is not None
    dialog.full_button.click()
    assert dialog.running and dialog.stop_button.isEnabled()
    qtbot.waitUntil(lambda: window.integrity_banner.isVisibleTo(window), timeout=10_000)
    assert not dialog.running and dialog.problems_list.count() == 1
    window.runner.wait()


def test_the_clerk_cannot_open_either_dialog_the_head_can(qtbot, services: Services) -> None:  # type: ignore[no-untyped-def]
    window = window_of(qtbot, services, "cuong")
    for action, right in (
        (window.integrity_action, Right.VERIFY_JOURNAL),
        (window.journal_action, Right.VIEW_JOURNAL),
    ):
        assert not action.isEnabled()
        assert action.toolTip() == denied_tip(right)
        action.trigger()
    assert window.dialog is None
    assert window.open_integrity() is None and window.open_journal() is None
    assert denied_tip(Right.VIEW_JOURNAL).startswith("Chỉ Lãnh đạo hoặc Quản trị được")

    window.lock()
    unlock(window, "an")
    assert window.integrity_action.isEnabled() and window.journal_action.isEnabled()
    window.journal_action.trigger()
    assert isinstance(window.dialog, JournalDialog)
    window.dialog.reject()
    window.integrity_action.trigger()
    assert isinstance(window.dialog, IntegrityDialog)


def test_the_viewer_filters_by_person_and_dossier_and_exports(
    qtbot, services: Services, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    first = services.dossiers.receive(make_draft()).code
    services.accounts.login("cuong", TEST_PASSWORD)
    second = services.dossiers.receive(make_draft()).code
    window = window_of(qtbot, services, "an")
    dialog = window.open_journal()
    assert isinstance(dialog, JournalDialog)
    model = dialog.model
    assert model.rowCount() > 5
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Số mục"
    newest = model.entry_at(0)
    assert newest.seq == max(model.entry_at(r).seq for r in range(model.rowCount()))
    assert model.index(0, JournalTableModel.AT).data() == f"{newest.at:%d/%m/%Y %H:%M:%S}"

    # By person: the combo lists who the journal names.
    assert dialog.person_combo.findData("cuong") > 0
    dialog.set_person("cuong")
    dialog.filter_button.click()
    actors = {model.entry_at(r).actor for r in range(model.rowCount())}
    assert actors == {"cuong"}
    kinds = {model.index(r, JournalTableModel.KIND).data() for r in range(model.rowCount())}
    assert {"Đăng nhập", "Thao tác"} <= kinds

    # By dossier (any person).
    dialog.set_person("")
    dialog.code_edit.setText(first)
    dialog.filter_button.click()
    assert model.rowCount() >= 1
    assert {model.index(r, JournalTableModel.SUBJECT).data() for r in range(model.rowCount())} == {
        first
    }
    assert model.index(0, JournalTableModel.ACTOR).data() == "Trần Thị Bình"

    # An unknown code says so; a bad day too.
    dialog.code_edit.setText("000.00.00.H00-000000-9999")
    dialog.filter_button.click()
    assert dialog.error.text() == "Không có hồ sơ mã “000.00.00.H00-000000-9999”."
    assert model.rowCount() == 0
    dialog.code_edit.setText(second)
    dialog.from_edit.setText("31/02/2026")
    dialog.filter_button.click()
    assert dialog.error.text().startswith("Ngày “31/02/2026” không đúng")
    dialog.from_edit.setText("02/03/2026")
    dialog.to_edit.setText("02/03/2026")
    dialog.filter_button.click()
    assert dialog.error.isHidden() and model.rowCount() >= 1
    dialog.set_kind(JournalKind.LOGIN)
    dialog.filter_button.click()
    assert model.rowCount() == 0  # a login names no dossier

    # Export: every entry of the filters, read back.
    dialog.set_kind(None)
    dialog.save_excel(tmp_path / "nhat-ky")
    path = tmp_path / "nhat-ky.xlsx"
    assert dialog.saved_path == path and dialog.count_label.text().startswith("Đã xuất ")
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    assert rows[1][0] == "Số mục"
    body = rows[2:]
    assert body and {r[6] for r in body} == {second}
    assert {r[2] for r in body} == {"cuong"}


def test_an_export_that_cannot_be_written_says_why(
    qtbot, services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    window = window_of(qtbot, services, "quantri")
    dialog = window.open_journal()
    assert dialog is not None
    shown: list[BaseException] = []
    monkeypatch.setattr(journal_dialog, "show_error", lambda _parent, exc: shown.append(exc))
    taken = tmp_path / "nk.xlsx"
    taken.mkdir()  # a folder where the workbook should go
    dialog.save_excel(taken)
    assert len(shown) == 1 and isinstance(shown[0], TthcError)
    assert shown[0].message.startswith(f"Không ghi được tệp “{taken}”")
    assert dialog.excel_button.isEnabled()


def test_lock_writes_a_lock_entry_and_never_fails_for_it(
    qtbot, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    window = window_of(qtbot, services, "binh")
    window.lock()
    assert window.locked
    locks = services.journal.entries(JournalFilter(kinds=[JournalKind.LOCK.value]))
    assert [(e.actor, e.action) for e in locks] == [("binh", "khóa màn hình")]

    unlock(window, "binh")

    def broken() -> None:
        raise OSError("disk full")

    monkeypatch.setattr(services.accounts, "record_lock", broken)
    window.lock()
    assert window.locked  # locked all the same


def test_start_up_checks_run_as_the_system_and_the_full_one_daily(
    qtbot, services: Services, data_dir: Path, clock
) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    services.dossiers.receive(make_draft())
    window = window_of(qtbot, services, "quantri")
    window.start_attention()
    verified = services.journal.entries(JournalFilter(kinds=[JournalKind.VERIFY.value]))
    # Newest first: the full check (never made before), after the quick one; both as the system.
    assert [e.action for e in verified] == [
        "kiểm tra toàn bộ dữ liệu: toàn vẹn",
        "kiểm tra nhanh dữ liệu: toàn vẹn",
    ]
    assert {e.actor for e in verified} == {"system"}
    last = services.journal.last_check()
    assert last is not None and last["full"] and last["ok"]

    # Within the day, the hourly look does not check everything again; a day later it does.
    tamper(data_dir)
    window.background.run_full_check()
    assert len(services.journal.entries(JournalFilter(kinds=[JournalKind.VERIFY.value]))) == 2
    clock.set(clock.now() + timedelta(hours=25))
    window.background.run_full_check()
    last = services.journal.last_check()
    assert last is not None and last["full"] and not last["ok"]
    assert window.integrity_banner.isVisibleTo(window)
    window.background.stop()


def test_the_start_up_check_leaves_the_window_usable(qtbot, services: Services) -> None:  # type: ignore[no-untyped-def]
    window = window_of(qtbot, services, "quantri", TaskRunner())
    window.background.check_integrity()
    assert window.runner.busy  # the work is on a worker, the window answers
    qtbot.waitUntil(lambda: services.journal.last_full_check_at() is not None, timeout=10_000)
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=10_000)
    window.background.stop()


def test_an_unreadable_journal_key_ends_the_start_with_its_message(
    qtbot, monkeypatch: pytest.MonkeyPatch, data_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    message = "Không đọc được khóa nhật ký của cơ sở dữ liệu này."

    def refuse(*_args: object, **_kw: object) -> Services:
        raise JournalKeyError(message)

    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(app, "open_services", refuse)
    monkeypatch.setattr(
        QMessageBox, "exec", lambda box: shown.append((box.windowTitle(), box.text())) or 0
    )
    assert app.run_gui(AppPaths(data_dir)) == 2
    assert shown == [("Không mở được dữ liệu", message)]
