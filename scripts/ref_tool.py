"""Authoring aid for the référentiel: look up ILO tasks, ROME sheets and ESCO titles, and check the data.

Developers' tool only (reads `../shared/reference/`, which the program never ships). Examples:

    python scripts/ref_tool.py ilo 4110 4226          # an ISCO occupation's tasks, scores, French translations
    python scripts/ref_tool.py ilo-search appointment  # tasks whose English or French text has all the words
    python scripts/ref_tool.py rome K1406               # a ROME sheet: appellations and savoir-faire (code OGR)
    python scripts/ref_tool.py rome-search "agent d'accueil"
    python scripts/ref_tool.py esco 4226                # ESCO French titles (and synonyms) of an ISCO group
    python scripts/ref_tool.py esco-search jardinier
    python scripts/ref_tool.py job ACC-01               # a job of ours with its activity scores
    python scripts/ref_tool.py shared                   # the shared activities and their scores
    python scripts/ref_tool.py check                    # validate everything, then every job's scores and bands
"""

from __future__ import annotations

import argparse
import csv
import sys
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cartographie_desktop.core import referentiel  # noqa: E402
from cartographie_desktop.core.scoring import score_job  # noqa: E402
from cartographie_desktop.core.text import fold  # noqa: E402

REFERENCE = ROOT.parent / "shared" / "reference"
ROME = REFERENCE / "rome-4.0-v460"
ESCO = REFERENCE / "esco-v1.0-isco08-fr"


def _csv(path: Path) -> list[dict[str, str]]:
    csv.field_size_limit(1 << 24)
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@cache
def ref() -> referentiel.Referentiel:
    return referentiel.load_from(ROOT / "data" / "referentiel", ROOT / "data" / "ilo")


@cache
def tasks():
    from cartographie_desktop.core import ilo

    ilo_dir = ROOT / "data" / "ilo"
    return ilo.load_tasks(ilo_dir, ilo.load_translations(ilo_dir)), ilo.load_occupations(ilo_dir)


def _fmt(value: float | None) -> str:
    return "  -  " if value is None else f"{value:.3f}"


def cmd_ilo(args: argparse.Namespace) -> None:
    all_tasks, occupations = tasks()
    for raw in args.codes:
        code = raw.zfill(4)
        occ = occupations.get(code)
        if not occ:
            print(f"{code}: not in the ILO table")
            continue
        print(f"== {code} {occ.title_en} / {occ.title_fr}  mean23={occ.mean_2023} sd23={occ.sd_2023} "
              f"mean25={occ.mean_2025} sd25={occ.sd_2025} ({occ.potential_2025})")
        for key, task in sorted(all_tasks.items()):
            if key[0] == code:
                print(f"  {code}:{task.task_id:<3} 23={_fmt(task.score_2023)} 25={_fmt(task.score_2025)}  "
                      f"{task.text_en}")
                if task.text_fr:
                    print(f"  {'':8}{'':22}FR: {task.text_fr}")


def cmd_ilo_search(args: argparse.Namespace) -> None:
    all_tasks, occupations = tasks()
    words = fold(" ".join(args.words)).split()
    hits = [t for t in all_tasks.values()
            if all(w in fold(t.text_en + " " + t.text_fr) for w in words)]
    for task in hits[: args.limit]:
        title = occupations[task.isco].title_en if task.isco in occupations else ""
        print(f"{task.isco}:{task.task_id:<3} 23={_fmt(task.score_2023)} 25={_fmt(task.score_2025)} [{title}] "
              f"{task.text_en}" + (f"\n{'':36}FR: {task.text_fr}" if task.text_fr else ""))
    print(f"-- {len(hits)} task(s)")


@cache
def rome_tables():
    codes = {r["code_rome"]: r for r in _csv(ROME / "unix_referentiel_code_rome_v460_utf8.csv")}
    appellations = _csv(ROME / "unix_referentiel_appellation_v460_utf8.csv")
    competences = {r["code_ogr"]: r for r in _csv(ROME / "unix_referentiel_competence_v460_utf8.csv")}
    coherence = _csv(ROME / "unix_coherence_item_v460_utf8.csv")
    return codes, appellations, competences, coherence


def cmd_rome(args: argparse.Namespace) -> None:
    codes, appellations, competences, coherence = rome_tables()
    for code in args.codes:
        sheet = codes.get(code)
        if not sheet:
            print(f"{code}: unknown ROME code")
            continue
        print(f"== {code} {sheet['libelle_rome']}")
        for row in appellations:
            if row["code_rome"] == code:
                print(f"  appellation [{row['code_ogr']}] {row['libelle_appellation_long']}"
                      f"{' (peu usité)' if row['peu_usite'] == 'O' else ''}")
        items = [(row["coeur_metier"], competences[row["code_ogr"]]) for row in coherence
                 if row["code_rome"] == code and row["code_ogr"] in competences]
        items.sort(key=lambda x: (x[0] != "Principale", x[1]["cat_comp"], x[1]["libelle_competence"]))
        for core, comp in items:
            print(f"  {comp['cat_comp'][:12]:<12} [{comp['code_ogr']}]{' *' if core == 'Principale' else '  '} "
                  f"{comp['libelle_competence']}")


def cmd_rome_search(args: argparse.Namespace) -> None:
    codes, appellations, _, _ = rome_tables()
    words = fold(" ".join(args.words)).split()
    for row in appellations:
        if all(w in fold(row["libelle_appellation_long"]) for w in words):
            print(f"{row['code_rome']} [{row['code_ogr']}] {row['libelle_appellation_long']}  "
                  f"— fiche : {codes[row['code_rome']]['libelle_rome']}")


@cache
def esco_rows():
    return _csv(ESCO / "occupations_fr.csv")


def _print_esco(row: dict[str, str]) -> None:
    alts = "; ".join(a for a in row["altLabels"].splitlines() if a.strip())
    print(f"{row['iscoGroup']} {row['preferredLabel']}" + (f"\n      synonymes : {alts}" if alts else ""))


def cmd_esco(args: argparse.Namespace) -> None:
    for row in esco_rows():
        if row["iscoGroup"] in {c.zfill(4) for c in args.codes}:
            _print_esco(row)


def cmd_esco_search(args: argparse.Namespace) -> None:
    words = fold(" ".join(args.words)).split()
    for row in esco_rows():
        if all(w in fold(row["preferredLabel"] + " " + row["altLabels"]) for w in words):
            _print_esco(row)


def _print_job(job: referentiel.Job) -> None:
    r23, r25 = score_job(job, "2023"), score_job(job, "2025")
    print(f"== {job.code} {job.label} [{job.family}] filières={'|'.join(job.filieres)} cat={'|'.join(job.categories)} "
          f"ISCO={'|'.join(job.isco)} ROME={'|'.join(job.rome)}")
    print(f"   2023: {r23.technical.mean:.3f} ± {r23.technical.sd:.3f} {r23.band.label} ({r23.technical.ilo_category}) "
          f"| 2025: {r25.technical.mean:.3f} ± {r25.technical.sd:.3f} {r25.band.label} ({r25.technical.ilo_category})")
    for activity in job.activities:
        links = "|".join(f"{i}:{t}" for i, t in activity.ilo_links) or "ESTIMÉ"
        print(f"   {activity.id:<10} 23={activity.score_2023:.3f} 25={activity.score_2025:.3f} {links:<20} "
              f"{activity.label}{'  [' + activity.shared + ']' if activity.shared else ''}")


def cmd_job(args: argparse.Namespace) -> None:
    for code in args.codes:
        _print_job(ref().job(code))


def cmd_shared(_: argparse.Namespace) -> None:
    for item in ref().shared.values():
        links = "|".join(f"{i}:{t}" for i, t in item.ilo_links) or "ESTIMÉ"
        print(f"{item.id:<24} {links:<22} {item.label}")


def cmd_check(args: argparse.Namespace) -> None:
    data = ref()
    problems = referentiel.validate(data)
    for problem in problems:
        print("PROBLÈME", problem)
    by_family: dict[str, list] = {}
    for job in data:
        by_family.setdefault(job.family, []).append(job)
    for family, jobs in sorted(by_family.items()):
        print(f"\n## {family} {data.families.get(family, '?')}")
        for job in sorted(jobs, key=lambda j: -score_job(j, "2025").technical.mean):
            r23, r25 = score_job(job, "2023"), score_job(job, "2025")
            print(f"  {job.code:<8} 23={r23.technical.score:.2f} ({r23.band.label:<13}) "
                  f"25={r25.technical.score:.2f} ({r25.band.label:<13}) {job.label}")
    n_activities = sum(len(j.activities) for j in data)
    print(f"\n{len(data)} jobs, {n_activities} activities, {len(problems)} problem(s)")
    sys.exit(1 if problems else 0)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="cmd", required=True)
    for name, func, arg in (("ilo", cmd_ilo, "codes"), ("ilo-search", cmd_ilo_search, "words"),
                            ("rome", cmd_rome, "codes"), ("rome-search", cmd_rome_search, "words"),
                            ("esco", cmd_esco, "codes"), ("esco-search", cmd_esco_search, "words"),
                            ("job", cmd_job, "codes")):
        p = sub.add_parser(name)
        p.add_argument(arg, nargs="+")
        if name == "ilo-search":
            p.add_argument("--limit", type=int, default=60)
        p.set_defaults(func=func)
    sub.add_parser("shared").set_defaults(func=cmd_shared)
    sub.add_parser("check").set_defaults(func=cmd_check)
    args = parser.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
