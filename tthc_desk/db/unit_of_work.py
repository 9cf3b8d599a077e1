"""A unit of work: one session, one transaction, and the stores that run on it.

Services open one with ``Database.read()`` or ``Database.write()`` and call its stores in order;
they never see the session. Stores are made on first use, so a unit of work that touches one
aggregate pays for one store.
"""

from __future__ import annotations

from functools import cached_property

from sqlalchemy.orm import Session

from tthc_desk.db.stores.accounts import AccountStore
from tthc_desk.db.stores.attachments import AttachmentStore
from tthc_desk.db.stores.base import Dialect
from tthc_desk.db.stores.calendar import CalendarStore
from tthc_desk.db.stores.catalog import CatalogStore
from tthc_desk.db.stores.changes import ChangeStore
from tthc_desk.db.stores.counters import CounterStore
from tthc_desk.db.stores.dashboard import DashboardStore
from tthc_desk.db.stores.demo import DemoStore
from tthc_desk.db.stores.dossiers import ApplicantStore, DossierStore
from tthc_desk.db.stores.events import EventStore
from tthc_desk.db.stores.facts import FactsStore
from tthc_desk.db.stores.journal import JournalStore
from tthc_desk.db.stores.letters import LetterStore
from tthc_desk.db.stores.outbox import OutboxStore
from tthc_desk.db.stores.postal import PostalStore
from tthc_desk.db.stores.reports import ReportStore
from tthc_desk.db.stores.search import SearchStore
from tthc_desk.db.stores.server import ServerStore
from tthc_desk.db.stores.settings import SettingsStore


class UnitOfWork:
    def __init__(self, session: Session, dialect: Dialect) -> None:
        self._session = session
        self.dialect = dialect

    @cached_property
    def settings(self) -> SettingsStore:
        return SettingsStore(self._session, self.dialect)

    @cached_property
    def accounts(self) -> AccountStore:
        return AccountStore(self._session, self.dialect)

    @cached_property
    def server(self) -> ServerStore:
        return ServerStore(self._session, self.dialect)

    @cached_property
    def counters(self) -> CounterStore:
        return CounterStore(self._session, self.dialect)

    @cached_property
    def catalog(self) -> CatalogStore:
        return CatalogStore(self._session, self.dialect)

    @cached_property
    def calendar(self) -> CalendarStore:
        return CalendarStore(self._session, self.dialect)

    @cached_property
    def dossiers(self) -> DossierStore:
        return DossierStore(self._session, self.dialect)

    @cached_property
    def applicants(self) -> ApplicantStore:
        return ApplicantStore(self._session, self.dialect)

    @cached_property
    def events(self) -> EventStore:
        return EventStore(self._session, self.dialect)

    @cached_property
    def search(self) -> SearchStore:
        return SearchStore(self._session, self.dialect)

    @cached_property
    def letters(self) -> LetterStore:
        return LetterStore(self._session, self.dialect)

    @cached_property
    def postal(self) -> PostalStore:
        return PostalStore(self._session, self.dialect)

    @cached_property
    def outbox(self) -> OutboxStore:
        return OutboxStore(self._session, self.dialect)

    @cached_property
    def reports(self) -> ReportStore:
        return ReportStore(self._session, self.dialect)

    @cached_property
    def dashboard(self) -> DashboardStore:
        return DashboardStore(self._session, self.dialect)

    @cached_property
    def demo(self) -> DemoStore:
        return DemoStore(self._session, self.dialect)

    @cached_property
    def journal(self) -> JournalStore:
        return JournalStore(self._session, self.dialect)

    @cached_property
    def changes(self) -> ChangeStore:
        return ChangeStore(self._session, self.dialect)

    @cached_property
    def facts(self) -> FactsStore:
        return FactsStore(self._session, self.dialect)

    @cached_property
    def attachments(self) -> AttachmentStore:
        return AttachmentStore(self._session, self.dialect)
