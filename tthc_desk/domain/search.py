"""Finding dossiers: the list's filters and the folded text the search index holds.

Accents and đ are optional when searching: the index keeps a folded copy of the names, codes and
numbers (:func:`build_search_text`) and a query is folded the same way
(:func:`~tthc_desk.domain.text.search_tokens`).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from tthc_desk.domain.dossier import Status, parse_dossier_code
from tthc_desk.domain.text import fold, name_sort_key, nfc, sort_fold


class SortKey(StrEnum):
    """A column the dossier list can be ordered by (issue 14: the database sorts, not the GUI).

    What each means is what the clerk reads in the column: the code, ID number and phone as
    written; names by given name first, then middle and family name, without accents or đ
    (:func:`~tthc_desk.domain.text.name_sort_key`); procedure and field without accents
    (:func:`~tthc_desk.domain.text.sort_fold`); dates in time order; statuses in the
    alphabetical order of their labels. Rows with the same key stay newest first.
    """

    CODE = "code"
    APPLICANT = "applicant_name"
    ID_NUMBER = "id_number"
    PHONE = "phone"
    PROCEDURE = "procedure_name"
    FIELD = "field"
    RECEIVED = "received_at"
    DUE = "due_at"
    STATUS = "status"


@dataclass(frozen=True)
class DossierQuery:
    """Filters of the dossier list and the order of its rows, one page at a time.

    ``order_by`` None: newest first (by id); else by that column, ``descending`` or not, the
    newest first among equal keys. ``before_id``: the last row already loaded; the page goes on
    after it in that order (newest first: the ids below it).
    """

    text: str = ""
    status: Status | None = None
    field: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    before_id: int | None = None
    limit: int = 200
    order_by: SortKey | None = None
    descending: bool = False

    @property
    def unfiltered(self) -> bool:
        """No status, field or date filter: only the text (if any) narrows the list."""
        return (
            self.status is None
            and not self.field
            and self.date_from is None
            and self.date_to is None
        )


#: The dossier columns :func:`build_search_text` reads (a change to one re-folds the text).
SEARCH_TEXT_PARTS = (
    "code",
    "applicant_name",
    "applicant_id_number",
    "applicant_phone",
    "procedure_code",
    "procedure_name",
    "authorised_name",
)


def build_search_text(
    *,
    code: str,
    name: str,
    id_number: str,
    phone: str,
    procedure_code: str,
    procedure_name: str,
    authorised_name: str = "",
) -> str:
    """Folded text the FTS index holds: accents and đ optional when searching."""
    return " ".join(
        part
        for part in (
            fold(name),
            code,
            id_number,
            phone,
            procedure_code,
            fold(procedure_name),
            fold(authorised_name),
        )
        if part
    )


def search_text_of(parts: Mapping[str, Any]) -> str:
    """:func:`build_search_text` from the :data:`SEARCH_TEXT_PARTS` columns of one dossier."""
    return build_search_text(
        code=parts["code"],
        name=parts["applicant_name"],
        id_number=parts["applicant_id_number"],
        phone=parts["applicant_phone"],
        procedure_code=parts["procedure_code"],
        procedure_name=parts["procedure_name"],
        authorised_name=parts["authorised_name"],
    )


def whole_code(query: str) -> str | None:
    """The query when it is a whole dossier code (``000.17.22.H56-260302-0007``), else None.

    A whole code names one dossier; searched as text, its sequence number would also match other
    dossiers of that day whose ID number starts with the same digits.
    """
    code = nfc(query)
    return code if " " not in code and parse_dossier_code(code) is not None else None


#: The stored sort keys of a dossier (issue 14, migration 0011) and the column each is made of:
#: the list orders by these columns, so that an index serves the order (a key made in SQL
#: could not be indexed on PostgreSQL, nor on SQLite without the app's own SQL functions).
SORT_KEY_SOURCES = {
    "name_key": "applicant_name",
    "procedure_key": "procedure_name",
    "field_key": "field",
}


@functools.lru_cache(maxsize=4096)
def folded_sort_key(value: str | None) -> str:
    """The stored key of a procedure or a field: :func:`~tthc_desk.domain.text.sort_fold`
    (cached: the same few hundred names repeat across a million dossiers)."""
    return sort_fold(value)


def sort_keys_of(parts: Mapping[str, Any]) -> dict[str, str]:
    """The stored sort keys of the :data:`SORT_KEY_SOURCES` columns present in ``parts``: the
    applicant's name given name first (:func:`~tthc_desk.domain.text.name_sort_key`), the
    procedure and the field folded."""
    keys: dict[str, str] = {}
    for key, source in SORT_KEY_SOURCES.items():
        if source in parts:
            value = parts[source]
            keys[key] = name_sort_key(value) if key == "name_key" else folded_sort_key(value)
    return keys
