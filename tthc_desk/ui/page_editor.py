"""The pages of one paper before it is saved: thumbnails to put in order, turn and drop.

Each page is a :class:`~tthc_desk.scanning.pages.PageRef` (a file, a page of it, a rotation):
nothing is re-encoded until the paper is composed, so turning a page twice loses nothing.
Keyboard first, as everywhere at the counter: the arrows choose a page, Ctrl+← / Ctrl+→ move it
one place, Ctrl+[ / Ctrl+] turn the chosen pages a quarter left / right, Delete drops them. The
same is done with the mouse by dragging a thumbnail, by the buttons over the pages, and files
(PDF, JPEG, PNG, TIFF) dropped on the pages are added at the end.

The turning keys clash with none of the window's: Ctrl+L still locks the screen and Ctrl+R still
opens the registers while the pages have the focus.

Thumbnails are drawn on a worker of the window's task runner, once per page of a file; a turned
page turns its thumbnail without drawing it again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QIcon,
    QImage,
    QKeyEvent,
    QPainter,
    QPaintEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from tthc_desk.domain.errors import ScanError
from tthc_desk.scanning.pages import PageRef, expand
from tthc_desk.scanning.render import render_ref
from tthc_desk.ui.display import MUTED_COLOR, muted_label
from tthc_desk.ui.errors import show_error
from tthc_desk.ui.scan_images import A4_RATIO, THUMB_WIDTH, paper_pixmap, to_qimage, turned
from tthc_desk.ui.tasks import TaskRunner

log = logging.getLogger(__name__)

PAGE_ROLE = Qt.ItemDataRole.UserRole + 1
THUMB_SIZE = QSize(THUMB_WIDTH, round(THUMB_WIDTH * A4_RATIO))
_CTRL = Qt.KeyboardModifier.ControlModifier
_KeyAction = tuple[Qt.Key, Qt.KeyboardModifier]
ThumbKey = tuple[Path, int]


def dropped_paths(event: QDropEvent | QDragEnterEvent | QDragMoveEvent) -> list[Path]:
    """The local files of a drop (a link or text dropped gives none)."""
    mime = event.mimeData()
    if not mime.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]


def render_thumbnails(keys: Sequence[ThumbKey], width_px: int) -> list[tuple[ThumbKey, QImage]]:
    """The upright thumbnails of ``keys`` (worker thread); a page that cannot be drawn is left
    out (it keeps its blank sheet, and composing names the file)."""
    out = []
    for path, index in keys:
        try:
            image = render_ref(PageRef(path, index), width_px=width_px)
        except ScanError as exc:
            log.warning("Thumbnail of %s page %d: %s", path, index, exc.message)
            continue
        out.append(((path, index), to_qimage(image)))
    return out


class PageList(QListWidget):
    """The thumbnails; a drag reorders them (``order_changed``), files dropped from outside give
    ``files_dropped(list[Path])``."""

    files_dropped = Signal(list)
    order_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pageList")
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(True)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        # Static: a drag changes the order of the pages (QListWidget moves the rows), never
        # leaves a thumbnail at a free place.
        self.setMovement(QListView.Movement.Static)
        self.setIconSize(THUMB_SIZE)
        self.setGridSize(QSize(THUMB_SIZE.width() + 28, THUMB_SIZE.height() + 44))
        self.setSpacing(6)
        self.setUniformItemSizes(True)
        self.setWordWrap(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.viewport().setAcceptDrops(True)  # a Static list view turns it off; drops land here
        self.setDropIndicatorShown(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        #: Said in the middle while there is no page.
        self.placeholder = ""

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self.count() == 0 and self.placeholder:  # where the pages go: say how they come
            painter = QPainter(self.viewport())
            painter.setPen(QColor(MUTED_COLOR))
            area = self.viewport().rect().adjusted(40, 0, -40, 0)
            flags = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap
            painter.drawText(area, int(flags), self.placeholder)
            painter.end()

    def _outside(self, event: QDropEvent | QDragEnterEvent | QDragMoveEvent) -> bool:
        return event.source() is not self and bool(dropped_paths(event))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._outside(event):
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
            return
        super().dragEnterEvent(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if self._outside(event):
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
            return
        super().dragMoveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        if self._outside(event):
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
            self.files_dropped.emit(dropped_paths(event))
            return
        super().dropEvent(event)
        if event.source() is self:
            self.order_changed.emit()


class PageEditor(QWidget):
    """Thumbnails of the pages of one paper; ``pages()`` in their order, with their rotation.

    ``pages_changed()`` after every change (pages added, moved, turned or dropped)."""

    pages_changed = Signal()

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pageEditor")
        self._runner = runner
        self._thumbs: dict[ThumbKey, QImage] = {}
        self._drawing: set[ThumbKey] = set()
        self.list = PageList()
        self.list.placeholder = self.tr(
            "Chưa có trang nào.\nKéo thả tệp PDF, JPEG, PNG, TIFF vào đây để thêm."
        )
        self.list.installEventFilter(self)
        self.list.files_dropped.connect(self._on_list_files_dropped)
        self.list.order_changed.connect(self._on_list_order_changed)
        self.left_button = QPushButton(self.tr("↺ Xoay trái (Ctrl+[)"))
        self.right_button = QPushButton(self.tr("↻ Xoay phải (Ctrl+])"))
        self.back_button = QPushButton(self.tr("◀ Lên trước (Ctrl+←)"))
        self.forward_button = QPushButton(self.tr("Ra sau ▶ (Ctrl+→)"))
        self.delete_button = QPushButton(self.tr("Xóa trang (Del)"))
        self.delete_button.setObjectName("deletePageButton")
        tools = QHBoxLayout()
        for button, slot in (
            (self.left_button, lambda: self.rotate_selected(-1)),
            (self.right_button, lambda: self.rotate_selected(1)),
            (self.back_button, lambda: self.move_current(-1)),
            (self.forward_button, lambda: self.move_current(1)),
            (self.delete_button, self.delete_selected),
        ):
            button.setAutoDefault(False)
            button.clicked.connect(slot)
            tools.addWidget(button)
        tools.addStretch(1)
        self.status = muted_label()
        self.status.setObjectName("pageEditorStatus")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(tools)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.status)
        self._after_change(emit=False)

    # -- reading and adding ---------------------------------------------------------------------
    def pages(self) -> list[PageRef]:
        """The pages in their order, each with its rotation."""
        return [self.list.item(i).data(PAGE_ROLE) for i in range(self.list.count())]

    def count(self) -> int:
        return self.list.count()

    def add_pages(self, refs: Iterable[PageRef]) -> list[PageRef]:
        """Put ``refs`` after the pages there are; the first of them becomes the current page."""
        added = list(refs)
        first = self.list.count()
        for ref in added:
            item = QListWidgetItem()
            item.setData(PAGE_ROLE, ref)
            item.setToolTip(self.tr("{0}, trang {1}").format(ref.path.name, ref.index + 1))
            self.list.addItem(item)
            self._show_thumb(item)
        if added:
            self.list.setCurrentRow(first)
            self._draw([(r.path, r.index) for r in added])
            self._after_change()
        return added

    def add_files(self, paths: Iterable[Path]) -> list[PageRef]:
        """Add every page of ``paths`` (PDF pages, TIFF frames, images); a file that cannot be
        used is left out and said (the others are added). Returns the pages added."""
        refs: list[PageRef] = []
        problems: list[str] = []
        for path in paths:
            try:
                refs.extend(expand([Path(path)]))
            except ScanError as exc:
                problems.append(exc.message)
        added = self.add_pages(refs)
        if problems:
            show_error(self, ScanError("\n".join(problems)))
        return added

    def set_pages(self, refs: Iterable[PageRef]) -> None:
        self.list.clear()
        self.add_pages(refs)
        self._after_change()

    # -- editing --------------------------------------------------------------------------------
    def move_current(self, step: int) -> bool:
        """Move the current page ``step`` places (-1: one earlier); False at either end."""
        row = self.list.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.list.count():
            return False
        item = self.list.takeItem(row)
        self.list.insertItem(target, item)
        self.list.setCurrentItem(item)
        self._after_change()
        return True

    def rotate_selected(self, quarter_turns: int) -> int:
        """Turn the chosen pages (else the current one) ``quarter_turns`` × 90° clockwise."""
        items = self._chosen()
        for item in items:
            item.setData(PAGE_ROLE, item.data(PAGE_ROLE).rotated(quarter_turns))
            self._show_thumb(item)
        if items:
            self._after_change()
        return len(items)

    def delete_selected(self) -> int:
        """Drop the chosen pages (else the current one); the next page becomes current."""
        items = self._chosen()
        if not items:
            return 0
        row = min(self.list.row(i) for i in items)
        for item in items:
            self.list.takeItem(self.list.row(item))
        if self.list.count():
            self.list.setCurrentRow(min(row, self.list.count() - 1))
        self._after_change()
        return len(items)

    def _chosen(self) -> list[QListWidgetItem]:
        items = sorted(self.list.selectedItems(), key=self.list.row)
        current = self.list.currentItem()
        if not items and current is not None:
            items = [current]
        return items

    def _keys(self) -> dict[_KeyAction, Callable[[], object]]:
        return {
            (Qt.Key.Key_Left, _CTRL): lambda: self.move_current(-1),
            (Qt.Key.Key_Right, _CTRL): lambda: self.move_current(1),
            (Qt.Key.Key_BracketLeft, _CTRL): lambda: self.rotate_selected(-1),
            (Qt.Key.Key_BracketRight, _CTRL): lambda: self.rotate_selected(1),
            (Qt.Key.Key_Delete, Qt.KeyboardModifier.NoModifier): self.delete_selected,
        }

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.list and event.type() in (
            QEvent.Type.ShortcutOverride,
            QEvent.Type.KeyPress,
        ):
            assert isinstance(event, QKeyEvent)
            mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            action = self._keys().get((Qt.Key(event.key()), mods))
            if action is not None:
                event.accept()  # ours, not a window shortcut
                if event.type() == QEvent.Type.KeyPress:
                    action()
                return True
        return super().eventFilter(watched, event)

    # -- thumbnails -----------------------------------------------------------------------------
    def _show_thumb(self, item: QListWidgetItem) -> None:
        ref: PageRef = item.data(PAGE_ROLE)
        image = self._thumbs.get((ref.path, ref.index))
        if image is not None:
            image = turned(image, ref.rotation)
        item.setIcon(QIcon(paper_pixmap(image, THUMB_SIZE, self.devicePixelRatioF())))

    def _draw(self, keys: list[ThumbKey]) -> None:
        todo = list(dict.fromkeys(k for k in keys if k not in self._thumbs))
        todo = [k for k in todo if k not in self._drawing]
        if not todo:
            return
        self._drawing.update(todo)
        width = round(THUMB_WIDTH * self.devicePixelRatioF())
        self._runner.run(
            lambda: render_thumbnails(todo, width),
            self._on_thumbnails_drawn,
            self._on_thumbnails_failed,
        )

    def _on_thumbnails_drawn(self, drawn: list[tuple[ThumbKey, QImage]]) -> None:
        if not isValid(self):
            return  # the dialog was closed while they were drawn
        for key, image in drawn:
            self._thumbs[key] = image
            self._drawing.discard(key)
        keys = {key for key, _ in drawn}
        for i in range(self.list.count()):
            item = self.list.item(i)
            ref: PageRef = item.data(PAGE_ROLE)
            if (ref.path, ref.index) in keys:
                self._show_thumb(item)

    def _on_thumbnails_failed(self, exc: BaseException) -> None:
        log.warning("Thumbnails failed", exc_info=exc)

    # -- after a change -------------------------------------------------------------------------
    def _renumber(self) -> None:
        for i in range(self.list.count()):
            item = self.list.item(i)
            ref: PageRef = item.data(PAGE_ROLE)
            text = self.tr("Trang {0}").format(i + 1)
            if ref.rotation:
                text += self.tr(" · xoay {0}°").format(ref.rotation)
            item.setText(text)

    def _after_change(self, *, emit: bool = True) -> None:
        self._renumber()
        n = self.list.count()
        has = n > 0
        for button in (
            self.left_button,
            self.right_button,
            self.back_button,
            self.forward_button,
            self.delete_button,
        ):
            button.setEnabled(has)
        if has:
            self.status.setText(
                self.tr(
                    "{0} trang. Mũi tên: chọn trang · Ctrl+← / Ctrl+→: đổi chỗ · Ctrl+[ / "
                    "Ctrl+]: xoay · Del: xóa · kéo thả tệp vào đây để thêm."
                ).format(n)
            )
        else:
            self.status.setText("")  # the empty list says how pages come
        if emit:
            self.pages_changed.emit()

    def _on_list_files_dropped(self, paths: list[Path]) -> None:
        self.add_files(paths)

    def _on_list_order_changed(self) -> None:
        self._after_change()
