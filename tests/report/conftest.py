"""Shared fixtures of the report tests: the realistic référentiel and projects, and each report built once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from cartographie_desktop.core.summary import summary
from cartographie_desktop.report.options import ReportOptions

from . import fixtures

REPORT_DATE = date(2026, 11, 21)


@dataclass
class BuiltReport:
    path: Path
    project: object
    ref: object
    summary: dict
    pages: list[str]  # text of each page (pdftotext when available, else pypdf)

    @property
    def text(self) -> str:
        return "\n".join(self.pages)

    @property
    def reader(self) -> PdfReader:
        return PdfReader(str(self.path))


def page_texts(path: Path) -> list[str]:
    """The text of each page, as pypdf extracts it (it keeps the narrow no-break spaces of French numbers)."""
    return [page.extract_text() or "" for page in PdfReader(str(path)).pages]


@pytest.fixture(scope="session")
def ref():
    return fixtures.build_referentiel()


def _build(tmp_path_factory, name: str, project, ref, **options) -> BuiltReport:
    from cartographie_desktop.report.pdf import build_report

    path = tmp_path_factory.mktemp("reports") / f"{name}.pdf"
    build_report(project, ref, path, ReportOptions(date=REPORT_DATE, **options))
    return BuiltReport(path, project, ref, summary(project, ref), page_texts(path))


@pytest.fixture(scope="session")
def commune_report(tmp_path_factory, ref) -> BuiltReport:
    return _build(tmp_path_factory, "commune", fixtures.commune_project(ref), ref,
                  author="Direction générale des services")


@pytest.fixture(scope="session")
def small_report(tmp_path_factory, ref) -> BuiltReport:
    return _build(tmp_path_factory, "small", fixtures.small_project(ref), ref)


@pytest.fixture(scope="session")
def commune_workbook(tmp_path_factory, ref):
    from cartographie_desktop.report.excel import build_workbook

    project = fixtures.commune_project(ref)
    path = tmp_path_factory.mktemp("workbooks") / "commune.xlsx"
    build_workbook(project, ref, path, ReportOptions(date=REPORT_DATE))
    return path, project, summary(project, ref)
