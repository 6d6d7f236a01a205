"""The scoring engine: activity scores → job score (mean), SD, band and ILO category, with the commune's decisions.

Two scores per job:
- *exposition technique*: the ILO potential of the activities the commune exercises (with its corrected scores);
- *exposition retenue*: the same, but an activity the commune chooses to keep human counts for 0 — the commune has
  decided AI will not do it. It stays in the mean (removing it would raise the job's exposure, the opposite of the
  choice), so the retained score is never above the technical one.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from cartographie_desktop.core.ilo import TaskKey, ilo_category, ilo_category_label
from cartographie_desktop.core.model import Decision, DecisionKind, Index, Project
from cartographie_desktop.core.referentiel import Job, Referentiel
from cartographie_desktop.core.text import format_fte, format_score, round2


class Band(StrEnum):
    """The INET's four bands; a boundary belongs to the upper band."""

    PAS = "pas_concerne"
    PEU = "peu_concerne"
    CONCERNE = "concerne"
    TRES = "tres_concerne"

    @property
    def label(self) -> str:
        return BAND_LABELS[self]

    @property
    def rank(self) -> int:
        return BANDS.index(self)


BANDS: tuple[Band, ...] = (Band.PAS, Band.PEU, Band.CONCERNE, Band.TRES)
BAND_LABELS = {
    Band.PAS: "pas concerné",
    Band.PEU: "peu concerné",
    Band.CONCERNE: "concerné",
    Band.TRES: "très concerné",
}
BAND_RANGES = {
    Band.PAS: "0 ≤ score < 0,25",
    Band.PEU: "0,25 ≤ score < 0,50",
    Band.CONCERNE: "0,50 ≤ score < 0,75",
    Band.TRES: "0,75 ≤ score ≤ 1",
}
EXPOSED_BANDS = (Band.CONCERNE, Band.TRES)


def band_for(score: float) -> Band:
    """Band of a score rounded half-up to 2 decimals (0.745 → 0.75 → très concerné)."""
    value = round2(score)
    if value >= 0.75:
        return Band.TRES
    if value >= 0.50:
        return Band.CONCERNE
    if value >= 0.25:
        return Band.PEU
    return Band.PAS


def weighted_mean_sd(values: Sequence[float], weights: Sequence[float] | None = None) -> tuple[float, float]:
    """Mean and sample SD (n − 1, as the ILO); with weights, the reliability-weighted SD (same for equal weights)."""
    n = len(values)
    if n == 0:
        return 0.0, 0.0
    if weights is None:
        weights = [1.0] * n
    total = math.fsum(weights)
    if total <= 0:
        return 0.0, 0.0
    mean = math.fsum(w * x for w, x in zip(weights, values, strict=True)) / total
    if n < 2:
        return mean, 0.0
    total_sq = math.fsum(w * w for w in weights)
    denominator = total - total_sq / total
    if denominator <= 0:
        return mean, 0.0
    variance = math.fsum(w * (x - mean) ** 2 for w, x in zip(weights, values, strict=True)) / denominator
    return mean, math.sqrt(max(variance, 0.0))


@dataclass(frozen=True, slots=True)
class Stats:
    mean: float
    sd: float
    n: int
    index: Index

    @property
    def score(self) -> float:
        """The score as shown and banded: the mean rounded to 2 decimals."""
        return round2(self.mean)

    @property
    def band(self) -> Band:
        return band_for(self.mean)

    @property
    def ilo_category(self) -> str:
        return ilo_category(self.index, self.mean, self.sd)

    @property
    def ilo_category_label(self) -> str:
        return ilo_category_label(self.index, self.ilo_category)


@dataclass(frozen=True, slots=True)
class ActivityResult:
    id: str
    label: str
    base_score: float | None  # the référentiel's score for the index (None for an activity added by the commune)
    score: float  # the score used: the référentiel's, or the commune's
    weight: float
    excluded: bool
    kept_human: bool
    overridden: bool
    custom: bool
    ilo_links: tuple[TaskKey, ...]
    estimated: bool

    @property
    def active(self) -> bool:
        return not self.excluded

    @property
    def retained_score(self) -> float:
        return 0.0 if self.kept_human else self.score

    @property
    def band(self) -> Band:
        return band_for(self.score)

    def decision_marks(self) -> list[str]:
        """The commune's decisions on this activity, in French words (window and report say the same)."""
        marks = []
        if self.custom:
            marks.append("ajoutée par la commune")
        if self.excluded:
            marks.append("non exercée")
        if self.overridden:
            marks.append("score modifié" if self.base_score is None
                         else f"score modifié (référentiel : {format_score(self.base_score)})")
        if self.kept_human:
            marks.append("conservée humaine")
        if self.weight != 1.0:
            marks.append(f"pondération {format_fte(self.weight)}")
        return marks


@dataclass(frozen=True, slots=True)
class JobResult:
    code: str
    label: str
    activities: tuple[ActivityResult, ...]
    technical: Stats
    retained: Stats

    @property
    def active_activities(self) -> tuple[ActivityResult, ...]:
        return tuple(a for a in self.activities if a.active)

    @property
    def score(self) -> float:
        return self.technical.score

    @property
    def band(self) -> Band:
        return self.technical.band

    @property
    def has_retained(self) -> bool:
        """True when the commune kept some activity human, so the retained score differs from the technical one."""
        return any(a.kept_human and a.active for a in self.activities)

    @property
    def has_decisions(self) -> bool:
        return any(a.excluded or a.kept_human or a.overridden or a.custom or a.weight != 1.0
                   for a in self.activities)


def _decision_index(decisions: Iterable[Decision]) -> dict[tuple[DecisionKind, str], Decision]:
    return {(d.kind, d.activity): d for d in decisions}


def score_job(job: Job, index: Index, decisions: Iterable[Decision] = ()) -> JobResult:
    """Score one job for one index, with the commune's decisions about its activities."""
    by_kind = _decision_index(d for d in decisions if d.job == job.code)

    def result(activity_id, label, base, links, *, estimated, custom_score=None) -> ActivityResult:
        override = by_kind.get((DecisionKind.OVERRIDE, activity_id))
        weight = by_kind.get((DecisionKind.WEIGHT, activity_id))
        score = override.value if override and override.value is not None else (
            base if custom_score is None else custom_score)
        return ActivityResult(
            id=activity_id, label=label, base_score=base, score=float(score),
            weight=float(weight.value) if weight and weight.value is not None else 1.0,
            excluded=(DecisionKind.EXCLUDE, activity_id) in by_kind,
            kept_human=(DecisionKind.KEEP_HUMAN, activity_id) in by_kind,
            overridden=override is not None, custom=custom_score is not None, ilo_links=links,
            estimated=estimated,
        )

    rows = [result(a.id, a.label, a.score(index), a.ilo_links, estimated=a.estimated) for a in job.activities]
    customs = sorted((d for (kind, _), d in by_kind.items() if kind == DecisionKind.CUSTOM), key=lambda d: d.activity)
    rows += [result(d.activity, d.label, None, d.ilo_links, estimated=False, custom_score=d.value or 0.0)
             for d in customs]

    active = [a for a in rows if a.active]
    weights = [a.weight for a in active]
    technical = weighted_mean_sd([a.score for a in active], weights)
    retained = weighted_mean_sd([a.retained_score for a in active], weights)
    return JobResult(
        code=job.code, label=job.label, activities=tuple(rows),
        technical=Stats(technical[0], technical[1], len(active), index),
        retained=Stats(retained[0], retained[1], len(active), index),
    )


def score_project(project: Project, ref: Referentiel, index: Index | None = None) -> dict[str, JobResult]:
    """Results of every job that some post of the project counts for (unknown job codes are ignored)."""
    index = index or project.index
    used = {project.job_of(post) for post in project.posts}
    used.discard(None)
    by_job: dict[str, list[Decision]] = {}
    for decision in project.decisions.values():
        by_job.setdefault(decision.job, []).append(decision)
    return {
        code: score_job(ref.jobs[code], index, by_job.get(code, ()))
        for code in sorted(used) if code in ref.jobs
    }


def score_referentiel(ref: Referentiel, index: Index) -> dict[str, JobResult]:
    return {job.code: score_job(job, index) for job in ref}
