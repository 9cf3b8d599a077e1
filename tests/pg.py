"""A throwaway PostgreSQL cluster for the tests and the benchmarks: the distribution's own
binaries (``initdb``/``pg_ctl``; Debian keeps them in ``/usr/lib/postgresql/<v>/bin``), on
127.0.0.1 and a free port, its socket in the cluster's folder, no docker.

The server refuses to run as root: as root (CI) it runs as the ``postgres`` user the package made
(or ``nobody``). TCP connections need the password (scram-sha-256), so a wrong password fails as it
would at an office; the cluster is tuned for speed (no fsync), never for keeping data.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SUPERUSER = "postgres"
PASSWORD = "mat-khau-may-chu"


def binaries() -> Path | None:
    """The folder holding ``initdb`` and ``pg_ctl`` (newest version), or None if not installed."""
    env = os.environ.get("TTHC_DESK_PG_BIN")
    if env:
        return Path(env)
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version)
    if found:
        return Path(found[-1]).parent
    which = shutil.which("initdb")
    return Path(which).parent if which else None


def _version(path: str) -> int:
    try:
        return int(Path(path).parent.parent.name)
    except ValueError:
        return 0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _runner() -> tuple[int, int] | None:
    """(uid, gid) to run the server as when we are root, else None."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            p = pwd.getpwnam(name)
            return p.pw_uid, p.pw_gid
    raise RuntimeError("no unprivileged user to run PostgreSQL as")


@dataclass
class Cluster:
    folder: Path
    port: int
    bin: Path

    @property
    def admin_url(self) -> str:
        return self.url("postgres")

    def url(self, database: str, user: str = SUPERUSER, password: str = PASSWORD) -> str:
        return f"postgresql+psycopg://{user}:{password}@127.0.0.1:{self.port}/{database}"

    # -- life ---------------------------------------------------------------------------------
    @classmethod
    def start(cls, folder: Path, port: int | None = None, *, durable: bool = False) -> Cluster:
        """A new cluster in ``folder`` (an existing one there is started again as it is).
        ``durable``: fsync and synchronous commits on, as on an office's server (benchmarks)."""
        pg_bin = binaries()
        if pg_bin is None:
            raise RuntimeError(
                "PostgreSQL is not installed (apt-get install postgresql): initdb not found"
            )
        folder.mkdir(parents=True, exist_ok=True)
        runner = _runner()
        data = folder / "data"
        if (data / "PG_VERSION").exists():
            conf = (data / "postgresql.conf").read_text()
            found = int(conf.rsplit("port = ", 1)[1].split()[0])
            cluster = cls(folder, found, pg_bin)
            cluster._run("pg_ctl", "-D", str(data), "-l", str(folder / "log"), "-w", "start")
            return cluster
        pwfile = folder / "pw"
        pwfile.write_text(PASSWORD + "\n")
        if runner:
            os.chown(folder, *runner)
            os.chown(pwfile, *runner)
        cluster = cls(folder, port or free_port(), pg_bin)
        cluster._run(
            "initdb",
            "-D",
            str(data),
            "-U",
            SUPERUSER,
            "--pwfile",
            str(pwfile),
            "--auth-host=scram-sha-256",
            "--auth-local=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        with (data / "postgresql.conf").open("a") as conf:
            conf.write(
                "\n# TTHC Desk tests and benchmarks\n"
                f"port = {cluster.port}\n"
                "listen_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{folder}'\n"
                + (
                    "shared_buffers = 512MB\nwork_mem = 16MB\n"
                    if durable
                    else "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
                    "shared_buffers = 128MB\n"
                )
                + "max_connections = 400\n"
                "log_min_messages = fatal\nlogging_collector = off\n"
            )
        cluster._run("pg_ctl", "-D", str(data), "-l", str(folder / "log"), "-w", "start")
        return cluster

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self._run("pg_ctl", "-D", str(self.folder / "data"), "-m", "immediate", "-w", "stop")

    def start_again(self) -> None:
        """Start the server again after :meth:`stop`: same data, same port (a server that went
        away and came back, as an office's does)."""
        data = self.folder / "data"
        self._run("pg_ctl", "-D", str(data), "-l", str(self.folder / "log"), "-w", "start")

    def _run(self, program: str, *args: str) -> None:
        runner = _runner()

        def demote() -> None:  # pragma: no cover - runs in the child
            if runner:
                os.setgid(runner[1])
                os.setuid(runner[0])

        subprocess.run(
            [str(self.bin / program), *args],
            check=True,
            capture_output=True,
            preexec_fn=demote if runner else None,
            cwd=str(self.folder),
        )

    # -- databases ----------------------------------------------------------------------------
    def sql(self, *statements: str, database: str = "postgres") -> None:
        import psycopg

        with psycopg.connect(
            host="127.0.0.1",
            port=self.port,
            user=SUPERUSER,
            password=PASSWORD,
            dbname=database,
            autocommit=True,
        ) as conn:
            for s in statements:
                conn.execute(s)  # type: ignore[arg-type]

    def create_database(self, name: str | None = None, template: str | None = None) -> str:
        """A new database (copied from ``template`` if given); returns its name."""
        name = name or "t_" + uuid.uuid4().hex[:16]
        tmpl = f" TEMPLATE {template}" if template else ""
        self.sql(f'CREATE DATABASE "{name}"{tmpl}')
        return name

    def drop_database(self, name: str) -> None:
        self.sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def running(folder: Path) -> Iterator[Cluster]:
    cluster = Cluster.start(folder)
    try:
        yield cluster
    finally:
        cluster.stop()


def wait_until_up(cluster: Cluster, seconds: float = 10) -> None:
    end = time.monotonic() + seconds
    while True:
        try:
            cluster.sql("SELECT 1")
            return
        except Exception:
            if time.monotonic() > end:
                raise
            time.sleep(0.1)
