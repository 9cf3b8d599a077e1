"""Issue 11 item 1, "one text gate", after intake: move notes, units and reasons, apology
letters, postal fields, the office profile, accounts and sync/backup destinations are refused
with a Vietnamese message naming the field when they hold an invisible or control character or
are too long, and nothing is written; an ordinary Vietnamese value is saved."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest

from tests.conftest import TEST_PASSWORD, make_draft, sign_as
from tests.services.gate_helpers import table_counts
from tthc_desk.domain.access import NewAccount, Role
from tthc_desk.domain.clock import FixedClock
from tthc_desk.domain.destinations import Destination, DestinationKind
from tthc_desk.domain.dossier import PaperItem, ReturnMethod
from tthc_desk.domain.errors import ValidationError
from tthc_desk.domain.lifecycle import Move
from tthc_desk.paths import AppPaths
from tthc_desk.services.apology_service import LetterEdit
from tthc_desk.services.backup_service import BackupSettings
from tthc_desk.services.container import Services
from tthc_desk.services.lifecycle_service import MoveRequest

#: Characters the gate refuses: bell, escape, right-to-left override, zero-width space.
BAD = ["\x07", "\x1b", "\u202e", "\u200b"]


def _gate_said(message: str) -> bool:
    """Whether ``message`` is the text gate's (an invisible character, or too long)."""
    return "ký tự điều khiển hoặc ký tự ẩn" in message or "quá giới hạn" in message


def _bad_values(good: str, limit: int) -> list[str]:
    middle = len(good) // 2
    return [good[:middle] + ch + good[middle:] for ch in BAD] + ["ư" * (limit + 1)]


# -- lifecycle moves -------------------------------------------------------------------------


def _received(services: Services, clock: FixedClock) -> str:
    code = services.dossiers.receive(make_draft(procedure_code="1.004873")).code
    clock.set(datetime(2026, 3, 2, 9, 0))
    return code


MOVE_CASES = [
    (Move.HAND_OVER, "unit", "Công chức Tư pháp - Hộ tịch", 200),
    (Move.HAND_OVER, "note", "Xin ý kiến lãnh đạo", 2000),
    (Move.SUPPLEMENT, "reason", "Thiếu giấy tờ chứng minh nơi cư trú", 500),
    (Move.REFUSED, "reason", "Không đủ điều kiện đăng ký", 500),
    (Move.STOPPED, "reason", "Người nộp xin dừng giải quyết", 500),
    (Move.WITHDRAWN, "reason", "Người nộp rút hồ sơ", 500),
    (Move.RESULT_READY, "unit", "Phòng Văn hóa - Xã hội", 200),
    (Move.RESULT_READY, "note", "Kết quả đã ký", 2000),
]


@pytest.mark.parametrize(("move", "field", "good", "limit"), MOVE_CASES)
def test_a_move_text_passes_the_gate(
    services: Services,
    clock: FixedClock,
    data_dir: Path,
    move: Move,
    field: str,
    good: str,
    limit: int,
) -> None:
    code = _received(services, clock)
    base = {"reason": "Lý do rõ ràng"} if move in (Move.REFUSED, Move.STOPPED) else {}
    before = table_counts(data_dir)
    for bad in _bad_values(good, limit):
        with pytest.raises(ValidationError) as err:
            services.lifecycle.move(code, MoveRequest(move, **{**base, field: bad}))
        assert _gate_said(err.value.field_messages()[field]), bad
        assert table_counts(data_dir) == before
    out = services.lifecycle.move(code, MoveRequest(move, **{**base, field: good}))
    recorded = {"unit": out.event.to_unit if move is Move.HAND_OVER else out.event.from_unit}
    assert good in (recorded.get(field, ""), *out.event.note.split(" — "))


def test_a_missing_paper_and_the_return_texts_pass_the_gate(
    services: Services, clock: FixedClock, data_dir: Path
) -> None:
    code = _received(services, clock)
    before = table_counts(data_dir)
    with pytest.raises(ValidationError) as err:
        services.lifecycle.move(
            code,
            MoveRequest(
                Move.SUPPLEMENT,
                papers=(PaperItem("Giấy khai sinh"), PaperItem("Sổ hộ\u200b khẩu")),
            ),
        )
    assert "Tên giấy tờ còn thiếu thứ 2 chứa ký tự" in err.value.field_messages()["papers"]
    assert table_counts(data_dir) == before
    services.lifecycle.move(code, MoveRequest(Move.RESULT_READY))
    before = table_counts(data_dir)
    for field, value in (("taken_by", "Lê\x1b Văn An"), ("rating_comment", "Tốt\u202e lắm")):
        with pytest.raises(ValidationError) as err:
            services.lifecycle.move(code, MoveRequest(Move.RETURNED, **{field: value}))
        assert field in err.value.field_messages()
    assert table_counts(data_dir) == before
    out = services.lifecycle.move(
        code, MoveRequest(Move.RETURNED, taken_by="Lê Văn An", rating_comment="Tốt lắm")
    )
    assert (out.dossier.returned_to, out.dossier.rating_comment) == ("Lê Văn An", "Tốt lắm")


# -- apology letters ---------------------------------------------------------------------------

LETTER_CASES = [
    ("reason", "Cơ quan phối hợp chậm trả lời", 500),
    ("reason_detail", "Chờ ý kiến của Công an xã", 500),
    ("responsible_unit", "Công chức Tư pháp - Hộ tịch", 200),
]


@pytest.mark.parametrize(("field", "good", "limit"), LETTER_CASES)
def test_an_apology_letter_text_passes_the_gate(
    services: Services, clock: FixedClock, data_dir: Path, field: str, good: str, limit: int
) -> None:
    code = _received(services, clock)
    clock.set(datetime(2026, 3, 4, 9, 0))
    base = {"reason": "Cơ quan phối hợp chậm trả lời"}
    before = table_counts(data_dir)
    for bad in _bad_values(good, limit):
        with pytest.raises(ValidationError) as err:  # drafted by hand with the texts at once
            services.apologies.draft(code, LetterEdit(**{**base, field: bad}))
        assert _gate_said(err.value.field_messages()[field]), bad
        assert table_counts(data_dir) == before
    letter = services.apologies.draft(code)
    before = table_counts(data_dir)
    for bad in _bad_values(good, limit):
        with pytest.raises(ValidationError) as err:
            services.apologies.update_draft(letter.id, LetterEdit(**{**base, field: bad}))
        assert _gate_said(err.value.field_messages()[field]), bad
    assert table_counts(data_dir) == before
    assert services.apologies.get(letter.id) == letter
    saved = services.apologies.update_draft(letter.id, LetterEdit(**{**base, field: good}))
    assert getattr(saved, field) == good


def test_the_override_reason_and_the_delivery_method_pass_the_gate(
    services: Services, clock: FixedClock, data_dir: Path
) -> None:
    code = _received(services, clock)
    clock.set(datetime(2026, 3, 4, 9, 0))
    services.apologies.scan()
    first = services.apologies.for_dossier(code)[0]
    sign_as(services, "an", first.id)
    before = table_counts(data_dir)
    for bad in _bad_values("Gọi điện thoại", 200):
        with pytest.raises(ValidationError) as err:
            services.apologies.deliver(first.id, bad)
        assert "method" in err.value.field_messages(), bad
    assert table_counts(data_dir) == before
    services.apologies.deliver(first.id, "Gọi điện thoại")
    clock.set(datetime(2026, 3, 10, 9, 0))
    second = services.apologies.draft(code)
    services.accounts.login("an", TEST_PASSWORD)  # the head signs
    before = table_counts(data_dir)
    for bad in _bad_values("Chờ kết quả xác minh", 500):
        with pytest.raises(ValidationError) as err:
            services.apologies.confirm(second.id, override_reason=bad)
        assert "override_reason" in err.value.field_messages(), bad
        assert table_counts(data_dir) == before
    signed = services.apologies.confirm(second.id, override_reason="Chờ kết quả xác minh")
    assert signed.override_reason == "Chờ kết quả xác minh" and signed.number == 2


# -- postal fields edited after intake ---------------------------------------------------------

POSTAL_ADDRESS = "Số 8 ngõ 3 phố Hàn Thuyên, phường Đồng Nguyên, tỉnh Bắc Ninh"
RETURN_CASES = [
    ("recipient", "return_recipient", "Trần Văn Bình", 100),
    ("address", "return_address", POSTAL_ADDRESS, 300),
    ("phone", "return_phone", "0988123456", 50),
    ("reason", "reason", "Người nộp đi làm xa", 500),
]


@pytest.mark.parametrize(("arg", "field", "good", "limit"), RETURN_CASES)
def test_the_return_contact_changed_later_passes_the_gate(
    services: Services,
    clock: FixedClock,
    data_dir: Path,
    arg: str,
    field: str,
    good: str,
    limit: int,
) -> None:
    code = services.dossiers.receive(make_draft(procedure_code="1.004873")).code
    clock.set(datetime(2026, 3, 2, 10, 0))
    base = {"recipient": "Lê Thị Mai", "address": POSTAL_ADDRESS, "phone": "0912000111"}
    before = table_counts(data_dir)
    for bad in _bad_values(good, limit):
        with pytest.raises(ValidationError) as err:
            services.postal.set_return(code, "postal", **{**base, arg: bad})
        assert _gate_said(err.value.field_messages()[field]), bad
        assert table_counts(data_dir) == before
    services.postal.set_return(code, "postal", **{**base, arg: good})
    event = services.lifecycle.history(code)[-1]
    assert good in (*event.data["new"].values(), event.note)


def _handed_over(services: Services, clock: FixedClock) -> str:
    code = services.dossiers.receive(
        make_draft(
            procedure_code="1.004873",
            return_method=ReturnMethod.POSTAL,
            return_address=POSTAL_ADDRESS,
        )
    ).code
    clock.set(datetime(2026, 3, 2, 9, 0))
    services.lifecycle.move(code, MoveRequest(Move.RESULT_READY))
    clock.set(datetime(2026, 3, 2, 14, 0))
    return code


def test_the_postal_employee_waybills_and_outcome_notes_pass_the_gate(
    services: Services, clock: FixedClock, data_dir: Path
) -> None:
    code = _handed_over(services, clock)
    before = table_counts(data_dir)
    for bad in _bad_values("Đỗ Văn Hùng", 100):
        with pytest.raises(ValidationError) as err:
            services.postal.create_batch(postal_employee=bad)
        assert "Nhân viên bưu chính" in err.value.field_messages()["postal_employee"], bad
    for bad in _bad_values("EB123456789VN", 50):
        with pytest.raises(ValidationError) as err:
            services.postal.create_batch(waybills={code: bad})
        assert _gate_said(err.value.full_text()), bad
    assert table_counts(data_dir) == before
    batch = services.postal.create_batch(postal_employee="Đỗ Văn Hùng")
    assert batch.postal_employee == "Đỗ Văn Hùng"
    before = table_counts(data_dir)
    for bad in _bad_values("EB123456789VN", 50):
        with pytest.raises(ValidationError) as err:
            services.postal.set_waybill(code, bad)
        assert _gate_said(err.value.field_messages()["waybill"]), bad
    assert table_counts(data_dir) == before
    services.postal.set_waybill(code, "EB123456789VN")
    clock.set(datetime(2026, 3, 4, 16, 0))
    before = table_counts(data_dir)
    for bad in _bad_values("Người nhận đi vắng, hẹn phát lại", 2000):
        with pytest.raises(ValidationError) as err:
            services.postal.update("EB123456789VN", "failed", at=date(2026, 3, 3), note=bad)
        assert "Ghi chú" in err.value.field_messages()["note"], bad
    assert table_counts(data_dir) == before
    services.postal.update(
        "EB123456789VN", "failed", at=date(2026, 3, 3), note="Người nhận đi vắng, hẹn phát lại"
    )
    assert services.lifecycle.history(code)[-1].note == "Người nhận đi vắng, hẹn phát lại"


# -- the office profile ------------------------------------------------------------------------

OFFICE_CASES = [
    ("parent_authority", "UBND PHƯỜNG ĐỒNG NGUYÊN", 200),
    ("office_name", "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG", 200),
    ("province", "Tỉnh Bắc Ninh", 200),
    ("place_name", "Đồng Nguyên", 200),
    ("address", "Số 1 đường Lý Thái Tổ, phường Đồng Nguyên", 300),
    ("phone", "0222 3840 000", 50),
    ("email", "mot-cua@dongnguyen.gov.vn", 200),
    ("agency_id", "000.17.22.H56", 50),
    ("head_name", "Nguyễn Văn Ân", 100),
    ("head_title", "PHÓ GIÁM ĐỐC", 200),
    ("head_sign_prefix", "KT. GIÁM ĐỐC", 200),
]


@pytest.mark.parametrize(("field", "good", "limit"), OFFICE_CASES)
def test_an_office_profile_text_passes_the_gate(
    services: Services, data_dir: Path, field: str, good: str, limit: int
) -> None:
    office = services.settings.office()
    before = table_counts(data_dir)
    for bad in _bad_values(good, limit):
        with pytest.raises(ValidationError) as err:
            services.settings.save_office(replace(office, **{field: bad}))
        assert _gate_said(err.value.field_messages()[field]), bad
        assert table_counts(data_dir) == before
        assert services.settings.office() == office
    saved = services.settings.save_office(replace(office, **{field: good}))
    assert getattr(saved, field) == good == getattr(services.settings.office(), field)


def test_the_office_units_pass_the_gate(services: Services, data_dir: Path) -> None:
    office = services.settings.office()
    before = table_counts(data_dir)
    for bad in _bad_values("Phòng Kinh tế", 200):
        with pytest.raises(ValidationError) as err:
            services.settings.save_office(replace(office, units=("Công an phường", bad)))
        assert "Tên đơn vị thứ 2" in err.value.field_messages()["units"], bad
    assert table_counts(data_dir) == before
    saved = services.settings.save_office(replace(office, units=("Công an phường", "Phòng Y tế")))
    assert services.settings.office().units == saved.units == ("Công an phường", "Phòng Y tế")


# -- accounts ----------------------------------------------------------------------------------


def test_an_account_full_name_and_user_name_pass_the_gate(
    services: Services, data_dir: Path
) -> None:
    roles = frozenset({Role.CLERK})
    before = table_counts(data_dir)
    for bad in _bad_values("Phạm Thị Thu", 100):
        with pytest.raises(ValidationError) as err:
            services.accounts.add("thu.pt", bad, roles, "mat-khau-2")
        assert _gate_said(err.value.field_messages()["full_name"]), bad
        with pytest.raises(ValidationError) as err:
            services.accounts.check_new(NewAccount("thu.pt", bad, roles, "mat-khau-2"))
        assert _gate_said(err.value.field_messages()["full_name"]), bad
    for bad in _bad_values("thu.pt", 50):
        with pytest.raises(ValidationError) as err:
            services.accounts.add(bad, "Phạm Thị Thu", roles, "mat-khau-2")
        assert _gate_said(err.value.field_messages()["username"]), bad
        with pytest.raises(ValidationError) as err:
            services.accounts.check_new(NewAccount(bad, "Phạm Thị Thu", roles, "mat-khau-2"))
        assert _gate_said(err.value.field_messages()["username"]), bad
    assert table_counts(data_dir) == before
    services.accounts.add("thu.pt", "Phạm Thị Thu", roles, "mat-khau-2")
    before = table_counts(data_dir)
    for bad in _bad_values("Phạm Thị Thu Hà", 100):
        with pytest.raises(ValidationError) as err:
            services.accounts.update("thu.pt", bad, roles)
        assert _gate_said(err.value.field_messages()["full_name"]), bad
    assert table_counts(data_dir) == before
    assert services.accounts.update("thu.pt", "Phạm Thị Thu Hà", roles).full_name == (
        "Phạm Thị Thu Hà"
    )


# -- where reports and backups go --------------------------------------------------------------

DEST_CASES = [
    (DestinationKind.WEBDAV, "name", "Sở Nội vụ tỉnh Bắc Ninh", 200),
    (DestinationKind.WEBDAV, "url", "https://dav.tinh.gov.vn/xa/", 1000),
    (DestinationKind.WEBDAV, "username", "motcua", 100),
    (DestinationKind.SMTP, "smtp_host", "mail.tinh.gov.vn", 200),
    (DestinationKind.SMTP, "from_addr", "motcua@xa.gov.vn", 200),
    (DestinationKind.SMTP, "subject_template", "Báo cáo {kind} {period}", 200),
    (DestinationKind.FOLDER, "folder", "/srv/báo-cáo", 1000),
]
_DEST_BASE = {
    DestinationKind.WEBDAV: {"url": "https://dav.tinh.gov.vn/xa/", "username": "motcua"},
    DestinationKind.SMTP: {
        "smtp_host": "mail.tinh.gov.vn",
        "from_addr": "motcua@xa.gov.vn",
        "to_addrs": ("so@tinh.gov.vn",),
    },
    DestinationKind.FOLDER: {"folder": "/srv/báo-cáo"},
}


@pytest.mark.parametrize(("kind", "field", "good", "limit"), DEST_CASES)
def test_a_report_destination_text_passes_the_gate(
    services: Services, data_dir: Path, kind: DestinationKind, field: str, good: str, limit: int
) -> None:
    base: dict[str, object] = {**_DEST_BASE[kind]}
    before = table_counts(data_dir)
    for bad in _bad_values(good, limit):
        with pytest.raises(ValidationError) as err:
            services.outbox.save_destination(Destination(kind, **{**base, field: bad}))
        assert _gate_said(err.value.field_messages()[field]), bad
        assert table_counts(data_dir) == before
    saved = services.outbox.save_destination(Destination(kind, **{**base, field: good}))
    assert getattr(saved, field) == good == getattr(services.outbox.destination(), field)


def test_a_url_or_a_mail_address_with_a_line_break_or_a_tab_is_refused(
    services: Services, data_dir: Path
) -> None:
    before = table_counts(data_dir)
    for url in ("https://dav.tinh.gov.vn/\nxa/", "https://dav.tinh\t.gov.vn/xa/"):
        with pytest.raises(ValidationError) as err:
            services.outbox.save_destination(Destination(DestinationKind.WEBDAV, url=url))
        assert "Địa chỉ máy chủ (URL) chứa ký tự" in err.value.field_messages()["url"]
    smtp = {
        **_DEST_BASE[DestinationKind.SMTP],
        "to_addrs": ("so@tinh.gov.vn", "a@b.vn\r\nBcc: x@y.vn"),
    }
    with pytest.raises(ValidationError) as err:
        services.outbox.save_destination(Destination(DestinationKind.SMTP, **smtp))  # type: ignore[arg-type]
    assert "người nhận thứ 2 chứa ký tự" in err.value.field_messages()["to_addrs"]
    assert table_counts(data_dir) == before


def test_a_backup_destination_passes_the_gate(
    services: Services, data_dir: Path, tmp_path: Path
) -> None:
    usb = tmp_path / "ổ USB"
    before = table_counts(data_dir)
    for bad in _bad_values(str(usb), 1000):
        with pytest.raises(ValidationError) as err:
            services.backups.save_settings(BackupSettings(destinations=(str(tmp_path), bad)))
        assert "Nơi sao lưu thứ hai thứ 2" in err.value.field_messages()["destinations"], bad
        assert _gate_said(err.value.field_messages()["destinations"]), bad
    assert table_counts(data_dir) == before
    assert services.backups.settings() == BackupSettings()
    saved = services.backups.save_settings(BackupSettings(destinations=(str(usb),)))
    assert services.backups.settings().destinations == saved.destinations == (str(usb),)


def test_a_backup_to_a_folder_with_a_control_character_is_refused_before_any_copy(
    services: Services, data_dir: Path, tmp_path: Path
) -> None:
    before = table_counts(data_dir)
    backups = AppPaths(data_dir).backup_dir
    had = sorted(backups.glob("*")) if backups.exists() else []
    with pytest.raises(ValidationError) as err:
        services.backups.run(extra=[tmp_path / "usb\x1b[2J"])
    assert _gate_said(err.value.field_messages()["extra"])
    assert table_counts(data_dir) == before
    assert (sorted(backups.glob("*")) if backups.exists() else []) == had


def test_a_failed_login_records_the_typed_name_without_its_invisible_characters(
    services: Services,
) -> None:
    from tthc_desk.db.stores.journal import JournalFilter
    from tthc_desk.domain.errors import LoginError
    from tthc_desk.domain.journal import JournalKind

    with pytest.raises(LoginError):
        services.accounts.login("ai\u202edo\x07", "sai")
    services.accounts.login("an", "mat-khau-1")
    failed = services.journal.entries(JournalFilter(kinds=[JournalKind.LOGIN_FAILED.value]))
    assert failed and failed[0].actor == "ai\ufffddo\ufffd"
