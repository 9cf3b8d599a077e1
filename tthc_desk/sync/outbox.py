"""The outbox: every built report waits here until its destination confirms it, exactly once.

One try at a time, in three steps, each in its own short transaction:
1. claim the item (``sending``, attempts + 1, and a lease: ``next_attempt_at`` moves to the next
   back-off step), committed before any byte leaves;
2. the network call, with no transaction open;
3. the outcome: ``sent`` with the server's reply, ``waiting`` with the reason and the next try,
   or ``failed`` (a person must change something, then press "Gửi lại").
A crash between 1 and 3 leaves a ``sending`` item whose lease runs out, and it is tried again:
safe, because every transport is idempotent for the same report (see :mod:`.transports`).
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import func, or_, select
from sqlalchemy.orm import defer

from tthc_desk.db.engine import Database
from tthc_desk.db.models import OutboxRecord
from tthc_desk.domain.clock import Clock
from tthc_desk.domain.errors import ConflictError, NotFoundError, ProblemCollector, ValidationError
from tthc_desk.domain.periods import report_file_name
from tthc_desk.domain.text import nfc
from tthc_desk.sync import destinations
from tthc_desk.sync.credentials import CredentialError, CredentialStore
from tthc_desk.sync.delivery import DeliveryReceipt, Payload, Transport, UploadError
from tthc_desk.sync.destinations import Destination, DestinationKind, SettingsStore
from tthc_desk.sync.items import OutboxItem, OutboxState, SendResult

log = logging.getLogger(__name__)

#: Minutes to wait after the 1st, 2nd, ... failed try; hourly after the last.
BACKOFF_MINUTES = (1, 2, 5, 15, 30, 60)
#: How a report kind is written in file names (ASCII: some servers mangle accents).
_KIND = re.compile(r"^[a-z][a-z0-9_-]{0,19}$")
_PERIOD = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,19}$")
_OFFICE = re.compile(r"^[^\s/\\:*?\"<>|]{1,50}$")

SecretPrompt = Callable[[Destination], str | None]
Progress = Callable[[int, int], object]


def backoff(attempts: int) -> timedelta:
    """The wait after ``attempts`` failed tries in a row."""
    index = min(max(attempts, 1), len(BACKOFF_MINUTES)) - 1
    return timedelta(minutes=BACKOFF_MINUTES[index])


def _file_name(
    office_id: str, kind: str, period_key: str, version: int, given: str | None, ext: str
) -> str:
    if not given:
        return report_file_name(
            office_id, period_key, weekly=kind == "weekly", version=version, ext=ext
        )
    stem, dot, given_ext = nfc(given).rpartition(".")
    stem, ext = (stem, "." + given_ext) if dot else (given_ext, ext)
    return f"{stem}{'' if version == 1 else f'_v{version}'}{ext}"


def _to_item(rec: OutboxRecord, names: dict[int, str]) -> OutboxItem:
    return OutboxItem(
        id=rec.id,
        kind=rec.kind,
        period_key=rec.period_key,
        office_id=rec.office_id,
        file_name=rec.file_name,
        size=rec.size,
        sha256=rec.sha256,
        version=rec.version,
        replaces_id=rec.replaces_id,
        replaces_file_name=names.get(rec.replaces_id or 0, ""),
        state=OutboxState(rec.state),
        attempts=rec.attempts,
        next_attempt_at=rec.next_attempt_at,
        last_attempt_at=rec.last_attempt_at,
        last_error=rec.last_error,
        last_detail=rec.last_detail,
        server_reply=rec.server_reply,
        destination=rec.destination,
        created_at=rec.created_at,
        sent_at=rec.sent_at,
    )


class OutboxService:
    """The upload queue and its destination; the CLI and the GUI call the same methods."""

    def __init__(
        self,
        db: Database,
        settings: SettingsStore,
        clock: Clock,
        credentials: CredentialStore,
        transports: dict[DestinationKind, Transport] | None = None,
    ) -> None:
        from tthc_desk.sync.transports import default_transports

        self._db = db
        self._settings = settings
        self._clock = clock
        self.credentials = credentials
        self._transports = transports if transports is not None else default_transports()

    # -- destination --------------------------------------------------------------------------
    def destination(self) -> Destination | None:
        return destinations.load(self._settings)

    def save_destination(
        self, dest: Destination, secret: str | None = None, *, store_secret: bool = True
    ) -> Destination:
        """Validate and save; ``secret`` goes to the keyring only (refused when there is none)."""
        dest = destinations.normalise(dest).with_default_secret_key()
        destinations.validate(dest)
        if secret and store_secret:
            if not self.credentials.available:
                raise CredentialError(self.credentials.unavailable_reason)
            self.credentials.set(dest.secret_key, secret)  # first: a refused secret saves nothing
        return destinations.save(self._settings, dest)

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

    def test_destination(
        self,
        secret_prompt: SecretPrompt | None = None,
        *,
        destination: Destination | None = None,
        secret: str | None = None,
    ) -> DeliveryReceipt:
        """Connect and log in (WebDAV PROPFIND, SMTP NOOP, a folder write) without sending a report."""
        dest = destinations.normalise(
            self._require_destination(destination)
        ).with_default_secret_key()
        destinations.validate(dest)
        return self._transports[dest.kind].probe(dest, self._secret(dest, secret_prompt, secret))

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
        """Queue a finished file; identical to the latest version of its period → that item, unchanged."""
        data = source if isinstance(source, bytes) else Path(source).read_bytes()
        ext = ".xlsx" if isinstance(source, bytes) else (Path(source).suffix or ".xlsx")
        kind, period_key, office_id = nfc(kind), nfc(period_key), nfc(office_id)
        problems = ProblemCollector()
        if not _KIND.match(kind):
            problems.add(
                f"Loại báo cáo “{kind}” không hợp lệ (ví dụ weekly, period).", field="kind"
            )
        if not _PERIOD.match(period_key):
            problems.add(
                f"Kỳ báo cáo “{period_key}” không hợp lệ (ví dụ 2026-W09, 2026-Q1).",
                field="period_key",
            )
        if not _OFFICE.match(office_id):
            problems.add(
                "Chưa có mã định danh cơ quan hợp lệ (ví dụ 000.17.22.H56).", field="office_id"
            )
        if not data:
            problems.add("Tệp báo cáo rỗng.", field="file")
        problems.raise_if_any("Không đưa được báo cáo vào hàng chờ gửi.")
        sha = hashlib.sha256(data).hexdigest()
        now = self._clock.now()
        with self._db.session(write=True) as s:
            latest = s.scalars(
                select(OutboxRecord)
                .options(defer(OutboxRecord.content, raiseload=True))
                .where(
                    OutboxRecord.office_id == office_id,
                    OutboxRecord.kind == kind,
                    OutboxRecord.period_key == period_key,
                )
                .order_by(OutboxRecord.version.desc())
                .limit(1)
            ).first()
            if latest is not None and latest.sha256 == sha:
                return self._item(s, latest)
            version = latest.version + 1 if latest else 1
            name = _file_name(office_id, kind, period_key, version, file_name, ext)
            if s.scalar(select(OutboxRecord.id).where(OutboxRecord.file_name == name)) is not None:
                raise ConflictError(f"Hàng chờ đã có một tệp tên “{name}”.")
            rec = OutboxRecord(
                kind=kind,
                period_key=period_key,
                office_id=office_id,
                file_name=name,
                content=data,
                size=len(data),
                sha256=sha,
                version=version,
                replaces_id=latest.id if latest else None,
                state=OutboxState.WAITING.value,
                attempts=0,
                next_attempt_at=now,
                last_error="",
                last_detail="",
                server_reply="",
                destination="",
                created_at=now,
            )
            s.add(rec)
            s.flush()
            # Earlier versions not sent yet would only reach the province to be replaced at once:
            # they stay in the history, marked, and are not sent.
            for old in s.scalars(
                select(OutboxRecord)
                .options(defer(OutboxRecord.content, raiseload=True))
                .where(
                    OutboxRecord.office_id == office_id,
                    OutboxRecord.kind == kind,
                    OutboxRecord.period_key == period_key,
                    OutboxRecord.id != rec.id,
                    OutboxRecord.state.in_([OutboxState.WAITING.value, OutboxState.FAILED.value]),
                )
            ):
                old.state, old.next_attempt_at = OutboxState.REPLACED.value, None
                old.last_error = f"Đã có bản “{name}” thay thế; bản này không gửi nữa."
            log.info("Queued %s (%d bytes) for upload", name, len(data))
            return self._item(s, rec)

    def _item(self, s: object, rec: OutboxRecord) -> OutboxItem:
        names: dict[int, str] = {}
        if rec.replaces_id:
            names[rec.replaces_id] = (
                s.scalar(  # type: ignore[attr-defined]
                    select(OutboxRecord.file_name).where(OutboxRecord.id == rec.replaces_id)
                )
                or ""
            )
        return _to_item(rec, names)

    def items(self, state: OutboxState | None = None) -> list[OutboxItem]:
        """Newest first."""
        with self._db.session() as s:
            q = select(OutboxRecord).options(defer(OutboxRecord.content, raiseload=True))
            if state is not None:
                q = q.where(OutboxRecord.state == state.value)
            recs = list(
                s.scalars(q.order_by(OutboxRecord.created_at.desc(), OutboxRecord.id.desc()))
            )
            names = dict(s.execute(select(OutboxRecord.id, OutboxRecord.file_name)).all())
        return [_to_item(r, names) for r in recs]

    def get(self, item_id: int) -> OutboxItem:
        with self._db.session() as s:
            rec = s.get(
                OutboxRecord, item_id, options=[defer(OutboxRecord.content, raiseload=True)]
            )
            if rec is None:
                raise NotFoundError(f"Không có báo cáo số {item_id} trong hàng chờ gửi.")
            return self._item(s, rec)

    def content(self, item_id: int) -> bytes:
        with self._db.session() as s:
            data = s.scalar(select(OutboxRecord.content).where(OutboxRecord.id == item_id))
        if data is None:
            raise NotFoundError(f"Không có báo cáo số {item_id} trong hàng chờ gửi.")
        return data

    def export(self, item_id: int, folder: Path) -> Path:
        """Write a copy of the queued file (to open it, or to carry it on a USB stick)."""
        item = self.get(item_id)
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / item.file_name
        target.write_bytes(self.content(item_id))
        return target

    def status_counts(self) -> dict[OutboxState, int]:
        with self._db.session() as s:
            rows = s.execute(
                select(OutboxRecord.state, func.count()).group_by(OutboxRecord.state)
            ).all()
        counts = dict.fromkeys(OutboxState, 0)
        for state, n in rows:
            counts[OutboxState(state)] = n
        return counts

    def due(self, now: datetime | None = None) -> list[OutboxItem]:
        """Waiting items whose time has come, and ``sending`` ones whose lease ran out (a crash)."""
        now = now or self._clock.now()
        with self._db.session() as s:
            recs = list(
                s.scalars(
                    select(OutboxRecord)
                    .options(defer(OutboxRecord.content, raiseload=True))
                    .where(
                        OutboxRecord.state.in_(
                            [OutboxState.WAITING.value, OutboxState.SENDING.value]
                        ),
                        or_(
                            OutboxRecord.next_attempt_at.is_(None),
                            OutboxRecord.next_attempt_at <= now,
                        ),
                    )
                    .order_by(OutboxRecord.created_at, OutboxRecord.id)
                )
            )
        return [_to_item(r, {}) for r in recs]

    def retry(self, item_id: int) -> OutboxItem:
        """A person fixed the cause: back to waiting, due now, with a fresh back-off schedule."""
        now = self._clock.now()
        with self._db.session(write=True) as s:
            rec = s.get(
                OutboxRecord, item_id, options=[defer(OutboxRecord.content, raiseload=True)]
            )
            if rec is None:
                raise NotFoundError(f"Không có báo cáo số {item_id} trong hàng chờ gửi.")
            if rec.state == OutboxState.SENT.value:
                raise ConflictError(
                    f"Báo cáo “{rec.file_name}” đã gửi xong; không gửi lại lần nữa."
                )
            if rec.state == OutboxState.REPLACED.value:
                raise ConflictError(
                    f"Báo cáo “{rec.file_name}” đã có bản mới thay thế: hãy gửi bản mới."
                )
            rec.state, rec.next_attempt_at, rec.attempts = OutboxState.WAITING.value, now, 0
            return self._item(s, rec)

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
        dest = self._require_destination()
        now = self._clock.now()
        todo = (
            [i for i in self.items() if i.state in (OutboxState.WAITING, OutboxState.SENDING)]
            if ignore_backoff
            else self.due(now)
        )
        todo.sort(key=lambda i: (i.created_at, i.id))
        if not todo:
            return []
        key = self._secret(dest, secret_prompt, secret)
        transport = self._transports[dest.kind]
        results: list[SendResult] = []
        stop_reason = ""
        for done, item in enumerate(todo):
            if progress is not None:
                progress(done, len(todo))
            if stop_reason:
                results.append(
                    SendResult(
                        item.id,
                        item.file_name,
                        item.state,
                        stop_reason,
                        next_attempt_at=item.next_attempt_at,
                    )
                )
                continue
            result = self._send_one(item.id, dest, transport, key, ignore_backoff)
            if result is None:
                continue  # another counter PC took it, or it was sent meanwhile
            results.append(result)
            if not result.sent and (result.retryable or result.about_destination):
                stop_reason = f"Chưa gửi vì lỗi ở tệp trước: {result.message}"
        if progress is not None:
            progress(len(todo), len(todo))
        return results

    def _claim(self, item_id: int, dest: Destination, ignore_backoff: bool) -> Payload | None:
        now = self._clock.now()
        with self._db.session(write=True) as s:
            rec = s.get(OutboxRecord, item_id)
            if rec is None or rec.state not in (
                OutboxState.WAITING.value,
                OutboxState.SENDING.value,
            ):
                return None
            if not ignore_backoff and rec.next_attempt_at is not None and rec.next_attempt_at > now:
                return None
            rec.state = OutboxState.SENDING.value
            rec.attempts += 1
            rec.last_attempt_at = now
            rec.next_attempt_at = now + backoff(rec.attempts)  # the lease, if this process dies now
            rec.destination = dest.name
            replaces = (
                s.scalar(select(OutboxRecord.file_name).where(OutboxRecord.id == rec.replaces_id))
                if rec.replaces_id
                else ""
            )
            item = _to_item(rec, {})
            return Payload(
                file_name=rec.file_name,
                data=rec.content,
                sha256=rec.sha256,
                message_id=item.message_id,
                office_id=rec.office_id,
                kind=rec.kind,
                period_key=rec.period_key,
                version=rec.version,
                replaces_file_name=replaces or "",
            )

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
        now = self._clock.now()
        with self._db.session(write=True) as s:
            rec = s.get(
                OutboxRecord, item_id, options=[defer(OutboxRecord.content, raiseload=True)]
            )
            assert rec is not None
            rec.state, rec.sent_at, rec.next_attempt_at = OutboxState.SENT.value, now, None
            rec.server_reply, rec.last_error, rec.last_detail = receipt.describe(), "", ""
        log.info("Sent %s: %s", payload.file_name, receipt.describe())
        return SendResult(
            item_id, payload.file_name, OutboxState.SENT, "Đã gửi.", reply=receipt.describe()
        )

    def _record_error(self, item_id: int, payload: Payload, error: UploadError) -> SendResult:
        now = self._clock.now()
        with self._db.session(write=True) as s:
            rec = s.get(
                OutboxRecord, item_id, options=[defer(OutboxRecord.content, raiseload=True)]
            )
            assert rec is not None
            rec.last_error, rec.last_detail = error.message, error.detail
            if error.retryable:
                rec.state, rec.next_attempt_at = (
                    OutboxState.WAITING.value,
                    now + backoff(rec.attempts),
                )
            else:
                rec.state, rec.next_attempt_at = OutboxState.FAILED.value, None
            state, next_at = OutboxState(rec.state), rec.next_attempt_at
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
