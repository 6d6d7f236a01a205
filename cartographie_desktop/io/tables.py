"""Types shared by the staffing-table readers: the error a user sees, the field ids, what a file and a sheet look like.

Everything here is re-exported by `io.staffing`, the one module other layers import.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class StaffingError(Exception):
    """A staffing file cannot be used. The message is one French sentence: what is wrong and what to do."""


class ImportCancelled(StaffingError):
    """The user cancelled the import (a `StaffingError`, so one `except` catches every way an import can stop)."""

    def __init__(self, message: str = "Import annulé.") -> None:
        super().__init__(message)


# Field ids a column can be mapped to, with the label the wizard shows.
FIELDS: dict[str, str] = {
    "title": "Intitulé du poste",
    "grade": "Grade",
    "categorie": "Catégorie",
    "filiere": "Filière",
    "direction": "Direction / service",
    "fte": "Temps de travail",
    "status": "Statut",
    "sexe": "Sexe",
    "matricule": "Matricule",
    "nom": "Nom",
    "prenom": "Prénom",
    "nir": "N° de sécurité sociale (NIR)",
    "date_naissance": "Date de naissance",
    "budget": "Budget",
    "count": "Nombre de postes pourvus",
    "month": "Mois de paie",
    "pay": "Rémunération",
    "ignore": "Ignorer",
}

# At least ONE of these must be mapped: a post is named by its job title, or, in budget annexes (état du personnel,
# TotEM) that list grades only, by its grade. A line with neither is set aside.
REQUIRED_FIELDS = ("title", "grade")

# Never stored nor printed unless the user ticks the explicit option (`keep_personal=True`).
PERSONAL_FIELDS = ("nom", "prenom", "nir", "date_naissance")

# Formats `FileInfo.format` can take. "xml2003" is the Excel 2003 XML spreadsheet some payroll tools save as `.xls`.
FORMATS = ("xlsx", "xlsm", "xls", "ods", "csv", "totem", "xml2003")


@dataclass(slots=True)
class SheetInfo:
    name: str
    rows: int  # rows from the first to the last non-empty one
    cols: int
    likely: bool  # the sheet chosen by default
    hidden: bool = False


@dataclass(slots=True)
class FileInfo:
    name: str  # file name only, never the path (it may name a person's folder)
    format: str  # one of FORMATS, found from the content, not the extension
    encoding: str = ""  # CSV only: "utf-8", "utf-8-sig", "utf-16", "cp1252", "iso-8859-1", "iso-8859-15"
    separator: str = ""  # CSV only: ";", ",", "\t" or "|"
    sheets: list[SheetInfo] = field(default_factory=list)
    default_sheet: str = ""


@dataclass(slots=True)
class Table:
    """One sheet as cell texts (French formats: `0,8`, `21/11/2026`), rectangular, blank rows kept.

    `row_numbers[i]` is the 1-based row (or, for CSV, line) of `rows[i]` in the source, for messages.
    """

    sheet: str
    rows: list[list[str]]
    row_numbers: list[int]

    @property
    def width(self) -> int:
        return len(self.rows[0]) if self.rows else 0


@dataclass(slots=True)
class ColumnGuess:
    index: int
    header: str  # unique label of the column: its header text, else « Colonne D »
    field: str  # a key of FIELDS
    confidence: float  # 0..1
    samples: list[str] = field(default_factory=list)  # first distinct values below the header
