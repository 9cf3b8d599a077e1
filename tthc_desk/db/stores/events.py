"""Every step of a dossier's life (dossier_events)."""

from __future__ import annotations

from tthc_desk.db.stores.base import Store


class EventStore(Store):
    pass
