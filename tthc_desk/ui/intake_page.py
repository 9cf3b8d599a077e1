"""The counter intake screen: one citizen, one dossier, one printed receipt.

Reading order is working order: procedure → applicant (ID number first: it finds a returning
applicant; then name, birth date, phone, address) → authorised person → papers → receiving and
return → save. The chip ID card's QR code, typed by a 2D scanner into any input of a person's
block or into *Quét CCCD* (Ctrl+Q), fills ID number, name, birth date and address at once, then
looks the applicant up like a typed ID number; a line that is not a card's code is refused with
the reason, and nothing changes. The appointment (ngày hẹn trả) is recomputed by
the dossier service whenever the procedure, the received moment or the override changes, and is
shown large at the bottom, beside the save button. Problems come back from the service as one
ValidationError and are shown under each field; focus goes to the first one.

On the office's server (issue 12): a save that meets a lost server is not done, and says so on
the form, which keeps everything typed; once the server is back the note says to press *Lưu*
again. The form keeps one :class:`~tthc_desk.domain.server.SaveAttempt` across its tries: a try
whose commit the server never confirmed is asked about before anything is saved again, so a
dossier is never saved twice (the clerk is told when the earlier press had saved it).

Digitised papers (issue 15): each paper's line is scanned with "Số hóa…" (Ctrl+D on the line,
or files dropped on it) in a :class:`~tthc_desk.ui.paper_scan_dialog.PaperScanDialog` over the
window's scan sources; once the ID number is known, the applicant's earlier copies are offered
on the lines of the same papers (*Dùng lại bản đã số hóa*). The scans and reuses are kept until
the dossier is saved, then attached in the same job (ui/intake_scans.py), before the receipt.
"""

from __future__ import annotations

import itertools
import logging
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from tthc_desk.domain.access import Right
from tthc_desk.domain.cccd import CccdData, CccdUnreadable, parse_cccd_qr
from tthc_desk.domain.dossier import Dossier, DossierDraft
from tthc_desk.domain.errors import Problem, ServerUnavailableError, TthcError, ValidationError
from tthc_desk.domain.procedure import Procedure
from tthc_desk.domain.scans import ScannedPdf
from tthc_desk.domain.server import SaveAttempt
from tthc_desk.scanning.pages import PageRef
from tthc_desk.services.container import Services
from tthc_desk.services.failures import describe_failure
from tthc_desk.ui.display import (
    ERROR_COLOR,
    appointment_text,
    error_label,
    heading_font,
)
from tthc_desk.ui.errors import FieldErrors, show_error
from tthc_desk.ui.intake_details import IntakeDetailsWidget
from tthc_desk.ui.intake_panels import AppointmentBar, SavedDossierPanel
from tthc_desk.ui.intake_scans import IntakeSaved, not_attached_text, receive_with_scans
from tthc_desk.ui.labels import duration_text
from tthc_desk.ui.page import open_dialog
from tthc_desk.ui.paper_checklist import PaperChecklist
from tthc_desk.ui.person_form import PersonForm
from tthc_desk.ui.print_preview import (
    PrinterSource,
    ReceiptDialog,
    open_receipt,
    quick_print_receipt,
)
from tthc_desk.ui.printer_choice import quick_print_enabled, quick_printer
from tthc_desk.ui.procedure_picker import ProcedurePicker
from tthc_desk.ui.rights import guard
from tthc_desk.ui.scan_sources import ScanSources, paper_dialog
from tthc_desk.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from tthc_desk.ui.paper_scan_dialog import PaperScanDialog

log = logging.getLogger(__name__)


class IntakePage(QWidget):
    """Receive a dossier; ``dossier_saved`` carries the saved Dossier."""

    dossier_saved = Signal(object)

    def __init__(
        self,
        services: Services,
        runner: TaskRunner,
        parent: QWidget | None = None,
        *,
        print_after_save: bool = True,
        scan_sources: ScanSources | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("intakePage")
        self._services = services
        self._runner = runner
        self.print_after_save = print_after_save
        #: The window's scanner folder and scanner (None: each dialog watches the setting).
        self.scan_sources = scan_sources
        #: The scan dialog last opened for a paper (None until one is).
        self.scan_dialog: PaperScanDialog | None = None
        #: The ID number whose earlier copies the checklist offers ("" when none).
        self.copies_for = ""
        self.last_dossier: Dossier | None = None
        self.receipt_dialog: ReceiptDialog | None = None
        #: Where *In nhanh* sends receipts (tests put a PDF file there).
        self.quick_printer: PrinterSource = quick_printer
        self.duplicate_box: QMessageBox | None = None
        self.settled_box: QMessageBox | None = None
        self.card_box: QMessageBox | None = None
        self._saving = False
        #: This form's tries to save while the server may be lost (None: no try yet).
        self.attempt: SaveAttempt | None = None
        #: A try met a lost server and the form is still unsaved.
        self.unsaved_after_loss = False
        self.computed_due: datetime | None = None

        title = QLabel(self.tr("Tiếp nhận hồ sơ"))
        title.setFont(heading_font(self.font(), 1.5))
        self.banner = QLabel()
        self.banner.setObjectName("errorBanner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(
            f"background: #fdecea; color: {ERROR_COLOR}; border: 1px solid #f5c6cb; border-radius: "
            f"4px; padding: 8px;"
        )
        self.banner.hide()
        self.success = SavedDossierPanel()
        self.saved_code = self.success.code_label
        self.success.reprint_button.clicked.connect(self.print_last)

        self.picker = ProcedurePicker(services.catalog)
        self.applicant = PersonForm("applicant")
        self.authorised_check = QCheckBox(self.tr("Có người được ủy quyền nộp thay"))
        self.authorised = PersonForm("authorised", full=False)
        self.authorised.hide()
        self.papers = PaperChecklist()
        self.papers_error = error_label()
        self.details = IntakeDetailsWidget(services.clock.now)

        left = QVBoxLayout()
        left.addWidget(self._group(self.tr("1. Thủ tục hành chính"), self.picker))
        applicant_box = QWidget()
        ab = QVBoxLayout(applicant_box)
        ab.setContentsMargins(0, 0, 0, 0)
        ab.addWidget(self.applicant)
        ab.addWidget(self.authorised_check)
        ab.addWidget(self.authorised)
        left.addWidget(self._group(self.tr("2. Người nộp hồ sơ"), applicant_box))
        left.addStretch(1)
        papers_box = QWidget()
        pb = QVBoxLayout(papers_box)
        pb.setContentsMargins(0, 0, 0, 0)
        pb.addWidget(self.papers)
        pb.addWidget(self.papers_error)
        right = QVBoxLayout()
        right.addWidget(self._group(self.tr("3. Giấy tờ trong hồ sơ"), papers_box))
        right.addWidget(self._group(self.tr("4. Tiếp nhận và trả kết quả"), self.details))
        right.addStretch(1)
        content = QWidget()
        columns = QHBoxLayout(content)
        columns.setContentsMargins(0, 0, 6, 0)
        columns.setSpacing(12)
        columns.addLayout(left, 11)
        columns.addLayout(right, 10)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setWidget(content)

        root = QVBoxLayout(self)
        root.setContentsMargins(12, 10, 12, 10)
        root.setSpacing(8)
        root.addWidget(title)
        root.addWidget(self.banner)
        root.addWidget(self.success)
        root.addWidget(self.scroll_area, 1)
        bar = AppointmentBar()
        self.appointment, self.appointment_note = bar.appointment, bar.note
        self.new_button, self.save_button = bar.new_button, bar.save_button
        self.new_button.clicked.connect(self.reset)
        self.save_button.clicked.connect(self.save)
        root.addWidget(bar)

        fields: dict[str, tuple[QWidget, QLabel]] = {
            "procedure": (self.picker.edit, self.picker.error)
        }
        fields.update(self.applicant.error_fields())
        fields.update(self.authorised.error_fields())
        fields["papers"] = (self.papers, self.papers_error)
        fields.update(self.details.error_fields())
        self.field_errors = FieldErrors(fields)
        for key, (widget, _label) in fields.items():
            if isinstance(widget, QLineEdit):
                widget.textEdited.connect(lambda _t, k=key: self.field_errors.set(k, ""))

        self.picker.procedure_changed.connect(self._on_picker_procedure_changed)
        self.applicant.id_number_completed.connect(self._on_applicant_id_number_completed)
        self.applicant.address_edited.connect(self.details.set_applicant_address)
        self.applicant.card_scanned.connect(self._on_applicant_card_scanned)
        self.authorised.card_scanned.connect(self._on_authorised_card_scanned)
        self.scan_shortcut = QShortcut(QKeySequence("Ctrl+Q"), self)
        self.scan_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.scan_shortcut.activated.connect(self.focus_card_scan)
        self.authorised_check.toggled.connect(self._on_authorised_check_toggled)
        for person in (self.applicant, self.authorised):
            person.full_name.textChanged.connect(self._on_person_text_changed)
            person.phone.textChanged.connect(self._on_person_text_changed)
        self.papers.papers_changed.connect(self._fix_tab_order)
        self.papers.scan_requested.connect(self._on_papers_scan_requested)
        self.papers.files_dropped.connect(self._on_papers_files_dropped)
        self.applicant.id_number.textChanged.connect(self._on_applicant_id_number_changed)
        self.details.received_changed.connect(self._on_details_received_changed)
        self.details.due_override_changed.connect(self.update_appointment)
        self.details.override_check.toggled.connect(self._on_override_check_toggled)
        self._fix_tab_order()
        self.update_appointment()
        self.apply_rights()

    # -- building -----------------------------------------------------------------------------
    @staticmethod
    def _group(title: str, body: QWidget) -> QGroupBox:
        box = QGroupBox(title)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(10, 8, 10, 10)
        layout.addWidget(body)
        return box

    def tab_chain(self) -> list[QWidget]:
        """Inputs in the order Tab visits them."""
        chain: list[QWidget] = [self.picker.edit]
        chain += [w for w, _ in self.applicant.error_fields().values()]
        chain.append(self.authorised_check)
        chain += [w for w, _ in self.authorised.error_fields().values()]
        for i in range(self.papers.row_count()):
            chain += self.papers.row_widgets(i)
        chain.append(self.papers.add_button)
        d = self.details
        chain += [
            d.channel,
            d.postal_reference,
            d.return_counter,
            d.return_postal,
            d.return_recipient,
            d.return_phone,
            d.return_address,
            d.sets_count,
            d.fee,
            d.received,
            d.now_button,
            d.backdate_reason,
            d.override_check,
            d.due_override,
            d.due_override_reason,
            d.note,
            self.save_button,
            self.new_button,
        ]
        return chain

    def _fix_tab_order(self) -> None:
        chain = self.tab_chain()
        for a, b in itertools.pairwise(chain):
            QWidget.setTabOrder(a, b)

    # -- public -------------------------------------------------------------------------------
    def apply_rights(self) -> None:
        """Only a clerk or the head of office receives dossiers (the form stays readable)."""
        guard(self.save_button, self._services.accounts, Right.RECEIVE, not self._saving)

    def is_dirty(self) -> bool:
        return bool(self.picker.edit.text().strip()) or not self.applicant.is_empty()

    def reset(self) -> None:
        """A clean form for the next citizen, focus on the procedure."""
        self.picker.clear()
        self.applicant.clear()
        self.authorised.clear()
        self.authorised_check.setChecked(False)
        self.papers.clear()
        self.papers.offer_copies([])
        self.copies_for = ""
        self.details.reset()
        self.field_errors.clear()
        self.banner.hide()
        self.attempt = None
        self.unsaved_after_loss = False
        self.update_appointment()
        self.picker.edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def collect(self) -> tuple[DossierDraft, list[Problem]]:
        """The draft as typed, plus problems only the form can see (a date it cannot read)."""
        applicant, problems = self.applicant.person()
        authorised = None
        if self.authorised_check.isChecked():
            authorised, more = self.authorised.person()
            problems += more
        values, more = self.details.values()
        problems += more
        draft = DossierDraft(
            procedure_code=self.picker.code(),
            applicant=applicant,
            authorised=authorised,
            papers=self.papers.papers(),
            **values,
        )
        return draft, problems

    def save(self) -> None:
        """Validate, save through the write worker, show the code, print, reset. After a try
        the server never confirmed, the server is asked about it first."""
        if self._saving:
            return
        attempt = self.attempt
        if attempt is not None and (attempt.in_doubt or attempt.saved_id is not None):
            self._settle_then_save(attempt)
            return
        self._check_then_save()

    def _settle_then_save(self, attempt: SaveAttempt) -> None:
        self._saving = True
        self.save_button.setEnabled(False)
        dossiers = self._services.dossiers
        self._runner.run(
            lambda: dossiers.settle(attempt),
            self._on_settled,
            self._on_receive_failed,
            label=self.tr("Hỏi máy chủ về lần lưu trước"),
        )

    def _on_settled(self, dossier: Dossier | None) -> None:
        self._saving = False
        self.apply_rights()
        if dossier is None:  # the earlier tries were rolled back: save as usual
            self._check_then_save()
            return
        self._tell_saved_earlier(dossier)
        # The earlier press saved the dossier but never reached its scans: attach them now.
        attachments = self._services.attachments
        scans, reuses = self.papers.scans(), self.papers.reuses()
        self._saving = True
        self._runner.run(
            lambda: receive_with_scans(lambda: dossier, attachments, scans, reuses),
            self._on_receive_done,
            self._on_receive_failed,
            write=True,
            label=self.tr("Lưu bản số hóa"),
        )

    def _tell_saved_earlier(self, dossier: Dossier) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Information,
            self.tr("Hồ sơ đã được lưu"),
            self.tr(
                "Hồ sơ {0} đã được lưu ở lần bấm Lưu trước: máy chủ đã nhận trước khi mất kết "
                "nối. Không lưu thêm lần nữa. Nếu đã sửa gì trên màn hình sau lần bấm đó, hãy sửa "
                "hồ sơ {0} trong Danh sách hồ sơ."
            ).format(dossier.code),
            parent=self,
        )
        self.settled_box = box
        box.open()

    def _check_then_save(self) -> None:
        draft, problems = self.collect()
        if problems:
            seen = {p.field for p in problems}
            try:
                self._services.dossiers.validate(draft)
            except ValidationError as exc:
                problems += [p for p in exc.problems if p.field not in seen]
            summary = self.tr("Chưa lưu được hồ sơ: cần sửa các mục được đánh dấu.")
            self._show_problems(ValidationError(summary, problems))
            return
        try:
            earlier = self._services.dossiers.probable_duplicate(draft)
        except TthcError as exc:  # the server is lost: nothing is saved, the form stays
            self._on_receive_failed(exc)
            return
        if earlier is not None:
            self._ask_before_saving_again(draft, earlier)
            return
        self._save_now(draft)

    def _ask_before_saving_again(self, draft: DossierDraft, earlier: str) -> None:
        """A retry of an intake just saved (e.g. after a failed print) is asked about first
        (window-modal, the caller never blocks)."""
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Có thể trùng hồ sơ"),
            self.tr(
                "Hồ sơ {0} cùng thủ tục, cùng số định danh vừa được tiếp nhận trong 10 phút qua."
                "\nNếu đây là lần lưu lại của hồ sơ đó, đừng lưu nữa: mở hồ sơ {0} để in lại "
                "giấy tiếp nhận.\nĐây có đúng là một hồ sơ mới không?"
            ).format(earlier),
            parent=self,
        )
        box.addButton(self.tr("Lưu hồ sơ mới"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("Không lưu"), QMessageBox.ButtonRole.RejectRole)
        accept = QMessageBox.ButtonRole.AcceptRole
        box.buttonClicked.connect(
            lambda button: self._save_now(draft) if box.buttonRole(button) == accept else None
        )
        self.duplicate_box = box
        box.open()

    def _save_now(self, draft: DossierDraft) -> None:
        self._saving = True
        self.save_button.setEnabled(False)
        dossiers, attachments = self._services.dossiers, self._services.attachments
        attempt = self.attempt = self.attempt or SaveAttempt()
        scans, reuses = self.papers.scans(), self.papers.reuses()
        self._runner.run(
            lambda: receive_with_scans(
                lambda: dossiers.receive(draft, attempt), attachments, scans, reuses
            ),
            self._on_receive_done,
            self._on_receive_failed,
            write=True,
            label=self.tr("Lưu hồ sơ"),
        )

    def print_last(self, *, quick: bool = False) -> None:
        """The last saved dossier's receipt: its preview, or with ``quick`` (the PC's *In nhanh*
        after a save) straight to the receipt printer."""
        if self.last_dossier is not None:
            code = self.last_dossier.code
            if quick:
                quick_print_receipt(
                    self,
                    self._services,
                    self._runner,
                    code,
                    on_printed=self.success.show_printed,
                    on_open=self._on_receipt_opened,
                    on_failed=lambda exc: self._on_receipt_failed(code, exc),
                    printer_source=self.quick_printer,
                )
                return
            open_receipt(
                self,
                self._services,
                self._runner,
                code,
                self._on_receipt_opened,
                on_failed=lambda exc: self._on_receipt_failed(code, exc),
            )

    def _on_receipt_failed(self, code: str, exc: BaseException) -> None:
        """The dossier is saved whatever happened to its receipt: say so, and how to reprint."""
        log.error("Receipt of %s not made", code, exc_info=exc)
        why = exc.message if isinstance(exc, TthcError) else describe_failure(exc)
        show_error(
            self,
            TthcError(
                self.tr(
                    "Hồ sơ {0} ĐÃ ĐƯỢC LƯU nhưng chưa tạo được giấy tiếp nhận{1}. Đừng tiếp nhận "
                    "lại: bấm “{2}” hoặc mở hồ sơ {0} để in lại."
                ).format(
                    code, f" ({why.rstrip('.')})" if why else "", self.success.reprint_button.text()
                )
            ),
        )

    # -- results ------------------------------------------------------------------------------
    def _on_receive_done(self, saved: IntakeSaved) -> None:
        dossier = saved.dossier
        self._saving = False
        self.apply_rights()
        attempt = self.attempt
        earlier = attempt is not None and attempt.saved_earlier
        if earlier and (self.settled_box is None or not self.settled_box.isVisible()):
            self._tell_saved_earlier(dossier)
        self.last_dossier = dossier
        log.info("Received dossier %s", dossier.code)
        self.success.show_dossier(dossier)
        self.reset()
        if saved.not_attached:
            self.banner.setText(not_attached_text(dossier.code, saved.not_attached))
            self.banner.show()
        self.dossier_saved.emit(dossier)
        if self.print_after_save:
            self.print_last(quick=quick_print_enabled())

    def _on_receive_failed(self, exc: BaseException) -> None:
        self._saving = False
        self.apply_rights()
        if isinstance(exc, ValidationError):
            self._show_problems(exc)
        elif isinstance(exc, ServerUnavailableError):
            self._show_not_saved(exc.message)
        else:
            show_error(self, exc)

    def _show_not_saved(self, reason: str) -> None:
        """The server is lost: the form stays as typed and says it is not saved."""
        self.unsaved_after_loss = True
        self.success.hide()
        text = self.tr(
            "CHƯA LƯU được hồ sơ: {0}\nMọi thông tin đang nhập vẫn được giữ trên màn hình. Khi "
            "có kết nối lại (dòng đỏ phía trên biến mất), bấm Lưu (Ctrl+S) để lưu."
        ).format(reason.rstrip())
        if self.attempt is not None and self.attempt.in_doubt:
            text += self.tr(
                "\nMáy chủ có thể đã nhận lần lưu vừa rồi: khi bấm Lưu lại, phần mềm hỏi máy chủ "
                "trước, không bao giờ lưu một hồ sơ hai lần."
            )
        self.banner.setText(text)
        self.banner.show()

    def server_changed(self, reason: str | None) -> None:
        """The main window's word that the server is lost (``reason``) or back (None)."""
        if reason is None and self.unsaved_after_loss:
            self.banner.setText(
                self.tr(
                    "Đã kết nối lại máy chủ. Hồ sơ đang nhập CHƯA được lưu: bấm Lưu (Ctrl+S) để "
                    "lưu."
                )
            )
            self.banner.show()

    def _on_receipt_opened(self, dialog: ReceiptDialog) -> None:
        self.receipt_dialog = dialog

    def _show_problems(self, exc: ValidationError) -> None:
        first = self.field_errors.show(exc)
        lines = [exc.message, *self.field_errors.unmatched.values()]
        self.banner.setText("\n".join(lines))
        self.banner.show()
        self.success.hide()
        if first is not None:
            self.scroll_area.ensureWidgetVisible(first)
            first.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- live behaviour -----------------------------------------------------------------------
    def update_appointment(self) -> None:
        procedure = self.picker.procedure()
        self.computed_due = None
        if procedure is None:
            self.appointment.setText(self.tr("Hẹn trả: —"))
            self.appointment_note.setText(self.tr("Chọn thủ tục để tính ngày hẹn trả kết quả."))
            return
        received = self.details.shown_received_at()
        try:
            due = self._services.dossiers.preview_due(procedure.code, received)
            start = self._services.dossiers.start_moment(received)
        except TthcError as exc:
            self.appointment.setText(self.tr("Hẹn trả: chưa tính được"))
            self.appointment_note.setText(exc.message)
            return
        override = self.details.due_override_at()
        self.appointment.setText(self.tr("Hẹn trả: {0}").format(appointment_text(override or due)))
        notes = [self.tr("Thời hạn: {0}").format(duration_text(procedure.duration))]
        # A same-day procedure after the cut-off: say why the appointment is not today.
        cutoff = self._services.dossiers.cutoff_applied(procedure.code, received)
        if cutoff is not None:
            notes.append(
                self.tr("Nhận sau {0}: hẹn sang ngày làm việc tiếp theo").format(f"{cutoff:%H:%M}")
            )
        if override is not None:
            notes.append(
                self.tr("hẹn theo cán bộ; theo quy định là {0}").format(appointment_text(due))
            )
        if start != received:
            notes.append(
                self.tr("nhận ngoài giờ làm việc, tính từ {0}").format(appointment_text(start))
            )
        self.appointment_note.setText(" · ".join(notes))
        self.computed_due = due

    def _on_picker_procedure_changed(self, procedure: Procedure | None) -> None:
        self.papers.set_required(procedure.papers if procedure else ())  # copies offered again
        self.details.set_procedure(procedure)
        self.field_errors.set("procedure", "")
        self.update_appointment()

    def _on_applicant_id_number_completed(self, id_number: str) -> None:
        try:
            known = self._services.dossiers.find_applicant(id_number)
        except TthcError:
            log.exception("Applicant look-up failed")
            return
        if known is not None:
            self.applicant.fill_empty(known)
            self.details.set_applicant_address(self.applicant.address.text())
        self.offer_earlier_copies(id_number)

    def offer_earlier_copies(self, id_number: str) -> None:
        """The papers this person gave before, offered on the lines of the same papers."""
        try:
            copies = self._services.attachments.earlier_copies(id_number)
        except TthcError:
            log.exception("Earlier copies look-up failed")
            return
        self.copies_for = id_number
        self.papers.offer_copies(copies)

    def _on_applicant_id_number_changed(self, text: str) -> None:
        if self.copies_for and text.strip() != self.copies_for:  # another person's papers
            self.copies_for = ""
            self.papers.offer_copies([])

    # -- digitising the papers -----------------------------------------------------------------
    def scan_paper(self, index: int, files: list[Path] | None = None) -> PaperScanDialog:
        """The scan dialog of the checklist's row ``index`` (``files``: dropped on the row),
        holding the pages of its scan when it is redone; the PDF waits on the row until the
        dossier is saved."""
        name = self.papers.row_name(index) or self.tr("Giấy tờ khác")
        dialog = paper_dialog(
            self._runner,
            name,
            self,
            sources=self.scan_sources,
            pages=self.papers.scan_pages(index),
            files=files or (),
        )
        dialog.pdf_composed.connect(
            lambda pdf: self._on_paper_scanned(index, pdf, dialog.editor.pages())
        )
        dialog.finished.connect(lambda _r: self._focus_row(index))
        self.scan_dialog = open_dialog(dialog)
        return dialog

    def _on_paper_scanned(self, index: int, pdf: ScannedPdf, pages: list[PageRef]) -> None:
        if index < self.papers.row_count():
            self.papers.set_scan(index, pdf, pages)

    def _focus_row(self, index: int) -> None:
        if index < self.papers.row_count():
            self.papers.scan_button(index).setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_papers_scan_requested(self, index: int) -> None:
        self.scan_paper(index)

    def _on_papers_files_dropped(self, index: int, paths: list[Path]) -> None:
        self.scan_paper(index, paths)

    # -- the ID card ---------------------------------------------------------------------------
    def focus_card_scan(self) -> None:
        """Ctrl+Q: the cursor in *Quét CCCD*, ready for the scanner."""
        self.scroll_area.ensureWidgetVisible(self.applicant.scan)
        self.applicant.scan.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _on_applicant_card_scanned(self, line: str) -> None:
        self._read_card(self.applicant, line)

    def _on_authorised_card_scanned(self, line: str) -> None:
        self._read_card(self.authorised, line)

    def _read_card(self, form: PersonForm, line: str) -> None:
        """A refused line changes nothing but the status line; a card that differs from what
        the clerk typed is asked about before anything typed is replaced."""
        card = parse_cccd_qr(line)
        if isinstance(card, CccdUnreadable):
            log.info("Card QR refused: %s", card.message)
            form.show_status(card.message, ok=False)
            return
        conflicts = form.card_conflicts(card)
        if conflicts:
            self._ask_before_replacing(form, card, conflicts)
            return
        self._fill_from_card(form, card, replace=False)

    def _ask_before_replacing(
        self, form: PersonForm, card: CccdData, conflicts: list[tuple[str, str, str]]
    ) -> None:
        lines = [
            self.tr("- {0}: đang nhập “{1}”, trên thẻ “{2}”").format(name, typed, value)
            for name, typed, value in conflicts
        ]
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Thông tin trên CCCD khác thông tin đang nhập"),
            self.tr(
                "Thông tin trên thẻ khác với thông tin đã nhập:\n{0}\nDùng thông tin nào?"
            ).format("\n".join(lines)),
            parent=self,
        )
        use_card = box.addButton(
            self.tr("Dùng thông tin trên thẻ"), QMessageBox.ButtonRole.AcceptRole
        )
        box.addButton(self.tr("Giữ thông tin đang nhập"), QMessageBox.ButtonRole.RejectRole)
        box.buttonClicked.connect(
            lambda button: self._fill_from_card(form, card, replace=button is use_card)
        )
        self.card_box = box
        box.open()

    def _fill_from_card(self, form: PersonForm, card: CccdData, *, replace: bool) -> None:
        filled = form.fill_from_card(card, replace=replace)
        if form is self.applicant:
            self.details.set_applicant_address(form.address.text())
            self._on_applicant_id_number_completed(card.id_number)
        if filled:
            text = self.tr("Đã điền từ CCCD: {0}.").format(", ".join(filled))
        else:
            text = self.tr("Thông tin trên CCCD trùng với thông tin đang nhập.")
        if card.unaccented:
            text += " " + self.tr(
                "Máy quét gửi chữ không dấu: gõ lại dấu cho họ tên và địa chỉ (xem Hướng dẫn, "
                "mục máy quét CCCD)."
            )
        form.show_status(text, ok=True)
        target = form.phone if not form.phone.text().strip() else self.papers.first_input()
        target.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_authorised_check_toggled(self, on: bool) -> None:
        self.authorised.setVisible(on)
        if on:
            self.authorised.full_name.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.authorised.clear()
        self._on_person_text_changed()

    def _on_person_text_changed(self, _text: str = "") -> None:
        """A result by post goes, unless the clerk types otherwise, to the authorised person
        (who came on the applicant's behalf), else to the applicant; the phone likewise."""
        a, p = self.authorised, self.applicant
        if self.authorised_check.isChecked() and a.full_name.text().strip():
            name = a.full_name.text().strip()
            phone = a.phone.text().strip() or p.phone.text().strip()
        else:
            name, phone = p.full_name.text().strip(), p.phone.text().strip()
        self.details.set_default_recipient(name, phone)

    def _on_details_received_changed(self) -> None:
        self.field_errors.set("received_at", "")
        self.update_appointment()

    def _on_override_check_toggled(self, on: bool) -> None:
        if on and self.computed_due is not None:
            self.details.start_override_at(self.computed_due)
        self.update_appointment()
