"""The main window: welcome screen, recent files, opening, drag and drop, views, shortcuts, the method page."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QKeySequence, QTextDocument
from PySide6.QtWidgets import QApplication

from cartographie_desktop.core.model import DecisionKind
from cartographie_desktop.gui import demo, dialogs
from cartographie_desktop.gui.method import MethodDialog, method_html
from cartographie_desktop.gui.settings import Settings
from cartographie_desktop.io.store import ProjectStore, open_project
from tests.gui import gui_factory


def drop(window, path: Path) -> bool:
    """Simulate dragging a file from the file manager onto the window and dropping it."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    enter = QDragEnterEvent(QPoint(50, 50), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, enter)
    if not enter.isAccepted():
        return False
    event = QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, event)
    return event.isAccepted()


def test_welcome_screen_when_no_project(window):
    assert window.pages.currentWidget() is window.welcome
    assert window.windowTitle() == "Cartographie IA des métiers"
    assert window.welcome.new_button.text() == "Nouvelle cartographie…"
    assert window.welcome.recent_empty.isVisible()
    assert not window.save_as_action.isEnabled()
    assert not window.undo_action.isEnabled()
    assert "pas une prévision" in window.notice.text()


def test_standard_shortcuts(window):
    assert window.new_action.shortcut() == QKeySequence("Ctrl+N")
    assert window.open_action.shortcut() == QKeySequence("Ctrl+O")
    assert window.save_as_action.shortcut() == QKeySequence("Ctrl+Shift+S")
    assert window.undo_action.shortcut() == QKeySequence("Ctrl+Z")
    assert QKeySequence("Ctrl+Y") in window.redo_action.shortcuts()
    assert window.find_action.shortcut() == QKeySequence("Ctrl+F")
    assert [a.shortcut().toString() for a in window.view_actions] == ["Ctrl+1", "Ctrl+2", "Ctrl+3", "Ctrl+4",
                                                                        "Ctrl+5"]
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus == ["&Fichier", "É&dition", "&Affichage", "Ai&de"]


@pytest.mark.qt_log_ignore("This plugin does not support raise")  # the offscreen platform cannot raise a window
def test_new_project_opens_the_import_wizard(window, shown, qtbot):
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    wizard = window.import_wizard
    assert wizard is not None
    assert wizard.isVisible()
    assert wizard.windowModality() == Qt.WindowModality.WindowModal  # never blocks: open(), not exec()
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.import_wizard is wizard  # one at a time
    staffing = Path(__file__).resolve().parents[1] / "data" / "staffing" / "latin1.csv"
    window.start_import(staffing)  # a file dropped meanwhile goes to the open wizard
    qtbot.waitUntil(lambda: wizard.state.path == staffing, timeout=10_000)
    assert window.import_wizard is wizard
    wizard.reject()
    assert window.import_wizard is None
    assert shown.infos == []
    assert shown.errors == []


def test_open_project_fills_views_title_and_recent_files(opened, settings, project_path):
    assert opened.pages.currentWidget() is opened.workspace
    assert opened.windowTitle() == "Bois-Joli — bois-joli.carto — Cartographie IA des métiers"
    assert opened.views["metiers"].model.rowCount() == 16
    assert settings.recent_files == [project_path.resolve()]
    assert settings.last_project == project_path.resolve()
    assert "44 agents" in opened.status.text()
    assert opened.views["metiers"].search.hasFocus() or not opened.isActiveWindow()


def test_recent_projects_listed_and_reopened(qtbot, settings, ref, project_path, tmp_path):
    from cartographie_desktop.gui.mainwindow import MainWindow

    settings.add_recent(project_path)
    settings.add_recent(tmp_path / "disparu.carto")
    window = MainWindow(settings, ref)
    qtbot.addWidget(window)
    items = [window.welcome.recent.item(i).text() for i in range(window.welcome.recent.count())]
    assert items[0].startswith("disparu (introuvable)")
    assert items[1].startswith("bois-joli")
    window.welcome.recent.setCurrentRow(0)
    qtbot.keyClick(window.welcome.recent, Qt.Key.Key_Delete)  # forget the missing one
    assert settings.recent_files == [project_path.resolve()]
    with qtbot.waitSignal(window.project_loaded, timeout=10_000):
        window.welcome.recent.itemActivated.emit(window.welcome.recent.item(0))
    assert window.document.path == project_path


def test_drop_a_carto_file_opens_it(window, qtbot, project_path):
    with qtbot.waitSignal(window.project_loaded, timeout=10_000):
        assert drop(window, project_path)
    assert window.document.commune == "Bois-Joli"


def test_drop_a_staffing_file_starts_the_import(window, qtbot, shown, tmp_path):
    staffing = tmp_path / "effectifs 2026.xlsx"
    staffing.write_bytes(b"PK\x03\x04" + bytes(60))  # a zip cut short
    assert drop(window, staffing)
    qtbot.waitUntil(lambda: window.import_wizard is not None and not window.import_wizard.busy)
    page = window.import_wizard.file_page
    assert page.path_edit.text() == str(staffing)
    assert "effectifs 2026.xlsx" in page.error.text()  # a damaged file: said on the wizard's first page
    assert window.document is None
    window.import_wizard.reject()


def test_drop_of_other_files_is_refused(window, tmp_path):
    other = tmp_path / "photo.png"
    other.write_bytes(b"x")
    assert not drop(window, other)


def test_opening_a_broken_file_says_why_in_french(window, qtbot, shown, tmp_path):
    broken = tmp_path / "abime.carto"
    broken.write_bytes(b"ceci n'est pas une base SQLite" * 100)
    with qtbot.waitSignal(window.load_failed, timeout=10_000) as signal:
        window.open_project(broken)
    assert signal.args[0] == "« abime.carto » n'est pas un projet Cartographie (fichier illisible ou d'un autre type)."
    assert shown.errors == [signal.args[0]]
    assert window.document is None
    missing = tmp_path / "absent.carto"
    with qtbot.waitSignal(window.load_failed, timeout=1000):
        window.open_project(missing)
    assert "introuvable" in shown.errors[-1]


def test_views_by_shortcut_and_ctrl_f(opened, qtbot):
    qtbot.keyClick(opened, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert opened.current_view() is opened.views["synthese"]
    assert opened.views["synthese"].canvases  # charts drawn when the view is shown
    qtbot.keyClick(opened, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert opened.current_view() is opened.views["agents"]
    qtbot.keyClick(opened, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert opened.focusWidget() is opened.views["agents"].search


def test_views_are_built_when_first_shown_and_see_earlier_changes(opened, qtbot):
    # Start-up builds only the first view; a later view built after a change shows that change.
    assert opened.views.built() == [opened.views["metiers"]]
    assert len(opened.views) == 5
    assert opened.view_stack.count() == 5
    opened.index_actions["2023"].trigger()
    qtbot.keyClick(opened, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    synthese = opened.current_view()
    assert synthese is opened.views["synthese"]
    assert opened.view_stack.indexOf(synthese) == 2
    assert synthese.document is opened.document
    assert "2023" in synthese.note.text()
    assert len(opened.views.built()) == 2
    qtbot.keyClick(opened, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert opened.current_view() is opened.views["metiers"]
    opened.close_project()
    assert synthese.document is None  # a view built once follows every later project


def test_synthesis_key_figures(opened):
    opened.show_view("synthese")
    view = opened.views["synthese"]
    assert view.agents.value.text() == "44"
    assert view.fte.value.text() == "39,8"
    assert view.exposed.value.text() == "19\u202f%"  # 8 of the 43 agents with a job
    assert "1 agent sans métier" in view.agents.caption.text()
    assert set(view.canvases) == {"bands", "scatter", "tasks", "categorie", "sexe", "filiere", "direction"}
    view.basis.setCurrentIndex(1)  # the retained basis recomputes
    assert view.exposed.value.text() == "19\u202f%"


def test_method_page_cites_its_sources(window, qtbot, answer_dialogs):
    html = method_html()
    for source in ("document de travail de l'OIT n° 96", "n° 140", "10.54394/HETP0387", "INET", "Ville de Lyon",
                   "plafond de potentiel technique"):
        assert source in html
    seen = []
    answer_dialogs(lambda dialog: seen.append(dialog) or False)
    window.notice.linkActivated.emit("#methode")
    assert isinstance(seen[0], MethodDialog)
    page = seen[0].browser.toPlainText()
    assert "Sources" in page
    assert "peu concerné : 0,25 ≤ score < 0,50" in page  # « < » written, not swallowed as HTML


def test_data_never_read_as_html(opened, answer_dialogs, shown):
    """A title typed in a staffing table may hold « < » or « & »: it is shown as typed."""
    from cartographie_desktop.gui.dialogs import JobChooserDialog

    dialog = JobChooserDialog(opened, opened.document, title="Agent <b>accueil</b> & état civil", current=None,
                              same_title=1)
    rendered = QTextDocument()
    rendered.setHtml(dialog.findChildren(type(opened.status))[0].text())  # what the rich-text label displays
    assert "Agent <b>accueil</b> & état civil" in rendered.toPlainText()
    dialog.deleteLater()
    opened.show_error("Le fichier « <a>.carto » est introuvable.")
    assert shown.errors == ["Le fichier « <a>.carto » est introuvable."]


def test_qt_dialogs_are_in_french(window):
    from PySide6.QtWidgets import QDialogButtonBox

    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel | QDialogButtonBox.StandardButton.Yes)
    texts = {b.text().replace("&", "") for b in box.buttons()}
    assert texts == {"Annuler", "Oui"}


def test_demo_opens_a_writable_copy_not_the_shipped_file(window, qtbot, monkeypatch, tmp_path, ref):
    from cartographie_desktop.io import store

    shipped = tmp_path / "livre" / "val-fleuri.carto"
    shipped.parent.mkdir()
    project = gui_factory.project_for(ref, commune="Val-Fleuri")
    ProjectStore.create(shipped, project).close()
    monkeypatch.setattr(store, "demo_path", lambda: shipped)
    before = shipped.read_bytes()
    with qtbot.waitSignal(window.project_loaded, timeout=10_000):
        window.open_demo()
    assert window.document.path != shipped
    assert window.document.path.parent == demo.demo_folder()
    assert window.windowTitle() == "Val-Fleuri — commune exemple — Cartographie IA des métiers"
    from cartographie_desktop.core import commands

    assert window.document.execute(commands.keep_human(ref, window.document.project, "ACC-01", "ACC-01-01",
                                                       reason="Essai"))
    assert shipped.read_bytes() == before
    assert (DecisionKind.KEEP_HUMAN, "ACC-01", "ACC-01-01") in open_project(window.document.path).decisions


def test_missing_demo_is_explained(window, shown, monkeypatch, tmp_path):
    from cartographie_desktop.io import store

    monkeypatch.setattr(store, "demo_path", lambda: tmp_path / "absent.carto")
    window.open_demo()
    assert shown.errors == ["La commune exemple n'est pas livrée avec cette version du programme."]


def test_index_switch_is_an_undoable_saved_edit(opened):
    before = opened.views["metiers"].model.row(0).result.technical.index
    assert before == "2025"
    opened.index_actions["2023"].trigger()
    assert opened.document.index == "2023"
    assert open_project(opened.document.path).index == "2023"
    assert opened.views["metiers"].model.row(0).result.technical.index == "2023"
    assert "indice OIT 2023" in opened.status.text()
    opened.undo_action.trigger()
    assert open_project(opened.document.path).index == "2025"
    assert opened.index_actions["2025"].isChecked()


def test_save_as_copies_and_continues_on_the_copy(opened, monkeypatch, tmp_path, settings):
    target = tmp_path / "copie" / "bois-joli 2027.carto"
    target.parent.mkdir()
    monkeypatch.setattr(dialogs, "ask_save_path", lambda *_a: target)
    opened.save_as_action.trigger()
    assert opened.document.path == target
    assert settings.recent_files[0] == target.resolve()
    assert "bois-joli 2027.carto" in opened.windowTitle()


def test_close_project_returns_to_welcome_and_geometry_is_remembered(opened, settings, qtbot):
    opened.close_action.trigger()
    assert opened.pages.currentWidget() is opened.welcome
    assert opened.document is None
    opened.close()
    assert settings.geometry is not None
    assert settings.last_project is None


def test_posts_view_assigns_a_title_to_check(opened, answer_dialogs, ref):
    opened.show_view("agents")
    view = opened.views["agents"]
    view.show_to_check()
    assert view.proxy.rowCount() == 1
    view.table.setCurrentIndex(view.proxy.index(0, 0))

    def choose(dialog):
        dialog.search.setText("communication")
        assert dialog.proxy.rowCount() == 1
        dialog.table.setCurrentIndex(dialog.proxy.index(0, 0))
        assert dialog.for_all_posts()
        return dialog.try_accept()

    answer_dialogs(choose)
    view.choose_button.click()
    saved = open_project(opened.document.path)
    match = saved.matches["charge de mission transition"]
    assert match.job_code == "COM-01"
    assert match.status.value == "confirme"
    assert view.proxy.rowCount() == 0  # nothing left to check
    assert "Tous les postes sont rattachés" in view.summary.text()
    assert opened.views["metiers"].model.rowCount() == 16
    opened.undo_action.trigger()
    assert open_project(opened.document.path).matches["charge de mission transition"].job_code is None


def test_posts_view_assigns_one_post(opened, answer_dialogs):
    opened.show_view("agents")
    view = opened.views["agents"]
    view.search.setText("atsem")
    view.table.setCurrentIndex(view.proxy.index(0, 0))
    post = view.current_post()

    def choose(dialog):
        dialog.search.setText("entretien des locaux")
        dialog.table.setCurrentIndex(dialog.proxy.index(0, 0))
        dialog.one_post.setChecked(True)
        return dialog.try_accept()

    answer_dialogs(choose)
    view.choose_button.click()
    assert open_project(opened.document.path).post_jobs == {post.id: "PRO-01"}
    assert view.reset_button.isEnabled()
    view.reset_button.click()
    assert open_project(opened.document.path).post_jobs == {}


def test_decisions_view_reverts_a_decision(opened, ref):
    from cartographie_desktop.core import commands

    document = opened.document
    document.execute(commands.keep_human(ref, document.project, "ACC-01", "ACC-01-01", reason="Accueil humain",
                                         author="C. Martin"))
    opened.show_view("decisions")
    view = opened.views["decisions"]
    assert view.model.rowCount() == 1
    assert view.proxy.data(view.proxy.index(0, 4)) == "Accueil humain"
    assert view.proxy.data(view.proxy.index(0, 5)) == "C. Martin"
    view.table.setCurrentIndex(view.proxy.index(0, 0))
    view.revert_button.click()
    assert view.model.rowCount() == 0
    assert not open_project(document.path).decisions
    opened.undo_action.trigger()
    assert view.model.rowCount() == 1
    view.table.setCurrentIndex(view.proxy.index(0, 0))
    view.open_button.click()
    assert opened.current_view() is opened.views["metiers"]
    assert opened.views["metiers"].detail.code == "ACC-01"


@pytest.mark.parametrize("k", [3, 5])
def test_preferences_change_the_privacy_threshold(opened, answer_dialogs, settings, k):
    opened.show_view("synthese")

    def set_k(dialog):
        dialog.k.setValue(k)
        dialog.author.setText("Claire Martin")
        dialog.save()
        return True

    answer_dialogs(set_k)
    before = opened.document.project.privacy_k
    opened.preferences_action.trigger()
    assert settings.privacy_k == k  # the default for new projects
    assert settings.author == "Claire Martin"
    assert f"moins de {k} agents" in opened.views["synthese"].note.text()
    # The project's own threshold, the one its report, exports and training plan use from the window or the CLI.
    assert opened.privacy_k() == k
    assert open_project(opened.document.path).privacy_k == k
    if k != before:
        opened.undo_action.trigger()
        assert open_project(opened.document.path).privacy_k == before
        assert f"moins de {before} agents" in opened.views["synthese"].note.text()


def test_the_threshold_is_the_projects_not_the_last_preference(opened, settings):
    """A project keeps the threshold it was given: the window shows and prints what the command line prints."""
    settings.privacy_k = 7  # a preference changed for new projects only
    assert opened.privacy_k() == opened.document.project.privacy_k == 3
    opened.close_project()
    assert opened.privacy_k() == 7  # no project: the default a new one would get


def test_settings_round_trip(tmp_path):
    settings = Settings.in_file(tmp_path / "s.ini")
    assert settings.privacy_k == 3
    assert settings.author == ""
    settings.privacy_k = 0
    assert settings.privacy_k == 1
    settings.author = "  Claire   Martin "
    for n in range(12):
        settings.add_recent(tmp_path / f"p{n}.carto")
    settings.sync()
    again = Settings.in_file(tmp_path / "s.ini")
    assert again.author == "Claire Martin"
    assert len(again.recent_files) == 8
    assert again.recent_files[0] == (tmp_path / "p11.carto").resolve()
    again.remove_recent(tmp_path / "p11.carto")
    assert again.last_project is None


def test_start_reopens_the_last_project(window, qtbot, settings, project_path, tmp_path):
    from cartographie_desktop import cli
    from cartographie_desktop.gui.app import open_initial

    settings.add_recent(project_path)
    with qtbot.waitSignal(window.project_loaded, timeout=10_000):
        open_initial(window, cli.build_gui_parser().parse_args([]), settings)
    assert window.document.path == project_path
    window.close_project()
    settings.add_recent(tmp_path / "parti.carto")  # last project moved away: the welcome screen, no error
    open_initial(window, cli.build_gui_parser().parse_args([]), settings)
    assert window.document is None


def test_unexpected_exception_is_shown_in_french_and_logged(shown, caplog):
    from cartographie_desktop.gui import errors

    try:
        raise KeyError("détail technique")
    except KeyError as exc:
        errors._hook(type(exc), exc, exc.__traceback__)
    assert shown.errors == [errors.UNEXPECTED]
    assert "Traceback" not in shown.errors[0]
    assert "KeyError" in caplog.text


def test_every_action_and_button_is_reachable_from_the_keyboard(opened):
    from PySide6.QtWidgets import QAbstractButton, QMenu

    for menu in opened.menuBar().findChildren(QMenu):
        for action in menu.actions():
            if action.isSeparator() or action.menu() is not None or not action.text():
                continue
            assert "&" in action.text() or not action.shortcut().isEmpty() or menu is opened.recent_menu, \
                action.text()
    for button in opened.findChildren(QAbstractButton):
        if button.isVisibleTo(opened) and button.parent() is not opened.toolbar:
            assert button.focusPolicy() & Qt.FocusPolicy.TabFocus, button.text()
    jobs = opened.views["metiers"]
    chain, widget = [], jobs.search
    for _ in range(12):  # Tab from the search field reaches the filters and then the table
        chain.append(widget)
        widget = widget.nextInFocusChain()
        while not (widget.isVisibleTo(opened) and widget.focusPolicy() & Qt.FocusPolicy.TabFocus):
            widget = widget.nextInFocusChain()
    assert jobs.band in chain
    assert jobs.table in chain
