"""The report store's period reads against a real SQLite file: the dossiers a period may count,
the histories to replay, first letters, ledger and late rows."""

from __future__ import annotations

from datetime import datetime

from tests.conftest import make_draft, sign_as
from tthc_desk.domain.clock import FixedClock
from tthc_desk.domain.dossier import Channel, Status
from tthc_desk.domain.lifecycle import Granularity, Move
from tthc_desk.services.apology_service import LetterEdit
from tthc_desk.services.container import Services
from tthc_desk.services.lifecycle_service import MoveRequest

SAME_DAY, THREE_DAYS = "1.001193", "1.004873"


def at(day: int, hour: int = 8, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute)


def receive(services: Services, clock: FixedClock, when: datetime, code: str, **kw: object) -> str:
    clock.set(when)
    return services.dossiers.receive(make_draft(procedure_code=code, **kw)).code


def move(
    services: Services, clock: FixedClock, code: str, move: Move, when: datetime, reason: str = ""
) -> None:
    clock.set(when)
    services.lifecycle.move(code, MoveRequest(move, reason=reason))


def ids(services: Services, *codes: str) -> list[int]:
    with services.db.read() as uow:
        found = [uow.dossiers.id_of(c) for c in codes]
    assert None not in found
    return [i for i in found if i is not None]


def test_the_dossiers_a_period_may_count(services: Services, clock: FixedClock) -> None:
    settled_before = receive(services, clock, at(2), SAME_DAY)
    move(services, clock, settled_before, Move.RESULT_READY, at(2, 11))
    withdrawn = receive(services, clock, at(2, 9), THREE_DAYS)
    move(services, clock, withdrawn, Move.WITHDRAWN, at(2, 14), reason="Người nộp xin rút")
    running = receive(services, clock, at(3, 9), THREE_DAYS, channel=Channel.ONLINE)
    receive(services, clock, at(5, 9), SAME_DAY)  # after the end
    with services.db.read() as uow:
        rows = uow.reports.period_dossiers(at(3, 0), at(5, 0))
    assert [r.code for r in rows] == [withdrawn, running]
    w, r = rows
    assert w.status is Status.WITHDRAWN and w.ended_at == at(2, 14) and w.settled_at is None
    assert r.ended_at is None and r.channel is Channel.ONLINE and r.postal_return is False
    assert r.intake_at == at(3, 9) and r.due_at == at(6, 9) and r.status is Status.RECEIVED
    assert r.field == "Hộ tịch" and r.procedure_code == THREE_DAYS
    assert (r.rating, r.late_reason, r.responsible_unit) == ("", "", "")


def test_histories_only_of_dossiers_that_changed_after_the_end(
    services: Services, clock: FixedClock
) -> None:
    quiet = receive(services, clock, at(2), THREE_DAYS)
    changed = receive(services, clock, at(2, 9), THREE_DAYS)
    move(services, clock, changed, Move.HAND_OVER, at(2, 10))
    move(services, clock, changed, Move.RESULT_READY, at(4, 10))
    quiet_id, changed_id = ids(services, quiet, changed)
    with services.db.read() as uow:
        history = uow.reports.histories([quiet_id, changed_id], at(3, 0))
    assert list(history) == [changed_id]
    kinds = [(e.kind, e.at) for e in history[changed_id]]
    assert kinds == [
        ("received", at(2, 9)),
        (Move.HAND_OVER.value, at(2, 10)),
        (Move.RESULT_READY.value, at(4, 10)),
    ]
    assert history[changed_id][-1].data["to_status"] == Status.RESULT_READY.value


def test_the_first_letter_signed_before_the_end(services: Services, clock: FixedClock) -> None:
    signed = receive(services, clock, at(2), THREE_DAYS)
    drafted = receive(services, clock, at(2, 9), THREE_DAYS)
    for when, override in ((at(4, 9), ""), (at(10, 9), "Chờ kết quả xác minh")):
        clock.set(when)
        letter = services.apologies.draft(signed, LetterEdit("Cơ quan phối hợp chậm trả lời"))
        sign_as(services, "an", letter.id, override_reason=override)
    services.apologies.draft(drafted)
    signed_id, drafted_id = ids(services, signed, drafted)
    with services.db.read() as uow:
        letters = uow.reports.first_letters([signed_id, drafted_id], at(12, 0))
        before = uow.reports.first_letters([signed_id], at(4, 9))
    assert list(letters) == [signed_id] and before == {}
    first = letters[signed_id]
    assert (first.number, first.year, first.signed_at, first.text) == (
        1,
        2026,
        at(4, 9),
        "01/2026/PXL",
    )


def test_ledger_sources_with_the_first_hand_off(services: Services, clock: FixedClock) -> None:
    a = receive(services, clock, at(2), THREE_DAYS)
    b = receive(services, clock, at(2, 9), SAME_DAY)
    clock.set(at(2, 9, 30))
    services.lifecycle.move(a, MoveRequest(Move.HAND_OVER, unit="Phòng Kinh tế"))
    clock.set(at(3, 10))
    services.lifecycle.move(a, MoveRequest(Move.HAND_OVER, unit="Công an xã"))
    receive(services, clock, at(3, 11), SAME_DAY)  # the next day: outside
    with services.db.read() as uow:
        rows = uow.reports.ledger_sources(at(2, 0), at(3, 0))
    assert [(r.code, r.ledger_number) for r in rows] == [(a, 1), (b, 2)]
    assert rows[0].handed_over_at == at(2, 9, 30) and rows[1].handed_over_at is None
    assert rows[0].status is Status.IN_PROGRESS and rows[0].received_at == at(2)


def test_late_sources_settled_late_then_open_overdue(services: Services, clock: FixedClock) -> None:
    same_day = receive(services, clock, at(2), SAME_DAY)  # due 02/03 17:00
    move(services, clock, same_day, Move.RESULT_READY, at(2, 17, 30))  # late by minute only
    slow = receive(services, clock, at(2, 8, 30), SAME_DAY)
    move(services, clock, slow, Move.RESULT_READY, at(3, 9))  # late by day
    still = receive(services, clock, at(2, 9), SAME_DAY)  # never settled
    receive(services, clock, at(4, 9), THREE_DAYS)  # not due yet
    clock.set(at(4, 10))
    sign_as(services, "an", services.apologies.draft(still).id)
    with services.db.read() as uow:
        by_day = uow.reports.late_sources(at(2, 0), at(5, 0), Granularity.DAY)
        by_minute = uow.reports.late_sources(at(2, 0), at(5, 0), Granularity.MINUTE)
    assert [r.code for r in by_day] == [slow, still]
    assert [r.code for r in by_minute] == [same_day, slow, still]
    open_one = by_day[-1]
    assert open_one.settled_at is None and open_one.status is Status.RECEIVED
    assert (open_one.letter_number, open_one.letter_year) == (1, 2026)
    assert open_one.letter_at == at(4, 10) and by_day[0].letter_number is None


def test_an_end_while_waiting_for_a_supplement_is_flagged(
    services: Services, clock: FixedClock
) -> None:
    # Each received 02/03 09:00, due 05/03 09:00; each ends on 09/03, after the due day.
    def waiting(code: str) -> None:
        move(services, clock, code, Move.SUPPLEMENT, at(2, 10), reason="Thiếu giấy khai sinh")

    withdrawn_waiting = receive(services, clock, at(2, 9), THREE_DAYS)
    waiting(withdrawn_waiting)
    move(services, clock, withdrawn_waiting, Move.WITHDRAWN, at(9, 9), reason="Xin rút")
    stopped_waiting = receive(services, clock, at(2, 9), THREE_DAYS)
    waiting(stopped_waiting)
    move(services, clock, stopped_waiting, Move.STOPPED, at(9, 9), reason="Xin dừng")
    back_then_withdrawn = receive(services, clock, at(2, 9), THREE_DAYS)
    waiting(back_then_withdrawn)
    move(services, clock, back_then_withdrawn, Move.SUPPLEMENTED, at(3, 9))
    move(services, clock, back_then_withdrawn, Move.WITHDRAWN, at(9, 9), reason="Xin rút")
    stopped_late = receive(services, clock, at(2, 9), THREE_DAYS)
    move(services, clock, stopped_late, Move.STOPPED, at(9, 9), reason="Xin dừng")
    with services.db.read() as uow:
        rows = {r.code: r for r in uow.reports.period_dossiers(at(2, 0), at(10, 0))}
        late = [r.code for r in uow.reports.late_sources(at(2, 0), at(10, 0), Granularity.DAY)]
    assert rows[withdrawn_waiting].waiting_supplement
    assert rows[stopped_waiting].waiting_supplement
    assert not rows[back_then_withdrawn].waiting_supplement
    assert not rows[stopped_late].waiting_supplement
    assert stopped_late in late and stopped_waiting not in late
