"""Column widths of a long register tuned to what it holds: the widths that make its rows, all
together, as short as they can be.

Columns given as ``whole`` (codes, numbers, dates) are as wide as their longest line and never
wrap. Every other column starts as wide as its longest word (header words in bold) and the
width left over is handed out a few millimetres at a time, each time to the column whose
widening saves the most height per millimetre over the rows (a row is as tall as its tallest
cell). Lines are counted the way a paragraph breaks them (greedy, at spaces) from the words'
measured widths, on an even sample of the rows, so a ledger of thousands of rows is measured
in a fraction of a second.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from tthc_desk.domain.text import nfc
from tthc_desk.printing.layout import text_width

#: Rows measured at most (evenly spread over the register).
SAMPLE = 400
#: The width is handed out in steps of this size.
STEP = 1.5 * mm
#: How many steps a column may take at once (a cell may need several to lose a line).
JUMPS = (1, 2, 4, 8, 16)


def _lines(words: Sequence[float], space: float, width: float) -> int:
    """How many lines words of these widths take when broken greedily at spaces."""
    lines, used = 1, words[0]
    for w in words[1:]:
        if used + space + w <= width:
            used += space + w
        else:
            lines, used = lines + 1, w
    return lines


class _Column:
    """One wrapping column: each sampled cell as its words' widths, and lines by width."""

    def __init__(self, cells: Sequence[str], style: ParagraphStyle, padding: float) -> None:
        self.space = stringWidth(" ", style.fontName, style.fontSize)  # (nfc() strips it)
        self.cells = [tuple(_word_widths(c, style.fontName, style.fontSize)) for c in cells]
        self.padding = padding
        self._by_width: dict[float, tuple[int, ...]] = {}
        self._needs: dict[int, list[float]] = {}

    def lines(self, width: float) -> tuple[int, ...]:
        width = round(width, 3)
        if width not in self._by_width:
            inner = width - 2 * self.padding
            self._by_width[width] = tuple(
                _lines(words, self.space, inner) if words else 1 for words in self.cells
            )
        return self._by_width[width]

    def needed(self, lines: int, share: float) -> float:
        """The width at which ``share`` of the cells take at most ``lines`` lines."""
        if lines not in self._needs:
            each = {words: _narrowest(words, self.space, lines) for words in set(self.cells)}
            self._needs[lines] = sorted(each[words] for words in self.cells)
        needs = self._needs[lines]
        return needs[min(len(needs) - 1, int(share * len(needs)))] + 2 * self.padding + 0.5


def _narrowest(words: tuple[float, ...], space: float, lines: int) -> float:
    """The least inner width at which ``words`` break into at most ``lines`` lines."""
    if not words:
        return 0.0
    low, high = max(words), sum(words) + space * (len(words) - 1)
    for _ in range(14):
        middle = (low + high) / 2
        if _lines(words, space, middle) <= lines:
            high = middle
        else:
            low = middle
    return high


def _word_widths(text: str, font: str, size: float) -> list[float]:
    return [stringWidth(w, font, size) for w in str(text).split()]


class _Fit:
    """The search: wrapping columns, least widths, and the lines of the whole columns."""

    def __init__(
        self, columns: dict[int, _Column], least: list[float], floor: tuple[int, ...]
    ) -> None:
        self.columns = columns
        self.least = least
        self.floor = floor

    def height(self, widths: Sequence[float]) -> int:
        """The sampled rows' lines added up, each row as tall as its tallest cell."""
        lines = [c.lines(widths[i]) for i, c in self.columns.items()]
        return sum(max(row) for row in zip(self.floor, *lines, strict=True))

    def greedy(self, width: float) -> list[float]:
        """From the least widths, a few millimetres at a time to the column that saves most."""
        widths = list(self.least)
        room = width - sum(widths)
        while room >= STEP:
            best = self._best_step(widths, room)
            if best is None:
                break
            widths[best[0]] += best[1]
            room -= best[1]
        return self._spread(widths, width)

    def _best_step(self, widths: list[float], room: float) -> tuple[int, float] | None:
        lines = {i: c.lines(widths[i]) for i, c in self.columns.items()}
        best: tuple[float, int, float] | None = None
        for i, column in self.columns.items():
            # Each row's height without this column: the trials below only change this one.
            others = [self.floor, *(v for k, v in lines.items() if k != i)]
            rest = [max(row) for row in zip(*others, strict=True)]
            total = sum(map(max, rest, lines[i]))
            for grow in (j * STEP for j in JUMPS if j * STEP <= room):
                saved = (total - sum(map(max, rest, column.lines(widths[i] + grow)))) / grow
                if saved > 0 and (best is None or saved > best[0]):
                    best = (saved, i, grow)
        return None if best is None else (best[1], best[2])

    def levelled(self, width: float) -> list[list[float]]:
        """Every column but one set so (nearly) all its cells take at most L lines, the one
        left taking the rest of the width: for L from 1 to 4 and each column left."""
        tried = []
        for rest in self.columns:
            for lines in (1, 2, 3, 4, 5):
                for share in (0.8, 0.9, 0.95, 0.97, 1.0):
                    widths = list(self.least)
                    for i, column in self.columns.items():
                        if i != rest:
                            widths[i] = max(widths[i], column.needed(lines, share))
                    if sum(widths) <= width:
                        widths[rest] += width - sum(widths)
                        tried.append(widths)
        return tried

    def _spread(self, widths: list[float], width: float) -> list[float]:
        """What no column needs any more, shared evenly among the wrapping columns."""
        extra = (width - sum(widths)) / len(self.columns)
        return [w + extra if i in self.columns else w for i, w in enumerate(widths)]


def tuned_widths(
    header_rows: Sequence[Sequence[str]],
    rows: Sequence[Sequence[str]],
    head_style: ParagraphStyle,
    cell_style: ParagraphStyle,
    *,
    whole: Iterable[int],
    padding: float,
    width: float,
    widest: dict[int, float] | None = None,
) -> list[float]:
    """Widths of the columns (see the module's docstring) that fill ``width``.

    A register read once as a stream gives its :func:`sample` as ``rows`` and, in ``widest``,
    the widest line of each ``whole`` column over all its rows (:func:`widest_line`)."""
    n = len(header_rows[0])
    kept = set(whole)
    sample = list(rows) if widest is not None else sample_rows(rows)
    styles = (head_style, cell_style)
    least = [
        (
            max(_least(i, header_rows, [], styles, True), widest[i])
            if widest is not None and i in kept
            else _least(i, header_rows, rows if i in kept else sample, styles, i in kept)
        )
        + 2 * padding
        + 1
        for i in range(n)
    ]
    free = [i for i in range(n) if i not in kept]
    if not free or sum(least) > width:
        return [w * width / sum(least) for w in least]
    floor = tuple(max([1, *(len(str(r[i]).splitlines()) for i in kept)]) for r in sample)
    fit = _Fit(
        {i: _Column([str(r[i]) for r in sample], cell_style, padding) for i in free}, least, floor
    )
    return min([fit.greedy(width), *fit.levelled(width)], key=fit.height)


def sample_step(total: int) -> int:
    """Every how many rows one is measured, of a register of ``total`` rows."""
    return max(1, total // SAMPLE)


def sample_rows(rows: Sequence[Sequence[str]]) -> list[Sequence[str]]:
    """The rows measured: evenly spread, at most about :data:`SAMPLE`."""
    return list(rows[:: sample_step(len(rows))])


def widest_line(cell: str, style: ParagraphStyle) -> float:
    """The width of the widest line of a cell printed whole."""
    font, size = style.fontName, style.fontSize
    return max((_width(nfc(p), font, size) for p in cell.splitlines()), default=0.0)


@lru_cache(maxsize=16384)
def _width(text: str, font: str, size: float) -> float:
    return stringWidth(text, font, size)


def _least(
    column: int,
    header_rows: Sequence[Sequence[str]],
    rows: Sequence[Sequence[str]],
    styles: tuple[ParagraphStyle, ParagraphStyle],
    whole: bool,
) -> float:
    """The longest header word (bold) and the longest body word, or whole line, of a column."""
    words = [w for r in header_rows for w in str(r[column]).split()]
    head = max((text_width(w, styles[0]) for w in words), default=0.0)
    cells = {str(r[column]) for r in rows}
    pieces = {p for c in cells for p in (c.splitlines() if whole else c.split())}
    body = max((text_width(p, styles[1]) for p in pieces), default=0.0)
    return max(head, body)


def wrap(text: str, width: float, style: ParagraphStyle, padding: float) -> str:
    """``text`` broken into lines as a paragraph of ``style`` breaks it in a cell ``width``
    wide (greedy, at spaces; a word wider than the cell broken where it must), joined by
    newlines: a plain table cell, far cheaper to lay out than a Paragraph."""
    inner = width - 2 * padding
    font, size = style.fontName, style.fontSize
    space = stringWidth(" ", font, size)
    lines: list[str] = []
    line, used = "", 0.0
    for word in str(text).split():
        w = stringWidth(word, font, size)
        if line and used + space + w <= inner:
            line, used = f"{line} {word}", used + space + w
            continue
        if line:
            lines.append(line)
        while w > inner and len(word) > 1:
            cut = _longest_fit(word, inner, font, size)
            lines.append(word[:cut])
            word = word[cut:]
            w = stringWidth(word, font, size)
        line, used = word, w
    if line:
        lines.append(line)
    return "\n".join(lines)


def _longest_fit(word: str, width: float, font: str, size: float) -> int:
    """How many first letters of ``word`` fit in ``width`` (at least one)."""
    n = len(word) - 1
    while n > 1 and stringWidth(word[:n], font, size) > width:
        n -= 1
    return n
