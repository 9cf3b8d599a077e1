"""The dossier list: lazy model, accentless search, filters, detail, correction history."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import QPoint, Qt

from tests.conftest import make_draft
from tests.ui.keys import press, type_text
from tthc_desk.domain.clock import FixedClock
from tthc_desk.domain.dossier import Person, Status
from tthc_desk.services.container import Services
from tthc_desk.services.dossier_search import DossierQuery, SortKey
from tthc_desk.ui.dossier_list_page import DossierListPage
from tthc_desk.ui.dossier_table_model import DossierSortProxy, DossierTableModel
from tthc_desk.ui.tasks import TaskRunner

PEOPLE = [
    Person("Nguyễn Thị Hồng Nhung", "001190012345", phone="0912345678"),
    Person("Trần Văn Đức", "036085001234", phone="0987654321"),
    Person("Lê Hoàng Nam", "001095004321", phone="0903111222"),
]


@pytest.fixture
def received(services: Services, clock: FixedClock) -> list[str]:
    codes = []
    for i, person in enumerate(PEOPLE):
        clock.set(datetime(2026, 3, 2, 8, 10 + i))
        code = "1.001193" if i != 2 else "1.004194"  # khai sinh ×2, tạm trú
        codes.append(
            services.dossiers.receive(make_draft(applicant=person, procedure_code=code)).code
        )
    return codes


@pytest.fixture
def page(qtbot, services: Services, received: list[str]) -> DossierListPage:  # type: ignore[no-untyped-def]
    runner = TaskRunner(synchronous=True)
    page = DossierListPage(services, runner)
    page._test_runner = runner
    qtbot.addWidget(page)
    page.resize(1300, 700)
    page.show()
    qtbot.waitExposed(page)
    return page


def shown_codes(page: DossierListPage) -> list[str]:
    return [page.model.row_at(r).code for r in range(page.model.rowCount())]


def search_for(qtbot, page: DossierListPage, text: str) -> None:  # type: ignore[no-untyped-def]
    page.search_edit.clear()
    type_text(page.search_edit, text)
    qtbot.waitUntil(lambda: page.model.query.text == text, timeout=2000)


def test_models_pass_the_qt_model_tester(
    qtmodeltester, services: Services, received: list[str]
) -> None:  # type: ignore[no-untyped-def]
    model = DossierTableModel(services.dossiers.search, services.clock.now, page_size=2)
    model.load(DossierQuery())
    qtmodeltester.check(model)
    proxy = DossierSortProxy()
    proxy.setSourceModel(model)
    proxy.sort(1, Qt.SortOrder.AscendingOrder)
    qtmodeltester.check(proxy)


def test_rows_are_fetched_lazily_page_by_page(services: Services, received: list[str]) -> None:
    model = DossierTableModel(services.dossiers.search, services.clock.now, page_size=2)
    model.load(DossierQuery())
    assert model.rowCount() == 2 and model.canFetchMore()
    assert model.row_at(0).code == received[-1]  # newest first
    model.fetchMore()
    assert model.rowCount() == 3 and not model.canFetchMore()
    assert [model.index(r, 0).data() for r in range(3)] == list(reversed(received))
    assert model.index(0, 6).data() == "02/03/2026 08:12"
    assert model.index(0, 8).data() == "Mới tiếp nhận"
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Mã hồ sơ"


def test_search_as_you_type_by_accentless_name_code_and_id(
    qtbot, page: DossierListPage, received: list[str]
) -> None:  # type: ignore[no-untyped-def]
    assert shown_codes(page) == list(reversed(received))
    assert page.count_label.text() == "3 hồ sơ mới nhất"
    search_for(qtbot, page, "nguyen thi hong")
    assert shown_codes(page) == [received[0]]
    assert page.count_label.text() == "Tìm thấy 1 hồ sơ"
    search_for(qtbot, page, "tran van duc")  # đ typed as d
    assert shown_codes(page) == [received[1]]
    search_for(qtbot, page, received[2])
    assert shown_codes(page) == [received[2]]
    search_for(qtbot, page, "036085001234")
    assert shown_codes(page) == [received[1]]
    search_for(qtbot, page, "tam tru")
    assert shown_codes(page) == [received[2]]
    search_for(qtbot, page, "khong co ai")
    assert shown_codes(page) == [] and page.count_label.text() == "Không tìm thấy hồ sơ nào."


def test_filters_by_status_field_and_period(
    qtbot, page: DossierListPage, received: list[str]
) -> None:  # type: ignore[no-untyped-def]
    page.status_combo.setCurrentIndex(page.status_combo.findData(Status.RETURNED.value))
    assert shown_codes(page) == []
    page.status_combo.setCurrentIndex(page.status_combo.findData(Status.RECEIVED.value))
    assert len(shown_codes(page)) == 3
    page.field_combo.setCurrentIndex(page.field_combo.findData("Cư trú"))
    assert shown_codes(page) == [received[2]]
    page.field_combo.setCurrentIndex(0)
    page.period_combo.setCurrentIndex(page.period_combo.findData("today"))
    assert len(shown_codes(page)) == 3
    page.period_combo.setCurrentIndex(page.period_combo.findData("range"))
    assert page.date_from.isVisible()
    page.date_from.setDate(page.date_to.date().addDays(1))
    assert shown_codes(page) == []


def click_header(qtbot, page: DossierListPage, column: int) -> None:  # type: ignore[no-untyped-def]
    header = page.view.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))


def names(page: DossierListPage) -> list[str]:
    return [page.model.row_at(r).applicant_name for r in range(page.model.rowCount())]


def test_clicking_a_header_sorts_through_the_service(
    qtbot, qtmodeltester, page: DossierListPage, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    asked: list[DossierQuery] = []
    search = page._services.dossiers.search
    monkeypatch.setattr(page._services.dossiers, "search", lambda q: asked.append(q) or search(q))
    page.view.selectRow(1)  # Trần Văn Đức
    click_header(qtbot, page, 1)
    assert [(q.order_by, q.descending) for q in asked] == [(SortKey.APPLICANT, False)]
    # by given name: Đức, Nam, Nhung (đ as d)
    assert names(page) == ["Trần Văn Đức", "Lê Hoàng Nam", "Nguyễn Thị Hồng Nhung"]
    assert page.selected_code() == page.model.row_at(0).code  # the same dossier, still chosen
    assert page.count_label.text() == "3 hồ sơ đầu tiên theo “Người nộp”"
    qtmodeltester.check(page.model)
    click_header(qtbot, page, 1)
    assert names(page) == ["Nguyễn Thị Hồng Nhung", "Lê Hoàng Nam", "Trần Văn Đức"]
    assert asked[-1].descending and page.selected_code() == page.model.row_at(2).code
    click_header(qtbot, page, 1)  # a third click: newest first again
    assert asked[-1].order_by is None and page.count_label.text() == "3 hồ sơ mới nhất"
    assert names(page) == ["Lê Hoàng Nam", "Trần Văn Đức", "Nguyễn Thị Hồng Nhung"]
    click_header(qtbot, page, 4)  # the procedure: "đăng ký tạm trú" before "thủ tục …"
    assert names(page)[0] == "Lê Hoàng Nam"
    # a search keeps the order the header shows
    page.sort_by(SortKey.APPLICANT, descending=True)
    search_for(qtbot, page, "n")
    assert asked[-1].order_by is SortKey.APPLICANT and asked[-1].text == "n"
    assert names(page) == ["Nguyễn Thị Hồng Nhung", "Lê Hoàng Nam"]
    click_header(qtbot, page, 8)  # a filtered list sorted again is counted again
    assert page.count_label.text() == "Tìm thấy 2 hồ sơ"


def test_scrolling_on_loads_the_next_pages_in_the_order_off_the_gui_thread(
    services: Services, received: list[str]
) -> None:
    pending: list[tuple[object, object]] = []
    model = DossierTableModel(
        services.dossiers.search,
        services.clock.now,
        page_size=2,
        fetch=lambda work, done: pending.append((work, done)),
    )
    model.load(DossierQuery(order_by=SortKey.APPLICANT))
    assert [model.row_at(r).applicant_name for r in range(2)] == ["Trần Văn Đức", "Lê Hoàng Nam"]
    model.fetchMore()
    assert model.rowCount() == 2 and not model.canFetchMore()  # asked, not yet answered
    work, done = pending.pop()
    done(work())  # type: ignore[operator]
    assert model.row_at(2).applicant_name == "Nguyễn Thị Hồng Nhung"
    assert model.rowCount() == 3 and not model.canFetchMore()
    # a page answered after the rows were replaced is dropped
    model.load(DossierQuery(order_by=SortKey.APPLICANT, descending=True))
    model.fetchMore()
    work, done = pending.pop()
    model.load(DossierQuery())
    done(work())  # type: ignore[operator]
    assert model.rowCount() == 2 and model.row_at(0).code == received[-1]


def test_enter_opens_detail_and_a_correction_shows_in_the_history(
    qtbot, page: DossierListPage, services: Services, received: list[str]
) -> None:  # type: ignore[no-untyped-def]
    search_for(qtbot, page, "nguyen thi hong")
    page.view.setFocus()
    page.view.setCurrentIndex(page.model.index(0, 0))
    press(page.view, Qt.Key.Key_Return)
    detail = page.detail_dialog
    assert detail is not None and detail.isVisible()
    assert detail.code_label.text() == received[0]
    assert detail.history_rows() == []

    correction = detail.open_correction()
    correction.edits["applicant_phone"].clear()
    type_text(correction.edits["applicant_phone"], "0911222333")
    assert correction.changes() == {"applicant_phone": "0911222333"}
    correction.submit()
    assert "lý do" in correction.field_errors.messages()["reason"]  # the reason is mandatory
    assert services.dossiers.get(received[0]).applicant.phone == "0912345678"
    type_text(correction.reason, "Người nộp đọc nhầm số điện thoại")
    correction.submit()
    assert not correction.isVisible()

    assert services.dossiers.get(received[0]).applicant.phone == "0911222333"
    history = detail.history_rows()
    assert len(history) == 1
    at, by, field, change, reason = history[0]
    assert field == "Số điện thoại" and change == "0912345678 → 0911222333"
    assert reason == "Người nộp đọc nhầm số điện thoại" and by == "Trần Thị Bình"  # logged in
    assert at == "08:12 02/03/2026"  # the clock as the fixture left it
    # The list followed the change: the new number finds the dossier.
    search_for(qtbot, page, "0911222333")
    assert shown_codes(page) == [received[0]]


def test_correction_refuses_a_bad_phone_inline(
    qtbot, page: DossierListPage, services: Services, received: list[str]
) -> None:  # type: ignore[no-untyped-def]
    detail = page.open_code(received[1])
    correction = detail.open_correction()
    correction.set_value("applicant_phone", "12345")
    type_text(correction.reason, "Sửa số điện thoại")
    correction.submit()
    assert "10 chữ số" in correction.field_errors.messages()["applicant_phone"]
    assert correction.isVisible()
    assert services.dossiers.get(received[1]).corrections == ()


def test_reprint_from_the_detail_dialog(
    qtbot, page: DossierListPage, received: list[str], tmp_path
) -> None:  # type: ignore[no-untyped-def]
    detail = page.open_code(received[0])
    detail.reprint_button.click()
    dialog = detail.receipt_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.save_pdf(tmp_path / "again.pdf").read_bytes().startswith(b"%PDF")
