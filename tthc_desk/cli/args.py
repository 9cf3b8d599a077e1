"""What every `tthc-desk` command shares: the Vietnamese argument parser and the common options,
the values options accept (moments, days, positive numbers), the checks on files and folders made
before anything is written, warnings, and the exit codes.

The command modules (``admin``, ``dossiers``, ``forms``, ``lifecycle``, ``postal``, ``reports``,
``sync``) import this module and nothing else of the CLI; :mod:`tthc_desk.cli` assembles them.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from tthc_desk.domain.clock import Clock, FixedClock
from tthc_desk.domain.errors import TthcError
from tthc_desk.paths import AppPaths, resolve_paths

if TYPE_CHECKING:
    from tthc_desk.services.container import Services

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_ERROR = 2
DEMO_FOLDER = "demo"
MOMENT_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y %H:%M")
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")
MOMENT_HINT = "“YYYY-MM-DD HH:MM”, ví dụ “2026-03-02 08:15”"
MOMENT = '"YYYY-MM-DD HH:MM"'

#: One command: reads its parsed arguments, calls the services, writes its result lines to
#: ``out``; returns the exit code.
Command = Callable[[argparse.Namespace, "Services", TextIO], int]


class CliError(TthcError):
    """A problem with the command line itself (a missing folder, a bad date)."""


class UsageError(Exception):
    """The arguments do not parse; the message is already Vietnamese."""


# -- argparse in Vietnamese ------------------------------------------------------------------

_ARGPARSE_MESSAGES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"the following arguments are required: (.+)"), "Thiếu tham số bắt buộc: {0}."),
    (re.compile(r"unrecognized arguments: (.+)"), "Không hiểu tham số: {0}."),
    (
        re.compile(r"argument (\S+): invalid choice: '?([^']*)'? \(choose from (.+)\)"),
        "Tham số {0}: “{1}” không hợp lệ, chọn một trong: {2}.",
    ),
    (
        re.compile(r"argument (\S+): invalid (\w+) value: '?([^']*)'?"),
        "Tham số {0}: “{2}” không phải là số hợp lệ.",
    ),
    (re.compile(r"argument (\S+): expected one argument"), "Tham số {0} cần một giá trị."),
    (re.compile(r"argument (\S+): (.+)"), "Tham số {0}: {1}"),
    (
        re.compile(r"ambiguous option: (\S+) could match (.+)"),
        "Tùy chọn {0} không rõ, có thể là: {1}.",
    ),
)


def vietnamese(message: str) -> str:
    """argparse's English message of a usage error, in Vietnamese when it is a known one."""
    for pattern, template in _ARGPARSE_MESSAGES:
        m = pattern.fullmatch(message.strip())
        if m:
            return template.format(*(g.replace("'", "") for g in m.groups()))
    return message


class _Formatter(argparse.HelpFormatter):
    def add_usage(
        self,
        usage: str | None,
        actions: Iterable[argparse.Action],
        groups: Iterable[argparse._MutuallyExclusiveGroup],
        prefix: str | None = None,
    ) -> None:
        super().add_usage(usage, actions, groups, prefix if prefix is not None else "Cách dùng: ")


class Parser(argparse.ArgumentParser):
    """An ArgumentParser that speaks Vietnamese and raises instead of printing usage."""

    def __init__(self, *, add_help: bool = True, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(add_help=False, **kwargs)
        self._positionals.title = "tham số"
        self._optionals.title = "tùy chọn"
        if add_help:  # argparse's own help text is English
            self.add_argument(
                "-h",
                "--help",
                action="help",
                default=argparse.SUPPRESS,
                help="hiện hướng dẫn này rồi thoát",
            )

    def error(self, message: str) -> NoReturn:
        raise UsageError(vietnamese(message))


def common_options() -> Parser:
    """``--data-dir``, ``--now``, ``--demo`` and ``-v``, accepted before or after any command."""
    # default=SUPPRESS: an option given before the command is not reset by the subparser.
    common = Parser(add_help=False)
    common._optionals.title = "tùy chọn chung"
    common.add_argument(
        "--data-dir",
        metavar="THƯ_MỤC",
        default=argparse.SUPPRESS,
        help="thư mục dữ liệu (mặc định: biến TTHC_DESK_DATA_DIR, "
        "rồi thư mục dữ liệu của người dùng)",
    )
    common.add_argument(
        "--now",
        metavar=MOMENT,
        type=moment,
        default=argparse.SUPPRESS,
        help="cố định đồng hồ ở thời điểm này (chạy kịch bản, kiểm thử)",
    )
    common.add_argument(
        "--demo",
        action="store_true",
        default=argparse.SUPPRESS,
        help="dùng cơ sở dữ liệu mẫu (thư mục demo trong thư mục dữ liệu)",
    )
    common.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        default=argparse.SUPPRESS,
        help="ghi diễn biến ra stderr",
    )
    return common


class CommandTree:
    """The sub-commands under one parser. A command (a leaf) takes the common options too; a
    group (``catalog``, ``postal``…) only holds commands of its own."""

    def __init__(
        self,
        subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
        common: argparse.ArgumentParser,
    ) -> None:
        self._sub = subparsers
        self._common = common

    @classmethod
    def below(
        cls,
        parser: argparse.ArgumentParser,
        common: argparse.ArgumentParser,
        *,
        dest: str,
        metavar: str = "LỆNH",
        title: str = "các lệnh",
        required: bool = False,
    ) -> CommandTree:
        """The sub-commands of ``parser``, named in ``args.<dest>``."""
        subparsers = parser.add_subparsers(
            dest=dest, metavar=metavar, title=title, required=required
        )
        return cls(subparsers, common)

    def leaf(self, name: str, help_text: str) -> argparse.ArgumentParser:
        return self._sub.add_parser(
            name, parents=[self._common], help=help_text, description=help_text
        )

    def group(
        self,
        name: str,
        help_text: str,
        description: str,
        *,
        dest: str,
        metavar: str = "LỆNH",
        title: str = "các lệnh",
    ) -> CommandTree:
        parser = self._sub.add_parser(name, help=help_text, description=description)
        return self.below(
            parser, self._common, dest=dest, metavar=metavar, title=title, required=True
        )

    def optional_below(self, parser: argparse.ArgumentParser, *, dest: str) -> CommandTree:
        """Optional sub-commands of a command that also runs on its own (``upload status``)."""
        return self.below(parser, self._common, dest=dest)


def dispatch(dest: str, table: Mapping[str, Command]) -> Command:
    """One command for a group: runs the entry of ``table`` named by ``args.<dest>``."""

    def run(args: argparse.Namespace, svc: Services, out: TextIO) -> int:
        return table[getattr(args, dest)](args, svc, out)

    return run


# -- values of options ------------------------------------------------------------------------


def moment(text: str) -> datetime:
    for fmt in MOMENT_FORMATS:
        try:
            return datetime.strptime(text.strip(), fmt)
        except ValueError:
            continue
    raise argparse.ArgumentTypeError(f"“{text}” không phải thời điểm dạng {MOMENT_HINT}.")


def day(text: str) -> date:
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    raise argparse.ArgumentTypeError(f"“{text}” không phải ngày dạng dd/mm/yyyy.")


def positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}” không phải số nguyên.") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"cần một số từ 1 trở lên (đã nhập {value}).")
    return value


def app_paths(args: argparse.Namespace) -> AppPaths:
    """The data folder of ``--data-dir`` (or the default), its demo folder with ``--demo``."""
    paths = resolve_paths(getattr(args, "data_dir", None))
    if getattr(args, "demo", False):
        paths = AppPaths(paths.data_dir / DEMO_FOLDER)
    return paths


def fixed_clock(args: argparse.Namespace) -> Clock | None:
    """The clock stopped at ``--now``; None runs on the system clock."""
    now: datetime | None = getattr(args, "now", None)
    return FixedClock(now) if now is not None else None


# -- files, output ----------------------------------------------------------------------------


def require_folder(path: Path, what: str) -> Path:
    """``path`` if its folder exists (checked before anything is saved), else a CliError."""
    folder = path.expanduser().resolve().parent
    if not folder.is_dir():
        raise CliError(f"Không ghi được {what}: thư mục “{folder}” không tồn tại.")
    return path.expanduser()


def require_file(path: Path) -> Path:
    if not path.expanduser().is_file():
        raise CliError(f"Không tìm thấy tệp “{path}”.")
    return path.expanduser()


def format_moment(value: datetime) -> str:
    return value.strftime("%d/%m/%Y %H:%M")


def warn(text: str) -> None:
    """A warning on stderr; the command still succeeds."""
    print(f"Cảnh báo: {text}", file=sys.stderr)
