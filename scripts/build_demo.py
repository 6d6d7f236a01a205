"""Build the demo commune « Val-Fleuri » (≈ 3 500 inhabitants, 44 agents): its staffing table, then its project.

    python scripts/build_demo.py            # writes data/demo/val-fleuri-effectifs.xlsx and data/demo/val-fleuri.carto
    python scripts/build_demo.py --xlsx-only

1. `val-fleuri-effectifs.xlsx` is the table as a secrétaire de mairie keeps it: a title block over a header on row 5,
   merged cells, one sub-heading row per filière, a TOTAL row, a hidden matricule column, grades abbreviated, working
   time written five different ways, and names, first names and dates of birth that the import must drop. Every
   person is fictional: names are drawn (fixed seed) from common French first names and surnames.
2. The file is imported with the real pipeline (`io.importer.import_file`), exactly as a user would.
3. A few decisions a real commune would take are applied through `core.commands` (the reception desk kept human,
   an activity not done here, one score corrected with its reason), so the demo shows every kind of decision; then
   the demo workshop sheets (`data/demo/ateliers.json`) are added, brought up to date with those decisions.

Deterministic: the same code and référentiel give the same files.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import random
import re
import sys
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEMO_DIR = ROOT / "data" / "demo"
XLSX = DEMO_DIR / "val-fleuri-effectifs.xlsx"
PROJECT = DEMO_DIR / "val-fleuri.carto"
COMMUNE = "Val-Fleuri"
DECISION_DATE = "2026-03-12T18:30:00"
DECISION_AUTHOR = "Comité de direction"

FEMALE = ["Marie", "Nathalie", "Isabelle", "Sylvie", "Catherine", "Sandrine", "Valérie", "Christine", "Céline",
          "Stéphanie", "Aurélie", "Émilie", "Julie", "Sophie", "Laetitia", "Virginie", "Karine", "Patricia",
          "Camille", "Laura", "Manon", "Chloé", "Léa", "Élodie", "Audrey", "Mélanie", "Caroline", "Florence",
          "Martine", "Brigitte", "Corinne", "Delphine", "Pauline", "Anaïs"]
MALE = ["Jean", "Philippe", "Michel", "Alain", "Patrick", "Nicolas", "Christophe", "Pierre", "Laurent", "Frédéric",
        "Sébastien", "David", "Julien", "Stéphane", "Olivier", "Thierry", "Éric", "Franck", "Mathieu", "Thomas",
        "Kévin", "Romain", "Antoine", "Maxime", "Guillaume"]
SURNAMES = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
            "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier",
            "Morel", "Girard", "André", "Lefèvre", "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martinez",
            "Legrand", "Garnier", "Faure", "Rousseau", "Blanc", "Guérin", "Muller", "Henry", "Roussel", "Nicolas",
            "Perrin", "Morin", "Mathieu", "Clément", "Gauthier", "Dumont", "Lopez", "Fontaine", "Chevalier",
            "Robin", "Masson", "Sanchez", "Gérard", "Nguyen", "Boyer", "Denis", "Lemaire", "Duval", "Joly"]

# (title, grade, cat., sex, status, working time, service) by filière, in the order the table lists them.
STAFF: list[tuple[str, list[tuple[str, str, str, str, str, str, str]]]] = [
    ("FILIÈRE ADMINISTRATIVE", [
        ("DGS", "Attaché principal", "A", "F", "Titulaire", "35h", "Direction générale"),
        ("Assistante de direction", "Adjt adm. ppal 1re cl.", "C", "F", "Titulaire", "35h", "Direction générale"),
        ("Agent d'accueil", "Adjoint administratif", "C", "Mme", "Titulaire", "35h", "Accueil - État civil"),
        ("Agent d'accueil", "Adjoint administratif", "C", "F", "Contractuel", "28h/35", "Accueil - État civil"),
        ("Agent d'état civil", "Adjt adm. princ. 2e cl.", "C", "F", "Titulaire", "35h", "Accueil - État civil"),
        ("Instructeur ADS", "Rédacteur", "B", "H", "Titulaire", "35h", "Urbanisme"),
        ("Comptable", "Adjt adm. ppal 1ère cl.", "C", "F", "Titulaire", "35h", "Finances"),
        ("Gestionnaire RH / paie", "Rédacteur ppal 2e cl.", "B", "F", "Titulaire", "80 %", "Ressources humaines"),
        ("Chargée de communication", "Rédacteur", "B", "F", "Contractuel", "TNC 17h30", "Communication"),
        ("Agent d'accueil CCAS", "Adjoint administratif", "Cat. C", "F", "Titulaire", "35h", "CCAS"),
    ]),
    ("FILIÈRE TECHNIQUE", [
        ("Responsable des services techniques", "Technicien ppal 1re cl.", "B", "H", "Titulaire", "35h",
         "Services techniques"),
        ("Chef d'équipe espaces verts", "Agent de maîtrise", "C", "H", "Titulaire", "35h", "Espaces verts"),
        ("Agent des espaces verts", "Adjt tech. ppal 2e cl.", "C", "H", "Titulaire", "35h", "Espaces verts"),
        ("Agent des espaces verts", "Adjoint technique", "C", "M.", "Titulaire", "35h", "Espaces verts"),
        ("Agent des espaces verts", "Adjoint technique", "C", "F", "Stagiaire", "35h", "Espaces verts"),
        ("Agent des espaces verts", "", "", "H", "Apprenti", "35h", "Espaces verts"),
        ("Agent de voirie", "Adjt tech. ppal 1re cl.", "C", "H", "Titulaire", "35h", "Voirie"),
        ("Agent de voirie", "Adjoint technique", "C", "H", "Titulaire", "35h", "Voirie"),
        ("Agent polyvalent", "Adjoint technique", "C", "H", "Titulaire", "35h", "Services techniques"),
        ("Agent polyvalent", "Adjoint technique", "C", "H", "Contractuel", "35h", "Services techniques"),
        ("Agent de maintenance des bâtiments", "Adjt tech. ppal 1re cl.", "C", "H", "Titulaire", "35h", "Bâtiments"),
        ("Cuisinier", "Adjt tech. ppal 2e cl.", "C", "H", "Titulaire", "35h", "Restauration scolaire"),
        ("Agent de restauration scolaire", "Adjoint technique", "C", "F", "Titulaire", "28h/35",
         "Restauration scolaire"),
        ("Agent de restauration scolaire", "Adjoint technique", "C", "F", "Contractuel", "28h/35",
         "Restauration scolaire"),
        ("Agent d'entretien", "Adjoint technique", "C", "F", "Titulaire", "TNC 20h", "Entretien des locaux"),
        ("Agent d'entretien", "Adjoint technique", "C", "F", "Titulaire", "80 %", "Entretien des locaux"),
        ("Agent d'entretien", "Adjt tech. ppal 2e cl.", "C", "F", "Titulaire", "35h", "Entretien des locaux"),
        ("Agent d'entretien", "Adjoint technique", "C", "H", "Contractuel", "24h/35", "Entretien des locaux"),
        ("ASVP", "Adjoint technique", "C", "F", "Titulaire", "35h", "Police municipale"),
    ]),
    ("FILIÈRE SOCIALE", [
        ("ATSEM", "ATSEM ppal 2e cl.", "C", "F", "Titulaire", "35h", "École maternelle"),
        ("ATSEM", "ATSEM ppal 2e cl.", "C", "F", "Titulaire", "35h", "École maternelle"),
        ("ATSEM", "ATSEM ppal 1re cl.", "C", "F", "Titulaire", "35h", "École maternelle"),
        ("ATSEM", "ATSEM ppal 2e cl.", "C", "Mme", "Titulaire", "TNC 31h30", "École maternelle"),
        ("Aide à domicile", "Agent social", "C", "F", "Titulaire", "28h/35", "CCAS"),
        ("Aide à domicile", "Agent social", "C", "F", "Contractuel", "80 %", "CCAS"),
    ]),
    ("FILIÈRE ANIMATION", [
        ("Responsable périscolaire", "Animateur", "B", "F", "Titulaire", "35h", "Enfance - Jeunesse"),
        ("Animateur périscolaire", "Adjt d'animation", "C", "F", "Titulaire", "TNC 17h30", "Périscolaire"),
        ("Animatrice périscolaire", "Adjt d'animation", "C", "F", "Titulaire", "20h/35", "Périscolaire"),
        ("Animateur périscolaire", "Adjt d'animation", "C", "H", "Contractuel", "35h", "Périscolaire"),
        ("Animatrice périscolaire", "Adjt d'animation ppal 2e cl.", "C", "F", "Titulaire", "24h/35",
         "Périscolaire"),
    ]),
    ("FILIÈRE CULTURELLE", [
        ("Responsable médiathèque", "Assistant de conservation", "B", "F", "Titulaire", "35h", "Médiathèque"),
        ("Agent de médiathèque", "Adjt du patrimoine", "C", "F", "Titulaire", "80 %", "Médiathèque"),
    ]),
    ("FILIÈRE POLICE MUNICIPALE", [
        ("Policier municipal", "Brigadier-chef ppal", "C", "H", "Titulaire", "35h", "Police municipale"),
        ("Policier municipal", "Gardien-brigadier", "C", "H", "Stagiaire", "35h", "Police municipale"),
    ]),
]

OBSERVATIONS = {
    ("Agent des espaces verts", "Apprenti"): "Apprentissage BP aménagements paysagers",
    ("Chargée de communication", "Contractuel"): "Contrat jusqu'au 31/08/2026",
    ("Agent polyvalent", "Contractuel"): "Poste créé au 01/09/2025",
}
HEADER = ["N°", "Matricule", "NOM", "Prénom", "Date de naissance", "Sexe", "Grade", "Cat.", "Emploi / poste occupé",
          "Service", "Statut", "Temps de travail", "Observations"]


def fte_of(text: str) -> float:
    """The FTE the demo intends for each way of writing working time (for the TOTAL row and the checks)."""
    text = text.replace("TNC", "").strip()
    if text.endswith("%"):
        return float(text.rstrip(" %").replace(",", ".")) / 100
    hours, _, rest = text.partition("h")
    minutes = rest.split("/")[0]
    return round((int(hours) + (int(minutes) if minutes.isdigit() else 0) / 60) / 35, 4)


def people(seed: int = 2026) -> list[dict]:
    """One row per agent, with fictional personal data (that the import must drop)."""
    rng = random.Random(seed)
    used: set[tuple[str, str]] = set()
    rows = []
    matricule = 1040
    for filiere, posts in STAFF:
        for title, grade, cat, sex, status, time, service in posts:
            female = sex in ("F", "Mme")
            while True:
                first = rng.choice(FEMALE if female else MALE)
                last = rng.choice(SURNAMES)
                if (first, last) not in used:
                    used.add((first, last))
                    break
            age = rng.randint(18, 24) if status == "Apprenti" else rng.randint(24, 62)
            birth = date(2026 - age, rng.randint(1, 12), rng.randint(1, 28))
            matricule += rng.randint(1, 37)
            rows.append({"filiere": filiere, "title": title, "grade": grade, "cat": cat, "sex": sex,
                         "status": status, "time": time, "service": service, "last": last.upper(), "first": first,
                         "birth": birth, "matricule": f"M{matricule:05d}",
                         "obs": OBSERVATIONS.get((title, status), "")})
    return rows


def write_xlsx(path: Path, rows: list[dict]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    wb = Workbook()
    ws = wb.active
    ws.title = "Effectifs 2026"
    width = len(HEADER)
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)

    for line, (text, font) in enumerate([
            ("COMMUNE DE VAL-FLEURI — Tableau des effectifs au 01/01/2026", Font(bold=True, size=14)),
            ("Budget principal et CCAS — emplois permanents et non permanents pourvus", Font(italic=True)),
            ("Document interne — ne pas diffuser (données personnelles)", Font())], start=1):
        ws.cell(line, 1, text).font = font
        ws.merge_cells(start_row=line, start_column=1, end_row=line, end_column=width)

    header_row = 5
    for col, name in enumerate(HEADER, start=1):
        cell = ws.cell(header_row, col, name)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F4E79")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
    row = header_row + 1
    current = None
    for number, person in enumerate(rows, start=1):
        if person["filiere"] != current:
            current = person["filiere"]
            cell = ws.cell(row, 1, current)
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="D9E1F2")
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
            row += 1
        values = [number, person["matricule"], person["last"], person["first"], person["birth"], person["sex"],
                  person["grade"], person["cat"], person["title"], person["service"], person["status"],
                  person["time"], person["obs"]]
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row, col, value)
            cell.border = border
            if isinstance(value, date):
                cell.number_format = "DD/MM/YYYY"
        row += 1
    total_fte = round(sum(fte_of(p["time"]) for p in rows), 2)
    ws.cell(row, 1, "TOTAL").font = Font(bold=True)
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=8)
    ws.cell(row, 9, f"{len(rows)} agents").font = Font(bold=True)
    ws.cell(row, 12, total_fte).font = Font(bold=True)
    ws.cell(row, 12).number_format = "0.00"

    _finish(wb, ws, header_row, path)


def _finish(wb, ws, header_row: int, path: Path) -> None:
    """Column widths, the hidden matricule, a notes sheet, fixed metadata; then save."""
    from openpyxl.utils import get_column_letter

    for col, value in enumerate([5, 11, 16, 13, 12, 6, 26, 7, 34, 22, 12, 14, 36], start=1):
        ws.column_dimensions[get_column_letter(col)].width = value
    ws.column_dimensions["B"].hidden = True  # the matricule: kept by payroll, hidden in the printed table
    ws.freeze_panes = ws.cell(header_row + 1, 1)

    notes = wb.create_sheet("Notes")
    notes["A1"] = "Temps de travail : 35h = temps complet ; TNC = temps non complet."
    notes["A2"] = "Mise à jour par le service RH le 05/01/2026."

    stamp = datetime(2026, 1, 5, 9, 0, 0)
    wb.properties.creator = "Mairie de Val-Fleuri"
    wb.properties.lastModifiedBy = "Mairie de Val-Fleuri"
    wb.properties.created = stamp
    wb.properties.modified = stamp
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    wb.save(buffer)
    path.write_bytes(_fixed_zip_times(buffer.getvalue(), stamp))


def _fixed_zip_times(data: bytes, stamp: datetime) -> bytes:
    """openpyxl stamps every zip entry with the current time: fix it, so that a rebuild changes no byte."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=stamp.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl writes the save time as « modified »
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp.strftime(
                    "%Y-%m-%dT%H:%M:%SZ").encode(), content)
            target.writestr(fixed, content)
    return out.getvalue()


@contextlib.contextmanager
def editing(project_path: Path) -> Iterator:
    """The project open for edits, as the window holds it: every command saved at once."""
    from cartographie_desktop.io.session import EditSession

    session = EditSession.open(project_path)
    try:
        yield session
    finally:
        session.close()


# What the secrétaire de mairie confirms by hand when the matcher leaves a title à vérifier (the référentiel has no
# team-leader job for green spaces: the team leader does the agents' work and leads them).
CONFIRMATIONS = {"Chef d'équipe espaces verts": "EVE-01"}


def confirm_matches(project_path: Path) -> list[str]:
    """Confirm the expected à-vérifier titles; any other title without a job stops the build."""
    from cartographie_desktop.core import commands
    from cartographie_desktop.core.model import MatchStatus
    from cartographie_desktop.core.text import fold

    done = []
    with editing(project_path) as session:
        pending = {key: m for key, m in session.project.matches.items() if m.status == MatchStatus.TO_CHECK}
        unexpected = sorted(m.title for key, m in pending.items()
                            if key not in {fold(t) for t in CONFIRMATIONS})
        if unexpected:
            raise SystemExit(f"Intitulés sans métier : {', '.join(unexpected)} — complétez le référentiel.")
        for title, code in CONFIRMATIONS.items():
            if fold(title) in pending:
                session.execute(commands.confirm_match(session.project, fold(title), code))
                done.append(f"« {title} » → {code} (confirmé)")
    return done


def apply_decisions(project_path: Path) -> list[str]:
    """Decisions a commune would take, through the same commands as the window (so they can be undone)."""
    from cartographie_desktop.core import commands, referentiel
    from cartographie_desktop.core.text import fold

    ref = referentiel.load()
    done = []
    with editing(project_path) as session:
        project = session.project

        def job_for(title: str) -> str:
            match = project.matches.get(fold(title))
            if match is None or match.job_code is None:
                raise SystemExit(f"« {title} » n'est rattaché à aucun métier : complétez le référentiel.")
            return match.job_code

        def activity(job: str, activity_id: str, *words: str) -> str:
            """The activity decided on, checked to still say what the decision's reason speaks of."""
            found = ref.jobs[job].activity(activity_id)
            if found is None or not any(w in fold(found.label) for w in words):
                raise SystemExit(f"{activity_id} n'est plus l'activité attendue de {job} ({words}) : revoyez la démo.")
            return activity_id

        accueil = job_for("Agent d'accueil")
        act = activity(accueil, "ACC-01-01", "accueillir")
        session.execute(commands.keep_human(
            ref, project, accueil, act, author=DECISION_AUTHOR, date=DECISION_DATE,
            reason="Le conseil municipal veut que l'accueil physique de la mairie reste assuré par une personne, "
                   "en particulier pour les habitants âgés et ceux qui ne sont pas à l'aise avec le numérique."))
        done.append(f"{accueil} {act} : conservée humaine")

        urba = job_for("Instructeur ADS")
        act = activity(urba, "URB-01-01", "renseigner")
        session.execute(commands.exclude_activity(
            ref, project, urba, act, author=DECISION_AUTHOR, date=DECISION_DATE,
            reason="À Val-Fleuri, le renseignement du public sur l'urbanisme est assuré par l'accueil de la "
                   "mairie ; l'instructeur n'en a pas la charge."))
        done.append(f"{urba} {act} : non exercée")

        compta = job_for("Comptable")
        act = activity(compta, "FIN-01-01", "mandats", "saisir")
        session.execute(commands.override_score(
            ref, project, compta, act, score=0.45, author="Directrice générale des services", date=DECISION_DATE,
            reason="Les factures arrivent déjà dématérialisées par Chorus Pro et sont pré-saisies ; ce qui reste "
                   "demande des vérifications que l'équipe juge peu automatisables à court terme."))
        done.append(f"{compta} {act} : score 0,45")
    return done


def add_workshops(project_path: Path) -> list[str]:
    """The demo workshop sheets (`data/demo/ateliers.json`), brought up to date with the decisions above."""
    from cartographie_desktop.core import referentiel
    from cartographie_desktop.io.workshops_codec import demo_workshops

    with editing(project_path) as session:
        session.execute(demo_workshops(session.project, referentiel.load()))
        return [f"{sheet.job} « {sheet.title} »" for sheet in session.project.workshops]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--xlsx-only", action="store_true", help="seulement le tableau des effectifs")
    args = parser.parse_args()
    rows = people()
    write_xlsx(XLSX, rows)
    women = sum(p["sex"] in ("F", "Mme") for p in rows)
    print(f"{XLSX.relative_to(ROOT)} : {len(rows)} agents ({women} femmes), "
          f"{sum(fte_of(p['time']) for p in rows):.2f} ETP")
    if args.xlsx_only:
        return

    from cartographie_desktop.core import referentiel
    from cartographie_desktop.core.summary import summary
    from cartographie_desktop.io.importer import import_file
    from cartographie_desktop.io.store import open_project

    report = import_file(XLSX, PROJECT, overwrite=True, ref=referentiel.load())
    print(report.summary_fr())
    for line in confirm_matches(PROJECT):
        print("correspondance :", line)
    for line in apply_decisions(PROJECT):
        print("décision :", line)
    for line in add_workshops(PROJECT):
        print("atelier :", line)
    result = summary(open_project(PROJECT), referentiel.load())
    bands = ", ".join(f"{k} {v['agents']}" for k, v in result["bands"].items())
    print(f"{PROJECT.relative_to(ROOT)} : {result['commune']} {result['year']}, {result['agents']} agents, "
          f"{result['fte']} ETP ; bandes : {bands}")


if __name__ == "__main__":
    main()
