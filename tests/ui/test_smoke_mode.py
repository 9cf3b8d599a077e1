"""The hidden smoke mode of the frozen build (``TTHC_DESK_SMOKE=out.json``), run from the source
tree: the same steps the Windows bundle takes in CI (installer/build_and_smoke.py), and its
failures when a shipped file is missing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from tthc_desk import __main__ as entry
from tthc_desk.resources import resources_root
from tthc_desk.ui import smoke

# The frozen build's check runs on a new data folder's own (encrypted) SQLite file, as a new
# office starts; it never reads TTHC_DESK_DATABASE_URL's server.
pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def smoke_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    data, out = tmp_path / "data", tmp_path / "out" / "smoke.json"
    monkeypatch.setenv("TTHC_DESK_DATA_DIR", str(data))
    monkeypatch.setenv("TTHC_DESK_SMOKE", str(out))
    return data, out


@pytest.mark.slow
def test_the_smoke_mode_sets_up_receives_prints_and_reports(
    qtbot: QtBot, smoke_dirs: tuple[Path, Path]
) -> None:
    data, out = smoke_dirs
    assert entry.main([]) == 0  # the entry point of the frozen build, no command

    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["ok"] is True and "error" not in result
    assert result["bundle"]["frozen"] is False and result["bundle"]["missing"] == []
    assert result["bundle"]["platform"] == "offscreen"
    assert result["bundle"]["modules"]["keyring.backends.Windows"] == "ok"
    assert result["bundle"]["modules"]["sqlcipher3._sqlite3"] == "ok"
    assert result["setup"]["encrypted"] is True
    assert not (data / "tthc-desk.db").read_bytes().startswith(b"SQLite format 3")
    assert result["intake"]["code"] == "000.17.22.H56-260302-0001"
    assert result["intake"]["holidays"] > 0
    assert result["receipt"]["pages"] >= 1 and result["receipt"]["fonts_embedded"] is True
    assert result["scans"]["pages"] == 4  # a scanner's TIFF, JPEG, PNG and PDF as one paper
    page = QImage(str(out.parent / "receipt-page-1.png"))
    assert not page.isNull() and page.height() > page.width()  # an A4 page, upright
    assert result["main_window"]["size"] == [1366, 768]
    book = load_workbook(result["weekly"]["file"], read_only=True)
    assert book.sheetnames == result["weekly"]["sheets"] and len(book.sheetnames) == 7
    assert result["weekly"]["received"] == 1
    # The dashboard (F5): its figures count the dossier and its Qt Charts trend was drawn.
    assert result["dashboard"]["received"] == 1 and result["dashboard"]["series"] == 1
    assert result["dashboard"]["colours"] >= 8
    assert result["bundle"]["modules"]["PySide6.QtCharts"] == "ok"
    worker = result["weekly_worker"]  # built by a child process, as the window has it built
    assert worker["queued"] == "000.17.22.H56_tuan_2026-W09.xlsx" and worker["pid"] > 0


def test_a_missing_font_fails_the_smoke_and_says_which(
    qtbot: QtBot,
    smoke_dirs: tuple[Path, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    data, out = smoke_dirs
    shipped = tmp_path / "resources"
    shutil.copytree(resources_root(), shipped)
    (shipped / "fonts" / "LiberationSerif-Bold.ttf").unlink()
    monkeypatch.setattr(smoke, "resources_root", lambda: shipped)

    assert entry.main([]) == 2
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["ok"] is False
    assert result["bundle"]["missing"] == ["resources/fonts/LiberationSerif-Bold.ttf"]
    assert "resources/fonts/LiberationSerif-Bold.ttf" in result["error"]
    assert "smoke test FAILED" in capsys.readouterr().err
    assert not data.exists()  # stopped before the data folder was opened


def test_the_bundle_is_checked_against_its_manifest(tmp_path: Path) -> None:
    bundle = tmp_path / "_internal"
    shutil.copytree(resources_root(), bundle / "resources")
    (bundle / "tthc_desk" / "db" / "migrations").mkdir(parents=True)
    (bundle / "tthc_desk" / "db" / "migrations" / "env.py").write_text("")
    # No manifest: the build did not go through the spec.
    assert smoke.missing_files(bundle, bundle / "resources") == [smoke.MANIFEST]
    listed = [
        "resources/fonts/LiberationSerif-Regular.ttf",
        "resources/translations/khong-co.qm",
        "tthc_desk/db/migrations/env.py",
        "tthc_desk/db/migrations/versions/0001_initial.py",
    ]
    (bundle / smoke.MANIFEST).write_text(json.dumps({"files": listed}), encoding="utf-8")
    assert smoke.missing_files(bundle, bundle / "resources") == [
        "resources/translations/khong-co.qm",
        "tthc_desk/db/migrations/versions/0001_initial.py",
    ]


def test_the_smoke_never_runs_on_a_data_folder_in_use(
    qtbot: QtBot, smoke_dirs: tuple[Path, Path]
) -> None:
    data, out = smoke_dirs
    data.mkdir()
    (data / "tthc-desk.db").write_bytes(b"an office's data")
    assert entry.main([]) == 2
    result = json.loads(out.read_text(encoding="utf-8"))
    assert "is not empty" in result["error"]
    assert (data / "tthc-desk.db").read_bytes() == b"an office's data"
    assert sorted(p.name for p in data.iterdir()) == ["tthc-desk.db"]
