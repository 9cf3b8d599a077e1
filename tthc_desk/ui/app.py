"""Composition root of the GUI: Qt application, logging, services, main window.

``run_gui`` is called by ``tthc-desk`` (see ``__main__.py``). Start-up does only what the first
screen needs: open (and if needed migrate) the database, build the services, then the steps of
``ui/start_up.py`` (first-run setup on a real database not yet set up, the login, a temporary
password changed) and the main window on the intake page. The dossier list loads its first page
of 200 rows when it is first shown; nothing counts or scans the dossier table at start-up, so
the window is usable quickly even on a database of a million dossiers.

Opening the database can fail before any window exists (:func:`open_office`): when this PC has
no key to the encrypted database (a new PC, another Windows account, a cleared keyring), the
recovery key is asked for (:mod:`tthc_desk.ui.recovery_key_dialog`); a missing, damaged or
foreign database file, or an unreadable journal key, is shown by :func:`show_start_error`, and
the start ends with exit code 2. The office's server that cannot be reached (or holds data of a
newer version) is shown with its Vietnamese diagnosis, *Thử lại* and *Kết nối máy chủ…* (the
server dialog: nobody can log in before the server answers, and without the server's password a
changed setting reaches nothing).
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Callable, Sequence
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog

from tthc_desk.domain.clock import Clock
from tthc_desk.domain.errors import (
    DatabaseDamagedError,
    DatabaseFileError,
    DatabaseKeyError,
    DatabaseMissingError,
    JournalKeyError,
    SchemaTooNewError,
    ServerUnavailableError,
)
from tthc_desk.durable import clean_leftovers
from tthc_desk.paths import APP_NAME, AppPaths
from tthc_desk.resources import resource_path
from tthc_desk.services.container import Services, open_services
from tthc_desk.ui.i18n import install_vietnamese, translate

log = logging.getLogger("tthc_desk")

LOG_FILE = "tthc-desk.log"
# Families known to draw every Vietnamese letter, best first (Windows, then Linux, then macOS).
UI_FONTS = ("Segoe UI", "Noto Sans", "DejaVu Sans", "Liberation Sans", "Arial", "Helvetica Neue")


def setup_logging(log_dir: Path, level: int = logging.INFO) -> Path:
    """Log to a rotating file in the data folder (5 × 2 MB); never to stdout."""
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / LOG_FILE
    root = logging.getLogger()
    if not any(
        isinstance(h, RotatingFileHandler) and Path(h.baseFilename) == path for h in root.handlers
    ):
        handler = RotatingFileHandler(path, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    root.setLevel(level)
    return path


def pick_ui_font(base: QFont) -> QFont:
    """A font that renders Vietnamese; falls back to the bundled Liberation Serif."""
    families = set(QFontDatabase.families(QFontDatabase.WritingSystem.Vietnamese))
    for family in UI_FONTS:
        if family in families:
            font = QFont(base)
            font.setFamily(family)
            font.setPointSizeF(max(base.pointSizeF(), 10.0))
            return font
    bundled = resource_path("fonts", "LiberationSerif-Regular.ttf")
    font_id = QFontDatabase.addApplicationFont(str(bundled)) if bundled.exists() else -1
    if font_id >= 0:
        font = QFont(base)
        font.setFamily(QFontDatabase.applicationFontFamilies(font_id)[0])
        font.setPointSizeF(max(base.pointSizeF(), 10.5))
        return font
    return base


def make_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    # Qt's own texts (Yes/No, context menus, file and print dialogs) and the locale in
    # Vietnamese, before the first widget is built.
    install_vietnamese(app)
    app.setFont(pick_ui_font(app.font()))
    return app


def _seed_demo(services: Services) -> bool:
    try:
        from tthc_desk.services.demo_service import ensure_demo
    except ImportError:
        log.error("Demo data requested but tthc_desk.services.demo_service is missing")
        message = translate(
            "app",
            "Lỗi: chưa có bộ tạo dữ liệu mẫu (tthc_desk.services.demo_service); "
            "mở phần mềm không có --demo.",
        )
        print(message, file=sys.stderr)
        return False
    written = ensure_demo(services)
    if written:
        log.info("Demo database seeded with %d dossiers", written)
    return True


#: What :func:`show_start_error` returns when the person closed the message.
CLOSE = "close"


def show_start_error(message: str, actions: Sequence[tuple[str, str]] = ()) -> str:
    """A message that ends the start (no window can open): shown, and waited for.

    ``actions`` adds buttons beside "Đóng", as (key, Vietnamese text), e.g. ``("restore",
    "Khôi phục…")``; returns the key of the button pressed, :data:`CLOSE` for "Đóng"."""
    box = QMessageBox(
        QMessageBox.Icon.Critical,
        translate("app", "Không mở được dữ liệu"),
        message,
        QMessageBox.StandardButton.Close,
    )
    buttons = {key: box.addButton(text, QMessageBox.ButtonRole.ActionRole) for key, text in actions}
    box.exec()
    clicked = box.clickedButton()
    return next((key for key, button in buttons.items() if button is clicked), CLOSE)


T = TypeVar("T")

#: Opening takes longer than this only when the database is upgraded (a migration, the first
#: sealing of a large history into the journal: about a minute for a million dossiers).
PROGRESS_AFTER_S = 0.8


def open_with_progress(
    opening: Callable[[], T],
    after: float = PROGRESS_AFTER_S,
    meanwhile: Callable[[], object] | None = None,
) -> T:
    """Run ``opening`` off the GUI thread; if it lasts, say so in a window instead of showing
    nothing (a person would think the program hung and stop it). Its error is raised here.
    ``meanwhile`` runs on the GUI thread while it opens (the start-up's remaining imports)."""
    result: list[T] = []
    error: list[BaseException] = []

    def work() -> None:
        try:
            result.append(opening())
        except BaseException as exc:  # re-raised on the GUI thread below
            error.append(exc)

    thread = threading.Thread(target=work, name="open-database", daemon=True)
    started = time.perf_counter()
    thread.start()
    if meanwhile is not None:
        meanwhile()
    dialog: QProgressDialog | None = None
    while thread.is_alive():
        thread.join(0.05)
        if dialog is None and thread.is_alive() and time.perf_counter() - started > after:
            dialog = QProgressDialog(
                translate(
                    "StartUp",
                    "Đang nâng cấp, mã hóa và niêm phong dữ liệu (chỉ lần đầu sau khi cập nhật "
                    "phần mềm; cơ sở dữ liệu lớn có thể mất vài phút). Xin đừng tắt máy.",
                ),
                "",
                0,
                0,
            )
            dialog.setWindowTitle(APP_NAME)
            dialog.setCancelButton(None)
            dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
            dialog.setMinimumDuration(0)
            dialog.show()
        QApplication.processEvents()
    if dialog is not None:
        dialog.close()
    if error:
        raise error[0]
    return result[0]


def with_facts(services: Services) -> Services:
    """The report facts made to match this software (after an upgrade: a rebuild, inside the
    opening and its progress window, :func:`open_with_progress`)."""
    if services.db.writes_stopped is None:
        try:
            services.facts.ensure()
        except BaseException:
            services.close()
            raise
    return services


#: Opens the services, with a recovery key (None: with this PC's own key).
Opener = Callable[[bytes | None], Services]
#: Asks for the recovery key: (the reason, a way to try a key) → the services, or None.
KeyPrompt = Callable[[str, Callable[[bytes], Services]], Services | None]


def server_start_error(message: str, configure: Callable[[], object] | None) -> bool:
    """The server cannot be used: say why; True to try opening again (*Thử lại*, or after the
    server dialog), False to end the start."""
    actions = [("retry", translate("app", "Thử lại"))]
    if configure is not None:
        actions.append(("server", translate("app", "Kết nối máy chủ…")))
    chosen = show_start_error(message, actions)
    if chosen == "server" and configure is not None:
        configure()
    return chosen != CLOSE


def open_office(
    opener: Opener,
    ask_key: KeyPrompt | None = None,
    restore: Callable[[str], bool] | None = None,
    configure_server: Callable[[], object] | None = None,
    meanwhile: Callable[[], object] | None = None,
) -> Services | None:
    """The services of the data folder, or None when the start must end (exit code 2).

    Without this PC's key (``DatabaseKeyError``), ``ask_key`` (by default the recovery key
    dialog) asks for the recovery key and tries it, as often as the person wants. A database
    file that is missing, cut short, foreign or damaged is shown with ``restore`` (the restore
    wizard, when given): after a restore the folder is opened again. A journal key that cannot
    be read is shown and ends the start. ``meanwhile`` runs once, on the GUI thread, while the
    database opens the first time."""
    while True:
        try:
            first, meanwhile = meanwhile, None
            return open_with_progress(lambda: opener(None), meanwhile=first)
        except DatabaseKeyError as exc:
            log.warning("No key for the database on this PC: %s", exc.message)
            if ask_key is None:
                from tthc_desk.ui.recovery_key_dialog import ask_recovery_key

                ask_key = ask_recovery_key
            return ask_key(exc.message, lambda key: open_with_progress(lambda: opener(key)))
        except (DatabaseMissingError, DatabaseFileError, DatabaseDamagedError) as exc:
            log.error("Cannot open the data: %s", exc.message)
            if restore is None:
                show_start_error(exc.message)
                return None
            if not restore(exc.message):
                return None
            log.info("A backup was restored at start-up; opening the data folder again")
        except JournalKeyError as exc:
            log.error("Cannot open the data: %s", exc.message)
            show_start_error(exc.message)
            return None
        except (ServerUnavailableError, SchemaTooNewError) as exc:
            log.error("Cannot open the data on the server: %s", exc.message)
            if not server_start_error(exc.message, configure_server):
                return None


def run_gui(paths: AppPaths, clock: Clock | None = None, demo: bool = False) -> int:
    """Open the main window on ``paths``; returns the exit code of the event loop."""
    started = time.perf_counter()
    setup_logging(paths.log_dir)
    log.info("Starting TTHC Desk GUI on %s", paths.data_dir)
    app = make_application()

    from tthc_desk.ui.errors import install_excepthook

    install_excepthook(log)

    def import_windows() -> None:
        # While the database opens in its thread (keyring, schema check): the windows' modules,
        # a tenth of a second of imports that would otherwise come before it (issue 14).
        import tthc_desk.ui.main_window
        import tthc_desk.ui.start_up  # noqa: F401

    def restore(message: str) -> bool:
        from tthc_desk.ui.restore_wizard import restore_at_start  # only when it is needed

        return restore_at_start(paths, message, clock=clock)

    def configure_server() -> None:
        from tthc_desk.ui.server_dialog import configure_at_start  # only when it is needed

        configure_at_start(paths)

    services = open_office(
        lambda key: with_facts(open_services(paths, clock, demo=demo, recovery_key=key)),
        restore=restore,
        configure_server=None if demo else configure_server,
        meanwhile=import_windows,
    )
    if services is None:
        return 2
    from tthc_desk.ui.main_window import MainWindow
    from tthc_desk.ui.start_up import StartUp

    try:
        if demo and not _seed_demo(services):
            return 2
        log.info("Services ready after %.0f ms", (time.perf_counter() - started) * 1000)
        # Between the dialogs of the start-up no window is open: only leaving one ends the app.
        app.setQuitOnLastWindowClosed(False)
        flow = StartUp(services, lambda: MainWindow(services))

        def on_window_shown(window: MainWindow) -> None:
            app.setQuitOnLastWindowClosed(True)
            log.info("Main window shown after %.0f ms", (time.perf_counter() - started) * 1000)
            # What needs attention today: counted and the missing apology drafts made off the
            # GUI thread, once the window is usable (then hourly).
            QTimer.singleShot(1500, window.start_attention)

        flow.window_shown.connect(on_window_shown)
        flow.cancelled.connect(app.quit)
        flow.start()
        # What a killed run left in our folders (temporary names only), off the GUI thread.
        threading.Thread(
            target=clean_leftovers,
            args=([paths.reports_dir, paths.output_dir],),
            name="clean-leftovers",
            daemon=True,
        ).start()
        # Load the PDF machinery while the person logs in, not at start-up.
        QTimer.singleShot(
            200,
            lambda: threading.Thread(
                target=services.printing.warm_up, name="warm-up", daemon=True
            ).start(),
        )
        return app.exec()
    finally:
        services.close()
