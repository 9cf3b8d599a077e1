"""Ask the applicant to complete the dossier (Mẫu 02): which papers are missing, and why.

The checklist offers the papers of the dossier (those not provided come first, ticked) and the
procedure's required papers; the clerk can add any other paper by name. The rules allow the
request within 3 working days of receipt: when that limit has passed, the dialog says so before
saving, and the service's own warning is shown on the detail page afterwards.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tthc_desk.domain.dossier import PaperItem
from tthc_desk.domain.errors import NotFoundError, ValidationError
from tthc_desk.domain.lifecycle import SUPPLEMENT_REQUEST_LIMIT_DAYS
from tthc_desk.domain.procedure import PaperKind
from tthc_desk.domain.text import nfc
from tthc_desk.services.lifecycle_service import MoveRequest
from tthc_desk.ui.display import form_field
from tthc_desk.ui.form_dialog import Fields
from tthc_desk.ui.labels import label
from tthc_desk.ui.move_form import MoveDialog

WARNING_STYLE = "color: #8a5300; background: #fff4e0; border: 1px solid #f0c36d; padding: 6px;"
KIND_ROLE = Qt.ItemDataRole.UserRole + 1


class SupplementDialog(MoveDialog):
    """The supplement request: a checklist of papers, free additions, a reason."""

    def build(self, form: QFormLayout) -> Fields:
        self.papers_list = QListWidget()
        self.papers_list.setObjectName("supplementPapers")
        self.papers_list.setMinimumHeight(150)
        for name, kind, checked in self._candidates():
            self.add_paper(name, kind, checked)
        self.add_edit = QLineEdit()
        self.add_edit.setPlaceholderText(self.tr("Thêm giấy tờ khác…"))
        self.add_button = QPushButton(self.tr("Thêm"))
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(self._on_add_button_clicked)
        self.add_edit.returnPressed.connect(self._on_add_button_clicked)
        add_row = QHBoxLayout()
        add_row.addWidget(self.add_edit, 1)
        add_row.addWidget(self.add_button)
        papers_box = QWidget()
        papers_layout = QVBoxLayout(papers_box)
        papers_layout.setContentsMargins(0, 0, 0, 0)
        papers_layout.addWidget(self.papers_list)
        papers_layout.addLayout(add_row)
        papers = form_field(form, self.tr("Giấy tờ cần bổ sung"), papers_box, self.papers_list)

        self.reason_edit = QLineEdit()
        self.reason_edit.setPlaceholderText(self.tr("Lý do, nội dung cần bổ sung, hoàn thiện"))
        self.reason_edit.setMinimumWidth(380)
        reason = form_field(form, self.tr("Lý do"), self.reason_edit)

        self.late_label = QLabel()
        self.late_label.setObjectName("lateWarning")
        self.late_label.setWordWrap(True)
        self.late_label.setStyleSheet(WARNING_STYLE)
        form.addRow("", self.late_label)
        self.at_edit.dateTimeChanged.connect(self._update_late_warning)
        self._update_late_warning()
        return {"papers": papers, "reason": reason}

    def _candidates(self) -> list[tuple[str, PaperKind, bool]]:
        d = self.dossier
        seen: set[str] = set()
        out: list[tuple[str, PaperKind, bool]] = []
        for p in sorted(d.papers, key=lambda p: p.provided):
            if p.name not in seen:
                seen.add(p.name)
                out.append((p.name, p.kind, not p.provided))
        try:
            required = self.services.catalog.get(d.procedure_code).papers
        except NotFoundError:
            required = ()
        for r in required:
            if r.name not in seen:
                seen.add(r.name)
                out.append((r.name, r.kind, False))
        return out

    def add_paper(
        self, name: str, kind: PaperKind = PaperKind.ORIGINAL, checked: bool = True
    ) -> QListWidgetItem:
        item = QListWidgetItem(name, self.papers_list)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        item.setData(KIND_ROLE, kind.value)
        item.setToolTip(label(kind))
        return item

    def _on_add_button_clicked(self) -> None:
        name = nfc(self.add_edit.text()).strip()
        if name:
            self.add_paper(name)
            self.add_edit.clear()

    def checked_papers(self) -> tuple[PaperItem, ...]:
        items = (self.papers_list.item(i) for i in range(self.papers_list.count()))
        return tuple(
            PaperItem(nfc(item.text()), PaperKind(item.data(KIND_ROLE)))
            for item in items
            if item.checkState() == Qt.CheckState.Checked
        )

    def limit_day_text(self) -> str:
        """A warning when the request comes after the 3-working-day limit, else empty."""
        received = self.dossier.received_at.date()
        limit = self.services.calendar.calendar().nth_working_day_after(
            received, SUPPLEMENT_REQUEST_LIMIT_DAYS
        )
        if self.moment().date() <= limit:
            return ""
        return self.tr(
            "Yêu cầu bổ sung muộn: quá {0} ngày làm việc kể từ khi nhận hồ sơ ({1}); hạn chót là "
            "{2}."
        ).format(SUPPLEMENT_REQUEST_LIMIT_DAYS, f"{received:%d/%m/%Y}", f"{limit:%d/%m/%Y}")

    def _update_late_warning(self) -> None:
        text = self.limit_day_text()
        self.late_label.setText(text)
        self.late_label.setVisible(bool(text))

    def check(self) -> ValidationError | None:
        if not self.checked_papers() and not nfc(self.reason_edit.text()).strip():
            return ValidationError.for_field(
                "reason", self.tr("Chọn giấy tờ còn thiếu hoặc ghi lý do yêu cầu bổ sung.")
            )
        return None

    def request(self) -> MoveRequest:
        return replace(
            super().request(), reason=nfc(self.reason_edit.text()), papers=self.checked_papers()
        )
