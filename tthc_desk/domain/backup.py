"""Backups as rules: their names, which ones to keep, when the next one is due, how fresh the
last one is.

Pure: no file is touched here. :mod:`tthc_desk.services.backup_service` takes the backups and
asks these rules; the tests run them on synthetic series of dates.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

#: ``<office>-<yyyymmdd>-<hhmmss>[-<kind>].db``; the time is the office's wall clock.
NAME_PATTERN = re.compile(r"^(?P<office>.+)-(?P<stamp>\d{8}-\d{6})(?:-(?P<kind>[a-z0-9-]+))?$")
STAMP_FORMAT = "%Y%m%d-%H%M%S"
#: When the daily automatic backup runs, unless the administrator sets another time.
DEFAULT_DAILY_TIME = time(17, 0)
#: A backup older than this many days turns the status yellow, then red.
WARN_AFTER_DAYS = 2
ALERT_AFTER_DAYS = 7


class BackupKind(enum.StrEnum):
    MANUAL = "thu-cong"  # tthc-desk backup, or the button
    AUTO = "tu-dong"  # the daily one, the first start of the day
    UPGRADE = "truoc-nang-cap"  # before the database is upgraded to a new version


@dataclass(frozen=True)
class Retention:
    """How many backups each destination keeps: the newest of each of the last ``daily`` days,
    of the last ``weekly`` ISO weeks and of the last ``monthly`` months that have one."""

    daily: int = 7
    weekly: int = 4
    monthly: int = 12

    def problems(self) -> list[str]:
        out = []
        for label, value in (("ngày", self.daily), ("tuần", self.weekly), ("tháng", self.monthly)):
            if not 0 <= value <= 366:
                out.append(f"Số bản giữ lại theo {label} cần từ 0 đến 366 (đã nhập {value}).")
        if self.daily + self.weekly + self.monthly == 0:
            out.append("Cần giữ lại ít nhất một bản sao lưu.")
        return out


def to_keep(moments: Iterable[datetime], rule: Retention) -> set[datetime]:
    """The moments (of verified backups) that ``rule`` keeps; the newest is always kept."""
    ordered = sorted(set(moments), reverse=True)
    keep: set[datetime] = set(ordered[:1])
    for count, bucket in (
        (rule.daily, lambda m: m.date()),
        (rule.weekly, lambda m: m.isocalendar()[:2]),
        (rule.monthly, lambda m: (m.year, m.month)),
    ):
        seen: list[object] = []
        for m in ordered:  # newest first: the first of each bucket is its newest backup
            b = bucket(m)
            if b in seen:
                continue
            if len(seen) >= count:
                break
            seen.append(b)
            keep.add(m)
    return keep


def slug(text: str) -> str:
    """``Trung tâm Đồng Nguyên`` → ``trung-tam-dong-nguyen`` (a file name on any disk)."""
    plain = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    plain = "".join(c for c in plain if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9.]+", "-", plain).strip("-.")


def office_label(agency_id: str, office_name: str = "", place_name: str = "") -> str:
    """The office's part of a backup's name: its identifier code (mã định danh), else a slug of
    its place or name, else ``tthc-desk``."""
    for candidate in (agency_id, place_name, office_name):
        s = slug(candidate)
        if s:
            return s[:60]
    return "tthc-desk"


def file_stem(office: str, at: datetime, kind: BackupKind) -> str:
    suffix = "" if kind is BackupKind.MANUAL else f"-{kind.value}"
    return f"{office}-{at.strftime(STAMP_FORMAT)}{suffix}"


def moment_of(stem: str) -> datetime | None:
    """The moment in a backup's name (None: not one of ours)."""
    m = NAME_PATTERN.match(stem)
    if m is None:
        return None
    try:
        return datetime.strptime(m.group("stamp"), STAMP_FORMAT)
    except ValueError:
        return None


def due(now: datetime, last_attempt: datetime | None, daily_at: time = DEFAULT_DAILY_TIME) -> bool:
    """Whether the automatic backup should run now: nothing tried yet today (the first start of
    the day), or the daily time has passed since the last try."""
    if last_attempt is None or last_attempt.date() < now.date():
        return True
    today_at = datetime.combine(now.date(), daily_at)
    return now >= today_at > last_attempt


class Level(enum.StrEnum):
    OK = "ok"
    WARN = "warn"  # yellow
    ALERT = "alert"  # red


@dataclass(frozen=True)
class Freshness:
    """How the main window shows the backups: a colour and one sentence."""

    level: Level
    sentence: str
    last_verified_at: datetime | None = None
    age_days: int | None = None


def freshness(
    now: datetime,
    last_verified_at: datetime | None,
    *,
    unreachable: Iterable[str] = (),
    last_failed: bool = False,
) -> Freshness:
    """Green, yellow after :data:`WARN_AFTER_DAYS` days, red after :data:`ALERT_AFTER_DAYS`
    or when a second destination could not be written at the last run."""
    missed = list(unreachable)
    if last_verified_at is None:
        return Freshness(Level.ALERT, "Chưa có bản sao lưu nào được kiểm tra đạt.")
    age = now - last_verified_at
    days = max(age.days, 0)
    when = f"{last_verified_at:%H:%M} ngày {last_verified_at:%d/%m/%Y}"
    if age < timedelta(days=1):
        sentence = f"Bản sao lưu gần nhất lúc {when}, đã kiểm tra đạt."
    else:
        sentence = f"Bản sao lưu gần nhất lúc {when} ({days} ngày trước), đã kiểm tra đạt."
    level = Level.OK
    if age >= timedelta(days=WARN_AFTER_DAYS):
        level = Level.WARN
        sentence += " Đã lâu chưa sao lưu: hãy sao lưu ngay."
    if age >= timedelta(days=ALERT_AFTER_DAYS):
        level = Level.ALERT
    if last_failed:
        level = Level.ALERT
        sentence += " Lần sao lưu gần nhất không đạt kiểm tra."
    if missed:
        level = Level.ALERT
        sentence += " Lần sao lưu gần nhất không ghi được vào: " + "; ".join(missed) + "."
    return Freshness(level, sentence, last_verified_at, days)


def parse_daily_time(text: str) -> time:
    """``17:00`` → 17:00; ValueError with a Vietnamese message otherwise."""
    m = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*", text)
    if m is None or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        raise ValueError(f"“{text}” không phải giờ dạng HH:MM (24 giờ), ví dụ 17:00.")
    return time(int(m.group(1)), int(m.group(2)))


def day_of(value: str | None) -> date | None:
    """An ISO date or moment kept in a sidecar → its day."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value).date()
    except ValueError:
        return None
