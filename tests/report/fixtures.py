"""Realistic projects for the report's tests and benchmark, independent of how far the shipped référentiel has grown.

The référentiel here is built from the real ILO task table (`data/ilo/`): each job takes the tasks of the ISCO-08
group that describes it, with their real scores and our French translations, plus a few shared kinds of activity
(accueil, courrier, saisie, classement, rendez-vous) so that themes exist. Job names are the vocabulary of French
communes. The projects mimic what the import keeps of a staffing table: never a name — the staffing rows below carry
names and first names exactly so that tests can check none of them reaches a report.
"""

from __future__ import annotations

import random
from dataclasses import replace
from functools import cache

from cartographie_desktop.core import ilo
from cartographie_desktop.core.model import Decision, DecisionKind, MatchStatus, Post, Project, TitleMatch
from cartographie_desktop.core.referentiel import Activity, Job, Referentiel, SharedActivity
from cartographie_desktop.paths import data_dir

FAMILIES = {
    "DIR": "Direction générale et management",
    "ADM": "Administration générale et assemblées",
    "ACC": "Accueil, état civil, population et élections",
    "FIN": "Finances et comptabilité",
    "RH": "Ressources humaines",
    "COM": "Communication",
    "URB": "Urbanisme et aménagement",
    "BIB": "Lecture publique et documentation",
    "SEC": "Police municipale et sécurité",
    "EVE": "Espaces verts et paysage",
    "VOI": "Voirie et réseaux",
    "BAT": "Bâtiments et patrimoine bâti",
    "PRO": "Propreté et entretien des locaux",
    "RES": "Restauration collective",
    "EDU": "Éducation, enfance et jeunesse",
    "PEN": "Petite enfance",
    "PAG": "Personnes âgées et aide à domicile",
    "SOC": "Action sociale, insertion et CCAS",
    "LOG": "Logistique, parc automobile et transports",
}

SHARED = {
    "ACCUEIL": ("Accueillir le public au guichet et au téléphone", (("4226", 1), ("4226", 3))),
    "COURRIER": ("Rédiger des courriers et des actes administratifs", (("3343", 1), ("3343", 6), ("4120", 8))),
    "SAISIE": ("Saisir des données dans les logiciels métier", (("4132", 2), ("4132", 3))),
    "CLASSEMENT": ("Classer et archiver les documents", (("4110", 1), ("4415", 1))),
    "RDV": ("Gérer les rendez-vous et les agendas", (("4226", 2), ("4120", 5))),
}

# code, label, family, filières, catégories, ISCO-08 group, shared activities
JOB_SPECS = (
    ("DIR-01", "Directeur·rice général·e des services", "DIR", ("administrative",), ("A",), "1112", ("COURRIER",)),
    ("ADM-01", "Secrétaire de mairie", "ADM", ("administrative",), ("B", "C"), "3343", ("ACCUEIL", "COURRIER")),
    ("ADM-02", "Assistant·e de gestion administrative", "ADM", ("administrative",), ("C",), "4110",
     ("COURRIER", "SAISIE", "CLASSEMENT")),
    ("ADM-03", "Assistant·e de direction", "ADM", ("administrative",), ("C", "B"), "4120", ("RDV",)),
    ("ACC-01", "Agent·e d'accueil polyvalent·e", "ACC", ("administrative",), ("C",), "4226", ("ACCUEIL", "SAISIE")),
    ("ACC-02", "Agent·e d'état civil et de population", "ACC", ("administrative",), ("C",), "4419",
     ("ACCUEIL", "SAISIE", "CLASSEMENT")),
    ("FIN-01", "Gestionnaire comptable", "FIN", ("administrative",), ("C", "B"), "4311", ("SAISIE", "CLASSEMENT")),
    ("RH-01", "Gestionnaire ressources humaines et paie", "RH", ("administrative",), ("C", "B"), "4416",
     ("COURRIER", "SAISIE")),
    ("COM-01", "Chargé·e de communication", "COM", ("administrative",), ("B", "A"), "2432", ()),
    ("URB-01", "Instructeur·rice des autorisations d'urbanisme", "URB", ("administrative", "technique"), ("B", "C"),
     "2164", ("ACCUEIL", "COURRIER")),
    ("BIB-01", "Agent·e de bibliothèque", "BIB", ("culturelle",), ("C",), "4411", ("ACCUEIL",)),
    ("SEC-01", "Policier·ère municipal·e", "SEC", ("police_municipale",), ("C",), "5412", ()),
    ("EVE-01", "Jardinier·ère des espaces verts", "EVE", ("technique",), ("C",), "6113", ()),
    ("VOI-01", "Agent·e d'entretien de la voirie", "VOI", ("technique",), ("C",), "9312", ()),
    ("BAT-01", "Agent·e de maintenance des bâtiments", "BAT", ("technique",), ("C",), "7411", ()),
    ("PRO-01", "Agent·e d'entretien des locaux", "PRO", ("technique",), ("C",), "9112", ()),
    ("RES-01", "Cuisinier·ère en restauration collective", "RES", ("technique",), ("C",), "5120", ()),
    ("RES-02", "Agent·e de restauration scolaire", "RES", ("technique",), ("C",), "9412", ()),
    ("EDU-01", "ATSEM", "EDU", ("sociale",), ("C",), "5312", ()),
    ("EDU-02", "Animateur·rice périscolaire", "EDU", ("animation",), ("C",), "5311", ()),
    ("PEN-01", "Auxiliaire de puériculture", "PEN", ("medico_sociale",), ("C",), "5321", ()),
    ("PAG-01", "Aide à domicile", "PAG", ("sociale",), ("C",), "5322", ()),
    ("SOC-01", "Travailleur·euse social·e du CCAS", "SOC", ("sociale",), ("B", "A"), "3412", ("ACCUEIL",)),
    ("LOG-01", "Chauffeur·euse de car", "LOG", ("technique",), ("C",), "8332", ()),
)

MAX_OWN_ACTIVITIES = 8


def _ilo():
    folder = data_dir() / "ilo"
    tasks = ilo.load_tasks(folder, ilo.load_translations(folder))
    return tasks, ilo.load_occupations(folder), folder


def _score(tasks, links, index):
    values = [tasks[key].score(index) for key in links if tasks[key].score(index) is not None]
    return sum(values) / len(values)


@cache
def build_referentiel() -> Referentiel:
    """About two dozen commune jobs scored on the real ILO tasks (see the module docstring)."""
    tasks, occupations, folder = _ilo()
    shared = {sid: SharedActivity(sid, label, links, "Tâches OIT de même nature", "rédaction propre")
              for sid, (label, links) in SHARED.items()}
    jobs = {}
    for code, label, family, filieres, categories, isco, shared_ids in JOB_SPECS:
        activities = []
        own = sorted((key for key in tasks if key[0] == isco and tasks[key].text_fr), key=lambda k: k[1])
        for n, key in enumerate(own[:MAX_OWN_ACTIVITIES], start=1):
            task = tasks[key]
            activities.append(Activity(
                id=f"{code}-{n:02d}", job=code, label=task.text_fr.rstrip(". "), ilo_links=(key,),
                score_2023=task.score_2023 if task.score_2023 is not None else task.score_2025,
                score_2025=task.score_2025, estimated=False, rationale="Tâche OIT du groupe ISCO du métier",
                source="rédaction propre"))
        for n, sid in enumerate(shared_ids, start=len(activities) + 1):
            links = shared[sid].ilo_links
            activities.append(Activity(
                id=f"{code}-{n:02d}", job=code, label=shared[sid].label, ilo_links=links,
                score_2023=_score(tasks, links, "2023"), score_2025=_score(tasks, links, "2025"), estimated=False,
                rationale=shared[sid].rationale, source="rédaction propre", shared=sid))
        jobs[code] = Job(code=code, label=label, family=family, filieres=filieres, categories=categories,
                         isco=(isco,), rome=(), cnfpt="", definition="", activities=tuple(activities))
    return Referentiel(jobs=jobs, families=dict(FAMILIES), tasks=tasks, occupations=occupations, shared=shared,
                       ilo_dir=folder)


@cache
def build_large_referentiel(n_jobs: int = 300) -> Referentiel:
    """`n_jobs` jobs: the base jobs repeated under new codes (as a large intercommunality's many specialised posts)."""
    base = build_referentiel()
    jobs = dict(base.jobs)
    base_jobs = list(base.jobs.values())
    n = 0
    while len(jobs) < n_jobs:
        template = base_jobs[n % len(base_jobs)]
        variant = n // len(base_jobs) + 2
        code = f"{template.family}-{50 + n:03d}"
        activities = tuple(replace(a, id=f"{code}-{a.id.rsplit('-', 1)[1]}", job=code) for a in template.activities)
        jobs[code] = replace(template, code=code, label=f"{template.label} — poste spécialisé {variant}",
                             activities=activities)
        n += 1
    return Referentiel(jobs=jobs, families=base.families, tasks=base.tasks, occupations=base.occupations,
                       shared=base.shared, ilo_dir=base.ilo_dir)


# --- the staffing table of a fictional commune, as typed by its secrétaire de mairie ------------------------------

# Nom, Prénom, poste, grade, catégorie, filière, service, sexe, temps (ETP), statut
STAFF = (
    ("MARCHAND", "Sophie", "DGS", "Attaché principal", "A", "administrative", "Direction générale", "F", 1.0,
     "titulaire"),
    ("LEROUX", "Nathalie", "Assistante de direction", "Rédacteur", "B", "administrative", "Direction générale", "F",
     1.0, "titulaire"),
    ("FAURE", "Isabelle", "Agent d'accueil", "Adjoint administratif", "C", "administrative", "Accueil - Population",
     "F", 1.0, "titulaire"),
    ("GIRAUD", "Céline", "Agente d'accueil", "Adjoint administratif", "C", "administrative", "Accueil - Population",
     "F", 0.8, "titulaire"),
    ("BRUNET", "Karim", "Agent d'accueil", "Adjoint administratif", "C", "administrative", "Accueil - Population",
     "H", 1.0, "contractuel"),
    ("ROUSSEL", "Martine", "Officier d'état civil", "Adjoint adm. princ. 2e cl.", "C", "administrative",
     "Accueil - Population", "F", 1.0, "titulaire"),
    ("PERRIN", "Valérie", "Agent état civil", "Adjoint administratif", "C", "administrative", "Accueil - Population",
     "F", 0.5, "titulaire"),
    ("MOREL", "Sandrine", "Comptable", "Rédacteur", "B", "administrative", "Finances - RH", "F", 1.0, "titulaire"),
    ("FOURNIER", "Patricia", "Gestionnaire paie", "Adjoint administratif", "C", "administrative", "Finances - RH",
     "F", 1.0, "titulaire"),
    ("LAMBERT", "Julie", "Assistante administrative", "Adjoint administratif", "C", "administrative",
     "Finances - RH", "F", 0.8, "titulaire"),
    ("BONNET", "Élodie", "Chargée de communication", "Rédacteur", "B", "administrative", "Direction générale", "F",
     1.0, "contractuel"),
    ("DUPUIS", "Christophe", "Instructeur ADS", "Technicien", "B", "technique", "Urbanisme", "H", 1.0, "titulaire"),
    ("CARON", "Aurélie", "Agent de bibliothèque", "Adjoint du patrimoine", "C", "culturelle", "Médiathèque", "F",
     1.0, "titulaire"),
    ("LEFEBVRE", "Monique", "Agent de bibliothèque", "Adjoint du patrimoine", "C", "culturelle", "Médiathèque", "F",
     0.5, "titulaire"),
    ("MERCIER", "Thomas", "Policier municipal", "Gardien-brigadier", "C", "police_municipale", "Police municipale",
     "H", 1.0, "titulaire"),
    ("BLANC", "Julien", "Policier municipal", "Brigadier-chef principal", "C", "police_municipale",
     "Police municipale", "H", 1.0, "titulaire"),
    ("GUERIN", "Pascal", "Jardinier", "Adjoint technique", "C", "technique", "Services techniques", "H", 1.0,
     "titulaire"),
    ("BOYER", "Franck", "Agent espaces verts", "Adjoint technique", "C", "technique", "Services techniques", "H", 1.0,
     "titulaire"),
    ("GARNIER", "Ludovic", "Agent espaces verts", "Adjoint technique", "C", "technique", "Services techniques", "H",
     1.0, "contractuel"),
    ("CHEVALIER", "Kevin", "Apprenti espaces verts", "", "C", "technique", "Services techniques", "H", 1.0,
     "apprenti"),
    ("FRANCOIS", "Didier", "Agent de voirie", "Adjoint technique", "C", "technique", "Services techniques", "H", 1.0,
     "titulaire"),
    ("ROBIN", "Stéphane", "Agent de voirie", "Adjoint technique princ. 2e cl.", "C", "technique",
     "Services techniques", "H", 1.0, "titulaire"),
    ("CLEMENT", "Hervé", "Agent de maintenance bâtiments", "Agent de maîtrise", "C", "technique",
     "Services techniques", "H", 1.0, "titulaire"),
    ("MASSON", "Bruno", "Agent polyvalent bâtiments", "Adjoint technique", "C", "technique", "Services techniques",
     "H", 1.0, "titulaire"),
    ("SANCHEZ", "Maria", "Agent d'entretien", "Adjoint technique", "C", "technique", "Entretien - Restauration", "F",
     0.8, "titulaire"),
    ("MULLER", "Fatima", "Agt entretien", "Adjoint technique", "C", "technique", "Entretien - Restauration", "F",
     0.6, "titulaire"),
    ("NICOLAS", "Corinne", "Agent d'entretien", "Adjoint technique", "C", "technique", "Entretien - Restauration",
     "F", 0.7, "contractuel"),
    ("HENRY", "Laurent", "Cuisinier", "Adjoint technique princ. 1re cl.", "C", "technique",
     "Entretien - Restauration", "H", 1.0, "titulaire"),
    ("GAUTHIER", "Sylvie", "Agent de restauration", "Adjoint technique", "C", "technique",
     "Entretien - Restauration", "F", 0.7, "titulaire"),
    ("PERROT", "Nadia", "Agent de restauration", "Adjoint technique", "C", "technique", "Entretien - Restauration",
     "F", 0.6, "titulaire"),
    ("ROGER", "Chantal", "ATSEM", "ATSEM princ. 2e cl.", "C", "sociale", "Écoles - Enfance", "F", 1.0, "titulaire"),
    ("FONTAINE", "Laetitia", "ATSEM", "ATSEM princ. 2e cl.", "C", "sociale", "Écoles - Enfance", "F", 1.0,
     "titulaire"),
    ("DUVAL", "Audrey", "ATSEM", "ATSEM princ. 2e cl.", "C", "sociale", "Écoles - Enfance", "F", 0.9, "titulaire"),
    ("ANDRE", "Mélanie", "Animatrice périscolaire", "Adjoint d'animation", "C", "animation", "Écoles - Enfance", "F",
     0.7, "contractuel"),
    ("LEMAIRE", "Yann", "Animateur périscolaire", "Adjoint d'animation", "C", "animation", "Écoles - Enfance", "H",
     0.7, "contractuel"),
    ("COLIN", "Émilie", "Animatrice", "Adjoint d'animation", "C", "animation", "Écoles - Enfance", "F", 0.5,
     "contractuel"),
    ("VIDAL", "Sarah", "Auxiliaire de puériculture", "Auxiliaire de puériculture", "C", "medico_sociale",
     "Écoles - Enfance", "F", 1.0, "titulaire"),
    ("RENAUD", "Claire", "Auxiliaire de puériculture", "Auxiliaire de puériculture", "C", "medico_sociale",
     "Écoles - Enfance", "F", 0.8, "titulaire"),
    ("ARNAUD", "Josiane", "Aide à domicile", "Agent social", "C", "sociale", "CCAS", "F", 0.8, "titulaire"),
    ("PICARD", "Brigitte", "Aide à domicile", "Agent social", "C", "sociale", "CCAS", "F", 0.7, "titulaire"),
    ("SCHMITT", "Annie", "Aide à domicile", "Agent social", "C", "sociale", "CCAS", "F", 0.6, "contractuel"),
    ("ROCHE", "Delphine", "Conseillère CCAS", "Assistant socio-éducatif", "A", "sociale", "CCAS", "F", 1.0,
     "titulaire"),
    ("AUBERT", "Gilles", "Chauffeur car scolaire", "Adjoint technique", "C", "technique", "Services techniques", "H",
     1.0, "titulaire"),
    ("MEUNIER", "Océane", "Remplaçante de Mme Lefebvre", "", "C", "culturelle", "Médiathèque", "F", 0.5,
     "contractuel"),
    ("BARBIER", "Lucas", "Chargé de mission transition", "Attaché", "A", "administrative", "Direction générale", "H",
     1.0, "contractuel"),
)

TITLE_TO_JOB = {
    "DGS": "DIR-01", "Assistante de direction": "ADM-03", "Agent d'accueil": "ACC-01", "Agente d'accueil": "ACC-01",
    "Officier d'état civil": "ACC-02", "Agent état civil": "ACC-02", "Comptable": "FIN-01",
    "Gestionnaire paie": "RH-01", "Assistante administrative": "ADM-02", "Chargée de communication": "COM-01",
    "Instructeur ADS": "URB-01", "Agent de bibliothèque": "BIB-01", "Policier municipal": "SEC-01",
    "Jardinier": "EVE-01", "Agent espaces verts": "EVE-01", "Apprenti espaces verts": "EVE-01",
    "Agent de voirie": "VOI-01", "Agent de maintenance bâtiments": "BAT-01", "Agent polyvalent bâtiments": "BAT-01",
    "Agent d'entretien": "PRO-01", "Agt entretien": "PRO-01", "Cuisinier": "RES-01",
    "Agent de restauration": "RES-02", "ATSEM": "EDU-01", "Animatrice périscolaire": "EDU-02",
    "Animateur périscolaire": "EDU-02", "Animatrice": "EDU-02", "Auxiliaire de puériculture": "PEN-01",
    "Aide à domicile": "PAG-01", "Conseillère CCAS": "SOC-01", "Chauffeur car scolaire": "LOG-01",
    # « Remplaçante de Mme Lefebvre » and « Chargé de mission transition » stay à vérifier.
}

STAFF_NAMES = tuple(sorted({row[0] for row in STAFF} | {row[1] for row in STAFF} | {"Lefebvre"}))


def _posts_from_staff(rows) -> list[Post]:
    """What the import keeps of each staffing row: no name, no first name."""
    return [
        Post(id=n, title=title, grade=grade, categorie=cat, filiere=filiere, direction=direction, status=status,
             sexe=sexe, fte=fte, headcount=1, budget="Budget principal", source=f"Effectifs, ligne {n + 5}")
        for n, (_name, _first, title, grade, cat, filiere, direction, sexe, fte, status) in enumerate(rows, start=1)
    ]


def _match_titles(project: Project, mapping: dict[str, str]) -> None:
    for post in project.posts:
        code = mapping.get(post.title)
        status = MatchStatus.AUTO if code else MatchStatus.TO_CHECK
        project.matches.setdefault(post.title_key, TitleMatch(post.title, code, 0.95 if code else 0.3, status))


def commune_project(ref: Referentiel | None = None) -> Project:
    """« Val-Fleuri-Test »: 45 agents, 24 jobs, directions, both sexes, unmatched titles, and decisions of all kinds."""
    ref = ref or build_referentiel()
    project = Project(commune="Val-Fleuri-Test", year=2026, posts=_posts_from_staff(STAFF),
                      source_name="effectifs-2026.xlsx")
    _match_titles(project, TITLE_TO_JOB)
    acc = ref.jobs["ACC-01"]
    accueil = next(a for a in acc.activities if a.shared == "ACCUEIL")
    adm = ref.jobs["ADM-02"]
    decisions = [
        Decision(DecisionKind.KEEP_HUMAN, "ACC-01", accueil.id,
                 reason="L'accueil physique du public reste assuré par un agent : choix du conseil municipal.",
                 author="DGS", date="2026-10-02T09:30:00"),
        Decision(DecisionKind.OVERRIDE, "ADM-02", adm.activities[1].id, value=0.30,
                 reason="Le courrier arrive surtout sur papier et doit être trié à la main.",
                 author="Secrétaire de mairie", date="2026-10-05T14:00:00"),
        Decision(DecisionKind.EXCLUDE, "BIB-01", ref.jobs["BIB-01"].activities[3].id,
                 reason="Les abonnements sont gérés par la médiathèque intercommunale.",
                 author="Responsable médiathèque", date="2026-10-06T11:15:00"),
        Decision(DecisionKind.CUSTOM, "SEC-01", "SEC-01-C01", value=0.55, label="Rédiger les rapports de main courante",
                 reason="Activité quotidienne de la police municipale, comparée à la rédaction de rapports.",
                 author="DGS", date="2026-10-07T10:00:00", ilo_links=(("3343", 1),)),
        Decision(DecisionKind.KEEP_HUMAN, "ACC-02", ref.jobs["ACC-02"].activities[0].id,
                 reason="=HYPERLINK(\"http://exemple.invalid\") : texte saisi tel quel, jamais une formule",
                 author="+DGS", date="2026-10-08T16:45:00"),
    ]
    project.decisions = {d.key: d for d in decisions}
    return project


def small_project(ref: Referentiel | None = None) -> Project:
    """A commune of 12 agents: most breakdown cells are about fewer than 3 people."""
    ref = ref or build_referentiel()
    rows = [
        ("DURAND", "Anne", "Secrétaire de mairie", "Rédacteur", "B", "administrative", "Mairie", "F", 1.0, "titulaire"),
        ("PETIT", "Marc", "Agent d'accueil", "Adjoint administratif", "C", "administrative", "Mairie", "H", 0.5,
         "titulaire"),
        ("ROUX", "Léa", "Agent d'accueil", "Adjoint administratif", "C", "administrative", "Mairie", "F", 0.8,
         "titulaire"),
        ("MOREAU", "Paul", "Agent technique", "Adjoint technique", "C", "technique", "Technique", "H", 1.0,
         "titulaire"),
        ("SIMON", "Jean", "Agent technique", "Adjoint technique", "C", "technique", "Technique", "H", 1.0,
         "titulaire"),
        ("LAURENT", "Éric", "Agent technique", "Adjoint technique", "C", "technique", "Technique", "H", 1.0,
         "contractuel"),
        ("MICHEL", "Rose", "Agent d'entretien", "Adjoint technique", "C", "technique", "Écoles", "F", 0.6,
         "titulaire"),
        ("GARCIA", "Inès", "ATSEM", "ATSEM princ. 2e cl.", "C", "sociale", "Écoles", "F", 1.0, "titulaire"),
        ("DAVID", "Lou", "ATSEM", "ATSEM princ. 2e cl.", "C", "sociale", "Écoles", "F", 1.0, "titulaire"),
        ("BERTRAND", "Zoé", "Cantinière", "Adjoint technique", "C", "technique", "Écoles", "F", 0.7, "titulaire"),
        ("THOMAS", "Noé", "Policier municipal", "Brigadier-chef principal", "C", "police_municipale", "Police", "H",
         1.0, "titulaire"),
        ("ROBERT", "Lina", "Comptable", "Adjoint administratif", "C", "administrative", "Mairie", "F", 1.0,
         "titulaire"),
    ]
    project = Project(commune="Bourg-sur-Lys", year=2026, posts=_posts_from_staff(rows))
    _match_titles(project, {
        "Secrétaire de mairie": "ADM-01", "Agent d'accueil": "ACC-01", "Agent technique": "VOI-01",
        "Agent d'entretien": "PRO-01", "ATSEM": "EDU-01", "Cantinière": "RES-02", "Policier municipal": "SEC-01",
        "Comptable": "FIN-01",
    })
    return project


SMALL_NAMES = ("DURAND", "PETIT", "ROUX", "MOREAU", "SIMON", "LAURENT", "MICHEL", "GARCIA", "DAVID", "BERTRAND",
               "THOMAS", "ROBERT")

DIRECTIONS = ("Direction générale", "Ressources", "Population", "Culture et sports", "Éducation", "Petite enfance",
              "Solidarités", "Police municipale", "Espaces publics", "Bâtiments", "Restauration", "Proximité")


def large_project(agents: int = 10_000, jobs: int = 300, seed: int = 7) -> tuple[Project, Referentiel]:
    """A 10 000-agent, 300-job project (a large intercommunality), with a decision on every fifth job."""
    ref = build_large_referentiel(jobs)
    rng = random.Random(seed)
    codes = sorted(ref.jobs)
    posts = []
    for n in range(1, agents + 1):
        code = codes[n % len(codes)] if n <= len(codes) else rng.choice(codes)
        job = ref.jobs[code]
        posts.append(Post(
            id=n, title=f"Poste {code}", grade="", categorie=rng.choice(job.categories),
            filiere=job.filieres[0], direction=DIRECTIONS[list(FAMILIES).index(job.family) % len(DIRECTIONS)],
            status="titulaire", sexe=rng.choice("FFH"), fte=rng.choice((1.0, 1.0, 0.8, 0.5)), headcount=1))
    project = Project(commune="Communauté d'agglomération du Grand-Test", year=2026, posts=posts)
    for code in codes:
        project.matches[Post(0, f"Poste {code}").title_key] = TitleMatch(f"Poste {code}", code, 0.9, MatchStatus.AUTO)
    for n, code in enumerate(codes[::5]):
        activity = ref.jobs[code].activities[0]
        kind = (DecisionKind.OVERRIDE, DecisionKind.KEEP_HUMAN, DecisionKind.EXCLUDE)[n % 3]
        value = 0.2 if kind == DecisionKind.OVERRIDE else None
        project.decisions[(kind, code, activity.id)] = Decision(
            kind, code, activity.id, value=value, reason=f"Décision d'atelier n° {n + 1}", author="DGS",
            date=f"2026-09-{1 + n % 28:02d}T10:00:00")
    return project, ref


# --- the same commune on the shipped référentiel (whatever its size: titles are matched by label and synonym) -----

SHIPPED_TITLES = {
    "Agent de maintenance bâtiments": "BAT-01", "Agent polyvalent bâtiments": "BAT-02", "Agent espaces verts": "EVE-01",
    "Apprenti espaces verts": "EVE-01", "Agent état civil": "ACC-02", "Officier d'état civil": "ACC-02",
    "Chauffeur car scolaire": "LOG-01", "Comptable": "FIN-01", "Conseillère CCAS": "SOC-02",
}


def shipped_project(ref: Referentiel) -> Project:
    """The 45-agent commune matched to the shipped référentiel; titles whose job is not there stay à vérifier."""
    from cartographie_desktop.core.text import fold

    index: dict[str, str] = {}
    for job in ref:
        for name in (job.label, *job.synonyms):
            index.setdefault(fold(name), job.code)
    mapping = {}
    for row in STAFF:
        title = row[2]
        code = index.get(fold(title)) or SHIPPED_TITLES.get(title)
        if code in ref.jobs:
            mapping[title] = code
    project = Project(commune="Val-Fleuri-Test", year=2026, posts=_posts_from_staff(STAFF),
                      source_name="effectifs-2026.xlsx")
    _match_titles(project, mapping)
    decisions = []
    used = set(mapping.values())
    if "ACC-01" in used:
        acc = ref.jobs["ACC-01"].activities
        accueil = next((a for a in acc if "ccueil" in a.label), acc[0])
        decisions.append(Decision(DecisionKind.KEEP_HUMAN, "ACC-01", accueil.id, author="DGS",
                                  reason="L'accueil physique du public reste assuré par un agent : choix du conseil "
                                         "municipal.", date="2026-10-02T09:30:00"))
    if "ADM-01" in used:
        activity = ref.jobs["ADM-01"].activities[1]
        decisions.append(Decision(DecisionKind.OVERRIDE, "ADM-01", activity.id, value=0.30,
                                  reason="Le courrier arrive surtout sur papier et doit être trié à la main.",
                                  author="Secrétaire de mairie", date="2026-10-05T14:00:00"))
    if "BIB-02" in used:
        activity = ref.jobs["BIB-02"].activities[-1]
        decisions.append(Decision(DecisionKind.EXCLUDE, "BIB-02", activity.id, author="Responsable médiathèque",
                                  reason="Assuré par la médiathèque intercommunale.", date="2026-10-06T11:15:00"))
    if "SEC-01" in used:
        decisions.append(Decision(DecisionKind.CUSTOM, "SEC-01", "SEC-01-C01", value=0.55,
                                  label="Rédiger les rapports de main courante", author="DGS",
                                  reason="Activité quotidienne, comparée à la rédaction de rapports.",
                                  date="2026-10-07T10:00:00", ilo_links=(("3343", 1),)))
    project.decisions = {d.key: d for d in decisions}
    return project
