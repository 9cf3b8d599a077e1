"""The outbox's DTOs: what the CLI prints and the outbox page shows (no database types here)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class OutboxState(StrEnum):
    WAITING = "waiting"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    REPLACED = "replaced"  # a newer version of the same report was queued before this one went

    @property
    def label(self) -> str:
        return {
            "waiting": "Đang chờ gửi",
            "sending": "Đang gửi",
            "sent": "Đã gửi",
            "failed": "Gửi không được – cần xử lý",
            "replaced": "Không gửi: đã có bản mới thay thế",
        }[self.value]


@dataclass(frozen=True)
class OutboxItem:
    id: int
    kind: str
    period_key: str
    office_id: str
    file_name: str
    size: int
    sha256: str
    version: int
    replaces_id: int | None
    replaces_file_name: str
    state: OutboxState
    attempts: int
    next_attempt_at: datetime | None
    last_attempt_at: datetime | None
    last_error: str
    last_detail: str
    server_reply: str
    destination: str
    created_at: datetime
    sent_at: datetime | None

    @property
    def message_id(self) -> str:
        """Stable across every try of this report (and different for each version)."""
        return f"<{self.sha256[:32]}.{self.id}@tthc-desk>"


@dataclass(frozen=True)
class SendResult:
    """The outcome of one try: ``state`` after it, and the Vietnamese reason when not sent."""

    item_id: int
    file_name: str
    state: OutboxState
    message: str
    reply: str = ""
    retryable: bool = False
    next_attempt_at: datetime | None = None
    about_destination: bool = False  # the destination's settings are at fault: the batch stops

    @property
    def sent(self) -> bool:
        return self.state is OutboxState.SENT
