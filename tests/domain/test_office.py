"""Office rules without a database: hours, profile, staff, and their JSON form."""

from __future__ import annotations

from dataclasses import replace
from datetime import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tthc_desk.domain.errors import ValidationError
from tthc_desk.domain.office import (
    OfficeHours,
    OfficeProfile,
    Session,
    StaffMember,
    clean_staff,
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
    validate_office(OfficeProfile())


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
    bad = replace(OfficeProfile(), office_name="", agency_id="000 17-22", receipt_copies=6)
    with pytest.raises(ValidationError) as err:
        validate_office(bad)
    assert set(err.value.field_messages()) == {"office_name", "agency_id", "receipt_copies"}
    assert err.value.field_messages()["office_name"] == "Chưa nhập tên bộ phận một cửa."


def test_normalise_office_collapses_spaces_and_drops_empty_units() -> None:
    profile = replace(
        OfficeProfile(), office_name="  BỘ  PHẬN\tMỘT CỬA ", units=("  Phòng  A ", " ", "B")
    )
    clean = normalise_office(profile)
    assert clean.office_name == "BỘ PHẬN MỘT CỬA"
    assert clean.units == ("Phòng A", "B")
    assert clean.receipt_copies == profile.receipt_copies


def test_clean_staff_tidies_names_and_refuses_duplicates_or_no_clerk() -> None:
    members = [StaffMember("  Trần  Thị Bình "), StaffMember(" "), StaffMember("An", "head")]
    assert clean_staff(members) == [StaffMember("Trần Thị Bình"), StaffMember("An", "head")]
    with pytest.raises(ValidationError, match="trùng: Bình"):
        clean_staff([StaffMember("Bình"), StaffMember(" Bình")])
    with pytest.raises(ValidationError, match="ít nhất một cán bộ tiếp nhận"):
        clean_staff([StaffMember("Bình", active=False), StaffMember("An", "head")])


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
    profile = replace(OfficeProfile(), units=("Phòng A",), receipt_copies=3)
    data = office_to_data(profile)
    assert data["units"] == ["Phòng A"]
    assert office_from_data({**data, "added_by_a_newer_version": 1}) == profile
    assert office_from_data({"office_name": "X"}) == replace(
        OfficeProfile(), office_name="X", units=()
    )
