"""Dossier search gives the same rows in the same order on SQLite (FTS5) and PostgreSQL (GIN).

One history of dossiers, received through the services, and a table of queries with the dossiers
each must find, newest first. The harness runs every test here on each engine
(``--engine all``), so passing on both means the two engines agree. Every query word must begin
a word of the name, code, ID number, phone or procedure, accents and đ optional; a word inside
another word ("an" in "thanh") does not count.
"""

from __future__ import annotations

import pytest

from tests.conftest import make_draft
from tthc_desk.domain.dossier import Person, Status
from tthc_desk.domain.search import DossierQuery
from tthc_desk.services.container import Services

KHAI_SINH = "1.001193"  # Thủ tục đăng ký khai sinh
TAM_TRU = "1.004194"  # Đăng ký tạm trú
KET_HON = "1.000894"  # Thủ tục đăng ký kết hôn

# (applicant, ID number, phone, procedure, authorised person): received in this order, so the
# n-th is dossier n (code …-260302-000n) and the newest is the last. No procedure here has a
# word beginning with "an", "hanh" or "toan".
HISTORY = [
    ("Nguyễn Văn An", "001190000101", "0912000101", KHAI_SINH, None),  # 1
    ("Trần Thị Lan Anh", "001190000102", "0912000102", TAM_TRU, None),  # 2
    ("Phạm Văn Thanh", "001190000103", "0912000103", KET_HON, None),  # 3: "an" only inside
    ("Đỗ Đức Đạt", "001190000104", "0983000104", KHAI_SINH, None),  # 4: đ
    ("Lê Thị Ngọc Ánh", "001190000105", "0983000105", TAM_TRU, None),  # 5
    ("Hoàng Minh Đăng", "001190000106", "0983000106", KET_HON, None),  # 6
    ("Vũ Thị Hà", "001190000107", "0355000107", KHAI_SINH, ("Bùi Quang Anh", "001190000207")),
    ("Nguyễn Christopher", "001190000108", "0355000108", TAM_TRU, None),  # 8: an 11-letter word
    ("Trương Thị Hạnh", "036190000109", "0355000109", KET_HON, None),  # 9
    ("Nguyễn Thành Đạt", "036190000110", "", KHAI_SINH, None),  # 10: no phone
]
ALL = list(range(len(HISTORY), 0, -1))


def _code(n: int) -> str:
    return f"000.17.22.H56-260302-{n:04d}"


# (query, the dossiers it finds, newest first)
TABLE: list[tuple[str, list[int]]] = [
    # word beginnings, not insides: "an" is not in "Thanh", "Văn", "Trương", "Đăng", "Hạnh"
    ("an", [7, 5, 2, 1]),
    ("AN", [7, 5, 2, 1]),
    ("anh", [7, 5, 2]),
    ("ánh", [7, 5, 2]),
    ("hanh", [9]),  # "Hạnh", not "Thanh" nor "Thành"
    ("thanh", [10, 3]),
    ("than", [10, 3]),
    ("ha", [9, 7]),  # "Hà", "Hạnh"; "Thành" and "kết hôn" do not begin with "ha"
    # đ and d are the same letter when searching; accents optional, in any form
    ("dat", [10, 4]),
    ("đạt", [10, 4]),
    ("do duc", [4]),
    ("ĐỖ ĐỨC ĐẠT", [4]),
    ("Đỗ Đức Đạt", [4]),  # decomposed (NFD), as some keyboards type
    ("dang", ALL),  # "Đăng" and every procedure's "đăng ký"
    ("minh dang", [6]),
    # several words: each must begin a word, in any order
    ("nguyen an", [1]),
    ("an nguyen", [1]),
    ("van an", [1]),
    ("nguyen van an", [1]),
    ("nguyen", [10, 8, 1]),
    ("ng", [10, 8, 5, 1]),
    ("n", [10, 8, 5, 1]),
    ("t", ALL),  # "thủ tục" or "tạm trú" in every procedure
    ("tran thi", [2]),
    ("truong thi h", [9]),
    ("thi", [9, 7, 5, 2]),
    ("khai sinh", [10, 7, 4, 1]),
    ("ket hon", [9, 6, 3]),
    ("tam tru nguyen", [8]),
    ("khai sinh nguyen", [10, 1]),
    # the authorised person is searched too
    ("bui quang", [7]),
    ("quang anh", [7]),
    # words longer than seven letters, across PostgreSQL's 7-character index
    ("christ", [8]),
    ("christo", [8]),
    ("christop", [8]),
    ("christopher", [8]),
    ("christophers", []),
    ("hristoph", []),
    # codes: a whole code finds that dossier only, in any case; parts are words
    (_code(3), [3]),
    (_code(3).lower(), [3]),
    (f"  {_code(10)} ", [10]),
    (_code(99), []),
    ("260302-0003", [3]),
    ("260302", ALL),
    ("h56", ALL),
    ("0003", [3]),
    ("000", ALL),
    ("1.001193", [10, 7, 4, 1]),  # the procedure code
    ("001193", [10, 7, 4, 1]),
    # ID numbers: whole, and from their beginning
    ("001190000102", [2]),
    ("00119000010", [8, 7, 6, 5, 4, 3, 2, 1]),
    ("0011900001", [8, 7, 6, 5, 4, 3, 2, 1]),
    ("001190000207", []),  # the authorised person's is not searched (only the name)
    ("036190", [10, 9]),
    ("0361900001", [10, 9]),
    ("190000102", []),  # not from its beginning
    ("0001", [1]),  # the code's sequence number, not the middle of an ID number
    # phones
    ("0983000105", [5]),
    ("0983", [6, 5, 4]),
    ("09830001", [6, 5, 4]),
    ("0355000109 truong", [9]),
    ("0355000109 nguyen", []),
    ("03", [10, 9, 8, 7]),  # phones and an ID number (036…)
    # nothing, or nothing to search for
    ("xyz", []),
    ("nguyen xyz", []),
    ("anhx", []),
    ("!!! ???", []),
    ("các", []),  # the address is not searched ("… phố Đông Các")
]


@pytest.fixture
def history(services: Services) -> Services:
    for i, (name, id_number, phone, procedure, authorised) in enumerate(HISTORY, start=1):
        applicant = Person(name, id_number, phone=phone, address="Số 5 ngõ 12 phố Đông Các")
        proxy = Person(authorised[0], authorised[1]) if authorised else None
        d = services.dossiers.receive(
            make_draft(procedure_code=procedure, applicant=applicant, authorised=proxy)
        )
        assert d.code == _code(i)
    return services


def _found(services: Services, **query: object) -> list[str]:
    return [r.code for r in services.dossiers.search(DossierQuery(**query))]  # type: ignore[arg-type]


def test_the_table_of_queries(history: Services) -> None:
    wrong = []
    for text, expected in TABLE:
        want = [_code(n) for n in expected]
        got = _found(history, text=text)
        count = history.dossiers.count(DossierQuery(text=text))
        if got != want or count != len(want):
            wrong.append(f"{text!r}: {got} ({count}), expected {want}")
    assert not wrong, "\n".join(wrong)


def test_the_table_in_pages_of_one_and_two(history: Services) -> None:
    # Small pages: on PostgreSQL the newest-first walk covers only part of the history, so
    # the older hits come from the index (the second half of the statement).
    wrong = []
    for limit in (1, 2):
        for text, expected in TABLE:
            got: list[str] = []
            before: int | None = None
            while True:
                rows = history.dossiers.search(
                    DossierQuery(text=text, limit=limit, before_id=before)
                )
                got += [r.code for r in rows]
                if len(rows) < limit or len(got) > len(HISTORY):
                    break
                before = rows[-1].id
            if got != [_code(n) for n in expected]:
                wrong.append(f"{text!r} (limit {limit}): {got}")
    assert not wrong, "\n".join(wrong)


def test_text_with_the_list_filters(history: Services) -> None:
    for text, expected in TABLE:
        got = _found(history, text=text, status=Status.RECEIVED, field="Hộ tịch")
        # khai sinh and kết hôn are civil status (Hộ tịch); tạm trú is not
        want = [_code(n) for n in expected if HISTORY[n - 1][3] != TAM_TRU]
        assert got == want, text
    assert _found(history, text="an", status=Status.RETURNED) == []


def test_a_corrected_name_is_searched_by_its_new_words(history: Services) -> None:
    history.dossiers.correct(_code(3), {"applicant_name": "Phạm Văn Toàn"}, "Gõ nhầm tên")
    assert _found(history, text="thanh") == [_code(10)]
    assert _found(history, text="toan") == [_code(3)]
    assert _found(history, text="pham van t") == [_code(3)]
    history.dossiers.correct(_code(3), {"applicant_phone": "0977000103"}, "Đổi số")
    assert _found(history, text="0977") == [_code(3)]
    assert _found(history, text="0912000103") == []


def test_old_hits_behind_many_newer_dossiers(services: Services) -> None:
    # Six older dossiers that match, then 24 newer ones that do not: on PostgreSQL a page of
    # one walks only the newest 16 rows (√(8 × 1 × 30) + 1), so its hits come from the index,
    # which must give the newest of them first.
    old = [
        services.dossiers.receive(
            make_draft(applicant=Person("Nguyễn Văn Quý", f"00119000030{i}"))
        ).code
        for i in range(6)
    ]
    for i in range(24):
        services.dossiers.receive(
            make_draft(applicant=Person("Trần Thị Bình", f"0011900004{i:02d}"))
        )
    newest_first = old[::-1]
    for limit in (1, 2, 4):
        got: list[str] = []
        before: int | None = None
        while rows := services.dossiers.search(
            DossierQuery(text="nguyen quy", limit=limit, before_id=before)
        ):
            assert len(rows) <= limit
            got += [r.code for r in rows]
            before = rows[-1].id
        assert got == newest_first, limit
    assert _found(services, text="quy", limit=3) == newest_first[:3]
    assert _found(services, text="001190000302") == [old[2]]
    assert _found(services, text="tran binh", limit=2) == _found(services, text="tran", limit=2)


@pytest.mark.postgresql_only
def test_postgresql_index_down_and_up_again(history: Services, database_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy import text

    from tthc_desk.db import migrate as m
    from tthc_desk.db.base import Base
    from tthc_desk.db.engine import Database

    db = Database(database_url)
    made = text(
        "SELECT relname FROM pg_class WHERE relname LIKE '%dossier_words%'"
        " UNION ALL SELECT proname FROM pg_proc WHERE proname LIKE 'tthc_%'"
        " UNION ALL SELECT tgname FROM pg_trigger WHERE tgname LIKE 'dossiers_words_%'"
    )
    everything = [
        "dossier_words",
        "dossiers_words_ai",
        "dossiers_words_au",
        "ix_dossier_words_words",
        "pk_dossier_words",
        "tthc_dossier_words_insert",
        "tthc_dossier_words_update",
        "tthc_word_prefixes",
    ]
    try:
        with db.engine.connect() as conn:
            assert sorted(conn.execute(made).scalars()) == everything
            ctx = MigrationContext.configure(
                conn, opts={"include_name": m.include_name, "compare_type": True}
            )
            assert compare_metadata(ctx, Base.metadata) == []
        m.downgrade(db.engine, "0008")
        with db.engine.connect() as conn:
            assert list(conn.execute(made).scalars()) == []
        m.upgrade(db.engine)  # indexes the dossiers already there
    finally:
        db.dispose()
    for text_, expected in TABLE:
        assert _found(history, text=text_) == [_code(n) for n in expected], text_
    history.dossiers.receive(make_draft(applicant=Person("Ngô Bảo Châu", "001190000111")))
    assert _found(history, text="ngo bao chau") == [_code(11)]
    assert _found(history, text="ng", limit=2) == [_code(11), _code(10)]
