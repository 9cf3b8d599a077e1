"""The procedure catalog and each procedure's checklist of papers."""

from __future__ import annotations

from tthc_desk.db.stores.base import Store


class CatalogStore(Store):
    pass
