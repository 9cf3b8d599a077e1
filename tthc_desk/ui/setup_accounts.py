"""The account pages of the first-run setup wizard: the first administrator, and the temporary
passwords of staff carried over from a database older than accounts (issue 9 §1, §7).

The checks are the account service's (``check_new``, ``check_initial_passwords``: the rules of
:mod:`tthc_desk.domain.access` and the user names already taken), run on Next without saving.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from tthc_desk.domain.access import Account, NewAccount, Role, suggest_username
from tthc_desk.domain.errors import Problem
from tthc_desk.services.account_service import AccountService
from tthc_desk.ui.display import muted_label
from tthc_desk.ui.labels import label
from tthc_desk.ui.setup_pages import SetupPage, problems_of


def _password_edit(name: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


def roles_label(roles: frozenset[Role]) -> str:
    """ "Cán bộ tiếp nhận, Quản trị": the roles in the order clerk, head, admin."""
    return ", ".join(label(r) for r in Role if r in roles)


class AdminPage(SetupPage):
    """The first administrator: full name, user name (suggested from the name), roles, password
    typed twice."""

    KEYS = ("full_name", "username", "roles", "password", "password_again")

    def __init__(self, accounts: AccountService) -> None:
        super().__init__(
            self.tr("Tài khoản quản trị"),
            self.tr(
                "Người quản trị khai báo cơ quan, danh mục, lịch và tài khoản của cán bộ. Một "
                "người có thể giữ nhiều vai trò."
            ),
        )
        self._accounts = accounts
        self._username_typed = False
        form = QFormLayout(self)
        self.full_name_edit = QLineEdit()
        self.full_name_edit.setObjectName("full_name")
        self.full_name_edit.textChanged.connect(self._on_full_name_edit_text_changed)
        self._field(form, "full_name", self.tr("Họ và tên *"), self.full_name_edit)
        self.username_edit = QLineEdit()
        self.username_edit.setObjectName("username")
        self.username_edit.setPlaceholderText(self.tr("gợi ý theo họ tên, ví dụ cuong.lv"))
        self.username_edit.textEdited.connect(self._on_username_edit_text_edited)
        self._field(form, "username", self.tr("Tên đăng nhập *"), self.username_edit)
        self.role_checks = {role: QCheckBox(label(role)) for role in Role}
        admin = self.role_checks[Role.ADMIN]
        admin.setChecked(True)
        admin.setEnabled(False)
        admin.setToolTip(self.tr("Tài khoản đầu tiên phải có vai trò Quản trị."))
        self._field(form, "roles", self.tr("Vai trò"), self._roles_row())
        self.password_edit = _password_edit("password")
        self._field(form, "password", self.tr("Mật khẩu *"), self.password_edit)
        self.password_again_edit = _password_edit("password_again")
        self._field(
            form, "password_again", self.tr("Nhập lại mật khẩu *"), self.password_again_edit
        )
        form.addRow(
            "",
            muted_label(
                self.tr(
                    "Mật khẩu ít nhất 8 ký tự, khác tên đăng nhập. Hãy ghi nhớ: phần mềm không "
                    "lưu mật khẩu và không ai xem lại được."
                )
            ),
        )
        self._fields_done()

    def _roles_row(self) -> QWidget:
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        for check in self.role_checks.values():
            row.addWidget(check)
        row.addStretch(1)
        return box

    def roles(self) -> frozenset[Role]:
        return frozenset(r for r, check in self.role_checks.items() if check.isChecked())

    def account(self) -> NewAccount:
        return NewAccount(
            self.username_edit.text(),
            self.full_name_edit.text(),
            self.roles(),
            self.password_edit.text(),
        )

    def problems(self) -> list[Problem]:
        problems = problems_of(lambda: self._accounts.check_new(self.account()), self.KEYS)
        if self.password_again_edit.text() != self.password_edit.text():
            message = self.tr("Hai lần nhập mật khẩu không khớp.")
            problems.append(Problem(message, field="password_again"))
        return problems

    def _on_full_name_edit_text_changed(self, text: str) -> None:
        """Until the user name is typed by hand, it follows the full name."""
        if not self._username_typed:
            self.username_edit.setText(suggest_username(text) if text.strip() else "")

    def _on_username_edit_text_edited(self, text: str) -> None:
        self._username_typed = bool(text)


class StaffPage(SetupPage):
    """A temporary password for each person carried over without one; everyone still working
    needs one, and changes it at the first login."""

    def __init__(self, accounts: AccountService, carried: Sequence[Account]) -> None:
        super().__init__(
            self.tr("Cán bộ đã có trong dữ liệu"),
            self.tr(
                "Các cán bộ dưới đây có từ phiên bản trước, chưa có mật khẩu. Đặt cho mỗi người "
                "một mật khẩu tạm thời và báo riêng cho họ: họ phải đổi khi đăng nhập lần đầu."
            ),
        )
        self._accounts = accounts
        self._carried = list(carried)
        self.password_edits: dict[str, QLineEdit] = {}
        rows = QWidget()
        form = QFormLayout(rows)
        for account in self._carried:
            edit = _password_edit(f"initial_password.{account.username}")
            self.password_edits[account.username] = edit
            self._field(form, edit.objectName(), self._row_label(account), edit)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the first password takes the focus
        scroll.setWidget(rows)
        self.show_check = QCheckBox(self.tr("Hiện mật khẩu"))
        self.show_check.toggled.connect(self._on_show_check_toggled)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.show_check)
        self._fields_done()

    def _row_label(self, account: Account) -> str:
        text = self.tr("{name} ({username}), {roles}").format(
            name=account.full_name, username=account.username, roles=roles_label(account.roles)
        )
        if not account.active:
            text = self.tr("{0}: đã nghỉ, có thể để trống").format(text)
        return text

    def passwords(self) -> dict[str, str]:
        """User name → temporary password, for the accounts given one."""
        return {u: e.text() for u, e in self.password_edits.items() if e.text()}

    def problems(self) -> list[Problem]:
        given = self.passwords()
        missing = [
            Problem(self.tr("Chưa đặt mật khẩu tạm thời."), field=f"initial_password.{a.username}")
            for a in self._carried
            if a.active and a.username not in given
        ]
        checked = problems_of(
            lambda: self._accounts.check_initial_passwords(given), self.errors.keys()
        )
        return [*missing, *checked]

    def _on_show_check_toggled(self, shown: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        for edit in self.password_edits.values():
            edit.setEchoMode(mode)
