"""Size and start-up of the executable: our one-file build and one-folder build against a naive one-file build
(`pyinstaller --onefile` with PyInstaller's defaults), all built from this checkout and measured in the same run.

    python benchmarks/bench_executable.py [--runs 7] [--out DIR] [--rebuild] [--importtime]

Prints one JSON line per build, then the ratios against the naive build, then (with --importtime) the costliest
imports of the window's start from source.

- Size: the executable's file (one folder: the whole folder).
- Start-up: process start → main window shown with the demo commune, warm (one untimed run first: the one-file
  extraction and matplotlib's font cache are then in the page cache / the user's cache folder). The window prints the
  wall-clock time once it shows the demo's project (`CARTOGRAPHIE_STARTUP_PROBE`, gui/app.py); the time before the
  process is spawned is subtracted. `exit` adds the time to quit (the one-file build then deletes its extracted
  files). Runs alternate between builds so that load on the machine spreads evenly. Median, min, max of N runs.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import build_executable as builder  # noqa: E402


def _builds(out: Path, rebuild: bool) -> dict[str, tuple[Path, bool]]:
    """variant → (executable, is one folder), building what is missing."""
    wanted = {
        "naive": (builder.executable_path(out / "naive" / "dist", False, "cartographie-naive"), False),
        "onefile": (builder.executable_path(out / "onefile" / "dist", False), False),
        "onedir": (builder.executable_path(out / "onedir" / "dist", True), True),
    }
    for variant, (path, onedir) in wanted.items():
        if rebuild or not path.exists():
            if variant == "naive":
                builder.build_naive(out)
            else:
                builder.build(out, onedir=onedir)
    return wanted


def _env(profile: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "MPL", "CARTOGRAPHIE_"))}
    env.update(HOME=str(profile), QT_QPA_PLATFORM="offscreen", CARTOGRAPHIE_STARTUP_PROBE="1")
    return env


def _one_run(executable: Path, env: dict[str, str]) -> tuple[float, float]:
    """(seconds to the window showing the demo, seconds to the process's exit)."""
    start = time.time()
    proc = subprocess.run([str(executable), "--demo"], env=env, capture_output=True, text=True, timeout=120,
                          check=False)  # a build that fails shows a dialog and waits: the timeout ends it
    ended = time.time()
    match = re.search(r"startup-probe (\d+\.\d+)", proc.stdout)
    if proc.returncode != 0 or not match:
        raise RuntimeError(f"{executable.name} --demo failed ({proc.returncode}): {proc.stderr[-600:]}")
    return float(match.group(1)) - start, ended - start


def _stats(values: list[float]) -> dict[str, float]:
    return {"median_s": round(statistics.median(values), 3), "min_s": round(min(values), 3),
            "max_s": round(max(values), 3)}


def bench(builds: dict[str, tuple[Path, bool]], runs: int) -> dict[str, dict]:
    profile = Path(tempfile.mkdtemp(prefix="bench-exe-"))
    env = _env(profile)
    results: dict[str, dict] = {}
    try:
        for executable, _onedir in builds.values():
            _one_run(executable, env)  # warm-up: page cache, font cache, the demo's working copy
        shown: dict[str, list[float]] = {v: [] for v in builds}
        exited: dict[str, list[float]] = {v: [] for v in builds}
        for _ in range(runs):
            for variant, (executable, _onedir) in builds.items():
                to_window, to_exit = _one_run(executable, env)
                shown[variant].append(to_window)
                exited[variant].append(to_exit)
        for variant, (executable, onedir) in builds.items():
            results[variant] = {
                "bench": "executable", "variant": variant,
                "size_mb": round(builder.size_of(executable, onedir) / 1e6, 1),
                "startup_to_window": _stats(shown[variant]), "startup_to_exit": _stats(exited[variant]),
                "runs": runs, "load_average": round(os.getloadavg()[0], 2),
            }
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    return results


def ratios(results: dict[str, dict]) -> dict:
    naive = results["naive"]
    out: dict = {"bench": "executable", "baseline": "naive"}
    for variant in ("onefile", "onedir"):
        mine = results[variant]
        out[variant] = {
            "size_ratio": round(mine["size_mb"] / naive["size_mb"], 2),
            "startup_ratio": round(mine["startup_to_window"]["median_s"] / naive["startup_to_window"]["median_s"], 2),
        }
    return out


def importtime(top: int = 15) -> list[dict]:
    """The costliest imports (cumulative, ms) when the window starts on the demo from source."""
    with tempfile.TemporaryDirectory(prefix="bench-imports-") as profile:
        proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "cartographie_desktop", "--demo"],
                              env=_env(Path(profile)) | {"PYTHONPATH": str(ROOT)}, capture_output=True, text=True,
                              timeout=300, check=True)
    rows = []
    for line in proc.stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if match and len(match.group(3)) <= 3:  # the program's own imports and their direct children
            rows.append({"module": match.group(4), "cumulative_ms": round(int(match.group(2)) / 1000, 1)})
    return sorted(rows, key=lambda r: -r["cumulative_ms"])[:top]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--out", type=Path, default=builder.default_out(), help="build folder (default: %(default)s)")
    parser.add_argument("--rebuild", action="store_true", help="rebuild even when the builds exist")
    parser.add_argument("--importtime", action="store_true", help="also list the costliest imports at start")
    args = parser.parse_args()
    results = bench(_builds(args.out, args.rebuild), args.runs)
    for record in results.values():
        print(json.dumps(record), flush=True)
    print(json.dumps(ratios(results)), flush=True)
    if args.importtime:
        for record in importtime():
            print(json.dumps({"bench": "import", **record}), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
