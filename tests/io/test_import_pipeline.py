"""End to end with the real readers: the demo staffing table → `.carto`, accounting, and no personal data anywhere
in the written file (its bytes and every table)."""

from __future__ import annotations

import importlib.util
import sqlite3
import sys
from datetime import date
from pathlib import Path

import pytest

from cartographie_desktop.core import referentiel
from cartographie_desktop.core.text import fold
from cartographie_desktop.io import importer
from cartographie_desktop.io.store import open_project

pytest.importorskip("cartographie_desktop.io.staffing", reason="the staffing-table readers are not merged yet")

ROOT = Path(__file__).resolve().parents[2]
DEMO_XLSX = ROOT / "data" / "demo" / "val-fleuri-effectifs.xlsx"


def _build_demo_module():
    spec = importlib.util.spec_from_file_location("build_demo", ROOT / "scripts" / "build_demo.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("build_demo", module)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def demo():
    return _build_demo_module()


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "val-fleuri.carto"
    report = importer.import_file(DEMO_XLSX, path, ref=referentiel.load())
    return path, report


def _workbook_content(path):
    """What a reader sees: every cell's value, merged ranges, hidden columns (the bytes depend on the XML writer)."""
    from openpyxl import load_workbook

    wb = load_workbook(path)
    return [(ws.title, [[c.value for c in row] for row in ws.iter_rows()], sorted(map(str, ws.merged_cells.ranges)),
             sorted(k for k, d in ws.column_dimensions.items() if d.hidden)) for ws in wb.worksheets]


def test_demo_file_is_the_one_the_script_builds(demo, tmp_path):
    rows = demo.people()
    demo.write_xlsx(tmp_path / "rebuilt.xlsx", rows)
    assert _workbook_content(tmp_path / "rebuilt.xlsx") == _workbook_content(DEMO_XLSX), "run scripts/build_demo.py"


def test_demo_import_posts_fte_and_accounting(imported, demo):
    path, report = imported
    rows = demo.people()
    project = open_project(path)
    assert report.imported == len(rows) == len(project.posts) == 44
    assert report.balanced
    assert sum(p.fte for p in project.posts) == pytest.approx(sum(demo.fte_of(r["time"]) for r in rows), abs=0.01)
    assert sum(p.sexe == "F" for p in project.posts) == sum(r["sex"] in ("F", "Mme") for r in rows)
    # Exactly the filière sub-headings and the TOTAL row are set aside, each with its reason.
    from openpyxl import load_workbook

    sheet = load_workbook(DEMO_XLSX, read_only=True).active
    structure = {i for i, row in enumerate(sheet.iter_rows(values_only=True), start=1)
                 if str(row[0] or "").startswith(("FILIÈRE", "TOTAL"))}
    assert {entry["line"] for entry in report.set_aside} == structure
    assert len(structure) == 7
    reasons = [entry["reason"] for entry in report.set_aside]
    assert all(reasons)
    assert any("total" in r.casefold() for r in reasons)
    assert sum("FILIÈRE" in r for r in reasons) == 6
    assert project.commune == "Val-Fleuri"
    assert project.year == 2026
    assert project.source_name == DEMO_XLSX.name
    statuses = {p.status for p in project.posts}
    assert {"titulaire", "contractuel", "apprenti", "stagiaire"} <= statuses
    assert {fold(r["title"]) for r in rows} == set(project.matches)


def test_demo_titles_all_match_a_job(imported, demo):
    """Every title matches automatically, but those the demo script confirms by hand, whose job is suggested."""
    _, report = imported
    pending = {m["title"]: m for m in report.matches if m["code"] is None}
    assert set(pending) <= set(demo.CONFIRMATIONS), f"titles without a job: {sorted(pending)}"
    for title, match in pending.items():
        assert demo.CONFIRMATIONS[title] in [s["code"] for s in match["suggestions"]]


def _personal_strings(demo) -> list[str]:
    values = []
    for row in demo.people():
        birth: date = row["birth"]
        values += [row["last"], row["first"], row["matricule"], birth.strftime("%d/%m/%Y"), birth.isoformat(),
                   birth.strftime("%d/%m/%y")]
    return values


def test_no_personal_data_in_the_project_file(imported, demo):
    path, _ = imported
    raw = path.read_bytes()
    found_in_bytes = [s for s in _personal_strings(demo)
                      if s.encode("utf-8") in raw or s.encode("utf-16-le") in raw or s.encode("utf-16-be") in raw]
    assert not found_in_bytes
    with sqlite3.connect(path) as conn:
        tables = [name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        assert "personal_data" in tables
        assert conn.execute("SELECT COUNT(*) FROM personal_data").fetchone()[0] == 0
        cells = [str(value) for table in tables for row in conn.execute(f'SELECT * FROM "{table}"') for value in row]
    text = "\n".join(cells)
    assert not [s for s in _personal_strings(demo) if s in text]
    assert not Path(str(path) + "-journal").exists()


def test_keep_personal_only_when_asked(tmp_path, demo):
    report = importer.import_file(DEMO_XLSX, tmp_path / "avec.carto", keep_personal=True, ref=referentiel.load())
    assert report.imported == 44
    with sqlite3.connect(tmp_path / "avec.carto") as conn:
        stored = {value for (value,) in conn.execute("SELECT value FROM personal_data")}
        posts_text = " ".join(str(v) for row in conn.execute("SELECT * FROM posts") for v in row)
    first = demo.people()[0]
    assert first["last"] in stored
    assert first["last"] not in posts_text  # only ever in personal_data


def test_prepare_writes_nothing(tmp_path):
    prepared = importer.prepare(DEMO_XLSX, ref=referentiel.load())
    assert list(tmp_path.iterdir()) == []
    assert len(prepared.project.posts) == 44
    prepared.write(tmp_path / "p.carto")
    assert open_project(tmp_path / "p.carto").posts == prepared.project.posts


def test_progress_reaches_the_end_and_cancel_stops(tmp_path):
    from cartographie_desktop.io.staffing import ImportCancelled

    seen: list[float] = []
    importer.import_file(DEMO_XLSX, tmp_path / "a.carto", ref=referentiel.load(),
                         progress=lambda share, step: seen.append(share))
    assert seen
    assert seen == sorted(seen)
    assert seen[-1] == 1.0
    with pytest.raises(ImportCancelled):
        importer.import_file(DEMO_XLSX, tmp_path / "b.carto", ref=referentiel.load(), cancelled=lambda: True)
    assert not (tmp_path / "b.carto").exists()


def test_shipped_demo_project_is_up_to_date(tmp_path, demo):
    """The shipped `val-fleuri.carto` is what the script builds from the shipped xlsx and référentiel today (if not:
    `python scripts/build_demo.py`, e.g. after the référentiel changed)."""
    path = tmp_path / "val-fleuri.carto"
    importer.import_file(DEMO_XLSX, path, ref=referentiel.load())
    demo.confirm_matches(path)
    demo.apply_decisions(path)
    demo.add_workshops(path)
    rebuilt, shipped = open_project(path), open_project(ROOT / "data" / "demo" / "val-fleuri.carto")
    assert rebuilt.posts == shipped.posts
    assert rebuilt.matches == shipped.matches
    assert rebuilt.decisions == shipped.decisions
    assert rebuilt.workshops == shipped.workshops
    assert (rebuilt.commune, rebuilt.year, rebuilt.source_name) == (shipped.commune, shipped.year,
                                                                      shipped.source_name)


STAFFING = ROOT / "tests" / "data" / "staffing"


def test_title_merged_across_the_sheet_gives_the_commune(tmp_path):
    """« COMMUNE DE SAINT-EXEMPLE » merged over ten cells is one title, not ten (the commune was lost)."""
    prepared = importer.prepare(STAFFING / "mairie_titre_fusion.xlsx", ref=referentiel.load())
    assert (prepared.project.commune, prepared.project.year) == ("Saint-Exemple", 2025)


def test_year_from_the_file_name_when_no_title_block(tmp_path):
    prepared = importer.prepare(STAFFING / "paie_2024.csv", ref=referentiel.load())
    assert prepared.project.year == 2024
    assert importer.prepare(STAFFING / "paie_2024.csv", ref=referentiel.load(), year=2023).project.year == 2023


def test_prepared_import_keeps_every_issue_for_the_wizard():
    prepared = importer.prepare(STAFFING / "paie_2024.csv", ref=referentiel.load())
    kinds = [issue.kind for issue in prepared.issues]
    assert kinds.count("set_aside") == len(prepared.report.set_aside) == 3
    assert any(issue.kind == "value" and issue.column == "Période" and issue.value == "Décembre"
               for issue in prepared.issues)
