"""Intake rules without a database: normalising, checking a draft, the dossier it becomes."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tthc_desk.domain.dossier import Channel, DossierDraft, PaperItem, Person, ReturnMethod
from tthc_desk.domain.errors import ValidationError
from tthc_desk.domain.intake import (
    IntakeContext,
    check_draft,
    clean_person,
    code_counter,
    ledger_book,
    ledger_counter,
    new_dossier,
    normalise_draft,
    postal_recipient,
    received_event,
)
from tthc_desk.domain.procedure import (
    Duration,
    DurationUnit,
    PaperKind,
    Procedure,
    RequiredPaper,
)

NOW = datetime(2026, 3, 2, 8, 0)

PROCEDURE = Procedure(
    code="1.001193",
    name="Thủ tục đăng ký khai sinh",
    field="Hộ tịch",
    deciding_agency="UBND xã",
    handling_unit="Công chức Tư pháp - Hộ tịch",
    duration=Duration(0, DurationUnit.SAME_DAY),
    fee=0,
    charge=8000,
    postal_return=True,
    online=False,
    papers=(RequiredPaper("Tờ khai đăng ký khai sinh"), RequiredPaper("Giấy chứng sinh")),
    id=7,
)

APPLICANT = Person(
    "Nguyễn Thị Hồng Nhung",
    "001190012345",
    phone="0912345678",
    address="Số 5 ngõ 12 phố Đông Các, phường Đồng Nguyên",
)


def draft(**changes: object) -> DossierDraft:
    return replace(DossierDraft("1.001193", APPLICANT), **changes)  # type: ignore[arg-type]


def problems_of(d: DossierDraft, procedure: Procedure | None = PROCEDURE, lookup: str = "") -> dict:
    with pytest.raises(ValidationError) as err:
        check_draft(d, procedure, NOW, lookup)
    return err.value.field_messages()


# -- normalising ------------------------------------------------------------------------------
def test_people_are_cleaned_as_at_the_counter() -> None:
    p = clean_person(
        Person(
            " nguye\u0302\u0303n   va\u0306n  an ",
            "0011 9001 2345",
            None,
            "+84 912.345-678",
            "Thôn  Đông,   xã Yên",
            " Ten@Example.COM ",
        )
    )
    assert p == Person(
        "Nguyễn Văn An", "001190012345", None, "0912345678", "Thôn Đông, xã Yên", "ten@example.com"
    )
    # A name typed with capitals keeps them as typed.
    assert clean_person(Person("Lê văn Tám", "1")).full_name == "Lê văn Tám"


def test_normalise_drops_an_empty_authorised_person_and_truncates_the_moment() -> None:
    d = normalise_draft(
        draft(
            authorised=Person("  ", " "),
            received_at=datetime(2026, 3, 2, 7, 59, 42, 1234),
            postal_reference=" eb 1234 5678 9vn ",
            papers=(PaperItem("  Tờ   khai "),),
        )
    )
    assert d.authorised is None
    assert d.received_at == datetime(2026, 3, 2, 7, 59)
    assert d.postal_reference == "EB123456789VN"
    assert d.papers[0].name == "Tờ khai"
    kept = normalise_draft(draft(authorised=Person("", "036200009999")))
    assert kept.authorised is not None and kept.authorised.id_number == "036200009999"


vietnamese_text = st.text(
    alphabet=st.sampled_from(
        list("aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạềểễếệỳỹĐĂÂÊÔƠƯ 0123456789.-+()")
    ),
    max_size=30,
)
people = st.builds(
    Person,
    full_name=vietnamese_text,
    id_number=vietnamese_text,
    birth_date=st.none() | st.dates(),
    phone=vietnamese_text,
    address=vietnamese_text,
    email=vietnamese_text,
)
drafts = st.builds(
    DossierDraft,
    procedure_code=vietnamese_text,
    applicant=people,
    authorised=st.none() | people,
    return_address=vietnamese_text,
    note=vietnamese_text,
    backdate_reason=vietnamese_text,
    postal_reference=vietnamese_text,
    return_recipient=vietnamese_text,
    return_phone=vietnamese_text,
    received_at=st.none() | st.datetimes(),
)


@settings(max_examples=200, deadline=None)
@given(drafts)
def test_normalising_twice_changes_nothing_more(d: DossierDraft) -> None:
    once = normalise_draft(d)
    assert normalise_draft(once) == once


# -- checking ---------------------------------------------------------------------------------
def test_a_good_draft_passes() -> None:
    check_draft(normalise_draft(draft()), PROCEDURE, NOW)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"applicant": Person("Lê Văn Tám", "12345")}, "applicant.id_number"),
        ({"applicant": Person("Lê Văn Tám 2", "001190012345")}, "applicant.full_name"),
        ({"applicant": Person("Lê Văn Tám", "001190012345", phone="12345")}, "applicant.phone"),
        ({"applicant": Person("Lê Văn Tám", "001190012345", email="x@y")}, "applicant.email"),
        (
            {"applicant": Person("Lê Văn Tám", "001190012345", date(2027, 1, 1))},
            "applicant.birth_date",
        ),
        ({"authorised": Person("", "001190012345")}, "authorised.full_name"),
        ({"return_method": ReturnMethod.POSTAL}, "return_address"),
        (
            {
                "return_method": ReturnMethod.POSTAL,
                "return_address": "Số 1, phường Đồng Nguyên",
                "return_phone": "123",
            },
            "return_phone",
        ),
        ({"channel": Channel.POSTAL}, "postal_reference"),
        ({"channel": Channel.POSTAL, "postal_reference": "É1"}, "postal_reference"),
        ({"postal_reference": "EB123456789VN"}, "postal_reference"),
        ({"channel": Channel.ONLINE}, "channel"),
        ({"sets_count": 100}, "sets_count"),
        ({"fee_amount": -1}, "fee_amount"),
        ({"papers": (PaperItem(""),)}, "papers"),
        ({"papers": (PaperItem("Tờ khai", PaperKind.ORIGINAL, 0),)}, "papers"),
        ({"received_at": datetime(2026, 3, 2, 8, 2)}, "received_at"),
        ({"received_at": datetime(2026, 3, 2, 7, 44)}, "backdate_reason"),
        ({"due_override": datetime(2026, 3, 6, 10, 0)}, "due_override_reason"),
        (
            {"due_override": datetime(2026, 3, 2, 8, 0), "due_override_reason": "Cần xác minh"},
            "due_override",
        ),
        ({"procedure_code": ""}, "procedure"),
    ],
)
def test_each_problem_is_reported_next_to_its_field(changes: dict, field: str) -> None:
    messages = problems_of(normalise_draft(draft(**changes)))
    assert messages.get(field), messages


def test_tolerances_at_the_edges_pass() -> None:
    check_draft(draft(received_at=datetime(2026, 3, 2, 8, 1)), PROCEDURE, NOW)
    check_draft(draft(received_at=datetime(2026, 3, 2, 7, 45)), PROCEDURE, NOW)


def test_the_procedure_decides_postal_and_online_service() -> None:
    in_person = replace(PROCEDURE, postal_return=False)
    postal = draft(
        return_method=ReturnMethod.POSTAL, return_address="Số 1, phường Đồng Nguyên, tỉnh X"
    )
    assert "return_method" in problems_of(postal, in_person)
    sent = draft(channel=Channel.POSTAL, postal_reference="EB123456789VN")
    assert "channel" in problems_of(sent, in_person)
    check_draft(sent, PROCEDURE, NOW)
    check_draft(draft(channel=Channel.ONLINE), replace(PROCEDURE, online=True), NOW)
    assert "procedure" in problems_of(draft(), replace(PROCEDURE, active=False))


def test_a_missing_procedure_is_reported_with_the_catalogs_reason() -> None:
    messages = problems_of(draft(procedure_code="9.999999"), None, "Không có thủ tục mã …")
    assert messages["procedure"] == "Không có thủ tục mã …"


def test_every_problem_is_listed_at_once() -> None:
    with pytest.raises(ValidationError) as err:
        check_draft(draft(applicant=Person("", "1"), sets_count=0), PROCEDURE, NOW)
    assert {"applicant.full_name", "applicant.id_number", "sets_count"} <= set(
        err.value.field_messages()
    )


# Any text, and twelve digits of any script (fullwidth digits come from some input methods).
id_numbers = st.text(max_size=20) | st.text(
    alphabet=st.characters(categories=("Nd",)), min_size=12, max_size=12
)


@settings(max_examples=300, deadline=None)
@given(id_numbers)
def test_an_id_number_that_is_not_twelve_digits_is_never_accepted(raw: str) -> None:
    d = normalise_draft(draft(applicant=replace(APPLICANT, id_number=raw)))
    if re.fullmatch(r"[0-9]{12}", d.applicant.id_number):
        check_draft(d, PROCEDURE, NOW)
    else:
        assert "applicant.id_number" in problems_of(d)


# -- the dossier it becomes -------------------------------------------------------------------
CTX = IntakeContext(
    agency_id="000.17.22.H56",
    office_name="Bộ phận Một cửa",
    clerk="Trần Thị Bình",
    now=NOW,
    received_at=datetime(2026, 3, 2, 7, 50),
    computed_due_at=datetime(2026, 3, 2, 17, 0),
)


def test_new_dossier_takes_the_catalogs_papers_fees_and_numbers() -> None:
    new = new_dossier(draft(), PROCEDURE, CTX, sequence=7, ledger_number=41)
    assert new.code == "000.17.22.H56-260302-0007"
    assert (new.ledger_book, new.ledger_number) == ("2026", 41)
    assert [p.name for p in new.papers] == ["Tờ khai đăng ký khai sinh", "Giấy chứng sinh"]
    assert all(p.provided for p in new.papers)
    assert new.fee_amount == 8000
    assert new.due_at == new.computed_due_at == datetime(2026, 3, 2, 17, 0)
    assert (new.current_unit, new.clerk_name, new.created_at) == (
        "Bộ phận Một cửa",
        "Trần Thị Bình",
        NOW,
    )
    assert (new.return_address, new.return_recipient, new.return_phone) == ("", "", "")
    assert new.search_text == (
        "nguyen thi hong nhung 000.17.22.H56-260302-0007 001190012345 0912345678 "
        "1.001193 thu tuc dang ky khai sinh"
    )


def test_what_the_clerk_entered_wins() -> None:
    d = draft(
        papers=(PaperItem("Tờ khai", PaperKind.CERTIFIED, 2, False),),
        fee_amount=0,
        due_override=datetime(2026, 3, 6, 10, 0),
        due_override_reason="Cần xác minh",
        return_method=ReturnMethod.POSTAL,
        return_address="Số 1, phường Đồng Nguyên",
    )
    new = new_dossier(d, PROCEDURE, CTX, 1, 1)
    assert new.papers == (PaperItem("Tờ khai", PaperKind.CERTIFIED, 2, False),)
    assert new.fee_amount == 0
    assert new.due_at == datetime(2026, 3, 6, 10, 0)
    assert new.computed_due_at == datetime(2026, 3, 2, 17, 0)
    assert new.due_override_reason == "Cần xác minh"
    assert new.return_address == "Số 1, phường Đồng Nguyên"
    assert (new.return_recipient, new.return_phone) == ("Nguyễn Thị Hồng Nhung", "0912345678")
    # A reason typed without an override is not kept.
    assert (
        new_dossier(draft(due_override_reason="x"), PROCEDURE, CTX, 1, 1).due_override_reason == ""
    )


def test_postal_recipient_defaults() -> None:
    auth = Person("Lê Văn Tám", "036200009999", phone="0388777666")
    assert postal_recipient(draft()) == ("Nguyễn Thị Hồng Nhung", "0912345678")
    assert postal_recipient(draft(authorised=auth)) == ("Lê Văn Tám", "0388777666")
    no_phone = replace(auth, phone="")
    assert postal_recipient(draft(authorised=no_phone)) == ("Lê Văn Tám", "0912345678")
    typed = draft(authorised=auth, return_recipient="Bà Hoa", return_phone="0977000111")
    assert postal_recipient(typed) == ("Bà Hoa", "0977000111")
    assert postal_recipient(draft(return_recipient="Bà Hoa")) == ("Bà Hoa", "0912345678")


def test_counters_and_the_received_event() -> None:
    assert code_counter("000.17.22.H56", datetime(2026, 3, 2, 7, 50)) == "code:000.17.22.H56:260302"
    assert ledger_counter(ledger_book(datetime(2026, 12, 31, 23, 0))) == "ledger:2026"
    d = draft(
        channel=Channel.POSTAL,
        postal_reference="EB123456789VN",
        backdate_reason="Vào sổ giấy trước",
    )
    ev = received_event(new_dossier(d, PROCEDURE, CTX, 1, 1))
    assert (ev.at, ev.kind, ev.actor) == (CTX.received_at, "received", "Trần Thị Bình")
    assert (ev.from_unit, ev.to_unit) == ("Nguyễn Thị Hồng Nhung", "Bộ phận Một cửa")
    assert ev.note == "Nhập lùi: Vào sổ giấy trước"
    assert ev.data == {
        "channel": "postal",
        "return_method": "counter",
        "postal_reference": "EB123456789VN",
    }
    assert received_event(new_dossier(draft(), PROCEDURE, CTX, 1, 1)).data == {
        "channel": "direct",
        "return_method": "counter",
    }


phones = st.text(alphabet=st.sampled_from(list("0123456789０９٠ +.-()84")), max_size=16)


@settings(max_examples=300, deadline=None)
@given(phones)
def test_an_accepted_phone_is_ten_ascii_digits_from_zero(raw: str) -> None:
    d = normalise_draft(draft(applicant=replace(APPLICANT, phone=raw)))
    phone = d.applicant.phone
    if phone == "" or re.fullmatch(r"0[0-9]{9}", phone):
        check_draft(d, PROCEDURE, NOW)
    else:
        assert "applicant.phone" in problems_of(d)
