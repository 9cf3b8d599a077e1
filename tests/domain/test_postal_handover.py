"""Handover lists: which dossiers go on a list, its moment, its waybills, what each item writes."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.domain.postal_samples import ADDRESS, HANDED, postal_dossier, sample_item
from tthc_desk.domain.dossier import ReturnMethod, Status
from tthc_desk.domain.errors import ProblemCollector, ValidationError
from tthc_desk.domain.lifecycle import Move
from tthc_desk.domain.postal import POST_OFFICE, PostalState, waybill_problem
from tthc_desk.domain.postal_handover import (
    WAYBILL_RECORDED,
    ListHeading,
    WaybillOwner,
    batch_waybills,
    check_moment,
    choose_candidates,
    end_of_office_day,
    ensure_waybill_editable,
    given_numbers,
    handovers,
    requested_codes,
    requested_moment,
    waybill_event,
    waybill_taken,
)

NOW = datetime(2026, 3, 4, 10, 0)


def _no_office_day(day: date) -> datetime:
    raise AssertionError(f"the office hours of {day} were not needed")


# -- the moment --------------------------------------------------------------------------------


def test_end_of_office_day() -> None:
    assert end_of_office_day(date(2026, 3, 3), [time(11, 30), time(16, 30)]) == datetime(
        2026, 3, 3, 16, 30
    )
    assert end_of_office_day(date(2026, 3, 8), []) == datetime(2026, 3, 8, 17, 0)


def test_requested_moment() -> None:
    assert requested_moment(None, NOW, _no_office_day) == NOW
    assert requested_moment(datetime(2026, 3, 3, 9, 5, 42), NOW, _no_office_day) == datetime(
        2026, 3, 3, 9, 5
    )
    assert requested_moment(NOW.date(), NOW, _no_office_day) == NOW  # today: now
    assert requested_moment(
        date(2026, 3, 3), NOW, lambda d: datetime.combine(d, time(16, 30))
    ) == datetime(2026, 3, 3, 16, 30)


def test_moment_never_in_the_future_nor_before_an_items_latest_step() -> None:
    problems = ProblemCollector()
    check_moment(NOW, NOW, [None, datetime(2026, 3, 4, 9, 0)], problems)
    check_moment(datetime(2026, 3, 4, 10, 1), NOW, [], problems)  # a minute of clock drift
    assert problems.problems == []
    check_moment(datetime(2026, 3, 4, 10, 2), NOW, [], problems)
    check_moment(datetime(2026, 3, 4, 8, 0), NOW, [datetime(2026, 3, 4, 9, 0)], problems)
    assert [p.field for p in problems.problems] == ["at", "at"]
    assert "ở tương lai" in problems.problems[0].message
    assert "trước bước gần nhất của một hồ sơ" in problems.problems[1].message


# -- the dossiers of a list --------------------------------------------------------------------


def test_requested_codes_are_normalised_once_each_in_order() -> None:
    assert requested_codes(["B", " ", "A", "B", ""]) == ["B", "A"]


def test_candidates_keep_the_order_and_say_why_the_others_cannot_go() -> None:
    a = postal_dossier(id=1, code="A")
    b = postal_dossier(id=2, code="B")
    counter = postal_dossier(id=3, code="C", return_method=ReturnMethod.COUNTER)
    open_one = postal_dossier(id=4, code="D", status=Status.IN_PROGRESS)
    found = {d.code: d for d in (a, b, counter, open_one)}
    problems = ProblemCollector()
    chosen = choose_candidates(["B", "X", "C", "D", "A"], found, problems)
    assert chosen == [b, a]
    assert [p.message for p in problems.problems] == [
        "Không tìm thấy hồ sơ mã “X”.",
        "Hồ sơ C không đăng ký nhận kết quả qua bưu chính.",
        "Hồ sơ D đang ở trạng thái “Đang giải quyết”, chưa có kết quả để giao bưu điện.",
    ]
    assert {p.field for p in problems.problems} == {"codes"}


# -- waybills ----------------------------------------------------------------------------------


def test_waybills_typed_with_a_list() -> None:
    owner = WaybillOwner("Z", "01/2026/BGBC")
    given_ = {
        "A": " eb 100000001 vn ",
        "B": "",  # not known yet
        "C": "EB100000001VN",  # the same as A
        "D": "EB100000002VN",  # not on this list
        "E": "EB-1",  # malformed
        "F": "EB100000009VN",  # already on an earlier list
    }
    assert given_numbers(given_) == {
        "EB100000001VN",
        "EB100000002VN",
        "EB-1",
        "EB100000009VN",
    }
    problems = ProblemCollector()
    out = batch_waybills("ABCEF", given_, {"EB100000009VN": owner}, problems)
    assert out == {"A": "EB100000001VN"}
    assert [p.message for p in problems.problems] == [
        "Số hiệu bưu gửi EB100000001VN ghi cho cả hồ sơ A và C.",
        "Hồ sơ D không có trong danh sách này nên không ghi số hiệu bưu gửi được.",
        waybill_problem("EB-1"),
        waybill_taken("EB100000009VN", owner),
    ]
    assert waybill_taken("EB100000009VN", owner) == (
        "Số hiệu bưu gửi EB100000009VN đã ghi cho hồ sơ Z (danh sách 01/2026/BGBC)."
    )


codes = st.sampled_from(["A", "B", "C", "D"])
numbers = st.sampled_from(["", "EB100000001VN", "eb100000001vn", "EB100000002VN", "X-1", "123456"])


@given(
    given_=st.dictionaries(codes, numbers, max_size=4),
    on_list=st.sets(codes),
    taken=st.sets(st.sampled_from(["EB100000001VN", "123456"])),
)
def test_accepted_waybills_are_unique_valid_free_and_on_the_list(
    given_: dict[str, str], on_list: set[str], taken: set[str]
) -> None:
    problems = ProblemCollector()
    owners = {n: WaybillOwner("Z", "01/2026/BGBC") for n in taken}
    out = batch_waybills(on_list, given_, owners, problems)
    assert set(out) <= on_list
    assert len(set(out.values())) == len(out)
    assert all(waybill_problem(n) is None and n not in taken for n in out.values())
    # Every non-blank number is either accepted or refused with a reason, never dropped.
    assert len(out) + len(problems.problems) == sum(1 for v in given_.values() if v)


# -- what each item writes ---------------------------------------------------------------------


def test_each_item_is_returned_to_its_recipient_through_the_post() -> None:
    a = postal_dossier(id=1, code="A", authorised_name="Lê Văn Tám")
    b = postal_dossier(id=2, code="B", return_recipient="Phạm Thị Hoa", return_phone="0966000222")
    heading = ListHeading("03/2026/BGBC", HANDED, "Lê Thị Mai", "UBND xã Đồng Nguyên", "")
    first, second = handovers([a, b], {"B": "EB100000002VN"}, heading)
    assert (first.position, first.waybill, second.position, second.waybill) == (
        1,
        None,
        2,
        "EB100000002VN",
    )
    assert (first.recipient_name, first.recipient_phone) == ("Lê Văn Tám", "0912345678")
    assert (second.recipient_name, second.recipient_phone) == ("Phạm Thị Hoa", "0966000222")
    assert first.dossier_status is Status.RETURNED and first.at == HANDED
    event = second.event
    assert (event.kind, event.at, event.actor) == (Move.RETURNED.value, HANDED, "Lê Thị Mai")
    assert (event.from_unit, event.to_unit) == ("UBND xã Đồng Nguyên", POST_OFFICE)
    assert event.note == "Giao bưu điện theo danh sách bàn giao số 03/2026/BGBC"
    assert event.data == {
        "from_status": "result_ready",
        "to_status": "returned",
        "taken_by": "Phạm Thị Hoa",
        "via": "postal",
        "postal_batch": "03/2026/BGBC",
        "waybill": "EB100000002VN",
        "recipient": "Phạm Thị Hoa",
        "address": ADDRESS,
        "phone": "0966000222",
        "postal_employee": "",
    }
    named = ListHeading("03/2026/BGBC", HANDED, "Lê Thị Mai", "UBND", "Đỗ Văn Hùng")
    assert handovers([a], {}, named)[0].event.to_unit == "Đỗ Văn Hùng"


def test_a_waybill_is_editable_until_the_post_reports_the_end() -> None:
    for state in (PostalState.HANDED_OVER, PostalState.FAILED):
        ensure_waybill_editable(sample_item(state=state))
    for state in (PostalState.DELIVERED, PostalState.RETURNED):
        with pytest.raises(ValidationError) as e:
            ensure_waybill_editable(sample_item(state=state))
        assert "không sửa số hiệu được nữa" in e.value.field_messages()["waybill"]


def test_waybill_event_names_the_old_number_and_never_precedes_the_handover() -> None:
    event = waybill_event(sample_item(), "RR473028561VN", NOW, "Lê Thị Mai")
    assert (event.kind, event.at) == (WAYBILL_RECORDED, NOW)
    assert event.note == "Số hiệu bưu gửi RR473028561VN (thay EB123456789VN)"
    assert event.data == {
        "waybill": "RR473028561VN",
        "old_waybill": "EB123456789VN",
        "postal_batch": "01/2026/BGBC",
    }
    early = waybill_event(sample_item(waybill=""), "RR473028561VN", datetime(2026, 3, 1), "x")
    assert early.at == HANDED and early.note == "Số hiệu bưu gửi RR473028561VN"
