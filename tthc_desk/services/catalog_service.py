"""The procedure catalog: listing, picking, import/export as Excel, the starter catalog."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from pathlib import Path

from tthc_desk.db.engine import Database
from tthc_desk.domain.access import Right
from tthc_desk.domain.errors import NotFoundError
from tthc_desk.domain.procedure import (
    Procedure,
    normalise_procedure,
    procedure_matches,
    validate_procedure,
)
from tthc_desk.domain.text import nfc, search_tokens
from tthc_desk.services.account_service import AccountService


class CatalogService:
    """The catalog, read once and kept until it is written (it changes a few times a year)."""

    def __init__(self, db: Database, accounts: AccountService) -> None:
        self._db = db
        self._accounts = accounts
        self._cache: list[Procedure] | None = None

    def _load(self) -> list[Procedure]:
        if self._cache is None:
            with self._db.read() as uow:
                self._cache = uow.catalog.procedures()
        return self._cache

    def invalidate(self) -> None:
        """Read the catalog again next time (another counter PC changed it)."""
        self._cache = None

    def list(self, active_only: bool = True) -> list[Procedure]:
        return [p for p in self._load() if p.active or not active_only]

    # builtins.list: inside the class, ``list`` is the method above.
    def fields(self) -> builtins.list[str]:
        return sorted({p.field for p in self._load()})

    def get(self, code: str) -> Procedure:
        code = nfc(code)
        for p in self._load():
            if p.code == code:
                return p
        raise NotFoundError(f"Không có thủ tục mã “{code}” trong danh mục.")

    def search(self, text: str, active_only: bool = True) -> builtins.list[Procedure]:
        """Match by code or by name typed with or without accents; every word must match."""
        tokens = search_tokens(text)
        procedures = self.list(active_only)
        if not tokens:
            return procedures
        return [p for p in procedures if procedure_matches(p, tokens)]

    # -- writing ------------------------------------------------------------------------------
    def save(self, procedure: Procedure) -> None:
        """Save one procedure edited by hand, with the same checks as an imported row."""
        self._accounts.require(Right.CATALOG, "sửa danh mục thủ tục")
        procedure = normalise_procedure(procedure)
        validate_procedure(procedure)
        self.replace_all([procedure], only_upsert=True)

    def replace_all(
        self, procedures: Sequence[Procedure], only_upsert: bool = True
    ) -> tuple[int, int]:
        """Upsert by code in one transaction. Returns (added, updated)."""
        self._accounts.require(Right.CATALOG, "thay danh mục thủ tục")
        return self._upsert(procedures, only_upsert)

    def _upsert(
        self, procedures: Sequence[Procedure], only_upsert: bool, action: str = ""
    ) -> tuple[int, int]:
        with self._db.write(action) as uow:
            counts = uow.catalog.upsert(procedures, deactivate_others=not only_upsert)
        self._cache = None
        return counts

    def import_xlsx(self, path: Path) -> tuple[int, int]:
        """Import a catalog workbook: every row is validated first, then all or nothing."""
        from tthc_desk.exporting.catalog_xlsx import read_catalog

        procedures = read_catalog(path)
        return self.replace_all(procedures)

    def export_xlsx(self, path: Path) -> int:
        from tthc_desk.exporting.catalog_xlsx import write_catalog

        procedures = self.list(active_only=False)
        write_catalog(procedures, path)
        return len(procedures)

    def ensure_starter(self) -> int:
        """Load the starter catalog into an empty database."""
        with self._db.read() as uow:
            if uow.catalog.any():
                return 0
        from tthc_desk.exporting.catalog_xlsx import load_starter_catalog

        # Seeding the catalog of a new database is not anyone's edit: no rights asked.
        added, _ = self._upsert(
            load_starter_catalog(), only_upsert=True, action="nạp danh mục thủ tục ban đầu"
        )
        return added
