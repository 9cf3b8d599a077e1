"""Every text a person can read on a widget, and the English words among them.

:func:`visible_texts` walks a widget and its children and gathers what is written on them (window
titles, labels, buttons, actions and menus, tooltips, placeholders, table and tree headers, list
and combo items, group box and tab titles, the wizard's buttons), each with where it was found.
:func:`english_words` says which words of a text are English: ASCII-only words of three letters or
more that are in a curated list of English UI words. A list, not "any word without diacritics":
Vietnamese has many syllables without marks ("tin", "con", "sau", "Long Biên").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from PySide6.QtCore import QAbstractItemModel, QObject, Qt
from PySide6.QtGui import QAction, QTextDocumentFragment
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QMenu,
    QPlainTextEdit,
    QTabBar,
    QTextEdit,
    QWidget,
    QWizard,
)

#: Names, abbreviations and key names that stay as they are in a Vietnamese interface, removed
#: from a text before its words are looked up (longest first).
ALLOWED = (
    "TTHC Desk",
    "PostgreSQL",
    "SQLite",
    "SQLCipher",
    "WebDAV",
    "Windows",
    "Excel",
    "Email",
    "email",
    "Unicode",
    "HTML",
    "Enter",
    "Tab",
    "Shift",
    "Ctrl",
    "Esc",
)

#: Whole texts that stay as they are: paper sizes named the same in Vietnamese Windows.
ALLOWED_TEXTS = frozenset({"Note"})

#: Common English words of user interfaces (Qt's own texts and what a developer might have left
#: in). No word here is also a Vietnamese syllable written without marks ("long", "sang", "can",
#: "hang", "ban", "con", "man", "son", "tan", "van" are left out on purpose).
ENGLISH = frozenset(
    """
    abort about above accept account action actions add advanced alias all already and any
    apply are ask authentication auto automatic back banner below bind binding blue bold bottom
    browse button cancel change changes character check choose classified clear click close
    collate color colors colour column columns commit computer confidential confirm connect
    continue control copies copy create critical current cursor custom customize date day
    debug default defaults delete description detail details dialog directory directories
    disable discard document does done double down drive duplex edge edit effects empty enable
    end enter error even export false fatal file files filter find finish first fit float
    folder font form format forward found from grayscale green height help hidden hide hold
    home ignore immediately import inches info information insert invalid item items job
    kind landscape last layout left line link list load loading location look margin margins
    mark menu message mode modified more name new next night none not note odd off open option
    options order orientation other output overwrite page pages paper parent password paste
    path pick places please point points portrait preview previous print printer printing
    priority properties question range recent red redo refresh reject remove rename replace
    required reset restore retry reverse right sample save saving scroll search secret select
    selection send set settings sheet shortcut show side sided single size source space
    specific standard start status step strikeout style submit system table text the there
    this time title top true type undo unknown untitled user username value view warning
    week weekend what width here cut move tool tools window with write yes you your zoom
    """.split()  # noqa: SIM905 (a word list is easier to read and extend as text)
)
#: Short English words that are not Vietnamese either.
ENGLISH_SHORT = frozenset({"ok", "no", "of", "is", "it", "by", "at", "or", "up", "go"})

_WORD = re.compile(r"\w+", re.UNICODE)
_TAG = re.compile(r"<[^>]+>")
_ALLOWED = re.compile(r"\b(?:" + "|".join(re.escape(a) for a in ALLOWED) + r")\b")
# Paths, addresses, e-mail addresses and names in quotation marks (a folder's name on disk:
# thư mục “output”) are data, not words of the interface.
_PATH = re.compile(r"\S*[/\\@]\S*|“[^”]*”")


def english_words(text: str) -> list[str]:
    """The English words of ``text`` (accelerators, markup and shortcuts removed)."""
    if "<" in text and ">" in text:
        text = QTextDocumentFragment.fromHtml(text).toPlainText()
    text = text.split("\t", 1)[0].replace("&&", "\0").replace("&", "").replace("\0", "&")
    text = _PATH.sub(" ", _ALLOWED.sub(" ", _TAG.sub(" ", text)))
    found = []
    for word in _WORD.findall(text):
        lower = word.lower()
        if not word.isascii() or not word.isalpha():
            continue
        if (len(word) >= 3 and lower in ENGLISH) or lower in ENGLISH_SHORT:
            found.append(word)
    return found


def _where(widget: QObject) -> str:
    names = []
    obj: QObject | None = widget
    while obj is not None and len(names) < 4:
        label = obj.objectName() or type(obj).__name__
        names.append(label)
        obj = obj.parent()
    return " < ".join(names)


def _actions(actions: Iterable[QAction], where: str) -> Iterator[tuple[str, str]]:
    for action in actions:
        if action.isSeparator():
            continue
        yield f"{where} action", action.text()
        if action.toolTip() != action.text().replace("&", ""):
            yield f"{where} action tooltip", action.toolTip()
        menu = action.menu()
        if isinstance(menu, QMenu):
            yield from _actions(menu.actions(), f"{where} > {action.text()}")


def _model_headers(model: QAbstractItemModel | None, where: str) -> Iterator[tuple[str, str]]:
    if model is None:
        return
    for orientation, count in (
        (Qt.Orientation.Horizontal, model.columnCount()),
        (Qt.Orientation.Vertical, 0),
    ):
        for section in range(count):
            value = model.headerData(section, orientation, Qt.ItemDataRole.DisplayRole)
            if isinstance(value, str):
                yield f"{where} header", value
            tip = model.headerData(section, orientation, Qt.ItemDataRole.ToolTipRole)
            if isinstance(tip, str):
                yield f"{where} header tooltip", tip


def _one(widget: QWidget) -> Iterator[tuple[str, str]]:
    where = _where(widget)
    if widget.isWindow():
        yield f"{where} title", widget.windowTitle()
    yield f"{where} tooltip", widget.toolTip()
    yield f"{where} what's this", widget.whatsThis()
    yield from _actions(widget.actions(), where)
    if isinstance(widget, QLabel):
        yield f"{where} label", widget.text()
    elif isinstance(widget, QAbstractButton):
        yield f"{where} button", widget.text()
    elif isinstance(widget, QGroupBox):
        yield f"{where} group", widget.title()
    elif isinstance(widget, QTabBar):
        for i in range(widget.count()):
            yield f"{where} tab", widget.tabText(i)
            yield f"{where} tab tooltip", widget.tabToolTip(i)
    elif isinstance(widget, QComboBox):
        for i in range(widget.count()):
            yield f"{where} item", widget.itemText(i)
        yield f"{where} placeholder", widget.placeholderText()
    elif isinstance(widget, QLineEdit):
        yield f"{where} placeholder", widget.placeholderText()
    elif isinstance(widget, QTextEdit | QPlainTextEdit):
        yield f"{where} placeholder", widget.placeholderText()
        if widget.isReadOnly():
            yield f"{where} text", widget.toPlainText()
    elif isinstance(widget, QAbstractSpinBox):
        yield f"{where} special value", widget.specialValueText()
    elif isinstance(widget, QWizard):
        for button in (
            QWizard.WizardButton.BackButton,
            QWizard.WizardButton.NextButton,
            QWizard.WizardButton.CommitButton,
            QWizard.WizardButton.FinishButton,
            QWizard.WizardButton.CancelButton,
            QWizard.WizardButton.HelpButton,
        ):
            yield f"{where} wizard button", widget.buttonText(button)
        for page_id in widget.pageIds():
            page = widget.page(page_id)
            yield f"{where} page title", page.title()
            yield f"{where} page subtitle", page.subTitle()
    if isinstance(widget, QListWidget):
        for i in range(widget.count()):
            item = widget.item(i)
            yield f"{where} item", item.text()
            yield f"{where} item tooltip", item.toolTip()
    elif isinstance(widget, QAbstractItemView) and not isinstance(widget, QHeaderView):
        yield from _model_headers(widget.model(), where)


def visible_texts(*roots: QWidget) -> list[tuple[str, str]]:
    """(where, text) for ``roots`` and everything inside them; empty texts left out."""
    found: list[tuple[str, str]] = []
    for root in roots:
        for widget in (root, *root.findChildren(QWidget)):
            found.extend((where, text) for where, text in _one(widget) if text and text.strip())
    return found


def english_in(texts: Iterable[tuple[str, str]]) -> list[str]:
    """One line per text that holds English: where, the text, the English words."""
    return sorted(
        {
            f"{where}: {text!r} -> {words}"
            for where, text in texts
            if text not in ALLOWED_TEXTS and (words := english_words(text))
        }
    )
