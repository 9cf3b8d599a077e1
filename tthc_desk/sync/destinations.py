"""Where reports go: one destination set by an administrator, kept as JSON in the settings.

The secret (password or token) is never part of the DTO nor of the JSON: ``secret_key`` only
names its entry in the credential store.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, fields, replace
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

from tthc_desk.domain.errors import ProblemCollector
from tthc_desk.domain.text import nfc

DESTINATION_KEY = "upload_destination"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
_EMAIL = re.compile(r"^[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+$|^[^@\s<>,;]+@localhost$")


class DestinationKind(StrEnum):
    WEBDAV = "webdav"
    HTTPS_POST = "https_post"
    SMTP = "smtp"
    FOLDER = "folder"

    @property
    def label(self) -> str:
        return {
            "webdav": "Thư mục WebDAV/HTTPS (PUT)",
            "https_post": "Địa chỉ HTTPS nhận tệp (POST)",
            "smtp": "Thư điện tử (SMTP)",
            "folder": "Thư mục trên máy hoặc mạng nội bộ",
        }[self.value]


class TlsMode(StrEnum):
    STARTTLS = "starttls"
    SSL = "ssl"
    NONE = "none"


@dataclass(frozen=True)
class Destination:
    """One place reports are delivered to; which fields matter depends on ``kind``."""

    kind: DestinationKind
    name: str = "Cấp tỉnh"
    url: str = ""  # webdav: the folder URL; https_post: the endpoint
    folder: str = ""
    username: str = ""
    bearer: bool = False  # https_post: send the secret as "Authorization: Bearer" (a token)
    smtp_host: str = ""
    smtp_port: int = 587
    tls: TlsMode = TlsMode.STARTTLS
    from_addr: str = ""
    to_addrs: tuple[str, ...] = ()
    subject_template: str = "Báo cáo {kind} {period} – {office}"
    timeout: float = 30.0
    allow_http: bool = False  # plain http:// to a host other than this machine
    ca_file: str = ""  # a private certificate authority (the province's own), if any
    secret_key: str = ""

    @property
    def needs_secret(self) -> bool:
        if self.kind is DestinationKind.FOLDER:
            return False
        return bool(self.username) or (self.kind is DestinationKind.HTTPS_POST and self.bearer)

    @property
    def where(self) -> str:
        """The address shown to people: URL, mail server and recipients, or folder."""
        if self.kind is DestinationKind.FOLDER:
            return self.folder
        if self.kind is DestinationKind.SMTP:
            return f"{self.smtp_host}:{self.smtp_port} → {', '.join(self.to_addrs)}"
        return self.url

    def with_default_secret_key(self) -> Destination:
        if self.secret_key or not self.needs_secret:
            return self
        host = self.smtp_host if self.kind is DestinationKind.SMTP else urlsplit(self.url).netloc
        return replace(self, secret_key=f"{self.kind.value}:{self.username or 'token'}@{host}")


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


def validate(dest: Destination) -> None:
    """Raise one ValidationError listing every problem, field by field."""
    problems = ProblemCollector()
    if not dest.name:
        problems.add("Chưa đặt tên nơi nhận.", field="name")
    if not 1 <= dest.timeout <= 600:
        problems.add("Thời gian chờ phải từ 1 đến 600 giây.", field="timeout")
    if dest.kind in (DestinationKind.WEBDAV, DestinationKind.HTTPS_POST):
        _check_url(problems, dest)
    elif dest.kind is DestinationKind.SMTP:
        if not dest.smtp_host:
            problems.add("Chưa nhập máy chủ thư (SMTP).", field="smtp_host")
        if not 1 <= dest.smtp_port <= 65535:
            problems.add("Cổng SMTP phải từ 1 đến 65535.", field="smtp_port")
        if not _EMAIL.match(dest.from_addr):
            problems.add(
                "Địa chỉ thư người gửi chưa đúng (ví dụ motcua@xa.gov.vn).", field="from_addr"
            )
        if not dest.to_addrs:
            problems.add("Chưa nhập địa chỉ thư người nhận.", field="to_addrs")
        bad = [a for a in dest.to_addrs if not _EMAIL.match(a)]
        if bad:
            problems.add(f"Địa chỉ thư người nhận chưa đúng: {', '.join(bad)}.", field="to_addrs")
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
        try:
            dest.subject_template.format(kind="", period="", office="", file="", version="")
        except (KeyError, IndexError, ValueError):
            problems.add(
                "Tiêu đề thư chỉ dùng được {kind}, {period}, {office}, {file}, {version}.",
                field="subject_template",
            )
    elif dest.kind is DestinationKind.FOLDER:
        if not dest.folder:
            problems.add("Chưa chọn thư mục nhận báo cáo.", field="folder")
        elif not Path(dest.folder).is_absolute() and not dest.folder.startswith("\\\\"):
            problems.add(
                "Thư mục phải là đường dẫn đầy đủ (ví dụ D:\\BaoCao hoặc \\\\may-chu\\BaoCao).",
                field="folder",
            )
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
    """What :class:`~tthc_desk.services.settings_service.SettingsService` offers (no import upward)."""

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
