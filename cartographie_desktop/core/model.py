"""Domain types shared by every layer: posts of the staffing table, title matches, the commune's decisions, the project.

Only plain data lives here. Scoring is in `scoring`, edits in `commands`, persistence in `io.store`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

from cartographie_desktop.core.text import fold

Index = Literal["2023", "2025"]
INDEXES: tuple[Index, ...] = ("2023", "2025")
DEFAULT_INDEX: Index = "2025"
DEFAULT_PRIVACY_K = 3
MAX_PRIVACY_K = 100  # a threshold above this hides every figure of a commune

INDEX_LABELS: dict[str, str] = {
    "2023": "OIT 2023 (document de travail n° 96)",
    "2025": "OIT 2025 (document de travail n° 140)",
}

CATEGORIES = ("A", "B", "C")

# Filière ids as stored; labels as shown.
FILIERES: dict[str, str] = {
    "administrative": "Administrative",
    "technique": "Technique",
    "culturelle": "Culturelle",
    "sportive": "Sportive",
    "sociale": "Sociale",
    "medico_sociale": "Médico-sociale",
    "medico_technique": "Médico-technique",
    "animation": "Animation",
    "police_municipale": "Police municipale",
    "incendie_secours": "Incendie et secours",
    "hors_filiere": "Hors filière",
}

# Employment statuses as stored; labels as shown. Elected officials and school interns are not staff.
STATUSES: dict[str, str] = {
    "titulaire": "Titulaire",
    "stagiaire": "Stagiaire (fonctionnaire)",
    "contractuel": "Contractuel",
    "apprenti": "Apprenti",
    "contrat_aide": "Contrat aidé",
    "vacataire": "Vacataire",
    "elu": "Élu",
    "stage_ecole": "Stagiaire école",
}

SEXES: dict[str, str] = {"F": "Femmes", "H": "Hommes"}


class MatchStatus(StrEnum):
    """How a staffing-table title got its job (the `status` of `import --json`)."""

    AUTO = "auto"  # matched automatically with enough confidence
    CONFIRMED = "confirme"  # a person chose or confirmed the job
    TO_CHECK = "a_verifier"  # not sure enough: no job used until a person decides

    @property
    def label(self) -> str:
        return {"auto": "Automatique", "confirme": "Confirmé", "a_verifier": "À vérifier"}[self.value]


@dataclass(frozen=True, slots=True)
class Post:
    """One line of the staffing table once read: a post (or, for a budget annex line, several identical posts).

    Never holds a name, a NIR or a date of birth.
    """

    id: int
    title: str
    grade: str = ""
    categorie: str = ""  # "A", "B", "C" or ""
    filiere: str = ""  # a key of FILIERES or ""
    direction: str = ""
    status: str = ""  # a key of STATUSES or ""
    sexe: str = ""  # "F", "H" or ""
    fte: float = 1.0  # total FTE of the line
    headcount: int = 1  # agents on the line (budget annex lines count several)
    budget: str = ""  # budget or sheet the line came from (budget principal, CCAS…)
    source: str = ""  # where it came from, e.g. "Effectifs, ligne 12"

    @property
    def title_key(self) -> str:
        return fold(self.title)


@dataclass(frozen=True, slots=True)
class ImportIssue:
    """Something the reader wants a person to know about one line or one value, in French."""

    kind: Literal["set_aside", "merged", "value", "warning"]
    message: str
    line: int | None = None  # 1-based row number in the sheet or file
    sheet: str = ""
    column: str = ""
    value: str = ""


@dataclass(slots=True)
class ImportResult:
    """What a reader returns: the posts, and an issue for every line or value it could not take as it was."""

    posts: list[Post]
    issues: list[ImportIssue]
    lines_in: int = 0
    merged: int = 0
    source_name: str = ""
    source_format: str = ""
    encoding: str = ""
    sheet: str = ""
    header_row: int | None = None
    mapping: dict[str, str] = field(default_factory=dict)  # column header → field id
    personal: dict[int, dict[str, str]] = field(default_factory=dict)  # only when the user explicitly opts in

    @property
    def set_aside(self) -> list[ImportIssue]:
        return [issue for issue in self.issues if issue.kind == "set_aside"]

    @property
    def imported(self) -> int:
        """Input lines that became posts (a merged payroll agent counts once)."""
        return len(self.posts)

    def check_accounting(self) -> bool:
        """True when no line silently disappeared: lines in = imported + merged + set aside."""
        return self.lines_in == self.imported + self.merged + len(self.set_aside)


@dataclass(frozen=True, slots=True)
class TitleMatch:
    """The job a distinct staffing-table title is matched to. `job_code` is None while the title is *à vérifier*."""

    title: str
    job_code: str | None
    confidence: float
    status: MatchStatus
    alternatives: tuple[tuple[str, float], ...] = ()  # (job code, confidence), best first

    @property
    def key(self) -> str:
        return fold(self.title)


class DecisionKind(StrEnum):
    """The commune's decisions, layered over the référentiel without ever editing it."""

    EXCLUDE = "non_exercee"  # activity not done in this commune
    OVERRIDE = "score_modifie"  # score changed by a person (reason mandatory)
    KEEP_HUMAN = "conservee_humaine"  # the commune chooses to keep the activity human
    WEIGHT = "ponderation"  # share of working time, when someone sets it
    CUSTOM = "activite_ajoutee"  # an activity of the commune's own

    @property
    def label(self) -> str:
        return DECISION_LABELS[self]


DECISION_LABELS = {
    DecisionKind.EXCLUDE: "Activité non exercée dans la commune",
    DecisionKind.OVERRIDE: "Score modifié",
    DecisionKind.KEEP_HUMAN: "Conservée humaine par choix de la collectivité",
    DecisionKind.WEIGHT: "Pondération de l'activité",
    DecisionKind.CUSTOM: "Activité ajoutée par la commune",
}


@dataclass(frozen=True, slots=True)
class Decision:
    """One decision of the commune about one activity of one job. Unique per (kind, job, activity)."""

    kind: DecisionKind
    job: str
    activity: str  # référentiel activity id, or the id of a custom activity
    value: float | None = None  # the score (OVERRIDE, CUSTOM) or the weight (WEIGHT)
    reason: str = ""
    author: str = ""
    date: str = ""  # ISO 8601
    label: str = ""  # CUSTOM: the activity's wording
    ilo_links: tuple[tuple[str, int], ...] = ()  # CUSTOM: ILO tasks it was compared to, if any

    @property
    def key(self) -> DecisionKey:
        return (self.kind, self.job, self.activity)


DecisionKey = tuple[DecisionKind, str, str]


@dataclass(slots=True)
class Project:
    """Everything a `.carto` file holds, in memory. Edits go through `core.commands` so they can be undone."""

    commune: str = ""
    year: int = 0
    index: Index = DEFAULT_INDEX
    privacy_k: int = DEFAULT_PRIVACY_K
    posts: list[Post] = field(default_factory=list)
    matches: dict[str, TitleMatch] = field(default_factory=dict)  # by folded title
    post_jobs: dict[int, str] = field(default_factory=dict)  # a person's per-post assignment, overrides the title
    decisions: dict[DecisionKey, Decision] = field(default_factory=dict)
    mapping: dict[str, str] = field(default_factory=dict)  # column mapping used at import
    source_name: str = ""  # the staffing file's name (never its path: it may name a person's folder)
    workshops: list[Any] = field(default_factory=list)  # filled by the workshop feature (core.workshops)
    extra: dict[str, Any] = field(default_factory=dict)  # small settings that travel with the project

    def job_of(self, post: Post) -> str | None:
        """The job a post counts for: its own assignment, else its title's match (none while *à vérifier*)."""
        assigned = self.post_jobs.get(post.id)
        if assigned:
            return assigned
        match = self.matches.get(post.title_key)
        return match.job_code if match else None

    def decisions_for(self, job: str) -> list[Decision]:
        return [d for d in self.decisions.values() if d.job == job]
