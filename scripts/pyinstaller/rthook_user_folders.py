"""Run-time hook of the frozen executable, run before the program: user folders and standard streams.

- matplotlib keeps its font cache in MPLCONFIGDIR. It goes to the user's cache folder (the one Qt's
  QStandardPaths.CacheLocation names), never next to the executable nor in the temporary extraction folder, so the
  system fonts are scanned once, not at every start. An MPLCONFIGDIR already set (tests, support) is kept.
- The Windows build has no console (a double-click must not open a black window): there `sys.stdout` and `sys.stderr`
  are None unless the caller redirected them, and a stray print would crash; they then go to the null device.
"""


def _setup():
    import os
    import sys

    if sys.stdout is None or sys.stderr is None:
        null = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 (lives as long as the process)
        sys.stdout = sys.stdout or null
        sys.stderr = sys.stderr or null

    if not os.environ.get("MPLCONFIGDIR"):
        from cartographie_desktop.paths import user_cache_dir

        os.environ["MPLCONFIGDIR"] = str(user_cache_dir() / "matplotlib")


_setup()
del _setup
