"""Scanned pages as Qt images: what the page editor, the strip and the viewer draw.

The pixels come from :mod:`tthc_desk.scanning.render` (PDFium under its one lock, Pillow for
image files), on a worker thread; a ``QImage`` may be made there and handed to the GUI thread,
where it becomes a pixmap. Pages are shown on white with a thin grey border, like paper.
"""

from __future__ import annotations

from PIL import Image
from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen, QPixmap, QTransform

#: The width of a page's thumbnail, in logical pixels (the page editor, the strip).
THUMB_WIDTH = 132
#: A4's height over its width: a thumbnail not drawn yet keeps the place of one.
A4_RATIO = 297 / 210
PAPER_BORDER = QColor("#9aa0a6")


def to_qimage(image: Image.Image) -> QImage:
    """A Pillow image ("1", "L", "RGB" or anything convertible) as a ``QImage`` that owns its
    pixels (safe to pass from a worker to the GUI thread)."""
    if image.mode in ("1", "L"):
        grey = image.convert("L")
        data = grey.tobytes()
        out = QImage(data, grey.width, grey.height, grey.width, QImage.Format.Format_Grayscale8)
    else:
        rgb = image.convert("RGB")
        data = rgb.tobytes()
        out = QImage(data, rgb.width, rgb.height, rgb.width * 3, QImage.Format.Format_RGB888)
    return out.copy()  # the bytes above are freed with this frame


def turned(image: QImage, degrees: int) -> QImage:
    """``image`` turned clockwise (a thumbnail follows its page's rotation without a re-render)."""
    if degrees % 360 == 0:
        return image
    smooth = Qt.TransformationMode.SmoothTransformation
    return image.transformed(QTransform().rotate(degrees), smooth)


def paper_pixmap(image: QImage | None, box: QSize, ratio: float = 1.0) -> QPixmap:
    """A ``box``-sized pixmap (logical pixels) with ``image`` fitted and centred on it, framed
    like a sheet of paper; a blank sheet while ``image`` is None (not rendered yet)."""
    pixmap = QPixmap(round(box.width() * ratio), round(box.height() * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    if image is None or image.isNull():
        h = min(box.height(), round(box.width() * A4_RATIO))
        w = round(h / A4_RATIO)
        target = QRect((box.width() - w) // 2, (box.height() - h) // 2, w, h)
        painter.fillRect(target, QColor("#f1f3f4"))
    else:
        size = QSize(image.width(), image.height()).scaled(box, Qt.AspectRatioMode.KeepAspectRatio)
        target = QRect(
            (box.width() - size.width()) // 2,
            (box.height() - size.height()) // 2,
            size.width(),
            size.height(),
        )
        painter.fillRect(target, Qt.GlobalColor.white)
        painter.drawImage(target, image)
    painter.setPen(QPen(PAPER_BORDER, 1))
    painter.drawRect(target.adjusted(0, 0, -1, -1))
    painter.end()
    return pixmap
