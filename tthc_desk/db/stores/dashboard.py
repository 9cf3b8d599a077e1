"""The dashboard's own reads: the running dossiers due soon (what will be late) and the clock
times of the dossiers settled in a period (Bộ chỉ số 766, 2.2 average processing time).

The rest of the dashboard's figures come from the reports (``ReportService.compute``).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import select

from tthc_desk.db.models import DossierRecord
from tthc_desk.db.stores.base import Store
from tthc_desk.domain.dashboard import AtRiskRow
from tthc_desk.domain.dossier import Status
from tthc_desk.domain.lifecycle import RUNNING, SETTLED
from tthc_desk.domain.procedure import DurationUnit

_RUNNING = tuple(s.value for s in RUNNING)
_SETTLED = tuple(s.value for s in SETTLED)


class DashboardStore(Store):
    def due_between(self, low: datetime, high: datetime, limit: int) -> list[AtRiskRow]:
        """Running dossiers (no result yet, clock not stopped) due in ``[low, high)``, soonest
        first (index ``ix_dossiers_status_due_at``)."""
        d = DossierRecord
        stmt = (
            select(
                d.code,
                d.applicant_name,
                d.procedure_name,
                d.field,
                d.current_unit,
                d.status,
                d.due_at,
            )
            .where(d.status.in_(_RUNNING), d.due_at >= low, d.due_at < high)
            .order_by(d.due_at, d.code)
            .limit(limit)
        )
        return [
            AtRiskRow(code, name, procedure, field or "", unit or "", Status(status), due)
            for code, name, procedure, field, unit, status, due in self._s.execute(stmt)
        ]

    def settled_clocks(
        self, start: datetime, end: datetime
    ) -> Iterator[tuple[DurationUnit, datetime, datetime]]:
        """(the procedure's unit, clock start, settled moment) of every dossier settled (result,
        refusal or stop) in ``[start, end)``."""
        d = DossierRecord
        stmt = select(d.duration_unit, d.received_at, d.settled_at).where(
            d.status.in_(_SETTLED), d.settled_at >= start, d.settled_at < end
        )
        for unit, received, settled in self._s.execute(stmt).yield_per(5000):
            if settled is not None:  # always, by the condition: for the type checker
                yield DurationUnit(unit), received, settled
