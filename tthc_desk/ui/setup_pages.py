"""The office pages of the first-run setup wizard: the office, its head and signing line, its
hours, its specialist units (issue 9 §1; rules.md "Office and agencies", "Calendar and office
hours").

Each page checks what was typed on Next with the rules the settings service applies when the
wizard finishes (:func:`~tthc_desk.domain.office.validate_office`, ``validate_hours``), keeping
the problems of its own fields, and shows them under their inputs. Field keys are the ones the
rules name, so a problem found only at Finish comes back to the page it belongs to.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from html import escape
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from tthc_desk.domain.errors import Problem, ValidationError
from tthc_desk.domain.office import (
    DEMO_OFFICE,
    OfficeHours,
    OfficeProfile,
    agency_id_problem,
    normalise_office,
    validate_hours,
    validate_office,
)
from tthc_desk.domain.text import collapse_spaces
from tthc_desk.ui.display import MUTED_COLOR, muted_label, with_error
from tthc_desk.ui.errors import FieldErrors
from tthc_desk.ui.hours_form import HoursWidget
from tthc_desk.ui.list_editor import ListEditor

#: The serif the forms print in, for the previews of what will print.
PRINT_FONT = '"Liberation Serif", "Times New Roman", serif'


def problems_of(check: Callable[[], object], keys: Iterable[str]) -> list[Problem]:
    """The problems ``check`` raises on the fields ``keys`` (or under one: ``hours`` →
    ``hours.3``); the rest belong to other pages."""
    try:
        check()
    except ValidationError as exc:
        wanted = set(keys)
        return [p for p in exc.problems if p.field and _belongs(p.field, wanted)]
    return []


def _belongs(field: str, keys: set[str]) -> bool:
    return field in keys or any(field.startswith(k + ".") for k in keys)


class SetupPage(QWizardPage):
    """A page of inputs, each with its error line; Next goes on only when :meth:`problems`
    finds none."""

    def __init__(self, title: str, subtitle: str) -> None:
        super().__init__()
        self.setTitle(title)
        self.setSubTitle(subtitle)
        self._fields: dict[str, tuple[QWidget, QLabel]] = {}
        self.errors = FieldErrors({})

    def _field(self, form: QFormLayout, key: str, label: str, widget: QWidget) -> QWidget:
        """Add ``widget`` as a row of ``form`` under ``key``, with its error line."""
        box, error = with_error(widget)
        form.addRow(label, box)
        self._fields[key] = (widget, error)
        return widget

    def _fields_done(self) -> None:
        """Call once every input is added: errors are shown from then on."""
        self.errors = FieldErrors(self._fields)

    def problems(self) -> list[Problem]:
        """What is wrong on this page, keyed by field; nothing on a page without inputs."""
        return []

    def show_problems(self, exc: ValidationError) -> bool:
        """Show the problems of ``exc`` that belong here (clearing the others); True if any,
        with the focus on the first input concerned."""
        bad = self.errors.show(exc)
        if bad is not None:
            bad.setFocus()
        return bad is not None

    def validatePage(self) -> bool:
        problems = self.problems()
        if not problems:
            self.errors.clear()
            return True
        return not self.show_problems(ValidationError(self.title(), problems))


def _line_edit(key: str, text: str, example: str = "") -> QLineEdit:
    edit = QLineEdit(text)
    edit.setObjectName(key)
    if example:
        edit.setPlaceholderText(example)
    return edit


class OfficePage(SetupPage):
    """The office as printed at the head of every form and in every dossier code."""

    KEYS = (
        "parent_authority",
        "office_name",
        "province",
        "place_name",
        "agency_id",
        "address",
        "phone",
        "email",
    )

    def __init__(self, profile: OfficeProfile) -> None:
        super().__init__(
            self.tr("Cơ quan"),
            self.tr(
                "Tên cơ quan in ở đầu mọi giấy tờ và mã định danh đứng đầu mọi mã hồ sơ. "
                "Các mục có dấu * là bắt buộc."
            ),
        )
        self._profile = profile
        labels = {
            "parent_authority": self.tr("Tên cơ quan chủ quản *"),
            "office_name": self.tr("Tên bộ phận một cửa *"),
            "province": self.tr("Tỉnh, thành phố"),
            "place_name": self.tr("Địa danh ghi ngày tháng *"),
            "agency_id": self.tr("Mã định danh cơ quan *"),
            "address": self.tr("Địa chỉ"),
            "phone": self.tr("Điện thoại"),
            "email": self.tr("Thư điện tử"),
        }
        form = QFormLayout(self)
        self.edits: dict[str, QLineEdit] = {}
        for key in self.KEYS:
            example = self.tr("Ví dụ: {0}").format(getattr(DEMO_OFFICE, key))
            edit = _line_edit(key, getattr(profile, key), example)
            self.edits[key] = edit
            self._field(form, key, labels[key], edit)
            if key == "agency_id":
                note = self.tr("Mã hồ sơ bắt đầu bằng mã này, ví dụ {0}-260302-0001.")
                form.addRow("", muted_label(note.format(DEMO_OFFICE.agency_id)))
        self.edits["agency_id"].editingFinished.connect(self._on_agency_edit_editing_finished)
        self._fields_done()

    def values(self) -> dict[str, Any]:
        """The text of each input by profile field (``Any``: ``replace`` reads them by name)."""
        return {key: edit.text() for key, edit in self.edits.items()}

    def problems(self) -> list[Problem]:
        profile = normalise_office(replace(self._profile, **self.values()))
        return problems_of(lambda: validate_office(profile), self.KEYS)

    def _on_agency_edit_editing_finished(self) -> None:
        """Said as soon as the clerk leaves the input, not only on Next."""
        typed = collapse_spaces(self.edits["agency_id"].text())
        self.errors.set("agency_id", (agency_id_problem(typed) or "") if typed else "")


class HeadPage(SetupPage):
    """Who signs for the office, with the signing block as it will print."""

    KEYS = ("head_name", "head_title", "head_sign_prefix")

    def __init__(self, profile: OfficeProfile) -> None:
        super().__init__(
            self.tr("Lãnh đạo"),
            self.tr(
                "Người đứng đầu ký phiếu xin lỗi, danh sách hồ sơ trễ hạn và các giấy tờ "
                "của cơ quan."
            ),
        )
        self._profile = profile
        form = QFormLayout()
        self.edits: dict[str, QLineEdit] = {}
        labels = {
            "head_name": self.tr("Họ tên người đứng đầu *"),
            "head_title": self.tr("Chức vụ"),
            "head_sign_prefix": self.tr("Thẩm quyền ký"),
        }
        for key in self.KEYS:
            example = self.tr("Ví dụ: {0}").format(getattr(DEMO_OFFICE, key))
            edit = _line_edit(key, getattr(profile, key), example)
            edit.textChanged.connect(self._on_edit_text_changed)
            self.edits[key] = edit
            self._field(form, key, labels[key], edit)
        form.addRow(
            "",
            muted_label(
                self.tr(
                    "Để trống thẩm quyền ký khi người đứng đầu ký trực tiếp; ghi “KT. GIÁM ĐỐC” "
                    "khi cấp phó ký thay."
                )
            ),
        )
        self.preview_label = QLabel()
        self.preview_label.setObjectName("signingPreview")
        self.preview_label.setTextFormat(Qt.TextFormat.RichText)
        self.preview_label.setFrameShape(QFrame.Shape.StyledPanel)
        self.preview_label.setStyleSheet(
            "QLabel#signingPreview { background: white; color: black; padding: 10px; }"
        )
        self.preview_label.setMinimumWidth(300)
        preview = QVBoxLayout()
        preview.addWidget(QLabel(self.tr("Phần ký in ở cuối giấy tờ (xem trước):")))
        preview.addWidget(self.preview_label)
        preview.addStretch(1)
        layout = QHBoxLayout(self)
        layout.addLayout(form, 3)
        layout.addSpacing(12)
        layout.addLayout(preview, 2)
        self._fields_done()
        self._update_preview()

    def values(self) -> dict[str, Any]:
        """The text of each input by profile field (``Any``: ``replace`` reads them by name)."""
        return {key: edit.text() for key, edit in self.edits.items()}

    def problems(self) -> list[Problem]:
        profile = normalise_office(replace(self._profile, **self.values()))
        return problems_of(lambda: validate_office(profile), self.KEYS)

    def signing_lines(self) -> list[str]:
        """The lines of the signature as printed: prefix and title in capitals, the name."""
        v = {k: collapse_spaces(t) for k, t in self.values().items()}
        captions = [c.upper() for c in (v["head_sign_prefix"], v["head_title"]) if c]
        return [*captions, v["head_name"]]

    def _update_preview(self) -> None:
        *captions, name = self.signing_lines()
        if name:
            shown_name = f"<b>{escape(name)}</b>"
        else:
            missing = escape(self.tr("(họ tên người ký)"))
            shown_name = f"<i style='color: {MUTED_COLOR}'>{missing}</i>"
        lines = "".join(f"<b>{escape(c)}</b><br>" for c in captions)
        self.preview_label.setText(
            f"<div align='center' style='font-family: {PRINT_FONT}; font-size: 13pt'>"
            f"{lines}<br><br><br><br>{shown_name}</div>"
        )

    def _on_edit_text_changed(self, _text: str) -> None:
        self._update_preview()


class HoursPage(SetupPage):
    """Office hours per weekday and the same-day cut-off (rules.md defaults when none saved)."""

    def __init__(self, hours: OfficeHours) -> None:
        super().__init__(
            self.tr("Giờ làm việc"),
            self.tr(
                "Thời hạn giải quyết được tính theo các buổi làm việc này. Mặc định: Thứ Hai "
                "đến Thứ Sáu, 07:30–11:30 và 13:30–17:00; giờ chốt 15:00."
            ),
        )
        self.hours_form = HoursWidget()
        self.hours_form.set_hours(hours)
        self._fields.update(self.hours_form.error_fields())
        layout = QVBoxLayout(self)
        layout.addWidget(self.hours_form)
        self._fields_done()

    def hours(self) -> OfficeHours:
        return self.hours_form.hours()[0]

    def problems(self) -> list[Problem]:
        hours, problems = self.hours_form.hours()
        if problems:  # a day that is not a time range: the sessions cannot be judged yet
            return problems
        return problems_of(lambda: validate_hours(hours), self.errors.keys())


class UnitsPage(SetupPage):
    """The specialist units that handle dossiers, edited as in the settings dialog."""

    def __init__(self, units: tuple[str, ...]) -> None:
        super().__init__(
            self.tr("Đơn vị chuyên môn"),
            self.tr(
                "Các phòng, bộ phận nhận hồ sơ để giải quyết; có thể bổ sung sau ở "
                "Hệ thống → Cài đặt cơ quan."
            ),
        )
        self.units_list = QListWidget()
        self.units_list.setObjectName("units")
        self.units_list.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.unit_editor = ListEditor(
            self.units_list,
            lambda: self.units_list.indexFromItem(self.append_unit("")),
            self.tr("Thêm đơn vị"),
            self.tr("Xóa"),
            move_texts=(self.tr("Lên"), self.tr("Xuống")),
            vertical=True,
        )
        for unit in units:
            self.append_unit(unit)
        box, error = with_error(self.units_list)
        self._fields["units"] = (self.units_list, error)
        row = QHBoxLayout()
        row.addWidget(box, 1)
        row.addLayout(self.unit_editor.buttons_layout)
        layout = QVBoxLayout(self)
        layout.addWidget(
            muted_label(
                self.tr("Bấm “Thêm đơn vị” rồi gõ tên, Enter để xong; F2 hoặc bấm đúp để sửa tên.")
            )
        )
        layout.addLayout(row, 1)
        self._fields_done()

    def append_unit(self, name: str) -> QListWidgetItem:
        item = QListWidgetItem(name)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
        self.units_list.addItem(item)
        return item

    def units(self) -> tuple[str, ...]:
        names = (
            collapse_spaces(self.units_list.item(i).text()) for i in range(self.units_list.count())
        )
        return tuple(n for n in names if n)

    def problems(self) -> list[Problem]:
        units = list(self.units())
        dup = sorted({u for u in units if units.count(u) > 1})
        if not dup:
            return []
        return [Problem(self.tr("Tên đơn vị bị trùng: {0}.").format(", ".join(dup)), "units")]
