"""Measure the title matcher on the labelled evaluation set (developer tool).

    python scripts/eval_matching.py                      # shipped référentiel, prints precision and the errors
    python scripts/eval_matching.py --mini               # the test fixture référentiel
    python scripts/eval_matching.py --sweep              # precision / share à vérifier for several thresholds
    python scripts/eval_matching.py --compare            # best operating point of ours vs rapidfuzz's scorers

« aucun » rows must stay *à vérifier*; any automatic match on them counts as a wrong automatic match.
"""

from __future__ import annotations

import argparse
import csv
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from rapidfuzz import fuzz, process  # noqa: E402

from cartographie_desktop.core import referentiel  # noqa: E402
from cartographie_desktop.core.matching import Matcher  # noqa: E402

EVAL = ROOT / "tests" / "data" / "matching_eval.csv"
MINI = ROOT / "tests" / "data" / "referentiel_mini"


@dataclass
class Row:
    title: str
    grade: str
    filiere: str
    expected: str | None
    note: str


def load_eval(path: Path = EVAL) -> list[Row]:
    with open(path, encoding="utf-8", newline="") as handle:
        return [Row(r["title"], r["grade"], r["filiere"], None if r["expected"] == "aucun" else r["expected"],
                    r["note"]) for r in csv.DictReader(handle)]


@dataclass
class Figures:
    rows: int
    auto: int
    auto_correct: int
    to_check: int
    to_check_expected: int  # « aucun » rows left à vérifier (right)
    top1_correct: int  # expected job ranked first, auto or not
    top3_correct: int

    @property
    def precision(self) -> float:
        return self.auto_correct / self.auto if self.auto else 1.0

    @property
    def share_to_check(self) -> float:
        return self.to_check / self.rows if self.rows else 0.0

    def line(self) -> str:
        return (f"{self.rows} intitulés · auto {self.auto} (justes {self.auto_correct}, précision "
                f"{self.precision:.3f}) · à vérifier {self.to_check} ({self.share_to_check:.1%}, dont "
                f"{self.to_check_expected} « aucun ») · bon métier en tête {self.top1_correct}, dans le top 3 "
                f"{self.top3_correct}")


def evaluate(matcher: Matcher, rows: list[Row], verbose: bool = False) -> Figures:
    items = [(r.title, matcher.context_for(r.grade, "", r.filiere)) if (r.grade or r.filiere) else (r.title, None)
             for r in rows]
    matches = matcher.match_many(items)
    fig = Figures(len(rows), 0, 0, 0, 0, 0, 0)
    for row, match in zip(rows, matches, strict=True):
        ranked = [code for code, _ in match.alternatives]
        if row.expected and ranked[:1] == [row.expected]:
            fig.top1_correct += 1
        if row.expected and row.expected in ranked:
            fig.top3_correct += 1
        if match.job_code is not None:
            fig.auto += 1
            ok = match.job_code == row.expected
            fig.auto_correct += ok
            if verbose and not ok:
                print(f"FAUX   {row.title!r:50} → {match.job_code} {match.confidence:.2f} "
                      f"(attendu {row.expected or 'aucun'}) {match.alternatives}")
        else:
            fig.to_check += 1
            fig.to_check_expected += row.expected is None
            if verbose and row.expected is not None:
                print(f"VÉRIF  {row.title!r:50} {match.confidence:.2f} attendu {row.expected} "
                      f"norm={matcher.normalise(row.title)!r} {match.alternatives}")
    return fig


class RapidfuzzBaseline(Matcher):
    """The same matcher (normalisation, exact synonyms, margin, threshold, grade rule) with its fuzzy step
    replaced by one of rapidfuzz's whole-string scorers over the same normalised labels and synonyms."""

    def __init__(self, ref, scorer, **kwargs) -> None:
        super().__init__(ref, **kwargs)
        self._scorer = scorer
        self._texts = [" ".join(c.tokens) for c in self._choices]
        self._jobs = np.array([c.job for c in self._choices])

    def _batch_scores(self, token_lists, heads):
        texts = [" ".join(tokens) for tokens in token_lists]
        scores = np.asarray(process.cdist(texts, self._texts, scorer=self._scorer), dtype=float) / 100.0
        out = np.zeros((len(texts), len(self.job_codes)))
        for j in range(len(self.job_codes)):
            mask = self._jobs == j
            if mask.any():
                out[:, j] = scores[:, mask].max(axis=1)
        return out


def _blend(a, b, **kwargs):
    return 0.5 * fuzz.token_set_ratio(a, b, **kwargs) + 0.5 * fuzz.token_sort_ratio(a, b, **kwargs)


SCORERS = {"ratio": fuzz.ratio, "token_sort_ratio": fuzz.token_sort_ratio,
           "token_set_ratio": fuzz.token_set_ratio, "WRatio": fuzz.WRatio, "QRatio": fuzz.QRatio,
           "0.5 token_set + 0.5 token_sort": _blend}
THRESHOLDS = [round(0.50 + 0.01 * i, 2) for i in range(50)]


def best_operating_point(build, rows: list[Row], target: float = 0.97) -> tuple[float, Figures] | None:
    """The threshold that matches the most titles right automatically while keeping precision ≥ target."""
    best = None
    for threshold in THRESHOLDS:
        fig = evaluate(build(threshold), rows)
        if fig.precision >= target and (best is None or fig.auto_correct > best[1].auto_correct):
            best = (threshold, fig)
    return best


def compare(ref, rows: list[Row]) -> None:
    candidates = {"ours (IDF soft tokens)": lambda t: Matcher(ref, threshold=t)}
    for name, scorer in SCORERS.items():
        candidates[f"rapidfuzz {name}"] = lambda t, scorer=scorer: RapidfuzzBaseline(ref, scorer, threshold=t)
    for name, build in candidates.items():
        found = best_operating_point(build, rows)
        if found is None:
            print(f"{name:40} : aucune précision ≥ 0,97")
        else:
            print(f"{name:40} : seuil {found[0]:.2f} · {found[1].line()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mini", action="store_true", help="le référentiel de test")
    parser.add_argument("--sweep", action="store_true", help="plusieurs seuils")
    parser.add_argument("--quiet", action="store_true")
    parser.add_argument("--compare", action="store_true", help="contre les scoreurs de rapidfuzz")
    parser.add_argument("--referentiel", type=Path, default=None, help="un autre dossier de référentiel")
    args = parser.parse_args()
    root = args.referentiel or (MINI if args.mini else ROOT / "data" / "referentiel")
    ref = referentiel.load_from(root, ROOT / "data" / "ilo")
    rows = load_eval()
    unknown = sorted({r.expected for r in rows if r.expected and r.expected not in ref.jobs})
    if unknown:
        print("codes attendus absents du référentiel :", ", ".join(unknown))
    if args.compare:
        compare(ref, rows)
        return
    if args.sweep:
        for threshold in (0.65, 0.70, 0.75, 0.78, 0.80, 0.82, 0.85, 0.88, 0.90):
            for margin in (0.04, 0.08, 0.12):
                print(f"seuil {threshold:.2f} marge {margin:.2f} : "
                      + evaluate(Matcher(ref, threshold=threshold, margin=margin), rows).line())
        return
    print(evaluate(Matcher(ref), rows, verbose=not args.quiet).line())


if __name__ == "__main__":
    main()
