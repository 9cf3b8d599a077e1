"""The first-run setup wizard (issue 9 §1): a real database with no office opens it before
anything else, and no dossier code, ledger number or receipt is issued until it is finished.

Pages, in order: the office, its head and signing line, office hours and the same-day cut-off,
the specialist units, the first administrator, the temporary passwords of staff carried over
from an older database (only when there are such people), and a summary. Each page checks its
inputs on Next; Finish saves everything in one call (``SettingsService.complete_setup``, which
checks everything again before saving anything) and, if it still finds a problem, goes back to
the page of the first one and shows it there.

On an encrypted database (every real office), "Xác nhận" is a commit page: "Lưu khai báo" saves,
and a last page asks the new administrator to print the *Phiếu khóa khôi phục dữ liệu* now and
hand it to the head of office. They may finish without it; the main window then reminds them
until it is printed.

Keyboard: Tab between inputs, Enter for the next page; Esc does not close the wizard (a stray
key must not throw away what was typed): "Thoát" does, and the application with it (once the
office is saved, leaving the last page is finishing).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QKeyEvent
from PySide6.QtWidgets import (
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from tthc_desk.domain.access import Account, NewAccount
from tthc_desk.domain.errors import TthcError, ValidationError
from tthc_desk.domain.office import OfficeHours, OfficeProfile, normalise_office
from tthc_desk.domain.text import collapse_spaces
from tthc_desk.services.container import Services
from tthc_desk.ui.display import MUTED_COLOR, WEEKDAY_NAMES, muted_label
from tthc_desk.ui.errors import show_error
from tthc_desk.ui.i18n import translate
from tthc_desk.ui.recovery_sheet import open_recovery_sheet
from tthc_desk.ui.setup_accounts import AdminPage, StaffPage, roles_label
from tthc_desk.ui.setup_pages import HeadPage, HoursPage, OfficePage, SetupPage, UnitsPage
from tthc_desk.ui.tasks import TaskRunner
from tthc_desk.ui.widgets import format_sessions

OFFICE, HEAD, HOURS, UNITS, ADMIN, STAFF, CONFIRM, SHEET = range(8)


class ConfirmPage(SetupPage):
    """What will be saved, to read over before Finish."""

    def __init__(self, summary: Callable[[], str]) -> None:
        super().__init__(
            self.tr("Xác nhận"),
            self.tr("Kiểm tra lại rồi bấm “Hoàn tất” để lưu; “Quay lại” để sửa."),
        )
        self._summary = summary
        self.summary_view = QTextBrowser()
        self.summary_view.setObjectName("setupSummary")
        self.summary_view.setOpenLinks(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary_view)

    def initializePage(self) -> None:
        self.summary_view.setHtml(self._summary())
        self.summary_view.setFocus()


class RecoverySheetPage(QWizardPage):
    """After the save: print the recovery key sheet now and give it to the head of office."""

    def __init__(self, print_sheet: Callable[[], None]) -> None:
        super().__init__()
        self.setTitle(self.tr("Phiếu khóa khôi phục dữ liệu"))
        self.setSubTitle(
            self.tr("Đã lưu khai báo. Việc cuối cùng: in phiếu khóa khôi phục dữ liệu.")
        )
        self.explanation = QLabel(
            self.tr(
                "Dữ liệu của cơ quan và mọi bản sao lưu được mã hóa bằng một khóa chỉ máy này "
                "giữ. Khi thay máy, cài lại Windows hoặc dùng tài khoản Windows khác, chỉ mở được "
                "dữ liệu bằng khóa khôi phục in trên phiếu này. Mất phiếu và mất máy là mất dữ "
                "liệu: không ai lấy lại được, kể cả người làm ra phần mềm.\n\n"
                "Hãy in phiếu ngay, ký, cho vào phong bì dán kín và giao người đứng đầu cơ quan "
                "cất trong tủ có khóa. Không để phiếu cạnh máy tính, không cất cùng bản sao lưu."
            )
        )
        self.explanation.setWordWrap(True)
        self.print_button = QPushButton(self.tr("Xem và in phiếu khóa khôi phục…"))
        self.print_button.setObjectName("printRecoverySheet")
        self.print_button.clicked.connect(print_sheet)
        self.status = muted_label(
            self.tr(
                "Có thể in sau ở Hệ thống → In phiếu khóa khôi phục dữ liệu…; đến khi in, phần "
                "mềm sẽ nhắc người Quản trị."
            )
        )
        self.status.setObjectName("recoverySheetStatus")
        layout = QVBoxLayout(self)
        layout.addWidget(self.explanation)
        layout.addSpacing(12)
        layout.addWidget(self.print_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.status)
        layout.addStretch(1)

    def initializePage(self) -> None:
        # Saved already: "Thoát" would only confuse; closing the window finishes the setup.
        self.wizard().setOption(QWizard.WizardOption.NoCancelButton, True)
        self.print_button.setFocus()

    def sheet_shown(self) -> None:
        self.status.setText(
            self.tr(
                "Đã tạo phiếu. Bấm “In…” trong cửa sổ xem trước để in ra giấy, rồi bấm “Hoàn tất”."
            )
        )


class SetupWizard(QWizard):
    """Names the office and its first administrator; Accepted once everything is saved."""

    def __init__(
        self,
        services: Services,
        parent: QWidget | None = None,
        runner: TaskRunner | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("setupWizard")
        self._services = services
        self._runner = runner or TaskRunner(self)
        #: The administrator's account once the wizard has finished (for the login that follows).
        self.created_admin: Account | None = None
        self.setWindowTitle(self.tr("Khai báo ban đầu – TTHC Desk"))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage)
        settings = services.settings
        profile = settings.office()
        self._profile = profile
        self.carried = [
            a for a in services.accounts.list(include_inactive=True) if not a.has_password
        ]
        self.office_page = OfficePage(profile)
        self.head_page = HeadPage(profile)
        self.hours_page = HoursPage(settings.hours())
        self.units_page = UnitsPage(profile.units)
        self.admin_page = AdminPage(services.accounts)
        self.staff_page = StaffPage(services.accounts, self.carried)
        self.confirm_page = ConfirmPage(self.summary_html)
        pages: list[tuple[int, QWizardPage]] = [
            (OFFICE, self.office_page),
            (HEAD, self.head_page),
            (HOURS, self.hours_page),
            (UNITS, self.units_page),
            (ADMIN, self.admin_page),
            (CONFIRM, self.confirm_page),
        ]
        if self.carried:  # only an upgraded database has staff without a password
            pages.insert(-1, (STAFF, self.staff_page))
        self.sheet_page = RecoverySheetPage(self.print_recovery_sheet)
        if services.recovery.available:  # an encrypted database has a key to print
            self.confirm_page.setCommitPage(True)
            pages.append((SHEET, self.sheet_page))
        for page_id, page in pages:
            self.setPage(page_id, page)
        self._name_buttons()
        self._fit_screen()

    def _name_buttons(self) -> None:
        names = {
            QWizard.WizardButton.BackButton: self.tr("< Quay lại"),
            QWizard.WizardButton.NextButton: self.tr("Tiếp theo >"),
            QWizard.WizardButton.FinishButton: self.tr("Hoàn tất"),
            QWizard.WizardButton.CommitButton: self.tr("Lưu khai báo >"),
            QWizard.WizardButton.CancelButton: self.tr("Thoát"),
        }
        for which, text in names.items():
            self.setButtonText(which, text)
        self.button(QWizard.WizardButton.CancelButton).setToolTip(
            self.tr("Đóng phần mềm; chưa khai báo xong thì chưa tiếp nhận được hồ sơ.")
        )

    def _fit_screen(self) -> None:
        """Roomy on 1366×768, still whole on 1024×640."""
        self.setMinimumSize(720, 520)
        width, height = 900, 640
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is not None:
            room = screen.availableGeometry()
            width, height = min(width, room.width() - 24), min(height, room.height() - 48)
        self.resize(max(width, 720), max(height, 520))

    # -- what was typed -------------------------------------------------------------------------
    def profile(self) -> OfficeProfile:
        """The office profile as typed on the pages (the service normalises and checks it)."""
        return replace(
            self._profile,
            **self.office_page.values(),
            **self.head_page.values(),
            units=self.units_page.units(),
        )

    def hours(self) -> OfficeHours:
        return self.hours_page.hours()

    def admin(self) -> NewAccount:
        return self.admin_page.account()

    def temporary_passwords(self) -> dict[str, str]:
        """User name → temporary password of the staff carried over (none without the page)."""
        return self.staff_page.passwords() if self.carried else {}

    # -- finishing --------------------------------------------------------------------------------
    def accept(self) -> None:
        if self.finish():
            super().accept()

    def reject(self) -> None:
        if self.created_admin is not None:  # saved: leaving the last page is finishing
            super().accept()
        else:
            super().reject()

    def validateCurrentPage(self) -> bool:
        if self.currentId() == CONFIRM and self.confirm_page.isCommitPage():
            return self.finish()  # "Lưu khai báo": saved before the recovery sheet's page
        return super().validateCurrentPage()

    def finish(self) -> bool:
        """Save everything in one call (once); on a problem, show it on its page and go back
        there."""
        if self.created_admin is not None:
            return True
        try:
            self.created_admin = self._services.settings.complete_setup(
                self.profile(), self.hours(), self.admin(), self.temporary_passwords()
            )
        except ValidationError as exc:
            self._show_problems(exc)
            return False
        except TthcError as exc:
            show_error(self, exc)
            return False
        # Due dates are counted on the office hours: the cached working calendar is rebuilt.
        self._services.calendar.invalidate()
        return True

    def _show_problems(self, exc: ValidationError) -> None:
        pages = [(i, p) for i in self.pageIds() if isinstance(p := self.page(i), SetupPage)]
        shown = [page_id for page_id, page in pages if page.show_problems(exc)]
        # A problem no page has an input for is listed in a dialog rather than lost.
        nowhere = set.intersection(*(set(page.errors.unmatched) for _, page in pages))
        if not shown or nowhere or any(p.field is None for p in exc.problems):
            show_error(self, exc)
        if shown:
            self.go_back_to(shown[0])

    def go_back_to(self, page_id: int) -> None:
        """Back through the pages visited to ``page_id``, its first problem in focus."""
        while self.currentId() != page_id and self.currentId() in self.visitedIds()[1:]:
            self.back()
        page = self.page(page_id)
        if isinstance(page, SetupPage) and (bad := page.errors.first_invalid()) is not None:
            bad.setFocus()

    def print_recovery_sheet(self) -> None:
        """The sheet's preview, made as the administrator just created (nobody has logged in
        yet: the person at the keyboard is the one who typed that account's password)."""
        if self.created_admin is None:
            return
        open_recovery_sheet(
            self,
            self._services,
            self._runner,
            acting=self.created_admin.actor(),
            on_open=lambda _dialog: self.sheet_page.sheet_shown(),
        )

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            event.accept()  # only "Thoát" leaves the setup
            return
        super().keyPressEvent(event)

    # -- the summary ------------------------------------------------------------------------------
    def summary_html(self) -> str:
        """Everything the wizard will save, passwords left out."""
        p = normalise_office(self.profile())
        sections = [
            (self.tr("Cơ quan"), self._office_rows(p)),
            (self.tr("Lãnh đạo ký"), [("", _lines(self.head_page.signing_lines()))]),
            (self.tr("Giờ làm việc"), self._hours_rows(self.hours())),
            (self.tr("Đơn vị chuyên môn"), [("", self._units_text(p.units))]),
            (self.tr("Tài khoản quản trị"), self._admin_rows(self.admin())),
        ]
        if self.carried:
            sections.append((self.tr("Cán bộ đã có trong dữ liệu"), [("", self._staff_text())]))
        return "<table>" + "".join(_section(t, rows) for t, rows in sections) + "</table>"

    def _units_text(self, units: tuple[str, ...]) -> str:
        if units:
            return _lines(units)
        return escape(self.tr("Chưa có (bổ sung sau ở Hệ thống → Cài đặt cơ quan)."))

    def _admin_rows(self, admin: NewAccount) -> list[tuple[str, str]]:
        return [
            (self.tr("Họ và tên"), escape(collapse_spaces(admin.full_name))),
            (self.tr("Tên đăng nhập"), escape(admin.username.strip().lower())),
            (self.tr("Vai trò"), escape(roles_label(admin.roles))),
        ]

    def _staff_text(self) -> str:
        given = self.temporary_passwords()
        names = [a.full_name for a in self.carried if a.username in given]
        text = self.tr(
            "Mật khẩu tạm thời cho {0} người: {1}. Họ đổi mật khẩu khi đăng nhập lần đầu."
        )
        return escape(text.format(len(names), ", ".join(names)))

    def _office_rows(self, p: OfficeProfile) -> list[tuple[str, str]]:
        rows = [
            (self.tr("Cơ quan chủ quản"), p.parent_authority),
            (self.tr("Bộ phận một cửa"), p.office_name),
            (self.tr("Tỉnh, thành phố"), p.province),
            (self.tr("Địa danh"), p.place_name),
            (self.tr("Mã định danh"), p.agency_id),
            (self.tr("Địa chỉ"), p.address),
            (self.tr("Điện thoại"), p.phone),
            (self.tr("Thư điện tử"), p.email),
        ]
        return [(name, escape(value)) for name, value in rows if value]

    def _hours_rows(self, hours: OfficeHours) -> list[tuple[str, str]]:
        closed = self.tr("Nghỉ")
        rows = [
            (
                translate("display", WEEKDAY_NAMES[day - 1]),
                format_sessions(hours.by_weekday.get(day, ())) or closed,
            )
            for day in range(1, 8)
        ]
        cutoff = hours.same_day_cutoff.strftime("%H:%M")
        return [*rows, (self.tr("Giờ chốt nhận hồ sơ trong ngày"), cutoff)]


def _lines(texts: Iterable[str]) -> str:
    return "<br>".join(escape(t) for t in texts)


def _section(title: str, rows: list[tuple[str, str]]) -> str:
    """A heading row and its rows of (name, value), the value already HTML; the sections are
    rows of one table, so their values line up."""
    head = f"<tr><td colspan='2'><h3 style='margin: 10px 0 2px 0'>{escape(title)}</h3></td></tr>"
    cells = "".join(
        f"<tr><td style='color: {MUTED_COLOR}; padding-right: 16px'>{escape(name)}</td>"
        f"<td><b>{value}</b></td></tr>"
        for name, value in rows
    )
    return head + cells
