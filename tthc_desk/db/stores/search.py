"""Finding dossiers as you type: the folded-text index (SQLite FTS5) and the list filters.

Unranked, newest-first pages with ``LIMIT``, as search-as-you-type needs (tech-notes: ranking
broad matches costs 0.2–0.3 s on a million rows). On SQLite the text goes through the external
content FTS5 table ``dossier_fts`` (kept by triggers, migration 0002); elsewhere every folded token
must appear in ``search_text`` (a plain ``LIKE``, until that backend gets its own index).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Integer, Select, column, func, select, table, text

from tthc_desk.db.models import DossierRecord
from tthc_desk.db.stores.base import Dialect, Store
from tthc_desk.db.stores.dossiers import ROW_COLUMNS, rows_from
from tthc_desk.domain.dossier import DossierRow
from tthc_desk.domain.search import DossierQuery, whole_code
from tthc_desk.domain.text import nfc, search_tokens

# A statement selecting any columns (list rows or a count).
_AnySelect = Select[*tuple[Any, ...]]

_FTS = table("dossier_fts", column("rowid", Integer), column("dossier_fts"))


def sqlite_fts_match(tokens: list[str]) -> str | None:
    """The FTS5 MATCH expression of a query's folded tokens: each a prefix, all required."""
    if not tokens:
        return None
    return " AND ".join(f'"{t}"*' for t in tokens)


class SearchStore(Store):
    def page(self, q: DossierQuery) -> list[DossierRow]:
        """One page of list rows matching ``q``, newest first."""
        match = None
        if q.unfiltered and self._dialect is Dialect.SQLITE and whole_code(q.text) is None:
            match = sqlite_fts_match(search_tokens(q.text))
        if match is not None:
            stmt = self._sqlite_fts_page(q, match)
        else:
            filtered = self._filtered(q, select(*ROW_COLUMNS))
            if filtered is None:
                return []
            if q.before_id is not None:
                filtered = filtered.where(DossierRecord.id < q.before_id)
            stmt = filtered.order_by(DossierRecord.id.desc()).limit(q.limit)
        return rows_from(self._s.execute(stmt))

    def count(self, q: DossierQuery) -> int:
        """How many dossiers match ``q`` (``before_id`` and ``limit`` aside)."""
        stmt = self._filtered(q, select(func.count()).select_from(DossierRecord))
        if stmt is None:
            return 0
        return int(self._s.scalar(stmt) or 0)

    @staticmethod
    def _sqlite_fts_page(q: DossierQuery, match: str) -> _AnySelect:
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

    def _filtered(self, q: DossierQuery, stmt: _AnySelect) -> _AnySelect | None:
        """``stmt`` narrowed by every filter of ``q``; None when nothing can match."""
        code = whole_code(q.text)
        if code is not None:
            # A whole code names one dossier (see whole_code): matched exactly, not as text.
            stmt = stmt.where(DossierRecord.code.in_(sorted({code, code.upper()})))
            q = replace(q, text="")
        if q.status is not None:
            stmt = stmt.where(DossierRecord.status == q.status.value)
        if q.field:
            stmt = stmt.where(DossierRecord.field == q.field)
        if q.date_from:
            start = datetime.combine(q.date_from, datetime.min.time())
            stmt = stmt.where(DossierRecord.received_at >= start)
        if q.date_to:
            end = datetime.combine(q.date_to + timedelta(days=1), datetime.min.time())
            stmt = stmt.where(DossierRecord.received_at < end)
        tokens = search_tokens(q.text)
        if not tokens:
            # Only punctuation typed: nothing can match.
            return None if nfc(q.text) else stmt
        if self._dialect is Dialect.SQLITE:
            return self._sqlite_fts_filter(tokens, stmt)
        for token in tokens:
            stmt = stmt.where(DossierRecord.search_text.contains(token))
        return stmt

    @staticmethod
    def _sqlite_fts_filter(tokens: list[str], stmt: _AnySelect) -> _AnySelect:
        """``stmt`` restricted to the dossiers whose folded text holds every token (FTS5)."""
        ids = text("SELECT rowid FROM dossier_fts WHERE dossier_fts MATCH :m").bindparams(
            m=sqlite_fts_match(tokens)
        )
        return stmt.where(DossierRecord.id.in_(ids.columns(column("rowid", Integer))))
