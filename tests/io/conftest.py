"""Shared fixtures of the io tests: the référentiel stand-in, the ugly staffing files and a small grade table."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from cartographie_desktop.core.referentiel import Grade
from cartographie_desktop.io import readers
from tests.core.conftest import mini_ref

__all__ = ["mini_ref"]

DATA = Path(__file__).resolve().parent.parent / "data" / "staffing"


def load_grades() -> list[Grade]:
    with open(DATA / "grades_fixture.csv", encoding="utf-8", newline="") as handle:
        return [
            Grade(label=row["grade"], cadre=row["cadre_emplois"], categorie=row["categorie"], filiere=row["filiere"],
                  abbreviations=tuple(a for a in row["abreviations"].split("|") if a))
            for row in csv.DictReader(handle)
        ]


@pytest.fixture(scope="session")
def data() -> Path:
    return DATA


@pytest.fixture(scope="session")
def grades() -> list[Grade]:
    return load_grades()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test opens its files anew (the readers keep the last file for the wizard's steps)."""
    readers.forget()
    yield
    readers.forget()
