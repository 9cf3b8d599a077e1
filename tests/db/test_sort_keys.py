"""The list's stored sort keys (issue 14, migration 0011): made wherever a dossier is written, made
again when the applicant's name is corrected, filled for the rows of an older database."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import event, select

from tests.conftest import make_draft
from tthc_desk.db import migrate as m
from tthc_desk.db.engine import Database
from tthc_desk.db.models import DossierRecord
from tthc_desk.db.stores.base import Dialect
from tthc_desk.domain.dossier import Person
from tthc_desk.domain.search import DossierQuery, SortKey
from tthc_desk.domain.text import name_sort_key, sort_fold
from tthc_desk.services.container import Services
from tthc_desk.services.demo_service import generate_demo


def _stored(services: Services) -> list[tuple[str, str, str, str, str, str]]:
    with services.db.engine.connect() as conn:
        rows = conn.execute(
            select(
                DossierRecord.applicant_name,
                DossierRecord.procedure_name,
                DossierRecord.field,
                DossierRecord.name_key,
                DossierRecord.procedure_key,
                DossierRecord.field_key,
            ).order_by(DossierRecord.id)
        )
        return [tuple(r) for r in rows]  # type: ignore[misc]


def _keys_agree(rows: list[tuple[str, str, str, str, str, str]]) -> bool:
    return all(
        (name_key, procedure_key, field_key)
        == (name_sort_key(name), sort_fold(procedure), sort_fold(field))
        for name, procedure, field, name_key, procedure_key, field_key in rows
    )


def test_a_corrected_name_sorts_under_its_new_name(services: Services) -> None:
    names = ["Nguyễn Văn An", "Lê Thị Bích", "Trần Văn Cường"]
    codes = [
        services.dossiers.receive(
            make_draft(applicant=Person(name, f"00119000000{i}", phone=f"091234567{i}"))
        ).code
        for i, name in enumerate(names)
    ]
    by_name = DossierQuery(limit=10, order_by=SortKey.APPLICANT)
    assert [r.code for r in services.dossiers.search(by_name)] == codes  # An, Bích, Cường
    # "An" was a slip for "Yến": the dossier moves to the end, under its given name.
    services.dossiers.correct(codes[0], {"applicant_name": "Nguyễn Thị Yến"}, "Ghi nhầm tên")
    assert [r.code for r in services.dossiers.search(by_name)] == [codes[1], codes[2], codes[0]]
    descending = DossierQuery(limit=10, order_by=SortKey.APPLICANT, descending=True)
    assert [r.code for r in services.dossiers.search(descending)] == [codes[0], codes[2], codes[1]]
    assert _keys_agree(_stored(services))


def test_keys_are_made_at_the_counter_and_by_the_demo_bulk_insert(services: Services) -> None:
    services.dossiers.receive(make_draft(applicant=Person("Đỗ Đức Đạt", "001190000001")))
    generate_demo(services, 300, seed=5)
    rows = _stored(services)
    assert len(rows) == 301
    assert all(r[3] and r[4] and r[5] for r in rows)
    assert _keys_agree(rows)


INDEXED = {
    SortKey.APPLICANT: "name",
    SortKey.PROCEDURE: "procedure",
    SortKey.FIELD: "field",
    SortKey.PHONE: "phone",
    SortKey.DUE: "due",
}


@pytest.mark.parametrize("key", list(INDEXED))
def test_each_sorted_page_is_read_from_an_index_without_sorting(
    services: Services, key: SortKey
) -> None:
    """Equal keys list newest first in both directions: "up" (key, id DESC) serves ascending,
    "down" (key, id) read backwards descending; no sort of the table on either engine."""
    generate_demo(services, 300, seed=7)
    statements: list[tuple[str, object]] = []

    def seen(_c: object, _cur: object, statement: str, params: object, *_a: object) -> None:
        statements.append((statement, params))

    postgresql = services.db.dialect is Dialect.POSTGRESQL
    for descending in (False, True):
        for before_id in (None, 150):
            event.listen(services.db.engine, "before_cursor_execute", seen)
            try:
                q = DossierQuery(limit=50, order_by=key, descending=descending, before_id=before_id)
                services.dossiers.search(q)
            finally:
                event.remove(services.db.engine, "before_cursor_execute", seen)
            statement, params = [x for x in statements if "ORDER BY" in x[0]][-1]
            with services.db.engine.connect() as conn:
                cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
                if postgresql:  # a sort costs "infinity": chosen only if nothing else can order
                    cursor.execute("ANALYZE dossiers")
                    cursor.execute("SET enable_sort = off")
                    cursor.execute("SET enable_incremental_sort = off")
                    cursor.execute("EXPLAIN " + statement, params)
                    plan = " ".join(str(r[0]) for r in cursor.fetchall())
                    assert " Sort " not in plan and "Sort Key" not in plan, plan
                else:
                    cursor.execute("EXPLAIN QUERY PLAN " + statement, params)
                    plan = " ".join(str(r[-1]) for r in cursor.fetchall())
                    assert "TEMP B-TREE" not in plan, plan
            index = f"ix_dossiers_sort_{INDEXED[key]}_{'down' if descending else 'up'}"
            assert index in plan, plan


def _insert_dossier(conn: object, n: int, name: str, procedure: str, field: str) -> None:
    now = datetime(2026, 3, 2, 8, n)
    conn.exec_driver_sql(  # type: ignore[attr-defined]
        "INSERT INTO dossiers(code,agency_id,ledger_book,ledger_number,procedure_id,"
        "procedure_code,procedure_name,field,deciding_agency,handling_unit,"
        "duration_value,duration_unit,applicant_id,applicant_name,applicant_id_number,"
        "applicant_phone,applicant_address,applicant_email,"
        "authorised_name,authorised_id_number,authorised_phone,channel,return_method,"
        "return_address,postal_reference,sets_count,fee_amount,note,"
        "received_at,due_at,computed_due_at,due_override_reason,backdate_reason,status,"
        "clerk_name,created_at,search_text)"
        " VALUES (?,'X','2026',?,1,'1.001193',?,?,'','',0,'same_day',1,?,"
        "'001190012345',?,'','','','','','direct','counter','','',1,0,'',?,?,?,'','',"
        "'received','',?,'')",
        (f"X-260302-{n:04d}", n, procedure, field, name, f"09{n:08d}", now, now, now, now),
    )


def test_migration_0011_fills_the_keys_of_existing_rows(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 't.db'}")
    m.upgrade(db.engine, "0010")
    people = [
        ("Nguyễn Văn Ất", "Đăng ký khai sinh", "Hộ tịch"),
        ("ÂU DƯƠNG PHONG", "Đăng ký tạm trú", "Cư trú"),
        ("Y Moan", "Thủ tục đăng ký kết hôn", "Hộ tịch"),
    ]
    with db.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO procedures(code,name,field,deciding_agency,handling_unit,"
            "duration_value,duration_unit,fee,charge,postal_return,online,active,search_text)"
            " VALUES ('1.001193','Đăng ký khai sinh','Hộ tịch','','',0,'same_day',0,0,1,1,1,'')"
        )
        conn.exec_driver_sql(
            "INSERT INTO applicants(id_number,full_name,phone,address,email,updated_at)"
            " VALUES ('001190012345','A','','','',?)",
            (datetime(2026, 3, 2),),
        )
        for n, person in enumerate(people, start=1):
            _insert_dossier(conn, n, *person)
    m.upgrade(db.engine, "0011")
    with db.engine.connect() as conn:
        keys = conn.exec_driver_sql(
            "SELECT name_key, procedure_key, field_key FROM dossiers ORDER BY id"
        ).all()
        assert [tuple(k) for k in keys] == [
            ("at van nguyen", "dang ky khai sinh", "ho tich"),
            ("phong duong au", "dang ky tam tru", "cu tru"),
            ("moan y", "thu tuc dang ky ket hon", "ho tich"),
        ]
        # The list's first page by name comes from its index, not from a sort of the table.
        plan = " ".join(
            str(r[-1])
            for r in conn.exec_driver_sql(
                "EXPLAIN QUERY PLAN SELECT id FROM dossiers ORDER BY name_key, id DESC LIMIT 50"
            )
        )
        assert "ix_dossiers_sort_name_up" in plan and "TEMP B-TREE" not in plan
    m.downgrade(db.engine, "0010")
    with db.engine.connect() as conn:
        columns = {r[1] for r in conn.exec_driver_sql("PRAGMA table_info(dossiers)")}
        indexes = {r[1] for r in conn.exec_driver_sql("PRAGMA index_list(dossiers)")}
    assert not {"name_key", "procedure_key", "field_key"} & columns
    assert not [i for i in indexes if i.startswith("ix_dossiers_sort_")]
    m.upgrade(db.engine)
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT name_key FROM dossiers WHERE id = 3").scalar() == (
            "moan y"
        )
    db.dispose()
