"""Transports over the standard library: WebDAV PUT, HTTPS multipart POST, and a folder.

Each one is idempotent, so the outbox may send again whenever the outcome of a try is unknown
(a timeout after the bytes left, a cut connection, a crash between the send and the commit):

- WebDAV: the file name is deterministic; a HEAD first finds a copy of the same size left by an
  earlier try (then nothing is sent), and a PUT to the same name overwrites a partial one.
- HTTPS POST: an ``Idempotency-Key`` header, stable per report, lets the server drop a repeat;
  a try after an earlier one first asks ``GET <url>/status?key=…`` and posts nothing if the
  server already has it (the receiver's contract: README, and
  :mod:`tthc_desk.sync.reference_receiver`).
- Folder: written under a temporary name, then renamed; an identical file already there counts.
E-mail lives in :mod:`tthc_desk.sync.mail`.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import json
import os
import re
import tempfile
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

from tthc_desk.domain.destinations import Destination, DestinationKind
from tthc_desk.domain.outbox import DeliveryReceipt
from tthc_desk.sync.delivery import (
    AUTH_MESSAGE,
    Payload,
    Transport,
    UploadError,
    connect_error,
    tls_context,
)
from tthc_desk.sync.destinations import LOOPBACK_HOSTS

REPLY_LIMIT = 2000  # characters of a server's reply kept on the item
USER_AGENT = "TTHC-Desk/0.1"
PLAIN_HTTP_HINT = (
    "Hãy kiểm tra địa chỉ và cổng trong “Nơi nhận báo cáo”: máy chủ này có thể chỉ nhận http:// "
    "(chỉ nên dùng trong mạng nội bộ tin cậy)."
)


def _trim(text: str) -> str:
    if "<html" in text.lower():  # an HTML status page: keep its words, not its markup
        text = re.sub(r"<(script|style)\b.*?</\1>|<[^>]+>", " ", text, flags=re.S | re.I)
    text = " ".join(text.split())
    return text if len(text) <= REPLY_LIMIT else text[:REPLY_LIMIT] + "…"


def _connection(dest: Destination, url: str) -> tuple[http.client.HTTPConnection, str]:
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme == "https":
        conn: http.client.HTTPConnection = http.client.HTTPSConnection(
            host, parts.port, timeout=dest.timeout, context=tls_context(dest)
        )
    elif parts.scheme == "http" and (host in LOOPBACK_HOSTS or dest.allow_http):
        conn = http.client.HTTPConnection(host, parts.port, timeout=dest.timeout)
    else:
        raise UploadError(
            "Địa chỉ nơi nhận phải bắt đầu bằng https://.", retryable=False, detail=url
        )
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return conn, path


def _auth_headers(dest: Destination, secret: str | None) -> dict[str, str]:
    if dest.kind is DestinationKind.HTTPS_POST and dest.bearer and secret:
        return {"Authorization": f"Bearer {secret}"}
    if dest.username:
        token = base64.b64encode(f"{dest.username}:{secret or ''}".encode()).decode("ascii")
        return {"Authorization": f"Basic {token}"}
    return {}


def _request(
    dest: Destination,
    method: str,
    url: str,
    secret: str | None,
    *,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, str, str, http.client.HTTPResponse]:
    conn, path = _connection(dest, url)
    all_headers = {"User-Agent": USER_AGENT, **_auth_headers(dest, secret), **(headers or {})}
    where = urlsplit(url).netloc
    try:
        conn.request(method, path, body=body, headers=all_headers)
        resp = conn.getresponse()
        text = resp.read(64 * 1024).decode("utf-8", "replace") if method != "HEAD" else ""
        return resp.status, resp.reason, text, resp
    except http.client.HTTPException as e:  # RemoteDisconnected, IncompleteRead, BadStatusLine
        raise UploadError(
            f"Kết nối tới {where} bị ngắt giữa chừng; sẽ gửi lại sau.",
            retryable=True,
            detail=f"{type(e).__name__}: {e}",
        ) from e
    except OSError as e:
        raise connect_error(where, e, plain_hint=PLAIN_HTTP_HINT) from e
    finally:
        conn.close()


def check_status(status: int, reason: str, text: str, where: str) -> None:
    """Map an HTTP status to an UploadError (2xx passes)."""
    detail = _trim(f"HTTP {status} {reason} {text}")
    if 200 <= status < 300:
        return
    if status in (401, 403):
        raise UploadError(AUTH_MESSAGE, retryable=False, detail=detail, status=status)
    if status >= 500 or status in (408, 425, 429):
        raise UploadError(
            f"Máy chủ {where} đang gặp lỗi (mã {status}); sẽ thử lại sau.",
            retryable=True,
            detail=detail,
            status=status,
        )
    if status in (404, 409):
        raise UploadError(
            f"Không có thư mục hoặc địa chỉ nhận trên máy chủ {where} (mã {status}); "
            "hãy kiểm tra địa chỉ trong “Nơi nhận báo cáo”.",
            retryable=False,
            detail=detail,
            status=status,
        )
    raise UploadError(
        f"Máy chủ {where} từ chối tệp (mã {status}).", retryable=False, detail=detail, status=status
    )


def status_url(url: str, key: str) -> str:
    """Where the receiver answers whether it holds ``key``: ``<url>/status?key=<key>``."""
    parts = urlsplit(url)
    query = (parts.query + "&" if parts.query else "") + "key=" + quote(key, safe="")
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/status", query=query))


class WebDavTransport:
    """PUT into a WebDAV folder (``dest.url`` is the folder) under the report's own file name."""

    def _target(self, dest: Destination, file_name: str) -> str:
        return dest.url.rstrip("/") + "/" + quote(file_name)

    def send(self, dest: Destination, payload: Payload, secret: str | None) -> DeliveryReceipt:
        target = self._target(dest, payload.file_name)
        where = urlsplit(dest.url).netloc
        status, reason, _text, resp = _request(dest, "HEAD", target, secret)
        if status == 200 and resp.getheader("Content-Length") == str(len(payload.data)):
            return DeliveryReceipt(
                status, f"{reason} (HEAD {payload.file_name})", already_there=True
            )
        if status != 404 and not 200 <= status < 300:
            check_status(status, reason, "", where)
        status, reason, text, _ = _request(
            dest,
            "PUT",
            target,
            secret,
            body=payload.data,
            headers={
                "Content-Type": payload.content_type,
                "Content-Length": str(len(payload.data)),
            },
        )
        check_status(status, reason, text, where)
        return DeliveryReceipt(status, _trim(f"{reason} {text}"))

    def probe(self, dest: Destination, secret: str | None) -> DeliveryReceipt:
        url = dest.url.rstrip("/") + "/"
        status, reason, text, _ = _request(
            dest, "PROPFIND", url, secret, body=b"", headers={"Depth": "0", "Content-Length": "0"}
        )
        check_status(status, reason, text, urlsplit(dest.url).netloc)
        return DeliveryReceipt(status, reason)


class HttpsPostTransport:
    """A multipart/form-data POST: the file plus what the province needs to file it."""

    def _body(self, payload: Payload) -> tuple[bytes, str]:
        boundary = "tthc-" + hashlib.sha256(payload.message_id.encode()).hexdigest()[:32]
        fields = {
            "office_id": payload.office_id,
            "kind": payload.kind,
            "period": payload.period_key,
            "version": str(payload.version),
            "replaces": payload.replaces_file_name,
            "sha256": payload.sha256,
        }
        parts: list[bytes] = []
        for name, value in fields.items():
            head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
            parts.append(f"{head}{value}\r\n".encode())
        quoted = quote(payload.file_name)
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{quoted}"; '
            f"filename*=UTF-8''{quoted}\r\nContent-Type: {payload.content_type}\r\n\r\n".encode()
        )
        parts.append(payload.data + f"\r\n--{boundary}--\r\n".encode())
        return b"".join(parts), f"multipart/form-data; boundary={boundary}"

    def send(self, dest: Destination, payload: Payload, secret: str | None) -> DeliveryReceipt:
        if payload.tried_before:
            found = self._lookup(dest, payload.message_id, secret)
            if found is not None:
                return found
        body, content_type = self._body(payload)
        status, reason, text, _ = _request(
            dest,
            "POST",
            dest.url,
            secret,
            body=body,
            headers={
                "Content-Type": content_type,
                "Content-Length": str(len(body)),
                "Idempotency-Key": payload.message_id,
            },
        )
        check_status(status, reason, text, urlsplit(dest.url).netloc)
        return DeliveryReceipt(status, _trim(f"{reason} {text}"))

    def _lookup(self, dest: Destination, key: str, secret: str | None) -> DeliveryReceipt | None:
        """The receiver's receipt for ``key`` if it already holds the report, else None.

        Only an answer that names this very key counts: a server without the lookup (404, 405,
        501, a generic 200 page, another error) gets the report posted again, which its key
        lets it drop; a refused password stops here, as the POST would be refused the same way.
        A timeout or a cut connection raises, like any other try that did not get through.
        """
        status, reason, text, _ = _request(dest, "GET", status_url(dest.url, key), secret)
        if status in (401, 403):
            check_status(status, reason, text, urlsplit(dest.url).netloc)
        if status != 200:
            return None
        try:
            answer = json.loads(text)
        except ValueError:
            return None
        if not isinstance(answer, dict) or answer.get("key") != key or not answer.get("receipt"):
            return None
        return DeliveryReceipt(status, _trim(f"{reason} {text}"), already_there=True)

    def probe(self, dest: Destination, secret: str | None) -> DeliveryReceipt:
        status, reason, text, _ = _request(dest, "OPTIONS", dest.url, secret)
        # Many upload endpoints do not implement OPTIONS: any answer that is not an error will do.
        if status in (401, 403) or status >= 500:
            check_status(status, reason, text, urlsplit(dest.url).netloc)
        return DeliveryReceipt(status, reason)


class FolderTransport:
    """Copy into a local or network folder; a reader never sees a half-written file."""

    def _folder(self, dest: Destination) -> Path:
        folder = Path(dest.folder)
        if not folder.is_dir():
            # A network share that is offline looks the same: it may come back, so try again later.
            raise UploadError(
                f"Không mở được thư mục “{dest.folder}” (chưa có hoặc mạng chưa kết nối); "
                "sẽ thử lại sau.",
                retryable=True,
                detail=str(folder),
            )
        return folder

    def send(self, dest: Destination, payload: Payload, secret: str | None) -> DeliveryReceipt:
        folder = self._folder(dest)
        target = folder / payload.file_name
        try:
            if target.exists():
                if hashlib.sha256(target.read_bytes()).hexdigest() == payload.sha256:
                    return DeliveryReceipt(None, f"Đã có {target}", already_there=True)
                raise UploadError(
                    f"Thư mục nhận đã có tệp “{payload.file_name}” với nội dung khác; "
                    "cần người quản trị kiểm tra.",
                    retryable=False,
                    detail=str(target),
                )
            fd, tmp = tempfile.mkstemp(prefix=f".{payload.file_name}.", suffix=".part", dir=folder)
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(payload.data)
                    f.flush()
                    os.fsync(f.fileno())
                os.replace(tmp, target)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as e:
            raise UploadError(
                f"Không ghi được vào thư mục “{dest.folder}”: {e.strerror or e}; sẽ thử lại sau.",
                retryable=True,
                detail=f"{type(e).__name__}: {e}",
            ) from e
        return DeliveryReceipt(None, f"Đã ghi {target}")

    def probe(self, dest: Destination, secret: str | None) -> DeliveryReceipt:
        folder = self._folder(dest)
        try:
            with tempfile.NamedTemporaryFile(dir=folder, prefix=".tthc-probe-"):
                pass
        except OSError as e:
            raise UploadError(
                f"Không ghi được vào thư mục “{dest.folder}”: {e.strerror or e}.",
                retryable=False,
                detail=f"{type(e).__name__}: {e}",
            ) from e
        return DeliveryReceipt(None, f"Ghi được vào {folder}")


def default_transports() -> dict[DestinationKind, Transport]:
    from tthc_desk.sync.mail import SmtpTransport

    return {
        DestinationKind.WEBDAV: WebDavTransport(),
        DestinationKind.HTTPS_POST: HttpsPostTransport(),
        DestinationKind.SMTP: SmtpTransport(),
        DestinationKind.FOLDER: FolderTransport(),
    }
