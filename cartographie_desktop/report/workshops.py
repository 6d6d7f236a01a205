"""HOOKS for the workshop feature (issue « Ateliers »): the only place it needs to fill for the report and workbook.

- `workshop_sheet_flowables(workshop, data)` → the flowables of one workshop sheet in chapter « Ateliers » of the PDF
  (`chapters.workshops_chapter` calls it once per item of `project.workshops`, in order);
- `training_plan_rows(project, ref)` → the training-plan lines: chapter « Plan d'action » (section « Plan de
  formation issu des ateliers ») and the workbook's « Plan de formation » sheet (written only when there are lines);
- `workshop_rows(project, ref)` → one row per workshop sheet for the workbook's « Ateliers » sheet (written only when
  the project has workshops).

Rows are dicts whose keys are the column headers, in order. The PDF prints the training plan with the columns of
`TRAINING_COLUMNS` that the rows have (the workbook keeps every column); counts of agents under k must already be
« < k » (as `core.aggregates.mask_small` does).

A workshop sheet prints with the blocks of the printable A4 sheet (`report.workshop_sheet`), so the report and the
paper sheet say the same thing the same way. Everything a user typed goes through `styles.text()` before it enters
paragraph markup, and participants are described by role, never by name.
"""

from __future__ import annotations

from typing import Any

from reportlab.platypus import Flowable

from cartographie_desktop.core.model import Project
from cartographie_desktop.core.referentiel import Referentiel
from cartographie_desktop.core.text import format_date
from cartographie_desktop.report.data import ReportData
from cartographie_desktop.report.styles import gap, heading, para, styles, text

TRAINING_COLUMNS = ("Métier", "Besoin", "Population concernée", "Agents occupant le métier", "Priorité", "Horizon")


def _getter(workshop: Any):
    if isinstance(workshop, dict):
        return lambda key: workshop.get(key, "")
    return lambda key: getattr(workshop, key, "")


def _date(value: object) -> str:
    try:
        return format_date(str(value)) if value else ""
    except ValueError:
        return str(value)


def workshop_sheet_flowables(workshop: Any, data: ReportData) -> list[Flowable]:
    """HOOK — one workshop sheet: estimated vs computed impact with the gap in words, the activities 2025 → 2035,
    skills side by side, needs, effects, risks, opportunities, indicators and proposed decisions — the blocks of the
    printable A4 sheet (`report.workshop_sheet`), in the report's type. A record that is not a sheet (an older
    project file read without the workshop codec) prints its job and its date."""
    from cartographie_desktop.core.workshops import WorkshopSheet, compare_impact, job_result
    from cartographie_desktop.report import workshop_sheet

    if not isinstance(workshop, WorkshopSheet):
        return _plain_record(workshop, data)
    job = data.ref.jobs.get(workshop.job)
    result = data.results.get(workshop.job) or job_result(data.project, data.ref, workshop.job, data.index)
    context = workshop_sheet.SheetContext(job.label if job else workshop.job,
                                          compare_impact(workshop.impact, result) if result else None,
                                          data.project, data.index)
    look = workshop_sheet.report_look()
    return [heading(context.job_label, 1), workshop_sheet.subtitle(workshop, look),
            *workshop_sheet.sheet_blocks(workshop, context, look), gap(4)]


def _plain_record(workshop: Any, data: ReportData) -> list[Flowable]:
    st = styles()
    get = _getter(workshop)
    job = data.ref.jobs.get(str(get("job") or ""))
    title = job.label if job else (str(get("title") or "") or "Atelier")
    out: list[Flowable] = [heading(title, 1)]
    when = _date(get("date"))
    name = str(get("label") or "")
    facts = [f"{text(name)}." if name else "", f"Atelier du {text(when)}." if when else ""]
    line = " ".join(f for f in facts if f)
    if line:
        out.append(para(line, st.body))
    return out


def training_plan_rows(project: Project, ref: Referentiel) -> list[dict[str, str | int]]:
    """HOOK — the training-plan lines drawn from the workshops' support needs, one dict per line (see above): the
    table of the training-plan workbook (`report.training_plan`), counts under `project.privacy_k` shown « < k »."""
    from cartographie_desktop.report import training_plan

    headers = [header for header, _width in training_plan.HEADERS]
    return [dict(zip(headers, row, strict=True)) for row in training_plan.rows(project, ref)]


def workshop_rows(project: Project, ref: Referentiel) -> list[dict[str, str | int]]:
    """HOOK — one dict per workshop sheet for the workbook's « Ateliers » sheet; keys become the columns."""
    rows = []
    for workshop in project.workshops:
        get = _getter(workshop)
        code = str(get("job") or "")
        job = ref.jobs.get(code)
        impact = get("impact")
        rows.append({"Code métier": code, "Métier": job.label if job else "", "Date": _date(get("date")),
                     "Atelier": str(get("label") or get("title") or ""),
                     "Impact estimé par le groupe": getattr(impact, "text", "") if impact else "",
                     "Besoins d'accompagnement": len(get("needs") or ())})
    return rows
