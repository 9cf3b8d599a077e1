"""The main window: intake, the dossier list, what needs attention, the apology letters, the
public postal service, the head of office's dashboard and the reports, in a left navigation.

Across the top, always visible, the counts of overdue dossiers, dossiers due today and due soon,
and draft apology letters; each opens its list. After start-up a short, non-modal line says what
needs attention today, and the missing apology drafts are made at start-up and every hour (off
the GUI thread). Menus reach the administration dialogs (office, catalog, calendar, accounts)
and the registers; what the person logged in may not do is disabled, with who may in its tooltip
(ui/rights.py). The status bar always says which office, who is logged in (the clerk printed on
every receipt) and what time it is; on the demo database, that it is demo data.

Who is at the counter (issue 9): *Hệ thống* changes the password, locks the screen (Ctrl+L; the
window also locks itself after ``idle_lock_minutes`` without input) and logs out. The lock
screen covers everything and hides the open dialogs; when someone else logs in there, the first
person's dialogs are closed and their unsaved intake form is put aside for them (restored when
they log in again, never shown to anyone else). *Hệ thống* also checks the data against the
tamper-evident journal and shows the journal (head of office and administrator); when the last
check found changes made outside the software, a red banner across the top says so to them.
The administrator prints the *Phiếu khóa khôi phục dữ liệu* from *Hệ thống*; until it was
printed once, a quiet line across the top reminds them (ui/recovery_sheet.py). Backups, restore,
the damage banner and the journal's dialogs are in the base class (ui/data_care.py).
*Hệ thống → Thư mục máy quét…* sets where this PC's copier or scanner saves its scans
(ui/scanner_folder.py), a setting of the PC that anyone may change.
The live office (ui/office_watch.py): when another counter PC saves or moves a dossier, the
dossier list, the counts across the top and the open list page follow within seconds, the clerk's
selection and scroll kept; a form being filled in (intake, a dialog) is never touched.
Keyboard: F1 the manual (ui/manual_dialog.py), F2 new intake, F3/Ctrl+F search, F4
attention, F5 the dashboard (*Tổng quan*, head of office and administrator; on it, F5 refreshes),
F6 apology letters, F7 postal service, F8 reports, F9 the upload queue, Ctrl+R the registers,
Ctrl+S save, Ctrl+P print, Ctrl+L lock; Ctrl+Q (the intake page's own) puts the cursor in
*Quét CCCD*, Ctrl+D digitises the paper line that has the focus.

Scans (issue 15): the window keeps this PC's scan sources (ui/scan_sources.py: one watcher of
the scanner folder for the whole session, remade when the folder is changed in *Hệ thống → Thư
mục máy quét…*, and the scanner the PC reaches directly), which every scan dialog uses.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QResizeEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from tthc_desk import __version__
from tthc_desk.domain.access import Account, Right, Role
from tthc_desk.domain.dossier import Dossier
from tthc_desk.domain.errors import ServerUnavailableError
from tthc_desk.services import changes_service as data
from tthc_desk.services.changes_service import OfficeChanges
from tthc_desk.services.container import Services
from tthc_desk.services.deadline_service import DeadlineCounts, DeadlineView
from tthc_desk.ui.attention_bar import AttentionBar, summary_text
from tthc_desk.ui.background import BackgroundWork
from tthc_desk.ui.backup_status import BackupStatusLabel
from tthc_desk.ui.busy import BusyIndicator
from tthc_desk.ui.data_care import DataCareWindow, relaunch_after_restore
from tthc_desk.ui.demo_strip import DEMO_COLOR, DemoStrip, window_title
from tthc_desk.ui.display import weekday_name
from tthc_desk.ui.dossier_list_page import DossierListPage
from tthc_desk.ui.errors import show_error
from tthc_desk.ui.intake_page import IntakePage
from tthc_desk.ui.integrity_banner import DamageBanner, IntegrityBanner
from tthc_desk.ui.labels import label
from tthc_desk.ui.lock_screen import IdleWatch, LockScreen
from tthc_desk.ui.login_dialog import ChangePasswordDialog
from tthc_desk.ui.office_watch import OfficeWatch
from tthc_desk.ui.page import open_dialog
from tthc_desk.ui.recovery_sheet import RecoveryReminder
from tthc_desk.ui.rights import ShowsRights, allows, denied_tip, guard
from tthc_desk.ui.scan_sources import ScanSources
from tthc_desk.ui.scanner_folder import scanner_folder
from tthc_desk.ui.server_banner import ServerBanner, ServerMonitor
from tthc_desk.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from tthc_desk.scanning.scanner import Scanner
    from tthc_desk.ui.accounts_dialog import AccountsDialog
    from tthc_desk.ui.apology_page import ApologyPage
    from tthc_desk.ui.dashboard_page import DashboardPage
    from tthc_desk.ui.deadline_page import DeadlinePage
    from tthc_desk.ui.integrity_dialog import IntegrityDialog
    from tthc_desk.ui.outbox_page import OutboxPage
    from tthc_desk.ui.postal_page import PostalPage
    from tthc_desk.ui.reports_page import ReportsPage

log = logging.getLogger(__name__)
P = TypeVar("P", bound=QWidget)


INTAKE, LIST, ATTENTION, LETTERS, POSTAL, DASHBOARD, REPORTS, OUTBOX = 0, 1, 2, 3, 4, 5, 6, 7
#: The navigation's width, and its narrow width on a window narrower than COMPACT_BELOW.
NAV_WIDTH, NAV_COMPACT_WIDTH, COMPACT_BELOW = 200, 128, 1200


def _system_scanner() -> Scanner | None:
    """This PC's scanner, looked for with the first scan (the module is not loaded at start)."""
    from tthc_desk.scanning.scanner import system_scanner

    return system_scanner()


class MainWindow(DataCareWindow):
    def __init__(self, services: Services, runner: TaskRunner | None = None) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.services = services
        self.runner = runner or TaskRunner(self)
        self.runner.default_error_handler = self._on_runner_error
        self.dialog: QDialog | None = None  # the administration dialog last opened
        self.resize(1400, 880)
        self.setMinimumSize(QSize(1024, 640))
        #: This PC's scanner folder (watched all session) and scanner, for every scan dialog.
        self.scan_sources = ScanSources(scanner_folder(), parent=self, find_scanner=_system_scanner)

        self.intake = self._make_intake()
        #: Unsaved intake forms put aside when someone else logged in, by user name.
        self.stashed_intakes: dict[str, IntakePage] = {}
        self.dossier_list = DossierListPage(services, self.runner)
        # The pages after the first two are built the first time they are needed: start-up only
        # pays for what the clerk sees first.
        self._lazy: dict[int, QWidget] = {}
        self.attention_bar = AttentionBar()
        self.counts: DeadlineCounts | None = None
        self.draft_letters: int | None = None
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setFixedWidth(NAV_WIDTH)
        self.nav.setSpacing(2)
        self.nav.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.nav.setStyleSheet(
            "#navigation { background: #f1f3f4; border: none; font-size: 11pt; padding-top: 8px; }"
            "#navigation::item { padding: 10px 12px; border-radius: 4px; }"
            "#navigation::item:selected { background: #0d47a1; color: white; }"
        )
        #: Each page's item: its text in the wide navigation, and in the narrow one.
        self._nav_texts: list[tuple[str, str]] = []
        for text, short, key in (
            (self.tr("Tiếp nhận hồ sơ"), self.tr("Tiếp nhận"), "F2"),
            (self.tr("Danh sách hồ sơ"), self.tr("Danh sách"), "F3"),
            (self.tr("Hồ sơ cần chú ý"), self.tr("Chú ý"), "F4"),
            (self.tr("Phiếu xin lỗi"), self.tr("Xin lỗi"), "F6"),
            (self.tr("Bưu chính"), self.tr("Bưu chính"), "F7"),
            (self.tr("Tổng quan"), self.tr("Tổng quan"), "F5"),
            (self.tr("Báo cáo"), self.tr("Báo cáo"), "F8"),
            (self.tr("Gửi báo cáo"), self.tr("Gửi đi"), "F9"),
        ):
            item = QListWidgetItem(f"{text}   {key}", self.nav)
            item.setToolTip(self.tr("{0} — phím tắt: {1}").format(text, key))
            self._nav_texts.append((f"{text}   {key}", short))
        self.compact = False
        self.pages = QStackedWidget()
        self.pages.addWidget(self.intake)
        self.pages.addWidget(self.dossier_list)
        # The other pages are built when first shown, each into its holder's layout.
        self._holders: dict[int, QVBoxLayout] = {}
        for index in range(ATTENTION, OUTBOX + 1):
            holder = QWidget()
            self._holders[index] = QVBoxLayout(holder)
            self._holders[index].setContentsMargins(0, 0, 0, 0)
            self.pages.addWidget(holder)
        right = QVBoxLayout()
        right.setContentsMargins(0, 0, 0, 0)
        right.setSpacing(0)
        right.addWidget(self.attention_bar)
        right.addWidget(self.pages, 1)
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        # The demo database says so across the top for as long as it is open (ui/demo_strip.py).
        self.demo = services.settings.is_demo()
        self.demo_strip = DemoStrip()
        self.demo_strip.setVisible(self.demo)
        column.addWidget(self.demo_strip)
        self.server_banner = ServerBanner()
        column.addWidget(self.server_banner)
        self.damage_banner = DamageBanner()
        column.addWidget(self.damage_banner)
        self.integrity_banner = IntegrityBanner()
        self.integrity_banner.button.clicked.connect(self.open_integrity)
        column.addWidget(self.integrity_banner)
        self.recovery_reminder = RecoveryReminder()
        self.recovery_reminder.button.clicked.connect(self.open_recovery_sheet)
        column.addWidget(self.recovery_reminder)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.nav)
        row.addLayout(right, 1)
        column.addLayout(row, 1)
        # The lock screen takes the body's place: nothing of the body shows while locked.
        self.body = central
        self.lock_screen = LockScreen(services)
        self.lock_screen.unlocked.connect(self._on_lock_screen_unlocked)
        self.screens = QStackedWidget()
        self.screens.addWidget(self.body)
        self.screens.addWidget(self.lock_screen)
        self.setCentralWidget(self.screens)
        #: Whose work the body shows (their intake form); it stays theirs while locked.
        self.owner = services.accounts.current.username if services.accounts.current else ""
        self._hidden: list[QDialog] = []
        self._integrity: IntegrityDialog | None = None  # the last opened: stopped on closing
        self.nav.currentRowChanged.connect(self._on_nav_current_row_changed)
        self.nav.setCurrentRow(INTAKE)

        self._build_menus()
        self.office_label = QLabel()
        self.demo_label = QLabel(self.tr("DỮ LIỆU MẪU"))
        self.demo_label.setObjectName("demoLabel")
        self.demo_label.setStyleSheet(f"color: white; background: {DEMO_COLOR}; font-weight: bold;")
        self.demo_label.setToolTip(
            self.tr("Cơ sở dữ liệu mẫu: cơ quan, cán bộ và hồ sơ đều là giả, chỉ để thử.")
        )
        self.demo_label.setVisible(self.demo)
        self.user_label = QLabel()
        self.user_label.setObjectName("userLabel")
        self.clock_label = QLabel()
        for status in (self.office_label, self.demo_label, self.user_label, self.clock_label):
            status.setContentsMargins(8, 0, 8, 0)
            self.statusBar().addPermanentWidget(status)
        self.backup_status = BackupStatusLabel()
        self.statusBar().insertPermanentWidget(0, self.backup_status)
        # Work that lasts (exports, reports, imports, backups): cursor, text, moving bar.
        self.busy = BusyIndicator(self.runner)
        self.statusBar().insertPermanentWidget(0, self.busy)
        #: Starts the software again after a restore (tests put a fake here).
        self.relaunch: Callable[[], bool] = relaunch_after_restore
        self._clock_timer = QTimer(self)
        self._clock_timer.setInterval(15_000)
        self._clock_timer.timeout.connect(self._update_clock)
        self._clock_timer.start()
        self.refresh_status()
        self.apply_rights()

        self.attention_bar.overdue_button.clicked.connect(
            lambda: self.show_attention(DeadlineView.OVERDUE.value)
        )
        self.attention_bar.today_button.clicked.connect(
            lambda: self.show_attention(DeadlineView.TODAY.value)
        )
        self.attention_bar.soon_button.clicked.connect(
            lambda: self.show_attention(DeadlineView.SOON.value)
        )
        self.attention_bar.letters_button.clicked.connect(self.show_letters)
        self.background = BackgroundWork(services, self.runner, self)
        self.background.counts_loaded.connect(self._on_background_counts_loaded)
        self.background.report_queued.connect(self._on_background_report_queued)
        self.background.uploads_done.connect(lambda: self._refresh_outbox_if_built())
        self.background.integrity_checked.connect(self._on_integrity_checked)
        self.background.database_checked.connect(self._on_database_checked)
        self.background.backup_ran.connect(self._on_background_backup_ran)
        self.background.backup_failed.connect(self.backup_status.show_failure)
        self.damage_banner.restore_button.clicked.connect(lambda: self.open_restore())
        #: What the other counter PCs change, watched from start_attention() on.
        self.office_watch = OfficeWatch(services.changes, self)
        self.office_watch.office_changed.connect(self._on_office_watch_office_changed)
        self.office_watch.own_changed.connect(self._on_office_watch_own_changed)
        # A burst of own writes (a handover of 30 results) makes one count, shortly after.
        self._own_counts = QTimer(self)
        self._own_counts.setSingleShot(True)
        self._own_counts.setInterval(300)
        self._own_counts.timeout.connect(lambda: self.refresh_counts())
        self.refresh_backup_status()
        self.refresh_banner()
        self.idle = IdleWatch(services.accounts.idle_lock_minutes(), self)
        self.idle.idle.connect(self.lock)
        self.server_monitor = ServerMonitor(services.server, self)
        self.server_monitor.state_changed.connect(self._on_server_monitor_state_changed)
        self.intake.picker.edit.setFocus()

    # -- menus --------------------------------------------------------------------------------
    def _action(
        self, text: str, slot: object, shortcuts: list[QKeySequence] | None = None
    ) -> QAction:
        action = QAction(text, self)
        if shortcuts:
            action.setShortcuts(shortcuts)
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        system = bar.addMenu(self.tr("&Hệ thống"))
        self.settings_action = self._action(self.tr("Thông tin cơ quan…"), self.open_settings)
        self.catalog_action = self._action(self.tr("Danh mục thủ tục…"), self.open_catalog)
        self.calendar_action = self._action(self.tr("Lịch làm việc…"), self.open_calendar)
        self.accounts_action = self._action(self.tr("Tài khoản…"), self.open_accounts)
        self.integrity_action = self._action(
            self.tr("Kiểm tra toàn vẹn dữ liệu…"), self.open_integrity
        )
        self.journal_action = self._action(self.tr("Nhật ký thao tác…"), self.open_journal)
        self.backup_action = self._action(self.tr("Sao lưu và khôi phục…"), self.open_backups)
        self.server_action = self._action(self.tr("Kết nối máy chủ…"), self.open_server)
        self.scanner_folder_action = self._action(
            self.tr("Thư mục máy quét…"), self.open_scanner_folder
        )
        self.recovery_action = self._action(
            self.tr("In phiếu khóa khôi phục dữ liệu…"), self.open_recovery_sheet
        )
        self.password_action = self._action(self.tr("Đổi mật khẩu…"), self.change_password)
        self.lock_action = self._action(
            self.tr("Khóa màn hình"), self.lock, [QKeySequence("Ctrl+L")]
        )
        # Ctrl+L locks from an open dialog too.
        self.lock_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.logout_action = self._action(self.tr("Đăng xuất / Đổi người dùng"), self.log_out)
        # No Ctrl+Q: on the intake page it puts the cursor in "Quét CCCD" (a slip must not quit).
        self.quit_action = self._action(self.tr("Thoát"), self.close)
        system.setToolTipsVisible(True)  # a disabled entry says who may use it
        for a in (
            self.settings_action,
            self.catalog_action,
            self.calendar_action,
            self.accounts_action,
        ):
            system.addAction(a)
        system.addSeparator()
        system.addAction(self.integrity_action)
        system.addAction(self.journal_action)
        system.addAction(self.backup_action)
        system.addAction(self.recovery_action)
        system.addAction(self.server_action)
        system.addAction(self.scanner_folder_action)  # this PC's, like its printers: anyone
        system.addSeparator()
        for a in (self.password_action, self.lock_action, self.logout_action):
            system.addAction(a)
        system.addSeparator()
        system.addAction(self.quit_action)

        dossier = bar.addMenu(self.tr("Hồ &sơ"))
        dossier.setToolTipsVisible(True)
        self.new_action = self._action(
            self.tr("Tiếp nhận hồ sơ mới"), self.new_intake, [QKeySequence(Qt.Key.Key_F2)]
        )
        self.find_action = self._action(
            self.tr("Tìm hồ sơ"),
            self.find_dossier,
            [QKeySequence(Qt.Key.Key_F3), QKeySequence("Ctrl+F")],
        )
        self.save_action = self._action(
            self.tr("Lưu và in giấy tiếp nhận"), self.save_intake, [QKeySequence("Ctrl+S")]
        )
        self.print_action = self._action(
            self.tr("In giấy tiếp nhận"), self.print_receipt, [QKeySequence("Ctrl+P")]
        )
        self.attention_action = self._action(
            self.tr("Hồ sơ cần chú ý"),
            lambda: self.show_attention(None),
            [QKeySequence(Qt.Key.Key_F4)],
        )
        self.letters_action = self._action(
            self.tr("Phiếu xin lỗi và hẹn lại"), self.show_letters, [QKeySequence(Qt.Key.Key_F6)]
        )
        self.postal_action = self._action(
            self.tr("Bưu chính công ích"), self.show_postal, [QKeySequence(Qt.Key.Key_F7)]
        )
        for a in (self.new_action, self.find_action, self.save_action, self.print_action):
            dossier.addAction(a)
        dossier.addSeparator()
        dossier.addAction(self.attention_action)
        dossier.addAction(self.letters_action)
        dossier.addAction(self.postal_action)

        reports = bar.addMenu(self.tr("&Báo cáo"))
        reports.setToolTipsVisible(True)
        self.dashboard_action = self._action(
            self.tr("Tổng quan (lãnh đạo bộ phận)"),
            self.show_dashboard,
            [QKeySequence(Qt.Key.Key_F5)],
        )
        self.registers_action = self._action(
            self.tr("Sổ theo dõi, danh sách hồ sơ quá hạn…"),
            self.open_registers,
            [QKeySequence("Ctrl+R")],
        )
        self.reports_action = self._action(
            self.tr("Báo cáo gửi cấp trên (Biểu 06a)"),
            lambda: self.show_page(REPORTS),
            [QKeySequence(Qt.Key.Key_F8)],
        )
        self.outbox_action = self._action(
            self.tr("Hàng chờ gửi báo cáo"),
            lambda: self.show_page(OUTBOX),
            [QKeySequence(Qt.Key.Key_F9)],
        )
        self.destination_action = self._action(self.tr("Nơi nhận báo cáo…"), self.open_destination)
        reports.addAction(self.dashboard_action)
        reports.addAction(self.registers_action)
        reports.addSeparator()
        reports.addAction(self.reports_action)
        reports.addAction(self.outbox_action)
        reports.addAction(self.destination_action)

        help_menu = bar.addMenu(self.tr("&Trợ giúp"))
        # F1 opens the manual, as in every Windows program a clerk knows; the list of keys is
        # the next entry (and a chapter of the manual too).
        self.manual_action = self._action(
            self.tr("Hướng dẫn sử dụng"), self.show_manual, [QKeySequence(Qt.Key.Key_F1)]
        )
        self.keys_action = self._action(self.tr("Phím tắt"), self.show_keys)
        self.about_action = self._action(self.tr("Giới thiệu"), self.show_about)
        help_menu.addAction(self.manual_action)
        help_menu.addAction(self.keys_action)
        help_menu.addAction(self.about_action)

    # -- pages and shortcuts ------------------------------------------------------------------
    def _page(self, index: int) -> QWidget:
        page = self._lazy.get(index)
        if page is None:
            page = self._lazy[index] = self._make_page(index)
            self._holders[index].addWidget(page)
        return page

    def _built(self, index: int, kind: type[P]) -> P:
        page = self._page(index)
        assert isinstance(page, kind)
        return page

    def _make_page(self, index: int) -> QWidget:
        services, runner = self.services, self.runner
        if index == ATTENTION:
            from tthc_desk.ui.deadline_page import DeadlinePage

            attention = DeadlinePage(services, runner)
            attention.dossier_changed.connect(self.refresh_counts)
            if self.counts is not None:
                attention.set_counts(self.counts)
            return attention
        if index == LETTERS:
            from tthc_desk.ui.apology_page import ApologyPage

            letters = ApologyPage(services, runner)
            letters.letters_changed.connect(self.refresh_counts)
            return letters
        if index == POSTAL:
            from tthc_desk.ui.postal_page import PostalPage

            postal = PostalPage(services, runner)
            postal.postal_changed.connect(self._on_postal_postal_changed)
            return postal
        if index == DASHBOARD:
            from tthc_desk.ui.dashboard_page import DashboardPage

            dashboard = DashboardPage(services, runner)
            dashboard.dossier_list_wanted.connect(self._on_dashboard_dossier_list_wanted)
            return dashboard
        if index == REPORTS:
            from tthc_desk.ui.reports_page import ReportsPage

            reports = ReportsPage(services, runner)
            reports.report_queued.connect(self._on_reports_report_queued)
            return reports
        from tthc_desk.ui.outbox_page import OutboxPage

        return OutboxPage(services, runner)

    @property
    def attention(self) -> DeadlinePage:
        from tthc_desk.ui.deadline_page import DeadlinePage

        return self._built(ATTENTION, DeadlinePage)

    @property
    def letters(self) -> ApologyPage:
        from tthc_desk.ui.apology_page import ApologyPage

        return self._built(LETTERS, ApologyPage)

    @property
    def postal(self) -> PostalPage:
        from tthc_desk.ui.postal_page import PostalPage

        return self._built(POSTAL, PostalPage)

    @property
    def dashboard(self) -> DashboardPage:
        from tthc_desk.ui.dashboard_page import DashboardPage

        return self._built(DASHBOARD, DashboardPage)

    @property
    def reports(self) -> ReportsPage:
        from tthc_desk.ui.reports_page import ReportsPage

        return self._built(REPORTS, ReportsPage)

    @property
    def outbox(self) -> OutboxPage:
        from tthc_desk.ui.outbox_page import OutboxPage

        return self._built(OUTBOX, OutboxPage)

    def show_page(self, index: int) -> None:
        self.nav.setCurrentRow(index)

    def _on_nav_current_row_changed(self, row: int) -> None:
        if row >= 0:
            if row >= ATTENTION:
                self._page(row)
            self.pages.setCurrentIndex(row)
            if row == ATTENTION:
                self.attention.refresh()
            elif row == LETTERS:
                self.letters.refresh()
            elif row == POSTAL:
                self.postal.refresh()
            elif row == OUTBOX:
                self.outbox.refresh()
            elif row == DASHBOARD:
                self.dashboard.show_or_refresh()

    def show_attention(self, view: str | None) -> None:
        """F4 or a count in the top bar: the attention page on ``view`` (None: as it was)."""
        if view is not None:
            self.attention.view_key = view
            self.attention.view_buttons[view].setChecked(True)
        if self.pages.currentIndex() == ATTENTION:
            self.attention.refresh()
        else:
            self.show_page(ATTENTION)  # refreshes
        self.attention.focus_table()

    def show_dashboard(self) -> None:
        """F5: the dashboard (head of office, administrator); F5 again on it loads it afresh."""
        if not allows(self.services.accounts, Right.VIEW_DASHBOARD):
            self.statusBar().showMessage(denied_tip(Right.VIEW_DASHBOARD), 5000)
            return
        if self.pages.currentIndex() == DASHBOARD:
            self.dashboard.refresh()
        else:
            self.show_page(DASHBOARD)  # loads it the first time

    def _on_dashboard_dossier_list_wanted(self, dialog: QDialog) -> None:
        self.dialog = dialog

    def show_letters(self) -> None:
        self.show_page(LETTERS)
        self.letters.table.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def show_postal(self) -> None:
        """F7: the postal page, counts fresh."""
        if self.pages.currentIndex() == POSTAL:
            self.postal.refresh()
        else:
            self.show_page(POSTAL)  # refreshes
        self.postal.focus_table()

    def _on_postal_postal_changed(self) -> None:
        # A handover returns results; a chuyển hoàn puts one back in the counter queue.
        if self.dossier_list.loaded:
            self.dossier_list.refresh()
        self.refresh_counts()

    def new_intake(self) -> None:
        """F2: the intake page, clean, cursor on the procedure (asks before dropping typed data)."""
        on_intake = self.pages.currentIndex() == INTAKE
        self.show_page(INTAKE)
        if on_intake and self.intake.is_dirty():
            answer = QMessageBox.question(
                self,
                self.tr("Hồ sơ mới"),
                self.tr("Bỏ thông tin đang nhập để tiếp nhận hồ sơ mới?"),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
            self.intake.reset()
        self.intake.picker.edit.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def find_dossier(self) -> None:
        self.show_page(LIST)
        self.dossier_list.focus_search()

    def save_intake(self) -> None:
        if self.pages.currentIndex() == INTAKE:
            self.intake.save()

    def print_receipt(self) -> None:
        if self.pages.currentIndex() == INTAKE:
            if self.intake.last_dossier is None:
                self.statusBar().showMessage(self.tr("Chưa có hồ sơ nào vừa lưu để in."), 5000)
            self.intake.print_last()
        else:
            self.dossier_list.print_selected()

    def _on_intake_dossier_saved(self, dossier: Dossier) -> None:
        self.statusBar().showMessage(self.tr("Đã lưu hồ sơ {0}").format(dossier.code), 10_000)
        if self.dossier_list.loaded:  # else it loads when first shown
            self.dossier_list.refresh()
        self.refresh_counts()

    # -- what needs attention (the work itself is in ui/background.py) -------------------------
    def start_attention(self) -> None:
        """After the window shows: draft the missing apology letters, count, show the summary
        line, build and send last week's report when due; then again every hour (letters,
        report) and every few minutes (counts). From then on, what other counter PCs change
        shows here too, and
        the server (when the data is on one) is looked at every few seconds."""
        self.background.start()
        self.office_watch.start()
        self.server_monitor.start()

    def scan_letters(self, summary: bool = False) -> None:
        self.background.scan_letters(summary)

    def refresh_counts(self, summary: bool = False) -> None:
        self.background.refresh_counts(summary)

    def run_report_schedule(self) -> None:
        self.background.run_report_schedule()

    def _on_background_counts_loaded(
        self, counts: DeadlineCounts, drafts: int, summary: bool
    ) -> None:
        self.counts, self.draft_letters = counts, drafts
        self.attention_bar.set_counts(counts, drafts)
        if ATTENTION in self._lazy:  # else the page gets them when it is built
            self.attention.set_counts(counts)
        # The summary line says the counts in words: it follows them whenever it is shown.
        if summary or self.attention_bar.summary_visible:
            self.attention_bar.show_summary(summary_text(counts, drafts))

    def _on_office_watch_own_changed(self, kinds: frozenset[str]) -> None:
        """A save of this window (any screen, any dialog): the counts and summary follow."""
        if kinds & data.DOSSIER_KINDS:
            self._own_counts.start()

    def _on_office_watch_office_changed(self, changes: OfficeChanges) -> None:
        """Another counter PC changed the office's data: what shows it follows, in place."""
        if changes.touches(frozenset({data.PROCEDURE})):
            self.services.catalog.invalidate()
        if changes.touches(data.CALENDAR | {data.SETTING}):
            self.services.calendar.invalidate()
        shown = self.pages.currentIndex()
        if changes.touches(data.DOSSIER_KINDS):
            self.dossier_list.refresh_live()  # when hidden, it reloads when shown
            self.refresh_counts()
            # The other pages reload whenever they are shown: only the one on screen now.
            if shown == ATTENTION:
                self.attention.refresh_live()
            elif shown == LETTERS:
                self.letters.refresh_live()
            elif shown == POSTAL:
                self.postal.refresh_live()
        if changes.touches(frozenset({data.OUTBOX})) and shown == OUTBOX:
            self.outbox.refresh()  # keeps the selected report

    def _on_background_report_queued(self) -> None:
        self.statusBar().showMessage(
            self.tr("Đã lập báo cáo tuần và đưa vào hàng chờ gửi."), 10_000
        )
        self._refresh_outbox_if_built()

    def _on_reports_report_queued(self, _item: object) -> None:
        self._refresh_outbox_if_built()

    def _refresh_outbox_if_built(self) -> None:
        if OUTBOX in self._lazy:
            self.outbox.refresh()

    # -- dialogs ------------------------------------------------------------------------------
    def _open(self, dialog: QDialog) -> QDialog:
        dialog.finished.connect(self._on_dialog_finished)
        self.dialog = open_dialog(dialog)
        return dialog

    # The administration dialogs are imported when first opened: start-up only pays for the
    # screens a clerk sees first.
    def open_settings(self) -> QDialog:
        from tthc_desk.ui.settings_dialog import SettingsDialog

        return self._open(SettingsDialog(self.services, self))

    def open_catalog(self) -> QDialog:
        from tthc_desk.ui.catalog_dialog import CatalogDialog

        return self._open(CatalogDialog(self.services, self))

    def open_calendar(self) -> QDialog:
        from tthc_desk.ui.calendar_dialog import CalendarDialog

        return self._open(CalendarDialog(self.services, self))

    def open_registers(self) -> QDialog:
        from tthc_desk.ui.registers_dialog import RegistersDialog

        return self._open(RegistersDialog(self.services, self.runner, self))

    def open_destination(self) -> QDialog:
        from tthc_desk.ui.destination_dialog import DestinationDialog

        return self._open(DestinationDialog(self.services, self, runner=self.runner))

    def open_accounts(self) -> AccountsDialog:
        from tthc_desk.ui.accounts_dialog import AccountsDialog

        dialog = AccountsDialog(self.services, self.runner, self)
        self._open(dialog)
        return dialog

    def open_scanner_folder(self) -> QDialog:
        """Hệ thống → Thư mục máy quét… (a setting of this PC)."""
        from tthc_desk.ui.scanner_folder import ScannerFolderDialog

        dialog = ScannerFolderDialog(self)
        dialog.folder_chosen.connect(self.scan_sources.set_folder)
        return self._open(dialog)

    def open_server(self) -> QDialog | None:
        """Hệ thống → Kết nối máy chủ… (the administrator)."""
        if not allows(self.services.accounts, Right.SERVER):
            return None
        from tthc_desk.ui.server_dialog import ServerDialog

        dialog = ServerDialog(self.services.server, self.runner, self)
        dialog.saved.connect(self._on_server_dialog_saved)
        return self._open(dialog)

    def _on_server_dialog_saved(self, message: str) -> None:
        box = QMessageBox(self)
        box.setObjectName("serverSavedBox")
        box.setIcon(QMessageBox.Icon.Information)
        box.setWindowTitle(self.tr("Kết nối máy chủ"))
        box.setText(message)
        reopen = box.addButton(self.tr("Mở lại ngay"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("Để sau"), QMessageBox.ButtonRole.RejectRole)
        box.buttonClicked.connect(lambda button: self.reopen() if button is reopen else None)
        self.server_box = open_dialog(box)

    def reopen(self) -> None:
        """Start the software again (a new setting of the server is read at the start)."""
        if not self.relaunch():
            QMessageBox.information(
                self,
                self.tr("Mở lại phần mềm"),
                self.tr("Không tự mở lại được phần mềm: hãy mở lại TTHC Desk như thường lệ."),
            )
        self.close()
        app = QApplication.instance()
        if app is not None:
            app.quit()

    def _on_runner_error(self, exc: BaseException) -> None:
        """Work that failed: shown, except a lost server, which the red line already says (a
        dialog at each count or list refresh while it is away would only be in the way)."""
        if isinstance(exc, ServerUnavailableError):
            self.statusBar().showMessage(
                self.tr("Chưa làm được: mất kết nối tới máy chủ cơ sở dữ liệu."), 10_000
            )
            return
        show_error(self, exc)

    def _on_server_monitor_state_changed(self, reason: str | None) -> None:
        """The server lost (``reason``) or back (None): the red line, the intake form's note."""
        self.server_banner.show_lost(reason)
        self.intake.server_changed(reason)
        if reason is None:
            self.statusBar().showMessage(self.tr("Đã kết nối lại máy chủ cơ sở dữ liệu."), 10_000)

    def change_password(self) -> ChangePasswordDialog:
        dialog = ChangePasswordDialog(self.services, self.runner, self)
        dialog.accepted.connect(
            lambda: self.statusBar().showMessage(self.tr("Đã đổi mật khẩu."), 5000)
        )
        self._open(dialog)
        return dialog

    def _on_dialog_finished(self, _result: int) -> None:
        if not self.isVisible():
            # Closed with the dialog still open: the dialog finishes as the window is deleted,
            # after the services (and the database connection) have closed. Nothing to show.
            return
        # Office, hours, calendar or people may have changed: the appointment, the status bar,
        # the idle delay and the rights (one's own roles) follow.
        self.services.calendar.invalidate()
        self.refresh_status()
        self.intake.update_appointment()
        self.idle.set_minutes(self.services.accounts.idle_lock_minutes())
        self.refresh_banner()

    def show_manual(self) -> QDialog:
        """F1: the manual (README's chapter, shipped in resources/manual), beside the work."""
        from tthc_desk.ui.manual_dialog import ManualDialog

        existing = self.findChild(ManualDialog)
        if existing is not None:
            existing.show()
            existing.raise_()
            existing.activateWindow()
            return existing
        dialog = ManualDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()  # not modal: the clerk reads it beside the form
        return dialog

    def show_keys(self) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Information,
            self.tr("Phím tắt"),
            self.tr(
                "F1: hướng dẫn sử dụng\n"
                "F2: tiếp nhận hồ sơ mới\n"
                "F3 hoặc Ctrl+F: tìm hồ sơ\n"
                "Ctrl+S: lưu và in giấy tiếp nhận\n"
                "Ctrl+P: in giấy tiếp nhận\n"
                "Ctrl+Q: quét mã QR trên CCCD (trang Tiếp nhận)\n"
                "Ctrl+D: số hóa giấy tờ ở dòng đang chọn (trang Tiếp nhận)\n"
                "F4: hồ sơ cần chú ý (quá hạn, đến hạn, sắp đến hạn)\n"
                "F5: tổng quan cho lãnh đạo bộ phận (trên trang này, F5: tải lại số liệu)\n"
                "F6: phiếu xin lỗi và hẹn lại\n"
                "F7: bưu chính công ích (danh sách bàn giao, trạng thái bưu gửi)\n"
                "F8: báo cáo gửi cấp trên\n"
                "F9: hàng chờ gửi báo cáo\n"
                "Ctrl+R: sổ theo dõi, danh sách hồ sơ quá hạn\n"
                "Ctrl+L: khóa màn hình\n"
                "Tab / Shift+Tab: sang ô sau / ô trước\n"
                "↓ trong ô thủ tục: xem danh mục · Enter: chọn\n"
                "Enter trong danh sách: xem chi tiết hồ sơ"
            ),
            QMessageBox.StandardButton.Close,
            self,
        )
        open_dialog(box)

    def show_about(self) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Information,
            self.tr("Giới thiệu"),
            self.tr(
                "<b>TTHC Desk</b> {0}<br>Phần mềm Bộ phận Một cửa cấp xã: "
                "tiếp nhận hồ sơ, hẹn trả kết quả, theo dõi giải quyết, phiếu xin lỗi, "
                "sổ theo dõi (các mẫu của Thông tư 03/2025/TT-VPCP)."
                "<br><br>Dữ liệu: {1}"
            ).format(__version__, self.services.paths.data_dir),
            QMessageBox.StandardButton.Close,
            self,
        )
        open_dialog(box)

    # -- who is at the counter ----------------------------------------------------------------
    def _make_intake(self) -> IntakePage:
        page = IntakePage(self.services, self.runner, scan_sources=self.scan_sources)
        page.dossier_saved.connect(self._on_intake_dossier_saved)
        return page

    def apply_rights(self) -> None:
        """Enable what the person logged in may do, on every screen built so far."""
        accounts = self.services.accounts
        for action, right in (
            (self.save_action, Right.RECEIVE),
            (self.settings_action, Right.OFFICE),
            (self.catalog_action, Right.CATALOG),
            (self.calendar_action, Right.CALENDAR),
            (self.accounts_action, Right.ACCOUNTS),
            (self.integrity_action, Right.VERIFY_JOURNAL),
            (self.journal_action, Right.VIEW_JOURNAL),
            (self.recovery_action, Right.RECOVERY_KEY),
            (self.destination_action, Right.DESTINATIONS),
            (self.backup_action, Right.BACKUP),
            (self.server_action, Right.SERVER),
            (self.dashboard_action, Right.VIEW_DASHBOARD),
        ):
            guard(action, accounts, right)
        self._guard_nav(DASHBOARD, Right.VIEW_DASHBOARD)
        for page in (self.intake, *self._lazy.values()):
            if isinstance(page, ShowsRights):
                page.apply_rights()

    def _guard_nav(self, row: int, right: Right) -> None:
        """The page at ``row`` of the navigation greyed out (who may, in its tooltip) for a
        person without ``right``; shown, they are taken back to the intake page."""
        item = self.nav.item(row)
        if item is None:
            return
        text = self._nav_texts[row][0].rsplit("   ", 1)[0]
        key = self._nav_texts[row][0].rsplit("   ", 1)[-1]
        enabled = allows(self.services.accounts, right)
        flags = item.flags()
        if enabled:
            item.setFlags(flags | Qt.ItemFlag.ItemIsEnabled)
            item.setToolTip(self.tr("{0} — phím tắt: {1}").format(text, key))
        else:
            item.setFlags(flags & ~Qt.ItemFlag.ItemIsEnabled)
            item.setToolTip(denied_tip(right))
            if self.nav.currentRow() == row:
                self.nav.setCurrentRow(INTAKE)

    @property
    def locked(self) -> bool:
        return self.screens.currentWidget() is self.lock_screen

    def lock(self) -> None:
        """Ctrl+L or idle: cover the window; only the office's name and a login show."""
        if self.locked:
            return
        actor = self.services.accounts.current
        try:
            self.services.accounts.record_lock()
        except Exception:  # the journal line is not worth an unlocked screen
            log.exception("Không ghi được việc khóa màn hình vào nhật ký")
        self._cover()
        self.lock_screen.start(actor.username if actor else None, actor.full_name if actor else "")

    def log_out(self) -> None:
        """Leave: one's open dialogs close and the screen locks with nobody logged in (the
        unsaved intake form is kept for its owner)."""
        self._close(self._hide_windows())
        self.services.accounts.logout()
        self._cover()
        self.lock_screen.start(None)
        self.refresh_status()

    def _cover(self) -> None:
        self._hidden = self._hide_windows()
        self.idle.pause()
        for action in self.actions():
            action.setEnabled(False)  # no shortcut reaches the body while it is covered
        self.menuBar().hide()
        self.statusBar().hide()
        self.screens.setCurrentWidget(self.lock_screen)

    def _hide_windows(self) -> list[QDialog]:
        """Hide every other window (dialogs, previews, menus): any may show a citizen's data.
        Returns the dialogs, to show again to the same person."""
        hidden: list[QDialog] = []
        for widget in QApplication.topLevelWidgets():
            if widget is not self and widget.isVisible():
                widget.hide()
                if isinstance(widget, QDialog):
                    hidden.append(widget)
        return hidden

    @staticmethod
    def _close(dialogs: list[QDialog]) -> None:
        for dialog in dialogs:
            dialog.reject()

    def _on_lock_screen_unlocked(self, account: Account) -> None:
        if not self.services.accounts.must_change_password:
            self._uncover(account)
            return
        # A temporary password (reset by the administrator): a new one first, or no entry.
        dialog = ChangePasswordDialog(
            self.services,
            self.runner,
            self,
            forced=True,
            old_password=self.lock_screen.form.password(),
        )
        dialog.finished.connect(lambda result: self._on_forced_change_finished(result, account))
        self.dialog = open_dialog(dialog)

    def _on_forced_change_finished(self, result: int, account: Account) -> None:
        if result == QDialog.DialogCode.Accepted:
            self._uncover(account)
        else:
            self.services.accounts.logout()
            self.lock_screen.start(account.username, account.full_name)

    def _uncover(self, account: Account) -> None:
        if account.username == self.owner:
            for dialog in self._hidden:
                dialog.show()
        else:
            self._close(self._hidden)
            self._hand_over_intake(account.username)
        self._hidden = []
        self.screens.setCurrentWidget(self.body)
        self.menuBar().show()
        self.statusBar().show()
        for action in self.actions():
            action.setEnabled(True)
        self.apply_rights()
        self.refresh_status()
        self.refresh_banner()
        self.idle.resume()

    def _hand_over_intake(self, username: str) -> None:
        """Someone else logged in: the form on screen goes aside for its owner when unsaved,
        and ``username`` gets the form they left, or a clean one."""
        old = self.intake
        if old.is_dirty() and self.owner:
            self.stashed_intakes[self.owner] = old
        else:
            old.deleteLater()
        page = self.stashed_intakes.pop(username, None) or self._make_intake()
        page.print_after_save = old.print_after_save
        self.pages.insertWidget(INTAKE, page)
        self.pages.removeWidget(old)
        self.pages.setCurrentIndex(max(self.nav.currentRow(), INTAKE))
        self.intake, self.owner = page, username

    # -- status -------------------------------------------------------------------------------
    def refresh_status(self) -> None:
        office = self.services.settings.office()
        name = office.office_name
        name = name.capitalize() if name.isupper() else name
        actor = self.services.accounts.current
        # "[DỮ LIỆU MẪU – ]<office> – <person> – TTHC Desk": the name once, last (ui/demo_strip).
        self.setWindowTitle(window_title(name, actor.full_name if actor else "", demo=self.demo))
        self.office_label.setText(self.tr("Cơ quan: {0}").format(office.parent_authority))
        if actor is None:
            self.user_label.setText(self.tr("Chưa đăng nhập"))
        else:
            roles = ", ".join(label(r) for r in Role if r in actor.roles)
            self.user_label.setText(
                self.tr("Người dùng: <b>{0}</b> ({1})").format(actor.full_name, roles)
            )
        self._update_clock()

    def _update_clock(self) -> None:
        now = self.services.clock.now()
        self.clock_label.setText(f"{weekday_name(now.date())}, {now:%H:%M  %d/%m/%Y}")

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Below :data:`COMPACT_BELOW` pixels wide (a 1024×640 screen) the navigation narrows
        to short names, their full names and keys in tooltips, and the status bar leaves out
        the office's name (the title has it), so the pages keep their room."""
        super().resizeEvent(event)
        compact = self.width() < COMPACT_BELOW
        if compact == self.compact:
            return
        self.compact = compact
        self.nav.setFixedWidth(NAV_COMPACT_WIDTH if compact else NAV_WIDTH)
        self.office_label.setVisible(not compact)  # the window's title names the office too
        for row, (wide, short) in enumerate(self._nav_texts):
            item = self.nav.item(row)
            if item is not None:
                item.setText(short if compact else wide)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._clock_timer.stop()
        self.server_monitor.stop()
        self.idle.stop()
        self.background.stop()
        self.office_watch.stop()
        self.scan_sources.stop()
        if self._integrity is not None:
            self._integrity.stop()  # a full check under way ends at its next step
        self.runner.wait(5000)
        self.busy.stop()
        super().closeEvent(event)
