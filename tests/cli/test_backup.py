"""``tthc-desk backup [--to DIR]``, ``backup list``, ``backup verify FILE`` and ``tthc-desk restore
FILE [--yes] [--recovery-key-file F]`` exactly as the README writes them."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.cli.test_cli import Cli, assert_one_line_error
from tests.conftest import TEST_PASSWORD
from tthc_desk.domain.recovery_key import format_key
from tthc_desk.paths import AppPaths
from tthc_desk.services.data_folder import DataFolder
from tthc_desk.services.keys import KeyVault
from tthc_desk.sync.credentials import KeyringStore


@pytest.fixture
def run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(tmp_path / "data", capsys)


def _backup(run: Cli, *extra: str) -> Path:
    code, out, err = run("backup", *extra, user=None)
    assert code == 0, err
    path = Path(out.strip().splitlines()[-1])  # the verified backup is the last line
    assert path.is_file() and path.parent == AppPaths(run.data_dir).backup_dir
    return path


def test_backup_verify_list(run: Cli, tmp_path: Path) -> None:
    assert run.receive()[0] == 0
    usb = tmp_path / "usb"
    usb.mkdir()
    path = _backup(run, "--to", str(usb))
    assert (usb / path.name).is_file()
    code, out, err = run("backup", "verify", str(path))
    assert code == 0 and out.startswith("Bản sao lưu đạt kiểm tra"), err
    code, out, _ = run("backup", "list")
    assert code == 0
    line = out.splitlines()[0]
    assert re.fullmatch(
        r"\d\d/\d\d/\d{4} \d\d:\d\d\t[\d,]+ (KB|MB)\t1 hồ sơ\tđạt\t" + re.escape(str(path)), line
    ), line


def test_backup_to_a_missing_folder_is_refused(run: Cli, tmp_path: Path) -> None:
    code, out, err = run("backup", "--to", str(tmp_path / "khong-co"), user=None)
    assert "không tồn tại" in assert_one_line_error(code, out, err)


def test_verify_refuses_a_damaged_backup_with_a_reason(run: Cli, tmp_path: Path) -> None:
    path = _backup(run)
    data = bytearray(path.read_bytes())
    data[5000] ^= 0x01
    bad = tmp_path / "hong.db"
    bad.write_bytes(bytes(data))
    line = assert_one_line_error(*run("backup", "verify", str(bad)))
    assert "không đạt kiểm tra" in line and "hỏng" in line
    cut = tmp_path / "cut.db"
    cut.write_bytes(bytes(data[:3000]))
    assert "cắt cụt" in assert_one_line_error(*run("backup", "verify", str(cut)))


def test_rights(run: Cli) -> None:
    line = assert_one_line_error(
        *run("--user", "cuong", "--password-stdin", "backup", user=None, stdin=f"{TEST_PASSWORD}\n")
    )
    assert "Quản trị" in line
    path = _backup(run)
    line = assert_one_line_error(
        *run(
            "--user",
            "cuong",
            "--password-stdin",
            "restore",
            str(path),
            "--yes",
            user=None,
            stdin=f"{TEST_PASSWORD}\n",
        )
    )
    assert "Quản trị" in line


def test_restore_shows_what_will_be_lost_and_asks(run: Cli) -> None:
    path = _backup(run)
    code, out, _ = run.receive()
    assert code == 0
    late = out.strip().splitlines()[0].split()[0]
    argv = ["--user", "quantri", "--password-stdin", "restore", str(path)]
    code, out, err = run(*argv, user=None, stdin=f"{TEST_PASSWORD}\nn\n")
    assert code == 2 and "Chưa khôi phục" in err
    assert "Sẽ mất 1 hồ sơ" in out and late in out
    assert run.dossier_count() == 1
    code, out, err = run(*argv, user=None, stdin=f"{TEST_PASSWORD}\ny\n")
    assert code == 0, err
    assert out.strip().splitlines()[-1].startswith("Đã khôi phục dữ liệu từ")
    assert run.dossier_count() == 0


@pytest.mark.sqlite_only  # on a server the new PC reaches the key there; its loss is tested in
# tests/services/test_server_backup.py
def test_restore_onto_a_new_pc_with_the_recovery_key_file(
    run: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run.receive()[0] == 0
    path = _backup(run)
    key = DataFolder(AppPaths(run.data_dir), KeyVault(KeyringStore())).backup_keys()[0]
    assert key is not None
    sheet = tmp_path / "khoa.txt"
    sheet.write_text(f"Khóa khôi phục:\n{format_key(key)}\n", encoding="utf-8")
    usb = tmp_path / "usb"
    usb.mkdir()
    shutil.copy2(path, usb / path.name)
    monkeypatch.setenv("TTHC_DESK_KEY_DIR", str(tmp_path / "new-pc-keys"))
    new = Cli(tmp_path / "new-pc", run._capsys, office=None)
    argv = ["--user", "quantri", "--password-stdin", "restore", str(usb / path.name), "--yes"]
    line = assert_one_line_error(*new(*argv, user=None, stdin=f"{TEST_PASSWORD}\n"))
    assert "khóa" in line
    code, _, err = new(
        *argv, "--recovery-key-file", str(sheet), user=None, stdin=f"{TEST_PASSWORD}\n"
    )
    assert code == 0, err
    assert new.dossier_count() == 1


def test_settings_and_an_unreachable_destination(run: Cli, tmp_path: Path) -> None:
    usb = tmp_path / "usb-chua-cam"
    line = assert_one_line_error(
        *run("backup", "settings", "--destination", str(usb), user="cuong")
    )
    assert "Quản trị" in line
    code, out, err = run(
        "backup", "settings", "--destination", str(usb), "--daily-at", "16:30", user="quantri"
    )
    assert code == 0, err
    assert f"Nơi sao lưu thứ hai: {usb}" in out and "16:30" in out
    code, out, err = run("backup", user=None)
    assert code == 0 and "không chép được" in err and str(usb) in err
    assert Path(out.strip().splitlines()[-1]).is_file()
    code, out, err = run("backup", "settings", "--daily-at", "25:00", user="quantri")
    assert "HH:MM" in assert_one_line_error(code, out, err)


# About the SQLite file itself (its key, copies, damage): not run on PostgreSQL.
# Run on both engines: on a server office the same commands back up and restore the server.


@pytest.mark.sqlite_only  # the mirror beside the backups is a one-PC office's
def test_scans_in_a_backup_listed_checked_and_a_restore_that_would_lose_one(
    run: Cli, tmp_path: Path
) -> None:
    from tests.cli.test_scans import _pdf
    from tthc_desk.db.blobs import FOLDER

    code, out, _ = run.receive()
    dossier = out.strip()
    for n, label in ((1, "to khai"), (2, "giay chung sinh")):
        pdf = _pdf(tmp_path / f"{n}.pdf", label)
        assert run("attach", dossier, "--paper", str(n), str(pdf))[0] == 0
    path = _backup(run)
    code, out, err = run("backup", "list", user=None)
    assert code == 0 and "1 hồ sơ, 2 bản số hóa (" in out, err
    code, out, err = run("backup", "verify", str(path), user=None)
    assert code == 0 and "2 bản số hóa khớp mã băm SHA-256" in out, err
    mirror = [p for p in (path.parent / FOLDER).rglob("*") if p.is_file()]
    assert len(mirror) == 2
    for p in mirror:  # both gone from the backup, and from the office
        p.unlink()
    for p in (run.data_dir / FOLDER).rglob("*"):
        if p.is_file():
            p.unlink()
    code, out, err = run("backup", "verify", str(path), user=None)
    assert code == 2
    lines = err.splitlines()
    assert "thiếu hoặc hỏng bản số hóa (và 1 bản khác)" in lines[0]
    assert len(lines) == 3 and all(f"Hồ sơ {dossier}, giấy tờ số" in ln for ln in lines[1:])
    code, out, err = run("backup", "list", user=None)
    assert "KHÔNG ĐẠT" in out  # the backup is marked as failing
    argv = ["--user", "quantri", "--password-stdin", "restore", str(path), "--yes"]
    code, out, err = run(*argv, user=None, stdin=f"{TEST_PASSWORD}\n")
    assert code == 2 and "--accept-missing-scans" in err and "Chưa khôi phục" in err
    assert "Không mất hồ sơ nào" in out  # what the restore would do was shown first
    code, out, err = run(*argv, "--accept-missing-scans", user=None, stdin=f"{TEST_PASSWORD}\n")
    assert code == 0, err
    assert "2 bản số hóa của bản sao lưu này bị thiếu hoặc hỏng" in out
