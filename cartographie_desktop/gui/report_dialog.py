"""« Rapport au conseil (PDF) » and « Classeur Excel des résultats »: the options, the file to write, the work off
the UI thread with progress and « Annuler » (`gui.tasks`), then the file opened with the system's viewer.

The builders are `report.pdf.build_report` and `report.excel.build_workbook` (no Qt); the worker reads a copy of the
project, so the user may go on editing while the report is written.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from cartographie_desktop.gui import dialogs
from cartographie_desktop.gui.tasks import Task, TaskCancelled, TaskContext, run_task, user_message
from cartographie_desktop.report.options import CHAPTERS, ReportOptions

if TYPE_CHECKING:
    from cartographie_desktop.gui.mainwindow import MainWindow

PDF_FILTER = "Documents PDF (*.pdf)"
XLSX_FILTER = "Classeurs Excel (*.xlsx)"
IMAGE_FILTER = "Images (*.png *.jpg *.jpeg)"


# --- hooks the tests replace --------------------------------------------------------------------------------------


def ask_output_path(parent: QWidget | None, title: str, start: str, file_filter: str, suffix: str) -> Path | None:
    name, _ = QFileDialog.getSaveFileName(parent, title, start, file_filter)
    if not name:
        return None
    path = Path(name)
    return path if path.suffix.lower() == suffix else path.with_name(path.name + suffix)


def ask_image_path(parent: QWidget | None, start: str) -> Path | None:
    name, _ = QFileDialog.getOpenFileName(parent, "Choisir le logo de la commune", start, IMAGE_FILTER)
    return Path(name) if name else None


def open_file(path: Path) -> None:
    """Show the written file with the system's viewer (PDF reader, spreadsheet)."""
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


# --- the options dialog -------------------------------------------------------------------------------------------


class ReportDialog(QDialog):
    """Chapters to print, privacy threshold, logo and author line; remembered for next time."""

    def __init__(self, parent: QWidget | None, *, k: int, author: str, logo: str, chapters: list[str]) -> None:
        super().__init__(parent)
        self.setWindowTitle("Rapport au conseil")
        self.boxes: dict[str, QCheckBox] = {}
        group = self._chapters_box(set(chapters) if chapters else set(CHAPTERS))
        self.k = QSpinBox()
        self.k.setRange(1, 50)
        self.k.setValue(k)
        self.k.setSuffix(" agents")
        self.author = QLineEdit(author)
        self.author.setPlaceholderText("Par exemple : Direction générale des services")
        self.author.setMaxLength(200)
        self.logo = QLineEdit(logo)
        self.logo.setPlaceholderText("Aucun logo")
        self.logo.setReadOnly(True)
        browse = QPushButton("&Parcourir…")
        browse.clicked.connect(self._browse)
        remove = QPushButton("&Retirer")
        remove.clicked.connect(self.logo.clear)
        logo_row = QHBoxLayout()
        logo_row.addWidget(self.logo, 1)
        logo_row.addWidget(browse)
        logo_row.addWidget(remove)

        form = QFormLayout()
        for text, widget in (("&Seuil de confidentialité :", self.k), ("&Auteur (couverture) :", self.author)):
            label = QLabel(text)
            label.setBuddy(widget)
            form.addRow(label, widget)
        logo_label = QLabel("&Logo (couverture) :")
        logo_label.setBuddy(browse)
        form.addRow(logo_label, logo_row)
        note = QLabel("Dans les répartitions, un effectif de moins d'agents que ce seuil est imprimé « < seuil » ; "
                      "aucun agent n'est jamais nommé.")
        note.setWordWrap(True)
        note.setTextFormat(Qt.TextFormat.PlainText)
        form.addRow(note)

        self.buttons = dialogs.button_box(self, "&Créer le rapport…", self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(group)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)
        for box in self.boxes.values():
            box.toggled.connect(self._check)
        self._check()

    def _chapters_box(self, chosen: set[str]) -> QGroupBox:
        group = QGroupBox("Chapitres à imprimer")
        column = QVBoxLayout(group)
        for number, (cid, title) in enumerate(CHAPTERS.items(), start=1):
            box = QCheckBox(f"&{number} {title}")
            box.setChecked(cid in chosen)
            self.boxes[cid] = box
            column.addWidget(box)
        cover = QLabel("La couverture et le sommaire sont toujours imprimés.")
        cover.setTextFormat(Qt.TextFormat.PlainText)
        column.addWidget(cover)
        return group

    def _check(self) -> None:
        """At least one chapter."""
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(any(b.isChecked()
                                                                              for b in self.boxes.values()))

    def _browse(self) -> None:
        start = str(Path(self.logo.text()).parent) if self.logo.text() else ""
        path = ask_image_path(self, start)
        if path is not None:
            self.logo.setText(str(path))

    def chapters(self) -> list[str]:
        return [cid for cid, box in self.boxes.items() if box.isChecked()]

    def options(self, index: str) -> ReportOptions:
        logo = self.logo.text().strip()
        return ReportOptions(chapters=tuple(self.chapters()), k=self.k.value(), author=self.author.text(),
                             logo=Path(logo) if logo else None, index=index)


# --- the two commands ---------------------------------------------------------------------------------------------


def _file_name(commune: str, what: str, suffix: str) -> str:
    name = re.sub(r'[\\/:*?"<>|]+', " ", f"{what} - {commune}").strip() or what
    return " ".join(name.split()) + suffix


def _start(window: MainWindow, what: str, suffix: str, file_filter: str) -> Path | None:
    document = window.document
    assert document is not None
    folder = window.settings.last_folder or (str(document.path.parent) if document.path else "")
    start = str(Path(folder) / _file_name(document.commune, what, suffix)) if folder else _file_name(
        document.commune, what, suffix)
    path = ask_output_path(window, f"Enregistrer : {what}", start, file_filter, suffix)
    if path is not None:
        window.settings.last_folder = str(path.parent)
    return path


def _run(window: MainWindow, build, path: Path, options: ReportOptions, *, title: str, what: str) -> Task:
    from cartographie_desktop.report.data import ReportCancelled
    from cartographie_desktop.report.options import ReportError

    document = window.document
    assert document is not None
    project = copy.deepcopy(document.project)  # the worker reads a copy: editing may go on meanwhile
    ref = document.ref

    def work(ctx: TaskContext) -> Path:
        try:
            return build(project, ref, path, options, progress=ctx.progress, cancelled=lambda: ctx.cancelled)
        except ReportCancelled as exc:
            raise TaskCancelled from exc

    def done(written: Path) -> None:
        window.statusBar().showMessage(f"{what} enregistré : {written.name}", 8000)
        open_file(written)

    def failed(exc: BaseException) -> None:
        message = str(exc) if isinstance(exc, ReportError) else user_message(exc)
        window.show_error(message)

    return run_task(window, work, title=title, label=f"{what} en cours de préparation…", on_done=done,
                    on_error=failed)


def print_report(window: MainWindow) -> Task | None:
    """« Rapport au conseil (PDF)… » (Ctrl+P): options, file, then the report written off the UI thread."""
    from cartographie_desktop.report.pdf import build_report

    if window.document is None:
        return None
    settings = window.settings
    dialog = ReportDialog(window, k=window.privacy_k(), author=settings.report_author, logo=settings.report_logo,
                          chapters=settings.report_chapters)
    if not dialogs.exec_dialog(dialog):
        return None
    options = dialog.options(window.document.index)
    settings.report_author = dialog.author.text()
    settings.report_logo = dialog.logo.text()
    settings.report_chapters = dialog.chapters()
    path = _start(window, "Rapport au conseil", ".pdf", PDF_FILTER)
    if path is None:
        return None
    return _run(window, build_report, path, options, title="Rapport au conseil", what="Rapport")


def export_workbook(window: MainWindow) -> Task | None:
    """« Classeur Excel des résultats… »: the figures of the report as a workbook (same threshold k)."""
    from cartographie_desktop.report.excel import build_workbook

    if window.document is None:
        return None
    path = _start(window, "Résultats de la cartographie", ".xlsx", XLSX_FILTER)
    if path is None:
        return None
    options = ReportOptions(k=window.privacy_k(), index=window.document.index)
    return _run(window, build_workbook, path, options, title="Classeur des résultats", what="Classeur")
