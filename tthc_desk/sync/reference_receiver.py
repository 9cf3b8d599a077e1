"""The smallest receiver that keeps the HTTPS POST contract (README, "Gửi báo cáo"): a reference
for the province's developers and the server the upload tests run against. Standard library only.

- ``POST <path>`` (multipart/form-data, as :class:`~tthc_desk.sync.transports.HttpsPostTransport`
  sends it) with ``Idempotency-Key``: the first time, the report is stored and answered
  ``201`` with ``{"key": …, "receipt": …}``; a repeat of the key stores nothing and is answered
  ``200`` with the same receipt.
- ``GET <path>/status?key=<key>``: ``200`` with the same answer if the key is held, ``404``
  ``{"key": …, "receipt": null}`` if not.

The store is a folder: ``<receipt>.json`` (the key and the form fields) and ``<receipt>.bin``
(the file), written under a temporary name then renamed, so a crash leaves no half report.
Run it: ``python -m tthc_desk.sync.reference_receiver FOLDER [--port N] [--token T]
[--cert C --private-key K]``.
"""

from __future__ import annotations

import argparse
import hashlib
import http.server
import json
import os
import ssl
import threading
from email.parser import BytesParser
from email.policy import HTTP
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

MAX_BODY = 50 * 1024 * 1024  # a weekly report is a few hundred KB
FIELDS = ("office_id", "kind", "period", "version", "replaces", "sha256")


class ReceiverStore:
    """Reports by ``Idempotency-Key`` in a folder; one lock makes check-and-store atomic."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._by_key: dict[str, dict[str, Any]] = {}
        for meta in sorted(folder.glob("*.json")):
            entry = json.loads(meta.read_text("utf-8"))
            self._by_key[entry["key"]] = entry

    def lookup(self, key: str) -> dict[str, Any] | None:
        with self._lock:
            return self._by_key.get(key)

    def entries(self) -> list[dict[str, Any]]:
        """Every stored report, in the order received."""
        with self._lock:
            return sorted(self._by_key.values(), key=lambda e: str(e["receipt"]))

    def content(self, receipt: str) -> bytes:
        return (self.folder / f"{receipt}.bin").read_bytes()

    def receive(self, key: str, fields: dict[str, str], data: bytes) -> tuple[int, dict[str, Any]]:
        """(201, entry) the first time; (200, the original entry) for a repeat of ``key``."""
        with self._lock:
            if key in self._by_key:
                return 200, self._by_key[key]
            receipt = f"R{len(self._by_key) + 1:06d}"
            entry: dict[str, Any] = {"key": key, "receipt": receipt, **fields}
            self._write(f"{receipt}.bin", data)
            self._write(f"{receipt}.json", json.dumps(entry, ensure_ascii=False).encode())
            self._by_key[key] = entry
            return 201, entry

    def _write(self, name: str, data: bytes) -> None:
        tmp = self.folder / f".{name}.part"
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.folder / name)


def parse_upload(content_type: str, body: bytes) -> tuple[dict[str, str], bytes, str]:
    """The form fields, the file and its name; ValueError when the form is not as expected."""
    message = BytesParser(policy=HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body
    )
    if not message.is_multipart():
        raise ValueError("not multipart/form-data")
    fields: dict[str, str] = {}
    data: bytes | None = None
    file_name = ""
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if not isinstance(name, str) or not isinstance(payload, bytes):
            continue
        if name == "file":
            # TTHC Desk percent-encodes the name (RFC 7578 §4.2 allows it; UTF-8 underneath).
            data, file_name = payload, unquote(part.get_filename() or "")
        elif name in FIELDS:
            fields[name] = payload.decode("utf-8")
    if data is None:
        raise ValueError("no file part")
    if fields.get("sha256") != hashlib.sha256(data).hexdigest():
        raise ValueError("sha256 does not match the file")
    return fields, data, file_name


class ReceiverServer(http.server.ThreadingHTTPServer):
    """Serves :class:`ReceiverHandler` at ``path``; TLS handshakes run in each request's thread."""

    daemon_threads = True

    def __init__(
        self,
        address: tuple[str, int],
        store: ReceiverStore,
        *,
        path: str = "/nhan-bao-cao",
        token: str | None = None,
        context: ssl.SSLContext | None = None,
        handler: type[ReceiverHandler] | None = None,
    ) -> None:
        self.store = store
        self.path = path.rstrip("/")
        self.token = token
        self.context = context
        super().__init__(address, handler or ReceiverHandler)

    def finish_request(self, request: Any, client_address: Any) -> None:
        if self.context is not None:
            request.settimeout(10)  # a client that never finishes its handshake
            request = self.context.wrap_socket(request, server_side=True)
        super().finish_request(request, client_address)


class ReceiverHandler(http.server.BaseHTTPRequestHandler):
    server: ReceiverServer

    def do_POST(self) -> None:
        body = self.read_body()
        if body is None or not self.authorised():
            return
        if urlsplit(self.path).path.rstrip("/") != self.server.path:
            self.send_answer(404, {"error": "unknown path"})
            return
        key = self.headers.get("Idempotency-Key", "").strip()
        if not key:
            self.send_answer(400, {"error": "Idempotency-Key missing"})
            return
        try:
            fields, data, file_name = parse_upload(self.headers.get("Content-Type", ""), body)
        except ValueError as e:
            self.send_answer(400, {"error": str(e)})
            return
        status, entry = self.server.store.receive(key, {**fields, "file_name": file_name}, data)
        self.send_answer(status, _answer(entry))

    def do_GET(self) -> None:
        if not self.authorised():
            return
        parts = urlsplit(self.path)
        keys = parse_qs(parts.query).get("key", [])
        if parts.path.rstrip("/") != self.server.path + "/status" or len(keys) != 1:
            self.send_answer(404, {"error": "unknown path"})
            return
        entry = self.server.store.lookup(keys[0])
        if entry is None:
            self.send_answer(404, {"key": keys[0], "receipt": None})
        else:
            self.send_answer(200, _answer(entry))

    def do_OPTIONS(self) -> None:
        self.send_answer(204, None)

    def read_body(self) -> bytes | None:
        try:
            length = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY:
            self.send_answer(413 if length > MAX_BODY else 400, {"error": "Content-Length"})
            return None
        return self.rfile.read(length)

    def authorised(self) -> bool:
        token = self.server.token
        if token is None or self.headers.get("Authorization") == f"Bearer {token}":
            return True
        self.send_answer(401, {"error": "unauthorised"})
        return False

    def send_answer(self, status: int, answer: dict[str, Any] | None) -> None:
        body = b"" if answer is None else json.dumps(answer, ensure_ascii=False).encode()
        self.send_response(status)
        if answer is not None:
            self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass  # the store is the record; a reference receiver stays quiet


def _answer(entry: dict[str, Any]) -> dict[str, Any]:
    return {"key": entry["key"], "receipt": entry["receipt"]}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8443)
    parser.add_argument("--path", default="/nhan-bao-cao")
    parser.add_argument("--token")
    parser.add_argument("--cert")
    parser.add_argument("--private-key")
    args = parser.parse_args(argv)
    context = None
    if args.cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert, args.private_key)
    server = ReceiverServer(
        (args.host, args.port),
        ReceiverStore(args.folder),
        path=args.path,
        token=args.token,
        context=context,
    )
    server.serve_forever()


if __name__ == "__main__":
    main()
