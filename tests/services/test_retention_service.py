"""Retention of the app's own files: exactly the old ones go, unsent reports and anything outside
the two folders stay, a dry run removes nothing, and a run that removes files is journalled."""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import TEST_PASSWORD
from tthc_desk.domain.access import SYSTEM
from tthc_desk.domain.clock import FixedClock
from tthc_desk.domain.errors import ForbiddenError, ValidationError
from tthc_desk.domain.outbox import OutboxState
from tthc_desk.domain.privacy import OUTPUT_DAYS_KEY, REPORTS_DAYS_KEY, Retention
from tthc_desk.services.container import Services
from tthc_desk.services.retention_service import LAST_CLEANUP_KEY


def put(path: Path, days_old: float, now: datetime, data: bytes | None = None) -> Path:
    """A file written ``days_old`` days before ``now``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if data is not None else path.name.encode())
    stamp = (now - timedelta(days=days_old)).timestamp()
    os.utime(path, (stamp, stamp))
    return path


def names(result_files: object) -> set[str]:
    return {f.relative for f in result_files}  # type: ignore[attr-defined]


def test_removes_exactly_the_files_past_their_time(services: Services, clock: FixedClock) -> None:
    now, p = clock.now(), services.paths
    old_report = put(p.reports_dir / "bao-cao-cu.xlsx", 91, now)
    young_report = put(p.reports_dir / "bao-cao-moi.xlsx", 89, now)
    old_pdf = put(p.output_dir / "giay-tiep-nhan-1.pdf", 31, now)
    nested_pdf = put(p.output_dir / "outbox" / "cu.xlsx", 45, now)
    young_pdf = put(p.output_dir / "giay-tiep-nhan-2.pdf", 29, now)
    elsewhere = put(p.data_dir / "backups" / "cu.bak", 400, now)
    result = services.retention.cleanup()
    assert names(result.removed) == {
        "reports/bao-cao-cu.xlsx",
        "output/giay-tiep-nhan-1.pdf",
        "output/outbox/cu.xlsx",
    }
    assert not old_report.exists() and not old_pdf.exists() and not nested_pdf.exists()
    assert young_report.exists() and young_pdf.exists() and elsewhere.exists()
    assert result.bytes == sum(len(x.name.encode()) for x in (old_report, old_pdf, nested_pdf))


def test_a_dry_run_removes_nothing_and_journals_nothing(
    services: Services, clock: FixedClock
) -> None:
    old = put(services.paths.output_dir / "cu.pdf", 60, clock.now())
    result = services.retention.cleanup(dry_run=True)
    assert names(result.removed) == {"output/cu.pdf"} and result.dry_run
    assert old.exists()
    assert services.settings.get_value(LAST_CLEANUP_KEY) is None


def test_a_report_the_outbox_has_not_sent_stays_whatever_its_age(
    services: Services, clock: FixedClock
) -> None:
    now, p = clock.now(), services.paths
    waiting = put(p.reports_dir / "tuan-09.xlsx", 200, now, b"waiting report bytes")
    copy = put(p.output_dir / "ban-sao.xlsx", 200, now, b"waiting report bytes")
    services.outbox.enqueue(waiting, kind="weekly", period_key="2026-W09", office_id="X1")
    result = services.retention.cleanup()
    assert waiting.exists() and copy.exists()
    assert set(result.kept_unsent) == {"reports/tuan-09.xlsx", "output/ban-sao.xlsx"}
    assert result.removed == ()


def test_a_sent_report_is_aged_from_when_it_was_sent(
    services: Services, data_dir: Path, clock: FixedClock
) -> None:
    now, p = clock.now(), services.paths
    recent = put(p.reports_dir / "tuan-01.xlsx", 150, now, b"sent last month")
    long_ago = put(p.reports_dir / "tuan-02.xlsx", 150, now, b"sent long ago")
    for period, path, sent_days_ago in (("2026-W01", recent, 30), ("2026-W02", long_ago, 100)):
        item = services.outbox.enqueue(path, kind="weekly", period_key=period, office_id="X1")
        with services.db.write() as uow:
            uow.outbox.mark_sent(item.id, at=now - timedelta(days=sent_days_ago), reply="250 OK")
    assert {x.state for x in services.outbox.items()} == {OutboxState.SENT}
    result = services.retention.cleanup()
    assert names(result.removed) == {"reports/tuan-02.xlsx"}
    assert recent.exists() and not long_ago.exists()


def test_zero_keeps_for_ever(services: Services, clock: FixedClock) -> None:
    services.retention.save(0, 0)
    old = put(services.paths.output_dir / "rat-cu.pdf", 3000, clock.now())
    assert services.retention.cleanup().removed == ()
    assert old.exists()


def test_a_link_out_of_the_folders_is_neither_followed_nor_removed(
    services: Services, tmp_path: Path, clock: FixedClock
) -> None:
    now = clock.now()
    outside = tmp_path / "ngoai"
    precious = put(outside / "quan-trong.pdf", 100, now)
    services.paths.output_dir.mkdir(parents=True, exist_ok=True)
    (services.paths.output_dir / "thu-muc-ngoai").symlink_to(outside, target_is_directory=True)
    (services.paths.output_dir / "tep-ngoai.pdf").symlink_to(precious)
    os.utime(services.paths.output_dir / "tep-ngoai.pdf", (0, 0), follow_symlinks=False)
    assert services.retention.cleanup().removed == ()
    assert precious.exists() and (services.paths.output_dir / "tep-ngoai.pdf").is_symlink()


def test_the_run_is_journalled_as_the_action(services: Services, clock: FixedClock) -> None:
    put(services.paths.output_dir / "cu.pdf", 31, clock.now())
    services.retention.cleanup()
    last = services.settings.get_value(LAST_CLEANUP_KEY)
    assert last["removed"] == 1 and last["files"] == ["output/cu.pdf"]
    entry = services.journal.entries()[0]
    assert entry.action == "dọn tệp cũ" and entry.actor == "binh"


def test_only_the_administrator_or_the_system_cleans(services: Services, clock: FixedClock) -> None:
    old = put(services.paths.output_dir / "cu.pdf", 31, clock.now())
    services.accounts.login("cuong", TEST_PASSWORD)
    with pytest.raises(ForbiddenError, match="dọn tệp cũ"):
        services.retention.cleanup()
    with pytest.raises(ForbiddenError):
        services.retention.save(10, 10)
    assert old.exists()
    with services.accounts.acting_as(SYSTEM):
        assert names(services.retention.cleanup().removed) == {"output/cu.pdf"}
    services.accounts.login("binh", TEST_PASSWORD)
    cleanups = [e for e in services.journal.entries() if e.action == "dọn tệp cũ"]
    assert [e.actor for e in cleanups] == ["system"]


@pytest.mark.parametrize("bad", ["abc", "-1", "1.5", "9999", ""])
def test_a_bad_value_is_refused_and_a_bad_stored_one_stops_the_run(
    services: Services, clock: FixedClock, bad: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        services.retention.save(bad, 30)
    assert "Số ngày giữ báo cáo" in refused.value.full_text()
    assert services.retention.retention() == Retention()  # nothing half-saved
    services.settings.set_value(REPORTS_DAYS_KEY, bad or "x")
    old = put(services.paths.output_dir / "cu.pdf", 31, clock.now())
    with pytest.raises(ValidationError, match="Số ngày giữ báo cáo"):
        services.retention.cleanup()
    assert old.exists()


def test_saved_days_are_used(services: Services, clock: FixedClock) -> None:
    assert services.retention.save("7", 60) == Retention(7, 60)
    assert services.settings.get_value(OUTPUT_DAYS_KEY) == 60
    now = clock.now()
    put(services.paths.reports_dir / "tuan.xlsx", 8, now)
    put(services.paths.output_dir / "cu.pdf", 40, now)
    assert names(services.retention.cleanup().removed) == {"reports/tuan.xlsx"}
