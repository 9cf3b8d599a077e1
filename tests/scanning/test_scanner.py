"""Scanners: SANE's ``test`` device through scanimage (when installed), the parsing of its
options, the fake used by the UI tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PIL import Image

from tthc_desk.domain.errors import ScanError
from tthc_desk.scanning import scanner
from tthc_desk.scanning.compose import compose_files
from tthc_desk.scanning.pages import expand
from tthc_desk.scanning.scanner import (
    FakeScanner,
    SaneScanner,
    ScannerDevice,
    sane_grey_mode,
    sane_uses_feeder,
)

needs_sane = pytest.mark.skipif(shutil.which("scanimage") is None, reason="needs sane-utils")

TEST_OPTIONS = """
Options specific to device `test:0':
  Scan Mode:
    --mode Gray|Color [Gray]
        Selects the scan mode (e.g., lineart, monochrome, or color).
    --source Flatbed|Automatic Document Feeder [Flatbed]
        If Automatic Document Feeder is selected, the feeder will be 'empty'
"""


@pytest.fixture
def sane_test_backend(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """SANE's ``test`` backend enabled (Debian leaves it commented out in dll.conf)."""
    config = tmp_path / "sane.d"
    config.mkdir()
    (config / "dll.conf").write_text("test\n", encoding="utf-8")
    monkeypatch.setenv("SANE_CONFIG_DIR", str(config))


@needs_sane
@pytest.mark.usefixtures("sane_test_backend")
def test_sane_lists_the_test_devices() -> None:
    devices = SaneScanner().devices()
    assert ScannerDevice("test:0", "Noname frontend-tester virtual device") in devices


@needs_sane
@pytest.mark.usefixtures("sane_test_backend")
def test_sane_scans_one_page_from_the_flatbed(tmp_path: Path) -> None:
    folder = tmp_path / "quet"
    folder.mkdir()
    pages = SaneScanner().scan("test:0", dpi=100, folder=folder)
    assert len(pages) == 1  # a flatbed: once, not again and again
    with Image.open(pages[0]) as image:
        assert image.mode == "L"
        assert image.info["dpi"][0] == pytest.approx(100)
    pdf = compose_files(pages)
    assert pdf.pages == 1
    assert len(expand(pages)) == 1


@needs_sane
@pytest.mark.usefixtures("sane_test_backend")
def test_sane_reports_an_unknown_device_in_vietnamese(tmp_path: Path) -> None:
    folder = tmp_path / "quet"
    folder.mkdir()
    with pytest.raises(ScanError) as caught:
        SaneScanner().scan("khong-co:0", folder=folder)
    assert caught.value.message.startswith("Máy quét “khong-co:0” không quét được")
    assert "Hãy kiểm tra máy quét đã bật" in caught.value.message
    assert list(folder.iterdir()) == []


def test_sane_missing_command_is_a_scan_error(tmp_path: Path) -> None:
    with pytest.raises(ScanError) as caught:
        SaneScanner(command=str(tmp_path / "scanimage")).devices()
    assert "sane-utils" in caught.value.message


def test_sane_option_parsing() -> None:
    assert sane_grey_mode(TEST_OPTIONS) == "Gray"
    assert sane_grey_mode("    --mode Lineart|True Gray|24bit Color [24bit Color]\n") == "True Gray"
    assert sane_grey_mode("") == "Gray"
    assert not sane_uses_feeder(TEST_OPTIONS)
    assert sane_uses_feeder(TEST_OPTIONS.replace("[Flatbed]", "[Automatic Document Feeder]"))
    assert sane_uses_feeder("    --source Flatbed|ADF Duplex [ADF Duplex]\n")
    assert not sane_uses_feeder("    --mode Gray [Gray]\n")


def test_the_fake_scanner_writes_real_pages(tmp_path: Path) -> None:
    fake = FakeScanner(pages=2)
    (device,) = fake.devices()
    pages = fake.scan(device.name, dpi=50, folder=tmp_path)
    assert len(pages) == 2
    assert all(p.parent == tmp_path and p.suffix == ".tif" for p in pages)
    assert compose_files(pages).pages == 2
    assert fake.calls == [(device.name, 50, tmp_path)]
    again = fake.scan(device.name, dpi=50, folder=tmp_path)
    assert set(again).isdisjoint(pages)


def test_the_fake_scanner_fails_as_told(tmp_path: Path) -> None:
    with pytest.raises(ScanError, match="Kẹt giấy"):
        FakeScanner(error="Kẹt giấy.").scan("fake:0", folder=tmp_path)
    with pytest.raises(ScanError, match="Không thấy máy quét"):
        FakeScanner().scan("khac:0", folder=tmp_path)


def test_system_scanner_on_this_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scanner.sys, "platform", "linux")
    monkeypatch.setattr(scanner.shutil, "which", lambda name: None)
    assert scanner.system_scanner() is None
    monkeypatch.setattr(scanner.shutil, "which", lambda name: "/usr/bin/scanimage")
    assert isinstance(scanner.system_scanner(), SaneScanner)


def test_no_wia_without_pywin32(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scanner.sys, "platform", "win32")

    def missing(name: str) -> None:
        raise ImportError(name)

    monkeypatch.setattr(scanner.importlib, "import_module", missing)
    assert scanner.system_scanner() is None
