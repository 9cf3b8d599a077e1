"""Each person sees disabled what their role may not do, with who may in the tooltip; the
services still refuse, and a refusal reaching a screen is shown (issue 9 §3)."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.conftest import TEST_PASSWORD, make_draft
from tthc_desk.domain.access import Right
from tthc_desk.domain.clock import FixedClock
from tthc_desk.domain.lifecycle import LetterStatus, Move
from tthc_desk.services.container import Services
from tthc_desk.ui.apology_dialogs import LetterConfirmDialog
from tthc_desk.ui.errors import ErrorDialog
from tthc_desk.ui.main_window import LETTERS, OUTBOX, REPORTS, MainWindow
from tthc_desk.ui.rights import denied_tip, who_may_text
from tthc_desk.ui.tasks import TaskRunner

SIGN_TIP = "Chỉ Lãnh đạo được ký duyệt phiếu xin lỗi"


@pytest.fixture
def code(services: Services) -> str:
    """A dossier received by Bình, with a draft apology letter."""
    code = services.dossiers.receive(make_draft()).code
    services.apologies.draft(code)
    return code


def window_of(qtbot, services: Services, username: str) -> MainWindow:  # type: ignore[no-untyped-def]
    services.accounts.login(username, TEST_PASSWORD)
    window = MainWindow(services, TaskRunner(synchronous=True))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def select_letter(window: MainWindow) -> None:
    window.show_page(LETTERS)
    window.letters.select_rows([0])


def test_the_tooltip_says_who_may() -> None:
    assert denied_tip(Right.SIGN_LETTER) == SIGN_TIP
    assert who_may_text(Right.MOVE) == "Cán bộ tiếp nhận hoặc Lãnh đạo"
    assert denied_tip(Right.ACCOUNTS) == "Chỉ Quản trị được quản lý tài khoản"


def test_the_clerk_cannot_open_ky_duyet_the_head_can(qtbot, services: Services, code: str) -> None:  # type: ignore[no-untyped-def]
    window = window_of(qtbot, services, "cuong")
    select_letter(window)
    page = window.letters
    assert page.edit_button.isEnabled() and page.discard_button.isEnabled()
    assert not page.confirm_button.isEnabled()
    assert page.confirm_button.toolTip() == SIGN_TIP
    assert page.confirm_selected() is None and page.dialog is None

    # The head of office logs in at the same window (after a lock): Ký duyệt opens for them.
    window.lock()
    window.lock_screen.form.username_edit.setText("an")
    window.lock_screen.form.password_edit.setText(TEST_PASSWORD)
    window.lock_screen.form.submit()
    select_letter(window)
    assert page.confirm_button.isEnabled() and page.confirm_button.toolTip() == ""
    dialog = page.confirm_selected()
    assert isinstance(dialog, LetterConfirmDialog)
    assert dialog.signer_label.text() == "Nguyễn Văn An"  # who signs: the head logged in
    assert dialog.can_override and dialog.override_edit.isVisibleTo(dialog)
    dialog.ok_button.click()
    letter = services.apologies.for_dossier(code)[0]
    assert letter.status is LetterStatus.CONFIRMED and letter.confirmed_by == "Nguyễn Văn An"


def test_a_refusal_that_reaches_a_screen_is_shown(qtbot, services: Services, code: str) -> None:  # type: ignore[no-untyped-def]
    window = window_of(qtbot, services, "cuong")
    letter = services.apologies.for_dossier(code)[0]
    dialog = LetterConfirmDialog(services, window.runner, letter, window)
    qtbot.addWidget(dialog)
    assert not dialog.can_override and not dialog.override_edit.isVisibleTo(dialog)
    dialog.show()
    dialog.ok_button.click()
    shown = dialog.findChild(ErrorDialog)
    assert shown is not None and shown.message.startswith("Chỉ Lãnh đạo được ký duyệt")
    assert services.apologies.get(letter.id).status is LetterStatus.DRAFT


def test_the_administrator_administers_but_does_not_receive_nor_move(
    qtbot, services: Services, code: str
) -> None:  # type: ignore[no-untyped-def]
    window = window_of(qtbot, services, "quantri")
    for action in (
        window.settings_action,
        window.catalog_action,
        window.calendar_action,
        window.accounts_action,
        window.destination_action,
    ):
        assert action.isEnabled() and not action.toolTip().startswith("Chỉ")
    assert not window.save_action.isEnabled() and not window.intake.save_button.isEnabled()
    assert window.intake.save_button.toolTip() == denied_tip(Right.RECEIVE)

    detail = window.dossier_list.open_code(code)
    move = detail.actions_bar.move_buttons[Move.HAND_OVER]
    assert not move.isEnabled()
    assert move.toolTip() == "Chỉ Cán bộ tiếp nhận hoặc Lãnh đạo được chuyển bước hồ sơ"
    assert not detail.correct_button.isEnabled() and not detail.return_button.isEnabled()
    assert detail.return_button.toolTip() == denied_tip(Right.POSTAL)
    assert not detail.actions_bar.apology_button.isEnabled()

    window.show_postal()
    assert not window.postal.import_button.isEnabled()
    assert window.postal.import_button.toolTip() == denied_tip(Right.POSTAL)
    window.show_page(LETTERS)
    assert not window.letters.scan_button.isEnabled()


def test_a_clerk_works_but_the_administration_is_closed(
    qtbot, services: Services, code: str
) -> None:  # type: ignore[no-untyped-def]
    window = window_of(qtbot, services, "cuong")
    assert window.save_action.isEnabled() and window.intake.save_button.isEnabled()
    expected = {
        window.settings_action: "Chỉ Quản trị được sửa thông tin cơ quan, giờ làm việc",
        window.catalog_action: "Chỉ Quản trị được sửa danh mục thủ tục",
        window.calendar_action: "Chỉ Quản trị được sửa lịch làm việc",
        window.accounts_action: "Chỉ Quản trị được quản lý tài khoản",
        window.destination_action: "Chỉ Quản trị được sửa nơi nhận báo cáo",
    }
    for action, tip in expected.items():
        assert not action.isEnabled() and action.toolTip() == tip
    detail = window.dossier_list.open_code(code)
    assert detail.actions_bar.move_buttons[Move.HAND_OVER].isEnabled()
    assert detail.correct_button.isEnabled()
    window.show_page(OUTBOX)  # the upload queue: anyone sends, the administrator sets where
    assert window.outbox.send_button.isEnabled()
    assert not window.outbox.destination_button.isEnabled()
    window.show_page(REPORTS)
    assert window.reports.build_button.isEnabled() and window.reports.save_button.isEnabled()


def test_background_jobs_run_as_the_system_whoever_is_logged_in(
    qtbot, services: Services, clock: FixedClock
) -> None:  # type: ignore[no-untyped-def]
    services.dossiers.receive(make_draft())  # due 02/03 17:00
    clock.set(datetime(2026, 3, 3, 9, 0))  # now overdue: the scan drafts its letter
    window = window_of(qtbot, services, "quantri")  # may not draft letters by hand
    window.scan_letters()
    assert services.apologies.count(LetterStatus.DRAFT) == 1
    current = services.accounts.current
    assert current is not None and current.username == "quantri"  # the window's user untouched


def test_guard_gives_the_own_tooltip_back_when_the_right_returns(qtbot, services: Services) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QPushButton

    from tthc_desk.ui.rights import guard

    button = QPushButton("Ký duyệt…")
    qtbot.addWidget(button)
    button.setToolTip("Đánh số và ký phiếu")
    services.accounts.login("cuong", TEST_PASSWORD)
    assert not guard(button, services.accounts, Right.SIGN_LETTER)
    assert not button.isEnabled() and button.toolTip() == SIGN_TIP
    guard(button, services.accounts, Right.SIGN_LETTER)  # twice: the own tooltip is kept
    services.accounts.login("an", TEST_PASSWORD)
    assert guard(button, services.accounts, Right.SIGN_LETTER, when=False)
    assert not button.isEnabled() and button.toolTip() == "Đánh số và ký phiếu"
    guard(button, services.accounts, Right.SIGN_LETTER)
    assert button.isEnabled()
