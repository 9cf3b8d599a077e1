"""The registers dialog while a file is written: rows done out of all in Vietnamese, a stop
button, and a stopped export that leaves no file and no error box."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from tests.conftest import make_draft
from tthc_desk.services.container import Services
from tthc_desk.ui.registers_dialog import RegistersDialog
from tthc_desk.ui.tasks import TaskRunner


def _dialog(qtbot, services: Services) -> RegistersDialog:  # type: ignore[no-untyped-def]
    for _ in range(3):
        services.dossiers.receive(make_draft(procedure_code="1.001193"))
    dialog = RegistersDialog(services, TaskRunner(synchronous=True))
    qtbot.addWidget(dialog)
    dialog.set_kind("ledger")
    dialog.set_range(date(2026, 3, 1), date(2026, 3, 31))
    return dialog


def test_progress_says_rows_done_of_all_then_the_file_is_saved(
    qtbot, services: Services, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot, services)
    said: list[str] = []
    dialog.progressed.connect(lambda *_: said.append(dialog.status_label.text()))
    dialog.save_excel(tmp_path / "so.xlsx")
    assert said[0] == "Đang ghi sổ: 0 / 3 dòng" and said[-1] == "Đang ghi sổ: 3 / 3 dòng"
    assert dialog.status_label.text() == "Đã lưu 3 dòng vào so.xlsx"
    assert dialog.stop_button.isHidden() and dialog.progress_bar.isHidden()


def test_stop_leaves_no_file_and_says_so(
    qtbot, services: Services, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot, services)
    shown: list[BaseException] = []
    monkeypatch.setattr("tthc_desk.ui.registers_dialog.show_error", lambda _w, e: shown.append(e))
    # The clerk presses Dừng as soon as the first progress shows.
    dialog.progressed.connect(lambda *_: dialog.stop_button.click())
    dialog.save_excel(tmp_path / "so.xlsx")
    assert dialog.status_label.text() == "Đã dừng, không ghi tệp nào."
    assert not [p for p in tmp_path.iterdir() if p.suffix in (".xlsx", ".part")]
    assert shown == [] and dialog.excel_button.isEnabled() and dialog.stop_button.isHidden()
