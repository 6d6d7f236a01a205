"""Read hostile files one by one and report how each went — the child process of the fuzz tests and of
`scripts/fuzz_readers.py`.

A hang, a crash or a memory blow-up of a native engine would otherwise take the run down with it; in a child process
the parent times each file out, notices the death, and names the file that did it.

Two modes:
- `fuzz_worker.py LIST.json`: the staffing files listed, with the test grade table (tests/io/test_staffing_fuzz.py);
- `fuzz_worker.py --serve [--memory-mb N]`: cases read from stdin, one per line `<index>\\t<kind>\\t<path>`, kind
  `staffing` (every staffing reader), `carto` (the project opener, then the results computed from what it loaded)
  or `kit` (the workshop kit reader, then its changes applied and the project saved and reopened). The address space
  is capped (RLIMIT_AS) at what the imports use plus N MB, so an allocation beyond is a MemoryError or an abort,
  never the machine's memory. It prints `READY` once loaded.

Output, one line per case: `START <index>` before, then `DONE <index> <outcome> <seconds>` where outcome is `ok`,
`ours` (our French error: StaffingError, StoreError, KitError), `memory` (MemoryError) or
`bug:<exception type>:<message>`. The first mode says `staffing` for `ours`, as the tests expect.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from cartographie_desktop.io import readers, staffing
from cartographie_desktop.io.store import StoreError


def read_staffing_file(path: str, grades) -> str:
    try:
        staffing.inspect(path)
        table = staffing.read_table(path, max_rows=30)
        if table.rows:
            staffing.guess_columns(table, staffing.detect_header(table))
        result = staffing.read_staffing(path, grades=grades)
        return "ok" if result.check_accounting() else "bug:accounting:"
    except staffing.UnexpectedReadError as error:
        return f"bug:{type(error.__cause__).__name__}:{error.__cause__}"
    except staffing.StaffingError as error:
        return "ours" if str(error).strip() else "bug:empty-message:"
    finally:
        readers.forget()


class Targets:
    """What the serve mode reads with, loaded once: the référentiel, and the demo project the kits were made from."""

    def __init__(self) -> None:
        from cartographie_desktop.core import referentiel
        from cartographie_desktop.io.store import load_demo

        self.ref = referentiel.load()
        self.demo = load_demo()
        self.scratch = Path(tempfile.mkdtemp(prefix="fuzz-worker-"))

    def staffing(self, path: str) -> str:
        return read_staffing_file(path, None)

    def carto(self, path: str) -> str:
        """Only StoreError may come out of opening; a project that opened must be usable (results, summary)."""
        from cartographie_desktop.core.commands import SetProjectField
        from cartographie_desktop.core.summary import summary
        from cartographie_desktop.core.workshops import workshops_json
        from cartographie_desktop.io.session import EditSession
        from cartographie_desktop.io.store import ProjectStore

        try:
            with ProjectStore.open(Path(path), read_only=True) as opened:
                project, _personal = opened.load_with_personal()
        except StoreError as error:
            return "ours" if str(error).strip() else "bug:empty-message:"
        summary(project, self.ref)
        workshops_json(project, self.ref)
        copy = self.scratch / "ecriture.carto"  # the case file itself stays as it was, for whoever looks at it
        copy.write_bytes(Path(path).read_bytes())
        try:  # the window opens it again for writing, and every edit rewrites a section
            session = EditSession.open(copy)
        except StoreError:
            return "ours"
        try:
            session.execute(SetProjectField("commune", "Essai"))
            session.store.persist(session.project, ("posts", "matches", "post_jobs", "decisions", "workshops"))
        finally:
            session.close()
        return "ok"

    def kit(self, path: str) -> str:
        """Only KitError may come out of reading a kit; its changes must apply, save and reopen identically."""
        import copy

        from cartographie_desktop.core.commands import EditError
        from cartographie_desktop.io import store, workshop_kit

        try:
            found = workshop_kit.read_kit(Path(path), self.demo, self.ref)
        except workshop_kit.KitError as error:
            return "ours" if str(error).strip() else "bug:empty-message:"
        project = copy.deepcopy(self.demo)
        try:
            found.batch([change.key for change in found.changes]).apply(project)
        except EditError:
            return "ours"  # the window shows it and changes nothing
        target = self.scratch / "kit.carto"
        store.ProjectStore.create(target, project).close()
        if store.open_project(target) != project:
            return "bug:round-trip:the kit's changes do not survive saving"
        return "ok"


    @staticmethod
    def selftest(path: str) -> str:
        """What the parent must catch, by file name: a blow-up, a hang, an abort (tests of the machinery itself)."""
        import os

        name = Path(path).name
        if name == "memoire":
            return str(len(bytearray(64 * 1024**3)))
        if name == "boucle":
            while True:
                time.sleep(0.01)
        if name == "abandon":
            os.abort()
        return "ok"


def _cap_memory(megabytes: int) -> None:
    import resource

    with open("/proc/self/status", encoding="ascii") as status:
        used = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmSize:"))
    limit = used + megabytes * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def serve(memory_mb: int) -> None:
    targets = Targets()
    if memory_mb and sys.platform.startswith("linux"):
        _cap_memory(memory_mb)
    print("READY", flush=True)
    for line in sys.stdin:
        index, kind, path = line.rstrip("\n").split("\t", 2)
        print(f"START {index}", flush=True)
        started = time.perf_counter()
        try:
            outcome = getattr(targets, kind)(path)
        except MemoryError:
            outcome = "memory"
        except BaseException as error:
            outcome = f"bug:{type(error).__name__}:{error}"
        outcome = outcome.replace("\n", " ")[:300]
        print(f"DONE {index} {outcome} {time.perf_counter() - started:.3f}", flush=True)
        if outcome == "memory":
            return  # the parent starts a fresh worker: nothing half-allocated carries over


def main() -> None:
    if sys.argv[1] == "--serve":
        serve(int(sys.argv[3]) if len(sys.argv) > 3 and sys.argv[2] == "--memory-mb" else 0)
        return
    from tests.io.conftest import load_grades

    paths = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    grades = load_grades()
    for index, path in enumerate(paths):
        print(f"START {index}", flush=True)
        started = time.perf_counter()
        try:
            outcome = read_staffing_file(path, grades)
            outcome = "staffing" if outcome == "ours" else outcome
        except BaseException as error:
            outcome = f"bug:{type(error).__name__}:{error}"
        outcome = outcome.replace("\n", " ")[:300]
        print(f"DONE {index} {outcome} {time.perf_counter() - started:.3f}", flush=True)


if __name__ == "__main__":
    main()
