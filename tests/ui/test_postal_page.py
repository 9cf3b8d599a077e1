"""A whole postal round driven from the GUI as a clerk drives it: receive by post, result
ready, the handover list with a barcode scanner, print and Excel, the post's status file, and a
result sent back (chuyển hoàn) returned at the counter. Also refusals and the models."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from tests.printing.support import pdf_text
from tests.ui.keys import press, type_text
from tthc_desk.domain.clock import FixedClock
from tthc_desk.domain.dossier import Channel, ReturnMethod, Status
from tthc_desk.domain.lifecycle import Move
from tthc_desk.domain.postal import PostalState
from tthc_desk.services.container import Services
from tthc_desk.ui.dossier_detail_dialog import DossierDetailDialog
from tthc_desk.ui.errors import ErrorDialog
from tthc_desk.ui.main_window import POSTAL, MainWindow
from tthc_desk.ui.move_dialogs import ReturnDialog
from tthc_desk.ui.postal_handover_dialog import PostalHandoverDialog
from tthc_desk.ui.postal_models import HandoverTableModel, PostalItemTableModel
from tthc_desk.ui.tasks import TaskRunner

POSTAL_PROCEDURE = "1.004873"  # Giấy xác nhận tình trạng hôn nhân: offered by post
WAYBILLS = ("EB123456785VN", "EB234567816VN", "EB345678121VN")
PEOPLE = (
    (
        "Nguyễn Thị Hồng Nhung",
        "001190012345",
        "0912345678",
        "Số 8 ngõ 3 phố Hàn Thuyên, phường Đồng Nguyên",
    ),
    ("Trần Văn Đức", "036085001234", "0987654321", "Thôn Đông, xã Hòa Bình, tỉnh Bắc Ninh"),
    ("Lê Thị Ánh Dương", "001192004567", "0977111222", "Số 21 đường Lý Thái Tổ, phường Suối Hoa"),
)


@pytest.fixture
def window(qtbot, services: Services) -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(services, TaskRunner(synchronous=True))
    window.intake.print_after_save = False
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def receive_by_post(
    qtbot, window: MainWindow, person: tuple[str, str, str, str], reference: str
) -> str:  # type: ignore[no-untyped-def]
    """The clerk opens the parcel the post brought and enters the dossier."""
    page = window.intake
    d = page.details
    page.picker.edit.setFocus()
    qtbot.keyClicks(page.picker.edit, POSTAL_PROCEDURE)
    press(page.picker.edit, Qt.Key.Key_Escape)
    page.picker.popup().hide()
    press(page.picker.edit, Qt.Key.Key_Return)
    assert page.picker.code() == POSTAL_PROCEDURE
    name, id_number, phone, address = person
    type_text(page.applicant.full_name, name)
    type_text(page.applicant.id_number, id_number)
    type_text(page.applicant.phone, phone)
    type_text(page.applicant.address, address)
    d.channel.setFocus()
    while d.channel.currentData() != Channel.POSTAL.value:
        press(d.channel, Qt.Key.Key_Down)
    type_text(d.postal_reference, reference)
    d.return_postal.setChecked(True)
    assert d.return_address.text() == address and d.return_recipient.text() == name
    QTest.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    saved = page.last_dossier
    assert saved is not None and saved.postal_reference == reference, page.banner.text()
    return saved.code


def result_ready(qtbot, services: Services, code: str) -> None:  # type: ignore[no-untyped-def]
    detail = DossierDetailDialog(services, TaskRunner(synchronous=True), code)
    qtbot.addWidget(detail)
    detail.show()
    detail.actions_bar.move_buttons[Move.RESULT_READY].click()
    assert detail.move_dialog is not None
    detail.move_dialog.ok_button.click()
    assert detail.dossier.status is Status.RESULT_READY
    assert detail.postal_hint.isVisible() and "F7" in detail.postal_hint.text()
    detail.close()


def scan(dialog: PostalHandoverDialog, number: str) -> None:
    """A barcode scanner types the characters and ends with Enter."""
    type_text(dialog.waybill_edit, number)
    press(dialog.waybill_edit, Qt.Key.Key_Return)


def test_a_whole_postal_round_from_the_gui(
    qtbot, window: MainWindow, services: Services, clock: FixedClock, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    codes = [receive_by_post(qtbot, window, p, f"RR00000000{i}VN") for i, p in enumerate(PEOPLE)]
    clock.set(datetime(2026, 3, 4, 10, 0))
    for code in codes:
        result_ready(qtbot, services, code)

    clock.set(datetime(2026, 3, 4, 10, 30))
    QTest.keyClick(window, Qt.Key.Key_F7)
    assert window.pages.currentIndex() == POSTAL
    page = window.postal
    assert page.state_buttons[PostalState.WAITING].text() == "Chờ giao bưu điện (3)"
    assert page.state_buttons[PostalState.HANDED_OVER].text() == "Đã giao bưu điện (0)"
    assert sorted(x.dossier_code for x in page.items()) == sorted(codes)
    assert len(page.model.checked_items()) == 3  # all ticked by default
    page.set_checked(codes[2], False)
    assert page.batch_button.text() == "Lập danh sách bàn giao (2)"
    page.set_checked(codes[2], True)
    page.batch_button.click()
    dialog = page.dialog
    assert isinstance(dialog, PostalHandoverDialog) and dialog.isVisible()
    order = dialog.model.codes()
    assert sorted(order) == sorted(codes)

    scan(dialog, WAYBILLS[0])
    assert dialog.model.waybill_of(0) == WAYBILLS[0] and dialog.current_row() == 1
    assert dialog.waybill_edit.text() == ""
    scan(dialog, WAYBILLS[0].lower())  # the same envelope scanned twice: refused, field cleared
    assert dialog.current_row() == 1 and dialog.model.waybill_of(1) == ""
    assert dialog.waybill_error.isVisible() and "đã quét cho dòng 1" in dialog.waybill_error.text()
    assert dialog.waybill_edit.text() == ""
    scan(dialog, WAYBILLS[1])
    assert not dialog.waybill_error.isVisible()
    scan(dialog, WAYBILLS[2])
    assert dialog.model.waybills() == dict(zip(order, WAYBILLS, strict=True))
    assert "mọi dòng" in dialog.waybill_note.text()
    assert dialog.isVisible()  # Enter never pressed "Lập danh sách"
    type_text(dialog.employee_edit, "Phạm Văn Bưu")
    dialog.create_button.click()
    batch = dialog.batch
    assert batch is not None and batch.number_text == "01/2026/BGBC"
    assert "01/2026/BGBC" in dialog.done_label.text()

    preview = dialog.preview
    assert preview is not None and preview.isVisible()
    target = preview.save_pdf(tmp_path / "ban-giao.pdf")
    assert target is not None
    text = pdf_text(target.read_bytes(), raw=True)
    compact = "".join(text.split())  # a code wraps inside its table cell
    for label in (
        "DANH SÁCH BÀN GIAO",
        "Số: 01/2026/BGBC",
        "Tổng số hồ sơ bàn giao: 3 hồ sơ",
        "Phạm Văn Bưu",
        "(Bản 1: Bộ phận Một cửa lưu)",
        "(Bản 2: Giao đơn vị bưu chính)",
        "NHÂN VIÊN BƯU CHÍNH",
    ):
        assert label in text, label
    assert "Sốhiệubưugửi" in compact
    for code, number in zip(order, WAYBILLS, strict=True):
        assert compact.count(code) == 2 and compact.count(number) == 2  # two copies
    preview.close()

    xlsx = tmp_path / "ban-giao.xlsx"
    dialog.export_excel(xlsx)
    assert "Đã xuất Excel" in dialog.done_label.text()
    rows = [[c for c in r] for r in load_workbook(xlsx).active.iter_rows(values_only=True)]
    header_index = next(i for i, r in enumerate(rows) if r[0] == "TT")
    assert list(rows[header_index]) == [
        "TT",
        "Mã hồ sơ",
        "Nội dung giải quyết TTHC",
        "Kết quả giải quyết TTHC",
        "Họ tên chủ hồ sơ",
        "Phí, lệ phí (X là có)",
        "Đăng ký trả kết quả qua bưu điện (X là có)",
        "Số hiệu bưu gửi",
        "Người nhận, điện thoại",
        "Địa chỉ người nhận",
    ]
    body = rows[header_index + 1 : header_index + 4]
    assert [(r[1], r[7]) for r in body] == list(zip(order, WAYBILLS, strict=True))
    dialog.close_button.click()
    assert not dialog.isVisible()
    assert page.state_buttons[PostalState.WAITING].text() == "Chờ giao bưu điện (0)"
    assert page.state_buttons[PostalState.HANDED_OVER].text() == "Đã giao bưu điện (3)"
    assert all(services.dossiers.get(c).status is Status.RETURNED for c in codes)

    # The next day the post office sends its status file.
    clock.set(datetime(2026, 3, 5, 15, 0))
    status_file = tmp_path / "trang-thai.csv"
    status_file.write_text(
        "Số hiệu bưu gửi,Trạng thái,Ngày\n"
        f"{WAYBILLS[0]},Đã phát thành công,05/03/2026 09:10\n"
        f"{WAYBILLS[1]},Phát không thành công,05/03/2026 09:40\n"
        f"{WAYBILLS[2]},Chuyển hoàn,05/03/2026 14:00\n",
        encoding="utf-8",
    )
    page.show_state(PostalState.HANDED_OVER)
    page.import_file(status_file)
    assert "1 phát thành công, 1 phát không thành công, 1 chuyển hoàn" in page.message_label.text()
    expected = {
        PostalState.WAITING: 0,
        PostalState.HANDED_OVER: 0,
        PostalState.DELIVERED: 1,
        PostalState.FAILED: 1,
        PostalState.RETURNED: 1,
    }
    for state, n in expected.items():
        assert page.state_buttons[state].text().endswith(f"({n})"), state
    page.state_buttons[PostalState.DELIVERED].click()
    assert [x.waybill for x in page.items()] == [WAYBILLS[0]]

    # Chuyển hoàn: the result waits at the counter; Enter opens the dossier, returned in person.
    page.state_buttons[PostalState.RETURNED].click()
    assert [x.dossier_code for x in page.items()] == [order[2]]
    assert "chờ trả tại quầy" in page.hint_label.text()
    assert "chờ trả tại quầy" in page.model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    page.table.setFocus()
    page.table.selectRow(0)
    press(page.table, Qt.Key.Key_Return)
    detail = page.detail_dialog
    assert detail is not None and detail.isVisible() and detail.dossier.code == order[2]
    assert (
        detail.dossier.status is Status.RESULT_READY
        and detail.dossier.return_method is ReturnMethod.COUNTER
    )
    assert detail.postal_hint.isVisible() and "chuyển hoàn" in detail.postal_hint.text()
    assert detail.postal_rows()[0][:3] == [
        WAYBILLS[2],
        "Chuyển hoàn về Bộ phận Một cửa",
        "01/2026/BGBC",
    ]
    clock.set(datetime(2026, 3, 6, 9, 0))
    detail.actions_bar.move_buttons[Move.RETURNED].click()
    ret = detail.move_dialog
    assert isinstance(ret, ReturnDialog)
    ret.ok_button.click()
    assert detail.dossier.status is Status.RETURNED and detail.dossier.returned_at == datetime(
        2026, 3, 6, 9, 0
    )
    assert not detail.postal_hint.isVisible()
    page.refresh()  # the item stays under Chuyển hoàn, no longer waiting at the counter
    assert (
        page.model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
        == "Bưu điện đã chuyển hoàn; kết quả đã được trả tại quầy."
    )


def test_a_malformed_status_file_lists_every_problem_and_changes_nothing(
    qtbot, window: MainWindow, services: Services, clock: FixedClock, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    code = receive_by_post(qtbot, window, PEOPLE[0], "RR000000001VN")
    clock.set(datetime(2026, 3, 2, 10, 0))
    result_ready(qtbot, services, code)
    services.postal.create_batch([code], waybills={code: WAYBILLS[0]})
    clock.set(datetime(2026, 3, 3, 10, 0))
    bad = tmp_path / "loi.csv"
    bad.write_text(
        "Số hiệu bưu gửi,Trạng thái,Ngày\n"
        f"{WAYBILLS[0]},Đã phát thành công,03/03/2026\n"  # fine alone, but the file is refused
        "EB-1,Đã phát thành công,03/03/2026\n"  # waybill shape
        f"{WAYBILLS[1]},Đã phát thành công,03/03/2026\n"  # unknown waybill
        f"{WAYBILLS[0]},Đang bay,03/03/2026\n"  # unknown status word (and a repeated waybill)
        f"{WAYBILLS[0]},Chuyển hoàn,31/02/2026\n",  # impossible date
        encoding="utf-8",
    )
    window.show_postal()
    page = window.postal
    page.import_file(bad)
    error = page.error_dialog
    assert isinstance(error, ErrorDialog) and error.isVisible()
    problems = error.problems()
    assert len(problems) >= 4
    text = "\n".join(problems)
    for row in (3, 4, 5, 6):
        assert f"Dòng {row}" in text or f"dòng {row}" in text, (row, text)
    assert error.problem_list.verticalScrollBarPolicy() != Qt.ScrollBarPolicy.ScrollBarAlwaysOff
    assert services.postal.counts().handed_over == 1 and services.postal.counts().delivered == 0
    assert page.state_buttons[PostalState.HANDED_OVER].text() == "Đã giao bưu điện (1)"
    error.close()


def test_a_waybill_already_on_another_list_is_refused_when_scanned(
    qtbot, window: MainWindow, services: Services, clock: FixedClock
) -> None:  # type: ignore[no-untyped-def]
    first = receive_by_post(qtbot, window, PEOPLE[0], "RR000000001VN")
    second = receive_by_post(qtbot, window, PEOPLE[1], "RR000000002VN")
    clock.set(datetime(2026, 3, 2, 10, 0))
    result_ready(qtbot, services, first)
    result_ready(qtbot, services, second)
    services.postal.create_batch([first], waybills={first: WAYBILLS[0]})
    window.show_postal()
    page = window.postal
    assert [x.dossier_code for x in page.items()] == [second]
    dialog = page.make_batch()
    assert dialog is not None
    scan(dialog, WAYBILLS[0])
    assert dialog.model.waybill_of(0) == "" and dialog.waybill_edit.text() == ""
    assert f"đã ghi cho hồ sơ {first} (danh sách 01/2026/BGBC)" in dialog.waybill_error.text()
    scan(dialog, "EB-1")
    assert "không hợp lệ" in dialog.waybill_error.text()
    dialog.create_button.click()  # no waybill: allowed, written by hand on the paper
    assert dialog.batch is not None and dialog.batch.missing_waybills == 1
    dialog.close_button.click()

    # Later the clerk records the number from the handed-over tab.
    page.state_buttons[PostalState.HANDED_OVER].click()
    page.select_code(second)
    assert page.waybill_button.isEnabled()
    page.waybill_button.click()
    wd = page.dialog
    type_text(wd.waybill_edit, WAYBILLS[0])
    wd.ok_button.click()  # duplicate: refused inline
    assert wd.isVisible() and "đã ghi cho hồ sơ" in wd.errors.message("waybill")
    wd.waybill_edit.clear()
    type_text(wd.waybill_edit, WAYBILLS[1])
    press(wd.waybill_edit, Qt.Key.Key_Return)
    assert not wd.isVisible()
    assert services.postal.item(WAYBILLS[1]).dossier_code == second
    assert "Đã ghi số hiệu" in page.message_label.text()

    # And what the post reports, by hand.
    page.select_code(second)
    page.update_button.click()
    ud = page.dialog
    ud.set_state(PostalState.DELIVERED)
    ud.ok_button.click()
    assert services.postal.item(WAYBILLS[1]).state is PostalState.DELIVERED
    assert page.state_buttons[PostalState.DELIVERED].text().endswith("(1)")


def test_postal_models_pass_the_qt_model_tester(
    qtmodeltester,
    qtbot,
    window: MainWindow,
    services: Services,  # type: ignore[no-untyped-def]
    clock: FixedClock,
) -> None:
    codes = [
        receive_by_post(qtbot, window, p, f"RR00000000{i}VN") for i, p in enumerate(PEOPLE[:2])
    ]
    clock.set(datetime(2026, 3, 2, 10, 0))
    for code in codes:
        result_ready(qtbot, services, code)
    model = PostalItemTableModel()
    model.set_items(services.postal.waiting(), checkable=True)
    qtmodeltester.check(model)
    assert model.setData(model.index(0, 0), Qt.CheckState.Unchecked, Qt.ItemDataRole.CheckStateRole)
    assert len(model.checked_items()) == 1
    qtmodeltester.check(model)
    handover = HandoverTableModel(services.postal.waiting())
    handover.set_waybill(0, WAYBILLS[0])
    qtmodeltester.check(handover)
    services.postal.create_batch(codes, waybills={codes[0]: WAYBILLS[0]})
    model.set_items(services.postal.items(PostalState.HANDED_OVER))
    qtmodeltester.check(model)
