"""Time « Préparer un kit d'atelier » and « Importer un kit rempli » for 3, 12 and 30 sheets (the demo sheets
repeated), against openpyxl writing and streaming back a plain workbook with as many rows in the same run.

    python benchmarks/bench_workshop_kit.py [--runs 5]

Prints one JSON line per size: medians of preparing and importing, the baseline's, and the ratios.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cartographie_desktop.core import referentiel  # noqa: E402
from cartographie_desktop.core.model import Project  # noqa: E402
from cartographie_desktop.io import workshop_kit, workshops_codec  # noqa: E402


def project_with(ref, sheets: int) -> Project:
    project = Project(commune="Val-Fleuri")
    demo = workshops_codec.read_sheets_file(workshops_codec.demo_file())
    project.workshops = [replace(demo[n % len(demo)], id=f"s{n}") for n in range(sheets)]
    return project


def baseline(rows: int, path: Path) -> float:
    from openpyxl import Workbook, load_workbook

    start = time.perf_counter()
    wb = Workbook()
    ws = wb.active
    for row in range(1, rows + 1):
        for column in range(1, 6):
            ws.cell(row, column, f"texte {row} {column}")
    wb.save(path)
    wb = load_workbook(path, read_only=True)
    sum(1 for sheet in wb.worksheets for _ in sheet.iter_rows(values_only=True))
    wb.close()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    ref = referentiel.load()
    with tempfile.TemporaryDirectory() as folder:
        path, plain = Path(folder) / "kit.xlsx", Path(folder) / "plain.xlsx"
        for sheets in (3, 12, 30):
            project = project_with(ref, sheets)
            ids = [s.id for s in project.workshops]
            prepare, read, base = [], [], []
            rows = 0
            for _ in range(args.runs):
                start = time.perf_counter()
                workshop_kit.prepare_kit(project, ref, ids, path)
                prepare.append(time.perf_counter() - start)
                start = time.perf_counter()
                result = workshop_kit.read_kit(path, project, ref)
                read.append(time.perf_counter() - start)
                if result.changes or result.problems:
                    raise SystemExit("an untouched kit should import as no change")
                if not rows:
                    from openpyxl import load_workbook

                    wb = load_workbook(path, read_only=True)
                    rows = sum(1 for sheet in wb.worksheets for _ in sheet.iter_rows(values_only=True))
                    wb.close()
                base.append(baseline(rows, plain))
            print(json.dumps({
                "bench": "workshop_kit", "sheets": sheets, "rows": rows, "runs": args.runs,
                "prepare_median_s": round(statistics.median(prepare), 4),
                "import_median_s": round(statistics.median(read), 4),
                "baseline": "openpyxl writes then streams back a plain workbook of as many rows (5 text cells)",
                "baseline_median_s": round(statistics.median(base), 4),
                "ratio_prepare_import_to_baseline": round(
                    (statistics.median(prepare) + statistics.median(read)) / statistics.median(base), 1),
            }))


if __name__ == "__main__":
    main()
