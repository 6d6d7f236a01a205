"""The report and the workbook from the window: options dialog, file, work off the UI thread, file opened."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader
from PySide6.QtGui import QKeySequence

from cartographie_desktop.gui import report_dialog


@pytest.fixture
def written(monkeypatch):
    """Files the program would have opened with the system's viewer."""
    files: list[Path] = []
    monkeypatch.setattr(report_dialog, "open_file", files.append)
    return files


def test_report_actions_need_a_project(window):
    assert not window.report_action.isEnabled()
    assert not window.export_action.isEnabled()
    assert window.report_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Print)


def test_report_from_the_window_with_the_chosen_options(qtbot, opened, answer_dialogs, monkeypatch, tmp_path,
                                                           written, shown):
    out = tmp_path / "rapport.pdf"
    asked = []
    monkeypatch.setattr(report_dialog, "ask_output_path", lambda *args: asked.append(args) or out)

    def fill(dialog: report_dialog.ReportDialog) -> bool:
        assert all(box.isChecked() for box in dialog.boxes.values())  # every chapter the first time
        dialog.boxes["annexes"].setChecked(False)
        dialog.k.setValue(4)
        dialog.author.setText("Direction générale")
        return True

    answer_dialogs(fill)
    assert opened.report_action.isEnabled()
    task = opened.print_report()
    assert task is not None
    qtbot.waitUntil(lambda: written == [out], timeout=60_000)
    assert asked[0][2].endswith(".pdf")  # a file name is proposed
    reader = PdfReader(str(out))
    assert reader.metadata.author == "Direction générale"
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Annexes" not in text
    assert "Synthèse" in text
    assert not shown.errors
    # Remembered for next time.
    assert opened.settings.report_author == "Direction générale"
    assert "annexes" not in opened.settings.report_chapters

    def check(dialog: report_dialog.ReportDialog) -> bool:
        assert not dialog.boxes["annexes"].isChecked()
        assert dialog.author.text() == "Direction générale"
        dialog.boxes["synthese"].setChecked(False)
        for box in dialog.boxes.values():
            box.setChecked(False)
        ok = dialog.buttons.buttons()[0]
        assert not ok.isEnabled()  # at least one chapter
        return False

    answer_dialogs(check)
    assert opened.print_report() is None


def test_unwritable_destination_shows_a_french_error(qtbot, opened, answer_dialogs, monkeypatch, written, shown):
    monkeypatch.setattr(report_dialog, "ask_output_path", lambda *args: Path("/dev/null/rapport.pdf"))
    answer_dialogs(lambda dialog: True)
    opened.print_report()
    qtbot.waitUntil(lambda: bool(shown.errors), timeout=60_000)
    assert shown.errors[0].startswith("Impossible d'écrire dans le dossier")
    assert written == []


def test_workbook_from_the_window(qtbot, opened, monkeypatch, tmp_path, written, shown):
    out = tmp_path / "resultats.xlsx"
    monkeypatch.setattr(report_dialog, "ask_output_path", lambda *args: out)
    opened.export_workbook()
    qtbot.waitUntil(lambda: written == [out], timeout=60_000)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[:2] == ["Synthèse", "Métiers"]
    assert not shown.errors


def test_nothing_happens_when_the_file_dialog_is_cancelled(opened, answer_dialogs, monkeypatch, written):
    monkeypatch.setattr(report_dialog, "ask_output_path", lambda *args: None)
    answer_dialogs(lambda dialog: True)
    assert opened.print_report() is None
    assert opened.export_workbook() is None
    assert written == []
