"""Fuzz every reader of outside files: staffing tables (xlsx, xlsm, xls, ods, csv, TotEM XML, XML 2003), the project
file opener (`.carto`) and the workshop kit reader — with mutations of real-looking files and hypothesis-generated
spreadsheets, each case read in a child process with a time bound and a memory bound.

    python scripts/fuzz_readers.py                      # nightly size: 10 000 cases, seed 1
    python scripts/fuzz_readers.py --cases 300 --seed 7 --jobs 2 --seconds-per-file 10 --memory-mb 2048
    python scripts/fuzz_readers.py --only 1234 --seed 1 --keep /tmp/cas   # regenerate one case to look at it

Prints one JSON line: cases, ours (our French errors), ok, crashes, hangs, memory (blow-ups caught by the cap),
bugs (any other exception), per target and per mutation family, the slowest file, and the failing cases kept in
`--keep` (each case is regenerated from `--seed` and its number alone). Exit code 1 when a case crashed, hung, blew
the memory cap or raised anything but our own errors. `tests/io/test_fuzz_campaign.py` runs a few hundred cases of
the same machinery in CI.

The child is `tests/io/fuzz_worker.py --serve`; its address space is capped at what its imports use plus
`--memory-mb` (RLIMIT_AS, Linux), and a case that outlasts `--seconds-per-file` is a hang: the child is killed and a
fresh one takes the next case.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import math
import os
import random
import re
import selectors
import shutil
import sqlite3
import struct
import subprocess
import sys
import tempfile
import time
import warnings
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WORKER = ROOT / "tests" / "io" / "fuzz_worker.py"
STAFFING_DIR = ROOT / "tests" / "data" / "staffing"
DEMO_DIR = ROOT / "data" / "demo"
STAFFING_SEEDS = [
    "mairie_titre_fusion.xlsx", "mairie_2026_colonnes_deplacees.xlsx", "plusieurs_feuilles.xlsx",
    "deux_lignes_entete.xlsx", "etat_du_personnel.xlsx", "formules.xlsm", "ancien_format.xls", "tableau.ods",
    "export_2003.xls", "budget_totem.xml", "paie_2024.csv", "utf8_bom_virgule.csv", "export_unicode.txt",
    "iso8859_15.csv", "sep_excel.csv", "formules.csv", "page_web.xls", "protege.xlsx",
]
HOSTILE = ["dimension_geante.xlsx", "bombe_declaree.xlsx", "bombe_mensongere.xlsx", "ods_geant.ods",
           "billion_laughs.xml", "xxe.xml", "tronque.xlsx", "binaire.xlsx", "csv_renomme.xlsx", "vide.csv"]
# Share of the cases per (target, family); the families are the generators below.
MIX: list[tuple[str, str, float]] = [
    ("staffing", "bytes", 0.17), ("staffing", "zipxml", 0.17), ("staffing", "claims", 0.08),
    ("staffing", "text", 0.08), ("staffing", "hypothesis", 0.16), ("staffing", "hostile", 0.02),
    ("staffing", "bomb", 0.005),
    ("carto", "bytes", 0.05), ("carto", "pages", 0.04), ("carto", "sql", 0.08),
    ("kit", "bytes", 0.03), ("kit", "zipxml", 0.04), ("kit", "cells", 0.073), ("kit", "bomb", 0.002),
]


# --- seeds ------------------------------------------------------------------------------------------------------


@dataclass
class Seeds:
    staffing: list[Path]
    carto: list[Path]
    kit: list[Path]
    folder: Path
    bombs: list[Path] = field(default_factory=list)
    kit_bombs: list[Path] = field(default_factory=list)

    def zips(self, paths: list[Path]) -> list[Path]:
        return [p for p in paths if p.read_bytes()[:4] == b"PK\x03\x04"]


def prepare_seeds(folder: Path, *, bombs: bool) -> Seeds:
    """The real-looking files every mutation starts from (the fixtures, the demo commune, its workshop kit)."""
    from cartographie_desktop.core import referentiel
    from cartographie_desktop.io import store, workshop_kit

    folder.mkdir(parents=True, exist_ok=True)
    staffing = [STAFFING_DIR / name for name in STAFFING_SEEDS] + [DEMO_DIR / "val-fleuri-effectifs.xlsx"]
    rng = random.Random(0)
    for table_format in ("xlsx", "ods", "xml2003", "totem", "csv"):
        path = folder / f"genere.{_extension(table_format)}"
        path.write_bytes(write_table(_realistic_table(rng, 120), table_format, rng))
        staffing.append(path)

    demo = store.load_demo()
    ref = referentiel.load()
    carto = [DEMO_DIR / "val-fleuri.carto"]
    personal = folder / "avec-donnees-personnelles.carto"
    store.ProjectStore.create(personal, demo, {post.id: {"nom": f"NOM{post.id}", "nir": "1 80 01 75 123 456 12"}
                                               for post in demo.posts[:20]}).close()
    carto.append(personal)
    kit = [workshop_kit.prepare_kit(demo, ref, [s.id for s in demo.workshops], folder / "kit-atelier.xlsx",
                                    group="Groupe 1")]
    kit.append(workshop_kit.prepare_kit(demo, ref, [demo.workshops[0].id], folder / "kit-une-fiche.xlsx"))
    seeds = Seeds(staffing, carto, kit, folder)
    if bombs:
        seeds.bombs, seeds.kit_bombs = make_bombs(folder, staffing, kit)
    return seeds


def make_bombs(folder: Path, staffing: list[Path], kits: list[Path]) -> tuple[list[Path], list[Path]]:
    """Honest zip bombs (the size declared is the true one), each a few MB on disk: for the staffing readers a sheet
    of 2.2 GB of zeros, one of 1.2 GB of valid rows (over the row limit), shared strings of 1.5 GB, an OpenDocument
    table of 1.2 GB; for the kit reader, a worksheet of 1.2 GB of valid rows."""
    xlsx = next(p for p in staffing if p.name == "etat_du_personnel.xlsx")
    ods = next(p for p in staffing if p.name == "tableau.ods")
    head = b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    row = b'<row><c t="inlineStr"><is><t>Agent</t></is></c><c><v>1</v></c></row>'
    rows = (head + b"<sheetData>", row * ((1 << 20) // len(row)), 1200, b"</sheetData></worksheet>")
    ods_row = b'<table:table-row><table:table-cell office:value-type="string"><text:p>Agent</text:p>' \
              b"</table:table-cell></table:table-row>"
    ods_head = zipfile.ZipFile(ods).read("content.xml").split(b"<table:table-row", 1)[0]
    specs = [
        (xlsx, "zeros", _first_sheet(xlsx), (b"", b"\0" * (1 << 20), 2200, b"")),
        (xlsx, "lignes", _first_sheet(xlsx), rows),
        (xlsx, "chaines", "xl/sharedStrings.xml",
         (b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
          b'uniqueCount="1">', b"<si><t>x</t></si>" * 65536, 1500, b"</sst>")),
        (ods, "ods", "content.xml", (ods_head, ods_row * ((1 << 20) // len(ods_row)), 1200,
                                     b"</table:table></office:spreadsheet></office:body></office:document-content>")),
    ]
    staffing_bombs = [_bomb(folder / f"bombe_{name}{source.suffix}", source, member, parts)
                      for source, name, member, parts in specs]
    kit_bombs = [_bomb(folder / "bombe_kit.xlsx", kits[0], "xl/worksheets/sheet2.xml", rows)]
    return staffing_bombs, kit_bombs


def _first_sheet(xlsx: Path) -> str:
    return next(n for n in zipfile.ZipFile(xlsx).namelist() if n.startswith("xl/worksheets/sheet"))


def _bomb(path: Path, source_path: Path, member: str, parts: tuple[bytes, bytes, int, bytes]) -> Path:
    first, chunk, megabytes, last = parts
    with zipfile.ZipFile(source_path) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        names = source.namelist()
        for info in source.infolist():
            if info.filename != member:
                target.writestr(info, source.read(info.filename))
        member_info = zipfile.ZipInfo(member)
        member_info.compress_type = zipfile.ZIP_DEFLATED
        with target.open(member_info, "w", force_zip64=True) as stream:
            stream.write(first)
            for _ in range(megabytes * (1 << 20) // len(chunk)):
                stream.write(chunk)
            stream.write(last)
        assert member in names or member.endswith("sharedStrings.xml")
    return path


# --- hypothesis-generated tables --------------------------------------------------------------------------------

HEADERS = ["Poste", "Intitulé du poste", "Emploi", "Fonction", "Grade", "Temps de travail", "Quotité", "ETP",
           "Statut", "Sexe", "Catégorie", "Filière", "Service", "Direction", "Nom", "Prénom", "NIR",
           "Date de naissance", "Matricule", "Mois", "Brut", "Effectif pourvu", "Observations", "Budget", ""]
VALUES = ["Agent d'accueil", "ATSEM", "Secrétaire de mairie", "Agent d'entretien", "Jardinier", "Policier municipal",
          "Adjoint administratif", "Adjoint technique principal 2e cl.", "Attaché territorial", "Rédacteur",
          "35h", "28h/35", "17h30", "TNC 24/35", "80 %", "0,8", "100", "1", "temps complet", "31:30", "05/20ème",
          "Titulaire", "Stagiaire", "CDD", "Contractuel", "Apprenti", "Vacataire", "Élu", "Maire", "F", "H", "Mme",
          "M.", "Femme", "C", "B", "A", "Cat. C", "technique", "ADM", "TECH", "TOTAL", "TOTAL GÉNÉRAL",
          "FILIERE TECHNIQUE", "DUPONT", "1 80 01 75 123 456 12", "01/01/1980", "12/2024", "Décembre", "151,67",
          "=1+1", "=SUM(A1:A3)", "+33", "-", "@x", "", " ", "—", "N/A", "#N/A", "#REF!", "1e308", "-0", "NaN"]


def _hypothesis_tables(count: int, seed: int) -> list[dict]:
    """`count` tables drawn by hypothesis (title block, header, rows, merges), reproducible from `seed`."""
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as hypothesis_seed
    from hypothesis import strategies as st

    cell = st.one_of(
        st.sampled_from(VALUES), st.sampled_from(HEADERS), st.text(max_size=40),
        st.text(alphabet=st.characters(codec="utf-8"), max_size=12),
        st.integers(min_value=-10**12, max_value=10**12), st.floats(allow_nan=True, allow_infinity=True),
        st.none(), st.booleans(), st.dates(),
    )
    table = st.fixed_dictionaries({
        "title": st.lists(st.lists(cell, max_size=3), max_size=4),
        "header": st.lists(st.sampled_from(HEADERS), min_size=1, max_size=14),
        "rows": st.lists(st.lists(cell, max_size=16), max_size=60),
        "merges": st.lists(st.tuples(st.integers(1, 40), st.integers(1, 12), st.integers(0, 4), st.integers(0, 4)),
                           max_size=4),
        "sheets": st.integers(1, 3),
    })
    drawn: list[dict] = []

    @hypothesis_seed(seed)
    @settings(max_examples=count, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(table)
    def collect(value: dict) -> None:
        drawn.append(value)

    collect()
    return drawn


def _realistic_table(rng: random.Random, rows: int) -> dict:
    header = ["Service", "Poste", "Grade", "Catégorie", "Statut", "Temps de travail", "Sexe"]
    body = [[rng.choice(["Administration", "Technique", "Écoles"]), rng.choice(VALUES[:6]), rng.choice(VALUES[6:10]),
             rng.choice("ABC"), rng.choice(["Titulaire", "Contractuel"]), rng.choice(["35h", "80 %", "0,5"]),
             rng.choice("FH")] for _ in range(rows)]
    return {"title": [["COMMUNE DE VAL-ESSAI — Tableau des effectifs au 01/01/2026"]], "header": header,
            "rows": body, "merges": [], "sheets": 1}


def _extension(table_format: str) -> str:
    return {"xml2003": "xml", "totem": "xml", "utf16": "txt"}.get(table_format, table_format)


def _text(value) -> str:
    return "" if value is None else str(value)


def _cells(table: dict) -> list[list]:
    return [*table["title"], table["header"], *table["rows"]]


def write_table(table: dict, table_format: str, rng: random.Random) -> bytes:
    return {"xlsx": _write_xlsx, "ods": _write_ods, "xml2003": _write_xml2003, "totem": _write_totem,
            "csv": _write_csv, "utf16": _write_utf16}[table_format](table, rng)


def _write_xlsx(table: dict, rng: random.Random) -> bytes:
    import datetime as dt

    import openpyxl
    from openpyxl.utils import get_column_letter

    def clean(value):
        if isinstance(value, str):  # openpyxl refuses control characters
            return "".join(ch for ch in value if ch >= " " or ch in "\t\n")[:32000]
        if isinstance(value, float) and not math.isfinite(value):
            return None
        if isinstance(value, dt.date) and not 1900 <= value.year <= 9999:
            return None
        return value

    workbook = openpyxl.Workbook()
    for number in range(table["sheets"]):
        sheet = workbook.active if number == 0 else workbook.create_sheet(f"Feuille {number + 1}")
        for row in _cells(table) if number == 0 else table["rows"][: rng.randint(0, 5)]:
            sheet.append([clean(value) for value in row])
        if number == 0:
            for top, left, height, width in table["merges"]:
                with contextlib.suppress(ValueError):
                    sheet.merge_cells(f"{get_column_letter(left)}{top}:{get_column_letter(left + width)}"
                                      f"{top + height}")
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _write_ods(table: dict, rng: random.Random) -> bytes:
    """A minimal OpenDocument spreadsheet, with LibreOffice's repeated rows and columns now and then."""
    rows = []
    for row in _cells(table):
        cells = []
        for value in row:
            repeat = f' table:number-columns-repeated="{rng.randint(2, 5)}"' if rng.random() < 0.05 else ""
            if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
                cells.append(f'<table:table-cell{repeat} office:value-type="float" office:value="{value}">'
                             f"<text:p>{value}</text:p></table:table-cell>")
            else:
                text = escape("".join(ch for ch in _text(value) if ch >= " " or ch in "\t\n"))
                cells.append(f'<table:table-cell{repeat} office:value-type="string"><text:p>{text}</text:p>'
                             "</table:table-cell>")
        rows.append(f"<table:table-row>{''.join(cells)}</table:table-row>")
    if rng.random() < 0.3:
        rows.append('<table:table-row table:number-rows-repeated="1048000"><table:table-cell/></table:table-row>')
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body>'
               f'<office:spreadsheet><table:table table:name="Effectifs">{"".join(rows)}</table:table>'
               "</office:spreadsheet></office:body></office:document-content>")
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" '
                'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                "</manifest:manifest>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _write_xml2003(table: dict, rng: random.Random) -> bytes:
    rows = []
    for row in _cells(table):
        cells = []
        for value in row:
            kind = "Number" if isinstance(value, int | float) and not isinstance(value, bool) else "String"
            index = f' ss:Index="{rng.randint(1, 30)}"' if rng.random() < 0.03 else ""
            text = escape("".join(ch for ch in _text(value) if ch >= " " or ch in "\t\n"))
            cells.append(f'<Cell{index}><Data ss:Type="{kind}">{text}</Data></Cell>')
        rows.append(f"<Row>{''.join(cells)}</Row>")
    return ('<?xml version="1.0" encoding="UTF-8"?><?mso-application progid="Excel.Sheet"?>'
            '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
            'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="Agents"><Table>'
            f"{''.join(rows)}</Table></Worksheet></Workbook>").encode()


def _write_totem(table: dict, rng: random.Random) -> bytes:
    """A TotEM budget document whose staff annex lines take their values from the drawn table."""
    fields = ["CodTypAgent", "EmploiGradeAgent", "CodCatAgent", "TempsComplet", "Permanent", "CodSectAgentTitulaire",
              "EffectifBud", "EffectifPourvu", "EffectifTNC", "LibelleNatureContrat"]
    lines = []
    for row in table["rows"] or [[]]:
        values = [_text(v) for v in row] + [""] * len(fields)
        chosen = rng.sample(fields, rng.randint(1, len(fields)))
        inner = "".join(f'<{name} V="{escape(values[i], {chr(34): "&quot;"})}"/>' for i, name in enumerate(chosen))
        lines.append(f"<PERSONNEL>{inner}</PERSONNEL>")
    encoding = rng.choice(["UTF-8", "ISO-8859-1"])
    text = (f'<?xml version="1.0" encoding="{encoding}"?><DocumentBudgetaire '
            'xmlns="http://www.minefi.gouv.fr/cp/demat/docbudgetaire"><EnTeteDocBudgetaire>'
            '<LibelleColl V="COMMUNE DE SAINT-ESSAI"/></EnTeteDocBudgetaire><Budget><BlocBudget><Exer V="2026"/>'
            f"</BlocBudget><Annexes><DATA_PERSONNEL>{''.join(lines)}</DATA_PERSONNEL></Annexes></Budget>"
            "</DocumentBudgetaire>")
    text = "".join(ch for ch in text if ch >= " " or ch in "\t\n")
    return text.encode(encoding.lower().replace("iso-8859-1", "latin-1"), errors="replace")


def _write_csv(table: dict, rng: random.Random) -> bytes:
    separator = rng.choice([";", ",", "\t", "|"])
    quote = rng.random() < 0.3
    lines = []
    for row in _cells(table):
        texts = [_text(v) for v in row]
        if quote:
            texts = ['"' + t.replace('"', '""') + '"' for t in texts]
        lines.append(separator.join(texts))
    text = rng.choice(["\n", "\r\n"]).join(lines)
    if rng.random() < 0.1:
        text = f"sep={separator}\n" + text
    encoding = rng.choice(["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16"])
    return text.encode(encoding, errors="replace")


def _write_utf16(table: dict, rng: random.Random) -> bytes:
    return "\r\n".join("\t".join(_text(v) for v in row) for row in _cells(table)).encode("utf-16")


# --- mutations --------------------------------------------------------------------------------------------------


def mutate_bytes(data: bytes, rng: random.Random, other: bytes = b"") -> bytes:
    data = bytearray(data or b"\0")
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        kind = rng.randrange(7)
        if kind == 0:  # flip bits
            for _ in range(rng.randint(1, 8)):
                data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        elif kind == 1:  # truncate
            del data[rng.randrange(1, max(2, len(data))):]
        elif kind == 2:  # insert garbage
            at = rng.randrange(len(data) + 1)
            data[at:at] = rng.randbytes(rng.randint(1, 64))
        elif kind == 3:  # duplicate a slice
            start = rng.randrange(len(data))
            data[start:start] = data[start: start + rng.randint(1, 400)]
        elif kind == 4:  # a run of zeros or 0xFF
            start = rng.randrange(len(data))
            length = rng.randint(1, 512)
            data[start: start + length] = bytes([rng.choice([0, 255])]) * min(length, len(data) - start)
        elif kind == 5 and other:  # splice another file in
            at = rng.randrange(len(data))
            piece = rng.randrange(len(other))
            data[at:] = other[piece: piece + rng.randint(1, 4096)]
        else:  # an interesting integer somewhere
            at = rng.randrange(max(1, len(data) - 4))
            data[at: at + 4] = struct.pack("<I", rng.choice([0, 1, 0x7FFFFFFF, 0xFFFFFFFF, 0x80000000, 0x10000]))
    return bytes(data or b"\0")


NUMBERS = [b"9999999", b"-1", b"0", b"1048576", b"1048577", b"4294967296", b"x", b"1e999", b"", b"16384",
           b"2147483648", b"18446744073709551616"]
REFS = [b"XFD1048576", b"A1048576", b"ZZZZ99999999", b"", b"A0", b"1A", b"XFE1", b"A1:XFD1048576", b"$A$1"]


def mutate_xml(content: bytes, rng: random.Random) -> bytes:
    text = bytearray(content or b"<x/>")
    choice = rng.randrange(8)
    if choice == 0:  # a huge or odd number where a number is
        digits = [i for i, byte in enumerate(text) if 48 <= byte <= 57]
        if digits:
            at = rng.choice(digits)
            text[at: at + 1] = rng.choice(NUMBERS)
    elif choice == 1:  # drop a closing tag
        at = text.find(b"</", rng.randrange(len(text)))
        if at >= 0:
            del text[at: text.find(b">", at) + 1]
    elif choice == 2:  # a far-away or broken cell reference
        at = text.find(b' r="', rng.randrange(len(text)))
        if at >= 0:
            end = text.find(b'"', at + 4)
            text[at + 4: end] = rng.choice(REFS)
    elif choice == 3:  # a repeat, count or span attribute gone wild
        found = list(re.finditer(rb'(repeated|count|uniqueCount|spans|ref|MergeAcross|Index)="', text))
        if found:
            match = rng.choice(found)
            end = text.find(b'"', match.end())
            text[match.end(): end] = rng.choice([b"999999999", b"0", b"-5", b"1048576", b"1:16385", *REFS])
    elif choice == 4:  # an element duplicated many times
        at = text.find(b"<", rng.randrange(len(text)))
        end = text.find(b">", at)
        if at >= 0 and end > at:
            text[end + 1: end + 1] = text[at: end + 1] * rng.choice([2, 50, 5000])
    elif choice == 5:  # an entity, a doctype, a processing instruction
        text[0:0] = rng.choice([b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>', b"<?pi x?>", b"\xef\xbb\xbf",
                                b'<!DOCTYPE x SYSTEM "file:///etc/passwd">'])
    elif choice == 6:  # text content replaced by something odd
        at = text.find(b">", rng.randrange(len(text)))
        end = text.find(b"<", at)
        if 0 <= at < end:
            text[at + 1: end] = rng.choice([b"", b"\xff\xfe", b"&amp;&lt;", b"&#0;", b"&#x110000;", b"x" * 40000,
                                            "é€😀".encode(), b"NaN", b"-1e400"])
    else:
        return mutate_bytes(content, rng)
    return bytes(text)


def mutate_zip(data: bytes, rng: random.Random) -> bytes:
    """Keep the archive valid but damage the parts inside, to reach the parsers rather than the CRC."""
    try:
        source = zipfile.ZipFile(io.BytesIO(data))
        infos = source.infolist()
    except zipfile.BadZipFile:
        return mutate_bytes(data, rng)
    out = io.BytesIO()
    victims = [info.filename for info in infos if info.filename.endswith((".xml", ".rels"))] or \
        [info.filename for info in infos]
    victim = rng.choice(victims)
    action = rng.randrange(10)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in infos:
            try:
                content = source.read(info.filename)
            except Exception:
                continue
            if info.filename == victim:
                if action == 0:
                    continue  # a part missing
                if action == 1:
                    target.writestr(info.filename + "2", content)  # a part renamed
                    continue
                content = mutate_xml(content, rng)
                for _ in range(rng.choice([0, 0, 1, 2])):
                    content = mutate_xml(content, rng)
            target.writestr(info.filename, content, rng.choice([zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED]))
        if action == 2:  # the same name twice
            with warnings.catch_warnings(), contextlib.suppress(Exception):
                warnings.simplefilter("ignore")
                target.writestr(victim, rng.randbytes(64))
    return out.getvalue()


def forge_claims(path: Path, data: bytes, rng: random.Random) -> bytes:
    """A 1 GB (or billion-cell) claim: a sheet dimension, a far cell, a repeat count, an xls DIMENSIONS record."""
    if data[:4] == b"PK\x03\x04":
        archive = zipfile.ZipFile(io.BytesIO(data))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for info in archive.infolist():
                content = archive.read(info.filename)
                if re.match(r"xl/worksheets/sheet\d+\.xml$", info.filename):
                    claim = rng.choice([b"A1:XFD1048576", b"A1:XFD16777216", b"A1:A1048576", b"B2:ZZZZ99999999"])
                    if b"<dimension" in content:
                        content = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="' + claim + b'"', content)
                    else:
                        content = content.replace(b"<sheetData>", b'<dimension ref="' + claim + b'"/><sheetData>', 1)
                    if rng.random() < 0.5:
                        content = content.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576"><v>1</v>'
                                                  b"</c></row></sheetData>", 1)
                elif info.filename == "xl/sharedStrings.xml":
                    content = re.sub(rb'(unique)?[cC]ount="\d+"', rb'\g<1>count="4294967295"', content)
                elif info.filename == "content.xml":
                    attribute = rng.choice([b"number-rows-repeated", b"number-columns-repeated"])
                    content = re.sub(rb"<table:table-cell", b"<table:table-cell table:" + attribute + b'="'
                                     + rng.choice([b"1073741824", b"16384", b"1048576"]) + b'"', content, count=1)
                target.writestr(info.filename, content)
        return out.getvalue()
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        xls = bytearray(data)
        for match in re.finditer(re.escape(struct.pack("<HH", 0x0200, 14)), bytes(xls)):
            struct.pack_into("<IIHH", xls, match.start() + 4, rng.choice([0, 5, 0x40000]),
                             rng.choice([0x100000, 0xFFFFFFFF, 0x40000, 3]), 0, rng.choice([256, 0xFFFF, 40]))
        return bytes(xls)
    if b"<Table" in data:  # XML 2003: ExpandedRowCount and ss:Index far away
        return data.replace(b"<Table>", b'<Table ss:ExpandedColumnCount="16384" ss:ExpandedRowCount="1048576">', 1) \
            .replace(b"<Row>", b'<Row ss:Index="1048576">', 1)
    return mutate_bytes(data, rng)


def mutate_text(data: bytes, rng: random.Random) -> bytes:
    """Text-level damage of CSV and XML files: separators, quotes, line ends, NUL bytes, encodings, long lines."""
    text = bytearray(data or b" ")
    for _ in range(rng.randint(1, 4)):
        at = rng.randrange(len(text) + 1)
        text[at:at] = rng.choice([b";", b",", b'"', b'""', b"\r", b"\n", b"\r\n", b"\0", b"\t", b"\xef\xbb\xbf",
                                  b"\xff\xfe", b"\x80\x81", b"'", b"=", b"x" * rng.choice([1000, 200000]),
                                  b";" * 5000, b"\n" * 3000, "é".encode("cp1252"), "é".encode()])
    if rng.random() < 0.1:
        return bytes(text).decode("latin-1").encode("utf-16")
    return bytes(text)


# --- project files ----------------------------------------------------------------------------------------------

SHEET_KEYS = ["v", "id", "job", "number", "index", "impact", "participants", "activities", "needs", "title"]
SQL_EDITS: list[Callable[[random.Random], str]] = [
    lambda r: f"DROP TABLE {r.choice(['meta', 'posts', 'matches', 'post_jobs', 'decisions', 'workshops'])};",
    lambda r: f"ALTER TABLE posts DROP COLUMN {r.choice(['budget', 'source', 'sexe'])};",
    lambda r: f"PRAGMA user_version = {r.choice([0, -1, 2, 99, 1])};",
    lambda r: f"PRAGMA application_id = {r.choice([0, 1, 0x43415255])};",
    lambda r: f"UPDATE posts SET {r.choice(['fte', 'headcount', 'title', 'grade'])} = {_sql_value(r)} "
              f"WHERE id IN (SELECT id FROM posts ORDER BY random() LIMIT {r.randint(1, 3)});",
    lambda r: f"PRAGMA ignore_check_constraints = ON; UPDATE posts SET fte = {r.choice([-1, -1e308, 1e308])} "
              f"WHERE id = (SELECT min(id) FROM posts);",
    lambda r: f"PRAGMA ignore_check_constraints = ON; UPDATE matches SET status = {_sql_value(r)};",
    lambda r: f"UPDATE matches SET {r.choice(['alternatives', 'confidence', 'job_code', 'key'])} = {_sql_value(r)};",
    lambda r: f"UPDATE decisions SET {r.choice(['kind', 'value', 'ilo_links', 'job', 'reason'])} = {_sql_value(r)};",
    lambda r: f"UPDATE workshops SET data = {_sql_value(r)} WHERE rowid = (SELECT min(rowid) FROM workshops);",
    lambda r: "UPDATE workshops SET data = substr(data, 1, abs(random()) % length(data));",
    lambda r: f"UPDATE workshops SET data = json_set(data, '$.{r.choice(SHEET_KEYS)}', json({_sql_json(r)}));",
    lambda r: f"UPDATE meta SET value = {_sql_value(r)} WHERE key = "
              f"'{r.choice(['commune', 'year', 'index', 'privacy_k', 'mapping', 'extra', 'source_name'])}';",
    lambda r: "DELETE FROM meta;",
    lambda r: f"INSERT INTO post_jobs (post_id, job_code) VALUES ({r.randint(10**6, 10**7)}, 'ACC-01');",
    lambda r: f"INSERT OR REPLACE INTO post_jobs (post_id, job_code) SELECT id, {_sql_value(r)} FROM posts LIMIT 3;",
    lambda r: f"INSERT INTO decisions (kind, job, activity, value) VALUES ('score_modifie', 'ACC-01', 'ACC-01-01', "
              f"{_sql_value(r)});",
    lambda r: "DELETE FROM posts WHERE id IN (SELECT id FROM posts ORDER BY random() LIMIT 5);",
    lambda r: "CREATE TABLE intrus (x); INSERT INTO intrus VALUES (1);",
    lambda r: "ALTER TABLE decisions RENAME TO decisions_old;",
    lambda r: "PRAGMA writable_schema = ON; UPDATE sqlite_master SET sql = replace(sql, 'TEXT', 'BLOB') "
              "WHERE name = 'meta';",
    lambda r: "PRAGMA writable_schema = ON; UPDATE sqlite_master SET rootpage = rootpage + 1 WHERE name = 'posts';",
    lambda r: "PRAGMA writable_schema = ON; DELETE FROM sqlite_master WHERE type = 'index';",
]


def _sql_value(rng: random.Random) -> str:
    return rng.choice(["NULL", "0", "-1", "1.5", "1e308", "-1e308", "'abc'", "''", "X'00FF'", "9223372036854775807",
                       "'[]'", "'{}'", "'[[1]]'", "'[[\"A\", \"x\"]]'", "'[[\"A\", 1e999]]'", "'null'", "'{broken'",
                       "'" + "[" * 3000 + "'", "'a_verifier'", "'score_modifie'", "'2025'", "'9999'", "'²'",
                       "'٣'", "randomblob(8)", "'\U0001f600'", "'  '", "'1'"])


def _sql_json(rng: random.Random) -> str:
    return rng.choice(["'null'", "'1'", "'\"x\"'", "'[]'", "'{}'", "'[{}]'", "'[{\"id\": 1}]'",
                       "'[{\"id\": \"a\", \"count\": 1e300}]'", "'{\"low\": \"a\", \"high\": 1}'", "'true'",
                       "'-5'", "'99999999999999999999'", "'[{\"id\": \"x\", \"score\": -3}]'", "'2'"])


def mutate_sql(path: Path, rng: random.Random) -> None:
    """A hand edit with an SQLite tool: one to three statements from the list (failures are part of the game)."""
    conn = sqlite3.connect(path)
    try:
        for _ in range(rng.choice([1, 1, 2, 3])):
            with contextlib.suppress(sqlite3.Error):
                conn.executescript(rng.choice(SQL_EDITS)(rng))
        conn.commit()
    finally:
        conn.close()


def mutate_pages(data: bytes, rng: random.Random) -> bytes:
    """Whole-page damage of an SQLite file, as a failing disk or an interrupted copy leaves it."""
    size = int.from_bytes(data[16:18], "big") or 4096
    size = 65536 if size == 1 else size
    pages = max(1, len(data) // size)
    out = bytearray(data)
    kind = rng.randrange(5)
    page = rng.randrange(pages)
    if kind == 0:  # a page of zeros
        out[page * size: (page + 1) * size] = bytes(size)
    elif kind == 1:  # a page copied over another
        other = rng.randrange(pages)
        out[page * size: (page + 1) * size] = data[other * size: (other + 1) * size]
    elif kind == 2:  # cut at a page boundary
        del out[max(1, page) * size:]
    elif kind == 3:  # cut anywhere (a power cut during a copy)
        del out[rng.randrange(1, len(out)):]
    else:  # random bytes over part of a page
        start = page * size + rng.randrange(size)
        length = rng.randint(1, 256)
        out[start: start + length] = rng.randbytes(length)[: max(0, len(out) - start)]
    return bytes(out)


# --- workshop kits ----------------------------------------------------------------------------------------------

KIT_VALUES = ["", " ", "=1+1", "'=1+1", "+33 6", "-", "@SUM(A1)", "50 %", "50-60 %", "120 %", "-5", "abc", "1e308",
              "Réduite", "Supprimée", "Transformée", "Formation", "Haute", "2030", 0, -1, 1.5, 10**15, 3.14159,
              "x" * 40000, "Jean DUPONT", "sheet:zzz", "row:needs:", "field:impact", "end:needs", "header:needs",
              "\U0001f600", "Secrétaire", None]


def mutate_kit_cells(data: bytes, rng: random.Random) -> bytes:
    """What a group can do to a kit in Excel: type anything anywhere, delete rows and sheets, rename, duplicate."""
    import datetime as dt

    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data))
    sheets = wb.worksheets
    for _ in range(rng.randint(1, 12)):
        ws = rng.choice(sheets)
        action = rng.randrange(12)
        if action <= 6:
            row, column = rng.randint(1, max(1, ws.max_row + 2)), rng.randint(1, max(2, ws.max_column + 1))
            value = rng.choice([*KIT_VALUES, dt.datetime(2026, 3, 14), dt.date(1900, 1, 1)])
            with contextlib.suppress(AttributeError, ValueError, TypeError):  # a merged cell is read-only
                ws.cell(row, column).value = value
        elif action == 7 and ws.max_row > 2:
            ws.delete_rows(rng.randint(1, ws.max_row), rng.randint(1, 3))
        elif action == 8:
            ws.insert_rows(rng.randint(1, ws.max_row + 1), rng.randint(1, 3))
        elif action == 9 and len(wb.worksheets) > 1:
            wb.remove(ws)
            sheets = wb.worksheets
        elif action == 10:
            title = rng.choice(["Feuil1", "_kit", "Mode d'emploi", ws.title[:20] + " (2)", "x"])
            if title not in {other.title for other in wb.worksheets}:
                ws.title = title
        else:
            wb.copy_worksheet(ws)
            sheets = wb.worksheets
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- one case ---------------------------------------------------------------------------------------------------


@dataclass
class Case:
    index: int
    target: str
    family: str
    path: Path
    seed_name: str


class CaseMaker:
    def __init__(self, seeds: Seeds, folder: Path, seed: int, hypothesis_pool: int) -> None:
        self.seeds = seeds
        self.folder = folder
        self.seed = seed
        self.pool_size = hypothesis_pool
        self._pool: list[dict] = []
        self._pool_base = 0
        self._weights = [share for _, _, share in MIX]
        self._bytes = {path: path.read_bytes() for path in [*seeds.staffing, *seeds.carto, *seeds.kit]}

    def _table(self, rng: random.Random) -> dict:
        if not self._pool:
            self._pool = _hypothesis_tables(self.pool_size, self.seed)
        return self._pool[rng.randrange(len(self._pool))]

    def make(self, index: int) -> Case:
        rng = random.Random(f"{self.seed}:{index}")
        target, family, _ = rng.choices(MIX, weights=self._weights)[0]
        if family == "bomb" and not self.seeds.bombs:
            family = "hostile" if target == "staffing" else "bytes"
        data, name = self._generate(target, family, rng)
        path = self.folder / f"{index:06d}_{family}_{name}"
        if isinstance(data, Path):
            path.write_bytes(self._bytes.get(data) or data.read_bytes())
            mutate_sql(path, rng)
        else:
            path.write_bytes(data)
        return Case(index, target, family, path, name)

    def _generate(self, target: str, family: str, rng: random.Random) -> tuple[bytes | Path, str]:
        pool = {"staffing": self.seeds.staffing, "carto": self.seeds.carto, "kit": self.seeds.kit}[target]
        if family == "hostile":
            path = STAFFING_DIR / rng.choice(HOSTILE)
            return path.read_bytes(), path.name
        if family == "bomb":
            path = rng.choice(self.seeds.bombs if target == "staffing" else self.seeds.kit_bombs)
            return path.read_bytes(), path.name
        if family == "hypothesis":
            table_format = rng.choice(["xlsx", "xlsx", "ods", "csv", "csv", "xml2003", "totem", "utf16"])
            data = write_table(self._table(rng), table_format, rng)
            if rng.random() < 0.3:  # and then damaged
                data = mutate_zip(data, rng) if data[:2] == b"PK" else mutate_text(data, rng)
            return data, f"hypothese.{_extension(table_format)}"
        if family == "sql":
            path = rng.choice(pool)
            return path, path.name
        if family == "zipxml":
            path = rng.choice(self.seeds.zips(pool))
        elif family == "text":
            path = rng.choice([p for p in pool if p.suffix in (".csv", ".txt", ".xml") or p.name == "export_2003.xls"])
        elif family == "claims":
            path = rng.choice([p for p in pool if p.suffix in (".xlsx", ".xlsm", ".ods", ".xls")])
        else:
            path = rng.choice(pool)
        data = self._bytes[path]
        other = self._bytes[rng.choice(pool)]
        mutate = {
            "bytes": lambda: mutate_bytes(data, rng, other),
            "zipxml": lambda: mutate_zip(data, rng),
            "claims": lambda: forge_claims(path, data, rng),
            "text": lambda: mutate_text(data, rng),
            "pages": lambda: mutate_pages(data, rng),
            "cells": lambda: mutate_kit_cells(data, rng),
        }[family]
        try:
            mutated = mutate()
        except Exception:  # a mutation the writing library refuses (a workbook with only hidden sheets…)
            mutated = mutate_bytes(data, rng, other)
        if family == "claims" and rng.random() < 0.3:
            mutated = mutate_zip(mutated, rng) if mutated[:2] == b"PK" else mutated
        return mutated, path.name


# --- running cases in child processes ---------------------------------------------------------------------------


class Worker:
    """One `fuzz_worker.py --serve` child, fed one case at a time."""

    def __init__(self, memory_mb: int, log: Path) -> None:
        env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "PYTHONHASHSEED": "0"}
        self.log = log
        self.stderr = open(log, "wb")  # noqa: SIM115 (closed in stop())
        self.proc = subprocess.Popen([sys.executable, str(WORKER), "--serve", "--memory-mb", str(memory_mb)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.stderr, cwd=ROOT,
                                     env=env)
        os.set_blocking(self.proc.stdout.fileno(), False)
        self.buffer = b""
        self.case: Case | None = None
        self.deadline = 0.0
        self.retire = False
        self._wait_ready()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            for line in self.read_lines(timeout=1.0):
                if line == "READY":
                    return
            if self.proc.poll() is not None:
                break
        raise RuntimeError(f"the fuzz worker did not start; see {self.log}")

    def read_lines(self, timeout: float = 0.0) -> list[str]:
        with selectors.DefaultSelector() as selector:
            selector.register(self.proc.stdout, selectors.EVENT_READ)
            if not selector.select(timeout):
                return []
        try:
            chunk = os.read(self.proc.stdout.fileno(), 65536)
        except BlockingIOError:
            return []
        if not chunk:
            raise EOFError
        self.buffer += chunk
        *lines, self.buffer = self.buffer.split(b"\n")
        return [line.decode("utf-8", "replace") for line in lines]

    def send(self, case: Case, seconds: float) -> None:
        self.case = case
        self.deadline = time.monotonic() + seconds
        self.proc.stdin.write(f"{case.index}\t{case.target}\t{case.path}\n".encode())
        self.proc.stdin.flush()

    def death_cause(self) -> str:
        self.proc.wait()
        self.stderr.flush()
        tail = self.log.read_bytes()[-4000:].decode("utf-8", "replace")
        if "memory allocation" in tail or "MemoryError" in tail or "std::bad_alloc" in tail \
                or "Cannot allocate memory" in tail:
            return "memory"
        return f"crash:exit {self.proc.returncode}: {tail.strip().splitlines()[-1] if tail.strip() else ''}"

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout):
            with contextlib.suppress(OSError):
                stream.close()
        self.stderr.close()


@dataclass
class Report:
    cases: int = 0
    outcomes: Counter = field(default_factory=Counter)
    by_target: dict[str, Counter] = field(default_factory=dict)
    by_family: dict[str, Counter] = field(default_factory=dict)
    slowest: tuple[float, str] = (0.0, "")
    failures: list[dict] = field(default_factory=list)

    def add(self, case: Case, outcome: str, seconds: float) -> None:
        kind = outcome.split(":", 1)[0]
        kind = {"ok": "ok", "ours": "ours", "memory": "memory", "hang": "hangs", "crash": "crashes"}.get(kind, "bugs")
        self.cases += 1
        self.outcomes[kind] += 1
        self.by_target.setdefault(case.target, Counter())[kind] += 1
        self.by_family.setdefault(f"{case.target}/{case.family}", Counter())[kind] += 1
        if seconds > self.slowest[0]:
            self.slowest = (seconds, f"{case.index:06d} {case.target}/{case.family} {case.seed_name}")
        if kind not in ("ok", "ours"):
            self.failures.append({"case": case.index, "target": case.target, "family": case.family,
                                  "seed": case.seed_name, "outcome": outcome, "seconds": round(seconds, 3)})

    @property
    def clean(self) -> bool:
        return not any(self.outcomes[k] for k in ("crashes", "hangs", "memory", "bugs"))

    def to_json(self, **extra) -> dict:
        return {
            "cases": self.cases, "ours": self.outcomes["ours"], "ok": self.outcomes["ok"],
            "crashes": self.outcomes["crashes"], "hangs": self.outcomes["hangs"],
            "memory": self.outcomes["memory"], "bugs": self.outcomes["bugs"],
            "slowest": {"seconds": round(self.slowest[0], 3), "case": self.slowest[1]},
            "by_target": {k: dict(v) for k, v in sorted(self.by_target.items())},
            "by_family": {k: dict(v) for k, v in sorted(self.by_family.items())},
            "failures": self.failures[:50], **extra,
        }


class Runner:
    """Feed the cases to `jobs` children; a case that outlasts `seconds` is a hang, a child that dies a crash (or a
    memory blow-up when its last words say so). Failing cases are copied to `keep`."""

    def __init__(self, *, jobs: int, seconds: float, memory_mb: int, keep: Path | None, logs: Path,
                 progress: Callable[[Report], None] | None = None) -> None:
        self.jobs, self.seconds, self.memory_mb, self.keep, self.logs = max(1, jobs), seconds, memory_mb, keep, logs
        self.progress = progress
        self.report = Report()
        self.workers: list[Worker] = []
        self.spawned = 0

    def _spawn(self) -> Worker:
        self.spawned += 1
        return Worker(self.memory_mb, self.logs / f"worker-{self.spawned}.log")

    def _finish(self, worker: Worker, outcome: str, seconds_taken: float) -> None:
        case, worker.case = worker.case, None
        self.report.add(case, outcome, seconds_taken)
        if self.keep is not None and not outcome.startswith(("ok", "ours")):
            self.keep.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(case.path, self.keep / case.path.name)
        case.path.unlink(missing_ok=True)
        if self.progress is not None:
            self.progress(self.report)

    def _dispatch(self, cases: Iterator[Case]) -> bool:
        """Give every idle child a case (replacing retired children first); False once the cases are exhausted."""
        more = True
        for position in range(len(self.workers)):
            if self.workers[position].retire and self.workers[position].case is None:
                self.workers[position].stop()
                self.workers[position] = self._spawn()
            worker = self.workers[position]
            if worker.case is None and more:
                case = next(cases, None)
                if case is None:
                    more = False
                else:
                    worker.send(case, self.seconds)
        return more

    def _read(self, worker: Worker) -> None:
        try:
            lines = worker.read_lines()
        except EOFError:
            cause = worker.death_cause()
            if worker.case is not None:
                self._finish(worker, cause, self.seconds - (worker.deadline - time.monotonic()))
            worker.retire = True
            return
        for line in lines:
            parts = line.split(" ")
            if parts[0] == "DONE" and worker.case is not None and int(parts[1]) == worker.case.index:
                outcome = " ".join(parts[2:-1])
                self._finish(worker, outcome, float(parts[-1]))
                worker.retire = worker.retire or outcome == "memory"

    def run(self, cases: Iterator[Case]) -> Report:
        more = True
        try:
            self.workers = [self._spawn() for _ in range(self.jobs)]
            while True:
                if more:
                    more = self._dispatch(cases)
                busy = [w for w in self.workers if w.case is not None]
                if not busy:
                    break
                with selectors.DefaultSelector() as selector:
                    for worker in busy:
                        selector.register(worker.proc.stdout, selectors.EVENT_READ, worker)
                    wait = max(0.0, min(w.deadline for w in busy) - time.monotonic())
                    ready = [key.data for key, _ in selector.select(min(wait, 1.0))]
                for worker in ready:
                    self._read(worker)
                for worker in self.workers:
                    if worker.case is not None and time.monotonic() > worker.deadline:
                        worker.proc.kill()
                        self._finish(worker, "hang", self.seconds)
                        worker.retire = True
        finally:
            for worker in self.workers:
                worker.stop()
        return self.report


def campaign(*, cases: int, seed: int, jobs: int = 1, seconds: float = 10.0, memory_mb: int = 2048,
             keep: Path | None = None, only: list[int] | None = None, bombs: bool | None = None,
             progress: Callable[[Report], None] | None = None) -> dict:
    """Generate and run a campaign; the JSON-able summary (what the script prints)."""
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="fuzz-readers-") as scratch, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the writing libraries' remarks about the odd files we make them write
        scratch_path = Path(scratch)
        seeds = prepare_seeds(scratch_path / "seeds", bombs=cases >= 2000 if bombs is None else bombs)
        folder = scratch_path / "cases"
        folder.mkdir()
        maker = CaseMaker(seeds, folder, seed, hypothesis_pool=min(2000, max(50, cases // 5)))
        numbers = only if only else range(cases)
        if only and keep is not None:  # just write the cases out, to look at them
            keep.mkdir(parents=True, exist_ok=True)
            for number in numbers:
                case = maker.make(number)
                shutil.copyfile(case.path, keep / case.path.name)
        runner = Runner(jobs=jobs, seconds=seconds, memory_mb=memory_mb, keep=keep, logs=scratch_path,
                        progress=progress)
        report = runner.run(maker.make(n) for n in numbers)
    return report.to_json(seed=seed, jobs=jobs, seconds_per_file=seconds, memory_mb=memory_mb,
                          elapsed=round(time.monotonic() - started, 1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=1, help="child processes reading in parallel")
    parser.add_argument("--seconds-per-file", type=float, default=10.0)
    parser.add_argument("--memory-mb", type=int, default=2048, help="address space a child may add to its imports")
    parser.add_argument("--keep", type=Path, default=None, help="folder for the failing cases")
    parser.add_argument("--only", type=int, nargs="*", default=None, help="run (and with --keep, write) these cases")
    parser.add_argument("--no-bombs", action="store_true", help="skip the multi-gigabyte zip bombs")
    parser.add_argument("--progress", action="store_true", help="a line on stderr every 500 cases")
    args = parser.parse_args(argv)

    def progress(report: Report) -> None:
        if report.cases % 500 == 0:
            sys.stderr.write(json.dumps({"done": report.cases, **report.outcomes}) + "\n")

    summary = campaign(cases=args.cases, seed=args.seed, jobs=args.jobs, seconds=args.seconds_per_file,
                       memory_mb=args.memory_mb, keep=args.keep, only=args.only,
                       bombs=False if args.no_bombs else None, progress=progress if args.progress else None)
    sys.stdout.write(json.dumps(summary, ensure_ascii=False) + "\n")
    return 0 if summary["crashes"] == summary["hangs"] == summary["memory"] == summary["bugs"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
