"""The outbox's pure rules: back-off and lease, file names, what may be queued, tried, retried."""

from __future__ import annotations

import unicodedata
from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tthc_desk.domain.destinations import Destination, DestinationKind
from tthc_desk.domain.errors import ConflictError, ValidationError
from tthc_desk.domain.outbox import (
    BACKOFF_MINUTES,
    OutboxItem,
    OutboxState,
    SendResult,
    after_failure,
    backoff,
    check_queued_file,
    check_retry,
    is_due,
    lease_until,
    queued_file_name,
    replaced_note,
)

NOW = datetime(2026, 3, 2, 8, 0)
OFFICE = "000.17.22.H56"


def _item(**changes: object) -> OutboxItem:
    item = OutboxItem(
        id=7,
        kind="weekly",
        period_key="2026-W09",
        office_id=OFFICE,
        file_name=f"{OFFICE}_tuan_2026-W09.xlsx",
        size=3,
        sha256="ab" * 32,
        version=1,
        replaces_id=None,
        replaces_file_name="",
        state=OutboxState.WAITING,
        attempts=0,
        next_attempt_at=NOW,
        last_attempt_at=None,
        last_error="",
        last_detail="",
        server_reply="",
        destination="",
        created_at=NOW,
        sent_at=None,
    )
    return replace(item, **changes)  # type: ignore[arg-type]  # test data, keyword by keyword


# -- back-off and lease ---------------------------------------------------------------------
def test_backoff_schedule() -> None:
    assert [backoff(n).total_seconds() / 60 for n in range(1, 9)] == [1, 2, 5, 15, 30, 60, 60, 60]


@given(st.integers(min_value=-5, max_value=1000), st.integers(min_value=0, max_value=1000))
def test_backoff_never_shrinks_and_stays_within_the_table(a: int, b: int) -> None:
    low, high = sorted((a, b))
    assert backoff(low) <= backoff(high)
    assert timedelta(minutes=BACKOFF_MINUTES[0]) <= backoff(a)
    assert backoff(a) <= timedelta(minutes=BACKOFF_MINUTES[-1])


def test_the_lease_is_the_next_backoff_step() -> None:
    assert lease_until(1, NOW) == NOW + timedelta(minutes=1)
    assert lease_until(3, NOW) == NOW + timedelta(minutes=5)


def test_after_failure_waits_or_needs_a_person() -> None:
    assert after_failure(2, True, NOW) == (OutboxState.WAITING, NOW + timedelta(minutes=2))
    assert after_failure(2, False, NOW) == (OutboxState.FAILED, None)


# -- which items a try may take ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("state", "next_at", "ignore", "due"),
    [
        (OutboxState.WAITING, None, False, True),
        (OutboxState.WAITING, NOW, False, True),
        (OutboxState.WAITING, NOW + timedelta(seconds=1), False, False),
        (OutboxState.WAITING, NOW + timedelta(hours=1), True, True),
        (OutboxState.SENDING, NOW - timedelta(seconds=1), False, True),  # the lease ran out
        (OutboxState.SENDING, NOW + timedelta(minutes=1), False, False),  # still held
        (OutboxState.SENT, None, True, False),
        (OutboxState.FAILED, None, True, False),
        (OutboxState.REPLACED, None, True, False),
    ],
)
def test_is_due(state: OutboxState, next_at: datetime | None, ignore: bool, due: bool) -> None:
    item = _item(state=state, next_attempt_at=next_at)
    assert is_due(item, NOW, ignore_backoff=ignore) is due


def test_retry_refuses_what_went_or_was_replaced() -> None:
    check_retry(_item(state=OutboxState.FAILED))
    check_retry(_item(state=OutboxState.WAITING))
    with pytest.raises(ConflictError, match="đã gửi xong"):
        check_retry(_item(state=OutboxState.SENT))
    with pytest.raises(ConflictError, match="đã có bản mới thay thế"):
        check_retry(_item(state=OutboxState.REPLACED))


def test_a_destination_error_stops_the_batch_a_file_error_does_not() -> None:
    def result(state: OutboxState, **flags: bool) -> SendResult:
        return SendResult(1, "a.xlsx", state, "", **flags)

    assert not result(OutboxState.SENT).stops_batch
    assert result(OutboxState.WAITING, retryable=True).stops_batch
    assert result(OutboxState.FAILED, about_destination=True).stops_batch
    assert not result(OutboxState.FAILED).stops_batch  # this file was refused: go on


# -- names and what may be queued ---------------------------------------------------------
def test_queued_file_names() -> None:
    assert queued_file_name(OFFICE, "weekly", "2026-W09", 1, None, ".xlsx") == (
        f"{OFFICE}_tuan_2026-W09.xlsx"
    )
    assert queued_file_name(OFFICE, "period", "2026-Q1", 3, None, ".xlsx") == (
        f"{OFFICE}_06a_quy_2026-Q1_v3.xlsx"
    )
    assert queued_file_name(OFFICE, "weekly", "2026-W09", 2, "Báo cáo.pdf", ".xlsx") == (
        "Báo cáo_v2.pdf"
    )
    assert queued_file_name(OFFICE, "weekly", "2026-W09", 1, "bao-cao", ".xlsx") == ("bao-cao.xlsx")
    decomposed = unicodedata.normalize("NFD", "Báo cáo.xlsx")
    assert queued_file_name(OFFICE, "weekly", "2026-W09", 1, decomposed, ".xlsx") == (
        unicodedata.normalize("NFC", "Báo cáo.xlsx")
    )


@given(st.integers(min_value=1, max_value=500))
def test_each_version_has_its_own_name(version: int) -> None:
    first = queued_file_name(OFFICE, "weekly", "2026-W09", 1, None, ".xlsx")
    later = queued_file_name(OFFICE, "weekly", "2026-W09", version, None, ".xlsx")
    assert (first == later) is (version == 1)
    assert later.endswith(".xlsx")


def test_what_may_be_queued() -> None:
    check_queued_file("weekly", "2026-W09", OFFICE, 10)
    with pytest.raises(ValidationError) as e:
        check_queued_file("Tuần", "2026 W10", "", 0)
    assert set(e.value.field_messages()) == {"kind", "period_key", "office_id", "file"}
    with pytest.raises(ValidationError) as e:
        check_queued_file("weekly", "2026-W09", "a/b", 1)
    assert set(e.value.field_messages()) == {"office_id"}


def test_replaced_note_names_the_newer_version() -> None:
    assert "a_v2.xlsx" in replaced_note("a_v2.xlsx")


def test_message_id_is_stable_per_version() -> None:
    item = _item()
    assert item.message_id == _item(attempts=4, state=OutboxState.SENDING).message_id
    assert item.message_id != _item(id=8).message_id


# -- destinations -------------------------------------------------------------------------
def test_which_destinations_need_a_secret_and_its_key() -> None:
    dav = Destination(DestinationKind.WEBDAV, url="https://dav.tinh.gov.vn/x/", username="xa")
    assert dav.needs_secret and dav.with_default_secret_key().secret_key == (
        "webdav:xa@dav.tinh.gov.vn"
    )
    token = Destination(DestinationKind.HTTPS_POST, url="https://api.tinh.gov.vn/", bearer=True)
    assert token.with_default_secret_key().secret_key == "https_post:token@api.tinh.gov.vn"
    assert not Destination(DestinationKind.HTTPS_POST, url="https://a/").needs_secret
    assert not Destination(DestinationKind.FOLDER, folder="/x", username="u").needs_secret
    kept = replace(dav, secret_key="mine")
    assert kept.with_default_secret_key() is kept


def test_where_a_destination_is_shown() -> None:
    mail = Destination(
        DestinationKind.SMTP, smtp_host="mail.x", smtp_port=465, to_addrs=("a@x", "b@x")
    )
    assert mail.where == "mail.x:465 → a@x, b@x"
    assert Destination(DestinationKind.FOLDER, folder="D:\\BaoCao").where == "D:\\BaoCao"
    assert Destination(DestinationKind.WEBDAV, url="https://a/").where == "https://a/"
