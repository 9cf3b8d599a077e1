"""The text gate, the legal ranges of durations and years, and the bound on calendar walks."""

from __future__ import annotations

import time
from datetime import date, datetime

import pytest

from tests.conftest import make_draft
from tthc_desk.domain.calendar import CalendarException, DayKind, WorkCalendar, validate_exception
from tthc_desk.domain.dossier import Person, id_number_problem, normalise_phone
from tthc_desk.domain.errors import ValidationError
from tthc_desk.domain.intake import check_draft, clean_person, normalise_draft
from tthc_desk.domain.procedure import (
    Duration,
    DurationUnit,
    Procedure,
    duration_problem,
    procedure_problems,
)
from tthc_desk.domain.text import (
    NAME_MAX,
    ascii_digits,
    clean_text,
    fold,
    mid_sentence,
    nfc,
    text_problem,
)

NOW = datetime(2026, 3, 2, 8, 0)

# (character, why it is refused)
INVISIBLE = [
    "\x00",  # NUL
    "\x07",  # BEL
    "\x1b",  # ESC
    "\x7f",  # DEL
    "\x80",  # C1 padding character
    "\u200b",  # zero-width space
    "\u200d",  # zero-width joiner
    "\u200e",  # left-to-right mark
    "\u202e",  # right-to-left override
    "\u2066",  # left-to-right isolate
    "\u2069",  # pop directional isolate
    "\ufeff",  # byte order mark / zero-width no-break space
    "\ud800",  # lone surrogate
]


@pytest.mark.parametrize("ch", INVISIBLE, ids=[f"U+{ord(c):04X}" for c in INVISIBLE])
def test_control_format_and_invisible_characters_are_refused_naming_the_field(ch: str) -> None:
    message = text_problem(f"Lê Văn{ch} Chuông", "Họ và tên", NAME_MAX)
    assert message is not None and message.startswith("Họ và tên chứa ký tự")
    assert f"U+{ord(ch):04X}" in message
    with pytest.raises(ValidationError, match="Họ và tên") as err:
        clean_text(f"Lê Văn{ch} Chuông", "Họ và tên", NAME_MAX, field="full_name")
    assert err.value.field_messages() == {"full_name": message}


def test_ordinary_vietnamese_text_passes_nfc_and_single_spaced() -> None:
    nfd = "Nguye\u0302\u0303n  Va\u0306n\tĐức "
    assert text_problem(nfd, "Họ và tên", NAME_MAX) is None
    assert clean_text(nfd, "Họ và tên", NAME_MAX) == "Nguyễn Văn Đức"
    note = "Dòng một\nDòng hai"
    assert clean_text(note, "Ghi chú", 100, multiline=True) == note
    # In a one-line field any white space (line breaks, U+0085, U+2028, U+001F) is one space;
    # in a multi-line field only tab and line breaks are kept.
    for space in ("\n", "\x85", "\u2028", "\x1f", "\x0b"):
        assert clean_text(f"Lê{space}Văn", "Họ và tên", 100) == "Lê Văn"
        assert text_problem(f"Lê{space}Văn", "Ghi chú", 100, multiline=True) is not None or (
            space == "\n"
        )


def test_length_is_counted_after_nfc_and_limited() -> None:
    assert text_problem("a" * NAME_MAX, "Họ và tên", NAME_MAX) is None
    assert text_problem("e\u0302" * NAME_MAX, "Họ và tên", NAME_MAX) is None  # NFC: one each
    message = text_problem("a" * 100_000, "Họ và tên", NAME_MAX)
    assert message == f"Họ và tên dài 100000 ký tự, quá giới hạn {NAME_MAX} ký tự."


def test_digits_of_other_scripts_become_ascii_and_the_patterns_are_ascii_only() -> None:
    full_width = "００１１９００１２３４５"
    arabic_indic = "٠٠١١٩٠٠١٢٣٤٥"
    assert ascii_digits(full_width) == ascii_digits(arabic_indic) == "001190012345"
    assert normalise_phone("０９１２ ３４５ ６７８") == "0912345678"
    assert id_number_problem(full_width) is not None  # unfolded, never a valid number
    person = clean_person(Person("Lê Văn Chuông", full_width, phone="٠٩١٢٣٤٥٦٧٨"))
    assert (person.id_number, person.phone) == ("001190012345", "0912345678")
    assert fold("Số ０１２") == "so 012"  # search folds them too


def test_a_draft_with_a_bell_or_an_override_lists_each_field() -> None:
    draft = normalise_draft(
        make_draft(
            applicant=Person(
                "Lê Văn\x07 Chuông", "001190012345", address="Thôn \u202eĐông", phone=""
            ),
            note="x" * 3000,
        )
    )
    with pytest.raises(ValidationError) as err:
        check_draft(draft, None, NOW)
    fields = err.value.field_messages()
    assert "U+0007" in fields["applicant.full_name"]
    assert "U+202E" in fields["applicant.address"]
    assert "quá giới hạn 2000" in fields["note"]


@pytest.mark.parametrize(
    ("received", "ok"),
    [
        (datetime(1900, 1, 1, 8, 0), False),
        (datetime(1999, 12, 31, 8, 0), False),
        (datetime(2000, 1, 1, 8, 0), True),
    ],
)
def test_a_receipt_moment_before_2000_is_refused(received: datetime, ok: bool) -> None:
    draft = normalise_draft(
        make_draft(received_at=received, backdate_reason="Vào sổ giấy trước, nhập máy sau")
    )
    try:
        check_draft(draft, None, NOW, "")
    except ValidationError as exc:
        assert ("received_at" not in exc.field_messages()) is ok
        if not ok:
            assert "quá xa trong quá khứ" in exc.field_messages()["received_at"]
    else:
        assert ok


@pytest.mark.parametrize(
    ("value", "unit", "ok"),
    [
        (365, DurationUnit.WORKING_DAYS, True),
        (366, DurationUnit.WORKING_DAYS, False),
        (10**12, DurationUnit.WORKING_DAYS, False),
        (2000, DurationUnit.WORKING_HOURS, True),
        (2001, DurationUnit.WORKING_HOURS, False),
        (24, DurationUnit.MONTHS, True),
        (25, DurationUnit.MONTHS, False),
        (730, DurationUnit.CALENDAR_DAYS, True),
        (731, DurationUnit.CALENDAR_DAYS, False),
    ],
)
def test_durations_within_legal_bounds(value: int, unit: DurationUnit, ok: bool) -> None:
    assert (duration_problem(Duration(value, unit)) is None) is ok
    p = Procedure(
        "1.001193", "Đăng ký khai sinh", "Hộ tịch", "UBND xã", "Tư pháp", Duration(value, unit)
    )
    assert (dict(procedure_problems(p)).get("duration") is None) is ok


def test_procedure_texts_pass_the_gate() -> None:
    p = Procedure(
        "1.001193",
        "Đăng ký\x1b khai sinh",
        "Hộ\u200btịch",
        "",
        "",
        Duration(3, DurationUnit.WORKING_DAYS),
    )
    problems = dict(procedure_problems(p))
    assert "Tên thủ tục chứa ký tự" in problems["name"]
    assert "Lĩnh vực chứa ký tự" in problems["field"]


@pytest.mark.parametrize("year", [1800, 1999, 2101, 9999])
def test_calendar_exceptions_outside_2000_2100_are_refused(year: int) -> None:
    with pytest.raises(ValidationError, match="ngoài lịch làm việc"):
        validate_exception(CalendarException(date(year, 5, 1), DayKind.HOLIDAY, "Lễ"))


def test_walking_the_calendar_is_bounded_and_says_so() -> None:
    cal = WorkCalendar()
    start = time.monotonic()
    with pytest.raises(ValidationError, match="vượt quá năm 2103"):
        cal.nth_working_day_after(date(2026, 3, 2), 10**12)
    with pytest.raises(ValidationError, match="vượt quá năm 2103"):
        cal.add_working_hours(datetime(2026, 3, 2, 8, 0), 10**9)
    assert time.monotonic() - start < 30
    assert cal.nth_working_day_after(date(2026, 3, 2), 365) < date(2027, 12, 31)


# ---- a name inside a sentence ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "inside"),
    [
        ("Đăng ký khai sinh", "đăng ký khai sinh"),
        ("Thủ tục đăng ký kết hôn", "thủ tục đăng ký kết hôn"),
        ("Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan, tổ chức có thẩm quyền của "
         "Việt Nam", "chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan, tổ chức có "
         "thẩm quyền của Việt Nam"),
        ("Cấp bản sao Trích lục hộ tịch", "cấp bản sao Trích lục hộ tịch"),  # later words kept
        ("Ủy ban nhân dân xã xác nhận", "Ủy ban nhân dân xã xác nhận"),
        ("Việt Nam hóa tên", "Việt Nam hóa tên"),
        ("Nhà nước bồi thường", "Nhà nước bồi thường"),
        ("UBND xã xác nhận", "UBND xã xác nhận"),  # an acronym
        ("CCCD cấp lại", "CCCD cấp lại"),
        ("đã thường", "đã thường"),
        ("Đ", "Đ"),
        ("", ""),
        ("Đa\u0306ng ký tạm trú", "đăng ký tạm trú"),  # decomposed: NFC first
    ],
)  # fmt: skip
def test_a_name_inside_a_sentence_loses_only_its_first_capital(name: str, inside: str) -> None:
    assert mid_sentence(name) == inside


def test_every_starter_procedure_reads_inside_a_sentence() -> None:
    """Every name of the starter catalog changes in its first letter at most."""
    import json

    from tthc_desk.resources import resource_path

    data = json.loads(resource_path("catalog", "starter_catalog.json").read_text("utf-8"))
    for procedure in data["procedures"]:
        name = nfc(procedure["name"])
        inside = mid_sentence(name)
        assert inside[1:] == name[1:] and inside[0] == name[0].lower(), name
