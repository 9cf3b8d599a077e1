"""The rules of apology letters, without a database: the proposed appointment, which dossiers
need a letter, one re-appointment per dossier, and a late re-appointment that keeps the due date."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tthc_desk.domain.apology import (
    FirstLetter,
    LetterCandidate,
    Override,
    auto_draft,
    check_deliverable,
    check_discardable,
    check_sent,
    check_signable,
    draft_changes,
    letter_number_text,
    letter_window,
    manual_draft,
    proposed_for,
    signing,
)
from tthc_desk.domain.calendar import WorkCalendar, seed_exceptions
from tthc_desk.domain.dossier import Channel, Dossier, Person, ReturnMethod, Status
from tthc_desk.domain.errors import ValidationError
from tthc_desk.domain.lifecycle import ApologyLetter, Granularity, LetterStatus
from tthc_desk.domain.office import DEMO_OFFICE, OfficeHours

CAL = WorkCalendar(OfficeHours(), [e for y in (2025, 2026, 2027) for e in seed_exceptions(y)])
OFFICE = DEMO_OFFICE
HEADS = {"Nguyễn Văn An"}


def at(day: int, hour: int = 8, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, second)


def letter(**kw: object) -> ApologyLetter:
    values: dict[str, object] = {
        "id": 7,
        "dossier_code": "000.17.22.H56-260302-0001",
        "applicant_name": "Nguyễn Thị Hồng Nhung",
        "applicant_address": "Số 5 ngõ 12 phố Đông Các",
        "procedure_name": "Đăng ký khai sinh",
        "received_at": at(2),
        "original_due_at": at(5),
        "proposed_due_at": at(9, 10),
        "reason": "Cơ quan phối hợp chậm trả lời",
        "reason_detail": "Chờ UBND xã bạn",
        "responsible_unit": "Công chức Tư pháp - Hộ tịch",
        "signer_name": OFFICE.head_name,
        "signer_title": OFFICE.head_title,
        "signer_prefix": OFFICE.head_sign_prefix,
        "status": LetterStatus.DRAFT,
        "created_at": at(4),
    }
    values.update(kw)
    return ApologyLetter(**values)  # type: ignore[arg-type]  # values of mixed types


def dossier(**kw: object) -> Dossier:
    values: dict[str, object] = {
        "id": 3,
        "code": "000.17.22.H56-260302-0001",
        "ledger_book": "2026",
        "ledger_number": 1,
        "procedure_code": "1.004873",
        "procedure_name": "Đăng ký khai sinh",
        "field": "Hộ tịch",
        "deciding_agency": "UBND xã",
        "handling_unit": "Công chức Tư pháp - Hộ tịch",
        "duration_text": "3 ngày làm việc",
        "applicant": Person("Nguyễn Thị Hồng Nhung", "001190012345"),
        "authorised": None,
        "channel": Channel.DIRECT,
        "return_method": ReturnMethod.COUNTER,
        "return_address": "",
        "papers": (),
        "sets_count": 1,
        "fee_amount": 0,
        "note": "",
        "received_at": at(2),
        "due_at": at(5),
        "status": Status.IN_PROGRESS,
        "clerk_name": "Trần Thị Bình",
        "created_at": at(2),
    }
    values.update(kw)
    return Dossier(**values)  # type: ignore[arg-type]  # values of mixed types


def test_the_register_number_text() -> None:
    assert letter_number_text(5, 2026) == "05/2026/PXL"
    assert FirstLetter(12, 2026, at(3)).text == "12/2026/PXL"


def test_the_proposed_appointment_keeps_the_clock_time_within_sessions() -> None:
    # Due Thu 05/03 08:00, drafted Wed 04/03: two working days after the due date.
    assert proposed_for(at(5), at(4, 9), CAL, 2) == at(9)
    # Already late: from now; 12:00 is between sessions, so the end of that day.
    assert proposed_for(at(5), at(10, 12), CAL, 2) == at(12, 17)
    # 17:00 exactly is the end of the day and kept.
    assert proposed_for(at(5, 17), at(4), CAL, 1) == at(6, 17)


@given(st.integers(0, 400), st.integers(0, 23 * 60), st.integers(1, 5))
def test_the_proposed_appointment_is_a_working_moment_after_both_dates(
    days: int, minutes: int, n: int
) -> None:
    now = datetime(2026, 1, 2) + timedelta(days=days, minutes=minutes)
    due = at(5)
    moment = proposed_for(due, now, CAL, n)
    assert moment > max(due, now)
    assert CAL.is_working_day(moment.date())
    assert CAL.in_session(moment) or moment == CAL.end_of_day(moment.date())


def test_the_window_of_dossiers_at_risk_is_the_next_working_day() -> None:
    w = letter_window(at(6, 9), CAL, Granularity.DAY)  # Friday
    assert (w.risk_from, w.risk_until) == (at(9, 0), at(10, 0))  # Monday, all day
    assert w.now == at(6, 9) and w.granularity is Granularity.DAY


def test_the_scan_drafts_for_where_the_dossier_is() -> None:
    c = LetterCandidate(3, at(5), None, Status.IN_PROGRESS, "Công an xã", "Tư pháp")
    new = auto_draft(c, at(4, 9), OFFICE, CAL, 2)
    assert new.auto and new.dossier_id == 3 and new.original_due_at == at(5)
    assert new.responsible_unit == "Công an xã" and new.proposed_due_at == at(9)
    assert new.signer_name == OFFICE.head_name and new.reason
    back = replace(c, current_unit=OFFICE.office_name)
    assert auto_draft(back, at(4, 9), OFFICE, CAL, 2).responsible_unit == "Tư pháp"
    settled = replace(c, status=Status.RESULT_READY, settled_at=at(6, 10))
    # Settled late on Friday, drafted on Monday: never the past settled moment, two working
    # days from now.
    assert auto_draft(settled, at(9), OFFICE, CAL, 2).proposed_due_at == at(11, 8)


def test_a_draft_by_hand_is_refused_for_an_ended_dossier_or_a_second_draft() -> None:
    new = manual_draft(dossier(), False, at(4), OFFICE, at(9))
    assert not new.auto and new.responsible_unit == "Công chức Tư pháp - Hộ tịch"
    with pytest.raises(ValidationError, match="đã rút hoặc đã đóng"):
        manual_draft(dossier(status=Status.WITHDRAWN), False, at(4), OFFICE, at(9))
    with pytest.raises(ValidationError, match="đang dự thảo"):
        manual_draft(dossier(), True, at(4), OFFICE, at(9))


def test_editing_a_draft() -> None:
    changes = draft_changes(letter(), "Lý do khác", "", "", at(10, 9, 30, 45))
    assert changes == {
        "reason": "Lý do khác",
        "reason_detail": "",
        "responsible_unit": "Công chức Tư pháp - Hộ tịch",  # kept when none is given
        "proposed_due_at": at(10, 9, 30),  # to the minute
    }
    with pytest.raises(ValidationError) as problems:
        draft_changes(letter(), "", "", "", at(4))
    assert {p.field for p in problems.value.problems} == {"reason", "proposed_due_at"}
    with pytest.raises(ValidationError, match="đã ký"):
        draft_changes(letter(status=LetterStatus.CONFIRMED), "Lý do khác", "", "", None)


def test_one_reappointment_per_dossier_a_second_only_with_the_heads_override() -> None:
    assert check_signable(letter(), 0, "Trần Thị Bình", HEADS, "") is None
    with pytest.raises(ValidationError, match="hẹn lại một lần"):
        check_signable(letter(), 1, "Trần Thị Bình", HEADS, "Cần thêm thời gian")
    with pytest.raises(ValidationError, match="hẹn lại một lần"):
        check_signable(letter(), 1, "Nguyễn Văn An", HEADS, "")
    override = check_signable(letter(), 1, "Nguyễn Văn An", HEADS, "Chờ kết quả xác minh")
    assert override == Override("Nguyễn Văn An", "Chờ kết quả xác minh")
    with pytest.raises(ValidationError, match="đã được ký"):
        check_signable(letter(status=LetterStatus.CONFIRMED), 0, "Nguyễn Văn An", HEADS, "")
    with pytest.raises(ValidationError, match="lý do"):
        check_signable(letter(reason=""), 0, "Nguyễn Văn An", HEADS, "")


def test_signing_in_time_moves_the_due_date() -> None:
    # Original due Thu 05/03 08:00; signed Wed 04/03, one working day before: it counts.
    s = signing(letter(), dossier(), None, 1, at(4, 9), "Nguyễn Văn An", "Bộ phận Một cửa")
    assert s.dossier_changes == {
        "late_reason": "Cơ quan phối hợp chậm trả lời. Chờ UBND xã bạn",
        "responsible_unit": "Công chức Tư pháp - Hộ tịch",
        "extended_due_at": at(9, 10),
        "extension_recorded_at": at(4, 9),
        "due_at": at(9, 10),
    }
    assert s.letter_changes == {
        "year": 2026,
        "number": 1,
        "status": "confirmed",
        "confirmed_at": at(4, 9),
        "confirmed_by": "Nguyễn Văn An",
    }
    e = s.event
    assert (e.kind, e.at, e.actor, e.from_unit) == (
        "apology",
        at(4, 9),
        "Nguyễn Văn An",
        "Bộ phận Một cửa",
    )
    assert e.to_unit == "Nguyễn Thị Hồng Nhung" and e.note.startswith("Cơ quan phối hợp")
    assert e.data == {
        "letter_id": 7,
        "number": 1,
        "year": 2026,
        "proposed_due_at": "2026-03-09 10:00",
        "extension_counts": True,
        "override": False,
        "old_due_at": "2026-03-05 08:00",
    }


def test_a_late_reappointment_is_kept_but_never_moves_the_due_date() -> None:
    s = signing(letter(), dossier(), None, 2, at(5, 7), "Nguyễn Văn An", "Một cửa")
    assert "due_at" not in s.dossier_changes and s.dossier_changes["extended_due_at"] == at(9, 10)
    assert s.event.data["extension_counts"] is False
    # Against the legal due date, not one moved since.
    moved = dossier(due_at=at(9, 10), original_due_at=at(5))
    assert "due_at" not in signing(letter(), moved, None, 2, at(5, 7), "A", "B").dossier_changes


@pytest.mark.parametrize(
    ("signed", "counts"),
    [
        (datetime(2026, 3, 8, 23, 59), True),  # Sunday, the calendar day before Monday's due day
        (datetime(2026, 3, 9, 0, 0), False),  # Monday, the due day
    ],
)
def test_signing_over_the_weekend_moves_a_monday_appointment(
    signed: datetime, counts: bool
) -> None:
    monday = at(9, 10)
    d = dossier(due_at=monday)
    s = signing(
        letter(original_due_at=monday, proposed_due_at=at(11, 10)), d, None, 4, signed, "A", "B"
    )
    assert s.event.data["extension_counts"] is counts
    assert s.dossier_changes.get("due_at") == (at(11, 10) if counts else None)
    assert s.dossier_changes["extended_due_at"] == at(11, 10)


def test_a_settled_dossier_is_not_reappointed_and_an_override_is_flagged() -> None:
    done = dossier(status=Status.RESULT_READY, settled_at=at(6))
    override = Override("Nguyễn Văn An", "Chờ kết quả xác minh")
    s = signing(letter(), done, override, 3, at(9), "Nguyễn Văn An", "Một cửa")
    assert set(s.dossier_changes) == {"late_reason", "responsible_unit"}
    assert s.letter_changes["override"] is True
    assert s.letter_changes["override_reason"] == "Chờ kết quả xác minh"
    assert s.event.data["override"] is True


def test_delivering_and_discarding() -> None:
    assert check_deliverable("Gọi điện thoại", None, at(4, 9, 30)) == at(4, 9, 30)
    assert check_deliverable("SMS", at(4, 9, 0, 40), at(4, 9, 30)) == at(4, 9)
    with pytest.raises(ValidationError, match="Chọn cách gửi"):
        check_deliverable("", None, at(4))
    with pytest.raises(ValidationError, match="tương lai"):
        check_deliverable("SMS", at(4, 10), at(4, 9))
    with pytest.raises(ValidationError, match="chưa được ký"):
        check_sent(letter())
    check_sent(letter(status=LetterStatus.CONFIRMED))
    check_discardable(letter())
    with pytest.raises(ValidationError, match="dự thảo"):
        check_discardable(letter(status=LetterStatus.DELIVERED))


def test_the_look_back_is_the_current_and_previous_reporting_month() -> None:
    from datetime import date

    from tthc_desk.domain.apology import lookback_start

    # 02/03/2026 is in the reporting month 15/02–14/03; the one before starts on 15/01.
    assert lookback_start(date(2026, 3, 2), 2) == datetime(2026, 1, 15)
    assert lookback_start(date(2026, 3, 2), 1) == datetime(2026, 2, 15)
    assert lookback_start(date(2026, 3, 15), 2) == datetime(2026, 2, 15)  # a new month
    assert lookback_start(date(2026, 1, 10), 2) == datetime(2025, 11, 15)  # across the year
    assert lookback_start(date(2026, 3, 2), 2, cutoff=False) == datetime(2026, 2, 1)
    assert lookback_start(date(2026, 3, 2), 12, cutoff=False) == datetime(2025, 4, 1)
    with pytest.raises(ValidationError, match="từ 1 đến 24"):
        lookback_start(date(2026, 3, 2), 0)
