"""Every dossier in one table: search as you type, filters, open a dossier, reprint.

The search box is debounced (150 ms) and each query runs on the task runner; a newer query
supersedes the older one, whose answer is dropped. Nothing counts the whole table: with no filter
the label says how many of the newest dossiers are loaded; with a filter the count runs in the
background and appears when ready. A click on a column's header orders the list by it (again:
the other way; a third time: newest first again): the database sorts (issue 14), on the task
runner, as many rows as were loaded, and the dossier selected stays selected and in view if it
is among them; scrolling on loads the next pages in that order, off the GUI thread too.
When another counter PC saves a dossier the window calls
:meth:`DossierListPage.refresh_live`: the same query again, as many rows as were loaded, and the
clerk's place kept (the dossier selected, the rows scrolled to, the search being typed).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, timedelta
from functools import partial

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTableView,
    QWidget,
)

from tthc_desk.domain.dossier import DossierRow, Status
from tthc_desk.domain.text import nfc
from tthc_desk.services.container import Services
from tthc_desk.services.dossier_search import DossierQuery, SortKey
from tthc_desk.ui.display import ColumnFit, date_edit, muted_label, needed_widths, to_date
from tthc_desk.ui.dossier_detail_dialog import DossierDetailDialog
from tthc_desk.ui.dossier_table_model import (
    COLUMNS,
    DossierTableModel,
    Rows,
    column_of,
    sort_key_of,
)
from tthc_desk.ui.errors import show_error
from tthc_desk.ui.labels import label
from tthc_desk.ui.page import Page, open_dialog
from tthc_desk.ui.print_preview import ReceiptDialog, open_receipt
from tthc_desk.ui.tasks import TaskRunner
from tthc_desk.ui.view_place import ViewPlace

log = logging.getLogger(__name__)

DEBOUNCE_MS = 150
PROCEDURE_COLUMN = 4
PROCEDURE_MIN_WIDTH = 150
#: Columns a clerk can do without on a narrow screen, the first hidden first (phone, field, ID
#: number); code, applicant, procedure, received, due and status always show (issue 13).
OPTIONAL_COLUMNS = (3, 5, 2)
# Widest usual content per column (the procedure column takes what is left).
COLUMN_SAMPLES = (
    "000.17.22.H56-260302-0001",
    "Nguyễn Thị Thu Hà",
    "001190012345",
    "0912345678",
    "",
    "Chứng thực",
    "02/03/2026 08:00",
    "02/03/2026 08:00",
    "",  # the status: the longest of its labels (fit_dossier_columns)
)


def fit_dossier_columns(view: QTableView) -> ColumnFit:
    """A dossier list (DossierTableModel's columns) fitted to its width: every column the clerk
    needs read whole, the procedure taking what is left (:class:`ColumnFit`)."""
    samples = list(COLUMN_SAMPLES)
    samples[-1] = max((label(s) for s in Status), key=view.fontMetrics().horizontalAdvance)
    needed = needed_widths(view, samples)
    needed[PROCEDURE_COLUMN] = PROCEDURE_MIN_WIDTH
    return ColumnFit(view, needed, PROCEDURE_COLUMN, OPTIONAL_COLUMNS)


class DossierListPage(Page):
    """The searchable dossier list; ``dossier_opened`` carries the code opened in detail."""

    dossier_opened = Signal(str)

    def __init__(
        self, services: Services, runner: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(services, runner, parent)
        self.setObjectName("dossierListPage")
        self._loaded_once = False
        self._stale = False  # changed elsewhere while hidden: reloaded when shown
        self.detail_dialog: DossierDetailDialog | None = None
        self.receipt_dialog: ReceiptDialog | None = None
        self.total: int | None = None

        self.title.setText(self.tr("Danh sách hồ sơ"))
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("searchEdit")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setPlaceholderText(
            self.tr(
                "Tìm: tên người nộp (không cần dấu), mã hồ sơ, số định danh, điện thoại, thủ tục…"
            )
        )
        self.status_combo = QComboBox()
        self.status_combo.addItem(self.tr("Mọi trạng thái"), None)
        for status in Status:
            self.status_combo.addItem(label(status), status.value)
        self.field_combo = QComboBox()
        self.field_combo.addItem(self.tr("Mọi lĩnh vực"), None)
        fields: Sequence[str] = services.catalog.fields()
        for field in fields:
            self.field_combo.addItem(field, field)
        self.period_combo = QComboBox()
        for text, key in (
            (self.tr("Mọi thời gian"), "all"),
            (self.tr("Hôm nay"), "today"),
            (self.tr("7 ngày qua"), "week"),
            (self.tr("Tháng này"), "month"),
            (self.tr("Năm nay"), "year"),
            (self.tr("Khoảng ngày…"), "range"),
        ):
            self.period_combo.addItem(text, key)
        today = services.clock.now().date()
        self.date_from = date_edit(today.replace(day=1))
        self.date_to = date_edit(today)
        self.count_label = muted_label()
        self.count_label.setObjectName("countLabel")

        filters = QHBoxLayout()
        filters.setSpacing(8)
        filters.addWidget(self.search_edit, 3)
        filters.addWidget(self.status_combo, 1)
        filters.addWidget(self.field_combo, 1)
        filters.addWidget(QLabel(self.tr("Ngày nhận:")))
        filters.addWidget(self.period_combo)
        filters.addWidget(self.date_from)
        self.to_label = QLabel("–")
        filters.addWidget(self.to_label)
        filters.addWidget(self.date_to)

        self.model = DossierTableModel(
            services.dossiers.search,
            services.clock.now,
            self,
            thresholds=services.deadlines.thresholds,
            fetch=self._fetch_page,
        )
        self.view = QTableView()
        self.view.setObjectName("dossierTable")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(26)
        header = self.view.horizontalHeader()
        # The header only shows and changes the order; the database sorts (not the view, which
        # would sort the loaded rows on the GUI thread): see _on_header_sort_indicator_changed.
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setSortIndicatorClearable(True)  # a third click: newest first again
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # newest first
        header.setHighlightSections(False)
        header.sortIndicatorChanged.connect(self._on_header_sort_indicator_changed)
        header.setMinimumSectionSize(60)
        self.fit = fit_dossier_columns(self.view)
        self.view.activated.connect(self._on_view_activated)
        self.hint = muted_label(
            self.tr("Enter hoặc nhấp đúp: xem chi tiết · Ctrl+P: in lại giấy tiếp nhận")
        )
        self.hint.setWordWrap(False)

        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label, 1)
        bottom.addWidget(self.hint)
        self.root.addLayout(filters)
        self.root.addWidget(self.view, 1)
        self.root.addLayout(bottom)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.refresh)
        self.search_edit.textChanged.connect(self._on_search_edit_text_changed)
        self.search_edit.returnPressed.connect(self._on_search_edit_return_pressed)
        for combo in (self.status_combo, self.field_combo):
            combo.currentIndexChanged.connect(self.refresh)
        self.period_combo.currentIndexChanged.connect(self._on_period_combo_current_index_changed)
        self.date_from.dateChanged.connect(self.refresh)
        self.date_to.dateChanged.connect(self.refresh)
        self._sync_range_inputs()

    # -- querying -----------------------------------------------------------------------------
    def query(self) -> DossierQuery:
        status = self.status_combo.currentData()
        date_from, date_to = self._period()
        key, descending = self.order()
        return DossierQuery(
            text=nfc(self.search_edit.text()),
            status=Status(status) if status else None,
            field=self.field_combo.currentData(),
            date_from=date_from,
            date_to=date_to,
            order_by=key,
            descending=descending,
        )

    def order(self) -> tuple[SortKey | None, bool]:
        """The order the header shows: a column's key and whether descending; None: newest
        first."""
        header = self.view.horizontalHeader()
        section = header.sortIndicatorSection()
        if not 0 <= section < len(COLUMNS):
            return None, False
        return sort_key_of(section), header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder

    def sort_by(self, key: SortKey | None, descending: bool = False) -> None:
        """Order the list by ``key`` (None: newest first), as a click on the header does."""
        order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
        self.view.horizontalHeader().setSortIndicator(-1 if key is None else column_of(key), order)

    @staticmethod
    def is_filtered(q: DossierQuery) -> bool:
        return bool(q.text or q.status or q.field or q.date_from or q.date_to)

    def _period(self) -> tuple[date | None, date | None]:
        key = self.period_combo.currentData()
        today = self._services.clock.now().date()
        if key == "today":
            return today, today
        if key == "week":
            return today - timedelta(days=6), today
        if key == "month":
            return today.replace(day=1), today
        if key == "year":
            return today.replace(month=1, day=1), today
        if key == "range":
            return to_date(self.date_from.date()), to_date(self.date_to.date())
        return None, None

    def refresh(self) -> None:
        """Run the current query (first page, and a count when filtered) off the GUI thread."""
        self._debounce.stop()
        self._loaded_once = True
        q = self.model.page_query(self.query())
        dossiers = self._services.dossiers
        self.count_label.setText(self.tr("Đang tìm…"))
        on_rows = self.newest(partial(self._on_rows_loaded, q))
        self._runner.run(
            lambda: dossiers.search(q), on_rows, self._on_query_failed, label=self.tr("Tìm hồ sơ")
        )
        if self.is_filtered(q):
            self._runner.run(
                lambda: dossiers.count(q),
                self.this_load(self._on_count_loaded),
                self._on_query_failed,
                label=self.tr("Đếm hồ sơ"),
            )
        else:
            self.total = None

    def refresh_live(self) -> None:
        """Another counter PC changed dossiers: run the query again where the clerk is, keeping
        the rows loaded, the selection and the scroll; hidden, the page reloads when shown."""
        if not self._loaded_once or self._debounce.isActive():
            return  # never loaded, or a search being typed runs in a moment anyway
        if not self.isVisible():
            self._stale = True
            return
        self._stale = False
        q = self.model.page_query(self.query())
        wanted = max(q.limit, self.model.loaded_count())
        dossiers = self._services.dossiers
        on_rows = self.newest(partial(self._on_live_rows_loaded, q, wanted))
        self._runner.run(
            lambda: dossiers.search(replace(q, limit=wanted)),
            on_rows,
            self._on_live_failed,
            label=self.tr("Cập nhật danh sách hồ sơ"),
        )
        if self.is_filtered(q):
            self._runner.run(
                lambda: dossiers.count(q),
                self.this_load(self._on_count_loaded),
                self._on_live_failed,
                label=self.tr("Đếm hồ sơ"),
            )

    def _on_live_rows_loaded(self, q: DossierQuery, wanted: int, rows: list[DossierRow]) -> None:
        place = ViewPlace.take(self.view, self._code_at)
        self.model.reset_rows(q, rows, more=len(rows) >= wanted)
        place.restore(self.view, self._code_at)
        self._update_count_label()

    def _on_live_failed(self, exc: BaseException) -> None:
        # Not the clerk's action: no dialog over their work; the next change or search tries again.
        log.warning("Không cập nhật được danh sách hồ sơ: %s", exc)

    def _code_at(self, row: int) -> str:
        return self.model.row_at(row).code

    def resort(self) -> None:
        """Load the rows again in the header's order, as many as were loaded, off the GUI
        thread; the dossier selected stays selected (and in view) if it is among them."""
        if not self._loaded_once:
            return  # the first load, when shown, takes the order
        self._debounce.stop()
        q = self.model.page_query(self.query())
        wanted = max(q.limit, self.model.loaded_count())
        dossiers = self._services.dossiers
        chosen = self.selected_code()
        self.count_label.setText(self.tr("Đang sắp xếp…"))
        on_rows = self.newest(partial(self._on_sorted_rows_loaded, q, wanted, chosen))
        self._runner.run(
            lambda: dossiers.search(replace(q, limit=wanted)),
            on_rows,
            self._on_query_failed,
            label=self.tr("Sắp xếp danh sách hồ sơ"),
        )
        if self.is_filtered(q):
            # The order does not change the count, but a count still running belongs to the
            # load this one replaces (its answer would be dropped): count again for this one.
            self._runner.run(
                lambda: dossiers.count(q),
                self.this_load(self._on_count_loaded),
                self._on_query_failed,
                label=self.tr("Đếm hồ sơ"),
            )

    def _on_sorted_rows_loaded(
        self, q: DossierQuery, wanted: int, chosen: str | None, rows: Rows
    ) -> None:
        self.model.reset_rows(q, rows, more=len(rows) >= wanted)
        at = next((i for i, r in enumerate(rows) if r.code == chosen), None)
        if at is not None:
            self.view.selectRow(at)
            center = QAbstractItemView.ScrollHint.PositionAtCenter
            self.view.scrollTo(self.model.index(at, 0), center)
        elif rows:
            self.view.selectRow(0)
            self.view.scrollToTop()
        self._update_count_label()

    def _fetch_page(self, fetch: Callable[[], Rows], on_rows: Callable[[Rows], None]) -> None:
        """The model's next page, on the task runner (a slow order must not freeze the list)."""
        self._runner.run(fetch, on_rows, self._on_page_failed, label=self.tr("Tải thêm hồ sơ"))

    def _on_page_failed(self, exc: BaseException) -> None:
        self.model.fetch_failed()
        show_error(self, exc)

    def _on_rows_loaded(self, q: DossierQuery, rows: list[DossierRow]) -> None:
        self.model.reset_rows(q, rows)
        if self.model.rowCount():
            self.view.selectRow(0)
            self.view.scrollToTop()
        self._update_count_label()

    def _on_count_loaded(self, total: int) -> None:
        self.total = total
        self._update_count_label()

    def _on_query_failed(self, exc: BaseException) -> None:
        self.count_label.setText(self.tr("Không tìm được."))
        show_error(self, exc)

    def _update_count_label(self) -> None:
        loaded = self.model.loaded_count()
        if self.is_filtered(self.model.query):
            if self.total is None:
                self.count_label.setText(
                    self.tr("Đã tải {0} hồ sơ khớp, đang đếm…").format(_n(loaded))
                )
            elif self.total == 0:
                self.count_label.setText(self.tr("Không tìm thấy hồ sơ nào."))
            else:
                self.count_label.setText(self.tr("Tìm thấy {0} hồ sơ").format(_n(self.total)))
        elif loaded == 0:
            self.count_label.setText(self.tr("Chưa có hồ sơ nào."))
        else:
            more = self.tr(" (kéo xuống để xem thêm)") if self.model.canFetchMore() else ""
            key = self.model.query.order_by
            if key is None:
                text = self.tr("{0} hồ sơ mới nhất{1}").format(_n(loaded), more)
            else:
                title = self.model.headerData(column_of(key), Qt.Orientation.Horizontal)
                text = self.tr("{0} hồ sơ đầu tiên theo “{1}”{2}").format(_n(loaded), title, more)
            self.count_label.setText(text)

    # -- public -------------------------------------------------------------------------------
    @property
    def loaded(self) -> bool:
        """Whether a query has run (the list loads lazily, when first shown)."""
        return self._loaded_once

    def focus_search(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def selected_code(self) -> str | None:
        index = self.view.currentIndex()
        if not index.isValid():
            return None
        return self.model.row_at(index.row()).code

    def open_code(self, code: str) -> DossierDetailDialog:
        dialog = DossierDetailDialog(self._services, self._runner, code, self)
        dialog.dossier_corrected.connect(self._on_detail_dossier_corrected)
        dialog.dossier_changed.connect(self._on_detail_dossier_corrected)  # a move: status, colours
        self.detail_dialog = open_dialog(dialog)
        self.dossier_opened.emit(code)
        return dialog

    def print_selected(self) -> None:
        code = self.selected_code()
        if code:
            open_receipt(self, self._services, self._runner, code, self._on_receipt_opened)

    # -- slots --------------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._loaded_once:
            self.refresh()  # load lazily: start-up stays fast when the list is not the first page
        elif self._stale:
            self.refresh_live()

    def _on_search_edit_text_changed(self, _text: str) -> None:
        self._debounce.start()

    def _on_search_edit_return_pressed(self) -> None:
        if self._debounce.isActive():
            self.refresh()
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_header_sort_indicator_changed(self, _section: int, _order: Qt.SortOrder) -> None:
        self.resort()

    def _on_period_combo_current_index_changed(self, _index: int) -> None:
        self._sync_range_inputs()
        self.refresh()

    def _sync_range_inputs(self) -> None:
        custom = self.period_combo.currentData() == "range"
        for w in (self.date_from, self.to_label, self.date_to):
            w.setVisible(custom)

    def _on_view_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_code(self.model.row_at(index.row()).code)

    def _on_detail_dossier_corrected(self, _dossier: object) -> None:
        self.refresh()

    def _on_receipt_opened(self, dialog: ReceiptDialog) -> None:
        self.receipt_dialog = dialog


def _n(value: int) -> str:
    return f"{value:,}".replace(",", ".")
