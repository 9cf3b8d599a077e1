"""The tamper-evident journal: entries in a keyed hash chain, and the check of the data against it.

Every write unit of work appends entries. Each entry carries the HMAC-SHA256 (keyed with the
journal key, kept outside the database) of its canonical form and of the previous entry's MAC, so
editing, deleting, inserting or reordering entries, or rewriting the chain without the key, breaks
the chain at that entry.

The data is tied to the journal by *aggregate digests*. An aggregate is what one action changes as
a whole: a dossier with its papers, events, corrections, apology letters, postal items and
attached scans (their rows: the scans' contents are checked by their SHA-256); an applicant; an
account; a setting; a procedure with its papers; a calendar day… Its digest is the
sum (mod 2**256) of the keyed digests of its rows, so it does not depend on row order and cannot be
recomputed without the key. An entry records, for each aggregate it changed, the digest before and
after. The data written before the journal existed (an upgraded database, the demo's bulk rows) is
*sealed*: a seal entry holds, per kind of aggregate, how many there were and the sum of their
digests.

Verification then checks that every aggregate's current digest is the one its last entry recorded
(a direct edit of ``dossiers.due_at``, an event's actor or a deleted correction is named with the
entry after which it happened), that nothing exists that no entry wrote or sealed, and that the
sealed data adds up to the seals.

This module is pure: the database layer reads the rows, the service holds the key.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

MODULUS = 1 << 256
GENESIS = "0" * 64
KEY_BYTES = 32


class Aggregate(StrEnum):
    """The kinds of aggregate the journal protects (the prefix of an aggregate key)."""

    DOSSIER = "dossier"
    APPLICANT = "applicant"
    POSTAL_BATCH = "postal_batch"
    PROCEDURE = "procedure"
    CALENDAR_DAY = "calendar_day"
    CALENDAR_YEAR = "calendar_year"
    SETTING = "setting"
    ACCOUNT = "account"
    OUTBOX = "outbox"


class JournalKind(StrEnum):
    """What an entry records; rights (``domain.access.Right``) name the guarded actions."""

    CHANGE = "change"  # a guarded action: ``right`` names it, ``action`` says it in words
    WRITE = "write"  # a change made without a guarded action (first-run setup, seeding)
    SEAL = "seal"  # data that existed before the journal (upgrade, demo rows) sealed
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    LOGOUT = "logout"
    LOCK = "lock"
    UNLOCK = "unlock"
    PASSWORD = "password"
    VERIFY = "verify"
    BACKUP = "backup"  # a backup taken (or failed), by whom, verified or not
    RESTORE = "restore"  # the database replaced by a backup (written in the restored one)
    RECOVERY_KEY = "recovery_key"  # the recovery key kept on a PC that did not have the key
    # The whole database copied to another one (``db copy``): in the source, where it went; in
    # the copy, where it came from, with its data sealed afresh (``reseal``: see DataChecker).
    COPY = "copy"
    VIEW = "view"  # a scan opened (issue 15): who, which dossier, which paper
    EXPORT = "export"  # a dossier's scans exported to a file, by a person


def agg_key(kind: Aggregate, ident: object) -> str:
    return f"{kind.value}:{ident}"


def agg_kind(key: str) -> str:
    return key.split(":", 1)[0]


# -- digests ---------------------------------------------------------------------------------------


def row_digest(key: bytes, table: str, row: tuple[Any, ...]) -> int:
    """The keyed digest of one row as the database returns it (raw driver values)."""
    return int.from_bytes(hmac.digest(key, repr((table, row)).encode("utf-8"), "sha256"), "big")


def row_digests(key: bytes, table: str, rows: Iterable[tuple[Any, ...]]) -> list[int]:
    """:func:`row_digest` of each of many rows of one table: the same values, made with the
    key prepared once (an HMAC copied per row instead of keyed per row, no call per row)."""
    keyed = hmac.new(key, digestmod=hashlib.sha256)
    new = keyed.copy
    values = []
    for row in rows:
        mac = new()
        mac.update(repr((table, row)).encode("utf-8"))
        values.append(int.from_bytes(mac.digest(), "big"))
    return values


def sum_digest(total: int) -> str:
    return f"{total % MODULUS:064x}"


@dataclass
class Sums:
    """How many aggregates of one kind, and the sum of their digests."""

    count: int = 0
    total: int = 0

    def add(self, digest_hex: str) -> None:
        self.count += 1
        self.total = (self.total + int(digest_hex, 16)) % MODULUS

    def to_json(self) -> list[object]:
        return [self.count, sum_digest(self.total)]

    @classmethod
    def from_json(cls, value: list[Any]) -> Sums:
        return cls(int(value[0]), int(str(value[1]), 16))


# -- entries ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class JournalContext:
    """Who is acting and what they are doing, as the write unit of work closes."""

    at: datetime
    actor: str  # user name, ``system``, or "" when nobody is logged in
    actor_name: str
    action: str = ""  # in words: "tiếp nhận hồ sơ"
    right: str = ""  # the guarded right, when the action is a guarded one


@dataclass(frozen=True)
class Note:
    """An entry asked for explicitly (a login, a logout, a seal), beside the changed data."""

    kind: JournalKind
    action: str
    actor: str | None = None  # None: the context's actor
    actor_name: str | None = None
    subject: str = ""
    details: Mapping[str, Any] = field(default_factory=dict)
    dossier_id: int | None = None  # the dossier it is about (the viewer finds it there)


@dataclass(frozen=True)
class JournalEntry:
    seq: int
    at: datetime
    actor: str
    actor_name: str
    kind: str
    action: str
    dossier_id: int | None
    subject: str
    data: str  # canonical JSON: {"aggregates": {key: [before, after]}, "details": …, "seal": …}
    prev: str
    mac: str = ""

    def canonical(self) -> bytes:
        return json.dumps(
            [
                self.seq,
                self.at.isoformat(),
                self.actor,
                self.actor_name,
                self.kind,
                self.action,
                self.dossier_id,
                self.subject,
                self.data,
                self.prev,
            ],
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode("utf-8")

    def sealed(self, key: bytes) -> JournalEntry:
        """This entry with its MAC."""
        return JournalEntry(
            self.seq,
            self.at,
            self.actor,
            self.actor_name,
            self.kind,
            self.action,
            self.dossier_id,
            self.subject,
            self.data,
            self.prev,
            entry_mac(key, self),
        )

    @property
    def payload(self) -> dict[str, Any]:
        value = json.loads(self.data) if self.data else {}
        return value if isinstance(value, dict) else {}


def entry_mac(key: bytes, entry: JournalEntry) -> str:
    return hmac.new(key, entry.canonical(), hashlib.sha256).hexdigest()


def entry_data(
    aggregates: Mapping[str, tuple[str | None, str | None]] | None = None,
    details: Mapping[str, Any] | None = None,
    seal: Mapping[str, Sums] | None = None,
    *,
    reseal: bool = False,
) -> str:
    """The canonical JSON of an entry's payload. ``reseal``: ``seal`` replaces everything the
    entries before recorded about the data (see :class:`DataChecker`)."""
    payload: dict[str, Any] = {}
    if aggregates:
        payload["aggregates"] = {k: list(v) for k, v in sorted(aggregates.items())}
    if details:
        payload["details"] = dict(details)
    if seal or reseal:
        payload["seal"] = {k: s.to_json() for k, s in sorted((seal or {}).items())}
    if reseal:
        payload["reseal"] = True
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


# -- verification ----------------------------------------------------------------------------------


class ProblemKind(StrEnum):
    CHAIN = "chain"  # an entry edited (its MAC does not match), or the chain rewritten
    GAP = "gap"  # entries missing, inserted or reordered (numbering or links broken)
    CHANGED = "changed"  # the data differs from what the last entry recorded
    CREATED = "created"  # data the last entry recorded as absent exists
    DELETED = "deleted"  # data the journal recorded is gone
    UNRECORDED = "unrecorded"  # more sealed-or-journalled data than the seals account for
    MISSING_SEALED = "missing_sealed"  # fewer
    SEALED = "sealed"  # sealed data changed


@dataclass(frozen=True)
class EntryRef:
    """What a message needs to name an entry: number, moment, person, action."""

    seq: int
    at: datetime
    actor: str
    action: str

    @classmethod
    def of(cls, entry: JournalEntry) -> EntryRef:
        return cls(entry.seq, entry.at, entry.actor, entry.action)


@dataclass(frozen=True)
class IntegrityProblem:
    """One thing found wrong; ``presentation.integrity_problem_text`` words it."""

    kind: ProblemKind
    seq: int | None = None  # the journal entry it is found at (or after)
    entry: EntryRef | None = None
    aggregate: str = ""  # the aggregate key ("dossier:12"), or the aggregate kind for seals
    name: str = ""  # what names the aggregate for a person (dossier code, user name …)
    count: int = 0  # how many (unrecorded / missing sealed aggregates)
    expected_seq: int = 0  # the entry number that should have come (GAP)


@dataclass
class _Tracked:
    first_before: str | None
    last_after: str | None
    last: EntryRef


class ChainChecker:
    """Checks entries one by one, in order: numbering, links and MACs."""

    def __init__(self, key: bytes, start_seq: int = 1, start_prev: str = GENESIS) -> None:
        self._key = key
        self.expected_seq = start_seq
        self.prev = start_prev
        self.checked = 0
        self.problems: list[IntegrityProblem] = []

    def check(self, entry: JournalEntry) -> bool:
        """True when ``entry`` is sound and in its place."""
        self.checked += 1
        problem: ProblemKind | None = None
        if entry.seq != self.expected_seq or entry.prev != self.prev:
            problem = ProblemKind.GAP
        elif not hmac.compare_digest(entry.mac, entry_mac(self._key, entry)):
            problem = ProblemKind.CHAIN
        if problem is not None:
            self.problems.append(
                IntegrityProblem(
                    problem, entry.seq, EntryRef.of(entry), expected_seq=self.expected_seq
                )
            )
        self.expected_seq = entry.seq + 1
        self.prev = entry.mac
        return problem is None


class DataChecker:
    """Compares the data, aggregate by aggregate, with what the entries recorded and sealed.

    A *reseal* entry (the database copied to another engine, whose driver returns the same rows
    as other values, so every digest differs) starts the data's record afresh: what the entries
    before it recorded is set aside, and the data is checked against its seal and the entries
    after it. The chain itself is still checked from the first entry; the copy checked the
    source's data against its journal before making it (the entry says so).
    """

    def __init__(self) -> None:
        self._tracked: dict[str, _Tracked] = {}
        self._seals: dict[str, Sums] = {}
        self._sealed_now: dict[str, Sums] = {}
        self._last_seal: EntryRef | None = None
        self._seen: set[str] = set()
        self._changed: list[str] = []
        self.aggregates_checked = 0

    # the entries, in order
    def feed_entry(self, entry: JournalEntry) -> None:
        payload = entry.payload
        ref = EntryRef.of(entry)
        if payload.get("reseal"):
            self._tracked.clear()
            self._seals.clear()
            self._last_seal = ref
        for key, (before, after) in payload.get("aggregates", {}).items():
            tracked = self._tracked.get(key)
            if tracked is None:
                self._tracked[key] = _Tracked(before, after, ref)
            else:
                tracked.last_after, tracked.last = after, ref
        for kind, value in (payload.get("seal") or {}).items():
            self._last_seal = ref
            sums = self._seals.setdefault(kind, Sums())
            add = Sums.from_json(value)
            sums.count += add.count
            sums.total = (sums.total + add.total) % MODULUS

    # then every aggregate in the database, in any order
    def feed_aggregate(self, key: str, digest: str) -> None:
        self.aggregates_checked += 1
        tracked = self._tracked.get(key)
        if tracked is None:
            self._sealed_now.setdefault(agg_kind(key), Sums()).add(digest)
            return
        self._seen.add(key)
        if tracked.first_before is not None:
            self._sealed_now.setdefault(agg_kind(key), Sums()).add(tracked.first_before)
        if tracked.last_after != digest:
            self._changed.append(key)

    def suspects(self) -> list[str]:
        """The aggregates a problem will name (their names are looked up for :meth:`finish`)."""
        missing = [
            k for k, t in self._tracked.items() if k not in self._seen and t.last_after is not None
        ]
        return self._changed + missing

    def finish(self, names: Mapping[str, str] | None = None) -> list[IntegrityProblem]:
        names = names or {}
        problems: list[IntegrityProblem] = []
        for key in self._changed:
            t = self._tracked[key]
            kind = ProblemKind.CREATED if t.last_after is None else ProblemKind.CHANGED
            problems.append(IntegrityProblem(kind, t.last.seq, t.last, key, names.get(key, "")))
        for key, t in self._tracked.items():
            if key in self._seen:
                continue
            if t.first_before is not None:
                self._sealed_now.setdefault(agg_kind(key), Sums()).add(t.first_before)
            if t.last_after is not None:
                problems.append(
                    IntegrityProblem(
                        ProblemKind.DELETED, t.last.seq, t.last, key, names.get(key, "")
                    )
                )
        return problems + self._seal_problems()

    def _seal_problems(self) -> list[IntegrityProblem]:
        problems = []
        seal = self._last_seal
        for kind in sorted(set(self._seals) | set(self._sealed_now)):
            expected = self._seals.get(kind, Sums())
            actual = self._sealed_now.get(kind, Sums())
            if (expected.count, expected.total) == (actual.count, actual.total):
                continue
            if actual.count > expected.count:
                problem, count = ProblemKind.UNRECORDED, actual.count - expected.count
            elif actual.count < expected.count:
                problem, count = ProblemKind.MISSING_SEALED, expected.count - actual.count
            else:
                problem, count = ProblemKind.SEALED, 0
            problems.append(
                IntegrityProblem(problem, seal.seq if seal else None, seal, kind, count=count)
            )
        return problems


def seal_sums(aggregates: Iterable[tuple[str, str]]) -> dict[str, Sums]:
    """Per kind, the count and sum of ``(key, digest)`` pairs (for a seal entry)."""
    sums: dict[str, Sums] = {}
    for key, digest in aggregates:
        sums.setdefault(agg_kind(key), Sums()).add(digest)
    return sums


def new_key() -> bytes:
    import secrets

    return secrets.token_bytes(KEY_BYTES)
