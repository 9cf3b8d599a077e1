"""*Hệ thống → Sao lưu và khôi phục…* (administrator): the backups, taking one now, checking
one again, how backups are taken, and the way to a restore.

- The list shows every backup of every destination (the data folder's ``backups``, the second
  destinations set now and those written at the last run): date and time, kind, size, dossier
  count, verdict (red when it failed), folder.
- *Sao lưu ngay* runs off the GUI thread (a busy bar meanwhile) on the same lock as the
  automatic backup, then says where the verified backup is and, in red, the destinations that
  could not be written. ``backup_taken(run)`` lets the main window refresh its status line.
- *Kiểm tra lại bản đã chọn* verifies the selected file again, off the GUI thread.
- *Cách sao lưu*: the daily time (HH:MM, 24 hours), how many daily/weekly/monthly backups each
  destination keeps, the automatic backup on or off, and the second destinations (a folder
  chosen with the folder picker; removed from the list). A mistake is said under its input in
  Vietnamese and nothing is saved.
- *Khôi phục từ bản đã chọn…* (``restore_requested(path)``) opens the restore wizard.
"""

from __future__ import annotations

import threading
from html import escape
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from tthc_desk.domain.access import Right
from tthc_desk.domain.backup import BackupLevel, Retention, parse_daily_time
from tthc_desk.domain.errors import TthcError, ValidationError
from tthc_desk.services.backup_service import BackupInfo, BackupRun, BackupSettings, Verification
from tthc_desk.services.container import Services
from tthc_desk.services.restore_access import restorable_backups
from tthc_desk.ui.backup_status import OK_COLOR, WARN_COLOR
from tthc_desk.ui.backup_table import BackupTableModel, backup_view, when_text
from tthc_desk.ui.display import ERROR_COLOR, error_label, heading_font, muted_label
from tthc_desk.ui.errors import FieldErrors
from tthc_desk.ui.i18n import translate
from tthc_desk.ui.rights import guard
from tthc_desk.ui.tasks import TaskRunner

LEVEL_COLORS = {
    BackupLevel.OK: OK_COLOR,
    BackupLevel.WARN: WARN_COLOR,
    BackupLevel.ALERT: ERROR_COLOR,
}


def run_sentence(run: BackupRun) -> str:
    """What *Sao lưu ngay* did, as rich text: the verified backup, the copies, in red those that
    could not be written."""
    assert run.backup is not None
    parts = [
        escape(
            translate("BackupDialog", "Đã sao lưu lúc {0} và kiểm tra đạt: {1}").format(
                when_text(run.backup), run.backup.path
            )
        )
    ]
    for c in run.copies:
        if c.ok:
            parts.append(escape(translate("BackupDialog", "Đã chép vào {0}.").format(c.path)))
        else:
            parts.append(
                f"<span style='color:{ERROR_COLOR}; font-weight:bold'>"
                + escape(
                    translate("BackupDialog", "Không chép được vào “{0}”: {1}.").format(
                        c.destination, c.reason
                    )
                )
                + "</span>"
            )
    return "<br>".join(parts)


class BackupDialog(QDialog):
    """See the module. ``lock``: the automatic backup's (so that never two run at once)."""

    backup_taken = Signal(object)
    restore_requested = Signal(object)  # the Path of the selected backup, or None

    def __init__(
        self,
        services: Services,
        runner: TaskRunner,
        parent: QWidget | None = None,
        *,
        lock: threading.Lock | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("backupDialog")
        self.setWindowTitle(self.tr("Sao lưu và khôi phục"))
        self._services = services
        self._runner = runner
        self._lock = lock or threading.Lock()
        self.running = False
        self._destinations: list[str] = []

        heading = QLabel(self.tr("Sao lưu và khôi phục dữ liệu"))
        heading.setFont(heading_font(self.font(), 1.3))
        self.status_label = QLabel()
        self.status_label.setObjectName("backupFreshness")
        self.status_label.setWordWrap(True)
        self.model = BackupTableModel(self)
        self.table = backup_view("backupTable", self.model)
        self.table.setMinimumHeight(150)

        self.backup_button = QPushButton(self.tr("&Sao lưu ngay"))
        self.backup_button.setObjectName("backupNowButton")
        self.verify_button = QPushButton(self.tr("&Kiểm tra lại bản đã chọn"))
        self.verify_button.setObjectName("verifyButton")
        self.restore_button = QPushButton(self.tr("&Khôi phục từ bản đã chọn…"))
        self.restore_button.setObjectName("restoreButton")
        self.busy = QProgressBar()
        self.busy.setObjectName("backupBusy")
        self.busy.setRange(0, 0)  # no steps to count: a moving bar says work is under way
        self.busy.setMaximumWidth(160)
        self.busy.setTextVisible(False)
        self.busy.hide()
        actions = QHBoxLayout()
        for b in (self.backup_button, self.verify_button, self.restore_button):
            b.setAutoDefault(False)
            actions.addWidget(b)
        actions.addWidget(self.busy)
        actions.addStretch(1)
        self.result_label = QLabel()
        self.result_label.setObjectName("backupResult")
        self.result_label.setWordWrap(True)
        self.result_label.setTextFormat(Qt.TextFormat.RichText)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        root = QVBoxLayout(self)
        root.addWidget(heading)
        root.addWidget(self.status_label)
        root.addWidget(self.table, 1)
        root.addLayout(actions)
        root.addWidget(self.result_label)
        root.addWidget(self._settings_box())
        self.close_button = QPushButton(self.tr("Đóng"))
        self.close_button.setAutoDefault(False)
        foot = QHBoxLayout()
        foot.addStretch(1)
        foot.addWidget(self.close_button)
        root.addLayout(foot)

        self.backup_button.clicked.connect(self.back_up_now)
        self.verify_button.clicked.connect(self.verify_selected)
        self.restore_button.clicked.connect(self._on_restore_button_clicked)
        self.close_button.clicked.connect(self.reject)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._update_buttons())
        self.resize(1120, 690)
        self.load_settings()
        self.refresh()
        self.backup_button.setFocus()

    # -- the settings --------------------------------------------------------------------------
    def _settings_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Cách sao lưu"))
        self.time_edit = QLineEdit()
        self.time_edit.setObjectName("dailyTime")
        self.time_edit.setPlaceholderText("17:00")
        self.time_edit.setMaximumWidth(80)
        self.time_error = error_label()
        self.daily_spin, self.weekly_spin, self.monthly_spin = (QSpinBox() for _ in range(3))
        keep = QHBoxLayout()
        keep.setContentsMargins(0, 0, 0, 0)
        for spin, text in (
            (self.daily_spin, self.tr("ngày gần nhất")),
            (self.weekly_spin, self.tr("tuần")),
            (self.monthly_spin, self.tr("tháng")),
        ):
            spin.setRange(0, 366)
            keep.addWidget(spin)
            keep.addWidget(QLabel(text))
        keep.addStretch(1)
        keep_box = QWidget()
        keep_box.setLayout(keep)
        self.retention_error = error_label()
        self.automatic_box = QCheckBox(
            self.tr("Tự động sao lưu (lần mở máy đầu tiên trong ngày và vào giờ trên)")
        )
        form = QFormLayout()
        time_row = QHBoxLayout()
        time_row.addWidget(self.time_edit)
        time_row.addWidget(muted_label(self.tr("(24 giờ, ví dụ 17:00)")), 1)
        time_col = QVBoxLayout()
        time_col.addLayout(time_row)
        time_col.addWidget(self.time_error)
        form.addRow(self.tr("Giờ sao lưu hằng ngày:"), time_col)
        keep_col = QVBoxLayout()
        keep_col.addWidget(keep_box)
        keep_col.addWidget(self.retention_error)
        form.addRow(self.tr("Giữ lại bản của:"), keep_col)
        form.addRow("", self.automatic_box)

        self.destination_list = QListWidget()
        self.destination_list.setObjectName("destinationList")
        self.destination_list.setMaximumHeight(78)
        self.add_destination_button = QPushButton(self.tr("&Thêm thư mục…"))
        self.remove_destination_button = QPushButton(self.tr("&Bỏ thư mục đã chọn"))
        self.destination_error = error_label()
        places = QVBoxLayout()
        places.addWidget(QLabel(self.tr("Nơi sao lưu thứ hai (ổ USB, thư mục mạng):")))
        places.addWidget(self.destination_list)
        place_buttons = QHBoxLayout()
        place_buttons.addWidget(self.add_destination_button)
        place_buttons.addWidget(self.remove_destination_button)
        place_buttons.addStretch(1)
        self.save_button = QPushButton(self.tr("&Lưu cách sao lưu"))
        self.save_button.setObjectName("saveSettingsButton")
        place_buttons.addWidget(self.save_button)
        places.addLayout(place_buttons)
        places.addWidget(self.destination_error)
        self.saved_label = QLabel()
        self.saved_label.setObjectName("settingsSaved")
        self.saved_label.setStyleSheet(f"color: {OK_COLOR};")
        places.addWidget(self.saved_label)
        for b in (self.add_destination_button, self.remove_destination_button, self.save_button):
            b.setAutoDefault(False)
        row = QHBoxLayout(box)
        row.addLayout(form, 1)
        row.addLayout(places, 1)
        self.errors = FieldErrors(
            {
                "daily_at": (self.time_edit, self.time_error),
                "retention": (keep_box, self.retention_error),
                "destinations": (self.destination_list, self.destination_error),
            }
        )
        self.add_destination_button.clicked.connect(self.choose_destination)
        self.remove_destination_button.clicked.connect(self.remove_destination)
        self.save_button.clicked.connect(self.save_settings)
        return box

    def load_settings(self) -> None:
        s = self._services.backups.settings()
        self.time_edit.setText(s.daily_at.strftime("%H:%M"))
        self.daily_spin.setValue(s.retention.daily)
        self.weekly_spin.setValue(s.retention.weekly)
        self.monthly_spin.setValue(s.retention.monthly)
        self.automatic_box.setChecked(s.automatic)
        self._set_destinations(list(s.destinations))

    def _set_destinations(self, places: list[str]) -> None:
        self._destinations = places
        self.destination_list.clear()
        self.destination_list.addItems(places)
        self._update_buttons()

    def add_destination(self, folder: str) -> None:
        folder = str(Path(folder))
        if folder and folder not in self._destinations:
            self._set_destinations([*self._destinations, folder])
            self.saved_label.setText(self.tr("Chưa lưu: bấm “Lưu cách sao lưu”."))

    def choose_destination(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, self.tr("Chọn thư mục sao lưu thứ hai (ổ USB, thư mục mạng)")
        )
        if folder:
            self.add_destination(folder)

    def remove_destination(self) -> None:
        row = self.destination_list.currentRow()
        if 0 <= row < len(self._destinations):
            self._set_destinations(self._destinations[:row] + self._destinations[row + 1 :])
            self.saved_label.setText(self.tr("Chưa lưu: bấm “Lưu cách sao lưu”."))

    def save_settings(self) -> bool:
        """Check, then save; a mistake shows under its input and nothing is saved."""
        self.errors.clear()
        self.saved_label.clear()
        ok = True
        try:
            daily_at = parse_daily_time(self.time_edit.text())
        except ValueError as e:
            self.errors.set("daily_at", str(e))
            ok = False
        retention = Retention(
            self.daily_spin.value(), self.weekly_spin.value(), self.monthly_spin.value()
        )
        problems = retention.problems()
        if problems:
            self.errors.set("retention", " ".join(problems))
            ok = False
        if not ok:
            bad = self.errors.first_invalid()
            if bad is not None:
                bad.setFocus()
            return False
        value = BackupSettings(
            tuple(self._destinations), daily_at, retention, self.automatic_box.isChecked()
        )
        try:
            self._services.backups.save_settings(value)
        except ValidationError as e:
            self.errors.set("destinations", " ".join(p.message for p in e.problems) or e.message)
            return False
        except TthcError as e:
            self.errors.set("destinations", e.message)
            return False
        self.saved_label.setText(self.tr("Đã lưu cách sao lưu."))
        self.refresh()
        return True

    # -- the list ------------------------------------------------------------------------------
    def refresh(self) -> None:
        """The list (every destination) and the freshness line, again."""
        selected = self.selected()
        backups = self._services.backups
        self.model.set_rows(restorable_backups(self._services.paths, tuple(self._destinations)))
        fresh = backups.status()
        self.status_label.setText(fresh.sentence)
        self.status_label.setStyleSheet(f"color: {LEVEL_COLORS[fresh.level]}; font-weight: bold;")
        row = self.model.row_of(selected.path) if selected else -1
        if self.model.rowCount() and row < 0:
            row = 0
        if row >= 0:
            self.table.selectRow(row)
        self._update_buttons()

    def selected(self) -> BackupInfo | None:
        index = self.table.currentIndex()
        return self.model.backup_at(index.row()) if index.isValid() else None

    def _update_buttons(self) -> None:
        accounts, idle, chosen = self._services.accounts, not self.running, self.selected()
        guard(self.backup_button, accounts, Right.BACKUP, idle)
        guard(self.save_button, accounts, Right.BACKUP)
        self.verify_button.setEnabled(idle and chosen is not None)
        guard(self.restore_button, accounts, Right.RESTORE, idle)
        self.remove_destination_button.setEnabled(bool(self._destinations))

    # -- work off the GUI thread ---------------------------------------------------------------
    def _start(self, text: str) -> None:
        self.running = True
        self.busy.show()
        self.result_label.setStyleSheet("")
        self.result_label.setText(escape(text))
        self._update_buttons()

    def _finish(self, html: str, color: str | None = None) -> None:
        self.running = False
        self.busy.hide()
        self.result_label.setStyleSheet(f"color: {color};" if color else "")
        self.result_label.setText(html)
        self._update_buttons()

    def back_up_now(self) -> None:
        if self.running:
            return
        backups, lock = self._services.backups, self._lock

        def work() -> BackupRun:
            with lock:  # waits for an automatic backup under way
                return backups.run()

        def done(run: BackupRun) -> None:
            self._finish(run_sentence(run))
            self.refresh()
            self.backup_taken.emit(run)

        def failed(exc: BaseException) -> None:
            message = exc.message if isinstance(exc, TthcError) else str(exc)
            self._finish(escape(message), ERROR_COLOR)
            self.refresh()
            self.backup_taken.emit(None)

        self._start(self.tr("Đang sao lưu và kiểm tra bản sao lưu…"))
        self._runner.run(work, done, failed, label=self.tr("Sao lưu ngay"))

    def verify_selected(self) -> None:
        chosen = self.selected()
        if self.running or chosen is None:
            return
        backups, path = self._services.backups, chosen.path

        def done(check: Verification) -> None:
            self._finish(escape(check.sentence), OK_COLOR if check.ok else ERROR_COLOR)

        def failed(exc: BaseException) -> None:
            message = exc.message if isinstance(exc, TthcError) else str(exc)
            self._finish(escape(message), ERROR_COLOR)

        self._start(self.tr("Đang kiểm tra “{0}”…").format(path.name))
        self._runner.run(lambda: backups.verify(path), done, failed, label=self.tr("Kiểm tra"))

    def _on_restore_button_clicked(self) -> None:
        chosen = self.selected()
        self.restore_requested.emit(chosen.path if chosen else None)

    def reject(self) -> None:
        if self.running:  # the work finishes on its own; the dialog stays until it has
            return
        super().reject()
