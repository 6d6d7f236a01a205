"""Time the whole import against `pandas.read_excel` of the same file, in the same run.

    python benchmarks/bench_import.py [--sizes 10000 100000] [--runs 5] [--runs-large 3] [--keep DIR]

For each size, an xlsx of that many rows and 15 columns (realistic values: names, dates of birth, abbreviated
grades, job titles with their usual variations, working time written several ways) is generated in a temporary
folder, then each measured operation runs in a fresh subprocess:

- `import`: `io.importer.import_file` (read, detect the header, map, normalise, match the titles, write the
  `.carto`), then the project's summary (scoring every job), i.e. what `cartographie import` + `summary` do;
- `baseline`: `pandas.read_excel(path, engine="openpyxl")`, reading the same file and nothing more.

One JSON line per size: median, min and max seconds of each, their ratio (import / baseline; target ≤ 1.0) and the
peak memory of the import (RSS high-water mark of its subprocess; target < 500 MB at 100 000 rows).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

COLUMNS = ["N°", "Matricule", "Nom", "Prénom", "Date de naissance", "Sexe", "Grade", "Catégorie", "Filière",
           "Intitulé du poste", "Service", "Statut", "Temps de travail", "Date d'entrée", "Observations"]
# (title, grade, catégorie, filière, service): the kinds of posts a large commune or a CDG file holds.
POSTS = [
    ("Agent d'accueil", "Adjoint administratif", "C", "Administrative", "Accueil"),
    ("Agent d'état civil", "Adjt adm. ppal 2e cl.", "C", "Administrative", "Population"),
    ("Gestionnaire comptable", "Adjt adm. ppal 1re cl.", "C", "Administrative", "Finances"),
    ("Gestionnaire RH", "Rédacteur", "B", "Administrative", "Ressources humaines"),
    ("Assistante de direction", "Rédacteur ppal 2e cl.", "B", "Administrative", "Direction générale"),
    ("Instructeur ADS", "Technicien", "B", "Technique", "Urbanisme"),
    ("Agent des espaces verts", "Adjoint technique", "C", "Technique", "Espaces verts"),
    ("Jardinier", "Adjt tech. ppal 2e cl.", "C", "Technique", "Espaces verts"),
    ("Agent de voirie", "Adjoint technique", "C", "Technique", "Voirie"),
    ("Agent polyvalent", "Adjoint technique", "C", "Technique", "Services techniques"),
    ("Agent d'entretien", "Adjoint technique", "C", "Technique", "Entretien"),
    ("Agent de restauration scolaire", "Adjoint technique", "C", "Technique", "Restauration"),
    ("Cuisinier", "Adjt tech. ppal 1re cl.", "C", "Technique", "Restauration"),
    ("ATSEM", "ATSEM ppal 2e cl.", "C", "Sociale", "Écoles"),
    ("Animateur périscolaire", "Adjoint d'animation", "C", "Animation", "Périscolaire"),
    ("Policier municipal", "Brigadier-chef ppal", "C", "Police municipale", "Police municipale"),
    ("ASVP", "Adjoint technique", "C", "Technique", "Police municipale"),
    ("Agent de médiathèque", "Adjt du patrimoine", "C", "Culturelle", "Médiathèque"),
    ("Aide à domicile", "Agent social", "C", "Sociale", "CCAS"),
    ("Responsable des services techniques", "Ingénieur", "A", "Technique", "Services techniques"),
    ("Chargé de mission", "Attaché", "A", "Administrative", "Direction générale"),
]
TIMES = ["35h", "35", "28h/35", "TNC 17h30", "80 %", "100%", "0,8", "24h/35", "17h30", "1"]
FIRST = ["Marie", "Nathalie", "Jean", "Philippe", "Isabelle", "Nicolas", "Sophie", "Julien", "Camille", "Thomas"]
LAST = ["MARTIN", "BERNARD", "DUBOIS", "THOMAS", "ROBERT", "PETIT", "DURAND", "LEROY", "MOREAU", "SIMON"]
SUFFIXES = ["", "", "", "", " (H/F)", " - TNC", " école {n}", " secteur {n}", " site {n}"]


def _title(rng: random.Random, base: str) -> str:
    """Titles as they drift in a big file: case, feminine forms, a site number (≈ 2 000 distinct in 100 000)."""
    title = base + rng.choice(SUFFIXES).format(n=rng.randint(1, 40))
    if rng.random() < 0.1:
        title = title.upper()
    return title


def write_file(path: Path, rows: int, seed: int = 11) -> None:
    from openpyxl import Workbook

    rng = random.Random(seed)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Effectifs")
    ws.append(["COMMUNE DE BENCHVILLE — Tableau des effectifs au 01/01/2026"])
    ws.append([])
    ws.append(COLUMNS)
    for i in range(1, rows + 1):
        title, grade, cat, filiere, service = rng.choice(POSTS)
        ws.append([
            i, f"M{100000 + i}", rng.choice(LAST), rng.choice(FIRST),
            date(rng.randint(1960, 2004), rng.randint(1, 12), rng.randint(1, 28)), rng.choice(["F", "H"]),
            grade, cat, filiere, _title(rng, title), service, rng.choice(["Titulaire", "Contractuel", "Stagiaire"]),
            rng.choice(TIMES), date(rng.randint(1990, 2025), rng.randint(1, 12), 1), "",
        ])
    wb.save(path)


CHILD = r"""
import json, resource, sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
mode, src, out = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
if mode == "import":
    from cartographie_desktop.core import referentiel
    from cartographie_desktop.core.summary import summary
    from cartographie_desktop.io.importer import import_file
    from cartographie_desktop.io.store import open_project
    ref = referentiel.load()
    start = time.perf_counter()
    report = import_file(src, out, overwrite=True, ref=ref)
    result = summary(open_project(out), ref)
    elapsed = time.perf_counter() - start
    extra = {{"imported": report.imported, "titles": len(report.matches), "to_check": report.to_check,
              "agents": result["agents"]}}
else:
    import pandas
    start = time.perf_counter()
    frame = pandas.read_excel(src, engine="openpyxl")
    elapsed = time.perf_counter() - start
    extra = {{"rows": len(frame)}}
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux
print(json.dumps({{"seconds": elapsed, "peak_mb": peak, **extra}}))
"""


def run_child(mode: str, src: Path, out: Path) -> dict:
    code = CHILD.format(root=str(ROOT))
    done = subprocess.run([sys.executable, "-c", code, mode, str(src), str(out)], capture_output=True, text=True,
                          check=False)
    if done.returncode != 0:
        raise SystemExit(f"{mode} a échoué :\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def stats(values: list[float]) -> dict:
    return {"median_s": round(statistics.median(values), 3), "min_s": round(min(values), 3),
            "max_s": round(max(values), 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--runs", type=int, default=5, help="runs per size below 100 000 rows")
    parser.add_argument("--runs-large", type=int, default=3, help="runs per size from 100 000 rows")
    parser.add_argument("--keep", type=Path, default=None, help="keep the generated files in this folder")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for size in args.sizes:
            src = folder / f"effectifs-{size}.xlsx"
            if not src.exists():
                write_file(src, size)
            runs = args.runs_large if size >= 100_000 else args.runs
            ours, base = [], []
            for i in range(runs):  # interleaved, so that a busy machine hurts both alike
                ours.append(run_child("import", src, folder / f"projet-{size}-{i}.carto"))
                base.append(run_child("baseline", src, folder / "unused"))
            import_s = [r["seconds"] for r in ours]
            base_s = [r["seconds"] for r in base]
            print(json.dumps({
                "benchmark": "import", "rows": size, "columns": len(COLUMNS), "runs": runs,
                "import": {**stats(import_s), "peak_mb": round(max(r["peak_mb"] for r in ours), 1)},
                "baseline": {"what": 'pandas.read_excel(path, engine="openpyxl")', **stats(base_s),
                             "peak_mb": round(max(r["peak_mb"] for r in base), 1)},
                "ratio": round(statistics.median(import_s) / statistics.median(base_s), 3),
                "imported": ours[0]["imported"], "distinct_titles": ours[0]["titles"],
                "titles_to_check": ours[0]["to_check"],
                "targets": {"ratio": 1.0, "peak_mb_at_100000": 500},
            }, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
