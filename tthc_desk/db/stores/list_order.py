"""The dossier list's column orders as SQL expressions, with the meaning the clerk reads.

Each :class:`~tthc_desk.domain.search.SortKey` is one expression over a dossier row (or an alias
of the table, for keyset paging), compared as the Python keys of :mod:`tthc_desk.domain.text`
compare, code point by code point:

- SQLite: the folded columns call :func:`~tthc_desk.domain.text.sort_fold` and
  :func:`~tthc_desk.domain.text.name_sort_key` themselves, registered on every connection as the
  deterministic SQL functions ``tthc_fold`` and ``tthc_name_key`` (:func:`register_functions`);
  SQLite compares text byte by byte (UTF-8), which is code point order.
- PostgreSQL: the folding is ``translate`` with the same letter table (every Vietnamese letter
  in NFC, both cases, to its ASCII letter), then ``lower``; the given name first is the words
  read backwards (``unnest … WITH ORDINALITY``); text is compared ``COLLATE "C"`` (byte order,
  whatever the database's collation), like SQLite and Python.
- Statuses sort by their labels (accent-insensitive, as the column reads): a ``CASE`` of ranks.
"""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import ColumnElement, case, func, literal, select

from tthc_desk.db.stores.base import Dialect
from tthc_desk.domain.dossier import Status
from tthc_desk.domain.search import SortKey
from tthc_desk.domain.text import fold, fold_letters, name_sort_key, sort_fold
from tthc_desk.presentation import label

#: The SQLite functions of :func:`register_functions` (name → one-argument function).
SQLITE_FUNCTIONS = {"tthc_fold": "procedure and field", "tthc_name_key": "applicant names"}


@functools.lru_cache(maxsize=4096)
def _cached_fold(value: str | None) -> str:
    # Procedures and fields repeat across thousands of rows: fold each once.
    return sort_fold(value)


def register_functions(dbapi_conn: Any) -> None:
    """Register ``tthc_fold`` and ``tthc_name_key`` on a new SQLite connection (deterministic:
    the same text always gives the same key, so SQLite may use them in an index)."""
    dbapi_conn.create_function("tthc_fold", 1, _cached_fold, deterministic=True)
    dbapi_conn.create_function("tthc_name_key", 1, name_sort_key, deterministic=True)


@functools.cache
def status_ranks() -> dict[str, int]:
    """Each status's place in the alphabetical order of the labels (accents aside)."""
    ordered = sorted(Status, key=lambda s: fold(label(s)))
    return {s.value: i for i, s in enumerate(ordered)}


@functools.cache
def _translate_pair() -> tuple[str, str]:
    letters = fold_letters()
    return "".join(chr(c) for c in letters), "".join(letters.values())


def _pg_fold(value: ColumnElement[Any]) -> ColumnElement[Any]:
    source, target = _translate_pair()
    return func.lower(func.translate(func.coalesce(value, ""), literal(source), literal(target)))


def _pg_name_key(value: ColumnElement[Any]) -> ColumnElement[Any]:
    # Imported here: the PostgreSQL dialect package (~40 ms) stays out of an SQLite start-up.
    from sqlalchemy.dialects.postgresql import aggregate_order_by

    words = (
        func.unnest(func.regexp_split_to_array(_pg_fold(value), literal(r"\s+")))
        .table_valued("w", with_ordinality="n")
        .render_derived()
    )
    reversed_words = (
        select(func.string_agg(words.c.w, aggregate_order_by(literal(" "), words.c.n.desc())))
        .where(words.c.w != "")
        .scalar_subquery()
    )
    return func.coalesce(reversed_words, "")


def sort_key(key: SortKey, entity: Any, dialect: Dialect) -> ColumnElement[Any]:
    """The SQL expression of ``key`` over ``entity`` (``DossierRecord`` or an alias of it)."""
    if key is SortKey.STATUS:
        return case(status_ranks(), value=entity.status, else_=len(Status))
    plain: dict[SortKey, ColumnElement[Any]] = {
        SortKey.CODE: entity.code,
        SortKey.ID_NUMBER: entity.applicant_id_number,
        SortKey.PHONE: entity.applicant_phone,
        SortKey.RECEIVED: entity.received_at,
        SortKey.DUE: entity.due_at,
    }
    if key in (SortKey.RECEIVED, SortKey.DUE):
        return plain[key]
    folded = {SortKey.PROCEDURE: entity.procedure_name, SortKey.FIELD: entity.field}
    if dialect is Dialect.SQLITE:
        if key is SortKey.APPLICANT:
            return func.tthc_name_key(entity.applicant_name)
        return plain[key] if key in plain else func.tthc_fold(folded[key])
    if dialect is Dialect.POSTGRESQL:
        if key is SortKey.APPLICANT:
            expr = _pg_name_key(entity.applicant_name)
        else:
            expr = plain[key] if key in plain else _pg_fold(folded[key])
        return expr.collate("C")
    # Any other backend: without accent folding, the columns as stored.
    if key is SortKey.APPLICANT:
        return func.lower(entity.applicant_name)
    return plain[key] if key in plain else func.lower(folded[key])
