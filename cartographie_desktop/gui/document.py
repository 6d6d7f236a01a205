"""The open project as the window sees it: the edit session, the référentiel, cached results, and one undo stack.

Every edit goes through `execute(command)`: applied and saved at once by `EditSession.execute`, then pushed on the
`QUndoStack` as an `EditCommand` whose undo/redo replay the inverses. A failed save leaves the project as it was
(the session rolls back) and nothing is pushed; a failed undo/redo empties the history, so the stack never claims a
state the file does not have.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from cartographie_desktop.core import aggregates
from cartographie_desktop.core.aggregates import Aggregates, Basis
from cartographie_desktop.core.commands import DECISIONS, META, Command, EditError
from cartographie_desktop.core.model import Index, Post, Project
from cartographie_desktop.core.referentiel import Referentiel
from cartographie_desktop.core.scoring import JobResult, score_project
from cartographie_desktop.io.backups import Keeper
from cartographie_desktop.io.session import EditSession
from cartographie_desktop.io.store import StoreError

log = logging.getLogger(__name__)


@dataclass(slots=True)
class JobPosts:
    """What the commune's posts say about one job: headcount, FTE, and who holds it (for columns and filters)."""

    agents: int = 0
    fte: float = 0.0
    filieres: dict[str, int] = field(default_factory=dict)
    categories: dict[str, int] = field(default_factory=dict)
    directions: dict[str, tuple[int, float]] = field(default_factory=dict)

    def add(self, post: Post) -> None:
        self.agents += post.headcount
        self.fte += post.fte
        if post.filiere:
            self.filieres[post.filiere] = self.filieres.get(post.filiere, 0) + post.headcount
        if post.categorie:
            self.categories[post.categorie] = self.categories.get(post.categorie, 0) + post.headcount
        agents, fte = self.directions.get(post.direction, (0, 0.0))
        self.directions[post.direction] = (agents + post.headcount, fte + post.fte)


def job_posts(project: Project) -> dict[str, JobPosts]:
    out: dict[str, JobPosts] = {}
    for post in project.posts:
        code = project.job_of(post)
        if code:
            out.setdefault(code, JobPosts()).add(post)
    return out


class EditCommand(QUndoCommand):
    """A core command on the undo stack. Created after its first, successful execution."""

    def __init__(self, document: ProjectDocument, inverse: Command, text: str) -> None:
        super().__init__(text)
        self._document = document
        self._inverse = inverse
        self._first = True

    def redo(self) -> None:
        if self._first:  # already applied by ProjectDocument.execute
            self._first = False
            return
        self._replay()

    def undo(self) -> None:
        self._replay()

    def _replay(self) -> None:
        try:
            self._inverse = self._document.session.execute(self._inverse)
        except (StoreError, EditError, OSError) as exc:
            self.setObsolete(True)
            self._document._replay_failed(exc)
            return
        self._document._saved()
        self._document._changed(self._inverse.touches)


class ProjectDocument(QObject):
    changed = Signal()  # the project's data changed (edit, undo, redo)
    failed = Signal(str, str)  # a French message and its technical detail

    def __init__(self, session: EditSession, ref: Referentiel, *, is_demo: bool = False,
                 index: Index | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.ref = ref
        self.is_demo = is_demo
        self._index_override = index
        self.undo_stack = QUndoStack(self)
        self.keeper: Keeper | None = None  # rolling backups, set by the window for a project it opened
        self._results: dict[str, JobResult] | None = None
        self._job_posts: dict[str, JobPosts] | None = None
        self._aggregates: dict[Basis, Aggregates] = {}

    # -- state ---------------------------------------------------------------------------------------------------

    @property
    def project(self) -> Project:
        return self.session.project

    @property
    def path(self) -> Path | None:
        return self.session.path

    @property
    def index(self) -> Index:
        return self._index_override or self.project.index

    @property
    def commune(self) -> str:
        return self.project.commune or (self.path.stem if self.path else "Projet sans nom")

    def results(self) -> dict[str, JobResult]:
        if self._results is None:
            self._results = score_project(self.project, self.ref, self.index)
        return self._results

    def job_posts(self) -> dict[str, JobPosts]:
        if self._job_posts is None:
            self._job_posts = job_posts(self.project)
        return self._job_posts

    def aggregates(self, basis: Basis = "technique") -> Aggregates:
        if basis not in self._aggregates:
            self._aggregates[basis] = aggregates.compute(self.project, self.results(), basis)
        return self._aggregates[basis]

    def adopt(self, results: dict[str, JobResult], held: dict[str, JobPosts], technical: Aggregates) -> None:
        """Take the figures computed off the UI thread when the project was opened."""
        self._results, self._job_posts = results, held
        self._aggregates = {"technique": technical}

    def most_exposed_job(self) -> str | None:
        results = self.results()
        if not results:
            return None
        return max(results.values(), key=lambda r: (r.technical.mean, r.label)).code

    def warm_up(self) -> None:
        """Compute what the first screens need (called off the UI thread when a project is opened)."""
        self.results()
        self.job_posts()
        self.aggregates()

    # -- edits -----------------------------------------------------------------------------------------------------

    def execute(self, command: Command) -> bool:
        """Apply, save and push on the undo stack; on failure show why (signal `failed`) and change nothing."""
        try:
            inverse = self.session.execute(command)
        except (StoreError, EditError, OSError) as exc:
            from cartographie_desktop.gui.tasks import user_message

            self.failed.emit(user_message(exc), repr(exc))
            return False
        self.undo_stack.push(EditCommand(self, inverse, command.text or "Modification"))
        self._saved()
        self._changed(command.touches)
        return True

    def _saved(self) -> None:
        """An edit is on disk: the backup keeper may take its periodic copy."""
        if self.keeper is not None and self.session.store is not None and not self.session.store.read_only:
            self.keeper.edited(self.session.store)

    def set_index_override(self, index: Index | None) -> None:
        self._index_override = index
        self._changed({META})

    def _changed(self, touches: Iterable[str]) -> None:
        touches = set(touches)
        self._results = None
        self._aggregates.clear()
        if not touches <= {DECISIONS, META}:
            self._job_posts = None
        self.changed.emit()

    def _replay_failed(self, exc: BaseException) -> None:
        from cartographie_desktop.gui.tasks import user_message

        message = (f"{user_message(exc)}\n\nL'historique des modifications a été vidé : le projet affiché est "
                   "celui qui est enregistré sur le disque.")

        def after_the_stack_returns() -> None:
            # Not from inside QUndoStack.undo()/redo(): clearing there, or opening a modal message (whose event loop
            # could run the clearing), would delete the command the stack is still using.
            self.undo_stack.clear()
            self.failed.emit(message, repr(exc))

        QTimer.singleShot(0, after_the_stack_returns)
        self._changed({"decisions", "matches", "post_jobs", "meta"})

    def close(self) -> None:
        self.undo_stack.clear()
        if self.keeper is not None and self.session.store is not None:
            self.keeper.closing(self.session.store)
        self.session.close()
