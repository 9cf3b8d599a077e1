"""The journal store's streamed digests: the same as one aggregate's digest, batch by batch."""

from __future__ import annotations

import heapq
import itertools
import random
from collections.abc import Iterator
from datetime import datetime

import pytest

from tthc_desk.db.stores import journal as journal_store
from tthc_desk.db.stores.journal import PARTS, _merge_sums
from tthc_desk.domain.clock import FixedClock
from tthc_desk.domain.journal import Aggregate, row_digest, row_digests
from tthc_desk.services.container import Services
from tthc_desk.services.demo_service import generate_demo

ROWS = [
    (1, "000.17.22.H56-260302-0001", None, 3.5, "2026-03-02 08:30:00.000000"),
    (2, "Nguyễn Thị Hồng Nhung", "", 0, -7, 1e300, b"\x00\xff"),
    (),
    ("khóa", "'\"\\", True, None),
]


@pytest.mark.parametrize("key", [bytes(range(32)), b"", b"k" * 100])
def test_row_digests_are_row_digest_of_each_row(key: bytes) -> None:
    assert row_digests(key, "dossiers", ROWS) == [row_digest(key, "dossiers", r) for r in ROWS]
    assert row_digests(key, "dossiers", []) == []


def _batches(pairs: list[tuple[int, int]], rng: random.Random) -> Iterator[journal_store._Batch]:
    while pairs:
        size = rng.randint(1, 5)
        batch, pairs = pairs[:size], pairs[size:]
        yield [i for i, _ in batch], [d for _, d in batch]


def test_merge_sums_is_heapq_merge_and_groupby() -> None:
    rng = random.Random(7)
    for _ in range(200):
        parts = [
            sorted((rng.randint(0, 30), rng.randrange(1 << 256)) for _ in range(rng.randint(0, 25)))
            for _ in range(rng.randint(1, 6))
        ]
        merged = heapq.merge(*parts, key=lambda item: item[0])
        expected = [
            (ident, sum(d for _, d in group))
            for ident, group in itertools.groupby(merged, key=lambda item: item[0])
        ]
        streams = [_batches(list(p), rng) for p in parts]
        assert list(_merge_sums(streams)) == expected


def test_streamed_digests_are_each_aggregates_digest(
    services: Services, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock.set(datetime(2026, 3, 2, 16, 20))
    generate_demo(services, 300, seed=3)  # papers, events, apology letters, postal items
    monkeypatch.setattr(journal_store, "_BATCH", 7)  # many batch boundaries inside dossiers
    with services.db.read() as uow:
        for kind in Aggregate:
            streamed = list(uow.journal.aggregates(kind))
            assert [k for k, _ in streamed] == sorted(
                (k for k, _ in streamed), key=lambda k: journal_store._parse_key(k)[1]
            )
            assert streamed == [(k, uow.journal.digest(k)) for k, _ in streamed]
        dossiers = list(uow.journal.aggregates(Aggregate.DOSSIER))
        assert len(dossiers) == 300
        assert list(uow.journal.aggregates(Aggregate.DOSSIER, lo=11, hi=40)) == [
            (k, d) for k, d in dossiers if 11 <= int(k.split(":")[1]) <= 40
        ]
        assert len(PARTS[Aggregate.DOSSIER]) == 7


def test_digests_of_many_are_each_digest(
    services: Services, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock.set(datetime(2026, 3, 2, 16, 20))
    generate_demo(services, 40, seed=4)
    monkeypatch.setattr(journal_store, "_IN_CHUNK", 3)  # several IN (…) per part
    with services.db.read() as uow:
        keys = [k for kind in Aggregate for k, _ in uow.journal.aggregates(kind)]
        keys += ["dossier:999999", "setting:no-such-setting", keys[0]]
        assert uow.journal.digests(keys) == {k: uow.journal.digest(k) for k in keys}
        assert uow.journal.digests([]) == {}
