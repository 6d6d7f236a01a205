"""Décisions: every decision of the commune with its reason, author and date; one can be reverted (undoably)."""

from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QLabel, QPushButton, QVBoxLayout, QWidget

from cartographie_desktop.core import commands
from cartographie_desktop.core.model import Decision
from cartographie_desktop.core.text import plural
from cartographie_desktop.gui.models import SORT_ROLE, DecisionTableModel
from cartographie_desktop.gui.views import View, ViewHost, ViewSpec, register
from cartographie_desktop.gui.widgets import DataTable


class DecisionsView(View):
    def __init__(self, host: ViewHost, parent: QWidget | None = None) -> None:
        super().__init__(host, parent)
        self.model = DecisionTableModel()
        self.model.setParent(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.intro = QLabel()
        self.intro.setTextFormat(Qt.TextFormat.PlainText)
        self.intro.setWordWrap(True)
        self.table = DataTable(name="Décisions de la commune")
        self.table.setModel(self.proxy)
        self.table.sortByColumn(DecisionTableModel.JOB, Qt.SortOrder.AscendingOrder)
        self.table.set_widths({0: 210, 1: 270, 2: 140, 3: 56, 5: 110, 6: 90})
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(DecisionTableModel.REASON, QHeaderView.ResizeMode.Stretch)
        self.table.activated_row.connect(self.open_job)
        self.table.selectionModel().currentRowChanged.connect(self._update_buttons)
        self.open_button = QPushButton("&Voir le métier")
        self.revert_button = QPushButton("&Annuler cette décision")
        self.revert_button.setToolTip("Retirer la décision (Suppr). Ctrl+Z la rétablit.")
        self.open_button.clicked.connect(self.open_job)
        self.revert_button.clicked.connect(self.revert)
        # PySide6 ignores `context=` when a slot is passed to the constructor: connect `activated` instead.
        delete_key = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.table,
                               context=Qt.ShortcutContext.WidgetShortcut)
        delete_key.activated.connect(self.revert)
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.revert_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self._update_buttons()

    def document_set(self) -> None:
        self.model.set_document(self.document)

    def refresh(self) -> None:
        self.model.update()
        count = self.model.rowCount()
        if count:
            self.intro.setText(f"{plural(count, 'décision')} de la commune. Elles modifient les scores et figurent "
                               "dans le rapport avec leur raison, leur auteur et leur date.")
        else:
            self.intro.setText("Aucune décision pour l'instant. Ouvrez un métier (onglet Métiers) pour marquer une "
                               "activité non exercée, modifier un score, ajouter une activité ou conserver une "
                               "activité humaine.")
        self._update_buttons()

    def current(self) -> Decision | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self.model.decision(self.proxy.mapToSource(index).row())

    def _update_buttons(self, *_args: object) -> None:
        has = self.current() is not None
        self.open_button.setEnabled(has)
        self.revert_button.setEnabled(has)

    def open_job(self, *_args: object) -> None:
        decision = self.current()
        if decision is not None:
            self.host.open_job(decision.job)

    def revert(self) -> None:
        decision, document = self.current(), self.document
        if decision is None or document is None:
            return
        try:
            command = commands.remove_decision(document.project, decision.key)
        except commands.EditError as exc:
            self.host.show_error(str(exc))
            return
        document.execute(command)

    def focus_search(self) -> None:
        self.table.setFocus()


register(ViewSpec("decisions", "Décisions", DecisionsView, "Les décisions de la commune"))
