"""The click-through of the dashboard: the dossiers behind one row (a field, a unit, a clerk, a
late reason), in the dossier list's own table (same columns, colours and sorting), loaded off
the GUI thread. Enter or a double click opens a dossier, as in the list.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from tthc_desk.domain.dossier import DossierRow
from tthc_desk.services.container import Services
from tthc_desk.ui.display import list_view, muted_label
from tthc_desk.ui.dossier_detail_dialog import DossierDetailDialog
from tthc_desk.ui.dossier_list_page import fit_dossier_columns
from tthc_desk.ui.dossier_table_model import DossierSortProxy, DossierTableModel
from tthc_desk.ui.errors import show_error
from tthc_desk.ui.page import open_dialog
from tthc_desk.ui.tasks import TaskRunner


class DossierSetDialog(QDialog):
    """The dossiers ``codes`` under ``heading`` ("Lĩnh vực Hộ tịch · Tháng 03 năm 2026")."""

    def __init__(
        self,
        services: Services,
        runner: TaskRunner,
        heading: str,
        codes: Sequence[str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("dossierSetDialog")
        self.setWindowTitle(self.tr("Danh sách hồ sơ"))
        self._services, self._runner = services, runner
        self.codes = tuple(codes)
        self.detail_dialog: DossierDetailDialog | None = None
        self.heading = QLabel(f"<b>{heading}</b>")
        self.heading.setWordWrap(True)
        self.model = DossierTableModel(
            lambda _q: [], services.clock.now, self, thresholds=services.deadlines.thresholds
        )
        self.proxy = DossierSortProxy(self)
        self.proxy.setSourceModel(self.model)
        self.view = list_view("dossierSetTable", self.proxy, sortable=True)
        self.view.setAlternatingRowColors(True)
        self.fit = fit_dossier_columns(self.view)
        self.view.activated.connect(self._on_view_activated)
        self.count_label = muted_label(self.tr("Đang tải…"))
        hint = muted_label(self.tr("Enter hoặc nhấp đúp: xem chi tiết hồ sơ"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        column = QVBoxLayout(self)
        column.addWidget(self.heading)
        column.addWidget(self.view, 1)
        column.addWidget(self.count_label)
        column.addWidget(hint)
        column.addWidget(buttons)
        self.resize(980, 520)
        dossiers = services.dossiers
        runner.run(
            lambda: dossiers.rows(self.codes),
            self._on_rows_loaded,
            self._on_failed,
            label=self.tr("Tải danh sách hồ sơ"),
        )

    def _on_rows_loaded(self, rows: list[DossierRow]) -> None:
        self.model.reset_rows(self.model.query, rows)
        self.count_label.setText(self.tr("{0} hồ sơ").format(len(rows)))
        if rows:
            self.view.selectRow(0)
            self.view.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_failed(self, exc: BaseException) -> None:
        self.count_label.setText(self.tr("Không tải được danh sách hồ sơ."))
        show_error(self, exc)

    def open_row(self, row: int) -> DossierDetailDialog:
        code = self.proxy.row_at(row).code
        self.detail_dialog = open_dialog(
            DossierDetailDialog(self._services, self._runner, code, self)
        )
        return self.detail_dialog

    def _on_view_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_row(index.row())
