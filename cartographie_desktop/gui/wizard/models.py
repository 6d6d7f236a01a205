"""Table models of the import wizard: the sheet preview, what could not be read, the set-aside lines, and the
title → job matches (with the combo box that edits a match from the keyboard).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QComboBox, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from cartographie_desktop.core.model import ImportIssue, MatchStatus, TitleMatch
from cartographie_desktop.core.palette import MUTED
from cartographie_desktop.core.referentiel import Referentiel
from cartographie_desktop.core.text import format_number, format_percent
from cartographie_desktop.gui.models import RIGHT, Column, _TableModel, brush
from cartographie_desktop.gui.wizard.common import (
    CHECK_COLOUR,
    HEADER_ROW_COLOUR,
    IGNORED_ROW_COLOUR,
    MASK,
    SURE_COLOUR,
)
from cartographie_desktop.io.sniff import column_letters

Index = QModelIndex | QPersistentModelIndex
_INVALID = QModelIndex()
DISPLAY = Qt.ItemDataRole.DisplayRole


# --- the preview of the sheet ---------------------------------------------------------------------------------------


class PreviewModel(QAbstractTableModel):
    """The first rows of the sheet, the header row highlighted (colour, bold and « en-tête » in the row header),
    the rows above it greyed, and the values of personal-data columns masked."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.numbers: list[int] = []
        self.header = 0
        self.masked: frozenset[int] = frozenset()
        self._width = 0
        self._bold = QFont()
        self._bold.setBold(True)

    def set_rows(self, rows: list[list[str]], numbers: list[int], header: int, masked: frozenset[int]) -> None:
        self.beginResetModel()
        self.rows, self.numbers, self.header, self.masked = rows, numbers, header, masked
        self._width = max((len(row) for row in rows), default=0)
        self.endResetModel()

    def clear(self) -> None:
        """Forget the rows: the preview may show personal data and must not stay in memory or on screen."""
        self.set_rows([], [], 0, frozenset())

    def set_header(self, header: int, masked: frozenset[int]) -> None:
        self.header, self.masked = header, masked
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, self._width - 1))
            self.headerDataChanged.emit(Qt.Orientation.Vertical, 0, len(self.rows) - 1)

    def rowCount(self, parent: Index = _INVALID) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = _INVALID) -> int:
        return 0 if parent.isValid() else self._width

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        cells = self.rows[row]
        text = cells[column] if column < len(cells) else ""
        if role in (DISPLAY, Qt.ItemDataRole.ToolTipRole):
            if row > self.header and column in self.masked and text:
                return MASK if role == DISPLAY else "Donnée personnelle masquée dans l'aperçu"
            return text if role == DISPLAY or len(text) > 30 else None
        if row == self.header:
            if role == Qt.ItemDataRole.BackgroundRole:
                return brush(HEADER_ROW_COLOUR)
            if role == Qt.ItemDataRole.FontRole:
                return self._bold
        elif row < self.header and role == Qt.ItemDataRole.ForegroundRole:
            return brush(IGNORED_ROW_COLOUR)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        if orientation == Qt.Orientation.Horizontal:
            return column_letters(section + 1) if role == DISPLAY else None
        if not 0 <= section < len(self.rows):
            return None
        if role == DISPLAY:
            number = format_number(self.numbers[section])
            return f"En-tête ▸ {number}" if section == self.header else number
        if role == Qt.ItemDataRole.ToolTipRole:
            if section == self.header:
                return "Ligne d'en-tête : les noms des colonnes"
            if section < self.header:
                return "Au-dessus de l'en-tête : ignorée (titre, date…)"
        if role == Qt.ItemDataRole.FontRole and section == self.header:
            return self._bold
        return None


# --- what could not be read ------------------------------------------------------------------------------------------


@dataclass(slots=True)
class ValueRow:
    column: str
    count: int
    examples: list[str]
    message: str  # what the program did with the first one


def value_rows(issues: list[ImportIssue]) -> tuple[list[ValueRow], list[str]]:
    """Value issues grouped by column (most frequent first), and the notes about the whole table."""
    groups: dict[str, ValueRow] = {}
    general: list[str] = []
    for issue in issues:
        if issue.kind not in ("value", "warning"):
            continue
        if not issue.column:
            if issue.line is None and issue.message not in general:
                general.append(issue.message)
            elif issue.line is not None:
                groups.setdefault("", ValueRow("(remarques sur des lignes)", 0, [], issue.message)).count += 1
            continue
        row = groups.setdefault(issue.column, ValueRow(issue.column, 0, [], issue.message))
        row.count += 1
        if issue.value and issue.value not in row.examples and len(row.examples) < 3:
            row.examples.append(issue.value)
    return sorted(groups.values(), key=lambda r: (-r.count, r.column)), general


class _ListModel(_TableModel):
    """Read-only rows of plain items: `cells(item)` gives the texts, the last column's text is also its tooltip."""

    def __init__(self) -> None:
        super().__init__()
        self.items: list[Any] = []

    def set_items(self, items: list[Any]) -> None:
        self.beginResetModel()
        self.items = items
        self.endResetModel()

    def cells(self, item: Any) -> tuple[str, ...]:
        raise NotImplementedError

    def rowCount(self, parent: Index = _INVALID) -> int:
        return 0 if parent.isValid() else len(self.items)

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid():
            return None
        last = index.column() == len(self.COLUMNS) - 1
        if role == DISPLAY or (role == Qt.ItemDataRole.ToolTipRole and last):
            return self.cells(self.items[index.row()])[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self.COLUMNS[index.column()].align
        return None


class ValuesModel(_ListModel):
    COLUMNS = (Column("Colonne"), Column("Lignes", "Nombre de lignes concernées", RIGHT),
               Column("Exemples de valeurs"), Column("Ce que fait le programme (premier cas)"))

    def cells(self, item: ValueRow) -> tuple[str, ...]:
        examples = " · ".join(f"« {e} »" for e in item.examples)
        return item.column, format_number(item.count), examples, item.message


class SetAsideModel(_ListModel):
    COLUMNS = (Column("Ligne", "Numéro de la ligne dans le fichier", RIGHT), Column("Pourquoi elle est écartée"))

    def cells(self, item: ImportIssue) -> tuple[str, ...]:
        return (format_number(item.line) if item.line is not None else "—"), item.message


# --- matches ---------------------------------------------------------------------------------------------------------

STATUS_WORDS = {MatchStatus.AUTO: "sûr", MatchStatus.CONFIRMED: "confirmé", MatchStatus.TO_CHECK: "à vérifier"}
PROPOSAL_FLOOR = 0.3  # below, the matcher's best guess for a title *à vérifier* is noise: not proposed


def proposal(match: TitleMatch) -> tuple[str, float] | None:
    """The job offered for a title *à vérifier* (the matcher's best, if it is worth reading), else None."""
    if match.job_code or not match.alternatives:
        return None
    code, score = match.alternatives[0]
    return (code, score) if score >= PROPOSAL_FLOOR else None
JOB_ROLE = Qt.ItemDataRole.UserRole + 1
_DOTS: dict[str, QIcon] = {}


def dot(colour: str) -> QIcon:
    """A filled disc of `colour` with a dark outline (visible on a selected row too)."""
    if colour not in _DOTS:
        pixmap = QPixmap(14, 14)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QColor("#333333"))
        painter.setBrush(QColor(colour))
        painter.drawEllipse(1, 1, 12, 12)
        painter.end()
        _DOTS[colour] = QIcon(pixmap)
    return _DOTS[colour]


class MatchModel(_TableModel):
    """One row per distinct job title: reliability (dot and words), the title, its agents, the job retained."""

    STATUS, TITLE, AGENTS, JOB = range(4)
    COLUMNS = (Column("Fiabilité", "« sûr » : rattaché automatiquement avec une confiance suffisante ; "
                      "« à vérifier » : choisissez le métier ; « confirmé » : choisi ou validé par vous"),
               Column("Intitulé dans le tableau"), Column("Agents", "", RIGHT),
               Column("Métier retenu ou proposé", "Double-clic ou F2 pour choisir parmi les métiers proposés"))

    def __init__(self, ref: Referentiel, match_of: Callable[[str], TitleMatch]) -> None:
        super().__init__()
        self.ref = ref
        self.match_of = match_of
        self.keys: list[str] = []
        self.agents: dict[str, int] = {}
        self.choose: Callable[[str, str | None], None] | None = None
        self._italic = QFont()
        self._italic.setItalic(True)

    def set_titles(self, keys: list[str], agents: dict[str, int]) -> None:
        self.beginResetModel()
        self.keys, self.agents = keys, agents
        self.endResetModel()

    def key(self, row: int) -> str:
        return self.keys[row]

    def row_of(self, key: str) -> int:
        return self.keys.index(key) if key in self.keys else -1

    def job_label(self, code: str | None) -> str:
        if not code:
            return ""
        job = self.ref.jobs.get(code)
        return job.label if job else code

    def candidates(self, row: int) -> list[tuple[str, str | None]]:
        """(text, job code) offered in the row's combo box: the job retained, the matcher's top 3, none."""
        match = self.match_of(self.keys[row])
        codes = [match.job_code] if match.job_code else []
        codes += [code for code, _ in match.alternatives if code not in codes]
        scores = dict(match.alternatives)
        items = [(f"{self.job_label(code)}"
                  + (f" ({format_percent(scores[code])})" if code in scores else ""), code)
                 for code in codes if code in self.ref.jobs]
        return [*items, ("Aucun métier pour l'instant (à vérifier)", None)]

    def rowCount(self, parent: Index = _INVALID) -> int:
        return 0 if parent.isValid() else len(self.keys)

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() == self.JOB:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.keys):
            return None
        key = self.keys[index.row()]
        match = self.match_of(key)
        column = index.column()
        if role == DISPLAY:
            if column == self.STATUS:
                return STATUS_WORDS[match.status]
            if column == self.TITLE:
                return match.title
            if column == self.AGENTS:
                return format_number(self.agents.get(key, 0))
            offered = proposal(match)
            if offered is not None and offered[0] in self.ref.jobs:
                return f"proposé : {self.job_label(offered[0])} ({format_percent(offered[1])})"
            return self.job_label(match.job_code) or "— à choisir —"
        if role == Qt.ItemDataRole.FontRole and column == self.JOB and not match.job_code:
            return self._italic
        if role == Qt.ItemDataRole.ForegroundRole and column == self.JOB and not match.job_code:
            return brush(MUTED)
        if role == Qt.ItemDataRole.DecorationRole and column == self.STATUS:
            return dot(CHECK_COLOUR if match.status == MatchStatus.TO_CHECK else SURE_COLOUR)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == self.STATUS:
                return f"Confiance du rattachement : {format_percent(match.confidence)}"
            if column == self.TITLE:
                return match.title
            if column == self.JOB:
                job = self.ref.jobs.get(match.job_code or "")
                if job:
                    return f"{job.label} ({job.code})"
                return ("Aucun métier retenu : « Confirmer ce métier » retient celui qui est proposé, ou "
                        "choisissez-en un (double-clic ou F2)")
        if role == Qt.ItemDataRole.AccessibleTextRole and column == self.STATUS:
            return f"{STATUS_WORDS[match.status]}, confiance {format_percent(match.confidence)}"
        if role == Qt.ItemDataRole.EditRole and column == self.JOB:
            return match.job_code
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self.COLUMNS[column].align
        if role == JOB_ROLE:
            return match.job_code
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or index.column() != self.JOB or role != Qt.ItemDataRole.EditRole:
            return False
        if self.choose is not None:
            self.choose(self.keys[index.row()], value or None)
        return True

    def title_changed(self, key: str) -> None:
        row = self.row_of(key)
        if row >= 0:
            self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))


class JobComboDelegate(QStyledItemDelegate):
    """Edits « Métier retenu » with a combo box of the proposed jobs; Enter commits, Escape leaves it as it was."""

    def __init__(self, model: MatchModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.match_model = model

    def _source_row(self, index: Index) -> int:
        proxy = index.model()
        mapped = proxy.mapToSource(index) if hasattr(proxy, "mapToSource") else index
        return mapped.row()

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        editor = QComboBox(parent)
        editor.setAccessibleName("Métier retenu")
        for text, code in self.match_model.candidates(self._source_row(index)):
            editor.addItem(text, code)
        return editor

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        assert isinstance(editor, QComboBox)
        position = editor.findData(index.data(Qt.ItemDataRole.EditRole))
        editor.setCurrentIndex(max(position, 0) if index.data(Qt.ItemDataRole.EditRole) else editor.count() - 1)

    def setModelData(self, editor: QWidget, model: Any, index: Index) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)
