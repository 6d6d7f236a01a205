"""The offline workshop kit: « Préparer un kit d'atelier » writes an `.xlsx` per group (one worksheet per sheet,
pre-filled) that any PC with Excel or LibreOffice can fill; « Importer un kit rempli » reads it back as differences
with the project, applied only when the user accepts them, as one undoable `Batch`.

How the kit finds its way back:
- column A of every worksheet is hidden and holds technical markers (`sheet:<id>`, `field:<name>`, `section:<key>`,
  `header:<key>`, `row:<key>:<line id>`, `end:<key>`); columns are found again by their headers, so a moved column
  is still read, a renamed worksheet is still recognised;
- a very hidden worksheet `_kit` keeps each sheet as it was when the kit was prepared (the codec's JSON). Import is a
  three-way comparison: a cell the group did not touch changes nothing, even if the project changed since; a line
  the group cleared is removed only if the project still has it as it was; where both changed, the difference is a
  conflict, shown and not accepted by default. Importing the same kit twice finds nothing new the second time;
- anything the reader cannot take (damaged structure, text in a number cell, a formula) is reported by worksheet and
  cell in French, and only that part is left out: nothing in the project changes behind the user's back.

Protection: sheet and workbook protection without a password (documented in the kit): it prevents accidents, not
intent. Every text written is a string cell, and one starting with `=`, `+`, `-`, `@` is also quote-prefixed, so no
spreadsheet ever evaluates it (formula injection). openpyxl parses with defusedxml (checked before reading).
"""

from __future__ import annotations

import json
import math
import re
import secrets
import zipfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from cartographie_desktop.core.commands import Batch, Command, EditError, now_iso
from cartographie_desktop.core.model import Project
from cartographie_desktop.core.referentiel import Referentiel
from cartographie_desktop.core.text import NNBSP, format_date, format_number, plural
from cartographie_desktop.core.workshops import (
    FIELD_LABELS,
    HORIZON_LABELS,
    NEED_LABELS,
    PRIORITY_LABELS,
    PROPOSAL_LABELS,
    SECTIONS,
    STATUS_LABELS,
    ActivityLine,
    Impact,
    InsertLine,
    Line,
    RemoveLine,
    ReplaceLine,
    SetSheetField,
    WorkshopSheet,
    clean_field,
    clean_line,
    compare_impact,
    job_result,
    line_summary,
    new_line_id,
    parse_count,
    parse_score,
    person_name_check,
    workshop_label,
)
from cartographie_desktop.io.workshops_codec import WorkshopDataError, sheet_from_dict, sheet_to_dict
from cartographie_desktop.io.xlsx_text import put, save

KIT_MARKER = "cartographie-kit-atelier"
KIT_VERSION = 1
TECH_SHEET = "_kit"
GUIDE_SHEET = "Mode d'emploi"
MAX_KIT_BYTES = 20 * 1024 * 1024  # a kit is a few dozen kilobytes; anything huge is not one of ours
MAX_KIT_XML_BYTES = 50 * 1024 * 1024  # decompressed: a 4 MB zip bomb held 1.2 GB of rows (scripts/fuzz_readers.py)
MAX_ROWS = 5000
MAX_COLUMNS = 40
SPARE_ROWS = 4  # blank lines offered at the end of each table
CHUNK = 30000  # characters per cell of the technical sheet (Excel's limit is 32 767)

# Columns B… of each table: (field, header, kind). Kinds: text, count, score, readonly, and the choice lists.
COLUMNS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "participants": (("role", "Fonction (jamais de nom)", "text"), ("count", "Nombre", "count")),
    "activities": (("label", "Activité en 2025", "label"), ("score", "Score OIT", "readonly"),
                   ("status", "En 2035", "status"), ("text", "Ce qu'elle devient d'ici 2035", "text")),
    "needs": (("text", "Besoin", "text"), ("category", "Type", "category"), ("priority", "Priorité", "priority"),
              ("population", "Population concernée", "text"), ("who", "Qui (fonction ou organisme)", "text"),
              ("when", "Quand", "text"), ("horizon", "Horizon", "horizon")),
    "indicators": (("name", "Indicateur", "text"), ("today", "Valeur aujourd'hui", "text"),
                   ("target", "Cible", "text"), ("measure", "Comment le mesurer", "text")),
    "proposals": (("activity", "Activité concernée", "activity"), ("score", "Score proposé (0 à 1)", "score"),
                  ("kind", "Décision proposée", "proposal"), ("reason", "Raison", "text")),
}
for _key in SECTIONS:
    COLUMNS.setdefault(_key, (("text", "Une idée par ligne", "text"),))

CHOICES = {"status": STATUS_LABELS, "category": NEED_LABELS, "priority": PRIORITY_LABELS, "horizon": HORIZON_LABELS,
           "proposal": PROPOSAL_LABELS}
WIDTHS = {"A": 4, "B": 50, "C": 16, "D": 24, "E": 50, "F": 22, "G": 16, "H": 24}
FIRST_COL = 2  # column B
IMPACT_LABEL = "Impact estimé par le groupe (ex. « 50 % » ou « 50-60 % »)"


class KitError(Exception):
    """A file that cannot be read as a kit at all, in French."""


@dataclass(frozen=True, slots=True)
class KitProblem:
    """Something the import could not take (blocking) or wants a person to check, located by worksheet and cell."""

    message: str
    sheet: str = ""
    cell: str = ""
    blocking: bool = True

    @property
    def text(self) -> str:
        where = ", ".join(part for part in (f"feuille « {self.sheet} »" if self.sheet else "",
                                            f"cellule {self.cell}" if self.cell else "") if part)
        text = f"{where} : {self.message}" if where else self.message
        return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class KitChange:
    """One difference between the kit and the project, with the command that applies it."""

    key: str
    sheet_id: str
    sheet_label: str  # « Agent·e d'accueil — Atelier n° 2 du 14/03/2026 »
    section: str  # "" for a field of the sheet
    kind: str  # "ajout", "modification", "suppression"
    before: str  # the project's current value, in words ("" for an addition)
    after: str  # the kit's value, in words ("" for a removal)
    description: str
    conflict: bool  # the project changed too since the kit was prepared: overwriting would lose that change
    command: Command = field(compare=False)

    @property
    def accepted_by_default(self) -> bool:
        return not self.conflict


@dataclass
class KitImport:
    """What « Importer un kit rempli » found: the differences to show, and the problems met on the way."""

    path: Path
    changes: list[KitChange]
    problems: list[KitProblem]
    sheets_read: int = 0
    commune: str = ""
    prepared: str = ""

    def batch(self, accepted: Iterable[str] | None = None) -> Batch:
        """The accepted changes (by key; None: those accepted by default) as one undoable command."""
        keys = None if accepted is None else set(accepted)
        chosen = [c for c in self.changes if (c.accepted_by_default if keys is None else c.key in keys)]
        return Batch(tuple(c.command for c in chosen),
                     f"Kit d'atelier « {self.path.name} » importé ({plural(len(chosen), 'modification')})")

    @property
    def blocking_problems(self) -> list[KitProblem]:
        return [p for p in self.problems if p.blocking]


# --- writing --------------------------------------------------------------------------------------------------


def _styles():
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side

    thin = Side(style="thin", color="9E9E9E")
    return {
        "border": Border(left=thin, right=thin, top=thin, bottom=thin),
        "locked_fill": PatternFill("solid", fgColor="E8E8E8"),
        "header_fill": PatternFill("solid", fgColor="D0D7E1"),
        "section_fill": PatternFill("solid", fgColor="2F4B6E"),
        "input_fill": PatternFill("solid", fgColor="FFFFFF"),
        "bold": Font(bold=True),
        "title": Font(bold=True, size=14),
        "section_font": Font(bold=True, color="FFFFFF", size=12),
        "hint": Font(italic=True, color="505050"),
        "wrap": Alignment(wrap_text=True, vertical="top"),
        "left": Alignment(wrap_text=True, vertical="top", horizontal="left"),
        "unlocked": Protection(locked=False),
        "locked": Protection(locked=True),
    }


def _sheet_title(sheet: WorkshopSheet, label: str, taken: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", " ", f"{sheet.job} {label}").strip()[:28].strip()
    title, n = base, 2
    while title.casefold() in taken or title.casefold() in (TECH_SHEET.casefold(), GUIDE_SHEET.casefold()):
        title = f"{base[:25]} ({n})"
        n += 1
    taken.add(title.casefold())
    return title


def _height(texts: Iterable[str], widths: Iterable[float]) -> float:
    lines = 1
    for text, width in zip(texts, widths, strict=False):
        if text:
            per_line = max(1.0, width * 1.1)
            lines = max(lines, sum(max(1, math.ceil(len(part) / per_line)) for part in str(text).split("\n")))
    return min(15.0 * lines + 2, 300.0)


def _merge(ws, row: int, first: int, last: int) -> None:
    """Merge cells of one row without openpyxl's per-cell border formatting (the slow part of `merge_cells`)."""
    from openpyxl.worksheet.merge import MergedCellRange

    ws.merged_cells.add(MergedCellRange(ws, f"{_cell_ref(first, row)}:{_cell_ref(last, row)}"))


def _display(kind: str, value: Any) -> Any:
    if kind in CHOICES:
        return CHOICES[kind].get(value, value or "")
    if kind in ("count", "score", "readonly"):
        return value
    return value or ""


class _SheetWriter:
    def __init__(self, ws, styles) -> None:
        self.ws = ws
        self.s = styles
        self.row = 1

    def marker(self, text: str) -> None:
        put(self.ws.cell(self.row, 1), text)

    def cell(self, column: int, value: Any, *, editable: bool, kind: str = "text"):
        cell = self.ws.cell(self.row, column)
        put(cell, value)
        cell.border = self.s["border"]
        cell.alignment = self.s["wrap"]
        cell.protection = self.s["unlocked"] if editable else self.s["locked"]
        cell.fill = self.s["input_fill"] if editable else self.s["locked_fill"]
        if kind == "count":
            cell.number_format = "0"
        elif kind in ("score", "readonly"):
            cell.number_format = "0.00"
        elif editable:
            cell.number_format = "@"  # what is typed stays text: « 50 % », « 14/03/2026 », « 1-2 ans »
        return cell


def _write_fields(w: _SheetWriter, sheet: WorkshopSheet, score_text: str) -> None:
    rows = [("number", sheet.number), ("title", sheet.title), ("date", format_date(sheet.date)),
            ("place", sheet.place), ("facilitator", sheet.facilitator)]
    for name, value in rows:
        w.marker(f"field:{name}")
        label = w.cell(2, FIELD_LABELS[name], editable=False)
        label.font = w.s["bold"]
        w.cell(3, value, editable=True, kind="count" if name == "number" else "text").alignment = w.s["left"]
        _merge(w.ws, w.row, 3, 5)
        w.row += 1
    w.marker("info")
    w.cell(2, "Score calculé (méthode OIT)", editable=False).font = w.s["bold"]
    w.cell(3, score_text, editable=False)
    _merge(w.ws, w.row, 3, 5)
    w.row += 1
    w.marker("field:impact")
    w.cell(2, IMPACT_LABEL, editable=False).font = w.s["bold"]
    w.cell(3, sheet.impact.text if sheet.impact else "", editable=True)
    _merge(w.ws, w.row, 3, 5)
    w.ws.row_dimensions[w.row].height = 32
    w.row += 1


def _add_list(ws, kind: str, ranges: list[str]) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    if not ranges:
        return
    values = ",".join(CHOICES[kind].values())
    validation = DataValidation(type="list", formula1=f'"{values}"', allow_blank=True, showErrorMessage=True,
                                errorTitle="Valeur non prévue",
                                error="Choisissez une valeur dans la liste (flèche à droite de la cellule).")
    for cell_range in ranges:
        validation.add(cell_range)
    ws.add_data_validation(validation)


def _widths(count: int) -> list[float]:
    from openpyxl.utils import get_column_letter

    if count == 1:  # a one-column table spans B:E
        return [WIDTHS["B"] + WIDTHS["C"] + WIDTHS["D"] + WIDTHS["E"]]
    return [WIDTHS[get_column_letter(FIRST_COL + i)] for i in range(count)]


def _write_section_head(w: _SheetWriter, section: str) -> None:
    spec = SECTIONS[section]
    columns = COLUMNS[section]
    w.row += 1
    w.marker(f"section:{section}")
    for column in range(FIRST_COL, FIRST_COL + max(len(columns), 4)):
        cell = w.cell(column, spec.label if column == FIRST_COL else None, editable=False)
        cell.fill = w.s["section_fill"]
        cell.font = w.s["section_font"]
    w.row += 1
    if spec.hint:
        w.marker("hint")
        put(w.ws.cell(w.row, FIRST_COL), spec.hint)
        w.ws.cell(w.row, FIRST_COL).font = w.s["hint"]
        w.row += 1
    w.marker(f"header:{section}")
    for offset, (_name, header, _kind) in enumerate(columns):
        cell = w.cell(FIRST_COL + offset, header, editable=False)
        cell.fill = w.s["header_fill"]
        cell.font = w.s["bold"]
    if len(columns) == 1:
        _merge(w.ws, w.row, FIRST_COL, FIRST_COL + 3)
    else:
        w.ws.row_dimensions[w.row].height = _height([h for _, h, _ in columns],
                                                    [x * 0.9 for x in _widths(len(columns))])
    w.row += 1


def _write_row(w: _SheetWriter, sheet: WorkshopSheet, section: str, line: Line | None,
               lists: dict[str, list[str]]) -> None:
    from openpyxl.utils import get_column_letter

    columns = COLUMNS[section]
    w.marker(f"row:{section}:{line.id if line else ''}")
    texts = []
    for offset, (name, _header, kind) in enumerate(columns):
        column = FIRST_COL + offset
        value = _display(kind, getattr(line, name)) if line else None
        editable = kind != "readonly"
        if section == "activities" and name == "label" and isinstance(line, ActivityLine) and line.activity:
            editable = False  # the job's activity in 2025 comes from the référentiel and the commune
            if line.kept_human:
                value = f"{value} — conservée humaine par la commune"
        if section == "proposals" and name == "activity" and line is not None:
            value = next((a.label for a in sheet.activities if a.activity == value), value)
        w.cell(column, value, editable=editable, kind=kind)
        texts.append(value if isinstance(value, str) else "")
        if kind in CHOICES or kind == "activity":
            lists.setdefault(kind, []).append(f"{get_column_letter(column)}{w.row}")
    if len(columns) == 1:
        _merge(w.ws, w.row, FIRST_COL, FIRST_COL + 3)
    w.ws.row_dimensions[w.row].height = _height(texts, _widths(len(columns)))
    w.row += 1


def _write_section(w: _SheetWriter, sheet: WorkshopSheet, section: str, lists: dict[str, list[str]],
                   activity_rows: list[int]) -> None:
    _write_section_head(w, section)
    for line in [*sheet.lines(section), *([None] * SPARE_ROWS)]:
        if section == "activities" and isinstance(line, ActivityLine) and line.activity:
            activity_rows.append(w.row)
        _write_row(w, sheet, section, line, lists)
    w.marker(f"end:{section}")
    w.row += 1


def _write_sheet(ws, sheet: WorkshopSheet, job_label: str, score_text: str, styles) -> None:
    from openpyxl.worksheet.protection import SheetProtection

    for letter, width in WIDTHS.items():
        ws.column_dimensions[letter].width = width
    ws.column_dimensions["A"].hidden = True
    w = _SheetWriter(ws, styles)
    w.marker(f"sheet:{sheet.id}")
    put(ws.cell(1, FIRST_COL), f"{job_label} — {workshop_label(sheet)}")
    ws.cell(1, FIRST_COL).font = styles["title"]
    w.row = 2
    w.marker("info")
    put(ws.cell(2, FIRST_COL), f"Métier {sheet.job}. Remplissez les cellules blanches ; les cellules grises sont "
                               "protégées. Indiquez des fonctions, jamais des noms.")
    ws.cell(2, FIRST_COL).font = styles["hint"]
    w.row = 4
    _write_fields(w, sheet, score_text)
    lists: dict[str, list[str]] = {}
    activity_rows: list[int] = []
    for section in SECTIONS:
        _write_section(w, sheet, section, lists, activity_rows)
    for kind in CHOICES:
        _add_list(ws, kind, lists.get(kind, []))
    if activity_rows and lists.get("activity"):
        from openpyxl.worksheet.datavalidation import DataValidation

        validation = DataValidation(type="list", formula1=f"$B${activity_rows[0]}:$B${activity_rows[-1]}",
                                    allow_blank=True, showErrorMessage=True, errorTitle="Activité inconnue",
                                    error="Choisissez une activité du métier dans la liste.")
        for cell_range in lists["activity"]:
            validation.add(cell_range)
        ws.add_data_validation(validation)
    # Allowed while protected: widening columns, heightening rows, inserting rows inside a table. Nothing else.
    ws.protection = SheetProtection(sheet=True, formatColumns=False, formatRows=False, insertRows=False,
                                    selectLockedCells=False, selectUnlockedCells=False)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = False
    ws.print_title_rows = "1:1"


GUIDE = (
    "Ce classeur contient une feuille par métier étudié, déjà remplie avec ce que le projet connaît. Complétez-les "
    "pendant l'atelier, sur n'importe quel ordinateur avec Excel ou LibreOffice, puis rapportez le fichier à la "
    "personne qui a préparé le kit : elle l'importera dans Cartographie IA des métiers (« Importer un kit rempli »).",
    "Écrivez seulement dans les cellules blanches. Les cellules grises (intitulés, activités de 2025 et leurs "
    "scores) sont protégées.",
    "Ne nommez personne : indiquez des fonctions (« 2 agents d'accueil », « 1 représentant du personnel », « DGS »), "
    "jamais des noms.",
    "Impact estimé : un pourcentage ou une fourchette, par exemple « 50 % » ou « 50-60 % ». Le score calculé par la "
    "méthode de l'OIT est rappelé au-dessus : c'est un plafond de potentiel technique, pas une prévision.",
    "Activités en 2035 : pour chaque activité, choisissez dans la liste « maintenue », « transformée », « assistée "
    "par l'IA » ou « automatisée », et dites en quelques mots ce qu'elle devient. Une activité qui apparaît d'ici "
    "2035 s'écrit sur une ligne blanche du tableau, colonne « Ce qu'elle devient d'ici 2035 » (elle sera "
    "« nouvelle »).",
    "Besoins d'accompagnement : ils deviendront des lignes du plan de formation. Dites qui s'en charge et quand.",
    "Décisions proposées : par exemple « Conserver l'activité humaine » pour l'accueil physique. Choisissez "
    "l'activité dans la liste ; la commune les appliquera si elle le décide.",
    "Pour ajouter une ligne, utilisez les lignes blanches en bas de chaque tableau ; s'il en manque, insérez une "
    "ligne à l'intérieur du tableau (clic droit sur le numéro de ligne, « Insérer »). Pour supprimer une ligne, "
    "effacez son contenu.",
    "Ne renommez pas, ne supprimez pas les feuilles ; ne déplacez pas les colonnes ni les en-têtes des tableaux : le "
    "programme s'en sert pour relire le kit. La colonne A, masquée, contient des repères techniques.",
    "N'écrivez pas de formule (« = … ») : tapez directement la valeur.",
    "La protection des feuilles n'a pas de mot de passe (Révision › Ôter la protection) : elle évite les "
    "maladresses. Ne l'ôtez que si c'est nécessaire.",
    "À l'import, le programme montre chaque différence avec le projet et demande avant de remplacer quoi que ce "
    "soit. Importer deux fois le même kit ne change rien la seconde fois.",
)


def _write_guide(ws, project: Project, rows: list[tuple[str, str, str]], group: str, styles) -> None:
    from openpyxl.worksheet.protection import SheetProtection

    ws.column_dimensions["A"].width = 4
    ws.column_dimensions["B"].width = 40
    ws.column_dimensions["C"].width = 40
    ws.column_dimensions["D"].width = 36
    title = "Kit d'atelier — Cartographie IA des métiers"
    put(ws["B1"], f"{title} — {project.commune}" if project.commune else title)
    ws["B1"].font = styles["title"]
    put(ws["B2"], f"Groupe : {group}" if group else "Kit préparé pour un groupe d'atelier")
    put(ws["B3"], f"Préparé le {format_date(date.today())}")
    row = 5
    for number, text in enumerate(GUIDE, start=1):
        put(ws.cell(row, 1), f"{number}.")
        ws.cell(row, 1).alignment = styles["wrap"]
        put(ws.cell(row, 2), text)
        _merge(ws, row, 2, 4)
        ws.cell(row, 2).alignment = styles["wrap"]
        ws.row_dimensions[row].height = _height([text], [105])
        row += 1
    row += 1
    for column, header in enumerate(("Feuille", "Métier", "Atelier"), start=2):
        cell = ws.cell(row, column)
        put(cell, header)
        cell.font = styles["bold"]
        cell.fill = styles["header_fill"]
    for title_, job, workshop in rows:
        row += 1
        for column, value in enumerate((title_, job, workshop), start=2):
            put(ws.cell(row, column), value)
    ws.protection = SheetProtection(sheet=True, formatColumns=False, formatRows=False)
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _write_tech(ws, project: Project, group: str, entries: list[tuple[WorkshopSheet, str]]) -> None:
    put(ws["A1"], "kit")
    for column, value in enumerate((KIT_MARKER, str(KIT_VERSION), secrets.token_hex(8), project.commune, now_iso(),
                                    group), start=2):
        put(ws.cell(1, column), value)
    row = 2
    for sheet, title in entries:
        for column, value in enumerate(("sheet", sheet.id, title, sheet.job), start=1):
            put(ws.cell(row, column), value)
        row += 1
        text = json.dumps(sheet_to_dict(sheet), ensure_ascii=False, sort_keys=True)
        for number, start in enumerate(range(0, len(text), CHUNK)):
            for column, value in enumerate(("base", sheet.id, str(number), text[start:start + CHUNK]), start=1):
                put(ws.cell(row, column), value)
            row += 1
    ws.sheet_state = "veryHidden"
    ws.protection.sheet = True


def prepare_kit(project: Project, ref: Referentiel, sheet_ids: Iterable[str], path: Path, *,
                group: str = "") -> Path:
    """« Préparer un kit d'atelier »: one worksheet per sheet (create the sheets first, with `create_sheet`)."""
    from openpyxl import Workbook
    from openpyxl.workbook.protection import WorkbookProtection

    by_id = {s.id: s for s in project.workshops}
    wanted = list(dict.fromkeys(sheet_ids))
    missing = [i for i in wanted if i not in by_id]
    if missing or not wanted:
        raise KitError("Choisissez au moins une fiche d'atelier existante pour préparer le kit.")
    styles = _styles()
    wb = Workbook()
    guide = wb.active
    guide.title = GUIDE_SHEET
    taken: set[str] = set()
    entries: list[tuple[WorkshopSheet, str]] = []
    guide_rows = []
    for sheet_id in wanted:
        sheet = by_id[sheet_id]
        label = ref.jobs[sheet.job].label if sheet.job in ref.jobs else sheet.job
        title = _sheet_title(sheet, label, taken)
        result = job_result(project, ref, sheet.job)
        score_text = ""
        if result is not None:
            comparison = compare_impact(None, result)
            score_text = f"{comparison.score}{NNBSP}% ({comparison.band.label})"
        _write_sheet(wb.create_sheet(title), sheet, label, score_text, styles)
        entries.append((sheet, title))
        guide_rows.append((title, f"{sheet.job} {label}", workshop_label(sheet)))
    _write_guide(guide, project, guide_rows, group, styles)
    _write_tech(wb.create_sheet(TECH_SHEET), project, group, entries)
    wb.active = 0
    wb.security = WorkbookProtection(lockStructure=True)
    path = Path(path)
    try:
        save(wb, path)
    except OSError as exc:
        raise KitError(f"Le kit « {path.name} » n'a pas pu être enregistré : {exc.strerror or exc}.") from exc
    return path


# --- reading --------------------------------------------------------------------------------------------------


@dataclass
class _SheetReading:
    sheet_id: str
    title: str
    fields: dict[str, Any] = field(default_factory=dict)
    rows: dict[str, list[tuple[str, Line | None]]] = field(default_factory=dict)  # section → (id, line or None)
    seen: dict[str, set[str]] = field(default_factory=dict)  # ids met in each readable section, errors included
    damaged: set[str] = field(default_factory=set)


def _check_safe_xml() -> None:
    import openpyxl

    if not getattr(openpyxl, "DEFUSEDXML", False):
        raise KitError("La lecture sécurisée des classeurs n'est pas disponible (module defusedxml absent) : "
                       "réinstallez le programme.")


def _open(path: Path):
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    _check_safe_xml()
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise KitError(f"Le fichier « {path.name} » est introuvable ou illisible.") from exc
    if size > MAX_KIT_BYTES or _declared_size(path) > MAX_KIT_XML_BYTES:
        raise KitError(f"« {path.name} » est bien trop gros pour un kit d'atelier.")
    try:
        return load_workbook(path, read_only=True, data_only=False)  # streamed: a huge file costs little
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError, AttributeError,
            IndexError, EOFError) as exc:
        if _refused_xml(exc):
            raise KitError(f"« {path.name} » contient un contenu XML refusé par la lecture sécurisée (entités, "
                           "DTD) : il n'est pas importé.") from exc
        raise KitError(f"« {path.name} » n'est pas un classeur Excel lisible (.xlsx) : il est peut-être endommagé "
                       "ou enregistré dans un autre format.") from exc
    except Exception as exc:  # lxml / defusedxml refusals (entities, DTD) and other parser failures
        raise KitError(f"« {path.name} » contient un contenu XML refusé par la lecture sécurisée : il n'est pas "
                       "importé.") from exc


def _declared_size(path: Path) -> int:
    """What the archive says its parts hold once decompressed (a part lying about it fails its CRC when read)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return 0  # not a zip: openpyxl says so in its own words below


def _refused_xml(exc: BaseException) -> bool:
    """True when defusedxml refused the XML somewhere in the chain (openpyxl wraps it in a ValueError)."""
    from defusedxml import DefusedXmlException

    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, DefusedXmlException):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "VRAI" if value else "FAUX"
    if isinstance(value, datetime | date):
        return format_date(value)
    if isinstance(value, float):
        return format_number(value, 0) if value.is_integer() else str(value).replace(".", ",")
    return str(value)


def _tech_info(wb, problems: list[KitProblem]) -> tuple[dict[str, WorkshopSheet | None], dict[str, str], dict]:
    """The kit's memory: each sheet as prepared (None where unreadable) and the worksheet titles it had."""
    bases: dict[str, WorkshopSheet | None] = {}
    titles: dict[str, str] = {}
    info: dict[str, str] = {}
    if TECH_SHEET not in wb.sheetnames:
        problems.append(KitProblem("les informations techniques du kit sont absentes : les lignes effacées ne "
                                   "seront pas supprimées et chaque différence est présentée comme à vérifier.",
                                   blocking=False))
        return bases, titles, info
    ws = wb[TECH_SHEET]
    chunks: dict[str, list[tuple[int, str]]] = {}
    for values in ws.iter_rows(values_only=True):
        row = (*values, *(None,) * 8)  # cells cleared at the end of a row are not there at all
        kind = row[0]
        if kind == "kit":
            info = {"marker": _text(row[1]), "version": _text(row[2]), "commune": _text(row[4]),
                    "prepared": _text(row[5]), "group": _text(row[6])}
        elif kind == "sheet" and len(values) >= 4:
            titles[_text(row[1])] = _text(row[2])
            chunks.setdefault(_text(row[1]), [])
        elif kind == "base" and len(values) >= 4 and _text(row[2]).isdecimal():
            chunks.setdefault(_text(row[1]), []).append((int(_text(row[2])), _text(row[3])))
    if info.get("marker") != KIT_MARKER:
        problems.append(KitProblem("ce classeur ne ressemble pas à un kit d'atelier préparé par le programme.",
                                   blocking=False))
    elif info.get("version", "").isdecimal() and int(info["version"]) > KIT_VERSION:
        raise KitError("Ce kit a été préparé par une version plus récente du programme : installez la dernière "
                       "version pour l'importer.")
    for sheet_id, parts in chunks.items():
        try:
            bases[sheet_id] = sheet_from_dict(json.loads("".join(text for _, text in sorted(parts))))
        except (ValueError, WorkshopDataError):
            bases[sheet_id] = None
    return bases, titles, info


def _first_row(ws) -> list[Any]:
    for row in ws.iter_rows(min_row=1, max_row=1, values_only=True):
        return list(row)
    return []


def _marker_column(first_row: list[Any]) -> int | None:
    """The column of the technical markers: A, unless someone moved it (found by the `sheet:` marker of row 1)."""
    for column, value in enumerate(first_row[:8], start=1):
        if isinstance(value, str) and value.startswith("sheet:"):
            return column
    return None


@dataclass(frozen=True, slots=True)
class _Cell:
    """What the reader needs of a cell, with its address (streamed empty cells have none of their own)."""

    value: Any
    data_type: str
    coordinate: str


def _cell_ref(column: int, row: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(column)}{row}"


def _is_formula(cell) -> bool:
    return cell.data_type == "f" or (isinstance(cell.value, str) and cell.data_type != "s"
                                     and cell.value.startswith("="))


def _header_map(values: list[Any], expected: tuple[tuple[str, str, str], ...]) -> dict[str, int] | None:
    from cartographie_desktop.core.text import fold

    found: dict[str, int] = {}
    folded = [fold(_text(v)) for v in values]
    for name, header, _kind in expected:
        positions = [i for i, v in enumerate(folded) if v == fold(header)]
        if len(positions) != 1:
            return None
        found[name] = positions[0]
    return found


class _Reader:
    """Reads one worksheet row by row, following the markers of column A (or wherever it was moved)."""

    def __init__(self, ws, marker_col: int, problems: list[KitProblem], *, base: WorkshopSheet | None,
                 current: WorkshopSheet) -> None:
        self.ws = ws
        self.mcol = marker_col
        self.problems = problems
        self.base = base
        self.current = current
        self.result = _SheetReading(current.id, ws.title)
        self.section: str | None = None
        self.state = ""  # "header" (expecting it), "rows", "skip" (a damaged table)
        self.columns: dict[str, int] = {}
        self.fields_met: set[str] = set()
        self.sections_met: set[str] = set()

    def problem(self, message: str, cell: str = "", *, blocking: bool = True) -> None:
        self.problems.append(KitProblem(message, self.ws.title, cell, blocking))

    def read(self) -> _SheetReading:
        for number, row in enumerate(self.ws.iter_rows(), start=1):
            if number > MAX_ROWS:
                self.problem(f"la feuille compte plus de {format_number(MAX_ROWS)} lignes : les suivantes ne sont "
                             "pas lues.", blocking=False)
                break
            cells = [_Cell(c.value, getattr(c, "data_type", "n") or "n", _cell_ref(i, number))
                     for i, c in enumerate(row[:MAX_COLUMNS], start=1)]
            marker = cells[self.mcol - 1].value if len(cells) >= self.mcol else None
            visible = [c for i, c in enumerate(cells) if i != self.mcol - 1]
            self._handle(marker if isinstance(marker, str) else "", visible, number)
        for name in FIELD_LABELS.keys() - self.fields_met:
            self.problem(f"le champ « {FIELD_LABELS[name]} » est introuvable (ligne supprimée ?) : il n'est pas "
                         "importé.")
        for missing in SECTIONS.keys() - self.sections_met:
            self.problem(f"la rubrique « {SECTIONS[missing].label} » est introuvable (lignes supprimées ?) : elle "
                         "n'est pas importée.")
            self._damage(missing)
        return self.result

    def _handle(self, marker: str, visible, number: int) -> None:
        section = self.section
        if marker.startswith("field:"):
            self._field(marker[6:], visible, number)
        elif marker.startswith("section:"):
            self._start(marker[8:], number)
        elif marker.startswith("end:"):
            self.section, self.state = None, ""
        elif section and self.state == "header":
            if marker == f"header:{section}":
                self._header(section, visible, number)
            elif marker.startswith(("row:", "header:")):
                self.problem(f"l'en-tête de « {SECTIONS[section].label} » a été supprimé : cette rubrique n'est "
                             "pas importée.", f"ligne {number}")
                self._damage(section)
                self.state = "skip"
            elif marker != "hint":
                self._stray(visible, number)
        elif section and self.state == "rows" and (marker.startswith(f"row:{section}:") or not marker):
            self._row(section, marker.split(":", 2)[2] if marker else "", visible, number)
        elif section and self.state == "skip":
            return
        elif marker not in ("info", "hint") and not marker.startswith("sheet:"):
            self._stray(visible, number)

    def _start(self, section: str, number: int) -> None:
        if section not in SECTIONS or section in self.sections_met:
            self.problem("repère de rubrique inconnu ou en double : la ligne est ignorée.",
                         _cell_ref(self.mcol, number))
            self.section, self.state = None, ""
            return
        self.section, self.state, self.columns = section, "header", {}
        self.sections_met.add(section)
        self.result.rows[section] = []
        self.result.seen[section] = set()

    def _header(self, section: str, visible, number: int) -> None:
        found = _header_map([c.value for c in visible], COLUMNS[section])
        label = SECTIONS[section].label
        if found is None:
            expected = ", ".join(f"« {h} »" for _, h, _ in COLUMNS[section])
            self.problem(f"les en-têtes de « {label} » ont été modifiés ou effacés (attendus : {expected}) : cette "
                         "rubrique n'est pas importée.", f"ligne {number}")
            self._damage(section)
            self.state = "skip"
            return
        self.columns = found
        if any(found[name] != offset for offset, (name, _, _) in enumerate(COLUMNS[section])):
            self.problem(f"les colonnes de « {label} » ont été déplacées : elles sont relues d'après leurs "
                         "en-têtes.", f"ligne {number}", blocking=False)
        self.state = "rows"

    def _damage(self, section: str) -> None:
        self.result.damaged.add(section)
        self.result.rows.pop(section, None)

    def _stray(self, visible, number: int) -> None:
        texts = [c for c in visible if _text(c.value).strip()]
        if texts:
            self.problem("texte écrit hors des tableaux : il n'est pas importé (recopiez-le dans une ligne d'un "
                         "tableau).", texts[0].coordinate, blocking=False)

    def _field(self, name: str, visible, number: int) -> None:
        from cartographie_desktop.core.text import fold

        if name not in FIELD_LABELS:
            return
        self.fields_met.add(name)
        labels = {fold(FIELD_LABELS[name]), fold(IMPACT_LABEL)}
        position = next((i for i, c in enumerate(visible) if fold(_text(c.value)) in labels), None)
        if position is None or position + 1 >= len(visible):
            self.problem(f"l'intitulé « {FIELD_LABELS[name]} » a été effacé ou déplacé : ce champ n'est pas "
                         "importé.", f"ligne {number}")
            return
        cell = visible[position + 1]
        if _is_formula(cell):
            self.problem("formule non importée : tapez directement la valeur.", cell.coordinate)
            return
        if cell.data_type == "e":
            self.problem(f"valeur d'erreur « {cell.value} » non importée.", cell.coordinate)
            return
        value = cell.value
        try:
            if name == "number":
                cleaned = clean_field(name, value if value not in (None, "") else "x")
            else:
                cleaned = clean_field(name, value if isinstance(value, int | float | datetime | date)
                                      else _text(value))
        except EditError as exc:
            self.problem(f"{exc} Ce champ n'est pas importé.", cell.coordinate)
            return
        if name == "facilitator":
            self._warn_name(cleaned, cell.coordinate)
        self.result.fields[name] = cleaned

    def _warn_name(self, text: str, where: str) -> None:
        check = person_name_check(text)
        if check and not check.refused:
            self.problem(check.message, where, blocking=False)

    def _row(self, section: str, line_id: str, visible, number: int) -> None:
        if line_id:
            self.result.seen[section].add(line_id)
        raw: dict[str, Any] = {}
        for name, _header, kind in COLUMNS[section]:
            position = self.columns[name]
            cell = visible[position] if position < len(visible) else None
            if cell is None:
                raw[name] = None
                continue
            if _is_formula(cell):
                self.problem("formule non importée : tapez directement la valeur. La ligne n'est pas importée.",
                             cell.coordinate)
                return
            if cell.data_type == "e":
                self.problem(f"valeur d'erreur « {cell.value} » : la ligne n'est pas importée.", cell.coordinate)
                return
            raw[name] = cell.value if kind in ("count", "score") else _text(cell.value)
            raw[f"@{name}"] = cell.coordinate
        editable = {name for name, _, kind in COLUMNS[section] if kind != "readonly"}
        if all(raw.get(n) in (None, "") or (isinstance(raw.get(n), str) and not raw[n].strip()) for n in editable):
            self.result.rows[section].append((line_id, None))  # an empty row: nothing, or a line the group cleared
            return
        try:
            line = self._line(section, line_id, raw)
        except _CellError as exc:
            self.problem(f"{exc.args[0]} La ligne {number} n'est pas importée.", exc.cell or f"ligne {number}")
            return
        except EditError as exc:
            cell = next((raw[k] for k in raw if k.startswith("@")), f"ligne {number}")
            self.problem(f"{exc} La ligne {number} n'est pas importée.", _blame(exc, raw) or cell)
            return
        self.result.rows[section].append((line_id, line))

    def _line(self, section: str, line_id: str, raw: dict[str, Any]) -> Line:
        base, current = self.base, self.current
        spec = SECTIONS[section]
        values: dict[str, Any] = {}
        for name, _header, kind in COLUMNS[section]:
            value = raw.get(name)
            if kind == "readonly":
                continue
            try:
                if kind == "count":
                    values[name] = None if value in (None, "") else parse_count(value)
                elif kind == "score":
                    values[name] = parse_score(value)
                else:
                    values[name] = value or ""
            except EditError as exc:
                raise _CellError(str(exc), raw.get(f"@{name}", "")) from None
        if section == "participants" and values.get("count") is None:
            # « 2 agents d'accueil » typed in one cell: the count is the leading number, else 1
            match = re.match(r"^\s*(\d{1,3})\s+(.+)$", values.get("role", ""), re.DOTALL)
            values["count"], values["role"] = (int(match.group(1)), match.group(2)) if match else (
                1, values.get("role", ""))
        if section == "activities":
            known = _known_line(line_id, base, current, "activities")
            if isinstance(known, ActivityLine) and known.activity:
                values.pop("label", None)  # the 2025 part of a job's activity is not edited in the kit
                line = replace(known, **{k: v for k, v in values.items() if k in ("status", "text")})
            else:
                line = ActivityLine(line_id or "", label=values.get("label", ""), status=values.get("status", ""),
                                    text=values.get("text", ""))
        elif section == "proposals":
            label = values.pop("activity", "")
            activity = _activity_id(label, base, current)
            if activity is None:
                raise EditError(f"Activité concernée inconnue : « {label} ». Choisissez-la dans la liste.")
            line = spec.line_type(id=line_id or "", activity=activity, **values)
        else:
            line = spec.line_type(id=line_id or "", **values)
        line = clean_line(section, line)
        for name in ("role", "who"):
            if hasattr(line, name):
                self._warn_name(getattr(line, name), raw.get(f"@{name}", ""))
        return line


class _CellError(EditError):
    def __init__(self, message: str, cell: str) -> None:
        super().__init__(message)
        self.cell = cell


def _blame(exc: EditError, raw: dict[str, Any]) -> str:
    """The cell the message is about, when it names a field: « nombre » → the count cell, and so on."""
    text = str(exc).lower()
    hints = {"count": "nombre", "score": "score", "status": "statut", "category": "type de besoin",
             "priority": "priorité", "horizon": "horizon", "kind": "type de décision", "activity": "activité",
             "role": "fonction", "who": "qui", "reason": "raison"}
    for name, word in hints.items():
        if word in text and f"@{name}" in raw:
            return raw[f"@{name}"]
    return ""


def _known_line(line_id: str, base: WorkshopSheet | None, current: WorkshopSheet, section: str) -> Line | None:
    if not line_id:
        return None
    for sheet in (base, current):
        if sheet is not None:
            line = sheet.line(section, line_id)
            if line is not None:
                return line
    return None


def _activity_id(label: str, base: WorkshopSheet | None, current: WorkshopSheet) -> str | None:
    from cartographie_desktop.core.text import fold

    wanted = fold(label.split(" — conservée humaine", maxsplit=1)[0])
    if not wanted:
        return None
    for sheet in (current, base):
        if sheet is None:
            continue
        for line in sheet.activities:
            if line.activity and (fold(line.label) == wanted or fold(line.activity) == wanted):
                return line.activity
    return None


# --- comparing with the project ----------------------------------------------------------------------------------


def _field_words(name: str, value: Any) -> str:
    if value is None or value == "":
        return "(vide)"
    if isinstance(value, Impact):
        return value.text
    if name == "date":
        return format_date(value)
    return str(value)


def _same(a: Line, b: Line) -> bool:
    return replace(a, id="") == replace(b, id="")


class _Differ:
    """Three-way comparison of one sheet: as prepared (base), as filled (kit), as it is now (project)."""

    def __init__(self, reading: _SheetReading, base: WorkshopSheet | None, current: WorkshopSheet, label: str,
                 changes: list[KitChange]) -> None:
        self.reading = reading
        self.base = base
        self.current = current
        self.label = label
        self.changes = changes

    def add(self, section: str, kind: str, texts: tuple[str, str], what: str, *, conflict: bool,
            command: Command) -> None:
        description = f"{self.label} — {what}"
        if conflict:
            description += " (le projet a aussi changé depuis la préparation du kit : à vérifier)"
        key = f"{self.current.id}:{section or 'champ'}:{len(self.changes)}"
        self.changes.append(KitChange(key, self.current.id, self.label, section, kind, texts[0], texts[1],
                                      description, conflict, command))

    def words(self, section: str, line: Line) -> str:
        return line_summary(section, line, self.current)

    def run(self) -> None:
        self.fields()
        for section in SECTIONS:
            if section in self.reading.rows:
                self.lines(section)

    def fields(self) -> None:
        base, current = self.base, self.current
        for name, value in self.reading.fields.items():
            previous = getattr(current, name)
            prepared = getattr(base, name) if base is not None else previous
            if value in (prepared, previous):
                continue
            before, after = _field_words(name, previous), _field_words(name, value)
            self.add("", "modification", (before, after), f"{FIELD_LABELS[name]} : {before} → {after}",
                     conflict=previous != prepared or base is None, command=SetSheetField(current.id, name, value))

    def lines(self, section: str) -> None:
        label = SECTIONS[section].label
        now = {line.id: line for line in self.current.lines(section)}
        then = {line.id: line for line in self.base.lines(section)} if self.base is not None else None
        known = set(then) if then is not None else set(now)
        used: set[str] = set()
        fresh: list[Line] = []
        for line_id, read in self.reading.rows[section]:
            if not line_id or line_id not in known or line_id in used:
                if read is not None:
                    fresh.append(read)  # a new line, or a copied row: added, never merged into another line
                continue
            used.add(line_id)
            old = then[line_id] if then is not None else now[line_id]
            present = now.get(line_id)
            if read is None:
                self.removal(section, old, present)
                continue
            line = replace(read, id=line_id)
            if line in (old, present):
                continue
            if present is None:
                self.add(section, "ajout", ("", self.words(section, line)),
                         f"{label} : « {self.words(section, line)} » (ligne supprimée du projet depuis, rétablie)",
                         conflict=True, command=InsertLine(self.current.id, section, line))
            else:
                self.add(section, "modification", (self.words(section, present), self.words(section, line)),
                         f"{label} : « {self.words(section, present)} » devient « {self.words(section, line)} »",
                         conflict=present != old or then is None,
                         command=ReplaceLine(self.current.id, section, line))
        if then is not None:
            for line_id in then.keys() - self.reading.seen.get(section, set()):
                self.removal(section, then[line_id], now.get(line_id))  # its row was deleted from the kit
        self.additions(section, fresh)

    def removal(self, section: str, old: Line, present: Line | None) -> None:
        if present is None or self.base is None:
            return  # already gone, or no memory of the prepared kit to tell a cleared row from a new one
        self.add(section, "suppression", (self.words(section, present), ""),
                 f"{SECTIONS[section].label} : suppression de « {self.words(section, present)} »",
                 conflict=not _same(present, old), command=RemoveLine(self.current.id, section, present.id))

    def additions(self, section: str, fresh: list[Line]) -> None:
        pool = Counter(replace(line, id="") for line in self.current.lines(section))
        taken = self.current.line_ids() | {c.command.line.id for c in self.changes
                                           if isinstance(c.command, InsertLine)}
        for read in fresh:
            bare = replace(read, id="")
            if pool[bare] > 0:
                pool[bare] -= 1  # already in the project (this kit was imported before): nothing to do
                continue
            line = replace(read, id=new_line_id(self.current, taken))
            taken.add(line.id)
            self.add(section, "ajout", ("", self.words(section, line)),
                     f"{SECTIONS[section].label} : ajout de « {self.words(section, line)} »", conflict=False,
                     command=InsertLine(self.current.id, section, line))


def read_kit(path: Path, project: Project, ref: Referentiel) -> KitImport:
    """« Importer un kit rempli »: the differences with the project and the problems met; nothing is applied.

    Raises KitError (French) only when the file cannot be used at all; otherwise every problem is in `problems`,
    located by worksheet and cell, and the rest of the kit is read.
    """
    path = Path(path)
    wb = _open(path)
    try:
        return _read_kit(path, wb, project, ref)
    except Exception as exc:
        if isinstance(exc, KitError) or not _raised_by_the_parser(exc):
            raise
        # The workbook is streamed: a damaged worksheet is only met while reading it.
        raise KitError(f"« {path.name} » est endommagé (une feuille est illisible) : il n'est pas importé. "
                       "Ouvrez-le dans Excel ou LibreOffice et enregistrez-le à nouveau, ou préparez un nouveau "
                       "kit.") from exc
    finally:
        wb.close()


_PARSER_MODULES = ("openpyxl", "xml", "defusedxml", "zipfile", "zlib", "et_xmlfile")


def _raised_by_the_parser(exc: BaseException) -> bool:
    """True for the damage of a file (XML, zip, a value openpyxl cannot convert), False for a fault of ours."""
    import xml.parsers.expat
    import zlib
    from xml.etree.ElementTree import ParseError

    if isinstance(exc, ParseError | xml.parsers.expat.ExpatError | zipfile.BadZipFile | zlib.error | EOFError):
        return True
    if _refused_xml(exc):
        return True
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    module = tb.tb_frame.f_globals.get("__name__", "") if tb is not None else ""
    return module.split(".")[0] in _PARSER_MODULES


def _read_kit(path: Path, wb, project: Project, ref: Referentiel) -> KitImport:
    problems: list[KitProblem] = []
    bases, titles, info = _tech_info(wb, problems)
    if info.get("commune") and project.commune and info["commune"] != project.commune:
        problems.append(KitProblem(f"ce kit a été préparé pour « {info['commune']} », pas pour "
                                   f"« {project.commune} ».", blocking=False))
    current = {s.id: s for s in project.workshops}
    by_title = {title: sheet_id for sheet_id, title in titles.items()}
    found: set[str] = set()
    changes: list[KitChange] = []
    read = 0
    for ws in wb.worksheets:
        if ws.title in (TECH_SHEET, GUIDE_SHEET):
            continue
        first = _first_row(ws)
        column = _marker_column(first)
        sheet_id = str(first[column - 1])[6:] if column else by_title.get(ws.title, "")
        if not sheet_id:
            problems.append(KitProblem("feuille non reconnue (elle n'a pas été préparée par le programme ou "
                                       "ses repères techniques ont été effacés) : elle n'est pas importée.",
                                       ws.title))
            continue
        if column is None:
            problems.append(KitProblem("les repères techniques de la feuille ont été effacés : elle n'est pas "
                                       "importée. Préparez un nouveau kit.", ws.title))
            found.add(sheet_id)
            continue
        if sheet_id in found:
            problems.append(KitProblem("feuille en double (copie d'une autre feuille) : elle n'est pas "
                                       "importée.", ws.title))
            continue
        found.add(sheet_id)
        sheet = current.get(sheet_id)
        if sheet is None:
            problems.append(KitProblem("cette fiche a été supprimée du projet depuis la préparation du kit : "
                                       "elle n'est pas importée.", ws.title))
            continue
        base = bases.get(sheet_id)
        if sheet_id in bases and base is None:
            problems.append(KitProblem("la copie technique de cette fiche est illisible : les lignes effacées "
                                       "ne seront pas supprimées.", ws.title, blocking=False))
        reading = _Reader(ws, column, problems, base=base, current=sheet).read()
        job = ref.jobs[sheet.job].label if sheet.job in ref.jobs else sheet.job
        _Differ(reading, base, sheet, f"{job} ({workshop_label(sheet)})", changes).run()
        read += 1
    for sheet_id, title in titles.items():
        if sheet_id not in found:
            problems.append(KitProblem(f"la feuille « {title} » a été supprimée du kit : rien n'est importé "
                                       "pour elle, et rien n'est retiré du projet."))
    if not read and not titles:
        raise KitError(f"« {path.name} » ne contient aucune fiche d'atelier : ce n'est pas un kit préparé par "
                       "le programme.")
    return KitImport(path, changes, problems, read, info.get("commune", ""), info.get("prepared", ""))
