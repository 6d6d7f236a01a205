"""Time loading the whole référentiel (cold, in a fresh process), against reading its files' bytes in the same run.

    python benchmarks/bench_referentiel.py [--runs 7]

Prints one JSON line: median/min/max seconds of each, the ratio, the number of jobs and activities.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

LOAD = """
import time
t = time.perf_counter()
from cartographie_desktop.core import referentiel
ref = referentiel.load()
print(time.perf_counter() - t, len(ref), sum(len(j.activities) for j in ref))
"""
BASELINE = """
import time
from pathlib import Path
t = time.perf_counter()
root = Path("data")
n = sum(len(p.read_bytes()) for p in list((root / "referentiel").rglob("*.csv")) + [root / "ilo" / "taches_oit.csv",
        root / "ilo" / "taches_oit_fr.csv", root / "ilo" / "professions_oit.csv"])
print(time.perf_counter() - t, n, 0)
"""


def run(code: str, runs: int) -> tuple[list[float], list[str]]:
    times, last = [], []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
        value, *last = out.stdout.split()
        times.append(float(value))
    return times, last


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    load, (jobs, activities) = run(LOAD, args.runs)
    base, _ = run(BASELINE, args.runs)
    print(json.dumps({
        "bench": "referentiel_load", "runs": args.runs, "jobs": int(jobs), "activities": int(activities),
        "median_s": round(statistics.median(load), 4), "min_s": round(min(load), 4), "max_s": round(max(load), 4),
        "baseline": "read the same CSV files' bytes",
        "baseline_median_s": round(statistics.median(base), 4),
        "ratio": round(statistics.median(load) / statistics.median(base), 1),
    }))


if __name__ == "__main__":
    main()
