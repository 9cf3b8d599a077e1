"""The window checks the database file at start-up and daily, and says so when it is damaged."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import make_draft
from tests.services.test_health import NAMES, _overwrite_pages
from tests.ui.test_journal_gui import window_of
from tthc_desk.domain.dossier import Person
from tthc_desk.services.container import Services


def test_start_up_and_daily_checks_of_a_sound_file(qtbot, services: Services) -> None:  # type: ignore[no-untyped-def]
    window = window_of(qtbot, services, "cuong")
    window.background.check_database()  # synchronous runner: quick, then the full one (due)
    assert services.health.last is not None and services.health.last.full
    assert services.health.last_full_check() is not None
    assert not window.damage_banner.isVisibleTo(window)
    window.background.stop()


def test_a_damaged_file_raises_the_banner_for_everyone_and_stops_writes(  # type: ignore[no-untyped-def]
    qtbot, services: Services, data_dir: Path
) -> None:
    for i in range(150):
        first = NAMES[i % 10]
        services.dossiers.receive(
            make_draft(applicant=Person(full_name=f"Trần {first}", id_number=f"0011900{i:05d}"))
        )
    window = window_of(qtbot, services, "cuong")
    services.db.engine.dispose()  # checkpointed into the file; no page kept in a cache
    _overwrite_pages(data_dir / "tthc-desk.db", 0.5, pages=8)
    window.background.check_database()
    assert window.damage_banner.isVisibleTo(window)
    text = window.damage_banner.text_label.text()
    assert "bị hỏng" in text and "dừng ghi" in text
    window.background.stop()


# About the SQLite file itself (its key, copies, damage): not run on PostgreSQL.
pytestmark = pytest.mark.sqlite_only


def test_a_file_whose_office_moved_to_its_server_opens_read_only(  # type: ignore[no-untyped-def]
    qtbot, services: Services, data_dir: Path, clock
) -> None:
    """After ``db copy`` to the server (tests/cli/test_db.py makes a real one) the old file says
    where the office went, takes no new dossier, and offers no restore."""
    from tests.conftest import open_test_services
    from tthc_desk.domain.errors import DatabaseDamagedError
    from tthc_desk.domain.search import DossierQuery
    from tthc_desk.paths import AppPaths
    from tthc_desk.services.db_admin_service import MOVED_KEY

    services.dossiers.receive(make_draft())
    with services.db.write() as uow:
        uow.settings.put(
            MOVED_KEY,
            {
                "to": "PostgreSQL máy chủ 192.168.1.10:5432, cơ sở dữ liệu tthc",
                "at": "2026-03-02T09:00",
                "by": "Nguyễn Văn Quản",
            },
        )
    services.close()
    moved = open_test_services(AppPaths(data_dir), clock)
    try:
        window = window_of(qtbot, moved, "quantri")
        window.background.check_database()
        assert window.damage_banner.isVisibleTo(window)
        assert window.damage_banner.text_label.text().startswith(
            "Dữ liệu của cơ quan đã được chép lên PostgreSQL máy chủ 192.168.1.10:5432, cơ sở "
            "dữ liệu tthc lúc 09:00 02/03/2026 (Nguyễn Văn Quản); từ đó các quầy làm việc trên "
            "máy chủ."
        )
        assert not window.damage_banner.restore_button.isVisibleTo(window.damage_banner)
        window.background.stop()
        clerk = window_of(qtbot, moved, "cuong")
        with pytest.raises(DatabaseDamagedError) as refused:
            moved.dossiers.receive(make_draft())
        assert "Đặt máy này dùng máy chủ" in refused.value.message
        assert moved.dossiers.count(DossierQuery(text="nguyen")) == 1  # still there to look up
        clerk.background.stop()
    finally:
        moved.close()
