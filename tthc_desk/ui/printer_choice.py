"""Which printer each printed form goes to on this PC, and whether receipts print at once.

Kept in this PC's own settings (:func:`tthc_desk.ui.login_dialog.pc_settings`), not in the
office's database: printers belong to a desk. Per form kind (``receipt``, ``apology``,
``postal_handover``, ``register``, …) the printer chosen in the last print dialog and its
two-sided setting are remembered and offered first next time; a printer since removed is
forgotten quietly (the system default is offered instead).

*In nhanh giấy tiếp nhận*: when on, saving a dossier sends its receipt to the receipt printer
(else the default one) without asking; the preview (Ctrl+P) still opens the print dialog.
"""

from __future__ import annotations

from PySide6.QtGui import QPageSize
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

from tthc_desk.ui.login_dialog import pc_settings

RECEIPT_FORM = "receipt"
QUICK_PRINT_KEY = "printing/quick_receipt"


def _key(form: str, name: str) -> str:
    return f"printing/{form or 'other'}/{name}"


def installed_printers() -> list[str]:
    """The names of the printers Windows (or CUPS) knows on this PC."""
    return list(QPrinterInfo.availablePrinterNames())


def remembered_printer(form: str) -> str:
    """The printer last chosen for ``form`` on this PC ("" when none)."""
    value = pc_settings().value(_key(form, "printer"), "")
    return value if isinstance(value, str) else ""


def remembered_duplex(form: str) -> QPrinter.DuplexMode:
    value = pc_settings().value(_key(form, "duplex"), QPrinter.DuplexMode.DuplexNone.value)
    try:
        return QPrinter.DuplexMode(int(str(value)))
    except ValueError:
        return QPrinter.DuplexMode.DuplexNone


def remember_printer(form: str, printer: QPrinter) -> None:
    """Keep the printer and the two-sided setting chosen in the dialog (a PDF file, which has no
    printer name, is not remembered)."""
    name = printer.printerName()
    if printer.outputFormat() != QPrinter.OutputFormat.NativeFormat or not name:
        return
    settings = pc_settings()
    settings.setValue(_key(form, "printer"), name)
    settings.setValue(_key(form, "duplex"), printer.duplex().value)


def prepare_printer(form: str, doc_name: str, printer: QPrinter | None = None) -> QPrinter:
    """A high-resolution printer on A4, set to the printer and duplex remembered for ``form``
    when that printer is still installed (else the system default)."""
    if printer is None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    name = remembered_printer(form)
    if name and name in installed_printers():
        printer.setPrinterName(name)
        printer.setDuplex(remembered_duplex(form))
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setDocName(doc_name)
    return printer


def quick_printer(form: str, doc_name: str) -> QPrinter | None:
    """The printer a quick print goes to (the one remembered for ``form``, else the default,
    else the first installed), or None when this PC has no printer at all."""
    if not installed_printers():
        return None
    printer = prepare_printer(form, doc_name)
    if not printer.printerName():
        default = QPrinterInfo.defaultPrinterName() or installed_printers()[0]
        printer.setPrinterName(default)
    printer.setCopyCount(1)  # the receipt's PDF already holds its copies (one liên a page)
    return printer


def quick_print_enabled() -> bool:
    value = pc_settings().value(QUICK_PRINT_KEY, False)
    return value is True or str(value).lower() == "true"


def set_quick_print(on: bool) -> None:
    pc_settings().setValue(QUICK_PRINT_KEY, on)
