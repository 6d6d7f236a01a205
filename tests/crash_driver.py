"""The program's window, offscreen, editing a project without end — for tests/test_crash_safety.py, which kills it.

    python tests/crash_driver.py (edits|workshops) PROJECT.carto SEED

It opens the project as a person would (`MainWindow.open_project`: read, score, back up, open for writing), prints
`READY`, then applies edits through `ProjectDocument.execute` (and the undo stack), one at a time. Before each it
prints `DO <command>` (the pickled command, base64, or `undo` / `redo`), after it returns `ACK <n>`: an edit
acknowledged was saved. The test replays the same commands on its own copy to know what the file must hold.
Periodic backups are taken every `CRASH_BACKUP_INTERVAL` seconds (environment), so that kills land in them too.
"""

from __future__ import annotations

import base64
import os
import pickle
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def encode(command: object) -> str:
    return base64.b64encode(pickle.dumps(command)).decode("ascii")


def decode(text: str) -> object:
    return text if text in ("undo", "redo") else pickle.loads(base64.b64decode(text))  # our own output


def edit_command(project, ref, rng: random.Random, n: int):
    """Commune decisions, post assignments, title matches, the commune's name: every section of a project."""
    from cartographie_desktop.core import commands
    from cartographie_desktop.core.model import Decision, DecisionKind, MatchStatus, TitleMatch

    jobs = sorted(ref.jobs)
    choice = n % 5
    if choice == 0:
        return commands.SetDecision(Decision(DecisionKind.OVERRIDE, rng.choice(jobs), f"X-{rng.randrange(10**9)}",
                                             value=round(rng.random(), 3), reason="Essai d'arrêt brutal " * 5,
                                             author="DGS", date="2026-11-21T10:00:00"))
    if choice == 1 and project.decisions:
        return commands.RemoveDecision(rng.choice(sorted(project.decisions)))
    if choice == 2:
        post = rng.choice(project.posts)
        return commands.SetPostJob(post.id, rng.choice([*jobs, None]))
    if choice == 3:
        key = rng.choice(sorted(project.matches))
        title = project.matches[key].title
        return commands.SetMatch(key, TitleMatch(title, rng.choice(jobs), 1.0, MatchStatus.CONFIRMED))
    return commands.SetProjectField("commune", f"Bois-Joli {n}")


def workshop_command(project, ref, rng: random.Random, n: int):
    """Workshop sheets: created, fields typed, lines added, edited, moved and removed."""
    from cartographie_desktop.core import workshops as ws

    if not project.workshops or n % 40 == 0:
        return ws.create_sheet(project, ref, rng.choice(sorted(ref.jobs)), number=n % 9 + 1, date="14/03/2026")
    sheet = rng.choice(project.workshops)
    risks = sheet.lines("risks")
    choice = n % 6
    if choice == 0:
        return ws.set_field(project, sheet.id, "place", f"Salle du conseil {n}")
    if choice == 1 and risks:
        return ws.edit_line(project, sheet.id, "risks", rng.choice(risks).id, text=f"Risque revu {n}")
    if choice == 2 and len(risks) > 3:
        return ws.remove_line(project, sheet.id, "risks", rng.choice(risks).id)
    if choice == 3 and len(risks) > 1:
        return ws.move_line(project, sheet.id, "risks", rng.choice(risks).id, rng.randrange(len(risks)))
    if choice == 4:
        return ws.add_line(project, sheet.id, "needs", text=f"Former l'équipe à l'outil {n}", category="formation")
    return ws.add_line(project, sheet.id, "risks", text=f"Perte de sens du métier {n}")


def main() -> None:
    from PySide6.QtWidgets import QApplication

    from cartographie_desktop.gui import dialogs, errors
    from cartographie_desktop.gui.app import setup_application
    from cartographie_desktop.gui.mainwindow import MainWindow
    from cartographie_desktop.gui.settings import Settings
    from tests.gui import gui_factory

    mode, path, seed = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
    make = {"edits": edit_command, "workshops": workshop_command}[mode]
    app = QApplication([])
    setup_application(app)

    def never_wait(dialog) -> None:  # a message would block a killed run forever: say it and go on
        sys.stderr.write(f"MESSAGE {dialog.message}\n")

    errors.present = never_wait
    dialogs.exec_dialog = lambda dialog: False
    ref = gui_factory.mini_referentiel()
    window = MainWindow(Settings.in_file(path.with_name("reglages.ini")), ref)
    window.show()
    window.open_project(path)
    deadline = time.monotonic() + 60
    while window.document is None:
        app.processEvents()
        if time.monotonic() > deadline:
            sys.exit("the project did not open")
        time.sleep(0.005)
    document = window.document
    if document.keeper is not None:
        document.keeper.interval = float(os.environ.get("CRASH_BACKUP_INTERVAL", "600"))
    print("READY", flush=True)
    rng = random.Random(seed)
    for n in range(1, 10**9):
        if n % 11 == 0 and document.undo_stack.canUndo():
            print("DO undo", flush=True)
            document.undo_stack.undo()
        elif n % 11 == 1 and document.undo_stack.canRedo():
            print("DO redo", flush=True)
            document.undo_stack.redo()
        else:
            command = make(document.project, ref, rng, n)
            print(f"DO {encode(command)}", flush=True)
            if not document.execute(command):
                sys.exit(f"edit {n} refused")
        print(f"ACK {n}", flush=True)
        app.processEvents()


if __name__ == "__main__":
    main()
