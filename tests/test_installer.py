"""The Windows installer script is generated from the package's version number."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import tthc_desk

ROOT = Path(__file__).resolve().parents[1]


def test_iss_carries_the_package_version() -> None:
    spec = importlib.util.spec_from_file_location("make_iss", ROOT / "installer" / "make_iss.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    text = mod.render()
    assert f"AppVersion={tthc_desk.__version__}" in text
    assert f"TTHCDesk-{tthc_desk.__version__}-setup" in text
    assert "{{" not in text.replace("{{6B1E", "")  # braces rendered, except the AppId escape
