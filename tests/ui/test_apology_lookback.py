"""The apology page: automatic drafts only within the look-back (the current and previous
reporting month by default, a setting of the office), never a new appointment in the past, and
the first letter selected when the page opens."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtWidgets import QApplication

from tests.conftest import make_draft
from tthc_desk.domain.clock import FixedClock
from tthc_desk.domain.dossier import Person
from tthc_desk.domain.lifecycle import Move
from tthc_desk.services.container import Services
from tthc_desk.services.lifecycle_service import MoveRequest
from tthc_desk.ui.main_window import LETTERS, MainWindow
from tthc_desk.ui.settings_dialog import SettingsDialog
from tthc_desk.ui.tasks import TaskRunner

NOW = datetime(2026, 3, 4, 9, 0)  # Wednesday


def settled_late(services: Services, clock: FixedClock, received: datetime, name: str) -> str:
    clock.set(received)
    person = Person(full_name=name, id_number=f"0011900{received:%y%m%d}"[:12])
    code = services.dossiers.receive(make_draft(applicant=person)).code  # same day, 17:00
    clock.set(received.replace(day=received.day + 2, hour=9))
    services.lifecycle.move(code, MoveRequest(Move.RESULT_READY))
    return code


def test_the_apology_page_drafts_within_the_look_back_and_selects_the_first_row(
    qtbot, services: Services, clock: FixedClock
) -> None:  # type: ignore[no-untyped-def]
    old = settled_late(services, clock, datetime(2024, 3, 4, 8, 30), "Phạm Văn Cũ")
    recent = settled_late(services, clock, datetime(2026, 2, 23, 8, 30), "Lê Thị Hoa")
    late = settled_late(services, clock, datetime(2026, 1, 19, 8, 30), "Đỗ Văn Mới")
    clock.set(NOW)
    window = MainWindow(services, TaskRunner(synchronous=True))
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    window.start_attention()  # the background scan, as at start-up
    window.attention_bar.letters_button.click()
    assert window.pages.currentIndex() == LETTERS
    page = window.letters
    codes = {page.model.letter_at(r).dossier_code for r in range(page.model.rowCount())}
    assert codes == {recent, late} and old not in codes  # due 15/01/2026 or later only
    for r in range(page.model.rowCount()):
        assert page.model.letter_at(r).proposed_due_at >= NOW  # never a date in the past
    assert [x.dossier_code for x in page.selected()] == [page.model.letter_at(0).dossier_code]
    assert page.table.currentIndex().row() == 0
    assert page.edit_button.isEnabled()
    QApplication.processEvents()
    window.grab().save("/tmp/tthc-apology-page.png")


def test_the_look_back_is_a_setting_of_the_office(qtbot, services: Services) -> None:  # type: ignore[no-untyped-def]
    dialog = SettingsDialog(services)
    qtbot.addWidget(dialog)
    assert dialog.lookback_spin.value() == 2
    assert dialog.lookback_spin.suffix() == " tháng báo cáo gần nhất"
    dialog.lookback_spin.setValue(1)
    assert dialog.save()
    assert services.apologies.lookback_months() == 1
    assert services.apologies.lookback_since() == datetime(2026, 2, 15)  # now: 02/03/2026
    again = SettingsDialog(services)
    qtbot.addWidget(again)
    assert again.lookback_spin.value() == 1
