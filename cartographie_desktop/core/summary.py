"""The stable JSON shapes of `summary --json` and `referentiel --json` (DESIGN.md): one source for CLI, report and
export, so that what the council reads equals what the window shows.
"""

from __future__ import annotations

from typing import Any

from cartographie_desktop.core import aggregates
from cartographie_desktop.core.model import Index, Project
from cartographie_desktop.core.referentiel import Referentiel
from cartographie_desktop.core.scoring import BANDS, JobResult, score_job, score_project
from cartographie_desktop.core.text import round2
from cartographie_desktop.core.workshops import workshops_json


def _r(value: float, digits: int = 4) -> float:
    return round(value, digits)


def summary(project: Project, ref: Referentiel, index: Index | None = None) -> dict[str, Any]:
    index = index or project.index
    results = score_project(project, ref, index)
    agg = aggregates.compute(project, results)
    retained = aggregates.compute(project, results, basis="retenue")
    jobs = []
    for code, totals in sorted(agg.jobs.items(), key=lambda kv: (-results[kv[0]].technical.mean, kv[0])):
        result = results[code]
        jobs.append({
            "code": code,
            "label": result.label,
            "score": round2(result.technical.mean),
            "sd": round2(result.technical.sd),
            "band": result.technical.band.value,
            "ilo_category": result.technical.ilo_category,
            "retained_score": round2(result.retained.mean),
            "retained_band": result.retained.band.value,
            "agents": totals.agents,
            "fte": _r(totals.fte),
            "activities": len(result.active_activities),
            "decisions": result.has_decisions,
        })
    return {
        "commune": project.commune,
        "year": project.year,
        "index": index,
        "agents": agg.agents,
        "fte": _r(agg.fte),
        "assigned_agents": agg.assigned_agents,
        "exposed_share": _r(agg.exposed_share),
        "bands": {b.value: {"agents": agg.bands[b].agents, "fte": _r(agg.bands[b].fte)} for b in BANDS},
        "retained_bands": {b.value: {"agents": retained.bands[b].agents, "fte": _r(retained.bands[b].fte)}
                           for b in BANDS},
        "jobs": jobs,
        **{
            f"by_{dim}": {value: {b.value: cells[b].agents for b in BANDS}
                          for value, cells in sorted(agg.by[dim].items())}
            for dim in aggregates.DIMENSIONS
        },
        "unmatched": agg.unmatched_titles,
        "unmatched_agents": agg.unmatched_agents,
        "task_share": {b.value: _r(agg.task_share[b]) for b in BANDS},
        "decisions": len(project.decisions),
        "workshops": workshops_json(project, ref, index),
    }


def activity_json(result: JobResult, ref: Referentiel) -> list[dict[str, Any]]:
    job = ref.jobs.get(result.code)
    out = []
    for activity in result.activities:
        base = job.activity(activity.id) if job else None
        out.append({
            "id": activity.id,
            "label": activity.label,
            "score": round(activity.score, 4),
            "band": activity.band.value,
            "source": "estimation" if activity.estimated else ("commune" if activity.custom else "oit"),
            "ilo_tasks": [f"{isco}:{task}" for isco, task in activity.ilo_links],
            "rome": base.source if base else "",
        })
    return out


def referentiel_json(ref: Referentiel, index: Index) -> list[dict[str, Any]]:
    out = []
    for job in ref:
        result = score_job(job, index)
        out.append({
            "code": job.code,
            "label": job.label,
            "family": ref.families.get(job.family, job.family),
            "filieres": list(job.filieres),
            "categories": list(job.categories),
            "isco": list(job.isco),
            "rome": list(job.rome),
            "score": round2(result.technical.mean),
            "sd": round2(result.technical.sd),
            "band": result.technical.band.value,
            "ilo_category": result.technical.ilo_category,
            "activities": activity_json(result, ref),
        })
    return out
