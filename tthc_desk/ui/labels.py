"""The words of the domain's codes and values on screen: :mod:`tthc_desk.presentation`'s labels,
translated at run time.

Presentation marks each label and template under a context (``QT_TRANSLATE_NOOP``); these
functions pass ``QCoreApplication.translate`` as its ``tr``, so an installed translator changes
what the screens show. With none installed, the Vietnamese comes back unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum
from typing import TypeVar

from PySide6.QtCore import QCoreApplication

from tthc_desk import presentation
from tthc_desk.domain.journal import JournalEntry
from tthc_desk.domain.lifecycle import DossierEvent
from tthc_desk.domain.outbox import DeliveryReceipt
from tthc_desk.domain.periods import Period
from tthc_desk.domain.procedure import Duration
from tthc_desk.domain.scans import DigitisationCounts

E = TypeVar("E", bound=StrEnum)


def _translate(context: str, text: str) -> str:
    return QCoreApplication.translate(context, text)


def label(value: StrEnum | None) -> str:
    """The label of a code, as the screens show it ("" for None)."""
    return presentation.label(value, _translate)


def labels_of(kind: type[E]) -> Iterator[tuple[E, str]]:
    """Each member of ``kind`` with its label, in order: the choices of a list."""
    return presentation.labels_of(kind, _translate)


def field_label(name: str) -> str:
    return presentation.field_label(name, _translate)


def duration_text(duration: Duration) -> str:
    return presentation.duration_text(duration, _translate)


def event_label(event: DossierEvent) -> str:
    return presentation.event_label(event, _translate)


def period_label(period: Period) -> str:
    return presentation.period_label(period, _translate)


def period_range_text(period: Period) -> str:
    return presentation.period_range_text(period, _translate)


def digitisation_lines(counts: DigitisationCounts) -> list[str]:
    return presentation.digitisation_lines(counts, _translate)


def receipt_text(receipt: DeliveryReceipt) -> str:
    return presentation.receipt_text(receipt, _translate)


def journal_kind_label(kind: str) -> str:
    """The label of a journal entry's kind (its code when it is not one of ours)."""
    return presentation.journal_kind_label(kind, _translate)


def journal_details(entry: JournalEntry) -> str:
    """What a journal entry changed, in a line."""
    return presentation.journal_details(entry, _translate)
