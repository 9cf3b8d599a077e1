"""The dashboard's tables: breakdowns by field, unit or clerk; late dossiers by responsible unit
or reason; what will be late; the Bộ chỉ số 766. Each is a :class:`ColumnTableModel` sorted by
a proxy on numbers (not on the text shown), with the row's dossier codes under ``CODES_ROLE``
for the click-through.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QRect, Qt
from PySide6.QtGui import QBrush, QColor, QPainter
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem

from tthc_desk.domain.dashboard import (
    AtRiskDossier,
    BreakdownRow,
    Indicator,
    LateGroup,
)
from tthc_desk.ui.dashboard_charts import percent_text
from tthc_desk.ui.display import ERROR_COLOR, list_datetime
from tthc_desk.ui.i18n import translate
from tthc_desk.ui.labels import label
from tthc_desk.ui.row_table_model import Column, ColumnTableModel, same

SORT_ROLE = int(Qt.ItemDataRole.UserRole) + 1
CODES_ROLE = int(Qt.ItemDataRole.UserRole) + 2
#: The share a bar cell draws (0–1, or None), under this role.
BAR_ROLE = int(Qt.ItemDataRole.UserRole) + 3
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
LATE = QBrush(QColor(ERROR_COLOR))


def points_text(value: float | None) -> str:
    """ "4,5" (one decimal, the decimal comma); "—" for none."""
    return "—" if value is None else f"{value:.1f}".replace(".", ",")


def unnamed(name: str, context: str) -> str:
    """A row whose dossiers do not say (no unit, no reason recorded)."""
    if name:
        return name
    return {
        "unit": translate("dashboard", "(chưa ghi đơn vị)"),
        "reason": translate("dashboard", "(chưa ghi lý do)"),
        "clerk": translate("dashboard", "(không rõ)"),
        "counter": translate("dashboard", "Bộ phận Một cửa (chưa chuyển)"),
    }.get(context, translate("dashboard", "(không rõ)"))


def _count(getter: Callable[[Any], int], title: str, late: bool = False) -> Column[Any]:
    return Column(
        lambda r: str(getter(r)),
        sort=getter,
        align=RIGHT,
        foreground=(lambda r: LATE if getter(r) else None) if late else None,
        title=title,
    )


def _share(getter: Callable[[Any], float | None], title: str) -> Column[Any]:
    return Column(
        lambda r: percent_text(getter(r)),
        sort=lambda r: -1.0 if getter(r) is None else getter(r),
        align=RIGHT,
        title=title,
    )


class BreakdownTableModel(ColumnTableModel[BreakdownRow]):
    """A field, unit or clerk per row: its dossiers by outcome, and the on-time share as a bar."""

    sort_role = SORT_ROLE

    def __init__(self, name_title: str, context: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows = []
        self.set_columns(
            [
                Column(lambda r: unnamed(r.name, context), title=name_title),
                _count(lambda r: r.total, translate("dashboard", "Tổng số")),
                _count(lambda r: r.early, translate("dashboard", "Trước hạn")),
                _count(lambda r: r.on_time, translate("dashboard", "Đúng hạn")),
                _count(lambda r: r.late, translate("dashboard", "Quá hạn"), late=True),
                _count(lambda r: r.within, translate("dashboard", "Đang giải quyết")),
                _count(lambda r: r.overdue, translate("dashboard", "Đang quá hạn"), late=True),
                _share(lambda r: r.on_time_share, translate("dashboard", "Trước và đúng hạn")),
            ],
            row_roles={CODES_ROLE: lambda r: r.codes, BAR_ROLE: lambda r: r.on_time_share},
        )


class LateTableModel(ColumnTableModel[LateGroup]):
    """Late dossiers of one responsible unit or reason."""

    sort_role = SORT_ROLE

    def __init__(self, name_title: str, context: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows = []
        self.set_columns(
            [
                Column(
                    lambda r: unnamed(r.name, context), tooltip=lambda r: r.name, title=name_title
                ),
                _count(lambda r: r.settled_late, translate("dashboard", "Đã trả quá hạn")),
                _count(lambda r: r.overdue, translate("dashboard", "Đang quá hạn")),
                _count(lambda r: r.with_letter, translate("dashboard", "Có phiếu xin lỗi")),
                _count(lambda r: r.total, translate("dashboard", "Tổng số"), late=True),
            ],
            row_roles={CODES_ROLE: lambda r: r.codes},
        )


#: A row of the at-risk list: the unit holding it and the dossier.
AtRisk = tuple[str, AtRiskDossier]


class AtRiskTableModel(ColumnTableModel[AtRisk]):
    """What will be late, flattened: the groups' order kept, the most at risk first."""

    sort_role = SORT_ROLE

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows = []
        self.set_columns(
            [
                Column(
                    lambda r: translate("dashboard", "Trong 1 ngày") if r[1].urgent else "",
                    sort=lambda r: 0 if r[1].urgent else 1,
                    foreground=lambda r: LATE if r[1].urgent else None,
                    title=translate("dashboard", "Nguy cơ"),
                ),
                Column(
                    lambda r: unnamed(r[0], "counter"),
                    title=translate("dashboard", "Đơn vị đang giữ"),
                ),
                Column(lambda r: r[1].row.code, title=translate("dashboard", "Mã hồ sơ")),
                Column(
                    lambda r: r[1].row.applicant_name, title=translate("dashboard", "Người nộp")
                ),
                Column(
                    lambda r: r[1].row.procedure_name,
                    tooltip=lambda r: r[1].row.procedure_name,
                    title=translate("dashboard", "Thủ tục"),
                ),
                Column(
                    lambda r: list_datetime(r[1].row.due_at),
                    sort=lambda r: r[1].row.due_at,
                    title=translate("dashboard", "Hẹn trả"),
                ),
                Column(
                    lambda r: label(r[1].row.status), title=translate("dashboard", "Trạng thái")
                ),
            ],
            row_roles={CODES_ROLE: lambda r: (r[1].row.code,)},
        )

    def code_at(self, row: int) -> str:
        return self._rows[row][1].row.code

    def due_at(self, row: int) -> datetime:
        return self._rows[row][1].row.due_at


def indicator_value(i: Indicator) -> str:
    if i.times:
        parts = []
        for t in i.times:
            if t.average is not None:
                parts.append(f"{points_text(t.average)} {label(t.unit)}")
        return "; ".join(parts) or "—"
    return percent_text(i.value)


class IndicatorTableModel(ColumnTableModel[Indicator]):
    """The Bộ chỉ số 766 the office's data can compute: value, target, points, points lost."""

    sort_role = SORT_ROLE

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows = []
        self.set_columns(
            [
                Column(
                    lambda r: label(r.code),
                    tooltip=lambda r: label(r.code),
                    title=translate("dashboard", "Chỉ số"),
                ),
                Column(
                    indicator_value,
                    sort=lambda r: r.value or 0,
                    align=RIGHT,
                    title=translate("dashboard", "Giá trị"),
                ),
                Column(
                    lambda r: percent_text(r.target) if r.target is not None else "—",
                    align=RIGHT,
                    title=translate("dashboard", "Chỉ tiêu"),
                ),
                Column(
                    lambda r: points_text(r.max_points),
                    sort=lambda r: r.max_points or 0,
                    align=RIGHT,
                    title=translate("dashboard", "Điểm tối đa"),
                ),
                Column(
                    lambda r: points_text(r.points),
                    sort=lambda r: r.points or 0,
                    align=RIGHT,
                    title=translate("dashboard", "Điểm đạt"),
                ),
                Column(
                    lambda r: points_text(r.lost),
                    sort=lambda r: r.lost or 0,
                    foreground=lambda r: LATE if r.lost else None,
                    align=RIGHT,
                    title=translate("dashboard", "Điểm mất"),
                ),
                Column(
                    lambda r: label(r.missing),
                    tooltip=lambda r: label(r.missing) or None,
                    title=translate("dashboard", "Ghi chú"),
                ),
            ],
            row_roles={Qt.ItemDataRole.UserRole: same},
        )


class ShareBarDelegate(QStyledItemDelegate):
    """Draws the cell's share (``BAR_ROLE``) as a dark bar under its text: a greyscale print
    shows the bar's length, the text gives the figure."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        value = index.data(BAR_ROLE)
        if isinstance(value, float):
            rect: QRect = option.rect.adjusted(3, 4, -3, -4)
            painter.save()
            painter.fillRect(rect, QColor("#eceff1"))
            filled = QRect(rect.left(), rect.top(), round(rect.width() * value), rect.height())
            painter.fillRect(filled, QColor("#a5d6a7"))  # light: the text stays readable on it
            painter.restore()
        super().paint(painter, option, index)
