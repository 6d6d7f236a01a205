from __future__ import annotations

import copy
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cartographie_desktop.core import commands
from cartographie_desktop.core import workshops as ws
from cartographie_desktop.core.commands import EditError
from cartographie_desktop.core.model import DecisionKind, MatchStatus, Post, Project, TitleMatch
from cartographie_desktop.core.scoring import score_job
from cartographie_desktop.core.summary import summary
from cartographie_desktop.core.text import NNBSP
from cartographie_desktop.core.workshops import Impact


def make_project() -> Project:
    posts = [Post(1, "Agent d'accueil", sexe="F"), Post(2, "Agente d'accueil", sexe="F", headcount=2),
             Post(3, "Agt entretien", sexe="H")]
    project = Project(commune="Testville", year=2026, posts=posts)
    for post, code in zip(posts, ["ACC-01", "ACC-01", "PRO-01"], strict=True):
        project.matches[post.title_key] = TitleMatch(post.title, code, 1.0, MatchStatus.AUTO)
    return project


def project_with_sheet(ref, **fields):
    project = make_project()
    fields = {"number": 2, "date": "14/03/2026", "place": "Salle du conseil", "facilitator": "DGS",
              "sheet_id": "s1", **fields}
    ws.create_sheet(project, ref, "ACC-01", **fields).apply(project)
    return project


# --- parsing --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "low", "high"), [
    ("50 %", 50, 50), ("50%", 50, 50), (f"50{NNBSP}%", 50, 50), ("50-60 %", 50, 60), ("50 – 60 %", 50, 60),
    ("50 à 60 %", 50, 60), ("de 50 à 60 %", 50, 60), ("entre 50 et 60 %", 50, 60), ("50 % - 60 %", 50, 60),
    ("0,5", 50, 50), ("0.5", 50, 50), ("0,5-0,6", 50, 60), ("50", 50, 50), ("60-50", 50, 60), ("55,5 %", 55.5, 55.5),
    (0.4, 40, 40), (40, 40, 40), ("0 %", 0, 0), ("100 %", 100, 100), ("1", 100, 100),
])
def test_parse_impact_reads_french_input(text, low, high):
    assert ws.parse_impact(text) == Impact(low, high)


@pytest.mark.parametrize(("text", "message"), [
    ("beaucoup", "illisible"), ("50 % environ 60", "illisible"), ("0,5-60", "ambigu"), ("120 %", "entre 0 et 100"),
    ("50-160", "entre 0 et 100"), (True, "illisible"),
])
def test_parse_impact_refuses_what_it_cannot_read(text, message):
    with pytest.raises(EditError, match=message):
        ws.parse_impact(text)


def test_parse_impact_empty_means_no_estimate_and_text_is_french():
    assert ws.parse_impact("  ") is None
    assert ws.parse_impact(None) is None
    assert Impact(50, 60).text == f"50–60{NNBSP}%"
    assert Impact(40, 40).text == f"40{NNBSP}%"
    assert Impact(55.5, 55.5).text == f"55,5{NNBSP}%"


def test_parse_date():
    assert ws.parse_date("14/03/2026") == "2026-03-14"
    assert ws.parse_date("2026-03-14") == "2026-03-14"
    assert ws.parse_date("") == ""
    with pytest.raises(EditError, match="14/03/2026"):
        ws.parse_date("31/02/2026")
    with pytest.raises(EditError, match="Date illisible"):
        ws.parse_date("mardi")


@pytest.mark.parametrize("text", [
    "Mme Durand", "M. MARTIN", "Madame Leroy", "Jean DUPONT", "DUPONT Marie", "Anne-Laure MARTIN-PETIT",
    "2 agents dont Mme Petit", "Marie-Claire DE LA TOUR",
])
def test_names_are_refused(text):
    check = ws.person_name_check(text)
    assert check is not None
    assert check.refused
    assert "nom" in check.message


@pytest.mark.parametrize("text", ["Jean Dupont", "Sophie Bernard"])
def test_capitalised_pairs_are_only_warned(text):
    check = ws.person_name_check(text)
    assert check is not None
    assert not check.refused


@pytest.mark.parametrize("text", [
    "agents d'accueil", "Responsable de service", "DGS", "Représentant CGT", "représentant du personnel (CFDT)",
    "Monsieur le Maire", "Madame la DGS", "Responsable Accueil", "Agent ASVP", "Directrice générale des services",
    "CNFPT", "Responsable RH", "Élue aux finances",
])
def test_roles_pass(text):
    assert ws.person_name_check(text) is None


# --- creating and editing sheets --------------------------------------------------------------------------------


def test_new_sheet_is_prefilled_with_the_job_as_the_commune_does_it(mini_ref):
    project = make_project()
    commands.exclude_activity(mini_ref, project, "ACC-01", "ACC-01-04").apply(project)
    commands.override_score(mini_ref, project, "ACC-01", "ACC-01-02", score=0.2, reason="Peu de RDV").apply(project)
    commands.keep_human(mini_ref, project, "ACC-01", "ACC-01-01", reason="Accueil humain").apply(project)
    commands.add_custom_activity(mini_ref, project, "ACC-01", label="Tenir l'agence postale", score=0.3,
                                 reason="Agence postale communale").apply(project)
    sheet = ws.new_sheet(project, mini_ref, "ACC-01", number=2, date="14/03/2026", facilitator="DGS")
    by_activity = {line.activity: line for line in sheet.activities}
    assert list(by_activity) == ["ACC-01-01", "ACC-01-02", "ACC-01-03", "ACC-01-05", "ACC-01-C01"]
    assert by_activity["ACC-01-02"].score == 0.2
    assert by_activity["ACC-01-01"].kept_human
    assert by_activity["ACC-01-01"].label == "Accueillir le public au guichet et par téléphone"
    assert by_activity["ACC-01-C01"].label == "Tenir l'agence postale"
    expected = score_job(mini_ref.jobs["ACC-01"], "2025").activities[2].score
    assert by_activity["ACC-01-03"].score == pytest.approx(expected, abs=1e-4)
    assert all(not line.status and not line.text for line in sheet.activities)
    assert sheet.date == "2026-03-14"
    assert sheet.index == "2025"
    assert len({line.id for line in sheet.activities}) == 5
    assert ws.workshop_label(sheet) == "Atelier n° 2 du 14/03/2026"


def test_unknown_job_and_named_facilitator_are_refused(mini_ref):
    project = make_project()
    with pytest.raises(EditError, match="Métier inconnu"):
        ws.create_sheet(project, mini_ref, "NOPE-01")
    with pytest.raises(EditError, match="nom"):
        ws.create_sheet(project, mini_ref, "ACC-01", facilitator="Mme Durand")


def test_every_edit_has_an_exact_inverse(mini_ref):
    project = project_with_sheet(mini_ref)
    before = copy.deepcopy(project)
    steps = [
        ws.set_field(project, "s1", "impact", "50-60 %"),
        ws.set_field(project, "s1", "title", "Comprendre et mesurer les impacts"),
        ws.add_line(project, "s1", "participants", count=2, role="agents d'accueil"),
        ws.add_line(project, "s1", "risks", text="Perte de sens"),
        ws.add_line(project, "s1", "risks", text="Fracture numérique des usagers", position=0),
        ws.add_line(project, "s1", "needs", category="Formation", text="Outils d'IA", priority="haute",
                    horizon="court terme", who="CNFPT"),
    ]
    inverses = []
    for step in steps:
        inverses.append(step.apply(project))
    sheet = ws.find_sheet(project, "s1")
    assert sheet.impact == Impact(50, 60)
    assert [r.text for r in sheet.risks] == ["Fracture numérique des usagers", "Perte de sens"]
    assert sheet.needs[0].category == "formation"
    assert sheet.needs[0].horizon == "court_terme"
    risk = sheet.risks[1]
    more = [
        ws.edit_line(project, "s1", "risks", risk.id, text="Perte de sens du travail"),
        ws.move_line(project, "s1", "risks", risk.id, 0),
        ws.edit_line(project, "s1", "activities", sheet.activities[0].id, status="assistée par l'IA",
                     text="Pré-accueil par un agent conversationnel"),
        ws.remove_line(project, "s1", "activities", sheet.activities[1].id),
    ]
    for step in more:
        inverses.append(step.apply(project))
    sheet = ws.find_sheet(project, "s1")
    assert [r.text for r in sheet.risks] == ["Perte de sens du travail", "Fracture numérique des usagers"]
    assert sheet.activities[0].status == "assistee_ia"
    assert len(sheet.activities) == 4
    assert all(c.touches == {commands.WORKSHOPS} for c in steps + more)
    for inverse in reversed(inverses):
        inverse.apply(project)
    assert project == before


def test_delete_sheet_and_undo_restores_position(mini_ref):
    project = project_with_sheet(mini_ref)
    ws.create_sheet(project, mini_ref, "PRO-01", sheet_id="s2", date="01/04/2026").apply(project)
    ws.create_sheet(project, mini_ref, "ACC-01", sheet_id="s3", date="01/02/2025", number=1).apply(project)
    before = copy.deepcopy(project)
    inverse = ws.delete_sheet(project, "s1").apply(project)
    assert [s.id for s in project.workshops] == ["s2", "s3"]
    inverse.apply(project)
    assert project == before
    assert [s.id for s in ws.sheets_for_job(project, "ACC-01")] == ["s3", "s1"]
    assert ws.latest_sheet(project, "ACC-01").id == "s1"
    with pytest.raises(EditError, match="existe déjà"):
        ws.AddSheet(project.workshops[0]).apply(project)


@pytest.mark.parametrize(("section", "values", "message"), [
    ("participants", {"count": 2, "role": "Jean DUPONT"}, "Prénom NOM"),
    ("participants", {"count": "deux", "role": "agents"}, "nombre entier"),
    ("participants", {"count": "²", "role": "agents"}, "nombre entier"),  # a digit int() refuses (was ValueError)
    ("participants", {"count": 0, "role": "agents"}, "entre 1 et"),
    ("participants", {"count": 1, "role": " "}, "fonction"),
    ("risks", {"text": "   "}, "vide"),
    ("activities", {"label": "Nouvelle activité", "status": "nouvelle"}, "ne peut pas être « nouvelle »"),
    ("activities", {"text": "Médiation numérique", "status": "maintenue"}, "nouvelle"),
    ("activities", {"label": "x", "status": "supprimée"}, "Statut 2035 inconnu"),
    ("needs", {"text": "Formation", "category": "loisirs"}, "Type de besoin inconnu"),
    ("needs", {"text": "Formation", "who": "Mme Durand"}, "nom"),
    ("needs", {"category": "formation"}, "Décrivez"),
    ("indicators", {"measure": "x"}, "nom à l'indicateur"),
    ("proposals", {"kind": "score_modifie", "activity": "ACC-01-02", "reason": "r"}, "score proposé"),
    ("proposals", {"kind": "conservee_humaine", "activity": "ACC-01-01"}, "raison"),
    ("proposals", {"kind": "conservee_humaine", "activity": "PRO-01-01", "reason": "r"}, "pas une activité"),
    ("proposals", {"kind": "ponderation", "activity": "ACC-01-01", "reason": "r"}, "Type de décision inconnu"),
    ("risks", {"text": "x" * 5000}, "trop long"),
    ("risks", {"texte": "x"}, "inconnu"),
    ("nowhere", {"text": "x"}, "Rubrique"),
])
def test_bad_lines_are_refused_in_french(mini_ref, section, values, message):
    project = project_with_sheet(mini_ref)
    with pytest.raises(EditError, match=message):
        ws.add_line(project, "s1", section, **values)


def test_new_activity_without_2025_part_becomes_nouvelle(mini_ref):
    project = project_with_sheet(mini_ref)
    ws.add_line(project, "s1", "activities", text="Accompagner les usagers dans les démarches en ligne").apply(project)
    line = ws.find_sheet(project, "s1").activities[-1]
    assert line.status == "nouvelle"
    assert not line.in_2025


def test_edits_of_a_missing_sheet_or_line_fail_cleanly(mini_ref):
    project = project_with_sheet(mini_ref)
    with pytest.raises(EditError, match="n'existe plus"):
        ws.set_field(project, "nope", "place", "x")
    with pytest.raises(EditError, match="n'existe plus"):
        ws.edit_line(project, "s1", "risks", "nope", text="x")
    with pytest.raises(EditError, match="inconnu"):
        ws.set_field(project, "s1", "job", "PRO-01")
    with pytest.raises(EditError, match="numéro"):
        ws.set_field(project, "s1", "number", "deux")


def test_refresh_activities_keeps_what_the_group_wrote(mini_ref):
    project = project_with_sheet(mini_ref)
    sheet = ws.find_sheet(project, "s1")
    first, second = sheet.activities[0], sheet.activities[1]
    ws.edit_line(project, "s1", "activities", first.id, status="maintenue", text="Accueil physique").apply(project)
    commands.exclude_activity(mini_ref, project, "ACC-01", first.activity).apply(project)
    commands.exclude_activity(mini_ref, project, "ACC-01", second.activity).apply(project)
    commands.override_score(mini_ref, project, "ACC-01", "ACC-01-03", score=0.1, reason="r").apply(project)
    before = copy.deepcopy(project)
    inverse = ws.refresh_activities(project, mini_ref, "s1").apply(project)
    lines = {line.activity: line for line in ws.find_sheet(project, "s1").activities}
    assert first.activity in lines  # the group wrote about it: kept
    assert second.activity not in lines  # no longer exercised, nothing written: gone
    assert lines["ACC-01-03"].score == 0.1
    inverse.apply(project)
    assert project == before


# --- proposed decisions -------------------------------------------------------------------------------------------


def test_apply_proposals_in_one_click_and_undo(mini_ref):
    project = project_with_sheet(mini_ref)
    ws.add_line(project, "s1", "proposals", kind="Conserver l'activité humaine", activity="ACC-01-01",
                reason="l'accueil physique reste humain").apply(project)
    ws.add_line(project, "s1", "proposals", kind="score_modifie", activity="ACC-01-02", score="0,3",
                reason="les rendez-vous se prennent surtout au guichet").apply(project)
    ws.add_line(project, "s1", "proposals", kind="non_exercee", activity="ACC-01-05").apply(project)
    before = copy.deepcopy(project)
    batch = ws.apply_proposals(mini_ref, project, "s1", author="DGS", date="2026-03-20T10:00:00")
    assert batch.touches == {commands.DECISIONS}
    inverse = batch.apply(project)
    keep = project.decisions[(DecisionKind.KEEP_HUMAN, "ACC-01", "ACC-01-01")]
    assert keep.reason == "Atelier n° 2 du 14/03/2026 : l'accueil physique reste humain"
    override = project.decisions[(DecisionKind.OVERRIDE, "ACC-01", "ACC-01-02")]
    assert override.value == 0.3
    assert project.decisions[(DecisionKind.EXCLUDE, "ACC-01", "ACC-01-05")].reason == (
        "Atelier n° 2 du 14/03/2026 : proposition du groupe")
    sheet = ws.find_sheet(project, "s1")
    assert all(ws.proposal_applied(project, sheet, p) for p in sheet.proposals)
    with pytest.raises(EditError, match="déjà"):
        ws.apply_proposals(mini_ref, project, "s1")
    result = ws.job_result(project, mini_ref, "ACC-01")
    assert result.has_retained
    inverse.apply(project)
    assert project == before


def test_apply_only_chosen_proposals_and_validate_them_together(mini_ref):
    project = make_project()
    ws.create_sheet(project, mini_ref, "PRO-01", sheet_id="p").apply(project)
    sheet = ws.find_sheet(project, "p")
    for line in sheet.activities:
        ws.add_line(project, "p", "proposals", kind="non_exercee", activity=line.activity).apply(project)
    proposals = ws.find_sheet(project, "p").proposals
    batch = ws.apply_proposals(mini_ref, project, "p", [proposals[0].id])
    assert len(batch.commands) == 1
    with pytest.raises(EditError, match="au moins une activité"):
        ws.apply_proposals(mini_ref, project, "p")  # excluding all five together is refused as a whole
    assert not project.decisions


# --- estimate vs computed score ------------------------------------------------------------------------------------


def test_comparison_sentences(mini_ref):
    project = make_project()
    result = ws.job_result(project, mini_ref, "ACC-01")
    score = round(result.technical.score * 100)
    band = result.technical.band.label

    inside = ws.compare_impact(Impact(score - 5, score + 5), result)
    assert inside.gap == 0
    assert not inside.differs
    assert "rejoint le score calculé" in inside.sentence

    close = ws.compare_impact(Impact(score + 10, score + 10), result)
    assert close.gap == 10
    assert not close.differs
    assert "proche" in close.sentence
    assert "10 points" in close.sentence

    higher = ws.compare_impact(Impact(score + 20, score + 30), result)
    assert higher.gap == 20
    assert higher.differs
    assert higher.sentence.startswith(f"Le groupe estime l'impact à {score + 20}–{score + 30}{NNBSP}%, soit 20 points "
                                      f"de plus que le score calculé ({score}{NNBSP}%, {band}).")
    assert "potentiel technique" in higher.sentence

    lower = ws.compare_impact(Impact(score - 40, score - 30), result)
    assert lower.gap == -30
    assert "30 points de moins" in lower.sentence
    assert "plafond" in lower.sentence
    assert "score retenu" not in lower.sentence

    assert "pas encore estimé" in ws.compare_impact(None, result).sentence


def test_comparison_mentions_the_retained_score_when_the_commune_kept_activities_human(mini_ref):
    project = make_project()
    commands.keep_human(mini_ref, project, "ACC-01", "ACC-01-01", reason="Accueil").apply(project)
    commands.keep_human(mini_ref, project, "ACC-01", "ACC-01-03", reason="Orientation").apply(project)
    result = ws.job_result(project, mini_ref, "ACC-01")
    comparison = ws.compare_impact(Impact(10, 10), result)
    assert comparison.differs
    assert f"le score retenu est de {comparison.retained}{NNBSP}%" in comparison.sentence
    assert comparison.retained < comparison.score
    assert "bande « pas concerné »" in comparison.sentence


def test_exactly_fifteen_points_is_not_explained(mini_ref):
    result = ws.job_result(make_project(), mini_ref, "ACC-01")
    score = round(result.technical.score * 100)
    assert not ws.compare_impact(Impact(score + 15, score + 15), result).differs
    assert ws.compare_impact(Impact(score + 16, score + 16), result).differs


# --- summary and training plan ------------------------------------------------------------------------------------


def test_summary_gains_workshops(mini_ref):
    project = project_with_sheet(mini_ref)
    ws.set_field(project, "s1", "impact", "50-60 %").apply(project)
    for text in ("Perte de sens", "Fracture numérique des usagers"):
        ws.add_line(project, "s1", "risks", text=text).apply(project)
    ws.add_line(project, "s1", "participants", count=3, role="agents d'accueil").apply(project)
    ws.create_sheet(project, mini_ref, "ACC-01", sheet_id="old", date="10/01/2025", number=1).apply(project)
    data = summary(project, mini_ref)
    (entry,) = data["workshops"]
    assert entry["code"] == "ACC-01"
    assert entry["sheets"] == 2
    assert entry["estimated_impact"] == {"low": 0.5, "high": 0.6, "text": f"50–60{NNBSP}%"}
    assert entry["score"] == data["jobs"][0]["score"]
    assert entry["latest"]["id"] == "s1"
    assert [h["id"] for h in entry["history"]] == ["old", "s1"]
    counts = entry["latest"]["counts"]
    assert counts["risks"] == 2
    assert counts["participants"] == 3
    assert counts["activities"] == 5
    assert counts["needs"] == 0
    assert summary(make_project(), mini_ref)["workshops"] == []


def test_training_lines_most_urgent_first_with_agent_counts(mini_ref):
    project = project_with_sheet(mini_ref)
    ws.add_line(project, "s1", "needs", category="communication", text="Expliquer le projet aux agents",
                priority="moyenne").apply(project)
    ws.add_line(project, "s1", "needs", category="formation", text="Démarches en ligne", priority="haute",
                horizon="court_terme", population="agents d'accueil", who="CNFPT", when="2026").apply(project)
    lines = ws.training_lines(project, mini_ref)
    assert [t.need for t in lines] == ["Démarches en ligne", "Expliquer le projet aux agents"]
    assert lines[0].agents == 3  # one post plus a line of two
    assert lines[0].job_label == "Agent·e d'accueil"
    assert lines[0].source == "Atelier n° 2 du 14/03/2026"


# --- any sequence of edits, undone, restores the project exactly ----------------------------------------------------

ROLES = ["agents d'accueil", "responsable de service", "DGS", "représentant du personnel"]
WORDS = st.text(alphabet="abcdéèàç ’'-,.0123456789", min_size=1, max_size=30).filter(lambda t: t.strip())
TEXT_SECTIONS = ["know_how_2025", "know_how_2035", "soft_skills_2025", "soft_skills_2035", "effects", "risks",
                 "opportunities"]


def _random_command(data, project, ref):
    sheets = project.workshops
    op = data.draw(st.sampled_from(["create", "delete", "field", "add", "edit", "remove", "move", "apply"]))
    if op == "create" or not sheets:
        return ws.create_sheet(project, ref, data.draw(st.sampled_from(["ACC-01", "PRO-01"])),
                               number=data.draw(st.integers(1, 5)))
    sheet = data.draw(st.sampled_from(sheets))
    if op == "delete":
        return ws.delete_sheet(project, sheet.id)
    if op == "field":
        name, value = data.draw(st.sampled_from([
            ("impact", "50-60 %"), ("impact", "0,4"), ("impact", ""), ("place", "Mairie"), ("date", "14/03/2026"),
            ("title", "Atelier n° 6"), ("number", 3), ("facilitator", "DGS")]))
        return ws.set_field(project, sheet.id, name, value)
    if op == "apply":
        return ws.apply_proposals(ref, project, sheet.id)
    section = data.draw(st.sampled_from([*TEXT_SECTIONS, "participants", "needs", "activities", "proposals"]))
    lines = sheet.lines(section)
    if op == "add" or not lines:
        if section == "participants":
            values = {"count": data.draw(st.integers(1, 9)), "role": data.draw(st.sampled_from(ROLES))}
        elif section == "needs":
            values = {"text": data.draw(WORDS), "category": data.draw(st.sampled_from(list(ws.NEED_LABELS)))}
        elif section == "activities":
            values = {"text": data.draw(WORDS)}
        elif section == "proposals":
            activity = data.draw(st.sampled_from([a.activity for a in sheet.activities if a.activity] or ["x"]))
            values = {"kind": "conservee_humaine", "activity": activity, "reason": data.draw(WORDS)}
        else:
            values = {"text": data.draw(WORDS)}
        position = data.draw(st.none() | st.integers(0, 6))
        return ws.add_line(project, sheet.id, section, position=position, **values)
    line = data.draw(st.sampled_from(lines))
    if op == "remove":
        return ws.remove_line(project, sheet.id, section, line.id)
    if op == "move":
        return ws.move_line(project, sheet.id, section, line.id, data.draw(st.integers(0, 8)))
    if section == "activities":
        return ws.edit_line(project, sheet.id, section, line.id, text=data.draw(WORDS))
    if section == "participants":
        return ws.edit_line(project, sheet.id, section, line.id, count=data.draw(st.integers(1, 9)))
    if section == "proposals":
        return ws.edit_line(project, sheet.id, section, line.id, reason=data.draw(WORDS))
    return ws.edit_line(project, sheet.id, section, line.id, text=data.draw(WORDS))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_any_sequence_of_edits_undone_restores_the_project(mini_ref, data):
    project = project_with_sheet(mini_ref)
    original = copy.deepcopy(project)
    inverses, applied = [], []
    for _ in range(data.draw(st.integers(1, 25))):
        try:
            command = _random_command(data, project, mini_ref)
        except EditError:
            continue  # refused by validation, as the form would: nothing changed
        snapshot = copy.deepcopy(project)
        inverse = command.apply(project)
        inverses.append(inverse)
        applied.append((snapshot, copy.deepcopy(project)))
        for sheet in project.workshops:
            assert ws.check_sheet(sheet) == sheet  # what commands store is what the validation accepts
    final = copy.deepcopy(project)
    redo = []
    for inverse, (snapshot, _) in zip(reversed(inverses), reversed(applied), strict=True):
        redo.append(inverse.apply(project))
        assert project == snapshot
    assert project == original
    for command in reversed(redo):
        command.apply(project)
    assert project == final


def test_check_sheet_rejects_duplicate_line_ids(mini_ref):
    project = project_with_sheet(mini_ref)
    sheet = ws.find_sheet(project, "s1")
    broken = replace(sheet, risks=(ws.TextLine("a", "x"), ws.TextLine("a", "y")))
    with pytest.raises(EditError, match="double"):
        ws.check_sheet(broken)
