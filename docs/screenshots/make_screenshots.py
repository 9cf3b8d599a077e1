"""The README's screenshots: the main window on a fresh demo office, offscreen, at the counter PC's
1366×768 and at the allowed minimum 1024×640.

    PYTHON_KEYRING_BACKEND=keyring.backends.null.Keyring python docs/screenshots/make_screenshots.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))


def main() -> None:
    from tthc_desk.paths import AppPaths
    from tthc_desk.services.container import open_services
    from tthc_desk.ui.app import make_application
    from tthc_desk.ui.main_window import DASHBOARD, INTAKE, LIST, REPORTS, MainWindow
    from tthc_desk.ui.tasks import TaskRunner

    work = Path(tempfile.mkdtemp(prefix="tthc-shots-"))
    os.environ.setdefault("TTHC_DESK_KEY_DIR", str(work / "keys"))
    folder = work / "data"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "tthc_desk",
            "--data-dir",
            str(folder),
            "demo",
            "--dossiers",
            "400",
            "--seed",
            "3",
        ],
        check=True,
    )
    app = make_application(["tthc-desk"])
    services = open_services(AppPaths(folder), seed=False, demo=True)
    services.accounts.login("demo", "demo")
    window = MainWindow(services, TaskRunner(synchronous=True))
    shots = {
        (1366, 768): [
            (INTAKE, "tiep-nhan"),
            (LIST, "danh-sach"),
            (REPORTS, "bao-cao"),
            (DASHBOARD, "dashboard"),
        ],
        (1024, 640): [(INTAKE, "tiep-nhan"), (LIST, "danh-sach"), (DASHBOARD, "dashboard")],
    }
    for (width, height), pages in shots.items():
        window.resize(width, height)
        window.show()
        for page, name in pages:
            window.show_page(page)
            for _ in range(5):
                app.processEvents()
            window.grab().save(str(HERE / f"{name}-{width}x{height}.png"))
    services.close()
    print(f"Đã chụp vào {HERE}")


if __name__ == "__main__":
    main()
