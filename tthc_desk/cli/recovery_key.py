"""``tthc-desk recovery-key …``: the *Phiếu khóa khôi phục dữ liệu* and the check of a copied key.

``print`` writes the sheet (one A4 page PDF) and prints its path as the last line; the file holds
the key, so it is to be printed on paper and deleted (a warning on stderr says so). ``check FILE``
reads a key as someone typed it into a text file and says whether it is well formed and opens
this data folder's database (exit code 0), or what is wrong (exit code 2). Both need the
administrator logged in (``--user``, ``--password-stdin`` before the command's name).

``use FILE`` is for a PC that has the data folder but not the key (a new PC, another Windows
account, a keyring cleared): it checks that the key opens the folder's database and that the
person (``--user`` before the command) is one of its administrators, then keeps the key on this
PC. It runs without opening the database first (it cannot be opened without the key). Restoring a
backup on a new PC is ``tthc-desk restore TỆP --recovery-key-file TỆP_KHÓA``.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from tthc_desk.cli.args import (
    EXIT_OK,
    CliError,
    Command,
    CommandTree,
    Identity,
    ask_username,
    dispatch,
    read_recovery_key,
    read_secret,
    require_file,
    require_folder,
    warn,
)
from tthc_desk.domain.clock import Clock, SystemClock
from tthc_desk.paths import AppPaths

if TYPE_CHECKING:
    from tthc_desk.services.container import Services

#: A key file is a few dozen characters; anything much larger is not one.
MAX_KEY_FILE = 4096


def add_parsers(tree: CommandTree) -> None:
    group = tree.group(
        "recovery-key",
        "khóa khôi phục dữ liệu: in phiếu khóa khôi phục, kiểm tra một khóa đã chép",
        "Dữ liệu và mọi bản sao lưu được mã hóa bằng một khóa giữ trong kho mật khẩu của máy. "
        "Phiếu khóa khôi phục ghi khóa đó để mở dữ liệu trên máy mới. Chỉ người Quản trị dùng.",
        dest="recovery_key_command",
    )
    p = group.leaf(
        "print",
        "in Phiếu khóa khôi phục dữ liệu ra tệp PDF (dòng cuối: đường dẫn tệp)",
    )
    p.add_argument(
        "--out",
        type=Path,
        metavar="TỆP.pdf",
        help="tệp PDF sẽ ghi (mặc định: thư mục xuất của thư mục dữ liệu)",
    )
    q = group.leaf(
        "check",
        "kiểm tra khóa khôi phục ghi trong một tệp chữ: đúng dạng và mở được dữ liệu này",
    )
    q.add_argument("path", metavar="TỆP_KHÓA", type=Path, help="tệp chữ chứa khóa đã chép")
    u = group.leaf(
        "use",
        "dùng khóa khôi phục trên máy chưa có khóa (máy mới, tài khoản Windows khác): kiểm tra "
        "rồi lưu khóa vào kho mật khẩu của máy này",
        Identity.SELF,
    )
    u.add_argument("path", metavar="TỆP_KHÓA", type=Path, help="tệp chữ chứa khóa đã chép")
    u.set_defaults(offline=_use)


def _use(args: argparse.Namespace, paths: AppPaths, clock: Clock | None, out: TextIO) -> int:
    from tthc_desk.services.data_folder import DataFolder, key_name
    from tthc_desk.services.journal_service import JournalKeys
    from tthc_desk.services.keys import KeyVault
    from tthc_desk.services.restore_service import RestoreService
    from tthc_desk.sync.credentials import KeyringStore

    key = read_recovery_key(args.path)
    assert key is not None
    user: str | None = args.login_user or (None if args.login_stdin else ask_username())
    if not user:
        raise CliError(
            "Dùng khóa khôi phục cần người Quản trị đăng nhập: thêm --user TÊN_ĐĂNG_NHẬP "
            "--password-stdin trước tên lệnh."
        )
    password = read_secret(f"Mật khẩu của {user}: ", from_stdin=args.login_stdin)
    credentials = KeyringStore()
    folder = DataFolder(paths, KeyVault(credentials))
    service = RestoreService(folder, clock or SystemClock(), JournalKeys(credentials))
    service.use_recovery_key(key, user, password)
    print(
        f"Khóa khôi phục mở được dữ liệu của “{paths.data_dir}” và đã được lưu trên máy này "
        f"({folder.vault.location(key_name(folder.state().database_id))}): từ nay phần mềm mở "
        "dữ liệu như thường.",
        file=out,
    )
    return EXIT_OK


def _print(args: argparse.Namespace, svc: Services, out: TextIO) -> int:
    if args.out is not None:
        target = require_folder(args.out, "phiếu khóa khôi phục")
    else:
        day = svc.clock.now()
        target = svc.paths.output_dir / f"phieu-khoa-khoi-phuc-{day:%Y%m%d-%H%M}.pdf"
    path = svc.recovery.write_sheet(target)
    warn(
        "tệp PDF này chứa khóa mở toàn bộ dữ liệu: in ra giấy, giao người đứng đầu cơ quan, "
        "rồi xóa tệp (không để trên máy, không gửi qua mạng)."
    )
    print(path, file=out)
    return EXIT_OK


def _check(args: argparse.Namespace, svc: Services, out: TextIO) -> int:
    path = require_file(args.path)
    if path.stat().st_size > MAX_KEY_FILE:
        raise CliError(f"Tệp “{args.path}” quá lớn để là một khóa khôi phục (56 ký tự).")
    try:
        text = path.read_text(encoding="utf-8-sig")  # Notepad may start the file with a BOM
    except UnicodeDecodeError:
        raise CliError(
            f"Tệp “{args.path}” không phải tệp chữ (UTF-8): hãy gõ khóa vào Notepad và lưu lại."
        ) from None
    svc.recovery.check_key(text)
    print(
        "Khóa khôi phục đúng dạng và mở được cơ sở dữ liệu của thư mục dữ liệu "
        f"“{svc.paths.data_dir}”.",
        file=out,
    )
    return EXIT_OK


COMMANDS: dict[str, Command] = {
    "recovery-key": dispatch("recovery_key_command", {"print": _print, "check": _check})
}
