"""No English on any screen (issue 13): the pages of the main window, every dialog its menus open
and the dialogs behind their "…" buttons, the dossier detail with its own, and Qt's own parts
(context menus, message boxes, standard buttons, file, print and page setup dialogs, wizard).

What is collected and what counts as English: tests/ui/visible_texts.py. A failure prints each
text with where it was found (object names, or class names, from the widget up).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
import shiboken6
from PySide6.QtCore import QObject, QPoint, Qt, QTimer
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtPrintSupport import QPageSetupDialog, QPrintDialog, QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QApplication,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QInputDialog,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QProgressDialog,
    QPushButton,
    QScrollBar,
    QSpinBox,
    QTextEdit,
    QToolButton,
    QWidget,
    QWizard,
    QWizardPage,
)

from tests.conftest import make_draft
from tests.ui.scans import DPI, page_file
from tests.ui.visible_texts import english_in, english_words, visible_texts
from tthc_desk.scanning.compose import compose_files
from tthc_desk.scanning.scanner import FakeScanner
from tthc_desk.services.container import Services
from tthc_desk.ui.dossier_detail_dialog import DossierDetailDialog
from tthc_desk.ui.main_window import OUTBOX, MainWindow
from tthc_desk.ui.paper_scan_dialog import PaperScanDialog
from tthc_desk.ui.scan_strip import ScanStrip
from tthc_desk.ui.scan_viewer import ScanViewer
from tthc_desk.ui.scanner_folder import set_scanner_folder
from tthc_desk.ui.tasks import TaskRunner

Texts = list[tuple[str, str]]

#: The menu entries that open a dialog (lock, log out, quit and the page switches do not).
MENU_DIALOGS = (
    "settings_action",
    "catalog_action",
    "calendar_action",
    "accounts_action",
    "integrity_action",
    "journal_action",
    "backup_action",
    "recovery_action",
    "server_action",
    "scanner_folder_action",
    "password_action",
    "registers_action",
    "destination_action",
    "keys_action",
    "about_action",
)


def close_window(widget: QWidget) -> None:
    if isinstance(widget, QDialog):
        widget.reject()
        if widget.isVisible():
            widget.done(QDialog.DialogCode.Rejected)
    if widget.isVisible():
        widget.close()
    if widget.isVisible():
        widget.hide()


class Watchdog(QObject):
    """While a click runs, reads and closes what blocks it: a dialog run with ``exec()`` (a
    question, a file dialog), a popup menu. ``keep``: the windows being explored."""

    def __init__(self, texts: Texts, keep: list[QWidget], seen: list[str] | None = None) -> None:
        super().__init__()
        self.texts = texts
        self.keep = keep
        self.seen = [] if seen is None else seen
        self.timer = QTimer(self)
        self.timer.setInterval(30)
        self.timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        popup = QApplication.activePopupWidget()
        if popup is not None:
            self.texts.extend(visible_texts(popup))
            popup.close()
            QApplication.processEvents()
        modal = QApplication.activeModalWidget()
        if modal is not None and not any(modal is k for k in self.keep):
            self.seen.append(modal.windowTitle() or type(modal).__name__)
            self.texts.extend(visible_texts(modal))
            close_window(modal)

    def run(self, action: Callable[[], object]) -> None:
        self.timer.start()
        try:
            action()
        finally:
            self.timer.stop()


def open_windows() -> list[QWidget]:
    return [w for w in QApplication.topLevelWidgets() if w.isVisible()]


def dialog_buttons(window: QWidget) -> list[QAbstractButton]:
    """The buttons that open a dialog, by the convention of the trailing ellipsis."""
    return [
        b
        for b in window.findChildren(QPushButton) + window.findChildren(QToolButton)
        if b.isVisibleTo(window) and b.isEnabled() and b.text().rstrip().endswith(("…", "..."))
    ]


def explore(
    action: Callable[[], object], keep: list[QWidget], texts: Texts, depth: int = 2
) -> list[str]:
    """Run ``action`` (a click, a menu entry), read every window it opens and, ``depth`` levels
    down, the windows their "…" buttons open; close them all. Returns the titles of the windows
    read, blocking ones included."""
    before = open_windows()
    seen: list[str] = []
    Watchdog(texts, keep, seen).run(action)
    QApplication.processEvents()
    opened = [w for w in open_windows() if not any(w is b for b in before)]
    for window in opened:
        seen.append(window.windowTitle() or type(window).__name__)
        texts.extend(visible_texts(window))
        if depth > 1:
            seen.extend(explore_buttons(window, [*keep, window], texts, depth - 1))
    for window in reversed(opened):
        if shiboken6.isValid(window):
            close_window(window)
    return seen


def explore_buttons(window: QWidget, keep: list[QWidget], texts: Texts, depth: int) -> list[str]:
    """:func:`explore` each "…" button of ``window`` once (a window may rebuild its buttons
    after a dialog: they are looked up again each time)."""
    seen: list[str] = []
    clicked: set[str] = set()
    while shiboken6.isValid(window) and window.isVisible():
        todo = [b for b in dialog_buttons(window) if b.text() not in clicked]
        if not todo:
            break
        clicked.add(todo[0].text())
        seen.extend(explore(todo[0].click, keep, texts, depth))
    return seen


def verdict(texts: Texts) -> None:
    english = english_in(texts)
    assert english == [], f"{len(english)} texts with English words:\n" + "\n".join(english)


@pytest.fixture
def window(qtbot, services: Services) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    services.dossiers.receive(make_draft())
    window = MainWindow(services, TaskRunner(synchronous=True))
    window.relaunch = lambda: True  # never start a second copy of the software
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    yield window
    for w in open_windows():
        if w is not window:
            close_window(w)


def test_the_checker_finds_english_and_passes_vietnamese() -> None:
    assert english_words("&Yes") == ["Yes"]
    assert english_words("Cu&t\tCtrl+X") == ["Cut"]
    assert english_words("<b>OK</b>") == ["OK"]
    assert english_words("Show Details...") == ["Show", "Details"]
    assert english_words("Files of &type:") == ["Files", "of", "type"]
    # Vietnamese syllables without marks, names and paths are not English.
    assert english_words("Phường Long Biên, xã Con Cuông, tin nhắn") == []
    assert english_words("Gửi qua Email bằng PostgreSQL; phím Tab, Ctrl+S") == []
    assert english_words("Dữ liệu: /tmp/pytest-of-root/data") == []
    assert english_words("&Có") == english_words("Khô&ng với tất cả") == []
    with pytest.raises(AssertionError, match="'Close'"):
        verdict([("box button", "Close")])


def test_every_page_and_menu_of_the_main_window_is_vietnamese(window: MainWindow) -> None:
    texts: Texts = []
    for index in range(OUTBOX + 1):
        window.show_page(index)
        QApplication.processEvents()
        assert window.pages.currentIndex() == index
        texts.extend(visible_texts(window))
    assert len(texts) > 200 and any("Hệ thống" in t for _, t in texts)
    verdict(texts)


def test_the_buttons_of_the_pages_open_vietnamese_dialogs(window: MainWindow) -> None:
    texts: Texts = []
    opened: list[str] = []
    for index in range(OUTBOX + 1):
        window.show_page(index)
        QApplication.processEvents()
        opened += explore_buttons(window.pages.currentWidget(), [window], texts, 2)
    # The postal page's status import asks for a file; the outbox its destinations.
    assert "QFileDialog" in opened or any("tệp" in t.lower() for t in opened), opened
    verdict(texts)


@pytest.mark.parametrize("action", MENU_DIALOGS)
def test_each_dialog_of_the_menus_is_vietnamese(window: MainWindow, action: str) -> None:
    texts: Texts = []
    opened = explore(getattr(window, action).trigger, [window], texts)
    assert opened, f"{action} opened nothing"
    verdict(texts)


def test_the_dossier_detail_and_its_dialogs_are_vietnamese(qtbot, services: Services) -> None:  # type: ignore[no-untyped-def]
    code = services.dossiers.receive(make_draft()).code
    texts: Texts = []

    dialog = DossierDetailDialog(services, TaskRunner(synchronous=True), code)
    qtbot.addWidget(dialog)
    opened = explore(dialog.show, [dialog], texts)
    assert opened[0] == f"Hồ sơ {code}"
    assert len(opened) >= 10, opened  # the detail, its 6 moves, apology, correction, return
    verdict(texts)


def test_the_scan_dialogs_are_vietnamese(qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The paper's scan (with a scanner, pages and the scanner folder), the viewer, the strip."""
    runner = TaskRunner(synchronous=True)
    (tmp_path / "quét").mkdir()
    set_scanner_folder(tmp_path / "quét")
    files = [page_file(tmp_path, "a.png", "a4"), page_file(tmp_path, "b.png", "slip")]
    dialog = PaperScanDialog(runner, "Giấy khai sinh", scanner=FakeScanner(pages=1))
    qtbot.addWidget(dialog)
    dialog.add_files(files)
    dialog.banner.setText("Đã thêm 1 trang từ thư mục máy quét: a.png.")
    dialog.banner.show()
    texts: Texts = []
    opened = explore(dialog.show, [dialog], texts)
    assert opened[0] == "Bản quét: Giấy khai sinh" and len(opened) >= 2, opened
    pdf = compose_files(files, dpi=DPI).data
    viewer = ScanViewer(pdf, runner, title="Bản số hóa: 1. Giấy khai sinh")
    qtbot.addWidget(viewer)
    opened = explore(viewer.show, [viewer], texts)
    strip = ScanStrip(lambda _id: pdf, runner)
    qtbot.addWidget(strip)
    strip.show()
    texts += visible_texts(strip)
    strip.set_attachments([])
    texts += visible_texts(strip)
    verdict(texts)


def test_the_question_before_dropping_typed_data_says_co_khong(window: MainWindow) -> None:
    window.show_page(0)
    window.intake.applicant.full_name.setText("Nguyễn Văn Bình")
    assert window.intake.is_dirty()
    texts: Texts = []
    Watchdog(texts, [window]).run(window.new_action.trigger)
    buttons = [t for where, t in texts if where.endswith(" button")]
    assert "&Có" in buttons and "&Không" in buttons
    assert any("Bỏ thông tin đang nhập" in t for _, t in texts)
    verdict(texts)


# -- Qt's own parts -----------------------------------------------------------------------------
def context_menu(widget: QWidget, qtbot) -> Texts:  # type: ignore[no-untyped-def]
    """What the right-click menu of ``widget`` shows (it runs its own loop: read, then closed)."""
    qtbot.addWidget(widget)
    widget.show()
    texts: Texts = []
    at = QPoint(5, 5)
    target = widget.viewport() if isinstance(widget, QAbstractScrollArea) else widget
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, at, target.mapToGlobal(at))
    # A spin box runs its menu with exec() (the watchdog reads it), a text field or a scroll
    # bar pops it up and returns.
    Watchdog(texts, []).run(lambda: QApplication.sendEvent(target, event))
    popup = QApplication.activePopupWidget()
    if popup is not None:
        texts.extend(visible_texts(popup))
        popup.close()
        QApplication.processEvents()
    assert texts, f"no context menu on {type(widget).__name__}"
    return texts


def test_context_menus_of_text_fields_spin_boxes_and_scroll_bars(qtbot) -> None:  # type: ignore[no-untyped-def]
    line, edit = QLineEdit("Nguyễn"), QTextEdit()
    line.selectAll()
    menus = {
        "line": [a.text() for a in line.createStandardContextMenu().actions() if a.text()],
        "text": [a.text() for a in edit.createStandardContextMenu().actions() if a.text()],
    }
    assert menus["line"] == [
        "&Hoàn tác\tCtrl+Z",
        "&Làm lại\tCtrl+Y",
        "&Cắt\tCtrl+X",
        "&Sao chép\tCtrl+C",
        "&Dán\tCtrl+V",
        "Xóa",
        "Chọn tất cả\tCtrl+A",
    ]
    assert menus["text"] == menus["line"]
    texts: Texts = [("menu", t) for m in menus.values() for t in m]
    for widget in (QLineEdit("x"), QPlainTextEdit("x"), QSpinBox(), QDateEdit()):
        texts += context_menu(widget, qtbot)
    bar = QScrollBar(Qt.Orientation.Vertical)
    bar.resize(20, 200)
    scroll = context_menu(bar, qtbot)
    assert [t for _, t in scroll][:3] == ["Cuộn tới đây", "Trên cùng", "Dưới cùng"]
    spin = [t for w, t in texts if "QSpinBox" in w or "QAbstractSpinBox" in w]
    assert "Tă&ng" in [t for _, t in texts] and "&Giảm" in [t for _, t in texts], spin
    verdict(texts + scroll)


def test_message_boxes_and_standard_buttons(qtbot) -> None:  # type: ignore[no-untyped-def]
    box = QMessageBox(QMessageBox.Icon.Question, "Hỏi", "Bỏ thông tin đang nhập?")
    box.setStandardButtons(
        QMessageBox.StandardButton.Yes
        | QMessageBox.StandardButton.No
        | QMessageBox.StandardButton.Cancel
    )
    box.setDetailedText("Chi tiết")
    qtbot.addWidget(box)
    box.show()
    assert sorted(b.text() for b in box.buttons() if b.isVisible()) == sorted(
        ["&Có", "&Không", "Hủy", "Xem chi tiết..."]
    )
    every = QDialogButtonBox.StandardButton(0)
    for flag in QDialogButtonBox.StandardButton:
        if flag is not QDialogButtonBox.StandardButton.NoButton:
            every |= flag
    buttons = QDialogButtonBox(every)
    qtbot.addWidget(buttons)
    names = {b.text() for b in buttons.buttons()}
    assert {"Đồng ý", "Hủy", "Lưu", "Đóng", "Áp dụng", "Không lưu", "Khôi phục mặc định"} <= names
    assert len(names) == 18
    texts = visible_texts(box) + visible_texts(buttons)
    for kind in ("information", "warning", "critical"):
        texts += run_blocking(
            lambda kind=kind: getattr(QMessageBox, kind)(None, "Thông báo", "Xong.")
        )
    verdict(texts)


def run_blocking(action: Callable[[], object]) -> Texts:
    texts: Texts = []
    Watchdog(texts, []).run(action)
    assert texts, "nothing was shown"
    return texts


def test_file_dialogs(qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "báo cáo.xlsx").write_bytes(b"x")
    texts: Texts = []
    for mode in (QFileDialog.AcceptMode.AcceptOpen, QFileDialog.AcceptMode.AcceptSave):
        for view in (QFileDialog.ViewMode.Detail, QFileDialog.ViewMode.List):
            dialog = QFileDialog(None, "Chọn tệp", str(tmp_path), "Bảng tính (*.xlsx)")
            dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
            dialog.setAcceptMode(mode)
            dialog.setViewMode(view)
            qtbot.addWidget(dialog)
            dialog.show()
            texts += visible_texts(dialog)
    found = {t for _, t in texts}
    assert {"&Tìm trong:", "&Tên tệp:", "&Loại tệp:", "Quay lại", "Tạo thư mục mới"} <= found
    assert {"Tên", "Kích thước", "Loại", "Ngày sửa đổi"} <= found
    # Saving over an existing file asks, in Vietnamese.
    save = QFileDialog(None, "Lưu", str(tmp_path))
    save.setOption(QFileDialog.Option.DontUseNativeDialog)
    save.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    qtbot.addWidget(save)
    save.show()
    save.selectFile(str(tmp_path / "báo cáo.xlsx"))
    asked = run_blocking(save.accept)
    assert any("đã có" in t and "thay thế" in t for _, t in asked), asked
    verdict(texts + asked)


def test_print_and_page_setup_dialogs(qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    printer = QPrinter()
    printer.setOutputFileName(str(tmp_path / "phieu.pdf"))
    texts: Texts = []
    for dialog in (
        QPrintDialog(printer),
        QPageSetupDialog(printer),
        QPrintPreviewDialog(printer),
    ):
        qtbot.addWidget(dialog)
        dialog.show()
        QApplication.processEvents()
        texts += visible_texts(dialog)
    found = {t for _, t in texts}
    assert {"&In", "Máy in", "Số bản", "Xếp theo bộ", "Tùy chọn", "In hai mặt"} <= found, found
    assert {"Hướng giấy", "Đứng", "Nằm ngang", "Lề"} <= found, found
    verdict(texts)


def test_wizard_input_progress_and_calendar(qtbot) -> None:  # type: ignore[no-untyped-def]
    texts: Texts = []
    for style in (QWizard.WizardStyle.ClassicStyle, QWizard.WizardStyle.ModernStyle):
        wizard = QWizard()
        wizard.setWizardStyle(style)
        wizard.setOption(QWizard.WizardOption.HaveHelpButton)
        for _ in range(2):
            wizard.addPage(QWizardPage())
        qtbot.addWidget(wizard)
        wizard.show()
        texts += visible_texts(wizard)
    assert {"< &Quay lại", "&Tiếp theo >", "&Hoàn tất", "Hủy", "Trợ &giúp"} <= {t for _, t in texts}
    progress = QProgressDialog()
    progress.setLabelText("Đang xuất…")
    qtbot.addWidget(progress)
    texts += visible_texts(progress)
    texts += run_blocking(lambda: QInputDialog.getText(None, "Tên", "Tên nơi nhận:"))
    date = QDateEdit()
    date.setCalendarPopup(True)
    qtbot.addWidget(date)
    calendar = date.calendarWidget()
    texts += visible_texts(calendar)
    assert any(t.lower().startswith("tháng") for _, t in texts), "month names are Vietnamese"
    verdict(texts)
