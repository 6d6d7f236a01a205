"""Build the ILO tables shipped in `data/ilo/` from the reference workbook in `../shared/reference/`.

Run once when the ILO publishes a new file: `python scripts/build_ilo_tables.py [REFERENCE_DIR]`.
The output is deterministic (same input, same bytes) so that a diff shows exactly what changed.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

from python_calamine import CalamineWorkbook

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_REFERENCE = ROOT.parent / "shared" / "reference"
WORKBOOK = "ilo-genai-exposure-2025/Final_Scores_ISCO08_Gmyrek_et_al_2025.xlsx"
ISCO_FR = "esco-v1.0-isco08-fr/derived_isco08_titles_fr_en.csv"
# UTF-8 read as Mac Roman somewhere upstream: "‚Äô" is "’", "¬¥" is "´".
MOJIBAKE = re.compile(r"‚Äô|¬¥")


def _clean(text: object) -> str:
    value = "" if text is None else str(text)
    value = MOJIBAKE.sub(lambda m: m.group(0).encode("mac_roman").decode("utf-8"), value)
    return value.strip()


def _score(value: object) -> str:
    if value in (None, ""):
        return ""
    return repr(round(float(value), 6))


def main(reference: Path) -> None:
    out = ROOT / "data" / "ilo"
    out.mkdir(parents=True, exist_ok=True)
    rows = CalamineWorkbook.from_path(str(reference / WORKBOOK)).get_sheet_by_index(0).to_python()
    header = rows[0]
    col = {name: header.index(name) for name in header}

    titles_fr = {}
    with open(reference / ISCO_FR, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["level"] == "4":
                titles_fr[row["code"]] = row["title_fr"]

    tasks, reasons, occupations = [], [], {}
    for row in rows[1:]:
        isco = str(row[col["ISCO_08"]]).strip().zfill(4)
        task_id = int(float(row[col["taskID"]]))
        tasks.append([
            isco, task_id, " ".join(_clean(row[col["Task_ISCO"]]).split()),
            _score(row[col["score_2023"]]), _score(row[col["score_2025"]]), _clean(row[col["source"]]),
        ])
        reasons.append([
            isco, task_id,
            _score(row[col["predicted_score_2025_gpt4o"]]), _clean(row[col["prediction_justification_gpt4o"]]),
            _score(row[col["predicted_score_2025_gemini"]]), _clean(row[col["prediction_justification_gemini"]]),
        ])
        occupations.setdefault(isco, [
            isco, _clean(row[col["Title"]]), titles_fr.get(isco, ""),
            _score(row[col["mean_score_2023"]]), _score(row[col["SD_2023"]]), _clean(row[col["potential23"]]),
            _score(row[col["mean_score_2025"]]), _score(row[col["SD_2025"]]), _clean(row[col["potential25"]]),
        ])

    def write(name: str, head: list[str], body: list[list[object]]) -> None:
        with open(out / name, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(head)
            writer.writerows(sorted(body, key=lambda r: (r[0], r[1])))

    write("taches_oit.csv", ["isco08", "task_id", "task_en", "score_2023", "score_2025", "source_2025"], tasks)
    write("raisonnements_oit.csv",
          ["isco08", "task_id", "score_gpt4o", "reasoning_gpt4o", "score_gemini", "reasoning_gemini"], reasons)
    write("professions_oit.csv",
          ["isco08", "title_en", "title_fr", "mean_2023", "sd_2023", "potential_2023",
           "mean_2025", "sd_2025", "potential_2025"], list(occupations.values()))
    print(f"{len(tasks)} tasks, {len(occupations)} occupations written to {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_REFERENCE)
