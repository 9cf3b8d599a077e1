"""The outbox itself: names and versions, duplicates, restarts, back-off, the folder and POST
kinds, and a machine without a keyring."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import ClassVar

import pytest

from tests.conftest import open_test_services, upload_secrets
from tests.sync.conftest import OFFICE
from tests.sync.servers import PostServer
from tthc_desk.domain.clock import FixedClock
from tthc_desk.domain.destinations import Destination, DestinationKind
from tthc_desk.domain.errors import ConflictError, ValidationError
from tthc_desk.domain.outbox import OutboxState
from tthc_desk.paths import AppPaths
from tthc_desk.services.container import Services
from tthc_desk.sync.credentials import CredentialError, InMemoryStore


def _folder_dest(folder: Path) -> Destination:
    return Destination(
        DestinationKind.FOLDER, name="Thư mục chung", folder=str(folder), timeout=1.0
    )


def test_names_versions_and_identical_content(svc: Services) -> None:
    first = svc.outbox.enqueue(b"v1", kind="weekly", period_key="2026-W09", office_id=OFFICE)
    assert first.file_name == "000.17.22.H56_tuan_2026-W09.xlsx" and first.version == 1
    assert (
        svc.outbox.enqueue(b"v1", kind="weekly", period_key="2026-W09", office_id=OFFICE) == first
    )
    second = svc.outbox.enqueue(b"v2", kind="weekly", period_key="2026-W09", office_id=OFFICE)
    assert second.file_name == "000.17.22.H56_tuan_2026-W09_v2.xlsx"
    assert (second.version, second.replaces_id, second.replaces_file_name) == (
        2,
        first.id,
        first.file_name,
    )
    third = svc.outbox.enqueue(b"v1", kind="weekly", period_key="2026-W09", office_id=OFFICE)
    assert third.version == 3  # back to the first figures: the province must still hear of it
    other = svc.outbox.enqueue(b"v1", kind="period", period_key="2026-Q1", office_id=OFFICE)
    assert other.file_name == "000.17.22.H56_06a_quy_2026-Q1.xlsx" and other.version == 1
    assert len(svc.outbox.items()) == 4
    # Versions not sent yet are replaced by the newest: the province gets only v3 of W09.
    counts = svc.outbox.status_counts()
    assert (counts[OutboxState.WAITING], counts[OutboxState.REPLACED]) == (2, 2)
    replaced = svc.outbox.get(first.id)
    assert replaced.state is OutboxState.REPLACED and "_v2.xlsx" in replaced.last_error
    assert {i.file_name for i in svc.outbox.due()} == {third.file_name, other.file_name}
    with pytest.raises(ConflictError, match="đã có bản mới thay thế"):
        svc.outbox.retry(second.id)
    assert svc.outbox.content(second.id) == b"v2"  # kept in the history


def test_enqueue_from_a_file_and_bad_input(svc: Services, tmp_path: Path) -> None:
    f = tmp_path / "bao-cao.xlsx"
    f.write_bytes(b"workbook")
    item = svc.outbox.enqueue(f, kind="weekly", period_key="2026-W10", office_id=OFFICE)
    assert item.size == 8 and len(item.sha256) == 64
    with pytest.raises(ValidationError) as e:
        svc.outbox.enqueue(b"", kind="Tuần", period_key="2026 W10", office_id="")
    assert set(e.value.field_messages()) == {"kind", "period_key", "office_id", "file"}


def test_folder_destination_and_restart(data_dir: Path, clock: FixedClock, tmp_path: Path) -> None:
    target = tmp_path / "chia-se"
    store = InMemoryStore()
    svc = open_test_services(AppPaths(data_dir), clock, seed=False, credentials=store)
    svc.outbox.save_destination(_folder_dest(target))
    item = svc.outbox.enqueue(b"tuan 9", kind="weekly", period_key="2026-W09", office_id=OFFICE)
    [result] = svc.outbox.send_due()  # the share is offline (the folder does not exist)
    assert result.state is OutboxState.WAITING and "Không mở được thư mục" in result.message
    svc.close()

    clock.set(clock.now() + timedelta(days=3))  # days offline, the PC restarted
    target.mkdir()
    svc = open_test_services(AppPaths(data_dir), clock, seed=False, credentials=store)
    try:
        assert svc.outbox.get(item.id).attempts == 1
        assert svc.outbox.send_due()[0].sent
        assert [p.name for p in target.iterdir()] == [item.file_name]  # no temporary file left
        assert (target / item.file_name).read_bytes() == b"tuan 9"
        with pytest.raises(ConflictError):
            svc.outbox.retry(item.id)
    finally:
        svc.close()


def test_folder_with_a_foreign_file_of_the_same_name(svc: Services, tmp_path: Path) -> None:
    svc.outbox.save_destination(_folder_dest(tmp_path))
    item = svc.outbox.enqueue(b"ours", kind="weekly", period_key="2026-W09", office_id=OFFICE)
    (tmp_path / item.file_name).write_bytes(b"someone else's")
    [result] = svc.outbox.send_due()
    assert result.state is OutboxState.FAILED and "nội dung khác" in result.message
    (tmp_path / item.file_name).write_bytes(b"ours")  # the same file, copied by hand
    svc.outbox.retry(item.id)
    [result] = svc.outbox.send_due()
    assert result.sent and "Đã có sẵn" in result.reply


def test_https_post_with_idempotency_key(
    svc: Services, clock: FixedClock, post_server: PostServer
) -> None:
    dest = Destination(DestinationKind.HTTPS_POST, url=post_server.url, bearer=True, timeout=1.0)
    svc.outbox.save_destination(dest, "token-tinh")
    item = svc.outbox.enqueue(b"tuan 9", kind="weekly", period_key="2026-W09", office_id=OFFICE)
    assert svc.outbox.test_destination().status == 204
    post_server.mode = "500"
    [result] = svc.outbox.send_due()
    assert result.state is OutboxState.WAITING and "mã 500" in result.message
    post_server.mode = None
    clock.set(clock.now() + timedelta(minutes=5))
    [result] = svc.outbox.send_due()
    assert result.sent and svc.outbox.get(item.id).server_reply == "201 Created đã nhận"
    body = post_server.uploads[item.message_id]
    assert b'name="period"\r\n\r\n2026-W09' in body and b"tuan 9" in body
    assert len(post_server.uploads) == 1


def test_https_required_except_on_this_machine() -> None:
    from tthc_desk.sync import destinations

    with pytest.raises(ValidationError) as e:
        destinations.validate(Destination(DestinationKind.WEBDAV, url="http://tinh.gov.vn/dav/"))
    assert "https://" in e.value.field_messages()["url"]
    destinations.validate(Destination(DestinationKind.WEBDAV, url="http://localhost:8080/dav/"))
    destinations.validate(
        Destination(DestinationKind.WEBDAV, url="http://10.0.0.5/dav/", allow_http=True)
    )
    with pytest.raises(ValidationError) as e:
        destinations.validate(
            Destination(DestinationKind.SMTP, smtp_port=0, from_addr="x", to_addrs=("y@",))
        )
    assert set(e.value.field_messages()) == {"smtp_host", "smtp_port", "from_addr", "to_addrs"}


def test_no_keyring_asks_at_each_upload_and_stores_nothing(
    data_dir: Path, clock: FixedClock, post_server: PostServer
) -> None:
    store = InMemoryStore(available=False)
    svc = open_test_services(AppPaths(data_dir), clock, seed=False, credentials=store)
    try:
        dest = Destination(
            DestinationKind.HTTPS_POST, url=post_server.url, bearer=True, timeout=1.0
        )
        with pytest.raises(CredentialError) as e:
            svc.outbox.save_destination(dest, "token-tinh")
        assert "keyring" in e.value.message and svc.outbox.destination() is None  # nothing saved
        svc.outbox.save_destination(dest)
        svc.outbox.enqueue(b"tuan 9", kind="weekly", period_key="2026-W09", office_id=OFFICE)
        with pytest.raises(CredentialError):
            svc.outbox.send_due()  # no secret and nobody to ask: nothing is tried
        assert svc.outbox.items()[0].attempts == 0
        asked: list[str] = []

        def prompt(d: Destination) -> str:
            asked.append(d.name)
            return "token-tinh"

        assert svc.outbox.send_due(secret_prompt=prompt)[0].sent
        assert asked == ["Cấp tỉnh"] and upload_secrets(store) == {}
        settings_text = str(svc.settings.get_value("upload_destination"))
        assert "token-tinh" not in settings_text
    finally:
        svc.close()


def test_secret_goes_to_the_keyring_only(
    svc: Services, keyring_store: InMemoryStore, data_dir: Path
) -> None:
    dest = svc.outbox.save_destination(
        Destination(
            DestinationKind.WEBDAV, url="https://dav.bacninh.gov.vn/xa/", username="motcua"
        ),
        "bí-mật",
    )
    secrets = upload_secrets(keyring_store)
    assert secrets == {dest.secret_key: "bí-mật"}
    assert dest.secret_key == "webdav:motcua@dav.bacninh.gov.vn"
    db_bytes = b"".join(p.read_bytes() for p in data_dir.glob("tthc-desk.db*"))
    assert "bí-mật".encode() not in db_bytes


def test_keyring_store_without_backend_says_so() -> None:
    from tthc_desk.sync.credentials import KeyringStore

    store = KeyringStore()  # the test session runs keyring's null backend
    assert store.available is False and "keyring" in store.unavailable_reason
    assert store.get("x") is None
    with pytest.raises(CredentialError):
        store.set("x", "y")


def test_keyring_store_with_a_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    import keyring
    from keyring.backend import KeyringBackend

    from tthc_desk.sync.credentials import KeyringStore

    class Memory(KeyringBackend):
        priority = 1  # type: ignore[assignment]
        data: ClassVar[dict[tuple[str, str], str]] = {}

        def get_password(self, service: str, username: str) -> str | None:
            return self.data.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            self.data[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            self.data.pop((service, username), None)

    previous = keyring.get_keyring()
    keyring.set_keyring(Memory())
    try:
        store = KeyringStore()
        assert store.available
        store.set("webdav:a@b", "pw")
        assert (
            Memory.data == {("TTHC Desk", "webdav:a@b"): "pw"} and store.get("webdav:a@b") == "pw"
        )
        store.delete("webdav:a@b")
        assert store.get("webdav:a@b") is None
    finally:
        keyring.set_keyring(previous)
