"""``tthc-desk backup …`` and ``tthc-desk restore``: take, list and check backups; restore one.

``backup [--to DIR]`` takes a verified backup into the data folder's ``backups`` folder, copies
it to the administrator's second destinations and to ``DIR``, and prints the path of the
verified backup as its last line. It runs as the system (a scheduled task needs no password)
unless ``--user`` names a person, who must then be the administrator.

``backup list``, ``backup verify FILE`` and ``restore`` work without opening the database (it
may be missing or damaged: that is when they are needed). ``restore FILE`` needs ``--user`` (an
administrator of the backup being restored: see :mod:`tthc_desk.services.restore_service`);
without ``--yes`` it shows the dossiers that would be lost and asks y/N on stdin.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from tthc_desk.cli.args import (
    EXIT_ERROR,
    EXIT_OK,
    CliError,
    Command,
    CommandTree,
    Identity,
    ask_username,
    format_moment,
    read_recovery_key,
    read_secret,
    require_file,
    stdin_line,
    warn,
)
from tthc_desk.domain.clock import Clock, SystemClock
from tthc_desk.paths import AppPaths

if TYPE_CHECKING:
    from tthc_desk.services.backup_service import BackupInfo, BackupSettings
    from tthc_desk.services.container import Services
    from tthc_desk.services.data_folder import DataFolder
    from tthc_desk.services.journal_service import JournalKeys


def add_parsers(tree: CommandTree) -> None:
    p = tree.leaf(
        "backup",
        "sao lưu dữ liệu ngay (đã kiểm tra), in đường dẫn bản sao lưu ở dòng cuối",
        Identity.SYSTEM,
    )
    p.add_argument(
        "--to",
        metavar="THƯ_MỤC",
        type=Path,
        action="append",
        default=[],
        help="chép thêm bản sao lưu vào thư mục này (ổ USB, thư mục mạng); "
        "bản trong thư mục dữ liệu vẫn được tạo",
    )
    sub = tree.optional_below(p, dest="backup_command")
    q = sub.leaf(
        "list", "liệt kê các bản sao lưu: ngày giờ, dung lượng, số hồ sơ, kết quả kiểm tra"
    )
    q.set_defaults(offline=_list, identity=Identity.NOBODY)
    q = sub.leaf("verify", "kiểm tra một tệp sao lưu (mã thoát 0: đạt, 2: không đạt)")
    q.add_argument("file", metavar="TỆP", type=Path)
    q.add_argument(
        "--recovery-key-file",
        metavar="TỆP_KHÓA",
        type=Path,
        help="tệp chứa khóa khôi phục (khi máy này không có khóa của cơ sở dữ liệu)",
    )
    q.set_defaults(offline=_verify, identity=Identity.NOBODY)
    q = sub.leaf(
        "settings",
        "xem hoặc đặt cách sao lưu: nơi sao lưu thứ hai, giờ sao lưu hằng ngày, số bản giữ lại",
    )
    q.add_argument(
        "--destination",
        metavar="THƯ_MỤC",
        action="append",
        default=None,
        help="nơi sao lưu thứ hai (ổ USB, thư mục mạng); nhắc lại để thêm nơi; thay danh sách cũ",
    )
    q.add_argument("--no-destinations", action="store_true", help="bỏ mọi nơi sao lưu thứ hai")
    q.add_argument("--daily-at", metavar="HH:MM", help="giờ sao lưu tự động hằng ngày")
    for name, what in (("daily", "ngày"), ("weekly", "tuần"), ("monthly", "tháng")):
        q.add_argument(f"--keep-{name}", metavar="SỐ", type=int, help=f"số bản giữ lại theo {what}")
    q.add_argument(
        "--automatic",
        choices=["on", "off"],
        help="bật/tắt sao lưu tự động (hằng ngày và lần mở đầu tiên trong ngày)",
    )
    r = tree.leaf(
        "restore",
        "khôi phục dữ liệu từ một bản sao lưu (chỉ người Quản trị)",
        Identity.SELF,
    )
    r.add_argument("file", metavar="TỆP", type=Path)
    r.add_argument("--yes", action="store_true", help="không hỏi lại trước khi khôi phục")
    r.add_argument(
        "--accept-missing-scans",
        action="store_true",
        help="vẫn khôi phục khi bản sao lưu thiếu hoặc hỏng một số bản số hóa (phải quét lại "
        "các giấy tờ đó); không có tùy chọn này thì từ chối",
    )
    r.add_argument(
        "--recovery-key-file",
        metavar="TỆP_KHÓA",
        type=Path,
        help="tệp chứa khóa khôi phục như in trên Phiếu khóa khôi phục dữ liệu (máy mới)",
    )
    r.set_defaults(offline=_restore)


def _size(n: int) -> str:
    if n < 1024 * 1024:
        return f"{n / 1024:.0f} KB"
    if n < 1024**3:
        return f"{n / 1024**2:.1f} MB".replace(".", ",")
    return f"{n / 1024**3:.2f} GB".replace(".", ",")


def backup_line(b: BackupInfo) -> str:
    when = format_moment(b.created_at) if b.created_at else "?"
    dossiers = "?" if b.dossiers is None else f"{b.dossiers} hồ sơ"
    if b.scans:
        dossiers += f", {b.scans} bản số hóa ({_size(b.scan_bytes)})"
    return "\t".join([when, _size(b.size), dossiers, b.verdict, str(b.path)])


def _backup(args: argparse.Namespace, svc: Services, out: TextIO) -> int:
    for d in args.to:
        if not d.expanduser().is_dir():
            raise CliError(f"Không sao lưu vào “{d}”: thư mục không tồn tại.")
    run = svc.backups.run(extra=[d.expanduser().resolve() for d in args.to])
    assert run.backup is not None
    if run.backup.scans_absent:
        warn(
            f"{len(run.backup.scans_absent)} bản số hóa đã thiếu hoặc hỏng trong kho của cơ quan "
            "nên không có trong bản sao lưu: quét lại các giấy tờ đó (danh sách: tthc-desk "
            "backup verify TỆP)."
        )
    for c in run.copies:
        if c.ok:
            print(f"Đã chép vào {c.path}", file=out)
        else:
            warn(f"không chép được bản sao lưu vào “{c.destination}”: {c.reason}.")
    print(str(run.backup.path), file=out)
    return EXIT_OK


def _settings_lines(s: BackupSettings) -> list[str]:
    r = s.retention
    return [
        "Nơi sao lưu thứ hai: " + ("; ".join(s.destinations) or "(không có)"),
        f"Sao lưu tự động: {'bật' if s.automatic else 'tắt'}, hằng ngày lúc {s.daily_at:%H:%M} "
        "và lần mở phần mềm đầu tiên trong ngày",
        f"Giữ lại: {r.daily} bản theo ngày, {r.weekly} theo tuần, {r.monthly} theo tháng",
    ]


def _settings(args: argparse.Namespace, svc: Services, out: TextIO) -> int:
    from dataclasses import replace

    from tthc_desk.domain.backup import Retention, parse_daily_time

    current = svc.backups.settings()
    changed = current
    if args.no_destinations:
        changed = replace(changed, destinations=())
    if args.destination:
        folders = tuple(str(Path(d).expanduser().resolve()) for d in args.destination)
        changed = replace(changed, destinations=folders)
    if args.daily_at:
        try:
            changed = replace(changed, daily_at=parse_daily_time(args.daily_at))
        except ValueError as e:
            raise CliError(str(e)) from None
    r = changed.retention
    changed = replace(
        changed,
        retention=Retention(
            r.daily if args.keep_daily is None else args.keep_daily,
            r.weekly if args.keep_weekly is None else args.keep_weekly,
            r.monthly if args.keep_monthly is None else args.keep_monthly,
        ),
    )
    if args.automatic:
        changed = replace(changed, automatic=args.automatic == "on")
    if changed != current:
        changed = svc.backups.save_settings(changed)
    for line in _settings_lines(changed):
        print(line, file=out)
    return EXIT_OK


def _list(args: argparse.Namespace, paths: AppPaths, clock: Clock | None, out: TextIO) -> int:
    from tthc_desk.services.backup_service import list_all, recorded_destinations

    for b in list_all(recorded_destinations(paths)):
        print(backup_line(b), file=out)
    return EXIT_OK


def _keys(paths: AppPaths) -> tuple[DataFolder, JournalKeys]:
    from tthc_desk.services.data_folder import DataFolder
    from tthc_desk.services.journal_service import JournalKeys
    from tthc_desk.services.keys import KeyVault
    from tthc_desk.sync.credentials import KeyringStore

    credentials = KeyringStore()
    return DataFolder(paths, KeyVault(credentials)), JournalKeys(credentials)


def _verify(args: argparse.Namespace, paths: AppPaths, clock: Clock | None, out: TextIO) -> int:
    from tthc_desk.services.backup_service import record_verdict, verify_file

    path = require_file(args.file)
    folder, journal_keys = _keys(paths)
    keys = [k for k in (read_recovery_key(args.recovery_key_file), *folder.backup_keys()) if k]
    result, _ = verify_file(path, keys, journal_keys)
    record_verdict(path, result, (clock or SystemClock()).now())
    many = result.scan_problems if len(result.scan_problems) > 1 else ()
    if not result.ok:
        print(f"tthc-desk: {result.sentence}", file=sys.stderr)
        for line in many:  # every scan missing or damaged, by dossier and paper
            print(f"  {line}", file=sys.stderr)
        return EXIT_ERROR
    print(result.sentence, file=out)
    for line in many:
        print(f"  {line}", file=out)
    return EXIT_OK


def _confirm() -> bool:
    print("Khôi phục và thay cơ sở dữ liệu hiện tại? [y/N] ", end="", file=sys.stderr, flush=True)
    try:
        answer = stdin_line("câu trả lời")
    except CliError:
        return False
    return answer.strip().lower() in ("y", "yes", "c", "có", "co")


def _restore(args: argparse.Namespace, paths: AppPaths, clock: Clock | None, out: TextIO) -> int:
    from tthc_desk.services.restore_service import RestoreService

    recovery = read_recovery_key(args.recovery_key_file)
    path = require_file(args.file)
    user: str | None = args.login_user or (None if args.login_stdin else ask_username())
    if not user:
        raise CliError(
            "Khôi phục dữ liệu cần người Quản trị đăng nhập: thêm --user TÊN_ĐĂNG_NHẬP "
            "--password-stdin trước tên lệnh (tài khoản Quản trị có trong bản sao lưu)."
        )
    password = read_secret(f"Mật khẩu của {user}: ", from_stdin=args.login_stdin)
    folder, journal_keys = _keys(paths)
    service = RestoreService(folder, clock or SystemClock(), journal_keys)
    plan = service.plan(path, recovery)
    actor = service.authorise(plan, user, password)
    b = plan.backup
    when = format_moment(b.created_at) if b.created_at else "?"
    dossiers = plan.check.counts.get("dossiers", 0)
    print(f"Bản sao lưu lúc {when}: {dossiers} hồ sơ, đã kiểm tra đạt.", file=out)
    print(plan.lost_sentence(), file=out)
    if scans := plan.scans_sentence():
        print(scans, file=out)
    if plan.scan_problems and not args.accept_missing_scans:
        raise CliError(
            f"Chưa khôi phục: {len(plan.scan_problems)} bản số hóa của bản sao lưu bị thiếu hoặc "
            "hỏng (xem trên). Dùng bản sao lưu khác, hoặc thêm --accept-missing-scans để vẫn "
            "khôi phục và quét lại các giấy tờ đó."
        )
    if not args.yes:
        out.flush()
        if not _confirm():
            raise CliError("Chưa khôi phục: không có xác nhận (trả lời y để khôi phục).")
    outcome = service.restore(plan, actor, accept_missing_scans=args.accept_missing_scans)
    if outcome.aside is not None:
        print(f"Cơ sở dữ liệu trước khi khôi phục được giữ tại {outcome.aside}", file=out)
    print(f"Đã khôi phục dữ liệu từ {path} vào {outcome.where}", file=out)
    return EXIT_OK


def _run_backup(args: argparse.Namespace, svc: Services, out: TextIO) -> int:
    if getattr(args, "backup_command", None) == "settings":
        return _settings(args, svc, out)
    return _backup(args, svc, out)


COMMANDS: dict[str, Command] = {"backup": _run_backup}
