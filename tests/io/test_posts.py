"""From a mapped table to posts: every line accounted for, sub-headings as context, annex lines, payroll lines."""

from __future__ import annotations

import pytest

from cartographie_desktop.io import columns, normalise, posts
from cartographie_desktop.io.staffing import StaffingError, Table


def build(rows: list[list[str]], mapping: dict[int, str], grades=(), **options):
    width = max(len(row) for row in rows)
    table = Table(sheet="Feuil1", rows=[row + [""] * (width - len(row)) for row in rows],
                  row_numbers=list(range(1, len(rows) + 1)))
    labels = columns.column_labels(table, 0)
    result = posts.build(table, 0, mapping, labels, budget_name=options.pop("budget_name", ""),
                         keep_personal=options.pop("keep_personal", False), grades=normalise.GradeIndex(grades),
                         **options)
    assert result.check_accounting()
    return result


def aside(result) -> dict[int, str]:
    return {issue.line: issue.message for issue in result.set_aside}


def test_one_warning_when_there_is_no_working_time_column():
    result = build([["Poste"], ["Agent"], ["Jardinier"]], {0: "title"})
    warnings = [issue for issue in result.issues if issue.kind == "warning"]
    assert [issue.message for issue in warnings] == [
        "Le tableau n'a pas de colonne de temps de travail : chaque poste compte pour 1 ETP."]
    assert [post.fte for post in result.posts] == [1.0, 1.0]


def test_unreadable_or_empty_working_time_counts_full_time_with_a_note():
    result = build([["Poste", "Temps"], ["Agent", "beaucoup"], ["Jardinier", ""], ["Cuisinier", "0"]],
                   {0: "title", 1: "fte"})
    assert [post.fte for post in result.posts] == [1.0, 1.0, 0.0]
    notes = {issue.line: issue for issue in result.issues if issue.kind == "value"}
    assert notes[2].message == "Temps de travail « beaucoup » illisible : compté temps complet (1 ETP par poste)."
    assert (notes[2].column, notes[2].value) == ("Temps", "beaucoup")
    assert notes[3].message == "Temps de travail vide : compté temps complet (1 ETP par poste)."
    assert notes[4].message == "Temps de travail nul : poste compté à 0 ETP."


def test_title_falls_back_to_the_grade():
    result = build([["Poste", "Grade"], ["", "Adjoint technique"], ["Agent", "Adjoint administratif"], ["", ""],
                    ["", ""]], {0: "title", 1: "grade"})
    assert [post.title for post in result.posts] == ["Adjoint technique", "Agent"]
    assert any(issue.message == "Intitulé du poste vide : le grade sert d'intitulé." for issue in result.issues)
    assert result.lines_in == 2  # trailing blank rows are not lines of the table


def test_line_with_neither_title_nor_grade_is_set_aside():
    result = build([["Poste", "Grade", "Statut", "Temps"], ["", "", "Titulaire", "35h"],
                    ["Agent", "", "Titulaire", "35h"]], {0: "title", 1: "grade", 2: "status", 3: "fte"})
    assert aside(result) == {2: "Ni intitulé de poste ni grade : ligne écartée."}


def test_repeated_header_rows_of_a_printed_export_are_set_aside():
    rows = [["Poste", "Grade", "Statut"], ["Agent", "Adjoint", "Titulaire"], ["Poste", "Grade", "Statut"],
            ["Jardinier", "Adjoint", "Titulaire"]]
    result = build(rows, {0: "title", 1: "grade", 2: "status"})
    assert aside(result) == {3: "Ligne d'en-tête répétée."}


def test_headings_give_filiere_categorie_status_and_service_to_the_lines_below(grades):
    rows = [
        ["Poste", "Grade", "Temps"],
        ["Filière technique"],
        ["Agent", "", "35h"],
        ["CATEGORIE B"],
        ["Technicien", "", "35h"],
        ["Agents non titulaires"],
        ["Saisonnier", "", "35h"],
        ["Service Enfance"],
        ["Animateur", "Adjoint d'animation", "35h"],
    ]
    result = build(rows, {0: "title", 1: "grade", 2: "fte"}, grades)
    assert sorted(aside(result)) == [2, 4, 6, 8]
    agent, technicien, saisonnier, animateur = result.posts
    assert agent.filiere == "technique"
    assert (technicien.categorie, technicien.filiere) == ("B", "technique")
    assert saisonnier.status == "contractuel"
    assert animateur.direction == "Service Enfance"
    # The heading « Filière technique » is older than the grade: the heading wins, with a warning.
    assert animateur.filiere == "technique"
    assert any(issue.kind == "warning" and issue.line == 9 for issue in result.issues)


def test_a_post_with_only_its_title_is_kept_in_a_sparse_table():
    rows = [["Poste", "Grade"], ["Agent d'accueil", ""], ["Jardinier", "Adjoint technique"]]
    result = build(rows, {0: "title", 1: "grade"})
    assert [post.title for post in result.posts] == ["Agent d'accueil", "Jardinier"]


def test_status_from_the_title_when_the_status_is_silent():
    rows = [["Poste", "Statut"], ["Maire", ""], ["1er adjoint", "Contractuel"], ["Agent", "Titulaire"],
            ["Stagiaire école", ""]]
    result = build(rows, {0: "title", 1: "status"})
    assert sorted(aside(result)) == [2, 3, 5]
    assert [post.title for post in result.posts] == ["Agent"]


def test_unknown_status_is_kept_with_a_note():
    result = build([["Poste", "Statut"], ["Agent", "Bénévole"]], {0: "title", 1: "status"})
    assert result.posts[0].status == ""
    assert any(issue.kind == "value" and "Statut « Bénévole » inconnu" in issue.message for issue in result.issues)


def test_annex_lines_count_posts_and_fte():
    rows = [["Grade", "Pourvus", "Temps"],
            ["Adjoint technique", "3", "28h/35"],
            ["Attaché", "2,5", ""],
            ["Rédacteur", "0", "35h"],
            ["Adjoint administratif", "", "35h"],
            ["Animateur", "beaucoup", "35h"],
            ["Agent de maîtrise", "-1", "35h"]]
    result = build(rows, {0: "grade", 1: "count", 2: "fte"})
    assert [(post.grade, post.headcount, round(post.fte, 4)) for post in result.posts] == [
        ("Adjoint technique", 3, 2.4), ("Attaché", 3, 2.5)]
    assert aside(result) == {
        4: "Aucun poste pourvu sur cette ligne.",
        5: "Aucun poste pourvu sur cette ligne.",
        6: "Nombre de postes pourvus « beaucoup » illisible : ligne écartée.",
        7: "Nombre de postes pourvus « -1 » illisible : ligne écartée.",
    }
    assert any("Effectif pourvu non entier (2,5)" in issue.message for issue in result.issues)


def test_annex_fte_column_in_etp_is_the_line_total():
    rows = [["Grade", "Pourvus", "ETP"], ["Adjoint technique", "3", "2,5"], ["Attaché", "1", "1"]]
    result = build(rows, {0: "grade", 1: "count", 2: "fte"})
    assert [post.fte for post in result.posts] == [2.5, 1.0]


def test_zero_pay_unreadable_pay_and_personal_data_kept_only_on_request():
    rows = [["Nom", "Poste", "Brut", "NIR"], ["DUPONT", "Agent", "0,00", "1 80 01 75 000 000 00"],
            ["MARTIN", "Jardinier", "n/c", "2 80 01 75 000 000 00"]]
    mapping = {0: "nom", 1: "title", 2: "pay", 3: "nir"}
    result = build(rows, mapping)
    assert aside(result) == {2: "Rémunération nulle sur la période : agent sans paie, ligne écartée."}
    assert result.personal == {}
    assert any(issue.message == "Rémunération « n/c » illisible." for issue in result.issues)
    kept = build(rows, mapping, keep_personal=True)
    assert kept.personal == {1: {"nom": "MARTIN", "nir": "2 80 01 75 000 000 00"}}


def test_payroll_lines_fold_into_the_latest_month_even_when_the_agent_is_then_set_aside():
    rows = [["Matricule", "Poste", "Mois", "Statut"],
            ["E1", "Maire", "01/2025", "Élu"], ["E1", "Maire", "02/2025", "Élu"],
            ["A1", "Agent", "02/2025", "Titulaire"], ["A1", "Agent", "01/2025", "Titulaire"],
            ["", "Jardinier", "02/2025", "Titulaire"]]
    result = build(rows, {0: "matricule", 1: "title", 2: "month", 3: "status"})
    assert result.merged == 2
    assert aside(result) == {3: "Élu : les élus ne sont pas des agents, ligne écartée."}
    assert [post.source for post in result.posts] == ["Feuil1, ligne 4", "Feuil1, ligne 6"]


def test_required_field_missing_is_a_french_error():
    with pytest.raises(StaffingError, match="au moins l'une des deux"):
        build([["Poste"], ["Agent"]], {0: "status"})


def test_budget_name_goes_to_posts_without_a_budget_column():
    result = build([["Poste", "Budget"], ["Agent", ""], ["Aide", "CCAS"]], {0: "title", 1: "budget"},
                   budget_name="Budget principal")
    assert [post.budget for post in result.posts] == ["Budget principal", "CCAS"]


def test_progress_and_cancel_during_a_long_table():
    rows = [["Poste"]] + [["Agent"]] * 10_000
    seen: list[float] = []
    build(rows, {0: "title"}, progress=seen.append)
    assert seen
    assert all(0.5 <= value <= 1 for value in seen)
    calls = iter(range(100))
    with pytest.raises(StaffingError, match="Import annulé"):
        build(rows, {0: "title"}, cancelled=lambda: next(calls) > 2)


def test_a_line_holding_only_a_name_is_set_aside_without_quoting_the_name():
    rows = [["Nom", "Poste", "Temps"], ["DUPONT Marie", "", ""], ["MARTIN Paul", "Agent", "35h"]]
    result = build(rows, {0: "nom", 1: "title", 2: "fte"})
    assert aside(result) == {2: "Ni intitulé de poste ni grade : ligne écartée."}
    assert all("DUPONT" not in issue.message + issue.value for issue in result.issues)
