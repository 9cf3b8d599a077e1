"""How the domain's own Vietnamese sentences name a code.

The domain returns codes; their Vietnamese labels live in :mod:`tthc_desk.presentation`, a layer
above it. A few sentences still come from the domain: error messages (they stay Vietnamese and
user-safe, raised as typed errors) and the notes a history step records. Some of them quote a code
by its label ("Hồ sơ D đang ở trạng thái “Đang giải quyết”…", "Nhận kết quả: tại Bộ phận Một
cửa"), so they ask :func:`name`, and presentation installs its labels here when it is imported,
the way :func:`gettext.install` gives a library its ``_``. The services import presentation, so
every entry point (the GUI, the CLI, the tests) has the labels before any rule runs; until then a
code names itself.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

Namer = Callable[[StrEnum], str]


def _code(value: StrEnum) -> str:
    return value.value


_namer: Namer = _code


def use(namer: Namer) -> None:
    """Name codes with ``namer`` from now on (presentation's labels)."""
    global _namer
    _namer = namer


def name(value: StrEnum) -> str:
    """The Vietnamese label of ``value`` for a message or a history note."""
    return _namer(value)
