"""Suggest the ILO tasks closest to a new activity's wording (« Ajouter une activité… »). No Qt.

The user types French; the ILO tasks are English with (when translated) a French text. We compare the wording with
rapidfuzz against: the French labels of the référentiel's activities (each carries its ILO links: the best bridge from
French to a task), and the tasks' own French and English texts. Each task keeps its best match.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process

from cartographie_desktop.core.ilo import IloTask, TaskKey
from cartographie_desktop.core.model import Index
from cartographie_desktop.core.referentiel import Referentiel
from cartographie_desktop.core.text import fold

# Words that carry no meaning for matching (French and English): left in, they make unrelated texts look alike.
STOP_WORDS = frozenset((
    "a", "au", "aux", "avec", "d", "dans", "de", "des", "du", "en", "et", "l", "la", "le", "les", "leur", "leurs",
    "ou", "par", "pour", "sa", "se", "ses", "son", "sur", "un", "une",
    "an", "and", "as", "at", "by", "for", "from", "in", "its", "of", "on", "or", "other", "such", "the", "their", "to",
    "with",
))


def _words(text: str) -> str:
    return " ".join(w for w in fold(text).split() if w not in STOP_WORDS and len(w) > 1)


@dataclass(frozen=True, slots=True)
class Suggestion:
    key: TaskKey
    text: str  # French when translated, else English
    text_en: str
    occupation: str  # ISCO-08 title in French
    score: float  # the task's score for the index
    similarity: float  # 0–100
    via: str  # the référentiel activity whose wording matched, if any


@dataclass(frozen=True, slots=True)
class _Corpus:
    texts: tuple[str, ...]
    keys: tuple[tuple[TaskKey, ...], ...]
    via: tuple[str, ...]


_CACHE: dict[int, tuple[Referentiel, _Corpus]] = {}


def _corpus(ref: Referentiel) -> _Corpus:
    cached = _CACHE.get(id(ref))
    if cached is not None and cached[0] is ref:
        return cached[1]
    texts: list[str] = []
    keys: list[tuple[TaskKey, ...]] = []
    via: list[str] = []
    for job in ref:
        for activity in job.activities:
            if activity.ilo_links:
                texts.append(_words(activity.label))
                keys.append(activity.ilo_links)
                via.append(activity.label)
    linked = ref.linked_tasks()
    for key, task in ref.tasks.items():
        if task.text_fr:
            texts.append(_words(task.text_fr))
            keys.append((key,))
            via.append("")
        if key in linked:  # English texts only for tasks the référentiel uses: French words match them poorly
            texts.append(_words(task.text_en))
            keys.append((key,))
            via.append("")
    corpus = _Corpus(tuple(texts), tuple(keys), tuple(via))
    _CACHE.clear()  # one référentiel at a time in practice
    _CACHE[id(ref)] = (ref, corpus)
    return corpus


def suggest_tasks(ref: Referentiel, wording: str, index: Index = "2025", limit: int = 8) -> list[Suggestion]:
    """The ILO tasks whose wording (or whose linked activities' wording) is closest to `wording`, best first."""
    query = _words(wording)
    if len(query) < 3:
        return []
    corpus = _corpus(ref)
    hits = process.extract(query, corpus.texts, scorer=fuzz.token_set_ratio, processor=None,
                           limit=limit * 6, score_cutoff=35)
    best: dict[TaskKey, tuple[float, str]] = {}
    for _text, similarity, position in hits:
        for key in corpus.keys[position]:
            if key not in best or similarity > best[key][0]:
                best[key] = (similarity, corpus.via[position])
    ranked = sorted(best.items(), key=lambda kv: (-kv[1][0], kv[0]))[:limit]
    out = []
    for key, (similarity, via) in ranked:
        task: IloTask = ref.tasks[key]
        occupation = ref.occupations.get(key[0])
        score = task.score(index)
        out.append(Suggestion(
            key=key, text=(task.text_fr or task.text_en).rstrip(";. "), text_en=task.text_en.rstrip(";. "),
            occupation=occupation.title_fr if occupation else key[0], score=score if score is not None else 0.0,
            similarity=similarity, via=via,
        ))
    return out
