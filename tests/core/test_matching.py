"""Title matching: normalisation, exact and fuzzy matches, context tie-breaks, threshold, suggestions, determinism,
and the labelled evaluation set (precision of automatic matches)."""

from __future__ import annotations

import importlib.util
import random
import sys
from pathlib import Path

import pytest

from cartographie_desktop.core import referentiel
from cartographie_desktop.core.matching import (
    AUTO_THRESHOLD,
    Matcher,
    Normaliser,
    TitleContext,
    match_posts,
    matcher_for,
)
from cartographie_desktop.core.model import MatchStatus, Post
from cartographie_desktop.core.text import fold

ROOT = Path(__file__).resolve().parents[2]
MINI = ROOT / "tests" / "data" / "referentiel_mini"
EVAL = ROOT / "tests" / "data" / "matching_eval.csv"


@pytest.fixture(scope="module")
def ref() -> referentiel.Referentiel:
    return referentiel.load_from(MINI, ROOT / "data" / "ilo")


@pytest.fixture(scope="module")
def matcher(ref) -> Matcher:
    return Matcher(ref)


# --- normalisation ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("variant", "canonical"), [
    ("Agente d'accueil", "Agent d'accueil"),
    ("AGENT D'ACCUEIL", "agent d accueil"),
    ("Agent·e d'accueil", "Agent d'accueil"),
    ("Agent(e) d'accueil", "Agent d'accueil"),
    ("Agent.e d'accueil", "Agent d'accueil"),
    ("Animatrice", "Animateur"),
    ("Animateur/trice", "Animateur"),
    ("Animateur (trice)", "Animateur"),
    ("Directeur/Directrice", "Directeur"),
    ("Policier municipal / Policière municipale", "Policier municipal"),
    ("Secrétaire générale", "Secrétaire général"),
    ("Technicienne", "Technicien"),
    ("Cuisinière", "Cuisinier"),
    ("Chargée de communication", "Chargé de communication"),
    ("Assistant(e) administratif(ve)", "Assistant administratif"),
    ("Agent d'accueil (H/F)", "Agent d'accueil"),
    ("Agent d'accueil F/H", "Agent d'accueil"),
    ("Agent d'accueil - temps partiel", "Agent d'accueil"),
    ("Agent d'accueil TNC 17h30", "Agent d'accueil"),
    ("Agent d'accueil 28h/35", "Agent d'accueil"),
    ("Agent d'accueil 80 %", "Agent d'accueil"),
    ("Poste n° 12 : agent d'accueil", "Agent d'accueil"),
    ("Agt d'accueil", "Agent d'accueil"),
    ("Agents des espaces verts", "Agent espace vert"),
    ("Agt EV", "Agent des espaces verts"),
    ("A.S.V.P.", "ASVP"),
    ("Agente de surveillance des voies publiques", "ASVP"),
    ("Agente territoriale spécialisée des écoles maternelles", "ATSEM"),
    ("ATSEM pal 1ère cl.", "ATSEM"),
    ("ATSEM principal de 2e classe", "ATSEM"),
    ("Agent d'accueil contractuel", "Agent d'accueil"),
])
def test_variants_normalise_to_the_same_key(matcher, variant, canonical):
    assert matcher.normalise(variant) == matcher.normalise(canonical)
    assert matcher.normalise(variant)


@pytest.mark.parametrize(("a", "b"), [
    ("Animateur", "Directeur"),
    ("Agent technique", "Agent administratif"),
    ("Secrétaire de mairie", "Secrétaire"),
    ("Agent d'accueil", "Agent d'état civil"),
    ("Responsable des finances", "Gestionnaire comptable"),
])
def test_different_titles_keep_different_keys(matcher, a, b):
    assert matcher.normalise(a) != matcher.normalise(b)


@pytest.mark.parametrize("noise", ["", "   ", "(H/F)", "35h", "80 %", "Poste n° 12", "???", "- temps partiel",
                                   "Contractuel"])
def test_noise_only_titles_normalise_to_nothing(matcher, noise):
    assert matcher.normalise(noise) == ""
    match = matcher.match(noise)
    assert match.status == MatchStatus.TO_CHECK
    assert match.job_code is None
    assert match.alternatives == ()


def test_normaliser_without_abbreviations_still_handles_forms():
    plain = Normaliser({})
    assert plain("Agente d'entretien (H/F)") == plain("agent entretien") == "agent entretien"
    assert plain("Agt d'entretien") == "agt entretien"


def test_fold_is_left_unchanged():
    # fold is the key of Project.matches: the matcher must not have altered it.
    assert fold("Agt d'Entretien (H/F)") == "agt d entretien h f"


# --- exact matches ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("title", "code"), [
    ("Agent d'accueil", "ACC-01"),
    ("Standardiste", "ACC-01"),
    ("DGS", "DIR-02"),
    ("D.G.S.", "DIR-02"),
    ("Directrice générale des services", "DIR-02"),
    ("ATSEM", "EDU-01"),
    ("Agent territorial spécialisé des écoles maternelles", "EDU-01"),
    ("Policière municipale", "SEC-01"),
    ("ASVP", "SEC-02"),
    ("Jardinière", "EVE-01"),
    ("Agt d'entretien", "PRO-01"),
    ("Secrétaire de mairie (H/F) - 28h/35", "DIR-01"),
])
def test_exact_label_or_synonym_is_certain(matcher, title, code):
    match = matcher.match(title)
    assert match.job_code == code
    assert match.confidence == 1.0
    assert match.status == MatchStatus.AUTO
    assert match.alternatives[0] == (code, 1.0)


# --- fuzzy matches ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("title", "code"), [
    ("Agent d'acceuil", "ACC-01"),
    ("Agent de voierie", "VOI-01"),
    ("Agent d'entretient", "PRO-01"),
    ("Secretaire de marie", "DIR-01"),
    ("Gestionaire comptable", "FIN-01"),
    ("Agent de médiatèque", "BIB-02"),
    ("Jardinier paysagiste", "EVE-01"),
    ("Chargée de la comptabilité", "FIN-01"),
])
def test_typos_and_rewordings_match_automatically_below_certainty(matcher, title, code):
    match = matcher.match(title)
    assert match.job_code == code, match
    assert match.status == MatchStatus.AUTO
    assert AUTO_THRESHOLD <= match.confidence < 1.0


@pytest.mark.parametrize("title", [
    "Agent", "Chargé de mission", "Chef de service", "Responsable de service", "Collaborateur de cabinet",
    "Adjoint technique", "Adjoint administratif principal de 2e classe", "Adjt adm. princ. 2e cl.", "Maire",
    "Agent comptabilité et paie",
])
def test_vague_titles_grades_and_mixed_posts_stay_to_check(matcher, title):
    match = matcher.match(title)
    assert match.status == MatchStatus.TO_CHECK
    assert match.job_code is None
    assert match.confidence < AUTO_THRESHOLD


def test_grade_alone_keeps_its_suggestions(matcher):
    match = matcher.match("Adjoint technique")
    assert match.job_code is None
    assert match.alternatives, "a person still gets suggestions"


# --- suggestions, threshold, context --------------------------------------------------------------------------------


@pytest.mark.parametrize("title", ["Agent d'acceuil", "Responsable", "Agent technique",
                                   "Agent restauration / entretien"])
def test_top_three_distinct_jobs_best_first(matcher, title):
    match = matcher.match(title)
    codes = [code for code, _ in match.alternatives]
    scores = [score for _, score in match.alternatives]
    assert 1 <= len(codes) <= 3
    assert len(set(codes)) == len(codes)
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert scores[0] == match.confidence
    if match.job_code:
        assert codes[0] == match.job_code


def test_threshold_decides_between_auto_and_to_check(ref):
    title = "Agent de voierie"  # a typo: a fuzzy match, confidence below 1
    confident = Matcher(ref, threshold=0.5).match(title)
    strict = Matcher(ref, threshold=0.999).match(title)
    assert confident.status == MatchStatus.AUTO
    assert confident.job_code == "VOI-01"
    assert strict.status == MatchStatus.TO_CHECK
    assert strict.job_code is None
    assert strict.alternatives[0][0] == "VOI-01"  # kept as a suggestion
    assert strict.confidence == confident.confidence


def test_close_runner_up_lowers_confidence(matcher):
    # « Agent restauration / entretien » fits two jobs almost equally: never a guess.
    match = matcher.match("Agent restauration / entretien")
    assert match.job_code is None
    assert {code for code, _ in match.alternatives[:2]} == {"RES-01", "PRO-01"}


def test_grade_breaks_ties_towards_the_technical_job(matcher, ref):
    # The brief's case: « Responsable » alone, a tie between every lead job, settled by the grade.
    technical = matcher.match("Responsable", matcher.context_for(grade="Ingénieur principal"))
    administrative = matcher.match("Responsable", matcher.context_for(grade="Attaché"))
    top_tech = technical.alternatives[0][0]
    top_adm = administrative.alternatives[0][0]
    assert "technique" in ref.jobs[top_tech].filieres
    assert "administrative" in ref.jobs[top_adm].filieres
    assert top_tech != top_adm
    assert technical.job_code is None
    assert administrative.job_code is None


def test_filiere_of_the_file_breaks_ties(matcher):
    title = "Agent technique"
    plain = matcher.match(title)
    assert plain.job_code is None
    # Both candidates are technical: the filière cannot decide, the title stays to check.
    with_context = matcher.match(title, TitleContext(filiere="technique", categorie="C"))
    assert with_context.job_code is None
    assert {c for c, _ in with_context.alternatives[:2]} == {"BAT-01", "BAT-02"}


def test_context_never_overrides_an_exact_match(matcher):
    match = matcher.match("Agent d'accueil", TitleContext(filiere="technique", categorie="A"))
    assert match.job_code == "ACC-01"
    assert match.confidence == 1.0


def test_grade_table_lookup(matcher):
    info = matcher.grade_info("Adjt adm. princ. 2e cl.")
    assert info is not None
    assert (info.categorie, info.filiere) == ("C", "administrative")
    assert matcher.grade_info("Ingénieur principal").filiere == "technique"
    assert matcher.grade_info("Brigadier-chef principal").filiere == "police_municipale"
    assert matcher.grade_info("Sans grade connu xyz") is None
    assert matcher.context_for(grade="Adjoint technique") == TitleContext("Adjoint technique", "C", "technique")


# --- determinism, cache, posts --------------------------------------------------------------------------------------


def test_matching_is_deterministic_and_order_free(ref):
    titles = [line.split(",")[0] for line in EVAL.read_text(encoding="utf-8").splitlines()[1:]]
    first = Matcher(ref).match_many([(t, None) for t in titles])
    shuffled = titles[:]
    random.Random(3).shuffle(shuffled)
    second = dict(zip(shuffled, Matcher(ref).match_many([(t, None) for t in shuffled]), strict=True))
    for title, match in zip(titles, first, strict=True):
        assert second[title] == match


def test_matcher_is_cached_per_referentiel(ref):
    assert matcher_for(ref) is matcher_for(ref)
    other = referentiel.load_from(MINI, ROOT / "data" / "ilo")
    assert matcher_for(other) is not matcher_for(ref)


def test_match_posts_one_match_per_distinct_folded_title(ref):
    posts = [
        Post(1, "Agent d'accueil", grade="Adjoint administratif"),
        Post(2, "AGENT D'ACCUEIL", grade="Adjoint administratif"),
        Post(3, "agent d'accueil", grade="Rédacteur"),
        Post(4, "Responsable", grade="Ingénieur"),
        Post(5, "Responsable", grade="Ingénieur principal"),
        Post(6, "Responsable", grade="Attaché"),
        Post(7, "(H/F)"),
    ]
    matches = match_posts(posts, ref)
    assert set(matches) == {fold("Agent d'accueil"), fold("Responsable"), fold("(H/F)")}
    assert matches["agent d accueil"].job_code == "ACC-01"
    assert matches["agent d accueil"].title in {"Agent d'accueil", "AGENT D'ACCUEIL", "agent d'accueil"}
    # Two engineers out of three: the technical reading comes first.
    top = matches["responsable"].alternatives[0][0]
    assert "technique" in ref.jobs[top].filieres
    assert matches["h f"].job_code is None


def test_match_posts_uses_the_file_filiere_when_posts_have_none(ref):
    posts = [Post(1, "Responsable")]
    tech = match_posts(posts, ref, file_filiere="technique")["responsable"]
    adm = match_posts(posts, ref, file_filiere="administrative")["responsable"]
    assert tech.alternatives[0][0] != adm.alternatives[0][0]


def test_suggest_for_a_search_box(matcher):
    found = matcher.suggest("espaces verts")
    assert found
    assert found[0][0] in {"EVE-01", "EVE-02"}
    assert matcher.suggest("") == []


# --- the evaluation set -----------------------------------------------------------------------------------------


def _evaluate(ref):
    spec = importlib.util.spec_from_file_location("eval_matching", ROOT / "scripts" / "eval_matching.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("eval_matching", module)  # dataclasses look their module up there
    spec.loader.exec_module(module)
    rows = module.load_eval(EVAL)
    return rows, module.evaluate(Matcher(ref), rows)


def test_evaluation_set_is_large_and_varied():
    lines = EVAL.read_text(encoding="utf-8").splitlines()[1:]
    assert len(lines) >= 150
    assert sum(",aucun," in line for line in lines) >= 20


def test_evaluation_set_on_the_shipped_referentiel():
    """The figures the brief asks for, on the real référentiel: precision of automatic matches ≥ 97 %."""
    ref = referentiel.load()
    rows, figures = _evaluate(ref)
    missing = sorted({r.expected for r in rows if r.expected and r.expected not in ref.jobs})
    assert not missing, f"expected jobs missing from the référentiel: {missing}"
    assert figures.precision >= 0.97, figures.line()
    assert figures.share_to_check <= 0.30, figures.line()
    # Every title that names no job stays to check.
    assert figures.to_check_expected == sum(r.expected is None for r in rows), figures.line()
