"""The move table and the classification rules, without a database."""

from __future__ import annotations

from datetime import datetime

import pytest

from tthc_desk.domain.dossier import Status
from tthc_desk.domain.errors import ValidationError
from tthc_desk.domain.lifecycle import (
    ENDED_WITHOUT_RESULT,
    OPEN,
    SETTLED,
    TRANSITIONS,
    Granularity,
    Move,
    OpenTimeliness,
    Timeliness,
    allowed_moves,
    classify,
    classify_open,
    extension_counts,
    next_status,
)
from tthc_desk.presentation import label


def test_every_status_is_in_exactly_one_group() -> None:
    groups = [OPEN, SETTLED, ENDED_WITHOUT_RESULT]
    for status in Status:
        assert sum(status in g for g in groups) == 1, status
        assert status in TRANSITIONS


def test_terminal_statuses_allow_nothing() -> None:
    for status in (
        Status.RETURNED,
        Status.REFUSED,
        Status.STOPPED,
        Status.WITHDRAWN,
        Status.CLOSED,
    ):
        assert allowed_moves(status) == []


@pytest.mark.parametrize(
    ("status", "move", "target"),
    [
        (Status.RECEIVED, Move.HAND_OVER, Status.IN_PROGRESS),
        (Status.IN_PROGRESS, Move.HAND_OVER, Status.IN_PROGRESS),
        (Status.IN_PROGRESS, Move.SUPPLEMENT, Status.SUPPLEMENT),
        (Status.SUPPLEMENT, Move.SUPPLEMENTED, Status.RECEIVED),
        (Status.SUPPLEMENT, Move.CLOSED, Status.CLOSED),
        (Status.IN_PROGRESS, Move.RESULT_READY, Status.RESULT_READY),
        (Status.RESULT_READY, Move.RETURNED, Status.RETURNED),
        (Status.RECEIVED, Move.REFUSED, Status.REFUSED),
        (Status.IN_PROGRESS, Move.STOPPED, Status.STOPPED),
        (Status.RECEIVED, Move.WITHDRAWN, Status.WITHDRAWN),
    ],
)
def test_possible_moves(status: Status, move: Move, target: Status) -> None:
    assert next_status(status, move) is target


@pytest.mark.parametrize(
    ("status", "move"),
    [
        (Status.RECEIVED, Move.RETURNED),
        (Status.RECEIVED, Move.SUPPLEMENTED),
        (Status.IN_PROGRESS, Move.CLOSED),
        (Status.SUPPLEMENT, Move.RESULT_READY),
        (Status.RESULT_READY, Move.HAND_OVER),
        (Status.RETURNED, Move.RETURNED),
    ],
)
def test_impossible_moves_say_why(status: Status, move: Move) -> None:
    with pytest.raises(ValidationError) as err:
        next_status(status, move)
    assert label(status) in err.value.message and label(move).lower() in err.value.message


@pytest.mark.parametrize(
    ("settled", "granularity", "expected"),
    [
        (datetime(2026, 3, 4, 23, 59), Granularity.DAY, Timeliness.EARLY),
        (datetime(2026, 3, 5, 7, 0), Granularity.DAY, Timeliness.ON_TIME),
        (datetime(2026, 3, 5, 23, 59), Granularity.DAY, Timeliness.ON_TIME),
        (datetime(2026, 3, 6, 0, 0), Granularity.DAY, Timeliness.LATE),
        (datetime(2026, 3, 5, 9, 59), Granularity.MINUTE, Timeliness.EARLY),
        (datetime(2026, 3, 5, 10, 0), Granularity.MINUTE, Timeliness.ON_TIME),
        (datetime(2026, 3, 5, 10, 1), Granularity.MINUTE, Timeliness.LATE),
    ],
)
def test_classification(settled: datetime, granularity: Granularity, expected: Timeliness) -> None:
    assert classify(settled, datetime(2026, 3, 5, 10, 0), granularity) is expected


def test_open_dossiers_and_supplements() -> None:
    due = datetime(2026, 3, 5, 10, 0)
    assert classify_open(Status.IN_PROGRESS, due, due) is OpenTimeliness.WITHIN
    assert (
        classify_open(Status.IN_PROGRESS, due, datetime(2026, 3, 5, 10, 1))
        is OpenTimeliness.OVERDUE
    )
    assert classify_open(Status.SUPPLEMENT, due, datetime(2026, 4, 1)) is OpenTimeliness.WITHIN


@pytest.mark.parametrize(
    ("signed", "counts"),
    [
        (datetime(2026, 3, 4, 16, 0), True),  # two days before
        (datetime(2026, 3, 5, 0, 0), True),  # the day before, first minute
        (datetime(2026, 3, 5, 23, 59), True),  # the day before, last minute: the limit
        (datetime(2026, 3, 6, 0, 0), False),  # the due day itself, before the due moment
        (datetime(2026, 3, 6, 7, 30), False),
        (datetime(2026, 3, 6, 17, 0), False),  # at the due moment
        (datetime(2026, 3, 7, 9, 0), False),  # after the due day
    ],
)
def test_extension_counts_when_signed_by_the_calendar_day_before(
    signed: datetime, counts: bool
) -> None:
    original = datetime(2026, 3, 6, 17, 0)  # Friday
    assert extension_counts(signed, original) is counts


@pytest.mark.parametrize(
    ("signed", "counts"),
    [
        (datetime(2026, 3, 6, 16, 0), True),  # Friday, the working day before
        (datetime(2026, 3, 7, 9, 0), True),  # Saturday: a calendar day before Monday
        (datetime(2026, 3, 8, 23, 59), True),  # Sunday, the day before: the limit
        (datetime(2026, 3, 9, 7, 30), False),  # Monday, the due day
    ],
)
def test_extension_signed_over_the_weekend_before_a_monday_due_day_counts(
    signed: datetime, counts: bool
) -> None:
    # rules.md "Classification": "no later than the calendar day before the original due day
    # (any time that day)"; the working day before (Friday) is no longer the limit.
    original = datetime(2026, 3, 9, 8, 0)  # Monday
    assert extension_counts(signed, original) is counts
