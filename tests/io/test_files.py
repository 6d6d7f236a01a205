"""Every file the program writes appears whole or not at all, with the user's usual permissions."""

from __future__ import annotations

import os
import sys
import time

import pytest

from cartographie_desktop import cli
from cartographie_desktop.io import files

POSIX = pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")


@pytest.fixture
def umask_022():
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_the_file_appears_only_when_complete_and_nothing_is_left_beside_it(tmp_path):
    target = tmp_path / "rapport.pdf"
    target.write_bytes(b"previous")
    with files.written_atomically(target) as tmp:
        tmp.write_bytes(b"new")
        assert target.read_bytes() == b"previous"  # the user's file is untouched while writing
        assert files.temporary_pattern(target).fullmatch(tmp.name)
    assert target.read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rapport.pdf"]


def test_a_failed_write_keeps_the_previous_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "classeur.xlsx"
    target.write_bytes(b"previous")

    def write_half() -> None:
        with files.written_atomically(target) as tmp:
            tmp.write_bytes(b"half")
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_half()
    assert target.read_bytes() == b"previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["classeur.xlsx"]


def test_stale_temporaries_of_a_killed_program_are_removed_young_ones_kept(tmp_path):
    target = tmp_path / "kit.xlsx"
    stale = tmp_path / ".kit-abcd1234.tmp"
    young = tmp_path / ".kit-efgh5678.tmp"
    other = tmp_path / ".kit-not-ours.tmp"
    for leftover in (stale, young, other):
        leftover.write_bytes(b"x")
    old = time.time() - files.STALE_TEMPORARY_S - 5
    os.utime(stale, (old, old))
    os.utime(other, (old, old))
    with files.written_atomically(target) as tmp:
        tmp.write_bytes(b"ok")
    assert not stale.exists()
    assert young.exists()  # perhaps another window still writing
    assert other.exists()  # not a name of ours


@POSIX
def test_written_files_have_the_usual_permissions(tmp_path, umask_022):
    """mkstemp's owner-only mode used to reach reports through the rename: a colleague could not open them."""
    target = tmp_path / "x.bin"
    with files.written_atomically(target) as tmp:
        tmp.write_bytes(b"x")
    assert target.stat().st_mode & 0o777 == 0o644


@POSIX
@pytest.mark.parametrize(("command", "name"), [("report", "rapport.pdf"), ("export", "resultats.xlsx")])
def test_report_and_workbook_have_the_usual_permissions(tmp_path, umask_022, command, name):
    target = tmp_path / name
    assert cli.main([command, "--demo", "-o", str(target)]) == 0
    assert target.stat().st_mode & 0o777 == 0o644
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]
