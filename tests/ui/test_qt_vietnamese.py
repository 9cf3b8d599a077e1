"""Qt's own texts in Vietnamese (issue 13): the catalogue resources/translations/qt_vi.ts, its
compiled qt_vi.qm (committed: it must be what pyside6-lrelease makes of the .ts today), and its
installation before any widget is built.

The screens themselves are walked by tests/ui/test_no_english.py.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, QTranslator
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox

from tests.ui.test_no_english import verdict
from tthc_desk.resources import resource_path
from tthc_desk.ui.i18n import QT_CATALOG, install_vietnamese

TS = resource_path("translations", "qt_vi.ts")
QM = resource_path(*QT_CATALOG)
_PLACEHOLDER = re.compile(r"%(?:\d+|p|n)")


def messages() -> list[tuple[str, str, str, ET.Element]]:
    """(context, source, disambiguation, translation element) of every message of the .ts."""
    root = ET.parse(TS).getroot()
    return [
        (c.findtext("name") or "", m.findtext("source") or "", m.findtext("comment") or "", t)
        for c in root.iter("context")
        for m in c.iter("message")
        if (t := m.find("translation")) is not None
    ]


def accelerators(text: str) -> int:
    return text.replace("&&", "").count("&")


def test_the_committed_qm_is_built_from_the_ts(tmp_path: Path) -> None:
    lrelease = shutil.which("pyside6-lrelease")
    assert lrelease is not None, "pyside6-lrelease comes with PySide6"
    rebuilt = tmp_path / "qt_vi.qm"
    subprocess.run([lrelease, str(TS), "-qm", str(rebuilt)], check=True, capture_output=True)
    assert rebuilt.read_bytes() == QM.read_bytes(), (
        "resources/translations/qt_vi.qm is stale: run "
        "pyside6-lrelease resources/translations/qt_vi.ts -qm resources/translations/qt_vi.qm"
    )


def test_every_message_is_translated_with_its_placeholders_and_one_accelerator() -> None:
    found = messages()
    assert len(found) > 450
    contexts = {c for c, *_ in found}
    assert {
        "QPlatformTheme",
        "QLineEdit",
        "QWidgetTextControl",
        "QMessageBox",
        "QFileDialog",
        "QFileSystemModel",
        "QPrintDialog",
        "QPageSetupWidget",
        "QPrintSettingsOutput",
        "QWizard",
        "QAbstractSpinBox",
        "QScrollBar",
    } <= contexts
    problems = []
    for context, source, _comment, element in found:
        text = element.text or ""
        where = f"{context} {source!r} -> {text!r}"
        if element.get("type") in {"unfinished", "vanished", "obsolete"} or not text.strip():
            problems.append(f"not translated: {where}")
        if unicodedata.normalize("NFC", text) != text:
            problems.append(f"not NFC: {where}")
        if sorted(_PLACEHOLDER.findall(text)) != sorted(_PLACEHOLDER.findall(source)):
            problems.append(f"placeholders differ: {where}")
        if accelerators(text) != accelerators(source):
            problems.append(f"accelerators differ: {where}")
    assert problems == []


def test_the_sources_are_qts_own(qapp: QApplication) -> None:
    """A few texts looked up as Qt looks them up: a context or source text spelt differently
    from Qt's would be silently ignored."""
    assert install_vietnamese(qapp)
    tr = QCoreApplication.translate
    assert tr("QPlatformTheme", "&Yes") == "&Có"
    assert tr("QPlatformTheme", "Cancel") == "Hủy"
    assert tr("QLineEdit", "Select All") == "Chọn tất cả"
    assert tr("QFileDialog", "%1 already exists.\nDo you want to replace it?").startswith(
        "%1 đã có."
    )
    assert tr("QUndoStack", "Undo", "Default text for undo action") == "Hoàn tác"
    box = QMessageBox()
    box.setStandardButtons(QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Close)
    assert sorted(b.text() for b in box.buttons()) == ["Đóng", "Đồng ý"]


def test_installed_once_with_the_vietnamese_locale(qapp: QApplication) -> None:
    assert install_vietnamese(qapp) and install_vietnamese(qapp)
    assert len(qapp.findChildren(QTranslator, "qt_vi")) == 1
    assert QLocale().language() == QLocale.Language.Vietnamese
    assert QLocale().toString(1234.5, "f", 1) == "1.234,5"


def test_make_application_installs_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """The start-up installs the catalogue before any window (tthc_desk.ui.app)."""
    from tthc_desk.ui import app as app_module

    installed: list[object] = []
    monkeypatch.setattr(app_module, "install_vietnamese", installed.append)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    kept = (app.applicationName(), app.applicationDisplayName(), app.organizationName(), app.font())
    try:
        assert installed == [app_module.make_application()]
    finally:
        app.setApplicationName(kept[0])
        app.setApplicationDisplayName(kept[1])
        app.setOrganizationName(kept[2])
        app.setFont(kept[3])


def test_without_the_catalogue_qt_speaks_english_and_the_check_says_so(qapp: QApplication) -> None:
    translator = qapp.findChild(QTranslator, "qt_vi")
    assert translator is not None
    QCoreApplication.removeTranslator(translator)
    try:
        line = QLineEdit("x")
        menu = line.createStandardContextMenu()
        english = [("line edit menu", a.text()) for a in menu.actions() if a.text()]
        assert english[0][1].startswith("&Undo")
        with pytest.raises(AssertionError, match="Undo"):
            verdict(english)
    finally:
        QCoreApplication.installTranslator(translator)
    menu = line.createStandardContextMenu()
    assert menu.actions()[0].text().startswith("&Hoàn tác")
