"""``tthc-desk facts rebuild``: make the report facts again from the dossiers and their events
(the administrator). Every CLI command checks them first (``FactsService.ensure``): this command
is for when the administrator wants them made again anyway (after restoring by hand, or to be
sure). Progress on stderr, the outcome on stdout.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

from tthc_desk.cli.args import EXIT_OK, Command, CommandTree, dispatch
from tthc_desk.services.facts_service import FactsWork

if TYPE_CHECKING:
    from tthc_desk.services.container import Services


def add_parsers(tree: CommandTree) -> None:
    facts = tree.group(
        "facts",
        "số liệu báo cáo giữ sẵn theo từng hồ sơ và từng ngày (quản trị)",
        "Số liệu báo cáo được ghi cùng lúc với mỗi thay đổi của hồ sơ, để báo cáo một kỳ chỉ đọc "
        "hồ sơ của kỳ đó. Lệnh rebuild dựng lại toàn bộ từ hồ sơ và lịch sử của chúng.",
        dest="facts_command",
    )
    facts.leaf("rebuild", "dựng lại số liệu báo cáo từ hồ sơ và lịch sử xử lý (quản trị)")


def _count(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def progress_printer(stream: TextIO) -> Callable[[int, int], None]:
    """``progress(done, total)`` printing a line at most every second (none for a quick one)."""
    last = [time.monotonic()]

    def progress(done: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] >= 1.0:
            last[0] = now
            print(f"Đang dựng số liệu báo cáo: {_count(done)}/{_count(total)} hồ sơ…", file=stream)

    return progress


def _rebuild(args: argparse.Namespace, svc: Services, out: TextIO) -> int:
    started = time.monotonic()
    count = svc.facts.rebuild(progress_printer(sys.stderr))
    seconds = f"{time.monotonic() - started:.1f}".replace(".", ",")
    print(f"Đã dựng lại số liệu báo cáo của {_count(count)} hồ sơ ({seconds} giây).", file=out)
    return EXIT_OK


COMMANDS: dict[str, Command] = {"facts": dispatch("facts_command", {"rebuild": _rebuild})}


def ensure_before_command(svc: Services) -> None:
    """Make the facts match this software first (progress on stderr when there is work)."""
    if svc.db.writes_stopped is not None:
        return  # a file moved to the server: read-only, nothing to make here
    check = svc.facts.check()
    if check.work is FactsWork.ALL and check.last_dossier:
        print("Số liệu báo cáo chưa khớp phiên bản phần mềm: dựng lại trước…", file=sys.stderr)
    if check.work is not FactsWork.NONE:
        svc.facts.ensure(progress_printer(sys.stderr))
