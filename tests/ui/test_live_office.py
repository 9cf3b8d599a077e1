"""The live office: window B (another counter PC) shows what counter A saves, within seconds and
without a restart, and keeps B's place: the selected dossier, the rows scrolled to, the form being
typed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import make_draft
from tests.second_pc import open_second_pc
from tests.ui.keys import type_text
from tthc_desk.domain.clock import FixedClock
from tthc_desk.domain.dossier import Person
from tthc_desk.domain.lifecycle import LetterStatus
from tthc_desk.services.container import Services
from tthc_desk.services.deadline_service import DeadlineView
from tthc_desk.ui.main_window import LETTERS, LIST, MainWindow
from tthc_desk.ui.tasks import TaskRunner

SOON_MS = 6000
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi")
GIVEN = ("An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Khánh", "Linh", "Minh", "Ngọc")


def _person(n: int) -> Person:
    name = f"{FAMILY[n % len(FAMILY)]} Văn {GIVEN[n // len(FAMILY) % len(GIVEN)]}"
    return Person(name, f"0011900{n:05d}", phone="0912345678")


def _receive(svc: Services, n: int) -> str:
    return svc.dossiers.receive(make_draft(applicant=_person(n))).code


@pytest.fixture
def other(data_dir: Path, database_url: str | None, clock: FixedClock) -> Iterator[Services]:
    svc = open_second_pc(data_dir, database_url, clock)
    yield svc
    svc.close()


def _window(qtbot, svc: Services) -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(svc, TaskRunner(synchronous=True))
    qtbot.addWidget(window)  # closed at the end: the watch stops with the window
    window.show()
    qtbot.waitExposed(window)
    return window


def _shown(window: MainWindow) -> list[str]:
    page = window.dossier_list
    return [page.model.row_at(r).code for r in range(page.model.rowCount())]


def test_window_b_shows_a_dossier_saved_on_pc_a_and_keeps_its_selection(
    qtbot, services: Services, other: Services, clock: FixedClock
) -> None:  # type: ignore[no-untyped-def]
    codes = [_receive(services, n) for n in range(3)]
    window = _window(qtbot, other)
    window.show_page(LIST)
    page = window.dossier_list
    assert _shown(window) == list(reversed(codes))
    page.view.selectRow(2)  # the oldest: not the row a fresh load selects
    assert page.selected_code() == codes[0]
    window.office_watch.start()

    clock.set(clock.now() + timedelta(minutes=5))
    new = _receive(services, 3)  # counter A saves
    qtbot.waitUntil(lambda: new in _shown(window), timeout=SOON_MS)
    assert _shown(window) == [new, *reversed(codes)]
    assert page.selected_code() == codes[0]  # B's selection stays
    assert page.count_label.text() == "4 hồ sơ mới nhất"


def test_the_form_being_typed_and_the_place_in_a_long_list_stay(
    qtbot, services: Services, other: Services, clock: FixedClock
) -> None:  # type: ignore[no-untyped-def]
    codes = [_receive(services, n) for n in range(40)]
    window = _window(qtbot, other)
    window.resize(1100, 640)
    window.show_page(LIST)
    page = window.dossier_list
    qtbot.waitUntil(lambda: page.view.rowAt(0) == 0)
    page.view.scrollTo(page.model.index(20, 0), page.view.ScrollHint.PositionAtTop)
    top = page.model.row_at(page.view.rowAt(0)).code
    assert page.view.rowAt(0) > 0
    page.view.selectRow(page.view.rowAt(0) + 2)
    chosen = page.selected_code()
    # The clerk at B types a citizen's name on the intake page (then looks at the list).
    window.show_page(0)
    type_text(window.intake.applicant.full_name, "Đỗ Thị Hạnh")
    window.show_page(LIST)
    window.office_watch.start()

    clock.set(clock.now() + timedelta(minutes=5))
    new = [_receive(services, n) for n in (40, 41)]  # two saves at A
    qtbot.waitUntil(lambda: set(new) <= set(_shown(window)), timeout=SOON_MS)
    assert len(_shown(window)) == len(codes) + 2
    assert page.model.row_at(page.view.rowAt(0)).code == top  # not pushed down by the new rows
    assert page.selected_code() == chosen
    assert window.intake.applicant.full_name.text() == "Đỗ Thị Hạnh"  # never touched


def test_a_hidden_list_and_the_letters_page_follow_too(
    qtbot, services: Services, other: Services, clock: FixedClock
) -> None:  # type: ignore[no-untyped-def]
    late = _receive(services, 1)
    window = _window(qtbot, other)
    window.show_page(LIST)  # loaded once, then the clerk goes to the apology letters
    window.show_page(LETTERS)
    letters = window.letters
    assert letters.model.rowCount() == 0
    window.office_watch.start()

    # Counter A drafts the apology letter of a dossier now late.
    clock.set(datetime(2026, 3, 20, 8, 0))
    assert services.apologies.scan() >= 1
    qtbot.waitUntil(lambda: letters.model.rowCount() >= 1, timeout=SOON_MS)
    assert letters.model.letter_at(0).dossier_code == late
    assert letters.model.letter_at(0).status is LetterStatus.DRAFT
    qtbot.waitUntil(lambda: window.draft_letters == letters.model.rowCount(), timeout=SOON_MS)

    # The list, hidden meanwhile, shows A's next dossier when the clerk comes back to it.
    new = _receive(services, 2)
    qtbot.waitUntil(lambda: window.dossier_list._stale, timeout=SOON_MS)
    window.show_page(LIST)
    assert new in _shown(window)


def test_a_counters_own_save_is_not_refreshed_twice(qtbot, services: Services) -> None:  # type: ignore[no-untyped-def]
    window = _window(qtbot, services)
    window.office_watch.start()
    with qtbot.assertNotEmitted(window.office_watch.office_changed, wait=3500):
        _receive(services, 1)


def test_the_attention_page_on_screen_follows_and_keeps_its_selection(
    qtbot, services: Services, other: Services, clock: FixedClock
) -> None:  # type: ignore[no-untyped-def]
    first = [_receive(services, n) for n in range(2)]
    clock.set(datetime(2026, 3, 20, 8, 0))  # both are late now
    window = _window(qtbot, other)
    window.show_attention(DeadlineView.OVERDUE.value)
    page = window.attention
    assert sorted(r.code for r in page.rows()) == sorted(first)
    page.table.selectRow(1)
    chosen = page.proxy.row_at(1).code
    window.office_watch.start()

    clock.set(datetime(2026, 3, 2, 9, 0))  # counter A saves one more received that morning …
    late = _receive(services, 2)
    clock.set(datetime(2026, 3, 20, 8, 0))  # … which B's page, on screen, shows as late too
    qtbot.waitUntil(lambda: late in [r.code for r in page.rows()], timeout=SOON_MS)
    assert page.proxy.row_at(page.table.currentIndex().row()).code == chosen
    assert [
        page.proxy.row_at(i.row()).code for i in page.table.selectionModel().selectedRows()
    ] == [chosen]
