"""``tthc-desk server set|show|test|clear``: an administrator's script sets a counter PC to the
office's server (issue 12). The commands need no login; a connection that does not work is
refused with its Vietnamese reason and nothing is kept."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from tests.cli.test_cli import Cli, assert_one_line_error
from tests.pg import Cluster, free_port
from tthc_desk.db.engine import SCHEMA_HEAD
from tthc_desk.domain.server import ServerConnection
from tthc_desk.paths import ENV_DATABASE_URL
from tthc_desk.services.keys import KeyVault

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(tmp_path / "data", capsys, office=None)


def _state(run: Cli) -> dict[str, object]:
    path = run.data_dir / "tthc-desk.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def _options(url: str, **changed: str) -> list[str]:
    u = make_url(url)
    given = {"host": str(u.host), "port": str(u.port), "database": str(u.database)}
    given["user"] = str(u.username)
    given.update(changed)
    return [x for k, v in given.items() for x in (f"--{k}", v)]


def test_show_says_the_pc_uses_its_own_file(run: Cli, database_url: str | None) -> None:
    code, out, err = run("server", "show")
    assert code == 0, err
    assert (
        f"Máy này dùng: cơ sở dữ liệu riêng trên máy này ({run.data_dir / 'tthc-desk.db'})" in out
    )
    if database_url:  # the test harness's variable comes first, shown without its password
        assert out.startswith("Đang dùng: postgresql://postgres@127.0.0.1:")
        assert str(make_url(database_url).password) not in out


def test_bad_options_are_one_vietnamese_line(run: Cli) -> None:
    line = assert_one_line_error(
        *run(
            "server", "set", "--host", "may chu", "--port", "abc", "--database", "t", "--user", "u"
        )
    )
    assert line.startswith("tthc-desk: Thông tin kết nối máy chủ chưa đúng")
    assert "Địa chỉ máy chủ không được chứa dấu cách" in line and "Cổng “abc”" in line
    assert _state(run) == {}


def test_a_password_is_needed(run: Cli) -> None:
    line = assert_one_line_error(
        *run("server", "set", "--host", "h", "--database", "t", "--user", "u", "--no-check")
    )
    assert "Cần mật khẩu của người dùng “u”" in line and "--password-stdin" in line
    assert _state(run) == {}


def test_the_demo_never_uses_a_server(run: Cli) -> None:
    line = assert_one_line_error(*run("--demo", "server", "show"))
    assert "bỏ --demo" in line


def test_test_without_a_setting(run: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_DATABASE_URL, raising=False)
    line = assert_one_line_error(*run("server", "test"))
    assert "Máy này chưa đặt máy chủ" in line


@pytest.mark.postgresql_only
def test_a_wrong_password_is_refused_and_nothing_kept(run: Cli, database_url: str) -> None:
    line = assert_one_line_error(
        *run("server", "set", *_options(database_url), "--password-stdin", stdin="sai\n")
    )
    assert "từ chối đăng nhập" in line
    assert _state(run).get("server") in (None, {})
    u = make_url(database_url)
    kept = ServerConnection(str(u.host), str(u.database), str(u.username), int(u.port or 0))
    assert not (
        Path(os.environ["TTHC_DESK_KEY_DIR"]) / KeyVault.file_name(kept.secret_name)
    ).exists()


@pytest.mark.postgresql_only
def test_set_show_test_use_and_clear(
    run: Cli, pg_cluster: Cluster, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = str(make_url(database_url).database)
    password = str(make_url(database_url).password)
    code, out, err = run(
        "server", "set", *_options(database_url), "--password-stdin", stdin=password + "\n"
    )
    assert code == 0, err
    assert (
        out.startswith("Kết nối được: PostgreSQL 15") and f"phiên bản dữ liệu {SCHEMA_HEAD}" in out
    )
    assert (
        f"Đã lưu: từ lần mở sau, máy này dùng máy chủ postgres@127.0.0.1:{pg_cluster.port}/{name}"
        in out
    )
    assert "biến TTHC_DESK_DATABASE_URL đang đặt" in err  # the harness's variable still wins
    state_text = (run.data_dir / "tthc-desk.json").read_text(encoding="utf-8")
    assert password not in state_text
    assert _state(run)["server"] == {
        "host": "127.0.0.1",
        "port": pg_cluster.port,
        "database": name,
        "user": "postgres",
        "sslmode": "prefer",
    }

    monkeypatch.delenv(ENV_DATABASE_URL)
    code, out, err = run("server", "show")
    assert code == 0, err
    assert out.splitlines() == [
        "Máy này dùng: máy chủ của cơ quan",
        "Máy chủ: 127.0.0.1",
        f"Cổng: {pg_cluster.port}",
        f"Cơ sở dữ liệu: {name}",
        "Người dùng: postgres",
        "Mã hóa: prefer (Mã hóa nếu máy chủ hỗ trợ)",
        "Mật khẩu: đã lưu trên máy này",
    ]
    code, out, err = run("server", "test")
    assert code == 0 and out.startswith("Kết nối được: PostgreSQL"), err

    # A command that opens the database now works on the server (no variable set).
    code, out, err = run("search", "khong-co-ai")
    assert code == 0, err
    assert not (run.data_dir / "tthc-desk.db").exists()

    code, out, err = run("server", "clear")
    assert code == 0 and out.startswith(f"Đã bỏ máy chủ postgres@127.0.0.1:{pg_cluster.port}/"), err
    assert _state(run)["server"] == {}
    code, out, err = run("server", "show")
    assert out.startswith("Máy này dùng: cơ sở dữ liệu riêng trên máy này")


@pytest.mark.postgresql_only
def test_a_server_that_went_away_ends_a_command_with_its_reason(
    run: Cli, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = str(free_port())
    code, _out, err = run(
        "server", "set", *_options(database_url, port=port), "--no-check", "--password-stdin",
        stdin="x\n",
    )  # fmt: skip
    assert code == 0, err
    monkeypatch.delenv(ENV_DATABASE_URL)
    line = assert_one_line_error(*run("search", "ai"))
    assert f"tthc-desk: Máy chủ 127.0.0.1 không nhận kết nối ở cổng {port}" in line
    line = assert_one_line_error(*run("server", "test"))
    assert f"không nhận kết nối ở cổng {port}" in line


def test_driver_missing_says_which_package(tmp_path: Path) -> None:
    # A Python where importing psycopg fails, as on a PC installed without the server extra.
    script = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'psycopg' or name.startswith('psycopg.'):\n"
        "            raise ModuleNotFoundError(\"No module named 'psycopg'\", name='psycopg')\n"
        "sys.meta_path.insert(0, Block())\n"
        "from tthc_desk.__main__ import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, "server", "test", "--host", "127.0.0.1", "--database",
         "tthc", "--user", "quay", "--password-stdin", "--data-dir", str(tmp_path / "d")],
        input="mk\n", capture_output=True, text=True, cwd=ROOT, timeout=60,
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    line = result.stderr.strip()
    assert line.startswith("tthc-desk: Máy này chưa cài trình điều khiển PostgreSQL")
    assert "psycopg[binary]" in line and len(line.splitlines()) == 1
