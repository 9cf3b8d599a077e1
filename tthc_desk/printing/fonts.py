"""The one font family of printed forms: Liberation Serif, metric-compatible with Times New Roman.

reportlab's built-in Times cannot draw Vietnamese, so the four bundled TTF styles are registered
once, as a family, so that ``<b>`` and ``<i>`` inside Paragraph markup pick the right face.
"""

from __future__ import annotations

import threading
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from tthc_desk.domain.errors import NotFoundError
from tthc_desk.resources import resource_path

FAMILY = "TimesVN"
REGULAR = FAMILY
BOLD = f"{FAMILY}-Bold"
ITALIC = f"{FAMILY}-Italic"
BOLD_ITALIC = f"{FAMILY}-BoldItalic"

_FACES: tuple[tuple[str, str], ...] = (
    (REGULAR, "LiberationSerif-Regular.ttf"),
    (BOLD, "LiberationSerif-Bold.ttf"),
    (ITALIC, "LiberationSerif-Italic.ttf"),
    (BOLD_ITALIC, "LiberationSerif-BoldItalic.ttf"),
)

_lock = threading.Lock()
_registered = False


def register_fonts(font_dir: Path | None = None) -> str:
    """Register the family once (thread-safe) and return its name, ready for styles."""
    global _registered
    if _registered:
        return FAMILY
    with _lock:
        if _registered:
            return FAMILY
        folder = font_dir or resource_path("fonts")
        for name, file_name in _FACES:
            path = folder / file_name
            if not path.is_file():
                raise NotFoundError(
                    f"Không tìm thấy phông chữ “{file_name}” trong thư mục “{folder}”. "
                    "Hãy cài đặt lại phần mềm."
                )
            pdfmetrics.registerFont(TTFont(name, str(path)))
        pdfmetrics.registerFontFamily(
            FAMILY, normal=REGULAR, bold=BOLD, italic=ITALIC, boldItalic=BOLD_ITALIC
        )
        _registered = True
    return FAMILY
