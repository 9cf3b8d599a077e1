"""The letter store against a real SQLite file: drafts stored and read back, columns updated,
drafts deleted, and the dossiers that still need a letter."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.conftest import make_draft
from tthc_desk.domain.apology import LetterWindow, NewLetter
from tthc_desk.domain.clock import FixedClock
from tthc_desk.domain.dossier import Status
from tthc_desk.domain.lifecycle import Granularity, LetterStatus, Move
from tthc_desk.services.container import Services
from tthc_desk.services.lifecycle_service import MoveRequest

SAME_DAY, THREE_DAYS = "1.001193", "1.004873"


def at(day: int, hour: int = 8, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute)


def receive(services: Services, code: str = THREE_DAYS) -> int:
    number = services.dossiers.receive(make_draft(procedure_code=code)).code
    with services.db.read() as uow:
        dossier_id = uow.dossiers.id_of(number)
    assert dossier_id is not None
    return dossier_id


def new(dossier_id: int, **kw: object) -> NewLetter:
    values: dict[str, object] = {
        "dossier_id": dossier_id,
        "auto": False,
        "created_at": at(4, 9),
        "responsible_unit": "Công chức Tư pháp - Hộ tịch",
        "original_due_at": at(5),
        "proposed_due_at": at(9),
        "signer_name": "Nguyễn Văn An",
        "signer_title": "PHÓ GIÁM ĐỐC",
        "signer_prefix": "KT. GIÁM ĐỐC",
    }
    values.update(kw)
    return NewLetter(**values)  # type: ignore[arg-type]  # values of mixed types


def test_a_draft_is_stored_read_updated_and_deleted(services: Services) -> None:
    dossier_id = receive(services)
    with services.db.write() as uow:
        letter_id = uow.letters.add(new(dossier_id))
        assert uow.letters.has_draft(dossier_id) and uow.letters.signed_count(dossier_id) == 0
    with services.db.read() as uow:
        found = uow.letters.find(letter_id)
        assert found is not None and found.dossier_id == dossier_id
        letter = found.letter
        assert letter.status is LetterStatus.DRAFT and letter.number is None
        assert letter.applicant_name == "Nguyễn Thị Hồng Nhung" and not letter.auto
        assert letter.proposed_due_at == at(9) and letter.reason  # the first reason by default
        assert uow.letters.for_dossier(letter.dossier_code) == [letter]
        assert uow.letters.count() == 1 and uow.letters.count(LetterStatus.CONFIRMED) == 0
    with services.db.write() as uow:
        uow.letters.update(
            letter_id, {"status": "confirmed", "year": 2026, "number": 4, "confirmed_at": at(4, 10)}
        )
        with pytest.raises(KeyError, match="dossier_id"):
            uow.letters.update(letter_id, {"dossier_id": 99})
    with services.db.read() as uow:
        assert not uow.letters.has_draft(dossier_id) and uow.letters.signed_count(dossier_id) == 1
        assert [x.number_text for x in uow.letters.matching(LetterStatus.CONFIRMED, 2026)] == [
            "04/2026/PXL"
        ]
        assert uow.letters.matching(LetterStatus.DRAFT) == []
        assert uow.letters.matching(year=2025) == []
    with services.db.write() as uow:
        uow.letters.delete(letter_id)
    with services.db.read() as uow:
        assert uow.letters.find(letter_id) is None


def test_the_dossiers_needing_a_letter(services: Services, clock: FixedClock) -> None:
    late = receive(services, SAME_DAY)  # due Mon 02/03 17:00
    at_risk = receive(services)  # due Thu 05/03 08:00
    later = receive(services, "1.004772")  # due Mon 09/03 08:00
    settled_late = receive(services, SAME_DAY)
    clock.set(at(3, 9))
    window = LetterWindow(at(4, 9), at(5, 0), at(6, 0), Granularity.DAY)  # Wednesday
    with services.db.read() as uow:
        assert uow.letters.settled_late_without_letter(window, 10) == []  # nothing settled yet
    services.lifecycle.move(_code(services, settled_late), MoveRequest(Move.RESULT_READY))
    with services.db.read() as uow:
        candidates = {c.dossier_id: c for c in uow.letters.needing_letter(window)}
        assert set(candidates) == {late, at_risk, settled_late}
        assert uow.letters.count_needing_letter(window) == 3
        rows = uow.letters.settled_late_without_letter(window, 10)
    assert [r.id for r in rows] == [settled_late] and rows[0].status is Status.RESULT_READY
    done = candidates[settled_late]
    assert done.status is Status.RESULT_READY and done.settled_at == at(3, 9)
    assert later not in candidates
    with services.db.write() as uow:
        assert uow.letters.add_all([new(late), new(at_risk)]) == 2
    with services.db.read() as uow:
        assert {c.dossier_id for c in uow.letters.needing_letter(window)} == {settled_late}


def _code(services: Services, dossier_id: int) -> str:
    with services.db.read() as uow:
        d = uow.dossiers.get(dossier_id)
    assert d is not None
    return d.code
