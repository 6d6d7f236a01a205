"""Workshop sheets ↔ JSON documents: the `workshops` table of the project file (one document per sheet), the
technical copy inside an offline kit, and the demo workshops (`data/demo/ateliers.json`).

Each document carries its format version (`{"v": 1, ...}`): a newer one is refused with a French message rather than
read in part, because the store rewrites the whole table on the next edit and would lose what it did not understand.
Importing this module registers the codec with `io.store` (done by `cartographie_desktop.io` itself).
"""

from __future__ import annotations

import json
from dataclasses import asdict, fields, replace
from pathlib import Path
from typing import Any

from cartographie_desktop.core.commands import Batch, Command, EditError
from cartographie_desktop.core.model import INDEXES, Project
from cartographie_desktop.core.referentiel import Referentiel
from cartographie_desktop.core.workshops import (
    FIELD_LABELS,
    SECTIONS,
    AddSheet,
    Impact,
    WorkshopSheet,
    check_sheet,
    refresh_activities,
)
from cartographie_desktop.io import store

VERSION = 1
DEMO_FILE = "ateliers.json"


class WorkshopDataError(ValueError):
    """A workshop document that cannot be read, in French."""


def sheet_to_dict(sheet: WorkshopSheet) -> dict[str, Any]:
    data: dict[str, Any] = {"v": VERSION, "id": sheet.id, "job": sheet.job, "index": sheet.index}
    for name in FIELD_LABELS:
        value = getattr(sheet, name)
        data[name] = {"low": value.low, "high": value.high} if isinstance(value, Impact) else value
    for section, spec in SECTIONS.items():
        data[section] = [asdict(line) for line in getattr(sheet, spec.key)]
    return data


def _text(data: dict, key: str) -> str:
    value = data.get(key, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise WorkshopDataError(f"champ « {key} » : texte attendu")
    return value


def _number(value: Any, key: str, *, optional: bool = True) -> float | None:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise WorkshopDataError(f"champ « {key} » : nombre attendu")
    return float(value)


def _line(section: str, raw: Any) -> Any:
    spec = SECTIONS[section]
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str) or not raw["id"]:
        raise WorkshopDataError(f"ligne illisible dans « {spec.label} »")
    values: dict[str, Any] = {}
    for f in fields(spec.line_type):
        if f.name not in raw:
            continue
        value = raw[f.name]
        if f.name == "count":
            if isinstance(value, bool) or not isinstance(value, int):
                raise WorkshopDataError(f"« {spec.label} » : nombre de participants illisible")
        elif f.name == "score":
            value = _number(value, "score")
        elif f.name == "kept_human":
            value = bool(value)
        elif not isinstance(value, str):
            raise WorkshopDataError(f"« {spec.label} » : champ « {f.name} » illisible")
        values[f.name] = value
    return spec.line_type(**values)


def sheet_from_dict(data: Any) -> WorkshopSheet:
    """A document of the project file or a kit → a sheet; WorkshopDataError (French) when it cannot be read."""
    if not isinstance(data, dict):
        raise WorkshopDataError("fiche d'atelier illisible")
    version = data.get("v")
    if isinstance(version, int) and version > VERSION:
        raise WorkshopDataError("une fiche d'atelier a été enregistrée par une version plus récente du programme : "
                                "installez la dernière version pour ouvrir ce projet")
    if version != VERSION:
        raise WorkshopDataError("fiche d'atelier sans version de format reconnue")
    sheet_id, job = data.get("id"), data.get("job")
    if not isinstance(sheet_id, str) or not sheet_id or not isinstance(job, str) or not job:
        raise WorkshopDataError("fiche d'atelier sans identifiant ou sans métier")
    impact = data.get("impact")
    if impact is not None:
        if not isinstance(impact, dict):
            raise WorkshopDataError("impact estimé illisible")
        impact = Impact(_number(impact.get("low"), "impact", optional=False),
                        _number(impact.get("high"), "impact", optional=False))
    number = data.get("number", 1)
    if isinstance(number, bool) or not isinstance(number, int):
        raise WorkshopDataError("numéro d'atelier illisible")
    index = data.get("index", "2025")
    if index not in INDEXES:
        raise WorkshopDataError("indice OIT de la fiche illisible")
    lines: dict[str, tuple] = {}
    for section, spec in SECTIONS.items():
        raw = data.get(section, [])
        if not isinstance(raw, list):
            raise WorkshopDataError(f"rubrique « {spec.label} » illisible")
        lines[spec.key] = tuple(_line(section, item) for item in raw)
    return WorkshopSheet(
        id=sheet_id, job=job, number=number, title=_text(data, "title"), date=_text(data, "date"),
        place=_text(data, "place"), facilitator=_text(data, "facilitator"), impact=impact, index=index, **lines)


def dump(sheet: WorkshopSheet) -> tuple[str, dict[str, Any]]:
    """The store's hook: (id, JSON-able document)."""
    if not isinstance(sheet, WorkshopSheet):
        raise store.StoreError("Fiche d'atelier illisible : type inattendu.")
    return sheet.id, sheet_to_dict(sheet)


def register() -> None:
    store.workshop_dump = dump
    store.workshop_load = sheet_from_dict


# --- the demo workshops ----------------------------------------------------------------------------------------


def demo_file() -> Path:
    from cartographie_desktop.paths import data_dir

    return data_dir() / "demo" / DEMO_FILE


def read_sheets_file(path: Path) -> list[WorkshopSheet]:
    """`{"v": 1, "sheets": [document, ...]}` → sheets, each checked like a sheet typed in the form."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise WorkshopDataError(f"« {Path(path).name} » illisible : {exc}") from exc
    if not isinstance(data, dict) or data.get("v") != VERSION or not isinstance(data.get("sheets"), list):
        raise WorkshopDataError(f"« {Path(path).name} » n'est pas un fichier de fiches d'atelier (version {VERSION})")
    sheets = []
    for position, raw in enumerate(data["sheets"], start=1):
        try:
            sheets.append(check_sheet(sheet_from_dict(raw)))
        except (WorkshopDataError, EditError) as exc:
            raise WorkshopDataError(f"« {Path(path).name} », fiche {position} : {exc}") from exc
    return sheets


def demo_workshops(project: Project, ref: Referentiel, path: Path | None = None) -> Batch:
    """The shipped demo workshops as one command adding them to `project`.

    Their 2025 activities are brought up to date with the référentiel and the project's decisions (labels, scores,
    « conservée humaine »), so the demo never shows stale scores; an activity or job the référentiel does not know is
    an error, reported in French, not silently dropped.
    """
    sheets = read_sheets_file(path or demo_file())
    taken = {s.id for s in project.workshops}
    adds: list[Command] = []
    for sheet in sheets:
        job = ref.jobs.get(sheet.job)
        if job is None:
            raise WorkshopDataError(f"Atelier de démonstration : métier inconnu du référentiel « {sheet.job} »")
        known = {a.id for a in job.activities} | {d.activity for d in project.decisions_for(sheet.job)}
        unknown = sorted({line.activity for line in sheet.activities if line.activity} - known)
        unknown += sorted({p.activity for p in sheet.proposals} - known)
        if unknown:
            raise WorkshopDataError(f"Atelier de démonstration « {job.label} » : activité(s) inconnue(s) du "
                                    f"référentiel {', '.join(unknown)}")
        if sheet.id in taken:
            raise WorkshopDataError(f"Atelier de démonstration « {job.label} » : déjà présent dans le projet")
        scratch = replace(project, workshops=[replace(sheet, index=project.index)])
        refresh_activities(scratch, ref, sheet.id).apply(scratch)
        adds.append(AddSheet(scratch.workshops[0], text=f"Fiche d'atelier « {job.label} » ajoutée"))
    return Batch(tuple(adds), "Ateliers de démonstration ajoutés")


def add_demo_workshops(project: Project, ref: Referentiel, path: Path | None = None) -> Command:
    """For `scripts/build_demo.py`: add the three demo workshops to the project; returns the command undoing it."""
    return demo_workshops(project, ref, path).apply(project)
