"""Key/value settings, stored as JSON text."""

from __future__ import annotations

import json
from typing import Any

from tthc_desk.db.models import SettingRecord
from tthc_desk.db.stores.base import Store


class SettingsStore(Store):
    def get(self, key: str) -> Any | None:
        """The decoded JSON value of ``key``, or None when it was never set."""
        rec = self._s.get(SettingRecord, key)
        return json.loads(rec.value) if rec else None

    def put(self, key: str, value: Any) -> None:
        self._s.merge(SettingRecord(key=key, value=json.dumps(value, ensure_ascii=False)))
