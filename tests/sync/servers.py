"""Real servers on 127.0.0.1 for the upload tests, each with a switch that injects one fault.

- :class:`WebDavServer`: WsgiDAV on cheroot (port 0), basic auth, serving a temp folder.
- :class:`SmtpSink`: aiosmtpd with an authenticator, keeping every message it accepts.
- :class:`PostServer`: ``http.server`` taking multipart POSTs, honouring ``Idempotency-Key``.
- :class:`CutProxy`: a TCP relay that can cut a connection after N bytes from the client, to
  break an upload half-way whatever the protocol.
Every server stops itself in ``stop()``; loops are bounded by socket timeouts.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.server
import socket
import threading
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

USER, PASSWORD = "motcua", "mật-khẩu-đúng"
SLOW_SECONDS = 2.0  # longer than the 1 s timeout the tests give destinations


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class FaultSwitch:
    """``mode`` is None (healthy), "500", "slow"; tests flip it between sends."""

    def __init__(self) -> None:
        self.mode: str | None = None
        self.requests: list[str] = []


class _FaultMiddleware:
    def __init__(self, app: Callable[..., Any], switch: FaultSwitch) -> None:
        self._app = app
        self._switch = switch

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        self._switch.requests.append(environ["REQUEST_METHOD"])
        if self._switch.mode == "500":
            start_response("500 Internal Server Error", [("Content-Type", "text/plain")])
            return [b"broken"]
        if self._switch.mode == "slow":
            time.sleep(SLOW_SECONDS)  # then carry on: the client has given up, the server has not
        return self._app(environ, start_response)


class WebDavServer:
    def __init__(self, root: Path, *, tls: tuple[Path, Path] | None = None) -> None:
        """``tls``: (certificate, key) to serve https:// (cheroot's BuiltinSSLAdapter)."""
        from cheroot import wsgi
        from cheroot.ssl.builtin import BuiltinSSLAdapter
        from wsgidav.wsgidav_app import WsgiDAVApp

        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.switch = FaultSwitch()
        app = WsgiDAVApp(
            {
                "provider_mapping": {"/": str(root)},
                "http_authenticator": {
                    "domain_controller": None,
                    "accept_basic": True,
                    "accept_digest": False,
                    "default_to_digest": False,
                },
                "simple_dc": {"user_mapping": {"*": {USER: {"password": PASSWORD}}}},
                "verbose": 0,
                "logging": {"enable_loggers": []},
                "lock_storage": True,
                "property_manager": True,
            }
        )
        self.scheme = "https" if tls else "http"
        self._server = wsgi.Server(
            ("127.0.0.1", 0), _FaultMiddleware(app, self.switch), numthreads=4
        )
        if tls:
            self._server.ssl_adapter = BuiltinSSLAdapter(str(tls[0]), str(tls[1]))
        self._server.prepare()
        self.port = int(self._server.bind_addr[1])
        self._thread = threading.Thread(target=self._server.serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}/bao-cao/"

    def files(self) -> list[Path]:
        return sorted(p for p in (self.root / "bao-cao").glob("*") if p.is_file())

    def stop(self) -> None:
        self._server.stop()
        self._thread.join(timeout=10)


class SmtpSink:
    """``mode``: None, "451" (temporary refusal of DATA), "554" (permanent), "slow" (EHLO stalls).

    ``tls``: None (plain), "starttls" (STARTTLS offered and required before AUTH and MAIL) or
    "ssl" (TLS from the first byte), with ``cert`` = (certificate, key).
    """

    def __init__(self, *, tls: str | None = None, cert: tuple[Path, Path] | None = None) -> None:
        import ssl

        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult

        self.messages: list[bytes] = []
        self.mode: str | None = None
        sink = self

        class Handler:
            async def handle_EHLO(
                self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]
            ) -> list[str]:
                if sink.mode == "slow":
                    await asyncio.sleep(SLOW_SECONDS)
                session.host_name = hostname
                return responses

            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
                if sink.mode == "451":
                    return "451 4.3.0 Hệ thống bận, thử lại sau"
                if sink.mode == "554":
                    return "554 5.7.1 Thư bị từ chối"
                sink.messages.append(envelope.content)
                return "250 2.0.0 Message accepted for delivery"

        def authenticator(
            server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
        ) -> Any:
            ok = auth_data.login == USER.encode() and auth_data.password == PASSWORD.encode()
            # handled=False on refusal: otherwise aiosmtpd sends no reply and the client hangs.
            return AuthResult(success=True) if ok else AuthResult(success=False, handled=False)

        tls_kwargs: dict[str, Any] = {}
        if tls is not None:
            assert cert is not None and tls in ("starttls", "ssl")
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(str(cert[0]), str(cert[1]))
            tls_kwargs = (
                {"tls_context": context, "require_starttls": True, "auth_require_tls": True}
                if tls == "starttls"
                else {"ssl_context": context, "auth_require_tls": False}
            )
        else:
            tls_kwargs = {"auth_require_tls": False}
        self.port = free_port()
        with warnings.catch_warnings():  # AUTH without TLS: fine on loopback in a test
            warnings.simplefilter("ignore")
            self._controller = Controller(
                Handler(),
                hostname="127.0.0.1",
                port=self.port,
                authenticator=authenticator,
                auth_required=True,
                ready_timeout=10,
                **tls_kwargs,
            )
        self._controller.start()

    def message_ids(self) -> list[str]:
        from email import message_from_bytes

        return [message_from_bytes(m)["Message-ID"] for m in self.messages]

    def stop(self) -> None:
        self._controller.stop()


class PostServer:
    """Keeps one upload per ``Idempotency-Key``; ``mode`` "500" fails every request.

    ``tls``: (certificate, key) to serve https://; the handshake runs in the request's thread.
    """

    def __init__(self, *, tls: tuple[Path, Path] | None = None) -> None:
        import ssl

        self.uploads: dict[str, bytes] = {}
        self.requests = 0
        self.mode: str | None = None
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                owner.requests += 1
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if owner.mode == "500":
                    self._answer(500, b"loi")
                    return
                if self.headers.get("Authorization") != "Bearer token-tinh":
                    self._answer(401, b"")
                    return
                key = self.headers["Idempotency-Key"]
                first = key not in owner.uploads
                owner.uploads.setdefault(key, body)
                self._answer(201 if first else 200, "đã nhận".encode())

            def do_OPTIONS(self) -> None:
                self._answer(204, b"")

            def _answer(self, code: int, body: bytes) -> None:
                self.send_response(code)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        context: ssl.SSLContext | None = None
        if tls:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(str(tls[0]), str(tls[1]))
        self.scheme = "https" if tls else "http"

        class Server(http.server.ThreadingHTTPServer):
            daemon_threads = True

            def finish_request(self, request: Any, client_address: Any) -> None:
                if context is not None:
                    request.settimeout(SLOW_SECONDS)
                    request = context.wrap_socket(request, server_side=True)
                super().finish_request(request, client_address)

            def handle_error(self, request: Any, client_address: Any) -> None:
                pass  # a client refusing the certificate is what some tests want

        self._server = Server(("127.0.0.1", 0), Handler)
        self.port = int(self._server.server_address[1])
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}/nhan-bao-cao"

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)


class CutProxy:
    """Relays 127.0.0.1:port → target; with ``cut_after`` set, closes both ends after that many
    bytes from the client (a network cut in the middle of an upload)."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.cut_after: int | None = None
        self.cuts = 0
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)
        self.port = int(self._listener.getsockname()[1])
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        self._accepting = threading.Thread(target=self._accept, daemon=True)
        self._accepting.start()

    def _accept(self) -> None:
        while not self._stopping.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=10)
            for src, dst, limit in ((client, upstream, self.cut_after), (upstream, client, None)):
                t = threading.Thread(
                    target=self._pump, args=(src, dst, limit, client, upstream), daemon=True
                )
                t.start()
                self._threads.append(t)

    def _pump(
        self, src: socket.socket, dst: socket.socket, limit: int | None, *both: socket.socket
    ) -> None:
        passed = 0
        try:
            src.settimeout(0.2)
        except OSError:  # the other direction already closed both ends
            return
        while not self._stopping.is_set():
            try:
                chunk = src.recv(4096)
            except TimeoutError:
                continue
            except OSError:
                break
            if not chunk:
                break
            if limit is not None and passed + len(chunk) >= limit:
                with contextlib.suppress(OSError):
                    dst.sendall(chunk[: max(0, limit - passed)])
                self.cuts += 1
                break
            passed += len(chunk)
            try:
                dst.sendall(chunk)
            except OSError:
                break
        for s in both:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()

    def stop(self) -> None:
        self._stopping.set()
        self._listener.close()
        self._accepting.join(timeout=5)
        for t in self._threads:
            t.join(timeout=5)
