"""*Hệ thống → Kết nối máy chủ…* (the administrator's): which database this counter PC uses.

Two choices: this PC's own database (one counter) or the office's PostgreSQL server (several
counters), with the server's address, port, database, user, password and TLS mode. *Kiểm tra
kết nối* runs off the GUI thread and shows the Vietnamese diagnosis of what fails, or "Kết nối
được: PostgreSQL 15.x, phiên bản dữ liệu …, N quầy đang kết nối". *Lưu* checks again, keeps
the setting (the password in the operating system's keyring) and says the software must be
opened again to use it; moving an office with data to an empty server shows the command that
copies the data there (``tthc-desk db copy --to …``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from tthc_desk.domain.errors import TthcError, ValidationError
from tthc_desk.domain.server import (
    DEFAULT_PORT,
    ConnectionReport,
    SchemaState,
    ServerConnection,
    SslMode,
    parse_connection,
)
from tthc_desk.paths import AppPaths
from tthc_desk.presentation import connection_report_text
from tthc_desk.services.server_service import ServerService
from tthc_desk.ui.display import ACCENT_COLOR, ERROR_COLOR, muted_label, with_error
from tthc_desk.ui.errors import FieldErrors, show_error
from tthc_desk.ui.i18n import translate
from tthc_desk.ui.labels import labels_of
from tthc_desk.ui.tasks import TaskRunner


@dataclass(frozen=True)
class _Tested:
    connection: ServerConnection
    report: ConnectionReport
    #: The office's data is elsewhere now: an empty server needs the copy command.
    data_elsewhere: bool


def _translate(context: str, text: str) -> str:
    return translate(context, text)


class ServerDialog(QDialog):
    """``saved(message)`` once the setting is kept: what happens next, for the window to say."""

    saved = Signal(str)

    def __init__(
        self, server: ServerService, runner: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("serverDialog")
        self.setWindowTitle(self.tr("Kết nối máy chủ"))
        self.setMinimumWidth(600)
        self._server = server
        self._runner = runner
        self._testing = False
        #: The last check's outcome (tests read it).
        self.tested: _Tested | None = None
        #: The question asked when *Lưu* met a connection that does not work.
        self.keep_box: QMessageBox | None = None

        self.local_radio = QRadioButton(self.tr("Dùng cơ sở dữ liệu trên máy này (một quầy)"))
        self.server_radio = QRadioButton(self.tr("Dùng máy chủ của cơ quan (nhiều quầy)"))
        choice = QButtonGroup(self)
        choice.addButton(self.local_radio)
        choice.addButton(self.server_radio)
        self.host_edit = QLineEdit()
        self.host_edit.setPlaceholderText(self.tr("ví dụ 192.168.1.10 hoặc may-chu"))
        self.port_spin = QSpinBox()
        self.port_spin.setRange(1, 65535)
        self.port_spin.setValue(DEFAULT_PORT)
        self.database_edit = QLineEdit()
        self.user_edit = QLineEdit()
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_note = muted_label(
            self.tr(
                "Mật khẩu được lưu trong kho mật khẩu của hệ điều hành trên máy này, không lưu "
                "trong tệp nào của phần mềm."
            )
        )
        self.ssl_combo = QComboBox()
        for mode, text in labels_of(SslMode):
            self.ssl_combo.addItem(text, mode.value)

        self.server_box = QWidget()
        form = QFormLayout(self.server_box)
        fields: dict[str, tuple[QWidget, QLabel]] = {}
        for key, title, widget, note in (
            ("host", self.tr("Máy chủ"), self.host_edit, None),
            ("port", self.tr("Cổng"), self.port_spin, None),
            ("database", self.tr("Cơ sở dữ liệu"), self.database_edit, None),
            ("user", self.tr("Người dùng"), self.user_edit, None),
            ("password", self.tr("Mật khẩu"), self.password_edit, self.password_note),
            ("sslmode", self.tr("Mã hóa"), self.ssl_combo, None),
        ):
            box, error = with_error(widget, note)
            form.addRow(title, box)
            fields[key] = (widget, error)
        self.errors = FieldErrors(fields)

        self.test_button = QPushButton(self.tr("Kiểm tra kết nối"))
        self.test_button.setObjectName("serverTestButton")
        self.test_button.setAutoDefault(False)
        self.test_button.clicked.connect(self._on_test_button_clicked)
        self.result_label = QLabel()
        self.result_label.setObjectName("serverTestResult")
        self.result_label.setWordWrap(True)
        self.copy_label = QLabel()
        self.copy_label.setObjectName("serverCopyHint")
        self.copy_label.setWordWrap(True)
        self.copy_label.hide()
        self.env_label = muted_label()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(self.tr("Lưu"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Hủy"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

        root = QVBoxLayout(self)
        root.addWidget(self.local_radio)
        root.addWidget(self.server_radio)
        root.addWidget(self.server_box)
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button)
        test_row.addStretch(1)
        root.addLayout(test_row)
        root.addWidget(self.result_label)
        root.addWidget(self.copy_label)
        root.addWidget(self.env_label)
        root.addWidget(self.buttons)

        self.server_radio.toggled.connect(self._on_server_radio_toggled)
        self._load()

    # -- fields -------------------------------------------------------------------------------
    def _load(self) -> None:
        setting = self._server.setting()
        c = setting.connection
        if c is not None:
            self.host_edit.setText(c.host)
            self.port_spin.setValue(c.port)
            self.database_edit.setText(c.database)
            self.user_edit.setText(c.user)
            self.ssl_combo.setCurrentIndex(max(0, self.ssl_combo.findData(c.sslmode.value)))
        else:
            self.ssl_combo.setCurrentIndex(self.ssl_combo.findData(SslMode.PREFER.value))
        if c is not None and setting.password_stored:
            self.password_edit.setPlaceholderText(self.tr("để trống: giữ mật khẩu đã lưu"))
        on_server = c is not None or setting.invalid
        self.server_radio.setChecked(on_server)
        self.local_radio.setChecked(not on_server)
        self._on_server_radio_toggled(on_server)
        notes = []
        if setting.invalid:
            notes.append(
                self.tr("Thiết lập máy chủ đang lưu không hợp lệ (tệp bị sửa tay?): hãy nhập lại.")
            )
        if setting.overridden_by:
            notes.append(
                self.tr(
                    "Lưu ý: biến môi trường TTHC_DESK_DATABASE_URL đang đặt ({0}); phần mềm dùng "
                    "địa chỉ đó trước thiết lập này."
                ).format(setting.overridden_by)
            )
        self.env_label.setText("\n".join(notes))
        self.env_label.setVisible(bool(notes))

    def connection(self) -> ServerConnection:
        """The connection typed (a ValidationError names the fields to fix)."""
        return parse_connection(
            self.host_edit.text(),
            self.port_spin.value(),
            self.database_edit.text(),
            self.user_edit.text(),
            str(self.ssl_combo.currentData()),
        )

    def _on_server_radio_toggled(self, on: bool) -> None:
        self.server_box.setEnabled(on)
        self.test_button.setEnabled(on and not self._testing)
        if not on:
            self.errors.clear()

    # -- check and save -----------------------------------------------------------------------
    def _on_test_button_clicked(self) -> None:
        self.test_connection()

    def test_connection(self, then: Callable[[_Tested], None] | None = None) -> None:
        """Check the connection typed, off the GUI thread; ``then`` gets the outcome."""
        try:
            connection = self.connection()
        except ValidationError as exc:
            self.errors.show(exc)
            return
        self.errors.clear()
        password = self.password_edit.text() or None
        server = self._server
        self._set_testing(True)
        self._show_result(self.tr("Đang kiểm tra kết nối…"), ACCENT_COLOR)
        self.copy_label.hide()

        def work() -> _Tested:
            report = server.test(connection, password)
            try:
                elsewhere = server.has_data_to_copy()
            except TthcError:  # the database in use now cannot be read: say nothing of it
                elsewhere = False
            return _Tested(connection, report, elsewhere)

        def done(tested: _Tested) -> None:
            self._set_testing(False)
            self._on_tested(tested)
            if then is not None:
                then(tested)

        def failed(exc: BaseException) -> None:
            self._set_testing(False)
            self._show_result("", ACCENT_COLOR)
            show_error(self, exc)

        self._runner.run(work, done, failed, label=self.tr("Kiểm tra kết nối máy chủ"))

    def _set_testing(self, on: bool) -> None:
        self._testing = on
        self.test_button.setEnabled(not on and self.server_radio.isChecked())
        self.save_button.setEnabled(not on)

    def _show_result(self, text: str, color: str) -> None:
        self.result_label.setText(text)
        self.result_label.setStyleSheet(f"color: {color};")

    def _on_tested(self, tested: _Tested) -> None:
        self.tested = tested
        report = tested.report
        text = connection_report_text(report, _translate)
        self._show_result(text, ACCENT_COLOR if report.ok else ERROR_COLOR)
        if report.ok and report.schema is SchemaState.EMPTY and tested.data_elsewhere:
            self.copy_label.setText(
                self.tr(
                    "Máy chủ này chưa có dữ liệu, còn dữ liệu của cơ quan đang ở nơi khác. Để "
                    "chuyển dữ liệu lên máy chủ, người Quản trị chạy lệnh sau (trước khi các quầy "
                    "chuyển sang máy chủ):\n{0}"
                ).format(self._server.copy_command(tested.connection))
            )
            self.copy_label.show()

    def save(self) -> None:
        """Lưu: the local choice at once; a server after a check that passes (or, when it
        fails, if the administrator says to keep it anyway)."""
        if self.local_radio.isChecked():
            self._save_local()
            return
        self.test_connection(self._save_tested)

    def _save_local(self) -> None:
        try:
            old = self._server.clear()
        except TthcError as exc:
            show_error(self, exc)
            return
        if old is None:
            self.accept()
            return
        self._finish(
            self.tr(
                "Đã lưu: từ lần mở sau, máy này dùng cơ sở dữ liệu riêng trên máy này, không dùng "
                "máy chủ {0} nữa. Hồ sơ tiếp nhận trên máy này không có trên máy chủ."
            ).format(old.where)
        )

    def _save_tested(self, tested: _Tested) -> None:
        if tested.report.ok:
            self._keep(tested)
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Chưa kết nối được"),
            self.tr(
                "Chưa kết nối được tới máy chủ này (lý do ghi trong hộp thoại). Vẫn lưu để dùng "
                "khi máy chủ sẵn sàng?"
            ),
            parent=self,
        )
        keep = box.addButton(self.tr("Vẫn lưu"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("Không lưu"), QMessageBox.ButtonRole.RejectRole)
        box.buttonClicked.connect(lambda button: self._keep(tested) if button is keep else None)
        self.keep_box = box
        box.open()

    def _keep(self, tested: _Tested) -> None:
        try:
            self._server.save(tested.connection, self.password_edit.text() or None)
        except ValidationError as exc:
            self.errors.show(exc)
            return
        except TthcError as exc:
            show_error(self, exc)
            return
        self._finish(
            self.tr(
                "Đã lưu: phần mềm cần mở lại để dùng máy chủ {0}. Các quầy khác dùng chung dữ "
                "liệu trên máy chủ đó."
            ).format(tested.connection.where)
        )

    def _finish(self, message: str) -> None:
        self.saved.emit(message)
        self.accept()


def configure_at_start(paths: AppPaths) -> None:
    """The dialog on the data folder ``paths``, before any database could be opened (the start
    retries opening afterwards)."""
    from tthc_desk.services.server_service import for_folder

    runner = TaskRunner()
    dialog = ServerDialog(for_folder(paths), runner)
    dialog.exec()
    runner.wait(10_000)
