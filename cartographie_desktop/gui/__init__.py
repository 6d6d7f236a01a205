"""The Qt shell: a thin layer over core, io and report."""
