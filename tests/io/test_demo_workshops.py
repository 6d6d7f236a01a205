from __future__ import annotations

import copy
import json

import pytest

from cartographie_desktop.core import commands, referentiel
from cartographie_desktop.core import workshops as ws
from cartographie_desktop.core.model import Project
from cartographie_desktop.core.summary import summary
from cartographie_desktop.io import workshop_kit, workshops_codec
from cartographie_desktop.io.workshops_codec import WorkshopDataError


@pytest.fixture(scope="module")
def ref():
    return referentiel.load()


def test_demo_file_matches_the_shipped_referentiel(ref):
    sheets = workshops_codec.read_sheets_file(workshops_codec.demo_file())
    assert [(s.job, ref.jobs[s.job].label) for s in sheets] == [
        ("ACC-01", "Agent·e d'accueil"), ("ADM-02", "Assistant·e de direction"),
        ("DIR-03", "Responsable des services techniques")]
    for sheet in sheets:
        job = ref.jobs[sheet.job]
        linked = [a.activity for a in sheet.activities if a.activity]
        assert linked == [a.id for a in job.activities]  # every activity of the job, in order, no stale id
        counts = ws.section_counts(sheet)
        empty = [section for section in ws.SECTIONS if not counts[section]]
        assert not empty, f"{sheet.job}: sections vides {empty}"
        assert all(a.status for a in sheet.activities)
        assert counts["new_activities"] >= 1
        assert sheet.impact is not None
        assert all(n.category and n.priority and n.horizon and n.who and n.when for n in sheet.needs)
        for line in sheet.participants:
            assert ws.person_name_check(line.role) is None


def test_add_demo_workshops_after_the_communes_decisions(ref):
    project = Project(commune="Val-Fleuri")
    commands.keep_human(ref, project, "ACC-01", "ACC-01-01", reason="Le conseil veut un accueil humain.").apply(
        project)
    before = copy.deepcopy(project)
    inverse = workshops_codec.add_demo_workshops(project, ref)
    assert [s.id for s in project.workshops] == ["demo-accueil", "demo-assistant", "demo-manager"]
    accueil = ws.find_sheet(project, "demo-accueil")
    assert accueil.activities[0].kept_human  # brought up to date with the commune's decisions
    result = ws.job_result(project, ref, "ACC-01")
    assert accueil.activities[0].score == pytest.approx(result.activities[0].score, abs=1e-4)
    first, second = accueil.proposals
    assert ws.proposal_applied(project, accueil, first)  # the commune already decided it
    assert not ws.proposal_applied(project, accueil, second)
    batch = ws.apply_proposals(ref, project, "demo-accueil", date="2026-03-20T09:00:00")
    assert len(batch.commands) == 1
    undo_apply = batch.apply(project)
    assert ws.proposal_applied(project, accueil, second)
    undo_apply.apply(project)
    with pytest.raises(WorkshopDataError, match="déjà présent"):
        workshops_codec.demo_workshops(project, ref)
    inverse.apply(project)
    assert project == before


def test_demo_comparisons_and_summary(ref):
    project = Project(commune="Val-Fleuri")
    workshops_codec.add_demo_workshops(project, ref)
    entries = {e["code"]: e for e in summary(project, ref)["workshops"]}
    assert set(entries) == {"ACC-01", "ADM-02", "DIR-03"}
    for code, entry in entries.items():
        sheet = ws.latest_sheet(project, code)
        comparison = ws.compare_impact(sheet.impact, ws.job_result(project, ref, code))
        assert entry["gap_points"] == comparison.gap
        assert entry["latest"]["counts"]["needs"] == len(sheet.needs)
        assert comparison.sentence
    assert len(ws.training_lines(project, ref)) == 13


def test_demo_sheets_survive_a_kit_round_trip(ref, tmp_path):
    project = Project(commune="Val-Fleuri")
    workshops_codec.add_demo_workshops(project, ref)
    path = workshop_kit.prepare_kit(project, ref, [s.id for s in project.workshops], tmp_path / "kit.xlsx")
    result = workshop_kit.read_kit(path, project, ref)
    assert result.changes == []
    assert not result.problems, [p.text for p in result.problems]


def test_bad_demo_files_are_reported_in_french(ref, tmp_path):
    data = json.loads(workshops_codec.demo_file().read_text(encoding="utf-8"))
    data["sheets"][0]["activities"][0]["activity"] = "ACC-01-99"
    path = tmp_path / "ateliers.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(WorkshopDataError, match="ACC-01-99"):
        workshops_codec.demo_workshops(Project(), ref, path)
    data["sheets"][0]["job"] = "XXX-01"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(WorkshopDataError, match="XXX-01"):
        workshops_codec.demo_workshops(Project(), ref, path)
    data["sheets"][0]["participants"][0]["role"] = "Jean DUPONT"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(WorkshopDataError, match="fiche 1"):
        workshops_codec.read_sheets_file(path)
    path.write_text("{", encoding="utf-8")
    with pytest.raises(WorkshopDataError, match="illisible"):
        workshops_codec.read_sheets_file(path)
