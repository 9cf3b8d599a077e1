"""A plan target as a tile of the dashboard: its value, the target, met or not, and the change
from the previous period.

Met or not is said in words and a sign (✓ / ✗), not in colour alone: the tile stays readable on a
greyscale print and to a colour-blind reader. The change is in percentage points ("▲ 2,3 điểm").
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QVBoxLayout, QWidget

from tthc_desk.ui.dashboard_charts import percent_text
from tthc_desk.ui.display import ERROR_COLOR, MUTED_COLOR, heading_font
from tthc_desk.ui.i18n import translate

MET_COLOR = "#1b5e20"


def change_text(value: float | None, previous: float | None) -> str:
    """ "▲ 2,3 điểm so với kỳ trước", "▼ 1,0 điểm …", "= không đổi so với kỳ trước", or what is
    missing to compare."""
    if value is None or previous is None:
        return translate("dashboard", "Kỳ trước: chưa có số liệu để so sánh")
    points = round((value - previous) * 100, 1)
    if points == 0:
        return translate("dashboard", "= không đổi so với kỳ trước")
    sign = "▲" if points > 0 else "▼"
    figure = f"{abs(points):.1f}".replace(".", ",")
    return translate("dashboard", "{sign} {points} điểm so với kỳ trước ({previous})").format(
        sign=sign, points=figure, previous=percent_text(previous)
    )


def verdict_text(met: bool | None) -> str:
    if met is None:
        return translate("dashboard", "Chưa có số liệu")
    return translate("dashboard", "✓ Đạt") if met else translate("dashboard", "✗ Chưa đạt")


def target_text(target: float, strict: bool, numerator: int, denominator: int) -> str:
    """ "Chỉ tiêu > 95,0% · 120/126 hồ sơ"."""
    return translate("dashboard", "Chỉ tiêu {sign} {target} · {numerator}/{denominator}").format(
        sign=">" if strict else "≥",
        target=percent_text(target),
        numerator=numerator,
        denominator=denominator,
    )


def _colored(label: QLabel, color: str) -> None:
    palette = label.palette()
    palette.setColor(QPalette.ColorRole.WindowText, QColor(color))
    label.setPalette(palette)


class TargetTile(QFrame):
    """One plan target: title, value (large), target and counts, verdict, change."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        self.title_label = QLabel()
        self.title_label.setWordWrap(True)
        self.value_label = QLabel("—")
        self.value_label.setObjectName("tileValue")
        self.value_label.setFont(heading_font(self.font(), 1.8))
        self.target_label = QLabel()
        self.target_label.setWordWrap(True)
        _colored(self.target_label, MUTED_COLOR)
        self.verdict_label = QLabel()
        self.verdict_label.setObjectName("tileVerdict")
        self.verdict_label.setWordWrap(True)  # "Để theo dõi (không có chỉ tiêu)": two lines at 1024
        self.verdict_label.setFont(heading_font(self.font(), 1.0))
        self.change_label = QLabel()
        self.change_label.setObjectName("tileChange")
        self.change_label.setWordWrap(True)
        column = QVBoxLayout(self)
        column.setContentsMargins(8, 6, 8, 6)
        column.setSpacing(1)
        for label in (
            self.title_label,
            self.value_label,
            self.target_label,
            self.verdict_label,
            self.change_label,
        ):
            column.addWidget(label)
        column.addStretch(1)

    def show_figures(
        self,
        title: str,
        value: float | None,
        target_line: str,
        met: bool | None,
        previous: float | None,
    ) -> None:
        self.title_label.setText(f"<b>{title}</b>")
        self.value_label.setText(percent_text(value))
        self.target_label.setText(target_line)
        self.verdict_label.setText(verdict_text(met))
        _colored(
            self.verdict_label,
            MUTED_COLOR if met is None else (MET_COLOR if met else ERROR_COLOR),
        )
        self.change_label.setText(change_text(value, previous))
        self.setToolTip(f"{title}: {percent_text(value)} · {target_line}")
