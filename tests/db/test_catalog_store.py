"""CatalogStore against a real SQLite file: procedures with their papers, upsert by code."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select

from tthc_desk.db.models import ProcedureRecord
from tthc_desk.domain.procedure import (
    Duration,
    DurationUnit,
    PaperKind,
    Procedure,
    RequiredPaper,
)
from tthc_desk.services.container import Services

NEW = Procedure(
    code="9.000001",
    name="Thủ tục thử nghiệm",
    field="Aaa thử nghiệm",  # sorts first among the fields
    deciding_agency="UBND xã",
    handling_unit="Văn phòng",
    duration=Duration(3, DurationUnit.WORKING_DAYS),
    fee=10_000,
    papers=(
        RequiredPaper("Tờ khai", PaperKind.ORIGINAL),
        RequiredPaper("Bản sao CCCD", PaperKind.PHOTOCOPY, 2),
    ),
)


def test_procedures_come_with_their_papers_in_order_by_field_then_code(
    services: Services,
) -> None:
    with services.db.read() as uow:
        procedures = uow.catalog.procedures()
    assert len(procedures) >= 39
    keys = [(p.field, p.code) for p in procedures]
    assert keys == sorted(keys)
    assert all(p.id is not None for p in procedures)
    with_papers = [p for p in procedures if p.papers]
    assert with_papers and all(isinstance(x.kind, PaperKind) for x in with_papers[0].papers)


def test_upsert_adds_then_updates_and_replaces_the_papers(services: Services) -> None:
    with services.db.write() as uow:
        assert uow.catalog.upsert([NEW]) == (1, 0)
    with services.db.read() as uow:
        first = uow.catalog.procedures()[0]
    assert replace(first, id=None) == NEW
    changed = replace(NEW, name="Tên mới", papers=(RequiredPaper("Đơn", PaperKind.CERTIFIED),))
    with services.db.write() as uow:
        assert uow.catalog.upsert([changed]) == (0, 1)
    with services.db.read() as uow:
        again = uow.catalog.procedures()[0]
    assert again.id == first.id
    assert (again.name, again.papers) == ("Tên mới", (RequiredPaper("Đơn", PaperKind.CERTIFIED),))
    with services.db.session() as s:
        search_text = s.scalar(
            select(ProcedureRecord.search_text).where(ProcedureRecord.code == NEW.code)
        )
    assert search_text == "9.000001 ten moi aaa thu nghiem"


def test_upsert_can_deactivate_the_procedures_not_given(services: Services) -> None:
    with services.db.write() as uow:
        uow.catalog.upsert([NEW], deactivate_others=True)
    with services.db.read() as uow:
        procedures = uow.catalog.procedures()
    assert [p.code for p in procedures if p.active] == [NEW.code]
    assert len(procedures) >= 40  # kept: dossiers name them


def test_any_tells_an_empty_catalog(services: Services) -> None:
    with services.db.read() as uow:
        assert uow.catalog.any()
    with services.db.session(write=True) as s:
        for rec in s.scalars(select(ProcedureRecord)):
            s.delete(rec)
    with services.db.read() as uow:
        assert not uow.catalog.any()
        assert uow.catalog.procedures() == []
