"""The list's filters and the folded search text, without a database."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from tthc_desk.domain.dossier import Status, format_dossier_code
from tthc_desk.domain.search import (
    SEARCH_TEXT_PARTS,
    DossierQuery,
    build_search_text,
    search_text_of,
    whole_code,
)
from tthc_desk.domain.text import search_tokens


def test_search_text_is_folded_and_skips_empty_parts() -> None:
    text = build_search_text(
        code="000.17.22.H56-260302-0001",
        name="Đặng Đức Đông",
        id_number="036200009999",
        phone="",
        procedure_code="2.001035",
        procedure_name="Chứng thực bản sao",
    )
    assert text == (
        "dang duc dong 000.17.22.H56-260302-0001 036200009999 2.001035 chung thuc ban sao"
    )
    parts = dict.fromkeys(SEARCH_TEXT_PARTS, "")
    parts.update(code="X-260302-0001", applicant_name="Lê Hoa", authorised_name="Ông Tám")
    assert search_text_of(parts) == "le hoa X-260302-0001 ong tam"


def test_a_whole_code_is_recognised_only_whole() -> None:
    code = format_dossier_code("000.17.22.H56", date(2026, 3, 2), 7)
    assert whole_code(f"  {code} ") == code
    assert whole_code("260302-0007") is None
    assert whole_code(f"{code} nguyen") is None
    assert whole_code("000.17.22.H56-261332-0007") is None  # no 32nd of the 13th month


def test_a_query_is_unfiltered_without_status_field_or_dates() -> None:
    assert DossierQuery(text="nguyen", before_id=5).unfiltered
    assert not DossierQuery(status=Status.RECEIVED).unfiltered
    assert not DossierQuery(field="Hộ tịch").unfiltered
    assert not DossierQuery(date_to=date(2026, 3, 2)).unfiltered


@given(
    name=st.text(alphabet=st.sampled_from(list("aăâđeêoôơuưyàảãáạ ĐĂÂ")), max_size=25),
    phone=st.text(alphabet="0123456789", max_size=10),
)
def test_every_folded_word_of_the_name_can_be_found(name: str, phone: str) -> None:
    text = build_search_text(
        code="X-260302-0001",
        name=name,
        id_number="001190012345",
        phone=phone,
        procedure_code="1.001193",
        procedure_name="Khai sinh",
    )
    indexed = set(search_tokens(text))
    assert set(search_tokens(name)) <= indexed
    assert set(search_tokens(phone)) <= indexed
