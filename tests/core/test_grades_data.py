"""The grade table and the abbreviation list the importer and the matcher rely on: readable, consistent, unambiguous."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import pytest

from cartographie_desktop.core.model import CATEGORIES, FILIERES
from cartographie_desktop.core.referentiel import Grade, Referentiel, load_from
from cartographie_desktop.core.text import fold

ROOT = Path(__file__).resolve().parents[2]
REFERENTIEL = ROOT / "data" / "referentiel"


@pytest.fixture(scope="module")
def ref() -> Referentiel:
    return load_from(REFERENTIEL, ROOT / "data" / "ilo")


def _forms(grade: Grade) -> list[str]:
    """Every folded form a staffing table may use for this grade: its label and its usage abbreviations."""
    return [fold(grade.label), *(fold(a) for a in grade.abbreviations)]


def _lookup(ref: Referentiel, text: str) -> Grade:
    matches = [g for g in ref.grades if fold(text) in _forms(g)]
    assert matches, f"aucun grade pour « {text} »"
    assert len({(g.categorie, g.filiere) for g in matches}) == 1, f"« {text} » est ambigu"
    return matches[0]


def test_files_have_the_documented_columns():
    with open(REFERENTIEL / "grades.csv", encoding="utf-8", newline="") as handle:
        assert next(csv.reader(handle)) == ["grade", "abreviations", "cadre_emplois", "categorie", "filiere", "source"]
    with open(REFERENTIEL / "abreviations.csv", encoding="utf-8", newline="") as handle:
        assert next(csv.reader(handle)) == ["abreviation", "forme_longue"]


def test_every_grade_is_complete_and_uses_known_ids(ref):
    assert len(ref.grades) >= 150
    for grade in ref.grades:
        assert grade.filiere in FILIERES, grade
        assert grade.categorie in CATEGORIES, grade
        assert grade.label.strip(), grade
        assert grade.cadre.strip(), grade
    with open(REFERENTIEL / "grades.csv", encoding="utf-8", newline="") as handle:
        assert all(row["source"].strip() for row in csv.DictReader(handle))


def test_every_filiere_with_grades_in_the_civil_service_is_covered(ref):
    covered = {g.filiere for g in ref.grades}
    assert covered >= set(FILIERES) - {"hors_filiere"}


def test_no_grade_label_twice(ref):
    seen: dict[str, str] = {}
    for grade in ref.grades:
        key = fold(grade.label)
        assert key not in seen, f"« {grade.label} » en double de « {seen[key]} »"
        seen[key] = grade.label


def test_no_form_points_to_two_categories_or_filieres(ref):
    """An abbreviation (or a label) shared by grades of different catégorie or filière would make inference guess."""
    meanings: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for grade in ref.grades:
        for form in _forms(grade):
            assert form, f"forme vide pour « {grade.label} »"
            meanings[form].add((grade.categorie, grade.filiere))
    ambiguous = {form: sorted(m) for form, m in meanings.items() if len(m) > 1}
    assert not ambiguous


@pytest.mark.parametrize(
    ("written", "categorie", "filiere"),
    [
        ("Adjoint administratif principal de 2e classe", "C", "administrative"),
        ("Adjt adm. princ. 2e cl.", "C", "administrative"),
        ("AAP2", "C", "administrative"),
        ("Adjoint administratif de 2e classe", "C", "administrative"),  # renamed « adjoint administratif » in 2017
        ("Rédacteur principal de 1re classe", "B", "administrative"),
        ("Rédacteur ppal 1cl", "B", "administrative"),
        ("Attaché hors classe", "A", "administrative"),
        ("Adj. tech. ppal 1ère classe", "C", "technique"),
        ("Technicien principal de 2e classe", "B", "technique"),
        ("Tech. terr.", "B", "technique"),
        ("Ing. princ.", "A", "technique"),
        # The ATSEM cadre belongs to the social sector (CDG 64 « emplois sociaux », La Gazette « secteur social »).
        ("ATSEM principal de 1re classe", "C", "sociale"),
        ("ATSEM ppal 2cl", "C", "sociale"),
        ("ATSEM de 1re classe", "C", "sociale"),
        ("Brigadier-chef principal", "C", "police_municipale"),
        # Auxiliaires de puériculture: catégorie B since 1 January 2022 (décret n° 2021-1882 du 29 décembre 2021).
        ("Auxiliaire de puériculture de classe supérieure", "B", "medico_sociale"),
        ("Auxil. puér.", "B", "medico_sociale"),
        ("Éducateur de jeunes enfants", "A", "sociale"),
        ("Biologiste, vétérinaire et pharmacien hors classe", "A", "medico_technique"),
        ("Adjoint d'animation principal de 2e classe", "C", "animation"),
        ("Assistant de conservation principal de 1re classe", "B", "culturelle"),
        ("ETAPS", "B", "sportive"),
        ("Caporal-chef", "C", "incendie_secours"),
        ("DGS", "A", "administrative"),
    ],
)
def test_well_known_grades(ref, written, categorie, filiere):
    grade = _lookup(ref, written)
    assert (grade.categorie, grade.filiere) == (categorie, filiere)


def test_abbreviations_are_stored_folded(ref):
    assert len(ref.abbreviations) >= 100
    for short, long in ref.abbreviations.items():
        assert short
        assert long
        assert fold(short) == short, short
        assert fold(long) == long, long


def test_the_most_frequent_meaning_of_an_abbreviation_wins(ref):
    # abreviations.csv lists « tech » twice: technique first, then technicien.
    assert ref.abbreviations["tech"] == "technique"
    assert ref.abbreviations["ppal"] == "principal"
    assert ref.abbreviations["atsem"] == "agent territorial specialise des ecoles maternelles"
