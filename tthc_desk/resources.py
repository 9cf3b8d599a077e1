"""Find the bundled ``resources/`` folder (fonts, form templates, catalog) in every kind of run.

Three layouts exist:

- a PyInstaller bundle, where data files are unpacked under ``sys._MEIPASS/resources``;
- the source tree (``python -m tthc_desk`` from a checkout, tests), with ``resources/`` beside
  the ``tthc_desk`` package;
- an installed wheel, where ``resources`` is a top-level package of its own.

Administrator overrides (for example of a form template) live in the data directory and are
handled by the code that reads the resource, not here: this module only knows what was shipped.
"""

from __future__ import annotations

import sys
from functools import cache
from importlib import resources as importlib_resources
from pathlib import Path

RESOURCES_DIRNAME = "resources"


@cache
def resources_root() -> Path:
    """The folder that holds the shipped resources."""
    bundle_dir = getattr(sys, "_MEIPASS", None)
    if bundle_dir:
        return Path(bundle_dir) / RESOURCES_DIRNAME
    source_tree = Path(__file__).resolve().parents[1] / RESOURCES_DIRNAME
    if source_tree.is_dir():
        return source_tree
    # Installed as a wheel: ``resources`` is a regular package on disk (never zipped, since
    # reportlab needs real font files), so its Traversable is a plain path.
    return Path(str(importlib_resources.files(RESOURCES_DIRNAME)))


def resource_path(*parts: str) -> Path:
    """Path of a shipped resource, e.g. ``resource_path("fonts", "LiberationSerif-Bold.ttf")``.

    The path is returned whether or not the file exists; callers report a missing file in
    their own terms.
    """
    return resources_root().joinpath(*parts)
