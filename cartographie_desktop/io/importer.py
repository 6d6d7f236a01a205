"""The import pipeline: staffing file → posts (`io.staffing`) → one match per distinct title (`core.matching`) →
`Project` → `.carto` file (`io.store`, written atomically).

`prepare` builds the project without writing it (the wizard writes only on « Terminer »); `import_file` does
everything and is what `cartographie import` runs. Both return an `ImportReport`, the object `import --json`
prints (DESIGN.md, « Stable interfaces »). Names, NIR and dates of birth never reach the project unless the user
explicitly asked to keep them (`keep_personal=True`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from cartographie_desktop.core import referentiel
from cartographie_desktop.core.matching import match_posts
from cartographie_desktop.core.model import ImportIssue, ImportResult, MatchStatus, Project, TitleMatch
from cartographie_desktop.core.referentiel import Referentiel
from cartographie_desktop.core.text import fold, format_fte, format_number, plural
from cartographie_desktop.io.store import SUFFIX, ProjectStore, StoreError

Progress = Callable[[float, str], None]  # (share done in [0, 1], French step name)
MAX_WARNINGS = 200  # beyond, one line says how many more (a 100 000-line payroll file may have many)
PREAMBLE_ROWS = 30  # a title block sits in the first rows

# Steps' shares of the progress bar: reading dominates, matching and writing are quick.
_READ_SHARE, _MATCH_SHARE = 0.85, 0.1


@dataclass(slots=True)
class ImportReport:
    """What an import did, line by line accounted for; `to_json()` is the object `import --json` prints."""

    lines_in: int
    imported: int
    merged: int
    set_aside: list[dict[str, Any]]  # {"line", "reason"}
    matches: list[dict[str, Any]]  # {"title", "code", "label", "confidence", "status", "agents", "suggestions"}
    warnings: list[str]
    source_name: str = ""
    sheet: str = ""
    commune: str = ""
    year: int = 0
    agents: int = 0
    fte: float = 0.0
    project: str = ""  # the written file's name, once written

    @property
    def to_check(self) -> int:
        return sum(m["status"] == MatchStatus.TO_CHECK.value for m in self.matches)

    @property
    def balanced(self) -> bool:
        """Every line read is imported, merged or set aside: nothing disappeared silently."""
        return self.lines_in == self.imported + self.merged + len(self.set_aside)

    def to_json(self) -> dict[str, Any]:
        return {
            "lines_in": self.lines_in,
            "imported": self.imported,
            "merged": self.merged,
            "set_aside": self.set_aside,
            "matches": self.matches,
            "warnings": self.warnings,
            "source": self.source_name,
            "sheet": self.sheet,
            "commune": self.commune,
            "year": self.year,
            "agents": self.agents,
            "fte": round(self.fte, 4),
            "auto": sum(m["status"] == MatchStatus.AUTO.value for m in self.matches),
            "to_check": self.to_check,
            "project": self.project,
        }

    def summary_fr(self) -> str:
        """A few lines for a person (the CLI without `--json`)."""
        titles = len(self.matches)
        lines = [
            f"{plural(self.lines_in, 'ligne')} lue{'s' if self.lines_in > 1 else ''} : "
            f"{plural(self.imported, 'poste')} importé{'s' if self.imported > 1 else ''}, "
            f"{format_number(self.merged)} fusionnée{'s' if self.merged > 1 else ''}, "
            f"{format_number(len(self.set_aside))} écartée{'s' if len(self.set_aside) > 1 else ''}.",
            f"{plural(self.agents, 'agent')}, {format_fte(self.fte)} ETP.",
            f"{plural(titles, 'intitulé')} de poste : {format_number(titles - self.to_check)} rattaché"
            f"{'s' if titles - self.to_check > 1 else ''} à un métier, {format_number(self.to_check)} à vérifier.",
        ]
        if self.project:
            lines.insert(0, f"Projet « {self.project} » enregistré"
                            + (f" pour {self.commune}" if self.commune else "") + ".")
        if self.to_check:
            lines.append("Ouvrez le projet pour choisir le métier des intitulés à vérifier.")
        return "\n".join(lines)


@dataclass(slots=True)
class PreparedImport:
    """A project ready to be written, the report about it, and (only when the user asked) the personal data."""

    project: Project
    report: ImportReport
    personal: dict[int, dict[str, str]] = field(default_factory=dict)
    issues: list[ImportIssue] = field(default_factory=list)  # every issue of the read, for the wizard's « Valeurs »

    def write(self, out_path: Path, *, overwrite: bool = False) -> Path:
        """Write the project file atomically; refuse to replace an existing file unless told to."""
        out_path = project_path(out_path)
        if out_path.exists() and not overwrite:
            raise StoreError(f"Le fichier « {out_path.name} » existe déjà : choisissez un autre nom "
                             "(ou demandez explicitement à le remplacer).")
        store = ProjectStore.create(out_path, self.project, self.personal or None)
        store.close()
        self.report.project = out_path.name
        return out_path


def project_path(path: Path) -> Path:
    """`commune` → `commune.carto`; a name with another extension (`effectifs.xlsx`) is refused, never overwritten."""
    path = Path(path)
    if not path.suffix:
        return path.with_suffix(SUFFIX)
    if path.suffix.lower() != SUFFIX:
        raise StoreError(f"Le projet doit être un fichier « {SUFFIX} » (reçu « {path.name} »).")
    return path


# --- commune and year from the title block ----------------------------------------------------------------------

_COMMUNE = re.compile(
    r"\b(?:commune|mairie|ville|centre communal d'action sociale|ccas)\s+(?:de\s+la\s+|de\s+l['’]\s*|des\s+|du\s+|"
    r"de\s+|d['’]\s*)?(?P<name>[^\s—–\-:,;()0-9][^—–:,;()]*?)(?=\s*(?:[—–:,;(]|\s-\s|$|\s\d|\s+tableau\b|"
    r"\s+effectifs?\b|\s+au\s+\d))",
    re.IGNORECASE,
)
_YEAR_HINT = re.compile(r"\b(?:au|du|le|en|année|annee|exercice|budget|effectifs?)\b[^0-9]{0,20}"
                        r"(?:\d{1,2}[/.\-]\d{1,2}[/.\-])?(?P<year>(?:19|20)\d{2})\b", re.IGNORECASE)
_ANY_YEAR = re.compile(r"\b(?P<year>20\d{2})\b")


def guess_commune(lines: Iterable[str]) -> str:
    """« COMMUNE DE VAL-FLEURI — Tableau des effectifs » → « Val-Fleuri ». Empty when no line names a commune."""
    for line in lines:
        text = " ".join(str(line).split())
        found = _COMMUNE.search(text)
        if found:
            name = found.group("name").strip(" .-'’")
            if name and len(name) <= 60 and fold(name) not in {"", "la", "le", "les"}:
                return _title_case(name)
    return ""


def _title_case(name: str) -> str:
    """VAL-FLEURI → Val-Fleuri, SAINT-JEAN-DE-LUZ → Saint-Jean-de-Luz; a name typed in mixed case is kept."""
    if name != name.upper():
        return name
    small = {"de", "du", "des", "la", "le", "les", "sur", "sous", "en", "et", "aux", "lès", "lez"}
    parts = re.split(r"([\s\-'’])", name.lower())
    return "".join(part[:1].upper() + part[1:] if i == 0 or part not in small else part
                   for i, part in enumerate(parts))


def guess_year(lines: Iterable[str]) -> int | None:
    """« Tableau des effectifs au 01/01/2026 » → 2026; None when the title block gives no year."""
    texts = [" ".join(str(line).split()) for line in lines]
    for pattern in (_YEAR_HINT, _ANY_YEAR):
        for text in texts:
            found = pattern.search(text)
            if found:
                return int(found.group("year"))
    return None


# --- building the project ---------------------------------------------------------------------------------------


def _warnings(result: ImportResult, matches: dict[str, TitleMatch]) -> list[str]:
    warnings = []
    for issue in result.issues:
        if issue.kind in ("value", "warning"):
            where = f"Ligne {issue.line} : " if issue.line else ""
            if issue.sheet and issue.line:
                where = f"Feuille « {issue.sheet} », ligne {issue.line} : "
            warnings.append(where + issue.message)
    if len(warnings) > MAX_WARNINGS:
        extra = len(warnings) - MAX_WARNINGS
        warnings = [*warnings[:MAX_WARNINGS], f"… et {plural(extra, 'autre avertissement', 'autres avertissements')}."]
    to_check = sum(m.status == MatchStatus.TO_CHECK for m in matches.values())
    if to_check:
        warnings.append(f"{plural(to_check, 'intitulé')} de poste sans métier certain : à vérifier dans le projet.")
    if not result.posts:
        warnings.append("Aucun poste n'a été importé.")
    return warnings


def _set_aside(result: ImportResult) -> list[dict[str, Any]]:
    return [{"line": issue.line, "reason": issue.message} for issue in result.set_aside]


def _match_rows(project: Project, ref: Referentiel) -> list[dict[str, Any]]:
    agents: dict[str, int] = {}
    for post in project.posts:
        agents[post.title_key] = agents.get(post.title_key, 0) + post.headcount
    rows = []
    for key in sorted(project.matches):
        match = project.matches[key]
        job = ref.jobs.get(match.job_code) if match.job_code else None
        rows.append({
            "title": match.title,
            "code": match.job_code,
            "label": job.label if job else None,
            "confidence": round(match.confidence, 4),
            "status": match.status.value,
            "agents": agents.get(key, 0),
            "suggestions": [
                {"code": code, "label": ref.jobs[code].label if code in ref.jobs else code,
                 "confidence": round(score, 4)}
                for code, score in match.alternatives],
        })
    return rows


def build_project(result: ImportResult, ref: Referentiel, *, commune: str | None = None, year: int | None = None,
                  keep_personal: bool = False, source_name: str = "",
                  preamble: Iterable[str] | None = None) -> PreparedImport:
    """Match the read posts and assemble the project and its report; writes nothing.

    `preamble`: the lines above the table's header (« COMMUNE DE … », « … au 01/01/2026 »), where the commune and
    the year are found when not given.
    """
    preamble = list(preamble or ())
    matches = match_posts(result.posts, ref)
    project = Project(
        commune=(commune or "").strip() or guess_commune(preamble),
        year=year or guess_year(preamble) or date.today().year,
        posts=list(result.posts),
        matches=matches,
        mapping=dict(result.mapping),
        source_name=Path(source_name or result.source_name).name,
    )
    report = ImportReport(
        lines_in=result.lines_in,
        imported=result.imported,
        merged=result.merged,
        set_aside=_set_aside(result),
        matches=_match_rows(project, ref),
        warnings=_warnings(result, matches),
        source_name=project.source_name,
        sheet=result.sheet,
        commune=project.commune,
        year=project.year,
        agents=sum(p.headcount for p in project.posts),
        fte=sum(p.fte for p in project.posts),
    )
    personal = dict(result.personal) if keep_personal else {}
    return PreparedImport(project, report, personal, list(result.issues))


def _scaled(progress: Progress | None, start: float, share: float) -> Callable[..., None] | None:
    """The reader's progress mapped into [start, start + share] of the whole import."""
    if progress is None:
        return None

    def report(done: float, *rest: object) -> None:
        total = rest[0] if rest and isinstance(rest[0], int | float) and not isinstance(rest[0], bool) else None
        fraction = done / total if total else done
        progress(start + share * max(0.0, min(1.0, float(fraction))), "Lecture du fichier")

    return report


def _preamble_rows(table: Any, header_row: int | None) -> list[str]:
    """The text of the rows above the header (1-based `header_row` in the source), one string per row."""
    if table is None or not header_row:
        return []
    lines = []
    for number, row in zip(table.row_numbers, table.rows, strict=False):
        if number >= header_row:
            break
        # a title merged across the sheet repeats its text in every cell it covers: once is enough
        text = " ".join(dict.fromkeys(str(cell).strip() for cell in row if str(cell).strip()))
        if text:
            lines.append(text)
    return lines


def prepare(path: Path, *, sheet: str | None = None, commune: str | None = None, year: int | None = None,
            keep_personal: bool = False, ref: Referentiel | None = None, progress: Progress | None = None,
            cancelled: Callable[[], bool] | None = None, **read_options: Any) -> PreparedImport:
    """Read and match a staffing file; `StaffingError` (French) when the file cannot be used.

    `read_options` go to `read_staffing` (`header_row`, `mapping` chosen in the wizard).
    """
    from cartographie_desktop.io import staffing

    path = Path(path)
    try:  # the first rows, for the title block; the reader keeps the file it read for `read_staffing`
        preview = staffing.read_table(path, sheet, max_rows=PREAMBLE_ROWS)
    except staffing.StaffingError:
        preview = None  # read_staffing says what is wrong
    result = staffing.read_staffing(path, sheet=sheet, keep_personal=keep_personal,
                                    progress=_scaled(progress, 0.0, _READ_SHARE), cancelled=cancelled,
                                    **read_options)
    if cancelled is not None and cancelled():
        raise staffing.ImportCancelled()
    if progress:
        progress(_READ_SHARE, "Rattachement des intitulés aux métiers")
    preamble = _preamble_rows(preview, result.header_row)
    # « paie_2024.csv »: without a year above the table, the file's name may give it
    year = year or guess_year(preamble) or guess_year([re.sub(r"[_.]+", " ", path.stem)])
    prepared = build_project(result, ref or referentiel.load(), commune=commune, year=year,
                             keep_personal=keep_personal, source_name=path.name, preamble=preamble)
    if progress:
        progress(_READ_SHARE + _MATCH_SHARE, "Projet prêt")
    return prepared


def import_file(path: Path, out_path: Path, *, sheet: str | None = None, commune: str | None = None,
                year: int | None = None, keep_personal: bool = False, overwrite: bool = False,
                ref: Referentiel | None = None, progress: Progress | None = None,
                cancelled: Callable[[], bool] | None = None) -> ImportReport:
    """Read, match and write the project file in one go (what `cartographie import` does)."""
    out_path = project_path(out_path)
    if out_path.exists() and not overwrite:  # before the (long) read, not after
        raise StoreError(f"Le fichier « {out_path.name} » existe déjà : choisissez un autre nom "
                         "(ou demandez explicitement à le remplacer).")
    if Path(path).resolve() == out_path.resolve():
        raise StoreError("Le projet ne peut pas remplacer le fichier des effectifs lui-même.")
    prepared = prepare(path, sheet=sheet, commune=commune, year=year, keep_personal=keep_personal, ref=ref,
                       progress=progress, cancelled=cancelled)
    if cancelled is not None and cancelled():
        from cartographie_desktop.io.staffing import ImportCancelled

        raise ImportCancelled()
    if progress:
        progress(_READ_SHARE + _MATCH_SHARE, "Enregistrement du projet")
    prepared.write(out_path, overwrite=overwrite)
    if progress:
        progress(1.0, "Terminé")
    return prepared.report
