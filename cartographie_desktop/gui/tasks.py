"""The one helper to run long work off the UI thread, with progress, cancel, and no flicker for quick work.

`run_task(parent, work, ...)` runs `work(ctx)` on Qt's global thread pool; `ctx.progress(done, total, text)` reports,
`ctx.cancelled` / `ctx.check()` let the work stop early. Callbacks run on the UI thread. A progress dialog appears only
if the work lasts more than `SHOW_AFTER_MS` (as Anki does), so opening a small project does not flash a dialog; a
caller that shows progress itself (the import wizard's own bar) passes `on_progress` and `show_after_ms=None`.

Results travel to the UI thread through a queue drained by one long-lived UI-thread timer: a worker never calls
Qt (no signal, no QObject), see `_Dispatcher`.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Qt, QThreadPool, QTimer
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget

log = logging.getLogger(__name__)

SHOW_AFTER_MS = 600
POLL_MS = 25
_REPORT_EVERY_S = 0.05


class TaskCancelled(Exception):
    """Raised by `TaskContext.check()` when the user pressed « Annuler »."""


class _Dispatcher(QObject):
    """Runs callables on the UI thread. Workers only put them in a thread-safe queue; a UI-thread timer drains it
    while work is under way, so a worker never calls Qt (no signal, no QObject touched off the UI thread).
    """

    def __init__(self) -> None:
        super().__init__()
        self.pending: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self.drain)

    def drain(self) -> None:
        while True:
            try:
                fn = self.pending.get_nowait()
            except queue.Empty:
                break
            fn()
        if not _ACTIVE and self.pending.empty():
            self.timer.stop()


_DISPATCHER: list[_Dispatcher] = []  # created on first use, on the UI thread; lives as long as the program


def _on_main(fn: Callable[[], None]) -> None:
    """From any thread: run `fn` on the UI thread soon (within POLL_MS)."""
    _DISPATCHER[0].pending.put(fn)


class TaskContext:
    """What the work sees: progress reporting and the cancel flag (thread-safe)."""

    def __init__(self, task: Task) -> None:
        self._task = task
        self._event = threading.Event()
        self._last = 0.0

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        if self._event.is_set():
            raise TaskCancelled

    def progress(self, done: int, total: int = 0, text: str = "") -> None:
        now = time.monotonic()
        if now - self._last < _REPORT_EVERY_S and done < total:
            return
        self._last = now
        _on_main(lambda: self._task._show_progress(done, total, text))


class Task:
    """A handle on running work: `cancel()`, `running`; callbacks are dropped if the parent widget is gone."""

    def __init__(self, parent: QWidget | None, title: str, label: str, *, cancellable: bool,
                 on_done: Callable[[Any], None] | None, on_error: Callable[[BaseException], None] | None,
                 on_cancel: Callable[[], None] | None,
                 on_progress: Callable[[int, int, str], None] | None = None) -> None:
        self.parent = parent
        self.title, self.label, self.cancellable = title, label, cancellable
        self.on_done, self.on_error, self.on_cancel = on_done, on_error, on_cancel
        self.on_progress = on_progress
        self.ctx = TaskContext(self)
        self.running = True
        self.dialog: QProgressDialog | None = None
        self._last_progress: tuple[int, int, str] = (0, 0, "")

    def cancel(self) -> None:
        self.ctx._event.set()

    def _parent_alive(self) -> bool:
        return self.parent is None or shiboken6.isValid(self.parent)

    def _show_dialog(self) -> None:
        if not self.running or not self._parent_alive() or self.dialog is not None:
            return
        dialog = QProgressDialog(self.label, "Annuler" if self.cancellable else "", 0, 0, self.parent)
        dialog.setWindowTitle(self.title)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        if not self.cancellable:
            dialog.setCancelButton(None)
        dialog.canceled.connect(self.cancel)
        self.dialog = dialog
        self._show_progress(*self._last_progress)
        dialog.show()

    def _show_progress(self, done: int, total: int, text: str) -> None:
        self._last_progress = (done, total, text)
        if self.on_progress is not None and self.running and self._parent_alive():
            self.on_progress(done, total, text)
        if self.dialog is None or not shiboken6.isValid(self.dialog):
            return
        self.dialog.setMaximum(max(total, 0))
        self.dialog.setValue(min(done, total) if total else 0)
        if text:
            self.dialog.setLabelText(text)

    def _finish(self, outcome: str, value: Any = None) -> None:
        self.running = False
        _ACTIVE.discard(self)
        if self.dialog is not None and shiboken6.isValid(self.dialog):
            self.dialog.close()
            self.dialog.deleteLater()
        self.dialog = None
        if not self._parent_alive():
            return
        if outcome == "done" and self.on_done:
            self.on_done(value)
        elif outcome == "error":
            from cartographie_desktop.gui import errors

            if self.on_error:
                if not is_user_error(value):  # the callback explains it in French; support needs the traceback
                    log.error("Tâche « %s » en échec", self.title, exc_info=value)
                self.on_error(value)
            elif is_user_error(value):
                errors.show_error(self.parent, user_message(value), errors.format_exception(value))
            else:  # a fault of ours: the one handler of unexpected errors
                errors.report_unexpected(value, where=f"tâche « {self.title} »")
        elif outcome == "cancel" and self.on_cancel:
            self.on_cancel()


_ACTIVE: set[Task] = set()


def is_user_error(exc: BaseException) -> bool:
    """An error a user can cause and understand (a French message), as opposed to a fault of ours."""
    from cartographie_desktop.core.commands import EditError
    from cartographie_desktop.core.referentiel import ReferentielError
    from cartographie_desktop.io.store import StoreError
    from cartographie_desktop.io.tables import StaffingError
    from cartographie_desktop.io.workshop_kit import KitError

    return isinstance(exc, StoreError | EditError | ReferentielError | StaffingError | KitError | OSError)


def user_message(exc: BaseException) -> str:
    """The French message of an error a user can cause; a generic sentence for anything else."""
    if isinstance(exc, OSError):
        return f"Le fichier n'a pas pu être lu ou écrit : {exc.strerror or exc}."
    if is_user_error(exc):
        return str(exc)
    return "Une erreur inattendue s'est produite pendant le traitement."


def run_task(parent: QWidget | None, work: Callable[[TaskContext], Any], *, title: str, label: str,
             on_done: Callable[[Any], None] | None = None, on_error: Callable[[BaseException], None] | None = None,
             on_cancel: Callable[[], None] | None = None, cancellable: bool = True,
             show_after_ms: int | None = SHOW_AFTER_MS,
             on_progress: Callable[[int, int, str], None] | None = None) -> Task:
    """Run `work(ctx)` off the UI thread; `show_after_ms=None` never shows the progress dialog."""
    if not _DISPATCHER:
        if QApplication.instance() is None:
            raise RuntimeError("run_task needs a QApplication")
        _DISPATCHER.append(_Dispatcher())
    task = Task(parent, title, label, cancellable=cancellable, on_done=on_done, on_error=on_error,
                on_cancel=on_cancel, on_progress=on_progress)
    _ACTIVE.add(task)
    _DISPATCHER[0].timer.start()

    def body() -> None:
        try:
            result = work(task.ctx)
        except TaskCancelled:
            _on_main(lambda: task._finish("cancel"))
        except BaseException as exc:
            log.debug("Tâche en échec", exc_info=exc)
            _on_main(lambda error=exc: task._finish("error", error))
        else:
            if task.ctx.cancelled:
                _on_main(lambda: task._finish("cancel"))
            else:
                _on_main(lambda: task._finish("done", result))

    if show_after_ms is not None:
        QTimer.singleShot(show_after_ms, task._show_dialog)
    QThreadPool.globalInstance().start(body)
    return task


def active_tasks() -> int:
    return len(_ACTIVE)
