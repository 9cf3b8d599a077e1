"""Dossiers with their papers and corrections; the applicants met at the counter."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import select, update

from tthc_desk.db.models import (
    DossierCorrectionRecord,
    DossierPaperRecord,
    DossierRecord,
)
from tthc_desk.db.stores.base import Store
from tthc_desk.domain.dossier import (
    Channel,
    Correction,
    Dossier,
    DossierRow,
    PaperItem,
    Person,
    ReturnMethod,
    Status,
)
from tthc_desk.domain.procedure import Duration, DurationUnit, PaperKind

# The columns a move or a correction may change (``DossierStore.update``); the rest are set once.
_UPDATABLE = frozenset(
    {
        "status",
        "current_unit",
        "received_at",
        "due_at",
        "original_due_at",
        "extended_due_at",
        "extension_recorded_at",
        "supplement_requested_at",
        "settled_at",
        "returned_at",
        "returned_to",
        "rating",
        "rating_comment",
        "late_reason",
        "responsible_unit",
        "return_method",
        "return_address",
        "return_recipient",
        "return_phone",
        "applicant_name",
        "applicant_id_number",
        "applicant_birth_date",
        "applicant_phone",
        "applicant_address",
        "applicant_email",
        "authorised_name",
        "authorised_id_number",
        "authorised_phone",
        "sets_count",
        "fee_amount",
        "note",
        "search_text",
    }
)


# The light columns of a list row (DossierRow), shared by the list, the deadline views and the
# letters page: ``select(*ROW_COLUMNS)`` then :func:`rows_from`.
ROW_COLUMNS = (
    DossierRecord.id,
    DossierRecord.code,
    DossierRecord.applicant_name,
    DossierRecord.applicant_id_number,
    DossierRecord.applicant_phone,
    DossierRecord.procedure_code,
    DossierRecord.procedure_name,
    DossierRecord.field,
    DossierRecord.received_at,
    DossierRecord.due_at,
    DossierRecord.status,
)


def rows_from(result: Iterable[Sequence[Any]]) -> list[DossierRow]:
    """List rows from a ``select(*ROW_COLUMNS)`` result."""
    return [
        DossierRow(
            id=r[0],
            code=r[1],
            applicant_name=r[2],
            id_number=r[3],
            phone=r[4],
            procedure_code=r[5],
            procedure_name=r[6],
            field=r[7],
            received_at=r[8],
            due_at=r[9],
            status=Status(r[10]),
        )
        for r in result
    ]


def dossier_from_record(
    r: DossierRecord,
    papers: Sequence[DossierPaperRecord],
    corrections: Sequence[DossierCorrectionRecord],
) -> Dossier:
    authorised = (
        Person(r.authorised_name, r.authorised_id_number, None, r.authorised_phone)
        if r.authorised_name
        else None
    )
    return Dossier(
        id=r.id,
        code=r.code,
        ledger_book=r.ledger_book,
        ledger_number=r.ledger_number,
        procedure_code=r.procedure_code,
        procedure_name=r.procedure_name,
        field=r.field,
        deciding_agency=r.deciding_agency,
        handling_unit=r.handling_unit,
        duration_text=Duration(r.duration_value, DurationUnit(r.duration_unit)).describe(),
        applicant=Person(
            r.applicant_name,
            r.applicant_id_number,
            r.applicant_birth_date,
            r.applicant_phone,
            r.applicant_address,
            r.applicant_email,
        ),
        authorised=authorised,
        channel=Channel(r.channel),
        return_method=ReturnMethod(r.return_method),
        return_address=r.return_address,
        papers=tuple(PaperItem(p.name, PaperKind(p.kind), p.count, p.provided) for p in papers),
        sets_count=r.sets_count,
        fee_amount=r.fee_amount,
        note=r.note,
        received_at=r.received_at,
        due_at=r.due_at,
        status=Status(r.status),
        clerk_name=r.clerk_name,
        created_at=r.created_at,
        backdate_reason=r.backdate_reason,
        due_override_reason=r.due_override_reason,
        postal_reference=r.postal_reference,
        corrections=tuple(
            Correction(c.at, c.by, c.field, c.old_value, c.new_value, c.reason) for c in corrections
        ),
        intake_at=r.intake_at or r.received_at,
        original_due_at=r.original_due_at or r.due_at,
        extended_due_at=r.extended_due_at,
        extension_recorded_at=r.extension_recorded_at,
        current_unit=r.current_unit,
        supplement_requested_at=r.supplement_requested_at,
        settled_at=r.settled_at,
        returned_at=r.returned_at,
        returned_to=r.returned_to,
        rating=r.rating,
        rating_comment=r.rating_comment,
        late_reason=r.late_reason,
        responsible_unit=r.responsible_unit,
        return_recipient=r.return_recipient,
        return_phone=r.return_phone,
    )


class DossierStore(Store):
    def id_of(self, code: str) -> int | None:
        """The id of the dossier with ``code`` (exact), or None."""
        return self._s.scalar(select(DossierRecord.id).where(DossierRecord.code == code))

    def get(self, dossier_id: int) -> Dossier | None:
        """The whole dossier with its papers and corrections, or None."""
        r = self._s.get(DossierRecord, dossier_id)
        if r is None:
            return None
        papers = self._s.scalars(
            select(DossierPaperRecord)
            .where(DossierPaperRecord.dossier_id == r.id)
            .order_by(DossierPaperRecord.position)
        ).all()
        corrections = self._s.scalars(
            select(DossierCorrectionRecord)
            .where(DossierCorrectionRecord.dossier_id == r.id)
            .order_by(DossierCorrectionRecord.id)
        ).all()
        return dossier_from_record(r, papers, corrections)

    def update(self, dossier_id: int, changes: Mapping[str, object]) -> None:
        """Set the given columns of one dossier (names as in :class:`Dossier`'s flat fields)."""
        if not changes:
            return
        unknown = set(changes) - _UPDATABLE
        if unknown:
            raise KeyError(f"not updatable: {sorted(unknown)}")
        self._s.execute(
            update(DossierRecord).where(DossierRecord.id == dossier_id).values(**changes)
        )


class ApplicantStore(Store):
    pass
