"""What needs attention: counts in the main window, the start-up summary, the deadline views,
colours in the dossier list, the apology letters page and the registers dialog."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt

from tests.conftest import make_draft
from tests.printing.support import pdf_text
from tests.services.test_attachments import make_pdf
from tests.ui.keys import type_text
from tthc_desk.domain.clock import FixedClock
from tthc_desk.domain.lifecycle import LetterStatus
from tthc_desk.services.container import Services
from tthc_desk.services.deadline_service import DeadlineView
from tthc_desk.ui.apology_dialogs import LetterConfirmDialog, LetterDeliverDialog, LetterEditDialog
from tthc_desk.ui.apology_page import LetterTableModel
from tthc_desk.ui.deadline_page import TO_CLOSE, UNSCANNED
from tthc_desk.ui.dossier_table_model import ROW_COLORS
from tthc_desk.ui.main_window import ATTENTION, LETTERS, MainWindow
from tthc_desk.ui.registers_dialog import RegistersDialog
from tthc_desk.ui.tasks import TaskRunner


@pytest.fixture
def codes(services: Services, clock: FixedClock) -> dict[str, str]:
    """On Tuesday 03/03/2026 09:00: one dossier overdue, one due today, one due tomorrow."""
    late = services.dossiers.receive(make_draft()).code  # khai sinh, same day: due 02/03 17:00
    soon = services.dossiers.receive(make_draft(procedure_code="2.001035")).code  # due 04/03 08:00
    clock.set(datetime(2026, 3, 3, 9, 0))
    today = services.dossiers.receive(make_draft()).code  # due 03/03 17:00
    return {"overdue": late, "today": today, "soon": soon}


@pytest.fixture
def window(qtbot, services: Services, codes: dict[str, str]) -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(services, TaskRunner(synchronous=True))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_start_up_drafts_letters_counts_and_shows_a_summary(
    window: MainWindow, services: Services
) -> None:
    bar = window.attention_bar
    assert (
        bar.overdue_button.text() == "Quá hạn: …" and not bar.summary_visible
    )  # nothing counted yet
    window.start_attention()
    # At risk the day before the due date (soon) and already late (overdue): two drafts.
    assert services.apologies.count(LetterStatus.DRAFT) == 2
    assert bar.overdue_button.text() == "Quá hạn: 1"
    assert bar.today_button.text() == "Đến hạn hôm nay: 1"
    assert bar.soon_button.text() == "Sắp đến hạn: 1"
    assert bar.letters_button.text() == "Phiếu xin lỗi dự thảo: 2"
    assert bar.summary_visible
    assert bar.summary_label.text().startswith(
        "Cần chú ý hôm nay: 1 hồ sơ quá hạn, 1 hồ sơ đến hạn hôm nay"
    )
    assert "2 phiếu xin lỗi dự thảo chờ xử lý" in bar.summary_label.text()
    assert window.pages.currentIndex() == 0  # non-modal: the clerk stays on the intake page
    bar.summary_close.click()
    assert not bar.summary_visible
    window.scan_letters()  # the hourly run: nothing new
    assert services.apologies.count(LetterStatus.DRAFT) == 2


def test_counts_open_their_lists_and_a_move_recounts(
    window: MainWindow, codes: dict[str, str], services: Services
) -> None:
    window.start_attention()
    window.attention_bar.overdue_button.click()
    assert window.pages.currentIndex() == ATTENTION
    page = window.attention
    assert [r.code for r in page.rows()] == [codes["overdue"]]
    assert page.view_buttons[DeadlineView.OVERDUE.value].text() == "Quá hạn (1)"
    window.attention_bar.today_button.click()
    assert [r.code for r in page.rows()] == [codes["today"]]
    window.attention_bar.soon_button.click()
    assert [r.code for r in page.rows()] == [codes["soon"]]
    page.view_buttons[TO_CLOSE].click()
    assert page.rows() == []

    window.show_attention(DeadlineView.OVERDUE.value)
    page.table.activated.emit(page.proxy.index(0, 0))
    detail = page.detail_dialog
    assert detail is not None and detail.dossier.code == codes["overdue"]
    from tthc_desk.domain.lifecycle import Move

    detail.actions_bar.move_buttons[Move.RESULT_READY].click()
    detail.move_dialog.ok_button.click()
    assert page.rows() == []  # settled: no longer overdue
    assert window.attention_bar.overdue_button.text() == "Quá hạn: 0"


def test_the_dossiers_received_without_a_scan_are_listed_to_be_scanned(
    window: MainWindow, codes: dict[str, str], services: Services, clock: FixedClock
) -> None:
    """Received in the last 30 days with no scan at all: the three of the fixture, less the one
    whose form is scanned, plus none of those received before 01/02 (30 days before 03/03) nor
    a withdrawn one; the latest received first. The view's button carries the count."""
    from tthc_desk.domain.lifecycle import Move
    from tthc_desk.services.lifecycle_service import MoveRequest

    now = datetime(2026, 3, 3, 9, 0)
    clock.set(datetime(2026, 1, 30, 9, 0))
    services.dossiers.receive(make_draft(procedure_code="1.004873"))  # 32 days ago: too old
    clock.set(datetime(2026, 2, 2, 9, 0))
    recent = services.dossiers.receive(make_draft(procedure_code="1.004873")).code
    withdrawn = services.dossiers.receive(make_draft(procedure_code="2.001035")).code
    clock.set(datetime(2026, 2, 2, 10, 0))
    services.lifecycle.move(
        withdrawn, MoveRequest(Move.WITHDRAWN, reason="Người nộp xin rút hồ sơ")
    )
    clock.set(now)
    services.attachments.attach_paper(codes["soon"], 1, make_pdf("tờ khai"))
    window.start_attention()
    page = window.attention
    assert page.view_buttons[UNSCANNED].text() == "Chưa số hóa, 30 ngày qua (3)"
    page.view_buttons[UNSCANNED].click()
    assert [r.code for r in page.rows()] == [codes["today"], codes["overdue"], recent]
    assert services.deadlines.counts().unscanned == 3
    # Scanning one (as the clerk does from the dossier it opens) takes it off the list.
    services.attachments.attach_result(codes["overdue"], make_pdf("kết quả"))
    window.refresh_counts()
    page.refresh()
    assert [r.code for r in page.rows()] == [codes["today"], recent]
    assert page.view_buttons[UNSCANNED].text() == "Chưa số hóa, 30 ngày qua (2)"


def test_dossier_list_colours_running_dossiers_by_deadline(
    window: MainWindow, codes: dict[str, str]
) -> None:
    window.find_action.trigger()
    model = window.dossier_list.model
    colours = {}
    for r in range(model.rowCount()):
        row = model.row_at(r)
        brush = model.data(model.index(r, 0), Qt.ItemDataRole.BackgroundRole)
        colours[row.code] = brush.color().name() if brush else None
        assert model.deadline_of(row) == next(k for k, v in codes.items() if v == row.code)
    assert colours == {codes[k]: ROW_COLORS[k].name() for k in ("overdue", "today", "soon")}
    due_col = 7
    tip = model.data(
        model.index([model.row_at(r).code for r in range(3)].index(codes["overdue"]), due_col),
        Qt.ItemDataRole.ToolTipRole,
    )
    assert tip == "Đã quá hẹn trả"


def test_apology_page_edit_sign_deliver_print_and_discard(
    qtbot, window: MainWindow, services: Services, codes: dict[str, str], clock: FixedClock
) -> None:  # type: ignore[no-untyped-def]
    window.start_attention()
    window.attention_bar.letters_button.click()
    assert window.pages.currentIndex() == LETTERS
    page = window.letters
    assert page.model.rowCount() == 2 and page.count_label.text() == "2 phiếu, trong đó 2 dự thảo"
    row = [page.model.letter_at(r).dossier_code for r in range(2)].index(codes["overdue"])
    page.select_rows([row])
    assert page.edit_button.isEnabled() and page.confirm_button.isEnabled()
    assert not page.deliver_button.isEnabled()

    edit = page.edit_selected()
    assert isinstance(edit, LetterEditDialog)
    edit.reason_combo.setCurrentText("Cơ quan phối hợp chậm trả lời")
    type_text(edit.detail_edit, "Chờ trích lục từ Sở Tư pháp")
    edit.ok_button.click()
    assert not edit.isVisible()
    letter = next(x for x in services.apologies.letters() if x.dossier_code == codes["overdue"])
    assert letter.full_reason == "Cơ quan phối hợp chậm trả lời. Chờ trích lục từ Sở Tư pháp"

    row = [page.model.letter_at(r).dossier_code for r in range(2)].index(codes["overdue"])
    page.select_rows([row])
    sign = page.confirm_selected()
    assert isinstance(sign, LetterConfirmDialog)
    sign.ok_button.click()
    signed = services.apologies.get(letter.id)
    assert signed.status is LetterStatus.CONFIRMED and signed.number_text == "01/2026/PXL"

    row = [page.model.letter_at(r).dossier_code for r in range(2)].index(codes["overdue"])
    assert page.model.data(page.model.index(row, 0)) == "01/2026/PXL"
    page.select_rows([row])
    assert page.deliver_button.isEnabled() and not page.edit_button.isEnabled()
    send = page.deliver_selected()
    assert isinstance(send, LetterDeliverDialog)
    send.method_combo.setCurrentText("Gọi điện thoại")
    send.ok_button.click()
    assert services.apologies.get(letter.id).status is LetterStatus.DELIVERED
    assert page.model.rowCount() == 1  # "needs work" hides what was sent
    page.filter_combo.setCurrentIndex(4)  # all
    assert page.model.rowCount() == 2

    page.select_rows([0, 1])
    page.print_selected()
    assert page.preview is not None
    text = pdf_text(page.preview.pdf)
    assert codes["overdue"] in text and codes["soon"] in text
    assert text.count("PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ") == 2

    draft_row = next(r for r in range(2) if page.model.letter_at(r).status is LetterStatus.DRAFT)
    page.select_rows([0, 1])
    assert not page.discard_button.isEnabled()  # a signed letter stays in the register
    page.select_rows([draft_row])
    page.discard_button.click()
    assert services.apologies.count(LetterStatus.DRAFT) == 0
    assert window.attention_bar.letters_button.text() == "Phiếu xin lỗi dự thảo: 0"


def test_letter_model_passes_the_qt_model_tester(
    qtmodeltester, services: Services, codes: dict[str, str]
) -> None:  # type: ignore[no-untyped-def]
    services.apologies.scan()
    model = LetterTableModel()
    model.set_letters(services.apologies.letters())
    assert model.rowCount() == 2
    qtmodeltester.check(model)


def test_registers_dialog_previews_the_ledger_and_saves_the_late_list(
    qtbot, window: MainWindow, services: Services, codes: dict[str, str], tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    dialog = window.open_registers()
    assert isinstance(dialog, RegistersDialog)
    assert dialog.bounds() == (date(2026, 3, 1), date(2026, 3, 3))  # this month so far
    assert not dialog.from_edit.isEnabled()
    dialog.set_kind("ledger")
    heard: list[tuple[int, int]] = []
    dialog.progressed.connect(lambda done, total: heard.append((done, total)))
    dialog.show_preview()
    text = pdf_text(dialog.preview.pdf)
    assert "SỔ THEO DÕI HỒ SƠ" in text and all(c in text for c in codes.values())
    # The ledger's progress reached the dialog (its bar), ending with every row; the bar goes
    # once the preview is open.
    assert heard and heard[-1] == (len(codes), len(codes))
    assert dialog.progress_bar.value() == 100 and dialog.progress_bar.isHidden()

    dialog.set_range(date(2026, 3, 5), date(2026, 3, 1))
    dialog.show_preview()
    assert dialog.error.text() == "Ngày cuối phải từ ngày đầu trở đi: sửa lại khoảng thời gian."

    dialog.set_range(date(2026, 3, 1), date(2026, 3, 3))
    dialog.set_kind("explain")
    target = tmp_path / "giai-trinh"
    dialog.save_excel(target)
    assert dialog.saved_path == target.with_suffix(".xlsx")
    sheet = load_workbook(dialog.saved_path).active
    values = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert codes["overdue"] in values and codes["today"] not in values
    assert dialog.status_label.text() == "Đã lưu 1 dòng vào giai-trinh.xlsx"


def test_the_summary_line_follows_a_change_made_from_the_dossier_list(
    qtbot, window: MainWindow, codes: dict[str, str]
) -> None:  # type: ignore[no-untyped-def]
    """A move made from the dossier list (which does not recount by itself): the counts and
    the summary line follow through the window's change signal, not stay as at start-up."""
    from tthc_desk.domain.lifecycle import Move

    window.start_attention()
    bar = window.attention_bar
    assert bar.summary_label.text().startswith("Cần chú ý hôm nay: 1 hồ sơ quá hạn")
    window.find_action.trigger()
    detail = window.dossier_list.open_code(codes["overdue"])
    detail.actions_bar.move_buttons[Move.RESULT_READY].click()
    detail.move_dialog.ok_button.click()
    qtbot.waitUntil(lambda: bar.overdue_button.text() == "Quá hạn: 0", timeout=3000)
    assert bar.summary_visible
    assert bar.summary_label.text().startswith("Cần chú ý hôm nay: 0 hồ sơ quá hạn")
    # Hidden by the clerk: it stays hidden, the counts still follow.
    bar.summary_close.click()
    detail.actions_bar.move_buttons[Move.RETURNED].click()
    detail.move_dialog.ok_button.click()
    qtbot.wait(500)
    assert not bar.summary_visible
