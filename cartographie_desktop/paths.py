"""Where the shipped data and resources live, whether run from source, a wheel or the frozen executable.

The repository keeps `data/` and `resources/` at the top level (the product card fixes the layout); wheels and the
PyInstaller bundle place them inside the package as `_data` and `_resources`. Never the current directory.
"""

from __future__ import annotations

import os
import sys
from functools import cache
from importlib import resources
from pathlib import Path

# Qt names the user's folders after these (gui/settings.py sets them on the QApplication); repeated here so that
# headless commands and the frozen program's start-up find the same folders without importing Qt.
ORGANIZATION_DIR = "Cartographie IA"
APPLICATION_DIR = "Cartographie IA des métiers"


def _locate(bundled: str, top_level: str) -> Path:
    package = Path(str(resources.files("cartographie_desktop")))
    for candidate in (package / bundled, package.parent / top_level):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"Dossier « {top_level} » introuvable près de {package}")


@cache
def data_dir() -> Path:
    """The shipped référentiel, ILO tables and demo commune."""
    return _locate("_data", "data")


@cache
def resources_dir() -> Path:
    """Icons, fonts and Qt translations."""
    return _locate("_resources", "resources")


def _xdg(variable: str, default: str) -> Path:
    """An XDG base folder (Linux): the variable when it holds an absolute path, as the specification says."""
    value = os.environ.get(variable, "")
    return Path(value) if value and Path(value).is_absolute() else Path.home() / default


def user_data_dir() -> Path:
    """The folder Qt's `QStandardPaths.AppDataLocation` names (journal, backups, the demo's copy), without Qt."""
    if sys.platform == "win32":
        roaming = os.environ.get("APPDATA")
        base = Path(roaming) if roaming else Path.home() / "AppData" / "Roaming"
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = _xdg("XDG_DATA_HOME", ".local/share")
    return base / ORGANIZATION_DIR / APPLICATION_DIR


def user_cache_dir() -> Path:
    """The user's cache folder for the program: the folder Qt's `QStandardPaths.CacheLocation` names, without Qt.

    The frozen program keeps matplotlib's font cache there (scripts/pyinstaller/rthook_user_folders.py).
    """
    if sys.platform == "win32":
        local = os.environ.get("LOCALAPPDATA")
        base = Path(local) if local else Path.home() / "AppData" / "Local"
        return base / ORGANIZATION_DIR / APPLICATION_DIR / "cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / ORGANIZATION_DIR / APPLICATION_DIR
    return _xdg("XDG_CACHE_HOME", ".cache") / ORGANIZATION_DIR / APPLICATION_DIR
