"""What a person chooses before printing: chapters, privacy threshold, logo, author line, ILO index.

The same options drive the PDF and the workbook, the dialog of the window and the command-line flags, so that the
three stay in step. Progress and cancel are passed separately to the builders: they belong to a run, not to a choice.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from cartographie_desktop.core.model import INDEXES, MAX_PRIVACY_K, Index, Project

# Chapter ids in printing order, with the titles the report and the dialog show. The cover and the table of contents
# are always printed.
CHAPTERS: dict[str, str] = {
    "synthese": "Synthèse",
    "methode": "Méthode et sources",
    "resultats": "Résultats",
    "metiers": "Les métiers",
    "ateliers": "Ateliers",
    "plan": "Plan d'action",
    "annexes": "Annexes",
}
ALL_CHAPTERS: tuple[str, ...] = tuple(CHAPTERS)

MAX_AUTHOR_LENGTH = 200


class ReportError(Exception):
    """A report or a workbook cannot be written (bad option, unwritable folder…); the message is in French."""


class OptionsError(ReportError, ValueError):
    """An option a person gave cannot be used; the message is in French and says what to do."""


@dataclass(frozen=True, slots=True)
class ReportOptions:
    chapters: tuple[str, ...] = ALL_CHAPTERS
    k: int | None = None  # privacy threshold; None: the project's setting (default 3)
    logo: Path | None = None  # an image file chosen by the user, printed on the cover
    author: str = ""  # « Direction générale des services », printed on the cover and set as the PDF's author
    index: Index | None = None  # None: the project's index
    unmatched_titles: bool = False  # list the staffing titles without a job in an annex (off: they may name people)
    date: date | None = None  # the date printed on the report; None: today
    extra: dict[str, object] = field(default_factory=dict)  # room for later features, ignored if unknown

    def resolved(self, project: Project) -> ReportOptions:
        """The options with every default filled from the project and checked; raises OptionsError in French."""
        unknown = [c for c in self.chapters if c not in CHAPTERS]
        if unknown:
            raise OptionsError(
                f"Chapitre inconnu : {', '.join(unknown)}. Chapitres possibles : {', '.join(ALL_CHAPTERS)}.")
        chapters = tuple(c for c in ALL_CHAPTERS if c in set(self.chapters))  # printing order, no duplicates
        k = project.privacy_k if self.k is None else self.k
        if not isinstance(k, int) or isinstance(k, bool) or not 1 <= k <= MAX_PRIVACY_K:
            raise OptionsError(f"Le seuil de confidentialité doit être un nombre entier entre 1 et {MAX_PRIVACY_K}.")
        index = self.index or project.index
        if index not in INDEXES:
            raise OptionsError(f"Indice OIT inconnu « {index} » : choisissez 2023 ou 2025.")
        author = " ".join(self.author.split())
        if len(author) > MAX_AUTHOR_LENGTH:
            raise OptionsError(f"La ligne d'auteur est trop longue (au plus {MAX_AUTHOR_LENGTH} caractères).")
        logo = Path(self.logo) if self.logo else None
        if logo is not None and not logo.is_file():
            raise OptionsError(f"Le logo « {logo.name} » est introuvable.")
        return replace(self, chapters=chapters, k=k, index=index, author=author, logo=logo,
                       date=self.date or date.today())


def parse_chapters(text: str) -> tuple[str, ...]:
    """`synthese,resultats` → ("synthese", "resultats"); accents and case do not matter; raises OptionsError."""
    from cartographie_desktop.core.text import fold

    by_key = {fold(cid): cid for cid in CHAPTERS} | {fold(title): cid for cid, title in CHAPTERS.items()}
    chosen = []
    for part in text.split(","):
        if not part.strip():
            continue
        cid = by_key.get(fold(part))
        if cid is None:
            raise OptionsError(
                f"Chapitre inconnu « {part.strip()} ». Chapitres possibles : {', '.join(ALL_CHAPTERS)}.")
        chosen.append(cid)
    if not chosen:
        raise OptionsError(f"Aucun chapitre choisi. Chapitres possibles : {', '.join(ALL_CHAPTERS)}.")
    return tuple(chosen)
