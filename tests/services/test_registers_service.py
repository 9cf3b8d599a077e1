"""The tracking ledger and the late-dossier list, built from the recorded history."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from tests.conftest import make_draft, sign_as
from tthc_desk.domain.clock import FixedClock
from tthc_desk.domain.errors import ValidationError
from tthc_desk.domain.lifecycle import Move
from tthc_desk.presentation import label
from tthc_desk.services.container import Services
from tthc_desk.services.lifecycle_service import MoveRequest

MARCH = (date(2026, 3, 1), date(2026, 3, 31))


def _receive(services: Services, code: str = "1.004873", at: datetime | None = None) -> str:
    return services.dossiers.receive(make_draft(procedure_code=code, received_at=at)).code


def test_ledger_rows_in_ledger_order_with_hand_off_and_timeliness(
    services: Services, clock: FixedClock
) -> None:
    a = _receive(services)  # 3 working days: due Thu 05/03 08:00
    b = _receive(services, "1.001193")  # same day: due Mon 02/03 17:00
    clock.set(datetime(2026, 3, 2, 9, 30))
    services.lifecycle.move(a, MoveRequest(Move.HAND_OVER, unit="Phòng Kinh tế"))
    clock.set(datetime(2026, 3, 4, 10, 0))
    services.lifecycle.move(a, MoveRequest(Move.HAND_OVER, unit="Công an phường"))
    services.lifecycle.move(a, MoveRequest(Move.RESULT_READY))
    rows = services.registers.ledger_rows(*MARCH)
    assert [r.code for r in rows] == [a, b]
    assert [r.ledger_number for r in rows] == [1, 2]
    ra, rb = rows
    assert ra.handed_over_at == datetime(2026, 3, 2, 9, 30)  # the first hand-off
    assert ra.settled_at == datetime(2026, 3, 4, 10, 0)
    assert label(ra.timeliness) == "Trước hạn"
    assert label(ra.status) == "Có kết quả"
    assert rb.handed_over_at is None and rb.settled_at is None
    assert label(rb.timeliness) == "Quá hạn"  # open and past its due moment now
    # A period that ended before b's due moment: b was within time then.
    assert services.registers.ledger_rows(date(2026, 3, 1), date(2026, 3, 1)) == []
    assert services.registers.ledger_rows(date(2026, 2, 1), date(2026, 2, 28)) == []


def test_open_dossier_is_judged_at_the_end_of_the_period(
    services: Services, clock: FixedClock
) -> None:
    b = _receive(services, "1.004873")  # due Thu 05/03 08:00
    clock.set(datetime(2026, 3, 10, 9, 0))
    (row,) = services.registers.ledger_rows(date(2026, 3, 2), date(2026, 3, 4))
    assert row.code == b and label(row.timeliness) == "Trong hạn"
    (row,) = services.registers.ledger_rows(*MARCH)
    assert label(row.timeliness) == "Quá hạn"


def test_late_rows_with_reason_unit_and_letter(services: Services, clock: FixedClock) -> None:
    a = _receive(services, "1.001193")  # due Mon 02/03 17:00
    b = _receive(services, "1.004873")  # due Thu 05/03 08:00
    c = _receive(services, "1.004772")  # due Mon 09/03 08:00
    clock.set(datetime(2026, 3, 4, 9, 0))
    services.lifecycle.move(a, MoveRequest(Move.RESULT_READY))  # 2 working days late
    clock.set(datetime(2026, 3, 6, 9, 0))
    assert services.apologies.scan() == 3  # a (settled late), b (overdue), c (due next working day)
    letter = next(x for x in services.apologies.letters() if x.dossier_code == b)
    letter = sign_as(services, "an", letter.id)
    services.lifecycle.move(c, MoveRequest(Move.HAND_OVER))
    rows = services.registers.late_rows(*MARCH)
    assert [r.code for r in rows] == [a, b]
    ra, rb = rows
    assert ra.settled_at == datetime(2026, 3, 4, 9, 0) and ra.late_working_days == 2
    assert ra.letter_number == "" and ra.letter_date is None  # only a draft so far
    assert rb.settled_at is None and rb.late_working_days == 1
    assert rb.letter_number == letter.number_text == "01/2026/PXL"
    assert rb.letter_date == letter.confirmed_at
    assert rb.reason == letter.full_reason and rb.responsible_unit == letter.responsible_unit
    # At the end of 03/03 only a was late, and still open then.
    (only_a,) = services.registers.late_rows(date(2026, 3, 3), date(2026, 3, 3))
    assert only_a.code == a and only_a.settled_at is None  # still open (and overdue) at that end


def test_file_type_and_range_are_checked_before_anything_is_written(
    services: Services, tmp_path: Path
) -> None:
    target = tmp_path / "out" / "so.csv"
    with pytest.raises(ValidationError, match=r"Chỉ xuất được tệp \.xlsx hoặc \.pdf\."):
        services.registers.write_ledger(*MARCH, target)
    with pytest.raises(ValidationError, match=r"Chỉ xuất được tệp \.xlsx hoặc \.pdf\."):
        services.registers.write_late_list(*MARCH, target)
    with pytest.raises(ValidationError, match="Ngày bắt đầu"):
        services.registers.ledger_rows(date(2026, 3, 31), date(2026, 3, 1))
    assert not target.parent.exists()
