"""The upload queue page and the destination dialog, driven as an administrator would."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from tests.conftest import open_test_services, upload_secrets
from tests.sync.servers import PASSWORD, USER, WebDavServer
from tthc_desk.domain.clock import FixedClock
from tthc_desk.domain.destinations import Destination, DestinationKind
from tthc_desk.domain.outbox import OutboxState
from tthc_desk.paths import AppPaths
from tthc_desk.services.container import Services
from tthc_desk.sync.credentials import InMemoryStore
from tthc_desk.ui.destination_dialog import DestinationDialog
from tthc_desk.ui.outbox_page import OutboxPage
from tthc_desk.ui.tasks import TaskRunner

OFFICE = "000.17.22.H56"


@pytest.fixture
def store() -> InMemoryStore:
    return InMemoryStore()


@pytest.fixture
def svc(data_dir: Path, clock: FixedClock, store: InMemoryStore) -> Iterator[Services]:
    services = open_test_services(AppPaths(data_dir), clock, seed=False, credentials=store)
    yield services
    services.close()


@pytest.fixture
def webdav(tmp_path: Path) -> Iterator[WebDavServer]:
    server = WebDavServer(tmp_path / "dav")
    (server.root / "bao-cao").mkdir()
    yield server
    server.stop()


def _page(qtbot, svc: Services) -> OutboxPage:  # type: ignore[no-untyped-def]
    runner = TaskRunner(synchronous=True)
    page = OutboxPage(svc, runner)
    page._test_runner = runner  # type: ignore[attr-defined]  # keep the runner alive with the page
    qtbot.addWidget(page)
    return page


def test_model_passes_qtmodeltester(qtbot, qtmodeltester, svc: Services) -> None:  # type: ignore[no-untyped-def]
    svc.outbox.enqueue(b"a", kind="weekly", period_key="2026-W09", office_id=OFFICE)
    svc.outbox.enqueue(b"b", kind="weekly", period_key="2026-W09", office_id=OFFICE)
    page = _page(qtbot, svc)
    assert page.model.rowCount() == 2
    qtmodeltester.check(page.model)
    assert page.model.index(0, 2).data() == f"lần 2, thay thế {OFFICE}_tuan_2026-W09.xlsx"
    assert page.model.index(0, 3).data() == "Đang chờ gửi"


def test_send_now_to_a_folder_and_open_the_file(qtbot, svc: Services, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    share = tmp_path / "share"
    share.mkdir()
    svc.outbox.save_destination(Destination(DestinationKind.FOLDER, folder=str(share)))
    svc.outbox.enqueue(b"tuan 9", kind="weekly", period_key="2026-W09", office_id=OFFICE)
    page = _page(qtbot, svc)
    assert str(share) in page.destination_label.text()
    with qtbot.waitSignal(page.upload_finished) as blocker:
        qtbot.mouseClick(page.send_button, Qt.MouseButton.LeftButton)
    assert [r.sent for r in blocker.args[0]] == [True]
    assert page.model.index(0, 3).data() == "Đã gửi"
    assert page.progress_label.text() == "Đã gửi 1/1 tệp."
    assert (share / f"{OFFICE}_tuan_2026-W09.xlsx").read_bytes() == b"tuan 9"
    opened = []
    page.open_url = opened.append
    page.table.selectRow(0)
    assert not page.retry_button.isEnabled() and page.open_button.isEnabled()
    qtbot.mouseClick(page.open_button, Qt.MouseButton.LeftButton)
    assert Path(opened[0].toLocalFile()).read_bytes() == b"tuan 9"


def test_failed_item_shows_the_reason_and_retries(
    qtbot,
    svc: Services,
    store: InMemoryStore,  # type: ignore[no-untyped-def]
    webdav: WebDavServer,
) -> None:
    dest = svc.outbox.save_destination(
        Destination(DestinationKind.WEBDAV, url=webdav.url, username=USER, timeout=1), "sai"
    )
    svc.outbox.enqueue(b"tuan 9", kind="weekly", period_key="2026-W09", office_id=OFFICE)
    page = _page(qtbot, svc)
    page.send_now()
    assert page.model.index(0, 3).data() == "Gửi không được – cần xử lý"
    assert page.model.index(0, 6).data().startswith("Máy chủ từ chối tên đăng nhập")
    assert "401" in page.model.index(0, 6).data(Qt.ItemDataRole.ToolTipRole)
    store.set(dest.secret_key, PASSWORD)
    page.table.selectRow(0)
    assert page.retry_button.isEnabled()
    with qtbot.waitSignal(page.outbox_changed):
        qtbot.mouseClick(page.retry_button, Qt.MouseButton.LeftButton)
    assert page.model.index(0, 3).data() == "Đang chờ gửi"
    page.send_now()
    assert page.model.index(0, 3).data() == "Đã gửi"
    assert "201" in page.model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert len(webdav.files()) == 1


def test_no_keyring_asks_on_the_gui_thread_before_sending(
    qtbot,
    data_dir: Path,
    clock: FixedClock,  # type: ignore[no-untyped-def]
    webdav: WebDavServer,
) -> None:
    store = InMemoryStore(available=False)
    svc = open_test_services(AppPaths(data_dir), clock, seed=False, credentials=store)
    try:
        svc.outbox.save_destination(
            Destination(DestinationKind.WEBDAV, url=webdav.url, username=USER, timeout=1)
        )
        svc.outbox.enqueue(b"tuan 9", kind="weekly", period_key="2026-W09", office_id=OFFICE)
        page = _page(qtbot, svc)
        page.secret_prompt = lambda dest: None  # the clerk cancels: nothing is tried
        page.send_now()
        assert svc.outbox.items()[0].attempts == 0
        page.secret_prompt = lambda dest: PASSWORD
        page.send_now()
        assert svc.outbox.items()[0].state is OutboxState.SENT and upload_secrets(store) == {}
    finally:
        svc.close()


def test_destination_dialog_fields_errors_test_and_save(
    qtbot,
    svc: Services,
    store: InMemoryStore,  # type: ignore[no-untyped-def]
    webdav: WebDavServer,
) -> None:
    dialog = DestinationDialog(svc)
    qtbot.addWidget(dialog)
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData(DestinationKind.SMTP.value))
    assert dialog.form.isRowVisible(dialog._rows["smtp_host"]) and not dialog.form.isRowVisible(
        dialog._rows["url"]
    )
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert "Chưa nhập máy chủ thư" in dialog.errors.message("smtp_host")
    assert svc.outbox.destination() is None

    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData(DestinationKind.WEBDAV.value))
    assert dialog.form.isRowVisible(dialog._rows["url"]) and not dialog.form.isRowVisible(
        dialog._rows["smtp_host"]
    )
    dialog.url_edit.setText(webdav.url)
    dialog.username_edit.setText(USER)
    dialog.password_edit.setText("sai")
    dialog.timeout_spin.setValue(2)
    dialog.test_connection()
    assert dialog.test_label.text().startswith("Máy chủ từ chối tên đăng nhập")
    dialog.password_edit.setText(PASSWORD)
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    assert dialog.test_label.text() == "Kết nối được: 207 Multi-Status"
    with qtbot.waitSignal(dialog.destination_saved) as blocker:
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    saved = blocker.args[0]
    assert saved.url == webdav.url and upload_secrets(store) == {saved.secret_key: PASSWORD}
    assert PASSWORD not in str(svc.settings.get_value("upload_destination"))

    again = DestinationDialog(svc)  # reopened: the saved values, never the password
    qtbot.addWidget(again)
    assert again.url_edit.text() == webdav.url and again.password_edit.text() == ""


def test_destination_dialog_without_keyring(qtbot, data_dir: Path, clock: FixedClock) -> None:  # type: ignore[no-untyped-def]
    svc = open_test_services(
        AppPaths(data_dir), clock, seed=False, credentials=InMemoryStore(available=False)
    )
    try:
        dialog = DestinationDialog(svc)
        qtbot.addWidget(dialog)
        assert not dialog.password_edit.isEnabled()
        assert "keyring" in dialog.keyring_note.text()
    finally:
        svc.close()


def test_send_now_on_a_worker_thread_reports_progress(qtbot, svc: Services, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    svc.outbox.save_destination(Destination(DestinationKind.FOLDER, folder=str(tmp_path)))
    for week in ("2026-W08", "2026-W09"):
        svc.outbox.enqueue(week.encode(), kind="weekly", period_key=week, office_id=OFFICE)
    runner = TaskRunner()  # a real worker: progress comes back through a queued signal
    page = OutboxPage(svc, runner)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=5000)
    seen: list[tuple[int, int]] = []
    page._relay.progressed.connect(lambda done, total: seen.append((done, total)))
    with qtbot.waitSignal(page.upload_finished, timeout=10_000):
        page.send_now()
    assert seen == [(0, 2), (1, 2), (2, 2)]
    qtbot.waitUntil(lambda: page.model.index(0, 3).data() == "Đã gửi", timeout=5000)
    runner.wait()
