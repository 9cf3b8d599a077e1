"""The dossier detail page: the timeline, move buttons and their dialogs, classification,
printing."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QDateTime, Qt

from tests.conftest import make_draft
from tests.ui.keys import type_text
from tthc_desk.domain.clock import FixedClock
from tthc_desk.domain.dossier import Status
from tthc_desk.domain.lifecycle import Move
from tthc_desk.services.container import Services
from tthc_desk.ui.dossier_detail_dialog import DossierDetailDialog
from tthc_desk.ui.move_dialogs import HandOverDialog, ReasonDialog, ReturnDialog
from tthc_desk.ui.supplement_dialog import SupplementDialog
from tthc_desk.ui.tasks import TaskRunner
from tthc_desk.ui.timeline_widget import TimelineTableModel


@pytest.fixture
def code(services: Services) -> str:
    return services.dossiers.receive(make_draft()).code


@pytest.fixture
def detail(qtbot, services: Services, code: str) -> DossierDetailDialog:  # type: ignore[no-untyped-def]
    dialog = DossierDetailDialog(services, TaskRunner(synchronous=True), code)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def click_move(detail: DossierDetailDialog, move: Move):  # type: ignore[no-untyped-def]
    detail.actions_bar.move_buttons[move].click()
    dialog = detail.move_dialog
    assert dialog is not None and dialog.isVisible() and dialog.move_kind is move
    return dialog


def test_walk_a_dossier_from_hand_over_to_return(
    qtbot, detail: DossierDetailDialog, services: Services, clock: FixedClock
) -> None:  # type: ignore[no-untyped-def]
    changed: list[object] = []
    detail.dossier_changed.connect(changed.append)
    assert detail.timeline_rows()[0][1] == "Tiếp nhận hồ sơ"
    assert detail.timeliness_label.text() == "Trong hạn"
    assert set(detail.actions_bar.move_buttons) == {
        Move.HAND_OVER,
        Move.SUPPLEMENT,
        Move.RESULT_READY,
        Move.REFUSED,
        Move.STOPPED,
        Move.WITHDRAWN,
    }
    assert Move.RETURNED not in detail.actions_bar.move_buttons  # impossible: not offered

    clock.set(datetime(2026, 3, 2, 9, 0))
    hand = click_move(detail, Move.HAND_OVER)
    assert isinstance(hand, HandOverDialog)
    hand.unit_combo.setCurrentText("Công chức Tư pháp - Hộ tịch")
    type_text(hand.note_edit, "Chuyển xử lý khai sinh")
    hand.ok_button.click()
    assert not hand.isVisible()
    assert detail.dossier.status is Status.IN_PROGRESS
    assert "Đang ở: <b>Công chức Tư pháp - Hộ tịch</b>" in detail.where_label.text()
    row = detail.timeline_rows()[-1]
    assert row[0] == "02/03/2026 09:00" and row[1].startswith("Chuyển xử lý")
    assert row[3] == "Giao: TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG → Nhận: Công chức Tư pháp - Hộ tịch"
    assert "Chuyển xử lý khai sinh" in row[4]

    clock.set(datetime(2026, 3, 2, 10, 0))
    sup = click_move(detail, Move.SUPPLEMENT)
    assert isinstance(sup, SupplementDialog) and not sup.late_label.isVisibleTo(sup)
    type_text(sup.add_edit, "Giấy chứng sinh bản chính")
    sup.add_button.click()
    type_text(sup.reason_edit, "Thiếu giấy chứng sinh")
    sup.ok_button.click()
    assert detail.dossier.status is Status.SUPPLEMENT
    row = detail.timeline_rows()[-1]
    assert "Giấy chứng sinh bản chính" in row[4] and "Thiếu giấy chứng sinh" in row[4]
    old_due = detail.dossier.due_at

    clock.set(datetime(2026, 3, 4, 9, 0))
    back = click_move(detail, Move.SUPPLEMENTED)
    assert back.at_edit.dateTime().toPython() == datetime(2026, 3, 4, 9, 0)  # default: now
    back.ok_button.click()
    assert detail.dossier.status is Status.RECEIVED
    assert detail.dossier.received_at == datetime(2026, 3, 4, 9, 0)
    row = detail.timeline_rows()[-1]
    assert "nhận 02/03/2026 08:00 → 04/03/2026 09:00" in row[4]
    assert f"hẹn trả {old_due:%d/%m/%Y %H:%M} → {detail.dossier.due_at:%d/%m/%Y %H:%M}" in row[4]

    clock.set(datetime(2026, 3, 4, 9, 30))
    click_move(detail, Move.HAND_OVER).ok_button.click()  # default: the catalog's handling unit
    clock.set(datetime(2026, 3, 4, 14, 0))
    ready = click_move(detail, Move.RESULT_READY)
    ready.ok_button.click()
    assert detail.dossier.status is Status.RESULT_READY
    assert (
        detail.timeliness_label.text() == "Đúng hạn"
    )  # same-day procedure, settled on its due day
    assert list(detail.actions_bar.move_buttons) == [Move.RETURNED]

    clock.set(datetime(2026, 3, 4, 15, 0))
    ret = click_move(detail, Move.RETURNED)
    assert isinstance(ret, ReturnDialog)
    ret.other_radio.setChecked(True)
    ret.ok_button.click()  # no name for "other": refused inline
    assert ret.isVisible() and ret.errors.message("taken_by") == "Ghi họ và tên người nhận kết quả."
    type_text(ret.other_edit, "Trần Văn Đức")
    ret.rating_radios["satisfied"].setChecked(True)
    type_text(ret.comment_edit, "Nhanh gọn")
    ret.ok_button.click()
    d = detail.dossier
    assert (
        d.status is Status.RETURNED and d.returned_to == "Trần Văn Đức" and d.rating == "satisfied"
    )
    assert (
        detail.timeliness_label.text() == "Đúng hạn"
    )  # same-day procedure, settled on its due day
    row = detail.timeline_rows()[-1]
    assert row[1].startswith("Trả kết quả")
    assert (
        "Người nhận kết quả: Trần Văn Đức" in row[4] and "Đánh giá: Hài lòng (Nhanh gọn)" in row[4]
    )
    assert detail.actions_bar.move_buttons == {}
    assert len(detail.timeline_rows()) == 7 and len(changed) == 6


def test_a_forced_impossible_move_shows_the_service_refusal(detail: DossierDetailDialog) -> None:
    dialog = detail.open_move(Move.RETURNED)
    dialog.ok_button.click()
    assert dialog.isVisible()
    assert (
        "Không thể “trả kết quả” hồ sơ đang ở trạng thái “Mới tiếp nhận”"
        in dialog.general_error.text()
    )
    assert not dialog.general_error.isHidden()
    assert detail.dossier.status is Status.RECEIVED


def test_refuse_needs_a_reason(detail: DossierDetailDialog, clock: FixedClock) -> None:
    clock.set(datetime(2026, 3, 2, 9, 0))
    dialog = click_move(detail, Move.REFUSED)
    assert isinstance(dialog, ReasonDialog)
    dialog.ok_button.click()
    assert dialog.errors.message("reason") == "Cần ghi rõ lý do."
    type_text(dialog.reason_edit, "Không đủ điều kiện đăng ký")
    dialog.ok_button.click()
    assert detail.dossier.status is Status.REFUSED
    assert detail.timeliness_label.text() == "Đúng hạn"  # refused on the (same-day) due day
    assert "Không đủ điều kiện đăng ký" in detail.timeline_rows()[-1][4]
    assert detail.actions_bar.print_actions["refusal"].isEnabled() == hasattr(
        detail._services.printing, "refusal_pdf"
    )
    assert not detail.actions_bar.print_actions["stop"].isEnabled()


def test_a_moment_in_the_future_is_refused_inline(detail: DossierDetailDialog) -> None:
    dialog = click_move(detail, Move.HAND_OVER)
    dialog.at_edit.setDateTime(QDateTime(datetime(2026, 3, 3, 8, 0)))
    dialog.ok_button.click()
    assert "ở tương lai" in dialog.errors.message("at")


def test_late_supplement_request_is_warned_before_and_after(
    detail: DossierDetailDialog, clock: FixedClock
) -> None:
    clock.set(datetime(2026, 3, 9, 9, 0))  # 5 working days after receipt
    dialog = click_move(detail, Move.SUPPLEMENT)
    assert (
        dialog.late_label.isVisibleTo(dialog)
        and "hạn chót là 05/03/2026" in dialog.late_label.text()
    )
    dialog.papers_list.item(0).setCheckState(Qt.CheckState.Checked)
    dialog.ok_button.click()
    assert detail.warning_label.isVisibleTo(detail)
    assert "Yêu cầu bổ sung muộn" in detail.warning_label.text()
    assert "Cảnh báo" in detail.timeline_rows()[-1][4]


def test_print_receipt_and_apology_from_the_detail_page(
    qtbot, detail: DossierDetailDialog, services: Services, clock: FixedClock, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    detail.actions_bar.print_actions["receipt"].trigger()
    assert detail.receipt_dialog is not None and detail.receipt_dialog.pdf.startswith(b"%PDF")
    assert not detail.actions_bar.print_actions["apology"].isEnabled()
    detail.actions_bar.apology_button.click()
    letter_dialog = detail.letter_dialog
    assert letter_dialog is not None and letter_dialog.isVisible()
    letter_dialog.ok_button.click()
    assert detail.actions_bar.print_actions["apology"].isEnabled()
    detail.actions_bar.print_actions["apology"].trigger()
    assert detail.receipt_dialog.pdf.startswith(b"%PDF")
    assert detail.receipt_dialog.save_pdf(tmp_path / "x.pdf").exists()


def test_timeline_model_passes_the_qt_model_tester(
    qtmodeltester, services: Services, code: str
) -> None:  # type: ignore[no-untyped-def]
    model = TimelineTableModel()
    model.set_events(services.lifecycle.history(code))
    qtmodeltester.check(model)


def test_stop_withdraw_and_close_from_the_detail_page(
    qtbot, services: Services, clock: FixedClock
) -> None:  # type: ignore[no-untyped-def]
    def page_for(id_number: str) -> DossierDetailDialog:
        from tthc_desk.domain.dossier import Person

        person = Person(
            full_name="Lê Văn Tám", id_number=id_number, address="Thôn 2, phường Đồng Nguyên"
        )
        code = services.dossiers.receive(
            make_draft(applicant=person, procedure_code="2.001035")
        ).code
        dialog = DossierDetailDialog(services, TaskRunner(synchronous=True), code)
        qtbot.addWidget(dialog)
        dialog.show()
        return dialog

    stop, withdraw, close = (
        page_for("001090000001"),
        page_for("001090000002"),
        page_for("001090000003"),
    )
    clock.set(datetime(2026, 3, 2, 9, 0))
    for detail, move, reason, status in (
        (stop, Move.STOPPED, "Người nộp đề nghị dừng để bổ sung giấy tờ", Status.STOPPED),
        (withdraw, Move.WITHDRAWN, "Người nộp xin rút hồ sơ", Status.WITHDRAWN),
    ):
        dialog = click_move(detail, move)
        assert isinstance(dialog, ReasonDialog)
        type_text(dialog.reason_edit, reason)
        dialog.ok_button.click()
        assert detail.dossier.status is status and reason in detail.timeline_rows()[-1][4]
        assert detail.actions_bar.move_buttons == {}
    assert stop.actions_bar.print_actions["stop"].isEnabled()

    sup = click_move(close, Move.SUPPLEMENT)
    sup.papers_list.item(0).setCheckState(Qt.CheckState.Checked)
    sup.ok_button.click()
    assert set(close.actions_bar.move_buttons) == {
        Move.SUPPLEMENTED,
        Move.CLOSED,
        Move.STOPPED,
        Move.WITHDRAWN,
    }
    clock.set(datetime(2026, 3, 10, 9, 0))  # 8 days: too early to close
    dialog = click_move(close, Move.CLOSED)
    dialog.ok_button.click()
    assert dialog.isVisible() and "Chưa thể đóng hồ sơ" in dialog.general_error.text()
    dialog.reject()
    clock.set(datetime(2026, 3, 18, 9, 0))  # 16 days after the request
    dialog = click_move(close, Move.CLOSED)
    assert dialog.reason_edit.text() == "Không bổ sung hồ sơ trong 15 ngày"
    dialog.ok_button.click()
    assert close.dossier.status is Status.CLOSED
    assert close.timeline_rows()[-1][1].startswith("Đóng hồ sơ")
