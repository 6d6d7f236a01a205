"""Coherence report of the référentiel: every family's jobs ordered by score, and the outliers to explain.

Flags (each must be fixed or explained in `data/REVIEW.md`, under a line naming the job code and the flag):
- `terrain>0.5`    a field job (nature « terrain ») whose 2023 or 2025 score is above 0.5;
- `bureau<0.25`    an office job (nature « bureau ») whose 2023 or 2025 score is below 0.25;
- `ecart>0.2`      a job whose 2023 and 2025 scores differ by more than 0.2;
- `estime`         an activity with no ILO link (an explicit estimate).

    python scripts/coherence_report.py            # the report, exit 1 if a flag is not explained in REVIEW.md
    python scripts/coherence_report.py --flags    # only the flags
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from cartographie_desktop.core import referentiel  # noqa: E402
from cartographie_desktop.core.scoring import score_job  # noqa: E402
from cartographie_desktop.core.text import round2  # noqa: E402


@dataclass(frozen=True)
class Flag:
    code: str  # job code (or activity id for `estime`)
    kind: str
    detail: str

    @property
    def key(self) -> str:
        return f"{self.code} {self.kind}"


def flags(ref: referentiel.Referentiel) -> list[Flag]:
    found: list[Flag] = []
    for job in ref:
        s23 = score_job(job, "2023").technical.score  # rounded half up, as shown and banded
        s25 = score_job(job, "2025").technical.score
        if job.nature == "terrain" and max(s23, s25) > 0.5:
            found.append(Flag(job.code, "terrain>0.5", f"{job.label} : 2023 {s23:.2f}, 2025 {s25:.2f}"))
        if job.nature == "bureau" and min(s23, s25) < 0.25:
            found.append(Flag(job.code, "bureau<0.25", f"{job.label} : 2023 {s23:.2f}, 2025 {s25:.2f}"))
        if abs(s23 - s25) > 0.2:
            found.append(Flag(job.code, "ecart>0.2", f"{job.label} : 2023 {s23:.2f}, 2025 {s25:.2f}"))
        for activity in job.activities:
            if activity.estimated:
                found.append(Flag(activity.id, "estime", f"{job.label} : « {activity.label} » "
                                  f"({activity.score_2023:.2f} / {activity.score_2025:.2f})"))
    return found


def unexplained(found: list[Flag], review_text: str) -> list[Flag]:
    """Flags whose `CODE kind` does not appear in REVIEW.md."""
    return [flag for flag in found if flag.key not in review_text]


def report(ref: referentiel.Referentiel) -> str:
    lines = []
    by_family: dict[str, list] = {}
    for job in ref:
        by_family.setdefault(job.family, []).append(job)
    for family in ref.families:
        jobs = by_family.get(family, [])
        if not jobs:
            continue
        lines.append(f"\n## {family} — {ref.families[family]} ({len(jobs)} métiers)")
        scored = sorted(((score_job(j, "2025").technical, score_job(j, "2023").technical, j) for j in jobs),
                        key=lambda t: -t[0].mean)
        for s25, s23, job in scored:
            lines.append(f"  {job.code:<7} {s25.score:.2f} ± {round2(s25.sd):.2f} {s25.band.label:<14} "
                         f"(2023 : {s23.score:.2f} {s23.band.label:<14}) {job.nature:<8} {job.label}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--flags", action="store_true", help="only the flags")
    args = parser.parse_args()
    ref = referentiel.load_from(ROOT / "data" / "referentiel", ROOT / "data" / "ilo")
    if not args.flags:
        print(report(ref))
    found = flags(ref)
    review = ROOT / "data" / "REVIEW.md"
    missing = unexplained(found, review.read_text(encoding="utf-8") if review.exists() else "")
    print(f"\n# {len(found)} signalements, {len(missing)} sans explication dans data/REVIEW.md")
    for flag in found:
        mark = "  " if flag not in missing else "!!"
        print(f"{mark} {flag.key:<24} {flag.detail}")
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
