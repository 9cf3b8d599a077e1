"""Who is at the counter: the login form, the login dialog at start-up and the password change.

Keyboard first: the user name last used on this PC is filled in and the cursor waits in the
password; Enter in the user name goes to the password, Enter in the password logs in. A refusal
(wrong password, an account locked after too many tries, a disabled account) is shown under the
form in the service's own words. Every try goes through ``AccountService.login``, so wrong
passwords count toward the lock-out wherever they are typed (here or on the lock screen).

The demo database says so, and shows its documented account (``demo`` / ``demo``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tthc_desk.domain.access import DEMO_PASSWORD, DEMO_USERNAME, Account
from tthc_desk.domain.errors import LoginError, ServerUnavailableError, ValidationError
from tthc_desk.domain.text import nfc
from tthc_desk.paths import APP_NAME
from tthc_desk.services.container import Services
from tthc_desk.ui.demo_strip import DEMO_COLOR, window_title
from tthc_desk.ui.display import error_label, form_field, heading_font, muted_label
from tthc_desk.ui.form_dialog import Fields, FormDialog
from tthc_desk.ui.tasks import TaskRunner

LAST_USER_KEY = "login/last_username"


def pc_settings() -> QSettings:
    """This PC's own settings (not the database's): the user name last logged in."""
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, APP_NAME, "tthc-desk")


def remembered_username() -> str:
    value = pc_settings().value(LAST_USER_KEY, "")
    return value if isinstance(value, str) else ""


def remember_username(username: str) -> None:
    pc_settings().setValue(LAST_USER_KEY, username)


def office_heading(services: Services) -> str:
    """The office's name as the login and lock screens show it (nothing else)."""
    office = services.settings.office()
    lines = [office.parent_authority, office.office_name]
    return "\n".join(x for x in lines if x) or APP_NAME


class LoginForm(QWidget):
    """User name, password and the refusal line; ``logged_in(Account)`` once the service let
    the person in (read :meth:`password` in the slot: it is cleared right after)."""

    logged_in = Signal(object)

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._demo = services.settings.is_demo()
        self.username_edit = QLineEdit()
        self.username_edit.setObjectName("username")
        self.username_edit.setPlaceholderText(self.tr("ví dụ: binh.tt"))
        self.password_edit = QLineEdit()
        self.password_edit.setObjectName("password")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = error_label()
        self.error.setObjectName("loginError")
        self.submit_button = QPushButton(self.tr("Đăng nhập"))
        # Enter is the form's own (below), in a dialog as on the lock screen: a default button
        # would submit a second time, and count a wrong password twice.
        self.submit_button.setAutoDefault(False)
        self.demo_note = QLabel(
            self.tr(
                "Đây là DỮ LIỆU MẪU (cơ quan và hồ sơ đều là giả). Tài khoản mẫu: tên đăng nhập "
                "<b>{0}</b>, mật khẩu <b>{1}</b>."
            ).format(DEMO_USERNAME, DEMO_PASSWORD)
        )
        self.demo_note.setObjectName("demoNote")
        self.demo_note.setWordWrap(True)
        self.demo_note.setStyleSheet(f"color: {DEMO_COLOR};")
        self.demo_note.setVisible(self._demo)

        form = QFormLayout()
        form.addRow(self.tr("Tên đăng nhập"), self.username_edit)
        form.addRow(self.tr("Mật khẩu"), self.password_edit)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.demo_note)
        layout.addLayout(form)
        layout.addWidget(self.error)

        self.username_edit.returnPressed.connect(self._on_username_edit_return_pressed)
        self.password_edit.returnPressed.connect(self.submit)
        self.submit_button.clicked.connect(self.submit)

    # -- filling ------------------------------------------------------------------------------
    def start(self, username: str | None = None) -> None:
        """Ready for a login: ``username`` (default: the one remembered here, or the demo's),
        the password empty and focused when a name is known."""
        if username is None:
            username = DEMO_USERNAME if self._demo else remembered_username()
        self.username_edit.setText(username)
        self.password_edit.clear()
        self.error.hide()
        target = self.password_edit if username else self.username_edit
        target.setFocus(Qt.FocusReason.OtherFocusReason)

    def password(self) -> str:
        return self.password_edit.text()

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()

    # -- submitting ---------------------------------------------------------------------------
    def submit(self) -> None:
        username = nfc(self.username_edit.text()).strip().lower()
        if not username:
            self.show_error(self.tr("Chưa nhập tên đăng nhập."))
            self.username_edit.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        try:
            account = self._services.accounts.login(username, self.password_edit.text())
        except (LoginError, ServerUnavailableError) as exc:  # the server lost: said here too
            self.show_error(exc.message)
            self.password_edit.selectAll()
            self.password_edit.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        self.error.hide()
        if not self._demo:
            remember_username(account.username)
        self.logged_in.emit(account)
        self.password_edit.clear()

    def _on_username_edit_return_pressed(self) -> None:
        if self.password_edit.text():
            self.submit()
        else:
            self.password_edit.setFocus(Qt.FocusReason.OtherFocusReason)


class LoginDialog(QDialog):
    """The login at start-up: accepted once someone logged in (``account``), rejected by
    "Thoát"."""

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("loginDialog")
        self.account: Account | None = None
        self._password = ""
        demo = services.settings.is_demo()
        self.setWindowTitle(window_title(self.tr("Đăng nhập"), demo=demo))
        self.setMinimumWidth(460)
        self.office_label = QLabel(office_heading(services))
        self.office_label.setObjectName("officeName")
        self.office_label.setFont(heading_font(self.font(), 1.3))
        self.office_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.office_label.setWordWrap(True)
        intro = muted_label(self.tr("Đăng nhập để làm việc tại Bộ phận Một cửa."))
        intro.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.form = LoginForm(services)
        self.form.logged_in.connect(self._on_form_logged_in)
        self.quit_button = QPushButton(self.tr("Thoát"))
        self.quit_button.setAutoDefault(False)
        self.quit_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.form.submit_button)
        buttons.addWidget(self.quit_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.office_label)
        layout.addWidget(intro)
        layout.addSpacing(8)
        layout.addWidget(self.form)
        layout.addLayout(buttons)
        self.form.start()

    def start(self, username: str) -> None:
        """Fill ``username`` instead of the remembered one (the administrator just set up)."""
        self.form.start(username)

    def take_password(self) -> str:
        """The password just typed, once (a temporary one is then changed without asking it
        again); forgotten afterwards."""
        password, self._password = self._password, ""
        return password

    def _on_form_logged_in(self, account: Account) -> None:
        self.account = account
        self._password = self.form.password()
        self.accept()


class ChangePasswordDialog(FormDialog):
    """The person logged in chooses a new password. ``forced``: their password is temporary
    and must be changed before any work ("Thoát" then leaves); ``old_password`` known (just
    typed to log in) is not asked again."""

    INLINE_ERRORS = True

    def __init__(
        self,
        services: Services,
        runner: TaskRunner,
        parent: QWidget | None = None,
        *,
        forced: bool = False,
        old_password: str | None = None,
    ) -> None:
        self._old_known = old_password
        actor = services.accounts.current
        who = actor.full_name if actor is not None else ""
        subtitle = (
            self.tr(
                "{0}: bạn đang dùng mật khẩu tạm thời. Hãy chọn mật khẩu riêng trước khi làm "
                "việc (ít nhất 8 ký tự, khác tên đăng nhập)."
            ).format(who)
            if forced
            else self.tr("{0}: mật khẩu mới cần ít nhất 8 ký tự, khác tên đăng nhập.").format(who)
        )
        super().__init__(
            services,
            runner,
            self.tr("Đổi mật khẩu"),
            subtitle,
            parent,
            ok_text=self.tr("Đổi mật khẩu"),
        )
        self.setObjectName("changePasswordDialog")
        self.forced = forced
        if forced:
            self.cancel_button.setText(self.tr("Thoát"))
        (self.new_edit if old_password is not None else self.old_edit).setFocus()

    def build(self, form: QFormLayout) -> Fields:
        self.old_edit, self.new_edit, self.repeat_edit = (QLineEdit() for _ in range(3))
        for name, edit in (
            ("oldPassword", self.old_edit),
            ("newPassword", self.new_edit),
            ("repeatPassword", self.repeat_edit),
        ):
            edit.setObjectName(name)
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        fields: Fields = {}
        if self._old_known is None:
            fields["old_password"] = form_field(form, self.tr("Mật khẩu hiện tại"), self.old_edit)
        fields["new_password"] = form_field(form, self.tr("Mật khẩu mới"), self.new_edit)
        fields["repeat"] = form_field(form, self.tr("Nhập lại mật khẩu mới"), self.repeat_edit)
        return fields

    def check(self) -> ValidationError | None:
        if self.new_edit.text() != self.repeat_edit.text():
            return ValidationError.for_field("repeat", self.tr("Mật khẩu nhập lại không khớp."))
        return None

    def work(self) -> Callable[[], Any]:
        accounts = self.services.accounts
        old = self._old_known if self._old_known is not None else self.old_edit.text()
        new = self.new_edit.text()
        return lambda: accounts.change_password(old, new)
