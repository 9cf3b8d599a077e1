"""The `tthc-desk` command line, driven through ``main([...])`` as a script would run it."""

from __future__ import annotations

import io
import re
import sys
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Literal
from unittest import mock

import pytest
from argon2 import PasswordHasher
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.conftest import TEST_PASSWORD, set_up_test_office
from tests.engines import OwnDatabase
from tthc_desk import cli
from tthc_desk.__main__ import main
from tthc_desk.cli.args import Identity, UsageError
from tthc_desk.domain.access import DEMO_PASSWORD, DEMO_USERNAME
from tthc_desk.domain.clock import FixedClock
from tthc_desk.paths import AppPaths
from tthc_desk.services import passwords
from tthc_desk.services.container import open_services
from tthc_desk.services.dossier_service import DossierQuery

NOW = "2026-03-02 09:00"  # Monday, an ordinary working morning
NAME = "Nguyễn Thị Hồng Nhung"
ID_NUMBER = "001190012345"

#: What the helper makes of a data folder before the first command: the test office (set up,
#: with the test accounts of tests/conftest.py) or the demo database; None leaves it as it is
#: (empty, or made by the test).
Office = Literal["test", "demo"]
_USUAL = "(the helper's user)"


@contextmanager
def cheap_password_hashes() -> Iterator[None]:
    """Argon2id with the smallest cost while the test accounts are made: a hash carries its own
    parameters, so every login of a test then verifies in a millisecond, not 0.1 s."""
    with mock.patch.object(passwords, "_hasher", PasswordHasher(1, 8, 1)):
        yield


def prepare_office(data_dir: Path, office: Office) -> None:
    with cheap_password_hashes():
        svc = open_services(
            AppPaths(data_dir), FixedClock(datetime(2026, 3, 2, 8, 0)), demo=office == "demo"
        )
        try:
            if office == "test":
                set_up_test_office(svc, login=None)
        finally:
            svc.close()


def needs_a_person(argv: list[str]) -> bool:
    """Whether the command on ``argv`` changes data (a person must log in to run it)."""
    if {"-h", "--help"} & set(argv):
        return False
    try:
        return cli.build_parser().parse_args(argv).identity is Identity.PERSON
    except (UsageError, AttributeError):
        return False


class Cli:
    """Runs commands against one temporary data folder with the clock fixed.

    The folder is set up once, before the first command (``office``). A command that changes
    data runs as ``user`` (``--user NAME --password-stdin`` before the command, the password on
    the first line of stdin, then ``stdin``); one that only reads runs as the system."""

    def __init__(
        self,
        data_dir: Path,
        capsys: pytest.CaptureFixture[str],
        office: Office | None = "test",
        user: str | None = None,
        database: OwnDatabase | None = None,
    ) -> None:
        """``database``: the folder's own (``tests.engines.new_database``) when the test has
        other folders; else the test's."""
        self.data_dir = data_dir
        self._capsys = capsys
        self.user = user or ("binh" if office == "test" else DEMO_USERNAME)
        self.database = database or OwnDatabase()
        if office is not None:
            with self.database.active():
                prepare_office(data_dir, office)

    @staticmethod
    def password_of(user: str) -> str:
        return DEMO_PASSWORD if user == DEMO_USERNAME else TEST_PASSWORD

    def __call__(
        self,
        *args: str,
        now: str | None = NOW,
        user: str | None = _USUAL,
        password: str | None = None,
        stdin: str = "",
    ) -> tuple[int, str, str]:
        argv = [*args, "--data-dir", str(self.data_dir)]
        if now:
            argv = ["--now", now, *argv]  # global options go before or after the command
        login = self.user if user == _USUAL else user
        if login and needs_a_person(argv):
            argv = ["--user", login, "--password-stdin", *argv]
            stdin = f"{password or self.password_of(login)}\n{stdin}"
        self._capsys.readouterr()
        saved, sys.stdin = sys.stdin, io.StringIO(stdin)
        try:
            with self.database.active():
                code = main(argv)
        finally:
            sys.stdin = saved
        out, err = self._capsys.readouterr()
        return code, out, err

    def receive(self, *extra: str, **kw: str | None) -> tuple[int, str, str]:
        return self(
            "receive",
            "--procedure",
            "1.001193",
            "--name",
            NAME,
            "--id-number",
            ID_NUMBER,
            "--phone",
            "0912345678",
            "--address",
            "Số 5 đường Trần Phú, phường Đồng Nguyên",
            *extra,
            **kw,
        )

    def dossier_count(self) -> int:
        with self.database.active():
            svc = open_services(
                AppPaths(self.data_dir), FixedClock(datetime(2026, 3, 2, 9, 0)), seed=False
            )
        try:
            return svc.dossiers.count(DossierQuery())
        finally:
            svc.close()


@pytest.fixture
def run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(tmp_path / "data", capsys)


def assert_one_line_error(code: int, out: str, err: str) -> str:
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


# -- catalog ----------------------------------------------------------------------------------


def test_catalog_list_shows_code_duration_field_and_name(run: Cli) -> None:
    code, out, err = run("catalog", "list")
    assert code == 0, err
    lines = out.splitlines()
    assert len(lines) >= 30
    assert "1.001193\tTrong ngày\tHộ tịch\tThủ tục đăng ký khai sinh" in lines


def test_catalog_export_then_import_round_trip(run: Cli, tmp_path: Path) -> None:
    book = tmp_path / "danh-muc.xlsx"
    code, out, _ = run("catalog", "export", str(book))
    assert code == 0 and book.is_file()
    n = int(re.search(r"Đã xuất (\d+) thủ tục", out).group(1))  # type: ignore[union-attr]

    wb = load_workbook(book)
    ws = wb["Thủ tục"]
    assert ws.cell(1, 2).value == "Tên thủ tục"
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == "1.001193")
    ws.cell(row, 2).value = "Thủ tục đăng ký khai sinh (đã sửa)"
    wb.save(book)

    code, out, err = run("catalog", "import", str(book))
    assert code == 0, err
    assert f"thêm 0, cập nhật {n} thủ tục" in out
    _, listing, _ = run("catalog", "list")
    assert (
        "1.001193\tTrong ngày\tHộ tịch\tThủ tục đăng ký khai sinh (đã sửa)" in listing.splitlines()
    )


def test_catalog_workbook_with_a_bad_row_imports_nothing(run: Cli, tmp_path: Path) -> None:
    book = tmp_path / "danh-muc.xlsx"
    assert run("catalog", "export", str(book))[0] == 0
    _, before, _ = run("catalog", "list")
    wb = load_workbook(book)
    ws = wb["Thủ tục"]
    # a new, valid procedure that must not be imported because another row is wrong
    ws.append(
        [
            "9.999001",
            "Thủ tục thử nghiệm",
            "Hộ tịch",
            "UBND cấp xã",
            "",
            3,
            "ngày làm việc",
            0,
            0,
            "Có",
            "Không",
            "Có",
        ]
    )
    bad_row = next(r for r in range(2, ws.max_row) if ws.cell(r, 7).value == "ngày làm việc")
    ws.cell(bad_row, 6).value = -3  # a negative duration
    wb.save(book)

    line = assert_one_line_error(*run("catalog", "import", str(book)))
    assert "Không nhập được danh mục" in line and f"dòng {bad_row}" in line.lower()
    _, after, _ = run("catalog", "list")
    assert after == before
    assert "9.999001" not in after


def test_catalog_import_of_a_missing_file(run: Cli, tmp_path: Path) -> None:
    line = assert_one_line_error(*run("catalog", "import", str(tmp_path / "khong-co.xlsx")))
    assert "Không tìm thấy tệp" in line


# -- calendar and due dates -------------------------------------------------------------------


def test_calendar_show_lists_days_off_and_the_make_up_saturday(run: Cli) -> None:
    code, out, err = run("calendar", "show", "--year", "2026")
    assert code == 0, err
    lines = out.splitlines()
    assert "22/08/2026\tThứ Bảy\tNgày làm việc bù\tLàm bù cho ngày 31/08/2026" in lines
    days_off = [
        ln.split("\t")[0] for ln in lines if "\tNgày lễ, tết" in ln or "\tNgày nghỉ bù" in ln
    ]
    for day in (
        "01/01/2026",
        "16/02/2026",
        "20/02/2026",
        "27/04/2026",
        "30/04/2026",
        "01/05/2026",
        "31/08/2026",
        "01/09/2026",
        "02/09/2026",
    ):
        assert day in days_off
    assert lines[-1] == "Năm 2026: 249 ngày làm việc, 116 ngày nghỉ."


def test_calendar_import_adds_days_and_a_bad_file_changes_nothing(run: Cli, tmp_path: Path) -> None:
    good = tmp_path / "lich.csv"
    good.write_text(
        "Ngày,Loại,Tên,Căn cứ\n26/10/2026,Ngày nghỉ bù,Nghỉ theo quyết định của tỉnh,QĐ 1/2026\n",
        encoding="utf-8",
    )
    code, out, err = run("calendar", "import", str(good))
    assert code == 0, err
    assert "Đã nhập 1 ngày" in out
    _, shown, _ = run("calendar", "show", "--year", "2026")
    assert "26/10/2026\tThứ Hai\tNgày nghỉ bù\tNghỉ theo quyết định của tỉnh" in shown
    assert shown.splitlines()[-1].startswith("Năm 2026: 248 ngày làm việc")

    bad = tmp_path / "lich-loi.csv"
    bad.write_text("Ngày,Loại\n27/10/2026,Ngày nghỉ bù\n31/02/2026,Ngày lễ\n", encoding="utf-8")
    assert_one_line_error(*run("calendar", "import", str(bad)))
    _, again, _ = run("calendar", "show", "--year", "2026")
    assert again == shown


def test_due_after_the_cut_off_on_the_friday_before_tet(run: Cli) -> None:
    code, out, err = run("due", "--procedure", "1.001193", "--received", "2026-02-13 16:00")
    assert (code, out, err) == (0, "2026-02-23 17:00\n", "")


def test_due_for_an_unknown_procedure(run: Cli) -> None:
    line = assert_one_line_error(
        *run("due", "--procedure", "9.999999", "--received", "2026-02-13 16:00")
    )
    assert "9.999999" in line


# -- receiving, searching, printing -----------------------------------------------------------


def test_receive_prints_the_code_and_writes_the_receipt(run: Cli, tmp_path: Path) -> None:
    pdf = tmp_path / "giay-tiep-nhan.pdf"
    code, out, err = run.receive("--receipt", str(pdf))
    assert code == 0, err
    assert out == "000.17.22.H56-260302-0001\n"
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "000.17.22.H56-260302-0001" in text
    assert NAME in unicodedata.normalize("NFC", text)
    code, out, _ = run.receive("--force")  # the same applicant again, on purpose
    assert out == "000.17.22.H56-260302-0002\n"


def test_search_finds_the_dossier_by_a_name_typed_without_accents(run: Cli) -> None:
    assert run.receive()[0] == 0
    code, out, err = run("search", "nguyen thi hong nhung")
    assert code == 0, err
    assert out.splitlines() == [
        "000.17.22.H56-260302-0001\tNguyễn Thị Hồng Nhung\t1.001193\t"
        "02/03/2026 09:00\t02/03/2026 17:00\tMới tiếp nhận"
    ]
    assert run("search", "0912345678")[1].startswith("000.17.22.H56-260302-0001\t")
    code, out, err = run("search", "tran van khong co")
    assert (code, out) == (0, "") and "Không tìm thấy" in err


def test_print_receipt_of_a_saved_dossier(run: Cli, tmp_path: Path) -> None:
    assert run.receive()[0] == 0
    pdf = tmp_path / "in-lai.pdf"
    code, out, err = run("print", "receipt", "000.17.22.H56-260302-0001", "-o", str(pdf))
    assert code == 0, err
    assert out.strip() == str(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    line = assert_one_line_error(
        *run("print", "receipt", "000.17.22.H56-260302-0099", "-o", str(pdf))
    )
    assert "000.17.22.H56-260302-0099" in line


def test_receive_with_nfd_text_stores_nfc(run: Cli) -> None:
    nfd = unicodedata.normalize("NFD", NAME)
    assert nfd != NAME
    code, _, err = run(
        "receive", "--procedure", "1.001193", "--name", nfd, "--id-number", ID_NUMBER
    )
    assert code == 0, err
    assert run("search", "nhung")[1].split("\t")[1] == NAME


def test_receive_back_dated_needs_a_reason(run: Cli) -> None:
    line = assert_one_line_error(*run.receive("--received", "2026-02-27 10:00"))
    assert "lý do" in line
    code, out, err = run.receive(
        "--received", "2026-02-27 10:00", "--backdate-reason", "Vào sổ giấy trước"
    )
    assert code == 0, err
    assert out == "000.17.22.H56-260227-0001\n"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"--id-number": "00119001234"}, "12 chữ số"),
        ({"--id-number": "00119001234A"}, "12 chữ số"),
        ({"--phone": "091234"}, "Số điện thoại"),
        ({"--procedure": "1.999999"}, "Không có thủ tục mã “1.999999”"),
        ({"--received": "2026-03-02 10:30"}, "ở tương lai"),
        ({"--channel": "online", "--procedure": "2.000815"}, "trực tuyến"),
    ],
)
def test_bad_input_is_refused_with_one_line_and_nothing_written(
    run: Cli, tmp_path: Path, change: dict[str, str], expected: str
) -> None:
    values = {
        "--procedure": "1.001193",
        "--name": NAME,
        "--id-number": ID_NUMBER,
        "--phone": "0912345678",
    }
    values.update(change)
    pdf = tmp_path / "khong-duoc-ghi.pdf"
    args = [x for pair in values.items() for x in pair]
    line = assert_one_line_error(*run("receive", *args, "--receipt", str(pdf)))
    assert expected in line
    assert line.startswith("tthc-desk: Chưa lưu được hồ sơ")
    assert not pdf.exists()
    assert run.dossier_count() == 0


def test_receipt_into_a_missing_folder_is_refused_before_saving(run: Cli, tmp_path: Path) -> None:
    line = assert_one_line_error(*run.receive("--receipt", str(tmp_path / "khong-co" / "giay.pdf")))
    assert "không tồn tại" in line
    assert run.dossier_count() == 0


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["receive", "--procedure", "1.001193"], "Thiếu tham số bắt buộc: --name, --id-number"),
        (
            [
                "receive",
                "--procedure",
                "1.001193",
                "--name",
                "A",
                "--id-number",
                ID_NUMBER,
                "--channel",
                "fax",
            ],
            "“fax” không hợp lệ",
        ),
        (["due", "--procedure", "1.001193", "--received", "13/2/2026 16h"], "không phải thời điểm"),
        (["search"], "Thiếu tham số bắt buộc"),
        (["frobnicate"], "“frobnicate” không hợp lệ"),
        (["search", "x", "--limit", "0"], "từ 1 trở lên"),
    ],
)
def test_usage_errors_are_one_vietnamese_line(run: Cli, argv: list[str], expected: str) -> None:
    line = assert_one_line_error(*run(*argv))
    assert expected in line


def test_an_invalid_now_is_refused(run: Cli) -> None:
    line = assert_one_line_error(*run("search", "x", now="2026-13-01 08:00"))
    assert "--now" in line


# -- demo data and the GUI entry --------------------------------------------------------------


def test_demo_data_is_searchable_and_numbering_continues(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = Cli(tmp_path / "data", capsys, office=None)  # tthc-desk demo makes it the demo's
    code, out, err = run("demo", "--dossiers", "300", "--seed", "3")
    assert code == 0, err
    assert out.startswith("Đã tạo 300 hồ sơ mẫu")
    assert run.dossier_count() == 300
    code, out, _ = run("search", "nguyen")
    assert code == 0 and out.count("\n") >= 5
    assert sum(line.split("\t")[1].startswith("Nguyễn ") for line in out.splitlines()) >= 5
    # a dossier received after the demo takes the next number of the day, never a used one
    codes_today = [
        ln.split("\t")[0] for ln in run("search", "260302", "--limit", "500")[1].splitlines()
    ]
    code, out, err = run.receive()
    assert code == 0, err
    assert out.strip() == f"000.17.22.H56-260302-{len(codes_today) + 1:04d}"


def test_demo_scans_a_chosen_share_of_the_dossiers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = Cli(tmp_path / "data", capsys, office=None)
    line = assert_one_line_error(*run("demo", "--dossiers", "10", "--scans", "101"))
    assert "--scans" in line and "từ 0 đến 100 (đã nhập 101)" in line

    def scanned() -> int:
        with run.database.active():
            svc = open_services(AppPaths(run.data_dir), seed=False)
        try:
            with svc.db.read() as uow:
                return uow.attachments.dossiers_with_scans()
        finally:
            svc.close()

    assert run("demo", "--dossiers", "200", "--scans", "0")[0] == 0
    assert run.dossier_count() == 200 and scanned() == 0
    assert run("demo", "--dossiers", "100", "--scans", "100", "--seed", "2")[0] == 0
    assert scanned() == 100
    assert run("demo", "--dossiers", "300", "--seed", "3")[0] == 0  # the default: about 10%
    assert 100 + 0.05 * 300 <= scanned() <= 100 + 0.16 * 300


def test_no_command_opens_the_gui_on_the_chosen_database(tmp_path: Path) -> None:
    calls: list[tuple[AppPaths, object, bool]] = []

    def fake_gui(paths: AppPaths, clock: object, demo: bool) -> int:
        calls.append((paths, clock, demo))
        return 0

    data = tmp_path / "data"
    assert cli.main(["--data-dir", str(data), "--now", NOW], gui=fake_gui) == 0
    paths, clock, demo = calls[-1]
    assert paths.data_dir == data.resolve() and demo is False
    assert isinstance(clock, FixedClock)
    # --demo: the demo sub-folder (the GUI seeds it once, see test_demo_service)
    assert cli.main(["--demo", "--data-dir", str(data)], gui=fake_gui) == 0
    paths, clock, demo = calls[-1]
    assert paths.data_dir == (data / "demo").resolve() and demo is True and clock is None
    # without a GUI (a build that has none) the request is refused like any error
    assert cli.main(["--data-dir", str(data)]) == 2
