"""What every `tthc-desk` command shares: the Vietnamese argument parser and the common options,
the values options accept (moments, days, positive numbers), the checks on files and folders made
before anything is written, warnings, and the exit codes.

Also who a command runs as (:class:`Identity`, declared with each command), the global options
that name the person (``--user``, ``--password-stdin``), and how a password is read: one line of
standard input per password, or typed at a prompt that does not echo it; never an argument.

The command modules (``accounts``, ``admin``, ``dossiers``, ``forms``, ``lifecycle``, ``postal``,
``reports``, ``sync``) import this module and :mod:`~tthc_desk.cli.session`, never each other;
:mod:`tthc_desk.cli` assembles them.
"""

from __future__ import annotations

import argparse
import getpass
import os
import re
import sys
import tempfile
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from tthc_desk.domain.access import Role, parse_roles
from tthc_desk.domain.clock import Clock, FixedClock
from tthc_desk.domain.errors import TthcError, ValidationError
from tthc_desk.domain.recovery_key import parse_key
from tthc_desk.paths import AppPaths, resolve_paths

if TYPE_CHECKING:
    from tthc_desk.services.container import Services

#: Exit codes (README, “Dòng lệnh”): 0 done; 1 an internal error (a bug: details in the log);
#: 2 refused or failed, nothing written; 3 the dossier WAS saved (its code on stdout) but its
#: receipt could not be written: print it again with ``tthc-desk print receipt CODE -o FILE``.
EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_ERROR = 2
EXIT_SAVED_NOT_PRINTED = 3
DEMO_FOLDER = "demo"
MOMENT_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y %H:%M")
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")
MOMENT_HINT = "“YYYY-MM-DD HH:MM”, ví dụ “2026-03-02 08:15”"
MOMENT = '"YYYY-MM-DD HH:MM"'

#: One command: reads its parsed arguments, calls the services, writes its result lines to
#: ``out``; returns the exit code.
Command = Callable[[argparse.Namespace, "Services", TextIO], int]


#: A command that must run without the database being opened (a restore, checking a backup
#: file): ``(args, paths, clock, out) -> exit code``, set as the parser's default ``offline``.
OfflineCommand = Callable[[argparse.Namespace, AppPaths, "Clock | None", TextIO], int]


class CliError(TthcError):
    """A problem with the command line itself (a missing folder, a bad date)."""


class UsageError(Exception):
    """The arguments do not parse; the message is already Vietnamese."""


class Identity(Enum):
    """Who a command runs as; each command declares it (:meth:`CommandTree.leaf`)."""

    #: It changes data: a person logs in with ``--user`` (their own password, not a temporary one).
    PERSON = "person"
    #: It only reads, or it is a scheduled job (the system may do it): the system identity,
    #: unless ``--user`` names a person.
    SYSTEM = "system"
    #: Nobody logs in: the first-run setup (it makes the first account) and the demo database.
    NOBODY = "nobody"
    #: The command logs the person in itself (``user passwd`` accepts a temporary password).
    SELF = "self"


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


def identity_options(parser: argparse.ArgumentParser) -> None:
    """``--user`` and ``--password-stdin``: who runs the command, given BEFORE its name.

    Only before it: after the name, ``destination set --user`` and ``--password-stdin`` are the
    destination's own, and ``setup --password-stdin`` is the new administrator's password."""
    group = parser.add_argument_group("người làm lệnh (đặt trước tên lệnh)")
    group.add_argument(
        "--user",
        dest="login_user",
        metavar="TÊN_ĐĂNG_NHẬP",
        default=None,
        help="đăng nhập bằng tài khoản này; lệnh thay đổi dữ liệu bắt buộc có "
        "(không có: lệnh chỉ đọc và tác vụ tự động chạy dưới tên hệ thống)",
    )
    group.add_argument(
        "--password-stdin",
        dest="login_stdin",
        action="store_true",
        help="đọc mật khẩu đăng nhập từ dòng đầu của stdin (lệnh cần thêm mật khẩu đọc các "
        "dòng sau); không có: hỏi mật khẩu khi chạy trong cửa sổ dòng lệnh",
    )


class CommandTree:
    """The sub-commands under one parser. A command (a leaf) takes the common options too; a
    group (``catalog``, ``postal``…) only holds commands of its own."""

    def __init__(
        self,
        subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
        common: argparse.ArgumentParser,
        prefix: str = "",
    ) -> None:
        self._sub = subparsers
        self._common = common
        self._prefix = prefix

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

    def leaf(
        self, name: str, help_text: str, identity: Identity = Identity.PERSON
    ) -> argparse.ArgumentParser:
        """A command, run as ``identity`` (by default a person must log in)."""
        parser = self._sub.add_parser(
            name, parents=[self._common], help=help_text, description=help_text
        )
        parser.set_defaults(identity=identity, command_name=self._prefix + name)
        return parser

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
        tree = self.below(
            parser, self._common, dest=dest, metavar=metavar, title=title, required=True
        )
        tree._prefix = f"{self._prefix}{name} "
        return tree

    def optional_below(self, parser: argparse.ArgumentParser, *, dest: str) -> CommandTree:
        """Optional sub-commands of a command that also runs on its own (``upload status``)."""
        tree = self.below(parser, self._common, dest=dest)
        tree._prefix = f"{parser.get_default('command_name')} "
        return tree


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


def percent(text: str) -> int:
    """A whole percentage, 0 to 100."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}” không phải số nguyên.") from None
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(f"cần một số từ 0 đến 100 (đã nhập {value}).")
    return value


def roles(text: str) -> frozenset[Role]:
    """``clerk,head,admin`` → the roles (at least one)."""
    try:
        found = parse_roles(text)
    except ValueError as e:
        choices = ", ".join(r.value for r in Role)
        raise argparse.ArgumentTypeError(
            f"“{e}” không phải vai trò; dùng {choices} (cách nhau bằng dấu phẩy)."
        ) from None
    if not found:
        raise argparse.ArgumentTypeError("cần ít nhất một vai trò: clerk, head hoặc admin.")
    return found


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


# -- passwords --------------------------------------------------------------------------------


def stdin_line(what: str = "mật khẩu") -> str:
    """The next line of standard input (one password per line), without its line break."""
    line = sys.stdin.readline().rstrip("\r\n")
    if not line:
        raise CliError(f"Không đọc được {what} từ stdin (mỗi mật khẩu một dòng).")
    return line


def ask_username() -> str | None:
    """The user name typed at a prompt (on stderr: stdout is the command's result) when a
    terminal is attached; None in a script."""
    if not sys.stdin.isatty():
        return None
    print("Tên đăng nhập: ", end="", file=sys.stderr, flush=True)
    return sys.stdin.readline().strip() or None


def read_secret(prompt: str, *, from_stdin: bool, again: str | None = None) -> str:
    """A password: the next line of stdin with ``--password-stdin``, else typed at a prompt
    that does not echo it (asked ``again`` to confirm a new one) when a terminal is attached."""
    if from_stdin:
        return stdin_line()
    if not sys.stdin.isatty():
        raise CliError(
            "Cần mật khẩu: thêm --password-stdin trước tên lệnh và đưa mật khẩu vào stdin, "
            "mỗi mật khẩu một dòng (hoặc chạy lệnh trong cửa sổ dòng lệnh để gõ)."
        )
    secret = getpass.getpass(prompt)
    if again is not None and getpass.getpass(again) != secret:
        raise CliError("Hai lần nhập mật khẩu không khớp; chưa lưu gì.")
    if not secret:
        raise CliError("Chưa nhập mật khẩu.")
    return secret


# -- files, output ----------------------------------------------------------------------------


def require_folder(path: Path, what: str) -> Path:
    """``path`` if its folder exists (checked before anything is saved), else a CliError."""
    folder = path.expanduser().resolve().parent
    if not folder.is_dir():
        raise CliError(f"Không ghi được {what}: thư mục “{folder}” không tồn tại.")
    return path.expanduser()


def require_writable(path: Path, what: str) -> Path:
    """``path`` if a file can be written there (checked before anything is saved): its folder
    exists and takes a new file, and the path itself is not a folder; else a CliError."""
    path = require_folder(path, what)
    target = path.resolve()
    if target.is_dir():
        raise CliError(f"Không ghi được {what}: “{target}” là một thư mục, hãy ghi tên tệp.")
    try:  # the honest test of a folder: create a file in it (permissions, read-only media)
        with tempfile.TemporaryFile(dir=target.parent, prefix=".tthc-desk-probe-"):
            pass
    except OSError as e:
        from tthc_desk.services.failures import os_reason

        raise CliError(
            f"Không ghi được {what}: thư mục “{target.parent}” không cho ghi tệp ({os_reason(e)})."
        ) from e
    if target.exists() and not os.access(target, os.W_OK):
        raise CliError(f"Không ghi được {what}: tệp “{target}” chỉ cho đọc.")
    return path


def require_file(path: Path) -> Path:
    if not path.expanduser().is_file():
        raise CliError(f"Không tìm thấy tệp “{path}”.")
    return path.expanduser()


def format_moment(value: datetime) -> str:
    return value.strftime("%d/%m/%Y %H:%M")


def warn(text: str) -> None:
    """A warning on stderr; the command still succeeds."""
    print(f"Cảnh báo: {text}", file=sys.stderr)


#: The key as printed (14 groups of 4), found inside a longer text file (a copied sheet).
_KEY_LINE = re.compile(r"([0-9A-Za-z]{4}[-–][0-9A-Za-z]{4}(?:[-–][0-9A-Za-z]{4}){12})")


def read_recovery_key(path: Path | None) -> bytes | None:
    """The recovery key in the text file ``path`` (the whole file, or the line that holds it)."""
    if path is None:
        return None
    try:
        text = require_file(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeError) as e:
        raise CliError(f"Không đọc được tệp khóa khôi phục “{path}”: {e}.") from None
    try:
        return parse_key(text)
    except ValidationError:
        found = _KEY_LINE.search(text)
        if found is None:
            raise
        return parse_key(found.group(1))
