"""The incremental apology scan finds exactly what the full scan finds.

A scan keeps a mark (the last journal entry it saw, its moment, its look-back and granularity);
the next one looks only at the dossiers the journal names since then and at the running ones whose
due moment passed or that are due on the next working day. These tests drive random histories
(intake, moves, signatures, discarded drafts, time passing, the clock set back, the look-back,
the granularity and the reporting months changed) and compare, at every step, what the
incremental scan would look at with what the full scan finds; on both engines.
"""

from __future__ import annotations

import contextlib
import random
import threading
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import make_draft, sign_as
from tests.second_pc import open_second_pc
from tthc_desk.domain.apology import LetterWindow, letter_window
from tthc_desk.domain.clock import FixedClock
from tthc_desk.domain.errors import TthcError
from tthc_desk.domain.lifecycle import Granularity, LetterStatus, Move
from tthc_desk.services.container import Services
from tthc_desk.services.lifecycle_service import GRANULARITY_KEY, MoveRequest
from tthc_desk.services.report_service import CALENDAR_MONTHS_KEY

#: Same day, 3 and 5 working days, and a longer one.
PROCEDURES = ("1.001193", "1.004873", "1.004772", "2.001035")
MOVES = (
    Move.HAND_OVER,
    Move.RESULT_READY,
    Move.RESULT_READY,
    Move.RETURNED,
    Move.SUPPLEMENT,
    Move.SUPPLEMENTED,
    Move.REFUSED,
    Move.WITHDRAWN,
)


def _window(services: Services) -> LetterWindow:
    now = services.clock.now()
    return letter_window(
        now,
        services.calendar.calendar(),
        services.lifecycle.granularity(),
        services.apologies.lookback_since(now),
    )


def _compare(services: Services) -> set[int]:
    """What the incremental scan would look at equals what the full one finds; returns it."""
    window = _window(services)
    with services.db.read() as uow:
        scope = uow.letters.scan_scope(window)
        full = {c.dossier_id for c in uow.letters.needing_letter(window)}
        incremental = [c.dossier_id for c in uow.letters.needing_letter(window, scope)]
        assert sorted(incremental) == sorted(full) and len(incremental) == len(set(incremental))
        assert uow.letters.count_needing_letter(window, scope) == len(full)
        settled_full = uow.letters.settled_late_without_letter(window, 1000)
        settled = uow.letters.settled_late_without_letter(window, 1000, scope)
        assert settled == settled_full
    assert services.apologies.missing_count() == len(full)
    return full


def _move(services: Services, rng: random.Random, codes: list[str]) -> None:
    move = rng.choice(MOVES)
    request = MoveRequest(
        move,
        unit="Công chức Tư pháp - Hộ tịch" if move is Move.HAND_OVER else "",
        reason="Thiếu giấy tờ" if move in (Move.SUPPLEMENT, Move.REFUSED, Move.WITHDRAWN) else "",
    )
    with contextlib.suppress(TthcError):  # not a move it can make now: the history goes on
        services.lifecycle.move(rng.choice(codes), request)


def _letter_step(services: Services, rng: random.Random) -> None:
    drafts = services.apologies.letters(LetterStatus.DRAFT)
    if not drafts:
        return
    letter = rng.choice(drafts)
    try:
        if rng.random() < 0.5:
            services.apologies.discard(letter.id)
        else:
            sign_as(services, "an", letter.id, override_reason="Chờ xác minh")
    except TthcError:  # a second re-appointment the head may refuse: the history goes on
        pass


def _settings_step(services: Services, rng: random.Random) -> None:
    what = rng.randrange(3)
    if what == 0:
        services.apologies.save_lookback_months(rng.choice((1, 2, 3)))
    elif what == 1:
        services.settings.set_value(GRANULARITY_KEY, rng.choice(list(Granularity)).value)
    else:
        services.settings.set_value(CALENDAR_MONTHS_KEY, rng.random() < 0.5)


def _history(services: Services, clock: FixedClock, seed: int, steps: int) -> int:
    """A random history with scans along the way; returns how many drafts the scans made."""
    rng = random.Random(seed)
    codes = [
        services.dossiers.receive(make_draft(procedure_code=rng.choice(PROCEDURES))).code
        for _ in range(10)
    ]
    made = 0
    for _ in range(steps):
        r = rng.random()
        if r < 0.2 and 8 <= clock.now().hour < 17:
            draft = make_draft(procedure_code=rng.choice(PROCEDURES))
            with contextlib.suppress(TthcError):
                codes.append(services.dossiers.receive(draft).code)
        elif r < 0.45 and codes:
            _move(services, rng, codes)
        elif r < 0.65:
            clock.set(clock.now() + timedelta(minutes=rng.choice((17, 95, 240, 60 * 17, 60 * 70))))
        elif r < 0.7:
            clock.set(clock.now() - timedelta(minutes=rng.choice((3, 40))))  # a PC behind
        elif r < 0.78:
            _letter_step(services, rng)
        elif r < 0.82:
            _settings_step(services, rng)
        full = _compare(services)
        if rng.random() < 0.3:
            created = services.apologies.scan()
            assert created == len(full)  # the incremental scan drafts what the full one would
            made += created
            assert _compare(services) == set()
    return made


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_incremental_scan_equals_the_full_scan_over_random_histories(
    services: Services, clock: FixedClock, seed: int
) -> None:
    made = _history(services, clock, seed, steps=90)
    assert made >= 3  # the histories do make late dossiers


def test_the_first_scan_and_a_wider_look_back_look_at_everything(
    services: Services, clock: FixedClock
) -> None:
    services.dossiers.receive(make_draft(procedure_code="1.001193"))  # due today 17:00
    window = _window(services)
    with services.db.read() as uow:
        assert uow.letters.scan_mark() is None and uow.letters.scan_scope(window) is None
    clock.set(datetime(2026, 3, 3, 9, 0))
    assert services.apologies.scan() == 1
    with services.db.read() as uow:
        mark = uow.letters.scan_mark()
        assert mark is not None and mark.at == datetime(2026, 3, 3, 9, 0)
        assert mark.seq == uow.letters.journal_position() - 1  # its own entry comes after
        scope = uow.letters.scan_scope(_window(services))
        assert scope is not None and scope.crossed == datetime(2026, 3, 3, 9, 0)
    services.apologies.save_lookback_months(3)  # reaches further back: look at everything
    with services.db.read() as uow:
        assert uow.letters.scan_scope(_window(services)) is None
    services.apologies.scan()
    services.apologies.save_lookback_months(1)  # narrower: the mark still vouches
    with services.db.read() as uow:
        assert uow.letters.scan_scope(_window(services)) is not None
    services.settings.set_value(GRANULARITY_KEY, Granularity.MINUTE.value)
    with services.db.read() as uow:
        assert uow.letters.scan_scope(_window(services)) is None


def test_a_discarded_draft_is_drafted_again_by_the_next_incremental_scan(
    services: Services, clock: FixedClock
) -> None:
    services.dossiers.receive(make_draft(procedure_code="1.001193"))
    clock.set(datetime(2026, 3, 3, 9, 0))
    assert services.apologies.scan() == 1
    [draft] = services.apologies.letters(LetterStatus.DRAFT)
    services.apologies.discard(draft.id)
    assert services.apologies.missing_count() == 1
    assert services.apologies.scan() == 1
    assert services.apologies.scan() == 0


def test_rows_written_in_bulk_make_the_next_scan_a_full_one(
    services: Services, clock: FixedClock
) -> None:
    """A seal entry (rows written without naming each dossier: the demo, an upgrade) says
    nothing of which dossiers changed: the mark does not vouch for them."""
    from tthc_desk.domain.journal import Sums

    services.apologies.scan()
    with services.db.write("ghi hàng loạt") as uow:
        uow.journal.seal({"dossier": Sums()}, "ghi hàng loạt")
    with services.db.read() as uow:
        assert uow.letters.scan_scope(_window(services)) is None


def test_two_counters_scanning_at_once_draft_each_letter_once(
    services: Services, clock: FixedClock, data_dir: Path, database_url: str | None
) -> None:
    draft = make_draft(procedure_code="1.001193")
    codes = [services.dossiers.receive(draft).code for _ in range(6)]
    clock.set(datetime(2026, 3, 3, 9, 0))
    services.apologies.scan()  # a mark: the next scans are incremental
    [services.apologies.discard(x.id) for x in services.apologies.letters(LetterStatus.DRAFT)]
    other = open_second_pc(data_dir, database_url, clock, login="binh")
    try:
        start = threading.Barrier(2)
        made: list[int] = []

        def scan(svc: Services) -> None:
            start.wait()
            made.append(svc.apologies.scan())

        threads = [threading.Thread(target=scan, args=(s,)) for s in (services, other)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert sorted(made) == [0, 6]
        assert sorted(x.dossier_code for x in services.apologies.letters()) == sorted(codes)
    finally:
        other.close()


def test_full_on_demand_finds_what_a_write_outside_the_journal_left(
    services: Services, clock: FixedClock
) -> None:
    """A letter deleted behind the software's back (no journal entry): only a full scan sees
    that its dossier needs one again (``late --scan --full``)."""
    from sqlalchemy import delete

    from tthc_desk.db.models import ApologyLetterRecord

    services.dossiers.receive(make_draft(procedure_code="1.001193"))
    clock.set(datetime(2026, 3, 3, 9, 0))
    assert services.apologies.scan() == 1
    assert services.apologies.scan() == 0  # looks at its own draft's dossier once more
    with services.db.session(write=True) as s:
        s.execute(delete(ApologyLetterRecord))
    assert services.apologies.scan() == 0  # the mark vouches for the unchanged dossier
    assert services.apologies.scan(full=True) == 1
