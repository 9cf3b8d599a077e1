"""The public postal service page (F7): results waiting for the post, and every item sent.

Five buttons across the top, each with its count: Chờ giao bưu điện (results registered for
return by post, not yet handed over), Đã giao bưu điện, Đã phát thành công, Phát không thành
công, Chuyển hoàn. On the waiting tab every result is ticked; the clerk unticks the ones that
stay and makes the handover list (the handover dialog, with a barcode scanner). On the other tabs
the clerk records a waybill written later, what the post reports for one item, or imports the
post office's status file (all rows or none), and reprints a list. A result sent back
(chuyển hoàn) waits at the counter: Enter opens the dossier, where ``Trả kết quả…`` returns it
in person. The bottom line gives this month's shares received and returned by post.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QWidget,
)

from tthc_desk.domain.access import Right
from tthc_desk.domain.periods import PeriodKind
from tthc_desk.domain.postal import (
    PostalCounts,
    PostalItem,
    PostalShares,
    PostalState,
    StatusImportSummary,
    percent_text,
)
from tthc_desk.services.container import Services
from tthc_desk.ui.display import list_view, muted_label
from tthc_desk.ui.dossier_detail_dialog import DossierDetailDialog
from tthc_desk.ui.errors import show_error
from tthc_desk.ui.i18n import QT_TRANSLATE_NOOP, translate
from tthc_desk.ui.labels import label
from tthc_desk.ui.page import Page, open_dialog
from tthc_desk.ui.postal_dialogs import StatusUpdateDialog, WaybillDialog
from tthc_desk.ui.postal_handover_dialog import PostalHandoverDialog, open_batch_pdf
from tthc_desk.ui.postal_models import (
    ADDRESS_COLUMN,
    COLUMN_KEYS,
    COLUMN_SAMPLES,
    ITEM_ROLE,
    RETURNED_HINT,
    PostalItemTableModel,
)
from tthc_desk.ui.print_preview import ReceiptDialog
from tthc_desk.ui.rights import guard
from tthc_desk.ui.tasks import TaskRunner
from tthc_desk.ui.view_buttons import ViewButtons
from tthc_desk.ui.view_place import ViewPlace

STATES: tuple[PostalState, ...] = tuple(PostalState)
#: Button texts, translated by ViewButtons under the "PostalPage" context.
STATE_BUTTONS = {
    PostalState.WAITING: QT_TRANSLATE_NOOP("PostalPage", "Chờ giao bưu điện"),
    PostalState.HANDED_OVER: QT_TRANSLATE_NOOP("PostalPage", "Đã giao bưu điện"),
    PostalState.DELIVERED: QT_TRANSLATE_NOOP("PostalPage", "Đã phát thành công"),
    PostalState.FAILED: QT_TRANSLATE_NOOP("PostalPage", "Phát không thành công"),
    PostalState.RETURNED: QT_TRANSLATE_NOOP("PostalPage", "Chuyển hoàn"),
}
#: The hint under each tab, translated under the "postal" context.
HINTS = {
    PostalState.WAITING: QT_TRANSLATE_NOOP(
        "postal", "Bỏ dấu chọn những hồ sơ chưa giao hôm nay · Enter hoặc nhấp đúp: mở hồ sơ"
    ),
    PostalState.HANDED_OVER: QT_TRANSLATE_NOOP(
        "postal",
        "Chọn một bưu gửi để ghi số hiệu, cập nhật trạng thái hoặc in lại danh sách · "
        "Enter: mở hồ sơ",
    ),
    PostalState.DELIVERED: QT_TRANSLATE_NOOP("postal", "Enter hoặc nhấp đúp: mở hồ sơ"),
    PostalState.FAILED: QT_TRANSLATE_NOOP(
        "postal", "Bưu điện sẽ phát lại hoặc chuyển hoàn · Enter: mở hồ sơ"
    ),
    PostalState.RETURNED: RETURNED_HINT,
}
#: What can still happen to an item in each state.
OPEN_STATES = (PostalState.HANDED_OVER, PostalState.FAILED)
#: Columns each tab leaves out, so the address keeps room: the tab already says the state, a
#: waiting result has no waybill or list yet, a handed-over one has no later step.
HIDDEN_COLUMNS = {
    PostalState.WAITING: ("state", "waybill", "batch", "handed", "last"),
    PostalState.HANDED_OVER: ("state", "settled", "last"),
    PostalState.DELIVERED: ("state", "settled"),
    PostalState.FAILED: ("state", "settled"),
    PostalState.RETURNED: ("state", "settled"),
}


class PostalPage(Page):
    """``show_state(state)`` picks a tab; ``postal_changed`` after any change (the window
    recounts, the lists follow)."""

    postal_changed = Signal()

    def __init__(
        self, services: Services, runner: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(services, runner, parent)
        self.setObjectName("postalPage")
        self.state = PostalState.WAITING
        self.counts: PostalCounts | None = None
        self.dialog: QDialog | None = None
        self.detail_dialog: DossierDetailDialog | None = None
        self.preview: ReceiptDialog | None = None
        self.error_dialog: QDialog | None = None

        self.title.setText(self.tr("Bưu chính công ích"))
        self.states = ViewButtons([(state, STATE_BUTTONS[state]) for state in STATES], "PostalPage")
        self.state_buttons = self.states.buttons
        self.states.view_chosen.connect(self.show_state)
        states_row = self.states.row
        self.import_button = QPushButton(self.tr("Nhập tệp trạng thái…"))
        self.import_button.setToolTip(
            self.tr("Tệp CSV hoặc Excel của bưu điện: số hiệu bưu gửi, trạng thái, ngày")
        )
        states_row.addWidget(self.import_button)

        self.model = PostalItemTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        # Unsorted at first (as loaded); room for the check box in the widths.
        self.table = list_view(
            "postalTable", self.proxy, sortable=True, sizes=COLUMN_SAMPLES, pad=24
        )
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(ADDRESS_COLUMN, QHeaderView.ResizeMode.Stretch)
        self.table.activated.connect(self._on_table_activated)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.model.dataChanged.connect(self._update_buttons)

        self.check_all_button = QPushButton(self.tr("Chọn tất cả"))
        self.uncheck_all_button = QPushButton(self.tr("Bỏ chọn tất cả"))
        self.batch_button = QPushButton(self.tr("Lập danh sách bàn giao"))
        self.batch_button.setObjectName("batchButton")
        self.batch_button.setStyleSheet(
            "QPushButton#batchButton { font-weight: bold; padding: 4px 14px; }"
        )
        self.waybill_button = QPushButton(self.tr("Ghi số hiệu…"))
        self.update_button = QPushButton(self.tr("Cập nhật trạng thái…"))
        self.reprint_button = QPushButton(self.tr("In lại danh sách…"))
        self.open_button = QPushButton(self.tr("Mở hồ sơ"))
        buttons = QHBoxLayout()
        for b in (
            self.check_all_button,
            self.uncheck_all_button,
            self.batch_button,
            self.waybill_button,
            self.update_button,
            self.reprint_button,
        ):
            b.setAutoDefault(False)
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.open_button.setAutoDefault(False)
        buttons.addWidget(self.open_button)
        self.message_label = QLabel()
        self.message_label.setObjectName("postalMessage")
        self.message_label.setWordWrap(True)
        self.message_label.hide()
        self.count_label = muted_label()
        self.hint_label = muted_label()
        self.hint_label.setObjectName("postalHint")
        self.hint_label.setWordWrap(False)
        self.shares_label = muted_label()
        self.shares_label.setObjectName("sharesLabel")
        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label, 1)
        bottom.addWidget(self.hint_label)

        self.root.addWidget(self.states)
        self.root.addWidget(self.table, 1)
        self.root.addLayout(buttons)
        self.root.addWidget(self.message_label)
        self.root.addLayout(bottom)
        self.root.addWidget(self.shares_label)

        self.check_all_button.clicked.connect(lambda: self.model.set_all_checked(True))
        self.uncheck_all_button.clicked.connect(lambda: self.model.set_all_checked(False))
        self.batch_button.clicked.connect(self._on_batch_button_clicked)
        self.waybill_button.clicked.connect(self._on_waybill_button_clicked)
        self.update_button.clicked.connect(self._on_update_button_clicked)
        self.reprint_button.clicked.connect(self._on_reprint_button_clicked)
        self.import_button.clicked.connect(self._on_import_button_clicked)
        self.open_button.clicked.connect(self._on_open_button_clicked)
        self.state_buttons[self.state].setChecked(True)
        self._show_tab_widgets()
        self._importing = False
        self.apply_rights()

    # -- loading ------------------------------------------------------------------------------
    def show_state(self, state: PostalState) -> None:
        self.state = state
        self.state_buttons[state].setChecked(True)
        self._show_tab_widgets()
        self.refresh()

    def refresh(self) -> None:
        """Counts, the rows of the current tab and this month's shares, off the GUI thread."""
        self._load(self._on_loaded)

    def refresh_live(self) -> None:
        """Another counter PC changed results or lists: the tab again, the clerk's selection,
        scroll and unticked rows kept."""
        self._load(self._on_live_loaded)

    def _on_live_loaded(self, result: tuple[PostalCounts, list[PostalItem], PostalShares]) -> None:
        place = ViewPlace.take(self.table, self._key_at)
        self._on_loaded(result, select_first=False)
        place.restore(self.table, self._key_at)
        self._update_buttons()

    def _key_at(self, proxy_row: int) -> tuple[str, int | None]:
        item: PostalItem = self.proxy.index(proxy_row, 0).data(ITEM_ROLE)
        return item.dossier_code, item.id

    def _load(
        self, on_loaded: Callable[[tuple[PostalCounts, list[PostalItem], PostalShares]], None]
    ) -> None:
        state, postal = self.state, self._services.postal
        today = self._services.clock.now().date()
        # The reporting month (15th to 14th, or the calendar month by the report setting), so far.
        month = self._services.reports.period(PeriodKind.MONTH)

        def fetch() -> tuple[PostalCounts, list[PostalItem], PostalShares]:
            return (
                postal.counts(),
                postal.items(state),
                postal.postal_shares(month.start, min(month.end, today)),
            )

        self._runner.run(fetch, self.newest(on_loaded), label=self.tr("Bưu chính"))

    def _on_loaded(
        self,
        result: tuple[PostalCounts, list[PostalItem], PostalShares],
        select_first: bool = True,
    ) -> None:
        counts, items, shares = result
        self.set_counts(counts)
        self.model.set_items(items, checkable=self.state is PostalState.WAITING)
        self.count_label.setText(
            self.tr("{0} bưu gửi").format(len(items))
            if self.state is not PostalState.WAITING
            else self.tr("{0} kết quả chờ giao bưu điện").format(len(items))
        )
        self.shares_label.setText(self.shares_text(shares))
        if select_first and items and not self.table.currentIndex().isValid():
            self.table.selectRow(0)
        self._update_buttons()

    def set_counts(self, counts: PostalCounts) -> None:
        self.counts = counts
        self.states.set_counts({state: counts.of(state) for state in STATES})

    def shares_text(self, s: PostalShares) -> str:
        return self.tr(
            "Từ {0} đến {1}: nhận qua bưu chính {2}/{3} hồ sơ ({4}) · trả kết quả qua bưu chính "
            "{5}/{6} hồ sơ ({7})"
        ).format(
            f"{s.date_from:%d/%m/%Y}",
            f"{s.date_to:%d/%m/%Y}",
            s.received_by_post,
            s.received_total,
            percent_text(s.received_share),
            s.returned_by_post,
            s.returned_total,
            percent_text(s.returned_share),
        )

    def items(self) -> list[PostalItem]:
        """The rows as shown (sorted as the table is)."""
        return [self.proxy.index(r, 0).data(ITEM_ROLE) for r in range(self.proxy.rowCount())]

    def selected(self) -> PostalItem | None:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].data(ITEM_ROLE) if rows else None

    def select_code(self, code: str) -> None:
        for r in range(self.proxy.rowCount()):
            if self.proxy.index(r, 0).data(ITEM_ROLE).dossier_code == code:
                self.table.selectRow(r)
                return

    def set_checked(self, code: str, on: bool) -> None:
        for r in range(self.model.rowCount()):
            if self.model.item_at(r).dossier_code == code:
                self.model.setData(
                    self.model.index(r, 0),
                    Qt.CheckState.Checked if on else Qt.CheckState.Unchecked,
                    Qt.ItemDataRole.CheckStateRole,
                )

    def _show_tab_widgets(self) -> None:
        waiting = self.state is PostalState.WAITING
        for b in (self.check_all_button, self.uncheck_all_button, self.batch_button):
            b.setVisible(waiting)
        for b in (self.waybill_button, self.update_button, self.reprint_button):
            b.setVisible(not waiting)
        self.hint_label.setText(translate("postal", HINTS[self.state]))
        for col, key in enumerate(COLUMN_KEYS):
            self.table.setColumnHidden(col, key in HIDDEN_COLUMNS[self.state])

    def apply_rights(self) -> None:
        """Return by post is a clerk's (or the head of office's) work."""
        guard(self.import_button, self._services.accounts, Right.POSTAL, not self._importing)
        self._update_buttons()

    def _update_buttons(self, *_args: object) -> None:
        chosen = self.model.checked_items()
        accounts = self._services.accounts
        guard(self.batch_button, accounts, Right.POSTAL, bool(chosen))
        self.batch_button.setText(
            self.tr("Lập danh sách bàn giao ({0})").format(len(chosen))
            if chosen
            else self.tr("Lập danh sách bàn giao")
        )
        x = self.selected()
        open_item = x is not None and x.state in OPEN_STATES
        can_waybill = open_item and x is not None and not x.waybill
        guard(self.waybill_button, accounts, Right.POSTAL, can_waybill)
        guard(self.update_button, accounts, Right.POSTAL, open_item)
        self.reprint_button.setEnabled(x is not None and bool(x.batch_number))
        self.open_button.setEnabled(x is not None)
        self.reprint_button.setToolTip(
            self.tr("In lại danh sách {0}").format(x.batch_number) if x and x.batch_number else ""
        )

    # -- acting -------------------------------------------------------------------------------
    def _after_change(self, message: str = "") -> None:
        self.show_message(message)
        self.refresh()
        self.postal_changed.emit()

    def show_message(self, message: str) -> None:
        self.message_label.setText(message)
        self.message_label.setVisible(bool(message))

    def _open_dialog(self, dialog: QDialog) -> QDialog:
        self.dialog = open_dialog(dialog)
        return dialog

    def make_batch(self) -> PostalHandoverDialog | None:
        chosen = self.model.checked_items()
        if not chosen:
            return None
        dialog = PostalHandoverDialog(self._services, self._runner, chosen, self)
        dialog.batch_created.connect(self._on_handover_batch_created)
        self._open_dialog(dialog)
        return dialog

    def _on_handover_batch_created(self, batch: object) -> None:
        self._after_change(
            self.tr("Đã lập danh sách bàn giao số {0}.").format(getattr(batch, "number_text", ""))
        )

    def record_waybill(self) -> WaybillDialog | None:
        x = self.selected()
        if x is None or x.state not in OPEN_STATES:
            return None
        dialog = WaybillDialog(self._services, self._runner, x, self)
        dialog.waybill_saved.connect(
            lambda item: self._after_change(
                self.tr("Đã ghi số hiệu {0} cho hồ sơ {1}.").format(item.waybill, item.dossier_code)
            )
        )
        self._open_dialog(dialog)
        return dialog

    def update_status(self) -> StatusUpdateDialog | None:
        x = self.selected()
        if x is None or x.state not in OPEN_STATES:
            return None
        dialog = StatusUpdateDialog(self._services, self._runner, x, self)
        dialog.item_updated.connect(
            lambda item: self._after_change(
                self.tr("Hồ sơ {0}: {1}.").format(item.dossier_code, label(item.state))
            )
        )
        self._open_dialog(dialog)
        return dialog

    def import_file(self, path: Path) -> None:
        """Apply the post office's status file on the writer thread; every problem is shown
        (and nothing changes) when one row is wrong."""
        postal = self._services.postal
        self._importing = True
        self.import_button.setEnabled(False)
        self._runner.run(
            lambda: postal.import_statuses(path),
            self._on_import_done,
            self._on_import_failed,
            write=True,
            label=self.tr("Nhập tệp trạng thái bưu gửi"),
        )

    def _on_import_done(self, summary: StatusImportSummary) -> None:
        self._importing = False
        self.apply_rights()
        self._after_change(
            self.tr(
                "Đã nhập tệp trạng thái: {0} phát thành công, {1} phát không thành công, "
                "{2} chuyển hoàn, {3} dòng không đổi."
            ).format(summary.delivered, summary.failed, summary.returned, summary.unchanged)
        )

    def _on_import_failed(self, exc: BaseException) -> None:
        self._importing = False
        self.apply_rights()
        self.error_dialog = show_error(self, exc)

    def reprint(self, number: str | None = None) -> None:
        x = self.selected()
        number = number or (x.batch_number if x else "")
        if not number:
            return
        open_batch_pdf(
            self,
            self._services,
            self._runner,
            number,
            self._on_preview_opened,
            label=self.tr("In lại danh sách bàn giao"),
        )

    def open_code(self, code: str) -> DossierDetailDialog:
        dialog = DossierDetailDialog(self._services, self._runner, code, self)
        dialog.dossier_changed.connect(self._on_detail_dossier_changed)
        self.detail_dialog = open_dialog(dialog)
        return dialog

    def focus_table(self) -> None:
        self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)

    # -- slots --------------------------------------------------------------------------------
    def _on_batch_button_clicked(self) -> None:
        self.make_batch()

    def _on_waybill_button_clicked(self) -> None:
        self.record_waybill()

    def _on_update_button_clicked(self) -> None:
        self.update_status()

    def _on_reprint_button_clicked(self) -> None:
        self.reprint()

    def _on_import_button_clicked(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Nhập tệp trạng thái bưu gửi"),
            str(Path.home()),
            self.tr("Tệp CSV hoặc Excel (*.csv *.xlsx)"),
        )
        if chosen:
            self.import_file(Path(chosen))

    def _on_open_button_clicked(self) -> None:
        x = self.selected()
        if x is not None:
            self.open_code(x.dossier_code)

    def _on_table_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_code(index.data(ITEM_ROLE).dossier_code)

    def _on_detail_dossier_changed(self, _dossier: object) -> None:
        self.refresh()
        self.postal_changed.emit()

    def _on_preview_opened(self, dialog: ReceiptDialog) -> None:
        self.preview = dialog
