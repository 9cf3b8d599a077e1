"""The outbox's values and rules: what a queued report is, how it is named, when it is tried.

A report waits in the outbox until its destination confirms it, exactly once. These are the pure
parts of that: the states, the back-off between tries, the lease a try holds, the file name of
each version, and what a failed try leaves behind. The queue itself is
:class:`~tthc_desk.services.outbox_service.OutboxService`; the SQL is in the outbox store.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from tthc_desk.domain.errors import ConflictError, ProblemCollector
from tthc_desk.domain.periods import report_file_name
from tthc_desk.domain.text import nfc


class OutboxState(StrEnum):
    WAITING = "waiting"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    REPLACED = "replaced"  # a newer version of the same report was queued before this one went


#: States a try may pick up: waiting, or ``sending`` left behind by a crash (its lease ran out).
SENDABLE = (OutboxState.WAITING, OutboxState.SENDING)
#: States a newer version of the same report replaces: nothing of them has reached the province.
REPLACEABLE = (OutboxState.WAITING, OutboxState.FAILED)

#: Minutes to wait after the 1st, 2nd, ... failed try; hourly after the last.
BACKOFF_MINUTES = (1, 2, 5, 15, 30, 60)

#: How a report kind, a period and an office are written in file names (ASCII for the first two:
#: some servers mangle accents; no path separators or spaces in any).
_KIND = re.compile(r"^[a-z][a-z0-9_-]{0,19}$")
_PERIOD = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,19}$")
_OFFICE = re.compile(r"^[^\s/\\:*?\"<>|]{1,50}$")


@dataclass(frozen=True)
class OutboxItem:
    id: int
    kind: str
    period_key: str
    office_id: str
    file_name: str
    size: int
    sha256: str
    version: int
    replaces_id: int | None
    replaces_file_name: str
    state: OutboxState
    attempts: int
    next_attempt_at: datetime | None
    last_attempt_at: datetime | None
    last_error: str
    last_detail: str
    server_reply: str
    destination: str
    created_at: datetime
    sent_at: datetime | None

    @property
    def message_id(self) -> str:
        """Stable across every try of this report (and different for each version)."""
        return f"<{self.sha256[:32]}.{self.id}@tthc-desk>"


@dataclass(frozen=True)
class QueuedFile:
    """A new version of a report, as it enters the queue (``waiting``, due at once)."""

    kind: str
    period_key: str
    office_id: str
    file_name: str
    content: bytes
    sha256: str
    version: int
    replaces_id: int | None


@dataclass(frozen=True)
class SendResult:
    """The outcome of one try: ``state`` after it, and the Vietnamese reason when not sent."""

    item_id: int
    file_name: str
    state: OutboxState
    message: str
    reply: str = ""
    retryable: bool = False
    next_attempt_at: datetime | None = None
    about_destination: bool = False  # the destination's settings are at fault: the batch stops

    @property
    def sent(self) -> bool:
        return self.state is OutboxState.SENT

    @property
    def stops_batch(self) -> bool:
        """The error concerns the destination (down, slow, refusing), not this file.

        The files after it keep their turn instead of failing the same way, and a wrong
        password is not repeated until the account locks.
        """
        return not self.sent and (self.retryable or self.about_destination)


@dataclass(frozen=True)
class DeliveryReceipt:
    """The destination's answer: status code (HTTP or SMTP) and its reply text, kept on the item
    as :func:`tthc_desk.presentation.receipt_text` words it."""

    status: int | None
    reply: str
    already_there: bool = False  # found on the server from an earlier attempt: not sent again


def backoff(attempts: int) -> timedelta:
    """The wait after ``attempts`` failed tries in a row."""
    index = min(max(attempts, 1), len(BACKOFF_MINUTES)) - 1
    return timedelta(minutes=BACKOFF_MINUTES[index])


def check_queued_file(kind: str, period_key: str, office_id: str, size: int) -> None:
    """Raise one ValidationError listing what keeps a file out of the queue."""
    problems = ProblemCollector()
    if not _KIND.match(kind):
        problems.add(f"Loại báo cáo “{kind}” không hợp lệ (ví dụ weekly, period).", field="kind")
    if not _PERIOD.match(period_key):
        problems.add(
            f"Kỳ báo cáo “{period_key}” không hợp lệ (ví dụ 2026-W09, 2026-Q1).",
            field="period_key",
        )
    if not _OFFICE.match(office_id):
        problems.add(
            "Chưa có mã định danh cơ quan hợp lệ (ví dụ 000.17.22.H56).", field="office_id"
        )
    if not size:
        problems.add("Tệp báo cáo rỗng.", field="file")
    problems.raise_if_any("Không đưa được báo cáo vào hàng chờ gửi.")


def queued_file_name(
    office_id: str, kind: str, period_key: str, version: int, given: str | None, ext: str
) -> str:
    """The name a version is queued and sent under: the report's own name, or ``given``'s.

    A version after the first ends ``_v2``, ``_v3`` … either way; ``ext`` is used when ``given``
    has none.
    """
    if not given:
        return report_file_name(
            office_id, period_key, weekly=kind == "weekly", version=version, ext=ext
        )
    stem, dot, given_ext = nfc(given).rpartition(".")
    stem, ext = (stem, "." + given_ext) if dot else (given_ext, ext)
    return f"{stem}{'' if version == 1 else f'_v{version}'}{ext}"


def replaced_note(newer_file_name: str) -> str:
    """What an unsent version says once a newer one is queued."""
    return f"Đã có bản “{newer_file_name}” thay thế; bản này không gửi nữa."


def check_retry(item: OutboxItem) -> None:
    """A person may send again what failed or waits, not what went or was replaced."""
    if item.state is OutboxState.SENT:
        raise ConflictError(f"Báo cáo “{item.file_name}” đã gửi xong; không gửi lại lần nữa.")
    if item.state is OutboxState.REPLACED:
        raise ConflictError(f"Báo cáo “{item.file_name}” đã có bản mới thay thế: hãy gửi bản mới.")


def is_due(item: OutboxItem, now: datetime, *, ignore_backoff: bool = False) -> bool:
    """May a try take ``item`` now? Waiting (or a lapsed ``sending`` lease) and its time come."""
    if item.state not in SENDABLE:
        return False
    return ignore_backoff or item.next_attempt_at is None or item.next_attempt_at <= now


def lease_until(attempts: int, now: datetime) -> datetime:
    """When a try claimed at ``now`` (the ``attempts``-th) may be taken again if it never ends.

    The lease is the back-off step itself: a process that dies mid-send leaves its item to be
    tried again exactly when a failed try would have been.
    """
    return now + backoff(attempts)


def after_failure(
    attempts: int, retryable: bool, now: datetime
) -> tuple[OutboxState, datetime | None]:
    """The state and next try after a failed ``attempts``-th try.

    Retryable errors wait for the next back-off step; the others need a person ("Gửi lại").
    """
    if retryable:
        return OutboxState.WAITING, now + backoff(attempts)
    return OutboxState.FAILED, None
