"""The dossier list as a Qt model: rows loaded lazily, newest first, 200 at a time.

The model never counts or loads the whole table: :meth:`DossierTableModel.reset_rows` takes the
first page (fetched off the GUI thread by the list page), and the view asks for more through
``canFetchMore``/``fetchMore`` as the clerk scrolls, each page continuing below the last loaded
id (``DossierQuery.before_id``). Sorting by a column happens in :class:`DossierSortProxy`, over
the rows loaded so far.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from tthc_desk.domain.dossier import DossierRow, Status
from tthc_desk.domain.text import fold
from tthc_desk.services.dossier_service import DossierQuery
from tthc_desk.ui.display import list_datetime

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2
PAGE_SIZE = 200

# Dossiers still waiting for a result: their appointment can be missed.
OPEN_STATUSES = frozenset({Status.RECEIVED, Status.IN_PROGRESS})
OVERDUE_COLOR = QColor("#c62828")
# Row backgrounds of running dossiers: overdue red, due today orange, due soon yellow.
ROW_COLORS = {"overdue": QColor("#fde0dc"), "today": QColor("#ffe0b2"), "soon": QColor("#fff9c4")}
DEADLINE_TIPS = {
    "overdue": "Đã quá hẹn trả",
    "today": "Đến hạn trả hôm nay",
    "soon": "Sắp đến hạn trả",
}
#: (now, start of tomorrow, end of the warning window), see DeadlineService.thresholds.
Thresholds = tuple[datetime, datetime, datetime]

Index = QModelIndex | QPersistentModelIndex


def _tr(text: str) -> str:
    return QCoreApplication.translate("DossierTableModel", text)


COLUMNS: tuple[tuple[str, str], ...] = (
    ("code", "Mã hồ sơ"),
    ("applicant_name", "Người nộp"),
    ("id_number", "Số định danh"),
    ("phone", "Điện thoại"),
    ("procedure_name", "Thủ tục"),
    ("field", "Lĩnh vực"),
    ("received_at", "Ngày nhận"),
    ("due_at", "Hẹn trả"),
    ("status", "Trạng thái"),
)
COLUMN_KEYS = [key for key, _ in COLUMNS]


def short_procedure_name(name: str) -> str:
    """Most names start with "Thủ tục …": in a narrow column the word says nothing."""
    for prefix in ("Thủ tục ", "thủ tục "):
        if name.startswith(prefix) and len(name) > len(prefix):
            rest = name[len(prefix) :]
            return rest[:1].upper() + rest[1:]
    return name


class DossierTableModel(QAbstractTableModel):
    """Read-only rows of :class:`DossierRow`; ``search`` is ``DossierService.search``."""

    def __init__(
        self,
        search: Callable[[DossierQuery], list[DossierRow]],
        now: Callable[[], datetime],
        parent: QObject | None = None,
        *,
        page_size: int = PAGE_SIZE,
        thresholds: Callable[[], Thresholds] | None = None,
    ) -> None:
        super().__init__(parent)
        self._search = search
        self._now = now
        self._thresholds = thresholds
        self._bounds: Thresholds | None = None
        self._page_size = page_size
        self._rows: list[DossierRow] = []
        self._query = DossierQuery(limit=page_size)
        self._more = False

    # -- loading ------------------------------------------------------------------------------
    @property
    def query(self) -> DossierQuery:
        return self._query

    def page_query(self, query: DossierQuery) -> DossierQuery:
        return replace(query, before_id=None, limit=self._page_size)

    def reset_rows(
        self, query: DossierQuery, rows: list[DossierRow], *, complete: bool = False
    ) -> None:
        """Replace everything with the first page of ``query`` (already fetched); ``complete``:
        ``rows`` are all there is (a deadline view), nothing more to fetch."""
        self.beginResetModel()
        # The bounds of today and of the warning window, computed once per load, not per cell.
        self._bounds = self._thresholds() if self._thresholds is not None else None
        self._query = self.page_query(query)
        self._rows = list(rows)
        self._more = not complete and len(rows) >= self._page_size
        self.endResetModel()

    def load(self, query: DossierQuery) -> None:
        """Fetch the first page on this thread (tests, and refresh after a small change)."""
        query = self.page_query(query)
        self.reset_rows(query, self._search(query))

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._more

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or not self._more or not self._rows:
            return
        page = self._search(replace(self._query, before_id=self._rows[-1].id))
        self._more = len(page) >= self._page_size
        if not page:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
        self._rows.extend(page)
        self.endInsertRows()

    # -- reading ------------------------------------------------------------------------------
    def row_at(self, row: int) -> DossierRow:
        return self._rows[row]

    def loaded_count(self) -> int:
        return len(self._rows)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return _tr(COLUMNS[section][1]) if 0 <= section < len(COLUMNS) else None
        return section + 1

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (
            not index.isValid()
            or not 0 <= index.row() < len(self._rows)
            or not 0 <= index.column() < len(COLUMNS)
        ):
            return None
        row = self._rows[index.row()]
        key = COLUMN_KEYS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, key)
        if role == SORT_ROLE:
            return self._sort_value(row, key)
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.ToolTipRole:
            if key == "procedure_name":
                return f"{row.procedure_code} – {row.procedure_name}"
            if key in ("applicant_name", "field"):
                return getattr(row, key)
            deadline = self.deadline_of(row)
            if key == "due_at" and deadline:
                return _tr(DEADLINE_TIPS[deadline])
            return None
        if (
            role == Qt.ItemDataRole.ForegroundRole
            and key == "due_at"
            and self.deadline_of(row) == "overdue"
        ):
            return QBrush(OVERDUE_COLOR)
        if role == Qt.ItemDataRole.BackgroundRole:
            deadline = self.deadline_of(row)
            return QBrush(ROW_COLORS[deadline]) if deadline else None
        return None

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

    @staticmethod
    def _display(row: DossierRow, key: str) -> str:
        if key in ("received_at", "due_at"):
            return list_datetime(getattr(row, key))
        if key == "status":
            return row.status.label
        if key == "procedure_name":
            return short_procedure_name(row.procedure_name)
        return str(getattr(row, key))

    @staticmethod
    def _sort_value(row: DossierRow, key: str) -> Any:
        if key in ("received_at", "due_at"):
            return getattr(row, key).isoformat()
        if key == "status":
            return fold(row.status.label)
        if key in ("applicant_name", "procedure_name", "field"):
            # Vietnamese names sort by given name (the last word) in official lists.
            value = fold(getattr(row, key))
            return " ".join(reversed(value.split())) if key == "applicant_name" else value
        return str(getattr(row, key))


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
