"""The guard against PySide6 6.12.0's reference-counting fault on CPython 3.11 (see gui/compat.py)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from cartographie_desktop.gui import compat

SCRIPT = textwrap.dedent("""
    import sys
    import cartographie_desktop.gui  # applies the guard
    from PySide6.QtCore import QCoreApplication, QObject, QThreadPool, Signal

    app = QCoreApplication([])

    class Source(QObject):
        fired = Signal(object)

    source, seen = Source(), []
    source.fired.connect(seen.append)
    for n in range(30_000):
        source.fired.emit(n)
    pool = QThreadPool.globalInstance()
    for _ in range(5_000):
        pool.start(lambda: None)
    pool.waitForDone()
    print(len(seen))
""")


def test_many_signals_and_pool_tasks_do_not_abort_the_interpreter():
    """Without the guard, PySide6 6.12.0 on Python 3.11 aborts this script (« bool_dealloc »)."""
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "30000"


def test_guard_is_idempotent_and_leaves_healthy_versions_alone():
    assert compat.guard_pyside_refcounts() is False  # already applied at import, or not needed
    if sys.version_info >= (3, 12) or not compat.emit_leaks_true():
        assert sys.getrefcount(True) < compat.RESERVE  # nothing touched where the fault is absent
    else:
        assert sys.getrefcount(True) > compat.RESERVE // 2
