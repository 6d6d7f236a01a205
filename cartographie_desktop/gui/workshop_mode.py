"""The workshop mode: the sheet form full screen for a video projector, legible from the back of a meeting room.

One job at a time (Page suivante / Page précédente go through the sheets in the order of the list), the job's
exposure and its activities in large type, the same fast keyboard entry as the form, an optional timer. Every edit is
a command saved at once (nothing to save); leaving (Échap, F11, the button, closing the window) first saves what is
being typed, and stays if a field holds a value that cannot be saved (its French reason is shown).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from cartographie_desktop.core.palette import ACCENT, GRID, MUTED
from cartographie_desktop.gui.workshop_form import FollowFocus, SheetForm

POINT_SIZE = 20.0  # body text; a 1080p projected image 3 m wide makes this about 3 cm tall letters
CHROME_POINT_SIZE = 16.0  # buttons and the key reminder
TIMER_POINT_SIZE = 28.0
KEYS_HELP = ("Entrée : nouvelle ligne · Tab : liste suivante · Suppr : supprimer · Ctrl+↑/↓ : déplacer · "
             "Ctrl+Z : annuler · Page suiv./préc. : autre métier · Échap : quitter")
HELP_POINT_SIZE = 12.0  # the key reminder is for the person at the keyboard, not for the room


def clock_text(seconds: float) -> str:
    """« 12:05 », « 1:02:03 » past an hour; negative: « +03:10 » (time past the planned duration)."""
    over = seconds < 0
    total = int(abs(seconds) + (0.999 if not over else 0))  # a countdown shows 0:01 until the last second is over
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"
    return f"+{text}" if over else text


class WorkshopTimer(QFrame):
    """A countdown of the minutes chosen (0: a stopwatch); past zero it counts on, in the accent colour."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.clock = clock
        self.running = False
        self.started = 0.0
        self.before = 0.0  # seconds counted before the last start
        self.display = QLabel()
        self.display.setAccessibleName("Minuteur")
        self.display.setObjectName("timerDisplay")
        self.minutes = QSpinBox()
        self.minutes.setRange(0, 240)
        self.minutes.setValue(20)
        self.minutes.setSuffix(" min")
        self.minutes.setSpecialValueText("chrono")
        self.minutes.setAccessibleName("Durée prévue en minutes (0 : chronomètre)")
        self.minutes.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.minutes.setMaximumWidth(190)
        self.minutes.valueChanged.connect(self.update_display)
        self.start_button = QPushButton("Démarrer")
        self.start_button.setToolTip("Démarrer ou mettre en pause le minuteur (Ctrl+T)")
        self.start_button.clicked.connect(self.toggle)
        self.reset_button = QPushButton("Remettre à zéro")
        self.reset_button.clicked.connect(self.reset)
        for button in (self.start_button, self.reset_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab stays between the lists
        self.ticker = QTimer(self)
        self.ticker.setInterval(250)
        self.ticker.timeout.connect(self.update_display)
        column = QVBoxLayout()
        column.setSpacing(2)
        column.addWidget(self.minutes)
        row = QHBoxLayout()
        row.addWidget(self.start_button)
        row.addWidget(self.reset_button)
        column.addLayout(row)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 2, 8, 2)
        layout.addWidget(self.display)
        layout.addLayout(column)
        self.update_display()

    def elapsed(self) -> float:
        return self.before + (self.clock() - self.started if self.running else 0.0)

    def remaining(self) -> float:
        """Seconds left (negative past the planned time); with « chrono », the seconds counted."""
        planned = self.minutes.value() * 60
        return planned - self.elapsed() if planned else self.elapsed()

    def toggle(self) -> None:
        if self.running:
            self.before = self.elapsed()
            self.running = False
            self.ticker.stop()
        else:
            self.started = self.clock()
            self.running = True
            self.ticker.start()
        self.update_display()

    def reset(self) -> None:
        self.running = False
        self.before = 0.0
        self.ticker.stop()
        self.update_display()

    def update_display(self, *_args: object) -> None:
        remaining = self.remaining()
        over = bool(self.minutes.value()) and remaining < 0
        self.display.setText(clock_text(remaining))
        self.display.setStyleSheet(f"color: {ACCENT};" if over else "")
        self.start_button.setText("Pause" if self.running else ("Reprendre" if self.before else "Démarrer"))


class WorkshopMode(QWidget):
    """The projected screen. `closed(sheet_id)` tells the view which sheet was shown last."""

    closed = Signal(str)

    def __init__(self, view) -> None:
        super().__init__(view.window(), Qt.WindowType.Window)
        self.view = view
        self.left = False
        self.setWindowTitle("Mode atelier — Cartographie IA des métiers")
        self.setObjectName("workshopMode")
        self.form = SheetForm(view, point_size=POINT_SIZE, projected=True)
        self.form.sheet_changed.connect(self._update_header)
        self.area = self.form.body_area
        FollowFocus(self.area, self.form)
        self.timer = WorkshopTimer()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 8, 16, 8)
        layout.addWidget(self._top_bar())
        layout.addWidget(self.form, 1)
        layout.addLayout(self._bottom_bar())
        self.setStyleSheet(f"* {{ font-size: {CHROME_POINT_SIZE:.0f}pt; }}\n"
                           f"QFrame#modeBar {{ border-bottom: 2px solid {GRID}; }}\n"
                           f"QLabel#timerDisplay {{ font-size: {TIMER_POINT_SIZE:.0f}pt; font-weight: bold; }}\n"
                           f"QLabel#muted {{ color: {MUTED}; }}\n"
                           f"QLabel#keysHelp {{ color: {MUTED}; font-size: {HELP_POINT_SIZE:.0f}pt; }}\n")
        self._shortcuts()

    def _top_bar(self) -> QFrame:
        self.position = QLabel()
        self.position.setObjectName("muted")
        self.previous_button = QPushButton("◀ Précédent")
        self.previous_button.setToolTip("Fiche précédente (Page précédente)")
        self.previous_button.clicked.connect(lambda: self.go(-1))
        self.next_button = QPushButton("Suivant ▶")
        self.next_button.setToolTip("Fiche suivante (Page suivante)")
        self.next_button.clicked.connect(lambda: self.go(1))
        self.leave_button = QPushButton("Quitter (Échap)")
        self.leave_button.clicked.connect(self.leave)
        for button in (self.previous_button, self.next_button, self.leave_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab stays between the lists
        top = QHBoxLayout()
        top.addWidget(self.previous_button)
        top.addWidget(self.next_button)
        top.addWidget(self.position, 1)
        top.addWidget(self.timer)
        top.addWidget(self.leave_button)
        bar = QFrame()
        bar.setObjectName("modeBar")
        bar.setLayout(top)
        return bar

    def _bottom_bar(self) -> QHBoxLayout:
        self.message = QLabel()
        self.message.setStyleSheet(f"color: {ACCENT};")
        self.message_timer = QTimer(self)
        self.message_timer.setSingleShot(True)
        self.message_timer.setInterval(6000)
        self.message_timer.timeout.connect(self.message.clear)
        keys = QLabel(KEYS_HELP)
        keys.setObjectName("keysHelp")
        keys.setWordWrap(True)
        saved = QLabel("Enregistré automatiquement")
        saved.setObjectName("muted")
        bottom = QHBoxLayout()
        bottom.addWidget(keys, 1)
        bottom.addWidget(self.message)
        bottom.addWidget(saved)
        return bottom

    def _shortcuts(self) -> None:
        context = Qt.ShortcutContext.WindowShortcut
        pairs = [
            (QKeySequence(Qt.Key.Key_PageDown), lambda: self.go(1)),
            (QKeySequence(Qt.Key.Key_PageUp), lambda: self.go(-1)),
            (QKeySequence(Qt.Key.Key_Escape), self.leave),
            (QKeySequence(Qt.Key.Key_F11), self.leave),
            (QKeySequence(QKeySequence.StandardKey.Undo), self.undo),
            (QKeySequence("Ctrl+Y"), self.redo),
            (QKeySequence("Ctrl+Shift+Z"), self.redo),
            (QKeySequence("Ctrl+T"), self.timer.toggle),
        ]
        self.shortcuts = []
        for keys, slot in pairs:
            shortcut = QShortcut(keys, self, context=context)
            shortcut.activated.connect(slot)
            self.shortcuts.append(shortcut)

    # -- showing ---------------------------------------------------------------------------------------------------

    def start(self, sheet_id: str, *, full_screen: bool = True) -> None:
        self.form.set_document(self.view.document)
        self.form.show_sheet(sheet_id)
        if full_screen:
            self.showFullScreen()
        else:
            self.show()
        if QGuiApplication.platformName() != "offscreen":  # (the offscreen platform warns it cannot raise)
            self.raise_()
        self.activateWindow()
        self.focus_first_list()

    def focus_first_list(self) -> None:
        table = self.form.tables["activities"]
        table.setFocus()
        if not table.currentIndex().isValid() and table.model().rowCount():
            table.setCurrentIndex(table.model().index(0, 0))
        self.area.verticalScrollBar().setValue(0)

    def refresh(self) -> None:
        """The project changed (an edit here, an undo): redraw; a sheet that no longer exists gives way to another."""
        ids = self.view.sheet_ids()
        if not ids:
            self.leave()
            return
        if self.form.sheet_id not in ids:
            self.form.show_sheet(ids[0])
        else:
            self.form.refresh()

    def _update_header(self) -> None:
        ids = self.view.sheet_ids()
        sheet_id = self.form.sheet_id
        position = ids.index(sheet_id) + 1 if sheet_id in ids else 0
        self.position.setText(f"Fiche {position} / {len(ids)}" if position else "")
        self.previous_button.setEnabled(position > 1)
        self.next_button.setEnabled(0 < position < len(ids))

    def go(self, step: int) -> bool:
        """Page suivante / précédente: the next or previous sheet of the list (what is being typed is saved)."""
        ids = self.view.sheet_ids()
        if self.form.sheet_id not in ids or not self.form.commit_pending():
            return False
        target = ids.index(self.form.sheet_id) + step
        if not 0 <= target < len(ids):
            return False
        self.form.show_sheet(ids[target])
        self.focus_first_list()
        return True

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message_timer.start()

    # -- edits -----------------------------------------------------------------------------------------------------

    def undo(self) -> None:
        document = self.view.document
        if document is not None and self.form.commit_pending():
            document.undo_stack.undo()

    def redo(self) -> None:
        document = self.view.document
        if document is not None:
            document.undo_stack.redo()

    # -- leaving ---------------------------------------------------------------------------------------------------

    def leave(self) -> bool:
        """Save what is being typed, then close; stays open when a field cannot be saved."""
        if not self.form.commit_pending():
            return False
        self.timer.reset()
        self.hide()
        self._closed()
        return True

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.form.commit_pending():
            event.ignore()
            return
        super().closeEvent(event)
        self._closed()

    def _closed(self) -> None:
        if not self.left:
            self.left = True
            self.closed.emit(self.form.sheet_id or "")
