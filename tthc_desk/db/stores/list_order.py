"""The dossier list's column orders as SQL expressions, with the meaning the clerk reads.

Each :class:`~tthc_desk.domain.search.SortKey` is one column (or expression) of a dossier row
(or an alias of the table, for keyset paging), compared as the Python keys of
:mod:`tthc_desk.domain.text` compare, code point by code point:

- The folded orders read the stored keys (migration 0011): ``name_key`` (the applicant's name
  given name first, :func:`~tthc_desk.domain.text.name_sort_key`), ``procedure_key`` and
  ``field_key`` (:func:`~tthc_desk.domain.text.sort_fold`), made in Python when the row is written
  (:func:`~tthc_desk.domain.search.sort_keys_of`), each with its two indexes ``(key, id DESC)``
  and ``(key, id)``, as the phone and the due moment have: a page is read from an index, not
  sorted from the whole table.
- SQLite compares text byte by byte (UTF-8), which is code point order; on PostgreSQL the key
  columns and the phone are ``COLLATE "C"`` (byte order, whatever the database's collation), so
  the plain column compares that way and its indexes serve the order; the other text columns
  are compared ``COLLATE "C"`` explicitly.
- Statuses sort by their labels (accent-insensitive, as the column reads): a ``CASE`` of ranks.

No SQL function of the app is needed: any SQLite connection (the sqlcipher shell, a backup check,
a repair) can read and write the table and its indexes.
"""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import ColumnElement, case

from tthc_desk.db.stores.base import Dialect
from tthc_desk.domain.dossier import Status
from tthc_desk.domain.search import SortKey
from tthc_desk.domain.text import fold
from tthc_desk.presentation import label


@functools.cache
def status_ranks() -> dict[str, int]:
    """Each status's place in the alphabetical order of the labels (accents aside)."""
    ordered = sorted(Status, key=lambda s: fold(label(s)))
    return {s.value: i for i, s in enumerate(ordered)}


def sort_key(key: SortKey, entity: Any, dialect: Dialect) -> ColumnElement[Any]:
    """The SQL expression of ``key`` over ``entity`` (``DossierRecord`` or an alias of it)."""
    if key is SortKey.STATUS:
        return case(status_ranks(), value=entity.status, else_=len(Status))
    indexed: dict[SortKey, ColumnElement[Any]] = {
        SortKey.APPLICANT: entity.name_key,
        SortKey.PROCEDURE: entity.procedure_key,
        SortKey.FIELD: entity.field_key,
        SortKey.PHONE: entity.applicant_phone,
        SortKey.RECEIVED: entity.received_at,
        SortKey.DUE: entity.due_at,
    }
    if key in indexed:
        # Already in byte order on every engine (the columns are COLLATE "C" on PostgreSQL).
        return indexed[key]
    plain: ColumnElement[Any] = {
        SortKey.CODE: entity.code,
        SortKey.ID_NUMBER: entity.applicant_id_number,
    }[key]
    return plain.collate("C") if dialect is Dialect.POSTGRESQL else plain
