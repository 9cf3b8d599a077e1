"""*Hệ thống → Kết nối máy chủ…* and losing the server while the window is open (issue 12),
driven as an administrator and a clerk would, against real PostgreSQL servers."""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import text
from sqlalchemy.engine import make_url

from tests.conftest import TEST_PASSWORD, make_draft, open_test_services
from tests.pg import Cluster
from tests.server_support import CommitCutter, own_cluster
from tests.ui.keys import type_text
from tests.ui.test_intake_page import fill_applicant, pick_procedure
from tthc_desk.db.engine import SCHEMA_HEAD
from tthc_desk.domain.clock import FixedClock
from tthc_desk.domain.server import ServerConnection
from tthc_desk.paths import ENV_DATABASE_URL, AppPaths
from tthc_desk.services.container import Services
from tthc_desk.ui.errors import ErrorDialog
from tthc_desk.ui.main_window import MainWindow
from tthc_desk.ui.server_dialog import ServerDialog
from tthc_desk.ui.tasks import TaskRunner

NAME = "Nguyễn Thị Hồng Nhung"


def window_of(qtbot, services: Services, username: str) -> MainWindow:  # type: ignore[no-untyped-def]
    services.accounts.login(username, TEST_PASSWORD)
    window = MainWindow(services, TaskRunner(synchronous=True))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_only_the_administrator_may_change_the_server(qtbot, services: Services) -> None:  # type: ignore[no-untyped-def]
    window = window_of(qtbot, services, "cuong")
    assert not window.server_action.isEnabled()
    assert window.server_action.toolTip() == "Chỉ Quản trị được đổi kết nối máy chủ cơ sở dữ liệu"
    assert window.open_server() is None
    window.close()
    admin = window_of(qtbot, services, "quantri")
    assert admin.server_action.isEnabled() and admin.server_action.text() == "Kết nối máy chủ…"
    dialog = admin.open_server()
    assert isinstance(dialog, ServerDialog) and dialog.isVisible()
    # Nothing set yet: this PC's own database, the server's fields greyed.
    assert dialog.local_radio.isChecked() and not dialog.server_box.isEnabled()
    dialog.server_radio.setChecked(True)
    dialog.test_button.click()  # nothing typed: the fields say what is missing
    assert "Chưa nhập địa chỉ máy chủ" in dialog.errors.message("host")
    assert dialog.errors.message("database") == "Chưa nhập tên cơ sở dữ liệu."


def _fill(dialog: ServerDialog, url: str, password: str, database: str | None = None) -> None:
    u = make_url(url)
    dialog.server_radio.setChecked(True)
    for edit, value in (
        (dialog.host_edit, str(u.host)),
        (dialog.database_edit, database or str(u.database)),
        (dialog.user_edit, str(u.username)),
        (dialog.password_edit, password),
    ):
        edit.clear()
        type_text(edit, value)
    dialog.port_spin.setValue(int(u.port or 5432))


@pytest.mark.postgresql_only
def test_check_and_save_the_office_server(  # type: ignore[no-untyped-def]
    qtbot, services: Services, pg_cluster: Cluster, database_url: str
) -> None:
    name = str(make_url(database_url).database)
    password = str(make_url(database_url).password)
    window = window_of(qtbot, services, "quantri")
    dialog = window.open_server()
    assert isinstance(dialog, ServerDialog)
    # The harness's variable comes first: said, without its password.
    assert dialog.env_label.isVisible() and password not in dialog.env_label.text()

    _fill(dialog, database_url, "sai-mat-khau")
    dialog.test_button.click()
    assert "từ chối đăng nhập: sai mật khẩu" in dialog.result_label.text()
    assert "c62828" in dialog.result_label.styleSheet()  # red

    _fill(dialog, database_url, password)
    dialog.test_button.click()
    said = dialog.result_label.text()
    assert (
        said.startswith("Kết nối được: PostgreSQL 15")
        and f"phiên bản dữ liệu {SCHEMA_HEAD}" in said
    )
    assert said.endswith("1 quầy đang kết nối.")  # this PC: its window and its check
    assert not dialog.copy_label.isVisible()

    dialog.save_button.click()
    assert not dialog.isVisible()
    box = window.server_box
    assert isinstance(box, QMessageBox) and box.isVisible()
    assert "phần mềm cần mở lại để dùng máy chủ" in box.text()
    box.reject()
    kept = services.folder.server()
    assert kept is not None and kept.database == name and kept.port == pg_cluster.port
    assert services.folder.server_password(kept) == password
    assert password not in services.folder.state_file.read_text(encoding="utf-8")

    # Opened again: the setting shows, the password is kept unless a new one is typed.
    again = window.open_server()
    assert isinstance(again, ServerDialog)
    assert again.server_radio.isChecked() and again.database_edit.text() == name
    assert again.password_edit.placeholderText() == "để trống: giữ mật khẩu đã lưu"
    again.local_radio.setChecked(True)
    again.save_button.click()
    assert "dùng cơ sở dữ liệu riêng trên máy này" in window.server_box.text()
    assert services.folder.server() is None and services.folder.server_password(kept) is None


@pytest.mark.postgresql_only
def test_an_office_with_data_moving_to_an_empty_server_is_shown_the_copy_command(  # type: ignore[no-untyped-def]
    qtbot, services: Services, pg_cluster: Cluster, database_url: str
) -> None:
    services.dossiers.receive(make_draft())
    empty = pg_cluster.create_database()
    try:
        window = window_of(qtbot, services, "quantri")
        dialog = window.open_server()
        assert isinstance(dialog, ServerDialog)
        _fill(dialog, database_url, str(make_url(database_url).password), database=empty)
        dialog.test_button.click()
        assert "Máy chủ chưa có dữ liệu" in dialog.result_label.text()
        assert dialog.copy_label.isVisible()
        assert (
            f"tthc-desk db copy --to postgresql://postgres@127.0.0.1:{pg_cluster.port}/{empty}"
            in dialog.copy_label.text()
        )
        dialog.reject()
    finally:
        pg_cluster.drop_database(empty)


@pytest.mark.postgresql_only
def test_a_server_not_answering_is_kept_only_when_asked(  # type: ignore[no-untyped-def]
    qtbot, services: Services, database_url: str
) -> None:
    window = window_of(qtbot, services, "quantri")
    dialog = window.open_server()
    assert isinstance(dialog, ServerDialog)
    _fill(dialog, database_url, "sai-mat-khau")
    dialog.save_button.click()
    box = dialog.keep_box
    assert isinstance(box, QMessageBox) and box.isVisible()
    assert services.folder.server() is None  # asked first
    keep = next(b for b in box.buttons() if b.text() == "Vẫn lưu")
    keep.click()
    assert services.folder.server() is not None and not dialog.isVisible()


# -- losing the server ------------------------------------------------------------------------


def _count(url: str) -> int:
    from tthc_desk.db.engine import Database

    db = Database(url)
    try:
        with db.session() as s:
            return int(s.execute(text("SELECT count(*) FROM dossiers")).scalar_one())
    finally:
        db.dispose()


@pytest.mark.postgresql_only
def test_the_server_lost_and_back_the_form_kept_and_saved_once(  # type: ignore[no-untyped-def]
    qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with own_cluster() as cluster:
        url = cluster.url(cluster.create_database())
        monkeypatch.setenv(ENV_DATABASE_URL, url)
        services = open_test_services(
            AppPaths(tmp_path / "data"), FixedClock(datetime(2026, 3, 2, 8))
        )
        try:
            _lose_and_come_back(qtbot, services, cluster, url)
        finally:
            services.close()


def _lose_and_come_back(qtbot, services: Services, cluster: Cluster, url: str) -> None:  # type: ignore[no-untyped-def]
    window = window_of(qtbot, services, "binh")
    window.server_monitor.retry_ms = 100
    window.server_monitor.heartbeat_ms = 100
    page = window.intake
    page.print_after_save = False
    pick_procedure(qtbot, page, "khai sinh")
    fill_applicant(page, NAME, "001190012345", "0912345678")

    # The server goes away while nobody clicks: the red line says so within moments.
    window.server_monitor.start()
    cluster.stop()
    qtbot.waitUntil(window.server_banner.isVisible, timeout=10_000)
    banner = window.server_banner.text_label.text()
    assert banner.startswith("Mất kết nối tới máy chủ cơ sở dữ liệu — đang thử lại")
    assert "hồ sơ đang nhập vẫn được giữ" in banner and "không nhận kết nối" in banner
    # Work of its own meanwhile (the counts) fails quietly: the red line already says why.
    window.refresh_counts()
    assert window.statusBar().currentMessage().startswith("Chưa làm được: mất kết nối")
    assert not [d for d in window.findChildren(ErrorDialog) if d.isVisible()]

    # A save while it is away: refused at once, nothing saved, the form as typed.
    started = time.monotonic()
    page.save_button.click()
    assert time.monotonic() - started < 1.0
    assert page.banner.isVisible() and page.banner.text().startswith("CHƯA LƯU được hồ sơ")
    assert page.applicant.full_name.text() == NAME and page.picker.code() == "1.001193"
    assert page.last_dossier is None and page.save_button.isEnabled()

    # The server comes back: the red line goes, the form says to save again.
    cluster.start_again()
    qtbot.waitUntil(lambda: not window.server_banner.isVisible(), timeout=15_000)
    assert page.banner.text().startswith("Đã kết nối lại máy chủ. Hồ sơ đang nhập CHƯA được lưu")
    assert page.applicant.full_name.text() == NAME
    assert _count(url) == 0

    page.save_button.click()
    saved = page.last_dossier
    assert saved is not None and saved.applicant.full_name == NAME
    assert page.success.isVisible() and not page.banner.isVisible()
    assert _count(url) == 1
    window.close()


@pytest.mark.postgresql_only
def test_a_save_whose_answer_was_lost_is_found_not_made_again(  # type: ignore[no-untyped-def]
    qtbot, tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    cutter = CommitCutter(int(make_url(database_url).port or 5432))
    behind = make_url(database_url).set(port=cutter.port).render_as_string(hide_password=False)
    monkeypatch.setenv(ENV_DATABASE_URL, behind)
    clock = FixedClock(datetime(2026, 3, 2, 8))
    services = open_test_services(AppPaths(tmp_path / "data"), clock)
    try:
        window = window_of(qtbot, services, "binh")
        window.server_monitor.retry_ms = 100
        page = window.intake
        page.print_after_save = False
        pick_procedure(qtbot, page, "khai sinh")
        fill_applicant(page, NAME, "001190012345")
        cutter.arm()  # the server commits, its answer is lost
        page.save_button.click()
        assert cutter.cut.is_set() and _count(database_url) == 1
        assert page.banner.text().startswith("CHƯA LƯU được hồ sơ")
        assert "không bao giờ lưu một hồ sơ hai lần" in page.banner.text()
        assert page.applicant.full_name.text() == NAME and page.last_dossier is None
        qtbot.waitUntil(lambda: not window.server_banner.isVisible(), timeout=10_000)

        page.save_button.click()  # asks the server first: it had saved it
        saved = page.last_dossier
        assert saved is not None and _count(database_url) == 1
        box = page.settled_box
        assert isinstance(box, QMessageBox) and box.isVisible()
        assert box.text().startswith(f"Hồ sơ {saved.code} đã được lưu ở lần bấm Lưu trước")
        assert page.applicant.is_empty()  # the next citizen's form
        window.close()
    finally:
        services.close()
        cutter.close()


@pytest.mark.postgresql_only
def test_the_start_says_why_the_server_cannot_be_used_and_tries_again(  # type: ignore[no-untyped-def]
    qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tthc_desk.services.container import open_services
    from tthc_desk.services.data_folder import DataFolder
    from tthc_desk.services.keys import KeyVault
    from tthc_desk.sync.credentials import KeyringStore
    from tthc_desk.ui import app

    monkeypatch.delenv(ENV_DATABASE_URL)
    paths = AppPaths(tmp_path / "quay")
    clock = FixedClock(datetime(2026, 3, 2, 8))
    with own_cluster() as cluster:
        url = make_url(cluster.url(cluster.create_database()))
        DataFolder(paths, KeyVault(KeyringStore())).set_server(
            ServerConnection(str(url.host), str(url.database), "postgres", int(url.port or 0)),
            str(url.password),
        )
        open_test_services(paths, clock).close()
        cluster.stop()
        shown: list[str] = []
        pressed = iter(["Kết nối máy chủ…", "Thử lại", "Thử lại"])
        configured: list[bool] = []

        def press(box: QMessageBox) -> int:
            shown.append(box.text())
            text = next(pressed)
            if text == "Thử lại" and len(shown) == 3:
                cluster.start_again()
            [button] = [b for b in box.buttons() if b.text() == text]
            button.click()
            return 0

        monkeypatch.setattr(QMessageBox, "exec", press)
        services = app.open_office(
            lambda key: open_services(paths, clock, recovery_key=key),
            configure_server=lambda: configured.append(True),
        )
        assert services is not None and configured == [True] and len(shown) == 3
        try:
            assert all("không nhận kết nối ở cổng" in m for m in shown)
            assert services.settings.is_set_up()
        finally:
            services.close()
        cluster.stop()
        monkeypatch.setattr(
            QMessageBox,
            "exec",
            lambda box: box.button(QMessageBox.StandardButton.Close).click() or 0,
        )
        assert app.open_office(lambda key: open_services(paths, clock)) is None
