"""The example commune: the user works on a writable copy in their data folder, never on the shipped file.

A copy made from an older shipped demo (another version of the program) is replaced by a fresh one.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from PySide6.QtCore import QStandardPaths

from cartographie_desktop.gui.settings import Settings
from cartographie_desktop.io import store

COPY_NAME = "val-fleuri (commune exemple).carto"


def user_data_dir() -> Path:
    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(location) if location else Path.home() / ".cartographie"


def demo_folder() -> Path:
    return user_data_dir() / "exemple"


def backup_root() -> Path:
    """Where the automatic backups of the projects opened in the window go (io/backups.py)."""
    from cartographie_desktop.io.backups import root_folder

    return root_folder(user_data_dir())


def _fingerprint(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def demo_copy(settings: Settings, folder: Path | None = None) -> Path:
    """The user's copy of the demo, made (or refreshed) when needed; `StoreError` in French if it cannot be."""
    shipped = store.demo_path()
    if not shipped.exists():
        raise store.StoreError("La commune exemple n'est pas livrée avec cette version du programme.")
    target = (folder or demo_folder()) / COPY_NAME
    fingerprint = _fingerprint(shipped)
    if not target.exists() or settings.demo_fingerprint != fingerprint:
        try:
            store.copy_demo(target)
        except OSError as exc:
            raise store.StoreError(
                f"La commune exemple n'a pas pu être copiée dans « {target.parent} » : {exc.strerror or exc}."
            ) from exc
        settings.demo_fingerprint = fingerprint
    return target


def is_demo(path: Path | None, folder: Path | None = None) -> bool:
    if path is None:
        return False
    try:
        return Path(path).resolve() == ((folder or demo_folder()) / COPY_NAME).resolve()
    except OSError:
        return False
