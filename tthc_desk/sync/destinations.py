"""The rules of a destination: tidied, checked field by field, kept as JSON in the settings.

The destination itself is a plain value (:mod:`tthc_desk.domain.destinations`); its secret never
reaches the JSON (``secret_key`` only names its entry in the credential store).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, fields, replace
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

from tthc_desk.domain.destinations import Destination, DestinationKind, TlsMode
from tthc_desk.domain.errors import ProblemCollector
from tthc_desk.domain.text import (
    NAME_MAX,
    PATH_MAX,
    SHORT_TEXT_MAX,
    address_problem,
    nfc,
    text_problem,
)

DESTINATION_KEY = "upload_destination"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
_EMAIL = re.compile(r"^[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+$|^[^@\s<>,;]+@localhost$")


def normalise(dest: Destination) -> Destination:
    changes: dict[str, Any] = {}
    for f in fields(dest):
        value = getattr(dest, f.name)
        if isinstance(value, str) and not isinstance(value, StrEnum):
            changes[f.name] = nfc(value)
    changes["to_addrs"] = tuple(a for a in (nfc(x) for x in dest.to_addrs) if a)
    return replace(dest, **changes)


def _check_url(problems: ProblemCollector, dest: Destination) -> None:
    if not dest.url:
        problems.add("Chưa nhập địa chỉ máy chủ (URL).", field="url")
        return
    parts = urlsplit(dest.url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        problems.add("Địa chỉ phải bắt đầu bằng https:// và có tên máy chủ.", field="url")
    elif parts.scheme == "http" and parts.hostname not in LOOPBACK_HOSTS and not dest.allow_http:
        problems.add(
            "Địa chỉ http:// không mã hóa mật khẩu và báo cáo: hãy dùng https://.", field="url"
        )


def _check_smtp_server(problems: ProblemCollector, dest: Destination) -> None:
    if not dest.smtp_host:
        problems.add("Chưa nhập máy chủ thư (SMTP).", field="smtp_host")
    if not 1 <= dest.smtp_port <= 65535:
        problems.add("Cổng SMTP phải từ 1 đến 65535.", field="smtp_port")


def _check_addresses(problems: ProblemCollector, dest: Destination) -> None:
    if not _EMAIL.match(dest.from_addr):
        problems.add("Địa chỉ thư người gửi chưa đúng (ví dụ motcua@xa.gov.vn).", field="from_addr")
    if not dest.to_addrs:
        problems.add("Chưa nhập địa chỉ thư người nhận.", field="to_addrs")
    bad = [a for a in dest.to_addrs if not _EMAIL.match(a)]
    if bad:
        problems.add(f"Địa chỉ thư người nhận chưa đúng: {', '.join(bad)}.", field="to_addrs")


def _check_smtp_tls(problems: ProblemCollector, dest: Destination) -> None:
    if (
        dest.tls is TlsMode.NONE
        and dest.username
        and dest.smtp_host not in LOOPBACK_HOSTS
        and not dest.allow_http
    ):
        # Without TLS the password would cross the network in clear.
        problems.add(
            "Không mã hóa (TLS) thì mật khẩu thư đi qua mạng không được bảo vệ: chọn STARTTLS "
            "(cổng 587) hoặc SSL (cổng 465).",
            field="tls",
        )


def _check_subject(problems: ProblemCollector, dest: Destination) -> None:
    try:
        dest.subject_template.format(kind="", period="", office="", file="", version="")
    except (KeyError, IndexError, ValueError):
        problems.add(
            "Tiêu đề thư chỉ dùng được {kind}, {period}, {office}, {file}, {version}.",
            field="subject_template",
        )


def _check_smtp(problems: ProblemCollector, dest: Destination) -> None:
    _check_smtp_server(problems, dest)
    _check_addresses(problems, dest)
    _check_smtp_tls(problems, dest)
    _check_subject(problems, dest)


def _check_folder(problems: ProblemCollector, dest: Destination) -> None:
    if not dest.folder:
        problems.add("Chưa chọn thư mục nhận báo cáo.", field="folder")
    elif not Path(dest.folder).is_absolute() and not dest.folder.startswith("\\\\"):
        problems.add(
            "Thư mục phải là đường dẫn đầy đủ (ví dụ D:\\BaoCao hoặc \\\\may-chu\\BaoCao).",
            field="folder",
        )


#: The fields each kind of destination needs, checked in this order.
_KIND_CHECKS: dict[DestinationKind, Callable[[ProblemCollector, Destination], None]] = {
    DestinationKind.WEBDAV: _check_url,
    DestinationKind.HTTPS_POST: _check_url,
    DestinationKind.SMTP: _check_smtp,
    DestinationKind.FOLDER: _check_folder,
}


def _text_problems(dest: Destination) -> ProblemCollector:
    """The text gate on every text of the destination; addresses a program reads (URL, server,
    mail addresses) refuse white space too."""
    problems = ProblemCollector()
    texts = [
        ("name", "Tên nơi nhận", dest.name, SHORT_TEXT_MAX),
        ("folder", "Thư mục nhận báo cáo", dest.folder, PATH_MAX),
        ("subject_template", "Tiêu đề thư", dest.subject_template, SHORT_TEXT_MAX),
        ("ca_file", "Tệp chứng chỉ", dest.ca_file, PATH_MAX),
        ("username", "Tên đăng nhập máy chủ", dest.username, NAME_MAX),
    ]
    for field, label, value, limit in texts:
        if msg := text_problem(value, label, limit):
            problems.add(msg, field=field)
    addresses = [
        ("url", "Địa chỉ máy chủ (URL)", dest.url, PATH_MAX),
        ("username", "Tên đăng nhập máy chủ", dest.username, NAME_MAX),
        ("smtp_host", "Máy chủ thư (SMTP)", dest.smtp_host, SHORT_TEXT_MAX),
        ("from_addr", "Địa chỉ thư người gửi", dest.from_addr, SHORT_TEXT_MAX),
    ]
    addresses += [
        ("to_addrs", f"Địa chỉ thư người nhận thứ {i}", a, SHORT_TEXT_MAX)
        for i, a in enumerate(dest.to_addrs, start=1)
    ]
    for field, label, value, limit in addresses:
        if msg := address_problem(value, label, limit):
            problems.add(msg, field=field)
    return problems


def validate(dest: Destination) -> None:
    """Raise one ValidationError listing every problem, field by field."""
    # The text gate first: the other rules would show the refused text back.
    _text_problems(dest).raise_if_any("Nơi nhận báo cáo chưa hợp lệ.")
    problems = ProblemCollector()
    if not dest.name:
        problems.add("Chưa đặt tên nơi nhận.", field="name")
    if not 1 <= dest.timeout <= 600:
        problems.add("Thời gian chờ phải từ 1 đến 600 giây.", field="timeout")
    _KIND_CHECKS[dest.kind](problems, dest)
    if dest.ca_file and not Path(dest.ca_file).is_file():
        problems.add(f"Không tìm thấy tệp chứng chỉ “{dest.ca_file}”.", field="ca_file")
    problems.raise_if_any("Nơi nhận báo cáo chưa hợp lệ.")


def to_json(dest: Destination) -> dict[str, Any]:
    data = asdict(dest)
    data["kind"] = dest.kind.value
    data["tls"] = dest.tls.value
    data["to_addrs"] = list(dest.to_addrs)
    return data


def from_json(data: dict[str, Any]) -> Destination:
    known = {f.name for f in fields(Destination)}
    values = {k: v for k, v in data.items() if k in known}
    values["kind"] = DestinationKind(values["kind"])
    values["tls"] = TlsMode(values.get("tls", TlsMode.STARTTLS.value))
    values["to_addrs"] = tuple(values.get("to_addrs", ()))
    return Destination(**values)


class SettingsStore(Protocol):
    """The part of :class:`~tthc_desk.services.settings_service.SettingsService` used here.

    A protocol, so that ``sync`` does not import the services above it.
    """

    def get_value(self, key: str, default: Any = None) -> Any: ...

    def set_value(self, key: str, value: Any) -> None: ...


def load(settings: SettingsStore) -> Destination | None:
    data = settings.get_value(DESTINATION_KEY)
    return from_json(data) if data else None


def save(settings: SettingsStore, dest: Destination) -> Destination:
    dest = normalise(dest).with_default_secret_key()
    validate(dest)
    settings.set_value(DESTINATION_KEY, to_json(dest))
    return dest
