"""Closest ILO tasks for a new activity's French wording."""

from __future__ import annotations

from cartographie_desktop.gui.suggest import suggest_tasks


def test_french_wording_reaches_the_right_ilo_task_through_the_referentiel(ref):
    best = suggest_tasks(ref, "Prendre les rendez-vous des administrés")[0]
    assert best.key == ("4226", 2)
    assert best.via == "Prendre et gérer les rendez-vous des usagers"
    assert best.text_en.startswith("Making appointments")
    assert best.occupation == "Réceptionnistes (fonctions générales)"
    assert best.score == ref.tasks[("4226", 2)].score_2025


def test_scores_follow_the_index(ref):
    best_2023 = suggest_tasks(ref, "Accueillir le public", index="2023")[0]
    assert best_2023.key == ("4226", 1)
    assert best_2023.score == ref.tasks[("4226", 1)].score_2023


def test_short_or_empty_wording_suggests_nothing(ref):
    assert suggest_tasks(ref, "") == []
    assert suggest_tasks(ref, "de la") == []


def test_each_task_once_best_first(ref):
    found = suggest_tasks(ref, "Répondre aux demandes des usagers par courriel et téléphone", limit=8)
    keys = [s.key for s in found]
    assert len(keys) == len(set(keys))
    assert [s.similarity for s in found] == sorted((s.similarity for s in found), reverse=True)
    assert ("4110", 6) in keys[:3]
