"""*Hệ thống → Tài khoản…*: the people who log in, for the administrator.

The list shows every account (the disabled ones greyed): user name, full name, roles, whether it
is in use, locked for a while after wrong passwords or waiting for its first password change,
and the last login. An account made here always starts with a temporary password the
administrator types and tells the person, who must change it at the first login; a reset does
the same. Nobody is deleted here: a person who leaves is disabled, their name stays on the
dossiers they handled. Under the list, the login rules: how many wrong passwords lock an account
and for how long, and after how many idle minutes the screen locks itself.

Every refusal of the account service is shown inline (under its input, or in the dialog's error
line), never as a separate message.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from tthc_desk.domain.access import Account, LockOut, Right, Role, suggest_username
from tthc_desk.domain.errors import TthcError, ValidationError
from tthc_desk.domain.text import nfc
from tthc_desk.services.container import Services
from tthc_desk.ui.display import (
    MUTED_COLOR,
    error_label,
    form_field,
    list_datetime,
    list_view,
    muted_label,
    with_error,
)
from tthc_desk.ui.errors import FieldErrors, show_error
from tthc_desk.ui.form_dialog import Fields, FormDialog
from tthc_desk.ui.labels import label
from tthc_desk.ui.page import open_dialog
from tthc_desk.ui.rights import guard
from tthc_desk.ui.row_table_model import Column, ColumnTableModel
from tthc_desk.ui.tasks import TaskRunner

# Sample texts (data, not words to translate) that set the widths of the columns.
COLUMN_SAMPLES = (
    "Tên đăng nhập",
    "Nguyễn Thị Thu Hương",
    "Cán bộ tiếp nhận, Lãnh đạo, Quản trị",
    "",
    "Đăng nhập lần cuối",
)


def roles_label(roles: frozenset[Role]) -> str:
    """“Cán bộ tiếp nhận, Lãnh đạo”, in the order clerk, head, admin."""
    return ", ".join(label(r) for r in Role if r in roles)


class AccountTableModel(ColumnTableModel[Account]):
    """Columns: Tên đăng nhập · Họ và tên · Vai trò · Trạng thái · Đăng nhập lần cuối."""

    USERNAME, FULL_NAME, ROLES, STATE, LAST_LOGIN = range(5)

    def __init__(self, now: Callable[[], datetime], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows = []
        self._now = now
        grey = QColor(MUTED_COLOR)
        self.set_columns(
            (
                Column(lambda a: a.username, title=self.tr("Tên đăng nhập")),
                Column(lambda a: a.full_name, title=self.tr("Họ và tên")),
                Column(lambda a: roles_label(a.roles), title=self.tr("Vai trò")),
                Column(self.state_text, title=self.tr("Trạng thái")),
                Column(
                    lambda a: list_datetime(a.last_login_at), title=self.tr("Đăng nhập lần cuối")
                ),
            ),
            row_roles={Qt.ItemDataRole.ForegroundRole: lambda a: None if a.active else grey},
        )

    def state_text(self, a: Account) -> str:
        if not a.active:
            return self.tr("Đã khóa")
        if a.locked(self._now()):
            assert a.locked_until is not None
            return self.tr("Tạm khóa đến {0:%H:%M} (sai mật khẩu)").format(a.locked_until)
        if a.must_change_password:
            return self.tr("Đang dùng · chờ đổi mật khẩu tạm thời")
        return self.tr("Đang dùng")

    def account_at(self, row: int) -> Account:
        return self.row_at(row)

    def row_of(self, username: str) -> int:
        return next((i for i, a in enumerate(self._rows) if a.username == username), -1)


class RolesBox(QWidget):
    """One check box per role."""

    def __init__(self, roles: frozenset[Role] = frozenset(), parent: QWidget | None = None):
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.checks: dict[Role, QCheckBox] = {}
        for role in Role:
            check = QCheckBox(label(role))
            check.setObjectName(f"role-{role.value}")
            check.setChecked(role in roles)
            self.checks[role] = check
            row.addWidget(check)
        row.addStretch(1)

    def roles(self) -> frozenset[Role]:
        return frozenset(r for r, check in self.checks.items() if check.isChecked())


class AccountFormDialog(FormDialog):
    """A new account (``account`` None: user name, temporary password) or an account's full
    name and roles; ``saved`` is the service's answer."""

    INLINE_ERRORS = True

    def __init__(
        self,
        services: Services,
        runner: TaskRunner,
        account: Account | None = None,
        parent: QWidget | None = None,
    ) -> None:
        self.account = account
        self.saved: Account | None = None
        self._username_typed = False
        if account is None:
            title = self.tr("Thêm tài khoản")
            subtitle = self.tr(
                "Mật khẩu tạm thời do bạn đặt và báo cho người dùng; họ phải đổi mật khẩu "
                "khi đăng nhập lần đầu."
            )
        else:
            title = self.tr("Sửa tài khoản {0}").format(account.username)
            subtitle = self.tr("Tên đăng nhập không đổi được; lịch sử hồ sơ giữ tên cũ.")
        super().__init__(services, runner, title, subtitle, parent, ok_text=self.tr("Lưu"))
        self.setObjectName("accountFormDialog")
        self.full_name_edit.setFocus()

    def build(self, form: QFormLayout) -> Fields:
        x = self.account
        self.full_name_edit = QLineEdit(x.full_name if x else "")
        self.full_name_edit.setObjectName("fullName")
        fields = {"full_name": form_field(form, self.tr("Họ và tên"), self.full_name_edit)}
        self.username_edit = QLineEdit(x.username if x else "")
        self.username_edit.setObjectName("username")
        self.password_edit = QLineEdit()
        self.password_edit.setObjectName("temporaryPassword")
        if x is None:
            self.full_name_edit.textEdited.connect(self._on_full_name_edit_text_edited)
            self.username_edit.textEdited.connect(self._on_username_edit_text_edited)
            self.username_edit.setPlaceholderText(self.tr("ví dụ: binh.tt"))
            fields["username"] = form_field(form, self.tr("Tên đăng nhập"), self.username_edit)
        self.roles_box = RolesBox(x.roles if x else frozenset({Role.CLERK}))
        fields["roles"] = form_field(form, self.tr("Vai trò"), self.roles_box)
        if x is None:
            self.password_edit.setPlaceholderText(self.tr("ít nhất 8 ký tự"))
            fields["password"] = form_field(form, self.tr("Mật khẩu tạm thời"), self.password_edit)
        return fields

    def _on_full_name_edit_text_edited(self, text: str) -> None:
        if not self._username_typed and text.strip():
            self.username_edit.setText(suggest_username(nfc(text)))

    def _on_username_edit_text_edited(self, _text: str) -> None:
        self._username_typed = True

    def work(self) -> Callable[[], Any]:
        accounts, roles = self.services.accounts, self.roles_box.roles()
        full_name = nfc(self.full_name_edit.text())
        if self.account is None:
            username, password = nfc(self.username_edit.text()), self.password_edit.text()
            return lambda: accounts.add(username, full_name, roles, password, temporary=True)
        username = self.account.username
        return lambda: accounts.update(username, full_name, roles)

    def done_with(self, result: Any) -> None:
        self.saved = result


class ResetPasswordDialog(FormDialog):
    """A new temporary password for ``account`` (to be changed at its next login)."""

    INLINE_ERRORS = True

    def __init__(
        self,
        services: Services,
        runner: TaskRunner,
        account: Account,
        parent: QWidget | None = None,
    ) -> None:
        self.account = account
        super().__init__(
            services,
            runner,
            self.tr("Đặt lại mật khẩu"),
            self.tr(
                "{0} ({1}) phải đổi mật khẩu tạm thời này khi đăng nhập lần sau; tài khoản "
                "đang bị khóa tạm vì sai mật khẩu cũng được mở."
            ).format(account.full_name, account.username),
            parent,
            ok_text=self.tr("Đặt lại"),
        )
        self.setObjectName("resetPasswordDialog")
        self.password_edit.setFocus()

    def build(self, form: QFormLayout) -> Fields:
        self.password_edit = QLineEdit()
        self.password_edit.setObjectName("temporaryPassword")
        self.password_edit.setPlaceholderText(self.tr("ít nhất 8 ký tự"))
        return {"password": form_field(form, self.tr("Mật khẩu tạm thời"), self.password_edit)}

    def work(self) -> Callable[[], Any]:
        accounts, username, password = (
            self.services.accounts,
            self.account.username,
            self.password_edit.text(),
        )
        return lambda: accounts.reset_password(username, password)


class AccountsDialog(QDialog):
    """The accounts and the login rules (administrator only)."""

    def __init__(
        self, services: Services, runner: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("accountsDialog")
        self._services = services
        self._runner = runner
        self.dialog: QDialog | None = None
        self.setWindowTitle(self.tr("Tài khoản người dùng"))
        self.resize(980, 600)

        intro = muted_label(
            self.tr(
                "Người đã nghỉ việc thì khóa tài khoản, không xóa: tên họ còn trên hồ sơ đã xử lý."
            )
        )
        self.model = AccountTableModel(services.clock.now, self)
        self.table = list_view("accountTable", self.model, sizes=COLUMN_SAMPLES)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(AccountTableModel.STATE, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.table.activated.connect(self._on_table_activated)

        self.add_button = QPushButton(self.tr("Thêm tài khoản…"))
        self.edit_button = QPushButton(self.tr("Sửa…"))
        self.reset_button = QPushButton(self.tr("Đặt lại mật khẩu…"))
        self.active_button = QPushButton(self.tr("Khóa tài khoản"))
        self.close_button = QPushButton(self.tr("Đóng"))
        buttons = QHBoxLayout()
        for b in (self.add_button, self.edit_button, self.reset_button, self.active_button):
            b.setAutoDefault(False)
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        self.error = error_label()
        self.error.setObjectName("accountsError")

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.error)
        layout.addWidget(self._build_policy())

        self.add_button.clicked.connect(self.add_account)
        self.edit_button.clicked.connect(self.edit_selected)
        self.reset_button.clicked.connect(self.reset_selected)
        self.active_button.clicked.connect(self.toggle_selected)
        self.close_button.clicked.connect(self.accept)
        self.refresh()

    def _build_policy(self) -> QGroupBox:
        box = QGroupBox(self.tr("Quy định đăng nhập"))
        self.max_failures_spin, self.lock_minutes_spin, self.idle_minutes_spin = (
            QSpinBox() for _ in range(3)
        )
        self.max_failures_spin.setRange(3, 20)
        self.max_failures_spin.setSuffix(self.tr(" lần sai mật khẩu"))
        self.lock_minutes_spin.setRange(1, 1440)
        self.lock_minutes_spin.setSuffix(self.tr(" phút"))
        self.idle_minutes_spin.setRange(0, 240)
        self.idle_minutes_spin.setSuffix(self.tr(" phút"))
        self.idle_minutes_spin.setSpecialValueText(self.tr("không tự khóa"))
        self.policy_button = QPushButton(self.tr("Lưu quy định"))
        self.policy_button.setAutoDefault(False)
        self.policy_button.clicked.connect(self.save_policy)
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        inputs: dict[str, tuple[QWidget, QLabel]] = {}
        for key, text, spin in (
            ("max_failures", self.tr("Khóa tài khoản sau"), self.max_failures_spin),
            ("lock_minutes", self.tr("Khóa trong"), self.lock_minutes_spin),
            ("idle_minutes", self.tr("Tự khóa màn hình sau"), self.idle_minutes_spin),
        ):
            row, error = with_error(spin)
            form.addRow(text, row)
            inputs[key] = (spin, error)
        form.addRow("", self.policy_button)
        self.policy_errors = FieldErrors(inputs)
        lockout = self._services.accounts.lockout()
        self.max_failures_spin.setValue(lockout.max_failures)
        self.lock_minutes_spin.setValue(lockout.minutes)
        self.idle_minutes_spin.setValue(self._services.accounts.idle_lock_minutes())
        return box

    # -- the list -----------------------------------------------------------------------------
    def refresh(self, select: str = "") -> None:
        current = self.selected()
        chosen = select or (current.username if current is not None else "")
        self.model.set_rows(self._services.accounts.list(include_inactive=True))
        row = self.model.row_of(chosen) if chosen else -1
        if row >= 0:
            self.table.selectRow(row)
        self._update_buttons()

    def selected(self) -> Account | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.account_at(rows[0].row()) if rows else None

    def select(self, username: str) -> None:
        self.table.selectRow(self.model.row_of(username))

    def _update_buttons(self, *_args: object) -> None:
        x = self.selected()
        accounts = self._services.accounts
        guard(self.add_button, accounts, Right.ACCOUNTS)
        guard(self.policy_button, accounts, Right.ACCOUNTS)
        for b in (self.edit_button, self.reset_button, self.active_button):
            guard(b, accounts, Right.ACCOUNTS, x is not None)
        inactive = x is not None and not x.active
        self.active_button.setText(
            self.tr("Mở lại tài khoản") if inactive else self.tr("Khóa tài khoản")
        )

    # -- acting -------------------------------------------------------------------------------
    def _open(self, dialog: FormDialog) -> FormDialog:
        self.error.hide()
        dialog.accepted.connect(lambda: self.refresh(self._username_of(dialog)))
        self.dialog = open_dialog(dialog)
        return dialog

    @staticmethod
    def _username_of(dialog: FormDialog) -> str:
        saved = getattr(dialog, "saved", None) or getattr(dialog, "account", None)
        return saved.username if isinstance(saved, Account) else ""

    def add_account(self) -> FormDialog:
        return self._open(AccountFormDialog(self._services, self._runner, None, self))

    def edit_selected(self) -> FormDialog | None:
        x = self.selected()
        if x is None:
            return None
        return self._open(AccountFormDialog(self._services, self._runner, x, self))

    def reset_selected(self) -> FormDialog | None:
        x = self.selected()
        if x is None:
            return None
        return self._open(ResetPasswordDialog(self._services, self._runner, x, self))

    def toggle_selected(self) -> None:
        x = self.selected()
        if x is None:
            return
        accounts, username, active = self._services.accounts, x.username, not x.active
        self.error.hide()
        self._runner.run(
            lambda: accounts.set_active(username, active),
            lambda account: self.refresh(account.username),
            self._on_change_failed,
            write=True,
            label=self.tr("Khóa hoặc mở tài khoản"),
        )

    def save_policy(self) -> None:
        self.policy_errors.clear()
        lockout = LockOut(self.max_failures_spin.value(), self.lock_minutes_spin.value())
        idle, accounts = self.idle_minutes_spin.value(), self._services.accounts
        self._runner.run(
            lambda: accounts.save_policy(lockout, idle),
            lambda _none: self._show_message(self.tr("Đã lưu quy định đăng nhập.")),
            self._on_change_failed,
            write=True,
            label=self.tr("Lưu quy định đăng nhập"),
        )

    def _show_message(self, text: str) -> None:
        self.error.setStyleSheet(f"color: {MUTED_COLOR};")
        self.error.setText(text)
        self.error.show()

    def _on_change_failed(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationError) and self.policy_errors.show(exc) is not None:
            return
        if not isinstance(exc, TthcError):
            show_error(self, exc)
            return
        self.error.setStyleSheet("")
        self.error.setText(exc.message)
        self.error.show()

    def _on_table_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.edit_selected()
