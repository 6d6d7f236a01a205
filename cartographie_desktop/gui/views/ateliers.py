"""Ateliers: the workshop sheets (one per job and per workshop, the history of a job by date), the sheet form, the
projected workshop mode, and the offline work: the kit to fill in Excel or LibreOffice and its import, the training
plan, the printable A4 sheet. Every edit is a command on the window's undo stack, saved at once.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMenu,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from cartographie_desktop.core import workshops as ws
from cartographie_desktop.core.commands import EditError
from cartographie_desktop.core.model import Project
from cartographie_desktop.core.palette import BAND_COLOURS, BAND_TEXT_COLOURS
from cartographie_desktop.core.text import NNBSP, fold, plural
from cartographie_desktop.gui import dialogs
from cartographie_desktop.gui.models import RIGHT, Column, _TableModel, brush
from cartographie_desktop.gui.tasks import Task, TaskContext, run_task, user_message
from cartographie_desktop.gui.views import View, ViewHost, ViewSpec, register
from cartographie_desktop.gui.widgets import DataTable
from cartographie_desktop.gui.workshop_form import FollowFocus, SheetForm

Index = QModelIndex | QPersistentModelIndex
_INVALID = QModelIndex()
XLSX_FILTER = "Classeurs Excel (*.xlsx)"
PDF_FILTER = "Documents PDF (*.pdf)"


def snapshot(project: Project) -> Project:
    """A copy a worker thread can read while the person keeps editing (lines and sheets are immutable)."""
    return replace(project, posts=list(project.posts), matches=dict(project.matches),
                   post_jobs=dict(project.post_jobs), decisions=dict(project.decisions),
                   mapping=dict(project.mapping), workshops=list(project.workshops), extra=dict(project.extra))


def safe_name(text: str) -> str:
    """A file name from a job label or a group name (no characters Windows refuses)."""
    cleaned = "".join(" " if c in '<>:"/\\|?*' else c for c in text)
    return " ".join(cleaned.split())[:80] or "atelier"


class SheetListModel(_TableModel):
    """The sheets by job (alphabetical), each job's history by date."""

    SHEET, ESTIMATE, SCORE = range(3)
    COLUMNS = (Column("Métier et atelier"), Column("Estimé", "Impact estimé par le groupe", RIGHT),
               Column("Calculé", "Score calculé par la méthode de l'OIT", RIGHT))

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[tuple[ws.WorkshopSheet, str, ws.ImpactComparison | None]] = []

    def update(self, form: SheetForm) -> None:
        document = form.document
        rows = []
        if document is not None:
            for sheet in document.project.workshops:
                rows.append((sheet, form.job_label(sheet), form.comparison(sheet)))
        rows.sort(key=lambda r: (fold(r[1]), r[0].sort_key))
        if [r[0].id for r in rows] == [r[0].id for r in self.rows]:
            self.rows = rows
            self.refresh_all()
            return
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: Index = _INVALID) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def row_of(self, sheet_id: str) -> int:
        return next((n for n, r in enumerate(self.rows) if r[0].id == sheet_id), -1)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        sheet, label, comparison = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            estimate = sheet.impact.text if sheet.impact else "—"
            score = f"{comparison.score}{NNBSP}%" if comparison else "—"
            return (f"{label}\n{ws.workshop_label(sheet)}", estimate, score)[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{label} — {ws.workshop_label(sheet)}" + (f"\n{comparison.sentence}" if comparison else "")
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self.COLUMNS[column].align
        if comparison is not None and column == self.SCORE:
            if role == Qt.ItemDataRole.BackgroundRole:
                return brush(BAND_COLOURS[comparison.band])
            if role == Qt.ItemDataRole.ForegroundRole:
                return brush(BAND_TEXT_COLOURS[comparison.band])
        return None


class WorkshopsView(View):
    task_finished = Signal(str)  # the name of a long action once it is over (done, failed or cancelled)

    def __init__(self, host: ViewHost, parent: QWidget | None = None) -> None:
        super().__init__(host, parent)
        self.task: Task | None = None
        self.mode = None  # the workshop mode window, while open
        self.form = SheetForm(self)
        self.form.sheet_changed.connect(self._form_changed)
        self.area = QScrollArea()
        self.area.setWidgetResizable(True)
        self.area.setWidget(self.form)
        self.area.setFrameShape(QScrollArea.Shape.NoFrame)
        FollowFocus(self.area, self.form)

        left = self._build_list()
        self.empty = QLabel("Aucune fiche d'atelier pour l'instant.\n\nUn atelier réunit encadrants et agents autour "
                            "d'un métier très exposé : comment il évolue de 2025 à 2035, et de quoi ses agents auront "
                            "besoin. Créez une fiche par métier étudié avec « Nouvelle fiche… », puis remplissez-la "
                            "avec le groupe, à l'écran (« Mode atelier », F11) ou sur papier (« Fiche A4 (PDF) »).")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.empty.setMargin(24)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.area)
        self.pages.addWidget(self.empty)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.pages)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([330, 950])
        splitter.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._build_actions())
        layout.addWidget(splitter, 1)
        # (PySide6 ignores `context=` in the constructor that also takes the slot: set it apart.)
        mode_key = QShortcut(QKeySequence(Qt.Key.Key_F11), self, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        mode_key.activated.connect(self.open_mode)

    def _build_list(self) -> QWidget:
        self.model = SheetListModel()
        self.model.setParent(self)
        self.list = DataTable(name="Fiches d'atelier")
        self.list.setSortingEnabled(False)
        self.list.setModel(self.model)
        self.list.setWordWrap(True)
        self.list.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = self.list.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.list.selectionModel().currentRowChanged.connect(self._row_changed)
        self.list.activated_row.connect(lambda _row: self.form.tables["participants"].setFocus())
        self.delete_button = QPushButton("&Supprimer la fiche")
        self.delete_button.setToolTip("Supprimer la fiche choisie (Suppr) ; Ctrl+Z la rétablit.")
        self.delete_button.clicked.connect(self.delete_sheet)
        delete_key = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.list,
                               context=Qt.ShortcutContext.WidgetShortcut)
        delete_key.activated.connect(self.delete_sheet)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.list, 1)
        left_layout.addWidget(self.delete_button, 0, Qt.AlignmentFlag.AlignLeft)
        return left

    def _build_actions(self) -> QHBoxLayout:
        self.new_button = QPushButton("&Nouvelle fiche…")
        self.new_button.clicked.connect(lambda _checked=False: self.new_sheet())
        self.mode_button = QPushButton("&Mode atelier (F11)")
        self.mode_button.setToolTip("Plein écran pour le vidéoprojecteur : gros caractères, un métier à la fois, "
                                    "minuteur. Échap pour revenir.")
        self.mode_button.clicked.connect(self.open_mode)
        self.kit_button = QToolButton()
        self.kit_button.setText("&Kit d'atelier")
        self.kit_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        kit_menu = QMenu(self.kit_button)
        self.prepare_action = kit_menu.addAction("&Préparer un kit d'atelier…", self.prepare_kit)
        self.import_action = kit_menu.addAction("&Importer un kit rempli…", self.import_kit)
        self.kit_button.setMenu(kit_menu)
        self.export_button = QToolButton()
        self.export_button.setText("&Exporter")
        self.export_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        export_menu = QMenu(self.export_button)
        self.plan_action = export_menu.addAction("&Plan de formation (Excel)…", self.export_training_plan)
        self.pdf_action = export_menu.addAction("&Fiche A4 (PDF)…", self.export_sheet_pdf)
        self.export_button.setMenu(export_menu)
        self.counts = QLabel()
        self.counts.setObjectName("muted")
        row = QHBoxLayout()
        for widget in (self.new_button, self.mode_button, self.kit_button, self.export_button):
            row.addWidget(widget)
        row.addSpacing(12)
        row.addWidget(self.counts, 1)
        return row

    # -- View ------------------------------------------------------------------------------------------------------

    @property
    def settings(self):
        return self.host.settings

    def document_set(self) -> None:
        self.close_mode()
        self.form.set_document(self.document)
        self.model.update(self.form)

    def refresh(self) -> None:
        current = self.form.sheet_id
        self.model.update(self.form)
        has = self.model.rowCount() > 0
        self.pages.setCurrentWidget(self.area if has else self.empty)
        row = self.model.row_of(current) if current else -1
        if row < 0 and has:
            row = 0
        if row >= 0:
            if self.list.currentIndex().row() != row:
                self.list.setCurrentIndex(self.model.index(row, 0))
            self.form.show_sheet(self.model.rows[row][0].id)
        else:
            self.form.show_sheet(None)
        self._update_actions()
        if self.mode is not None:
            self.mode.refresh()

    def focus_search(self) -> None:
        self.list.setFocus()

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid() and 0 <= current.row() < len(self.model.rows):
            self.form.show_sheet(self.model.rows[current.row()][0].id)
        self._update_actions()

    def _form_changed(self) -> None:
        self.counts.setText(self._counts_text())

    def _counts_text(self) -> str:
        document = self.document
        if document is None or not document.project.workshops:
            return ""
        sheets = document.project.workshops
        jobs = len({s.job for s in sheets})
        needs = sum(len(s.needs) for s in sheets)
        return (f"{plural(len(sheets), 'fiche')} pour {plural(jobs, 'métier')} · "
                f"{plural(needs, 'besoin')} d'accompagnement (plan de formation)")

    def _update_actions(self) -> None:
        has_document = self.document is not None
        has_sheets = bool(has_document and self.document.project.workshops)
        busy = self.task is not None and self.task.running
        self.new_button.setEnabled(has_document)
        self.delete_button.setEnabled(self.form.sheet_id is not None)
        self.mode_button.setEnabled(self.form.sheet_id is not None)
        self.prepare_action.setEnabled(has_sheets and not busy)
        self.import_action.setEnabled(has_sheets and not busy)
        self.plan_action.setEnabled(has_sheets and not busy)
        self.pdf_action.setEnabled(has_document and not busy)
        self.counts.setText(self._counts_text())

    def select_sheet(self, sheet_id: str) -> None:
        row = self.model.row_of(sheet_id)
        if row >= 0:
            self.list.setCurrentIndex(self.model.index(row, 0))

    def sheet_ids(self) -> list[str]:
        """The sheets in the order of the list (the workshop mode's Page suivante / précédente follow it)."""
        return [row[0].id for row in self.model.rows]

    def status_message(self, text: str) -> None:
        window = self.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(text, 8000)
        if self.mode is not None:
            self.mode.show_message(text)

    def show_error(self, message: str, detail: str = "") -> None:
        from cartographie_desktop.gui import errors

        parent = self.mode if self.mode is not None and self.mode.isVisible() else self.window()
        errors.show_error(parent, message, detail)

    # -- sheets ----------------------------------------------------------------------------------------------------

    def new_sheet(self, job: str | None = None) -> str | None:
        from cartographie_desktop.gui.workshop_dialogs import NewSheetDialog

        document = self.document
        if document is None:
            return None
        if job is None and self.form.sheet is not None:
            job = self.form.sheet.job
        dialog = NewSheetDialog(self, document, self.settings, job)
        if not (dialogs.exec_dialog(dialog) and dialog.command is not None):
            return None
        sheet_id = dialog.command.sheet.id
        if document.execute(dialog.command):
            self.select_sheet(sheet_id)
            return sheet_id
        return None

    def delete_sheet(self) -> bool:
        document, sheet_id = self.document, self.form.sheet_id
        if document is None or sheet_id is None:
            return False
        try:
            command = ws.delete_sheet(document.project, sheet_id)
        except EditError as exc:
            self.show_error(str(exc))
            return False
        if document.execute(command):
            self.status_message("Fiche supprimée : Ctrl+Z pour la rétablir.")
            return True
        return False

    # -- workshop mode ---------------------------------------------------------------------------------------------

    def open_mode(self, *_args: object, full_screen: bool = True) -> None:
        """F11 or « Mode atelier »: the sheet shown, full screen (a window of its size for screenshots)."""
        from cartographie_desktop.gui.workshop_mode import WorkshopMode

        if self.document is None or self.form.sheet_id is None:
            return
        if not self.form.commit_pending():
            return
        if self.mode is None:
            self.mode = WorkshopMode(self)
            self.mode.closed.connect(self._mode_closed)
        self.mode.start(self.form.sheet_id, full_screen=full_screen)

    def _mode_closed(self, sheet_id: str) -> None:
        mode, self.mode = self.mode, None
        if mode is not None:
            mode.deleteLater()
        if sheet_id:
            self.select_sheet(sheet_id)
        self.form.refresh()
        self.list.setFocus()

    def close_mode(self) -> None:
        if self.mode is not None:
            self.mode.leave()

    # -- long work -------------------------------------------------------------------------------------------------

    def _start(self, name: str, work, *, title: str, label: str, done_text) -> None:
        def on_done(result: Any) -> None:
            self._finished()
            self.status_message(done_text(result))
            self.task_finished.emit(name)

        def on_error(exc: BaseException) -> None:
            from cartographie_desktop.gui import errors

            self._finished()
            self.show_error(user_message(exc), errors.format_exception(exc))
            self.task_finished.emit(name)

        def on_cancel() -> None:
            self._finished()
            self.status_message("Opération annulée.")
            self.task_finished.emit(name)

        self.task = run_task(self, work, title=title, label=label, on_done=on_done, on_error=on_error,
                             on_cancel=on_cancel)
        self._update_actions()

    def _finished(self) -> None:
        self.task = None
        self._update_actions()

    def _start_folder(self) -> Path:
        path = self.host.project_path()
        if self.settings.last_folder:
            return Path(self.settings.last_folder)
        return path.parent if path else Path.home()

    def _ask_save(self, title: str, name: str, file_filter: str, suffix: str) -> Path | None:
        return dialogs.ask_save_file(self, title, str(self._start_folder() / name), file_filter, suffix)

    def prepare_kit(self, *_args: object) -> None:
        from cartographie_desktop.gui.workshop_dialogs import KitPrepareDialog

        document = self.document
        if document is None or not document.project.workshops or not self.form.commit_pending():
            return
        dialog = KitPrepareDialog(self, document, None)
        if not dialogs.exec_dialog(dialog):
            return
        ids, group = dialog.chosen(), dialog.group.text().strip()
        name = f"Kit atelier - {safe_name(group or document.commune)}.xlsx"
        path = self._ask_save("Enregistrer le kit d'atelier", name, XLSX_FILTER, ".xlsx")
        if path is None:
            return
        project, ref = snapshot(document.project), document.ref

        def work(ctx: TaskContext) -> Path:
            from cartographie_desktop.io.workshop_kit import prepare_kit

            ctx.progress(0, 1, "Écriture du kit…")
            return prepare_kit(project, ref, ids, path, group=group)

        self._start("kit", work, title="Kit d'atelier", label="Préparation du kit d'atelier…",
                    done_text=lambda p: f"Kit d'atelier enregistré : « {Path(p).name} » "
                                        f"({plural(len(ids), 'fiche')}).")

    def import_kit(self, *_args: object) -> None:
        document = self.document
        if document is None or not self.form.commit_pending():
            return
        path = dialogs.ask_open_file(self, "Importer un kit d'atelier rempli", str(self._start_folder()),
                                     f"{XLSX_FILTER};;Tous les fichiers (*)")
        if path is None:
            return
        project, ref = snapshot(document.project), document.ref

        def work(ctx: TaskContext):
            from cartographie_desktop.io.workshop_kit import KitError, read_kit

            ctx.progress(0, 1, "Lecture du kit…")
            try:
                return read_kit(path, project, ref)
            except KitError as exc:
                raise EditError(str(exc)) from exc  # a French message for `user_message`

        def review(found) -> None:
            self._finished()
            self._review_kit(found)
            self.task_finished.emit("import")

        def failed(exc: BaseException) -> None:
            self._finished()
            self.show_error(user_message(exc))
            self.task_finished.emit("import")

        self.task = run_task(self, work, title="Kit d'atelier", label=f"Lecture de « {path.name} »…",
                             on_done=review, on_error=failed, on_cancel=lambda: (self._finished(),
                                                                                 self.task_finished.emit("import")))
        self._update_actions()

    def _review_kit(self, found) -> None:
        from cartographie_desktop.gui.workshop_dialogs import KitImportDialog

        document = self.document
        if document is None:
            return
        if not found.changes:
            problems = "".join(f"\n• {p.text}" for p in found.problems)
            read = plural(found.sheets_read, "fiche lue", "fiches lues")
            if found.blocking_problems:
                self.show_error(f"Aucune modification importée depuis « {found.path.name} » ({read}) : une partie du "
                                f"kit n'a pas pu être lue.{problems}\n\nLe projet n'a pas changé ; le kit non plus. "
                                "Corrigez le kit ou préparez-en un nouveau.")
            else:
                text = f"Aucune différence : le kit « {found.path.name} » ne change rien au projet ({read})."
                dialogs.inform(self, "Importer un kit rempli", text + (f"\n\nÀ noter :{problems}" if problems
                                                                        else ""))
            self.status_message("Aucune différence : rien n'a changé.")
            return
        dialog = KitImportDialog(self, found)
        if not dialogs.exec_dialog(dialog):
            self.status_message("Import du kit annulé : rien n'a changé.")
            return
        accepted = dialog.accepted_keys()
        if not accepted:
            self.status_message("Aucune modification cochée : rien n'a changé.")
            return
        if document.execute(found.batch(accepted)):
            self.status_message(f"Kit importé : {plural(len(accepted), 'modification')} (Ctrl+Z pour annuler).")

    def export_training_plan(self, *_args: object) -> None:
        document = self.document
        if document is None or not self.form.commit_pending():
            return
        name = f"Plan de formation - ateliers - {safe_name(document.commune)}.xlsx"
        path = self._ask_save("Enregistrer le plan de formation", name, XLSX_FILTER, ".xlsx")
        if path is None:
            return
        project, ref = snapshot(document.project), document.ref

        def work(ctx: TaskContext) -> Path:
            from cartographie_desktop.report.training_plan import TrainingPlanError, write_training_plan

            ctx.progress(0, 1, "Écriture du plan de formation…")
            try:
                return write_training_plan(project, ref, path)
            except TrainingPlanError as exc:
                raise EditError(str(exc)) from exc

        lines = len(ws.training_lines(document.project, document.ref))
        self._start("plan", work, title="Plan de formation", label="Écriture du plan de formation…",
                    done_text=lambda p: f"Plan de formation enregistré : « {Path(p).name} » "
                                        f"({plural(lines, 'ligne')}).")

    def export_sheet_pdf(self, *_args: object) -> None:
        from cartographie_desktop.gui.workshop_dialogs import SheetPdfDialog

        document = self.document
        if document is None or not self.form.commit_pending():
            return
        sheet = self.form.sheet
        job_label = self.form.job_label(sheet) if sheet else None
        dialog = SheetPdfDialog(self, job_label, sheet is not None)
        if not dialogs.exec_dialog(dialog):
            return
        choice = dialog.choice()
        if choice == SheetPdfDialog.CURRENT and sheet is not None:
            ids, blank, name = [sheet.id], None, f"Fiche atelier - {job_label}"
        elif choice == SheetPdfDialog.ALL:
            ids, blank, name = self.sheet_ids(), None, f"Fiches atelier - {document.commune}"
        elif choice == SheetPdfDialog.BLANK_JOB and sheet is not None:
            ids, blank, name = [], sheet.job, f"Fiche atelier vierge - {job_label}"
        else:
            ids, blank, name = [], "", "Fiche atelier vierge"
        path = self._ask_save("Enregistrer la fiche d'atelier (PDF)", f"{safe_name(name)}.pdf", PDF_FILTER, ".pdf")
        if path is None:
            return
        project, ref, index = snapshot(document.project), document.ref, document.index

        def work(ctx: TaskContext) -> Path:
            from cartographie_desktop.report.workshop_sheet import write_sheets_pdf

            ctx.progress(0, 1, "Mise en page de la fiche…")
            return write_sheets_pdf(project, ref, path, ids, blank_job=blank, index=index)

        self._start("pdf", work, title="Fiche d'atelier", label="Mise en page de la fiche…",
                    done_text=lambda p: f"Fiche d'atelier enregistrée : « {Path(p).name} ».")


register(ViewSpec("ateliers", "Ateliers", WorkshopsView, "Les fiches d'atelier : 2025 → 2035, besoins, indicateurs"))
