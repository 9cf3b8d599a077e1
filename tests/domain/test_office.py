"""Office rules without a database: hours, profile, staff, and their JSON form."""

from __future__ import annotations

from dataclasses import replace
from datetime import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tthc_desk.domain.errors import ValidationError
from tthc_desk.domain.office import (
    AGENCY_ID_MAX,
    DEMO_OFFICE,
    OfficeHours,
    OfficeProfile,
    Session,
    agency_id_problem,
    hours_from_data,
    hours_to_data,
    normalise_office,
    office_from_data,
    office_to_data,
    validate_hours,
    validate_office,
)

MORNING = Session(time(7, 30), time(11, 30))
AFTERNOON = Session(time(13, 30), time(17, 0))


def test_default_hours_and_profile_are_valid() -> None:
    validate_hours(OfficeHours())
    validate_office(DEMO_OFFICE)


def test_hours_name_the_weekday_of_each_problem() -> None:
    backwards = Session(time(11, 0), time(9, 0))
    overlapping = (MORNING, Session(time(11, 0), time(12, 0)))
    with pytest.raises(ValidationError) as err:
        validate_hours(OfficeHours({1: (backwards,), 3: overlapping, 6: (MORNING,)}))
    messages = err.value.field_messages()
    assert messages["hours.1"].startswith("Thứ Hai: giờ kết thúc 09:00 phải sau")
    assert messages["hours.3"] == "Thứ Tư: các buổi làm việc chồng lên nhau."
    assert "hours.6" not in messages


def test_hours_need_a_working_weekday() -> None:
    with pytest.raises(ValidationError) as err:
        validate_hours(OfficeHours({6: (MORNING,), 7: (AFTERNOON,)}))
    assert set(err.value.field_messages()) == {"hours"}


def test_office_profile_problems_by_field() -> None:
    bad = replace(DEMO_OFFICE, office_name="", agency_id="000 17-22", receipt_copies=6)
    with pytest.raises(ValidationError) as err:
        validate_office(bad)
    assert set(err.value.field_messages()) == {"office_name", "agency_id", "receipt_copies"}
    assert err.value.field_messages()["office_name"] == "Chưa nhập tên bộ phận một cửa."


def test_normalise_office_collapses_spaces_and_drops_empty_units() -> None:
    profile = replace(
        DEMO_OFFICE, office_name="  BỘ  PHẬN\tMỘT CỬA ", units=("  Phòng  A ", " ", "B")
    )
    clean = normalise_office(profile)
    assert clean.office_name == "BỘ PHẬN MỘT CỬA"
    assert clean.units == ("Phòng A", "B")
    assert clean.receipt_copies == profile.receipt_copies


def test_a_new_office_starts_empty_and_cannot_be_saved_so() -> None:
    with pytest.raises(ValidationError) as e:
        validate_office(OfficeProfile())
    fields = {p.field for p in e.value.problems}
    assert {"parent_authority", "office_name", "place_name", "agency_id", "head_name"} <= fields


_minutes = st.integers(min_value=0, max_value=24 * 60 - 1).map(lambda m: time(m // 60, m % 60))
_sessions = st.lists(st.builds(Session, _minutes, _minutes), max_size=3).map(tuple)


@given(
    st.dictionaries(st.integers(min_value=1, max_value=7), _sessions, max_size=7),
    _minutes,
)
def test_hours_survive_their_json_form(
    by_weekday: dict[int, tuple[Session, ...]], cutoff: time
) -> None:
    hours = OfficeHours(by_weekday, cutoff)
    assert hours_from_data(hours_to_data(hours)) == hours


def test_office_survives_its_json_form_and_ignores_unknown_keys() -> None:
    profile = replace(DEMO_OFFICE, units=("Phòng A",), receipt_copies=3)
    data = office_to_data(profile)
    assert data["units"] == ["Phòng A"]
    assert office_from_data({**data, "added_by_a_newer_version": 1}) == profile
    assert office_from_data({"office_name": "X"}) == replace(OfficeProfile(), office_name="X")


@pytest.mark.parametrize(
    "agency_id", ["000.17.22.H56", "000.00.11.H01", "H56.01", "a1.B2.c3", "0" * 19 + "." + "1" * 20]
)
def test_agency_ids_of_dot_separated_groups_are_accepted(agency_id: str) -> None:
    assert agency_id_problem(agency_id) is None


@pytest.mark.parametrize(
    ("agency_id", "says"),
    [
        ("", "Chưa nhập"),
        ("000 17 22 H56", "dấu cách"),
        ("000-17-22-H56", "gạch ngang"),
        ("00017H56", "nhóm chữ cái"),  # one group: no dot at all
        ("000..17.H56", "nhóm chữ cái"),
        (".000.17", "nhóm chữ cái"),
        ("000.17.", "nhóm chữ cái"),
        ("000.17.22.Đ56", "không dấu"),
        ("000/17/22/H56", "nhóm chữ cái"),
        ("0" * 20 + "." + "1" * 20, "dài quá 40"),
    ],
)
def test_agency_id_problems_say_what_is_wrong(agency_id: str, says: str) -> None:
    problem = agency_id_problem(agency_id)
    assert problem is not None and says in problem


_group = st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", min_size=1)


@given(st.lists(_group, min_size=2, max_size=6))
def test_an_agency_id_is_valid_exactly_when_its_groups_fit(groups: list[str]) -> None:
    agency_id = ".".join(groups)
    assert (agency_id_problem(agency_id) is None) == (len(agency_id) <= AGENCY_ID_MAX)
    # The same groups with a dash or a space anywhere are always refused.
    assert agency_id_problem(agency_id.replace(".", "-", 1)) is not None
    assert agency_id_problem(agency_id + " ") is not None


def test_validate_office_checks_the_agency_id_with_the_same_rule() -> None:
    with pytest.raises(ValidationError) as err:
        validate_office(replace(DEMO_OFFICE, agency_id="000.17.22.H56."))
    assert err.value.field_messages() == {"agency_id": agency_id_problem("000.17.22.H56.")}
    with pytest.raises(ValidationError) as err:
        validate_office(replace(DEMO_OFFICE, agency_id=""))
    assert err.value.field_messages() == {"agency_id": "Chưa nhập mã định danh cơ quan."}
