"""Small input widgets and a filter proxy shared by the screens.

- :class:`MoneyEdit` shows amounts the Vietnamese way ("50.000 đ") and returns whole đồng.
- :class:`DateEdit` reads dd/mm/yyyy and allows an empty value (unlike QDateEdit).
- :class:`SessionsEdit` reads a day's office sessions typed as "07:30–11:30, 13:30–17:00".
- :class:`FoldingFilterProxyModel` filters rows by words typed with or without accents (and đ).
"""

from __future__ import annotations

import datetime as dt
import re
from datetime import date, time

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRegularExpression,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QFocusEvent, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QComboBox,
    QLineEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from tthc_desk.domain.office import Session
from tthc_desk.domain.text import format_money, nfc, search_tokens
from tthc_desk.ui.i18n import translate
from tthc_desk.ui.row_table_model import Index

EN_DASH = "–"


class MoneyEdit(QLineEdit):
    """An amount in đồng: type digits, see "50.000 đ" once the field loses focus."""

    value_changed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._value = 0
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.setValidator(
            QRegularExpressionValidator(QRegularExpression(r"[0-9. ]{0,15}(đ|d)?"), self)
        )
        self.setPlaceholderText(translate("widgets", "0 đ"))
        self.textEdited.connect(self._on_self_text_edited)
        self.editingFinished.connect(self._on_self_editing_finished)
        self.setText(format_money(0))

    def value(self) -> int:
        return self._value

    def setValue(self, amount: int) -> None:
        self._value = max(0, int(amount))
        self.setText(format_money(self._value))

    def _on_self_text_edited(self, text: str) -> None:
        digits = re.sub(r"\D", "", text)
        value = int(digits) if digits else 0
        if value != self._value:
            self._value = value
            self.value_changed.emit(value)

    def _on_self_editing_finished(self) -> None:
        self.setText(format_money(self._value))

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self.setText(str(self._value) if self._value else "")


class DateEdit(QLineEdit):
    """A date typed as dd/mm/yyyy; empty is allowed and means "no date"."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(translate("widgets", "dd/mm/yyyy"))
        self.setValidator(
            QRegularExpressionValidator(
                QRegularExpression(r"[0-9]{0,2}/?[0-9]{0,2}/?[0-9]{0,4}"), self
            )
        )
        self.setMaxLength(10)

    def date(self) -> date | None:
        """The date typed, ``None`` when empty; raises ValueError (Vietnamese) when malformed."""
        text = nfc(self.text())
        if not text:
            return None
        match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
        if not match:
            raise ValueError(
                translate("widgets", "Ngày phải có dạng ngày/tháng/năm, ví dụ 02/03/2026.")
            )
        day, month, year = (int(g) for g in match.groups())
        try:
            return date(year, month, day)
        except ValueError:
            raise ValueError(
                translate("widgets", "Ngày {0} không có trên lịch.").format(text)
            ) from None

    def is_valid(self) -> bool:
        try:
            self.date()
        except ValueError:
            return False
        return True

    def setDate(self, value: dt.date | None) -> None:  # ``date`` here is the method above
        self.setText(value.strftime("%d/%m/%Y") if value else "")


_TIME = r"(\d{1,2})\s*[:hg.]\s*(\d{2})"
_SESSION_RE = re.compile(rf"^{_TIME}\s*[-–—]\s*{_TIME}$")


def parse_sessions(text: str) -> tuple[Session, ...]:
    """ "07:30–11:30, 13:30–17:00" → two sessions; empty text → closed all day.

    Only the shape is checked here; whether the sessions make sense (end after start, no
    overlap) is the settings service's decision.
    """
    sessions: list[Session] = []
    for part in re.split(r"[,;]", nfc(text)):
        part = part.strip()
        if not part:
            continue
        match = _SESSION_RE.match(part)
        if not match:
            raise ValueError(
                translate("widgets", "“{0}” không đúng dạng giờ, ví dụ 07:30–11:30.").format(part)
            )
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        try:
            sessions.append(Session(time(h1, m1), time(h2, m2)))
        except ValueError:
            raise ValueError(
                translate("widgets", "“{0}” có giờ hoặc phút không hợp lệ.").format(part)
            ) from None
    return tuple(sessions)


def format_sessions(sessions: tuple[Session, ...]) -> str:
    return ", ".join(f"{s.start:%H:%M}{EN_DASH}{s.end:%H:%M}" for s in sessions)


class SessionsEdit(QLineEdit):
    """One weekday's sessions as text; empty means the office is closed that day."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(translate("widgets", "Nghỉ (ví dụ 07:30–11:30, 13:30–17:00)"))

    def sessions(self) -> tuple[Session, ...]:
        return parse_sessions(self.text())

    def set_sessions(self, sessions: tuple[Session, ...]) -> None:
        self.setText(format_sessions(sessions))


class FoldingFilterProxyModel(QSortFilterProxyModel):
    """Keeps rows where every typed word starts a word of the row, accents and đ optional.

    The text searched is the source model's ``search_role`` (default: the display text of every
    column); ``extra_filter`` can be overridden for other conditions (a field, active only).
    """

    def __init__(self, parent: QObject | None = None, search_role: int | None = None) -> None:
        super().__init__(parent)
        self._tokens: list[str] = []
        self._search_role = search_role
        self.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setSortLocaleAware(True)

    def set_search_text(self, text: str) -> None:
        tokens = search_tokens(text)
        if tokens != self._tokens:
            self.beginFilterChange()
            self._tokens = tokens
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def search_text_of(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> str:
        model = self.sourceModel()
        if self._search_role is not None:
            return str(model.index(source_row, 0, source_parent).data(self._search_role) or "")
        return " ".join(
            str(model.index(source_row, c, source_parent).data() or "")
            for c in range(model.columnCount(source_parent))
        )

    def extra_filter(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        return True

    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        parent = source_parent
        if not self.extra_filter(source_row, parent):
            return False
        if not self._tokens:
            return True
        haystack = search_tokens(self.search_text_of(source_row, parent))
        return all(any(word.startswith(t) for word in haystack) for t in self._tokens)


class ChoiceDelegate(QStyledItemDelegate):
    """Edits a cell whose EditRole is a code with a combo box of (code, Vietnamese label)."""

    def __init__(self, choices: list[tuple[str, str]], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._choices = choices

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        combo = QComboBox(parent)
        for code, label in self._choices:
            combo.addItem(label, code)
        return combo

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        assert isinstance(editor, QComboBox)
        pos = editor.findData(index.data(Qt.ItemDataRole.EditRole))
        editor.setCurrentIndex(max(0, pos))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)
