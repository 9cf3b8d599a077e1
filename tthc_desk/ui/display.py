"""How the screens write dates, money and appointments, and the small pieces they share.

The domain returns values; this module turns them into the Vietnamese a clerk reads
("16:30 ngày 04/03/2026 (Thứ Tư)", "50.000 đ") and parses what the clerk types back. It also
holds the pieces every form and list is built from: a form row with its error line, the
accept / reject buttons of a dialog, a day input, the read-only list view, labels and headings.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from contextlib import suppress
from datetime import date, datetime, time

from PySide6.QtCore import QAbstractItemModel, QDate, QDateTime, QEvent, QObject, Qt, QTime
from PySide6.QtGui import QColor, QFocusEvent, QFont, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from tthc_desk.domain.text import format_money, nfc
from tthc_desk.ui.i18n import QT_TRANSLATE_NOOP, translate

ERROR_COLOR = "#c62828"
ACCENT_COLOR = "#0d47a1"
MUTED_COLOR = "#5f6368"


WEEKDAY_NAMES = (
    QT_TRANSLATE_NOOP("display", "Thứ Hai"),
    QT_TRANSLATE_NOOP("display", "Thứ Ba"),
    QT_TRANSLATE_NOOP("display", "Thứ Tư"),
    QT_TRANSLATE_NOOP("display", "Thứ Năm"),
    QT_TRANSLATE_NOOP("display", "Thứ Sáu"),
    QT_TRANSLATE_NOOP("display", "Thứ Bảy"),
    QT_TRANSLATE_NOOP("display", "Chủ nhật"),
)


def weekday_name(day: date) -> str:
    return translate("display", WEEKDAY_NAMES[day.weekday()])


def appointment_text(moment: datetime) -> str:
    """ "16:30 ngày 04/03/2026 (Thứ Tư)"."""
    return translate("display", "{time} ngày {day} ({weekday})").format(
        time=f"{moment:%H:%M}", day=f"{moment:%d/%m/%Y}", weekday=weekday_name(moment.date())
    )


def list_datetime(moment: datetime | None) -> str:
    """The dossier list writes moments as dd/mm/yyyy HH:MM."""
    return moment.strftime("%d/%m/%Y %H:%M") if moment else ""


def parse_money(text: str) -> int | None:
    """ "50.000 đ" → 50000; empty → None; anything with letters besides đ → ValueError."""
    cleaned = nfc(text).lower().replace("đồng", "").replace("đ", "").replace("vnd", "")
    cleaned = re.sub(r"[\s.,]", "", cleaned)
    if not cleaned:
        return None
    if not cleaned.isdigit():
        raise ValueError(text)
    return int(cleaned)


def parse_day(text: str) -> date | None:
    """ "dd/mm/yyyy" (or with - or .) → date; empty → None; anything else → ValueError."""
    value = nfc(text)
    if not value:
        return None
    m = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})", value)
    if not m:
        raise ValueError(text)
    return date(int(m[3]), int(m[2]), int(m[1]))


# -- Qt dates and times (the stubs type ``toPython()`` as ``object``) ----------------------------
def qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def to_date(value: QDate) -> date:
    day = value.toPython()
    assert isinstance(day, date)
    return day


def to_datetime(value: QDateTime) -> datetime:
    moment = value.toPython()
    assert isinstance(moment, datetime)
    return moment


def to_time(value: QTime) -> time:
    moment = value.toPython()
    assert isinstance(moment, time)
    return moment


def minute_of(edit: QDateTimeEdit) -> datetime:
    """The moment in ``edit``, to the minute (the seconds it never shows are dropped)."""
    return to_datetime(edit.dateTime()).replace(second=0, microsecond=0)


def date_edit(day: date) -> QDateEdit:
    """A dd/mm/yyyy day input with a calendar pop-up, showing ``day``."""
    edit = QDateEdit(qdate(day))
    edit.setDisplayFormat("dd/MM/yyyy")
    edit.setCalendarPopup(True)
    return edit


class MoneyEdit(QLineEdit):
    """A fee input that shows "50.000 đ" and accepts digits typed any way."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.setPlaceholderText(translate("display", "theo danh mục"))

    def set_amount(self, amount: int | None) -> None:
        self.setText(format_money(amount) if amount is not None else "")

    def amount(self) -> int | None:
        return parse_money(self.text())

    def focusOutEvent(self, event: QFocusEvent) -> None:
        with suppress(ValueError):  # left as typed: the form reports it on save
            self.set_amount(self.amount())
        super().focusOutEvent(event)


def error_label() -> QLabel:
    """The red line under an input (FieldErrors fills and shows it)."""
    label = QLabel()
    # A palette, not a style sheet: a style sheet per label costs ~2 ms each at start-up.
    palette = label.palette()
    palette.setColor(QPalette.ColorRole.WindowText, QColor(ERROR_COLOR))
    label.setPalette(palette)
    label.setWordWrap(True)
    label.hide()
    return label


def with_error(widget: QWidget, note: QLabel | None = None) -> tuple[QWidget, QLabel]:
    """Wrap an input with its error line (and an optional grey note) for a form row."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    layout.addWidget(widget)
    if note is not None:
        layout.addWidget(note)
    label = error_label()
    layout.addWidget(label)
    return box, label


def dialog_buttons(
    dialog: QDialog, ok_text: str, cancel_text: str
) -> tuple[QDialogButtonBox, QPushButton, QPushButton]:
    """The accept / reject buttons at the foot of ``dialog`` (its ``accept`` checks and saves)."""
    box = QDialogButtonBox()
    ok = box.addButton(ok_text, QDialogButtonBox.ButtonRole.AcceptRole)
    cancel = box.addButton(cancel_text, QDialogButtonBox.ButtonRole.RejectRole)
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    return box, ok, cancel


def form_field(
    form: QFormLayout, label: str, widget: QWidget, target: QWidget | None = None
) -> tuple[QWidget, QLabel]:
    """Add ``widget`` as a row of ``form`` with its error line under it; returns the pair
    :class:`~tthc_desk.ui.errors.FieldErrors` maps: ``target`` (the input to flag when ``widget``
    is a box around it, default ``widget``) and the error label."""
    box, error = with_error(widget)
    form.addRow(label, box)
    return target or widget, error


def muted_label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setStyleSheet(f"color: {MUTED_COLOR};")
    label.setWordWrap(True)
    return label


def heading_font(base: QFont, scale: float = 1.4, bold: bool = True) -> QFont:
    font = QFont(base)
    size = base.pointSizeF() if base.pointSizeF() > 0 else 10.0
    font.setPointSizeF(size * scale)
    font.setBold(bold)
    return font


def separator() -> QFrame:
    line = QFrame()
    line.setFrameShape(QFrame.Shape.HLine)
    line.setFrameShadow(QFrame.Shadow.Sunken)
    return line


def list_view(
    name: str,
    model: QAbstractItemModel,
    *,
    multi: bool = False,
    sortable: bool = False,
    sizes: Sequence[str] = (),
    pad: int = 16,
) -> QTableView:
    """A read-only list of whole rows as every page shows one: row selection (one, or several
    with ``multi``), no editing, no wrapping, no row numbers, 26 px rows; with ``sortable`` the
    header sorts but starts unsorted (rows stay as loaded). ``sizes``: a sample text per column
    sets its width (an empty sample leaves the column as it is)."""
    view = QTableView()
    view.setObjectName(name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(
        QAbstractItemView.SelectionMode.ExtendedSelection
        if multi
        else QAbstractItemView.SelectionMode.SingleSelection
    )
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setWordWrap(False)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(26)
    header = view.horizontalHeader()
    header.setHighlightSections(False)
    if sortable:
        view.setSortingEnabled(True)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
    metrics = view.fontMetrics()
    for col, sample in enumerate(sizes):
        if sample:
            view.setColumnWidth(col, metrics.horizontalAdvance(sample) + pad)
    return view


#: The narrowest a stretched column gets when nothing else can give way.
STRETCH_FLOOR = 80


class ColumnFit(QObject):
    """Fits a list's columns to the width it gets, with no horizontal scroll bar for the columns
    that matter (issue 13: 1366×768, and 1024×640 at the least).

    ``needed``: the width each column needs to be read whole. While they would not all fit, the
    ``optional`` columns are hidden, the first first; ``stretch`` (the long text, e.g. the
    procedure) takes what is left, never less than its ``needed`` width. Refitted whenever the
    view's viewport changes size (a window resized, a scroll bar appearing).
    """

    def __init__(
        self,
        view: QTableView,
        needed: Sequence[int],
        stretch: int,
        optional: Sequence[int] = (),
    ) -> None:
        super().__init__(view)
        self.view, self.needed, self.stretch, self.optional = view, list(needed), stretch, optional
        view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self._viewport = view.viewport()
        self._viewport.installEventFilter(self)
        self.fit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Only the viewport's own resizes (the view may be half-destroyed on other events).
        if event.type() == QEvent.Type.Resize and watched is self._viewport:
            self.fit()
        return False

    def fit(self) -> None:
        room = self.view.viewport().width() - 2
        columns = range(len(self.needed))
        hidden: set[int] = set()
        for optional in (None, *self.optional):
            if optional is not None:
                hidden.add(optional)
            if sum(self.needed[c] for c in columns if c not in hidden) <= room:
                break
        for c in columns:
            self.view.setColumnHidden(c, c in hidden)
            if c != self.stretch and c not in hidden:
                self.view.setColumnWidth(c, self.needed[c])
        others = sum(self.needed[c] for c in columns if c not in hidden and c != self.stretch)
        # Even with every optional column hidden the others come first: the long text then
        # shrinks below its reading width (whole in its tooltip) rather than scroll sideways.
        least = self.needed[self.stretch] if len(hidden) < len(self.optional) else STRETCH_FLOOR
        self.view.setColumnWidth(self.stretch, max(least, room - others))


def needed_widths(view: QTableView, samples: Sequence[str], pad: int = 20) -> list[int]:
    """Per column, the wider of its sample text and its title, with ``pad`` for the cell's
    margins and the sort arrow (an empty sample: the title alone)."""
    metrics = view.fontMetrics()
    model = view.model()
    return [
        max(
            metrics.horizontalAdvance(sample),
            metrics.horizontalAdvance(str(model.headerData(c, Qt.Orientation.Horizontal) or "")),
        )
        + pad
        for c, sample in enumerate(samples)
    ]
