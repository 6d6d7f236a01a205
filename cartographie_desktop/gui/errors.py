"""The one way to show an error: a French message, the technical detail only behind « Copier le détail ».

Also the `sys.excepthook` for unexpected exceptions: they are logged and shown the same way, never as a traceback.
Tests replace `present` to collect messages instead of opening a modal dialog.
"""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from types import TracebackType

from PySide6.QtCore import Qt
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


class ErrorDialog(QDialog):
    """A message in plain French; the detail is never displayed, only copied on request."""

    def __init__(self, parent: QWidget | None, message: str, detail: str = "", title: str = APP_TITLE) -> None:
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
        QApplication.clipboard().setText(f"{self.message}\n\n{self.detail}")
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


def _hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, exc, tb)
        return
    detail = "".join(traceback.format_exception(kind, exc, tb))
    log.error("Exception non gérée\n%s", detail)
    try:
        parent = QApplication.activeWindow()
        show_error(parent, UNEXPECTED, detail)
    except Exception:  # never let the hook itself raise
        log.exception("Affichage de l'erreur impossible")


def install_excepthook() -> None:
    sys.excepthook = _hook
