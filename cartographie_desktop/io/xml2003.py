"""The Excel 2003 XML spreadsheet (SpreadsheetML), which some payroll and HR tools save with an `.xls` extension.

`Workbook/Worksheet[@ss:Name]/Table/Row[@ss:Index]/Cell[@ss:Index, @ss:MergeAcross, @ss:MergeDown]/Data[@ss:Type]`
in the namespace `urn:schemas-microsoft-com:office:spreadsheet`. Parsed with defusedxml; row and column indexes are
bounded before anything is allocated.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from cartographie_desktop.io.readers import cell_text
from cartographie_desktop.io.sniff import DAMAGED_MESSAGE, MAX_CELLS, MAX_ROWS, check_dimensions
from cartographie_desktop.io.tables import StaffingError, Table

NS = "{urn:schemas-microsoft-com:office:spreadsheet}"
MAX_COLUMNS = 16_384


def _index(element, current: int) -> int:
    value = element.get(f"{NS}Index")
    if value is None:
        return current
    if not value.isdigit() or len(value) > 9:
        raise ValueError("index")
    return int(value) - 1


def _data_text(data) -> str:
    text = "".join(data.itertext())
    kind = data.get(f"{NS}Type", "String")
    if kind == "Number":
        try:
            return cell_text(float(text))
        except ValueError:
            return cell_text(text)
    if kind == "DateTime":
        try:
            return cell_text(dt.datetime.fromisoformat(text.strip()[:19]))
        except ValueError:
            return cell_text(text)
    if kind == "Boolean":
        return "VRAI" if text.strip() == "1" else "FAUX"
    return cell_text(text)


def _span(element, name: str) -> int:
    value = element.get(f"{NS}{name}", "0")
    return int(value) if value.isdigit() and len(value) < 7 else 0


def read_tables(path: Path, name: str) -> dict[str, Table]:
    """Every worksheet, in order, as a rectangular table (merged cells filled with their value)."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, iterparse

    tables: dict[str, Table] = {}
    sheet = ""
    cells: dict[tuple[int, int], str] = {}
    row_index = -1
    try:
        for event, element in iterparse(str(path), events=("start", "end")):
            tag = element.tag
            if event == "start":
                if tag == f"{NS}Worksheet":
                    sheet = element.get(f"{NS}Name") or f"Feuille {len(tables) + 1}"
                    cells, row_index = {}, -1
                elif tag == f"{NS}Row":
                    row_index = _index(element, row_index + 1)
                continue
            if tag == f"{NS}Row":
                column = -1
                for cell in element.iter(f"{NS}Cell"):
                    column = _index(cell, column + 1)
                    across, down = _span(cell, "MergeAcross"), _span(cell, "MergeDown")
                    data = cell.find(f"{NS}Data")
                    text = _data_text(data) if data is not None else ""
                    check_dimensions(sheet, row_index + down + 1, column + across + 1)
                    if column + across >= MAX_COLUMNS or len(cells) + (across + 1) * (down + 1) > MAX_CELLS:
                        raise StaffingError(DAMAGED_MESSAGE.format(name=name, detail="feuille démesurée"))
                    if text:
                        for r in range(row_index, row_index + down + 1):
                            for c in range(column, column + across + 1):
                                cells.setdefault((r, c), text)
                    column += across
                element.clear()
            elif tag == f"{NS}Worksheet":
                tables[sheet] = _table(sheet, cells)
                element.clear()
    except StaffingError:
        raise
    except DefusedXmlException as exc:
        raise StaffingError(
            f"Le classeur XML « {name} » contient des déclarations d'entités ou des références externes : il n'a pas "
            "été lu. Ouvrez-le dans Excel et enregistrez-le au format .xlsx."
        ) from exc
    except (ParseError, UnicodeError, ValueError, LookupError, OSError) as exc:
        raise StaffingError(DAMAGED_MESSAGE.format(name=name, detail="XML mal formé")) from exc
    return tables


def _table(sheet: str, cells: dict[tuple[int, int], str]) -> Table:
    if not cells:
        return Table(sheet=sheet, rows=[], row_numbers=[])
    top = min(r for r, _ in cells)
    bottom = max(r for r, _ in cells)
    width = max(c for _, c in cells) + 1
    check_dimensions(sheet, bottom - top + 1, width)
    if bottom - top + 1 > MAX_ROWS:
        raise StaffingError(DAMAGED_MESSAGE.format(name=sheet, detail="feuille démesurée"))
    rows = [[""] * width for _ in range(bottom - top + 1)]
    for (r, c), text in cells.items():
        rows[r - top][c] = text
    return Table(sheet=sheet, rows=rows, row_numbers=list(range(top + 1, bottom + 2)))
