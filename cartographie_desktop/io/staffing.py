"""The staffing-table readers: the one module the import pipeline, the CLI and the GUI wizard use.

    info = inspect(path)                        # format, sheets, the likely sheet (fast)
    table = read_table(path, info.default_sheet, max_rows=50)   # preview
    header = detect_header(table)               # index in table.rows
    guesses = guess_columns(table, header)      # one ColumnGuess per column, the user corrects them
    result = read_staffing(path, sheet=..., header_row=header, mapping={g.index: g.field for g in guesses})

Whatever the file, only `StaffingError` (one French sentence) escapes; every line of the table is accounted for in
the `ImportResult` (imported, merged or set aside with its reason); names, NIR and dates of birth are dropped unless
`keep_personal=True`, and the matricule is used to de-duplicate payroll lines, then dropped.

Decisions worth knowing:
- `REQUIRED_FIELDS = ("title", "grade")`: at least one of them must be mapped. Budget annexes list grades only; a
  line whose title is empty takes its grade as title (with a note).
- `header_row` (argument) is an index in `Table.rows` as `detect_header` returns it; `ImportResult.header_row` is
  the 1-based row of the source, for messages (None for TotEM, which has no header).
- Job titles are never guessed from values alone: a column of people's names must not become job titles.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path

from cartographie_desktop.core.model import ImportResult
from cartographie_desktop.core.text import fold
from cartographie_desktop.io import columns, normalise, posts, readers
from cartographie_desktop.io.tables import (
    FIELDS,
    FORMATS,
    PERSONAL_FIELDS,
    REQUIRED_FIELDS,
    ColumnGuess,
    FileInfo,
    ImportCancelled,
    SheetInfo,
    StaffingError,
    Table,
)

__all__ = [
    "FIELDS",
    "FORMATS",
    "PERSONAL_FIELDS",
    "REQUIRED_FIELDS",
    "ColumnGuess",
    "FileInfo",
    "ImportCancelled",
    "SheetInfo",
    "StaffingError",
    "Table",
    "UnexpectedReadError",
    "detect_header",
    "forget",
    "guess_columns",
    "inspect",
    "mapping_fit",
    "mapping_from_json",
    "mapping_to_json",
    "read_staffing",
    "read_table",
]


class UnexpectedReadError(StaffingError):
    """A fault of ours met while reading (a bug): still a French sentence for the user, never a traceback.

    Tests treat it as a failure; the program shows it like any other `StaffingError`.
    """


_LIKELY_NAMES = re.compile(r"effectif|personnel|agent|tableau|emploi|poste|etat|rh\b|paie|salari")
_UNLIKELY_NAMES = re.compile(r"notice|legende|parametr|liste|synthese|graph|tcd|recap|lisez|aide|param|menu|"
                             r"sommaire|instructions?|info")


def _guarded(name: str, action: Callable[[], object]):
    try:
        return action()
    except StaffingError:
        raise
    except MemoryError as exc:
        raise StaffingError(
            f"Le fichier « {name} » est trop volumineux pour la mémoire de cet ordinateur : supprimez les lignes ou "
            "colonnes inutiles, ou découpez-le, puis réessayez."
        ) from exc
    except RecursionError as exc:
        raise StaffingError(f"Le fichier « {name} » a une structure trop imbriquée pour être lu.") from exc
    except Exception as exc:
        raise UnexpectedReadError(
            f"Erreur inattendue en lisant « {name} » ({type(exc).__name__}) : signalez-la avec le fichier si possible."
        ) from exc


@cache
def _default_grades() -> normalise.GradeIndex:
    from cartographie_desktop.core import referentiel

    try:
        return normalise.GradeIndex(referentiel.load().grades)
    except referentiel.ReferentielError:
        return normalise.GradeIndex([])


def _grade_index(grades: Iterable | None) -> normalise.GradeIndex:
    if grades is None:
        return _default_grades()
    if isinstance(grades, normalise.GradeIndex):
        return grades
    return normalise.GradeIndex(grades)


def _sheet_score(source: readers.Source, sheet: str) -> float:
    if sheet in source.hidden:
        return -1000.0
    table = source.table(sheet)
    if not table.rows:
        return -500.0
    header = columns.detect_header(table)
    fields = {columns.header_field(cell)[0] for cell in table.rows[header] if cell}
    score = 3.0 * len(fields - {None, "ignore"}) + math.log10(1 + len(table.rows))
    if fields & set(REQUIRED_FIELDS):
        score += 5
    name = fold(sheet)
    if _LIKELY_NAMES.search(name):
        score += 4
    if _UNLIKELY_NAMES.search(name):
        score -= 4
    return score


def _likely_sheet(source: readers.Source) -> str:
    if len(source.sheet_names) == 1:
        return source.sheet_names[0]
    scores = {sheet: _sheet_score(source, sheet) for sheet in source.sheet_names}
    return max(source.sheet_names, key=lambda sheet: scores[sheet])  # first of equals: workbook order


def _source(path: str | Path) -> readers.Source:
    return readers.open_source(path)


def inspect(path: str | Path) -> FileInfo:
    """Format, encoding and separator (CSV), sheets with their size, and the sheet to offer first."""
    name = Path(path).name

    def run() -> FileInfo:
        source = _source(path)
        if source.format != "csv":
            for sheet in source.sheet_names:  # sizes, and the tables the next steps will use (kept)
                source.table(sheet)
        likely = _likely_sheet(source)
        sheets = readers.sheet_infos(source, likely)
        if source.format == "csv":
            sheets[0].cols = readers.csv_preview(source, 50).width
        return FileInfo(name=source.name, format=source.format, encoding=source.encoding,
                        separator=source.separator, sheets=sheets, default_sheet=likely)

    return _guarded(name, run)


def read_table(path: str | Path, sheet: str | None = None, *, max_rows: int | None = None) -> Table:
    """One sheet as cell texts (the likely sheet when `sheet` is None); `max_rows` for a quick preview."""
    name = Path(path).name

    def run() -> Table:
        source = _source(path)
        chosen = source.resolve(sheet) if sheet is not None else _likely_sheet(source)
        if max_rows is not None and source.format == "csv" and chosen not in source.tables:
            return readers.csv_preview(source, max_rows)
        table = source.table(chosen)
        if max_rows is not None:
            return Table(sheet=table.sheet, rows=[list(row) for row in table.rows[:max_rows]],
                         row_numbers=table.row_numbers[:max_rows])
        return table

    return _guarded(name, run)


def detect_header(table: Table) -> int:
    """Index in `table.rows` of the header row (see `io.columns.detect_header`)."""
    return columns.detect_header(table)


def guess_columns(table: Table, header_row: int, *, grades: Iterable | None = None) -> list[ColumnGuess]:
    """What each column holds, guessed from its header and its values, with a confidence and sample values."""
    return columns.guess_columns(table, header_row, _grade_index(grades))


def mapping_to_json(table: Table, header_row: int, mapping: dict[int, str]) -> dict:
    """A mapping to save and reuse next year, keyed by header text."""
    return columns.mapping_to_json(table, header_row, mapping)


def mapping_from_json(data: object, table: Table, header_row: int, *, grades: Iterable | None = None) -> dict[int, str]:
    """A saved mapping applied to this table (columns found by header text; unknown columns guessed)."""
    return columns.mapping_from_json(data, table, header_row, _grade_index(grades))


def mapping_fit(data: object, table: Table, header_row: int) -> float:
    """How well a saved mapping fits this table (0..1): the wizard offers a saved model from about 0.6."""
    return columns.mapping_fit(data, table, header_row)


def forget(path: str | Path | None = None) -> None:
    """Drop the cached file read by the wizard's steps (`read_staffing` does it when it is done)."""
    readers.forget(path)


def read_staffing(path: str | Path, *, sheet: str | None = None, header_row: int | None = None,
                  mapping: dict[int, str] | None = None, keep_personal: bool = False,
                  progress: Callable[[float], None] | None = None, cancelled: Callable[[], bool] | None = None,
                  grades: Iterable | None = None) -> ImportResult:
    """Read the staffing table into posts and issues, with automatic detection of whatever is not given.

    `progress(x)` is called with 0..1; `cancelled()` is polled and makes the import raise `ImportCancelled`.
    `grades` (tests, tools) replaces the référentiel's grade table used to infer catégorie and filière.
    """
    name = Path(path).name

    def check() -> None:
        if cancelled is not None and cancelled():
            raise ImportCancelled()

    def run() -> ImportResult:
        if progress is not None:
            progress(0.0)
        source = _source(path)
        chosen = source.resolve(sheet) if sheet is not None else _likely_sheet(source)
        check()
        table = source.table(chosen)
        if progress is not None:
            progress(0.4)
        check()
        if not any(any(row) for row in table.rows):
            raise StaffingError(f"La feuille « {chosen} » de « {source.name} » est vide : choisissez une autre feuille."
                                if len(source.sheet_names) > 1 else f"Le fichier « {source.name} » ne contient aucune "
                                "donnée.")
        totem = source.format == "totem"
        if totem:
            from cartographie_desktop.io import totem as totem_reader

            header, chosen_mapping = 0, mapping or totem_reader.mapping()
        else:
            header = header_row if header_row is not None else columns.detect_header(table)
            if not 0 <= header < len(table.rows):
                raise StaffingError(f"La ligne d'en-tête n° {header + 1} n'existe pas dans la feuille « {chosen} ».")
            if not any(any(row) for row in table.rows[header + 1 :]):
                raise StaffingError(
                    f"Le tableau « {chosen} » ne contient que sa ligne d'en-tête : aucune ligne de poste à importer."
                )
            index = _grade_index(grades)
            chosen_mapping = mapping if mapping is not None else columns.mapping_from_guesses(
                columns.guess_columns(table, header, index))
        columns.check_mapping(chosen_mapping, table.width)
        if not columns.has_required(chosen_mapping):
            raise StaffingError(
                f"Aucune colonne d'intitulé de poste ni de grade n'a été reconnue dans « {chosen} » : indiquez la "
                "correspondance des colonnes (au moins l'intitulé du poste ou le grade)."
            )
        labels = columns.column_labels(table, header)
        budget_name = chosen if len(source.sheet_names) > 1 and not readers.is_default_sheet_name(chosen) else ""
        result = posts.build(table, header, chosen_mapping, labels, budget_name=budget_name,
                             keep_personal=keep_personal, grades=_grade_index(grades), progress=progress,
                             cancelled=cancelled)
        result.source_name = source.name
        result.source_format = source.format
        result.encoding = source.encoding
        result.header_row = None if totem else table.row_numbers[header]
        if progress is not None:
            progress(1.0)
        return result

    try:
        return _guarded(name, run)
    finally:
        readers.forget(path)
