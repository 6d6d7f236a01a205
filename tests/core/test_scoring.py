from __future__ import annotations

import statistics

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cartographie_desktop.core.model import Decision, DecisionKind
from cartographie_desktop.core.scoring import BANDS, Band, band_for, score_job, weighted_mean_sd

scores = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)


@pytest.mark.parametrize(
    ("score", "band"),
    [(0.0, Band.PAS), (0.2449, Band.PAS), (0.245, Band.PEU), (0.25, Band.PEU), (0.4949, Band.PEU),
     (0.495, Band.CONCERNE), (0.5, Band.CONCERNE), (0.7449, Band.CONCERNE), (0.745, Band.TRES), (1.0, Band.TRES)],
)
def test_band_boundaries_belong_to_the_upper_band_after_rounding(score, band):
    assert band_for(score) == band


@given(st.lists(scores, min_size=2, max_size=14))
def test_mean_and_sd_match_a_direct_computation(values):
    mean, sd = weighted_mean_sd(values)
    assert mean == pytest.approx(statistics.fmean(values), abs=1e-12)
    assert sd == pytest.approx(statistics.stdev(values), abs=1e-9)
    assert 0.0 <= mean <= 1.0


@given(st.lists(scores, min_size=1, max_size=14), st.floats(min_value=0.1, max_value=50))
def test_equal_weights_change_nothing(values, weight):
    assert weighted_mean_sd(values, [weight] * len(values)) == pytest.approx(weighted_mean_sd(values), abs=1e-9)


@given(scores, scores)
def test_band_is_monotonic_in_score(a, b):
    low, high = sorted((a, b))
    assert band_for(low).rank <= band_for(high).rank


def test_weighted_mean_follows_weights():
    mean, _ = weighted_mean_sd([0.2, 0.8], [3, 1])
    assert mean == pytest.approx(0.35)


def test_job_score_is_the_mean_of_its_activities(mini_ref):
    job = mini_ref.job("ACC-01")
    result = score_job(job, "2025")
    expected = statistics.fmean(a.score_2025 for a in job.activities)
    assert result.technical.mean == pytest.approx(expected)
    assert result.technical.sd == pytest.approx(statistics.stdev(a.score_2025 for a in job.activities))
    assert result.band == Band.CONCERNE
    assert result.technical.ilo_category == "gradient_4"
    assert score_job(job, "2023").technical.mean == pytest.approx(0.70)
    assert score_job(mini_ref.job("PRO-01"), "2025").band == Band.PAS


def _decision(kind, activity, value=None, job="ACC-01", label=""):
    return Decision(kind, job, activity, value=value, reason="test", label=label)


def test_decisions_change_the_scores_as_documented(mini_ref):
    job = mini_ref.job("ACC-01")
    base = score_job(job, "2025")

    excluded = score_job(job, "2025", [_decision(DecisionKind.EXCLUDE, "ACC-01-02")])
    assert excluded.technical.n == 4
    assert excluded.technical.mean == pytest.approx((0.495 + 0.415 + 0.685 + 0.7375) / 4)

    overridden = score_job(job, "2025", [_decision(DecisionKind.OVERRIDE, "ACC-01-02", 0.1)])
    assert overridden.technical.mean == pytest.approx(base.technical.mean + (0.1 - 0.735) / 5)
    assert overridden.activities[1].base_score == pytest.approx(0.735)

    human = score_job(job, "2025", [_decision(DecisionKind.KEEP_HUMAN, "ACC-01-01")])
    assert human.technical.mean == pytest.approx(base.technical.mean)
    assert human.retained.mean == pytest.approx(base.technical.mean - 0.495 / 5)
    assert human.has_retained
    assert not base.has_retained

    custom = score_job(job, "2025", [_decision(DecisionKind.CUSTOM, "ACC-01-C01", 0.9, label="Gérer le marché")])
    assert custom.technical.n == 6
    assert custom.activities[-1].custom
    assert custom.activities[-1].label == "Gérer le marché"

    weighted = score_job(job, "2025", [_decision(DecisionKind.WEIGHT, "ACC-01-05", 4.0)])
    expected = (0.495 + 0.735 + 0.415 + 0.685 + 4 * 0.7375) / 8
    assert weighted.technical.mean == pytest.approx(expected)


@given(st.lists(st.tuples(st.sampled_from(list(DecisionKind)), st.integers(1, 5), scores), max_size=8))
def test_retained_never_exceeds_technical_and_scores_stay_in_range(mini_ref, decisions):
    job = mini_ref.job("ACC-01")
    made = [_decision(kind, f"ACC-01-0{n}", value if kind != DecisionKind.WEIGHT else 1 + value) for kind, n, value
            in decisions if kind != DecisionKind.CUSTOM]
    active = {f"ACC-01-0{n}" for n in range(1, 6)} - {d.activity for d in made if d.kind == DecisionKind.EXCLUDE}
    result = score_job(job, "2025", made)
    assert 0.0 <= result.retained.mean <= result.technical.mean + 1e-12 <= 1.0 + 1e-12
    assert result.technical.n == len(active)
    assert result.band in BANDS
