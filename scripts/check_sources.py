"""Check every provenance the référentiel cites against the reference data, and that synonyms stay unambiguous.

Developers' tool (reads `../shared/reference/`, which the program never ships); `ref_tool.py check` validates the
scores, this one the sources:

- an activity or shared activity whose `source` is `ROME <code> ogr <n>` must carry the exact ROME wording of that
  savoir-faire, and the savoir-faire must belong to that ROME sheet;
- a synonym from `ROME <code> ogr <n>` must be a form (masculine or feminine) of that appellation of that sheet;
- a synonym from `ESCO <isco>` must be an ESCO French label (or alternative label) of that ISCO-08 group;
- a synonym (folded) must point to one job only and must not be another job's label.

    python scripts/check_sources.py        # exit 1 and one line per problem when something is wrong
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cartographie_desktop.core.text import fold  # noqa: E402

REF = ROOT / "data" / "referentiel"
REFERENCE = ROOT.parent / "shared" / "reference"
ROME = REFERENCE / "rome-4.0-v460"
ESCO = REFERENCE / "esco-v1.0-isco08-fr"
ROME_SOURCE = re.compile(r"ROME ([A-Z]\d{4}) ogr (\d+)")
ESCO_SOURCE = re.compile(r"ESCO (\d{4})")


def _rows(path: Path) -> list[dict[str, str]]:
    csv.field_size_limit(1 << 24)
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _table(name: str) -> list[tuple[str, int, dict[str, str]]]:
    single = REF / f"{name}.csv"
    paths = ([single] if single.exists() else []) + sorted((REF / name).glob("*.csv"))
    return [(path.name, line, row) for path in paths for line, row in enumerate(_rows(path), start=2)]


def main() -> int:
    competences = {r["code_ogr"]: r["libelle_competence"] for r in
                   _rows(ROME / "unix_referentiel_competence_v460_utf8.csv")}
    sheet_items = {(r["code_rome"], r["code_ogr"]) for r in _rows(ROME / "unix_coherence_item_v460_utf8.csv")}
    appellations = {r["code_ogr"]: r for r in _rows(ROME / "unix_referentiel_appellation_v460_utf8.csv")}
    esco: dict[str, set[str]] = {}
    for row in _rows(ESCO / "occupations_fr.csv"):
        for label in [row["preferredLabel"], *row["altLabels"].splitlines()]:
            esco.setdefault(row["iscoGroup"], set()).update(fold(p) for p in label.split("/") if p.strip())

    problems: list[str] = []

    def wording(where: str, label: str, source: str) -> None:
        match = ROME_SOURCE.fullmatch(source)
        if not match:
            if source and source != "rédaction propre":
                problems.append(f"{where} : source illisible « {source} »")
            return
        code, ogr = match.groups()
        if (code, ogr) not in sheet_items:
            problems.append(f"{where} : le savoir-faire {ogr} n'appartient pas à la fiche {code}")
        elif label and competences[ogr].strip() != label.strip():
            problems.append(f"{where} : libellé différent du ROME {ogr} « {competences[ogr]} »")

    shared_labels = {}
    for name, line, row in _table("activites_communes"):
        shared_labels[row["id"]] = row["libelle"]
        wording(f"{name} ligne {line}", row["libelle"], row.get("source", ""))
    for name, line, row in _table("activites"):
        label = row["libelle"] or shared_labels.get(row.get("commune", ""), "")
        wording(f"{name} ligne {line}", label, row.get("source", ""))

    labels = {fold(row["libelle"]): row["code"] for _, _, row in _table("metiers")}
    owners: dict[str, str] = {}
    for name, line, row in _table("synonymes"):
        where, synonym, source, job = f"{name} ligne {line}", row["synonyme"], row["source"], row["metier"]
        key = fold(synonym)
        if owners.setdefault(key, job) != job:
            problems.append(f"{where} : « {synonym} » désigne déjà {owners[key]}")
        if labels.get(key, job) != job:
            problems.append(f"{where} : « {synonym} » est le libellé de {labels[key]}")
        if match := ROME_SOURCE.fullmatch(source):
            code, ogr = match.groups()
            appellation = appellations.get(ogr)
            if not appellation or appellation["code_rome"] != code:
                problems.append(f"{where} : l'appellation {ogr} n'appartient pas à la fiche {code}")
            elif not set(key.split()) <= set(fold(appellation["libelle_appellation_long"]).split()):
                problems.append(f"{where} : « {synonym} » n'est pas une forme de « "
                                f"{appellation['libelle_appellation_long']} »")
        elif match := ESCO_SOURCE.fullmatch(source):
            if key not in esco.get(match.group(1), set()):
                problems.append(f"{where} : « {synonym} » n'est pas un libellé ESCO du groupe {match.group(1)}")
        elif source != "usage":
            problems.append(f"{where} : source illisible « {source} »")

    for problem in problems:
        print("PROBLÈME", problem)
    print(f"{len(problems)} problème(s) de source")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
