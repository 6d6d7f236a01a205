"""The import wizard (« Nouvelle cartographie »): a staffing table becomes a `.carto` project, nothing written before
« Terminer ». `wizard.py` holds the QWizard and its background work, `input_pages.py` and `result_pages.py` the
pages, `models.py` their tables, `common.py` the shared state and wording.
"""

from cartographie_desktop.gui.wizard.wizard import ImportWizard, Page

__all__ = ["ImportWizard", "Page"]
