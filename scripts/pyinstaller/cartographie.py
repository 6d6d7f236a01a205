"""Entry script of the frozen executable.

PyInstaller runs this file as `__main__`; it must stay a plain script (a `runpy` module entry breaks the bundle's
imports), so it only hands over to the same `main` as the `cartographie` console script.
"""

import sys

from cartographie_desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())
