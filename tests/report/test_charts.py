"""The chart functions shared by the window and the report: pure matplotlib, French text, band palette, privacy."""

from __future__ import annotations

import io

import pytest
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

from cartographie_desktop.core import aggregates
from cartographie_desktop.core.aggregates import Cell
from cartographie_desktop.core.model import Post, Project
from cartographie_desktop.core.palette import BAND_COLOURS
from cartographie_desktop.core.scoring import Band, score_project
from cartographie_desktop.core.text import NNBSP
from cartographie_desktop.report import charts
from tests.gui import gui_factory


@pytest.fixture(scope="module")
def data():
    ref = gui_factory.mini_referentiel()
    project = gui_factory.project_for(ref)
    results = score_project(project, ref)
    return project, results, aggregates.compute(project, results)


def texts(figure: Figure) -> list[str]:
    found = [t.get_text() for t in figure.findobj(match=lambda a: hasattr(a, "get_text"))]
    return [t for t in found if t]


def cells(**counts: int) -> dict[Band, Cell]:
    out = {band: Cell() for band in Band}
    for name, n in counts.items():
        out[Band(name)].agents = n
    return out


def test_small_groups_and_small_segments_are_masked():
    bars = charts.group_bars({
        "F": cells(pas_concerne=10, peu_concerne=2, concerne=5),
        "H": cells(pas_concerne=2),
        "non_renseigne": cells(tres_concerne=4),
    }, "sexe", k=3)
    assert [b.label for b in bars] == ["Femmes", "Hommes", "Non renseigné"]
    women, men, unknown = bars
    assert women.total == 17
    # The same cells as the report's tables are hidden (report.privacy): the 2 « peu concerné », and the 5 « concerné »
    # too, else the exact band total (5) would say that neither of the 2 men is « concerné ».
    assert women.shown == {Band.PAS: 10}
    assert women.pooled == 7
    assert men.hidden
    assert not men.shown
    assert unknown.hidden  # else 23 − 17 − 4 would give the number of men


def test_threshold_one_hides_nothing():
    bars = charts.group_bars({"F": cells(pas_concerne=1, concerne=1)}, "sexe", k=1)
    assert bars[0].pooled == 0
    assert not bars[0].hidden


def test_long_lists_are_grouped_into_others():
    many = {f"Service {n:02d}": cells(pas_concerne=5 + n) for n in range(20)}
    bars = charts.group_bars(many, "direction", k=3, max_groups=12)
    assert len(bars) == 12
    assert bars[-1].label == "Autres (9)"
    assert sum(b.total for b in bars) == sum(5 + n for n in range(20))  # totals stay exact


def test_every_chart_is_a_plain_figure_with_french_text(data):
    _project, results, agg = data
    figures = charts.all_charts(agg, list(results.values()), index="2025", k=3)
    assert list(figures) == ["bands", "tasks", "categorie", "filiere", "direction", "sexe", "scatter"]
    for figure in figures.values():
        assert isinstance(figure, Figure)
        assert figure.canvas.__class__.__name__ == "FigureCanvasBase"  # no pyplot, no GUI backend attached
    assert "Agents par bande d'exposition de leur métier" in texts(figures["bands"])
    bands_text = " ".join(texts(figures["bands"]))
    assert "24 agents" in bands_text
    assert f"56{NNBSP}%" in bands_text
    words = set(texts(figures["sexe"]))
    assert {"pas concerné", "peu concerné", "concerné", "très concerné"} <= words  # bands in words, not colour alone


def test_breakdown_writes_masks_and_percentages_with_counts(data):
    _project, _results, agg = data
    direction = " | ".join(texts(charts.breakdown(agg, "direction", k=3)))
    assert f"Culture (<{NNBSP}3)" in direction  # 2 agents: shown only as « < 3 »
    assert "moins de 3 agents : non détaillé" in direction
    assert f"100{NNBSP}% (14)" in direction  # Services techniques: all 14 pas concerné
    sexe = " | ".join(texts(charts.breakdown(agg, "sexe", k=3)))
    assert "Hommes (15)" in sexe
    assert f"80{NNBSP}% (12)" in sexe
    assert "non détaillé (moins de 3 agents, ou déductible)" in sexe  # 1 + 2 men pooled, not shown by band


def test_bars_use_the_band_palette(data):
    _project, _results, agg = data
    figure = charts.agents_by_band(agg)
    colours = [to_hex(patch.get_facecolor()).upper() for patch in figure.axes[0].patches]
    assert colours == [BAND_COLOURS[b].upper() for b in Band]


def test_scatter_draws_jobs_and_the_ilo_regions(data):
    _project, results, agg = data
    for index, expected in (("2025", "Gradient 4"), ("2023", "Potentiel\nd'automatisation")):
        figure = charts.jobs_scatter(results.values(), agg.jobs, index=index)
        words = texts(figure)
        assert expected in words
        points = sum(len(c.get_offsets()) for c in figure.axes[0].collections)
        assert points == len(results)
        assert "Gestionnaire comptable" in words  # the most exposed jobs are named
        assert "Assistant de gestion adm…" in words  # long names shortened, not clipped


def test_empty_project_gives_a_message_not_an_error():
    project = Project(commune="Vide", posts=[Post(id=1, title="Inconnu")])
    agg = aggregates.compute(project, {})
    for figure in (charts.agents_by_band(agg), charts.task_share(agg), charts.breakdown(agg, "sexe"),
                   charts.jobs_scatter([])):
        assert isinstance(figure, Figure)
    assert "Aucun agent n'est encore rattaché à un métier." in texts(charts.agents_by_band(agg))


def test_text_is_drawn_with_dejavu_and_exports_to_svg(data):
    _project, _results, agg = data
    figure = charts.breakdown(agg, "categorie")
    fonts = {t.get_fontname() for t in figure.findobj(match=lambda a: hasattr(a, "get_fontname")) if t.get_text()}
    assert fonts == {"DejaVu Sans"}
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg")
    assert buffer.getvalue().startswith("<?xml")
    assert "Catégorie A" in buffer.getvalue()  # matplotlib keeps each text as a comment beside its glyph paths


def test_data_labels_are_drawn_as_typed_not_as_math():
    bars = charts.group_bars({"Régie $eau$": cells(pas_concerne=5)}, "direction", k=3)
    assert bars[0].label == r"Régie \$eau\$"  # matplotlib shows « Régie $eau$ », not math-mode « eau »
