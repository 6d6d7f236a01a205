"""The import wizard driven end to end on the ugly files of tests/data/staffing: pages, keyboard, personal data,
saved column models, errors on the file page, « Annuler » leaving no trace, and a 100 000-row file read off the UI
thread (the UI keeps ticking, progress is shown, the read can be interrupted).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt, QTimer
from PySide6.QtWidgets import QApplication, QComboBox, QWizard

from cartographie_desktop.core.model import MatchStatus
from cartographie_desktop.core.text import NNBSP
from cartographie_desktop.gui import dialogs
from cartographie_desktop.gui.app import setup_application
from cartographie_desktop.gui.settings import Settings
from cartographie_desktop.gui.wizard import ImportWizard, Page, common
from cartographie_desktop.gui.wizard.models import MatchModel
from cartographie_desktop.io import staffing
from cartographie_desktop.io.sniff import NOT_A_TABLE_MESSAGE, PASSWORD_MESSAGE
from cartographie_desktop.io.store import ProjectStore

DATA = Path(__file__).resolve().parents[1] / "data" / "staffing"
NEXT = QWizard.WizardButton.NextButton
FINISH = QWizard.WizardButton.FinishButton
CANCEL = QWizard.WizardButton.CancelButton


@pytest.fixture
def make_wizard(qtbot, qapp, settings, ref):
    """A wizard as the window opens it (French Qt translations), closed (and its work stopped) after the test."""
    setup_application(qapp)
    made: list[ImportWizard] = []

    def make(path: Path | None = None, **options) -> ImportWizard:
        wizard = ImportWizard(None, settings, ref, path=path, **options)
        qtbot.addWidget(wizard)
        wizard.show()
        made.append(wizard)
        if path is not None:
            idle(qtbot, wizard)
        return wizard

    yield make
    for wizard in made:
        if wizard.isVisible():
            wizard.reject()
    staffing.forget()


@pytest.fixture
def save_to(monkeypatch):
    """« Terminer » saves where the test says; records the name the wizard proposed."""
    asked: list[str] = []

    def answer(target: Path):
        def ask(_parent, start: str) -> Path:
            asked.append(start)
            return target

        monkeypatch.setattr(dialogs, "ask_save_path", ask)
        return asked

    return answer


def idle(qtbot, wizard: ImportWizard, timeout: int = 20_000) -> None:
    qtbot.waitUntil(lambda: not wizard.busy, timeout=timeout)


def next_page(qtbot, wizard: ImportWizard, timeout: int = 20_000) -> None:
    """Click « Suivant » and wait for the work the new page starts (the read) to end."""
    button = wizard.button(NEXT)
    assert button.isEnabled(), f"« Suivant » désactivé sur la page {wizard.currentId()}"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    idle(qtbot, wizard, timeout)


def finish(qtbot, wizard: ImportWizard) -> Path:
    with qtbot.waitSignal(wizard.project_written, timeout=20_000) as written:
        qtbot.mouseClick(wizard.button(FINISH), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not wizard.isVisible(), timeout=5000)
    return written.args[0]


def choose_field(combo: QComboBox, field: str) -> None:
    combo.setCurrentIndex(combo.findData(field))


# --- end to end -------------------------------------------------------------------------------------------------


def test_title_block_workbook_end_to_end(qtbot, make_wizard, settings, save_to, tmp_path):
    wizard = make_wizard(DATA / "mairie_titre_fusion.xlsx")
    assert wizard.button(NEXT).text() == "&Suivant >"  # Qt's own buttons in French (qtbase_fr.qm)
    assert wizard.button(CANCEL).text() == "Annuler"
    assert wizard.file_page.info.text().startswith("« mairie_titre_fusion.xlsx » : classeur Excel (.xlsx).")

    next_page(qtbot, wizard)
    assert wizard.currentId() == Page.SHEET
    preview = wizard.sheet_page.model
    assert wizard.state.header_row == 5
    assert preview.headerData(5, Qt.Orientation.Vertical) == "En-tête ▸ 6"
    assert preview.data(preview.index(5, 1)) == "Intitulé du poste"
    names = preview.rows[5].index("Nom de l'agent")
    assert preview.data(preview.index(7, names)) == common.MASK  # « DUPONT Marie » never shown
    assert "ligne 6 du fichier" in wizard.sheet_page.header_note.text()

    next_page(qtbot, wizard)
    assert wizard.currentId() == Page.COLUMNS
    page = wizard.columns_page
    assert page.combo_for("Intitulé du poste").currentText() == "Intitulé du poste *"
    name_row = next(row for row in page.rows if row.guess.header == "Nom de l'agent")
    assert name_row.status.text() == "ignorée (données personnelles)"
    assert "DUPONT" not in name_row.samples.text()
    assert not page.keep_personal.isChecked()
    choose_field(page.combo_for("Sexe"), "ignore")  # the user corrects a guess
    assert wizard.state.mapping[7] == "ignore"

    next_page(qtbot, wizard)
    assert wizard.currentId() == Page.VALUES
    values = wizard.values_page
    assert values.summary.text() == "24 lignes lues : 11 postes retenus, 13 lignes écartées."
    assert len(values.aside_model.items) == 13
    assert values.aside_model.data(values.aside_model.index(0, 1)) == "Intertitre « FILIERE ADMINISTRATIVE », pas un " \
                                                                      "poste."
    assert values.no_values.isVisibleTo(values)

    next_page(qtbot, wizard)
    assert wizard.currentId() == Page.MATCHING
    matches = wizard.match_page
    assert matches.counts.text() == "11 intitulés : 8 sûrs, 0 confirmé, 3 à vérifier."
    first = matches.model.key(0)
    assert wizard.state.match(first).status == MatchStatus.TO_CHECK  # what needs a decision comes first

    next_page(qtbot, wizard)
    summary = wizard.summary_page
    assert summary.commune.text() == "Saint-Exemple"
    assert summary.year.value() == 2025
    assert summary.key_agents.value.text() == "11"
    assert summary.key_check.value.text() == "3"
    assert "« Agent de restauration scolaire »" in summary.to_check.text()

    target = tmp_path / "projets" / "Saint-Exemple 2025.carto"
    settings.privacy_k = 5  # Préférences: the threshold a new project gets
    asked = save_to(target)
    written = finish(qtbot, wizard)
    assert written == target
    assert asked == [str(DATA / "Saint-Exemple 2025.carto")]  # no project folder yet: the staffing file's folder
    with ProjectStore.open(target) as store:
        project, personal = store.load_with_personal()
    assert (project.commune, project.year, len(project.posts)) == ("Saint-Exemple", 2025, 11)
    assert {post.sexe for post in project.posts} == {""}  # the corrected column
    assert personal == {}
    assert project.source_name == "mairie_titre_fusion.xlsx"
    assert project.privacy_k == 5
    assert settings.last_folder == str(target.parent)
    assert settings.last_staffing_folder == str(DATA)
    assert settings.column_models == []  # not asked for


def test_payroll_csv_in_windows_1252_keeps_no_personal_data(qtbot, make_wizard, save_to, tmp_path):
    wizard = make_wizard(DATA / "paie_2024.csv")
    assert wizard.file_page.info.text().splitlines()[0] == (
        "« paie_2024.csv » : fichier texte (CSV), encodage Windows (Europe occidentale), séparateur point-virgule.")
    next_page(qtbot, wizard)
    assert wizard.state.header_row == 0
    preview = wizard.sheet_page.model
    assert all(preview.data(preview.index(row, column)) == common.MASK for row in range(1, 5) for column in range(5))
    next_page(qtbot, wizard)
    statuses = {row.guess.header: row.status.text() for row in wizard.columns_page.rows}
    assert statuses["NIR"] == statuses["Nom"] == statuses["Date de naissance"] == "ignorée (données personnelles)"
    next_page(qtbot, wizard)
    assert wizard.values_page.summary.text() == ("28 lignes lues : 9 postes retenus, 16 lignes regroupées avec "
                                                 "celle du même agent (plusieurs mois de paie), 3 lignes écartées.")
    rows = {item.column: item for item in wizard.values_page.values_model.items}
    assert rows["Période"].count == 1
    assert rows["Période"].examples == ["Décembre"]
    next_page(qtbot, wizard)
    next_page(qtbot, wizard)
    assert wizard.summary_page.year.value() == 2024  # from the file's name: no title block in a payroll export
    assert wizard.summary_page.commune.text() == ""
    qtbot.mouseClick(wizard.button(FINISH), Qt.MouseButton.LeftButton)
    assert wizard.summary_page.error.text().startswith("Indiquez le nom de la commune")
    assert wizard.isVisible()
    wizard.summary_page.commune.setText("Saint-Exemple")
    target = tmp_path / "paie.carto"
    save_to(target)
    finish(qtbot, wizard)
    raw = target.read_bytes()
    for secret in (b"DUPONT", b"Marie", b"2 80 02 75 112 345 67", b"01/02/1980", b"A001"):
        assert secret not in raw
    with ProjectStore.open(target) as store:
        project, personal = store.load_with_personal()
    assert len(project.posts) == 9
    assert personal == {}


def test_keeping_personal_data_is_explicit(qtbot, make_wizard, save_to, tmp_path):
    wizard = make_wizard(DATA / "paie_2024.csv")
    next_page(qtbot, wizard)
    next_page(qtbot, wizard)
    page = wizard.columns_page
    assert page.keep_personal.isVisible()
    assert page.personal_warning.isVisible()
    page.keep_personal.click()
    assert next(r for r in page.rows if r.guess.header == "NIR").status.text() == "conservée (données personnelles)"
    for _ in range(3):
        next_page(qtbot, wizard)
    assert "conservées dans le projet, à votre demande" in wizard.summary_page.personal.text()
    wizard.summary_page.commune.setText("Saint-Exemple")
    save_to(tmp_path / "avec-noms.carto")
    finish(qtbot, wizard)
    with ProjectStore.open(tmp_path / "avec-noms.carto") as store:
        _project, personal = store.load_with_personal()
    assert any(values.get("nom") == "DUPONT" for values in personal.values())


def test_totem_budget_annex_skips_the_header_and_column_pages(qtbot, make_wizard, save_to, tmp_path):
    wizard = make_wizard(DATA / "budget_totem.xml")
    assert "état du personnel TotEM" in wizard.file_page.info.text()
    assert "6 lignes de personnel" in wizard.file_page.info.text()
    next_page(qtbot, wizard)
    assert wizard.currentId() == Page.VALUES
    assert wizard.values_page.summary.text() == "6 lignes lues : 5 postes retenus, 1 ligne écartée."
    assert "Le tableau n'a pas de colonne d'intitulé de poste : le grade sert d'intitulé." in \
        wizard.values_page.general.text()
    rows = {item.column: item for item in wizard.values_page.values_model.items}
    assert rows["Temps de travail"].examples == ["Temps non complet"]
    next_page(qtbot, wizard)
    page = wizard.match_page
    assert page.counts.text() == "5 intitulés : 0 sûr, 0 confirmé, 5 à vérifier."
    assert not page.validate_all.isEnabled()
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.BackButton), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.BackButton), Qt.MouseButton.LeftButton)
    assert wizard.currentId() == Page.FILE


def test_unreadable_values_are_counted_per_column(qtbot, make_wizard, tmp_path):
    path = tmp_path / "effectifs.csv"
    path.write_text("Poste;Grade;Sexe;Temps de travail\n"
                    "Agent d'accueil;Adjoint administratif;X;35h\n"
                    "Agent d'entretien;Adjoint technique;F;beaucoup\n"
                    "Agent d'entretien;Adjoint technique;?;35h\n"
                    "Jardinier;Adjoint technique;H;35h\n", encoding="utf-8")
    wizard = make_wizard(path)
    for _ in range(3):
        next_page(qtbot, wizard)
    rows = {item.column: item for item in wizard.values_page.values_model.items}
    assert (rows["Sexe"].count, rows["Sexe"].examples) == (2, ["X", "?"])
    assert rows["Sexe"].message == "Sexe « X » illisible : laissé vide."
    assert rows["Temps de travail"].count == 1
    assert rows["Temps de travail"].examples == ["beaucoup"]
    assert wizard.values_page.values_model.items[0].column == "Sexe"  # the most frequent first
    assert wizard.values_page.summary.text() == "4 lignes lues : 4 postes retenus, 0 ligne écartée."


# --- matching ----------------------------------------------------------------------------------------------------


def _to_matching(qtbot, wizard: ImportWizard) -> None:
    while wizard.currentId() != Page.MATCHING:
        next_page(qtbot, wizard)


def test_confirm_a_match_from_the_keyboard(qtbot, make_wizard, save_to, tmp_path):
    wizard = make_wizard(DATA / "mairie_titre_fusion.xlsx")
    _to_matching(qtbot, wizard)
    page = wizard.match_page
    table = page.table
    key = "agent de restauration scolaire"
    page.select_title(key)
    assert wizard.state.match(key).job_code is None
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_F2)  # edit « Métier retenu »
    editor = table.findChild(QComboBox)
    assert editor is not None
    assert editor.isVisible()
    assert [editor.itemText(i) for i in range(editor.count())][-1] == "Aucun métier pour l'instant (à vérifier)"
    assert editor.currentData() is None  # nothing retained yet
    editor.setCurrentIndex(editor.findData("RES-01"))
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # Enter commits the editor (it does not press « Suivant »)
    qtbot.waitUntil(lambda: key in wizard.state.choices, timeout=2000)  # Qt commits through a queued call
    assert wizard.currentId() == Page.MATCHING
    match = wizard.state.match(key)
    assert (match.job_code, match.status, match.confidence) == ("RES-01", MatchStatus.CONFIRMED, 1.0)
    assert page.model.data(page.model.index(page.model.row_of(key), MatchModel.STATUS)) == "confirmé"
    assert page.counts.text() == "11 intitulés : 8 sûrs, 1 confirmé, 2 à vérifier."

    page.select_title("agent polyvalent")
    qtbot.mouseClick(page.confirm, Qt.MouseButton.LeftButton)
    assert wizard.state.match("agent polyvalent").status == MatchStatus.CONFIRMED

    qtbot.mouseClick(page.validate_all, Qt.MouseButton.LeftButton)  # « Valider toutes les correspondances sûres »
    assert page.counts.text() == "11 intitulés : 0 sûr, 9 confirmés, 2 à vérifier."
    assert page.message.text() == "7 correspondances sûres validées."
    assert not page.validate_all.isEnabled()

    next_page(qtbot, wizard)
    target = tmp_path / "confirmes.carto"
    save_to(target)
    finish(qtbot, wizard)
    with ProjectStore.open(target) as store:
        project = store.load()
    assert project.matches[key].job_code == "RES-01"
    statuses = sorted(m.status.value for m in project.matches.values())
    assert statuses == ["a_verifier"] * 2 + ["confirme"] * 9


def test_search_the_whole_referentiel_and_filter(qtbot, make_wizard):
    wizard = make_wizard(DATA / "mairie_titre_fusion.xlsx")
    _to_matching(qtbot, wizard)
    page = wizard.match_page
    page.only_to_check.click()
    assert page.proxy.rowCount() == 3
    key = "professeur de piano"
    page.select_title(key)
    qtbot.keyClicks(page.search, "biblioth")
    qtbot.keyClick(page.search, Qt.Key.Key_Down)  # to the results
    assert page.jobs.hasFocus() or not wizard.isActiveWindow()
    assert page.jobs_proxy.rowCount() == 1
    qtbot.mouseClick(page.assign, Qt.MouseButton.LeftButton)
    assert wizard.state.match(key).job_code == "BIB-01"
    assert page.message.text() == "« Professeur de piano » → Agent de bibliothèque."
    assert page.proxy.rowCount() == 2  # no longer « à vérifier »
    page.select_title("responsable des services techniques")
    page.model.setData(page.model.index(page.model.row_of("responsable des services techniques"), MatchModel.JOB),
                       None)
    assert wizard.state.match("responsable des services techniques").status == MatchStatus.TO_CHECK


# --- sheets, header row, keyboard ------------------------------------------------------------------------------


def test_sheet_choice_and_header_row_by_keyboard(qtbot, make_wizard):
    wizard = make_wizard(DATA / "plusieurs_feuilles.xlsx")
    assert "4 feuilles dont 1 masquée ; feuille proposée : « Budget principal »." in wizard.file_page.info.text()
    next_page(qtbot, wizard)
    page = wizard.sheet_page
    assert page.sheet_combo.isVisible()
    assert page.sheet_combo.currentData() == "Budget principal"
    page.sheet_combo.setCurrentIndex(page.sheet_combo.findData("CCAS"))
    idle(qtbot, wizard)
    assert wizard.state.sheet == "CCAS"
    assert page.model.rows[0][0] == "Poste"
    assert page.sheet_combo.currentData() == "CCAS"
    assert page.table.hasFocus() or not wizard.isActiveWindow()
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Down)  # another header row: guesses follow
    assert wizard.state.header_row == 1
    assert page.model.headerData(1, Qt.Orientation.Vertical).startswith("En-tête")
    qtbot.keyClick(page.table, Qt.Key.Key_Up)
    assert wizard.state.header_row == 0
    assert wizard.state.mapping[0] == "title"
    qtbot.keyClick(page.table, Qt.Key.Key_Return)  # Enter = « Suivant »
    assert wizard.currentId() == Page.COLUMNS
    qtbot.keyClick(wizard.columns_page.rows[0].combo, Qt.Key.Key_Enter)
    idle(qtbot, wizard)
    assert wizard.currentId() == Page.VALUES
    assert wizard.values_page.summary.text() == "2 lignes lues : 2 postes retenus, 0 ligne écartée."  # the CCAS
    assert wizard.sheet_page.model.rowCount() == 0  # the preview is gone once the page is left


def test_a_column_mapping_without_title_nor_grade_is_refused(qtbot, make_wizard):
    wizard = make_wizard(DATA / "mairie_titre_fusion.xlsx")
    next_page(qtbot, wizard)
    next_page(qtbot, wizard)
    page = wizard.columns_page
    choose_field(page.combo_for("Intitulé du poste"), "ignore")
    choose_field(page.combo_for("Grade"), "ignore")
    qtbot.mouseClick(wizard.button(NEXT), Qt.MouseButton.LeftButton)
    assert wizard.currentId() == Page.COLUMNS
    assert page.error.text().startswith("Indiquez au moins la colonne de l'intitulé du poste ou celle du grade")
    choose_field(page.combo_for("Grade"), "grade")
    assert not page.error.isVisible()
    next_page(qtbot, wizard)
    assert wizard.currentId() == Page.VALUES
    assert "le grade sert d'intitulé" in wizard.values_page.general.text()


def test_changing_the_header_after_a_read_reads_again(qtbot, make_wizard):
    wizard = make_wizard(DATA / "mairie_titre_fusion.xlsx")
    for _ in range(3):
        next_page(qtbot, wizard)
    assert wizard.state.read_is_current
    back = wizard.button(QWizard.WizardButton.BackButton)
    qtbot.mouseClick(back, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(back, Qt.MouseButton.LeftButton)
    assert wizard.currentId() == Page.SHEET
    assert wizard.sheet_page.model.rowCount() > 0  # shown again
    table = wizard.sheet_page.table
    table.selectionModel().setCurrentIndex(wizard.sheet_page.model.index(0, 0),
                                           QItemSelectionModel.SelectionFlag.ClearAndSelect)
    assert wizard.state.header_row == 0
    assert not wizard.state.read_is_current
    next_page(qtbot, wizard)
    next_page(qtbot, wizard)
    assert wizard.state.read_is_current
    assert wizard.values_page.summary.text() != "24 lignes lues : 11 postes retenus, 13 lignes écartées."


# --- saved column models -----------------------------------------------------------------------------------------


def test_saved_column_model_is_offered_for_next_years_file(qtbot, make_wizard, settings, save_to, tmp_path):
    wizard = make_wizard(DATA / "mairie_titre_fusion.xlsx")
    next_page(qtbot, wizard)
    next_page(qtbot, wizard)
    page = wizard.columns_page
    assert not page.model_frame.isVisible()
    choose_field(page.combo_for("Sexe"), "ignore")
    page.save_model.click()
    assert settings.column_models == []  # saved only at « Terminer »
    for _ in range(3):
        next_page(qtbot, wizard)
    assert "Le modèle de colonnes sera enregistré" in wizard.summary_page.personal.text()
    save_to(tmp_path / "2025.carto")
    finish(qtbot, wizard)
    [model] = settings.column_models
    assert model["source"] == "mairie_titre_fusion.xlsx"
    assert {"header": "Sexe", "field": "ignore"} in model["columns"]

    second = make_wizard(DATA / "mairie_2026_colonnes_deplacees.xlsx")
    next_page(qtbot, second)
    next_page(qtbot, second)
    page = second.columns_page
    assert page.model_frame.isVisible()
    assert page.model_note.text().startswith("Modèle de colonnes enregistré depuis « mairie_titre_fusion.xlsx » le ")
    assert page.combo_for("Sexe").currentData() == "ignore"  # the saved choice, not the guess
    assert page.combo_for("Intitulé de poste").currentData() == "title"  # renamed column found by its near name
    qtbot.mouseClick(page.forget_model, Qt.MouseButton.LeftButton)
    assert page.combo_for("Sexe").currentData() == "sexe"
    assert not page.model_frame.isVisible()


def test_settings_keep_at_most_a_dozen_models_and_ignore_garbage(tmp_path):
    settings = Settings.in_file(tmp_path / "r.ini")
    for n in range(15):
        settings.save_column_model({"version": 1, "columns": [{"header": f"Colonne {n}", "field": "title"}]})
    assert len(settings.column_models) == 12
    assert settings.column_models[0]["columns"][0]["header"] == "Colonne 14"
    settings.save_column_model({"version": 1, "columns": [{"header": "colonne 14", "field": "grade"}]})
    assert len(settings.column_models) == 12  # same headers: replaced
    settings._s.setValue("import/column_models", "{pas du json")
    assert settings.column_models == []


# --- errors, cancel, no trace -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "message"), [
    ("binaire.xlsx", NOT_A_TABLE_MESSAGE.format(name="binaire.xlsx")),
    ("protege.xlsx", PASSWORD_MESSAGE),
    ("vide.csv", "Le fichier « vide.csv » est vide."),
    ("vide.xlsx", "Le fichier « vide.xlsx » ne contient aucune donnée."),
    ("entete_seul.xlsx", "Le fichier « entete_seul.xlsx » ne contient qu'une ligne (les noms des colonnes ?) : aucune "
                         "ligne de poste à importer."),
    ("absent.xlsx", "Le fichier « absent.xlsx » est introuvable : vérifiez qu'il n'a pas été déplacé."),
    *[(name, None) for name in ("xxe.xml", "billion_laughs.xml", "dimension_geante.xlsx", "bombe_declaree.xlsx",
                                "bombe_mensongere.xlsx", "ods_geant.ods", "effectifs.pdf", "page_web.xls",
                                "tronque.xlsx", "totem_sans_personnel.xml", "binaire.dat")],
])
def test_a_hostile_or_missing_file_gives_the_french_error_on_the_file_page(qtbot, make_wizard, shown, name, message):
    wizard = make_wizard(DATA / name)
    page = wizard.file_page
    assert page.error.isVisible()
    text = page.error.text()
    if message is not None:
        assert text == message
    assert text.startswith(("Le ", "La ", "« ")), text  # one French sentence, never a traceback
    assert "Traceback" not in text
    assert "Error" not in text
    assert not wizard.button(NEXT).isEnabled()
    assert shown.errors == []  # on the page, not in a dialog
    page.use(DATA / "sep_excel.csv")  # another file: the error goes away
    idle(qtbot, wizard)
    assert not page.error.isVisible()
    assert wizard.button(NEXT).isEnabled()


def test_browse_and_drop(qtbot, make_wizard, monkeypatch):
    from PySide6.QtCore import QMimeData, QPoint, QPointF, QUrl
    from PySide6.QtGui import QDragEnterEvent, QDropEvent

    wizard = make_wizard()
    assert not wizard.button(NEXT).isEnabled()
    starts = []
    monkeypatch.setattr(common, "ask_staffing_path", lambda _p, start: starts.append(start) or DATA / "latin1.csv")
    qtbot.mouseClick(wizard.file_page.browse, Qt.MouseButton.LeftButton)
    idle(qtbot, wizard)
    assert starts == [str(Path.home())]
    assert wizard.state.path == DATA / "latin1.csv"
    assert "encodage Windows (Europe occidentale), séparateur" in wizard.file_page.info.text()

    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(DATA / "tableau.ods"))])
    enter = QDragEnterEvent(QPoint(40, 40), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(wizard.file_page, enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(40, 40), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(wizard.file_page, drop)
    idle(qtbot, wizard)
    assert wizard.state.path == DATA / "tableau.ods"
    assert wizard.file_page.path_edit.text() == str(DATA / "tableau.ods")
    assert wizard.file_page.info.text().startswith("« tableau.ods » : classeur OpenDocument (.ods).")


def test_cancel_leaves_no_file_and_no_setting(qtbot, make_wizard, settings, tmp_path, monkeypatch):
    asked = []
    monkeypatch.setattr(dialogs, "ask_save_path", lambda *args: asked.append(args))
    settings.sync()
    before = sorted(tmp_path.rglob("*"))
    wizard = make_wizard(DATA / "mairie_titre_fusion.xlsx")
    next_page(qtbot, wizard)
    next_page(qtbot, wizard)
    wizard.columns_page.save_model.click()
    for _ in range(3):
        next_page(qtbot, wizard)
    assert wizard.currentId() == Page.SUMMARY
    qtbot.mouseClick(wizard.button(CANCEL), Qt.MouseButton.LeftButton)
    assert not wizard.isVisible()
    assert asked == []
    settings.sync()
    assert settings._s.allKeys() == []
    assert sorted(tmp_path.rglob("*")) == before
    assert wizard.state.prepared is None  # nothing read is kept


def test_finish_refuses_to_replace_the_open_project(qtbot, make_wizard, save_to, shown, tmp_path):
    opened = tmp_path / "ouvert.carto"
    wizard = make_wizard(DATA / "sep_excel.csv", current_project=lambda: opened)
    while wizard.currentId() != Page.SUMMARY:
        next_page(qtbot, wizard)
    wizard.summary_page.commune.setText("Saint-Exemple")
    save_to(opened)
    qtbot.mouseClick(wizard.button(FINISH), Qt.MouseButton.LeftButton)
    assert shown.errors == ["« ouvert.carto » est le projet ouvert dans la fenêtre : choisissez un autre nom."]
    assert wizard.isVisible()
    assert not opened.exists()


# --- a big file: off the UI thread ------------------------------------------------------------------------------

TITLES = ["Agent d'accueil", "Agent d'entretien", "ATSEM", "Jardinier", "Secrétaire de mairie"]


def big_csv(path: Path, rows: int = 100_000) -> Path:
    lines = ["Poste;Grade;Statut;Temps de travail;Service"]
    lines += [f"{TITLES[n % 5]};Adjoint technique;Titulaire;{'80 %' if n % 4 else '35h'};Service {n % 30}"
              for n in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.slow
def test_a_hundred_thousand_rows_never_freeze_the_window(qtbot, make_wizard, tmp_path):
    wizard = make_wizard(big_csv(tmp_path / "paie_100000.csv"))
    next_page(qtbot, wizard)
    next_page(qtbot, wizard)
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start()
    started = time.monotonic()
    qtbot.mouseClick(wizard.button(NEXT), Qt.MouseButton.LeftButton)
    assert wizard.busy
    assert wizard.reading
    assert not wizard.button(NEXT).isEnabled()
    idle(qtbot, wizard, timeout=120_000)
    elapsed = time.monotonic() - started
    timer.stop()
    page = wizard.values_page
    assert page.summary.text() == f"100{NNBSP}000 lignes lues : 100{NNBSP}000 postes retenus, 0 ligne écartée."
    intermediate = {value for value in page.progress_seen if 0 < value < page.PROGRESS_MAX}
    assert len(intermediate) >= 3, page.progress_seen  # the bar moved while reading
    # The UI thread kept serving its timers all along: no stall near the 5 s after which Windows calls a window
    # « ne répond pas ». (How often it ticks depends on the machine's load; that is for benchmarks, not tests.)
    gaps = [b - a for a, b in zip([started, *ticks], [*ticks, started + elapsed], strict=True)]
    assert len(ticks) >= 3, (len(ticks), elapsed)
    assert max(gaps) < 2.0, (max(gaps), elapsed)


def start_big_read(qtbot, make_wizard, tmp_path: Path) -> ImportWizard:
    """A wizard on the columns page of a 100 000-row file, « Suivant » just clicked: the read is under way."""
    wizard = make_wizard(big_csv(tmp_path / "paie_100000.csv"))
    next_page(qtbot, wizard)
    next_page(qtbot, wizard)
    qtbot.mouseClick(wizard.button(NEXT), Qt.MouseButton.LeftButton)
    assert wizard.reading
    return wizard


@pytest.mark.slow
def test_reading_can_be_interrupted(qtbot, make_wizard, tmp_path):
    wizard = start_big_read(qtbot, make_wizard, tmp_path)
    page = wizard.values_page
    assert page.interrupt.isVisible()
    qtbot.waitUntil(lambda: bool(page.progress_seen), timeout=20_000)
    qtbot.mouseClick(page.interrupt, Qt.MouseButton.LeftButton)
    idle(qtbot, wizard, timeout=60_000)
    assert page.step.text().startswith("Lecture interrompue.")
    assert wizard.state.prepared is None
    assert not wizard.button(NEXT).isEnabled()
    assert page.retry.isVisible()


@pytest.mark.slow
def test_cancel_during_the_read_stops_it(qtbot, make_wizard, tmp_path):
    wizard = start_big_read(qtbot, make_wizard, tmp_path)
    task = wizard.task
    assert task is not None
    qtbot.mouseClick(wizard.button(CANCEL), Qt.MouseButton.LeftButton)
    assert not wizard.isVisible()
    qtbot.waitUntil(lambda: not task.running, timeout=60_000)  # the worker noticed and stopped
    assert not list(tmp_path.glob("*.carto"))


# --- from the main window ---------------------------------------------------------------------------------------


def test_dropped_file_imported_then_opened_in_the_window(qtbot, window, settings, save_to, tmp_path):
    from tests.gui.test_gui_window import drop

    assert drop(window, DATA / "mairie_titre_fusion.xlsx")
    qtbot.waitUntil(lambda: window.import_wizard is not None and window.import_wizard.state.info is not None,
                    timeout=20_000)
    wizard = window.import_wizard
    while wizard.currentId() != Page.SUMMARY:
        next_page(qtbot, wizard)
    target = tmp_path / "Saint-Exemple 2025.carto"
    save_to(target)
    with qtbot.waitSignal(window.project_loaded, timeout=20_000):
        qtbot.mouseClick(wizard.button(FINISH), Qt.MouseButton.LeftButton)
    assert window.import_wizard is None
    assert window.document is not None
    assert window.document.path == target
    assert window.document.commune == "Saint-Exemple"
    assert settings.recent_files == [target.resolve()]
    assert window.windowTitle().startswith("Saint-Exemple — Saint-Exemple 2025.carto")


# --- keyboard ------------------------------------------------------------------------------------------------------


def _mnemonics(wizard: ImportWizard) -> list[str]:
    """The Alt+letter keys reachable on the current page: its labels (with a buddy) and buttons, and the wizard's."""
    import re

    from PySide6.QtWidgets import QAbstractButton, QLabel

    page = wizard.currentPage()
    texts = [w.text() for w in page.findChildren(QAbstractButton) if w.isVisible()]
    texts += [w.text() for w in page.findChildren(QLabel) if w.isVisible() and w.buddy() is not None]
    texts += [wizard.button(b).text() for b in (QWizard.WizardButton.BackButton, NEXT, FINISH)
              if wizard.button(b).isVisible()]
    keys = []
    for text in texts:
        found = re.search(r"&([^&])", text)
        if found:
            keys.append(found.group(1).lower())
    return keys


def test_every_page_has_distinct_keyboard_shortcuts(qtbot, make_wizard):
    wizard = make_wizard(DATA / "paie_2024.csv")
    seen = {}
    while True:
        keys = _mnemonics(wizard)
        assert len(keys) == len(set(keys)), (wizard.currentId(), keys)
        seen[wizard.currentId()] = keys
        if wizard.currentId() == Page.SUMMARY:
            break
        next_page(qtbot, wizard)
    assert set(seen) == set(Page)
    assert "s" in seen[Page.MATCHING]  # « Suivant » keeps Alt+S beside « Valider toutes les correspondances sûres »


def test_enter_in_the_search_box_goes_to_the_results_not_to_the_next_page(qtbot, make_wizard):
    wizard = make_wizard(DATA / "mairie_titre_fusion.xlsx")
    _to_matching(qtbot, wizard)
    page = wizard.match_page
    page.search.setFocus()
    qtbot.keyClicks(page.search, "jardin")
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    assert wizard.currentId() == Page.MATCHING
    assert page.jobs.currentIndex().isValid()


def test_an_empty_sheet_is_refused_on_the_sheet_page(qtbot, make_wizard):
    wizard = make_wizard(DATA / "ancien_format.xls")
    next_page(qtbot, wizard)
    page = wizard.sheet_page
    empty = next(page.sheet_combo.itemData(i) for i in range(page.sheet_combo.count())
                 if page.sheet_combo.itemData(i) != wizard.state.sheet)
    page.sheet_combo.setCurrentIndex(page.sheet_combo.findData(empty))
    idle(qtbot, wizard)
    assert wizard.state.sheet == empty
    qtbot.mouseClick(wizard.button(NEXT), Qt.MouseButton.LeftButton)
    assert wizard.currentId() == Page.SHEET
    assert page.error.text() == f"La feuille « {empty} » est vide : choisissez une autre feuille."


def test_a_title_to_check_shows_its_proposal_and_confirm_takes_it(qtbot, make_wizard):
    wizard = make_wizard(DATA / "mairie_titre_fusion.xlsx")
    _to_matching(qtbot, wizard)
    page = wizard.match_page
    model = page.model
    key = "responsable des services techniques"
    job = model.index(model.row_of(key), MatchModel.JOB)
    assert model.data(job) == f"proposé : Directeur général des services (51{NNBSP}%)"
    assert model.data(job, Qt.ItemDataRole.FontRole).italic()
    page.select_title(key)
    assert page.confirm.isEnabled()
    qtbot.mouseClick(page.confirm, Qt.MouseButton.LeftButton)
    assert (wizard.state.match(key).job_code, wizard.state.match(key).status) == ("DIR-01", MatchStatus.CONFIRMED)
    nothing = "professeur de piano"  # the matcher's best guesses score 0: nothing worth proposing
    assert model.data(model.index(model.row_of(nothing), MatchModel.JOB)) == "— à choisir —"
    page.select_title(nothing)
    assert not page.confirm.isEnabled()


def test_proposed_file_name_and_folder(qtbot, make_wizard, settings, save_to, tmp_path):
    from cartographie_desktop.gui import demo

    wizard = make_wizard(DATA / "sep_excel.csv")
    while wizard.currentId() != Page.SUMMARY:
        next_page(qtbot, wizard)
    wizard.summary_page.commune.setText("  Saint-Jean / Les Bains ")
    wizard.summary_page.year.setValue(2027)
    settings.last_folder = str(tmp_path / "projets")
    assert wizard.default_project_path() == tmp_path / "projets" / "Saint-Jean - Les Bains 2027.carto"
    settings.last_folder = str(demo.demo_folder())  # the example commune's folder is not where projects go
    assert wizard.default_project_path() == DATA / "Saint-Jean - Les Bains 2027.carto"


def test_typed_path_then_enter(qtbot, make_wizard):
    wizard = make_wizard()
    edit = wizard.file_page.path_edit
    edit.setFocus()
    qtbot.keyClicks(edit, str(DATA / "utf8_bom_virgule.csv"))
    assert not wizard.button(NEXT).isEnabled()
    qtbot.keyClick(edit, Qt.Key.Key_Return)  # analysed; « Suivant » is not pressed before the file is known
    idle(qtbot, wizard)
    assert wizard.currentId() == Page.FILE
    assert "encodage UTF-8, séparateur virgule" in wizard.file_page.info.text()
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert wizard.currentId() == Page.SHEET


def test_the_mouse_wheel_never_changes_a_column_by_accident(qtbot, make_wizard):
    from PySide6.QtCore import QPoint, QPointF
    from PySide6.QtGui import QWheelEvent

    wizard = make_wizard(DATA / "mairie_titre_fusion.xlsx")
    next_page(qtbot, wizard)
    next_page(qtbot, wizard)
    combo = wizard.columns_page.combo_for("Grade")
    wizard.columns_page.combo_for("Service").setFocus()
    wheel = QWheelEvent(QPointF(5, 5), QPointF(combo.mapToGlobal(QPoint(5, 5))), QPoint(0, 0), QPoint(0, -120),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(combo, wheel)
    assert combo.currentData() == "grade"
