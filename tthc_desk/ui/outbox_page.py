"""The upload queue page: every report sent upward, waiting, sent or failed, and why.

"Gửi ngay" sends what is waiting off the GUI thread (with a progress line); "Gửi lại" puts a
failed report back in the queue once a person fixed the cause; "Mở tệp" opens a copy of the file.
When the keyring cannot give the password, it is asked here before the worker starts (dialogs
belong on the GUI thread) and used for that run only.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QUrl, Signal
from PySide6.QtGui import QBrush, QColor, QDesktopServices
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tthc_desk.domain.access import Right
from tthc_desk.domain.destinations import Destination
from tthc_desk.domain.errors import TthcError
from tthc_desk.domain.outbox import OutboxItem, OutboxState, SendResult
from tthc_desk.services.container import Services
from tthc_desk.services.outbox_service import SecretPrompt
from tthc_desk.ui.destination_dialog import DestinationDialog, ask_secret
from tthc_desk.ui.display import heading_font, list_datetime, list_view, muted_label
from tthc_desk.ui.errors import show_error
from tthc_desk.ui.i18n import QT_TRANSLATE_NOOP, translate
from tthc_desk.ui.labels import label
from tthc_desk.ui.rights import allows, denied_tip, guard
from tthc_desk.ui.row_table_model import Index, RowTableModel
from tthc_desk.ui.tasks import TaskRunner

ITEM_ROLE = Qt.ItemDataRole.UserRole + 1
STATE_COLORS = {
    OutboxState.WAITING: QColor("#e65100"),
    OutboxState.SENDING: QColor("#0d47a1"),
    OutboxState.SENT: QColor("#2e7d32"),
    OutboxState.FAILED: QColor("#c62828"),
    OutboxState.REPLACED: QColor("#757575"),
}
COLUMNS: tuple[tuple[str, str], ...] = (
    ("file", QT_TRANSLATE_NOOP("OutboxTableModel", "Tệp")),
    ("period", QT_TRANSLATE_NOOP("OutboxTableModel", "Kỳ")),
    ("version", QT_TRANSLATE_NOOP("OutboxTableModel", "Lần / thay thế")),
    ("state", QT_TRANSLATE_NOOP("OutboxTableModel", "Trạng thái")),
    ("attempts", QT_TRANSLATE_NOOP("OutboxTableModel", "Số lần thử")),
    ("next", QT_TRANSLATE_NOOP("OutboxTableModel", "Thử lại lúc")),
    ("error", QT_TRANSLATE_NOOP("OutboxTableModel", "Lý do")),
    ("sent", QT_TRANSLATE_NOOP("OutboxTableModel", "Đã gửi lúc")),
)
ERROR_COLUMN = [key for key, _ in COLUMNS].index("error")
# Widths by what a column holds (the reason column takes what is left).
COLUMN_SAMPLES = (
    "000.17.22.H56_tuan_2026-W48_v2.xlsx",
    "2026-02-15_2026-03-14",
    "lần 2, thay lần 1",
    "Gửi không được",
    "Số lần thử",
    "01/12/2026 09:30",
    "",
    "01/12/2026 09:30",
)


class OutboxTableModel(RowTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[OutboxItem] = []
        self._headers = tuple(translate("OutboxTableModel", title) for _, title in COLUMNS)

    set_items = RowTableModel.set_rows
    item_at = RowTableModel.row_at

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        x: OutboxItem | None = self.item(index)
        if x is None:
            return None
        key = COLUMNS[index.column()][0]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(x, key)
        if role == ITEM_ROLE:
            return x
        if role == Qt.ItemDataRole.ForegroundRole and key == "state":
            return QBrush(STATE_COLORS[x.state])
        if role == Qt.ItemDataRole.ToolTipRole:
            if key in ("file", "sent") and x.server_reply:
                return self.tr("Máy chủ trả lời: {0}").format(x.server_reply)
            if key == "error" and x.last_detail:
                return x.last_detail
        return None

    def _display(self, x: OutboxItem, key: str) -> str:
        if key == "file":
            return x.file_name
        if key == "period":
            return x.period_key
        if key == "version":
            return (
                self.tr("lần {0}, thay thế {1}").format(x.version, x.replaces_file_name)
                if x.replaces_file_name
                else self.tr("lần {0}").format(x.version)
            )
        if key == "state":
            return label(x.state)
        if key == "attempts":
            return str(x.attempts)
        if key == "next":
            waiting = x.state in (OutboxState.WAITING, OutboxState.SENDING)
            return list_datetime(x.next_attempt_at) if waiting else ""
        if key == "error":
            return x.last_error if x.state is not OutboxState.SENT else ""
        if key == "sent":
            return list_datetime(x.sent_at)
        return ""


class _ProgressRelay(QObject):
    """Emitted from the worker; Qt queues it to the GUI thread."""

    progressed = Signal(int, int)


class OutboxPage(QWidget):
    """The queue page.

    ``outbox_changed`` after a send or a retry; ``upload_finished(list[SendResult])`` after a send.
    """

    outbox_changed = Signal()
    upload_finished = Signal(object)

    def __init__(
        self, services: Services, runner: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("outboxPage")
        self._services = services
        self._runner = runner
        self.secret_prompt: SecretPrompt = lambda dest: ask_secret(self, dest)
        self.open_url: Callable[[QUrl], object] = QDesktopServices.openUrl  # replaced in tests
        self.dialog: DestinationDialog | None = None
        self._relay = _ProgressRelay(self)
        self._relay.progressed.connect(self._on_relay_progressed)

        title = QLabel(self.tr("Báo cáo gửi lên cấp trên"))
        title.setFont(heading_font(self.font(), 1.5))
        self.destination_label = muted_label()
        self.destination_button = QPushButton(self.tr("Nơi nhận…"))
        self.destination_button.setAutoDefault(False)
        top = QHBoxLayout()
        top.addWidget(self.destination_label, 1)
        top.addWidget(self.destination_button)

        self.model = OutboxTableModel(self)
        self.table = list_view("outboxTable", self.model, sizes=COLUMN_SAMPLES)
        self.table.horizontalHeader().setSectionResizeMode(
            ERROR_COLUMN, QHeaderView.ResizeMode.Stretch
        )
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)

        self.send_button = QPushButton(self.tr("Gửi ngay"))
        self.retry_button = QPushButton(self.tr("Gửi lại"))
        self.open_button = QPushButton(self.tr("Mở tệp"))
        self.progress_label = muted_label()
        self.count_label = muted_label()
        buttons = QHBoxLayout()
        for b in (self.send_button, self.retry_button, self.open_button):
            b.setAutoDefault(False)
            buttons.addWidget(b)
        buttons.addWidget(self.progress_label, 1)

        root = QVBoxLayout(self)
        root.setContentsMargins(12, 10, 12, 10)
        root.addWidget(title)
        root.addLayout(top)
        root.addWidget(self.table, 1)
        root.addLayout(buttons)
        root.addWidget(self.count_label)

        self.send_button.clicked.connect(self.send_now)
        self.retry_button.clicked.connect(self.retry_selected)
        self.open_button.clicked.connect(self.open_selected)
        self.destination_button.clicked.connect(self.edit_destination)
        self.apply_rights()
        self.refresh()

    # -- reading ------------------------------------------------------------------------------
    def refresh(self) -> None:
        outbox = self._services.outbox
        self._runner.run(
            lambda: (outbox.items(), outbox.status_counts(), outbox.destination()),
            self._on_loaded,
            label=self.tr("Đọc hàng chờ gửi"),
        )

    def _on_loaded(
        self, loaded: tuple[list[OutboxItem], dict[OutboxState, int], Destination | None]
    ) -> None:
        items, counts, dest = loaded
        selected = self.selected_item()
        self.model.set_items(items)
        if selected is not None:
            for row, item in enumerate(items):
                if item.id == selected.id:
                    self.table.selectRow(row)
        self.count_label.setText(" · ".join(f"{label(s)}: {n}" for s, n in counts.items()))
        self.destination_label.setText(
            self.tr("Gửi đến: {0} – {1}").format(dest.name, dest.where)
            if dest
            else self.tr("Chưa đặt nơi nhận báo cáo: bấm “Nơi nhận…”.")
        )
        self._update_buttons()

    def selected_item(self) -> OutboxItem | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.model.item_at(rows[0].row()) if rows else None

    def apply_rights(self) -> None:
        """Anyone may send; only the administrator sets where reports go."""
        guard(self.destination_button, self._services.accounts, Right.DESTINATIONS)
        self._update_buttons()

    def _update_buttons(self) -> None:
        item = self.selected_item()
        accounts = self._services.accounts
        guard(
            self.retry_button,
            accounts,
            Right.UPLOAD,
            item is not None and item.state in (OutboxState.FAILED, OutboxState.WAITING),
        )
        self.open_button.setEnabled(item is not None)
        guard(
            self.send_button,
            accounts,
            Right.UPLOAD,
            not self._runner.busy or self._runner.synchronous,
        )

    # -- actions ------------------------------------------------------------------------------
    def send_now(self) -> None:
        outbox = self._services.outbox
        dest = outbox.destination()
        if dest is None:
            if allows(self._services.accounts, Right.DESTINATIONS):
                self.edit_destination()
            else:
                self.progress_label.setText(
                    self.tr("Chưa đặt nơi nhận báo cáo: {0}.").format(
                        denied_tip(Right.DESTINATIONS)
                    )
                )
            return
        secret: str | None = None
        if outbox.needs_secret_prompt(dest):
            secret = self.secret_prompt(dest)  # on the GUI thread, before the worker starts
            if not secret:
                return
        self.send_button.setEnabled(False)
        self.progress_label.setText(self.tr("Đang gửi…"))
        emit = self._relay.progressed.emit
        self._runner.run(
            lambda: outbox.send_due(progress=emit, secret=secret, ignore_backoff=True),
            self._on_sent,
            self._on_send_failed,
            label=self.tr("Gửi báo cáo"),
        )

    def _on_relay_progressed(self, done: int, total: int) -> None:
        self.progress_label.setText(
            self.tr("Đang gửi {0}/{1}…").format(min(done + 1, total), total)
            if done < total
            else self.tr("Đã xử lý {0} tệp.").format(total)
        )

    def _on_sent(self, results: list[SendResult]) -> None:
        sent = sum(1 for r in results if r.sent)
        self.progress_label.setText(
            self.tr("Đã gửi {0}/{1} tệp.").format(sent, len(results))
            if results
            else self.tr("Không có báo cáo nào chờ gửi.")
        )
        guard(self.send_button, self._services.accounts, Right.UPLOAD)
        self.upload_finished.emit(results)
        self.outbox_changed.emit()
        self.refresh()

    def _on_send_failed(self, exc: BaseException) -> None:
        guard(self.send_button, self._services.accounts, Right.UPLOAD)
        self.progress_label.setText(exc.message if isinstance(exc, TthcError) else "")
        show_error(self, exc)
        self.refresh()

    def retry_selected(self) -> None:
        item = self.selected_item()
        if item is None:
            return
        try:
            self._services.outbox.retry(item.id)
        except TthcError as e:
            show_error(self, e)
            return
        self.outbox_changed.emit()
        self.refresh()

    def open_selected(self) -> None:
        item = self.selected_item()
        if item is None:
            return
        folder = self._services.paths.output_dir / "outbox"
        self._runner.run(
            lambda: self._services.outbox.export(item.id, folder),
            self._on_exported,
            label=self.tr("Mở tệp"),
        )

    def _on_exported(self, path: Path) -> None:
        self.open_url(QUrl.fromLocalFile(str(path)))

    def edit_destination(self) -> None:
        self.dialog = DestinationDialog(self._services, self, runner=self._runner)
        self.dialog.destination_saved.connect(lambda _dest: self.refresh())
        self.dialog.open()
