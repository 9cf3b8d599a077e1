"""One map from the failures the system raises to a Vietnamese sentence for the clerk.

The CLI (``tthc_desk.cli._failure``) and the GUI (``tthc_desk.ui.errors``) both ask
:func:`describe_failure` before falling back to "unexpected error": a database another counter
is writing to, a full disk, a read-only or missing folder, a file that is not a workbook. Each
sentence says what happened and what to do; the English text of the exception goes to the log
only.
"""

from __future__ import annotations

import errno
import sqlite3
import zipfile
from collections.abc import Iterator

from tthc_desk.db import engine as db_engine
from tthc_desk.db import sqlite as db_sqlite

__all__ = ["OS_REASONS", "describe_failure", "os_reason"]

#: Vietnamese reasons of the file errors a clerk can meet.
OS_REASONS = {
    errno.ENOSPC: "ổ đĩa đã đầy",
    errno.EROFS: "ổ đĩa chỉ cho đọc",
    errno.EACCES: "không có quyền ghi",
    errno.EPERM: "không có quyền ghi",
    errno.ENOENT: "không có thư mục hoặc tệp này",
    errno.EISDIR: "đây là một thư mục",
    errno.ENOTDIR: "một phần của đường dẫn không phải thư mục",
    errno.EIO: "lỗi đọc/ghi của ổ đĩa",
    errno.EEXIST: "đã có một tệp trùng tên ở đó",
}

_WHAT_TO_DO = {
    errno.ENOSPC: "Hãy xóa bớt tệp hoặc chọn ổ đĩa khác rồi làm lại.",
    errno.EROFS: "Hãy chọn thư mục trên một ổ đĩa ghi được rồi làm lại.",
    errno.EACCES: "Hãy chọn thư mục khác hoặc nhờ quản trị máy cấp quyền ghi.",
    errno.EPERM: "Hãy chọn thư mục khác hoặc nhờ quản trị máy cấp quyền ghi.",
    errno.ENOENT: "Hãy kiểm tra lại đường dẫn.",
    errno.EISDIR: "Hãy ghi cả tên tệp, không chỉ tên thư mục.",
}


def os_reason(error: OSError) -> str:
    """Why a file operation failed, in Vietnamese (never the system's English text)."""
    return OS_REASONS.get(error.errno or 0, f"lỗi hệ thống số {error.errno}")


def _chain(error: BaseException) -> Iterator[BaseException]:
    """``error``, what SQLAlchemy wrapped (``orig``) and its causes, each once."""
    seen: set[int] = set()
    todo: list[BaseException | None] = [error]
    while todo:
        e = todo.pop(0)
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        yield e
        orig = getattr(e, "orig", None)
        todo += [orig if isinstance(orig, BaseException) else None, e.__cause__, e.__context__]


def describe_failure(error: BaseException) -> str | None:
    """A Vietnamese sentence for a failure the clerk can act on, or None for a bug."""
    for e in _chain(error):
        # sqlite3's, SQLCipher's (sqlcipher3.dbapi2) or SQLAlchemy's wrapper: same name, same text
        if isinstance(e, sqlite3.OperationalError) or type(e).__name__ == "OperationalError":
            text = str(e).lower()
            # SQLite: "database is locked" (its busy timeout); PostgreSQL: "… due to lock
            # timeout" (the wait for the office's write lock)
            if "locked" in text or "busy" in text or "lock timeout" in text:
                ms = (
                    db_engine.WRITE_WAIT_MS if "lock timeout" in text else db_sqlite.BUSY_TIMEOUT_MS
                )
                waited = f"{ms / 1000:g}".replace(".", ",")
                return (
                    f"Dữ liệu đang bận: đã chờ {waited} giây mà một quầy khác "
                    "hoặc một lệnh tthc-desk vẫn đang ghi. Chưa có gì được ghi; hãy đợi việc "
                    "đó xong rồi làm lại."
                )
            if "full" in text:
                return (
                    "Không ghi được dữ liệu: ổ đĩa đã đầy. Chưa có gì được ghi; hãy xóa bớt "
                    "tệp rồi làm lại."
                )
        if isinstance(e, zipfile.BadZipFile | zipfile.LargeZipFile):
            return (
                "Tệp không phải bảng tính Excel .xlsx đọc được (có thể là .xls cũ, tệp có mật khẩu "
                "hoặc tệp hỏng). Hãy mở bằng Excel, lưu lại dạng .xlsx không đặt mật khẩu rồi "
                "làm lại."
            )
        if isinstance(e, OSError) and e.errno is not None:
            where = f" “{e.filename}”" if e.filename else ""
            todo = _WHAT_TO_DO.get(e.errno, "Hãy kiểm tra ổ đĩa và thư mục rồi làm lại.")
            return f"Không đọc/ghi được tệp{where}: {os_reason(e)}. {todo}"
    return None
