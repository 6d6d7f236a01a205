"""The project file (`.carto`): one SQLite database per commune and year.

- Every change is committed at once, in one transaction (rollback journal, `synchronous=FULL`): a kill at any moment
  leaves the previous or the new state, and a file copied by the user while the program runs is complete.
- A new file is written beside its destination and renamed over it, so a crash never leaves half a project.
- On open: our `application_id`, a schema version we know, `PRAGMA integrity_check`; otherwise a French `StoreError`.
- No personal data: names, NIR and dates of birth are never written, unless the user explicitly opted in at import
  (then they go to `personal_data`, and nowhere else).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from cartographie_desktop import __version__
from cartographie_desktop.core.model import (
    DEFAULT_INDEX,
    DEFAULT_PRIVACY_K,
    INDEXES,
    Decision,
    DecisionKind,
    MatchStatus,
    Post,
    Project,
    TitleMatch,
)

SUFFIX = ".carto"
APPLICATION_ID = 0x43415254  # "CART"
SCHEMA_VERSION = 1

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE posts (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    grade TEXT NOT NULL DEFAULT '',
    categorie TEXT NOT NULL DEFAULT '',
    filiere TEXT NOT NULL DEFAULT '',
    direction TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT '',
    sexe TEXT NOT NULL DEFAULT '',
    fte REAL NOT NULL CHECK (fte >= 0),
    headcount INTEGER NOT NULL DEFAULT 1 CHECK (headcount >= 0),
    budget TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT ''
);
CREATE TABLE matches (
    key TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    job_code TEXT,
    confidence REAL NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('auto', 'confirme', 'a_verifier')),
    alternatives TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE post_jobs (
    post_id INTEGER PRIMARY KEY REFERENCES posts (id) ON DELETE CASCADE,
    job_code TEXT NOT NULL
);
CREATE TABLE decisions (
    kind TEXT NOT NULL,
    job TEXT NOT NULL,
    activity TEXT NOT NULL,
    value REAL,
    reason TEXT NOT NULL DEFAULT '',
    author TEXT NOT NULL DEFAULT '',
    date TEXT NOT NULL DEFAULT '',
    label TEXT NOT NULL DEFAULT '',
    ilo_links TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (kind, job, activity)
);
CREATE TABLE workshops (
    id TEXT PRIMARY KEY,
    position INTEGER NOT NULL,
    data TEXT NOT NULL
);
CREATE TABLE personal_data (
    post_id INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    field TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (post_id, field)
);
"""


class StoreError(Exception):
    """A project file that cannot be opened or written, explained in French."""


class NotAProjectError(StoreError):
    pass


class NewerVersionError(StoreError):
    pass


class CorruptProjectError(StoreError):
    pass


# --- (de)serialising the workshops section: the workshop feature registers its codec here ---------------------

def _identity_dump(item: object) -> tuple[str, dict]:
    if isinstance(item, dict) and "id" in item:
        return str(item["id"]), item
    raise StoreError("Atelier illisible : identifiant manquant.")


workshop_dump = _identity_dump  # (item) -> (id, json-able dict)
workshop_load = dict  # (dict) -> item


def _connect(path: Path, read_only: bool = False) -> sqlite3.Connection:
    if read_only:
        uri = path.resolve().as_uri() + "?mode=ro"
        conn = sqlite3.connect(uri, uri=True, isolation_level=None)
    else:
        conn = sqlite3.connect(str(path), isolation_level=None)  # we open transactions ourselves
    return conn


def _configure_for_writing(conn: sqlite3.Connection) -> None:
    """Only once the file is known to be ours: these pragmas would change someone else's database."""
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute("PRAGMA synchronous = FULL")


@contextlib.contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _write_meta(conn: sqlite3.Connection, project: Project) -> None:
    meta = {
        "commune": project.commune,
        "year": str(project.year or ""),
        "index": project.index,
        "privacy_k": str(project.privacy_k),
        "source_name": project.source_name,
        "mapping": json.dumps(project.mapping, ensure_ascii=False),
        "extra": json.dumps(project.extra, ensure_ascii=False),
        "app_version": __version__,
    }
    conn.execute("DELETE FROM meta WHERE key != 'created_with'")
    conn.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", meta.items())


def _write_posts(conn: sqlite3.Connection, posts: Iterable[Post]) -> None:
    conn.execute("DELETE FROM posts")
    conn.executemany(
        "INSERT INTO posts (id, title, grade, categorie, filiere, direction, status, sexe, fte, headcount, budget,"
        " source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ((p.id, p.title, p.grade, p.categorie, p.filiere, p.direction, p.status, p.sexe, float(p.fte),
          int(p.headcount), p.budget, p.source) for p in posts),
    )


def _write_matches(conn: sqlite3.Connection, matches: Iterable[TitleMatch]) -> None:
    conn.execute("DELETE FROM matches")
    conn.executemany(
        "INSERT INTO matches (key, title, job_code, confidence, status, alternatives) VALUES (?, ?, ?, ?, ?, ?)",
        ((m.key, m.title, m.job_code, float(m.confidence), m.status.value,
          json.dumps([[code, round(conf, 4)] for code, conf in m.alternatives])) for m in matches),
    )


def _write_post_jobs(conn: sqlite3.Connection, post_jobs: dict[int, str]) -> None:
    conn.execute("DELETE FROM post_jobs")
    conn.executemany("INSERT INTO post_jobs (post_id, job_code) VALUES (?, ?)", sorted(post_jobs.items()))


def _write_decisions(conn: sqlite3.Connection, decisions: Iterable[Decision]) -> None:
    conn.execute("DELETE FROM decisions")
    conn.executemany(
        "INSERT INTO decisions (kind, job, activity, value, reason, author, date, label, ilo_links)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ((d.kind.value, d.job, d.activity, d.value, d.reason, d.author, d.date, d.label,
          json.dumps([[isco, task] for isco, task in d.ilo_links])) for d in decisions),
    )


def _write_workshops(conn: sqlite3.Connection, workshops: list) -> None:
    conn.execute("DELETE FROM workshops")
    rows = []
    for position, item in enumerate(workshops):
        key, data = workshop_dump(item)
        rows.append((key, position, json.dumps(data, ensure_ascii=False, sort_keys=True)))
    conn.executemany("INSERT INTO workshops (id, position, data) VALUES (?, ?, ?)", rows)


def _write_personal(conn: sqlite3.Connection, personal: dict[int, dict[str, str]]) -> None:
    conn.executemany(
        "INSERT INTO personal_data (post_id, field, value) VALUES (?, ?, ?)",
        ((post_id, name, value) for post_id, fields in personal.items() for name, value in fields.items() if value),
    )


SECTION_WRITERS = {
    "meta": _write_meta,
    "posts": lambda conn, p: _write_posts(conn, p.posts),
    "matches": lambda conn, p: _write_matches(conn, p.matches.values()),
    "post_jobs": lambda conn, p: _write_post_jobs(conn, p.post_jobs),
    "decisions": lambda conn, p: _write_decisions(conn, p.decisions.values()),
    "workshops": lambda conn, p: _write_workshops(conn, p.workshops),
}
ALL_SECTIONS = tuple(SECTION_WRITERS)


def _check(conn: sqlite3.Connection, path: Path) -> None:
    name = path.name
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise NotAProjectError(
            f"« {name} » n'est pas un projet Cartographie (fichier illisible ou d'un autre type).") from exc
    if app_id != APPLICATION_ID:
        raise NotAProjectError(f"« {name} » n'est pas un projet Cartographie.")
    if version > SCHEMA_VERSION:
        raise NewerVersionError(
            f"« {name} » a été créé par une version plus récente du programme (format {version}). "
            "Installez la dernière version de Cartographie IA des métiers pour l'ouvrir.")
    try:
        result = conn.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.DatabaseError as exc:
        raise CorruptProjectError(f"Le projet « {name} » est endommagé et ne peut pas être ouvert.") from exc
    if result != [("ok",)]:
        raise CorruptProjectError(f"Le projet « {name} » est endommagé et ne peut pas être ouvert.")


def _read(conn: sqlite3.Connection) -> tuple[Project, dict[int, dict[str, str]]]:
    meta = dict(conn.execute("SELECT key, value FROM meta"))
    index = meta.get("index", DEFAULT_INDEX)
    project = Project(
        commune=meta.get("commune", ""),
        year=int(meta["year"]) if meta.get("year", "").isdigit() else 0,
        index=index if index in INDEXES else DEFAULT_INDEX,
        privacy_k=int(meta["privacy_k"]) if meta.get("privacy_k", "").isdigit() else DEFAULT_PRIVACY_K,
        source_name=meta.get("source_name", ""),
        mapping=json.loads(meta.get("mapping") or "{}"),
        extra=json.loads(meta.get("extra") or "{}"),
    )
    project.posts = [
        Post(id=row[0], title=row[1], grade=row[2], categorie=row[3], filiere=row[4], direction=row[5],
             status=row[6], sexe=row[7], fte=row[8], headcount=row[9], budget=row[10], source=row[11])
        for row in conn.execute("SELECT id, title, grade, categorie, filiere, direction, status, sexe, fte,"
                                " headcount, budget, source FROM posts ORDER BY id")
    ]
    for key, title, job_code, confidence, status, alternatives in conn.execute(
            "SELECT key, title, job_code, confidence, status, alternatives FROM matches"):
        project.matches[key] = TitleMatch(
            title=title, job_code=job_code, confidence=confidence, status=MatchStatus(status),
            alternatives=tuple((str(code), float(conf)) for code, conf in json.loads(alternatives)))
    project.post_jobs = dict(conn.execute("SELECT post_id, job_code FROM post_jobs"))
    for kind, job, activity, value, reason, author, date, label, links in conn.execute(
            "SELECT kind, job, activity, value, reason, author, date, label, ilo_links FROM decisions"):
        decision = Decision(DecisionKind(kind), job, activity, value=value, reason=reason, author=author,
                            date=date, label=label,
                            ilo_links=tuple((str(isco), int(task)) for isco, task in json.loads(links)))
        project.decisions[decision.key] = decision
    project.workshops = [workshop_load(json.loads(data))
                         for (data,) in conn.execute("SELECT data FROM workshops ORDER BY position")]
    personal: dict[int, dict[str, str]] = {}
    for post_id, name, value in conn.execute("SELECT post_id, field, value FROM personal_data"):
        personal.setdefault(post_id, {})[name] = value
    return project, personal


class ProjectStore:
    """An open `.carto` file. `persist(project, sections)` writes those sections in one transaction."""

    def __init__(self, path: Path, conn: sqlite3.Connection, read_only: bool = False) -> None:
        self.path = Path(path)
        self._conn = conn
        self.read_only = read_only

    # -- opening ------------------------------------------------------------------------------------------------

    @classmethod
    def create(cls, path: Path, project: Project, personal: dict[int, dict[str, str]] | None = None) -> ProjectStore:
        """Write a whole new project file atomically (temporary file in the same folder, then rename)."""
        path = Path(path)
        folder = path.parent if str(path.parent) else Path(".")
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fd, tmp_name = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".tmp", dir=folder)
            os.close(fd)
        except OSError as exc:
            raise StoreError(f"Impossible d'écrire dans le dossier « {folder} » : {exc.strerror or exc}.") from exc
        tmp = Path(tmp_name)
        try:
            conn = _connect(tmp)
            try:
                _configure_for_writing(conn)
                conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                conn.executescript(SCHEMA)  # a temporary file: no one sees it before the rename
                with _transaction(conn):
                    conn.execute("INSERT INTO meta (key, value) VALUES ('created_with', ?)", (__version__,))
                    for section in ALL_SECTIONS:
                        SECTION_WRITERS[section](conn, project)
                    if personal:
                        _write_personal(conn, personal)
            finally:
                conn.close()
            os.replace(tmp, path)
        except sqlite3.Error as exc:
            tmp.unlink(missing_ok=True)
            raise StoreError(f"Le projet n'a pas pu être enregistré : {exc}.") from exc
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise StoreError(f"Le projet n'a pas pu être enregistré : {exc.strerror or exc}.") from exc
        return cls.open(path)

    @classmethod
    def open(cls, path: Path, read_only: bool = False) -> ProjectStore:
        path = Path(path)
        if not path.is_file():
            raise StoreError(f"Le fichier « {path.name} » est introuvable.")
        try:
            conn = _connect(path, read_only=read_only)
        except sqlite3.Error as exc:
            raise StoreError(f"Impossible d'ouvrir « {path.name} » : {exc}.") from exc
        try:
            _check(conn, path)
            if not read_only:
                _configure_for_writing(conn)
        except sqlite3.Error as exc:
            conn.close()
            raise StoreError(f"Impossible d'ouvrir « {path.name} » en écriture : {exc}.") from exc
        except BaseException:
            conn.close()
            raise
        return cls(path, conn, read_only)

    def load(self) -> Project:
        return self.load_with_personal()[0]

    def load_with_personal(self) -> tuple[Project, dict[int, dict[str, str]]]:
        try:
            return _read(self._conn)
        except (sqlite3.Error, ValueError, KeyError, TypeError) as exc:
            raise CorruptProjectError(
                f"Le projet « {self.path.name} » contient des données illisibles ({exc}).") from exc

    # -- writing ------------------------------------------------------------------------------------------------

    def persist(self, project: Project, sections: Iterable[str]) -> None:
        """Write the given sections of the project in one transaction; nothing is written if anything fails."""
        if self.read_only:
            raise StoreError("Ce projet est ouvert en lecture seule.")
        sections = [s for s in ALL_SECTIONS if s in set(sections)]
        if not sections:
            return
        try:
            with _transaction(self._conn):
                for section in sections:
                    SECTION_WRITERS[section](self._conn, project)
        except sqlite3.Error as exc:
            raise StoreError(f"La modification n'a pas pu être enregistrée : {exc}.") from exc

    def save_as(self, path: Path) -> ProjectStore:
        """Copy the project to a new file with SQLite's backup API; the copy becomes the open project."""
        path = Path(path)
        folder = path.parent if str(path.parent) else Path(".")
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".tmp", dir=folder)
        os.close(fd)
        tmp = Path(tmp_name)
        try:
            target = sqlite3.connect(str(tmp))
            try:
                self._conn.backup(target)
            finally:
                target.close()
            os.replace(tmp, path)
        except (sqlite3.Error, OSError) as exc:
            tmp.unlink(missing_ok=True)
            raise StoreError(f"La copie « {path.name} » n'a pas pu être enregistrée : {exc}.") from exc
        self.close()
        return ProjectStore.open(path)

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self._conn.close()

    def __enter__(self) -> ProjectStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_project(path: Path, read_only: bool = False) -> Project:
    with ProjectStore.open(path, read_only=read_only) as store:
        return store.load()


def demo_path() -> Path:
    from cartographie_desktop.paths import data_dir

    return data_dir() / "demo" / f"val-fleuri{SUFFIX}"


def load_demo() -> Project:
    """The shipped demo commune, in memory (the shipped file is never written)."""
    path = demo_path()
    if not path.exists():
        raise StoreError("La commune exemple n'est pas livrée avec cette version.")
    return open_project(path, read_only=True)


def copy_demo(destination: Path) -> Path:
    """A writable copy of the demo commune, for a person who wants to try edits on it."""
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(demo_path(), destination)
    return destination
