"""The procedure catalog and each procedure's checklist of papers."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tthc_desk.db.models import ProcedurePaperRecord, ProcedureRecord
from tthc_desk.db.stores.base import Store
from tthc_desk.domain.procedure import (
    Duration,
    DurationUnit,
    PaperKind,
    Procedure,
    RequiredPaper,
    procedure_search_text,
)

_PROCEDURE_COLUMNS = (
    ProcedureRecord.id,
    ProcedureRecord.code,
    ProcedureRecord.name,
    ProcedureRecord.field,
    ProcedureRecord.deciding_agency,
    ProcedureRecord.handling_unit,
    ProcedureRecord.duration_value,
    ProcedureRecord.duration_unit,
    ProcedureRecord.fee,
    ProcedureRecord.charge,
    ProcedureRecord.postal_return,
    ProcedureRecord.online,
    ProcedureRecord.active,
)


def _fill(rec: ProcedureRecord, p: Procedure) -> None:
    rec.name = p.name
    rec.field = p.field
    rec.deciding_agency = p.deciding_agency
    rec.handling_unit = p.handling_unit
    rec.duration_value = p.duration.value
    rec.duration_unit = p.duration.unit.value
    rec.fee = p.fee
    rec.charge = p.charge
    rec.postal_return = p.postal_return
    rec.online = p.online
    rec.active = p.active
    rec.search_text = procedure_search_text(p)
    rec.papers = [
        ProcedurePaperRecord(position=i, name=x.name, kind=x.kind.value, count=x.count)
        for i, x in enumerate(p.papers, start=1)
    ]


class CatalogStore(Store):
    def procedures(self) -> list[Procedure]:
        """Every procedure (active or not) with its papers, by field then code."""
        papers: dict[int, list[RequiredPaper]] = defaultdict(list)
        paper_rows = self._s.execute(
            select(
                ProcedurePaperRecord.procedure_id,
                ProcedurePaperRecord.name,
                ProcedurePaperRecord.kind,
                ProcedurePaperRecord.count,
            ).order_by(ProcedurePaperRecord.procedure_id, ProcedurePaperRecord.position)
        )
        for procedure_id, name, kind, count in paper_rows:
            papers[procedure_id].append(RequiredPaper(name, PaperKind(kind), count))
        rows = self._s.execute(
            select(*_PROCEDURE_COLUMNS).order_by(ProcedureRecord.field, ProcedureRecord.code)
        )
        return [
            Procedure(
                code=r.code,
                name=r.name,
                field=r.field,
                deciding_agency=r.deciding_agency,
                handling_unit=r.handling_unit,
                duration=Duration(r.duration_value, DurationUnit(r.duration_unit)),
                fee=r.fee,
                charge=r.charge,
                postal_return=r.postal_return,
                online=r.online,
                papers=tuple(papers.get(r.id, ())),
                active=r.active,
                id=r.id,
            )
            for r in rows
        ]

    def any(self) -> bool:
        return self._s.scalar(select(ProcedureRecord.id).limit(1)) is not None

    def upsert(
        self, procedures: Sequence[Procedure], deactivate_others: bool = False
    ) -> tuple[int, int]:
        """Add or update each procedure by code, its papers replaced; returns (added, updated).

        With ``deactivate_others`` the procedures not given are kept but made inactive (dossiers
        name them).
        """
        existing = {
            r.code: r
            for r in self._s.scalars(
                select(ProcedureRecord).options(selectinload(ProcedureRecord.papers))
            )
        }
        added = updated = 0
        for p in procedures:
            rec = existing.get(p.code)
            if rec is None:
                rec = ProcedureRecord(code=p.code)
                _fill(rec, p)
                self._s.add(rec)
                added += 1
            else:
                _fill(rec, p)
                updated += 1
        if deactivate_others:
            codes = {p.code for p in procedures}
            for code, rec in existing.items():
                if code not in codes:
                    rec.active = False
        return added, updated
