"""*Hệ thống → Nhật ký thao tác*: who did what and when, for the head of office and the
administrator.

The newest entries first (at most :data:`SHOWN` on screen), filtered by person, dossier code,
kind of entry and days (dd/mm/yyyy, both ends included); *Xuất Excel…* writes every entry the
filters match. The reads run off the GUI thread; only the newest answer is shown.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path

from PySide6.QtCore import QKeyCombination, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tthc_desk.domain.errors import TthcError, ValidationError
from tthc_desk.domain.journal import JournalEntry, JournalKind
from tthc_desk.domain.text import nfc
from tthc_desk.services.container import Services
from tthc_desk.services.journal_service import JournalFilter
from tthc_desk.ui.display import error_label, heading_font, list_view, muted_label, parse_day
from tthc_desk.ui.errors import show_error
from tthc_desk.ui.labels import journal_details, journal_kind_label, labels_of
from tthc_desk.ui.row_table_model import Column, ColumnTableModel
from tthc_desk.ui.tasks import TaskRunner

#: Entries shown at most (the export takes them all).
SHOWN = 1000
# Sample texts (data, not words to translate) that set the widths of the columns.
COLUMN_SAMPLES = (
    "1.234.567",
    "02/03/2026 08:00:00",
    "Nguyễn Thị Thu Hương",
    "Đăng nhập không được",
    "tiếp nhận hồ sơ và in giấy",
    "000.17.22.H56-260302-0001",
    "",
)


class JournalTableModel(ColumnTableModel[JournalEntry]):
    """Số mục · Thời điểm · Người thực hiện · Loại · Việc · Hồ sơ/đối tượng · Chi tiết."""

    SEQ, AT, ACTOR, KIND, ACTION, SUBJECT, DETAILS = range(7)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows = []
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        self.set_columns(
            (
                Column(
                    lambda e: f"{e.seq:,}".replace(",", "."), align=right, title=self.tr("Số mục")
                ),
                Column(lambda e: f"{e.at:%d/%m/%Y %H:%M:%S}", title=self.tr("Thời điểm")),
                Column(
                    self.actor_text, tooltip=lambda e: e.actor, title=self.tr("Người thực hiện")
                ),
                Column(lambda e: journal_kind_label(e.kind), title=self.tr("Loại")),
                Column(lambda e: e.action, tooltip=lambda e: e.action, title=self.tr("Việc")),
                Column(
                    lambda e: e.subject,
                    tooltip=lambda e: e.subject,
                    title=self.tr("Hồ sơ/đối tượng"),
                ),
                Column(journal_details, tooltip=journal_details, title=self.tr("Chi tiết")),
            )
        )

    def actor_text(self, e: JournalEntry) -> str:
        if e.actor_name:
            return e.actor_name
        return e.actor or self.tr("(chưa đăng nhập)")

    def entry_at(self, row: int) -> JournalEntry:
        return self.row_at(row)


class JournalDialog(QDialog):
    """The journal viewer; ``model`` holds the entries shown, ``saved_path`` the last export."""

    def __init__(
        self, services: Services, runner: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("journalDialog")
        self.setWindowTitle(self.tr("Nhật ký thao tác"))
        self.resize(1240, 660)
        self._services = services
        self._runner = runner
        self._generation = 0
        self._closed = False
        self.saved_path: Path | None = None

        heading = QLabel(self.tr("Nhật ký thao tác"))
        heading.setFont(heading_font(self.font(), 1.3))
        self.person_combo = QComboBox()
        self.person_combo.setObjectName("personFilter")
        self.person_combo.setMinimumWidth(240)
        self.person_combo.addItem(self.tr("Tất cả mọi người"), "")
        self.kind_combo = QComboBox()
        self.kind_combo.setObjectName("kindFilter")
        self.kind_combo.addItem(self.tr("Tất cả các loại"), "")
        for kind, text in labels_of(JournalKind):
            self.kind_combo.addItem(text, kind.value)
        self.code_edit = QLineEdit()
        self.code_edit.setObjectName("dossierFilter")
        self.code_edit.setPlaceholderText(self.tr("mã hồ sơ, ví dụ 000.17.22.H56-260302-0001"))
        self.code_edit.setMinimumWidth(300)
        self.from_edit, self.to_edit = QLineEdit(), QLineEdit()
        for edit, name in ((self.from_edit, "fromFilter"), (self.to_edit, "toFilter")):
            edit.setObjectName(name)
            edit.setPlaceholderText(self.tr("dd/mm/yyyy"))
            edit.setMaximumWidth(120)
        self.filter_button = QPushButton(self.tr("Lọc"))
        self.filter_button.setObjectName("filterButton")
        self.filter_button.setDefault(True)
        self.clear_button = QPushButton(self.tr("Bỏ lọc"))
        self.clear_button.setAutoDefault(False)
        grid = QGridLayout()
        grid.addWidget(QLabel(self.tr("Người thực hiện")), 0, 0)
        grid.addWidget(self.person_combo, 0, 1)
        grid.addWidget(QLabel(self.tr("Loại")), 0, 2)
        grid.addWidget(self.kind_combo, 0, 3)
        grid.addWidget(QLabel(self.tr("Hồ sơ")), 0, 4)
        grid.addWidget(self.code_edit, 0, 5)
        dates = QHBoxLayout()
        dates.addWidget(self.from_edit)
        dates.addWidget(QLabel(self.tr("đến ngày")))
        dates.addWidget(self.to_edit)
        dates.addStretch(1)
        dates.addWidget(self.filter_button)
        dates.addWidget(self.clear_button)
        grid.addWidget(QLabel(self.tr("Từ ngày")), 1, 0)
        grid.addLayout(dates, 1, 1, 1, 5)
        grid.setColumnStretch(5, 1)
        self.error = error_label()
        self.error.setObjectName("journalError")

        self.model = JournalTableModel(self)
        self.table = list_view("journalTable", self.model, sizes=COLUMN_SAMPLES)
        self.table.horizontalHeader().setSectionResizeMode(
            JournalTableModel.DETAILS, QHeaderView.ResizeMode.Stretch
        )
        self.count_label = muted_label()
        self.count_label.setObjectName("journalCount")
        self.excel_button = QPushButton(self.tr("Xuất Excel…"))
        self.excel_button.setObjectName("excelButton")
        self.excel_button.setAutoDefault(False)
        self.excel_button.setShortcut(
            QKeySequence(QKeyCombination(Qt.KeyboardModifier.ControlModifier, Qt.Key.Key_E))
        )
        self.excel_button.setToolTip(self.tr("Mọi mục theo bộ lọc (Ctrl+E)"))
        self.close_button = QPushButton(self.tr("Đóng"))
        self.close_button.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.count_label, 1)
        buttons.addWidget(self.excel_button)
        buttons.addWidget(self.close_button)

        root = QVBoxLayout(self)
        root.addWidget(heading)
        root.addLayout(grid)
        root.addWidget(self.error)
        root.addWidget(self.table, 1)
        root.addLayout(buttons)

        self.filter_button.clicked.connect(self.refresh)
        self.clear_button.clicked.connect(self.clear_filters)
        self.person_combo.activated.connect(self.refresh)
        self.kind_combo.activated.connect(self.refresh)
        self.excel_button.clicked.connect(self._on_excel_button_clicked)
        self.close_button.clicked.connect(self.reject)
        self.finished.connect(self._on_self_finished)
        self.load_people()
        self.refresh()
        self.person_combo.setFocus()

    # -- filters ------------------------------------------------------------------------------
    def load_people(self) -> None:
        journal = self._services.journal
        self._runner.run(
            journal.actors, self._on_people_loaded, self._on_failed, label=self.tr("Đọc nhật ký")
        )

    def _on_people_loaded(self, people: list[tuple[str, str]]) -> None:
        if self._closed:
            return
        for username, full_name in people:
            if username:  # entries without a person (before any login) are not a choice
                text = f"{full_name} ({username})" if full_name else username
                self.person_combo.addItem(text, username)

    def set_person(self, username: str) -> None:
        self.person_combo.setCurrentIndex(max(self.person_combo.findData(username), 0))

    def set_kind(self, kind: JournalKind | None) -> None:
        index = self.kind_combo.findData(kind.value if kind else "")
        self.kind_combo.setCurrentIndex(max(index, 0))

    def clear_filters(self) -> None:
        self.person_combo.setCurrentIndex(0)
        self.kind_combo.setCurrentIndex(0)
        for edit in (self.code_edit, self.from_edit, self.to_edit):
            edit.clear()
        self.refresh()

    def _day(self, edit: QLineEdit, name: str) -> date | None:
        try:
            return parse_day(edit.text())
        except ValueError:
            raise ValidationError.for_field(
                name,
                self.tr("Ngày “{0}” không đúng: viết dạng dd/mm/yyyy, ví dụ 02/03/2026.").format(
                    edit.text().strip()
                ),
            ) from None

    def journal_filter(self, limit: int | None = SHOWN) -> JournalFilter:
        """The filters as chosen (the dossier by its id, resolved by the caller's job); a
        ValidationError when a day is not a date or the days are the wrong way round."""
        since, until = self._day(self.from_edit, "since"), self._day(self.to_edit, "until")
        if since and until and until < since:
            raise ValidationError.for_field(
                "until", self.tr("Ngày cuối phải từ ngày đầu trở đi: sửa lại khoảng ngày.")
            )
        kind = str(self.kind_combo.currentData() or "")
        return JournalFilter(
            actor=str(self.person_combo.currentData() or ""),
            kinds=[kind] if kind else [],
            since=datetime.combine(since, time()) if since else None,
            until=datetime.combine(until + timedelta(days=1), time()) if until else None,
            limit=limit,
        )

    def _checked_filter(self, limit: int | None = SHOWN) -> JournalFilter | None:
        self.error.hide()
        try:
            return self.journal_filter(limit)
        except ValidationError as exc:
            self._show_error_line(exc.message)
            return None

    def _show_error_line(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    # -- the list -----------------------------------------------------------------------------
    def refresh(self) -> None:
        f = self._checked_filter()
        if f is None:
            return
        journal, code = self._services.journal, nfc(self.code_edit.text())
        self._generation += 1
        generation = self._generation

        def load() -> list[JournalEntry] | None:
            if code:
                f.dossier_id = journal.dossier_id(code)
                if f.dossier_id is None:
                    return None
            return journal.entries(f)

        self._runner.run(
            load,
            lambda rows: self._on_loaded(generation, code, rows),
            self._on_failed,
            label=self.tr("Đọc nhật ký"),
        )

    def _on_loaded(self, generation: int, code: str, rows: list[JournalEntry] | None) -> None:
        if self._closed or generation != self._generation:
            return
        if rows is None:
            self.model.set_rows([])
            self._show_error_line(self.tr("Không có hồ sơ mã “{0}”.").format(code))
            self.count_label.setText("")
            return
        self.model.set_rows(rows)
        if len(rows) >= SHOWN:
            text = self.tr(
                "Hiện {0} mục mới nhất; thu hẹp bộ lọc để xem mục cũ hơn "
                "(Xuất Excel lấy mọi mục theo bộ lọc)."
            ).format(len(rows))
        elif rows:
            text = self.tr("{0} mục, mới nhất trước.").format(len(rows))
        else:
            text = self.tr("Không có mục nào theo bộ lọc này.")
        self.count_label.setText(text)

    # -- export -------------------------------------------------------------------------------
    def _on_excel_button_clicked(self) -> None:
        if self._checked_filter() is None:
            return
        today = self._services.clock.now()
        suggested = str(self._services.paths.output_dir / f"nhat-ky-{today:%Y%m%d}.xlsx")
        chosen, _ = QFileDialog.getSaveFileName(
            self, self.tr("Xuất nhật ký ra Excel"), suggested, self.tr("Bảng tính Excel (*.xlsx)")
        )
        if chosen:
            self.save_excel(Path(chosen))

    def save_excel(self, path: Path) -> None:
        """Every entry the filters match, written to ``path`` off the GUI thread."""
        f = self._checked_filter(limit=None)
        if f is None:
            return
        if path.suffix.lower() != ".xlsx":
            path = path.with_suffix(".xlsx")
        journal, code = self._services.journal, nfc(self.code_edit.text())
        cannot = self.tr("Không ghi được tệp “{0}”: {1}.")
        unknown = self.tr("Không có hồ sơ mã “{0}”.").format(code)

        def work() -> int:
            if code:
                f.dossier_id = journal.dossier_id(code)
                if f.dossier_id is None:
                    raise TthcError(unknown)
            try:
                return journal.export_xlsx(path, f)
            except OSError as exc:
                raise TthcError(cannot.format(path, exc.strerror or exc)) from None

        self.excel_button.setEnabled(False)
        self._runner.run(
            work,
            lambda n: self._on_saved(path, n),
            self._on_export_failed,
            label=self.tr("Xuất nhật ký ra Excel"),
        )

    def _on_saved(self, path: Path, rows: int) -> None:
        self.saved_path = path
        if self._closed:
            return
        self.excel_button.setEnabled(True)
        self.count_label.setText(self.tr("Đã xuất {0} mục vào {1}").format(rows, path.name))

    def _on_export_failed(self, exc: BaseException) -> None:
        if self._closed:
            return
        self.excel_button.setEnabled(True)
        show_error(self, exc)

    def _on_failed(self, exc: BaseException) -> None:
        if not self._closed:
            show_error(self, exc)

    def _on_self_finished(self, _result: int) -> None:
        self._closed = True
