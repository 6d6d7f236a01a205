"""Small widgets shared by the views: table views set up the same way, the search field, key figures, headings."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)


class DataTable(QTableView):
    """A sortable, row-selecting table; Enter (or double-click) activates the current row."""

    activated_row = Signal(int)  # the source row is resolved by the owner (proxy in between)

    def __init__(self, parent: QWidget | None = None, *, name: str = "") -> None:
        super().__init__(parent)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSortingEnabled(True)
        self.setAlternatingRowColors(False)  # rows carry the band colour
        self.setWordWrap(False)
        self.setTabKeyNavigation(False)  # Tab leaves the table: keyboard users move between controls
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 12)
        self.horizontalHeader().setHighlightSections(False)
        self.horizontalHeader().setSectionsMovable(False)
        self.horizontalHeader().setStretchLastSection(True)
        self.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if name:
            self.setAccessibleName(name)
        self.doubleClicked.connect(self._double_clicked)

    def _double_clicked(self, index: QModelIndex) -> None:
        self.activated_row.emit(index.row())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.activated_row.emit(self.currentIndex().row())
            return
        super().keyPressEvent(event)

    def set_widths(self, widths: dict[int, int]) -> None:
        for column, width in widths.items():
            self.setColumnWidth(column, width)

    def select_first(self) -> None:
        model: QAbstractItemModel | None = self.model()
        if model is not None and model.rowCount() and not self.currentIndex().isValid():
            self.setCurrentIndex(model.index(0, 0))


class SearchField(QLineEdit):
    """A search box with a clear button; Escape clears it, Down moves to the results."""

    move_down = Signal()

    def __init__(self, placeholder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(placeholder)
        self.setClearButtonEnabled(True)
        self.setAccessibleName(placeholder)
        self.setMinimumWidth(260)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self.text():
            self.clear()
            return
        if event.key() == Qt.Key.Key_Down:
            self.move_down.emit()
            return
        super().keyPressEvent(event)


def combo(items: list[tuple[str, object]], name: str) -> QComboBox:
    """A filter combo box: (label, value) pairs, the first one meaning « all »."""
    box = QComboBox()
    for label, value in items:
        box.addItem(label, value)
    box.setAccessibleName(name)
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    return box


def heading(text: str, size_delta: int = 6, bold: bool = True) -> QLabel:
    label = QLabel(text)
    font = QFont(label.font())
    font.setPointSizeF(font.pointSizeF() + size_delta)
    font.setBold(bold)
    label.setFont(font)
    label.setWordWrap(True)
    return label


class KeyFigure(QFrame):
    """A number in large type with its caption, for the Synthèse."""

    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setObjectName("keyFigure")
        self.value = heading("—", 12)
        self.value.setAlignment(Qt.AlignmentFlag.AlignLeft)
        self.caption = QLabel(caption)
        self.caption.setWordWrap(True)
        self.caption.setTextFormat(Qt.TextFormat.PlainText)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.addWidget(self.value)
        layout.addWidget(self.caption)
        layout.addStretch(1)

    def set(self, value: str, caption: str | None = None) -> None:
        self.value.setText(value)
        if caption is not None:
            self.caption.setText(caption)
        self.setAccessibleName(f"{value} {self.caption.text()}")
