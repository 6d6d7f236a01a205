"""Dialogs of the Ateliers view: a new sheet, a proposed decision, the kit to prepare, the differences of a filled kit
to accept, the printable sheet. Each builds its command through `core.workshops`; nothing is applied until
« Valider », and an `EditError` is shown inside the dialog in French.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from cartographie_desktop.core import workshops as ws
from cartographie_desktop.core.commands import Command
from cartographie_desktop.core.palette import ACCENT
from cartographie_desktop.core.text import NNBSP, format_date, plural
from cartographie_desktop.gui.dialogs import CommandDialog, button_box
from cartographie_desktop.gui.document import ProjectDocument
from cartographie_desktop.gui.models import Column, _TableModel, band_words, brush
from cartographie_desktop.gui.settings import Settings
from cartographie_desktop.gui.widgets import DataTable
from cartographie_desktop.io.workshop_kit import KitChange, KitImport

Index = QModelIndex | QPersistentModelIndex


def job_choices(document: ProjectDocument) -> list[tuple[str, str]]:
    """(code, label) of the jobs a sheet can be made for: the commune's own first, most exposed first, then the rest
    of the référentiel in alphabetical order."""
    results = document.results()
    held = document.job_posts()
    own = sorted((r for code, r in results.items() if code in held), key=lambda r: (-r.technical.mean, r.label))
    items = [(r.code, f"{r.label} — {round(r.technical.mean * 100)}{NNBSP}%, {band_words(r.technical.band).lower()}, "
                      f"{plural(held[r.code].agents, 'agent')}") for r in own]
    seen = {code for code, _ in items}
    others = sorted((job for job in document.ref if job.code not in seen), key=lambda job: job.label)
    items.extend((job.code, f"{job.label} (aucun agent de la commune)") for job in others)
    return items


class NewSheetDialog(CommandDialog):
    """« Nouvelle fiche… »: the job, the workshop (number, date, title, place, facilitator by role)."""

    def __init__(self, parent: QWidget | None, document: ProjectDocument, settings: Settings,
                 job: str | None = None) -> None:
        super().__init__(parent, "Nouvelle fiche d'atelier", settings)
        self.document = document
        intro = QLabel("Une fiche par métier étudié. Ses activités de 2025 sont reprises du référentiel avec les "
                       "décisions de la commune. Un métier déjà étudié garde ses fiches précédentes (historique).")
        intro.setWordWrap(True)
        self.form.addRow(intro)
        self.job = QComboBox()
        self.job.setAccessibleName("Métier")
        for code, label in job_choices(document):
            self.job.addItem(label, code)
        if job:
            self.job.setCurrentIndex(max(0, self.job.findData(job)))
        self.add_row("&Métier :", self.job)
        latest = max(document.project.workshops, key=lambda s: s.sort_key, default=None)
        today = date.today().isoformat()
        same_day = latest is not None and latest.date == today
        number = latest.number if same_day else (max((s.number for s in document.project.workshops), default=0) + 1)
        self.number = QLineEdit(str(number))
        self.date = QLineEdit(format_date(today))
        self.title_edit = QLineEdit(latest.title if latest else "Comprendre et mesurer les impacts de l'IA "
                                    "générative sur nos métiers")
        self.place = QLineEdit(latest.place if latest else "")
        self.facilitator = QLineEdit(latest.facilitator if latest else "")
        self.facilitator.setPlaceholderText("Une fonction (ex. DGS), jamais un nom")
        for label, widget in (("N° de l'&atelier :", self.number), ("&Date :", self.date),
                              ("&Intitulé :", self.title_edit), ("&Lieu :", self.place),
                              ("A&nimation :", self.facilitator)):
            self.add_row(label, widget)
        self.setMinimumWidth(640)

    def chosen_job(self) -> str:
        return str(self.job.currentData() or "")

    def build(self) -> Command:
        return ws.create_sheet(self.document.project, self.document.ref, self.chosen_job(),
                               number=self.number.text(), date=self.date.text(), title=self.title_edit.text(),
                               place=self.place.text(), facilitator=self.facilitator.text())


class ProposalDialog(CommandDialog):
    """« Proposer une décision… »: what the group proposes for one activity of the job, and why."""

    def __init__(self, parent: QWidget | None, document: ProjectDocument, sheet: ws.WorkshopSheet,
                 settings: Settings) -> None:
        super().__init__(parent, "Décision proposée par le groupe", settings)
        self.document, self.sheet = document, sheet
        intro = QLabel("La commune pourra l'appliquer à la cartographie en un clic (« Appliquer à la cartographie »), "
                       "avec l'atelier pour raison.")
        intro.setWordWrap(True)
        self.form.addRow(intro)
        self.kind = QComboBox()
        for value, label in ws.PROPOSAL_LABELS.items():
            self.kind.addItem(label, value)
        self.activity = QComboBox()
        for line in sheet.activities:
            if line.activity:
                self.activity.addItem(line.label, line.activity)
        self.score = QLineEdit()
        self.score.setPlaceholderText("entre 0 et 1, par exemple 0,3")
        self.add_row("&Décision :", self.kind)
        self.add_row("&Activité :", self.activity)
        self.add_row("&Score proposé :", self.score)
        self.reason = self.add_reason(required=True)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()
        self.setMinimumWidth(720)

    def _kind_changed(self, *_args: object) -> None:
        self.score.setEnabled(self.kind.currentData() == "score_modifie")

    def build(self) -> Command:
        score = self.score.text() if self.score.isEnabled() else None
        return ws.add_line(self.document.project, self.sheet.id, "proposals", kind=self.kind.currentData(),
                           activity=self.activity.currentData() or "", score=score,
                           reason=self.reason.toPlainText())


class KitPrepareDialog(QDialog):
    """« Préparer un kit d'atelier… »: which sheets go in the group's workbook, and the group's name."""

    def __init__(self, parent: QWidget | None, document: ProjectDocument, current: str | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Préparer un kit d'atelier")
        intro = QLabel("Le kit est un classeur Excel (une feuille par fiche, déjà remplie) que le groupe complète sur "
                       "n'importe quel ordinateur avec Excel ou LibreOffice. Rapportez-le ensuite avec « Importer un "
                       "kit rempli » : chaque différence vous sera montrée avant d'être appliquée.")
        intro.setWordWrap(True)
        self.sheets = QListWidget()
        self.sheets.setAccessibleName("Fiches à mettre dans le kit")
        for sheet in sorted(document.project.workshops, key=lambda s: (_job_label(document, s.job), s.sort_key)):
            item = QListWidgetItem(f"{_job_label(document, sheet.job)} — {ws.workshop_label(sheet)}")
            item.setData(Qt.ItemDataRole.UserRole, sheet.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if current in (None, sheet.id) else Qt.CheckState.Unchecked)
            self.sheets.addItem(item)
        self.group = QLineEdit()
        self.group.setPlaceholderText("Par exemple : Groupe 1 — accueil et secrétariat")
        self.group.setAccessibleName("Nom du groupe")
        group_label = QLabel("&Nom du groupe (facultatif) :")
        group_label.setBuddy(self.group)
        self.error = QLabel()
        self.error.setStyleSheet("color: #B00020;")
        self.error.hide()
        buttons = button_box(self, "&Choisir où l'enregistrer…", self.try_accept)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(QLabel("Fiches à mettre dans le kit :"))
        layout.addWidget(self.sheets, 1)
        layout.addWidget(group_label)
        layout.addWidget(self.group)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(620, 460)

    def chosen(self) -> list[str]:
        return [self.sheets.item(row).data(Qt.ItemDataRole.UserRole) for row in range(self.sheets.count())
                if self.sheets.item(row).checkState() == Qt.CheckState.Checked]

    def try_accept(self) -> bool:
        if not self.chosen():
            self.error.setText("Cochez au moins une fiche.")
            self.error.show()
            return False
        self.accept()
        return True


def _job_label(document: ProjectDocument, code: str) -> str:
    job = document.ref.jobs.get(code)
    return job.label if job else code


class KitChangesModel(_TableModel):
    """The differences found in a filled kit, each with a box to tick; conflicts start unticked."""

    APPLY, SHEET, SECTION, KIND, BEFORE, AFTER = range(6)
    COLUMNS = (Column("Appliquer"), Column("Fiche"), Column("Rubrique"), Column("Changement"),
               Column("Dans le projet"), Column("Dans le kit"))

    def __init__(self, changes: list[KitChange]) -> None:
        super().__init__()
        self.changes = changes
        self.ticked = {c.key for c in changes if c.accepted_by_default}

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.changes)

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() == self.APPLY:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.changes):
            return None
        change = self.changes[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.CheckStateRole and column == self.APPLY:
            return Qt.CheckState.Checked if change.key in self.ticked else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.DisplayRole:
            if change.section in ws.SECTIONS:
                section = ws.SECTIONS[change.section].label
            else:  # a field of the sheet, named in the description (« … Impact estimé par le groupe : … »)
                section = next((label for label in ws.FIELD_LABELS.values() if f"{label} : " in change.description),
                               "Champ de la fiche")
            kind = change.kind + (" — conflit" if change.conflict else "")
            return ("", change.sheet_label, section, kind, change.before or "—", change.after or "—")[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = change.description
            if change.conflict:
                tip += ("\n\nConflit : ceci a aussi été modifié dans le projet depuis la préparation du kit. "
                        "Cochez la case pour remplacer la version du projet par celle du kit.")
            return tip
        if role == Qt.ItemDataRole.ForegroundRole and change.conflict and column == self.KIND:
            return brush(ACCENT)
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or index.column() != self.APPLY:
            return False
        key = self.changes[index.row()].key
        if Qt.CheckState(value) == Qt.CheckState.Checked:
            self.ticked.add(key)
        else:
            self.ticked.discard(key)
        self.dataChanged.emit(index, index)
        return True

    def tick_all(self, ticked: bool) -> None:
        self.ticked = {c.key for c in self.changes} if ticked else set()
        self.refresh_all()


class KitImportDialog(QDialog):
    """« Importer un kit rempli »: what the kit changes, ticked unless it would overwrite a change of the project;
    what could not be read, by worksheet and cell. « Appliquer » makes one undoable step of the ticked ones."""

    def __init__(self, parent: QWidget | None, found: KitImport) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Importer le kit « {found.path.name} »")
        self.found = found
        conflicts = sum(1 for c in found.changes if c.conflict)
        parts = [f"{plural(found.sheets_read, 'fiche lue', 'fiches lues')}",
                 f"{plural(len(found.changes), 'différence')} avec le projet"]
        if conflicts:
            parts.append(f"dont {plural(conflicts, 'conflit')} (non cochés : le projet a changé aussi)")
        head = QLabel(" ; ".join(parts) + ". Cochez ce qui doit entrer dans le projet.")
        head.setWordWrap(True)
        self.model = KitChangesModel(found.changes)
        self.model.setParent(self)
        self.table = DataTable(name="Différences entre le kit et le projet")
        self.table.setSortingEnabled(False)
        self.table.setModel(self.model)
        self.table.setWordWrap(True)
        self.table.set_widths({0: 80, 1: 200, 2: 170, 3: 130})
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        for column in (KitChangesModel.BEFORE, KitChangesModel.AFTER):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        problems_label = self._build_problems(found)
        tick = QPushButton("Tout &cocher")
        untick = QPushButton("Tout &décocher")
        tick.clicked.connect(lambda: self.model.tick_all(True))
        untick.clicked.connect(lambda: self.model.tick_all(False))
        buttons = button_box(self, "&Appliquer les modifications cochées", self.accept)
        row = QHBoxLayout()
        row.addWidget(tick)
        row.addWidget(untick)
        row.addStretch(1)
        row.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(head)
        layout.addWidget(problems_label)
        layout.addWidget(self.problems)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        self.resize(1100, 620)

    def _build_problems(self, found: KitImport) -> QLabel:
        """What could not be read (« Non importé ») or should be checked (« À vérifier »), by worksheet and cell."""
        self.problems = QPlainTextEdit()
        self.problems.setReadOnly(True)
        self.problems.setAccessibleName("Ce qui n'a pas pu être lu")
        lines = [f"{'Non importé' if p.blocking else 'À vérifier'} — {p.text}" for p in found.problems]
        self.problems.setPlainText("\n".join(lines))
        self.problems.setVisible(bool(lines))
        self.problems.setMaximumHeight(140)
        label = QLabel(f"{plural(len(lines), 'point')} à connaître :")
        label.setVisible(bool(lines))
        label.setStyleSheet(f"color: {ACCENT}; font-weight: bold;")
        return label

    def accepted_keys(self) -> set[str]:
        return set(self.model.ticked)


class SheetPdfDialog(QDialog):
    """« Fiche A4 (PDF)… »: the sheet shown, every sheet, or a blank sheet to fill on paper."""

    CURRENT, ALL, BLANK_JOB, BLANK = range(4)

    def __init__(self, parent: QWidget | None, job_label: str | None, has_sheets: bool) -> None:
        super().__init__(parent)
        self.setWindowTitle("Fiche d'atelier à imprimer (A4)")
        self.group = QButtonGroup(self)
        options = [
            (self.CURRENT, "La fiche affichée, remplie", has_sheets),
            (self.ALL, "Toutes les fiches, remplies (une page par fiche)", has_sheets),
            (self.BLANK_JOB, f"Une fiche vierge pour « {job_label} » (activités 2025 imprimées, le reste à écrire "
                             "à la main)" if job_label else "Une fiche vierge pour le métier affiché", bool(job_label)),
            (self.BLANK, "Une fiche entièrement vierge (métier à écrire à la main)", True),
        ]
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Que voulez-vous imprimer ?"))
        for value, text, enabled in options:
            button = QRadioButton(text)
            button.setEnabled(enabled)
            self.group.addButton(button, value)
            layout.addWidget(button)
        first = next(value for value, _text, enabled in options if enabled)
        self.group.button(first).setChecked(True)
        buttons = button_box(self, "&Choisir où l'enregistrer…", self.accept)
        layout.addWidget(buttons)

    def choice(self) -> int:
        return self.group.checkedId()
