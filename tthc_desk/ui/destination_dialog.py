"""The administrator's dialog for where reports go: WebDAV, HTTPS POST, e-mail or a folder.

Only the fields of the chosen kind are shown. The password goes to the operating system's
keyring and nowhere else; on a machine without one the field is disabled and a note says the
password will be asked at each upload. "Kiểm tra kết nối" logs in without sending a report.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from tthc_desk.domain.destinations import Destination, DestinationKind, TlsMode
from tthc_desk.domain.errors import TthcError, ValidationError
from tthc_desk.domain.outbox import DeliveryReceipt
from tthc_desk.services.container import Services
from tthc_desk.services.outbox_service import SecretPrompt
from tthc_desk.ui import labels
from tthc_desk.ui.display import ACCENT_COLOR, ERROR_COLOR, muted_label, with_error
from tthc_desk.ui.errors import FieldErrors, show_error
from tthc_desk.ui.i18n import translate
from tthc_desk.ui.tasks import TaskRunner

#: Which rows each kind shows (the rest are hidden).
ROWS: dict[DestinationKind, tuple[str, ...]] = {
    DestinationKind.WEBDAV: ("url", "username", "password", "timeout", "ca_file"),
    DestinationKind.HTTPS_POST: ("url", "username", "bearer", "password", "timeout", "ca_file"),
    DestinationKind.SMTP: (
        "smtp_host",
        "smtp_port",
        "tls",
        "username",
        "password",
        "from_addr",
        "to_addrs",
        "subject_template",
        "timeout",
        "ca_file",
    ),
    DestinationKind.FOLDER: ("folder",),
}


def ask_secret(parent: QWidget | None, dest: Destination) -> str | None:
    """Ask for a password for this run only (GUI thread); None when cancelled."""
    prompt = translate(
        "DestinationDialog",
        "Mật khẩu cho “{name}” ({where}).\nMáy này không lưu được mật khẩu; "
        "mật khẩu chỉ dùng cho lần gửi này.",
    ).format(name=dest.name, where=dest.where)
    text, ok = QInputDialog.getText(
        parent,
        translate("DestinationDialog", "Mật khẩu"),
        prompt,
        QLineEdit.EchoMode.Password,
    )
    return text if ok and text else None


class DestinationDialog(QDialog):
    """``destination_saved(Destination)`` after a successful save."""

    destination_saved = Signal(object)

    def __init__(
        self, services: Services, parent: QWidget | None = None, *, runner: TaskRunner | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("destinationDialog")
        self.setWindowTitle(self.tr("Nơi nhận báo cáo"))
        self.setMinimumWidth(560)
        self._services = services
        self._runner = runner
        self.secret_prompt: SecretPrompt = lambda dest: ask_secret(self, dest)
        outbox = services.outbox

        self.kind_combo = QComboBox()
        for kind in DestinationKind:
            self.kind_combo.addItem(labels.label(kind), kind.value)  # Qt keeps a str, not the enum
        self.name_edit = QLineEdit(self.tr("Cấp tỉnh"))
        self.url_edit = QLineEdit()
        self.url_edit.setPlaceholderText("https://dav.tinh.gov.vn/bao-cao/xa-dong-nguyen/")
        self.folder_edit = QLineEdit()
        browse = QPushButton(self.tr("Chọn…"))
        browse.clicked.connect(self._on_browse_clicked)
        folder_box = QWidget()
        fl = QHBoxLayout(folder_box)
        fl.setContentsMargins(0, 0, 0, 0)
        fl.addWidget(self.folder_edit, 1)
        fl.addWidget(browse)
        self.username_edit = QLineEdit()
        self.bearer_check = QCheckBox(self.tr("Dùng mã truy cập (token) thay cho mật khẩu"))
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.keyring_note = muted_label()
        if outbox.credentials.available:
            self.password_edit.setPlaceholderText(self.tr("để trống: giữ mật khẩu đã lưu"))
            self.keyring_note.setText(
                self.tr(
                    "Mật khẩu được lưu trong kho mật khẩu của hệ điều hành, "
                    "không lưu trong dữ liệu của phần mềm."
                )
            )
        else:
            self.password_edit.setEnabled(False)
            self.keyring_note.setText(self.tr(outbox.credentials.unavailable_reason))
        self.smtp_host_edit = QLineEdit()
        self.smtp_port_spin = QSpinBox()
        self.smtp_port_spin.setRange(1, 65535)
        self.smtp_port_spin.setValue(587)
        self.tls_combo = QComboBox()
        for mode, label in (
            (TlsMode.STARTTLS, self.tr("STARTTLS (cổng 587)")),
            (TlsMode.SSL, self.tr("SSL/TLS (cổng 465)")),
            (TlsMode.NONE, self.tr("Không mã hóa (chỉ mạng nội bộ tin cậy)")),
        ):
            self.tls_combo.addItem(label, mode.value)
        self.from_edit = QLineEdit()
        self.to_edit = QLineEdit()
        self.to_edit.setPlaceholderText(self.tr("nhiều địa chỉ cách nhau bằng dấu phẩy"))
        self.subject_edit = QLineEdit(Destination(DestinationKind.SMTP).subject_template)
        self.timeout_spin = QDoubleSpinBox()
        self.timeout_spin.setRange(1, 600)
        self.timeout_spin.setDecimals(
            0
        )  # whole seconds; the tests use fractions through the service
        self.timeout_spin.setValue(30)
        self.timeout_spin.setSuffix(self.tr(" giây"))
        self.ca_edit = QLineEdit()
        self.ca_edit.setPlaceholderText(self.tr("để trống nếu máy chủ dùng chứng chỉ thông thường"))

        self.form = QFormLayout()
        self._rows: dict[str, QWidget] = {}
        fields: dict[str, tuple[QWidget, QLabel]] = {}
        for key, title, widget, note in (
            ("kind", self.tr("Cách gửi"), self.kind_combo, None),
            ("name", self.tr("Tên nơi nhận"), self.name_edit, None),
            ("url", self.tr("Địa chỉ (URL)"), self.url_edit, None),
            ("folder", self.tr("Thư mục"), folder_box, None),
            ("smtp_host", self.tr("Máy chủ thư"), self.smtp_host_edit, None),
            ("smtp_port", self.tr("Cổng"), self.smtp_port_spin, None),
            ("tls", self.tr("Mã hóa"), self.tls_combo, None),
            ("username", self.tr("Tên đăng nhập"), self.username_edit, None),
            ("bearer", "", self.bearer_check, None),
            ("password", self.tr("Mật khẩu"), self.password_edit, self.keyring_note),
            ("from_addr", self.tr("Thư người gửi"), self.from_edit, None),
            ("to_addrs", self.tr("Thư người nhận"), self.to_edit, None),
            ("subject_template", self.tr("Tiêu đề thư"), self.subject_edit, None),
            ("timeout", self.tr("Thời gian chờ"), self.timeout_spin, None),
            ("ca_file", self.tr("Chứng chỉ gốc"), self.ca_edit, None),
        ):
            box, error_label = with_error(widget, note)
            self.form.addRow(title, box)
            self._rows[key] = box
            fields[key] = (widget, error_label)
        self.errors = FieldErrors(fields)

        self.test_button = QPushButton(self.tr("Kiểm tra kết nối"))
        self.test_button.setAutoDefault(False)
        self.test_button.clicked.connect(self.test_connection)
        self.test_label = QLabel()
        self.test_label.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("Lưu"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Hủy"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

        root = QVBoxLayout(self)
        root.addLayout(self.form)
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button)
        test_row.addWidget(self.test_label, 1)
        root.addLayout(test_row)
        root.addWidget(self.buttons)

        self.kind_combo.currentIndexChanged.connect(self._update_rows)
        current = outbox.destination()
        if current is not None:
            self.load(current)
        self._update_rows()

    # -- form <-> DTO -------------------------------------------------------------------------
    def load(self, dest: Destination) -> None:
        self.kind_combo.setCurrentIndex(self.kind_combo.findData(dest.kind.value))
        self.name_edit.setText(dest.name)
        self.url_edit.setText(dest.url)
        self.folder_edit.setText(dest.folder)
        self.username_edit.setText(dest.username)
        self.bearer_check.setChecked(dest.bearer)
        self.smtp_host_edit.setText(dest.smtp_host)
        self.smtp_port_spin.setValue(dest.smtp_port)
        self.tls_combo.setCurrentIndex(self.tls_combo.findData(dest.tls.value))
        self.from_edit.setText(dest.from_addr)
        self.to_edit.setText(", ".join(dest.to_addrs))
        self.subject_edit.setText(dest.subject_template)
        self.timeout_spin.setValue(dest.timeout)
        self.ca_edit.setText(dest.ca_file)

    def destination(self) -> Destination:
        kind = DestinationKind(self.kind_combo.currentData())
        return Destination(
            kind=kind,
            name=self.name_edit.text(),
            url=self.url_edit.text(),
            folder=self.folder_edit.text(),
            username=self.username_edit.text() if "username" in ROWS[kind] else "",
            bearer=self.bearer_check.isChecked() and kind is DestinationKind.HTTPS_POST,
            smtp_host=self.smtp_host_edit.text(),
            smtp_port=self.smtp_port_spin.value(),
            tls=TlsMode(self.tls_combo.currentData()),
            from_addr=self.from_edit.text(),
            to_addrs=tuple(
                a.strip() for a in self.to_edit.text().replace(";", ",").split(",") if a.strip()
            ),
            subject_template=self.subject_edit.text(),
            timeout=self.timeout_spin.value(),
            ca_file=self.ca_edit.text(),
        )

    def _update_rows(self) -> None:
        kind = DestinationKind(self.kind_combo.currentData())
        for key, box in self._rows.items():
            self.form.setRowVisible(box, key in ("kind", "name") or key in ROWS[kind])

    def _on_browse_clicked(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, self.tr("Thư mục nhận báo cáo"), self.folder_edit.text()
        )
        if folder:
            self.folder_edit.setText(folder)

    # -- actions ------------------------------------------------------------------------------
    def save(self) -> None:
        outbox = self._services.outbox
        self.errors.clear()
        try:
            saved = outbox.save_destination(
                self.destination(),
                self.password_edit.text() or None,
                store_secret=outbox.credentials.available,
            )
        except ValidationError as e:
            widget = self.errors.show(e)
            if widget is not None:
                widget.setFocus()
            if self.errors.unmatched:
                show_error(self, e)
            return
        except TthcError as e:
            show_error(self, e)
            return
        self.password_edit.clear()
        self.destination_saved.emit(saved)
        self.accept()

    def test_connection(self) -> None:
        """Probe the destination as filled in (not yet saved); the answer shows under the button."""
        dest = self.destination()
        secret = self.password_edit.text() or None
        self.errors.clear()
        outbox = self._services.outbox
        try:
            checked = outbox.check_destination(dest)
        except ValidationError as e:
            self.errors.show(e)
            return
        if not secret and outbox.needs_secret_prompt(checked):
            secret = self.secret_prompt(checked)  # asked here, on the GUI thread
            if not secret:
                return
        self.test_button.setEnabled(False)
        self.test_label.setText(self.tr("Đang kiểm tra…"))

        def work() -> DeliveryReceipt:
            return outbox.test_destination(destination=checked, secret=secret)

        if self._runner is None:
            try:
                self._on_test_done(work())
            except Exception as e:
                self._on_test_failed(e)
        else:
            self._runner.run(
                work, self._on_test_done, self._on_test_failed, label=self.tr("Kiểm tra kết nối")
            )

    def _on_test_done(self, receipt: DeliveryReceipt) -> None:
        self.test_button.setEnabled(True)
        self.test_label.setStyleSheet(f"color: {ACCENT_COLOR};")
        self.test_label.setText(self.tr("Kết nối được: {0}").format(labels.receipt_text(receipt)))

    def _on_test_failed(self, exc: BaseException) -> None:
        self.test_button.setEnabled(True)
        if not isinstance(exc, TthcError):
            show_error(self, exc)
            self.test_label.clear()
            return
        self.test_label.setStyleSheet(f"color: {ERROR_COLOR};")
        self.test_label.setText(exc.message)
