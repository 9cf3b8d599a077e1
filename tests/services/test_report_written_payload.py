"""A report workbook is signed over what it says as read back once saved
(``canonical_payload``), computed from the workbook in memory (``written_payload``) without a
save and a reload: the same bytes for the weekly workbook and the periodic 06a report of the
crafted week, and the province's check (``verify_workbook``) accepts their signatures. Values
whose read-back the in-memory path does not follow make it step aside (the workbook is then
saved and read back, as before)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from openpyxl import Workbook

from tests.services import test_report_service as crafted
from tests.services.test_report_service import History
from tthc_desk.domain.periods import PeriodKind
from tthc_desk.exporting import report_xlsx
from tthc_desk.exporting.report_signature import (
    KeyRing,
    ReportSigner,
    canonical_payload,
    public_key_text,
    verify_workbook,
    written_payload,
)
from tthc_desk.services.container import Services

history = crafted.history


def _ring(tmp_path: Path, signer: ReportSigner) -> KeyRing:
    folder = tmp_path / "khoa"
    folder.mkdir()
    text = public_key_text(signer.office_id, "UBND xã An Bình", signer.public)
    (folder / "xa.txt").write_text(text, encoding="utf-8")
    return KeyRing.from_folder(folder)


@pytest.mark.parametrize("full", [True, False], ids=["weekly", "period"])
def test_the_signed_payload_is_the_read_back_one(
    services: Services,
    history: History,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    full: bool,
) -> None:
    signer = ReportSigner(services.settings.office().agency_id, bytes([7]) * 32)
    monkeypatch.setattr(services.reports, "signer", lambda: signer)
    made: list[bytes | None] = []

    def kept(wb: Workbook) -> bytes | None:
        made.append(written_payload(wb))
        return made[-1]

    monkeypatch.setattr(report_xlsx, "written_payload", kept)
    target = tmp_path / "bao-cao.xlsx"
    if full:
        services.reports.write_weekly(services.reports.week("2026-W10"), target)
    else:
        month = services.reports.period(PeriodKind.MONTH, "2026-03")
        services.reports.write_period(month, target)
    assert made and made[0] is not None  # the workbook was not saved and read to be signed
    assert made[0] == canonical_payload(target)
    assert b"Chi ti" in made[0] if full else b"Chi ti" not in made[0]
    assert verify_workbook(target, _ring(tmp_path, signer)).kind == "ok"


def test_values_are_followed_as_openpyxl_reads_them_back(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    values: list[object] = [
        "",
        " hai đầu ",
        "a\r\nb",
        "=B2+1",
        "_x000D_",
        0.1 + 0.2,  # 17 digits: written with 16
        10**16,
        -0.0,
        1e-7,
        True,
        datetime(2026, 3, 2, 8, 30, 15),
        date(2026, 3, 2),
        time(8, 30),
        None,
    ]
    for row, value in enumerate(values, start=1):
        ws.cell(row=row, column=1, value=value)
        ws.cell(row=row, column=3, value="")  # trailing empty text
    ws.cell(row=40, column=2).border = report_xlsx._BOX  # a styled empty cell
    path = tmp_path / "gia-tri.xlsx"
    payload = written_payload(wb)
    wb.save(path)
    assert payload is not None and payload == canonical_payload(path)


@pytest.mark.parametrize(
    "value",
    [
        datetime(2026, 3, 2, 8, 30, 15, 123456),  # read back to the millisecond
        timedelta(hours=3),
        datetime(1900, 1, 1, 8, 0),  # Excel's first years
    ],
)
def test_what_is_not_followed_is_saved_and_read(value: object, tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.cell(row=1, column=1, value=value)
    assert written_payload(wb) is None


def test_a_date_without_a_date_format_is_not_followed() -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.cell(row=1, column=1, value=date(2026, 3, 2)).number_format = "0.00"
    assert written_payload(wb) is None
    ws.cell(row=1, column=1, value=datetime(2026, 3, 2, 8)).number_format = "[h]:mm"
    assert written_payload(wb) is None  # read back as a duration
