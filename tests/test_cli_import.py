"""`cartographie import` and `summary`: exit codes, one French line on stderr, never a traceback; JSON shapes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cartographie_desktop import cli

ROOT = Path(__file__).resolve().parents[1]
DEMO_XLSX = ROOT / "data" / "demo" / "val-fleuri-effectifs.xlsx"
MATCH_KEYS = {"title", "code", "label", "confidence", "status"}
BANDS = {"pas_concerne", "peu_concerne", "concerne", "tres_concerne"}

needs_readers = pytest.mark.skipif(
    __import__("importlib").util.find_spec("cartographie_desktop.io.staffing") is None,
    reason="the staffing-table readers are not merged yet")


def _one_french_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("Erreur : ")
    assert "Traceback" not in err
    return lines[0]


def test_missing_file_exits_2_with_one_line(tmp_path, capsys):
    code = cli.main(["import", str(tmp_path / "absent.xlsx"), "-o", str(tmp_path / "p.carto")])
    assert code == 2
    line = _one_french_line(capsys.readouterr().err)
    assert "absent.xlsx" in line
    assert not (tmp_path / "p.carto").exists()


def test_output_with_another_extension_is_refused(tmp_path, capsys):
    source = tmp_path / "effectifs.csv"
    source.write_text("Poste;Grade\nAgent d'accueil;Adjoint administratif\n", encoding="utf-8")
    code = cli.main(["import", str(source), "-o", str(tmp_path / "resultat.xlsx")])
    assert code == 2
    assert ".carto" in _one_french_line(capsys.readouterr().err)


@needs_readers
def test_import_demo_json(tmp_path, capsys):
    out = tmp_path / "val-fleuri.carto"
    assert cli.main(["import", str(DEMO_XLSX), "-o", str(out), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"lines_in", "imported", "merged", "set_aside", "matches", "warnings"} <= set(data)
    assert isinstance(data["lines_in"], int)
    assert data["lines_in"] == data["imported"] + data["merged"] + len(data["set_aside"])
    assert all(set(e) == {"line", "reason"} for e in data["set_aside"])
    assert all(set(m) >= MATCH_KEYS for m in data["matches"])
    assert all(m["status"] in {"auto", "confirme", "a_verifier"} for m in data["matches"])
    assert len({m["title"] for m in data["matches"]}) == len(data["matches"])
    assert all(isinstance(w, str) for w in data["warnings"])
    assert out.is_file()


@needs_readers
def test_import_refuses_to_overwrite_without_force(tmp_path, capsys):
    out = tmp_path / "p.carto"
    assert cli.main(["import", str(DEMO_XLSX), "-o", str(out)]) == 0
    summary = capsys.readouterr().out
    assert "enregistré" in summary
    assert "44 postes importés" in summary
    before = out.read_bytes()
    assert cli.main(["import", str(DEMO_XLSX), "-o", str(out), "--commune", "Autre"]) == 2
    line = _one_french_line(capsys.readouterr().err)
    assert "existe déjà" in line
    assert "--force" in line
    assert out.read_bytes() == before
    assert cli.main(["import", str(DEMO_XLSX), "-o", str(out), "--commune", "Autre", "--force"]) == 0


GARBAGE = {
    "random.xlsx": bytes(range(256)) * 40,
    "empty.xlsx": b"",
    "text.xlsx": b"ceci n'est pas un classeur\n",
    "zip.xlsx": b"PK\x03\x04" + b"\x00" * 200,
    "image.csv": b"\x89PNG\r\n\x1a\n" + b"\x00" * 300,
    "nothing.csv": b"\n\n\n",
    "one-cell.csv": b"bonjour",
    "binary.ods": os.urandom(2048),
}


@needs_readers
@pytest.mark.parametrize("name", sorted(GARBAGE))
def test_garbage_input_exits_2_without_traceback(tmp_path, capsys, name):
    source = tmp_path / name
    source.write_bytes(GARBAGE[name])
    code = cli.main(["import", str(source), "-o", str(tmp_path / "p.carto")])
    captured = capsys.readouterr()
    assert code == 2, captured
    _one_french_line(captured.err)
    assert not (tmp_path / "p.carto").exists()
    assert not [p for p in tmp_path.iterdir() if p.suffix == ".tmp"]


def _run(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, "-m", "cartographie_desktop", *args], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=120, check=False)


def test_subprocess_exit_codes_for_bad_input(tmp_path):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"\x00garbage" * 100)
    done = _run("import", str(bad), "-o", str(tmp_path / "p.carto"))
    assert done.returncode == 2
    _one_french_line(done.stderr)
    done = _run("import", str(tmp_path / "missing.xlsx"), "-o", str(tmp_path / "p.carto"))
    assert done.returncode == 2
    _one_french_line(done.stderr)


@needs_readers
def test_subprocess_import_then_summary(tmp_path):
    out = tmp_path / "v.carto"
    done = _run("import", str(DEMO_XLSX), "-o", str(out), "--json")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert json.loads(done.stdout)["imported"] == 44
    done = _run("summary", str(out), "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["agents"] == 44
    assert data["commune"] == "Val-Fleuri"


def _check_summary_shape(data: dict) -> None:
    assert {"commune", "index", "agents", "fte", "bands", "jobs", "by_categorie", "by_filiere", "by_direction",
            "by_sexe", "unmatched", "task_share"} <= set(data)
    assert set(data["bands"]) == BANDS
    assert all(set(cell) >= {"agents", "fte"} for cell in data["bands"].values())
    assert sum(cell["agents"] for cell in data["bands"].values()) + len(data["unmatched"]) >= 1
    for job in data["jobs"]:
        assert {"code", "label", "score", "sd", "band", "ilo_category", "agents", "fte"} <= set(job)
        assert job["band"] in BANDS
    for dim in ("by_categorie", "by_filiere", "by_direction", "by_sexe"):
        for cells in data[dim].values():
            assert set(cells) == BANDS
    assert set(data["task_share"]) == BANDS
    assert sum(data["task_share"].values()) == pytest.approx(1.0, abs=1e-3)


@pytest.mark.skipif(not (ROOT / "data" / "demo" / "val-fleuri.carto").exists(), reason="demo project not built")
def test_summary_demo_json(capsys):
    assert cli.main(["summary", "--demo", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    _check_summary_shape(data)
    assert data["commune"] == "Val-Fleuri"
    assert data["agents"] == 44
    assert data["unmatched"] == []
    assert data["decisions"] >= 3
    assert data["by_sexe"]["F"]
    assert data["by_sexe"]["H"]
