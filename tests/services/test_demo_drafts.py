"""The demo's drafting rules, without a database: moments, appointments, statuses, people."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tthc_desk.domain.calendar import WorkCalendar, seed_exceptions
from tthc_desk.domain.deadlines import compute_due
from tthc_desk.domain.dossier import Channel, Status, id_number_problem, phone_problem
from tthc_desk.domain.office import DEMO_OFFICE, OfficeHours, OfficeProfile
from tthc_desk.domain.procedure import Duration, DurationUnit, Procedure
from tthc_desk.services.demo_drafts import (
    DueCache,
    draw_channel,
    draw_status,
    moments,
    span_years,
)
from tthc_desk.services.demo_people import People, commune

NOW = datetime(2026, 3, 2, 16, 20)
CUTOFF = time(15, 0)


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    years = range(2023, 2028)
    return WorkCalendar(OfficeHours(), [e for y in years for e in seed_exceptions(y)])


def test_moments_fall_in_office_hours_in_order_up_to_now(cal: WorkCalendar) -> None:
    got = list(moments(random.Random(3), cal, date(2025, 1, 1), NOW, 3000))
    assert len(got) == 3000
    assert got == sorted(got)
    assert all(cal.in_session(m) and m <= NOW for m in got)
    assert got[0].date() >= date(2025, 1, 2)  # 1 January is a holiday
    mornings = sum(m.hour < 12 for m in got)
    assert mornings > 0.5 * len(got)  # mornings are busier (and the morning is longer)


def test_same_seed_same_moments(cal: WorkCalendar) -> None:
    def draw(seed: int) -> list[datetime]:
        return list(moments(random.Random(seed), cal, date(2026, 1, 1), NOW, 200))

    assert draw(1) == draw(1) != draw(2)


def test_no_working_day_no_moments(cal: WorkCalendar) -> None:
    with pytest.raises(ValueError, match="no working day"):
        list(moments(random.Random(1), cal, date(2026, 2, 16), datetime(2026, 2, 20, 9), 5))


_in_session = st.builds(
    lambda day, minute: datetime(2026, 1, 1) + timedelta(days=day, minutes=minute),
    st.integers(min_value=0, max_value=364),
    st.integers(min_value=7 * 60 + 30, max_value=17 * 60),
)
_duration = st.one_of(
    st.just(Duration(0, DurationUnit.SAME_DAY)),
    st.builds(Duration, st.integers(min_value=1, max_value=30), st.just(DurationUnit.WORKING_DAYS)),
    st.builds(
        Duration, st.integers(min_value=1, max_value=40), st.just(DurationUnit.WORKING_HOURS)
    ),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_in_session, _duration), min_size=1, max_size=20))
def test_the_due_cache_agrees_with_the_real_rule(
    cal: WorkCalendar, cases: list[tuple[datetime, Duration]]
) -> None:
    cache = DueCache(cal, CUTOFF)  # asked twice: the second answer comes from the cache
    for received, duration in [*cases, *cases]:
        if cal.in_session(received):
            assert cache.due(duration, received) == compute_due(received, duration, cal, CUTOFF)


@pytest.mark.parametrize(
    "times",
    [("15:00", "15:01"), ("15:01", "15:00"), ("14:59", "15:00", "15:01"), ("11:30", "17:00")],
)
def test_the_due_cache_keeps_the_cutoff_and_session_edges(
    cal: WorkCalendar, times: tuple[str, ...]
) -> None:
    cache = DueCache(cal, CUTOFF)  # the first answer of a day must not stand for the others
    for text in times:
        received = datetime.combine(date(2026, 3, 2), time.fromisoformat(text))
        for duration in (
            Duration(0, DurationUnit.SAME_DAY),
            Duration(2, DurationUnit.WORKING_DAYS),
        ):
            assert cache.due(duration, received) == compute_due(received, duration, cal, CUTOFF)


def test_statuses_follow_the_age_of_the_dossier() -> None:
    rng = random.Random(7)
    just_in = {
        draw_status(rng, NOW - timedelta(hours=1), NOW + timedelta(days=3), NOW) for _ in range(200)
    }
    assert just_in == {Status.RECEIVED, Status.IN_PROGRESS}
    within = Counter(
        draw_status(rng, NOW - timedelta(days=2), NOW + timedelta(days=3), NOW) for _ in range(2000)
    )
    assert set(within) == {
        Status.RECEIVED,
        Status.IN_PROGRESS,
        Status.SUPPLEMENT,
        Status.RESULT_READY,
    }
    old = Counter(
        draw_status(rng, datetime(2025, 1, 2, 8), datetime(2025, 1, 9, 8), NOW) for _ in range(5000)
    )
    assert old.most_common(1)[0][0] is Status.RETURNED
    assert 0 < old[Status.IN_PROGRESS] < 0.01 * 5000  # forgotten for months: rare


def _procedure(online: bool, postal_return: bool) -> Procedure:
    return Procedure(
        "1.000001",
        "X",
        "Y",
        "",
        "",
        Duration(1, DurationUnit.WORKING_DAYS),
        0,
        0,
        postal_return,
        online,
    )


def test_channels_allowed_by_the_procedure() -> None:
    online, postal, counter_only = (
        _procedure(True, True),
        _procedure(False, True),
        _procedure(False, False),
    )
    assert [draw_channel(online, r) for r in (0.1, 0.8, 0.95)] == [
        Channel.DIRECT,
        Channel.ONLINE,
        Channel.POSTAL,
    ]
    assert [draw_channel(postal, r) for r in (0.1, 0.8, 0.96)] == [
        Channel.DIRECT,
        Channel.DIRECT,
        Channel.POSTAL,
    ]
    assert {draw_channel(counter_only, r / 10) for r in range(10)} == {Channel.DIRECT}


def test_span_years_grows_with_the_demo() -> None:
    assert [span_years(n) for n in (1, 100_000, 100_001, 450_000, 1_000_000)] == [2, 2, 3, 6, 6]


def test_people_have_valid_unique_id_numbers_never_taken_before() -> None:
    first = People(random.Random(1), DEMO_OFFICE, set())
    taken = {first.make(date(2026, 3, 2)).id_number for _ in range(50)}
    people = People(random.Random(1), DEMO_OFFICE, taken)  # same seed: same serials
    made = [people.make(date(2026, 3, 2)) for _ in range(3000)]
    numbers = [p.id_number for p in made]
    assert len(set(numbers)) == len(numbers) and not taken & set(numbers)
    for p in made:
        assert id_number_problem(p.id_number) is None and phone_problem(p.phone) is None
        assert p.id_number[4:6] == f"{p.birth_date.year % 100:02d}"
        assert p.address.endswith("phường Đồng Nguyên, tỉnh Bắc Ninh")


def test_commune_reads_the_unit_from_the_parent_authority() -> None:
    assert commune(DEMO_OFFICE) == ("phường", "Đồng Nguyên", "tỉnh Bắc Ninh")
    xa = OfficeProfile(parent_authority="UBND XÃ TAM SƠN", place_name="Tam Sơn", province="")
    assert commune(xa) == ("xã", "Tam Sơn", "")
