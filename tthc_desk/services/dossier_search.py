"""Finding dossiers: search as you type over folded text (FTS5), filters, newest first.

Accents and đ are optional: the index holds a folded copy (``build_search_text``) and queries are
folded the same way. Unranked, newest-first pages with ``LIMIT``, as search-as-you-type needs
(tech-notes: ranking broad matches costs 0.2–0.3 s on a million rows).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Integer, Select, column, func, select, table, text

from tthc_desk.db.engine import Database
from tthc_desk.db.models import DossierRecord
from tthc_desk.db.stores.dossiers import ROW_COLUMNS
from tthc_desk.domain.dossier import DossierRow, Status, parse_dossier_code
from tthc_desk.domain.text import fold, nfc, search_tokens


@dataclass(frozen=True)
class DossierQuery:
    """Filters of the dossier list; ``before_id`` pages backwards from the newest."""

    text: str = ""
    status: Status | None = None
    field: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    before_id: int | None = None
    limit: int = 200


def build_search_text(
    *,
    code: str,
    name: str,
    id_number: str,
    phone: str,
    procedure_code: str,
    procedure_name: str,
    authorised_name: str = "",
) -> str:
    """Folded text the FTS index holds: accents and đ optional when searching."""
    return " ".join(
        part
        for part in (
            fold(name),
            code,
            id_number,
            phone,
            procedure_code,
            fold(procedure_name),
            fold(authorised_name),
        )
        if part
    )


def fts_match_expression(query: str) -> str | None:
    tokens = search_tokens(query)
    if not tokens:
        return None
    return " AND ".join(f'"{t}"*' for t in tokens)


class DossierSearch:
    def __init__(self, db: Database) -> None:
        self._db = db

    def _filtered(self, q: DossierQuery, stmt: Select[Any]) -> Select[Any] | None:
        code = _whole_code(q.text)
        if code is not None:
            # A whole code names one dossier; through FTS its sequence number would also match
            # other dossiers of that day whose ID number starts with the same digits.
            stmt = stmt.where(DossierRecord.code.in_(sorted({code, code.upper()})))
            q = replace(q, text="")
        if q.status is not None:
            stmt = stmt.where(DossierRecord.status == q.status.value)
        if q.field:
            stmt = stmt.where(DossierRecord.field == q.field)
        if q.date_from:
            stmt = stmt.where(
                DossierRecord.received_at >= datetime.combine(q.date_from, datetime.min.time())
            )
        if q.date_to:
            stmt = stmt.where(
                DossierRecord.received_at
                < datetime.combine(q.date_to + timedelta(days=1), datetime.min.time())
            )
        match = fts_match_expression(q.text)
        if match is not None:
            if self._db.is_sqlite:
                ids = text("SELECT rowid FROM dossier_fts WHERE dossier_fts MATCH :m").bindparams(
                    m=match
                )
                stmt = stmt.where(DossierRecord.id.in_(ids.columns(column("rowid", Integer))))
            else:
                for token in search_tokens(q.text):
                    stmt = stmt.where(DossierRecord.search_text.contains(token))
        elif nfc(q.text):
            return None  # only punctuation typed: nothing can match
        return stmt

    def search(self, q: DossierQuery) -> list[DossierRow]:
        unfiltered = q.status is None and not q.field and q.date_from is None and q.date_to is None
        match = (
            fts_match_expression(q.text)
            if unfiltered and self._db.is_sqlite and _whole_code(q.text) is None
            else None
        )
        if match is not None:
            stmt = self._fts_page(q, match)
        else:
            filtered = self._filtered(q, select(*ROW_COLUMNS))
            if filtered is None:
                return []
            if q.before_id is not None:
                filtered = filtered.where(DossierRecord.id < q.before_id)
            stmt = filtered.order_by(DossierRecord.id.desc()).limit(q.limit)
        with self._db.session() as s:
            return [DossierRow(*row[:-1], Status(row[-1])) for row in s.execute(stmt)]

    def _fts_page(self, q: DossierQuery, match: str) -> Select[Any]:
        """One page of an unfiltered text search, newest first, driven by the FTS index.

        The index is walked backwards by rowid and the walk stops at ``limit`` hits (unranked,
        as search-as-you-type needs). The ``id IN (SELECT rowid … MATCH)`` form builds the whole
        match first: 60–90 ms for "nguyen" on a million dossiers, against 1–15 ms this way (see
        bench/README.md). With a status, field or date filter that form stays: a rare status
        would make this walk visit every match.
        """
        stmt = (
            select(*ROW_COLUMNS)
            .select_from(_FTS.join(DossierRecord, DossierRecord.id == _FTS.c.rowid))
            .where(_FTS.c.dossier_fts.op("MATCH")(match))
        )
        if q.before_id is not None:
            stmt = stmt.where(_FTS.c.rowid < q.before_id)
        return stmt.order_by(_FTS.c.rowid.desc()).limit(q.limit)

    def count(self, q: DossierQuery) -> int:
        stmt = self._filtered(q, select(func.count()).select_from(DossierRecord))
        if stmt is None:
            return 0
        with self._db.session() as s:
            return int(s.scalar(stmt) or 0)


_FTS = table("dossier_fts", column("rowid", Integer), column("dossier_fts"))


def _whole_code(query: str) -> str | None:
    """The query when it is a whole dossier code (``000.17.22.H56-260302-0007``), else None."""
    code = nfc(query)
    return code if " " not in code and parse_dossier_code(code) is not None else None
