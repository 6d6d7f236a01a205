"""Métiers: the job table coloured by band, its search and filters; Enter or double-click opens the job's detail."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QLabel, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from cartographie_desktop.core.model import CATEGORIES, FILIERES
from cartographie_desktop.core.scoring import BANDS, EXPOSED_BANDS
from cartographie_desktop.core.text import plural
from cartographie_desktop.gui.models import JobFilterProxy, JobTableModel, band_words, filiere_label
from cartographie_desktop.gui.views import View, ViewHost, ViewSpec, register
from cartographie_desktop.gui.views.detail import JobDetail
from cartographie_desktop.gui.widgets import DataTable, SearchField, combo

ALL = None
BAND_CHOICES: list[tuple[str, object]] = [
    ("Toutes les bandes", ALL),
    ("Concerné ou très concerné", tuple(b.value for b in EXPOSED_BANDS)),
    *[(band_words(b), (b.value,)) for b in reversed(BANDS)],
]


class JobsView(View):
    def __init__(self, host: ViewHost, parent: QWidget | None = None) -> None:
        super().__init__(host, parent)
        self.model = JobTableModel()
        self.model.setParent(self)
        self.proxy = JobFilterProxy(self)
        self.proxy.setSourceModel(self.model)

        filters = self._build_filters()

        self.table = DataTable(name="Tableau des métiers de la commune")
        self.table.setModel(self.proxy)
        self.table.sortByColumn(JobTableModel.SCORE, Qt.SortOrder.DescendingOrder)
        self.table.set_widths({1: 120, 2: 46, 3: 60, 4: 46, 5: 52, 6: 78, 7: 100, 8: 142, 9: 128, 10: 72})
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(JobTableModel.LABEL, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(40)
        self.table.activated_row.connect(self._open_row)
        self.search.move_down.connect(self._focus_table)

        hint = QLabel("Entrée ou double-clic : voir les activités du métier et les décisions de la commune.")
        hint.setObjectName("muted")
        bottom = QHBoxLayout()
        bottom.addWidget(self.count)
        bottom.addStretch(1)
        bottom.addWidget(hint)

        self.list_page = QWidget()
        page = QVBoxLayout(self.list_page)
        page.setContentsMargins(0, 0, 0, 0)
        page.addLayout(filters)
        page.addWidget(self.table, 1)
        page.addLayout(bottom)

        self.detail = JobDetail(host)
        self.detail.back.connect(self.show_list)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.list_page)
        self.stack.addWidget(self.detail)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)

        self.search.textChanged.connect(self._filter_changed)
        for box in (self.band, self.filiere, self.categorie, self.direction):
            box.currentIndexChanged.connect(self._filter_changed)

    def _build_filters(self) -> QHBoxLayout:
        self.search = SearchField("Rechercher un métier (Ctrl+F)")
        self.band = combo(BAND_CHOICES, "Filtrer par bande")
        self.filiere = combo([("Toutes les filières", ALL)], "Filtrer par filière")
        self.categorie = combo([("Toutes les catégories", ALL), *[(f"Catégorie {c}", c) for c in CATEGORIES]],
                               "Filtrer par catégorie")
        self.direction = combo([("Toutes les directions", ALL)], "Filtrer par direction ou service")
        self.reset = QPushButton("&Effacer les filtres")
        self.reset.clicked.connect(self.clear_filters)
        self.count = QLabel()
        self.count.setObjectName("muted")

        filters = QHBoxLayout()
        filters.addWidget(self.search, 2)
        for box in (self.band, self.filiere, self.categorie, self.direction):
            filters.addWidget(box)
        filters.addWidget(self.reset)
        return filters

    # -- document ------------------------------------------------------------------------------------------------

    def document_set(self) -> None:
        self.model.set_document(self.document)
        self.detail.set_document(self.document)
        self.show_list()
        self._fill_choices()
        self._update_count()

    def refresh(self) -> None:
        self.model.update()
        self._fill_choices()
        self._update_count()
        self.detail.refresh()

    def _fill_choices(self) -> None:
        rows = self.model.rows()
        filieres = sorted({f for r in rows for f in r.filieres}, key=lambda f: filiere_label(f).casefold())
        directions = sorted({d for r in rows for d in r.posts.directions if d}, key=str.casefold)
        self._refill(self.filiere, "Toutes les filières", [(filiere_label(f), f) for f in filieres
                                                            if f in FILIERES or f])
        self._refill(self.direction, "Toutes les directions", [(d, d) for d in directions])

    @staticmethod
    def _refill(box, all_label: str, items: list[tuple[str, str]]) -> None:
        current = box.currentData()
        box.blockSignals(True)
        box.clear()
        box.addItem(all_label, ALL)
        for label, value in items:
            box.addItem(label, value)
        position = box.findData(current) if current is not None else 0
        box.setCurrentIndex(max(position, 0))
        box.blockSignals(False)
        if current is not None and position < 0:
            box.currentIndexChanged.emit(0)

    # -- filters -------------------------------------------------------------------------------------------------

    def _filter_changed(self, *_args: object) -> None:
        self._filter(text=self.search.text(), bands=self.band.currentData() or (),
                     filiere=self.filiere.currentData(), categorie=self.categorie.currentData(),
                     direction=self.direction.currentData())

    def _filter(self, **changes) -> None:
        self.proxy.set_filters(**changes)
        self._update_count()

    def clear_filters(self) -> None:
        self.search.clear()
        for box in (self.band, self.filiere, self.categorie, self.direction):
            box.setCurrentIndex(0)

    def _update_count(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        text = plural(total, "métier") + " dans la commune"
        if shown != total:
            text = f"{plural(shown, 'métier')} affiché{'s' if shown > 1 else ''} sur {total}"
        self.count.setText(text)

    def focus_search(self) -> None:
        if self.stack.currentWidget() is not self.list_page:
            self.show_list()
        self.search.setFocus()
        self.search.selectAll()

    def _focus_table(self) -> None:
        self.table.setFocus()
        self.table.select_first()

    # -- detail --------------------------------------------------------------------------------------------------

    def _open_row(self, proxy_row: int) -> None:
        source = self.proxy.mapToSource(self.proxy.index(proxy_row, 0))
        if source.isValid():
            self.open_job(self.model.row(source.row()).code)

    def open_job(self, code: str) -> None:
        self.detail.show_job(code)
        self.stack.setCurrentWidget(self.detail)
        self.detail.setFocus()
        self.detail.focus_activities()

    def show_list(self) -> None:
        code = self.detail.code
        self.stack.setCurrentWidget(self.list_page)
        if code:  # come back to the job one left
            for row in range(self.proxy.rowCount()):
                index = self.proxy.index(row, 0)
                if self.model.row(self.proxy.mapToSource(index).row()).code == code:
                    self.table.setCurrentIndex(index)
                    break
        self.table.setFocus()

    def showing_detail(self) -> bool:
        return self.stack.currentWidget() is self.detail


register(ViewSpec("metiers", "Métiers", JobsView, "Les métiers de la commune et leur exposition"))
