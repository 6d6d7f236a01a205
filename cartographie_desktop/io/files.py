"""Files that appear whole or not at all: written beside their destination, then renamed over it.

One way for every file the program writes (projects, reports, workbooks, kits): a crash, a full disk or a cancel
never leaves half a file where the user looks. The temporary file is named as `tempfile.mkstemp` would name it, but
created with the user's usual permissions (mkstemp's are owner-only, which the rename would pass on: a colleague could
not open the file in a shared folder). What a killed program left is removed by the next write of the same file.
"""

from __future__ import annotations

import contextlib
import glob
import os
import re
import secrets
import time
from collections.abc import Iterator
from pathlib import Path

STALE_TEMPORARY_S = 10 * 60  # a program writing a file touches its temporary file every few milliseconds
_LETTERS = "abcdefghijklmnopqrstuvwxyz0123456789_"


def temporary_pattern(path: Path) -> re.Pattern[str]:
    """The names `new_temporary` gives beside `path`, and SQLite's journal of such a file."""
    return re.compile(rf"\.{re.escape(path.stem)}-[a-z0-9_]{{8}}\.tmp(?:-journal)?")


def clean_stale_temporaries(path: Path, *, older_than: float = STALE_TEMPORARY_S) -> list[Path]:
    """Remove what a program killed while writing `path` left beside it; returns what was removed.

    Only files of our own naming, and only those untouched for `older_than` seconds: a younger one may be another
    window's write in progress (on Windows an open file cannot be removed anyway).
    """
    path = Path(path)
    pattern = temporary_pattern(path)
    limit = time.time() - older_than
    removed = []
    for candidate in path.parent.glob(f".{glob.escape(path.stem)}-*.tmp*"):
        try:
            if pattern.fullmatch(candidate.name) and candidate.stat().st_mtime <= limit:
                candidate.unlink()
                removed.append(candidate)
        except OSError:
            continue  # in use, or already gone: never a reason to refuse a write
    return removed


def new_temporary(path: Path) -> Path:
    """An empty file beside `path`, to be renamed over it once complete; stale ones of earlier runs are removed."""
    path = Path(path)
    clean_stale_temporaries(path)
    for _ in range(100):
        candidate = path.parent / f".{path.stem}-{''.join(secrets.choice(_LETTERS) for _ in range(8))}.tmp"
        try:
            os.close(os.open(candidate, os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_BINARY", 0), 0o666))
        except FileExistsError:
            continue
        return candidate
    raise FileExistsError(f"no free temporary name beside {path.name}")


def remove_temporary(tmp: Path) -> None:
    for leftover in (tmp, tmp.with_name(tmp.name + "-journal")):
        with contextlib.suppress(OSError):
            leftover.unlink()


@contextlib.contextmanager
def written_atomically(path: Path) -> Iterator[Path]:
    """A temporary file beside `path` to write; renamed over `path` only when the block succeeds, removed otherwise.

    Raises OSError (callers word it in French).
    """
    tmp = new_temporary(Path(path))
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        remove_temporary(tmp)
