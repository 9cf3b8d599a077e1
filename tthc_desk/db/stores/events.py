"""Every step of a dossier's life (``dossier_events``): appended, never rewritten."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import select

from tthc_desk.db.models import DossierEventRecord
from tthc_desk.db.stores.base import Store
from tthc_desk.domain.lifecycle import DossierEvent


def event_from_record(r: DossierEventRecord) -> DossierEvent:
    return DossierEvent(
        r.at, r.kind, r.actor, r.from_unit, r.to_unit, r.note, decode_data(r.data), r.id
    )


def decode_data(text: str | None) -> dict[str, object]:
    """The event's JSON payload; an unreadable one (edited by hand) reads as empty."""
    try:
        data = json.loads(text or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


class EventStore(Store):
    def append(self, dossier_id: int, event: DossierEvent) -> DossierEvent:
        """Add ``event`` to the dossier's history; returns it with its id."""
        rec = DossierEventRecord(
            dossier_id=dossier_id,
            at=event.at,
            kind=event.kind,
            actor=event.actor,
            from_unit=event.from_unit,
            to_unit=event.to_unit,
            note=event.note,
            data=json.dumps(event.data, ensure_ascii=False),
        )
        self._s.add(rec)
        self._s.flush()
        return event_from_record(rec)

    def for_dossier(self, dossier_id: int) -> list[DossierEvent]:
        """The dossier's whole history, oldest first."""
        rows = self._s.scalars(
            select(DossierEventRecord)
            .where(DossierEventRecord.dossier_id == dossier_id)
            .order_by(DossierEventRecord.at, DossierEventRecord.id)
        )
        return [event_from_record(r) for r in rows]

    def last_at(self, dossier_id: int) -> datetime | None:
        """The moment of the dossier's latest step (a new step may not come before it)."""
        return self._s.scalar(
            select(DossierEventRecord.at)
            .where(DossierEventRecord.dossier_id == dossier_id)
            .order_by(DossierEventRecord.at.desc())
            .limit(1)
        )
