"""Synthèse: key figures in large type and the charts of `report.charts` (the same functions as the PDF report),
embedded with matplotlib's Qt canvas. matplotlib is imported the first time this view is shown, not at start-up.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from cartographie_desktop.core.aggregates import Aggregates
from cartographie_desktop.core.scoring import BANDS, EXPOSED_BANDS
from cartographie_desktop.core.text import format_fte, format_number, format_percent, plural
from cartographie_desktop.gui.views import View, ViewHost, ViewSpec, register
from cartographie_desktop.gui.widgets import KeyFigure

CHART_WIDTH = 7.2  # inches of a half-width chart: the canvas scales it to the space available
# (chart id, row, column, column span)
LAYOUT = (("bands", 0, 0, 1), ("scatter", 0, 1, 1), ("tasks", 1, 0, 2), ("categorie", 2, 0, 1),
          ("sexe", 2, 1, 1), ("filiere", 3, 0, 1), ("direction", 3, 1, 1))
ACCESSIBLE = {
    "bands": "Graphique : agents par bande d'exposition",
    "scatter": "Graphique : les métiers selon leur score moyen et leur écart type",
    "tasks": "Graphique : part des activités par bande",
    "categorie": "Graphique : agents par catégorie et par bande",
    "sexe": "Graphique : agents par sexe et par bande",
    "filiere": "Graphique : agents par filière et par bande",
    "direction": "Graphique : agents par direction et par bande",
}


class SynthesisView(View):
    def __init__(self, host: ViewHost, parent: QWidget | None = None) -> None:
        super().__init__(host, parent)
        self.basis = QComboBox()
        self.basis.addItem("Exposition technique", "technique")
        self.basis.addItem("Exposition retenue par la commune", "retenue")
        self.basis.setAccessibleName("Score utilisé dans la synthèse")
        self.basis.currentIndexChanged.connect(self._basis_changed)
        basis_label = QLabel("&Score utilisé :")
        basis_label.setBuddy(self.basis)
        self.note = QLabel()
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.note.setObjectName("muted")
        self.note.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(basis_label)
        top.addWidget(self.basis)
        top.addSpacing(16)
        top.addWidget(self.note, 1)

        self.agents = KeyFigure("agents")
        self.fte = KeyFigure("équivalents temps plein")
        self.exposed = KeyFigure("des agents exercent un métier concerné ou très concerné")
        self.tasks = KeyFigure("des activités des agents sont concernées ou très concernées")
        figures = QHBoxLayout()
        for figure in (self.agents, self.fte, self.exposed, self.tasks):
            figures.addWidget(figure, 1)

        self.charts_box = QWidget()
        self.grid = QGridLayout(self.charts_box)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(12)
        self.grid.setVerticalSpacing(12)
        self.grid.setColumnStretch(0, 1)
        self.grid.setColumnStretch(1, 1)
        self.canvases: dict[str, Any] = {}

        content = QWidget()
        inner = QVBoxLayout(content)
        inner.addLayout(top)
        inner.addLayout(figures)
        inner.addWidget(self.charts_box)
        inner.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(content)
        self.scroll.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # arrows and Page Down scroll the charts
        self.scroll.setAccessibleName("Synthèse : chiffres clés et graphiques")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.scroll)

    def _basis_changed(self, _index: int) -> None:
        self.document_changed()

    def aggregates(self) -> Aggregates | None:
        if self.document is None:
            return None
        return self.document.aggregates(self.basis.currentData())

    def refresh(self) -> None:
        agg = self.aggregates()
        if agg is None or self.document is None:
            self._clear_charts()
            return
        k = self.host.privacy_k()
        basis = "retenue par la commune" if self.basis.currentData() == "retenue" else "technique"
        self.note.setText(f"Exposition {basis}, indice {self.document.index}. Les groupes de moins de {k} agents "
                          f"sont affichés « < {k} » pour que personne ne soit reconnaissable (Préférences).")
        self.agents.set(format_number(agg.agents),
                        "agents dans le tableau des effectifs" + (
                            f", dont {plural(agg.unmatched_agents, 'agent')} sans métier (à vérifier)"
                            if agg.unmatched_agents else ""))
        self.fte.set(format_fte(agg.fte), "équivalents temps plein (ETP)")
        self.exposed.set(format_percent(agg.exposed_share),
                         f"des agents rattachés à un métier exercent un métier concerné ou très concerné "
                         f"({plural(sum(agg.bands[b].agents for b in EXPOSED_BANDS), 'agent')})")
        shares = " · ".join(f"{b.label} {format_percent(agg.task_share[b])}" for b in BANDS)
        self.tasks.set(format_percent(sum(agg.task_share[b] for b in EXPOSED_BANDS)),
                       f"des activités des agents sont concernées ou très concernées ({shares})")
        self._draw_charts(agg, k)

    def _clear_charts(self) -> None:
        for canvas in self.canvases.values():  # still parented: Qt deletes them once their events are done
            self.grid.removeWidget(canvas)
            canvas.hide()
            canvas.deleteLater()
        self.canvases.clear()

    def _draw_charts(self, agg: Aggregates, k: int) -> None:
        assert self.document is not None
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            from cartographie_desktop.gui.chart_canvas import ChartCanvas
            from cartographie_desktop.report import charts

            results = list(self.document.results().values())  # the scatter shows the technical scores
            half = CHART_WIDTH
            figures = {
                "bands": charts.agents_by_band(agg, k=k, size=(half, 4.6)),
                "scatter": charts.jobs_scatter(results, agg.jobs, index=self.document.index, size=(half, 4.6)),
                "tasks": charts.task_share(agg, size=(2 * half, 2.2)),
                **{dim: charts.breakdown(agg, dim, k=k, width=half)
                   for dim in ("categorie", "sexe", "filiere", "direction")},
            }
            self._clear_charts()
            for chart_id, row, column, span in LAYOUT:
                canvas = ChartCanvas(figures[chart_id])
                canvas.setAccessibleName(ACCESSIBLE[chart_id])
                self.grid.addWidget(canvas, row, column, 1, span, Qt.AlignmentFlag.AlignTop)
                self.canvases[chart_id] = canvas
        finally:
            QGuiApplication.restoreOverrideCursor()

    def focus_search(self) -> None:
        self.scroll.setFocus()


register(ViewSpec("synthese", "Synthèse", SynthesisView, "Chiffres clés et graphiques"))
