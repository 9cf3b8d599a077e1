"""Who may do what, the acting person, and the rules of user names and passwords."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

import tthc_desk.presentation  # noqa: F401  (names the roles in messages)
from tthc_desk.domain.access import (
    RIGHTS,
    SYSTEM,
    SYSTEM_RIGHTS,
    Account,
    Actor,
    LockOut,
    NewAccount,
    Right,
    Role,
    can,
    parse_roles,
    password_problem,
    require,
    roles_text,
    suggest_username,
    username_problem,
)
from tthc_desk.domain.errors import ForbiddenError, NotLoggedInError

CLERK = Actor("cuong", "Lê Văn Cường", frozenset({Role.CLERK}))
HEAD = Actor("an", "Nguyễn Văn An", frozenset({Role.HEAD}))
ADMIN = Actor("quantri", "Quản trị viên", frozenset({Role.ADMIN}))


def test_every_right_is_in_the_table_and_held_by_someone() -> None:
    assert set(RIGHTS) == set(Right)
    assert all(RIGHTS[r] for r in Right)


def test_the_head_does_everything_a_clerk_does() -> None:
    for right in Right:
        if can(CLERK, right):
            assert can(HEAD, right), right


def test_the_issue_s_rights() -> None:
    assert can(CLERK, Right.RECEIVE) and not can(CLERK, Right.SIGN_LETTER)
    assert can(HEAD, Right.SIGN_LETTER) and can(HEAD, Right.APPROVE_EXTENSION)
    assert can(HEAD, Right.SIGN_EXPLANATION) and not can(CLERK, Right.SIGN_EXPLANATION)
    for right in (Right.OFFICE, Right.CATALOG, Right.CALENDAR, Right.ACCOUNTS, Right.BACKUP):
        assert can(ADMIN, right) and not can(CLERK, right) and not can(HEAD, right)
    assert not can(ADMIN, Right.RECEIVE)  # an administrator receives only if also a clerk
    both = Actor("x", "X", frozenset({Role.CLERK, Role.ADMIN}))
    assert can(both, Right.RECEIVE) and can(both, Right.CATALOG)


def test_the_system_identity_never_receives_moves_signs_or_configures() -> None:
    for right in Right:
        assert can(SYSTEM, right) == (right in SYSTEM_RIGHTS)
    assert not can(SYSTEM, Right.RECEIVE) and not can(SYSTEM, Right.SIGN_LETTER)
    assert can(SYSTEM, Right.UPLOAD) and can(SYSTEM, Right.BUILD_REPORT)


def test_require_says_who_may() -> None:
    with pytest.raises(NotLoggedInError, match="Cần đăng nhập để ký duyệt"):
        require(None, Right.SIGN_LETTER, "ký duyệt phiếu xin lỗi")
    with pytest.raises(ForbiddenError, match="Chỉ Lãnh đạo được ký duyệt") as e:
        require(CLERK, Right.SIGN_LETTER, "ký duyệt phiếu xin lỗi")
    assert "cuong" in e.value.message
    with pytest.raises(ForbiddenError, match="Cán bộ tiếp nhận hoặc Lãnh đạo"):
        require(ADMIN, Right.RECEIVE, "tiếp nhận hồ sơ")
    assert require(HEAD, Right.SIGN_LETTER, "ký") is HEAD


def test_roles_read_and_written() -> None:
    assert parse_roles("clerk, head") == {Role.CLERK, Role.HEAD}
    assert parse_roles(["ADMIN", ""]) == {Role.ADMIN}
    with pytest.raises(ValueError, match="boss"):
        parse_roles("clerk,boss")
    assert roles_text({Role.ADMIN, Role.CLERK}) == "clerk,admin"


@given(st.sets(st.sampled_from(Role)))
def test_roles_text_round_trips(roles: set[Role]) -> None:
    assert parse_roles(roles_text(roles)) == roles


def test_password_rules() -> None:
    assert password_problem("ngắn", "binh") == "Mật khẩu cần ít nhất 8 ký tự."
    assert password_problem("binh.tt1", "binh.tt1") == "Mật khẩu không được trùng tên đăng nhập."
    assert password_problem("        ", "binh") == "Mật khẩu không được chỉ gồm dấu cách."
    assert password_problem("mat-khau-1", "binh") is None


@given(st.text(max_size=7))
def test_a_short_password_is_always_refused(password: str) -> None:
    assert password_problem(password, "binh") is not None


def test_user_names() -> None:
    assert username_problem("binh.tt") is None
    assert username_problem("") == "Chưa nhập tên đăng nhập."
    assert username_problem("Bình") is not None and username_problem("a b") is not None
    assert suggest_username("Trần Thị Bình") == "binh.tt"
    assert suggest_username("Đỗ Đức") == "duc.d"
    assert suggest_username("  ") == "canbo"


def test_five_wrong_passwords_lock_the_account_for_five_minutes() -> None:
    now = datetime(2026, 3, 2, 8, 0)
    rule = LockOut()
    account = Account("binh", "Trần Thị Bình", frozenset({Role.CLERK}), failed_attempts=3)
    assert rule.after_failure(account, now) == (4, None)
    four = Account("binh", "Trần Thị Bình", frozenset({Role.CLERK}), failed_attempts=4)
    failures, until = rule.after_failure(four, now)
    assert failures == 0 and until == now + timedelta(minutes=5)
    locked = Account("binh", "B", frozenset(), locked_until=until)
    assert locked.locked(now) and not locked.locked(now + timedelta(minutes=5))


def test_a_new_account_never_shows_its_password() -> None:
    new = NewAccount("binh", "Trần Thị Bình", frozenset({Role.CLERK}), "bí-mật-123")
    assert "bí-mật-123" not in repr(new) and "bí-mật-123" not in str(new)
