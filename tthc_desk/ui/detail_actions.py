"""The action bar of the dossier detail page: one button per possible move, and printing.

Only the moves the lifecycle allows from the current status get a button (an impossible move is
never offered). The "In biểu mẫu" menu lists every form of the dossier; a form that does not
apply yet (no supplement request, not refused…) or that this installation cannot print is shown
disabled with the reason as a tooltip.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QHBoxLayout, QMenu, QPushButton, QWidget

from tthc_desk.domain.lifecycle import Move
from tthc_desk.ui.i18n import QT_TRANSLATE_NOOP, translate
from tthc_desk.ui.labels import label

# Printable forms: key, menu text. The print service method is ``<key>_pdf``.
FORMS: tuple[tuple[str, str], ...] = (
    ("receipt", QT_TRANSLATE_NOOP("detail_actions", "Giấy tiếp nhận và hẹn trả kết quả (Mẫu 01)")),
    (
        "control",
        QT_TRANSLATE_NOOP("detail_actions", "Phiếu kiểm soát quá trình giải quyết (Mẫu 06)"),
    ),
    (
        "supplement",
        QT_TRANSLATE_NOOP("detail_actions", "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02)"),
    ),
    ("refusal", QT_TRANSLATE_NOOP("detail_actions", "Phiếu từ chối giải quyết (Mẫu 03)")),
    ("stop", QT_TRANSLATE_NOOP("detail_actions", "Phiếu dừng giải quyết (Mẫu 05)")),
    (
        "apology",
        QT_TRANSLATE_NOOP("detail_actions", "Phiếu xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04)"),
    ),
)

# Buttons that end a dossier are set apart on the right, so they are not clicked by habit.
EXITS = frozenset({Move.REFUSED, Move.STOPPED, Move.WITHDRAWN, Move.CLOSED})


class DossierActionsBar(QWidget):
    """``move_requested(Move)``, ``print_requested(key)``, ``apology_requested()``."""

    move_requested = Signal(object)
    print_requested = Signal(str)
    apology_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dossierActions")
        self.move_buttons: dict[Move, QPushButton] = {}
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._moves = QHBoxLayout()
        self._exits = QHBoxLayout()
        self.apology_button = QPushButton(self.tr("Lập phiếu xin lỗi…"))
        self.apology_button.setAutoDefault(False)
        self.apology_button.clicked.connect(self.apology_requested)
        self.print_button = QPushButton(self.tr("In biểu mẫu"))
        self.print_button.setAutoDefault(False)
        self.print_menu = QMenu(self)
        self.print_actions: dict[str, QAction] = {}
        for key, text in FORMS:
            action = self.print_menu.addAction(translate("detail_actions", text))
            action.triggered.connect(lambda _=False, k=key: self.print_requested.emit(k))
            self.print_actions[key] = action
        self.print_button.setMenu(self.print_menu)
        self._layout.addLayout(self._moves)
        self._layout.addStretch(1)
        self._layout.addWidget(self.apology_button)
        self._layout.addWidget(self.print_button)
        self._layout.addSpacing(16)
        self._layout.addLayout(self._exits)

    def set_moves(self, moves: list[Move]) -> None:
        """Rebuild the move buttons for ``moves`` (the allowed ones), in lifecycle order."""
        for button in self.move_buttons.values():
            button.setParent(None)
            button.deleteLater()
        self.move_buttons = {}
        for move in moves:
            button = QPushButton(self.tr("{0}…").format(label(move)))
            button.setObjectName(f"move-{move.value}")
            button.setAutoDefault(False)
            button.clicked.connect(lambda _=False, m=move: self.move_requested.emit(m))
            if move in EXITS:
                self._exits.addWidget(button)
            else:
                button.setStyleSheet("font-weight: bold;")
                self._moves.addWidget(button)
            self.move_buttons[move] = button

    def set_printable(self, available: dict[str, str]) -> None:
        """``available`` maps a form key to "" (printable) or the reason it is not."""
        for key, action in self.print_actions.items():
            reason = available.get(key, translate("detail_actions", "Chưa có mẫu in này."))
            action.setEnabled(not reason)
            action.setToolTip(reason)
            action.setStatusTip(reason)
