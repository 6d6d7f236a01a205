"""Writing workbooks safely: text that no spreadsheet takes for a formula, files that appear whole or not at all.

A text is always a string cell; one that starts with `=`, `+`, `-`, `@` (or a tab or carriage return, which some
programs strip first) is also quote-prefixed, so that editing the cell in Excel or LibreOffice keeps it text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cartographie_desktop.io.files import written_atomically

UNSAFE_START = ("=", "+", "-", "@", "\t", "\r")


def put(cell, value: Any) -> None:
    """Write a value into an openpyxl cell; text stays text."""
    if isinstance(value, str):
        cell.value = value
        cell.data_type = "s"
        if value.startswith(UNSAFE_START):
            cell.quotePrefix = True
    else:
        cell.value = value


def save(wb, path: Path) -> Path:
    """Save beside the destination, then rename over it: a crash or a full disk never leaves half a file.

    Raises OSError (the caller words it in French) after removing the temporary file.
    """
    with written_atomically(Path(path)) as tmp:
        wb.save(tmp)
    return Path(path)
