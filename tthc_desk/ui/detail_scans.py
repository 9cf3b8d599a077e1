"""The "Bản số hóa" tab of the dossier page (issue 15): the dossier's digitised papers.

Everyone who opens the dossier sees which papers are digitised (a table: paper, pages, reused
from, who attached it when, its SHA-256). Only who may see citizens' papers
(:attr:`Right.SCANS`: the clerk, the head of office) sees them: a strip of thumbnails
(:class:`~tthc_desk.ui.scan_strip.ScanStrip`), drawn only once the tab is shown, and journalled
as ONE view of the dossier's scans (:meth:`AttachmentService.thumbnails`); opening a paper in
the viewer is a view of that paper (:meth:`AttachmentService.content`), and printing it from
the viewer is journalled too (:meth:`AttachmentService.note_printed`).

Actions: *Bổ sung bản số hóa…* (a paper of the checklist scanned later: choose its line, then
scan it), *Số hóa kết quả…* (once the dossier has a result) and *Xuất hồ sơ số hóa (PDF)…* (one
PDF with a cover sheet, for a specialist unit or the archive: journalled).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QImage, QShowEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from tthc_desk.domain.access import Right
from tthc_desk.domain.dossier import Dossier
from tthc_desk.domain.lifecycle import ENDED_WITHOUT_RESULT
from tthc_desk.domain.scans import Attachment, AttachmentSlot, ScannedPdf
from tthc_desk.domain.text import format_datetime
from tthc_desk.services.attachment_service import RESULT_NAME
from tthc_desk.services.container import Services
from tthc_desk.ui.detail_parts import TextTableModel, make_table
from tthc_desk.ui.display import muted_label
from tthc_desk.ui.errors import show_error
from tthc_desk.ui.page import open_dialog
from tthc_desk.ui.rights import allows, guard
from tthc_desk.ui.scan_images import to_qimage
from tthc_desk.ui.scan_sources import paper_dialog
from tthc_desk.ui.scan_strip import ScanStrip, row_title
from tthc_desk.ui.tasks import TaskRunner

log = logging.getLogger(__name__)


def has_result(d: Dossier) -> bool:
    """Whether the dossier has a result to digitise (from *Có kết quả* on)."""
    return d.settled_at is not None and d.status not in ENDED_WITHOUT_RESULT


class DossierScansTab(QWidget):
    """The dossier's scans; ``scans_changed(int)`` (how many) after they were loaded."""

    scans_changed = Signal(int)

    def __init__(
        self, services: Services, runner: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("dossierScans")
        self._services = services
        self._runner = runner
        self.dossier: Dossier | None = None
        self.attachments: list[Attachment] = []
        self._images_shown: list[Attachment] | None = None
        self.scan_dialog: QWidget | None = None
        self.add_button = QPushButton(self.tr("Bổ sung bản số hóa…"))
        self.result_button = QPushButton(self.tr("Số hóa kết quả…"))
        self.export_button = QPushButton(self.tr("Xuất hồ sơ số hóa (PDF)…"))
        self.add_button.setToolTip(self.tr("Quét thêm một giấy tờ của hồ sơ, hoặc quét lại."))
        self.result_button.setToolTip(self.tr("Quét kết quả giải quyết của hồ sơ."))
        self.export_button.setToolTip(
            self.tr(
                "Một tệp PDF gồm trang bìa (mã hồ sơ, người nộp, giấy tờ, mã SHA-256) và mọi bản "
                "số hóa, để chuyển cơ quan chuyên môn hoặc lưu trữ."
            )
        )
        buttons = QHBoxLayout()
        for button, slot in (
            (self.add_button, self.attach_paper),
            (self.result_button, self.attach_result),
            (self.export_button, self.export),
        ):
            button.setAutoDefault(False)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.hint = muted_label(self.tr("Enter hoặc bấm đúp vào một bản để xem, in (Ctrl+P)."))
        buttons.addWidget(self.hint)
        self.strip = ScanStrip(
            services.attachments.content, runner, thumbnails=self._draw_thumbnails
        )
        self.strip.attachment_opened.connect(self._on_strip_attachment_opened)
        self.no_images = muted_label(
            self.tr(
                "Chỉ cán bộ tiếp nhận và lãnh đạo bộ phận được xem ảnh bản số hóa: tài khoản "
                "này chỉ xem được danh sách dưới đây."
            )
        )
        self.no_images.setObjectName("noScanImages")
        self.status = QLabel()
        self.status.setObjectName("scansStatus")
        self.status.setWordWrap(True)
        self.status.hide()
        self.model = TextTableModel(
            [
                self.tr("Giấy tờ"),
                self.tr("Số trang"),
                self.tr("Dùng lại từ hồ sơ"),
                self.tr("Người đính kèm"),
                self.tr("Lúc"),
                self.tr("Mã SHA-256"),
            ],
            parent=self,
        )
        self.table = make_table(self.model, 0)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addWidget(self.strip)
        layout.addWidget(self.no_images)
        layout.addWidget(self.table, 1)

    # -- content -------------------------------------------------------------------------------
    def show_dossier(self, d: Dossier) -> None:
        """Load the dossier's scans (metadata; the images once the tab is shown)."""
        self.dossier = d
        try:
            self.attachments = self._services.attachments.of_dossier(d.code)
        except Exception as exc:  # the dossier page still opens; the tab says why
            log.exception("Scans of %s not loaded", d.code)
            self.attachments = []
            self._say(self.tr("Không đọc được danh sách bản số hóa: {0}").format(exc))
        self.model.set_rows(
            [
                (
                    row_title(a),
                    str(a.pages),
                    a.reused_from or "",
                    a.attached_by,
                    format_datetime(a.attached_at),
                    a.sha256[:16] + "…",
                )
                for a in self.attachments
            ]
        )
        accounts = self._services.accounts
        images = allows(accounts, Right.SCANS)
        self.strip.setVisible(images)
        self.hint.setVisible(images and bool(self.attachments))
        self.no_images.setVisible(not images)
        guard(self.add_button, accounts, Right.RECEIVE, bool(d.papers))
        guard(self.result_button, accounts, Right.MOVE, has_result(d))
        guard(self.export_button, accounts, Right.SCANS, bool(self.attachments))
        self._images_shown = None
        if self.isVisible():
            self.show_images()
        self.scans_changed.emit(len(self.attachments))

    def show_images(self) -> None:
        """The thumbnails (one journalled view), for who may see them."""
        if self._images_shown == self.attachments:
            return
        self._images_shown = list(self.attachments)
        if allows(self._services.accounts, Right.SCANS):
            self.strip.set_attachments(self.attachments)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.show_images()

    def _draw_thumbnails(self, _ids: list[int], width: int) -> list[tuple[int, QImage | None]]:
        assert self.dossier is not None
        drawn = self._services.attachments.thumbnails(self.dossier.code, width)
        return [(t.attachment_id, None if t.image is None else to_qimage(t.image)) for t in drawn]

    def _say(self, text: str) -> None:
        self.status.setText(text)
        self.status.setVisible(bool(text))

    # -- viewing and printing ------------------------------------------------------------------
    def _on_strip_attachment_opened(self, attachment_id: int) -> None:
        viewer = self.strip.viewer
        if viewer is not None:
            viewer.printed.connect(lambda pages: self._note_printed(attachment_id, pages))

    def _note_printed(self, attachment_id: int, pages: int) -> None:
        attachments = self._services.attachments
        self._runner.run(
            lambda: attachments.note_printed(attachment_id, pages),
            None,
            lambda exc: log.error("Print of scan %s not journalled", attachment_id, exc_info=exc),
            write=True,
        )

    # -- attaching later -----------------------------------------------------------------------
    def choose_paper(self) -> int | None:
        """Which line of the checklist to scan (blocking, as input dialogs are); tests replace
        it. Returns the 1-based line, or None."""
        assert self.dossier is not None
        scanned = {a.paper_no: a.pages for a in self.attachments if a.paper_no is not None}
        items = []
        for no, paper in enumerate(self.dossier.papers, start=1):
            text = f"{no}. {paper.name}"
            if no in scanned:
                text += self.tr(" (đã có bản số hóa {0} trang: quét lại)").format(scanned[no])
            items.append(text)
        first = next((i for i in range(len(items)) if i + 1 not in scanned), 0)
        chosen, ok = QInputDialog.getItem(
            self,
            self.tr("Bổ sung bản số hóa"),
            self.tr("Giấy tờ cần số hóa:"),
            items,
            first,
            False,
        )
        return items.index(chosen) + 1 if ok and chosen in items else None

    def attach_paper(self) -> None:
        """*Bổ sung bản số hóa…*: choose the line, scan it, attach it."""
        if self.dossier is None:
            return
        no = self.choose_paper()
        if no is None:
            return
        code, name = self.dossier.code, self.dossier.papers[no - 1].name
        attachments = self._services.attachments
        self._scan(name, lambda pdf: attachments.attach_paper(code, no, pdf))

    def attach_result(self) -> None:
        """*Số hóa kết quả…*: scan the result, attach it (it replaces an earlier one)."""
        if self.dossier is None:
            return
        code, attachments = self.dossier.code, self._services.attachments
        self._scan(RESULT_NAME, lambda pdf: attachments.attach_result(code, pdf))

    def _scan(self, name: str, attach: Callable[[ScannedPdf], Attachment]) -> None:
        dialog = paper_dialog(self._runner, name, self)
        dialog.pdf_composed.connect(lambda pdf: self._attach(attach, pdf))
        self.scan_dialog = open_dialog(dialog)

    def _attach(self, attach: Callable[[ScannedPdf], Attachment], pdf: ScannedPdf) -> None:
        self._runner.run(
            lambda: attach(pdf),
            self._on_attached,
            self._on_failed,
            write=True,
            label=self.tr("Lưu bản số hóa"),
        )

    def _on_attached(self, attachment: Attachment) -> None:
        if not isValid(self) or self.dossier is None:
            return
        what = (
            self.tr("kết quả")
            if attachment.slot is AttachmentSlot.RESULT
            else self.tr("giấy tờ số {0}").format(attachment.paper_no)
        )
        self.show_dossier(self.dossier)
        self._say(self.tr("Đã lưu bản số hóa {0} ({1} trang).").format(what, attachment.pages))

    def _on_failed(self, exc: BaseException) -> None:
        if isValid(self):
            show_error(self, exc)

    # -- export --------------------------------------------------------------------------------
    def choose_export_path(self) -> Path | None:
        """Where to write the PDF (the system's save dialog); tests replace it."""
        assert self.dossier is not None
        suggested = self._services.paths.output_dir / f"ho-so-so-hoa-{self.dossier.code}.pdf"
        chosen, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Xuất hồ sơ số hóa"),
            str(suggested),
            self.tr("Tệp PDF (*.pdf)"),
        )
        if not chosen:
            return None
        path = Path(chosen)
        return path if path.suffix.lower() == ".pdf" else path.with_name(path.name + ".pdf")

    def export(self) -> None:
        """*Xuất hồ sơ số hóa (PDF)…*: the cover sheet and every scan, in one file."""
        if self.dossier is None:
            return
        out = self.choose_export_path()
        if out is None:
            return
        code, attachments = self.dossier.code, self._services.attachments
        self._runner.run(
            lambda: attachments.export_dossier(code, out),
            self._on_exported,
            self._on_failed,
            write=True,
            label=self.tr("Xuất hồ sơ số hóa"),
            trigger=self.export_button,
        )

    def _on_exported(self, path: Path) -> None:
        if isValid(self):
            self._say(self.tr("Đã xuất hồ sơ số hóa ra tệp {0}").format(path))
