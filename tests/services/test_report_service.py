"""Biểu 06a figures on a crafted history whose numbers were worked out by hand.

The week reported is 2026-W10: Monday 02/03 – Sunday 08/03/2026, figures as of 09/03 00:00.

Carried over from before the week (received in W09, not settled by 02/03):
  A  Hộ tịch 3 wd, received Thu 26/02 09:00, due Tue 03/03 09:00, result Mon 02/03 → early
  B  Chứng thực 2 wd, received Fri 27/02 10:00, due Tue 03/03 10:00, letter signed on the due day
     (too late to move it), result Wed 04/03 → late, with a letter
  D  Hộ tịch 5 wd, received Mon 23/02 08:00, due Mon 02/03 08:00, still running → overdue
  E  Hộ tịch 5 wd, received Thu 26/02 08:00, supplement asked Fri 27/02, never back → within
Settled before the week, so not in it:
  C  Hộ tịch 5 wd, received Wed 25/02, result Fri 27/02
Received in the week:
  F  Hộ tịch same day, direct, Mon 02/03 08:30, result 11:00 → on time
  G  Hộ tịch same day, online, Tue 03/03 09:00, result Wed 04/03 08:00 → late, no letter
  H  Hộ tịch same day, by post, Thu 05/03 09:00, still running at the end → overdue
  I  Chứng thực 2 wd, direct, Thu 05/03 14:00, due Mon 09/03 14:00 → within at the end
  J  Hộ tịch 5 wd, direct, Mon 02/03 09:00, withdrawn Tue 03/03 → counted settled on time
  K  Hộ tịch 3 wd, direct, Mon 02/03 10:00, supplement Tue 03/03, back Wed 04/03 10:00 (clock
     restarts: due Mon 09/03 10:00) → within at the end
  M  Chứng thực 2 wd, direct, Mon 02/03 08:00, due Wed 04/03 08:00, re-appointed in time on Tue
     03/03 to Fri 06/03, result Thu 05/03 → early against the extended date
Received after the week: N (Mon 09/03) is not in it.

Expected (received total/online/direct+post/carried; settled total/early/on time/late; pending
total/within/overdue):
  Chứng thực  3 / 0 / 2 / 1 ; 2 / 1 / 0 / 1 ; 1 / 1 / 0          (B, I, M)
  Hộ tịch     8 / 1 / 4 / 3 ; 4 / 1 / 2 / 1 ; 4 / 2 / 2          (A, D, E, F, G, H, J, K)
  Total      11 / 1 / 6 / 4 ; 6 / 2 / 2 / 2 ; 5 / 3 / 2
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.conftest import make_draft, sign_as
from tthc_desk.domain.clock import FixedClock
from tthc_desk.domain.dossier import Channel, ReturnMethod
from tthc_desk.domain.lifecycle import Move
from tthc_desk.domain.periods import PeriodKind
from tthc_desk.domain.report import Outcome
from tthc_desk.exporting.report_xlsx import (
    DETAIL,
    DIGITISED,
    INFO,
    LATE,
    NUMBERS_ROW,
    POSTAL,
    SUMMARY,
    TARGETS,
)
from tthc_desk.presentation import label
from tthc_desk.services.apology_service import LetterEdit
from tthc_desk.services.container import Services
from tthc_desk.services.lifecycle_service import MoveRequest

HO_TICH_SAME_DAY, HO_TICH_3, HO_TICH_5, CHUNG_THUC_2 = (
    "1.001193",
    "1.004873",
    "1.004772",
    "2.001035",
)
EXPECTED = {
    "Chứng thực": (3, 0, 2, 1, 2, 1, 0, 1, 1, 1, 0),
    "Hộ tịch": (8, 1, 4, 3, 4, 1, 2, 1, 4, 2, 2),
    "Tổng cộng": (11, 1, 6, 4, 6, 2, 2, 2, 5, 3, 2),
}


def at(day: int, month: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute)


class History:
    def __init__(self, services: Services, clock: FixedClock) -> None:
        self.s, self.clock = services, clock
        self.codes: dict[str, str] = {}

    def receive(self, name: str, procedure: str, when: datetime, **kw: object) -> str:
        self.clock.set(when)
        self.codes[name] = self.s.dossiers.receive(make_draft(procedure_code=procedure, **kw)).code
        return self.codes[name]

    def move(self, name: str, move: Move, when: datetime, **kw: object) -> None:
        self.clock.set(when)
        self.s.lifecycle.move(self.codes[name], MoveRequest(move, **kw))

    def letter(self, name: str, when: datetime, proposed: datetime | None = None) -> None:
        self.clock.set(when)
        letter = self.s.apologies.draft(
            self.codes[name], LetterEdit("Cơ quan phối hợp chậm trả lời", proposed_due_at=proposed)
        )
        sign_as(self.s, "an", letter.id)


@pytest.fixture
def history(services: Services, clock: FixedClock) -> History:
    h = History(services, clock)
    # Before the week, in time order.
    h.receive("D", HO_TICH_5, at(23, 2, 8))
    h.receive("C", HO_TICH_5, at(25, 2, 8))
    h.receive("A", HO_TICH_3, at(26, 2, 9))
    h.move("A", Move.HAND_OVER, at(26, 2, 10))
    h.receive("E", HO_TICH_5, at(26, 2, 8, 30))
    h.receive("B", CHUNG_THUC_2, at(27, 2, 10))
    h.move("E", Move.SUPPLEMENT, at(27, 2, 9), reason="Thiếu giấy chứng sinh")
    h.move("C", Move.RESULT_READY, at(27, 2, 15))
    h.move("D", Move.HAND_OVER, at(27, 2, 16))
    # The week.
    h.receive("M", CHUNG_THUC_2, at(2, 3, 8))
    h.receive("F", HO_TICH_SAME_DAY, at(2, 3, 8, 30))
    h.receive("J", HO_TICH_5, at(2, 3, 9))
    h.receive("K", HO_TICH_3, at(2, 3, 10))
    h.move("F", Move.RESULT_READY, at(2, 3, 11))
    h.move("A", Move.RESULT_READY, at(2, 3, 14))
    h.letter("M", at(3, 3, 8), proposed=at(6, 3, 17))  # one working day before 04/03: counts
    h.letter("B", at(3, 3, 8, 10), proposed=at(5, 3, 17))  # on the due day itself: too late
    h.receive("G", HO_TICH_SAME_DAY, at(3, 3, 9), channel=Channel.ONLINE)
    h.move("K", Move.SUPPLEMENT, at(3, 3, 9, 30), reason="Thiếu tờ khai")
    h.move("J", Move.WITHDRAWN, at(3, 3, 10), reason="Người nộp xin rút hồ sơ")
    h.move("G", Move.RESULT_READY, at(4, 3, 8))
    h.move("B", Move.RESULT_READY, at(4, 3, 9))
    h.move("K", Move.SUPPLEMENTED, at(4, 3, 10))
    h.receive(
        "H",
        HO_TICH_SAME_DAY,
        at(5, 3, 9),
        channel=Channel.POSTAL,
        postal_reference="RR123456785VN",
        return_method=ReturnMethod.POSTAL,
        return_address="Số 5 ngõ 12 phố Đông Các, phường Đồng Nguyên",
    )
    h.move("M", Move.RESULT_READY, at(5, 3, 10))
    h.receive("I", CHUNG_THUC_2, at(5, 3, 14))
    # After the week.
    h.receive("N", HO_TICH_SAME_DAY, at(9, 3, 8))
    h.clock.set(at(9, 3, 8, 30))
    return h


def table(report) -> dict[str, tuple[int, ...]]:  # type: ignore[no-untyped-def]
    return {r.field: r.values() for r in [*report.rows, report.total]}


def test_the_week_gives_the_figures_worked_out_by_hand(
    services: Services, history: History
) -> None:
    report = services.reports.compute(services.reports.week("2026-W10"))
    assert report.period.start.isoformat() == "2026-03-02" and report.as_of == at(9, 3, 0)
    assert table(report) == EXPECTED
    assert all(r.identities_hold() for r in [*report.rows, report.total])
    by_code = {d.code: d for d in report.dossiers}
    outcome = {
        name: by_code[code].outcome for name, code in history.codes.items() if code in by_code
    }
    assert outcome == {
        "A": Outcome.EARLY,
        "B": Outcome.LATE,
        "D": Outcome.OVERDUE,
        "E": Outcome.WITHIN,
        "F": Outcome.ON_TIME,
        "G": Outcome.LATE,
        "H": Outcome.OVERDUE,
        "I": Outcome.WITHIN,
        "J": Outcome.ON_TIME,
        "K": Outcome.WITHIN,
        "M": Outcome.EARLY,
    }
    assert {n for n, c in history.codes.items() if by_code.get(c) and by_code[c].carried_over} == {
        "A",
        "B",
        "D",
        "E",
    }
    late = {d.code: d.letter_number for d in report.late}
    # M's letter was signed first (01), B's second; G, D and H have none.
    assert late == {
        history.codes["B"]: "02/2026/PXL",
        history.codes["G"]: "",
        history.codes["D"]: "",
        history.codes["H"]: "",
    }
    assert report.extra.late_total == 4 and report.extra.late_with_letter == 1
    assert report.extra.received_total == 7 and report.extra.received_postal == 1
    targets = {label(t.kind): (t.numerator, t.denominator, t.met) for t in report.targets}
    assert targets["Hồ sơ giải quyết trước hạn và đúng hạn"] == (4, 6, False)
    assert targets["Hồ sơ quá hạn có phiếu xin lỗi"] == (1, 4, False)


def test_rebuilding_after_later_events_gives_the_same_figures(
    services: Services, history: History, tmp_path: Path
) -> None:
    week = services.reports.week("2026-W10")
    first = services.reports.write_weekly(week, tmp_path / "first.xlsx")
    # The next week: results arrive, the supplement comes back, a late letter is signed.
    history.move("K", Move.HAND_OVER, at(10, 3, 8))
    history.move("K", Move.RESULT_READY, at(10, 3, 9))
    history.move("E", Move.SUPPLEMENTED, at(10, 3, 10))
    history.move("D", Move.RESULT_READY, at(10, 3, 11))
    history.letter("H", at(10, 3, 14))
    history.move("I", Move.RESULT_READY, at(11, 3, 9))
    history.clock.set(at(12, 3, 9))
    again = services.reports.write_weekly(week, tmp_path / "again.xlsx")
    assert table(again) == table(first) == EXPECTED
    assert again.checksum == first.checksum

    def summary_cells(path: Path) -> list[list[object]]:
        ws = load_workbook(path)[SUMMARY]
        return [
            [c.value for c in row]
            for row in ws.iter_rows(min_row=NUMBERS_ROW + 1, max_row=NUMBERS_ROW + 4)
        ]

    assert summary_cells(tmp_path / "again.xlsx") == summary_cells(tmp_path / "first.xlsx")
    # The next week carries over the five pending at the end of W10 (D, E, H, I, K) and settles
    # K late (due Mon 09/03 10:00, result Tue 10/03).
    w11 = services.reports.compute(services.reports.week("2026-W11"))
    assert w11.total.carried_over == 5 and w11.total.identities_hold()
    k = next(d for d in w11.dossiers if d.code == history.codes["K"])
    assert k.outcome is Outcome.LATE


def test_the_weekly_workbook_has_its_sheets_headers_and_machine_readable_info(
    services: Services, history: History, tmp_path: Path
) -> None:
    report = services.reports.write_weekly(services.reports.week("2026-W10"), tmp_path / "w10.xlsx")
    wb = load_workbook(tmp_path / "w10.xlsx")
    assert wb.sheetnames == [SUMMARY, DETAIL, LATE, POSTAL, TARGETS, DIGITISED, INFO]
    ws = wb[SUMMARY]
    assert ws["A1"].value == "Biểu số 06a/VPCP/KSTT"
    assert ws["C1"].value.startswith("TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH")
    assert ws["C2"].value == "Kỳ báo cáo: Tuần 10/2026"
    assert ws["C3"].value == "(Từ ngày 02/03/2026 đến ngày 08/03/2026)"
    assert [ws.cell(NUMBERS_ROW, c).value for c in range(1, 14)] == [f"({i})" for i in range(1, 14)]
    rows = {
        ws.cell(r, 2).value: tuple(ws.cell(r, c).value for c in range(3, 14))
        for r in range(NUMBERS_ROW + 2, NUMBERS_ROW + 5)
    }
    assert rows == EXPECTED
    assert ws.freeze_panes == f"C{NUMBERS_ROW + 1}" and ws.page_setup.orientation == "landscape"
    detail = wb[DETAIL]
    head = [c.value for c in detail[4]]
    assert head[:3] == ["STT", "Mã hồ sơ", "Lĩnh vực"]
    assert detail.max_row - 4 == 11  # one row per dossier of the week
    late = wb[LATE]
    assert late.max_row - 4 == 4
    info = {r[2].value: r[3].value for r in wb[INFO].iter_rows(min_row=2)}  # hidden C, D
    assert info["office_id"] == services.settings.office().agency_id
    assert info["period_key"] == "2026-W10" and info["report_kind"] == "weekly"
    assert (
        info["checksum"] == report.checksum
        and info["rows_chi_tiet"] == 11
        and info["rows_qua_han"] == 4
    )
    assert info["app_version"]
    # NGƯỜI LẬP BIỂU is named: the clerk logged in who built it.
    maker = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value == "NGƯỜI LẬP BIỂU")
    below = [ws.cell(r, 2).value for r in range(maker + 1, maker + 8)]
    assert "Trần Thị Bình" in below
    head_row = next(r for r in range(maker, maker + 8) if ws.cell(r, 10).value == "Nguyễn Văn An")
    assert ws.cell(head_row, 2).value == "Trần Thị Bình"  # the names on one line
    # People read Vietnamese labels and values in A and B; the keys and machine values are in
    # the hidden columns C and D.
    sheet = wb[INFO]
    shown = {r[0].value: r[1].value for r in sheet.iter_rows(min_row=2)}
    assert [c.value for c in sheet[1]] == ["Mục", "Giá trị", "key", "value"]
    assert shown["Loại báo cáo"] == "Báo cáo tuần" and shown["Kỳ báo cáo"] == "Tuần 10/2026"
    assert shown["Từ ngày"] == "02/03/2026" and shown["Đến ngày"] == "08/03/2026"
    assert shown["Mã định danh cơ quan"] == info["office_id"]
    assert shown["Số dòng sheet “Chi tiết”"] == 11
    assert not any(str(label).isascii() for label in shown)  # no English key in sight
    assert sheet.column_dimensions["C"].hidden and sheet.column_dimensions["D"].hidden
    # Wrapped rows of Chi tiết are as tall as their text; the sheets print A4 landscape, fitted
    # to the width, the header row repeated.
    detail_widths = [detail.column_dimensions[c].width for c in "ABCDEFGHIJKL"]
    for r in range(5, detail.max_row + 1):
        name = detail.cell(r, 5).value
        if len(name) > 1.3 * detail_widths[4]:
            assert detail.row_dimensions[r].height >= 30, (name, detail.row_dimensions[r].height)
    assert detail.row_dimensions[4].height >= 30  # the wrapped header row
    setup = detail.page_setup
    assert (setup.orientation, setup.paperSize, setup.fitToWidth, setup.fitToHeight) == (
        "landscape",
        9,
        1,
        0,
    )
    assert detail.print_title_rows.replace("$", "") == "4:4"


def test_the_quarterly_report_alone_and_month_cut_offs(
    services: Services, history: History, tmp_path: Path
) -> None:
    q1 = services.reports.period(PeriodKind.QUARTER, "2026-Q1")
    assert (q1.start.isoformat(), q1.end.isoformat()) == ("2025-12-15", "2026-03-14")
    report = services.reports.write_period(q1, tmp_path / "q1.xlsx")
    assert load_workbook(tmp_path / "q1.xlsx").sheetnames == [SUMMARY, INFO]
    # Still running on 09/03: as of now; everything received so far is in it, nothing carried over.
    assert report.as_of == at(9, 3, 8, 30)
    assert report.total.received_total == 13 and report.total.carried_over == 0
    assert report.total.identities_hold()
    march = services.reports.period(PeriodKind.MONTH, "2026-03")
    assert (march.start.isoformat(), march.end.isoformat()) == ("2026-02-15", "2026-03-14")


def test_the_weekly_report_is_built_once_from_the_set_weekday(
    services: Services, clock: FixedClock, tmp_path: Path
) -> None:
    services.settings.set_value("report_weekday", 1)  # Tuesday
    clock.set(at(9, 3, 8))  # Monday of W11: too early
    assert services.reports.scheduled_week() is None
    clock.set(at(10, 3, 8))
    assert services.reports.scheduled_week().key == "2026-W10"
    built = services.reports.build_scheduled(tmp_path / "reports")
    assert built is not None
    report, path = built
    assert path.name == "000.17.22.H56_tuan_2026-W10.xlsx" and path.exists()
    assert services.reports.built_weeks()["2026-W10"]["checksum"] == report.checksum
    assert services.reports.build_scheduled(tmp_path / "reports") is None  # once
    clock.set(at(17, 3, 8))
    assert services.reports.scheduled_week().key == "2026-W11"


def test_queueing_a_rebuilt_report_adds_a_version_only_after_a_correction(
    services: Services, history: History, tmp_path: Path
) -> None:
    week = services.reports.week("2026-W10")
    first = services.reports.write_weekly(week, tmp_path / "a.xlsx")
    item = services.reports.queue(services.outbox, first, tmp_path / "a.xlsx")
    assert (item.version, item.period_key, item.kind) == (1, "2026-W10", "weekly")
    history.clock.set(at(9, 3, 9, 0))  # rebuilt later, nothing changed: the same item
    again = services.reports.write_weekly(week, tmp_path / "b.xlsx")
    assert services.reports.queue(services.outbox, again, tmp_path / "b.xlsx").id == item.id
    # A correction of the week (a back-dated result of D inside it) makes version 2.
    history.clock.set(at(9, 3, 9, 30))
    services.lifecycle.move(history.codes["D"], MoveRequest(Move.RESULT_READY, at=at(6, 3, 15)))
    fixed = services.reports.write_weekly(week, tmp_path / "c.xlsx")
    assert fixed.total.values() != first.total.values()
    v2 = services.reports.queue(services.outbox, fixed, tmp_path / "c.xlsx")
    assert v2.version == 2 and v2.replaces_id == item.id and "_v2" in v2.file_name


def test_the_schedule_builds_and_queues_last_week_once(
    services: Services, history: History, tmp_path: Path
) -> None:
    history.clock.set(at(10, 3, 8))
    item = services.reports.run_schedule(services.outbox, tmp_path / "reports")
    assert item is not None and item.period_key == "2026-W10"
    assert services.reports.run_schedule(services.outbox, tmp_path / "reports") is None
    assert len(services.outbox.items()) == 1


def test_a_workbook_of_the_first_format_still_reads_back(
    services: Services, history: History, tmp_path: Path
) -> None:
    """Workbooks an earlier version queued or sent (``Thông tin`` with the keys in A and the
    values in B) read back as before: the roll-up and the outbox's checks see the same keys."""
    from tthc_desk.exporting.report_reader import info_of, read_commune_report

    report = services.reports.write_weekly(services.reports.week("2026-W10"), tmp_path / "new.xlsx")
    wb = load_workbook(tmp_path / "new.xlsx")
    sheet = wb[INFO]
    pairs = [(r[2].value, r[3].value) for r in sheet.iter_rows(min_row=2)]
    sheet.delete_rows(1, sheet.max_row)
    sheet.append(["key", "value"])
    for key, value in pairs:
        sheet.append([key, value])
    wb.save(tmp_path / "old.xlsx")
    for name in ("new.xlsx", "old.xlsx"):
        read = read_commune_report(tmp_path / name)
        assert (read.period_key, read.checksum) == ("2026-W10", report.checksum)
        info = info_of((tmp_path / name).read_bytes())
        assert info["report_kind"] == "weekly" and info["rows_chi_tiet"] == 11
