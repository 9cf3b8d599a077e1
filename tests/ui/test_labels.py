"""The screens show presentation's labels through Qt's translation: Vietnamese as they are, and a
translator installed at run time changes them."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QTranslator
from PySide6.QtWidgets import QApplication

from tthc_desk.domain import periods
from tthc_desk.domain.dossier import Status
from tthc_desk.domain.procedure import Duration, DurationUnit
from tthc_desk.ui import labels

TS = """<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context><name>Status</name>
<message><source>Đang giải quyết</source><translation>In progress</translation></message>
</context>
<context><name>Period</name>
<message><source>Năm {year}</source><translation>Year {year}</translation></message>
</context>
<context><name>DurationUnit</name>
<message><source>ngày làm việc</source><translation>working days</translation></message>
</context>
</TS>
"""


@pytest.fixture
def english(qapp: QApplication, tmp_path: Path) -> Iterator[None]:
    lrelease = shutil.which("pyside6-lrelease")
    assert lrelease is not None, "pyside6-lrelease (PySide6) builds the test translation"
    ts, qm = tmp_path / "en.ts", tmp_path / "en.qm"
    ts.write_text(TS, encoding="utf-8")
    subprocess.run([lrelease, str(ts), "-qm", str(qm)], check=True, capture_output=True)
    translator = QTranslator()
    assert translator.load(str(qm))
    QCoreApplication.installTranslator(translator)
    yield
    QCoreApplication.removeTranslator(translator)


def test_without_a_translator_the_labels_are_vietnamese(qapp: QApplication) -> None:
    assert labels.label(Status.IN_PROGRESS) == "Đang giải quyết"
    assert labels.period_label(periods.year(2026)) == "Năm 2026"
    assert labels.duration_text(Duration(3, DurationUnit.WORKING_DAYS)) == "3 ngày làm việc"
    assert labels.label(None) == ""


def test_an_installed_translator_changes_labels_and_templates(english: None) -> None:
    assert labels.label(Status.IN_PROGRESS) == "In progress"
    assert labels.label(Status.RECEIVED) == "Mới tiếp nhận"  # not translated: as it is
    assert labels.period_label(periods.year(2026)) == "Year 2026"
    assert labels.duration_text(Duration(3, DurationUnit.WORKING_DAYS)) == "3 working days"
    assert [text for _, text in labels.labels_of(Status)][1] == "In progress"
