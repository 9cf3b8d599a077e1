"""The recovery key service: only the administrator makes the sheet (journalled, remembered in
the settings), the demo database has no key, and a copied key is checked against the file."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import TEST_PASSWORD, open_test_services
from tests.printing.support import pdf_text
from tthc_desk.db.stores.journal import JournalFilter
from tthc_desk.domain.clock import FixedClock
from tthc_desk.domain.errors import ForbiddenError, NotEncryptedError, ValidationError
from tthc_desk.domain.recovery_key import format_key
from tthc_desk.paths import AppPaths
from tthc_desk.services.container import DEMO_ACCOUNT, Services, open_services
from tthc_desk.services.recovery_service import PRINTING


@pytest.fixture
def office(data_dir: Path, clock: FixedClock) -> Iterator[Services]:
    svc = open_test_services(AppPaths(data_dir), clock, login="quantri")
    yield svc
    svc.close()


def _key(svc: Services) -> bytes:
    key = svc.db.key
    assert key is not None and svc.db.encrypted
    return key


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_the_administrator_prints_the_key_of_this_database(office: Services) -> None:
    assert office.recovery.available and office.recovery.sheet_needed()
    assert office.recovery.printed_at() is None
    text = pdf_text(office.recovery.sheet_pdf())
    for group in format_key(_key(office)).split("-"):
        assert group in text
    assert "Người in phiếu: Quản trị viên (tài khoản quantri)" in text
    assert "Ngày in: 02/03/2026, lúc 08:00" in text
    assert office.recovery.printed_at() == office.clock.now()
    assert not office.recovery.sheet_needed()
    [entry] = [
        e for e in office.journal.entries(JournalFilter(actor="quantri")) if e.action == PRINTING
    ]
    assert entry.kind == "change"


@pytest.mark.parametrize("username", ["cuong", "an"])
def test_a_clerk_or_the_head_cannot_print_it(office: Services, username: str) -> None:
    office.accounts.login(username, TEST_PASSWORD)
    with pytest.raises(ForbiddenError, match="Chỉ Quản trị được in phiếu khóa khôi phục"):
        office.recovery.sheet_pdf()
    with pytest.raises(ForbiddenError, match="kiểm tra khóa khôi phục"):
        office.recovery.check_key(format_key(_key(office)))
    assert office.recovery.printed_at() is None
    assert office.recovery.sheet_needed()  # the administrator is still reminded


def test_the_demo_database_has_no_key(tmp_path: Path, clock: FixedClock) -> None:
    svc = open_services(AppPaths(tmp_path / "demo"), clock, demo=True)
    try:
        svc.accounts.login(DEMO_ACCOUNT.username, DEMO_ACCOUNT.password)
        assert not svc.recovery.available and not svc.recovery.sheet_needed()
        with pytest.raises(NotEncryptedError, match="Dữ liệu mẫu không được mã hóa"):
            svc.recovery.sheet_pdf()
        with pytest.raises(NotEncryptedError, match="Dữ liệu mẫu không được mã hóa"):
            svc.recovery.check_key("0000")
    finally:
        svc.close()


def test_a_copied_key_is_checked_against_the_file(office: Services) -> None:
    written = format_key(_key(office))
    office.recovery.check_key(written)
    # Copied by hand: lower case, spaces for dashes, O for 0: still the key.
    office.recovery.check_key(written.lower().replace("-", " ").replace("0", "O"))
    with pytest.raises(ValidationError, match="không mở được cơ sở dữ liệu"):
        office.recovery.check_key(format_key(bytes(32)))
    typo = ("X" if written[0] != "X" else "Y") + written[1:]
    with pytest.raises(ValidationError, match="gõ sai"):
        office.recovery.check_key(typo)
    with pytest.raises(ValidationError, match="cần đủ 56 ký tự"):
        office.recovery.check_key(written[:-5])


# About the SQLite file itself (its key, copies, damage): not run on PostgreSQL.
pytestmark = pytest.mark.sqlite_only
