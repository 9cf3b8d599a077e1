"""The head of office's monthly briefing: the dashboard's figures on one or two A4 pages.

ND 30/2020 header (the office left, the national motto and the place and date right), the title
and period, then: the plan targets with their change from the previous period, the 12-month trend
as stacked bars (early / on time / late in three greys far apart, so a greyscale copy still reads),
the breakdowns by field and by handling unit, the late dossiers by responsible unit, the Bộ chỉ
số 766 points, what will be late, and the head of office's signature. Every word comes from the
``brief`` template (``resources/templates/brief.toml``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from tthc_desk.domain.dashboard import (
    AtRiskGroup,
    BreakdownRow,
    DashboardFigures,
    Indicator,
    LateGroup,
    NotComputable,
    Tile,
    TrendPoint,
)
from tthc_desk.domain.text import nfc
from tthc_desk.presentation import label, period_label
from tthc_desk.printing import body, fonts, forms, heading, layout, signatures
from tthc_desk.printing.document import build_pdf
from tthc_desk.printing.layout import FRAME_WIDTH, Styles
from tthc_desk.printing.templates import FormTemplate

TEMPLATE_NAME = "brief"
REQUIRED_KEYS: tuple[str, ...] = (
    "form.title",
    "form.period",
    "form.as_of",
    "form.summary",
    *(f"sections.{k}" for k in ("targets", "trend", "fields", "units", "late", "index", "at_risk")),
    "targets.columns",
    "targets.more_than",
    "targets.at_least",
    "targets.met",
    "targets.not_met",
    "targets.no_data",
    "targets.no_target",
    "trend.early",
    "trend.on_time",
    "trend.late",
    "breakdown.columns",
    "breakdown.unnamed",
    "breakdown.others",
    "late.columns",
    "late.unnamed",
    "late.empty",
    "index.columns",
    "index.total",
    "index.no_scans",
    "at_risk.counter",
    "at_risk.line",
    "at_risk.empty",
)

#: Rows of a breakdown printed before the rest are summed into one line.
BREAKDOWN_ROWS = 8
LATE_ROWS = 6
#: The trend's bands, dark to light, far apart in grey: early, on time, late (hatched black edge).
BAND_FILLS = (colors.Color(0.15, 0.15, 0.15), colors.Color(0.62, 0.62, 0.62), colors.white)


def percent(value: float | None) -> str:
    """0.952 → "95,2%"; None → "—"."""
    return "—" if value is None else f"{value * 100:.1f}%".replace(".", ",")


def points_text(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}".replace(".", ",")


def delta_text(value: float | None) -> str:
    """+0.021 → "+2,1 điểm %" (share points); None → "—"."""
    if value is None:
        return "—"
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    return f"{sign}{abs(value) * 100:.1f}".replace(".", ",") + " điểm %"


def _section(title: str, st: Styles) -> Flowable:
    return layout.para(title, st.note_heading)


def _tile_row(t: FormTemplate, tile: Tile) -> list[str]:
    if tile.target is None:
        target = t.text("targets.no_target")
    else:
        key = "targets.more_than" if tile.strict else "targets.at_least"
        target = t.text(key, value=percent(tile.target))
    verdict = {True: "targets.met", False: "targets.not_met", None: "targets.no_data"}[tile.met]
    value = f"{percent(tile.value)} ({tile.numerator}/{tile.denominator})"
    shown_verdict = t.text(verdict) if tile.target is not None else t.text("targets.no_target")
    return [
        label(tile.kind),
        value,
        target,
        shown_verdict,
        percent(tile.previous),
        delta_text(tile.delta),
    ]


def _targets(t: FormTemplate, tiles: Sequence[Tile], st: Styles) -> Flowable:
    return body.ruled_table(
        [list(t.texts("targets.columns"))],
        [_tile_row(t, x) for x in tiles],
        [w * mm for w in (52, 31, 20, 20, 18, 24)],
        st.compact_head,
        st.compact_cell,
        st.compact_cell_center,
        center_columns=[1, 2, 3, 4, 5],
        padding=1 * mm,
    )


def trend_chart(t: FormTemplate, points: Sequence[TrendPoint]) -> Drawing:
    """Stacked bars per month: early, on time, late shares of the dossiers settled (%)."""
    width, height = FRAME_WIDTH, 46 * mm
    drawing = Drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y = int(12 * mm), int(10 * mm)
    chart.width, chart.height = int(width - 48 * mm), int(height - 16 * mm)
    bands = [
        [(p.early_share or 0.0) * 100 for p in points],
        [(p.on_time_share or 0.0) * 100 for p in points],
        [(p.late_share or 0.0) * 100 for p in points],
    ]
    chart.data = bands
    chart.categoryAxis.style = "stacked"
    chart.categoryAxis.categoryNames = [f"{p.period.end:%m/%y}" for p in points]
    chart.categoryAxis.labels.fontName = fonts.REGULAR
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 20
    chart.valueAxis.labels.fontName = fonts.REGULAR
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labelTextFormat = "%d%%"
    chart.barWidth = int(6 * mm)
    for i, fill in enumerate(BAND_FILLS):
        chart.bars[i].fillColor = fill
        chart.bars[i].strokeColor = colors.black
        chart.bars[i].strokeWidth = 0.5
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y = int(width - 33 * mm), int(height - 12 * mm)
    legend.fontName = fonts.REGULAR
    legend.fontSize = 8
    legend.strokeColor = colors.black
    legend.strokeWidth = 0.5
    legend.colorNamePairs = list(
        zip(
            BAND_FILLS,
            (t.text("trend.early"), t.text("trend.on_time"), t.text("trend.late")),
            strict=True,
        )
    )
    drawing.add(legend)
    return drawing


def _breakdown_rows(t: FormTemplate, rows: Sequence[BreakdownRow]) -> list[list[str]]:
    shown, rest = rows[:BREAKDOWN_ROWS], rows[BREAKDOWN_ROWS:]
    out = [
        [
            nfc(r.name) or t.text("breakdown.unnamed"),
            str(r.total),
            str(r.early),
            str(r.on_time),
            str(r.late),
            str(r.pending),
            str(r.overdue),
            percent(r.on_time_share),
        ]
        for r in shown
    ]
    if rest:
        sums = [sum(getattr(r, k) for r in rest) for k in ("early", "on_time", "late")]
        within, overdue = sum(r.within for r in rest), sum(r.overdue for r in rest)
        settled = sum(sums)
        out.append(
            [
                t.text("breakdown.others", count=len(rest)),
                str(settled + within + overdue),
                *(str(n) for n in sums),
                str(within + overdue),
                str(overdue),
                percent((sums[0] + sums[1]) / settled if settled else None),
            ]
        )
    return out


def _breakdown(t: FormTemplate, rows: Sequence[BreakdownRow], st: Styles) -> Flowable:
    return body.ruled_table(
        [list(t.texts("breakdown.columns"))],
        _breakdown_rows(t, rows),
        [w * mm for w in (53, 15, 16, 16, 15, 18, 15, 17)],
        st.compact_head,
        st.compact_cell,
        st.compact_cell_center,
        center_columns=[1, 2, 3, 4, 5, 6, 7],
        padding=1 * mm,
    )


def _late(t: FormTemplate, groups: Sequence[LateGroup], st: Styles) -> Flowable:
    if not groups:
        return layout.para(t.text("late.empty"), st.field)
    rows = [
        [
            nfc(g.name) or t.text("late.unnamed"),
            str(g.settled_late),
            str(g.overdue),
            f"{g.with_letter}/{g.total}",
        ]
        for g in groups[:LATE_ROWS]
    ]
    return body.ruled_table(
        [list(t.texts("late.columns"))],
        rows,
        [w * mm for w in (75, 30, 30, 30)],
        st.compact_head,
        st.compact_cell,
        st.compact_cell_center,
        center_columns=[1, 2, 3],
        padding=1 * mm,
    )


def _indicator_value(i: Indicator) -> str:
    if i.times:
        return "; ".join(
            f"{(x.average or 0):.1f} {label(x.unit)}".replace(".", ",") for x in i.times
        )
    if i.value is None:
        return "—"
    return f"{percent(i.value)} ({i.numerator}/{i.denominator})"


def _target_text(i: Indicator) -> str:
    if i.max_points is None or i.missing is NotComputable.NO_RULE:
        return "—"
    return percent(i.target if i.target is not None else 1.0)


def _indicator_row(i: Indicator) -> list[str]:
    return [
        label(i.code),
        _indicator_value(i),
        _target_text(i),
        points_text(i.points),
        points_text(i.max_points),
        points_text(i.lost),
    ]


def _indicator_rows(t: FormTemplate, items: Sequence[Indicator]) -> list[list[str]]:
    """One row per indicator; those the office's data cannot compute because dossiers carry no
    scans (4.x) share one row that says so, with their points together."""
    no_scans = [i for i in items if i.missing is NotComputable.NO_SCANS]
    rows = [_indicator_row(i) for i in items if i.missing is not NotComputable.NO_SCANS]
    if no_scans:
        codes = ", ".join(i.code.value for i in no_scans)
        rows.insert(
            len(rows) - 1,
            [
                t.text("index.no_scans", codes=codes),
                label(NotComputable.NO_SCANS),
                "—",
                "—",
                points_text(sum(i.max_points or 0 for i in no_scans)),
                "—",
            ],
        )
    return rows


def _index(t: FormTemplate, figures: DashboardFigures, st: Styles) -> list[Flowable]:
    table = body.ruled_table(
        [list(t.texts("index.columns"))],
        _indicator_rows(t, figures.indicators),
        [w * mm for w in (62, 41, 17, 14, 14, 17)],
        st.compact_head,
        st.compact_cell,
        st.compact_cell_center,
        center_columns=[2, 3, 4, 5],
        padding=1 * mm,
    )
    s = figures.score
    total = t.text(
        "index.total",
        earned=points_text(s.earned),
        max=points_text(s.scored_max),
        lost=points_text(s.lost),
        unscored=points_text(s.unscored_max),
    )
    return [table, layout.para(total, st.note)]


def _at_risk(t: FormTemplate, groups: Sequence[AtRiskGroup], st: Styles) -> list[Flowable]:
    if not groups:
        return [layout.para(t.text("at_risk.empty"), st.field)]
    return [
        layout.para(
            "– "
            + t.text(
                "at_risk.line",
                unit=nfc(g.unit) or t.text("at_risk.counter"),
                count=len(g.dossiers),
                urgent=g.urgent,
            ),
            st.field,
        )
        for g in groups
    ]


def _heading(
    t: FormTemplate, figures: DashboardFigures, issued_on: date, st: Styles
) -> list[Flowable]:
    p = figures.period
    header = heading.office_header(t, figures.office, issued_on)
    period = t.text(
        "form.period",
        period=period_label(p),
        date_from=f"{p.start:%d/%m/%Y}",
        date_to=f"{p.end:%d/%m/%Y}",
    )
    as_of = t.text("form.as_of", as_of=f"{figures.as_of:%d/%m/%Y %H:%M}")
    f = figures.figures
    summary = t.text(
        "form.summary",
        received=f.received,
        carried=f.carried_over,
        settled=f.settled,
        pending=f.pending,
        overdue=f.pending_overdue,
    )
    return [
        *heading.document_heading(
            header, t.text("form.title"), [layout.esc(period), layout.esc(as_of)], st
        ),
        Spacer(1, 2 * mm),
        layout.para(summary, st.body),
    ]


def brief_story(figures: DashboardFigures, t: FormTemplate, st: Styles) -> list[Flowable]:
    issued_on = figures.generated_at.date()
    signed = signatures.signature_block(
        None, signatures.Signer.head_of(figures.office).column(), st
    )
    return [
        *_heading(t, figures, issued_on, st),
        _section(t.text("sections.targets"), st),
        _targets(t, figures.tiles, st),
        KeepTogether([_section(t.text("sections.trend"), st), trend_chart(t, figures.trend)]),
        KeepTogether(
            [_section(t.text("sections.fields"), st), _breakdown(t, figures.by_field, st)]
        ),
        KeepTogether([_section(t.text("sections.units"), st), _breakdown(t, figures.by_unit, st)]),
        KeepTogether([_section(t.text("sections.late"), st), _late(t, figures.late_by_unit, st)]),
        KeepTogether([_section(t.text("sections.index"), st), *_index(t, figures, st)]),
        KeepTogether(
            [_section(t.text("sections.at_risk"), st), *_at_risk(t, figures.at_risk, st), signed]
        ),
    ]


def brief_pdf(figures: DashboardFigures, template_dir: Path | None = None) -> bytes:
    """The briefing as PDF bytes (A4 portrait, one or two pages)."""
    t = forms.load_form(TEMPLATE_NAME, REQUIRED_KEYS, template_dir)
    st = layout.get_styles(12.0)
    title = t.text("form.title")
    return build_pdf(
        [brief_story(figures, t, st)],
        title=f"{title} – {period_label(figures.period)}",
        author=nfc(figures.office.office_name),
        subject=period_label(figures.period),
        styles=st,
    )
