"""What the post reports for an item on a list: delivered, a failed attempt, or sent back.

rules.md "Channels, postal service": an outcome is recorded by hand or from the post office's
status file, never in the future nor before the handover; delivered and sent back are final; a
row repeating what is recorded changes nothing (post office files are often cumulative). Sent
back (chuyển hoàn) puts the dossier back in the counter queue, to be returned in person; its
settlement moment never changes, so its classification stays what it was.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from typing import Any, NamedTuple

from tthc_desk.domain.dossier import ReturnMethod, Status
from tthc_desk.domain.errors import Problem, ValidationError
from tthc_desk.domain.lifecycle import DossierEvent, EventKind
from tthc_desk.domain.naming import name
from tthc_desk.domain.postal import (
    FUTURE_TOLERANCE,
    OUTCOMES,
    POST_OFFICE,
    STATUS_CHOICES,
    PostalItem,
    PostalState,
    StatusRow,
    change_problem,
    minute,
)

#: The history step each outcome writes.
OUTCOME_EVENTS = {
    PostalState.DELIVERED: EventKind.POSTAL_DELIVERED.value,
    PostalState.FAILED: EventKind.POSTAL_FAILED.value,
    PostalState.RETURNED: EventKind.POSTAL_RETURNED.value,
}


def check_outcome(state: PostalState | None) -> PostalState:
    """``state`` when it is an outcome the post may report, else a ValidationError on ``state``
    (None: a word nobody could read, see :func:`tthc_desk.presentation.parse_outcome`)."""
    if state is None or state not in OUTCOMES:
        raise ValidationError.for_field(
            "state", f"Trạng thái bưu gửi phải là một trong: {STATUS_CHOICES}."
        )
    return state


def outcome_row(
    waybill: str, state: PostalState, at: datetime | date | None, now: datetime
) -> StatusRow:
    """An outcome typed by hand, as a status file row: ``at`` may be a day only (default now)."""
    if at is None:
        return StatusRow(0, waybill, state, now)
    if isinstance(at, datetime):
        return StatusRow(0, waybill, state, at)
    return StatusRow(0, waybill, state, datetime.combine(at, time.min), date_only=True)


# -- the moment of an outcome ------------------------------------------------------------------


def _handed_over_at(item: PostalItem) -> datetime:
    if item.handed_over_at is None:
        raise ValueError(f"item of {item.dossier_code} is not on a handover list")
    return item.handed_over_at


def _previous(item: PostalItem) -> datetime:
    """The latest step recorded for the item."""
    steps = (item.handed_over_at, item.failed_at, item.delivered_at, item.returned_at)
    return max(x for x in steps if x is not None)


def _day_moment(
    row: StatusRow, item: PostalItem, now: datetime, problems: list[Problem]
) -> datetime | None:
    """A day without a time: placed at the item's latest step if it is that day, never after
    now."""
    handed = _handed_over_at(item)
    if row.at.date() > now.date():
        problems.append(
            Problem(f"Ngày {row.at:%d/%m/%Y} ở tương lai (hôm nay là {now:%d/%m/%Y})", field="at")
        )
        return None
    if row.at.date() < handed.date():
        problems.append(
            Problem(
                f"Ngày {row.at:%d/%m/%Y} trước ngày giao bưu điện ({handed:%d/%m/%Y})",
                field="at",
            )
        )
        return None
    return min(max(row.at, _previous(item)), now)


def _time_moment(
    row: StatusRow, item: PostalItem, now: datetime, problems: list[Problem]
) -> datetime | None:
    handed = _handed_over_at(item)
    moment = minute(row.at)
    if moment > now + FUTURE_TOLERANCE:
        problems.append(
            Problem(
                f"Thời điểm {moment:%H:%M %d/%m/%Y} ở tương lai (bây giờ là {now:%H:%M %d/%m/%Y})",
                field="at",
            )
        )
        return None
    if moment < handed:
        problems.append(
            Problem(
                f"Thời điểm {moment:%H:%M %d/%m/%Y} trước lúc giao bưu điện "
                f"({handed:%H:%M %d/%m/%Y})",
                field="at",
            )
        )
        return None
    return moment


def repeats_record(row: StatusRow, item: PostalItem, moment: datetime) -> bool:
    """The row says what is already recorded: the same final state, or the same failed attempt
    (a failed attempt on another day is a new attempt)."""
    if row.state is not item.state:
        return False
    if item.state is not PostalState.FAILED:
        return True
    return item.failed_at is not None and item.failed_at.date() == moment.date()


def outcome_moment(
    row: StatusRow, item: PostalItem, now: datetime, problems: list[Problem]
) -> datetime | None:
    """The moment to record for ``row`` on ``item`` (on a list); None when the row only repeats
    what is recorded (so a cumulative file can be imported twice) or cannot be applied, in which
    case ``problems`` gets the reasons (field "at" or "state")."""
    if row.date_only:
        moment = _day_moment(row, item, now, problems)
    else:
        moment = _time_moment(row, item, now, problems)
    if moment is None or repeats_record(row, item, moment):
        return None
    if msg := change_problem(item.state, row.state):
        problems.append(Problem(msg.rstrip("."), field="state"))
        return None
    previous = _previous(item)
    if moment < previous and not row.date_only:
        problems.append(
            Problem(
                f"Thời điểm {moment:%H:%M %d/%m/%Y} trước bước trước đó của bưu gửi "
                f"({previous:%H:%M %d/%m/%Y})",
                field="at",
            )
        )
        return None
    return moment


# -- applying an outcome -----------------------------------------------------------------------


@dataclass(frozen=True)
class TrackedItem:
    """An item on a list, with what an outcome reads of its dossier."""

    item: PostalItem
    item_id: int
    dossier_id: int
    dossier_status: Status
    dossier_returned_at: datetime | None
    dossier_returned_to: str
    dossier_return_method: ReturnMethod


@dataclass(frozen=True)
class Outcome:
    """What an outcome writes: the item after it, whether the dossier goes back to the counter
    queue (chuyển hoàn), and the history step."""

    item: PostalItem
    sent_back: bool
    event: DossierEvent


def _iso(value: datetime | None) -> str | None:
    return value.isoformat(sep=" ", timespec="minutes") if value else None


def _sent_back_data(tracked: TrackedItem) -> dict[str, Any]:
    return {
        "from_status": tracked.dossier_status.value,
        "to_status": Status.RESULT_READY.value,
        "old_returned_at": _iso(tracked.dossier_returned_at),
        "old_returned_to": tracked.dossier_returned_to,
        "old_return_method": tracked.dossier_return_method.value,
    }


def plan_outcome(
    tracked: TrackedItem,
    state: PostalState,
    moment: datetime,
    note: str,
    *,
    actor: str,
    office: str,
) -> Outcome:
    """Record ``state`` at ``moment`` (checked by :func:`outcome_moment`) on the item; ``note``
    is added to the item's notes and becomes the step's note."""
    item = tracked.item
    data: dict[str, Any] = {
        "waybill": item.waybill,
        "postal_batch": item.batch_number,
        "from_state": item.state.value,
        "to_state": state.value,
    }
    sent_back = state is PostalState.RETURNED
    if sent_back:
        data.update(_sent_back_data(tracked))
    after = replace(
        item,
        state=state,
        delivered_at=moment if state is PostalState.DELIVERED else item.delivered_at,
        failed_at=moment if state is PostalState.FAILED else item.failed_at,
        returned_at=moment if sent_back else item.returned_at,
        note="; ".join(p for p in (item.note, note) if p) if note else item.note,
        taken_at_counter=False,  # delivered, failed, or back in the counter queue
    )
    event = DossierEvent(
        moment,
        OUTCOME_EVENTS[state],
        actor,
        from_unit=POST_OFFICE,
        to_unit=office if sent_back else item.recipient_name,
        note=note or f"{name(state)} (bưu gửi {item.waybill or 'chưa có số hiệu'})",
        data=data,
    )
    return Outcome(after, sent_back, event)


# -- a status file -----------------------------------------------------------------------------


class PlannedRow(NamedTuple):
    """A checked row of a status file: the moment to record, None when it repeats the record."""

    row: StatusRow
    moment: datetime | None


def check_status_rows(
    rows: Sequence[StatusRow], found: Mapping[str, TrackedItem], now: datetime
) -> tuple[list[PlannedRow], list[Problem]]:
    """Check each row of a status file against the item carrying its waybill (``found``).

    The problems carry the row and the field of the row at fault ("waybill", "at", "state").
    """
    planned: list[PlannedRow] = []
    problems: list[Problem] = []
    for row in rows:
        tracked = found.get(row.waybill)
        if tracked is None:
            problems.append(
                Problem(
                    f"Không có bưu gửi nào số hiệu {row.waybill} trong các danh sách bàn giao",
                    field="waybill",
                    row=row.row,
                )
            )
            continue
        mine: list[Problem] = []
        moment = outcome_moment(row, tracked.item, now, mine)
        problems.extend(replace(p, row=row.row) for p in mine)
        if not mine:
            planned.append(PlannedRow(row, moment))
    return planned, problems
