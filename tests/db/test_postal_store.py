"""The postal store on a real SQLite file: dossiers as the postal rules read them, handover
lists and items, outcomes, and the figures of a period."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest

from tests.conftest import make_draft
from tests.services.test_postal_service import ADDRESS, POSTAL, ready
from tthc_desk.domain.clock import FixedClock
from tthc_desk.domain.dossier import Channel, ReturnMethod, Status
from tthc_desk.domain.errors import ConflictError
from tthc_desk.domain.lifecycle import DossierEvent, Move
from tthc_desk.domain.postal import PostalDossier, PostalState
from tthc_desk.domain.postal_handover import Handover, WaybillOwner
from tthc_desk.domain.postal_return import ReturnContact
from tthc_desk.services.container import Services

HANDED = datetime(2026, 3, 2, 14, 0)


def hand_over(
    services: Services, dossiers: list[PostalDossier], at: datetime, waybills: list[str | None]
) -> int:
    """Put ``dossiers`` on a new list straight through the store; returns the list's id."""
    with services.db.write() as uow:
        number = uow.counters.next_value(f"postal_batch:{at.year}")
        batch_id = uow.postal.add_batch(at.year, number, at, "Lê Thị Mai", "Đỗ Văn Hùng")
        uow.postal.record_handovers(
            batch_id,
            [
                Handover(
                    d.id,
                    position,
                    waybill,
                    d.recipient_name,
                    d.return_address,
                    d.recipient_phone,
                    at,
                    Status.RETURNED,
                    DossierEvent(at, Move.RETURNED.value),
                )
                for position, (d, waybill) in enumerate(zip(dossiers, waybills, strict=True), 1)
            ],
        )
    return batch_id


def two_ready(services: Services, clock: FixedClock) -> list[PostalDossier]:
    codes = [
        ready(services, clock),
        ready(services, clock, name="Lê Văn Tám", id_number="036084001111"),
    ]
    with services.db.read() as uow:
        found = uow.postal.dossiers([*codes, "X-0"])
    assert set(found) == set(codes)  # the unknown code is left out
    return [found[c] for c in codes]


def test_dossiers_as_the_postal_rules_read_them(services: Services, clock: FixedClock) -> None:
    a, b = two_ready(services, clock)
    counter = ready(services, clock, postal=False, name="Phạm Thị Hoa", id_number="036084002222")
    with services.db.read() as uow:
        assert uow.postal.dossier(a.code) == a
        assert uow.postal.dossier("X-0") is None
        assert uow.postal.dossiers([]) == {}
        assert uow.postal.count_waiting() == 2
        assert [d.code for d in uow.postal.waiting()] == [a.code, b.code]
        assert [d.code for d in uow.postal.waiting(limit=1)] == [a.code]
        at_counter = uow.postal.dossier(counter)
    assert (a.status, a.return_method, a.return_address) == (
        Status.RESULT_READY,
        ReturnMethod.POSTAL,
        ADDRESS,
    )
    assert (a.applicant_name, a.recipient_name, a.settled_at) == (
        "Nguyễn Thị Hồng Nhung",
        "Nguyễn Thị Hồng Nhung",
        datetime(2026, 3, 2, 9, 0),
    )
    assert at_counter is not None and not at_counter.waiting_for_post


def test_return_contact_is_written(services: Services, clock: FixedClock) -> None:
    code = ready(services, clock, postal=False)
    with services.db.write() as uow:
        dossier = uow.postal.dossier(code)
        assert dossier is not None
        contact = ReturnContact(ReturnMethod.POSTAL, ADDRESS, "Trần Văn Bình", "0988123456")
        uow.postal.set_return_contact(dossier.id, contact)
    d = services.dossiers.get(code)
    assert (d.return_method, d.return_address, d.return_recipient, d.return_phone) == (
        ReturnMethod.POSTAL,
        ADDRESS,
        "Trần Văn Bình",
        "0988123456",
    )


def test_a_list_and_its_items(services: Services, clock: FixedClock) -> None:
    a, b = two_ready(services, clock)
    batch_id = hand_over(services, [a, b], HANDED, ["EB100000001VN", None])
    with services.db.read() as uow:
        batch = uow.postal.batch(batch_id)
        assert uow.postal.batch_id(1, 2026) == batch_id
        assert uow.postal.batch_id(2, 2026) is None and uow.postal.batch(batch_id + 1) is None
        assert uow.postal.count_waiting() == 0
        assert uow.postal.count_by_state() == {PostalState.HANDED_OVER: 2}
    assert batch is not None
    assert (batch.number_text, batch.created_by, batch.postal_employee) == (
        "01/2026/BGBC",
        "Lê Thị Mai",
        "Đỗ Văn Hùng",
    )
    first, second = batch.items
    assert (first.dossier_code, first.waybill, first.state) == (
        a.code,
        "EB100000001VN",
        PostalState.HANDED_OVER,
    )
    assert (second.dossier_code, second.waybill, second.batch_number) == (
        b.code,
        "",
        "01/2026/BGBC",
    )
    assert (first.recipient_address, first.handed_over_at, first.settled_at) == (
        ADDRESS,
        HANDED,
        datetime(2026, 3, 2, 9, 0),
    )
    d = services.dossiers.get(a.code)
    assert (d.status, d.returned_at, d.returned_to) == (
        Status.RETURNED,
        HANDED,
        "Nguyễn Thị Hồng Nhung",
    )


def test_items_newest_list_first_and_by_period(services: Services, clock: FixedClock) -> None:
    a, b = two_ready(services, clock)
    first = hand_over(services, [a], HANDED, ["EB100000001VN"])
    second = hand_over(services, [b], datetime(2026, 3, 3, 9, 0), [None])
    with services.db.read() as uow:
        newest = [i.dossier_code for i in uow.postal.items()]
        assert [i.dossier_code for i in uow.postal.items(limit=1)] == [b.code]
        assert uow.postal.items(PostalState.DELIVERED) == []
        day_one = uow.postal.handed_over_between(datetime(2026, 3, 2), datetime(2026, 3, 3))
        both = uow.postal.handed_over_between(HANDED, datetime(2026, 3, 3, 9, 1))
        to_the_minute = uow.postal.handed_over_between(HANDED, datetime(2026, 3, 3, 9, 0))
        batches = uow.postal.batches()
        assert uow.postal.batches(2025) == []
        assert [x.id for x in uow.postal.batches(2026)] == [second, first]
        assert [i.dossier_code for i in uow.postal.items_of(a.id)] == [a.code]
        assert uow.postal.item_by_waybill("EB100000001VN") == day_one[0]
        assert uow.postal.item_by_waybill("EB999999999VN") is None
    assert newest == [b.code, a.code]
    assert [i.dossier_code for i in day_one] == [a.code]
    assert [i.dossier_code for i in both] == [b.code, a.code]
    assert [i.dossier_code for i in to_the_minute] == [a.code]  # the end is excluded
    assert [x.number_text for x in batches] == ["02/2026/BGBC", "01/2026/BGBC"]
    assert [len(x.items) for x in batches] == [1, 1]


def test_tracked_items_waybills_and_outcomes(services: Services, clock: FixedClock) -> None:
    a, b = two_ready(services, clock)
    batch_id = hand_over(services, [a, b], HANDED, ["EB100000001VN", None])
    with services.db.read() as uow:
        tracked = uow.postal.tracked_by_waybill("EB100000001VN")
        assert uow.postal.tracked_by_waybill("EB999999999VN") is None
        many = uow.postal.tracked_by_waybills(["EB100000001VN", "EB999999999VN"])
        assert uow.postal.tracked_by_waybills([]) == {}
        latest_b = uow.postal.latest_tracked_of(b.id)
        assert uow.postal.latest_tracked_of(b.id + 100) is None
        owners = uow.postal.waybill_owners(["EB100000001VN", "EB999999999VN"])
        assert uow.postal.waybill_owners([]) == {}
    assert tracked is not None and latest_b is not None
    assert many == {"EB100000001VN": tracked}
    assert (tracked.dossier_id, tracked.dossier_status, tracked.dossier_returned_at) == (
        a.id,
        Status.RETURNED,
        HANDED,
    )
    assert tracked.dossier_return_method is ReturnMethod.POSTAL
    assert tracked.item_id == tracked.item.id
    assert owners == {"EB100000001VN": WaybillOwner(a.code, "01/2026/BGBC")}
    with services.db.read() as uow:  # an item never collides with itself
        assert uow.postal.waybill_owners(["EB100000001VN"], except_item=tracked.item_id) == {}

    with services.db.write() as uow:
        uow.postal.set_waybill(latest_b.item_id, "RR473028561VN")
    with pytest.raises(ConflictError) as e, services.db.write() as uow:
        uow.postal.set_waybill(latest_b.item_id, "EB100000001VN")
    assert "vừa được ghi cho một bưu gửi khác" in e.value.message

    delivered = replace(
        tracked.item, state=PostalState.DELIVERED, delivered_at=datetime(2026, 3, 4), note="ok"
    )
    with services.db.write() as uow:
        uow.postal.save_outcome(delivered)
        uow.postal.send_back(b.id, "UBND xã Đồng Nguyên")
    with services.db.read() as uow:
        batch = uow.postal.batch(batch_id)
        assert uow.postal.count_by_state() == {
            PostalState.DELIVERED: 1,
            PostalState.HANDED_OVER: 1,
        }
    assert batch is not None
    assert batch.items[0] == delivered
    assert batch.items[1].waybill == "RR473028561VN"
    back = services.dossiers.get(b.code)
    assert (back.status, back.return_method, back.returned_at, back.returned_to) == (
        Status.RESULT_READY,
        ReturnMethod.COUNTER,
        None,
        "",
    )
    assert back.current_unit == "UBND xã Đồng Nguyên"
    assert back.settled_at == datetime(2026, 3, 2, 9, 0)


def test_share_counts(services: Services, clock: FixedClock) -> None:
    services.dossiers.receive(
        make_draft(procedure_code=POSTAL, channel=Channel.POSTAL, postal_reference="EB200000001VN")
    )
    a, _ = two_ready(services, clock)
    hand_over(services, [a], HANDED, [None])
    with services.db.write() as uow:
        uow.events.append(a.id, DossierEvent(HANDED, Move.RETURNED.value))
    with services.db.read() as uow:
        counts = uow.postal.share_counts(datetime(2026, 3, 1), datetime(2026, 3, 3))
        empty = uow.postal.share_counts(datetime(2026, 2, 1), datetime(2026, 3, 1))
    assert counts == (3, 1, 1, 1)
    assert empty == (0, 0, 0, 0)
