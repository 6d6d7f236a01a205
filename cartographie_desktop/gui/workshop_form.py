"""The workshop sheet form, shared by the Ateliers view and the projected workshop mode.

Every section of a sheet is a `LineTable` over a `SectionModel`; every edit goes through the validating factories of
`core.workshops` and `ProjectDocument.execute` (saved at once, undoable). The keyboard is the fast path:

- Enter on a line opens a new line just after it (on the « + » row at the end: a new line at the end); typing a
  line then Enter saves it and opens the next one; Échap closes the new line;
- typing on a cell edits it, F2 too; Tab and Maj+Tab move to the next or previous list, even from inside a cell;
- Suppr removes the line (Ctrl+Z brings it back), Ctrl+↑ / Ctrl+↓ move it.

Models update row by row (insert, remove, move) rather than by reset, so that an open editor, the current line and
the scroll position survive an edit made from inside the table.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from cartographie_desktop.core import workshops as ws
from cartographie_desktop.core.commands import Command, EditError
from cartographie_desktop.core.palette import ACCENT, BAND_COLOURS, BAND_TEXT_COLOURS, MUTED
from cartographie_desktop.core.scoring import Band, band_for
from cartographie_desktop.core.text import NNBSP, format_date, format_score, plural
from cartographie_desktop.gui import errors
from cartographie_desktop.gui.document import ProjectDocument
from cartographie_desktop.gui.models import band_words, brush

Index = QModelIndex | QPersistentModelIndex
_INVALID = QModelIndex()


# --- what each section shows ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Col:
    field: str
    title: str
    kind: str = "text"  # text, label, count, score, score_ro, applied, or a key of CHOICES
    width: float = 0  # in em of the form's type; 0: shares the rest of the width with the other such columns
    projected: bool = True  # shown in the workshop mode too (details for later are left to the window)


EM = 96 / 72  # pixels per point at the reference 96 dpi: a column of `width` em is width × size × EM pixels

CHOICES: dict[str, dict[str, str]] = {
    "status": ws.STATUS_LABELS, "category": ws.NEED_LABELS, "priority": ws.PRIORITY_LABELS,
    "horizon": {key: label.split(" (")[0] for key, label in ws.HORIZON_LABELS.items()},
    "proposal": ws.PROPOSAL_LABELS,
}

COLUMNS: dict[str, tuple[Col, ...]] = {
    "participants": (Col("count", "Nombre", "count", 4.5), Col("role", "Fonction (jamais de nom)")),
    "activities": (Col("label", "Activité en 2025", "label"), Col("score", "Score", "score_ro", 3.6),
                   Col("status", "En 2035", "status", 9.5), Col("text", "Ce qu'elle devient d'ici 2035")),
    "needs": (Col("text", "Besoin"), Col("category", "Type", "category", 8.5), Col("population", "Pour qui"),
              Col("who", "Porté par", width=8), Col("when", "Quand", width=8),
              Col("priority", "Priorité", "priority", 5.5, projected=False),
              Col("horizon", "Horizon", "horizon", 7, projected=False)),
    "indicators": (Col("name", "Indicateur"), Col("measure", "Comment le mesurer"),
                   Col("today", "Aujourd'hui", width=7), Col("target", "Cible", width=7)),
    "proposals": (Col("kind", "Décision proposée", "proposal", 10), Col("activity", "Activité", "activity"),
                  Col("score", "Score", "score", 3.6), Col("reason", "Raison"),
                  Col("applied", "État", "applied", 8.5)),
}
for _key in ws.SECTIONS:
    COLUMNS.setdefault(_key, (Col("text", ws.SECTIONS[_key].label),))

# The field a new line starts from (typed on the « + » row); sections without one get their lines from a dialog.
ADD_FIELD = {"participants": "role", "activities": "text", "needs": "text", "indicators": "name"}
for _key in ws.SECTIONS:
    if _key != "proposals":
        ADD_FIELD.setdefault(_key, "text")

PLACEHOLDERS = {
    "participants": "+ Ajouter des participants (ex. « 2 agents d'accueil »)",
    "activities": "+ Activité nouvelle d'ici 2035…",
    "needs": "+ Ajouter un besoin…",
    "indicators": "+ Ajouter un indicateur…",
}

_COUNT_ROLE = re.compile(r"^\s*(\d{1,3})\s*(?:×|x\b|\*)?\s*(.+)$", re.IGNORECASE)


def split_participants(text: str) -> dict[str, Any]:
    """« 2 agents d'accueil » → count 2, role « agents d'accueil »; without a number, one participant."""
    match = _COUNT_ROLE.match(text or "")
    if match:
        return {"count": int(match.group(1)), "role": match.group(2)}
    return {"count": 1, "role": text}


def percent_text(score: float) -> str:
    return f"{round(score * 100)}{NNBSP}%"


# --- the model of one section -----------------------------------------------------------------------------------


class SectionModel(QAbstractTableModel):
    """The lines of one section of the current sheet, plus the « + » row where a new line is typed (its place can
    move: Enter on a line puts it just below). Edits become commands through the form."""

    def __init__(self, form: SheetForm, section: str) -> None:
        super().__init__(form)
        self.form = form
        self.section = section
        self.columns = COLUMNS[section]
        self.add_field = ADD_FIELD.get(section)
        self.add_column = next((n for n, c in enumerate(self.columns) if c.field == self.add_field), -1)
        self.lines: list[ws.Line] = []
        self.ghost = 0 if self.add_field else -1  # row of the « + » row, -1 when the section has none
        self.added = False  # the last setData added a line (the table then opens the next new line)

    # -- rows ------------------------------------------------------------------------------------------------

    def _ids(self, lines: list[ws.Line], ghost: int) -> list[str]:
        ids = [line.id for line in lines]
        if ghost >= 0:
            ids.insert(ghost, "")
        return ids

    def set_lines(self, lines: tuple[ws.Line, ...], ghost: int | None = None) -> None:
        """Show `lines`: an insertion, a removal or a move of one row is signalled as such, anything else resets."""
        lines = list(lines)
        if ghost is None:
            ghost = len(lines) if self.add_field else -1
        ghost = min(ghost, len(lines)) if self.add_field else -1
        old, new = self._ids(self.lines, self.ghost), self._ids(lines, ghost)
        if old == new:
            self.lines, self.ghost = lines, ghost
            if new:
                self.dataChanged.emit(self.index(0, 0), self.index(len(new) - 1, len(self.columns) - 1))
            return
        if len(new) == len(old) + 1:
            at = next((i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), len(old))
            if new[:at] + new[at + 1:] == old:
                self.beginInsertRows(_INVALID, at, at)
                self.lines, self.ghost = lines, ghost
                self.endInsertRows()
                return
        if len(new) == len(old) - 1:
            at = next((i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), len(new))
            if old[:at] + old[at + 1:] == new:
                self.beginRemoveRows(_INVALID, at, at)
                self.lines, self.ghost = lines, ghost
                self.endRemoveRows()
                return
        if len(new) == len(old) and sorted(new) == sorted(old):
            moved = self._single_move(old, new)
            if moved is not None:
                source, target = moved
                destination = target + 1 if target > source else target
                if self.beginMoveRows(_INVALID, source, source, _INVALID, destination):
                    self.lines, self.ghost = lines, ghost
                    self.endMoveRows()
                    return
        self.beginResetModel()
        self.lines, self.ghost = lines, ghost
        self.endResetModel()

    @staticmethod
    def _single_move(old: list[str], new: list[str]) -> tuple[int, int] | None:
        for source, item in enumerate(old):
            rest = old[:source] + old[source + 1:]
            target = new.index(item)
            if [*rest[:target], item, *rest[target:]] == new:
                return source, target
        return None

    def ghost_after_refresh(self, lines: tuple[ws.Line, ...], just_added: str | None) -> int | None:
        """Where the « + » row goes when the lines change: just after a line that was just typed there, else after
        the same line as before (None: at the end)."""
        if not self.add_field:
            return None
        ids = [line.id for line in lines]
        if just_added in ids:
            return ids.index(just_added) + 1
        if self.ghost == len(self.lines):
            return None
        if self.ghost == 0:
            return 0
        before = self.line(self.ghost - 1)
        return ids.index(before.id) + 1 if before is not None and before.id in ids else None

    def move_ghost(self, row: int) -> None:
        if self.add_field:
            self.set_lines(tuple(self.lines), row)

    def is_ghost(self, row: int) -> bool:
        return row == self.ghost

    def line(self, row: int) -> ws.Line | None:
        if row < 0 or row == self.ghost:
            return None
        position = row - (1 if 0 <= self.ghost < row else 0)
        return self.lines[position] if 0 <= position < len(self.lines) else None

    def row_of(self, line_id: str) -> int:
        for position, line in enumerate(self.lines):
            if line.id == line_id:
                return position + (1 if 0 <= self.ghost <= position else 0)
        return -1

    def position_of(self, row: int) -> int:
        """Where a line typed on row `row` goes in the sheet's list."""
        return row - (1 if 0 <= self.ghost < row else 0)

    def ghost_index(self) -> QModelIndex:
        return self.index(self.ghost, max(self.add_column, 0)) if self.ghost >= 0 else QModelIndex()

    # -- Qt model --------------------------------------------------------------------------------------------

    def rowCount(self, parent: Index = _INVALID) -> int:
        return 0 if parent.isValid() else len(self.lines) + (1 if self.ghost >= 0 else 0)

    def columnCount(self, parent: Index = _INVALID) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].title if 0 <= section < len(self.columns) else None
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
        column = self.columns[index.column()]
        line = self.line(index.row())
        if line is None:
            editable = index.column() == self.add_column
        elif column.kind in ("score_ro", "applied"):
            editable = False
        elif column.kind == "label":
            editable = not getattr(line, "activity", "")  # the référentiel's wording is kept; the group's own is not
        elif column.kind == "score":
            editable = getattr(line, "kind", "") == "score_modifie"
        else:
            editable = True
        return base | Qt.ItemFlag.ItemIsEditable if editable else base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        column = self.columns[index.column()]
        line = self.line(index.row())
        if line is None:
            return self._ghost_data(index.column(), role)
        value = getattr(line, column.field, None) if column.kind != "applied" else None
        if role == Qt.ItemDataRole.EditRole:
            return self._edit_value(column, value)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._display(column, line, value)
        if column.kind == "score_ro" and isinstance(value, float):
            band = band_for(value)
            if role == Qt.ItemDataRole.BackgroundRole:
                return brush(BAND_COLOURS[band])
            if role == Qt.ItemDataRole.ForegroundRole:
                return brush(BAND_TEXT_COLOURS[band])
        if role == Qt.ItemDataRole.ForegroundRole:
            if column.kind == "status" and not value:
                return brush(MUTED)
            if column.kind == "applied" and not self.form.proposal_applied(line):
                return brush(ACCENT)
        if role == Qt.ItemDataRole.TextAlignmentRole and column.kind in ("count", "score", "score_ro"):
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
        return None

    def _ghost_data(self, column: int, role: int) -> Any:
        if column != self.add_column:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return PLACEHOLDERS.get(self.section, "+ Ajouter une ligne…")
        if role == Qt.ItemDataRole.EditRole:
            return ""
        if role == Qt.ItemDataRole.ForegroundRole:
            return brush(MUTED)
        if role == Qt.ItemDataRole.FontRole:
            font = QFont(self.form.font())
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            return "Tapez la ligne puis Entrée ; Entrée sur une ligne en ouvre une nouvelle juste en dessous."
        return None

    @staticmethod
    def _edit_value(column: Col, value: Any) -> Any:
        if column.kind == "count":
            return str(value or "")
        if column.kind == "score":
            return format_score(value) if value is not None else ""
        return value or ""

    def _display(self, column: Col, line: ws.Line, value: Any) -> str:
        kind = column.kind
        if kind in CHOICES:
            label = CHOICES[kind].get(value or "", value or "")
            if kind == "status" and not label:
                return "à discuter"
            return label
        if kind == "activity":
            return ws.activity_label(self.form.sheet, value) if self.form.sheet and value else ""
        if kind in ("score", "score_ro"):
            return format_score(value) if value is not None else ""
        if kind == "count":
            return str(value)
        if kind == "applied":
            return "appliquée" if self.form.proposal_applied(line) else "non appliquée"
        if kind == "label" and getattr(line, "kept_human", False):
            return f"{value}\n(conservée humaine par la commune)"
        if kind == "label" and not value:
            return "(activité nouvelle)"
        return str(value or "")

    def choices(self, column: int) -> list[tuple[str, str]]:
        """(value, label) pairs for a choice column, the empty choice first where a value may be empty."""
        kind = self.columns[column].kind
        if kind == "activity":
            sheet = self.form.sheet
            return [(a.activity, a.label) for a in sheet.activities if a.activity] if sheet else []
        if kind == "status":
            return [("", "à discuter"), *((k, v) for k, v in CHOICES[kind].items() if k != "nouvelle")]
        if kind == "proposal":
            return list(CHOICES[kind].items())
        if kind in CHOICES:
            return [("", "—"), *CHOICES[kind].items()]
        return []

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        self.added = False
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        column = self.columns[index.column()]
        line = self.line(index.row())
        if line is None:
            text = str(value or "").strip()
            if not text or index.column() != self.add_column:
                return False
            values = split_participants(text) if self.section == "participants" else {self.add_field: text}
            done = self.form.add_line(self.section, self.position_of(index.row()), values)
            self.added = done
            return done
        return self.form.edit_line(self.section, line, column.field, value)


# --- the table of one section -----------------------------------------------------------------------------------


class LineDelegate(QStyledItemDelegate):
    """Choice columns edit with a list (picking a value saves it); the others with a one-line text field."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        model = index.model()
        if isinstance(model, SectionModel) and model.columns[index.column()].kind in (*CHOICES, "activity"):
            box = QComboBox(parent)
            for value, label in model.choices(index.column()):
                box.addItem(label, value)
            box.setAccessibleName(model.columns[index.column()].title)
            box.activated.connect(self._picked)
            return box
        editor = QLineEdit(parent)
        editor.setFrame(False)
        if isinstance(model, SectionModel):
            editor.setAccessibleName(model.columns[index.column()].title)
        return editor

    def _picked(self, _row: int) -> None:
        box = self.sender()
        if isinstance(box, QComboBox):
            self.commitData.emit(box)
            self.closeEditor.emit(box, QAbstractItemDelegate.EndEditHint.NoHint)

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        if isinstance(editor, QComboBox):
            value = index.data(Qt.ItemDataRole.EditRole)
            position = editor.findData(value or "")
            editor.setCurrentIndex(max(position, 0))
            return
        super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model: QAbstractTableModel, index: Index) -> None:
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)
            return
        if isinstance(editor, QLineEdit) and editor.text() == (index.data(Qt.ItemDataRole.EditRole) or ""):
            return  # unchanged: no command, no line in the history
        super().setModelData(editor, model, index)


class LineTable(QTableView):
    """One section as a table that is as tall as its lines (the form scrolls, not the table)."""

    def __init__(self, model: SectionModel, name: str) -> None:
        super().__init__()
        self.section_model = model
        self.setModel(model)
        self.setItemDelegate(LineDelegate(self))
        self.setAccessibleName(name)
        self.setTabKeyNavigation(False)  # Tab goes to the next list
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
                             | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.setWordWrap(True)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionsMovable(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setVisible(len(model.columns) > 1)
        header.setStretchLastSection(False)
        header.setMinimumSectionSize(10)
        for number, column in enumerate(model.columns):
            if column.width:
                header.setSectionResizeMode(number, QHeaderView.ResizeMode.Fixed)
                header.resizeSection(number, round(column.width * model.form.point_size * EM))
            else:
                header.setSectionResizeMode(number, QHeaderView.ResizeMode.Stretch)
            if model.form.projected and not column.projected:
                self.setColumnHidden(number, True)
        for signal in (model.rowsInserted, model.rowsRemoved, model.rowsMoved, model.modelReset, model.dataChanged,
                       model.layoutChanged):
            signal.connect(self._contents_changed)

    # -- height follows the lines --------------------------------------------------------------------------------

    def _contents_changed(self, *_args: object) -> None:
        self.resizeRowsToContents()
        self.updateGeometry()

    def sizeHint(self) -> QSize:
        height = 2 * self.frameWidth() + self.verticalHeader().length()
        if self.horizontalHeader().isVisible():
            height += self.horizontalHeader().sizeHint().height()
        if not self.model().rowCount():
            height += self.fontMetrics().height() + 8
        return QSize(super().sizeHint().width(), height + 2)

    def minimumSizeHint(self) -> QSize:
        return QSize(120, self.sizeHint().height())

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.resizeRowsToContents()  # wrapping changed with the width
        self.updateGeometry()

    # -- keyboard ------------------------------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        model = self.section_model
        key, mods = event.key(), event.modifiers()
        current = self.currentIndex()
        row = current.row() if current.isValid() else -1
        ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not ctrl and self.state() != self.State.EditingState:
            self.open_new_line(row)
            return
        if event.matches(QKeySequence.StandardKey.Delete) or key == Qt.Key.Key_Delete:
            line = model.line(row)
            if line is not None:
                model.form.remove_line(model.section, line, row)
            return
        if ctrl and key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            line = model.line(row)
            if line is not None:
                model.form.move_line(model.section, line, -1 if key == Qt.Key.Key_Up else 1)
            return
        super().keyPressEvent(event)

    def open_new_line(self, after_row: int = -1) -> bool:
        """Enter: a new line just below `after_row` (or where the « + » row is), ready to type."""
        model = self.section_model
        if not model.add_field:
            return False
        if model.line(after_row) is not None:
            model.move_ghost(model.position_of(after_row) + 1)
        index = model.ghost_index()
        self.setCurrentIndex(index)
        self.scrollTo(index)
        self.edit(index)
        return True

    def closeEditor(self, editor: QWidget, hint: QAbstractItemDelegate.EndEditHint) -> None:
        model = self.section_model
        Hint = QAbstractItemDelegate.EndEditHint
        if hint in (Hint.EditNextItem, Hint.EditPreviousItem):
            super().closeEditor(editor, Hint.NoHint)
            self._leave_ghost()
            self.focusNextPrevChild(hint == Hint.EditNextItem)  # Tab: the next list, even from inside a cell
            return
        super().closeEditor(editor, hint)
        if hint == Hint.SubmitModelCache and model.added:
            model.added = False
            index = model.ghost_index()
            self.setCurrentIndex(index)
            self.edit(index)  # the next line, at once
        elif hint == Hint.RevertModelCache:
            self._leave_ghost()

    def _leave_ghost(self) -> None:
        """The « + » row goes back to the end once no new line is being typed."""
        model = self.section_model
        if model.ghost >= 0 and model.ghost != len(model.lines):
            current = model.line(self.currentIndex().row())
            model.move_ghost(len(model.lines))
            if current is not None:
                self.setCurrentIndex(model.index(model.row_of(current.id), 0))

    def focusOutEvent(self, event) -> None:
        super().focusOutEvent(event)
        if self.state() != self.State.EditingState:
            self._leave_ghost()

    def commit_pending(self) -> None:
        """Save what is being typed in a cell (leaving the workshop mode, changing sheet)."""
        if self.state() != self.State.EditingState:
            return
        for editor in self.viewport().findChildren(QWidget):
            if isinstance(editor, QLineEdit | QComboBox) and editor.parentWidget() is self.viewport() \
                    and editor.isVisible():
                self.commitData(editor)
                self.closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)
                return

    def edit(self, index: Index, trigger: Any = None, event: QEvent | None = None) -> bool:
        """Typing on the « + » row writes in its one editable column, whatever column is current."""
        model = self.section_model
        if index.isValid() and model.is_ghost(index.row()) and index.column() != model.add_column:
            index = model.ghost_index()
            self.setCurrentIndex(index)
        if trigger is None:
            return super().edit(index)
        return super().edit(index, trigger, event)

    def select_line(self, line_id: str, column: int = 0) -> None:
        row = self.section_model.row_of(line_id)
        if row >= 0:
            self.setCurrentIndex(self.section_model.index(row, column))


# --- the form ---------------------------------------------------------------------------------------------------


class FieldEdit(QLineEdit):
    """A field of the sheet (date, place, estimated impact…): saved when the person leaves it or presses Enter."""

    def __init__(self, form: SheetForm, name: str, placeholder: str = "") -> None:
        super().__init__()
        self.form = form
        self.name = name
        self.stored = ""
        self.setPlaceholderText(placeholder)
        self.setAccessibleName(ws.FIELD_LABELS[name])
        self.editingFinished.connect(self.commit)

    def show_value(self, text: str) -> None:
        self.stored = text
        if not self.hasFocus() or not self.isModified():
            self.setText(text)
            self.setModified(False)

    def commit(self) -> bool:
        if self.text().strip() == self.stored.strip():
            return True
        if not self.form.set_field(self.name, self.text()):
            return False  # the text stays, to be corrected
        self.setModified(False)
        self.form.refresh()  # shows the value as saved (« 50-60 % » → « 50–60 % »)
        return True


def form_style(point_size: float) -> str:
    """Type sizes of the form: body, title, section titles (the same proportions in the window and projected)."""
    return (f"* {{ font-size: {point_size:.1f}pt; }}\n"
            f"QLabel#formTitle {{ font-size: {point_size * 1.6:.1f}pt; font-weight: bold; }}\n"
            f"QLabel#sectionTitle {{ font-size: {point_size * 1.25:.1f}pt; font-weight: bold; }}\n"
            "QLabel#strong { font-weight: bold; }\n"
            f"QLabel#gap {{ font-size: {point_size * (0.75 if point_size > 14 else 1):.1f}pt; }}\n"
            f"QLabel#muted {{ color: {MUTED}; }}\n")


def section_heading(text: str, point_size: float, hint: str = "") -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, int(point_size * 0.8), 0, 0)
    layout.setSpacing(0)
    title = QLabel(text)
    title.setTextFormat(Qt.TextFormat.PlainText)
    title.setObjectName("sectionTitle")
    title.setWordWrap(True)
    layout.addWidget(title)
    if hint:
        note = QLabel(hint)
        note.setTextFormat(Qt.TextFormat.PlainText)
        note.setObjectName("muted")
        note.setWordWrap(True)
        layout.addWidget(note)
    return box


class SheetForm(QWidget):
    """One workshop sheet, every section editable; `point_size` sets the type (10 in the window, 20+ projected)."""

    sheet_changed = Signal()  # the sheet shown changed, or its data

    def __init__(self, host, *, point_size: float = 10.0, projected: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.host = host
        self.point_size = point_size
        self.projected = projected
        self.document: ProjectDocument | None = None
        self.sheet_id: str | None = None
        self.sheet: ws.WorkshopSheet | None = None
        # Sizes through a style sheet: with the application's style sheet, Qt does not pass a parent's font down.
        self.setStyleSheet(form_style(point_size))
        self._just_added: dict[str, str] = {}
        self.models: dict[str, SectionModel] = {}
        self.tables: dict[str, LineTable] = {}
        for section in ws.SECTIONS:
            model = SectionModel(self, section)
            self.models[section] = model
            self.tables[section] = LineTable(model, ws.SECTIONS[section].label)
        self.setObjectName("sheetForm")
        self._build()

    # -- building ------------------------------------------------------------------------------------------------

    def _build(self) -> None:
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setWordWrap(True)
        self.title.setObjectName("formTitle")
        self.subtitle = QLabel()
        self.subtitle.setTextFormat(Qt.TextFormat.PlainText)
        self.subtitle.setObjectName("muted")
        self.subtitle.setWordWrap(True)
        self.fields = {
            "number": FieldEdit(self, "number", "1"),
            "date": FieldEdit(self, "date", "jj/mm/aaaa"),
            "title": FieldEdit(self, "title", "Comprendre et mesurer les impacts sur les métiers"),
            "place": FieldEdit(self, "place", "Salle du conseil"),
            "facilitator": FieldEdit(self, "facilitator", "Une fonction, jamais un nom (ex. DGS)"),
            "impact": FieldEdit(self, "impact", "ex. 50 % ou 50-60 %"),
        }
        self.fields["number"].setMaximumWidth(int(self.point_size * 6))
        self.fields["date"].setMaximumWidth(int(self.point_size * 12))
        self.fields["impact"].setMaximumWidth(int(self.point_size * 10))

        spacing = int(self.point_size * 0.6)
        self._build_head(spacing)
        self._build_body(spacing)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)
        outer.setSpacing(spacing)
        outer.addWidget(self.head)
        self.body_area: QScrollArea | None = None
        if self.projected:  # the job, its exposure and the estimate stay in view; the lists scroll below
            self.body_area = QScrollArea()
            self.body_area.setWidgetResizable(True)
            self.body_area.setFrameShape(QFrame.Shape.NoFrame)
            self.body_area.setWidget(self.body)
            outer.addWidget(self.body_area, 1)
        else:
            outer.addWidget(self.body, 1)
        order = [*(self.fields[n] for n in ("number", "date", "title", "place", "facilitator", "impact")),
                 *(self.tables[s] for s in ("participants", "activities", "know_how_2025", "know_how_2035",
                                            "soft_skills_2025", "soft_skills_2035", "needs", "effects", "risks",
                                            "opportunities", "indicators", "proposals")),
                 self.propose_button, self.apply_button]
        for first, second in pairwise(order):
            QWidget.setTabOrder(first, second)

    def _build_head(self, spacing: int) -> None:
        self.head = QWidget()
        head = QVBoxLayout(self.head)
        head.setContentsMargins(0, 0, 0, 0)
        head.setSpacing(spacing)
        if self.projected:  # one line: every pixel of a 720-line projector counts
            title_row = QHBoxLayout()
            title_row.addWidget(self.title)
            title_row.addWidget(self.subtitle, 1, Qt.AlignmentFlag.AlignBottom)
            self.title.setWordWrap(False)
            head.addLayout(title_row)
        else:
            head.addWidget(self.title)
            head.addWidget(self.subtitle)
        head.addWidget(self._fields_grid())
        head.addWidget(self._impact_panel())

    def _build_body(self, spacing: int) -> None:
        self.body = QWidget()
        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(0, 0, 8, 8)
        layout.setSpacing(spacing)
        self._add_section(layout, "participants")
        self._add_section(layout, "activities", extra=self._refresh_button())
        layout.addWidget(self._pair("know_how_2025", "know_how_2035"))
        layout.addWidget(self._pair("soft_skills_2025", "soft_skills_2035"))
        self._add_section(layout, "needs")
        self._add_section(layout, "effects")
        layout.addWidget(self._pair("risks", "opportunities"))
        self._add_section(layout, "indicators")
        self._add_section(layout, "proposals", extra=self._proposal_buttons())
        layout.addStretch(1)

    def _fields_grid(self) -> QWidget:
        box = QWidget()
        grid = QGridLayout(box)
        grid.setContentsMargins(0, 0, 0, 0)
        if self.projected:  # projected: the title and the place are in the header, the rest on one line
            box.hide()
        labels = {"number": "N° d'atelier :", "date": "Date :", "title": "Intitulé :", "place": "Lieu :",
                  "facilitator": "Animation :"}
        placement = {"number": (0, 0), "date": (0, 2), "facilitator": (0, 4), "title": (1, 0), "place": (2, 0)}
        for name, (row, column) in placement.items():
            label = QLabel(labels[name])
            label.setBuddy(self.fields[name])
            grid.addWidget(label, row, column)
            span = 1 if row == 0 else 5
            grid.addWidget(self.fields[name], row, column + 1, 1, span)
        grid.setColumnStretch(5, 1)
        return box

    def _impact_panel(self) -> QWidget:
        panel = QFrame()
        panel.setFrameShape(QFrame.Shape.StyledPanel)
        panel.setObjectName("impactPanel")
        label = QLabel("Estimé par le groupe :" if self.projected else "Impact estimé par le groupe :")
        label.setBuddy(self.fields["impact"])
        label.setObjectName("strong")
        self.computed = QLabel()
        self.computed.setObjectName("strong")
        self.band_chip = QLabel()
        self.band_chip.setMargin(int(self.point_size * 0.3))
        self.retained_note = QLabel()
        self.retained_note.setObjectName("muted")
        self.gap = QLabel()
        self.gap.setObjectName("gap")
        self.gap.setWordWrap(True)
        self.gap.setTextFormat(Qt.TextFormat.PlainText)
        self.gap.setAccessibleName("Écart entre l'estimation du groupe et le score calculé")
        row = QHBoxLayout()
        row.addWidget(label)
        row.addWidget(self.fields["impact"])
        row.addSpacing(int(self.point_size * 2))
        row.addWidget(self.computed)
        row.addWidget(self.band_chip)
        row.addWidget(self.retained_note)
        row.addStretch(1)
        column = QVBoxLayout(panel)
        column.addLayout(row)
        column.addWidget(self.gap)
        return panel

    def _add_section(self, layout: QVBoxLayout, section: str, extra: QWidget | None = None) -> None:
        spec = ws.SECTIONS[section]
        head = section_heading(spec.label, self.point_size, "" if self.projected else spec.hint)
        if extra is not None:
            row = QHBoxLayout()
            row.addWidget(head, 1)
            row.addWidget(extra, 0, Qt.AlignmentFlag.AlignBottom)
            layout.addLayout(row)
        else:
            layout.addWidget(head)
        layout.addWidget(self.tables[section])

    def _pair(self, left: str, right: str) -> QWidget:
        """Two lists side by side: 2025 | 2035, or risks | opportunities."""
        box = QWidget()
        grid = QGridLayout(box)
        grid.setContentsMargins(0, 0, 0, 0)
        for column, section in enumerate((left, right)):
            grid.addWidget(section_heading(ws.SECTIONS[section].label, self.point_size), 0, column)
            grid.addWidget(self.tables[section], 1, column, Qt.AlignmentFlag.AlignTop)
            grid.setColumnStretch(column, 1)
        return box

    def _refresh_button(self) -> QWidget:
        self.refresh_button = QPushButton("Mettre à jour les activités 2025")
        self.refresh_button.setToolTip("Reprendre les activités et les scores du métier avec les décisions actuelles "
                                       "de la commune ; ce que le groupe a écrit est gardé.")
        self.refresh_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.refresh_button.clicked.connect(self.refresh_activities)
        return self.refresh_button

    def _proposal_buttons(self) -> QWidget:
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        self.propose_button = QPushButton("Proposer une décision…")
        self.propose_button.clicked.connect(self.propose)
        self.apply_button = QPushButton("Appliquer à la cartographie")
        self.apply_button.setToolTip("Enregistrer les décisions proposées comme décisions de la commune, avec "
                                     "l'atelier pour raison (Ctrl+Z pour annuler).")
        self.apply_button.clicked.connect(self.apply_proposals)
        row.addWidget(self.propose_button)
        row.addWidget(self.apply_button)
        return box

    # -- showing ---------------------------------------------------------------------------------------------------

    def set_document(self, document: ProjectDocument | None) -> None:
        self.document = document
        self.show_sheet(None)

    def show_sheet(self, sheet_id: str | None) -> None:
        if sheet_id != self.sheet_id:
            self.commit_pending()
            self.sheet_id = sheet_id
            for model in self.models.values():
                model.beginResetModel()
                model.lines, model.ghost = [], (0 if model.add_field else -1)
                model.endResetModel()
        self.refresh()

    def current_sheet(self) -> ws.WorkshopSheet | None:
        if self.document is None or self.sheet_id is None:
            return None
        return next((s for s in self.document.project.workshops if s.id == self.sheet_id), None)

    def job_label(self, sheet: ws.WorkshopSheet) -> str:
        job = self.document.ref.jobs.get(sheet.job) if self.document else None
        return job.label if job else sheet.job

    def comparison(self, sheet: ws.WorkshopSheet) -> ws.ImpactComparison | None:
        document = self.document
        if document is None:
            return None
        result = document.results().get(sheet.job) or ws.job_result(document.project, document.ref, sheet.job,
                                                                    document.index)
        return ws.compare_impact(sheet.impact, result) if result else None

    def refresh(self) -> None:
        """Redraw from the project (after an edit, undo or redo)."""
        sheet = self.current_sheet()
        self.sheet = sheet
        self.setEnabled(sheet is not None)
        if sheet is None:
            self.title.setText("")
            self.subtitle.setText("")
            for model in self.models.values():
                model.set_lines(())
            return
        self.title.setText(self.job_label(sheet))
        where = ", ".join(part for part in (sheet.place, f"animation : {sheet.facilitator}"
                                            if sheet.facilitator else "") if part)
        parts = (ws.workshop_label(sheet),) if self.projected else (ws.workshop_label(sheet), sheet.title, where)
        self.subtitle.setText(" · ".join(p for p in parts if p))
        values = {"number": str(sheet.number), "date": format_date(sheet.date) if sheet.date else "",
                  "title": sheet.title, "place": sheet.place, "facilitator": sheet.facilitator,
                  "impact": sheet.impact.text if sheet.impact else ""}
        for name, value in values.items():
            self.fields[name].show_value(value)
        for section, model in self.models.items():
            lines = sheet.lines(section)
            model.set_lines(lines, model.ghost_after_refresh(lines, self._just_added.pop(section, None)))
        self._show_comparison(sheet)
        self.apply_button.setEnabled(any(not self.proposal_applied(p) for p in sheet.proposals))
        self.propose_button.setEnabled(any(a.activity for a in sheet.activities))
        self.sheet_changed.emit()

    def _show_comparison(self, sheet: ws.WorkshopSheet) -> None:
        comparison = self.comparison(sheet)
        if comparison is None:
            self.computed.setText("Score calculé indisponible (métier absent du référentiel)")
            self.band_chip.hide()
            self.retained_note.setText("")
            self.gap.setText("")
            return
        band: Band = comparison.band
        name = "Calculé (OIT)" if self.projected else "Score calculé"
        self.computed.setText(f"{name} : {comparison.score}{NNBSP}%")
        self.band_chip.show()
        self.band_chip.setText(f" {band_words(band)} ")
        self.band_chip.setStyleSheet(f"background: {BAND_COLOURS[band]}; color: {BAND_TEXT_COLOURS[band]};"
                                     " border-radius: 3px; font-weight: bold;")
        retained = "retenu" if self.projected else "score retenu"
        self.retained_note.setText(f"{retained} : {comparison.retained}{NNBSP}%" if comparison.has_retained
                                   else "")
        self.gap.setText(comparison.sentence)
        self.gap.setProperty("differs", comparison.differs)
        self.gap.setStyleSheet(f"color: {ACCENT};" if comparison.differs else "")

    def proposal_applied(self, proposal: ws.Line | None) -> bool:
        if not isinstance(proposal, ws.Proposal) or self.document is None or self.sheet is None:
            return False
        return ws.proposal_applied(self.document.project, self.sheet, proposal)

    # -- edits -----------------------------------------------------------------------------------------------------

    def show_error(self, message: str) -> None:
        errors.show_error(self.window(), message)

    def _run(self, build: Callable[[], Command | None]) -> bool:
        """Build a command with a validating factory and execute it; an EditError is shown in French."""
        if self.document is None or self.sheet_id is None:
            return False
        try:
            command = build()
        except EditError as exc:
            self.show_error(str(exc))
            return False
        if command is None:
            return False
        return self.document.execute(command)

    def set_field(self, name: str, value: Any) -> bool:
        """Save a field; False (and the French reason shown) when the value cannot be taken."""
        document, sheet_id = self.document, self.sheet_id
        if document is None or sheet_id is None:
            return False
        try:
            current = getattr(ws.find_sheet(document.project, sheet_id), name)
            command = ws.set_field(document.project, sheet_id, name, value)
        except EditError as exc:
            self.show_error(str(exc))
            return False
        if command.value == current:
            return True  # the same value written differently (« 50% » for « 50 % »)
        return document.execute(command)

    def add_line(self, section: str, position: int, values: dict[str, Any]) -> bool:
        document, sheet_id = self.document, self.sheet_id

        def build() -> Command:
            command = ws.add_line(document.project, sheet_id, section, position=position, **values)
            self._just_added[section] = command.line.id  # the « + » row then follows the new line
            return command

        done = self._run(build)
        self._just_added.pop(section, None)
        return done

    def edit_line(self, section: str, line: ws.Line, name: str, value: Any) -> bool:
        document, sheet_id = self.document, self.sheet_id
        if name == "applied":
            return False

        def build() -> Command | None:
            command = ws.edit_line(document.project, sheet_id, section, line.id, **{name: value})
            return None if command.line == line else command

        return self._run(build)

    def remove_line(self, section: str, line: ws.Line, row: int) -> bool:
        document, sheet_id = self.document, self.sheet_id
        done = self._run(lambda: ws.remove_line(document.project, sheet_id, section, line.id))
        if done:
            table, model = self.tables[section], self.models[section]
            row = min(row, model.rowCount() - 1)
            if row >= 0:
                table.setCurrentIndex(model.index(row, table.currentIndex().column() if table.currentIndex().isValid()
                                                  else 0))
        return done

    def move_line(self, section: str, line: ws.Line, step: int) -> bool:
        document, sheet_id = self.document, self.sheet_id
        sheet = self.sheet
        if sheet is None:
            return False
        position = next(i for i, other in enumerate(sheet.lines(section)) if other.id == line.id) + step
        if not 0 <= position < len(sheet.lines(section)):
            return False
        column = self.tables[section].currentIndex().column()
        done = self._run(lambda: ws.move_line(document.project, sheet_id, section, line.id, position))
        if done:
            self.tables[section].select_line(line.id, max(column, 0))
        return done

    def refresh_activities(self) -> bool:
        document, sheet_id = self.document, self.sheet_id

        def build() -> Command | None:
            batch = ws.refresh_activities(document.project, document.ref, sheet_id)
            if not batch.commands:
                self.host_message("Les activités 2025 de la fiche sont déjà à jour.")
                return None
            return batch

        return self._run(build)

    def apply_proposals(self) -> bool:
        document, sheet_id = self.document, self.sheet_id
        author = getattr(getattr(self.host, "settings", None), "author", "")
        done = self._run(lambda: ws.apply_proposals(document.ref, document.project, sheet_id, author=author))
        if done:
            self.host_message("Décisions appliquées à la cartographie : Ctrl+Z pour annuler.")
        return done

    def propose(self) -> bool:
        from cartographie_desktop.gui import dialogs
        from cartographie_desktop.gui.workshop_dialogs import ProposalDialog

        if self.document is None or self.sheet is None:
            return False
        dialog = ProposalDialog(self, self.document, self.sheet, self.host.settings)
        if dialogs.exec_dialog(dialog) and dialog.command is not None:
            return self.document.execute(dialog.command)
        return False

    def host_message(self, text: str) -> None:
        show = getattr(self.host, "status_message", None)
        if show is not None:
            show(text)

    def commit_pending(self) -> bool:
        """Save what is being typed (a cell, a field); False when a field holds a value that cannot be saved."""
        ok = True
        for table in self.tables.values():
            table.commit_pending()
        if self.sheet_id is not None and self.document is not None:
            for field in self.fields.values():
                if field.text().strip() != field.stored.strip():
                    ok = field.commit() and ok
        return ok

    def counts_text(self) -> str:
        sheet = self.sheet
        if sheet is None:
            return ""
        counts = ws.section_counts(sheet)
        return (f"{plural(counts['participants'], 'participant')} · {plural(counts['activities_2035'], 'activité')} "
                f"discutée(s) sur {counts['activities']} · {plural(counts['needs'], 'besoin')}")


class FollowFocus(QObject):
    """Keeps the widget with the keyboard focus (and a table's current line) visible in a scroll area."""

    def __init__(self, area: QScrollArea, form: SheetForm) -> None:
        super().__init__(area)
        self.area = area
        self.form = form
        QApplication.instance().focusChanged.connect(self._focus_changed)
        for table in form.tables.values():
            table.selectionModel().currentChanged.connect(self._current_changed)

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if new is not None and self.area.widget().isAncestorOf(new):
            self.area.ensureWidgetVisible(new, 20, int(self.form.point_size * 3))

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        table = next((t for t in self.form.tables.values() if t.selectionModel() is self.sender()), None)
        if table is None or not current.isValid():
            return
        rect = table.visualRect(current)
        centre = table.viewport().mapTo(self.area.widget(), rect.center())
        self.area.ensureVisible(centre.x(), centre.y(), 20, rect.height() // 2 + int(self.form.point_size * 3))
