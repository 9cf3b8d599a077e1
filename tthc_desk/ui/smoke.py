"""The frozen build's smoke test: a hidden mode that drives the real app once and says what it did.

``TTHC_DESK_SMOKE=out.json TTHCDesk`` (read by ``tthc_desk.__main__``) does, in one process, on a
fresh data folder (``TTHC_DESK_DATA_DIR``, which must be empty or absent) and offscreen:

1. checks what the bundle must carry: every file the build listed in its manifest
   (``bundle-manifest.json``, written by ``installer/tthc_desk.spec`` from the source tree: fonts,
   form templates, catalog, translations, migrations), and Qt's platform, print-support and
   image-format plugins;
2. opens the data folder (the encrypted SQLite database made and migrated by Alembic), fills the
   first-run setup wizard and saves it with the wizard's own ``finish()`` (the settings service);
3. receives a dossier through the dossier service (the working calendar is seeded from the
   ``holidays`` package on the way);
4. renders its receipt: the print service's PDF, shown by the preview dialog (``ReceiptDialog``)
   with its renderer;
5. shows the main window, and builds the weekly workbook through the report service;
6. opens the head of office's dashboard (F5) and renders its trend chart (Qt Charts, from
   PySide6-Addons: a bundle without its library fails here);
7. has last week's report built and queued by the child process the window uses for it
   (``services.worker``: in the frozen build, the same executable started again by
   ``multiprocessing``, which ``installer/entry.py`` lets through with ``freeze_support``);
8. writes ``out.json`` (``ok``, each step's figures, what is missing, the error) and exits with 0,
   or 2 when anything failed.

Nothing here touches the person's real data or keyring: the caller chooses the data folder, and
the keyring backend with ``PYTHON_KEYRING_BACKEND`` (the build's script uses the null backend, so
the database key goes to a file in ``TTHC_DESK_KEY_DIR``). The clock is fixed on a working Monday
so that every run does the same. ``installer/build_and_smoke.py`` builds the bundle and checks the
JSON; ``tests/ui/test_smoke_mode.py`` runs this module from the source tree.
"""

from __future__ import annotations

import importlib
import json
import logging
import secrets
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QLibraryInfo
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from tthc_desk import __version__
from tthc_desk.domain.access import Role
from tthc_desk.domain.clock import FixedClock
from tthc_desk.domain.dossier import DossierDraft, Person
from tthc_desk.domain.office import DEMO_OFFICE
from tthc_desk.paths import AppPaths, resolve_paths
from tthc_desk.resources import resources_root
from tthc_desk.services.container import DEMO_ACCOUNT, Services, open_services
from tthc_desk.services.demo_data import FAMILY_NAMES, FEMALE_GIVEN, FEMALE_MIDDLE, STREETS

log = logging.getLogger(__name__)

MANIFEST = "bundle-manifest.json"
#: Monday 02/03/2026, 09:00: a working morning; the week 2026-W10 is built at 16:00.
SMOKE_NOW = datetime(2026, 3, 2, 9, 0)
REPORT_AT = datetime(2026, 3, 2, 16, 0)
SMOKE_WEEK = "2026-W10"
#: A procedure of the starter catalog (Đăng ký khai sinh).
SMOKE_PROCEDURE = "1.001193"
#: What the app cannot run without, checked in every run (the manifest adds the rest).
ESSENTIAL = (
    "fonts/LiberationSerif-Regular.ttf",
    "fonts/LiberationSerif-Bold.ttf",
    "fonts/LiberationSerif-Italic.ttf",
    "fonts/LiberationSerif-BoldItalic.ttf",
    "templates/receipt.toml",
    "templates/common.toml",
    "catalog/starter_catalog.json",
)
QT_PLUGIN_KINDS = ("platforms", "printsupport", "imageformats")


class SmokeFailure(Exception):
    """A step found something wrong (a missing file, a figure that is not what it should be)."""


def bundle_root() -> Path | None:
    """The folder of the frozen bundle's data (``sys._MEIPASS``); None from the source tree."""
    folder = getattr(sys, "_MEIPASS", None)
    return Path(folder) if folder else None


def missing_files(bundle: Path | None = None, resources: Path | None = None) -> list[str]:
    """What the bundle should carry but does not, as paths relative to the bundle."""
    resources = resources or resources_root()
    missing = [f"resources/{p}" for p in ESSENTIAL if not (resources / p).is_file()]
    if bundle is None:
        return missing
    manifest = bundle / MANIFEST
    if not manifest.is_file():
        return [*missing, MANIFEST]
    listed = json.loads(manifest.read_text(encoding="utf-8"))["files"]
    return sorted({*missing, *(p for p in listed if not (bundle / p).is_file())})


def qt_plugins() -> dict[str, list[str]]:
    """Qt's plugins by kind, as found on Qt's library paths."""
    folders = [QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)]
    folders += QCoreApplication.libraryPaths()
    found: dict[str, list[str]] = {kind: [] for kind in QT_PLUGIN_KINDS}
    for folder in dict.fromkeys(folders):
        for kind in QT_PLUGIN_KINDS:
            sub = Path(folder) / kind
            if sub.is_dir():
                found[kind] += sorted(p.name for p in sub.iterdir() if p.is_file())
    return found


def check_bundle(report: dict[str, Any]) -> None:
    bundle = bundle_root()
    missing = missing_files(bundle)
    plugins = qt_plugins()
    platform = QGuiApplication.platformName()
    missing += [f"Qt plugins/{kind}" for kind, names in plugins.items() if not names]
    if not any(platform in name for name in plugins["platforms"]):
        missing.append(f"Qt plugins/platforms/*{platform}*")
    translations = resources_root() / "translations"
    report["bundle"] = {
        "frozen": bundle is not None,
        "resources": str(resources_root()),
        "platform": platform,
        "qt_plugins": plugins,
        "translations": sorted(p.name for p in translations.iterdir())
        if translations.is_dir()
        else [],
        "modules": (modules := _modules()),
        "missing": missing,
    }
    missing += [name for name, state in modules.items() if state.startswith("missing")]
    if missing:
        raise SmokeFailure("the bundle lacks: " + ", ".join(missing))


def _modules() -> dict[str, str]:
    """The compiled and optional modules a commune's PC needs, and where they came from."""
    out: dict[str, str] = {}
    for name in (
        "sqlcipher3._sqlite3",
        "keyring.backends.Windows",
        "keyring.backends.SecretService",
        "keyring.backends.null",
        "psycopg",
        "holidays.countries.vietnam",
        "openpyxl",
        "reportlab.graphics.barcode.qrencoder",
        "pypdfium2",
        "PySide6.QtCharts",
    ):
        try:
            module = importlib.import_module(name)
        except ImportError as exc:
            out[name] = f"missing: {exc}"
        else:
            out[name] = "ok"
            if name == "psycopg":
                out[name] = "ok, libpq " + module.pq.__impl__
    if out["pypdfium2"].startswith("missing"):  # optional until the dependency lands
        out["pypdfium2"] = "absent"
    import keyring

    out["keyring backend"] = type(keyring.get_keyring()).__module__
    return out


def set_up(services: Services, report: dict[str, Any]) -> str:
    """The first-run wizard, filled and saved as an administrator would; returns the password."""
    from tthc_desk.ui.setup_wizard import SetupWizard
    from tthc_desk.ui.tasks import TaskRunner

    wizard = SetupWizard(services, runner=TaskRunner(synchronous=True))
    wizard.show()
    QApplication.processEvents()
    office = asdict(DEMO_OFFICE)
    for page in (wizard.office_page, wizard.head_page):
        for key, edit in page.edits.items():
            edit.setText(str(office.get(key, "")))
    password = secrets.token_urlsafe(12)
    admin = wizard.admin_page
    admin.full_name_edit.setText(DEMO_ACCOUNT.full_name)
    admin.username_edit.setText("quantri")
    for role in Role:
        admin.role_checks[role].setChecked(True)
    admin.password_edit.setText(password)
    admin.password_again_edit.setText(password)
    if not wizard.finish():
        raise SmokeFailure("the setup wizard did not save the office")
    wizard.close()
    services.accounts.login("quantri", password)
    report["setup"] = {
        "office": services.settings.office().office_name,
        "encrypted": services.recovery.available,
        "database_header_plain": _plain_sqlite(services.paths),
    }
    if not services.recovery.available or report["setup"]["database_header_plain"]:
        raise SmokeFailure("the new database is not encrypted (SQLCipher)")
    return password


def _plain_sqlite(paths: AppPaths) -> bool:
    with paths.database_file.open("rb") as f:
        return f.read(16) == b"SQLite format 3\x00"


def receive(services: Services, report: dict[str, Any]) -> str:
    family, given = FAMILY_NAMES[0][0], FEMALE_GIVEN[0]
    applicant = Person(
        full_name=f"{family} {FEMALE_MIDDLE[0][0]} {given}",
        id_number="001190012345",
        phone="0912345678",
        address=f"5 {STREETS[0]}",
    )
    dossier = services.dossiers.receive(
        DossierDraft(procedure_code=SMOKE_PROCEDURE, applicant=applicant)
    )
    holidays = services.calendar.exceptions(SMOKE_NOW.year)
    report["intake"] = {
        "code": dossier.code,
        "due": dossier.due_at.isoformat(),
        "holidays": len(holidays),
    }
    if not holidays:
        raise SmokeFailure("no public holidays seeded for the year (holidays package)")
    return dossier.code


def receipt(services: Services, code: str, out_dir: Path, report: dict[str, Any]) -> None:
    from tthc_desk.ui.print_preview import ReceiptDialog
    from tthc_desk.ui.tasks import TaskRunner

    pdf = services.printing.receipt_pdf(code)
    dialog = ReceiptDialog(
        pdf,
        title=code,
        file_name=f"{code}.pdf",
        output_dir=services.paths.output_dir,
        runner=TaskRunner(synchronous=True),
    )
    dialog.show()
    QApplication.processEvents()
    pages = dialog.pages
    if pages:
        pages[0].save(str(out_dir / "receipt-page-1.png"))
    report["receipt"] = {
        "pdf_bytes": len(pdf),
        "fonts_embedded": b"LiberationSerif" in pdf,
        "pages": len(pages),
        "page_size": [pages[0].width(), pages[0].height()] if pages else None,
    }
    dialog.close()
    if not pdf.startswith(b"%PDF") or not report["receipt"]["fonts_embedded"]:
        raise SmokeFailure("the receipt is not a PDF with the bundled fonts")
    if not pages:
        raise SmokeFailure("the print preview rendered no page of the receipt")


def scans(services: Services, code: str, out_dir: Path, report: dict[str, Any]) -> None:
    """A scanner's files (TIFF, JPEG, PNG, a copier's PDF) made into one paper's PDF, attached
    encrypted and read back: Pillow's image plugins, PDFium and the store are in the bundle."""
    from tthc_desk.scanning.compose import compose_files
    from tthc_desk.scanning.render import render_pdf_page
    from tthc_desk.scanning.synthetic import write_scan

    folder = out_dir / "scans"
    folder.mkdir(parents=True, exist_ok=True)
    files = [
        write_scan(folder, "trang-1.tif", "text", 1),
        write_scan(folder, "trang-2.jpg", "photo", 1, dpi=100),
        write_scan(folder, "trang-3.png", "text", 1, dpi=150, seed=3),
        write_scan(folder, "trang-4.pdf", "text", 1, dpi=100, seed=4),
    ]
    pdf = compose_files(files)
    attached = services.attachments.attach_paper(code, 1, pdf)
    data = services.attachments.content(attached.id)
    page = render_pdf_page(data, 3, width_px=200)
    report["scans"] = {"pages": attached.pages, "bytes": attached.size, "drawn": list(page.size)}
    if attached.pages != len(files) or data != pdf.data:
        raise SmokeFailure("the scan read back is not the one attached")


def main_window(services: Services, out_dir: Path, report: dict[str, Any]) -> None:
    from tthc_desk.ui.main_window import MainWindow
    from tthc_desk.ui.tasks import TaskRunner

    window = MainWindow(services, TaskRunner(synchronous=True))
    window.resize(1366, 768)
    window.show()
    QApplication.processEvents()
    shot = window.grab()
    shot.save(str(out_dir / "main-window.png"))
    report["main_window"] = {"title": window.windowTitle(), "size": [shot.width(), shot.height()]}
    window.close()
    QApplication.processEvents()


def weekly(services: Services, out_dir: Path, report: dict[str, Any]) -> None:
    from openpyxl import load_workbook

    if isinstance(services.clock, FixedClock):  # later that day: the dossier is in the figures
        services.clock.set(REPORT_AT)
    path = out_dir / f"bao-cao-{SMOKE_WEEK}.xlsx"
    built = services.reports.write_weekly(services.reports.week(SMOKE_WEEK), path)
    book = load_workbook(path, read_only=True)
    report["weekly"] = {
        "file": str(path),
        "sheets": book.sheetnames,
        "received": built.total.received_total,
    }
    book.close()
    if built.total.received_total != 1:
        raise SmokeFailure("the weekly workbook does not count the dossier received")


def dashboard(services: Services, out_dir: Path, report: dict[str, Any]) -> None:
    """F5 in the main window: the dashboard's figures, and its trend chart drawn to a picture."""
    from tthc_desk.ui.main_window import MainWindow
    from tthc_desk.ui.tasks import TaskRunner

    window = MainWindow(services, TaskRunner(synchronous=True))
    window.resize(1366, 768)
    window.show()
    window.dashboard_action.trigger()
    QApplication.processEvents()
    page = window.dashboard
    chart = page.trend
    shot = chart.grab()
    shot.save(str(out_dir / "dashboard-trend.png"))
    image = shot.toImage()
    colours = {
        image.pixel(x, y) for x in range(0, image.width(), 4) for y in range(0, image.height(), 4)
    }
    window.grab().save(str(out_dir / "dashboard.png"))
    figures = page.figures
    report["dashboard"] = {
        "period": figures.period.key if figures else None,
        "series": len(chart.chart().series()),
        "received": figures.figures.received if figures else None,
        "colours": len(colours),
    }
    window.close()
    QApplication.processEvents()
    if figures is None or not chart.chart().series():
        raise SmokeFailure("the dashboard drew no chart")
    if len(colours) < 8:  # a blank or one-colour picture: Qt Charts did not draw
        raise SmokeFailure("the dashboard's chart rendered blank")
    if figures.figures.received != 1:
        raise SmokeFailure("the dashboard does not count the dossier received")


def weekly_worker(services: Services, report: dict[str, Any]) -> None:
    import os

    from tthc_desk.services.worker import WEEKLY_REPORT, ProcessWorker, WorkerSpec

    def not_here() -> None:
        raise SmokeFailure("the weekly report's child process could not open the database")

    worker = ProcessWorker(WEEKLY_REPORT)
    item = worker.run(WorkerSpec.of(services), fallback=not_here)
    outcome = worker.last
    report["weekly_worker"] = {
        "queued": item.file_name if item is not None else None,
        "pid": outcome.pid if outcome is not None else None,
        "peak_mb": round(outcome.peak_rss_kb / 1024, 1) if outcome is not None else None,
    }
    if item is None or outcome is None or outcome.pid in (0, os.getpid()):
        raise SmokeFailure("last week's report was not built and queued by a child process")


def run_smoke(out: Path, paths: AppPaths | None = None) -> int:
    """Run every step; write ``out`` (JSON); 0 when all passed, 2 otherwise."""
    started = time.perf_counter()
    paths = paths or resolve_paths()
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    report: dict[str, Any] = {"version": __version__, "data_dir": str(paths.data_dir), "ok": False}
    services: Services | None = None
    try:
        if paths.data_dir.exists() and any(paths.data_dir.iterdir()):
            raise SmokeFailure(f"the data folder {paths.data_dir} is not empty")
        from tthc_desk.ui.app import make_application

        make_application()
        check_bundle(report)
        services = open_services(paths, FixedClock(SMOKE_NOW))
        set_up(services, report)
        code = receive(services, report)
        steps: tuple[Callable[[], None], ...] = (
            lambda: receipt(services, code, out.parent, report),
            lambda: scans(services, code, out.parent, report),
            lambda: main_window(services, out.parent, report),
            lambda: weekly(services, out.parent, report),
            lambda: dashboard(services, out.parent, report),
            lambda: weekly_worker(services, report),
        )
        for step in steps:
            step()
        report["ok"] = True
    except Exception as exc:
        log.exception("Smoke test failed")
        report["error"] = f"{type(exc).__name__}: {exc}"
        report["traceback"] = traceback.format_exc()
    finally:
        if services is not None:
            services.close()
        report["seconds"] = round(time.perf_counter() - started, 2)
        out.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    if not report["ok"]:
        if sys.stderr is not None:  # None in the Windows build (no console)
            sys.stderr.write(f"TTHC Desk smoke test FAILED: {report['error']}\n")
        return 2
    return 0
