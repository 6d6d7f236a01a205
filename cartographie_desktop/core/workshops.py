"""Workshops (ateliers), after the Grand Reims model (DOMAIN.md): one sheet per job and per workshop, saying how the
job evolves from 2025 to 2035 and what its people need.

Plain data (frozen dataclasses, tuples of lines) so that a sheet compares, copies and serialises exactly. Every edit
is a command (`AddSheet`, `SetSheetField`, `InsertLine`…) whose `apply` returns its exact inverse; build them through
the validating factories (`create_sheet`, `set_field`, `add_line`, `edit_line`…), which raise `EditError` in French.
The form, the workshop mode, the offline kit and the PDF sheet all go through this module, never around it.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from cartographie_desktop.core import commands
from cartographie_desktop.core.commands import DECISIONS, WORKSHOPS, Batch, Command, EditError
from cartographie_desktop.core.model import DecisionKind, Index, Project
from cartographie_desktop.core.referentiel import Referentiel
from cartographie_desktop.core.scoring import Band, JobResult, band_for, score_job
from cartographie_desktop.core.text import NNBSP, fold, format_date, format_number, plural, round2

MAX_TEXT = 4000  # characters in one free-text cell: a paragraph, not a document
MAX_COUNT = 999  # participants of one role
GAP_THRESHOLD = 15  # points between the group's estimate and the computed score worth explaining


# --- vocabularies ---------------------------------------------------------------------------------------------


class ActivityStatus(StrEnum):
    """What becomes of an activity in 2035."""

    MAINTAINED = "maintenue"
    TRANSFORMED = "transformee"
    ASSISTED = "assistee_ia"
    AUTOMATED = "automatisee"
    NEW = "nouvelle"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.value]


STATUS_LABELS = {
    "maintenue": "maintenue",
    "transformee": "transformée",
    "assistee_ia": "assistée par l'IA",
    "automatisee": "automatisée",
    "nouvelle": "nouvelle",
}


class NeedCategory(StrEnum):
    """Kinds of support (accompagnement RH et managérial) a group can ask for."""

    TRAINING = "formation"
    MEANING = "sens_du_travail"
    MOBILITY = "reclassement_mobilite"
    COMMUNICATION = "communication"
    MANAGEMENT = "management"


NEED_LABELS = {
    "formation": "Formation",
    "sens_du_travail": "Sens du travail",
    "reclassement_mobilite": "Reclassement / mobilité",
    "communication": "Communication",
    "management": "Management",
}

PRIORITY_LABELS = {"haute": "haute", "moyenne": "moyenne", "basse": "basse"}
HORIZON_LABELS = {
    "court_terme": "court terme (moins d'un an)",
    "moyen_terme": "moyen terme (1 à 3 ans)",
    "long_terme": "long terme (3 ans et plus)",
}

# The commune's decisions (core/model.py) a workshop group may propose about one activity of the job.
PROPOSAL_LABELS = {
    DecisionKind.KEEP_HUMAN.value: "Conserver l'activité humaine",
    DecisionKind.EXCLUDE.value: "Activité non exercée dans la commune",
    DecisionKind.OVERRIDE.value: "Modifier le score",
}


def _label_lookup(labels: Mapping[str, str]) -> dict[str, str]:
    """Value id or French label (any case or accent) → value id, for input typed in a kit or a form."""
    lookup = {fold(key): key for key in labels}
    lookup.update({fold(label): key for key, label in labels.items()})
    return lookup


_STATUS_LOOKUP = _label_lookup(STATUS_LABELS)
_NEED_LOOKUP = _label_lookup(NEED_LABELS)
_PRIORITY_LOOKUP = _label_lookup(PRIORITY_LABELS)
_HORIZON_LOOKUP = {**_label_lookup(HORIZON_LABELS), "court terme": "court_terme", "moyen terme": "moyen_terme",
                   "long terme": "long_terme"}
_PROPOSAL_LOOKUP = {**_label_lookup(PROPOSAL_LABELS),
                    fold("Conservée humaine"): DecisionKind.KEEP_HUMAN.value,
                    fold("Non exercée"): DecisionKind.EXCLUDE.value,
                    fold("Score modifié"): DecisionKind.OVERRIDE.value}


# --- the data -------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Impact:
    """The group's estimate of AI's impact on the job, in percent: one value (low == high) or a range."""

    low: float
    high: float

    @property
    def middle(self) -> float:
        return (self.low + self.high) / 2

    @property
    def text(self) -> str:
        """`50 %` or `50–60 %` (narrow no-break space before the sign)."""
        low, high = _format_pct(self.low), _format_pct(self.high)
        return f"{low}{NNBSP}%" if low == high else f"{low}–{high}{NNBSP}%"


def _format_pct(value: float) -> str:
    return format_number(value, 0 if float(value).is_integer() else 1)


@dataclass(frozen=True, slots=True)
class Participant:
    """Participants by role, never by name: « 2 agents d'accueil »."""

    id: str
    count: int = 1
    role: str = ""


@dataclass(frozen=True, slots=True)
class ActivityLine:
    """One activity seen in 2025 and in 2035, side by side.

    The 2025 part (`activity`, `label`, `score`, `kept_human`) is pre-filled from the job's activities with the
    commune's decisions, as they were when the sheet was made (the sheet is a record). A line without a 2025 label is
    an activity that appears by 2035 (`status` « nouvelle »).
    """

    id: str
    activity: str = ""  # référentiel activity id, or the id of the commune's own activity; "" for a line of the group
    label: str = ""  # the activity in 2025
    score: float | None = None  # its score when the sheet was made (index of the sheet)
    kept_human: bool = False  # the commune had chosen to keep it human
    status: str = ""  # an ActivityStatus value, "" until the group decides
    text: str = ""  # how it is done in 2035, in the group's words

    @property
    def in_2025(self) -> bool:
        return bool(self.label)


@dataclass(frozen=True, slots=True)
class TextLine:
    id: str
    text: str = ""


@dataclass(frozen=True, slots=True)
class Need:
    """A support need; it becomes a line of the training plan."""

    id: str
    category: str = ""  # a NeedCategory value
    text: str = ""  # the need itself: « Formation aux outils d'IA générative »
    population: str = ""  # who it is for: « les 3 agents d'accueil »
    who: str = ""  # who carries it (a role or a body: « DGS », « CNFPT »)
    when: str = ""  # free: « premier semestre 2026 »
    priority: str = ""  # haute / moyenne / basse
    horizon: str = ""  # court_terme / moyen_terme / long_terme


@dataclass(frozen=True, slots=True)
class Indicator:
    id: str
    name: str = ""
    measure: str = ""  # how it is measured
    today: str = ""  # value today (free text: « 12 min », « 40 % »)
    target: str = ""


@dataclass(frozen=True, slots=True)
class Proposal:
    """A decision the group proposes for the commune's choices, about one activity of the job."""

    id: str
    kind: str = ""  # a key of PROPOSAL_LABELS (a DecisionKind value)
    activity: str = ""  # the activity id (référentiel or the commune's own)
    score: float | None = None  # for « score modifié »
    reason: str = ""


Line = Participant | ActivityLine | TextLine | Need | Indicator | Proposal


@dataclass(frozen=True, slots=True)
class WorkshopSheet:
    """One job studied in one workshop. A job revisited later gets another sheet: the history is the list."""

    id: str
    job: str
    number: int = 1  # « Atelier n° 2 »
    title: str = ""  # « Comprendre et mesurer les impacts sur les métiers »
    date: str = ""  # ISO 8601 date
    place: str = ""
    facilitator: str = ""  # a role (« DGS »), not a name
    impact: Impact | None = None
    index: Index = "2025"  # the ILO index of the pre-filled scores
    participants: tuple[Participant, ...] = ()
    activities: tuple[ActivityLine, ...] = ()
    know_how_2025: tuple[TextLine, ...] = ()
    know_how_2035: tuple[TextLine, ...] = ()
    soft_skills_2025: tuple[TextLine, ...] = ()
    soft_skills_2035: tuple[TextLine, ...] = ()
    needs: tuple[Need, ...] = ()
    effects: tuple[TextLine, ...] = ()
    risks: tuple[TextLine, ...] = ()
    opportunities: tuple[TextLine, ...] = ()
    indicators: tuple[Indicator, ...] = ()
    proposals: tuple[Proposal, ...] = ()

    def lines(self, section: str) -> tuple[Line, ...]:
        return getattr(self, SECTIONS[section].key)

    def line(self, section: str, line_id: str) -> Line | None:
        return next((line for line in self.lines(section) if line.id == line_id), None)

    def line_ids(self) -> set[str]:
        return {line.id for section in SECTIONS for line in self.lines(section)}

    @property
    def label(self) -> str:
        return workshop_label(self)

    @property
    def sort_key(self) -> tuple[str, int, str]:
        return (self.date or "9999", self.number, self.id)


@dataclass(frozen=True, slots=True)
class Section:
    key: str
    label: str  # as shown
    line_type: type
    text_field: str  # the field that must not be empty
    hint: str = ""


SECTIONS: dict[str, Section] = {s.key: s for s in (
    Section("participants", "Participants (par fonction, jamais de nom)", Participant, "role",
            "Exemple : 2 agents d'accueil, 1 responsable de service, 1 représentant du personnel."),
    Section("activities", "Activités en 2025 et en 2035", ActivityLine, "label",
            "Pour chaque activité, dites ce qu'elle devient en 2035 ; ajoutez les activités nouvelles."),
    Section("know_how_2025", "Savoir-faire en 2025", TextLine, "text"),
    Section("know_how_2035", "Savoir-faire en 2035", TextLine, "text"),
    Section("soft_skills_2025", "Savoir-être en 2025", TextLine, "text"),
    Section("soft_skills_2035", "Savoir-être en 2035", TextLine, "text"),
    Section("needs", "Besoins d'accompagnement", Need, "text",
            "Formation, sens du travail, reclassement ou mobilité, communication, management : qui, quand."),
    Section("effects", "Effets sur l'organisation", TextLine, "text"),
    Section("risks", "Risques et points de vigilance", TextLine, "text"),
    Section("opportunities", "Opportunités", TextLine, "text"),
    Section("indicators", "Indicateurs de suivi", Indicator, "name",
            "Nom de l'indicateur, comment le mesurer, valeur aujourd'hui, cible."),
    Section("proposals", "Décisions proposées à la commune", Proposal, "kind",
            "Par exemple : l'accueil physique reste humain. Elles s'appliquent au métier en un clic."),
)}

FIELD_LABELS = {
    "number": "Numéro de l'atelier",
    "title": "Intitulé de l'atelier",
    "date": "Date",
    "place": "Lieu",
    "facilitator": "Animation (fonction)",
    "impact": "Impact estimé par le groupe",
}


# --- parsing and checking what people type ---------------------------------------------------------------------

_NUMBER = r"(\d+(?:[.,]\d+)?)"
_IMPACT = re.compile(
    rf"^(?:de|entre|environ|~)?\s*{_NUMBER}\s*(%)?\s*(?:(?:-|–|—|à|a|et)\s*{_NUMBER}\s*(%)?)?$")


def parse_impact(value: Any) -> Impact | None:
    """The group's estimate as typed: « 50 % », « 50-60 % », « 50 à 60 % », « 0,5 », a number from a spreadsheet.

    Without a « % » sign, values of at most 1 are shares (0,5 → 50 %), larger ones percentages (50 → 50 %); mixing
    both (« 0,5-60 ») is refused rather than guessed. Empty → None (no estimate yet).
    """
    if value is None:
        return None
    if isinstance(value, Impact):
        return value
    if isinstance(value, bool):
        raise EditError("Impact estimé illisible.")
    if isinstance(value, int | float):
        numbers, percent = [float(value)], False
    else:
        text = str(value).replace(NNBSP, " ").replace("\u00a0", " ").strip().lower()
        if not text:
            return None
        match = _IMPACT.match(text)
        if not match:
            raise EditError(f"Impact estimé illisible : « {value} ». Écrivez par exemple « 50 % » ou « 50-60 % ».")
        numbers = [float(n.replace(",", ".")) for n in (match.group(1), match.group(3)) if n is not None]
        percent = bool(match.group(2) or match.group(4))
    if not percent:
        if all(n <= 1 for n in numbers):
            numbers = [n * 100 for n in numbers]
        elif any(0 < n < 1 for n in numbers):
            raise EditError(f"Impact estimé ambigu : « {value} ». Écrivez-le en pourcentage, par exemple « 50-60 % ».")
    numbers = [round(n, 1) for n in numbers]
    if any(not 0 <= n <= 100 for n in numbers):
        raise EditError("L'impact estimé doit être compris entre 0 et 100 %.")
    return Impact(min(numbers), max(numbers))


def parse_date(value: Any) -> str:
    """`14/03/2026`, `2026-03-14` or a date → `2026-03-14`; empty → ``."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    if not text:
        return ""
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d/%m/%y", "%d.%m.%Y", "%d-%m-%Y", "%Y-%m-%dT%H:%M:%S",
                    "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(text, pattern).date().isoformat()
        except ValueError:
            continue
    raise EditError(f"Date illisible : « {text} ». Écrivez-la sous la forme 14/03/2026.")


def clean_text(value: Any, what: str = "Ce texte") -> str:
    """Free text as typed, trimmed; line breaks are kept (a paragraph), runs of spaces are not."""
    if value is None:
        return ""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    text = "\n".join(" ".join(part.split()) for part in text.split("\n")).strip()
    if len(text) > MAX_TEXT:
        raise EditError(f"{what} est trop long ({format_number(len(text))} caractères, au plus "
                        f"{format_number(MAX_TEXT)}).")
    return text


def parse_count(value: Any) -> int:
    """A head count typed in a form or a spreadsheet cell (« 2 », 2.0); French message otherwise."""
    if isinstance(value, bool):
        raise EditError("Le nombre de participants doit être un nombre entier.")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.strip().isdecimal():  # not isdigit(): « ² » is a digit int() refuses
        value = int(value.strip())
    if not isinstance(value, int):
        raise EditError(f"Le nombre de participants doit être un nombre entier, pas « {value} ».")
    if not 1 <= value <= MAX_COUNT:
        raise EditError(f"Le nombre de participants doit être compris entre 1 et {MAX_COUNT}.")
    return value


def parse_score(value: Any) -> float | None:
    """A proposed score: `0,3`, `0.3`, `30 %`; empty → None."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise EditError("Le score doit être un nombre entre 0 et 1.")
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = str(value).replace(NNBSP, " ").replace("\u00a0", " ").strip()
        percent = text.endswith("%")
        try:
            number = float(text.rstrip("%").strip().replace(",", "."))
        except ValueError:
            raise EditError(f"Le score doit être un nombre entre 0 et 1, pas « {value} ».") from None
        if percent:
            number /= 100
    if not 0.0 <= number <= 1.0:
        raise EditError("Le score doit être compris entre 0 et 1 (par exemple 0,3).")
    return round(number, 4)


def _choice(value: Any, lookup: Mapping[str, str], what: str, labels: Mapping[str, str]) -> str:
    if value is None or str(value).strip() == "":
        return ""
    found = lookup.get(fold(str(value)))
    if found is None:
        allowed = ", ".join(f"« {label} »" for label in labels.values())
        raise EditError(f"{what} inconnu(e) : « {value} ». Choisissez parmi {allowed}.")
    return found


# People are recorded by role, never by name (RGPD). The rule, on the text of a role, a facilitator or a « qui »:
# - refused: a civility followed by a capitalised word (« Mme Durand », « M. MARTIN ») — but « Monsieur le Maire »
#   passes; or two to four words that are all capitalised or in capitals (particles de, du, le, la… aside), at
#   least one in capitals that is not a known acronym (DGS, CST, ATSEM…) and at least one capitalised word that is
#   not a role word (« Jean DUPONT », « DUPONT Marie », « Anne-Laure MARTIN-PETIT »);
# - warned (kept, the person is asked to check): two or three capitalised words none of which is a role word
#   (« Jean Dupont », but not « Responsable Accueil »).
# A role almost always has a lowercase word (« agent d'accueil ») or is an acronym; a first name alone or a name
# typed in lowercase escapes the rule: the form's hint and the report's review are the second line of defence.
_CIVILITY = re.compile(r"(?:^|[\s(,;/])(?:m\.|mme\.?|mlle\.?|mr\.?|monsieur|madame|mademoiselle)\s+([^\W\d_][\w'’-]*)",
                       re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_][\w'’-]*", re.UNICODE)
_PARTICLES = {"de", "du", "des", "le", "la", "d", "van", "von", "di", "da", "del", "ben", "el", "et"}
ACRONYMS = frozenset({
    "DGS", "DGA", "DGAS", "DST", "DSTM", "DRH", "RH", "CST", "CHSCT", "FSSSCT", "ATSEM", "ASVP", "CCAS", "CIAS",
    "IA", "CNFPT", "CDG", "ETP", "ALSH", "EHPAD", "SSIAD", "CTM", "DSI", "SIG", "RGPD", "DPO", "ADS", "CAF", "EPCI",
    "ACMO", "SG", "DAF", "CAP", "CNIL", "TIC", "RSSI", "ACFI", "BAFA", "BAFD", "PM", "GPEEC", "RSU", "LDG", "CGT",
    "CFDT", "FO", "UNSA", "FSU", "CFTC", "CGC", "SUD", "FA", "FPT", "CT", "CM", "CE", "ST", "AP", "MSAP", "QVT", "QVCT",
    "SST", "AS", "ASH", "AVS", "AESH", "CNAS", "COS", "INET", "OIT", "ILO", "CDD", "CDI", "PV", "SIRH", "GRH",
})
ROLE_WORDS = frozenset(fold(word) for word in (
    "agent", "agente", "agents", "adjoint", "adjointe", "adjoints", "aide", "animateur", "animatrice", "apprenti",
    "apprentie", "assistant", "assistante", "auxiliaire", "cadre", "chargé", "chargée", "chef", "cheffe",
    "comptable", "conseiller", "conseillère", "coordinateur", "coordinatrice", "délégué", "déléguée", "directeur",
    "directrice", "direction", "éducateur", "éducatrice", "élu", "élue", "élus", "encadrant", "encadrante",
    "formateur", "formatrice", "gardien", "gardienne", "gestionnaire", "ingénieur", "ingénieure", "instructeur",
    "instructrice", "juriste", "maire", "manager", "médiateur", "médiatrice", "membre", "policier", "policière",
    "président", "présidente", "référent", "référente", "représentant", "représentante", "responsable",
    "secrétaire", "service", "services", "stagiaire", "technicien", "technicienne", "accueil", "mairie", "pôle",
    "équipe", "comité", "syndicat", "cabinet", "centre", "ville", "commune", "direction", "personnel", "usagers",
    "médiathèque", "bibliothèque", "école", "crèche", "restauration", "police", "état", "civil", "urbanisme",
    "finances", "ressources", "humaines", "communication", "informatique", "numérique", "techniques", "technique",
))


@dataclass(frozen=True, slots=True)
class NameCheck:
    refused: bool
    message: str


def _is_surname(word: str) -> bool:
    """The word after a civility: « Durand », « MARTIN » are names; « le » (Monsieur le Maire), « DGS » are not."""
    return word[0].isupper() and fold(word) not in ROLE_WORDS and word not in ACRONYMS


def person_name_check(text: str) -> NameCheck | None:
    """None when the text reads as a role; otherwise why it looks like a person's name (refused or only warned)."""
    text = (text or "").strip()
    if not text:
        return None
    if any(_is_surname(word) for word in _CIVILITY.findall(text)):
        return NameCheck(True, f"« {text} » ressemble au nom d'une personne. Indiquez une fonction (« DGS », "
                               "« agent d'accueil »), jamais un nom : les fiches d'atelier ne nomment personne.")
    words = [w for w in _WORD.findall(text) if fold(w) not in _PARTICLES]
    if not 2 <= len(words) <= 4:
        return None
    capitals = [w for w in words if len(w.replace("-", "").replace("'", "")) >= 2 and w.upper() == w]
    capitalised = [w for w in words if w[0].isupper() and w[1:] != w[1:].upper()]
    if len(capitals) + len(capitalised) != len(words):
        return None  # a lowercase word: a role (« agent d'accueil »)
    not_roles = [w for w in capitalised if fold(w) not in ROLE_WORDS]
    unknown_caps = [w for w in capitals if w.replace("’", "'") not in ACRONYMS and fold(w) not in ROLE_WORDS]
    if unknown_caps and not_roles:
        return NameCheck(True, f"« {text} » ressemble à « Prénom NOM ». Indiquez une fonction, jamais un nom : "
                               "les fiches d'atelier ne nomment personne.")
    if not capitals and len(words) <= 3 and len(not_roles) == len(words):
        return NameCheck(False, f"« {text} » ressemble au nom d'une personne : vérifiez qu'il s'agit bien d'une "
                                "fonction (les fiches d'atelier ne nomment personne).")
    return None


def _check_role(value: Any, what: str) -> str:
    text = clean_text(value, what)
    check = person_name_check(text)
    if check and check.refused:
        raise EditError(check.message)
    return text


def clean_field(name: str, value: Any) -> Any:
    """A sheet field as typed → as stored; EditError in French when it cannot be taken."""
    if name == "number":
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        try:
            number = value if isinstance(value, int) else int(str(value).strip().lstrip("nN°o ").strip())
        except ValueError:
            raise EditError(f"Le numéro de l'atelier doit être un nombre entier, pas « {value} ».") from None
        if not 1 <= number <= 999:
            raise EditError("Le numéro de l'atelier doit être compris entre 1 et 999.")
        return number
    if name == "date":
        return parse_date(value)
    if name == "impact":
        return parse_impact(value)
    if name == "facilitator":
        return _check_role(value, "L'animation")
    if name in ("title", "place"):
        return clean_text(value, FIELD_LABELS[name])
    raise EditError(f"Champ de fiche d'atelier inconnu : {name}")


def _clean_participant(line: Participant) -> Participant:
    role = _check_role(line.role, "La fonction")
    if not role:
        raise EditError("Indiquez la fonction des participants (par exemple « agents d'accueil »).")
    return replace(line, count=parse_count(line.count), role=role)


def _clean_activity(line: ActivityLine) -> ActivityLine:
    label, text = clean_text(line.label, "L'activité"), clean_text(line.text, "Le texte")
    status = _choice(line.status, _STATUS_LOOKUP, "Statut 2035", STATUS_LABELS)
    if not label and not text:
        raise EditError("Décrivez l'activité.")
    if not label:
        if status and status != ActivityStatus.NEW:
            raise EditError("Une activité absente en 2025 est une activité « nouvelle ».")
        status = ActivityStatus.NEW.value
    elif status == ActivityStatus.NEW:
        raise EditError("Une activité qui existe en 2025 ne peut pas être « nouvelle » : choisissez maintenue, "
                        "transformée, assistée par l'IA ou automatisée.")
    score = None if line.score is None else parse_score(line.score)
    return replace(line, label=label, text=text, status=status, score=score, activity=line.activity.strip())


def _clean_text_line(line: TextLine) -> TextLine:
    text = clean_text(line.text)
    if not text:
        raise EditError("Une ligne vide ne peut pas être enregistrée.")
    return replace(line, text=text)


def _clean_need(line: Need) -> Need:
    text = clean_text(line.text, "Le besoin")
    if not text:
        raise EditError("Décrivez le besoin d'accompagnement.")
    return replace(
        line, text=text,
        category=_choice(line.category, _NEED_LOOKUP, "Type de besoin", NEED_LABELS),
        population=clean_text(line.population, "La population concernée"),
        who=_check_role(line.who, "« Qui »"), when=clean_text(line.when, "« Quand »"),
        priority=_choice(line.priority, _PRIORITY_LOOKUP, "Priorité", PRIORITY_LABELS),
        horizon=_choice(line.horizon, _HORIZON_LOOKUP, "Horizon", HORIZON_LABELS))


def _clean_indicator(line: Indicator) -> Indicator:
    name = clean_text(line.name, "L'indicateur")
    if not name:
        raise EditError("Donnez un nom à l'indicateur.")
    return replace(line, name=name, measure=clean_text(line.measure, "La mesure"),
                   today=clean_text(line.today, "La valeur actuelle"), target=clean_text(line.target, "La cible"))


def _clean_proposal(line: Proposal) -> Proposal:
    kind = _choice(line.kind, _PROPOSAL_LOOKUP, "Type de décision", PROPOSAL_LABELS)
    if not kind:
        raise EditError("Choisissez le type de décision proposée.")
    if not line.activity.strip():
        raise EditError("Choisissez l'activité concernée par la décision proposée.")
    reason = clean_text(line.reason, "La raison")
    score = parse_score(line.score)
    if kind == DecisionKind.OVERRIDE:
        if score is None:
            raise EditError("Indiquez le score proposé (entre 0 et 1).")
    else:
        score = None
    if kind in (DecisionKind.KEEP_HUMAN, DecisionKind.OVERRIDE) and not reason:
        raise EditError("Indiquez la raison de la décision proposée : elle figurera dans le rapport.")
    return replace(line, kind=kind, activity=line.activity.strip(), score=score, reason=reason)


_CLEANERS: dict[type, Any] = {
    Participant: _clean_participant, ActivityLine: _clean_activity, TextLine: _clean_text_line, Need: _clean_need,
    Indicator: _clean_indicator, Proposal: _clean_proposal,
}


def clean_line(section: str, line: Line) -> Line:
    """A line as typed → as stored, or EditError in French (empty line, unknown choice, a person's name…)."""
    spec = SECTIONS.get(section)
    if spec is None:
        raise EditError(f"Rubrique de fiche d'atelier inconnue : {section}")
    if not isinstance(line, spec.line_type):
        raise EditError(f"Ligne d'un autre type que la rubrique « {spec.label} ».")
    return _CLEANERS[spec.line_type](line)


def check_sheet(sheet: WorkshopSheet) -> WorkshopSheet:
    """Every field and line of a whole sheet cleaned (demo data, a sheet read from a kit); EditError otherwise."""
    changes: dict[str, Any] = {name: clean_field(name, getattr(sheet, name)) for name in FIELD_LABELS}
    for section, spec in SECTIONS.items():
        lines = tuple(clean_line(section, line) for line in sheet.lines(section))
        ids = [line.id for line in lines]
        if len(set(ids)) != len(ids) or not all(ids):
            raise EditError(f"Identifiants de lignes manquants ou en double dans « {spec.label} ».")
        changes[spec.key] = lines
    return replace(sheet, **changes)


# --- looking things up ------------------------------------------------------------------------------------------


def workshop_label(sheet: WorkshopSheet) -> str:
    """« Atelier n° 2 du 14/03/2026 » (the reason prefix of applied decisions and the source of training lines)."""
    text = f"Atelier n° {sheet.number}"
    return f"{text} du {format_date(sheet.date)}" if sheet.date else text


def find_sheet(project: Project, sheet_id: str) -> WorkshopSheet:
    for sheet in project.workshops:
        if sheet.id == sheet_id:
            return sheet
    raise EditError("Cette fiche d'atelier n'existe plus.")


def _position(project: Project, sheet_id: str) -> int:
    for position, sheet in enumerate(project.workshops):
        if sheet.id == sheet_id:
            return position
    raise EditError("Cette fiche d'atelier n'existe plus.")


def sheets_for_job(project: Project, job: str) -> list[WorkshopSheet]:
    """The history of a job: its sheets ordered by date (then workshop number)."""
    return sorted((s for s in project.workshops if s.job == job), key=lambda s: s.sort_key)


def latest_sheet(project: Project, job: str) -> WorkshopSheet | None:
    history = sheets_for_job(project, job)
    return history[-1] if history else None


def section_counts(sheet: WorkshopSheet) -> dict[str, int]:
    """Items per section (participants: people, not lines; activities: those of 2025), plus `activities_2035`
    (activities the group said something about for 2035) and `new_activities` (those appearing by 2035)."""
    counts = {section: len(sheet.lines(section)) for section in SECTIONS}
    counts["participants"] = sum(p.count for p in sheet.participants)
    counts["activities"] = sum(1 for a in sheet.activities if a.in_2025)
    counts["activities_2035"] = sum(1 for a in sheet.activities if a.status or a.text)
    counts["new_activities"] = sum(1 for a in sheet.activities if not a.in_2025)
    return counts


def new_line_id(sheet: WorkshopSheet | None = None, taken: Iterable[str] = ()) -> str:
    """A short random id, unique in the sheet: ids outlive deletions, so a kit never mistakes one line for another."""
    used = set(taken) | (sheet.line_ids() if sheet else set())
    while True:
        candidate = secrets.token_hex(4)
        if candidate not in used:
            return candidate


def new_sheet_id(project: Project) -> str:
    used = {s.id for s in project.workshops}
    while True:
        candidate = "at-" + secrets.token_hex(5)
        if candidate not in used:
            return candidate


# --- commands --------------------------------------------------------------------------------------------------

_TOUCHES = frozenset({WORKSHOPS})


def _set_sheet(project: Project, sheet: WorkshopSheet) -> None:
    project.workshops[_position(project, sheet.id)] = sheet


def _locate(project: Project, sheet_id: str, section: str, line_id: str) -> tuple[WorkshopSheet, list[Line], int]:
    """The sheet, a copy of the section's lines, and the position of the line (EditError when it is gone)."""
    sheet = find_sheet(project, sheet_id)
    lines = list(sheet.lines(section))
    for position, line in enumerate(lines):
        if line.id == line_id:
            return sheet, lines, position
    raise EditError("Cette ligne n'existe plus dans la fiche.")


def _with_lines(sheet: WorkshopSheet, section: str, lines: Iterable[Line]) -> WorkshopSheet:
    return replace(sheet, **{SECTIONS[section].key: tuple(lines)})


@dataclass(frozen=True)
class AddSheet:
    sheet: WorkshopSheet
    position: int | None = None  # None: at the end
    text: str = ""
    touches: frozenset[str] = field(default=_TOUCHES, compare=False)

    def apply(self, project: Project) -> Command:
        if any(s.id == self.sheet.id for s in project.workshops):
            raise EditError("Cette fiche d'atelier existe déjà.")
        position = len(project.workshops) if self.position is None else max(0, self.position)
        project.workshops.insert(position, self.sheet)
        return RemoveSheet(self.sheet.id, self.text)


@dataclass(frozen=True)
class RemoveSheet:
    sheet_id: str
    text: str = ""
    touches: frozenset[str] = field(default=_TOUCHES, compare=False)

    def apply(self, project: Project) -> Command:
        position = _position(project, self.sheet_id)
        sheet = project.workshops.pop(position)
        return AddSheet(sheet, position, self.text)


@dataclass(frozen=True)
class SetSheetField:
    sheet_id: str
    name: str
    value: Any
    text: str = ""
    touches: frozenset[str] = field(default=_TOUCHES, compare=False)

    def apply(self, project: Project) -> Command:
        if self.name not in FIELD_LABELS:
            raise EditError(f"Champ de fiche d'atelier inconnu : {self.name}")
        sheet = find_sheet(project, self.sheet_id)
        previous = getattr(sheet, self.name)
        _set_sheet(project, replace(sheet, **{self.name: self.value}))
        return SetSheetField(self.sheet_id, self.name, previous, self.text)


@dataclass(frozen=True)
class InsertLine:
    sheet_id: str
    section: str
    line: Line
    position: int | None = None  # None: at the end
    text: str = ""
    touches: frozenset[str] = field(default=_TOUCHES, compare=False)

    def apply(self, project: Project) -> Command:
        sheet = find_sheet(project, self.sheet_id)
        lines = list(sheet.lines(self.section))
        if any(line.id == self.line.id for line in lines):
            raise EditError("Cette ligne existe déjà dans la fiche.")
        lines.insert(len(lines) if self.position is None else max(0, self.position), self.line)
        _set_sheet(project, _with_lines(sheet, self.section, lines))
        return RemoveLine(self.sheet_id, self.section, self.line.id, self.text)


@dataclass(frozen=True)
class RemoveLine:
    sheet_id: str
    section: str
    line_id: str
    text: str = ""
    touches: frozenset[str] = field(default=_TOUCHES, compare=False)

    def apply(self, project: Project) -> Command:
        sheet, lines, position = _locate(project, self.sheet_id, self.section, self.line_id)
        line = lines.pop(position)
        _set_sheet(project, _with_lines(sheet, self.section, lines))
        return InsertLine(self.sheet_id, self.section, line, position, self.text)


@dataclass(frozen=True)
class ReplaceLine:
    sheet_id: str
    section: str
    line: Line
    text: str = ""
    touches: frozenset[str] = field(default=_TOUCHES, compare=False)

    def apply(self, project: Project) -> Command:
        sheet, lines, position = _locate(project, self.sheet_id, self.section, self.line.id)
        previous, lines[position] = lines[position], self.line
        _set_sheet(project, _with_lines(sheet, self.section, lines))
        return ReplaceLine(self.sheet_id, self.section, previous, self.text)


@dataclass(frozen=True)
class MoveLine:
    sheet_id: str
    section: str
    line_id: str
    position: int
    text: str = ""
    touches: frozenset[str] = field(default=_TOUCHES, compare=False)

    def apply(self, project: Project) -> Command:
        sheet, lines, old = _locate(project, self.sheet_id, self.section, self.line_id)
        line = lines.pop(old)
        lines.insert(min(max(0, self.position), len(lines)), line)
        _set_sheet(project, _with_lines(sheet, self.section, lines))
        return MoveLine(self.sheet_id, self.section, self.line_id, old, self.text)


# --- factories that validate ------------------------------------------------------------------------------------


def prefill_activities(project: Project, ref: Referentiel, job: str) -> tuple[ActivityLine, ...]:
    """The job's activities as the commune does them: the référentiel's and the commune's own, minus those it does
    not exercise, with the scores it uses (overrides included) and its « conservée humaine » choices."""
    if job not in ref.jobs:
        raise EditError(f"Métier inconnu : {job}")
    result = score_job(ref.jobs[job], project.index, project.decisions_for(job))
    taken: set[str] = set()
    lines = []
    for activity in result.active_activities:
        line_id = new_line_id(taken=taken)
        taken.add(line_id)
        lines.append(ActivityLine(line_id, activity=activity.id, label=activity.label,
                                  score=round(activity.score, 4), kept_human=activity.kept_human))
    return tuple(lines)


def new_sheet(project: Project, ref: Referentiel, job: str, *, number: int = 1, date: Any = "", title: str = "",
              place: str = "", facilitator: str = "", sheet_id: str | None = None) -> WorkshopSheet:
    """A sheet for a job, pre-filled with its 2025 activities; not yet in the project (see `create_sheet`)."""
    return WorkshopSheet(
        id=sheet_id or new_sheet_id(project), job=job, number=clean_field("number", number),
        title=clean_field("title", title), date=clean_field("date", date), place=clean_field("place", place),
        facilitator=clean_field("facilitator", facilitator), index=project.index,
        activities=prefill_activities(project, ref, job))


def create_sheet(project: Project, ref: Referentiel, job: str, **fields_: Any) -> AddSheet:
    """« Nouvelle fiche » for a job (a job already studied gets a new sheet: its history is kept)."""
    sheet = new_sheet(project, ref, job, **fields_)
    return AddSheet(sheet, text=f"Fiche d'atelier « {ref.jobs[job].label} » créée")


def delete_sheet(project: Project, sheet_id: str) -> RemoveSheet:
    sheet = find_sheet(project, sheet_id)
    return RemoveSheet(sheet_id, f"Fiche d'atelier supprimée ({workshop_label(sheet)})")


def set_field(project: Project, sheet_id: str, name: str, value: Any) -> SetSheetField:
    find_sheet(project, sheet_id)
    if name not in FIELD_LABELS:
        raise EditError(f"Champ de fiche d'atelier inconnu : {name}")
    return SetSheetField(sheet_id, name, clean_field(name, value), f"{FIELD_LABELS[name]} modifié(e)")


def _check_proposal_activity(sheet: WorkshopSheet, line: Line) -> None:
    if isinstance(line, Proposal) and line.activity not in {a.activity for a in sheet.activities if a.activity}:
        raise EditError("L'activité de la décision proposée n'est pas une activité du métier sur cette fiche.")


def make_line(section: str, **values: Any) -> Line:
    """A line of a section from keyword values (id drawn later if missing); unknown names → EditError."""
    spec = SECTIONS.get(section)
    if spec is None:
        raise EditError(f"Rubrique de fiche d'atelier inconnue : {section}")
    names = {f.name for f in fields(spec.line_type)}
    unknown = set(values) - names
    if unknown:
        raise EditError(f"Champ(s) inconnu(s) pour « {spec.label} » : {', '.join(sorted(unknown))}")
    return spec.line_type(**{"id": "", **values})


def add_line(project: Project, sheet_id: str, section: str, *, position: int | None = None,
             **values: Any) -> InsertLine:
    """Add a line to a list of a sheet (Enter in the form: a new line after the current one)."""
    sheet = find_sheet(project, sheet_id)
    line = make_line(section, **values)
    if not line.id or line.id in sheet.line_ids():
        line = replace(line, id=new_line_id(sheet))
    line = clean_line(section, line)
    _check_proposal_activity(sheet, line)
    return InsertLine(sheet_id, section, line, position, f"Ligne ajoutée : {SECTIONS[section].label}")


def edit_line(project: Project, sheet_id: str, section: str, line_id: str, **changes: Any) -> ReplaceLine:
    sheet = find_sheet(project, sheet_id)
    current = sheet.line(section, line_id)
    if current is None:
        raise EditError("Cette ligne n'existe plus dans la fiche.")
    names = {f.name for f in fields(type(current))} - {"id"}
    unknown = set(changes) - names
    if unknown:
        raise EditError(f"Champ(s) inconnu(s) : {', '.join(sorted(unknown))}")
    line = clean_line(section, replace(current, **changes))
    _check_proposal_activity(sheet, line)
    return ReplaceLine(sheet_id, section, line, f"Ligne modifiée : {SECTIONS[section].label}")


def remove_line(project: Project, sheet_id: str, section: str, line_id: str) -> RemoveLine:
    if find_sheet(project, sheet_id).line(section, line_id) is None:
        raise EditError("Cette ligne n'existe plus dans la fiche.")
    return RemoveLine(sheet_id, section, line_id, f"Ligne supprimée : {SECTIONS[section].label}")


def move_line(project: Project, sheet_id: str, section: str, line_id: str, position: int) -> MoveLine:
    sheet = find_sheet(project, sheet_id)
    if sheet.line(section, line_id) is None:
        raise EditError("Cette ligne n'existe plus dans la fiche.")
    position = min(max(0, position), len(sheet.lines(section)) - 1)
    return MoveLine(sheet_id, section, line_id, position, f"Ligne déplacée : {SECTIONS[section].label}")


def refresh_activities(project: Project, ref: Referentiel, sheet_id: str) -> Batch:
    """Bring the 2025 part of a sheet up to date with the commune's current decisions, keeping what the group wrote:
    lines of activities still exercised are updated, new ones added, those no longer exercised kept if the group
    wrote something about them (removed otherwise); the group's own lines are never touched."""
    sheet = find_sheet(project, sheet_id)
    fresh = {line.activity: line for line in prefill_activities(project, ref, sheet.job)}
    todo: list[Command] = []
    seen = set()
    for line in sheet.activities:
        if not line.activity:
            continue
        seen.add(line.activity)
        now = fresh.get(line.activity)
        if now is None:
            if not (line.status or line.text):
                todo.append(RemoveLine(sheet_id, "activities", line.id))
            continue
        updated = replace(line, label=now.label, score=now.score, kept_human=now.kept_human)
        if updated != line:
            todo.append(ReplaceLine(sheet_id, "activities", updated))
    taken = sheet.line_ids()
    for activity, line in fresh.items():
        if activity not in seen:
            line_id = new_line_id(sheet, taken)
            taken.add(line_id)
            todo.append(InsertLine(sheet_id, "activities", replace(line, id=line_id)))
    return Batch(tuple(todo), "Activités 2025 de la fiche mises à jour")


# --- proposed decisions → the commune's decisions ----------------------------------------------------------------


def proposal_reason(sheet: WorkshopSheet, proposal: Proposal) -> str:
    """« Atelier n° 2 du 14/03/2026 : l'accueil physique reste humain »."""
    return f"{workshop_label(sheet)} : {proposal.reason or 'proposition du groupe'}"


def proposal_applied(project: Project, sheet: WorkshopSheet, proposal: Proposal) -> bool:
    """True when the commune's decisions already say what the proposal says."""
    decision = project.decisions.get((DecisionKind(proposal.kind), sheet.job, proposal.activity))
    if decision is None:
        return False
    return proposal.kind != DecisionKind.OVERRIDE or decision.value == proposal.score


def apply_proposals(ref: Referentiel, project: Project, sheet_id: str, proposal_ids: Iterable[str] | None = None,
                    *, author: str = "", date: str | None = None) -> Batch:
    """« Appliquer les décisions proposées » in one click: the validating factories of `core.commands` with the
    workshop as the reason, as one undoable step. Proposals already applied are skipped."""
    sheet = find_sheet(project, sheet_id)
    wanted = None if proposal_ids is None else set(proposal_ids)
    scratch = replace(project, decisions=dict(project.decisions))  # later factories see earlier decisions
    todo: list[Command] = []
    for proposal in sheet.proposals:
        if (wanted is not None and proposal.id not in wanted) or proposal_applied(scratch, sheet, proposal):
            continue
        reason = proposal_reason(sheet, proposal)
        if proposal.kind == DecisionKind.KEEP_HUMAN:
            command = commands.keep_human(ref, scratch, sheet.job, proposal.activity, reason=reason, author=author,
                                          date=date)
        elif proposal.kind == DecisionKind.EXCLUDE:
            command = commands.exclude_activity(ref, scratch, sheet.job, proposal.activity, reason=reason,
                                                author=author, date=date)
        elif proposal.kind == DecisionKind.OVERRIDE:
            command = commands.override_score(ref, scratch, sheet.job, proposal.activity, score=proposal.score,
                                              reason=reason, author=author, date=date)
        else:
            raise EditError(f"Type de décision proposée inconnu : {proposal.kind}")
        command.apply(scratch)
        todo.append(command)
    if not todo:
        raise EditError("Aucune décision proposée à appliquer : elles le sont déjà.")
    return Batch(tuple(todo), f"Décisions de l'{workshop_label(sheet).lower()} appliquées "
                              f"({plural(len(todo), 'décision')})")


APPLY_TOUCHES = frozenset({DECISIONS})


# --- estimated impact vs computed score --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ImpactComparison:
    impact: Impact | None
    score: int  # the computed (technical) score, in percent
    band: Band
    retained: int  # the retained score (activities kept human count for 0), in percent
    has_retained: bool
    gap: int | None  # points from the computed score to the group's estimate (its nearest bound); + = group higher
    sentence: str

    @property
    def differs(self) -> bool:
        return self.gap is not None and abs(self.gap) > GAP_THRESHOLD


def _pct(score: float) -> int:
    return round(round2(score) * 100)


def _pct_text(value: float) -> str:
    return f"{_format_pct(value)}{NNBSP}%"


def compare_impact(impact: Impact | None, result: JobResult) -> ImpactComparison:
    """The group's estimate next to the computed score, with the gap explained in words beyond 15 points."""
    score, retained = _pct(result.technical.mean), _pct(result.retained.mean)
    band = result.technical.band
    computed = f"{_pct_text(score)}, {band.label}"
    if impact is None:
        return ImpactComparison(None, score, band, retained, result.has_retained, None,
                                f"Le groupe n'a pas encore estimé l'impact. Score calculé : {computed}.")
    if score < impact.low:
        gap = round(impact.low - score)
    elif score > impact.high:
        gap = -round(score - impact.high)
    else:
        gap = 0
    estimate = impact.text
    if abs(gap) <= GAP_THRESHOLD:
        where = "rejoint le" if gap == 0 else "est proche du"
        sentence = f"L'estimation du groupe ({estimate}) {where} score calculé ({computed})."
        if gap:
            sentence += f" Écart : {plural(abs(gap), 'point')}."
        return ImpactComparison(impact, score, band, retained, result.has_retained, gap, sentence)
    points = plural(abs(gap), "point")
    estimate_band = band_for(impact.middle / 100)
    if gap > 0:
        sentence = (
            f"Le groupe estime l'impact à {estimate}, soit {points} de plus que le score calculé ({computed}). "
            "Le score mesure le potentiel technique des activités décrites par le référentiel selon la méthode de "
            "l'OIT ; une estimation plus haute signale souvent des outils déjà en service dans la commune, des "
            "tâches répétitives plus nombreuses que dans la description du métier, ou des activités qui manquent "
            "au référentiel : relisez avec le groupe les activités du métier et leurs scores.")
    else:
        sentence = (
            f"Le groupe estime l'impact à {estimate}, soit {points} de moins que le score calculé ({computed}). "
            "Le score est un plafond de potentiel technique : il ne tient compte ni des choix de la collectivité, "
            "ni de l'équipement, ni de la formation, ni de la part de relation humaine du métier, que le groupe a "
            "pu intégrer dans son estimation.")
        if result.has_retained:
            sentence += (f" Avec les activités que la commune conserve humaines, le score retenu est de "
                         f"{_pct_text(retained)}.")
    if estimate_band != band:
        sentence += f" L'estimation du groupe correspondrait à la bande « {estimate_band.label} »."
    return ImpactComparison(impact, score, band, retained, result.has_retained, gap, sentence)


def job_result(project: Project, ref: Referentiel, job: str, index: Index | None = None) -> JobResult | None:
    """The job's live score with the commune's decisions (None for a job the référentiel no longer has)."""
    if job not in ref.jobs:
        return None
    return score_job(ref.jobs[job], index or project.index, project.decisions_for(job))


# --- summary and training plan ----------------------------------------------------------------------------------


def workshops_json(project: Project, ref: Referentiel, index: Index | None = None) -> list[dict[str, Any]]:
    """`summary --json` → `workshops`: per job studied, its latest sheet's estimate next to the computed score, the
    counts of items per section, and the history of its sheets."""
    out = []
    jobs = sorted({s.job for s in project.workshops})
    for job in jobs:
        history = sheets_for_job(project, job)
        latest = history[-1]
        result = job_result(project, ref, job, index)
        comparison = compare_impact(latest.impact, result) if result else None
        out.append({
            "code": job,
            "label": ref.jobs[job].label if job in ref.jobs else job,
            "score": round2(result.technical.mean) if result else None,
            "band": result.technical.band.value if result else None,
            "retained_score": round2(result.retained.mean) if result else None,
            "estimated_impact": _impact_json(latest.impact),
            "gap_points": comparison.gap if comparison else None,
            "gap_explained": comparison.sentence if comparison and comparison.differs else "",
            "sheets": len(history),
            "latest": _sheet_json(latest),
            "history": [_sheet_json(s) for s in history],
        })
    return out


def _impact_json(impact: Impact | None) -> dict[str, Any] | None:
    if impact is None:
        return None
    return {"low": impact.low / 100, "high": impact.high / 100, "text": impact.text}


def _sheet_json(sheet: WorkshopSheet) -> dict[str, Any]:
    return {
        "id": sheet.id,
        "workshop": sheet.number,
        "title": sheet.title,
        "date": sheet.date,
        "estimated_impact": _impact_json(sheet.impact),
        "counts": section_counts(sheet),
    }


@dataclass(frozen=True, slots=True)
class TrainingLine:
    """One line of the *plan de formation*: a need of a sheet, with the number of agents holding the job."""

    job: str
    job_label: str
    need: str
    category: str
    population: str
    agents: int  # exact; mask it with `aggregates.mask_small` when shown
    priority: str
    horizon: str
    who: str
    when: str
    source: str  # « Atelier n° 2 du 14/03/2026 »
    sheet_id: str
    need_id: str


_PRIORITY_ORDER = {"haute": 0, "moyenne": 1, "basse": 2, "": 3}
_HORIZON_ORDER = {"court_terme": 0, "moyen_terme": 1, "long_terme": 2, "": 3}


def agents_by_job(project: Project) -> dict[str, int]:
    counts: dict[str, int] = {}
    for post in project.posts:
        job = project.job_of(post)
        if job:
            counts[job] = counts.get(job, 0) + post.headcount
    return counts


def training_lines(project: Project, ref: Referentiel | None = None) -> list[TrainingLine]:
    """Every support need of every sheet, most urgent first."""
    agents = agents_by_job(project)
    lines = []
    for sheet in sorted(project.workshops, key=lambda s: s.sort_key):
        label = ref.jobs[sheet.job].label if ref and sheet.job in ref.jobs else sheet.job
        lines.extend(
            TrainingLine(job=sheet.job, job_label=label, need=need.text, category=need.category,
                         population=need.population, agents=agents.get(sheet.job, 0), priority=need.priority,
                         horizon=need.horizon, who=need.who, when=need.when, source=workshop_label(sheet),
                         sheet_id=sheet.id, need_id=need.id)
            for need in sheet.needs)
    return sorted(lines, key=lambda t: (_PRIORITY_ORDER.get(t.priority, 3), _HORIZON_ORDER.get(t.horizon, 3),
                                        fold(t.job_label)))


# --- one line in words (kit import differences, PDF sheet, report) ------------------------------------------------


def activity_label(sheet: WorkshopSheet, activity: str) -> str:
    line = next((a for a in sheet.activities if a.activity == activity), None)
    return line.label if line else activity


def line_summary(section: str, line: Line, sheet: WorkshopSheet | None = None) -> str:
    """A line as one French phrase: « 2 × agents d'accueil », « Formation : démarches en ligne (haute) »…"""
    if isinstance(line, Participant):
        return f"{line.count} × {line.role}"
    if isinstance(line, ActivityLine):
        status = STATUS_LABELS.get(line.status, "")
        head = line.label or "(nouvelle activité)"
        tail = " : ".join(part for part in (status, line.text) if part)
        return f"{head} → {tail}" if tail else head
    if isinstance(line, TextLine):
        return line.text
    if isinstance(line, Need):
        details = [line.population, line.who, line.when, PRIORITY_LABELS.get(line.priority, ""),
                   HORIZON_LABELS.get(line.horizon, "")]
        head = f"{NEED_LABELS[line.category]} : {line.text}" if line.category else line.text
        extra = ", ".join(d for d in details if d)
        return f"{head} ({extra})" if extra else head
    if isinstance(line, Indicator):
        values = " → ".join(v for v in (line.today, line.target) if v)
        text = f"{line.name} : {values}" if values else line.name
        return f"{text} ({line.measure})" if line.measure else text
    if isinstance(line, Proposal):
        label = activity_label(sheet, line.activity) if sheet else line.activity
        kind = PROPOSAL_LABELS.get(line.kind, line.kind)
        score = f" à {format_number(line.score, 2)}" if line.score is not None else ""
        reason = f" — {line.reason}" if line.reason else ""
        return f"{kind}{score} : « {label} »{reason}"
    return str(line)  # pragma: no cover
