"""Bulk writes of the demo generator (one chunk of dossiers with their histories at a time)."""

from __future__ import annotations

from tthc_desk.db.stores.base import Store


class DemoStore(Store):
    pass
