"""The report facts: checked at start-up, rebuilt on demand (``tthc-desk facts rebuild``).

The facts (``db/stores/facts.py``) follow every write in its own transaction; what can leave them
behind is a new software whose :data:`~tthc_desk.domain.facts.FACTS_FORMAT` differs, a database
upgraded by migration 0010 (the day counts wait for the office's granularity), or a granularity
changed while another software version wrote. :meth:`FactsService.ensure` runs at start-up (the
GUI shows its progress; the CLI commands call it first) and makes again what no longer matches.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from tthc_desk.db.engine import Database
from tthc_desk.db.stores.facts import DayTotals
from tthc_desk.domain.access import Right
from tthc_desk.domain.facts import FACTS_FORMAT
from tthc_desk.services.account_service import AccountService

#: ``progress(done, total)`` in dossiers.
Progress = Callable[[int, int], None]


class FactsWork(StrEnum):
    NONE = "none"
    TOTALS = "totals"  # the day counts only (granularity)
    ALL = "all"  # every dossier's facts, then the day counts


@dataclass(frozen=True)
class FactsCheck:
    last_dossier: int  # the highest dossier id (a dossier written without its facts shows)
    last_fact: int
    work: FactsWork


class FactsService:
    def __init__(self, db: Database, accounts: AccountService) -> None:
        self._db = db
        self._accounts = accounts

    def check(self) -> FactsCheck:
        """What the facts need: nothing, the day counts, or everything."""
        with self._db.read() as uow:
            state = uow.facts.state()
            granularity = uow.facts.office_granularity()
            dossiers, facts = uow.facts.last_ids()
        if dossiers != facts or (state is not None and state[0] != FACTS_FORMAT):
            work = FactsWork.ALL
        elif state is None or state[1] != granularity.value:
            # None: a database made at this revision (0010 writes no state into an empty one);
            # its dossiers' facts were kept write by write, only the day counts are to make.
            work = FactsWork.TOTALS
        else:
            work = FactsWork.NONE
        return FactsCheck(dossiers, facts, work)

    def ensure(self, progress: Progress | None = None) -> FactsWork:
        """At start-up: make again what does not match (no right needed: nothing changes that
        the office wrote). Returns what was done."""
        work = self.check().work
        if work is FactsWork.ALL:
            self._rebuild(progress)
        elif work is FactsWork.TOTALS:
            with self._db.write() as uow:
                uow.facts.rebuild_totals()
        return work

    def day_totals(self, first: date, last: date) -> list[DayTotals]:
        """Per day and field, the counts a trend reads (``domain.facts.DAY_COUNTS``) for the
        days [first, last], without touching the dossiers."""
        with self._db.read() as uow:
            return uow.facts.day_totals(first, last)

    def rebuild(self, progress: Progress | None = None) -> int:
        """Make every fact again from the dossiers and their events (the administrator)."""
        self._accounts.require(Right.REBUILD_FACTS, "dựng lại số liệu báo cáo")
        return self._rebuild(progress)

    def _rebuild(self, progress: Progress | None) -> int:
        with self._db.write() as uow:
            return uow.facts.rebuild(progress)
