"""The procedure catalog: browse, search without accents, edit, import and export as Excel.

Imports are all or nothing (the catalog service validates every row first); when a workbook is
refused the dialog lists every problem with its row and column and the catalog is unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import (
    QModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from tthc_desk.domain.errors import TthcError
from tthc_desk.domain.procedure import Procedure
from tthc_desk.services.container import Services
from tthc_desk.ui.busy import working
from tthc_desk.ui.catalog_models import (
    PROCEDURE_ROLE,
    ProcedureFilterProxyModel,
    ProcedureTableModel,
)
from tthc_desk.ui.errors import show_error
from tthc_desk.ui.procedure_editor import ProcedureEditorDialog


class CatalogDialog(QDialog):
    """Table of procedures with search, field filter, editor, Excel import and export."""

    catalog_changed = Signal()

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self.editor: ProcedureEditorDialog | None = None
        self.setWindowTitle(self.tr("Danh mục thủ tục hành chính"))
        self.resize(1100, 620)

        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(
            self.tr("Tìm theo mã hoặc tên thủ tục, gõ không dấu cũng được")
        )
        self.search_edit.setClearButtonEnabled(True)
        self.field_combo = QComboBox()
        self.field_combo.setMinimumContentsLength(18)
        self.inactive_check = QCheckBox(self.tr("Hiện cả thủ tục ngừng áp dụng"))

        self.model = ProcedureTableModel(parent=self)
        self.proxy = ProcedureFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.view = QTableView()
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(ProcedureTableModel.CODE, Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.verticalHeader().hide()
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(ProcedureTableModel.NAME, QHeaderView.ResizeMode.Stretch)

        self.count_label = QLabel()
        self.status_label = QLabel()
        self.status_label.setObjectName("catalogStatus")
        self.add_button = QPushButton(self.tr("Thêm thủ tục…"))
        self.edit_button = QPushButton(self.tr("Sửa…"))
        self.import_button = QPushButton(self.tr("Nhập từ Excel…"))
        self.export_button = QPushButton(self.tr("Xuất ra Excel…"))
        self.close_button = QPushButton(self.tr("Đóng"))
        for b in (
            self.add_button,
            self.edit_button,
            self.import_button,
            self.export_button,
            self.close_button,
        ):
            b.setAutoDefault(False)

        top = QHBoxLayout()
        top.addWidget(self.search_edit, 1)
        top.addWidget(QLabel(self.tr("Lĩnh vực:")))
        top.addWidget(self.field_combo)
        top.addWidget(self.inactive_check)
        bottom = QHBoxLayout()
        for b in (self.add_button, self.edit_button):
            bottom.addWidget(b)
        bottom.addSpacing(16)
        for b in (self.import_button, self.export_button):
            bottom.addWidget(b)
        bottom.addStretch(1)
        bottom.addWidget(self.close_button)
        status = QHBoxLayout()
        status.addWidget(self.count_label)
        status.addStretch(1)
        status.addWidget(self.status_label)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addLayout(status)
        layout.addLayout(bottom)

        self.search_edit.textChanged.connect(self._on_search_edit_text_changed)
        self.field_combo.currentIndexChanged.connect(self._on_field_combo_current_index_changed)
        self.inactive_check.toggled.connect(self._on_inactive_check_toggled)
        self.view.activated.connect(self._on_view_activated)
        self.view.selectionModel().currentRowChanged.connect(self._update_buttons)
        self.add_button.clicked.connect(self._on_add_button_clicked)
        self.edit_button.clicked.connect(self._on_edit_button_clicked)
        self.import_button.clicked.connect(self._on_import_button_clicked)
        self.export_button.clicked.connect(self._on_export_button_clicked)
        self.close_button.clicked.connect(self.accept)
        self.proxy.rowsInserted.connect(self._update_count)
        self.proxy.rowsRemoved.connect(self._update_count)
        self.proxy.modelReset.connect(self._update_count)
        self.proxy.layoutChanged.connect(self._update_count)

        self.reload()
        self.search_edit.setFocus()

    # -- data ---------------------------------------------------------------------------------
    def reload(self, select_code: str = "") -> None:
        catalog = self._services.catalog
        field = self.field_combo.currentData() or ""
        self.model.set_procedures(catalog.list(active_only=False))
        self.field_combo.blockSignals(True)
        self.field_combo.clear()
        self.field_combo.addItem(self.tr("Tất cả lĩnh vực"), "")
        fields: Sequence[str] = catalog.fields()
        for f in fields:
            self.field_combo.addItem(f, f)
        self.field_combo.setCurrentIndex(max(0, self.field_combo.findData(field)))
        self.field_combo.blockSignals(False)
        self.proxy.set_field(self.field_combo.currentData() or "")
        if select_code:
            self.select(select_code)
        self._update_count()
        self._update_buttons()

    def select(self, code: str) -> bool:
        row = self.model.row_of(code)
        if row < 0:
            return False
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not index.isValid():
            return False
        self.view.setCurrentIndex(index)
        self.view.scrollTo(index)
        return True

    def current_procedure(self) -> Procedure | None:
        index = self.view.currentIndex()
        return index.data(PROCEDURE_ROLE) if index.isValid() else None

    def visible_codes(self) -> list[str]:
        return [
            self.proxy.index(r, 0).data(PROCEDURE_ROLE).code for r in range(self.proxy.rowCount())
        ]

    # -- editing ------------------------------------------------------------------------------
    def open_editor(self, procedure: Procedure | None = None) -> ProcedureEditorDialog:
        """Open the editor window-modally (never blocks); returns it for the caller or a test."""
        self.editor = ProcedureEditorDialog(self._services, procedure, self)
        self.editor.procedure_saved.connect(self._on_editor_procedure_saved)
        self.editor.open()
        return self.editor

    def _on_editor_procedure_saved(self, code: str) -> None:
        self.reload(select_code=code)
        self.status_label.setText(self.tr("Đã lưu thủ tục {0}.").format(code))
        self.catalog_changed.emit()

    # -- import / export ----------------------------------------------------------------------
    def import_from(self, path: Path) -> tuple[int, int] | None:
        """Import a workbook: all rows or none. Returns (added, updated), None when refused."""
        try:
            with working(self.import_button):  # on the GUI thread: the busy cursor
                added, updated = self._services.catalog.import_xlsx(Path(path))
        except TthcError as exc:
            self.status_label.setText(self.tr("Chưa nhập: tệp có lỗi, danh mục giữ nguyên."))
            show_error(self, exc)
            return None
        self.reload()
        self.status_label.setText(
            self.tr("Đã thêm {0}, cập nhật {1} thủ tục.").format(added, updated)
        )
        self.catalog_changed.emit()
        return added, updated

    def export_to(self, path: Path) -> int | None:
        try:
            with working(self.export_button):
                count = self._services.catalog.export_xlsx(Path(path))
        except (TthcError, OSError) as exc:
            show_error(
                self,
                exc
                if isinstance(exc, TthcError)
                else TthcError(self.tr("Không ghi được tệp: {0}").format(exc)),
            )
            return None
        self.status_label.setText(
            self.tr("Đã xuất {0} thủ tục ra {1}.").format(count, Path(path).name)
        )
        return count

    def _on_import_button_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Chọn tệp danh mục thủ tục"), "", self.tr("Bảng tính Excel (*.xlsx)")
        )
        if path:
            self.import_from(Path(path))

    def _on_export_button_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Lưu danh mục thủ tục"),
            "danh-muc-thu-tuc.xlsx",
            self.tr("Bảng tính Excel (*.xlsx)"),
        )
        if path:
            self.export_to(Path(path))

    # -- small slots --------------------------------------------------------------------------
    def _on_search_edit_text_changed(self, text: str) -> None:
        self.proxy.set_search_text(text)
        self._update_count()

    def _on_field_combo_current_index_changed(self, _index: int) -> None:
        self.proxy.set_field(self.field_combo.currentData() or "")
        self._update_count()

    def _on_inactive_check_toggled(self, shown: bool) -> None:
        self.proxy.set_active_only(not shown)
        self._update_count()

    def _on_view_activated(self, index: QModelIndex) -> None:
        self.open_editor(index.data(PROCEDURE_ROLE))

    def _on_add_button_clicked(self) -> None:
        self.open_editor(None)

    def _on_edit_button_clicked(self) -> None:
        procedure = self.current_procedure()
        if procedure is not None:
            self.open_editor(procedure)

    def _update_count(self, *_args: object) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        self.count_label.setText(self.tr("Hiển thị {0} / {1} thủ tục").format(shown, total))

    def _update_buttons(self, *_args: object) -> None:
        self.edit_button.setEnabled(self.view.currentIndex().isValid())
