"""What the import wizard's pages share: the import being prepared (held in memory, nothing written before
« Terminer »), the French words for formats and encodings, the file-dialog hook tests replace, small widgets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QLabel, QPushButton, QWidget

from cartographie_desktop.core.model import MatchStatus, TitleMatch
from cartographie_desktop.io import columns, staffing
from cartographie_desktop.io.importer import PreparedImport

# Detection and guesses see as many rows as `read_staffing` would (header scan, then samples below the header).
SCAN_ROWS = columns.HEADER_SCAN_ROWS + columns.SAMPLE_ROWS
SHOWN_ROWS = 30  # the preview shows the first rows only: enough to see the title block and the header
MODEL_FIT = 0.6  # a saved column model is applied from this share of headers found (`staffing.mapping_fit`)

# Columns whose values are never shown in the preview nor as samples: personal data, and what identifies or pays
# a person. The user recognises such a column by its header.
MASKED_FIELDS = frozenset({*staffing.PERSONAL_FIELDS, "matricule", "pay"})
MASK = "•••"

# Match reliability: the Okabe–Ito blue and orange, told apart with every common colour-vision deficiency, and
# always written next to the dot (« sûr », « à vérifier »): colour is never the only signal.
SURE_COLOUR = "#0072B2"
CHECK_COLOUR = "#E69F00"
ERROR_COLOUR = "#B00020"
HEADER_ROW_COLOUR = "#FFE8A3"
IGNORED_ROW_COLOUR = "#6B6B6B"

FORMAT_LABELS = {
    "xlsx": "classeur Excel (.xlsx)",
    "xlsm": "classeur Excel avec macros (.xlsm)",
    "xls": "classeur Excel 97-2003 (.xls)",
    "ods": "classeur OpenDocument (.ods)",
    "csv": "fichier texte (CSV)",
    "totem": "état du personnel TotEM (annexe budgétaire XML)",
    "xml2003": "classeur Excel 2003 XML",
}
ENCODING_LABELS = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8",
    "utf-16": "UTF-16 (« Texte Unicode » d'Excel)",
    "cp1252": "Windows (Europe occidentale)",
    "iso-8859-1": "ISO-8859-1 (Latin-1)",
    "iso-8859-15": "ISO-8859-15 (Latin-9)",
}
SEPARATOR_LABELS = {";": "point-virgule", ",": "virgule", "\t": "tabulation", "|": "barre verticale"}
STAFFING_FILTER = "Tableaux des effectifs (*.xlsx *.xlsm *.xls *.ods *.csv *.txt *.xml)"


def ask_staffing_path(parent: QWidget | None, start: str) -> Path | None:
    """The file dialog of « Parcourir… » (tests replace this function: no test blocks on a dialog)."""
    name, _ = QFileDialog.getOpenFileName(parent, "Choisir le tableau des effectifs", start,
                                          f"{STAFFING_FILTER};;Tous les fichiers (*)")
    return Path(name) if name else None


@dataclass(slots=True)
class Analysis:
    """What the wizard learns about a file (or one sheet of it) off the UI thread."""

    path: Path
    info: staffing.FileInfo
    sheet: str
    table: staffing.Table
    header_row: int
    guesses: list[staffing.ColumnGuess]


@dataclass(slots=True)
class ImportState:
    """The import being prepared. Pages read and change it; only `ImportWizard.accept` writes anything."""

    path: Path | None = None
    info: staffing.FileInfo | None = None
    sheet: str = ""
    table: staffing.Table | None = None  # the first SCAN_ROWS rows of the sheet
    header_row: int = 0
    guesses: list[staffing.ColumnGuess] = field(default_factory=list)
    mapping: dict[int, str] = field(default_factory=dict)
    model: dict | None = None  # the saved column model applied to this table, if any
    keep_personal: bool = False
    save_model: bool = False
    prepared: PreparedImport | None = None
    read_key: tuple | None = None  # the options `prepared` was read with
    choices: dict[str, TitleMatch] = field(default_factory=dict)  # the person's matches, by folded title

    @property
    def totem(self) -> bool:
        """A TotEM budget annex has no header to find and fixed columns: the reader maps it itself."""
        return self.info is not None and self.info.format == "totem"

    def read_options(self) -> dict:
        if self.totem:
            return {}
        return {"header_row": self.header_row, "mapping": dict(self.mapping)}

    def read_key_now(self) -> tuple:
        mapping = () if self.totem else tuple(sorted(self.mapping.items()))
        return (str(self.path), self.sheet, self.header_row, mapping, self.keep_personal)

    @property
    def read_is_current(self) -> bool:
        return self.prepared is not None and self.read_key == self.read_key_now()

    def match(self, key: str) -> TitleMatch:
        """The match of a title as it stands: the person's choice, else the matcher's."""
        assert self.prepared is not None
        return self.choices.get(key) or self.prepared.project.matches[key]

    def to_check(self) -> list[TitleMatch]:
        if self.prepared is None:
            return []
        matches = (self.match(key) for key in self.prepared.project.matches)
        return [m for m in matches if m.status == MatchStatus.TO_CHECK]


_UNSAFE_NAME = re.compile(r'[<>:"/\\|?*\x00-\x1f]+')


def project_file_name(commune: str, year: int) -> str:
    """« Saint-Exemple 2025.carto »: a name every file system accepts."""
    name = _UNSAFE_NAME.sub("-", " ".join(commune.split())).strip(" .-") or "Cartographie"
    return f"{name} {year}.carto"


def error_label() -> QLabel:
    """A French message in red under the page's controls; empty and hidden until needed."""
    label = QLabel()
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)  # file names and values come from the user's data
    label.setStyleSheet(f"color: {ERROR_COLOUR};")
    label.setAccessibleName("Message d'erreur")
    label.hide()
    return label


def set_error(label: QLabel, message: str) -> None:
    label.setText(message)
    label.setVisible(bool(message))


def note(text: str = "", *, muted: bool = False) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    if muted:
        label.setObjectName("muted")
    return label


def button(text: str) -> QPushButton:
    """A page button that Enter does not press: Enter is « Suivant » everywhere in the wizard."""
    push = QPushButton(text)
    push.setAutoDefault(False)
    push.setDefault(False)
    return push
