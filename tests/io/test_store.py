from __future__ import annotations

import copy
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
