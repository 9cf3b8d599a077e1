"""Catch the line a 2D scanner types into whichever input has the focus.

A scanner in keyboard mode is a keyboard: it types the card's QR content into the focused input
and presses Enter. The ID number input takes only 12 digits, the birth date only a date, so the
widget's own text cannot be trusted to hold what arrived; the catcher keeps its own copy of the
run of characters typed since the last other key, and the inputs' texts as they were before the
run began. When Enter (or Tab, a scanner's other usual suffix) ends a run that holds ``|``, the
key is swallowed and ``line_scanned`` carries the line and that snapshot, so the form can put
every input back as it was before reading the card.

A Vietnamese input method (Unikey, EVKey) corrects what it typed with Backspace: a Backspace
takes the last character off the run instead of ending it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit

from tthc_desk.domain.cccd import looks_like_cccd

_ENDS = (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab)
_SHORTCUT_MODIFIERS = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier


class ScanCatcher(QObject):
    """Watches ``inputs``; ``line_scanned(widget, line, snapshot)`` when a scanned line ends.

    ``snapshot`` is what ``take_snapshot()`` returned just before the line's first character.
    """

    line_scanned = Signal(QLineEdit, str, object)

    def __init__(
        self,
        inputs: list[QLineEdit],
        take_snapshot: Callable[[], object],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._inputs = list(inputs)
        self._take_snapshot = take_snapshot
        self._run = ""
        self._snapshot: object = None
        for widget in self._inputs:
            widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusOut:
            self._run = ""
        elif (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and isinstance(watched, QLineEdit)
        ):
            return self._on_key(watched, event)
        return super().eventFilter(watched, event)

    def _on_key(self, widget: QLineEdit, event: QKeyEvent) -> bool:
        text = event.text()
        if event.key() in _ENDS and looks_like_cccd(self._run):
            line, snapshot = self._run, self._snapshot
            self._run = ""
            self.line_scanned.emit(widget, line, snapshot)
            return True  # the scanner's Enter must not also press a button or move on
        if event.key() == Qt.Key.Key_Backspace and self._run:
            self._run = self._run[:-1]
        elif (
            text
            and text.isprintable()
            and not (event.modifiers() & _SHORTCUT_MODIFIERS)
            and event.key() not in _ENDS
        ):
            if not self._run:
                self._snapshot = self._take_snapshot()
            self._run += text
        else:
            self._run = ""
        return False
