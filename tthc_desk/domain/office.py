"""Office profile, staff and working-hour settings (rules.md "Office and agencies")."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time


@dataclass(frozen=True)
class Session:
    """One office session of a day, e.g. 07:30–11:30."""

    start: time
    end: time


DEFAULT_SESSIONS: tuple[Session, ...] = (
    Session(time(7, 30), time(11, 30)),
    Session(time(13, 30), time(17, 0)),
)


@dataclass(frozen=True)
class OfficeHours:
    """Sessions per ISO weekday (1 = Monday … 7 = Sunday); a missing weekday is closed."""

    by_weekday: dict[int, tuple[Session, ...]] = field(
        default_factory=lambda: {d: DEFAULT_SESSIONS for d in range(1, 6)}
    )
    same_day_cutoff: time = time(15, 0)


@dataclass(frozen=True)
class OfficeProfile:
    parent_authority: str = "UBND PHƯỜNG ĐỒNG NGUYÊN"
    office_name: str = "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG"
    province: str = "Tỉnh Bắc Ninh"
    place_name: str = "Đồng Nguyên"
    address: str = "Số 1 đường Lý Thái Tổ, phường Đồng Nguyên, tỉnh Bắc Ninh"
    phone: str = "0222 3840 000"
    email: str = "mot-cua@dongnguyen.gov.vn"
    agency_id: str = "000.17.22.H56"
    head_name: str = "Nguyễn Văn An"
    head_title: str = "PHÓ GIÁM ĐỐC"
    head_sign_prefix: str = "KT. GIÁM ĐỐC"
    units: tuple[str, ...] = (
        "Công chức Tư pháp - Hộ tịch",
        "Phòng Kinh tế",
        "Phòng Văn hóa - Xã hội",
        "Công an phường",
    )
    receipt_copies: int = 2
    ledger_book_per_year: bool = True


@dataclass(frozen=True)
class StaffMember:
    name: str
    role: str = "clerk"  # clerk | head | admin
    active: bool = True
    id: int | None = None
