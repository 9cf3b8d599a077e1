"""The demo's synthetic scans (issue 15): about a tenth of the dossiers carry scans of their
papers (and of their result once settled), some papers reused from the person's earlier dossier,
every content kept once in the blob store and readable with its hash checked."""

from __future__ import annotations

import io
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from tests import engines
from tests.conftest import open_test_services
from tthc_desk.db.blobs import FileBlobStore, sha256_of
from tthc_desk.db.models import AttachmentRecord, BlobRecord, DossierPaperRecord, DossierRecord
from tthc_desk.domain.clock import FixedClock
from tthc_desk.domain.dossier import Status
from tthc_desk.domain.journal import JournalKind
from tthc_desk.paths import AppPaths
from tthc_desk.services.container import Services
from tthc_desk.services.demo_scans import POOL_DPI, TEXT_FORMS, pool
from tthc_desk.services.demo_service import generate_demo
from tthc_desk.services.journal_service import JournalFilter

NOW = datetime(2026, 3, 2, 16, 20)
DOSSIERS = 1500


@pytest.fixture
def demo(services: Services, clock: FixedClock) -> Services:
    clock.set(NOW)
    assert generate_demo(services, DOSSIERS, seed=5) == DOSSIERS
    return services


def _attachments(svc: Services) -> list[AttachmentRecord]:
    with svc.db.session() as s:
        return list(s.scalars(select(AttachmentRecord).order_by(AttachmentRecord.id)))


def _dossiers(svc: Services) -> dict[int, DossierRecord]:
    with svc.db.session() as s:
        return {d.id: d for d in s.scalars(select(DossierRecord))}


def _papers(svc: Services) -> dict[int, list[str]]:
    with svc.db.session() as s:
        rows = s.execute(
            select(DossierPaperRecord.dossier_id, DossierPaperRecord.name).order_by(
                DossierPaperRecord.dossier_id, DossierPaperRecord.position
            )
        )
        found: dict[int, list[str]] = {}
        for dossier_id, name in rows:
            found.setdefault(dossier_id, []).append(name)
    return found


def test_a_tenth_of_the_dossiers_carry_scans_of_every_paper_and_their_result(
    demo: Services,
) -> None:
    attachments, dossiers, papers = _attachments(demo), _dossiers(demo), _papers(demo)
    by_dossier: dict[int, list[AttachmentRecord]] = {}
    for a in attachments:
        by_dossier.setdefault(a.dossier_id, []).append(a)
    assert 0.07 * DOSSIERS <= len(by_dossier) <= 0.13 * DOSSIERS
    for dossier_id, scans in by_dossier.items():
        d = dossiers[dossier_id]
        lines = [a for a in scans if a.slot == "paper"]
        assert [a.paper_no for a in lines] == list(range(1, len(papers[dossier_id]) + 1))
        assert [a.paper_name for a in lines] == papers[dossier_id]
        assert {a.attached_at for a in lines} == {d.intake_at}
        assert {a.attached_by for a in scans} == {d.clerk_name}
        results = [a for a in scans if a.slot == "result"]
        settled = d.status in (Status.RESULT_READY.value, Status.RETURNED.value)
        assert len(results) == (1 if settled else 0), d.status
        if results:
            assert results[0].paper_no is None and results[0].attached_at == d.settled_at
    statuses = Counter(dossiers[i].status for i in by_dossier)
    assert statuses[Status.RETURNED.value] > 0 and len(statuses) > 2  # running ones too


def test_later_dossiers_of_a_person_reuse_their_earlier_copies(demo: Services) -> None:
    attachments, dossiers = _attachments(demo), _dossiers(demo)
    originals = {
        (dossiers[a.dossier_id].code, a.paper_name): a for a in attachments if not a.reused_from
    }
    reused = [a for a in attachments if a.reused_from]
    assert reused
    for a in reused:
        earlier = originals[(a.reused_from, a.paper_name)]
        this, first = dossiers[a.dossier_id], dossiers[earlier.dossier_id]
        assert this.applicant_id_number == first.applicant_id_number
        assert first.intake_at < this.intake_at
        assert (a.sha256, a.pages, a.size) == (earlier.sha256, earlier.pages, earlier.size)
    # the counter offers them at the next intake, as the service finds them
    person = dossiers[reused[0].dossier_id].applicant_id_number
    offered = demo.attachments.earlier_copies(person)
    assert (reused[0].reused_from, reused[0].paper_name) in {
        (c.dossier_code, c.paper_name) for c in offered
    }


def test_every_content_is_stored_once_and_reads_back_with_its_hash(demo: Services) -> None:
    attachments = _attachments(demo)
    with demo.db.session() as s:
        blobs = {b.sha256: b for b in s.scalars(select(BlobRecord))}
    used = {a.sha256 for a in attachments}
    assert used == set(blobs) and len(used) <= len(pool())
    assert len(attachments) > 5 * len(used)  # many attachments share each content
    store = demo.attachments.blobs
    assert set(store.hashes()) == used
    if isinstance(store, FileBlobStore):
        assert sum(1 for p in store.root.rglob("*") if p.is_file()) == len(used)
    one_each = {a.sha256: a for a in attachments}.values()
    for a in one_each:
        data = demo.attachments.content(a.id)
        assert sha256_of(data) == a.sha256 and len(data) == a.size == blobs[a.sha256].size
        assert len(PdfReader(io.BytesIO(data)).pages) == a.pages
    views = demo.journal.entries(JournalFilter(kinds=[JournalKind.VIEW.value]))
    assert len(list(views)) == len(one_each)  # each view journalled, as at the counter
    assert demo.attachments.verify() == []


def test_the_pool_is_a4_forms_and_identity_card_scans() -> None:
    scans = pool()
    assert len({sha256_of(s.data) for s in scans}) == len(scans)  # every form differs
    texts = [s for s in scans if not s.photo]
    assert [s.pages for s in texts] == [len(f) for f in TEXT_FORMS]
    for s in scans:
        page = PdfReader(io.BytesIO(s.data)).pages[0]
        width_mm = float(page.mediabox.width) / 72 * 25.4
        assert abs(width_mm - 210) < 1  # A4 on paper, whatever the pool's resolution
    assert max(len(s.data) / s.pages for s in texts) < 20_000  # G4 at POOL_DPI
    assert POOL_DPI < 200
    assert pool() is scans  # composed once per process


def test_the_same_seed_gives_the_same_scans_and_the_same_dossiers_without_them(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    def run(folder: str, seed: int, share: float) -> tuple[list[object], list[object]]:
        with engines.new_database(request).active():  # each folder a database of its own
            svc = open_test_services(AppPaths(tmp_path / folder), FixedClock(NOW))
        try:
            generate_demo(svc, 400, seed=seed, scan_share=share)
            dossiers = [(d.code, d.applicant_id_number, d.status) for d in _dossiers(svc).values()]
            scans = [
                (a.dossier_id, a.slot, a.paper_no, a.sha256, a.reused_from)
                for a in _attachments(svc)
            ]
            return sorted(dossiers), scans
        finally:
            svc.close()

    dossiers, scans = run("a", 9, 0.1)
    assert scans and run("b", 9, 0.1) == (dossiers, scans)
    assert run("c", 9, 0.0) == (dossiers, [])  # the scans draw from a source of their own
    assert run("d", 10, 0.1)[1] != scans


def test_a_second_run_reuses_the_stored_contents(demo: Services) -> None:
    before = _attachments(demo)
    generate_demo(demo, 500, seed=6)
    after = _attachments(demo)
    assert len(after) > len(before)
    with demo.db.session() as s:
        blobs = set(s.scalars(select(BlobRecord.sha256)))
    assert blobs == {a.sha256 for a in after}
    assert demo.attachments.verify() == []
