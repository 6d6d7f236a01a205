"""Build the executable with `build.spec` in a folder outside the repository, and smoke-test the frozen program.

    python scripts/build_executable.py                      one file, then the smoke tests
    python scripts/build_executable.py --onedir             one folder (debugging, faster start)
    python scripts/build_executable.py --naive              the baseline of the benchmarks: PyInstaller's defaults
    python scripts/build_executable.py --no-smoke           build only
    python scripts/build_executable.py --smoke-only PATH    smoke-test an existing executable
    python scripts/build_executable.py --measure-exclusions one build per exclusion group of build.spec switched
                                                            off: its effect on size, one JSON line each

Builds go to `<temp>/cartographie-build/<variant>/` unless `--out DIR`; the last line printed is the executable's path.
Needs the `build` extra (`pip install -e ".[build]"`).

The smoke tests run the frozen program headless (`--version`, `referentiel`, `summary`, `import`, `report`, `export`,
`--demo --screenshot`) in an empty working folder with a throw-away user profile, and check that:
- every command succeeds and writes what it should;
- it opens no network connection: run inside a network namespace with no interface (`unshare -rn`) when the system
  allows it, and under `strace` when it is installed, where any IPv4/IPv6 socket fails the test (tests/offline.py);
- nothing is written next to the executable, in the working folder, or left in the temporary folder; what it writes
  (settings, the demo's copy, matplotlib's font cache) is in the user's profile.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.offline import NetworkAudit  # noqa: E402

NAME = "Cartographie"
EXCLUSION_GROUPS = ("qt_modules", "qt_plugins", "qt_translations", "mpl_backends", "mpl_data", "dev_tools",
                    "test_suites", "network", "openssl", "pandas", "pil_plugins", "lxml_extras", "strip", "gzip_text",
                    "qt_opengl")


def default_out() -> Path:
    return Path(tempfile.gettempdir()) / "cartographie-build"


def executable_path(dist: Path, onedir: bool, name: str = NAME) -> Path:
    suffix = ".exe" if sys.platform == "win32" else ""
    return dist / name / f"{name}{suffix}" if onedir else dist / f"{name}{suffix}"


def _pyinstaller() -> list[str]:
    return [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN"]


def build(out: Path, *, onedir: bool = False, keep: tuple[str, ...] = (), variant: str | None = None) -> Path:
    """Build with build.spec; returns the executable. `keep` switches exclusion groups off (measurements)."""
    variant = variant or ("onedir" if onedir else "onefile")
    dist, work = out / variant / "dist", out / variant / "work"
    env = dict(os.environ, CARTOGRAPHIE_ONEDIR="1" if onedir else "0", CARTOGRAPHIE_KEEP=",".join(keep))
    subprocess.run([*_pyinstaller(), "--distpath", str(dist), "--workpath", str(work), str(ROOT / "build.spec")],
                   cwd=ROOT, env=env, check=True)
    return executable_path(dist, onedir)


def build_naive(out: Path) -> Path:
    """What a first working attempt looks like: `pyinstaller --onefile` with the data, every default left as it is."""
    dist, work = out / "naive" / "dist", out / "naive" / "work"
    sep = ";" if sys.platform == "win32" else ":"
    subprocess.run([
        *_pyinstaller(), "--onefile", "--name", "cartographie-naive", "--distpath", str(dist), "--workpath", str(work),
        "--specpath", str(out / "naive"), "--paths", str(ROOT),
        "--add-data", f"{ROOT / 'data'}{sep}cartographie_desktop/_data",
        "--add-data", f"{ROOT / 'resources'}{sep}cartographie_desktop/_resources",
        # The least that makes it work: the window's views are imported by name, and so is matplotlib's SVG backend.
        "--collect-submodules", "cartographie_desktop", "--hidden-import", "matplotlib.backends.backend_svg",
        str(ROOT / "scripts" / "pyinstaller" / "cartographie.py"),
    ], cwd=ROOT, check=True)
    return executable_path(dist, False, "cartographie-naive")


def size_of(executable: Path, onedir: bool) -> int:
    if not onedir:
        return executable.stat().st_size
    return sum(p.stat().st_size for p in executable.parent.rglob("*") if p.is_file() and not p.is_symlink())


# --- Smoke tests ------------------------------------------------------------------------------------------------------


@dataclass
class Check:
    name: str
    args: list[str]
    output: str | None = None  # file the command must write, relative to the output folder
    magic: bytes | None = None


CHECKS = [
    Check("version", ["--version"]),
    Check("referentiel", ["referentiel", "--json"]),
    Check("summary", ["summary", "--demo", "--json"]),
    Check("import", ["import", "{demo_table}", "-o", "{out}/import.carto", "--json"], "import.carto",
          b"SQLite format 3"),
    Check("report", ["report", "--demo", "-o", "{out}/rapport.pdf"], "rapport.pdf", b"%PDF-"),
    Check("export", ["export", "--demo", "-o", "{out}/resultats.xlsx"], "resultats.xlsx", b"PK\x03\x04"),
    Check("screenshot", ["--demo", "--screenshot", "{out}/demo.png"], "demo.png", b"\x89PNG\r\n\x1a\n"),
    # The Synthèse draws matplotlib charts in the window (QtAgg backend, fonts, font cache).
    Check("screenshot-synthese", ["--demo", "--screenshot", "{out}/synthese.png", "--view", "synthese"],
          "synthese.png", b"\x89PNG\r\n\x1a\n"),
    Check("screenshot-ateliers", ["--demo", "--screenshot", "{out}/ateliers.png", "--view", "ateliers"],
          "ateliers.png", b"\x89PNG\r\n\x1a\n"),
]


def _profile_env(base: Path) -> dict[str, str]:
    """A throw-away user profile and temporary folder, so that what the program writes can be inspected."""
    home = base / "profile"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "MPL", "CARTOGRAPHIE_"))}
    env.update(HOME=str(home), USERPROFILE=str(home), APPDATA=str(home / "AppData" / "Roaming"),
               LOCALAPPDATA=str(home / "AppData" / "Local"), TMPDIR=str(base / "tmp"), TEMP=str(base / "tmp"),
               TMP=str(base / "tmp"), QT_QPA_PLATFORM="offscreen", LANG="fr_FR.UTF-8")
    for folder in (home, base / "tmp", base / "cwd", base / "out"):
        folder.mkdir(parents=True, exist_ok=True)
    return env


def _check_output(check: Check, proc: subprocess.CompletedProcess, out: Path, version: str) -> str | None:
    """What is wrong with one command's result, in one line, or None."""
    if proc.returncode != 0:
        return f"exit {proc.returncode}: {proc.stderr.strip()[-500:]}"
    if check.name == "version" and version not in proc.stdout:
        return f"version {version} not in {proc.stdout.strip()!r}"
    if check.name in ("referentiel", "summary", "import"):
        try:
            data = json.loads(proc.stdout)
        except ValueError as exc:
            return f"not JSON ({exc})"
        if check.name == "referentiel" and len(data) < 100:
            return f"only {len(data)} jobs"
        if check.name == "summary" and not data.get("agents"):
            return "no agents in the demo's summary"
        if check.name == "import" and not data.get("imported"):
            return "nothing imported"
    if check.output:
        path = out / check.output
        if not path.is_file() or path.stat().st_size == 0:
            return f"{check.output} not written"
        if check.magic and not path.read_bytes().startswith(check.magic):
            return f"{check.output} is not the expected kind of file"
        if check.name == "export":
            with zipfile.ZipFile(path) as archive:
                if "xl/workbook.xml" not in archive.namelist():
                    return "the export is not a workbook"
    return None


def smoke(executable: Path, *, isolate: bool = True, strace: bool = True) -> list[dict]:
    """Run every check; returns one record per check (name, seconds, error or None, network findings)."""
    from cartographie_desktop import __version__

    executable = executable.resolve()
    next_to_exe = sorted(p.name for p in executable.parent.iterdir())
    base = Path(tempfile.mkdtemp(prefix="cartographie-smoke-"))
    env = _profile_env(base)
    out, cwd = base / "out", base / "cwd"
    audit = NetworkAudit(isolate=isolate, strace=strace)
    demo_table = ROOT / "data" / "demo" / "val-fleuri-effectifs.xlsx"
    records = []
    try:
        for check in CHECKS:
            args = [a.format(out=out, demo_table=demo_table) for a in check.args]
            start = time.perf_counter()
            proc, findings = audit.run([str(executable), *args], env=env, cwd=cwd, timeout=600)
            error = _check_output(check, proc, out, __version__)
            if findings:
                error = (error + "; " if error else "") + "network: " + "; ".join(findings)
            records.append({"check": check.name, "seconds": round(time.perf_counter() - start, 2), "error": error})
        records.append({"check": "files", "seconds": 0.0, "error": _check_files(base, executable, next_to_exe)})
        records.append({"check": "network isolation", "seconds": 0.0, "error": None, "how": audit.describe()})
    finally:
        shutil.rmtree(base, ignore_errors=True)
    return records


def _check_files(base: Path, executable: Path, next_to_exe: list[str]) -> str | None:
    """Nothing next to the executable, in the working folder or left in the temporary folder; caches in the profile."""
    from cartographie_desktop.paths import user_cache_dir

    problems = []
    if sorted(p.name for p in executable.parent.iterdir()) != next_to_exe:
        problems.append("files written next to the executable")
    if any((base / "cwd").iterdir()):
        problems.append(f"files written in the working folder: {[p.name for p in (base / 'cwd').iterdir()]}")
    if any((base / "tmp").iterdir()):
        problems.append(f"left in the temporary folder: {[p.name for p in (base / 'tmp').iterdir()]}")
    home = base / "profile"
    if sys.platform.startswith("linux"):
        cache = Path(str(user_cache_dir()).replace(str(Path.home()), str(home), 1)) / "matplotlib"
        if not list(cache.glob("fontlist-*.json")):
            problems.append(f"matplotlib's font cache is not in the user's cache folder ({cache})")
        if not list((home / ".local" / "share").rglob("*.carto")):
            problems.append("the demo's working copy is not in the user's data folder")
    return "; ".join(problems) or None


# --- Command line -----------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=default_out(), help="build folder (default: %(default)s)")
    variant = parser.add_mutually_exclusive_group()
    variant.add_argument("--onedir", action="store_true", help="one folder instead of one file")
    variant.add_argument("--naive", action="store_true", help="PyInstaller's defaults (benchmark baseline)")
    variant.add_argument("--smoke-only", type=Path, metavar="EXECUTABLE", help="smoke-test an existing build")
    variant.add_argument("--measure-exclusions", action="store_true", help="size effect of each exclusion group")
    parser.add_argument("--no-smoke", action="store_true", help="build only")
    parser.add_argument("--no-isolation", action="store_true", help="do not run the smoke tests under unshare -rn")
    args = parser.parse_args(argv)

    if args.measure_exclusions:
        return measure_exclusions(args.out)
    if args.smoke_only:
        executable = args.smoke_only
    elif args.naive:
        executable = build_naive(args.out)
    else:
        executable = build(args.out, onedir=args.onedir)
    if not args.smoke_only:
        size = size_of(executable, args.onedir)
        print(json.dumps({"built": str(executable), "size_mb": round(size / 1e6, 1)}), flush=True)
    failed = False
    if not args.no_smoke:
        for record in smoke(executable, isolate=not args.no_isolation):
            print(json.dumps(record, ensure_ascii=False), flush=True)
            failed = failed or bool(record["error"])
    print(executable)
    return 1 if failed else 0


def measure_exclusions(out: Path) -> int:
    """One build with every group, then one per group switched off: the size each group saves."""
    full = size_of(build(out, variant="all"), False)
    print(json.dumps({"exclusions": "all", "size_mb": round(full / 1e6, 2)}), flush=True)
    for group in EXCLUSION_GROUPS:
        size = size_of(build(out, keep=(group,), variant=f"without-{group}"), False)
        print(json.dumps({"exclusion": group, "saves_mb": round((size - full) / 1e6, 2),
                          "size_without_mb": round(size / 1e6, 2)}), flush=True)
        shutil.rmtree(out / f"without-{group}", ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
