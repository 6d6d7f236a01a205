"""Header row detection, column guesses, saved mappings reused on next year's file."""

from __future__ import annotations

import json

import pytest

from cartographie_desktop.io import columns, staffing
from cartographie_desktop.io.staffing import StaffingError, Table


def table(rows: list[list[str]]) -> Table:
    width = max(len(row) for row in rows)
    return Table(sheet="Feuil1", rows=[row + [""] * (width - len(row)) for row in rows],
                 row_numbers=list(range(1, len(rows) + 1)))


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Intitulé du poste", "title"), ("Poste", "title"), ("Fonction", "title"), ("Emploi", "title"),
        ("Métier", "title"), ("Grade", "grade"), ("Grade ou emploi", "grade"), ("GRADES OU EMPLOIS", "grade"),
        ("Cadre d'emplois", "grade"), ("Cat.", "categorie"), ("Catégorie", "categorie"), ("Filière", "filiere"),
        ("Secteur", "filiere"), ("Service", "direction"), ("Direction / service", "direction"),
        ("Service d'affectation", "direction"), ("Temps de travail", "fte"), ("Quotité", "fte"), ("ETP", "fte"),
        ("Durée hebdomadaire", "fte"), ("Taux d'emploi", "fte"), ("Statut", "status"), ("Type de contrat", "status"),
        ("Sexe", "sexe"), ("Genre", "sexe"), ("Civilité", "sexe"), ("H/F", "sexe"), ("Matricule", "matricule"),
        ("N° agent", "matricule"), ("Nom", "nom"), ("Nom d'usage", "nom"), ("Nom Prénom", "nom"),
        ("Prénom", "prenom"), ("NIR", "nir"), ("N° INSEE", "nir"), ("N° de sécurité sociale", "nir"),
        ("Date de naissance", "date_naissance"), ("Né(e) le", "date_naissance"), ("Budget", "budget"),
        ("Effectifs pourvus", "count"), ("Période", "month"), ("Mois de paie", "month"), ("Brut", "pay"),
        ("Salaire brut", "pay"), ("Emplois budgétaires", "ignore"), ("dont TNC", "ignore"),
        ("Observations", "ignore"), ("Date d'entrée", "ignore"), ("Indice", "ignore"), ("Couleur", None),
    ],
)
def test_header_field(header, field):
    assert columns.header_field(header)[0] == field


def test_header_found_below_title_blank_rows_and_a_merged_title():
    rows = [
        ["COMMUNE DE X", "COMMUNE DE X", "COMMUNE DE X", "COMMUNE DE X"],
        [],
        ["Tableau des effectifs au 01/01/2025"],
        [],
        ["Poste", "Grade", "Temps de travail", "Statut"],
        ["Agent d'accueil", "Adjoint administratif", "35h", "Titulaire"],
    ]
    assert staffing.detect_header(table(rows)) == 4


def test_header_without_known_words_is_the_first_text_row():
    rows = [["Libellé A", "Libellé B"], ["x", "1"], ["y", "2"]]
    assert staffing.detect_header(table(rows)) == 0


def test_empty_header_cells_and_duplicates_get_unique_labels():
    rows = [["Nom", "", "Nom", "Poste"], ["A", "1", "B", "Agent"]]
    assert columns.column_labels(table(rows), 0) == ["Nom (colonne A)", "Colonne B", "Nom (colonne C)", "Poste"]


def test_values_guess_a_column_without_a_known_header():
    rows = [["Poste", "Code S", "Niveau", "Durée"],
            ["Agent d'accueil", "F", "C", "28h/35"],
            ["Jardinier", "H", "C", "35h"],
            ["Secrétaire", "F", "B", "80 %"]]
    guesses = staffing.guess_columns(table(rows), 0)
    assert [guess.field for guess in guesses] == ["title", "sexe", "categorie", "fte"]
    assert guesses[1].confidence < guesses[0].confidence
    assert guesses[1].samples == ["F", "H"]


def test_job_titles_are_never_guessed_from_values_alone():
    rows = [["Agent", "Code"], ["DUPONT Marie", "1"], ["MARTIN Paul", "2"]]
    guesses = staffing.guess_columns(table(rows), 0)
    assert all(guess.field != "title" for guess in guesses)


def test_header_contradicted_by_its_values_loses_confidence():
    rows = [["Poste", "Sexe"], ["Agent", "Titulaire"], ["Jardinier", "Contractuel"]]
    guess = staffing.guess_columns(table(rows), 0)[1]
    assert guess.field == "sexe"
    assert guess.confidence < 0.7


def test_one_column_per_field():
    rows = [["Service", "Direction", "Poste"], ["Technique", "DGS", "Agent"]]
    fields = [guess.field for guess in staffing.guess_columns(table(rows), 0)]
    assert fields.count("direction") == 1
    assert fields[2] == "title"


def test_saved_mapping_applies_to_next_years_file(data, grades):
    old = staffing.read_table(data / "mairie_titre_fusion.xlsx")
    old_header = staffing.detect_header(old)
    mapping = {guess.index: guess.field for guess in staffing.guess_columns(old, old_header)}
    mapping[8] = "ignore"
    saved = json.loads(json.dumps(staffing.mapping_to_json(old, old_header, mapping)))  # through a file
    assert saved["version"] == 1
    assert {"header": "Temps de travail", "field": "fte"} in saved["columns"]

    new = staffing.read_table(data / "mairie_2026_colonnes_deplacees.xlsx")
    new_header = staffing.detect_header(new)
    applied = staffing.mapping_from_json(saved, new, new_header)
    assert applied == {0: "title", 1: "grade", 2: "ignore", 3: "fte", 4: "direction", 5: "status", 6: "sexe",
                       7: "categorie", 8: "filiere"}
    result = staffing.read_staffing(data / "mairie_2026_colonnes_deplacees.xlsx", header_row=new_header,
                                    mapping=applied, grades=grades)
    assert [post.title for post in result.posts] == ["Secrétaire de mairie", "Agent d'accueil", "Agent d'entretien"]
    assert [post.fte for post in result.posts] == [1.0, 0.8, 0.5]


def test_import_result_mapping_can_be_reused_as_is(data):
    table_ = staffing.read_table(data / "plusieurs_feuilles.xlsx", "CCAS")
    result = staffing.read_staffing(data / "plusieurs_feuilles.xlsx", sheet="CCAS")
    assert staffing.mapping_from_json(result.mapping, table_, 0) == {0: "title", 1: "grade", 2: "categorie",
                                                                     3: "filiere", 4: "fte", 5: "status"}


@pytest.mark.parametrize("bad", [None, [], {"columns": "x"}, {"columns": [{"header": "Poste"}]}, "texte"])
def test_unreadable_saved_mapping(bad, data):
    table_ = staffing.read_table(data / "latin1.csv")
    with pytest.raises(StaffingError, match="modèle de correspondance des colonnes est illisible"):
        staffing.mapping_from_json(bad, table_, 0)


def test_saved_mapping_with_an_unknown_field(data):
    table_ = staffing.read_table(data / "latin1.csv")
    with pytest.raises(StaffingError, match="champ inconnu : « salaire »"):
        staffing.mapping_from_json({"columns": [{"header": "Poste", "field": "salaire"}]}, table_, 0)


def test_how_well_a_saved_mapping_fits_a_table(data):
    old = staffing.read_table(data / "mairie_titre_fusion.xlsx")
    old_header = staffing.detect_header(old)
    guessed = {guess.index: guess.field for guess in staffing.guess_columns(old, old_header)}
    saved = staffing.mapping_to_json(old, old_header, guessed)
    assert staffing.mapping_fit(saved, old, old_header) == 1.0
    new = staffing.read_table(data / "mairie_2026_colonnes_deplacees.xlsx")
    # 8 of the 10 saved headers found (« Intitulé de poste » nearly): next year's file is recognised
    assert staffing.mapping_fit(saved, new, staffing.detect_header(new)) == pytest.approx(0.8)
    payroll = staffing.read_table(data / "paie_2024.csv")
    assert staffing.mapping_fit(saved, payroll, 0) < 0.4  # another kind of file
    assert staffing.mapping_fit({"columns": [{"header": "Grade", "field": "grade"}]}, new, 1) == pytest.approx(1 / 9)
    for garbage in (None, [], "texte", {"columns": "x"}, {"columns": [3, {"field": "title"}]}):
        assert staffing.mapping_fit(garbage, new, 1) == 0.0
