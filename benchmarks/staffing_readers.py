"""Time the whole staffing import of a big xlsx against `pandas.read_excel(engine="openpyxl")` of the same file.

    python benchmarks/staffing_readers.py [--rows 100000] [--repeat 3]

Prints one JSON line per measurement (median of `--repeat` runs, the baseline measured in the same run) and the
peak memory of one import in a fresh process (VmHWM, interpreter and libraries included).
The generated workbook (shared strings, a date column, numbers; one row per agent per month, so the payroll
de-duplication runs too) is kept in the system temp folder between runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

HEADER = ["Matricule", "Nom", "Prénom", "NIR", "Date de naissance", "Sexe", "Service", "Emploi", "Grade", "Statut",
          "Temps de travail", "Catégorie", "Filière", "Période", "Brut"]
JOBS = [("Agent d'accueil", "Adjoint administratif", "C", "Administrative", "Accueil"),
        ("Agent d'entretien", "Adjoint technique", "C", "Technique", "Bâtiments"),
        ("ATSEM", "ATSEM principal de 2e classe", "C", "Médico-sociale", "Écoles"),
        ("Secrétaire de mairie", "Attaché", "A", "Administrative", "Direction générale"),
        ("Policier municipal", "Gardien-brigadier", "C", "Police municipale", "Police"),
        ("Animateur", "Adjoint d'animation", "C", "Animation", "Enfance"),
        ("Jardinier", "Adjoint technique principal de 2e classe", "C", "Technique", "Espaces verts"),
        ("Comptable", "Rédacteur", "B", "Administrative", "Finances")]
STATUSES = ["Titulaire", "Titulaire", "Titulaire", "Contractuel", "Stagiaire", "Apprenti"]
TIMES = ["35h", "28h/35", "80 %", "100", "0,5", "TNC 24/35", "17h30"]


def make_workbook(path: Path, rows: int) -> None:
    import openpyxl

    rng = random.Random(2025)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Paie"
    sheet.append(HEADER)
    for number in range(rows):
        title, grade, categorie, filiere, service = rng.choice(JOBS)
        sheet.append([
            f"M{number // 12:06d}", f"NOM{rng.randrange(5000)}", f"Prénom{rng.randrange(800)}",
            f"{rng.choice('12')} {rng.randrange(40, 99)} {rng.randrange(1, 13):02d} 75 {rng.randrange(1000):03d} "
            f"{rng.randrange(1000):03d} {rng.randrange(100):02d}",
            dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(16000)), rng.choice("FH"), service, title, grade,
            rng.choice(STATUSES), rng.choice(TIMES), categorie, filiere, f"{number % 12 + 1:02d}/2024",
            round(rng.uniform(900, 4000), 2),
        ])
    workbook.save(path)


def median_seconds(action, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def our_import(path: Path):
    from cartographie_desktop.io import staffing

    return staffing.read_staffing(path)


PEAK_CODE = """
import resource, sys
sys.path.insert(0, sys.argv[2])
from cartographie_desktop.io import staffing
result = staffing.read_staffing(sys.argv[1])
peak = None
try:  # the high-water mark of this address space; ru_maxrss may still hold the parent's size from before exec
    with open("/proc/self/status") as status:
        peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM"))
except OSError:
    pass
print(len(result.posts), peak or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def peak_memory_mb(path: Path) -> float:
    """Peak resident memory of one import in a fresh process (interpreter and libraries included)."""
    output = subprocess.run([sys.executable, "-c", PEAK_CODE, str(path), str(ROOT)], capture_output=True,
                            text=True, check=True).stdout.split()
    return int(output[1]) / 1024  # kilobytes on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    path = Path(tempfile.gettempdir()) / f"cartographie_bench_{args.rows}x15.xlsx"
    if not path.exists():
        make_workbook(path, args.rows)

    peak = peak_memory_mb(path)  # first, while this process is still small

    import pandas

    baseline = median_seconds(lambda: pandas.read_excel(path, engine="openpyxl"), args.repeat)
    calamine = median_seconds(lambda: pandas.read_excel(path, engine="calamine"), args.repeat)
    ours = median_seconds(lambda: our_import(path), args.repeat)
    result = our_import(path)
    common = {"rows": args.rows, "cols": 15, "repeat": args.repeat, "file_mb": round(path.stat().st_size / 1e6, 1)}
    print(json.dumps({"bench": "pandas_read_excel_openpyxl", **common, "median_s": round(baseline, 3)}))
    print(json.dumps({"bench": "pandas_read_excel_calamine", **common, "median_s": round(calamine, 3)}))
    print(json.dumps({"bench": "staffing_read_staffing", **common, "median_s": round(ours, 3),
                      "ratio_to_openpyxl": round(ours / baseline, 3), "posts": result.imported,
                      "merged": result.merged, "set_aside": len(result.set_aside)}))
    print(json.dumps({"bench": "staffing_read_staffing_peak_rss", **common,
                      "peak_rss_mb": round(peak, 1)}))


if __name__ == "__main__":
    main()
