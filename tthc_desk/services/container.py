"""Composition root of the core: one place that builds the services for the CLI and the GUI."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from tthc_desk.db.engine import Database
from tthc_desk.domain.access import DEMO_PASSWORD, DEMO_USERNAME, NewAccount, Right, Role
from tthc_desk.domain.clock import Clock, SystemClock
from tthc_desk.paths import AppPaths
from tthc_desk.services.account_service import AccountService
from tthc_desk.services.apology_service import ApologyService
from tthc_desk.services.attachment_service import AttachmentService
from tthc_desk.services.backup_service import BackupService
from tthc_desk.services.calendar_service import CalendarService
from tthc_desk.services.catalog_service import CatalogService
from tthc_desk.services.changes_service import ChangesService
from tthc_desk.services.dashboard_service import DashboardService
from tthc_desk.services.data_folder import DataFolder
from tthc_desk.services.db_admin_service import DbAdminService
from tthc_desk.services.deadline_service import DeadlineService
from tthc_desk.services.dossier_service import DossierService
from tthc_desk.services.facts_service import FactsService
from tthc_desk.services.health_service import HealthService
from tthc_desk.services.journal_service import JournalKeys, JournalService
from tthc_desk.services.keys import KeyVault
from tthc_desk.services.lifecycle_service import LifecycleService
from tthc_desk.services.outbox_service import OutboxService
from tthc_desk.services.postal_service import PostalService
from tthc_desk.services.print_service import PrintService
from tthc_desk.services.recovery_service import RecoveryService
from tthc_desk.services.registers_service import RegistersService
from tthc_desk.services.report_keys import ReportKeys
from tthc_desk.services.report_service import ReportService
from tthc_desk.services.retention_service import RetentionService
from tthc_desk.services.scan_store import open_blob_store
from tthc_desk.services.server_service import ServerService
from tthc_desk.services.settings_service import SettingsService
from tthc_desk.sync.credentials import CredentialStore, KeyringStore

log = logging.getLogger(__name__)


@dataclass
class Services:
    paths: AppPaths
    folder: DataFolder
    db: Database
    clock: Clock
    accounts: AccountService
    settings: SettingsService
    calendar: CalendarService
    catalog: CatalogService
    dossiers: DossierService
    printing: PrintService
    lifecycle: LifecycleService
    deadlines: DeadlineService
    apologies: ApologyService
    registers: RegistersService
    postal: PostalService
    reports: ReportService
    outbox: OutboxService
    journal: JournalService
    health: HealthService
    recovery: RecoveryService
    retention: RetentionService
    backups: BackupService
    changes: ChangesService
    db_admin: DbAdminService
    server: ServerService
    dashboard: DashboardService
    facts: FactsService
    attachments: AttachmentService

    def close(self) -> None:
        self.changes.close()
        self.db.dispose()


def _server_service(
    folder: DataFolder, db: Database, accounts: AccountService, clock: Clock
) -> ServerService:
    """The server setting changed by the administrator logged in (issue 12)."""

    def actor() -> str:
        current = accounts.current
        return current.username if current is not None else ""

    return ServerService(
        folder,
        db,
        require=lambda: accounts.require(Right.SERVER, "đổi kết nối máy chủ cơ sở dữ liệu"),
        actor=actor,
        now=clock.now,
    )


#: The demo database's account: every role, password ``demo`` (README); its name is the demo
#: clerk's, as printed on the demo's receipts.
DEMO_ACCOUNT = NewAccount(DEMO_USERNAME, "Trần Thị Bình", frozenset(Role), DEMO_PASSWORD)


def open_services(
    paths: AppPaths,
    clock: Clock | None = None,
    *,
    seed: bool = True,
    credentials: CredentialStore | None = None,
    demo: bool = False,
    recovery_key: bytes | None = None,
) -> Services:
    """Open (and migrate) the database, then seed what an empty office needs to start work.

    A real office starts empty: the first-run setup names it and its administrator. ``demo``
    seeds the made-up demo office and its account instead. ``credentials`` defaults to the
    operating system's keyring; tests pass an ``InMemoryStore``. ``recovery_key``: the key from
    the *Phiếu khóa khôi phục dữ liệu*, when this PC has none (``DatabaseKeyError``).
    """
    paths.ensure()
    clock = clock or SystemClock()
    credentials = credentials if credentials is not None else KeyringStore()
    folder = DataFolder(paths, KeyVault(credentials))
    db = folder.open(demo=demo, recovery_key=recovery_key)
    accounts = AccountService(db, clock)
    journal_keys = JournalKeys(credentials)
    backups = BackupService(db, paths, accounts, clock, journal_keys, folder=folder)
    try:
        # Before an upgrade: a verified backup (the schema's revision in its name).
        backup = db.migrate(paths.backup_dir, backups.before_upgrade if db.file_path else None)
    except Exception:
        db.dispose()
        raise
    if backup:
        log.info("Migrated the database; the previous copy is %s", backup)
    journal = JournalService(db, accounts, clock, journal_keys)
    try:
        journal.start()
        journal.note_folder_events(folder.take_notes())
        backups.journal_to(journal.note_backup)
    except Exception:
        db.dispose()
        raise
    settings = SettingsService(db, accounts, on_set_up=folder.mark_set_up)
    calendar = CalendarService(db, settings, accounts, clock)
    catalog = CatalogService(db, accounts)
    dossiers = DossierService(db, catalog, calendar, settings, accounts, clock)
    lifecycle = LifecycleService(db, dossiers, calendar, settings, accounts, clock)
    attachments = AttachmentService(
        db,
        settings,
        accounts,
        clock,
        lambda: open_blob_store(db, paths.data_dir, lambda: backups.office_key(create=True)),
    )
    printing = PrintService(
        dossiers,
        settings,
        template_dir=paths.template_dir,
        lifecycle=lifecycle,
        attachments=attachments,
    )
    deadlines = DeadlineService(db, calendar, settings, clock)
    apologies = ApologyService(
        db, lifecycle, calendar, settings, accounts, clock, template_dir=paths.template_dir
    )
    registers = RegistersService(
        db, lifecycle, settings, calendar, clock, template_dir=paths.template_dir
    )
    postal = PostalService(
        db, catalog, calendar, settings, accounts, clock, template_dir=paths.template_dir
    )
    reports = ReportService(
        db,
        settings,
        catalog,
        lifecycle,
        postal,
        accounts,
        clock,
        template_dir=paths.template_dir,
        keys=ReportKeys(credentials),
        database_id=lambda: journal.database_id,
    )
    outbox = OutboxService(
        db,
        settings,
        accounts,
        clock,
        credentials,
    )
    try:
        reports.keep_signing_key()
    except Exception:
        db.dispose()
        raise
    services = Services(
        paths,
        folder,
        db,
        clock,
        accounts,
        settings,
        calendar,
        catalog,
        dossiers,
        printing,
        lifecycle,
        deadlines,
        apologies,
        registers,
        postal,
        reports,
        outbox,
        journal,
        HealthService(db, clock),
        RecoveryService(
            folder,
            db,
            settings,
            accounts,
            clock,
            template_dir=paths.template_dir,
            office_key=lambda: backups.office_key(create=True),
        ),
        RetentionService(paths, settings, outbox, accounts, clock),
        backups,
        ChangesService(db),
        DbAdminService(db, folder, accounts, journal, clock, journal_keys),
        _server_service(folder, db, accounts, clock),
        DashboardService(
            db,
            reports,
            calendar,
            accounts,
            clock,
            template_dir=paths.template_dir,
        ),
        FactsService(db, accounts),
        attachments,
    )
    moved = services.db_admin.moved_notice()
    if moved is not None:  # the office works on its server now: this file is read-only
        db.stop_writes(moved)
    with db.office_lock("seed"):  # counters starting at once on a new server: seeded once
        if seed and moved is None:
            catalog.ensure_starter()
            calendar.ensure_around_today()
        if demo:
            settings.seed_demo((DEMO_ACCOUNT,))
    if settings.is_set_up():
        folder.mark_set_up()
    return services
