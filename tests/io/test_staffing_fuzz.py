"""Random bytes, random spreadsheets and mutated real-looking files: only our French `StaffingError` may escape,
every import that succeeds accounts for all its lines, and no file takes long.

Mutated files are read in a child process (`fuzz_worker.py`) so that a hang or a crash of the native engine is
caught, timed out and named instead of killing the test run.
"""

from __future__ import annotations

import io
import json
import math
import random
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cartographie_desktop.io import readers, staffing

PER_FILE_SECONDS = 10.0  # generous: a fixture-sized file reads in milliseconds
WORKER = Path(__file__).resolve().parent / "fuzz_worker.py"
SEEDS = ["mairie_titre_fusion.xlsx", "plusieurs_feuilles.xlsx", "deux_lignes_entete.xlsx", "formules.xlsm",
         "etat_du_personnel.xlsx", "ancien_format.xls", "tableau.ods", "paie_2024.csv", "export_unicode.txt",
         "budget_totem.xml", "export_2003.xls", "utf8_bom_virgule.csv"]


def outcome_of(path: Path, grades) -> str:
    """`ok`, `staffing`, or raise: anything else escaping is a failure of the test."""
    started = time.perf_counter()
    try:
        staffing.inspect(path)
        result = staffing.read_staffing(path, grades=grades)
        assert result.check_accounting()
        return "ok"
    except staffing.UnexpectedReadError as error:
        raise AssertionError(f"bug reading {path.name}: {error.__cause__!r}") from error
    except staffing.StaffingError as error:
        if not str(error).strip():
            raise AssertionError(f"empty message for {path.name}") from error
        return "staffing"
    finally:
        readers.forget()
        assert time.perf_counter() - started < PER_FILE_SECONDS


EXTENSIONS = [".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".txt", ".xml", ""]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.binary(max_size=4096), extension=st.sampled_from(EXTENSIONS),
       prefix=st.sampled_from([b"", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\xef\xbb\xbf",
                               b"<?xml version='1.0'?><DocumentBudgetaire>", b"\xff\xfe"]))
def test_random_bytes(tmp_path_factory, grades, content, extension, prefix):
    path = tmp_path_factory.mktemp("bytes") / f"fichier{extension}"
    path.write_bytes(prefix + content)
    outcome_of(path, grades)


CELL = st.one_of(
    st.sampled_from(["Poste", "Grade", "Temps de travail", "Statut", "Sexe", "Catégorie", "Filière", "Matricule",
                     "Mois", "Brut", "Effectif pourvu", "TOTAL", "FILIERE TECHNIQUE", "Titulaire", "Élu", "35h",
                     "28h/35", "80 %", "C", "F", "M.", "12/2024", "0,00", "Agent d'accueil", "=1+1", ""]),
    st.text(max_size=30),
    st.integers(min_value=-10**6, max_value=10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.none(),
)
TABLE = st.lists(st.lists(CELL, max_size=9), max_size=25)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=TABLE, merges=st.lists(st.tuples(st.integers(1, 30), st.integers(1, 10), st.integers(0, 5),
                                             st.integers(0, 5)), max_size=4))
def test_random_spreadsheets(tmp_path_factory, grades, rows, merges):
    import openpyxl
    from openpyxl.utils import get_column_letter

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append([_clean_for_openpyxl(value) for value in row])
    for top, left, height, width in merges:
        sheet.merge_cells(f"{get_column_letter(left)}{top}:{get_column_letter(left + width)}{top + height}")
    path = tmp_path_factory.mktemp("xlsx") / "aleatoire.xlsx"
    workbook.save(path)
    outcome_of(path, grades)


def _clean_for_openpyxl(value):
    if isinstance(value, str):  # openpyxl refuses control characters; a real file never holds them either
        return "".join(char for char in value if char >= " " or char in "\t\n")
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=TABLE, separator=st.sampled_from([";", ",", "\t", "|"]),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16", "latin-1"]))
def test_random_csv(tmp_path_factory, grades, rows, separator, encoding):
    text = "\n".join(separator.join("" if value is None else str(value) for value in row) for row in rows)
    path = tmp_path_factory.mktemp("csv") / "aleatoire.csv"
    path.write_bytes(text.encode(encoding, errors="replace"))
    outcome_of(path, grades)


# --- mutations of real-looking files, in a child process ------------------------------------------------------------


def _mutate_bytes(data: bytes, rng: random.Random) -> bytes:
    data = bytearray(data)
    kind = rng.randrange(4)
    if kind == 0:  # flip a few bytes
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    elif kind == 1:  # truncate
        del data[rng.randrange(1, len(data)):]
    elif kind == 2:  # insert garbage
        at = rng.randrange(len(data))
        data[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 64)))
    else:  # duplicate a slice
        start = rng.randrange(len(data))
        data[start:start] = data[start : start + rng.randint(1, 200)]
    return bytes(data)


def _mutate_zip_members(data: bytes, rng: random.Random) -> bytes:
    """Keep the archive valid but damage the XML inside, to reach the engine's parsers rather than the CRC."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        victims = [info.filename for info in source.infolist() if info.filename.endswith(".xml")]
        victim = rng.choice(victims)
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == victim:
                content = _mutate_xml(content, rng)
            target.writestr(info.filename, content)
    return out.getvalue()


def _mutate_xml(content: bytes, rng: random.Random) -> bytes:
    text = bytearray(content)
    choice = rng.randrange(5)
    if choice == 0:  # a huge or odd number where a number is
        digits = [i for i, byte in enumerate(text) if 48 <= byte <= 57]
        if digits:
            at = rng.choice(digits)
            text[at:at + 1] = rng.choice([b"9999999", b"-1", b"0", b"1048576", b"4294967296", b"x"])
    elif choice == 1:  # drop a closing tag
        at = text.find(b"</", rng.randrange(len(text)))
        if at >= 0:
            del text[at : text.find(b">", at) + 1]
    elif choice == 2:  # a far-away cell reference
        at = text.find(b' r="', rng.randrange(len(text)))
        if at >= 0:
            end = text.find(b'"', at + 4)
            text[at + 4 : end] = rng.choice([b"XFD1048576", b"A1048576", b"ZZ99999", b"", b"A0", b"1A"])
    elif choice == 3:  # a repeat attribute gone wild (ODS)
        at = text.find(b'repeated="', rng.randrange(len(text)))
        if at >= 0:
            end = text.find(b'"', at + 10)
            text[at + 10 : end] = rng.choice([b"999999999", b"0", b"-5", b"1048576"])
        else:
            return _mutate_bytes(content, rng)
    else:
        return _mutate_bytes(content, rng)
    return bytes(text)


def _mutants(data_dir: Path, out_dir: Path, per_seed: int) -> list[Path]:
    rng = random.Random(20251121)
    paths = []
    for seed in SEEDS:
        original = (data_dir / seed).read_bytes()
        is_zip = original.startswith(b"PK\x03\x04")
        for number in range(per_seed):
            mutated = _mutate_zip_members(original, rng) if is_zip and number % 2 else _mutate_bytes(original, rng)
            path = out_dir / f"{number:03d}_{seed}"
            path.write_bytes(mutated)
            paths.append(path)
    return paths


def _run_worker(paths: list[Path], tmp_path: Path) -> dict[int, tuple[str, float]]:
    listing = tmp_path / "paths.json"
    listing.write_text(json.dumps([str(path) for path in paths]), encoding="utf-8")
    budget = 60 + PER_FILE_SECONDS * len(paths) / 10
    try:
        completed = subprocess.run([sys.executable, str(WORKER), str(listing)], capture_output=True, text=True,
                                   timeout=budget, check=False)
        output, died = completed.stdout, completed.returncode != 0
    except subprocess.TimeoutExpired as timeout:
        output = (timeout.stdout or b"").decode() if isinstance(timeout.stdout, bytes) else timeout.stdout or ""
        died = True
    results: dict[int, tuple[str, float]] = {}
    started: int | None = None
    for line in output.splitlines():
        parts = line.split(" ")
        if parts[0] == "START":
            started = int(parts[1])
        elif parts[0] == "DONE":
            results[int(parts[1])] = (" ".join(parts[2:-1]), float(parts[-1]))
            started = None
    if died:
        culprit = paths[started].name if started is not None else "?"
        pytest.fail(f"the reader crashed or hung on {culprit} (mutant kept in {paths[0].parent})")
    return results


@pytest.mark.slow
def test_mutated_files_in_a_child_process(data, tmp_path):
    paths = _mutants(data, tmp_path, per_seed=100)
    results = _run_worker(paths, tmp_path)
    assert len(results) == len(paths)
    bugs = {paths[i].name: outcome for i, (outcome, _) in results.items() if outcome.startswith("bug")}
    assert bugs == {}
    slow = {paths[i].name: seconds for i, (_, seconds) in results.items() if seconds > PER_FILE_SECONDS}
    assert slow == {}
    outcomes = [outcome for outcome, _ in results.values()]
    assert outcomes.count("ok") > 20  # the mutations are not all fatal: the normal path is exercised too


def _rezip(source: Path, target: Path, member: str, change) -> Path:
    original = zipfile.ZipFile(source)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in original.infolist():
            content = original.read(info.filename)
            archive.writestr(info.filename, change(content) if info.filename == member else content)
    return target


def _engine_killers(data: Path, folder: Path) -> list[Path]:
    """Damage the fuzzer found to abort or hang the native engine; each must now be a French error."""
    import re
    import struct

    cut_ods = _rezip(data / "tableau.ods", folder / "ods_coupe.ods", "content.xml",
                     lambda content: content[: content.find(b"<table:table-row>", 700)])
    forged_count = _rezip(data / "plusieurs_feuilles.xlsx", folder / "uniquecount.xlsx", "xl/sharedStrings.xml",
                          lambda content: re.sub(rb'uniqueCount="\d+"', b'uniqueCount="34294967296"', content))
    xls = bytearray((data / "ancien_format.xls").read_bytes())
    dimensions = xls.find(struct.pack("<HH", 0x0200, 14))  # the first sheet's DIMENSIONS record
    struct.pack_into("<I", xls, dimensions + 4, 0x40000)  # first row after the last one
    forged_dimensions = folder / "dimensions.xls"
    forged_dimensions.write_bytes(bytes(xls))
    return [cut_ods, forged_count, forged_dimensions]


def test_hostile_fixtures_in_a_child_process(data, tmp_path):
    hostile = ["dimension_geante.xlsx", "bombe_declaree.xlsx", "bombe_mensongere.xlsx", "ods_geant.ods",
               "billion_laughs.xml", "xxe.xml", "protege.xlsx", "tronque.xlsx", "binaire.xlsx"]
    paths = [data / name for name in hostile] + _engine_killers(data, tmp_path)
    results = _run_worker(paths, tmp_path)
    names = [path.name for path in paths]
    assert {names[i]: outcome for i, (outcome, _) in results.items()} == dict.fromkeys(names, "staffing")
    assert max(seconds for _, seconds in results.values()) < 5


@pytest.mark.parametrize("ref", ["zz99999", "A99999999999999", "AAAAAAAAAAAAAAAAAAAAAA1", "ZZZZ99", "zzzzzz1"])
def test_far_references_of_any_length_or_case_in_a_child_process(data, tmp_path, ref):
    """Found by scripts/fuzz_readers.py: the engine reads these references (lower case, more than three letters, a
    row of more than twelve digits) and aborted the process allocating what they designate; the scan missed them."""
    path = _rezip(data / "etat_du_personnel.xlsx", tmp_path / "loin.xlsx", "xl/worksheets/sheet1.xml",
                  lambda content: content.replace(b"</row>", f'<c r="{ref}"><v>1</v></c></row>'.encode(), 1))
    results = _run_worker([path], tmp_path)
    assert results[0][0] == "staffing"
    assert results[0][1] < 5
