"""The digitising part of a paper's line on the intake checklist (issue 15).

Each line has a :class:`ScanButton`: "Số hóa…" until the paper is scanned, then how many pages
the scan has ("✓ 3 trang"; pressing it again redoes the scan). Once the applicant's ID number is
known, a line whose paper this person gave before shows a :class:`ReuseOffer` under it: *Dùng
lại bản đã số hóa*, with the dossier it came with, the day, the pages and whether it is still
valid. A valid copy is ticked at once (the citizen need not bring the paper); a copy whose
validity the name does not tell is left for the clerk to judge; an expired one is marked in red
and never ticked without the clerk confirming it (:class:`~tthc_desk.ui.paper_checklist.
PaperChecklist` asks).

Earlier copies are matched to the checklist's papers by name, folded (:func:`paper_key`: no
tone marks, any case, spaces collapsed).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QToolButton, QWidget

from tthc_desk.domain.scans import EarlierCopy, ScannedPdf, Validity
from tthc_desk.domain.text import fold, format_date
from tthc_desk.ui.display import ERROR_COLOR, MUTED_COLOR
from tthc_desk.ui.i18n import translate
from tthc_desk.ui.labels import label

#: The shortcut that digitises the paper line that has the focus.
SCAN_KEY = "Ctrl+D"
VALIDITY_COLORS = {Validity.VALID: "#2e7d32", Validity.EXPIRED: ERROR_COLOR}


def paper_key(name: str) -> str:
    """A paper's name as it is matched: folded, spaces collapsed."""
    return " ".join(fold(name).split())


def copy_text(copy: EarlierCopy) -> str:
    """“hồ sơ 000.…-0001, ngày 02/03/2026, 2 trang”."""
    return translate("ReuseOffer", "hồ sơ {0}, ngày {1}, {2} trang").format(
        copy.dossier_code, format_date(copy.given_at), copy.pages
    )


class ScanButton(QToolButton):
    """ "Số hóa…", or the pages of the scan waiting to be saved with the dossier."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("paperScanButton")
        self.setAutoRaise(False)
        self.show_scan(None)

    def show_scan(self, pdf: ScannedPdf | None) -> None:
        if pdf is None:
            self.setText(self.tr("Số hóa…"))
            self.setToolTip(
                self.tr(
                    "Quét hoặc chọn tệp bản số hóa của giấy tờ này ({0}); cũng có thể kéo thả "
                    "tệp vào dòng giấy tờ."
                ).format(SCAN_KEY)
            )
            self.setStyleSheet("")
        else:
            self.setText(self.tr("✓ {0} trang").format(pdf.pages))
            self.setToolTip(
                self.tr(
                    "Đã số hóa {0} trang ({1} KB), lưu cùng hồ sơ. Bấm để quét lại ({2})."
                ).format(pdf.pages, max(1, round(len(pdf.data) / 1024)), SCAN_KEY)
            )
            self.setStyleSheet("QToolButton { color: #1b5e20; font-weight: bold; }")
        self.setAccessibleName(self.text())


class ReuseOffer(QWidget):
    """*Dùng lại bản đã số hóa (…)*: one earlier copy of the line's paper.

    ``clicked_by_clerk(bool)``: the clerk ticked or unticked it (the checklist decides)."""

    clicked_by_clerk = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reuseOffer")
        self.copy: EarlierCopy | None = None
        self.check = QCheckBox(self.tr("Dùng lại bản đã số hóa"))
        self.check.setObjectName("reuseCheck")
        self.check.clicked.connect(self.clicked_by_clerk)
        self.validity = QLabel()
        self.validity.setObjectName("reuseValidity")
        self.detail = QLabel()
        self.detail.setObjectName("reuseDetail")
        self.detail.setWordWrap(True)
        row = QHBoxLayout(self)
        row.setContentsMargins(22, 0, 0, 2)
        row.setSpacing(6)
        row.addWidget(self.check)
        row.addWidget(self.validity)
        row.addWidget(self.detail, 1)
        self.hide()

    def offer(self, copy: EarlierCopy | None) -> None:
        """Offer ``copy`` (None: nothing to offer), ticked when it is valid; the copy offered
        already keeps the clerk's choice."""
        if copy == self.copy:
            return
        self.copy = copy
        self.check.setChecked(copy is not None and copy.validity is Validity.VALID)
        if copy is None:
            self.hide()
            return
        color = VALIDITY_COLORS.get(copy.validity, MUTED_COLOR)
        self.validity.setText(label(copy.validity))
        self.validity.setStyleSheet(f"color: {color}; font-weight: bold;")
        self.detail.setText(f"({copy_text(copy)})")
        self.detail.setStyleSheet(f"color: {MUTED_COLOR};")
        tip = self.tr("Bản số hóa người nộp đã nộp kèm {0}.").format(copy_text(copy))
        if copy.validity is Validity.EXPIRED:
            tip += " " + self.tr("Giấy tờ này đã hết thời hạn sử dụng: nên yêu cầu nộp bản mới.")
        elif copy.validity is Validity.UNKNOWN:
            tip += " " + self.tr("Hãy xem thời hạn ghi trên giấy tờ trước khi dùng lại.")
        for w in (self.check, self.validity, self.detail):
            w.setToolTip(tip)
        self.show()

    def ticked(self) -> EarlierCopy | None:
        """The copy to reuse, when ticked."""
        return self.copy if self.copy is not None and self.check.isChecked() else None
