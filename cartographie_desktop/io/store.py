"""The project file (`.carto`): one SQLite database per commune and year.

- Every change is committed at once, in one transaction (rollback journal, `synchronous=FULL`): a kill at any moment
  leaves the previous or the new state, and a file copied by the user while the program runs is complete.
- A new file is written beside its destination and renamed over it, so a crash never leaves half a project.
- A program killed while writing a new file leaves `.<name>-xxxxxxxx.tmp` beside it: the next write of that project
  removes those older than ten minutes (`io.files`) (a younger one may belong to a program still writing).
- A program killed in the middle of an edit leaves `<name>.carto-journal` beside the file (a *hot journal*): SQLite
  rolls it back on the next read-write open. A read-only open cannot, so it first lets a read-write connection do it.
- On open: our `application_id`, a schema version we know, `PRAGMA integrity_check` and `foreign_key_check`, our
  tables and columns; on reading, every value is checked for its type and range (a file edited by hand with an SQLite
  tool can hold a text where a number goes). Otherwise a French `StoreError`, never another exception.
- No personal data: names, NIR and dates of birth are never written, unless the user explicitly opted in at import
  (then they go to `personal_data`, and nowhere else).
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import shutil
import sqlite3
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
from cartographie_desktop.io.files import (  # noqa: F401 (clean_stale_temporaries: part of this module's API)
    clean_stale_temporaries,
    new_temporary,
    remove_temporary,
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


DAMAGED = "Le projet « {name} » est endommagé et ne peut pas être ouvert."
EDITED = ("Le projet « {name} » contient des données illisibles ({where}) : il a sans doute été modifié en dehors du "
          "programme, ou endommagé.")
BUSY_CODES = {getattr(sqlite3, "SQLITE_BUSY", 5), getattr(sqlite3, "SQLITE_LOCKED", 6)}


# What SQLite raises on a damaged file: sqlite3 itself fails to decode an error message quoting damaged schema text
# as UTF-8 (found by scripts/fuzz_readers.py: a UnicodeDecodeError from `PRAGMA page_count`).
DAMAGE = (sqlite3.DatabaseError, UnicodeDecodeError)


def _busy(exc: BaseException) -> bool:
    return isinstance(exc, sqlite3.Error) and (getattr(exc, "sqlite_errorcode", None) in BUSY_CODES
                                               or "locked" in str(exc))


def _busy_error(name: str) -> StoreError:
    return StoreError(f"« {name} » est en cours d'enregistrement par un autre programme : réessayez dans un instant.")


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


def _expected_columns() -> dict[str, set[str]]:
    """Our tables and their columns, read from SCHEMA itself (one source of truth)."""
    tables: dict[str, set[str]] = {}
    for statement in SCHEMA.split(";"):
        found = re.search(r"CREATE TABLE (\w+) \((.*)\)", statement, re.S)
        if found:
            tables[found.group(1)] = {line.split()[0] for line in found.group(2).splitlines()
                                      if line.strip() and not line.split()[0].isupper()}
    return tables


EXPECTED_COLUMNS = _expected_columns()


def _check(conn: sqlite3.Connection, path: Path) -> None:
    name = path.name
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except DAMAGE as exc:
        if _busy(exc):
            raise _busy_error(name) from exc
        raise NotAProjectError(
            f"« {name} » n'est pas un projet Cartographie (fichier illisible ou d'un autre type).") from exc
    if app_id != APPLICATION_ID:
        raise NotAProjectError(f"« {name} » n'est pas un projet Cartographie.")
    if version > SCHEMA_VERSION:
        raise NewerVersionError(
            f"« {name} » a été créé par une version plus récente du programme (format {version}). "
            "Installez la dernière version de Cartographie IA des métiers pour l'ouvrir.")
    if version < 1:
        raise CorruptProjectError(f"Le projet « {name} » indique un format inconnu ({version}) : il a sans doute été "
                                  "modifié en dehors du programme.")
    try:
        # A file cut short (a copy interrupted, a power cut) can pass integrity_check: SQLite reads the missing end
        # of its last page as zeros, which may be inside a record. Its header says how long it must be.
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        size = path.stat().st_size
        if size < page_size * pages or size % page_size:
            raise CorruptProjectError(f"Le projet « {name} » est incomplet (fichier coupé, par exemple par une copie "
                                      "interrompue) : il ne peut pas être ouvert.")
        result = conn.execute("PRAGMA integrity_check").fetchall()
        if result == [("ok",)]:
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            for table, columns in EXPECTED_COLUMNS.items():
                have = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")} if table in tables else set()
                if not columns <= have:
                    raise CorruptProjectError(EDITED.format(name=name, where=f"table « {table} » incomplète"))
            if conn.execute("PRAGMA foreign_key_check").fetchone() is not None:
                raise CorruptProjectError(EDITED.format(name=name, where="références entre tables incohérentes"))
    except (*DAMAGE, OSError) as exc:
        if _busy(exc):
            raise _busy_error(name) from exc
        raise CorruptProjectError(DAMAGED.format(name=name)) from exc
    if result != [("ok",)]:
        if all(str(line[0]).startswith(("CHECK constraint failed", "NULL value in")) for line in result):
            # Pages intact, but values a hand edit forced past the schema's rules (a read-write check sees them).
            raise CorruptProjectError(EDITED.format(name=name, where="règles de la structure non respectées"))
        raise CorruptProjectError(DAMAGED.format(name=name))


def _recover_hot_journal(path: Path) -> None:
    """Let a read-write connection roll back what a killed program left half-written (see the module docstring)."""
    journal = path.with_name(path.name + "-journal")
    try:
        if not journal.is_file() or journal.stat().st_size == 0:
            return
    except OSError:
        return
    try:
        conn = sqlite3.connect(str(path), isolation_level=None)
        try:
            conn.execute("PRAGMA application_id").fetchone()  # any read rolls a hot journal back
        finally:
            conn.close()
    except sqlite3.Error as exc:
        if _busy(exc):
            raise _busy_error(path.name) from exc
        raise StoreError(
            f"« {path.name} » a été interrompu pendant un enregistrement et ne peut pas être remis en état ici "
            f"(dossier en lecture seule ?) : copiez-le, avec le fichier « {journal.name} » qui est à côté, dans un "
            "dossier modifiable, puis ouvrez la copie.") from exc


class _Bad(ValueError):
    """A value of the wrong type or out of range; its text says where (French, for the message)."""


def _str(value: object, where: str) -> str:
    if not isinstance(value, str):
        raise _Bad(where)
    return value


def _num(value: object, where: str, *, low: float = -math.inf, high: float = math.inf) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise _Bad(where)
    if isinstance(value, float) and not math.isfinite(value):
        raise _Bad(where)
    return value


def _count(value: object, where: str, high: int = 10**9) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= high:
        raise _Bad(where)
    return value


MAX_POST_FTE = 1e6  # a budget-annex line counts several posts, never a million
# What the edit factories of core/commands.py accept: a score in [0, 1], a weight in ]0, 100].
DECISION_RANGES = {DecisionKind.OVERRIDE: (0.0, 1.0), DecisionKind.CUSTOM: (0.0, 1.0),
                   DecisionKind.WEIGHT: (0.0, 100.0)}


def _enum(kind: type, value: object, where: str):
    try:
        return kind(value)
    except ValueError as exc:
        raise _Bad(where) from exc


def _digits(value: str, longest: int) -> int | None:
    return int(value) if re.fullmatch(rf"[0-9]{{1,{longest}}}", value) else None


def _json(text: object, where: str, kind: type) -> object:
    try:
        value = json.loads(_str(text, where))
    except (ValueError, RecursionError) as exc:
        raise _Bad(where) from exc
    if not isinstance(value, kind):
        raise _Bad(where)
    return value


def _pairs(text: object, where: str) -> list[tuple[object, object]]:
    pairs = []
    for item in _json(text, where, list):
        if not isinstance(item, list) or len(item) != 2:
            raise _Bad(where)
        pairs.append((item[0], item[1]))
    return pairs


def _read(conn: sqlite3.Connection) -> tuple[Project, dict[int, dict[str, str]]]:
    meta = {_str(key, "table « meta »"): _str(value, "table « meta »")
            for key, value in conn.execute("SELECT key, value FROM meta")}
    index = meta.get("index", DEFAULT_INDEX)
    mapping = _json(meta.get("mapping") or "{}", "correspondance des colonnes", dict)
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in mapping.items()):
        raise _Bad("correspondance des colonnes")
    project = Project(
        commune=meta.get("commune", ""),
        year=_digits(meta.get("year", ""), 4) or 0,
        index=index if index in INDEXES else DEFAULT_INDEX,
        privacy_k=_digits(meta.get("privacy_k", ""), 3) or DEFAULT_PRIVACY_K,
        source_name=meta.get("source_name", ""),
        mapping=mapping,
        extra=_json(meta.get("extra") or "{}", "réglages du projet", dict),
    )
    where = "table « posts »"
    project.posts = [
        Post(id=row[0], title=_str(row[1], where), grade=_str(row[2], where), categorie=_str(row[3], where),
             filiere=_str(row[4], where), direction=_str(row[5], where), status=_str(row[6], where),
             sexe=_str(row[7], where), fte=float(_num(row[8], where, low=0, high=MAX_POST_FTE)),
             headcount=_count(row[9], where, 10**6), budget=_str(row[10], where), source=_str(row[11], where))
        for row in conn.execute("SELECT id, title, grade, categorie, filiere, direction, status, sexe, fte,"
                                " headcount, budget, source FROM posts ORDER BY id")
    ]
    where = "table « matches »"
    for key, title, job_code, confidence, status, alternatives in conn.execute(
            "SELECT key, title, job_code, confidence, status, alternatives FROM matches"):
        if job_code is not None:
            _str(job_code, where)
        project.matches[_str(key, where)] = TitleMatch(
            title=_str(title, where), job_code=job_code, confidence=float(_num(confidence, where, low=0, high=1)),
            status=_enum(MatchStatus, status, where),
            alternatives=tuple((_str(code, where), float(_num(conf, where, low=0, high=1)))
                               for code, conf in _pairs(alternatives, where)))
    where = "table « post_jobs »"
    project.post_jobs = {post_id: _str(code, where)
                         for post_id, code in conn.execute("SELECT post_id, job_code FROM post_jobs")}
    where = "table « decisions »"
    for kind, job, activity, value, reason, author, date, label, links in conn.execute(
            "SELECT kind, job, activity, value, reason, author, date, label, ilo_links FROM decisions"):
        ilo_links = tuple((isco if isinstance(isco, str) else str(_count(isco, where)), _count(task, where))
                          for isco, task in _pairs(links, where))
        kind = _enum(DecisionKind, kind, where)  # noqa: PLW2901 (the same value, typed)
        low, high = DECISION_RANGES.get(kind, (-math.inf, math.inf))
        if value is None and kind in DECISION_RANGES:
            raise _Bad(where)
        decision = Decision(kind, _str(job, where), _str(activity, where),
                            value=None if value is None else float(_num(value, where, low=low, high=high)),
                            reason=_str(reason, where),
                            author=_str(author, where), date=_str(date, where), label=_str(label, where),
                            ilo_links=ilo_links)
        project.decisions[decision.key] = decision
    where = "fiches d'atelier"
    try:
        project.workshops = []
        for key, data in conn.execute("SELECT id, data FROM workshops ORDER BY position"):
            item = workshop_load(_json(data, where, dict))
            if workshop_dump(item)[0] != key:  # the document's id is the row's: a project must save as it loads
                raise _Bad(where)
            project.workshops.append(item)
    except _Bad:
        raise
    except ValueError as exc:  # the codec's own checks, in French (WorkshopDataError is a ValueError)
        raise _Bad(f"{where} : {exc}") from exc
    except (TypeError, KeyError) as exc:
        raise _Bad(where) from exc
    personal: dict[int, dict[str, str]] = {}
    where = "table « personal_data »"
    for post_id, name, value in conn.execute("SELECT post_id, field, value FROM personal_data"):
        personal.setdefault(post_id, {})[_str(name, where)] = _str(value, where)
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
        folder = path.parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
            tmp = new_temporary(path)
        except OSError as exc:
            raise StoreError(f"Impossible d'écrire dans le dossier « {folder} » : {exc.strerror or exc}.") from exc
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
            remove_temporary(tmp)
            raise StoreError(f"Le projet n'a pas pu être enregistré : {exc}.") from exc
        except OSError as exc:
            remove_temporary(tmp)
            raise StoreError(f"Le projet n'a pas pu être enregistré : {exc.strerror or exc}.") from exc
        return cls.open(path)

    @classmethod
    def open(cls, path: Path, read_only: bool = False) -> ProjectStore:
        path = Path(path)
        if not path.is_file():
            raise StoreError(f"Le fichier « {path.name} » est introuvable.")
        if read_only:
            _recover_hot_journal(path)
        try:
            conn = _connect(path, read_only=read_only)
        except sqlite3.Error as exc:
            raise StoreError(f"Impossible d'ouvrir « {path.name} » : {exc}.") from exc
        try:
            _check(conn, path)
            if not read_only:
                _configure_for_writing(conn)
        except (sqlite3.Error, UnicodeDecodeError) as exc:
            conn.close()
            if _busy(exc):
                raise _busy_error(path.name) from exc
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
        except _Bad as exc:
            raise CorruptProjectError(EDITED.format(name=self.path.name, where=exc)) from exc
        except sqlite3.Error as exc:
            if _busy(exc):
                raise _busy_error(self.path.name) from exc
            raise CorruptProjectError(DAMAGED.format(name=self.path.name)) from exc
        except (ValueError, KeyError, TypeError, RecursionError) as exc:  # unforeseen: still our French message
            raise CorruptProjectError(EDITED.format(name=self.path.name, where="contenu inattendu")) from exc

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

    def copy_to(self, path: Path) -> Path:
        """A consistent copy of the open project (SQLite's backup API), written beside `path` then renamed over it."""
        path = Path(path)
        try:
            tmp = new_temporary(path)
        except OSError as exc:
            raise StoreError(f"La copie « {path.name} » n'a pas pu être enregistrée : {exc.strerror or exc}.") from exc
        try:
            target = sqlite3.connect(str(tmp))
            try:
                self._conn.backup(target)
            finally:
                target.close()
            os.replace(tmp, path)
        except (sqlite3.Error, OSError) as exc:
            remove_temporary(tmp)
            raise StoreError(f"La copie « {path.name} » n'a pas pu être enregistrée : {exc}.") from exc
        return path

    def save_as(self, path: Path) -> ProjectStore:
        """Copy the project to a new file; the copy becomes the open project."""
        self.copy_to(path)
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
