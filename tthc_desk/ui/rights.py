"""What the person logged in may do, on screen: a button or menu entry they may not use is
disabled, with a tooltip that says who may ("Chỉ Lãnh đạo được ký duyệt phiếu xin lỗi").

The rule itself is the one table of :mod:`tthc_desk.domain.access`; the services check it again
on every change, so what is shown here is a courtesy, never the guard. A screen calls
:func:`guard` wherever it sets a guarded control's enabled state, with the state its own logic
wants (a letter selected, a draft); the right is applied on top.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from tthc_desk.domain.access import Right, can, roles_for
from tthc_desk.services.account_service import AccountService
from tthc_desk.ui.i18n import translate
from tthc_desk.ui.labels import label

# The tooltip the control had before a refusal replaced it, given back when the right returns.
_OWN_TIP = "tthc_desk_own_tooltip"


@runtime_checkable
class ShowsRights(Protocol):
    """A screen whose controls follow the rights of the person logged in."""

    def apply_rights(self) -> None:
        """Enable or disable the guarded controls for whoever is logged in now."""


def who_may_text(right: Right) -> str:
    """“Cán bộ tiếp nhận hoặc Lãnh đạo”: the roles holding ``right``, as words."""
    return translate("rights", " hoặc ").join(label(r) for r in roles_for(right))


def denied_tip(right: Right) -> str:
    """“Chỉ Lãnh đạo được ký duyệt phiếu xin lỗi”."""
    doing = label(right)
    doing = doing[:1].lower() + doing[1:]
    return translate("rights", "Chỉ {0} được {1}").format(who_may_text(right), doing)


def allows(accounts: AccountService, right: Right) -> bool:
    """Whether the person logged in holds ``right``."""
    return can(accounts.current, right)


def guard(
    control: QWidget | QAction, accounts: AccountService, right: Right, when: bool = True
) -> bool:
    """Enable ``control`` when its own state says ``when`` and the person holds ``right``;
    a refusal shows who may in its tooltip. Returns whether the right is held."""
    allowed = allows(accounts, right)
    control.setEnabled(when and allowed)
    own = control.property(_OWN_TIP)
    if allowed:
        if own is not None:
            control.setToolTip(str(own))
            control.setProperty(_OWN_TIP, None)
    else:
        if own is None:
            control.setProperty(_OWN_TIP, control.toolTip())
        control.setToolTip(denied_tip(right))
    return allowed
