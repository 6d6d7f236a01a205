"""The background-work helper: results on the UI thread, errors in French, cancel, progress only for slow work."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtWidgets import QPushButton, QWidget

from cartographie_desktop.gui import tasks
from cartographie_desktop.io.store import StoreError


def test_result_arrives_on_the_ui_thread(qtbot):
    seen = {}
    main = threading.get_ident()

    def work(ctx):
        seen["worker"] = threading.get_ident()
        return 42

    def done(value):
        seen["value"] = value
        seen["callback"] = threading.get_ident()

    task = tasks.run_task(None, work, title="Essai", label="Travail…", on_done=done)
    qtbot.waitUntil(lambda: "value" in seen, timeout=5000)
    assert seen["value"] == 42
    assert seen["worker"] != main
    assert seen["callback"] == main
    assert not task.running
    assert task.dialog is None  # quick work: no dialog ever shown


def test_user_errors_keep_their_french_message(qtbot, shown):
    def work(ctx):
        raise StoreError("Le fichier « x.carto » est introuvable.")

    task = tasks.run_task(None, work, title="Essai", label="Travail…")
    qtbot.waitUntil(lambda: not task.running, timeout=5000)
    assert shown.errors == ["Le fichier « x.carto » est introuvable."]


def test_unexpected_errors_go_to_the_one_handler(qtbot, shown, caplog):
    """A fault of ours in a task without its own error callback: logged with its traceback, the generic message."""
    from cartographie_desktop.gui import errors

    def work(ctx):
        raise ZeroDivisionError

    task = tasks.run_task(None, work, title="Essai", label="Travail…")
    qtbot.waitUntil(lambda: not task.running, timeout=5000)
    assert shown.errors == [errors.UNEXPECTED]
    logged = [r for r in caplog.records if r.levelname == "ERROR"]
    assert len(logged) == 1
    assert "tâche « Essai »" in logged[0].getMessage()
    assert "ZeroDivisionError" in logged[0].getMessage()


def test_user_errors_of_a_task_keep_their_own_message(qtbot, shown):
    from cartographie_desktop.io.store import StoreError

    def work(ctx):
        raise StoreError("Le fichier « x.carto » est introuvable.")

    task = tasks.run_task(None, work, title="Essai", label="Travail…")
    qtbot.waitUntil(lambda: not task.running, timeout=5000)
    assert shown.errors == ["Le fichier « x.carto » est introuvable."]


def test_slow_work_shows_progress_and_can_be_cancelled(qtbot):
    started = threading.Event()
    outcome = []

    def work(ctx):
        started.set()
        for step in range(200):
            ctx.progress(step, 200, f"Étape {step}")
            ctx.check()
            time.sleep(0.01)
        return "fini"

    parent = QWidget()
    qtbot.addWidget(parent)
    task = tasks.run_task(parent, work, title="Long", label="Travail long…", show_after_ms=50,
                          on_done=outcome.append, on_cancel=lambda: outcome.append("annulé"))
    qtbot.waitUntil(lambda: task.dialog is not None, timeout=5000)
    assert task.dialog.labelText().startswith("Étape") or task.dialog.labelText() == "Travail long…"
    button = task.dialog.findChild(QPushButton)
    assert button.text() == "Annuler"
    button.click()
    qtbot.waitUntil(lambda: not task.running, timeout=5000)
    assert outcome == ["annulé"]
    assert started.is_set()


def test_callbacks_are_dropped_when_the_parent_is_gone(qtbot):
    release = threading.Event()
    outcome = []
    parent = QWidget()

    def work(ctx):
        release.wait(5)
        return 1

    task = tasks.run_task(parent, work, title="Essai", label="…", on_done=outcome.append)
    parent.deleteLater()
    qtbot.waitUntil(lambda: not _alive(parent), timeout=5000)
    release.set()
    qtbot.waitUntil(lambda: not task.running, timeout=5000)
    assert outcome == []


def _alive(widget) -> bool:
    import shiboken6

    return shiboken6.isValid(widget)


@pytest.mark.slow
def test_many_tasks_reporting_often_never_corrupt_the_interpreter(qtbot):
    """Thousands of results and reports from pool threads (a pattern that crashed with cross-thread signals)."""
    finished = []
    reports = []

    def work(ctx, n):
        data = [{"n": n, "k": k} for k in range(50)]
        for k in range(20):
            tasks._on_main(lambda k=k: reports.append(k))
        return len(data)

    for n in range(1500):
        tasks.run_task(None, lambda ctx, n=n: work(ctx, n), title="Essai", label="…", on_done=finished.append,
                       show_after_ms=60_000)
    qtbot.waitUntil(lambda: len(finished) == 1500, timeout=60_000)
    assert set(finished) == {50}
    assert len(reports) == 1500 * 20


def test_progress_to_the_caller_and_no_dialog(qtbot):
    """The import wizard shows progress in its own bar: `on_progress`, and never the dialog."""
    seen: list[tuple[int, int, str]] = []
    done = []

    def work(ctx):
        for step in range(5):
            ctx.progress(step, 4, f"Étape {step}")
            time.sleep(0.06)
        return "fini"

    parent = QWidget()
    qtbot.addWidget(parent)
    task = tasks.run_task(parent, work, title="Long", label="Travail…", show_after_ms=None,
                          on_progress=lambda *args: seen.append(args), on_done=done.append)
    qtbot.waitUntil(lambda: not task.running, timeout=5000)
    assert done == ["fini"]
    assert seen[0] == (0, 4, "Étape 0")
    assert seen[-1] == (4, 4, "Étape 4")
    assert task.dialog is None
