"""Table models of the catalog screens: procedures (with an accent-insensitive filter) and
the required papers of one procedure.

Both are plain QAbstractTableModels over frozen domain values; checked with qtmodeltester.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, Qt

from tthc_desk.domain.procedure import DurationUnit, PaperKind, Procedure, RequiredPaper
from tthc_desk.domain.text import collapse_spaces, format_money
from tthc_desk.presentation import parse_label
from tthc_desk.ui.labels import duration_text, label
from tthc_desk.ui.row_table_model import Column, ColumnTableModel, Index, same
from tthc_desk.ui.widgets import FoldingFilterProxyModel

SORT_ROLE = Qt.ItemDataRole.UserRole
PROCEDURE_ROLE = Qt.ItemDataRole.UserRole + 1
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 2

# Rough length in working hours, only to sort the "Thời hạn" column sensibly.
_UNIT_HOURS = {
    DurationUnit.SAME_DAY: 0.0,
    DurationUnit.WORKING_HOURS: 1.0,
    DurationUnit.WORKING_DAYS: 8.0,
    DurationUnit.CALENDAR_DAYS: 8.0 * 5 / 7,
    DurationUnit.MONTHS: 8.0 * 22,
}


def _search_text(p: Procedure) -> str:
    """Code (with and without dots), name and field: what the filter's words may start."""
    return " ".join((p.code, p.code.replace(".", ""), p.name, p.field))


class ProcedureTableModel(ColumnTableModel[Procedure]):
    """Read-only rows of procedures; columns as the clerk reads the catalog."""

    CODE, NAME, FIELD, DURATION, FEE, CHARGE, POSTAL, ONLINE, ACTIVE = range(9)
    sort_role = SORT_ROLE

    def __init__(
        self, procedures: list[Procedure] | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._rows = list(procedures or [])
        money = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        self.set_columns(
            (
                Column(lambda p: p.code, title=self.tr("Mã")),
                Column(lambda p: p.name, tooltip=lambda p: p.name, title=self.tr("Tên thủ tục")),
                Column(lambda p: p.field, title=self.tr("Lĩnh vực")),
                Column(
                    lambda p: duration_text(p.duration),
                    sort=lambda p: _UNIT_HOURS[p.duration.unit] * max(p.duration.value, 0),
                    title=self.tr("Thời hạn"),
                ),
                Column(
                    lambda p: self._money_text(p.fee),
                    sort=lambda p: p.fee,
                    align=money,
                    title=self.tr("Phí"),
                ),
                Column(
                    lambda p: self._money_text(p.charge),
                    sort=lambda p: p.charge,
                    align=money,
                    title=self.tr("Lệ phí"),
                ),
                self._yes_no(lambda p: p.postal_return, self.tr("Bưu chính")),
                self._yes_no(lambda p: p.online, self.tr("Trực tuyến")),
                self._yes_no(lambda p: p.active, self.tr("Đang áp dụng")),
            ),
            row_roles={
                PROCEDURE_ROLE: same,
                SEARCH_ROLE: _search_text,
                Qt.ItemDataRole.ForegroundRole: lambda p: None if p.active else Qt.GlobalColor.gray,
            },
        )

    def _money_text(self, amount: int) -> str:
        return format_money(amount) if amount else self.tr("Không")

    def _yes_no(self, flag: Callable[[Procedure], bool], title: str) -> Column[Procedure]:
        return Column(
            lambda p: self.tr("Có") if flag(p) else self.tr("Không"),
            sort=lambda p: int(flag(p)),
            align=Qt.AlignmentFlag.AlignCenter,
            title=title,
        )

    def set_procedures(self, procedures: list[Procedure]) -> None:
        self.set_rows(procedures)

    def procedure(self, row: int) -> Procedure:
        return self._rows[row]

    def row_of(self, code: str) -> int:
        return next((i for i, p in enumerate(self._rows) if p.code == code), -1)


class ProcedureFilterProxyModel(FoldingFilterProxyModel):
    """Words typed without accents, one field (lĩnh vực) or all, and active-only."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent, search_role=SEARCH_ROLE)
        self._field = ""
        self._active_only = True
        self.setSortRole(SORT_ROLE)

    def set_field(self, field: str) -> None:
        if field != self._field:
            self.beginFilterChange()
            self._field = field
            self.endFilterChange(FoldingFilterProxyModel.Direction.Rows)

    def set_active_only(self, active_only: bool) -> None:
        if active_only != self._active_only:
            self.beginFilterChange()
            self._active_only = active_only
            self.endFilterChange(FoldingFilterProxyModel.Direction.Rows)

    def extra_filter(self, source_row: int, source_parent: Index) -> bool:
        p: Procedure = self.sourceModel().index(source_row, 0, source_parent).data(PROCEDURE_ROLE)
        if self._active_only and not p.active:
            return False
        return not self._field or p.field == self._field


class PaperTableModel(ColumnTableModel[RequiredPaper]):
    """Required papers: Tên giấy tờ · Loại bản · Số lượng, edited in place."""

    NAME, KIND, COUNT = range(3)

    def __init__(
        self, papers: tuple[RequiredPaper, ...] = (), parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._rows = list(papers)
        self.set_columns(
            (
                Column(lambda p: p.name, edit=lambda p: p.name, title=self.tr("Tên giấy tờ")),
                Column(
                    lambda p: label(p.kind), edit=lambda p: p.kind.value, title=self.tr("Loại bản")
                ),
                Column(
                    lambda p: p.count,
                    edit=lambda p: p.count,
                    align=Qt.AlignmentFlag.AlignCenter,
                    title=self.tr("Số lượng"),
                ),
            )
        )

    def papers(self) -> tuple[RequiredPaper, ...]:
        return tuple(replace(p, name=collapse_spaces(p.name)) for p in self._rows)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        p = self.item(index)
        if role != Qt.ItemDataRole.EditRole or p is None:
            return False
        changed = self._edited(p, index.column(), value)
        if changed is None:
            return False
        self._rows[index.row()] = changed
        self.dataChanged.emit(index, index, [role])
        return True

    def _edited(self, p: RequiredPaper, col: int, value: Any) -> RequiredPaper | None:
        """``p`` with the cell of ``col`` set to ``value``; None when the value does not fit."""
        if col == self.NAME:
            return replace(p, name=collapse_spaces(str(value or "")))
        if col == self.KIND:
            kind = parse_label(PaperKind, str(value or ""))
            return None if kind is None else replace(p, kind=kind)
        try:
            return replace(p, count=int(value))
        except (TypeError, ValueError):
            return None

    def add_paper(
        self, name: str = "", kind: PaperKind = PaperKind.ORIGINAL, count: int = 1
    ) -> QModelIndex:
        return self.append_row(RequiredPaper(name, kind, count), self.NAME)
