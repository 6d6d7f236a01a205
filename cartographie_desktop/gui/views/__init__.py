"""The registry of the window's views (Métiers, Agents / postes, Synthèse, Décisions; later Ateliers and Rapport).

A view module defines a `View` subclass and calls `register(ViewSpec(...))` at import; adding a view means writing its
module and adding its name to `MODULES` — the side list, the Affichage menu, the Ctrl+<n> shortcuts and the
`--view` option of the screenshot follow from the registry.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QStackedWidget, QWidget

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

    def privacy_k(self) -> int: ...


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


class ViewPages(Mapping[str, View]):
    """The window's views in their stack, each built the first time it is asked for.

    Building every view (the Ateliers form, the charts) before the window shows cost about half a second of
    start-up; the stack holds an empty placeholder until then. Iterating gives every view's id; `built()` gives only the
    views that exist, which is what a broadcast (a new project, a change) needs.
    """

    def __init__(self, specs: list[ViewSpec], host: ViewHost, stack: QStackedWidget) -> None:
        self._specs = {spec.id: spec for spec in specs}
        self._host = host
        self._stack = stack
        self._built: dict[str, View] = {}
        self._document: ProjectDocument | None = None
        for _spec in specs:
            stack.addWidget(QWidget())

    def __getitem__(self, view_id: str) -> View:
        view = self._built.get(view_id)
        if view is None:
            view = self._specs[view_id].factory(self._host)  # KeyError for an unknown id, as a dict
            index = list(self._specs).index(view_id)
            placeholder = self._stack.widget(index)
            self._stack.insertWidget(index, view)  # the current page stays current (Qt keeps it by identity)
            self._stack.removeWidget(placeholder)
            placeholder.deleteLater()
            self._built[view_id] = view
            view.set_document(self._document)
        return view

    def __iter__(self) -> Iterator[str]:
        return iter(self._specs)

    def __len__(self) -> int:
        return len(self._specs)

    def built(self) -> list[View]:
        return list(self._built.values())

    def show(self, row: int) -> None:
        """Make the view at `row` the current page, building it first if needed."""
        if 0 <= row < len(self._specs):
            self._stack.setCurrentWidget(self[list(self._specs)[row]])

    def set_document(self, document: ProjectDocument | None) -> None:
        self._document = document
        for view in self.built():
            view.set_document(document)
