"""Register rows from the store's typed rows, without a database: the ledger's timeliness column
and the late list's working days, letters and order."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from tthc_desk.domain.calendar import WorkCalendar, seed_exceptions
from tthc_desk.domain.dossier import Status
from tthc_desk.domain.errors import ValidationError
from tthc_desk.domain.lifecycle import Granularity
from tthc_desk.domain.office import OfficeHours
from tthc_desk.domain.registers import (
    LateSource,
    LedgerSource,
    check_range,
    late_counts,
    late_row,
    late_rows,
    ledger_row,
    period_end,
    timeliness,
)
from tthc_desk.presentation import label

CAL = WorkCalendar(OfficeHours(), [e for y in (2025, 2026, 2027) for e in seed_exceptions(y)])
DAY, MINUTE = Granularity.DAY, Granularity.MINUTE


def at(day: int, hour: int = 8, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute)


def test_the_period_ends_at_midnight_or_now_and_must_not_run_backwards() -> None:
    assert period_end(date(2026, 3, 4), at(10)) == at(5, 0)
    assert period_end(date(2026, 3, 31), at(10)) == at(10)
    check_range(date(2026, 3, 1), date(2026, 3, 1))
    with pytest.raises(ValidationError, match="Ngày bắt đầu"):
        check_range(date(2026, 3, 2), date(2026, 3, 1))


def test_timeliness_of_settled_open_and_ended_dossiers() -> None:
    assert label(timeliness(Status.RESULT_READY, at(4), at(5), at(10), DAY)) == "Trước hạn"
    assert label(timeliness(Status.RETURNED, at(5, 16), at(5), at(10), DAY)) == "Đúng hạn"
    assert label(timeliness(Status.RETURNED, at(5, 16), at(5), at(10), MINUTE)) == "Quá hạn"
    assert label(timeliness(Status.IN_PROGRESS, None, at(5), at(4), DAY)) == "Trong hạn"
    assert label(timeliness(Status.IN_PROGRESS, None, at(5), at(6), DAY)) == "Quá hạn"
    assert label(timeliness(Status.SUPPLEMENT, None, at(5), at(6), DAY)) == "Trong hạn"
    assert label(timeliness(Status.WITHDRAWN, None, at(5), at(6), DAY)) == ""


def test_a_ledger_row() -> None:
    src = LedgerSource(
        "H56-0001", "2026", 1, "Đăng ký khai sinh", "Hộ tịch", "Nguyễn Thị Hồng Nhung",
        "Số 5 ngõ 12", "0912345678", "UBND xã", "Tư pháp", 1, at(2), at(5), at(2, 9),
        at(4, 10), None, Status.RESULT_READY, "",
    )  # fmt: skip
    row = ledger_row(src, at(10), DAY)
    assert (row.code, row.ledger_number, row.handed_over_at) == ("H56-0001", 1, at(2, 9))
    assert label(row.status) == "Có kết quả" and label(row.timeliness) == "Trước hạn"
    assert row.note == ""


def late(code: str, due: datetime, settled: datetime | None, **kw: object) -> LateSource:
    values: dict[str, object] = {
        "code": code,
        "applicant_name": "Nguyễn Thị Hồng Nhung",
        "procedure_name": "Đăng ký khai sinh",
        "field": "Hộ tịch",
        "received_at": at(2),
        "due_at": due,
        "settled_at": settled,
        "status": Status.RESULT_READY if settled else Status.IN_PROGRESS,
        "late_reason": "",
        "responsible_unit": "",
        "letter_number": None,
        "letter_year": None,
        "letter_at": None,
    }
    values.update(kw)
    return LateSource(**values)  # type: ignore[arg-type]  # values of mixed types


def test_a_late_row_counts_working_days_to_the_result_or_the_end() -> None:
    # Due Mon 02/03 17:00, result Wed 04/03: two working days late.
    settled = late_row(late("a", at(2, 17), at(4, 9)), at(10), CAL)
    assert settled.late_working_days == 2 and settled.settled_at == at(4, 9)
    # Still open at the end of Fri 06/03 (its result came on Mon 09/03): four days, and open.
    still = late_row(late("b", at(2, 17), at(9, 9)), at(7, 0), CAL)
    assert still.late_working_days == 4 and still.settled_at is None
    # Late the same day still counts one day.
    assert late_row(late("c", at(2, 8), None), at(2, 17), CAL).late_working_days == 1


def test_a_late_row_cites_the_first_signed_letter() -> None:
    row = late_row(
        late("a", at(2, 17), None, letter_number=3, letter_year=2026, letter_at=at(3)),
        at(10),
        CAL,
    )
    assert row.letter_number == "03/2026/PXL" and row.letter_date == at(3)
    bare = late_row(late("b", at(2, 17), None, letter_at=at(3)), at(10), CAL)
    assert bare.letter_number == "" and bare.letter_date is None
    assert bare.reason == "" and bare.responsible_unit == ""


def test_settled_late_come_first_then_the_open_ones_each_in_order_read() -> None:
    sources = [
        late("open-1", at(2, 8), None),
        late("settled-1", at(2, 9), at(4)),
        late("open-2", at(3), at(12)),  # settled only after the end: open then
        late("settled-2", at(3, 9), at(5)),
    ]
    rows = late_rows(sources, at(10), CAL)
    assert [r.code for r in rows] == ["settled-1", "settled-2", "open-1", "open-2"]
    assert late_counts(rows) == {"count": 4, "settled": 2, "open": 2}
