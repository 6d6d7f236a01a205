"""The figures of the report: breakdowns from summary(), the same hidden cells in tables and charts, themes."""

from __future__ import annotations

import pytest

from cartographie_desktop.core.aggregates import DIMENSIONS
from cartographie_desktop.core.scoring import BANDS
from cartographie_desktop.report import charts
from cartographie_desktop.report import data as rdata
from cartographie_desktop.report.options import ReportOptions

from . import fixtures


@pytest.mark.parametrize("make", [fixtures.small_project, fixtures.commune_project])
@pytest.mark.parametrize("dimension", DIMENSIONS)
def test_tables_and_charts_hide_the_same_figures(ref, make, dimension):
    data = rdata.prepare(make(ref), ref, ReportOptions())
    table = rdata.breakdown(data, dimension)
    bars = charts.group_bars(data.agg.by[dimension], dimension, data.k)
    assert [bar.label for bar in bars] == [row.label for row in table.rows]  # same groups, same order
    for bar, row in zip(bars, table.rows, strict=True):
        assert bar.hidden == row.total_hidden
        if not bar.hidden:
            assert bar.shown == {b: row.counts[b] for b in BANDS if not row.hidden[b]}
            assert bar.pooled == sum(row.counts[b] for b in BANDS if row.hidden[b])


def test_breakdowns_are_summary_json(ref):
    data = rdata.prepare(fixtures.commune_project(ref), ref, ReportOptions())
    for dimension in DIMENSIONS:
        table = rdata.breakdown(data, dimension)
        by = data.summary[f"by_{dimension}"]
        assert {row.value: {b.value: row.counts[b] for b in BANDS} for row in table.rows} == by
        assert table.total == data.summary["assigned_agents"]


def test_printed_cells_never_show_one_or_two_agents(ref):
    data = rdata.prepare(fixtures.small_project(ref), ref, ReportOptions())
    for dimension in DIMENSIONS:
        table = rdata.breakdown(data, dimension)
        for row in table.rows:
            for band in BANDS:
                assert table.cell(row, band) not in ("1", "2")
                if table.cell(row, band) in ("< 3", "n.\u00a0d."):
                    assert table.cell_share(row, band) == ""
            assert table.total_cell(row) not in ("1", "2")


def test_themes_group_the_exposed_activities(ref):
    data = rdata.prepare(fixtures.commune_project(ref), ref, ReportOptions())
    themes = rdata.themes(data)
    assert themes
    assert all(task.score >= 0.5 for theme in themes for task in theme.tasks)
    shared = {t.title for t in themes} & {label for label, _ in fixtures.SHARED.values()}
    assert shared  # activities of the same kind across jobs form one theme
    assert [t.agents for t in themes] == sorted((t.agents for t in themes), reverse=True)


def test_decision_lines_say_what_why_who_when(ref):
    data = rdata.prepare(fixtures.commune_project(ref), ref, ReportOptions())
    lines = rdata.decision_lines(data)
    assert [line.date for line in lines] == ["02/10/2026", "05/10/2026", "06/10/2026", "07/10/2026", "08/10/2026"]
    override = lines[1]
    assert override.kind == "Score modifié"
    assert override.value == "0,30"
    assert override.number == pytest.approx(0.30)
    assert override.author == "Secrétaire de mairie"
    assert lines[3].activity == "Rédiger les rapports de main courante"  # the commune's own activity
