"""Finding dossiers: search as you type over folded text, filters, newest first or by a column.

The query shapes live in :class:`~tthc_desk.db.stores.search.SearchStore`, the filters and the
folded text in :mod:`tthc_desk.domain.search` (``DossierQuery`` and ``build_search_text`` are
importable from here too, as before).
"""

from __future__ import annotations

from tthc_desk.db.engine import Database
from tthc_desk.domain.dossier import DossierRow
from tthc_desk.domain.search import DossierQuery, SortKey, build_search_text

__all__ = ["DossierQuery", "DossierSearch", "SortKey", "build_search_text"]


class DossierSearch:
    """The dossier list's reads: one short read unit of work per page or count."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def search(self, q: DossierQuery) -> list[DossierRow]:
        with self._db.read() as uow:
            return uow.search.page(q)

    def count(self, q: DossierQuery) -> int:
        with self._db.read() as uow:
            return uow.search.count(q)
