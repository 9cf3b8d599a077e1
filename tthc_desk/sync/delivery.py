"""What every transport shares: the file to deliver, the receipt it returns, the error it raises.

An :class:`UploadError` says in Vietnamese what went wrong and whether trying again later can
help (``retryable``): a server that is down, slow or answering 5xx heals by itself; a refused
password or a refused file needs a person to change something first.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from typing import Protocol

from tthc_desk.domain.destinations import Destination
from tthc_desk.domain.errors import TthcError
from tthc_desk.domain.outbox import DeliveryReceipt


class UploadError(TthcError):
    """A delivery that did not happen (or whose outcome is unknown).

    ``detail`` is the technical reason (exception text, status line) kept for the administrator.
    """

    def __init__(
        self,
        message: str,
        *,
        retryable: bool,
        detail: str = "",
        status: int | None = None,
        about_destination: bool = False,
    ) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.detail = detail
        self.status = status
        #: The fault is in the destination's settings (password, certificate, encryption), not in
        #: this file: the other reports would fail the same way, so the batch stops.
        self.about_destination = about_destination or message == AUTH_MESSAGE


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
    #: An earlier try of this item exists (it may have reached the server without an answer):
    #: a transport that can ask the server first does so before sending again.
    tried_before: bool = False

    @property
    def content_type(self) -> str:
        if self.file_name.endswith(".xlsx"):
            return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        if self.file_name.endswith(".pdf"):
            return "application/pdf"
        return "application/octet-stream"


class Transport(Protocol):
    """One kind of destination. Both calls raise :class:`UploadError`, never anything else."""

    def send(self, dest: Destination, payload: Payload, secret: str | None) -> DeliveryReceipt: ...

    def probe(self, dest: Destination, secret: str | None) -> DeliveryReceipt: ...


def tls_context(dest: Destination) -> ssl.SSLContext:
    """The client context: the system's trusted authorities, or the province's own ``ca_file``."""
    try:
        return ssl.create_default_context(cafile=dest.ca_file or None)
    except (OSError, ValueError) as e:  # missing, unreadable, or not PEM (ssl.SSLError)
        raise UploadError(
            f"Không đọc được tệp “Chứng chỉ gốc” {dest.ca_file} (không có tệp hoặc không phải "
            "chứng chỉ PEM); hãy chọn lại trong “Nơi nhận báo cáo” rồi bấm “Gửi lại”.",
            retryable=False,
            detail=f"{type(e).__name__}: {e}",
            about_destination=True,
        ) from e


#: OpenSSL's verify codes (X509_V_ERR_*) → what is wrong with the certificate, in words.
_CERT_REASONS = {
    62: "được cấp cho tên máy khác",
    64: "được cấp cho tên máy khác",  # host name / IP mismatch
    9: "chưa đến ngày có hiệu lực (hãy xem lại ngày giờ của máy)",
    10: "đã hết hạn",
    2: "không được tin cậy (không do cơ quan chứng thực đã biết cấp)",
    18: "không được tin cậy (tự ký, không do cơ quan chứng thực đã biết cấp)",
    19: "không được tin cậy (không do cơ quan chứng thực đã biết cấp)",
    20: "không được tin cậy (không do cơ quan chứng thực đã biết cấp)",
    21: "không được tin cậy (không do cơ quan chứng thực đã biết cấp)",
}
#: ssl.SSLError reasons seen when the other end does not speak TLS at all (plain HTTP or SMTP).
_NOT_TLS_REASONS = frozenset(
    {
        "WRONG_VERSION_NUMBER",
        "RECORD_LAYER_FAILURE",
        "PACKET_LENGTH_TOO_LONG",
        "UNKNOWN_PROTOCOL",
        "HTTP_REQUEST",
    }
)


def connect_error(
    dest_where: str, exc: BaseException, *, plain_hint: str = "", timeout_hint: str = ""
) -> UploadError:
    """The network-level failures every transport maps the same way.

    ``plain_hint`` is added when the server answered in plain text to an encrypted connection:
    what to change in the settings for this kind of destination.
    """
    import socket

    detail = f"{type(exc).__name__}: {exc}"
    if isinstance(exc, TimeoutError | socket.timeout):
        return UploadError(
            " ".join(
                filter(
                    None, (f"Máy chủ {dest_where} không trả lời kịp; sẽ thử lại sau.", timeout_hint)
                )
            ),
            retryable=True,
            detail=detail,
        )
    if isinstance(exc, ssl.SSLCertVerificationError):
        reason = _CERT_REASONS.get(exc.verify_code, "không hợp lệ hoặc không được tin cậy")
        return UploadError(
            f"Chứng chỉ bảo mật của máy chủ {dest_where} {reason}. Cần người quản trị kiểm tra "
            "địa chỉ máy chủ và “Chứng chỉ gốc” (tệp CA do cấp tỉnh cung cấp) trong "
            "“Nơi nhận báo cáo”, rồi bấm “Gửi lại”.",
            retryable=False,
            detail=detail,
            about_destination=True,
        )
    if isinstance(exc, ssl.SSLError) and exc.reason in _NOT_TLS_REASONS:
        return UploadError(
            f"Máy chủ {dest_where} không trả lời bằng kết nối mã hóa ở cổng này. "
            f"{plain_hint}".strip(),
            retryable=False,
            detail=detail,
            about_destination=True,
        )
    if isinstance(exc, ssl.SSLEOFError | ssl.SSLZeroReturnError):
        return UploadError(
            f"Kết nối tới {dest_where} bị ngắt giữa chừng; sẽ gửi lại sau.",
            retryable=True,
            detail=detail,
        )
    if isinstance(exc, ssl.SSLError):
        return UploadError(
            f"Không lập được kết nối mã hóa tới máy chủ {dest_where}; sẽ thử lại sau.",
            retryable=True,
            detail=detail,
        )
    if isinstance(exc, socket.gaierror):
        return UploadError(
            f"Không tìm thấy máy chủ {dest_where} (mạng hoặc tên máy chủ); sẽ thử lại sau.",
            retryable=True,
            detail=detail,
        )
    if isinstance(exc, ConnectionRefusedError):
        return UploadError(
            f"Không kết nối được máy chủ {dest_where}: máy chủ không nhận kết nối; sẽ thử lại sau.",
            retryable=True,
            detail=detail,
        )
    if isinstance(exc, ConnectionResetError | BrokenPipeError | ConnectionAbortedError | EOFError):
        return UploadError(
            f"Kết nối tới {dest_where} bị ngắt giữa chừng; sẽ gửi lại sau.",
            retryable=True,
            detail=detail,
        )
    return UploadError(
        f"Không kết nối được máy chủ {dest_where}; sẽ thử lại sau.", retryable=True, detail=detail
    )


AUTH_MESSAGE = (
    "Máy chủ từ chối tên đăng nhập hoặc mật khẩu; hãy sửa trong “Nơi nhận báo cáo” "
    "rồi bấm “Gửi lại”."
)
