"""What the post reports for an item: the moment rules, the changes, a status file's rows."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from tests.domain.postal_samples import HANDED, sample_item
from tthc_desk.domain.dossier import ReturnMethod, Status
from tthc_desk.domain.errors import Problem, ValidationError
from tthc_desk.domain.postal import (
    FUTURE_TOLERANCE,
    OUTCOMES,
    POST_OFFICE,
    PostalItem,
    PostalState,
    StatusRow,
)
from tthc_desk.domain.postal_outcomes import (
    PlannedRow,
    TrackedItem,
    check_outcome,
    check_status_rows,
    outcome_moment,
    outcome_row,
    plan_outcome,
    repeats_record,
)

NOW = datetime(2026, 3, 6, 17, 0)
W = "EB123456789VN"


def row(state: PostalState, at: datetime, date_only: bool = False, n: int = 0) -> StatusRow:
    return StatusRow(n, W, state, at, date_only=date_only)


def tracked(item: PostalItem | None = None) -> TrackedItem:
    return TrackedItem(
        item=item or sample_item(),
        item_id=3,
        dossier_id=7,
        dossier_status=Status.RETURNED,
        dossier_returned_at=HANDED,
        dossier_returned_to="Nguyễn Thị Hồng Nhung",
        dossier_return_method=ReturnMethod.POSTAL,
    )


def test_only_what_the_post_reports_is_an_outcome() -> None:
    assert check_outcome(PostalState.FAILED) is PostalState.FAILED
    for bad in (None, PostalState.WAITING, PostalState.HANDED_OVER):
        with pytest.raises(ValidationError) as e:
            check_outcome(bad)
        assert "delivered" in e.value.field_messages()["state"]


def test_an_outcome_typed_by_hand_is_a_row() -> None:
    assert outcome_row(W, PostalState.FAILED, None, NOW) == row(PostalState.FAILED, NOW)
    at = datetime(2026, 3, 4, 9, 30)
    assert outcome_row(W, PostalState.FAILED, at, NOW) == row(PostalState.FAILED, at)
    assert outcome_row(W, PostalState.FAILED, date(2026, 3, 4), NOW) == row(
        PostalState.FAILED, datetime(2026, 3, 4), date_only=True
    )


def test_moments_of_outcomes() -> None:
    item = sample_item()
    problems: list[Problem] = []
    at = datetime(2026, 3, 4, 10, 30, 59)
    assert outcome_moment(row(PostalState.DELIVERED, at), item, NOW, problems) == datetime(
        2026, 3, 4, 10, 30
    )
    # A day alone on the handover day sits at the handover, never earlier; today, never later.
    day = row(PostalState.FAILED, datetime(2026, 3, 2), date_only=True)
    assert outcome_moment(day, item, NOW, problems) == HANDED
    late = sample_item(handed_over_at=datetime(2026, 3, 6, 16, 0), failed_at=NOW)
    today = row(PostalState.DELIVERED, datetime(2026, 3, 6), date_only=True)
    assert outcome_moment(today, late, datetime(2026, 3, 6, 17, 30), problems) == NOW
    assert problems == []


@pytest.mark.parametrize(
    ("status_row", "field", "words"),
    [
        (row(PostalState.DELIVERED, datetime(2026, 3, 7), date_only=True), "at", "ở tương lai"),
        (row(PostalState.DELIVERED, datetime(2026, 3, 1), True), "at", "trước ngày giao"),
        (row(PostalState.DELIVERED, NOW + timedelta(minutes=2)), "at", "ở tương lai"),
        (row(PostalState.DELIVERED, datetime(2026, 3, 2, 13, 0)), "at", "trước lúc giao"),
    ],
)
def test_moments_refused(status_row: StatusRow, field: str, words: str) -> None:
    problems: list[Problem] = []
    assert outcome_moment(status_row, sample_item(), NOW, problems) is None
    assert [p.field for p in problems] == [field] and words in problems[0].message


def test_final_states_and_steps_out_of_order() -> None:
    delivered = sample_item(state=PostalState.DELIVERED, delivered_at=datetime(2026, 3, 4, 9, 0))
    problems: list[Problem] = []
    assert outcome_moment(row(PostalState.RETURNED, NOW), delivered, NOW, problems) is None
    assert problems[0].field == "state" and "trạng thái cuối" in problems[0].message
    assert not problems[0].message.endswith(".")
    failed = sample_item(state=PostalState.FAILED, failed_at=datetime(2026, 3, 5, 9, 0))
    problems = []
    before = row(PostalState.DELIVERED, datetime(2026, 3, 4, 9, 0))
    assert outcome_moment(before, failed, NOW, problems) is None
    assert problems[0].field == "at" and "trước bước trước đó" in problems[0].message


def test_repeats_change_nothing_but_a_new_failed_day_is_a_new_attempt() -> None:
    delivered = sample_item(state=PostalState.DELIVERED, delivered_at=datetime(2026, 3, 4, 9, 0))
    problems: list[Problem] = []
    again = row(PostalState.DELIVERED, datetime(2026, 3, 5), date_only=True)
    assert outcome_moment(again, delivered, NOW, problems) is None and problems == []
    failed = sample_item(state=PostalState.FAILED, failed_at=datetime(2026, 3, 4, 9, 0))
    assert repeats_record(row(PostalState.FAILED, NOW), failed, datetime(2026, 3, 4, 15, 0))
    assert not repeats_record(row(PostalState.FAILED, NOW), failed, datetime(2026, 3, 5, 9, 0))
    second = row(PostalState.FAILED, datetime(2026, 3, 5, 9, 0))
    assert outcome_moment(second, failed, NOW, problems) == datetime(2026, 3, 5, 9, 0)
    assert problems == []


states = st.sampled_from([PostalState.HANDED_OVER, *OUTCOMES])
moments = st.datetimes(min_value=datetime(2026, 3, 1), max_value=datetime(2026, 3, 9)).map(
    lambda m: m.replace(second=0, microsecond=0)
)


@st.composite
def items(draw: st.DrawFn) -> PostalItem:
    handed = draw(moments)
    state = draw(states)
    later = draw(moments.filter(lambda m: m >= handed))
    return sample_item(
        handed_over_at=handed,
        state=state,
        delivered_at=later if state is PostalState.DELIVERED else None,
        failed_at=later if state is PostalState.FAILED else None,
        returned_at=later if state is PostalState.RETURNED else None,
    )


@given(
    item=items(),
    state=st.sampled_from(list(OUTCOMES)),
    at=moments,
    date_only=st.booleans(),
    ahead=st.integers(0, 3 * 24 * 60),
)
def test_a_recorded_moment_is_between_the_handover_and_now(
    item: PostalItem, state: PostalState, at: datetime, date_only: bool, ahead: int
) -> None:
    steps = (item.handed_over_at, item.failed_at, item.delivered_at, item.returned_at)
    previous = max(x for x in steps if x is not None)
    now = previous + timedelta(minutes=ahead)
    assume(not date_only or at == datetime.combine(at.date(), datetime.min.time()))
    problems: list[Problem] = []
    moment = outcome_moment(StatusRow(1, W, state, at, date_only), item, now, problems)
    if moment is None:
        # Refused with a reason, or the post repeats what is recorded.
        assert problems or state is item.state
        return
    assert problems == []
    assert item.handed_over_at is not None and item.handed_over_at <= moment
    assert moment <= now + FUTURE_TOLERANCE and moment.second == 0
    assert moment >= previous  # history never goes backwards
    assert item.state not in (PostalState.DELIVERED, PostalState.RETURNED)


def test_delivered_and_failed_change_the_item_only() -> None:
    item = sample_item(note="Gọi trước")
    delivered = plan_outcome(
        tracked(item), PostalState.DELIVERED, NOW, "", actor="Lê Thị Mai", office="UBND xã"
    )
    assert not delivered.sent_back
    assert (delivered.item.state, delivered.item.delivered_at) == (PostalState.DELIVERED, NOW)
    assert delivered.item.note == "Gọi trước" and delivered.item.failed_at is None
    event = delivered.event
    assert (event.kind, event.at, event.actor) == ("postal_delivered", NOW, "Lê Thị Mai")
    assert (event.from_unit, event.to_unit) == (POST_OFFICE, item.recipient_name)
    assert event.note == f"Đã phát thành công (bưu gửi {W})"
    assert event.data == {
        "waybill": W,
        "postal_batch": "01/2026/BGBC",
        "from_state": "handed_over",
        "to_state": "delivered",
    }
    failed = plan_outcome(
        tracked(sample_item(waybill="")), PostalState.FAILED, NOW, "Vắng nhà", actor="", office=""
    )
    assert failed.item.failed_at == NOW and failed.item.note == "Vắng nhà"
    assert failed.event.note == "Vắng nhà"
    nameless = plan_outcome(
        tracked(sample_item(waybill="")), PostalState.FAILED, NOW, "", actor="", office=""
    )
    assert nameless.event.note == "Phát không thành công (bưu gửi chưa có số hiệu)"


def test_sent_back_puts_the_dossier_back_in_the_counter_queue() -> None:
    item = sample_item(state=PostalState.FAILED, failed_at=datetime(2026, 3, 4, 9, 0), note="a")
    outcome = plan_outcome(
        tracked(item), PostalState.RETURNED, NOW, "b", actor="Lê Thị Mai", office="UBND xã"
    )
    assert outcome.sent_back and outcome.item.returned_at == NOW
    assert outcome.item.note == "a; b" and not outcome.item.taken_at_counter
    assert (outcome.event.kind, outcome.event.to_unit) == ("postal_returned", "UBND xã")
    assert outcome.event.data == {
        "waybill": W,
        "postal_batch": "01/2026/BGBC",
        "from_state": "failed",
        "to_state": "returned",
        "from_status": "returned",
        "to_status": "result_ready",
        "old_returned_at": "2026-03-02 14:00",
        "old_returned_to": "Nguyễn Thị Hồng Nhung",
        "old_return_method": "postal",
    }


def test_rows_of_a_status_file_are_checked_against_their_items() -> None:
    found = {W: tracked()}
    rows = [
        row(PostalState.DELIVERED, datetime(2026, 3, 4, 9, 0), n=2),
        StatusRow(3, "EB999999999VN", PostalState.DELIVERED, datetime(2026, 3, 4)),
    ]
    planned, problems = check_status_rows(rows, found, NOW)
    assert planned == [PlannedRow(rows[0], datetime(2026, 3, 4, 9, 0))]
    assert problems == [
        Problem(
            "Không có bưu gửi nào số hiệu EB999999999VN trong các danh sách bàn giao",
            field="waybill",
            row=3,
        )
    ]
    future = [row(PostalState.DELIVERED, datetime(2026, 3, 9), date_only=True, n=5)]
    planned, problems = check_status_rows(future, found, NOW)
    assert planned == [] and [(p.row, p.field) for p in problems] == [(5, "at")]
    repeated = sample_item(state=PostalState.DELIVERED, delivered_at=datetime(2026, 3, 4, 9, 0))
    planned, problems = check_status_rows(rows[:1], {W: tracked(repeated)}, NOW)
    assert planned == [PlannedRow(rows[0], None)] and problems == []
