"""Values as people type them: working time, catégorie, sex, status, filière, months, amounts, grades."""

from __future__ import annotations

import pytest

from cartographie_desktop.io import normalise
from cartographie_desktop.io.normalise import (
    GradeIndex,
    fte_in_label,
    parse_amount,
    parse_categorie,
    parse_filiere,
    parse_fte,
    parse_month,
    parse_sexe,
    parse_status,
    status_from_title,
)


@pytest.mark.parametrize(
    ("text", "share"),
    [
        ("35h", 1.0), ("35 h", 1.0), ("35 heures", 1.0), ("35:00", 1.0), ("28h/35", 0.8), ("28 h / 35", 0.8),
        ("17h30", 0.5), ("17h30/35", 0.5), ("TNC 24/35", 24 / 35), ("TNC 17,5/35", 0.5), ("24/35e", 24 / 35),
        ("80 %", 0.8), ("80%", 0.8), ("Temps partiel 80 %", 0.8), ("TP 90", 0.9), ("0,8", 0.8), ("0.8", 0.8),
        ("1", 1.0), ("100", 1.0), ("80", 0.8), ("28", 0.8), ("151,67", 1.0), ("05/20ème", 0.25), ("3/4", 0.75),
        ("temps complet", 1.0), ("Temps complet", 1.0), ("TC", 1.0), ("mi-temps", 0.5), ("39h", 1.0),
        ("17:30", 0.5), ("0", 0.0), ("TNC 28h", 0.8),
    ],
)
def test_fte(text, share):
    value, problem = parse_fte(text)
    assert problem == ""
    assert value == pytest.approx(share, abs=1e-6)


@pytest.mark.parametrize(
    ("text", "problem"),
    [("", "vide"), ("Temps non complet", "temps non complet ou partiel sans quotité"), ("TNC", None),
     ("beaucoup", "illisible"), ("1,5", "nombre hors des valeurs possibles"), ("250", None), ("60h", None),
     ("150 %", "pourcentage impossible"), ("40/35", None)],
)
def test_fte_unreadable(text, problem):
    value, reason = parse_fte(text)
    if text == "40/35":  # 40 hours out of 35: full time (RTT), not an error
        assert value == 1.0
        return
    assert value is None
    if problem is not None:
        assert reason == problem
    else:
        assert reason


@pytest.mark.parametrize(
    ("text", "share"),
    [("Adjoint technique (TNC 17h30)", 0.5), ("Adjoint technique territorial TNC 28h", 0.8),
     ("Agent TNC 24/35", 24 / 35), ("Adjoint administratif principal de 2e classe", None), ("ATSEM 31h30", 0.9)],
)
def test_fte_in_label(text, share):
    assert fte_in_label(text) == (pytest.approx(share) if share is not None else None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("c", "C"), ("C", "C"), ("Cat. C", "C"), ("Catégorie B", "B"), ("C1", "C"), ("C 2", "C"), ("A+", "A"),
     ("cat.a", "A"), ("hors catégorie", ""), ("à définir", ""), ("B ou C", "")],
)
def test_categorie(text, expected):
    assert parse_categorie(text)[0] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("F", "F"), ("Femme", "F"), ("Mme", "F"), ("Madame", "F"), ("féminin", "F"), ("2", "F"), ("H", "H"),
     ("M", "H"), ("Homme", "H"), ("M.", "H"), ("Monsieur", "H"), ("1", "H"), ("X", ""), ("", "")],
)
def test_sexe(text, expected):
    assert parse_sexe(text)[0] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Titulaire", "titulaire"), ("TITULAIRE CNRACL", "titulaire"), ("Fonctionnaire", "titulaire"),
        ("Détaché", "titulaire"),
        ("Stagiaire", "stagiaire"), ("Fonctionnaire stagiaire", "stagiaire"), ("Stagiaire CNRACL", "stagiaire"),
        ("Contractuel", "contractuel"), ("Contractuelle", "contractuel"), ("CDD", "contractuel"),
        ("CDI", "contractuel"), ("Non titulaire", "contractuel"), ("Agent non titulaire", "contractuel"),
        ("Emploi permanent", "contractuel"), ("Contractuel sur emploi permanent", "contractuel"),
        ("Apprenti", "apprenti"), ("Contrat d'apprentissage", "apprenti"),
        ("PEC", "contrat_aide"), ("CAE", "contrat_aide"), ("CUI", "contrat_aide"),
        ("Emploi d'avenir", "contrat_aide"), ("Parcours emploi compétences", "contrat_aide"),
        ("Vacataire", "vacataire"),
        ("Élu", "elu"), ("Maire", "elu"), ("Adjoint au maire", "elu"), ("Conseiller municipal délégué", "elu"),
        ("Indemnités d'élus", "elu"),
        ("Stagiaire école", "stage_ecole"), ("Stagiaire gratifié", "stage_ecole"),
        ("Étudiant stagiaire", "stage_ecole"), ("Stage", "stage_ecole"),
        ("Bénévole", ""),
    ],
)
def test_status(text, expected):
    assert parse_status(text)[0] == expected


def test_probationary_civil_servant_is_not_a_school_intern():
    assert parse_status("Stagiaire")[0] == "stagiaire"
    assert status_from_title("Stagiaire") == ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Maire", "elu"), ("1er adjoint", "elu"), ("Adjointe au maire", "elu"), ("Adjoint administratif", ""),
     ("Secrétaire de mairie", ""), ("Stagiaire école", "stage_ecole"), ("Conseiller numérique", "")],
)
def test_status_from_title(text, expected):
    assert status_from_title(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Technique", "technique"), ("FILIERE ADMINISTRATIVE", "administrative"), ("ADM", "administrative"),
     ("TECH", "technique"), ("CULT", "culturelle"), ("SPORT", "sportive"), ("SOC", "sociale"),
     ("MS", "medico_sociale"), ("Médico-sociale", "medico_sociale"), ("Sanitaire et sociale", "medico_sociale"),
     ("ANIM", "animation"), ("POL", "police_municipale"), ("Police municipale", "police_municipale"),
     ("Incendie et secours", "incendie_secours"), ("Hors filière", "hors_filiere"),
     ("Emplois fonctionnels", "hors_filiere"), ("medico_technique", "medico_technique"), ("Xyz", "")],
)
def test_filiere(text, expected):
    assert parse_filiere(text)[0] == expected


@pytest.mark.parametrize(
    ("text", "month"),
    [("2024-12", 202412), ("2024/12", 202412), ("12/2024", 202412), ("01/12/2024", 202412), ("202412", 202412),
     ("déc-24", 202412), ("Décembre 2024", 202412), ("Dec 2024", 202412), ("2024-12-01 00:00", 202412),
     ("janv. 2025", 202501), ("Décembre", None), ("13/2024", None), ("", None)],
)
def test_month(text, month):
    assert parse_month(text) == month


@pytest.mark.parametrize(
    ("text", "amount"),
    [("1 234,56", 1234.56), ("1\u202f234,56", 1234.56), ("1.234,56", 1234.56), ("1,234.56", 1234.56),
     ("1234.56 €", 1234.56), ("-12,5", -12.5), ("0,00", 0.0), ("0", 0.0), ("-", None), ("abc", None),
     ("nan", None), ("inf", None)],
)
def test_amount(text, amount):
    assert parse_amount(text) == amount


def test_grade_index_reads_abbreviated_feminine_and_plural_wordings(grades):
    index = GradeIndex(grades)
    for wording, label in [
        ("Adjt adm. princ. 2e cl.", "Adjoint administratif principal de 2ème classe"),
        ("ADJOINT ADMINISTRATIF PRINCIPAL DE 2EME CLASSE", "Adjoint administratif principal de 2ème classe"),
        ("Adjointe administrative principale de 2e classe", "Adjoint administratif principal de 2ème classe"),
        ("Adjt tech. ppal 2e cl.", "Adjoint technique principal de 2ème classe"),
        ("ATP2", "Adjoint technique principal de 2ème classe"),
        ("Attachée territoriale", "Attaché"),
        ("Rédactrice principale de 1re classe", "Rédacteur principal de 1ère classe"),
        ("A.T.S.E.M. ppal 2e cl.", "Agent spécialisé principal de 2ème classe des écoles maternelles"),
        ("Techniciens territoriaux", "Technicien"),  # a cadre d'emplois gives its catégorie and filière
        ("Adjoint technique principal de 2ème clase", "Adjoint technique principal de 2ème classe"),  # typo
    ]:
        found = index.find(wording)
        assert found is not None, wording
        assert found.label == label or found.categorie == "B", wording
    assert index.find("Adjoint technique").filiere == "technique"
    assert index.find("Chef de service de police municipale").categorie == "B"
    assert index.find("Directeur de la communication") is None
    assert index.find("") is None


def test_empty_grade_index_finds_nothing():
    assert normalise.GradeIndex([]).find("Adjoint technique") is None


def test_grade_with_its_working_time_in_the_label(grades):
    index = GradeIndex(grades)
    for wording in ("Adjoint technique territorial TNC 28h", "Adjoint technique (TNC 17h30)",
                    "Adjoint technique TNC 24/35", "Adjoint technique 80 %"):
        found = index.find(wording)
        assert found is not None, wording
        assert found.label == "Adjoint technique", wording
