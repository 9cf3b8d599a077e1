"""Sample postal dossiers and items for the pure postal rules (no database)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from tthc_desk.domain.dossier import ReturnMethod, Status
from tthc_desk.domain.postal import PostalDossier, PostalItem, PostalState

ADDRESS = "Số 8 ngõ 3 phố Hàn Thuyên, phường Đồng Nguyên, tỉnh Bắc Ninh"
HOME = "Số 5 ngõ 12 phố Đông Các, phường Đồng Nguyên"
SETTLED = datetime(2026, 3, 2, 9, 0)
HANDED = datetime(2026, 3, 2, 14, 0)


def sample_dossier(**changes: object) -> PostalDossier:
    """A dossier whose result is ready at the office, registered for return at the counter."""
    base = PostalDossier(
        id=7,
        code="000.00.00.H00-260302-0001",
        status=Status.RESULT_READY,
        procedure_code="1.004873",
        procedure_name="Cấp Giấy xác nhận tình trạng hôn nhân",
        applicant_name="Nguyễn Thị Hồng Nhung",
        applicant_phone="0912345678",
        applicant_address=HOME,
        authorised_name="",
        authorised_phone="",
        return_method=ReturnMethod.COUNTER,
        return_address="",
        return_recipient="",
        return_phone="",
        settled_at=SETTLED,
        fee_amount=0,
    )
    return replace(base, **changes)  # type: ignore[arg-type]  # test overrides of any field


def postal_dossier(**changes: object) -> PostalDossier:
    """The same dossier registered for return by post to ADDRESS."""
    values: dict[str, object] = {"return_method": ReturnMethod.POSTAL, "return_address": ADDRESS}
    values.update(changes)
    return sample_dossier(**values)


def sample_item(**changes: object) -> PostalItem:
    """An item handed to the post on list 01/2026/BGBC at HANDED."""
    base = PostalItem(
        dossier_code="000.00.00.H00-260302-0001",
        applicant_name="Nguyễn Thị Hồng Nhung",
        procedure_name="Cấp Giấy xác nhận tình trạng hôn nhân",
        recipient_name="Nguyễn Thị Hồng Nhung",
        recipient_address=ADDRESS,
        recipient_phone="0912345678",
        state=PostalState.HANDED_OVER,
        id=3,
        waybill="EB123456789VN",
        batch_number="01/2026/BGBC",
        settled_at=SETTLED,
        handed_over_at=HANDED,
    )
    return replace(base, **changes)  # type: ignore[arg-type]  # test overrides of any field
