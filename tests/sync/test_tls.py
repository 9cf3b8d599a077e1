"""Encrypted delivery against real servers on 127.0.0.1 with a throwaway CA
(:mod:`tests.sync.certs`): SMTP with STARTTLS and with implicit SSL, WebDAV and POST over HTTPS.
A certificate the office does not trust stops the send with a reason a person can act on, and the
report stays queued."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from tests.sync.certs import CertPair, Pki
from tests.sync.conftest import OFFICE
from tests.sync.servers import PASSWORD, USER, PostServer, SmtpSink, WebDavServer
from tthc_desk.domain.clock import FixedClock
from tthc_desk.domain.destinations import Destination, DestinationKind, TlsMode
from tthc_desk.domain.errors import ValidationError
from tthc_desk.domain.outbox import OutboxState
from tthc_desk.services.container import Services
from tthc_desk.sync import transports
from tthc_desk.sync.delivery import Payload, UploadError

pytestmark = [
    pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS"),
    pytest.mark.filterwarnings("ignore::DeprecationWarning:aiosmtpd"),
]

WORKBOOK = b"PK\x03\x04" + "Báo cáo tuần – số liệu".encode() * 3000
TIMEOUT = 2.0
CERT_WORDS = "Chứng chỉ bảo mật của máy chủ"


def _pair(cert: CertPair) -> tuple[Path, Path]:
    return cert.cert, cert.key


def _smtp_dest(port: int, tls: TlsMode, ca_file: Path | None) -> Destination:
    return Destination(
        DestinationKind.SMTP,
        name="Sở Nội vụ",
        smtp_host="127.0.0.1",
        smtp_port=port,
        tls=tls,
        username=USER,
        from_addr="motcua@dongnguyen.gov.vn",
        to_addrs=("baocao@bacninh.gov.vn",),
        timeout=TIMEOUT,
        ca_file=str(ca_file or ""),
    )


def _enqueue(svc: Services, data: bytes = WORKBOOK, period: str = "2026-W09") -> int:
    return svc.outbox.enqueue(data, kind="weekly", period_key=period, office_id=OFFICE).id


def _sent_once(svc: Services, item_id: int) -> None:
    [result] = svc.outbox.send_due()
    assert result.sent, f"{result.message} / {result.reply}"
    assert svc.outbox.get(item_id).state is OutboxState.SENT
    assert svc.outbox.send_due(ignore_backoff=True) == []


def _refused_for_certificate(svc: Services, item_id: int) -> None:
    [result] = svc.outbox.send_due()
    item = svc.outbox.get(item_id)
    assert item.state is OutboxState.FAILED and not result.retryable, item.last_error
    assert item.last_error.startswith(CERT_WORDS) and "Chứng chỉ gốc" in item.last_error, (
        item.last_error
    )
    assert (
        "CERTIFICATE_VERIFY_FAILED" in item.last_detail
        or "certificate verify failed" in item.last_detail
    )
    assert svc.outbox.content(item_id) == WORKBOOK  # still queued, nothing lost
    assert svc.outbox.send_due(ignore_backoff=True) == []  # waits for a person


# -- SMTP ---------------------------------------------------------------------------------------
@pytest.fixture
def smtp_starttls(pki: Pki) -> Iterator[SmtpSink]:
    sink = SmtpSink(tls="starttls", cert=_pair(pki.server))
    yield sink
    sink.stop()


@pytest.fixture
def smtp_ssl(pki: Pki) -> Iterator[SmtpSink]:
    sink = SmtpSink(tls="ssl", cert=_pair(pki.server))
    yield sink
    sink.stop()


def test_starttls_with_the_province_ca_arrives_once(
    svc: Services, pki: Pki, smtp_starttls: SmtpSink
) -> None:
    svc.outbox.save_destination(_smtp_dest(smtp_starttls.port, TlsMode.STARTTLS, pki.ca), PASSWORD)
    assert svc.outbox.test_destination().status == 250
    item_id = _enqueue(svc)
    _sent_once(svc, item_id)
    assert smtp_starttls.message_ids() == [svc.outbox.get(item_id).message_id]


def test_starttls_untrusted_certificate_needs_a_person(
    svc: Services, clock: FixedClock, pki: Pki, smtp_starttls: SmtpSink
) -> None:
    svc.outbox.save_destination(_smtp_dest(smtp_starttls.port, TlsMode.STARTTLS, None), PASSWORD)
    item_id = _enqueue(svc)
    _refused_for_certificate(svc, item_id)
    assert smtp_starttls.messages == []
    # The administrator picks the province's CA file and presses "Gửi lại".
    clock.set(clock.now() + timedelta(minutes=5))
    svc.outbox.save_destination(_smtp_dest(smtp_starttls.port, TlsMode.STARTTLS, pki.ca), PASSWORD)
    svc.outbox.retry(item_id)
    _sent_once(svc, item_id)
    assert len(smtp_starttls.messages) == 1


def test_certificate_problem_stops_the_batch(svc: Services, smtp_starttls: SmtpSink) -> None:
    svc.outbox.save_destination(_smtp_dest(smtp_starttls.port, TlsMode.STARTTLS, None), PASSWORD)
    first, second = _enqueue(svc), _enqueue(svc, b"quarter", "2026-W10")
    results = svc.outbox.send_due()
    assert [r.state for r in results] == [OutboxState.FAILED, OutboxState.WAITING]
    assert svc.outbox.get(second).attempts == 0 and svc.outbox.get(first).attempts == 1


def test_plain_smtp_to_a_server_requiring_starttls(
    svc: Services, pki: Pki, smtp_starttls: SmtpSink
) -> None:
    svc.outbox.save_destination(_smtp_dest(smtp_starttls.port, TlsMode.NONE, None), PASSWORD)
    item_id = _enqueue(svc)
    [result] = svc.outbox.send_due()
    item = svc.outbox.get(item_id)
    assert item.state is OutboxState.FAILED and not result.retryable
    assert "yêu cầu mã hóa" in item.last_error and "STARTTLS" in item.last_error, item.last_error
    assert not item.last_error.startswith(
        "Máy chủ từ chối tên đăng nhập"
    )  # the password was never tried
    assert smtp_starttls.messages == []


def test_starttls_to_a_server_without_it(svc: Services, smtp: SmtpSink) -> None:
    svc.outbox.save_destination(_smtp_dest(smtp.port, TlsMode.STARTTLS, None), PASSWORD)
    item_id = _enqueue(svc)
    svc.outbox.send_due()
    item = svc.outbox.get(item_id)
    assert item.state is OutboxState.FAILED and "không hỗ trợ" in item.last_error, item.last_error
    assert smtp.messages == []


def test_implicit_ssl_arrives_once(svc: Services, pki: Pki, smtp_ssl: SmtpSink) -> None:
    svc.outbox.save_destination(_smtp_dest(smtp_ssl.port, TlsMode.SSL, pki.ca), PASSWORD)
    assert svc.outbox.test_destination().status == 250
    item_id = _enqueue(svc)
    _sent_once(svc, item_id)
    assert smtp_ssl.message_ids() == [svc.outbox.get(item_id).message_id]


def test_implicit_ssl_untrusted_certificate(svc: Services, smtp_ssl: SmtpSink) -> None:
    svc.outbox.save_destination(_smtp_dest(smtp_ssl.port, TlsMode.SSL, None), PASSWORD)
    item_id = _enqueue(svc)
    _refused_for_certificate(svc, item_id)
    assert smtp_ssl.messages == []


def test_ssl_chosen_for_a_starttls_port(svc: Services, pki: Pki, smtp_starttls: SmtpSink) -> None:
    """Port 587 with "SSL": the server greets in plain text; only a settings change helps."""
    svc.outbox.save_destination(_smtp_dest(smtp_starttls.port, TlsMode.SSL, pki.ca), PASSWORD)
    item_id = _enqueue(svc)
    [result] = svc.outbox.send_due()
    item = svc.outbox.get(item_id)
    assert item.state is OutboxState.FAILED and not result.retryable, item.last_error
    assert "mã hóa" in item.last_error and "STARTTLS" in item.last_error, item.last_error
    assert smtp_starttls.messages == []


# -- HTTPS: WebDAV and POST ---------------------------------------------------------------------
def _dav_dest(url: str, ca_file: Path | None, **kw: object) -> Destination:
    return Destination(
        DestinationKind.WEBDAV,
        url=url,
        username=USER,
        timeout=TIMEOUT,
        ca_file=str(ca_file or ""),
        **kw,
    )  # type: ignore[arg-type]


@pytest.fixture
def dav_factory(tmp_path: Path) -> Iterator[type[WebDavServer]]:
    servers: list[WebDavServer] = []

    class Tracked(WebDavServer):
        def __init__(self, cert: CertPair | None) -> None:
            super().__init__(tmp_path / f"dav{len(servers)}", tls=_pair(cert) if cert else None)
            (self.root / "bao-cao").mkdir()
            servers.append(self)

    yield Tracked
    for s in servers:
        s.stop()


def test_https_webdav_with_the_province_ca_arrives_once(
    svc: Services, pki: Pki, dav_factory: type[WebDavServer]
) -> None:
    dav = dav_factory(pki.server)  # type: ignore[call-arg]
    assert dav.url.startswith("https://")
    svc.outbox.save_destination(_dav_dest(dav.url, pki.ca), PASSWORD)
    assert svc.outbox.test_destination().status == 207
    item_id = _enqueue(svc)
    _sent_once(svc, item_id)
    [stored] = dav.files()
    assert stored.read_bytes() == WORKBOOK
    assert dav.switch.requests.count("PUT") == 1


def test_https_webdav_by_host_name(
    svc: Services, pki: Pki, dav_factory: type[WebDavServer]
) -> None:
    dav = dav_factory(pki.server)  # type: ignore[call-arg]
    svc.outbox.save_destination(
        _dav_dest(dav.url.replace("127.0.0.1", "localhost"), pki.ca), PASSWORD
    )
    _sent_once(svc, _enqueue(svc))
    assert len(dav.files()) == 1


@pytest.mark.parametrize("which", ["other_host", "self_signed", "no_ca_file"])
def test_https_webdav_refuses_a_certificate_it_cannot_trust(
    svc: Services, clock: FixedClock, pki: Pki, which: str, dav_factory: type[WebDavServer]
) -> None:
    cert = {"other_host": pki.other_host, "self_signed": pki.self_signed, "no_ca_file": pki.server}[
        which
    ]
    dav = dav_factory(cert)  # type: ignore[call-arg]
    svc.outbox.save_destination(
        _dav_dest(dav.url, None if which == "no_ca_file" else pki.ca), PASSWORD
    )
    item_id = _enqueue(svc)
    _refused_for_certificate(svc, item_id)
    item = svc.outbox.get(item_id)
    if which == "other_host":
        assert "cấp cho tên máy khác" in item.last_error, item.last_error
    else:
        assert "không được tin cậy" in item.last_error, item.last_error
    assert dav.files() == [] and "PUT" not in dav.switch.requests
    with pytest.raises(UploadError) as probe:
        svc.outbox.test_destination()
    assert probe.value.message.startswith(CERT_WORDS) and not probe.value.retryable


def test_https_to_a_plain_http_server(
    svc: Services, pki: Pki, dav_factory: type[WebDavServer]
) -> None:
    dav = dav_factory(None)  # type: ignore[call-arg]
    svc.outbox.save_destination(_dav_dest(dav.url.replace("http://", "https://"), pki.ca), PASSWORD)
    item_id = _enqueue(svc)
    [result] = svc.outbox.send_due()
    item = svc.outbox.get(item_id)
    assert item.state is OutboxState.FAILED and not result.retryable, item.last_error
    assert "mã hóa" in item.last_error and "http://" in item.last_error, item.last_error
    assert dav.files() == []


def test_unreadable_ca_file_is_a_clear_error(
    svc: Services, tmp_path: Path, pki: Pki, dav_factory: type[WebDavServer]
) -> None:
    dav = dav_factory(pki.server)  # type: ignore[call-arg]
    bad = tmp_path / "ca.pem"
    bad.write_text("không phải chứng chỉ")
    svc.outbox.save_destination(_dav_dest(dav.url, bad), PASSWORD)
    item_id = _enqueue(svc)
    [result] = svc.outbox.send_due()
    item = svc.outbox.get(item_id)
    assert item.state is OutboxState.FAILED and not result.retryable, item.last_error
    assert "Chứng chỉ gốc" in item.last_error and str(bad) in item.last_error, item.last_error
    bad.unlink()  # removed after it was saved
    svc.outbox.retry(item_id)
    svc.outbox.send_due()
    item = svc.outbox.get(item_id)
    assert item.state is OutboxState.FAILED and str(bad) in item.last_error, item.last_error
    assert dav.files() == []


def test_http_to_another_host_is_refused_unless_allowed(
    svc: Services, monkeypatch: pytest.MonkeyPatch, dav_factory: type[WebDavServer]
) -> None:
    with pytest.raises(ValidationError) as refused:
        svc.outbox.save_destination(_dav_dest("http://tinh.example/bao-cao/", None), PASSWORD)
    assert "http://" in str(refused.value.problems)
    assert svc.outbox.save_destination(
        _dav_dest("http://tinh.example/bao-cao/", None, allow_http=True), PASSWORD
    )

    # The transport checks again (a destination may reach it without the settings' validation):
    # 127.0.0.1 stands for another host once it is no longer counted as this machine.
    dav = dav_factory(None)  # type: ignore[call-arg]
    monkeypatch.setattr(transports, "LOOPBACK_HOSTS", frozenset())
    payload = Payload(
        file_name="a.xlsx",
        data=b"abc",
        sha256="0" * 64,
        message_id="<a@b>",
        office_id=OFFICE,
        kind="weekly",
        period_key="2026-W09",
    )
    with pytest.raises(UploadError) as plain:
        transports.WebDavTransport().send(_dav_dest(dav.url, None), payload, PASSWORD)
    assert not plain.value.retryable and "https://" in plain.value.message
    assert dav.switch.requests == [] and dav.files() == []
    receipt = transports.WebDavTransport().send(
        _dav_dest(dav.url, None, allow_http=True), payload, PASSWORD
    )
    assert receipt.status == 201 and [f.name for f in dav.files()] == ["a.xlsx"]


@pytest.fixture
def https_post(pki: Pki) -> Iterator[PostServer]:
    server = PostServer(tls=_pair(pki.server))
    yield server
    server.stop()


def _post_dest(url: str, ca_file: Path | None) -> Destination:
    return Destination(
        DestinationKind.HTTPS_POST,
        url=url,
        bearer=True,
        timeout=TIMEOUT,
        ca_file=str(ca_file or ""),
    )


def test_https_post_arrives_once(svc: Services, pki: Pki, https_post: PostServer) -> None:
    assert https_post.url.startswith("https://")
    svc.outbox.save_destination(_post_dest(https_post.url, pki.ca), "token-tinh")
    assert svc.outbox.test_destination().status == 204
    item_id = _enqueue(svc)
    _sent_once(svc, item_id)
    assert (
        list(https_post.uploads) == [svc.outbox.get(item_id).message_id]
        and https_post.requests == 1
    )


def test_https_post_untrusted_certificate(svc: Services, https_post: PostServer) -> None:
    svc.outbox.save_destination(_post_dest(https_post.url, None), "token-tinh")
    item_id = _enqueue(svc)
    _refused_for_certificate(svc, item_id)
    assert https_post.uploads == {} and https_post.requests == 0


def test_smtp_without_tls_to_another_host_with_a_password_is_refused_unless_allowed() -> None:
    import dataclasses

    import pytest as _pytest

    from tthc_desk.domain.destinations import Destination, DestinationKind, TlsMode
    from tthc_desk.domain.errors import ValidationError
    from tthc_desk.sync.destinations import validate

    plain = Destination(
        kind=DestinationKind.SMTP,
        smtp_host="mail.tinh.gov.vn",
        smtp_port=25,
        tls=TlsMode.NONE,
        username="xa01",
        from_addr="motcua@xa.gov.vn",
        to_addrs=("baocao@tinh.gov.vn",),
    )
    with _pytest.raises(ValidationError) as caught:
        validate(plain)
    assert "chọn STARTTLS" in caught.value.field_messages()["tls"]
    validate(dataclasses.replace(plain, allow_http=True))  # a LAN relay, chosen on purpose
    validate(dataclasses.replace(plain, username=""))  # no password to protect
    validate(dataclasses.replace(plain, smtp_host="127.0.0.1"))


def test_a_timeout_on_port_465_without_ssl_says_to_choose_ssl() -> None:
    import smtplib

    from tthc_desk.sync.mail import _mapped

    try:
        try:
            raise TimeoutError("timed out")
        except TimeoutError:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed") from None
    except smtplib.SMTPServerDisconnected as cut:
        cut.__context__ = TimeoutError("timed out")
        error = _mapped("mail.tinh.gov.vn:465", cut, starttls_on_ssl_port=True)
        plain = _mapped("mail.tinh.gov.vn:587", cut)
    assert (
        error.retryable
        and "không trả lời kịp" in error.message
        and "chọn cách mã hóa SSL" in error.message
    )
    assert "SSL" not in plain.message
