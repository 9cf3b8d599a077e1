"""What every transport shares: the file to deliver, the receipt it returns, the error it raises.

An :class:`UploadError` says in Vietnamese what went wrong and whether trying again later can
help (``retryable``): a server that is down, slow or answering 5xx heals by itself; a refused
password or a refused file needs a person to change something first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from tthc_desk.domain.errors import TthcError
from tthc_desk.sync.destinations import Destination


class UploadError(TthcError):
    """A delivery that did not happen (or whose outcome is unknown).

    ``detail`` is the technical reason (exception text, status line) kept for the administrator.
    """

    def __init__(self, message: str, *, retryable: bool, detail: str = "", status: int | None = None) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.detail = detail
        self.status = status


@dataclass(frozen=True)
class Payload:
    """One report to deliver; ``message_id`` is stable across attempts (used to spot duplicates)."""

    file_name: str
    data: bytes
    sha256: str
    message_id: str
    office_id: str
    kind: str
    period_key: str
    version: int = 1
    replaces_file_name: str = ""

    @property
    def content_type(self) -> str:
        if self.file_name.endswith(".xlsx"):
            return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        if self.file_name.endswith(".pdf"):
            return "application/pdf"
        return "application/octet-stream"


@dataclass(frozen=True)
class DeliveryReceipt:
    """The destination's answer: status code (HTTP or SMTP) and its reply text, kept on the item."""

    status: int | None
    reply: str
    already_there: bool = False  # found on the server from an earlier attempt: not sent again

    def describe(self) -> str:
        text = f"{self.status} {self.reply}".strip() if self.status is not None else self.reply
        if self.already_there:
            text = f"Đã có sẵn trên máy chủ từ lần gửi trước. {text}".strip()
        return text


class Transport(Protocol):
    """One kind of destination. Both calls raise :class:`UploadError`, never anything else."""

    def send(self, dest: Destination, payload: Payload, secret: str | None) -> DeliveryReceipt: ...

    def probe(self, dest: Destination, secret: str | None) -> DeliveryReceipt: ...


def connect_error(dest_where: str, exc: BaseException) -> UploadError:
    """The network-level failures every transport maps the same way."""
    import socket
    import ssl

    detail = f"{type(exc).__name__}: {exc}"
    if isinstance(exc, TimeoutError | socket.timeout):
        return UploadError(f"Máy chủ {dest_where} không trả lời kịp; sẽ thử lại sau.", retryable=True, detail=detail)
    if isinstance(exc, ssl.SSLCertVerificationError):
        return UploadError(
            f"Chứng chỉ bảo mật của máy chủ {dest_where} không hợp lệ; cần người quản trị kiểm tra.",
            retryable=False, detail=detail,
        )
    if isinstance(exc, socket.gaierror):
        return UploadError(f"Không tìm thấy máy chủ {dest_where} (mạng hoặc tên máy chủ); sẽ thử lại sau.",
                           retryable=True, detail=detail)
    if isinstance(exc, ConnectionRefusedError):
        return UploadError(f"Không kết nối được máy chủ {dest_where}: máy chủ không nhận kết nối; sẽ thử lại sau.",
                           retryable=True, detail=detail)
    if isinstance(exc, ConnectionResetError | BrokenPipeError | ConnectionAbortedError | EOFError):
        return UploadError(f"Kết nối tới {dest_where} bị ngắt giữa chừng; sẽ gửi lại sau.", retryable=True,
                           detail=detail)
    return UploadError(f"Không kết nối được máy chủ {dest_where}; sẽ thử lại sau.", retryable=True, detail=detail)


AUTH_MESSAGE = (
    "Máy chủ từ chối tên đăng nhập hoặc mật khẩu; hãy sửa trong “Nơi nhận báo cáo” rồi bấm “Gửi lại”."
)
