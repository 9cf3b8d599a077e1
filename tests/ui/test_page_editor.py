"""The page editor (issue 15): pages reordered, turned and dropped by keyboard, files dropped in."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QAction, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QMainWindow

from tests.ui.scans import page_file
from tthc_desk.scanning.pages import PageRef
from tthc_desk.ui.errors import ErrorDialog
from tthc_desk.ui.page_editor import PageEditor
from tthc_desk.ui.tasks import TaskRunner

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def files(tmp_path: Path) -> list[Path]:
    return [
        page_file(tmp_path, "a.png", "a4"),
        page_file(tmp_path, "b.png", "slip"),
        page_file(tmp_path, "c.png", "square"),
    ]


@pytest.fixture
def editor(qtbot, files: list[Path]) -> PageEditor:  # type: ignore[no-untyped-def]
    # In a window whose Ctrl+L locks the screen and Ctrl+R opens the registers, as the main
    # window's do.
    window = QMainWindow()
    qtbot.addWidget(window)
    editor = PageEditor(TaskRunner(synchronous=True))
    window.setCentralWidget(editor)
    window.triggered = []  # type: ignore[attr-defined]
    for key, context in (
        ("Ctrl+L", Qt.ShortcutContext.ApplicationShortcut),
        ("Ctrl+R", Qt.ShortcutContext.WindowShortcut),
    ):
        action = QAction(key, window)
        action.setShortcut(QKeySequence(key))
        action.setShortcutContext(context)
        window.addAction(action)
        action.triggered.connect(lambda _=False, k=key: window.triggered.append(k))  # type: ignore[attr-defined]
    window.show()
    qtbot.waitExposed(window)
    editor.add_files(files)
    editor.list.setFocus()
    return editor


def names(editor: PageEditor) -> list[str]:
    return [p.path.name for p in editor.pages()]


def test_files_become_pages_with_thumbnails(editor: PageEditor, files: list[Path]) -> None:
    assert editor.pages() == [PageRef(f) for f in files]
    assert editor.count() == 3
    assert [editor.list.item(i).text() for i in range(3)] == ["Trang 1", "Trang 2", "Trang 3"]
    icon = editor.list.item(1).icon().pixmap(editor.list.iconSize()).toImage()
    # The slip is drawn (dark bars on the page), not left a blank sheet.
    assert any(
        icon.pixelColor(x, y).value() < 100
        for x in range(icon.width())
        for y in range(icon.height())
    )


def test_reorder_rotate_delete_by_keyboard(qtbot, editor: PageEditor) -> None:  # type: ignore[no-untyped-def]
    changes: list[int] = []
    editor.pages_changed.connect(lambda: changes.append(1))
    lst = editor.list
    lst.setCurrentRow(0)
    qtbot.keyClick(lst, Qt.Key.Key_Right, CTRL)  # a.png one place later
    assert names(editor) == ["b.png", "a.png", "c.png"]
    qtbot.keyClick(lst, Qt.Key.Key_Right, CTRL)
    assert names(editor) == ["b.png", "c.png", "a.png"]
    assert lst.currentRow() == 2
    qtbot.keyClick(lst, Qt.Key.Key_Right, CTRL)  # at the end already: nothing moves
    assert names(editor) == ["b.png", "c.png", "a.png"]
    qtbot.keyClick(lst, Qt.Key.Key_BracketRight, CTRL)
    qtbot.keyClick(lst, Qt.Key.Key_BracketRight, CTRL)
    qtbot.keyClick(lst, Qt.Key.Key_BracketLeft, CTRL)
    assert editor.pages()[2].rotation == 90
    assert lst.item(2).text() == "Trang 3 · xoay 90°"
    assert editor.window().triggered == []  # type: ignore[attr-defined]
    qtbot.keyClick(lst, Qt.Key.Key_Left)  # choose c.png
    qtbot.keyClick(lst, Qt.Key.Key_Delete)
    assert names(editor) == ["b.png", "a.png"]
    assert [p.rotation for p in editor.pages()] == [0, 90]
    assert len(changes) == 6  # two moves, three turns, one delete
    lst.setCurrentRow(0)
    qtbot.keyClick(lst, Qt.Key.Key_BracketLeft, CTRL)  # anticlockwise from 0 is 270
    assert editor.pages()[0].rotation == 270


def test_the_window_keys_still_work_over_the_pages(qtbot, editor: PageEditor) -> None:  # type: ignore[no-untyped-def]
    """Ctrl+L locks the screen and Ctrl+R opens the registers with the pages focused: turning
    a page has keys of its own, and the buttons and the help line name them."""
    lst = editor.list
    lst.setCurrentRow(0)
    qtbot.keyClick(lst, Qt.Key.Key_L, CTRL)
    qtbot.keyClick(lst, Qt.Key.Key_R, CTRL)
    assert editor.window().triggered == ["Ctrl+L", "Ctrl+R"]  # type: ignore[attr-defined]
    assert [p.rotation for p in editor.pages()] == [0, 0, 0]
    assert "Ctrl+[" in editor.left_button.text() and "Ctrl+]" in editor.right_button.text()
    assert "Ctrl+[ / Ctrl+]: xoay" in editor.status.text()


def test_the_thumbnail_turns_with_its_page(qtbot, editor: PageEditor) -> None:  # type: ignore[no-untyped-def]
    lst = editor.list
    lst.setCurrentRow(1)  # the wide slip
    before = lst.item(1).icon().pixmap(lst.iconSize()).toImage()
    qtbot.keyClick(lst, Qt.Key.Key_BracketRight, CTRL)
    after = lst.item(1).icon().pixmap(lst.iconSize()).toImage()
    assert before != after


def test_files_dropped_on_the_pages_are_added(qtbot, editor: PageEditor, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    extra = page_file(tmp_path, "d.png", "a4")
    bad = tmp_path / "ghi chú.txt"
    bad.write_text("x")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(extra)), QUrl.fromLocalFile(str(bad))])
    viewport = editor.list.viewport()
    enter = QDragEnterEvent(
        QPoint(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(viewport, enter)
    assert enter.isAccepted()
    drop = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(viewport, drop)
    assert names(editor) == ["a.png", "b.png", "c.png", "d.png"]  # the text file is refused
    errors = [w for w in QApplication.topLevelWidgets() if isinstance(w, ErrorDialog)]
    errors += editor.window().findChildren(ErrorDialog)
    assert any("ghi chú.txt" in e.message for e in errors), [e.message for e in errors]
    for e in errors:
        e.close()


def test_delete_the_last_page_leaves_an_empty_editor(qtbot, editor: PageEditor) -> None:  # type: ignore[no-untyped-def]
    editor.list.selectAll()
    qtbot.keyClick(editor.list, Qt.Key.Key_Delete)
    assert editor.pages() == []
    assert not editor.delete_button.isEnabled()
    assert editor.status.text() == "" and "Chưa có trang nào" in editor.list.placeholder
