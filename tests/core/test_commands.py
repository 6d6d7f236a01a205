from __future__ import annotations

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cartographie_desktop.core import commands
from cartographie_desktop.core.commands import EditError
from cartographie_desktop.core.model import DecisionKind, MatchStatus, Post, Project, TitleMatch
from cartographie_desktop.core.scoring import score_project
from cartographie_desktop.core.summary import summary


def make_project() -> Project:
    posts = [
        Post(1, "Agent d'accueil", categorie="C", filiere="administrative", sexe="F", fte=1.0, direction="Accueil"),
        Post(2, "Agente d'accueil", categorie="C", filiere="administrative", sexe="F", fte=0.8, direction="Accueil"),
        Post(3, "Agt entretien", categorie="C", filiere="technique", sexe="H", fte=1.0, direction="Technique"),
        Post(4, "Chargé de mission", categorie="A", filiere="administrative", sexe="H", fte=1.0),
    ]
    project = Project(commune="Testville", year=2026, posts=posts)
    for post, code in zip(posts, ["ACC-01", "ACC-01", "PRO-01", None], strict=True):
        status = MatchStatus.AUTO if code else MatchStatus.TO_CHECK
        project.matches[post.title_key] = TitleMatch(post.title, code, 1.0 if code else 0.4, status,
                                                     (("ACC-01", 0.4),))
    return project


def test_override_requires_a_reason_and_a_valid_score(mini_ref):
    project = make_project()
    with pytest.raises(EditError, match="raison"):
        commands.override_score(mini_ref, project, "ACC-01", "ACC-01-02", score=0.2, reason="  ")
    with pytest.raises(EditError, match="entre 0 et 1"):
        commands.override_score(mini_ref, project, "ACC-01", "ACC-01-02", score=1.2, reason="x")
    with pytest.raises(EditError, match="nombre"):
        commands.override_score(mini_ref, project, "ACC-01", "ACC-01-02", score="abc", reason="x")
    with pytest.raises(EditError, match="Activité inconnue"):
        commands.override_score(mini_ref, project, "ACC-01", "PRO-01-01", score=0.2, reason="x")
    with pytest.raises(EditError, match="Métier inconnu"):
        commands.keep_human(mini_ref, project, "NOPE", "x", reason="x")


def test_cannot_exclude_the_last_activity(mini_ref):
    project = make_project()
    for n in range(1, 5):
        commands.exclude_activity(mini_ref, project, "PRO-01", f"PRO-01-0{n}").apply(project)
    with pytest.raises(EditError, match="au moins une activité"):
        commands.exclude_activity(mini_ref, project, "PRO-01", "PRO-01-05")


def test_undo_restores_exactly(mini_ref):
    project = make_project()
    before = copy.deepcopy(project)
    before_summary = summary(project, mini_ref)
    cmd = commands.override_score(mini_ref, project, "ACC-01", "ACC-01-02", score=0.1, reason="Peu de RDV",
                                  author="Mme Test", date="2026-11-21T10:00:00")
    inverse = cmd.apply(project)
    assert project.decisions[(DecisionKind.OVERRIDE, "ACC-01", "ACC-01-02")].author == "Mme Test"
    assert summary(project, mini_ref) != before_summary
    redo = inverse.apply(project)
    assert project == before
    assert summary(project, mini_ref) == before_summary
    redo.apply(project)
    assert summary(project, mini_ref) != before_summary


def test_custom_activity_removal_takes_its_decisions_along(mini_ref):
    project = make_project()
    commands.add_custom_activity(mini_ref, project, "ACC-01", label="Gérer le marché", score=0.4,
                                 reason="Spécifique").apply(project)
    key = (DecisionKind.CUSTOM, "ACC-01", "ACC-01-C01")
    assert key in project.decisions
    commands.keep_human(mini_ref, project, "ACC-01", "ACC-01-C01", reason="Choix").apply(project)
    snapshot = copy.deepcopy(project)
    inverse = commands.remove_decision(project, key).apply(project)
    assert not project.decisions
    inverse.apply(project)
    assert project == snapshot


def test_confirm_match_and_post_assignment(mini_ref):
    project = make_project()
    key = project.posts[3].title_key
    assert project.job_of(project.posts[3]) is None
    inverse = commands.confirm_match(project, key, "ACC-01").apply(project)
    assert project.matches[key].status == MatchStatus.CONFIRMED
    assert project.job_of(project.posts[3]) == "ACC-01"
    inverse.apply(project)
    assert project.job_of(project.posts[3]) is None
    commands.SetPostJob(4, "PRO-01").apply(project)
    assert project.job_of(project.posts[3]) == "PRO-01"


@pytest.mark.parametrize("k", [0, -1, 101, 2.5, "3", True])
def test_the_privacy_threshold_is_checked(k):
    project = make_project()
    with pytest.raises(EditError, match="seuil de confidentialité"):
        commands.SetProjectField("privacy_k", k).apply(project)
    undo = commands.SetProjectField("privacy_k", 5).apply(project)
    assert project.privacy_k == 5
    undo.apply(project)
    assert project.privacy_k == 3


def test_batch_is_atomic(mini_ref):
    project = make_project()
    before = copy.deepcopy(project)
    good = commands.keep_human(mini_ref, project, "ACC-01", "ACC-01-01", reason="Accueil physique humain")
    bad = commands.SetProjectField("index", "2030")
    with pytest.raises(EditError):
        commands.Batch((good, bad)).apply(project)
    assert project == before


def _random_command(ref, project, draw_kind, job, n, value):
    activity = f"{job}-0{n}"
    if draw_kind == 0:
        return commands.override_score(ref, project, job, activity, score=value, reason="r")
    if draw_kind == 1:
        return commands.keep_human(ref, project, job, activity, reason="r")
    if draw_kind == 2:
        return commands.set_weight(ref, project, job, activity, weight=0.5 + value)
    if draw_kind == 3:
        return commands.exclude_activity(ref, project, job, activity)
    if draw_kind == 4:
        return commands.add_custom_activity(ref, project, job, label=f"Activité {n}", score=value, reason="r")
    return commands.SetProjectField("index", "2023" if value < 0.5 else "2025")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.sampled_from(["ACC-01", "PRO-01"]), st.integers(1, 5),
                          st.floats(0, 1)), max_size=12))
def test_any_sequence_of_edits_undone_restores_the_original_results(mini_ref, steps):
    project = make_project()
    before = copy.deepcopy(project)
    before_results = score_project(project, mini_ref)
    inverses = []
    for kind, job, n, value in steps:
        try:
            command = _random_command(mini_ref, project, kind, job, n, value)
        except EditError:
            continue
        inverses.append(command.apply(project))
    for inverse in reversed(inverses):
        inverse.apply(project)
    assert project == before
    assert score_project(project, mini_ref) == before_results
