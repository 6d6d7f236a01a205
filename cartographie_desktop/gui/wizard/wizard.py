"""The import wizard: file → sheet and header row → columns → values → jobs → summary → « Terminer ».

As in MusicBrainz Picard's set-up wizard, pages check their input in `validatePage()` and nothing is applied before
`accept()`: the import is prepared in memory (`ImportState`), and only « Terminer » writes the `.carto` file
(atomically, through the import pipeline), remembers the folders and the column model, and hands the file to the
window. « Annuler » leaves no file and no setting behind.

Reading, matching and writing run off the UI thread through `gui.tasks`, one task at a time (the readers keep one
file in memory for the wizard's steps); a task asked for while another runs cancels it and takes its place.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from enum import IntEnum
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget, QWizard, QWizardPage

from cartographie_desktop.core import commands
from cartographie_desktop.core.model import MatchStatus
from cartographie_desktop.core.referentiel import Referentiel
from cartographie_desktop.core.text import plural
from cartographie_desktop.gui import demo, dialogs, errors
from cartographie_desktop.gui.settings import Settings
from cartographie_desktop.gui.tasks import Task, TaskCancelled, TaskContext, run_task, user_message
from cartographie_desktop.gui.wizard.common import (
    MODEL_FIT,
    SCAN_ROWS,
    Analysis,
    ImportState,
    project_file_name,
)
from cartographie_desktop.gui.wizard.input_pages import ColumnsPage, FilePage, SheetPage
from cartographie_desktop.gui.wizard.models import proposal
from cartographie_desktop.gui.wizard.result_pages import MatchPage, SummaryPage, ValuesPage
from cartographie_desktop.io import importer, staffing
from cartographie_desktop.io.store import StoreError

log = logging.getLogger(__name__)

TITLE = "Nouvelle cartographie — import du tableau des effectifs"


class Page(IntEnum):
    FILE = 0
    SHEET = 1
    COLUMNS = 2
    VALUES = 3
    MATCHING = 4
    SUMMARY = 5


@dataclass(slots=True)
class _Job:
    kind: str  # "analyse", "sheet", "read", "write"
    work: Callable[[TaskContext], Any]
    label: str
    on_done: Callable[[Any], None]
    on_error: Callable[[BaseException], None]
    on_cancel: Callable[[], None] = lambda: None
    on_progress: Callable[[int, int, str], None] | None = None
    path: Path | None = None


def analyse_sheet(path: Path, info: staffing.FileInfo, sheet: str) -> Analysis:
    """The first rows of a sheet, its header row and the column guesses (worker thread)."""
    table = staffing.read_table(path, sheet, max_rows=SCAN_ROWS)
    if info.format == "totem":
        return Analysis(path, info, sheet, table, 0, [])
    header = staffing.detect_header(table)
    return Analysis(path, info, sheet, table, header, staffing.guess_columns(table, header))


def _same_folder(a: str | Path, b: str | Path) -> bool:
    try:
        return Path(a).resolve() == Path(b).resolve()
    except OSError:
        return False


def message_of(exc: BaseException) -> str:
    """The French sentence for a failure: the readers' and the store's own, else a generic one (logged)."""
    if isinstance(exc, staffing.StaffingError | StoreError):
        return str(exc)
    log.error("Erreur inattendue dans l'assistant d'import", exc_info=exc)
    return user_message(exc)


class ImportWizard(QWizard):
    project_written = Signal(object)  # the Path of the written project, emitted once, just before closing

    def __init__(self, parent: QWidget | None, settings: Settings, ref: Referentiel, *, path: Path | None = None,
                 current_project: Callable[[], Path | None] | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.settings = settings
        self.ref = ref
        self.current_project = current_project or (lambda: None)
        self.state = ImportState()
        self.task: Task | None = None
        self.task_job: _Job | None = None
        self._pending: _Job | None = None
        self._closed = False
        self.written: Path | None = None
        self.file_page = FilePage(self)
        self.sheet_page = SheetPage(self)
        self.columns_page = ColumnsPage(self)
        self.values_page = ValuesPage(self)
        self.match_page = MatchPage(self)
        self.summary_page = SummaryPage(self)
        self.pages: dict[Page, QWizardPage] = {
            Page.FILE: self.file_page, Page.SHEET: self.sheet_page, Page.COLUMNS: self.columns_page,
            Page.VALUES: self.values_page, Page.MATCHING: self.match_page, Page.SUMMARY: self.summary_page,
        }
        for page_id, page in self.pages.items():
            self.setPage(page_id, page)
        self.setStartId(Page.FILE)
        self.currentIdChanged.connect(self._page_changed)
        self.resize(1060, 720)
        self.setMinimumSize(860, 600)
        if path is not None:
            self.file_page.use(Path(path))

    # -- tasks --------------------------------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self.task is not None

    @property
    def reading(self) -> bool:
        return self.task_job is not None and self.task_job.kind == "read"

    def analysing(self, path: Path) -> bool:
        job = self._pending or self.task_job
        return job is not None and job.kind == "analyse" and job.path == path

    def _start(self, job: _Job) -> None:
        if self._closed:
            return
        if self.task is not None:  # one task at a time: the newer request replaces the running one
            self.task.cancel()
            self._pending = job
            return
        self.task_job = job
        self.task = run_task(self, job.work, title=TITLE, label=job.label, show_after_ms=None,
                             on_progress=job.on_progress,
                             on_done=lambda value: self._finished(job, "done", value),
                             on_error=lambda exc: self._finished(job, "error", exc),
                             on_cancel=lambda: self._finished(job, "cancel"))
        self._busy_changed()

    def _finished(self, job: _Job, outcome: str, value: Any = None) -> None:
        self.task = self.task_job = None
        if self._closed:
            return
        pending, self._pending = self._pending, None
        if pending is not None:  # superseded: its outcome no longer matters
            self._start(pending)
            return
        self._busy_changed()
        if outcome == "done":
            job.on_done(value)
        elif outcome == "error":
            job.on_error(value)
        else:
            job.on_cancel()

    def cancel_task(self) -> None:
        self._pending = None
        if self.task is not None:
            self.task.cancel()

    def _busy_changed(self) -> None:
        for page in self.pages.values():
            page.completeChanged.emit()

    # -- the file -----------------------------------------------------------------------------------------------

    def analyse(self, path: Path) -> None:
        """Format, sheets, header row and column guesses of a file, off the UI thread."""
        path = Path(path)
        self.file_page.show_busy(path)

        def work(ctx: TaskContext) -> Analysis:
            try:
                info = staffing.inspect(path)
                ctx.check()
                return analyse_sheet(path, info, info.default_sheet)
            finally:
                if ctx.cancelled:
                    staffing.forget(path)

        self._start(_Job("analyse", work, f"Analyse de « {path.name} »", self._analysed,
                         lambda exc: self._analysis_failed(path, exc), self._analysis_cancelled, path=path))

    def _analysed(self, analysis: Analysis) -> None:
        info = analysis.info
        if all(sheet.rows <= 1 for sheet in info.sheets):  # said now rather than three pages later
            message = (f"Le fichier « {info.name} » ne contient aucune donnée."
                       if all(sheet.rows == 0 for sheet in info.sheets) else
                       f"Le fichier « {info.name} » ne contient qu'une ligne (les noms des colonnes ?) : aucune "
                       "ligne de poste à importer.")
            self._analysis_failed(analysis.path, staffing.StaffingError(message))
            staffing.forget(analysis.path)
            return
        self.state = ImportState(path=analysis.path, info=analysis.info)
        self._apply(analysis)
        self.file_page.show_info()

    def _analysis_failed(self, path: Path, exc: BaseException) -> None:
        self.state = ImportState()
        self.file_page.show_error(message_of(exc))

    def _analysis_cancelled(self) -> None:
        self.file_page.show_error("")

    def _apply(self, analysis: Analysis) -> None:
        state = self.state
        state.sheet, state.table = analysis.sheet, analysis.table
        state.header_row, state.guesses = analysis.header_row, analysis.guesses
        state.prepared, state.read_key = None, None  # a new table: the previous read no longer applies
        self.match_page.model.set_titles([], {})
        self.reset_mapping(use_model=True)

    def reset_mapping(self, *, use_model: bool) -> None:
        """The guesses, or the saved column model that fits this table best (from `MODEL_FIT`)."""
        state = self.state
        state.mapping = {guess.index: guess.field for guess in state.guesses}
        state.model = None
        if not use_model or state.totem or state.table is None or not state.table.rows:
            return
        fits = [(staffing.mapping_fit(model, state.table, state.header_row), n)
                for n, model in enumerate(self.settings.column_models)]
        fits = [(fit, n) for fit, n in fits if fit >= MODEL_FIT]
        if not fits:
            return
        model = self.settings.column_models[max(fits, key=lambda item: (item[0], -item[1]))[1]]
        try:
            state.mapping = staffing.mapping_from_json(model, state.table, state.header_row)
        except staffing.StaffingError as exc:
            log.warning("Modèle de colonnes inutilisable : %s", exc)
            return
        state.model = model

    # -- the sheet and its header -------------------------------------------------------------------------------

    def change_sheet(self, sheet: str) -> None:
        state = self.state
        path, info = state.path, state.info
        if path is None or info is None:
            return
        self.sheet_page.show_busy(True)

        def work(ctx: TaskContext) -> Analysis:
            try:
                return analyse_sheet(path, info, sheet)
            finally:
                if ctx.cancelled:
                    staffing.forget(path)

        self._start(_Job("sheet", work, f"Lecture de la feuille « {sheet} »", self._sheet_read, self._sheet_failed,
                         lambda: self.sheet_page.show_busy(False), path=path))

    def _sheet_read(self, analysis: Analysis) -> None:
        self._apply(analysis)
        self.sheet_page.show_busy(False)
        self.sheet_page.fill()

    def _sheet_failed(self, exc: BaseException) -> None:
        self.sheet_page.show_busy(False)
        self.sheet_page.fill()  # back to the sheet read before
        self.sheet_page.show_error(message_of(exc))

    def set_header(self, row: int) -> None:
        """The user chose another header row: guesses and mapping follow (a few hundred rows: instant)."""
        state = self.state
        if state.table is None or not 0 <= row < len(state.table.rows):
            return
        state.header_row = row
        state.guesses = staffing.guess_columns(state.table, row)
        self.reset_mapping(use_model=True)

    # -- reading ------------------------------------------------------------------------------------------------

    def start_read(self) -> None:
        """Read the whole file and match its titles with the chosen options, off the UI thread."""
        state = self.state
        path, sheet, options, keep = state.path, state.sheet, state.read_options(), state.keep_personal
        if path is None:
            return
        key, ref = state.read_key_now(), self.ref
        self.values_page.show_reading()

        def work(ctx: TaskContext) -> importer.PreparedImport:
            def progress(fraction: float, text: str) -> None:
                ctx.progress(round(fraction * 1000), 1000, text)

            try:
                return importer.prepare(path, sheet=sheet, keep_personal=keep, ref=ref, progress=progress,
                                        cancelled=lambda: ctx.cancelled, **options)
            except staffing.ImportCancelled as exc:
                raise TaskCancelled from exc
            finally:
                if ctx.cancelled:
                    staffing.forget(path)

        self._start(_Job("read", work, f"Lecture de « {path.name} »", lambda prepared: self._read(key, prepared),
                         lambda exc: self.values_page.show_stopped(message_of(exc), cancelled=False),
                         lambda: self.values_page.show_stopped("", cancelled=True),
                         self.values_page.show_progress, path=path))

    def _read(self, key: tuple, prepared: importer.PreparedImport) -> None:
        state = self.state
        state.prepared, state.read_key = prepared, key
        state.choices = {k: m for k, m in state.choices.items() if k in prepared.project.matches}
        self.values_page.show_result()

    # -- matches ------------------------------------------------------------------------------------------------

    def choose(self, key: str, code: str | None) -> None:
        """The person's job for a title (None: none yet, *à vérifier*). Kept aside until « Terminer »."""
        prepared = self.state.prepared
        if prepared is None or key not in prepared.project.matches or (code is not None and code not in self.ref.jobs):
            return
        self.state.choices[key] = commands.confirm_match(prepared.project, key, code).match
        self.match_page.title_changed(key)

    def confirm(self, key: str) -> None:
        """« Confirmer ce métier »: the job retained, or for a title *à vérifier* the one proposed."""
        match = self.state.match(key)
        offered = proposal(match)
        code = match.job_code or (offered[0] if offered else None)
        if code:
            self.choose(key, code)

    def confirm_all_sure(self) -> None:
        """« Valider toutes les correspondances sûres »: every automatic match becomes confirmed."""
        prepared = self.state.prepared
        if prepared is None:
            return
        sure = [key for key in prepared.project.matches if self.state.match(key).status == MatchStatus.AUTO]
        for key in sure:
            match = self.state.match(key)
            self.state.choices[key] = replace(match, status=MatchStatus.CONFIRMED)
        self.match_page.all_changed()
        words = plural(len(sure), "correspondance sûre validée", "correspondances sûres validées")
        self.match_page.message.setText(f"{words}.")

    # -- pages --------------------------------------------------------------------------------------------------

    def _page_changed(self, page_id: int) -> None:
        if page_id == Page.SHEET:
            self.sheet_page.fill()
        else:
            self.sheet_page.clear()  # the preview may show personal data: not a moment longer than needed

    # -- finishing ----------------------------------------------------------------------------------------------

    def default_project_path(self) -> Path:
        """« <Commune> <année>.carto » in the last projects' folder (never the example commune's own folder), else
        beside the staffing file."""
        commune = " ".join(self.summary_page.commune.text().split())
        folder = self.settings.last_folder
        if not folder or _same_folder(folder, demo.demo_folder()):
            folder = str(self.state.path.parent) if self.state.path else str(Path.home())
        return Path(folder) / project_file_name(commune, self.summary_page.year.value())

    def accept(self) -> None:
        """« Terminer »: ask where to save, write the project atomically, remember the choices, hand it over."""
        prepared, state = self.state.prepared, self.state
        if self.busy or prepared is None or state.path is None:
            return
        if not self.validateCurrentPage():  # QWizard validates in done(), after this: the dialog must not open first
            return
        chosen = dialogs.ask_save_path(self, str(self.default_project_path()))
        if chosen is None:
            return
        try:
            target = importer.project_path(chosen)
        except StoreError as exc:
            errors.show_error(self, str(exc))
            return
        current = self.current_project()
        if current is not None and target.resolve() == Path(current).resolve():
            errors.show_error(self, f"« {target.name} » est le projet ouvert dans la fenêtre : choisissez un autre "
                                    "nom.")
            return
        project = prepared.project
        commands.SetProjectField("commune", " ".join(self.summary_page.commune.text().split())).apply(project)
        commands.SetProjectField("year", self.summary_page.year.value()).apply(project)
        commands.SetProjectField("privacy_k", self.settings.privacy_k).apply(project)  # the default of Préférences
        for key, match in state.choices.items():
            if key in project.matches:
                commands.SetMatch(key, match).apply(project)

        def work(_ctx: TaskContext) -> Path:
            return prepared.write(target, overwrite=True)  # the save dialog has asked before replacing a file

        self.setEnabled(False)  # a moment: no going back while the file is written
        self._start(_Job("write", work, f"Enregistrement de « {target.name} »", self._written, self._write_failed))

    def _write_failed(self, exc: BaseException) -> None:
        self.setEnabled(True)
        errors.show_error(self, message_of(exc), errors.format_exception(exc))

    def _written(self, path: Path) -> None:
        state = self.state
        self.written = path
        self.settings.last_folder = str(path.parent)
        if state.path is not None:
            self.settings.last_staffing_folder = str(state.path.parent)
        if state.save_model and not state.totem and state.table is not None:
            model = staffing.mapping_to_json(state.table, state.header_row, state.mapping)
            model.update(source=state.path.name if state.path else "", saved=date.today().isoformat())
            self.settings.save_column_model(model)
        self.project_written.emit(path)
        self._close_down()
        super().accept()

    def reject(self) -> None:
        """« Annuler »: stop the work under way and forget everything read (nothing was written)."""
        if self.task_job is not None and self.task_job.kind == "write":
            return  # the project file is being written: a moment, then the wizard closes by itself
        self._close_down()
        super().reject()

    def _close_down(self) -> None:
        self._closed = True
        self._pending = None
        if self.task is not None:
            self.task.cancel()  # the work forgets the file it was reading when it stops
        elif self.state.path is not None:
            staffing.forget(self.state.path)
        self.sheet_page.clear()
        self.state = ImportState()
