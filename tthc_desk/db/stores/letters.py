"""Apology letters with a new appointment (Mẫu 04)."""

from __future__ import annotations

from tthc_desk.db.stores.base import Store


class LetterStore(Store):
    pass
