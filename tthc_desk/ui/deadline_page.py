"""Dossiers that need attention: overdue, due today, due soon, supplements to close, and the
dossiers received lately without a scan (issue 15: the clerk opens one and scans its papers).

The five views are buttons across the top, each with its count; the table is the dossier list's
model (same columns and colours), filled from :class:`DeadlineService` off the GUI thread. Enter
opens the dossier, where the clerk acts; the page and the counts follow what was done there.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QWidget,
)

from tthc_desk.domain.dossier import DossierRow
from tthc_desk.services.container import Services
from tthc_desk.services.deadline_service import DeadlineCounts, DeadlineView
from tthc_desk.services.dossier_search import DossierQuery
from tthc_desk.ui.display import list_view, muted_label
from tthc_desk.ui.dossier_detail_dialog import DossierDetailDialog
from tthc_desk.ui.dossier_list_page import fit_dossier_columns
from tthc_desk.ui.dossier_table_model import DossierSortProxy, DossierTableModel
from tthc_desk.ui.i18n import QT_TRANSLATE_NOOP
from tthc_desk.ui.page import Page, open_dialog
from tthc_desk.ui.tasks import TaskRunner
from tthc_desk.ui.view_buttons import ViewButtons
from tthc_desk.ui.view_place import ViewPlace

TO_CLOSE = "to_close"
UNSCANNED = "unscanned"
#: The views in the order of their buttons: the most urgent first.
VIEWS: tuple[str, ...] = (
    DeadlineView.OVERDUE.value,
    DeadlineView.TODAY.value,
    DeadlineView.SOON.value,
    TO_CLOSE,
    UNSCANNED,
)
#: Button texts, translated by ViewButtons under the "DeadlinePage" context.
VIEW_LABELS = {
    DeadlineView.OVERDUE.value: QT_TRANSLATE_NOOP("DeadlinePage", "Quá hạn"),
    DeadlineView.TODAY.value: QT_TRANSLATE_NOOP("DeadlinePage", "Đến hạn hôm nay"),
    DeadlineView.SOON.value: QT_TRANSLATE_NOOP("DeadlinePage", "Sắp đến hạn"),
    TO_CLOSE: QT_TRANSLATE_NOOP("DeadlinePage", "Chờ bổ sung quá hạn (đề nghị đóng)"),
    UNSCANNED: QT_TRANSLATE_NOOP("DeadlinePage", "Chưa số hóa, 30 ngày qua"),
}
ROW_LIMIT = 1000


def count_of(counts: DeadlineCounts, view: str) -> int:
    return {
        DeadlineView.OVERDUE.value: counts.overdue,
        DeadlineView.TODAY.value: counts.due_today,
        DeadlineView.SOON.value: counts.due_soon,
        TO_CLOSE: counts.to_close,
        UNSCANNED: counts.unscanned,
    }[view]


class DeadlinePage(Page):
    """``show_view(view)`` picks a view; ``dossier_changed`` tells the window to recount."""

    dossier_changed = Signal()

    def __init__(
        self, services: Services, runner: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(services, runner, parent)
        self.setObjectName("deadlinePage")
        self.view_key = DeadlineView.OVERDUE.value
        self.detail_dialog: DossierDetailDialog | None = None

        self.title.setText(self.tr("Hồ sơ cần chú ý"))
        self.views = ViewButtons([(key, VIEW_LABELS[key]) for key in VIEWS], "DeadlinePage")
        self.view_buttons = self.views.buttons
        self.views.view_chosen.connect(self.show_view)

        self.model = DossierTableModel(
            lambda _q: [], services.clock.now, self, thresholds=services.deadlines.thresholds
        )
        self.proxy = DossierSortProxy(self)
        self.proxy.setSourceModel(self.model)
        # Unsorted at first: as loaded, the earliest due first.
        self.table = list_view("deadlineTable", self.proxy, sortable=True)
        self.fit = fit_dossier_columns(self.table)
        self.table.activated.connect(self._on_table_activated)
        self.count_label = muted_label()
        hint = muted_label(
            self.tr("Enter hoặc nhấp đúp: mở hồ sơ để chuyển bước, lập phiếu xin lỗi, in phiếu")
        )
        hint.setWordWrap(False)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label, 1)
        bottom.addWidget(hint)

        self.root.addWidget(self.views)
        self.root.addWidget(self.table, 1)
        self.root.addLayout(bottom)
        self.view_buttons[self.view_key].setChecked(True)

    # -- loading ------------------------------------------------------------------------------
    def show_view(self, view: str) -> None:
        self.view_key = view
        self.view_buttons[view].setChecked(True)
        self.refresh()

    def set_counts(self, counts: DeadlineCounts) -> None:
        self.views.set_counts({key: count_of(counts, key) for key in VIEWS})

    def refresh(self) -> None:
        self._load(self._on_rows_loaded)

    def refresh_live(self) -> None:
        """Another counter PC changed dossiers: the view again, the clerk's place kept."""
        self._load(self._on_live_rows_loaded)

    def _load(self, on_rows: Callable[[list[DossierRow]], None]) -> None:
        view, deadlines = self.view_key, self._services.deadlines

        def fetch() -> list[DossierRow]:
            if view == TO_CLOSE:
                return deadlines.to_close_rows(ROW_LIMIT)
            if view == UNSCANNED:
                return deadlines.unscanned_rows(ROW_LIMIT)
            return deadlines.rows(DeadlineView(view), ROW_LIMIT)

        self._runner.run(fetch, self.newest(on_rows), label=self.tr("Hồ sơ cần chú ý"))

    def _on_live_rows_loaded(self, rows: list[DossierRow]) -> None:
        place = ViewPlace.take(self.table, self._code_at)
        self._on_rows_loaded(rows, select_first=False)
        place.restore(self.table, self._code_at)

    def _code_at(self, proxy_row: int) -> str:
        return self.proxy.row_at(proxy_row).code

    def _on_rows_loaded(self, rows: list[DossierRow], select_first: bool = True) -> None:
        self.model.reset_rows(DossierQuery(), rows, complete=True)
        shown = len(rows)
        if shown < ROW_LIMIT:
            text = self.tr("{0} hồ sơ").format(shown)
        elif self.view_key == UNSCANNED:
            text = self.tr("{0} hồ sơ đầu tiên (nhận gần đây nhất)").format(shown)
        else:
            text = self.tr("{0} hồ sơ đầu tiên (hẹn trả sớm nhất)").format(shown)
        self.count_label.setText(text)
        if select_first and shown and not self.table.currentIndex().isValid():
            self.table.selectRow(0)

    def rows(self) -> list[DossierRow]:
        return [self.proxy.row_at(r) for r in range(self.proxy.rowCount())]

    # -- acting -------------------------------------------------------------------------------
    def open_code(self, code: str) -> DossierDetailDialog:
        dialog = DossierDetailDialog(self._services, self._runner, code, self)
        dialog.dossier_changed.connect(self._on_detail_dossier_changed)
        self.detail_dialog = open_dialog(dialog)
        return dialog

    def focus_table(self) -> None:
        self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _on_table_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_code(self.proxy.row_at(index.row()).code)

    def _on_detail_dossier_changed(self, _dossier: object) -> None:
        self.refresh()
        self.dossier_changed.emit()
