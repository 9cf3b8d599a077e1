"""What the tests of a lost server share (issue 12): a PostgreSQL cluster of the test's own, which
a test may stop and start again (the session's ``pg_cluster`` serves every other test and is never
stopped), and a TCP relay that loses the answer to a COMMIT, the one moment where a client cannot
know whether its save happened.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from tests.pg import PASSWORD, SUPERUSER, Cluster, running


@contextlib.contextmanager
def own_cluster() -> Iterator[Cluster]:
    """A cluster only this test uses: it may be stopped and started again. (Its folder is under
    the system's temporary folder: the server runs as another user when the tests run as root,
    and pytest's own temporary folders are closed to others.)"""
    folder = Path(tempfile.mkdtemp(prefix="tthc-pg-own-"))
    try:
        with running(folder) as cluster:
            # What was committed survives the stop (an immediate one, like a crash): the WAL is
            # written at each commit, as on an office's server (still without fsync).
            cluster.sql("ALTER SYSTEM SET synchronous_commit = on", "SELECT pg_reload_conf()")
            _wait_for_setting(cluster, "synchronous_commit", "on")
            yield cluster
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _wait_for_setting(cluster: Cluster, name: str, value: str, seconds: float = 10) -> None:
    """A reload is taken in by the server a moment later: wait until new connections see it."""
    import psycopg

    end = time.monotonic() + seconds
    while True:
        with psycopg.connect(
            host="127.0.0.1", port=cluster.port, user=SUPERUSER, password=PASSWORD,
            dbname="postgres",
        ) as conn:  # fmt: skip
            row = conn.execute(f"SHOW {name}").fetchone()  # type: ignore[arg-type]
        if row is not None and row[0] == value:
            return
        if time.monotonic() > end:
            raise TimeoutError(f"{name} is still {row}")
        time.sleep(0.05)


class CommitCutter:
    """A relay in front of a server (``port``): connections made to :attr:`port` of the relay
    reach the server unchanged until :meth:`arm` is called; then the next COMMIT is either
    delivered and its answer lost (``before=False``: the server commits, the client never hears
    it) or never delivered (``before=True``: the server rolls back), and that connection is cut
    both ways."""

    def __init__(self, server_port: int) -> None:
        self._server_port = server_port
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._listener.getsockname()[1])
        self._armed: str | None = None
        self._lock = threading.Lock()
        self.cut = threading.Event()
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def arm(self, *, before: bool = False) -> None:
        with self._lock:
            self._armed = "before" if before else "after"
            self.cut.clear()

    def close(self) -> None:
        self._closed = True
        with contextlib.suppress(OSError):
            self._listener.close()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self._server_port))
            pair = _Pair(client, server)
            threading.Thread(target=self._upstream, args=(pair,), daemon=True).start()
            threading.Thread(target=self._downstream, args=(pair,), daemon=True).start()

    def _take(self, chunk: bytes) -> str | None:
        with self._lock:
            if self._armed and b"COMMIT" in chunk:
                mode, self._armed = self._armed, None
                return mode
        return None

    def _upstream(self, pair: _Pair) -> None:
        while True:
            chunk = pair.recv(pair.client)
            if not chunk:
                return pair.close()
            mode = self._take(chunk)
            if mode == "before":
                self.cut.set()
                pair.close()
                return None
            if mode == "after":
                pair.losing = True
            pair.send(pair.server, chunk)

    def _downstream(self, pair: _Pair) -> None:
        while True:
            chunk = pair.recv(pair.server)
            if not chunk:
                return pair.close()
            if pair.losing:  # the server's answer to the COMMIT: never delivered
                self.cut.set()
                pair.close()
                return None
            pair.send(pair.client, chunk)


class _Pair:
    def __init__(self, client: socket.socket, server: socket.socket) -> None:
        self.client, self.server = client, server
        self.losing = False

    @staticmethod
    def recv(sock: socket.socket) -> bytes:
        try:
            return sock.recv(65536)
        except OSError:
            return b""

    @staticmethod
    def send(sock: socket.socket, data: bytes) -> None:
        with contextlib.suppress(OSError):
            sock.sendall(data)

    def close(self) -> None:
        for sock in (self.client, self.server):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                sock.close()
