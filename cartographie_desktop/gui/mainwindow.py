"""The main window: welcome screen or the open project's views, menus and toolbar with standard shortcuts, the
permanent method notice, the history of changes, drag and drop of a project or a staffing file.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QStyle,
    QToolBar,
    QUndoView,
    QVBoxLayout,
    QWidget,
)

from cartographie_desktop.core.aggregates import Aggregates
from cartographie_desktop.core.commands import SetProjectField
from cartographie_desktop.core.model import INDEX_LABELS, INDEXES, Index, Project
from cartographie_desktop.core.referentiel import Referentiel
from cartographie_desktop.core.scoring import JobResult
from cartographie_desktop.core.text import plural
from cartographie_desktop.gui import demo, dialogs, errors
from cartographie_desktop.gui.document import JobPosts, ProjectDocument
from cartographie_desktop.gui.method import NOTICE, MethodDialog
from cartographie_desktop.gui.settings import APPLICATION, Settings
from cartographie_desktop.gui.tasks import Task, TaskContext, run_task, user_message
from cartographie_desktop.gui.views import View, ViewPages, ViewSpec, views
from cartographie_desktop.gui.welcome import WelcomeWidget
from cartographie_desktop.io import backups
from cartographie_desktop.io.session import EditSession
from cartographie_desktop.io.store import SUFFIX, CorruptProjectError, NotAProjectError, ProjectStore, StoreError

if TYPE_CHECKING:
    from cartographie_desktop.gui.wizard import ImportWizard

log = logging.getLogger(__name__)

STAFFING_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".txt", ".xml"}


@dataclass(slots=True)
class Loaded:
    """What the loading task prepares off the UI thread."""

    path: Path
    project: Project
    results: dict[str, JobResult]
    job_posts: dict[str, JobPosts]
    aggregates: Aggregates
    backup_root: Path | None = None  # None: no backups (the demo's copy)


class MainWindow(QMainWindow):
    project_loaded = Signal()
    load_failed = Signal(str)

    def __init__(self, settings: Settings, ref: Referentiel, *, index: Index | None = None,
                 remember: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.ref = ref
        self.remember = remember  # False for screenshots: recent files and geometry stay untouched
        self._index_override = index
        self.document: ProjectDocument | None = None
        self.loading: Task | None = None
        self.import_wizard: ImportWizard | None = None
        self.setAcceptDrops(True)
        self.setMinimumSize(QSize(960, 600))
        self._build_pages()
        self._build_history()
        self.status = QLabel()
        self.statusBar().addPermanentWidget(self.status)
        self._build_actions()
        self._build_menus()
        self._update_state()
        self.welcome.set_recent(settings.recent_files)
        if remember:
            if settings.geometry is not None:
                self.restoreGeometry(settings.geometry)
            if settings.window_state is not None:
                self.restoreState(settings.window_state)
                self.history_dock.hide()

    # -- building ----------------------------------------------------------------------------------------------

    def _build_pages(self) -> None:
        self.welcome = WelcomeWidget()
        self.welcome.new_requested.connect(self.new_project)
        self.welcome.open_requested.connect(self.ask_open)
        self.welcome.demo_requested.connect(self.open_demo)
        self.welcome.recent.open_path.connect(self.open_path)
        self.welcome.recent.forget_path.connect(self.forget_recent)

        self.specs: list[ViewSpec] = views()
        self.nav = QListWidget()
        self.nav.setAccessibleName("Vues")
        self.nav.setFixedWidth(170)
        self.nav.setObjectName("nav")
        self.view_stack = QStackedWidget()
        self.views = ViewPages(self.specs, self, self.view_stack)
        for number, spec in enumerate(self.specs, start=1):
            item = QListWidgetItem(spec.label)
            item.setToolTip(f"{spec.description} (Ctrl+{number})")
            item.setSizeHint(QSize(150, 40))
            self.nav.addItem(item)
        self.views.show(0)  # the first view shows whenever a project opens: built now, the others when asked for
        self.nav.currentRowChanged.connect(self.views.show)
        workspace = QWidget()
        row = QHBoxLayout(workspace)
        row.setContentsMargins(8, 8, 8, 0)
        row.addWidget(self.nav)
        row.addWidget(self.view_stack, 1)

        self.pages = QStackedWidget()
        self.pages.addWidget(self.welcome)
        self.pages.addWidget(workspace)
        self.workspace = workspace
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.pages, 1)
        column.addWidget(self._notice_bar())
        self.setCentralWidget(central)

    def _build_history(self) -> None:
        self.history = QUndoView()
        self.history.setEmptyLabel("Projet ouvert")
        self.history.setAccessibleName("Historique des modifications")
        self.history.setMinimumWidth(260)
        self.history_dock = QDockWidget("Historique des modifications", self)
        self.history_dock.setObjectName("history")
        self.history_dock.setWidget(self.history)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.history_dock)
        self.history_dock.hide()

    def _notice_bar(self) -> QWidget:
        bar = QFrame()
        bar.setObjectName("notice")
        icon = QLabel()
        icon.setPixmap(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxInformation).pixmap(16, 16))
        text = QLabel(f"{NOTICE}  <a href='#methode'>En savoir plus</a>")
        text.setObjectName("noticeText")
        text.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse
                                     | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)
        text.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        text.setWordWrap(True)
        text.linkActivated.connect(self.show_method)
        text.setAccessibleName("Avertissement sur la méthode. En savoir plus : F1")
        layout = QHBoxLayout(bar)
        layout.setContentsMargins(12, 5, 12, 5)
        layout.addWidget(icon)
        layout.addWidget(text, 1)
        self.notice = text
        return bar

    def _action(self, text: str, slot: Any, shortcut: QKeySequence | str | None = None, tip: str = "",
                icon: QStyle.StandardPixmap | None = None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        if icon is not None:
            action.setIcon(self.style().standardIcon(icon))
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)  # shortcuts work whatever has focus, menu bar shown or not
        return action

    def _build_actions(self) -> None:
        sp = QStyle.StandardPixmap
        self.new_action = self._action("&Nouvelle cartographie…", self.new_project, QKeySequence.StandardKey.New,
                                       "Importer un tableau des effectifs", sp.SP_FileIcon)
        self.open_action = self._action("&Ouvrir…", self.ask_open, QKeySequence.StandardKey.Open,
                                        "Ouvrir une cartographie enregistrée (.carto)", sp.SP_DialogOpenButton)
        self.demo_action = self._action("Commune &exemple", self.open_demo, None,
                                        "Ouvrir la commune exemple (une copie modifiable)")
        self.save_as_action = self._action("Enregistrer &sous…", self.save_as, "Ctrl+Shift+S",
                                           "Enregistrer une copie du projet sous un autre nom (le projet est "
                                           "enregistré automatiquement à chaque modification)")
        self.close_action = self._action("&Fermer le projet", self.close_project, QKeySequence.StandardKey.Close,
                                         "Revenir à l'écran d'accueil")
        self.report_action = self._action("&Rapport au conseil (PDF)…", self.print_report,
                                          QKeySequence.StandardKey.Print, "Créer le rapport pour les élus, le comité "
                                          "de direction et le comité social territorial", sp.SP_FileDialogContentsView)
        self.report_action.setIconText("Rapport")
        self.export_action = self._action("E&xporter le classeur Excel…", self.export_workbook, "Ctrl+E",
                                          "Enregistrer les résultats dans un classeur Excel")
        self.quit_action = self._action("&Quitter", self.close, QKeySequence.StandardKey.Quit)
        self.undo_action = self._action("&Annuler", self.undo, QKeySequence.StandardKey.Undo,
                                        "Annuler la dernière modification", sp.SP_ArrowBack)
        self.redo_action = self._action("&Rétablir", self.redo, "Ctrl+Y", "Rétablir la modification annulée",
                                        sp.SP_ArrowForward)
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Y"), QKeySequence("Ctrl+Shift+Z")])
        self.find_action = self._action("Re&chercher", self.focus_search, QKeySequence.StandardKey.Find,
                                        "Aller au champ de recherche de la vue")
        self.preferences_action = self._action("&Préférences…", self.edit_preferences, "Ctrl+,")
        self.history_action = self.history_dock.toggleViewAction()
        self.history_action.setText("&Historique des modifications")
        self.history_action.setIconText("Historique")
        self.history_action.setShortcut(QKeySequence("Ctrl+H"))
        self.addAction(self.history_action)
        self.method_action = self._action("&Méthode et sources", self.show_method,
                                          QKeySequence.StandardKey.HelpContents)
        self.about_action = self._action("À &propos", self.show_about)
        self.view_actions: list[QAction] = []
        for number, spec in enumerate(self.specs, start=1):
            action = self._action(f"{spec.label}", lambda spec_id=spec.id: self.show_view(spec_id),
                                  f"Ctrl+{number}" if number < 10 else None, spec.description)
            self.view_actions.append(action)
        self.index_group = QActionGroup(self)
        self.index_actions: dict[str, QAction] = {}
        for value in INDEXES:
            mnemonic = "&2023" if value == "2023" else "202&5"  # distinct keys in the same menu
            action = QAction(f"Indice {INDEX_LABELS[value].replace(value, mnemonic, 1)}", self)
            action.setCheckable(True)
            action.triggered.connect(lambda _checked=False, v=value: self.set_index(v))
            self.index_group.addAction(action)
            self.index_actions[value] = action

        toolbar = QToolBar("Barre d'outils")
        toolbar.setObjectName("toolbar")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        toolbar.setMovable(False)
        toolbar.setIconSize(QSize(18, 18))
        self.history_action.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_FileDialogDetailedView))
        self.history_action.setToolTip("Afficher ou masquer l'historique des modifications (Ctrl+H)")
        for action in (self.new_action, self.open_action, None, self.undo_action, self.redo_action,
                       self.history_action, None, self.report_action):
            if action is None:
                toolbar.addSeparator()
            else:
                toolbar.addAction(action)
        self.addToolBar(toolbar)
        self.toolbar = toolbar

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&Fichier")
        file_menu.addAction(self.new_action)
        file_menu.addAction(self.open_action)
        self.recent_menu = file_menu.addMenu("Projets &récents")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        file_menu.addAction(self.demo_action)
        file_menu.addSeparator()
        file_menu.addAction(self.save_as_action)
        file_menu.addAction(self.report_action)
        file_menu.addAction(self.export_action)
        file_menu.addAction(self.close_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        edit_menu = bar.addMenu("É&dition")
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        edit_menu.addSeparator()
        edit_menu.addAction(self.find_action)
        edit_menu.addSeparator()
        edit_menu.addAction(self.preferences_action)
        view_menu = bar.addMenu("&Affichage")
        for action in self.view_actions:
            view_menu.addAction(action)
        view_menu.addSeparator()
        index_menu = view_menu.addMenu("&Indice OIT")
        for action in self.index_actions.values():
            index_menu.addAction(action)
        view_menu.addAction(self.history_action)
        help_menu = bar.addMenu("Ai&de")
        help_menu.addAction(self.method_action)
        help_menu.addAction(self.about_action)

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        paths = self.settings.recent_files
        if not paths:
            empty = self.recent_menu.addAction("Aucun projet récent")
            empty.setEnabled(False)
        for number, path in enumerate(paths, start=1):
            action = self.recent_menu.addAction(f"&{number} {path.name}")
            action.setToolTip(str(path))
            action.triggered.connect(lambda _checked=False, p=path: self.open_path(p))

    # -- ViewHost ----------------------------------------------------------------------------------------------

    def show_error(self, message: str, detail: str = "") -> None:
        # Over the window in use: the full-screen workshop mode would hide a message shown over this one.
        active = QApplication.activeWindow()
        errors.show_error(active if active is not None and active.isVisible() else self, message, detail)

    def project_path(self) -> Path | None:
        return self.document.path if self.document else None

    def show_view(self, view_id: str) -> None:
        if self.document is None or view_id not in self.views:
            return
        self.nav.setCurrentRow(list(self.views).index(view_id))
        self.views[view_id].ensure_fresh()

    def current_view(self) -> View | None:
        widget = self.view_stack.currentWidget()
        return widget if isinstance(widget, View) else None

    def open_job(self, code: str) -> None:
        if self.document is None or code not in self.ref.jobs:
            return
        self.show_view("metiers")
        jobs = self.views["metiers"]
        jobs.ensure_fresh()
        jobs.open_job(code)  # type: ignore[attr-defined]

    # -- opening and closing -----------------------------------------------------------------------------------

    def new_project(self) -> None:
        self.start_import(None)

    def start_import(self, path: Path | None = None) -> None:
        """The import wizard's entry point (« Nouvelle cartographie », Ctrl+N, a staffing file dropped): window-modal,
        never blocking; the project it writes is opened here (and so added to the recent files)."""
        wizard = self.import_wizard
        if wizard is not None:  # already open: bring it forward, with the dropped file if any
            if path is not None and wizard.currentPage() is wizard.file_page:
                wizard.file_page.use(path)
            wizard.raise_()
            wizard.activateWindow()
            return
        # Imported here: the wizard brings the readers and the matcher (numpy), ≈ 0.25 s the start-up does not need.
        from cartographie_desktop.gui.wizard import ImportWizard

        wizard = ImportWizard(self, self.settings, self.ref, path=path, current_project=self.project_path)
        wizard.project_written.connect(self._imported)
        wizard.finished.connect(self._import_closed)
        self.import_wizard = wizard
        wizard.open()

    def _imported(self, path: Path) -> None:
        self.open_project(path)

    def _import_closed(self, _result: int) -> None:
        wizard, self.import_wizard = self.import_wizard, None
        if wizard is not None:
            wizard.deleteLater()

    def ask_open(self) -> None:
        start = self.settings.last_folder or str(Path.home())
        path = dialogs.ask_open_path(self, start)
        if path is not None:
            self.open_path(path)

    def open_path(self, path: Path) -> None:
        path = Path(path)
        if path.suffix.lower() == SUFFIX:
            self.open_project(path)
        elif path.suffix.lower() in STAFFING_SUFFIXES:
            self.start_import(path)
        else:
            self.show_error(f"« {path.name} » n'est ni un projet Cartographie (.carto) ni un tableau des effectifs "
                            "(Excel, CSV, ODS ou XML).")

    def open_demo(self) -> None:
        try:
            path = demo.demo_copy(self.settings)
        except StoreError as exc:
            self.show_error(str(exc))
            self.load_failed.emit(str(exc))
            return
        self.open_project(path)

    def open_project(self, path: Path) -> None:
        """Read and score the project off the UI thread, then open it for editing."""
        path = Path(path)
        if self.loading is not None and self.loading.running:
            return
        if not path.is_file():
            message = f"Le fichier « {path.name} » est introuvable : il a peut-être été déplacé ou supprimé."
            self.show_error(message)
            self.load_failed.emit(message)
            return
        ref, index_override = self.ref, self._index_override
        backup_root = None if demo.is_demo(path) else demo.backup_root()

        def work(ctx: TaskContext) -> Loaded:
            from cartographie_desktop.core import aggregates
            from cartographie_desktop.core.scoring import score_project
            from cartographie_desktop.gui.document import job_posts
            from cartographie_desktop.io.store import open_project

            ctx.progress(0, 3, "Lecture du projet…")
            project = open_project(path, read_only=True)
            if backup_root is not None:  # it passed integrity_check: worth keeping
                try:
                    backups.take(backup_root, path)
                except (StoreError, OSError) as exc:
                    log.warning("Sauvegarde automatique impossible de « %s » : %s", path.name, exc)
            ctx.check()
            ctx.progress(1, 3, "Calcul des scores…")
            results = score_project(project, ref, index_override or project.index)
            ctx.check()
            ctx.progress(2, 3, "Calcul des répartitions…")
            held = job_posts(project)
            agg = aggregates.compute(project, results)
            return Loaded(path, project, results, held, agg, backup_root)

        self.statusBar().showMessage(f"Ouverture de « {path.name} »…")
        self.loading = run_task(self, work, title="Ouverture du projet", label=f"Ouverture de « {path.name} »…",
                                on_done=self._loaded, on_error=lambda exc: self._load_error(path, exc),
                                on_cancel=lambda: self.statusBar().showMessage("Ouverture annulée.", 5000))

    def _load_error(self, path: Path, exc: BaseException) -> None:
        message = user_message(exc)
        self.statusBar().clearMessage()
        backup = self._backup_of(path) if isinstance(exc, CorruptProjectError | NotAProjectError) else None
        if backup is None:
            self.show_error(message, errors.format_exception(exc))
            self.load_failed.emit(message)
            return
        self.load_failed.emit(message)
        offer = (f"{message}\n\nUne sauvegarde automatique de ce projet a été faite le {backup.when}. Vous pouvez "
                 "l'ouvrir : elle sera copiée sous le nom de votre choix, et le fichier endommagé restera tel quel.")
        log.warning("%s (sauvegarde du %s proposée)\n%s", message, backup.when, errors.format_exception(exc))
        dialog = errors.ErrorDialog(self, offer, errors.format_exception(exc),
                                    action=f"Ouvrir la dernière sauvegarde ({backup.when})")
        if dialogs.exec_dialog(dialog):
            self.restore_backup(path, backup)

    def _backup_of(self, path: Path) -> backups.Backup | None:
        """The newest backup of a project that would not open: only for a window a person uses (not a capture)."""
        if not self.remember:
            return None
        try:
            return backups.latest(demo.backup_root(), path)
        except OSError:
            return None

    def restore_backup(self, damaged: Path, backup: backups.Backup) -> None:
        """Copy the backup under a name the user chooses (never over the damaged file), then open the copy."""
        suggested = damaged.with_name(f"{damaged.stem} (sauvegarde du {backup.taken:%d-%m-%Y %Hh%M}){SUFFIX}")
        target = dialogs.ask_save_path(self, str(suggested))
        if target is None:
            return
        try:
            restored = backups.restore(backup, target, damaged=damaged)
        except StoreError as exc:
            self.show_error(str(exc), errors.format_exception(exc))
            return
        self.statusBar().showMessage(f"Sauvegarde du {backup.when} copiée dans « {restored.name} ».", 5000)
        self.open_project(restored)

    def _loaded(self, loaded: Loaded) -> None:
        read_only = False
        try:
            store = ProjectStore.open(loaded.path)
        except StoreError:
            try:  # a file on a read-only medium can still be read
                store = ProjectStore.open(loaded.path, read_only=True)
                read_only = True
            except StoreError as exc:
                self._load_error(loaded.path, exc)
                return
        session = EditSession(loaded.project, store)
        document = ProjectDocument(session, self.ref, is_demo=demo.is_demo(loaded.path), index=self._index_override,
                                   parent=self)
        document.adopt(loaded.results, loaded.job_posts, loaded.aggregates)
        if loaded.backup_root is not None and not read_only:
            document.keeper = backups.Keeper(loaded.backup_root)
        self.set_document(document)
        if self.remember:
            self.settings.add_recent(loaded.path)
            self.settings.last_folder = str(loaded.path.parent)
        self.statusBar().showMessage(f"« {loaded.path.name} » ouvert.", 5000)
        if read_only:
            self.show_error(f"« {loaded.path.name} » est en lecture seule : vous pouvez le consulter, mais les "
                            "modifications ne pourront pas être enregistrées. Utilisez « Enregistrer sous… » pour "
                            "en faire une copie modifiable.")
        self.project_loaded.emit()

    def _wire(self, document: ProjectDocument, connect: bool) -> None:
        """(Dis)connect a document's signals: bound methods only, so nothing calls into a window being destroyed."""
        stack = document.undo_stack
        pairs = [(document.changed, self._document_changed), (document.failed, self.show_error),
                 (stack.canUndoChanged, self._update_undo), (stack.canRedoChanged, self._update_undo),
                 (stack.undoTextChanged, self._update_undo), (stack.redoTextChanged, self._update_undo)]
        for signal, slot in pairs:
            if connect:
                signal.connect(slot)
            else:
                signal.disconnect(slot)

    def set_document(self, document: ProjectDocument | None) -> None:
        previous = self.document
        if previous is not None:
            self._wire(previous, connect=False)
            self.history.setStack(None)
            self.document = None
            previous.close()
            previous.deleteLater()
        self.document = document
        self.history.setStack(document.undo_stack if document else None)
        if document is not None:
            self._wire(document, connect=True)
        self.views.set_document(document)
        if document is not None:
            self.pages.setCurrentWidget(self.workspace)
            self.nav.setCurrentRow(0)
            self.views[self.specs[0].id].ensure_fresh()
            self.views[self.specs[0].id].focus_search()
        else:
            self.pages.setCurrentWidget(self.welcome)
            self.welcome.set_recent(self.settings.recent_files)
            self.welcome.new_button.setFocus()
        self._update_state()

    def close_project(self) -> None:
        if self.document is not None:
            self.set_document(None)

    def forget_recent(self, path: Path) -> None:
        self.settings.remove_recent(path)
        self.welcome.set_recent(self.settings.recent_files)

    def save_as(self) -> None:
        if self.document is None:
            return
        current = self.document.path
        start = str(current.with_name(current.stem + " (copie).carto")) if current else self.settings.last_folder
        path = dialogs.ask_save_path(self, start)
        if path is None:
            return
        if current is not None and path.resolve() == current.resolve():
            return
        try:
            self.document.session.save_as(path)
        except StoreError as exc:
            self.show_error(str(exc))
            return
        self.document.is_demo = demo.is_demo(path)
        if self.remember:
            self.settings.add_recent(path)
            self.settings.last_folder = str(path.parent)
        self.statusBar().showMessage(f"Projet enregistré sous « {path.name} ».", 5000)
        self._update_state()

    # -- edits -------------------------------------------------------------------------------------------------

    def undo(self) -> None:
        if self.document is not None:
            self.document.undo_stack.undo()

    def redo(self) -> None:
        if self.document is not None:
            self.document.undo_stack.redo()

    def set_index(self, value: str) -> None:
        document = self.document
        if document is None:
            return
        self._index_override = None
        document.set_index_override(None)
        if document.project.index != value:
            document.execute(SetProjectField("index", value, f"Indice OIT {value} choisi"))
        self._update_state()

    def _document_changed(self) -> None:
        for view in self.views.built():
            view.document_changed()
        self._update_state()

    def _update_undo(self, *_args: object) -> None:
        stack = self.document.undo_stack if self.document else None
        self.undo_action.setEnabled(bool(stack and stack.canUndo()))
        self.redo_action.setEnabled(bool(stack and stack.canRedo()))
        self.undo_action.setToolTip(f"Annuler : {stack.undoText()}" if stack and stack.canUndo() else "Annuler")
        self.redo_action.setToolTip(f"Rétablir : {stack.redoText()}" if stack and stack.canRedo() else "Rétablir")
        self.undo_action.setStatusTip(self.undo_action.toolTip())
        self.redo_action.setStatusTip(self.redo_action.toolTip())

    def _update_state(self) -> None:
        document = self.document
        has = document is not None
        for action in (self.save_as_action, self.close_action, self.find_action, self.report_action,
                       self.export_action, *self.view_actions, *self.index_actions.values()):
            action.setEnabled(has)
        self.nav.setEnabled(has)
        self._update_undo()
        if document is None:
            self.setWindowTitle(APPLICATION)
            self.status.setText("")
            return
        self.index_actions[document.index].setChecked(True)
        name = document.path.name if document.path else "non enregistré"
        commune = document.commune
        if document.is_demo:
            self.setWindowTitle(f"{commune} — commune exemple — {APPLICATION}")
        else:
            self.setWindowTitle(f"{commune} — {name} — {APPLICATION}")
        agents = sum(p.headcount for p in document.project.posts)
        self.status.setText(f"{plural(agents, 'agent')} · {plural(len(document.results()), 'métier')} · "
                            f"indice OIT {document.index} · enregistré automatiquement")

    # -- misc --------------------------------------------------------------------------------------------------

    def focus_search(self) -> None:
        view = self.current_view()
        if view is not None and self.document is not None:
            view.focus_search()

    def print_report(self) -> Task | None:
        from cartographie_desktop.gui import report_dialog

        return report_dialog.print_report(self)

    def export_workbook(self) -> Task | None:
        from cartographie_desktop.gui import report_dialog

        return report_dialog.export_workbook(self)

    def show_method(self, *_args: object) -> None:
        dialogs.exec_dialog(MethodDialog(self))

    def show_about(self) -> None:
        from cartographie_desktop import __version__

        dialogs.inform(self, "À propos", f"{APPLICATION}, version {__version__}.\n\nCartographie des métiers d'une "
                       "commune concernés par l'IA générative, selon la méthode de l'OIT transposée par l'INET. "
                       "Le programme fonctionne hors ligne : aucune donnée ne quitte cet ordinateur.")

    def privacy_k(self) -> int:
        """The threshold of the open project (the one its reports, exports and charts use), else the default."""
        return self.document.project.privacy_k if self.document else self.settings.privacy_k

    def edit_preferences(self) -> None:
        dialog = dialogs.PreferencesDialog(self, self.settings, k=self.privacy_k(),
                                           project=self.document.project.commune if self.document else None)
        if not dialogs.exec_dialog(dialog):
            return
        k = dialog.k.value()
        self.settings.privacy_k = k  # the default for new projects
        if self.document is not None and self.document.project.privacy_k != k:
            # The project's own threshold: its report, exports and training plan, from the window or the command line.
            self.document.execute(SetProjectField("privacy_k", k, f"Seuil de confidentialité : {k} agents"))

    # -- drag and drop -----------------------------------------------------------------------------------------

    @staticmethod
    def _dropped_path(event: QDragEnterEvent | QDropEvent) -> Path | None:
        mime = event.mimeData()
        if not mime.hasUrls():
            return None
        urls = [u for u in mime.urls() if u.isLocalFile()]
        if len(urls) != 1:
            return None
        path = Path(urls[0].toLocalFile())
        return path if path.suffix.lower() in {SUFFIX, *STAFFING_SUFFIXES} else None

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._dropped_path(event) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        path = self._dropped_path(event)
        if path is None:
            event.ignore()
            return
        event.acceptProposedAction()
        QTimer.singleShot(0, lambda: self.open_path(path))  # let the drag finish before any dialog opens

    # -- closing -----------------------------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.import_wizard is not None:
            self.import_wizard.reject()
        if self.loading is not None and self.loading.running:
            self.loading.cancel()
        if self.remember:
            self.settings.geometry = self.saveGeometry()
            self.settings.window_state = self.saveState()
            if self.document is None:
                self.settings.forget_last_project()
            self.settings.sync()
        self.set_document(None)
        super().closeEvent(event)
