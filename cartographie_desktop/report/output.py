"""Writing a report or a workbook so that a crash or a cancel never leaves half a file where the user looks."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from cartographie_desktop.io.files import new_temporary, remove_temporary
from cartographie_desktop.report.options import ReportError


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """`io.files.written_atomically` with French errors: a temporary file beside `path`, renamed over it on success."""
    path = Path(path)
    folder = path.parent
    if path.is_dir():
        raise ReportError(f"« {path.name} » est un dossier : choisissez un nom de fichier.")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = new_temporary(path)
    except OSError as exc:
        raise ReportError(f"Impossible d'écrire dans le dossier « {folder} » : {exc.strerror or exc}.") from exc
    try:
        yield tmp
        try:
            os.replace(tmp, path)
        except OSError as exc:
            hint = " Le fichier est peut-être ouvert dans un autre programme : fermez-le et recommencez." \
                if isinstance(exc, PermissionError) else ""
            raise ReportError(f"Impossible d'enregistrer « {path.name} » : {exc.strerror or exc}.{hint}") from exc
    finally:
        remove_temporary(tmp)
