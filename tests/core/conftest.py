from __future__ import annotations

from pathlib import Path

import pytest

from cartographie_desktop.core import referentiel

FIXTURE = Path(__file__).resolve().parent.parent / "data" / "ref_fixture"


@pytest.fixture(scope="session")
def mini_ref() -> referentiel.Referentiel:
    """A two-job référentiel on a slice of the real ILO table, with known scores."""
    return referentiel.load_from(FIXTURE, FIXTURE / "ilo")
