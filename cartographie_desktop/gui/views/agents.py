"""Agents / postes: the imported posts, the job each counts for, and how it was found; the titles still *à vérifier*
get their job here (for every post with that title, or for one post).
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from cartographie_desktop.core import commands
from cartographie_desktop.core.commands import SetMatch, SetPostJob
from cartographie_desktop.core.model import MatchStatus, Post, TitleMatch
from cartographie_desktop.core.scoring import BANDS
from cartographie_desktop.core.text import plural
from cartographie_desktop.gui import dialogs
from cartographie_desktop.gui.models import ASSIGNED, NO_MATCH, PostFilterProxy, PostTableModel, band_words
from cartographie_desktop.gui.views import View, ViewHost, ViewSpec, register
from cartographie_desktop.gui.widgets import DataTable, SearchField, combo

TO_CHECK_STATES = (MatchStatus.TO_CHECK.value, NO_MATCH)
STATE_CHOICES: list[tuple[str, object]] = [
    ("Toutes les correspondances", ()),
    ("À vérifier", TO_CHECK_STATES),
    ("Automatiques", (MatchStatus.AUTO.value,)),
    ("Confirmées", (MatchStatus.CONFIRMED.value,)),
    ("Affectées poste par poste", (ASSIGNED,)),
]


class PostsView(View):
    def __init__(self, host: ViewHost, parent: QWidget | None = None) -> None:
        super().__init__(host, parent)
        self.model = PostTableModel()
        self.model.setParent(self)
        self.proxy = PostFilterProxy(self)
        self.proxy.setSourceModel(self.model)

        self.search = SearchField("Rechercher un intitulé, un métier, un grade, un service (Ctrl+F)")
        self.state = combo(STATE_CHOICES, "Filtrer par correspondance")
        self.band = combo([("Toutes les bandes", ()), *[(band_words(b), (b.value,)) for b in reversed(BANDS)]],
                          "Filtrer par bande")
        self.direction = combo([("Toutes les directions", None)], "Filtrer par direction ou service")
        filters = QHBoxLayout()
        filters.addWidget(self.search, 2)
        filters.addWidget(self.state)
        filters.addWidget(self.band)
        filters.addWidget(self.direction)

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.table = DataTable(name="Postes du tableau des effectifs")
        self.table.setModel(self.proxy)
        self.table.set_widths({0: 210, 1: 210, 2: 150, 3: 110, 4: 190, 5: 40, 6: 120, 7: 160, 8: 100, 9: 50,
                               10: 50})
        self.table.sortByColumn(PostTableModel.MATCH, Qt.SortOrder.AscendingOrder)  # titles to check first
        self.table.activated_row.connect(self.choose_job)
        self.table.selectionModel().currentRowChanged.connect(self._update_buttons)
        self.search.move_down.connect(self._focus_table)

        self.choose_button = QPushButton("&Choisir le métier…")
        self.choose_button.setToolTip("Rattacher l'intitulé (ou ce seul poste) à un métier du référentiel (Entrée)")
        self.confirm_button = QPushButton("C&onfirmer la correspondance")
        self.confirm_button.setToolTip("Le métier proposé automatiquement est le bon : il devient « confirmé ».")
        self.reset_button = QPushButton("&Revenir au métier de l'intitulé")
        self.choose_button.clicked.connect(self.choose_job)
        self.confirm_button.clicked.connect(self.confirm_match)
        self.reset_button.clicked.connect(self.reset_post)
        actions = QHBoxLayout()
        for button in (self.choose_button, self.confirm_button, self.reset_button):
            actions.addWidget(button)
        actions.addStretch(1)
        self.count = QLabel()
        self.count.setObjectName("muted")
        actions.addWidget(self.count)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(filters)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)

        self.search.textChanged.connect(self._filter_changed)
        for box in (self.state, self.band, self.direction):
            box.currentIndexChanged.connect(self._filter_changed)
        self._update_buttons()

    # -- document ------------------------------------------------------------------------------------------------

    def document_set(self) -> None:
        self.model.set_document(self.document)
        header = self.table.horizontalHeader()
        self.model.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
        directions = sorted({p.direction for p in self.document.project.posts if p.direction},
                            key=str.casefold) if self.document else []
        self.direction.blockSignals(True)
        self.direction.clear()
        self.direction.addItem("Toutes les directions", None)
        for direction in directions:
            self.direction.addItem(direction, direction)
        self.direction.blockSignals(False)
        self._filter(direction=None)
        self._update_summary()
        self.table.select_first()

    def refresh(self) -> None:
        self.model.update()  # sorts and filters again: a post may now pass or fail the filters
        self._update_summary()
        self._update_buttons()

    def _update_summary(self) -> None:
        document = self.document
        if document is None:
            self.summary.setText("")
            return
        project = document.project
        agents = sum(p.headcount for p in project.posts)
        pending: dict[str, int] = {}
        for post in project.posts:
            if project.job_of(post) is None:
                pending[post.title_key] = pending.get(post.title_key, 0) + post.headcount
        text = f"{plural(len(project.posts), 'poste')} ({plural(agents, 'agent')}) importés"
        if project.source_name:
            text += f" de « {html.escape(project.source_name)} »"
        if pending:
            text += (f". <b>{plural(len(pending), 'intitulé')} à vérifier</b> "
                     f"({plural(sum(pending.values()), 'agent')}) : choisissez leur métier pour qu'ils comptent "
                     "dans les résultats (filtre « À vérifier »).")
        else:
            text += ". Tous les postes sont rattachés à un métier."
        self.summary.setText(text)

    # -- filters -------------------------------------------------------------------------------------------------

    def _filter_changed(self, *_args: object) -> None:
        self._filter(text=self.search.text(), states=self.state.currentData() or (),
                     bands=self.band.currentData() or (), direction=self.direction.currentData())

    def _filter(self, **changes) -> None:
        self.proxy.set_filters(**changes)
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        self.count.setText(plural(total, "poste") if shown == total else f"{plural(shown, 'poste')} sur {total}")

    def show_to_check(self) -> None:
        self.state.setCurrentIndex(1)

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _focus_table(self) -> None:
        self.table.setFocus()
        self.table.select_first()

    # -- actions -------------------------------------------------------------------------------------------------

    def current_post(self) -> Post | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self.model.post(self.proxy.mapToSource(index).row())

    def _update_buttons(self, *_args: object) -> None:
        post = self.current_post()
        state = self.model.match_state(post) if post is not None and self.document else None
        self.choose_button.setEnabled(post is not None)
        self.confirm_button.setEnabled(state == MatchStatus.AUTO.value)
        self.reset_button.setEnabled(state == ASSIGNED)

    def choose_job(self, *_args: object) -> None:
        post, document = self.current_post(), self.document
        if post is None or document is None:
            return
        same = sum(1 for p in document.project.posts if p.title_key == post.title_key)
        dialog = dialogs.JobChooserDialog(self, document, title=post.title, current=document.project.job_of(post),
                                          same_title=same)
        if not dialogs.exec_dialog(dialog):
            return
        code = dialog.chosen_code()
        if code is None:
            return
        job = document.ref.jobs[code].label
        if not dialog.for_all_posts():
            document.execute(SetPostJob(post.id, code, f"Poste « {post.title} » rattaché à « {job} »"))
            return
        text = f"Intitulé « {post.title} » rattaché à « {job} »"
        if post.title_key in document.project.matches:
            command = commands.confirm_match(document.project, post.title_key, code, text)
        else:
            command = SetMatch(post.title_key, TitleMatch(post.title, code, 1.0, MatchStatus.CONFIRMED), text)
        document.execute(command)

    def confirm_match(self) -> None:
        post, document = self.current_post(), self.document
        if post is None or document is None:
            return
        match = document.project.matches.get(post.title_key)
        if match is None or match.job_code is None:
            return
        document.execute(commands.confirm_match(document.project, post.title_key, match.job_code))

    def reset_post(self) -> None:
        post, document = self.current_post(), self.document
        if post is None or document is None or post.id not in document.project.post_jobs:
            return
        document.execute(SetPostJob(post.id, None, f"Poste « {post.title} » rendu au métier de son intitulé"))


register(ViewSpec("agents", "Agents / postes", PostsView, "Les postes importés et leur métier"))
