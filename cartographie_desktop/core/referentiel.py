"""The référentiel of local-government jobs: each job, its activities, and the ILO tasks that score them.

Stored as diff-friendly CSV in `data/referentiel/` (format in CONTRIBUTING.md). Loaded once and cached; the 8 MB of
ILO reasoning texts are read only on demand.
"""

from __future__ import annotations

import csv
import statistics
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from cartographie_desktop.core import ilo
from cartographie_desktop.core.ilo import IloOccupation, IloReasoning, IloTask, TaskKey
from cartographie_desktop.core.model import CATEGORIES, FILIERES, Index

NATURES = ("bureau", "terrain", "mixte")
MIN_ACTIVITIES = 5
MAX_ACTIVITIES = 12


class ReferentielError(Exception):
    """The shipped référentiel cannot be read: a packaging fault, reported in French."""


@dataclass(frozen=True, slots=True)
class Activity:
    id: str
    job: str
    label: str
    ilo_links: tuple[TaskKey, ...]
    score_2023: float
    score_2025: float
    estimated: bool  # True when no ILO task fits and the score is our explicit estimate
    rationale: str  # why these ILO tasks (or why this estimate), one line in French
    source: str  # ROME provenance of the wording, or "rédaction propre"
    shared: str = ""  # id of the shared activity it follows, if any

    def score(self, index: Index) -> float:
        return self.score_2025 if index == "2025" else self.score_2023


@dataclass(frozen=True, slots=True)
class SharedActivity:
    """A kind of activity found in many jobs: it links to the same ILO tasks wherever it appears."""

    id: str
    label: str
    ilo_links: tuple[TaskKey, ...]
    rationale: str
    source: str
    estimated_2023: float | None = None
    estimated_2025: float | None = None


@dataclass(frozen=True, slots=True)
class Job:
    code: str
    label: str
    family: str
    filieres: tuple[str, ...]
    categories: tuple[str, ...]
    isco: tuple[str, ...]
    rome: tuple[str, ...]
    cnfpt: str
    definition: str
    nature: str = ""  # "bureau", "terrain" or "mixte": where the work is done (the coherence report uses it)
    synonyms: tuple[str, ...] = ()
    activities: tuple[Activity, ...] = ()

    def activity(self, activity_id: str) -> Activity | None:
        return next((a for a in self.activities if a.id == activity_id), None)


@dataclass(frozen=True, slots=True)
class Grade:
    """A grade of the French local civil service, to infer catégorie and filière when a file lacks them."""

    label: str
    cadre: str  # cadre d'emplois
    categorie: str
    filiere: str
    abbreviations: tuple[str, ...] = ()


@dataclass(slots=True)
class Referentiel:
    jobs: dict[str, Job]
    families: dict[str, str]
    tasks: dict[TaskKey, IloTask]
    occupations: dict[str, IloOccupation]
    shared: dict[str, SharedActivity]
    grades: list[Grade] = field(default_factory=list)
    abbreviations: dict[str, str] = field(default_factory=dict)
    ilo_dir: Path | None = None

    def job(self, code: str) -> Job:
        return self.jobs[code]

    def __iter__(self) -> Iterator[Job]:
        return iter(self.jobs.values())

    def __len__(self) -> int:
        return len(self.jobs)

    def reasoning(self, key: TaskKey) -> IloReasoning | None:
        return ilo.reasoning(self.ilo_dir, key) if self.ilo_dir else None

    def linked_tasks(self) -> set[TaskKey]:
        return {key for job in self for activity in job.activities for key in activity.ilo_links}


# --- loading ----------------------------------------------------------------------------------------------------


def _split(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in (text or "").split("|") if part.strip())


def parse_links(text: str) -> tuple[TaskKey, ...]:
    """`4226:1|4110:6` → (("4226", 1), ("4110", 6))."""
    links = []
    for part in _split(text):
        isco, sep, task = part.partition(":")
        if not sep or not task.strip().isdigit():
            raise ValueError(f"lien OIT illisible « {part} » (attendu : code ISCO:numéro de tâche)")
        links.append((isco.strip().zfill(4), int(task)))
    return tuple(links)


def _rows(paths: Iterable[Path]) -> Iterator[tuple[Path, int, dict[str, str]]]:
    for path in paths:
        with open(path, encoding="utf-8", newline="") as handle:
            for line, row in enumerate(csv.DictReader(handle), start=2):
                yield path, line, {k: (v or "").strip() for k, v in row.items() if k is not None}


def _parts(root: Path, name: str) -> list[Path]:
    """A table split by family (`activites/administration.csv`…) or whole (`activites.csv`)."""
    single = root / f"{name}.csv"
    parts = sorted((root / name).glob("*.csv")) if (root / name).is_dir() else []
    return ([single] if single.exists() else []) + parts


def _mean_score(links: tuple[TaskKey, ...], tasks: dict[TaskKey, IloTask], index: Index) -> float:
    values = [s for s in (tasks[key].score(index) for key in links) if s is not None]
    if not values:
        raise ValueError(f"aucune tâche liée n'a de score {index}")
    return statistics.fmean(values)


def _optional_float(text: str) -> float | None:
    return float(text.replace(",", ".")) if text else None


def _activity_scores(links, est_2023, est_2025, tasks) -> tuple[float, float, bool]:
    if links:
        return _mean_score(links, tasks, "2023"), _mean_score(links, tasks, "2025"), False
    if est_2023 is None or est_2025 is None:
        raise ValueError("ni tâche OIT liée ni score estimé (2023 et 2025)")
    return est_2023, est_2025, True


def load_from(root: Path, ilo_dir: Path) -> Referentiel:
    """Read the référentiel tables under `root` and the ILO tables under `ilo_dir`; raise on any inconsistency."""
    tasks = ilo.load_tasks(ilo_dir, ilo.load_translations(ilo_dir))
    occupations = ilo.load_occupations(ilo_dir)
    where = ""
    try:
        families = {row["code"]: row["label"] for _, _, row in _rows(_parts(root, "familles"))}

        shared: dict[str, SharedActivity] = {}
        for path, line, row in _rows(_parts(root, "activites_communes")):
            where = f"{path.name}, ligne {line}"
            links = parse_links(row.get("taches_oit", ""))
            shared[row["id"]] = SharedActivity(
                id=row["id"], label=row["libelle"], ilo_links=links, rationale=row.get("justification", ""),
                source=row.get("source", ""),
                estimated_2023=_optional_float(row.get("score_estime_2023", "")),
                estimated_2025=_optional_float(row.get("score_estime_2025", "")),
            )

        synonyms: dict[str, list[str]] = {}
        for path, line, row in _rows(_parts(root, "synonymes")):
            where = f"{path.name}, ligne {line}"
            synonyms.setdefault(row["metier"], []).append(row["synonyme"])

        activities: dict[str, list[Activity]] = {}
        for path, line, row in _rows(_parts(root, "activites")):
            where = f"{path.name}, ligne {line}"
            shared_id = row.get("commune", "")
            if shared_id:
                base = shared[shared_id]
                links, rationale = base.ilo_links, base.rationale
                est_2023, est_2025 = base.estimated_2023, base.estimated_2025
                label = row.get("libelle") or base.label
            else:
                links, rationale = parse_links(row.get("taches_oit", "")), row.get("justification", "")
                est_2023 = _optional_float(row.get("score_estime_2023", ""))
                est_2025 = _optional_float(row.get("score_estime_2025", ""))
                label = row["libelle"]
            missing = [key for key in links if key not in tasks]
            if missing:
                raise ValueError(f"tâche OIT inconnue {missing[0][0]}:{missing[0][1]}")
            s23, s25, estimated = _activity_scores(links, est_2023, est_2025, tasks)
            activities.setdefault(row["metier"], []).append(Activity(
                id=row["id"], job=row["metier"], label=label, ilo_links=links, score_2023=s23, score_2025=s25,
                estimated=estimated, rationale=rationale, source=row.get("source", ""), shared=shared_id,
            ))

        jobs: dict[str, Job] = {}
        for path, line, row in _rows(_parts(root, "metiers")):
            where = f"{path.name}, ligne {line}"
            code = row["code"]
            if code in jobs:
                raise ValueError(f"code métier en double {code}")
            jobs[code] = Job(
                code=code, label=row["libelle"], family=row["famille"], filieres=_split(row["filieres"]),
                categories=_split(row["categories"]), isco=_split(row["isco08"]), rome=_split(row["rome"]),
                cnfpt=row.get("cnfpt", ""), definition=row.get("definition", ""), nature=row.get("nature", ""),
                synonyms=tuple(synonyms.get(code, ())), activities=tuple(activities.get(code, ())),
            )

        orphans = (set(activities) | set(synonyms)) - set(jobs)
        if orphans:
            where = "activites / synonymes"
            raise ValueError(f"lignes rattachées à des métiers inconnus : {', '.join(sorted(orphans))}")

        where = "grades.csv"
        grades = [
            Grade(label=row["grade"], cadre=row["cadre_emplois"], categorie=row["categorie"],
                  filiere=row["filiere"], abbreviations=_split(row.get("abreviations", "")))
            for _, _, row in _rows(_parts(root, "grades"))
        ]
        where = "abreviations.csv"
        abbreviations: dict[str, str] = {}
        for _, _, row in _rows(_parts(root, "abreviations")):
            # An abbreviation may have several rows, most frequent meaning first: keep that one.
            abbreviations.setdefault(row["abreviation"], row["forme_longue"])
    except (KeyError, ValueError, OSError, csv.Error) as exc:
        raise ReferentielError(f"Référentiel des métiers illisible ({where}) : {exc}") from exc

    return Referentiel(
        jobs=jobs, families=families, tasks=tasks, occupations=occupations, shared=shared, grades=grades,
        abbreviations=abbreviations, ilo_dir=ilo_dir,
    )


@cache
def load() -> Referentiel:
    """The shipped référentiel (cached: loading it again costs nothing)."""
    from cartographie_desktop.paths import data_dir

    return load_from(data_dir() / "referentiel", data_dir() / "ilo")


def validate(ref: Referentiel) -> list[str]:
    """Every problem that would make a figure wrong or a job unusable, in French; empty when all is well."""
    problems: list[str] = []
    seen_activity_ids: set[str] = set()
    for job in ref:
        where = f"{job.code} « {job.label} »"
        if job.family not in ref.families:
            problems.append(f"{where} : famille inconnue « {job.family} »")
        if not job.filieres or any(f not in FILIERES for f in job.filieres):
            problems.append(f"{where} : filière(s) invalide(s) {job.filieres}")
        if not job.categories or any(c not in CATEGORIES for c in job.categories):
            problems.append(f"{where} : catégorie(s) invalide(s) {job.categories}")
        if not job.isco or any(code not in ref.occupations for code in job.isco):
            problems.append(f"{where} : code(s) ISCO-08 absent(s) de la table OIT {job.isco}")
        if job.nature not in NATURES:
            problems.append(f"{where} : nature « {job.nature} » (attendu bureau, terrain ou mixte)")
        if not job.rome:
            problems.append(f"{where} : aucun code ROME")
        if not MIN_ACTIVITIES <= len(job.activities) <= MAX_ACTIVITIES:
            problems.append(f"{where} : {len(job.activities)} activités (attendu {MIN_ACTIVITIES} à {MAX_ACTIVITIES})")
        labels = set()
        for activity in job.activities:
            if activity.id in seen_activity_ids:
                problems.append(f"{where} : identifiant d'activité en double {activity.id}")
            seen_activity_ids.add(activity.id)
            if activity.label.casefold() in labels:
                problems.append(f"{where} : activité en double « {activity.label} »")
            labels.add(activity.label.casefold())
            if not activity.rationale:
                problems.append(f"{where} : activité {activity.id} sans justification du lien OIT")
            for value in (activity.score_2023, activity.score_2025):
                if not 0.0 <= value <= 1.0:
                    problems.append(f"{where} : activité {activity.id} hors de [0, 1]")
            for key in activity.ilo_links:
                if not ref.tasks[key].text_fr:
                    problems.append(f"{where} : tâche OIT {key[0]}:{key[1]} sans traduction française")
    return problems
