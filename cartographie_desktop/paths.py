"""Where the shipped data and resources live, whether run from source, a wheel or the frozen executable.

The repository keeps `data/` and `resources/` at the top level (the product card fixes the layout); wheels and the
PyInstaller bundle place them inside the package as `_data` and `_resources`. Never the current directory.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path


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


# Qt names the user's folders after these (gui/settings.py gives them to the QApplication); repeated here so that
# headless commands find the same folders without importing Qt.
ORGANIZATION_DIR = "Cartographie IA"
APPLICATION_DIR = "Cartographie IA des métiers"


def user_data_dir() -> Path:
    """The folder Qt's `QStandardPaths.AppDataLocation` names (journal, backups, the demo's copy), without Qt."""
    import os
    import sys

    if sys.platform == "win32":
        roaming = os.environ.get("APPDATA")
        base = Path(roaming) if roaming else Path.home() / "AppData" / "Roaming"
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        xdg = os.environ.get("XDG_DATA_HOME", "")
        base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".local" / "share"
    return base / ORGANIZATION_DIR / APPLICATION_DIR
