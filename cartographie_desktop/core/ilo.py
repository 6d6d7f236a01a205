"""The ILO's task scores (Gmyrek et al., WP 96 2023 and WP 140 2025) and its occupation categories.

The category rules are those reconstructed from the ILO's published data (see `../shared/docs/DOMAIN.md`); they are
applied to means and SDs rounded to 2 decimals, in decimal arithmetic so that 0.30 + 0.10 is exactly 0.40.
"""

from __future__ import annotations

import csv
import gzip
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from cartographie_desktop.core.model import Index
from cartographie_desktop.core.text import round2

TaskKey = tuple[str, int]  # (ISCO-08 code, task id)


@dataclass(frozen=True, slots=True)
class IloTask:
    isco: str
    task_id: int
    text_en: str
    text_fr: str
    score_2023: float | None  # three tasks of the ILO file have no 2023 score
    score_2025: float
    source_2025: str  # "predicted" or "reconciled"

    @property
    def key(self) -> TaskKey:
        return (self.isco, self.task_id)

    def score(self, index: Index) -> float | None:
        return self.score_2025 if index == "2025" else self.score_2023


@dataclass(frozen=True, slots=True)
class IloOccupation:
    """An ISCO-08 unit group as the ILO published it (means and SDs copied, not recomputed)."""

    isco: str
    title_en: str
    title_fr: str
    mean_2023: float | None
    sd_2023: float | None
    potential_2023: str
    mean_2025: float | None
    sd_2025: float | None
    potential_2025: str


@dataclass(frozen=True, slots=True)
class IloReasoning:
    score_gpt4o: float | None
    reasoning_gpt4o: str
    score_gemini: float | None
    reasoning_gemini: str


def _float(text: str) -> float | None:
    return float(text) if text not in ("", None) else None


def load_tasks(ilo_dir: Path, translations: dict[TaskKey, str]) -> dict[TaskKey, IloTask]:
    tasks: dict[TaskKey, IloTask] = {}
    with open(ilo_dir / "taches_oit.csv", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            key = (row["isco08"], int(row["task_id"]))
            tasks[key] = IloTask(
                isco=key[0], task_id=key[1], text_en=row["task_en"], text_fr=translations.get(key, ""),
                score_2023=_float(row["score_2023"]), score_2025=float(row["score_2025"]),
                source_2025=row["source_2025"],
            )
    return tasks


def load_translations(ilo_dir: Path) -> dict[TaskKey, str]:
    path = ilo_dir / "taches_oit_fr.csv"
    if not path.exists():
        return {}
    with open(path, encoding="utf-8", newline="") as handle:
        return {(row["isco08"], int(row["task_id"])): row["task_fr"] for row in csv.DictReader(handle)}


def load_occupations(ilo_dir: Path) -> dict[str, IloOccupation]:
    with open(ilo_dir / "professions_oit.csv", encoding="utf-8", newline="") as handle:
        return {
            row["isco08"]: IloOccupation(
                isco=row["isco08"], title_en=row["title_en"], title_fr=row["title_fr"],
                mean_2023=_float(row["mean_2023"]), sd_2023=_float(row["sd_2023"]),
                potential_2023=row["potential_2023"], mean_2025=_float(row["mean_2025"]),
                sd_2025=_float(row["sd_2025"]), potential_2025=row["potential_2025"],
            )
            for row in csv.DictReader(handle)
        }


@cache
def _reasonings(ilo_dir: Path) -> dict[TaskKey, IloReasoning]:
    # 8 MB of text: read only when a person opens a task's detail, never at start-up.
    csv.field_size_limit(1 << 24)
    path = ilo_dir / "raisonnements_oit.csv"
    if not path.exists():  # the executable ships it gzipped (build.spec): 1.7 MB to extract at start instead of 8.6
        path = path.with_name(path.name + ".gz")
    with (gzip.open(path, "rt", encoding="utf-8", newline="") if path.suffix == ".gz"
          else open(path, encoding="utf-8", newline="")) as handle:
        return {
            (row["isco08"], int(row["task_id"])): IloReasoning(
                _float(row["score_gpt4o"]), row["reasoning_gpt4o"],
                _float(row["score_gemini"]), row["reasoning_gemini"],
            )
            for row in csv.DictReader(handle)
        }


def reasoning(ilo_dir: Path, key: TaskKey) -> IloReasoning | None:
    """The ILO models' written reasoning for one task (English)."""
    return _reasonings(ilo_dir).get(key)


# --- occupation categories -------------------------------------------------------------------------------------

CATEGORY_2023_LABELS = {
    "automatisation": "Potentiel d'automatisation",
    "grande_inconnue": "Grande inconnue",
    "augmentation": "Potentiel d'augmentation",
    "non_concerne": "Non concerné",
}

CATEGORY_2025_LABELS = {
    "gradient_4": "Exposé – gradient 4",
    "gradient_3": "Exposé – gradient 3",
    "gradient_2": "Exposé – gradient 2",
    "gradient_1": "Exposé – gradient 1",
    "minimale": "Exposition minimale",
    "non_expose": "Non exposé",
}

# The labels the ILO file uses, mapped to ours (tests compare against the published labels).
ILO_LABELS_2023 = {
    "Automation Potential": "automatisation",
    "The Big Uknown": "grande_inconnue",
    "Augmentation Potential": "augmentation",
    "Not affected": "non_concerne",
}
ILO_LABELS_2025 = {
    "Exposed: Gradient 4": "gradient_4",
    "Exposed: Gradient 3": "gradient_3",
    "Exposed: Gradient 2": "gradient_2",
    "Exposed: Gradient 1": "gradient_1",
    "Minimal Exposure": "minimale",
    "Not Exposed": "non_expose",
}


def _dec(value: float) -> Decimal:
    return Decimal(repr(round2(value)))


def category_2023(mean: float, sd: float) -> str:
    """WP 96 (2023) occupation category from the mean and SD of its task scores."""
    m, s = _dec(mean), _dec(sd)
    if m - s >= Decimal("0.50"):
        return "automatisation"
    if m >= Decimal("0.40"):
        return "grande_inconnue"
    if m + s > Decimal("0.50"):
        return "augmentation"
    return "non_concerne"


def category_2025(mean: float, sd: float) -> str:
    """WP 140 (2025) exposure gradient from the mean and SD of its task scores."""
    m, s = _dec(mean), _dec(sd)
    if m >= Decimal("0.60"):
        return "gradient_4"
    if m >= Decimal("0.50"):
        return "gradient_3"
    if m >= Decimal("0.40") and m + s >= Decimal("0.50"):
        return "gradient_2"
    if m < Decimal("0.40") and m + s >= Decimal("0.50"):
        return "gradient_1"
    if m + s >= Decimal("0.40"):
        return "minimale"
    return "non_expose"


def ilo_category(index: Index, mean: float, sd: float) -> str:
    return category_2025(mean, sd) if index == "2025" else category_2023(mean, sd)


def ilo_category_label(index: Index, category: str) -> str:
    return (CATEGORY_2025_LABELS if index == "2025" else CATEGORY_2023_LABELS).get(category, category)
