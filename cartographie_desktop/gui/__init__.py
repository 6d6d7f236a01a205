"""The Qt shell: a thin layer over core, io and report."""

from cartographie_desktop.gui.compat import guard_pyside_refcounts

guard_pyside_refcounts()  # before any signal is emitted (see compat.py)
