"""Fuzzing the edges of intake and the catalog (issue 11, "correct at every edge").

Valid input saves and round-trips through search and the printed receipt; invalid input (control,
bidi and zero-width characters, other scripts' digits where they do not belong, very long text,
moments and durations out of range) raises a ValidationError with a Vietnamese message and changes
no table (the journal is a table). The quick variants run in every suite; the ``slow`` ones try
many more examples.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import DEFAULT_NOW, make_draft
from tests.printing.support import pdf_text
from tests.services.gate_helpers import table_counts
from tthc_desk.domain.dossier import Person
from tthc_desk.domain.errors import ValidationError
from tthc_desk.domain.intake import EARLIEST_RECEIVED, FUTURE_TOLERANCE
from tthc_desk.domain.procedure import DURATION_MAX, Duration, DurationUnit
from tthc_desk.domain.text import ADDRESS_MAX, NAME_MAX, fold
from tthc_desk.services.container import Services
from tthc_desk.services.dossier_service import DossierQuery

QUICK = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
LONG = settings(QUICK, max_examples=300)

# -- strategies -------------------------------------------------------------------------------
_LETTERS = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
)
_WORD = st.text(alphabet=_LETTERS, min_size=1, max_size=7).map(str.capitalize)
NAMES = st.lists(_WORD, min_size=2, max_size=5).map(" ".join)
ADDRESSES = st.lists(
    st.one_of(_WORD, st.integers(1, 999).map(str), st.sampled_from([",", "/", "-"])),
    min_size=3,
    max_size=12,
).map(" ".join)

# Decimal digits as an input method may type them: ASCII, full-width, Arabic-Indic, Devanagari.
_SCRIPTS = ("0", "\uff10", "\u0660", "\u0966")
_DIGIT = st.tuples(st.integers(0, 9), st.sampled_from(_SCRIPTS)).map(
    lambda d: chr(ord(d[1]) + d[0])
)
ID_DIGITS = st.lists(st.integers(0, 9), min_size=12, max_size=12).map(
    lambda ds: "".join(map(str, ds))
)
PHONE_DIGITS = st.lists(st.integers(0, 9), min_size=9, max_size=9).map(
    lambda ds: "0" + "".join(map(str, ds))
)


@st.composite
def typed_digits(draw: st.DrawFn, digits: str) -> str:
    """``digits`` as typed with a mix of scripts."""
    out = []
    for ch in digits:
        out.append(chr(ord(draw(st.sampled_from(_SCRIPTS))) + int(ch)))
    return "".join(out)


# Characters no text may hold: controls (Cc), format characters (Cf: bidi, zero-width, BOM).
BAD_CHARS = st.one_of(
    st.sampled_from(
        [
            "\x00",
            "\x07",
            "\x1b",
            "\x7f",
            "\u200b",
            "\u200e",
            "\u202e",
            "\u2066",
            "\u2069",
            "\ufeff",
        ]
    ),
    st.characters(categories=["Cc", "Cf"]).filter(lambda c: not c.isspace()),
)


@st.composite
def with_bad_char(draw: st.DrawFn, text: str) -> str:
    at = draw(st.integers(0, len(text)))
    return text[:at] + draw(BAD_CHARS) + text[at:]


@st.composite
def valid_people(draw: st.DrawFn) -> tuple[Person, str, str]:
    """(person as typed, its ID number in ASCII, its phone in ASCII)."""
    id_number, phone = draw(ID_DIGITS), draw(PHONE_DIGITS)
    person = Person(
        full_name=draw(NAMES),
        id_number=draw(typed_digits(id_number)),
        phone=draw(typed_digits(phone)),
        address=draw(ADDRESSES),
    )
    return person, id_number, phone


@st.composite
def invalid_people(draw: st.DrawFn) -> tuple[Person, str]:
    """(a person with one wrong field, the field the refusal must name)."""
    person, _, _ = draw(valid_people())
    how = draw(
        st.sampled_from(
            [
                "name_char",
                "address_char",
                "name_long",
                "address_long",
                "id_char",
                "id_letters",
                "phone_char",
            ]
        )
    )
    if how == "name_char":
        return replace(person, full_name=draw(with_bad_char(person.full_name))), "full_name"
    if how == "address_char":
        return replace(person, address=draw(with_bad_char(person.address))), "address"
    if how == "name_long":
        # NAME_MAX // 2 + 1 words of one letter or more, one space apart: over NAME_MAX letters.
        words = draw(st.lists(_WORD, min_size=NAME_MAX // 2 + 1, max_size=NAME_MAX * 10))
        return replace(person, full_name=" ".join(words)), "full_name"
    if how == "address_long":
        return replace(person, address="Thôn Đông " * (ADDRESS_MAX // 10 + 1)), "address"
    if how == "id_char":
        return replace(person, id_number=draw(with_bad_char(person.id_number))), "id_number"
    if how == "id_letters":
        return replace(person, id_number="ＡＢ" + person.id_number[2:]), "id_number"
    return replace(person, phone=draw(with_bad_char(person.phone))), "phone"


# -- properties -------------------------------------------------------------------------------
def _valid_intake_round_trips(services: Services, typed: tuple[Person, str, str]) -> None:
    person, id_number, phone = typed
    saved = services.dossiers.receive(make_draft(applicant=person))
    assert saved.applicant.id_number == id_number and saved.applicant.phone == phone
    by_id = {r.code for r in services.dossiers.search(DossierQuery(text=person.id_number))}
    by_name = {r.code for r in services.dossiers.search(DossierQuery(text=fold(person.full_name)))}
    assert saved.code in by_id and saved.code in by_name
    again = services.dossiers.get(saved.code)
    assert again.applicant.full_name == saved.applicant.full_name
    receipt = pdf_text(services.printing.receipt_pdf(saved.code))
    assert id_number in receipt and saved.code in receipt
    assert " ".join(saved.applicant.full_name.split()) in receipt


def _invalid_intake_changes_nothing(
    services: Services, data_dir: Path, bad: tuple[Person, str]
) -> None:
    person, field = bad
    before = table_counts(data_dir)
    with pytest.raises(ValidationError) as err:
        services.dossiers.receive(make_draft(applicant=person))
    assert err.value.message.startswith("Chưa lưu được hồ sơ")
    assert f"applicant.{field}" in err.value.field_messages()
    assert "\n" not in err.value.field_messages()[f"applicant.{field}"]
    assert table_counts(data_dir) == before


@given(typed=valid_people())
@QUICK
def test_valid_people_save_and_round_trip_through_search_and_the_receipt(
    services: Services, typed: tuple[Person, str, str]
) -> None:
    _valid_intake_round_trips(services, typed)


@given(bad=invalid_people())
@QUICK
def test_invalid_people_are_refused_and_nothing_changes(
    services: Services, data_dir: Path, bad: tuple[Person, str]
) -> None:
    _invalid_intake_changes_nothing(services, data_dir, bad)


@pytest.mark.slow
@given(typed=valid_people())
@LONG
def test_valid_people_round_trip_long(services: Services, typed: tuple[Person, str, str]) -> None:
    _valid_intake_round_trips(services, typed)


@pytest.mark.slow
@given(bad=invalid_people())
@LONG
def test_invalid_people_change_nothing_long(
    services: Services, data_dir: Path, bad: tuple[Person, str]
) -> None:
    _invalid_intake_changes_nothing(services, data_dir, bad)


@given(received=st.datetimes(min_value=datetime(1800, 1, 1), max_value=datetime(2100, 12, 31)))
@QUICK
def test_receipt_moments_are_accepted_only_from_2000_until_now(
    services: Services, data_dir: Path, received: datetime
) -> None:
    draft = make_draft(received_at=received, backdate_reason="Vào sổ giấy trước, nhập máy sau")
    moment = received.replace(second=0, microsecond=0)
    ok = EARLIEST_RECEIVED <= moment <= DEFAULT_NOW + FUTURE_TOLERANCE
    before = table_counts(data_dir)
    try:
        saved = services.dossiers.receive(draft)
    except ValidationError as exc:
        assert not ok and "received_at" in exc.field_messages()
        assert table_counts(data_dir) == before
    else:
        assert ok and saved.received_at == moment


_UNITS = [u for u in DurationUnit if u is not DurationUnit.SAME_DAY]


@given(
    unit=st.sampled_from(_UNITS),
    value=st.one_of(st.integers(1, 3000), st.integers(3000, 10**15)),
    name=st.one_of(NAMES, NAMES.flatmap(with_bad_char)),
)
@QUICK
def test_catalog_rows_within_legal_bounds_are_saved_and_due_dates_stay_quick(
    services: Services, data_dir: Path, unit: DurationUnit, value: int, name: str
) -> None:
    proc = services.catalog.get("1.001193")
    changed = replace(proc, name=f"Thủ tục {name}", duration=Duration(value, unit))
    ok = value <= DURATION_MAX[unit] and name.isprintable()
    before = table_counts(data_dir)
    try:
        services.catalog.save(changed)
    except ValidationError as exc:
        assert not ok, exc.full_text()
        assert table_counts(data_dir) == before
        return
    assert ok
    saved = services.catalog.get("1.001193")
    assert saved.duration == Duration(value, unit)
    due = services.dossiers.preview_due("1.001193", DEFAULT_NOW)
    assert DEFAULT_NOW < due <= DEFAULT_NOW + timedelta(days=2 * 366)


@given(unit=st.sampled_from(_UNITS), value=st.integers(1, 10**15))
@QUICK
def test_a_due_date_of_any_stored_duration_is_computed_or_refused_never_walked(
    services: Services, unit: DurationUnit, value: int
) -> None:
    """An older catalog may hold any number; the due date is refused in Vietnamese, at once."""
    try:
        due = services.dossiers.due_for(Duration(value, unit), DEFAULT_NOW)
    except ValidationError as exc:
        assert value > DURATION_MAX[unit]
        assert "Thời hạn giải quyết" in exc.message
    else:
        assert value <= DURATION_MAX[unit]
        assert DEFAULT_NOW < due <= DEFAULT_NOW + timedelta(days=2 * 366)
