"""Integrity of the shipped référentiel: every figure the program shows comes from it."""

from __future__ import annotations

import csv
import json
import statistics
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from cartographie_desktop.core import referentiel
from cartographie_desktop.core.scoring import score_job
from cartographie_desktop.core.text import fold
from cartographie_desktop.paths import data_dir

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import coherence_report  # noqa: E402

REQUIRED = [  # issue « The full référentiel »: jobs that must be present (searched in labels and synonyms)
    "directeur general des services", "evaluation des politiques publiques", "charge d etudes",
    "insertion socio professionnelle", "conservateur de cimetiere", "maintenance du patrimoine bati",
    "accueil et de surveillance du patrimoine", "technicien des systemes d information",
    "assistant de gestion des ressources humaines", "assistant de gestion financiere", "assistant de direction",
    "charge d accueil social", "aide a domicile", "proprete des espaces publics", "bibliothecaire",
]


@pytest.fixture(scope="module")
def ref() -> referentiel.Referentiel:
    return referentiel.load()


def test_shipped_referentiel_is_valid(ref):
    assert referentiel.validate(ref) == []


def test_coverage(ref):
    assert len(ref) >= 180
    assert set(ref.families) == {job.family for job in ref}, "every family has jobs"
    searchable = [fold(" ".join((job.label, *job.synonyms))).replace("·", " ") for job in ref]
    for wanted in REQUIRED:
        assert any(wanted in text for text in searchable), wanted


def test_every_score_recomputes_from_the_shipped_ilo_table(ref):
    with open(data_dir() / "ilo" / "taches_oit.csv", encoding="utf-8", newline="") as handle:
        table = {(r["isco08"], int(r["task_id"])): r for r in csv.DictReader(handle)}
    for job in ref:
        for activity in job.activities:
            if activity.estimated:
                assert activity.ilo_links == ()
                continue
            rows = [table[key] for key in activity.ilo_links]
            s25 = statistics.fmean(float(r["score_2025"]) for r in rows)
            s23 = statistics.fmean(float(r["score_2023"]) for r in rows if r["score_2023"])
            assert activity.score_2025 == pytest.approx(s25), activity.id
            assert activity.score_2023 == pytest.approx(s23), activity.id


def test_same_activity_links_to_the_same_tasks_everywhere(ref):
    links_by_label: dict[str, set] = defaultdict(set)
    for job in ref:
        for activity in job.activities:
            links_by_label[fold(activity.label)].add(activity.ilo_links)
    inconsistent = {label: links for label, links in links_by_label.items() if len(links) > 1}
    assert inconsistent == {}


def test_estimates_stay_rare(ref):
    activities = [a for job in ref for a in job.activities]
    assert sum(a.estimated for a in activities) <= 0.03 * len(activities)


def test_synonyms(ref):
    assert statistics.fmean(len(job.synonyms) for job in ref) >= 3
    owners: dict[str, set[str]] = defaultdict(set)
    for job in ref:
        for name in (job.label, *job.synonyms):
            owners[fold(name)].add(job.code)
    shared = {name: codes for name, codes in owners.items() if len(codes) > 1}
    assert shared == {}


def test_known_results_of_the_sources(ref):
    """Office jobs above field jobs; administrative and cultural filières above technical, social, médico-sociale."""
    scores = {job.code: score_job(job, "2025").technical.mean for job in ref}
    by_nature = defaultdict(list)
    by_filiere = defaultdict(list)
    for job in ref:
        by_nature[job.nature].append(scores[job.code])
        by_filiere[job.filieres[0]].append(scores[job.code])
    assert statistics.fmean(by_nature["bureau"]) > statistics.fmean(by_nature["terrain"]) + 0.2
    high = min(statistics.fmean(by_filiere[f]) for f in ("administrative", "culturelle"))
    low = max(statistics.fmean(by_filiere[f]) for f in ("technique", "sociale", "medico_sociale"))
    assert high > low
    counts = Counter(score_job(job, "2025").band for job in ref if job.nature == "terrain")
    assert counts.most_common(1)[0][0].value in ("pas_concerne", "peu_concerne")


def test_every_coherence_flag_is_explained_in_review(ref):
    review = (data_dir() / "REVIEW.md").read_text(encoding="utf-8")
    missing = coherence_report.unexplained(coherence_report.flags(ref), review)
    assert [flag.key for flag in missing] == []


def test_referentiel_json_cli():
    out = subprocess.run([sys.executable, "-m", "cartographie_desktop", "referentiel", "--json", "--index", "2023"],
                         capture_output=True, text=True, check=True, cwd=ROOT)
    jobs = json.loads(out.stdout)
    assert len(jobs) >= 180
    for job in jobs:
        assert {"code", "label", "score", "sd", "band", "activities"} <= set(job)
        assert len(job["activities"]) >= 5
        assert all(a["source"] in ("oit", "estimation") for a in job["activities"])


def test_sources_cited_by_the_referentiel_are_exact():
    """Every ROME/ESCO citation checked against ../shared/reference (scripts/check_sources.py)."""
    out = subprocess.run([sys.executable, str(ROOT / "scripts" / "check_sources.py")], capture_output=True,
                         text=True, cwd=ROOT, check=False)
    assert out.returncode == 0, out.stdout + out.stderr
