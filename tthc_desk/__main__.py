"""Entry point of ``tthc-desk`` and ``python -m tthc_desk``.

With a command it runs the CLI; without one it opens the GUI. The GUI is imported only then,
so scripted commands never load Qt. ``TTHC_DESK_SMOKE=out.json`` runs the frozen build's smoke test
instead (:mod:`tthc_desk.ui.smoke`; hidden, for the build's check).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

from tthc_desk.domain.clock import Clock
from tthc_desk.paths import AppPaths


def _run_gui(paths: AppPaths, clock: Clock | None, demo: bool) -> int:
    from tthc_desk.ui.app import run_gui

    return run_gui(paths, clock, demo=demo)


def _run_smoke(out: Path) -> int:
    from tthc_desk.ui.smoke import run_smoke

    return run_smoke(out)


def main(argv: Sequence[str] | None = None) -> int:
    from tthc_desk import cli

    for stream in (sys.stdout, sys.stderr):
        # Windows pipes default to the ANSI code page, which has no room for Vietnamese.
        if stream is not None and (stream.encoding or "").lower().replace("-", "") != "utf8":
            reconfigure = getattr(stream, "reconfigure", None)
            if reconfigure is not None:
                reconfigure(encoding="utf-8")
    smoke = os.environ.get("TTHC_DESK_SMOKE", "").strip()
    if smoke:
        return _run_smoke(Path(smoke))
    return cli.main(argv, gui=_run_gui)


if __name__ == "__main__":
    sys.exit(main())
