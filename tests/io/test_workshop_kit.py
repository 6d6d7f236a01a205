from __future__ import annotations

import copy
import shutil
import subprocess
import zipfile
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest

from cartographie_desktop.core import workshops as ws
from cartographie_desktop.core.commands import WORKSHOPS
from cartographie_desktop.core.model import Project
from cartographie_desktop.io import workshop_kit as kit
from cartographie_desktop.io.workshop_kit import KitError
from cartographie_desktop.io.xlsx_text import put

from .test_workshops_codec import full_sheet


def make_project(ref, *, filled: bool) -> Project:
    project = Project(commune="Testville")
    sheet = full_sheet(ref, project)
    if not filled:
        sheet = ws.new_sheet(project, ref, "ACC-01", number=2, date="14/03/2026", place="Salle « Jean-Moulin »",
                             facilitator="DGS", title="Comprendre et mesurer les impacts", sheet_id="s1")
    project.workshops = [sheet, ws.new_sheet(project, ref, "PRO-01", sheet_id="s2", number=2, date="14/03/2026")]
    return project


def bare(sheet: ws.WorkshopSheet) -> ws.WorkshopSheet:
    """A sheet without its line ids: what a round trip through a kit must preserve."""
    return replace(sheet, **{spec.key: tuple(replace(line, id="") for line in sheet.lines(key))
                             for key, spec in ws.SECTIONS.items()})


def rows(sheet, section: str, line_id: str | None = None) -> list[int]:
    """Row numbers of a table's lines in a kit worksheet: spare ones (line_id None) or the line's own."""
    wanted = f"row:{section}:{line_id or ''}"
    return [cell.row for cell in sheet["A"] if cell.value == wanted]


def column(section: str, name: str) -> int:
    return 2 + [n for n, _, _ in kit.COLUMNS[section]].index(name)


def put_line(sheet, section: str, row: int, **values) -> None:
    """Type values in a row (text as text: a person types « '=… » to keep an equals sign)."""
    for name, value in values.items():
        put(sheet.cell(row, column(section, name)), value)


def field_row(sheet, name: str) -> int:
    return next(cell.row for cell in sheet["A"] if cell.value == f"field:{name}")


def kit_sheet(wb, sheet_id: str):
    return next(s for s in wb.worksheets if s["A1"].value == f"sheet:{sheet_id}")


def fill_like(wb, target: ws.WorkshopSheet) -> None:
    """Type the content of `target` into the kit of an empty pre-filled sheet, as a group would."""
    sheet = kit_sheet(wb, target.id)
    sheet.cell(field_row(sheet, "impact"), 3).value = "50-60 %"
    for section in ws.SECTIONS:
        spare = rows(sheet, section)
        lines = target.lines(section)
        if section == "activities":
            for line in lines:
                if line.activity:
                    (row,) = [r for r in range(1, sheet.max_row + 1)
                              if str(sheet.cell(r, 1).value).startswith("row:activities:")
                              and sheet.cell(r, 2).value == line.label]
                    put_line(sheet, section, row, status=ws.STATUS_LABELS.get(line.status, ""), text=line.text)
                else:
                    put_line(sheet, section, spare.pop(0), text=line.text)
            continue
        for line in lines:
            row = spare.pop(0)
            if section == "participants":
                put_line(sheet, section, row, count=line.count, role=line.role)
            elif section == "needs":
                put_line(sheet, section, row, text=line.text, category=ws.NEED_LABELS[line.category],
                         priority=line.priority, population=line.population, who=line.who, when=line.when,
                         horizon=ws.HORIZON_LABELS[line.horizon])
            elif section == "indicators":
                put_line(sheet, section, row, name=line.name, today=line.today, target=line.target,
                         measure=line.measure)
            elif section == "proposals":
                label = ws.activity_label(target, line.activity)
                put_line(sheet, section, row, activity=label, kind=ws.PROPOSAL_LABELS[line.kind],
                         score=line.score, reason=line.reason)
            else:
                put_line(sheet, section, row, text=line.text)


@pytest.fixture
def prepared(mini_ref, tmp_path):
    project = make_project(mini_ref, filled=False)
    path = kit.prepare_kit(project, mini_ref, ["s1", "s2"], tmp_path / "kit-groupe-1.xlsx", group="Groupe 1")
    return project, path


# --- preparing ---------------------------------------------------------------------------------------------------


def test_kit_structure_protection_and_lists(mini_ref, tmp_path):
    project = make_project(mini_ref, filled=True)
    path = kit.prepare_kit(project, mini_ref, ["s1"], tmp_path / "kit.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[0] == "Mode d'emploi"
    assert wb.sheetnames[-1] == "_kit"
    assert wb["_kit"].sheet_state == "veryHidden"
    assert wb.security.lockStructure
    assert wb.security.workbookPassword is None
    sheet = kit_sheet(wb, "s1")
    assert sheet.title == "ACC-01 Agent·e d'accueil"
    assert sheet.column_dimensions["A"].hidden
    assert sheet.protection.sheet
    assert sheet.protection.password is None
    assert not sheet.protection.insertRows  # inserting a row inside a table is allowed
    guide = " ".join(str(c.value) for row in wb["Mode d'emploi"].iter_rows() for c in row if c.value)
    assert "jamais des noms" in guide
    assert "pas de mot de passe" in guide
    # every pre-filled line is there, with its hidden id
    first = project.workshops[0].activities[0]
    (row,) = rows(sheet, "activities", first.id)
    assert sheet.cell(row, 2).value.startswith(first.label)
    assert sheet.cell(row, 2).protection.locked  # the 2025 activity of the job is not edited in the kit
    assert not sheet.cell(row, column("activities", "status")).protection.locked
    assert sheet.cell(row, column("activities", "status")).value == "maintenue"
    assert len(rows(sheet, "risks")) == kit.SPARE_ROWS
    lists = {dv.formula1: str(dv.sqref) for dv in sheet.data_validations.dataValidation}
    status = next(f for f in lists if "assistée par l'IA" in f)
    assert f"D{row}" in lists[status].split()
    assert any("Reclassement / mobilité" in f for f in lists)
    assert any(f.startswith("$B$") for f in lists)  # the activities of the job, for proposals


def test_text_that_looks_like_a_formula_is_written_as_text(mini_ref, tmp_path):
    project = make_project(mini_ref, filled=True)
    sheet = project.workshops[0]
    project.workshops[0] = replace(sheet, risks=(*sheet.risks, ws.TextLine("x1", "+33 600"), ws.TextLine(
        "x2", "@SOMME(A1)"), ws.TextLine("x3", "-1 agent")))
    path = kit.prepare_kit(project, mini_ref, ["s1"], tmp_path / "kit.xlsx")
    wb = openpyxl.load_workbook(path)
    cells = [c for s in wb.worksheets for row in s.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    risky = [c for c in cells if isinstance(c.value, str) and c.value.startswith(("=", "+", "-", "@"))]
    assert {c.value for c in risky} >= {"=perte de sens", "+33 600", "@SOMME(A1)", "-1 agent"}
    assert all(c.quotePrefix for c in risky if c.parent.title != "_kit")


def test_openpyxl_reads_with_defusedxml():
    assert openpyxl.DEFUSEDXML


# --- importing ---------------------------------------------------------------------------------------------------


def test_round_trip_prepare_fill_import_gives_the_same_data(mini_ref, prepared, tmp_path):
    project, path = prepared
    target = full_sheet(mini_ref, project)
    wb = openpyxl.load_workbook(path)
    fill_like(wb, target)
    wb.save(path)

    snapshot = copy.deepcopy(project)
    result = kit.read_kit(path, project, mini_ref)
    assert project == snapshot  # reading changes nothing
    assert not result.problems, [p.text for p in result.problems]
    assert result.sheets_read == 2
    assert all(c.kind in ("ajout", "modification") and not c.conflict for c in result.changes)
    batch = result.batch()
    assert batch.touches == {WORKSHOPS}
    inverse = batch.apply(project)
    imported = ws.find_sheet(project, "s1")
    assert bare(imported) == bare(target)
    assert ws.check_sheet(imported) == imported
    assert ws.find_sheet(project, "s2") == snapshot.workshops[1]

    # the same kit again: nothing new
    again = kit.read_kit(path, project, mini_ref)
    assert again.changes == []
    assert not again.problems
    inverse.apply(project)
    assert project == snapshot


def test_an_untouched_kit_changes_nothing(mini_ref, tmp_path):
    project = make_project(mini_ref, filled=True)
    path = kit.prepare_kit(project, mini_ref, ["s1", "s2"], tmp_path / "kit.xlsx")
    result = kit.read_kit(path, project, mini_ref)
    assert result.changes == []
    assert not result.problems, [p.text for p in result.problems]


def test_three_way_merge_never_overwrites_silently(mini_ref, tmp_path):
    project = make_project(mini_ref, filled=True)
    path = kit.prepare_kit(project, mini_ref, ["s1"], tmp_path / "kit.xlsx")
    sheet = project.workshops[0]
    # after preparing, the project changes: place, one risk, a new risk, an indicator
    ws.set_field(project, "s1", "place", "Mairie annexe").apply(project)
    ws.edit_line(project, "s1", "risks", sheet.risks[0].id, text="Perte de sens au guichet").apply(project)
    ws.add_line(project, "s1", "risks", text="Isolement des agents").apply(project)
    ws.edit_line(project, "s1", "indicators", sheet.indicators[0].id, target="5 min").apply(project)

    wb = openpyxl.load_workbook(path)
    page = kit_sheet(wb, "s1")
    (risk_row,) = rows(page, "risks", sheet.risks[0].id)
    put_line(page, "risks", risk_row, text="Perte de sens du métier")  # both changed it: a conflict
    (indicator_row,) = rows(page, "indicators", sheet.indicators[0].id)
    put_line(page, "indicators", indicator_row, name="", today="", target="", measure="")  # cleared, but changed
    (effect_row,) = rows(page, "effects", sheet.effects[0].id)
    put_line(page, "effects", effect_row, text=None)  # cleared by the group, untouched in the project
    page.cell(field_row(page, "title"), 3).value = "Atelier n° 6"
    wb.save(path)

    result = kit.read_kit(path, project, mini_ref)
    assert not result.problems, [p.text for p in result.problems]
    by_section = {(c.section, c.kind): c for c in result.changes}
    assert set(by_section) == {("", "modification"), ("risks", "modification"), ("indicators", "suppression"),
                               ("effects", "suppression")}
    assert not by_section[("", "modification")].conflict  # the title: only the kit changed it
    assert by_section[("risks", "modification")].conflict
    assert by_section[("risks", "modification")].before == "Perte de sens au guichet"
    assert by_section[("risks", "modification")].after == "Perte de sens du métier"
    assert "à vérifier" in by_section[("risks", "modification")].description
    assert by_section[("indicators", "suppression")].conflict
    assert not by_section[("effects", "suppression")].conflict
    result.batch().apply(project)  # defaults: conflicts left out
    now = ws.find_sheet(project, "s1")
    assert now.place == "Mairie annexe"
    assert now.title == "Atelier n° 6"
    assert [r.text for r in now.risks] == ["Perte de sens au guichet", "Isolement des agents"]
    assert now.indicators[0].target == "5 min"
    assert now.effects == ()
    chosen = kit.read_kit(path, project, mini_ref)
    keys = [c.key for c in chosen.changes if c.section == "risks"]
    chosen.batch(keys).apply(project)
    assert ws.find_sheet(project, "s1").risks[0].text == "Perte de sens du métier"


def test_participants_typed_in_one_cell_and_names_refused(mini_ref, prepared):
    project, path = prepared
    wb = openpyxl.load_workbook(path)
    page = kit_sheet(wb, "s1")
    first, second, third = rows(page, "participants")[:3]
    put_line(page, "participants", first, role="2 agents d'accueil")
    put_line(page, "participants", second, role="Jean DUPONT", count=1)
    put_line(page, "participants", third, role="Sophie Bernard", count=1)
    wb.save(path)
    result = kit.read_kit(path, project, mini_ref)
    added = [c.command.line for c in result.changes if c.section == "participants"]
    assert [(p.count, p.role) for p in added] == [(2, "agents d'accueil"), (1, "Sophie Bernard")]
    refused = [p for p in result.problems if p.blocking]
    assert len(refused) == 1
    assert refused[0].cell == f"B{second}"
    assert "Prénom NOM" in refused[0].text
    warned = [p for p in result.problems if not p.blocking]
    assert warned[0].cell == f"B{third}"


def test_kit_for_another_commune_is_flagged(mini_ref, prepared):
    project, path = prepared
    other = replace(project, commune="Autreville")
    result = kit.read_kit(path, other, mini_ref)
    assert any("Testville" in p.text and not p.blocking for p in result.problems)


# --- damaged kits: a clear message, nothing lost --------------------------------------------------------------


def _read_damaged(mini_ref, project, path, damage):
    wb = openpyxl.load_workbook(path)
    damage(wb)
    wb.save(path)
    snapshot = copy.deepcopy(project)
    result = kit.read_kit(path, project, mini_ref)
    assert project == snapshot
    return result


def test_renamed_sheet_is_still_read(mini_ref, prepared):
    project, path = prepared

    def damage(wb):
        page = kit_sheet(wb, "s1")
        page.title = "Accueil"
        put_line(page, "risks", rows(page, "risks")[0], text="Perte de sens")

    result = _read_damaged(mini_ref, project, path, damage)
    assert not result.problems
    assert [c.after for c in result.changes] == ["Perte de sens"]


def test_deleted_sheet_is_reported_and_nothing_removed(mini_ref, tmp_path):
    project = make_project(mini_ref, filled=True)
    path = kit.prepare_kit(project, mini_ref, ["s1", "s2"], tmp_path / "kit.xlsx")

    def damage(wb):
        del wb[kit_sheet(wb, "s1").title]
        page = kit_sheet(wb, "s2")
        put_line(page, "opportunities", rows(page, "opportunities")[0], text="Compétences cachées")

    result = _read_damaged(mini_ref, project, path, damage)
    assert [p.text for p in result.problems] == [
        "La feuille « ACC-01 Agent·e d'accueil » a été supprimée du kit : rien n'est importé pour elle, et rien "
        "n'est retiré du projet."]
    assert [(c.sheet_id, c.after) for c in result.changes] == [("s2", "Compétences cachées")]


def test_moved_columns_are_read_by_their_headers(mini_ref, prepared):
    project, path = prepared

    def damage(wb):
        page = kit_sheet(wb, "s1")
        header = next(c.row for c in page["A"] if c.value == "header:needs")
        row = rows(page, "needs")[0]
        put_line(page, "needs", row, text="Formation aux démarches en ligne", category="Formation",
                 priority="haute", who="CNFPT")
        for r in range(header, row + 1):  # swap columns B (Besoin) and E (Population concernée)
            b, e = page.cell(r, 2).value, page.cell(r, 5).value
            page.cell(r, 2).value, page.cell(r, 5).value = e, b

    result = _read_damaged(mini_ref, project, path, damage)
    assert [p.blocking for p in result.problems] == [False]
    assert "déplacées" in result.problems[0].text
    (change,) = result.changes
    need = change.command.line
    assert (need.text, need.category, need.priority, need.who) == (
        "Formation aux démarches en ligne", "formation", "haute", "CNFPT")


def test_deleted_header_skips_its_table_only(mini_ref, tmp_path):
    project = make_project(mini_ref, filled=True)
    path = kit.prepare_kit(project, mini_ref, ["s1"], tmp_path / "kit.xlsx")
    sheet = project.workshops[0]

    def damage(wb):
        page = kit_sheet(wb, "s1")
        header = next(c.row for c in page["A"] if c.value == "header:risks")
        page.cell(header, 2).value = None  # the header cell (merged over B:E)
        (row,) = rows(page, "risks", sheet.risks[0].id)
        put_line(page, "risks", row, text=None)  # would be a removal, if the table were readable
        put_line(page, "opportunities", rows(page, "opportunities")[0], text="Responsabilités nouvelles")

    result = _read_damaged(mini_ref, project, path, damage)
    (problem,) = result.problems
    assert problem.blocking
    assert "Risques et points de vigilance" in problem.text
    assert "n'est pas importée" in problem.text
    assert [(c.section, c.kind) for c in result.changes] == [("opportunities", "ajout")]


def test_deleted_header_row_is_reported(mini_ref, prepared):
    project, path = prepared

    def damage(wb):
        page = kit_sheet(wb, "s1")
        header = next(c.row for c in page["A"] if c.value == "header:indicators")
        page.delete_rows(header)

    result = _read_damaged(mini_ref, project, path, damage)
    assert [p.blocking for p in result.problems] == [True]
    assert "en-tête de « Indicateurs de suivi » a été supprimé" in result.problems[0].text


def test_text_in_a_number_cell_and_a_formula_are_located(mini_ref, prepared):
    project, path = prepared

    def damage(wb):
        page = kit_sheet(wb, "s1")
        first, second = rows(page, "participants")[:2]
        put_line(page, "participants", first, role="agents d'accueil", count="deux")
        put_line(page, "participants", second, role="responsable de service", count=1)
        page.cell(rows(page, "risks")[0], 2).value = "=A1"
        page.cell(field_row(page, "impact"), 3).value = "=0,5"
        activity = rows(page, "proposals")[0]
        put_line(page, "proposals", activity, activity=page.cell(rows(page, "activities", None)[0] - 1, 2).value,
                 kind="Modifier le score", score="beaucoup", reason="r")

    result = _read_damaged(mini_ref, project, path, damage)
    page = kit_sheet(openpyxl.load_workbook(path), "s1")
    by_cell = {p.cell: p for p in result.problems}
    count_cell = f"C{rows(page, 'participants')[0]}"
    assert "nombre entier" in by_cell[count_cell].text
    assert f"cellule {count_cell}" in by_cell[count_cell].text
    assert "formule" in by_cell[f"B{rows(page, 'risks')[0]}"].text
    assert "formule" in by_cell[f"C{field_row(page, 'impact')}"].text
    assert "score" in by_cell[f"C{rows(page, 'proposals')[0]}"].text
    assert all(p.blocking for p in result.problems)
    assert [c.after for c in result.changes] == ["1 × responsable de service"]  # the rest of the kit still comes


def test_missing_technical_sheet_still_imports_but_asks(mini_ref, tmp_path):
    project = make_project(mini_ref, filled=True)
    path = kit.prepare_kit(project, mini_ref, ["s1"], tmp_path / "kit.xlsx")
    sheet = project.workshops[0]

    def damage(wb):
        del wb["_kit"]
        page = kit_sheet(wb, "s1")
        put_line(page, "risks", rows(page, "risks", sheet.risks[0].id)[0], text="Perte de sens du métier")
        put_line(page, "effects", rows(page, "effects", sheet.effects[0].id)[0], text=None)

    result = _read_damaged(mini_ref, project, path, damage)
    assert [p.blocking for p in result.problems] == [False]
    assert "informations techniques" in result.problems[0].text
    (change,) = result.changes  # no removal without the kit's memory
    assert change.kind == "modification"
    assert change.conflict


@pytest.mark.parametrize("content", [b"pas un classeur", b""])
def test_not_a_workbook(mini_ref, tmp_path, content):
    path = tmp_path / "kit.xlsx"
    path.write_bytes(content)
    with pytest.raises(KitError, match="n'est pas un classeur Excel lisible"):
        kit.read_kit(path, Project(), mini_ref)


def test_a_workbook_that_is_not_a_kit(mini_ref, tmp_path):
    path = tmp_path / "autre.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "Nom"
    wb.save(path)
    with pytest.raises(KitError, match="aucune fiche d'atelier"):
        kit.read_kit(path, Project(), mini_ref)
    with pytest.raises(KitError, match="introuvable"):
        kit.read_kit(tmp_path / "absent.xlsx", Project(), mini_ref)


def test_xml_entities_are_refused(mini_ref, prepared, tmp_path):
    project, path = prepared
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(bomb, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet2.xml":
                data = data.replace(b"<worksheet", b'<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]>'
                                    b"<worksheet", 1)
            target.writestr(item, data)
    with pytest.raises(KitError, match="XML"):
        kit.read_kit(bomb, project, mini_ref)


@pytest.mark.parametrize("member", ["xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml",
                                    "xl/worksheets/sheet3.xml"])
@pytest.mark.parametrize("damage", [b"<c r=\"A1\" \x01>", b"<row r=\"x\"><c r=\"A1\"><v>1</v></c></row>",
                                    b"<row><c r=\"A1\" t=\"n\"><v>pas un nombre</v></c></row>"])
def test_a_damaged_worksheet_met_while_streaming_is_a_kit_error(mini_ref, prepared, tmp_path, member, damage):
    """Found by scripts/fuzz_readers.py: the workbook is read lazily, so a broken sheet raised a bare ParseError."""
    project, path = prepared
    damaged = tmp_path / "abime.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(damaged, "w") as target:
        assert member in source.namelist()
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == member:
                data = data.replace(b"<sheetData>", b"<sheetData>" + damage, 1)
            target.writestr(item, data)
    message = ""
    try:
        found = kit.read_kit(damaged, project, mini_ref)
    except KitError as error:
        message = str(error)
    else:  # a damage openpyxl tolerates: read as far as it goes, with problems in French
        assert all(problem.text for problem in found.problems)
    assert not message or "endommagé" in message


def test_a_zip_bomb_kit_is_refused_before_reading(mini_ref, prepared, tmp_path, monkeypatch):
    """Found by scripts/fuzz_readers.py: 4 MB holding a 1.2 GB worksheet kept the reader busy for minutes."""
    monkeypatch.setattr(kit, "MAX_KIT_XML_BYTES", 1024**2)
    project, path = prepared
    bomb = tmp_path / "bombe.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet2.xml":
                data = data.replace(b"</sheetData>", b"<row><c><v>1</v></c></row>" * 60_000 + b"</sheetData>", 1)
            target.writestr(item.filename, data)
    assert bomb.stat().st_size < 200_000
    with pytest.raises(KitError, match="bien trop gros"):
        kit.read_kit(bomb, project, mini_ref)


@pytest.mark.parametrize("version", ["", "²", "2"])
def test_a_technical_sheet_cut_short_or_odd_is_read_without_fault(mini_ref, prepared, tmp_path, version):
    """Found by scripts/fuzz_readers.py: the `kit` row with its last cells cleared raised IndexError; « ² » passes
    str.isdigit() but not int()."""
    project, path = prepared
    wb = openpyxl.load_workbook(path)
    tech = wb[kit.TECH_SHEET]
    row = next(r for r in tech.iter_rows() if r[0].value == "kit")
    row[2].value = version
    for cell in row[3:]:
        cell.value = None
    for other in tech.iter_rows():
        if other[0].value == "base":
            other[2].value = "¹"
    wb.save(tmp_path / "coupe.xlsx")
    if version == "2":
        with pytest.raises(KitError, match="plus récente"):
            kit.read_kit(tmp_path / "coupe.xlsx", project, mini_ref)
    else:
        found = kit.read_kit(tmp_path / "coupe.xlsx", project, mini_ref)
        assert found.sheets_read == 2


def test_prepare_refuses_unknown_sheets_and_unwritable_paths(mini_ref, tmp_path):
    project = make_project(mini_ref, filled=False)
    with pytest.raises(KitError, match="au moins une fiche"):
        kit.prepare_kit(project, mini_ref, ["nope"], tmp_path / "kit.xlsx")
    with pytest.raises(KitError, match="n'a pas pu être enregistré"):
        kit.prepare_kit(project, mini_ref, ["s1"], tmp_path / "absent" / "kit.xlsx")


def test_path_names_in_problems_are_french(mini_ref, prepared):
    problem = kit.KitProblem("formule non importée.", "Accueil", "C12")
    assert problem.text == "Feuille « Accueil », cellule C12 : formule non importée."
    assert kit.KitProblem("formule non importée.").text == "Formule non importée."
    assert isinstance(prepared[1], Path)


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed")
def test_a_kit_filled_then_saved_by_libreoffice_imports_the_same(mini_ref, prepared, tmp_path):
    project, path = prepared
    target = full_sheet(mini_ref, project)
    wb = openpyxl.load_workbook(path)
    fill_like(wb, target)
    wb.save(path)
    out = tmp_path / "libreoffice"
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--convert-to",
                    "xlsx", "--outdir", str(out), str(path)], check=True, capture_output=True, timeout=300)
    result = kit.read_kit(out / path.name, project, mini_ref)
    assert not result.problems, [p.text for p in result.problems]
    result.batch().apply(project)
    assert bare(ws.find_sheet(project, "s1")) == bare(target)
    assert kit.read_kit(out / path.name, project, mini_ref).changes == []


def test_inserted_rows_copied_rows_and_stray_text(mini_ref, tmp_path):
    project = make_project(mini_ref, filled=True)
    path = kit.prepare_kit(project, mini_ref, ["s1"], tmp_path / "kit.xlsx")
    sheet = project.workshops[0]

    def damage(wb):
        page = kit_sheet(wb, "s1")
        (risk_row,) = rows(page, "risks", sheet.risks[0].id)
        page.insert_rows(risk_row + 1)  # a row inserted inside the table, as the guide allows
        put(page.cell(risk_row + 1, 2), "Isolement des agents")
        (effect_row,) = rows(page, "effects", sheet.effects[0].id)
        spare = rows(page, "effects")[0]
        page.cell(spare, 1).value = page.cell(effect_row, 1).value  # a row copied with its hidden id
        put(page.cell(spare, 2), "Horaires d'ouverture revus")
        put(page.cell(page.max_row + 2, 3), "Penser à inviter la DRH")  # a note outside the tables

    result = _read_damaged(mini_ref, project, path, damage)
    assert [(c.section, c.kind, c.after) for c in result.changes] == [
        ("effects", "ajout", "Horaires d'ouverture revus"), ("risks", "ajout", "Isolement des agents")]
    (note,) = result.problems
    assert not note.blocking
    assert "hors des tableaux" in note.text
