"""Regenerate the ugly and hostile staffing files of `tests/data/staffing/` (see `tests/data/README.md`).

    python tests/data/make_ugly_files.py

Deterministic: workbooks are written by the small writers below (fixed zip timestamps, no random), so the same
bytes come out each time — except `protege.xlsx`, whose encryption salt is random by design. Every name, NIR and
date of birth in these files is invented.

Generator-only tools, not runtime dependencies: `xlwt` (the .xls file) and `msoffcrypto-tool` (the password).
"""

from __future__ import annotations

import datetime as dt
import io
import random
import struct
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

OUT = Path(__file__).resolve().parent / "staffing"
FIXED_TIME = (2025, 1, 1, 0, 0, 0)


# --- a minimal xlsx writer (what Excel writes: shared strings, cached formula results, merges) ---------------------


@dataclass
class Formula:
    formula: str  # without the leading « = »
    cached: object = None  # the result Excel saved; None for a file written by a script


@dataclass
class Date:
    value: dt.date


@dataclass
class Percent:
    value: float


@dataclass
class Hours:
    hours: float  # shown as [h]:mm


@dataclass
class XSheet:
    name: str
    rows: list[list] = field(default_factory=list)
    merges: list[str] = field(default_factory=list)
    hidden_cols: list[int] = field(default_factory=list)  # 1-based
    state: str = "visible"
    raw: str | None = None  # the whole worksheet XML, for hostile files


def col_letters(number: int) -> str:
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _zip(path: Path, entries: list[tuple[str, bytes]], stored_first: bool = False) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for position, (name, data) in enumerate(entries):
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_STORED if stored_first and position == 0 else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    path.write_bytes(buffer.getvalue())


_STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<numFmts count="1"><numFmt numFmtId="164" formatCode="[h]:mm"/></numFmts>
<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>
<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>
<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="9" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>
</styleSheet>"""


def _number(value: float) -> str:
    return repr(float(value)) if not float(value).is_integer() else str(int(value))


def write_xlsx(path: Path, sheets: list[XSheet], macro: bool = False) -> None:
    strings: list[str] = []
    index: dict[str, int] = {}

    def shared(text: str) -> int:
        if text not in index:
            index[text] = len(strings)
            strings.append(text)
        return index[text]

    def cell(ref: str, value) -> str:
        if value is None or value == "":
            return ""
        if isinstance(value, bool):
            return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
        if isinstance(value, str):
            return f'<c r="{ref}" t="s"><v>{shared(value)}</v></c>'
        if isinstance(value, int | float):
            return f'<c r="{ref}"><v>{_number(value)}</v></c>'
        if isinstance(value, Date):
            serial = (value.value - dt.date(1899, 12, 30)).days
            return f'<c r="{ref}" s="1"><v>{serial}</v></c>'
        if isinstance(value, Percent):
            return f'<c r="{ref}" s="2"><v>{_number(value.value)}</v></c>'
        if isinstance(value, Hours):
            return f'<c r="{ref}" s="3"><v>{_number(value.hours / 24)}</v></c>'
        if isinstance(value, Formula):
            formula = f"<f>{escape(value.formula)}</f>"
            if value.cached is None:
                return f'<c r="{ref}">{formula}</c>'
            if isinstance(value.cached, str):
                return f'<c r="{ref}" t="str">{formula}<v>{escape(value.cached)}</v></c>'
            return f'<c r="{ref}">{formula}<v>{_number(value.cached)}</v></c>'
        raise TypeError(value)

    worksheets = []
    for sheet in sheets:
        if sheet.raw is not None:
            worksheets.append(sheet.raw)
            continue
        width = max((len(row) for row in sheet.rows), default=1)
        height = max(len(sheet.rows), 1)
        parts = [
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">',
            f'<dimension ref="A1:{col_letters(width)}{height}"/>' if sheet.rows else '<dimension ref="A1"/>',
        ]
        if sheet.hidden_cols:
            parts.append("<cols>" + "".join(
                f'<col min="{c}" max="{c}" width="12" hidden="1" customWidth="1"/>' for c in sheet.hidden_cols
            ) + "</cols>")
        parts.append("<sheetData>")
        for r, row in enumerate(sheet.rows, start=1):
            cells = "".join(cell(f"{col_letters(c)}{r}", value) for c, value in enumerate(row, start=1))
            if cells:
                parts.append(f'<row r="{r}">{cells}</row>')
        parts.append("</sheetData>")
        if sheet.merges:
            parts.append(f'<mergeCells count="{len(sheet.merges)}">'
                         + "".join(f'<mergeCell ref="{m}"/>' for m in sheet.merges) + "</mergeCells>")
        parts.append("</worksheet>")
        worksheets.append("".join(parts))

    main = "application/vnd.ms-excel.sheet.macroEnabled.main+xml" if macro else \
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{main}"/>'
        + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-'
                  f'officedocument.spreadsheetml.worksheet+xml"/>' for i in range(1, len(sheets) + 1))
        + '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.'
          'spreadsheetml.styles+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.sharedStrings+xml"/></Types>'
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    workbook = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
        + "".join(
            f'<sheet name={quoteattr(s.name)} sheetId="{i}"'
            + (f' state="{s.state}"' if s.state != "visible" else "")
            + f' r:id="rId{i}"/>'
            for i, s in enumerate(sheets, start=1)
        )
        + "</sheets></workbook>"
    )
    workbook_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                  f'relationships/worksheet" Target="worksheets/sheet{i}.xml"/>' for i in range(1, len(sheets) + 1))
        + f'<Relationship Id="rId{len(sheets) + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
          'relationships/styles" Target="styles.xml"/>'
        f'<Relationship Id="rId{len(sheets) + 2}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
    )
    shared_strings = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{len(strings)}" '
        f'uniqueCount="{len(strings)}">'
        + "".join(f'<si><t xml:space="preserve">{escape(s)}</t></si>' for s in strings)
        + "</sst>"
    )
    entries = [
        ("[Content_Types].xml", content_types.encode()),
        ("_rels/.rels", rels.encode()),
        ("xl/workbook.xml", workbook.encode()),
        ("xl/_rels/workbook.xml.rels", workbook_rels.encode()),
        *((f"xl/worksheets/sheet{i}.xml", xml.encode()) for i, xml in enumerate(worksheets, start=1)),
        ("xl/styles.xml", _STYLES.encode()),
        ("xl/sharedStrings.xml", shared_strings.encode()),
    ]
    _zip(path, entries)


# --- a minimal ods writer ---------------------------------------------------------------------------------------


def _ods_cell(value, span: int = 1) -> str:
    spanned = f' table:number-columns-spanned="{span}"' if span > 1 else ""
    if value is None or value == "":
        return "<table:table-cell/>"
    if isinstance(value, Percent):
        return (f'<table:table-cell office:value-type="percentage" office:value="{value.value}"{spanned}>'
                f"<text:p>{value.value * 100:g} %</text:p></table:table-cell>")
    if isinstance(value, Date):
        return (f'<table:table-cell office:value-type="date" office:date-value="{value.value.isoformat()}"'
                f"{spanned}><text:p>{value.value:%d/%m/%Y}</text:p></table:table-cell>")
    if isinstance(value, int | float):
        return (f'<table:table-cell office:value-type="float" office:value="{value}"{spanned}>'
                f"<text:p>{value}</text:p></table:table-cell>")
    return f'<table:table-cell office:value-type="string"{spanned}><text:p>{escape(value)}</text:p></table:table-cell>'


def write_ods(path: Path, tables: list[tuple[str, str]]) -> None:
    """`tables`: (name, rows XML) pairs."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        "<office:body><office:spreadsheet>"
        + "".join(f"<table:table table:name={quoteattr(name)}>{rows}</table:table>" for name, rows in tables)
        + "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.2"><manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    _zip(path, [("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"),
                ("META-INF/manifest.xml", manifest.encode()), ("content.xml", content.encode())], stored_first=True)


def ods_row(values: list, spans: dict[int, int] | None = None, repeated: int = 1) -> str:
    spans = spans or {}
    cells = []
    skip = 0
    for index, value in enumerate(values):
        if skip:
            skip -= 1
            cells.append("<table:covered-table-cell/>")
            continue
        span = spans.get(index, 1)
        cells.append(_ods_cell(value, span))
        skip = span - 1
    attr = f' table:number-rows-repeated="{repeated}"' if repeated > 1 else ""
    return f"<table:table-row{attr}>{''.join(cells)}</table:table-row>"


# --- the files ----------------------------------------------------------------------------------------------------

# The commune's hand-typed table: title block, header on row 6, merged services, filière sub-headings, sub-totals,
# a hidden column, names typed in, every working-time and sex spelling, an elected official and a school intern.
MAIRIE_HEADER = ["Service", "Intitulé du poste", "Grade", "Cat.", "Filière", "Temps de travail", "Statut", "Sexe",
                 "ETP 2024", "Nom de l'agent"]
MAIRIE_ROWS = [
    ["COMMUNE DE SAINT-EXEMPLE"],
    ["Tableau des effectifs au 01/01/2025"],
    [],
    ["Annexe à la délibération n° 2025-01 du conseil municipal"],
    [],
    MAIRIE_HEADER,
    ["FILIERE ADMINISTRATIVE"],
    ["Administration générale", "Secrétaire de mairie", "Attaché", "A", "Administrative", "35h", "Titulaire", "F",
     1, "DUPONT Marie"],
    [None, "Agent d'accueil", "Adjt adm. princ. 2e cl.", "c", None, "28h/35", "Stagiaire", "Mme", 0.8,
     "MARTIN Julie"],
    [None, "Agent d'état civil", "Adjoint administratif", "Cat. C", "adm", Percent(0.8), "Contractuel (CDD)",
     "Femme", 0.8, "BERNARD Léa"],
    ["Sous-total filière administrative", None, None, None, None, Formula("SUM(J8:J10)", 2.6)],
    [],
    ["FILIERE TECHNIQUE"],
    ["Services techniques", "Agent d'entretien", "Adjoint technique", "C1", "Technique", "17h30", "Titulaire", "H",
     0.5, "ROBERT Paul"],
    [None, "Agent des espaces verts", "Adjt tech. ppal 2e cl.", "C", None, "TNC 24/35", "Titulaire", "M",
     0.69, "PETIT Louis"],
    [None, "Responsable des services techniques", "Technicien principal de 1ère classe", "B", "Technique", 0.8,
     "Titulaire", "Homme", 0.8, "DURAND Marc"],
    [None, "Agent polyvalent", "Adjoint technique", "C", None, 100, "Apprenti", "M.", 1, "LEROY Tom"],
    ["Sous-total filière technique"],
    ["FILIERE MEDICO-SOCIALE"],
    ["Écoles", "ATSEM", "ATSEM ppal 2e cl.", "C", "Médico-sociale", "temps complet", "Titulaire", "F", 1,
     "MOREAU Anne"],
    ["Écoles", "Agent de restauration scolaire", None, None, None, Hours(31.5), "PEC", "F", 0.9, "SIMON Eva"],
    ["FILIERE CULTURELLE"],
    ["Culture", "Professeur de piano", None, "B", "Culturelle", "05/20ème", "Contractuel", "F", 0.25,
     "LAURENT Chloé"],
    ["Culture", "Agent de bibliothèque", None, None, None, "35:00", "Vacataire", "H", None, "GARCIA Hugo"],
    [None, "Maire", None, None, None, None, "Élu", "H", None, "FOURNIER Jean"],
    ["Écoles", "Stagiaire école", None, None, None, "35h", "Stagiaire gratifié", "F", None, "GIRARD Inès"],
    ["TOTAL GÉNÉRAL", None, None, None, None, Formula("SUM(J8:J24)", 8.34)],
    [],
    ["Fait à Saint-Exemple, le 15/01/2025"],
    ["Le Maire,"],
]
MAIRIE_MERGES = ["A1:J1", "A2:J2", "A7:J7", "A8:A10", "A13:J13", "A14:A17", "A19:J19", "A22:J22"]


def mairie() -> None:
    write_xlsx(OUT / "mairie_titre_fusion.xlsx",
               [XSheet("Effectifs", MAIRIE_ROWS, MAIRIE_MERGES, hidden_cols=[9])])


def next_year() -> None:
    """Next year's table: columns moved, one renamed slightly, one added; the saved mapping must still apply."""
    header = ["Intitulé de poste", "Grade", "Date d'entrée", "Temps de travail", "Service", "Statut", "Sexe", "Cat.",
              "Filière"]
    rows = [
        ["Tableau des effectifs au 01/01/2026"],
        header,
        ["Secrétaire de mairie", "Attaché principal", Date(dt.date(2015, 9, 1)), "35h", "Administration", "Titulaire",
         "F", "A", "Administrative"],
        ["Agent d'accueil", "Adjoint administratif principal de 2ème classe", Date(dt.date(2020, 3, 1)), "80 %",
         "Administration", "Titulaire", "F", "C", "Administrative"],
        ["Agent d'entretien", "Adjoint technique", Date(dt.date(2024, 1, 15)), "17h30", "Services techniques",
         "Stagiaire", "H", "C", "Technique"],
    ]
    write_xlsx(OUT / "mairie_2026_colonnes_deplacees.xlsx", [XSheet("Effectifs 2026", rows, ["A1:I1"])])


def several_sheets() -> None:
    header = ["Poste", "Grade", "Catégorie", "Filière", "Quotité", "Statut"]
    notice = XSheet("Notice", [["Ce classeur contient le tableau des effectifs du budget principal et du CCAS."],
                               ["Mettre à jour chaque année avant le vote du budget."]])
    principal = XSheet("Budget principal", [
        header,
        ["Secrétaire générale", "Attaché principal", "A", "Administrative", "100 %", "Titulaire"],
        ["Agent d'accueil", "Adjoint administratif", "C", "Administrative", "100 %", "Titulaire"],
        ["Agent technique polyvalent", "Adjoint technique", "C", "Technique", "80 %", "Titulaire"],
        ["Animateur périscolaire", "Adjoint d'animation", "C", "Animation", "50 %", "Contractuel"],
        ["Policier municipal", "Chef de service de police municipale", "C", "Police municipale", "100 %",
         "Titulaire"],
    ])
    ccas = XSheet("CCAS", [
        header,
        ["Aide à domicile", "Adjoint technique", "C", "Sociale", "70 %", "Contractuel"],
        ["Agent social", None, "C", "Sociale", "100 %", "Titulaire"],
    ])
    hidden = XSheet("Paramètres", [["Statuts"], ["Titulaire"], ["Contractuel"], ["Stagiaire"]], state="hidden")
    write_xlsx(OUT / "plusieurs_feuilles.xlsx", [notice, principal, ccas, hidden])


def two_header_rows() -> None:
    rows = [
        ["Effectifs du service enfance"],
        ["Poste", "Agent", None, "Temps de travail", None, "Statut"],
        [None, "Nom", "Prénom", "Quotité", "Heures hebdo", None],
        ["Animateur", "NOËL", "Sarah", "80 %", 28, "Contractuel"],
        ["Directrice d'accueil de loisirs", "ROUX", "Camille", "100 %", 35, "Titulaire"],
        ["Agent d'animation", "BLANC", "Théo", "50 %", 17.5, "Contractuel"],
    ]
    merges = ["A1:F1", "A2:A3", "B2:C2", "D2:E2", "F2:F3"]
    write_xlsx(OUT / "deux_lignes_entete.xlsx", [XSheet("Enfance", rows, merges)])


def formulas() -> None:
    rows = [
        ["Poste", "Grade", "ETP", "Code", "Remarque"],
        [Formula('HYPERLINK("https://intranet.example/fiche-12","Agent d\'accueil")', "Agent d'accueil"),
         "Adjoint administratif", Formula("28/35", 0.8), Formula("1+1", 2), "=pas une formule"],
        ["Agent d'entretien", "Adjoint technique", 1, Formula("1+1"), None],
        [Formula('CONCATENATE("Agent ","polyvalent")'), "Adjoint technique", Formula("IF(TRUE,0.5,1)", 0.5), None,
         "Poste créé en 2024"],
    ]
    write_xlsx(OUT / "formules.xlsx", [XSheet("Postes", rows)], macro=True)
    (OUT / "formules.xlsm").write_bytes((OUT / "formules.xlsx").read_bytes())
    (OUT / "formules.xlsx").unlink()


ANNEX_ROWS = [
    ["ÉTAT DU PERSONNEL AU 01/01/2025 — BUDGET PRINCIPAL"],
    [],
    ["GRADES OU EMPLOIS", "CATÉGORIES", "SECTEUR", "EMPLOIS BUDGÉTAIRES", None, None, "EFFECTIFS POURVUS", None, None],
    [None, None, None, "TC", "TNC", "Total", "Titulaires", "Non titulaires", "Total"],
    ["SECTEUR ADMINISTRATIF"],
    ["Attaché", "A", "ADM", 1, 0, 1, 1, 0, 1],
    ["Rédacteur principal de 1ère classe", "B", "ADM", 1, 0, 1, 0, 0, 0],
    ["Adjoint administratif principal de 2ème classe", "C", "ADM", 2, 0, 2, 2, 0, 2],
    ["Adjoint administratif", "C", "ADM", 1, 1, 2, 1, 1, 2],
    ["Total secteur administratif", None, None, 5, 1, 6, 4, 1, 5],
    ["SECTEUR TECHNIQUE"],
    ["Adjoint technique principal de 2ème classe", "C", "TECH", 3, 0, 3, 3, 0, 3],
    ["Adjoint technique (TNC 17h30)", "C", "TECH", 0, 2, 2, 1, 1, 2],
    ["Agent de maîtrise", "C", "TECH", 1, 0, 1, 0, 0, ""],
    ["Total secteur technique", None, None, 4, 2, 6, 4, 1, 5],
    ["TOTAL GÉNÉRAL", None, None, 9, 3, 12, 8, 2, 10],
]


def budget_annex() -> None:
    merges = ["A1:I1", "A3:A4", "B3:B4", "C3:C4", "D3:F3", "G3:I3", "A5:I5", "A11:I11"]
    write_xlsx(OUT / "etat_du_personnel.xlsx", [XSheet("Etat du personnel", ANNEX_ROWS, merges)])


def empty_and_header_only() -> None:
    write_xlsx(OUT / "vide.xlsx", [XSheet("Feuil1", [])])
    write_xlsx(OUT / "entete_seul.xlsx", [XSheet("Feuil1", [["Poste", "Grade", "Temps de travail", "Statut"]])])


def truncated() -> None:
    data = (OUT / "mairie_titre_fusion.xlsx").read_bytes()
    (OUT / "tronque.xlsx").write_bytes(data[: len(data) * 6 // 10])


def csv_renamed() -> None:
    text = "Poste;Grade;Temps de travail\nAgent d'accueil;Adjoint administratif;80 %\nJardinier;Adjoint technique;35h\n"
    (OUT / "csv_renomme.xlsx").write_bytes(text.encode("cp1252"))


def password() -> None:
    try:
        from msoffcrypto.format.ooxml import OOXMLFile
    except ImportError:
        print("msoffcrypto-tool absent : protege.xlsx non régénéré")
        return
    plain = io.BytesIO()
    plain.write((OUT / "plusieurs_feuilles.xlsx").read_bytes())
    plain.seek(0)
    encrypted = io.BytesIO()
    office = OOXMLFile(plain)
    office.encrypt("secret", encrypted)
    (OUT / "protege.xlsx").write_bytes(encrypted.getvalue())


def giant_dimension() -> None:
    """Two cells far apart: the engine would allocate 17 billion cells if not stopped before."""
    raw = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           '<dimension ref="A1:XFD1048576"/><sheetData>'
           '<row r="1"><c r="A1" t="inlineStr"><is><t>Poste</t></is></c></row>'
           '<row r="2"><c r="A2" t="inlineStr"><is><t>Agent</t></is></c>'
           '<c r="XFD1048576" t="inlineStr"><is><t>loin</t></is></c></row>'
           "</sheetData></worksheet>")
    write_xlsx(OUT / "dimension_geante.xlsx", [XSheet("Feuil1", raw=raw)])


def _patch_sizes(data: bytearray, member: bytes, size: int) -> None:
    """Rewrite the uncompressed size of `member` in its local header and central directory entry."""
    position = 0
    while True:
        local = data.find(b"PK\x03\x04", position)
        if local < 0:
            break
        name_length = struct.unpack_from("<H", data, local + 26)[0]
        if bytes(data[local + 30: local + 30 + name_length]) == member:
            struct.pack_into("<I", data, local + 22, size)
        position = local + 4
    central = data.find(b"PK\x01\x02")
    while central >= 0:
        name_length = struct.unpack_from("<H", data, central + 28)[0]
        if bytes(data[central + 46: central + 46 + name_length]) == member:
            struct.pack_into("<I", data, central + 24, size)
        central = data.find(b"PK\x01\x02", central + 4)


def zip_bombs() -> None:
    """A sheet that claims 4 GB once decompressed, and one that lies the other way (claims 1 kB, holds 50 MB)."""
    filler = "<!--" + " " * (50 * 1024 * 1024) + "-->"
    raw = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
           '<row r="1"><c r="A1" t="inlineStr"><is><t>Poste</t></is></c></row>' + filler
           + "</sheetData></worksheet>")
    write_xlsx(OUT / "bombe_mensongere.xlsx", [XSheet("Feuil1", raw=raw)])
    data = bytearray((OUT / "bombe_mensongere.xlsx").read_bytes())
    _patch_sizes(data, b"xl/worksheets/sheet1.xml", 1024)
    (OUT / "bombe_mensongere.xlsx").write_bytes(bytes(data))
    small = '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>'
    write_xlsx(OUT / "bombe_declaree.xlsx", [XSheet("Feuil1", raw=small)])
    data = bytearray((OUT / "bombe_declaree.xlsx").read_bytes())
    _patch_sizes(data, b"xl/worksheets/sheet1.xml", 0xFFFFFFF0)
    (OUT / "bombe_declaree.xlsx").write_bytes(bytes(data))


def garbage() -> None:
    rng = random.Random(20250101)
    noise = bytes(rng.randrange(256) for _ in range(4096))
    noise = b"\x07\x00" + noise[2:]  # neither a zip nor an OLE signature, and binary for sure
    (OUT / "binaire.xlsx").write_bytes(noise)
    (OUT / "binaire.dat").write_bytes(noise[::-1])
    (OUT / "effectifs.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n")
    (OUT / "page_web.xls").write_bytes(
        b"<html><head><meta charset='utf-8'></head><body><table><tr><td>Poste</td><td>Grade</td></tr>"
        b"<tr><td>Agent d'accueil</td><td>Adjoint administratif</td></tr></table></body></html>")
    (OUT / "vide.csv").write_bytes(b"")


# --- CSV and text exports -----------------------------------------------------------------------------------------

PAYROLL_HEADER = ["Matricule", "Nom", "Prénom", "NIR", "Date de naissance", "Sexe", "Service", "Emploi", "Grade",
                  "Statut", "Taux d'emploi", "Période", "Brut"]
PAYROLL_AGENTS = [
    # matricule, nom, prénom, NIR, naissance, sexe, service, emploi, grade, statut, taux, brut, months
    ("A001", "DUPONT", "Marie", "2 80 02 75 112 345 67", "01/02/1980", "F", "Accueil", "Agent d'accueil",
     "Adjoint administratif", "Titulaire", "100,00", "2 010,45", (10, 11, 12)),
    ("A002", "MARTIN", "Julie", "2 91 07 69 123 456 78", "12/07/1991", "F", "Etat civil", "Agent d'état civil",
     "Adjoint administratif principal de 2ème classe", "Stagiaire", "80,00", "1 690,12", (10, 11, 12)),
    ("A003", "ROBERT", "Paul", "1 75 11 13 055 666 12", "23/11/1975", "M", "Technique", "Agent d'entretien",
     "Adjoint technique", "Contractuel", "151,67", "1 850,00", (10, 11, 12)),
    ("A004", "PETIT", "Louis", "1 62 04 33 063 777 90", "05/04/1962", "M", "Technique", "Agent des espaces verts",
     "Adjoint technique principal de 1ère classe", "Titulaire", "100,00", "2 300,00", (10, 11)),
    ("A005", "LEROY", "Tom", "1 05 09 59 350 888 01", "30/09/2005", "M", "Technique", "Agent polyvalent", "",
     "Apprenti", "100,00", "980,30", (10, 11, 12)),
    ("E001", "FOURNIER", "Jean", "1 58 01 75 056 999 23", "14/01/1958", "M", "Elus", "Maire", "Elu",
     "Indemnités d'élus", "", "1 650,00", (10, 11, 12)),
    ("S001", "GIRARD", "Inès", "2 03 05 31 555 101 45", "22/05/2003", "F", "Ecoles", "Stagiaire école",
     "", "Stagiaire école", "100,00", "600,60", (11, 12)),
]


def payroll_rows() -> list[list[str]]:
    rows = []
    for agent in PAYROLL_AGENTS:
        *fields, pay, months = agent
        for month in months:
            rows.append([*fields, f"{month:02d}/2024", pay])
    # An agent in disponibilité: paid in October and November, nothing in December.
    rows += [["A006", "MOREAU", "Anne", "2 84 12 44 109 202 33", "09/12/1984", "F", "Ecoles", "ATSEM",
              "Agent spécialisé principal de 2ème classe des écoles maternelles", "Titulaire", "100,00",
              f"{m:02d}/2024", pay] for m, pay in ((10, "2 100,00"), (11, "2 100,00"), (12, "0,00"))]
    # An agent on two posts in December (two lines that month), one line in November.
    rows += [
        ["A007", "SIMON", "Eva", "2 77 03 13 201 303 44", "17/03/1977", "F", "Restauration", "Agent de restauration",
         "Adjoint technique", "Titulaire", "50,00", "11/2024", "1 000,00"],
        ["A007", "SIMON", "Eva", "2 77 03 13 201 303 44", "17/03/1977", "F", "Restauration", "Agent de restauration",
         "Adjoint technique", "Titulaire", "50,00", "12/2024", "1 000,00"],
        ["A007", "SIMON", "Eva", "2 77 03 13 201 303 44", "17/03/1977", "F", "Entretien", "Agent d'entretien",
         "Adjoint technique", "Titulaire", "50,00", "12/2024", "1 000,00"],
    ]
    # The same December line exported twice, and a line whose period cannot be read.
    duplicate = ["A008", "LAURENT", "Chloé", "2 88 06 75 118 404 55", "02/06/1988", "F", "Culture",
                 "Agent de bibliothèque", "Adjoint du patrimoine", "Contractuel", "80,00", "12/2024", "1 540,20"]
    rows += [duplicate, list(duplicate)]
    rows += [["A009", "GARCIA", "Hugo", "1 90 10 92 050 505 66", "11/10/1990", "M", "Sport", "Educateur sportif",
              "Educateur des APS", "Contractuel", "100,00", "Décembre", "2 200,00"]]
    return rows


def _csv_line(values: list[str], separator: str) -> str:
    out = []
    for value in values:
        quoted = separator in value or '"' in value or "\n" in value
        out.append('"' + value.replace('"', '""') + '"' if quoted else value)
    return separator.join(out)


def csv_files() -> None:
    lines = [_csv_line(PAYROLL_HEADER, ";")] + [_csv_line(row, ";") for row in payroll_rows()]
    (OUT / "paie_2024.csv").write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))

    rows = [["Poste", "Grade", "Quotité", "Statut", "Service"],
            ["Agent d'accueil, état civil", "Adjoint administratif", "0,8", "Titulaire", "Mairie"],
            ["Responsable « bâtiments »", "Technicien", "1", "Titulaire", "Technique"],
            ["Agent d'entretien", "Adjoint technique", "0,5", "Contractuel", "Écoles"]]
    text = "\n".join(_csv_line(row, ",") for row in rows) + "\n"
    (OUT / "utf8_bom_virgule.csv").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))

    rows = [["Emploi", "Grade", "Temps de travail", "Statut"],
            ["Chargée de communication", "Rédacteur", "100 %", "Contractuelle"],
            ["Agent d'entretien des écoles", "Adjoint technique", "TNC 20/35", "Titulaire"]]
    text = "\r\n".join("\t".join(row) for row in rows) + "\r\n"
    (OUT / "export_unicode.txt").write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))

    rows = [["Poste", "Grade", "Temps", "Prime"],
            ["Manœuvre", "Adjoint technique", "35h", "50 €"],
            ["Chef d'équipe Œuvres sociales", "Agent de maîtrise", "35h", "80 €"]]
    (OUT / "iso8859_15.csv").write_bytes(("\n".join(";".join(r) for r in rows) + "\n").encode("iso-8859-15"))

    rows = [["Poste", "Grade", "Temps de travail"],
            ["Agent d'entretien des écoles", "Adjoint technique", "28h/35"],
            ["Secrétaire de mairie", "Rédacteur", "35h"]]
    (OUT / "latin1.csv").write_bytes(("\n".join(";".join(r) for r in rows) + "\n").encode("latin-1"))

    text = "sep=,\nPoste,Quotité,Statut\nJardinier,\"0,8\",Titulaire\nCuisinier,1,Titulaire\n"
    (OUT / "sep_excel.csv").write_bytes(text.encode("utf-8"))

    rows = [["Poste", "Temps de travail", "Note"],
            ['=HYPERLINK("https://intranet.example/fiche";"Agent d\'accueil")', "35h", "=1+1"],
            ["=1+1", "80 %", "+33 1 23 45 67 89"],
            ["@SUM(A1)", "50 %", "-2"]]
    (OUT / "formules.csv").write_bytes(("\n".join(_csv_line(row, ";") for row in rows) + "\n").encode("utf-8"))


# --- other formats ------------------------------------------------------------------------------------------------


def xls_file() -> None:
    try:
        import xlwt
    except ImportError:
        print("xlwt absent : ancien_format.xls non régénéré")
        return
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Personnel")
    sheet.write_merge(0, 0, 0, 6, "MAIRIE DE VIEUX-FORMAT - EFFECTIFS 2025")
    header = ["Emploi", "Grade", "Catégorie", "Quotité", "Statut", "Sexe", "Né(e) le"]
    for col, text in enumerate(header):
        sheet.write(2, col, text)
    date_style = xlwt.easyxf(num_format_str="DD/MM/YYYY")
    rows = [
        ["Secrétaire de mairie", "Rédacteur principal de 2ème classe", "B", 1.0, "Titulaire", "F",
         dt.date(1970, 5, 14)],
        ["Agent technique", "Adjoint technique", "C", 0.8, "Titulaire", "H", dt.date(1985, 8, 2)],
        ["Agent d'entretien", "Adjoint technique", "C", 0.5, "Contractuel", "F", dt.date(1999, 1, 30)],
    ]
    for r, row in enumerate(rows, start=3):
        for col, value in enumerate(row):
            if isinstance(value, dt.date):
                sheet.write(r, col, value, date_style)
            else:
                sheet.write(r, col, value)
    sheet.write(6, 0, "TOTAL")
    sheet.write(6, 3, xlwt.Formula("SUM(D4:D6)"))
    book.add_sheet("Feuil2")
    buffer = io.BytesIO()
    book.save(buffer)
    (OUT / "ancien_format.xls").write_bytes(buffer.getvalue())


def ods_files() -> None:
    rows = "".join([
        ods_row(["Tableau des effectifs - Commune d'Exemple-sur-Loire", None, None, None], spans={0: 4}),
        ods_row(["Poste", "Grade", "Quotité", "Statut"]),
        ods_row(["Agent d'accueil", "Adjoint administratif", Percent(0.8), "Titulaire"]),
        ods_row(["Agent des espaces verts", "Adjoint technique", Percent(1.0), "Contractuel"]),
        ods_row(["ATSEM", "ATSEM principal de 2e classe", 0.9, "Titulaire"]),
        '<table:table-row table:number-rows-repeated="1048571"><table:table-cell '
        'table:number-columns-repeated="1024"/></table:table-row>',
    ])
    write_ods(OUT / "tableau.ods", [("Effectifs", rows)])
    giant = ods_row(["Poste", "Grade"]) + ods_row(["Agent", "Adjoint technique"], repeated=2_000_000)
    write_ods(OUT / "ods_geant.ods", [("Feuille1", giant)])


SPREADSHEETML = """<?xml version="1.0" encoding="UTF-8"?>
<?mso-application progid="Excel.Sheet"?>
<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">
 <Worksheet ss:Name="Agents">
  <Table>
   <Row><Cell ss:MergeAcross="3"><Data ss:Type="String">Export paie - décembre 2024</Data></Cell></Row>
   <Row ss:Index="3"><Cell><Data ss:Type="String">Emploi</Data></Cell>
    <Cell><Data ss:Type="String">Grade</Data></Cell>
    <Cell><Data ss:Type="String">Taux</Data></Cell><Cell><Data ss:Type="String">Statut</Data></Cell></Row>
   <Row><Cell><Data ss:Type="String">Agent d'accueil</Data></Cell>
    <Cell><Data ss:Type="String">Adjoint administratif</Data></Cell>
    <Cell><Data ss:Type="Number">100</Data></Cell><Cell><Data ss:Type="String">Titulaire</Data></Cell></Row>
   <Row><Cell><Data ss:Type="String">Policier municipal</Data></Cell>
    <Cell ss:Index="3"><Data ss:Type="Number">80</Data></Cell>
    <Cell><Data ss:Type="String">Titulaire</Data></Cell></Row>
  </Table>
 </Worksheet>
</Workbook>
"""


def xml2003_file() -> None:
    (OUT / "export_2003.xls").write_bytes(SPREADSHEETML.encode("utf-8"))


# The budget document as TotEM exports it: ISO-8859-1, default namespace, every value in a V attribute. Structure
# from the public documentation of DocumentBudgetaire (see tests/data/README.md); amounts and names invented.
TOTEM = """<?xml version="1.0" encoding="ISO-8859-1"?>
<DocumentBudgetaire xmlns="http://www.minefi.gouv.fr/cp/demat/docbudgetaire" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <VersionSchema V="108"/>
  <BlocEditeur><CodeEditeur V="Exemple"/></BlocEditeur>
  <EnTeteDocBudgetaire>
    <DteStr V="2025-03-28"/>
    <LibellePoste V="SGC EXEMPLE"/>
    <IdPost V="0770000"/>
    <LibelleColl V="COMMUNE DE SAINT-EXEMPLE"/>
    <IdColl V="21770000000010"/>
    <NatCEPL V="Commune"/>
  </EnTeteDocBudgetaire>
  <Budget>
    <EnTeteBudget>
      <LibelleEtab V="COMMUNE DE SAINT-EXEMPLE"/>
      <IdEtab V="21770000000010"/>
      <Nomenclature V="M57-M57_A"/>
    </EnTeteBudget>
    <BlocBudget>
      <NatDec V="01"/>
      <Exer V="2025"/>
      <CodTypBud V="P"/>
    </BlocBudget>
    <LigneBudget><Nature V="6411"/><Fonction V="020"/><CodRD V="D"/><MtPrev V="250000.00"/></LigneBudget>
    <Annexes>
      <DATA_PERSONNEL>
        <PERSONNEL>
          <CodTypAgent V="T"/>
          <EmploiGradeAgent V="Attaché territorial"/>
          <CodCatAgent V="A"/>
          <TempsComplet V="true"/>
          <Permanent V="true"/>
          <CodSectAgentTitulaire V="ADM"/>
          <EffectifBud V="1.0"/>
          <EffectifPourvu V="1.0"/>
        </PERSONNEL>
        <PERSONNEL>
          <CodTypAgent V="T"/>
          <EmploiGradeAgent V="Adjoint administratif principal de 2ème classe"/>
          <CodCatAgent V="C"/>
          <TempsComplet V="true"/>
          <Permanent V="true"/>
          <CodSectAgentTitulaire V="ADM"/>
          <EffectifBud V="3.0"/>
          <EffectifPourvu V="2.0"/>
        </PERSONNEL>
        <PERSONNEL>
          <CodTypAgent V="T"/>
          <EmploiGradeAgent V="Adjoint technique territorial TNC 28h"/>
          <CodCatAgent V="C"/>
          <TempsComplet V="false"/>
          <Permanent V="true"/>
          <CodSectAgentTitulaire V="TECH"/>
          <EffectifBud V="2.0"/>
          <EffectifPourvu V="2.0"/>
          <EffectifTNC V="2"/>
        </PERSONNEL>
        <PERSONNEL>
          <CodTypAgent V="T"/>
          <EmploiGradeAgent V="Adjoint territorial du patrimoine principal de 1ère classe"/>
          <CodCatAgent V="C"/>
          <TempsComplet V="true"/>
          <Permanent V="true"/>
          <CodSectAgentTitulaire V="CULT"/>
          <IndiceAgent V="'400"/>
          <EffectifBud V="1.0"/>
          <EffectifPourvu V="1.0"/>
        </PERSONNEL>
        <PERSONNEL>
          <CodTypAgent V="T"/>
          <EmploiGradeAgent V="Rédacteur principal de 1ère classe"/>
          <CodCatAgent V="B"/>
          <TempsComplet V="true"/>
          <Permanent V="true"/>
          <CodSectAgentTitulaire V="ADM"/>
          <EffectifBud V="1.0"/>
          <EffectifPourvu V="0.0"/>
        </PERSONNEL>
        <PERSONNEL>
          <CodTypAgent V="NT"/>
          <EmploiGradeAgent V="Adjoint d'animation"/>
          <CodCatAgent V="C"/>
          <TempsComplet V="false"/>
          <Permanent V="false"/>
          <CodSectAgentNonTitulaire V="ANIM"/>
          <NatureContrat V="CDD"/>
          <LibelleNatureContrat V="Contrat à durée déterminée"/>
          <LibMotifContrAgent V="Accroissement temporaire d'activité"/>
          <RemunAgent V="12000.00"/>
          <EffectifBud V="1.0"/>
          <EffectifPourvu V="1.0"/>
        </PERSONNEL>
      </DATA_PERSONNEL>
      <DATA_PERSONNEL_SOLDE>
        <PERSONNEL_SOLDE><NbrCreatEmploi V="1"/><NbrSupprEmploi V="0"/></PERSONNEL_SOLDE>
      </DATA_PERSONNEL_SOLDE>
    </Annexes>
  </Budget>
</DocumentBudgetaire>
"""

TOTEM_WITHOUT_STAFF = (
    TOTEM[: TOTEM.index("      <DATA_PERSONNEL>")] + "    </Annexes>\n  </Budget>\n</DocumentBudgetaire>\n"
)

BILLION_LAUGHS = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE DocumentBudgetaire [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<DocumentBudgetaire xmlns="http://www.minefi.gouv.fr/cp/demat/docbudgetaire"><Budget><Annexes><DATA_PERSONNEL>
<PERSONNEL><EmploiGradeAgent V="&lol9;"/><EffectifPourvu V="1"/></PERSONNEL>
</DATA_PERSONNEL></Annexes></Budget></DocumentBudgetaire>
"""

XXE = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE DocumentBudgetaire [ <!ENTITY secret SYSTEM "file:///etc/passwd"> ]>
<DocumentBudgetaire xmlns="http://www.minefi.gouv.fr/cp/demat/docbudgetaire"><Budget><Annexes><DATA_PERSONNEL>
<PERSONNEL><EmploiGradeAgent V="&secret;"/><EffectifPourvu V="1"/></PERSONNEL>
</DATA_PERSONNEL></Annexes></Budget></DocumentBudgetaire>
"""


def xml_files() -> None:
    (OUT / "budget_totem.xml").write_bytes(TOTEM.encode("iso-8859-1"))
    (OUT / "totem_sans_personnel.xml").write_bytes(TOTEM_WITHOUT_STAFF.encode("iso-8859-1"))
    (OUT / "billion_laughs.xml").write_bytes(BILLION_LAUGHS.encode())
    (OUT / "xxe.xml").write_bytes(XXE.encode())


def main() -> None:
    OUT.mkdir(exist_ok=True)
    mairie()
    next_year()
    several_sheets()
    two_header_rows()
    formulas()
    budget_annex()
    empty_and_header_only()
    truncated()
    csv_renamed()
    password()
    giant_dimension()
    zip_bombs()
    garbage()
    csv_files()
    xls_file()
    ods_files()
    xml2003_file()
    xml_files()
    for path in sorted(OUT.iterdir()):
        print(f"{path.stat().st_size:>9}  {path.name}")


if __name__ == "__main__":
    main()
