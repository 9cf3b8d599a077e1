"""The shared argument helpers of the command line (tthc_desk/cli/args.py), without a database."""

from __future__ import annotations

import argparse
import io
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pytest

from tthc_desk.cli import args
from tthc_desk.domain.clock import FixedClock


@pytest.mark.parametrize(
    "text",
    [
        "2026-03-02 08:15",
        "2026-03-02T08:15",
        "2026-03-02 08:15:00",
        "02/03/2026 08:15",
        " 2026-03-02 08:15 ",
    ],
)
def test_moment_accepts_the_documented_forms(text: str) -> None:
    assert args.moment(text) == datetime(2026, 3, 2, 8, 15)


@pytest.mark.parametrize("text", ["2026-03-02", "08:15", "02/03/2026", "2026-02-30 08:00", ""])
def test_moment_refuses_anything_else_in_vietnamese(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError, match="không phải thời điểm dạng"):
        args.moment(text)


def test_day_accepts_both_orders_and_refuses_a_moment() -> None:
    assert args.day("05/03/2026") == args.day("2026-03-05") == date(2026, 3, 5)
    with pytest.raises(argparse.ArgumentTypeError, match="không phải ngày dạng dd/mm/yyyy"):
        args.day("2026-03-05 08:00")


def test_positive_needs_a_whole_number_from_one() -> None:
    assert args.positive("7") == 7
    with pytest.raises(argparse.ArgumentTypeError, match="không phải số nguyên"):
        args.positive("bảy")
    with pytest.raises(argparse.ArgumentTypeError, match=r"từ 1 trở lên \(đã nhập 0\)"):
        args.positive("0")


def test_known_argparse_messages_are_translated_and_others_kept() -> None:
    assert args.vietnamese("unrecognized arguments: --x") == "Không hiểu tham số: --x."
    assert (
        args.vietnamese("argument --kind: invalid choice: 'weekly' (choose from 'a', 'b')")
        == "Tham số --kind: “weekly” không hợp lệ, chọn một trong: a, b."
    )
    assert args.vietnamese("something new") == "something new"


def test_the_parser_raises_a_usage_error_instead_of_exiting() -> None:
    parser = args.Parser(prog="x")
    parser.add_argument("--n", type=args.positive, required=True)
    with pytest.raises(args.UsageError, match=r"^Thiếu tham số bắt buộc: --n\.$"):
        parser.parse_args([])
    with pytest.raises(args.UsageError, match=r"^Tham số --n: cần một số từ 1 trở lên"):
        parser.parse_args(["--n", "0"])


def _tree() -> tuple[argparse.ArgumentParser, args.CommandTree]:
    common = args.common_options()
    parser = args.Parser(prog="x", parents=[common])
    return parser, args.CommandTree.below(parser, common, dest="command")


def test_a_command_takes_the_common_options_before_or_after_its_name() -> None:
    parser, tree = _tree()
    tree.leaf("due", "tính ngày hẹn")
    before = parser.parse_args(["--data-dir", "d", "--now", "2026-03-02 09:00", "due"])
    after = parser.parse_args(["due", "--data-dir", "d", "--now", "2026-03-02 09:00"])
    for ns in (before, after):
        assert (ns.command, ns.data_dir, ns.now) == ("due", "d", datetime(2026, 3, 2, 9, 0))


def test_a_group_requires_one_of_its_commands() -> None:
    parser, tree = _tree()
    tree.group("catalog", "danh mục", "Danh mục.", dest="catalog_command").leaf("list", "liệt kê")
    assert parser.parse_args(["catalog", "list"]).catalog_command == "list"
    with pytest.raises(args.UsageError, match="Thiếu tham số bắt buộc: LỆNH"):
        parser.parse_args(["catalog"])


def test_dispatch_runs_the_entry_named_by_the_sub_command() -> None:
    calls: list[tuple[str, object]] = []

    def make(name: str) -> Callable[..., int]:
        def run(ns: argparse.Namespace, svc: object, out: io.StringIO) -> int:
            calls.append((name, svc))
            return 5

        return run

    command = args.dispatch("what", {"a": make("a"), "b": make("b")})
    assert command(argparse.Namespace(what="b"), "services", io.StringIO()) == 5
    assert calls == [("b", "services")]
    with pytest.raises(KeyError):
        command(argparse.Namespace(what="c"), "services", io.StringIO())


def test_paths_and_clock_from_the_common_options(tmp_path: Path) -> None:
    ns = argparse.Namespace(data_dir=str(tmp_path), demo=True, now=datetime(2026, 3, 2, 9, 0))
    assert args.app_paths(ns).data_dir == (tmp_path / args.DEMO_FOLDER).resolve()
    clock = args.fixed_clock(ns)
    assert isinstance(clock, FixedClock) and clock.now() == datetime(2026, 3, 2, 9, 0)
    assert args.fixed_clock(argparse.Namespace()) is None
    assert args.app_paths(argparse.Namespace(data_dir=str(tmp_path))).data_dir == tmp_path.resolve()


def test_files_and_folders_are_checked_before_anything_is_written(tmp_path: Path) -> None:
    target = tmp_path / "giay.pdf"
    assert args.require_folder(target, "giấy tiếp nhận") == target
    with pytest.raises(args.CliError, match=r"^Không ghi được giấy tiếp nhận: thư mục “.*” không"):
        args.require_folder(tmp_path / "nowhere" / "giay.pdf", "giấy tiếp nhận")
    with pytest.raises(args.CliError, match=r"^Không tìm thấy tệp “.*giay\.pdf”\.$"):
        args.require_file(target)
    target.write_bytes(b"%PDF")
    assert args.require_file(target) == target


def test_moments_print_day_first_and_warnings_go_to_stderr(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert args.format_moment(datetime(2026, 3, 2, 8, 5)) == "02/03/2026 08:05"
    args.warn("hồ sơ chưa có số hiệu")
    assert capsys.readouterr() == ("", "Cảnh báo: hồ sơ chưa có số hiệu\n")
