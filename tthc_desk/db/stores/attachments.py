"""The scans attached to dossiers (``attachments``) and the list of stored contents (``blobs``).

The bytes themselves are in a blob store (``db.blobs``); these rows say which dossier and paper
each scan belongs to, its hash, pages and size, and who attached it when. Attachment rows are part
of their dossier's aggregate in the journal (``db.stores.journal.PARTS``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select

from tthc_desk.db.models import AttachmentRecord, BlobRecord, DossierRecord
from tthc_desk.db.stores.base import Store
from tthc_desk.domain.scans import Attachment, AttachmentSlot

_COLUMNS = (
    AttachmentRecord.id,
    DossierRecord.code,
    AttachmentRecord.slot,
    AttachmentRecord.paper_no,
    AttachmentRecord.paper_name,
    AttachmentRecord.sha256,
    AttachmentRecord.pages,
    AttachmentRecord.size,
    AttachmentRecord.attached_by,
    AttachmentRecord.attached_at,
    AttachmentRecord.reused_from,
)


def _attachment(r: Sequence[Any]) -> Attachment:
    return Attachment(
        r[0], r[1], AttachmentSlot(r[2]), r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10]
    )


def _select() -> Any:
    return select(*_COLUMNS).join(DossierRecord, DossierRecord.id == AttachmentRecord.dossier_id)


class AttachmentStore(Store):
    # -- writing -------------------------------------------------------------------------------
    def keep_blob(self, sha256: str, size: int, pages: int, now: datetime) -> None:
        """Record a stored content once (an existing row is left as it is)."""
        if self._s.get(BlobRecord, sha256) is None:
            self._s.add(BlobRecord(sha256=sha256, size=size, pages=pages, created_at=now))
            self._s.flush()

    def add(
        self,
        dossier_id: int,
        attachment: Attachment,
    ) -> int:
        """Attach ``attachment`` (its id and dossier code are ignored) to the dossier; its id.

        A paper (or the result) that had a scan has it replaced: one current scan each."""
        self._s.execute(
            delete(AttachmentRecord).where(
                AttachmentRecord.dossier_id == dossier_id,
                AttachmentRecord.slot == attachment.slot.value,
                AttachmentRecord.paper_no.is_(None)
                if attachment.paper_no is None
                else AttachmentRecord.paper_no == attachment.paper_no,
            )
        )
        record = AttachmentRecord(
            dossier_id=dossier_id,
            slot=attachment.slot.value,
            paper_no=attachment.paper_no,
            paper_name=attachment.paper_name,
            sha256=attachment.sha256,
            pages=attachment.pages,
            size=attachment.size,
            reused_from=attachment.reused_from,
            attached_by=attachment.attached_by,
            attached_at=attachment.attached_at,
        )
        self._s.add(record)
        self._s.flush()
        return record.id

    # -- reading -------------------------------------------------------------------------------
    def get(self, attachment_id: int) -> Attachment | None:
        row = self._s.execute(_select().where(AttachmentRecord.id == attachment_id)).first()
        return None if row is None else _attachment(row)

    def of_dossier(self, dossier_id: int) -> list[Attachment]:
        """Papers in checklist order, then the result."""
        query = (
            _select()
            .where(AttachmentRecord.dossier_id == dossier_id)
            .order_by(AttachmentRecord.slot, AttachmentRecord.paper_no, AttachmentRecord.id)
        )
        return [_attachment(r) for r in self._s.execute(query)]

    def of_person(self, id_number: str, exclude_dossier: int | None = None) -> list[Attachment]:
        """The papers scanned for the dossiers of the person with ``id_number`` (not the
        copies reused from one another), newest first."""
        query = (
            _select()
            .where(
                DossierRecord.applicant_id_number == id_number,
                AttachmentRecord.slot == AttachmentSlot.PAPER.value,
                AttachmentRecord.reused_from.is_(None),
            )
            .order_by(AttachmentRecord.attached_at.desc(), AttachmentRecord.id.desc())
        )
        if exclude_dossier is not None:
            query = query.where(AttachmentRecord.dossier_id != exclude_dossier)
        return [_attachment(r) for r in self._s.execute(query)]

    def dossiers_with_scans(self) -> int:
        return int(self._s.scalar(select(func.count(AttachmentRecord.dossier_id.distinct()))) or 0)

    def blob_rows(self) -> list[tuple[str, int]]:
        """Every content an attachment names, with how many attachments name it."""
        query = (
            select(AttachmentRecord.sha256, func.count())
            .group_by(AttachmentRecord.sha256)
            .order_by(AttachmentRecord.sha256)
        )
        return [(str(s), int(n)) for s, n in self._s.execute(query)]

    def recorded(self) -> set[str]:
        """Every stored content the database has a row of (``blobs``): named by an attachment
        now, or once (a scan replaced since)."""
        return {str(s) for s in self._s.scalars(select(BlobRecord.sha256))}

    def naming(self, sha256: str) -> Attachment | None:
        """One attachment that names the content ``sha256`` (for a message)."""
        row = self._s.execute(
            _select().where(AttachmentRecord.sha256 == sha256).order_by(AttachmentRecord.id)
        ).first()
        return None if row is None else _attachment(row)
