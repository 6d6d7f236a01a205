"""Read files given in a JSON list, one by one, and report how each went — run in a subprocess by the fuzz tests.

A hang or a crash of the native spreadsheet engine would otherwise take the test run down with it; in a child
process the parent can time it out and name the file that did it. Output, one line per file:
`START <index>` before reading, then `DONE <index> <outcome> <seconds>` where outcome is `ok`, `staffing` (our
French error) or `bug:<exception type>:<message>`.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from cartographie_desktop.io import readers, staffing
from tests.io.conftest import load_grades


def main() -> None:
    paths = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    grades = load_grades()
    for index, path in enumerate(paths):
        print(f"START {index}", flush=True)
        started = time.perf_counter()
        try:
            staffing.inspect(path)
            table = staffing.read_table(path, max_rows=30)
            if table.rows:
                staffing.guess_columns(table, staffing.detect_header(table))
            result = staffing.read_staffing(path, grades=grades)
            outcome = "ok" if result.check_accounting() else "bug:accounting:"
        except staffing.UnexpectedReadError as error:
            outcome = f"bug:{type(error.__cause__).__name__}:{error.__cause__}"
        except staffing.StaffingError:
            outcome = "staffing"
        except BaseException as error:
            outcome = f"bug:{type(error).__name__}:{error}"
        finally:
            readers.forget()
        outcome = outcome.replace("\n", " ")[:300]
        print(f"DONE {index} {outcome} {time.perf_counter() - started:.3f}", flush=True)


if __name__ == "__main__":
    main()
