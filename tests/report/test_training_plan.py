from __future__ import annotations

from dataclasses import replace

import openpyxl
import pytest

from cartographie_desktop.core import referentiel
from cartographie_desktop.core import workshops as ws
from cartographie_desktop.core.model import MatchStatus, Post, Project, TitleMatch
from cartographie_desktop.io import workshops_codec
from cartographie_desktop.report import training_plan
from cartographie_desktop.report.training_plan import TrainingPlanError


@pytest.fixture(scope="module")
def ref():
    return referentiel.load()


def demo_project(ref) -> Project:
    """One agent d'accueil (under k), four assistants de direction, no responsable des services techniques."""
    posts = [Post(1, "Agent d'accueil"), *[Post(n, "Assistante de direction") for n in range(2, 5)],
             Post(5, "Assistant de direction", headcount=1)]
    project = Project(commune="Val-Fleuri", posts=posts)
    for post in posts:
        code = "ACC-01" if "accueil" in post.title else "ADM-02"
        project.matches[post.title_key] = TitleMatch(post.title, code, 1.0, MatchStatus.AUTO)
    workshops_codec.add_demo_workshops(project, ref)
    return project


def test_training_plan_read_back(ref, tmp_path):
    project = demo_project(ref)
    sheet = project.workshops[0]
    project.workshops[0] = replace(sheet, needs=(*sheet.needs, ws.Need("x", "formation", "=HYPERLINK(\"x\")")))
    path = training_plan.write_training_plan(project, ref, tmp_path / "plan.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Plan de formation", "À lire"]
    table = wb["Plan de formation"]
    header = [c.value for c in table[1]]
    assert header == [h for h, _ in training_plan.HEADERS]
    lines = [[c.value for c in row] for row in table.iter_rows(min_row=2)]
    assert len(lines) == sum(len(s.needs) for s in project.workshops)
    by_need = {line[2]: dict(zip(header, line, strict=True)) for line in lines}
    media = by_need["Formation à la médiation numérique : accompagner les usagers dans les démarches en ligne"]
    assert media["Métier"] == "Agent·e d'accueil"
    assert media["Agents occupant le métier"] == "< 3"  # one agent: masked
    assert media["Type"] == "Formation"
    assert media["Priorité"] == "haute"
    assert media["Horizon"] == "court terme (moins d'un an)"
    assert media["Qui"] == "CNFPT"
    assert media["Atelier (source)"] == "Atelier n° 1 du 12/03/2026"
    prompt = by_need["Rédiger des requêtes et relire les productions d'un outil d'IA générative"]
    assert prompt["Agents occupant le métier"] == 4
    manager = next(v for v in by_need.values() if v["Code métier"] == "DIR-03")
    assert manager["Agents occupant le métier"] == 0  # nobody holds it in this project: nothing to hide
    priorities = [line[6] for line in lines]
    assert priorities == sorted(priorities, key=["haute", "moyenne", "basse", None].index)
    injected = next(c for row in table.iter_rows(min_row=2) for c in row if str(c.value).startswith("=HYPER"))
    assert injected.data_type == "s"
    assert injected.quotePrefix
    assert table.freeze_panes == "A2"
    assert table.auto_filter.ref == f"A1:K{len(lines) + 1}"
    about = " ".join(str(c.value) for c in wb["À lire"]["A"])
    assert "« < 3 »" in about


def test_empty_plan_and_unwritable_path(ref, tmp_path):
    project = Project(commune="Val-Fleuri")
    path = training_plan.write_training_plan(project, ref, tmp_path / "plan.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb["Plan de formation"].max_row == 1
    assert "Aucune fiche" in " ".join(str(c.value) for c in wb["À lire"]["A"])
    with pytest.raises(TrainingPlanError, match="n'a pas pu être enregistré"):
        training_plan.write_training_plan(project, ref, tmp_path / "absent" / "plan.xlsx")
