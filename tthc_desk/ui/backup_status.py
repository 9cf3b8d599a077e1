"""The backups' line in the main window's status bar: "Sao lưu: 2 giờ trước", green, yellow or
red as :meth:`~tthc_desk.services.backup_service.BackupService.status` says, the sentence and
the last run's destinations in its tooltip.

A failed automatic backup turns it red with the reason (never a modal box: the clerk at the
counter is not the one who can fix a USB drive that was pulled out).
"""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import Any

from PySide6.QtWidgets import QLabel, QWidget

from tthc_desk.domain.backup import BackupLevel, Freshness
from tthc_desk.ui.display import ERROR_COLOR
from tthc_desk.ui.i18n import translate

OK_COLOR = "#2e7d32"
WARN_COLOR = "#8a5a00"  # dark amber: readable on the grey status bar, unlike plain yellow
WARN_BACKGROUND = "#fff3c4"
COLORS = {
    BackupLevel.OK: (OK_COLOR, "transparent"),
    BackupLevel.WARN: (WARN_COLOR, WARN_BACKGROUND),
}


def age_text(now: datetime, then: datetime | None) -> str:
    """“vừa xong”, “25 phút trước”, “2 giờ trước”, “3 ngày trước”; “chưa có” without a moment."""
    if then is None:
        return translate("BackupStatus", "chưa có bản nào đạt")
    seconds = max(int((now - then).total_seconds()), 0)
    if seconds < 60:
        return translate("BackupStatus", "vừa xong")
    if seconds < 3600:
        return translate("BackupStatus", "{0} phút trước").format(seconds // 60)
    if seconds < 86400:
        return translate("BackupStatus", "{0} giờ trước").format(seconds // 3600)
    return translate("BackupStatus", "{0} ngày trước").format(seconds // 86400)


class BackupStatusLabel(QLabel):
    """``show_status(freshness, last_run, now)`` after each backup and every few minutes;
    ``show_failure(reason)`` when the automatic backup could not run. ``level`` is what the
    colour says (for the tests and the window)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("backupStatus")
        self.setContentsMargins(8, 0, 8, 0)
        self.level: BackupLevel | None = None
        self.sentence = ""

    def show_status(self, fresh: Freshness, last_run: dict[str, Any], now: datetime) -> None:
        text = self.tr("Sao lưu: {0}").format(age_text(now, fresh.last_verified_at))
        if fresh.level is not BackupLevel.OK:
            text += " ⚠"
        self._paint(fresh.level, text, fresh.sentence, last_run)

    def show_failure(self, reason: str, last_run: dict[str, Any] | None = None) -> None:
        self._paint(
            BackupLevel.ALERT,
            self.tr("Sao lưu: KHÔNG THÀNH CÔNG ⚠"),
            self.tr("Sao lưu tự động không thành công: {0}").format(reason),
            last_run or {},
        )

    def _paint(
        self, level: BackupLevel, text: str, sentence: str, last_run: dict[str, Any]
    ) -> None:
        self.level, self.sentence = level, sentence
        color, background = COLORS.get(level, ("white", ERROR_COLOR))
        self.setStyleSheet(
            f"#backupStatus {{ color: {color}; background: {background}; font-weight: bold; "
            "padding: 1px 6px; border-radius: 3px; }"
        )
        self.setText(text)
        lines = [escape(sentence)]
        places = [str(d) for d in last_run.get("destinations", [])]
        if places:
            lines.append(
                self.tr("Nơi sao lưu thứ hai ở lần gần nhất: {0}").format(escape("; ".join(places)))
            )
        for missed in last_run.get("unreachable", []):
            lines.append(
                f"<span style='color:{ERROR_COLOR}'>"
                + self.tr("Không ghi được: {0}").format(escape(str(missed)))
                + "</span>"
            )
        lines.append(self.tr("Mở Hệ thống → Sao lưu và khôi phục để xem các bản sao lưu."))
        self.setToolTip("<br>".join(lines))
