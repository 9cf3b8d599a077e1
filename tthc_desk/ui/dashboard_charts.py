"""The dashboard's charts (Qt Charts, from PySide6-Addons), drawn so that a greyscale print still
tells the series apart.

Every series differs in lightness (dark, middle, light) and, for the one the head of office looks
for first (late dossiers, the dissatisfied), in pattern too: a hatched brush reads on a black and
white printer where red and green become the same grey. The values are counts; the charts show
shares with the Vietnamese decimal comma, the counts in the tooltips.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalPercentBarSeries,
    QPercentBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPen
from PySide6.QtWidgets import QWidget

from tthc_desk.ui.i18n import translate


@dataclass(frozen=True)
class Shade:
    """How one series is painted: a colour of its own lightness, and a pattern or none."""

    color: str
    pattern: Qt.BrushStyle = Qt.BrushStyle.SolidPattern

    def brush(self) -> QBrush:
        return QBrush(QColor(self.color), self.pattern)


#: Early / on time / late (and the like: good, middle, bad): dark, middle, light hatched. Their
#: greys (luma) are about 24 %, 55 % and 83 %, and the last is hatched besides.
GOOD, MIDDLE, BAD = (
    Shade("#1b5e20"),
    Shade("#5c9fd6"),
    Shade("#d32f2f", Qt.BrushStyle.BDiagPattern),
)
#: Three kinds with no good or bad (the channels): dark, middle, light, the last dotted.
NEUTRAL = (Shade("#263238"), Shade("#8d9db6"), Shade("#cfd8dc", Qt.BrushStyle.Dense4Pattern))


def percent_text(value: float | None, digits: int = 1) -> str:
    """ "95,2%" (the house writes percentages with the decimal comma, as the reports page does);
    "—" when there is nothing to measure."""
    if value is None:
        return "—"
    return f"{value * 100:.{digits}f}%".replace(".", ",")


def share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


class ChartView(QChartView):
    """A chart on a white ground, antialiased, with little margin (room is short on 1024×640)."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        chart = QChart()
        chart.setBackgroundRoundness(0)
        chart.setMargins(QMargins(4, 4, 4, 4))
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        super().__init__(chart, parent)
        self.setObjectName(name)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        #: The values drawn, per series name (what tests and the tooltips read).
        self.values: dict[str, list[int]] = {}

    def clear(self) -> None:
        chart = self.chart()
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        self.values = {}


def _bar_set(name: str, values: Sequence[int], shade: Shade) -> QBarSet:
    bar = QBarSet(name)
    bar.append([float(v) for v in values])
    bar.setBrush(shade.brush())
    bar.setPen(QPen(QColor("#37474f"), 0.6))
    return bar


def _tooltip(view: ChartView, categories: Sequence[str]) -> Callable[[bool, int, QBarSet], None]:
    """Hovering a bar says its count and its share of the category."""

    def on_hovered(status: bool, index: int, bar: QBarSet) -> None:
        if not status:
            view.setToolTip("")
            return
        whole = sum(values[index] for values in view.values.values())
        count = int(bar.at(index))
        view.setToolTip(
            translate("dashboard", "{category} · {series}: {count} hồ sơ ({share})").format(
                category=categories[index],
                series=bar.label(),
                count=count,
                share=percent_text(share(count, whole)),
            )
        )

    return on_hovered


def fill_shares(
    view: ChartView,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[int], Shade]],
    *,
    horizontal: bool = False,
) -> None:
    """Stacked bars of shares (each category sums to 100 %): one bar per category, one segment
    per series ``(name, counts per category, shade)``. A category with no count draws no bar."""
    view.clear()
    chart = view.chart()
    bars = QHorizontalPercentBarSeries() if horizontal else QPercentBarSeries()
    bars.setBarWidth(0.7)
    for name, values, shade in series:
        bars.append(_bar_set(name, values, shade))
        view.values[name] = list(values)
    bars.hovered.connect(_tooltip(view, categories))
    chart.addSeries(bars)
    names = QBarCategoryAxis()
    names.append(list(categories))
    shares = QValueAxis()
    shares.setRange(0, 100)
    shares.setTickCount(5)
    shares.setLabelFormat("%d%%")
    if horizontal:
        chart.addAxis(names, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(shares, Qt.AlignmentFlag.AlignBottom)
    else:
        chart.addAxis(names, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(shares, Qt.AlignmentFlag.AlignLeft)
    bars.attachAxis(names)
    bars.attachAxis(shares)
