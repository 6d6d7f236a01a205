"""The results workbook read back with openpyxl: sheets, fills, no formula anywhere, values equal to summary()."""

from __future__ import annotations

import openpyxl
import pytest

from cartographie_desktop.core import palette
from cartographie_desktop.core.scoring import BAND_LABELS, BANDS, Band
from cartographie_desktop.core.summary import summary
from cartographie_desktop.report.data import ReportCancelled
from cartographie_desktop.report.excel import build_workbook
from cartographie_desktop.report.options import ReportError, ReportOptions

from . import fixtures

BAND_BY_LABEL = {label: band for band, label in BAND_LABELS.items()}


def _rows(ws, header_row: int = 1):
    header = [c.value for c in ws[header_row]]
    for row in ws.iter_rows(min_row=header_row + 1, values_only=True):
        yield dict(zip(header, row, strict=False))


def _fill(cell) -> str:
    return "#" + str(cell.fill.fgColor.rgb)[-6:].upper()


def test_sheets_and_metadata(commune_workbook):
    path, _, _ = commune_workbook
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Synthèse", "Métiers", "Activités", "Agrégats", "Décisions"]  # no workshop yet
    assert wb.properties.creator == "Cartographie IA des métiers"
    assert wb.properties.language == "fr-FR"
    assert "Val-Fleuri-Test" in wb.properties.title


def test_no_cell_is_a_formula_and_typed_formulas_stay_text(commune_workbook):
    path, _, _ = commune_workbook
    wb = openpyxl.load_workbook(path)
    for ws in wb:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
    decisions = list(_rows(wb["Décisions"]))
    reasons = [row["Motif"] for row in decisions]
    assert '=HYPERLINK("http://exemple.invalid") : texte saisi tel quel, jamais une formule' in reasons
    assert "+DGS" in [row["Auteur"] for row in decisions]
    cell = next(c for row in wb["Décisions"].iter_rows() for c in row if c.value == "+DGS")
    assert cell.data_type == "s"
    assert cell.quotePrefix


def test_jobs_sheet_equals_summary_and_is_filled_by_band(commune_workbook):
    path, _, s = commune_workbook
    ws = openpyxl.load_workbook(path)["Métiers"]
    rows = list(_rows(ws))
    assert [r["Code"] for r in rows] == [j["code"] for j in s["jobs"]]
    for n, (row, job) in enumerate(zip(rows, s["jobs"], strict=True), start=2):
        assert row["Métier"] == job["label"]
        assert row["Agents"] == job["agents"]
        assert row["ETP"] == pytest.approx(job["fte"])
        assert row["Score"] == pytest.approx(job["score"])
        assert row["Écart type"] == pytest.approx(job["sd"])
        assert row["Score retenu"] == pytest.approx(job["retained_score"])
        band = Band(job["band"])
        assert row["Bande"] == BAND_LABELS[band]
        for col in (1, 2, 8, 13):
            assert _fill(ws.cell(row=n, column=col)) == palette.BAND_COLOURS[band]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:M{len(rows) + 1}"
    assert ws.cell(row=2, column=6).number_format == "0.00"
    assert ws.cell(row=2, column=5).number_format == "#,##0.00"
    assert ws.column_dimensions["B"].width > len("Métier")  # widths fit their content
    longest = max(len(r["Métier"]) for r in rows)
    assert ws.column_dimensions["B"].width >= longest


def test_synthesis_and_bands_equal_summary(commune_workbook):
    path, _, s = commune_workbook
    ws = openpyxl.load_workbook(path)["Synthèse"]
    values = {row[0]: row[1] for row in ws.iter_rows(values_only=True) if row[0]}
    assert values["Agents au tableau des effectifs"] == s["agents"]
    assert values["ETP au tableau des effectifs"] == pytest.approx(s["fte"])
    assert values["Agents rattachés à un métier"] == s["assigned_agents"]
    assert values["Part des agents dans un métier concerné ou très concerné"] == pytest.approx(s["exposed_share"])
    assert values["Décisions de la commune"] == s["decisions"]
    header = next(r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=1).value == "Bande")
    for offset, band in enumerate(BANDS, start=1):
        row = [c.value for c in ws[header + offset]]
        assert row[0] == BAND_LABELS[band]
        assert row[1] == s["bands"][band.value]["agents"]
        assert row[2] == pytest.approx(s["bands"][band.value]["fte"])
        assert row[3] == s["retained_bands"][band.value]["agents"]
        assert row[5] == pytest.approx(s["task_share"][band.value])
        assert _fill(ws.cell(row=header + offset, column=1)) == palette.BAND_COLOURS[band]


def test_activities_sheet_lists_every_activity_with_its_ilo_link(commune_workbook, ref):
    path, project, s = commune_workbook
    ws = openpyxl.load_workbook(path)["Activités"]
    rows = list(_rows(ws))
    from cartographie_desktop.core.scoring import score_project

    results = score_project(project, ref)
    assert len(rows) == sum(len(results[j["code"]].activities) for j in s["jobs"])
    custom = next(r for r in rows if r["Code activité"] == "SEC-01-C01")
    assert custom["Origine du score"] == "commune"
    assert custom["Score"] == pytest.approx(0.55)
    assert custom["Tâches de l'OIT"] == "3343:1"
    excluded = [r for r in rows if r["Non exercée"] == "oui"]
    assert len(excluded) == 1
    kept = [r for r in rows if r["Conservée humaine"] == "oui"]
    assert {r["Code métier"] for r in kept} == {"ACC-01", "ACC-02"}


def test_aggregates_equal_summary_with_the_same_privacy_rule(commune_workbook):
    path, _, s = commune_workbook
    ws = openpyxl.load_workbook(path)["Agrégats"]
    cells = [[c.value for c in row] for row in ws.iter_rows()]
    ensembles = [row for row in cells if row[0] == "Ensemble"]
    assert len(ensembles) == 4
    for row in ensembles:  # totals stay exact
        assert row[1:5] == [s["bands"][b.value]["agents"] for b in BANDS]
        assert row[5] == s["assigned_agents"]
    for row in cells:
        for value in row[1:6]:
            if isinstance(value, int):
                assert value == 0 or value >= 3, row  # never a count of 1 or 2 people
            else:
                assert value in (None, "< 3", "n.\u00a0d.") or (isinstance(value, str) and not value[0].isdigit())
    hommes = next(row for row in cells if row[0] == "Hommes")
    assert hommes[1] == s["by_sexe"]["H"]["pas_concerne"] == 12


def test_small_commune_hides_the_small_cells(tmp_path, ref):
    project = fixtures.small_project(ref)
    path = tmp_path / "petit.xlsx"
    build_workbook(project, ref, path)
    ws = openpyxl.load_workbook(path)["Agrégats"]
    cells = [[c.value for c in row] for row in ws.iter_rows()]
    police = next(row for row in cells if row[0] == "Police municipale")
    assert police[1:6] == ["< 3"] * 5
    hommes = next(row for row in cells if row[0] == "Hommes")
    assert hommes[1] == 4
    assert "< 3" in hommes[2:5]
    assert 1 not in hommes
    assert summary(project, ref)["by_sexe"]["H"]["concerne"] == 1  # the figure that must not be readable


def test_workshop_and_training_sheets_appear_when_there_are_workshops(tmp_path):
    from cartographie_desktop.core import referentiel
    from cartographie_desktop.io import workshops_codec

    ref = referentiel.load()
    if not {"ACC-01", "ADM-02", "DIR-03"} <= set(ref.jobs):
        pytest.skip("the demo workshops' jobs are not in the shipped référentiel")
    project = fixtures.shipped_project(ref)
    workshops_codec.add_demo_workshops(project, ref)
    path = tmp_path / "ateliers.xlsx"
    build_workbook(project, ref, path)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[-2:] == ["Ateliers", "Plan de formation"]
    sheets = list(_rows(wb["Ateliers"]))
    assert len(sheets) == len(project.workshops) == 3
    assert {row["Code métier"] for row in sheets} == {"ACC-01", "ADM-02", "DIR-03"}
    plan = list(_rows(wb["Plan de formation"]))
    assert plan
    assert all(row["Besoin"] for row in plan)
    agents = {row["Code métier"]: row["Agents occupant le métier"] for row in plan}
    assert agents["ACC-01"] == 3  # three agents d'accueil in the commune: not under k
    for row in wb["Plan de formation"].iter_rows():
        for cell in row:
            assert cell.data_type != "f"


def test_cancel_and_unwritable_destination(tmp_path, ref):
    project = fixtures.small_project(ref)
    with pytest.raises(ReportCancelled):
        build_workbook(project, ref, tmp_path / "x.xlsx", cancelled=lambda: True)
    assert not list(tmp_path.iterdir())
    with pytest.raises(ReportError, match="Impossible d'écrire"):
        build_workbook(project, ref, "/dev/null/x.xlsx")


def test_k_option_changes_what_is_hidden(tmp_path, ref):
    project = fixtures.commune_project(ref)
    path = tmp_path / "k5.xlsx"
    build_workbook(project, ref, path, ReportOptions(k=5))
    cells = [[c.value for c in row] for row in openpyxl.load_workbook(path)["Agrégats"].iter_rows()]
    assert any("< 5" in row for row in cells)
    for row in cells:
        for value in row[1:6]:
            assert not isinstance(value, int) or value == 0 or value >= 5 or row[0] == "Ensemble"
