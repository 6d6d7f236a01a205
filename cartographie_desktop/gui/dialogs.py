"""Dialogs for the commune's decisions and small questions. Each builds its core command through the validating
factories of `core.commands`; an `EditError` is shown inside the dialog (in French) and the dialog stays open.

Nothing here blocks a test: views call the module-level `exec_dialog`, `ask_open_path`… which tests replace.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from cartographie_desktop.core import commands
from cartographie_desktop.core.commands import Command, EditError
from cartographie_desktop.core.model import MAX_PRIVACY_K, DecisionKind
from cartographie_desktop.core.scoring import ActivityResult
from cartographie_desktop.core.text import format_number, format_score
from cartographie_desktop.gui.document import ProjectDocument
from cartographie_desktop.gui.models import (
    RIGHT,
    Column,
    ReferentielFilterProxy,
    ReferentielModel,
    _TableModel,
    band_words,
)
from cartographie_desktop.gui.settings import Settings
from cartographie_desktop.gui.suggest import Suggestion, suggest_tasks
from cartographie_desktop.gui.widgets import DataTable, SearchField

STAFFING_FILTER = "Tableaux des effectifs (*.xlsx *.xlsm *.xls *.ods *.csv *.txt *.xml)"
PROJECT_FILTER = "Projets Cartographie (*.carto)"


# --- hooks the tests replace --------------------------------------------------------------------------------------


def exec_dialog(dialog: QDialog) -> bool:
    return dialog.exec() == QDialog.DialogCode.Accepted


def ask_open_path(parent: QWidget | None, start: str) -> Path | None:
    name, _ = QFileDialog.getOpenFileName(parent, "Ouvrir un projet ou un tableau des effectifs", start,
                                          f"{PROJECT_FILTER};;{STAFFING_FILTER};;Tous les fichiers (*)")
    return Path(name) if name else None


def ask_save_path(parent: QWidget | None, start: str) -> Path | None:
    name, _ = QFileDialog.getSaveFileName(parent, "Enregistrer le projet sous", start, PROJECT_FILTER)
    if not name:
        return None
    path = Path(name)
    return path if path.suffix.lower() == ".carto" else path.with_name(path.name + ".carto")


def ask_save_file(parent: QWidget | None, title: str, start: str, file_filter: str, suffix: str) -> Path | None:
    """A file to write (a workshop kit, a training plan, a PDF sheet); the suffix is added when it is missing."""
    name, _ = QFileDialog.getSaveFileName(parent, title, start, file_filter)
    if not name:
        return None
    path = Path(name)
    return path if path.suffix.lower() == suffix else path.with_name(path.name + suffix)


def ask_open_file(parent: QWidget | None, title: str, start: str, file_filter: str) -> Path | None:
    """A file to read (a filled workshop kit)."""
    name, _ = QFileDialog.getOpenFileName(parent, title, start, file_filter)
    return Path(name) if name else None


def inform(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.information(parent, title, text)


def confirm(parent: QWidget | None, title: str, text: str) -> bool:
    answer = QMessageBox.question(parent, title, text, QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                  QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes


# --- the decision dialogs -----------------------------------------------------------------------------------------


def button_box(dialog: QDialog, ok_text: str, on_ok) -> QDialogButtonBox:
    """« <ok_text> » and « Annuler », with their keyboard letters."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("A&nnuler")
    buttons.accepted.connect(on_ok)
    buttons.rejected.connect(dialog.reject)
    return buttons


class CommandDialog(QDialog):
    """A form that turns into a core command on « OK », or explains in red why it cannot."""

    def __init__(self, parent: QWidget | None, title: str, settings: Settings) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.settings = settings
        self.command: Command | None = None
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #B00020;")
        self.error.setAccessibleName("Message d'erreur")
        self.error.hide()
        self.buttons = button_box(self, "&Valider", self.try_accept)
        self.author = QLineEdit(settings.author)
        self.author.setPlaceholderText("Votre fonction, par ex. « DGS » (figurera dans le rapport)")
        self.layout_ = QVBoxLayout(self)
        self.layout_.addLayout(self.form)
        self.layout_.addWidget(self.error)
        self.layout_.addWidget(self.buttons)
        self.setMinimumWidth(520)

    def add_row(self, label: str, widget: QWidget) -> None:
        title = QLabel(label)
        title.setBuddy(widget)
        self.form.addRow(title, widget)

    def add_reason(self, required: bool, text: str = "") -> QPlainTextEdit:
        reason = QPlainTextEdit(text)
        reason.setTabChangesFocus(True)
        reason.setPlaceholderText("Pourquoi ? Cette raison figurera dans le rapport." if required
                                  else "Pourquoi ? (facultatif)")
        reason.setFixedHeight(reason.fontMetrics().lineSpacing() * 4 + 12)
        reason.setAccessibleName("Raison")
        self.add_row("&Raison :" if required else "&Raison (facultatif) :", reason)
        return reason

    def build(self) -> Command:
        raise NotImplementedError

    def try_accept(self) -> bool:
        """Build the command; on `EditError` show its French message and stay open."""
        try:
            self.command = self.build()
        except EditError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return False
        if self.author.text().strip() != self.settings.author:
            self.settings.author = self.author.text()
        self.accept()
        return True


class ReasonDialog(CommandDialog):
    """« Non exercée dans la commune » and « Conservée humaine »: a reason (mandatory or not) and the author."""

    def __init__(self, parent: QWidget | None, title: str, intro: str, settings: Settings, *, required: bool,
                 factory: Callable[[str, str], Command]) -> None:
        super().__init__(parent, title, settings)
        self._factory = factory
        text = QLabel(intro)
        text.setTextFormat(Qt.TextFormat.PlainText)
        text.setWordWrap(True)
        self.form.addRow(text)
        self.reason = self.add_reason(required)
        self.add_row("&Auteur :", self.author)

    def build(self) -> Command:
        return self._factory(self.reason.toPlainText(), self.author.text().strip())


class ScoreDialog(CommandDialog):
    """« Modifier le score… »: a score between 0 and 1 and a mandatory reason."""

    def __init__(self, parent: QWidget | None, document: ProjectDocument, job: str, activity: ActivityResult,
                 settings: Settings) -> None:
        super().__init__(parent, "Modifier le score de l'activité", settings)
        self.document, self.job, self.activity = document, job, activity
        label = QLabel(f"<b>{html.escape(activity.label)}</b>")
        label.setWordWrap(True)
        self.form.addRow(label)
        if activity.base_score is not None:
            origin = "estimé" if activity.estimated else "de l'OIT"
            self.form.addRow(QLabel(f"Score {origin} : {format_score(activity.base_score)}"))
        self.score = QDoubleSpinBox()
        self.score.setRange(0.0, 1.0)
        self.score.setDecimals(2)
        self.score.setSingleStep(0.05)
        self.score.setValue(round(activity.score, 2))
        self.score.setMaximumWidth(120)
        self.score.setAccessibleName("Nouveau score")
        self.band = QLabel()
        self.score.valueChanged.connect(self._show_band)
        row = QHBoxLayout()
        row.addWidget(self.score)
        row.addWidget(self.band, 1)
        holder = QWidget()
        holder.setLayout(row)
        row.setContentsMargins(0, 0, 0, 0)
        self.add_row("&Nouveau score (0 à 1) :", holder)
        title = self.form.labelForField(holder)
        if isinstance(title, QLabel):
            title.setBuddy(self.score)
        current = document.project.decisions.get((DecisionKind.OVERRIDE, job, activity.id))
        self.reason = self.add_reason(required=True, text=current.reason if current else "")
        self.add_row("&Auteur :", self.author)
        self._show_band(self.score.value())

    def _show_band(self, value: float) -> None:
        from cartographie_desktop.core.scoring import band_for

        self.band.setText(f"→ {band_words(band_for(value)).lower()}")

    def build(self) -> Command:
        return commands.override_score(self.document.ref, self.document.project, self.job, self.activity.id,
                                       score=self.score.value(), reason=self.reason.toPlainText(),
                                       author=self.author.text().strip())


class SuggestionModel(_TableModel):
    TASK, VIA, OCCUPATION, SCORE = range(4)
    COLUMNS = (Column("Tâche de l'OIT la plus proche"),
               Column("Trouvée par l'activité", "Activité du référentiel dont la formulation ressemble à la vôtre"),
               Column("Profession (CITP)"), Column("Score", "Score de la tâche pour l'indice utilisé", RIGHT))

    def __init__(self) -> None:
        super().__init__()
        self.items: list[Suggestion] = []

    def set_items(self, items: list[Suggestion]) -> None:
        self.beginResetModel()
        self.items = items
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.items)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.items):
            return None
        item = self.items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (item.text, item.via or "—", item.occupation, format_score(item.score))[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = f"{item.text}\n\nOriginal (OIT) : {item.text_en}\nCITP-08 {item.key[0]}, tâche {item.key[1]}"
            if item.via:
                tip += f"\nRapprochée via l'activité « {item.via} »"
            return tip
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self.COLUMNS[index.column()].align
        return None


class AddActivityDialog(CommandDialog):
    """« Ajouter une activité… »: its wording, the closest ILO tasks suggested as one types, a score and a reason."""

    def __init__(self, parent: QWidget | None, document: ProjectDocument, job: str, settings: Settings) -> None:
        super().__init__(parent, "Ajouter une activité exercée dans la commune", settings)
        self.document, self.job = document, job
        self.label = QLineEdit()
        self.label.setPlaceholderText("Par exemple : Tenir le registre des concessions du cimetière")
        self.add_row("&Intitulé de l'activité :", self.label)
        self.suggestions = SuggestionModel()
        self.suggestions.setParent(self)
        self.table = DataTable(name="Tâches de l'OIT suggérées")
        self.table.setSortingEnabled(False)
        self.table.setModel(self.suggestions)
        self.table.setMinimumHeight(180)
        self.table.set_widths({1: 220, 2: 170, 3: 56})
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(SuggestionModel.TASK, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().currentRowChanged.connect(self._use_suggestion)
        hint = QLabel("Choisissez la tâche de l'OIT qui ressemble le plus à l'activité : son score est repris "
                      "(vous pouvez l'ajuster). Sans tâche proche, indiquez un score estimé.")
        hint.setWordWrap(True)
        self.form.addRow(hint)
        self.add_row("&Tâches suggérées :", self.table)
        self.score = QDoubleSpinBox()
        self.score.setRange(0.0, 1.0)
        self.score.setDecimals(2)
        self.score.setSingleStep(0.05)
        self.score.setValue(0.0)
        self.score.setMaximumWidth(120)
        self.add_row("&Score (0 à 1) :", self.score)
        self.reason = self.add_reason(required=True)
        self.add_row("&Auteur :", self.author)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self.refresh_suggestions)
        self.label.textChanged.connect(self._wording_changed)
        self.setMinimumWidth(900)

    def _wording_changed(self, _text: str) -> None:
        self._timer.start()  # suggest once the user pauses typing

    def refresh_suggestions(self) -> None:
        self.suggestions.set_items(suggest_tasks(self.document.ref, self.label.text(), self.document.index))

    def chosen(self) -> Suggestion | None:
        row = self.table.currentIndex().row()
        return self.suggestions.items[row] if 0 <= row < len(self.suggestions.items) else None

    def _use_suggestion(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.score.setValue(round(self.suggestions.items[current.row()].score, 2))

    def build(self) -> Command:
        chosen = self.chosen()
        links = (chosen.key,) if chosen else ()
        return commands.add_custom_activity(self.document.ref, self.document.project, self.job,
                                            label=self.label.text(), score=self.score.value(),
                                            reason=self.reason.toPlainText(), author=self.author.text().strip(),
                                            ilo_links=links)


class JobChooserDialog(QDialog):
    """Choose the référentiel job of a staffing-table title (all its posts) or of one post."""

    def __init__(self, parent: QWidget | None, document: ProjectDocument, *, title: str, current: str | None,
                 same_title: int) -> None:
        super().__init__(parent)
        self.setWindowTitle("Choisir le métier")
        self.document = document
        intro = QLabel(f"Intitulé dans le tableau des effectifs : <b>{html.escape(title)}</b>")
        intro.setWordWrap(True)
        self.search = SearchField("Rechercher un métier du référentiel (nom, code, synonyme)")
        self.model = ReferentielModel(document)
        self.model.setParent(self)
        self.proxy = ReferentielFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.sort(0)
        self.table = DataTable(name="Métiers du référentiel")
        self.table.setModel(self.proxy)
        self.table.set_widths({0: 320, 1: 260})
        self.table.setMinimumHeight(300)
        self.table.activated_row.connect(self.try_accept)
        self.search.textChanged.connect(self.proxy.set_text)
        self.search.move_down.connect(self._focus_table)
        self.all_posts = QRadioButton(f"Tous les postes intitulés « {title} » ({format_number(same_title)})")
        self.one_post = QRadioButton("Ce poste seulement")
        self.all_posts.setChecked(True)
        if same_title <= 1:
            self.one_post.setEnabled(False)
        self.error = QLabel()
        self.error.setStyleSheet("color: #B00020;")
        self.error.hide()
        buttons = button_box(self, "&Valider", self.try_accept)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.search)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.all_posts)
        layout.addWidget(self.one_post)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(720, 560)
        if current:
            row = self.model.row_of(current)
            if row >= 0:
                self.table.setCurrentIndex(self.proxy.mapFromSource(self.model.index(row, 0)))
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.search.setFocus()

    def _focus_table(self) -> None:
        self.table.setFocus()
        self.table.select_first()

    def chosen_code(self) -> str | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self.model.job(self.proxy.mapToSource(index).row()).code

    def for_all_posts(self) -> bool:
        return self.all_posts.isChecked()

    def try_accept(self, *_args: object) -> bool:
        if self.chosen_code() is None:
            self.error.setText("Choisissez un métier dans la liste.")
            self.error.show()
            return False
        self.accept()
        return True


class PreferencesDialog(QDialog):
    """The author of decisions, and the privacy threshold: the open project's (`project`: its commune), else the
    default for new projects."""

    def __init__(self, parent: QWidget | None, settings: Settings, *, k: int | None = None,
                 project: str | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Préférences")
        self.settings = settings
        self.author = QLineEdit(settings.author)
        self.author.setPlaceholderText("Votre fonction, par ex. « Secrétaire générale »")
        self.k = QSpinBox()
        self.k.setRange(1, MAX_PRIVACY_K)
        self.k.setValue(settings.privacy_k if k is None else k)
        self.k.setSuffix(" agents")
        form = QFormLayout()
        for text, widget in (("&Auteur des décisions :", self.author),
                             ("&Seuil de confidentialité :", self.k)):
            label = QLabel(text)
            label.setBuddy(widget)
            form.addRow(label, widget)
        note = QLabel("Dans les graphiques, un groupe de moins d'agents que ce seuil est affiché "
                      "«\u00a0<\u00a0seuil\u00a0», "
                      "pour que personne ne puisse être reconnu. Les totaux restent exacts. "
                      + (f"Ce seuil est enregistré dans le projet « {project} » (rapport, classeur, plan de "
                         "formation) et sert aussi aux nouveaux projets." if project is not None
                         else "Il s'applique aux nouveaux projets."))
        note.setWordWrap(True)
        note.setTextFormat(Qt.TextFormat.PlainText)
        form.addRow(note)
        buttons = button_box(self, "&Enregistrer", self.save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(560)

    def save(self) -> None:
        self.settings.author = self.author.text()  # the threshold is saved by the window (project and default)
        self.accept()
