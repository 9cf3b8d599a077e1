"""The period reads behind Biểu 06a and the registers."""

from __future__ import annotations

from tthc_desk.db.stores.base import Store


class ReportStore(Store):
    pass
