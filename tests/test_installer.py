"""The Windows installer script: generated from the package's version number, per-machine into
Program Files, shortcuts, the data folder kept on update and uninstall, and the bundle it packs
is the one the PyInstaller spec builds.

Inno Setup only runs on Windows, so the script is read here as Inno Setup reads it: sections,
``Key=Value`` lines in [Setup], ``Name: …; Param: …`` entries elsewhere.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
from pathlib import Path, PureWindowsPath
from types import ModuleType

import pytest

import tthc_desk

ROOT = Path(__file__).resolve().parents[1]
# No database beneath: run once, not once per engine.
pytestmark = pytest.mark.sqlite_only

#: Windows knows the installed program by it: a new one would install a second copy beside it.
APP_ID = "{{6B1E0C52-9B8F-4C7E-9A43-2D1F7E5C0A11}"


def make_iss() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_iss", ROOT / "installer" / "make_iss.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def sections(text: str) -> dict[str, list[str]]:
    """Section name → its lines, without comments and preprocessor lines."""
    out: dict[str, list[str]] = {}
    current = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith((";", "#")):
            continue
        if m := re.fullmatch(r"\[(\w+)\]", line):
            current = m.group(1)
            out.setdefault(current, [])
        else:
            out.setdefault(current, []).append(line)
    return out


def setup_keys(text: str) -> dict[str, str]:
    return dict(line.split("=", 1) for line in sections(text)["Setup"])


def entries(text: str, section: str) -> list[dict[str, str]]:
    """``Name: "x"; Filename: "y"; Flags: a b`` lines as dictionaries."""
    out = []
    for line in sections(text).get(section, []):
        params = (p.split(":", 1) for p in re.split(r";\s+(?=\w+:)", line))
        out.append({k.strip(): v.strip().strip('"') for k, v in params})
    return out


def defines(text: str) -> dict[str, str]:
    return dict(re.findall(r'#define (\w+) "([^"]*)"', text))


@pytest.fixture(scope="module")
def iss() -> str:
    return str(make_iss().render())


def test_iss_carries_the_package_version(iss: str) -> None:
    assert defines(iss)["AppVersion"] == tthc_desk.__version__
    keys = setup_keys(iss)
    assert keys["AppVersion"] == "{#AppVersion}"
    assert keys["OutputBaseFilename"] == "TTHCDesk-{#AppVersion}-setup"
    assert not re.search(r"@[A-Z_]+@", iss)  # every placeholder filled


def test_iss_installs_per_machine_into_program_files(iss: str) -> None:
    keys = setup_keys(iss)
    assert keys["AppId"] == APP_ID
    assert keys["DefaultDirName"] == r"{autopf}\{#AppName}"
    assert defines(iss)["AppName"] == "TTHC Desk"
    assert keys["PrivilegesRequired"] == "admin"
    assert "PrivilegesRequiredOverridesAllowed" not in keys  # no per-user install offered
    assert keys["ArchitecturesInstallIn64BitMode"] == "x64compatible"
    assert keys["CloseApplications"] == "yes"  # an update closes the running program first


def test_iss_makes_start_menu_and_optional_desktop_shortcuts(iss: str) -> None:
    icons = {e["Name"]: e for e in entries(iss, "Icons")}
    start = icons[r"{group}\{#AppName}"]
    assert start["Filename"] == r"{app}\{#AppExe}"
    assert icons[r"{group}\{cm:UninstallProgram,{#AppName}}"]["Filename"] == "{uninstallexe}"
    desktop = icons[r"{autodesktop}\{#AppName}"]
    assert desktop["Filename"] == r"{app}\{#AppExe}" and desktop["Tasks"] == "desktopicon"
    (task,) = entries(iss, "Tasks")
    assert task["Name"] == "desktopicon" and "{cm:CreateDesktopIcon}" in task["Description"]
    (run,) = entries(iss, "Run")
    # The first start as the clerk who installed, not as the elevated administrator: the data
    # folder and the database key are made for the right Windows account.
    assert {"postinstall", "runasoriginaluser"} <= set(run["Flags"].split())


def test_iss_never_deletes_the_data_folder(iss: str) -> None:
    found = sections(iss)
    assert "UninstallDelete" not in found
    assert "UninstallRun" not in found and "Code" not in found  # nothing deletes by other means
    # An update clears only the program's own folder of the previous version's files.
    for entry in entries(iss, "InstallDelete"):
        assert entry["Name"].startswith("{app}\\"), entry
    for constant in ("{localappdata}", "{userappdata}", "{commonappdata}", "{userdocs}"):
        assert constant not in iss.lower()
    assert (
        "KHÔNG bị xóa" in dict(line.split("=", 1) for line in found["Messages"])["UninstalledAll"]
    )


def test_iss_is_vietnamese_when_inno_has_the_translation(iss: str) -> None:
    lines = iss.splitlines()
    start = lines.index("[Languages]")
    block = lines[start : lines.index("#endif", start) + 1]
    assert block[1] == r'#if FileExists(AddBackslash(CompilerPath) + "Languages\Vietnamese.isl")'
    assert block[2] == r'Name: "vi"; MessagesFile: "compiler:Languages\Vietnamese.isl"'
    assert r'Name: "en"; MessagesFile: "compiler:Default.isl"' in block  # else English


def test_iss_packs_the_bundle_the_spec_builds(iss: str) -> None:
    spec = (ROOT / "installer" / "tthc_desk.spec").read_text(encoding="utf-8")
    names = re.findall(r'name="(\w+)"', spec)
    assert names == ["TTHCDesk", "TTHCDesk"]  # the executable and the COLLECT folder
    assert defines(iss)["AppExe"] == "TTHCDesk.exe"
    # BuildDir is relative to the generated script's folder, installer/build.
    relative = re.search(r'#define BuildDir AddBackslash\(SourcePath\) \+ "([^"]+)"', iss)
    assert relative is not None
    build_dir = Path(*PureWindowsPath(relative.group(1)).parts)
    assert (make_iss().OUTPUT.parent / build_dir).resolve() == ROOT / "dist" / "TTHCDesk"
    (files,) = entries(iss, "Files")
    assert files["Source"] == r"{#BuildDir}\*" and files["DestDir"] == "{app}"
    assert {"recursesubdirs", "ignoreversion"} <= set(files["Flags"].split())
    assert "#error" in iss and "!FileExists(AddBackslash(BuildDir) + AppExe)" in iss


def test_make_iss_writes_utf8_with_bom_and_crlf(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mod = make_iss()
    out = tmp_path / "build" / "tthc-desk.iss"
    monkeypatch.setattr(mod, "OUTPUT", out)
    assert mod.main() == 0
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # Inno Setup 6 reads Vietnamese only with the BOM
    assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
    assert data.decode("utf-8-sig").replace("\r\n", "\n") == mod.render()


def build_and_smoke() -> ModuleType:
    path = ROOT / "installer" / "build_and_smoke.py"
    spec = importlib.util.spec_from_file_location("build_and_smoke", path)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_the_build_check_names_every_file_the_bundle_lacks(tmp_path: Path) -> None:
    """What CI checks in the bundle: everything of resources/ and of the migrations, the Qt
    platform, print-support and image-format plugins (a fake bundle, one font left out)."""
    mod = build_and_smoke()
    bundle = tmp_path / "TTHCDesk"
    internal = bundle / "_internal"
    shutil.copytree(ROOT / "resources", internal / "resources")
    migrations = ROOT / "tthc_desk" / "db" / "migrations"
    shutil.copytree(migrations, internal / "tthc_desk" / "db" / "migrations")
    plugins = internal / "PySide6" / "Qt" / "plugins"
    for name in ("platforms/libqoffscreen.so", "platforms/libqxcb.so"):
        (plugins / name).parent.mkdir(parents=True, exist_ok=True)
        (plugins / name).write_bytes(b"")
    (internal / "bundle-manifest.json").write_text("{}")
    (bundle / "TTHCDesk").write_bytes(b"")
    (internal / "resources" / "fonts" / "LiberationSerif-Italic.ttf").unlink()

    assert mod.check_bundle(bundle) == [
        "bundle lacks resources/fonts/LiberationSerif-Italic.ttf",
        "bundle lacks Qt plugins/printsupport/ (empty or absent)",
        "bundle lacks Qt plugins/imageformats/ (empty or absent)",
        "bundle lacks the Qt Charts library (PySide6-Addons)",
    ]
    for kind in ("printsupport/libcupsprintersupport.so", "imageformats/libqjpeg.so"):
        (plugins / kind).parent.mkdir(parents=True)
        (plugins / kind).write_bytes(b"")
    charts = internal / "PySide6" / "Qt" / "lib" / "libQt6Charts.so.6"
    charts.parent.mkdir(parents=True)
    charts.write_bytes(b"")
    unused = internal / "PySide6" / "Qt" / "lib" / "libQt6WebEngineCore.so.6"
    unused.write_bytes(b"")
    assert mod.check_bundle(bundle) == [
        "bundle lacks resources/fonts/LiberationSerif-Italic.ttf",
        "bundle carries an unused Qt library: libQt6WebEngineCore.so.6",
    ]
    unused.unlink()
    shutil.copy(
        ROOT / "resources" / "fonts" / "LiberationSerif-Italic.ttf",
        internal / "resources" / "fonts",
    )
    assert mod.check_bundle(bundle) == []
