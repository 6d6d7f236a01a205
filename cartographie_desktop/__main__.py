"""`python -m cartographie_desktop` is the same entry point as the `cartographie` console script."""

from cartographie_desktop.cli import main

raise SystemExit(main())
