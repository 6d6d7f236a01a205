"""Reading staffing tables and the project file (SQLite). Never imports Qt."""

from cartographie_desktop.io import workshops_codec as _workshops_codec

# The project file stores workshop sheets as JSON documents; whoever opens a project gets them as sheets.
_workshops_codec.register()
