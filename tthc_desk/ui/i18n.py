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

Qt's own texts (Yes/No, the context menu of every text field, the file and print dialogs, the
wizard's buttons) are English in Qt and ship with no Vietnamese: :func:`install_vietnamese`, called
before any widget is made, installs our catalogue ``resources/translations/qt_vi.qm`` (built from
``qt_vi.ts``) and makes Vietnamese the default locale.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QLocale, QTranslator

from tthc_desk.resources import resource_path

log = logging.getLogger(__name__)

#: Qt's own texts in Vietnamese (see resources/translations/qt_vi.ts).
QT_CATALOG = ("translations", "qt_vi.qm")
_TRANSLATOR_NAME = "qt_vi"


def translate(context: str, text: str) -> str:
    """``text`` in the installed language, looked up under ``context``."""
    return QCoreApplication.translate(context, text)


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:
    """``text`` unchanged; lupdate files it under ``context`` for a later :func:`translate`.

    PySide6 has one too, typed ``object -> object``; this one keeps the table's type ``str``.
    """
    return text


def vietnamese_locale() -> QLocale:
    """Vietnamese as written in Vietnam: day/month/year, decimal comma, thousands dot."""
    return QLocale(QLocale.Language.Vietnamese, QLocale.Country.Vietnam)


def install_vietnamese(app: QCoreApplication) -> bool:
    """Vietnamese for Qt's own texts and the default locale; call it before any widget exists
    (a widget reads its texts when it is built). Once per application; False, logged, when the
    catalogue cannot be read (Qt's texts then stay English, nothing else changes)."""
    QLocale.setDefault(vietnamese_locale())
    if app.findChild(QTranslator, _TRANSLATOR_NAME) is not None:
        return True
    path = resource_path(*QT_CATALOG)
    translator = QTranslator()
    if not translator.load(str(path)):
        log.warning("Qt's Vietnamese catalogue %s could not be read", path)
        return False
    translator.setObjectName(_TRANSLATOR_NAME)
    translator.setParent(app)  # owned by the application: it lives as long as the application
    QCoreApplication.installTranslator(translator)
    return True
