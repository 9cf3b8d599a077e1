"""Key/value settings (stored as JSON text) and the staff list."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from tthc_desk.db.models import SettingRecord, StaffRecord
from tthc_desk.db.stores.base import Store
from tthc_desk.domain.office import StaffMember


class SettingsStore(Store):
    def get(self, key: str) -> Any | None:
        """The decoded JSON value of ``key``, or None when it was never set."""
        rec = self._s.get(SettingRecord, key)
        return json.loads(rec.value) if rec else None

    def put(self, key: str, value: Any) -> None:
        self._s.merge(SettingRecord(key=key, value=json.dumps(value, ensure_ascii=False)))


class StaffStore(Store):
    def list(self, include_inactive: bool = False) -> list[StaffMember]:
        q = select(StaffRecord).order_by(StaffRecord.role.desc(), StaffRecord.name)
        if not include_inactive:
            q = q.where(StaffRecord.active.is_(True))
        return [StaffMember(r.name, r.role, r.active, r.id) for r in self._s.scalars(q)]

    def any(self) -> bool:
        return self._s.scalar(select(StaffRecord.id).limit(1)) is not None

    def replace(self, members: Sequence[StaffMember]) -> None:
        """Add or update ``members``; everyone else is kept but made inactive."""
        existing = {r.name: r for r in self._s.scalars(select(StaffRecord))}
        for m in members:
            rec = existing.pop(m.name, None)
            if rec is None:
                self._s.add(StaffRecord(name=m.name, role=m.role, active=m.active))
            else:
                rec.role, rec.active = m.role, m.active
        for rec in existing.values():
            rec.active = False

    def add(self, members: Sequence[StaffMember]) -> None:
        for m in members:
            self._s.add(StaffRecord(name=m.name, role=m.role, active=m.active))
