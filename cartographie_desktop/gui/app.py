"""Start the window: French locale and Qt translations, the DejaVu fonts, the icon, logging and the error hook;
open the project asked for (or the last one); or, with `--screenshot`, render one view to PNG and exit.
"""

from __future__ import annotations

import argparse
import logging
import logging.handlers
import os
import sys
import time
from pathlib import Path

from PySide6.QtCore import (
    QEventLoop,
    QLocale,
    QMessageLogContext,
    QTimer,
    QtMsgType,
    QTranslator,
    qInstallMessageHandler,
)
from PySide6.QtGui import QFont, QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication

from cartographie_desktop.core.palette import GRID, INK, MUTED
from cartographie_desktop.core.referentiel import Referentiel, ReferentielError
from cartographie_desktop.gui import errors
from cartographie_desktop.gui.settings import APPLICATION, ORGANIZATION, Settings

log = logging.getLogger("cartographie_desktop")

SCREENSHOT_SIZE = (1366, 768)  # a common town-hall laptop screen
FONT_FAMILY = "DejaVu Sans"
FONT_POINT_SIZE = 10
STYLE = f"""
QLabel#muted {{ color: {MUTED}; }}
QFrame#notice {{ background: palette(alternate-base); border-top: 1px solid {GRID}; }}
QLabel#noticeText {{ color: {INK}; }}
QFrame#keyFigure {{ background: palette(base); border: 1px solid {GRID}; border-radius: 6px; }}
QListWidget#nav {{ font-size: 11pt; }}
QListWidget#nav::item {{ padding: 4px 8px; }}
"""
_IGNORED_QT_MESSAGES = ("propagateSizeHints",)
# benchmarks/bench_executable.py: with this set, the window prints « startup-probe <time.time()> » on stdout once it
# shows the project asked for (or itself, without one), then quits. Start-up is measured from outside the process.
STARTUP_PROBE = "CARTOGRAPHIE_STARTUP_PROBE"
_translators: list[QTranslator] = []


def _resources() -> Path | None:
    from cartographie_desktop.paths import resources_dir

    try:
        return resources_dir()
    except FileNotFoundError:
        return None


def setup_application(app: QApplication) -> None:
    """French everywhere (Qt's own dialogs included), the same font on every PC, the application icon."""
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    QLocale.setDefault(QLocale(QLocale.Language.French, QLocale.Country.France))
    resources = _resources()
    if resources is not None:
        if not _translators:
            translator = QTranslator(app)
            if translator.load(str(resources / "translations" / "qtbase_fr.qm")):
                app.installTranslator(translator)
                _translators.append(translator)
        for font in sorted((resources / "fonts").glob("DejaVuSans*.ttf")):
            QFontDatabase.addApplicationFont(str(font))
        icon = QIcon()
        for png in sorted((resources / "icons").glob("cartographie-*.png")):
            icon.addFile(str(png))
        if not icon.isNull():
            app.setWindowIcon(icon)
    if FONT_FAMILY in QFontDatabase.families():
        app.setFont(QFont(FONT_FAMILY, FONT_POINT_SIZE))
    app.setStyleSheet(STYLE)


def _qt_message(kind: QtMsgType, _context: QMessageLogContext, message: str) -> None:
    if any(part in message for part in _IGNORED_QT_MESSAGES):
        return
    level = {QtMsgType.QtDebugMsg: logging.DEBUG, QtMsgType.QtInfoMsg: logging.INFO,
             QtMsgType.QtWarningMsg: logging.WARNING}.get(kind, logging.ERROR)
    log.log(level, "Qt : %s", message)


LOG_NAME = "journal.log"


def setup_logging(folder: Path | None = None) -> Path | None:
    """A small rotating log in the user's data folder (never beside the executable): errors with their tracebacks
    for support, redacted of anything that could name a person (`errors.redact`). Returns the log's path."""
    from cartographie_desktop import __version__
    from cartographie_desktop.gui.demo import user_data_dir

    folder = folder or user_data_dir()
    path: Path | None = folder / LOG_NAME
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=1_000_000, backupCount=2, encoding="utf-8")
    except OSError:
        handler, path = logging.StreamHandler(sys.stderr), None
    handler.setFormatter(errors.RedactingFormatter("%(asctime)s %(levelname)s %(name)s : %(message)s"))
    root = logging.getLogger("cartographie_desktop")
    for previous in [h for h in root.handlers if getattr(h, "_cartographie_log", False)]:
        root.removeHandler(previous)
        previous.close()
    handler._cartographie_log = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    root.info("Démarrage de la version %s (%s, Python %s)", __version__, sys.platform, sys.version.split()[0])
    return path


def _stderr_presenter(dialog: errors.ErrorDialog) -> None:
    sys.stderr.write(f"Erreur : {dialog.message}\n")
    dialog.deleteLater()


def screenshot_views() -> list[str]:
    from cartographie_desktop.gui.views import views

    return ["welcome", *[spec.id for spec in views()], "detail", "atelier-mode"]


def render(window, view: str, path: Path) -> None:
    """Show `view` in the window and save it as PNG (`detail`: the project's most exposed job; `atelier-mode`: the
    projected workshop mode on the first sheet, at the window's size)."""
    app = QApplication.instance()
    document = window.document
    target = window
    if view == "atelier-mode" and document is not None:
        window.show_view("ateliers")
        ateliers = window.views["ateliers"]
        ateliers.ensure_fresh()
        ateliers.open_mode(full_screen=False)
        if ateliers.mode is not None:
            target = ateliers.mode
            target.resize(window.size())
    elif view == "detail" and document is not None:
        code = document.most_exposed_job()
        if code:
            window.open_job(code)
        else:
            window.show_view("metiers")
    elif view != "welcome" and document is not None:
        window.show_view(view)
        current = window.current_view()
        if current is not None:
            current.ensure_fresh()
    for _ in range(3):
        app.processEvents()
    if not target.grab().save(str(path), "PNG"):
        raise OSError(f"la capture n'a pas pu être enregistrée dans « {path} »")


def _headless() -> bool:
    """No screen to show a window on, and no platform chosen: Linux without X11 or Wayland."""
    if os.environ.get("QT_QPA_PLATFORM"):
        return False
    return sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _fail(message: str) -> int:
    sys.stderr.write(f"Erreur : {message}\n")
    return 2


def run(args: argparse.Namespace, *, referentiel: Referentiel | None = None, settings: Settings | None = None) -> int:
    """The window (blocking until it closes), or one screenshot with `args.screenshot`."""
    screenshot: Path | None = args.screenshot
    wants_project = bool(args.demo or args.project)
    view = args.view or ("metiers" if wants_project else "welcome")
    if screenshot is not None and view not in screenshot_views():
        return _fail(f"vue inconnue « {view} » (vues possibles : {', '.join(screenshot_views())}).")

    if screenshot is not None and _headless():
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # a capture needs no screen (CI, the executable's smoke test)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    setup_application(app)
    previous_presenter = errors.present
    if screenshot is None:
        setup_logging()
        errors.install_excepthook()
        qInstallMessageHandler(_qt_message)
    else:
        errors.present = _stderr_presenter  # never wait on a dialog nobody will see
    try:
        try:
            if referentiel is None:
                from cartographie_desktop.core import referentiel as referentiel_module

                referentiel = referentiel_module.load()
        except ReferentielError as exc:
            if screenshot is None:
                errors.show_error(None, str(exc))
            return _fail(str(exc))

        from cartographie_desktop.gui.mainwindow import MainWindow

        settings = settings or Settings()
        window = MainWindow(settings, referentiel, index=args.index, remember=screenshot is None)
        if screenshot is not None:
            window.resize(*(getattr(args, "size", None) or SCREENSHOT_SIZE))
        window.show()
        if screenshot is not None:
            return _screenshot(app, window, args, view, screenshot)
        if os.environ.get(STARTUP_PROBE):
            _install_startup_probe(app, window, wants_project)
        open_initial(window, args, settings)
        return app.exec()
    finally:
        errors.present = previous_presenter


def _install_startup_probe(app: QApplication, window, wants_project: bool) -> None:
    """Print the wall-clock time once the window shows what was asked for, then quit (see STARTUP_PROBE)."""
    def shown() -> None:
        sys.stdout.write(f"startup-probe {time.time():.6f}\n")
        sys.stdout.flush()
        app.quit()

    # A zero timer runs after the events already queued, among them the paint of the loaded view.
    if wants_project:
        window.project_loaded.connect(lambda: QTimer.singleShot(0, shown))
        window.load_failed.connect(lambda _message: app.exit(2))
    else:
        QTimer.singleShot(0, shown)


def open_initial(window, args: argparse.Namespace, settings: Settings) -> None:
    """What `cartographie` opens: the demo, the file named, else the last project (if it still exists)."""
    if args.demo:
        window.open_demo()
    elif args.project:
        window.open_path(Path(args.project))
    elif settings.last_project is not None and settings.last_project.is_file():
        window.open_project(settings.last_project)


def _screenshot(app: QApplication, window, args: argparse.Namespace, view: str, path: Path) -> int:
    loop = QEventLoop()
    outcome: dict[str, int] = {}

    def shoot() -> None:
        try:
            render(window, view, path)
            outcome["code"] = 0
        except OSError as exc:
            sys.stderr.write(f"Erreur : {exc}\n")
            outcome["code"] = 2
        loop.exit()

    def failed(message: str) -> None:
        outcome["code"] = 2
        loop.exit()

    window.project_loaded.connect(lambda: QTimer.singleShot(50, shoot))
    window.load_failed.connect(failed)
    if args.demo:
        window.open_demo()
    elif args.project:
        if Path(args.project).suffix.lower() != ".carto":
            window.close()
            return _fail("une capture d'écran s'ouvre sur un projet .carto ou sur --demo.")
        window.open_project(Path(args.project))
    else:
        QTimer.singleShot(50, shoot)
    if "code" not in outcome:
        QTimer.singleShot(120_000, loop.exit)  # never hang a smoke test
        loop.exec()
    window.close()
    window.deleteLater()
    app.processEvents()
    return outcome.get("code", 2)
