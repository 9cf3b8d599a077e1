"""Moves after intake: hand-offs, supplement with clock restart, result, return, side exits."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.conftest import make_draft
from tthc_desk.domain.clock import FixedClock
from tthc_desk.domain.dossier import PaperItem, Status
from tthc_desk.domain.errors import ValidationError
from tthc_desk.domain.lifecycle import Move, Timeliness
from tthc_desk.services.container import Services
from tthc_desk.services.lifecycle_service import MoveRequest


def _receive(services: Services, code: str = "1.004873") -> str:
    # 1.004873: xác nhận tình trạng hôn nhân, 3 working days
    return services.dossiers.receive(make_draft(procedure_code=code)).code


def test_full_walk_with_hand_offs_result_and_return(services: Services, clock: FixedClock) -> None:
    code = _receive(services)
    d = services.dossiers.get(code)
    assert d.due_at == datetime(2026, 3, 5, 8, 0)
    clock.set(datetime(2026, 3, 2, 9, 0))
    out = services.lifecycle.move(
        code, MoveRequest(Move.HAND_OVER, unit="Công chức Tư pháp - Hộ tịch")
    )
    assert (
        out.dossier.status is Status.IN_PROGRESS
        and out.dossier.current_unit == "Công chức Tư pháp - Hộ tịch"
    )
    assert (out.event.from_unit, out.event.to_unit) == (
        services.settings.office().office_name,
        "Công chức Tư pháp - Hộ tịch",
    )
    clock.set(datetime(2026, 3, 3, 10, 0))
    services.lifecycle.move(
        code, MoveRequest(Move.HAND_OVER, unit="Phòng Văn hóa - Xã hội", note="Xin ý kiến")
    )
    clock.set(datetime(2026, 3, 4, 15, 0))
    out = services.lifecycle.move(code, MoveRequest(Move.RESULT_READY))
    assert out.dossier.status is Status.RESULT_READY
    assert out.dossier.settled_at == datetime(2026, 3, 4, 15, 0)
    assert out.event.from_unit == "Phòng Văn hóa - Xã hội"
    assert services.lifecycle.timeliness(out.dossier) is Timeliness.EARLY
    clock.set(datetime(2026, 3, 6, 9, 0))
    out = services.lifecycle.move(
        code, MoveRequest(Move.RETURNED, rating="Rất hài lòng", rating_comment="Nhanh")
    )
    assert out.dossier.status is Status.RETURNED
    assert out.dossier.returned_at == datetime(2026, 3, 6, 9, 0)
    assert out.dossier.returned_to == "Nguyễn Thị Hồng Nhung"
    assert out.dossier.rating == "very_satisfied"
    # returning late does not change the classification: settled is when the result arrived
    assert services.lifecycle.timeliness(out.dossier) is Timeliness.EARLY
    kinds = [e.kind for e in services.lifecycle.history(code)]
    assert kinds == ["received", "handed-over", "handed-over", "result-ready", "returned"]


@pytest.mark.parametrize(
    ("moves", "bad"),
    [
        ([], Move.RETURNED),
        ([], Move.SUPPLEMENTED),
        ([], Move.CLOSED),
        ([Move.HAND_OVER, Move.RESULT_READY], Move.HAND_OVER),
        ([Move.WITHDRAWN], Move.HAND_OVER),
    ],
)
def test_impossible_moves_are_refused_with_a_reason(
    services: Services, moves: list[Move], bad: Move
) -> None:
    code = _receive(services)
    for m in moves:
        services.lifecycle.move(code, MoveRequest(m, reason="Người dân đề nghị"))
    before = services.lifecycle.history(code)
    with pytest.raises(ValidationError) as err:
        services.lifecycle.move(code, MoveRequest(bad, reason="x"))
    assert "Không thể" in err.value.message
    assert services.lifecycle.history(code) == before


def test_supplement_restarts_the_clock_from_zero(services: Services, clock: FixedClock) -> None:
    code = _receive(services)
    services.lifecycle.move(code, MoveRequest(Move.HAND_OVER))
    clock.set(datetime(2026, 3, 3, 14, 0))
    out = services.lifecycle.move(
        code,
        MoveRequest(
            Move.SUPPLEMENT, papers=(PaperItem("Bản sao giấy khai sinh"),), reason="Thiếu giấy tờ"
        ),
    )
    assert out.dossier.status is Status.SUPPLEMENT and out.warnings == ()
    assert out.event.data["papers"][0]["name"] == "Bản sao giấy khai sinh"
    clock.set(datetime(2026, 3, 10, 9, 30))
    out = services.lifecycle.move(code, MoveRequest(Move.SUPPLEMENTED))
    d = out.dossier
    assert d.status is Status.RECEIVED
    assert d.received_at == datetime(2026, 3, 10, 9, 30)
    assert d.due_at == datetime(2026, 3, 13, 9, 30)  # a full new 3 working days
    assert d.intake_at == datetime(2026, 3, 2, 8, 0)  # the first receipt is kept
    assert out.event.data["old_received_at"] == "2026-03-02 08:00"
    assert out.event.data["old_due_at"] == "2026-03-05 08:00"


def test_late_supplement_request_warns(services: Services, clock: FixedClock) -> None:
    code = _receive(services)
    clock.set(datetime(2026, 3, 6, 9, 0))  # 4 working days after receipt
    out = services.lifecycle.move(code, MoveRequest(Move.SUPPLEMENT, reason="Thiếu tờ khai"))
    assert out.warnings and "muộn" in out.warnings[0]


def test_closing_only_after_fifteen_days(services: Services, clock: FixedClock) -> None:
    code = _receive(services)
    services.lifecycle.move(code, MoveRequest(Move.SUPPLEMENT, reason="Thiếu tờ khai"))
    clock.set(datetime(2026, 3, 10, 9, 0))
    assert services.lifecycle.supplements_to_close() == []
    with pytest.raises(ValidationError):
        services.lifecycle.move(code, MoveRequest(Move.CLOSED))
    clock.set(datetime(2026, 3, 17, 8, 0))
    assert [d.code for d in services.lifecycle.supplements_to_close()] == [code]
    assert services.lifecycle.move(code, MoveRequest(Move.CLOSED)).dossier.status is Status.CLOSED


def test_refusal_and_stop_need_a_reason_and_settle(services: Services, clock: FixedClock) -> None:
    a, b = _receive(services), _receive(services)
    with pytest.raises(ValidationError):
        services.lifecycle.move(a, MoveRequest(Move.REFUSED))
    clock.set(datetime(2026, 3, 9, 10, 0))  # after the due date
    d = services.lifecycle.move(a, MoveRequest(Move.REFUSED, reason="Không đủ điều kiện")).dossier
    assert d.status is Status.REFUSED and d.settled_at == datetime(2026, 3, 9, 10, 0)
    assert services.lifecycle.timeliness(d) is Timeliness.LATE
    d = services.lifecycle.move(b, MoveRequest(Move.STOPPED, reason="Người nộp xin dừng")).dossier
    assert d.status is Status.STOPPED


def test_moments_cannot_be_in_the_future_or_before_the_last_step(services: Services) -> None:
    code = _receive(services)
    with pytest.raises(ValidationError):
        services.lifecycle.move(code, MoveRequest(Move.HAND_OVER, at=datetime(2026, 3, 2, 9, 0)))
    with pytest.raises(ValidationError):
        services.lifecycle.move(code, MoveRequest(Move.HAND_OVER, at=datetime(2026, 3, 1, 9, 0)))


@pytest.mark.parametrize(
    ("settled", "expected"),
    [
        (datetime(2026, 3, 4, 17, 0), Timeliness.EARLY),
        (datetime(2026, 3, 5, 23, 59), Timeliness.ON_TIME),  # 23:59 on the due day
        (datetime(2026, 3, 6, 7, 30), Timeliness.LATE),  # the day after
    ],
)
def test_classification_at_the_edges(
    services: Services, clock: FixedClock, settled: datetime, expected: Timeliness
) -> None:
    code = _receive(services)
    clock.set(settled)
    d = services.lifecycle.move(code, MoveRequest(Move.RESULT_READY, at=settled)).dossier
    assert services.lifecycle.timeliness(d) is expected
