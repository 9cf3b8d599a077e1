"""How ``tthc_desk.cli.main`` ends a run (help, failures, an unusable data folder), and the shape
of the package: every command has a runner, and no module of the CLI imports its assembler."""

from __future__ import annotations

import argparse
import io
from collections.abc import Callable
from pathlib import Path

import grimp
import pytest

from tests.cli.test_cli import NOW, Cli, assert_one_line_error
from tthc_desk import cli


@pytest.fixture
def run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(tmp_path / "data", capsys)


def test_help_prints_vietnamese_usage_and_exits_0(run: Cli) -> None:
    code, out, err = run("postal", "batch", "--help")
    assert (code, err) == (0, "")
    assert out.startswith("Cách dùng: tthc-desk postal batch ")
    assert "--now" in out and "--data-dir" in out  # the common options, after the name too


def _offline(parser: argparse.ArgumentParser) -> bool:
    """A command run offline, or a group whose every command is."""
    if parser.get_default("offline"):
        return True
    group = next((a for a in parser._actions if isinstance(a, argparse._SubParsersAction)), None)
    return group is not None and all(_offline(p) for p in group.choices.values())


def test_every_command_on_the_line_has_a_runner() -> None:
    subparsers = next(
        a for a in cli.build_parser()._actions if isinstance(a, argparse._SubParsersAction)
    )
    # A command that runs without opening the database (``restore``; each of ``server …``) has
    # its runner as the parser's ``offline`` default instead.
    offline = [n for n, p in subparsers.choices.items() if _offline(p)]
    assert offline == ["restore", "server"]
    assert [n for n in subparsers.choices if n not in offline] == list(cli.COMMANDS)


def _raising(error: Exception) -> Callable[..., int]:
    def command(args: argparse.Namespace, svc: object, out: io.StringIO) -> int:
        raise error

    return command


def test_an_unexpected_error_exits_1_and_leaves_the_traceback_in_the_log(
    run: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(cli.COMMANDS, "search", _raising(RuntimeError("hỏng")))
    code, out, err = run("search", "x")
    assert (code, out) == (1, "")
    log_file = run.data_dir.resolve() / "logs" / "tthc-desk-cli.log"
    assert (
        err == f"tthc-desk: lỗi không mong đợi (RuntimeError: hỏng); chi tiết trong {log_file}.\n"
    )
    log = log_file.read_text(encoding="utf-8")
    assert "Unexpected error" in log and "Traceback" in log and "RuntimeError: hỏng" in log


def test_a_file_error_exits_2_naming_the_file(run: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    error = PermissionError(13, "Permission denied", "bao-cao.xlsx")
    monkeypatch.setitem(cli.COMMANDS, "search", _raising(error))
    line = assert_one_line_error(*run("search", "x"))
    assert line == (
        "tthc-desk: Không đọc/ghi được tệp “bao-cao.xlsx”: không có quyền ghi. "
        "Hãy chọn thư mục khác hoặc nhờ quản trị máy cấp quyền ghi."
    )


def test_an_unusable_data_folder_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    occupied = tmp_path / "data"
    occupied.write_text("a file where the data folder should be", encoding="utf-8")
    code = cli.main(
        ["due", "--procedure", "1.001193", "--received", NOW, "--data-dir", str(occupied)]
    )
    out, err = capsys.readouterr()
    line = assert_one_line_error(code, out, err)
    assert line.startswith(f"tthc-desk: không dùng được thư mục dữ liệu “{occupied}”: ")


def test_no_module_of_the_cli_imports_the_package_that_assembles_it() -> None:
    # tthc_desk.cli imports every command module, so any way back to it would be a cycle.
    graph = grimp.build_graph("tthc_desk")
    modules = graph.find_children("tthc_desk.cli")
    assert {"tthc_desk.cli.args", "tthc_desk.cli.sync"} <= modules
    back = {m for m in modules if graph.chain_exists(importer=m, imported="tthc_desk.cli")}
    assert back == set()
