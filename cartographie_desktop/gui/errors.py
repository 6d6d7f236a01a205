"""The one way to show an error: a French message, the technical detail only behind « Copier le détail ».

Unexpected exceptions have one handler, `report_unexpected`, whichever way they come: a slot or a callback on the UI
thread (`sys.excepthook`, which PySide calls for an exception escaping a slot; the program keeps running), another
thread (`threading.excepthook`, relayed to the UI thread by a posted event), a background task without its own
error callback (`tasks`). Each is logged with its traceback in `journal.log` and shown as `UNEXPECTED`; every edit
was saved when it was made, so nothing is lost. While such a message is open, or after `MAX_SHOWN` of them within a
minute (an exception in a paint event repeats), further ones are only logged.

What goes to the log and to « Copier le détail » is `redact`ed: the user's home folder becomes `~` (an account is
often named after its person), the name of any staffing, project or kit file becomes `<fichier>.xlsx` (a staffing
file may be named after an agent; the extension is what support needs), a NIR-shaped number `<NIR>`. Messages
name files by their name only, never their folder. Tests replace `present` to collect messages instead of opening a
modal dialog.
"""

from __future__ import annotations

import logging
import os
import queue
import re
import sys
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

log = logging.getLogger(__name__)

APP_TITLE = "Cartographie IA des métiers"
UNEXPECTED = ("Une erreur inattendue s'est produite. Vos modifications déjà faites sont enregistrées. "
              "Si le problème se reproduit, cliquez sur « Copier le détail » et transmettez-le à votre assistance "
              "informatique.")


MAX_SHOWN = 3  # unexpected-error messages shown within a minute; beyond, logged only

_EXTENSIONS = "xlsx|xlsm|xls|ods|csv|txt|xml|carto|pdf|json"
_QUOTED_FILE = re.compile(rf"«\s*[^«»\n]*?\.({_EXTENSIONS})\s*»", re.IGNORECASE)
_PATH_IN_QUOTES = re.compile(rf"(['\"])[^'\"\n]*?\.({_EXTENSIONS})\1", re.IGNORECASE)
_BARE_FILE = re.compile(rf"[^\s'\"«»()\[\]]+\.({_EXTENSIONS})\b", re.IGNORECASE)
_NIR = re.compile(r"\b[12]\s?\d{2}\s?(?:0[1-9]|1[0-2]|[2-9]\d)\s?(?:\d{2}|2[abAB])\s?\d{3}\s?\d{3}(?:\s?\d{2})?\b")


def redact(text: str) -> str:
    """The text without what could name a person (see the module docstring)."""
    home = str(Path.home())
    if len(home) > 3:
        text = text.replace(home, "~")
        if os.sep == "\\":
            text = text.replace(home.replace("\\", "/"), "~")
    text = _QUOTED_FILE.sub(lambda m: f"« <fichier>.{m.group(1)} »", text)
    text = _PATH_IN_QUOTES.sub(lambda m: f"{m.group(1)}<fichier>.{m.group(2)}{m.group(1)}", text)
    text = _BARE_FILE.sub(lambda m: f"<fichier>.{m.group(1)}", text)
    return _NIR.sub("<NIR>", text)


class RedactingFormatter(logging.Formatter):
    """The log's formatter: records, their tracebacks included, pass through `redact`."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class ErrorDialog(QDialog):
    """A message in plain French; the detail is never displayed, only copied on request. With `action`, a button
    that accepts the dialog (« Ouvrir la dernière sauvegarde… »)."""

    def __init__(self, parent: QWidget | None, message: str, detail: str = "", title: str = APP_TITLE,
                 action: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.message = message
        self.detail = detail
        icon = QLabel()
        icon.setPixmap(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning).pixmap(40, 40))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        text = QLabel(message)
        text.setTextFormat(Qt.TextFormat.PlainText)  # file names and titles come from the user's data
        text.setWordWrap(True)
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        text.setMinimumWidth(380)
        row = QHBoxLayout()
        row.addWidget(icon)
        row.addWidget(text, 1)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("&Fermer")
        buttons.rejected.connect(self.reject)
        self.action_button: QPushButton | None = None
        if action:
            self.action_button = buttons.addButton(action, QDialogButtonBox.ButtonRole.AcceptRole)
            self.action_button.setDefault(True)
            buttons.accepted.connect(self.accept)
        self.copy_button: QPushButton | None = None
        if detail:
            self.copy_button = QPushButton("&Copier le détail")
            self.copy_button.setAutoDefault(False)
            self.copy_button.clicked.connect(self.copy_detail)
            buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(buttons)

    def copy_detail(self) -> None:
        QApplication.clipboard().setText(redact(f"{self.message}\n\n{self.detail}"))
        if self.copy_button is not None:
            self.copy_button.setText("Détail copié ✓")


def _exec(dialog: ErrorDialog) -> None:
    dialog.exec()


present: Callable[[ErrorDialog], None] = _exec  # tests replace this


def show_error(parent: QWidget | None, message: str, detail: str = "", title: str = APP_TITLE) -> None:
    log.warning("%s%s", message, f"\n{detail}" if detail else "")
    present(ErrorDialog(parent, message, detail, title))


def format_exception(exc: BaseException) -> str:
    return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))


_shown_at: list[float] = []  # when the recent unexpected-error messages were shown
_showing: list[bool] = []  # non-empty while one is open


def report_unexpected(exc: BaseException, *, where: str = "") -> None:
    """Log an unexpected exception with its traceback and show `UNEXPECTED` (UI thread only)."""
    detail = format_exception(exc)
    log.error("Exception non gérée%s\n%s", f" ({where})" if where else "", detail)
    now = time.monotonic()
    _shown_at[:] = [t for t in _shown_at if now - t < 60]
    if _showing or len(_shown_at) >= MAX_SHOWN:
        return  # one message at a time, and no avalanche: the log has them all
    _shown_at.append(now)
    _showing.append(True)
    try:
        present(ErrorDialog(QApplication.activeWindow(), UNEXPECTED, detail))
    except Exception:  # never let the handler itself raise
        log.exception("Affichage de l'erreur impossible")
    finally:
        _showing.clear()


def _hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, exc, tb)
        return
    if exc.__traceback__ is None and tb is not None:
        exc = exc.with_traceback(tb)
    report_unexpected(exc)


class _Relay(QObject):
    """Lives on the UI thread; other threads post it an event when an exception ended them (Qt's postEvent is
    thread-safe; the exception itself travels in a Python queue)."""

    EVENT = QEvent.Type(QEvent.registerEventType())

    def __init__(self) -> None:
        super().__init__()
        self.pending: queue.SimpleQueue[tuple[BaseException, str]] = queue.SimpleQueue()

    def event(self, event: QEvent) -> bool:
        if event.type() != self.EVENT:
            return super().event(event)
        while True:
            try:
                exc, where = self.pending.get_nowait()
            except queue.Empty:
                return True
            report_unexpected(exc, where=where)


_relay: list[_Relay] = []


def _thread_hook(args: threading.ExceptHookArgs) -> None:
    if args.exc_type is SystemExit or args.exc_value is None:
        return
    where = f"fil « {args.thread.name} »" if args.thread is not None else "fil"
    if not _relay or QCoreApplication.instance() is None:
        log.error("Exception non gérée (%s)", where, exc_info=(args.exc_type, args.exc_value, args.exc_traceback))
        return
    _relay[0].pending.put((args.exc_value, where))
    QCoreApplication.postEvent(_relay[0], QEvent(_Relay.EVENT))


def install_excepthook() -> None:
    """The one handler for exceptions nobody caught, on the UI thread and on any other (call on the UI thread)."""
    if not _relay:
        _relay.append(_Relay())
    sys.excepthook = _hook
    threading.excepthook = _thread_hook
