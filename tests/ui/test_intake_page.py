"""The intake screen driven as a clerk drives it: type, pick, save, print to PDF."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.conftest import make_draft
from tests.ui.keys import press, type_text
from tthc_desk.domain.dossier import Person
from tthc_desk.services.container import Services
from tthc_desk.services.dossier_service import DossierQuery
from tthc_desk.ui.intake_page import IntakePage
from tthc_desk.ui.tasks import TaskRunner


@pytest.fixture
def page(qtbot, services: Services) -> IntakePage:  # type: ignore[no-untyped-def]
    runner = TaskRunner(synchronous=True)
    page = IntakePage(services, runner)
    page._test_runner = runner  # keep the runner alive as long as the page
    qtbot.addWidget(page)
    page.resize(1300, 900)
    page.show()
    qtbot.waitExposed(page)
    return page


def pick_procedure(qtbot, page: IntakePage, words: str) -> None:  # type: ignore[no-untyped-def]
    page.picker.edit.setFocus()
    qtbot.keyClicks(page.picker.edit, words)
    popup = page.picker.popup()
    assert popup.isVisible()
    press(popup, Qt.Key.Key_Return)


def fill_applicant(page: IntakePage, name: str, id_number: str, phone: str = "") -> None:
    type_text(page.applicant.full_name, name)
    type_text(page.applicant.id_number, id_number)
    if phone:
        type_text(page.applicant.phone, phone)


def test_clerk_receives_a_dossier_and_prints_the_receipt(
    qtbot, page: IntakePage, services: Services, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    assert page.appointment.text() == "Hẹn trả: —"
    pick_procedure(qtbot, page, "khai sinh")
    procedure = page.picker.procedure()
    assert procedure is not None and procedure.code == "1.001193"  # the plain one ranks first
    # Choosing moves on to the applicant's ID number; the papers of the procedure are listed.
    assert QApplication.focusWidget() is page.applicant.id_number
    assert page.papers.row_count() == len(procedure.papers) > 0
    # Same-day procedure received Monday 08:00: due at the end of that working day.
    assert page.appointment.text() == "Hẹn trả: 17:00 ngày 02/03/2026 (Thứ Hai)"

    fill_applicant(page, "Nguyễn Thị Hồng Nhung", "001190012345", "0912 345 678")
    assert page.applicant.full_name.text() == "Nguyễn Thị Hồng Nhung"
    type_text(page.applicant.address, "Số 5 ngõ 12 phố Đông Các")
    page.details.return_postal.setChecked(True)
    assert page.details.return_address.text() == "Số 5 ngõ 12 phố Đông Các"

    page.save_button.click()

    assert services.dossiers.count(DossierQuery()) == 1
    saved = page.last_dossier
    assert saved is not None and saved.code == "000.17.22.H56-260302-0001"
    assert page.saved_code.text() == saved.code and page.success.isVisible()
    assert saved.applicant.phone == "0912345678"
    assert saved.return_address == "Số 5 ngõ 12 phố Đông Các"
    assert saved.due_at == datetime(2026, 3, 2, 17, 0)
    # The form is clean for the next citizen, cursor on the procedure.
    assert page.picker.procedure() is None and page.applicant.is_empty()
    assert QApplication.focusWidget() is page.picker.edit

    dialog = page.receipt_dialog
    assert dialog is not None and dialog.isVisible()
    target = dialog.save_pdf(tmp_path / "receipt.pdf")
    assert target is not None
    text = "".join(p.extract_text() for p in PdfReader(target).pages)
    assert saved.code in text
    assert "Nguyễn Thị Hồng Nhung" in text
    assert "17 giờ 00 phút, ngày 02/03/2026" in text  # the appointment
    dialog.close()


def test_procedure_by_code_and_appointment_follows_the_received_moment(
    qtbot, page: IntakePage
) -> None:  # type: ignore[no-untyped-def]
    page.picker.edit.setFocus()
    qtbot.keyClicks(page.picker.edit, "1.004222")  # Đăng ký thường trú: 7 working days
    press(page.picker.edit, Qt.Key.Key_Escape)
    page.picker.popup().hide()
    press(page.picker.edit, Qt.Key.Key_Return)
    assert page.picker.procedure() is not None and page.picker.procedure().code == "1.004222"
    assert page.appointment.text() == "Hẹn trả: 08:00 ngày 11/03/2026 (Thứ Tư)"
    assert page.details.fee.text() == "20.000 đ"
    # Back-dating to Friday afternoon moves the appointment at once.
    page.details.set_received_at(datetime(2026, 2, 27, 15, 30))
    assert page.appointment.text() == "Hẹn trả: 15:30 ngày 10/03/2026 (Thứ Ba)"
    assert page.details.backdate_reason.isVisibleTo(page)


def test_earlier_applicant_is_prefilled_by_id_number(
    qtbot, page: IntakePage, services: Services
) -> None:  # type: ignore[no-untyped-def]
    services.dossiers.receive(
        make_draft(
            applicant=Person(
                "Trần Văn Đức",
                "036085001234",
                None,
                "0987654321",
                "Thôn Đông, xã Hòa Bình",
                "duc@example.vn",
            )
        )
    )
    page.applicant.full_name.setFocus()
    type_text(page.applicant.id_number, "03608500123")
    assert page.applicant.full_name.text() == ""  # not before the 12th digit
    type_text(page.applicant.id_number, "4")
    assert page.applicant.full_name.text() == "Trần Văn Đức"
    assert page.applicant.phone.text() == "0987654321"
    assert page.applicant.address.text() == "Thôn Đông, xã Hòa Bình"
    assert page.applicant.email.text() == "duc@example.vn"
    assert page.applicant.prefill_note.isVisibleTo(page)


def test_prefill_keeps_what_the_clerk_already_typed(
    qtbot, page: IntakePage, services: Services
) -> None:  # type: ignore[no-untyped-def]
    services.dossiers.receive(make_draft())
    type_text(page.applicant.phone, "0900000000")
    type_text(page.applicant.id_number, "001190012345")
    assert page.applicant.full_name.text() == "Nguyễn Thị Hồng Nhung"
    assert page.applicant.phone.text() == "0900000000"


def test_bad_id_number_and_phone_are_shown_inline_and_nothing_is_saved(
    qtbot, page: IntakePage, services: Services
) -> None:  # type: ignore[no-untyped-def]
    pick_procedure(qtbot, page, "khai sinh")
    fill_applicant(page, "Lê Thị Ánh", "0011900123", "12345")
    page.save()
    assert services.dossiers.count(DossierQuery()) == 0
    errors = page.field_errors.messages()
    assert "12 chữ số" in errors["applicant.id_number"]
    assert "10 chữ số" in errors["applicant.phone"]
    assert "applicant.full_name" not in errors
    assert page.banner.isVisible() and "Chưa lưu được hồ sơ" in page.banner.text()
    assert QApplication.focusWidget() is page.applicant.id_number  # the first bad field
    # Fixing a field clears its message as the clerk types.
    type_text(page.applicant.id_number, "45")
    assert "applicant.id_number" not in page.field_errors.messages()


def test_missing_procedure_and_unreadable_birth_date_are_reported_together(
    qtbot, page: IntakePage, services: Services
) -> None:  # type: ignore[no-untyped-def]
    fill_applicant(page, "Phạm Minh Tuấn", "001190099999")
    type_text(page.applicant.birth_date, "31/02/1990")
    page.save()
    errors = page.field_errors.messages()
    assert "Chưa chọn thủ tục" in errors["procedure"]
    assert "dd/mm/yyyy" in errors["applicant.birth_date"]
    assert QApplication.focusWidget() is page.picker.edit
    assert services.dossiers.count(DossierQuery()) == 0


def test_back_dating_needs_a_reason(qtbot, page: IntakePage, services: Services) -> None:  # type: ignore[no-untyped-def]
    pick_procedure(qtbot, page, "khai sinh")
    fill_applicant(page, "Hoàng Văn Em", "001190055555")
    page.details.set_received_at(datetime(2026, 2, 27, 16, 0))
    page.save()
    assert services.dossiers.count(DossierQuery()) == 0
    assert "lý do" in page.field_errors.messages()["backdate_reason"]
    assert QApplication.focusWidget() is page.details.backdate_reason
    type_text(page.details.backdate_reason, "Vào sổ giấy chiều thứ Sáu, nhập máy sau")
    page.save()
    assert page.last_dossier is not None
    assert page.last_dossier.received_at == datetime(2026, 2, 27, 16, 0)
    assert page.last_dossier.code.endswith("-260227-0001")


def test_due_override_needs_a_reason_and_is_saved(qtbot, page: IntakePage) -> None:  # type: ignore[no-untyped-def]
    pick_procedure(qtbot, page, "khai sinh")
    fill_applicant(page, "Đỗ Thị Giang", "001190066666")
    page.details.override_check.setChecked(True)
    page.details.start_override_at(datetime(2026, 3, 4, 9, 0))
    assert page.appointment.text() == "Hẹn trả: 09:00 ngày 04/03/2026 (Thứ Tư)"
    assert "theo quy định là 17:00 ngày 02/03/2026" in page.appointment_note.text()
    page.save()
    assert "due_override_reason" in page.field_errors.messages()
    type_text(page.details.due_override_reason, "Người nộp xin hẹn muộn hơn")
    page.save()
    assert page.last_dossier is not None and page.last_dossier.due_at == datetime(2026, 3, 4, 9, 0)


def test_papers_unticked_and_extra_are_saved(qtbot, page: IntakePage) -> None:  # type: ignore[no-untyped-def]
    pick_procedure(qtbot, page, "khai sinh")
    fill_applicant(page, "Vũ Văn Hải", "001190077777")
    required = page.papers.papers()
    first_check = page.papers.row_widgets(0)[0]
    first_check.setChecked(False)
    page.papers.add_button.click()
    type_text(QApplication.focusWidget(), "Giấy xác nhận cư trú")
    page.save()
    saved = page.last_dossier
    assert saved is not None
    assert saved.papers[0].name == required[0].name and not saved.papers[0].provided
    assert saved.papers[-1].name == "Giấy xác nhận cư trú" and saved.papers[-1].provided


def test_tab_order_follows_the_form(qtbot, page: IntakePage) -> None:  # type: ignore[no-untyped-def]
    chain = page.tab_chain()
    page.picker.edit.setFocus()
    assert page.picker.edit.nextInFocusChain() is not None
    seen = [QApplication.focusWidget()]
    for _ in range(7):
        press(QApplication.focusWidget(), Qt.Key.Key_Tab)
        seen.append(QApplication.focusWidget())
    a = page.applicant
    # ID number first (it finds a returning applicant), then the name; Quét CCCD is skipped.
    assert seen == [
        page.picker.edit,
        a.id_number,
        a.full_name,
        a.birth_date,
        a.phone,
        a.address,
        a.email,
        page.authorised_check,
    ]
    assert chain[-2] is page.save_button
    # The received moment does not swallow Tab in its hour/minute/day sections.
    page.details.received.setFocus()
    press(page.details.received, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is page.details.now_button
