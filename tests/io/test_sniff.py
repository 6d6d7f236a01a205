"""Format detection by content, and the pre-scans that keep hostile workbooks away from the engine."""

from __future__ import annotations

import random
import re
import time
import zipfile
from pathlib import Path

import pytest

from cartographie_desktop.io import sniff
from cartographie_desktop.io.sniff import StaffingError


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("mairie_titre_fusion.xlsx", "xlsx"),
        ("formules.xlsm", "xlsm"),
        ("ancien_format.xls", "xls"),
        ("tableau.ods", "ods"),
        ("paie_2024.csv", "csv"),
        ("export_unicode.txt", "csv"),
        ("csv_renomme.xlsx", "csv"),  # a CSV renamed .xlsx is read as what it is
        ("budget_totem.xml", "totem"),
        ("export_2003.xls", "xml2003"),
    ],
)
def test_format_comes_from_the_content(data, name, expected):
    assert sniff.detect(data / name).format == expected


def test_encrypted_ooxml_is_recognised_inside_its_ole_container(data):
    assert (data / "protege.xlsx").read_bytes().startswith(sniff.OLE_MAGIC)
    with pytest.raises(StaffingError, match="protégé par un mot de passe"):
        sniff.detect(data / "protege.xlsx")


def test_other_documents_are_named(tmp_path):
    word = tmp_path / "note.docx"
    with zipfile.ZipFile(word, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(StaffingError, match="est un document Word"):
        sniff.detect(word)
    binary = tmp_path / "classeur.xlsb"
    with zipfile.ZipFile(binary, "w") as archive:
        archive.writestr("xl/workbook.bin", b"\x00")
    with pytest.raises(StaffingError, match=r"Excel binaire \(\.xlsb\)"):
        sniff.detect(binary)
    odt = tmp_path / "texte.odt"
    with zipfile.ZipFile(odt, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
    with pytest.raises(StaffingError, match="n'est pas un tableur"):
        sniff.detect(odt)
    other_xml = tmp_path / "autre.xml"
    other_xml.write_text("<?xml version='1.0'?><racine/>", encoding="utf-8")
    with pytest.raises(StaffingError, match="n'est ni un document budgétaire TotEM ni un classeur"):
        sniff.detect(other_xml)
    image = tmp_path / "photo.xlsx"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 50)
    with pytest.raises(StaffingError, match="est une image"):
        sniff.detect(image)


def test_binary_detection():
    assert sniff.looks_binary(b"abc\x00def")
    assert sniff.looks_binary(bytes(range(1, 32)) * 10)
    assert not sniff.looks_binary(b"Poste;Grade\r\nAgent d'accueil;Adjoint\t\n")


@pytest.mark.parametrize("limit", [0, 7, 9, 10, 99, 100001, 999999, 1048576])
def test_greater_number_regex(limit):
    pattern = re.compile(f"^{sniff._greater_number(limit)}$")
    for value in range(0, 2_000_000, 997):
        assert bool(pattern.match(str(value))) == (value > limit), value
    for value in (limit - 1, limit, limit + 1, limit * 10):
        if value >= 0:
            assert bool(pattern.match(str(value))) == (value > limit), value


@pytest.mark.parametrize("limit", [0, 1, 15, 26, 27, 52, 702, 703, 16383])
def test_greater_column_regex(limit):
    pattern = re.compile(f"^{sniff._greater_column(limit)}$")
    for number in [*list(range(1, 800)), 16383, 16384]:
        assert bool(pattern.match(sniff.column_letters(number))) == (number > limit), number


def _sheet_zip(tmp_path, body: str, name: str = "s.xlsx") -> zipfile.ZipFile:
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml",
                         '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                         f"<sheetData>{body}</sheetData></worksheet>")
    return zipfile.ZipFile(path)


def _scan(tmp_path, body: str) -> sniff.SheetScan:
    return sniff.scan_xlsx_sheet(_sheet_zip(tmp_path, body), "xl/worksheets/sheet1.xml", "Feuil1", "s.xlsx")


def test_scan_bounds_of_an_honest_sheet(tmp_path):
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>1</v></c><c r="O{r}" t="s"><v>0</v></c></row>'
                   for r in range(1, 500))
    scan = _scan(tmp_path, rows)
    assert (scan.rows, scan.cols) == (499, 15)


def test_scan_finds_a_far_cell_hidden_in_an_early_row(tmp_path):
    body = ('<row r="1"><c r="A1"><v>1</v></c><c r="A1000000"><v>2</v></c></row>'
            '<row r="2"><c r="ZZ2"><v>3</v></c></row>')
    with pytest.raises(StaffingError, match="trop grande"):
        _scan(tmp_path, body)


def test_scan_finds_a_cell_hidden_behind_a_newline(tmp_path):
    body = '<row r="1"><c r="A1"><v>1</v></c><c\nr="XFD900000"><v>2</v></c></row>'
    with pytest.raises(StaffingError, match="trop grande"):
        _scan(tmp_path, body)


def test_scan_ignores_empty_styled_cells(tmp_path):
    # Formatting down to row 1 048 576 holds no value: the engine skips it, so must we.
    scan = _scan(tmp_path, '<row r="1"><c r="A1"><v>1</v></c><c r="XFD1048576" s="3"/></row>')
    assert (scan.rows, scan.cols) == (1, 1)


def test_scan_measures_cells_without_references(tmp_path, monkeypatch):
    monkeypatch.setattr(sniff, "MAX_CELLS", 1000)
    wide = "".join("<c><v>1</v></c>" for _ in range(60))
    assert (_scan(tmp_path, "".join(f"<row>{wide}</row>" for _ in range(16))).rows, 60) == (16, 60)
    with pytest.raises(StaffingError, match="trop grande"):
        _scan(tmp_path, "".join(f"<row>{wide}</row>" for _ in range(20)))


def test_scan_recovers_formulas_saved_without_result(tmp_path):
    body = ('<row r="1"><c r="A1"><f>1+1</f><v>2</v></c><c r="B1"><f>SUM(A1:A3)</f></c>'
            '<c r="C1" t="str"><f>"a&amp;b"</f></c><c r="D1"><f t="shared" si="0"/></c></row>')
    scan = _scan(tmp_path, body)
    assert scan.formulas == {(0, 1): "=SUM(A1:A3)", (0, 2): '="a&b"'}


def test_scan_of_a_large_honest_sheet_is_fast(tmp_path):
    row = "".join(f'<c r="{sniff.column_letters(c)}{{r}}" t="s"><v>{c}</v></c>' for c in range(1, 16))
    body = "".join(f'<row r="{r}">' + row.replace("{r}", str(r)) + "</row>" for r in range(1, 60_001))
    archive = _sheet_zip(tmp_path, body)
    started = time.perf_counter()
    scan = sniff.scan_xlsx_sheet(archive, "xl/worksheets/sheet1.xml", "Feuil1", "s.xlsx")
    assert (scan.rows, scan.cols) == (60_000, 15)
    assert time.perf_counter() - started < 20  # generous: about half a second on one core


def test_lying_zip_entry_is_caught_by_its_size_and_crc(data):
    archive = sniff.open_zip(data / "bombe_mensongere.xlsx")
    with pytest.raises(StaffingError, match="données compressées abîmées"):
        sniff.stream_entry(archive, "xl/worksheets/sheet1.xml", sniff.MAX_SHEET_XML_BYTES, "b.xlsx", lambda _: None)


def test_declared_zip_bomb_is_refused_before_reading(data):
    with pytest.raises(StaffingError, match="contenu décompressé démesuré"):
        sniff.open_zip(data / "bombe_declaree.xlsx")


def test_zip_bomb_within_the_size_limits_is_refused_by_its_compression_ratio(tmp_path, monkeypatch):
    """Found by scripts/fuzz_readers.py: 4 MB holding 1.2 GB of valid rows read for minutes. Scaled down here."""
    monkeypatch.setattr(sniff, "RATIO_FLOOR", 1024**2)
    row = "<row><c t=\"inlineStr\"><is><t>Agent</t></is></c><c><v>1</v></c></row>"
    bomb = Path(_sheet_zip(tmp_path, row * 40_000, "bombe.xlsx").filename)  # 2.6 MB deflating to a few kB
    with pytest.raises(StaffingError, match="contenu décompressé démesuré"):
        sniff.open_zip(bomb)
    rng = random.Random(4)
    honest = "".join(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>{rng.randbytes(12).hex()}</t></is></c></row>'
                     for r in range(1, 40_000))
    assert sniff.open_zip(Path(_sheet_zip(tmp_path, honest, "honnete.xlsx").filename)).namelist()


def test_a_sheet_over_the_limits_stops_the_scan_at_once(tmp_path, monkeypatch):
    """The scan used to read the whole sheet before comparing its size with the limits."""
    monkeypatch.setattr(sniff, "MAX_ROWS", 1000)
    monkeypatch.setattr(sniff, "CHUNK", 64 * 1024)
    body = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(1, 300_001))
    archive = _sheet_zip(tmp_path, body)
    scanned = []
    original = sniff._Pieces.add
    monkeypatch.setattr(sniff._Pieces, "add", lambda self, chunk: (scanned.append(len(chunk)), original(self, chunk)))
    with pytest.raises(StaffingError, match="trop grande"):
        sniff.scan_xlsx_sheet(archive, "xl/worksheets/sheet1.xml", "Feuil1", "s.xlsx")
    assert sum(scanned) < archive.getinfo("xl/worksheets/sheet1.xml").file_size / 10


def test_ods_repetitions_are_expanded_only_where_there_is_content(data):
    scans = sniff.scan_ods(sniff.open_zip(data / "tableau.ods"), "tableau.ods")
    assert (scans["Effectifs"].rows, scans["Effectifs"].cols) == (5, 4)
    with pytest.raises(StaffingError, match="trop grande"):
        sniff.scan_ods(sniff.open_zip(data / "ods_geant.ods"), "ods_geant.ods")


def test_xls_sheets_measured_record_by_record(data):
    sheets = sniff.scan_xls((data / "ancien_format.xls").read_bytes(), "ancien_format.xls")
    assert sheets == {"Personnel": (7, 7), "Feuil2": (0, 0)}
