"""Where reports go: the destination an administrator sets, as plain values.

The secret (password or token) is never part of a destination: ``secret_key`` only names its
entry in the credential store. The rules that check a destination and the transports that use it
live in :mod:`tthc_desk.sync`; the UI and the CLI reach them through the outbox service.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
from urllib.parse import urlsplit


class DestinationKind(StrEnum):
    WEBDAV = "webdav"
    HTTPS_POST = "https_post"
    SMTP = "smtp"
    FOLDER = "folder"


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
