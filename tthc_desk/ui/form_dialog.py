"""The frame every small "record this" dialog shares: a title, a line saying what it is about,
a form with an error under each input, a general error line, and "Ghi nhận" / "Hủy".

A dialog adds its inputs in :meth:`FormDialog.build` (returning them with their error labels, for
:class:`FieldErrors`), may refuse early in :meth:`FormDialog.check`, and says in ``work`` which
service call to make from what was typed. The call runs on the writer thread; a refusal comes
back inline (each message under its input, the rest in the general line), anything else in the
error dialog; success goes to :meth:`FormDialog.done_with` and closes the dialog.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tthc_desk.domain.errors import TthcError, ValidationError
from tthc_desk.services.container import Services
from tthc_desk.ui.display import error_label, heading_font, muted_label
from tthc_desk.ui.errors import FieldErrors, show_error
from tthc_desk.ui.tasks import TaskRunner

Fields = dict[str, tuple[QWidget, QLabel]]


class FormDialog(QDialog):
    #: Each dialog defines it: the service call to make, built from what was typed.
    work: Callable[[], Callable[[], Any]]
    #: A refusal that is not about one input (a name taken, a right missing) is shown in the
    #: general line rather than in the error dialog.
    INLINE_ERRORS = False

    def __init__(
        self,
        services: Services,
        runner: TaskRunner,
        title: str,
        subtitle: str,
        parent: QWidget | None = None,
        *,
        window_title: str = "",
        ok_text: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.runner = runner
        self.setWindowTitle(window_title or title)
        self.setMinimumWidth(560)
        heading = QLabel(title)
        heading.setFont(heading_font(self.font(), 1.3))
        self.form = QFormLayout()
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.errors = FieldErrors(self.fields(self.form))
        self.general_error = error_label()
        self.general_error.setObjectName("generalError")
        self.ok_button = QPushButton(self.tr("Ghi nhận") if ok_text is None else ok_text)
        self.ok_button.setDefault(True)
        self.cancel_button = QPushButton(self.tr("Hủy"))
        self.cancel_button.setAutoDefault(False)
        self.ok_button.clicked.connect(self._on_ok_button_clicked)
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.ok_button)
        buttons.addWidget(self.cancel_button)
        self.root = QVBoxLayout(self)
        # Never smaller than the form needs: the dialog grows when error lines appear. (This
        # rule sets the minimum size itself: a dialog wider than its form needs a strut.)
        self.root.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        self.root.addWidget(heading)
        self.root.addWidget(muted_label(subtitle))
        self.root.addLayout(self.form)
        self.root.addWidget(self.general_error)
        self.root.addLayout(buttons)

    # -- for the dialogs ----------------------------------------------------------------------
    def fields(self, form: QFormLayout) -> Fields:
        """The whole form; a family of dialogs adds its common rows around :meth:`build`."""
        return self.build(form)

    def build(self, form: QFormLayout) -> Fields:
        """Add the dialog's own inputs to ``form``; return them with their error labels."""
        return {}

    def check(self) -> ValidationError | None:
        """A problem the dialog sees before asking the service (a required reason)."""
        return None

    def done_with(self, result: Any) -> None:
        """The service's answer: keep it, tell whoever listens."""

    # -- submitting ---------------------------------------------------------------------------
    def submit(self) -> None:
        self.errors.clear()
        self.general_error.hide()
        problem = self.check()
        if problem is not None:
            self._on_work_failed(problem)
            return
        self.ok_button.setEnabled(False)
        self.runner.run(
            self.work(),
            self._on_work_done,
            self._on_work_failed,
            write=True,
            label=self.windowTitle(),
        )

    def _on_ok_button_clicked(self) -> None:
        self.submit()

    def _on_work_done(self, result: Any) -> None:
        self.done_with(result)
        self.accept()

    def _on_work_failed(self, exc: BaseException) -> None:
        self.ok_button.setEnabled(True)
        if not isinstance(exc, ValidationError):
            if self.INLINE_ERRORS and isinstance(exc, TthcError):
                self.general_error.setText(exc.message)
                self.general_error.show()
            else:
                show_error(self, exc)
            return
        bad = self.errors.show(exc)
        rest = list(self.errors.unmatched.values())
        if not exc.field_messages() or not self.errors.messages():
            rest.insert(0, exc.message)
        if rest:
            self.general_error.setText("\n".join(dict.fromkeys(rest)))
            self.general_error.show()
        # A wrapped message needs height the minimum-size rule does not foresee: make room, so
        # no row of the form is squeezed.
        self.resize(
            self.width(),
            max(self.height(), self.heightForWidth(self.width()), self.sizeHint().height()),
        )
        if bad is not None:
            bad.setFocus()
