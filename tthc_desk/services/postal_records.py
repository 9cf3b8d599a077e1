"""What the postal services share: item rows to DTOs, the item query, and their small helpers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from tthc_desk.db.models import DossierRecord, PostalBatchRecord, PostalItemRecord
from tthc_desk.domain.dossier import Status
from tthc_desk.domain.postal import PostalItem, PostalState, batch_number_text

POST_OFFICE = "Bưu chính công ích"


def minute(value: datetime) -> datetime:
    return value.replace(second=0, microsecond=0)


def iso(value: datetime | None) -> str | None:
    return value.isoformat(sep=" ", timespec="minutes") if value else None


def item_dto(r: PostalItemRecord, d: DossierRecord, b: PostalBatchRecord) -> PostalItem:
    return PostalItem(
        dossier_code=d.code,
        applicant_name=d.applicant_name,
        procedure_name=d.procedure_name,
        recipient_name=r.recipient_name,
        recipient_address=r.recipient_address,
        recipient_phone=r.recipient_phone,
        state=PostalState(r.state),
        id=r.id,
        waybill=r.waybill or "",
        batch_number=batch_number_text(b.number, b.year),
        settled_at=d.settled_at,
        handed_over_at=r.handed_over_at,
        delivered_at=r.delivered_at,
        failed_at=r.failed_at,
        returned_at=r.returned_at,
        note=r.note,
        fee_amount=d.fee_amount,
        taken_at_counter=r.state == PostalState.RETURNED.value
        and d.status == Status.RETURNED.value,
    )


def item_query():  # type: ignore[no-untyped-def]
    """Items with their dossier and list, the shape every postal read uses."""
    return (
        select(PostalItemRecord, DossierRecord, PostalBatchRecord)
        .join(DossierRecord, DossierRecord.id == PostalItemRecord.dossier_id)
        .join(PostalBatchRecord, PostalBatchRecord.id == PostalItemRecord.batch_id)
    )
