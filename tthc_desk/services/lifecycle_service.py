"""Following a dossier after intake: hand-offs, supplements, result, return, refusal, stop.

Each move is one unit of work that plans the move from the dossier's current state
(:func:`~tthc_desk.domain.moves.plan_move`: possible from this status? what changes?), updates
the dossier and appends an event (when, who, which unit gave and which received, a note, and in
``data`` what the move changed), so the history can always be replayed.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import timedelta

from tthc_desk.db.engine import Database
from tthc_desk.domain.access import Right
from tthc_desk.domain.clock import Clock
from tthc_desk.domain.dossier import Dossier
from tthc_desk.domain.errors import NotFoundError
from tthc_desk.domain.facts import GRANULARITY_KEY
from tthc_desk.domain.lifecycle import (
    SETTLED,
    SUPPLEMENT_CLOSE_AFTER,
    DossierEvent,
    Granularity,
    Move,
    Timeliness,
    allowed_moves,
    classify,
)
from tthc_desk.domain.moves import (
    MoveContext,
    MoveRequest,
    check_request_text,
    move_moment,
    plan_move,
)
from tthc_desk.domain.text import nfc
from tthc_desk.presentation import parse_rating
from tthc_desk.services.account_service import AccountService
from tthc_desk.services.calendar_service import CalendarService
from tthc_desk.services.dossier_service import DossierService
from tthc_desk.services.settings_service import SettingsService

# MoveRequest is importable from here as before (the UI, the CLI and the tests use it).
__all__ = ["LifecycleService", "MoveOutcome", "MoveRequest"]

CLOSE_AFTER_DAYS_KEY = "supplement_close_after_days"


@dataclass(frozen=True)
class MoveOutcome:
    dossier: Dossier
    event: DossierEvent
    warnings: tuple[str, ...] = field(default_factory=tuple)


class LifecycleService:
    def __init__(
        self,
        db: Database,
        dossiers: DossierService,
        calendar: CalendarService,
        settings: SettingsService,
        accounts: AccountService,
        clock: Clock,
    ) -> None:
        self._db = db
        self._accounts = accounts
        self._dossiers = dossiers
        self._calendar = calendar
        self._settings = settings
        self._clock = clock

    # -- reading ------------------------------------------------------------------------------
    def history(self, code: str) -> list[DossierEvent]:
        with self._db.read() as uow:
            dossier_id = uow.dossiers.id_of(nfc(code))
            if dossier_id is None:
                raise NotFoundError(f"Không tìm thấy hồ sơ mã “{nfc(code)}”.")
            return uow.events.for_dossier(dossier_id)

    def allowed(self, code: str) -> list[Move]:
        return allowed_moves(self._dossiers.get(code).status)

    def granularity(self) -> Granularity:
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
        with self._db.read() as uow:
            ids = uow.dossiers.waiting_supplement_ids(limit)
        return [self._dossiers.get_by_id(i) for i in ids]

    # -- moving -------------------------------------------------------------------------------
    def move(self, code: str, request: MoveRequest) -> MoveOutcome:
        """Record ``request`` (whose rating may be a code or the label the clerk typed) under the
        person logged in."""
        actor = self._accounts.require(Right.MOVE, "chuyển bước hồ sơ").full_name
        # The text gate before anything is written (seeding the calendar included).
        check_request_text(request)
        if nfc(request.rating):
            request = replace(request, rating=parse_rating(request.rating).value)
        now = self._clock.now()
        at = move_moment(request.at, now)
        # Seed the calendar years a restarted clock may reach before taking the write lock.
        self._calendar.ensure_years(range(at.year - 1, at.year + 3))
        ctx = MoveContext(
            office=self._settings.office().office_name,
            calendar=self._calendar.calendar(),
            now=now,
            granularity=self.granularity(),
            close_after=self.close_after(),
        )
        with self._db.write() as uow:
            state = uow.dossiers.move_state(nfc(code))
            if state is None:
                raise NotFoundError(f"Không tìm thấy hồ sơ mã “{nfc(code)}”.")
            plan = plan_move(state, request, at, ctx)
            uow.dossiers.update(state.id, plan.changes)
            event = uow.events.append(state.id, plan.event(actor))
        return MoveOutcome(self._dossiers.get_by_id(state.id), event, plan.warnings)
