"""What a file really is, read from its bytes, and whether it is safe to hand to a parser.

The extension lies often (a CSV renamed `.xlsx`, a web page saved as `.xls`), so the format comes from the content.
Workbooks are zip or OLE2 containers whose declared sizes can lie and whose sheets can claim a billion cells; the
spreadsheet engine (calamine) allocates the full rectangle between the first and the last cell, so every sheet is
measured here first — streaming, bounded in memory and time — and refused with a French message when too big.
"""

from __future__ import annotations

import html
import io
import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers.expat import ExpatError

from cartographie_desktop.core.text import format_number, plural
from cartographie_desktop.io.tables import StaffingError

MAX_FILE_BYTES = 1024**3  # no staffing file is anywhere near 1 GB
MAX_ROWS = 1_000_000
MAX_CELLS = 10_000_000  # rows x columns of the rectangle a sheet spans: ~1 GB in the engine at worst
MAX_ZIP_ENTRIES = 10_000
MAX_SHEET_XML_BYTES = 2 * 1024**3  # decompressed; a 1 000 000-row, 15-column sheet is ~0.9 GB
MAX_PART_XML_BYTES = 1024**3  # shared strings, styles, workbook
MAX_RECOVERED_FORMULAS = 20_000
# A zip bomb within the limits above (found by scripts/fuzz_readers.py: 4 MB holding 1.2 GB of rows) costs minutes and
# gigabytes. Spreadsheet XML compresses about 10 to 30 times; beyond 100 times for a part over 100 MB, it is a trap.
MAX_RATIO = 100
RATIO_FLOOR = 100 * 1024**2
CHUNK = 8 * 1024 * 1024

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

PASSWORD_MESSAGE = "Le classeur est protégé par un mot de passe : enregistrez-le sans mot de passe puis réessayez."
DAMAGED_MESSAGE = (
    "Le fichier « {name} » semble incomplet ou abîmé ({detail}) : enregistrez-en une nouvelle copie depuis le "
    "logiciel d'origine, puis réessayez."
)
NOT_A_TABLE_MESSAGE = (
    "Le fichier « {name} » n'est pas un tableau lisible : le programme lit les classeurs Excel (.xlsx, .xlsm, .xls), "
    "OpenDocument (.ods), les fichiers CSV ou texte, et l'état du personnel au format TotEM (.xml)."
)


@dataclass(slots=True)
class Sniffed:
    format: str  # "xlsx", "xlsm", "xls", "ods", "csv", "totem", "xml2003"
    size: int


@dataclass(slots=True)
class SheetScan:
    """What the pre-scan learnt about one sheet before the engine reads it."""

    rows: int = 0  # upper bound of the rows the engine will allocate
    cols: int = 0
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col) 0-based → "=…", no cached value


def _how_many(count: int, word: str) -> str:
    """A count for a message; a forged one can have thirty digits."""
    return plural(count, word) if count < 10**12 else f"des milliards de {word}s"


def too_big_message(sheet: str, rows: int, cols: int) -> str:
    return (
        f"La feuille « {sheet} » est trop grande ({_how_many(rows, 'ligne')} × {_how_many(cols, 'colonne')}) : "
        f"le programme accepte au plus {format_number(MAX_ROWS)} lignes et {format_number(MAX_CELLS)} cellules. "
        "Supprimez les lignes ou colonnes inutiles, puis réessayez."
    )


def check_dimensions(sheet: str, rows: int, cols: int) -> None:
    if rows > MAX_ROWS or rows * cols > MAX_CELLS:
        raise StaffingError(too_big_message(sheet, rows, cols))


# --- format detection -------------------------------------------------------------------------------------------


def detect(path: Path) -> Sniffed:
    """The real format of `path`, from its first bytes; a French `StaffingError` for anything we cannot read."""
    name = path.name
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise StaffingError(f"« {name} » est un dossier : choisissez le fichier du tableau des effectifs.")
        with open(path, "rb") as handle:
            head = handle.read(65536)
    except FileNotFoundError:
        raise StaffingError(f"Le fichier « {name} » est introuvable : vérifiez qu'il n'a pas été déplacé.") from None
    except PermissionError:
        raise StaffingError(
            f"Le fichier « {name} » est inaccessible (ouvert dans un autre programme ou droits insuffisants) : "
            "fermez-le puis réessayez."
        ) from None
    except OSError as exc:
        raise StaffingError(f"Le fichier « {name} » ne peut pas être lu ({exc.strerror or exc}).") from None
    if size == 0 or not head:
        raise StaffingError(f"Le fichier « {name} » est vide.")
    if size > MAX_FILE_BYTES:
        raise StaffingError(
            f"Le fichier « {name} » est trop volumineux ({format_number(size / 1024**2)} Mo) pour un tableau des "
            "effectifs : vérifiez qu'il s'agit du bon fichier."
        )
    if head.startswith(ZIP_MAGIC):
        return Sniffed(_zip_format(path), size)
    if head.startswith(OLE_MAGIC):
        return Sniffed(_ole_format(path), size)
    return Sniffed(_text_format(head, name), size)


def _zip_format(path: Path) -> str:
    name = path.name
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                mimetype = archive.read("mimetype")[:100]
                if mimetype.startswith(b"application/vnd.oasis.opendocument.spreadsheet"):
                    return "ods"
                raise StaffingError(
                    f"« {name} » est un document OpenDocument qui n'est pas un tableur (texte, présentation…) : "
                    "choisissez le classeur du tableau des effectifs."
                )
            if "xl/workbook.bin" in names:
                raise StaffingError(
                    f"Le classeur « {name} » est au format Excel binaire (.xlsb), non pris en charge : ouvrez-le dans "
                    "Excel et enregistrez-le au format .xlsx, puis réessayez."
                )
            if "xl/workbook.xml" in names:
                types = archive.read("[Content_Types].xml")[:200_000] if "[Content_Types].xml" in names else b""
                return "xlsm" if b"macroEnabled" in types else "xlsx"
            if "word/document.xml" in names:
                raise StaffingError(f"« {name} » est un document Word, pas un tableau : choisissez le classeur Excel.")
    except StaffingError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, KeyError, zlib.error, ValueError) as exc:
        raise StaffingError(DAMAGED_MESSAGE.format(name=name, detail="archive illisible")) from exc
    except (NotImplementedError, RuntimeError) as exc:  # unsupported compression, encrypted zip entry
        raise StaffingError(DAMAGED_MESSAGE.format(name=name, detail="archive chiffrée ou non standard")) from exc
    raise StaffingError(NOT_A_TABLE_MESSAGE.format(name=name))


def ole_streams(data: bytes):
    """The stream names of an OLE2 compound file (xls, encrypted OOXML, Word 97…), and the parsed document."""
    from xlrd import compdoc

    doc = compdoc.CompDoc(data, logfile=io.StringIO())
    return {node.name for node in doc.dirlist}, doc


def _ole_format(path: Path) -> str:
    name = path.name
    try:
        streams, _ = ole_streams(path.read_bytes())
    except MemoryError:
        raise
    except Exception as exc:  # xlrd's compound-document parser raises assorted errors on damaged files
        raise StaffingError(DAMAGED_MESSAGE.format(name=name, detail="conteneur OLE illisible")) from exc
    if "EncryptionInfo" in streams or "EncryptedPackage" in streams:
        raise StaffingError(PASSWORD_MESSAGE)
    if "Workbook" in streams or "Book" in streams:
        return "xls"
    if "WordDocument" in streams:
        raise StaffingError(f"« {name} » est un document Word, pas un tableau : choisissez le classeur Excel.")
    raise StaffingError(NOT_A_TABLE_MESSAGE.format(name=name))


_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_BINARY_MAGIC = {
    b"%PDF": "un document PDF",
    b"\x89PNG": "une image",
    b"\xff\xd8\xff": "une image",
    b"GIF8": "une image",
    b"Rar!": "une archive RAR",
    b"7z\xbc\xaf": "une archive 7-Zip",
    b"\x1f\x8b": "une archive compressée",
}


def _text_format(head: bytes, name: str) -> str:
    for magic, what in _BINARY_MAGIC.items():
        if head.startswith(magic):
            raise StaffingError(
                f"« {name} » est {what}, pas un tableau : le programme lit les classeurs Excel ou OpenDocument, les "
                "fichiers CSV et l'état du personnel TotEM. Demandez le tableau des effectifs au format Excel."
            )
    utf16 = head.startswith((b"\xff\xfe", b"\xfe\xff"))
    text = head
    for bom in _BOMS:
        if text.startswith(bom):
            text = text[len(bom) :]
    if utf16:
        text = head.decode("utf-16", errors="replace").encode("utf-8", errors="replace")
    stripped = text.lstrip()
    if stripped.startswith(b"<"):
        sample = stripped[:65536].decode("latin-1").lower()
        if "documentbudgetaire" in sample:
            return "totem"
        if "urn:schemas-microsoft-com:office:spreadsheet" in sample:
            return "xml2003"
        if "<html" in sample or "<table" in sample or "<!doctype html" in sample:
            raise StaffingError(
                f"« {name} » est une page web (HTML) enregistrée avec une extension de tableur : ouvrez-le dans "
                "Excel et enregistrez-le au format .xlsx, puis réessayez."
            )
        raise StaffingError(
            f"Le fichier XML « {name} » n'est ni un document budgétaire TotEM ni un classeur : pour l'état du "
            "personnel, exportez le document budgétaire complet (avec ses annexes) depuis votre logiciel."
        )
    if not utf16 and looks_binary(head):
        raise StaffingError(NOT_A_TABLE_MESSAGE.format(name=name))
    return "csv"


def looks_binary(data: bytes) -> bool:
    """True for bytes no text export would contain: NULs, or many control characters."""
    if not data:
        return False
    if b"\x00" in data:
        return True
    controls = sum(data.count(bytes([code])) for code in range(32) if code not in (9, 10, 12, 13))
    return controls > max(2, len(data) // 200)


# --- zip containers (xlsx, xlsm, ods) ---------------------------------------------------------------------------


def open_zip(path: Path) -> zipfile.ZipFile:
    """The archive, after checking its declared sizes (a zip bomb declares gigabytes, or lies: see `stream_entry`)."""
    name = path.name
    try:
        archive = zipfile.ZipFile(path)
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError) as exc:
        raise StaffingError(DAMAGED_MESSAGE.format(name=name, detail="archive illisible")) from exc
    if len(infos) > MAX_ZIP_ENTRIES:
        archive.close()
        raise StaffingError(DAMAGED_MESSAGE.format(name=name, detail="archive démesurée"))
    total = sum(info.file_size for info in infos)
    trapped = any(info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1)
                  for info in infos)
    if total > MAX_SHEET_XML_BYTES + MAX_PART_XML_BYTES or trapped or any(info.flag_bits & 0x1 for info in infos):
        archive.close()
        detail = "archive chiffrée" if any(info.flag_bits & 0x1 for info in infos) else "contenu décompressé démesuré"
        raise StaffingError(DAMAGED_MESSAGE.format(name=name, detail=detail))
    return archive


def _strict_xml_parser():
    """An expat parser that only checks well-formedness and refuses any DTD (no entity can be declared)."""
    from xml.parsers import expat

    parser = expat.ParserCreate()

    def forbid(*_args) -> None:
        raise ValueError("DTD")

    parser.StartDoctypeDeclHandler = forbid
    parser.EntityDeclHandler = forbid
    parser.ExternalEntityRefHandler = forbid
    return parser


class _Pieces:
    """Cuts a stream of chunks into pieces that end on a tag boundary (a row when possible) for a scanner."""

    def __init__(self, scan) -> None:
        self.scan = scan
        self.carry = b""

    def add(self, chunk: bytes) -> None:
        buffer = self.carry + chunk
        cut = _cut(buffer)
        if cut <= 0:
            self.carry = buffer
            if len(buffer) > 4 * CHUNK:  # one gigantic element: scan it as it is
                self.scan(buffer)
                self.carry = b""
            return
        self.scan(buffer[:cut])
        self.carry = buffer[cut:]

    def finish(self) -> None:
        if self.carry:
            self.scan(self.carry)


def stream_entry(archive: zipfile.ZipFile, member: str, limit: int, name: str, scan=None, *,
                 well_formed: bool = False) -> int:
    """Decompress one entry in chunks, at most `limit` bytes, checking its CRC; feed whole-tag pieces to `scan`.

    Python's zip reader stops at the declared size and then checks the CRC, so an entry whose header lies about its
    size fails here in bounded time instead of flooding the engine. With `well_formed`, the XML is also checked by
    expat: the engine's OpenDocument reader loops forever on a document cut short.
    """
    try:
        info = archive.getinfo(member)
    except KeyError:
        return 0
    if info.file_size > limit:
        raise StaffingError(DAMAGED_MESSAGE.format(name=name, detail="contenu décompressé démesuré"))
    parser = _strict_xml_parser() if well_formed else None
    pieces = _Pieces(scan) if scan is not None else None
    total = 0
    try:
        with archive.open(info) as handle:
            while chunk := handle.read(CHUNK):
                total += len(chunk)
                if total > limit:
                    raise StaffingError(DAMAGED_MESSAGE.format(name=name, detail="contenu décompressé démesuré"))
                if parser is not None:
                    parser.Parse(chunk, False)
                if pieces is not None:
                    pieces.add(chunk)
        if pieces is not None:
            pieces.finish()
        if parser is not None:
            parser.Parse(b"", True)
    except StaffingError:
        raise
    except (zipfile.BadZipFile, EOFError, zlib.error, OSError) as exc:
        raise StaffingError(DAMAGED_MESSAGE.format(name=name, detail="données compressées abîmées")) from exc
    except (NotImplementedError, RuntimeError) as exc:
        raise StaffingError(DAMAGED_MESSAGE.format(name=name, detail="archive chiffrée ou non standard")) from exc
    except (ExpatError, ValueError, LookupError) as exc:  # ill-formed XML, unknown encoding, DTD, damaged stream
        detail = "XML mal formé" if parser is not None else "données compressées abîmées"
        raise StaffingError(DAMAGED_MESSAGE.format(name=name, detail=detail)) from exc
    return total


def _cut(buffer: bytes) -> int:
    """Where to split so that no row (or at least no tag) straddles two pieces."""
    for token in (b"row>", b">"):
        position = buffer.rfind(token)
        if position >= 0:
            return position + len(token)
    return -1


# --- xlsx sheets --------------------------------------------------------------------------------------------------


_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def xlsx_sheet_parts(archive: zipfile.ZipFile, name: str) -> dict[str, str]:
    """Sheet name → zip member of its XML, read from workbook.xml and its relationships."""
    from defusedxml import ElementTree

    def load(member: str):
        stream_entry(archive, member, MAX_PART_XML_BYTES // 16, name)
        return ElementTree.fromstring(archive.read(member))

    try:
        workbook = load("xl/workbook.xml")
        rels = load("xl/_rels/workbook.xml.rels") if "xl/_rels/workbook.xml.rels" in archive.namelist() else None
    except StaffingError:
        raise
    except Exception as exc:  # defusedxml raises ParseError or its own Forbidden errors on hostile XML
        raise StaffingError(DAMAGED_MESSAGE.format(name=name, detail="description du classeur illisible")) from exc
    targets: dict[str, str] = {}
    if rels is not None:
        for rel in rels:
            rel_id, target = rel.get("Id"), rel.get("Target") or ""
            if rel_id:
                target = target.lstrip("/") if target.startswith("/") else "xl/" + target
                targets[rel_id] = _normalise_member(target)
    parts: dict[str, str] = {}
    for element in workbook.iter():
        if element.tag.rsplit("}", 1)[-1] == "sheet":
            sheet_name = element.get("name") or ""
            rel_id = element.get(f"{{{_REL_NS}}}id") or element.get("id") or ""
            if rel_id in targets:
                parts[sheet_name] = targets[rel_id]
    return parts


def _normalise_member(member: str) -> str:
    out: list[str] = []
    for part in member.split("/"):
        if part == "..":
            if out:
                out.pop()
        elif part and part != ".":
            out.append(part)
    return "/".join(out)


_ROW_NUMBER = re.compile(rb'<(?:\w+:)?row\b[^>]*?\sr="0*(\d+)"')
# The engine reads a reference of any length, in either case (`zz99999`, `AAAAAAAAAA1`, a row of 14 digits) and
# allocates what it designates: the scan must see them all (scripts/fuzz_readers.py found these three).
_VALUED_COLUMN = re.compile(rb'\sr="([A-Za-z]+)\d+"[^>/]*>')
_PREFIX = re.compile(rb"<(\w+:)?sheetData[\s>/]")
_CELL_REF = re.compile(rb'\sr="([A-Za-z]+)0*(\d+)"')
_FORMULA_TEXT = re.compile(rb"<(?:\w+:)?f\b[^>]*?(?<!/)>(.*?)</(?:\w+:)?f>", re.DOTALL)
_HAS_VALUE = re.compile(rb"<(?:\w+:)?v\b[^>]*?(?<!/)>[^<]")
_CELL_START = re.compile(rb"<(?:\w+:)?c[\s>]")
_CELL_END = re.compile(rb"</(?:\w+:)?c>|<(?:\w+:)?c[\s>]|</(?:\w+:)?row>")
_FORMULA_START = re.compile(rb"<(?:\w+:)?f[\s>]")


def column_number(letters: bytes | str) -> int:
    """`A` → 1, `Z` → 26, `AA` → 27."""
    number = 0
    for char in (letters.decode() if isinstance(letters, bytes) else letters).upper():
        number = number * 26 + ord(char) - 64
    return number


def column_letters(number: int) -> str:
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _greater_number(limit: int) -> str:
    """A regex matching the decimal numbers greater than `limit` (no leading zeros)."""
    text = str(limit)
    size = len(text)
    options = [rf"[1-9]\d{{{size},}}"]
    for i, char in enumerate(text):
        if char != "9":
            rest = size - i - 1
            options.append(text[:i] + f"[{int(char) + 1}-9]" + (rf"\d{{{rest}}}" if rest else ""))
    return "(?:" + "|".join(options) + ")"


def _greater_column(limit: int) -> str:
    """A regex matching the column letters after column `limit` (`O` → `P`…`Z`, `AA`…), of any length; compile it
    case-insensitive (the engine reads `zz` as `ZZ`)."""
    if limit <= 0:
        return "[A-Z]+"
    text = column_letters(limit)
    size = len(text)
    options = [f"[A-Z]{{{size + 1},}}"]
    for i, char in enumerate(text):
        if char != "Z":
            rest = size - i - 1
            options.append(text[:i] + f"[{chr(ord(char) + 1)}-Z]" + (f"[A-Z]{{{rest}}}" if rest else ""))
    return "(?:" + "|".join(options) + ")" if options else "(?!)"


class _XlsxScanner:
    """Bounds of the cells that hold a value, and formulas saved without their result (scripts write those).

    The engine allocates the rectangle between the first and last valued cell, wherever they are. Matching every
    cell reference in Python costs seconds on a big sheet, so each piece is matched only for the references beyond
    what is already known: the widest column seen so far and the row number of the piece's last `<row>`. On an
    honest file nothing matches after the first piece; a file hiding a far-away cell gets it found, whatever the
    order of its rows.
    """

    def __init__(self, check: Callable[[int, int], None] | None = None) -> None:
        self.check = check  # called with the bounds after each piece: a sheet too big stops the stream at once
        self.started = False
        self.lt = b"<"
        self.max_row = 0
        self.max_col = 0
        self.row_tags = 0
        self.refs = 0
        self.values = 0
        self.widest_unreferenced = 0
        self.formulas: dict[tuple[int, int], str] = {}
        self._columns: dict[bytes, int] = {}

    def _column(self, letters: bytes) -> int:
        number = self._columns.get(letters)
        if number is None:
            number = self._columns[letters] = column_number(letters)
        return number

    def _last_row(self, piece: bytes) -> int:
        position = max(piece.rfind(self.lt + b"row "), piece.rfind(self.lt + b"row>"))
        if position < 0:
            return 0
        match = _ROW_NUMBER.match(piece, position)
        return int(match.group(1)) if match else 0

    def __call__(self, piece: bytes) -> None:
        if not self.started:
            self.started = True
            prefix = _PREFIX.search(piece)
            self.lt = b"<" + (prefix.group(1) or b"") if prefix else b"<"
            for letters in set(_VALUED_COLUMN.findall(piece)):
                self.max_col = max(self.max_col, self._column(letters))
        self.max_row = max(self.max_row, self._last_row(piece))
        # A literal " r=" prefix lets the regex engine skip ahead fast; a tab or newline before `r=` (legal, and a
        # way to hide a cell from a naive scan) switches the piece to the slower whitespace-aware pattern.
        lead = rb" " if piece.count(b'r="') == piece.count(b' r="') else rb"\s"
        beyond = re.compile(
            lead + rb'r="(?:' + _greater_column(self.max_col).encode() + rb"\d+|[A-Z]+0*"
            + _greater_number(self.max_row).encode() + rb')"[^>/]*>', re.IGNORECASE
        )
        for match in beyond.finditer(piece):
            ref = _CELL_REF.match(piece, match.start())
            if ref is not None:
                self.max_row = max(self.max_row, int(ref.group(2)))
                self.max_col = max(self.max_col, self._column(ref.group(1)))
        lt = self.lt
        row_tags = piece.count(lt + b"row ") + piece.count(lt + b"row>")
        values = piece.count(lt + b"v>") + piece.count(lt + b"v ") + piece.count(lt + b"is>")
        refs = piece.count(b' r="') - row_tags
        self.row_tags += row_tags
        self.values += values
        self.refs += refs
        if values > refs:  # some cells carry no reference: measure the rows one by one
            for row in piece.split(lt + b"row"):
                self.widest_unreferenced = max(
                    self.widest_unreferenced, row.count(lt + b"v>") + row.count(lt + b"v ") + row.count(lt + b"is>")
                )
        if lt + b"f>" in piece or lt + b"f " in piece:
            self._formulas(piece)
        if self.check is not None:
            self.check(*self.bounds())

    def _formulas(self, piece: bytes) -> None:
        for match in _FORMULA_START.finditer(piece):
            if len(self.formulas) >= MAX_RECOVERED_FORMULAS:
                return
            starts = list(_CELL_START.finditer(piece, max(0, match.start() - 4096), match.start()))
            if not starts:
                continue
            end = _CELL_END.search(piece, match.end())
            cell = piece[starts[-1].start() : end.start() if end else len(piece)]
            if _HAS_VALUE.search(cell):
                continue
            ref = _CELL_REF.search(cell, 0, cell.find(b">") + 1)
            text = _FORMULA_TEXT.search(cell)
            if ref is None or text is None or not text.group(1).strip():
                continue
            formula = html.unescape(text.group(1).decode("utf-8", errors="replace"))
            self.formulas[(int(ref.group(2)) - 1, column_number(ref.group(1)) - 1)] = "=" + formula

    def bounds(self) -> tuple[int, int]:
        rows, cols = self.max_row, self.max_col
        if self.values > self.refs:
            rows = max(rows, self.row_tags)
            cols = max(cols, self.widest_unreferenced)
        return rows, cols


def scan_xlsx_sheet(archive: zipfile.ZipFile, member: str, sheet: str, name: str) -> SheetScan:
    scanner = _XlsxScanner(lambda rows, cols: check_dimensions(sheet, rows, cols))
    stream_entry(archive, member, MAX_SHEET_XML_BYTES, name, scanner)
    rows, cols = scanner.bounds()
    check_dimensions(sheet, rows, cols)
    return SheetScan(rows=rows, cols=cols, formulas=scanner.formulas)


_UNIQUE_COUNT = re.compile(rb'<(?:\w+:)?sst\b[^>]*?\suniqueCount="(\d{1,20})"')
_STRING_ITEM = re.compile(rb"<(?:\w+:)?si[\s>/]")
MAX_DECLARED_SLACK = 1_000_000  # declared counts the engine pre-allocates from may exceed the truth by this much


class _SharedStringsScanner:
    """The engine reserves room for `uniqueCount` strings before reading them: a forged count aborts the process."""

    def __init__(self) -> None:
        self.declared: int | None = None
        self.items = 0

    def __call__(self, piece: bytes) -> None:
        if self.declared is None:
            found = _UNIQUE_COUNT.search(piece)
            self.declared = int(found.group(1)) if found else 0
        self.items += len(_STRING_ITEM.findall(piece))


def check_xlsx_parts(archive: zipfile.ZipFile, name: str) -> None:
    """Stream the shared parts the engine reads at open time, so a lying entry is caught before it."""
    for member in archive.namelist():
        if member.startswith("xl/worksheets/") or not member.endswith((".xml", ".rels")):
            continue
        if member == "xl/sharedStrings.xml":
            scanner = _SharedStringsScanner()
            stream_entry(archive, member, MAX_PART_XML_BYTES, name, scanner)
            if (scanner.declared or 0) > scanner.items + MAX_DECLARED_SLACK:
                raise StaffingError(DAMAGED_MESSAGE.format(name=name, detail="table des textes incohérente"))
            continue
        stream_entry(archive, member, MAX_PART_XML_BYTES, name)


# --- ods ----------------------------------------------------------------------------------------------------------


_ODS_TOKEN = re.compile(
    rb'<table:table\s[^>]*?table:name="([^"]*)"[^>]*>|<table:table-row\b([^>]*?)(/?)>|</table:table-row>'
)
_ODS_CELL = re.compile(rb"<table:(?:covered-)?table-cell\b([^>]*?)(/?)>")
_ODS_ROWS_REPEATED = re.compile(rb'table:number-rows-repeated="(\d{1,12})"')
_ODS_COLS_REPEATED = re.compile(rb'table:number-columns-repeated="(\d{1,12})"')


class _OdsScanner:
    """Rows and columns each table spans once repetitions are expanded (LibreOffice writes `rows-repeated`)."""

    def __init__(self) -> None:
        self.sheets: dict[str, list[int]] = {}  # name → [last row with content, widest row, current row]
        self.current: list[int] | None = None
        self.row_attrs: bytes | None = None
        self.row_start = 0

    def __call__(self, piece: bytes) -> None:
        for match in _ODS_TOKEN.finditer(piece):
            if match.group(1) is not None:
                name = html.unescape(match.group(1).decode("utf-8", errors="replace"))
                self.current = self.sheets.setdefault(name, [0, 0, 0])
            elif match.group(0) == b"</table:table-row>":
                if self.row_attrs is not None:
                    self._row(self.row_attrs, piece[self.row_start : match.start()])
                self.row_attrs = None
            elif match.group(3) == b"/":
                self._row(match.group(2), b"")
            else:
                self.row_attrs = match.group(2)
                self.row_start = match.end()
        if self.row_attrs is not None:  # a row cut by the piece boundary: keep what we have
            self._row(self.row_attrs, piece[self.row_start :])
            self.row_attrs = b""
            self.row_start = 0

    def _row(self, attrs: bytes, content: bytes) -> None:
        if self.current is None:
            return
        repeated = _ODS_ROWS_REPEATED.search(attrs)
        times = int(repeated.group(1)) if repeated else 1
        width = 0
        column = 0
        for cell in _ODS_CELL.finditer(content):
            cell_attrs, closed = cell.group(1), cell.group(2)
            span = _ODS_COLS_REPEATED.search(cell_attrs)
            count = int(span.group(1)) if span else 1
            column += count
            if not closed or b"office:value-type" in cell_attrs:
                width = column
        if width:
            self.current[0] = self.current[2] + times
            self.current[1] = max(self.current[1], width)
        self.current[2] += times


def scan_ods(archive: zipfile.ZipFile, name: str) -> dict[str, SheetScan]:
    manifest = b""
    if "META-INF/manifest.xml" in archive.namelist():
        stream_entry(archive, "META-INF/manifest.xml", 10_000_000, name)
        manifest = archive.read("META-INF/manifest.xml")
    if b"encryption-data" in manifest:
        raise StaffingError(PASSWORD_MESSAGE)
    for member in archive.namelist():
        if member != "content.xml" and member.endswith(".xml"):
            stream_entry(archive, member, MAX_PART_XML_BYTES, name, well_formed=True)
    scanner = _OdsScanner()
    stream_entry(archive, "content.xml", MAX_SHEET_XML_BYTES, name, scanner, well_formed=True)
    scans = {}
    for sheet, (rows, cols, _) in scanner.sheets.items():
        check_dimensions(sheet, rows, cols)
        scans[sheet] = SheetScan(rows=rows, cols=cols)
    return scans


# --- xls (BIFF in an OLE2 container) ------------------------------------------------------------------------------

# Cell records that hold a value (BLANK/MULBLANK only carry formatting and the engine skips them).
_BIFF_CELLS = {0x0006, 0x00FD, 0x0203, 0x027E, 0x0204, 0x0205, 0x00D6, 0x0406}
_BIFF_MULRK = 0x00BD
_BIFF_BOF = 0x0809
_BIFF_FILEPASS = 0x002F
_BIFF_BOUNDSHEET = 0x0085
_BIFF_DIMENSIONS = 0x0200
_BIFF_SST = 0x00FC
_BIFF_CONTINUE = 0x003C


def _boundsheet_name(stream: bytes, body: int, length: int) -> tuple[int, str]:
    """(offset of the sheet's BOF, its name) from a BOUNDSHEET record (BIFF8; BIFF5 names read as Latin-1)."""
    (offset,) = struct.unpack_from("<I", stream, body)
    size = stream[body + 6] if length > 6 else 0
    flags = stream[body + 7] if length > 7 else 0
    raw = stream[body + 8 : body + length]
    if flags & 0x1:
        name = raw[: size * 2].decode("utf-16-le", errors="replace")
    elif flags in (0, 1) and len(raw) >= size:
        name = raw[:size].decode("latin-1")
    else:
        name = stream[body + 7 : body + 7 + size].decode("latin-1", errors="replace")
    return offset, name


def _check_xls_dimensions(stream: bytes, body: int, length: int, sheet: str, name: str) -> None:
    """The engine allocates the rectangle a DIMENSIONS record declares, before reading any cell."""
    if length >= 14:
        first_row, last_row, first_col, last_col = struct.unpack_from("<IIHH", stream, body)
    elif length >= 8:
        first_row, last_row, first_col, last_col = struct.unpack_from("<HHHH", stream, body)
    else:
        return
    if last_row < first_row or last_col < first_col:
        raise StaffingError(DAMAGED_MESSAGE.format(name=name, detail=f"dimensions de « {sheet} » incohérentes"))
    check_dimensions(sheet, last_row - first_row, last_col - first_col)


def _check_xls_strings(stream: bytes, body: int, length: int, name: str) -> None:
    """The engine reserves room for the SST's declared number of strings: each takes at least 3 bytes."""
    (unique,) = struct.unpack_from("<I", stream, body + 4)
    size, after, end = length, body + length, len(stream)
    while after + 4 <= end and struct.unpack_from("<H", stream, after)[0] == _BIFF_CONTINUE:
        extra = struct.unpack_from("<H", stream, after + 2)[0]
        size, after = size + extra, after + 4 + extra
    if unique > size // 3 + 1:
        raise StaffingError(DAMAGED_MESSAGE.format(name=name, detail="table des textes incohérente"))


def scan_xls(data: bytes, name: str) -> dict[str, tuple[int, int]]:
    """(rows, cols) spanned by the value cells of each sheet; refuse a sheet whose cells span too much.

    BIFF caps a sheet at 65 536 x 256, but a sparse sheet with two far-apart cells would still cost the engine half
    a gigabyte, so value cells are located record by record. An encrypted workbook (FILEPASS) is left to the engine,
    which opens the ones Excel opens without asking for a password.
    """
    try:
        _, doc = ole_streams(data)
        stream = doc.get_named_stream("Workbook") or doc.get_named_stream("Book")
        stream = bytes(stream or b"")
    except Exception as exc:
        raise StaffingError(DAMAGED_MESSAGE.format(name=name, detail="conteneur OLE illisible")) from exc
    names: dict[int, str] = {}
    sheets: dict[str, tuple[int, int]] = {}
    current = ""
    rows = cols = 0
    position, end = 0, len(stream)
    unpack = struct.unpack_from
    while position + 4 <= end:
        kind, length = unpack("<HH", stream, position)
        body = position + 4
        if kind == _BIFF_FILEPASS:
            return {}
        if kind == _BIFF_BOUNDSHEET and length >= 8 and body + length <= end:
            offset, sheet_name = _boundsheet_name(stream, body, length)
            names[offset] = sheet_name
        elif kind == _BIFF_BOF:
            if current:
                sheets[current] = (rows, cols)
            substream = unpack("<H", stream, body + 2)[0] if length >= 4 and body + 4 <= end else 0
            # Only worksheets (0x10) are kept; the workbook globals, charts and macros are not sheets of data.
            current = names.get(position, f"n° {len(sheets) + 1}") if substream == 0x0010 else ""
            rows = cols = 0
        elif kind == _BIFF_DIMENSIONS and current and body + length <= end:
            _check_xls_dimensions(stream, body, length, current, name)
        elif kind == _BIFF_SST and length >= 8 and body + 8 <= end:
            _check_xls_strings(stream, body, length, name)
        elif kind in _BIFF_CELLS and length >= 4 and body + 4 <= end:
            row, col = unpack("<HH", stream, body)
            rows, cols = max(rows, row + 1), max(cols, col + 1)
        elif kind == _BIFF_MULRK and length >= 6 and body + length <= end:
            row, _ = unpack("<HH", stream, body)
            (last,) = unpack("<H", stream, body + length - 2)
            rows, cols = max(rows, row + 1), max(cols, last + 1)
        position = body + length
    if current:
        sheets[current] = (rows, cols)
    for sheet, (sheet_rows, sheet_cols) in sheets.items():
        check_dimensions(sheet, sheet_rows, sheet_cols)
    return sheets
