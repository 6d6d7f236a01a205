"""End to end: every file of tests/data/staffing gives the expected posts, FTE, set-aside lines, or French error."""

from __future__ import annotations

import math

import pytest

from cartographie_desktop.core.model import ImportResult
from cartographie_desktop.core.text import NNBSP
from cartographie_desktop.io import staffing
from cartographie_desktop.io.sniff import DAMAGED_MESSAGE, NOT_A_TABLE_MESSAGE, PASSWORD_MESSAGE
from cartographie_desktop.io.staffing import ImportCancelled, StaffingError, UnexpectedReadError


def reasons(result: ImportResult) -> dict[int, str]:
    return {issue.line: issue.message for issue in result.set_aside}


def read(data, name: str, grades, **options) -> ImportResult:
    result = staffing.read_staffing(data / name, grades=grades, **options)
    assert result.check_accounting()
    return result


def ftes(result: ImportResult) -> list[float]:
    return [round(post.fte, 4) for post in result.posts]


# --- the commune's hand-typed workbook ----------------------------------------------------------------------------


def test_hand_typed_workbook_header_below_title_block(data):
    table = staffing.read_table(data / "mairie_titre_fusion.xlsx")
    header = staffing.detect_header(table)
    assert table.row_numbers[header] == 6
    assert table.rows[header][:3] == ["Service", "Intitulé du poste", "Grade"]
    # Merged cells give their value to every cell they cover: the service merged over its posts.
    rows = dict(zip(table.row_numbers, table.rows, strict=True))
    assert rows[9][0] == rows[10][0] == "Administration générale"
    assert rows[1] == ["COMMUNE DE SAINT-EXEMPLE"] * 10


def test_hand_typed_workbook_posts_and_fte(data, grades):
    result = read(data, "mairie_titre_fusion.xlsx", grades)
    assert (result.lines_in, result.imported, result.merged, len(result.set_aside)) == (24, 11, 0, 13)
    assert [post.title for post in result.posts] == [
        "Secrétaire de mairie", "Agent d'accueil", "Agent d'état civil", "Agent d'entretien",
        "Agent des espaces verts", "Responsable des services techniques", "Agent polyvalent", "ATSEM",
        "Agent de restauration scolaire", "Professeur de piano", "Agent de bibliothèque",
    ]
    # 35h, 28h/35, 80 % (a percent cell), 17h30, TNC 24/35, 0,8, 100, temps complet, 31:30, 05/20ème, 35:00
    assert ftes(result) == [1.0, 0.8, 0.8, 0.5, round(24 / 35, 4), 0.8, 1.0, 1.0, 0.9, 0.25, 1.0]
    assert math.isclose(sum(post.fte for post in result.posts), 8.7357, abs_tol=1e-4)
    assert [post.sexe for post in result.posts] == ["F", "F", "F", "H", "H", "H", "H", "F", "F", "F", "H"]
    assert [post.status for post in result.posts] == [
        "titulaire", "stagiaire", "contractuel", "titulaire", "titulaire", "titulaire", "apprenti", "titulaire",
        "contrat_aide", "contractuel", "vacataire",
    ]
    assert [post.categorie for post in result.posts] == ["A", "C", "C", "C", "C", "B", "C", "C", "", "B", ""]
    assert [post.id for post in result.posts] == list(range(1, 12))
    assert result.posts[0].source == "Effectifs, ligne 8"
    assert result.header_row == 6
    assert result.source_name == "mairie_titre_fusion.xlsx"
    assert result.source_format == "xlsx"


def test_hand_typed_workbook_filiere_from_column_heading_or_grade(data, grades):
    posts = read(data, "mairie_titre_fusion.xlsx", grades).posts
    by_title = {post.title: post for post in posts}
    assert by_title["Agent d'état civil"].filiere == "administrative"  # « adm » in the column
    assert by_title["Agent d'accueil"].filiere == "administrative"  # empty cell: the « FILIERE ADMINISTRATIVE » heading
    assert by_title["Agent de restauration scolaire"].filiere == "medico_sociale"  # heading, no grade
    assert by_title["Agent des espaces verts"].direction == "Services techniques"  # merged service cell


def test_hand_typed_workbook_set_aside_lines_with_reasons(data, grades):
    result = read(data, "mairie_titre_fusion.xlsx", grades)
    found = reasons(result)
    assert sorted(found) == [7, 11, 12, 13, 18, 19, 22, 25, 26, 27, 28, 29, 30]
    assert found[7] == "Intertitre « FILIERE ADMINISTRATIVE », pas un poste."
    assert found[11] == found[18] == found[27] == "Ligne de total ou de sous-total."
    assert found[12] == found[28] == "Ligne vide."
    assert found[25] == "Élu : les élus ne sont pas des agents, ligne écartée."
    assert found[26] == "Stagiaire école (étudiant) : n'occupe pas un poste, ligne écartée."
    assert found[29] == found[30] == "Ligne de texte (note ou signature), pas un poste."
    elected = next(issue for issue in result.set_aside if issue.line == 25)
    assert (elected.column, elected.value, elected.sheet) == ("Statut", "Élu", "Effectifs")


def test_hidden_column_with_a_similar_header_does_not_steal_the_working_time(data):
    table = staffing.read_table(data / "mairie_titre_fusion.xlsx")
    guesses = {guess.header: guess for guess in staffing.guess_columns(table, staffing.detect_header(table))}
    assert guesses["Temps de travail"].field == "fte"
    assert guesses["ETP 2024"].field == "ignore"
    assert guesses["Nom de l'agent"].field == "nom"


# --- payroll export -----------------------------------------------------------------------------------------------


def test_payroll_export_one_post_per_agent(data, grades):
    info = staffing.inspect(data / "paie_2024.csv")
    assert (info.format, info.encoding, info.separator) == ("csv", "cp1252", ";")
    result = read(data, "paie_2024.csv", grades)
    assert (result.lines_in, result.imported, result.merged, len(result.set_aside)) == (28, 9, 16, 3)
    assert [post.source for post in result.posts] == [f"paie_2024, ligne {n}" for n in (4, 7, 10, 12, 15, 25, 26,
                                                                                         27, 29)]
    # « 100,00 » and « 80,00 » are percentages, « 151,67 » the monthly hours of a full-time post.
    assert ftes(result) == [1.0, 0.8, 1.0, 1.0, 1.0, 0.5, 0.5, 0.8, 1.0]
    merged_lines = sorted(issue.line for issue in result.issues if issue.kind == "merged")
    assert merged_lines == [2, 3, 5, 6, 8, 9, 11, 13, 14, 16, 17, 19, 21, 22, 24, 28]
    found = reasons(result)
    assert found == {
        18: "Élu : les élus ne sont pas des agents, ligne écartée.",
        20: "Stagiaire école (étudiant) : n'occupe pas un poste, ligne écartée.",
        23: "Rémunération nulle sur la période : agent sans paie, ligne écartée.",
    }


def test_payroll_export_edge_cases_are_reported(data, grades):
    result = read(data, "paie_2024.csv", grades)
    by_line = {(issue.line, issue.kind): issue for issue in result.issues}
    assert by_line[(28, "merged")].message == "Doublon de la ligne 27 (même agent, même période) : fusionnée."
    assert by_line[(26, "warning")].message.startswith("Même matricule que la ligne 25 sur un autre poste")
    assert by_line[(29, "value")].message == (
        "Mois de paie « Décembre » illisible : la ligne compte comme la plus ancienne de l'agent.")
    assert by_line[(2, "merged")].message == (
        "Ligne de paie d'un mois antérieur : fusionnée avec la ligne 4 (mois le plus récent de l'agent).")
    # No filière column: inferred from the grade table.
    first = result.posts[0]
    assert (first.grade, first.categorie, first.filiere) == ("Adjoint administratif", "C", "administrative")


def test_payroll_without_month_keeps_distinct_posts_of_one_matricule(tmp_path, grades):
    path = tmp_path / "sans_mois.csv"
    path.write_text("Matricule;Emploi;Quotité\nM1;Agent d'entretien;50 %\nM1;Agent de restauration;50 %\n"
                    "M1;Agent d'entretien;50 %\nM2;Jardinier;100 %\n", encoding="utf-8")
    result = staffing.read_staffing(path, grades=grades)
    assert result.check_accounting()
    assert [post.title for post in result.posts] == ["Agent d'entretien", "Agent de restauration", "Jardinier"]
    assert result.merged == 1


# --- budget annexes -----------------------------------------------------------------------------------------------


def test_budget_annex_spreadsheet_counts_filled_posts(data, grades):
    table = staffing.read_table(data / "etat_du_personnel.xlsx")
    header = staffing.detect_header(table)
    assert table.row_numbers[header] == 4  # the lower of the two header rows
    guesses = {guess.header: guess.field for guess in staffing.guess_columns(table, header)}
    assert guesses["EFFECTIFS POURVUS / Total"] == "count"
    assert guesses["EMPLOIS BUDGÉTAIRES / Total"] == "ignore"
    assert guesses["GRADES OU EMPLOIS"] == "grade"
    result = read(data, "etat_du_personnel.xlsx", grades)
    assert [(post.grade, post.headcount, post.fte) for post in result.posts] == [
        ("Attaché", 1, 1.0),
        ("Adjoint administratif principal de 2ème classe", 2, 2.0),
        ("Adjoint administratif", 2, 2.0),
        ("Adjoint technique principal de 2ème classe", 3, 3.0),
        ("Adjoint technique (TNC 17h30)", 2, 1.0),  # TNC posts at the fraction the grade label states
    ]
    assert [post.filiere for post in result.posts] == ["administrative"] * 3 + ["technique"] * 2
    assert sum(post.headcount for post in result.posts) == 10
    found = reasons(result)
    assert sorted(found) == [5, 7, 10, 11, 14, 15, 16]
    assert found[7] == found[14] == "Aucun poste pourvu sur cette ligne."
    assert found[5] == "Intertitre « SECTEUR ADMINISTRATIF », pas un poste."


def test_totem_budget_document(data, grades):
    info = staffing.inspect(data / "budget_totem.xml")
    assert (info.format, info.default_sheet) == ("totem", "État du personnel")
    result = read(data, "budget_totem.xml", grades)
    assert (result.lines_in, result.imported, len(result.set_aside)) == (6, 5, 1)
    assert result.header_row is None
    assert [post.grade for post in result.posts] == [
        "Attaché territorial", "Adjoint administratif principal de 2ème classe",
        "Adjoint technique territorial TNC 28h", "Adjoint territorial du patrimoine principal de 1ère classe",
        "Adjoint d'animation",
    ]
    assert [post.headcount for post in result.posts] == [1, 2, 2, 1, 1]
    assert ftes(result) == [1.0, 2.0, 1.6, 1.0, 1.0]
    assert [post.filiere for post in result.posts] == [
        "administrative", "administrative", "technique", "culturelle", "animation"]
    assert [post.status for post in result.posts] == ["titulaire"] * 4 + ["contractuel"]
    assert {post.budget for post in result.posts} == {"COMMUNE DE SAINT-EXEMPLE"}
    assert reasons(result) == {5: "Aucun poste pourvu sur cette ligne."}
    unknown_fraction = [issue for issue in result.issues if issue.kind == "value"]
    assert [issue.line for issue in unknown_fraction] == [6]


# --- several sheets, two header rows, formulas ----------------------------------------------------------------------


def test_every_sheet_offered_and_the_likely_one_chosen(data, grades):
    info = staffing.inspect(data / "plusieurs_feuilles.xlsx")
    assert [(sheet.name, sheet.hidden) for sheet in info.sheets] == [
        ("Notice", False), ("Budget principal", False), ("CCAS", False), ("Paramètres", True)]
    assert info.default_sheet == "Budget principal"
    assert [sheet.name for sheet in info.sheets if sheet.likely] == ["Budget principal"]
    main = read(data, "plusieurs_feuilles.xlsx", grades)
    assert main.sheet == "Budget principal"
    assert {post.budget for post in main.posts} == {"Budget principal"}
    ccas = read(data, "plusieurs_feuilles.xlsx", grades, sheet="CCAS")
    assert [post.title for post in ccas.posts] == ["Aide à domicile", "Agent social"]
    assert {post.budget for post in ccas.posts} == {"CCAS"}


def test_column_disagreeing_with_the_grade_is_a_warning_and_the_column_wins(data, grades):
    main = read(data, "plusieurs_feuilles.xlsx", grades)
    police = main.posts[-1]
    assert police.categorie == "C"
    warning = next(issue for issue in main.issues if issue.kind == "warning" and issue.line == 6)
    assert warning.message == ("Catégorie C (colonne) différente de celle du grade « Chef de service de police "
                               "municipale » (B) : la colonne est retenue.")
    ccas = read(data, "plusieurs_feuilles.xlsx", grades, sheet="CCAS")
    assert ccas.posts[0].filiere == "sociale"
    assert any(issue.kind == "warning" and "Filière sociale (colonne)" in issue.message for issue in ccas.issues)


def test_unknown_sheet_is_a_french_error(data):
    with pytest.raises(StaffingError, match=r"La feuille « Paie » n'existe pas dans « plusieurs_feuilles\.xlsx »"):
        staffing.read_table(data / "plusieurs_feuilles.xlsx", "Paie")


def test_two_header_rows_are_joined(data, grades):
    table = staffing.read_table(data / "deux_lignes_entete.xlsx")
    header = staffing.detect_header(table)
    assert table.row_numbers[header] == 3
    guesses = staffing.guess_columns(table, header)
    assert [guess.header for guess in guesses] == [
        "Poste", "Agent / Nom", "Agent / Prénom", "Temps de travail / Quotité", "Temps de travail / Heures hebdo",
        "Statut"]
    assert [guess.field for guess in guesses] == ["title", "nom", "prenom", "fte", "ignore", "status"]
    result = read(data, "deux_lignes_entete.xlsx", grades)
    assert ftes(result) == [0.8, 1.0, 0.5]


def test_formulas_give_cached_values_or_their_text_never_evaluated(data, grades):
    info = staffing.inspect(data / "formules.xlsm")
    assert info.format == "xlsm"
    table = staffing.read_table(data / "formules.xlsm")
    assert table.rows[1] == ["Agent d'accueil", "Adjoint administratif", "0,8", "2", "=pas une formule"]
    assert table.rows[2][3] == "=1+1"  # saved without a result: its text, not 2
    assert table.rows[3][0] == '=CONCATENATE("Agent ","polyvalent")'
    result = read(data, "formules.xlsm", grades)
    assert [post.title for post in result.posts] == [
        "Agent d'accueil", "Agent d'entretien", '=CONCATENATE("Agent ","polyvalent")']
    assert ftes(result) == [0.8, 1.0, 0.5]


def test_formula_text_in_csv_stays_text(data, grades):
    result = read(data, "formules.csv", grades)
    assert [post.title for post in result.posts] == [
        '=HYPERLINK("https://intranet.example/fiche";"Agent d\'accueil")', "=1+1", "@SUM(A1)"]


# --- CSV encodings and separators -----------------------------------------------------------------------------------


TEXT_EXPORTS = {
    "utf8_bom_virgule.csv": ("utf-8-sig", ",", "Agent d'accueil, état civil", 2.3),
    "export_unicode.txt": ("utf-16", "\t", "Chargée de communication", 1 + 20 / 35),
    "iso8859_15.csv": ("iso-8859-15", ";", "Manœuvre", 2.0),
    "latin1.csv": ("cp1252", ";", "Agent d'entretien des écoles", 1.8),
    "sep_excel.csv": ("utf-8", ",", "Jardinier", 1.8),
    "csv_renomme.xlsx": ("utf-8", ";", "Agent d'accueil", 1.8),
}


@pytest.mark.parametrize("name", sorted(TEXT_EXPORTS))
def test_text_exports(data, grades, name):
    encoding, separator, first_title, fte = TEXT_EXPORTS[name]
    info = staffing.inspect(data / name)
    assert (info.format, info.encoding, info.separator) == ("csv", encoding, separator)
    result = read(data, name, grades)
    assert result.posts[0].title == first_title
    assert math.isclose(sum(post.fte for post in result.posts), fte, abs_tol=1e-4)
    assert result.encoding == encoding


def test_excel_separator_hint_line_is_not_data(data, grades):
    result = read(data, "sep_excel.csv", grades)
    assert result.header_row == 2
    assert result.lines_in == 2


# --- other formats ------------------------------------------------------------------------------------------------


def test_old_excel_format(data, grades):
    info = staffing.inspect(data / "ancien_format.xls")
    assert (info.format, info.default_sheet) == ("xls", "Personnel")
    result = read(data, "ancien_format.xls", grades)
    assert [post.title for post in result.posts] == ["Secrétaire de mairie", "Agent technique", "Agent d'entretien"]
    assert ftes(result) == [1.0, 0.8, 0.5]
    assert reasons(result) == {7: "Ligne de total ou de sous-total."}
    assert result.mapping["Né(e) le"] == "date_naissance"


def test_opendocument_spreadsheet(data, grades):
    info = staffing.inspect(data / "tableau.ods")
    assert info.format == "ods"
    assert info.sheets[0].rows == 5  # LibreOffice's million repeated empty rows are not rows
    result = read(data, "tableau.ods", grades)
    assert [post.title for post in result.posts] == ["Agent d'accueil", "Agent des espaces verts", "ATSEM"]
    assert ftes(result) == [0.8, 1.0, 0.9]
    assert result.posts[2].filiere == "medico_sociale"  # from the grade « ATSEM principal de 2e classe »


def test_excel_2003_xml_saved_as_xls(data, grades):
    info = staffing.inspect(data / "export_2003.xls")
    assert info.format == "xml2003"
    result = read(data, "export_2003.xls", grades)
    assert [post.title for post in result.posts] == ["Agent d'accueil", "Policier municipal"]
    assert ftes(result) == [1.0, 0.8]


# --- files that cannot be used: the exact French message ----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("vide.xlsx", "Le fichier « vide.xlsx » ne contient aucune donnée."),
        ("entete_seul.xlsx", "Le tableau « Feuil1 » ne contient que sa ligne d'en-tête : aucune ligne de poste à "
                             "importer."),
        ("tronque.xlsx", DAMAGED_MESSAGE.format(name="tronque.xlsx", detail="archive illisible")),
        ("protege.xlsx", PASSWORD_MESSAGE),
        ("binaire.xlsx", NOT_A_TABLE_MESSAGE.format(name="binaire.xlsx")),
        ("binaire.dat", NOT_A_TABLE_MESSAGE.format(name="binaire.dat")),
        ("vide.csv", "Le fichier « vide.csv » est vide."),
        ("bombe_declaree.xlsx", DAMAGED_MESSAGE.format(name="bombe_declaree.xlsx",
                                                       detail="contenu décompressé démesuré")),
        ("bombe_mensongere.xlsx", DAMAGED_MESSAGE.format(name="bombe_mensongere.xlsx",
                                                         detail="données compressées abîmées")),
        ("dimension_geante.xlsx", f"La feuille « Feuil1 » est trop grande (1{NNBSP}048{NNBSP}576 lignes × "
                                  f"16{NNBSP}384 colonnes) : le programme accepte au plus 1{NNBSP}000{NNBSP}000 "
                                  f"lignes et 10{NNBSP}000{NNBSP}000 cellules. Supprimez les lignes ou colonnes "
                                  "inutiles, puis réessayez."),
        ("ods_geant.ods", f"La feuille « Feuille1 » est trop grande (2{NNBSP}000{NNBSP}001 lignes × 2 colonnes) : le "
                          f"programme accepte au plus 1{NNBSP}000{NNBSP}000 lignes et 10{NNBSP}000{NNBSP}000 "
                          "cellules. Supprimez les lignes ou colonnes inutiles, puis réessayez."),
        ("billion_laughs.xml", "Le fichier XML « billion_laughs.xml » contient des déclarations d'entités ou des "
                               "références externes, interdites dans un document budgétaire : il n'a pas été lu. "
                               "Exportez-le de nouveau depuis le logiciel de finances."),
        ("xxe.xml", "Le fichier XML « xxe.xml » contient des déclarations d'entités ou des références externes, "
                    "interdites dans un document budgétaire : il n'a pas été lu. Exportez-le de nouveau depuis le "
                    "logiciel de finances."),
        ("totem_sans_personnel.xml", "Le document budgétaire « totem_sans_personnel.xml » ne contient pas d'état du "
                                     "personnel (annexe DATA_PERSONNEL) : exportez le budget avec ses annexes, ou "
                                     "importez le tableau des effectifs."),
        ("effectifs.pdf", "« effectifs.pdf » est un document PDF, pas un tableau : le programme lit les classeurs "
                          "Excel ou OpenDocument, les fichiers CSV et l'état du personnel TotEM. Demandez le tableau "
                          "des effectifs au format Excel."),
        ("page_web.xls", "« page_web.xls » est une page web (HTML) enregistrée avec une extension de tableur : "
                         "ouvrez-le dans Excel et enregistrez-le au format .xlsx, puis réessayez."),
    ],
)
def test_unusable_files_give_the_exact_french_error(data, grades, name, message):
    with pytest.raises(StaffingError) as caught:
        staffing.read_staffing(data / name, grades=grades)
    assert not isinstance(caught.value, UnexpectedReadError)
    assert str(caught.value) == message


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(StaffingError, match=r"Le fichier « absent\.xlsx » est introuvable"):
        staffing.inspect(tmp_path / "absent.xlsx")
    with pytest.raises(StaffingError, match="est un dossier"):
        staffing.inspect(tmp_path)


def test_no_title_nor_grade_column_recognised(tmp_path):
    path = tmp_path / "inconnu.csv"
    path.write_text("Colonne 1;Colonne 2\nDUPONT;12\nMARTIN;15\n", encoding="utf-8")
    with pytest.raises(StaffingError, match="Aucune colonne d'intitulé de poste ni de grade n'a été reconnue"):
        staffing.read_staffing(path)
    # The user maps the columns herself: then it imports.
    result = staffing.read_staffing(path, mapping={0: "title", 1: "ignore"})
    assert [post.title for post in result.posts] == ["DUPONT", "MARTIN"]


def test_bad_mapping_is_a_french_error(data):
    with pytest.raises(StaffingError, match="Champ inconnu « salaire »"):
        staffing.read_staffing(data / "latin1.csv", mapping={0: "salaire"})
    with pytest.raises(StaffingError, match="La colonne n° 9 n'existe pas"):
        staffing.read_staffing(data / "latin1.csv", mapping={9: "title"})
    with pytest.raises(StaffingError, match="La ligne d'en-tête n° 100 n'existe pas"):
        staffing.read_staffing(data / "latin1.csv", header_row=99)


# --- progress, cancel, cache --------------------------------------------------------------------------------------


def test_progress_goes_from_zero_to_one(data, grades):
    seen: list[float] = []
    staffing.read_staffing(data / "paie_2024.csv", grades=grades, progress=seen.append)
    assert seen[0] == 0.0
    assert seen[-1] == 1.0
    assert seen == sorted(seen)


def test_cancel_raises_import_cancelled(data, grades):
    with pytest.raises(ImportCancelled, match=r"Import annulé\."):
        staffing.read_staffing(data / "paie_2024.csv", grades=grades, cancelled=lambda: True)


def test_wizard_steps_read_the_file_once_then_forget_it(data, grades, monkeypatch):
    from cartographie_desktop.io import readers

    opened: list[str] = []
    original = readers._open

    def counting(path):
        opened.append(path.name)
        return original(path)

    monkeypatch.setattr(readers, "_open", counting)
    path = data / "plusieurs_feuilles.xlsx"
    info = staffing.inspect(path)
    table = staffing.read_table(path, info.default_sheet, max_rows=3)
    assert len(table.rows) == 3
    staffing.read_staffing(path, sheet=info.default_sheet, grades=grades)
    assert opened == ["plusieurs_feuilles.xlsx"]
    staffing.inspect(path)  # after an import the file is read again (it may have changed)
    assert opened == ["plusieurs_feuilles.xlsx"] * 2
