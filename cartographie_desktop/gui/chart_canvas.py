"""A matplotlib canvas that scales a chart like an image: the figure keeps its designed size in inches and the
canvas changes its dpi, so text, bars and margins stay in proportion whatever the window width (the same look as in
the PDF report). Imported only when the Synthèse is first shown: matplotlib stays out of the start-up.
"""

from __future__ import annotations

from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.figure import Figure
from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QSizePolicy


class ChartCanvas(FigureCanvasQTAgg):
    def __init__(self, figure: Figure) -> None:
        self.design = tuple(float(v) for v in figure.get_size_inches())
        super().__init__(figure)
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setMinimumWidth(320)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return max(1, round(width * self.design[1] / self.design[0]))

    def resizeEvent(self, event: QResizeEvent) -> None:
        width = event.size().width()
        if width > 0:
            self.figure.set_dpi(width * self.device_pixel_ratio / self.design[0])
            wanted = self.heightForWidth(width)
            if self.height() != wanted:
                self.setFixedHeight(wanted)
        super().resizeEvent(event)
