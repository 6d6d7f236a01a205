"""Reading staffing tables and the project file (SQLite). Never imports Qt."""
