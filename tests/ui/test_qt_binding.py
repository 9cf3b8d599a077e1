"""The Qt binding the app ships with must not corrupt Python: PySide6 6.12.0 on Python 3.11 took a
reference from ``None`` on every call that returns no object (``findChild`` finding nothing, a
top-level widget's ``parent()``, ``focusWidget()`` with no focus …), and the counter's app aborted
("deallocating None") after a few thousand such calls. pyproject.toml keeps that version out."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QLabel, QListWidget, QWidget


def test_calls_that_return_no_object_leave_none_alone(qapp: QApplication) -> None:
    widget, items = QWidget(), QListWidget()
    before = sys.getrefcount(None)
    for _ in range(500):
        widget.findChild(QLabel)
        widget.parent()
        widget.focusProxy()
        items.item(3)
        items.currentItem()
        QApplication.focusWidget()
        QApplication.activeModalWidget()
    # Other code may take or drop a few references meanwhile; 3,500 lost ones are not that.
    assert sys.getrefcount(None) - before > -100
