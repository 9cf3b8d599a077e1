"""Synthetic scans on a share of the demo's dossiers (issue 15).

About a tenth of the demo's dossiers (``demo_service.SCAN_SHARE``) carry a scan of every paper
of their checklist and, once settled with a result, a scan of the result, attached by the clerk
who received the dossier (papers, at intake; the result when it came). A person who comes
back after a scanned dossier is more likely to be scanned again, and then most of their copies
(papers that are copies of an existing document, still valid) are reused from the earlier
dossier (``reused_from``), as the counter's *Dùng lại bản đã số hóa* records them. Which
dossiers and papers, and which scan each gets, come from a random source of their own drawn from
the seed: the dossiers themselves are the same with or without scans.

Scanning and storing 100,000 distinct papers at 200 dpi would take hours, so every scan is one
of a small pool composed once per process (:func:`pool`): twelve forms of 1–3 pages and two
colour scans of an identity card, at :data:`POOL_DPI` (each page still A4 on paper). The pool is
put in the office's blob store before the run writes its first chunk (the store keeps a content
once however many attachments name it; a second run finds it there); a chunk names a content in
``blobs`` the first time it uses it and attaches it in ``attachments`` (``db.stores.demo``),
sealed with the dossier like the rest of its rows.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from tthc_desk.db.stores.demo import AttachmentRow, BlobRow, LifecycleColumns
from tthc_desk.domain.dossier import Status
from tthc_desk.domain.procedure import PaperKind
from tthc_desk.domain.scans import AttachmentSlot, Validity, validity
from tthc_desk.domain.text import fold
from tthc_desk.scanning.compose import encode_page
from tthc_desk.scanning.pdfwrite import write_pdf
from tthc_desk.scanning.render import Raster
from tthc_desk.scanning.synthetic import photo_page, text_page
from tthc_desk.services.attachment_service import RESULT_NAME
from tthc_desk.services.demo_drafts import Draft

#: A person back after a scanned dossier (with a copy that could be reused) is scanned again
#: five times as often as the run's share says, the others a little less often (up to 15%, none
#: at a share of 1), so that the whole stays close to the share: the people who come back are a
#: few percent of the dossiers.
RETURNING_FACTOR, OTHERS_CUT = 5.0, 0.15
#: Copies (not originals) a scanned person brings again that are reused rather than rescanned.
REUSE_SHARE = 0.8
#: The pool's resolution: enough to read a form on screen, cheap to make at the first start.
POOL_DPI = 100
#: The pool's forms: the distinct text pages each is made of (1–3 pages; pages are shared
#: between forms, which keeps the pool quick to make while every form's PDF differs).
TEXT_FORMS: tuple[tuple[int, ...], ...] = (
    (0,), (1, 2), (3, 4, 5), (1,), (2, 3), (4, 5, 0),
    (2,), (3, 0), (5, 1, 2), (4,), (5, 0), (0, 3, 1),
)  # fmt: skip
#: The identity card scans: front, and front and back.
PHOTO_FORMS: tuple[tuple[int, ...], ...] = ((0,), (0, 1))
_TEXT_SEED, _PHOTO_SEED = 15_000, 15_100
#: Papers scanned in colour (an identity card's copy).
_PHOTO_WORDS = ("tuy than", "can cuoc", "ho chieu")

#: ``put(data) -> sha256``: the office's blob store.
Put = Callable[[bytes], str]


@dataclass(frozen=True)
class PoolScan:
    """One composed PDF of the pool."""

    data: bytes
    pages: int
    photo: bool


@dataclass(frozen=True)
class _Stored:
    """A pool scan as attachments name it."""

    sha256: str
    pages: int
    size: int


@dataclass(frozen=True)
class _Copy:
    """A paper a person gave, scanned, with a dossier of this run (reusable later)."""

    code: str
    scan: _Stored
    given_at: datetime


@cache
def pool(dpi: int = POOL_DPI) -> tuple[PoolScan, ...]:
    """The demo's scans: the text forms, then the identity card scans (same bytes every time)."""
    texts = [encode_page(Raster(text_page(_TEXT_SEED + n, dpi), dpi)) for n in range(6)]
    photos = [encode_page(Raster(photo_page(_PHOTO_SEED + n, dpi), dpi)) for n in range(2)]
    scans = [PoolScan(write_pdf([texts[i] for i in f]), len(f), False) for f in TEXT_FORMS]
    scans += [PoolScan(write_pdf([photos[i] for i in f]), len(f), True) for f in PHOTO_FORMS]
    return tuple(scans)


class DemoScans:
    """The scans of one demo run: which dossiers get them, each paper's scan or reused copy.

    Made before the run writes anything: it puts the pool in the blob store (``put``).
    :meth:`attach` is called for every dossier in order (it draws from its own random source
    whether the dossier is scanned or not); :meth:`new_blobs` then gives the contents the chunk
    names for the first time.
    """

    def __init__(self, seed: int, put: Put, share: float) -> None:
        self._rng = random.Random(f"demo scans {seed}")  # a str seed is hashed the same everywhere
        self._share = share * (1 - OTHERS_CUT * (1 - share))
        self._returning_share = min(1.0, share * RETURNING_FACTOR)
        # Every content in the store before any row names it (and before the run's first write:
        # a store in the database writes in a transaction of its own).
        stored = [(s, _Stored(put(s.data), s.pages, len(s.data))) for s in pool()]
        self._texts = [x for x in stored if not x[0].photo]
        self._photos = [x for x in stored if x[0].photo]
        self._named: set[str] = set()
        self._pending: dict[str, tuple[PoolScan, datetime]] = {}
        self._earlier: dict[str, dict[str, _Copy]] = {}  # ID number → paper name → its copy
        self._photo_names: dict[str, bool] = {}

    def attach(
        self, d: Draft, dossier_id: int, code: str, cols: LifecycleColumns
    ) -> Iterator[AttachmentRow]:
        """The attachment rows of one dossier (none for most)."""
        earlier = self._earlier.get(d.person.id_number)
        share = self._returning_share if earlier else self._share
        if self._rng.random() >= share:
            return
        copies = earlier if earlier is not None else {}
        given = d.intake_at
        for n, paper in enumerate(d.procedure.papers, start=1):
            copy = paper.kind is not PaperKind.ORIGINAL  # of a paper the person keeps
            reused = copies.get(paper.name) if copy else None
            if reused is not None and self._reusable(reused, paper.name, given):
                yield _row(dossier_id, n, paper.name, reused.scan, d.clerk, given, reused.code)
                continue
            scan = self._pick(paper.name, given)
            if copy:
                copies[paper.name] = _Copy(code, scan, given)
            yield _row(dossier_id, n, paper.name, scan, d.clerk, given, None)
        if copies:
            self._earlier[d.person.id_number] = copies
        settled = cols["settled_at"]
        if d.status in (Status.RESULT_READY, Status.RETURNED) and settled is not None:
            yield _row(dossier_id, None, RESULT_NAME, self._pick("", settled), d.clerk, settled)

    def new_blobs(self) -> list[BlobRow]:
        """The contents first named since the last call (the chunk lists them in ``blobs``)."""
        rows: list[BlobRow] = []
        for sha256, (scan, first_at) in self._pending.items():
            self._named.add(sha256)
            pages, size = scan.pages, len(scan.data)
            rows.append({"sha256": sha256, "size": size, "pages": pages, "created_at": first_at})
        self._pending.clear()
        return rows

    def _reusable(self, copy: _Copy, paper_name: str, now: datetime) -> bool:
        still = validity(paper_name, copy.given_at, now) is not Validity.EXPIRED
        return still and self._rng.random() < REUSE_SHARE

    def _pick(self, paper_name: str, at: datetime) -> _Stored:
        """A scan of the pool for a paper (an identity paper in colour); noted for the store."""
        photo = self._photo_names.get(paper_name)
        if photo is None:
            folded = fold(paper_name)
            photo = self._photo_names[paper_name] = any(w in folded for w in _PHOTO_WORDS)
        scan, stored = self._rng.choice(self._photos if photo else self._texts)
        if stored.sha256 not in self._named and stored.sha256 not in self._pending:
            self._pending[stored.sha256] = (scan, at)
        return stored


def _row(
    dossier_id: int,
    paper_no: int | None,
    name: str,
    scan: _Stored,
    by: str,
    at: datetime,
    reused_from: str | None = None,
) -> AttachmentRow:
    return {
        "dossier_id": dossier_id,
        "slot": (AttachmentSlot.PAPER if paper_no else AttachmentSlot.RESULT).value,
        "paper_no": paper_no,
        "paper_name": name,
        "sha256": scan.sha256,
        "pages": scan.pages,
        "size": scan.size,
        "reused_from": reused_from,
        "attached_by": by,
        "attached_at": at,
    }
