"""The job detail with human control: each decision is an undoable command saved at once; the two scores update."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from cartographie_desktop.core.model import DecisionKind
from cartographie_desktop.core.scoring import score_job
from cartographie_desktop.io.store import open_project


@pytest.fixture
def detail(opened):
    opened.open_job("ACC-01")
    view = opened.views["metiers"]
    assert view.showing_detail()
    return view.detail


def select(detail, activity_id):
    detail.select_activity(activity_id)
    assert detail.current_activity().id == activity_id


def on_disk(window):
    return open_project(window.document.path)


def scores(detail):
    return detail.technical.value.text(), detail.retained.value.text()


def test_detail_shows_activities_tasks_and_both_scores(detail, ref):
    assert detail.title.text() == "Agent d'accueil"
    assert detail.model.rowCount() == len(ref.jobs["ACC-01"].activities)
    expected = score_job(ref.jobs["ACC-01"], "2025")
    assert scores(detail) == ("0,54", "0,54")
    assert expected.technical.score == 0.54
    assert "Concerné" in detail.technical.band.text()
    select(detail, "ACC-01-02")
    html = detail.panel.toHtml()
    assert "Making appointments for clients" in html  # the ILO task (English while no translation exists)
    assert "Réceptionnistes" in html  # its ISCO occupation, in French
    assert "Raisonnement de GPT-4o" in html
    assert "Raisonnement de Gemini" in html


def test_mark_not_exercised_then_undo_redo(detail, opened, answer_dialogs):
    before = scores(detail)
    select(detail, "ACC-01-06")  # « Enregistrer le courrier arrivé », 0,39: its removal raises the mean

    def fill(dialog):
        dialog.reason.setPlainText("Le courrier est enregistré par le secrétariat.")
        return dialog.try_accept()

    answer_dialogs(fill)
    detail.exclude_button.click()
    key = (DecisionKind.EXCLUDE, "ACC-01", "ACC-01-06")
    assert key in opened.document.project.decisions
    assert key in on_disk(opened).decisions
    after = scores(detail)
    assert after != before
    assert after[0] == "0,57"
    row = detail.model.row_of("ACC-01-06")
    assert detail.model.data(detail.model.index(row, 4)) == "Non exercée"
    assert detail.exclude_button.text() == "&Réintégrer l'activité"

    opened.undo_action.trigger()
    assert key not in opened.document.project.decisions
    assert key not in on_disk(opened).decisions
    assert scores(detail) == before
    opened.redo_action.trigger()
    assert key in on_disk(opened).decisions
    assert scores(detail) == after
    assert on_disk(opened).decisions[key].reason == "Le courrier est enregistré par le secrétariat."


def test_override_needs_a_reason(detail, opened, answer_dialogs, settings):
    select(detail, "ACC-01-02")
    refused = {}

    def without_reason(dialog):
        dialog.score.setValue(0.3)
        refused["accepted"] = dialog.try_accept()
        refused["message"] = dialog.error.text()
        return False  # the user gives up

    answer_dialogs(without_reason)
    detail.override_button.click()
    assert refused == {"accepted": False,
                       "message": "Indiquez la raison de cette décision : elle figurera dans le rapport."}
    assert not opened.document.project.decisions
    assert not opened.document.undo_stack.canUndo()

    def with_reason(dialog):
        dialog.score.setValue(0.3)
        dialog.reason.setPlainText("Les rendez-vous se prennent au guichet, à la demande des élus.")
        dialog.author.setText("Claire Martin")
        return dialog.try_accept()

    answer_dialogs(with_reason)
    detail.override_button.click()
    key = (DecisionKind.OVERRIDE, "ACC-01", "ACC-01-02")
    saved = on_disk(opened).decisions[key]
    assert saved.value == pytest.approx(0.3)
    assert saved.author == "Claire Martin"
    assert saved.date
    assert settings.author == "Claire Martin"  # remembered for the next decision
    assert scores(detail)[0] == "0,46"  # (3,215 − 0,735 + 0,3) / 6
    assert detail.restore_button.isVisible()
    detail.restore_button.click()
    assert key not in on_disk(opened).decisions
    opened.undo_action.trigger()
    assert key in on_disk(opened).decisions
    opened.undo_action.trigger()
    assert key not in on_disk(opened).decisions
    assert scores(detail)[0] == "0,54"


def test_keep_human_lowers_only_the_retained_score(detail, opened, answer_dialogs):
    select(detail, "ACC-01-02")

    def fill(dialog):
        dialog.reason.setPlainText("Le contact humain est un choix de la municipalité.")
        return dialog.try_accept()

    answer_dialogs(fill)
    detail.human_button.click()
    technical, retained = scores(detail)
    assert technical == "0,54"
    assert retained == "0,41"
    assert "conservée humaine" in detail.retained.caption.text()
    key = (DecisionKind.KEEP_HUMAN, "ACC-01", "ACC-01-02")
    assert key in on_disk(opened).decisions
    jobs = opened.views["metiers"].model
    row = next(r for r in range(jobs.rowCount()) if jobs.row(r).code == "ACC-01")
    assert jobs.data(jobs.index(row, jobs.RETAINED)) == "0,41 – peu concerné"
    opened.undo_action.trigger()
    assert scores(detail) == ("0,54", "0,54")
    assert key not in on_disk(opened).decisions


def test_add_custom_activity_with_suggested_task(detail, opened, answer_dialogs, qtbot):
    chosen = {}

    def fill(dialog):
        dialog.label.setText("Prendre les rendez-vous des administrés")
        dialog.refresh_suggestions()
        assert dialog.suggestions.rowCount() > 0
        best = dialog.suggestions.items[0]
        chosen["key"] = best.key
        dialog.table.setCurrentIndex(dialog.suggestions.index(0, 0))
        assert dialog.score.value() == pytest.approx(round(best.score, 2))
        dialog.reason.setPlainText("Activité exercée à Bois-Joli.")
        return dialog.try_accept()

    answer_dialogs(fill)
    detail.add_button.click()
    assert chosen["key"] == ("4226", 2)  # « Making appointments for clients »
    decisions = on_disk(opened).decisions
    custom = decisions[(DecisionKind.CUSTOM, "ACC-01", "ACC-01-C01")]
    assert custom.label == "Prendre les rendez-vous des administrés"
    assert custom.ilo_links == (("4226", 2),)
    assert detail.current_activity().id == "ACC-01-C01"
    assert detail.remove_button.isVisible()
    detail.remove_button.click()
    assert (DecisionKind.CUSTOM, "ACC-01", "ACC-01-C01") not in on_disk(opened).decisions
    opened.undo_action.trigger()
    assert (DecisionKind.CUSTOM, "ACC-01", "ACC-01-C01") in on_disk(opened).decisions


def test_last_activity_cannot_be_excluded(opened, answer_dialogs, shown):
    opened.open_job("SEC-01")
    detail = opened.views["metiers"].detail
    for activity in ["SEC-01-01", "SEC-01-02", "SEC-01-03", "SEC-01-04"]:
        select(detail, activity)
        answer_dialogs(lambda dialog: dialog.try_accept())
        detail.exclude_button.click()
    select(detail, "SEC-01-05")
    detail.exclude_button.click()  # no dialog: refused before asking for a reason
    assert shown.errors == ["Un métier doit garder au moins une activité exercée."]
    assert len(opened.document.project.decisions) == 4


def test_keyboard_enter_opens_detail_and_escape_returns(opened, qtbot):
    jobs = opened.views["metiers"]
    jobs.table.setFocus()
    jobs.table.setCurrentIndex(jobs.proxy.index(0, 0))
    qtbot.keyClick(jobs.table, Qt.Key.Key_Return)
    assert jobs.showing_detail()
    assert jobs.detail.title.text() == jobs.proxy.data(jobs.proxy.index(0, 0))
    qtbot.keyClick(jobs.detail.table, Qt.Key.Key_Escape)
    assert not jobs.showing_detail()


def test_history_panel_lists_changes(detail, opened, answer_dialogs):
    select(detail, "ACC-01-03")
    answer_dialogs(lambda dialog: (dialog.reason.setPlainText("Choix du conseil municipal."), dialog.try_accept())[1])
    detail.human_button.click()
    stack = opened.document.undo_stack
    assert stack.count() == 1
    assert stack.text(0) == ("« Répondre aux appels téléphoniques et aux courriels » conservée humaine par choix "
                             "de la collectivité")
    assert opened.history.stack() is stack
    assert opened.undo_action.toolTip().startswith("Annuler : « Répondre")


def test_delete_reverts_a_decision_only_from_the_decisions_table(opened, answer_dialogs, qtbot):
    """The Delete shortcut belongs to the table (PySide6 drops `context=` when a slot is given to the constructor)."""
    opened.open_job("ACC-01")
    detail = opened.views["metiers"].detail
    select(detail, "ACC-01-06")

    def fill(dialog):
        dialog.reason.setPlainText("Le courrier est enregistré par le secrétariat.")
        return dialog.try_accept()

    answer_dialogs(fill)
    detail.exclude_button.click()
    assert len(opened.document.project.decisions) == 1
    opened.show_view("decisions")
    view = opened.views["decisions"]
    view.table.setCurrentIndex(view.proxy.index(0, 0))
    view.open_button.setFocus()
    qtbot.keyClick(view.open_button, Qt.Key.Key_Delete)
    assert len(opened.document.project.decisions) == 1
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Delete)
    assert not opened.document.project.decisions
