"""The working calendar's exceptions (holidays, days off, make-up days) and seeded years."""

from __future__ import annotations

from tthc_desk.db.stores.base import Store


class CalendarStore(Store):
    pass
