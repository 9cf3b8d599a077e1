"""Dossiers with their papers and corrections; the applicants met at the counter."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, select, update

from tthc_desk.db.models import (
    ApplicantRecord,
    DossierCorrectionRecord,
    DossierEventRecord,
    DossierPaperRecord,
    DossierRecord,
)
from tthc_desk.db.stores.base import Store
from tthc_desk.domain.corrections import CorrectableField
from tthc_desk.domain.deadlines import DueWindow
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
from tthc_desk.domain.intake import NewDossier
from tthc_desk.domain.lifecycle import RUNNING
from tthc_desk.domain.moves import DossierState
from tthc_desk.domain.procedure import Duration, DurationUnit, PaperKind
from tthc_desk.domain.search import SEARCH_TEXT_PARTS, search_text_of, sort_keys_of
from tthc_desk.presentation import duration_text

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
        "name_key",
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


#: Dossier codes bound per query by :meth:`DossierStore.rows_by_codes`.
CODES_CHUNK = 900


def rows_from(result: Iterable[Sequence[Any]]) -> list[DossierRow]:
    """List rows from a ``select(*ROW_COLUMNS)`` result."""
    # Positional: search as you type maps up to a page of rows per keystroke.
    return [
        DossierRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], Status(r[10]))
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
        duration_text=duration_text(Duration(r.duration_value, DurationUnit(r.duration_unit))),
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


def _new_record(new: NewDossier, applicant_id: int) -> DossierRecord:
    p, a, auth = new.procedure, new.applicant, new.authorised
    assert p.id is not None, "a catalog procedure read from the database has an id"
    rec = DossierRecord(
        code=new.code,
        agency_id=new.agency_id,
        ledger_book=new.ledger_book,
        ledger_number=new.ledger_number,
        procedure_id=p.id,
        procedure_code=p.code,
        procedure_name=p.name,
        field=p.field,
        deciding_agency=p.deciding_agency,
        handling_unit=p.handling_unit,
        duration_value=p.duration.value,
        duration_unit=p.duration.unit.value,
        applicant_id=applicant_id,
        applicant_name=a.full_name,
        applicant_id_number=a.id_number,
        applicant_birth_date=a.birth_date,
        applicant_phone=a.phone,
        applicant_address=a.address,
        applicant_email=a.email,
        authorised_name=auth.full_name if auth else "",
        authorised_id_number=auth.id_number if auth else "",
        authorised_phone=auth.phone if auth else "",
        channel=new.channel.value,
        return_method=new.return_method.value,
        return_address=new.return_address,
        postal_reference=new.postal_reference,
        return_recipient=new.return_recipient,
        return_phone=new.return_phone,
        sets_count=new.sets_count,
        fee_amount=new.fee_amount,
        note=new.note,
        received_at=new.received_at,
        intake_at=new.received_at,
        due_at=new.due_at,
        original_due_at=new.due_at,
        computed_due_at=new.computed_due_at,
        current_unit=new.current_unit,
        due_override_reason=new.due_override_reason,
        backdate_reason=new.backdate_reason,
        status=Status.RECEIVED.value,
        clerk_name=new.clerk_name,
        created_at=new.created_at,
        search_text=new.search_text,
    )
    rec.papers = [
        DossierPaperRecord(
            position=i, name=p.name, kind=p.kind.value, count=p.count, provided=p.provided
        )
        for i, p in enumerate(new.papers, start=1)
    ]
    return rec


# The last step of a dossier (a move may not be recorded before it).
_LAST_STEP_AT = (
    select(func.max(DossierEventRecord.at))
    .where(DossierEventRecord.dossier_id == DossierRecord.id)
    .correlate(DossierRecord)
    .scalar_subquery()
)


class DossierStore(Store):
    def insert(self, new: NewDossier, applicant_id: int) -> int:
        """Store a new dossier with its papers; returns its id."""
        rec = _new_record(new, applicant_id)
        self._s.add(rec)
        self._s.flush()
        return rec.id

    def recent_codes(self, procedure_code: str, id_number: str, since: datetime) -> list[str]:
        """Codes of the dossiers of this procedure and applicant saved at or after ``since``,
        newest first (a retried intake)."""
        return list(
            self._s.scalars(
                select(DossierRecord.code)
                .where(
                    DossierRecord.procedure_code == procedure_code,
                    DossierRecord.applicant_id_number == id_number,
                    DossierRecord.created_at >= since,
                )
                .order_by(DossierRecord.id.desc())
            )
        )

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
        """Set the given columns of one dossier (names as in :class:`Dossier`'s flat fields).

        A change to a searched column (the applicant's name, ID number, phone, the authorised
        person) folds the search text again; the FTS index follows through its triggers. A
        corrected applicant's name makes its stored sort key again (``name_key``).
        """
        if not changes:
            return
        unknown = set(changes) - _UPDATABLE
        if unknown:
            raise KeyError(f"not updatable: {sorted(unknown)}")
        values = dict(changes)
        if "search_text" not in values and not _SEARCHED.isdisjoint(values):
            values["search_text"] = search_text_of({**self._search_parts(dossier_id), **values})
        # A corrected name sorts under its new key (the procedure and field are set once).
        values = {**sort_keys_of(values), **values}
        self._s.execute(
            update(DossierRecord).where(DossierRecord.id == dossier_id).values(**values)
        )

    def _search_parts(self, dossier_id: int) -> dict[str, Any]:
        columns = [getattr(DossierRecord, name) for name in SEARCH_TEXT_PARTS]
        row = self._s.execute(select(*columns).where(DossierRecord.id == dossier_id)).one()
        return dict(zip(SEARCH_TEXT_PARTS, row, strict=True))

    # -- moves and corrections ----------------------------------------------------------------
    def move_state(self, code: str) -> DossierState | None:
        """What the move rules read of the dossier with ``code``, or None."""
        r = self._s.execute(
            select(
                DossierRecord.id,
                DossierRecord.status,
                DossierRecord.handling_unit,
                DossierRecord.current_unit,
                DossierRecord.applicant_name,
                DossierRecord.authorised_name,
                DossierRecord.duration_value,
                DossierRecord.duration_unit,
                DossierRecord.received_at,
                DossierRecord.due_at,
                DossierRecord.original_due_at,
                DossierRecord.extended_due_at,
                DossierRecord.supplement_requested_at,
                _LAST_STEP_AT,
            ).where(DossierRecord.code == code)
        ).one_or_none()
        if r is None:
            return None
        return DossierState(
            id=r[0],
            status=Status(r[1]),
            handling_unit=r[2],
            current_unit=r[3],
            applicant_name=r[4],
            authorised_name=r[5],
            duration=Duration(r[6], DurationUnit(r[7])),
            received_at=r[8],
            due_at=r[9],
            original_due_at=r[10],
            extended_due_at=r[11],
            supplement_requested_at=r[12],
            last_step_at=r[13],
        )

    def correctable_values(self, dossier_id: int) -> dict[str, Any]:
        """The stored value of every correctable field, by its name."""
        names = [f.value for f in CorrectableField]
        columns = [getattr(DossierRecord, name) for name in names]
        row = self._s.execute(select(*columns).where(DossierRecord.id == dossier_id)).one()
        return dict(zip(names, row, strict=True))

    def add_corrections(self, dossier_id: int, corrections: Iterable[Correction]) -> None:
        self._s.add_all(
            DossierCorrectionRecord(
                dossier_id=dossier_id,
                at=c.at,
                by=c.by,
                field=c.field,
                old_value=c.old_value,
                new_value=c.new_value,
                reason=c.reason,
            )
            for c in corrections
        )

    def rows_by_codes(self, codes: Sequence[str]) -> list[DossierRow]:
        """The list rows of the dossiers ``codes`` (the dashboard's click-through), newest
        first; read in chunks, far below any engine's limit of bound parameters."""
        rows: list[DossierRow] = []
        for at in range(0, len(codes), CODES_CHUNK):
            chunk = list(codes[at : at + CODES_CHUNK])
            rows += rows_from(
                self._s.execute(select(*ROW_COLUMNS).where(DossierRecord.code.in_(chunk)))
            )
        return sorted(rows, key=lambda r: r.id, reverse=True)

    # -- what needs attention -----------------------------------------------------------------
    def count_running_due(self, window: DueWindow) -> int:
        """Running dossiers (clock not stopped) due inside ``window``."""
        stmt = select(func.count()).select_from(DossierRecord).where(*_due_in(window))
        return int(self._s.scalar(stmt) or 0)

    def running_due_rows(self, window: DueWindow, limit: int) -> list[DossierRow]:
        """Running dossiers due inside ``window``, soonest due first."""
        stmt = (
            select(*ROW_COLUMNS).where(*_due_in(window)).order_by(DossierRecord.due_at).limit(limit)
        )
        return rows_from(self._s.execute(stmt))

    def count_waiting_supplement(self, requested_by: datetime) -> int:
        """Dossiers still waiting for a supplement asked for at or before ``requested_by``."""
        stmt = select(func.count()).select_from(DossierRecord).where(*_waiting(requested_by))
        return int(self._s.scalar(stmt) or 0)

    def waiting_supplement_rows(self, requested_by: datetime, limit: int) -> list[DossierRow]:
        """Those dossiers as list rows, the oldest request first."""
        stmt = (
            select(*ROW_COLUMNS)
            .where(*_waiting(requested_by))
            .order_by(DossierRecord.supplement_requested_at)
            .limit(limit)
        )
        return rows_from(self._s.execute(stmt))

    def waiting_supplement_ids(self, requested_by: datetime) -> list[int]:
        """Their ids, the oldest request first."""
        stmt = (
            select(DossierRecord.id)
            .where(*_waiting(requested_by))
            .order_by(DossierRecord.supplement_requested_at)
        )
        return list(self._s.scalars(stmt))


# Changing one of these re-folds the search text (only the correctable ones can change).
_SEARCHED = frozenset(SEARCH_TEXT_PARTS)

_RUNNING_VALUES = tuple(s.value for s in RUNNING)


def _due_in(window: DueWindow) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = [DossierRecord.status.in_(_RUNNING_VALUES)]
    if window.low is not None:
        conds.append(DossierRecord.due_at >= window.low)
    if window.high is not None:
        conds.append(DossierRecord.due_at < window.high)
    return conds


def _waiting(requested_by: datetime) -> list[ColumnElement[bool]]:
    return [
        DossierRecord.status == Status.SUPPLEMENT.value,
        DossierRecord.supplement_requested_at <= requested_by,
    ]


class ApplicantStore(Store):
    def find(self, id_number: str) -> Person | None:
        """The latest known details of the person with ``id_number``, or None."""
        r = self._s.scalar(select(ApplicantRecord).where(ApplicantRecord.id_number == id_number))
        if r is None:
            return None
        return Person(r.full_name, r.id_number, r.birth_date, r.phone, r.address, r.email)

    def upsert(self, person: Person, now: datetime) -> int:
        """Remember ``person`` by ID number; details left empty keep the known ones. Returns
        the applicant's id."""
        rec = self._s.scalar(
            select(ApplicantRecord).where(ApplicantRecord.id_number == person.id_number)
        )
        if rec is None:
            rec = ApplicantRecord(id_number=person.id_number, full_name=person.full_name)
            self._s.add(rec)
        rec.full_name = person.full_name
        rec.birth_date = person.birth_date or rec.birth_date
        rec.phone = person.phone or rec.phone or ""
        rec.address = person.address or rec.address or ""
        rec.email = person.email or rec.email or ""
        rec.updated_at = now
        self._s.flush()
        return rec.id
