"""The frame every page of the main window shares, and how its dialogs open.

A :class:`Page` has the services and the task runner, a heading over a column with the pages'
margins (the page adds its rows to ``root``), and loads where only the newest answer counts: a
clerk who changes a filter twice quickly sees the second list, never the first arriving late.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel, QVBoxLayout, QWidget

from tthc_desk.services.container import Services
from tthc_desk.ui.display import heading_font
from tthc_desk.ui.tasks import TaskRunner

T = TypeVar("T")
D = TypeVar("D", bound=QDialog)


def open_dialog(dialog: D) -> D:
    """Open ``dialog`` window-modal without blocking the caller; it is deleted once closed."""
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


class Page(QWidget):
    """A page: ``title`` (set its text) over ``root``, with ``_services`` and ``_runner``;
    ``spacing`` between the rows of ``root`` (None: the style's, as the outbox page has)."""

    def __init__(
        self,
        services: Services,
        runner: TaskRunner,
        parent: QWidget | None = None,
        *,
        spacing: int | None = 8,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._runner = runner
        self._generation = 0
        self.title = QLabel()
        self.title.setFont(heading_font(self.font(), 1.5))
        self.root = QVBoxLayout(self)
        self.root.setContentsMargins(12, 10, 12, 10)
        if spacing is not None:
            self.root.setSpacing(spacing)
        self.root.addWidget(self.title)

    def newest(self, on_loaded: Callable[[T], None]) -> Callable[[T], None]:
        """Start a load: ``on_loaded`` wrapped so that it runs only if no newer load started
        before the answer came (an older answer after a newer request is dropped)."""
        self._generation += 1
        return self.this_load(on_loaded)

    def this_load(self, on_loaded: Callable[[T], None]) -> Callable[[T], None]:
        """``on_loaded`` for another answer of the load under way (a count beside its rows)."""
        generation = self._generation

        def on_answer(result: T) -> None:
            if generation == self._generation:
                on_loaded(result)

        return on_answer
