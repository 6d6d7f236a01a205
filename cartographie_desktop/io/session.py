"""An open project being edited: every command is applied, then saved at once; if saving fails, it is undone.

The GUI's undo stack holds the inverses this returns; tests drive it without Qt.
"""

from __future__ import annotations

from pathlib import Path

from cartographie_desktop.core.commands import Command
from cartographie_desktop.core.model import Project
from cartographie_desktop.io.store import ProjectStore


class EditSession:
    def __init__(self, project: Project, store: ProjectStore | None = None) -> None:
        self.project = project
        self.store = store  # None: an in-memory project (nothing to save to yet)

    @classmethod
    def open(cls, path: Path) -> EditSession:
        store = ProjectStore.open(path)
        try:
            return cls(store.load(), store)
        except BaseException:
            store.close()
            raise

    @property
    def path(self) -> Path | None:
        return self.store.path if self.store else None

    def execute(self, command: Command) -> Command:
        """Apply and save; return the inverse. On a save failure the project is restored and the error re-raised."""
        inverse = command.apply(self.project)
        if self.store is not None:
            try:
                self.store.persist(self.project, command.touches)
            except BaseException:
                inverse.apply(self.project)
                raise
        return inverse

    def save_as(self, path: Path) -> None:
        if self.store is None:
            self.store = ProjectStore.create(path, self.project)
        else:
            self.store = self.store.save_as(path)

    def close(self) -> None:
        if self.store is not None:
            self.store.close()
