"""The upload queue of reports."""

from __future__ import annotations

from tthc_desk.db.stores.base import Store


class OutboxStore(Store):
    pass
