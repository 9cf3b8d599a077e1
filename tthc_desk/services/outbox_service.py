"""The outbox: every built report waits here until its destination confirms it, exactly once.

One try at a time, in three steps, each in its own short unit of work:
1. claim the item (``sending``, attempts + 1, and a lease: ``next_attempt_at`` moves to the next
   back-off step), committed before any byte leaves;
2. the network call, with no transaction open;
3. the outcome: ``sent`` with the server's reply, ``waiting`` with the reason and the next try,
   or ``failed`` (a person must change something, then press "Gửi lại").
A crash between 1 and 3 leaves a ``sending`` item whose lease runs out, and it is tried again:
safe, because every transport is idempotent for the same report (see :mod:`tthc_desk.sync`).
An item tried before (``last_attempt_at`` set, even if "Gửi lại" reset its count) is sent with
``tried_before``: HTTPS POST then asks the receiver by key before posting again.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from tthc_desk.db.engine import Database
from tthc_desk.domain.access import Right
from tthc_desk.domain.clock import Clock
from tthc_desk.domain.destinations import Destination, DestinationKind
from tthc_desk.domain.errors import ConflictError, NotFoundError, ValidationError
from tthc_desk.domain.outbox import (
    DeliveryReceipt,
    OutboxItem,
    OutboxState,
    QueuedFile,
    SendResult,
    after_failure,
    check_queued_file,
    check_retry,
    is_due,
    lease_until,
    queued_file_name,
    replaced_note,
)
from tthc_desk.domain.text import nfc
from tthc_desk.presentation import receipt_text
from tthc_desk.services.account_service import AccountService
from tthc_desk.sync import destinations
from tthc_desk.sync.credentials import CredentialError, CredentialStore
from tthc_desk.sync.delivery import Payload, Transport, UploadError
from tthc_desk.sync.destinations import SettingsStore
from tthc_desk.sync.transports import default_transports

log = logging.getLogger(__name__)

SecretPrompt = Callable[[Destination], str | None]
Progress = Callable[[int, int], object]


def _not_found(item_id: int) -> NotFoundError:
    return NotFoundError(f"Không có báo cáo số {item_id} trong hàng chờ gửi.")


def _read_source(source: Path | bytes) -> tuple[bytes, str]:
    """The file's bytes and the extension to name it with."""
    if isinstance(source, bytes):
        return source, ".xlsx"
    path = Path(source)
    return path.read_bytes(), path.suffix or ".xlsx"


def _payload(item: OutboxItem, data: bytes) -> Payload:
    return Payload(
        file_name=item.file_name,
        data=data,
        sha256=item.sha256,
        message_id=item.message_id,
        office_id=item.office_id,
        kind=item.kind,
        period_key=item.period_key,
        version=item.version,
        replaces_file_name=item.replaces_file_name,
        tried_before=item.last_attempt_at is not None,
    )


def _not_tried(item: OutboxItem, cause: SendResult) -> SendResult:
    """An item left in the queue because an earlier one hit a destination error."""
    return SendResult(
        item.id,
        item.file_name,
        item.state,
        f"Chưa gửi vì lỗi ở tệp trước: {cause.message}",
        next_attempt_at=item.next_attempt_at,
    )


class OutboxService:
    """The upload queue and its destination; the CLI and the GUI call the same methods."""

    def __init__(
        self,
        db: Database,
        settings: SettingsStore,
        accounts: AccountService,
        clock: Clock,
        credentials: CredentialStore,
        transports: dict[DestinationKind, Transport] | None = None,
    ) -> None:
        self._db = db
        self._accounts = accounts
        self._settings = settings
        self._clock = clock
        self.credentials = credentials
        self._transports = transports if transports is not None else default_transports()

    # -- destination --------------------------------------------------------------------------
    def destination(self) -> Destination | None:
        return destinations.load(self._settings)

    def check_destination(self, dest: Destination) -> Destination:
        """``dest`` tidied (NFC, the default secret key) and checked; ValidationError if wrong."""
        checked = destinations.normalise(dest).with_default_secret_key()
        destinations.validate(checked)
        return checked

    def needs_secret_prompt(self, dest: Destination) -> bool:
        """Whether sending to ``dest`` needs a secret the keyring does not hold (ask for it)."""
        if not dest.needs_secret:
            return False
        return not (self.credentials.available and self.credentials.get(dest.secret_key))

    def save_destination(
        self, dest: Destination, secret: str | None = None, *, store_secret: bool = True
    ) -> Destination:
        """Validate and save; ``secret`` goes to the keyring only (refused when there is none)."""
        self._accounts.require(Right.DESTINATIONS, "sửa nơi nhận báo cáo")
        dest = self.check_destination(dest)
        if secret and store_secret:
            if not self.credentials.available:
                raise CredentialError(self.credentials.unavailable_reason)
            self.credentials.set(dest.secret_key, secret)  # first: a refused secret saves nothing
        return destinations.save(self._settings, dest)

    def test_destination(
        self,
        secret_prompt: SecretPrompt | None = None,
        *,
        destination: Destination | None = None,
        secret: str | None = None,
    ) -> DeliveryReceipt:
        """Connect and log in (WebDAV PROPFIND, SMTP NOOP, a folder write); no report is sent."""
        self._accounts.require(Right.DESTINATIONS, "kiểm tra nơi nhận báo cáo")
        dest = self.check_destination(self._require_destination(destination))
        return self._transports[dest.kind].probe(dest, self._secret(dest, secret_prompt, secret))

    def _require_destination(self, dest: Destination | None = None) -> Destination:
        dest = dest or self.destination()
        if dest is None:
            raise ValidationError.for_field(
                "destination",
                "Chưa đặt nơi nhận báo cáo (người quản trị đặt trong "
                "“Nơi nhận báo cáo” hoặc lệnh tthc-desk destination set).",
            )
        return dest

    def _secret(
        self, dest: Destination, prompt: SecretPrompt | None, given: str | None = None
    ) -> str | None:
        if not dest.needs_secret:
            return None
        secret = given or (
            self.credentials.get(dest.secret_key) if self.credentials.available else None
        )
        if not secret and prompt is not None:
            secret = prompt(dest)  # asked for this run only, never stored
        if not secret:
            reason = "" if self.credentials.available else " " + self.credentials.unavailable_reason
            raise CredentialError(f"Chưa có mật khẩu cho nơi nhận “{dest.name}”.{reason}")
        return secret

    # -- queue --------------------------------------------------------------------------------
    def enqueue(
        self,
        source: Path | bytes,
        *,
        kind: str,
        period_key: str,
        office_id: str,
        file_name: str | None = None,
    ) -> OutboxItem:
        """Queue a finished file; identical to the latest version of its period → that item.

        Earlier versions not sent yet would only reach the province to be replaced at once:
        they stay in the history, marked ``replaced``, and are not sent.
        """
        self._accounts.require(Right.QUEUE_REPORT, "đưa báo cáo vào hàng chờ gửi")
        data, ext = _read_source(source)
        kind, period_key, office_id = nfc(kind), nfc(period_key), nfc(office_id)
        check_queued_file(kind, period_key, office_id, len(data))
        sha = hashlib.sha256(data).hexdigest()
        now = self._clock.now()
        with self._db.write() as uow:
            latest = uow.outbox.latest(office_id, kind, period_key)
            if latest is not None and latest.sha256 == sha:
                return latest
            version = latest.version + 1 if latest else 1
            name = queued_file_name(office_id, kind, period_key, version, file_name, ext)
            if uow.outbox.name_taken(name):
                raise ConflictError(f"Hàng chờ đã có một tệp tên “{name}”.")
            replaces_id = latest.id if latest else None
            queued = QueuedFile(kind, period_key, office_id, name, data, sha, version, replaces_id)
            item = uow.outbox.add(queued, now)
            uow.outbox.replace_unsent(
                office_id, kind, period_key, newest_id=item.id, note=replaced_note(name)
            )
        log.info("Queued %s (%d bytes) for upload", name, len(data))
        return item

    def items(self, state: OutboxState | None = None) -> list[OutboxItem]:
        """Newest first."""
        with self._db.read() as uow:
            return uow.outbox.items(state)

    def get(self, item_id: int) -> OutboxItem:
        with self._db.read() as uow:
            item = uow.outbox.get(item_id)
        if item is None:
            raise _not_found(item_id)
        return item

    def content(self, item_id: int) -> bytes:
        with self._db.read() as uow:
            data = uow.outbox.content(item_id)
        if data is None:
            raise _not_found(item_id)
        return data

    def export(self, item_id: int, folder: Path) -> Path:
        """Write a copy of the queued file (to open it, or to carry it on a USB stick)."""
        with self._db.read() as uow:
            item, data = uow.outbox.get(item_id), uow.outbox.content(item_id)
        if item is None or data is None:
            raise _not_found(item_id)
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / item.file_name
        target.write_bytes(data)
        return target

    def status_counts(self) -> dict[OutboxState, int]:
        with self._db.read() as uow:
            return uow.outbox.counts()

    def due(self, now: datetime | None = None) -> list[OutboxItem]:
        """Waiting items whose time has come, and ``sending`` ones whose lease ran out (a crash)."""
        with self._db.read() as uow:
            return uow.outbox.due(now or self._clock.now())

    def retry(self, item_id: int) -> OutboxItem:
        """A person fixed the cause: back to waiting, due now, with a fresh back-off schedule."""
        self._accounts.require(Right.UPLOAD, "gửi lại báo cáo")
        now = self._clock.now()
        with self._db.write() as uow:
            item = uow.outbox.get(item_id)
            if item is None:
                raise _not_found(item_id)
            check_retry(item)
            uow.outbox.reopen(item_id, now)
            reopened = uow.outbox.get(item_id)
        assert reopened is not None
        return reopened

    # -- sending ------------------------------------------------------------------------------
    def send_due(
        self,
        progress: Progress | None = None,
        secret_prompt: SecretPrompt | None = None,
        *,
        ignore_backoff: bool = False,
        secret: str | None = None,
    ) -> list[SendResult]:
        """Send what is due, one at a time; one result per due item, tried or not.

        The batch stops at the first error that concerns the destination rather than the file
        (down, slow, refusing the password): the others keep their turn and are not counted as
        tried, and a wrong password is not repeated until the account locks.
        """
        self._accounts.require(Right.UPLOAD, "gửi báo cáo")
        dest = self._require_destination()
        with self._db.read() as uow:
            todo = uow.outbox.due(self._clock.now(), ignore_backoff=ignore_backoff)
        if not todo:
            return []
        key = self._secret(dest, secret_prompt, secret)
        transport = self._transports[dest.kind]
        results: list[SendResult] = []
        stop: SendResult | None = None
        for done, item in enumerate(todo):
            if progress is not None:
                progress(done, len(todo))
            result = (
                _not_tried(item, stop)
                if stop is not None
                else self._send_one(item.id, dest, transport, key, ignore_backoff)
            )
            if result is None:
                continue  # another counter PC took it, or it was sent meanwhile
            results.append(result)
            if stop is None and result.stops_batch:
                stop = result
        if progress is not None:
            progress(len(todo), len(todo))
        return results

    def _claim(self, item_id: int, dest: Destination, ignore_backoff: bool) -> Payload | None:
        now = self._clock.now()
        with self._db.write() as uow:
            item = uow.outbox.get(item_id)
            if item is None or not is_due(item, now, ignore_backoff=ignore_backoff):
                return None
            claimed = uow.outbox.claim(
                item_id,
                attempts_before=item.attempts,
                at=now,
                lease_until=lease_until(item.attempts + 1, now),  # if this process dies now
                destination=dest.name,
            )
            data = uow.outbox.content(item_id) if claimed else None
        return None if data is None else _payload(item, data)

    def _send_one(
        self,
        item_id: int,
        dest: Destination,
        transport: Transport,
        secret: str | None,
        ignore_backoff: bool,
    ) -> SendResult | None:
        payload = self._claim(item_id, dest, ignore_backoff)
        if payload is None:
            return None
        try:
            receipt = transport.send(dest, payload, secret)
        except UploadError as e:
            error = e
        except Exception as e:  # a bug in a transport must not leave the item claimed for an hour
            log.exception("Unexpected error while sending %s", payload.file_name)
            error = UploadError(
                "Lỗi không mong đợi khi gửi; sẽ thử lại sau.",
                retryable=True,
                detail=f"{type(e).__name__}: {e}",
            )
        else:
            return self._record_sent(item_id, payload, receipt)
        return self._record_error(item_id, payload, error)

    def _record_sent(self, item_id: int, payload: Payload, receipt: DeliveryReceipt) -> SendResult:
        reply = receipt_text(receipt)
        with self._db.write() as uow:
            uow.outbox.mark_sent(item_id, at=self._clock.now(), reply=reply)
        log.info("Sent %s: %s", payload.file_name, reply)
        return SendResult(item_id, payload.file_name, OutboxState.SENT, "Đã gửi.", reply=reply)

    def _record_error(self, item_id: int, payload: Payload, error: UploadError) -> SendResult:
        now = self._clock.now()
        with self._db.write() as uow:
            item = uow.outbox.get(item_id)
            assert item is not None  # claimed by this try; items are never deleted
            state, next_at = after_failure(item.attempts, error.retryable, now)
            uow.outbox.mark_unsent(
                item_id,
                state=state,
                next_attempt_at=next_at,
                error=error.message,
                detail=error.detail,
            )
        log.warning("Upload of %s failed (%s): %s", payload.file_name, error.detail, error.message)
        return SendResult(
            item_id,
            payload.file_name,
            state,
            error.message,
            reply=error.detail,
            retryable=error.retryable,
            next_attempt_at=next_at,
            about_destination=error.about_destination,
        )
