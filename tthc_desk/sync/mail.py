"""E-mail over SMTP (STARTTLS, SSL, or plain on a trusted network) with the workbook attached.

SMTP has no way to ask "did you already get this?". Each report therefore carries a stable
``Message-ID`` (the same on every try), which lets the province's mailbox, or a person, spot a
repeat; and the outbox stops sending as soon as the server has said 250 to the message. The only
window left is a cut or timeout after the message was accepted but before the 250 arrived.
"""

from __future__ import annotations

import base64
import smtplib
import ssl
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import formatdate

from tthc_desk.domain.destinations import Destination, TlsMode
from tthc_desk.domain.outbox import DeliveryReceipt
from tthc_desk.sync.delivery import (
    AUTH_MESSAGE,
    Payload,
    UploadError,
    connect_error,
    tls_context,
)

KIND_WORDS = {
    "weekly": "tuần",
    "period": "định kỳ",
    "monthly": "tháng",
    "quarterly": "quý",
    "yearly": "năm",
}


def build_message(dest: Destination, payload: Payload) -> EmailMessage:
    msg = EmailMessage()
    kind = KIND_WORDS.get(payload.kind, payload.kind)
    msg["Subject"] = dest.subject_template.format(
        kind=kind,
        period=payload.period_key,
        office=payload.office_id,
        file=payload.file_name,
        version=payload.version,
    )
    msg["From"] = dest.from_addr
    msg["To"] = ", ".join(dest.to_addrs)
    msg["Message-ID"] = payload.message_id
    msg["Date"] = formatdate(localtime=True)
    msg["X-TTHC-Office"] = payload.office_id
    msg["X-TTHC-Period"] = payload.period_key
    lines = [
        f"Kính gửi: {dest.name}",
        "",
        f"Đơn vị {payload.office_id} gửi báo cáo {kind} kỳ {payload.period_key} "
        f"(tệp đính kèm {payload.file_name}).",
    ]
    if payload.replaces_file_name:
        lines.append(
            f"Bản này (lần {payload.version}) thay thế tệp {payload.replaces_file_name} "
            "đã gửi trước."
        )
    lines += ["", f"Mã kiểm tra SHA-256: {payload.sha256}", "", "Thư gửi tự động từ TTHC Desk."]
    msg.set_content("\n".join(lines))
    maintype, subtype = payload.content_type.split("/", 1)
    msg.add_attachment(payload.data, maintype=maintype, subtype=subtype, filename=payload.file_name)
    return msg


def _where(dest: Destination) -> str:
    return f"{dest.smtp_host}:{dest.smtp_port}"


def _connect(dest: Destination, context: ssl.SSLContext | None) -> smtplib.SMTP:
    if dest.tls is TlsMode.SSL:
        return smtplib.SMTP_SSL(
            dest.smtp_host, dest.smtp_port, timeout=dest.timeout, context=context
        )
    return smtplib.SMTP(dest.smtp_host, dest.smtp_port, timeout=dest.timeout)


def _greet(
    smtp: smtplib.SMTP, dest: Destination, context: ssl.SSLContext | None, secret: str | None
) -> None:
    """EHLO, encryption as chosen, then the login (if any)."""
    smtp.ehlo()
    if dest.tls is TlsMode.STARTTLS:
        smtp.starttls(context=context)
        smtp.ehlo()
    elif (
        dest.tls is TlsMode.NONE
        and smtp.has_extn("starttls")
        and dest.username
        and not smtp.has_extn("auth")
    ):
        # Offers login only once encrypted: do not send the password in clear to find out.
        raise UploadError(
            _starttls_required(_where(dest)),
            retryable=False,
            about_destination=True,
            detail="EHLO: STARTTLS offered, AUTH not offered before it",
        )
    if dest.username:
        _login(smtp, dest.username, secret or "")


class SmtpTransport:
    def _open(self, dest: Destination, secret: str | None) -> smtplib.SMTP:
        where = _where(dest)
        context = tls_context(dest) if dest.tls is not TlsMode.NONE else None
        try:
            smtp = _connect(dest, context)
            try:
                _greet(smtp, dest, context, secret)
            except BaseException:
                smtp.close()
                raise
        except smtplib.SMTPAuthenticationError as e:
            raise _mapped(where, e) from e
        except smtplib.SMTPNotSupportedError as e:
            raise UploadError(
                f"Máy chủ thư {where} không hỗ trợ cách mã hóa hoặc đăng nhập đã chọn.",
                retryable=False,
                detail=_detail(e),
            ) from e
        except (smtplib.SMTPException, OSError) as e:
            raise _mapped(
                where,
                e,
                ssl_chosen=dest.tls is TlsMode.SSL,
                starttls_on_ssl_port=dest.tls is not TlsMode.SSL and dest.smtp_port == 465,
            ) from e
        return smtp

    def send(self, dest: Destination, payload: Payload, secret: str | None) -> DeliveryReceipt:
        smtp = self._open(dest, secret)
        where = _where(dest)
        try:
            msg = build_message(dest, payload)
            # Step by step rather than send_message(): the DATA reply is the receipt worth keeping.
            code, reply = smtp.mail(dest.from_addr)
            if code != 250:
                raise smtplib.SMTPSenderRefused(code, reply, dest.from_addr)
            for rcpt in dest.to_addrs:
                code, reply = smtp.rcpt(rcpt)
                if code not in (250, 251):
                    raise smtplib.SMTPRecipientsRefused({rcpt: (code, reply)})
            code, reply = smtp.data(msg.as_bytes(policy=SMTP_POLICY))  # CRLF line ends
            if code != 250:
                raise smtplib.SMTPDataError(code, reply)
        except (smtplib.SMTPException, OSError) as e:
            raise _mapped(where, e) from e
        finally:
            _quit(smtp)
        return DeliveryReceipt(
            code, reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
        )

    def probe(self, dest: Destination, secret: str | None) -> DeliveryReceipt:
        smtp = self._open(dest, secret)
        try:
            code, reply = smtp.noop()
        except (smtplib.SMTPException, OSError) as e:
            raise _mapped(_where(dest), e) from e
        finally:
            _quit(smtp)
        return DeliveryReceipt(code, reply.decode("utf-8", "replace"))


def _login(smtp: smtplib.SMTP, user: str, secret: str) -> None:
    if (user + secret).isascii():
        smtp.login(user, secret)
        return
    # smtplib encodes credentials as ASCII; AUTH PLAIN is defined over UTF-8 (RFC 4616), and
    # Vietnamese passwords are common.
    token = base64.b64encode(b"\0" + user.encode() + b"\0" + secret.encode()).decode("ascii")
    code, reply = smtp.docmd("AUTH", "PLAIN " + token)
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, reply)


def _quit(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()  # the message is already accepted (or not): a failed goodbye changes nothing


def _detail(e: BaseException) -> str:
    if isinstance(e, smtplib.SMTPResponseException):
        err = (
            e.smtp_error.decode("utf-8", "replace")
            if isinstance(e.smtp_error, bytes)
            else str(e.smtp_error)
        )
        return f"SMTP {e.smtp_code} {err}"
    return f"{type(e).__name__}: {e}"


def _starttls_required(where: str) -> str:
    return (
        f"Máy chủ thư {where} yêu cầu mã hóa trước khi đăng nhập và gửi thư: hãy chọn cách mã hóa "
        "STARTTLS trong “Nơi nhận báo cáo” rồi bấm “Gửi lại”."
    )


#: Said with a timeout on port 465 when SSL is not chosen: that port speaks TLS from the first byte
#: and waits in silence for a handshake that a STARTTLS or plain client never starts.
SSL_PORT_HINT = (
    "Cổng 465 thường dùng SSL ngay từ đầu: nếu máy chủ dùng cổng này, hãy chọn cách mã hóa SSL "
    "trong “Nơi nhận báo cáo” (hoặc dùng cổng 587 với STARTTLS)."
)


#: Said when SSL was chosen and the server does not speak it from the first byte.
STARTTLS_PORT_HINT = (
    "Cổng này có thể dùng STARTTLS (thường là cổng 587): hãy chọn cách mã hóa STARTTLS, hoặc "
    "cổng SSL (thường là 465), trong “Nơi nhận báo cáo”."
)


def _mapped(
    where: str, e: BaseException, *, ssl_chosen: bool = False, starttls_on_ssl_port: bool = False
) -> UploadError:
    """The UploadError an SMTP or network failure stands for."""
    hint = SSL_PORT_HINT if starttls_on_ssl_port else ""
    if isinstance(e, smtplib.SMTPServerDisconnected):
        return _disconnected(where, e, hint)
    if isinstance(e, smtplib.SMTPRecipientsRefused):
        return _recipients_refused(where, e)
    if isinstance(e, smtplib.SMTPResponseException):
        return _refused(where, e)
    if isinstance(e, smtplib.SMTPException):
        return UploadError(
            f"Máy chủ thư {where} trả lời không đúng giao thức; sẽ thử lại sau.",
            retryable=True,
            detail=_detail(e),
        )
    plain = STARTTLS_PORT_HINT if ssl_chosen else ""
    return connect_error(f"thư {where}", e, plain_hint=plain, timeout_hint=hint)


def _disconnected(where: str, e: smtplib.SMTPServerDisconnected, hint: str) -> UploadError:
    if isinstance(e.__context__, TimeoutError):  # smtplib wraps a timeout as a disconnect
        return connect_error(f"thư {where}", e.__context__, timeout_hint=hint)
    return UploadError(
        f"Kết nối tới máy chủ thư {where} bị ngắt giữa chừng; sẽ gửi lại sau.",
        retryable=True,
        detail=_detail(e),
    )


def _recipients_refused(where: str, e: smtplib.SMTPRecipientsRefused) -> UploadError:
    codes = [c for c, _ in e.recipients.values()]
    retry = all(400 <= c < 500 for c in codes)
    return UploadError(
        f"Máy chủ thư {where} không nhận địa chỉ người nhận: {', '.join(e.recipients)}"
        + ("; sẽ thử lại sau." if retry else "."),
        retryable=retry,
        detail=str(e.recipients),
        status=codes[0] if codes else None,
    )


def _refused(where: str, e: smtplib.SMTPResponseException) -> UploadError:
    """A reply code that is not a success: encryption first, login, later, or never."""
    code, detail = e.smtp_code, _detail(e)
    if code == 530 and "STARTTLS" in detail.upper():  # "Must issue a STARTTLS command first"
        return UploadError(
            _starttls_required(where),
            retryable=False,
            detail=detail,
            status=code,
            about_destination=True,
        )
    if code in (530, 534, 535, 538):
        return UploadError(AUTH_MESSAGE, retryable=False, detail=detail, status=code)
    if 400 <= code < 500:
        return UploadError(
            f"Máy chủ thư {where} tạm thời không nhận thư (mã {code}); sẽ thử lại sau.",
            retryable=True,
            detail=detail,
            status=code,
        )
    return UploadError(
        f"Máy chủ thư {where} từ chối thư (mã {code}); cần người quản trị kiểm tra.",
        retryable=False,
        detail=detail,
        status=code,
    )
