"""The dossier list as a Qt model: rows loaded lazily, 200 at a time, in the database's order.

The model never counts or loads the whole table: :meth:`DossierTableModel.reset_rows` takes the
first page (fetched off the GUI thread by the list page), and the view asks for more through
``canFetchMore``/``fetchMore`` as the clerk scrolls, each page continuing after the last loaded
row (``DossierQuery.before_id``) in the query's order. The order is the query's too (newest
first, or a column's :class:`~tthc_desk.domain.search.SortKey`): the database sorts, off the GUI
thread, and the model only shows the rows it is given (issue 14). With a ``fetch`` runner the
next pages come off the GUI thread as well.

:class:`DossierSortProxy` sorts rows that are all loaded (the deadline page's short lists) by
the same keys, in Python.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor

from tthc_desk.domain.dossier import DossierRow, Status
from tthc_desk.domain.text import name_sort_key, sort_fold
from tthc_desk.services.dossier_search import DossierQuery, SortKey
from tthc_desk.ui.display import list_datetime
from tthc_desk.ui.i18n import QT_TRANSLATE_NOOP, translate
from tthc_desk.ui.labels import label
from tthc_desk.ui.row_table_model import Column, ColumnTableModel, Index, same

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2
PAGE_SIZE = 200

# Dossiers still waiting for a result: their appointment can be missed.
OPEN_STATUSES = frozenset({Status.RECEIVED, Status.IN_PROGRESS})
OVERDUE_COLOR = QColor("#c62828")
# Row backgrounds of running dossiers: overdue red, due today orange, due soon yellow.
ROW_COLORS = {"overdue": QColor("#fde0dc"), "today": QColor("#ffe0b2"), "soon": QColor("#fff9c4")}
DEADLINE_TIPS = {
    "overdue": QT_TRANSLATE_NOOP("DossierTableModel", "Đã quá hẹn trả"),
    "today": QT_TRANSLATE_NOOP("DossierTableModel", "Đến hạn trả hôm nay"),
    "soon": QT_TRANSLATE_NOOP("DossierTableModel", "Sắp đến hạn trả"),
}
#: (now, start of tomorrow, end of the warning window), see DeadlineService.thresholds.
Thresholds = tuple[datetime, datetime, datetime]
Rows = list[DossierRow]
#: Runs a page's query off the GUI thread and calls back with its rows on the GUI thread.
Fetch = Callable[[Callable[[], Rows], Callable[[Rows], None]], None]


COLUMNS: tuple[tuple[str, str], ...] = (
    ("code", QT_TRANSLATE_NOOP("DossierTableModel", "Mã hồ sơ")),
    ("applicant_name", QT_TRANSLATE_NOOP("DossierTableModel", "Người nộp")),
    ("id_number", QT_TRANSLATE_NOOP("DossierTableModel", "Số định danh")),
    ("phone", QT_TRANSLATE_NOOP("DossierTableModel", "Điện thoại")),
    ("procedure_name", QT_TRANSLATE_NOOP("DossierTableModel", "Thủ tục")),
    ("field", QT_TRANSLATE_NOOP("DossierTableModel", "Lĩnh vực")),
    ("received_at", QT_TRANSLATE_NOOP("DossierTableModel", "Ngày nhận")),
    ("due_at", QT_TRANSLATE_NOOP("DossierTableModel", "Hẹn trả")),
    ("status", QT_TRANSLATE_NOOP("DossierTableModel", "Trạng thái")),
)


def short_procedure_name(name: str) -> str:
    """Most names start with "Thủ tục …": in a narrow column the word says nothing."""
    for prefix in ("Thủ tục ", "thủ tục "):
        if name.startswith(prefix) and len(name) > len(prefix):
            rest = name[len(prefix) :]
            return rest[:1].upper() + rest[1:]
    return name


def sort_key_of(column: int) -> SortKey:
    """The database order of a column of :data:`COLUMNS` (the column keys are its values)."""
    return SortKey(COLUMNS[column][0])


def column_of(key: SortKey) -> int:
    return [k for k, _title in COLUMNS].index(key.value)


class DossierTableModel(ColumnTableModel[DossierRow]):
    """Read-only rows of :class:`DossierRow`; ``search`` is ``DossierService.search``."""

    sort_role = SORT_ROLE

    def __init__(
        self,
        search: Callable[[DossierQuery], list[DossierRow]],
        now: Callable[[], datetime],
        parent: QObject | None = None,
        *,
        page_size: int = PAGE_SIZE,
        thresholds: Callable[[], Thresholds] | None = None,
        fetch: Fetch | None = None,
    ) -> None:
        super().__init__(parent)
        self._search = search
        self._fetch = fetch
        self._fetching = False
        self._loads = 0  # reset_rows so far: a page fetched for an older load is dropped
        self._now = now
        self._thresholds = thresholds
        self._bounds: Thresholds | None = None
        self._page_size = page_size
        self._rows = []
        self._query = DossierQuery(limit=page_size)
        self._more = False
        self.set_keyed_columns(
            [(key, translate("DossierTableModel", title)) for key, title in COLUMNS],
            {
                "code": Column(lambda r: r.code),
                "applicant_name": Column(
                    lambda r: r.applicant_name,
                    # whole, with the ID number and phone a narrow screen hides
                    tooltip=lambda r: " · ".join(
                        x for x in (r.applicant_name, r.id_number, r.phone) if x
                    ),
                    sort=lambda r: name_sort_key(r.applicant_name),
                ),
                "id_number": Column(lambda r: r.id_number),
                "phone": Column(lambda r: r.phone),
                "procedure_name": Column(
                    lambda r: short_procedure_name(r.procedure_name),
                    tooltip=lambda r: f"{r.procedure_code} – {r.procedure_name}",
                    sort=lambda r: sort_fold(r.procedure_name),
                ),
                "field": Column(
                    lambda r: r.field, tooltip=lambda r: r.field, sort=lambda r: sort_fold(r.field)
                ),
                "received_at": Column(
                    lambda r: list_datetime(r.received_at), sort=lambda r: r.received_at.isoformat()
                ),
                "due_at": Column(
                    lambda r: list_datetime(r.due_at),
                    tooltip=self._deadline_tip,
                    foreground=lambda r: (
                        QBrush(OVERDUE_COLOR) if self.deadline_of(r) == "overdue" else None
                    ),
                    sort=lambda r: r.due_at.isoformat(),
                ),
                "status": Column(
                    lambda r: label(r.status), sort=lambda r: sort_fold(label(r.status))
                ),
            },
            row_roles={ROW_ROLE: same, Qt.ItemDataRole.BackgroundRole: self._background},
        )

    # -- loading ------------------------------------------------------------------------------
    @property
    def query(self) -> DossierQuery:
        return self._query

    def page_query(self, query: DossierQuery) -> DossierQuery:
        return replace(query, before_id=None, limit=self._page_size)

    def reset_rows(
        self,
        query: DossierQuery,
        rows: list[DossierRow],
        *,
        complete: bool = False,
        more: bool | None = None,
    ) -> None:
        """Replace everything with the first page of ``query`` (already fetched); ``complete``:
        ``rows`` are all there is (a deadline view), nothing more to fetch; ``more``: whether
        more can be fetched, when ``rows`` are not one page (a reload of several pages)."""
        self.beginResetModel()
        # The bounds of today and of the warning window, computed once per load, not per cell.
        self._bounds = self._thresholds() if self._thresholds is not None else None
        self._query = self.page_query(query)
        self._rows = list(rows)
        if more is None:
            more = len(rows) >= self._page_size
        self._more = not complete and more
        self._fetching = False
        self._loads += 1
        self.endResetModel()

    def load(self, query: DossierQuery) -> None:
        """Fetch the first page on this thread (tests, and refresh after a small change)."""
        query = self.page_query(query)
        self.reset_rows(query, self._search(query))

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._more and not self._fetching

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        """The next page after the last loaded row, in the query's order: on this thread, or
        through ``fetch`` (the rows are added when they come, if no reload came first)."""
        if parent.isValid() or not self.canFetchMore() or not self._rows:
            return
        q = replace(self._query, before_id=self._rows[-1].id)
        if self._fetch is None:
            self._add_page(self._loads, self._search(q))
            return
        self._fetching = True
        load = self._loads
        self._fetch(lambda: self._search(q), lambda page: self._add_page(load, page))

    def fetch_failed(self) -> None:
        """The page being fetched did not come: the view may ask again."""
        self._fetching = False

    def _add_page(self, load: int, page: Rows) -> None:
        if load != self._loads:
            return  # the rows were replaced meanwhile (a new search, order or refresh)
        self._fetching = False
        self._more = len(page) >= self._page_size
        if not page:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
        self._rows.extend(page)
        self.endInsertRows()

    # -- reading ------------------------------------------------------------------------------
    def loaded_count(self) -> int:
        return len(self._rows)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Vertical:
            return section + 1
        return super().headerData(section, orientation, role)

    def deadline_of(self, row: DossierRow) -> str | None:
        """ "overdue", "today", "soon" for a running dossier near or past its appointment."""
        if row.status not in OPEN_STATUSES:
            return None
        if self._bounds is None:
            return "overdue" if row.due_at < self._now() else None
        now, tomorrow, soon_end = self._bounds
        if row.due_at < now:
            return "overdue"
        if row.due_at < tomorrow:
            return "today"
        if row.due_at < soon_end:
            return "soon"
        return None

    def _deadline_tip(self, row: DossierRow) -> str | None:
        deadline = self.deadline_of(row)
        return translate("DossierTableModel", DEADLINE_TIPS[deadline]) if deadline else None

    def _background(self, row: DossierRow) -> QBrush | None:
        deadline = self.deadline_of(row)
        return QBrush(ROW_COLORS[deadline]) if deadline else None


class DossierSortProxy(QSortFilterProxyModel):
    """Sorts the loaded rows by the model's SORT_ROLE (accent-insensitive, dates as ISO)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(True)

    def row_at(self, proxy_row: int) -> DossierRow:
        source = self.sourceModel()
        assert isinstance(source, DossierTableModel)
        return source.row_at(self.mapToSource(self.index(proxy_row, 0)).row())
