"""Time the window: start-up to the main window shown with a project, and the job and posts views of a 100 000-post
project (sort, filter), each against a baseline measured in the same run.

    python benchmarks/bench_gui.py [--runs 5] [--posts 100000] [--skip-startup]

Prints one JSON line per measurement.

- Start-up: wall-clock time of `python -m cartographie_desktop --demo --screenshot … --view metiers` in a fresh
  process (interpreter start, imports, window shown, project read and scored off the UI thread, first view drawn,
  PNG written, exit), against `python -c "import PySide6.QtWidgets"` in the same run. Without the shipped demo yet,
  a generated 44-agent commune on the shipped référentiel stands in (said in the JSON).
- Views: models built on the document as the window does; sorting every column both ways through the proxy, and
  typical filters; against Python's own `sorted()` of as many floats (the floor for any sort).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _median_ms(times: list[float]) -> float:
    return round(statistics.median(times) * 1000, 2)


def _time(fn: Callable[[], object], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def _wall(argv: list[str], env: dict[str, str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, env=env, cwd=ROOT, check=True, capture_output=True, timeout=300)
        times.append(time.perf_counter() - start)
    return times


def bench_startup(runs: int) -> dict:
    from cartographie_desktop.core import referentiel
    from cartographie_desktop.io.store import ProjectStore, demo_path
    from tests.gui import gui_factory

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(folder / "config"),
                   XDG_DATA_HOME=str(folder / "data"), PYTHONPATH=str(ROOT))
        if demo_path().exists():
            target, project = ["--demo"], "demo (val-fleuri.carto)"
        else:
            path = folder / "commune.carto"
            ProjectStore.create(path, gui_factory.shipped_commune(referentiel.load())).close()
            target, project = [str(path)], "generated 44-agent commune (the demo is not shipped yet)"
        window = _wall([sys.executable, "-m", "cartographie_desktop", *target, "--screenshot",
                        str(folder / "shot.png"), "--view", "metiers"], env, runs)
        baseline = _wall([sys.executable, "-c", "import PySide6.QtWidgets"], env, runs)
    return {
        "bench": "gui_startup", "project": project, "runs": runs,
        "measure": "process start → window shown, project loaded, job table drawn, PNG saved, exit",
        "median_s": round(statistics.median(window), 3), "min_s": round(min(window), 3),
        "max_s": round(max(window), 3),
        "baseline": 'python -c "import PySide6.QtWidgets"',
        "baseline_median_s": round(statistics.median(baseline), 3),
        "ratio": round(statistics.median(window) / statistics.median(baseline), 2),
    }


def big_project(ref, posts: int):
    """`posts` posts over every job of the référentiel (a centre de gestion's many communes), 1 % left to check."""
    from cartographie_desktop.core.model import MatchStatus, Post, Project, TitleMatch
    from cartographie_desktop.core.text import fold

    rng = random.Random(3)
    jobs = list(ref)
    project = Project(commune="Grand ensemble", year=2026)
    for job in jobs:
        project.matches[fold(job.label)] = TitleMatch(job.label, job.code, 1.0, MatchStatus.AUTO)
    project.matches["poste a definir"] = TitleMatch("Poste à définir", None, 0.3, MatchStatus.TO_CHECK)
    directions = [f"Direction {n:02d}" for n in range(1, 25)]
    for number in range(posts):
        job = jobs[rng.randrange(len(jobs))]
        title = "Poste à définir" if number % 100 == 0 else job.label
        project.posts.append(Post(id=number + 1, title=title, grade=f"Grade {rng.randrange(40)}",
                                  categorie=rng.choice(job.categories or ("C",)),
                                  filiere=rng.choice(job.filieres or ("administrative",)),
                                  direction=rng.choice(directions), status="titulaire", sexe=rng.choice("FH"),
                                  fte=rng.choice((1.0, 1.0, 0.8, 0.5)), source=f"ligne {number + 2}"))
    return project


def bench_views(posts: int, runs: int) -> list[dict]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from cartographie_desktop.core import referentiel
    from cartographie_desktop.gui.document import ProjectDocument
    from cartographie_desktop.gui.models import JobFilterProxy, JobTableModel, PostFilterProxy, PostTableModel
    from cartographie_desktop.io.session import EditSession

    app = QApplication.instance() or QApplication([])
    ref = referentiel.load()
    project = big_project(ref, posts)
    document = ProjectDocument(EditSession(project), ref)
    n = len(project.posts)

    rng = random.Random(1)
    floats = [rng.random() for _ in range(n)]
    baseline = _time(lambda: sorted(floats), runs)

    warm = _time(lambda: (document._changed({"posts"}), document.warm_up()), runs)
    jobs = JobTableModel(document)
    job_proxy = JobFilterProxy()
    job_proxy.setSourceModel(jobs)
    job_build = _time(lambda: JobTableModel(document), runs)
    job_sorts = []
    for _ in range(runs):  # each sort changes column or order, so none is a no-op
        for column in range(jobs.columnCount()):
            for order in Qt.SortOrder:
                job_sorts += _time(lambda c=column, o=order: job_proxy.sort(c, o), 1)
    job_filters = [t for change in ({"text": "agent"}, {"text": ""}, {"bands": ["concerne"]}, {"bands": []},
                                    {"direction": "Direction 07"}, {"direction": None})
                   for t in _time(lambda ch=change: job_proxy.set_filters(**ch), runs)]

    post_model = PostTableModel(document)
    post_proxy = PostFilterProxy()
    post_proxy.setSourceModel(post_model)
    post_build = _time(lambda: PostTableModel(document), runs)
    facts = _time(lambda: PostTableModel(document).facts(), runs)  # job, match, band, search text of each post
    post_model.facts()
    by_column = {}
    for column in range(post_model.columnCount()):
        times = []
        for _ in range(runs):
            post_model._keys.clear()  # a header clicked for the first time since the last edit: keys computed too
            post_proxy.sort(PostTableModel.SOURCE if column != PostTableModel.SOURCE else PostTableModel.TITLE)
            times += _time(lambda c=column: post_proxy.sort(c, Qt.SortOrder.AscendingOrder), 1)
            times += _time(lambda c=column: post_proxy.sort(c, Qt.SortOrder.DescendingOrder), 1)
        by_column[post_model.COLUMNS[column].title] = _median_ms(times)
    post_sorts = list(by_column.values())
    post_filters = {}
    for name, change, reset in (("texte « agent »", {"text": "agent"}, {"text": ""}),
                                ("à vérifier", {"states": ["a_verifier", "aucune"]}, {"states": []}),
                                ("direction", {"direction": "Direction 07"}, {"direction": None}),
                                ("bande concerné", {"bands": ["concerne"]}, {"bands": []})):
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            post_proxy.set_filters(**change)
            times.append(time.perf_counter() - start)
            post_proxy.set_filters(**reset)
        post_filters[name] = _median_ms(times)
    del app
    base_ms = _median_ms(baseline)
    common = {"posts": n, "jobs": jobs.rowCount(), "runs": runs,
              "baseline": f"sorted() of {n} Python floats", "baseline_median_ms": base_ms}
    return [
        {"bench": "gui_project_figures", **common, "measure": "scores, per-job totals and aggregates (warm-up)",
         "median_ms": _median_ms(warm), "ratio": round(_median_ms(warm) / base_ms, 1)},
        {"bench": "gui_job_view", **common, "build_median_ms": _median_ms(job_build),
         "sort_median_ms": _median_ms(job_sorts), "sort_max_ms": round(max(job_sorts) * 1000, 2),
         "filter_median_ms": _median_ms(job_filters),
         "ratio": round(_median_ms(job_sorts) / base_ms, 2)},
        {"bench": "gui_posts_view", **common, "build_median_ms": _median_ms(post_build),
         "facts_median_ms": _median_ms(facts),
         "sort_median_ms": round(statistics.median(post_sorts), 2), "sort_max_ms": max(post_sorts),
         "sort_by_column_ms": by_column, "filter_ms": post_filters,
         "ratio": round(statistics.median(post_sorts) / base_ms, 1)},
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--skip-startup", action="store_true")
    args = parser.parse_args()
    if not args.skip_startup:
        print(json.dumps(bench_startup(args.runs), ensure_ascii=False), flush=True)
    for line in bench_views(args.posts, args.runs):
        print(json.dumps(line, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
