"""The head of office's dashboard (*Tổng quan*, F5): the plan targets of a period as tiles, the
12-month trend, breakdowns by field, unit and clerk, late dossiers by responsible unit and reason,
satisfaction, channels, what will be late in the next 5 working days, and the Bộ chỉ số 766.

The period is chosen as on the reports page (week, month, quarter, half-year, year with the
reporting cut-offs, or a custom range). The figures come from
:meth:`DashboardService.figures` off the GUI thread (the window's busy state shows while it
lasts); F5 on the page loads them afresh. Tiles and the trend sit at the top, visible without
scrolling at 1366×768; the rest scrolls. Clicking (Enter) a row of a breakdown opens its
dossiers (ui/dashboard_dossiers.py); a dossier of the at-risk list opens in detail.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from tthc_desk.domain import periods
from tthc_desk.domain.access import Right
from tthc_desk.domain.dashboard import DashboardFigures, TileKind
from tthc_desk.domain.dossier import Channel
from tthc_desk.domain.errors import ValidationError
from tthc_desk.domain.lifecycle import Rating
from tthc_desk.domain.periods import Period, PeriodKind
from tthc_desk.services.container import Services
from tthc_desk.ui.dashboard_charts import (
    BAD,
    GOOD,
    MIDDLE,
    NEUTRAL,
    ChartView,
    fill_shares,
    percent_text,
)
from tthc_desk.ui.dashboard_dossiers import DossierSetDialog
from tthc_desk.ui.dashboard_models import (
    CODES_ROLE,
    SORT_ROLE,
    AtRiskTableModel,
    BreakdownTableModel,
    IndicatorTableModel,
    LateTableModel,
    ShareBarDelegate,
    points_text,
)
from tthc_desk.ui.dashboard_tiles import TargetTile, target_text
from tthc_desk.ui.display import (
    ColumnFit,
    date_edit,
    error_label,
    list_view,
    muted_label,
    needed_widths,
    qdate,
    to_date,
)
from tthc_desk.ui.dossier_detail_dialog import DossierDetailDialog
from tthc_desk.ui.errors import show_error
from tthc_desk.ui.labels import label, period_label
from tthc_desk.ui.page import Page, open_dialog
from tthc_desk.ui.print_preview import open_pdf
from tthc_desk.ui.reports_page import KINDS, recent_periods
from tthc_desk.ui.rights import allows
from tthc_desk.ui.tasks import TaskRunner

#: The tiles in the order they are laid out, four a row.
TILE_ORDER = (
    TileKind.ON_TIME,
    TileKind.EARLY,
    TileKind.APOLOGISED,
    TileKind.SATISFIED,
    TileKind.ONLINE,
    TileKind.POSTAL_RECEIVED,
    TileKind.POSTAL_RETURNED,
)
TREND_HEIGHT = 230
#: The at-risk list's widest usual cells (the procedure, column 4, takes what is left).
AT_RISK_SAMPLES = (
    "Trong 1 ngày",
    "Phòng Văn hóa - Xã hội",
    "000.17.22.H56-260302-0001",
    "Nguyễn Thị Thu Hà",
    "",
    "02/03/2026 08:00",
    "Đang giải quyết",
)
AT_RISK_PROCEDURE = 4
#: The 766 table's widest usual cells (the note, last, takes what is left).
INDICATOR_SAMPLES = (
    "2.1 Hồ sơ đã và đang xử lý đúng hạn, trong hạn",
    "2,5 ngày làm việc",
    "100,0%",
    "10,0",
    "10,0",
    "10,0",
    "",
)
#: A table of the lower part shows this many rows before it scrolls on its own.
TABLE_ROWS = 8


def _fit_rows(view: QTableView, rows: int, most: int = TABLE_ROWS) -> None:
    """A table as tall as its rows (up to ``most``): the page scrolls, not each table."""
    shown = max(1, min(rows, most))
    height = view.horizontalHeader().sizeHint().height() + shown * 26 + 4
    view.setFixedHeight(height)


def _fit_tabs(tabs: QTabWidget) -> None:
    """Tabs as tall as the table shown (not the tallest of them): no empty box under it."""
    page = tabs.currentWidget()
    if page is not None:
        tabs.setFixedHeight(page.height() + tabs.tabBar().sizeHint().height() + 4)


class DashboardPage(Page):
    """``dossier_list_wanted(dialog)``: a click-through opened its dossiers."""

    dossier_list_wanted = Signal(object)

    def __init__(
        self, services: Services, runner: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(services, runner, parent, spacing=6)
        self.setObjectName("dashboardPage")
        self.figures: DashboardFigures | None = None
        self.loaded_period: Period | None = None
        self.dialog: QDialog | None = None
        self.title.setText(self.tr("Tổng quan"))
        self._build_chooser()
        self._build_body()
        self.apply_rights()

    # -- building ---------------------------------------------------------------------------
    def _build_chooser(self) -> None:
        self.kind_combo = QComboBox()
        for kind in KINDS:
            self.kind_combo.addItem(label(kind), kind.value)
        self.kind_combo.setCurrentIndex(KINDS.index(PeriodKind.MONTH))
        self.period_combo = QComboBox()
        self.period_combo.setMinimumWidth(260)
        today = self._services.clock.now().date()
        self.from_edit = date_edit(today.replace(day=1))
        self.to_edit = date_edit(today)
        self.dash = QLabel("–")
        self.refresh_button = QPushButton(self.tr("Xem (F5)"))
        self.refresh_button.setDefault(True)
        self.refresh_button.setToolTip(self.tr("Tính lại số liệu của kỳ đã chọn (phím F5)"))
        self.brief_button = QPushButton(self.tr("Tóm tắt PDF…"))
        self.brief_button.setToolTip(
            self.tr("Xuất báo cáo tóm tắt (PDF) của kỳ đã chọn để in cho cuộc họp")
        )
        self.as_of_label = muted_label()
        self.as_of_label.setObjectName("asOfLabel")
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Kỳ:")))
        row.addWidget(self.kind_combo)
        row.addWidget(self.period_combo)
        row.addWidget(self.from_edit)
        row.addWidget(self.dash)
        row.addWidget(self.to_edit)
        row.addWidget(self.refresh_button)
        row.addWidget(self.brief_button)
        row.addWidget(self.as_of_label, 1)
        self.error = error_label()
        self.root.addLayout(row)
        self.root.addWidget(self.error)
        self.kind_combo.currentIndexChanged.connect(self._on_kind_combo_current_index_changed)
        self.period_combo.activated.connect(lambda _i: self.refresh())
        self.refresh_button.clicked.connect(self.refresh)
        self.brief_button.clicked.connect(self.open_brief)
        self._on_kind_combo_current_index_changed(0)

    def _build_body(self) -> None:
        body = QWidget()
        body.setObjectName("dashboardBody")
        self.body = QVBoxLayout(body)
        self.body.setContentsMargins(0, 0, 4, 0)
        self.body.setSpacing(8)
        tiles = QGridLayout()
        tiles.setSpacing(6)
        self.tiles: dict[TileKind, TargetTile] = {}
        for n, kind in enumerate(TILE_ORDER):
            tile = TargetTile(f"tile_{kind.value}")
            self.tiles[kind] = tile
            tiles.addWidget(tile, n // 4, n % 4)
        self.score_tile = TargetTile("tile_766")
        tiles.addWidget(self.score_tile, 1, 3)
        self.body.addLayout(tiles)

        self.trend = ChartView("trendChart")
        self.trend.setFixedHeight(TREND_HEIGHT)
        self.trend.chart().setTitle(self.tr("12 tháng gần nhất: tỷ lệ hồ sơ đã giải quyết"))
        self.body.addWidget(self.trend)

        self.at_risk_model = AtRiskTableModel(self)
        self.at_risk_view = self._table("atRiskTable", self.at_risk_model)
        # Every column read whole, the procedure taking what is left; on a narrow screen the
        # status, then the applicant, give way first (as in the dossier list).
        self.at_risk_fit = ColumnFit(
            self.at_risk_view,
            needed_widths(self.at_risk_view, AT_RISK_SAMPLES),
            AT_RISK_PROCEDURE,
            (6, 3),
        )
        self.at_risk_view.activated.connect(self._on_at_risk_view_activated)
        self.at_risk_note = muted_label()
        self.body.addWidget(
            self._group(
                self.tr("Hồ sơ có nguy cơ quá hạn (5 ngày làm việc tới)"),
                self.at_risk_note,
                self.at_risk_view,
            )
        )

        self.breakdowns = QTabWidget()
        self.breakdowns.setObjectName("breakdownTabs")
        self.breakdowns.currentChanged.connect(lambda _i: _fit_tabs(self.breakdowns))
        self.breakdown_models: list[BreakdownTableModel] = []
        self.breakdown_views: list[QTableView] = []
        for title, name_title, context in (
            (self.tr("Theo lĩnh vực"), self.tr("Lĩnh vực"), "field"),
            (self.tr("Theo đơn vị xử lý"), self.tr("Đơn vị xử lý"), "unit"),
            (self.tr("Theo cán bộ tiếp nhận"), self.tr("Cán bộ tiếp nhận"), "clerk"),
        ):
            model = BreakdownTableModel(name_title, context, self)
            view = self._table(f"breakdown_{context}", model)
            view.setItemDelegateForColumn(7, ShareBarDelegate(view))
            view.activated.connect(lambda index, v=view, t=title: self._open_codes(v, index, t))
            self.breakdown_models.append(model)
            self.breakdown_views.append(view)
            self.breakdowns.addTab(view, title)
        self.body.addWidget(
            self._group(
                self.tr("Hồ sơ của kỳ theo lĩnh vực, đơn vị, cán bộ"),
                muted_label(self.tr("Nhấp đúp (hoặc Enter) một dòng: xem các hồ sơ của dòng đó.")),
                self.breakdowns,
            )
        )

        self.late_tabs = QTabWidget()
        self.late_tabs.setObjectName("lateTabs")
        self.late_tabs.currentChanged.connect(lambda _i: _fit_tabs(self.late_tabs))
        self.late_models: list[LateTableModel] = []
        self.late_views: list[QTableView] = []
        for title, name_title, context in (
            (self.tr("Theo đơn vị chịu trách nhiệm"), self.tr("Đơn vị"), "unit"),
            (self.tr("Theo lý do"), self.tr("Lý do"), "reason"),
        ):
            late_model = LateTableModel(name_title, context, self)
            late_view = self._table(f"late_{context}", late_model)
            late_view.activated.connect(
                lambda index, v=late_view, t=title: self._open_codes(v, index, t)
            )
            self.late_models.append(late_model)
            self.late_views.append(late_view)
            self.late_tabs.addTab(late_view, title)
        self.body.addWidget(
            self._group(self.tr("Hồ sơ quá hạn (đã trả quá hạn hoặc đang quá hạn)"), self.late_tabs)
        )

        charts = QHBoxLayout()
        self.satisfaction_chart = ChartView("satisfactionChart")
        self.satisfaction_note = muted_label()
        self.channel_chart = ChartView("channelChart")
        self.channel_note = muted_label()
        for chart in (self.satisfaction_chart, self.channel_chart):
            chart.setFixedHeight(170)
        charts.addWidget(
            self._group(self.tr("Mức độ hài lòng"), self.satisfaction_chart, self.satisfaction_note)
        )
        charts.addWidget(
            self._group(
                self.tr("Kênh tiếp nhận và trả kết quả"), self.channel_chart, self.channel_note
            )
        )
        self.body.addLayout(charts)

        self.indicator_model = IndicatorTableModel(self)
        self.indicator_view = self._table("indicatorTable", self.indicator_model)
        # The indicator's name read whole; the note (why there is no value) takes what is left,
        # whole in its tooltip.
        self.indicator_fit = ColumnFit(
            self.indicator_view,
            needed_widths(self.indicator_view, INDICATOR_SAMPLES),
            len(INDICATOR_SAMPLES) - 1,
            (2,),  # the target, when the screen is too narrow (the points say enough)
        )
        self.score_label = QLabel()
        self.score_label.setObjectName("scoreLabel")
        self.score_label.setWordWrap(True)
        self.body.addWidget(
            self._group(
                self.tr("Bộ chỉ số 766 (phần tính được từ dữ liệu của bộ phận)"),
                self.score_label,
                self.indicator_view,
            )
        )
        self.body.addStretch(1)

        self.scroll_area = QScrollArea()
        self.scroll_area.setObjectName("dashboardScroll")
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QScrollArea.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll_area.setWidget(body)
        self.root.addWidget(self.scroll_area, 1)

    def _table(self, name: str, model: QAbstractItemModel) -> QTableView:
        proxy = QSortFilterProxyModel(self)
        proxy.setSourceModel(model)
        proxy.setSortRole(SORT_ROLE)
        view = list_view(name, proxy, sortable=True)
        header = view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        _fit_rows(view, 1)
        return view

    @staticmethod
    def _group(title: str, *widgets: QWidget) -> QGroupBox:
        box = QGroupBox(title)
        column = QVBoxLayout(box)
        column.setContentsMargins(6, 6, 6, 6)
        column.setSpacing(4)
        for w in widgets:
            column.addWidget(w)
        return box

    # -- rights ---------------------------------------------------------------------------------
    def apply_rights(self) -> None:
        allowed = allows(self._services.accounts, Right.VIEW_DASHBOARD)
        self.refresh_button.setEnabled(allowed)
        self.brief_button.setEnabled(
            allowed and allows(self._services.accounts, Right.BUILD_REPORT)
        )

    # -- the period -----------------------------------------------------------------------------
    @property
    def kind(self) -> PeriodKind:
        return PeriodKind(self.kind_combo.currentData())

    def set_kind(self, kind: PeriodKind) -> None:
        self.kind_combo.setCurrentIndex(KINDS.index(kind))

    def _on_kind_combo_current_index_changed(self, _index: int) -> None:
        custom = self.kind is PeriodKind.CUSTOM
        for w in (self.from_edit, self.dash, self.to_edit):
            w.setVisible(custom)
        self.period_combo.setVisible(not custom)
        self.period_combo.clear()
        if custom:
            return
        reports = self._services.reports
        today = self._services.clock.now().date()
        for p in recent_periods(self.kind, today, reports.cutoff, reports.week_start):
            self.period_combo.addItem(
                f"{period_label(p)} ({p.start:%d/%m/%Y} – {p.end:%d/%m/%Y})", p
            )
        # The period under way is what the head of office watches: it comes first.
        self.period_combo.setCurrentIndex(0)

    def period(self) -> Period:
        if self.kind is PeriodKind.CUSTOM:
            return periods.custom(to_date(self.from_edit.date()), to_date(self.to_edit.date()))
        period: Period = self.period_combo.currentData()
        return period

    def set_custom(self, start: date, end: date) -> None:
        self.set_kind(PeriodKind.CUSTOM)
        self.from_edit.setDate(qdate(start))
        self.to_edit.setDate(qdate(end))

    # -- loading --------------------------------------------------------------------------------
    def show_or_refresh(self) -> None:
        """Shown from the navigation: loaded the first time (after that, F5 or *Xem*)."""
        if self.figures is None:
            self.refresh()

    def refresh(self) -> None:
        self.error.hide()
        if not allows(self._services.accounts, Right.VIEW_DASHBOARD):
            return
        try:
            period = self.period()
        except ValidationError as exc:
            self.error.setText(exc.message)
            self.error.show()
            return
        dashboard = self._services.dashboard
        self.as_of_label.setText(self.tr("Đang tính số liệu…"))
        self._runner.run(
            lambda: dashboard.figures(period),
            self.newest(self.show_figures),
            self._on_failed,
            label=self.tr("Tính số liệu tổng quan"),
            trigger=self.refresh_button,
        )

    def open_brief(self) -> None:
        """The monthly briefing of the chosen period in the print preview (print, or save the
        PDF from there), built off the GUI thread."""
        self.error.hide()
        try:
            period = self.period()
        except ValidationError as exc:
            self.error.setText(exc.message)
            self.error.show()
            return
        dashboard = self._services.dashboard
        open_pdf(
            self,
            self._runner,
            lambda: dashboard.brief_pdf(period),
            title=self.tr("Báo cáo tóm tắt – {0}").format(period_label(period)),
            file_name=f"bao-cao-tom-tat-{period.key}.pdf",
            output_dir=self._services.paths.output_dir,
            label=self.tr("Lập báo cáo tóm tắt"),
            form="brief",
        )

    def _on_failed(self, exc: BaseException) -> None:
        self.as_of_label.setText(self.tr("Chưa tính được số liệu."))
        show_error(self, exc)

    # -- showing --------------------------------------------------------------------------------
    def show_figures(self, d: DashboardFigures) -> None:
        self.figures, self.loaded_period = d, d.period
        if d.as_of.date() > d.period.end:
            moment = self.tr("số liệu tính đến hết ngày {0:%d/%m/%Y}").format(d.period.end)
        else:
            moment = self.tr(
                "kỳ chưa kết thúc: số liệu tính đến {0:%H:%M} ngày {0:%d/%m/%Y}"
            ).format(d.as_of)
        compare = self.tr(" · so với {0}").format(period_label(d.previous)) if d.previous else ""
        self.as_of_label.setText(f"<b>{period_label(d.period)}</b> · {moment}{compare}")
        self._show_tiles(d)
        self._show_trend(d)
        self._show_tables(d)
        self._show_charts(d)

    def _show_tiles(self, d: DashboardFigures) -> None:
        for kind, tile in self.tiles.items():
            t = d.tile(kind)
            if t.target is None:
                line = self.tr("{0}/{1} hồ sơ").format(t.numerator, t.denominator)
            else:
                line = target_text(t.target, t.strict, t.numerator, t.denominator)
            tile.show_figures(label(kind), t.value, line, t.met, t.previous)
            if t.target is None:
                tile.verdict_label.setText(self.tr("Để theo dõi (không có chỉ tiêu)"))
        s = d.score
        self.score_tile.title_label.setText(self.tr("<b>Điểm Bộ chỉ số 766</b>"))
        self.score_tile.value_label.setText(
            self.tr("{0}/{1}").format(points_text(s.earned), points_text(s.scored_max))
        )
        self.score_tile.target_label.setText(
            self.tr("Mất {0} điểm; {1} điểm chưa tính được").format(
                points_text(s.lost), points_text(s.unscored_max)
            )
        )
        self.score_tile.verdict_label.setText("")
        self.score_tile.change_label.setText(self.tr("Chi tiết: cuối trang"))

    def _show_trend(self, d: DashboardFigures) -> None:
        months = [f"{p.period.end:%m/%y}" for p in d.trend]  # "03/26": room for 12 on 1024 px
        fill_shares(
            self.trend,
            months,
            [
                (self.tr("Trước hạn"), [p.figures.early for p in d.trend], GOOD),
                (self.tr("Đúng hạn"), [p.figures.on_time for p in d.trend], MIDDLE),
                (self.tr("Quá hạn"), [p.figures.late for p in d.trend], BAD),
            ],
        )

    def _show_tables(self, d: DashboardFigures) -> None:
        for model, view, rows in zip(
            self.breakdown_models,
            self.breakdown_views,
            (d.by_field, d.by_unit, d.by_clerk),
            strict=True,
        ):
            model.set_rows(rows)
            _fit_rows(view, len(rows))
        for late_model, view, groups in zip(
            self.late_models, self.late_views, (d.late_by_unit, d.late_by_reason), strict=True
        ):
            late_model.set_rows(groups)
            _fit_rows(view, len(groups))
        for tabs in (self.breakdowns, self.late_tabs):
            _fit_tabs(tabs)
        risky = [(g.unit, x) for g in d.at_risk for x in g.dossiers]
        self.at_risk_model.set_rows(risky)
        _fit_rows(self.at_risk_view, len(risky))
        urgent = sum(g.urgent for g in d.at_risk)
        self.at_risk_note.setText(
            self.tr(
                "{0} hồ sơ chưa có kết quả, hẹn trả đến {1:%H:%M} ngày {1:%d/%m/%Y}; "
                "{2} hồ sơ hẹn trả trong 1 ngày làm việc (đứng đầu danh sách)."
            ).format(len(risky), d.at_risk_until, urgent)
            if risky
            else self.tr("Không có hồ sơ nào hẹn trả trong 5 ngày làm việc tới mà chưa có kết quả.")
        )
        self.indicator_model.set_rows(d.indicators)
        _fit_rows(self.indicator_view, len(d.indicators), most=len(d.indicators))
        s = d.score
        self.score_label.setText(
            self.tr(
                "Điểm các chỉ số tính được: <b>{0}</b>/{1} (mất {2} điểm). Các chỉ số số hóa "
                "({3} điểm) chưa tính được từ dữ liệu của bộ phận."
            ).format(
                points_text(s.earned),
                points_text(s.scored_max),
                points_text(s.lost),
                points_text(s.unscored_max),
            )
        )

    def _show_charts(self, d: DashboardFigures) -> None:
        s = d.satisfaction
        ratings = (Rating.VERY_SATISFIED, Rating.SATISFIED, Rating.DISSATISFIED)
        fill_shares(
            self.satisfaction_chart,
            [self.tr("Đánh giá")],
            [
                (label(r), [s.count(r)], shade)
                for r, shade in zip(ratings, (GOOD, MIDDLE, BAD), strict=True)
            ],
            horizontal=True,
        )
        self.satisfaction_note.setText(
            self.tr("{0} lượt đánh giá / {1} kết quả đã trả: {2}").format(
                s.rated,
                s.returned,
                "; ".join(
                    f"{label(r)} {s.count(r)} ({percent_text(s.share_of(r))})" for r in ratings
                ),
            )
        )
        c = d.channels
        channels = (Channel.DIRECT, Channel.POSTAL, Channel.ONLINE)
        counts = (c.direct, c.postal, c.online)
        fill_shares(
            self.channel_chart,
            [self.tr("Hồ sơ mới")],
            [
                (label(ch), [n], shade)
                for ch, n, shade in zip(channels, counts, NEUTRAL, strict=True)
            ],
            horizontal=True,
        )
        self.channel_note.setText(
            self.tr("{0} hồ sơ mới: {1}. Trả kết quả qua bưu chính: {2}/{3} ({4}).").format(
                c.total,
                "; ".join(
                    f"{label(ch)} {n} ({percent_text(c.share_of(ch))})"
                    for ch, n in zip(channels, counts, strict=True)
                ),
                c.returned_postal,
                c.returned,
                percent_text(c.postal_return_share),
            )
        )

    # -- click-through --------------------------------------------------------------------------
    def _open_codes(self, view: QTableView, index: QModelIndex, title: str) -> QDialog | None:
        if not index.isValid() or self.loaded_period is None:
            return None
        codes = index.sibling(index.row(), 0).data(CODES_ROLE) or ()
        name = index.sibling(index.row(), 0).data()
        heading = self.tr("{0}: {1} · {2} ({3} hồ sơ)").format(
            title, name, period_label(self.loaded_period), len(codes)
        )
        dialog = DossierSetDialog(self._services, self._runner, heading, codes, self)
        self.dialog = open_dialog(dialog)
        self.dossier_list_wanted.emit(dialog)
        return dialog

    def open_breakdown_row(self, tab: int, row: int) -> QDialog | None:
        """Open the dossiers of row ``row`` (as sorted) of breakdown tab ``tab``."""
        view = self.breakdown_views[tab]
        return self._open_codes(view, view.model().index(row, 0), self.breakdowns.tabText(tab))

    def _on_at_risk_view_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_at_risk(index.row())

    def open_at_risk(self, row: int) -> DossierDetailDialog:
        proxy = self.at_risk_view.model()
        assert isinstance(proxy, QSortFilterProxyModel)
        code = self.at_risk_model.code_at(proxy.mapToSource(proxy.index(row, 0)).row())
        dialog = DossierDetailDialog(self._services, self._runner, code, self)
        self.dialog = open_dialog(dialog)
        return dialog
