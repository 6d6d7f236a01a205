"""The training plan (*plan de formation*): every support need of every workshop sheet as one `.xlsx` table, ready to
paste into the commune's plan de formation.

One header row and one line per need (no merged cells, no title block above the table) so that it pastes and filters
as it is; a second sheet says where the lines come from. Counts of agents under `project.privacy_k` are shown
« < k »: a need about one person must not point at that person. Every text is written as text (formula injection).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from cartographie_desktop.core.aggregates import mask_small
from cartographie_desktop.core.model import Project
from cartographie_desktop.core.referentiel import Referentiel
from cartographie_desktop.core.text import format_date
from cartographie_desktop.core.workshops import HORIZON_LABELS, NEED_LABELS, PRIORITY_LABELS, training_lines
from cartographie_desktop.io.xlsx_text import put, save

HEADERS = (
    ("Métier", 34), ("Code métier", 11), ("Besoin", 50), ("Type", 20), ("Population concernée", 30),
    ("Agents occupant le métier", 14), ("Priorité", 11), ("Horizon", 24), ("Qui", 26), ("Quand", 22),
    ("Atelier (source)", 26),
)


class TrainingPlanError(Exception):
    """The workbook cannot be written, in French."""


def rows(project: Project, ref: Referentiel | None = None) -> list[list[str | int]]:
    """The table as it is written (counts already masked), for the report and tests."""
    k = project.privacy_k
    return [
        [line.job_label, line.job, line.need, NEED_LABELS.get(line.category, ""), line.population,
         mask_small(line.agents, k), PRIORITY_LABELS.get(line.priority, ""), HORIZON_LABELS.get(line.horizon, ""),
         line.who, line.when, line.source]
        for line in training_lines(project, ref)
    ]


def write_training_plan(project: Project, ref: Referentiel | None, path: Path) -> Path:
    """Write the plan de formation workbook; TrainingPlanError (French) when the file cannot be written."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "Plan de formation"
    for column, (header, width) in enumerate(HEADERS, start=1):
        cell = ws.cell(1, column)
        put(cell, header)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="D0D7E1")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[get_column_letter(column)].width = width
    table = rows(project, ref)
    wrap = Alignment(wrap_text=True, vertical="top")
    for number, values in enumerate(table, start=2):
        for column, value in enumerate(values, start=1):
            cell = ws.cell(number, column)
            put(cell, value)
            cell.alignment = wrap
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(HEADERS))}{max(1, len(table) + 1)}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"

    about = wb.create_sheet("À lire")
    about.column_dimensions["A"].width = 110
    k = project.privacy_k
    notes = [
        f"Plan de formation issu des ateliers — {project.commune}" if project.commune else
        "Plan de formation issu des ateliers",
        f"Établi le {format_date(date.today())} par Cartographie IA des métiers.",
        "Une ligne par besoin d'accompagnement exprimé dans une fiche d'atelier (formation, sens du travail, "
        "reclassement ou mobilité, communication, management), la plus urgente en premier.",
        "« Agents occupant le métier » : nombre d'agents du tableau des effectifs rattachés à ce métier dans le "
        f"projet ; en dessous de {k}, il est affiché « < {k} » pour ne désigner personne.",
        "Les besoins viennent des groupes de travail : à arbitrer avec le plan de formation de la collectivité, "
        "les lignes directrices de gestion et l'offre du CNFPT.",
    ]
    if not table:
        notes.append("Aucune fiche d'atelier n'exprime encore de besoin d'accompagnement.")
    for number, text in enumerate(notes, start=1):
        cell = about.cell(number, 1)
        put(cell, text)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    about["A1"].font = Font(bold=True, size=13)

    path = Path(path)
    try:
        save(wb, path)
    except OSError as exc:
        raise TrainingPlanError(f"Le plan de formation « {path.name} » n'a pas pu être enregistré : "
                                f"{exc.strerror or exc}.") from exc
    return path
