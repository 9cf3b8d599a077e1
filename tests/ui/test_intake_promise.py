"""Issue 11 at the counter: a retried intake is asked about before it is saved again, and a
receipt that cannot be made after the save says the dossier WAS saved."""

from __future__ import annotations

import errno

import pytest
from PySide6.QtWidgets import QMessageBox

from tests.conftest import make_draft
from tests.ui.keys import type_text
from tests.ui.test_intake_page import fill_applicant, pick_procedure
from tthc_desk.services.container import Services
from tthc_desk.services.dossier_service import DossierQuery
from tthc_desk.services.print_service import PrintService
from tthc_desk.ui import errors
from tthc_desk.ui.intake_page import IntakePage
from tthc_desk.ui.tasks import TaskRunner


@pytest.fixture
def page(qtbot, services: Services) -> IntakePage:  # type: ignore[no-untyped-def]
    runner = TaskRunner(synchronous=True)
    page = IntakePage(services, runner)
    page._test_runner = runner  # keep the runner alive as long as the page
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    return page


def _type_the_same_intake(qtbot, page: IntakePage) -> None:  # type: ignore[no-untyped-def]
    pick_procedure(qtbot, page, "khai sinh")
    fill_applicant(page, "Nguyễn Thị Hồng Nhung", "001190012345")
    if not page.applicant.phone.text():  # a known applicant is filled in from the ID number
        type_text(page.applicant.phone, "0912345678")


def test_a_retried_intake_asks_before_saving_again(
    qtbot, page: IntakePage, services: Services
) -> None:  # type: ignore[no-untyped-def]
    page.print_after_save = False
    first = services.dossiers.receive(make_draft())
    _type_the_same_intake(qtbot, page)
    page.save_button.click()
    box = page.duplicate_box
    assert box is not None and box.isVisible()
    assert first.code in box.text()
    assert services.dossiers.count(DossierQuery()) == 1
    # "Không lưu": nothing saved, the form kept
    no = next(b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.RejectRole)
    no.click()
    assert services.dossiers.count(DossierQuery()) == 1
    assert not page.applicant.is_empty()
    # asked again, "Lưu hồ sơ mới": saved
    page.save_button.click()
    box = page.duplicate_box
    yes = next(b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.AcceptRole)
    yes.click()
    assert services.dossiers.count(DossierQuery()) == 2
    assert page.last_dossier is not None and page.last_dossier.code != first.code


def test_a_receipt_that_cannot_be_made_says_the_dossier_was_saved(  # type: ignore[no-untyped-def]
    qtbot, page: IntakePage, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(self: PrintService, code: str, copies: int | None = None) -> bytes:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(PrintService, "receipt_pdf", disk_full)
    shown: list[str] = []
    real = errors.ErrorDialog.__init__

    def spy(self, message, *a, **k):  # type: ignore[no-untyped-def]
        shown.append(message)
        real(self, message, *a, **k)

    monkeypatch.setattr(errors.ErrorDialog, "__init__", spy)
    _type_the_same_intake(qtbot, page)
    page.save_button.click()
    assert services.dossiers.count(DossierQuery()) == 1
    code = page.last_dossier.code  # type: ignore[union-attr]
    assert len(shown) == 1
    assert f"Hồ sơ {code} ĐÃ ĐƯỢC LƯU" in shown[0]
    assert "ổ đĩa đã đầy" in shown[0] and "In lại giấy tiếp nhận" in shown[0]
    assert "No space" not in shown[0]
