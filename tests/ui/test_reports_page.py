"""The reports page: choose a period, see Biểu 06a and the targets, save the workbook."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.conftest import make_draft
from tests.services.test_attachments import make_pdf
from tthc_desk.domain.clock import FixedClock
from tthc_desk.domain.lifecycle import Move
from tthc_desk.domain.periods import PeriodKind
from tthc_desk.services.container import Services
from tthc_desk.services.lifecycle_service import MoveRequest
from tthc_desk.ui.reports_page import Report06aTableModel, ReportsPage
from tthc_desk.ui.tasks import TaskRunner


@pytest.fixture
def page(qtbot, services: Services, clock: FixedClock) -> ReportsPage:  # type: ignore[no-untyped-def]
    on_time = services.dossiers.receive(make_draft()).code  # Mon 02/03 08:00, same day
    late = services.dossiers.receive(
        make_draft(procedure_code="2.001035")
    ).code  # due Wed 04/03 08:00
    clock.set(datetime(2026, 3, 2, 10, 0))
    services.lifecycle.move(on_time, MoveRequest(Move.RESULT_READY))
    clock.set(datetime(2026, 3, 5, 9, 0))
    services.lifecycle.move(late, MoveRequest(Move.RESULT_READY))
    clock.set(datetime(2026, 3, 10, 9, 0))  # Tuesday of the next week
    page = ReportsPage(services, TaskRunner(synchronous=True))
    qtbot.addWidget(page)
    page.show()
    return page


def test_last_week_is_offered_first_and_its_figures_shown(page: ReportsPage) -> None:
    assert page.kind is PeriodKind.WEEK
    assert page.period().key == "2026-W10"  # the last full week, not the running one
    page.build()
    assert "Tuần 10/2026" in page.heading.text()
    model = page.model
    assert model.rowCount() == 3  # Chứng thực, Hộ tịch, total
    total = [model.data(model.index(2, c)) for c in range(model.columnCount())]
    assert total == ["Tổng cộng", "2", "0", "2", "0", "2", "0", "1", "1", "0", "0", "0"]
    assert (
        "Hồ sơ giải quyết trước hạn và đúng hạn: 50,0% (1/2; chỉ tiêu > 95,0%) – chưa đạt"
        in page.targets_label.text()
    )
    assert "Hồ sơ quá hạn: 1, trong đó có phiếu xin lỗi: 0" in page.targets_label.text()
    assert page.status_label.text() == "Các đẳng thức của Biểu 06a đều đúng."


def test_the_digitisation_block_of_the_week(
    page: ReportsPage, services: Services, clock: FixedClock, tmp_path: Path
) -> None:
    """The two dossiers of week 10 have their result; the khai sinh's two papers and its result
    are scanned on 03/03, the chứng thực has no scan: every paper 1/2, e-result 1/2, both 1/2,
    no scan 1/2. A scan made today (10/03, after the week) changes nothing."""
    page.build()
    text = page.digitised_label.text()
    assert "<b>Số hóa</b>" in text and "Bộ phận chưa lưu bản số hóa nào." in text
    assert "Hồ sơ tiếp nhận trong kỳ: 2" in text
    assert "Chưa có bản số hóa nào: 2/2 (100,0%)" in text

    agency = services.settings.office().agency_id
    khai_sinh, other = (f"{agency}-260302-000{n}" for n in (1, 2))  # received in this order
    clock.set(datetime(2026, 3, 3, 9, 0))
    for n in (1, 2):
        services.attachments.attach_paper(khai_sinh, n, make_pdf(f"giấy tờ {n}"))
    services.attachments.attach_result(khai_sinh, make_pdf("kết quả"))
    clock.set(datetime(2026, 3, 10, 9, 0))
    services.attachments.attach_paper(other, 1, make_pdf("quét sau tuần"))
    page.build()
    lines = page.digitised_label.text().split("<br>")
    assert lines[1:] == [
        "Hồ sơ tiếp nhận trong kỳ: 2",
        "Số hóa đủ các giấy tờ đã nộp: 1/2 (50,0%)",
        "Đã có kết quả giải quyết: 2/2 (100,0%)",
        "Có kết quả điện tử (4.1), trên số hồ sơ đã có kết quả: 1/2 (50,0%)",
        "Số hóa thành phần và kết quả (4.2), trên số hồ sơ đã có kết quả: 1/2 (50,0%)",
        "Tái sử dụng giấy tờ đã số hóa (4.3): 0/2 (0,0%)",
        "Chưa có bản số hóa nào: 1/2 (50,0%)",
    ]
    # Another period chosen and saved (a quarter: no Số hóa sheet): not last week's figures.
    page.set_kind(PeriodKind.QUARTER)
    page.save_to(tmp_path / "quy.xlsx")
    assert page.digitised_label.text() == ""


def test_save_the_weekly_workbook_and_a_quarter(page: ReportsPage, tmp_path: Path) -> None:
    page.save_to(tmp_path / "tuan")
    assert page.saved_path == tmp_path / "tuan.xlsx" and page.open_button.isEnabled()
    assert load_workbook(page.saved_path).sheetnames[0] == "Tổng hợp"
    page.set_kind(PeriodKind.QUARTER)
    assert page.period().key == "2026-Q1"
    page.save_to(tmp_path / "quy.xlsx")
    assert load_workbook(tmp_path / "quy.xlsx").sheetnames == ["Tổng hợp", "Thông tin"]
    # NGƯỜI LẬP BIỂU: the clerk logged in, as the CLI names its --user.
    sheet = load_workbook(tmp_path / "quy.xlsx")["Tổng hợp"]
    column_b = [sheet.cell(r, 2).value for r in range(1, sheet.max_row + 1)]
    maker = column_b.index("NGƯỜI LẬP BIỂU")
    assert "Trần Thị Bình" in column_b[maker + 1 :]
    assert page.default_file_name(page.period()) == "000.17.22.H56_06a_quy_2026-Q1.xlsx"


def test_a_custom_range_backwards_is_refused_inline(page: ReportsPage) -> None:
    page.set_kind(PeriodKind.CUSTOM)
    page.from_edit.setDate(date(2026, 3, 9))
    page.to_edit.setDate(date(2026, 3, 1))
    page.build()
    assert page.error.text() == "Ngày cuối phải từ ngày đầu trở đi: sửa lại khoảng thời gian."
    assert page.report is None


def test_model_passes_the_qt_model_tester(qtmodeltester, page: ReportsPage) -> None:  # type: ignore[no-untyped-def]
    page.build()
    model = Report06aTableModel()
    model.set_report(page.report)
    qtmodeltester.check(model)


def test_queue_the_saved_workbook_then_the_upload_page_sends_it(
    page: ReportsPage, services: Services, tmp_path: Path
) -> None:
    from tthc_desk.domain.destinations import Destination, DestinationKind

    page.save_to(tmp_path / "tuan.xlsx")
    page.queue_saved()
    assert "vào hàng chờ gửi (phiên bản 1)" in page.status_label.text()
    [item] = services.outbox.items()
    assert item.period_key == "2026-W10" and item.office_id == "000.17.22.H56"
    page.queue_saved()  # the same file again: nothing new
    assert len(services.outbox.items()) == 1
    province = tmp_path / "tinh"
    province.mkdir()
    services.outbox.save_destination(Destination(kind=DestinationKind.FOLDER, folder=str(province)))
    results = services.outbox.send_due()
    assert [r.sent for r in results] == [True]
    assert [p.name for p in province.iterdir()] == [item.file_name]


def test_the_main_window_builds_and_sends_last_weeks_report_on_its_own(
    qtbot, services: Services, clock: FixedClock, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from tthc_desk.domain.destinations import Destination, DestinationKind
    from tthc_desk.ui.main_window import OUTBOX, REPORTS, MainWindow

    services.dossiers.receive(make_draft())
    province = tmp_path / "tinh"
    province.mkdir()
    services.outbox.save_destination(Destination(kind=DestinationKind.FOLDER, folder=str(province)))
    clock.set(datetime(2026, 3, 9, 8, 0))  # Monday: last week's report is due
    window = MainWindow(services, TaskRunner(synchronous=True))
    qtbot.addWidget(window)
    window.start_attention()
    [item] = services.outbox.items()
    assert item.sent_at is not None and [p.name for p in province.iterdir()] == [item.file_name]
    assert item.period_key == "2026-W10"
    assert (services.paths.reports_dir / "000.17.22.H56_tuan_2026-W10.xlsx").exists()
    window.run_report_schedule()  # an hour later: nothing new
    assert len(services.outbox.items()) == 1
    window.reports_action.trigger()
    assert window.pages.currentIndex() == REPORTS
    window.outbox_action.trigger()
    assert window.pages.currentIndex() == OUTBOX
