"""The council report read back: chapters, pages, metadata, bookmarks, fonts, privacy, and figures equal to
`summary --json`."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from cartographie_desktop.core.model import Project
from cartographie_desktop.core.scoring import BAND_LABELS, Band
from cartographie_desktop.core.text import NNBSP, format_fte, format_percent, format_score
from cartographie_desktop.report.data import ReportCancelled
from cartographie_desktop.report.options import CHAPTERS, OptionsError, ReportError, ReportOptions
from cartographie_desktop.report.pdf import build_report

from . import fixtures
from .conftest import REPORT_DATE, page_texts


def _squash(text: str) -> str:
    """pdftotext lays text out in columns: compare on single spaces (narrow no-break spaces kept)."""
    return re.sub(r"[ \t\n\u00a0]+", " ", text)


def test_every_chapter_title_is_present_with_its_number(commune_report):
    text = _squash(commune_report.text)
    for number, title in enumerate(CHAPTERS.values(), start=1):
        assert f"{number} {title}" in text
    assert "Sommaire" in text
    assert "Cartographie des métiers concernés par l'IA générative" in _squash(commune_report.pages[0])


def test_pages_are_numbered_page_x_of_y(commune_report):
    pages = commune_report.pages
    n = len(pages)
    assert n == len(commune_report.reader.pages) >= 20
    assert "page" not in pages[0]  # the cover has no footer
    for number, page in enumerate(pages[1:], start=2):
        assert f"page {number} / {n}" in page


def test_metadata_title_author_language(commune_report):
    reader = commune_report.reader
    meta = reader.metadata
    assert meta.title == "Cartographie des métiers concernés par l'IA générative — Val-Fleuri-Test"
    assert meta.author == "Direction générale des services"
    assert meta.creator == "Cartographie IA des métiers"
    assert reader.trailer["/Root"]["/Lang"] == "fr-FR"
    assert reader.trailer["/Root"]["/ViewerPreferences"]["/DisplayDocTitle"]


def test_bookmarks_follow_the_chapters(commune_report):
    outline = commune_report.reader.outline
    top = [item.title for item in outline if not isinstance(item, list)]
    assert top == [f"{n} {title}" for n, title in enumerate(CHAPTERS.values(), start=1)]
    nested = [item for item in outline if isinstance(item, list)]
    assert any(sub.title == "3.1 Répartition des agents par bande" for group in nested for sub in group
               if not isinstance(sub, list))


def test_only_the_embedded_dejavu_font_is_used_and_charts_are_vector(commune_report):
    reader = commune_report.reader
    fonts, images = set(), 0
    for page in reader.pages:
        resources = page.get("/Resources") or {}
        for ref_ in (resources.get("/Font") or {}).values():
            font = ref_.get_object()
            fonts.add(str(font["/BaseFont"]))
            descriptor = font.get("/FontDescriptor")
            if descriptor is not None:
                assert "/FontFile2" in descriptor.get_object(), f"{font['/BaseFont']} is not embedded"
        for xobject in (resources.get("/XObject") or {}).values():
            images += xobject.get_object().get("/Subtype") == "/Image"
    assert fonts
    assert all("DejaVuSans" in name for name in fonts), fonts
    assert images == 0  # no logo asked, and the charts are drawings, not pictures
    if shutil.which("pdffonts"):
        out = subprocess.run(["pdffonts", str(commune_report.path)], capture_output=True, text=True, check=True)
        rows = out.stdout.splitlines()[2:]
        assert rows
        assert all("DejaVuSans" in row and " yes " in row for row in rows), out.stdout


# Tables and charts draw U+202F itself; paragraphs draw a small U+00A0 of the same width (styles.Para), which text
# extractors read back as an ordinary space. That it is narrow and never breaks is tested on `Para` directly.
NARROW = "[\u202f\u00a0 ]"


def _french(text: str) -> str:
    """A French-formatted figure as a pattern: its narrow no-break spaces may be either no-break space."""
    return re.escape(text).replace(NNBSP, NARROW)


def test_numbers_use_narrow_no_break_spaces_and_french_formats(commune_report):
    text = commune_report.text
    s = commune_report.summary
    assert re.search(_french(f"{format_percent(s['exposed_share'])} des agents exercent"), text)
    assert f"{NNBSP}%" in text  # table cells and charts draw U+202F itself
    assert f"({format_fte(s['fte'])} ETP)" in text
    assert "21/11/2026" in text


def test_the_figures_equal_summary_json(commune_report):
    s = commune_report.summary
    text = _squash(commune_report.text)
    assert f"La commune compte {s['agents']} agents" in text
    exposed = sum(s["bands"][b]["agents"] for b in ("concerne", "tres_concerne"))
    assert f"({exposed} sur {s['assigned_agents']})" in text
    jobs_page = next(p for p in commune_report.pages if "4 Les métiers" in _squash(p) and "Écart" in p)
    for job in s["jobs"]:  # each row of the jobs table: score, SD and band in words, as in summary --json
        row = f"{format_score(job['score'])} {format_score(job['sd'])} {BAND_LABELS[Band(job['band'])]}"
        assert row in _squash(jobs_page), job["label"]
    band_table = _squash(next(p for p in commune_report.pages if "3.1 Répartition des agents par bande" in _squash(p)
                              and "Part des ETP" in p))
    for band in Band:
        agents = s["bands"][band.value]["agents"]
        assert f"{BAND_LABELS[band]} {agents} " in band_table


def test_no_agent_name_from_the_staffing_table_appears(commune_report, small_report):
    for report, names in ((commune_report, fixtures.STAFF_NAMES), (small_report, fixtures.SMALL_NAMES)):
        text = report.text
        for name in names:
            assert not re.search(rf"\b{re.escape(name)}\b", text), name
            assert not re.search(rf"\b{re.escape(name.capitalize())}\b", text), name
    # The unmatched title that names a person stays out of the report by default.
    assert "Remplaçante" not in commune_report.text


def test_small_numbers_are_hidden_in_the_12_agent_commune(small_report):
    pages = [_squash(p) for p in small_report.pages]
    sex = next(p for p in pages if "Par sexe" in p and "Hommes" in p and "Ensemble" in p)
    hommes = re.search(r"Hommes (.*?) Ensemble", sex).group(1)
    assert "< 3" in hommes
    # 5 men, 4 of them « pas concerné »: the one other man's band must not be readable, in any cell.
    cells = hommes.split()
    assert "1" not in cells
    police = next(p for p in pages if "Par filière" in p and "Police municipale" in p and "Ensemble" in p)
    assert "Police municipale < 3 < 3 < 3 < 3 < 3" in police
    assert "« < 3 »" in small_report.text
    assert "Les totaux de la commune sont exacts" in _squash(small_report.text)
    # Totals stay exact.
    assert f"Ensemble 8 0 4 0 12 33{NNBSP}%" in " ".join(pages)


def test_chapters_can_be_left_out_and_are_renumbered(tmp_path, ref):
    path = tmp_path / "court.pdf"
    build_report(fixtures.commune_project(ref), ref, path,
                 ReportOptions(chapters=("resultats", "synthese"), date=REPORT_DATE))
    text = _squash("\n".join(page_texts(path)))
    assert "1 Synthèse" in text
    assert "2 Résultats" in text
    assert "Méthode et sources" not in text
    assert "Annexes" not in text


def test_unmatched_titles_only_when_asked(tmp_path, ref):
    path = tmp_path / "titres.pdf"
    build_report(fixtures.commune_project(ref), ref, path, ReportOptions(unmatched_titles=True, date=REPORT_DATE))
    text = "\n".join(page_texts(path))
    assert "Intitulés de poste sans métier" in text
    assert "Remplaçante de Mme Lefebvre" in text


def test_logo_is_printed_on_the_cover(tmp_path, ref):
    from PIL import Image

    logo = tmp_path / "logo.png"
    Image.new("RGB", (400, 200), "#1F4E8C").save(logo)
    path = tmp_path / "logo.pdf"
    build_report(fixtures.small_project(ref), ref, path, ReportOptions(logo=logo, chapters=("synthese",)))
    cover = PdfReader(str(path)).pages[0]
    xobjects = cover["/Resources"]["/XObject"]
    assert any(x.get_object()["/Subtype"] == "/Image" for x in xobjects.values())


def test_a_bad_logo_is_a_french_error_and_no_file_is_left(tmp_path, ref):
    logo = tmp_path / "logo.png"
    logo.write_text("pas une image")
    path = tmp_path / "r.pdf"
    with pytest.raises(OptionsError, match="n'est pas une image lisible"):
        build_report(fixtures.small_project(ref), ref, path, ReportOptions(logo=logo))
    with pytest.raises(OptionsError, match="introuvable"):
        build_report(fixtures.small_project(ref), ref, path, ReportOptions(logo=tmp_path / "absent.png"))
    assert list(tmp_path.iterdir()) == [logo]


def test_bad_options_are_refused_in_french(ref):
    project = fixtures.small_project(ref)
    with pytest.raises(OptionsError, match="Chapitre inconnu"):
        build_report(project, ref, Path("x.pdf"), ReportOptions(chapters=("conclusion",)))
    with pytest.raises(OptionsError, match="entre 1 et 100"):
        build_report(project, ref, Path("x.pdf"), ReportOptions(k=0))


def test_cancel_leaves_no_file_and_the_previous_report_intact(tmp_path, ref):
    path = tmp_path / "rapport.pdf"
    path.write_bytes(b"%PDF- previous report")
    calls = []

    def cancelled() -> bool:
        calls.append(1)
        return len(calls) > 3

    with pytest.raises(ReportCancelled):
        build_report(fixtures.commune_project(ref), ref, path, progress=lambda *a: None, cancelled=cancelled)
    assert path.read_bytes() == b"%PDF- previous report"
    assert [p.name for p in tmp_path.iterdir()] == ["rapport.pdf"]


def test_cancel_during_layout_also_stops(tmp_path, ref):
    path = tmp_path / "rapport.pdf"
    state = {"layout": False}

    def progress(done, total, text):
        state["layout"] = state["layout"] or text.startswith("Mise en page")

    with pytest.raises(ReportCancelled):
        build_report(fixtures.commune_project(ref), ref, path, progress=progress, cancelled=lambda: state["layout"])
    assert not path.exists()
    assert not list(tmp_path.iterdir())


def test_progress_goes_forward_to_the_end(tmp_path, ref):
    seen = []
    build_report(fixtures.small_project(ref), ref, tmp_path / "r.pdf",
                 progress=lambda done, total, text: seen.append((done, total, text)))
    dones = [d for d, _, _ in seen]
    assert dones == sorted(dones)
    assert seen[-1][0] == seen[-1][1]
    assert all(isinstance(text, str) and text for _, _, text in seen)


def test_unwritable_destination_is_a_french_error(ref):
    with pytest.raises(ReportError, match="Impossible d'écrire"):
        build_report(fixtures.small_project(ref), ref, Path("/dev/null/rapport.pdf"))


def test_a_project_without_any_matched_post_still_prints(tmp_path, ref):
    project = Project(commune="Vide", posts=fixtures.small_project(ref).posts)  # no matches at all
    path = tmp_path / "vide.pdf"
    build_report(project, ref, path, ReportOptions(date=date(2026, 1, 5)))
    text = _squash("\n".join(page_texts(path)))
    assert "Aucun agent n'est encore rattaché à un métier" in text
    assert "05/01/2026" in text


def test_user_text_with_markup_characters_is_printed_as_typed(tmp_path, ref):
    project = fixtures.small_project(ref)
    project.commune = "Saint-Jean & <Environs>"
    path = tmp_path / "amp.pdf"
    build_report(project, ref, path, ReportOptions(author="DGS <intérim> & co", chapters=("synthese",)))
    text = "\n".join(page_texts(path))
    assert "Saint-Jean & <Environs>" in text
    assert "DGS <intérim> & co" in text


def test_one_agent_takes_the_singular(tmp_path, ref):
    project = fixtures.small_project(ref)
    project.posts = project.posts[:1]
    path = tmp_path / "un.pdf"
    build_report(project, ref, path, ReportOptions(chapters=("synthese",)))
    text = _squash("\n".join(page_texts(path)))
    assert "La commune compte 1 agent (1 ETP)" in text
    assert "Il est rattaché à un métier du référentiel." in text
    assert re.search(f"100{NARROW}% des agents exercent un métier concerné", text)  # agrees with « des agents »
    assert "(1 sur 1)" in text


def test_thousands_are_grouped_with_a_narrow_no_break_space(tmp_path):
    project, ref = fixtures.large_project(agents=1500, jobs=40)
    path = tmp_path / "grand.pdf"
    build_report(project, ref, path, ReportOptions(chapters=("synthese",)))
    assert re.search(f"1{NARROW}500 agents", "\n".join(page_texts(path)))


def test_a_paragraph_never_breaks_a_french_number_and_keeps_its_space_narrow():
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from cartographie_desktop.report.styles import FONT, Para, styles

    style = styles().body
    number = Para(f"1{NNBSP}234{NNBSP}567", style)
    _width, _ = number.wrap(1000, 1000)
    digits = stringWidth("1234567", FONT, style.fontSize)
    space = stringWidth(" ", FONT, style.fontSize)
    assert digits < number.minWidth() < digits + 2 * space  # two narrow spaces, narrower than two normal ones
    narrow = Para(f"soit 38{NNBSP}% des agents", style)
    narrow.wrap(stringWidth("soit 38", FONT, style.fontSize) + 1, 1000)
    lines = []
    for line in narrow.blPara.lines:  # plain lines are (space, [words]); lines with several fonts hold fragments
        words = line[1] if isinstance(line, tuple) else [getattr(f, "text", "") for f in line.words]
        lines.append(" ".join(words) if isinstance(line, tuple) else "".join(words))
    assert not any(line.rstrip().endswith("38") for line in lines), lines  # « 38 » and « % » stay together


def test_workshop_chapter_says_none_yet_then_prints_each_sheet_and_the_training_plan(commune_report, tmp_path):
    assert "Aucun atelier n'a encore été mené." in commune_report.text
    assert "Aucune ligne de plan de formation" in commune_report.text
    from cartographie_desktop.core import referentiel
    from cartographie_desktop.io import workshops_codec

    ref = referentiel.load()
    if not {"ACC-01", "ADM-02", "DIR-03"} <= set(ref.jobs):
        pytest.skip("the demo workshops' jobs are not in the shipped référentiel")
    project = fixtures.shipped_project(ref)
    workshops_codec.add_demo_workshops(project, ref)
    path = tmp_path / "ateliers.pdf"
    build_report(project, ref, path, ReportOptions(chapters=("ateliers", "plan")))
    text = _squash("\n".join(page_texts(path)))
    assert "Aucun atelier" not in text
    for sheet in project.workshops:
        assert ref.jobs[sheet.job].label in text
    need = project.workshops[0].needs[0].text
    assert _squash(need) in text
    assert "Aucune ligne de plan de formation" not in text


def test_french_punctuation_never_starts_a_line():
    from cartographie_desktop.report.styles import french_spacing

    assert french_spacing("Indice : OIT ; voir « ici » ! et ?") == \
        "Indice\u00a0: OIT\u202f; voir «\u00a0ici\u00a0»\u202f! et\u202f?"
    assert french_spacing("<b>Auteur</b> : DGS") == "<b>Auteur</b>\u00a0: DGS"
    assert french_spacing("http://exemple.fr") == "http://exemple.fr"
