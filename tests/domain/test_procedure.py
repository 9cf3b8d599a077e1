"""Procedure rules without a database: checks before saving, tidying, search."""

from __future__ import annotations

import pytest

from tthc_desk.domain.errors import ValidationError
from tthc_desk.domain.procedure import (
    Duration,
    DurationUnit,
    Procedure,
    RequiredPaper,
    normalise_procedure,
    procedure_matches,
    procedure_search_text,
    validate_procedure,
)
from tthc_desk.domain.text import search_tokens

KHAI_SINH = Procedure(
    code="1.001193",
    name="Thủ tục đăng ký khai sinh",
    field="Hộ tịch",
    deciding_agency="UBND cấp xã",
    handling_unit="Công chức Tư pháp - Hộ tịch",
    duration=Duration(0, DurationUnit.SAME_DAY),
    papers=(RequiredPaper("Tờ khai đăng ký khai sinh"),),
)


def test_a_good_procedure_passes() -> None:
    validate_procedure(KHAI_SINH)


def test_a_bad_procedure_lists_every_field() -> None:
    bad = Procedure(
        code="1001193",
        name=" ",
        field="",
        deciding_agency="",
        handling_unit="",
        duration=Duration(0, DurationUnit.WORKING_DAYS),
        fee=-1,
        papers=(RequiredPaper("", count=0),),
    )
    with pytest.raises(ValidationError) as err:
        validate_procedure(bad)
    assert set(err.value.field_messages()) == {"code", "name", "field", "duration", "fee", "papers"}
    assert len([p for p in err.value.problems if p.field == "papers"]) == 2


def test_normalise_collapses_spaces_everywhere_but_keeps_the_code() -> None:
    messy = Procedure(
        code=" 1.001193 ",
        name="Thủ tục  đăng ký\tkhai sinh ",
        field=" Hộ  tịch",
        deciding_agency="UBND  cấp xã",
        handling_unit=" Công chức ",
        duration=Duration(0, DurationUnit.SAME_DAY),
        papers=(RequiredPaper("  Tờ khai  đăng ký khai sinh"),),
    )
    clean = normalise_procedure(messy)
    assert clean.code == "1.001193"
    assert clean.name == "Thủ tục đăng ký khai sinh"
    assert clean.papers == KHAI_SINH.papers
    assert (clean.field, clean.deciding_agency, clean.handling_unit) == (
        "Hộ tịch",
        "UBND cấp xã",
        "Công chức",
    )


def test_search_text_is_the_code_and_the_folded_name_and_field() -> None:
    assert procedure_search_text(KHAI_SINH) == "1.001193 thu tuc dang ky khai sinh ho tich"


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("1.001193", True),
        ("1001", True),  # the code without dots, as typed on a number pad
        ("dang ky khai", True),
        ("Khai  Sinh", True),
        ("ho tich", True),
        ("ket hon", False),
        ("thu tuc khai", True),  # the order of the words does not matter
        ("sinh dang ket", False),  # one word missing is enough to miss
    ],
)
def test_every_typed_word_must_start_a_word(typed: str, found: bool) -> None:
    assert procedure_matches(KHAI_SINH, search_tokens(typed)) is found
