"""Changing how the result reaches the applicant: the pure rule, without a database."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.domain.postal_samples import ADDRESS, HOME, postal_dossier, sample_dossier
from tthc_desk.domain.dossier import (
    ReturnMethod,
    Status,
    phone_problem,
    return_address_problem,
)
from tthc_desk.domain.errors import ValidationError
from tthc_desk.domain.postal_return import (
    CHANGEABLE,
    RETURN_CHANGED,
    ReturnContact,
    ReturnRequest,
    ensure_after_last_step,
    parse_return_method,
    plan_return_change,
    requested_contact,
)

NOW = datetime(2026, 3, 2, 10, 0)


def test_methods_are_parsed_and_unknown_ones_refused() -> None:
    assert parse_return_method("postal") is ReturnMethod.POSTAL
    assert parse_return_method(ReturnMethod.COUNTER) is ReturnMethod.COUNTER
    with pytest.raises(ValidationError) as e:
        parse_return_method("email")
    assert "counter" in e.value.field_messages()["return_method"]


def test_by_post_records_what_was_typed_and_the_history_keeps_both_sides() -> None:
    request = ReturnRequest(
        ReturnMethod.POSTAL, " Trần  Văn Bình ", ADDRESS, "0988 123 456", reason=""
    )
    change = plan_return_change(sample_dossier(), request, postal_allowed=True)
    assert change.new == ReturnContact(ReturnMethod.POSTAL, ADDRESS, "Trần Văn Bình", "0988123456")
    assert change.old == ReturnContact(ReturnMethod.COUNTER)
    assert change.note == "Nhận kết quả: qua dịch vụ bưu chính công ích"
    event = change.event(NOW, "Lê Thị Mai")
    assert (event.at, event.kind, event.actor) == (NOW, RETURN_CHANGED, "Lê Thị Mai")
    assert event.data == {
        "old": {
            "return_method": "counter",
            "return_address": "",
            "return_recipient": "",
            "return_phone": "",
        },
        "new": {
            "return_method": "postal",
            "return_address": ADDRESS,
            "return_recipient": "Trần Văn Bình",
            "return_phone": "0988123456",
        },
    }


def test_blanks_by_post_fall_back_to_the_dossier() -> None:
    # No address typed: the applicant's; no recipient: the applicant; no phone: theirs.
    plain = requested_contact(sample_dossier(), ReturnRequest(ReturnMethod.POSTAL))
    assert plain == ReturnContact(ReturnMethod.POSTAL, HOME, "Nguyễn Thị Hồng Nhung", "0912345678")
    # An authorised person receives, with their own phone.
    authorised = sample_dossier(authorised_name="Lê Văn Tám", authorised_phone="0977000111")
    contact = requested_contact(authorised, ReturnRequest(ReturnMethod.POSTAL))
    assert (contact.recipient, contact.phone) == ("Lê Văn Tám", "0977000111")
    # A recipient already recorded keeps their phone.
    recorded = postal_dossier(return_recipient="Phạm Thị Hoa", return_phone="0966000222")
    contact = requested_contact(recorded, ReturnRequest(ReturnMethod.POSTAL))
    assert (contact.address, contact.recipient, contact.phone) == (
        ADDRESS,
        "Phạm Thị Hoa",
        "0966000222",
    )


def test_back_to_the_counter_clears_the_address() -> None:
    dossier = postal_dossier(return_recipient="Phạm Thị Hoa", return_phone="0966000222")
    change = plan_return_change(
        dossier, ReturnRequest(ReturnMethod.COUNTER, reason="Tự đến lấy"), postal_allowed=False
    )
    assert change.new == ReturnContact(ReturnMethod.COUNTER)
    assert change.old.recipient == "Phạm Thị Hoa" and change.note == "Tự đến lấy"


def test_every_problem_is_listed_on_its_field() -> None:
    request = ReturnRequest(ReturnMethod.POSTAL, "Nguyễn Văn 2", "Thôn 3", "123")
    with pytest.raises(ValidationError) as e:
        plan_return_change(sample_dossier(), request, postal_allowed=False)
    assert [p.field for p in e.value.problems] == [
        "return_method",
        "return_address",
        "return_phone",
        "return_recipient",
    ]
    assert e.value.message.startswith("Chưa đổi được nơi nhận kết quả")


@pytest.mark.parametrize("status", [s for s in Status if s not in CHANGEABLE])
def test_refused_once_the_result_is_out_of_the_office(status: Status) -> None:
    with pytest.raises(ValidationError) as e:
        plan_return_change(
            sample_dossier(status=status), ReturnRequest(ReturnMethod.POSTAL, address=ADDRESS), True
        )
    assert "không đổi được nơi nhận kết quả" in e.value.field_messages()["return_method"]


def test_nothing_changed_is_refused() -> None:
    dossier = postal_dossier(return_recipient="Nguyễn Thị Hồng Nhung", return_phone="0912345678")
    with pytest.raises(ValidationError) as e:
        plan_return_change(dossier, ReturnRequest(ReturnMethod.POSTAL), postal_allowed=True)
    assert e.value.message == "Không có thông tin nào thay đổi."


def test_a_step_never_comes_before_the_latest_one() -> None:
    ensure_after_last_step(NOW, None)
    ensure_after_last_step(NOW, NOW)
    with pytest.raises(ValidationError) as e:
        ensure_after_last_step(NOW, datetime(2026, 3, 2, 10, 1))
    assert "trước bước gần nhất" in e.value.field_messages()["at"]


texts = st.text(alphabet="abc 0123456789ĐđêNguyễn,.", max_size=70)


@given(
    status=st.sampled_from(list(Status)),
    current=st.sampled_from(list(ReturnMethod)),
    method=st.sampled_from(list(ReturnMethod)),
    recipient=texts,
    address=texts,
    phone=st.sampled_from(["", "0988123456", "+84 988 123 456", "12", "09881234567"]),
    allowed=st.booleans(),
)
def test_an_accepted_change_is_always_a_complete_real_change(
    status: Status,
    current: ReturnMethod,
    method: ReturnMethod,
    recipient: str,
    address: str,
    phone: str,
    allowed: bool,
) -> None:
    dossier = sample_dossier(
        status=status,
        return_method=current,
        return_address=ADDRESS if current is ReturnMethod.POSTAL else "",
    )
    try:
        change = plan_return_change(
            dossier, ReturnRequest(method, recipient, address, phone), allowed
        )
    except ValidationError as e:
        assert e.problems  # always says where
        return
    assert status in CHANGEABLE and change.new != change.old
    assert change.new.method is method and change.old == ReturnContact.of(dossier)
    if method is ReturnMethod.COUNTER:
        assert change.new == ReturnContact(ReturnMethod.COUNTER)
    else:
        assert allowed
        assert return_address_problem(change.new.address) is None
        assert phone_problem(change.new.phone) is None
        assert change.new.recipient and not any(ch.isdigit() for ch in change.new.recipient)
