"""The table models: Qt's model tester, sorting on every column (numbers as numbers), filters, band colours."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from cartographie_desktop.core.palette import BAND_COLOURS, BAND_TEXT_COLOURS
from cartographie_desktop.core.scoring import Band
from cartographie_desktop.core.text import fold
from cartographie_desktop.gui.models import (
    BAND_ROLE,
    SORT_ROLE,
    ActivityTableModel,
    DecisionTableModel,
    JobFilterProxy,
    JobTableModel,
    PostFilterProxy,
    PostTableModel,
    ReferentielFilterProxy,
    ReferentielModel,
    band_words,
)
from tests.gui import gui_factory


@pytest.fixture
def jobs(document):
    model = JobTableModel(document)
    proxy = JobFilterProxy()
    proxy.setSourceModel(model)
    return model, proxy


def column_values(model, column, role=Qt.ItemDataRole.DisplayRole):
    return [model.data(model.index(row, column), role) for row in range(model.rowCount())]


def test_models_pass_qt_model_tester(qtmodeltester, document):
    gui_factory.add_sample_decisions(document.project, document.ref)
    document._changed({"decisions"})
    code = document.most_exposed_job()
    job_proxy = JobFilterProxy()
    job_proxy.setSourceModel(JobTableModel(document))
    post_proxy = PostFilterProxy()
    post_proxy.setSourceModel(PostTableModel(document))
    ref_proxy = ReferentielFilterProxy()
    ref_proxy.setSourceModel(ReferentielModel(document))
    for model in (JobTableModel(document), job_proxy, PostTableModel(document), post_proxy,
                  ActivityTableModel(document, code), DecisionTableModel(document), ReferentielModel(document),
                  ref_proxy):
        qtmodeltester.check(model, force_py=True)


def test_job_table_lists_every_job_of_the_project(jobs, document):
    model, _ = jobs
    assert model.rowCount() == len(document.results()) == 16
    codes = {model.row(r).code for r in range(model.rowCount())}
    assert codes == set(document.results())


def test_band_in_words_and_colours_from_the_palette(jobs, document):
    model, _ = jobs
    for row in range(model.rowCount()):
        band = model.row(row).result.technical.band
        assert model.data(model.index(row, JobTableModel.BAND)) == band_words(band)
        assert model.data(model.index(row, JobTableModel.BAND), BAND_ROLE) == band.value
        for column in range(model.columnCount()):
            background = model.data(model.index(row, column), Qt.ItemDataRole.BackgroundRole)
            foreground = model.data(model.index(row, column), Qt.ItemDataRole.ForegroundRole)
            assert isinstance(background, QBrush)
            assert background.color() == QColor(BAND_COLOURS[band])
            assert foreground.color() == QColor(BAND_TEXT_COLOURS[band])
    shown = set(column_values(model, JobTableModel.BAND))
    assert {"Concerné", "Peu concerné", "Pas concerné"} <= shown


def test_scores_are_shown_the_french_way(jobs):
    model, _ = jobs
    scores = column_values(model, JobTableModel.SCORE)
    assert all("," in s and "." not in s and len(s) == 4 for s in scores)
    ftes = column_values(model, JobTableModel.FTE)
    assert "1,6" in ftes  # 2 × 0.8 FTE


@pytest.mark.parametrize("column", range(len(JobTableModel.COLUMNS)))
def test_sorting_on_every_column_uses_the_raw_value(jobs, column):
    model, proxy = jobs
    for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
        proxy.sort(column, order)
        keys = [proxy.data(proxy.index(r, column), SORT_ROLE) for r in range(proxy.rowCount())]
        assert keys == sorted(keys, reverse=order == Qt.SortOrder.DescendingOrder)
        assert len(keys) == model.rowCount()


def test_numbers_sort_as_numbers_not_text(jobs):
    _model, proxy = jobs
    proxy.sort(JobTableModel.AGENTS, Qt.SortOrder.DescendingOrder)
    agents = [int(proxy.data(proxy.index(r, JobTableModel.AGENTS))) for r in range(proxy.rowCount())]
    assert agents == sorted(agents, reverse=True)
    assert agents[0] == 6  # « 6 » before « 5 », and « 10 » would come before « 9 » too
    proxy.sort(JobTableModel.SCORE, Qt.SortOrder.DescendingOrder)
    top = proxy.data(proxy.index(0, JobTableModel.LABEL))
    assert top == "Assistant de gestion administrative"


def test_label_sort_ignores_accents_and_case(jobs):
    _, proxy = jobs
    proxy.sort(JobTableModel.LABEL, Qt.SortOrder.AscendingOrder)
    labels = [proxy.data(proxy.index(r, 0)) for r in range(proxy.rowCount())]
    assert labels == sorted(labels, key=fold)


def test_filters_by_text_band_filiere_categorie_direction(jobs, document):
    model, proxy = jobs

    def shown():
        return {proxy.data(proxy.index(r, 0)) for r in range(proxy.rowCount())}

    proxy.set_filters(text="ETAT civil")
    assert shown() == {"Officier d'état civil"}
    proxy.set_filters(text="")
    proxy.set_filters(bands=[Band.CONCERNE.value])
    assert shown() == {"Assistant de gestion administrative", "Gestionnaire comptable",
                       "Gestionnaire des ressources humaines", "Agent d'accueil"}
    proxy.set_filters(bands=[])
    proxy.set_filters(filiere="police_municipale")
    assert shown() == {"Policier municipal"}
    proxy.set_filters(filiere=None, categorie="A")
    assert shown() == {"Secrétaire de mairie", "Directeur général des services"}
    proxy.set_filters(categorie=None, direction="Services techniques")
    assert shown() == {"Agent d'entretien des locaux", "Agent des espaces verts", "Agent de maintenance des bâtiments"}
    # the direction filter also counts only that direction's agents
    agents = {proxy.data(proxy.index(r, 0)): proxy.data(proxy.index(r, JobTableModel.AGENTS))
              for r in range(proxy.rowCount())}
    assert agents["Agent d'entretien des locaux"] == "6"
    proxy.set_filters(direction="Enfance et écoles")
    assert shown() == {"ATSEM", "Cuisinier en restauration collective"}
    proxy.set_filters(direction=None)
    assert proxy.rowCount() == model.rowCount()


def test_retained_column_only_when_it_differs(document):
    gui_factory.add_sample_decisions(document.project, document.ref)
    document._changed({"decisions"})
    model = JobTableModel(document)
    retained = {model.row(r).code: model.data(model.index(r, JobTableModel.RETAINED)) for r in range(model.rowCount())}
    assert retained["ACC-01"].endswith("concerné")
    assert retained["ACC-01"].startswith("0,")
    assert retained["RH-01"] == ""  # excluding an activity changes the technical score, not the retained one only
    decisions = {model.row(r).code: model.data(model.index(r, JobTableModel.DECISIONS))
                 for r in range(model.rowCount())}
    assert decisions["ACC-01"] == "1"
    assert decisions["SEC-01"] == ""


def test_job_model_update_keeps_rows_when_only_scores_change(document, qtbot):
    model = JobTableModel(document)
    gui_factory.add_sample_decisions(document.project, document.ref)
    document._changed({"decisions"})
    with qtbot.waitSignal(model.dataChanged), qtbot.assertNotEmitted(model.modelReset):
        model.update()


# --- posts ----------------------------------------------------------------------------------------------------


@pytest.fixture
def posts(document):
    model = PostTableModel(document)
    proxy = PostFilterProxy()
    proxy.setSourceModel(model)
    return model, proxy


@pytest.mark.parametrize("column", range(len(PostTableModel.COLUMNS)))
def test_posts_sort_on_every_column(posts, column):
    model, proxy = posts
    for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
        proxy.sort(column, order)
        keys = [model.data(model.index(r, column), SORT_ROLE) for r in range(model.rowCount())]
        assert keys == sorted(keys, key=lambda k: (k is None, k), reverse=order == Qt.SortOrder.DescendingOrder)
        assert proxy.rowCount() == model.rowCount() == 44


def test_posts_sort_keeps_the_selected_post(posts, qtbot):
    from PySide6.QtCore import QPersistentModelIndex

    model, proxy = posts
    marked = QPersistentModelIndex(model.index(5, 0))
    post_id = model.post(5).id
    proxy.sort(PostTableModel.FTE, Qt.SortOrder.DescendingOrder)
    assert model.post(marked.row()).id == post_id


def test_posts_filters(posts):
    _model, proxy = posts
    proxy.set_filters(states=["a_verifier", "aucune"])
    assert proxy.rowCount() == 1
    assert proxy.data(proxy.index(0, PostTableModel.MATCH)) == "⚠ À vérifier"
    assert proxy.data(proxy.index(0, PostTableModel.BAND)) == ""
    proxy.set_filters(states=[], text="atsem")
    assert proxy.rowCount() == 5
    proxy.set_filters(text="", direction="Police municipale")
    assert proxy.rowCount() == 3
    proxy.set_filters(direction=None, bands=["concerne"])
    assert proxy.rowCount() == 8
    band_cells = {proxy.data(proxy.index(r, PostTableModel.BAND), Qt.ItemDataRole.BackgroundRole).color().name()
                  for r in range(proxy.rowCount())}
    assert band_cells == {BAND_COLOURS[Band.CONCERNE].lower()}


def test_activity_model_marks_decisions(document):
    gui_factory.add_sample_decisions(document.project, document.ref)
    document._changed({"decisions"})
    model = ActivityTableModel(document, "RH-01")
    row = model.row_of("RH-01-05")
    assert model.data(model.index(row, ActivityTableModel.DECISION)) == "Non exercée"
    assert model.data(model.index(row, 0), Qt.ItemDataRole.FontRole).strikeOut()
    assert model.data(model.index(row, ActivityTableModel.SCORE), Qt.ItemDataRole.BackgroundRole) is None
    model = ActivityTableModel(document, "ACC-02")
    custom = [model.activity(r) for r in range(model.rowCount()) if model.activity(r).custom]
    assert [a.label for a in custom] == ["Tenir le registre des concessions du cimetière"]
    estimated = model.row_of("ACC-02-06")
    assert model.data(model.index(estimated, ActivityTableModel.DECISION)) == "Score estimé (aucune tâche OIT)"
