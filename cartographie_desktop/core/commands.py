"""Edits as data: each command is a frozen dataclass whose `apply(project)` changes the project and returns the
command that undoes it. The GUI wraps them in `QUndoCommand`s; the store persists the sections they touch.

Build decisions through the factories at the bottom: they validate (reason mandatory, score in [0, 1], at least one
activity left) and raise `EditError` with a French message.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Protocol

from cartographie_desktop.core.model import (
    INDEXES,
    MAX_PRIVACY_K,
    Decision,
    DecisionKey,
    DecisionKind,
    MatchStatus,
    Project,
    TitleMatch,
)
from cartographie_desktop.core.referentiel import Referentiel
from cartographie_desktop.core.text import format_score

# Sections of the project a command may change; the store rewrites exactly these.
DECISIONS, MATCHES, POST_JOBS, META, WORKSHOPS = "decisions", "matches", "post_jobs", "meta", "workshops"


class EditError(ValueError):
    """An edit that cannot be made, with the reason in French."""


class Command(Protocol):
    text: str

    @property
    def touches(self) -> frozenset[str]: ...

    def apply(self, project: Project) -> Command: ...


@dataclass(frozen=True)
class SetDecision:
    decision: Decision
    text: str = ""
    touches: frozenset[str] = field(default=frozenset({DECISIONS}), compare=False)

    def apply(self, project: Project) -> Command:
        previous = project.decisions.get(self.decision.key)
        project.decisions[self.decision.key] = self.decision
        if previous is None:
            return RemoveDecision(self.decision.key, self.text)
        return SetDecision(previous, self.text)


@dataclass(frozen=True)
class RemoveDecision:
    key: DecisionKey
    text: str = ""
    touches: frozenset[str] = field(default=frozenset({DECISIONS}), compare=False)

    def apply(self, project: Project) -> Command:
        previous = project.decisions.pop(self.key, None)
        if previous is None:
            return Batch((), self.text)
        return SetDecision(previous, self.text)


@dataclass(frozen=True)
class SetMatch:
    """Give a distinct staffing-table title its job (or leave it *à vérifier* with `job_code=None`)."""

    key: str
    match: TitleMatch | None
    text: str = ""
    touches: frozenset[str] = field(default=frozenset({MATCHES}), compare=False)

    def apply(self, project: Project) -> Command:
        previous = project.matches.get(self.key)
        if self.match is None:
            project.matches.pop(self.key, None)
        else:
            project.matches[self.key] = self.match
        return SetMatch(self.key, previous, self.text)


@dataclass(frozen=True)
class SetPostJob:
    """Assign one post to a job whatever its title says (None returns it to its title's match)."""

    post_id: int
    job_code: str | None
    text: str = ""
    touches: frozenset[str] = field(default=frozenset({POST_JOBS}), compare=False)

    def apply(self, project: Project) -> Command:
        previous = project.post_jobs.get(self.post_id)
        if self.job_code is None:
            project.post_jobs.pop(self.post_id, None)
        else:
            project.post_jobs[self.post_id] = self.job_code
        return SetPostJob(self.post_id, previous, self.text)


_META_FIELDS = {"commune", "year", "index", "privacy_k"}


@dataclass(frozen=True)
class SetProjectField:
    name: str
    value: Any
    text: str = ""
    touches: frozenset[str] = field(default=frozenset({META}), compare=False)

    def apply(self, project: Project) -> Command:
        if self.name not in _META_FIELDS:
            raise EditError(f"Champ de projet inconnu : {self.name}")
        if self.name == "index" and self.value not in INDEXES:
            raise EditError("L'indice OIT doit être 2023 ou 2025.")
        if self.name == "privacy_k" and (type(self.value) is not int or not 1 <= self.value <= MAX_PRIVACY_K):
            raise EditError(f"Le seuil de confidentialité doit être un nombre d'agents entre 1 et {MAX_PRIVACY_K}.")
        previous = getattr(project, self.name)
        setattr(project, self.name, self.value)
        return SetProjectField(self.name, previous, self.text)


@dataclass(frozen=True)
class Batch:
    """Several commands done and undone as one (« Valider toutes les correspondances sûres »)."""

    commands: tuple[Command, ...]
    text: str = ""

    @property
    def touches(self) -> frozenset[str]:
        return frozenset().union(*(c.touches for c in self.commands)) if self.commands else frozenset()

    def apply(self, project: Project) -> Command:
        inverses: list[Command] = []
        try:
            for command in self.commands:
                inverses.append(command.apply(project))
        except Exception:
            for inverse in reversed(inverses):  # leave the project as it was
                inverse.apply(project)
            raise
        return Batch(tuple(reversed(inverses)), self.text)


# --- factories that validate ----------------------------------------------------------------------------------


def now_iso() -> str:
    return datetime.now().replace(microsecond=0).isoformat()


def _activity_label(ref: Referentiel, project: Project, job: str, activity: str) -> str:
    if job not in ref.jobs:
        raise EditError(f"Métier inconnu : {job}")
    found = ref.jobs[job].activity(activity)
    if found:
        return found.label
    custom = project.decisions.get((DecisionKind.CUSTOM, job, activity))
    if custom:
        return custom.label
    raise EditError(f"Activité inconnue pour ce métier : {activity}")


def _check_score(score: float) -> float:
    try:
        value = float(score)
    except (TypeError, ValueError):
        raise EditError("Le score doit être un nombre entre 0 et 1.") from None
    if not 0.0 <= value <= 1.0:
        raise EditError("Le score doit être compris entre 0 et 1.")
    return value


def _check_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise EditError("Indiquez la raison de cette décision : elle figurera dans le rapport.")
    return reason


def override_score(ref: Referentiel, project: Project, job: str, activity: str, *, score: float, reason: str,
                   author: str = "", date: str | None = None) -> SetDecision:
    label = _activity_label(ref, project, job, activity)
    value = _check_score(score)
    decision = Decision(DecisionKind.OVERRIDE, job, activity, value=value, reason=_check_reason(reason),
                        author=author, date=date or now_iso())
    return SetDecision(decision, f"Score de « {label} » fixé à {format_score(value)}")


def _active_count(ref: Referentiel, project: Project, job: str) -> int:
    ids = [a.id for a in ref.jobs[job].activities] + [
        d.activity for d in project.decisions.values() if d.job == job and d.kind == DecisionKind.CUSTOM]
    return sum((DecisionKind.EXCLUDE, job, a) not in project.decisions for a in ids)


def exclude_activity(ref: Referentiel, project: Project, job: str, activity: str, *, reason: str = "",
                     author: str = "", date: str | None = None) -> SetDecision:
    label = _activity_label(ref, project, job, activity)
    if (DecisionKind.EXCLUDE, job, activity) not in project.decisions and _active_count(ref, project, job) <= 1:
        raise EditError("Un métier doit garder au moins une activité exercée.")
    decision = Decision(DecisionKind.EXCLUDE, job, activity, reason=(reason or "").strip(), author=author,
                        date=date or now_iso())
    return SetDecision(decision, f"« {label} » marquée non exercée dans la commune")


def keep_human(ref: Referentiel, project: Project, job: str, activity: str, *, reason: str,
               author: str = "", date: str | None = None) -> SetDecision:
    label = _activity_label(ref, project, job, activity)
    decision = Decision(DecisionKind.KEEP_HUMAN, job, activity, reason=_check_reason(reason), author=author,
                        date=date or now_iso())
    return SetDecision(decision, f"« {label} » conservée humaine par choix de la collectivité")


def set_weight(ref: Referentiel, project: Project, job: str, activity: str, *, weight: float,
               author: str = "", date: str | None = None) -> Command:
    label = _activity_label(ref, project, job, activity)
    try:
        value = float(weight)
    except (TypeError, ValueError):
        raise EditError("La pondération doit être un nombre positif.") from None
    if not 0.0 < value <= 100.0:
        raise EditError("La pondération doit être un nombre positif (au plus 100).")
    key = (DecisionKind.WEIGHT, job, activity)
    if value == 1.0:
        return RemoveDecision(key, f"Pondération de « {label} » remise à 1")
    decision = Decision(DecisionKind.WEIGHT, job, activity, value=value, author=author, date=date or now_iso())
    return SetDecision(decision, f"Pondération de « {label} » fixée à {format_score(value)}")


def add_custom_activity(ref: Referentiel, project: Project, job: str, *, label: str, score: float, reason: str,
                        author: str = "", date: str | None = None,
                        ilo_links: tuple[tuple[str, int], ...] = ()) -> SetDecision:
    if job not in ref.jobs:
        raise EditError(f"Métier inconnu : {job}")
    label = " ".join((label or "").split())
    if not label:
        raise EditError("Donnez un intitulé à l'activité.")
    taken = {d.activity for d in project.decisions.values() if d.job == job and d.kind == DecisionKind.CUSTOM}
    number = 1
    while f"{job}-C{number:02d}" in taken:
        number += 1
    decision = Decision(DecisionKind.CUSTOM, job, f"{job}-C{number:02d}", value=_check_score(score),
                        reason=_check_reason(reason), author=author, date=date or now_iso(), label=label,
                        ilo_links=tuple(ilo_links))
    return SetDecision(decision, f"Activité « {label} » ajoutée")


def remove_decision(project: Project, key: DecisionKey) -> Command:
    """Revert one decision. Removing a custom activity also removes the decisions made about it."""
    decision = project.decisions.get(key)
    if decision is None:
        raise EditError("Cette décision n'existe plus.")
    text = f"Décision annulée : {decision.kind.label.lower()}"
    if decision.kind != DecisionKind.CUSTOM:
        return RemoveDecision(key, text)
    related = [d.key for d in project.decisions.values()
               if d.job == decision.job and d.activity == decision.activity and d.kind != DecisionKind.CUSTOM]
    return Batch(tuple(RemoveDecision(k, text) for k in [*related, key]), f"Activité « {decision.label} » retirée")


def confirm_match(project: Project, key: str, job_code: str | None, text: str = "") -> SetMatch:
    """A person chooses (or confirms) the job of a title: the match becomes *confirmé*."""
    current = project.matches.get(key)
    if current is None:
        raise EditError("Intitulé inconnu dans ce projet.")
    status = MatchStatus.CONFIRMED if job_code else MatchStatus.TO_CHECK
    confidence = 1.0 if job_code else current.confidence
    return SetMatch(key, replace(current, job_code=job_code, status=status, confidence=confidence),
                    text or f"Correspondance de « {current.title} » confirmée")
