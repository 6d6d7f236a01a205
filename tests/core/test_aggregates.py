from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cartographie_desktop.core import aggregates
from cartographie_desktop.core.model import MatchStatus, Post, Project, TitleMatch
from cartographie_desktop.core.scoring import BANDS, Band, score_project
from cartographie_desktop.core.summary import summary

from .test_commands import make_project


def test_aggregates_of_a_small_project(mini_ref):
    project = make_project()
    agg = aggregates.compute(project, score_project(project, mini_ref))
    assert agg.agents == 4
    assert agg.fte == pytest.approx(3.8)
    assert agg.assigned_agents == 3
    assert agg.bands[Band.CONCERNE].agents == 2
    assert agg.bands[Band.CONCERNE].fte == pytest.approx(1.8)
    assert agg.bands[Band.PAS].agents == 1
    assert agg.unmatched_titles == ["Chargé de mission"]
    assert agg.exposed_share == pytest.approx(2 / 3)
    assert agg.by["sexe"]["F"][Band.CONCERNE].agents == 2
    assert set(agg.by["direction"]) == {"Accueil", "Technique"}  # the unmatched post has no band, no cell
    assert sum(agg.task_share.values()) == pytest.approx(1.0)


def test_task_share_is_weighted_by_agents(mini_ref):
    project = make_project()
    results = score_project(project, mini_ref)
    agg = aggregates.compute(project, results)
    # Two agents on ACC-01 and one on PRO-01, each agent's 5 activities counting 1/5 of that agent.
    acc = [a.band for a in results["ACC-01"].activities]
    pro = [a.band for a in results["PRO-01"].activities]
    for band in BANDS:
        expected = (2 * acc.count(band) / 5 + pro.count(band) / 5) / 3
        assert agg.task_share[band] == pytest.approx(expected)
    assert agg.task_share[Band.PAS] == pytest.approx(4 / 15)


def test_mask_small():
    assert aggregates.mask_small(2, 3) == "< 3"
    assert aggregates.mask_small(0, 3) == 0
    assert aggregates.mask_small(3, 3) == 3


post_strategy = st.builds(
    lambda title, cat, sexe, fte, count: (title, cat, sexe, fte, count),
    st.sampled_from(["Agent d'accueil", "Agt entretien", "Inconnu"]), st.sampled_from(["A", "B", "C", ""]),
    st.sampled_from(["F", "H", ""]), st.floats(0, 1), st.integers(0, 4),
)


@settings(max_examples=50, deadline=None)
@given(st.lists(post_strategy, max_size=40))
def test_breakdowns_sum_to_the_totals(mini_ref, rows):
    posts = [Post(i + 1, t, categorie=c, sexe=s, fte=f, headcount=n) for i, (t, c, s, f, n) in enumerate(rows)]
    project = Project(posts=posts)
    for title, code in (("Agent d'accueil", "ACC-01"), ("Agt entretien", "PRO-01"), ("Inconnu", None)):
        status = MatchStatus.AUTO if code else MatchStatus.TO_CHECK
        project.matches[Post(0, title).title_key] = TitleMatch(title, code, 1.0, status)
    agg = aggregates.compute(project, score_project(project, mini_ref))
    assert agg.agents == sum(p.headcount for p in posts)
    assert agg.assigned_agents + agg.unmatched_agents == agg.agents
    assert sum(agg.bands[b].agents for b in BANDS) == agg.assigned_agents
    assert sum(agg.bands[b].fte for b in BANDS) == pytest.approx(agg.assigned_fte)
    for dim in aggregates.DIMENSIONS:
        assert sum(cell[b].agents for cell in agg.by[dim].values() for b in BANDS) == agg.assigned_agents
    data = summary(project, mini_ref)
    assert sum(v["agents"] for v in data["bands"].values()) == data["assigned_agents"]
    assert sum(job["agents"] for job in data["jobs"]) == data["assigned_agents"]
