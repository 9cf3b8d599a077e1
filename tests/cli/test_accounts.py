"""Who runs a command: the first-run ``setup``, accounts and logins from the command line, and
the same rights as in the GUI for each role against each guarded command."""

from __future__ import annotations

import argparse
import io
import re
import shlex
import shutil
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import text, update

from tests import dbfiles, engines
from tests.cli.test_cli import (
    Cli,
    assert_one_line_error,
    cheap_password_hashes,
    prepare_office,
)
from tests.conftest import TEST_PASSWORD, make_draft
from tthc_desk import cli
from tthc_desk.db.models import DossierRecord
from tthc_desk.domain.access import SYSTEM, Actor
from tthc_desk.domain.clock import FixedClock
from tthc_desk.domain.dossier import ReturnMethod
from tthc_desk.domain.lifecycle import Move
from tthc_desk.domain.moves import MoveRequest
from tthc_desk.paths import AppPaths
from tthc_desk.services.container import Services, open_services

#: ``tthc-desk setup`` exactly as the issue and the README write it.
SETUP = [
    "setup",
    "--agency-id",
    "000.17.22.H56",
    "--authority",
    "UBND PHƯỜNG ĐỒNG NGUYÊN",
    "--office",
    "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG",
    "--place",
    "Đồng Nguyên",
    "--head",
    "Nguyễn Văn An",
    "--admin",
    "quantri",
    "--admin-name",
    "Lê Văn Cường",
    "--roles",
    "clerk,head,admin",
    "--password-stdin",
]
ADMIN_PASSWORD = "quan-tri-2026"
NEW_PASSWORD = "mat-khau-moi-9"
RECEIVE = ["receive", "--procedure", "1.001193", "--name", "Lê Thị Hoa", "--id-number",
           "001190054321"]  # fmt: skip


def pdf_text(path: Path) -> str:
    return unicodedata.normalize("NFC", "".join(p.extract_text() for p in PdfReader(path).pages))


def open_folder(data_dir: Path, now: datetime = datetime(2026, 3, 2, 9, 0)) -> Services:
    return open_services(AppPaths(data_dir), FixedClock(now), seed=False)


def content(data_dir: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table but the accounts' (a login stamps its account), the
    journal's (a login is journalled) and the change numbers that tell other counters about the
    login (``changes:account``): what a refused command must leave as it was."""
    with dbfiles.database(data_dir) as db:
        tables = [
            t for t in dbfiles.table_names(db) if t != "accounts" and not t.startswith("journal")
        ]
        return {
            t: sorted(
                (
                    tuple(r)
                    for r in db.execute(text(f'SELECT * FROM "{t}"'))
                    if not (t == "counters" and r[0] == "changes:account")
                ),
                key=repr,
            )
            for t in tables
        }


# -- the first run ----------------------------------------------------------------------------


def test_setup_as_documented_then_the_admin_receives_under_their_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = Cli(tmp_path / "data", capsys, office=None, user="quantri")
    code, out, err = run(*SETUP, stdin=ADMIN_PASSWORD + "\n")
    assert code == 0, err
    assert out.splitlines() == [
        "Đã khai báo cơ quan: TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG – UBND PHƯỜNG ĐỒNG NGUYÊN "
        "(000.17.22.H56).",
        "Tài khoản quản trị: quantri (Lê Văn Cường) – Cán bộ tiếp nhận, Lãnh đạo, Quản trị.",
    ]
    line = assert_one_line_error(*run(*SETUP, stdin=ADMIN_PASSWORD + "\n"))
    assert "đã được khai báo" in line

    receipt = tmp_path / "giay.pdf"
    code, out, err = run(*RECEIVE, "--receipt", str(receipt), password=ADMIN_PASSWORD)
    assert code == 0, err
    assert out == "000.17.22.H56-260302-0001\n"
    assert "Lê Văn Cường" in pdf_text(receipt)
    svc = open_folder(run.data_dir)
    try:
        hours = svc.settings.hours()
        assert hours.same_day_cutoff.strftime("%H:%M") == "15:00"  # rules.md's default
        [event] = svc.lifecycle.history(out.strip())
        assert event.actor == "Lê Văn Cường"
    finally:
        svc.close()


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (RECEIVE, "tthc-desk setup --agency-id"),
        (["apology", "confirm", "1"], "tthc-desk setup --agency-id"),
        (["postal", "batch", "-o", "ban-giao.pdf"], "tthc-desk setup --agency-id"),
    ],
)
def test_before_the_setup_nothing_is_issued_and_the_error_names_the_setup_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], expected: str
) -> None:
    run = Cli(tmp_path / "data", capsys, office=None, user="quantri")
    line = assert_one_line_error(*run(*argv))
    assert "Chưa khai báo thông tin cơ quan" in line and expected in line
    # The command the message names is a real one: it parses as tthc-desk setup.
    words = shlex.split(line[line.index("tthc-desk setup") :])
    assert words[0] == "tthc-desk"
    assert cli.build_parser().parse_args(words[1:]).command == "setup"
    assert run.dossier_count() == 0


@pytest.mark.parametrize(
    ("change", "password", "expected"),
    [
        ({"--agency-id": "000 17 22 H56"}, ADMIN_PASSWORD, "Mã định danh"),
        ({}, "ngan", "ít nhất 8 ký tự"),
        ({"--admin": "quantrivien"}, "quantrivien", "trùng tên đăng nhập"),
        ({"--roles": "clerk,head"}, ADMIN_PASSWORD, "vai trò admin"),
        ({"--roles": "clerk,boss"}, ADMIN_PASSWORD, "“boss” không phải vai trò"),
    ],
)
def test_a_bad_setup_is_refused_and_sets_nothing_up(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    change: dict[str, str],
    password: str,
    expected: str,
) -> None:
    run = Cli(tmp_path / "data", capsys, office=None)
    argv = list(SETUP)
    for option, value in change.items():
        argv[argv.index(option) + 1] = value
    assert expected in assert_one_line_error(*run(*argv, stdin=password + "\n"))
    svc = open_folder(run.data_dir)
    try:
        assert not svc.settings.is_set_up()
        assert svc.accounts.list(include_inactive=True) == []
    finally:
        svc.close()
    assert run(*SETUP, stdin=ADMIN_PASSWORD + "\n")[0] == 0  # the right one still works


def test_setup_without_a_password_on_stdin_or_a_terminal_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = Cli(tmp_path / "data", capsys, office=None)
    argv = [a for a in SETUP if a != "--password-stdin"]
    assert "--password-stdin" in assert_one_line_error(*run(*argv))
    assert "Không đọc được mật khẩu" in assert_one_line_error(*run(*SETUP, stdin=""))


# -- the demo database ------------------------------------------------------------------------


def test_demo_on_an_empty_folder_then_more_and_never_on_a_real_office(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], request: pytest.FixtureRequest
) -> None:
    demo = Cli(tmp_path / "demo", capsys, office=None)
    assert demo("demo", "--dossiers", "20")[0] == 0
    assert demo("demo", "--dossiers", "15", "--seed", "2")[0] == 0  # more on the demo database
    assert demo.dossier_count() == 35
    code, _, err = demo(*RECEIVE)  # as the documented account demo / demo
    assert code == 0, err
    # The demo command itself needs no login (and takes none).
    line = assert_one_line_error(*demo("--user", "demo", "demo", "--dossiers", "1", user=None))
    assert "không cần đăng nhập" in line

    with engines.another_database(request):  # a real office has a database of its own
        real = Cli(tmp_path / "real", capsys)  # the test office, set up
        assert real.receive()[0] == 0
        before = content(real.data_dir)
        line = assert_one_line_error(*real("demo", "--dossiers", "10"))
        assert line.startswith("tthc-desk: Không tạo dữ liệu mẫu trong cơ sở dữ liệu thật")
        assert content(real.data_dir) == before


def test_the_demo_option_opens_the_demo_database_with_its_account(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = Cli(tmp_path / "data", capsys, office=None)
    code, out, err = run("--demo", *RECEIVE)  # the demo account logs in
    assert code == 0, err
    assert out.startswith("000.17.22.H56-260302-")
    assert run("--demo", "search", "le thi hoa")[1].count("Lê Thị Hoa") == 1
    assert not AppPaths(run.data_dir).database_file.exists()  # only the demo sub-folder


# -- logging in -------------------------------------------------------------------------------


def test_reading_runs_as_the_system_and_user_names_the_person(
    run_office: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[Actor | None] = []

    def who(args: argparse.Namespace, svc: Services, out: object) -> int:
        seen.append(svc.accounts.current)
        return 0

    monkeypatch.setitem(cli.COMMANDS, "search", who)
    assert run_office("search", "x")[0] == 0
    assert run_office("--user", "cuong", "--password-stdin", "search", "x",
                      user=None, stdin=TEST_PASSWORD + "\n")[0] == 0  # fmt: skip
    assert seen[0] == SYSTEM
    assert seen[1] is not None and seen[1].username == "cuong" and not seen[1].system


class Terminal(io.StringIO):
    """Standard input as a person at a terminal types it."""

    def isatty(self) -> bool:
        return True


def test_in_a_terminal_the_documented_forms_ask_who_and_the_password(
    run_office: Cli, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    prompts: list[str] = []

    def getpass(prompt: str) -> str:
        prompts.append(prompt)
        return TEST_PASSWORD

    monkeypatch.setattr("getpass.getpass", getpass)
    monkeypatch.setattr("sys.stdin", Terminal("cuong\n"))
    argv = ["--now", "2026-03-02 09:00", *RECEIVE, "--data-dir", str(run_office.data_dir)]
    assert cli.main(argv) == 0
    out, err = capsys.readouterr()
    assert out == "000.17.22.H56-260302-0003\n"  # only the code on stdout
    assert err == "Tên đăng nhập: " and prompts == ["Mật khẩu của cuong: "]
    svc = open_folder(run_office.data_dir)
    try:
        assert svc.lifecycle.history(out.strip())[0].actor == "Lê Văn Cường"
    finally:
        svc.close()


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--password-stdin", "search", "x"], "thiếu --user"),
        (["--user", "binh"], "giao diện có màn hình đăng nhập"),
        (["search", "x", "--user", "binh"], "Không hiểu tham số: --user binh"),
    ],
)
def test_login_options_in_the_wrong_place(run_office: Cli, argv: list[str], expected: str) -> None:
    line = assert_one_line_error(*run_office(*argv, user=None, stdin=TEST_PASSWORD + "\n"))
    assert expected in line


def test_a_wrong_password_writes_nothing_and_five_lock_the_account(run_office: Cli) -> None:
    before = content(run_office.data_dir)
    for attempt in range(1, 6):
        line = assert_one_line_error(
            *run_office(*RECEIVE, user="cuong", password="khong-dung-1", now="2026-03-02 10:00")
        )
        if attempt < 5:
            assert line == "tthc-desk: Sai tên đăng nhập hoặc mật khẩu."
    assert "bị khóa tạm thời đến 10:05" in line
    line = assert_one_line_error(*run_office(*RECEIVE, user="cuong", now="2026-03-02 10:01"))
    assert "đang bị khóa" in line  # the right password too, while locked
    assert content(run_office.data_dir) == before
    code, out, err = run_office("user", "list", user="quantri", now="2026-03-02 10:02")
    assert code == 0, err
    assert (
        "cuong\tLê Văn Cường\tCán bộ tiếp nhận\tđang hoạt động\tkhóa tạm đến 02/03/2026 10:05"
        in (out.splitlines())
    )
    code, out, err = run_office(*RECEIVE, user="cuong", now="2026-03-02 10:06")
    assert code == 0, err


def test_a_temporary_password_must_be_changed_first_with_user_passwd(run_office: Cli) -> None:
    code, out, err = run_office(
        "user", "add", "hoa", "--full-name", "Phạm Thị Hoa", "--roles", "clerk", "--temporary",
        user="quantri", stdin="tam-thoi-123\n",
    )  # fmt: skip
    assert code == 0, err
    assert out == (
        "Đã tạo tài khoản hoa (Phạm Thị Hoa): Cán bộ tiếp nhận; mật khẩu tạm thời, phải đổi "
        "khi đăng nhập lần đầu.\n"
    )
    line = assert_one_line_error(*run_office(*RECEIVE, user="hoa", password="tam-thoi-123"))
    assert "mật khẩu tạm thời" in line
    assert "tthc-desk --user hoa --password-stdin user passwd" in line
    passwd = ["--user", "hoa", "--password-stdin", "user", "passwd"]
    line = assert_one_line_error(*run_office(*passwd, user=None, stdin="sai-roi-123\nx\n"))
    assert line == "tthc-desk: Sai tên đăng nhập hoặc mật khẩu."
    code, out, err = run_office(*passwd, user=None, stdin=f"tam-thoi-123\n{NEW_PASSWORD}\n")
    assert (code, out) == (0, "Đã đổi mật khẩu của hoa.\n"), err
    code, out, err = run_office(*RECEIVE, user="hoa", password=NEW_PASSWORD)
    assert code == 0, err

    # Reset by the administrator: temporary again, and it unlocks nothing else.
    code, out, err = run_office(
        "user", "reset-password", "hoa", user="quantri", stdin="dat-lai-456\n"
    )
    assert code == 0 and "phải đổi khi đăng nhập lần sau" in out, err
    assert "mật khẩu tạm thời" in assert_one_line_error(
        *run_office(*RECEIVE, user="hoa", password="dat-lai-456")
    )


def test_accounts_listed_disabled_and_enabled(run_office: Cli) -> None:
    code, out, err = run_office("user", "list", user="quantri")
    assert code == 0, err
    assert out.splitlines() == [
        "cuong\tLê Văn Cường\tCán bộ tiếp nhận\tđang hoạt động\t",
        "an\tNguyễn Văn An\tLãnh đạo\tđang hoạt động\t",
        "quantri\tQuản trị viên\tQuản trị\tđang hoạt động\t",
        "binh\tTrần Thị Bình\tCán bộ tiếp nhận, Lãnh đạo, Quản trị\tđang hoạt động\t",
    ]
    code, out, err = run_office("user", "disable", "cuong", user="quantri")
    assert code == 0 and out.startswith("Đã ngừng tài khoản cuong (Lê Văn Cường)"), err
    assert "cuong\tLê Văn Cường\tCán bộ tiếp nhận\tngừng hoạt động\t" in (
        run_office("user", "list", user="quantri")[1].splitlines()
    )
    assert "đã bị khóa" in assert_one_line_error(*run_office(*RECEIVE, user="cuong"))
    assert run_office("user", "enable", "cuong", user="quantri")[0] == 0
    assert run_office(*RECEIVE, user="cuong")[0] == 0
    line = assert_one_line_error(*run_office("user", "disable", "khong-co", user="quantri"))
    assert "khong-co" in line


def test_no_password_in_arguments_help_logs_or_the_database(run_office: Cli) -> None:
    def options(parser: argparse.ArgumentParser) -> Iterator[argparse.Action]:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for sub in action.choices.values():
                    yield from options(sub)
            else:
                yield action

    takes_a_secret = [
        a.option_strings
        for a in options(cli.build_parser())
        if any("password" in o or "mat-khau" in o for o in a.option_strings) and a.nargs != 0
    ]
    assert takes_a_secret == []  # every password option is a flag: the secret comes on stdin

    # Accounts made, logins (good and bad), a password changed, with -v: none of it in the log.
    secrets = [TEST_PASSWORD, NEW_PASSWORD, "tam-thoi-123", "khong-dung-1"]
    run_office("-v", "user", "add", "hoa", "--full-name", "Phạm Thị Hoa", "--roles", "clerk",
               user="quantri", stdin="tam-thoi-123\n")  # fmt: skip
    run_office("-v", *RECEIVE, user="cuong", password="khong-dung-1")
    run_office("--user", "hoa", "--password-stdin", "-v", "user", "passwd",
               user=None, stdin=f"tam-thoi-123\n{NEW_PASSWORD}\n")  # fmt: skip
    for command in (["--help"], ["user", "add", "--help"], ["setup", "--help"]):
        code, out, _ = run_office(*command)
        assert code == 0 and not any(s in out for s in secrets)
    folder = run_office.data_dir
    log = (folder / "logs" / "tthc-desk-cli.log").read_text(encoding="utf-8")
    assert "hoa logged in" in log  # the log is there, and it names people…
    files = [p for p in folder.rglob("*") if p.is_file()]
    for secret in secrets:  # …but no password, in any file of the data folder
        assert not any(secret.encode() in p.read_bytes() for p in files), secret


# -- each role against each guarded command ---------------------------------------------------


@dataclass(frozen=True)
class Office:
    """A set-up test office with something for every guarded command to act on."""

    folder: Path
    values: dict[str, str]
    database: engines.OwnDatabase


@pytest.fixture(scope="module")
def office(
    tmp_path_factory: pytest.TempPathFactory, db_engine: str, request: pytest.FixtureRequest
) -> Iterator[Office]:
    with engines.own_database(db_engine, request) as database:
        with database.active():  # while it is prepared; each test then takes a copy
            office = _prepare(tmp_path_factory.mktemp("office"), database)
        yield office


def _prepare(root: Path, database: engines.OwnDatabase) -> Office:
    folder = root / "data"
    prepare_office(folder, "test")
    clock = FixedClock(datetime(2026, 3, 2, 8, 30))
    svc = open_services(AppPaths(folder), clock)
    try:
        svc.accounts.login("binh", TEST_PASSWORD)
        late = svc.dossiers.receive(make_draft())  # due the same day, 17:00
        by_post = svc.dossiers.receive(
            make_draft(
                procedure_code="1.004873",
                return_method=ReturnMethod.POSTAL,
                return_address="Số 5 ngõ 12 phố Đông Các, phường Đồng Nguyên",
            )
        )
        svc.lifecycle.move(by_post.code, MoveRequest(Move.RESULT_READY))
        clock.set(datetime(2026, 3, 3, 9, 0))
        svc.apologies.scan()
        [letter] = [x for x in svc.apologies.letters() if x.dossier_code == late.code]
        svc.catalog.export_xlsx(root / "danh-muc.xlsx")
    finally:
        svc.close()
    calendar = root / "lich.csv"
    calendar.write_text("Ngày,Loại,Tên\n26/10/2026,Ngày nghỉ bù,Nghỉ theo quyết định\n", "utf-8")
    (root / "share").mkdir()
    values = {
        "late": late.code,
        "letter": str(letter.id),
        "catalog": str(root / "danh-muc.xlsx"),
        "calendar": str(calendar),
        "share": str(root / "share"),
    }
    return Office(folder, values, database)


@pytest.fixture
def run_office(office: Office, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Iterator[Cli]:
    """A copy of the module's office, for one test to change."""
    folder = tmp_path / "data"
    shutil.copytree(office.folder, folder)
    office.database.copy_to_test()
    with cheap_password_hashes():  # accounts the test adds log in quickly too
        yield Cli(folder, capsys, office=None, user="binh")


MOVE = ["move", "{late}", "--to", "handed-over", "--unit", "Phòng Kinh tế"]
CONFIRM = ["apology", "confirm", "{letter}"]
ADD = ["user", "add", "hoa", "--full-name", "Phạm Thị Hoa", "--roles", "clerk"]
DESTINATION = ["destination", "set", "--kind", "folder", "--folder", "{share}"]
BATCH = ["postal", "batch", "-o", "{out}/ban-giao.pdf"]
REFUSED = "không có quyền này"
NO_USER = "cần người làm đăng nhập: thêm --user"

#: (command, who runs it, exit code, what the error line says). The table of rights is
#: domain/access.py; the CLI must obey it exactly as the GUI does.
RIGHTS_TABLE = [
    (RECEIVE, "cuong", 0, ""),
    (RECEIVE, "an", 0, ""),  # the head of office does everything a clerk does
    (RECEIVE, "quantri", 2, REFUSED),
    (RECEIVE, None, 2, NO_USER),
    (MOVE, "cuong", 0, ""),
    (MOVE, "quantri", 2, REFUSED),
    (MOVE, None, 2, NO_USER),
    (BATCH, "cuong", 0, ""),
    (BATCH, "quantri", 2, REFUSED),
    (CONFIRM, "cuong", 2, "Chỉ Lãnh đạo được ký duyệt phiếu xin lỗi"),
    (CONFIRM, "quantri", 2, REFUSED),
    (CONFIRM, "an", 0, ""),
    (CONFIRM, None, 2, NO_USER),
    ([*CONFIRM, "--by", "Nguyễn Văn An"], "an", 0, ""),
    ([*CONFIRM, "--by", "Nguyễn Văn An"], "binh", 2, "không ký thay “Nguyễn Văn An”"),
    (["late", "--scan"], None, 0, ""),  # the system drafts letters, as the GUI does at start
    (["late", "--scan"], "quantri", 2, REFUSED),
    (["catalog", "import", "{catalog}"], "cuong", 2, REFUSED),
    (["catalog", "import", "{catalog}"], "an", 2, REFUSED),
    (["catalog", "import", "{catalog}"], "quantri", 0, ""),
    (["catalog", "import", "{catalog}"], None, 2, NO_USER),
    (["calendar", "import", "{calendar}"], "cuong", 2, REFUSED),
    (["calendar", "import", "{calendar}"], "quantri", 0, ""),
    (ADD, "cuong", 2, REFUSED),
    (ADD, "an", 2, REFUSED),
    (ADD, "quantri", 0, ""),
    (ADD, None, 2, NO_USER),
    (["user", "disable", "cuong"], "an", 2, REFUSED),
    (["user", "disable", "cuong"], "quantri", 0, ""),
    (["user", "reset-password", "an"], "cuong", 2, REFUSED),
    (["user", "reset-password", "an"], "quantri", 0, ""),
    (["user", "list"], "cuong", 2, REFUSED),
    (["user", "list"], "quantri", 0, ""),
    (DESTINATION, "cuong", 2, REFUSED),
    (DESTINATION, "quantri", 0, ""),
    (DESTINATION, None, 2, NO_USER),
    (["journal", "verify"], None, 0, ""),  # a scheduled check runs as the system
    (["journal", "verify"], "cuong", 2, REFUSED),
    (["journal", "verify", "--full"], "an", 0, ""),
    (["journal", "verify", "--full"], "quantri", 0, ""),
    (["journal", "list"], "cuong", 2, REFUSED),
    (["journal", "list"], "an", 0, ""),
    (["journal", "list"], None, 2, NO_USER),
    (["journal", "export", "{out}/nhat-ky.xlsx"], "cuong", 2, REFUSED),
    (["journal", "export", "{out}/nhat-ky.xlsx"], "quantri", 0, ""),
    (["report", "weekly", "-o", "{out}/tuan.xlsx"], None, 0, ""),  # a scheduled job
    (["report", "weekly", "-o", "{out}/tuan.xlsx"], "cuong", 0, ""),
    (["recovery-key", "print", "--out", "{out}/khoa.pdf"], "cuong", 2, REFUSED),
    (["recovery-key", "print", "--out", "{out}/khoa.pdf"], "an", 2, REFUSED),
    # The recovery key is the key of the encrypted SQLite file: a server database has none.
    pytest.param(
        ["recovery-key", "print", "--out", "{out}/khoa.pdf"],
        "quantri",
        0,
        "",
        marks=pytest.mark.sqlite_only,
    ),
    (["recovery-key", "print", "--out", "{out}/khoa.pdf"], None, 2, NO_USER),
]


def _values(row: Any) -> tuple[Any, ...]:
    return tuple(row.values) if hasattr(row, "values") else tuple(row)


@pytest.mark.parametrize(
    ("argv", "user", "expected", "says"),
    RIGHTS_TABLE,
    ids=[f"{' '.join(a[:2])}-{u or 'no-user'}" for a, u, _, _ in map(_values, RIGHTS_TABLE)],
)
def test_each_role_against_each_guarded_command(
    run_office: Cli,
    office: Office,
    tmp_path: Path,
    argv: list[str],
    user: str | None,
    expected: int,
    says: str,
) -> None:
    values = {**office.values, "out": str(tmp_path)}
    command = [a.format(**values) for a in argv]
    # A first start on this copy may keep keys it lacks (the report signing key's copy in the
    # database): that is the start's doing, not the command's.
    assert run_office("search", "Hoa", user=None)[0] == 0
    before = content(run_office.data_dir)
    login, stdin = [], NEW_PASSWORD + "\n"  # a new account's password, for those that ask
    if user:  # logged in even where the command would run as the system
        login, stdin = ["--user", user, "--password-stdin"], f"{TEST_PASSWORD}\n{stdin}"
    code, out, err = run_office(*login, *command, user=None, now="2026-03-03 10:00", stdin=stdin)
    if expected == 0:
        assert code == 0, err
    else:
        line = assert_one_line_error(code, out, err)
        assert says in line
        if user and says == REFUSED:
            assert f"“{user}”" in line
        assert content(run_office.data_dir) == before  # nothing written
        assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]  # no file either


def test_every_command_declares_who_runs_it() -> None:
    def leaves(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for sub in action.choices.values():
                    if sub.get_default("identity") is not None:
                        yield sub
                    yield from leaves(sub)

    names = {p.get_default("command_name"): p.get_default("identity").value for p in leaves(
        cli.build_parser())}  # fmt: skip
    # The README's table says the same; a changing command needs a person unless it is a job.
    assert names["receive"] == names["move"] == names["apology confirm"] == "person"
    assert names["search"] == names["print receipt"] == names["ledger"] == "system"
    assert names["report weekly"] == names["upload"] == names["upload status"] == "system"
    assert names["setup"] == names["demo"] == "nobody" and names["user passwd"] == "self"

    # The README's table ("Ai làm lệnh") names every command in the row of its identity.
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    rows = {"Hệ thống": "system", "Người đăng nhập": "person", "Không ai": "nobody"}
    documented: dict[str, set[str]] = {}
    for line in readme.splitlines():
        for word, identity in rows.items():
            if line.startswith(f"| **{word}**"):
                cell = line.split("|")[2]
                commands = {
                    " ".join(w for w in c.split() if not w.startswith("-") and w != "…")
                    for c in re.findall(r"`([^`]+)`", cell)
                }
                documented[identity] = commands
    for name, identity in names.items():
        row = "person" if identity == "self" else identity
        assert name in documented[row] or name.split()[0] in documented[row], name


# -- the journal from the command line --------------------------------------------------------


def test_journal_verify_finds_a_due_date_changed_in_the_file(
    run_office: Cli, office: Office
) -> None:
    code, out, _ = run_office("journal", "verify", "--full", user=None)
    assert code == 0 and out.startswith("Dữ liệu toàn vẹn: đã kiểm tra toàn bộ")
    with dbfiles.database(run_office.data_dir) as db:
        db.execute(
            update(DossierRecord)
            .where(DossierRecord.code == office.values["late"])
            .values(due_at=datetime(2026, 12, 31, 17, 0))
        )
    for argv in (["journal", "verify"], ["journal", "verify", "--full"]):
        code, out, err = run_office(*argv, user=None)
        line = assert_one_line_error(code, "", err)
        assert "Dữ liệu đã bị sửa ngoài phần mềm: 1 chỗ" in line
        assert f"- Hồ sơ {office.values['late']} bị sửa ngoài phần mềm sau mục nhật ký số" in out


def test_journal_list_filters_by_person_and_dossier(run_office: Cli, office: Office) -> None:
    code, out, err = run_office("journal", "list", "--dossier", office.values["late"], user="an")
    assert code == 0, err
    rows = [line.split("\t") for line in out.splitlines()]
    assert rows and all(r[5] == office.values["late"] for r in rows)
    assert rows[-1][2:5] == ["binh", "Thao tác", "tiếp nhận hồ sơ"]
    code, out, _ = run_office("journal", "list", "--person", "an", "--kind", "login", user="an")
    assert (
        code == 0 and out.splitlines() and all("\tan\tĐăng nhập\t" in x for x in out.splitlines())
    )
    code, _, err = run_office("journal", "list", "--dossier", "KHONG-CO", user="an")
    assert "Không có hồ sơ mã “KHONG-CO”" in assert_one_line_error(code, "", err)
