"""SQLAlchemy 2 typed models. Relationships are ``lazy="raise"``: services load what they need.

Dates and times are naive local office time (the counter PC's clock), as printed on forms.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.types import TypeEngine

from tthc_desk.db.base import Base
from tthc_desk.domain.search import sort_keys_of

#: The condition of the partial index of ``returned`` events (the kind of ``Move.RETURNED``).
RETURNED_EVENT = "kind = 'returned'"
#: The same, as PostgreSQL writes it back (so that models and migrations compare equal).
RETURNED_EVENT_PG = "(kind)::text = 'returned'::text"


#: Text compared byte by byte (code point order, as Python and SQLite compare) whatever the
#: PostgreSQL database's collation: the dossier list's sort columns (issue 14).
def _byte_order(length: int | None) -> TypeEngine[str]:
    if length is None:
        return Text().with_variant(Text(collation="C"), "postgresql")
    return String(length).with_variant(String(length, collation="C"), "postgresql")


def _sort_key_default(key: str) -> object:
    """The insert default of a stored sort key: made from the row's own column
    (:func:`~tthc_desk.domain.search.sort_keys_of`), for the ORM and bulk inserts alike."""

    def default(ctx: DefaultExecutionContext) -> str:
        # SQLAlchemy leaves get_current_parameters() unannotated: the row's column values.
        params: dict[str, Any] = ctx.get_current_parameters()  # type: ignore[no-untyped-call]
        return sort_keys_of(params)[key]

    return default


class SettingRecord(Base):
    """Key/value settings (office profile, office hours, options) stored as JSON text."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class AccountRecord(Base):
    """A person who logs in: user name, full name (as printed), roles, Argon2id password hash.

    The hash is NULL until a password is set (staff carried over from before accounts existed).
    """

    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    roles: Mapped[str] = mapped_column(String(60))  # "clerk,head,admin"
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    password_hash: Mapped[str | None] = mapped_column(String(200), nullable=True)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class ProcedureRecord(Base):
    __tablename__ = "procedures"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(Text)
    field: Mapped[str] = mapped_column(String(200), index=True)
    deciding_agency: Mapped[str] = mapped_column(String(300), default="")
    handling_unit: Mapped[str] = mapped_column(String(300), default="")
    duration_value: Mapped[int] = mapped_column(Integer)
    duration_unit: Mapped[str] = mapped_column(String(20))
    fee: Mapped[int] = mapped_column(Integer, default=0)
    charge: Mapped[int] = mapped_column(Integer, default=0)
    postal_return: Mapped[bool] = mapped_column(Boolean, default=True)
    online: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    search_text: Mapped[str] = mapped_column(Text, default="")

    papers: Mapped[list[ProcedurePaperRecord]] = relationship(
        back_populates="procedure",
        lazy="raise",
        cascade="all, delete-orphan",
        order_by="ProcedurePaperRecord.position",
    )


class ProcedurePaperRecord(Base):
    __tablename__ = "procedure_papers"

    id: Mapped[int] = mapped_column(primary_key=True)
    procedure_id: Mapped[int] = mapped_column(
        ForeignKey("procedures.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20))
    count: Mapped[int] = mapped_column(Integer, default=1)

    procedure: Mapped[ProcedureRecord] = relationship(back_populates="papers", lazy="raise")


class CalendarExceptionRecord(Base):
    """A day that differs from the Monday–Friday rule: holiday, day off, make-up working day."""

    __tablename__ = "calendar_exceptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(300), default="")
    source: Mapped[str] = mapped_column(String(300), default="")


class CalendarYearRecord(Base):
    """Years whose exceptions were seeded, so a day the administrator removed stays removed."""

    __tablename__ = "calendar_years"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seeded_at: Mapped[datetime] = mapped_column(DateTime)


class ApplicantRecord(Base):
    """The latest known details of a person, found again by ID number at the next visit."""

    __tablename__ = "applicants"

    id: Mapped[int] = mapped_column(primary_key=True)
    id_number: Mapped[str] = mapped_column(String(12), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    birth_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    phone: Mapped[str] = mapped_column(String(20), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class CounterRecord(Base):
    """Monotonic counters (dossier sequence per agency and day, ledger number per book)."""

    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


class DossierRecord(Base):
    """A dossier as received. Applicant and procedure details are kept as given at intake."""

    __tablename__ = "dossiers"
    __table_args__ = (
        UniqueConstraint("ledger_book", "ledger_number"),
        Index("ix_dossiers_received_at", "received_at"),
        Index("ix_dossiers_status_due_at", "status", "due_at"),
        Index("ix_dossiers_field", "field"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    agency_id: Mapped[str] = mapped_column(String(40))
    ledger_book: Mapped[str] = mapped_column(String(20))
    ledger_number: Mapped[int] = mapped_column(Integer)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedures.id"), index=True)
    procedure_code: Mapped[str] = mapped_column(String(20))
    procedure_name: Mapped[str] = mapped_column(Text)
    field: Mapped[str] = mapped_column(String(200))
    deciding_agency: Mapped[str] = mapped_column(String(300), default="")
    handling_unit: Mapped[str] = mapped_column(String(300), default="")
    duration_value: Mapped[int] = mapped_column(Integer)
    duration_unit: Mapped[str] = mapped_column(String(20))
    applicant_id: Mapped[int] = mapped_column(ForeignKey("applicants.id"), index=True)
    applicant_name: Mapped[str] = mapped_column(String(200))
    applicant_id_number: Mapped[str] = mapped_column(String(12), index=True)
    applicant_birth_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    applicant_phone: Mapped[str] = mapped_column(_byte_order(20), default="")
    applicant_address: Mapped[str] = mapped_column(Text, default="")
    applicant_email: Mapped[str] = mapped_column(String(200), default="")
    authorised_name: Mapped[str] = mapped_column(String(200), default="")
    authorised_id_number: Mapped[str] = mapped_column(String(12), default="")
    authorised_phone: Mapped[str] = mapped_column(String(20), default="")
    channel: Mapped[str] = mapped_column(String(10))
    return_method: Mapped[str] = mapped_column(String(10))
    return_address: Mapped[str] = mapped_column(Text, default="")
    postal_reference: Mapped[str] = mapped_column(String(60), default="")
    # Return by post (issue 5): who receives the result and their phone; return_address is where.
    return_recipient: Mapped[str] = mapped_column(String(200), default="")
    return_phone: Mapped[str] = mapped_column(String(20), default="")
    sets_count: Mapped[int] = mapped_column(Integer, default=1)
    fee_amount: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str] = mapped_column(Text, default="")
    received_at: Mapped[datetime] = mapped_column(DateTime)
    due_at: Mapped[datetime] = mapped_column(DateTime)
    computed_due_at: Mapped[datetime] = mapped_column(DateTime)
    due_override_reason: Mapped[str] = mapped_column(Text, default="")
    backdate_reason: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20))
    clerk_name: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    search_text: Mapped[str] = mapped_column(Text, default="")
    # The list's sort keys (issue 14): applicant_name given name first, procedure_name and field
    # folded, made in Python at insert (and by DossierStore.update when the name is corrected).
    name_key: Mapped[str] = mapped_column(
        _byte_order(200), default=_sort_key_default("name_key"), server_default=""
    )
    procedure_key: Mapped[str] = mapped_column(
        _byte_order(None), default=_sort_key_default("procedure_key"), server_default=""
    )
    field_key: Mapped[str] = mapped_column(
        _byte_order(200), default=_sort_key_default("field_key"), server_default=""
    )
    # -- after intake (issue 3). received_at/due_at are the running clock: a supplement restarts
    # them; intake_at is the first receipt and never changes. The history is in dossier_events.
    intake_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    current_unit: Mapped[str] = mapped_column(String(300), default="")
    supplement_requested_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    settled_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    returned_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    returned_to: Mapped[str] = mapped_column(String(200), default="")
    rating: Mapped[str] = mapped_column(String(20), default="")
    rating_comment: Mapped[str] = mapped_column(Text, default="")
    # The legal due moment of the running clock; due_at is the one that counts (the extended one
    # when the re-appointment was recorded in time, see domain.lifecycle.extension_counts).
    original_due_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    extended_due_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    extension_recorded_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    late_reason: Mapped[str] = mapped_column(Text, default="")
    responsible_unit: Mapped[str] = mapped_column(String(300), default="")

    papers: Mapped[list[DossierPaperRecord]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="DossierPaperRecord.position"
    )


# The list's column orders (issue 14, migration 0011), equal keys newest first: "up" (key,
# id DESC) serves a key ascending; "down" (key, id), read backwards, a key descending.
for _name, _column in (
    ("name", DossierRecord.name_key),
    ("procedure", DossierRecord.procedure_key),
    ("field", DossierRecord.field_key),
    ("phone", DossierRecord.applicant_phone),
    ("due", DossierRecord.due_at),
):
    Index(f"ix_dossiers_sort_{_name}_up", _column, DossierRecord.id.desc())
    Index(f"ix_dossiers_sort_{_name}_down", _column, DossierRecord.id)


class DossierPaperRecord(Base):
    __tablename__ = "dossier_papers"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(
        ForeignKey("dossiers.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20))
    count: Mapped[int] = mapped_column(Integer, default=1)
    provided: Mapped[bool] = mapped_column(Boolean, default=True)


class DossierEventRecord(Base):
    """Every step of a dossier's life: when, who, which unit gave and received, a note."""

    __tablename__ = "dossier_events"
    __table_args__ = (
        Index("ix_dossier_events_dossier_id_at", "dossier_id", "at"),
        # The returns of a period (the postal shares of a report): a partial index, a tenth of
        # the events (migration 0010). Queries name the kind as a literal to use it.
        Index(
            "ix_dossier_events_returned_at",
            "at",
            "dossier_id",  # counted from the index alone
            sqlite_where=text(RETURNED_EVENT),
            postgresql_where=text(RETURNED_EVENT_PG),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(DateTime)
    kind: Mapped[str] = mapped_column(String(30))
    actor: Mapped[str] = mapped_column(String(200), default="")
    from_unit: Mapped[str] = mapped_column(String(300), default="")
    to_unit: Mapped[str] = mapped_column(String(300), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[str] = mapped_column(Text, default="{}")  # JSON: old clock, papers, rating…


class ApologyLetterRecord(Base):
    """An apology letter with a new appointment (Mẫu 04), drafted, confirmed, then delivered.

    The register number is given at confirmation, so discarded drafts leave no gaps.
    """

    __tablename__ = "apology_letters"
    __table_args__ = (UniqueConstraint("year", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(
        ForeignKey("dossiers.id", ondelete="CASCADE"), index=True
    )
    year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    number: Mapped[int | None] = mapped_column(Integer, nullable=True)
    status: Mapped[str] = mapped_column(String(20))  # draft | confirmed | delivered
    auto: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    reason: Mapped[str] = mapped_column(Text, default="")
    reason_detail: Mapped[str] = mapped_column(Text, default="")
    responsible_unit: Mapped[str] = mapped_column(String(300), default="")
    original_due_at: Mapped[datetime] = mapped_column(DateTime)
    proposed_due_at: Mapped[datetime] = mapped_column(DateTime)
    signer_name: Mapped[str] = mapped_column(String(200), default="")
    signer_title: Mapped[str] = mapped_column(String(200), default="")
    signer_prefix: Mapped[str] = mapped_column(String(100), default="")
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    confirmed_by: Mapped[str] = mapped_column(String(200), default="")
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    delivery_method: Mapped[str] = mapped_column(String(100), default="")
    override: Mapped[bool] = mapped_column(Boolean, default=False)
    override_by: Mapped[str] = mapped_column(String(200), default="")
    override_reason: Mapped[str] = mapped_column(Text, default="")


class DossierCorrectionRecord(Base):
    """A correction of an intake mistake; the old and the new value are both kept."""

    __tablename__ = "dossier_corrections"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(
        ForeignKey("dossiers.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(DateTime)
    by: Mapped[str] = mapped_column(String(200), default="")
    field: Mapped[str] = mapped_column(String(50))
    old_value: Mapped[str] = mapped_column(Text, default="")
    new_value: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text)


class PostalBatchRecord(Base):
    """A handover list to the post office (DANH SÁCH BÀN GIAO), numbered per year."""

    __tablename__ = "postal_batches"
    __table_args__ = (UniqueConstraint("year", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(200), default="")
    postal_employee: Mapped[str] = mapped_column(String(200), default="")


class PostalItemRecord(Base):
    """One result handed to the post office, followed until delivered or sent back.

    The waybill may be typed (or scanned) after the list is made, hence nullable; SQLite lets
    several NULLs through a unique constraint, and two items never share a number.
    """

    __tablename__ = "postal_items"
    __table_args__ = (
        Index("ix_postal_items_state", "state"),
        Index("ix_postal_items_handed_over_at", "handed_over_at"),  # a period's hand-overs
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(
        ForeignKey("dossiers.id", ondelete="CASCADE"), index=True
    )
    batch_id: Mapped[int] = mapped_column(
        ForeignKey("postal_batches.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    waybill: Mapped[str | None] = mapped_column(String(30), unique=True, nullable=True)
    recipient_name: Mapped[str] = mapped_column(String(200), default="")
    recipient_address: Mapped[str] = mapped_column(Text, default="")
    recipient_phone: Mapped[str] = mapped_column(String(20), default="")
    state: Mapped[str] = mapped_column(String(20))
    handed_over_at: Mapped[datetime] = mapped_column(DateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    failed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    returned_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")


class OutboxRecord(Base):
    """A report waiting for (or done with) delivery upward; the file's bytes are kept here.

    Keeping the bytes in the database (workbooks are small) makes the queue survive days offline,
    a moved output folder and a restore from backup, all in one file.
    """

    __tablename__ = "outbox"
    __table_args__ = (UniqueConstraint("office_id", "kind", "period_key", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    period_key: Mapped[str] = mapped_column(String(20))
    office_id: Mapped[str] = mapped_column(String(50))
    file_name: Mapped[str] = mapped_column(String(255), unique=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    replaces_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox.id", ondelete="SET NULL"), nullable=True
    )
    state: Mapped[str] = mapped_column(String(10), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    last_attempt_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    last_error: Mapped[str] = mapped_column(Text, default="")
    last_detail: Mapped[str] = mapped_column(Text, default="")
    server_reply: Mapped[str] = mapped_column(Text, default="")
    destination: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class JournalRecord(Base):
    """One entry of the tamper-evident journal (``domain.journal``): a keyed hash chain.

    ``seq`` is assigned by the software (1, 2, 3 …), never by the database, so a gap shows.
    """

    __tablename__ = "journal"
    __table_args__ = (
        Index("ix_journal_at", "at"),
        Index("ix_journal_actor", "actor"),
        Index("ix_journal_dossier_id", "dossier_id"),
        Index("ix_journal_kind", "kind"),
    )

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(String(40), default="")
    actor_name: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[str] = mapped_column(String(30))
    action: Mapped[str] = mapped_column(Text, default="")
    dossier_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    subject: Mapped[str] = mapped_column(String(200), default="")
    data: Mapped[str] = mapped_column(Text, default="{}")
    prev: Mapped[str] = mapped_column(String(64))
    mac: Mapped[str] = mapped_column(String(64))


class KeyEscrowRecord(Base):
    """Keys of this database that must travel with it (the journal key), kept only in an
    encrypted database: a backup restored on a new PC with the recovery key can then check and
    continue its journal. Not journalled and never shown."""

    __tablename__ = "key_escrow"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[bytes] = mapped_column(LargeBinary)


class DossierFactRecord(Base):
    """What the reports need of one dossier, kept in the same transaction as each change of it
    (``db/stores/facts.py``): derived data, rebuilt from the dossiers and their events
    (``tthc-desk facts rebuild``), so not journalled.

    ``done_at`` is the moment it left the workload as the report reads it: settled (a settled
    status), or withdrawn or closed (None while it runs). A period [start, as_of) reads the
    rows with ``done_at >= start`` (or None) and ``intake_at < as_of``: a range of the
    ``(done_at, intake_at)`` index, the period's rows plus those carried over into it; those
    settled in it are ``done_at`` in [start, as_of), those pending at its end ``done_at >=
    as_of`` (or None).
    """

    __tablename__ = "dossier_facts"
    __table_args__ = (
        # No index of intake_at alone: without statistics SQLite would take it for a period's
        # read (every dossier received before its end) rather than this one.
        Index("ix_dossier_facts_done_at_intake_at", "done_at", "intake_at"),
        Index("ix_dossier_facts_returned_at", "returned_at"),
    )

    dossier_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    code: Mapped[str] = mapped_column(String(60))
    field: Mapped[str] = mapped_column(String(200))
    procedure_code: Mapped[str] = mapped_column(String(20))
    procedure_name: Mapped[str] = mapped_column(Text)
    applicant_name: Mapped[str] = mapped_column(String(200))
    channel: Mapped[str] = mapped_column(String(10))
    postal_return: Mapped[bool] = mapped_column(Boolean)
    intake_at: Mapped[datetime] = mapped_column(DateTime)
    due_at: Mapped[datetime] = mapped_column(DateTime)
    original_due_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    extended_due_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    status: Mapped[str] = mapped_column(String(20))
    settled_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    done_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    returned_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    rating: Mapped[str] = mapped_column(String(20))
    late_reason: Mapped[str] = mapped_column(Text)
    responsible_unit: Mapped[str] = mapped_column(String(300))
    handling_unit: Mapped[str] = mapped_column(String(300))
    clerk_name: Mapped[str] = mapped_column(String(200))
    waiting_supplement: Mapped[bool] = mapped_column(Boolean)


class DailyFactRecord(Base):
    """Per day and field, the counts a trend reads without touching the dossiers
    (``domain.facts.DAY_COUNTS``); kept with the dossier facts. The settled classes follow the
    office's granularity, recorded in :class:`FactsStateRecord`."""

    __tablename__ = "daily_facts"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    field: Mapped[str] = mapped_column(String(200), primary_key=True)
    received_direct: Mapped[int] = mapped_column(Integer, default=0)
    received_postal: Mapped[int] = mapped_column(Integer, default=0)
    received_online: Mapped[int] = mapped_column(Integer, default=0)
    settled_early: Mapped[int] = mapped_column(Integer, default=0)
    settled_on_time: Mapped[int] = mapped_column(Integer, default=0)
    settled_late: Mapped[int] = mapped_column(Integer, default=0)
    returned_total: Mapped[int] = mapped_column(Integer, default=0)
    returned_postal: Mapped[int] = mapped_column(Integer, default=0)
    very_satisfied: Mapped[int] = mapped_column(Integer, default=0)
    satisfied: Mapped[int] = mapped_column(Integer, default=0)
    dissatisfied: Mapped[int] = mapped_column(Integer, default=0)


class FactsStateRecord(Base):
    """One row: the format of the facts and the granularity their day counts were made with.
    A mismatch with the software's ``domain.facts.FACTS_FORMAT`` or the office's setting means a
    rebuild (at start-up, before any CLI command)."""

    __tablename__ = "facts_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    format: Mapped[int] = mapped_column(Integer)
    granularity: Mapped[str | None] = mapped_column(String(10), nullable=True)


class BlobRecord(Base):
    """One stored scan content (a PDF), by its SHA-256: kept once however many attachments
    name it (``db.blobs``). The encrypted bytes are in the data folder's ``attachments``
    folder (one PC) or in :class:`BlobDataRecord` (an office on PostgreSQL). Derived from the
    attachments, so not journalled: its content is checked by its hash."""

    __tablename__ = "blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    pages: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class AttachmentRecord(Base):
    """A scan attached to a dossier: one paper of its checklist (``paper_no``, 1-based) or its
    result (``paper_no`` NULL), who attached it when; ``reused_from`` names the earlier dossier
    whose copy was reused. Part of the dossier's aggregate in the journal."""

    __tablename__ = "attachments"
    __table_args__ = (
        Index("ix_attachments_dossier_id", "dossier_id"),
        Index("ix_attachments_sha256", "sha256"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"))
    slot: Mapped[str] = mapped_column(String(10))
    paper_no: Mapped[int | None] = mapped_column(Integer, nullable=True)
    paper_name: Mapped[str] = mapped_column(Text, default="")
    sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"))
    pages: Mapped[int] = mapped_column(Integer)
    size: Mapped[int] = mapped_column(Integer)
    reused_from: Mapped[str | None] = mapped_column(String(60), nullable=True)
    attached_by: Mapped[str] = mapped_column(String(200), default="")
    attached_at: Mapped[datetime] = mapped_column(DateTime)


class BlobDataRecord(Base):
    """The encrypted bytes of a blob, for an office on PostgreSQL (every counter reaches
    them through the server); empty on a one-PC office, whose blobs are files."""

    __tablename__ = "blob_data"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
