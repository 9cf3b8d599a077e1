"""Build the one-folder bundle from installer/tthc_desk.spec and smoke-test the frozen app.

Usage (from the repository root; CI runs it after the tests, on Linux):

    python3 installer/build_and_smoke.py [--work DIR] [--keep] [--dist DIR]

1. ``pyinstaller installer/tthc_desk.spec`` into a temporary folder (``--dist DIR``: check a
   bundle already built there instead);
2. checks the bundle against the source tree: every file of ``resources/`` (fonts, form
   templates, catalog, translations) and of ``tthc_desk/db/migrations``, the Qt plugins
   (platforms with offscreen, print support, image formats);
3. runs the frozen executable in its smoke mode (``TTHC_DESK_SMOKE``, see
   ``tthc_desk/ui/smoke.py``) offscreen, on a fresh data folder, with the keyring's null backend
   (the database key goes to a key file in the temporary folder: never this PC's keyring), and
   checks the JSON it writes.

Exit code 0 when all passed; 1 with one line per problem otherwise. The same script runs on
Windows after the build there (it then checks ``TTHCDesk.exe`` and ``qwindows.dll``).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "installer" / "tthc_desk.spec"
NAME = "TTHCDesk"
SMOKE_TIMEOUT_S = 300
BUILD_TIMEOUT_S = 1200
WINDOWS = sys.platform == "win32"


def say(text: str) -> None:
    print(f"[build_and_smoke] {text}", flush=True)


def source_files(folder: Path) -> list[Path]:
    """The files of a source folder the bundle must hold (no bytecode caches)."""
    return sorted(
        p.relative_to(ROOT)
        for p in folder.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    )


def build(work: Path) -> Path:
    """Run PyInstaller on the spec; returns the bundle's folder."""
    dist = work / "dist"
    command = [
        sys.executable,
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--log-level",
        "WARN",
        "--distpath",
        str(dist),
        "--workpath",
        str(work / "build"),
        str(SPEC),
    ]
    say("building: " + " ".join(command))
    log_file = work / "pyinstaller.log"
    with log_file.open("w", encoding="utf-8") as log:
        done = subprocess.run(
            command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, timeout=BUILD_TIMEOUT_S
        )
    if done.returncode != 0:
        sys.stdout.write(log_file.read_text(encoding="utf-8", errors="replace")[-6000:])
        raise SystemExit(f"[build_and_smoke] FAILED: PyInstaller exited with {done.returncode}")
    return dist / NAME


def check_bundle(bundle: Path) -> list[str]:
    """What the bundle lacks (paths relative to it), compared with the source tree."""
    internal = bundle / "_internal"
    problems: list[str] = []
    exe = bundle / (NAME + ".exe" if WINDOWS else NAME)
    if not exe.is_file():
        problems.append(f"bundle lacks the executable {exe.name}")
    wanted = source_files(ROOT / "resources") + source_files(ROOT / "tthc_desk/db/migrations")
    problems += [f"bundle lacks {p.as_posix()}" for p in wanted if not (internal / p).is_file()]
    for required in ("resources/fonts", "resources/templates", "tthc_desk/db/migrations/versions"):
        if not any((internal / required).glob("*.*")):
            problems.append(f"bundle lacks {required}/ (empty or absent)")
    if (ROOT / "resources" / "translations").is_dir() and not any(
        (internal / "resources" / "translations").glob("*")
    ):
        problems.append("bundle lacks resources/translations/ (empty or absent)")
    plugins = internal / "PySide6" / "Qt" / "plugins"
    if WINDOWS:
        plugins = internal / "PySide6" / "plugins"
    platform_plugins = ["qoffscreen", "qwindows"] if WINDOWS else ["qoffscreen", "qxcb"]
    names = [p.name for p in (plugins / "platforms").glob("*")]
    problems += [
        f"bundle lacks Qt plugins/platforms/{want}"
        for want in platform_plugins
        if not any(want in n for n in names)
    ]
    problems += [
        f"bundle lacks Qt plugins/{kind}/ (empty or absent)"
        for kind in ("printsupport", "imageformats")
        if not any((plugins / kind).glob("*"))
    ]
    # Qt Charts (the dashboard): its library from PySide6-Addons, and none of the Addons' others
    # (3D, multimedia, web engine, …): the bundle carries only what the app uses.
    libraries = [p.name for p in (internal / "PySide6").rglob("*Qt6*") if p.is_file()]
    if not any(n.startswith(("libQt6Charts.so", "Qt6Charts.dll")) for n in libraries):
        problems.append("bundle lacks the Qt Charts library (PySide6-Addons)")
    unused = ("Qt63D", "Qt6Multimedia", "Qt6WebEngine", "Qt6DataVisualization", "Qt6Location")
    problems += [
        f"bundle carries an unused Qt library: {n}"
        for n in libraries
        if n.startswith(tuple(f"lib{u}" for u in unused) + unused)
    ]
    if not (internal / "bundle-manifest.json").is_file():
        problems.append("bundle lacks bundle-manifest.json")
    return problems


def smoke(bundle: Path, work: Path) -> tuple[int, dict[str, Any] | None, str]:
    """Run the frozen app's smoke mode; returns its exit code, its JSON and its output."""
    home = work / "smoke"
    out = home / "out" / "smoke.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "QT_", "TTHC_"))}
    env.update(
        QT_QPA_PLATFORM="offscreen",
        TTHC_DESK_SMOKE=str(out),
        TTHC_DESK_DATA_DIR=str(home / "data"),
        TTHC_DESK_KEY_DIR=str(home / "keys"),
        PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring",
        # This PC's own settings (QSettings) and caches stay in the temporary folder.
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_DATA_HOME=str(home / "share"),
        XDG_CACHE_HOME=str(home / "cache"),
        APPDATA=str(home / "appdata"),
        LOCALAPPDATA=str(home / "localappdata"),
    )
    exe = bundle / (NAME + ".exe" if WINDOWS else NAME)
    done = subprocess.run(
        [str(exe)],
        cwd=home.parent,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        timeout=SMOKE_TIMEOUT_S,
        check=False,
    )
    output = done.stdout.decode("utf-8", "replace")
    result = json.loads(out.read_text(encoding="utf-8")) if out.is_file() else None
    return done.returncode, result, output


def check_smoke(bundle: Path, result: dict[str, Any]) -> list[str]:
    if not result.get("ok"):
        return [f"smoke: {result.get('error', 'not ok')}"]
    problems = []
    info = result.get("bundle", {})
    if not info.get("frozen"):
        problems.append("smoke: ran from the source tree, not from the bundle")
    if Path(info.get("resources", "")).resolve().parent.parent != bundle.resolve():
        problems.append(f"smoke: resources read from {info.get('resources')}, not the bundle")
    problems += [f"bundle lacks {m}" for m in info.get("missing", [])]
    if not result.get("setup", {}).get("encrypted"):
        problems.append("smoke: the new database is not encrypted")
    if result.get("receipt", {}).get("pages", 0) < 1:
        problems.append("smoke: no page of the receipt was rendered")
    if result.get("scans", {}).get("pages") != 4:
        problems.append("smoke: the scanner's files were not attached as one 4-page paper")
    if result.get("weekly", {}).get("received") != 1:
        problems.append("smoke: the weekly workbook does not count the dossier")
    drawn = result.get("dashboard", {})
    if drawn.get("received") != 1 or drawn.get("series", 0) < 1:
        problems.append("smoke: the dashboard did not show the dossier in a drawn chart")
    if not result.get("weekly_worker", {}).get("queued"):
        problems.append("smoke: the weekly report's child process did not queue the report")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, help="folder for the build (default: a temp one)")
    parser.add_argument("--keep", action="store_true", help="keep the build and smoke files")
    parser.add_argument("--dist", type=Path, help="check this bundle instead of building one")
    args = parser.parse_args(argv)
    work = (args.work or Path(tempfile.mkdtemp(prefix="tthc-build-"))).resolve()
    work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    try:
        bundle = args.dist.resolve() if args.dist else build(work)
        built = time.perf_counter()
        say(f"bundle: {bundle} ({built - started:.0f} s)")
        problems = check_bundle(bundle)
        code, result, output = smoke(bundle, work)
        say(f"smoke: exit code {code} ({time.perf_counter() - built:.0f} s)")
        if result is None:
            problems.append(f"smoke: no JSON written (exit code {code})")
        else:
            problems += check_smoke(bundle, result)
            say("smoke said: " + json.dumps(_summary(result), ensure_ascii=False))
        if code != 0:
            problems.append(f"smoke: exit code {code}")
        if problems:
            sys.stdout.write(output[-4000:])
            for problem in dict.fromkeys(problems):
                say(f"FAILED: {problem}")
            return 1
        seconds = time.perf_counter() - started
        say(f"OK: bundle complete, frozen app passed its smoke test; {seconds:.0f} s in all")
        return 0
    finally:
        if args.keep:
            say(f"kept: {work}")
        elif args.work is None:
            shutil.rmtree(work, ignore_errors=True)


def _summary(result: dict[str, Any]) -> dict[str, Any]:
    return {
        "ok": result.get("ok"),
        "code": result.get("intake", {}).get("code"),
        "receipt_pages": result.get("receipt", {}).get("pages"),
        "scans": result.get("scans"),
        "weekly_received": result.get("weekly", {}).get("received"),
        "dashboard": result.get("dashboard"),
        "weekly_worker": result.get("weekly_worker"),
        "translations": result.get("bundle", {}).get("translations"),
        "seconds": result.get("seconds"),
    }


if __name__ == "__main__":
    raise SystemExit(main())
