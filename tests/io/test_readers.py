"""Cell texts, CSV encodings and separators, tables read from each format."""

from __future__ import annotations

import datetime as dt

import pytest

from cartographie_desktop.io import readers, staffing
from cartographie_desktop.io.readers import cell_text, detect_encoding, detect_separator


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        ("  Agent\n d'accueil\u00a0 ", "Agent d'accueil"),
        (35.0, "35"),
        (0.8, "0,8"),
        (0.30000000000000004, "0,3"),
        (1234.5, "1234,5"),
        (float("nan"), ""),
        (7, "7"),
        (True, "VRAI"),
        (False, "FAUX"),
        (dt.date(2026, 11, 21), "21/11/2026"),
        (dt.datetime(2024, 12, 1), "01/12/2024"),
        (dt.datetime(2024, 12, 1, 8, 30), "01/12/2024 8:30"),
        (dt.time(17, 30), "17:30"),
        (dt.timedelta(hours=35), "35:00"),
        (dt.timedelta(days=1, seconds=39599, microseconds=997000), "35:00"),  # float noise of [h]:mm cells
    ],
)
def test_cell_text(value, text):
    assert cell_text(value) == text


def test_true_and_one_do_not_share_a_cached_text():
    texts = readers._Texts()
    assert texts.row([1.0, True, 1.0, True, "1"]) == ["1", "VRAI", "1", "VRAI", "1"]


@pytest.mark.parametrize(
    ("raw", "encoding", "text"),
    [
        ("Poste;Grade\nÉlu;é".encode(), "utf-8", "Poste;Grade\nÉlu;é"),
        (b"\xef\xbb\xbfPoste", "utf-8-sig", "Poste"),
        ("Poste\tGrade".encode("utf-16"), "utf-16", "Poste\tGrade"),
        ("Agent d’accueil – 50 €".encode("cp1252"), "cp1252", "Agent d’accueil – 50 €"),
        ("Manœuvre;50 €".encode("iso-8859-15"), "iso-8859-15", "Manœuvre;50 €"),
        ("Agent d'entretien des écoles".encode("latin-1"), "cp1252", "Agent d'entretien des écoles"),
        ("Élu;é;è;à;ç;".encode() + b"\xe9", "utf-8", "Élu;é;è;à;ç;\ufffd"),  # a stray byte in a UTF-8 file
        (b"caf\xe9 \x81", "iso-8859-1", "caf\xe9 \x81"),  # 0x81 is undefined in Windows-1252
    ],
)
def test_detect_encoding(raw, encoding, text):
    assert detect_encoding(raw) == (encoding, text)


@pytest.mark.parametrize(
    ("lines", "separator"),
    [
        (["COMMUNE;;;", "Poste;Grade;Quotité;Statut", "Agent;Adjoint;0,8;Titulaire"], ";"),
        (["Poste,Grade,Quotité", '"Agent d\'accueil, état civil",Adjoint,"0,8"', "Jardinier,Adjoint,1"], ","),
        (["Poste\tGrade", "Agent, polyvalent\tAdjoint"], "\t"),
        (["Poste|Grade|ETP", "Agent|Adjoint|1"], "|"),
        (["Poste", "Agent"], ";"),  # one column: any separator will do
    ],
)
def test_detect_separator(lines, separator):
    assert detect_separator(lines) == separator


def test_csv_line_numbers_follow_multiline_quoted_cells(tmp_path):
    path = tmp_path / "multi.csv"
    path.write_text('Poste;Observations\nAgent;"sur deux\nlignes"\n\nJardinier;ok\n', encoding="utf-8")
    table = staffing.read_table(path)
    assert table.rows == [["Poste", "Observations"], ["Agent", "sur deux lignes"], ["", ""], ["Jardinier", "ok"]]
    assert table.row_numbers == [1, 2, 4, 5]


def test_csv_with_old_mac_line_ends(tmp_path):
    path = tmp_path / "mac.csv"
    path.write_bytes(b"Poste;Grade\rAgent;Adjoint\rJardinier;Adjoint\r")
    assert staffing.read_table(path).rows[2] == ["Jardinier", "Adjoint"]


def test_csv_preview_reads_only_the_first_rows(tmp_path):
    path = tmp_path / "long.csv"
    path.write_text("Poste;Grade\n" + "Agent;Adjoint\n" * 5000, encoding="utf-8")
    preview = staffing.read_table(path, max_rows=10)
    assert len(preview.rows) == 10
    info = staffing.inspect(path)
    assert (info.sheets[0].rows, info.sheets[0].cols) == (5001, 2)


def test_csv_with_a_giant_cell_is_a_french_error(tmp_path):
    import csv

    path = tmp_path / "geant.csv"
    path.write_text('Poste;Note\nAgent;"' + "x" * 300_000 + '"\n', encoding="utf-8")
    previous = csv.field_size_limit(100_000)  # a process-wide setting (the ILO tables raise it): pin it here
    try:
        with pytest.raises(staffing.StaffingError, match="n'est pas un CSV lisible vers la ligne 2"):
            staffing.read_table(path)
    finally:
        csv.field_size_limit(previous)


def test_csv_too_many_rows_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "MAX_ROWS", 100)
    path = tmp_path / "long.csv"
    path.write_text("Poste\n" + "Agent\n" * 150, encoding="utf-8")
    with pytest.raises(staffing.StaffingError, match="est trop grande"):
        staffing.read_table(path)


def test_rows_are_rectangular_and_trailing_blank_rows_dropped(tmp_path):
    path = tmp_path / "inegal.csv"
    path.write_text("Poste;Grade;Statut\nAgent\nJardinier;Adjoint\n;;\n\n", encoding="utf-8")
    table = staffing.read_table(path)
    assert table.rows == [["Poste", "Grade", "Statut"], ["Agent", "", ""], ["Jardinier", "Adjoint", ""]]


def test_xls_table_keeps_source_row_numbers(data):
    table = staffing.read_table(data / "ancien_format.xls")
    assert table.row_numbers[0] == 1
    assert table.rows[0][0] == "MAIRIE DE VIEUX-FORMAT - EFFECTIFS 2025"
    assert table.rows[0][6] == "MAIRIE DE VIEUX-FORMAT - EFFECTIFS 2025"  # merged across the title
    assert table.rows[3] == ["Secrétaire de mairie", "Rédacteur principal de 2ème classe", "B", "1", "Titulaire", "F",
                             "14/05/1970"]


def test_excel_2003_xml_indexes_and_merges(data):
    table = staffing.read_table(data / "export_2003.xls")
    assert table.row_numbers == [1, 2, 3, 4, 5]
    assert table.rows[0] == ["Export paie - décembre 2024"] * 4
    assert table.rows[4] == ["Policier municipal", "", "80", "Titulaire"]


def test_ods_table(data):
    table = staffing.read_table(data / "tableau.ods")
    assert table.rows[1] == ["Poste", "Grade", "Quotité", "Statut"]
    assert table.rows[2] == ["Agent d'accueil", "Adjoint administratif", "0,8", "Titulaire"]


def test_hidden_sheet_is_listed_but_not_chosen(data):
    info = staffing.inspect(data / "plusieurs_feuilles.xlsx")
    hidden = next(sheet for sheet in info.sheets if sheet.name == "Paramètres")
    assert hidden.hidden
    assert not hidden.likely
    assert (hidden.rows, hidden.cols) == (4, 1)


def _workbook(path, sheet_xml: str) -> None:
    import zipfile

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml",
                         '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                         '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
                         'officedocument.spreadsheetml.sheet.main+xml"/></Types>')
        archive.writestr("_rels/.rels",
                         '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                         'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        archive.writestr("xl/workbook.xml",
                         '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http'
                         '://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
                         '<sheet name="Feuil1" sheetId="1" r:id="rId1"/></sheets></workbook>')
        archive.writestr("xl/_rels/workbook.xml.rels",
                         '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                         'relationships/worksheet" Target="/xl/worksheets/sheet1.xml"/></Relationships>')
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml)


def test_formula_without_result_outside_the_valued_range_widens_the_table(tmp_path):
    path = tmp_path / "decale.xlsx"
    _workbook(path, '<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>'
                    '<x:row r="3"><x:c r="C3" t="inlineStr"><x:is><x:t>Poste</x:t></x:is></x:c></x:row>'
                    '<x:row r="4"><x:c r="B4"><x:f>SUM(A1:A2)</x:f></x:c>'
                    '<x:c r="C4" t="inlineStr"><x:is><x:t>Agent</x:t></x:is></x:c></x:row>'
                    "</x:sheetData></x:worksheet>")
    table = staffing.read_table(path)
    assert table.rows == [["", "Poste"], ["=SUM(A1:A2)", "Agent"]]
    assert table.row_numbers == [3, 4]
