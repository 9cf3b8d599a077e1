"""The one place the UI shows errors, the global excepthook, and inline field errors.

- :func:`show_error` turns any exception into a dialog: a :class:`ValidationError` lists its
  problems (row, column, what is wrong); other :class:`TthcError` show their Vietnamese message;
  anything else is a bug, shown as "Đã có lỗi không mong muốn…" with a button that copies the
  traceback for the person who will fix it.
- :func:`install_excepthook` logs uncaught exceptions and shows that dialog, so a bug in a slot
  never kills the counter silently.
- :class:`FieldErrors` shows a ValidationError next to the inputs it concerns.

The dialog is opened window-modal with ``open()`` rather than ``exec()``: callers never block on a
nested event loop (which also keeps the pytest-qt tests from hanging) and can inspect the returned
dialog.
"""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable, Mapping
from types import TracebackType

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from tthc_desk.domain.errors import TthcError, ValidationError
from tthc_desk.services.failures import describe_failure

ERROR_COLOR = "#c62828"
_open_dialogs: list[QDialog] = []  # parentless dialogs must outlive the caller's frame


class ErrorDialog(QDialog):
    """A warning with a message, an optional list of problems and optional technical details."""

    def __init__(
        self,
        message: str,
        problems: list[str] | None = None,
        details: str = "",
        parent: QWidget | None = None,
        *,
        unexpected: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("errorDialog")
        self.setWindowTitle(self.tr("Lỗi") if unexpected else self.tr("Không thực hiện được"))
        self.setMinimumWidth(520)
        self.message = message
        self.details = details

        icon = QLabel()
        kind = (
            QStyle.StandardPixmap.SP_MessageBoxCritical
            if unexpected
            else QStyle.StandardPixmap.SP_MessageBoxWarning
        )
        icon.setPixmap(self.style().standardIcon(kind).pixmap(40, 40))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.message_label = QLabel(message)
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        top = QHBoxLayout()
        top.addWidget(icon)
        top.addWidget(self.message_label, 1)

        layout = QVBoxLayout(self)
        layout.addLayout(top)

        self.problem_list = QListWidget()
        self.problem_list.setObjectName("problemList")
        self.problem_list.addItems(problems or [])
        self.problem_list.setVisible(bool(problems))
        self.problem_list.setWordWrap(True)
        self.problem_list.setAlternatingRowColors(True)
        self.problem_list.setSpacing(2)
        self.problem_list.setMinimumHeight(min(260, 28 * max(1, len(problems or [])) + 8))
        layout.addWidget(self.problem_list, 1)

        self.details_edit = QPlainTextEdit(details)
        self.details_edit.setReadOnly(True)
        self.details_edit.setVisible(False)
        self.details_edit.setMinimumHeight(180)
        layout.addWidget(self.details_edit, 1)

        buttons = QHBoxLayout()
        self.copy_button = QPushButton(self.tr("Sao chép chi tiết"))
        self.copy_button.clicked.connect(self._on_copy_button_clicked)
        self.details_button = QPushButton(self.tr("Xem chi tiết"))
        self.details_button.setCheckable(True)
        self.details_button.toggled.connect(self._on_details_button_toggled)
        # A problem list is worth copying too: the clerk fixes the workbook with it at hand.
        self.copy_button.setVisible(bool(details or problems))
        self.details_button.setVisible(bool(details))
        for b in (self.copy_button, self.details_button):
            b.setAutoDefault(False)
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.close_button = QPushButton(self.tr("Đóng"))
        self.close_button.setDefault(True)
        self.close_button.clicked.connect(self.accept)
        buttons.addWidget(self.close_button)
        layout.addLayout(buttons)

    def problems(self) -> list[str]:
        return [self.problem_list.item(i).text() for i in range(self.problem_list.count())]

    def copy_text(self) -> str:
        """What "Sao chép chi tiết" puts on the clipboard: the message, problems and details."""
        parts = [self.message, *("- " + p for p in self.problems())]
        if self.details:
            parts += ["", self.details]
        return "\n".join(parts)

    def _on_copy_button_clicked(self) -> None:
        QGuiApplication.clipboard().setText(self.copy_text())
        self.copy_button.setText(self.tr("Đã sao chép"))

    def _on_details_button_toggled(self, shown: bool) -> None:
        self.details_edit.setVisible(shown)
        self.details_button.setText(self.tr("Ẩn chi tiết") if shown else self.tr("Xem chi tiết"))
        self.adjustSize()


def _format_traceback(exc: BaseException) -> str:
    return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))


def error_dialog(parent: QWidget | None, exc: BaseException) -> ErrorDialog:
    """Build (without showing) the dialog for ``exc``."""
    if isinstance(exc, ValidationError):
        problems = [p.describe() for p in exc.problems]
        problems = [p for p in problems if p != exc.message]
        return ErrorDialog(exc.message, problems, parent=parent)
    if isinstance(exc, TthcError):
        return ErrorDialog(exc.message, parent=parent)
    known = describe_failure(exc)  # a locked database, a full disk: the clerk can act on it
    if known is not None:
        return ErrorDialog(known, details=_format_traceback(exc), parent=parent)
    message = QApplication.translate(
        "errors",
        "Đã có lỗi không mong muốn. Công việc đang làm có thể chưa được lưu.\n"
        "Hãy bấm “Sao chép chi tiết” và gửi cho người quản trị phần mềm.",
    )
    details = _format_traceback(exc)
    return ErrorDialog(message, details=details, parent=parent, unexpected=True)


def show_error(parent: QWidget | None, exc: BaseException) -> ErrorDialog:
    """Show ``exc`` to the user (window-modal, non-blocking) and return the dialog."""
    if parent is None:
        parent = QApplication.activeWindow()
    dialog = error_dialog(parent, exc)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    if parent is None:
        _open_dialogs.append(dialog)
        dialog.finished.connect(
            lambda _=0, d=dialog: _open_dialogs.remove(d) if d in _open_dialogs else None
        )
    dialog.open()
    return dialog


ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], object]


def install_excepthook(log: logging.Logger) -> ExceptHook:
    """Log every uncaught exception with its traceback and show it; returns the previous hook."""
    previous = sys.excepthook
    showing = False

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        nonlocal showing
        if issubclass(exc_type, KeyboardInterrupt):
            previous(exc_type, exc, tb)
            return
        log.error("Lỗi không được xử lý", exc_info=(exc_type, exc, tb))
        if exc.__traceback__ is None:
            exc = exc.with_traceback(tb)
        if showing or QApplication.instance() is None:
            return
        showing = True
        try:
            show_error(None, exc)
        except Exception:  # the hook itself must never raise
            log.exception("Không hiển thị được hộp thoại lỗi")
        finally:
            showing = False

    sys.excepthook = hook
    return previous


class FieldErrors:
    """Inline red messages under inputs, driven by ``ValidationError.field_messages()``.

    ``fields`` maps a field key (as services name it: ``"agency_id"``, ``"hours.3"``) to the input
    widget and the label under it. A problem whose field is ``"papers.2.name"`` goes to the entry
    ``"papers.2.name"`` if mapped, else to the longest mapped prefix (``"papers"``).
    """

    def __init__(self, fields: Mapping[str, tuple[QWidget, QLabel]]) -> None:
        self._fields = dict(fields)
        self._styles = {key: widget.styleSheet() for key, (widget, _label) in self._fields.items()}
        self.unmatched: dict[str, str] = {}
        for _widget, label in self._fields.values():
            self.style_label(label)
            label.hide()

    @staticmethod
    def style_label(label: QLabel) -> QLabel:
        label.setStyleSheet(f"color: {ERROR_COLOR};")
        label.setWordWrap(True)
        return label

    def keys(self) -> list[str]:
        return list(self._fields)

    def clear(self) -> None:
        self.unmatched = {}
        for key in self._fields:
            self._set(key, "")

    def message(self, key: str) -> str:
        _widget, label = self._fields[key]
        return label.text() if not label.isHidden() else ""

    def messages(self) -> dict[str, str]:
        return {k: self.message(k) for k in self._fields if self.message(k)}

    def set(self, key: str, message: str) -> None:
        """Show (or with an empty message clear) one field's error."""
        self._set(key, message)

    def show(self, exc: ValidationError) -> QWidget | None:
        """Clear, then show every field message of ``exc``; returns the first bad widget."""
        self.clear()
        for field, message in exc.field_messages().items():
            key = self._match(field)
            if key is None:
                self.unmatched[field] = message
            elif not self.message(key):
                self._set(key, message)
        return self.first_invalid()

    def first_invalid(self) -> QWidget | None:
        for key, (widget, _label) in self._fields.items():
            if self.message(key):
                return widget
        return None

    def _match(self, field: str) -> str | None:
        if field in self._fields:
            return field
        prefixes = [k for k in self._fields if field.startswith(k + ".")]
        return max(prefixes, key=len) if prefixes else None

    def _set(self, key: str, message: str) -> None:
        widget, label = self._fields[key]
        label.setText(message)
        label.setVisible(bool(message))
        widget.setToolTip(message)
        widget.setProperty("invalid", bool(message))
        style = self._styles[key]
        if message:
            cls = widget.metaObject().className()
            style += f"\n{cls} {{ border: 1px solid {ERROR_COLOR}; border-radius: 2px; }}"
        widget.setStyleSheet(style)
