"""One dossier in full: where it is, when it is due, every step so far, and what can happen next.

The header says the status, the unit holding the dossier, the appointment (original and extended)
and how it stands against it: `Trong hạn` / `Quá hạn` while open, `Trước hạn` / `Đúng hạn` /
`Quá hạn` once settled. The timeline lists every recorded step. The action bar offers one button
per move the lifecycle allows, each opening its small dialog; after a move the page reloads and
emits ``dossier_changed`` so the list and the deadline counts follow. The clerk also prints any
of the dossier's forms with a preview, drafts an apology letter, or corrects an intake mistake.
``Đổi nơi nhận kết quả…`` switches between the counter and the post; a dossier with a result
sent by post has a "Bưu chính" tab with each item (waybill, state, list, dates), and a result
the post sent back (chuyển hoàn) says it waits at the counter. The "Bản số hóa" tab
(ui/detail_scans.py) lists the digitised papers and result, shows their thumbnails to who may
see them, and attaches or exports them.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from tthc_desk.domain.access import Right
from tthc_desk.domain.dossier import Dossier, Status
from tthc_desk.domain.lifecycle import (
    ENDED_WITHOUT_RESULT,
    OPEN,
    ApologyLetter,
    Move,
    classify_open,
)
from tthc_desk.domain.postal import PostalItem, PostalState
from tthc_desk.domain.text import format_datetime, format_money
from tthc_desk.services.container import Services
from tthc_desk.services.lifecycle_service import MoveOutcome
from tthc_desk.services.postal_service import CHANGEABLE
from tthc_desk.ui.correction_dialog import CorrectionDialog
from tthc_desk.ui.detail_actions import FORMS, DossierActionsBar
from tthc_desk.ui.detail_parts import TextTableModel, fill_form, make_table, person_rows
from tthc_desk.ui.detail_scans import DossierScansTab
from tthc_desk.ui.display import ACCENT_COLOR, appointment_text, heading_font, muted_label
from tthc_desk.ui.errors import show_error
from tthc_desk.ui.i18n import translate
from tthc_desk.ui.labels import field_label, label
from tthc_desk.ui.move_dialogs import dialog_for
from tthc_desk.ui.move_form import MoveDialog
from tthc_desk.ui.page import open_dialog
from tthc_desk.ui.postal_dialogs import ReturnChoiceDialog
from tthc_desk.ui.print_preview import ReceiptDialog, open_pdf, open_receipt
from tthc_desk.ui.rights import guard
from tthc_desk.ui.tasks import TaskRunner
from tthc_desk.ui.timeline_widget import TimelineTableModel, TimelineView

BADGE = "color: white; background: {0}; border-radius: 9px; padding: 2px 10px; font-weight: bold;"
TIMELINESS_COLORS = {
    "early": "#2e7d32",
    "on_time": "#1565c0",
    "late": "#c62828",
    "within": "#2e7d32",
    "overdue": "#c62828",
}
WARNING_STYLE = "color: #8a5300; background: #fff4e0; border: 1px solid #f0c36d; padding: 6px;"
FORM_FILES = {
    "receipt": "giay-tiep-nhan",
    "control": "phieu-kiem-soat",
    "supplement": "phieu-yeu-cau-bo-sung",
    "refusal": "phieu-tu-choi",
    "stop": "phieu-dung-giai-quyet",
    "apology": "phieu-xin-loi",
}


class DossierDetailDialog(QDialog):
    """Everything about one dossier; ``dossier_changed`` after a move, a letter or a correction."""

    dossier_corrected = Signal(object)
    dossier_changed = Signal(object)

    def __init__(
        self, services: Services, runner: TaskRunner, code: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("dossierDetailDialog")
        self._services = services
        self._runner = runner
        self.dossier: Dossier = services.dossiers.get(code)
        self.correction_dialog: CorrectionDialog | None = None
        self.receipt_dialog: ReceiptDialog | None = None
        self.move_dialog: MoveDialog | None = None
        self.letter_dialog: QDialog | None = None
        self.return_dialog: ReturnChoiceDialog | None = None
        self.postal_items: list[PostalItem] = []
        self.resize(1180, 860)

        self.code_label = QLabel()
        self.code_label.setFont(heading_font(self.font(), 1.6))
        self.code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status_label = QLabel()
        self.status_label.setStyleSheet(BADGE.format(ACCENT_COLOR))
        self.timeliness_label = QLabel()
        self.timeliness_label.setObjectName("timelinessLabel")
        self.due_label = QLabel()
        self.due_label.setFont(heading_font(self.font(), 1.15))
        self.due_label.setStyleSheet(f"color: {ACCENT_COLOR};")
        head = QHBoxLayout()
        head.addWidget(self.code_label)
        head.addWidget(self.status_label, 0, Qt.AlignmentFlag.AlignVCenter)
        head.addWidget(self.timeliness_label, 0, Qt.AlignmentFlag.AlignVCenter)
        head.addStretch(1)
        head.addWidget(self.due_label)
        self.where_label = muted_label()
        self.where_label.setObjectName("whereLabel")
        self.warning_label = QLabel()
        self.warning_label.setObjectName("moveWarnings")
        self.warning_label.setWordWrap(True)
        self.warning_label.setStyleSheet(WARNING_STYLE)
        self.warning_label.hide()
        self.postal_hint = QLabel()
        self.postal_hint.setObjectName("postalHint")
        self.postal_hint.setWordWrap(True)
        self.postal_hint.setStyleSheet(WARNING_STYLE)
        self.postal_hint.hide()

        self.timeline_model = TimelineTableModel(self)
        self.timeline_view = TimelineView(self.timeline_model)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.timeline_view, self.tr("Diễn biến xử lý"))
        self.tabs.addTab(self._build_info_tab(), self.tr("Thông tin hồ sơ"))
        self.tabs.addTab(self._build_history_tab(), self.tr("Lịch sử sửa thông tin"))
        self.postal_model = TextTableModel(
            [
                self.tr("Số hiệu bưu gửi"),
                self.tr("Trạng thái"),
                self.tr("Danh sách"),
                self.tr("Người nhận"),
                self.tr("Giao bưu điện"),
                self.tr("Phát thành công"),
                self.tr("Phát không thành công"),
                self.tr("Chuyển hoàn"),
                self.tr("Ghi chú"),
            ],
            parent=self,
        )
        self.postal_view = make_table(self.postal_model, 8)
        self.postal_tab = self.tabs.addTab(self.postal_view, self.tr("Bưu chính"))
        self.scans = DossierScansTab(services, runner)
        self.scans_tab = self.tabs.insertTab(2, self.scans, self.tr("Bản số hóa"))
        self.postal_tab = self.tabs.indexOf(self.postal_view)
        self.scans.scans_changed.connect(self._on_scans_scans_changed)

        self.actions_bar = DossierActionsBar()
        self.actions_bar.move_requested.connect(self._on_actions_bar_move_requested)
        self.actions_bar.print_requested.connect(self._on_actions_bar_print_requested)
        self.actions_bar.apology_requested.connect(self._on_actions_bar_apology_requested)
        self.reprint_button = QPushButton(self.tr("In lại giấy tiếp nhận"))
        self.correct_button = QPushButton(self.tr("Sửa thông tin…"))
        self.return_button = QPushButton(self.tr("Đổi nơi nhận kết quả…"))
        self.return_button.setObjectName("returnChoiceButton")
        self.close_button = QPushButton(self.tr("Đóng"))
        self.close_button.setDefault(True)
        for b in (self.reprint_button, self.correct_button, self.return_button):
            b.setAutoDefault(False)
        self.reprint_button.clicked.connect(self._on_reprint_button_clicked)
        self.correct_button.clicked.connect(self._on_correct_button_clicked)
        self.return_button.clicked.connect(self._on_return_button_clicked)
        self.close_button.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.reprint_button)
        buttons.addWidget(self.correct_button)
        buttons.addWidget(self.return_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)

        root = QVBoxLayout(self)
        root.addLayout(head)
        root.addWidget(self.where_label)
        root.addWidget(self.warning_label)
        root.addWidget(self.postal_hint)
        root.addWidget(self.actions_bar)
        root.addWidget(self.tabs, 1)
        root.addLayout(buttons)
        self.show_dossier(self.dossier)

    def _build_info_tab(self) -> QWidget:
        self._dossier_form = QFormLayout()
        self._person_form = QFormLayout()
        for form in (self._dossier_form, self._person_form):
            form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            form.setVerticalSpacing(5)
            form.setHorizontalSpacing(12)
        dossier_box = QGroupBox(self.tr("Hồ sơ"))
        dossier_box.setLayout(self._dossier_form)
        person_box = QGroupBox(self.tr("Người nộp"))
        person_box.setLayout(self._person_form)
        columns = QHBoxLayout()
        columns.addWidget(dossier_box, 3)
        columns.addWidget(person_box, 2)
        self.papers_model = TextTableModel(
            [self.tr("Giấy tờ"), self.tr("Loại"), self.tr("Số lượng"), self.tr("Đã nộp")],
            parent=self,
        )
        papers_box = QGroupBox(self.tr("Giấy tờ trong hồ sơ"))
        self.papers_view = make_table(self.papers_model, 0)
        QVBoxLayout(papers_box).addWidget(self.papers_view)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addLayout(columns)
        layout.addWidget(papers_box, 1)
        return tab

    def _build_history_tab(self) -> QWidget:
        self.history_model = TextTableModel(
            [
                self.tr("Thời điểm"),
                self.tr("Người sửa"),
                self.tr("Mục"),
                self.tr("Cũ → Mới"),
                self.tr("Lý do"),
            ],
            parent=self,
        )
        self.history_box = QWidget()
        layout = QVBoxLayout(self.history_box)
        self.history_empty = muted_label(self.tr("Chưa sửa lần nào."))
        self.history_view = make_table(self.history_model, 4)
        layout.addWidget(self.history_empty)
        layout.addWidget(self.history_view, 1)
        return self.history_box

    # -- content ------------------------------------------------------------------------------
    def reload(self) -> None:
        self.show_dossier(self._services.dossiers.get(self.dossier.code))

    def show_dossier(self, d: Dossier) -> None:
        self.dossier = d
        self.setWindowTitle(self.tr("Hồ sơ {0}").format(d.code))
        self.code_label.setText(d.code)
        self.status_label.setText(label(d.status))
        self._show_timeliness(d)
        self._show_due(d)
        events = self._services.lifecycle.history(d.code)
        self.timeline_model.set_events(events)
        self.tabs.setTabText(0, self.tr("Diễn biến xử lý ({0})").format(len(events)))
        self.actions_bar.set_moves(self._services.lifecycle.allowed(d.code))
        self.actions_bar.apology_button.setVisible(d.status in OPEN)
        self._apply_rights()
        letters = self._services.apologies.for_dossier(d.code)
        self.letter_ids = [x.id for x in letters]
        self.actions_bar.set_printable(self._printable(d, events_kinds={e.kind for e in events}))
        self._fill_info(d)
        self._show_postal(d)
        self.scans.show_dossier(d)

    def show_scans(self) -> DossierScansTab:
        """The "Bản số hóa" tab, shown (its thumbnails are drawn then)."""
        self.tabs.setCurrentWidget(self.scans)
        return self.scans

    def _on_scans_scans_changed(self, count: int) -> None:
        self.tabs.setTabText(self.scans_tab, self.tr("Bản số hóa ({0})").format(count))

    def _apply_rights(self) -> None:
        """Moves, corrections and letters only for who may make them (who may: tooltip)."""
        accounts = self._services.accounts
        for button in self.actions_bar.move_buttons.values():
            guard(button, accounts, Right.MOVE)
        guard(self.actions_bar.apology_button, accounts, Right.DRAFT_LETTER)
        guard(self.correct_button, accounts, Right.CORRECT)

    def _show_postal(self, d: Dossier) -> None:
        changeable = d.status in CHANGEABLE
        self.return_button.setToolTip(
            ""
            if changeable
            else self.tr("Hồ sơ đang ở trạng thái “{0}”: không đổi được nơi nhận kết quả.").format(
                label(d.status)
            )
        )
        guard(self.return_button, self._services.accounts, Right.POSTAL, changeable)
        items = self._services.postal.items_for(d.code)
        self.postal_items = items
        self.postal_model.set_rows(
            [
                (
                    x.waybill or self.tr("(chưa có)"),
                    label(x.state),
                    x.batch_number,
                    x.recipient_name,
                    format_datetime(x.handed_over_at),
                    format_datetime(x.delivered_at),
                    format_datetime(x.failed_at),
                    format_datetime(x.returned_at),
                    x.note,
                )
                for x in items
            ]
        )
        self.tabs.setTabVisible(self.postal_tab, bool(items))
        self.tabs.setTabText(self.postal_tab, self.tr("Bưu chính ({0})").format(len(items)))
        hint = ""
        if items and d.status is Status.RESULT_READY:
            last = items[-1]
            if last.state is PostalState.RETURNED:
                hint = self.tr(
                    "Bưu điện đã chuyển hoàn kết quả ({0}) về Bộ phận Một cửa lúc {1}: kết quả chờ "
                    "trả tại quầy, "
                    "bấm “Trả kết quả…” khi người nhận đến."
                ).format(
                    last.waybill or self.tr("chưa có số hiệu"), format_datetime(last.returned_at)
                )
            elif last.state is PostalState.WAITING:
                hint = self.tr(
                    "Kết quả chờ giao bưu điện: lập danh sách bàn giao ở trang Bưu chính (F7)."
                )
        self.postal_hint.setText(hint)
        self.postal_hint.setVisible(bool(hint))

    def _show_timeliness(self, d: Dossier) -> None:
        settled = self._services.lifecycle.timeliness(d)
        if settled is not None:
            key, text = settled.value, label(settled)
        elif d.status in OPEN:
            open_state = classify_open(d.status, d.due_at, self._services.clock.now())
            key, text = open_state.value, label(open_state)
        else:
            key, text = "", ""
        self.timeliness = text
        self.timeliness_label.setText(text)
        self.timeliness_label.setVisible(bool(text))
        self.timeliness_label.setStyleSheet(BADGE.format(TIMELINESS_COLORS.get(key, ACCENT_COLOR)))

    def _show_due(self, d: Dossier) -> None:
        self.due_label.setText(self.tr("Hẹn trả: {0}").format(appointment_text(d.due_at)))
        parts: list[str] = []
        if d.status in OPEN and d.current_unit:
            parts.append(self.tr("Đang ở: <b>{0}</b>").format(d.current_unit))
        if d.original_due_at and d.original_due_at != d.due_at:
            parts.append(self.tr("Hẹn ban đầu: {0}").format(format_datetime(d.original_due_at)))
        if d.extended_due_at:
            note = "" if d.extended_due_at == d.due_at else self.tr(" (ghi nhận muộn, không tính)")
            parts.append(
                self.tr("Hẹn lại: {0}{1}").format(format_datetime(d.extended_due_at), note)
            )
        if d.settled_at:
            parts.append(self.tr("Có kết quả: {0}").format(format_datetime(d.settled_at)))
        if d.returned_at:
            parts.append(
                self.tr("Đã trả: {0} cho {1}").format(format_datetime(d.returned_at), d.returned_to)
            )
        if d.status in ENDED_WITHOUT_RESULT:
            parts.append(self.tr("Hồ sơ đã kết thúc, không có kết quả"))
        self.where_label.setText(" · ".join(parts))
        self.where_label.setVisible(bool(parts))

    def _printable(self, d: Dossier, events_kinds: set[str]) -> dict[str, str]:
        printing = self._services.printing
        why = {
            "supplement": ""
            if "supplement" in events_kinds
            else self.tr("Hồ sơ chưa có yêu cầu bổ sung."),
            "refusal": "" if d.status is Status.REFUSED else self.tr("Hồ sơ không bị từ chối."),
            "stop": "" if d.status is Status.STOPPED else self.tr("Hồ sơ không dừng giải quyết."),
            "apology": "" if self.letter_ids else self.tr("Hồ sơ chưa có phiếu xin lỗi."),
        }
        out: dict[str, str] = {}
        for key, _text in FORMS:
            if key != "apology" and not hasattr(printing, f"{key}_pdf"):
                out[key] = self.tr("Phần mềm chưa có mẫu in này.")
            else:
                out[key] = why.get(key, "")
        return out

    def _fill_info(self, d: Dossier) -> None:
        fill_form(
            self._dossier_form,
            [
                (self.tr("Thủ tục"), f"{d.procedure_code} – {d.procedure_name}"),
                (self.tr("Lĩnh vực"), d.field),
                (self.tr("Cơ quan giải quyết"), d.deciding_agency),
                (self.tr("Đơn vị xử lý"), d.handling_unit),
                (self.tr("Thời hạn giải quyết"), d.duration_text),
                (self.tr("Nhận lúc"), format_datetime(d.received_at)),
                (self.tr("Lý do nhập lùi"), d.backdate_reason),
                (self.tr("Hẹn trả"), appointment_text(d.due_at)),
                (self.tr("Lý do hẹn khác"), d.due_override_reason),
                (self.tr("Hình thức nộp"), label(d.channel)),
                (self.tr("Số hiệu bưu gửi khi nhận"), d.postal_reference),
                (
                    self.tr("Nhận kết quả"),
                    label(d.return_method) + (f": {d.return_address}" if d.return_address else ""),
                ),
                (
                    self.tr("Người nhận kết quả"),
                    ", ".join(filter(None, (d.return_recipient, d.return_phone))),
                ),
                (self.tr("Số bộ hồ sơ"), str(d.sets_count)),
                (
                    self.tr("Phí, lệ phí"),
                    format_money(d.fee_amount) if d.fee_amount else self.tr("Không thu"),
                ),
                (
                    self.tr("Sổ tiếp nhận"),
                    self.tr("Quyển {0}, số {1}").format(d.ledger_book, d.ledger_number),
                ),
                (self.tr("Cán bộ tiếp nhận"), d.clerk_name),
                (self.tr("Lý do chậm"), d.late_reason),
                (self.tr("Đơn vị chịu trách nhiệm"), d.responsible_unit),
                (self.tr("Ghi chú"), d.note),
            ],
        )
        rows = person_rows(self, d.applicant)
        if d.authorised is not None:
            rows += [
                (self.tr("Người được ủy quyền"), d.authorised.full_name),
                (self.tr("Số định danh"), d.authorised.id_number),
                (self.tr("Điện thoại"), d.authorised.phone),
            ]
        fill_form(self._person_form, rows)
        self.papers_model.set_rows(
            [
                (
                    p.name,
                    label(p.kind),
                    str(p.count),
                    self.tr("Có") if p.provided else self.tr("Chưa nộp"),
                )
                for p in d.papers
            ]
        )
        empty = self.tr("(trống)")
        self.history_model.set_rows(
            [
                (
                    format_datetime(c.at),
                    c.by,
                    field_label(c.field),
                    f"{c.old_value or empty} → {c.new_value or empty}",
                    c.reason,
                )
                for c in d.corrections
            ]
        )
        self.tabs.setTabText(
            self.tabs.indexOf(self.history_box),
            self.tr("Lịch sử sửa thông tin ({0})").format(len(d.corrections)),
        )
        self.history_empty.setVisible(not d.corrections)
        self.history_view.setVisible(bool(d.corrections))

    def history_rows(self) -> list[list[str]]:
        m = self.history_model
        return [[m.index(r, c).data() for c in range(m.columnCount())] for r in range(m.rowCount())]

    def timeline_rows(self) -> list[list[str]]:
        return self.timeline_model.row_texts()

    # -- moves --------------------------------------------------------------------------------
    def open_move(self, move: Move) -> MoveDialog:
        """The dialog of ``move`` (tests may force a move the bar does not offer)."""
        dialog = dialog_for(self._services, self._runner, self.dossier, move, self)
        dialog.move_done.connect(self._on_move_dialog_move_done)
        self.move_dialog = open_dialog(dialog)
        return dialog

    def _on_actions_bar_move_requested(self, move: Move) -> None:
        self.open_move(move)

    def _on_move_dialog_move_done(self, outcome: MoveOutcome) -> None:
        self.show_dossier(outcome.dossier)
        self.warning_label.setText("\n".join(outcome.warnings))
        self.warning_label.setVisible(bool(outcome.warnings))
        self.dossier_changed.emit(outcome.dossier)

    # -- apology letters ----------------------------------------------------------------------
    def _on_actions_bar_apology_requested(self) -> None:
        self.draft_apology()

    def draft_apology(self) -> None:
        code = self.dossier.code
        apologies = self._services.apologies
        self._runner.run(
            lambda: apologies.draft(code),
            self._on_letter_drafted,
            lambda exc: show_error(self, exc),
            write=True,
            label=self.tr("Lập phiếu xin lỗi"),
        )

    def _on_letter_drafted(self, letter: ApologyLetter) -> None:
        from tthc_desk.ui.apology_dialogs import LetterEditDialog

        dialog = LetterEditDialog(self._services, self._runner, letter, self)
        dialog.letter_saved.connect(self._on_letter_saved)
        open_dialog(dialog)
        self.letter_dialog = dialog
        self._on_letter_saved(letter)

    def _on_letter_saved(self, _letter: object) -> None:
        self.reload()
        self.dossier_changed.emit(self.dossier)

    # -- printing and correcting --------------------------------------------------------------
    def print_form(self, key: str) -> None:
        code = self.dossier.code
        if key == "apology":
            ids = list(self.letter_ids)
            make = lambda: self._services.apologies.pdf(ids)  # noqa: E731
        else:
            method = getattr(self._services.printing, f"{key}_pdf")
            make = lambda: method(code)  # noqa: E731
        title = translate("detail_actions", dict(FORMS)[key]).split(" (")[0]
        open_pdf(
            self,
            self._runner,
            make,
            title=f"{title} – {code}",
            file_name=f"{FORM_FILES[key]}-{code}.pdf",
            output_dir=self._services.paths.output_dir,
            on_open=self._on_receipt_opened,
            form=key,
        )

    def _on_actions_bar_print_requested(self, key: str) -> None:
        self.print_form(key)

    def open_correction(self) -> CorrectionDialog:
        dialog = CorrectionDialog(self._services, self._runner, self.dossier, self)
        dialog.dossier_corrected.connect(self._on_correction_dossier_corrected)
        self.correction_dialog = open_dialog(dialog)
        return dialog

    def _on_correct_button_clicked(self) -> None:
        self.open_correction()

    def _on_correction_dossier_corrected(self, dossier: Dossier) -> None:
        self.show_dossier(dossier)
        self.dossier_corrected.emit(dossier)
        self.dossier_changed.emit(dossier)

    def open_return_choice(self) -> ReturnChoiceDialog:
        dialog = ReturnChoiceDialog(self._services, self._runner, self.dossier, self)
        dialog.return_changed.connect(self._on_return_dialog_return_changed)
        self.return_dialog = open_dialog(dialog)
        return dialog

    def _on_return_button_clicked(self) -> None:
        self.open_return_choice()

    def _on_return_dialog_return_changed(self, dossier: Dossier) -> None:
        self.show_dossier(dossier)
        self.dossier_changed.emit(dossier)

    def postal_rows(self) -> list[list[str]]:
        m = self.postal_model
        return [[m.index(r, c).data() for c in range(m.columnCount())] for r in range(m.rowCount())]

    def _on_reprint_button_clicked(self) -> None:
        open_receipt(self, self._services, self._runner, self.dossier.code, self._on_receipt_opened)

    def _on_receipt_opened(self, dialog: ReceiptDialog) -> None:
        self.receipt_dialog = dialog
