"""A dossier's digitised papers as a row of thumbnails; Enter or a double click opens one.

The strip knows nothing of where scans are kept: it is given the dossier's attachments (rows
with ``id``, ``paper_no``, ``paper_name``, ``pages``, ``reused_from``; the attachment service's
``Attachment`` is one) and a ``load(attachment_id) -> bytes`` callable, called off the GUI
thread. ``load_thumbnail`` (default ``load``) draws the thumbnails: a caller whose ``load``
records each view may give one that does not, so that only opening a paper counts as viewing it;
or ``thumbnails(ids, width_px)``, which draws them all at once (the dossier page: one journalled
view for the whole strip).
Opening shows the paper in a :class:`~tthc_desk.ui.scan_viewer.ScanViewer`; a paper that cannot
be loaded (damaged, not allowed) is said in the one error dialog.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Protocol

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QImage, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListView,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from tthc_desk.scanning.render import render_pdf_page
from tthc_desk.ui.display import muted_label
from tthc_desk.ui.errors import show_error
from tthc_desk.ui.i18n import translate
from tthc_desk.ui.page import open_dialog
from tthc_desk.ui.scan_images import A4_RATIO, paper_pixmap, to_qimage
from tthc_desk.ui.scan_viewer import ScanViewer
from tthc_desk.ui.tasks import TaskRunner

log = logging.getLogger(__name__)

STRIP_THUMB = QSize(96, round(96 * A4_RATIO))
ID_ROLE = Qt.ItemDataRole.UserRole + 1
#: Draws the first pages of attachments at a width (worker thread): (id, image or None) each.
DrawThumbnails = Callable[[list[int], int], Sequence[tuple[int, QImage | None]]]


class ScanRow(Protocol):
    """What the strip reads of an attachment."""

    @property
    def id(self) -> int: ...

    @property
    def paper_no(self) -> int | None: ...

    @property
    def paper_name(self) -> str: ...

    @property
    def pages(self) -> int: ...

    @property
    def reused_from(self) -> str | None: ...


def row_title(row: ScanRow) -> str:
    """ "2. Giấy khai sinh", or "Kết quả" for the dossier's result."""
    if row.paper_no is None:
        return translate("ScanStrip", "Kết quả giải quyết")
    return f"{row.paper_no}. {row.paper_name}"


def first_pages(
    load: Callable[[int], bytes], ids: Sequence[int], width_px: int
) -> list[tuple[int, QImage | None]]:
    """The first page of each attachment (worker thread); None for one that cannot be drawn."""
    out: list[tuple[int, QImage | None]] = []
    for attachment_id in ids:
        try:
            image = to_qimage(render_pdf_page(load(attachment_id), 0, width_px=width_px))
        except Exception as exc:  # a damaged or refused scan keeps a blank sheet; opening says why
            log.warning("Thumbnail of scan %s: %s", attachment_id, exc)
            out.append((attachment_id, None))
        else:
            out.append((attachment_id, image))
    return out


class _Thumbnails(QListWidget):
    """Enter opens the current paper (a list view would only move on)."""

    enter_pressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentItem():
            self.enter_pressed.emit()
            return
        super().keyPressEvent(event)


class ScanStrip(QWidget):
    """Thumbnails of a dossier's digitised papers; ``attachment_opened(id)`` once its viewer
    shows (``viewer`` is the last one opened)."""

    attachment_opened = Signal(int)

    def __init__(
        self,
        load: Callable[[int], bytes],
        runner: TaskRunner,
        parent: QWidget | None = None,
        *,
        load_thumbnail: Callable[[int], bytes] | None = None,
        thumbnails: DrawThumbnails | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("scanStrip")
        self._load = load
        one_by_one = load_thumbnail or load
        self._draw: DrawThumbnails = thumbnails or (
            lambda ids, width: first_pages(one_by_one, ids, width)
        )
        self._runner = runner
        self._rows: dict[int, ScanRow] = {}
        self._thumbs: dict[int, QImage | None] = {}
        self.viewer: ScanViewer | None = None
        self.list = _Thumbnails()
        self.list.setObjectName("scanThumbnails")
        self.list.setViewMode(QListView.ViewMode.IconMode)
        self.list.setFlow(QListView.Flow.LeftToRight)
        self.list.setWrapping(False)
        self.list.setMovement(QListView.Movement.Static)
        self.list.setIconSize(STRIP_THUMB)
        self.list.setGridSize(QSize(STRIP_THUMB.width() + 60, STRIP_THUMB.height() + 48))
        self.list.setWordWrap(True)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.list.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setFixedHeight(STRIP_THUMB.height() + 72)
        self.list.itemDoubleClicked.connect(self._on_list_item_double_clicked)
        self.list.enter_pressed.connect(self._on_list_enter_pressed)
        self.empty_label = muted_label(self.tr("Hồ sơ chưa có bản số hóa nào."))
        self.empty_label.setObjectName("scanStripEmpty")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list)
        layout.addWidget(self.empty_label)
        self.set_attachments([])

    def count(self) -> int:
        return self.list.count()

    def set_attachments(self, rows: Sequence[ScanRow]) -> None:
        """Show ``rows`` in their order (papers by their line, then the result, as given)."""
        self.list.clear()
        self._rows = {row.id: row for row in rows}
        ratio = self.devicePixelRatioF()
        for row in rows:
            item = QListWidgetItem(row_title(row))
            item.setData(ID_ROLE, row.id)
            tip = self.tr("{0} — {1} trang. Bấm đúp hoặc Enter để xem, in.").format(
                row_title(row), row.pages
            )
            if row.reused_from:
                tip += " " + self.tr("Dùng lại bản đã số hóa của hồ sơ {0}.").format(
                    row.reused_from
                )
            item.setToolTip(tip)
            item.setIcon(QIcon(paper_pixmap(self._thumbs.get(row.id), STRIP_THUMB, ratio)))
            self.list.addItem(item)
        self.list.setVisible(bool(rows))
        self.empty_label.setVisible(not rows)
        todo = [row.id for row in rows if row.id not in self._thumbs]
        if todo:
            draw, width = self._draw, round(STRIP_THUMB.width() * ratio)
            self._runner.run(
                lambda: list(draw(todo, width)),
                self._on_thumbnails_drawn,
                lambda exc: log.warning("Scan thumbnails failed", exc_info=exc),
            )

    def _on_thumbnails_drawn(self, drawn: list[tuple[int, QImage | None]]) -> None:
        if not isValid(self):
            return
        self._thumbs.update(drawn)
        ratio = self.devicePixelRatioF()
        for i in range(self.list.count()):
            item = self.list.item(i)
            image = self._thumbs.get(item.data(ID_ROLE))
            if image is not None:
                item.setIcon(QIcon(paper_pixmap(image, STRIP_THUMB, ratio)))

    # -- opening --------------------------------------------------------------------------------
    def open_attachment(self, attachment_id: int) -> None:
        """Load the paper off the GUI thread, then show it in the viewer."""
        row = self._rows.get(attachment_id)
        if row is None:
            return
        load = self._load
        self._runner.run(
            lambda: load(attachment_id),
            lambda data: self._on_attachment_loaded(row, data),
            self._on_attachment_failed,
            label=self.tr("Mở bản số hóa"),
        )

    def _on_attachment_loaded(self, row: ScanRow, data: bytes) -> None:
        if not isValid(self):
            return
        viewer = ScanViewer(
            data,
            self._runner,
            title=self.tr("Bản số hóa: {0}").format(row_title(row)),
            file_name=f"ban-so-hoa-{row.id}.pdf",
            parent=self,
        )
        self.viewer = open_dialog(viewer)
        self.attachment_opened.emit(row.id)

    def _on_attachment_failed(self, exc: BaseException) -> None:
        if isValid(self):
            show_error(self, exc)

    def _on_list_item_double_clicked(self, item: QListWidgetItem) -> None:
        self.open_attachment(item.data(ID_ROLE))

    def _on_list_enter_pressed(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self.open_attachment(item.data(ID_ROLE))
