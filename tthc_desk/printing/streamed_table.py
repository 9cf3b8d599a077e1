"""A register table whose rows come from a stream, laid out a page at a time.

reportlab's LongTable wants every row up front (and platypus keeps them until the table is
done): a year's ledger would be held whole. :class:`StreamedTable` pulls rows from an iterator
only as pages need them: on each page it builds an ordinary long table of the header rows and
the next :data:`WINDOW` rows, lets reportlab split it at the foot of the page, keeps the rows
that did not fit for the next page and lets go of the rest. The header rows repeat on every
page as before, and the pages look exactly like the LongTable's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from reportlab.platypus import Flowable, Table

#: Rows offered to a page at a time (a ledger page holds some twenty).
WINDOW = 80


class StreamedTable(Flowable):
    """``build(rows)`` makes the table of some body rows (header rows repeated, ``n_head`` of
    them); ``rows`` is read as the pages are laid out. ``progress`` hears (rows laid out,
    ``total``) at each page and at the end."""

    def __init__(
        self,
        rows: Iterator[Sequence[Any]],
        build: Callable[[list[Sequence[Any]]], Table],
        n_head: int,
        total: int,
        progress: Callable[[int, int], object] | None = None,
    ) -> None:
        super().__init__()
        self._rows = rows
        self._build = build
        self._n_head = n_head
        self._total = total
        self._progress = progress
        self._pending: list[Sequence[Any]] = []
        self._ended = False
        self._done = 0
        self._last: Table | None = None

    def _fill(self) -> None:
        while not self._ended and len(self._pending) < WINDOW:
            try:
                self._pending.append(next(self._rows))
            except StopIteration:
                self._ended = True

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self._fill()
        table = self._build(self._pending)
        width, height = table.wrap(availWidth, availHeight)
        if self._ended and height <= availHeight:
            self._last = table  # the rest fits here: this is the last piece
            return width, height
        return width, availHeight + 1  # more than the page: split it

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        self._fill()
        parts = self._build(self._pending).split(availWidth, availHeight)
        if not parts:
            return []  # not even one row fits under what is on the page: the next page
        # reportlab's stubs do not declare the rows a split table keeps.
        placed = len(parts[0]._cellvalues) - self._n_head  # type: ignore[attr-defined]
        if placed <= 0:
            return []
        del self._pending[:placed]
        # platypus marks a flowable put off to the next page and gives up when it is put off
        # again; this one goes on page after page, so each page is a fresh start.
        self.__dict__.pop("_postponed", None)
        self._done += placed
        self._tell(self._done)
        return [parts[0], self]

    def draw(self) -> None:
        if self._last is not None:
            self._last.drawOn(self.canv, 0, 0)
            self._done += len(self._pending)
            self._pending.clear()
            self._tell(self._done, ended=True)

    def _tell(self, done: int, ended: bool = False) -> None:
        if self._progress is not None:
            self._progress(done, done if ended else max(self._total, done))
