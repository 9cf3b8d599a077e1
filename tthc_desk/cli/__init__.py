"""The `tthc-desk` command line: the same services as the GUI, for scripting and administration.

Every command accepts ``--data-dir DIR`` and ``--now "YYYY-MM-DD HH:MM"`` before or after its
name, and ``--user NAME`` / ``--password-stdin`` before it: a command that changes data runs as
the person logged in (:mod:`tthc_desk.cli.session`); one that only reads, and a scheduled job,
runs as the system unless ``--user`` is given. What a command produces goes to stdout, one item
per line; diagnostics go to the log (and to stderr with ``-v``). An error ends the command with
exit code 2 and ONE Vietnamese line on stderr, and nothing is written: input is checked before
any write, and a receipt's folder is checked before the dossier is saved.

This module assembles the parser from the command modules (one per group of commands, each
depending only on :mod:`tthc_desk.cli.args`), runs the command named on the line, and turns an
error into its exit code and line. Opening the GUI is left to the caller
(``tthc_desk.__main__``), which passes a ``gui`` callable: the CLI sits below the application
root in the layers and never imports it.
"""

from __future__ import annotations

import argparse
import logging
import logging.handlers
import sys
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from tthc_desk.cli import (
    accounts,
    admin,
    backup,
    cleanup,
    db,
    dossiers,
    facts,
    forms,
    journal,
    lifecycle,
    postal,
    recovery_key,
    reports,
    scans,
    server,
    sync,
)
from tthc_desk.cli.args import (
    EXIT_ERROR,
    EXIT_INTERNAL,
    CliError,
    Command,
    CommandTree,
    Identity,
    Parser,
    UsageError,
    app_paths,
    common_options,
    fixed_clock,
    identity_options,
)
from tthc_desk.cli.session import identify, log_out
from tthc_desk.domain.clock import Clock, SystemClock
from tthc_desk.domain.errors import DatabaseKeyError, TthcError, ValidationError
from tthc_desk.durable import clean_leftovers
from tthc_desk.paths import AppPaths

__all__ = ["COMMANDS", "GuiLauncher", "build_parser", "error_line", "main"]

log = logging.getLogger(__name__)

#: ``gui(paths, clock, demo) -> exit code``, provided by ``tthc_desk.__main__``.
GuiLauncher = Callable[[AppPaths, Clock | None, bool], int]

# In the order of ``tthc-desk --help``: setting up, accounts, the counter, forms, after intake,
# the post, reports, and sending them upward.
_GROUPS = (
    admin,
    accounts,
    dossiers,
    forms,
    lifecycle,
    scans,
    postal,
    reports,
    sync,
    journal,
    recovery_key,
    cleanup,
    backup,
    db,
    facts,
    server,
)

#: Every command, by the name given on the command line.
COMMANDS: dict[str, Command] = {name: run for g in _GROUPS for name, run in g.COMMANDS.items()}


def build_parser() -> argparse.ArgumentParser:
    common = common_options()
    parser = Parser(
        prog="tthc-desk",
        parents=[common],
        description="TTHC Desk – tiếp nhận hồ sơ, hẹn trả kết quả tại Bộ phận Một cửa. "
        "Không có lệnh: mở giao diện.",
    )
    identity_options(parser)
    tree = CommandTree.below(parser, common, dest="command")
    for group in _GROUPS:
        group.add_parsers(tree)
    return parser


def error_line(error: BaseException) -> str:
    """One line for stderr: a ValidationError's summary followed by every problem."""
    if (
        isinstance(error, ValidationError)
        and error.problems
        and [p.describe() for p in error.problems] != [error.message]
    ):
        problems = "; ".join(p.describe().rstrip(". ") for p in error.problems)
        text = f"{error.message.rstrip('. ')} — {problems}."
    elif isinstance(error, DatabaseKeyError):
        text = (
            f"{error.message} Trên dòng lệnh: ghi khóa vào một tệp chữ rồi chạy “tthc-desk --user "
            "TÊN_QUẢN_TRỊ --password-stdin recovery-key use TỆP_KHÓA”."
        )
    elif isinstance(error, TthcError):
        text = error.message
    else:
        text = str(error)
    return " ".join(text.split())


def main(argv: Sequence[str] | None = None, gui: GuiLauncher | None = None) -> int:
    """Run one command (or open the GUI through ``gui``); returns the exit code."""
    raw = list(sys.argv[1:] if argv is None else argv)
    bad = next((a for a in raw if _undecodable(a)), None)
    if bad is not None:
        shown = bad.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        print(
            f"tthc-desk: tham số “{shown}” có ký tự không phải UTF-8 (�); hãy gõ lại tham số "
            "đó hoặc đặt bảng mã của cửa sổ lệnh là UTF-8.",
            file=sys.stderr,
        )
        return EXIT_ERROR
    try:
        args = build_parser().parse_args([unicodedata.normalize("NFC", a) for a in raw])
    except UsageError as e:
        print(f"tthc-desk: {e}", file=sys.stderr)
        return EXIT_ERROR
    except SystemExit as e:  # --help
        return int(e.code or 0)
    paths = app_paths(args)
    try:
        with _logging(paths, bool(getattr(args, "verbose", False))) as log_file:
            try:
                return _run(args, paths, gui)
            except Exception as e:
                return _failure(e, log_file)
    except OSError as e:  # the data folder itself cannot be created
        from tthc_desk.services.failures import os_reason

        print(
            f"tthc-desk: không dùng được thư mục dữ liệu “{paths.data_dir}”: {os_reason(e)}.",
            file=sys.stderr,
        )
        return EXIT_ERROR


def _undecodable(arg: str) -> bool:
    """Whether ``arg`` came from bytes that are not UTF-8 (Python keeps them as lone
    surrogates, "surrogateescape")."""
    return any("\udc80" <= ch <= "\udcff" for ch in arg)


#: A command waits at most this long for the quick check of the database file.
CLI_CHECK_SECONDS = 0.5


def _run(args: argparse.Namespace, paths: AppPaths, gui: GuiLauncher | None) -> int:
    clock = fixed_clock(args)
    demo = bool(getattr(args, "demo", False))
    if args.command is None:
        if gui is None:
            raise CliError("Bản này không có giao diện; hãy dùng một lệnh (xem tthc-desk --help).")
        if args.login_user or args.login_stdin:
            raise CliError(
                "--user và --password-stdin đi cùng một lệnh; giao diện có màn hình đăng nhập."
            )
        # With demo=True the GUI seeds the demo database once (demo_service.ensure_demo).
        return gui(paths, clock, demo)
    # What a killed run left (only our temporary names, only in our folders): a report cut off
    # by kill -9 must not lie there hidden for ever.
    clean_leftovers([paths.reports_dir, paths.output_dir])
    offline = getattr(args, "offline", None)
    if offline is not None:  # restore, verify a file: the database may be missing or damaged
        if args.identity is Identity.NOBODY and args.login_user:
            raise CliError(
                f"Lệnh {args.command_name} không cần đăng nhập: bỏ --user {args.login_user} "
                "trước tên lệnh."
            )
        return int(offline(args, paths, clock, sys.stdout))
    from tthc_desk.services.container import open_services

    services = open_services(paths, clock or SystemClock(), demo=demo)
    try:
        # The header, the schema and a bounded quick check: a damaged file stops writes.
        services.health.start_check(max_seconds=CLI_CHECK_SECONDS)
        identify(args, services)  # first: a refused login writes nothing, not even the facts
        if args.command != "facts":  # the report facts match this software before any command
            facts.ensure_before_command(services)
        try:
            return COMMANDS[args.command](args, services, sys.stdout)
        finally:
            log_out(services)
    finally:
        services.close()


def _failure(error: Exception, log_file: Path) -> int:
    """The exit code of a command that raised ``error``, its line printed on stderr."""
    from tthc_desk.services.failures import describe_failure

    if isinstance(error, TthcError):
        refused = error.full_text() if isinstance(error, ValidationError) else error.message
        log.info("Refused: %s", refused)
        line, code = error_line(error), EXIT_ERROR
    elif (known := describe_failure(error)) is not None:
        log.error("Failed", exc_info=error)
        line, code = known, EXIT_ERROR
    else:
        log.error("Unexpected error", exc_info=error)
        line = (
            f"lỗi không mong đợi ({type(error).__name__}: {error_line(error)}); "
            f"chi tiết trong {log_file}."
        )
        code = EXIT_INTERNAL
    print(f"tthc-desk: {line}", file=sys.stderr)
    return code


@contextmanager
def _logging(paths: AppPaths, verbose: bool) -> Iterator[Path]:
    """Diagnostics to a rotating file in the data folder (and stderr with -v), for this run."""
    root = logging.getLogger()
    paths.log_dir.mkdir(parents=True, exist_ok=True)
    log_file = paths.log_dir / "tthc-desk-cli.log"
    handlers: list[logging.Handler] = [
        logging.handlers.RotatingFileHandler(
            log_file, maxBytes=1_000_000, backupCount=3, encoding="utf-8"
        )
    ]
    handlers[0].setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    if verbose:
        handlers.append(logging.StreamHandler(sys.stderr))
        handlers[-1].setFormatter(logging.Formatter("%(message)s"))
    old_level = root.level
    root.setLevel(logging.INFO)
    for h in handlers:
        root.addHandler(h)
    try:
        yield log_file
    finally:
        for h in handlers:
            root.removeHandler(h)
            h.close()
        root.setLevel(old_level)
