"""Rolling backups of the projects opened in the window, so that a damaged `.carto` (a disk fault, a copy cut short,
an edit with an SQLite tool) is not the end of the commune's work.

- Where: `<user data folder>/sauvegardes/<project name>-<8 hex>/` (the hex digits tell apart two projects of the same
  name in different folders), files named `<project name> AAAA-MM-JJ HHhMMmSS.carto` so that a person browsing the
  folder understands them. Never beside the project: its folder may be a shared drive, a USB key.
- When: once a project has opened successfully (it passed `integrity_check`), then at most every `INTERVAL_S` seconds
  while it is being edited, and when it is closed if it was edited since the last one. Each edit is already on disk
  at once; a backup is about the file as a whole going bad, so ten minutes of edits at most are in the damaged file
  only.
- How: SQLite's backup API (a consistent copy, even of a project open for writing), written beside its destination
  and renamed over it; identical to the newest backup (nothing changed) → not kept twice; the last `KEEP` per
  project are kept.
- Restoring copies a backup to a new file the user names; the damaged file is never overwritten.
"""

from __future__ import annotations

import glob
import hashlib
import logging
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cartographie_desktop.core.text import format_date
from cartographie_desktop.io.store import SUFFIX, ProjectStore, StoreError

log = logging.getLogger(__name__)

FOLDER_NAME = "sauvegardes"
KEEP = 5
INTERVAL_S = 10 * 60
_STAMP = "%Y-%m-%d %Hh%Mm%S"
_NAME = re.compile(r" (\d{4}-\d{2}-\d{2} \d{2}h\d{2}m\d{2})(?: \((\d+)\))?\.carto$")


@dataclass(frozen=True, slots=True)
class Backup:
    path: Path
    taken: datetime

    @property
    def when(self) -> str:
        """« 21/11/2026 10:30 », as the window offers it."""
        return f"{format_date(self.taken)} {self.taken:%H:%M}"


def root_folder(user_data: Path) -> Path:
    return Path(user_data) / FOLDER_NAME


def project_folder(root: Path, project_path: Path) -> Path:
    """One folder per project file, named after it (the digits come from its full path, never shown in full)."""
    project_path = Path(project_path)
    try:
        where = os.path.normcase(str(project_path.resolve()))
    except OSError:
        where = os.path.normcase(str(project_path.absolute()))
    digest = hashlib.sha256(where.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return Path(root) / f"{project_path.stem}-{digest}"


def list_backups(root: Path, project_path: Path) -> list[Backup]:
    """The backups of a project, newest first (empty when there are none or the folder cannot be read)."""
    folder = project_folder(root, project_path)
    found = []
    try:
        candidates = list(folder.glob(f"*{SUFFIX}"))
    except OSError:
        return []
    for path in candidates:
        match = _NAME.search(path.name)
        if match is None or path.name.startswith("."):
            continue
        try:
            taken = datetime.strptime(match.group(1), _STAMP)
        except ValueError:
            continue
        found.append((taken, int(match.group(2) or 1), Backup(path, taken)))
    return [backup for *_, backup in sorted(found, key=lambda item: item[:2], reverse=True)]


def latest(root: Path, project_path: Path) -> Backup | None:
    backups = list_backups(root, project_path)
    return backups[0] if backups else None


def _target(folder: Path, stem: str, now: datetime) -> Path:
    """A new name; within the same second, numbered after the highest number taken (never reusing a pruned one)."""
    base = f"{stem} {now:{_STAMP}}"
    taken = [int(match.group(2) or 1) for path in folder.glob(f"{glob.escape(base)}*{SUFFIX}")
             if (match := _NAME.search(path.name)) is not None]
    if not taken:
        return folder / f"{base}{SUFFIX}"
    return folder / f"{base} ({max(taken) + 1}){SUFFIX}"


def _same_content(a: Path, b: Path) -> bool:
    try:
        if a.stat().st_size != b.stat().st_size:
            return False
        return a.read_bytes() == b.read_bytes()
    except OSError:
        return False


def take(root: Path, project_path: Path, *, store: ProjectStore | None = None,
         now: datetime | None = None) -> Backup:
    """Back the project up (from `store`, its open connection, else from the file); StoreError in French on failure.

    Returns the newest backup: the new one, or the previous one when nothing changed since.
    """
    project_path = Path(project_path)
    folder = project_folder(root, project_path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"Le dossier des sauvegardes « {folder} » n'a pas pu être créé : "
                         f"{exc.strerror or exc}.") from exc
    previous = latest(root, project_path)
    taken = (now or datetime.now()).replace(microsecond=0)
    target = _target(folder, project_path.stem, taken)
    if store is not None:
        store.copy_to(target)
    else:
        with ProjectStore.open(project_path, read_only=True) as opened:
            opened.copy_to(target)
    if previous is not None and _same_content(previous.path, target):
        target.unlink(missing_ok=True)
        return previous
    for old in list_backups(root, project_path)[KEEP:]:
        try:
            old.path.unlink()
        except OSError:
            log.warning("Sauvegarde ancienne non supprimée : %s", old.path.name)
    return Backup(target, taken)


def restore(backup: Backup, target: Path, *, damaged: Path | None = None) -> Path:
    """Copy a backup to `target` (a new name the user chose) and check that the copy opens; never over `damaged`."""
    target = Path(target)
    if target.suffix.lower() != SUFFIX:
        target = target.with_suffix(SUFFIX)
    if damaged is not None and _same_file(target, Path(damaged)):
        raise StoreError("Choisissez un autre nom : le projet endommagé est conservé tel quel, pour pouvoir "
                         "l'examiner.")
    if _same_file(target, backup.path):
        raise StoreError("Choisissez un autre emplacement que le dossier des sauvegardes.")
    with ProjectStore.open(backup.path, read_only=True) as opened:
        opened.copy_to(target)
    with ProjectStore.open(target, read_only=True) as copy:
        copy.load()  # the same checks as any project: a backup that does not open is said so here, not later
    return target


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.normcase(str(a.resolve())) == os.path.normcase(str(b.resolve()))
    except OSError:
        return False


class Keeper:
    """The backups of the project open in the window: `opened()` once the open-time backup is taken, `edited(store)`
    after each saved edit, `closing(store)`. The project is the store's file (it follows « Enregistrer sous… »).
    A backup that fails is logged, never raised: it must not stop anyone from working."""

    def __init__(self, root: Path, *, interval: float = INTERVAL_S,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.root = Path(root)
        self.interval = interval
        self.clock = clock
        self.last = clock()
        self.dirty = False

    def opened(self) -> None:
        self.last = self.clock()

    def edited(self, store: ProjectStore) -> Backup | None:
        self.dirty = True
        if self.clock() - self.last < self.interval:
            return None
        return self._take(store)

    def closing(self, store: ProjectStore) -> Backup | None:
        return self._take(store) if self.dirty else None

    def _take(self, store: ProjectStore) -> Backup | None:
        self.last = self.clock()
        try:
            backup = take(self.root, store.path, store=store)
        except (StoreError, OSError) as exc:
            log.warning("Sauvegarde automatique impossible de « %s » : %s", store.path.name, exc)
            return None
        self.dirty = False
        return backup
