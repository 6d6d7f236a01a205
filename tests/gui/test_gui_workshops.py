"""The Ateliers view and the workshop mode: keyboard entry, proposed decisions applied and undone, the offline kit
round trip through the window's actions, a damaged kit, leaving the workshop mode without losing anything."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit

from cartographie_desktop.core import workshops as ws
from cartographie_desktop.core.model import DecisionKind
from cartographie_desktop.gui import dialogs
from cartographie_desktop.gui.workshop_form import split_participants
from cartographie_desktop.gui.workshop_mode import WorkshopTimer, clock_text
from cartographie_desktop.io.store import ProjectStore, open_project
from cartographie_desktop.io.xlsx_text import put
from tests.gui import gui_factory
from tests.io.test_workshop_kit import field_row, kit_sheet, put_line, rows

ENTER = Qt.Key.Key_Return
CTRL = Qt.KeyboardModifier.ControlModifier


def accueil_sheet(ref, project) -> ws.WorkshopSheet:
    """A sheet for the reception job with a few lines and two proposals (one to keep an activity human)."""
    sheet = ws.new_sheet(project, ref, "ACC-01", number=1, date="12/03/2026", place="Salle du conseil",
                         facilitator="DGS", title="Comprendre et mesurer les impacts", sheet_id="s-accueil")
    first, second = sheet.activities[0], sheet.activities[1]
    return ws.check_sheet(replace(
        sheet,
        impact=ws.Impact(50, 60),
        participants=(ws.Participant("p1", 2, "agents d'accueil"),),
        activities=(replace(first, status="maintenue", text="Maintien du contact physique"), *sheet.activities[1:]),
        needs=(ws.Need("b1", "formation", "Démarches en ligne", "agents d'accueil", "CNFPT", "S1 2026", "haute",
                       "court_terme"),),
        proposals=(ws.Proposal("d1", "conservee_humaine", first.activity, None, "l'accueil physique reste humain"),
                   ws.Proposal("d2", "score_modifie", second.activity, 0.2, "peu de rendez-vous dans la commune")),
    ))


@pytest.fixture
def project_path(tmp_path, ref) -> Path:
    """The GUI test commune with two sheets: the reception job (filled in part) and an empty one."""
    project = gui_factory.project_for(ref)
    project.workshops = [accueil_sheet(ref, project),
                         ws.new_sheet(project, ref, "ADM-02", number=1, date="12/03/2026", sheet_id="s-assistant")]
    path = tmp_path / "bois-joli.carto"
    ProjectStore.create(path, project).close()
    return path


@pytest.fixture
def view(opened):
    opened.show_view("ateliers")
    view = opened.views["ateliers"]
    view.ensure_fresh()
    view.select_sheet("s-accueil")
    assert view.form.sheet_id == "s-accueil"
    return view


def current(window, sheet_id: str = "s-accueil") -> ws.WorkshopSheet:
    return ws.find_sheet(window.document.project, sheet_id)


def saved(window, sheet_id: str = "s-accueil") -> ws.WorkshopSheet:
    return ws.find_sheet(open_project(window.document.path), sheet_id)


def texts(sheet: ws.WorkshopSheet, section: str) -> list[str]:
    return [line.text for line in sheet.lines(section)]


def editor_of(table) -> QLineEdit | QComboBox:
    """The cell editor open in a table (the test types into it as a person would)."""
    found = [w for w in table.viewport().findChildren(QLineEdit) + table.viewport().findChildren(QComboBox)
             if w.parentWidget() is table.viewport() and w.isVisible()]
    assert len(found) == 1, f"{len(found)} éditeurs ouverts"
    return found[0]


def press_enter(qtbot, widget) -> None:
    """Enter in a cell: the delegate saves it on the next turn of the event loop (as Qt does), then the next line
    opens."""
    qtbot.keyClick(widget, ENTER)
    QApplication.processEvents()


def type_text(qtbot, editor: QLineEdit, text: str) -> None:
    """Key by key (QTest only knows ASCII keys: an accented letter is inserted as a keyboard layout would)."""
    for char in text:
        if char.isascii():
            qtbot.keyClick(editor, char)
        else:
            editor.insert(char)


def type_line(qtbot, table, text: str) -> None:
    editor = editor_of(table)
    type_text(qtbot, editor, text)
    press_enter(qtbot, editor)


# --- the view -------------------------------------------------------------------------------------------------------


def test_view_lists_sheets_by_job_and_shows_the_estimate_next_to_the_score(view, opened, ref):
    assert [row[0].id for row in view.model.rows] == ["s-accueil", "s-assistant"]  # « Agent d'accueil » < « Assistant »
    assert view.form.title.text() == "Agent d'accueil"
    result = ws.job_result(opened.document.project, ref, "ACC-01")
    comparison = ws.compare_impact(ws.Impact(50, 60), result)
    assert view.form.computed.text() == f"Score calculé : {comparison.score}\u202f%"
    assert view.form.band_chip.text().strip() == comparison.band.label.capitalize()
    assert view.form.gap.text() == comparison.sentence
    assert view.form.models["activities"].rowCount() == len(ref.jobs["ACC-01"].activities) + 1  # + the « + » row
    assert "3 fiches" not in view.counts.text()
    assert view.counts.text().startswith("2 fiches pour 2 métiers")


def test_gap_sentence_appears_beyond_fifteen_points(view, opened, qtbot):
    field = view.form.fields["impact"]
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, "90 %")
    qtbot.keyClick(field, ENTER)
    assert current(opened).impact == ws.Impact(90, 90)
    assert saved(opened).impact == ws.Impact(90, 90)
    assert "de plus que le score calculé" in view.form.gap.text()
    assert view.form.gap.property("differs") is True
    opened.undo_action.trigger()
    assert current(opened).impact == ws.Impact(50, 60)
    assert field.text() == "50–60\u202f%"


def test_a_value_that_cannot_be_saved_is_explained_and_kept(view, opened, qtbot, shown):
    field = view.form.fields["date"]
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, "le 14 mars")
    qtbot.keyClick(field, ENTER)
    assert shown.errors == ["Date illisible : « le 14 mars ». Écrivez-la sous la forme 14/03/2026."]
    assert field.text() == "le 14 mars"  # still there, to be corrected
    assert saved(opened).date == "2026-03-12"


# --- keyboard entry ------------------------------------------------------------------------------------------------


def test_fill_a_sheet_from_the_keyboard(view, opened, qtbot):
    risks = view.form.tables["risks"]
    risks.setFocus()
    qtbot.keyClick(risks, ENTER)  # Enter: a new line
    type_line(qtbot, risks, "Perte de sens")
    type_line(qtbot, risks, "Isolement")  # Enter saved the line and opened the next one at once
    assert texts(current(opened), "risks") == ["Perte de sens", "Isolement"]
    assert texts(saved(opened), "risks") == ["Perte de sens", "Isolement"]  # saved at once
    # Tab, even from inside the new line, moves to the next list (opportunities, beside the risks)
    qtbot.keyClick(editor_of(risks), Qt.Key.Key_Tab)
    opportunities = view.form.tables["opportunities"]
    assert opened.focusWidget() is opportunities
    qtbot.keyClick(opportunities, ENTER)
    type_line(qtbot, opportunities, "Autonomie")
    qtbot.keyClick(editor_of(opportunities), Qt.Key.Key_Escape)
    assert texts(saved(opened), "opportunities") == ["Autonomie"]

    # Enter on a line opens a new line just below it
    risks.setFocus()
    risks.setCurrentIndex(risks.model().index(0, 0))
    qtbot.keyClick(risks, ENTER)
    type_line(qtbot, risks, "Fiabilité de la donnée")
    qtbot.keyClick(editor_of(risks), Qt.Key.Key_Escape)
    assert texts(saved(opened), "risks") == ["Perte de sens", "Fiabilité de la donnée", "Isolement"]
    assert risks.model().ghost == 3  # the « + » row went back to the end

    # Ctrl+↓ moves a line, Delete removes it, Ctrl+Z brings it back
    risks.setCurrentIndex(risks.model().index(0, 0))
    qtbot.keyClick(risks, Qt.Key.Key_Down, CTRL)
    assert texts(saved(opened), "risks") == ["Fiabilité de la donnée", "Perte de sens", "Isolement"]
    assert risks.currentIndex().row() == 1  # the cursor follows the line
    qtbot.keyClick(risks, Qt.Key.Key_Delete)
    assert texts(saved(opened), "risks") == ["Fiabilité de la donnée", "Isolement"]
    opened.undo_action.trigger()
    assert texts(saved(opened), "risks") == ["Fiabilité de la donnée", "Perte de sens", "Isolement"]


def test_typing_on_a_line_edits_it_and_choices_come_from_a_list(view, opened, qtbot):
    activities = view.form.tables["activities"]
    model = activities.model()
    second = current(opened).activities[1]
    text_column = [c.field for c in model.columns].index("text")
    activities.setFocus()
    activities.setCurrentIndex(model.index(1, text_column))
    qtbot.keyClicks(activities, "R")  # typing starts editing the cell
    editor = editor_of(activities)
    editor.setText("Rendez-vous en ligne, l'agent gère les exceptions")
    press_enter(qtbot, editor)
    status_column = [c.field for c in model.columns].index("status")
    activities.setCurrentIndex(model.index(1, status_column))
    activities.edit(activities.currentIndex())
    box = editor_of(activities)
    assert isinstance(box, QComboBox)
    box.setCurrentIndex(box.findData("automatisee"))
    box.activated.emit(box.currentIndex())  # picking a value saves it
    line = ws.find_sheet(open_project(opened.document.path), "s-accueil").line("activities", second.id)
    assert (line.status, line.text) == ("automatisee", "Rendez-vous en ligne, l'agent gère les exceptions")
    assert model.data(model.index(1, status_column)) == "automatisée"
    # a new activity appearing by 2035, typed on the « + » row
    qtbot.keyClick(activities, Qt.Key.Key_End, CTRL)
    qtbot.keyClick(activities, ENTER)
    type_line(qtbot, activities, "Vérifier les réponses de l'assistant en ligne")
    qtbot.keyClick(editor_of(activities), Qt.Key.Key_Escape)
    new = current(opened).activities[-1]
    assert (new.label, new.status, new.text) == ("", "nouvelle", "Vérifier les réponses de l'assistant en ligne")


def test_participants_by_role_never_by_name(view, opened, qtbot, shown):
    table = view.form.tables["participants"]
    table.setFocus()
    qtbot.keyClick(table, ENTER)
    type_line(qtbot, table, "1 représentant du personnel")
    assert [(p.count, p.role) for p in saved(opened).participants] == [(2, "agents d'accueil"),
                                                                        (1, "représentant du personnel")]
    type_line(qtbot, table, "Jean DUPONT")
    assert shown.errors
    assert "ressemble à « Prénom NOM »" in shown.errors[-1]
    assert len(saved(opened).participants) == 2
    assert split_participants("3 × agents") == {"count": 3, "role": "agents"}
    assert split_participants("DGS") == {"count": 1, "role": "DGS"}


# --- proposed decisions ----------------------------------------------------------------------------------------------


def test_apply_proposed_decisions_then_undo(view, opened, ref):
    document = opened.document
    key_human = (DecisionKind.KEEP_HUMAN, "ACC-01", "ACC-01-01")
    before = document.results()["ACC-01"]
    assert view.form.retained_note.text() == ""
    assert view.form.apply_button.isEnabled()
    view.form.apply_button.click()
    after = document.results()["ACC-01"]
    assert key_human in open_project(document.path).decisions
    decision = document.project.decisions[key_human]
    assert decision.reason == "Atelier n° 1 du 12/03/2026 : l'accueil physique reste humain"
    assert after.retained.mean < before.retained.mean  # the retained score changed
    assert after.technical.mean != before.technical.mean  # the score changed by the group too
    assert view.form.retained_note.text().startswith("score retenu : ")
    applied = view.form.models["proposals"]
    assert applied.data(applied.index(0, 4)) == "appliquée"
    assert not view.form.apply_button.isEnabled()
    assert document.undo_stack.count() == 1  # one step for both decisions

    opened.undo_action.trigger()
    back = document.results()["ACC-01"]
    assert (back.retained.mean, back.technical.mean) == (before.retained.mean, before.technical.mean)
    assert not open_project(document.path).decisions
    assert applied.data(applied.index(0, 4)) == "non appliquée"
    assert view.form.apply_button.isEnabled()


def test_propose_a_decision_through_its_dialog(view, opened, answer_dialogs):
    def fill(dialog):
        dialog.kind.setCurrentIndex(dialog.kind.findData("non_exercee"))
        dialog.activity.setCurrentIndex(dialog.activity.findData("ACC-01-06"))
        return dialog.try_accept()

    answer_dialogs(fill)
    assert view.form.propose()
    proposal = saved(opened).proposals[-1]
    assert (proposal.kind, proposal.activity) == ("non_exercee", "ACC-01-06")


# --- sheets --------------------------------------------------------------------------------------------------------


def test_new_sheet_keeps_the_history_and_delete_is_undoable(view, opened, answer_dialogs):
    def fill(dialog):
        dialog.job.setCurrentIndex(dialog.job.findData("ACC-01"))
        dialog.number.setText("2")
        dialog.date.setText("09/04/2026")
        return dialog.try_accept()

    answer_dialogs(fill)
    sheet_id = view.new_sheet()
    assert sheet_id is not None
    assert view.form.sheet_id == sheet_id
    history = ws.sheets_for_job(open_project(opened.document.path), "ACC-01")
    assert [s.number for s in history] == [1, 2]
    assert [row[0].id for row in view.model.rows][:2] == ["s-accueil", sheet_id]  # the job's history by date
    assert view.delete_sheet()
    assert len(open_project(opened.document.path).workshops) == 2
    opened.undo_action.trigger()
    assert len(open_project(opened.document.path).workshops) == 3


# --- the offline kit -----------------------------------------------------------------------------------------------


def prepare(view, qtbot, answer_dialogs, monkeypatch, path: Path) -> None:
    def choose(dialog):
        dialog.group.setText("Groupe accueil")
        return dialog.try_accept()

    answer_dialogs(choose)
    monkeypatch.setattr(dialogs, "ask_save_file", lambda *_args: path)
    with qtbot.waitSignal(view.task_finished, timeout=20_000):
        view.prepare_kit()
    assert path.is_file()


def import_kit(view, qtbot, monkeypatch, path: Path) -> None:
    monkeypatch.setattr(dialogs, "ask_open_file", lambda *_args: path)
    with qtbot.waitSignal(view.task_finished, timeout=20_000):
        view.import_kit()


def test_kit_round_trip_through_the_window(view, opened, qtbot, answer_dialogs, monkeypatch, tmp_path, shown):
    kit_path = tmp_path / "kit.xlsx"
    prepare(view, qtbot, answer_dialogs, monkeypatch, kit_path)
    wb = openpyxl.load_workbook(kit_path)
    sheet = kit_sheet(wb, "s-assistant")
    put(sheet.cell(field_row(sheet, "impact"), 3), "50 %")
    put_line(sheet, "risks", rows(sheet, "risks")[0], text="Perte de sens")
    put_line(sheet, "needs", rows(sheet, "needs")[0], text="Savoir rédiger une requête", category="Formation",
             priority="haute", who="CNFPT", when="2026")
    wb.save(kit_path)

    seen = {}

    def review(dialog):
        seen["changes"] = dialog.model.rowCount()
        seen["ticked"] = len(dialog.accepted_keys())
        return True

    answer_dialogs(review)
    import_kit(view, qtbot, monkeypatch, kit_path)
    assert seen == {"changes": 3, "ticked": 3}
    on_disk = ws.find_sheet(open_project(opened.document.path), "s-assistant")
    assert on_disk.impact == ws.Impact(50, 50)
    assert texts(on_disk, "risks") == ["Perte de sens"]
    need = on_disk.needs[0]
    assert (need.text, need.category, need.priority, need.who) == ("Savoir rédiger une requête", "formation",
                                                                    "haute", "CNFPT")
    assert opened.document.undo_stack.count() == 1  # the whole kit is one step

    import_kit(view, qtbot, monkeypatch, kit_path)  # the same kit again: nothing new
    assert shown.infos[-1][1].startswith("Aucune différence")
    assert opened.document.undo_stack.count() == 1

    opened.undo_action.trigger()
    assert ws.find_sheet(open_project(opened.document.path), "s-assistant").impact is None


def test_kit_conflicts_start_unticked(view, opened, qtbot, answer_dialogs, monkeypatch, tmp_path):
    kit_path = tmp_path / "kit.xlsx"
    prepare(view, qtbot, answer_dialogs, monkeypatch, kit_path)
    view.form.set_field("impact", "70 %")  # the project changes after the kit was prepared…
    wb = openpyxl.load_workbook(kit_path)
    sheet = kit_sheet(wb, "s-accueil")
    put(sheet.cell(field_row(sheet, "impact"), 3), "40 %")  # …and the group wrote something else
    wb.save(kit_path)
    seen = {}

    def review(dialog):
        seen["conflicts"] = [c.conflict for c in dialog.found.changes]
        seen["ticked"] = dialog.accepted_keys()
        seen["what"] = [dialog.model.data(dialog.model.index(0, column)) for column in range(1, 6)]
        return True

    answer_dialogs(review)
    import_kit(view, qtbot, monkeypatch, kit_path)
    assert seen == {"conflicts": [True], "ticked": set(),
                    "what": ["Agent d'accueil (Atelier n° 1 du 12/03/2026)", "Impact estimé par le groupe",
                             "modification — conflit", "70\u202f%", "40\u202f%"]}
    assert saved(opened).impact == ws.Impact(70, 70)  # nothing overwritten without asking


def test_damaged_kit_explains_in_french_and_loses_nothing(view, opened, qtbot, answer_dialogs, monkeypatch,
                                                          tmp_path, shown):
    kit_path = tmp_path / "kit.xlsx"
    prepare(view, qtbot, answer_dialogs, monkeypatch, kit_path)
    wb = openpyxl.load_workbook(kit_path)
    sheet = kit_sheet(wb, "s-accueil")
    put_line(sheet, "risks", rows(sheet, "risks")[0], text="Perte de sens")
    sheet.delete_cols(1)  # someone unhid column A and deleted it: the technical markers are gone
    wb.save(kit_path)
    before_disk = kit_path.read_bytes()
    before = open_project(opened.document.path).workshops

    import_kit(view, qtbot, monkeypatch, kit_path)
    assert len(shown.errors) == 1
    message = shown.errors[0]
    assert message.startswith("Aucune modification importée depuis « kit.xlsx »")
    assert "repères techniques de la feuille ont été effacés" in message
    assert "Traceback" not in message
    assert open_project(opened.document.path).workshops == before  # nothing lost
    assert kit_path.read_bytes() == before_disk

    kit_path.write_bytes(b"PK\x03\x04 pas un classeur")  # not a workbook at all
    import_kit(view, qtbot, monkeypatch, kit_path)
    assert len(shown.errors) == 2
    assert "kit.xlsx" in shown.errors[1]
    assert open_project(opened.document.path).workshops == before


def test_training_plan_export(view, opened, qtbot, monkeypatch, tmp_path):
    path = tmp_path / "plan.xlsx"
    monkeypatch.setattr(dialogs, "ask_save_file", lambda *_args: path)
    with qtbot.waitSignal(view.task_finished, timeout=20_000):
        view.export_training_plan()
    table = openpyxl.load_workbook(path)["Plan de formation"]
    assert table["C2"].value == "Démarches en ligne"
    assert table["A2"].value == "Agent d'accueil"


@pytest.mark.parametrize(("choice", "pages", "words"), [("ALL", 2, "Assistant"), ("BLANK_JOB", 1, "M = maintenue")])
def test_a4_sheet_export(view, qtbot, answer_dialogs, monkeypatch, tmp_path, choice, pages, words):
    from pypdf import PdfReader

    path = tmp_path / "fiches.pdf"

    def choose(dialog):
        dialog.group.button(getattr(dialog, choice)).setChecked(True)
        return True

    answer_dialogs(choose)
    monkeypatch.setattr(dialogs, "ask_save_file", lambda *_args: path)
    with qtbot.waitSignal(view.task_finished, timeout=30_000):
        view.export_sheet_pdf()
    reader = PdfReader(str(path))
    assert len(reader.pages) == pages
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Agent d'accueil" in text
    assert words in text


# --- the workshop mode ---------------------------------------------------------------------------------------------


def open_mode(view, qtbot):
    view.open_mode()
    mode = view.mode
    qtbot.waitUntil(mode.isActiveWindow)  # its keys (Page suivante, Échap…) work in the mode's window
    return mode


def test_workshop_mode_one_job_at_a_time_and_leaving_loses_nothing(view, opened, qtbot):
    mode = open_mode(view, qtbot)
    assert mode is not None
    assert mode.isVisible()
    assert mode.isFullScreen()
    assert mode.form.point_size >= 20
    assert mode.form.tables["activities"].font().pointSizeF() >= 20  # large type, even in the tables
    assert mode.form.title.text() == "Agent d'accueil"
    assert mode.position.text() == "Fiche 1 / 2"
    assert mode.form.computed.text().startswith("Calculé (OIT) : ")
    qtbot.keyClick(mode.form.tables["activities"], Qt.Key.Key_PageDown)
    assert mode.form.sheet_id == "s-assistant"
    assert mode.position.text() == "Fiche 2 / 2"
    qtbot.keyClick(mode.form.tables["activities"], Qt.Key.Key_PageDown)  # no further
    assert mode.form.sheet_id == "s-assistant"

    effects = mode.form.tables["effects"]
    effects.setFocus()
    qtbot.keyClick(effects, ENTER)
    type_line(qtbot, effects, "Redéfinir les priorités du service")
    type_text(qtbot, editor_of(effects), "Outil de planning partagé")  # typed, Enter not pressed yet…
    qtbot.keyClick(editor_of(effects), Qt.Key.Key_F11)  # …and the facilitator leaves the mode
    assert mode.left
    assert not mode.isVisible()
    assert texts(saved(opened, "s-assistant"), "effects") == ["Redéfinir les priorités du service",
                                                              "Outil de planning partagé"]
    assert view.mode is None
    assert view.form.sheet_id == "s-assistant"  # the window shows the sheet the mode ended on
    assert texts(current(opened, "s-assistant"), "effects") == texts(view.form.sheet, "effects")


def test_workshop_mode_stays_while_a_value_cannot_be_saved(view, opened, qtbot, shown):
    mode = open_mode(view, qtbot)
    field = mode.form.fields["impact"]
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, "beaucoup")
    mode.leave_button.click()
    assert mode.isVisible()
    assert shown.errors
    assert shown.errors[-1].startswith("Impact estimé illisible")
    field.setText("70 %")
    qtbot.keyClick(mode.form.tables["activities"], Qt.Key.Key_Escape)
    assert not mode.isVisible()
    assert saved(opened).impact == ws.Impact(70, 70)


def test_workshop_mode_undo_works_in_the_mode(view, opened, qtbot):
    mode = open_mode(view, qtbot)
    table = mode.form.tables["risks"]
    table.setFocus()
    qtbot.keyClick(table, ENTER)
    type_line(qtbot, table, "Isolement")
    qtbot.keyClick(editor_of(table), Qt.Key.Key_Escape)
    assert texts(saved(opened), "risks") == ["Isolement"]
    qtbot.keyClick(table, Qt.Key.Key_Z, CTRL)
    assert texts(saved(opened), "risks") == []
    mode.leave()


def test_timer_counts_down_pauses_and_resets(qtbot):
    now = [1000.0]
    timer = WorkshopTimer(clock=lambda: now[0])
    qtbot.addWidget(timer)
    timer.minutes.setValue(1)
    assert timer.display.text() == "01:00"
    timer.toggle()
    now[0] += 45.2
    timer.update_display()
    assert timer.display.text() == "00:15"
    timer.toggle()  # pause
    now[0] += 100
    timer.update_display()
    assert timer.display.text() == "00:15"
    assert timer.start_button.text() == "Reprendre"
    timer.toggle()
    now[0] += 30
    timer.update_display()
    assert timer.display.text() == "+00:15"  # past the planned time, it counts on
    timer.reset()
    assert timer.display.text() == "01:00"
    assert clock_text(3725) == "1:02:05"
    assert clock_text(0.2) == "00:01"


def test_an_error_in_workshop_mode_shows_over_the_mode(view, opened, qtbot, monkeypatch):
    """A save that fails (disk full, file gone) is explained over the projected screen, not behind it."""
    from cartographie_desktop.gui import errors
    from cartographie_desktop.io.store import StoreError

    mode = open_mode(view, qtbot)
    parents = []

    def present(dialog):
        parents.append((dialog.parentWidget(), dialog.message))
        dialog.deleteLater()

    def refuse(_command):
        raise StoreError("Le projet n'a pas pu être enregistré : disque plein.")

    monkeypatch.setattr(errors, "present", present)
    monkeypatch.setattr(opened.document.session, "execute", refuse)
    assert not mode.form.add_line("risks", 0, {"text": "Isolement"})
    assert parents == [(mode, "Le projet n'a pas pu être enregistré : disque plein.")]
    assert texts(saved(opened), "risks") == []
    mode.leave()
