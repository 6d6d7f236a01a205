"""Test set-up: Qt offscreen, no network, settings in a temporary file."""

from __future__ import annotations

import os

import pytest

from tests.offline import NetworkGuard

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(autouse=True)
def no_network():
    """Every test runs with the network forbidden from Python (tests/offline.py): an attempt fails the test, even
    when the code that made it caught the error."""
    guard = NetworkGuard().install()
    try:
        yield guard
    finally:
        guard.uninstall()
    if guard.attempts:
        pytest.fail("tentative d'accès réseau : " + " ; ".join(guard.attempts[:5]), pytrace=False)
