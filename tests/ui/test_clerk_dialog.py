"""Choosing the clerk at the counter from the keyboard."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QDialog

from tthc_desk.ui.clerk_dialog import ClerkDialog


def type_text(widget, text: str) -> None:  # type: ignore[no-untyped-def]
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(
                widget, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, ch)
            )


def test_type_without_accents_then_enter_remembers_the_clerk(qtbot, services):
    services.settings.set_current_clerk("Trần Thị Bình")
    dialog = ClerkDialog(services)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.selected_name() == "Trần Thị Bình"  # the remembered clerk is preselected

    type_text(dialog.filter_edit, "cuong")
    assert dialog.visible_names() == ["Lê Văn Cường"]
    with qtbot.waitSignal(dialog.clerk_chosen) as chosen:
        qtbot.keyClick(dialog.filter_edit, Qt.Key.Key_Return)

    assert chosen.args == ["Lê Văn Cường"]
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert services.settings.current_clerk() == "Lê Văn Cường"


def test_arrow_keys_move_in_the_list_and_no_match_cannot_be_chosen(qtbot, services):
    services.settings.set_current_clerk("Trần Thị Bình")
    dialog = ClerkDialog(services)
    qtbot.addWidget(dialog)
    dialog.show()
    first = dialog.selected_name()
    qtbot.keyClick(dialog.filter_edit, Qt.Key.Key_Down)
    assert dialog.selected_name() not in ("", first)

    type_text(dialog.filter_edit, "xyz")
    assert dialog.visible_names() == []
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClick(dialog.filter_edit, Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert services.settings.current_clerk() == "Trần Thị Bình"
