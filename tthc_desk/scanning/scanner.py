"""A scanner attached to this PC, behind one small interface (:class:`Scanner`).

- Linux: SANE's ``scanimage`` (Debian package ``sane-utils``), which drives every scanner SANE
  supports, USB or network; pages are scanned in grey as TIFF files, all the pages in the feeder
  when the scanner's source is a feeder, one page from a flatbed (``--batch`` would otherwise
  scan the glass again and again).
- Windows: WIA through ``win32com`` (pywin32), offered only when it imports.
- Tests and the demo: :class:`FakeScanner`, which writes synthetic pages.

Most counters scan to a folder instead (:mod:`folder`): a scanner here is the exception.
Calls block (a feeder of 20 pages takes a minute): the UI runs them off the GUI thread.
"""

from __future__ import annotations

import importlib
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from tthc_desk.domain.errors import ScanError
from tthc_desk.scanning.synthetic import ScanKind, write_scan

DEFAULT_DPI = 200
#: A feeder holds at most this many sheets: a scanner that never says "empty" stops here.
MAX_PAGES = 200
CHECK_HINT = "Hãy kiểm tra máy quét đã bật, có giấy và nối với máy tính, rồi quét lại."
_DEVICE_LINE = re.compile(r"^device [`'](?P<name>[^']+)' is an? (?P<label>.+)$")
_FEEDER_WORDS = ("adf", "feeder", "automatic", "duplex")


@dataclass(frozen=True)
class ScannerDevice:
    """A scanner: the name the backend knows it by, and what people call it."""

    name: str
    label: str


class Scanner(Protocol):
    def devices(self) -> list[ScannerDevice]:
        """The scanners that can be used now (an empty list when none is on)."""
        ...

    def scan(self, device: str, *, dpi: int = DEFAULT_DPI, folder: Path) -> list[Path]:
        """Scan every page the device holds into ``folder``; the page files, in order."""
        ...


def _scan_prefix() -> str:
    """A file name prefix no earlier scan into the same folder used."""
    return f"quet-{time.strftime('%Y%m%d-%H%M%S')}-{time.monotonic_ns() % 1000000:06d}-"


class SaneScanner:
    """SANE's ``scanimage`` command (sane-utils)."""

    def __init__(self, command: str = "scanimage", *, timeout: float = 900.0) -> None:
        self.command = command
        self.timeout = timeout

    def devices(self) -> list[ScannerDevice]:
        listing = self._run(["-L"], timeout=120).stdout
        found = (_DEVICE_LINE.match(line.strip()) for line in listing.splitlines())
        return [ScannerDevice(m["name"], m["label"]) for m in found if m]

    def scan(self, device: str, *, dpi: int = DEFAULT_DPI, folder: Path) -> list[Path]:
        options = self._run(["-d", device, "-A"], timeout=120, device=device).stdout
        prefix = _scan_prefix()
        result = self._run(
            [
                "-d",
                device,
                "--format=tiff",
                f"--resolution={dpi}",
                "--mode",
                sane_grey_mode(options),
                f"--batch={Path(folder) / prefix}%03d.tif",
                f"--batch-count={MAX_PAGES if sane_uses_feeder(options) else 1}",
            ],
            timeout=self.timeout,
            device=device,
            check=False,
        )
        for part in Path(folder).glob(prefix + "*.part"):
            part.unlink(missing_ok=True)  # a page cut short by an error
        pages = sorted(Path(folder).glob(prefix + "*.tif"))
        if not pages:
            raise ScanError(_sane_failure(device, result.stderr))
        return pages

    def _run(
        self, args: list[str], *, timeout: float, device: str = "", check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        try:
            result = subprocess.run(
                [self.command, *args], capture_output=True, text=True, timeout=timeout
            )
        except FileNotFoundError as exc:
            raise ScanError(
                "Không tìm thấy chương trình quét “scanimage” (gói sane-utils): hãy nhờ người "
                "quản trị cài đặt, hoặc cho máy quét lưu vào thư mục máy quét."
            ) from exc
        except subprocess.TimeoutExpired as exc:
            raise ScanError(f"Máy quét {device or ''} không trả lời. {CHECK_HINT}") from exc
        if check and result.returncode != 0:
            raise ScanError(_sane_failure(device, result.stderr))
        return result


def sane_grey_mode(options: str) -> str:
    """The device's name for grey scanning ("Gray", "Grayscale", "True Gray" …) from ``-A``."""
    for choice in _option_choices(options, "--mode"):
        if "gray" in choice.lower() or "grey" in choice.lower():
            return choice
    return "Gray"


def sane_uses_feeder(options: str) -> bool:
    """Whether the device's current source (``-A``) is a document feeder."""
    match = re.search(r"^\s*--source\s.*\[(?P<current>[^\]]+)\]", options, re.MULTILINE)
    current = match["current"].lower() if match else ""
    return any(word in current for word in _FEEDER_WORDS)


def _option_choices(options: str, option: str) -> list[str]:
    match = re.search(rf"^\s*{re.escape(option)}\s+(?P<choices>[^\[\n]+)", options, re.MULTILINE)
    return [c.strip() for c in match["choices"].split("|")] if match else []


def _sane_failure(device: str, stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    detail = lines[-1] if lines else ""
    if "out of documents" in detail.lower() or "no more documents" in detail.lower():
        return "Khay nạp giấy của máy quét trống: hãy đặt giấy vào rồi quét lại."
    where = f"Máy quét “{device}”" if device else "Máy quét"
    return f"{where} không quét được ({detail or 'không rõ lý do'}). {CHECK_HINT}"


class WiaScanner:
    """Windows Image Acquisition through pywin32 (``win32com``); every page of the feeder, or
    one page from the glass, saved as TIFF. Offered only on Windows when pywin32 imports."""

    FORMAT_TIFF = "{B96B3CB1-0728-11D3-9D7B-0000F81EF32E}"
    INTENT, H_RES, V_RES = "6146", "6147", "6148"
    GREYSCALE_INTENT = 2
    HANDLING_SELECT = "3088"  # WIA_DPS_DOCUMENT_HANDLING_SELECT; bit 1: feeder
    SCANNER_TYPE = 1

    def __init__(self) -> None:
        self._client: Any = importlib.import_module("win32com.client")
        self._com: Any = importlib.import_module("pythoncom")

    def devices(self) -> list[ScannerDevice]:
        self._com.CoInitialize()  # the UI calls from a worker thread
        try:
            return [
                ScannerDevice(str(info.DeviceID), str(info.Properties("Name").Value))
                for info in self._manager().DeviceInfos
                if info.Type == self.SCANNER_TYPE
            ]
        finally:
            self._com.CoUninitialize()

    def scan(self, device: str, *, dpi: int = DEFAULT_DPI, folder: Path) -> list[Path]:
        self._com.CoInitialize()
        try:
            return self._scan(device, dpi, Path(folder))
        except self._com.com_error as exc:
            raise ScanError(f"Máy quét không quét được ({exc}). {CHECK_HINT}") from exc
        finally:
            self._com.CoUninitialize()

    def _manager(self) -> Any:
        return self._client.Dispatch("WIA.DeviceManager")

    def _scan(self, device: str, dpi: int, folder: Path) -> list[Path]:
        infos = [i for i in self._manager().DeviceInfos if str(i.DeviceID) == device]
        if not infos:
            raise ScanError(f"Không thấy máy quét “{device}”. {CHECK_HINT}")
        connected = infos[0].Connect()
        item = connected.Items(1)
        settings = ((self.INTENT, self.GREYSCALE_INTENT), (self.H_RES, dpi), (self.V_RES, dpi))
        for prop, value in settings:
            item.Properties(prop).Value = value
        feeder = bool(_wia_value(connected, self.HANDLING_SELECT) & 1)
        prefix = _scan_prefix()
        pages: list[Path] = []
        for n in range(MAX_PAGES if feeder else 1):
            try:
                image = item.Transfer(self.FORMAT_TIFF)
            except self._com.com_error:
                if pages:  # the feeder is empty
                    break
                raise
            path = folder / f"{prefix}{n + 1:03d}.tif"
            image.SaveFile(str(path))
            pages.append(path)
        return pages


def _wia_value(device: Any, prop: str) -> int:
    try:
        return int(device.Properties(prop).Value)
    except Exception:  # a flatbed without the property
        return 0


class FakeScanner:
    """A scanner for tests and the demo: writes ``pages`` synthetic pages of ``kind`` per scan;
    ``error``: the ScanError message every scan raises instead. ``calls``: (device, dpi,
    folder) of each scan."""

    def __init__(
        self,
        pages: int = 2,
        kind: ScanKind = "text",
        *,
        devices: Sequence[ScannerDevice] = (ScannerDevice("fake:0", "Máy quét thử"),),
        error: str | None = None,
    ) -> None:
        self.pages = pages
        self.kind: ScanKind = kind
        self._devices = list(devices)
        self.error = error
        self.calls: list[tuple[str, int, Path]] = []

    def devices(self) -> list[ScannerDevice]:
        return list(self._devices)

    def scan(self, device: str, *, dpi: int = DEFAULT_DPI, folder: Path) -> list[Path]:
        self.calls.append((device, dpi, Path(folder)))
        if self.error is not None:
            raise ScanError(self.error)
        if device not in {d.name for d in self._devices}:
            raise ScanError(f"Không thấy máy quét “{device}”. {CHECK_HINT}")
        prefix, seed = _scan_prefix(), len(self.calls) * 100
        return [
            write_scan(Path(folder), f"{prefix}{n + 1:03d}.tif", self.kind, 1, dpi, seed=seed + n)
            for n in range(self.pages)
        ]


def system_scanner() -> Scanner | None:
    """This PC's way to a scanner: WIA on Windows (when pywin32 is there), SANE's scanimage
    elsewhere (when installed); None when there is none (scan to the folder instead)."""
    if sys.platform == "win32":
        try:
            return WiaScanner()
        except ImportError:
            return None
    return SaneScanner() if shutil.which("scanimage") else None
