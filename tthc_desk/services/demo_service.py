"""Realistic synthetic dossiers for demos, training and the benchmark.

The data looks like a commune counter's years of work: Vietnamese names with the usual family
names, valid 12-digit personal ID numbers, mobile numbers, addresses in the office's commune
(:mod:`~.demo_people`), procedures weighted as a counter sees them (chứng thực and khai sinh
first), received moments in office hours on working days, appointments computed by the real
calendar rules, and statuses spread by age (:mod:`~.demo_drafts`), each with the history after
intake the real services would have written (:mod:`~.demo_history`), and synthetic scans of the
papers and results of a tenth of them, some papers reused from the person's earlier dossier
(:mod:`~.demo_scans`). Codes and ledger numbers
continue the real counters, so a dossier received after the demo never reuses a number.

It must write a million dossiers in a few minutes, so each chunk of drafts is numbered and written
in one write unit of work by the demo store's bulk inserts (``uow.demo.write_chunk``).
The same seed on the same database at the same clock gives the same dossiers.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from tthc_desk.db.engine import Database
from tthc_desk.db.stores.demo import (
    ApplicantRow,
    DemoChunk,
    DossierRow,
    EventRow,
    LifecycleColumns,
    PaperRow,
)
from tthc_desk.domain.dossier import ReturnMethod, format_dossier_code
from tthc_desk.domain.journal import Aggregate
from tthc_desk.domain.lifecycle import Granularity
from tthc_desk.domain.procedure import Procedure
from tthc_desk.domain.text import fold
from tthc_desk.services.demo_drafts import Draft, Drafter, DueCache, moments, span_years
from tthc_desk.services.demo_history import History, HistoryContext
from tthc_desk.services.demo_people import DemoPerson, People

if TYPE_CHECKING:
    from tthc_desk.services.container import Services
    from tthc_desk.services.demo_scans import DemoScans

log = logging.getLogger(__name__)

DEMO_FLAG_KEY = "demo_seeded"
#: The clerks named on the demo's histories (the demo account logs in as the second).
DEMO_CLERKS = ("Lê Văn Cường", "Trần Thị Bình")
DEMO_DOSSIERS = 2_000
#: Dossiers with synthetic scans (about; :mod:`~.demo_scans`).
SCAN_SHARE = 0.10
CHUNK_SIZE = 20_000

#: ``progress(done, total)``; returning ``False`` stops after the chunk being written.
Progress = Callable[[int, int], bool | None]


def _applicant_row(person: DemoPerson, applicant_id: int, at: datetime) -> ApplicantRow:
    return {
        "id": applicant_id,
        "id_number": person.id_number,
        "full_name": person.full_name,
        "birth_date": person.birth_date,
        "phone": person.phone,
        "address": person.address,
        "email": person.email,
        "updated_at": at,
    }


def _paper_rows(dossier_id: int, p: Procedure) -> Iterator[PaperRow]:
    for i, paper in enumerate(p.papers, start=1):
        yield {
            "dossier_id": dossier_id,
            "position": i,
            "name": paper.name,
            "kind": paper.kind.value,
            "count": paper.count,
            "provided": True,
        }


def _received_event(d: Draft, dossier_id: int, office_name: str) -> EventRow:
    return {
        "dossier_id": dossier_id,
        "at": d.intake_at,
        "kind": "received",
        "actor": d.clerk,
        "from_unit": d.person.full_name,
        "to_unit": office_name,
        "note": f"Nhập lùi: {d.backdate_reason}" if d.backdate_reason else "",
        "data": "{}",
    }


class _ChunkWriter:
    """Numbers a chunk of drafts from the counters and writes it, in one write unit of work."""

    def __init__(
        self,
        db: Database,
        ctx: HistoryContext,
        procedures: Sequence[Procedure],
        scans: DemoScans | None,
    ) -> None:
        self._db = db
        self._ctx = ctx
        self._scans = scans
        self._agency = ctx.office.agency_id
        self._folded_proc = {p.code: fold(p.name) for p in procedures}

    def write(self, drafts: Sequence[Draft]) -> tuple[int, int]:
        """Returns the chunk's dossiers with scans and papers reused (for the log)."""
        with self._db.write() as uow:
            ids = uow.demo.next_ids()
            before = uow.counters.values(self._intake_counter_names(drafts))
            counters = dict(before)
            history = History(self._ctx, ids)
            chunk = self._rows(drafts, ids.dossier, ids.applicant, counters, history)
            extra = uow.counters.values(history.counter_names() - before.keys())
            before.update(extra)
            counters.update(extra)
            history.number_letters(counters)
            history.number_batches(counters)
            chunk.letters, chunk.batches, chunk.items = (
                history.letters,
                history.batches,
                history.items,
            )
            if self._scans is not None:
                chunk.blobs = self._scans.new_blobs()
            uow.demo.write_chunk(chunk)
            uow.journal.seal_ranges(_ranges(chunk), "niêm phong hồ sơ mẫu ghi hàng loạt")
            for name, value in counters.items():
                if before.get(name) != value:
                    uow.counters.set_at_least(name, value)
        attachments = chunk.attachments
        return len({a["dossier_id"] for a in attachments}), sum(
            1 for a in attachments if a["reused_from"]
        )

    def _intake_counter_names(self, drafts: Iterable[Draft]) -> set[str]:
        codes = {f"code:{self._agency}:{d.intake_at:%y%m%d}" for d in drafts}
        return codes | {f"ledger:{d.intake_at.year}" for d in drafts}

    def _rows(
        self,
        drafts: Sequence[Draft],
        next_dossier: int,
        next_applicant: int,
        counters: dict[str, int],
        history: History,
    ) -> DemoChunk:
        """The chunk's rows with codes and ledger numbers drawn in order; letters and handover
        lists are numbered afterwards (their counters are read once the chunk is drafted)."""
        chunk = DemoChunk()
        office_name = self._ctx.office.office_name
        for dossier_id, d in enumerate(drafts, start=next_dossier):
            person, at = d.person, d.intake_at
            if person.applicant_id is None:
                person.applicant_id = next_applicant
                next_applicant += 1
                chunk.applicants.append(_applicant_row(person, person.applicant_id, d.created_at))
            code_key, ledger_key = f"code:{self._agency}:{at:%y%m%d}", f"ledger:{at.year}"
            counters[code_key] = counters.get(code_key, 0) + 1
            counters[ledger_key] = counters.get(ledger_key, 0) + 1
            code = format_dossier_code(self._agency, at.date(), counters[code_key])
            chunk.papers.extend(_paper_rows(dossier_id, d.procedure))
            chunk.events.append(_received_event(d, dossier_id, office_name))
            cols = history.write(d, dossier_id, chunk.events)
            chunk.dossiers.append(
                self._dossier_row(d, dossier_id, code, counters[ledger_key], person, cols)
            )
            if self._scans is not None:
                chunk.attachments.extend(self._scans.attach(d, dossier_id, code, cols))
        return chunk

    def _dossier_row(
        self,
        d: Draft,
        dossier_id: int,
        code: str,
        ledger_number: int,
        person: DemoPerson,
        cols: LifecycleColumns,
    ) -> DossierRow:
        p, auth, at = d.procedure, d.authorised, d.intake_at
        assert person.applicant_id is not None
        return {
            "id": dossier_id,
            "code": code,
            "agency_id": self._agency,
            "ledger_book": str(at.year),
            "ledger_number": ledger_number,
            "procedure_id": p.id,
            "procedure_code": p.code,
            "procedure_name": p.name,
            "field": p.field,
            "deciding_agency": p.deciding_agency,
            "handling_unit": p.handling_unit,
            "duration_value": p.duration.value,
            "duration_unit": p.duration.unit.value,
            "applicant_id": person.applicant_id,
            "applicant_name": person.full_name,
            "applicant_id_number": person.id_number,
            "applicant_birth_date": person.birth_date,
            "applicant_phone": person.phone,
            "applicant_address": person.address,
            "applicant_email": person.email,
            "authorised_name": auth.full_name if auth else "",
            "authorised_id_number": auth.id_number if auth else "",
            "authorised_phone": auth.phone if auth else "",
            "channel": d.channel.value,
            "return_method": d.return_method.value,
            "return_address": person.address if d.return_method is ReturnMethod.POSTAL else "",
            "postal_reference": d.postal_reference,
            "sets_count": d.sets_count,
            "fee_amount": p.total_fee,
            "note": d.note,
            "received_at": d.received_at,
            "due_at": d.due_at,
            "computed_due_at": d.intake_due_at,
            "due_override_reason": "",
            "backdate_reason": d.backdate_reason,
            "status": d.status.value,
            "clerk_name": d.clerk,
            "created_at": d.created_at,
            "search_text": self._search_text(d, code),
            **cols,
        }

    def _search_text(self, d: Draft, code: str) -> str:
        # The same parts, in the same order, as dossier_service.build_search_text (a test
        # checks they agree); built here from cached folds because folding is the slow part.
        person, auth = d.person, d.authorised
        parts = (
            person.folded_name,
            code,
            person.id_number,
            person.phone,
            d.procedure.code,
            self._folded_proc[d.procedure.code],
            auth.folded_name if auth else "",
        )
        return " ".join(x for x in parts if x)


# -- public API --------------------------------------------------------------------------------


def _prepare(
    services: Services, dossiers: int, seed: int, scan_share: float
) -> tuple[Iterator[datetime], Drafter, _ChunkWriter]:
    """The received moments, the drafter and the writer of one run, on one random source (the
    scans on one of their own)."""
    rng = random.Random(seed)
    now = services.clock.now()
    office = services.settings.office()
    clerks = list(DEMO_CLERKS)
    procedures = services.catalog.list(active_only=True)
    if not procedures:
        raise ValueError("the catalog has no active procedure")
    with services.db.read() as uow:
        people = People(rng, office, uow.demo.taken_id_numbers())
    granularity = Granularity(services.lifecycle.granularity())
    start = now.date() - timedelta(days=365 * span_years(dossiers))
    services.calendar.ensure_years(range(start.year - 1, now.year + 2))
    cal = services.calendar.calendar()
    due_cache = DueCache(cal, services.settings.hours().same_day_cutoff)
    drafter = Drafter(rng, now, people, procedures, clerks, cal, due_cache)
    ctx = HistoryContext(rng, cal, now, office, granularity)
    scans = None
    if scan_share > 0:  # imported here: Pillow and PDFium only when the demo is being made
        from tthc_desk.services.demo_scans import DemoScans

        scans = DemoScans(seed, services.attachments.blobs.put, scan_share)
    writer = _ChunkWriter(services.db, ctx, procedures, scans)
    return moments(rng, cal, start, now, dossiers), drafter, writer


def generate_demo(
    services: Services,
    dossiers: int,
    seed: int = 1,
    progress: Progress | None = None,
    *,
    scan_share: float = SCAN_SHARE,
) -> int:
    """Write ``dossiers`` synthetic dossiers received over the last years, ``scan_share`` of
    them with scans (0 for none); returns how many."""
    if dossiers < 0:
        raise ValueError("dossiers must not be negative")
    if not 0 <= scan_share <= 1:
        raise ValueError("scan_share is a share, from 0 to 1")
    if dossiers == 0:
        return 0
    received_moments, drafter, writer = _prepare(services, dossiers, seed, scan_share)
    written = 0
    for chunk in _in_chunks(drafter.draft(received) for received in received_moments):
        scanned, reused = writer.write(chunk)
        written += len(chunk)
        log.info(
            "Demo: %d/%d dossiers written (this chunk: %d with scans, %d papers reused)",
            written,
            dossiers,
            scanned,
            reused,
        )
        if progress is not None and progress(written, dossiers) is False:
            break
    return written


def _in_chunks(drafts: Iterator[Draft]) -> Iterator[list[Draft]]:
    """Lists of ``CHUNK_SIZE`` drafts (the last one shorter), each drafted only when asked."""
    chunk: list[Draft] = []
    for d in drafts:
        chunk.append(d)
        if len(chunk) >= CHUNK_SIZE:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def ensure_demo(services: Services, dossiers: int = DEMO_DOSSIERS) -> int:
    """Seed the demo database once; later calls write nothing. Returns dossiers written."""
    if services.settings.get_value(DEMO_FLAG_KEY):
        return 0
    n = generate_demo(services, dossiers, seed=1)
    services.settings.set_value(
        DEMO_FLAG_KEY, {"dossiers": n, "at": services.clock.now().isoformat()}
    )
    return n


def _ranges(chunk: DemoChunk) -> dict[Aggregate, tuple[int, int]]:
    """The ids of what a chunk wrote (each kind's ids are consecutive), to seal them."""
    ranges: dict[Aggregate, tuple[int, int]] = {}
    for kind, rows in (
        (Aggregate.DOSSIER, chunk.dossiers),
        (Aggregate.APPLICANT, chunk.applicants),
        (Aggregate.POSTAL_BATCH, chunk.batches),
    ):
        ids = [int(r["id"]) for r in rows]
        if ids:
            ranges[kind] = (min(ids), max(ids))
    return ranges
