"""Staffing-table job titles → référentiel jobs.

A title is first normalised (case, accents, abbreviations, feminine and inclusive forms, noise such as « (H/F) » or
« TNC 17h30 »). An exact match on a job's label or synonym is certain. Otherwise every label and synonym is scored by
an IDF-weighted soft token match: each word of the title is paired with its closest word of the candidate (typos
tolerated through rapidfuzz's Indel ratio), rare words (« atsem », « voirie ») weigh more than common ones
(« agent »), and the score is the harmonic mean of how much of the title and how much of the candidate are covered.
Word order does not matter, a missing or extra word costs what it weighs; the first word after the role (« agent
d'ACCUEIL polyvalent ») weighs more, and a lead's title (« responsable… ») does not fit an agent's job. On the
evaluation set (`tests/data/matching_eval.csv`) this beats rapidfuzz's ready-made scorers used the same way
(`python scripts/eval_matching.py --compare`).

Grade and filière only break ties between close candidates. A match whose confidence is under `AUTO_THRESHOLD`, or
too close to the runner-up, is left *à vérifier* (`job_code=None`) with its suggestions, and so is a title that is
only a grade (« Adjoint technique ») or a bare role (« Chef de service »): a wrong automatic match is worse than a
question.
"""

from __future__ import annotations

import bisect
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from rapidfuzz import fuzz, process

from cartographie_desktop.core.model import MatchStatus, Post, TitleMatch
from cartographie_desktop.core.referentiel import Grade, Referentiel
from cartographie_desktop.core.text import fold

# Calibrated on tests/data/matching_eval.csv: `python scripts/eval_matching.py --sweep` / `--compare`.
AUTO_THRESHOLD = 0.75  # a fuzzy match at or above this, with enough margin, is taken automatically
MARGIN = 0.08  # the best job must lead the runner-up by this much, else its confidence is cut by the shortfall
FUZZY_CAP = 0.99  # 1.0 is kept for exact matches
EXACT_SHARED = 0.85  # a synonym that several jobs share: below the threshold unless the context decides
CONTEXT_FILIERE_BONUS = 0.04  # the job admits the title's filière
CONTEXT_CATEGORIE_BONUS = 0.02  # the job admits the title's catégorie
TOKEN_CUTOFF = 80.0  # two words closer than this (rapidfuzz ratio) count as the same word with a typo
PREFIX_SIMILARITY = 0.85  # an unknown shortening (« admin », « biblio ») of a known word
STEM_SIMILARITY = 0.7  # words sharing their first STEM_LENGTH letters (« animateur », « animation »)
STEM_LENGTH = 6
UNION_SHARE = 0.5  # how much a title's words found anywhere in the job's label and synonyms count
SUGGESTIONS = 3
_CHUNK = 128  # titles scored together: bounds the padded arrays to a few MB
# Words that place a post rather than describe it (« agent d'accueil mairie »): they count for a quarter.
CONTEXT_WORDS = frozenset({
    "mairie", "maire", "commune", "communal", "municipal", "ville", "collectivite", "intercommunal", "elu",
    "site", "secteur", "quartier", "antenne", "annexe",
})
# Words that say a rank or a role but not a trade. A title made of them only (« Chargé de mission », « Chef de
# service », « Agent ») is never matched automatically, however close a synonym looks.
ROLE_WORDS = frozenset({
    "agent", "responsable", "chef", "charge", "mission", "directeur", "adjoint", "assistant",
    "gestionnaire", "service", "referent", "coordinateur", "technicien", "employe", "ouvrier", "collaborateur",
    "conseiller", "cadre", "attache", "secretaire", "operateur", "intervenant", "personnel", "poste", "fonction",
    "emploi", "divers", "general", "superieur", "sous", "delegue", "aide", "auxiliaire", "redacteur", "manager",
    "encadrant",
    "vacant", "autre", "equipe", "pole", "unite", "cellule", "bureau",
})
# Role words that titles swap freely (« chargée de la comptabilité » is an « agent de comptabilité »).
ROLE_GROUPS: tuple[frozenset[str], ...] = (
    frozenset({"agent", "charge", "gestionnaire", "assistant", "employe", "ouvrier", "referent", "operateur",
               "intervenant"}),
    frozenset({"responsable", "chef", "directeur", "coordinateur", "manager", "encadrant"}),
)
ROLE_SIMILARITY = 0.6
# Levels of responsibility a title or a label may name; a title of one level against a job of another keeps
# ROLE_MISMATCH of its score.
ROLE_LEVELS: tuple[frozenset[str], ...] = (
    frozenset({"agent", "ouvrier", "employe", "operateur"}),
    frozenset({"technicien", "ingenieur"}),
    frozenset({"responsable", "chef", "directeur", "coordinateur", "manager", "encadrant"}),
)
ROLE_MISMATCH = 0.8
HEAD_BOOST = 1.5  # weight of the title's first word that is not a role (« agent d'ACCUEIL polyvalent »)
CONTEXT_WORD_WEIGHT = 0.25

# --- normalisation ----------------------------------------------------------------------------------------------

_FEMININE_SUFFIXES = r"e|es|ne|nes|le|les|fe|ve|ice|rice|trice|euse|ère|ere|ière|iere|sse"
_DOTTED_ACRONYM = re.compile(r"\b(?:[a-z]\.){2,}(?:[a-z]\b\.?)?")
_GENDER_TAG = re.compile(r"\(?\s*\b[hf]\s*[/-]\s*[fh]\b\s*\)?")
_INCLUSIVE_PAREN = re.compile(rf"(?<=[a-zà-ÿ])\s?\((?:{_FEMININE_SUFFIXES})\)(?:s\b)?")
_INCLUSIVE_DOT = re.compile(rf"(?<=[a-zà-ÿ]{{2}})[·•∙.‧-](?:{_FEMININE_SUFFIXES})(?:[·•∙.‧]s)?\b")
_INCLUSIVE_SLASH = re.compile(rf"(?<=[a-zà-ÿ]{{2}})\s?/\s?(?:{_FEMININE_SUFFIXES})\b")
_NOISE_TOKEN = re.compile(
    r"^(?:\d+(?:[.,]\d+)?(?:h\d*|e|er|ere|eme|em|nd|nde|cl|%)?|\d*h\d+|[0-9]+e?me|1re|1ere|2de)$")

STOP_WORDS = frozenset({
    "de", "du", "des", "la", "le", "les", "l", "d", "et", "a", "au", "aux", "en", "un", "une", "pour", "sur", "par",
    "ou", "chez", "dans", "avec",
    # grade and contract noise that never tells the job apart
    "territorial", "principal", "classe", "hors", "cl", "titulaire", "stagiaire", "contractuel", "contractuelle",
    "remplacant", "remplacement", "vacataire", "saisonnier", "cdd", "cdi", "apprenti", "hf", "fh", "tnc", "tc",
    "ecl", "ecn",
})
# Phrases dropped wherever they appear (working time, « poste n° 12 »).
NOISE_PHRASES: tuple[tuple[str, ...], ...] = (
    ("temps", "non", "complet"), ("temps", "complet"), ("temps", "partiel"), ("mi", "temps"), ("plein", "temps"),
    ("poste", "n"), ("poste", "no"), ("poste", "numero"),
)
_FEMININE_WORDS = {
    "hotesse": "hote", "maitresse": "maitre", "cheffe": "chef", "chefe": "chef", "elue": "elu",
    "menagere": "menager",
}
_NOT_FEMININE = frozenset({"lycee", "musee", "archive", "sante", "olive", "rive", "derive", "convive", "trophee"})
_FEMININE_RULES: tuple[tuple[str, str], ...] = (
    ("trice", "teur"), ("euse", "eur"), ("ienne", "ien"), ("iere", "ier"), ("llere", "ller"), ("ee", "e"),
    ("ive", "if"), ("ale", "al"), ("elle", "el"), ("ente", "ent"), ("ante", "ant"), ("inte", "int"),
)


def _singular(token: str) -> str:
    if len(token) <= 3:
        return token
    if token.endswith("eaux"):
        return token[:-1]
    if token.endswith("aux") and len(token) > 4:
        return token[:-3] + "al"
    if token.endswith("eux") and len(token) > 4:
        return token[:-1]
    if token.endswith("s") and not token.endswith(("ss", "us", "is")):
        return token[:-1]
    return token


def _masculine(token: str) -> str:
    if token in _FEMININE_WORDS:
        return _FEMININE_WORDS[token]
    if len(token) < 4 or token in _NOT_FEMININE:
        return token
    for suffix, replacement in _FEMININE_RULES:
        if token.endswith(suffix) and len(token) > len(suffix) + 1:
            return token[: -len(suffix)] + replacement
    return token


@lru_cache(maxsize=65536)
def _word_form(token: str) -> str:
    return _masculine(_singular(token))


_COORDINATION = re.compile(r"\s(?:et|ou)\s|[/&+]|\s-\s", re.IGNORECASE)
_PARENTHESIS = re.compile(r"\(([^()]*)\)")
_ALTERNATIVES = re.compile(r"\s+[/–—]\s+")
_NOISE_FORMS = tuple(tuple(_word_form(t) for t in phrase) for phrase in NOISE_PHRASES)


def _pre_clean(title: str) -> str:
    """Remove what folding would turn into words: gender tags, inclusive endings, dotted acronyms."""
    text = " ".join(str(title).split()).casefold()
    text = _DOTTED_ACRONYM.sub(lambda m: m.group(0).replace(".", ""), text)
    text = _GENDER_TAG.sub(" ", text)
    text = _INCLUSIVE_PAREN.sub("", text)
    text = _INCLUSIVE_SLASH.sub("", text)
    return _INCLUSIVE_DOT.sub("", text)


def _drop_phrases(tokens: list[str], phrases: tuple[tuple[str, ...], ...]) -> list[str]:
    if not any(phrase[0] in tokens for phrase in phrases):
        return tokens
    out: list[str] = []
    i = 0
    while i < len(tokens):
        for phrase in phrases:
            if tuple(tokens[i:i + len(phrase)]) == phrase:
                i += len(phrase)
                break
        else:
            out.append(tokens[i])
            i += 1
    return out


def _replace_runs(words: list[str], table: dict[tuple[str, ...], tuple[str, ...]], longest: int, shortest: int,
                  keep: Callable[[str], Iterable[str]]) -> list[str]:
    """Replace, left to right, the longest runs of words that `table` knows; any other word goes through `keep`."""
    out: list[str] = []
    i = 0
    while i < len(words):
        for size in range(min(longest, len(words) - i), shortest - 1, -1):
            found = table.get(tuple(words[i:i + size]))
            if found is not None:
                out.extend(found)
                i += size
                break
        else:
            out.extend(keep(words[i]))
            i += 1
    return out


class Normaliser:
    """Title → matching key. The same function is applied to titles and to the référentiel's labels and synonyms,
    so every rewrite only has to be consistent, not linguistically perfect (« archives » and « archive » meet).

    Abbreviations are expanded (« agt » → agent); then every multi-word long form is contracted back to its acronym
    (« agent de surveillance de la voie publique », « ASVP » and « A.S.V.P. » all become `asvp`), so that a concept
    of five words weighs as one word and not five.
    """

    def __init__(self, abbreviations: dict[str, str] | None = None) -> None:
        self._cache: dict[tuple[str, bool, bool], tuple[str, ...]] = {}
        self._expand_map: dict[tuple[str, ...], tuple[str, ...]] = {}
        self._contract_map: dict[tuple[str, ...], tuple[str]] = {}
        for short, long in sorted((abbreviations or {}).items()):
            key = tuple(fold(short).split())
            value = tuple(self._forms(fold(long).split()))
            if not key or key == value:
                continue  # a value of stop words only (« pal » → principal) drops the abbreviation
            self._expand_map[key] = value
            if len(value) > 1 and len(key) == 1:
                current = self._contract_map.get(value)
                if current is None or len(key[0]) < len(current[0]):
                    self._contract_map[value] = key
        self._expand_len = max((len(k) for k in self._expand_map), default=0)
        self._contract_len = max((len(k) for k in self._contract_map), default=0)

    @staticmethod
    def _forms(tokens: Iterable[str]) -> list[str]:
        out = []
        for token in tokens:
            if len(token) < 2 or token in STOP_WORDS or _NOISE_TOKEN.match(token):
                continue
            form = _word_form(token)
            if form not in STOP_WORDS:
                out.append(form)
        return out

    def tokens(self, title: str, *, expand: bool = True, contract: bool = True) -> list[str]:
        """The key's words, in order, without repeats (cached: a file repeats its titles)."""
        key = (title, expand, contract)
        found = self._cache.get(key)
        if found is None:
            if len(self._cache) > 50_000:
                self._cache.clear()
            found = self._cache[key] = tuple(self._tokens(title, expand=expand, contract=contract))
        return list(found)

    def _tokens(self, title: str, *, expand: bool, contract: bool) -> list[str]:
        raw = fold(_pre_clean(title)).split()
        # Noise goes before expansion: « tnc » must not become « temps non complet » words.
        raw = _drop_phrases([t for t in raw if not _NOISE_TOKEN.match(t) and t not in STOP_WORDS], NOISE_PHRASES)
        if expand and self._expand_map:
            words = _replace_runs(raw, self._expand_map, self._expand_len, 1, lambda w: self._forms([w]))
        else:
            words = self._forms(raw)
        words = _drop_phrases(words, _NOISE_FORMS)  # an abbreviation may expand to working time (« tp »)
        words = list(dict.fromkeys(words))  # « Policier municipal / Policière municipale » says it once
        if expand and contract and self._contract_map:
            words = list(dict.fromkeys(_replace_runs(words, self._contract_map, self._contract_len, 2, lambda w: (w,))))
        return words

    def __call__(self, title: str) -> str:
        return " ".join(self.tokens(title))


# --- the matcher ------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TitleContext:
    """What the staffing table says around a title: used to break ties, never to choose alone."""

    grade: str = ""
    categorie: str = ""
    filiere: str = ""


@dataclass(frozen=True, slots=True)
class _Choice:
    job: int
    tokens: tuple[str, ...]


class Matcher:
    """Built once per référentiel (`matcher_for`); matching 2 000 distinct titles takes a fraction of a second."""

    def __init__(self, ref: Referentiel, *, threshold: float = AUTO_THRESHOLD, margin: float = MARGIN) -> None:
        self.ref = ref
        self.threshold = threshold
        self.margin = margin
        self.normalise = Normaliser(ref.abbreviations)
        self.job_codes: list[str] = sorted(ref.jobs)
        self._grades: dict[str, Grade] = {}
        for grade in ref.grades:
            for text in (grade.label, grade.cadre, *grade.abbreviations):
                key = self.normalise(text)
                if key:
                    self._grades.setdefault(key, grade)
        self._grade_keys = list(self._grades)
        self._build_keys()
        self._build_index()
        self._filiere_mask = {f: np.array([f in ref.jobs[c].filieres for c in self.job_codes])
                              for f in {f for job in ref for f in job.filieres}}
        self._filiere_count = np.array([max(len(ref.jobs[c].filieres), 1) for c in self.job_codes])
        self._categorie_mask = {k: np.array([k in ref.jobs[c].categories for c in self.job_codes])
                                for k in {k for job in ref for k in job.categories}}

    def _build_keys(self) -> None:
        """Exact keys and fuzzy choices, job by job (so the choices come grouped by job).

        Exact keys are the normalised string and its sorted words (word order never matters in a title). The label
        and synonyms come first; a part of a label (« Chauffeur » of « Chauffeur – conducteur de véhicules ») is an
        exact key only where no other job's label or synonym claims it.
        """
        self._exact: dict[str, set[int]] = {}
        derived: dict[str, set[int]] = {}
        choices: dict[tuple[int, tuple[str, ...]], None] = {}
        for j, code in enumerate(self.job_codes):
            job = self.ref.jobs[code]
            texts = [(job.label, self._exact), *((s, self._exact) for s in job.synonyms),
                     *((part, derived) for part in self._label_parts(job.label))]
            for text, table in texts:
                standard = tuple(self.normalise.tokens(text))
                if not standard:
                    continue
                for key in (" ".join(standard), " ".join(sorted(standard))):
                    table.setdefault(key, set()).add(j)
                choices.setdefault((j, standard), None)
                # Also the long forms (« espaces verst » with a typo is not contracted) and the words as written
                # (« atsme » is closer to « atsem » than to its long form).
                for form in (self.normalise.tokens(text, contract=False), self.normalise.tokens(text, expand=False)):
                    if form:
                        choices.setdefault((j, tuple(form)), None)
        grades = set(self._grades)
        for key, jobs in derived.items():
            # « Rédacteur·rice / journaliste » must not make the grade « Rédacteur » a certain match.
            if key not in grades and not all(t in ROLE_WORDS or t in CONTEXT_WORDS for t in key.split()):
                self._exact.setdefault(key, jobs)
        self._choices = [_Choice(j, tokens) for j, tokens in choices]

    def _build_index(self) -> None:
        """Vocabulary, IDF over jobs (a synonym repeated ten times does not make a word common), and the padded
        word-index matrix of the choices that `_job_scores` works on."""
        per_job: dict[int, set[str]] = {}
        for choice in self._choices:
            per_job.setdefault(choice.job, set()).update(choice.tokens)
        df = Counter(t for words in per_job.values() for t in words)
        self.vocab: list[str] = sorted(df)
        self._vocab_index = {t: i for i, t in enumerate(self.vocab)}
        n_jobs = max(len(self.job_codes), 1)
        self.idf = np.array([self._weight(t, math.log(1.0 + n_jobs / df[t])) for t in self.vocab] + [0.0])
        self._unknown_weight = math.log(1.0 + n_jobs)

        width = max((len(c.tokens) for c in self._choices), default=1)
        pad = len(self.vocab)  # index of the all-zero similarity column
        self._choice_tokens = np.full((len(self._choices), width), pad, dtype=np.int64)
        for row, choice in enumerate(self._choices):
            self._choice_tokens[row, : len(choice.tokens)] = [self._vocab_index[t] for t in choice.tokens]
        self._choice_weights = self.idf[self._choice_tokens].astype(np.float32)
        self._choice_wsum = self._choice_weights.sum(axis=1)
        self._choice_columns = [np.ascontiguousarray(self._choice_tokens[:, i]) for i in range(width)]
        label_words = [set(self.normalise.tokens(self.ref.jobs[c].label)) for c in self.job_codes]
        self._job_level = [np.array([bool(words & level) for words in label_words], dtype=bool)
                           for level in ROLE_LEVELS]
        named = np.logical_or.reduce(self._job_level)  # labels that name a level at all
        self._level_penalty = [np.where(named & ~level, ROLE_MISMATCH, 1.0) for level in self._job_level]
        jobs = np.array([c.job for c in self._choices], dtype=np.int64)  # sorted: built job by job
        self._job_starts = np.searchsorted(jobs, np.arange(len(self.job_codes)))
        self._jobs_with_choices = np.zeros(len(self.job_codes), dtype=bool)
        self._jobs_with_choices[np.unique(jobs)] = True
        # For each choice, the rank of its job among the jobs that have choices (to spread per-job values).
        self._choice_job_rank = np.searchsorted(np.flatnonzero(self._jobs_with_choices), jobs)

    @staticmethod
    def _weight(token: str, idf: float) -> float:
        return idf * CONTEXT_WORD_WEIGHT if token in CONTEXT_WORDS else idf

    @staticmethod
    def _label_parts(label: str) -> list[str]:
        """What a label bundles: « A – B » or « A / B » alternatives, the label without its parenthesis, and a
        parenthesis of several words (« Secrétaire de mairie (secrétaire général·e de mairie) »). A one-word
        parenthesis (« (CCAS) », « (population) ») only qualifies the label: alone it would name no job."""
        bare = " ".join(_PARENTHESIS.sub(" ", label).split())
        parts = [bare, *_ALTERNATIVES.split(bare)]
        for inner in _PARENTHESIS.findall(label):
            parts += [piece for piece in re.split(r"[,;]", inner) if len(piece.split()) >= 2]
        return [p.strip() for p in dict.fromkeys(parts) if len(p.strip()) > 2 and p.strip() != label]

    # -- grades -------------------------------------------------------------------------------------------------

    def grade_info(self, grade: str) -> Grade | None:
        """The grade table's entry for a grade as typed (« Adjt adm. princ. 2e cl. »), or None."""
        key = self.normalise(grade)
        if not key:
            return None
        found = self._grades.get(key)
        if found is None and self._grade_keys:
            best = process.extractOne(key, self._grade_keys, scorer=fuzz.token_sort_ratio, score_cutoff=90)
            found = self._grades[best[0]] if best else None
        return found

    def is_grade(self, title: str) -> bool:
        """True when a title is only a grade (« Adjoint technique principal ») and so says nothing of the job."""
        key = self.normalise(title)
        return bool(key) and key in self._grades

    def context_for(self, grade: str = "", categorie: str = "", filiere: str = "") -> TitleContext:
        info = self.grade_info(grade) if grade and not (categorie and filiere) else None
        return TitleContext(
            grade=grade,
            categorie=categorie or (info.categorie if info else ""),
            filiere=filiere or (info.filiere if info else ""),
        )

    # -- scoring ------------------------------------------------------------------------------------------------

    def _token_similarities(self, tokens: Sequence[str]) -> np.ndarray:
        """(len(tokens), len(vocab) + 1) similarities in [0, 1]; exact, typo (Indel ratio) or known prefix."""
        sims = np.zeros((len(tokens), len(self.vocab) + 1), dtype=np.float32)
        if not tokens or not self.vocab:
            return sims
        ratios = process.cdist(tokens, self.vocab, scorer=fuzz.ratio, score_cutoff=TOKEN_CUTOFF, dtype=np.float32)
        sims[:, : len(self.vocab)] = ratios / 100.0
        for row, token in enumerate(tokens):
            if len(token) <= 3:  # short words and acronyms: exact only (« rh » is not « rn »)
                sims[row, : len(self.vocab)] = 0.0
            exact = self._vocab_index.get(token)
            if exact is not None:
                sims[row, exact] = 1.0
            if len(token) >= 4:
                start = bisect.bisect_left(self.vocab, token)
                end = bisect.bisect_left(self.vocab, token + "\uffff")
                for i in range(start, end):
                    if self.vocab[i] != token:
                        sims[row, i] = max(sims[row, i], PREFIX_SIMILARITY)
            for group in ROLE_GROUPS:
                if token in group:
                    for other in group:
                        i = self._vocab_index.get(other)
                        if i is not None and other != token:
                            sims[row, i] = max(sims[row, i], ROLE_SIMILARITY)
            if len(token) >= STEM_LENGTH:
                stem = token[:STEM_LENGTH]
                start = bisect.bisect_left(self.vocab, stem)
                end = bisect.bisect_left(self.vocab, stem + "\uffff")
                for i in range(start, end):
                    sims[row, i] = max(sims[row, i], STEM_SIMILARITY)
        return sims

    def _query_weights(self, tokens: Sequence[str], sims: np.ndarray, head: bool = True) -> np.ndarray:
        """A known word weighs its IDF; a misspelt one the IDF of the word it resembles; an unknown one the most."""
        weights = np.empty(len(tokens), dtype=np.float32)
        for row, token in enumerate(tokens):
            exact = self._vocab_index.get(token)
            if exact is not None:
                weights[row] = self.idf[exact]
                continue
            best = int(np.argmax(sims[row, : len(self.vocab)])) if self.vocab else 0
            if self.vocab and sims[row, best] >= TOKEN_CUTOFF / 100.0:
                weights[row] = self.idf[best]
            else:
                weights[row] = self._weight(token, self._unknown_weight)
        # The first word after the role says the trade (« agent d'accueil polyvalent » is an agent d'accueil),
        # unless the title joins two trades (« agent de restauration et d'entretien »).
        first = next((i for i, t in enumerate(tokens) if t not in ROLE_WORDS and t not in CONTEXT_WORDS), None)
        if head and first is not None and len(tokens) > 1:
            weights[first] *= HEAD_BOOST
        return weights

    def _best_per_choice(self, sims: np.ndarray) -> np.ndarray:
        """(words, choices): each word's best partner among each choice's words, for all titles' words at once."""
        columns = self._choice_columns
        best = sims[:, columns[0]]
        for column in columns[1:]:
            np.maximum(best, sims[:, column], out=best)
        return best

    def _batch_scores(self, token_lists: Sequence[Sequence[str]], heads: Sequence[bool]) -> np.ndarray:
        """(titles, jobs): each job's best score over its label and synonyms, for all titles at once.

        For one candidate text: how much of the title it covers (blended with how much of the title the job's texts
        cover together, so « jardinier paysagiste » finds « jardinier » and « ouvrier paysagiste »), how much of the
        candidate the title covers, and their harmonic mean. Titles go through in chunks, as padded arrays: numpy
        does the work, Python only prepares the weights.
        """
        n_titles, n_jobs = len(token_lists), len(self.job_codes)
        out = np.zeros((n_titles, n_jobs))
        distinct = sorted({t for tokens in token_lists for t in tokens})
        if not distinct or not self._choices:
            return out
        sims = self._token_similarities(distinct)
        sims = np.vstack([sims, np.zeros((1, sims.shape[1]), dtype=sims.dtype)])  # last row: padding
        best = self._best_per_choice(sims)  # (words + 1, C): each word's best partner in each choice
        starts = self._job_starts[self._jobs_with_choices]
        best_in_job = np.maximum.reduceat(best, starts, axis=1) if UNION_SHARE else None  # (words + 1, J')
        row_of = {t: i for i, t in enumerate(distinct)}
        width = max(len(tokens) for tokens in token_lists)
        rows = np.full((n_titles, width), len(distinct), dtype=np.int64)
        weights = np.zeros((n_titles, width), dtype=np.float32)
        for q, tokens in enumerate(token_lists):
            if tokens:
                r = [row_of[t] for t in tokens]
                rows[q, : len(r)] = r
                weights[q, : len(r)] = self._query_weights(tokens, sims[r], heads[q])
        wsum = weights.sum(axis=1, keepdims=True)
        wsum[wsum == 0] = 1.0
        for lo in range(0, n_titles, _CHUNK):
            hi = min(lo + _CHUNK, n_titles)
            w, r, ws = weights[lo:hi], rows[lo:hi], wsum[lo:hi]
            partners = best[r]  # (b, k, C)
            covered_query = np.einsum("bk,bkc->bc", w, partners) / ws
            if best_in_job is not None:
                union = np.einsum("bk,bkj->bj", w, best_in_job[r]) / ws
                covered_query = (1.0 - UNION_SHARE) * covered_query + UNION_SHARE * union[:, self._choice_job_rank]
            title_best = sims[r].max(axis=1)  # (b, V + 1): each vocabulary word's best partner in the title
            covered_choice = (title_best[:, self._choice_tokens] * self._choice_weights).sum(axis=2) / self._choice_wsum
            total = covered_query + covered_choice
            f1 = np.divide(2.0 * covered_query * covered_choice, total, out=np.zeros_like(total), where=total > 0)
            out[lo:hi, self._jobs_with_choices] = np.maximum.reduceat(f1, starts, axis=1)
        # A manager's title is not an agent's job, an agent's not a technician's, and so on (« Responsable espaces
        # verts » is not « Agent des espaces verts »): a title of one level against a job whose label names others.
        for q, tokens in enumerate(token_lists):
            levels = [i for i, level in enumerate(ROLE_LEVELS) if any(t in level for t in tokens)]
            if len(levels) == 1:
                out[q] *= self._level_penalty[levels[0]]
        return out

    def _context_bonus(self, context: TitleContext | None) -> np.ndarray:
        """Small bonuses, enough to reorder close candidates only. A job open to several filières gets a share of
        the filière bonus: one specific to the title's filière is the likelier."""
        bonus = np.zeros(len(self.job_codes))
        if context is None:
            return bonus
        if context.filiere in self._filiere_mask:
            bonus += CONTEXT_FILIERE_BONUS * self._filiere_mask[context.filiere] / self._filiere_count
        if context.categorie in self._categorie_mask:
            bonus += CONTEXT_CATEGORIE_BONUS * self._categorie_mask[context.categorie]
        return bonus

    def _decide(self, title: str, scores: np.ndarray, *, exact: bool) -> TitleMatch:
        order = np.argsort(-scores, kind="stable")[:SUGGESTIONS]
        ranked = [(self.job_codes[i], float(scores[i])) for i in order if scores[i] > 0]
        if not ranked:
            return TitleMatch(title, None, 0.0, MatchStatus.TO_CHECK, ())
        best_code, best = ranked[0]
        runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
        confidence = best - max(0.0, self.margin - (best - runner_up))
        if not exact:
            confidence = min(confidence, FUZZY_CAP)
        confidence = round(max(0.0, min(1.0, confidence)), 4)
        # Suggestions never show more confidence than the best one (its margin penalty applies to them too).
        alternatives = ((best_code, confidence),
                        *((code, round(min(max(score, 0.0), confidence), 4)) for code, score in ranked[1:]))
        if confidence >= self.threshold:
            return TitleMatch(title, best_code, confidence, MatchStatus.AUTO, alternatives)
        return TitleMatch(title, None, confidence, MatchStatus.TO_CHECK, alternatives)

    def match(self, title: str, context: TitleContext | None = None) -> TitleMatch:
        """The job of one title, with its confidence and up to 3 suggestions (distinct jobs, best first)."""
        return self.match_many([(title, context)])[0]

    def match_many(self, items: Iterable[tuple[str, TitleContext | None]]) -> list[TitleMatch]:
        """One `TitleMatch` per (title, context), in order; all titles scored together (fast for thousands)."""
        items = list(items)
        token_lists = [self.normalise.tokens(title) for title, _ in items]
        scores = self._batch_scores(token_lists, [not _COORDINATION.search(title) for title, _ in items])
        return [self._match_tokens(title, tokens, scores[q], context)
                for q, ((title, context), tokens) in enumerate(zip(items, token_lists, strict=True))]

    def _match_tokens(self, title: str, tokens: list[str], fuzzy_scores: np.ndarray,
                      context: TitleContext | None) -> TitleMatch:
        if not tokens:
            return TitleMatch(title, None, 0.0, MatchStatus.TO_CHECK, ())
        bonus = self._context_bonus(context)
        exact = self._exact.get(" ".join(tokens)) or self._exact.get(" ".join(sorted(tokens)))
        fuzzy = np.minimum(fuzzy_scores, FUZZY_CAP)
        if exact and len(exact) == 1:
            (j,) = exact
            fuzzy[j] = 0.0
            others = [(self.job_codes[i], round(float(fuzzy[i]), 4))
                      for i in np.argsort(-fuzzy, kind="stable")[: SUGGESTIONS - 1] if fuzzy[i] > 0]
            code = self.job_codes[j]
            return TitleMatch(title, code, 1.0, MatchStatus.AUTO, ((code, 1.0), *others))
        if exact:  # the same synonym in several jobs: only the context can choose
            scores = np.minimum(fuzzy + bonus, EXACT_SHARED - self.margin)
            for j in exact:
                scores[j] = EXACT_SHARED + bonus[j]
            return self._decide(title, scores, exact=False)
        scores = fuzzy + bonus
        match = self._decide(title, scores, exact=False)
        if match.job_code is not None and (
                " ".join(tokens) in self._grades or all(t in ROLE_WORDS or t in CONTEXT_WORDS for t in tokens)):
            # A grade or a bare role says nothing of the trade (« Adjoint technique » may clean, drive or garden;
            # « Chef de service » of which service?): ask.
            capped = min(match.confidence, round(self.threshold - 0.01, 4))
            return TitleMatch(title, None, capped, MatchStatus.TO_CHECK,
                              ((match.alternatives[0][0], capped), *match.alternatives[1:]))
        return match

    def suggest(self, text: str, limit: int = 10) -> list[tuple[str, float]]:
        """Jobs for a search box: the best `limit` jobs for a free text, with their scores."""
        tokens = self.normalise.tokens(text)
        if not tokens:
            return []
        scores = self._batch_scores([tokens], [True])[0]
        order = np.argsort(-scores, kind="stable")[:limit]
        return [(self.job_codes[i], round(float(scores[i]), 4)) for i in order if scores[i] > 0]


# --- per-référentiel cache and the per-post entry point ----------------------------------------------------------

_CACHE: dict[int, tuple[Referentiel, Matcher]] = {}
_CACHE_SIZE = 4


def matcher_for(ref: Referentiel) -> Matcher:
    """The matcher of a référentiel, built once (the référentiel is kept alive with it, so its id stays unique)."""
    cached = _CACHE.get(id(ref))
    if cached is not None and cached[0] is ref:
        return cached[1]
    matcher = Matcher(ref)
    if len(_CACHE) >= _CACHE_SIZE:
        _CACHE.pop(next(iter(_CACHE)))
    _CACHE[id(ref)] = (ref, matcher)
    return matcher


def _most_common(values: Iterable[str]) -> str:
    counts = Counter(v for v in values if v)
    if not counts:
        return ""
    top = max(counts.values())
    return min(v for v, n in counts.items() if n == top)  # ties: alphabetical, so that runs are reproducible


def title_contexts(posts: Iterable[Post], matcher: Matcher) -> dict[str, tuple[str, TitleContext]]:
    """For each distinct folded title: its most frequent spelling, and the most frequent grade, catégorie and
    filière among its posts (a filière or catégorie missing from the file is taken from the grade table)."""
    spellings: dict[str, Counter[str]] = {}
    grades: dict[str, list[str]] = {}
    filieres: dict[str, list[str]] = {}
    categories: dict[str, list[str]] = {}
    grade_cache: dict[str, Grade | None] = {}
    for post in posts:
        key = post.title_key
        spellings.setdefault(key, Counter())[post.title.strip()] += post.headcount or 1
        grades.setdefault(key, []).append(post.grade)
        filiere, categorie = post.filiere, post.categorie
        if post.grade and not (filiere and categorie):
            if post.grade not in grade_cache:
                grade_cache[post.grade] = matcher.grade_info(post.grade)
            info = grade_cache[post.grade]
            if info is not None:
                filiere = filiere or info.filiere
                categorie = categorie or info.categorie
        filieres.setdefault(key, []).append(filiere)
        categories.setdefault(key, []).append(categorie)
    out = {}
    for key, counts in spellings.items():
        top = max(counts.values())
        title = min(s for s, n in counts.items() if n == top)
        out[key] = (title, TitleContext(grade=_most_common(grades[key]), categorie=_most_common(categories[key]),
                                        filiere=_most_common(filieres[key])))
    return out


def match_posts(posts: Sequence[Post], ref: Referentiel, *, file_filiere: str = "") -> dict[str, TitleMatch]:
    """One `TitleMatch` per distinct folded title of the posts (the key of `Project.matches`).

    `file_filiere` is the filière a whole file or sheet is about (« Filière technique » sub-heading…), used when a
    title's posts carry none.
    """
    matcher = matcher_for(ref)
    contexts = title_contexts(posts, matcher)
    keys = sorted(k for k in contexts if k)
    items = []
    for key in keys:
        title, context = contexts[key]
        if file_filiere and not context.filiere:
            context = TitleContext(context.grade, context.categorie, file_filiere)
        items.append((title, context))
    return dict(zip(keys, matcher.match_many(items), strict=True))

