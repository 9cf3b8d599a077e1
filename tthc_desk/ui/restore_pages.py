"""The pages of the restore wizard (:mod:`tthc_desk.ui.restore_wizard`): choose a backup, the
recovery key (only when this PC has no key that opens it), what the backup holds and what would
be lost with the administrator's login, the final confirmation, and the outcome.

Each page reads and writes the wizard's state (``RestoreState``); work that may last (checking
a backup, the restore itself) runs off the GUI thread through the wizard's task runner.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from tthc_desk.domain.access import Actor
from tthc_desk.domain.errors import ValidationError
from tthc_desk.domain.recovery_key import parse_key
from tthc_desk.services.backup_service import BackupInfo, read_info
from tthc_desk.services.restore_service import RestoreOutcome, RestorePlan
from tthc_desk.ui.backup_table import (
    BackupTableModel,
    backup_view,
    dossiers_text,
    kind_text,
    size_text,
    verdict_text,
    when_text,
)
from tthc_desk.ui.display import ERROR_COLOR, error_label, muted_label
from tthc_desk.ui.i18n import translate

CHOOSE, KEY, DETAILS, CONFIRM, DONE = range(5)


@dataclass
class RestoreState:
    """What the pages have found so far."""

    path: Path | None = None
    key_needed: bool = False
    recovery_key: bytes | None = None
    plan: RestorePlan | None = None
    actor: Actor | None = None
    outcome: RestoreOutcome | None = None


def busy_bar(name: str) -> QProgressBar:
    bar = QProgressBar()
    bar.setObjectName(name)
    bar.setRange(0, 0)
    bar.setTextVisible(False)
    bar.hide()
    return bar


def backup_summary(b: BackupInfo) -> str:
    """“02/03/2026 08:00 · thủ công · 5,1 MB · 1.234 hồ sơ · đạt”."""
    dossiers = dossiers_text(b)
    parts = [when_text(b), kind_text(b), size_text(b.size)]
    if dossiers:
        parts.append(translate("RestoreWizard", "{0} hồ sơ").format(dossiers))
    parts.append(translate("RestoreWizard", "kiểm tra: {0}").format(verdict_text(b)))
    return " · ".join(parts)


class ChoosePage(QWizardPage):
    """The backups of every destination, or *Chọn tệp khác…* (a USB drive's file)."""

    def __init__(self, state: RestoreState, backups: list[BackupInfo]) -> None:
        super().__init__()
        self._state = state
        self.setTitle(self.tr("Chọn bản sao lưu"))
        self.setSubTitle(
            self.tr(
                "Các bản sao lưu tìm thấy, mới nhất trước. Nên chọn bản mới nhất đã kiểm tra đạt; "
                "bản trên ổ USB: bấm “Chọn tệp khác…”."
            )
        )
        self.model = BackupTableModel(self)
        self.model.set_rows(backups)
        self.table = backup_view("restoreBackupTable", self.model)
        self.other_button = QPushButton(self.tr("&Chọn tệp khác…"))
        self.other_button.setObjectName("otherFileButton")
        self.other_button.setAutoDefault(False)
        self.chosen_label = QLabel()
        self.chosen_label.setObjectName("chosenBackup")
        self.chosen_label.setWordWrap(True)
        self.empty_label = muted_label(
            self.tr(
                "Không tìm thấy bản sao lưu nào trong thư mục dữ liệu và các nơi sao lưu đã biết. "
                "Hãy cắm ổ USB có bản sao lưu rồi bấm “Chọn tệp khác…”."
            )
        )
        self.empty_label.setVisible(not backups)
        row = QHBoxLayout()
        row.addWidget(self.other_button)
        row.addWidget(self.chosen_label, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_label)
        layout.addLayout(row)
        self.table.selectionModel().currentRowChanged.connect(self._on_table_row_changed)
        self.other_button.clicked.connect(self.choose_file)

    def initializePage(self) -> None:
        if self._state.path is not None and (row := self.model.row_of(self._state.path)) >= 0:
            self.table.selectRow(row)
        elif self._state.path is None and self.model.rowCount():
            first = next(
                (i for i in range(self.model.rowCount()) if self.model.backup_at(i).verified),
                0,
            )
            self.table.selectRow(first)
        self.table.setFocus()

    def _on_table_row_changed(self, current: object, _previous: object) -> None:
        index = self.table.currentIndex()
        if index.isValid():
            self.set_path(self.model.backup_at(index.row()).path)

    def choose_file(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(
            self,
            self.tr("Chọn tệp sao lưu"),
            "",
            self.tr("Bản sao lưu TTHC Desk (*.db);;Mọi tệp (*)"),
        )
        if name:
            self.set_path(Path(name))

    def set_path(self, path: Path) -> None:
        if path != self._state.path:
            self._state.plan = self._state.actor = None
        self._state.path = path
        try:
            self.chosen_label.setText(
                self.tr("Đã chọn: {0}").format(backup_summary(read_info(path)))
            )
            self.chosen_label.setToolTip(str(path))
        except OSError as e:
            self.chosen_label.setText(self.tr("Không đọc được tệp “{0}”: {1}").format(path, e))
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self._state.path is not None and self._state.path.is_file()

    def nextId(self) -> int:
        return KEY if self._state.key_needed else DETAILS


class KeyPage(QWizardPage):
    """The recovery key, as printed on the *Phiếu khóa khôi phục dữ liệu*."""

    def __init__(self, state: RestoreState) -> None:
        super().__init__()
        self._state = state
        self.setTitle(self.tr("Khóa khôi phục"))
        self.setSubTitle(
            self.tr(
                "Máy này không có khóa mở bản sao lưu đã chọn (máy mới, hoặc bản sao lưu trước "
                "khi đổi khóa). Hãy nhập khóa khôi phục ghi trên Phiếu khóa khôi phục dữ liệu "
                "(người đứng đầu cơ quan giữ)."
            )
        )
        self.key_edit = QLineEdit()
        self.key_edit.setObjectName("recoveryKey")
        self.key_edit.setPlaceholderText("XXXX-XXXX-XXXX-…")
        self.key_error = error_label()
        form = QFormLayout(self)
        form.addRow(self.tr("Khóa khôi phục:"), self.key_edit)
        form.addRow("", self.key_error)
        form.addRow(
            "",
            muted_label(self.tr("Gõ đủ các nhóm ký tự; dấu gạch và khoảng trắng không bắt buộc.")),
        )

    def initializePage(self) -> None:
        self.key_edit.setFocus()

    def validatePage(self) -> bool:
        try:
            key = parse_key(self.key_edit.text())
        except ValidationError as e:
            self.key_error.setText(e.message)
            self.key_error.show()
            self.key_edit.setFocus()
            return False
        self.key_error.hide()
        if key != self._state.recovery_key:
            self._state.plan = self._state.actor = None
        self._state.recovery_key = key
        return True


class DetailsPage(QWizardPage):
    """The backup checked (off the GUI thread), what a restore would lose, and the login of an
    administrator of the backup."""

    def __init__(self, state: RestoreState) -> None:
        super().__init__()
        self._state = state
        self.setTitle(self.tr("Kiểm tra bản sao lưu và đăng nhập"))
        self.setSubTitle(
            self.tr(
                "Chỉ người Quản trị có tài khoản trong bản sao lưu được khôi phục (tài khoản và "
                "mật khẩu lúc sao lưu)."
            )
        )
        self.busy = busy_bar("planBusy")
        self.backup_label = QLabel()
        self.backup_label.setObjectName("planBackup")
        self.backup_label.setWordWrap(True)
        self.check_label = QLabel()
        self.check_label.setObjectName("planCheck")
        self.check_label.setWordWrap(True)
        self.lost_label = QLabel()
        self.lost_label.setObjectName("lostSentence")
        self.lost_label.setWordWrap(True)
        self.user_edit = QLineEdit()
        self.user_edit.setObjectName("restoreUser")
        self.password_edit = QLineEdit()
        self.password_edit.setObjectName("restorePassword")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.login_error = error_label()
        self.login_error.setObjectName("loginError")
        self.login = QWidget()
        form = QFormLayout(self.login)
        form.setContentsMargins(0, 8, 0, 0)
        form.addRow(self.tr("Tên đăng nhập (Quản trị):"), self.user_edit)
        form.addRow(self.tr("Mật khẩu:"), self.password_edit)
        form.addRow("", self.login_error)
        layout = QVBoxLayout(self)
        layout.addWidget(self.busy)
        layout.addWidget(self.backup_label)
        layout.addWidget(self.check_label)
        layout.addWidget(self.lost_label)
        layout.addWidget(self.login)
        layout.addStretch(1)
        self.user_edit.textChanged.connect(self.completeChanged)
        self.password_edit.textChanged.connect(self.completeChanged)

    def show_checking(self) -> None:
        self.busy.show()
        self.backup_label.setText(self.tr("Đang kiểm tra bản sao lưu…"))
        self.check_label.clear()
        self.lost_label.clear()
        self.login.setEnabled(False)
        self.completeChanged.emit()

    def show_plan(self, plan: RestorePlan) -> None:
        self.busy.hide()
        b = plan.backup
        self.backup_label.setText(self.tr("Bản sao lưu: {0}").format(backup_summary(b)))
        self.backup_label.setToolTip(str(b.path))
        self.check_label.setText(plan.check.sentence)
        self.check_label.setStyleSheet("color: #2e7d32;")
        lost = plan.lost.count > 0 or not plan.lost.readable
        self.lost_label.setText(plan.lost_sentence())
        self.lost_label.setStyleSheet(f"color: {ERROR_COLOR}; font-weight: bold;" if lost else "")
        self.login.setEnabled(True)
        (self.password_edit if self.user_edit.text() else self.user_edit).setFocus()
        self.completeChanged.emit()

    def show_refusal(self, message: str) -> None:
        self.busy.hide()
        self.backup_label.setText(
            self.tr("Không khôi phục được từ bản này: bấm “Quay lại” để chọn bản khác.")
        )
        self.check_label.setText(message)
        self.check_label.setStyleSheet(f"color: {ERROR_COLOR}; font-weight: bold;")
        self.lost_label.clear()
        self.login.setEnabled(False)
        self.completeChanged.emit()

    def show_login_error(self, message: str) -> None:
        self.login_error.setText(message)
        self.login_error.show()
        self.password_edit.selectAll()
        self.password_edit.setFocus()

    def isComplete(self) -> bool:
        return (
            self._state.plan is not None
            and bool(self.user_edit.text().strip())
            and bool(self.password_edit.text())
        )


class ConfirmPage(QWizardPage):
    """The last word before the database is replaced; *Khôi phục* runs it."""

    def __init__(self, state: RestoreState) -> None:
        super().__init__()
        self._state = state
        self.setTitle(self.tr("Xác nhận khôi phục"))
        self.setSubTitle(self.tr("Đọc kỹ trước khi khôi phục: việc này thay toàn bộ dữ liệu."))
        self.setButtonText(QWizard.WizardButton.NextButton, self.tr("&Khôi phục"))
        self.sentence_label = QLabel()
        self.sentence_label.setObjectName("confirmSentence")
        self.sentence_label.setWordWrap(True)
        self.sentence_label.setTextFormat(Qt.TextFormat.RichText)
        self.agree_box = QCheckBox(self.tr("Tôi đã đọc và muốn khôi phục &dữ liệu từ bản này"))
        self.agree_box.setObjectName("agreeBox")
        self.busy = busy_bar("restoreBusy")
        self.progress_label = QLabel()
        self.progress_label.setObjectName("restoreProgress")
        self.progress_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.sentence_label)
        layout.addWidget(self.agree_box)
        layout.addStretch(1)
        layout.addWidget(self.busy)
        layout.addWidget(self.progress_label)
        self.agree_box.toggled.connect(self.completeChanged)

    def set_sentence(self, html: str) -> None:
        self.sentence_label.setText(html)

    def initializePage(self) -> None:
        self.agree_box.setChecked(False)
        self.progress_label.clear()
        self.agree_box.setFocus()

    def isComplete(self) -> bool:
        return self.agree_box.isChecked() and self._state.actor is not None


class DonePage(QWizardPage):
    """What was done, and that the software opens again on the restored data."""

    def __init__(self, state: RestoreState) -> None:
        super().__init__()
        self._state = state
        self.setTitle(self.tr("Đã khôi phục dữ liệu"))
        self.setSubTitle(self.tr("Phần mềm cần mở lại để dùng dữ liệu vừa khôi phục."))
        self.setFinalPage(True)
        self.text_label = QLabel()
        self.text_label.setObjectName("doneText")
        self.text_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text_label)
        layout.addStretch(1)

    def set_text(self, text: str) -> None:
        self.text_label.setText(escape(text).replace("\n", "<br>"))

    def nextId(self) -> int:
        return -1
