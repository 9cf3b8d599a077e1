"""Dossiers that need attention: overdue, due today, due soon, and supplements to close.

The four views are buttons across the top, each with its count; the table is the dossier list's
model (same columns and colours), filled from :class:`DeadlineService` off the GUI thread. Enter
opens the dossier, where the clerk acts; the page and the counts follow what was done there.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from tthc_desk.domain.dossier import DossierRow
from tthc_desk.services.container import Services
from tthc_desk.services.deadline_service import DeadlineCounts, DeadlineView
from tthc_desk.services.dossier_service import DossierQuery
from tthc_desk.ui.display import heading_font, muted_label
from tthc_desk.ui.dossier_detail_dialog import DossierDetailDialog
from tthc_desk.ui.dossier_list_page import COLUMN_SAMPLES, PROCEDURE_COLUMN
from tthc_desk.ui.dossier_table_model import DossierSortProxy, DossierTableModel
from tthc_desk.ui.tasks import TaskRunner

TO_CLOSE = "to_close"
#: The views in the order of their buttons: the most urgent first.
VIEWS: tuple[str, ...] = (DeadlineView.OVERDUE.value, DeadlineView.TODAY.value, DeadlineView.SOON.value, TO_CLOSE)
VIEW_LABELS = {
    DeadlineView.OVERDUE.value: "Quá hạn",
    DeadlineView.TODAY.value: "Đến hạn hôm nay",
    DeadlineView.SOON.value: "Sắp đến hạn",
    TO_CLOSE: "Chờ bổ sung quá hạn (đề nghị đóng)",
}
ROW_LIMIT = 1000


def count_of(counts: DeadlineCounts, view: str) -> int:
    return {
        DeadlineView.OVERDUE.value: counts.overdue,
        DeadlineView.TODAY.value: counts.due_today,
        DeadlineView.SOON.value: counts.due_soon,
        TO_CLOSE: counts.to_close,
    }[view]


class DeadlinePage(QWidget):
    """``show_view(view)`` picks a view; ``dossier_changed`` tells the window to recount."""

    dossier_changed = Signal()

    def __init__(self, services: Services, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("deadlinePage")
        self._services = services
        self._runner = runner
        self._generation = 0
        self.view_key = DeadlineView.OVERDUE.value
        self.detail_dialog: DossierDetailDialog | None = None

        title = QLabel(self.tr("Hồ sơ cần chú ý"))
        title.setFont(heading_font(self.font(), 1.5))
        self.view_buttons: dict[str, QPushButton] = {}
        self._group = QButtonGroup(self)
        self._group.setExclusive(True)
        views_row = QHBoxLayout()
        views_row.setSpacing(6)
        for key in VIEWS:
            button = QPushButton(self.tr(VIEW_LABELS[key]))
            button.setCheckable(True)
            button.setAutoDefault(False)
            button.clicked.connect(self._view_clicked(key))
            self._group.addButton(button)
            self.view_buttons[key] = button
            views_row.addWidget(button)
        views_row.addStretch(1)

        self.model = DossierTableModel(
            lambda _q: [], services.clock.now, self, thresholds=services.deadlines.thresholds
        )
        self.proxy = DossierSortProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setObjectName("deadlineTable")
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSortingEnabled(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(26)
        header = self.table.horizontalHeader()
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # as loaded: the earliest due first
        header.setHighlightSections(False)
        metrics = self.table.fontMetrics()
        for col, sample in enumerate(COLUMN_SAMPLES):
            if sample:
                self.table.setColumnWidth(col, metrics.horizontalAdvance(sample) + 12)
        header.setSectionResizeMode(PROCEDURE_COLUMN, QHeaderView.ResizeMode.Stretch)
        self.table.activated.connect(self._on_table_activated)
        self.count_label = muted_label()
        hint = muted_label(self.tr("Enter hoặc nhấp đúp: mở hồ sơ để chuyển bước, lập phiếu xin lỗi, in phiếu"))
        hint.setWordWrap(False)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label, 1)
        bottom.addWidget(hint)

        root = QVBoxLayout(self)
        root.setContentsMargins(12, 10, 12, 10)
        root.setSpacing(8)
        root.addWidget(title)
        root.addLayout(views_row)
        root.addWidget(self.table, 1)
        root.addLayout(bottom)
        self.view_buttons[self.view_key].setChecked(True)

    # -- loading ------------------------------------------------------------------------------
    def show_view(self, view: str) -> None:
        self.view_key = view
        self.view_buttons[view].setChecked(True)
        self.refresh()

    def set_counts(self, counts: DeadlineCounts) -> None:
        for key, button in self.view_buttons.items():
            button.setText(f"{self.tr(VIEW_LABELS[key])} ({count_of(counts, key)})")

    def refresh(self) -> None:
        self._generation += 1
        generation, view, deadlines = self._generation, self.view_key, self._services.deadlines
        if view == TO_CLOSE:
            fetch: Callable[[], list[DossierRow]] = lambda: deadlines.to_close_rows(ROW_LIMIT)  # noqa: E731
        else:
            fetch = lambda: deadlines.rows(DeadlineView(view), ROW_LIMIT)  # noqa: E731
        self._runner.run(fetch, lambda rows: self._on_rows_loaded(generation, rows), label="Hồ sơ cần chú ý")

    def _on_rows_loaded(self, generation: int, rows: list[DossierRow]) -> None:
        if generation != self._generation:
            return  # an older answer after a newer request
        self.model.reset_rows(DossierQuery(), rows, complete=True)
        shown = len(rows)
        text = self.tr("{0} hồ sơ").format(shown) if shown < ROW_LIMIT else self.tr("{0} hồ sơ đầu tiên (hẹn trả sớm nhất)").format(shown)
        self.count_label.setText(text)
        if shown and not self.table.currentIndex().isValid():
            self.table.selectRow(0)

    def rows(self) -> list[DossierRow]:
        return [self.proxy.row_at(r) for r in range(self.proxy.rowCount())]

    # -- acting -------------------------------------------------------------------------------
    def open_code(self, code: str) -> DossierDetailDialog:
        dialog = DossierDetailDialog(self._services, self._runner, code, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.dossier_changed.connect(self._on_detail_dossier_changed)
        dialog.open()
        self.detail_dialog = dialog
        return dialog

    def focus_table(self) -> None:
        self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _view_clicked(self, key: str) -> Callable[[], None]:
        return lambda: self.show_view(key)

    def _on_table_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_code(self.proxy.row_at(index.row()).code)

    def _on_detail_dossier_changed(self, _dossier: object) -> None:
        self.refresh()
        self.dossier_changed.emit()
