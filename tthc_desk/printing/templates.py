"""Form templates: every visible word of a printed form comes from a TOML file.

A form ``<name>`` is read from ``resources/templates/<name>.toml`` on top of the shared
``resources/templates/common.toml`` (national motto and other words every form prints): keys of
the form file win. An administrator replaces either file, without code changes, by putting a
file of the same name in an override folder (``<data dir>/templates/``); a replacement file
replaces the shipped one as a whole, so it must keep every key.

Strings may hold ``{placeholders}`` that the form fills with dossier data, e.g.
``"2. Số lượng hồ sơ: {sets} (bộ)"``. Everything is NFC-normalised on load and on fill.
"""

from __future__ import annotations

import re
import string
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from tthc_desk.domain.errors import TthcError
from tthc_desk.domain.text import nfc
from tthc_desk.resources import resource_path

COMMON = "common"
SUFFIX = ".toml"
_NAME_RE = re.compile(r"^[a-z0-9_-]+$")
_PLACEHOLDER_RE = re.compile(r"^[a-z_][a-z0-9_]*$")
_FORMATTER = string.Formatter()

#: What an empty value prints as, so the clerk can still write it in by hand.
BLANK = "…………………"


class TemplateError(TthcError):
    """A form template is missing, unreadable or lacks a key; the message names file and key."""


Segment = tuple[str, str | None]
"""A piece of a template string: literal text, then the placeholder after it (or None)."""


def default_template_dir() -> Path:
    return resource_path("templates")


def template_file(name: str, override_dir: Path | None = None) -> Path:
    """The file a template is read from: the override if present, else the shipped one."""
    if not _NAME_RE.match(name):
        raise TemplateError(f"Tên mẫu in không hợp lệ: “{name}”.")
    file_name = name + SUFFIX
    if override_dir is not None:
        candidate = Path(override_dir) / file_name
        if candidate.is_file():
            return candidate
    return default_template_dir() / file_name


def _nfc_tree(value: object) -> object:
    if isinstance(value, str):
        return nfc(value)
    if isinstance(value, list):
        return [_nfc_tree(v) for v in value]
    if isinstance(value, dict):
        return _nfc_table(value)
    return value


def _nfc_table(table: Mapping[str, object]) -> dict[str, Any]:
    """A TOML table with every key and string NFC-normalised."""
    return {nfc(k): _nfc_tree(v) for k, v in table.items()}


def _read_toml(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise TemplateError(
            f"Không tìm thấy mẫu in “{path.name}” (đã tìm “{path}”). Hãy cài đặt lại phần mềm "
            "hoặc đặt tệp mẫu vào thư mục mẫu in."
        )
    try:
        # utf-8-sig: Windows Notepad may save a byte-order mark that tomllib refuses.
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TemplateError(
            f"Mẫu in “{path}” không được lưu theo bảng mã UTF-8. Hãy lưu lại tệp với bảng mã UTF-8."
        ) from None
    except OSError as exc:
        raise TemplateError(f"Không đọc được mẫu in “{path}”: {exc.strerror}.") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TemplateError(f"Mẫu in “{path}” sai cú pháp TOML: {exc}.") from None
    return _nfc_table(data)


def _merge(base: dict[str, Any], top: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in top.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _walk(data: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, str]]:
    for key, value in data.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, str):
            yield dotted, value
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, str):
                    yield f"{dotted}[{i}]", item
        elif isinstance(value, dict):
            yield from _walk(value, dotted + ".")


@dataclass(frozen=True)
class FormTemplate:
    """A loaded template: look values up by dotted key (``"form.title"``)."""

    name: str
    path: Path
    data: Mapping[str, Any] = field(repr=False)
    common_path: Path | None = None

    # ---- lookup -------------------------------------------------------------------------

    def _missing(self, key: str, detail: str = "") -> TemplateError:
        return TemplateError(
            f"Mẫu in “{self.path}” thiếu mục “{key}”{detail}. Hãy bổ sung mục này, hoặc xóa "
            "tệp mẫu thay thế để dùng lại mẫu mặc định."
        )

    def _lookup(self, key: str) -> Any:
        node: Any = self.data
        for part in key.split("."):
            if not isinstance(node, Mapping) or part not in node:
                raise self._missing(key)
            node = node[part]
        return node

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        try:
            self._lookup(key)
        except TemplateError:
            return False
        return True

    def require(self, keys: Iterable[str]) -> None:
        """Fail once, naming every missing key, before anything is drawn."""
        missing = [k for k in keys if k not in self]
        if len(missing) == 1:
            raise self._missing(missing[0])
        if missing:
            listed = ", ".join(f"“{k}”" for k in missing)
            raise TemplateError(
                f"Mẫu in “{self.path}” thiếu các mục {listed}. Hãy bổ sung các mục này, hoặc "
                "xóa tệp mẫu thay thế để dùng lại mẫu mặc định."
            )

    def raw(self, key: str) -> str:
        """The string at ``key``, placeholders left as written."""
        value = self._lookup(key)
        if not isinstance(value, str):
            raise self._missing(key, " (phải là một dòng chữ đặt trong dấu ngoặc kép)")
        return value

    def raw_list(self, key: str) -> tuple[str, ...]:
        value = self._lookup(key)
        if isinstance(value, str):
            return (value,)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self._missing(key, ' (phải là danh sách các dòng chữ: ["…", "…"])')
        return tuple(value)

    def labels(self) -> dict[str, str]:
        """Every string of the template by dotted key (list items as ``key[i]``)."""
        return dict(_walk(self.data))

    # ---- placeholders -------------------------------------------------------------------

    def segments(self, key: str, source: str | None = None) -> list[Segment]:
        """Split the string at ``key`` into literal text and placeholder names."""
        text = self.raw(key) if source is None else source
        try:
            parts = list(_FORMATTER.parse(text))
        except ValueError:
            raise TemplateError(
                f"Mẫu in “{self.path}”, mục “{key}”: dấu ngoặc nhọn {{ }} không khớp nhau."
            ) from None
        out: list[Segment] = []
        for literal, name, spec, conversion in parts:
            if name is not None and (not _PLACEHOLDER_RE.match(name) or spec or conversion):
                raise TemplateError(
                    f"Mẫu in “{self.path}”, mục “{key}”: ô điền “{{{name}}}” không hợp lệ."
                )
            out.append((literal, name))
        return out

    def _value(self, key: str, name: str, values: Mapping[str, object]) -> str:
        if name not in values:
            allowed = ", ".join("{" + k + "}" for k in sorted(values)) or "(không có)"
            raise TemplateError(
                f"Mẫu in “{self.path}”, mục “{key}” dùng ô điền “{{{name}}}” không có trong "
                f"mẫu này. Các ô dùng được: {allowed}."
            )
        value = values[name]
        return nfc("" if value is None else str(value))

    def text(self, key: str, **values: object) -> str:
        """The string at ``key`` with placeholders filled, as plain text."""
        return "".join(
            literal + (self._value(key, name, values) if name else "")
            for literal, name in self.segments(key)
        )

    def texts(self, key: str, **values: object) -> tuple[str, ...]:
        """Every string of the list at ``key``, placeholders filled."""
        out = []
        for i, item in enumerate(self.raw_list(key)):
            item_key = f"{key}[{i}]"
            out.append(
                "".join(
                    literal + (self._value(item_key, name, values) if name else "")
                    for literal, name in self.segments(item_key, item)
                )
            )
        return tuple(out)

    def markup(
        self,
        key: str,
        *,
        bold: Iterable[str] = (),
        blank: str = BLANK,
        **values: object,
    ) -> str:
        """reportlab Paragraph markup for ``key``: text escaped, the ``bold`` values in <b>,
        empty values printed as a dotted blank to be filled in by hand."""
        return self.markup_values(key, values, bold=bold, blank=blank)

    def markup_values(
        self,
        key: str,
        values: Mapping[str, object],
        *,
        bold: Iterable[str] = (),
        blank: str = BLANK,
    ) -> str:
        """:meth:`markup` with the placeholder values in a mapping."""
        strong = set(bold)
        out: list[str] = []
        for literal, name in self.segments(key):
            out.append(escape(literal))
            if name is None:
                continue
            value = self._value(key, name, values)
            if not value:
                out.append(escape(blank))
            elif name in strong:
                out.append(f"<b>{escape(value)}</b>")
            else:
                out.append(escape(value))
        return "".join(out)


def load_template(name: str, override_dir: Path | None = None) -> FormTemplate:
    """Load form ``name`` over the shared ``common`` template; override files win as a whole."""
    path = template_file(name, override_dir)
    data = _read_toml(path)
    common_path: Path | None = None
    if name != COMMON:
        common_path = template_file(COMMON, override_dir)
        data = _merge(_read_toml(common_path), data)
    template = FormTemplate(name=name, path=path, data=data, common_path=common_path)
    for key, _value in template.labels().items():
        # Reject malformed placeholders now, not halfway through a print.
        template.segments(key, _value)
    return template
