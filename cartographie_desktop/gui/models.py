"""Qt table models over the project: jobs (Métiers), posts (Agents / postes), a job's activities, decisions, and the
référentiel (to choose a job). Text through DisplayRole, colour through BackgroundRole/ForegroundRole (from
`core.palette` only), raw sort keys through SORT_ROLE; filters live in the proxy models.

The posts model may hold 100 000 rows: it sorts itself with Python's sort over precomputed keys (a proxy calling
`data()` for each of the n·log n comparisons would take seconds) and its proxy only filters.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont

from cartographie_desktop.core.model import (
    FILIERES,
    STATUSES,
    Decision,
    DecisionKind,
    MatchStatus,
    Post,
)
from cartographie_desktop.core.palette import BAND_COLOURS, BAND_TEXT_COLOURS, MUTED
from cartographie_desktop.core.referentiel import Job
from cartographie_desktop.core.scoring import ActivityResult, Band, JobResult
from cartographie_desktop.core.text import (
    fold,
    format_date,
    format_datetime,
    format_fte,
    format_number,
    format_score,
)
from cartographie_desktop.gui.document import JobPosts, ProjectDocument

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
BAND_ROLE = Qt.ItemDataRole.UserRole + 2  # band id (str) or None
KEY_ROLE = Qt.ItemDataRole.UserRole + 3  # job code, post id, activity id, decision key

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
CENTER = Qt.AlignmentFlag.AlignCenter

Index = QModelIndex | QPersistentModelIndex
_INVALID = QModelIndex()


def band_words(band: Band | None) -> str:
    """« Très concerné »: the band in words, so colour is never the only signal."""
    if band is None:
        return ""
    return band.label[:1].upper() + band.label[1:]


def filiere_label(value: str) -> str:
    return FILIERES.get(value, value)


_BRUSHES: dict[str, QBrush] = {}


def brush(colour: str) -> QBrush:
    if colour not in _BRUSHES:
        _BRUSHES[colour] = QBrush(QColor(colour))
    return _BRUSHES[colour]


def band_background(band: Band | None) -> QBrush | None:
    return brush(BAND_COLOURS[band]) if band is not None else None


def band_foreground(band: Band | None) -> QBrush | None:
    return brush(BAND_TEXT_COLOURS[band]) if band is not None else None


@dataclass(frozen=True, slots=True)
class Column:
    title: str
    tip: str = ""
    align: Qt.AlignmentFlag = LEFT


class _TableModel(QAbstractTableModel):
    COLUMNS: Sequence[Column] = ()

    def columnCount(self, parent: Index = _INVALID) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.COLUMNS):
            return None
        column = self.COLUMNS[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.title
        if role == Qt.ItemDataRole.ToolTipRole:
            return column.tip or None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return column.align
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def refresh_all(self) -> None:
        """Every cell may have changed, but not the rows: keeps selection and sort."""
        rows, cols = self.rowCount(), self.columnCount()
        if rows and cols:
            self.dataChanged.emit(self.index(0, 0), self.index(rows - 1, cols - 1))


# --- Métiers ------------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class JobRow:
    code: str
    label: str
    result: JobResult
    posts: JobPosts
    filieres: tuple[str, ...]
    categories: tuple[str, ...]
    decisions: int
    label_key: str


def _by_count(counts: dict[str, int]) -> tuple[str, ...]:
    return tuple(k for k, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


class JobTableModel(_TableModel):
    LABEL, FILIERE, CATEGORIE, AGENTS, FTE, SCORE, SD, BAND, ILO, RETAINED, DECISIONS = range(11)
    COLUMNS = (
        Column("Métier"),
        Column("Filière", "Filières des agents qui l'exercent (à défaut, celles du référentiel)"),
        Column("Cat.", "Catégories des agents qui l'exercent (à défaut, celles du référentiel)", CENTER),
        Column("Agents", "Nombre d'agents de la commune qui exercent ce métier", RIGHT),
        Column("ETP", "Équivalents temps plein", RIGHT),
        Column("Score", "Exposition technique : moyenne des scores OIT des activités exercées (0 à 1)", RIGHT),
        Column("Écart type", "Dispersion des scores des activités du métier", RIGHT),
        Column("Bande", "Bande d'exposition de l'INET"),
        Column("Catégorie OIT", "Catégorie de l'OIT calculée à partir de la moyenne et de l'écart type"),
        Column("Exposition retenue", "Score après les activités conservées humaines par choix de la collectivité"),
        Column("Décisions", "Décisions de la commune sur les activités de ce métier", RIGHT),
    )

    def __init__(self, document: ProjectDocument | None = None) -> None:
        super().__init__()
        self._document: ProjectDocument | None = None
        self._rows: list[JobRow] = []
        self._direction: str | None = None
        self._bold = QFont()
        self._bold.setBold(True)
        if document is not None:
            self.set_document(document)

    def set_document(self, document: ProjectDocument | None) -> None:
        self.beginResetModel()
        self._document = document
        self._rows = self._build()
        self.endResetModel()

    def _build(self) -> list[JobRow]:
        document = self._document
        if document is None:
            return []
        results, posts = document.results(), document.job_posts()
        decisions: dict[str, int] = {}
        for decision in document.project.decisions.values():
            decisions[decision.job] = decisions.get(decision.job, 0) + 1
        rows = []
        for code, result in results.items():
            job = document.ref.jobs[code]
            held = posts.get(code, JobPosts())
            rows.append(JobRow(
                code=code, label=result.label, result=result, posts=held,
                filieres=_by_count(held.filieres) or job.filieres,
                categories=tuple(sorted(held.categories)) or job.categories,
                decisions=decisions.get(code, 0), label_key=fold(result.label),
            ))
        rows.sort(key=lambda r: r.label_key)
        return rows

    def update(self) -> None:
        """After an edit: same jobs → refresh in place (selection kept); otherwise reset."""
        rows = self._build()
        if [r.code for r in rows] == [r.code for r in self._rows]:
            self._rows = rows
            self.refresh_all()
        else:
            self.beginResetModel()
            self._rows = rows
            self.endResetModel()

    def set_direction(self, direction: str | None) -> None:
        """Count only the agents of one direction (the direction filter)."""
        self._direction = direction
        if self._rows:
            self.dataChanged.emit(self.index(0, self.AGENTS), self.index(len(self._rows) - 1, self.FTE))

    def row(self, row: int) -> JobRow:
        return self._rows[row]

    def rows(self) -> list[JobRow]:
        return list(self._rows)

    def rowCount(self, parent: Index = _INVALID) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def _counts(self, row: JobRow) -> tuple[int, float]:
        if self._direction is None:
            return row.posts.agents, row.posts.fte
        return row.posts.directions.get(self._direction, (0, 0.0))

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row, col = self._rows[index.row()], index.column()
        tech, kept = row.result.technical, row.result.retained
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, col)
        if role == SORT_ROLE:
            return self._sort_key(row, col)
        if role == Qt.ItemDataRole.BackgroundRole:
            return band_background(tech.band)
        if role == Qt.ItemDataRole.ForegroundRole:
            return band_foreground(tech.band)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self.COLUMNS[col].align
        if role == Qt.ItemDataRole.FontRole and col == self.LABEL:
            return self._bold
        if role == BAND_ROLE:
            return tech.band.value
        if role == KEY_ROLE:
            return row.code
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = (f"{row.label} : score {format_score(tech.mean)} ({band_words(tech.band).lower()}), "
                   f"{len(row.result.active_activities)} activités exercées")
            if row.result.has_retained:
                tip += f"\nExposition retenue par la commune : {format_score(kept.mean)} ({kept.band.label})"
            return tip + "\nDouble-cliquez ou appuyez sur Entrée pour voir le détail."
        return None

    def _display(self, row: JobRow, col: int) -> str:
        tech, kept = row.result.technical, row.result.retained
        if col == self.LABEL:
            return row.label
        if col == self.FILIERE:
            return ", ".join(filiere_label(f) for f in row.filieres)
        if col == self.CATEGORIE:
            return ", ".join(row.categories)
        if col == self.AGENTS:
            return format_number(self._counts(row)[0])
        if col == self.FTE:
            return format_fte(self._counts(row)[1])
        if col == self.SCORE:
            return format_score(tech.mean)
        if col == self.SD:
            return format_score(tech.sd)
        if col == self.BAND:
            return band_words(tech.band)
        if col == self.ILO:
            return tech.ilo_category_label
        if col == self.RETAINED:
            return f"{format_score(kept.mean)} – {kept.band.label}" if row.result.has_retained else ""
        if col == self.DECISIONS:
            return format_number(row.decisions) if row.decisions else ""
        return ""

    def _sort_key(self, row: JobRow, col: int) -> Any:
        """Raw values (numbers as numbers, text folded); called for every comparison, so kept cheap."""
        tech = row.result.technical
        if col == self.LABEL:
            return row.label_key
        if col == self.SCORE:
            return tech.mean
        if col == self.SD:
            return tech.sd
        if col == self.AGENTS:
            return float(self._counts(row)[0])
        if col == self.FTE:
            return float(self._counts(row)[1])
        if col == self.BAND:
            return float(tech.band.rank)
        if col == self.RETAINED:
            return row.result.retained.mean if row.result.has_retained else -1.0
        if col == self.DECISIONS:
            return float(row.decisions)
        if col == self.CATEGORIE:
            return self._display(row, col)
        return fold(self._display(row, col))  # filière, catégorie OIT (fold is memoised)


class JobFilterProxy(QSortFilterProxyModel):
    """Search text, band, filière, catégorie and direction filters over the job table."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(True)
        self._text = ""
        self._bands: frozenset[str] = frozenset()
        self._filiere: str | None = None
        self._categorie: str | None = None
        self._direction: str | None = None

    def set_filters(self, *, text: str | None = None, bands: Sequence[str] | None = None,
                    filiere: str | bool | None = False, categorie: str | bool | None = False,
                    direction: str | bool | None = False) -> None:
        """Change some filters (arguments left out keep their value; `None` clears one)."""
        self.beginFilterChange()
        if text is not None:
            self._text = fold(text)
        if bands is not None:
            self._bands = frozenset(bands)
        if filiere is not False:
            self._filiere = filiere or None
        if categorie is not False:
            self._categorie = categorie or None
        if direction is not False:
            self._direction = direction or None
            model = self.sourceModel()
            if isinstance(model, JobTableModel):
                model.set_direction(self._direction)
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        model = self.sourceModel()
        if not isinstance(model, JobTableModel):
            return True
        row = model.row(source_row)
        if self._text and self._text not in row.label_key and self._text not in fold(row.code):
            return False
        if self._bands and row.result.technical.band.value not in self._bands:
            return False
        if self._filiere and self._filiere not in row.filieres:
            return False
        if self._categorie and self._categorie not in row.categories:
            return False
        return not (self._direction and self._direction not in row.posts.directions)


# --- Agents / postes ------------------------------------------------------------------------------------------------

ASSIGNED = "affecte"  # a post assigned individually (post_jobs), as a filter value beside the MatchStatus values
NO_MATCH = "aucune"


@dataclass(slots=True)
class _PostFacts:
    """What the posts view derives from the project for every post, computed once per change (not per cell)."""

    codes: list[str | None]
    labels: list[str]
    label_keys: list[str]
    states: list[str]
    bands: list[Band | None]
    haystacks: list[str]


class PostTableModel(_TableModel):
    """The posts, sorted and filtered here: on 100 000 rows a proxy calling Python for every row and every
    comparison takes seconds; list operations over precomputed facts take milliseconds. `PostFilterProxy` stays in
    front (as for every table) and forwards its sort and filter calls.
    """

    TITLE, JOB, MATCH, BAND, GRADE, CATEGORIE, FILIERE, DIRECTION, STATUS, SEXE, FTE, SOURCE = range(12)
    COLUMNS = (
        Column("Intitulé du poste", "Tel qu'écrit dans le tableau des effectifs"),
        Column("Métier retenu", "Métier du référentiel auquel le poste est rattaché"),
        Column("Correspondance", "Comment le métier a été trouvé (automatique, confirmé, à vérifier)"),
        Column("Bande", "Bande d'exposition du métier"),
        Column("Grade"),
        Column("Cat.", "Catégorie", CENTER),
        Column("Filière"),
        Column("Direction / service"),
        Column("Statut"),
        Column("Sexe", "", CENTER),
        Column("ETP", "Équivalent temps plein", RIGHT),
        Column("Origine", "Ligne du tableau des effectifs"),
    )
    STATE_ORDER: ClassVar[dict[str, int]] = {NO_MATCH: 0, MatchStatus.TO_CHECK.value: 1, MatchStatus.AUTO.value: 2,
                                             MatchStatus.CONFIRMED.value: 3, ASSIGNED: 4}

    def __init__(self, document: ProjectDocument | None = None) -> None:
        super().__init__()
        self._document: ProjectDocument | None = None
        self._posts: list[Post] = []
        self._sorted: list[int] = []  # every post index, in the current sort order
        self._order: list[int] = []  # the rows shown: `_sorted` through the filters
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self._filters: dict[str, Any] = {"text": "", "states": frozenset(), "direction": None, "bands": frozenset()}
        self._facts: _PostFacts | None = None
        self._keys: dict[int, list[Any]] = {}
        self._folded: dict[str, str] = {}
        self._bold = QFont()
        self._bold.setBold(True)
        if document is not None:
            self.set_document(document)

    def set_document(self, document: ProjectDocument | None) -> None:
        self.beginResetModel()
        self._document = document
        self._posts = list(document.project.posts) if document else []
        self._sorted = list(range(len(self._posts)))
        self._facts = None
        self._sort = None
        self._order = self._filtered(self._sorted)
        self.endResetModel()

    def update(self) -> None:
        """After an edit: the posts are the same; their job, match or band may have changed (so may sort and filter)."""
        self._facts = None
        order = self._filtered(self._sorted)
        if self._sort is not None:
            self.sort(*self._sort)
        elif order != self._order:
            self.beginResetModel()
            self._order = order
            self.endResetModel()
        self.refresh_all()

    def rowCount(self, parent: Index = _INVALID) -> int:
        return 0 if parent.isValid() else len(self._order)

    def post(self, row: int) -> Post:
        return self._posts[self._order[row]]

    # -- derived values -------------------------------------------------------------------------------------------

    def _fold(self, text: str) -> str:
        folded = self._folded.get(text)
        if folded is None:
            folded = self._folded[text] = fold(text)
        return folded

    def facts(self) -> _PostFacts:
        if self._facts is None:
            self._facts = self._compute_facts()
            self._keys = {}
        return self._facts

    def _compute_facts(self) -> _PostFacts:
        document = self._document
        assert document is not None
        project, jobs, results = document.project, document.ref.jobs, document.results()
        by_code: dict[str | None, tuple[str, str, Band | None]] = {None: ("", "", None)}
        for code in {*project.post_jobs.values(), *(m.job_code for m in project.matches.values())}:
            if code is None:
                continue
            job, result = jobs.get(code), results.get(code)
            label = job.label if job else f"{code} (inconnu du référentiel)"
            by_code[code] = (label, self._fold(label), result.technical.band if result else None)
        states_of = {key: (m.status.value if m.job_code else MatchStatus.TO_CHECK.value)
                     for key, m in project.matches.items()}
        codes, labels, keys, states, bands, haystacks = [], [], [], [], [], []
        post_jobs, matches, folded = project.post_jobs, project.matches, self._fold
        for post in self._posts:
            title_key = folded(post.title)
            assigned = post_jobs.get(post.id)
            match = matches.get(title_key)
            code = assigned or (match.job_code if match else None)
            state = ASSIGNED if assigned else states_of.get(title_key, NO_MATCH)
            label, label_key, band = by_code[code]
            codes.append(code)
            labels.append(label)
            keys.append(label_key)
            states.append(state)
            bands.append(band)
            haystacks.append(f"{title_key} {label_key} {folded(post.grade)} {folded(post.direction)}")
        return _PostFacts(codes, labels, keys, states, bands, haystacks)

    def match_state(self, post: Post) -> str:
        assert self._document is not None
        project = self._document.project
        if post.id in project.post_jobs:
            return ASSIGNED
        match = project.matches.get(post.title_key)
        if match is None:
            return NO_MATCH
        return match.status.value if match.job_code else MatchStatus.TO_CHECK.value

    def _match_text(self, state: str, post: Post) -> str:
        if state == ASSIGNED:
            return "Affecté à ce poste"
        if state == NO_MATCH:
            return "⚠ Sans correspondance"
        if state == MatchStatus.TO_CHECK.value:
            return "⚠ À vérifier"
        match = self._document.project.matches[post.title_key]  # type: ignore[union-attr]
        if state == MatchStatus.AUTO.value and match.confidence < 1.0:
            return f"Automatique ({format_number(match.confidence * 100)} %)"
        return MatchStatus(state).label

    def _display(self, i: int, col: int) -> str:
        post, facts = self._posts[i], self.facts()
        if col == self.TITLE:
            return post.title
        if col == self.JOB:
            return facts.labels[i]
        if col == self.MATCH:
            return self._match_text(facts.states[i], post)
        if col == self.BAND:
            return band_words(facts.bands[i])
        if col == self.GRADE:
            return post.grade
        if col == self.CATEGORIE:
            return post.categorie
        if col == self.FILIERE:
            return filiere_label(post.filiere)
        if col == self.DIRECTION:
            return post.direction
        if col == self.STATUS:
            return STATUSES.get(post.status, post.status)
        if col == self.SEXE:
            return post.sexe
        if col == self.FTE:
            return format_fte(post.fte)
        if col == self.SOURCE:
            return post.source
        return ""

    def sort_keys(self, col: int) -> list[Any]:
        """One sort key per post (by post index): numbers for numbers, folded text for text; cached per column."""
        cached = self._keys.get(col)
        if cached is None:
            cached = self._keys[col] = self._compute_keys(col)
        return cached

    def _compute_keys(self, col: int) -> list[Any]:
        facts, posts, folded = self.facts(), self._posts, self._fold
        if col == self.FTE:
            return [p.fte for p in posts]
        if col == self.SOURCE:
            return [p.id for p in posts]
        if col == self.BAND:
            return [b.rank if b is not None else -1 for b in facts.bands]
        if col == self.MATCH:
            return [self.STATE_ORDER[state] for state in facts.states]
        if col == self.JOB:
            return facts.label_keys
        if col == self.FILIERE:
            return [folded(filiere_label(p.filiere)) for p in posts]
        if col == self.STATUS:
            return [folded(STATUSES.get(p.status, p.status)) for p in posts]
        attribute = {self.TITLE: "title", self.GRADE: "grade", self.CATEGORIE: "categorie",
                     self.DIRECTION: "direction", self.SEXE: "sexe"}[col]
        return [folded(getattr(p, attribute)) for p in posts]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._order) or self._document is None:
            return None
        i, col = self._order[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(i, col)
        if role == SORT_ROLE:
            return self.sort_keys(col)[i]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self.COLUMNS[col].align
        facts = self.facts()
        if col == self.BAND and role == Qt.ItemDataRole.BackgroundRole:
            return band_background(facts.bands[i])
        if col == self.BAND and role == Qt.ItemDataRole.ForegroundRole:
            return band_foreground(facts.bands[i])
        if role == Qt.ItemDataRole.FontRole and col == self.MATCH and facts.states[i] in (
                NO_MATCH, MatchStatus.TO_CHECK.value):
            return self._bold
        if role == BAND_ROLE:
            band = facts.bands[i]
            return band.value if band else None
        if role == KEY_ROLE:
            return self._posts[i].id
        return None

    # -- sort and filter -----------------------------------------------------------------------------------------

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Reorder the rows by one column (stable, so earlier sorts break ties); selection follows its post."""
        if not 0 <= column < len(self.COLUMNS) or self._document is None:
            return
        self.layoutAboutToBeChanged.emit()
        keys = self.sort_keys(column)
        self._sorted = sorted(self._sorted, key=keys.__getitem__, reverse=order == Qt.SortOrder.DescendingOrder)
        old_order, new_order = self._order, self._filtered(self._sorted)
        persistent = self.persistentIndexList()
        if persistent:
            position = {post_index: row for row, post_index in enumerate(new_order)}
            moved = [self.index(position[old_order[i.row()]], i.column()) if old_order[i.row()] in position
                     else QModelIndex() for i in persistent]
            self._order = new_order
            self.changePersistentIndexList(persistent, moved)
        else:
            self._order = new_order
        self._sort = (column, order)
        self.layoutChanged.emit()

    def set_filters(self, *, text: str | None = None, states: Sequence[str] | None = None,
                    direction: str | bool | None = False, bands: Sequence[str] | None = None) -> None:
        """Change some filters (arguments left out keep their value; `None` clears the direction)."""
        if text is not None:
            self._filters["text"] = fold(text)
        if states is not None:
            self._filters["states"] = frozenset(states)
        if direction is not False:
            self._filters["direction"] = direction or None
        if bands is not None:
            self._filters["bands"] = frozenset(bands)
        order = self._filtered(self._sorted)
        if order != self._order:
            self.beginResetModel()
            self._order = order
            self.endResetModel()

    @property
    def filtering(self) -> bool:
        f = self._filters
        return bool(f["text"] or f["states"] or f["direction"] or f["bands"])

    def _filtered(self, indices: list[int]) -> list[int]:
        if not self.filtering or self._document is None:
            return list(indices)
        f, facts, posts = self._filters, self.facts(), self._posts
        keep = indices
        if f["direction"]:
            keep = [i for i in keep if posts[i].direction == f["direction"]]
        if f["states"]:
            keep = [i for i in keep if facts.states[i] in f["states"]]
        if f["bands"]:
            keep = [i for i in keep if facts.bands[i] is not None and facts.bands[i].value in f["bands"]]
        if f["text"]:
            text = f["text"]
            keep = [i for i in keep if text in facts.haystacks[i]]
        return keep


class PostFilterProxy(QSortFilterProxyModel):
    """In front of the posts model like every table's proxy; sorting and filtering are forwarded to the model,
    which does both over precomputed facts (fast on 100 000 rows)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setDynamicSortFilter(False)

    def _model(self) -> PostTableModel | None:
        model = self.sourceModel()
        return model if isinstance(model, PostTableModel) else None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        model = self._model()
        if model is not None:
            model.sort(column, order)

    def set_filters(self, **changes: Any) -> None:
        model = self._model()
        if model is not None:
            model.set_filters(**changes)


# --- a job's activities -----------------------------------------------------------------------------------------


def decision_words(activity: ActivityResult) -> str:
    words = [mark[:1].upper() + mark[1:] for mark in activity.decision_marks()]
    if activity.estimated and not words:
        words.append("Score estimé (aucune tâche OIT)")
    return " · ".join(words)


class ActivityTableModel(_TableModel):
    LABEL, SCORE, BAND, TASKS, DECISION = range(5)
    COLUMNS = (
        Column("Activité"),
        Column("Score", "Score d'exposition de l'activité (0 à 1)", RIGHT),
        Column("Bande", "Bande d'exposition de l'activité"),
        Column("Tâche(s) OIT", "Tâche(s) de l'OIT dont l'activité reprend le score"),
        Column("Décision", "Décision de la commune sur cette activité"),
    )

    def __init__(self, document: ProjectDocument | None = None, job_code: str | None = None) -> None:
        super().__init__()
        self._document = document
        self._code = job_code
        self._rows: tuple[ActivityResult, ...] = ()
        self._muted = brush(MUTED)
        self._struck = QFont()
        self._struck.setStrikeOut(True)
        self._italic = QFont()
        self._italic.setItalic(True)
        self._load()

    def set_job(self, document: ProjectDocument | None, job_code: str | None) -> None:
        self.beginResetModel()
        self._document, self._code = document, job_code
        self._load()
        self.endResetModel()

    def _load(self) -> None:
        self._rows = ()
        if self._document is not None and self._code:
            result = self._document.results().get(self._code)
            if result is None and self._code in self._document.ref.jobs:
                from cartographie_desktop.core.scoring import score_job

                decisions = self._document.project.decisions_for(self._code)
                result = score_job(self._document.ref.jobs[self._code], self._document.index, decisions)
            self._rows = result.activities if result else ()

    def update(self) -> None:
        ids = [a.id for a in self._rows]
        self._load()
        if [a.id for a in self._rows] == ids:
            self.refresh_all()
        else:
            self.beginResetModel()
            self.endResetModel()

    def activity(self, row: int) -> ActivityResult:
        return self._rows[row]

    def row_of(self, activity_id: str) -> int:
        return next((i for i, a in enumerate(self._rows) if a.id == activity_id), -1)

    def rowCount(self, parent: Index = _INVALID) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def task_text(self, activity: ActivityResult) -> str:
        if self._document is None or not activity.ilo_links:
            return ""
        texts = []
        for key in activity.ilo_links:
            task = self._document.ref.tasks.get(key)
            if task is not None:
                texts.append(task.text_fr or task.text_en)
        return " / ".join(t.rstrip(";.") for t in texts)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        activity, col = self._rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == self.LABEL:
                return activity.label
            if col == self.SCORE:
                return format_score(activity.score)
            if col == self.BAND:
                return band_words(activity.band)
            if col == self.TASKS:
                return self.task_text(activity)
            return decision_words(activity)
        if role == SORT_ROLE:
            return (activity.label, activity.score, float(activity.band.rank), self.task_text(activity),
                    decision_words(activity))[col]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self.COLUMNS[col].align
        if role == Qt.ItemDataRole.BackgroundRole and col in (self.SCORE, self.BAND) and activity.active:
            return band_background(activity.band)
        if role == Qt.ItemDataRole.ForegroundRole:
            if not activity.active:
                return self._muted
            if col in (self.SCORE, self.BAND):
                return band_foreground(activity.band)
            return None
        if role == Qt.ItemDataRole.FontRole:
            if not activity.active and col in (self.LABEL, self.SCORE):
                return self._struck
            if activity.custom and col == self.LABEL:
                return self._italic
            return None
        if role == Qt.ItemDataRole.ToolTipRole and col == self.TASKS:
            return self.task_text(activity).replace(" / ", "\n") or None
        if role == BAND_ROLE:
            return activity.band.value
        if role == KEY_ROLE:
            return activity.id
        return None


# --- decisions ----------------------------------------------------------------------------------------------------


SHORT_KINDS = {
    DecisionKind.EXCLUDE: "Non exercée",
    DecisionKind.OVERRIDE: "Score modifié",
    DecisionKind.KEEP_HUMAN: "Conservée humaine",
    DecisionKind.WEIGHT: "Pondération",
    DecisionKind.CUSTOM: "Activité ajoutée",
}


def decision_value(decision: Decision) -> str:
    if decision.kind in (DecisionKind.OVERRIDE, DecisionKind.CUSTOM, DecisionKind.WEIGHT):
        return format_score(decision.value)
    return ""


class DecisionTableModel(_TableModel):
    JOB, ACTIVITY, KIND, VALUE, REASON, AUTHOR, DATE = range(7)
    COLUMNS = (
        Column("Métier"),
        Column("Activité"),
        Column("Décision"),
        Column("Valeur", "Score fixé par la commune", RIGHT),
        Column("Raison"),
        Column("Auteur"),
        Column("Date"),
    )

    def __init__(self, document: ProjectDocument | None = None) -> None:
        super().__init__()
        self._document = document
        self._rows: list[Decision] = []
        self._load()

    def set_document(self, document: ProjectDocument | None) -> None:
        self.beginResetModel()
        self._document = document
        self._load()
        self.endResetModel()

    def update(self) -> None:
        self.beginResetModel()
        self._load()
        self.endResetModel()

    def _load(self) -> None:
        if self._document is None:
            self._rows = []
            return
        jobs = self._document.ref.jobs
        self._rows = sorted(self._document.project.decisions.values(), key=lambda d: (
            fold(jobs[d.job].label) if d.job in jobs else d.job, d.activity, d.kind.value))

    def decision(self, row: int) -> Decision:
        return self._rows[row]

    def rowCount(self, parent: Index = _INVALID) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def _job_label(self, decision: Decision) -> str:
        assert self._document is not None
        job: Job | None = self._document.ref.jobs.get(decision.job)
        return job.label if job else decision.job

    def _activity_label(self, decision: Decision) -> str:
        assert self._document is not None
        if decision.kind == DecisionKind.CUSTOM:
            return decision.label
        job = self._document.ref.jobs.get(decision.job)
        activity = job.activity(decision.activity) if job else None
        if activity is not None:
            return activity.label
        custom = self._document.project.decisions.get((DecisionKind.CUSTOM, decision.job, decision.activity))
        return custom.label if custom else decision.activity

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows) or self._document is None:
            return None
        decision, col = self._rows[index.row()], index.column()
        if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
            if col == self.JOB:
                text = self._job_label(decision)
            elif col == self.ACTIVITY:
                text = self._activity_label(decision)
            elif col == self.KIND:
                text = SHORT_KINDS.get(decision.kind, decision.kind.label)
            elif col == self.VALUE:
                if role == SORT_ROLE:
                    return -1.0 if decision.value is None else float(decision.value)
                text = decision_value(decision)
            elif col == self.REASON:
                text = decision.reason
            elif col == self.AUTHOR:
                text = decision.author
            else:
                if role == SORT_ROLE:
                    return decision.date
                text = format_date(decision.date) if decision.date else ""
            return fold(text) if role == SORT_ROLE else text
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self.COLUMNS[col].align
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == self.KIND:
                return decision.kind.label
            if col == self.DATE:
                return format_datetime(decision.date) if decision.date else None
            return self.data(index, Qt.ItemDataRole.DisplayRole) or None
        if role == KEY_ROLE:
            return "|".join(decision.key)
        return None


# --- the référentiel, to choose a job ---------------------------------------------------------------------------


class ReferentielModel(_TableModel):
    LABEL, FAMILY, CODE = range(3)
    COLUMNS = (Column("Métier"), Column("Famille"), Column("Code"))

    def __init__(self, document: ProjectDocument) -> None:
        super().__init__()
        self._document = document
        ref = document.ref
        self._jobs = sorted(ref, key=lambda j: fold(j.label))
        self._keys = [fold(" ".join((j.label, j.code, *j.synonyms))) for j in self._jobs]
        self._labels = [fold(j.label) for j in self._jobs]

    def job(self, row: int) -> Job:
        return self._jobs[row]

    def row_of(self, code: str) -> int:
        return next((i for i, j in enumerate(self._jobs) if j.code == code), -1)

    def search_key(self, row: int) -> str:
        return self._keys[row]

    def label_key(self, row: int) -> str:
        return self._labels[row]

    def rowCount(self, parent: Index = _INVALID) -> int:
        return 0 if parent.isValid() else len(self._jobs)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._jobs):
            return None
        job, col = self._jobs[index.row()], index.column()
        if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
            text = (job.label, self._document.ref.families.get(job.family, job.family), job.code)[col]
            return fold(text) if role == SORT_ROLE else text
        if role == Qt.ItemDataRole.ToolTipRole and job.synonyms:
            return "Aussi appelé : " + ", ".join(job.synonyms)
        if role == KEY_ROLE:
            return job.code
        return None


class ReferentielFilterProxy(QSortFilterProxyModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self._words: list[str] = []

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self._words = fold(text).split()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        self.invalidate()  # re-rank: jobs whose own name has the words come first

    def lessThan(self, left: Index, right: Index) -> bool:
        model = self.sourceModel()
        if self._words and isinstance(model, ReferentielModel) and left.column() == right.column() == 0:
            def rank(row: int) -> tuple[int, str]:
                return (0 if all(w in model.label_key(row) for w in self._words) else 1, model.label_key(row))

            return rank(left.row()) < rank(right.row())
        return super().lessThan(left, right)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        model = self.sourceModel()
        if not self._words or not isinstance(model, ReferentielModel):
            return True
        key = model.search_key(source_row)
        return all(word in key for word in self._words)

