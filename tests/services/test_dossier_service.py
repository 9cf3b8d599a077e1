"""Receiving dossiers through the service: codes, due dates, validation, search, corrections."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest

from tests.conftest import make_draft
from tthc_desk.domain.clock import FixedClock
from tthc_desk.domain.dossier import Channel, PaperItem, Person, ReturnMethod, Status
from tthc_desk.domain.errors import NotFoundError, ValidationError
from tthc_desk.domain.procedure import PaperKind
from tthc_desk.services.container import Services
from tthc_desk.services.dossier_service import DossierQuery


def _count(services: Services) -> int:
    return services.dossiers.count(DossierQuery())


def test_receive_gives_code_ledger_number_and_due(services: Services) -> None:
    d = services.dossiers.receive(make_draft())
    assert d.code == "000.17.22.H56-260302-0001"
    assert (d.ledger_book, d.ledger_number) == ("2026", 1)
    assert d.received_at == datetime(2026, 3, 2, 8, 0)
    # khai sinh: same day, received before 15:00 → end of the working day
    assert d.due_at == datetime(2026, 3, 2, 17, 0)
    assert d.status is Status.RECEIVED
    assert services.accounts.current is not None
    assert d.clerk_name == services.accounts.current.full_name == "Trần Thị Bình"
    # the procedure's required papers are the default checklist
    assert [p.name for p in d.papers] == [p.name for p in services.catalog.get("1.001193").papers]
    d2 = services.dossiers.receive(make_draft(procedure_code="2.001035"))
    assert d2.code.endswith("-260302-0002") and d2.ledger_number == 2
    assert d2.due_at == datetime(2026, 3, 4, 8, 0)  # 2 working days, same clock time


def test_sequence_restarts_each_day_but_ledger_runs_across_the_year(
    services: Services, clock: FixedClock
) -> None:
    services.dossiers.receive(make_draft())
    clock.set(datetime(2026, 3, 3, 9, 15))
    d = services.dossiers.receive(make_draft())
    assert d.code == "000.17.22.H56-260303-0001"
    assert d.ledger_number == 2


def test_texts_are_nfc_and_applicant_is_remembered(services: Services) -> None:
    nfd_name = "Nguye\u0302\u0303n Va\u0306n \u0110u\u031b\u0301c"  # "Nguyễn Văn Đức" decomposed
    person = Person(
        nfd_name, "079085001234", date(1985, 6, 1), "+84 912 345 678", "Thôn  Đông,   xã Yên"
    )
    d = services.dossiers.receive(make_draft(applicant=person))
    assert d.applicant.full_name == "Nguyễn Văn Đức"
    assert d.applicant.phone == "0912345678"
    assert d.applicant.address == "Thôn Đông, xã Yên"
    again = services.dossiers.find_applicant("079085001234")
    assert (
        again is not None
        and again.full_name == "Nguyễn Văn Đức"
        and again.birth_date == date(1985, 6, 1)
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"applicant": Person("Lê Văn Tám", "12345")}, "applicant.id_number"),
        ({"applicant": Person("Lê Văn Tám", "001190012345", phone="12345")}, "applicant.phone"),
        ({"applicant": Person("", "001190012345")}, "applicant.full_name"),
        ({"procedure_code": "9.999999"}, "procedure"),
        ({"received_at": datetime(2026, 3, 2, 9, 0)}, "received_at"),
        ({"received_at": datetime(2026, 2, 27, 9, 0)}, "backdate_reason"),
        ({"return_method": ReturnMethod.POSTAL}, "return_address"),
        ({"sets_count": 0}, "sets_count"),
        ({"papers": (PaperItem("Tờ khai", PaperKind.ORIGINAL, 0),)}, "papers"),
    ],
)
def test_bad_input_is_refused_and_nothing_written(
    services: Services, changes: dict, field: str
) -> None:
    with pytest.raises(ValidationError) as err:
        services.dossiers.receive(make_draft(**changes))
    assert field in err.value.field_messages()
    assert err.value.field_messages()[field]  # a Vietnamese message to show next to the field
    assert _count(services) == 0


def test_backdating_with_a_reason_is_recorded(services: Services) -> None:
    d = services.dossiers.receive(
        make_draft(
            received_at=datetime(2026, 2, 27, 16, 45), backdate_reason="Vào sổ giấy, nhập máy sau"
        )
    )
    assert d.code.endswith("-260227-0001")
    assert d.backdate_reason == "Vào sổ giấy, nhập máy sau"
    assert d.due_at == datetime(2026, 3, 2, 17, 0)  # after 15:00 on Friday → end of Monday


def test_due_override_needs_a_reason(services: Services) -> None:
    with pytest.raises(ValidationError) as err:
        services.dossiers.receive(make_draft(due_override=datetime(2026, 3, 6, 10, 0)))
    assert "due_override_reason" in err.value.field_messages()
    d = services.dossiers.receive(
        make_draft(due_override=datetime(2026, 3, 6, 10, 0), due_override_reason="Cần xác minh")
    )
    assert d.due_at == datetime(2026, 3, 6, 10, 0)


def test_postal_return_refused_for_procedures_that_forbid_it(services: Services) -> None:
    forbidding = [p for p in services.catalog.list() if not p.postal_return]
    assert forbidding, "the starter catalog should have procedures needing the applicant in person"
    with pytest.raises(ValidationError) as err:
        services.dossiers.receive(
            make_draft(
                procedure_code=forbidding[0].code,
                return_method=ReturnMethod.POSTAL,
                return_address="Số 1, phường Đồng Nguyên",
            )
        )
    assert "return_method" in err.value.field_messages()


def test_search_accentless_by_name_code_id_phone_and_procedure(services: Services) -> None:
    a = services.dossiers.receive(make_draft())
    b = services.dossiers.receive(
        make_draft(
            applicant=Person("Đặng Đức Đông", "036200009999", phone="0388777666"),
            procedure_code="2.001035",
            channel=Channel.DIRECT,
        )
    )
    find = lambda text: [r.code for r in services.dossiers.search(DossierQuery(text=text))]  # noqa: E731
    assert find("nguyen thi hong") == [a.code]
    assert find("dang duc dong") == [b.code]
    assert find("Đặng Đức") == [b.code]
    assert find(b.code) == [b.code]
    assert find("0388777") == [b.code]
    assert find("036200009999") == [b.code]
    assert find("khai sinh") == [a.code]
    assert set(find("")) == {a.code, b.code}
    assert find("zzzz") == []
    assert find("---") == []
    assert [
        r.code
        for r in services.dossiers.search(DossierQuery(status=Status.RECEIVED, field="Chứng thực"))
    ] == [b.code]
    assert services.dossiers.count(DossierQuery(date_from=date(2026, 3, 3))) == 0


def test_paging_backwards_from_the_newest(services: Services) -> None:
    codes = [services.dossiers.receive(make_draft()).code for _ in range(5)]
    first = services.dossiers.search(DossierQuery(limit=2))
    assert [r.code for r in first] == [codes[4], codes[3]]
    nxt = services.dossiers.search(DossierQuery(limit=2, before_id=first[-1].id))
    assert [r.code for r in nxt] == [codes[2], codes[1]]


def test_correction_keeps_old_and_new_values(services: Services) -> None:
    d = services.dossiers.receive(make_draft())
    fixed = services.dossiers.correct(
        d.code,
        {"applicant_phone": "0987 654 321", "applicant_name": "Nguyễn Thị Hồng Nhung"},
        "Ghi nhầm số điện thoại",
    )
    assert fixed.applicant.phone == "0987654321"
    assert len(fixed.corrections) == 1  # the unchanged name is not recorded
    c = fixed.corrections[0]
    assert (c.field, c.old_value, c.new_value, c.reason, c.by) == (
        "applicant_phone",
        "0912345678",
        "0987654321",
        "Ghi nhầm số điện thoại",
        "Trần Thị Bình",
    )
    assert [r.code for r in services.dossiers.search(DossierQuery(text="0987654"))] == [d.code]
    with pytest.raises(ValidationError):
        services.dossiers.correct(d.code, {"applicant_phone": "0987654322"}, "  ")
    with pytest.raises(ValidationError) as err:
        services.dossiers.correct(d.code, {"applicant_id_number": "12"}, "Sai số")
    assert "applicant_id_number" in err.value.field_messages()
    assert len(services.dossiers.get(d.code).corrections) == 1


def test_unknown_code(services: Services) -> None:
    with pytest.raises(NotFoundError):
        services.dossiers.get("000.17.22.H56-260302-9999")


def test_preview_matches_saved_due(services: Services) -> None:
    preview = services.dossiers.preview_due("2.001035", datetime(2026, 3, 2, 8, 0))
    d = services.dossiers.receive(replace(make_draft(), procedure_code="2.001035"))
    assert d.due_at == preview
