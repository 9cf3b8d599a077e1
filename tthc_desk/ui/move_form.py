"""The frame of the dialogs that record one move of a dossier: the moment, the move's own
inputs, a note.

Each dialog (``move_dialogs``, ``supplement_dialog``) asks only what its move needs and adds it
to the ``MoveRequest`` built here, which goes to ``LifecycleService.move`` on the writer thread.
A refusal from the service (impossible move, missing reason, moment in the future) is shown
inline under the input it concerns, or above the buttons when it concerns the move itself; on
success ``move_done`` carries the ``MoveOutcome`` (with its warnings) and the dialog closes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QCoreApplication, QDate, QDateTime, QTime, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QFormLayout,
    QLineEdit,
    QWidget,
)

from tthc_desk.domain.dossier import Dossier
from tthc_desk.domain.lifecycle import Move
from tthc_desk.domain.text import nfc
from tthc_desk.services.container import Services
from tthc_desk.services.lifecycle_service import MoveOutcome, MoveRequest
from tthc_desk.ui.display import form_field, minute_of
from tthc_desk.ui.form_dialog import Fields, FormDialog
from tthc_desk.ui.labels import label
from tthc_desk.ui.tasks import TaskRunner


def moment_edit(moment: datetime) -> QDateTimeEdit:
    edit = QDateTimeEdit(
        QDateTime(
            QDate(moment.year, moment.month, moment.day),
            QTime(moment.hour, moment.minute, moment.second),
        )
    )
    edit.setDisplayFormat("dd/MM/yyyy HH:mm")
    edit.setCalendarPopup(True)
    return edit


def unit_combo(units: list[str], current: str = "") -> QComboBox:
    """The specialist units, editable (a unit outside the list can be typed)."""
    combo = QComboBox()
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    for unit in dict.fromkeys(u for u in units if u):
        combo.addItem(unit)
    if current:
        combo.setCurrentText(current)
    combo.setMinimumWidth(320)
    return combo


class MoveDialog(FormDialog):
    """The moment of the move, the move's own inputs, a note; ``move_done`` with the outcome."""

    move_done = Signal(object)  # MoveOutcome

    def __init__(
        self,
        services: Services,
        runner: TaskRunner,
        dossier: Dossier,
        move: Move,
        parent: QWidget | None = None,
    ) -> None:
        self.dossier = dossier  # the form's rows read them
        self.move_kind = move
        self.outcome: MoveOutcome | None = None
        super().__init__(
            services,
            runner,
            label(move),
            f"{dossier.code} · {dossier.applicant.full_name} · {dossier.procedure_name}",
            parent,
            window_title=QCoreApplication.translate("MoveDialog", "{0} – hồ sơ {1}").format(
                label(move), dossier.code
            ),
        )
        self.setObjectName("moveDialog")

    def fields(self, form: QFormLayout) -> Fields:
        self.at_edit = moment_edit(self.services.clock.now())
        fields: Fields = {"at": form_field(form, self.tr("Thời điểm"), self.at_edit)}
        fields.update(self.build(form))
        self.note_edit = QLineEdit()
        self.note_edit.setPlaceholderText(self.tr("Ghi chú (không bắt buộc)"))
        form.addRow(self.tr("Ghi chú"), self.note_edit)
        return fields

    # -- for subclasses -----------------------------------------------------------------------
    def request(self) -> MoveRequest:
        """The move as typed; a dialog adds its own inputs with ``dataclasses.replace``."""
        return MoveRequest(self.move_kind, at=self.moment(), note=nfc(self.note_edit.text()))

    def moment(self) -> datetime:
        return minute_of(self.at_edit)

    def work(self) -> Callable[[], Any]:
        request, code, lifecycle = self.request(), self.dossier.code, self.services.lifecycle
        return lambda: lifecycle.move(code, request)

    def done_with(self, result: Any) -> None:
        self.outcome = result
        self.move_done.emit(result)
