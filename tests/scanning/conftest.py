"""Scans written once per session (a synthetic A4 page takes ~0.1 s to draw)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tthc_desk.scanning.synthetic import write_scan


@pytest.fixture(scope="session")
def scans(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Real scan files of each kind and format, at 200 dpi."""
    folder = tmp_path_factory.mktemp("scans")
    return {
        "text.tif": write_scan(folder, "text.tif", "text", 3, seed=1),
        "text.pdf": write_scan(folder, "text.pdf", "text", 2, seed=10),
        "text.png": write_scan(folder, "text.png", "text", 1, seed=20),
        "photo.jpg": write_scan(folder, "photo.jpg", "photo", 1, seed=30),
    }
