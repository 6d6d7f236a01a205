"""The document and its undo stack: saved at once, consistent when saving fails, one stack for every edit."""

from __future__ import annotations

import pytest

from cartographie_desktop.core import commands
from cartographie_desktop.core.model import DecisionKind
from cartographie_desktop.io.store import StoreError, open_project


def keep(document, activity="ACC-01-01"):
    return commands.keep_human(document.ref, document.project, "ACC-01", activity, reason="Choix des élus",
                               author="C. Martin")


def test_execute_saves_at_once_and_undo_redo_restore_exactly(document, qtbot):
    path = document.path
    initial = open_project(path)
    with qtbot.waitSignal(document.changed):
        assert document.execute(keep(document))
    assert document.undo_stack.count() == 1
    after = open_project(path)
    assert (DecisionKind.KEEP_HUMAN, "ACC-01", "ACC-01-01") in after.decisions
    document.undo_stack.undo()
    assert open_project(path).decisions == initial.decisions
    assert document.project.decisions == initial.decisions
    document.undo_stack.redo()
    assert open_project(path).decisions == after.decisions
    assert document.project.decisions == after.decisions


def test_results_follow_each_edit(document):
    before = document.results()["ACC-01"]
    document.execute(keep(document))
    after = document.results()["ACC-01"]
    assert after.technical.mean == before.technical.mean
    assert after.retained.mean < before.retained.mean
    document.undo_stack.undo()
    assert document.results()["ACC-01"].retained.mean == before.retained.mean


def test_a_failed_save_changes_nothing_and_pushes_nothing(document, monkeypatch, qtbot):
    failures = []
    document.failed.connect(lambda message, _detail: failures.append(message))

    def broken(*_args, **_kwargs):
        raise StoreError("La modification n'a pas pu être enregistrée : disque plein.")

    monkeypatch.setattr(document.session.store, "persist", broken)
    assert not document.execute(keep(document))
    assert failures == ["La modification n'a pas pu être enregistrée : disque plein."]
    assert document.project.decisions == {}
    assert document.undo_stack.count() == 0
    assert open_project(document.path).decisions == {}


def test_a_failed_undo_empties_the_history_but_keeps_project_and_file_equal(document, monkeypatch, qtbot):
    document.execute(keep(document, "ACC-01-01"))
    document.execute(keep(document, "ACC-01-02"))
    failures = []
    document.failed.connect(lambda message, _detail: failures.append(message))

    def broken(*_args, **_kwargs):
        raise StoreError("La modification n'a pas pu être enregistrée : fichier verrouillé.")

    monkeypatch.setattr(document.session.store, "persist", broken)
    document.undo_stack.undo()
    assert not failures  # told once the stack has returned, never from inside it
    qtbot.waitUntil(lambda: bool(failures))
    assert failures[0].startswith("La modification n'a pas pu être enregistrée : fichier verrouillé.")
    assert "historique" in failures[0]
    qtbot.waitUntil(lambda: document.undo_stack.count() == 0)
    monkeypatch.undo()
    assert open_project(document.path).decisions == document.project.decisions
    assert len(document.project.decisions) == 2


def test_invalid_edit_is_refused_in_french(document):
    failures = []
    document.failed.connect(lambda message, _detail: failures.append(message))
    assert not document.execute(commands.SetProjectField("index", "2024"))
    assert failures == ["L'indice OIT doit être 2023 ou 2025."]


def test_index_override_changes_scores_not_the_file(document):
    assert document.index == "2025"
    score_2025 = document.results()["ADM-02"].technical.mean
    document.set_index_override("2023")
    assert document.results()["ADM-02"].technical.mean != pytest.approx(score_2025)
    assert open_project(document.path).index == "2025"


def test_most_exposed_job(document):
    assert document.most_exposed_job() == "ADM-02"
