from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cartographie_desktop.core import referentiel
from cartographie_desktop.core.referentiel import ReferentielError, parse_links

from .conftest import FIXTURE


def test_scores_are_means_of_linked_tasks(mini_ref):
    job = mini_ref.job("ACC-01")
    shared = job.activity("ACC-01-01")
    assert shared.shared == "ACCUEIL-GUICHET"
    assert shared.label == "Accueillir le public au guichet et par téléphone"
    assert shared.ilo_links == (("4226", 1), ("4226", 3))
    assert shared.score_2025 == pytest.approx((0.365 + 0.625) / 2)
    assert shared.score_2023 == pytest.approx((0.3 + 0.7) / 2)
    assert job.activity("ACC-01-05").score_2025 == pytest.approx(0.7375)
    assert set(job.synonyms) == {"Agent d'accueil", "Agente d'accueil", "Hôtesse d'accueil"}


def test_estimated_activity_is_marked(mini_ref):
    activity = mini_ref.job("PRO-01").activity("PRO-01-05")
    assert activity.estimated
    assert (activity.score_2023, activity.score_2025) == (0.2, 0.3)
    assert activity.ilo_links == ()


def test_fixture_validates_cleanly(mini_ref):
    assert referentiel.validate(mini_ref) == []
    assert mini_ref.tasks[("4226", 2)].text_fr == "Prendre des rendez-vous pour les clients"


def test_parse_links():
    assert parse_links("4226:1| 110:6 ") == (("4226", 1), ("0110", 6))
    assert parse_links("") == ()
    with pytest.raises(ValueError, match="illisible"):
        parse_links("4226-1")


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    target = tmp_path / "ref"
    shutil.copytree(FIXTURE, target)
    return target


def _append(path: Path, line: str) -> None:
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(line + "\n")


@pytest.mark.parametrize(
    ("file", "line", "message"),
    [
        ("activites/ACC.csv", "ACC-01,ACC-01-09,Rêver,,9999:1,,,x,y", "tâche OIT inconnue 9999:1"),
        ("activites/ACC.csv", "ACC-01,ACC-01-09,Rêver,,,,,x,y", "ni tâche OIT liée ni score estimé"),
        ("activites/ACC.csv", "ZZZ-01,ZZZ-01-01,Rêver,,4226:1,,,x,y", "métiers inconnus : ZZZ-01"),
        ("metiers/ACC.csv", "ACC-01,Doublon,ACC,administrative,C,4226,M1601,,x", "code métier en double ACC-01"),
        ("activites/ACC.csv", "ACC-01,ACC-01-09,Rêver,INCONNUE,,,,,", "INCONNUE"),
    ],
)
def test_broken_referentiel_raises_french_error(broken, file, line, message):
    _append(broken / file, line)
    with pytest.raises(ReferentielError, match=message) as info:
        referentiel.load_from(broken, broken / "ilo")
    assert "Référentiel des métiers illisible" in str(info.value)


def test_validate_reports_problems(broken):
    _append(broken / "metiers" / "ACC.csv", "ACC-02,Mauvais,XXX,magique,D,0000,,,x")
    _append(broken / "activites" / "ACC.csv", "ACC-02,ACC-02-01,Une seule,,4226:1,,,,y")
    problems = referentiel.validate(referentiel.load_from(broken, broken / "ilo"))
    text = "\n".join(problems)
    for expected in ("famille inconnue", "filière(s) invalide(s)", "catégorie(s) invalide(s)", "ISCO-08",
                     "aucun code ROME", "1 activités", "sans justification"):
        assert expected in text
