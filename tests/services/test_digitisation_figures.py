"""The figures of digitisation of a period (issue 15, part E), worked out by hand on a crafted
week, on each engine: the counts and shares, as of the week's end (a scan attached after it does
not count), the weekly workbook's ``Số hóa`` sheet read back, and the dossiers received without
a scan that the attention page lists.

Week 10 of 2026 (Monday 02/03 – Sunday 08/03), procedure 1.001193 (two papers: the form and the
birth certificate), all dossiers of the same person:

====  =============  ====================================================  ====================
name  received       scans (by the end of the week)                        result
====  =============  ====================================================  ====================
P     27/02 (before)  both papers                                          —
A     02/03 09:00    both papers; the result 04/03                         04/03 (scanned)
B     02/03 10:00    both papers                                           06/03 (scanned 09/03)
C     03/03 09:00    the form only                                         —
D     03/03 10:00    the form reused from A, the certificate scanned       —
E     04/03 09:00    none                                                  05/03 (not scanned)
F     05/03 09:00    none (the form scanned 10/03, after the week)         —
G     06/03 09:00    the form; the certificate was not provided            —
H     09/03 (after)  both papers                                           —
====  =============  ====================================================  ====================

Of the 7 dossiers received in the week (A–G): every provided paper scanned A, B, D, G = 4; with
their result (by status or by a scanned result) A, B, E = 3; an e-result A = 1 (B's came after
the week); papers and result A = 1; reusing D = 1; no scan at all E, F = 2.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from reportlab.pdfgen.canvas import Canvas

from tests.conftest import make_draft
from tthc_desk.domain.clock import FixedClock
from tthc_desk.domain.dossier import PaperItem
from tthc_desk.domain.moves import Move, MoveRequest
from tthc_desk.domain.scans import DigitisationCounts
from tthc_desk.exporting.report_xlsx import DIGITISED, INFO
from tthc_desk.services.container import Services

FORM, CERTIFICATE = 1, 2
EXPECTED = DigitisationCounts(
    dossiers=7,
    fully_scanned=4,
    with_e_result=1,
    reusing=1,
    without_scans=2,
    with_result=3,
    complete=1,
)


@dataclass(frozen=True)
class Pdf:
    data: bytes
    pages: int


def pdf(text: str) -> Pdf:
    """A tiny one-page PDF (a scan's stand-in)."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, invariant=1)
    canvas.drawString(72, 720, text)
    canvas.showPage()
    canvas.save()
    return Pdf(buffer.getvalue(), 1)


def at(day: int, month: int, hour: int = 9) -> datetime:
    return datetime(2026, month, day, hour)


class Week:
    def __init__(self, services: Services, clock: FixedClock) -> None:
        self.s, self.clock = services, clock
        self.codes: dict[str, str] = {}

    def receive(self, name: str, when: datetime, **kw: object) -> None:
        self.clock.set(when)
        self.codes[name] = self.s.dossiers.receive(make_draft(**kw)).code

    def scan(self, name: str, when: datetime, *papers: int) -> None:
        self.clock.set(when)
        for n in papers:
            self.s.attachments.attach_paper(self.codes[name], n, pdf(f"{name} giấy tờ {n}"))

    def result(self, name: str, when: datetime, scanned_at: datetime | None = None) -> None:
        self.clock.set(when)
        self.s.lifecycle.move(self.codes[name], MoveRequest(Move.RESULT_READY))
        if scanned_at is not None:
            self.clock.set(scanned_at)
            self.s.attachments.attach_result(self.codes[name], pdf(f"{name} kết quả"))


@pytest.fixture
def week(services: Services, clock: FixedClock) -> Week:
    w = Week(services, clock)
    w.receive("P", at(27, 2))
    w.scan("P", at(27, 2, 10), FORM, CERTIFICATE)
    w.receive("A", at(2, 3))
    w.scan("A", at(2, 3, 9), FORM, CERTIFICATE)
    w.receive("B", at(2, 3, 10))
    w.scan("B", at(2, 3, 11), FORM, CERTIFICATE)
    w.receive("C", at(3, 3))
    w.scan("C", at(3, 3, 9), FORM)
    w.receive("D", at(3, 3, 10))
    w.clock.set(at(3, 3, 11))
    form_of_a = next(a for a in services.attachments.of_dossier(w.codes["A"]) if a.paper_no == 1)
    services.attachments.reuse_paper(w.codes["D"], FORM, form_of_a.id)
    w.scan("D", at(3, 3, 11), CERTIFICATE)
    w.result("A", at(4, 3, 8), scanned_at=at(4, 3, 8))
    w.receive("E", at(4, 3))
    w.result("E", at(5, 3, 8))
    w.receive("F", at(5, 3))
    w.receive(
        "G",
        at(6, 3),
        papers=(
            PaperItem("Tờ khai đăng ký khai sinh"),
            PaperItem("Giấy chứng sinh", provided=False),
        ),
    )
    w.scan("G", at(6, 3, 10), FORM)
    w.result("B", at(6, 3, 14), scanned_at=at(9, 3, 8))  # the e-result after the week
    w.receive("H", at(9, 3))
    w.scan("H", at(9, 3, 10), FORM, CERTIFICATE)
    w.scan("F", at(10, 3, 8), FORM)  # after the week: F had no scan then
    w.clock.set(at(10, 3, 9))
    return w


def test_the_week_gives_the_counts_worked_out_by_hand(services: Services, week: Week) -> None:
    period = services.reports.week("2026-W10")
    figures = services.reports.digitisation(period, listed=True)
    assert figures.counts == EXPECTED
    assert figures.as_of == datetime(2026, 3, 9) and figures.office_has_scans
    c = figures.counts
    assert (c.scanned_share, c.e_result_share, c.complete_share, c.reuse_share) == (
        pytest.approx(4 / 7),
        pytest.approx(1 / 3),
        pytest.approx(1 / 3),
        pytest.approx(1 / 7),
    )
    assert [u.code for u in figures.unscanned] == [week.codes["E"], week.codes["F"]]
    assert [u.papers for u in figures.unscanned] == [2, 2]
    # The same as summing each dossier's part (the domain's arithmetic) by hand.
    by_hand = (
        DigitisationCounts.of_dossier(2, 2, has_result=True, reused=0)  # A
        + DigitisationCounts.of_dossier(2, 2, has_result=False, reused=0, result_given=True)  # B
        + DigitisationCounts.of_dossier(2, 1, has_result=False, reused=0)  # C
        + DigitisationCounts.of_dossier(2, 2, has_result=False, reused=1)  # D
        + DigitisationCounts.of_dossier(2, 0, has_result=False, reused=0, result_given=True)  # E
        + DigitisationCounts.of_dossier(2, 0, has_result=False, reused=0)  # F
        + DigitisationCounts.of_dossier(1, 1, has_result=False, reused=0)  # G
    )
    assert by_hand == EXPECTED
    # Listed only when asked; the week after counts H and what came later.
    assert services.reports.digitisation(period).unscanned == ()
    after = services.reports.digitisation(services.reports.week("2026-W11")).counts
    assert (after.dossiers, after.fully_scanned, after.without_scans) == (1, 1, 0)


def test_a_running_period_counts_up_to_now(
    services: Services, week: Week, clock: FixedClock
) -> None:
    clock.set(at(5, 3, 12))  # Thursday of the week: the scans made since are not there yet
    figures = services.reports.digitisation(services.reports.week("2026-W10"))
    assert figures.as_of == at(5, 3, 12)
    c = figures.counts
    # A–F received by now (G not yet); F's scan of 10/03 and everything later not counted.
    assert (c.dossiers, c.fully_scanned, c.without_scans, c.with_result) == (6, 3, 2, 2)


def test_an_office_without_scans_says_so(services: Services, clock: FixedClock) -> None:
    services.dossiers.receive(make_draft())
    clock.set(at(9, 3))
    figures = services.reports.digitisation(services.reports.week("2026-W10"))
    assert not figures.office_has_scans
    assert figures.counts == DigitisationCounts(1, 0, 0, 0, 1, 0, 0)


def test_the_weekly_workbook_has_the_digitisation_sheet(
    services: Services, week: Week, tmp_path: Path
) -> None:
    path = tmp_path / "w10.xlsx"
    report = services.reports.write_weekly(services.reports.week("2026-W10"), path)
    assert report.digitisation is not None and report.digitisation.counts == EXPECTED
    wb = load_workbook(path)
    assert wb.sheetnames[-2:] == [DIGITISED, INFO]
    ws = wb[DIGITISED]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=1)]
    head = rows.index(["STT", "Nội dung", "Số hồ sơ", "Trên tổng số", "Tỷ lệ", None])
    figures = {r[1]: tuple(r[2:5]) for r in rows[head + 1 : head + 8]}
    assert figures == {
        "Hồ sơ tiếp nhận trong kỳ": (7, None, None),
        "Số hóa đủ các giấy tờ đã nộp": (4, 7, "57,1%"),
        "Đã có kết quả giải quyết": (3, 7, "42,9%"),
        "Có kết quả điện tử (chỉ số 4.1), trên số hồ sơ đã có kết quả": (1, 3, "33,3%"),
        "Số hóa thành phần hồ sơ và kết quả (chỉ số 4.2), trên số hồ sơ đã có kết quả": (
            1,
            3,
            "33,3%",
        ),
        "Tái sử dụng giấy tờ đã số hóa (chỉ số 4.3)": (1, 7, "14,3%"),
        "Chưa có bản số hóa nào": (2, 7, "28,6%"),
    }
    listed = rows.index(
        ["STT", "Mã hồ sơ", "Lĩnh vực", "Tên thủ tục hành chính", "Ngày nhận", "Số giấy tờ đã nộp"]
    )
    unscanned = [r for r in rows[listed + 1 :] if r[0] is not None]
    assert [(r[0], r[1], r[4], r[5]) for r in unscanned] == [
        (1, week.codes["E"], at(4, 3), 2),
        (2, week.codes["F"], at(5, 3), 2),
    ]
    assert not any("Nguyễn Thị Hồng Nhung" in str(v) for r in rows for v in r)  # no names
    info = {r[2].value: r[3].value for r in wb[INFO].iter_rows(min_row=2)}
    assert info["rows_so_hoa"] == 2


def test_the_signature_covers_the_sheet_and_the_province_reads_the_workbook(
    services: Services, week: Week, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tthc_desk.exporting.report_reader import WorkbookProblem, read_commune_report
    from tthc_desk.exporting.report_signature import (
        KeyRing,
        ReportSigner,
        public_key_text,
        verify_workbook,
    )

    signer = ReportSigner(services.settings.office().agency_id, bytes([9]) * 32)
    monkeypatch.setattr(services.reports, "signer", lambda: signer)
    keys = tmp_path / "khoa"
    keys.mkdir()
    (keys / "xa.txt").write_text(
        public_key_text(signer.office_id, "UBND xã", signer.public), encoding="utf-8"
    )
    ring = KeyRing.from_folder(keys)
    path = tmp_path / "w10.xlsx"
    services.reports.write_weekly(services.reports.week("2026-W10"), path)
    assert verify_workbook(path, ring).kind == "ok"
    assert read_commune_report(path, ring).period_key == "2026-W10"  # the roll-up reads it

    wb = load_workbook(path)
    ws = wb[DIGITISED]
    cell = next(c for r in ws.iter_rows() for c in r if c.value == "Chưa có bản số hóa nào")
    ws.cell(cell.row, cell.column + 1, 0)  # "no dossier without a scan"
    edited = tmp_path / "sua.xlsx"
    wb.save(edited)
    assert verify_workbook(edited, ring).kind == "forged"
    with pytest.raises(WorkbookProblem):
        read_commune_report(edited, ring)
