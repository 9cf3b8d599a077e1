"""Correction rules without a database: which fields, how values are checked, what is kept."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tthc_desk.domain.corrections import (
    CorrectableField,
    check_request,
    clean_changes,
    corrections_between,
    show,
)
from tthc_desk.domain.dossier import Correction, ReturnMethod
from tthc_desk.domain.errors import ValidationError
from tthc_desk.presentation import label as label_of

AT = datetime(2026, 3, 3, 9, 0)
COUNTER, POSTAL = ReturnMethod.COUNTER, ReturnMethod.POSTAL


def refused(changes: dict, method: ReturnMethod = COUNTER) -> dict[str, str]:
    with pytest.raises(ValidationError) as err:
        clean_changes(changes, method)
    return err.value.field_messages()


def test_a_correction_needs_a_reason_and_known_fields() -> None:
    assert check_request({"note": "x"}, "  Ghi   nhầm ") == "Ghi nhầm"
    with pytest.raises(ValidationError) as err:
        check_request({"note": "x"}, "   ")
    assert "reason" in err.value.field_messages()
    with pytest.raises(ValidationError) as err:
        check_request({"status": "returned", "code": "x"}, "Sai")
    assert err.value.message == "Không sửa được mục: code, status."


def test_values_are_normalised_as_at_intake() -> None:
    cleaned = clean_changes(
        {
            "applicant_phone": "+84 987 654 321",
            "applicant_id_number": "0011 9001 2345",
            "authorised_id_number": "",
            "applicant_email": " Ten@Example.COM",
            "applicant_name": "  Nguyễn   Văn  An ",
            "note": None,
            "sets_count": "2",
            "fee_amount": 0,
            "applicant_birth_date": " 01/06/1985 ",
        },
        COUNTER,
    )
    assert cleaned == {
        "applicant_phone": "0987654321",
        "applicant_id_number": "001190012345",
        "authorised_id_number": "",
        "applicant_email": "ten@example.com",
        "applicant_name": "Nguyễn Văn An",
        "note": "",
        "sets_count": 2,
        "fee_amount": 0,
        "applicant_birth_date": date(1985, 6, 1),
    }
    assert clean_changes({"applicant_birth_date": ""}, COUNTER) == {"applicant_birth_date": None}
    born = date(1990, 1, 2)
    assert clean_changes({"applicant_birth_date": born}, COUNTER) == {"applicant_birth_date": born}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"sets_count": "hai"}, "sets_count"),
        ({"sets_count": 0}, "sets_count"),
        ({"fee_amount": -5}, "fee_amount"),
        ({"fee_amount": None}, "fee_amount"),
        ({"applicant_birth_date": "1985-06-01"}, "applicant_birth_date"),
        ({"applicant_phone": "12345"}, "applicant_phone"),
        ({"return_phone": "abc"}, "return_phone"),
        ({"applicant_id_number": ""}, "applicant_id_number"),
        ({"authorised_id_number": "123"}, "authorised_id_number"),
        ({"applicant_email": "x@y"}, "applicant_email"),
        ({"applicant_name": "   "}, "applicant_name"),
    ],
)
def test_bad_values_are_refused_next_to_their_field(changes: dict, field: str) -> None:
    assert refused(changes).get(field)


def test_the_postal_address_and_recipient_matter_only_for_return_by_post() -> None:
    changes = {"return_address": "Xã A", "return_recipient": " "}
    assert clean_changes(changes, COUNTER) == {"return_address": "Xã A", "return_recipient": ""}
    assert set(refused(changes, POSTAL)) == {"return_address", "return_recipient"}


def test_every_problem_is_listed_at_once() -> None:
    messages = refused({"sets_count": "x", "applicant_phone": "1", "applicant_email": "@"})
    assert set(messages) == {"sets_count", "applicant_phone", "applicant_email"}


def test_only_changed_fields_are_recorded_old_and_new_as_shown() -> None:
    before = {"applicant_phone": "0912345678", "applicant_name": "An", "applicant_birth_date": None}
    cleaned = {
        "applicant_phone": "0987654321",
        "applicant_name": "An",
        "applicant_birth_date": date(1985, 6, 1),
    }
    found = corrections_between(before, cleaned, AT, "Trần Thị Bình", "Ghi nhầm")
    assert found == (
        Correction(AT, "Trần Thị Bình", "applicant_phone", "0912345678", "0987654321", "Ghi nhầm"),
        Correction(AT, "Trần Thị Bình", "applicant_birth_date", "", "01/06/1985", "Ghi nhầm"),
    )
    with pytest.raises(ValidationError) as err:
        corrections_between(before, {"applicant_name": "An"}, AT, "x", "y")
    assert "changes" in err.value.field_messages()


def test_show() -> None:
    assert (show(None), show(date(2026, 3, 2)), show(3), show("x")) == ("", "02/03/2026", "3", "x")


def test_every_correctable_field_has_a_label() -> None:
    assert all(label_of(f) for f in CorrectableField)


values = st.one_of(
    st.none(),
    st.integers(-5, 200),
    st.text(alphabet=st.sampled_from(list("0123456789 +.-/@aĐđé")), max_size=15),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2030, 1, 1)),
)


@settings(max_examples=300, deadline=None)
@given(
    changes=st.dictionaries(
        st.sampled_from(sorted(f.value for f in CorrectableField)), values, max_size=6
    ),
    method=st.sampled_from(list(ReturnMethod)),
)
def test_cleaning_a_cleaned_value_changes_nothing(changes: dict, method: ReturnMethod) -> None:
    try:
        cleaned = clean_changes(changes, method)
    except ValidationError:
        return
    assert set(cleaned) == set(changes)
    assert clean_changes(cleaned, method) == cleaned
