"""Accounts against a real SQLite file: login, lock-out, temporary passwords, administration."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest

from tests.conftest import TEST_PASSWORD, make_draft, open_test_services
from tests.db.old_databases import before_accounts
from tthc_desk.domain.access import LockOut, NewAccount, Role
from tthc_desk.domain.clock import FixedClock
from tthc_desk.domain.errors import (
    ConflictError,
    ForbiddenError,
    LoginError,
    SetupRequiredError,
    ValidationError,
)
from tthc_desk.domain.office import DEMO_OFFICE, OfficeHours, Session
from tthc_desk.paths import AppPaths
from tthc_desk.services.container import Services, open_services


def test_login_sets_the_person_and_a_wrong_password_does_not(services: Services) -> None:
    services.accounts.logout()
    assert services.accounts.current is None
    with pytest.raises(LoginError, match="Sai tên đăng nhập hoặc mật khẩu"):
        services.accounts.login("cuong", "sai-mat-khau")
    with pytest.raises(LoginError, match="Sai tên đăng nhập hoặc mật khẩu"):
        services.accounts.login("khong-co", TEST_PASSWORD)
    account = services.accounts.login("  Cuong ", TEST_PASSWORD)
    assert account.full_name == "Lê Văn Cường"
    assert services.accounts.current is not None
    assert services.accounts.current.roles == {Role.CLERK}


def test_five_wrong_passwords_lock_for_five_minutes(services: Services, clock: FixedClock) -> None:
    for _ in range(4):
        with pytest.raises(LoginError, match="Sai tên đăng nhập"):
            services.accounts.login("cuong", "sai-mat-khau")
    with pytest.raises(LoginError, match="bị khóa tạm thời đến 08:05"):
        services.accounts.login("cuong", "sai-mat-khau")
    with pytest.raises(LoginError, match="đang bị khóa"):
        services.accounts.login("cuong", TEST_PASSWORD)  # even the right one, for now
    clock.set(clock.now() + timedelta(minutes=5))
    assert services.accounts.login("cuong", TEST_PASSWORD).username == "cuong"


def test_a_clerk_cannot_administer_and_nobody_logged_in_cannot_receive(
    services: Services,
) -> None:
    services.accounts.login("cuong", TEST_PASSWORD)
    with pytest.raises(ForbiddenError, match="Chỉ Quản trị"):
        services.accounts.add("moi", "Người Mới", frozenset({Role.CLERK}), "mat-khau-2")
    with pytest.raises(ForbiddenError):
        services.settings.save_office(DEMO_OFFICE)
    services.accounts.logout()
    with pytest.raises(Exception, match="Cần đăng nhập để tiếp nhận hồ sơ"):
        services.dossiers.receive(make_draft())


def test_temporary_password_must_be_changed_before_working(services: Services) -> None:
    services.accounts.add("moi", "Người Mới", frozenset({Role.CLERK}), "tam-thoi-1")
    services.accounts.login("moi", "tam-thoi-1")
    assert services.accounts.must_change_password
    with pytest.raises(ForbiddenError, match="đổi mật khẩu tạm thời"):
        services.dossiers.receive(make_draft())
    with pytest.raises(ValidationError, match="ít nhất 8"):
        services.accounts.change_password("tam-thoi-1", "ngan")
    with pytest.raises(ValidationError, match="không đúng"):
        services.accounts.change_password("sai", "mat-khau-moi")
    services.accounts.change_password("tam-thoi-1", "mat-khau-moi")
    d = services.dossiers.receive(make_draft())
    assert d.clerk_name == "Người Mới"
    services.accounts.logout()
    assert not services.accounts.login("moi", "mat-khau-moi").must_change_password


def test_reset_disable_and_the_last_administrator(services: Services) -> None:
    services.accounts.reset_password("cuong", "tam-thoi-2")
    assert services.accounts.get("cuong").must_change_password
    services.accounts.set_active("cuong", False)
    with pytest.raises(LoginError, match="đã bị khóa"):
        services.accounts.login("cuong", "tam-thoi-2")
    services.accounts.login("quantri", TEST_PASSWORD)
    services.accounts.update("binh", "Trần Thị Bình", frozenset({Role.CLERK}))  # binh: no admin
    with pytest.raises(ConflictError, match="ít nhất một tài khoản Quản trị"):
        services.accounts.set_active("quantri", False)


def test_an_account_that_acted_is_kept_one_made_by_mistake_can_go(services: Services) -> None:
    services.dossiers.receive(make_draft())  # binh received it
    with pytest.raises(ConflictError, match="đã có tên trên hồ sơ"):
        services.accounts.delete("binh")
    services.accounts.add("nham", "Tạo Nhầm", frozenset({Role.CLERK}), "mat-khau-2")
    services.accounts.delete("nham")
    assert all(a.username != "nham" for a in services.accounts.list(include_inactive=True))


def test_no_code_before_the_office_is_set_up(tmp_path: Path) -> None:
    svc = open_services(AppPaths(tmp_path / "moi"), FixedClock(datetime(2026, 3, 2, 8, 0)))
    try:
        assert not svc.settings.is_set_up() and svc.settings.office().agency_id == ""
        svc.accounts.create("thu", "Thu", frozenset({Role.CLERK}), "mat-khau-1", temporary=False)
        svc.accounts.login("thu", "mat-khau-1")
        with pytest.raises(SetupRequiredError, match="tthc-desk setup"):
            svc.dossiers.receive(make_draft())
        clerk = NewAccount("quantri", "Quản trị viên", frozenset({Role.CLERK}), "mat-khau-1")
        with pytest.raises(ValidationError) as refused:  # the first account manages the others
            svc.settings.complete_setup(DEMO_OFFICE, OfficeHours(), clerk)
        assert [p.field for p in refused.value.problems] == ["roles"]
        assert not svc.settings.is_set_up()
        admin = NewAccount("quantri", "Quản trị viên", frozenset({Role.ADMIN}), "mat-khau-1")
        svc.settings.complete_setup(DEMO_OFFICE, OfficeHours(), admin)
        assert svc.settings.is_set_up()
        assert svc.dossiers.receive(make_draft()).code == "000.17.22.H56-260302-0001"
        with pytest.raises(ConflictError):
            svc.settings.complete_setup(DEMO_OFFICE, OfficeHours(), admin)
    finally:
        svc.close()


def test_the_demo_database_has_its_office_and_the_demo_account(tmp_path: Path) -> None:
    svc = open_services(AppPaths(tmp_path / "demo"), FixedClock(datetime(2026, 3, 2)), demo=True)
    try:
        assert svc.settings.is_demo() and svc.settings.is_set_up()
        assert svc.settings.office() == DEMO_OFFICE
        assert svc.accounts.login("demo", "demo").roles == frozenset(Role)
    finally:
        svc.close()


def test_open_test_services_is_logged_in(tmp_path: Path) -> None:
    svc = open_test_services(AppPaths(tmp_path / "t"), login="an")
    try:
        assert svc.accounts.current is not None and svc.accounts.current.username == "an"
    finally:
        svc.close()


def test_a_background_job_acts_as_the_system_without_touching_the_user(
    services: Services,
) -> None:
    import threading

    from tthc_desk.domain.access import SYSTEM

    seen: list[object] = []

    def job() -> None:
        with services.accounts.acting_as(SYSTEM):
            seen.append(services.accounts.current)
            try:
                services.dossiers.receive(make_draft())
            except ForbiddenError as e:
                seen.append(e.message)

    thread = threading.Thread(target=job)
    thread.start()
    thread.join()
    assert seen[0] is SYSTEM and "Tác vụ tự động không được tiếp nhận" in str(seen[1])
    assert services.accounts.current is not None
    assert services.accounts.current.username == "binh"


def test_the_login_rules_are_an_administrators_and_within_bounds(services: Services) -> None:
    services.accounts.save_policy(LockOut(3, 15), 4)
    assert services.accounts.lockout() == LockOut(3, 15)
    assert services.accounts.idle_lock_minutes() == 4
    services.accounts.save_policy(LockOut(5, 5), 0)  # 0: the screen never locks itself
    assert services.accounts.idle_lock_minutes() == 0
    with pytest.raises(ValidationError) as refused:
        services.accounts.save_policy(LockOut(1, 0), 500)
    assert set(refused.value.field_messages()) == {"max_failures", "lock_minutes", "idle_minutes"}
    assert services.accounts.lockout() == LockOut(5, 5)
    services.accounts.login("cuong", TEST_PASSWORD)
    with pytest.raises(ForbiddenError):
        services.accounts.save_policy(LockOut(9, 9), 9)
    assert services.accounts.idle_lock_minutes() == 0


@pytest.mark.empty_database  # an old database is made in it
def test_setup_sets_the_temporary_passwords_of_staff_carried_over(tmp_path: Path) -> None:
    paths = AppPaths(tmp_path / "cu")
    before_accounts(paths)
    svc = open_services(paths, FixedClock(datetime(2026, 3, 2, 8, 0)))
    try:
        carried = {a.username: a for a in svc.accounts.list(include_inactive=True)}
        assert set(carried) == {"binh.tt", "an.nv", "ha.pt"}
        assert not any(a.has_password for a in carried.values())
        assert not svc.settings.is_set_up()  # the old profile, but nobody can administer it
        admin = NewAccount("quantri", "Lê Văn Cường", frozenset({Role.ADMIN}), "mat-khau-qt")
        svc.settings.complete_setup(
            DEMO_OFFICE, OfficeHours(), admin, {"binh.tt": "tam-thoi-1", "an.nv": "tam-thoi-2"}
        )
        assert svc.settings.is_set_up()
        assert svc.accounts.login("binh.tt", "tam-thoi-1").must_change_password
        assert svc.accounts.must_change_password
        assert svc.accounts.login("an.nv", "tam-thoi-2").roles == {Role.HEAD}
        assert not svc.accounts.login("quantri", "mat-khau-qt").must_change_password
        assert not svc.accounts.get("ha.pt").has_password  # left without one: cannot log in
        with pytest.raises(LoginError):
            svc.accounts.login("ha.pt", "")
        # Once set, an initial password is not initial any more: only a reset replaces it.
        with pytest.raises(ValidationError) as err:
            svc.accounts.set_initial_passwords({"binh.tt": "khac-han-1"})
        assert "đã có mật khẩu" in err.value.field_messages()["initial_password.binh.tt"]
        # Now that an administrator can log in, only an administrator sets the one left.
        svc.accounts.login("binh.tt", "tam-thoi-1")
        with pytest.raises(ForbiddenError, match="Quản trị"):
            svc.accounts.set_initial_passwords({"ha.pt": "tam-thoi-3"})
        svc.accounts.login("quantri", "mat-khau-qt")
        svc.accounts.set_initial_passwords({"ha.pt": "tam-thoi-3"})
        assert svc.accounts.get("ha.pt").has_password
        with pytest.raises(LoginError, match="đã bị khóa"):  # she left: still disabled
            svc.accounts.login("ha.pt", "tam-thoi-3")
    finally:
        svc.close()


@pytest.mark.empty_database  # an old database is made in it
def test_setup_names_every_problem_of_every_part_and_saves_nothing(tmp_path: Path) -> None:
    paths = AppPaths(tmp_path / "cu")
    before_accounts(paths)
    svc = open_services(paths, FixedClock(datetime(2026, 3, 2, 8, 0)))
    try:
        office_before = svc.settings.office()
        bad_office = replace(DEMO_OFFICE, agency_id="000-17", place_name="")
        bad_hours = OfficeHours({1: (Session(time(11, 0), time(9, 0)),)})
        admin = NewAccount("binh.tt", "", frozenset(), "ngan")
        with pytest.raises(ValidationError) as err:
            svc.settings.complete_setup(
                bad_office, bad_hours, admin, {"an.nv": "ngan", "khong.co": "mat-khau-9"}
            )
        messages = err.value.field_messages()
        assert set(messages) == {
            "agency_id",
            "place_name",
            "hours.1",
            "username",
            "full_name",
            "roles",
            "password",
            "initial_password.an.nv",
            "initial_password.khong.co",
        }
        assert messages["initial_password.an.nv"] == "Mật khẩu cần ít nhất 8 ký tự."
        assert messages["initial_password.khong.co"] == "Không có tài khoản “khong.co”."
        # A user name that is fine in form but taken by a person carried over.
        with pytest.raises(ValidationError) as err:
            svc.settings.complete_setup(
                DEMO_OFFICE,
                OfficeHours(),
                replace(admin, full_name="B", roles={Role.ADMIN}, password="mat-khau-qt"),
            )
        assert err.value.field_messages() == {
            "username": "Tên đăng nhập “binh.tt” đã có người dùng."
        }
        assert svc.settings.office() == office_before
        assert not any(a.has_password for a in svc.accounts.list(include_inactive=True))
        assert not svc.settings.is_set_up()
    finally:
        svc.close()


@pytest.mark.empty_database  # an old database is made in it
def test_an_administrator_carried_over_gets_a_temporary_password_too(tmp_path: Path) -> None:
    paths = AppPaths(tmp_path / "cu")
    before_accounts(paths, [("Lê Văn Cường", "admin", True)], office=None)
    svc = open_services(paths, FixedClock(datetime(2026, 3, 2, 8, 0)))
    try:
        admin = NewAccount("quantri", "Quản trị viên", frozenset({Role.ADMIN}), "mat-khau-qt")
        svc.settings.complete_setup(DEMO_OFFICE, OfficeHours(), admin, {"cuong.lv": "tam-thoi-1"})
        assert svc.settings.is_set_up()
        account = svc.accounts.login("cuong.lv", "tam-thoi-1")
        assert account.roles == {Role.ADMIN} and account.must_change_password
    finally:
        svc.close()
