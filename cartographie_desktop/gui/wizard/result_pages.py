"""The wizard's last three pages: what was read (and what was not), the job of each title, the summary."""

from __future__ import annotations

from types import SimpleNamespace
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QModelIndex, QObject, QSortFilterProxyModel, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QSpinBox,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from cartographie_desktop.core.model import MatchStatus, TitleMatch
from cartographie_desktop.core.text import NNBSP, format_fte, format_number, plural
from cartographie_desktop.gui.models import ReferentielFilterProxy, ReferentielModel
from cartographie_desktop.gui.widgets import DataTable, KeyFigure, SearchField, heading
from cartographie_desktop.gui.wizard.common import button, error_label, note, set_error
from cartographie_desktop.gui.wizard.models import (
    JobComboDelegate,
    MatchModel,
    SetAsideModel,
    ValuesModel,
    proposal,
    value_rows,
)

if TYPE_CHECKING:
    from cartographie_desktop.gui.wizard.wizard import ImportWizard


def _table(name: str) -> QTableView:
    table = QTableView()
    table.setAccessibleName(name)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setTabKeyNavigation(False)
    table.setWordWrap(False)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 10)
    table.horizontalHeader().setStretchLastSection(True)
    table.horizontalHeader().setHighlightSections(False)
    table.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    return table


def lines_sentence(lines_in: int, imported: int, merged: int, set_aside: int) -> str:
    """« 24 lignes lues : 11 postes retenus, 13 lignes écartées. »"""
    parts = [f"{plural(imported, 'poste')} retenu{'s' if imported > 1 else ''}"]
    if merged:
        parts.append(f"{plural(merged, 'ligne')} regroupée{'s' if merged > 1 else ''} avec celle du même agent "
                     "(plusieurs mois de paie)")
    parts.append(f"{plural(set_aside, 'ligne')} écartée{'s' if set_aside > 1 else ''}")
    return f"{plural(lines_in, 'ligne')} lue{'s' if lines_in > 1 else ''} : {', '.join(parts)}."


class ValuesPage(QWizardPage):
    """Reads the whole file off the UI thread (progress, interrupt), then shows what could not be read and the
    set-aside lines with their reason: every line is accounted for."""

    PROGRESS_MAX = 1000

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("Lecture du tableau")
        self.setSubTitle("Le programme lit toutes les lignes. Voici ce qu'il n'a pas compris et les lignes qu'il a "
                         "mises de côté (titres, totaux, élus…) : aucune ligne ne disparaît sans raison.")
        self.progress = QProgressBar()
        self.progress.setRange(0, self.PROGRESS_MAX)
        self.progress.setFormat(f"%p{NNBSP}%")  # French: a narrow no-break space before the sign
        self.progress.setAccessibleName("Avancement de la lecture")
        self.step = note()
        self.interrupt = button("&Interrompre la lecture")
        self.interrupt.clicked.connect(self.w.cancel_task)
        self.retry = button("&Relancer la lecture")
        self.retry.clicked.connect(self.start)
        progress_row = QHBoxLayout()
        progress_row.addWidget(self.progress, 1)
        progress_row.addWidget(self.interrupt)
        progress_row.addWidget(self.retry)

        self.error = error_label()
        self.results = self._results_panel()
        layout = QVBoxLayout(self)
        layout.addLayout(progress_row)
        layout.addWidget(self.step)
        layout.addWidget(self.error)
        layout.addWidget(self.results, 1)
        layout.addStretch(0)  # keeps the progress at the top while the results are hidden
        self.progress_seen: list[int] = []  # what the bar showed during the last read (tests)

    def _results_panel(self) -> QWidget:
        self.summary = note()
        self.summary.setAccessibleName("Bilan de la lecture")
        self.general = note()
        self.values_title = heading("Valeurs non comprises, par colonne", 2)
        self.values_model = ValuesModel()
        self.values_model.setParent(self)
        self.values = _table("Valeurs non comprises, par colonne")
        self.values.setModel(self.values_model)
        self.values.setWordWrap(True)
        self.values.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.values.setColumnWidth(0, 170)
        self.values.setColumnWidth(1, 60)
        self.values.setColumnWidth(2, 200)
        self.no_values = note("Toutes les valeurs ont été comprises.", muted=True)
        self.aside_title = heading("Lignes écartées", 2)
        self.aside_model = SetAsideModel()
        self.aside_model.setParent(self)
        self.aside = _table("Lignes écartées et pourquoi")
        self.aside.setModel(self.aside_model)
        self.aside.setColumnWidth(0, 70)
        self.no_aside = note("Aucune ligne écartée.", muted=True)

        panel = QWidget()
        results = QVBoxLayout(panel)
        results.setContentsMargins(0, 0, 0, 0)
        results.addWidget(self.summary)
        results.addWidget(self.general)
        results.addWidget(self.values_title)
        results.addWidget(self.no_values)
        results.addWidget(self.values, 1)
        results.addWidget(self.aside_title)
        results.addWidget(self.no_aside)
        results.addWidget(self.aside, 2)
        return panel

    def initializePage(self) -> None:
        if self.w.state.read_is_current:
            self.show_result()
        else:
            self.start()

    def cleanupPage(self) -> None:
        """« Précédent » during the read stops it: the user is about to change what is read."""
        if self.w.reading:
            self.w.cancel_task()

    def start(self) -> None:
        self.progress_seen = []
        self.w.start_read()

    # -- what the wizard tells us -------------------------------------------------------------------------------

    def show_reading(self) -> None:
        self.progress.setValue(0)
        self.progress.show()
        self.interrupt.show()
        self.interrupt.setEnabled(True)
        self.retry.hide()
        self.step.setText("Lecture du fichier…")
        set_error(self.error, "")
        self.results.hide()
        self.completeChanged.emit()
        self.interrupt.setFocus()

    def show_progress(self, done: int, total: int, text: str) -> None:
        value = round(self.PROGRESS_MAX * done / total) if total else 0
        self.progress.setValue(value)
        self.progress_seen.append(value)
        if text:
            self.step.setText(f"{text}…")

    def show_result(self) -> None:
        prepared = self.w.state.prepared
        assert prepared is not None
        report = prepared.report
        self.progress.hide()
        self.interrupt.hide()
        self.retry.hide()
        self.step.clear()
        set_error(self.error, "")
        self.summary.setText(lines_sentence(report.lines_in, report.imported, report.merged, len(report.set_aside)))
        rows, general = value_rows(prepared.issues)
        self.general.setText("\n".join(general))
        self.general.setVisible(bool(general))
        self.values_model.set_items(rows)
        self.values.setVisible(bool(rows))
        self.no_values.setVisible(not rows)
        self.aside_model.set_items([issue for issue in prepared.issues if issue.kind == "set_aside"])
        self.aside.setVisible(bool(self.aside_model.items))
        self.no_aside.setVisible(not self.aside_model.items)
        self.results.show()
        self.completeChanged.emit()

    def show_stopped(self, message: str, *, cancelled: bool) -> None:
        self.progress.hide()
        self.interrupt.hide()
        self.retry.show()
        self.step.clear()
        self.results.hide()
        if cancelled:
            self.step.setText("Lecture interrompue. « Relancer la lecture » pour la reprendre, ou « Précédent » pour "
                              "changer les réglages.")
        else:
            set_error(self.error, message + "\n\nCliquez sur « Précédent » pour changer la feuille, la ligne d'en-tête "
                                            "ou les colonnes, ou choisissez un autre fichier.")
        self.completeChanged.emit()
        self.retry.setFocus()

    def isComplete(self) -> bool:
        return not self.w.busy and self.w.state.read_is_current


class MatchFilter(QSortFilterProxyModel):
    """All titles, or only those still *à vérifier*."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.only_to_check = False

    def set_only_to_check(self, value: bool) -> None:
        self.beginFilterChange()
        self.only_to_check = value
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex) -> bool:
        if not self.only_to_check:
            return True
        model = self.sourceModel()
        assert isinstance(model, MatchModel)
        return model.match_of(model.key(source_row)).status == MatchStatus.TO_CHECK


class MatchPage(QWizardPage):
    """Each distinct title with its proposed job: confirm, pick one of the top 3, or search the whole référentiel."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("Les métiers")
        self.setSubTitle("Chaque intitulé du tableau est rattaché à un métier du référentiel. Vérifiez d'abord les "
                         "intitulés « à vérifier » : choisissez leur métier (double-clic ou F2) ou cherchez-le à "
                         "droite.")
        self.counts = note()
        self.counts.setAccessibleName("Nombre d'intitulés sûrs et à vérifier")
        self.validate_all = button("&Valider toutes les correspondances sûres")
        self.validate_all.setToolTip("Confirme d'un coup tous les intitulés rattachés automatiquement (« sûr »)")
        self.validate_all.clicked.connect(self.w.confirm_all_sure)
        self.only_to_check = QCheckBox("Seulement les &intitulés à vérifier")
        self.only_to_check.toggled.connect(self._filter)
        top = QHBoxLayout()
        top.addWidget(self.counts, 1)
        top.addWidget(self.only_to_check)
        top.addWidget(self.validate_all)
        splitter = QSplitter()
        splitter.addWidget(self._titles_panel())
        splitter.addWidget(self._search_panel())
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([700, 300])
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Enter in the search box goes to its results; it must not also press « Suivant »."""
        if (watched is self.search and event.type() == QEvent.Type.KeyPress
                and isinstance(event, QKeyEvent) and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)):
            self._to_jobs()
            return True
        return super().eventFilter(watched, event)

    def _match(self, key: str) -> TitleMatch:
        return self.w.state.match(key)  # the wizard replaces its state when another file is chosen

    def _titles_panel(self) -> QWidget:
        self.model = MatchModel(self.w.ref, self._match)
        self.model.setParent(self)
        self.model.choose = self.w.choose
        self.proxy = MatchFilter(self)
        self.proxy.setSourceModel(self.model)
        self.table = _table("Intitulés du tableau et métier retenu")
        self.table.setModel(self.proxy)
        self.table.setItemDelegateForColumn(MatchModel.JOB, JobComboDelegate(self.model, self.table))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed
                                   | QAbstractItemView.EditTrigger.SelectedClicked)
        self.table.setColumnWidth(MatchModel.STATUS, 105)
        self.table.setColumnWidth(MatchModel.TITLE, 200)
        self.table.setColumnWidth(MatchModel.AGENTS, 55)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.confirm = button("&Confirmer ce métier")
        self.confirm.setToolTip("Le métier retenu pour l'intitulé sélectionné est le bon")
        self.confirm.clicked.connect(self._confirm_current)
        self.message = note(muted=True)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.table, 1)
        confirm_row = QHBoxLayout()
        confirm_row.addWidget(self.confirm)
        confirm_row.addWidget(self.message, 1)
        left_layout.addLayout(confirm_row)
        return left

    def _search_panel(self) -> QWidget:
        self.search = SearchField("Chercher un métier dans tout le référentiel")
        self.search.setMinimumWidth(200)
        self.jobs_model = ReferentielModel(SimpleNamespace(ref=self.w.ref))  # type: ignore[arg-type]
        self.jobs_model.setParent(self)
        self.jobs_proxy = ReferentielFilterProxy(self)
        self.jobs_proxy.setSourceModel(self.jobs_model)
        self.jobs_proxy.sort(0)
        self.jobs = DataTable(name="Métiers du référentiel")
        self.jobs.setModel(self.jobs_proxy)
        self.jobs.setColumnHidden(ReferentielModel.FAMILY, True)
        self.jobs.setColumnHidden(ReferentielModel.CODE, True)
        self.jobs.activated_row.connect(lambda _row: self._assign_searched())
        self.search.textChanged.connect(self.jobs_proxy.set_text)
        self.search.move_down.connect(self._to_jobs)
        self.search.installEventFilter(self)
        self.assign = button("&Attribuer à l'intitulé sélectionné")
        self.assign.clicked.connect(self._assign_searched)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        search_label = QLabel("C&hercher un autre métier :")
        search_label.setBuddy(self.search)
        right_layout.addWidget(search_label)
        right_layout.addWidget(self.search)
        right_layout.addWidget(self.jobs, 1)
        right_layout.addWidget(self.assign)
        return right

    def initializePage(self) -> None:
        prepared = self.w.state.prepared
        assert prepared is not None
        agents: dict[str, int] = {}
        for post in prepared.project.posts:
            agents[post.title_key] = agents.get(post.title_key, 0) + post.headcount
        state = self.w.state

        def order(key: str) -> tuple[int, int, str]:
            return (0 if state.match(key).status == MatchStatus.TO_CHECK else 1, -agents.get(key, 0), key)

        self.model.set_titles(sorted(prepared.project.matches, key=order), agents)
        self.message.clear()
        self.update_counts()
        if self.proxy.rowCount():
            self.table.setCurrentIndex(self.proxy.index(0, MatchModel.JOB))
        self.table.setFocus()

    # -- helpers ------------------------------------------------------------------------------------------------

    def current_key(self) -> str | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self.model.key(self.proxy.mapToSource(index).row())

    def select_title(self, key: str) -> None:
        row = self.model.row_of(key)
        if row >= 0:
            index = self.proxy.mapFromSource(self.model.index(row, MatchModel.JOB))
            if index.isValid():
                self.table.setCurrentIndex(index)

    def update_counts(self) -> None:
        state = self.w.state
        statuses = [state.match(key).status for key in self.model.keys]
        sure = statuses.count(MatchStatus.AUTO)
        confirmed = statuses.count(MatchStatus.CONFIRMED)
        to_check = statuses.count(MatchStatus.TO_CHECK)
        self.counts.setText(f"{plural(len(statuses), 'intitulé')} : {format_number(sure)} "
                            f"sûr{'s' if sure > 1 else ''}, {format_number(confirmed)} "
                            f"confirmé{'s' if confirmed > 1 else ''}, {format_number(to_check)} à vérifier.")
        self.validate_all.setEnabled(sure > 0)
        self._current_changed(self.table.currentIndex(), QModelIndex())

    def title_changed(self, key: str) -> None:
        self.model.title_changed(key)
        self.proxy.invalidate()
        self.update_counts()

    def all_changed(self) -> None:
        self.model.refresh_all()
        self.proxy.invalidate()
        self.update_counts()

    # -- actions ------------------------------------------------------------------------------------------------

    def _filter(self, checked: bool) -> None:
        self.proxy.set_only_to_check(checked)
        self.update_counts()

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        key = self.current_key() if current.isValid() else None
        match = self.w.state.match(key) if key else None
        confirmable = match is not None and match.status != MatchStatus.CONFIRMED and bool(
            match.job_code or proposal(match))
        self.confirm.setEnabled(confirmable)
        self.assign.setEnabled(key is not None)

    def _confirm_current(self) -> None:
        key = self.current_key()
        if key is not None:
            self.w.confirm(key)
            self.message.setText(f"« {self.w.state.match(key).title} » : métier confirmé.")

    def _to_jobs(self) -> None:
        self.jobs.setFocus()
        self.jobs.select_first()

    def _assign_searched(self) -> None:
        key = self.current_key()
        index = self.jobs.currentIndex()
        if key is None:
            self.message.setText("Sélectionnez d'abord un intitulé dans la liste de gauche.")
            return
        if not index.isValid():
            self.message.setText("Choisissez un métier dans la liste de droite.")
            return
        job = self.jobs_model.job(self.jobs_proxy.mapToSource(index).row())
        self.w.choose(key, job.code)
        self.message.setText(f"« {self.w.state.match(key).title} » → {job.label}.")
        self.select_title(key)


class SummaryPage(QWizardPage):
    """The figures to check before « Terminer », the commune and the year (they name the project file)."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("Résumé")
        self.setSubTitle("Vérifiez le nom de la commune et l'année, puis cliquez sur « Terminer » pour choisir où "
                         "enregistrer la cartographie. Rien n'a encore été enregistré.")
        self.commune = QLineEdit()
        self.commune.setAccessibleName("Commune")
        self.commune.setPlaceholderText("Nom de la commune (figure sur le rapport)")
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setAccessibleName("Année du tableau des effectifs")
        self.year.setMaximumWidth(110)
        self.key_agents = KeyFigure("agents")
        self.key_fte = KeyFigure("ETP (équivalents temps plein)")
        self.key_aside = KeyFigure("lignes écartées")
        self.key_check = KeyFigure("intitulés à vérifier")
        keys = QHBoxLayout()
        for figure in (self.key_agents, self.key_fte, self.key_aside, self.key_check):
            keys.addWidget(figure)
        self.figures = note()
        self.figures.setAccessibleName("Chiffres de l'import")
        self.to_check = note()
        self.personal = note()
        self.error = error_label()
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for text, widget in (("&Commune :", self.commune), ("A&nnée :", self.year)):
            label = QLabel(text)
            label.setBuddy(widget)
            form.addRow(label, widget)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addSpacing(8)
        layout.addLayout(keys)
        layout.addSpacing(8)
        layout.addWidget(self.figures)
        layout.addWidget(self.to_check)
        layout.addWidget(self.personal)
        layout.addWidget(self.error)
        layout.addStretch(1)

    def initializePage(self) -> None:
        state = self.w.state
        prepared = state.prepared
        assert prepared is not None
        project, report = prepared.project, prepared.report
        if self.property("source") != str(state.path):  # a new file: its commune and year; else keep the user's
            self.setProperty("source", str(state.path))
            self.commune.setText(project.commune)
            self.year.setValue(project.year)
        agents = sum(post.headcount for post in project.posts)
        fte = sum(post.fte for post in project.posts)
        pending = state.to_check()
        self.key_agents.set(format_number(agents), "agent" if agents < 2 else "agents")
        self.key_fte.set(format_fte(fte))
        self.key_aside.set(format_number(len(report.set_aside)),
                           "ligne écartée" if len(report.set_aside) < 2 else "lignes écartées")
        self.key_check.set(format_number(len(pending)),
                           "intitulé à vérifier" if len(pending) < 2 else "intitulés à vérifier")
        lines = ["• Lignes écartées : titres, totaux, élus… (détail à l'étape « Lecture du tableau »)."
                 ] if report.set_aside else []
        if len(project.posts) != agents:
            lines.insert(0, f"• {plural(agents, 'agent')} sur {plural(len(project.posts), 'ligne')} de poste "
                            "(une ligne de l'état du personnel compte tous les postes pourvus du grade).")
        if report.merged:
            lines.append(f"• {plural(report.merged, 'ligne')} de paie regroupée{'s' if report.merged > 1 else ''} "
                         "avec celle du même agent.")
        self.figures.setText("\n".join(lines))
        if pending:
            names = ", ".join(f"« {m.title} »" for m in pending[:6]) + (" …" if len(pending) > 6 else "")
            self.to_check.setText(f"• {plural(len(pending), 'intitulé')} encore à vérifier : {names}. Leurs agents ne "
                                  "comptent dans aucun métier tant que vous ne l'avez pas choisi ; vous pourrez le "
                                  "faire plus tard dans la cartographie.")
        else:
            self.to_check.setText("• Tous les intitulés ont un métier.")
        self.personal.setText("• Données personnelles (noms, NIR, dates de naissance) : "
                              + ("conservées dans le projet, à votre demande." if state.keep_personal
                                 else "non conservées.")
                              + ("\n• Le modèle de colonnes sera enregistré pour les prochains imports."
                                 if state.save_model and not state.totem else ""))
        set_error(self.error, "")
        self.commune.setFocus()

    def isComplete(self) -> bool:
        return not self.w.busy

    def validatePage(self) -> bool:
        if not " ".join(self.commune.text().split()):
            set_error(self.error, "Indiquez le nom de la commune : il figure sur le rapport et dans le nom du fichier.")
            self.commune.setFocus()
            return False
        return True
