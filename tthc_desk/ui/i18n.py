"""Marking texts for translation where ``self.tr("…")`` cannot be written.

``pyside6-lupdate`` collects the literal arguments of ``self.tr("…")``, of calls named
``translate("Context", "…")`` (bare or as ``QCoreApplication.translate``) and of calls named
``QT_TRANSLATE_NOOP("Context", "…")``. So:

- in a QObject method: ``self.tr("Đã lưu {0} hồ sơ").format(n)``, one whole sentence;
- in a module-level function or a plain class: ``translate("Context", "…")``;
- in a table or a constant: ``QT_TRANSLATE_NOOP("Context", "…")``, shown with
  ``translate("Context", text)`` under the same context where the text reaches the screen.

With no translator installed Qt returns the source text, so what the clerk reads is the Vietnamese
written in the code. tests/ui/test_translatable.py checks that every Vietnamese literal of the UI
is marked in one of these ways.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def translate(context: str, text: str) -> str:
    """``text`` in the installed language, looked up under ``context``."""
    return QCoreApplication.translate(context, text)


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:
    """``text`` unchanged; lupdate files it under ``context`` for a later :func:`translate`.

    PySide6 has one too, typed ``object -> object``; this one keeps the table's type ``str``.
    """
    return text
