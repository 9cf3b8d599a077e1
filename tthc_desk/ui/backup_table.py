"""The list of backups, shared by the backup dialog and the restore wizard: one row per file,
in every destination, newest first.

Columns: Ngày giờ (dd/mm/yyyy HH:MM) · Loại · Dung lượng · Số hồ sơ · Kiểm tra · Thư mục. A
backup that failed its verification is red; a file without its verdict is grey.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QTableView, QWidget

from tthc_desk.domain.backup import BackupKind
from tthc_desk.services.backup_service import BackupInfo
from tthc_desk.ui.display import ERROR_COLOR, MUTED_COLOR, list_datetime, list_view
from tthc_desk.ui.i18n import translate
from tthc_desk.ui.row_table_model import Column, ColumnTableModel

#: The prefix of the database a restore replaced (kept in ``backups``; see restore_service).
ASIDE_PREFIX = "truoc-khoi-phuc"


def kind_text(b: BackupInfo) -> str:
    if b.path.name.startswith(ASIDE_PREFIX):
        return translate("BackupTable", "bản cũ trước khôi phục")
    names = {
        BackupKind.MANUAL.value: translate("BackupTable", "thủ công"),
        BackupKind.AUTO.value: translate("BackupTable", "hằng ngày (tự động)"),
        BackupKind.UPGRADE.value: translate("BackupTable", "trước nâng cấp"),
    }
    return names.get(b.kind, translate("BackupTable", "không rõ"))


def size_text(n: int) -> str:
    """1 536 → “2 KB”; 5 400 000 → “5,1 MB” (Vietnamese decimal comma)."""
    if n < 1024 * 1024:
        return f"{max(n, 1) / 1024:.0f} KB" if n else "0 KB"
    if n < 1024**3:
        return f"{n / 1024**2:.1f} MB".replace(".", ",")
    return f"{n / 1024**3:.2f} GB".replace(".", ",")


def verdict_text(b: BackupInfo) -> str:
    if b.verified is None:
        return translate("BackupTable", "chưa kiểm tra")
    if not b.verified:
        return translate("BackupTable", "KHÔNG ĐẠT: {0}").format(b.reason)
    if b.encrypted is False:
        return translate("BackupTable", "đạt (không mã hóa: dữ liệu mẫu)")
    return translate("BackupTable", "đạt")


def dossiers_text(b: BackupInfo) -> str:
    return "" if b.dossiers is None else f"{b.dossiers:,}".replace(",", ".")


def when_text(b: BackupInfo) -> str:
    return list_datetime(b.created_at) or translate("BackupTable", "không rõ")


class BackupTableModel(ColumnTableModel[BackupInfo]):
    """Columns: Ngày giờ · Loại · Dung lượng · Số hồ sơ · Kiểm tra · Thư mục."""

    WHEN, KIND, SIZE, DOSSIERS, VERDICT, FOLDER = range(6)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows = []
        red, grey = QColor(ERROR_COLOR), QColor(MUTED_COLOR)
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter

        def colour(b: BackupInfo) -> QColor | None:
            if b.verified is False:
                return red
            return grey if b.verified is None else None

        self.set_columns(
            (
                Column(when_text, title=self.tr("Ngày giờ")),
                Column(kind_text, title=self.tr("Loại")),
                Column(lambda b: size_text(b.size), align=right, title=self.tr("Dung lượng")),
                Column(dossiers_text, align=right, title=self.tr("Số hồ sơ")),
                Column(verdict_text, tooltip=verdict_text, title=self.tr("Kiểm tra")),
                Column(
                    lambda b: str(b.path.parent),
                    tooltip=lambda b: str(b.path),
                    title=self.tr("Thư mục"),
                ),
            ),
            row_roles={Qt.ItemDataRole.ForegroundRole: colour},
        )

    def backup_at(self, row: int) -> BackupInfo:
        return self.row_at(row)

    def row_of(self, path: object) -> int:
        return next((i for i, b in enumerate(self._rows) if b.path == path), -1)


def backup_view(name: str, model: BackupTableModel) -> QTableView:
    """The list as both screens show it: whole rows, the folder column takes what is left."""
    view = list_view(
        name,
        model,
        sizes=(
            "00/00/0000 00:00",
            translate("BackupTable", "hằng ngày (tự động)"),
            "000,0 MB",
            translate("BackupTable", "Số hồ sơ"),
            translate("BackupTable", "đạt (không mã hóa: dữ liệu"),
        ),
    )
    view.horizontalHeader().setStretchLastSection(True)
    view.setTabKeyNavigation(False)  # Tab leaves the list for the buttons, as a clerk expects
    return view
