"""What the executable's build relies on (build.spec, scripts/pyinstaller/): checked from source, in seconds.

The frozen program itself is built and smoke-tested by `scripts/build_executable.py` (CI), not here.
"""

from __future__ import annotations

import ast
import gzip
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from cartographie_desktop import paths
from cartographie_desktop.core import ilo

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "build.spec"
HOOK = ROOT / "scripts" / "pyinstaller" / "rthook_user_folders.py"
# Optional imports that the program's dependencies guard with try/except ImportError: left out of the executable on
# purpose (urllib.request imports ssl when it can; hashlib uses OpenSSL when it can, else Python's own hashes).
GUARDED = {"ssl", "_ssl", "_hashlib"}


def _spec_exclusions() -> dict[str, list[str]]:
    """EXCLUDED_MODULES as written in build.spec (a literal dict, read without running PyInstaller)."""
    for node in ast.walk(ast.parse(SPEC.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "EXCLUDED_MODULES":
            return ast.literal_eval(node.value)
    raise AssertionError("EXCLUDED_MODULES introuvable dans build.spec")


def _spec_groups() -> set[str]:
    text = SPEC.read_text(encoding="utf-8")
    groups = set(_spec_exclusions())
    for node in ast.walk(ast.parse(text)):
        if (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "active"
                and isinstance(node.args[0], ast.Constant)):
            groups.add(node.args[0].value)
    return groups


def test_the_build_script_measures_every_exclusion_group_of_the_spec():
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import build_executable
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    assert set(build_executable.EXCLUSION_GROUPS) == _spec_groups()


@pytest.mark.slow
def test_the_main_flows_never_import_what_the_executable_leaves_out(tmp_path):
    """Import, summary, report, export and every view of the window, in one fresh interpreter: none of them may need
    a module build.spec excludes, or the executable would fail where the source works."""
    excluded = {module for modules in _spec_exclusions().values() for module in modules}
    script = textwrap.dedent(f"""
        import json, sys
        from cartographie_desktop import cli
        out = {str(tmp_path)!r}
        demo = {str(ROOT / "data" / "demo" / "val-fleuri-effectifs.xlsx")!r}
        assert cli.main(["import", demo, "-o", out + "/p.carto"]) == 0
        assert cli.main(["summary", "--demo", "--json"]) == 0
        assert cli.main(["report", "--demo", "-o", out + "/r.pdf"]) == 0
        assert cli.main(["export", "--demo", "-o", out + "/r.xlsx"]) == 0
        from cartographie_desktop.gui.app import screenshot_views
        for view in screenshot_views():
            if view != "welcome":
                assert cli.main(["--demo", "--screenshot", out + "/" + view + ".png", "--view", view]) == 0
        sys.stderr.write("MODULES " + json.dumps(sorted(sys.modules)) + "\\n")
    """)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path / "profil"), PYTHONPATH=str(ROOT))
    env.pop("XDG_CACHE_HOME", None)
    proc = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=600,
                          check=False, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    loaded = set(ast.literal_eval(proc.stderr.split("MODULES ", 1)[1].splitlines()[0]))
    offending = sorted(name for name in loaded if any(name == ex or name.startswith(ex + ".") for ex in excluded))
    assert set(offending) <= GUARDED, f"modules exclus de l'exécutable mais importés : {offending}"
    assert "pandas" not in loaded


def test_user_cache_dir_follows_the_platform_rules(monkeypatch, tmp_path):
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    assert paths.user_cache_dir() == tmp_path / ".cache" / "Cartographie IA" / "Cartographie IA des métiers"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert paths.user_cache_dir() == tmp_path / "cache" / "Cartographie IA" / "Cartographie IA des métiers"
    monkeypatch.setenv("XDG_CACHE_HOME", "relatif")  # the XDG rule: a relative path is ignored
    assert paths.user_cache_dir() == tmp_path / ".cache" / "Cartographie IA" / "Cartographie IA des métiers"
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "Local"))
    assert paths.user_cache_dir() == tmp_path / "Local" / "Cartographie IA" / "Cartographie IA des métiers" / "cache"


def _run_hook(code: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", f"import runpy\n{code}"], env=env, capture_output=True, text=True,
                          timeout=60, check=False)


def test_the_runtime_hook_puts_matplotlibs_cache_in_the_users_cache_folder(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "MPL"))}
    env.update(HOME=str(tmp_path), PYTHONPATH=str(ROOT))
    proc = _run_hook(f"runpy.run_path({str(HOOK)!r})\nimport os\nprint(os.environ['MPLCONFIGDIR'])", env)
    assert proc.returncode == 0, proc.stderr
    expected = tmp_path / ".cache" / "Cartographie IA" / "Cartographie IA des métiers" / "matplotlib"
    assert Path(proc.stdout.strip()) == expected
    env["MPLCONFIGDIR"] = str(tmp_path / "choisi")  # support may set it: kept
    proc = _run_hook(f"runpy.run_path({str(HOOK)!r})\nimport os\nprint(os.environ['MPLCONFIGDIR'])", env)
    assert Path(proc.stdout.strip()) == tmp_path / "choisi"


def test_the_runtime_hook_gives_a_windowed_program_harmless_streams(tmp_path):
    """Windows' windowed executable has no stdout/stderr: a print must not crash it."""
    env = dict(os.environ, HOME=str(tmp_path), PYTHONPATH=str(ROOT))
    code = (f"import sys\nsys.stdout = None\nsys.stderr = None\nrunpy.run_path({str(HOOK)!r})\n"
            "print('rien')\nsys.stderr.write('rien')\nraise SystemExit(7)")
    assert _run_hook(code, env).returncode == 7


def test_the_gzipped_reasonings_read_like_the_csv(tmp_path):
    """The executable ships raisonnements_oit.csv gzipped (build.spec); core/ilo.py reads either."""
    shipped = paths.data_dir() / "ilo"
    packed = tmp_path / "ilo"
    packed.mkdir()
    with (shipped / "raisonnements_oit.csv").open("rb") as raw, \
            gzip.open(packed / "raisonnements_oit.csv.gz", "wb") as out:
        shutil.copyfileobj(raw, out)
    plain = ilo._reasonings(shipped)
    assert ilo._reasonings(packed) == plain
    assert len(plain) > 1000


def test_the_entry_script_is_a_plain_script():
    """PyInstaller runs it as __main__; a module run through runpy would lose the bundle's imports (DESIGN.md)."""
    tree = ast.parse((ROOT / "scripts" / "pyinstaller" / "cartographie.py").read_text(encoding="utf-8"))
    imports = [node for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    assert [(node.module, [a.name for a in node.names]) for node in imports] == [("cartographie_desktop.cli", ["main"])]
    plain = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    assert plain == ["sys"]


@pytest.mark.slow
def test_the_window_starts_without_the_heavy_libraries(tmp_path):
    """What the window imports before it shows the demo is what every start pays, in the executable most of all
    (benchmarks/bench_executable.py): numpy, matplotlib, reportlab and the readers wait until they are needed."""
    script = textwrap.dedent("""
        import sys
        from cartographie_desktop import cli
        assert cli.main(["--demo"]) == 0
        sys.stderr.write("MODULES " + " ".join(sorted({name.split(".")[0] for name in sys.modules})) + "\\n")
    """)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path), PYTHONPATH=str(ROOT),
               CARTOGRAPHIE_STARTUP_PROBE="1")
    env.pop("XDG_CONFIG_HOME", None)
    env.pop("XDG_DATA_HOME", None)
    proc = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300,
                          check=False, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "startup-probe" in proc.stdout
    loaded = set(proc.stderr.split("MODULES ", 1)[1].split("\n", 1)[0].split())
    heavy = {"numpy", "matplotlib", "reportlab", "openpyxl", "lxml", "PIL", "svglib", "python_calamine"}
    assert loaded & heavy == set()
