"""The `tthc-desk` commands that send reports upward: the destination, the outbox, the upload.

``destination set|show|test``, ``upload`` (sends what is due; ``--all`` ignores the back-off),
``upload status``, ``outbox add FILE --kind K --period P`` and ``outbox retry ID``. Same rules as
:mod:`tthc_desk.cli`: one line per item on stdout; an error exits 2 with one Vietnamese line on
stderr and nothing written. A secret is read from stdin with ``--password-stdin``, stored in the
operating system's keyring by ``destination set`` and never anywhere else. These commands'
``--password-stdin`` (after their name) is the destination's password: when ``--user NAME
--password-stdin`` come before the name too, the first line of stdin logs the person in and the
destination's password is the next line.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from tthc_desk.cli.args import (
    EXIT_OK,
    CliError,
    Command,
    CommandTree,
    Identity,
    dispatch,
    format_moment,
    positive,
    require_file,
    stdin_line,
)
from tthc_desk.domain.destinations import Destination, DestinationKind, TlsMode
from tthc_desk.domain.outbox import OutboxState, SendResult
from tthc_desk.presentation import label, receipt_text

if TYPE_CHECKING:
    from tthc_desk.services.container import Services

KINDS = {
    "webdav": DestinationKind.WEBDAV,
    "https-post": DestinationKind.HTTPS_POST,
    "smtp": DestinationKind.SMTP,
    "folder": DestinationKind.FOLDER,
}


def add_parsers(tree: CommandTree) -> None:
    dest = tree.group(
        "destination",
        "nơi nhận báo cáo gửi lên cấp trên",
        "Nơi nhận báo cáo gửi lên cấp trên (người quản trị đặt).",
        dest="destination_command",
    )
    p = dest.leaf("set", "đặt nơi nhận: thư mục WebDAV, địa chỉ HTTPS, thư điện tử hoặc thư mục")
    p.add_argument(
        "--kind", required=True, choices=list(KINDS), help="webdav, https-post, smtp hoặc folder"
    )
    p.add_argument(
        "--name", default="Cấp tỉnh", metavar="TÊN", help="tên nơi nhận (mặc định “Cấp tỉnh”)"
    )
    p.add_argument(
        "--url", default="", metavar="URL", help="địa chỉ thư mục WebDAV hoặc địa chỉ nhận tệp"
    )
    p.add_argument(
        "--folder", default="", metavar="THƯ_MỤC", help="thư mục trên máy hoặc mạng nội bộ"
    )
    p.add_argument("--user", default="", metavar="TÊN_ĐĂNG_NHẬP")
    p.add_argument(
        "--bearer",
        action="store_true",
        help="https-post: gửi mã truy cập (token) thay cho mật khẩu",
    )
    p.add_argument(
        "--password-stdin",
        action="store_true",
        help="đọc mật khẩu (hoặc token) của nơi nhận từ stdin, dòng sau mật khẩu đăng nhập",
    )
    p.add_argument(
        "--no-store",
        action="store_true",
        help="không lưu mật khẩu (máy không có kho mật khẩu): hỏi lại mỗi lần gửi",
    )
    p.add_argument("--smtp-host", default="", metavar="MÁY_CHỦ")
    p.add_argument("--smtp-port", type=positive, default=587, metavar="CỔNG")
    p.add_argument(
        "--tls",
        choices=[m.value for m in TlsMode],
        default=TlsMode.STARTTLS.value,
        help="mã hóa: starttls (mặc định), ssl hoặc none",
    )
    p.add_argument("--from", dest="from_addr", default="", metavar="ĐỊA_CHỈ", help="thư người gửi")
    p.add_argument(
        "--to",
        dest="to_addrs",
        action="append",
        default=[],
        metavar="ĐỊA_CHỈ",
        help="thư người nhận (lặp lại cho mỗi người)",
    )
    p.add_argument(
        "--subject", default=None, metavar="MẪU", help="tiêu đề thư, dùng {kind} {period} {office}"
    )
    p.add_argument(
        "--timeout", type=float, default=30.0, metavar="GIÂY", help="thời gian chờ (mặc định 30)"
    )
    p.add_argument(
        "--allow-http",
        action="store_true",
        help="cho phép http:// hoặc thư không mã hóa (TLS none) trong mạng nội bộ",
    )
    p.add_argument(
        "--ca-file", default="", metavar="TỆP.pem", help="chứng chỉ gốc riêng của máy chủ"
    )
    dest.leaf("show", "xem nơi nhận đang đặt (không hiện mật khẩu)", Identity.SYSTEM)
    p = dest.leaf("test", "thử kết nối và đăng nhập, không gửi báo cáo nào")
    p.add_argument(
        "--password-stdin", action="store_true", help="đọc mật khẩu từ stdin (máy không có keyring)"
    )

    up = tree.leaf(
        "upload", "gửi các báo cáo đến lượt trong hàng chờ, in kết quả từng tệp", Identity.SYSTEM
    )
    up.add_argument(
        "--all",
        action="store_true",
        help="gửi mọi báo cáo đang chờ, không đợi hết thời gian chờ thử lại",
    )
    up.add_argument(
        "--password-stdin", action="store_true", help="đọc mật khẩu từ stdin (máy không có keyring)"
    )
    tree.optional_below(up, dest="upload_command").leaf(
        "status",
        "liệt kê hàng chờ gửi: số, tệp, trạng thái, số lần thử, lần thử sau, lỗi gần nhất",
        Identity.SYSTEM,
    )

    box = tree.group(
        "outbox", "hàng chờ gửi báo cáo", "Hàng chờ gửi báo cáo.", dest="outbox_command"
    )
    p = box.leaf("add", "đưa một tệp báo cáo đã lập vào hàng chờ gửi", Identity.SYSTEM)
    p.add_argument("file", type=Path, metavar="TỆP")
    p.add_argument("--kind", required=True, metavar="LOẠI", help="loại báo cáo: weekly, period…")
    p.add_argument(
        "--period", required=True, metavar="KỲ", help="kỳ báo cáo, ví dụ 2026-W09, 2026-Q1"
    )
    p.add_argument(
        "--office", default="", metavar="MÃ", help="mã định danh cơ quan (mặc định: của cơ quan)"
    )
    p = box.leaf("retry", "đặt lại một báo cáo gửi không được để gửi ở lần tới")
    p.add_argument("item_id", type=positive, metavar="SỐ")


def _prompt(args: argparse.Namespace) -> Callable[[Destination], str | None]:
    cached: list[str] = []

    def ask(dest: Destination) -> str | None:
        if cached:
            return cached[0]
        if getattr(args, "password_stdin", False):
            cached.append(stdin_line())
        elif sys.stdin.isatty():
            cached.append(getpass.getpass(f"Mật khẩu cho {dest.name} ({dest.where}): "))
        return cached[0] if cached else None

    return ask


def _secret_state(svc: Services, dest: Destination) -> str:
    credentials = svc.outbox.credentials
    if not credentials.available:
        return "không lưu (máy không có kho mật khẩu), hỏi khi gửi"
    return "đã lưu trong kho mật khẩu" if credentials.get(dest.secret_key) else "chưa lưu"


def _destination_show(args: argparse.Namespace, svc: Services, out: TextIO) -> int:
    dest = svc.outbox.destination()
    if dest is None:
        raise CliError("Chưa đặt nơi nhận báo cáo (tthc-desk destination set …).")
    print(f"Tên\t{dest.name}\nLoại\t{label(dest.kind)}\nĐịa chỉ\t{dest.where}", file=out)
    if dest.username:
        print(f"Tên đăng nhập\t{dest.username}", file=out)
    if dest.needs_secret:
        print(f"Mật khẩu\t{_secret_state(svc, dest)}", file=out)
    return EXIT_OK


def _destination_test(args: argparse.Namespace, svc: Services, out: TextIO) -> int:
    receipt = svc.outbox.test_destination(_prompt(args))
    print(f"Kết nối được: {receipt_text(receipt)}", file=out)
    return EXIT_OK


def _destination(args: argparse.Namespace) -> Destination:
    values: dict[str, Any] = {
        "kind": KINDS[args.kind],
        "name": args.name,
        "url": args.url,
        "folder": args.folder,
        "username": args.user,
        "bearer": args.bearer,
        "smtp_host": args.smtp_host,
        "smtp_port": args.smtp_port,
        "tls": TlsMode(args.tls),
        "from_addr": args.from_addr,
        "to_addrs": tuple(args.to_addrs),
        "timeout": args.timeout,
        "allow_http": args.allow_http,
        "ca_file": args.ca_file,
    }
    if args.subject is not None:
        values["subject_template"] = args.subject
    return Destination(**values)


def _destination_set(args: argparse.Namespace, svc: Services, out: TextIO) -> int:
    outbox = svc.outbox
    dest = _destination(args)
    secret = stdin_line() if args.password_stdin else None
    if secret and not args.no_store and not outbox.credentials.available:
        raise CliError(
            outbox.credentials.unavailable_reason
            + " Thêm --no-store để lưu nơi nhận mà không lưu mật khẩu."
        )
    saved = outbox.save_destination(dest, secret, store_secret=not args.no_store)
    print(f"Đã lưu nơi nhận “{saved.name}”: {label(saved.kind)}, {saved.where}", file=out)
    if secret and not args.no_store:
        print("Mật khẩu đã lưu trong kho mật khẩu của hệ điều hành.", file=out)
    elif saved.needs_secret and not outbox.credentials.get(saved.secret_key):
        print("Mật khẩu chưa lưu: sẽ được hỏi mỗi lần gửi (--password-stdin).", file=out)
    return EXIT_OK


def _result_text(r: SendResult) -> str:
    if r.sent:
        return "Đã gửi"
    if r.state is OutboxState.FAILED:
        return "Gửi không được, cần xử lý"
    if r.next_attempt_at:
        return f"Chờ gửi lại lúc {format_moment(r.next_attempt_at)}"
    return "Chờ gửi lại"


def _upload_status(svc: Services, out: TextIO) -> int:
    for i in svc.outbox.items():
        next_at = (
            format_moment(i.next_attempt_at)
            if i.next_attempt_at and i.state is not OutboxState.SENT
            else ""
        )
        print(
            f"{i.id}\t{i.file_name}\t{label(i.state)}\t{i.attempts}\t{next_at}\t{i.last_error}",
            file=out,
        )
    counts = svc.outbox.status_counts()
    print("Tổng: " + ", ".join(f"{label(s).lower()} {n}" for s, n in counts.items()), file=out)
    return EXIT_OK


def _cmd_upload(args: argparse.Namespace, svc: Services, out: TextIO) -> int:
    if args.upload_command == "status":
        return _upload_status(svc, out)
    results = svc.outbox.send_due(secret_prompt=_prompt(args), ignore_backoff=args.all)
    for r in results:
        reason = r.reply if r.sent else r.message
        print(f"{r.file_name}\t{_result_text(r)}\t{reason}", file=out)
    if not results:
        print("Không có báo cáo nào đến lượt gửi.", file=out)
    return EXIT_OK


def _outbox_add(args: argparse.Namespace, svc: Services, out: TextIO) -> int:
    office = args.office or svc.settings.office().agency_id
    svc.reports.check_label(require_file(args.file), args.kind, args.period, office)
    item = svc.outbox.enqueue(
        require_file(args.file), kind=args.kind, period_key=args.period, office_id=office
    )
    print(f"{item.id}\t{item.file_name}\t{label(item.state)}", file=out)
    return EXIT_OK


def _outbox_retry(args: argparse.Namespace, svc: Services, out: TextIO) -> int:
    item = svc.outbox.retry(args.item_id)
    print(f"{item.id}\t{item.file_name}\t{label(item.state)}", file=out)
    return EXIT_OK


COMMANDS: dict[str, Command] = {
    "destination": dispatch(
        "destination_command",
        {"show": _destination_show, "test": _destination_test, "set": _destination_set},
    ),
    "upload": _cmd_upload,
    "outbox": dispatch("outbox_command", {"add": _outbox_add, "retry": _outbox_retry}),
}
