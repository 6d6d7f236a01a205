"""The registry of the window's views (Métiers, Agents / postes, Synthèse, Décisions; later Ateliers and Rapport).

A view module defines a `View` subclass and calls `register(ViewSpec(...))` at import; adding a view means writing its
module and adding its name to `MODULES` — the side list, the Affichage menu, the Ctrl+<n> shortcuts and the
`--view` option of the screenshot follow from the registry.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from cartographie_desktop.gui.document import ProjectDocument
    from cartographie_desktop.gui.settings import Settings

MODULES = ("metiers", "agents", "synthese", "decisions", "ateliers")


class ViewHost(Protocol):
    """What a view may ask of the main window."""

    settings: Settings

    def open_job(self, code: str) -> None: ...

    def show_view(self, view_id: str) -> None: ...

    def show_error(self, message: str, detail: str = "") -> None: ...

    def project_path(self) -> Path | None: ...


class View(QWidget):
    """A page of the main window. Refreshes lazily: a hidden view only notes that the project changed."""

    def __init__(self, host: ViewHost, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.host = host
        self.document: ProjectDocument | None = None
        self._dirty = True

    def set_document(self, document: ProjectDocument | None) -> None:
        self.document = document
        self._dirty = True
        self.document_set()
        if self.isVisible():
            self._refresh_now()

    def document_changed(self) -> None:
        self._dirty = True
        if self.isVisible():
            self._refresh_now()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._dirty:
            self._refresh_now()

    def _refresh_now(self) -> None:
        self._dirty = False
        self.refresh()

    def ensure_fresh(self) -> None:
        """Bring the view up to date now (screenshots, tests)."""
        if self._dirty:
            self._refresh_now()

    # -- for subclasses ------------------------------------------------------------------------------------------

    def document_set(self) -> None:
        """A new project (or none) was opened: reset models."""

    def refresh(self) -> None:
        """The project changed: update what is shown."""

    def focus_search(self) -> None:
        """Ctrl+F: put the cursor in the view's search field, if it has one."""


@dataclass(frozen=True)
class ViewSpec:
    id: str  # the `--view` name
    label: str  # as shown in the side list
    factory: Callable[[ViewHost], View]
    description: str = ""


_REGISTRY: dict[str, ViewSpec] = {}


def register(spec: ViewSpec) -> ViewSpec:
    _REGISTRY[spec.id] = spec
    return spec


def views() -> list[ViewSpec]:
    """The registered views in the order of `MODULES`."""
    for name in MODULES:
        importlib.import_module(f"{__name__}.{name}")
    return list(_REGISTRY.values())
