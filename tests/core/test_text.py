from __future__ import annotations

from datetime import date

import pytest

from cartographie_desktop.core.text import (
    NNBSP,
    fold,
    format_date,
    format_fte,
    format_number,
    format_percent,
    format_score,
    plural,
    round2,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0.745, 0.75), (0.225, 0.23), (0.355, 0.36), (0.12499999, 0.12), (0.595, 0.6), (1.0, 1.0), (0.0, 0.0)],
)
def test_round2_settles_exact_halves_upwards(value, expected):
    assert round2(value) == expected


def test_french_number_formats():
    assert format_number(1234.5, 1) == f"1{NNBSP}234,5"
    assert format_number(1234567) == f"1{NNBSP}234{NNBSP}567"
    assert format_number(-0.0004, 2) == "0,00"
    assert format_number(-12.5, 1) == "-12,5"
    assert format_score(0.6135) == "0,61"
    assert format_fte(12.50) == "12,5"
    assert format_fte(3.0) == "3"
    assert format_percent(0.384) == f"38{NNBSP}%"
    assert plural(1, "agent") == "1 agent"
    assert plural(2, "agent") == "2 agents"


def test_french_dates():
    assert format_date(date(2026, 11, 21)) == "21/11/2026"
    assert format_date("2026-01-05T10:00:00") == "05/01/2026"
    assert format_date(None) == ""


def test_fold_is_case_accent_and_punctuation_free():
    assert fold("Agt d'entretien") == "agt d entretien"
    assert fold("  Secrétaire  Générale – Mairie ") == "secretaire generale mairie"
    assert fold("ŒUVRE") == "oeuvre"
    assert fold("Agent·e") == "agent e"
