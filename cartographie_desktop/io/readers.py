"""Read any staffing file into `Table`s of cell texts: workbooks through calamine, CSV with its encoding and separator
guessed, TotEM XML through `io.totem`.

Cell texts follow French conventions (`0,8`, `21/11/2026`, `35:00`) so that what the wizard shows looks like what
the user typed. Formulas are never evaluated: a cell gives its cached result, or its formula text when the file was
saved without results; text starting with `=` stays text.

The last file opened is kept (one entry) so that the wizard's steps — inspect, preview, header, mapping, import —
read it once.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as dt
import math
import re
import threading
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cartographie_desktop.io import sniff
from cartographie_desktop.io.sniff import DAMAGED_MESSAGE, MAX_CELLS, MAX_ROWS, PASSWORD_MESSAGE, SheetScan
from cartographie_desktop.io.tables import SheetInfo, StaffingError, Table

MAX_CSV_BYTES = 512 * 1024**2
MAX_MERGE_FILL = 2_000_000
_STR_CACHE_LIMIT = 200_000
_DEFAULT_SHEET_NAMES = re.compile(r"^(feuil|feuille|sheet|tabelle|hoja|foglio)\s*\d+$", re.IGNORECASE)


# --- cell texts ---------------------------------------------------------------------------------------------------


def _number_text(value: float) -> str:
    if not math.isfinite(value):  # NaN, infinities: not a number a person typed
        return ""
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.10g}".replace(".", ",")


def _time_text(hours: int, minutes: int, seconds: int = 0) -> str:
    return f"{hours}:{minutes:02d}" + (f":{seconds:02d}" if seconds else "")


def cell_text(value: Any) -> str:
    """One cell as the text a French user would read (see module docstring)."""
    if value is None:
        return ""
    kind = value.__class__
    if kind is str:
        return " ".join(value.split())
    if kind is bool:
        return "VRAI" if value else "FAUX"
    if kind is float:
        return _number_text(value)
    if kind is int:
        return str(value)
    if kind is dt.datetime:
        text = value.strftime("%d/%m/%Y")
        if value.hour or value.minute or value.second:
            text += " " + _time_text(value.hour, value.minute, value.second)
        return text
    if kind is dt.date:
        return value.strftime("%d/%m/%Y")
    if kind is dt.time:
        return _time_text(value.hour, value.minute, value.second)
    if kind is dt.timedelta:
        minutes = round(value.total_seconds() / 60)
        sign = "-" if minutes < 0 else ""
        return sign + _time_text(*divmod(abs(minutes), 60))
    return " ".join(str(value).split())


class _Texts:
    """Converts engine values to texts, sharing the text objects of repeated values (memory, and speed).

    Strings and floats are cached apart: `True == 1.0`, so one dict would read a `VRAI` cell as `1`.
    """

    def __init__(self) -> None:
        self.strings: dict[str, str] = {}
        self.numbers: dict[float, str] = {}
        self.others: dict[Any, str] = {}  # dates, times, durations: a date column repeats its values

    def row(self, values: list[Any]) -> list[str]:
        get = self.strings.get  # a lookup with a non-str key finds nothing: no str equals a number or a date
        return [text if (text := get(value)) is not None else self._convert(value) for value in values]

    def _convert(self, value: Any) -> str:
        kind = value.__class__
        if kind is float:
            text = self.numbers.get(value)
            if text is None:
                text = cell_text(value)
                if len(self.numbers) < _STR_CACHE_LIMIT:
                    self.numbers[value] = text
            return text
        if kind is str:
            text = " ".join(value.split())
            if text == value:
                text = value  # keep one object, not two equal ones
            if len(self.strings) < _STR_CACHE_LIMIT:
                self.strings[value] = text
            return text
        if kind is bool or kind is int:
            return cell_text(value)
        text = self.others.get(value)
        if text is None:
            text = cell_text(value)
            if len(self.others) < _STR_CACHE_LIMIT:
                self.others[value] = text
        return text


# --- the source: one file, its sheets ------------------------------------------------------------------------------


@dataclass
class Source:
    """An opened staffing file: its format and sheets; sheets are read on demand and kept."""

    path: Path
    name: str
    format: str
    encoding: str = ""
    separator: str = ""
    sheet_names: list[str] = field(default_factory=list)
    hidden: set[str] = field(default_factory=set)
    tables: dict[str, Table] = field(default_factory=dict)
    engine: Any = None  # the calamine workbook
    archive: zipfile.ZipFile | None = None
    parts: dict[str, str] = field(default_factory=dict)  # xlsx: sheet → zip member
    scans: dict[str, SheetScan] = field(default_factory=dict)
    csv_text: str | None = None
    csv_first_line: int = 1
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def table(self, sheet: str | None = None) -> Table:
        sheet = self.resolve(sheet)
        with self.lock:  # the wizard (GUI thread) and the import (worker thread) may ask at the same time
            if sheet not in self.tables:
                self.tables[sheet] = self._read(sheet)
            return self.tables[sheet]

    def resolve(self, sheet: str | None) -> str:
        if sheet is None:
            return self.sheet_names[0]
        if sheet not in self.sheet_names:
            names = ", ".join(f"« {name} »" for name in self.sheet_names)
            raise StaffingError(f"La feuille « {sheet} » n'existe pas dans « {self.name} » (feuilles : {names}).")
        return sheet

    def _read(self, sheet: str) -> Table:
        if self.format == "csv":
            table = _csv_table(self, max_rows=None)
            self.csv_text = None  # the table now holds it all; the text would only double the memory
            return table
        if self.format == "totem":
            from cartographie_desktop.io import totem

            return totem.read_table(self.path, self.name)
        return _workbook_table(self, sheet)

    def close(self) -> None:
        if self.archive is not None:
            self.archive.close()
            self.archive = None
        if self.engine is not None:
            with contextlib.suppress(Exception):  # closing an already closed or broken workbook is not an error
                self.engine.close()
            self.engine = None


class _Cache:
    """The last file opened (one entry), shared by the wizard's steps, guarded for the worker thread."""

    lock = threading.Lock()
    key: tuple[str, int, int] | None = None
    source: Source | None = None


def _key(path: Path) -> tuple[str, int, int]:
    try:
        stat = path.stat()
    except OSError:
        return (str(path), -1, -1)
    return (str(path.resolve()), stat.st_size, stat.st_mtime_ns)


def open_source(path: str | Path) -> Source:
    """The file, sniffed and opened (cached: the wizard's steps all call this)."""
    path = Path(path)
    key = _key(path)
    with _Cache.lock:
        if _Cache.source is not None and _Cache.key == key:
            return _Cache.source
    source = _open(path)
    with _Cache.lock:
        if _Cache.source is not None:
            _Cache.source.close()
        _Cache.key, _Cache.source = key, source
    return source


def forget(path: str | Path | None = None) -> None:
    """Drop the cached file (any, or only `path`): once imported, its data need not stay in memory."""
    with _Cache.lock:
        if _Cache.source is None:
            return
        if path is None or (_Cache.key is not None and _Cache.key[0] == str(Path(path).resolve())):
            _Cache.source.close()
            _Cache.key = _Cache.source = None


def _open(path: Path) -> Source:
    sniffed = sniff.detect(path)
    source = Source(path=path, name=path.name, format=sniffed.format)
    if sniffed.format == "csv":
        _open_csv(source)
    elif sniffed.format == "totem":
        source.sheet_names = ["État du personnel"]
    elif sniffed.format == "xml2003":
        from cartographie_desktop.io import xml2003

        source.tables = xml2003.read_tables(path, path.name)
        source.sheet_names = list(source.tables)
    else:
        _open_workbook(source)
    if not source.sheet_names:
        raise StaffingError(f"Le classeur « {source.name} » ne contient aucune feuille.")
    return source


# --- workbooks (calamine) -------------------------------------------------------------------------------------------


def _engine_call(source: Source, call: Callable[[], Any]) -> Any:
    """Run a calamine call; its errors — and Rust panics, which are not `Exception`s — become French messages."""
    import python_calamine

    try:
        return call()
    except python_calamine.PasswordError as exc:
        raise StaffingError(PASSWORD_MESSAGE) from exc
    except StaffingError:
        raise
    except (KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except MemoryError as exc:
        raise StaffingError(sniff.too_big_message(source.name, 0, 0)) from exc
    except BaseException as exc:  # CalamineError, XmlError, ZipError, and pyo3's PanicException
        message = str(exc).lower()
        if "password" in message or "encrypt" in message:
            raise StaffingError(PASSWORD_MESSAGE) from exc
        raise StaffingError(DAMAGED_MESSAGE.format(name=source.name, detail="contenu illisible")) from exc


def _open_workbook(source: Source) -> None:
    import python_calamine

    name = source.name
    if source.format in ("xlsx", "xlsm"):
        source.archive = sniff.open_zip(source.path)
        sniff.check_xlsx_parts(source.archive, name)
        source.parts = sniff.xlsx_sheet_parts(source.archive, name)
    elif source.format == "ods":
        source.archive = sniff.open_zip(source.path)
        source.scans = sniff.scan_ods(source.archive, name)
    elif source.format == "xls":
        try:
            data = source.path.read_bytes()
        except OSError as exc:
            raise StaffingError(f"Le fichier « {name} » ne peut pas être lu ({exc.strerror or exc}).") from exc
        for sheet, (rows, cols) in sniff.scan_xls(data, name).items():
            source.scans[sheet] = SheetScan(rows=rows, cols=cols)
        del data
    source.engine = _engine_call(source, lambda: python_calamine.CalamineWorkbook.from_path(str(source.path)))
    metadata = _engine_call(source, lambda: source.engine.sheets_metadata)
    for sheet in metadata:
        if sheet.typ != python_calamine.SheetTypeEnum.WorkSheet:
            continue  # chart sheets, macro sheets, VBA modules
        source.sheet_names.append(sheet.name)
        if sheet.visible != python_calamine.SheetVisibleEnum.Visible:
            source.hidden.add(sheet.name)


def _workbook_table(source: Source, sheet: str) -> Table:
    scan = source.scans.get(sheet)
    if source.format in ("xlsx", "xlsm") and scan is None:
        member = source.parts.get(sheet)
        if member is None or source.archive is None:
            raise StaffingError(DAMAGED_MESSAGE.format(name=source.name, detail=f"feuille « {sheet} » introuvable"))
        scan = source.scans[sheet] = sniff.scan_xlsx_sheet(source.archive, member, sheet, source.name)
    engine_sheet = _engine_call(source, lambda: source.engine.get_sheet_by_name(sheet))
    start = _engine_call(source, lambda: engine_sheet.start) or (0, 0)
    height = _engine_call(source, lambda: engine_sheet.height)
    width = _engine_call(source, lambda: engine_sheet.width)
    sniff.check_dimensions(sheet, height, width)
    values = _engine_call(source, lambda: engine_sheet.to_python(skip_empty_area=True)) if height else []
    merges = _engine_call(source, lambda: engine_sheet.merged_cell_ranges) or []
    texts = _Texts()
    for index, row in enumerate(values):
        values[index] = texts.row(row)
    rows: list[list[str]] = values
    top, left = start if rows else (MAX_ROWS, MAX_CELLS)
    formulas = scan.formulas if scan else {}
    if formulas:
        new_top = min(top, *(r for r, _ in formulas))
        new_left = min(left, *(c for _, c in formulas))
        rows = _reframe(rows, (top, left), (new_top, new_left), formulas)
        top, left = new_top, new_left
    if not rows:
        top = left = 0
    _fill_merges(rows, merges, top, left)
    _rectangle(rows)
    return Table(sheet=sheet, rows=rows, row_numbers=list(range(top + 1, top + 1 + len(rows))))


def _reframe(rows: list[list[str]], origin: tuple[int, int], new_origin: tuple[int, int],
             formulas: dict[tuple[int, int], str]) -> list[list[str]]:
    """Place formula texts (saved without a result) into the table, growing it where they lie outside."""
    shift_rows, shift_cols = origin[0] - new_origin[0], origin[1] - new_origin[1]
    if shift_rows or shift_cols:
        rows = [[] for _ in range(shift_rows)] + [[""] * shift_cols + row for row in rows]
    for (row, col), text in formulas.items():
        r, c = row - new_origin[0], col - new_origin[1]
        while len(rows) <= r:
            rows.append([])
        line = rows[r]
        if len(line) <= c:
            line.extend([""] * (c + 1 - len(line)))
        if not line[c]:
            line[c] = text
    return rows


def _fill_merges(rows: list[list[str]], merges, top: int, left: int) -> None:
    """Give every cell of a merged range the value of its top-left cell (a service merged over its posts)."""
    budget = MAX_MERGE_FILL
    height = len(rows)
    for (first_row, first_col), (last_row, last_col) in merges:
        r0, r1, c0, c1 = first_row - top, last_row - top, first_col - left, last_col - left
        if not (0 <= r0 < height) or c0 < 0 or c0 >= len(rows[r0]):
            continue
        value = rows[r0][c0]
        if not value:
            continue
        for r in range(r0, min(r1, height - 1) + 1):
            line = rows[r]
            for c in range(c0, min(c1, len(line) - 1) + 1):
                budget -= 1
                if budget < 0:
                    return
                if not line[c]:
                    line[c] = value


def _rectangle(rows: list[list[str]]) -> None:
    """Pad rows to the same width and drop trailing empty rows."""
    while rows and not any(rows[-1]):
        rows.pop()
    width = max((len(row) for row in rows), default=0)
    for row in rows:
        if len(row) < width:
            row.extend([""] * (width - len(row)))


# --- CSV ----------------------------------------------------------------------------------------------------------


def detect_encoding(data: bytes) -> tuple[str, str]:
    """(encoding name, decoded text) among UTF-8 (with or without BOM), UTF-16, Windows-1252, ISO-8859-1/15."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", data[3:].decode("utf-8", errors="replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", data.decode("utf-16", errors="replace")
    try:
        return "utf-8", data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # Mostly valid UTF-8 with a stray byte or two (a value pasted from elsewhere): still UTF-8.
    loose = data.decode("utf-8", errors="replace")
    bad = loose.count("\ufffd")
    good = len(loose) - len(loose.encode("ascii", errors="ignore")) - bad  # non-ASCII characters that decoded
    if good > 3 * bad:
        return "utf-8", loose
    del loose
    if len(data.translate(None, _C1_BYTES)) != len(data):
        # C1 bytes are control characters in ISO-8859-1/15 but letters and signs in Windows-1252 (’ œ € …).
        try:
            return "cp1252", data.decode("cp1252")
        except UnicodeDecodeError:
            return "iso-8859-1", data.decode("latin-1")
    if re.search(rb"[A-Za-z\xc0-\xff][\xbc\xbd][A-Za-z\xc0-\xff]|\xa4", data):
        # œ/Œ inside a word, or €: ISO-8859-15 (in ISO-8859-1 they would read ½, ¼, ¤).
        return "iso-8859-15", data.decode("iso-8859-15")
    # Bytes 0xA0-0xFF decode the same in ISO-8859-1 and Windows-1252; Windows-1252 is what Excel writes in France.
    return "cp1252", data.decode("cp1252", errors="replace")


_C1_BYTES = bytes(range(0x80, 0xA0))
_SEPARATORS = (";", "\t", ",", "|")


def _count_outside_quotes(line: str, separator: str) -> int:
    if '"' not in line:
        return line.count(separator)
    count, quoted = 0, False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif char == separator and not quoted:
            count += 1
    return count


def detect_separator(lines: list[str]) -> str:
    """The separator whose count is the same on most lines (Excel writes every row with the same number)."""
    sample = [line for line in lines if line.strip()][:200]
    best, best_score = ";", (0.0, 0)
    for separator in _SEPARATORS:
        counts = [_count_outside_quotes(line, separator) for line in sample]
        nonzero = [count for count in counts if count]
        if not nonzero:
            continue
        mode, frequency = Counter(nonzero).most_common(1)[0]
        score = (frequency / len(sample), mode)
        if score > best_score:
            best, best_score = separator, score
    return best


def _lines(text: str) -> Iterator[str]:
    start, find, size = 0, text.find, len(text)
    while start < size:
        end = find("\n", start)
        if end < 0:
            yield text[start:]
            return
        yield text[start : end + 1]
        start = end + 1


def _open_csv(source: Source) -> None:
    try:
        data = source.path.read_bytes()
    except OSError as exc:
        raise StaffingError(f"Le fichier « {source.name} » ne peut pas être lu ({exc.strerror or exc}).") from exc
    if len(data) > MAX_CSV_BYTES:
        raise StaffingError(
            f"Le fichier « {source.name} » est trop volumineux pour un tableau des effectifs "
            f"({len(data) // 1024**2} Mo, au plus {MAX_CSV_BYTES // 1024**2} Mo)."
        )
    encoding, text = detect_encoding(data)
    del data
    if "\x00" in text or sniff.looks_binary(text[:65536].encode("utf-8", errors="replace")):
        raise StaffingError(sniff.NOT_A_TABLE_MESSAGE.format(name=source.name))
    if "\n" not in text and "\r" in text:  # old Mac line ends
        text = text.replace("\r", "\n")
    head = text[:65536].split("\n", 200)[:200]
    first = 1
    hint = re.match(r"^\s*sep=(.)\s*$", head[0]) if head else None
    if hint:  # Excel's « sep=; » first line
        separator = hint.group(1)
        text = text[text.find("\n") + 1 :] if "\n" in text else ""
        first = 2
    else:
        separator = detect_separator(head)
    source.encoding, source.separator = encoding, separator
    source.csv_text, source.csv_first_line = text, first
    source.sheet_names = [Path(source.name).stem or source.name]


def _csv_table(source: Source, max_rows: int | None) -> Table:
    text = source.csv_text or ""
    reader = csv.reader(_lines(text), delimiter=source.separator, quotechar='"', doublequote=True, strict=False)
    rows: list[list[str]] = []
    numbers: list[int] = []
    cache: dict[str, str] = {}
    get = cache.get
    line_before = 0
    offset = source.csv_first_line - 1
    width = 0
    cells = 0
    try:
        for record in reader:
            number = line_before + 1 + offset
            line_before = reader.line_num
            row = [value if (value := get(raw)) is not None else _clean(raw, cache) for raw in record]
            rows.append(row)
            numbers.append(number)
            width = max(width, len(row))
            cells += len(row)
            if len(rows) > MAX_ROWS or cells > MAX_CELLS:
                raise StaffingError(sniff.too_big_message(source.sheet_names[0], len(rows), width))
            if max_rows is not None and len(rows) >= max_rows:
                break
    except csv.Error as exc:
        raise StaffingError(
            f"Le fichier « {source.name} » n'est pas un CSV lisible vers la ligne {line_before + 1 + offset} "
            f"(cellule démesurée ou guillemets non fermés) : ouvrez-le dans un tableur et enregistrez-le de nouveau."
        ) from exc
    if len(rows) * width > MAX_CELLS:
        raise StaffingError(sniff.too_big_message(source.sheet_names[0], len(rows), width))
    _rectangle(rows)
    del numbers[len(rows) :]
    return Table(sheet=source.sheet_names[0], rows=rows, row_numbers=numbers)


def _clean(raw: str, cache: dict[str, str]) -> str:
    text = " ".join(raw.split())
    if len(cache) < _STR_CACHE_LIMIT:
        cache[raw] = text
    return text


def csv_preview(source: Source, max_rows: int) -> Table:
    sheet = source.sheet_names[0]
    if sheet in source.tables:  # read whole already (its text is gone): the first rows of the table
        table = source.tables[sheet]
        return Table(sheet=sheet, rows=[list(row) for row in table.rows[:max_rows]],
                     row_numbers=table.row_numbers[:max_rows])
    return _csv_table(source, max_rows=max_rows)


def csv_line_count(source: Source) -> int:
    text = source.csv_text or ""
    return text.count("\n") + (1 if text and not text.endswith("\n") else 0)


# --- sheet summaries ----------------------------------------------------------------------------------------------


def is_default_sheet_name(name: str) -> bool:
    return bool(_DEFAULT_SHEET_NAMES.match(name.strip()))


def sheet_infos(source: Source, likely: str) -> list[SheetInfo]:
    infos = []
    for name in source.sheet_names:
        table = source.tables.get(name)
        if table is not None:
            rows, cols = len(table.rows), table.width
        elif source.format == "csv":
            rows, cols = csv_line_count(source), 0
        else:
            rows = cols = 0
        infos.append(SheetInfo(name=name, rows=rows, cols=cols, likely=name == likely, hidden=name in source.hidden))
    return infos
