"""Entry point of the frozen build (PyInstaller needs a script, not a console_scripts entry)."""

import sys

from tthc_desk.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
