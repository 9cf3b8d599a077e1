"""Pick a procedure from the catalog by typing its code or a few words of its name.

Accents are optional ("khai sinh" finds "Thủ tục đăng ký khai sinh"); the best matches come
first: an exact code, then names where the words typed appear together and early, shorter names
before longer ones. The popup is a QCompleter list driven from ``CatalogService.search`` so the
whole thing works from the keyboard: type, ↓, Enter.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QCompleter, QLineEdit, QVBoxLayout, QWidget

from tthc_desk.domain.procedure import Procedure
from tthc_desk.domain.text import fold, format_money, nfc
from tthc_desk.services.catalog_service import CatalogService
from tthc_desk.ui.display import error_label, muted_label
from tthc_desk.ui.labels import duration_text

CODE_ROLE = Qt.ItemDataRole.UserRole + 1
MAX_SHOWN = 50


def rank_matches(procedures: list[Procedure], text: str) -> list[Procedure]:
    """Order search hits the way a clerk expects: exact code, then phrase position, then length."""
    query = fold(nfc(text))
    folded_code_query = query.replace(".", "")

    def key(p: Procedure) -> tuple[int, int, int, int, str]:
        bare_code = p.code.replace(".", "")
        exact = 0 if query in (p.code, bare_code) else 1
        code_prefix = (
            0 if folded_code_query.isdigit() and bare_code.startswith(folded_code_query) else 1
        )
        pos = fold(p.name).find(query)
        return (exact, code_prefix, pos if pos >= 0 else 10_000, len(p.name), p.code)

    return sorted(procedures, key=key)


class ProcedurePicker(QWidget):
    """A line edit with a search popup; ``procedure_changed`` carries the choice (or None)."""

    procedure_changed = Signal(object)

    def __init__(self, catalog: CatalogService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._catalog = catalog
        self._selected: Procedure | None = None

        self.edit = QLineEdit()
        self.edit.setObjectName("procedureEdit")
        self.edit.setPlaceholderText(
            self.tr("Gõ mã hoặc tên thủ tục, không cần dấu (ví dụ: khai sinh, 1.001193)…")
        )
        self.edit.setClearButtonEnabled(True)
        self.info = muted_label()
        self.info.setObjectName("procedureInfo")
        self.info.setText(self.tr("Chưa chọn thủ tục. Nhấn ↓ để xem cả danh mục."))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        layout.addWidget(self.edit)
        layout.addWidget(self.info)
        self.error = error_label()  # the intake page's FieldErrors fills it
        layout.addWidget(self.error)

        self._model = QStandardItemModel(self)
        self.completer = QCompleter(self._model, self)
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setMaxVisibleItems(12)
        self.completer.setWidget(self.edit)
        # The index overload of ``activated`` (the stubs' SignalInstance has no __getitem__).
        self.completer.activated[QModelIndex].connect(  # type: ignore[index]
            self._on_completer_activated
        )
        self.setFocusProxy(self.edit)

        self.edit.textEdited.connect(self._on_edit_text_edited)
        self.edit.returnPressed.connect(self._on_edit_return_pressed)
        self.edit.editingFinished.connect(self._on_edit_editing_finished)
        self.edit.installEventFilter(self)

    # -- public -------------------------------------------------------------------------------
    def procedure(self) -> Procedure | None:
        return self._selected

    def code(self) -> str:
        """The chosen code, or what was typed (so the service can say it is unknown)."""
        return self._selected.code if self._selected else nfc(self.edit.text())

    def popup(self) -> QAbstractItemView:
        popup = self.completer.popup()
        assert popup is not None  # a completer makes its popup when it is built
        return popup

    def matches(self, text: str) -> list[Procedure]:
        return rank_matches(self._catalog.search(text), text)

    def select(self, code: str) -> Procedure:
        procedure = self._catalog.get(code)
        self._set_selected(procedure)
        return procedure

    def clear(self) -> None:
        self.popup().hide()
        self.edit.clear()
        self._set_selected(None)

    # -- behaviour ----------------------------------------------------------------------------
    def _set_selected(self, procedure: Procedure | None) -> None:
        changed = procedure != self._selected
        self._selected = procedure
        if procedure is not None:
            self.edit.setText(f"{procedure.code} – {procedure.name}")
            self.edit.setCursorPosition(0)
            self.edit.setToolTip(procedure.name)
            self.info.setText(self._describe(procedure))
        else:
            self.edit.setToolTip("")
            self.info.setText(self.tr("Chưa chọn thủ tục. Nhấn ↓ để xem cả danh mục."))
        if changed:
            self.procedure_changed.emit(procedure)

    def _describe(self, p: Procedure) -> str:
        fee = format_money(p.total_fee) if p.total_fee else self.tr("không thu")
        return self.tr(
            "Lĩnh vực: {field} · Thời hạn: {duration} · Giải quyết: {agency} · Phí, lệ phí: {fee}"
        ).format(
            field=p.field, duration=duration_text(p.duration), agency=p.deciding_agency, fee=fee
        )

    def _fill_popup(self, text: str) -> int:
        self._model.clear()
        hits = self.matches(text)
        for p in hits[:MAX_SHOWN]:
            item = QStandardItem(f"{p.code}   {p.name}   ({p.field})")
            item.setData(p.code, CODE_ROLE)
            item.setToolTip(p.name)
            self._model.appendRow(item)
        return len(hits)

    def _show_popup(self, text: str) -> None:
        if self._fill_popup(text) == 0:
            self.popup().hide()
            self.info.setText(self.tr("Không tìm thấy thủ tục nào khớp “{0}”.").format(text))
            return
        shown = self._model.rowCount()
        self.info.setText(
            self.tr("{0} thủ tục khớp · ↓ ↑ để chọn, Enter để lấy, Esc để đóng").format(shown)
        )
        popup = self.popup()
        popup.setMinimumWidth(max(self.edit.width(), 640))
        self.completer.complete()
        popup.setCurrentIndex(self._model.index(0, 0))

    def _on_edit_text_edited(self, text: str) -> None:
        if self._selected is not None:
            self._set_selected(None)
        if nfc(text):
            self._show_popup(text)
        else:
            self.popup().hide()
            self._set_selected(None)
            self.info.setText(self.tr("Chưa chọn thủ tục. Nhấn ↓ để xem cả danh mục."))

    def _on_completer_activated(self, index: QModelIndex) -> None:
        code = index.data(CODE_ROLE)
        if code:
            self.select(code)
            # Move on to the applicant: the choice is made.
            self.edit.focusNextChild()

    def _on_edit_return_pressed(self) -> None:
        if self._selected is not None or self.popup().isVisible():
            return
        text = self.edit.text()
        hits = self.matches(text)
        if hits and (len(hits) == 1 or fold(text) in (hits[0].code, hits[0].code.replace(".", ""))):
            self.select(hits[0].code)
        else:
            self._show_popup(text)

    def _on_edit_editing_finished(self) -> None:
        if self._selected is not None or self.popup().isVisible():
            return
        text = nfc(self.edit.text())
        if text:
            found: Sequence[Procedure] = self._catalog.search(text)
            exact = [p for p in found if p.code == text]
            if exact:
                self.select(exact[0].code)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.edit
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Down, Qt.Key.Key_F4)
            and not self.popup().isVisible()
        ):
            self._show_popup("" if self._selected else self.edit.text())
            return True
        return super().eventFilter(watched, event)
