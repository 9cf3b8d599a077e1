"""Results handed to the public post: handover lists and postal items."""

from __future__ import annotations

from tthc_desk.db.stores.base import Store


class PostalStore(Store):
    pass
