from __future__ import annotations

import json
import sqlite3
from dataclasses import replace

import pytest

from cartographie_desktop.core import workshops as ws
from cartographie_desktop.core.model import MatchStatus, Post, Project, TitleMatch
from cartographie_desktop.io import store, workshops_codec
from cartographie_desktop.io.session import EditSession
from cartographie_desktop.io.store import CorruptProjectError, ProjectStore


def full_sheet(ref, project: Project | None = None) -> ws.WorkshopSheet:
    """A sheet with something in every section (and characters that JSON and SQLite must keep)."""
    project = project or Project(commune="Testville")
    sheet = ws.new_sheet(project, ref, "ACC-01", number=2, date="14/03/2026", place="Salle « Jean-Moulin »",
                         facilitator="DGS", title="Comprendre et mesurer les impacts", sheet_id="s1")
    first = sheet.activities[0]
    return ws.check_sheet(replace(
        sheet,
        impact=ws.Impact(50, 60),
        participants=(ws.Participant("p1", 2, "agents d'accueil"),
                      ws.Participant("p2", 1, "représentant du personnel")),
        activities=(replace(first, status="maintenue", text="Maintien du contact physique\navec les usagers"),
                    *sheet.activities[1:],
                    ws.ActivityLine("n1", text="Accompagnement des usagers dans les démarches en ligne",
                                    status="nouvelle")),
        know_how_2025=(ws.TextLine("k1", "Connaître les démarches"),),
        know_how_2035=(ws.TextLine("k2", "Savoir rédiger une requête (prompt)"),),
        soft_skills_2025=(ws.TextLine("e1", "Écoute"),),
        soft_skills_2035=(ws.TextLine("e2", "Pédagogie numérique"),),
        needs=(ws.Need("b1", "formation", "Démarches en ligne", "agents d'accueil", "CNFPT", "S1 2026", "haute",
                       "court_terme"),),
        effects=(ws.TextLine("o1", "Redéfinir les horaires du guichet"),),
        risks=(ws.TextLine("r1", "=perte de sens"),),
        opportunities=(ws.TextLine("op1", "Autonomie"),),
        indicators=(ws.Indicator("i1", "Temps d'attente", "relevé mensuel", "12 min", "8 min"),),
        proposals=(ws.Proposal("d1", "conservee_humaine", first.activity, None, "l'accueil physique reste humain"),
                   ws.Proposal("d2", "score_modifie", sheet.activities[1].activity, 0.3, "peu de rendez-vous")),
    ))


def test_codec_round_trip_is_exact(mini_ref):
    sheet = full_sheet(mini_ref)
    data = workshops_codec.sheet_to_dict(sheet)
    assert data["v"] == 1
    assert workshops_codec.sheet_from_dict(json.loads(json.dumps(data))) == sheet


def test_sheets_round_trip_through_a_real_project_file(mini_ref, tmp_path):
    project = Project(commune="Testville", posts=[Post(1, "Agent d'accueil")])
    project.matches[project.posts[0].title_key] = TitleMatch("Agent d'accueil", "ACC-01", 1.0, MatchStatus.AUTO)
    project.workshops = [full_sheet(mini_ref, project), ws.new_sheet(project, mini_ref, "PRO-01", sheet_id="s2")]
    path = tmp_path / "p.carto"
    ProjectStore.create(path, project).close()
    assert store.open_project(path) == project

    session = EditSession.open(path)
    try:
        session.execute(ws.add_line(session.project, "s2", "risks", text="Isolement"))
        session.execute(ws.set_field(session.project, "s1", "impact", "40 %"))
        inverse = session.execute(ws.delete_sheet(session.project, "s1"))
        session.execute(inverse)
        expected = session.project
    finally:
        session.close()
    reopened = store.open_project(path)
    assert reopened == expected
    assert reopened.workshops[1].risks[0].text == "Isolement"
    assert reopened.workshops[0].impact == ws.Impact(40, 40)
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT id, position, data FROM workshops ORDER BY position").fetchall()
    assert [r[0] for r in rows] == ["s1", "s2"]
    assert json.loads(rows[0][2])["v"] == 1


def _tamper(path, data: str) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE workshops SET data = ?", (data,))


def test_a_newer_or_damaged_workshop_document_is_refused_in_french(mini_ref, tmp_path):
    project = Project(workshops=[ws.new_sheet(Project(), mini_ref, "PRO-01", sheet_id="s2")])
    path = tmp_path / "p.carto"
    ProjectStore.create(path, project).close()
    document = workshops_codec.sheet_to_dict(project.workshops[0])
    _tamper(path, json.dumps({**document, "v": 2}))
    with pytest.raises(CorruptProjectError, match="version plus récente"):
        store.open_project(path)
    _tamper(path, json.dumps({**document, "participants": [{"id": "p", "count": "deux"}]}))
    with pytest.raises(CorruptProjectError, match="participants"):
        store.open_project(path)
    _tamper(path, "{pas du json")
    with pytest.raises(CorruptProjectError, match="illisibles"):
        store.open_project(path)


def test_store_refuses_something_else_than_a_sheet(tmp_path):
    with pytest.raises(store.StoreError, match="Fiche d'atelier illisible"):
        ProjectStore.create(tmp_path / "p.carto", Project(workshops=[{"id": "x"}]))
    assert not (tmp_path / "p.carto").exists()


def test_summary_command_shows_the_workshops_of_a_project_file(mini_ref, tmp_path, capsys, monkeypatch):
    from cartographie_desktop import cli
    from cartographie_desktop.core import referentiel

    project = Project(commune="Testville", posts=[Post(1, "Agent d'accueil")])
    project.matches[project.posts[0].title_key] = TitleMatch("Agent d'accueil", "ACC-01", 1.0, MatchStatus.AUTO)
    project.workshops = [full_sheet(mini_ref, project)]
    path = tmp_path / "p.carto"
    ProjectStore.create(path, project).close()
    monkeypatch.setattr(referentiel, "load", lambda: mini_ref)
    assert cli.main(["summary", str(path), "--json"]) == 0
    (entry,) = json.loads(capsys.readouterr().out)["workshops"]
    assert entry["code"] == "ACC-01"
    assert entry["estimated_impact"]["low"] == 0.5
    assert entry["latest"]["counts"]["risks"] == 1
