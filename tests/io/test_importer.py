"""The import pipeline without a reader: hand-built `ImportResult`s → project and report, written and read back."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from cartographie_desktop.core import referentiel
from cartographie_desktop.core.model import ImportIssue, ImportResult, MatchStatus, Post
from cartographie_desktop.io import importer
from cartographie_desktop.io.store import StoreError, open_project

ROOT = Path(__file__).resolve().parents[2]
MINI = ROOT / "tests" / "data" / "referentiel_mini"

MATCH_KEYS = {"title", "code", "label", "confidence", "status"}
REPORT_KEYS = {"lines_in", "imported", "merged", "set_aside", "matches", "warnings"}


@pytest.fixture(scope="module")
def ref() -> referentiel.Referentiel:
    return referentiel.load_from(MINI, ROOT / "data" / "ilo")


def _result(**overrides) -> ImportResult:
    posts = [
        Post(1, "Agent d'accueil", grade="Adjt adm.", categorie="C", filiere="administrative", sexe="F", fte=1.0,
             status="titulaire", direction="Accueil", source="Effectifs, ligne 7"),
        Post(2, "Agente d'accueil", grade="Adjt adm.", sexe="F", fte=0.8, direction="Accueil"),
        Post(3, "ATSEM", grade="ATSEM ppal 2e cl.", sexe="F", fte=0.9, direction="École"),
        Post(4, "Agent de voierie", grade="Adjoint technique", sexe="H", fte=1.0, direction="Services techniques"),
        Post(5, "Chargé de mission", grade="Attaché", sexe="H", fte=0.5),
    ]
    issues = [
        ImportIssue("set_aside", "Ligne de total : pas un poste.", line=30),
        ImportIssue("set_aside", "Ni intitulé ni grade.", line=31),
        ImportIssue("value", "Temps de travail « 35h/ » illisible : compté à temps complet.", line=9,
                    column="Temps de travail", value="35h/"),
        ImportIssue("warning", "Colonne « Date de naissance » ignorée (donnée personnelle).", line=None),
    ]
    values = {"posts": posts, "issues": issues, "lines_in": 8, "merged": 1, "source_name": "effectifs.xlsx",
              "sheet": "Effectifs", "mapping": {"Intitulé du poste": "title", "Grade": "grade"}}
    values.update(overrides)
    return ImportResult(**values)


def test_build_project_matches_each_distinct_title_once(ref):
    prepared = importer.build_project(_result(), ref, commune="Val-Fleuri", year=2026)
    project, report = prepared.project, prepared.report
    assert project.commune == "Val-Fleuri"
    assert project.year == 2026
    assert len(project.posts) == 5
    assert set(project.matches) == {"agent d accueil", "agente d accueil", "atsem", "agent de voierie",
                                    "charge de mission"}
    assert project.matches["agent d accueil"].job_code == "ACC-01"
    assert project.matches["agente d accueil"].job_code == "ACC-01"
    assert project.matches["agent de voierie"].job_code == "VOI-01"
    assert project.matches["charge de mission"].status == MatchStatus.TO_CHECK
    assert project.source_name == "effectifs.xlsx"
    assert project.mapping == {"Intitulé du poste": "title", "Grade": "grade"}
    assert report.balanced
    assert report.lines_in == 8
    assert report.imported == 5
    assert report.merged == 1
    assert report.agents == 5
    assert report.fte == pytest.approx(4.2)


def test_report_json_has_the_stable_shape(ref):
    data = importer.build_project(_result(), ref, commune="X").report.to_json()
    json.dumps(data)  # serialisable
    assert set(data) >= REPORT_KEYS
    assert data["set_aside"] == [{"line": 30, "reason": "Ligne de total : pas un poste."},
                                 {"line": 31, "reason": "Ni intitulé ni grade."}]
    assert all(set(entry) == {"line", "reason"} for entry in data["set_aside"])
    assert len(data["matches"]) == 5
    for entry in data["matches"]:
        assert set(entry) >= MATCH_KEYS
        assert entry["status"] in {"auto", "confirme", "a_verifier"}
        assert 0.0 <= entry["confidence"] <= 1.0
        assert (entry["code"] is None) == (entry["status"] == "a_verifier")
        assert (entry["label"] is None) == (entry["code"] is None)
        assert len(entry["suggestions"]) <= 3
    by_title = {m["title"]: m for m in data["matches"]}
    assert by_title["ATSEM"] == {**by_title["ATSEM"], "code": "EDU-01", "confidence": 1.0, "status": "auto",
                                 "agents": 1}
    assert by_title["ATSEM"]["label"] == ref.jobs["EDU-01"].label
    assert any("Ligne 9" in w and "35h/" in w for w in data["warnings"])
    assert any("à vérifier" in w for w in data["warnings"])
    assert all(isinstance(w, str) for w in data["warnings"])


def test_commune_and_year_from_the_title_block(ref):
    result = _result()
    preamble = ["COMMUNE DE VAL-FLEURI — Tableau des effectifs au 01/01/2026", ""]
    project = importer.build_project(result, ref, preamble=preamble).project
    assert (project.commune, project.year) == ("Val-Fleuri", 2026)
    # The option wins over the file.
    project = importer.build_project(result, ref, commune="Autre", year=2025, preamble=preamble).project
    assert (project.commune, project.year) == ("Autre", 2025)


@pytest.mark.parametrize(("lines", "commune"), [
    (["COMMUNE DE VAL-FLEURI — Tableau des effectifs au 01/01/2026"], "Val-Fleuri"),
    (["Mairie de Saint-Jean-de-Luz", "Effectifs 2025"], "Saint-Jean-de-Luz"),
    (["VILLE DE SAINT-ÉTIENNE-DE-TINÉE : état du personnel"], "Saint-Étienne-de-Tinée"),
    (["Commune de l'Isle-Adam"], "Isle-Adam"),
    (["COMMUNE DE LES ABYMES - TABLEAU DES EFFECTIFS"], "Les Abymes"),
    (["CCAS de Val-Fleuri"], "Val-Fleuri"),
    (["Tableau des effectifs au 01/01/2026", "Budget principal"], ""),
    ([], ""),
])
def test_guess_commune(lines, commune):
    assert importer.guess_commune(lines) == commune


@pytest.mark.parametrize(("lines", "year"), [
    (["COMMUNE DE VAL-FLEURI — Tableau des effectifs au 01/01/2026"], 2026),
    (["Etat du personnel au 31.12.2024"], 2024),
    (["Budget primitif 2025"], 2025),
    (["Mairie", "Effectifs 2023"], 2023),
    (["Mairie de Val-Fleuri"], None),
])
def test_guess_year(lines, year):
    assert importer.guess_year(lines) == year


def test_year_defaults_to_the_current_year(ref):
    from datetime import date

    assert importer.build_project(_result(), ref).project.year == date.today().year


def test_personal_data_only_when_asked(ref):
    result = _result(personal={1: {"nom": "Durand", "prenom": "Alice"}})
    assert importer.build_project(result, ref).personal == {}
    assert importer.build_project(result, ref, keep_personal=True).personal == {1: {"nom": "Durand",
                                                                                     "prenom": "Alice"}}


def test_write_round_trip_and_refuse_to_overwrite(ref, tmp_path):
    prepared = importer.build_project(_result(), ref, commune="Val-Fleuri", year=2026)
    written = prepared.write(tmp_path / "projet")
    assert written == tmp_path / "projet.carto"
    assert prepared.report.project == "projet.carto"
    loaded = open_project(written)
    assert loaded.commune == "Val-Fleuri"
    assert len(loaded.posts) == 5
    assert loaded.matches == prepared.project.matches
    with pytest.raises(StoreError, match="existe déjà"):
        prepared.write(written)
    prepared.write(written, overwrite=True)
    with pytest.raises(StoreError, match=r"\.carto"):
        prepared.write(tmp_path / "effectifs.xlsx")


def test_nothing_personal_in_the_written_file(ref, tmp_path):
    result = _result(personal={1: {"nom": "Zebulon", "prenom": "Ophelie", "nir": "2840375123456",
                                   "date_naissance": "12/03/1984"}})
    path = importer.build_project(result, ref).write(tmp_path / "p.carto")
    raw = path.read_bytes()
    for secret in ("Zebulon", "Ophelie", "2840375123456", "1984"):
        assert secret.encode() not in raw
        assert secret.encode("utf-16-le") not in raw
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM personal_data").fetchone()[0] == 0


def test_many_value_warnings_are_capped(ref):
    issues = [ImportIssue("value", f"Valeur illisible n° {i}.", line=i) for i in range(500)]
    warnings = importer.build_project(_result(issues=issues), ref).report.warnings
    assert len(warnings) <= importer.MAX_WARNINGS + 2
    assert any("autres avertissements" in w for w in warnings)


def test_empty_import_says_so(ref):
    report = importer.build_project(_result(posts=[], issues=[], lines_in=0, merged=0), ref).report
    assert report.matches == []
    assert report.balanced
    assert "Aucun poste n'a été importé." in report.warnings


def test_summary_in_french(ref):
    report = importer.build_project(_result(), ref, commune="Val-Fleuri").report
    report.project = "val-fleuri.carto"
    text = report.summary_fr()
    assert "Projet « val-fleuri.carto » enregistré pour Val-Fleuri." in text
    assert "8 lignes lues : 5 postes importés, 1 fusionnée, 2 écartées." in text
    assert "4,2 ETP" in text
    assert "à vérifier" in text


def test_project_path_rules(tmp_path):
    assert importer.project_path(tmp_path / "a") == tmp_path / "a.carto"
    assert importer.project_path(tmp_path / "a.CARTO") == tmp_path / "a.CARTO"
    with pytest.raises(StoreError):
        importer.project_path(tmp_path / "a.xlsx")
