"""A realistic small-commune project for GUI tests, benchmarks and screenshots, built without the import pipeline.

`mini_referentiel()` is a 16-job référentiel written for these tests (real ILO task links, our own wording) so the
tests do not depend on the shipped référentiel, which grows in parallel. `project_for(ref)` also works on any other
référentiel: it uses the jobs it finds and skips those it does not.
"""

from __future__ import annotations

import random
from pathlib import Path

from cartographie_desktop.core import referentiel
from cartographie_desktop.core.model import MatchStatus, Post, Project, TitleMatch
from cartographie_desktop.core.text import fold
from cartographie_desktop.paths import data_dir

MINI_ROOT = Path(__file__).parent / "data" / "referentiel"

# (title as typed in the staffing table, job code or None, match status, confidence, alternatives)
TITLES = [
    ("Secrétaire de mairie", "ADM-01", MatchStatus.AUTO, 1.0, ()),
    ("Agent d'accueil", "ACC-01", MatchStatus.AUTO, 1.0, ()),
    ("Agt accueil / état civil", "ACC-02", MatchStatus.CONFIRMED, 1.0, (("ACC-01", 0.71),)),
    ("Assistante administrative", "ADM-02", MatchStatus.AUTO, 1.0, ()),
    ("Comptable", "FIN-01", MatchStatus.AUTO, 1.0, ()),
    ("Gestionnaire paie-carrière", "RH-01", MatchStatus.AUTO, 0.86, (("FIN-01", 0.55),)),
    ("Chargée de communication", "COM-01", MatchStatus.AUTO, 0.93, ()),
    ("DGS", "DIR-01", MatchStatus.AUTO, 1.0, ()),
    ("Agent de bibliothèque", "BIB-01", MatchStatus.AUTO, 1.0, ()),
    ("Policier municipal", "SEC-01", MatchStatus.AUTO, 1.0, ()),
    ("ATSEM", "EDU-01", MatchStatus.AUTO, 1.0, ()),
    ("Agent d'entretien", "PRO-01", MatchStatus.AUTO, 1.0, ()),
    ("Jardinier", "EVE-01", MatchStatus.AUTO, 1.0, ()),
    ("Agent polyvalent bâtiments", "BAT-01", MatchStatus.AUTO, 0.81, (("PRO-01", 0.62),)),
    ("Cuisinier cantine", "RES-01", MatchStatus.AUTO, 0.88, ()),
    ("Aide à domicile", "PAG-01", MatchStatus.AUTO, 1.0, ()),
    ("Chargé de mission transition", None, MatchStatus.TO_CHECK, 0.41, (("COM-01", 0.41), ("DIR-01", 0.38))),
]

# (title index, headcount of posts, direction, grade, catégorie, filière, share of women, FTE of one post)
STAFF = [
    (0, 1, "Administration générale", "Attaché territorial", "A", "administrative", 1.0, 1.0),
    (1, 3, "Administration générale", "Adjoint administratif", "C", "administrative", 0.67, 1.0),
    (2, 2, "Administration générale", "Adjoint administratif principal 2e cl.", "C", "administrative", 1.0, 0.8),
    (3, 2, "Administration générale", "Adjoint administratif", "C", "administrative", 1.0, 1.0),
    (4, 2, "Finances", "Rédacteur territorial", "B", "administrative", 0.5, 1.0),
    (5, 1, "Ressources humaines", "Rédacteur territorial", "B", "administrative", 1.0, 1.0),
    (6, 1, "Administration générale", "Rédacteur territorial", "B", "administrative", 1.0, 0.5),
    (7, 1, "Direction générale", "Attaché principal", "A", "administrative", 0.0, 1.0),
    (8, 2, "Culture", "Adjoint du patrimoine", "C", "culturelle", 1.0, 0.8),
    (9, 3, "Police municipale", "Gardien-brigadier", "C", "police_municipale", 0.34, 1.0),
    (10, 5, "Enfance et écoles", "ATSEM principal 2e cl.", "C", "sociale", 1.0, 0.9),
    (11, 6, "Services techniques", "Adjoint technique", "C", "technique", 0.67, 0.8),
    (12, 5, "Services techniques", "Adjoint technique", "C", "technique", 0.2, 1.0),
    (13, 3, "Services techniques", "Adjoint technique principal 2e cl.", "C", "technique", 0.0, 1.0),
    (14, 2, "Enfance et écoles", "Adjoint technique", "C", "technique", 0.5, 1.0),
    (15, 4, "CCAS", "Agent social", "C", "sociale", 1.0, 0.7),
    (16, 1, "Direction générale", "Attaché territorial", "A", "administrative", 0.0, 1.0),
]


def mini_referentiel() -> referentiel.Referentiel:
    return referentiel.load_from(MINI_ROOT, data_dir() / "ilo")


def project_for(ref: referentiel.Referentiel, commune: str = "Bois-Joli", scale: int = 1, seed: int = 7) -> Project:
    """About 45 agents per `scale` in the shape of a small commune; titles whose job `ref` lacks stay *à vérifier*."""
    rng = random.Random(seed)
    project = Project(commune=commune, year=2026, source_name="effectifs-2026.xlsx")
    for title, wanted, wanted_status, confidence, proposed in TITLES:
        code, status = (wanted, wanted_status) if wanted is None or wanted in ref.jobs else (None, MatchStatus.TO_CHECK)
        alternatives = tuple((c, s) for c, s in proposed if c in ref.jobs)
        project.matches[fold(title)] = TitleMatch(title, code, confidence, status, alternatives)
    post_id = 1
    for _ in range(scale):
        for title_index, count, direction, grade, categorie, filiere, women, fte in STAFF:
            for n in range(count):
                project.posts.append(Post(
                    id=post_id, title=TITLES[title_index][0], grade=grade, categorie=categorie, filiere=filiere,
                    direction=direction, status="titulaire" if rng.random() < 0.85 else "contractuel",
                    sexe="F" if n < round(count * women) else "H", fte=fte, headcount=1,
                    budget="Budget principal" if direction != "CCAS" else "CCAS",
                    source=f"Effectifs, ligne {post_id + 5}",
                ))
                post_id += 1
    return project


def shipped_project(ref: referentiel.Referentiel, limit: int = 30) -> Project:
    """Posts titled after the first jobs of any référentiel (for checks against the shipped one, however large)."""
    project = Project(commune="Commune d'essai", year=2026)
    post_id = 1
    for number, job in enumerate(list(ref)[:limit]):
        project.matches[fold(job.label)] = TitleMatch(job.label, job.code, 1.0, MatchStatus.AUTO)
        for n in range(1 + number % 4):
            project.posts.append(Post(id=post_id, title=job.label, categorie=(job.categories or ("",))[0],
                                      filiere=(job.filieres or ("",))[0], direction=f"Service {1 + number % 5}",
                                      sexe="FH"[n % 2], fte=1.0))
            post_id += 1
    return project


# The same kinds of jobs in the shipped référentiel (codes differ only where its families differ).
SHIPPED_CODES = {"ADM-01": "DIR-01", "ADM-02": "ADM-01", "DIR-01": "DIR-02", "BIB-01": "BIB-02", "BAT-01": "BAT-02",
                 "RES-01": "RES-02"}


def shipped_commune(ref: referentiel.Referentiel, commune: str = "Bois-Joli", scale: int = 1) -> Project:
    """The same commune matched to the shipped référentiel's jobs (titles whose job it lacks stay *à vérifier*)."""
    project = project_for(ref, commune, scale)
    for key, match in list(project.matches.items()):
        code = SHIPPED_CODES.get(match.job_code or "", match.job_code)
        if match.job_code and code in ref.jobs:
            project.matches[key] = TitleMatch(match.title, code, match.confidence, match.status,
                                              match.alternatives)
    return project


def add_sample_decisions(project: Project, ref: referentiel.Referentiel, author: str = "C. Martin") -> int:
    """A few realistic decisions of the commune, on jobs every référentiel has; returns how many were made.

    Activities are taken by position so the same decisions work on the test référentiel and the shipped one.
    """
    from cartographie_desktop.core import commands

    def nth(job: str, n: int) -> str:
        return ref.jobs[job].activities[n].id

    wanted = [
        lambda: commands.keep_human(ref, project, "ACC-01", nth("ACC-01", 0), author=author,
                                    date="2026-03-02T10:15:00",
                                    reason="Le contact physique à l'accueil de la mairie reste assuré par un agent."),
        lambda: commands.exclude_activity(ref, project, "RH-01", nth("RH-01", -1), author=author,
                                          date="2026-03-02T10:20:00",
                                          reason="Confié au centre de gestion dans notre commune."),
        lambda: commands.override_score(ref, project, "FIN-01", nth("FIN-01", 1), score=0.5, author=author,
                                        date="2026-03-02T10:31:00",
                                        reason="Logiciel financier déjà très automatisé : la saisie restante est du "
                                               "contrôle."),
        lambda: commands.add_custom_activity(ref, project, "ACC-02", label="Tenir le registre des concessions du "
                                             "cimetière", score=0.6, author=author, date="2026-03-02T10:40:00",
                                             reason="Activité propre à la commune.", ilo_links=(("4415", 4),)),
    ]
    made = 0
    for build in wanted:
        try:
            command = build()
        except (commands.EditError, KeyError, IndexError):
            continue
        command.apply(project)
        made += 1
    return made
