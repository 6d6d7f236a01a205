"""Work around a reference-counting fault of PySide6 6.12.0 on CPython 3.11.

Measured here: every `Signal.emit()` made from Python releases one reference to `True` it never took, and every
`QThreadPool.start()` one to `None`. On Python 3.12+ these objects are immortal and nothing shows; on 3.11 their
count reaches zero after a few thousand calls and the interpreter aborts (« bool_dealloc » / « none_dealloc »), at
the latest when the program exits. PySide6 6.11.3 does not have the fault.

The guard detects the fault (one emit on a throw-away signal) and, if present, gives `True`, `False` and `None` a
reserve of references so large it is never used up — what Python 3.12 does for them anyway. It changes nothing else.
"""

from __future__ import annotations

import ctypes
import sys

from PySide6.QtCore import QObject, Signal

RESERVE = 1 << 40


class _Probe(QObject):
    fired = Signal()


def emit_leaks_true() -> bool:
    """True when emitting a signal from Python drops a reference to `True` (the PySide6 6.12.0 fault)."""
    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(8):
        probe.fired.emit()
    return sys.getrefcount(True) < before - 4


def guard_pyside_refcounts() -> bool:
    """Apply the reserve when needed; returns whether it was applied. Safe to call more than once."""
    if sys.version_info >= (3, 12) or sys.getrefcount(True) > RESERVE // 2 or not emit_leaks_true():
        return False
    for singleton in (True, False, None):
        # ob_refcnt is the first field of every object in a release build of CPython 3.11
        ctypes.c_ssize_t.from_address(id(singleton)).value += RESERVE
    return True
