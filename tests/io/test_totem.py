"""The TotEM budget document: structure variants, odd values."""

from __future__ import annotations

import pytest

from cartographie_desktop.io import staffing, totem


def write(path, personnel: str, root: str = "DocumentBudgetaire", namespace: bool = False) -> None:
    xmlns = ' xmlns="http://www.minefi.gouv.fr/cp/demat/docbudgetaire"' if namespace else ""
    path.write_text(f'<?xml version="1.0" encoding="UTF-8"?><{root}{xmlns}><Budget><EnTeteBudget>'
                    f'<LibelleEtab V="CCAS DE TEST"/></EnTeteBudget><Annexes><DATA_PERSONNEL>{personnel}'
                    f"</DATA_PERSONNEL></Annexes></Budget></{root}>", encoding="utf-8")


def test_without_namespace_and_with_missing_fields(tmp_path):
    path = tmp_path / "budget.xml"
    write(path, '<PERSONNEL><EmploiGradeAgent V="Agent social"/><EffectifPourvu V="3"/></PERSONNEL>'
                '<PERSONNEL><EmploiGradeAgent V="Educateur de jeunes enfants"/><CodCatAgent V="A"/>'
                '<TempsComplet V="false"/><EffectifPourvu V="1.5"/></PERSONNEL>'
                '<PERSONNEL><EmploiGradeAgent V=""/><EffectifPourvu V="2"/></PERSONNEL>'
                '<PERSONNEL><EmploiGradeAgent V="Psychologue"/><EffectifPourvu V="1e12"/></PERSONNEL>')
    result = staffing.read_staffing(path, grades=[])
    assert result.check_accounting()
    assert [(post.title, post.headcount, post.fte) for post in result.posts] == [
        ("Agent social", 3, 3.0), ("Educateur de jeunes enfants", 2, 1.5)]
    assert {post.budget for post in result.posts} == {"CCAS DE TEST"}
    assert {issue.line: issue.message for issue in result.set_aside} == {
        3: "Ni intitulé de poste ni grade : ligne écartée.",
        4: "Nombre de postes pourvus « 1000000000000 » illisible : ligne écartée.",
    }


def test_table_built_from_the_xml(data):
    table = staffing.read_table(data / "budget_totem.xml")
    assert table.rows[0] == [header for header, _ in totem.COLUMNS]
    assert table.rows[3][:5] == ["Adjoint technique territorial TNC 28h", "C", "TECH", "Titulaire", "TNC 28/35"]
    assert table.rows[4][12] == "400"  # the apostrophe TotEM puts before the index is dropped
    assert table.row_numbers[1:] == [1, 2, 3, 4, 5, 6]
    assert staffing.detect_header(table) == 0


def test_another_xml_root_is_refused(tmp_path):
    path = tmp_path / "autre.xml"
    write(path, "<PERSONNEL/>", root="DocumentBudgetaireFaux")
    path.write_text(path.read_text(encoding="utf-8").replace("DocumentBudgetaireFaux", "Budget2"), encoding="utf-8")
    with pytest.raises(staffing.StaffingError, match="n'est ni un document budgétaire TotEM"):
        staffing.read_staffing(path)


def test_broken_xml_is_a_french_error(tmp_path):
    path = tmp_path / "casse.xml"
    write(path, '<PERSONNEL><EmploiGradeAgent V="Agent"/>', namespace=True)
    with pytest.raises(staffing.StaffingError, match=r"semble incomplet ou abîmé \(XML mal formé\)"):
        staffing.read_staffing(path)
