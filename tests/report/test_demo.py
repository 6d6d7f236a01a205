"""The report and the workbook of the shipped demo commune (Val-Fleuri), whose staffing file names its agents."""

from __future__ import annotations

import re

import openpyxl
import pytest

from cartographie_desktop.core import referentiel
from cartographie_desktop.core.summary import summary
from cartographie_desktop.io import store
from cartographie_desktop.paths import data_dir
from cartographie_desktop.report.excel import build_workbook
from cartographie_desktop.report.options import CHAPTERS, ReportOptions
from cartographie_desktop.report.pdf import build_report

from .conftest import REPORT_DATE, page_texts

STAFFING = data_dir() / "demo" / "val-fleuri-effectifs.xlsx"


def _names_in_staffing_file() -> set[str]:
    """Every name and first name of the demo's staffing table (the columns NOM and Prénom)."""
    wb = openpyxl.load_workbook(STAFFING, read_only=True)
    names: set[str] = set()
    for ws in wb:
        header = None
        for row in ws.iter_rows(values_only=True):
            cells = [str(c).strip() if c is not None else "" for c in row]
            if header is None:
                if "NOM" in cells and "Prénom" in cells:
                    header = (cells.index("NOM"), cells.index("Prénom"))
                continue
            for i in header:
                if i < len(cells) and cells[i]:
                    names.update(part for part in re.split(r"[\s'-]+", cells[i]) if len(part) > 2)
    return names


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    try:
        project = store.load_demo()
    except store.StoreError:
        pytest.skip("the demo commune is not shipped in this version")
    ref = referentiel.load()
    folder = tmp_path_factory.mktemp("demo")
    pdf, xlsx = folder / "demo.pdf", folder / "demo.xlsx"
    build_report(project, ref, pdf, ReportOptions(date=REPORT_DATE))
    build_workbook(project, ref, xlsx, ReportOptions(date=REPORT_DATE))
    return project, summary(project, ref), page_texts(pdf), xlsx


def test_no_name_of_the_demo_staffing_file_appears(demo):
    names = _names_in_staffing_file()
    assert len(names) > 40  # the file does name its agents
    _, _, pages, xlsx = demo
    text = "\n".join(pages)
    cells = " ".join(str(c) for ws in openpyxl.load_workbook(xlsx) for row in ws.iter_rows(values_only=True)
                     for c in row if c is not None)
    for name in names | {n.capitalize() for n in names}:  # « MOREL » and « Morel »
        pattern = rf"(?<![\w·]){re.escape(name)}(?![\w·])"
        assert not re.search(pattern, text), name
        assert not re.search(pattern, cells), name


def test_demo_report_has_every_chapter_and_hides_small_groups(demo):
    project, data, pages, _ = demo
    text = re.sub(r"\s+", " ", "\n".join(pages))
    for number, title in enumerate(CHAPTERS.values(), start=1):
        assert f"{number} {title}" in text
    assert f"page {len(pages)} / {len(pages)}" in pages[-1]
    assert "« < 3 »" in text  # 18 services, several of one or two agents
    assert "Aucun atelier" not in text  # the demo ships with its workshops
    assert f"La commune compte {data['agents']} agents" in text
    for sheet in project.workshops:
        assert sheet.label.split(" — ")[0][:20] in text or sheet.job in text


def test_demo_workbook_equals_summary(demo):
    _, data, _, xlsx = demo
    wb = openpyxl.load_workbook(xlsx)
    rows = list(wb["Métiers"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[3], r[5]) for r in rows] == [(j["code"], j["agents"], j["score"]) for j in data["jobs"]]
    assert "Ateliers" in wb.sheetnames
    assert "Plan de formation" in wb.sheetnames
