"""``tthc-desk recovery-key …``: the *Phiếu khóa khôi phục dữ liệu* and the check of a copied key.

``print`` writes the sheet (one A4 page PDF) and prints its path as the last line; the file holds
the key, so it is to be printed on paper and deleted (a warning on stderr says so). ``check FILE``
reads a key as someone typed it into a text file and says whether it is well formed and opens
this data folder's database (exit code 0), or what is wrong (exit code 2). Both need the
administrator logged in (``--user``, ``--password-stdin`` before the command's name).

Using the key on a new PC is ``tthc-desk restore TỆP --recovery-key-file TỆP_KHÓA`` (backups).
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
    dispatch,
    require_file,
    require_folder,
    warn,
)

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
