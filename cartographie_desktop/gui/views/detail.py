"""A job's detail: its activities with their scores and ILO tasks, the two scores side by side, and the commune's
decisions (not exercised, score changed, kept human, activity added), each an undoable command saved at once.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from cartographie_desktop.core import commands
from cartographie_desktop.core.model import INDEX_LABELS, DecisionKind
from cartographie_desktop.core.palette import BAND_COLOURS, BAND_TEXT_COLOURS
from cartographie_desktop.core.scoring import ActivityResult, JobResult, Stats
from cartographie_desktop.core.text import format_datetime, format_fte, format_score, plural
from cartographie_desktop.gui import dialogs
from cartographie_desktop.gui.document import ProjectDocument
from cartographie_desktop.gui.models import ActivityTableModel, band_words, filiere_label
from cartographie_desktop.gui.widgets import DataTable, heading


class ScoreBox(QFrame):
    """One of the job's two scores in large type, with its band in words on the band's colour."""

    def __init__(self, title: str, caption: str) -> None:
        super().__init__()
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.title = QLabel(f"<b>{title}</b>")
        self.value = heading("—", 14)
        self.band = QLabel()
        self.band.setMargin(4)
        self.caption = QLabel(caption)
        self.caption.setWordWrap(True)
        self.caption.setObjectName("muted")
        grid = QGridLayout(self)
        grid.setContentsMargins(12, 8, 12, 8)
        grid.addWidget(self.title, 0, 0, 1, 2)
        grid.addWidget(self.value, 1, 0)
        grid.addWidget(self.band, 1, 1, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        grid.addWidget(self.caption, 2, 0, 1, 2)
        grid.setColumnStretch(1, 1)

    def show_stats(self, stats: Stats, note: str) -> None:
        band = stats.band
        self.value.setText(format_score(stats.mean))
        self.band.setText(f" {band_words(band)} ")
        self.band.setStyleSheet(f"background: {BAND_COLOURS[band]}; color: {BAND_TEXT_COLOURS[band]};"
                                " border-radius: 3px; font-weight: bold;")
        self.caption.setText(note)
        self.setAccessibleName(f"{self.title.text()} {format_score(stats.mean)} {band.label}")


def _keep_wide(button: QPushButton, *other_texts: str) -> None:
    """Give a button the width of its longest wording, so a layout never clips it."""
    text = button.text()
    widths = [button.sizeHint().width()]
    for other in other_texts:
        button.setText(other)
        widths.append(button.sizeHint().width())
    button.setText(text)
    button.setMinimumWidth(max(widths))


class JobDetail(QWidget):
    back = Signal()

    def __init__(self, host, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.host = host
        self.document: ProjectDocument | None = None
        self.code: str | None = None
        self.result: JobResult | None = None
        head = self._build_head()
        self._build_table()
        actions = self._build_actions()

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.table, 1)
        left_layout.addLayout(actions)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.panel)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)

        top = QHBoxLayout()
        top.addWidget(self.back_button)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(head)
        layout.addWidget(splitter, 1)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._update_buttons()

    def _build_head(self) -> QHBoxLayout:
        back = QPushButton("← &Retour aux métiers")
        self.back_button = back
        back.setToolTip("Retour au tableau des métiers (Échap)")
        back.clicked.connect(self.back.emit)
        for key in (QKeySequence(Qt.Key.Key_Escape), QKeySequence(QKeySequence.StandardKey.Back)):
            # PySide6 ignores `context=` when a slot is passed to the constructor: connect `activated` instead.
            shortcut = QShortcut(key, self, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self.back.emit)
        self.title = heading("", 8)
        self.title.setTextFormat(Qt.TextFormat.PlainText)  # names come from data: never read as HTML
        self.subtitle = QLabel()
        self.subtitle.setTextFormat(Qt.TextFormat.PlainText)
        self.subtitle.setWordWrap(True)
        self.subtitle.setObjectName("muted")
        self.technical = ScoreBox("Exposition technique",
                                  "Moyenne des scores des activités exercées dans la commune.")
        self.retained = ScoreBox("Exposition retenue",
                                 "Les activités conservées humaines par choix de la collectivité comptent pour 0.")

        head = QHBoxLayout()
        titles = QVBoxLayout()
        titles.addWidget(self.title)
        titles.addWidget(self.subtitle)
        head.addLayout(titles, 3)
        head.addWidget(self.technical, 2)
        head.addWidget(self.retained, 2)
        return head

    def _build_table(self) -> None:
        self.model = ActivityTableModel()
        self.model.setParent(self)
        self.table = DataTable(name="Activités du métier")
        self.table.setSortingEnabled(False)
        self.table.setModel(self.model)
        self.table.set_widths({0: 330, 1: 52, 2: 100, 3: 250})
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.table.activated_row.connect(self.override)

        self.panel = QTextBrowser()
        self.panel.setAccessibleName("Détail de l'activité et des tâches de l'OIT")
        self.panel.setMinimumWidth(300)

    def _build_actions(self) -> QVBoxLayout:
        self.exclude_button = QPushButton("&Non exercée dans la commune…")
        self.override_button = QPushButton("&Modifier le score…")
        self.restore_button = QPushButton("Rétablir le score d'&origine")
        self.restore_button.clicked.connect(self.restore_score)
        self.restore_button.setToolTip("Retirer le score fixé par la commune (Ctrl+Z le rétablit).")
        self.human_button = QPushButton("Conservée &humaine…")
        self.add_button = QPushButton("&Ajouter une activité…")
        self.remove_button = QPushButton("Re&tirer l'activité ajoutée")
        self.exclude_button.clicked.connect(self.toggle_excluded)
        self.override_button.clicked.connect(self.override)
        self.human_button.clicked.connect(self.toggle_kept_human)
        self.add_button.clicked.connect(self.add_activity)
        self.remove_button.clicked.connect(self.remove_custom)
        self.exclude_button.setToolTip("L'activité n'est pas exercée dans la commune : elle sort de la moyenne.")
        self.override_button.setToolTip("Remplacer le score de l'activité, avec une raison (Entrée).")
        self.human_button.setToolTip("La commune décide que l'activité reste humaine : elle compte pour 0 dans "
                                     "l'exposition retenue, l'exposition technique ne change pas.")
        # Two rows, each button never narrower than its longest wording: nothing is clipped in a narrow window.
        _keep_wide(self.exclude_button, "&Réintégrer l'activité")
        _keep_wide(self.human_button, "Ne plus conserver &humaine")
        for button in (self.override_button, self.restore_button, self.add_button, self.remove_button):
            _keep_wide(button)
        actions = QVBoxLayout()
        for row_buttons in ((self.exclude_button, self.human_button, self.add_button),
                            (self.override_button, self.restore_button, self.remove_button)):
            row = QHBoxLayout()
            for button in row_buttons:
                row.addWidget(button)
            row.addStretch(1)
            actions.addLayout(row)
        return actions

    # -- showing -------------------------------------------------------------------------------------------------

    def set_document(self, document: ProjectDocument | None) -> None:
        self.document = document
        self.code = None
        self.result = None
        self.model.set_job(document, None)

    def show_job(self, code: str) -> None:
        self.code = code
        self.model.set_job(self.document, code)
        self.refresh()
        self.table.setCurrentIndex(self.model.index(0, 0))

    def focus_activities(self) -> None:
        self.table.setFocus()

    def refresh(self) -> None:
        """Redraw from the project (after an edit, undo or redo): the two scores update live."""
        document, code = self.document, self.code
        if document is None or code is None or code not in document.ref.jobs:
            return
        current = self.current_activity()
        self.model.update()
        results = document.results()
        if code in results:
            self.result = results[code]
        else:
            from cartographie_desktop.core.scoring import score_job

            self.result = score_job(document.ref.jobs[code], document.index, document.project.decisions_for(code))
        job = document.ref.jobs[code]
        held = document.job_posts().get(code)
        self.title.setText(job.label)
        kinds = []
        if job.filieres:
            kinds.append(("Filière " if len(job.filieres) == 1 else "Filières ")
                         + ", ".join(filiere_label(f).lower() for f in job.filieres))
        if job.categories:
            kinds.append(("Catégorie " if len(job.categories) == 1 else "Catégories ")
                         + ", ".join(sorted(job.categories)))
        isco = [f"CITP {c} {document.ref.occupations[c].title_fr}" for c in job.isco if c in document.ref.occupations]
        people = (f"{plural(held.agents, 'agent')} ({format_fte(held.fte)} ETP) dans la commune" if held
                  else "Aucun agent de la commune")
        lines = [f"Code {job.code} · {document.ref.families.get(job.family, job.family)}", " · ".join(kinds),
                 " · ".join(isco), people]
        self.subtitle.setText("\n".join(line for line in lines if line))
        tech, kept = self.result.technical, self.result.retained
        self.technical.show_stats(tech, f"Moyenne de {plural(tech.n, 'activité exercée', 'activités exercées')} ; "
                                        f"écart type {format_score(tech.sd)} ; {tech.ilo_category_label} "
                                        f"({INDEX_LABELS[document.index].split(' (')[0]}).")
        human = sum(1 for a in self.result.activities if a.kept_human and a.active)
        counted = "comptée" if human == 1 else "comptées"
        self.retained.show_stats(kept, "Identique : aucune activité conservée humaine." if not human else
                                 f"{plural(human, 'activité conservée humaine', 'activités conservées humaines')} "
                                 f"par choix de la collectivité, {counted} pour 0.")
        if current is not None:
            row = self.model.row_of(current.id)
            if row >= 0:
                self.table.setCurrentIndex(self.model.index(row, 0))
        self._update_panel()
        self._update_buttons()

    def current_activity(self) -> ActivityResult | None:
        row = self.table.currentIndex().row()
        return self.model.activity(row) if 0 <= row < self.model.rowCount() else None

    def select_activity(self, activity_id: str) -> None:
        row = self.model.row_of(activity_id)
        if row >= 0:
            self.table.setCurrentIndex(self.model.index(row, 0))

    def _current_changed(self, _current: QModelIndex, _previous: QModelIndex) -> None:
        self._update_panel()
        self._update_buttons()

    def _update_buttons(self) -> None:
        activity = self.current_activity()
        has = activity is not None
        for button in (self.exclude_button, self.override_button, self.human_button):
            button.setEnabled(has)
        self.add_button.setEnabled(self.code is not None)
        self.remove_button.setVisible(bool(activity and activity.custom))
        self.restore_button.setVisible(bool(activity and activity.overridden))
        if activity is None:
            return
        self.exclude_button.setText("&Réintégrer l'activité" if activity.excluded else
                                    "&Non exercée dans la commune…")
        self.human_button.setText("Ne plus conserver &humaine" if activity.kept_human else "Conservée &humaine…")

    def _update_panel(self) -> None:
        activity = self.current_activity()
        document = self.document
        if activity is None or document is None or self.code is None:
            self.panel.setHtml("<p>Choisissez une activité pour voir d'où vient son score.</p>")
            return
        esc = html.escape
        parts = [f"<h3>{esc(activity.label)}</h3>"]
        state = f"Score utilisé : <b>{format_score(activity.score)}</b> ({esc(activity.band.label)})"
        if activity.overridden and activity.base_score is not None:
            state += f" — score d'origine {format_score(activity.base_score)}"
        parts.append(f"<p>{state}</p>")
        ref_activity = document.ref.jobs[self.code].activity(activity.id)
        if ref_activity is not None:
            if ref_activity.rationale:
                label = "Pourquoi ce score estimé" if ref_activity.estimated else "Rapprochement avec l'OIT"
                parts.append(f"<p><b>{label} :</b> {esc(ref_activity.rationale)}</p>")
            if ref_activity.source:
                parts.append(f"<p><i>Formulation : {esc(ref_activity.source)}</i></p>")
        if activity.ilo_links:
            parts.append("<h4>Tâche(s) de l'OIT</h4>")
            for key in activity.ilo_links:
                task = document.ref.tasks.get(key)
                if task is None:
                    continue
                occupation = document.ref.occupations.get(key[0])
                heading_text = task.text_fr or task.text_en
                lines = [f"<b>{esc(heading_text.rstrip(';'))}</b>"]
                if task.text_fr:
                    lines.append(f"<i>Original : {esc(task.text_en.rstrip(';'))}</i>")
                else:
                    lines.append("<i>(texte original de l'OIT, en anglais ; traduction à venir)</i>")
                where = f"CITP-08 {key[0]}"
                if occupation:
                    where += f" {esc(occupation.title_fr)}"
                lines.append(f"{where}, tâche {key[1]} · score 2023 : {format_score(task.score_2023)} · "
                             f"score 2025 : {format_score(task.score_2025)}"
                             + (" (fixé après revue)" if task.source_2025 == "reconciled" else ""))
                reasoning = document.ref.reasoning(key)
                if reasoning is not None:
                    for model, score, text in (("GPT-4o", reasoning.score_gpt4o, reasoning.reasoning_gpt4o),
                                               ("Gemini", reasoning.score_gemini, reasoning.reasoning_gemini)):
                        if text:
                            lines.append(f"<small><b>Raisonnement de {model}</b> (score {format_score(score)}, en "
                                         f"anglais) : {esc(text)}</small>")
                parts.append("<p>" + "<br>".join(lines) + "</p>")
        elif activity.custom:
            parts.append("<p>Activité ajoutée par la commune.</p>")
        decisions = [d for d in document.project.decisions_for(self.code) if d.activity == activity.id]
        if decisions:
            parts.append("<h4>Décisions de la commune</h4><ul>")
            for decision in sorted(decisions, key=lambda d: d.date):
                who = ", ".join(x for x in (decision.author, format_datetime(decision.date)) if x)
                value = (f" ({format_score(decision.value)})" if decision.kind in (
                    DecisionKind.OVERRIDE, DecisionKind.CUSTOM) and decision.value is not None else "")
                reason = f" — « {esc(decision.reason)} »" if decision.reason else ""
                parts.append(f"<li>{esc(decision.kind.label)}{value}{reason}"
                             f"{f' <i>({esc(who)})</i>' if who else ''}</li>")
            parts.append("</ul>")
        self.panel.setHtml("".join(parts))

    # -- decisions -----------------------------------------------------------------------------------------------

    def _execute(self, command) -> bool:
        assert self.document is not None
        return self.document.execute(command)

    def _guard(self, build):
        """Build a command, showing an `EditError` in French instead of raising."""
        try:
            return build()
        except commands.EditError as exc:
            self.host.show_error(str(exc))
            return None

    def toggle_excluded(self) -> None:
        activity, document, code = self.current_activity(), self.document, self.code
        if activity is None or document is None or code is None:
            return
        key = (DecisionKind.EXCLUDE, code, activity.id)
        if activity.excluded:
            command = self._guard(lambda: commands.remove_decision(document.project, key))
            if command:
                self._execute(command)
            return

        def factory(reason: str, author: str):
            return commands.exclude_activity(document.ref, document.project, code, activity.id, reason=reason,
                                             author=author)

        # fail early (last active activity) rather than after the user typed a reason
        if self._guard(lambda: factory("", "")) is None:
            return
        dialog = dialogs.ReasonDialog(self, "Activité non exercée dans la commune",
                                      f"« {activity.label} » n'est pas exercée dans la commune : elle ne compte plus "
                                      "dans le score du métier.", self.host.settings, required=False,
                                      factory=factory)
        if dialogs.exec_dialog(dialog) and dialog.command is not None:
            self._execute(dialog.command)

    def override(self, *_args: object) -> None:
        activity, document, code = self.current_activity(), self.document, self.code
        if activity is None or document is None or code is None:
            return
        dialog = dialogs.ScoreDialog(self, document, code, activity, self.host.settings)
        if dialogs.exec_dialog(dialog) and dialog.command is not None:
            self._execute(dialog.command)

    def restore_score(self) -> None:
        activity, document, code = self.current_activity(), self.document, self.code
        if activity is None or document is None or code is None or not activity.overridden:
            return
        command = self._guard(lambda: commands.remove_decision(document.project,
                                                               (DecisionKind.OVERRIDE, code, activity.id)))
        if command:
            self._execute(command)

    def toggle_kept_human(self) -> None:
        activity, document, code = self.current_activity(), self.document, self.code
        if activity is None or document is None or code is None:
            return
        if activity.kept_human:
            command = self._guard(lambda: commands.remove_decision(document.project,
                                                                   (DecisionKind.KEEP_HUMAN, code, activity.id)))
            if command:
                self._execute(command)
            return

        def factory(reason: str, author: str):
            return commands.keep_human(document.ref, document.project, code, activity.id, reason=reason,
                                       author=author)

        dialog = dialogs.ReasonDialog(self, "Activité conservée humaine",
                                      f"La collectivité décide que « {activity.label} » reste faite par des agents, "
                                      "quel que soit son score. L'exposition technique ne change pas ; l'exposition "
                                      "retenue compte cette activité pour 0.", self.host.settings, required=True,
                                      factory=factory)
        if dialogs.exec_dialog(dialog) and dialog.command is not None:
            self._execute(dialog.command)

    def add_activity(self) -> None:
        document, code = self.document, self.code
        if document is None or code is None:
            return
        dialog = dialogs.AddActivityDialog(self, document, code, self.host.settings)
        if dialogs.exec_dialog(dialog) and dialog.command is not None and self._execute(dialog.command):
            decision = getattr(dialog.command, "decision", None)
            if decision is not None:
                self.select_activity(decision.activity)

    def remove_custom(self) -> None:
        activity, document, code = self.current_activity(), self.document, self.code
        if activity is None or document is None or code is None or not activity.custom:
            return
        command = self._guard(lambda: commands.remove_decision(document.project,
                                                               (DecisionKind.CUSTOM, code, activity.id)))
        if command:
            self._execute(command)
