"""Big files, generated at test time (never committed): a 50 MB CSV imports whole; beyond the row limit, a message."""

from __future__ import annotations

import math
import time

import pytest

from cartographie_desktop.io import staffing
from cartographie_desktop.io.sniff import MAX_ROWS

TITLES = ["Agent d'accueil", "Agent d'entretien", "ATSEM", "Jardinier", "Secrétaire de mairie", "Animateur"]


@pytest.mark.slow
def test_fifty_megabyte_csv(tmp_path, grades):
    path = tmp_path / "export_paie_50mo.csv"
    lines = ["Nom;Prénom;NIR;Poste;Grade;Statut;Temps de travail;Service;Observations"]
    expected_posts = 0
    expected_fte = 0.0
    number = 0
    size = len(lines[0])
    while size < 50 * 1024 * 1024:
        elected = number % 1000 == 999
        fte = "80 %" if number % 5 == 0 else "35h"
        line = (f"NOM{number};Prénom{number % 997};1 80 01 75 {number % 1000:03d} {number % 997:03d} 12;"
                f"{TITLES[number % len(TITLES)]};Adjoint technique;{'Élu' if elected else 'Titulaire'};{fte};"
                f"Service {number % 40};Ligne générée pour l'essai de volume numéro {number}")
        lines.append(line)
        size += len(line.encode("cp1252")) + 2
        if not elected:
            expected_posts += 1
            expected_fte += 0.8 if number % 5 == 0 else 1.0
        number += 1
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    del lines
    assert path.stat().st_size >= 50 * 1024 * 1024

    started = time.perf_counter()
    result = staffing.read_staffing(path, grades=grades)
    elapsed = time.perf_counter() - started
    assert result.check_accounting()
    assert result.encoding == "cp1252"
    assert result.lines_in == number
    assert result.imported == expected_posts
    assert math.isclose(sum(post.fte for post in result.posts), expected_fte, rel_tol=1e-9)
    assert len(result.set_aside) == number - expected_posts
    assert not any("NOM1" in post.title for post in result.posts[:1000])
    assert elapsed < 240  # generous (shared CI machine); about 15 s here


@pytest.mark.slow
def test_csv_beyond_the_row_limit_is_refused(tmp_path):
    path = tmp_path / "trop_long.csv"
    path.write_bytes(b"Poste;Temps\n" + b"Agent;35h\n" * MAX_ROWS)
    with pytest.raises(staffing.StaffingError, match="trop grande"):
        staffing.read_staffing(path)
