"""The main window: intake, the dossier list, what needs attention, the apology letters and
the public postal service, in a left navigation.

Across the top, always visible, the counts of overdue dossiers, dossiers due today and due soon,
and draft apology letters; each opens its list. After start-up a short, non-modal line says what
needs attention today, and the missing apology drafts are made at start-up and every hour (off
the GUI thread). Menus reach the administration dialogs (office, catalog, calendar, clerk at the
counter) and the registers; the status bar always says which office, which clerk and what time
it is, since all three are printed on every receipt. Keyboard: F2 new intake, F3/Ctrl+F search,
F4 attention, F6 apology letters, F7 postal service, Ctrl+S save, Ctrl+P print.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from tthc_desk import __version__
from tthc_desk.domain.dossier import Dossier
from tthc_desk.services.container import Services
from tthc_desk.services.deadline_service import DeadlineCounts, DeadlineView
from tthc_desk.ui.attention_bar import AttentionBar, summary_text
from tthc_desk.ui.background import BackgroundWork
from tthc_desk.ui.display import weekday_name
from tthc_desk.ui.dossier_list_page import DossierListPage
from tthc_desk.ui.errors import show_error
from tthc_desk.ui.intake_page import IntakePage
from tthc_desk.ui.page import open_dialog
from tthc_desk.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from tthc_desk.ui.apology_page import ApologyPage
    from tthc_desk.ui.clerk_dialog import ClerkDialog
    from tthc_desk.ui.deadline_page import DeadlinePage
    from tthc_desk.ui.outbox_page import OutboxPage
    from tthc_desk.ui.postal_page import PostalPage
    from tthc_desk.ui.reports_page import ReportsPage

log = logging.getLogger(__name__)
P = TypeVar("P", bound=QWidget)

CLERK_CONFIRMED_KEY = "ui_clerk_confirmed"
INTAKE, LIST, ATTENTION, LETTERS, POSTAL, REPORTS, OUTBOX = 0, 1, 2, 3, 4, 5, 6


class MainWindow(QMainWindow):
    def __init__(self, services: Services, runner: TaskRunner | None = None) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.services = services
        self.runner = runner or TaskRunner(self)
        self.runner.default_error_handler = lambda exc: show_error(self, exc)
        self.dialog: QDialog | None = None  # the administration dialog last opened
        self.resize(1400, 880)
        self.setMinimumSize(QSize(1024, 640))

        self.intake = IntakePage(services, self.runner)
        self.dossier_list = DossierListPage(services, self.runner)
        # The pages after the first two are built the first time they are needed: start-up only
        # pays for what the clerk sees first.
        self._lazy: dict[int, QWidget] = {}
        self.attention_bar = AttentionBar()
        self.counts: DeadlineCounts | None = None
        self.draft_letters: int | None = None
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setFixedWidth(200)
        self.nav.setSpacing(2)
        self.nav.setStyleSheet(
            "#navigation { background: #f1f3f4; border: none; font-size: 11pt; padding-top: 8px; }"
            "#navigation::item { padding: 10px 12px; border-radius: 4px; }"
            "#navigation::item:selected { background: #0d47a1; color: white; }"
        )
        for text, key in (
            (self.tr("Tiếp nhận hồ sơ"), "F2"),
            (self.tr("Danh sách hồ sơ"), "F3"),
            (self.tr("Hồ sơ cần chú ý"), "F4"),
            (self.tr("Phiếu xin lỗi"), "F6"),
            (self.tr("Bưu chính"), "F7"),
            (self.tr("Báo cáo"), "F8"),
            (self.tr("Gửi báo cáo"), "F9"),
        ):
            item = QListWidgetItem(f"{text}   {key}", self.nav)
            item.setToolTip(self.tr("Phím tắt: {0}").format(key))
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
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.nav)
        row.addLayout(right, 1)
        self.setCentralWidget(central)
        self.nav.currentRowChanged.connect(self._on_nav_current_row_changed)
        self.nav.setCurrentRow(INTAKE)

        self._build_menus()
        self.office_label = QLabel()
        self.clerk_label = QLabel()
        self.clock_label = QLabel()
        for label in (self.office_label, self.clerk_label, self.clock_label):
            label.setContentsMargins(8, 0, 8, 0)
            self.statusBar().addPermanentWidget(label)
        self._clock_timer = QTimer(self)
        self._clock_timer.setInterval(15_000)
        self._clock_timer.timeout.connect(self._update_clock)
        self._clock_timer.start()
        self.refresh_status()

        self.intake.dossier_saved.connect(self._on_intake_dossier_saved)
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
        self.clerk_action = self._action(self.tr("Đổi cán bộ tiếp nhận…"), self.open_clerk)
        self.quit_action = self._action(self.tr("Thoát"), self.close, [QKeySequence("Ctrl+Q")])
        for a in (
            self.settings_action,
            self.catalog_action,
            self.calendar_action,
            self.clerk_action,
        ):
            system.addAction(a)
        system.addSeparator()
        system.addAction(self.quit_action)

        dossier = bar.addMenu(self.tr("Hồ &sơ"))
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
        reports.addAction(self.registers_action)
        reports.addSeparator()
        reports.addAction(self.reports_action)
        reports.addAction(self.outbox_action)
        reports.addAction(self.destination_action)

        help_menu = bar.addMenu(self.tr("&Trợ giúp"))
        self.keys_action = self._action(
            self.tr("Phím tắt"), self.show_keys, [QKeySequence(Qt.Key.Key_F1)]
        )
        self.about_action = self._action(self.tr("Giới thiệu"), self.show_about)
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
        report) and every few minutes (counts)."""
        self.background.start()

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
        if summary:
            self.attention_bar.show_summary(summary_text(counts, drafts))

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

    def open_clerk(self) -> ClerkDialog:
        from tthc_desk.ui.clerk_dialog import ClerkDialog

        dialog = ClerkDialog(self.services, self)
        dialog.clerk_chosen.connect(self._on_clerk_dialog_clerk_chosen)
        self._open(dialog)
        return dialog

    def ask_clerk_if_needed(self) -> ClerkDialog | None:
        """First start: ask who is at the counter; afterwards the choice is remembered."""
        if (
            self.services.settings.get_value(CLERK_CONFIRMED_KEY, False)
            and self.services.settings.current_clerk()
        ):
            return None
        return self.open_clerk()

    def _on_clerk_dialog_clerk_chosen(self, name: str) -> None:
        self.services.settings.set_value(CLERK_CONFIRMED_KEY, True)
        self.statusBar().showMessage(self.tr("Cán bộ tiếp nhận: {0}").format(name), 5000)

    def _on_dialog_finished(self, _result: int) -> None:
        # Office, hours or calendar may have changed: the appointment and status bar follow.
        self.services.calendar.invalidate()
        self.refresh_status()
        self.intake.update_appointment()

    def show_keys(self) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Information,
            self.tr("Phím tắt"),
            self.tr(
                "F2: tiếp nhận hồ sơ mới\n"
                "F3 hoặc Ctrl+F: tìm hồ sơ\n"
                "Ctrl+S: lưu và in giấy tiếp nhận\n"
                "Ctrl+P: in giấy tiếp nhận\n"
                "F4: hồ sơ cần chú ý (quá hạn, đến hạn, sắp đến hạn)\n"
                "F6: phiếu xin lỗi và hẹn lại\n"
                "F7: bưu chính công ích (danh sách bàn giao, trạng thái bưu gửi)\n"
                "F8: báo cáo gửi cấp trên\n"
                "F9: hàng chờ gửi báo cáo\n"
                "Ctrl+R: sổ theo dõi, danh sách hồ sơ quá hạn\n"
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

    # -- status -------------------------------------------------------------------------------
    def refresh_status(self) -> None:
        office = self.services.settings.office()
        self.setWindowTitle(
            self.tr("TTHC Desk – {0}").format(
                office.office_name.capitalize()
                if office.office_name.isupper()
                else office.office_name
            )
        )
        self.office_label.setText(self.tr("Cơ quan: {0}").format(office.parent_authority))
        clerk = self.services.settings.current_clerk() or self.tr("(chưa chọn)")
        self.clerk_label.setText(self.tr("Cán bộ tiếp nhận: <b>{0}</b>").format(clerk))
        self._update_clock()

    def _update_clock(self) -> None:
        now = self.services.clock.now()
        self.clock_label.setText(f"{weekday_name(now.date())}, {now:%H:%M  %d/%m/%Y}")

    def closeEvent(self, event: QCloseEvent) -> None:
        self._clock_timer.stop()
        self.background.stop()
        self.runner.wait(5000)
        super().closeEvent(event)
