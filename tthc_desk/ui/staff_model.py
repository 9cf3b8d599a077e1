"""The staff list as an editable table model (settings dialog, tab "Cán bộ").

Rows are :class:`StaffMember` values edited in memory; nothing is written until the settings
dialog saves the whole list with ``SettingsService.save_staff``. People are never deleted there:
a removed row becomes inactive, because their names are on dossiers already received.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, Qt
from PySide6.QtWidgets import QApplication

from tthc_desk.domain.errors import ProblemCollector
from tthc_desk.domain.office import StaffMember
from tthc_desk.domain.text import collapse_spaces
from tthc_desk.ui.i18n import translate
from tthc_desk.ui.row_table_model import Column, ColumnTableModel, Index

ROLE_CODES = ("clerk", "head", "admin")


def role_labels() -> dict[str, str]:
    """Vietnamese names of the staff roles stored as codes."""
    return {
        "clerk": translate("staff", "Tiếp nhận"),
        "head": translate("staff", "Lãnh đạo"),
        "admin": translate("staff", "Quản trị"),
    }


def check_staff(members: list[StaffMember]) -> None:
    """The checks ``save_staff`` makes, run before anything of the settings is written."""
    problems = ProblemCollector()
    names = [collapse_spaces(m.name) for m in members if collapse_spaces(m.name)]
    if len(names) < len(members):
        problems.add(
            QApplication.translate("staff", "Có dòng cán bộ chưa nhập họ tên."), field="staff"
        )
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        problems.add(
            QApplication.translate("staff", "Tên cán bộ bị trùng: {0}.").format(", ".join(dup)),
            field="staff",
        )
    if not any(m.role == "clerk" and m.active and collapse_spaces(m.name) for m in members):
        problems.add(
            QApplication.translate("staff", "Cần ít nhất một cán bộ tiếp nhận đang làm việc."),
            field="staff",
        )
    problems.raise_if_any(QApplication.translate("staff", "Danh sách cán bộ chưa hợp lệ."))


class StaffTableModel(ColumnTableModel[StaffMember]):
    """Columns: Họ và tên · Vai trò · Đang làm việc (a check box)."""

    NAME, ROLE, ACTIVE = range(3)

    def __init__(
        self, members: list[StaffMember] | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._rows = list(members or [])
        self._labels = role_labels()
        self.set_columns(
            (
                Column(lambda m: m.name, edit=lambda m: m.name, title=self.tr("Họ và tên")),
                Column(
                    lambda m: self._labels.get(m.role, m.role),
                    edit=lambda m: m.role,
                    title=self.tr("Vai trò"),
                ),
                Column(
                    lambda _m: None,
                    check=lambda m: Qt.CheckState.Checked if m.active else Qt.CheckState.Unchecked,
                    title=self.tr("Đang làm việc"),
                ),
            )
        )

    # -- reading ------------------------------------------------------------------------------
    def members(self) -> list[StaffMember]:
        return [replace(m, name=collapse_spaces(m.name)) for m in self._rows]

    def set_members(self, members: list[StaffMember]) -> None:
        self.set_rows(members)

    def role_choices(self) -> list[tuple[str, str]]:
        return [(code, self._labels[code]) for code in ROLE_CODES]

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == self.ACTIVE:
            return base | Qt.ItemFlag.ItemIsUserCheckable
        return base | Qt.ItemFlag.ItemIsEditable

    # -- editing ------------------------------------------------------------------------------
    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        m = self.item(index)
        if m is None:
            return False
        col = index.column()
        if col == self.NAME and role == Qt.ItemDataRole.EditRole:
            new = replace(m, name=collapse_spaces(str(value or "")))
        elif col == self.ROLE and role == Qt.ItemDataRole.EditRole and value in ROLE_CODES:
            new = replace(m, role=str(value))
        elif col == self.ACTIVE and role == Qt.ItemDataRole.CheckStateRole:
            new = replace(m, active=Qt.CheckState(value) == Qt.CheckState.Checked)
        else:
            return False
        self._rows[index.row()] = new
        self.dataChanged.emit(index, index, [role])
        return True

    def add_member(self, name: str = "", role: str = "clerk") -> QModelIndex:
        return self.append_row(StaffMember(name, role, True), self.NAME)
