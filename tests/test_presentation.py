"""The words of the domain's codes: every code has a label, labels read back as their code, every
label is extractable by pyside6-lupdate, and the domain itself words nothing but its messages."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import shutil
import subprocess
import sys
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from types import ModuleType

import pytest

import tthc_desk.domain
import tthc_desk.services
from tthc_desk import presentation
from tthc_desk.domain import naming, periods
from tthc_desk.domain.calendar import DayKind
from tthc_desk.domain.dossier import Status
from tthc_desk.domain.errors import ValidationError
from tthc_desk.domain.lifecycle import DossierEvent, EventKind, Granularity, Move, Rating
from tthc_desk.domain.outbox import DeliveryReceipt
from tthc_desk.domain.postal import PostalState
from tthc_desk.domain.procedure import Duration, DurationUnit, PaperKind
from tthc_desk.presentation import (
    duration_text,
    event_label,
    field_label,
    label,
    parse_label,
    parse_outcome,
    parse_rating,
    parse_status_word,
    period_label,
    period_range_text,
    receipt_text,
)

ROOT = Path(__file__).resolve().parents[1]

#: Codes no screen, printout or workbook shows by name.
UNSHOWN = {
    "Granularity": "a setting (classify by day or by minute) never shown by name",
    "TlsMode": "the destination dialog words its choices with their ports",
    "SchemaState": "a server check's report words it in sentences (connection_report_text)",
    "FactsWork": "what the start-up check of the report facts must do; said in sentences",
}


def _modules(package: ModuleType) -> Iterator[ModuleType]:
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        yield importlib.import_module(info.name)


def _enums() -> list[type[StrEnum]]:
    """Every StrEnum the domain and the services define."""
    found = []
    for package in (tthc_desk.domain, tthc_desk.services):
        for module in _modules(package):
            for _, obj in inspect.getmembers(module, inspect.isclass):
                if issubclass(obj, StrEnum) and obj.__module__ == module.__name__:
                    found.append(obj)
    return found


def test_every_code_has_a_label() -> None:
    enums = _enums()
    assert {Status, Move, PostalState, DayKind, Rating, EventKind} <= set(enums)
    missing = []
    for kind in enums:
        if kind.__name__ in UNSHOWN:
            continue
        missing += [f"{kind.__name__}.{m.name}" for m in kind if not _labelled(m)]
    assert missing == []


def _labelled(member: StrEnum) -> bool:
    try:
        return bool(label(member).strip())
    except KeyError:
        return False


def test_the_label_check_catches_a_new_code() -> None:
    class Fresh(StrEnum):
        NEW = "new"

    assert not _labelled(Fresh.NEW)
    assert not _labelled(Granularity.DAY)  # left out on purpose (UNSHOWN)


SENTENCE_ATTRIBUTES = ("label", "describe", "range_text")


def _sentences(module: ModuleType) -> list[str]:
    """The labels a module's classes carry (``label``, ``describe``, ``…_label``), and its
    ``…_LABELS`` tables."""
    found = []
    for name, obj in vars(module).items():
        if name.endswith("_LABELS"):
            found.append(f"{module.__name__}.{name}")
        if not inspect.isclass(obj) or obj.__module__ != module.__name__:
            continue
        members = set(vars(obj)) | set(getattr(obj, "__dataclass_fields__", {}))
        found += [
            f"{obj.__qualname__}.{attr}"
            for attr in sorted(members)
            if attr in SENTENCE_ATTRIBUTES or attr.endswith("_label")
        ]
    return found


def test_the_domain_words_no_code() -> None:
    """No domain class carries a label or a sentence: presentation words them. The typed errors
    are the exception by design: their message is Vietnamese (issue 8)."""
    offenders = []
    for module in _modules(tthc_desk.domain):
        if module.__name__ != "tthc_desk.domain.errors":
            offenders += _sentences(module)
    assert offenders == []


def test_the_sentence_check_catches_a_label() -> None:
    source = (
        "from dataclasses import dataclass\n"
        "from enum import StrEnum\n"
        "class Kind(StrEnum):\n"
        "    A = 'a'\n"
        "    @property\n"
        "    def label(self) -> str:\n"
        "        return 'Loại A'\n"
        "@dataclass\n"
        "class Row:\n"
        "    status_label: str\n"
        "KIND_LABELS = {Kind.A: 'Loại A'}\n"
    )
    module = ModuleType("fake")
    exec(compile(source, "fake.py", "exec", dont_inherit=True), module.__dict__)
    assert sorted(_sentences(module)) == ["Kind.label", "Row.status_label", "fake.KIND_LABELS"]


def test_domain_messages_quote_the_labels() -> None:
    assert naming.name(Status.IN_PROGRESS) == "Đang giải quyết"


def test_the_services_install_the_labels_for_the_domain() -> None:
    code = (
        "import tthc_desk.services.container\n"
        "from tthc_desk.domain import naming\n"
        "from tthc_desk.domain.dossier import Status\n"
        "print(naming.name(Status.RESULT_READY))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert out.stdout.strip() == "Có kết quả", out.stderr


# -- reading labels back ------------------------------------------------------------------------


def _readable_members() -> Iterator[StrEnum]:
    for kind in _enums():
        if kind.__name__ not in UNSHOWN:
            yield from (m for m in kind if m is not PostalState.WAITING)


def test_labels_and_codes_read_back() -> None:
    for member in _readable_members():
        kind, text = type(member), label(member)
        for typed in (text, text.upper(), unicodedata.normalize("NFD", text), member.value):
            assert parse_label(kind, typed) is member, (kind.__name__, typed)


def test_unknown_words_read_as_nothing() -> None:
    assert parse_label(Status, "tuyệt vời") is None
    assert parse_label(Status, "") is None
    assert parse_label(PaperKind, None) is None
    assert parse_label(PostalState, "Chờ giao bưu điện") is None  # never a post status


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("holiday", DayKind.HOLIDAY),
        ("Ngày lễ, tết", DayKind.HOLIDAY),
        ("ngay le tet", DayKind.HOLIDAY),
        ("NGÀY LỄ, TẾT", DayKind.HOLIDAY),
        (unicodedata.normalize("NFD", "Ngày nghỉ bù"), DayKind.DAY_OFF),
        ("day_off", DayKind.DAY_OFF),
        ("Ngày làm việc bù", DayKind.MAKEUP_WORKDAY),
        ("lam bu", DayKind.MAKEUP_WORKDAY),
        ("makeup_workday", DayKind.MAKEUP_WORKDAY),
        ("ngày họp", None),
        ("", None),
    ],
)
def test_day_kind_from_label(text: str, kind: DayKind | None) -> None:
    assert parse_label(DayKind, text) is kind


def test_day_kind_labels() -> None:
    assert label(DayKind.HOLIDAY) == "Ngày lễ, tết"
    assert label(DayKind.DAY_OFF) == "Ngày nghỉ bù"
    assert label(DayKind.MAKEUP_WORKDAY) == "Ngày làm việc bù"


def test_paper_kinds_and_duration_units_by_label_or_word() -> None:
    assert parse_label(PaperKind, "Bản sao") is PaperKind.PHOTOCOPY
    assert parse_label(PaperKind, "chứng thực") is PaperKind.CERTIFIED
    assert parse_label(PaperKind, " BẢN CHÍNH ") is PaperKind.ORIGINAL
    assert parse_label(DurationUnit, "Ngày làm việc") is DurationUnit.WORKING_DAYS
    assert parse_label(DurationUnit, "ngay") is DurationUnit.CALENDAR_DAYS
    assert parse_label(DurationUnit, "tuần") is None


def test_ratings_accept_labels_without_accents() -> None:
    assert parse_rating("Rất hài lòng") == "very_satisfied"
    assert parse_rating("hai long") == "satisfied"
    assert parse_rating("khong hai long") == "dissatisfied"
    with pytest.raises(ValidationError):
        parse_rating("tuyệt vời")


def test_ratings_by_code_with_dashes_or_spaces() -> None:
    assert parse_rating("very-satisfied") is Rating.VERY_SATISFIED
    assert parse_rating("Very satisfied") is Rating.VERY_SATISFIED


def test_every_state_has_a_vietnamese_label() -> None:
    assert [label(s) for s in PostalState] == [
        "Chờ giao bưu điện",
        "Đã giao bưu điện",
        "Đã phát thành công",
        "Phát không thành công",
        "Chuyển hoàn về Bộ phận Một cửa",
    ]


@pytest.mark.parametrize(
    ("word", "state"),
    [
        ("delivered", PostalState.DELIVERED),
        ("DELIVERED", PostalState.DELIVERED),
        ("Đã phát thành công", PostalState.DELIVERED),
        ("da phat thanh cong", PostalState.DELIVERED),
        ("failed", PostalState.FAILED),
        ("Phát không thành công", PostalState.FAILED),
        ("phat khong thanh cong", PostalState.FAILED),
        ("returned", PostalState.RETURNED),
        ("Chuyển hoàn về Bộ phận Một cửa", PostalState.RETURNED),
        ("chuyen hoan", PostalState.RETURNED),
        ("handed_over", PostalState.HANDED_OVER),
        ("Đã giao bưu điện", PostalState.HANDED_OVER),
    ],
)
def test_status_words_with_or_without_accents(word: str, state: PostalState) -> None:
    assert parse_status_word(word) is state


def test_status_words_in_nfd_and_unknown_words() -> None:
    assert (
        parse_status_word(unicodedata.normalize("NFD", "Phát không thành công"))
        is PostalState.FAILED
    )
    assert parse_status_word("waiting") is None  # never a post office status
    assert parse_status_word("Chờ giao bưu điện") is None
    assert parse_status_word("lost") is None
    assert parse_status_word("") is None


def test_outcomes_by_code_or_word() -> None:
    assert parse_outcome("Chuyển hoàn") is PostalState.RETURNED
    assert parse_outcome(PostalState.DELIVERED) is PostalState.DELIVERED
    for bad in ("lost", "handed_over", PostalState.WAITING):
        with pytest.raises(ValidationError) as e:
            parse_outcome(bad)
        assert "delivered" in e.value.field_messages()["state"]


# -- composite values ---------------------------------------------------------------------------


def test_periods_are_worded_from_their_kind_and_key() -> None:
    assert [
        period_label(periods.week(2026, 9)),
        period_label(periods.month(2026, 3)),
        period_label(periods.quarter(2026, 1)),
        period_label(periods.quarter(2026, 4)),
        period_label(periods.half(2026, 1)),
        period_label(periods.half(2026, 2)),
        period_label(periods.year(2026)),
        period_label(periods.custom(date(2026, 3, 1), date(2026, 3, 10))),
    ] == [
        "Tuần 09/2026",
        "Tháng 03 năm 2026",
        "Quý I năm 2026",
        "Quý IV năm 2026",
        "6 tháng đầu năm 2026",
        "6 tháng cuối năm 2026",
        "Năm 2026",
        "Từ 01/03/2026 đến 10/03/2026",
    ]
    q1 = periods.quarter(2026, 1)
    assert period_range_text(q1) == "Từ ngày 15/12/2025 đến ngày 14/03/2026"


def test_durations() -> None:
    assert duration_text(Duration(3, DurationUnit.WORKING_DAYS)) == "3 ngày làm việc"
    assert duration_text(Duration(8, DurationUnit.WORKING_HOURS)) == "8 giờ làm việc"
    assert duration_text(Duration(1, DurationUnit.MONTHS)) == "1 tháng"
    assert duration_text(Duration(0, DurationUnit.SAME_DAY)) == "Trong ngày"


def test_history_steps_are_named_by_kind_or_move() -> None:
    at = datetime(2026, 3, 2, 8, 0)
    assert event_label(DossierEvent(at, "received")) == "Tiếp nhận hồ sơ"
    assert event_label(DossierEvent(at, Move.HAND_OVER.value)) == "Chuyển xử lý"
    with pytest.raises(ValueError):
        event_label(DossierEvent(at, "unknown"))


def test_corrected_fields_keep_unknown_names() -> None:
    assert field_label("sets_count") == "Số bộ hồ sơ"
    assert field_label("old_column") == "old_column"


def test_receipt_says_when_the_file_was_already_there() -> None:
    assert receipt_text(DeliveryReceipt(201, "Created")) == "201 Created"
    assert receipt_text(DeliveryReceipt(None, "Đã ghi x")) == "Đã ghi x"
    assert receipt_text(DeliveryReceipt(200, "OK", already_there=True)).startswith("Đã có sẵn")


def test_a_translator_gets_the_context_and_the_source_text() -> None:
    asked: list[tuple[str, str]] = []

    def tr(context: str, text: str) -> str:
        asked.append((context, text))
        return "»" + text

    assert label(Status.CLOSED, tr) == "»Đóng"
    assert period_label(periods.year(2026), tr) == "»Năm 2026"
    assert asked == [("Status", "Đóng"), ("Period", "Năm {year}")]
    assert set(asked) <= presentation.all_labels()


# -- extraction ---------------------------------------------------------------------------------


def _lupdate() -> str:
    exe = shutil.which("pyside6-lupdate")
    assert exe is not None, "pyside6-lupdate (PySide6) is needed to extract the labels"
    return exe


def test_lupdate_extracts_every_label(tmp_path: Path) -> None:
    ts = tmp_path / "presentation.ts"
    source = ROOT / "tthc_desk" / "presentation.py"
    result = subprocess.run(
        [_lupdate(), str(source), "-ts", str(ts)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    extracted = {
        (context.findtext("name"), message.findtext("source"))
        for context in ET.parse(ts).getroot().iter("context")
        for message in context.iter("message")
    }
    assert extracted == presentation.all_labels()
