"""Search as the dossier list uses it: unranked pages, newest first, whole codes exact."""

from __future__ import annotations

from tests.conftest import make_draft
from tthc_desk.domain.dossier import Person, Status
from tthc_desk.services.container import Services
from tthc_desk.services.dossier_service import DossierQuery


def _codes(services: Services, **query: object) -> list[str]:
    return [r.code for r in services.dossiers.search(DossierQuery(**query))]  # type: ignore[arg-type]


def test_text_search_pages_backwards_from_the_newest(services: Services) -> None:
    codes = [
        services.dossiers.receive(
            make_draft(applicant=Person(f"Trần Văn Hùng {x}", f"02719000000{i}"))
        ).code
        for i, x in enumerate("ABCDE")
    ]
    services.dossiers.receive(make_draft())  # someone else
    first = services.dossiers.search(DossierQuery(text="tran van hung", limit=2))
    assert [r.code for r in first] == [codes[4], codes[3]]
    second = _codes(services, text="tran van hung", limit=2, before_id=first[-1].id)
    assert second == [codes[2], codes[1]]
    assert _codes(
        services, text="tran van hung", limit=10, before_id=services.dossiers.get(codes[1]).id
    ) == [codes[0]]
    # filters still apply to a text search
    assert _codes(services, text="tran van hung", status=Status.RECEIVED, limit=10) == codes[::-1]
    assert _codes(services, text="tran van hung", status=Status.RETURNED) == []


def test_a_whole_code_finds_that_dossier_only(services: Services) -> None:
    first = services.dossiers.receive(make_draft())
    # same day; an ID number that begins like the first code's sequence number (0001…)
    other = services.dossiers.receive(make_draft(applicant=Person("Lê Thị Hoa", "000119001234")))
    assert first.code.endswith("-0001")
    assert _codes(services, text=first.code) == [first.code]
    assert _codes(services, text=f"  {first.code.lower()} ") == [first.code]
    assert services.dossiers.count(DossierQuery(text=first.code)) == 1
    assert _codes(services, text="000.17.22.H56-260302-0099") == []
    # part of a code is still a text search over every matching dossier
    assert set(_codes(services, text="260302")) == {first.code, other.code}
