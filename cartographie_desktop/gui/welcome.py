"""The welcome screen shown when no project is open: start, open, recent projects, the example commune."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QCommandLinkButton,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cartographie_desktop.gui.widgets import heading

PATH_ROLE = Qt.ItemDataRole.UserRole + 1


class RecentList(QListWidget):
    """Recent projects; Enter opens, Delete forgets."""

    open_path = Signal(Path)
    forget_path = Signal(Path)

    def __init__(self) -> None:
        super().__init__()
        self.setAccessibleName("Projets récents")
        self.itemActivated.connect(self._activate)

    def _activate(self, item: QListWidgetItem) -> None:
        self.open_path.emit(Path(item.data(PATH_ROLE)))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        item = self.currentItem()
        if item is not None and event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.forget_path.emit(Path(item.data(PATH_ROLE)))
            return
        super().keyPressEvent(event)


class WelcomeWidget(QWidget):
    new_requested = Signal()
    open_requested = Signal()
    demo_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title = heading("Cartographie des métiers et IA générative", 12)
        subtitle = QLabel("Quels métiers de la commune l'IA générative peut-elle transformer, et comment "
                          "accompagner les agents ? Commencez par le tableau des effectifs.")
        subtitle.setWordWrap(True)
        drop = QLabel("Astuce : vous pouvez aussi faire glisser un tableau des effectifs ou un fichier .carto "
                      "sur cette fenêtre.")
        drop.setObjectName("muted")
        drop.setWordWrap(True)

        icon = QLabel()
        icon.setPixmap(QApplication.windowIcon().pixmap(64, 64))
        head = QHBoxLayout()
        head.addWidget(icon)
        head.addSpacing(8)
        head.addWidget(title, 1)
        actions = self._build_actions()
        actions.addSpacing(12)
        actions.addWidget(drop)
        actions.addStretch(1)
        columns = QHBoxLayout()
        columns.addLayout(actions, 1)
        columns.addSpacing(24)
        columns.addLayout(self._build_recent(), 1)
        body = QVBoxLayout()
        body.addLayout(head)
        body.addWidget(subtitle)
        body.addSpacing(18)
        body.addLayout(columns, 1)
        holder = QWidget()
        holder.setLayout(body)
        holder.setMaximumWidth(1000)
        outer = QHBoxLayout(self)
        outer.setContentsMargins(32, 40, 32, 24)
        outer.addStretch(1)
        outer.addWidget(holder, 10)
        outer.addStretch(1)
        self.setTabOrder(self.new_button, self.open_button)
        self.setTabOrder(self.open_button, self.demo_button)
        self.setTabOrder(self.demo_button, self.recent)

    def _build_actions(self) -> QVBoxLayout:
        self.new_button = QCommandLinkButton("Nouvelle cartographie…",
                                             "Importer le tableau des effectifs de la commune (Excel, CSV…). Ctrl+N")
        self.open_button = QCommandLinkButton("Ouvrir une cartographie…",
                                              "Reprendre un projet enregistré (fichier .carto). Ctrl+O")
        self.demo_button = QCommandLinkButton("Découvrir avec la commune exemple",
                                              "Val-Fleuri, une commune fictive : essayez tout sans risque.")
        actions = QVBoxLayout()
        for button in (self.new_button, self.open_button, self.demo_button):
            button.setIconSize(QSize(28, 28))
            button.setMinimumWidth(440)
            actions.addWidget(button)
        self.new_button.clicked.connect(self.new_requested.emit)
        self.open_button.clicked.connect(self.open_requested.emit)
        self.demo_button.clicked.connect(self.demo_requested.emit)
        return actions

    def _build_recent(self) -> QVBoxLayout:
        self.recent = RecentList()
        self.recent.setMinimumWidth(380)
        recent_title = QLabel("<b>Projets &récents</b>")
        recent_title.setBuddy(self.recent)
        self.recent_empty = QLabel("Aucun projet ouvert récemment.")
        self.recent_empty.setObjectName("muted")
        self.recent_stretch = QWidget()
        recent = QVBoxLayout()
        recent.addWidget(recent_title)
        recent.addWidget(self.recent, 1)
        recent.addWidget(self.recent_empty)
        recent.addWidget(self.recent_stretch, 1)
        return recent

    def set_recent(self, paths: list[Path]) -> None:
        self.recent.clear()
        for path in paths:
            exists = path.exists()
            text = f"{path.stem}\n{path.parent}" if exists else f"{path.stem} (introuvable)\n{path.parent}"
            item = QListWidgetItem(text)
            item.setData(PATH_ROLE, str(path))
            item.setToolTip(str(path) + ("" if exists else "\nLe fichier a été déplacé ou supprimé (Suppr pour "
                                                           "le retirer de la liste)."))
            if not exists:
                item.setForeground(self.palette().placeholderText())
            self.recent.addItem(item)
        self.recent.setVisible(bool(paths))
        self.recent_empty.setVisible(not paths)
        self.recent_stretch.setVisible(not paths)
        if paths:
            self.recent.setCurrentRow(0)
