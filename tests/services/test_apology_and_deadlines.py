"""Deadline views and apology letters: drafting, numbering, the once-only re-appointment."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.conftest import make_draft, sign_as
from tthc_desk.domain.clock import FixedClock
from tthc_desk.domain.errors import ForbiddenError, ValidationError
from tthc_desk.domain.lifecycle import LetterStatus, Move, Timeliness
from tthc_desk.services.apology_service import LetterEdit
from tthc_desk.services.container import Services
from tthc_desk.services.deadline_service import DeadlineView
from tthc_desk.services.lifecycle_service import MoveRequest


def _receive(services: Services, code: str = "1.004873") -> str:
    return services.dossiers.receive(make_draft(procedure_code=code)).code  # 3 working days


def test_deadline_views(services: Services, clock: FixedClock) -> None:
    a = _receive(services)  # due Thu 05/03 08:00
    b = _receive(services, "1.001193")  # same day: due Mon 02/03 17:00
    c = _receive(services, "1.004772")  # 5 working days: due Mon 09/03 08:00
    clock.set(datetime(2026, 3, 2, 10, 0))
    counts = services.deadlines.counts()
    assert (counts.due_today, counts.due_soon, counts.overdue) == (1, 0, 0)
    assert [r.code for r in services.deadlines.rows(DeadlineView.TODAY)] == [b]
    clock.set(datetime(2026, 3, 3, 10, 0))  # b is late; a is due in 2 working days (Thu)
    assert [r.code for r in services.deadlines.rows(DeadlineView.OVERDUE)] == [b]
    assert [r.code for r in services.deadlines.rows(DeadlineView.SOON)] == [a]
    services.lifecycle.move(a, MoveRequest(Move.SUPPLEMENT, reason="Thiếu giấy"))
    assert (
        services.deadlines.rows(DeadlineView.SOON) == []
    )  # waiting for a supplement: the clock stops
    assert "1 hồ sơ quá hạn" in services.deadlines.summary_text()
    assert c not in {r.code for v in DeadlineView for r in services.deadlines.rows(v)}


def test_scan_drafts_for_at_risk_and_late_and_is_idempotent(
    services: Services, clock: FixedClock
) -> None:
    a = _receive(services)  # due Thu 05/03
    b = _receive(services, "1.004772")  # due Mon 09/03
    clock.set(datetime(2026, 3, 3, 9, 0))  # Tuesday: a is not yet "the day before"
    assert services.apologies.scan() == 0
    clock.set(datetime(2026, 3, 4, 9, 0))  # Wednesday: the day before a's due date
    assert services.apologies.scan() == 1
    assert services.apologies.scan() == 0  # twice: nothing new
    clock.set(datetime(2026, 3, 10, 9, 0))  # b is late now
    assert services.apologies.scan() == 1
    drafts = services.apologies.letters(LetterStatus.DRAFT)
    assert {x.dossier_code for x in drafts} == {a, b}
    assert all(x.signer_name == services.settings.office().head_name for x in drafts)
    assert services.apologies.missing_count() == 0


def test_a_dossier_due_later_today_gets_no_draft_until_it_is_late(
    services: Services, clock: FixedClock
) -> None:
    a = _receive(services, "1.001193")  # same day: due today 17:00
    clock.set(datetime(2026, 3, 2, 16, 59))
    assert services.apologies.scan() == 0
    clock.set(datetime(2026, 3, 2, 17, 1))
    assert services.apologies.scan() == 1
    assert services.apologies.for_dossier(a)[0].original_due_at == datetime(2026, 3, 2, 17, 0)


def test_settled_late_without_letter_gets_a_draft(services: Services, clock: FixedClock) -> None:
    a = _receive(services, "1.001193")  # due today 17:00
    clock.set(datetime(2026, 3, 3, 9, 0))
    services.lifecycle.move(a, MoveRequest(Move.RESULT_READY))
    assert services.apologies.scan() == 1


def test_confirm_in_time_moves_the_due_date(services: Services, clock: FixedClock) -> None:
    code = _receive(services)  # due Thu 05/03 08:00
    clock.set(datetime(2026, 3, 4, 9, 0))  # Wednesday = one working day before
    services.apologies.scan()
    letter = services.apologies.for_dossier(code)[0]
    services.apologies.update_draft(
        letter.id,
        LetterEdit(
            "Cơ quan phối hợp chậm trả lời",
            "Chờ UBND xã bạn",
            "Công chức Tư pháp - Hộ tịch",
            datetime(2026, 3, 9, 10, 0),
        ),
    )
    signed = sign_as(services, "an", letter.id)
    assert signed.number == 1 and signed.year == 2026 and signed.status is LetterStatus.CONFIRMED
    d = services.dossiers.get(code)
    assert d.due_at == datetime(2026, 3, 9, 10, 0) and d.original_due_at == datetime(
        2026, 3, 5, 8, 0
    )
    assert (
        d.late_reason.startswith("Cơ quan phối hợp")
        and d.responsible_unit == "Công chức Tư pháp - Hộ tịch"
    )
    clock.set(datetime(2026, 3, 6, 9, 0))
    d = services.lifecycle.move(code, MoveRequest(Move.RESULT_READY)).dossier
    assert services.lifecycle.timeliness(d) is Timeliness.EARLY  # against the extended date
    delivered = services.apologies.deliver(letter.id, "Gọi điện thoại")
    assert delivered.status is LetterStatus.DELIVERED


def test_extension_recorded_too_late_keeps_the_original_due(
    services: Services, clock: FixedClock
) -> None:
    code = _receive(services)  # due Thu 05/03 08:00
    clock.set(datetime(2026, 3, 5, 7, 45))  # on the due day itself: too late
    assert services.apologies.scan() == 0  # the day before has passed: drafted by hand
    letter = services.apologies.draft(code)
    sign_as(services, "an", letter.id)
    d = services.dossiers.get(code)
    assert d.due_at == datetime(2026, 3, 5, 8, 0)  # never silently reclassified
    assert d.extended_due_at == letter.proposed_due_at
    clock.set(datetime(2026, 3, 6, 9, 0))
    d = services.lifecycle.move(code, MoveRequest(Move.RESULT_READY)).dossier
    assert services.lifecycle.timeliness(d) is Timeliness.LATE


def test_second_reappointment_needs_the_heads_override(
    services: Services, clock: FixedClock
) -> None:
    code = _receive(services)
    clock.set(datetime(2026, 3, 4, 9, 0))
    services.apologies.scan()
    first = services.apologies.for_dossier(code)[0]
    sign_as(services, "an", first.id)
    clock.set(datetime(2026, 3, 10, 9, 0))
    second = services.apologies.draft(code)
    with pytest.raises(ForbiddenError):  # a clerk cannot sign, let alone override
        sign_as(services, "cuong", second.id, override_reason="Cần thêm thời gian")
    with pytest.raises(ValidationError):
        sign_as(services, "an", second.id)
    signed = sign_as(services, "an", second.id, override_reason="Chờ kết quả xác minh")
    assert signed.override and signed.override_by == "Nguyễn Văn An" and signed.number == 2
    assert [x.number for x in services.apologies.register(2026)] == [1, 2]


def test_drafts_can_be_discarded_but_signed_letters_cannot(
    services: Services, clock: FixedClock
) -> None:
    code = _receive(services)
    letter = services.apologies.draft(code)
    services.apologies.discard(letter.id)
    assert services.apologies.for_dossier(code) == []
    letter = services.apologies.draft(code)
    with pytest.raises(ValidationError):
        services.apologies.deliver(letter.id, "Trao trực tiếp")
    sign_as(services, "an", letter.id)
    with pytest.raises(ValidationError):
        services.apologies.discard(letter.id)
