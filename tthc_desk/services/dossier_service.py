"""Receiving dossiers at the counter: validation, due date, code and ledger number, search.

Every public method takes and returns plain frozen dataclasses; a write is one unit of work. The
rules live in the domain (:mod:`~tthc_desk.domain.intake`, :mod:`~tthc_desk.domain.corrections`),
the statements in the dossier, applicant, counter and event stores.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time, timedelta
from typing import Any

from tthc_desk.db.engine import Database
from tthc_desk.db.stores.server import Outcome
from tthc_desk.domain.access import Right
from tthc_desk.domain.calendar import FIRST_YEAR, LAST_YEAR, check_year
from tthc_desk.domain.clock import Clock
from tthc_desk.domain.corrections import (
    CorrectableField,
    check_request,
    clean_changes,
    corrections_between,
)
from tthc_desk.domain.deadlines import compute_due, moved_by_cutoff
from tthc_desk.domain.dossier import Dossier, DossierDraft, DossierRow, Person, id_number_problem
from tthc_desk.domain.errors import NotFoundError, ServerUnavailableError, ValidationError
from tthc_desk.domain.intake import (
    BACKDATE_TOLERANCE,
    FUTURE_TOLERANCE,
    IntakeContext,
    check_draft,
    code_counter,
    ledger_book,
    ledger_counter,
    new_dossier,
    normalise_draft,
    received_event,
)
from tthc_desk.domain.lifecycle import DossierEvent
from tthc_desk.domain.procedure import Duration, DurationUnit, Procedure, duration_problem
from tthc_desk.domain.search import DossierQuery, build_search_text
from tthc_desk.domain.server import SaveAttempt
from tthc_desk.domain.text import ascii_digits, nfc
from tthc_desk.services.account_service import AccountService
from tthc_desk.services.calendar_service import CalendarService
from tthc_desk.services.catalog_service import CatalogService
from tthc_desk.services.dossier_search import DossierSearch
from tthc_desk.services.settings_service import SettingsService

# Importable from here as before (the UI, the CLI and the postal service use them).
__all__ = [
    "BACKDATE_TOLERANCE",
    "FUTURE_TOLERANCE",
    "CorrectableField",
    "DossierQuery",
    "DossierService",
    "build_search_text",
]


#: Two intakes of one procedure for one applicant this close together are probably one
#: intake saved twice (a retry after a failed print).
DUPLICATE_WINDOW = timedelta(minutes=10)


class DossierService:
    def __init__(
        self,
        db: Database,
        catalog: CatalogService,
        calendar: CalendarService,
        settings: SettingsService,
        accounts: AccountService,
        clock: Clock,
    ) -> None:
        self._db = db
        self._accounts = accounts
        self._catalog = catalog
        self._calendar = calendar
        self._settings = settings
        self._clock = clock
        self._search = DossierSearch(db)

    # -- due dates ----------------------------------------------------------------------------
    def due_for(self, duration: Duration, received_at: datetime) -> datetime:
        # A catalog saved before the legal bounds may hold any number: refuse it, never walk it.
        if problem := duration_problem(duration):
            raise ValidationError.for_field("duration", problem)
        year = check_year(received_at.year)
        last = year + 3 if duration.unit is DurationUnit.MONTHS else year + 2
        self._calendar.ensure_years(range(max(year - 1, FIRST_YEAR), min(last, LAST_YEAR + 1)))
        cal = self._calendar.calendar()
        return compute_due(received_at, duration, cal, self._settings.hours().same_day_cutoff)

    def preview_due(self, procedure_code: str, received_at: datetime | None = None) -> datetime:
        procedure = self._catalog.get(procedure_code)
        return self.due_for(procedure.duration, received_at or self._clock.now())

    def start_moment(self, received_at: datetime) -> datetime:
        return self._calendar.calendar().start_moment(received_at)

    def cutoff_applied(self, procedure_code: str, received_at: datetime) -> time | None:
        """The same-day cut-off (15:00 by default) when it moved this receipt's appointment to
        the next working day, else None: the intake form says why the date is not today."""
        procedure = self._catalog.get(procedure_code)
        cutoff = self._settings.hours().same_day_cutoff
        cal = self._calendar.calendar()
        return cutoff if moved_by_cutoff(received_at, procedure.duration, cal, cutoff) else None

    # -- validation ---------------------------------------------------------------------------
    def normalise(self, draft: DossierDraft) -> DossierDraft:
        return normalise_draft(draft)

    def validate(self, draft: DossierDraft) -> tuple[DossierDraft, Procedure | None]:
        """Normalise and check every field; raise one ValidationError listing every problem."""
        draft = normalise_draft(draft)
        procedure, problem = self._procedure(draft.procedure_code)
        check_draft(draft, procedure, self._clock.now(), problem)
        return draft, procedure

    def _procedure(self, code: str) -> tuple[Procedure | None, str]:
        """The catalog's procedure ``code``, or None and why."""
        if not code:
            return None, ""
        try:
            return self._catalog.get(code), ""
        except NotFoundError as e:
            return None, e.message

    # -- receiving ----------------------------------------------------------------------------
    def receive(self, draft: DossierDraft, attempt: SaveAttempt | None = None) -> Dossier:
        """Save the dossier under the clerk logged in: a code, a ledger number, its history.

        ``attempt`` (one intake form's, kept across its tries): an earlier try whose commit the
        server never confirmed is asked about first (:meth:`settle`), so the same dossier is
        never saved twice; this try's transaction is noted in it before the commit."""
        clerk = self._accounts.require(Right.RECEIVE, "tiếp nhận hồ sơ")
        self._settings.require_setup()
        if attempt is not None and (earlier := self.settle(attempt)) is not None:
            attempt.saved_earlier = True
            return earlier
        draft, procedure = self.validate(draft)
        assert procedure is not None, "check_draft refuses a draft without a procedure"
        now = self._clock.now()
        received_at = draft.received_at or now
        office = self._settings.office()
        ctx = IntakeContext(
            agency_id=office.agency_id,
            office_name=office.office_name,
            clerk=clerk.full_name,
            now=now,
            received_at=received_at,
            computed_due_at=self.due_for(procedure.duration, received_at),
        )
        with self._db.write() as uow:
            sequence = uow.counters.next_value(code_counter(ctx.agency_id, received_at))
            ledger_number = uow.counters.next_value(ledger_counter(ledger_book(received_at)))
            new = new_dossier(draft, procedure, ctx, sequence, ledger_number)
            applicant_id = uow.applicants.upsert(new.applicant, now)
            dossier_id = uow.dossiers.insert(new, applicant_id)
            uow.events.append(dossier_id, received_event(new))
            if attempt is not None:
                attempt.noted(uow.server.transaction_id(), dossier_id)
        if attempt is not None:
            attempt.saved_id = dossier_id
        return self.get_by_id(dossier_id)

    def settle(self, attempt: SaveAttempt) -> Dossier | None:
        """The dossier an earlier try of ``attempt`` saved, or None when none did (then the
        form is to be saved again). Asks the server about each try whose commit it never
        confirmed; one it cannot answer for yet is refused: never guessed, never saved twice."""
        if attempt.saved_id is not None:
            return self.get_by_id(attempt.saved_id)
        if not attempt.pending:
            return None
        with self._db.read() as uow:
            outcomes = [(uow.server.outcome(xid), saved) for xid, saved in attempt.pending]
        for outcome, dossier_id in outcomes:
            if outcome is Outcome.COMMITTED:
                attempt.saved_id = dossier_id
                return self.get_by_id(dossier_id)
        if any(outcome is Outcome.UNKNOWN for outcome, _ in outcomes):
            raise ServerUnavailableError(
                "Máy chủ chưa cho biết lần bấm Lưu trước (lúc mất kết nối) đã lưu xong hồ sơ hay "
                "chưa. Hồ sơ đang nhập vẫn được giữ: chờ ít giây rồi bấm Lưu lại, đừng nhập lại."
            )
        attempt.pending.clear()  # every earlier try was rolled back: nothing of it was saved
        return None

    def probable_duplicate(self, draft: DossierDraft) -> str | None:
        """The code of a dossier of the same procedure and applicant saved in the last
        :data:`DUPLICATE_WINDOW` (a retried intake, e.g. after a failed print), or None."""
        id_number = nfc(draft.applicant.id_number).replace(" ", "")
        code = nfc(draft.procedure_code).strip()
        if not id_number or not code:
            return None
        since = self._clock.now() - DUPLICATE_WINDOW
        with self._db.read() as uow:
            codes = uow.dossiers.recent_codes(code, id_number, since)
        return codes[0] if codes else None

    def find_applicant(self, id_number: str) -> Person | None:
        id_number = ascii_digits(nfc(id_number)).replace(" ", "")
        if id_number_problem(id_number):
            return None
        with self._db.read() as uow:
            return uow.applicants.find(id_number)

    # -- reading ------------------------------------------------------------------------------
    def get(self, code: str) -> Dossier:
        code = nfc(code)
        with self._db.read() as uow:
            dossier_id = uow.dossiers.id_of(code)
        if dossier_id is None:
            raise NotFoundError(f"Không tìm thấy hồ sơ mã “{code}”.")
        return self.get_by_id(dossier_id)

    def get_by_id(self, dossier_id: int) -> Dossier:
        with self._db.read() as uow:
            dossier = uow.dossiers.get(dossier_id)
        if dossier is None:
            raise NotFoundError(f"Không tìm thấy hồ sơ số {dossier_id}.")
        return dossier

    def search(self, q: DossierQuery) -> list[DossierRow]:
        return self._search.search(q)

    def count(self, q: DossierQuery) -> int:
        return self._search.count(q)

    def rows(self, codes: Sequence[str]) -> list[DossierRow]:
        """The list rows of the dossiers ``codes`` (a dashboard row's dossiers), newest first."""
        with self._db.read() as uow:
            return uow.dossiers.rows_by_codes(codes)

    # -- corrections --------------------------------------------------------------------------
    def correct(self, code: str, changes: dict[str, Any], reason: str) -> Dossier:
        """Correct intake mistakes; each changed field is recorded with old and new value."""
        by = self._accounts.require(Right.CORRECT, "sửa thông tin hồ sơ").full_name
        reason = check_request(changes, reason)
        now = self._clock.now()
        current = self.get(code)
        cleaned = clean_changes(changes, current.return_method)
        with self._db.write() as uow:
            before = uow.dossiers.correctable_values(current.id)
            found = corrections_between(before, cleaned, now, by, reason)
            uow.dossiers.update(current.id, {c.field: cleaned[c.field] for c in found})
            uow.dossiers.add_corrections(current.id, found)
            uow.events.append(current.id, DossierEvent(now, "corrected", by, note=reason))
        return self.get(current.code)

    def now(self) -> datetime:
        return self._clock.now()
