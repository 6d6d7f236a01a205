"""`cartographie report` and `cartographie export`: files written, exit codes, one French line on errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from cartographie_desktop import cli
from cartographie_desktop.core import referentiel
from cartographie_desktop.io.store import ProjectStore

from . import fixtures

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def project_file(tmp_path, ref, monkeypatch):
    """A `.carto` of the realistic commune; the CLI sees the fixture référentiel (the shipped one is still growing)."""
    path = tmp_path / "val-fleuri.carto"
    ProjectStore.create(path, fixtures.commune_project(ref)).close()
    monkeypatch.setattr(referentiel, "load", lambda: ref)
    return path


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cartographie_desktop", *args], capture_output=True, text=True,
                          check=False, cwd=ROOT, timeout=120, env={"MPLBACKEND": "Agg", "PATH": "/usr/bin:/bin"})


def test_report_writes_the_pdf(project_file, tmp_path, capsys):
    out = tmp_path / "rapport.pdf"
    code = cli.main(["report", str(project_file), "-o", str(out), "--k", "4", "--author", "DGS",
                     "--chapters", "synthese,résultats"])
    assert code == 0
    assert "Rapport enregistré" in capsys.readouterr().out
    reader = PdfReader(str(out))
    assert reader.metadata.author == "DGS"
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "« < 4 »" in text
    assert "2  Résultats" in text
    assert "Annexes" not in text


def test_export_writes_the_workbook(project_file, tmp_path):
    out = tmp_path / "resultats.xlsx"
    assert cli.main(["export", str(project_file), "-o", str(out), "--index", "2023"]) == 0
    wb = openpyxl.load_workbook(out)
    values = {row[0]: row[1] for row in wb["Synthèse"].iter_rows(values_only=True) if row[0]}
    assert values["Indice de l'OIT"] == "OIT 2023 (document de travail n° 96)"


def test_bad_chapter_is_one_french_line(project_file, tmp_path, capsys):
    code = cli.main(["report", str(project_file), "-o", str(tmp_path / "r.pdf"), "--chapters", "conclusion"])
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("Erreur : Chapitre inconnu « conclusion »")
    assert err.count("\n") == 1
    assert not (tmp_path / "r.pdf").exists()


@pytest.mark.parametrize("command", ["report", "export"])
def test_missing_project_exits_2_with_a_french_line(tmp_path, command):
    result = _run(command, str(tmp_path / "absent.carto"), "-o", str(tmp_path / "x"))
    assert result.returncode == 2
    assert result.stderr == "Erreur : Le fichier « absent.carto » est introuvable.\n"


@pytest.mark.parametrize(("command", "name"), [("report", "r.pdf"), ("export", "r.xlsx")])
def test_unwritable_output_exits_2_with_a_french_line(tmp_path, ref, command, name):
    project = tmp_path / "p.carto"
    ProjectStore.create(project, fixtures.small_project(ref)).close()
    result = _run(command, str(project), "-o", f"/dev/null/{name}")
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("Erreur : Impossible d'écrire dans le dossier")
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1


def test_output_that_is_a_folder_is_refused(tmp_path, ref):
    project = tmp_path / "p.carto"
    ProjectStore.create(project, fixtures.small_project(ref)).close()
    result = _run("report", str(project), "-o", str(tmp_path))
    assert result.returncode == 2
    assert "est un dossier" in result.stderr


def test_k_must_be_a_whole_number(tmp_path):
    result = _run("export", "--demo", "-o", str(tmp_path / "x.xlsx"), "--k", "deux")
    assert result.returncode == 2
    assert "le seuil doit être un nombre entier entre 1 et 100" in result.stderr


def test_workbook_values_equal_summary_json_of_the_cli(project_file, tmp_path, capsys):
    import json

    assert cli.main(["summary", str(project_file), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    out = tmp_path / "r.xlsx"
    assert cli.main(["export", str(project_file), "-o", str(out)]) == 0
    wb = openpyxl.load_workbook(out)
    jobs = list(wb["Métiers"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[3], r[4], r[5], r[6]) for r in jobs] == [
        (j["code"], j["agents"], j["fte"], j["score"], j["sd"]) for j in data["jobs"]]
    synthesis = {row[0]: row[1] for row in wb["Synthèse"].iter_rows(values_only=True) if row[0]}
    assert synthesis["Agents au tableau des effectifs"] == data["agents"]
    assert synthesis["ETP au tableau des effectifs"] == data["fte"]
    ensemble = next(r for r in wb["Agrégats"].iter_rows(values_only=True) if r[0] == "Ensemble")
    assert list(ensemble[1:5]) == [data["bands"][b]["agents"] for b in ("pas_concerne", "peu_concerne", "concerne",
                                                                         "tres_concerne")]


def test_report_on_the_shipped_referentiel(tmp_path, monkeypatch):
    """The same commune matched to the shipped référentiel: real activity texts, shared activities, job natures."""
    ref = referentiel.load()
    if len(ref) < 20:
        pytest.skip("the shipped référentiel is not there yet")
    project = fixtures.shipped_project(ref)
    path = tmp_path / "p.carto"
    ProjectStore.create(path, project).close()
    out = tmp_path / "r.pdf"
    assert cli.main(["report", str(path), "-o", str(out)]) == 0
    text = "\n".join(page.extract_text() for page in PdfReader(str(out)).pages)
    for name in fixtures.STAFF_NAMES:
        assert name not in text.split()
    assert "A. Les activités de chaque métier" in text
