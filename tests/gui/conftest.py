"""GUI test set-up: settings in a temporary INI file, a realistic project on disk, dialogs that never block, the
example commune copied into a temporary folder, and a check that no worker thread outlives its test (as napari does).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PySide6.QtCore import QThreadPool

from cartographie_desktop.gui import demo, dialogs, errors, tasks
from cartographie_desktop.gui.settings import Settings
from cartographie_desktop.io.store import ProjectStore
from tests.gui import gui_factory

GUI_DIR = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # The offscreen platform warns that it cannot resize a shown window to its size hints: not a fault of ours.
    for item in items:
        if GUI_DIR in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.qt_log_ignore("propagateSizeHints"))


@pytest.fixture(autouse=True)
def no_thread_left(qapp):
    yield
    pool = QThreadPool.globalInstance()
    assert pool.waitForDone(10_000), "a worker thread is still running 10 s after the test"
    assert pool.activeThreadCount() == 0
    deadline = time.monotonic() + 5
    while tasks.active_tasks() and time.monotonic() < deadline:  # results still on their way to the UI thread
        qapp.processEvents()
    assert tasks.active_tasks() == 0


class Shown:
    """What the program would have shown in dialogs: error messages and information boxes."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.infos: list[tuple[str, str]] = []

    def clear(self) -> None:
        self.errors.clear()
        self.infos.clear()


@pytest.fixture(autouse=True)
def shown(monkeypatch, tmp_path) -> Shown:
    """Never block on a modal dialog: errors and information are recorded; the demo and backup folders are
    temporary."""
    record = Shown()

    def present(dialog: errors.ErrorDialog) -> None:
        record.errors.append(dialog.message)
        dialog.deleteLater()

    monkeypatch.setattr(errors, "present", present)
    monkeypatch.setattr(dialogs, "inform", lambda _parent, title, text: record.infos.append((title, text)))
    monkeypatch.setattr(dialogs, "exec_dialog", _refuse_dialog)
    monkeypatch.setattr(dialogs, "ask_open_path", lambda *_a: None)
    monkeypatch.setattr(dialogs, "ask_save_path", lambda *_a: None)
    monkeypatch.setattr(dialogs, "ask_save_file", lambda *_a: None)
    monkeypatch.setattr(dialogs, "ask_open_file", lambda *_a: None)
    monkeypatch.setattr(demo, "demo_folder", lambda: tmp_path / "donnees-utilisateur" / "exemple")
    monkeypatch.setattr(demo, "backup_root", lambda: tmp_path / "donnees-utilisateur" / "sauvegardes")
    return record


def _refuse_dialog(dialog) -> bool:
    raise AssertionError(f"dialogue modal inattendu : {type(dialog).__name__} (utiliser answer_dialogs)")


@pytest.fixture
def answer_dialogs(monkeypatch):
    """Drive dialogs instead of `exec()`: `answer_dialogs(fn)` where fn(dialog) fills it and returns True/False."""
    answers: list = []

    def run(dialog) -> bool:
        assert answers, f"dialogue inattendu : {type(dialog).__name__}"
        result = answers.pop(0)(dialog)
        dialog.deleteLater()
        return result

    monkeypatch.setattr(dialogs, "exec_dialog", run)
    return answers.append


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings.in_file(tmp_path / "reglages.ini")


@pytest.fixture(scope="session")
def ref():
    return gui_factory.mini_referentiel()


@pytest.fixture
def project_path(tmp_path, ref) -> Path:
    path = tmp_path / "bois-joli.carto"
    ProjectStore.create(path, gui_factory.project_for(ref)).close()
    return path


@pytest.fixture
def document(qapp, project_path, ref):
    from cartographie_desktop.gui.document import ProjectDocument
    from cartographie_desktop.io.session import EditSession

    doc = ProjectDocument(EditSession.open(project_path), ref)
    yield doc
    doc.close()
    doc.deleteLater()


@pytest.fixture
def window(qtbot, qapp, settings, ref):
    """The main window as the program builds it (French locale and Qt translations, fonts, style)."""
    from cartographie_desktop.gui.app import setup_application
    from cartographie_desktop.gui.mainwindow import MainWindow

    setup_application(qapp)
    win = MainWindow(settings, ref)
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    yield win
    win.close()


@pytest.fixture
def opened(qtbot, window, project_path):
    """The main window with the fixture project open."""
    with qtbot.waitSignal(window.project_loaded, timeout=10_000):
        window.open_project(project_path)
    return window
