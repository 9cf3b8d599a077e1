"""Office settings: profile, specialist units and office hours (rules.md "Office and agencies",
"Calendar and office hours"). The people who log in are managed in *Hệ thống → Tài khoản…*.

Nothing is half-saved: Save first checks every tab with the same rules the settings service
applies, shows each problem next to its input, and writes only when all tabs are valid. Cancel
discards every edit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from tthc_desk.domain.apology import LOOKBACK_MONTHS_MAX
from tthc_desk.domain.errors import Problem, TthcError, ValidationError
from tthc_desk.domain.office import OfficeHours, OfficeProfile
from tthc_desk.domain.privacy import MAX_DAYS, Retention
from tthc_desk.domain.text import collapse_spaces, format_long_date
from tthc_desk.services.container import Services
from tthc_desk.services.settings_service import normalise_office, validate_hours, validate_office
from tthc_desk.ui.display import dialog_buttons, with_error
from tthc_desk.ui.errors import FieldErrors, show_error
from tthc_desk.ui.hours_form import HoursWidget
from tthc_desk.ui.list_editor import ListEditor

# The "Ví dụ: …" placeholders of the office fields: Vietnamese names and titles as they print on
# the forms, whatever language the screens are in, so data to type rather than text to translate.
OFFICE_EXAMPLES = {
    "parent_authority": "UBND PHƯỜNG ĐỒNG NGUYÊN",
    "office_name": "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG",
    "province": "Tỉnh Bắc Ninh",
    "place_name": "Đồng Nguyên",
    "agency_id": "000.17.22.H56",
    "head_title": "PHÓ GIÁM ĐỐC",
    "head_sign_prefix": "KT. GIÁM ĐỐC",
}


class SettingsDialog(QDialog):
    """Tabs "Cơ quan", "Đơn vị chuyên môn", "Giờ làm việc"; Save writes all or nothing."""

    settings_saved = Signal()

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._inputs: dict[str, tuple[QWidget, QLabel]] = {}
        self.setWindowTitle(self.tr("Cài đặt cơ quan"))
        self.setMinimumSize(720, 560)

        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_office_tab(), self.tr("Cơ quan"))
        self.tabs.addTab(self._build_units_tab(), self.tr("Đơn vị chuyên môn"))
        self.tabs.addTab(self._build_hours_tab(), self.tr("Giờ làm việc"))
        self.errors = FieldErrors(self._inputs)

        self.preview_label = QLabel()
        self.preview_label.setObjectName("headerPreview")
        self.preview_label.setTextFormat(Qt.TextFormat.RichText)
        self.preview_label.setFrameShape(QFrame.Shape.StyledPanel)
        self.preview_label.setStyleSheet(
            "QLabel#headerPreview { background: white; padding: 8px; }"
        )
        preview_title = QLabel(self.tr("Tiêu đề in trên giấy tờ (xem trước):"))

        self.buttons, self.save_button, self.cancel_button = dialog_buttons(
            self, self.tr("Lưu"), self.tr("Hủy")
        )

        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(preview_title)
        layout.addWidget(self.preview_label)
        layout.addWidget(self.buttons)

        self._load()

    # -- building -----------------------------------------------------------------------------
    def _register(self, key: str, widget: QWidget) -> QWidget:
        """``widget`` with an (initially hidden) error label under it, for FieldErrors."""
        box, label = with_error(widget)
        self._inputs[key] = (widget, label)
        return box

    def _build_office_tab(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.office_edits: dict[str, QLineEdit] = {}
        rows = [
            ("parent_authority", self.tr("Cơ quan chủ quản")),
            ("office_name", self.tr("Tên Bộ phận Một cửa")),
            ("province", self.tr("Tỉnh, thành phố")),
            ("place_name", self.tr("Địa danh ghi ngày tháng")),
            ("address", self.tr("Địa chỉ")),
            ("phone", self.tr("Điện thoại")),
            ("email", self.tr("Thư điện tử")),
            ("agency_id", self.tr("Mã định danh cơ quan")),
            ("head_name", self.tr("Họ tên người đứng đầu")),
            ("head_title", self.tr("Chức vụ")),
            ("head_sign_prefix", self.tr("Thẩm quyền ký")),
        ]
        for key, label in rows:
            example = OFFICE_EXAMPLES.get(key, "")
            edit = QLineEdit()
            edit.setObjectName(key)
            if example:
                edit.setPlaceholderText(self.tr("Ví dụ: {0}").format(example))
            edit.textChanged.connect(self._on_office_edit_text_changed)
            self.office_edits[key] = edit
            form.addRow(label, self._register(key, edit))
        self.copies_spin = QSpinBox()
        self.copies_spin.setRange(1, 5)
        self.copies_spin.setSuffix(self.tr(" liên"))
        form.addRow(
            self.tr("Số liên giấy tiếp nhận"), self._register("receipt_copies", self.copies_spin)
        )
        self.ledger_check = QCheckBox(self.tr("Mỗi năm mở một quyển sổ theo dõi mới"))
        form.addRow("", self.ledger_check)
        # How long the app's own folders keep their files (domain.privacy; 0: for ever).
        self.reports_days_spin, self.output_days_spin = self._days_spin(), self._days_spin()
        form.addRow(
            self.tr("Giữ báo cáo đã gửi (thư mục “reports”)"),
            self._register("reports_days", self.reports_days_spin),
        )
        form.addRow(
            self.tr("Giữ tệp in, tệp xuất (thư mục “output”)"),
            self._register("output_days", self.output_days_spin),
        )
        # How far back the automatic apology drafts reach (domain.apology.lookback_start).
        self.lookback_spin = QSpinBox()
        self.lookback_spin.setRange(1, LOOKBACK_MONTHS_MAX)
        self.lookback_spin.setSuffix(self.tr(" tháng báo cáo gần nhất"))
        self.lookback_spin.setToolTip(
            self.tr(
                "Phần mềm chỉ tự lập phiếu xin lỗi dự thảo cho hồ sơ có hạn trả trong ngần ấy "
                "tháng báo cáo (kể cả tháng này). Mặc định 2: tháng này và tháng trước."
            )
        )
        form.addRow(
            self.tr("Tự lập phiếu xin lỗi cho hồ sơ đến hạn trong"),
            self._register("lookback_months", self.lookback_spin),
        )
        return page

    def _days_spin(self) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(0, MAX_DAYS)
        spin.setSuffix(self.tr(" ngày"))
        spin.setSpecialValueText(self.tr("Giữ mãi"))
        return spin

    def _build_units_tab(self) -> QWidget:
        page = QWidget()
        intro = QLabel(
            self.tr("Các phòng, bộ phận chuyên môn nhận hồ sơ để giải quyết. Bấm đúp để sửa tên.")
        )
        intro.setWordWrap(True)
        self.units_list = QListWidget()
        self.units_list.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.unit_editor = ListEditor(
            self.units_list,
            lambda: self.units_list.indexFromItem(self._append_unit(self.tr("Đơn vị mới"))),
            self.tr("Thêm đơn vị"),
            self.tr("Xóa"),
            move_texts=(self.tr("Lên"), self.tr("Xuống")),
            vertical=True,
        )
        self.add_unit_button = self.unit_editor.add_button
        row = QHBoxLayout()
        row.addWidget(self._register("units", self.units_list), 1)
        row.addLayout(self.unit_editor.buttons_layout)
        layout = QVBoxLayout(page)
        layout.addWidget(intro)
        layout.addLayout(row, 1)
        return page

    def _build_hours_tab(self) -> QWidget:
        self.hours_form = HoursWidget()
        self._inputs.update(self.hours_form.error_fields())
        return self.hours_form

    # -- loading ------------------------------------------------------------------------------
    def _load(self) -> None:
        settings = self._services.settings
        self._profile = settings.office()
        for key, edit in self.office_edits.items():
            edit.setText(getattr(self._profile, key))
        self.copies_spin.setValue(self._profile.receipt_copies)
        self.ledger_check.setChecked(self._profile.ledger_book_per_year)
        self.units_list.clear()
        for unit in self._profile.units:
            self._append_unit(unit)
        self.hours_form.set_hours(settings.hours())
        try:
            retention = self._services.retention.retention()
        except ValidationError:  # a damaged value: the defaults are shown, Save repairs it
            retention = Retention()
        self.reports_days_spin.setValue(retention.reports_days)
        self.output_days_spin.setValue(retention.output_days)
        self.lookback_spin.setValue(self._services.apologies.lookback_months())
        self._update_preview()

    def _append_unit(self, name: str) -> QListWidgetItem:
        item = QListWidgetItem(name)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
        self.units_list.addItem(item)
        return item

    # -- collecting ---------------------------------------------------------------------------
    def units(self) -> tuple[str, ...]:
        names = (
            collapse_spaces(self.units_list.item(i).text()) for i in range(self.units_list.count())
        )
        return tuple(n for n in names if n)

    def office_profile(self) -> OfficeProfile:
        """The profile as typed (not yet normalised nor validated)."""
        values = {key: edit.text() for key, edit in self.office_edits.items()}
        return replace(
            self._profile,
            **values,
            units=self.units(),
            receipt_copies=self.copies_spin.value(),
            ledger_book_per_year=self.ledger_check.isChecked(),
        )

    def _check_all(self) -> tuple[OfficeProfile, OfficeHours]:
        """Validate every tab with the service's rules; raise one ValidationError for all."""
        profile = normalise_office(self.office_profile())
        hours, problems = self.hours_form.hours()
        units = list(self.units())
        dup = sorted({u for u in units if units.count(u) > 1})
        if dup:
            problems.append(
                Problem(self.tr("Tên đơn vị bị trùng: {0}.").format(", ".join(dup)), field="units")
            )
        checks: list[Callable[[], None]] = [lambda: validate_office(profile)]
        if not problems:
            checks.append(lambda: validate_hours(hours))
        for check in checks:
            try:
                check()
            except ValidationError as exc:
                problems.extend(exc.problems)
        if problems:
            raise ValidationError(
                self.tr("Chưa lưu được cài đặt: còn {0} lỗi cần sửa.").format(len(problems)),
                problems,
            )
        return profile, hours

    # -- saving -------------------------------------------------------------------------------
    def save(self) -> bool:
        """Check every tab, then write profile and hours; True when saved."""
        self.errors.clear()
        try:
            profile, hours = self._check_all()
        except ValidationError as exc:
            self._show_problems(exc)
            return False
        settings = self._services.settings
        try:
            settings.save_office(profile)
            settings.save_hours(hours)
            self._services.retention.save(
                self.reports_days_spin.value(), self.output_days_spin.value()
            )
            if self.lookback_spin.value() != self._services.apologies.lookback_months():
                self._services.apologies.save_lookback_months(self.lookback_spin.value())
        except ValidationError as exc:
            self._show_problems(exc)
            return False
        except TthcError as exc:
            show_error(self, exc)
            return False
        # Due dates are counted on the sessions: the cached working calendar must be rebuilt.
        self._services.calendar.invalidate()
        self.settings_saved.emit()
        return True

    def _show_problems(self, exc: ValidationError) -> None:
        bad = self.errors.show(exc)
        if bad is not None:
            self._reveal(bad)
        if self.errors.unmatched:
            show_error(self, exc)

    def _reveal(self, widget: QWidget) -> None:
        for i in range(self.tabs.count()):
            tab = self.tabs.widget(i)
            if tab is not None and tab.isAncestorOf(widget):
                self.tabs.setCurrentIndex(i)
                break
        widget.setFocus()

    def accept(self) -> None:
        if self.save():
            super().accept()

    # -- preview and small slots --------------------------------------------------------------
    def preview_text(self) -> str:
        """One line: "UBND … / TRUNG TÂM … — Đồng Nguyên, ngày 02 tháng 3 năm 2026"."""
        p = self.office_profile()
        today = self._services.clock.now().date()
        dated = format_long_date(collapse_spaces(p.place_name), today)
        return f"{collapse_spaces(p.parent_authority)} / {collapse_spaces(p.office_name)} — {dated}"

    def _update_preview(self) -> None:
        p = self.office_profile()
        today = self._services.clock.now().date()
        left = (
            f"{escape(collapse_spaces(p.parent_authority).upper())}<br>"
            f"<b><u>{escape(collapse_spaces(p.office_name).upper())}</u></b>"
        )
        nation = escape(self.tr("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"))
        motto = escape(self.tr("Độc lập - Tự do - Hạnh phúc"))
        right = (
            f"<b>{nation}</b><br>"
            f"<b><u>{motto}</u></b><br>"
            f"<i>{escape(format_long_date(collapse_spaces(p.place_name), today))}</i>"
        )
        self.preview_label.setText(
            "<table width='100%' "
            'style=\'font-family: "Liberation Serif", "Times New Roman", serif\'>'
            f"<tr><td align='center' valign='top' width='45%'>{left}</td>"
            f"<td align='center' valign='top'>{right}</td></tr></table>"
        )

    def _on_office_edit_text_changed(self, _text: str) -> None:
        self._update_preview()
