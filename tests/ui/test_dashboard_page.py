"""The head of office's dashboard (F5) on a crafted history: every tile's figure and the at-risk
list checked against values worked out by hand, the click-through to a row's dossiers, rights,
and the page fitting 1366×768 (tiles and trend without scrolling) and 1024×640.

The history (a real SQLite file, everything through the services, a fixed clock). Reporting
months run from the 15th (cut-offs): March 2026 is 15/02–14/03, February is 15/01–14/02.

- G  Mon 09/02 08:00, khai sinh (same day), result 09:00 the same day → on time (February).
- A  Mon 02/03 08:00, khai sinh (same day), result 10:00 → on time; returned, "rất hài lòng".
- B  Mon 02/03 08:00, chứng thực giao dịch (2 working days): due Wed 04/03 08:00; result
     Thu 05/03 09:00 → late; returned, "không hài lòng".
- C  Mon 02/03 08:00, tạm trú (3 working days): due Thu 05/03 08:00; handed to Công an phường,
     result Tue 03/03 → early; returned, "hài lòng".
- D  Mon 02/03 08:00, thường trú (7 working days): due Wed 11/03 08:00; handed to Công an
     phường, no result yet.
- F  Mon 02/03 08:00, khai sinh kết hợp (3 working days): due Thu 05/03 08:00, no result: overdue.
- E  Mon 09/03 08:00 by Lê Văn Cường, by post, lễ hội (5 working days): due Mon 16/03 08:00;
     handed to Phòng Văn hóa - Xã hội, no result yet.

The head of office looks on Tue 10/03/2026 09:00, the month of March 2026 (running).
"""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtWidgets import QApplication, QTableView

from tests.conftest import TEST_PASSWORD, make_draft
from tests.services.test_attachments import make_pdf
from tthc_desk.domain.clock import FixedClock
from tthc_desk.domain.dashboard import TileKind
from tthc_desk.domain.dossier import Channel, Person
from tthc_desk.domain.lifecycle import Move, Rating
from tthc_desk.domain.periods import PeriodKind
from tthc_desk.services.container import Services
from tthc_desk.services.lifecycle_service import MoveRequest
from tthc_desk.ui.dashboard_dossiers import DossierSetDialog
from tthc_desk.ui.dashboard_page import DashboardPage
from tthc_desk.ui.dossier_detail_dialog import DossierDetailDialog
from tthc_desk.ui.main_window import DASHBOARD, INTAKE, MainWindow
from tthc_desk.ui.tasks import TaskRunner

NOW = datetime(2026, 3, 10, 9, 0)  # Tuesday


def _person(name: str, n: int) -> Person:
    return Person(full_name=name, id_number=f"00119001230{n}", phone="0912345678")


@pytest.fixture
def history(services: Services, clock: FixedClock) -> dict[str, str]:
    moves = services.lifecycle
    codes: dict[str, str] = {}

    clock.set(datetime(2026, 2, 9, 8, 0))
    codes["G"] = services.dossiers.receive(make_draft(applicant=_person("Phạm Văn Giang", 7))).code
    clock.set(datetime(2026, 2, 9, 9, 0))
    moves.move(codes["G"], MoveRequest(Move.RESULT_READY))

    clock.set(datetime(2026, 3, 2, 8, 0))
    for key, procedure, name in (
        ("A", "1.001193", "Nguyễn Thị An"),
        ("B", "2.001035", "Trần Văn Bảo"),
        ("C", "1.004194", "Lê Thị Cúc"),
        ("D", "1.004222", "Hoàng Văn Dũng"),
        ("F", "1.000689", "Vũ Thị Phương"),
    ):
        draft = make_draft(procedure_code=procedure, applicant=_person(name, len(codes)))
        codes[key] = services.dossiers.receive(draft).code
    clock.set(datetime(2026, 3, 2, 9, 0))
    for key in ("C", "D"):
        moves.move(codes[key], MoveRequest(Move.HAND_OVER, unit="Công an phường"))
    clock.set(datetime(2026, 3, 2, 10, 0))
    moves.move(codes["A"], MoveRequest(Move.RESULT_READY))
    clock.set(datetime(2026, 3, 2, 11, 0))
    moves.move(codes["A"], MoveRequest(Move.RETURNED, rating=Rating.VERY_SATISFIED.value))
    clock.set(datetime(2026, 3, 3, 14, 0))
    moves.move(codes["C"], MoveRequest(Move.RESULT_READY, unit="Công an phường"))
    clock.set(datetime(2026, 3, 3, 15, 0))
    moves.move(codes["C"], MoveRequest(Move.RETURNED, rating=Rating.SATISFIED.value))
    clock.set(datetime(2026, 3, 5, 9, 0))
    moves.move(codes["B"], MoveRequest(Move.RESULT_READY))
    clock.set(datetime(2026, 3, 5, 10, 0))
    moves.move(codes["B"], MoveRequest(Move.RETURNED, rating=Rating.DISSATISFIED.value))

    services.accounts.login("cuong", TEST_PASSWORD)
    clock.set(datetime(2026, 3, 9, 8, 0))
    draft = make_draft(
        procedure_code="1.003622",
        applicant=_person("Đỗ Thị Em", 9),
        channel=Channel.POSTAL,
        postal_reference="RR123456785VN",
    )
    codes["E"] = services.dossiers.receive(draft).code
    clock.set(datetime(2026, 3, 9, 9, 0))
    moves.move(codes["E"], MoveRequest(Move.HAND_OVER, unit="Phòng Văn hóa - Xã hội"))

    services.accounts.login("an", TEST_PASSWORD)  # the head of office looks
    clock.set(NOW)
    due = {k: services.dossiers.get(c).due_at for k, c in codes.items()}
    assert due["B"] == datetime(2026, 3, 4, 8, 0)
    assert due["C"] == datetime(2026, 3, 5, 8, 0)
    assert due["D"] == datetime(2026, 3, 11, 8, 0)
    assert due["F"] == datetime(2026, 3, 5, 8, 0)
    assert due["E"] == datetime(2026, 3, 16, 8, 0)
    return codes


@pytest.fixture
def page(qtbot, services: Services, history: dict[str, str]) -> DashboardPage:  # type: ignore[no-untyped-def]
    page = DashboardPage(services, TaskRunner(synchronous=True))
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    page.refresh()
    return page


def _tile(page: DashboardPage, kind: TileKind) -> tuple[str, str, str, str]:
    t = page.tiles[kind]
    return (
        t.value_label.text(),
        t.target_label.text(),
        t.verdict_label.text(),
        t.change_label.text(),
    )


def test_the_month_is_chosen_and_its_moment_said(page: DashboardPage) -> None:
    assert page.kind is PeriodKind.MONTH and page.period().key == "2026-03"
    assert page.figures is not None
    text = page.as_of_label.text()
    assert "Tháng 03 năm 2026" in text and "09:00 ngày 10/03/2026" in text
    assert "so với Tháng 02 năm 2026" in text


def test_each_tile_against_the_hand_worked_figures(page: DashboardPage) -> None:
    # Settled in March: A (on time), B (late), C (early) = 3. February: G on time = 1 settled.
    # Early or on time: (1 + 1)/3 = 66,7 %, target > 95 % → not met; February 1/1 = 100 %:
    # 66,67 − 100 = −33,3 points.
    assert _tile(page, TileKind.ON_TIME) == (
        "66,7%",
        "Chỉ tiêu > 95,0% · 2/3",
        "✗ Chưa đạt",
        "▼ 33,3 điểm so với kỳ trước (100,0%)",
    )
    # Early: 1/3 = 33,3 %, target ≥ 60 %; February 0/1 = 0 % → +33,3 points.
    assert _tile(page, TileKind.EARLY) == (
        "33,3%",
        "Chỉ tiêu ≥ 60,0% · 1/3",
        "✗ Chưa đạt",
        "▲ 33,3 điểm so với kỳ trước (0,0%)",
    )
    # Late: B settled late, F overdue at the moment of looking = 2, no signed letter: 0/2.
    # February had no late dossier: nothing to compare with.
    assert _tile(page, TileKind.APOLOGISED) == (
        "0,0%",
        "Chỉ tiêu ≥ 100,0% · 0/2",
        "✗ Chưa đạt",
        "Kỳ trước: chưa có số liệu để so sánh",
    )
    # Ratings at the returns of A, B, C: very satisfied + satisfied = 2 of 3 = 66,7 % (> 90 %).
    assert _tile(page, TileKind.SATISFIED)[:3] == ("66,7%", "Chỉ tiêu > 90,0% · 2/3", "✗ Chưa đạt")
    # New in March: A, B, C, D, F direct and E by post = 6; online 0/6, by post 1/6 = 16,7 %.
    # February: G direct, 1 new → online 0/1 = 0 %, no change; postal 0 % → +16,7 points.
    assert _tile(page, TileKind.ONLINE) == (
        "0,0%",
        "0/6 hồ sơ",
        "Để theo dõi (không có chỉ tiêu)",
        "= không đổi so với kỳ trước",
    )
    assert _tile(page, TileKind.POSTAL_RECEIVED)[:2] == ("16,7%", "1/6 hồ sơ")
    assert _tile(page, TileKind.POSTAL_RECEIVED)[3].startswith("▲ 16,7 điểm")
    # Results returned in March: A, B, C at the counter, none by post: 0/3.
    assert _tile(page, TileKind.POSTAL_RETURNED)[:2] == ("0,0%", "0/3 hồ sơ")


def test_the_at_risk_list_most_at_risk_first(page: DashboardPage, history: dict[str, str]) -> None:
    # Running and due in the next 5 working days from Tue 10/03 09:00 (to Tue 17/03 09:00):
    # D (due Wed 11/03 08:00, within one working day: urgent) at Công an phường, and E (due
    # Mon 16/03 08:00) at Phòng Văn hóa - Xã hội. F is already overdue: not "will be late".
    model = page.at_risk_model
    rows = [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(2)]
    assert model.rowCount() == 2
    assert rows[0][:3] == ["Trong 1 ngày", "Công an phường", history["D"]]
    assert rows[0][5] == "11/03/2026 08:00"
    assert rows[1][:3] == ["", "Phòng Văn hóa - Xã hội", history["E"]]
    assert rows[1][5] == "16/03/2026 08:00"
    assert "2 hồ sơ chưa có kết quả" in page.at_risk_note.text()
    assert "1 hồ sơ hẹn trả trong 1 ngày làm việc" in page.at_risk_note.text()
    dialog = page.open_at_risk(0)
    assert isinstance(dialog, DossierDetailDialog)
    dialog.close()


def test_breakdowns_and_the_click_through(page: DashboardPage, history: dict[str, str]) -> None:
    # By field, the largest first, then by name: Cư trú (C early, D within) 2, Hộ tịch (A on
    # time, F overdue) 2, Chứng thực (B late) 1, Văn hóa (E within) 1.
    fields = page.breakdown_models[0]
    names = [fields.index(r, 0).data() for r in range(fields.rowCount())]
    assert names == ["Cư trú", "Hộ tịch", "Chứng thực", "Văn hóa"]
    assert [fields.index(0, c).data() for c in range(1, 8)] == [
        "2", "1", "0", "0", "1", "0", "100,0%"
    ]  # fmt: skip
    # By receiving clerk: Trần Thị Bình received 5 in March, Lê Văn Cường 1.
    clerks = page.breakdown_models[2]
    assert [(clerks.index(r, 0).data(), clerks.index(r, 1).data()) for r in range(2)] == [
        ("Trần Thị Bình", "5"),
        ("Lê Văn Cường", "1"),
    ]
    dialog = page.open_breakdown_row(0, 0)
    assert isinstance(dialog, DossierSetDialog)
    assert set(dialog.codes) == {history["C"], history["D"]}
    shown = {dialog.proxy.row_at(r).code for r in range(dialog.proxy.rowCount())}
    assert shown == {history["C"], history["D"]}
    assert "Cư trú" in dialog.heading.text() and "2 hồ sơ" in dialog.heading.text()
    detail = dialog.open_row(0)
    assert isinstance(detail, DossierDetailDialog)
    detail.close()
    dialog.close()
    # Late by responsible unit: B (settled late) and F (overdue).
    late = page.late_models[0]
    assert sum(int(late.index(r, 4).data()) for r in range(late.rowCount())) == 2


def test_charts_drawn_with_the_counts(page: DashboardPage) -> None:
    # The trend's last month is March: early 1, on time 1, late 1; February: on time 1.
    values = page.trend.values
    assert [v[-1] for v in values.values()] == [1, 1, 1]
    assert [v[-2] for v in values.values()] == [0, 1, 0]
    assert len(page.trend.chart().series()) == 1  # one stacked series of three sets
    assert page.satisfaction_chart.values == {
        "Rất hài lòng": [1],
        "Hài lòng": [1],
        "Không hài lòng": [1],
    }
    assert "3 lượt đánh giá / 3 kết quả đã trả" in page.satisfaction_note.text()
    assert "Trả kết quả qua bưu chính: 0/3 (0,0%)" in page.channel_note.text()


def test_766_points(page: DashboardPage) -> None:
    model = page.indicator_model
    rows = {model.index(r, 0).data(): r for r in range(model.rowCount())}
    on_time = rows["2.1 Hồ sơ đã và đang xử lý đúng hạn, trong hạn"]
    # 2.1: early + on time + pending within time (A, C, D, E) = 4 of the 6 received = 66,7 %;
    # 10 points at 100 % (no published target): 6,67 → 6,7 points, 3,3 lost.
    assert [model.index(on_time, c).data() for c in range(1, 6)] == [
        "66,7%", "—", "10,0", "6,7", "3,3"
    ]  # fmt: skip
    assert "Điểm các chỉ số tính được" in page.score_label.text()


def _indicator_rows(page: DashboardPage) -> dict[str, list[str]]:
    model = page.indicator_model
    return {
        model.index(r, 0).data(): [model.index(r, c).data() for c in range(1, 7)]
        for r in range(model.rowCount())
    }


def test_766_digitisation_without_scans_then_with(
    qtbot, services: Services, history: dict[str, str], clock: FixedClock
) -> None:  # type: ignore[no-untyped-def]
    """No scan in the office: 4.1–4.4 say they cannot be computed. Then on Tue 03/03 12:00: A's
    two papers and its result scanned, C's result scanned. Of the 6 dossiers received in March
    (A, B, C, D, F, E), A, B and C have their result: 4.1 = 2/3 = 66,7 % → 6 × 2/3 = 4,0
    points (no published target: full points at 100 %), 2,0 lost; 4.2 (papers and result) = A
    alone, 1/3 = 33,3 % of an 80 % target → 4 × (1/3) / 0,8 = 1,7, 2,3 lost; 4.3 = 0/6 → 0,0
    of 2; 4.4 is the national portal's."""
    page = DashboardPage(services, TaskRunner(synchronous=True))
    qtbot.addWidget(page)
    page.refresh()
    no_scans = "Không tính được từ dữ liệu của bộ phận: hồ sơ chưa lưu bản quét, kết quả điện tử"
    rows = _indicator_rows(page)
    assert rows["4.1 Hồ sơ có kết quả điện tử hợp lệ"] == [
        "—", "—", "6,0", "—", "—", no_scans
    ]  # fmt: skip
    assert rows["4.3 Hồ sơ tái sử dụng dữ liệu số"][5] == no_scans

    services.accounts.login("binh", TEST_PASSWORD)
    clock.set(datetime(2026, 3, 3, 12, 0))
    scans = services.attachments
    for n in (1, 2):
        scans.attach_paper(history["A"], n, make_pdf(f"A {n}"))
    for key in ("A", "C"):
        scans.attach_result(history[key], make_pdf(f"{key} kết quả"))
    services.accounts.login("an", TEST_PASSWORD)
    clock.set(NOW)
    page.refresh()
    rows = _indicator_rows(page)
    assert rows["4.1 Hồ sơ có kết quả điện tử hợp lệ"] == [
        "66,7%", "—", "6,0", "4,0", "2,0", ""
    ]  # fmt: skip
    assert rows["4.2 Hồ sơ số hóa thành phần và kết quả"] == [
        "33,3%", "80,0%", "4,0", "1,7", "2,3", ""
    ]  # fmt: skip
    assert rows["4.3 Hồ sơ tái sử dụng dữ liệu số"] == [
        "0,0%", "80,0%", "2,0", "0,0", "2,0", ""
    ]  # fmt: skip
    store = rows["4.4 Hồ sơ kết nối kho dữ liệu cá nhân"]
    assert store[3] == "—" and store[5].startswith("Ghi nhận trên Cổng Dịch vụ công quốc gia")


@pytest.fixture
def window(qtbot, services: Services, history: dict[str, str]) -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(services, TaskRunner(synchronous=True))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def _settle() -> None:
    for _ in range(3):
        QApplication.processEvents()


@pytest.mark.parametrize("size", [(1366, 768), (1024, 640)], ids=["1366x768", "1024x640"])
def test_f5_opens_it_and_it_fits(window: MainWindow, size: tuple[int, int], tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tthc_desk.ui.app import pick_ui_font

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    default = app.font()
    app.setFont(pick_ui_font(default))  # the font the application really uses
    try:
        _fits(window, size, tmp_path)
    finally:
        app.setFont(default)


def _fits(window: MainWindow, size: tuple[int, int], tmp_path) -> None:  # type: ignore[no-untyped-def]
    window.resize(*size)
    window.dashboard_action.trigger()  # F5
    _settle()
    assert window.pages.currentIndex() == DASHBOARD
    page = window.dashboard
    assert page.figures is not None
    window.grab().save(str(tmp_path / f"dashboard-{size[0]}.png"))
    scroll = page.scroll_area
    assert (
        scroll.horizontalScrollBar().maximum() == 0 or not scroll.horizontalScrollBar().isVisible()
    )
    body = scroll.widget()
    assert body.width() <= scroll.viewport().width()
    if size == (1366, 768):  # tiles and trend visible without scrolling
        bottom = page.trend.mapTo(body, page.trend.rect().bottomLeft()).y()
        assert bottom <= scroll.viewport().height(), (bottom, scroll.viewport().height())
    for view in body.findChildren(QTableView):
        if view.isVisibleTo(body):
            shown = sum(view.columnWidth(c) for c in range(view.model().columnCount()))
            assert shown <= view.viewport().width() + 1, view.objectName()
    window.dashboard_action.trigger()  # F5 again: loads afresh, stays
    assert window.pages.currentIndex() == DASHBOARD


def test_a_clerk_cannot_open_it(qtbot, services: Services, history: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    services.accounts.login("cuong", TEST_PASSWORD)
    window = MainWindow(services, TaskRunner(synchronous=True))
    qtbot.addWidget(window)
    window.show()
    assert not window.dashboard_action.isEnabled()
    item = window.nav.item(DASHBOARD)
    assert item is not None and not item.flags() & item.flags().ItemIsEnabled
    assert item.toolTip() == "Chỉ Lãnh đạo hoặc Quản trị được xem trang tổng quan"
    window.show_dashboard()
    assert window.pages.currentIndex() == INTAKE


def test_the_briefing_opens_in_the_print_preview(  # type: ignore[no-untyped-def]
    qtbot, page: DashboardPage, tmp_path
) -> None:
    import subprocess

    from tthc_desk.ui.print_preview import ReceiptDialog

    assert page.brief_button.isEnabled()  # the head of office builds reports
    page.brief_button.click()
    dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, ReceiptDialog)]
    assert len(dialogs) == 1
    dialog = dialogs[0]
    qtbot.addWidget(dialog)
    assert dialog.file_name.startswith("bao-cao-tom-tat-") and dialog.file_name.endswith(".pdf")
    saved = dialog.save_pdf(tmp_path / "brief.pdf")
    assert saved is not None
    text = subprocess.run(
        ["pdftotext", "-layout", str(saved), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "BÁO CÁO TÓM TẮT" in text
    # The on-time tile of the hand-worked March: 2 of 3 settled early or on time (A, C; B late).
    assert "66,7% (2/3)" in text
