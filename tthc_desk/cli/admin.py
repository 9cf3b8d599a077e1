"""The `tthc-desk` commands that set the office up: the first-run ``setup`` (the office and its
first administrator), sample dossiers (``demo``, on an empty folder or the demo database only),
the procedure catalog, the working calendar, and the appointment a procedure gives (``due``).

Same rules as :mod:`tthc_desk.cli`: results on stdout, one item per line; an error ends the
command with exit code 2 and one Vietnamese line on stderr, and nothing is written.
"""

from __future__ import annotations

import argparse
import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from tthc_desk.cli.args import (
    EXIT_OK,
    MOMENT,
    CliError,
    Command,
    CommandTree,
    Identity,
    dispatch,
    moment,
    percent,
    positive,
    read_secret,
    require_file,
    require_folder,
    roles,
)
from tthc_desk.domain.access import NewAccount, Role
from tthc_desk.domain.errors import ConflictError
from tthc_desk.domain.office import OfficeHours, OfficeProfile, normalise_office, validate_office
from tthc_desk.presentation import duration_text, label

if TYPE_CHECKING:
    from tthc_desk.services.container import Services

log = logging.getLogger(__name__)

_WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")


def add_parsers(tree: CommandTree) -> None:
    _add_setup(
        tree.leaf(
            "setup",
            "khai báo ban đầu: thông tin cơ quan và tài khoản quản trị đầu tiên "
            "(giờ làm việc, giờ chốt nhận hồ sơ theo mặc định)",
            Identity.NOBODY,
        )
    )
    p = tree.leaf(
        "demo",
        "tạo hồ sơ mẫu giống thực tế (họ tên, thủ tục, kênh, trạng thái qua nhiều năm) trong "
        "thư mục dữ liệu trống hoặc cơ sở dữ liệu mẫu; tài khoản demo, mật khẩu demo",
        Identity.NOBODY,
    )
    p.add_argument("--dossiers", type=positive, required=True, metavar="N", help="số hồ sơ cần tạo")
    p.add_argument(
        "--seed", type=int, default=1, metavar="S", help="hạt giống ngẫu nhiên (mặc định 1)"
    )
    p.add_argument(
        "--scans",
        type=percent,
        metavar="PHẦN_TRĂM",
        help="khoảng bao nhiêu phần trăm hồ sơ có bản số hóa mẫu của giấy tờ và kết quả "
        "(mặc định 10; 0: không có)",
    )

    catalog = tree.group(
        "catalog",
        "danh mục thủ tục hành chính",
        "Danh mục thủ tục hành chính.",
        dest="catalog_command",
    )
    p = catalog.leaf(
        "import", "nhập danh mục từ Excel (kiểm tra mọi dòng, có lỗi thì không nhập gì)"
    )
    p.add_argument("file", metavar="TỆP.xlsx", type=Path)
    p = catalog.leaf("export", "xuất danh mục ra Excel", Identity.SYSTEM)
    p.add_argument("file", metavar="TỆP.xlsx", type=Path)
    p = catalog.leaf("list", "liệt kê các thủ tục: mã, thời hạn, lĩnh vực, tên", Identity.SYSTEM)
    p.add_argument("--all", action="store_true", help="kể cả thủ tục đã ngừng áp dụng")

    calendar = tree.group(
        "calendar",
        "lịch làm việc (ngày nghỉ lễ, nghỉ bù, làm bù)",
        "Lịch làm việc của cơ quan.",
        dest="calendar_command",
    )
    p = calendar.leaf(
        "show",
        "liệt kê ngày nghỉ, ngày làm bù và tổng số ngày làm việc của một năm",
        Identity.SYSTEM,
    )
    p.add_argument("--year", type=int, required=True, metavar="NĂM")
    p = calendar.leaf(
        "import", "nhập ngày nghỉ, ngày làm bù từ Excel hoặc CSV (cột Ngày, Loại, Tên, Căn cứ)"
    )
    p.add_argument("file", metavar="TỆP", type=Path)

    p = tree.leaf("due", "tính ngày hẹn trả kết quả, in dạng YYYY-MM-DD HH:MM", Identity.SYSTEM)
    p.add_argument("--procedure", required=True, metavar="MÃ", help="mã thủ tục, ví dụ 1.001193")
    p.add_argument(
        "--received", type=moment, required=True, metavar=MOMENT, help="thời điểm tiếp nhận"
    )


def _add_setup(p: argparse.ArgumentParser) -> None:
    office = p.add_argument_group("cơ quan")
    for option, metavar, help_text in (
        ("--agency-id", "MÃ_ĐỊNH_DANH", "mã định danh cơ quan, trong mã hồ sơ (000.17.22.H56)"),
        ("--authority", "TÊN", "cơ quan chủ quản, dòng trên cùng của biểu mẫu (UBND PHƯỜNG …)"),
        ("--office", "TÊN", "tên Bộ phận Một cửa (TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG)"),
        ("--place", "ĐỊA_DANH", "địa danh ghi ngày tháng trên văn bản (Đồng Nguyên)"),
        ("--head", "HỌ_TÊN", "họ tên người đứng đầu, ký phiếu xin lỗi và thông báo"),
    ):
        office.add_argument(option, required=True, metavar=metavar, help=help_text)
    for option, metavar, help_text in (
        ("--head-title", "CHỨC_DANH", "chức danh người ký (PHÓ GIÁM ĐỐC)"),
        ("--head-prefix", "DÒNG", "dòng trên chức danh khi ký thay (KT. GIÁM ĐỐC)"),
        ("--province", "TỈNH", "tỉnh, thành phố (Tỉnh Bắc Ninh)"),
        ("--address", "ĐỊA_CHỈ", "địa chỉ cơ quan"),
        ("--phone", "SỐ", "điện thoại cơ quan"),
        ("--email", "EMAIL", "thư điện tử cơ quan"),
    ):
        office.add_argument(option, default="", metavar=metavar, help=help_text)
    office.add_argument(
        "--unit",
        dest="units",
        action="append",
        default=[],
        metavar="ĐƠN_VỊ",
        help="đơn vị chuyên môn nhận hồ sơ (lặp lại cho mỗi đơn vị)",
    )
    admin = p.add_argument_group("tài khoản quản trị đầu tiên")
    admin.add_argument("--admin", required=True, metavar="TÊN_ĐĂNG_NHẬP", help="ví dụ quantri")
    admin.add_argument("--admin-name", required=True, metavar="HỌ_TÊN", help="họ và tên")
    admin.add_argument(
        "--roles",
        type=roles,
        default=frozenset({Role.ADMIN}),
        metavar="VAI_TRÒ",
        help="vai trò, phải có admin: clerk (tiếp nhận), head (lãnh đạo), admin (quản trị), "
        "cách nhau bằng dấu phẩy (mặc định admin)",
    )
    admin.add_argument(
        "--password-stdin",
        action="store_true",
        help="đọc mật khẩu của tài khoản quản trị từ stdin (không có: hỏi khi chạy)",
    )


def _cmd_setup(args: argparse.Namespace, svc: Services, out: TextIO) -> int:
    if svc.settings.is_set_up():
        raise ConflictError(
            "Cơ quan đã được khai báo; người Quản trị sửa ở Hệ thống → Thông tin cơ quan."
        )
    if Role.ADMIN not in args.roles:
        raise CliError("Tài khoản đầu tiên phải có vai trò admin (--roles …,admin).")
    profile = normalise_office(
        OfficeProfile(
            parent_authority=args.authority,
            office_name=args.office,
            province=args.province,
            place_name=args.place,
            address=args.address,
            phone=args.phone,
            email=args.email,
            agency_id=args.agency_id,
            head_name=args.head,
            head_title=args.head_title,
            head_sign_prefix=args.head_prefix,
            units=tuple(args.units),
        )
    )
    validate_office(profile)  # before the password is asked for
    password = read_secret(
        f"Mật khẩu của {args.admin}: ",
        from_stdin=args.password_stdin or args.login_stdin,
        again="Nhập lại mật khẩu: ",
    )
    admin = NewAccount(args.admin, args.admin_name, args.roles, password)
    account = svc.settings.complete_setup(profile, OfficeHours(), admin)
    office = f"{profile.office_name} – {profile.parent_authority} ({profile.agency_id})"
    print(f"Đã khai báo cơ quan: {office}.", file=out)
    roles_text = ", ".join(label(r) for r in Role if r in account.roles)
    print(f"Tài khoản quản trị: {account.username} ({account.full_name}) – {roles_text}.", file=out)
    return EXIT_OK


def _demo_database(svc: Services) -> None:
    """Make an empty data folder the demo database; refuse a real office's."""
    from tthc_desk.services.container import DEMO_ACCOUNT
    from tthc_desk.services.dossier_search import DossierQuery

    settings = svc.settings
    if (
        not settings.is_demo()
        and not settings.is_set_up()
        and not svc.dossiers.count(DossierQuery())
    ):
        settings.seed_demo((DEMO_ACCOUNT,))
    if not settings.is_demo():
        raise ConflictError(
            "Không tạo dữ liệu mẫu trong cơ sở dữ liệu thật của cơ quan: dùng một thư mục dữ liệu "
            "trống (--data-dir THƯ_MỤC_MỚI) hoặc cơ sở dữ liệu mẫu (--demo)."
        )


def _cmd_demo(args: argparse.Namespace, svc: Services, out: TextIO) -> int:
    from tthc_desk.services.demo_service import SCAN_SHARE, generate_demo

    _demo_database(svc)
    started = time.perf_counter()
    last = [started]

    def progress(done: int, total: int) -> None:
        if time.perf_counter() - last[0] > 5:
            last[0] = time.perf_counter()
            log.info("Đã tạo %d/%d hồ sơ mẫu", done, total)

    share = SCAN_SHARE if args.scans is None else args.scans / 100
    n = generate_demo(svc, args.dossiers, seed=args.seed, progress=progress, scan_share=share)
    seconds = time.perf_counter() - started
    seconds_text = f"{seconds:.1f}".replace(".", ",")  # Vietnamese decimal comma
    print(f"Đã tạo {n} hồ sơ mẫu trong {seconds_text} giây.", file=out)
    return EXIT_OK


def _catalog_import(args: argparse.Namespace, svc: Services, out: TextIO) -> int:
    added, updated = svc.catalog.import_xlsx(require_file(args.file))
    print(f"Đã nhập danh mục: thêm {added}, cập nhật {updated} thủ tục.", file=out)
    return EXIT_OK


def _catalog_export(args: argparse.Namespace, svc: Services, out: TextIO) -> int:
    n = svc.catalog.export_xlsx(require_folder(args.file, "tệp Excel"))
    print(f"Đã xuất {n} thủ tục ra {args.file}", file=out)
    return EXIT_OK


def _catalog_list(args: argparse.Namespace, svc: Services, out: TextIO) -> int:
    for p in svc.catalog.list(active_only=not args.all):
        flag = "" if p.active else "\t(ngừng áp dụng)"
        print(f"{p.code}\t{duration_text(p.duration)}\t{p.field}\t{p.name}{flag}", file=out)
    return EXIT_OK


def _calendar_import(args: argparse.Namespace, svc: Services, out: TextIO) -> int:
    n = svc.calendar.import_file(require_file(args.file))
    print(f"Đã nhập {n} ngày vào lịch làm việc.", file=out)
    return EXIT_OK


def _calendar_show(args: argparse.Namespace, svc: Services, out: TextIO) -> int:
    year = args.year
    svc.calendar.ensure_years([year])  # refuses a year outside the calendar's 2000–2100
    for exc in svc.calendar.exceptions(year):
        name = f"\t{exc.name}" if exc.name else ""
        weekday = _WEEKDAYS[exc.day.weekday()]
        print(f"{exc.day:%d/%m/%Y}\t{weekday}\t{label(exc.kind)}{name}", file=out)
    days = svc.calendar.year_days(year)
    working = sum(1 for _, is_working in days if is_working)
    print(f"Năm {year}: {working} ngày làm việc, {len(days) - working} ngày nghỉ.", file=out)
    return EXIT_OK


def _cmd_due(args: argparse.Namespace, svc: Services, out: TextIO) -> int:
    due = svc.dossiers.preview_due(args.procedure, args.received)
    print(f"{due:%Y-%m-%d %H:%M}", file=out)
    return EXIT_OK


COMMANDS: dict[str, Command] = {
    "setup": _cmd_setup,
    "demo": _cmd_demo,
    "catalog": dispatch(
        "catalog_command",
        {"import": _catalog_import, "export": _catalog_export, "list": _catalog_list},
    ),
    "calendar": dispatch("calendar_command", {"import": _calendar_import, "show": _calendar_show}),
    "due": _cmd_due,
}
