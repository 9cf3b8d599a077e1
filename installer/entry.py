"""Entry point of the frozen build (PyInstaller needs a script, not a console_scripts entry)."""

import multiprocessing
import sys

if __name__ == "__main__":
    # A child process the app started (the weekly report, tthc_desk.services.worker) is this same
    # executable: it runs its task and exits here, before the app's own start-up.
    multiprocessing.freeze_support()
    from tthc_desk.__main__ import main

    sys.exit(main())
