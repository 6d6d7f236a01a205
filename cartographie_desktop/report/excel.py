"""The results workbook (openpyxl): `build_workbook(project, ref, path, options)`.

Same figures as the PDF and `summary --json` (`report.data`), same privacy rule in the breakdowns. Every text cell
goes through `_put`: text from a person or a staffing table that starts like a formula (`=`, `+`, `-`, `@`, tab,
carriage return) is written as text, never as a formula. Numbers are real numbers with Excel formats (`#,##0.00`),
which Excel and LibreOffice show the French way on a French system.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from cartographie_desktop import APP_NAME
from cartographie_desktop.core import palette
from cartographie_desktop.core.model import INDEX_LABELS, Project
from cartographie_desktop.core.referentiel import Referentiel
from cartographie_desktop.core.scoring import BAND_LABELS, BANDS, EXPOSED_BANDS, Band
from cartographie_desktop.core.summary import activity_json
from cartographie_desktop.io.xlsx_text import put
from cartographie_desktop.report import chapters, workshops
from cartographie_desktop.report import data as rdata
from cartographie_desktop.report.data import Cancelled, Progress, ReportData, check_cancel, prepare
from cartographie_desktop.report.options import ReportError, ReportOptions
from cartographie_desktop.report.output import atomic_path

INT = "#,##0"
DEC2 = "#,##0.00"
SCORE = "0.00"
PERCENT = "0%"
DATE = "DD/MM/YYYY"
MIN_WIDTH, MAX_WIDTH = 6, 60
HEADER_FILL = palette.BAND_COLOURS[Band.TRES]


def _styles():
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin", color=palette.GRID.lstrip("#"))
    return {
        "header_font": Font(bold=True, color="FFFFFF"),
        "header_fill": PatternFill("solid", fgColor=HEADER_FILL.lstrip("#")),
        "title_font": Font(bold=True, size=14, color=HEADER_FILL.lstrip("#")),
        "bold": Font(bold=True),
        "muted": Font(italic=True, color=palette.MUTED.lstrip("#")),
        "wrap": Alignment(wrap_text=True, vertical="top"),
        "top": Alignment(vertical="top"),
        "header_align": Alignment(wrap_text=True, vertical="bottom"),
        "border": Border(bottom=thin),
        "band_fill": {b: PatternFill("solid", fgColor=palette.BAND_COLOURS[b].lstrip("#")) for b in BANDS},
        "band_font": {b: Font(color=palette.BAND_TEXT_COLOURS[b].lstrip("#")) for b in BANDS},
    }


def _put(ws, row: int, col: int, value: Any, number_format: str | None = None):
    """Write one cell; text that Excel would read as a formula is kept as text (formula injection)."""
    cell = ws.cell(row=row, column=col)
    put(cell, value)
    if isinstance(value, str):
        return cell
    if number_format and isinstance(value, int | float | date) and not isinstance(value, bool):
        cell.number_format = number_format
    return cell


class _Sheet:
    """A worksheet written row by row, that remembers how wide each column's content is."""

    def __init__(self, wb, title: str, st: dict) -> None:
        self.ws = wb.create_sheet(title)
        self.st = st
        self.row = 0
        self.widths: dict[int, int] = {}
        self.wrap_cols: set[int] = set()

    def _measure(self, col: int, value: Any, number_format: str | None) -> None:
        if value is None:
            return
        if isinstance(value, date):
            text = "00/00/0000"
        elif isinstance(value, float):
            text = f"{value:,.2f}" if number_format in (DEC2, SCORE) else f"{value:.0%}" \
                if number_format == PERCENT else f"{value:,.2f}"
        elif isinstance(value, int) and not isinstance(value, bool):
            text = f"{value:,}"
        else:
            text = max(str(value).split("\n"), key=len)
        self.widths[col] = max(self.widths.get(col, 0), len(text))

    def write(self, values: Sequence[Any], formats: Sequence[str | None] = (), *, measure: bool = True) -> int:
        self.row += 1
        for col, value in enumerate(values, start=1):
            fmt = formats[col - 1] if col - 1 < len(formats) else None
            cell = _put(self.ws, self.row, col, value, fmt)
            if col in self.wrap_cols:
                cell.alignment = self.st["wrap"]
            if measure:
                self._measure(col, value, fmt)
        return self.row

    def header(self, values: Sequence[str]) -> int:
        row = self.write(values)
        for col in range(1, len(values) + 1):
            cell = self.ws.cell(row=row, column=col)
            cell.font = self.st["header_font"]
            cell.fill = self.st["header_fill"]
            cell.alignment = self.st["header_align"]
        return row

    def title(self, text: str) -> int:
        row = self.write([text], measure=False)
        self.ws.cell(row=row, column=1).font = self.st["title_font"]
        return row

    def note(self, text: str) -> int:
        row = self.write([text], measure=False)
        self.ws.cell(row=row, column=1).font = self.st["muted"]
        return row

    def blank(self) -> None:
        self.row += 1

    def band_row(self, row: int, band: Band, cols: Sequence[int]) -> None:
        for col in cols:
            cell = self.ws.cell(row=row, column=col)
            cell.fill = self.st["band_fill"][band]
            cell.font = self.st["band_font"][band]

    def table(self, header_row: int, last_col: int) -> None:
        """Frozen header and an autofilter over the table that starts at `header_row`."""
        from openpyxl.utils import get_column_letter

        self.ws.freeze_panes = self.ws.cell(row=header_row + 1, column=1)
        if self.row > header_row:
            self.ws.auto_filter.ref = f"A{header_row}:{get_column_letter(last_col)}{self.row}"

    def finish(self) -> None:
        from openpyxl.utils import get_column_letter

        for col, width in self.widths.items():
            self.ws.column_dimensions[get_column_letter(col)].width = max(MIN_WIDTH, min(MAX_WIDTH, width + 2))


# --- sheets -----------------------------------------------------------------------------------------------------


def _synthesis(wb, data: ReportData, st: dict) -> None:
    s = data.summary
    sh = _Sheet(wb, "Synthèse", st)
    sh.title(chapters.REPORT_TITLE)
    sh.write([data.commune], measure=False)
    sh.blank()
    exposed_tasks = sum(s["task_share"][b.value] for b in EXPOSED_BANDS)
    rows: list[tuple[str, Any, str | None]] = [
        ("Commune", data.commune, None),
        ("Année des effectifs", s["year"] or "", None),
        ("Indice de l'OIT", INDEX_LABELS[data.index], None),
        ("Date du classeur", data.options.date, DATE),
        ("Agents au tableau des effectifs", s["agents"], INT),
        ("ETP au tableau des effectifs", s["fte"], DEC2),
        ("Agents rattachés à un métier", s["assigned_agents"], INT),
        ("Agents sans métier (non comptés)", s["unmatched_agents"], INT),
        ("Métiers de la commune", len(s["jobs"]), INT),
        ("Part des agents dans un métier concerné ou très concerné", s["exposed_share"], PERCENT),
        ("Part des activités concernées ou très concernées", exposed_tasks, PERCENT),
        ("Décisions de la commune", s["decisions"], INT),
        ("Seuil de confidentialité (effectifs masqués en dessous)", data.k, INT),
    ]
    for label, value, fmt in rows:
        row = sh.write([label, value], [None, fmt])
        sh.ws.cell(row=row, column=1).font = st["bold"]
    sh.blank()
    header = sh.header(["Bande", "Agents", "ETP", "Agents (exposition retenue)", "ETP (exposition retenue)",
                        "Part des activités"])
    for line in rdata.band_lines(data):
        row = sh.write([BAND_LABELS[line.band], line.agents, line.fte, line.retained_agents, line.retained_fte,
                        s["task_share"][line.band.value]], [None, INT, DEC2, INT, DEC2, PERCENT])
        sh.band_row(row, line.band, [1])
    del header
    sh.blank()
    sh.write(["À lire avant les chiffres"], measure=False)
    sh.ws.cell(row=sh.row, column=1).font = st["bold"]
    for text in (
        "Un score mesure un potentiel technique maximal, pas une prévision : il ne tient compte ni de la formation, "
        "ni des équipements, ni de l'organisation du travail, ni des choix de la commune.",
        "L'IA générative transforme des tâches plutôt qu'elle ne supprime des métiers.",
        "Les scores sont des indicateurs de tendance à discuter avec les agents et l'encadrement ; ils ne "
        "constituent jamais une décision concernant une personne.",
    ):
        sh.note(text)
    sh.finish()
    sh.ws.column_dimensions["A"].width = 58


def _jobs(wb, data: ReportData, st: dict) -> None:
    sh = _Sheet(wb, "Métiers", st)
    head = ["Code", "Métier", "Famille", "Agents", "ETP", "Score", "Écart type", "Bande", "Catégorie de l'OIT",
            "Score retenu", "Bande retenue", "Activités", "Décisions de la commune"]
    header = sh.header(head)
    formats = [None, None, None, INT, DEC2, SCORE, SCORE, None, None, SCORE, None, INT, None]
    for job in data.jobs:
        band = Band(job["band"])
        row = sh.write([
            job["code"], job["label"], data.family_label(job["code"]), job["agents"], job["fte"], job["score"],
            job["sd"], BAND_LABELS[band], data.ilo_label(job), job["retained_score"],
            BAND_LABELS[Band(job["retained_band"])], job["activities"], "oui" if job["decisions"] else "non",
        ], formats)
        sh.band_row(row, band, range(1, len(head) + 1))
    sh.table(header, len(head))
    sh.finish()


def _activities(wb, data: ReportData, st: dict, cancelled: Cancelled | None) -> None:
    sh = _Sheet(wb, "Activités", st)
    head = ["Code métier", "Métier", "Code activité", "Activité", "Score", "Bande", "Origine du score",
            "Tâches de l'OIT", "Tâches de l'OIT (texte)", "Non exercée", "Conservée humaine",
            "Score du référentiel", "Pondération"]
    header = sh.header(head)
    formats = [None, None, None, None, SCORE, None, None, None, None, None, None, SCORE, DEC2]
    origin = {"oit": "OIT", "estimation": "estimation", "commune": "commune"}
    for job in data.jobs:
        check_cancel(cancelled)
        result = data.results[job["code"]]
        described = activity_json(result, data.ref)
        for activity, info in zip(result.activities, described, strict=True):
            tasks = [data.ref.tasks.get(key) for key in activity.ilo_links]
            texts = " | ".join(t.text_fr or t.text_en for t in tasks if t is not None)
            row = sh.write([
                job["code"], job["label"], activity.id, activity.label, round(activity.score, 4),
                BAND_LABELS[activity.band], origin.get(info["source"], info["source"]), " | ".join(info["ilo_tasks"]),
                texts, "oui" if activity.excluded else "", "oui" if activity.kept_human else "",
                round(activity.base_score, 4) if activity.base_score is not None else None,
                activity.weight if activity.weight != 1.0 else None,
            ], formats)
            sh.band_row(row, activity.band, [6])
    sh.table(header, len(head))
    sh.finish()
    for letter in ("D", "I"):
        sh.ws.column_dimensions[letter].width = MAX_WIDTH


def _aggregates(wb, data: ReportData, st: dict) -> None:
    sh = _Sheet(wb, "Agrégats", st)
    sh.title("Répartition des agents rattachés à un métier, par bande d'exposition")
    k = data.k
    sh.note(f"« < {k} » : moins de {k} agents ; « n. d. » : chiffre non détaillé. Ces chiffres sont masqués pour "
            "qu'aucune personne ne puisse être reconnue, y compris par soustraction ; les totaux de la commune sont "
            "exacts.")
    first_header = None
    for dimension in ("categorie", "filiere", "direction", "sexe"):
        bd = rdata.breakdown(data, dimension)
        sh.blank()
        sh.write([f"Par {rdata.DIMENSION_TITLES[dimension]}"], measure=False)
        sh.ws.cell(row=sh.row, column=1).font = st["bold"]
        header = sh.header([rdata.DIMENSION_HEADERS[dimension], *[BAND_LABELS[b] for b in BANDS], "Total",
                            "Part concernée ou très concernée"])
        first_header = first_header or header
        for row in bd.rows:
            values: list[Any] = [row.label]
            values += [bd.cell_value(row, b) for b in BANDS]
            total = bd.total_value(row)
            share = bd.exposed_share(row)
            values += [total, row.exposed() / row.total if share else ""]
            sh.write(values, [None, INT, INT, INT, INT, INT, PERCENT])
        exposed = sum(bd.totals[b] for b in EXPOSED_BANDS)
        row = sh.write(["Ensemble", *[bd.totals[b] for b in BANDS], bd.total,
                        exposed / bd.total if bd.total else ""], [None, INT, INT, INT, INT, INT, PERCENT])
        for col in range(1, 8):
            sh.ws.cell(row=row, column=col).font = st["bold"]
        for col, band in enumerate(BANDS, start=2):
            sh.band_row(header, band, [col])
    sh.finish()


def _decisions(wb, data: ReportData, st: dict) -> None:
    sh = _Sheet(wb, "Décisions", st)
    sh.wrap_cols = {5, 8}
    head = ["Date", "Code métier", "Métier", "Code activité", "Activité", "Décision", "Valeur", "Motif", "Auteur"]
    header = sh.header(head)
    for line in rdata.decision_lines(data):
        sh.write([line.when or line.date, line.job_code, line.job, line.activity_id, line.activity, line.kind,
                  line.number, line.reason, line.author], [DATE, None, None, None, None, None, DEC2])
    sh.table(header, len(head))
    sh.finish()


def _dict_sheet(wb, title: str, rows: list[dict[str, str]], st: dict, columns: Sequence[str] | None = None) -> None:
    sh = _Sheet(wb, title, st)
    columns = list(columns or dict.fromkeys(key for row in rows for key in row))
    header = sh.header(columns)
    for row in rows:
        sh.write([row.get(col, "") for col in columns])
    sh.table(header, len(columns))
    sh.finish()


def build_workbook(project: Project, ref: Referentiel, path: Path, options: ReportOptions | None = None, *,
                   progress: Progress | None = None, cancelled: Cancelled | None = None) -> Path:
    """Write the results workbook to `path`; raises `ReportError` (French) or `ReportCancelled`."""
    from openpyxl import Workbook

    path = Path(path)
    data = prepare(project, ref, options or ReportOptions())
    st = _styles()
    steps = [
        ("Synthèse", lambda wb: _synthesis(wb, data, st)),
        ("Métiers", lambda wb: _jobs(wb, data, st)),
        ("Activités", lambda wb: _activities(wb, data, st, cancelled)),
        ("Agrégats", lambda wb: _aggregates(wb, data, st)),
        ("Décisions", lambda wb: _decisions(wb, data, st)),
    ]
    sheets = workshops.workshop_rows(project, ref)
    if sheets:
        steps.append(("Ateliers", lambda wb: _dict_sheet(wb, "Ateliers", sheets, st)))
    training = workshops.training_plan_rows(replace(project, privacy_k=data.k), ref)
    if training:
        steps.append(("Plan de formation",
                      lambda wb: _dict_sheet(wb, "Plan de formation", training, st)))
    wb = Workbook()
    wb.remove(wb.active)
    total = len(steps) + 1
    for n, (name, step) in enumerate(steps):
        check_cancel(cancelled)
        if progress is not None:
            progress(n, total, f"Feuille « {name} »…")
        step(wb)
    props = wb.properties
    props.creator = APP_NAME
    props.lastModifiedBy = APP_NAME
    props.title = f"{chapters.REPORT_TITLE} — {data.commune}"
    props.subject = "Résultats de la cartographie (méthode OIT / INET)"
    props.language = "fr-FR"
    props.keywords = "IA générative, métiers, OIT, INET"
    check_cancel(cancelled)
    with atomic_path(path) as tmp:
        try:
            wb.save(tmp)
        except OSError as exc:
            raise ReportError(f"Le classeur n'a pas pu être écrit : {exc.strerror or exc}.") from exc
    if progress is not None:
        progress(total, total, "Classeur enregistré.")
    return path
