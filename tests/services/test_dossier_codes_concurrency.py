"""Three counters saving at the same moment into one database file never share or skip a number.

Each writer is a separate process (spawned, as on Windows) with its own engine and connection
pool, like two counter PCs on a shared folder or the GUI and the CLI on one PC. They wait at a
barrier and then save as fast as they can, so their transactions really collide.
"""

from __future__ import annotations

import multiprocessing as mp
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.conftest import open_test_services
from tthc_desk.db.models import CounterRecord, DossierRecord
from tthc_desk.db.stores.journal import JournalFilter
from tthc_desk.domain.clock import FixedClock
from tthc_desk.domain.dossier import DossierDraft, Person, parse_dossier_code
from tthc_desk.paths import AppPaths

NOW = datetime(2026, 3, 2, 9, 30)
WRITERS = 3
PER_WRITER = 40


def _writer(data_dir: str, index: int, start: Any, results: Any) -> None:
    """Runs in a child process: save PER_WRITER dossiers, report (code, ledger number) pairs."""
    try:
        services = open_test_services(AppPaths(Path(data_dir)), FixedClock(NOW), seed=False)
        start.wait(timeout=60)
        saved = []
        for i in range(PER_WRITER):
            draft = DossierDraft(
                procedure_code="1.001193" if i % 2 else "2.000815",
                applicant=Person(
                    f"Người Nộp Số {chr(65 + index)} {chr(65 + i % 26)}",
                    f"0271900{index:02d}{i:03d}",
                ),
            )
            d = services.dossiers.receive(draft)
            saved.append((d.code, d.ledger_number))
        services.close()
        results.put((index, saved, None))
    except Exception as exc:  # report instead of dying silently
        results.put((index, [], repr(exc)))


@pytest.mark.slow
def test_concurrent_writers_get_unique_contiguous_codes_and_ledger_numbers(tmp_path: Path) -> None:
    data_dir = tmp_path / "shared"
    services = open_test_services(AppPaths(data_dir), FixedClock(NOW))  # migrate and seed once
    services.close()

    ctx = mp.get_context("spawn")
    start = ctx.Barrier(WRITERS)
    results = ctx.Queue()
    procs = [
        ctx.Process(target=_writer, args=(str(data_dir), i, start, results)) for i in range(WRITERS)
    ]
    for p in procs:
        p.start()
    reports = [results.get(timeout=60) for _ in procs]
    for p in procs:
        p.join(timeout=30)
        assert p.exitcode == 0

    errors = [err for _, _, err in reports if err]
    assert errors == []
    saved = [pair for _, pairs, _ in reports for pair in pairs]
    total = WRITERS * PER_WRITER
    assert len(saved) == total

    codes = [code for code, _ in saved]
    assert len(set(codes)) == total
    sequences = sorted(parse_dossier_code(c)[2] for c in codes)  # type: ignore[index]
    assert sequences == list(range(1, total + 1))
    assert all(c.startswith("000.17.22.H56-260302-") for c in codes)
    assert sorted(n for _, n in saved) == list(range(1, total + 1))
    # each writer saw its own numbers in increasing order: no number handed out twice
    for _, pairs, _ in reports:
        assert [n for _, n in pairs] == sorted(n for _, n in pairs)

    services = open_test_services(AppPaths(data_dir), FixedClock(NOW), seed=False)
    try:
        with services.db.session() as s:
            rows = s.execute(select(DossierRecord.code, DossierRecord.ledger_number)).all()
            counters = dict(s.execute(select(CounterRecord.name, CounterRecord.value)).all())
        assert sorted(rows) == sorted(saved)
        assert counters["code:000.17.22.H56:260302"] == total
        assert counters["ledger:2026"] == total
        # The writers queued on one chain: every intake an entry, the chain whole.
        report = services.journal.verify_full()
        assert report.ok, report.messages()
        intakes = services.journal.entries(JournalFilter(actor="binh", limit=None))
        assert len([e for e in intakes if e.action == "tiếp nhận hồ sơ"]) == total
    finally:
        services.close()


# -- four counters on a new office server ------------------------------------------------------

COUNTERS = 4
PER_COUNTER = 50
NEW_DAY = datetime(2026, 3, 3, 7, 30)  # the first dossiers of the day: no day counter row yet


def _counter_pc(
    data_dir: str, key_dir: str, index: int, started: Any, ready: Any, out: Any
) -> None:
    """One counter PC (its own data folder and keyring) on the shared server: starts on the
    empty database with the others, waits for the office to be set up, then receives."""
    import os

    os.environ["TTHC_DESK_KEY_DIR"] = key_dir
    try:
        from tests.conftest import TEST_PASSWORD, set_up_test_office
        from tthc_desk.services.container import open_services

        services = open_services(AppPaths(Path(data_dir)), FixedClock(NEW_DAY))
        started.wait(timeout=120)
        if index == 0:  # the administrator sets the office up on one counter
            set_up_test_office(services, login=None)
        ready.wait(timeout=120)
        services.accounts.login("binh", TEST_PASSWORD)
        saved = []
        for i in range(PER_COUNTER):
            draft = DossierDraft(
                procedure_code="1.001193" if i % 2 else "2.000815",
                applicant=Person(
                    f"Người Nộp Quầy {chr(65 + index)} {chr(65 + i % 26)}",
                    f"0281900{index:02d}{i:03d}" if i % 5 else "028190099999",  # one shared
                ),
            )
            d = services.dossiers.receive(draft)
            saved.append((d.code, d.ledger_number))
        services.close()
        out.put((index, saved, None))
    except Exception as exc:  # report instead of dying silently
        import traceback

        out.put((index, [], repr(exc) + traceback.format_exc()))


@pytest.mark.slow
@pytest.mark.postgresql_only
@pytest.mark.empty_database
def test_four_counters_on_an_empty_server_get_200_unique_gap_free_numbers(tmp_path: Path) -> None:
    ctx = mp.get_context("spawn")
    started, ready = ctx.Barrier(COUNTERS), ctx.Barrier(COUNTERS)
    out = ctx.Queue()
    procs = [
        ctx.Process(
            target=_counter_pc,
            args=(str(tmp_path / f"pc{i}"), str(tmp_path / f"keys{i}"), i, started, ready, out),
        )
        for i in range(COUNTERS)
    ]
    for p in procs:
        p.start()
    reports = [out.get(timeout=240) for _ in procs]
    for p in procs:
        p.join(timeout=30)
    assert [err for _, _, err in reports if err] == []
    saved = [pair for _, pairs, _ in reports for pair in pairs]
    total = COUNTERS * PER_COUNTER
    codes = [code for code, _ in saved]
    assert len(set(codes)) == total
    assert sorted(parse_dossier_code(c)[2] for c in codes) == list(range(1, total + 1))  # type: ignore[index]
    assert sorted(n for _, n in saved) == list(range(1, total + 1))

    services = open_test_services(AppPaths(tmp_path / "pc0"), FixedClock(NEW_DAY), seed=False)
    try:
        report = services.journal.verify_full()  # one chain, one key, whoever started first
        assert report.ok, report.messages()
        with services.db.session() as s:
            assert s.scalar(select(func.count()).select_from(DossierRecord)) == total
    finally:
        services.close()
