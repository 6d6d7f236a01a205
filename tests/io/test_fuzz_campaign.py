"""The CI-sized run of `scripts/fuzz_readers.py`: the same generators and child processes as the nightly campaign
(10 000 cases), a few hundred cases, and a check that the machinery itself catches hangs, crashes and blow-ups."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "fuzz_readers.py"
CI_CASES = 300


def _fuzz_module():
    spec = importlib.util.spec_from_file_location("fuzz_readers", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("fuzz_readers", module)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_a_few_hundred_cases_of_every_reader_give_only_our_own_errors(tmp_path):
    fuzz = _fuzz_module()
    summary = fuzz.campaign(cases=CI_CASES, seed=20261121, jobs=1, seconds=10.0, memory_mb=2048,
                            keep=tmp_path / "echecs", bombs=False)
    assert summary["failures"] == [], f"failing cases kept in {tmp_path / 'echecs'}"
    assert summary["cases"] == CI_CASES
    assert summary["crashes"] == summary["hangs"] == summary["memory"] == summary["bugs"] == 0
    assert set(summary["by_target"]) == {"staffing", "carto", "kit"}
    for target, counts in summary["by_target"].items():  # both paths exercised: refusals and real reading
        assert counts.get("ok", 0) > 0, target
        assert counts.get("ours", 0) > 0, target


def test_the_machinery_catches_a_blow_up_a_hang_and_an_abort(tmp_path):
    """A reader that allocates without end, loops, or aborts is counted as such, and the next case still runs."""
    fuzz = _fuzz_module()
    cases = [fuzz.Case(number, "selftest", "selftest", tmp_path / name, name)
             for number, name in enumerate(["memoire", "boucle", "abandon", "normal"])]
    for case in cases:
        case.path.write_bytes(b"")
    runner = fuzz.Runner(jobs=1, seconds=3.0, memory_mb=512, keep=None, logs=tmp_path)
    report = runner.run(iter(cases))
    assert report.outcomes == {"memory": 1, "hangs": 1, "crashes": 1, "ok": 1}
    assert [f["outcome"].split(":")[0] for f in report.failures] == ["memory", "hang", "crash"]
