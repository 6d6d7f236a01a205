"""Read the values of a staffing table as people type them: `Cat. C`, `28h/35`, `Mme`, `Stagiaire école`…

Each parser takes one cell text and returns the value, or a short French reason when it cannot. They are pure and
cached: a file of 100 000 lines holds only a few hundred distinct values per column.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from cartographie_desktop.core.model import FILIERES
from cartographie_desktop.core.text import fold, strip_accents

FULL_TIME_HOURS = 35.0  # durée légale hebdomadaire: « 28h » means 28/35
_CACHE = 65536


def _plain(text: str) -> str:
    """Lower case, no accents, decimal comma as a point, spaces collapsed; punctuation kept (unlike `fold`)."""
    text = strip_accents(text).lower().replace(",", ".")
    return " ".join(text.split())


# --- working time → FTE -------------------------------------------------------------------------------------------

_NOT_COMPLETE = re.compile(r"non[\s-]*complet|\btnc\b|incomplet|\bpartiel|\btp\b")
_COMPLETE = re.compile(r"^(?:temps\s*)?(?:complet|plein)$|^tc$|^t\.?\s*c\.?$|^plein\s*temps$|^temps\s*complet\b")
_HALF = re.compile(r"\bmi[\s-]*temps\b")
_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*%")
_FRACTION = re.compile(r"(\d+(?:\.\d+)?)\s*(?:h(?:eures?)?\s*(\d{1,2})?)?(?:\s*min)?\s*/\s*(\d+(?:\.\d+)?)")
_CLOCK = re.compile(r"^(\d{1,2})\s*:\s*(\d{2})(?:\s*:\s*\d{2})?$")
_HOURS = re.compile(r"(\d+(?:\.\d+)?)\s*h(?:eures?|rs?)?(?:\s*(\d{1,2})(?:\s*min)?)?(?![a-z])")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def _from_hours(hours: float) -> float | None:
    if 0 < hours <= 48:
        return min(hours / FULL_TIME_HOURS, 1.0)
    return None


MONTHLY_HOURS = 151.67  # 35 h x 52 / 12: the monthly hours of a full-time post in payroll exports


def _from_plain_number(value: float) -> float | None:
    if 0 <= value <= 1:
        return value
    if 2 <= value <= 48:
        return min(value / FULL_TIME_HOURS, 1.0)
    if 48 < value <= 100:
        return value / 100
    if 100 < value <= 200:
        return min(value / MONTHLY_HOURS, 1.0)
    return None


@lru_cache(maxsize=_CACHE)
def parse_fte(text: str) -> tuple[float | None, str]:
    """The share of full time of one post: `35h` → 1, `28h/35` → 0,8, `80 %` → 0,8, `05/20ème` → 0,25.

    Plain numbers: up to 1 a share (`0,8`), 2 to 48 weekly hours (`28`), 48 to 100 a percentage (`80`, `100`),
    100 to 200 monthly hours of a payroll export (`151,67` is full time).
    Returns (None, reason) when the text says nothing usable.
    """
    t = _plain(text)
    if not t:
        return None, "vide"
    percent = _PERCENT.search(t)
    if percent:
        value = float(percent.group(1))
        return (value / 100, "") if 0 <= value <= 100 else (None, "pourcentage impossible")
    fraction = _FRACTION.search(t)
    if fraction:
        hours = float(fraction.group(1)) + (int(fraction.group(2)) / 60 if fraction.group(2) else 0)
        base = float(fraction.group(3))
        if base > 0 and 0 <= hours <= base * 1.5:
            return min(hours / base, 1.0), ""
        return None, "fraction impossible"
    clock = _CLOCK.match(t)
    if clock:
        value = _from_hours(int(clock.group(1)) + int(clock.group(2)) / 60)
        return (value, "") if value is not None else (None, "durée impossible")
    hours = _HOURS.search(t)
    if hours:
        value = _from_hours(float(hours.group(1)) + (int(hours.group(2)) / 60 if hours.group(2) else 0))
        return (value, "") if value is not None else (None, "durée hebdomadaire impossible")
    if _HALF.search(t):
        return 0.5, ""
    numbers = _NUMBER.findall(t)
    if len(numbers) == 1:
        value = float(numbers[0])
        if _NOT_COMPLETE.search(t) and 50 <= value <= 100:  # « temps partiel 80 »
            return value / 100, ""
        share = _from_plain_number(value)
        if share is not None:
            return share, ""
        return None, "nombre hors des valeurs possibles"
    if _NOT_COMPLETE.search(t):
        return None, "temps non complet ou partiel sans quotité"
    if _COMPLETE.search(t) or t in ("oui", "complet", "tc", "plein"):
        return 1.0, ""
    return None, "illisible"


_IN_LABEL = re.compile(r"\b(?:tnc|temps non complet|tp|temps partiel)\b.*?(\d+(?:[.,]\d+)?\s*(?:h\s*\d*|/\s*\d+|%))"
                       r"|\b(\d+(?:[.,]\d+)?\s*h\s*\d*)\s*(?:hebdo|/\s*sem|par semaine)?\s*\)?$", re.IGNORECASE)


def fte_in_label(text: str) -> float | None:
    """The working time a grade or job label states, as in « Adjoint technique (TNC 17h30) »."""
    match = _IN_LABEL.search(_plain(text))
    if not match:
        return None
    share, _ = parse_fte(match.group(1) or match.group(2))
    return share


# --- catégorie ----------------------------------------------------------------------------------------------------

_CATEGORY_WORDS = {"categorie", "categ", "cat", "cadre", "echelle", "hierarchique", "grade", "niveau"}


@lru_cache(maxsize=_CACHE)
def parse_categorie(text: str) -> tuple[str, str]:
    """`c`, `Cat. C`, `Catégorie B`, `C1`, `A+` → A/B/C."""
    words = [word for word in fold(text).split() if word not in _CATEGORY_WORDS]
    if not words:
        return "", ("vide" if not text.strip() else "illisible")
    joined = " ".join(words)
    match = re.fullmatch(r"([abc])(?: ?\d)?", joined)
    if match:
        return match.group(1).upper(), ""
    return "", "illisible"


# --- sex ----------------------------------------------------------------------------------------------------------

_WOMEN = {"f", "femme", "femmes", "feminin", "fem", "mme", "madame", "mlle", "mademoiselle", "2"}
_MEN = {"h", "homme", "hommes", "masculin", "masc", "m", "mr", "monsieur", "1"}


@lru_cache(maxsize=_CACHE)
def parse_sexe(text: str) -> tuple[str, str]:
    """`F`, `Femme`, `Mme` → F; `H`, `M`, `Homme`, `M.` → H; `1`/`2` as in the NIR."""
    key = fold(text)
    if not key:
        return "", "vide"
    if key in _WOMEN:
        return "F", ""
    if key in _MEN:
        return "H", ""
    return "", "illisible"


# --- status -------------------------------------------------------------------------------------------------------

# Order matters: « stagiaire école » before « stagiaire », « non titulaire » before « titulaire ».
_STATUS_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (status, re.compile(pattern))
    for status, pattern in (
        ("stage_ecole", r"stag\w* (?:ecole|gratifie\w*|etudiant\w*|scolaire)|etudiant\w* stagiaire|"
                        r"\bstage (?:ecole|etudiant|gratifie|scolaire|de formation)|gratification|convention de stage|"
                        r"^stage$|^stages$|^etudiant"),
        ("elu", r"\belu(?:e|s|es)?\b|indemnit\w* (?:d )?elu|^maire$|\badjoint\w* (?:au|du) maire|\bmaire adjoint|"
                r"conseill\w* (?:municipal|municipaux|delegue|communautaire)|^\d+(?:er|e|eme|nd|ere)? adjoint\w*$"),
        ("apprenti", r"\bapprenti|\bapprentissage"),
        ("contrat_aide", r"\bpec\b|\bcae\b|\bcui\b|emplois? d avenir|parcours emploi|contrats? aides?|"
                         r"contrat unique d insertion|emplois? aides?|\bcec\b|\bcaa\b"),
        ("vacataire", r"vacat"),
        ("contractuel", r"contractuel|non titulaire|\bcdd\b|\bcdi\b|\bant\b|^nt$|agent non tit"),
        ("stagiaire", r"\bstag\b|\bstagiaire|\bstagiaires\b|^stg$|fonctionnaire stagiaire"),
        ("titulaire", r"titulaire|fonctionnaire|^tit$|^t$|cnracl|detache|emploi fonctionnel"),
        ("contractuel", r"emploi permanent|auxiliaire|remplacant|remplacement|saisonnier|temporaire|occasionnel|"
                        r"accroissement|\bcontrat\b|article 3|\bart 3\b|\bl332|\bpermanent\b|cabinet"),
    )
)


@lru_cache(maxsize=_CACHE)
def parse_status(text: str) -> tuple[str, str]:
    """A key of `core.model.STATUSES`; `stagiaire` alone is a probationary civil servant (kept), not a school intern."""
    key = fold(text)
    if not key:
        return "", "vide"
    for status, pattern in _STATUS_RULES:
        if pattern.search(key):
            return status, ""
    return "", "statut inconnu"


_ELECTED_TITLE = re.compile(
    r"^maire$|^(?:le|la|madame|monsieur) (?:le |la )?maire$|\badjoint\w* (?:au|du) maire|\bmaire adjoint|"
    r"conseill\w* (?:municipal|municipaux|delegue)|^\d+(?:er|e|eme|nd|ere)? adjoint\w*$|^elu\w*$"
)
_SCHOOL_INTERN_TITLE = re.compile(r"stagiaire (?:ecole|gratifie|etudiant|scolaire)|etudiant\w* stagiaire|^stage\b")


@lru_cache(maxsize=_CACHE)
def status_from_title(text: str) -> str:
    """`Maire`, `1er adjoint`, `Stagiaire école` in a title or grade column, when no status says otherwise."""
    key = fold(text)
    if _ELECTED_TITLE.search(key):
        return "elu"
    if _SCHOOL_INTERN_TITLE.search(key):
        return "stage_ecole"
    return ""


# --- filière ------------------------------------------------------------------------------------------------------

_FILIERE_WORDS = {"filiere", "filieres", "secteur", "fil", "sect"}
_OUTSIDE_FILIERES = re.compile(
    r"\b(?:hors|sans) filiere|^hf$|^emplois? fonctionnels?$|collaborat\w* de cabinet|^cabinet$|^emploi fonc"
)
_FILIERE_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (filiere, re.compile(pattern))
    for filiere, pattern in (
        ("medico_sociale", r"^ms$|medico ?soc|sanitaire et social|^sanitaire|^medico sociale"),
        ("medico_technique", r"^mt$|medico ?tech"),
        ("administrative", r"^adm\b|^admin|administrati"),
        ("technique", r"^tech|technique"),
        ("culturelle", r"^cult|culturel|patrimoine|bibliothe|enseignement artistique"),
        ("sportive", r"^sport|sportive|^aps$|^spo$|activites physiques"),
        ("sociale", r"^soc\b|^sociale?$|social"),
        ("animation", r"^anim"),
        ("police_municipale", r"police|^pol$|^pm$"),
        ("incendie_secours", r"incendie|pompier|^spp$|^sis$|secours"),
    )
)


@lru_cache(maxsize=_CACHE)
def parse_filiere(text: str) -> tuple[str, str]:
    """A key of `core.model.FILIERES`, from `Technique`, `FILIERE ADMINISTRATIVE`, or TotEM codes (ADM, TECH…)."""
    full = fold(text)
    if _OUTSIDE_FILIERES.search(full):
        return "hors_filiere", ""
    key = " ".join(word for word in full.split() if word not in _FILIERE_WORDS)
    if not key:
        return "", ("vide" if not text.strip() else "illisible")
    if key in FILIERES:
        return key, ""
    for filiere, pattern in _FILIERE_RULES:
        if pattern.search(key):
            return filiere, ""
    return "", "filière inconnue"


# --- numbers, months ----------------------------------------------------------------------------------------------


@lru_cache(maxsize=_CACHE)
def parse_amount(text: str) -> float | None:
    """`1 234,56`, `1.234,56`, `1234.56 €`, `-12,5` → float; None when not a number."""
    t = "".join(text.split()).replace("€", "").replace("EUR", "").replace("eur", "")
    if not t or t in ("-", "—"):
        return None
    if "," in t and "." in t:  # the last one is the decimal separator
        t = t.replace(".", "").replace(",", ".") if t.rfind(",") > t.rfind(".") else t.replace(",", "")
    elif "," in t:
        t = t.replace(",", ".")
    elif re.fullmatch(r"-?\d{1,3}(?:\.\d{3})+", t):
        t = t.replace(".", "")
    try:
        value = float(t)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


_MONTHS = {
    "janv": 1, "janvier": 1, "jan": 1, "january": 1,
    "fevr": 2, "fevrier": 2, "fev": 2, "feb": 2, "february": 2,
    "mars": 3, "mar": 3, "march": 3,
    "avr": 4, "avril": 4, "apr": 4, "april": 4,
    "mai": 5, "may": 5,
    "juin": 6, "jun": 6, "june": 6,
    "juil": 7, "juillet": 7, "jul": 7, "july": 7,
    "aout": 8, "aug": 8, "august": 8,
    "sept": 9, "septembre": 9, "sep": 9, "september": 9,
    "oct": 10, "octobre": 10, "october": 10,
    "nov": 11, "novembre": 11, "november": 11,
    "dec": 12, "decembre": 12, "december": 12,
}


def _year(text: str) -> int | None:
    year = int(text)
    if len(text) == 2:
        year += 2000
    return year if 1950 <= year <= 2100 else None


@lru_cache(maxsize=_CACHE)
def parse_month(text: str) -> int | None:
    """A payroll period as `yyyymm`, for sorting: `2024-12`, `12/2024`, `01/12/2024`, `202412`, `déc-24`."""
    t = _plain(text)
    if not t:
        return None
    iso = re.match(r"^(\d{4})[-/.](\d{1,2})(?:[-/.]\d{1,2})?(?:[ t].*)?$", t)
    if iso:
        year, month = _year(iso.group(1)), int(iso.group(2))
        return year * 100 + month if year and 1 <= month <= 12 else None
    french = re.match(r"^(?:(\d{1,2})[-/.])?(\d{1,2})[-/.](\d{4}|\d{2})(?: .*)?$", t)
    if french:
        year, month = _year(french.group(3)), int(french.group(2))
        return year * 100 + month if year and 1 <= month <= 12 else None
    compact = re.fullmatch(r"(\d{4})(\d{2})", t)
    if compact:
        year, month = _year(compact.group(1)), int(compact.group(2))
        return year * 100 + month if year and 1 <= month <= 12 else None
    words = fold(t).split()
    if len(words) == 2 and words[0] in _MONTHS and words[1].isdigit() and len(words[1]) in (2, 4):
        year = _year(words[1])
        return year * 100 + _MONTHS[words[0]] if year else None
    return None


# --- grades -------------------------------------------------------------------------------------------------------

_GRADE_TOKENS = {
    "adj": "adjoint", "adjt": "adjoint", "adjte": "adjoint", "adjointe": "adjoint", "adjoints": "adjoint",
    "adm": "administratif", "admin": "administratif", "administrative": "administratif", "adtif": "administratif",
    "administratifs": "administratif",
    "tech": "technique", "techn": "technique", "techniques": "technique", "tec": "technique",
    "princ": "principal", "ppal": "principal", "pal": "principal", "principale": "principal", "pp": "principal",
    "principaux": "principal", "pcpl": "principal", "ppl": "principal",
    "cl": "classe", "cla": "classe", "cls": "classe", "classes": "classe",
    "1ere": "1", "1re": "1", "1er": "1", "1e": "1", "premiere": "1", "1ier": "1",
    "2eme": "2", "2e": "2", "2nde": "2", "2nd": "2", "deuxieme": "2", "seconde": "2", "2ieme": "2",
    "3eme": "3", "3e": "3",
    "anim": "animation", "patrim": "patrimoine", "agt": "agent", "agts": "agent", "agents": "agent",
    "mait": "maitrise", "maitr": "maitrise", "hc": "hors classe",
    "redactrice": "redacteur", "attachee": "attache", "animatrice": "animateur", "educatrice": "educateur",
    "technicienne": "technicien", "ingenieure": "ingenieur", "directrice": "directeur", "specialisee": "specialise",
    "puericultrice": "puericulteur", "conseillere": "conseiller", "bibliothecaire": "bibliothecaire",
    "assistante": "assistant", "auxiliaire": "auxiliaire", "cheffe": "chef", "brigadier": "brigadier",
}
_GRADE_STOP = {"de", "d", "des", "du", "la", "le", "l", "en", "et", "territorial", "territoriale", "territoriaux",
               "territoriales", "terr", "ter", "grade"}


_WORKING_TIME_IN_GRADE = re.compile(
    r"\b(?:tnc|tc|tp|temps (?:non )?complet|temps partiel)\b|\d+(?:\.\d+)?\s*(?:h\s*\d*|/\s*\d+\s*(?:e|eme)?|%)"
    r"|\bheures?\b|\bhebdo\w*"
)


def grade_key(text: str) -> str:
    """A grade's wording reduced to sorted tokens: `Adjt adm. princ. 2e cl.` ≡ `Adjoint administratif principal de
    2ème classe`."""
    tokens = []
    for raw in fold(text).split():
        word = _GRADE_TOKENS.get(raw, raw)
        if word not in _GRADE_STOP:
            tokens.extend(word.split())
    return " ".join(sorted(tokens))


@dataclass(frozen=True, slots=True)
class GradeFacts:
    """What a grade tells about a post."""

    label: str
    categorie: str
    filiere: str


class GradeIndex:
    """Finds a grade of the référentiel from the way a staffing table writes it (abbreviated, feminine, plural)."""

    def __init__(self, grades: Iterable) -> None:
        self.exact: dict[str, GradeFacts] = {}
        self.cadres: dict[str, GradeFacts] = {}
        for grade in grades:
            facts = GradeFacts(grade.label, grade.categorie, grade.filiere)
            for wording in (grade.label, *grade.abbreviations):
                self.exact.setdefault(grade_key(wording), facts)
                self.exact.setdefault(fold(wording).replace(" ", ""), facts)
            if grade.cadre:
                self.cadres.setdefault(grade_key(grade.cadre), facts)
        self._keys = list(self.exact)
        self._memo: dict[str, GradeFacts | None] = {}

    def __len__(self) -> int:
        return len(self.exact)

    def find(self, text: str) -> GradeFacts | None:
        if text in self._memo:
            return self._memo[text]
        found = self._find(text)
        if len(self._memo) < _CACHE:
            self._memo[text] = found
        return found

    def _find(self, text: str) -> GradeFacts | None:
        if not text.strip() or not self.exact:
            return None
        found = self._lookup(text)
        if found is None:  # « Adjoint technique (TNC 17h30) »: the working time is no part of the grade
            bare = _WORKING_TIME_IN_GRADE.sub(" ", _plain(text)).strip(" ()-,")
            if bare and bare != _plain(text):
                found = self._lookup(bare)
        return found

    def _lookup(self, text: str) -> GradeFacts | None:
        key = grade_key(text)
        found = self.exact.get(key) or self.exact.get(fold(text).replace(" ", "")) or self.cadres.get(key)
        if found:
            return found
        singular = " ".join(sorted(word[:-1] if len(word) > 3 and word[-1] in "sx" else word for word in key.split()))
        found = self.exact.get(singular) or self.cadres.get(singular)
        if found:
            return found
        from rapidfuzz import fuzz, process

        best = process.extractOne(key, self._keys, scorer=fuzz.ratio, score_cutoff=90)
        return self.exact[best[0]] if best else None
