"""UI tests keep this PC's own settings (the user name last logged in) in their temp folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings


@pytest.fixture(autouse=True)
def pc_settings(tmp_path: Path) -> Path:
    folder = tmp_path / "pc-settings"
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    return folder
