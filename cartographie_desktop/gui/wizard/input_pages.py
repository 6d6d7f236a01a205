"""The wizard's first three pages: the file, the sheet and its header row, the columns."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QWheelEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from cartographie_desktop.core.palette import GRID
from cartographie_desktop.core.text import format_date, format_number, plural
from cartographie_desktop.gui.wizard import common
from cartographie_desktop.gui.wizard.common import (
    ENCODING_LABELS,
    FORMAT_LABELS,
    HEADER_ROW_COLOUR,
    MASKED_FIELDS,
    SEPARATOR_LABELS,
    SHOWN_ROWS,
    button,
    error_label,
    note,
    set_error,
)
from cartographie_desktop.gui.wizard.models import PreviewModel
from cartographie_desktop.io import staffing

if TYPE_CHECKING:
    from cartographie_desktop.gui.wizard.wizard import ImportWizard


def busy_bar() -> QProgressBar:
    bar = QProgressBar()
    bar.setRange(0, 0)  # « working », no fraction known
    bar.setTextVisible(False)
    bar.setMaximumHeight(14)
    bar.hide()
    return bar


def describe(info: staffing.FileInfo) -> str:
    """« paie_2024.csv : fichier texte (CSV), encodage Windows (Europe occidentale), séparateur point-virgule… »"""
    parts = [FORMAT_LABELS.get(info.format, info.format)]
    if info.encoding:
        parts.append(f"encodage {ENCODING_LABELS.get(info.encoding, info.encoding)}")
    if info.separator:
        parts.append(f"séparateur {SEPARATOR_LABELS.get(info.separator, repr(info.separator))}")
    lines = [f"« {info.name} » : {', '.join(parts)}."]
    visible = [sheet for sheet in info.sheets if not sheet.hidden]
    if info.format == "csv" or (len(info.sheets) == 1 and info.format != "totem"):
        sheet = info.sheets[0]
        lines.append(f"{plural(sheet.rows, 'ligne')}, {plural(sheet.cols, 'colonne')}.")
    elif info.format == "totem":
        lines.append(f"{plural(max(info.sheets[0].rows - 1, 0), 'ligne')} de personnel. Les colonnes de l'annexe "
                     "sont connues : l'assistant passe directement à la lecture.")
    else:
        hidden = len(info.sheets) - len(visible)
        lines.append(f"{plural(len(info.sheets), 'feuille')}" + (f" dont {hidden} masquée{'s' if hidden > 1 else ''}"
                                                                 if hidden else "")
                     + f" ; feuille proposée : « {info.default_sheet} ».")
    return "\n".join(lines)


class FilePage(QWizardPage):
    """Choose the file (browse, type or drop it); its format and encoding are shown once analysed."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("Le tableau des effectifs")
        self.setSubTitle("Choisissez le fichier de la mairie : Excel, OpenDocument, texte (CSV) ou l'état du personnel "
                         "TotEM du logiciel de finances.")
        self.setAcceptDrops(True)
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText("Chemin du fichier, ou faites-le glisser sur cette fenêtre")
        self.path_edit.setAccessibleName("Fichier du tableau des effectifs")
        self.path_edit.editingFinished.connect(self._typed)
        self.path_edit.textEdited.connect(lambda _text: self.completeChanged.emit())
        self.browse = button("&Parcourir…")
        self.browse.clicked.connect(self.choose)
        label = QLabel("&Fichier :")
        label.setBuddy(self.path_edit)
        row = QHBoxLayout()
        row.addWidget(label)
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.browse)

        self.busy = busy_bar()
        self.status = note()
        self.info = note()
        self.info.setAccessibleName("Description du fichier")
        self.error = error_label()
        privacy = note("Le fichier est lu sur cet ordinateur, rien n'est envoyé. Les noms, NIR et dates de naissance "
                       "ne sont pas repris dans le projet, sauf si vous le demandez à l'étape des colonnes. Rien "
                       "n'est enregistré avant « Terminer ».", muted=True)
        drop_zone = QLabel("Déposez ici le fichier du tableau des effectifs\n(depuis l'explorateur de fichiers)")
        drop_zone.setAlignment(Qt.AlignmentFlag.AlignCenter)
        drop_zone.setObjectName("muted")
        drop_zone.setMinimumHeight(110)
        drop_zone.setStyleSheet(f"QLabel {{ border: 2px dashed {GRID}; border-radius: 8px; }}")
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addSpacing(8)
        layout.addWidget(self.busy)
        layout.addWidget(self.status)
        layout.addWidget(self.info)
        layout.addWidget(self.error)
        layout.addSpacing(12)
        layout.addWidget(drop_zone)
        layout.addStretch(1)
        layout.addWidget(privacy)

    # -- choosing -----------------------------------------------------------------------------------------------

    def _start_folder(self) -> str:
        state = self.w.state
        if state.path is not None:
            return str(state.path.parent)
        return self.w.settings.last_staffing_folder or self.w.settings.last_folder or str(Path.home())

    def choose(self) -> None:
        path = common.ask_staffing_path(self, self._start_folder())
        if path is not None:
            self.use(path)

    def use(self, path: Path) -> None:
        self.path_edit.setText(str(path))
        self.w.analyse(path)

    def _typed(self) -> None:
        text = self.path_edit.text().strip()
        if text and Path(text) != self.w.state.path and not self.w.analysing(Path(text)):
            self.w.analyse(Path(text))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        urls = [u for u in event.mimeData().urls() if u.isLocalFile()] if event.mimeData().hasUrls() else []
        if len(urls) == 1:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        urls = [u for u in event.mimeData().urls() if u.isLocalFile()]
        if len(urls) != 1:
            event.ignore()
            return
        event.acceptProposedAction()
        self.use(Path(urls[0].toLocalFile()))

    # -- what the wizard tells us -------------------------------------------------------------------------------

    def show_busy(self, path: Path) -> None:
        self.busy.show()
        self.status.setText(f"Analyse de « {path.name} »…")
        self.info.clear()
        set_error(self.error, "")
        self.completeChanged.emit()

    def show_info(self) -> None:
        self.busy.hide()
        self.status.clear()
        info = self.w.state.info
        self.info.setText(describe(info) if info else "")
        set_error(self.error, "")
        self.completeChanged.emit()

    def show_error(self, message: str) -> None:
        self.busy.hide()
        self.status.clear()
        self.info.clear()
        set_error(self.error, message)
        self.completeChanged.emit()

    # -- QWizardPage --------------------------------------------------------------------------------------------

    def isComplete(self) -> bool:
        state = self.w.state
        text = self.path_edit.text().strip()
        return (not self.w.busy and state.info is not None and state.path is not None
                and bool(text) and Path(text) == state.path)

    def validatePage(self) -> bool:
        return self.isComplete()

    def nextId(self) -> int:
        from cartographie_desktop.gui.wizard.wizard import Page

        return Page.VALUES if self.w.state.totem else Page.SHEET


class SheetPage(QWizardPage):
    """The sheet to read and its header row, on a preview of the first rows (the user may click another row)."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("Feuille et ligne d'en-tête")
        self.setSubTitle("La ligne surlignée porte les noms des colonnes ; les lignes au-dessus (titre, date) sont "
                         "ignorées. Si ce n'est pas la bonne, cliquez sur la bonne ligne.")
        self.sheet_combo = QComboBox()
        self.sheet_combo.setAccessibleName("Feuille à lire")
        self.sheet_combo.currentIndexChanged.connect(self._sheet_chosen)
        self.sheet_label = QLabel("Fe&uille :")
        self.sheet_label.setBuddy(self.sheet_combo)
        self.single_sheet = note()
        row = QHBoxLayout()
        row.addWidget(self.sheet_label)
        row.addWidget(self.sheet_combo)
        row.addWidget(self.single_sheet)
        row.addStretch(1)
        self.busy = busy_bar()

        self.model = PreviewModel()
        self.model.setParent(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Aperçu des premières lignes : la ligne choisie est l'en-tête")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.setWordWrap(False)
        # the chosen row is the header: same yellow whether the table has the focus or not
        self.table.setStyleSheet(f"QTableView {{ selection-background-color: {HEADER_ROW_COLOUR}; "
                                 "selection-color: black; }")
        self.table.horizontalHeader().setDefaultSectionSize(130)
        self.table.horizontalHeader().setHighlightSections(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        self.table.selectionModel().currentRowChanged.connect(self._row_chosen)
        self.header_note = note()
        self.header_note.setAccessibleName("Ligne d'en-tête choisie")
        self.error = error_label()
        self.mask_note = note("Les valeurs des colonnes de données personnelles (noms, NIR, dates de naissance, "
                              "matricules, rémunérations) sont masquées dans cet aperçu.", muted=True)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.busy)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.header_note)
        layout.addWidget(self.error)
        layout.addWidget(self.mask_note)
        self._filling = False

    def fill(self) -> None:
        """Show the state's sheet and rows (called whenever the page is shown or the sheet changes)."""
        state = self.w.state
        info, table = state.info, state.table
        if info is None or table is None:
            self.model.clear()
            return
        self._filling = True
        try:
            self.sheet_combo.clear()
            for sheet in info.sheets:
                text = f"{sheet.name} ({plural(sheet.rows, 'ligne')})" + (" — masquée" if sheet.hidden else "")
                self.sheet_combo.addItem(text, sheet.name)
            self.sheet_combo.setCurrentIndex(max(0, self.sheet_combo.findData(state.sheet)))
            several = len(info.sheets) > 1
            self.sheet_combo.setVisible(several)
            self.single_sheet.setVisible(not several)
            single = "Fichier :" if info.format == "csv" else "Feuille :"
            self.sheet_label.setText("Fe&uille :" if several else single)
            self.single_sheet.setText(f"« {state.sheet} »" if info.format != "csv" else f"« {info.name} »")
            shown = min(len(table.rows), max(SHOWN_ROWS, state.header_row + 6))
            self.model.set_rows(table.rows[:shown], table.row_numbers[:shown], state.header_row, self.masked())
            self.table.setCurrentIndex(self.model.index(state.header_row, 0))
            self.table.selectionModel().select(self.model.index(state.header_row, 0),
                                               QItemSelectionModel.SelectionFlag.ClearAndSelect
                                               | QItemSelectionModel.SelectionFlag.Rows)
            self.table.scrollTo(self.model.index(state.header_row, 0))
        finally:
            self._filling = False
        self._describe_header()
        self.table.setFocus()

    def clear(self) -> None:
        self.model.clear()

    def masked(self) -> frozenset[int]:
        return frozenset(index for index, field in self.w.state.mapping.items() if field in MASKED_FIELDS)

    def _describe_header(self) -> None:
        state = self.w.state
        if state.table is None or not state.table.rows:
            self.header_note.clear()
            return
        names = [cell for cell in dict.fromkeys(state.table.rows[state.header_row]) if cell][:5]
        more = "…" if len([c for c in state.table.rows[state.header_row] if c]) > len(names) else ""
        self.header_note.setText(
            f"Ligne d'en-tête : ligne {format_number(state.table.row_numbers[state.header_row])} du fichier "
            f"({', '.join(names)}{more}). Flèches haut et bas pour en choisir une autre.")

    def _sheet_chosen(self, position: int) -> None:
        name = self.sheet_combo.itemData(position)
        if self._filling or name is None or name == self.w.state.sheet:
            return
        self.w.change_sheet(name)

    def _row_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._filling or not current.isValid() or current.row() == self.w.state.header_row:
            return
        self.w.set_header(current.row())
        self.model.set_header(current.row(), self.masked())
        self._describe_header()

    def show_error(self, message: str) -> None:
        set_error(self.error, message)

    def show_busy(self, busy: bool) -> None:
        if busy:
            set_error(self.error, "")
        self.busy.setVisible(busy)
        self.sheet_combo.setEnabled(not busy)
        self.table.setEnabled(not busy)
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return not self.w.busy and self.w.state.table is not None

    def validatePage(self) -> bool:
        state = self.w.state
        if state.table is None or not any(any(row) for row in state.table.rows):
            several = state.info is not None and len(state.info.sheets) > 1
            set_error(self.error, f"La feuille « {state.sheet} » est vide : "
                      + ("choisissez une autre feuille." if several else "choisissez un autre fichier."))
            return False
        return True


class FieldCombo(QComboBox):
    """A column's combo box: the mouse wheel scrolls the page, it never changes a column the user did not click."""

    def __init__(self) -> None:
        super().__init__()
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def wheelEvent(self, event: QWheelEvent) -> None:
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()


class _ColumnRow:
    """The widgets of one column of the file on the columns page."""

    def __init__(self, guess: staffing.ColumnGuess) -> None:
        self.guess = guess
        self.header = QLabel(guess.header)
        self.header.setTextFormat(Qt.TextFormat.PlainText)
        self.header.setToolTip(f"Colonne {guess.header}")
        font = self.header.font()
        font.setBold(True)
        self.header.setFont(font)
        self.combo = FieldCombo()
        self.combo.setAccessibleName(f"Contenu de la colonne « {guess.header} »")
        for field, label in ColumnsPage.field_items():
            self.combo.addItem(label, field)
        self.samples = note(muted=True)
        self.status = note()
        self.status.setMaximumWidth(260)


class ColumnsPage(QWizardPage):
    """What each column holds: the guess in a combo box, sample values beside it, personal data ignored by default."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("Les colonnes")
        self.setSubTitle("Vérifiez ce que contient chaque colonne et corrigez si besoin. Il faut au moins l'intitulé "
                         "du poste ou le grade (marqués d'une étoile).")
        self.model_frame = QFrame()
        self.model_frame.setFrameShape(QFrame.Shape.StyledPanel)
        self.model_note = note()
        self.forget_model = button("Revenir aux propositions &automatiques")
        self.forget_model.clicked.connect(self._forget_model)
        model_row = QHBoxLayout(self.model_frame)
        model_row.addWidget(self.model_note, 1)
        model_row.addWidget(self.forget_model)
        self.model_frame.hide()

        self.grid_holder = QWidget()
        self.grid = QGridLayout(self.grid_holder)
        self.grid.setColumnStretch(3, 1)
        self.grid.setColumnMinimumWidth(2, 230)
        self.grid.setHorizontalSpacing(14)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.grid_holder)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.rows: list[_ColumnRow] = []
        self._layout_key: tuple | None = None

        self.keep_personal = QCheckBox("&Conserver les noms, NIR et dates de naissance dans le projet")
        self.keep_personal.toggled.connect(self._keep_personal)
        self.personal_warning = note("Déconseillé : ces données ne servent pas à l'analyse. Si vous cochez, le fichier "
                                     "du projet contiendra des données personnelles et devra être protégé comme un "
                                     "dossier du personnel (RGPD).", muted=True)
        self.save_model = QCheckBox("&Enregistrer ce modèle de colonnes pour les prochains imports")
        self.save_model.setToolTip("L'an prochain, un fichier aux mêmes noms de colonnes reprendra ces choix, même si "
                                   "les colonnes ont changé de place. Le modèle est enregistré à la fin de l'import.")
        self.save_model.toggled.connect(self._save_model)
        self.legend = note("* Au moins l'une des deux : l'intitulé du poste ou le grade.", muted=True)
        self.error = error_label()
        layout = QVBoxLayout(self)
        layout.addWidget(self.model_frame)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.legend)
        layout.addWidget(self.error)
        layout.addWidget(self.keep_personal)
        layout.addWidget(self.personal_warning)
        layout.addWidget(self.save_model)

    @staticmethod
    def field_items() -> list[tuple[str, str]]:
        required = [(field, f"{staffing.FIELDS[field]} *") for field in staffing.REQUIRED_FIELDS]
        others = [(field, label) for field, label in staffing.FIELDS.items()
                  if field not in staffing.REQUIRED_FIELDS and field != "ignore"]
        return [*required, *others, ("ignore", "Ignorer cette colonne")]

    # -- building -----------------------------------------------------------------------------------------------

    def initializePage(self) -> None:
        state = self.w.state
        key = (str(state.path), state.sheet, state.header_row)
        if key != self._layout_key:
            self._layout_key = key
            self._build()
        self._refresh()
        set_error(self.error, "")
        if self.rows:
            self.rows[0].combo.setFocus()

    def _build(self) -> None:
        for row in self.rows:
            for widget in (row.header, row.combo, row.samples, row.status):
                self.grid.removeWidget(widget)
                widget.deleteLater()
        self.rows = []
        titles = ("Colonne du fichier", "Contenu", "", "Exemples de valeurs")
        if self.grid.itemAtPosition(0, 0) is None:
            for column, text in enumerate(titles):
                title = QLabel(text)
                title.setObjectName("muted")
                self.grid.addWidget(title, 0, column)
        for guess in self.w.state.guesses:
            if guess.header.startswith("Colonne ") and not guess.samples:
                continue  # an empty column without a name: nothing to decide
            row = _ColumnRow(guess)
            row.combo.currentIndexChanged.connect(lambda _i, r=row: self._field_chosen(r))
            line = len(self.rows) + 1
            self.grid.addWidget(row.header, line, 0)
            self.grid.addWidget(row.combo, line, 1)
            self.grid.addWidget(row.status, line, 2)
            self.grid.addWidget(row.samples, line, 3)
            row.header.setBuddy(row.combo)
            self.rows.append(row)
        self.grid.setRowStretch(len(self.rows) + 1, 1)
        previous = self.rows[0].combo if self.rows else None
        for row in self.rows[1:]:
            QWidget.setTabOrder(previous, row.combo)
            previous = row.combo
        self.save_model.setChecked(self.w.state.save_model)

    def _refresh(self) -> None:
        """Show the state's mapping in the combo boxes, the samples, each column's fate and the model banner."""
        state = self.w.state
        for row in self.rows:
            field = state.mapping.get(row.guess.index, "ignore")
            row.combo.blockSignals(True)
            row.combo.setCurrentIndex(max(0, row.combo.findData(field)))
            row.combo.blockSignals(False)
            self._describe(row)
        personal = any(field in staffing.PERSONAL_FIELDS for field in state.mapping.values())
        if not personal:
            state.keep_personal = False  # nothing to keep: the summary must not say personal data are kept
        self.keep_personal.setVisible(personal)
        self.personal_warning.setVisible(personal)
        self.keep_personal.blockSignals(True)
        self.keep_personal.setChecked(state.keep_personal and personal)
        self.keep_personal.blockSignals(False)
        if state.model is not None:
            saved = format_date(state.model.get("saved", "")) if state.model.get("saved") else ""
            source = state.model.get("source", "")
            self.model_note.setText("Modèle de colonnes enregistré" + (f" depuis « {source} »" if source else "")
                                    + (f" le {saved}" if saved else "") + " : appliqué à ce fichier.")
        self.model_frame.setVisible(state.model is not None)

    def _describe(self, row: _ColumnRow) -> None:
        state = self.w.state
        field = state.mapping.get(row.guess.index, "ignore")
        if field in MASKED_FIELDS:
            row.samples.setText("(valeurs masquées : données personnelles)")
        else:
            row.samples.setText(" · ".join(row.guess.samples[:4]))
        row.samples.setToolTip(None if field in MASKED_FIELDS else "\n".join(row.guess.samples))
        if field in staffing.PERSONAL_FIELDS:
            text = ("conservée (données personnelles)" if state.keep_personal
                    else "ignorée (données personnelles)")
        elif field == "matricule":
            text = "regroupe les mois d'un même agent, puis n'est pas conservée"
        elif field == "ignore":
            text = "ignorée"
        elif field == row.guess.field and row.guess.confidence < 0.6:
            text = "proposition incertaine : vérifiez"
        else:
            text = ""
        row.status.setText(text)

    # -- changes ------------------------------------------------------------------------------------------------

    def _field_chosen(self, row: _ColumnRow) -> None:
        field = row.combo.currentData()
        self.w.state.mapping[row.guess.index] = field
        set_error(self.error, "")
        self._refresh()

    def _keep_personal(self, checked: bool) -> None:
        self.w.state.keep_personal = checked
        self._refresh()

    def _save_model(self, checked: bool) -> None:
        self.w.state.save_model = checked

    def _forget_model(self) -> None:
        self.w.reset_mapping(use_model=False)
        self._refresh()
        if self.rows:
            self.rows[0].combo.setFocus()

    def combo_for(self, header: str) -> QComboBox:
        """The combo box of the column named `header` (tests, keyboard shortcuts)."""
        return next(row.combo for row in self.rows if row.guess.header == header)

    def validatePage(self) -> bool:
        if not any(field in staffing.REQUIRED_FIELDS for field in self.w.state.mapping.values()):
            set_error(self.error, "Indiquez au moins la colonne de l'intitulé du poste ou celle du grade : sans l'une "
                                  "ou l'autre, le programme ne peut pas savoir quel poste occupe chaque agent.")
            return False
        return True
