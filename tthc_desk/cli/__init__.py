"""The `tthc-desk` command line: the same services as the GUI, for scripting and administration.

Every command accepts ``--data-dir DIR`` and ``--now "YYYY-MM-DD HH:MM"`` before or after its
name. What a command produces goes to stdout, one item per line; diagnostics go to the log (and
to stderr with ``-v``). An error ends the command with exit code 2 and ONE Vietnamese line on
stderr, and nothing is written: input is checked before any write, and a receipt's folder is
checked before the dossier is saved.

Opening the GUI is left to the caller (``tthc_desk.__main__``), which passes a ``gui`` callable:
the CLI sits below the application root in the layers and never imports it.
"""

from __future__ import annotations

import argparse
import logging
import logging.handlers
import re
import sys
import time
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from tthc_desk.domain.clock import Clock, FixedClock, SystemClock
from tthc_desk.domain.dossier import Channel, DossierDraft, Person, ReturnMethod
from tthc_desk.domain.errors import TthcError, ValidationError
from tthc_desk.paths import AppPaths, resolve_paths

if TYPE_CHECKING:
    from tthc_desk.services.container import Services

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_ERROR = 2
DEMO_FOLDER = "demo"
MOMENT_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y %H:%M")
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")
MOMENT_HINT = "“YYYY-MM-DD HH:MM”, ví dụ “2026-03-02 08:15”"

#: ``gui(paths, clock, demo) -> exit code``, provided by ``tthc_desk.__main__``.
GuiLauncher = Callable[[AppPaths, Clock | None, bool], int]


class CliError(TthcError):
    """A problem with the command line itself (a missing folder, a bad date)."""


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


def _vietnamese(message: str) -> str:
    for pattern, template in _ARGPARSE_MESSAGES:
        m = pattern.fullmatch(message.strip())
        if m:
            return template.format(*(g.replace("'", "") for g in m.groups()))
    return message


class _UsageError(Exception):
    pass


class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, prefix if prefix is not None else "Cách dùng: ")


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser that speaks Vietnamese and raises instead of printing usage."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        with_help = kwargs.pop("add_help", True)
        super().__init__(*args, add_help=False, **kwargs)
        self._positionals.title = "tham số"
        self._optionals.title = "tùy chọn"
        if with_help:  # argparse's own help text is English
            self.add_argument(
                "-h",
                "--help",
                action="help",
                default=argparse.SUPPRESS,
                help="hiện hướng dẫn này rồi thoát",
            )

    def error(self, message: str) -> NoReturn:
        raise _UsageError(_vietnamese(message))


def _moment(text: str) -> datetime:
    for fmt in MOMENT_FORMATS:
        try:
            return datetime.strptime(text.strip(), fmt)
        except ValueError:
            continue
    raise argparse.ArgumentTypeError(f"“{text}” không phải thời điểm dạng {MOMENT_HINT}.")


def _day(text: str) -> date:
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    raise argparse.ArgumentTypeError(f"“{text}” không phải ngày dạng dd/mm/yyyy.")


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}” không phải số nguyên.") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"cần một số từ 1 trở lên (đã nhập {value}).")
    return value


def _common_options() -> argparse.ArgumentParser:
    # default=SUPPRESS: an option given before the command is not reset by the subparser.
    common = _Parser(add_help=False)
    common._optionals.title = "tùy chọn chung"
    common.add_argument(
        "--data-dir",
        metavar="THƯ_MỤC",
        default=argparse.SUPPRESS,
        help="thư mục dữ liệu (mặc định: biến TTHC_DESK_DATA_DIR, rồi thư mục dữ liệu của người dùng)",
    )
    common.add_argument(
        "--now",
        metavar='"YYYY-MM-DD HH:MM"',
        type=_moment,
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


def build_parser() -> argparse.ArgumentParser:
    common = _common_options()
    parser = _Parser(
        prog="tthc-desk",
        parents=[common],
        description="TTHC Desk – tiếp nhận hồ sơ, hẹn trả kết quả tại Bộ phận Một cửa. "
        "Không có lệnh: mở giao diện.",
    )
    sub = parser.add_subparsers(dest="command", metavar="LỆNH", title="các lệnh")

    def leaf(owner: Any, name: str, help_text: str) -> argparse.ArgumentParser:
        p: argparse.ArgumentParser = owner.add_parser(
            name, parents=[common], help=help_text, description=help_text
        )
        return p

    p = leaf(
        sub, "demo", "tạo hồ sơ mẫu giống thực tế (họ tên, thủ tục, kênh, trạng thái qua nhiều năm)"
    )
    p.add_argument(
        "--dossiers", type=_positive, required=True, metavar="N", help="số hồ sơ cần tạo"
    )
    p.add_argument(
        "--seed", type=int, default=1, metavar="S", help="hạt giống ngẫu nhiên (mặc định 1)"
    )

    catalog = sub.add_parser(
        "catalog", help="danh mục thủ tục hành chính", description="Danh mục thủ tục hành chính."
    )
    csub = catalog.add_subparsers(
        dest="catalog_command", metavar="LỆNH", title="các lệnh", required=True
    )
    p = leaf(csub, "import", "nhập danh mục từ Excel (kiểm tra mọi dòng, có lỗi thì không nhập gì)")
    p.add_argument("file", metavar="TỆP.xlsx", type=Path)
    p = leaf(csub, "export", "xuất danh mục ra Excel")
    p.add_argument("file", metavar="TỆP.xlsx", type=Path)
    p = leaf(csub, "list", "liệt kê các thủ tục: mã, thời hạn, lĩnh vực, tên")
    p.add_argument("--all", action="store_true", help="kể cả thủ tục đã ngừng áp dụng")

    cal = sub.add_parser(
        "calendar",
        help="lịch làm việc (ngày nghỉ lễ, nghỉ bù, làm bù)",
        description="Lịch làm việc của cơ quan.",
    )
    ksub = cal.add_subparsers(
        dest="calendar_command", metavar="LỆNH", title="các lệnh", required=True
    )
    p = leaf(ksub, "show", "liệt kê ngày nghỉ, ngày làm bù và tổng số ngày làm việc của một năm")
    p.add_argument("--year", type=int, required=True, metavar="NĂM")
    p = leaf(
        ksub,
        "import",
        "nhập ngày nghỉ, ngày làm bù từ Excel hoặc CSV (cột Ngày, Loại, Tên, Căn cứ)",
    )
    p.add_argument("file", metavar="TỆP", type=Path)

    p = leaf(sub, "due", "tính ngày hẹn trả kết quả, in dạng YYYY-MM-DD HH:MM")
    p.add_argument("--procedure", required=True, metavar="MÃ", help="mã thủ tục, ví dụ 1.001193")
    p.add_argument(
        "--received",
        type=_moment,
        required=True,
        metavar='"YYYY-MM-DD HH:MM"',
        help="thời điểm tiếp nhận",
    )

    p = leaf(sub, "receive", "tiếp nhận một hồ sơ, in mã hồ sơ")
    p.add_argument("--procedure", required=True, metavar="MÃ", help="mã thủ tục, ví dụ 1.001193")
    p.add_argument("--name", required=True, metavar="HỌ_TÊN", help="họ và tên người nộp")
    p.add_argument(
        "--id-number", required=True, metavar="SỐ", help="số định danh cá nhân (12 chữ số)"
    )
    p.add_argument("--birth-date", type=_day, metavar="dd/mm/yyyy", help="ngày sinh")
    p.add_argument("--phone", default="", metavar="SỐ", help="số điện thoại")
    p.add_argument("--address", default="", metavar="ĐỊA_CHỈ", help="địa chỉ")
    p.add_argument("--email", default="", metavar="EMAIL")
    p.add_argument(
        "--channel",
        choices=[c.value for c in Channel],
        default=Channel.DIRECT.value,
        help="kênh tiếp nhận: direct (trực tiếp), postal (bưu chính), online (trực tuyến)",
    )
    p.add_argument(
        "--return",
        dest="return_method",
        choices=[r.value for r in ReturnMethod],
        default=ReturnMethod.COUNTER.value,
        help="nhận kết quả: counter (tại Bộ phận Một cửa), postal (qua bưu chính)",
    )
    p.add_argument(
        "--return-address",
        default="",
        metavar="ĐỊA_CHỈ",
        help="địa chỉ nhận kết quả qua bưu chính (mặc định: địa chỉ người nộp)",
    )
    p.add_argument(
        "--recipient",
        default="",
        metavar="HỌ_TÊN",
        help="người nhận kết quả qua bưu chính (mặc định: người nộp)",
    )
    p.add_argument(
        "--recipient-phone",
        default="",
        metavar="SỐ",
        help="điện thoại người nhận kết quả qua bưu chính (mặc định: của người nộp)",
    )
    p.add_argument(
        "--postal-ref",
        default="",
        metavar="SỐ_HIỆU",
        help="số hiệu bưu gửi của hồ sơ nhận qua bưu chính (bắt buộc với --channel postal)",
    )
    p.add_argument(
        "--received",
        type=_moment,
        metavar='"YYYY-MM-DD HH:MM"',
        help="thời điểm tiếp nhận (mặc định: bây giờ)",
    )
    p.add_argument(
        "--backdate-reason", default="", metavar="LÝ_DO", help="lý do nhập lùi thời điểm tiếp nhận"
    )
    p.add_argument("--sets", type=_positive, default=1, metavar="N", help="số bộ hồ sơ")
    p.add_argument("--note", default="", metavar="GHI_CHÚ")
    p.add_argument("--receipt", type=Path, metavar="TỆP.pdf", help="ghi giấy tiếp nhận ra tệp PDF")

    p = leaf(
        sub,
        "search",
        "tìm hồ sơ theo tên (không cần dấu), mã hồ sơ, số định danh, điện thoại, thủ tục",
    )
    p.add_argument("text", metavar="TỪ_KHÓA")
    p.add_argument(
        "--limit", type=_positive, default=50, metavar="N", help="số dòng tối đa (mặc định 50)"
    )

    prt = sub.add_parser("print", help="in biểu mẫu ra PDF", description="In biểu mẫu ra PDF.")
    psub = prt.add_subparsers(
        dest="print_command", metavar="BIỂU_MẪU", title="biểu mẫu", required=True
    )
    p = leaf(psub, "receipt", "giấy tiếp nhận hồ sơ và hẹn trả kết quả (Mẫu 01)")
    p.add_argument("code", metavar="MÃ_HỒ_SƠ")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="TỆP.pdf")

    from tthc_desk.cli import (
        lifecycle as cli_lifecycle,  # after intake: moves, late dossiers, forms, registers
    )

    cli_lifecycle.add_print_forms(psub, leaf)
    cli_lifecycle.add_parsers(sub, leaf)
    from tthc_desk.cli import postal as cli_postal  # results returned by public postal service

    cli_postal.add_parsers(sub, leaf)
    from tthc_desk.cli import reports as cli_reports  # reports upward and the province's roll-up

    cli_reports.add_parsers(sub, leaf)
    from tthc_desk.cli import sync as cli_sync  # reports upward: destination, outbox, upload

    cli_sync.add_parsers(sub, leaf)
    return parser


# -- plumbing ---------------------------------------------------------------------------------


def error_line(error: BaseException) -> str:
    """One line for stderr: a ValidationError's summary followed by every problem."""
    if (
        isinstance(error, ValidationError)
        and error.problems
        and [p.describe() for p in error.problems] != [error.message]
    ):
        problems = "; ".join(p.describe().rstrip(". ") for p in error.problems)
        text = f"{error.message.rstrip('. ')} — {problems}."
    elif isinstance(error, TthcError):
        text = error.message
    else:
        text = str(error)
    return " ".join(text.split())


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


def _require_folder(path: Path, what: str) -> Path:
    folder = path.expanduser().resolve().parent
    if not folder.is_dir():
        raise CliError(f"Không ghi được {what}: thư mục “{folder}” không tồn tại.")
    return path.expanduser()


def _require_file(path: Path) -> Path:
    if not path.expanduser().is_file():
        raise CliError(f"Không tìm thấy tệp “{path}”.")
    return path.expanduser()


def _format(moment: datetime) -> str:
    return moment.strftime("%d/%m/%Y %H:%M")


# -- commands ---------------------------------------------------------------------------------


def _cmd_demo(args: argparse.Namespace, svc: Services, out: TextIO) -> int:
    from tthc_desk.services.demo_service import generate_demo

    started = time.perf_counter()
    last = [started]

    def progress(done: int, total: int) -> None:
        if time.perf_counter() - last[0] > 5:
            last[0] = time.perf_counter()
            log.info("Đã tạo %d/%d hồ sơ mẫu", done, total)

    n = generate_demo(svc, args.dossiers, seed=args.seed, progress=progress)
    seconds = time.perf_counter() - started
    seconds_text = f"{seconds:.1f}".replace(".", ",")  # Vietnamese decimal comma
    print(f"Đã tạo {n} hồ sơ mẫu trong {seconds_text} giây.", file=out)
    return EXIT_OK


def _cmd_catalog(args: argparse.Namespace, svc: Services, out: TextIO) -> int:
    if args.catalog_command == "import":
        added, updated = svc.catalog.import_xlsx(_require_file(args.file))
        print(f"Đã nhập danh mục: thêm {added}, cập nhật {updated} thủ tục.", file=out)
    elif args.catalog_command == "export":
        n = svc.catalog.export_xlsx(_require_folder(args.file, "tệp Excel"))
        print(f"Đã xuất {n} thủ tục ra {args.file}", file=out)
    else:
        for p in svc.catalog.list(active_only=not args.all):
            flag = "" if p.active else "\t(ngừng áp dụng)"
            print(f"{p.code}\t{p.duration.describe()}\t{p.field}\t{p.name}{flag}", file=out)
    return EXIT_OK


_WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")


def _cmd_calendar(args: argparse.Namespace, svc: Services, out: TextIO) -> int:
    if args.calendar_command == "import":
        n = svc.calendar.import_file(_require_file(args.file))
        print(f"Đã nhập {n} ngày vào lịch làm việc.", file=out)
        return EXIT_OK
    year = args.year
    if not 1900 <= year <= 2200:
        raise CliError(f"Năm {year} nằm ngoài khoảng 1900–2200.")
    svc.calendar.ensure_years([year])
    for exc in svc.calendar.exceptions(year):
        name = f"\t{exc.name}" if exc.name else ""
        print(
            f"{exc.day:%d/%m/%Y}\t{_WEEKDAYS[exc.day.weekday()]}\t{exc.kind.label}{name}", file=out
        )
    days = svc.calendar.year_days(year)
    working = sum(1 for _, is_working in days if is_working)
    print(f"Năm {year}: {working} ngày làm việc, {len(days) - working} ngày nghỉ.", file=out)
    return EXIT_OK


def _cmd_due(args: argparse.Namespace, svc: Services, out: TextIO) -> int:
    due = svc.dossiers.preview_due(args.procedure, args.received)
    print(f"{due:%Y-%m-%d %H:%M}", file=out)
    return EXIT_OK


def _cmd_receive(args: argparse.Namespace, svc: Services, out: TextIO) -> int:
    receipt = _require_folder(args.receipt, "giấy tiếp nhận") if args.receipt else None
    return_method = ReturnMethod(args.return_method)
    return_address = args.return_address
    if return_method is ReturnMethod.POSTAL and not return_address:
        return_address = args.address
    draft = DossierDraft(
        procedure_code=args.procedure,
        applicant=Person(
            full_name=args.name,
            id_number=args.id_number,
            birth_date=args.birth_date,
            phone=args.phone,
            address=args.address,
            email=args.email,
        ),
        channel=Channel(args.channel),
        return_method=return_method,
        return_address=return_address,
        return_recipient=args.recipient,
        return_phone=args.recipient_phone,
        postal_reference=args.postal_ref,
        sets_count=args.sets,
        note=args.note,
        received_at=args.received,
        backdate_reason=args.backdate_reason,
    )
    dossier = svc.dossiers.receive(draft)
    print(dossier.code, file=out)
    log.info("Received %s, due %s", dossier.code, dossier.due_at)
    if receipt is not None:
        svc.printing.write_receipt(dossier.code, receipt)
        log.info("Receipt of %s written to %s", dossier.code, receipt)
    return EXIT_OK


def _cmd_search(args: argparse.Namespace, svc: Services, out: TextIO) -> int:
    from tthc_desk.services.dossier_service import DossierQuery

    rows = svc.dossiers.search(DossierQuery(text=args.text, limit=args.limit))
    for r in rows:
        print(
            f"{r.code}\t{r.applicant_name}\t{r.procedure_code}\t{_format(r.received_at)}\t"
            f"{_format(r.due_at)}\t{r.status.label}",
            file=out,
        )
    if not rows:
        print(f"Không tìm thấy hồ sơ nào khớp “{args.text}”.", file=sys.stderr)
    return EXIT_OK


def _cmd_print(args: argparse.Namespace, svc: Services, out: TextIO) -> int:
    if args.print_command != "receipt":
        from tthc_desk.cli.lifecycle import print_form

        return print_form(args, svc, out)
    target = _require_folder(args.output, "giấy tiếp nhận")
    path = svc.printing.write_receipt(args.code, target)
    print(path, file=out)
    return EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace, Services, TextIO], int]] = {
    "demo": _cmd_demo,
    "catalog": _cmd_catalog,
    "calendar": _cmd_calendar,
    "due": _cmd_due,
    "receive": _cmd_receive,
    "search": _cmd_search,
    "print": _cmd_print,
}


# -- entry point ------------------------------------------------------------------------------


def _paths(args: argparse.Namespace) -> AppPaths:
    paths = resolve_paths(getattr(args, "data_dir", None))
    if getattr(args, "demo", False):
        paths = AppPaths(paths.data_dir / DEMO_FOLDER)
    return paths


def _open_gui(
    args: argparse.Namespace, paths: AppPaths, clock: Clock | None, gui: GuiLauncher | None
) -> int:
    if gui is None:
        raise CliError("Bản này không có giao diện; hãy dùng một lệnh (xem tthc-desk --help).")
    # With demo=True the GUI seeds the demo database once (demo_service.ensure_demo).
    return gui(paths, clock, bool(getattr(args, "demo", False)))


def main(argv: Sequence[str] | None = None, gui: GuiLauncher | None = None) -> int:
    """Run one command (or open the GUI through ``gui``); returns the exit code."""
    raw = list(sys.argv[1:] if argv is None else argv)
    argv_nfc = [unicodedata.normalize("NFC", a) for a in raw]
    try:
        args = build_parser().parse_args(argv_nfc)
    except _UsageError as e:
        print(f"tthc-desk: {e}", file=sys.stderr)
        return EXIT_ERROR
    except SystemExit as e:  # --help
        return int(e.code or 0)
    paths = _paths(args)
    now = getattr(args, "now", None)
    clock: Clock | None = FixedClock(now) if now is not None else None
    try:
        with _logging(paths, bool(getattr(args, "verbose", False))) as log_file:
            try:
                if args.command is None:
                    return _open_gui(args, paths, clock, gui)
                return _run_command(args, paths, clock)
            except TthcError as e:
                log.info(
                    "Refused: %s", e.full_text() if isinstance(e, ValidationError) else e.message
                )
                print(f"tthc-desk: {error_line(e)}", file=sys.stderr)
                return EXIT_ERROR
            except OSError as e:
                log.exception("File error")
                where = f" “{e.filename}”" if e.filename else ""
                print(
                    f"tthc-desk: không đọc/ghi được tệp{where}: {e.strerror or e}.", file=sys.stderr
                )
                return EXIT_ERROR
            except Exception as e:
                log.exception("Unexpected error")
                print(
                    f"tthc-desk: lỗi không mong đợi ({type(e).__name__}: {error_line(e)}); chi tiết trong {log_file}.",
                    file=sys.stderr,
                )
                return EXIT_INTERNAL
    except OSError as e:  # the data folder itself cannot be created
        print(
            f"tthc-desk: không dùng được thư mục dữ liệu “{paths.data_dir}”: {e.strerror or e}.",
            file=sys.stderr,
        )
        return EXIT_ERROR


def _run_command(args: argparse.Namespace, paths: AppPaths, clock: Clock | None) -> int:
    from tthc_desk.services.container import open_services

    services = open_services(paths, clock or SystemClock())
    try:
        from tthc_desk.cli.lifecycle import COMMANDS as LIFECYCLE_COMMANDS
        from tthc_desk.cli.postal import COMMANDS as POSTAL_COMMANDS
        from tthc_desk.cli.reports import COMMANDS as REPORT_COMMANDS
        from tthc_desk.cli.sync import COMMANDS as SYNC_COMMANDS

        commands = {
            **COMMANDS,
            **LIFECYCLE_COMMANDS,
            **POSTAL_COMMANDS,
            **REPORT_COMMANDS,
            **SYNC_COMMANDS,
        }
        command = commands[args.command]
        return command(args, services, sys.stdout)
    finally:
        services.close()
