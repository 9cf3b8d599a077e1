"""The rules of each move after intake, planned from a dossier's state without a database."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tthc_desk.domain.calendar import WorkCalendar, seed_exceptions
from tthc_desk.domain.dossier import PaperItem, Status
from tthc_desk.domain.errors import ValidationError
from tthc_desk.domain.lifecycle import SETTLED, TRANSITIONS, Granularity, Move
from tthc_desk.domain.moves import (
    DossierState,
    MoveContext,
    MovePlan,
    MoveRequest,
    check_moment,
    move_moment,
    plan_move,
)
from tthc_desk.domain.office import OfficeHours
from tthc_desk.domain.procedure import Duration, DurationUnit

CAL = WorkCalendar(OfficeHours(), [e for y in (2025, 2026, 2027) for e in seed_exceptions(y)])
NOW = datetime(2026, 3, 3, 10, 0)
OFFICE = "Bộ phận Một cửa"
CTX = MoveContext(OFFICE, CAL, NOW, Granularity.DAY, timedelta(days=15))

STATE = DossierState(
    id=1,
    status=Status.RECEIVED,
    handling_unit="Công chức Tư pháp - Hộ tịch",
    current_unit=OFFICE,
    applicant_name="Nguyễn Thị Hồng Nhung",
    authorised_name="",
    duration=Duration(3, DurationUnit.WORKING_DAYS),
    received_at=datetime(2026, 3, 2, 8, 0),
    due_at=datetime(2026, 3, 5, 8, 0),
    original_due_at=datetime(2026, 3, 5, 8, 0),
    last_step_at=datetime(2026, 3, 2, 8, 0),
)


def plan(
    move: Move, state: DossierState = STATE, at: datetime = NOW, **request: object
) -> MovePlan:
    """The plan of ``move`` recorded at ``at``, which is also the clock's now."""
    return plan_move(state, MoveRequest(move, **request), at, replace(CTX, now=at))  # type: ignore[arg-type]


def test_hand_over_goes_to_the_handling_unit_by_default() -> None:
    p = plan(Move.HAND_OVER)
    assert p.status is Status.IN_PROGRESS
    assert p.changes == {"current_unit": "Công chức Tư pháp - Hộ tịch", "status": "in_progress"}
    assert (p.from_unit, p.to_unit) == (OFFICE, "Công chức Tư pháp - Hộ tịch")
    assert p.data == {"from_status": "received", "to_status": "in_progress"}
    there = replace(STATE, status=Status.IN_PROGRESS, current_unit="Phòng A")
    p = plan(Move.HAND_OVER, there, unit="  Phòng   B ", note=" Xin ý kiến ")
    assert (p.from_unit, p.to_unit, p.note) == ("Phòng A", "Phòng B", "Xin ý kiến")
    with pytest.raises(ValidationError) as err:
        plan(Move.HAND_OVER, there, unit="Phòng A")
    assert "unit" in err.value.field_messages()
    with pytest.raises(ValidationError):
        plan(Move.HAND_OVER, replace(STATE, handling_unit=""))


def test_supplement_stops_the_clock_and_warns_when_late() -> None:
    p = plan(Move.SUPPLEMENT, reason="Thiếu  giấy", papers=(PaperItem(" Bản sao "), PaperItem("")))
    assert p.changes == {
        "supplement_requested_at": NOW,
        "current_unit": OFFICE,
        "status": "supplement",
    }
    assert p.data["papers"] == [{"name": "Bản sao", "kind": "original", "count": 1}]
    assert p.data["reason"] == "Thiếu giấy" and p.note == "Thiếu giấy"
    assert p.warnings == () and "late_request" not in p.data
    late = plan(Move.SUPPLEMENT, replace(STATE, received_at=datetime(2026, 2, 25)), reason="x")
    assert late.warnings and "muộn" in late.warnings[0] and late.data["late_request"] is True
    with pytest.raises(ValidationError):
        plan(Move.SUPPLEMENT)


def test_supplemented_restarts_the_clock_from_zero() -> None:
    waiting = replace(
        STATE,
        status=Status.SUPPLEMENT,
        supplement_requested_at=datetime(2026, 3, 2, 9, 0),
        extended_due_at=datetime(2026, 3, 9, 8, 0),
    )
    at = datetime(2026, 3, 3, 9, 30)
    p = plan(Move.SUPPLEMENTED, waiting, at=at)
    assert p.changes == {
        "received_at": at,
        "original_due_at": datetime(2026, 3, 6, 9, 30),
        "due_at": datetime(2026, 3, 6, 9, 30),
        "extended_due_at": None,
        "extension_recorded_at": None,
        "supplement_requested_at": None,
        "current_unit": OFFICE,
        "status": "received",
    }
    assert (p.from_unit, p.to_unit) == ("Nguyễn Thị Hồng Nhung", OFFICE)
    assert p.data["old_received_at"] == "2026-03-02 08:00"
    assert p.data["old_extended_due_at"] == "2026-03-09 08:00"
    assert p.data["new_due_at"] == "2026-03-06 09:30"


def test_result_ready_settles_and_classifies() -> None:
    working = replace(STATE, status=Status.IN_PROGRESS, current_unit="Phòng A")
    p = plan(Move.RESULT_READY, working)
    assert p.changes == {"current_unit": OFFICE, "status": "result_ready", "settled_at": NOW}
    assert (p.from_unit, p.data["timeliness"]) == ("Phòng A", "early")
    late = plan(Move.RESULT_READY, replace(working, due_at=NOW - timedelta(days=1)))
    assert late.data["timeliness"] == "late"


def test_returned_records_who_took_it_and_the_rating() -> None:
    ready = replace(STATE, status=Status.RESULT_READY, authorised_name="Lê Văn Tám")
    p = plan(Move.RETURNED, ready, rating="satisfied", rating_comment=" Nhanh  gọn ")
    assert "settled_at" not in p.changes
    assert p.changes["returned_to"] == "Lê Văn Tám" and p.changes["rating"] == "satisfied"
    assert p.data["rating_label"] == "Hài lòng" and p.data["rating_comment"] == "Nhanh gọn"
    assert (p.from_unit, p.to_unit) == (OFFICE, "Lê Văn Tám")
    assert plan(Move.RETURNED, ready, taken_by="Bà Hoa").changes["rating"] == ""


@pytest.mark.parametrize("move", [Move.REFUSED, Move.STOPPED])
def test_refusal_and_stop_need_a_reason(move: Move) -> None:
    with pytest.raises(ValidationError) as err:
        plan(move)
    assert "reason" in err.value.field_messages()
    p = plan(move, reason="Không đủ điều kiện")
    assert p.data["reason"] == "Không đủ điều kiện" and p.changes["settled_at"] == NOW


def test_withdrawn_and_closed_leave_the_office() -> None:
    p = plan(Move.WITHDRAWN, reason="Người dân xin rút")
    assert p.changes == {"current_unit": "", "status": "withdrawn"}
    assert p.to_unit == "Nguyễn Thị Hồng Nhung"
    waiting = replace(STATE, status=Status.SUPPLEMENT, supplement_requested_at=NOW)
    with pytest.raises(ValidationError) as err:
        plan(Move.CLOSED, waiting, at=NOW + timedelta(days=14, hours=23))
    assert "15 ngày" in err.value.message
    p = plan(Move.CLOSED, waiting, at=NOW + timedelta(days=15))
    assert p.data["reason"] == "Không bổ sung hồ sơ trong 15 ngày" and p.to_unit == ""


def test_moments() -> None:
    assert move_moment(None, datetime(2026, 3, 3, 10, 0, 59)) == datetime(2026, 3, 3, 10, 0)
    assert move_moment(datetime(2026, 3, 1, 9, 5, 30), NOW) == datetime(2026, 3, 1, 9, 5)
    check_moment(NOW + timedelta(minutes=1), NOW, None)
    with pytest.raises(ValidationError):
        plan_move(STATE, MoveRequest(Move.HAND_OVER), NOW + timedelta(minutes=2), CTX)
    with pytest.raises(ValidationError):
        check_moment(NOW + timedelta(minutes=2), NOW, None)
    with pytest.raises(ValidationError):
        check_moment(NOW, NOW, NOW + timedelta(seconds=1))
    with pytest.raises(ValidationError):
        plan(Move.HAND_OVER, at=datetime(2026, 3, 1, 9, 0))  # before the receipt


def test_an_impossible_move_is_refused_before_anything_else() -> None:
    with pytest.raises(ValidationError) as err:
        plan(Move.RETURNED, at=NOW + timedelta(days=1))
    assert "Không thể" in err.value.message


# The columns each move may set beside status and settled_at.
MOVE_COLUMNS: dict[Move, set[str]] = {
    Move.HAND_OVER: {"current_unit"},
    Move.SUPPLEMENT: {"current_unit", "supplement_requested_at"},
    Move.SUPPLEMENTED: {
        "received_at",
        "original_due_at",
        "due_at",
        "extended_due_at",
        "extension_recorded_at",
        "supplement_requested_at",
        "current_unit",
    },
    Move.RESULT_READY: {"current_unit"},
    Move.RETURNED: {"returned_at", "returned_to", "rating", "rating_comment"},
    Move.REFUSED: {"current_unit"},
    Move.STOPPED: {"current_unit"},
    Move.WITHDRAWN: {"current_unit"},
    Move.CLOSED: {"current_unit"},
}

moments = st.datetimes(min_value=datetime(2026, 1, 5), max_value=datetime(2026, 12, 20)).map(
    lambda m: m.replace(second=0, microsecond=0)
)
units = st.sampled_from(["", OFFICE, "Phòng A", "Công chức Tư pháp - Hộ tịch"])


@settings(max_examples=400, deadline=None)
@given(
    status=st.sampled_from(list(Status)),
    move=st.sampled_from(list(Move)),
    received=moments,
    step=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=40)),
    current=units,
    handling=units,
    unit=units,
    reason=st.sampled_from(["", "Lý do"]),
)
def test_a_move_touches_only_its_own_columns(
    status: Status,
    move: Move,
    received: datetime,
    step: timedelta,
    current: str,
    handling: str,
    unit: str,
    reason: str,
) -> None:
    at = move_moment(received + step, received)
    state = replace(
        STATE,
        status=status,
        current_unit=current,
        handling_unit=handling,
        received_at=received,
        due_at=received + timedelta(days=3),
        supplement_requested_at=received if status is Status.SUPPLEMENT else None,
        last_step_at=received,
    )
    try:
        p = plan_move(state, MoveRequest(move, unit=unit, reason=reason), at, replace(CTX, now=at))
    except ValidationError:
        assert move not in TRANSITIONS[status] or move in {
            Move.HAND_OVER,
            Move.SUPPLEMENT,
            Move.REFUSED,
            Move.STOPPED,
            Move.CLOSED,
        }
        return
    assert p.status is TRANSITIONS[status][move]
    assert p.changes["status"] == p.status.value
    settles = p.status in SETTLED and move is not Move.RETURNED
    assert ("settled_at" in p.changes) is settles
    assert set(p.changes) - {"status", "settled_at"} <= MOVE_COLUMNS[move]
    assert (p.data["from_status"], p.data["to_status"]) == (status.value, p.status.value)
    event = p.event("Trần Thị Bình")
    assert (event.at, event.kind, event.actor) == (at, move.value, "Trần Thị Bình")
