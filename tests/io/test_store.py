from __future__ import annotations

import copy
import os
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from cartographie_desktop.core import commands
from cartographie_desktop.core.model import Decision, DecisionKind, MatchStatus, Post, Project, TitleMatch
from cartographie_desktop.core.workshops import TextLine, WorkshopSheet
from cartographie_desktop.io import store
from cartographie_desktop.io.session import EditSession
from cartographie_desktop.io.store import (
    NewerVersionError,
    NotAProjectError,
    ProjectStore,
    StoreError,
)

ROOT = Path(__file__).resolve().parents[2]


def sample_project() -> Project:
    project = Project(commune="Val-Test", year=2026, index="2023", privacy_k=4, source_name="effectifs.xlsx",
                      mapping={"Poste": "title"}, extra={"auteur": "DGS"})
    project.posts = [Post(1, "Agent d'accueil", grade="Adjoint administratif", categorie="C",
                          filiere="administrative", direction="Accueil", status="titulaire", sexe="F", fte=0.8,
                          headcount=1, budget="Budget principal", source="Feuil1, ligne 7"),
                     Post(2, "ATSEM", fte=1.0, headcount=3)]
    project.matches = {p.title_key: TitleMatch(p.title, "ACC-01", 0.93, MatchStatus.AUTO, (("ACC-01", 0.93),))
                       for p in project.posts}
    project.post_jobs = {2: "PRO-01"}
    decision = Decision(DecisionKind.CUSTOM, "ACC-01", "ACC-01-C01", value=0.4, reason="r", author="a",
                        date="2026-11-21T10:00:00", label="Activité", ilo_links=(("4226", 1),))
    project.decisions = {decision.key: decision}
    project.workshops = [WorkshopSheet("w1", "ACC-01", title="Atelier é", risks=(TextLine("r1", "Perte de sens"),))]
    return project


def test_round_trip_is_exact(tmp_path):
    project = sample_project()
    path = tmp_path / "p.carto"
    with ProjectStore.create(path, project) as opened:
        assert opened.load() == project
    assert store.open_project(path, read_only=True) == project
    assert not list(tmp_path.glob("*.tmp"))


def test_persist_writes_only_in_one_transaction(tmp_path):
    project = sample_project()
    path = tmp_path / "p.carto"
    session = EditSession(project, ProjectStore.create(path, project))
    command = commands.SetProjectField("commune", "Nouveau nom")
    inverse = session.execute(command)
    assert store.open_project(path).commune == "Nouveau nom"
    session.execute(inverse)
    assert store.open_project(path).commune == "Val-Test"
    session.close()


def test_failed_save_rolls_the_edit_back(tmp_path):
    project = sample_project()
    path = tmp_path / "p.carto"
    session = EditSession(project, ProjectStore.create(path, project))
    before = copy.deepcopy(project)
    original_posts = project.posts
    project.posts = [*original_posts, Post(1, "doublon")]  # violates the primary key when the posts are saved
    with pytest.raises(StoreError, match="n'a pas pu être enregistrée"):
        session.execute(commands.SetProjectField("commune", "X", touches=frozenset({"meta", "posts"})))
    project.posts = original_posts
    assert project.commune == before.commune
    assert store.open_project(path) == before
    session.close()


def test_save_as_copies_with_the_backup_api(tmp_path):
    project = sample_project()
    session = EditSession(project, ProjectStore.create(tmp_path / "a.carto", project))
    session.save_as(tmp_path / "b.carto")
    session.execute(commands.SetProjectField("commune", "Copie"))
    assert store.open_project(tmp_path / "a.carto").commune == "Val-Test"
    assert store.open_project(tmp_path / "b.carto").commune == "Copie"
    session.close()


def test_files_that_are_not_projects(tmp_path):
    garbage = tmp_path / "garbage.carto"
    garbage.write_bytes(b"\x00\x01not a database at all" * 100)
    with pytest.raises(NotAProjectError, match="n'est pas un projet Cartographie"):
        store.open_project(garbage)
    other = tmp_path / "other.carto"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(NotAProjectError, match="n'est pas un projet Cartographie"):
        store.open_project(other)
    with pytest.raises(StoreError, match="introuvable"):
        store.open_project(tmp_path / "absent.carto")


def test_newer_file_is_refused_clearly(tmp_path):
    path = tmp_path / "p.carto"
    ProjectStore.create(path, sample_project()).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {store.SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(NewerVersionError, match="version plus récente"):
        store.open_project(path)


def test_truncated_or_damaged_file_is_refused_clearly(tmp_path):
    path = tmp_path / "p.carto"
    project = sample_project()
    project.posts = [Post(i, f"Poste {i}" * 20) for i in range(1, 3000)]
    ProjectStore.create(path, project).close()
    data = path.read_bytes()
    truncated = tmp_path / "truncated.carto"
    truncated.write_bytes(data[: len(data) // 2])
    with pytest.raises(StoreError) as info:
        store.open_project(truncated)
    assert "endommagé" in str(info.value) or "illisible" in str(info.value)
    damaged = tmp_path / "damaged.carto"
    middle = len(data) // 2
    damaged.write_bytes(data[:middle] + b"\xff" * 4096 + data[middle + 4096:])
    with pytest.raises(StoreError):
        store.open_project(damaged)


def test_no_personal_data_unless_asked(tmp_path):
    project = sample_project()
    path = tmp_path / "p.carto"
    ProjectStore.create(path, project).close()
    with ProjectStore.open(path) as opened:
        assert opened.load_with_personal()[1] == {}
    ProjectStore.create(path, project, personal={1: {"nom": "DUPONT"}}).close()
    with ProjectStore.open(path) as opened:
        assert opened.load_with_personal()[1] == {1: {"nom": "DUPONT"}}


WRITER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from cartographie_desktop.core.model import Decision, DecisionKind
    from cartographie_desktop.core.commands import SetDecision
    from cartographie_desktop.io.session import EditSession
    session = EditSession.open(Path(sys.argv[1]))
    n = 0
    while True:
        n += 1
        decision = Decision(DecisionKind.OVERRIDE, "ACC-01", f"A-{n:05d}", value=0.5, reason="r" * 200)
        session.execute(SetDecision(decision))
        sys.stdout.write(f"{n}\\n")
        sys.stdout.flush()
""")


@pytest.mark.slow
def test_kill_9_during_edits_never_breaks_the_file(tmp_path):
    """SIGKILL at random moments: the file always opens, passes integrity_check, and holds every acknowledged edit."""
    import random

    path = tmp_path / "p.carto"
    ProjectStore.create(path, sample_project()).close()
    rng = random.Random(20261121)
    for _ in range(15):
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE, text=True,
                                cwd=ROOT)
        time.sleep(rng.uniform(0.3, 1.2))
        proc.kill()
        output, _ = proc.communicate()
        acknowledged = [int(line) for line in output.split()]
        project = store.open_project(path)  # includes PRAGMA integrity_check
        overrides = {d.activity for d in project.decisions.values() if d.kind == DecisionKind.OVERRIDE}
        if acknowledged:
            assert f"A-{acknowledged[-1]:05d}" in overrides
        assert not list(tmp_path.glob("*-journal")) or store.open_project(path)


@pytest.mark.slow
def test_kill_9_during_creation_leaves_old_or_new(tmp_path):
    import random

    path = tmp_path / "p.carto"
    ProjectStore.create(path, sample_project()).close()
    script = textwrap.dedent("""
        import sys
        from pathlib import Path
        from cartographie_desktop.core.model import Post, Project
        from cartographie_desktop.io.store import ProjectStore
        project = Project(commune="Nouvelle", posts=[Post(i, f"Poste {i}") for i in range(1, 200_000)])
        ProjectStore.create(Path(sys.argv[1]), project).close()
    """)
    rng = random.Random(7)
    for _ in range(5):
        proc = subprocess.Popen([sys.executable, "-c", script, str(path)], cwd=ROOT)
        time.sleep(rng.uniform(0.2, 1.5))
        proc.kill()
        proc.wait()
        project = store.open_project(path)
        assert project.commune in {"Val-Test", "Nouvelle"}
        if project.commune == "Nouvelle":
            assert len(project.posts) == 199_999


# --- what a killed program leaves behind ------------------------------------------------------------------------


def _leave_hot_journal(path: Path) -> None:
    """A writer killed in the middle of a transaction: the file and its `-journal` beside it, as SIGKILL leaves them."""
    script = textwrap.dedent("""
        import sqlite3, sys, time
        conn = sqlite3.connect(sys.argv[1], isolation_level=None)
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.execute("PRAGMA cache_size = 5")  # spill changed pages to the file before the commit
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("UPDATE meta SET value = 'Moitié' WHERE key = 'commune'")
        conn.executemany("INSERT INTO posts (id, title, fte) VALUES (?, ?, 1)",
                         ((i, "x" * 300) for i in range(100, 5000)))
        print("READY", flush=True)
        time.sleep(60)
    """)
    proc = subprocess.Popen([sys.executable, "-c", script, str(path)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "READY"
    proc.kill()
    proc.wait()
    journal = path.with_name(path.name + "-journal")
    assert journal.is_file()
    assert journal.stat().st_size > 0


def test_read_only_open_after_a_kill_mid_edit_rolls_the_edit_back(tmp_path):
    """The window and `summary` open read-only first: a hot journal must not make the file « not a project »."""
    path = tmp_path / "p.carto"
    ProjectStore.create(path, sample_project()).close()
    _leave_hot_journal(path)
    project = store.open_project(path, read_only=True)
    assert project == sample_project()
    assert not path.with_name(path.name + "-journal").exists()


def test_hot_journal_on_a_read_only_medium_is_explained(tmp_path, monkeypatch):
    path = tmp_path / "p.carto"
    ProjectStore.create(path, sample_project()).close()
    _leave_hot_journal(path)
    real_connect = sqlite3.connect

    def read_only_medium(target, *args, **kwargs):  # what a CD-ROM or a read-only share answers
        if not kwargs.get("uri"):
            raise sqlite3.OperationalError("attempt to write a readonly database")
        return real_connect(target, *args, **kwargs)

    monkeypatch.setattr(store.sqlite3, "connect", read_only_medium)
    with pytest.raises(StoreError, match=r"interrompu pendant un enregistrement.*p\.carto-journal"):
        store.open_project(path, read_only=True)


def test_stale_temporary_files_are_removed_on_the_next_write(tmp_path):
    path = tmp_path / "commune.carto"
    old = [tmp_path / ".commune-abc123_z.tmp", tmp_path / ".commune-abc123_z.tmp-journal"]
    young = tmp_path / ".commune-young123.tmp"
    others = [tmp_path / ".autre-abc123_z.tmp", tmp_path / "commune-abc123_z.tmp", tmp_path / ".commune-x.tmp"]
    for leftover in [*old, young, *others]:
        leftover.write_bytes(b"half a project")
    an_hour_ago = time.time() - 3600
    for leftover in [*old, *others]:
        os.utime(leftover, (an_hour_ago, an_hour_ago))
    ProjectStore.create(path, sample_project()).close()
    assert not any(p.exists() for p in old)
    assert young.exists()  # may be another window's write in progress
    assert all(p.exists() for p in others)  # not ours
    assert store.open_project(path) == sample_project()


# --- files edited by hand (an SQLite tool) ----------------------------------------------------------------------


HAND_EDITS = {
    "a CHECK bypassed": ("PRAGMA ignore_check_constraints = ON; UPDATE posts SET fte = -1 WHERE id = 1;",
                         "données illisibles"),
    "a status outside the CHECK": ("PRAGMA ignore_check_constraints = ON; UPDATE matches SET status = 'peut-être';",
                                   "données illisibles"),
    "text where a number goes": ("UPDATE posts SET fte = 'beaucoup' WHERE id = 2;", "données illisibles.*posts"),
    "a blob where a title goes": ("UPDATE posts SET title = X'00FF' WHERE id = 2;", "données illisibles.*posts"),
    "a fraction of an agent": ("UPDATE posts SET headcount = 2.5 WHERE id = 2;", "données illisibles.*posts"),
    "a table dropped": ("DROP TABLE decisions;", "table « decisions » incomplète"),
    "a column dropped": ("ALTER TABLE posts DROP COLUMN budget;", "table « posts » incomplète"),
    "a workshop's JSON broken": ("UPDATE workshops SET data = substr(data, 1, 40);", "données illisibles.*atelier"),
    "a workshop nested to death": ("UPDATE workshops SET data = '{\"v\": 1, \"x\": ' || replace(hex(zeroblob(50000)),"
                                   " '00', '[') || '}';", "données illisibles.*atelier"),
    "alternatives of the wrong shape": ("UPDATE matches SET alternatives = '[[\"ACC-01\"]]';",
                                        "données illisibles.*matches"),
    "a decision of an unknown kind": ("UPDATE decisions SET kind = 'magie';", "données illisibles.*decisions"),
    # Found by scripts/fuzz_readers.py: a score of 1e308 opened, then the scoring overflowed.
    "a score out of range": ("UPDATE decisions SET value = 1e308;", "données illisibles.*decisions"),
    "an added activity without a score": ("UPDATE decisions SET value = NULL;", "données illisibles.*decisions"),
    "a million FTE on a line": ("UPDATE posts SET fte = 1e7 WHERE id = 1;", "données illisibles.*posts"),
    # Found by scripts/fuzz_readers.py: two sheets with one id opened, then no workshop edit could be saved.
    "a workshop's id changed in its document": ("UPDATE workshops SET data = json_set(data, '$.id', 'autre');",
                                                "données illisibles.*atelier"),
    "the column mapping not a mapping": ("UPDATE meta SET value = '[1, 2]' WHERE key = 'mapping';",
                                         "correspondance des colonnes"),
    "an assignment to no post": ("INSERT INTO post_jobs (post_id, job_code) VALUES (999, 'ACC-01');",
                                 "références entre tables incohérentes"),
    "a wrong user_version": ("PRAGMA user_version = 0;", "format inconnu"),
}


@pytest.mark.parametrize("edit", HAND_EDITS, ids=list(HAND_EDITS))
def test_a_file_edited_by_hand_is_refused_in_french(tmp_path, edit):
    statement, message = HAND_EDITS[edit]
    path = tmp_path / "p.carto"
    ProjectStore.create(path, sample_project()).close()
    conn = sqlite3.connect(path)
    conn.executescript(statement)
    conn.close()
    for read_only in (True, False):
        with pytest.raises(store.CorruptProjectError, match=message):
            store.open_project(path, read_only=read_only)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_a_new_project_file_has_the_usual_permissions(tmp_path):
    """mkstemp's owner-only mode used to pass to the project through the rename (a colleague could not open it)."""
    previous = os.umask(0o022)
    try:
        ProjectStore.create(tmp_path / "p.carto", sample_project()).close()
    finally:
        os.umask(previous)
    assert (tmp_path / "p.carto").stat().st_mode & 0o777 == 0o644


def test_a_file_cut_one_byte_short_is_refused_not_read_with_a_zero(tmp_path):
    """SQLite reads a missing end of page as zeros: integrity_check passed and a post's text changed silently."""
    path = tmp_path / "p.carto"
    project = sample_project()
    project.posts = [Post(i, f"Poste {i}", source=f"Effectifs, ligne {i}") for i in range(1, 400)]
    ProjectStore.create(path, project).close()
    data = path.read_bytes()
    for cut in (1, 512, 4095):
        path.write_bytes(data[:-cut])
        for read_only in (True, False):
            with pytest.raises(store.CorruptProjectError, match="incomplet"):
                store.open_project(path, read_only=read_only)


def test_damaged_schema_text_is_a_damaged_project(tmp_path):
    """Found by scripts/fuzz_readers.py: sqlite3 failed to decode its own error message quoting the damaged schema,
    and a UnicodeDecodeError escaped the opener."""
    path = tmp_path / "p.carto"
    ProjectStore.create(path, sample_project()).close()
    data = bytearray(path.read_bytes())
    at = data.find(b"filiere TEXT NOT NULL")
    assert at > 0
    data[at + 21: at + 117] = b"\xff" * 96  # the columns up to `sexe` overwritten, as the fuzzer did
    path.write_bytes(bytes(data))
    for read_only in (True, False):
        with pytest.raises(store.CorruptProjectError, match="endommagé"):
            store.open_project(path, read_only=read_only)
