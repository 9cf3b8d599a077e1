"""Scanned papers and results of dossiers (issue 15): attach, reuse, view, export, verify.

A scan arrives as one composed PDF (``tthc_desk.scanning.compose.ComposedPdf``, or anything with
``data`` and ``pages``). Its bytes go to the office's blob store first (``db.blobs``: encrypted,
by SHA-256, kept once), then one write records the attachment on the dossier, journalled with
the dossier (who attached what when). A content stored but never recorded (a write that failed
after it) is named by no attachment and is left for the clean-up.

Reading the metadata (which papers have a scan, the earlier copies of a person) is not
journalled; opening a scan's content or exporting a dossier needs :attr:`Right.SCANS` and is
journalled (``JournalKind.VIEW`` / ``EXPORT``: who, which dossier, which paper) before the
content is handed over: a scan that cannot be journalled is not shown. The thumbnails of a
dossier's scans (the strip of the dossier page) are one view of them all, journalled once
(:meth:`AttachmentService.thumbnails`); a paper printed from the viewer is journalled as a view
that says how many pages were printed (:meth:`AttachmentService.note_printed`).

Where the blobs are and which key opens them: :func:`open_blob_store`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tthc_desk.db.blobs import BlobStore, FileBlobStore
from tthc_desk.db.engine import Database
from tthc_desk.domain.access import Actor, Right
from tthc_desk.domain.clock import Clock
from tthc_desk.domain.errors import NotFoundError, ScanError, ValidationError
from tthc_desk.domain.journal import JournalKind, Note
from tthc_desk.domain.scans import (
    Attachment,
    AttachmentSlot,
    EarlierCopy,
    ScannedPdf,
    validity,
)
from tthc_desk.domain.text import nfc
from tthc_desk.durable import write
from tthc_desk.services.account_service import AccountService
from tthc_desk.services.scan_store import DEMO_DATA_KEY as DEMO_DATA_KEY
from tthc_desk.services.scan_store import open_blob_store as open_blob_store
from tthc_desk.services.scan_store import scan_problem_text
from tthc_desk.services.settings_service import SettingsService

if TYPE_CHECKING:
    from PIL import Image

log = logging.getLogger(__name__)

#: A stored content no row records is removed only once this old (its save may be under way).
ORPHAN_GRACE = timedelta(days=1)
#: What a scanned result is called on the cover sheet and in messages.
RESULT_NAME = "Kết quả giải quyết thủ tục hành chính"


@dataclass(frozen=True)
class Thumbnail:
    """The first page of one scan, drawn small; ``image`` is None for a scan that cannot be
    read (opening it says why)."""

    attachment_id: int
    image: Image.Image | None


def _check_pdf(pdf: ScannedPdf) -> None:
    if not pdf.data.startswith(b"%PDF-") or pdf.pages < 1:
        raise ScanError("Bản số hóa không phải một tệp PDF có trang nào: hãy quét hoặc chọn lại.")


class AttachmentService:
    def __init__(
        self,
        db: Database,
        settings: SettingsService,
        accounts: AccountService,
        clock: Clock,
        blobs: Callable[[], BlobStore],
    ) -> None:
        self._db = db
        self._settings = settings
        self._accounts = accounts
        self._clock = clock
        self._open_blobs = blobs
        self._blobs: BlobStore | None = None
        self._lock = threading.Lock()

    @property
    def blobs(self) -> BlobStore:
        """The office's blob store, opened on first use (on PostgreSQL it may make the key)."""
        with self._lock:
            if self._blobs is None:
                self._blobs = self._open_blobs()
            return self._blobs

    # -- attaching -----------------------------------------------------------------------------
    def attach_paper(self, code: str, paper_no: int, pdf: ScannedPdf) -> Attachment:
        """The scan of line ``paper_no`` (1-based) of the dossier's checklist; it replaces the
        paper's current scan."""
        actor = self._accounts.require(Right.RECEIVE, "đính kèm bản số hóa giấy tờ")
        _check_pdf(pdf)
        dossier_id, name = self._paper(code, paper_no)
        return self._store(dossier_id, code, AttachmentSlot.PAPER, paper_no, name, pdf, actor)

    def attach_result(self, code: str, pdf: ScannedPdf) -> Attachment:
        """The scan of the dossier's result; it replaces the current one."""
        actor = self._accounts.require(Right.MOVE, "đính kèm bản số hóa kết quả")
        _check_pdf(pdf)
        dossier_id = self._dossier_id(code)
        return self._store(dossier_id, code, AttachmentSlot.RESULT, None, RESULT_NAME, pdf, actor)

    def _store(
        self,
        dossier_id: int,
        code: str,
        slot: AttachmentSlot,
        paper_no: int | None,
        name: str,
        pdf: ScannedPdf,
        actor: Actor,
    ) -> Attachment:
        """The content first (idempotent, by its hash), then the row that points to it: a write
        cut off between the two leaves an unreferenced blob for the store's tidy-up, never a row
        without its content."""
        sha256 = self.blobs.put(pdf.data)
        draft = Attachment(
            id=0,
            dossier_code=nfc(code),
            slot=slot,
            paper_no=paper_no,
            paper_name=name,
            sha256=sha256,
            pages=pdf.pages,
            size=len(pdf.data),
            attached_by=actor.full_name,
            attached_at=self._clock.now(),
        )
        return self._record(dossier_id, draft)

    def reuse_paper(self, code: str, paper_no: int, earlier_attachment_id: int) -> Attachment:
        """Line ``paper_no`` of the dossier's checklist is a copy this person gave before
        (``earlier_attachment_id``, one of :meth:`earlier_copies`): the same content, recorded
        as reused from that dossier."""
        actor = self._accounts.require(Right.RECEIVE, "dùng lại bản đã số hóa")
        dossier_id, name = self._paper(code, paper_no)
        with self._db.read() as uow:
            earlier = uow.attachments.get(earlier_attachment_id)
            dossier = uow.dossiers.get(dossier_id)
            owner = None if earlier is None else uow.dossiers.id_of(earlier.dossier_code)
            source = None if owner is None else uow.dossiers.get(owner)
        if earlier is None or earlier.slot is not AttachmentSlot.PAPER or source is None:
            raise NotFoundError(f"Không tìm thấy bản số hóa số {earlier_attachment_id}.")
        assert dossier is not None
        if source.applicant.id_number != dossier.applicant.id_number:
            raise ValidationError.for_field(
                "reuse",
                f"Bản số hóa số {earlier_attachment_id} là giấy tờ của người khác (hồ sơ "
                f"{earlier.dossier_code}): chỉ dùng lại giấy tờ của chính người nộp.",
            )
        self._read(earlier)  # still there and intact
        draft = replace(
            earlier,
            dossier_code=dossier.code,
            paper_no=paper_no,
            paper_name=name,
            attached_by=actor.full_name,
            attached_at=self._clock.now(),
            reused_from=earlier.reused_from or earlier.dossier_code,
        )
        return self._record(dossier_id, draft)

    def _record(self, dossier_id: int, draft: Attachment) -> Attachment:
        with self._db.write() as uow:
            uow.attachments.keep_blob(draft.sha256, draft.size, draft.pages, draft.attached_at)
            new_id = uow.attachments.add(dossier_id, draft)
        return replace(draft, id=new_id)

    def _dossier_id(self, code: str) -> int:
        with self._db.read() as uow:
            found = uow.dossiers.id_of(nfc(code))
        if found is None:
            raise NotFoundError(f"Không tìm thấy hồ sơ mã “{nfc(code)}”.")
        return found

    def _paper(self, code: str, paper_no: int) -> tuple[int, str]:
        """The dossier's id and the name of line ``paper_no`` of its checklist."""
        dossier_id = self._dossier_id(code)
        with self._db.read() as uow:
            dossier = uow.dossiers.get(dossier_id)
        assert dossier is not None
        if not 1 <= paper_no <= len(dossier.papers):
            lines = len(dossier.papers)
            raise ValidationError.for_field(
                "paper_no",
                f"Hồ sơ {dossier.code} không có giấy tờ số {paper_no}: danh mục giấy tờ của hồ sơ "
                + (f"có {lines} dòng (từ 1 đến {lines})." if lines else "trống."),
            )
        return dossier_id, dossier.papers[paper_no - 1].name

    # -- reading -------------------------------------------------------------------------------
    def of_dossier(self, code: str) -> list[Attachment]:
        """The dossier's scans (metadata only: not journalled): papers in checklist order,
        then the result."""
        dossier_id = self._dossier_id(code)
        with self._db.read() as uow:
            return uow.attachments.of_dossier(dossier_id)

    def earlier_copies(self, id_number: str) -> list[EarlierCopy]:
        """The papers this person gave before, newest first, each content once, with whether
        each copy can still be used today."""
        now = self._clock.now()
        with self._db.read() as uow:
            found = uow.attachments.of_person(nfc(id_number))
        seen: set[str] = set()
        copies = []
        for a in found:
            if a.sha256 in seen:
                continue
            seen.add(a.sha256)
            copies.append(
                EarlierCopy(
                    a.id,
                    a.dossier_code,
                    a.paper_name,
                    a.attached_at,
                    a.pages,
                    a.sha256,
                    validity(a.paper_name, a.attached_at, now),
                )
            )
        return copies

    def content(self, attachment_id: int) -> bytes:
        """The PDF of one scan, checked against its hash; the view is journalled first."""
        self._accounts.require(Right.SCANS, "xem bản số hóa")
        attachment, dossier_id = self._attachment(attachment_id)
        data = self._read(attachment)
        self._journal(
            JournalKind.VIEW,
            f"xem bản số hóa “{attachment.paper_name}”",
            dossier_id,
            attachment.dossier_code,
            _details(attachment),
        )
        return data

    def thumbnails(self, code: str, width_px: int) -> list[Thumbnail]:
        """The first page of each of the dossier's scans, ``width_px`` wide, in the order of
        :meth:`of_dossier`: one view of them all, journalled once before they are drawn."""
        self._accounts.require(Right.SCANS, "xem bản số hóa")
        dossier_id = self._dossier_id(code)
        with self._db.read() as uow:
            attachments = uow.attachments.of_dossier(dossier_id)
        if not attachments:
            return []
        self._journal(
            JournalKind.VIEW,
            "xem ảnh thu nhỏ các bản số hóa",
            dossier_id,
            attachments[0].dossier_code,
            {"thumbnails": [_details(a) for a in attachments]},
        )
        return [Thumbnail(a.id, self._first_page(a, width_px)) for a in attachments]

    def _first_page(self, attachment: Attachment, width_px: int) -> Image.Image | None:
        try:
            from tthc_desk.scanning.render import render_pdf_page  # Pillow, PDFium: when drawn

            return render_pdf_page(self._read(attachment), 0, width_px=width_px)
        except ScanError as e:
            log.warning("Thumbnail of scan %d: %s", attachment.id, e.message)
            return None

    def note_printed(self, attachment_id: int, pages: int) -> None:
        """Journal that ``pages`` pages of a scan were sent to a printer (from the viewer)."""
        self._accounts.require(Right.SCANS, "in bản số hóa")
        attachment, dossier_id = self._attachment(attachment_id)
        self._journal(
            JournalKind.VIEW,
            f"in bản số hóa “{attachment.paper_name}”",
            dossier_id,
            attachment.dossier_code,
            {**_details(attachment), "printed": pages},
        )

    def _attachment(self, attachment_id: int) -> tuple[Attachment, int]:
        """One attachment and its dossier's id (NotFoundError when there is none)."""
        with self._db.read() as uow:
            attachment = uow.attachments.get(attachment_id)
            dossier_id = None if attachment is None else uow.dossiers.id_of(attachment.dossier_code)
        if attachment is None or dossier_id is None:
            raise NotFoundError(f"Không tìm thấy bản số hóa số {attachment_id}.")
        return attachment, dossier_id

    def _read(self, attachment: Attachment) -> bytes:
        try:
            return self.blobs.get(attachment.sha256)
        except ScanError as e:
            raise ScanError(scan_problem_text(attachment, e)) from e

    def _journal(
        self, kind: JournalKind, action: str, dossier_id: int, code: str, details: dict[str, Any]
    ) -> None:
        with self._db.write() as uow:
            uow.journal.note(
                Note(kind, action, subject=code, details=details, dossier_id=dossier_id)
            )

    # -- export --------------------------------------------------------------------------------
    def export_dossier(self, code: str, out: Path) -> Path:
        """The dossier's scans as one PDF at ``out``: a cover sheet, then each paper in
        checklist order, then the result. Journalled; the file is removed if it cannot be."""
        actor = self._accounts.require(Right.SCANS, "xuất hồ sơ số hóa")
        dossier_id = self._dossier_id(code)
        with self._db.read() as uow:
            dossier = uow.dossiers.get(dossier_id)
            attachments = uow.attachments.of_dossier(dossier_id)
        assert dossier is not None
        if not attachments:
            raise ValidationError.for_field(
                "dossier", f"Hồ sơ {dossier.code} chưa có bản số hóa nào để xuất."
            )
        from tthc_desk.printing.scan_cover import ScanCover, bind, cover_pdf  # reportlab: on use
        from tthc_desk.scanning.render import PDFIUM_LOCK

        scans = [self._read(a) for a in attachments]
        cover = ScanCover(
            self._settings.office().office_name,
            dossier.code,
            dossier.procedure_name,
            dossier.applicant.full_name,
            dossier.applicant.id_number,
            tuple(attachments),
            actor.full_name,
            self._clock.now(),
        )
        data = bind(cover_pdf(cover), scans, PDFIUM_LOCK)
        written, code = write(out, data), dossier.code
        details = {"file": str(written), "scans": [_details(a) for a in attachments]}
        try:
            self._journal(
                JournalKind.EXPORT, "xuất hồ sơ số hóa", dossier_id, dossier.code, details
            )
        except Exception:
            written.unlink(missing_ok=True)  # an export nobody can trace is not left behind
            raise
        return written

    # -- checks --------------------------------------------------------------------------------
    def verify(self) -> list[str]:
        """Every stored scan an attachment names, decrypted and checked against its hash:
        the problems in Vietnamese (a missing or damaged scan, with a dossier that names it)."""
        self._accounts.require(Right.VERIFY_JOURNAL, "kiểm tra bản số hóa")
        with self._db.read() as uow:
            named = uow.attachments.blob_rows()
        problems = []
        for sha256, count in named:
            try:
                self.blobs.get(sha256)
            except ScanError as e:
                with self._db.read() as uow:
                    first = uow.attachments.naming(sha256)
                assert first is not None
                more = f" (và {count - 1} bản dùng lại cùng nội dung)" if count > 1 else ""
                problems.append(scan_problem_text(first, e) + more)
        return problems

    # -- the store's upkeep --------------------------------------------------------------------
    def tidy_store(self, *, dry_run: bool = False, grace: timedelta = ORPHAN_GRACE) -> StoreTidy:
        """A one-PC office's ``attachments`` folder tidied (the start-up cleanup, ``tthc-desk
        cleanup``): the temporary files of writes a kill cut off, and the contents no row of
        the database records that were stored more than ``grace`` ago (a save that failed
        after its scan was stored). Every recorded content stays, the ones of replaced scans
        too. On a server (``blob_data``) nothing is removed: a row there has no age to tell an
        orphan from a scan whose save is under way on another counter."""
        self._accounts.require(Right.CLEANUP, "dọn kho bản số hóa")
        if not self._db.is_sqlite:  # (and opening the store there may make the office's key)
            return StoreTidy((), 0)
        blobs = self.blobs
        if not isinstance(blobs, FileBlobStore):
            return StoreTidy((), 0)
        leftovers = [] if dry_run else blobs.clean_leftovers()
        with self._db.read() as uow:
            recorded = uow.attachments.recorded()
        orphans = blobs.unnamed(recorded, grace.total_seconds())
        if not dry_run:
            for sha256 in orphans:
                blobs.remove(sha256)
            if orphans:
                log.info("Removed %d stored scans no dossier records", len(orphans))
        return StoreTidy(tuple(orphans), len(leftovers))


@dataclass(frozen=True)
class StoreTidy:
    """What :meth:`AttachmentService.tidy_store` removed (or, dry, would remove)."""

    orphans: tuple[str, ...]  # contents no row records, by SHA-256
    leftovers: int  # temporary files of cut-off writes


def _details(a: Attachment) -> dict[str, Any]:
    return {
        "paper": a.paper_name,
        "paper_no": a.paper_no,
        "slot": a.slot.value,
        "sha256": a.sha256,
        "pages": a.pages,
    }
