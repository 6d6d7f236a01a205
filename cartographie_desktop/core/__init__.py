"""Pure-Python domain: référentiel, matching, scoring, aggregates and edit commands. Never imports Qt."""
