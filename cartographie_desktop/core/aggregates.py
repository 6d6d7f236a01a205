"""Aggregates over the posts of a project: headcount and FTE by band, by catégorie / filière / direction / sexe,
and the share of activities by band (the INET's « 25 % des tâches »).

Totals are exact. Hiding small figures (« < 3 ») is a matter of presentation, done by `mask_small` at the edge.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Literal

from cartographie_desktop.core.model import Post, Project
from cartographie_desktop.core.scoring import BANDS, EXPOSED_BANDS, Band, JobResult, band_for

Basis = Literal["technique", "retenue"]
NOT_SET = "non_renseigne"
DIMENSIONS = ("categorie", "filiere", "direction", "sexe")


@dataclass(slots=True)
class Cell:
    agents: int = 0
    fte: float = 0.0

    def add(self, post: Post) -> None:
        self.agents += post.headcount
        self.fte += post.fte


def _bands() -> dict[Band, Cell]:
    return {band: Cell() for band in BANDS}


@dataclass(slots=True)
class JobTotals:
    code: str
    agents: int = 0
    fte: float = 0.0


@dataclass(slots=True)
class Aggregates:
    basis: Basis
    agents: int = 0  # every post of the project
    fte: float = 0.0
    assigned_agents: int = 0  # posts that count for a job
    assigned_fte: float = 0.0
    bands: dict[Band, Cell] = field(default_factory=_bands)
    by: dict[str, dict[str, dict[Band, Cell]]] = field(default_factory=dict)  # dimension → value → band → cell
    jobs: dict[str, JobTotals] = field(default_factory=dict)
    unmatched_titles: list[str] = field(default_factory=list)
    unmatched_agents: int = 0
    task_share: dict[Band, float] = field(default_factory=lambda: dict.fromkeys(BANDS, 0.0))

    @property
    def exposed_share(self) -> float:
        """Share of the agents with a job whose job is *concerné* or *très concerné*."""
        if not self.assigned_agents:
            return 0.0
        return sum(self.bands[b].agents for b in EXPOSED_BANDS) / self.assigned_agents


def _value(post: Post, dimension: str) -> str:
    return getattr(post, dimension) or NOT_SET


def compute(project: Project, results: dict[str, JobResult], basis: Basis = "technique") -> Aggregates:
    """Aggregate the project's posts over the job results (`scoring.score_project`)."""
    agg = Aggregates(basis=basis)
    agg.by = {dim: defaultdict(_bands) for dim in DIMENSIONS}
    share_weight = dict.fromkeys(BANDS, 0.0)
    unmatched: dict[str, str] = {}
    job_share_cache: dict[str, dict[Band, float]] = {}

    for post in project.posts:
        agg.agents += post.headcount
        agg.fte += post.fte
        code = project.job_of(post)
        result = results.get(code) if code else None
        if result is None:
            agg.unmatched_agents += post.headcount
            unmatched.setdefault(post.title_key, post.title)
            continue
        stats = result.technical if basis == "technique" else result.retained
        band = stats.band
        agg.assigned_agents += post.headcount
        agg.assigned_fte += post.fte
        agg.bands[band].add(post)
        for dim in DIMENSIONS:
            agg.by[dim][_value(post, dim)][band].add(post)
        totals = agg.jobs.setdefault(code, JobTotals(code))
        totals.agents += post.headcount
        totals.fte += post.fte
        shares = job_share_cache.get(code)
        if shares is None:
            shares = job_share_cache[code] = _activity_shares(result, basis)
        for b, share in shares.items():
            share_weight[b] += share * post.headcount

    total_weight = sum(share_weight.values())
    if total_weight:
        agg.task_share = {b: share_weight[b] / total_weight for b in BANDS}
    agg.by = {dim: dict(values) for dim, values in agg.by.items()}
    agg.unmatched_titles = sorted(unmatched.values(), key=str.casefold)
    return agg


def _activity_shares(result: JobResult, basis: Basis) -> dict[Band, float]:
    """How one agent's work splits over the bands: the job's active activities, by weight, summing to 1."""
    shares = dict.fromkeys(BANDS, 0.0)
    active = result.active_activities
    total = sum(a.weight for a in active)
    if not total:
        return shares
    for activity in active:
        score = activity.score if basis == "technique" else activity.retained_score
        shares[band_for(score)] += activity.weight / total
    return shares


def mask_small(count: int, k: int) -> str | int:
    """A count about fewer than k people is shown as « < k » (0 stays 0: nobody to recognise)."""
    return f"< {k}" if 0 < count < k else count
