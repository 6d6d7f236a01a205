"""The figures the PDF and the workbook print, computed once from `core.summary` (THE numbers) and the engine.

Every count shown in a report comes from `summary(project, ref, index)`, so that the council reads what the window and
`summary --json` show. Privacy is applied here, at the edge, by one rule: a figure about fewer than *k* agents in a
breakdown is shown « < k » and its percentage hidden; a breakdown row about fewer than *k* agents is hidden whole
(even its zeros, which would tell where those few people are); totals over the whole commune stay exact.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from cartographie_desktop.core import aggregates
from cartographie_desktop.core.aggregates import NOT_SET, Aggregates
from cartographie_desktop.core.ilo import ilo_category_label
from cartographie_desktop.core.model import FILIERES, SEXES, Decision, DecisionKind, Index, Project
from cartographie_desktop.core.referentiel import Referentiel
from cartographie_desktop.core.scoring import BANDS, EXPOSED_BANDS, Band, JobResult, score_project
from cartographie_desktop.core.summary import summary
from cartographie_desktop.core.text import format_date, format_fte, format_number, format_percent, format_score
from cartographie_desktop.report import privacy
from cartographie_desktop.report.options import ReportOptions


class ReportCancelled(Exception):
    """The person pressed « Annuler » while a report or a workbook was being built; nothing was written."""


Progress = Callable[[int, int, str], None]  # (done, total, French text), as `gui.tasks.TaskContext.progress`
Cancelled = Callable[[], bool]

DIMENSION_TITLES = {
    "categorie": "catégorie",
    "filiere": "filière",
    "direction": "direction ou service",
    "sexe": "sexe",
}
DIMENSION_HEADERS = {"categorie": "Catégorie", "filiere": "Filière", "direction": "Direction", "sexe": "Sexe"}
THEME_MIN_SCORE = 0.50  # activities at least *concerné*: the INET's « tâches à haut potentiel »


@dataclass(slots=True)
class ReportData:
    """Everything a report needs, computed once. `summary` is the stable JSON of `summary --json`."""

    project: Project
    ref: Referentiel
    options: ReportOptions  # resolved: k, index, date and chapters are set
    summary: dict[str, Any]
    results: dict[str, JobResult]
    agg: Aggregates
    retained: Aggregates

    @property
    def k(self) -> int:
        return int(self.options.k or 3)

    @property
    def index(self) -> Index:
        return self.summary["index"]

    @property
    def jobs(self) -> list[dict[str, Any]]:
        """The commune's jobs, most exposed first (the order of `summary --json`)."""
        return self.summary["jobs"]

    @property
    def date_text(self) -> str:
        return format_date(self.options.date)

    @property
    def commune(self) -> str:
        return self.project.commune.strip() or "Commune sans nom"

    @property
    def exposed_agents(self) -> int:
        return sum(self.summary["bands"][b.value]["agents"] for b in EXPOSED_BANDS)

    @property
    def retained_exposed_agents(self) -> int:
        return sum(self.summary["retained_bands"][b.value]["agents"] for b in EXPOSED_BANDS)

    @property
    def has_retained(self) -> bool:
        """True when the commune kept some activity human in a job it has, so the two exposures can differ."""
        return any(self.results[job["code"]].has_retained for job in self.jobs)

    def ilo_label(self, job: dict[str, Any]) -> str:
        return ilo_category_label(self.index, job["ilo_category"])

    def family_label(self, code: str) -> str:
        job = self.ref.jobs.get(code)
        return self.ref.families.get(job.family, job.family) if job else ""


def prepare(project: Project, ref: Referentiel, options: ReportOptions) -> ReportData:
    """Resolve the options and compute the figures (raises `OptionsError` in French on a bad option)."""
    options = options.resolved(project)
    index = options.index
    data_summary = summary(project, ref, index)
    results = score_project(project, ref, index)
    return ReportData(
        project=project, ref=ref, options=options, summary=data_summary, results=results,
        agg=aggregates.compute(project, results), retained=aggregates.compute(project, results, basis="retenue"),
    )


def check_cancel(cancelled: Cancelled | None) -> None:
    if cancelled is not None and cancelled():
        raise ReportCancelled


# --- small numbers ----------------------------------------------------------------------------------------------


def count_text(count: int, k: int) -> str:
    """A count as printed in a breakdown: exact, or « < k » for 1 … k − 1 people."""
    masked = aggregates.mask_small(count, k)
    return masked if isinstance(masked, str) else format_number(masked)


def share_text(count: int, total: int, k: int) -> str:
    """`count / total` as « 38 % », or "" when the count (or the group) is about fewer than k people."""
    if total <= 0 or total < k or 0 < count < k:
        return ""
    return format_percent(count / total)


def masked(count: int, k: int) -> bool:
    return 0 < count < k


# --- breakdowns -------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class BreakdownRow:
    value: str  # the stored value (« A », « administrative », « non_renseigne »…)
    label: str  # as printed
    counts: dict[Band, int]
    total: int
    hidden: dict[Band, bool] = field(default_factory=dict)  # cells not printed (see `report.privacy`)
    total_hidden: bool = False

    def exposed(self) -> int:
        return sum(self.counts[b] for b in EXPOSED_BANDS)


@dataclass(slots=True)
class Breakdown:
    """One breakdown as printed: every figure goes through `cell`, `cell_share`, `total_cell`, `exposed_share`."""

    dimension: str
    rows: list[BreakdownRow]
    totals: dict[Band, int]
    k: int
    any_masked: bool = False
    informative: bool = True  # False when every agent has the same value (e.g. no direction in the file)

    @property
    def total(self) -> int:
        return sum(self.totals.values())

    def cell_value(self, row: BreakdownRow, band: Band) -> str | int:
        """The count as printed: an int, « < k » or « n. d. »."""
        return privacy.shown(row.counts[band], row.hidden[band], self.k)

    def cell(self, row: BreakdownRow, band: Band) -> str:
        value = self.cell_value(row, band)
        return value if isinstance(value, str) else format_number(value)

    def cell_share(self, row: BreakdownRow, band: Band) -> str:
        """The cell's share of its group, or "" when the cell or the group's size is not printed (or is 0)."""
        if row.hidden[band] or row.total_hidden or not row.counts[band]:
            return ""
        return format_percent(row.counts[band] / row.total)

    def total_value(self, row: BreakdownRow) -> str | int:
        return privacy.shown(row.total, row.total_hidden, self.k)

    def total_cell(self, row: BreakdownRow) -> str:
        value = self.total_value(row)
        return value if isinstance(value, str) else format_number(value)

    def exposed_share(self, row: BreakdownRow) -> str:
        if row.total_hidden or any(row.hidden[b] for b in EXPOSED_BANDS) or not row.total:
            return ""
        return format_percent(row.exposed() / row.total)

    def visible_counts(self) -> list[dict[Band, int | None]]:
        """Per row, the counts a chart may draw: None where the figure is hidden (same rule as the table)."""
        return [{b: None if row.hidden[b] else row.counts[b] for b in BANDS} for row in self.rows]


def value_label(dimension: str, value: str) -> str:
    if value == NOT_SET:
        return "Non renseigné"
    if dimension == "categorie":
        return f"Catégorie {value}"
    if dimension == "filiere":
        return FILIERES.get(value, value)
    if dimension == "sexe":
        return SEXES.get(value, value)
    return value


def _order_key(dimension: str, value: str, total: int) -> tuple:
    """The order of the charts' bars (`report.charts.group_bars`): catégorie and sexe by value, the others by size."""
    if dimension in ("categorie", "sexe"):
        return (value == NOT_SET, value)
    return (value == NOT_SET, -total, value.casefold())


def breakdown(data: ReportData, dimension: str) -> Breakdown:
    """One breakdown of `summary --json` (`by_categorie`…), with small numbers hidden (`report.privacy`)."""
    k = data.k
    by = data.summary[f"by_{dimension}"]
    rows = []
    for value in sorted(by, key=lambda v: _order_key(dimension, v, sum(by[v].values()))):
        counts = {b: int(by[value][b.value]) for b in BANDS}
        rows.append(BreakdownRow(value, value_label(dimension, value), counts, sum(counts.values())))
    hidden = privacy.suppress([[row.counts[b] for b in BANDS] for row in rows], k)
    for r, row in enumerate(rows):
        row.hidden = dict(zip(BANDS, hidden.cells[r], strict=True))
        row.total_hidden = hidden.totals[r]
    totals = {b: int(data.summary["bands"][b.value]["agents"]) for b in BANDS}
    result = Breakdown(dimension, rows, totals, k, any_masked=hidden.any())
    result.informative = len(rows) > 1 or (len(rows) == 1 and rows[0].value != NOT_SET)
    return result


@dataclass(slots=True)
class BandLine:
    band: Band
    agents: int
    fte: float
    retained_agents: int
    retained_fte: float


def band_lines(data: ReportData) -> list[BandLine]:
    s = data.summary
    return [BandLine(b, s["bands"][b.value]["agents"], s["bands"][b.value]["fte"],
                     s["retained_bands"][b.value]["agents"], s["retained_bands"][b.value]["fte"]) for b in BANDS]


# --- jobs, activities, themes -----------------------------------------------------------------------------------


def nature_counts(data: ReportData) -> dict[str, tuple[int, int]]:
    """Agents by where their job is done (« bureau », « terrain », « mixte », from the référentiel): (exposed, all)."""
    out: dict[str, tuple[int, int]] = {}
    for job in data.jobs:
        ref_job = data.ref.jobs.get(job["code"])
        nature = getattr(ref_job, "nature", "") if ref_job else ""
        if not nature:
            continue
        exposed, total = out.get(nature, (0, 0))
        out[nature] = (exposed + (job["agents"] if Band(job["band"]) in EXPOSED_BANDS else 0),
                       total + job["agents"])
    return out


def top_jobs(data: ReportData, n: int = 5) -> list[dict[str, Any]]:
    return data.jobs[:n]


@dataclass(slots=True)
class ThemeTask:
    label: str
    score: float
    jobs: list[str] = field(default_factory=list)
    agents: int = 0
    kept_human: bool = False


@dataclass(slots=True)
class Theme:
    title: str
    tasks: list[ThemeTask]
    agents: int  # agents whose job has at least one of these activities

    @property
    def best(self) -> float:
        return max(t.score for t in self.tasks)


def themes(data: ReportData, min_score: float = THEME_MIN_SCORE) -> list[Theme]:
    """The activities at least *concerné* grouped by theme: the kind of activity it shares with other jobs when it
    follows a shared activity of the référentiel, else the job's family. Most agents first."""
    groups: dict[str, dict[str, ThemeTask]] = {}
    theme_jobs: dict[str, set[str]] = {}
    agents_of = {job["code"]: job["agents"] for job in data.jobs}
    for code, result in data.results.items():
        if code not in agents_of:
            continue
        job = data.ref.jobs.get(code)
        for activity in result.active_activities:
            if activity.score < min_score - 1e-9:
                continue
            base = job.activity(activity.id) if job else None
            if base is not None and base.shared and base.shared in data.ref.shared:
                title = data.ref.shared[base.shared].label or data.family_label(code)
            else:
                title = data.family_label(code) or "Autres activités"
            tasks = groups.setdefault(title, {})
            task = tasks.setdefault(activity.label.casefold(), ThemeTask(activity.label, activity.score))
            task.score = max(task.score, activity.score)
            if result.label not in task.jobs:
                task.jobs.append(result.label)
                task.agents += agents_of[code]
            task.kept_human = task.kept_human or activity.kept_human
            theme_jobs.setdefault(title, set()).add(code)
    out = []
    for title, tasks in groups.items():
        ordered = sorted(tasks.values(), key=lambda t: (-t.score, -t.agents, t.label.casefold()))
        out.append(Theme(title, ordered, sum(agents_of[c] for c in theme_jobs[title])))
    out.sort(key=lambda t: (-t.agents, -t.best, t.title.casefold()))
    return out


# --- decisions --------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class DecisionLine:
    date: str
    job_code: str
    job: str
    activity_id: str
    activity: str
    kind: str
    value: str
    reason: str
    author: str
    sort_key: tuple = ()
    when: date | None = None  # the date as a date, for the workbook
    number: float | None = None  # the score or weight, for the workbook


def _activity_label(data: ReportData, decision: Decision) -> str:
    if decision.kind == DecisionKind.CUSTOM and decision.label:
        return decision.label
    result = data.results.get(decision.job)
    if result is not None:
        for activity in result.activities:
            if activity.id == decision.activity:
                return activity.label
    job = data.ref.jobs.get(decision.job)
    base = job.activity(decision.activity) if job else None
    return base.label if base else decision.activity


def _decision_value(decision: Decision) -> str:
    if decision.value is None:
        return ""
    if decision.kind == DecisionKind.WEIGHT:
        return format_fte(decision.value)
    if decision.kind in (DecisionKind.OVERRIDE, DecisionKind.CUSTOM):
        return format_score(decision.value)
    return ""


NUMERIC_DECISIONS = (DecisionKind.OVERRIDE, DecisionKind.CUSTOM, DecisionKind.WEIGHT)


def decision_lines(data: ReportData) -> list[DecisionLine]:
    """The commune's decisions, oldest first: what, on which activity, why, who, when."""
    lines = []
    for decision in data.project.decisions.values():
        job = data.ref.jobs.get(decision.job)
        try:
            moment = datetime.fromisoformat(decision.date) if decision.date else None
        except ValueError:
            moment = None
        when = format_date(moment) if moment else decision.date
        lines.append(DecisionLine(
            date=when, job_code=decision.job, job=job.label if job else decision.job,
            activity_id=decision.activity, activity=_activity_label(data, decision), kind=decision.kind.label,
            value=_decision_value(decision), reason=decision.reason, author=decision.author,
            sort_key=(decision.date or "9999", decision.job, decision.activity, decision.kind.value),
            when=moment.date() if moment else None,
            number=decision.value if decision.kind in NUMERIC_DECISIONS else None,
        ))
    lines.sort(key=lambda line: line.sort_key)
    return lines


def decision_counts(data: ReportData) -> dict[DecisionKind, int]:
    counts = dict.fromkeys(DecisionKind, 0)
    for decision in data.project.decisions.values():
        counts[decision.kind] += 1
    return counts


def fte_text(value: float) -> str:
    return format_fte(value)
