"""Damaged projects and their backups in the window, and the one handler of unexpected errors (its log, its
message, the project still saved)."""

from __future__ import annotations

import logging
import re
import sqlite3
import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from cartographie_desktop.core.commands import SetProjectField
from cartographie_desktop.gui import demo, dialogs, errors
from cartographie_desktop.gui.app import setup_application, setup_logging
from cartographie_desktop.io import backups, store
from cartographie_desktop.io.store import ProjectStore
from tests.gui import gui_factory


def backup_root() -> Path:
    return demo.backup_root()  # the temporary folder tests/gui/conftest.py gives


def open_in(window, qtbot, path: Path) -> None:
    with qtbot.waitSignal(window.project_loaded, timeout=10_000):
        window.open_project(path)


# --- backups -------------------------------------------------------------------------------------------------------


def test_opening_takes_a_backup_once_per_state_and_keeps_five(window, qtbot, project_path):
    open_in(window, qtbot, project_path)
    first = backups.list_backups(backup_root(), project_path)
    assert len(first) == 1
    assert re.fullmatch(r"bois-joli \d{4}-\d{2}-\d{2} \d{2}h\d{2}m\d{2}\.carto", first[0].path.name)
    assert store.open_project(first[0].path) == store.open_project(project_path)
    window.close_project()
    open_in(window, qtbot, project_path)  # nothing changed: no second copy of the same state
    assert backups.list_backups(backup_root(), project_path) == first

    keeper = window.document.keeper
    keeper.interval = 0  # as if ten minutes passed between each edit
    for number in range(7):
        assert window.document.execute(SetProjectField("commune", f"Bois-Joli {number}"))
    kept = backups.list_backups(backup_root(), project_path)
    assert len(kept) == backups.KEEP
    assert store.open_project(kept[0].path).commune == "Bois-Joli 6"
    assert not list(kept[0].path.parent.glob(".*"))  # no temporary file left in the folder


def test_edits_are_backed_up_at_most_every_interval_and_at_close(window, qtbot, project_path):
    open_in(window, qtbot, project_path)
    now = [1000.0]
    keeper = window.document.keeper
    keeper.clock, keeper.last = (lambda: now[0]), now[0]
    window.document.execute(SetProjectField("commune", "Avant"))
    assert len(backups.list_backups(backup_root(), project_path)) == 1  # the one taken at opening
    now[0] += backups.INTERVAL_S
    window.document.execute(SetProjectField("commune", "Dix minutes après"))
    assert len(backups.list_backups(backup_root(), project_path)) == 2
    window.document.execute(SetProjectField("commune", "Juste avant de fermer"))
    window.close_project()
    newest = backups.latest(backup_root(), project_path)
    assert store.open_project(newest.path).commune == "Juste avant de fermer"


def test_the_demo_copy_is_not_backed_up(window, qtbot):
    with qtbot.waitSignal(window.project_loaded, timeout=20_000):
        window.open_demo()
    assert window.document.keeper is None
    assert not backup_root().exists()


def _edit(path: Path, statement: str) -> None:
    conn = sqlite3.connect(path)
    conn.executescript(statement)
    conn.close()


DAMAGES = {
    "a constraint violated": lambda p: _edit(p, "PRAGMA ignore_check_constraints = ON; UPDATE posts SET fte = -2;"),
    "a table dropped": lambda p: _edit(p, "DROP TABLE matches;"),
    "a workshop's JSON broken": lambda p: _edit(p, "INSERT INTO workshops (id, position, data) "
                                                   "VALUES ('w', 0, '{\"v\": 1, \"id\": ');"),
    "a wrong user_version": lambda p: _edit(p, "PRAGMA user_version = 0;"),
    "truncated": lambda p: p.write_bytes(p.read_bytes()[: p.stat().st_size // 2]),
    "truncated to its header": lambda p: p.write_bytes(p.read_bytes()[:60]),
    "emptied": lambda p: p.write_bytes(b""),
}


@pytest.mark.parametrize("damage", DAMAGES, ids=list(DAMAGES))
def test_a_damaged_project_offers_its_last_backup(window, qtbot, project_path, answer_dialogs, shown, monkeypatch,
                                                  damage, tmp_path):
    open_in(window, qtbot, project_path)
    window.document.execute(SetProjectField("commune", "Bois-Joli sauvegardé"))
    window.close_project()  # edited since opening: backed up at close
    backup = backups.latest(backup_root(), project_path)
    DAMAGES[damage](project_path)
    damaged_bytes = project_path.read_bytes()

    offered = []

    def accept(dialog) -> bool:
        offered.append((dialog.message, dialog.action_button.text(), dialog.detail))
        return True

    answer_dialogs(accept)
    target = tmp_path / "restauré.carto"
    asked = []
    monkeypatch.setattr(dialogs, "ask_save_path", lambda _parent, start: asked.append(start) or target)
    with qtbot.waitSignal(window.load_failed, timeout=10_000):
        window.open_project(project_path)
    qtbot.waitUntil(lambda: window.document is not None, timeout=10_000)

    (message, action, detail), = offered
    assert "bois-joli.carto" in message
    assert "endommagé" in message or "n'est pas un projet" in message or "illisibles" in message
    assert action == f"Ouvrir la dernière sauvegarde ({backup.when})"
    assert re.fullmatch(r"Ouvrir la dernière sauvegarde \(\d{2}/\d{2}/\d{4} \d{2}:\d{2}\)", action)
    assert "Traceback" not in message
    assert detail  # behind « Copier le détail »
    assert asked == [str(project_path.with_name(f"bois-joli (sauvegarde du {backup.taken:%d-%m-%Y %Hh%M}).carto"))]
    assert window.document.path == target
    assert window.document.project.commune == "Bois-Joli sauvegardé"
    assert project_path.read_bytes() == damaged_bytes  # the damaged file is kept as it was
    assert shown.errors == []


def test_the_backup_is_never_copied_over_the_damaged_file(window, qtbot, project_path, answer_dialogs, shown,
                                                          monkeypatch):
    open_in(window, qtbot, project_path)
    window.close_project()
    project_path.write_bytes(project_path.read_bytes()[:5000])
    damaged_bytes = project_path.read_bytes()
    answer_dialogs(lambda _dialog: True)
    monkeypatch.setattr(dialogs, "ask_save_path", lambda *_a: project_path)
    with qtbot.waitSignal(window.load_failed, timeout=10_000):
        window.open_project(project_path)
    qtbot.waitUntil(lambda: bool(shown.errors), timeout=5000)
    assert "Choisissez un autre nom" in shown.errors[0]
    assert project_path.read_bytes() == damaged_bytes
    assert window.document is None


def test_without_a_backup_the_message_alone(window, qtbot, tmp_path, shown):
    path = tmp_path / "jamais-ouvert.carto"
    ProjectStore.create(path, gui_factory.project_for(window.ref)).close()
    _edit(path, "DROP TABLE posts;")
    with qtbot.waitSignal(window.load_failed, timeout=10_000):
        window.open_project(path)
    assert len(shown.errors) == 1
    assert "jamais-ouvert.carto" in shown.errors[0]


def test_backups_refuse_a_target_that_does_not_open(tmp_path):
    """`restore` checks the copy like any project: a backup damaged in its turn is said so, in French."""
    project = tmp_path / "p.carto"
    ProjectStore.create(project, gui_factory.project_for(gui_factory.mini_referentiel())).close()
    backup = backups.take(tmp_path / "sauvegardes", project)
    backup.path.write_bytes(backup.path.read_bytes()[:3000])
    with pytest.raises(store.StoreError):
        backups.restore(backup, tmp_path / "copie.carto", damaged=project)


# --- the one handler of unexpected errors -------------------------------------------------------------------------


@pytest.fixture
def handler(monkeypatch, caplog):
    """The program's handlers installed (pytest-qt's own capture is off for these tests), restored afterwards."""
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    monkeypatch.setattr(errors, "_shown_at", [])
    errors.install_excepthook()
    caplog.set_level(logging.INFO, logger="cartographie_desktop")
    return caplog


@pytest.mark.qt_no_exception_capture
def test_a_slot_raising_after_an_edit_is_logged_shown_and_the_edit_is_saved(opened, qtbot, handler, shown,
                                                                            project_path):
    document = opened.document

    def faulty_view() -> None:
        raise RuntimeError("panne dans une vue")

    document.changed.connect(faulty_view)
    assert document.execute(SetProjectField("commune", "Après la panne"))
    assert shown.errors == [errors.UNEXPECTED]
    assert store.open_project(project_path).commune == "Après la panne"  # on disk
    logged = [r.getMessage() for r in handler.records if r.levelname == "ERROR"]
    assert len(logged) == 1
    assert "Traceback" in logged[0]
    assert "panne dans une vue" in logged[0]
    document.changed.disconnect(faulty_view)
    assert document.execute(SetProjectField("commune", "Toujours là"))  # the program keeps running
    document.undo_stack.undo()
    assert store.open_project(project_path).commune == "Après la panne"
    assert opened.isVisible()


@pytest.mark.qt_no_exception_capture
def test_an_exception_in_another_thread_reaches_the_handler(qtbot, qapp, handler, shown):
    def work() -> None:
        raise ValueError("fil en panne")

    thread = threading.Thread(target=work, name="essai")
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: bool(shown.errors), timeout=5000)
    assert shown.errors == [errors.UNEXPECTED]
    logged = [r.getMessage() for r in handler.records if r.levelname == "ERROR"]
    assert any("fil « essai »" in text and "fil en panne" in text for text in logged)


@pytest.mark.qt_no_exception_capture
def test_repeated_exceptions_are_logged_but_not_all_shown(qtbot, qapp, handler, shown):
    for number in range(6):
        try:
            raise KeyError(f"répétée {number}")
        except KeyError:
            sys.excepthook(*sys.exc_info())
    assert shown.errors == [errors.UNEXPECTED] * errors.MAX_SHOWN
    assert len([r for r in handler.records if r.levelname == "ERROR"]) == 6


def test_redaction_of_what_could_name_a_person():
    home = str(Path.home())
    text = (f"Accès refusé : '{home}/Documents/Effectifs DUPONT Marie.xlsx'\n"
            f'  File "{home}/prog/cartographie_desktop/io/store.py", line 3\n'
            "Le fichier « Paie MARTIN 2024.csv » est vide. NIR 1 80 01 75 123 456 12, ligne 12.\n"
            "bureau/export_paie.ods et C:\\Users\\x\\kit groupe.xlsx")
    cleaned = errors.redact(text)
    assert home not in cleaned
    for name in ("DUPONT", "Marie", "MARTIN", "1 80 01 75 123 456 12", "export_paie", "kit groupe"):
        assert name not in cleaned
    assert "'<fichier>.xlsx'" in cleaned
    assert "« <fichier>.csv »" in cleaned
    assert "~/prog/cartographie_desktop/io/store.py" in cleaned  # the program's own files stay readable
    assert "ligne 12" in cleaned
    assert "<NIR>" in cleaned


@pytest.fixture
def program_logger():
    """`setup_logging` changes the program's logger: put it back as it was."""
    logger = logging.getLogger("cartographie_desktop")
    handlers, level = list(logger.handlers), logger.level
    yield logger
    for handler in logger.handlers:
        if handler not in handlers:
            logger.removeHandler(handler)
            handler.close()
    logger.setLevel(level)


def test_the_log_is_in_the_user_folder_and_redacted(tmp_path, qapp, program_logger):
    folder = tmp_path / "profil"
    path = setup_logging(folder)
    assert path == folder / "journal.log"
    log = logging.getLogger("cartographie_desktop.essai")
    try:
        raise OSError(13, "Permission denied", str(Path.home() / "Effectifs DURAND.xlsx"))
    except OSError:
        log.exception("Lecture impossible de « Effectifs DURAND.xlsx »")
    for handler in program_logger.handlers:
        handler.flush()
    text = path.read_text(encoding="utf-8")
    assert "Traceback" in text
    assert "Permission denied" in text
    assert "DURAND" not in text
    assert str(Path.home()) not in text
    dialog = errors.ErrorDialog(None, "Message", "détail : « Effectifs DURAND.xlsx »")
    dialog.copy_detail()
    assert QApplication.clipboard().text() == "Message\n\ndétail : « <fichier>.xlsx »"
    dialog.deleteLater()


def test_the_user_folder_without_qt_is_the_one_qt_names(qapp):
    from cartographie_desktop.paths import user_data_dir

    setup_application(qapp)
    assert user_data_dir() == demo.user_data_dir()
