"""Window titles, and the strip that says the demo database is open.

A window title names the screen first, then the office and the person, and ends with the
application's name once. Qt itself appends the application's display name to every window title
unless the title already ends with it (QPlatformWindow::formatWindowTitle), so a title that
*starts* with "TTHC Desk" showed it twice in the task bar: ending the title with it is what keeps
it single.

On the demo database (made-up office, people and dossiers) the title starts with "DỮ LIỆU MẪU"
(what shows first in a narrow task bar button) and a red strip runs across the top of the main
window for as long as it is open, so nobody takes it for the office's real data.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from tthc_desk.paths import APP_NAME
from tthc_desk.ui.i18n import translate

DEMO_COLOR = "#b71c1c"
#: Between the parts of a window title.
TITLE_SEPARATOR = " – "


def window_title(*parts: str, demo: bool = False) -> str:
    """``DỮ LIỆU MẪU – part – part – TTHC Desk``: empty parts left out, the name once, last."""
    words = [p.strip() for p in parts if p and p.strip() and p.strip() != APP_NAME]
    if demo:
        words.insert(0, translate("DemoStrip", "DỮ LIỆU MẪU"))
    return TITLE_SEPARATOR.join([*words, APP_NAME])


class DemoStrip(QLabel):
    """The red line across the top of the main window while the demo database is open."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("demoStrip")
        self.setText(self.tr("DỮ LIỆU MẪU — không dùng cho hồ sơ thật"))
        self.setToolTip(
            self.tr(
                "Đang mở cơ sở dữ liệu mẫu: cơ quan, cán bộ và hồ sơ đều là giả, chỉ để tập "
                "dùng phần mềm. Hồ sơ của người dân phải tiếp nhận trên phần mềm mở không có "
                "--demo."
            )
        )
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setStyleSheet(
            f"#demoStrip {{ background: {DEMO_COLOR}; color: white; font-weight: bold; "
            "padding: 3px 8px; }"
        )
