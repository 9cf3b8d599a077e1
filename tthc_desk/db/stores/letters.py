"""Apology letters with a new appointment (Mẫu 04): drafts, signed and delivered letters, and
the dossiers that still need one."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import NamedTuple

from sqlalchemy import ColumnElement, and_, delete, exists, func, or_, select, update

from tthc_desk.db.models import ApologyLetterRecord, DossierRecord
from tthc_desk.db.stores.base import Store
from tthc_desk.db.stores.dossiers import ROW_COLUMNS, rows_from
from tthc_desk.db.stores.reports import settled_late
from tthc_desk.domain.apology import LetterCandidate, LetterWindow, NewLetter
from tthc_desk.domain.dossier import DossierRow, Status
from tthc_desk.domain.lifecycle import SETTLED, ApologyLetter, LetterStatus

_RUNNING = (Status.RECEIVED.value, Status.IN_PROGRESS.value)
_SETTLED = tuple(s.value for s in SETTLED)
_DRAFT = LetterStatus.DRAFT.value
# The columns an edit, a signature or a delivery may change; the rest are set at drafting.
_UPDATABLE = frozenset(
    {
        "reason",
        "reason_detail",
        "responsible_unit",
        "proposed_due_at",
        "status",
        "year",
        "number",
        "confirmed_at",
        "confirmed_by",
        "delivered_at",
        "delivery_method",
        "override",
        "override_by",
        "override_reason",
    }
)


class FoundLetter(NamedTuple):
    """A letter with the id of its dossier (which the letter DTO does not carry)."""

    dossier_id: int
    letter: ApologyLetter


def letter_from_records(letter: ApologyLetterRecord, d: DossierRecord) -> ApologyLetter:
    return ApologyLetter(
        id=letter.id,
        dossier_code=d.code,
        applicant_name=d.applicant_name,
        applicant_address=d.applicant_address,
        procedure_name=d.procedure_name,
        received_at=d.received_at,
        original_due_at=letter.original_due_at,
        proposed_due_at=letter.proposed_due_at,
        reason=letter.reason,
        reason_detail=letter.reason_detail,
        responsible_unit=letter.responsible_unit,
        signer_name=letter.signer_name,
        signer_title=letter.signer_title,
        signer_prefix=letter.signer_prefix,
        status=LetterStatus(letter.status),
        created_at=letter.created_at,
        auto=letter.auto,
        year=letter.year,
        number=letter.number,
        confirmed_at=letter.confirmed_at,
        confirmed_by=letter.confirmed_by,
        delivered_at=letter.delivered_at,
        delivery_method=letter.delivery_method,
        override=letter.override,
        override_by=letter.override_by,
        override_reason=letter.override_reason,
    )


def _needing_letter(w: LetterWindow) -> ColumnElement[bool]:
    """Dossiers without any letter that are late, at risk (due in the window), or settled late."""
    d = DossierRecord
    no_letter = ~exists().where(ApologyLetterRecord.dossier_id == d.id)
    running = d.status.in_(_RUNNING)
    needing = and_(
        no_letter,
        or_(
            and_(running, d.due_at < w.now),
            and_(running, d.due_at >= w.risk_from, d.due_at < w.risk_until),
            and_(d.status.in_(_SETTLED), settled_late(w.granularity)),
        ),
    )
    # The look-back: nothing due before it (settled late two years ago) gets a new draft.
    return needing if w.since is None else and_(needing, d.due_at >= w.since)


class LetterStore(Store):
    # -- which dossiers need a letter -----------------------------------------------------------
    def needing_letter(self, window: LetterWindow) -> list[LetterCandidate]:
        d = DossierRecord
        stmt = select(
            d.id, d.due_at, d.settled_at, d.status, d.current_unit, d.handling_unit
        ).where(_needing_letter(window))
        return [
            LetterCandidate(i, due, settled, Status(status), current, handling)
            for i, due, settled, status, current, handling in self._s.execute(stmt)
        ]

    def count_needing_letter(self, window: LetterWindow) -> int:
        stmt = select(func.count()).select_from(DossierRecord).where(_needing_letter(window))
        return int(self._s.scalar(stmt) or 0)

    def settled_late_without_letter(self, window: LetterWindow, limit: int) -> list[DossierRow]:
        """Dossiers whose result came late and that still have no letter, the latest first."""
        d = DossierRecord
        stmt = (
            select(*ROW_COLUMNS)
            .where(_needing_letter(window), d.status.in_(_SETTLED))
            .order_by(d.settled_at.desc())
            .limit(limit)
        )
        return rows_from(self._s.execute(stmt))

    # -- reading --------------------------------------------------------------------------------
    def _query(self, *conds: ColumnElement[bool]) -> list[FoundLetter]:
        stmt = (
            select(ApologyLetterRecord, DossierRecord)
            .join(DossierRecord, DossierRecord.id == ApologyLetterRecord.dossier_id)
            .where(*conds)
            .order_by(ApologyLetterRecord.id)
        )
        return [FoundLetter(d.id, letter_from_records(a, d)) for a, d in self._s.execute(stmt)]

    def matching(
        self, status: LetterStatus | None = None, year: int | None = None
    ) -> list[ApologyLetter]:
        """Letters by id, of one status and one register year when given."""
        conds = []
        if status is not None:
            conds.append(ApologyLetterRecord.status == status.value)
        if year is not None:
            conds.append(ApologyLetterRecord.year == year)
        return [x.letter for x in self._query(*conds)]

    def for_dossier(self, code: str) -> list[ApologyLetter]:
        return [x.letter for x in self._query(DossierRecord.code == code)]

    def find(self, letter_id: int) -> FoundLetter | None:
        found = self._query(ApologyLetterRecord.id == letter_id)
        return found[0] if found else None

    def count(self, status: LetterStatus | None = None) -> int:
        stmt = select(func.count()).select_from(ApologyLetterRecord)
        if status is not None:
            stmt = stmt.where(ApologyLetterRecord.status == status.value)
        return int(self._s.scalar(stmt) or 0)

    def has_draft(self, dossier_id: int) -> bool:
        stmt = select(ApologyLetterRecord.id).where(
            ApologyLetterRecord.dossier_id == dossier_id, ApologyLetterRecord.status == _DRAFT
        )
        return self._s.scalar(stmt.limit(1)) is not None

    def signed_count(self, dossier_id: int) -> int:
        """How many letters of the dossier were signed (each one re-appointed it)."""
        stmt = (
            select(func.count())
            .select_from(ApologyLetterRecord)
            .where(
                ApologyLetterRecord.dossier_id == dossier_id, ApologyLetterRecord.status != _DRAFT
            )
        )
        return int(self._s.scalar(stmt) or 0)

    # -- writing --------------------------------------------------------------------------------
    def add(self, letter: NewLetter) -> int:
        """Store a draft; returns its id."""
        rec = _record(letter)
        self._s.add(rec)
        self._s.flush()
        return rec.id

    def add_all(self, letters: Iterable[NewLetter]) -> int:
        """Store many drafts in one flush; returns how many."""
        records = [_record(x) for x in letters]
        self._s.add_all(records)
        return len(records)

    def update(self, letter_id: int, changes: Mapping[str, object]) -> None:
        if not changes:
            return
        unknown = set(changes) - _UPDATABLE
        if unknown:
            raise KeyError(f"not updatable: {sorted(unknown)}")
        self._s.execute(
            update(ApologyLetterRecord).where(ApologyLetterRecord.id == letter_id).values(**changes)
        )

    def delete(self, letter_id: int) -> None:
        self._s.execute(delete(ApologyLetterRecord).where(ApologyLetterRecord.id == letter_id))


def _record(x: NewLetter) -> ApologyLetterRecord:
    return ApologyLetterRecord(
        dossier_id=x.dossier_id,
        status=_DRAFT,
        auto=x.auto,
        created_at=x.created_at,
        reason=x.reason,
        responsible_unit=x.responsible_unit,
        original_due_at=x.original_due_at,
        proposed_due_at=x.proposed_due_at,
        signer_name=x.signer_name,
        signer_title=x.signer_title,
        signer_prefix=x.signer_prefix,
    )
