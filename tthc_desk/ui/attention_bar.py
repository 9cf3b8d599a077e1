"""The strip across the top of the main window: what needs attention, always visible.

Four counts (overdue, due today, due soon, draft apology letters), each a button that opens its
list, and under them the short start-up summary, which the clerk can hide.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from tthc_desk.services.deadline_service import DeadlineCounts
from tthc_desk.ui.i18n import translate


class AttentionBar(QFrame):
    """The always-visible counts: overdue, due today, due soon, draft letters; each a button."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("attentionBar")
        self.setStyleSheet(
            "#attentionBar { background: #fafafa; border-bottom: 1px solid #e0e0e0; }"
            "#attentionBar QPushButton { border: none; padding: 4px 10px; border-radius: 4px; "
            "font-weight: bold; }"
            "#attentionBar QPushButton:hover { background: #e3f2fd; }"
            "#overdueButton { color: #b71c1c; } #todayButton { color: #e65100; }"
            "#soonButton { color: #8d6e00; } #lettersButton { color: #0d47a1; }"
        )
        self.overdue_button = self._button("overdueButton")
        self.today_button = self._button("todayButton")
        self.soon_button = self._button("soonButton")
        self.letters_button = self._button("lettersButton")
        self.summary_label = QLabel()
        self.summary_label.setObjectName("summaryLabel")
        self.summary_label.setWordWrap(True)
        self.summary_label.setStyleSheet(
            "#summaryLabel { background: #fff8e1; border: 1px solid #ffe082; border-radius: 4px; "
            "padding: 4px 8px; }"
        )
        self.summary_close = QPushButton("×")
        self.summary_close.setToolTip(self.tr("Ẩn dòng nhắc"))
        self.summary_close.setFixedWidth(28)
        self.summary_close.clicked.connect(self.hide_summary)
        counts_row = QHBoxLayout()
        counts_row.setContentsMargins(8, 4, 8, 4)
        counts_row.addWidget(self.overdue_button)
        counts_row.addWidget(self.today_button)
        counts_row.addWidget(self.soon_button)
        counts_row.addWidget(self.letters_button)
        counts_row.addStretch(1)
        summary_row = QHBoxLayout()
        summary_row.setContentsMargins(8, 0, 8, 6)
        summary_row.addWidget(self.summary_label, 1)
        summary_row.addWidget(self.summary_close)
        root = QVBoxLayout(self)
        root.setContentsMargins(0, 0, 0, 0)
        root.setSpacing(0)
        root.addLayout(counts_row)
        root.addLayout(summary_row)
        self.set_counts(None, None)
        self.hide_summary()

    def _button(self, name: str) -> QPushButton:
        button = QPushButton()
        button.setObjectName(name)
        button.setFlat(True)
        button.setCursor(Qt.CursorShape.PointingHandCursor)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keyboard uses F4 / F6
        return button

    def set_counts(self, counts: DeadlineCounts | None, drafts: int | None) -> None:
        """The counts on the buttons; "…" while they are not known yet."""

        def n(value: int | None) -> str:
            return "…" if value is None else str(value)

        overdue, today, soon = (
            (counts.overdue, counts.due_today, counts.due_soon) if counts else (None, None, None)
        )
        self.overdue_button.setText(self.tr("Quá hạn: {0}").format(n(overdue)))
        self.today_button.setText(self.tr("Đến hạn hôm nay: {0}").format(n(today)))
        self.soon_button.setText(self.tr("Sắp đến hạn: {0}").format(n(soon)))
        self.letters_button.setText(self.tr("Phiếu xin lỗi dự thảo: {0}").format(n(drafts)))

    def show_summary(self, text: str) -> None:
        self.summary_label.setText(text)
        self.summary_label.show()
        self.summary_close.show()

    def hide_summary(self) -> None:
        self.summary_label.hide()
        self.summary_close.hide()

    @property
    def summary_visible(self) -> bool:
        return not self.summary_label.isHidden()


def summary_text(c: DeadlineCounts, drafts: int) -> str:
    """The start-up line: what needs attention today."""
    if not c.total and not c.to_close and not drafts:
        return translate("AttentionBar", "Hôm nay không có hồ sơ quá hạn, đến hạn hay sắp đến hạn.")
    parts = [
        translate("AttentionBar", "{0} hồ sơ quá hạn").format(c.overdue),
        translate("AttentionBar", "{0} hồ sơ đến hạn hôm nay").format(c.due_today),
        translate("AttentionBar", "{0} hồ sơ sắp đến hạn").format(c.due_soon),
    ]
    if c.to_close:
        parts.append(
            translate("AttentionBar", "{0} hồ sơ chờ bổ sung quá hạn, đề nghị đóng").format(
                c.to_close
            )
        )
    if drafts:
        parts.append(
            translate("AttentionBar", "{0} phiếu xin lỗi dự thảo chờ xử lý").format(drafts)
        )
    return translate(
        "AttentionBar", "Cần chú ý hôm nay: {0}. Bấm vào các con số phía trên để xem."
    ).format(", ".join(parts))
