"""Finding dossiers as you type: the folded-text index and the list filters.

Every word of the query must begin a word of the dossier's folded text (``search_text``: name
without accents, đ→d, code, ID number, phone, procedure), in any order; a whole dossier code
matches that code exactly. Results come newest first (by id, the order of intake), in pages
with ``LIMIT``: no relevance ranking, as search-as-you-type needs (tech-notes: ranking broad
matches costs 0.2–0.3 s on a million rows). Both engines give the same rows in the same order.

- SQLite: the external-content FTS5 table ``dossier_fts`` (kept by triggers, migration 0002),
  each query word a prefix query (``"nguy"*``).
- PostgreSQL: the side table ``dossier_words`` (kept by triggers, migration 0009) holds every
  word cut to 1…7 characters, under a GIN index; a query word of up to 7 characters is one exact
  lexeme, a longer one a prefix lexeme (:func:`postgresql_words_query`).
- Any other backend: every folded token must appear somewhere in ``search_text`` (``LIKE``, no
  index, inside words too).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    and_,
    bindparam,
    cast,
    column,
    func,
    literal_column,
    or_,
    select,
    table,
    text,
    union_all,
)
from sqlalchemy.orm import aliased
from sqlalchemy.types import UserDefinedType

from tthc_desk.db.models import DossierRecord
from tthc_desk.db.stores.base import Dialect, Store
from tthc_desk.db.stores.dossiers import ROW_COLUMNS, rows_from
from tthc_desk.db.stores.list_order import sort_key
from tthc_desk.domain.dossier import DossierRow
from tthc_desk.domain.search import DossierQuery, whole_code
from tthc_desk.domain.text import nfc, search_tokens

# A statement selecting any columns (list rows or a count).
_AnySelect = Select[*tuple[Any, ...]]


class _TextSearchType(UserDefinedType[Any]):
    """PostgreSQL's ``tsvector``/``tsquery`` by name, without importing the PostgreSQL dialect
    package (~40 ms of every start-up, SQLite's included) for two type names."""

    cache_ok = True

    def __init__(self, name: str) -> None:
        self.name = name

    def get_col_spec(self, **_kw: Any) -> str:
        return self.name


TSVECTOR = _TextSearchType("TSVECTOR")
TSQUERY = _TextSearchType("TSQUERY")
_FTS = table("dossier_fts", column("rowid", Integer), column("dossier_fts"))
_WORDS = table("dossier_words", column("dossier_id", Integer), column("words", TSVECTOR))

#: Words are indexed cut to their first 1…7 characters (and whole when longer) on PostgreSQL: the
#: ``7`` of migration 0009's ``tthc_word_prefixes``. Vietnamese syllables have at most 7 letters.
WORD_PREFIX_MAX = 7


def sqlite_fts_match(tokens: list[str]) -> str | None:
    """The FTS5 MATCH expression of a query's folded tokens: each a prefix, all required."""
    if not tokens:
        return None
    return " AND ".join(f'"{t}"*' for t in tokens)


def postgresql_words_query(tokens: list[str]) -> str | None:
    """The ``tsquery`` of a query's folded tokens against ``dossier_words``: all required.

    A token of up to :data:`WORD_PREFIX_MAX` characters is indexed as such (every word's
    beginnings are), so it is an exact lexeme, which GIN intersects cheaply. A longer one (an ID
    number, a phone) is a prefix lexeme over the whole words, ANDed with its exact first
    characters: that lexeme drives the index and gives the planner a true count (a bare prefix
    lexeme is estimated at 0.5 % of the rows, so the planner walked all 200,000 rows for a phone
    number to fill a page of 50: 97 ms instead of 0.1 ms). Tokens are ``[0-9a-z]+``
    (:func:`~tthc_desk.domain.text.search_tokens`), so nothing needs quoting.
    """
    lexemes: dict[str, None] = {}
    for t in tokens:
        if len(t) > WORD_PREFIX_MAX:
            lexemes[t[:WORD_PREFIX_MAX]] = None
            lexemes[f"{t}:*"] = None
        else:
            lexemes[t] = None
    return " & ".join(lexemes) or None


def _tsquery(words: str) -> ColumnElement[Any]:
    """``words`` as a ``tsquery`` written into the statement, not sent as a parameter: psycopg
    prepares a statement run five times on one connection, and PostgreSQL may then plan it once
    for every value, which for "n" and for a whole name cannot be the same plan."""
    return cast(bindparam(None, words, literal_execute=True), TSQUERY)


def _walk_rows(limit: int) -> ColumnElement[Any]:
    """How many of the newest rows the search walks before it turns to the index:
    √(limit × table × c), c = 8 (the index's cost per hit over the walk's cost per row), which
    makes the worst case (a walk that misses, then the index) cheapest. Computed in the
    statement from the highest id (the primary key's last entry)."""
    rows = func.sqrt(
        literal_column("8.0") * limit * func.coalesce(func.max(_WORDS.c.dossier_id), 0)
    )
    return select(cast(rows, Integer) + limit).scalar_subquery()


class SearchStore(Store):
    def page(self, q: DossierQuery) -> list[DossierRow]:
        """One page of list rows matching ``q``, newest first."""
        if q.order_by is not None:
            return self._sorted_page(q)
        match = words = None
        if q.unfiltered and whole_code(q.text) is None:
            if self._dialect is Dialect.SQLITE:
                match = sqlite_fts_match(search_tokens(q.text))
            elif self._dialect is Dialect.POSTGRESQL:
                words = postgresql_words_query(search_tokens(q.text))
        if match is not None:
            stmt = self._sqlite_fts_page(q, match)
        elif words is not None:
            stmt = self._postgresql_words_page(q, words)
        else:
            filtered = self._filtered(q, select(*ROW_COLUMNS))
            if filtered is None:
                return []
            if q.before_id is not None:
                filtered = filtered.where(DossierRecord.id < q.before_id)
            stmt = filtered.order_by(DossierRecord.id.desc()).limit(q.limit)
        return rows_from(self._s.execute(stmt))

    def _sorted_page(self, q: DossierQuery) -> list[DossierRow]:
        """One page of ``q`` in the order of a column (:class:`~tthc_desk.domain.search.SortKey`),
        equal keys newest first, continuing after the row ``before_id`` (keyset paging: that
        row's key is read again, so a page neither repeats nor skips rows as dossiers come in).

        Two steps in one statement: the page's ids are chosen reading only the columns the key
        and the filters need (an index covers them for the dates, the status, the field: 0.2 s
        for a million dossiers by due date, against 9 s sorting whole rows), then the page's
        rows are read by id.
        """
        assert q.order_by is not None
        key = sort_key(q.order_by, DossierRecord, self._dialect)
        ids = self._filtered(q, select(DossierRecord.id.label("id"), key.label("k")))
        if ids is None:
            return []
        if q.before_id is not None:
            last = aliased(DossierRecord)
            last_key = (
                select(sort_key(q.order_by, last, self._dialect))
                .where(last.id == q.before_id)
                .scalar_subquery()
            )
            # "key ≥ last and (key > last or older)": the first half is a range an index on the
            # key can serve; the second orders the rows that share the last row's key.
            if q.descending:
                reach, beyond = key <= last_key, key < last_key
            else:
                reach, beyond = key >= last_key, key > last_key
            ids = ids.where(and_(reach, or_(beyond, DossierRecord.id < q.before_id)))
        page = (
            ids.order_by(key.desc() if q.descending else key.asc(), DossierRecord.id.desc())
            .limit(q.limit)
            .subquery("page")
        )
        stmt = (
            select(*ROW_COLUMNS)
            .select_from(page.join(DossierRecord, DossierRecord.id == page.c.id))
            .order_by(page.c.k.desc() if q.descending else page.c.k.asc(), page.c.id.desc())
        )
        return rows_from(self._s.execute(stmt))

    def count(self, q: DossierQuery) -> int:
        """How many dossiers match ``q`` (``before_id`` and ``limit`` aside)."""
        if self._dialect is Dialect.POSTGRESQL and q.unfiltered and whole_code(q.text) is None:
            words = postgresql_words_query(search_tokens(q.text))
            if words is not None:
                # One dossier_words row per dossier: counted without the dossiers themselves
                # (0.28 s instead of 0.9 s for the 422,000 "nguyen" of a million dossiers).
                match = _WORDS.c.words.op("@@")(_tsquery(words))
                return int(self._s.scalar(select(func.count()).where(match)) or 0)
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

    @staticmethod
    def _postgresql_words_page(q: DossierQuery, words: str) -> _AnySelect:
        """One page of an unfiltered text search, newest first, in two steps (one statement).

        1. The newest rows of ``dossier_words`` (below ``before_id``) are read backwards by id
           and tested one by one (~0.65 µs a row), stopping at ``limit`` hits: common words
           ("nguyen", "van", "tran thi h") fill the page within a few hundred rows.
        2. Past :func:`_walk_rows` rows without a full page, the rest comes from the GIN index,
           older than those rows, sorted by id: it costs ~5 µs a hit, and step 1 has shown that
           the hits are few.

        The walk's length balances the two: a query that misses it pays for both, and the walk
        grows as the square root of the table (8,900 rows of 200,000 for a page of 50). A query
        with a word longer than :data:`WORD_PREFIX_MAX` (an ID number, a phone) matches a
        handful of dossiers and skips step 1. ``UNION ALL`` runs its parts in order and stops
        when ``LIMIT`` is reached, so step 2 does not start when step 1 fills the page.

        Left to itself the planner picks one of the two by its estimate of the hits, and the
        words of a name or a procedure go together more often than it assumes: it walked
        117,000 rows (100 ms) for "le trong s", and read 4,367 rows through the index for
        "xac nhan tinh trang hon nhan nguyen" (estimated: 1).
        """
        dossier_id = _WORDS.c.dossier_id
        older = [] if q.before_id is None else [dossier_id < q.before_id]
        # "+ 0": not the primary key's order, so the planner reads the GIN index (or, for words
        # it thinks very common, the table) instead of walking every older row by id.
        unindexed_id = dossier_id + literal_column("0")
        rest = select(dossier_id).where(_WORDS.c.words.op("@@")(_tsquery(words)), *older)
        if ":*" in words:  # a word longer than WORD_PREFIX_MAX
            hits = rest.order_by(unindexed_id.desc()).limit(q.limit).subquery("hits")
        else:
            walk = _walk_rows(q.limit)
            newest = (
                select(dossier_id, _WORDS.c.words)
                .where(*older)
                .order_by(dossier_id.desc())
                .limit(walk)
                .subquery("newest")
            )
            walked = (
                select(newest.c.dossier_id)
                .where(newest.c.words.op("@@")(_tsquery(words)))
                .order_by(newest.c.dossier_id.desc())
            )
            newest_ids = (
                select(dossier_id).where(*older).order_by(dossier_id.desc()).limit(walk)
            ).subquery("newest_ids")
            boundary = select(func.min(newest_ids.c.dossier_id)).scalar_subquery()
            rest = rest.where(unindexed_id < boundary).order_by(unindexed_id.desc())
            hits = union_all(walked, rest).limit(q.limit).subquery("hits")
        return (
            select(*ROW_COLUMNS)
            .select_from(hits.join(DossierRecord, DossierRecord.id == hits.c.dossier_id))
            .order_by(DossierRecord.id.desc())
        )

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
        if self._dialect is Dialect.POSTGRESQL:
            return self._postgresql_words_filter(tokens, stmt)
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

    @staticmethod
    def _postgresql_words_filter(tokens: list[str], stmt: _AnySelect) -> _AnySelect:
        """``stmt`` joined to the dossiers whose ``dossier_words`` hold every token.

        A join on the primary key (one ``dossier_words`` row per dossier), so ``ORDER BY id``
        can follow either table's key: with a status, field or date filter, and for counts, the
        planner walks the newest rows backwards when the words are common and goes through the
        GIN index when they are rare, choosing by the lexeme counts ANALYZE keeps (migration
        0009 raises their number).
        """
        words = postgresql_words_query(tokens)
        assert words is not None  # there are tokens
        return stmt.join(_WORDS, _WORDS.c.dossier_id == DossierRecord.id).where(
            _WORDS.c.words.op("@@")(_tsquery(words))
        )
