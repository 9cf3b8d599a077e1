"""The detail page's postal part: changing where the result goes, and the dossier's postal items."""

from __future__ import annotations

from datetime import datetime

from tests.conftest import make_draft
from tests.ui.keys import type_text
from tthc_desk.domain.clock import FixedClock
from tthc_desk.domain.dossier import ReturnMethod
from tthc_desk.domain.lifecycle import Move
from tthc_desk.services.container import Services
from tthc_desk.services.lifecycle_service import MoveRequest
from tthc_desk.ui.dossier_detail_dialog import DossierDetailDialog
from tthc_desk.ui.tasks import TaskRunner

POSTAL = "1.004873"
IN_PERSON = "2.001035"
ADDRESS = "Số 8 ngõ 3 phố Hàn Thuyên, phường Đồng Nguyên, tỉnh Bắc Ninh"


def open_detail(qtbot, services: Services, code: str) -> DossierDetailDialog:  # type: ignore[no-untyped-def]
    dialog = DossierDetailDialog(services, TaskRunner(synchronous=True), code)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_change_to_return_by_post_from_the_detail_page(
    qtbot, services: Services, clock: FixedClock
) -> None:  # type: ignore[no-untyped-def]
    code = services.dossiers.receive(make_draft(procedure_code=POSTAL)).code
    detail = open_detail(qtbot, services, code)
    changed: list[object] = []
    detail.dossier_changed.connect(changed.append)
    assert not detail.tabs.isTabVisible(detail.postal_tab)
    clock.set(datetime(2026, 3, 2, 9, 0))
    detail.return_button.click()
    dialog = detail.return_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.postal_radio.isChecked()  # the other choice is offered
    assert (
        dialog.recipient_edit.text() == "Nguyễn Thị Hồng Nhung"
        and dialog.phone_edit.text() == "0912345678"
    )
    dialog.address_edit.clear()
    type_text(dialog.address_edit, "Thôn 3")
    dialog.ok_button.click()  # too short: refused inline, nothing changed
    assert dialog.isVisible() and "quá ngắn" in dialog.errors.message("return_address")
    dialog.address_edit.clear()
    type_text(dialog.address_edit, ADDRESS)
    type_text(dialog.reason_edit, "Người nộp đề nghị qua điện thoại")
    dialog.ok_button.click()
    assert not dialog.isVisible() and len(changed) == 1
    d = detail.dossier
    assert d.return_method is ReturnMethod.POSTAL and d.return_address == ADDRESS
    row = detail.timeline_rows()[-1]
    assert row[1] == "Đổi nơi nhận kết quả" and "Người nộp đề nghị qua điện thoại" in row[4]

    services.lifecycle.move(code, MoveRequest(Move.RESULT_READY))
    detail.reload()
    assert detail.tabs.isTabVisible(detail.postal_tab)
    assert detail.postal_rows()[0][:2] == ["(chưa có)", "Chờ giao bưu điện"]
    assert "Trang Bưu chính (F7)".lower() in detail.postal_hint.text().lower()


def test_return_by_post_is_disabled_for_a_procedure_not_offered_by_post(
    qtbot, services: Services
) -> None:  # type: ignore[no-untyped-def]
    code = services.dossiers.receive(make_draft(procedure_code=IN_PERSON)).code
    detail = open_detail(qtbot, services, code)
    dialog = detail.open_return_choice()
    assert not dialog.postal_radio.isEnabled() and dialog.counter_radio.isChecked()
    assert (
        dialog.postal_radio.toolTip() == "Thủ tục này không cho phép nộp/trả kết quả qua bưu chính"
    )
    assert not dialog.address_edit.isEnabled()
