"""The printable workshop sheet (A4, one page per job, filled or blank) read back with pypdf, and the report's
chapter « Ateliers » printing the same blocks."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from pypdf import PdfReader

from cartographie_desktop.core import workshops as ws
from cartographie_desktop.core.model import Project
from cartographie_desktop.report.options import ReportError
from cartographie_desktop.report.workshop_sheet import SIZES, context_for, page, write_sheets_pdf

from .conftest import page_texts

SECTIONS_PRINTED = ("Activité en 2025", "Ce qu'elle devient d'ici 2035", "Savoir-faire", "Savoir-être",
                    "Besoin d'accompagnement", "Effets sur l'organisation", "Risques et points de vigilance",
                    "Opportunités", "Indicateur de suivi", "Participants (par fonction, jamais de nom)")


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u202f", " ").replace("\u00a0", " "))


@pytest.fixture(scope="module")
def shipped():
    from cartographie_desktop.core import referentiel
    from cartographie_desktop.io.store import load_demo

    ref = referentiel.load()
    project = load_demo()
    if len(project.workshops) != 3:
        pytest.skip("la commune exemple n'a pas encore ses ateliers")
    return project, ref


def fonts_of(path: Path) -> set[str]:
    names = set()
    for pdf_page in PdfReader(str(path)).pages:
        for font in ((pdf_page.get("/Resources") or {}).get("/Font") or {}).values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


def test_each_demo_sheet_prints_on_one_page(shipped, tmp_path):
    project, ref = shipped
    path = write_sheets_pdf(project, ref, tmp_path / "fiches.pdf", [s.id for s in project.workshops])
    pages = [squash(text) for text in page_texts(path)]
    assert len(pages) == 3  # one page per sheet
    for text, sheet in zip(pages, project.workshops, strict=True):
        assert "FICHE D'ATELIER" in text
        assert ref.jobs[sheet.job].label in text
        assert ws.workshop_label(sheet) in text
        for title in SECTIONS_PRINTED:
            assert title in text, title
        comparison = ws.compare_impact(sheet.impact, ws.job_result(project, ref, sheet.job))
        assert squash(sheet.impact.text) in text
        assert f"{comparison.score} %" in text
        assert squash(comparison.sentence)[:60] in text  # the gap in words
        assert squash(sheet.needs[0].text)[:40] in text
        assert squash(sheet.indicators[0].name)[:30] in text
        assert f"page {pages.index(text) + 1} / 3" in text
        assert "Val-Fleuri" in text  # running header: the commune
    assert all("DejaVuSans" in name for name in fonts_of(path))
    info = PdfReader(str(path)).metadata
    assert info.title == "Fiches d'atelier — Val-Fleuri"
    outline = [item.title for item in PdfReader(str(path)).outline]
    assert outline == [f"Fiche d'atelier — {ref.jobs[s.job].label}" for s in project.workshops]


def test_demo_sheets_stay_legible(shipped):
    """The demo's sheets fit their page without going below 5.6 pt in the tables (printed, that still reads)."""
    project, ref = shipped
    for sheet in project.workshops:
        assert page(sheet, context_for(project, ref, sheet.job, sheet.impact)).size >= 5.6, sheet.job


def test_blank_sheet_for_a_job_prints_its_activities_and_room_to_write(shipped, tmp_path):
    project, ref = shipped
    path = write_sheets_pdf(project, ref, tmp_path / "vierge.pdf", blank_job="ACC-01")
    (text,) = [squash(t) for t in page_texts(path)]
    assert ref.jobs["ACC-01"].label in text
    for line in ws.prefill_activities(project, ref, "ACC-01")[:3]:
        assert squash(line.label)[:30] in text
    assert "M = maintenue" in text
    assert "Animation (une fonction, jamais un nom)" in text
    for title in SECTIONS_PRINTED:
        assert title in text, title
    assert page(None, context_for(project, ref, "ACC-01", None),
                ws.prefill_activities(project, ref, "ACC-01")).size >= 6.0  # not scaled: lines stay writable


def test_entirely_blank_sheet(tmp_path, ref):
    path = write_sheets_pdf(Project(commune="Bois-Joli"), ref, tmp_path / "vierge.pdf", blank_job="")
    (text,) = [squash(t) for t in page_texts(path)]
    assert "Métier :" in text
    assert "Impact estimé par le groupe" in text
    assert "Score calculé" not in text  # no job, no score


def test_a_sheet_that_says_too_much_still_fits_one_page(tmp_path, ref):
    job = next(iter(ref)).code
    project = Project(commune="Bois-Joli")
    sheet = ws.new_sheet(project, ref, job, sheet_id="s1")
    long = "Une phrase assez longue sur ce que le groupe a dit de cette activité et de son avenir. " * 6
    sheet = replace(sheet, activities=tuple(replace(a, status="transformee", text=long) for a in sheet.activities),
                    risks=tuple(ws.TextLine(f"r{n}", long) for n in range(12)),
                    needs=tuple(ws.Need(f"n{n}", "formation", long) for n in range(10)))
    project.workshops = [sheet]
    path = write_sheets_pdf(project, ref, tmp_path / "long.pdf", ["s1"])
    assert len(PdfReader(str(path)).pages) == 1
    assert page(sheet, context_for(project, ref, job, None)).size < SIZES[-1]  # scaled down as a whole


def test_errors_are_french(tmp_path, ref):
    project = Project(commune="Bois-Joli")
    with pytest.raises(ReportError, match="Aucune fiche d'atelier à imprimer"):
        write_sheets_pdf(project, ref, tmp_path / "x.pdf", ["absente"])
    with pytest.raises(ReportError, match="Métier inconnu du référentiel : XXX-99"):
        write_sheets_pdf(project, ref, tmp_path / "x.pdf", blank_job="XXX-99")
    folder = tmp_path / "dossier.pdf"
    folder.mkdir()
    with pytest.raises(ReportError, match="est un dossier"):
        write_sheets_pdf(project, ref, folder, blank_job="")
    assert not list(tmp_path.glob(".*.tmp"))  # no half-written file left behind


def test_report_chapter_prints_each_sheet_with_the_same_blocks(shipped, tmp_path):
    from cartographie_desktop.report.options import ReportOptions
    from cartographie_desktop.report.pdf import build_report

    project, ref = shipped
    path = tmp_path / "rapport.pdf"
    build_report(project, ref, path, ReportOptions(chapters=("ateliers",)))
    text = squash("\n".join(page_texts(path)))
    for sheet in project.workshops:
        comparison = ws.compare_impact(sheet.impact, ws.job_result(project, ref, sheet.job))
        assert squash(comparison.sentence)[:60] in text
        assert squash(sheet.activities[0].text)[:40] in text  # 2035, beside 2025
        assert squash(sheet.know_how_2035[0].text)[:30] in text
        assert squash(sheet.risks[0].text)[:30] in text
        assert squash(sheet.opportunities[0].text)[:30] in text
        assert squash(sheet.indicators[0].name)[:30] in text
    for title in SECTIONS_PRINTED:
        assert title in text, title
    assert "se consulte dans le programme" not in text
