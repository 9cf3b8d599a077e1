"""``tthc-desk facts rebuild`` and the check every command makes first."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import delete

from tests.cli.test_cli import Cli, assert_one_line_error
from tests.conftest import open_test_services
from tthc_desk.db.models import DossierFactRecord, FactsStateRecord
from tthc_desk.domain.facts import FACTS_FORMAT
from tthc_desk.paths import AppPaths
from tthc_desk.services.facts_service import FactsWork


@pytest.fixture
def run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(tmp_path / "data", capsys)


def _facts(run: Cli) -> tuple[tuple[int, str | None] | None, int, FactsWork]:
    """The facts' state, how many fact rows, and what the start-up check would do."""
    with run.database.active():
        svc = open_test_services(AppPaths(run.data_dir))
        try:
            with svc.db.read() as uow:
                return uow.facts.state(), uow.facts.last_ids()[1], svc.facts.check().work
        finally:
            svc.close()


def _forget_facts(run: Cli) -> None:
    """What an older software left: facts of another format, and none for the dossiers."""
    with run.database.active():
        svc = open_test_services(AppPaths(run.data_dir))
        try:
            with svc.db.session(write=True) as session:
                session.execute(delete(DossierFactRecord))
                state = session.get(FactsStateRecord, 1)
                assert state is not None
                state.format = FACTS_FORMAT + 1
        finally:
            svc.close()


def test_the_administrator_rebuilds_the_facts(run: Cli) -> None:
    for _ in range(3):
        assert run.receive("--force")[0] == 0
    _forget_facts(run)
    code, out, err = run("facts", "rebuild", user="quantri")
    assert code == 0, err
    assert out.strip() == out.strip().splitlines()[0]  # one line
    assert out.startswith("Đã dựng lại số liệu báo cáo của 3 hồ sơ (")
    state, last_fact, work = _facts(run)
    assert state is not None and state[0] == FACTS_FORMAT and last_fact > 0
    assert work is FactsWork.NONE


def test_a_clerk_may_not_rebuild_them(run: Cli) -> None:
    line = assert_one_line_error(*run("facts", "rebuild", user="cuong"))
    assert "dựng lại số liệu báo cáo" in line


def test_any_command_makes_the_facts_match_first(run: Cli, tmp_path: Path) -> None:
    assert run.receive()[0] == 0
    _forget_facts(run)
    assert _facts(run)[2] is FactsWork.ALL
    code, _, err = run("report", "period", "--kind", "year", "-o", str(tmp_path / "nam.xlsx"))
    assert code == 0, err
    state, last_fact, work = _facts(run)
    assert state is not None and state[0] == FACTS_FORMAT and last_fact > 0
    assert work is FactsWork.NONE
