"""Finding dossiers as you type: the folded-text index (SQLite FTS5) and the list filters."""

from __future__ import annotations

from tthc_desk.db.stores.base import Store


class SearchStore(Store):
    pass
