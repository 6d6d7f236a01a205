"""Time the title matcher: 2 000 distinct staffing-table titles against the référentiel (target: under 1 s).

    python benchmarks/bench_matching.py [--titles 2000] [--runs 5] [--referentiel DIR]

Prints one JSON line. The titles are generated from the référentiel's own labels and synonyms, disguised as staffing
tables write them (abbreviations, feminine forms, typos, « (H/F) », working time, a place), plus titles that name
no job. Each run builds a fresh matcher (nothing cached, as in a new `cartographie import`) and times its build and
`match_many` separately, wall clock and CPU (the CPU time tells how much of the wall time other processes took).
The baseline is rapidfuzz's `process.cdist` with `token_sort_ratio` (its fastest whole-string scorer) over the
same normalised titles and choices, in the same run: it only compares raw speed, it does not match as well.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rapidfuzz import fuzz, process  # noqa: E402

from cartographie_desktop.core import referentiel  # noqa: E402
from cartographie_desktop.core.matching import Matcher  # noqa: E402

SUFFIXES = ["", "", "", " (H/F)", " - TNC", " 80 %", " 28h/35", " mairie", " école", " - temps partiel", " n° 3"]
PREFIXES = ["", "", "", "Agt ", "Adjt ", "Resp. "]
UNRELATED = ["Chargé de mission", "Agent", "Collaborateur de cabinet", "Poste vacant", "Divers", "Stagiaire"]


def disguise(rng: random.Random, text: str) -> str:
    chars = list(text)
    for _ in range(rng.choice((0, 0, 1, 1, 2))):
        i = rng.randrange(len(chars))
        chars[i] = rng.choice("abcdefghijklmnopqrstuvwxyzéè")
    text = "".join(chars)
    if rng.random() < 0.3:
        text = text.upper()
    return rng.choice(PREFIXES) + text + rng.choice(SUFFIXES)


def make_titles(ref: referentiel.Referentiel, count: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    pool = [text for job in ref for text in (job.label, *job.synonyms)] + UNRELATED
    titles: dict[str, None] = {}
    while len(titles) < count:
        titles.setdefault(disguise(rng, rng.choice(pool)), None)
    return list(titles)


def timed(fn, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--titles", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--referentiel", type=Path, default=ROOT / "data" / "referentiel")
    args = parser.parse_args()

    ref = referentiel.load_from(args.referentiel, ROOT / "data" / "ilo")
    titles = make_titles(ref, args.titles)
    items = [(title, None) for title in titles]
    build, wall, cpu = [], [], []
    for _ in range(args.runs):  # a fresh matcher each time: nothing cached, as in a new `cartographie import`
        start = time.perf_counter()
        matcher = Matcher(ref)
        build.append(time.perf_counter() - start)
        start, start_cpu = time.perf_counter(), time.process_time()
        result = matcher.match_many(items)
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)

    choices = sorted({matcher.normalise(text) for job in ref for text in (job.label, *job.synonyms)} - {""})
    normalised = [matcher.normalise(t) for t in titles]
    baseline = timed(lambda: process.cdist(normalised, choices, scorer=fuzz.token_sort_ratio, workers=1), args.runs)
    print(json.dumps({
        "benchmark": "matching", "titles": len(titles), "jobs": len(ref), "choices": len(matcher._choices),
        "runs": args.runs, "build_median_s": round(statistics.median(build), 4),
        "median_s": round(statistics.median(wall), 4), "min_s": round(min(wall), 4), "max_s": round(max(wall), 4),
        "cpu_median_s": round(statistics.median(cpu), 4),
        "baseline": "rapidfuzz cdist token_sort_ratio over the same normalised titles and choices",
        "baseline_median_s": round(statistics.median(baseline), 4),
        "ratio": round(statistics.median(wall) / statistics.median(baseline), 2),
        "auto_share": round(sum(m.job_code is not None for m in result) / len(result), 3),
        "load_average": round(os.getloadavg()[0], 2), "cpus": os.cpu_count(),
        "target_s": 1.0,
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
