"""Opening a database that is being upgraded shows a window, and its errors reach the caller."""

from __future__ import annotations

import time

import pytest
from PySide6.QtWidgets import QApplication, QProgressDialog

from tthc_desk.domain.errors import JournalKeyError
from tthc_desk.ui.app import open_with_progress


def test_a_quick_open_shows_nothing(qapp: QApplication) -> None:
    assert open_with_progress(lambda: 42) == 42
    assert not [w for w in qapp.topLevelWidgets() if isinstance(w, QProgressDialog)]


def test_a_long_open_says_it_is_upgrading_then_goes(qapp: QApplication) -> None:
    seen: list[str] = []

    def slow() -> str:
        deadline = time.perf_counter() + 5
        while not seen and time.perf_counter() < deadline:
            time.sleep(0.02)
        return "xong"

    def look() -> None:
        for w in qapp.topLevelWidgets():
            if isinstance(w, QProgressDialog) and w.isVisible():
                seen.append(w.labelText())

    from PySide6.QtCore import QTimer

    timer = QTimer()
    timer.timeout.connect(look)
    timer.start(20)
    try:
        assert open_with_progress(slow, after=0.1) == "xong"
    finally:
        timer.stop()
    assert seen and seen[0].startswith("Đang nâng cấp, mã hóa và niêm phong dữ liệu")
    assert not [
        w for w in qapp.topLevelWidgets() if isinstance(w, QProgressDialog) and w.isVisible()
    ]


def test_the_error_of_the_open_is_raised_on_the_gui_thread(qapp: QApplication) -> None:
    def fails() -> None:
        raise JournalKeyError("Không đọc được khóa nhật ký.")

    with pytest.raises(JournalKeyError, match="Không đọc được khóa nhật ký"):
        open_with_progress(fails)
