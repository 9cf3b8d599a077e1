"""The procedure catalog: listing, picking, import/export as Excel, the starter catalog."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from tthc_desk.db.engine import Database
from tthc_desk.db.models import ProcedurePaperRecord, ProcedureRecord
from tthc_desk.domain.errors import NotFoundError, Problem, ValidationError
from tthc_desk.domain.procedure import (
    Duration,
    DurationUnit,
    PaperKind,
    Procedure,
    RequiredPaper,
    procedure_problems,
)
from tthc_desk.domain.text import collapse_spaces, fold, nfc, search_tokens


def to_domain(r: ProcedureRecord, with_papers: bool = True) -> Procedure:
    papers = (
        tuple(RequiredPaper(p.name, PaperKind(p.kind), p.count) for p in r.papers)
        if with_papers
        else ()
    )
    return Procedure(
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
        papers=papers,
        active=r.active,
        id=r.id,
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
    rec.search_text = " ".join([p.code, fold(p.name), fold(p.field)])
    rec.papers = [
        ProcedurePaperRecord(position=i, name=x.name, kind=x.kind.value, count=x.count)
        for i, x in enumerate(p.papers, start=1)
    ]


class CatalogService:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._cache: list[Procedure] | None = None

    def _load(self) -> list[Procedure]:
        if self._cache is None:
            with self._db.session() as s:
                q = (
                    select(ProcedureRecord)
                    .options(selectinload(ProcedureRecord.papers))
                    .order_by(ProcedureRecord.field, ProcedureRecord.code)
                )
                self._cache = [to_domain(r) for r in s.scalars(q)]
        return self._cache

    def list(self, active_only: bool = True) -> list[Procedure]:
        return [p for p in self._load() if p.active or not active_only]

    def fields(self) -> list[str]:
        return sorted({p.field for p in self._load()})

    def get(self, code: str) -> Procedure:
        code = nfc(code)
        for p in self._load():
            if p.code == code:
                return p
        raise NotFoundError(f"Không có thủ tục mã “{code}” trong danh mục.")

    def search(self, text: str, active_only: bool = True) -> list[Procedure]:
        """Match by code or by name typed with or without accents; every word must match."""
        tokens = search_tokens(text)
        if not tokens:
            return self.list(active_only)
        out = []
        for p in self.list(active_only):
            hay = search_tokens(" ".join([p.code.replace(".", ""), p.code, p.name, p.field]))
            if all(any(h.startswith(t) for h in hay) for t in tokens):
                out.append(p)
        return out

    # -- writing ------------------------------------------------------------------------------
    def save(self, procedure: Procedure) -> None:
        """Save one procedure edited by hand, with the same checks as an imported row."""
        procedure = replace(
            procedure,
            code=nfc(procedure.code),
            name=collapse_spaces(procedure.name),
            field=collapse_spaces(procedure.field),
            deciding_agency=collapse_spaces(procedure.deciding_agency),
            handling_unit=collapse_spaces(procedure.handling_unit),
            papers=tuple(replace(x, name=collapse_spaces(x.name)) for x in procedure.papers),
        )
        problems = [Problem(msg, field=f) for f, msg in procedure_problems(procedure)]
        if problems:
            raise ValidationError("Chưa lưu được thủ tục: cần sửa các mục được đánh dấu.", problems)
        self.replace_all([procedure], only_upsert=True)

    def replace_all(
        self, procedures: Sequence[Procedure], only_upsert: bool = True
    ) -> tuple[int, int]:
        """Upsert by code in one transaction. Returns (added, updated)."""
        added = updated = 0
        with self._db.session(write=True) as s:
            existing = {
                r.code: r
                for r in s.scalars(
                    select(ProcedureRecord).options(selectinload(ProcedureRecord.papers))
                )
            }
            for p in procedures:
                rec = existing.get(p.code)
                if rec is None:
                    rec = ProcedureRecord(code=p.code)
                    _fill(rec, p)
                    s.add(rec)
                    added += 1
                else:
                    _fill(rec, p)
                    updated += 1
            if not only_upsert:
                codes = {p.code for p in procedures}
                for code, rec in existing.items():
                    if code not in codes:
                        rec.active = False
        self._cache = None
        return added, updated

    def import_xlsx(self, path: Path) -> tuple[int, int]:
        """Import a catalog workbook: every row is validated first, then all or nothing."""
        from tthc_desk.exporting.catalog_xlsx import read_catalog

        procedures = read_catalog(path)
        return self.replace_all(procedures)

    def export_xlsx(self, path: Path) -> int:
        from tthc_desk.exporting.catalog_xlsx import write_catalog

        procedures = self.list(active_only=False)
        write_catalog(procedures, path)
        return len(procedures)

    def ensure_starter(self) -> int:
        """Load the starter catalog into an empty database."""
        with self._db.session() as s:
            if s.scalar(select(ProcedureRecord.id).limit(1)) is not None:
                return 0
        from tthc_desk.exporting.catalog_xlsx import load_starter_catalog

        added, _ = self.replace_all(load_starter_catalog())
        return added

    @staticmethod
    def record_for(s: Session, code: str) -> ProcedureRecord | None:
        return s.scalar(select(ProcedureRecord).where(ProcedureRecord.code == code))
