"""Time the council report and the results workbook, against an empty reportlab document with the same fonts.

    python benchmarks/bench_report.py [--runs 5] [--large-runs 3]

Cases: the demo commune (`data/demo/val-fleuri.carto` when shipped, else the 45-agent test commune matched to the
shipped référentiel) and a 10 000-agent, 300-job project. Each case prints one JSON line per output (PDF, xlsx):
median/min/max seconds, the baseline measured in the same run, the ratio, the file size and the page count.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cartographie_desktop.core import referentiel  # noqa: E402
from cartographie_desktop.io import store  # noqa: E402
from cartographie_desktop.report.excel import build_workbook  # noqa: E402
from cartographie_desktop.report.options import ReportOptions  # noqa: E402
from cartographie_desktop.report.pdf import build_report  # noqa: E402
from cartographie_desktop.report.styles import Para, ReportDocTemplate, styles  # noqa: E402


def empty_document(path: Path) -> None:
    """The baseline: an empty document with the report's page template and its two fonts embedded (one line each)."""
    doc = ReportDocTemplate(str(path), header="Commune", footer="Rapport", title="Rapport", author="", subject="")
    doc.build([Para("<b>Rapport</b> — 1\u202f234,5 agents", styles().body)])


def timed(fn, runs: int) -> list[float]:
    fn()  # warm-up: fonts registered, modules imported, caches filled
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def cases():
    ref = referentiel.load()
    try:
        yield "demo", store.load_demo(), ref
    except store.StoreError:
        from tests.report import fixtures

        yield "demo (commune de test, 45 agents, référentiel livré)", fixtures.shipped_project(ref), ref
    from tests.report import fixtures

    project, large_ref = fixtures.large_project(agents=10_000, jobs=300)
    yield "10 000 agents, 300 métiers", project, large_ref


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--large-runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        base = timed(lambda: empty_document(folder / "empty.pdf"), args.runs)
        base_median = statistics.median(base)
        for name, project, ref in cases():
            runs = args.large_runs if len(project.posts) > 1000 else args.runs
            agents = sum(p.headcount for p in project.posts)
            jobs = len({project.job_of(p) for p in project.posts} - {None})
            for kind, suffix, build in (("report_pdf", "pdf", build_report), ("export_xlsx", "xlsx", build_workbook)):
                out = folder / f"out.{suffix}"
                times = timed(lambda b=build, o=out, p=project, r=ref: b(p, r, o, ReportOptions()), runs)
                line = {
                    "bench": kind, "case": name, "agents": agents, "jobs": jobs, "runs": runs,
                    "median_s": round(statistics.median(times), 3), "min_s": round(min(times), 3),
                    "max_s": round(max(times), 3),
                    "baseline": "empty reportlab document (same page template, both fonts embedded)",
                    "baseline_median_s": round(base_median, 4),
                    "ratio": round(statistics.median(times) / base_median, 1),
                    "file_bytes": out.stat().st_size,
                }
                if suffix == "pdf":
                    from pypdf import PdfReader

                    line["pages"] = len(PdfReader(str(out)).pages)
                print(json.dumps(line, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
