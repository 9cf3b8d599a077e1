"""Postal states, allowed changes and waybill numbers (the words of a status file: presentation)."""

from __future__ import annotations

import pytest

from tthc_desk.domain.errors import ValidationError
from tthc_desk.domain.postal import (
    OUTCOMES,
    PostalShares,
    PostalState,
    batch_number_text,
    change_problem,
    normalise_waybill,
    parse_batch_number,
    parse_waybill,
    percent_text,
    s10_check_digit,
    s10_warning,
    waybill_problem,
)


def test_allowed_changes() -> None:
    for outcome in OUTCOMES:
        assert change_problem(PostalState.HANDED_OVER, outcome) is None
        assert change_problem(PostalState.FAILED, outcome) is None  # another attempt, or back
    assert change_problem(PostalState.WAITING, PostalState.HANDED_OVER) is None
    assert change_problem(PostalState.WAITING, PostalState.DELIVERED) is not None
    for final in (PostalState.DELIVERED, PostalState.RETURNED):
        msg = change_problem(final, PostalState.FAILED)
        assert msg is not None and "trạng thái cuối" in msg


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("EB123456789VN", "EB123456789VN"),
        (" eb 1234 5678 9vn ", "EB123456789VN"),
        ("rr000000000vn", "RR000000000VN"),
        ("123456", "123456"),
        ("a" * 30, "A" * 30),
    ],
)
def test_waybills_are_normalised_and_accepted(raw: str, expected: str) -> None:
    assert normalise_waybill(raw) == expected
    assert waybill_problem(expected) is None
    assert parse_waybill(raw) == expected


@pytest.mark.parametrize(
    "raw", ["", "12345", "A" * 31, "EB-123456789-VN", "ĐB123456789VN", "EB12345678*VN"]
)
def test_bad_waybills_are_refused_with_a_field(raw: str) -> None:
    with pytest.raises(ValidationError) as e:
        parse_waybill(raw)
    assert e.value.field_messages().keys() == {"waybill"}
    assert "bưu gửi" in e.value.message


def test_s10_check_digit_is_only_a_hint() -> None:
    # RR 4730 2856 ? VN: 4*8+7*6+3*4+0*2+2*3+8*5+5*9+6*7 = 219; 219 % 11 = 10; 11 - 10 = 1.
    assert s10_check_digit("47302856") == 1
    assert s10_warning("RR473028561VN") is None
    assert s10_warning("RR473028569VN") is not None
    assert s10_warning("ABC123456") is None  # not an S10 number: nothing to say
    assert waybill_problem("RR473028569VN") is None  # never refused for the check digit


def test_batch_numbers() -> None:
    assert batch_number_text(3, 2026) == "03/2026/BGBC"
    assert batch_number_text(112, 2026) == "112/2026/BGBC"
    assert parse_batch_number("03/2026/BGBC") == (3, 2026)
    assert parse_batch_number(" 3 / 2026 ") == (3, 2026)
    assert parse_batch_number("03/2026/bgbc") == (3, 2026)
    assert parse_batch_number("2026") is None


def test_shares_and_percent_text() -> None:
    from datetime import date

    shares = PostalShares(date(2026, 3, 1), date(2026, 3, 31), 8, 1, 0, 0)
    assert shares.received_share == 0.125
    assert shares.returned_share == 0.0  # nothing returned: no division by zero
    assert percent_text(shares.received_share) == "12,5%"


def test_shares_window_covers_whole_days_and_refuses_a_reversed_period() -> None:
    from datetime import date, datetime

    from tthc_desk.domain.postal import shares_window

    assert shares_window(date(2026, 3, 1), date(2026, 3, 14)) == (
        datetime(2026, 3, 1),
        datetime(2026, 3, 15),
    )
    assert shares_window(date(2026, 3, 1), date(2026, 3, 1))[1] == datetime(2026, 3, 2)
    with pytest.raises(ValidationError) as e:
        shares_window(date(2026, 3, 14), date(2026, 3, 1))
    assert "phải trước hoặc bằng" in e.value.field_messages()["start"]


def test_a_dossier_waiting_for_the_post_and_its_recipient() -> None:
    from datetime import datetime

    from tests.domain.postal_samples import ADDRESS, SETTLED, postal_dossier, sample_dossier
    from tthc_desk.domain.dossier import Status
    from tthc_desk.domain.postal import minute

    assert minute(datetime(2026, 3, 2, 9, 5, 59, 123)) == datetime(2026, 3, 2, 9, 5)
    assert not sample_dossier().waiting_for_post  # at the counter
    assert not postal_dossier(status=Status.IN_PROGRESS).waiting_for_post
    dossier = postal_dossier(authorised_name="Lê Văn Tám", fee_amount=15000)
    assert dossier.waiting_for_post
    item = dossier.waiting_item()
    assert (item.state, item.id, item.batch_number, item.last_moment) == (
        PostalState.WAITING,
        None,
        "",
        SETTLED,
    )
    assert (item.recipient_name, item.recipient_address, item.recipient_phone) == (
        "Lê Văn Tám",
        ADDRESS,
        "0912345678",
    )
    assert item.fee_amount == 15000
    named = postal_dossier(return_recipient="Phạm Thị Hoa", return_phone="0966000222")
    assert (named.recipient_name, named.recipient_phone) == ("Phạm Thị Hoa", "0966000222")
