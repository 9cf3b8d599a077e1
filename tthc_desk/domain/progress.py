"""Progress and cancel for long work (a year's ledger, a late list): plain callables a service
takes and the GUI gives (ui/tasks.py runs the work on a worker thread).

``progress(done, total)`` hears how far the work is, every few hundred rows; ``total`` is 0 when
it is not known beforehand. ``cancelled()`` says whether the person asked to stop; the work then
ends with :class:`CancelledError` and the file it was writing is never left behind (writes go
through ``durable.atomic_path``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from tthc_desk.domain.errors import TthcError

Progress = Callable[[int, int], object]
Cancel = Callable[[], bool]

#: Rows between two reports (and two looks at the cancel flag).
EVERY = 500

_T = TypeVar("_T")


class CancelledError(TthcError):
    """The person stopped the work; nothing was written."""

    def __init__(self) -> None:
        super().__init__("Đã dừng theo yêu cầu, không ghi tệp nào.")


class Watch:
    """Counts the rows of a stream as they pass, tells ``progress`` and checks ``cancelled``."""

    def __init__(
        self,
        total: int,
        progress: Progress | None = None,
        cancelled: Cancel | None = None,
        every: int = EVERY,
    ) -> None:
        self.total = total
        self.done = 0
        self._progress = progress
        self._cancelled = cancelled
        self._every = every

    def rows(self, items: Iterable[_T]) -> Iterator[_T]:
        """``items`` unchanged, counted; every :data:`EVERY` rows, and after the last, the
        work may stop here."""
        for item in items:
            if self.done % self._every == 0:
                self.check()
                if self._progress is not None:
                    self._progress(self.done, max(self.total, self.done))
            self.done += 1
            yield item
        self.check()  # the last look: before the file takes its name

    def check(self) -> None:
        """Stop (raise :class:`CancelledError`) when the person asked to."""
        if self._cancelled is not None and self._cancelled():
            raise CancelledError()

    def finish(self) -> None:
        """The last report: everything done."""
        if self._progress is not None:
            self._progress(self.done, self.done)
