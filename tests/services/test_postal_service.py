"""Public postal service: postal intake, return by post, handover lists, delivery outcomes,
chuyển hoàn back to the counter, and the period's shares."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from tests.conftest import make_draft
from tthc_desk.domain.clock import FixedClock
from tthc_desk.domain.dossier import Channel, ReturnMethod, Status
from tthc_desk.domain.errors import ValidationError
from tthc_desk.domain.lifecycle import Move
from tthc_desk.domain.postal import PostalState
from tthc_desk.presentation import event_label, label
from tthc_desk.services.container import Services
from tthc_desk.services.lifecycle_service import MoveRequest

POSTAL = "1.004873"  # Giấy xác nhận tình trạng hôn nhân: offered by post
IN_PERSON = "2.001035"  # Chứng thực giao dịch: the applicant must come in person
ADDRESS = "Số 8 ngõ 3 phố Hàn Thuyên, phường Đồng Nguyên, tỉnh Bắc Ninh"


def ready(
    services: Services,
    clock: FixedClock,
    *,
    postal: bool = True,
    name: str = "Nguyễn Thị Hồng Nhung",
    id_number: str = "001190012345",
    **extra: object,
) -> str:
    """A dossier received now whose result reaches the office an hour later (the clock stays
    there)."""
    from tthc_desk.domain.dossier import Person

    draft = make_draft(
        procedure_code=extra.pop("procedure_code", POSTAL),
        applicant=Person(name, id_number, phone="0912345678", address=ADDRESS),
        return_method=ReturnMethod.POSTAL if postal else ReturnMethod.COUNTER,
        return_address=ADDRESS if postal else "",
        **extra,
    )
    start = clock.now()
    code = services.dossiers.receive(draft).code
    clock.set(start + timedelta(hours=1))
    services.lifecycle.move(code, MoveRequest(Move.RESULT_READY))
    clock.set(start)
    return code


# -- intake ------------------------------------------------------------------------------------


def test_postal_intake_records_the_reference_and_starts_the_clock_on_receipt(
    services: Services,
) -> None:
    d = services.dossiers.receive(
        make_draft(
            procedure_code=POSTAL, channel=Channel.POSTAL, postal_reference=" eb 123456789 vn"
        )
    )
    assert d.channel is Channel.POSTAL and d.postal_reference == "EB123456789VN"
    assert d.received_at == datetime(2026, 3, 2, 8, 0)
    history = services.lifecycle.history(d.code)
    assert history[0].data["postal_reference"] == "EB123456789VN"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        (
            {
                "procedure_code": IN_PERSON,
                "channel": Channel.POSTAL,
                "postal_reference": "EB123456789VN",
            },
            "channel",
        ),
        ({"procedure_code": POSTAL, "channel": Channel.POSTAL}, "postal_reference"),
        (
            {"procedure_code": POSTAL, "channel": Channel.POSTAL, "postal_reference": "EB-12"},
            "postal_reference",
        ),
        ({"procedure_code": POSTAL, "postal_reference": "EB123456789VN"}, "postal_reference"),
        (
            {
                "procedure_code": IN_PERSON,
                "return_method": ReturnMethod.POSTAL,
                "return_address": ADDRESS,
            },
            "return_method",
        ),
        (
            {
                "procedure_code": POSTAL,
                "return_method": ReturnMethod.POSTAL,
                "return_address": "Thôn 3",
            },
            "return_address",
        ),
        (
            {
                "procedure_code": POSTAL,
                "return_method": ReturnMethod.POSTAL,
                "return_address": ADDRESS,
                "return_phone": "123",
            },
            "return_phone",
        ),
    ],
)
def test_postal_intake_and_return_refusals(services: Services, changes: dict, field: str) -> None:
    with pytest.raises(ValidationError) as e:
        services.dossiers.receive(make_draft(**changes))
    assert field in e.value.field_messages()
    assert services.postal.counts().waiting == 0


def test_return_by_post_defaults_the_recipient_and_phone(services: Services) -> None:
    d = services.dossiers.receive(
        make_draft(procedure_code=POSTAL, return_method=ReturnMethod.POSTAL, return_address=ADDRESS)
    )
    assert (d.return_recipient, d.return_phone, d.return_address) == (
        "Nguyễn Thị Hồng Nhung",
        "0912345678",
        ADDRESS,
    )


def test_set_return_later_is_recorded_and_refused_where_not_allowed(
    services: Services, clock: FixedClock
) -> None:
    code = ready(services, clock, postal=False)
    clock.set(datetime(2026, 3, 2, 10, 0))
    d = services.postal.set_return(
        code, "postal", recipient="Trần Văn Bình", address=ADDRESS, phone="0988 123 456"
    )
    assert (d.return_method, d.return_recipient, d.return_phone) == (
        ReturnMethod.POSTAL,
        "Trần Văn Bình",
        "0988123456",
    )
    event = services.lifecycle.history(code)[-1]
    assert event.kind == "return_changed" and event_label(event) == "Đổi nơi nhận kết quả"
    assert (
        event.data["old"]["return_method"] == "counter"
        and event.data["new"]["return_recipient"] == "Trần Văn Bình"
    )
    assert [i.dossier_code for i in services.postal.waiting()] == [code]
    with pytest.raises(ValidationError) as e:
        services.postal.set_return(
            code, "postal", recipient="Trần Văn Bình", address=ADDRESS, phone="0988123456"
        )
    assert "Không có thông tin nào thay đổi" in e.value.message

    other = services.dossiers.receive(make_draft(procedure_code=IN_PERSON)).code
    with pytest.raises(ValidationError) as e:
        services.postal.set_return(other, ReturnMethod.POSTAL, address=ADDRESS)
    assert (
        e.value.field_messages()["return_method"]
        == "Thủ tục này không cho phép trả kết quả qua bưu chính."
    )
    assert services.dossiers.get(other).return_method is ReturnMethod.COUNTER


# -- handover ----------------------------------------------------------------------------------


def test_batch_takes_every_ready_postal_result_and_counts_as_returned(
    services: Services, clock: FixedClock
) -> None:
    a = ready(services, clock)
    b = ready(services, clock, name="Lê Văn Tám", id_number="036084001111")
    counter = ready(services, clock, postal=False, name="Phạm Thị Hoa", id_number="036084002222")
    open_one = services.dossiers.receive(
        make_draft(procedure_code=POSTAL, return_method=ReturnMethod.POSTAL, return_address=ADDRESS)
    ).code
    assert services.postal.counts().waiting == 2
    clock.set(datetime(2026, 3, 2, 14, 0))
    batch = services.postal.create_batch(
        waybills={a: "eb123456789vn"}, postal_employee="Đỗ Văn Hùng"
    )
    assert batch.number_text == "01/2026/BGBC" and batch.postal_employee == "Đỗ Văn Hùng"
    assert [i.dossier_code for i in batch.items] == [a, b]
    assert [i.waybill for i in batch.items] == ["EB123456789VN", ""] and batch.missing_waybills == 1
    for code in (a, b):
        d = services.dossiers.get(code)
        assert d.status is Status.RETURNED and d.returned_at == datetime(2026, 3, 2, 14, 0)
        assert d.returned_to == d.applicant.full_name and d.settled_at == datetime(2026, 3, 2, 9, 0)
        event = services.lifecycle.history(code)[-1]
        assert event.kind == Move.RETURNED.value and event.data["postal_batch"] == "01/2026/BGBC"
    assert services.lifecycle.history(a)[-1].data["waybill"] == "EB123456789VN"
    assert services.dossiers.get(counter).status is Status.RESULT_READY
    assert services.dossiers.get(open_one).status is Status.RECEIVED
    counts = services.postal.counts()
    assert (counts.waiting, counts.handed_over) == (0, 2)
    # Nothing left: a second list is refused; the next list of the year is number 02.
    with pytest.raises(ValidationError):
        services.postal.create_batch()
    c = ready(services, clock, name="Vũ Thị Lan", id_number="036084003333")
    clock.set(datetime(2026, 3, 2, 15, 30))
    assert services.postal.create_batch([c]).number_text == "02/2026/BGBC"


def test_batch_of_chosen_codes_refuses_wrong_ones_all_or_nothing(
    services: Services, clock: FixedClock
) -> None:
    a = ready(services, clock)
    counter = ready(services, clock, postal=False, name="Phạm Thị Hoa", id_number="036084002222")
    clock.set(datetime(2026, 3, 2, 14, 0))
    with pytest.raises(ValidationError) as e:
        services.postal.create_batch([a, counter, "X-260302-9999"])
    assert len(e.value.problems) == 2
    assert services.dossiers.get(a).status is Status.RESULT_READY
    with pytest.raises(ValidationError) as e:
        services.postal.create_batch([a], at=datetime(2026, 3, 2, 8, 30))  # before the result
    assert "trước bước gần nhất" in e.value.problems[0].message
    assert services.postal.batches() == []


def test_waybills_typed_later_and_duplicates_refused(services: Services, clock: FixedClock) -> None:
    a = ready(services, clock)
    b = ready(services, clock, name="Lê Văn Tám", id_number="036084001111")
    clock.set(datetime(2026, 3, 2, 14, 0))
    with pytest.raises(ValidationError) as e:  # the same number for two items of one list
        services.postal.create_batch(waybills={a: "EB123456789VN", b: "eb123456789VN"})
    assert "EB123456789VN" in e.value.problems[0].message
    services.postal.create_batch(waybills={a: "EB123456789VN"})
    item = services.postal.set_waybill(b, "  rr 473028561 vn ")  # as a scanner or a clerk types it
    assert item.waybill == "RR473028561VN" and item.state is PostalState.HANDED_OVER
    with pytest.raises(ValidationError) as e:
        services.postal.set_waybill(b, "EB123456789VN")
    assert e.value.field_messages()["waybill"].startswith(
        "Số hiệu bưu gửi EB123456789VN đã ghi cho hồ sơ " + a
    )
    assert services.postal.item("RR473028561VN").dossier_code == b
    assert services.lifecycle.history(b)[-1].kind == "postal_waybill"


# -- outcomes ----------------------------------------------------------------------------------


def test_delivered_failed_and_returned_updates(services: Services, clock: FixedClock) -> None:
    a = ready(services, clock)
    b = ready(services, clock, name="Lê Văn Tám", id_number="036084001111")
    clock.set(datetime(2026, 3, 2, 14, 0))
    services.postal.create_batch(waybills={a: "EB100000001VN", b: "EB100000002VN"})
    clock.set(datetime(2026, 3, 5, 16, 0))
    item = services.postal.update("EB100000001VN", "delivered", at=datetime(2026, 3, 4, 10, 30))
    assert item.state is PostalState.DELIVERED and item.delivered_at == datetime(2026, 3, 4, 10, 30)
    failed = services.postal.update("eb100000002vn", PostalState.FAILED, at=date(2026, 3, 3))
    assert failed.failed_at == datetime(2026, 3, 3, 0, 0)
    with pytest.raises(ValidationError) as e:  # delivered is final
        services.postal.update("EB100000001VN", "returned")
    assert "trạng thái cuối" in e.value.message
    with pytest.raises(ValidationError):  # in the future
        services.postal.update("EB100000002VN", "delivered", at=datetime(2026, 3, 6, 9, 0))
    with pytest.raises(ValidationError):  # before the handover
        services.postal.update("EB100000002VN", "delivered", at=datetime(2026, 3, 1, 9, 0))
    counts = services.postal.counts()
    assert (counts.delivered, counts.failed, counts.handed_over) == (1, 1, 0)
    assert [e.kind for e in services.lifecycle.history(a)][-1] == "postal_delivered"


def test_returned_to_the_office_goes_back_to_the_counter_and_history_keeps_everything(
    services: Services, clock: FixedClock
) -> None:
    code = ready(services, clock)
    clock.set(datetime(2026, 3, 2, 14, 0))
    services.postal.create_batch(waybills={code: "EB100000003VN"})
    timeliness = services.lifecycle.timeliness(services.dossiers.get(code))
    clock.set(datetime(2026, 3, 9, 9, 0))
    services.postal.update("EB100000003VN", "failed", at=datetime(2026, 3, 4, 9, 0))
    services.postal.update(
        "EB100000003VN", "failed", at=datetime(2026, 3, 5, 9, 0)
    )  # a second attempt
    item = services.postal.update("EB100000003VN", "Chuyển hoàn", at=datetime(2026, 3, 6, 15, 0))
    assert item.state is PostalState.RETURNED and item.returned_at == datetime(2026, 3, 6, 15, 0)
    d = services.dossiers.get(code)
    assert d.status is Status.RESULT_READY and d.return_method is ReturnMethod.COUNTER
    assert d.returned_at is None and d.returned_to == ""
    assert d.settled_at == datetime(2026, 3, 2, 9, 0)
    assert services.lifecycle.timeliness(d) == timeliness  # the classification never changes
    assert services.postal.waiting() == []  # not waiting for the post: waiting at the counter
    kinds = [e.kind for e in services.lifecycle.history(code)]
    assert kinds == [
        "received",
        "result-ready",
        "returned",
        "postal_failed",
        "postal_failed",
        "postal_returned",
    ]
    assert all(event_label(e) for e in services.lifecycle.history(code))
    # Returned at the counter in person, as any other result.
    outcome = services.lifecycle.move(
        code, MoveRequest(Move.RETURNED, taken_by="Nguyễn Thị Hồng Nhung")
    )
    assert outcome.dossier.status is Status.RETURNED
    assert services.postal.items_for(code)[0].state is PostalState.RETURNED


def test_counts_rows_per_tab(services: Services, clock: FixedClock) -> None:
    a = ready(services, clock)
    b = ready(services, clock, name="Lê Văn Tám", id_number="036084001111")
    clock.set(datetime(2026, 3, 2, 14, 0))
    services.postal.create_batch([a], waybills={a: "EB100000004VN"})
    assert [i.dossier_code for i in services.postal.items(PostalState.WAITING)] == [b]
    row = services.postal.items(PostalState.HANDED_OVER)[0]
    assert (row.dossier_code, row.batch_number, row.recipient_address, label(row.state)) == (
        a,
        "01/2026/BGBC",
        ADDRESS,
        "Đã giao bưu điện",
    )
    assert row.last_moment == datetime(2026, 3, 2, 14, 0)
    assert len(services.postal.items()) == 2


def test_items_handed_over_in_a_period(services: Services, clock: FixedClock) -> None:
    a = ready(services, clock)
    b = ready(services, clock, name="Lê Văn Tám", id_number="036084001111")
    clock.set(datetime(2026, 3, 2, 14, 0))
    services.postal.create_batch([a])
    clock.set(datetime(2026, 3, 3, 9, 0))
    services.postal.create_batch([b])
    between = services.postal.handed_over_between
    assert [i.dossier_code for i in between(datetime(2026, 3, 2), datetime(2026, 3, 4))] == [b, a]
    assert [i.dossier_code for i in between(datetime(2026, 3, 2), datetime(2026, 3, 3))] == [a]
    # The same rows a report would pick out of every item.
    handed = services.postal.items(PostalState.HANDED_OVER)
    assert between(datetime(2026, 3, 1), datetime(2026, 3, 4)) == handed


def test_postal_shares_for_a_period(services: Services, clock: FixedClock) -> None:
    services.dossiers.receive(
        make_draft(procedure_code=POSTAL, channel=Channel.POSTAL, postal_reference="EB200000001VN")
    )
    a = ready(services, clock)
    b = ready(services, clock, postal=False, name="Lê Văn Tám", id_number="036084001111")
    clock.set(datetime(2026, 3, 2, 14, 0))
    services.postal.create_batch()
    services.lifecycle.move(b, MoveRequest(Move.RETURNED))
    shares = services.postal.postal_shares(date(2026, 3, 1), date(2026, 3, 14))
    assert (shares.received_total, shares.received_by_post) == (3, 1)
    assert (shares.returned_total, shares.returned_by_post) == (2, 1)
    assert shares.returned_share == 0.5
    empty = services.postal.postal_shares(date(2026, 2, 1), date(2026, 2, 14))
    assert (empty.received_total, empty.returned_total, empty.received_share) == (0, 0, 0.0)
    assert a
    with pytest.raises(ValidationError):
        services.postal.postal_shares(date(2026, 3, 14), date(2026, 3, 1))
