"""The rules of each move after intake, as pure functions of the dossier's state.

A move is planned from the dossier as it stands (:class:`DossierState`), the clerk's request and
the office's settings (:class:`MoveContext`); the plan says which columns change, which unit gave
and which received, what the event records in ``data``, and what to warn about. The service
stores the plan in one unit of work, so the history can always be replayed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from tthc_desk.domain.calendar import WorkCalendar
from tthc_desk.domain.deadlines import compute_due
from tthc_desk.domain.dossier import PaperItem, Status
from tthc_desk.domain.errors import ProblemCollector, ValidationError
from tthc_desk.domain.intake import FUTURE_TOLERANCE
from tthc_desk.domain.lifecycle import (
    SETTLED,
    SUPPLEMENT_REQUEST_LIMIT_DAYS,
    DossierEvent,
    Granularity,
    Move,
    classify,
    next_status,
    rating_of,
)
from tthc_desk.domain.naming import name
from tthc_desk.domain.procedure import Duration
from tthc_desk.domain.text import (
    NAME_MAX,
    NOTE_MAX,
    REASON_MAX,
    SHORT_TEXT_MAX,
    collapse_spaces,
    nfc,
    text_problem,
)


@dataclass(frozen=True)
class MoveRequest:
    """One move as asked by the clerk (GUI dialog) or the CLI."""

    move: Move
    at: datetime | None = None  # None: now
    unit: str = ""  # hand-over: the receiving unit; result-ready: the unit giving the result
    note: str = ""
    reason: str = ""  # supplement, refusal, stop, withdrawal, closing
    papers: tuple[PaperItem, ...] = ()  # supplement: what is missing
    taken_by: str = ""  # returned: who took the result (default: the applicant)
    rating: str = ""  # returned: a Rating code (the services also read its label)
    rating_comment: str = ""


@dataclass(frozen=True)
class DossierState:
    """What the move rules read of a dossier: where it is, its running clock, its last step."""

    id: int
    status: Status
    handling_unit: str
    current_unit: str
    applicant_name: str
    authorised_name: str
    duration: Duration
    received_at: datetime
    due_at: datetime
    original_due_at: datetime | None = None
    extended_due_at: datetime | None = None
    supplement_requested_at: datetime | None = None
    last_step_at: datetime | None = None  # the latest event; a new step may not come before


@dataclass(frozen=True)
class MoveContext:
    """The office's side of a move: its name, calendar and settings, and the clock."""

    office: str
    calendar: WorkCalendar
    now: datetime
    granularity: Granularity
    close_after: timedelta  # an unanswered supplement request may be closed after this


@dataclass(frozen=True)
class MovePlan:
    """What a move does: the columns it sets and the event it appends."""

    move: Move
    at: datetime
    status: Status
    changes: dict[str, object]  # column → new value, status included
    from_unit: str
    to_unit: str
    note: str
    data: dict[str, Any]
    warnings: tuple[str, ...] = ()

    def event(self, actor: str) -> DossierEvent:
        """The step to append to the dossier's history, recorded by ``actor``."""
        return DossierEvent(
            self.at, self.move.value, actor, self.from_unit, self.to_unit, self.note, self.data
        )


@dataclass
class _Step:
    """What one move's rule decides beside the status change."""

    from_unit: str
    to_unit: str
    changes: dict[str, object] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def move_moment(requested: datetime | None, now: datetime) -> datetime:
    """The recorded moment of a step: as asked (default now), to the minute."""
    return (requested or now).replace(second=0, microsecond=0)


def check_moment(at: datetime, now: datetime, last_at: datetime | None) -> None:
    """A step is neither in the future nor before the dossier's latest step."""
    if at > now + FUTURE_TOLERANCE:
        raise ValidationError.for_field(
            "at",
            f"Thời điểm {at:%H:%M %d/%m/%Y} ở tương lai (bây giờ là {now:%H:%M %d/%m/%Y}).",
        )
    if last_at is not None and at < last_at:
        raise ValidationError.for_field(
            "at",
            f"Thời điểm {at:%H:%M %d/%m/%Y} trước bước gần nhất của hồ sơ "
            f"({last_at:%H:%M %d/%m/%Y}).",
        )


def check_request_text(request: MoveRequest) -> None:
    """The text gate on every text of a move request: one ValidationError naming each field."""
    problems = ProblemCollector()
    fields: list[tuple[str, str, str, int]] = [
        ("unit", "Đơn vị", request.unit, SHORT_TEXT_MAX),
        ("reason", "Lý do", request.reason, REASON_MAX),
        ("taken_by", "Người nhận kết quả", request.taken_by, NAME_MAX),
        ("rating_comment", "Ý kiến của người nộp", request.rating_comment, REASON_MAX),
    ]
    fields += [
        ("papers", f"Tên giấy tờ còn thiếu thứ {i}", paper.name, SHORT_TEXT_MAX)
        for i, paper in enumerate(request.papers, start=1)
    ]
    for field_name, label, value, limit in fields:
        if msg := text_problem(value, label, limit):
            problems.add(msg, field=field_name)
    if msg := text_problem(request.note, "Ghi chú", NOTE_MAX, multiline=True):
        problems.add(msg, field="note")
    problems.raise_if_any("Chưa ghi được bước này: cần sửa các mục được đánh dấu.")


def plan_move(
    state: DossierState, request: MoveRequest, at: datetime, ctx: MoveContext
) -> MovePlan:
    """The plan of ``request`` at moment ``at``, or a ValidationError saying why it cannot be."""
    check_request_text(request)
    target = next_status(state.status, request.move)
    check_moment(at, ctx.now, state.last_step_at)
    reason = collapse_spaces(request.reason)
    step = _RULES[request.move](state, request, at, reason, ctx)
    changes: dict[str, object] = {**step.changes, "status": target.value}
    if target in SETTLED and request.move is not Move.RETURNED:
        changes["settled_at"] = at
    return MovePlan(
        move=request.move,
        at=at,
        status=target,
        changes=changes,
        from_unit=step.from_unit,
        to_unit=step.to_unit,
        note=" — ".join(p for p in (reason, nfc(request.note)) if p),
        data={"from_status": state.status.value, "to_status": target.value, **step.data},
        warnings=tuple(step.warnings),
    )


def _iso(value: datetime | None) -> str | None:
    return value.isoformat(sep=" ", timespec="minutes") if value else None


def _hand_over(
    s: DossierState, req: MoveRequest, at: datetime, reason: str, ctx: MoveContext
) -> _Step:
    unit = collapse_spaces(req.unit) or s.handling_unit
    if not unit:
        raise ValidationError.for_field("unit", "Chưa chọn đơn vị nhận hồ sơ.")
    if unit == s.current_unit:
        raise ValidationError.for_field(
            "unit", f"Hồ sơ đang ở “{unit}”: chọn đơn vị khác để chuyển."
        )
    return _Step(s.current_unit or ctx.office, unit, {"current_unit": unit})


def _supplement(
    s: DossierState, req: MoveRequest, at: datetime, reason: str, ctx: MoveContext
) -> _Step:
    if not reason and not req.papers:
        raise ValidationError.for_field(
            "reason", "Yêu cầu bổ sung cần nêu giấy tờ còn thiếu hoặc lý do."
        )
    papers = [
        {"name": collapse_spaces(p.name), "kind": p.kind.value, "count": p.count}
        for p in req.papers
        if nfc(p.name)
    ]
    step = _Step(
        s.current_unit or ctx.office,
        ctx.office,
        {"supplement_requested_at": at, "current_unit": ctx.office},
        {"papers": papers, "reason": reason},
    )
    # ND 118 Đ19.5: a supplement is asked within a few working days of receipt.
    limit_day = ctx.calendar.nth_working_day_after(
        s.received_at.date(), SUPPLEMENT_REQUEST_LIMIT_DAYS
    )
    if at.date() > limit_day:
        step.warnings.append(
            f"Yêu cầu bổ sung muộn: quá {SUPPLEMENT_REQUEST_LIMIT_DAYS} ngày làm việc kể từ khi "
            f"nhận hồ sơ ({s.received_at:%d/%m/%Y}); hạn chót là {limit_day:%d/%m/%Y}."
        )
        step.data["late_request"] = True
    return step


def _supplemented(
    s: DossierState, req: MoveRequest, at: datetime, reason: str, ctx: MoveContext
) -> _Step:
    # rules.md: the clock restarts from zero: a new received moment and a full new due date.
    new_due = compute_due(at, s.duration, ctx.calendar)
    data = {
        "old_received_at": _iso(s.received_at),
        "old_due_at": _iso(s.due_at),
        "old_original_due_at": _iso(s.original_due_at),
        "old_extended_due_at": _iso(s.extended_due_at),
        "new_received_at": _iso(at),
        "new_due_at": _iso(new_due),
        "supplement_requested_at": _iso(s.supplement_requested_at),
    }
    changes: dict[str, object] = {
        "received_at": at,
        "original_due_at": new_due,
        "due_at": new_due,
        "extended_due_at": None,
        "extension_recorded_at": None,
        "supplement_requested_at": None,
        "current_unit": ctx.office,
    }
    return _Step(s.applicant_name, ctx.office, changes, data)


def _result_ready(
    s: DossierState, req: MoveRequest, at: datetime, reason: str, ctx: MoveContext
) -> _Step:
    giver = collapse_spaces(req.unit) or s.current_unit or s.handling_unit or ctx.office
    data = {"timeliness": classify(at, s.due_at, ctx.granularity).value}
    return _Step(giver, ctx.office, {"current_unit": ctx.office}, data)


def _returned(
    s: DossierState, req: MoveRequest, at: datetime, reason: str, ctx: MoveContext
) -> _Step:
    taken_by = collapse_spaces(req.taken_by) or s.authorised_name or s.applicant_name
    rating = rating_of(nfc(req.rating)) if nfc(req.rating) else None
    code, rating_label = (rating.value, name(rating)) if rating else ("", "")
    comment = collapse_spaces(req.rating_comment)
    changes: dict[str, object] = {
        "returned_at": at,
        "returned_to": taken_by,
        "rating": code,
        "rating_comment": comment,
    }
    # The label is kept as said on the day: the timeline shows it as recorded.
    data = {
        "taken_by": taken_by,
        "rating": code,
        "rating_label": rating_label,
        "rating_comment": comment,
    }
    return _Step(ctx.office, taken_by, changes, data)


def _settle_with_reason(what: str) -> _Rule:
    """Refusal and stop: a reason is required and the dossier is settled at the office."""

    def rule(
        s: DossierState, req: MoveRequest, at: datetime, reason: str, ctx: MoveContext
    ) -> _Step:
        if not reason:
            raise ValidationError.for_field("reason", f"{what} cần ghi rõ lý do.")
        data = {"reason": reason, "timeliness": classify(at, s.due_at, ctx.granularity).value}
        return _Step(s.current_unit or ctx.office, ctx.office, {"current_unit": ctx.office}, data)

    return rule


def _withdrawn(
    s: DossierState, req: MoveRequest, at: datetime, reason: str, ctx: MoveContext
) -> _Step:
    return _Step(
        s.current_unit or ctx.office, s.applicant_name, {"current_unit": ""}, {"reason": reason}
    )


def _closed(
    s: DossierState, req: MoveRequest, at: datetime, reason: str, ctx: MoveContext
) -> _Step:
    requested = s.supplement_requested_at
    days = ctx.close_after.days
    if requested is not None and at < requested + ctx.close_after:
        limit = requested + ctx.close_after
        raise ValidationError.for_field(
            "move",
            f"Chưa thể đóng hồ sơ: yêu cầu bổ sung ngày {requested:%d/%m/%Y} chưa quá {days} ngày "
            f"(đóng được từ {limit:%H:%M %d/%m/%Y}).",
        )
    data = {"reason": reason or f"Không bổ sung hồ sơ trong {days} ngày"}
    return _Step(ctx.office, "", {"current_unit": ""}, data)


_Rule = Callable[[DossierState, MoveRequest, datetime, str, MoveContext], _Step]

_RULES: dict[Move, _Rule] = {
    Move.HAND_OVER: _hand_over,
    Move.SUPPLEMENT: _supplement,
    Move.SUPPLEMENTED: _supplemented,
    Move.RESULT_READY: _result_ready,
    Move.RETURNED: _returned,
    Move.REFUSED: _settle_with_reason("Từ chối giải quyết"),
    Move.STOPPED: _settle_with_reason("Dừng giải quyết"),
    Move.WITHDRAWN: _withdrawn,
    Move.CLOSED: _closed,
}
