"""Work off the GUI thread comes back on it; the receipt preview prints and saves."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter

from tests.conftest import make_draft
from tests.ui.keys import type_text
from tthc_desk.services.container import Services
from tthc_desk.ui.dossier_list_page import DossierListPage
from tthc_desk.ui.print_preview import ReceiptDialog
from tthc_desk.ui.tasks import TaskRunner


def test_work_runs_on_a_worker_and_answers_on_the_gui_thread(qtbot) -> None:  # type: ignore[no-untyped-def]
    runner = TaskRunner()
    seen: dict[str, object] = {}

    def work() -> int:
        seen["worker"] = threading.current_thread()
        return 42

    def done(value: int) -> None:
        seen["value"] = value
        seen["callback"] = threading.current_thread()

    runner.run(work, done)
    qtbot.waitUntil(lambda: "value" in seen, timeout=5000)
    assert seen["value"] == 42
    assert seen["worker"] is not threading.main_thread()
    assert seen["callback"] is threading.main_thread()
    assert not runner.busy


def test_errors_come_back_and_writes_keep_their_order(qtbot) -> None:  # type: ignore[no-untyped-def]
    runner = TaskRunner()
    errors: list[BaseException] = []
    order: list[int] = []
    runner.run(lambda: 1 / 0, None, errors.append)
    for i in range(5):
        runner.run(lambda i=i: i, order.append, write=True)
    qtbot.waitUntil(lambda: len(order) == 5 and bool(errors), timeout=5000)
    assert isinstance(errors[0], ZeroDivisionError)
    assert order == [0, 1, 2, 3, 4]


def test_synchronous_runner_answers_before_returning() -> None:
    runner = TaskRunner(synchronous=True)
    got: list[str] = []
    runner.run(lambda: "ok", got.append)
    assert got == ["ok"]


def test_list_search_off_the_gui_thread_keeps_only_the_latest_answer(
    qtbot, services: Services
) -> None:  # type: ignore[no-untyped-def]
    services.dossiers.receive(make_draft())
    page = DossierListPage(services, TaskRunner())
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.model.loaded_count() == 1, timeout=5000)
    type_text(page.search_edit, "khong")
    page.refresh()
    type_text(page.search_edit, " co")
    page.refresh()
    page.search_edit.setText("nguyen thi")
    page.refresh()
    qtbot.waitUntil(lambda: page.count_label.text() == "Tìm thấy 1 hồ sơ", timeout=5000)
    assert page.model.loaded_count() == 1
    page._runner.wait()


@pytest.fixture
def receipt(qtbot, services: Services) -> ReceiptDialog:  # type: ignore[no-untyped-def]
    code = services.dossiers.receive(make_draft()).code
    dialog = ReceiptDialog(
        services.printing.receipt_pdf(code),
        title="Giấy tiếp nhận",
        file_name=f"{code}.pdf",
        output_dir=services.paths.output_dir,
        runner=TaskRunner(synchronous=True),
    )
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_preview_shows_the_pages_and_prints_them(receipt: ReceiptDialog, tmp_path: Path) -> None:
    assert len(receipt.pages) == 2  # Liên 1 and Liên 2
    assert receipt.status.text() == "2 trang · khổ A4"
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    assert receipt.print_to(printer)
    assert len(PdfReader(tmp_path / "printed.pdf").pages) == 2
