"""E-mail delivery to a real aiosmtpd sink on 127.0.0.1 (with AUTH): faults keep the report
queued with a reason; once healed, exactly one message per report, with a stable Message-ID."""

from __future__ import annotations

from datetime import timedelta
from email import message_from_bytes
from email.policy import default

import pytest

from tests.sync.conftest import OFFICE
from tests.sync.servers import PASSWORD, USER, CutProxy, SmtpSink, free_port
from tthc_desk.domain.clock import FixedClock
from tthc_desk.domain.destinations import Destination, DestinationKind, TlsMode
from tthc_desk.domain.outbox import OutboxState
from tthc_desk.services.container import Services

# aiosmtpd warns per connection about AUTH without TLS (loopback only here) and about its own API.
pytestmark = [
    pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS"),
    pytest.mark.filterwarnings("ignore::DeprecationWarning:aiosmtpd"),
]

ATTACHMENT = b"PK\x03\x04" + bytes(range(256)) * 800  # ~200 KB of binary, like an .xlsx


def _dest(port: int) -> Destination:
    return Destination(
        DestinationKind.SMTP,
        name="Sở Nội vụ",
        smtp_host="127.0.0.1",
        smtp_port=port,
        tls=TlsMode.NONE,
        username=USER,
        from_addr="motcua@dongnguyen.gov.vn",
        to_addrs=("baocao@bacninh.gov.vn",),
        timeout=1.0,
    )


def _setup(svc: Services, port: int) -> int:
    svc.outbox.save_destination(_dest(port), PASSWORD)
    return svc.outbox.enqueue(ATTACHMENT, kind="weekly", period_key="2026-W09", office_id=OFFICE).id


def _heal_and_send(svc: Services, clock: FixedClock, smtp: SmtpSink, item_id: int) -> None:
    clock.set(clock.now() + timedelta(hours=2))
    svc.outbox.save_destination(_dest(smtp.port), PASSWORD)
    svc.outbox.retry(item_id) if svc.outbox.get(item_id).state is OutboxState.FAILED else None
    [result] = svc.outbox.send_due()
    assert result.sent, result.message
    assert len(smtp.messages) == 1
    item = svc.outbox.get(item_id)
    assert smtp.message_ids() == [item.message_id]
    assert item.server_reply == "250 2.0.0 Message accepted for delivery"


def test_message_carries_the_workbook(svc: Services, smtp: SmtpSink) -> None:
    item_id = _setup(svc, smtp.port)
    assert svc.outbox.test_destination().status == 250
    assert smtp.messages == []  # the probe sends nothing
    assert svc.outbox.send_due()[0].sent
    msg = message_from_bytes(smtp.messages[0], policy=default)
    assert msg["Subject"] == f"Báo cáo tuần 2026-W09 – {OFFICE}"
    [part] = [p for p in msg.walk() if p.get_filename()]
    assert part.get_filename() == f"{OFFICE}_tuan_2026-W09.xlsx"
    assert part.get_payload(decode=True) == ATTACHMENT
    assert svc.outbox.get(item_id).state is OutboxState.SENT


def test_server_down(svc: Services, clock: FixedClock, smtp: SmtpSink) -> None:
    item_id = _setup(svc, free_port())
    svc.outbox.send_due()
    item = svc.outbox.get(item_id)
    assert item.state is OutboxState.WAITING and item.last_error.startswith(
        "Không kết nối được máy chủ"
    )
    assert item.next_attempt_at is not None and item.next_attempt_at > clock.now()
    _heal_and_send(svc, clock, smtp, item_id)


def test_temporary_refusal_451(svc: Services, clock: FixedClock, smtp: SmtpSink) -> None:
    item_id = _setup(svc, smtp.port)
    smtp.mode = "451"
    svc.outbox.send_due()
    item = svc.outbox.get(item_id)
    assert (
        item.state is OutboxState.WAITING and "tạm thời không nhận thư (mã 451)" in item.last_error
    )
    smtp.mode = None
    _heal_and_send(svc, clock, smtp, item_id)


def test_permanent_refusal_554_needs_a_person(
    svc: Services, clock: FixedClock, smtp: SmtpSink
) -> None:
    item_id = _setup(svc, smtp.port)
    smtp.mode = "554"
    svc.outbox.send_due()
    item = svc.outbox.get(item_id)
    assert item.state is OutboxState.FAILED and "từ chối thư (mã 554)" in item.last_error
    smtp.mode = None
    _heal_and_send(svc, clock, smtp, item_id)


def test_timeout(svc: Services, clock: FixedClock, smtp: SmtpSink) -> None:
    item_id = _setup(svc, smtp.port)
    smtp.mode = "slow"
    svc.outbox.send_due()
    item = svc.outbox.get(item_id)
    assert item.state is OutboxState.WAITING and "không trả lời kịp" in item.last_error
    smtp.mode = None
    _heal_and_send(svc, clock, smtp, item_id)


def test_wrong_password(svc: Services, clock: FixedClock, smtp: SmtpSink) -> None:
    svc.outbox.save_destination(_dest(smtp.port), "sai")
    item_id = svc.outbox.enqueue(
        ATTACHMENT, kind="weekly", period_key="2026-W09", office_id=OFFICE
    ).id
    svc.outbox.send_due()
    item = svc.outbox.get(item_id)
    assert item.state is OutboxState.FAILED and item.last_error.startswith(
        "Máy chủ từ chối tên đăng nhập"
    )
    assert "535" in item.last_detail
    clock.set(clock.now() + timedelta(days=2))
    assert svc.outbox.send_due() == []
    _heal_and_send(svc, clock, smtp, item_id)


def test_connection_cut_during_data(
    svc: Services, clock: FixedClock, smtp: SmtpSink, cut_proxy_factory: type[CutProxy]
) -> None:
    proxy = cut_proxy_factory(smtp.port)
    proxy.cut_after = 30_000  # past the greeting and login, inside the message
    item_id = _setup(svc, proxy.port)
    svc.outbox.send_due()
    item = svc.outbox.get(item_id)
    assert proxy.cuts == 1 and item.state is OutboxState.WAITING, item.last_detail
    assert smtp.messages == []
    proxy.cut_after = None
    clock.set(clock.now() + timedelta(hours=2))
    assert svc.outbox.send_due()[0].sent
    assert len(smtp.messages) == 1 and smtp.message_ids() == [item.message_id]


def test_every_report_once_with_its_own_message_id(svc: Services, smtp: SmtpSink) -> None:
    _setup(svc, smtp.port)
    assert all(r.sent for r in svc.outbox.send_due())  # v1 goes first; the correction follows it
    svc.outbox.enqueue(ATTACHMENT + b"!", kind="weekly", period_key="2026-W09", office_id=OFFICE)
    svc.outbox.enqueue(b"quarter", kind="period", period_key="2026-Q1", office_id=OFFICE)
    assert all(r.sent for r in svc.outbox.send_due())
    assert svc.outbox.send_due(ignore_backoff=True) == []
    assert len(smtp.messages) == 3 and len(set(smtp.message_ids())) == 3
    v2 = message_from_bytes(smtp.messages[1], policy=default)
    body = v2.get_body(preferencelist=("plain",))
    assert body is not None and f"thay thế tệp {OFFICE}_tuan_2026-W09.xlsx" in body.get_content()
