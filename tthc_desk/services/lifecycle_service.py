"""Following a dossier after intake: hand-offs, supplements, result, return, refusal, stop.

Each move is one transaction that checks the move is possible from the current status, updates
the dossier and appends an event (when, who, which unit gave and which received, a note, and in
``data`` what the move changed), so the history can always be replayed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from tthc_desk.db.engine import Database
from tthc_desk.db.models import DossierEventRecord, DossierRecord
from tthc_desk.domain.clock import Clock
from tthc_desk.domain.dossier import Dossier, PaperItem, Status
from tthc_desk.domain.errors import NotFoundError, ValidationError
from tthc_desk.domain.lifecycle import (
    SATISFACTION_LEVELS,
    SETTLED,
    SUPPLEMENT_CLOSE_AFTER,
    SUPPLEMENT_REQUEST_LIMIT_DAYS,
    DossierEvent,
    Move,
    Timeliness,
    classify,
    next_status,
    parse_rating,
)
from tthc_desk.domain.procedure import Duration, DurationUnit
from tthc_desk.domain.text import collapse_spaces, nfc
from tthc_desk.services.calendar_service import CalendarService
from tthc_desk.services.dossier_service import DossierService
from tthc_desk.services.settings_service import SettingsService

GRANULARITY_KEY = "classification_granularity"
CLOSE_AFTER_DAYS_KEY = "supplement_close_after_days"


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
    rating: str = ""  # returned: satisfaction code or label
    rating_comment: str = ""
    actor: str | None = None  # None: the clerk at the counter


@dataclass(frozen=True)
class MoveOutcome:
    dossier: Dossier
    event: DossierEvent
    warnings: tuple[str, ...] = field(default_factory=tuple)


def event_to_domain(r: DossierEventRecord) -> DossierEvent:
    try:
        data = json.loads(r.data or "{}")
    except ValueError:
        data = {}
    return DossierEvent(r.at, r.kind, r.actor, r.from_unit, r.to_unit, r.note, data, r.id)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat(sep=" ", timespec="minutes") if value else None


class LifecycleService:
    def __init__(
        self,
        db: Database,
        dossiers: DossierService,
        calendar: CalendarService,
        settings: SettingsService,
        clock: Clock,
    ) -> None:
        self._db = db
        self._dossiers = dossiers
        self._calendar = calendar
        self._settings = settings
        self._clock = clock

    # -- reading ------------------------------------------------------------------------------
    def history(self, code: str) -> list[DossierEvent]:
        with self._db.session() as s:
            dossier_id = s.scalar(select(DossierRecord.id).where(DossierRecord.code == nfc(code)))
            if dossier_id is None:
                raise NotFoundError(f"Không tìm thấy hồ sơ mã “{nfc(code)}”.")
            rows = s.scalars(
                select(DossierEventRecord)
                .where(DossierEventRecord.dossier_id == dossier_id)
                .order_by(DossierEventRecord.at, DossierEventRecord.id)
            )
            return [event_to_domain(r) for r in rows]

    def allowed(self, code: str) -> list[Move]:
        from tthc_desk.domain.lifecycle import allowed_moves

        return allowed_moves(self._dossiers.get(code).status)

    def granularity(self) -> Any:
        from tthc_desk.domain.lifecycle import Granularity

        return Granularity(self._settings.get_value(GRANULARITY_KEY, Granularity.DAY.value))

    def timeliness(self, dossier: Dossier) -> Timeliness | None:
        """Trước hạn / Đúng hạn / Quá hạn of a settled dossier (None while open)."""
        if dossier.status not in SETTLED or dossier.settled_at is None:
            return None
        return classify(dossier.settled_at, dossier.due_at, self.granularity())

    def close_after(self) -> timedelta:
        days = self._settings.get_value(CLOSE_AFTER_DAYS_KEY, SUPPLEMENT_CLOSE_AFTER.days)
        return timedelta(days=int(days))

    def supplements_to_close(self) -> list[Dossier]:
        """Dossiers whose supplement request went unanswered for the set period: propose closing."""
        limit = self._clock.now() - self.close_after()
        with self._db.session() as s:
            ids = s.scalars(
                select(DossierRecord.id)
                .where(
                    DossierRecord.status == Status.SUPPLEMENT.value,
                    DossierRecord.supplement_requested_at <= limit,
                )
                .order_by(DossierRecord.supplement_requested_at)
            )
            return [self._dossiers.get_by_id(i) for i in ids]

    # -- moving -------------------------------------------------------------------------------
    def move(self, code: str, request: MoveRequest) -> MoveOutcome:
        now = self._clock.now()
        actor = request.actor if request.actor is not None else self._settings.current_clerk()
        at = (request.at or now).replace(second=0, microsecond=0)
        office = self._settings.office().office_name
        warnings: list[str] = []
        # Seed the calendar years a restarted clock may reach before taking the write lock.
        self._calendar.ensure_years(range(at.year - 1, at.year + 3))
        with self._db.session(write=True) as s:
            rec = s.scalar(select(DossierRecord).where(DossierRecord.code == nfc(code)))
            if rec is None:
                raise NotFoundError(f"Không tìm thấy hồ sơ mã “{nfc(code)}”.")
            status = Status(rec.status)
            target = next_status(status, request.move)
            last_at = s.scalar(
                select(DossierEventRecord.at)
                .where(DossierEventRecord.dossier_id == rec.id)
                .order_by(DossierEventRecord.at.desc())
                .limit(1)
            )
            self._check_moment(at, now, last_at)
            unit = collapse_spaces(request.unit)
            reason = collapse_spaces(request.reason)
            note = nfc(request.note)
            data: dict[str, Any] = {"from_status": status.value, "to_status": target.value}
            handler = getattr(self, f"_on_{request.move.name.lower()}")
            from_unit, to_unit = handler(rec, request, at, unit, reason, office, data, warnings)
            rec.status = target.value
            if target in SETTLED and request.move is not Move.RETURNED:
                rec.settled_at = at
            ev = DossierEventRecord(
                dossier_id=rec.id,
                at=at,
                kind=request.move.value,
                actor=actor,
                from_unit=from_unit,
                to_unit=to_unit,
                note=" — ".join(p for p in (reason, note) if p),
                data=json.dumps(data, ensure_ascii=False),
            )
            s.add(ev)
            s.flush()
            event = event_to_domain(ev)
            dossier_id = rec.id
        return MoveOutcome(self._dossiers.get_by_id(dossier_id), event, tuple(warnings))

    @staticmethod
    def _check_moment(at: datetime, now: datetime, last_at: datetime | None) -> None:
        if at > now + timedelta(minutes=1):
            raise ValidationError.for_field(
                "at",
                f"Thời điểm {at:%H:%M %d/%m/%Y} ở tương lai (bây giờ là {now:%H:%M %d/%m/%Y}).",
            )
        if last_at is not None and at < last_at:
            raise ValidationError.for_field(
                "at",
                f"Thời điểm {at:%H:%M %d/%m/%Y} trước bước gần nhất của hồ sơ ({last_at:%H:%M %d/%m/%Y}).",
            )

    # Each handler updates the record and returns (from_unit, to_unit) of the event.
    def _on_hand_over(
        self,
        rec: DossierRecord,
        req: MoveRequest,
        at: datetime,
        unit: str,
        reason: str,
        office: str,
        data: dict[str, Any],
        warnings: list[str],
    ) -> tuple[str, str]:
        unit = unit or rec.handling_unit
        if not unit:
            raise ValidationError.for_field("unit", "Chưa chọn đơn vị nhận hồ sơ.")
        if unit == rec.current_unit:
            raise ValidationError.for_field(
                "unit", f"Hồ sơ đang ở “{unit}”: chọn đơn vị khác để chuyển."
            )
        previous = rec.current_unit or office
        rec.current_unit = unit
        return previous, unit

    def _on_supplement(
        self,
        rec: DossierRecord,
        req: MoveRequest,
        at: datetime,
        unit: str,
        reason: str,
        office: str,
        data: dict[str, Any],
        warnings: list[str],
    ) -> tuple[str, str]:
        if not reason and not req.papers:
            raise ValidationError.for_field(
                "reason", "Yêu cầu bổ sung cần nêu giấy tờ còn thiếu hoặc lý do."
            )
        papers = [
            {"name": collapse_spaces(p.name), "kind": p.kind.value, "count": p.count}
            for p in req.papers
            if nfc(p.name)
        ]
        data.update(papers=papers, reason=reason)
        cal = self._calendar.calendar()
        limit_day = cal.nth_working_day_after(rec.received_at.date(), SUPPLEMENT_REQUEST_LIMIT_DAYS)
        if at.date() > limit_day:
            warnings.append(
                f"Yêu cầu bổ sung muộn: quá {SUPPLEMENT_REQUEST_LIMIT_DAYS} ngày làm việc kể từ khi nhận hồ sơ "
                f"({rec.received_at:%d/%m/%Y}); hạn chót là {limit_day:%d/%m/%Y}."
            )
            data["late_request"] = True
        rec.supplement_requested_at = at
        previous = rec.current_unit or office
        rec.current_unit = office
        return previous, office

    def _on_supplemented(
        self,
        rec: DossierRecord,
        req: MoveRequest,
        at: datetime,
        unit: str,
        reason: str,
        office: str,
        data: dict[str, Any],
        warnings: list[str],
    ) -> tuple[str, str]:
        # rules.md: the clock restarts from zero: a new received moment and a full new due date.
        duration = Duration(rec.duration_value, DurationUnit(rec.duration_unit))
        new_due = self._dossiers.due_for(duration, at)
        data.update(
            old_received_at=_iso(rec.received_at),
            old_due_at=_iso(rec.due_at),
            old_original_due_at=_iso(rec.original_due_at),
            old_extended_due_at=_iso(rec.extended_due_at),
            new_received_at=_iso(at),
            new_due_at=_iso(new_due),
            supplement_requested_at=_iso(rec.supplement_requested_at),
        )
        rec.received_at = at
        rec.original_due_at = new_due
        rec.due_at = new_due
        rec.extended_due_at = None
        rec.extension_recorded_at = None
        rec.supplement_requested_at = None
        rec.current_unit = office
        return rec.applicant_name, office

    def _on_result_ready(
        self,
        rec: DossierRecord,
        req: MoveRequest,
        at: datetime,
        unit: str,
        reason: str,
        office: str,
        data: dict[str, Any],
        warnings: list[str],
    ) -> tuple[str, str]:
        giver = unit or rec.current_unit or rec.handling_unit or office
        rec.current_unit = office
        data["timeliness"] = classify(at, rec.due_at, self.granularity()).value
        return giver, office

    def _on_returned(
        self,
        rec: DossierRecord,
        req: MoveRequest,
        at: datetime,
        unit: str,
        reason: str,
        office: str,
        data: dict[str, Any],
        warnings: list[str],
    ) -> tuple[str, str]:
        taken_by = collapse_spaces(req.taken_by) or rec.authorised_name or rec.applicant_name
        rating = parse_rating(req.rating) if nfc(req.rating) else ""
        rec.returned_at = at
        rec.returned_to = taken_by
        rec.rating = rating
        rec.rating_comment = collapse_spaces(req.rating_comment)
        data.update(
            taken_by=taken_by,
            rating=rating,
            rating_label=SATISFACTION_LEVELS.get(rating, ""),
            rating_comment=rec.rating_comment,
        )
        return office, taken_by

    def _settle_with_reason(
        self,
        rec: DossierRecord,
        reason: str,
        what: str,
        at: datetime,
        office: str,
        data: dict[str, Any],
    ) -> tuple[str, str]:
        if not reason:
            raise ValidationError.for_field("reason", f"{what} cần ghi rõ lý do.")
        data["reason"] = reason
        data["timeliness"] = classify(at, rec.due_at, self.granularity()).value
        previous = rec.current_unit or office
        rec.current_unit = office
        return previous, office

    def _on_refused(
        self,
        rec: DossierRecord,
        req: MoveRequest,
        at: datetime,
        unit: str,
        reason: str,
        office: str,
        data: dict[str, Any],
        warnings: list[str],
    ) -> tuple[str, str]:
        return self._settle_with_reason(rec, reason, "Từ chối giải quyết", at, office, data)

    def _on_stopped(
        self,
        rec: DossierRecord,
        req: MoveRequest,
        at: datetime,
        unit: str,
        reason: str,
        office: str,
        data: dict[str, Any],
        warnings: list[str],
    ) -> tuple[str, str]:
        return self._settle_with_reason(rec, reason, "Dừng giải quyết", at, office, data)

    def _on_withdrawn(
        self,
        rec: DossierRecord,
        req: MoveRequest,
        at: datetime,
        unit: str,
        reason: str,
        office: str,
        data: dict[str, Any],
        warnings: list[str],
    ) -> tuple[str, str]:
        data["reason"] = reason
        previous = rec.current_unit or office
        rec.current_unit = ""
        return previous, rec.applicant_name

    def _on_closed(
        self,
        rec: DossierRecord,
        req: MoveRequest,
        at: datetime,
        unit: str,
        reason: str,
        office: str,
        data: dict[str, Any],
        warnings: list[str],
    ) -> tuple[str, str]:
        requested = rec.supplement_requested_at
        if requested is not None and at < requested + self.close_after():
            limit = requested + self.close_after()
            raise ValidationError.for_field(
                "move",
                f"Chưa thể đóng hồ sơ: yêu cầu bổ sung ngày {requested:%d/%m/%Y} chưa quá {self.close_after().days} ngày "
                f"(đóng được từ {limit:%H:%M %d/%m/%Y}).",
            )
        data["reason"] = reason or f"Không bổ sung hồ sơ trong {self.close_after().days} ngày"
        rec.current_unit = ""
        return office, ""
