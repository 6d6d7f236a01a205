"""The workshop sheet on paper: one A4 page per job, filled, or blank with ruled lines to write on during a workshop
held without a screen; and the blocks the council report's chapter « Ateliers » reuses (`sheet_blocks`).

No Qt. Fonts, paragraph styles, tables and the page template are those of `report/styles.py`. A filled sheet that says
more than a page holds is scaled down to fit its page (`KeepInFrame`), never cut: one page per job, always.
Participants are printed by role, as typed (the sheet never names anyone); every text typed by a person goes through
`styles.text()` before entering paragraph markup.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepInFrame, PageBreak, Spacer, Table, TableStyle

from cartographie_desktop import APP_NAME
from cartographie_desktop.core import workshops as ws
from cartographie_desktop.core.model import Index, Project
from cartographie_desktop.core.referentiel import Referentiel
from cartographie_desktop.core.scoring import band_for
from cartographie_desktop.core.text import NNBSP, format_date, format_score
from cartographie_desktop.report.options import ReportError
from cartographie_desktop.report.output import atomic_path
from cartographie_desktop.report.styles import (
    BOTTOM_MARGIN,
    FONT,
    FRAME_WIDTH,
    GRID,
    MUTED,
    PAGE_HEIGHT,
    TOP_MARGIN,
    Bookmark,
    Para,
    ReportDocTemplate,
    band_chip,
    band_colour,
    band_text_colour,
    bullets,
    data_table,
    gap,
    styles,
    text,
)

FRAME_HEIGHT = PAGE_HEIGHT - TOP_MARGIN - BOTTOM_MARGIN
WRITE_LINE = 6.5 * mm  # height of a line to write on by hand, at 7 pt (never under MIN_WRITE_LINE)
MIN_WRITE_LINE = 5.5 * mm
SHEET_TITLE = "Fiche d'atelier"
STATUS_KEY = "M = maintenue · T = transformée · A = assistée par l'IA · Au = automatisée · N = nouvelle"


@dataclass(frozen=True)
class SheetContext:
    """What a sheet prints besides its own lines: the job's label and live score, the commune's decisions."""

    job_label: str
    comparison: ws.ImpactComparison | None
    project: Project
    index: Index


def context_for(project: Project, ref: Referentiel, job: str, impact: ws.Impact | None,
                index: Index | None = None) -> SheetContext:
    result = ws.job_result(project, ref, job, index) if job else None
    label = ref.jobs[job].label if job in ref.jobs else job
    comparison = ws.compare_impact(impact, result) if result is not None else None
    return SheetContext(label, comparison, project, index or project.index)


# --- small pieces ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Look:
    """Type and spacing of the blocks: compact on the one-page sheet, the report's own in the council report."""

    cell: ParagraphStyle
    bold: ParagraphStyle
    head: ParagraphStyle
    right: ParagraphStyle
    note: ParagraphStyle
    padding: float  # points above and below a cell's text

    @property
    def write_line(self) -> float:
        return max(MIN_WRITE_LINE, WRITE_LINE * self.cell.fontSize / 7)

    @property
    def table_style(self) -> list[tuple]:
        return [("TOPPADDING", (0, 0), (-1, -1), self.padding), ("BOTTOMPADDING", (0, 0), (-1, -1), self.padding),
                ("VALIGN", (0, 1), (-1, -1), "TOP")]


def _style(name: str, parent: ParagraphStyle, **changes) -> ParagraphStyle:
    return ParagraphStyle(name, parent=parent, **changes)


def sheet_look(size: float = 7.0) -> Look:
    """The A4 sheet: 7 pt in tables, tight rows — a whole workshop on one page (smaller if it says a lot)."""
    st = styles()
    lead = size * 1.2
    cell = _style("sheet_cell", st.cell, fontSize=size, leading=lead)
    return Look(cell=cell, bold=_style("sheet_bold", cell, fontName=st.cell_bold.fontName),
                head=_style("sheet_head", st.cell_head, fontSize=size, leading=lead),
                right=_style("sheet_right", st.cell_right, fontSize=size, leading=lead),
                note=_style("sheet_note", st.note, fontSize=size, leading=lead + 0.4, spaceAfter=1),
                padding=round(size * 0.19, 2))


def report_look() -> Look:
    st = styles()
    return Look(cell=st.cell, bold=st.cell_bold, head=st.cell_head, right=st.cell_right, note=st.note, padding=2.4)


def _widths(*shares: float) -> list[str]:
    """Column widths as shares of the width available when the table is laid out (so a sheet scaled down to fit
    its page keeps its proportions)."""
    total = sum(shares)
    return [f"{share / total * 100:.3f}%" for share in shares]


def _cells(values: Iterable[str], style: ParagraphStyle) -> list[Para]:
    return [Para(value, style) for value in values]


def _write_space(look: Look, lines: int = 1) -> Spacer:
    """Room to write by hand in a table cell."""
    return Spacer(1, look.write_line * lines - 2 * look.padding)


def ruled(look: Look, lines: int) -> Table:
    """Lines to write on (the blank sheet), as wide as their place."""
    table = Table([[""]] * lines, colWidths=["100%"], rowHeights=[look.write_line] * lines, hAlign="LEFT")
    table.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.4, GRID), ("FONTNAME", (0, 0), (-1, -1), FONT)]))
    return table


def section_title(title: str, note: str = "", look: Look | None = None) -> Para:
    st = styles()
    markup = f"<b>{text(title)}</b>"
    if note:
        markup += f" <font color='#6B6B6B' size='7'>{text(note)}</font>"
    size = 8.5 if look is None or look.padding < 2 else 10
    return Para(markup, _style("sheet_section", st.h3, fontSize=size, leading=size * 1.3, spaceBefore=4,
                               spaceAfter=2))


def _table(rows: list[list], widths: list[str], look: Look, extra: Iterable[tuple] = ()) -> Table:
    return data_table(rows, widths, extra=[*look.table_style, *extra])


def _pct(value: int) -> str:
    return f"{value}{NNBSP}%"


# --- the blocks (shared with the report) -------------------------------------------------------------------------


def impact_block(sheet: ws.WorkshopSheet | None, context: SheetContext, look: Look) -> list[Flowable]:
    """The group's estimate next to the computed score (as a percentage, with its band), and the gap in words."""
    small = _style("impact_label", look.cell, textColor=MUTED)
    big = _style("impact_value", look.bold, fontSize=12, leading=15)
    comparison = context.comparison
    if sheet is not None and sheet.impact is not None:
        estimate: Flowable = Para(text(sheet.impact.text), big)
    elif sheet is None:
        estimate = Para("………… %<br/><font size='6.5' color='#6B6B6B'>ou une fourchette : ……… à ……… %</font>", big)
    else:
        estimate = Para("pas encore estimé", _style("impact_none", look.cell, textColor=MUTED))
    cells: list[list[Flowable]] = [[Para("Impact estimé par le groupe", small), estimate]]
    if comparison is not None:
        score = Table([[Para(_pct(comparison.score), big), band_chip(comparison.band, width=24 * mm)]],
                      colWidths=[16 * mm, 26 * mm], hAlign="LEFT",
                      style=[("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                             ("FONTNAME", (0, 0), (-1, -1), FONT)])
        cells.append([Para("Score calculé (méthode de l'OIT)", small), score])
        if comparison.has_retained:
            cells.append([Para("Score retenu (activités conservées humaines comptées 0)", small),
                          Para(_pct(comparison.retained), big)])
    table = Table([list(cells)], colWidths=_widths(*[1] * len(cells)), hAlign="LEFT")
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOX", (0, 0), (-1, -1), 0.6, GRID),
                               ("LINEAFTER", (0, 0), (-2, -1), 0.4, GRID), ("FONTNAME", (0, 0), (-1, -1), FONT),
                               ("TOPPADDING", (0, 0), (-1, -1), 2.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5)]))
    out: list[Flowable] = [table]
    sentence_style = _style("gap_sentence", look.cell, spaceBefore=2.5, spaceAfter=1)
    if comparison is not None and sheet is not None and sheet.impact is not None:
        colour = "#B8860B" if comparison.differs else "#1A1A1A"
        out.append(Para(f"<font color='{colour}'>{text(comparison.sentence)}</font>", sentence_style))
    elif comparison is not None and sheet is None:
        out.append(Para("Le score calculé mesure le potentiel technique des activités décrites par le référentiel "
                        "(ce n'est pas une prévision). Si l'estimation du groupe s'en écarte de plus de 15 points, "
                        "notez pourquoi.", _style("gap_hint", sentence_style, textColor=MUTED)))
    return out


def participants_block(sheet: ws.WorkshopSheet | None, look: Look) -> list[Flowable]:
    title = "Participants (par fonction, jamais de nom)"
    if sheet is None:
        return [section_title(title, "ex. 2 agents d'accueil, 1 responsable de service", look), ruled(look, 1)]
    people = ", ".join(f"{p.count} {p.role}" for p in sheet.participants) or "non renseignés"
    return [Para(f"<b>{text(title)} :</b> {text(people)}", _style("participants", look.cell, spaceBefore=3,
                                                                      spaceAfter=3))]


def activities_table(sheet: ws.WorkshopSheet | None, lines: tuple[ws.ActivityLine, ...],
                     look: Look) -> list[Flowable]:
    """The activities, 2025 on the left, 2035 on the right; the blank sheet leaves the 2035 side to write on."""
    blank = sheet is None
    rows: list[list] = [_cells((text(t) for t in ("Activité en 2025", "Score", "En 2035",
                                                  "Ce qu'elle devient d'ici 2035")), look.head)]
    extra: list[tuple] = []
    for line in lines:
        label = text(line.label) if line.label else "<i>nouvelle activité</i>"
        if line.kept_human:
            label += " <font color='#6B6B6B'>(conservée humaine par la commune)</font>"
        score = format_score(line.score) if line.score is not None else ""
        status = "" if blank else ws.STATUS_LABELS.get(line.status, "")
        body = "" if blank else text(line.text)
        row = len(rows)
        rows.append([Para(label, look.cell), Para(score, look.right), Para(text(status), look.cell),
                     _write_space(look) if blank else Para(body, look.cell)])
        if line.score is not None:
            band = band_for(line.score)
            extra += [("BACKGROUND", (1, row), (1, row), band_colour(band)),
                      ("TEXTCOLOR", (1, row), (1, row), band_text_colour(band))]
    if blank:
        rows += [[_write_space(look), "", "", ""] for _ in range(2 if lines else 12)]
    widths = _widths(38, 7.5, 8.5, 46) if blank else _widths(33, 7.5, 12.5, 47)
    out: list[Flowable] = [_table(rows, widths, look, extra)]
    if blank:
        out.insert(0, Para(f"<b>En 2035</b> : {STATUS_KEY}. Ajoutez en bas les activités nouvelles.",
                           _style("status_key", look.note, spaceBefore=4)))
    else:
        out.insert(0, gap(1.5))
    return out


def _bullet_cell(lines: Iterable[ws.TextLine], style: ParagraphStyle) -> list[Flowable]:
    items = [text(line.text) for line in lines]
    return bullets(items, style) if items else [Para("—", style)]


def _list_style(look: Look) -> ParagraphStyle:
    return _style("list_cell", look.cell, leftIndent=7, bulletIndent=0, spaceAfter=0.6,
                  bulletFontSize=look.cell.fontSize)


def skills_table(sheet: ws.WorkshopSheet | None, look: Look) -> list[Flowable]:
    """Savoir-faire and savoir-être, 2025 and 2035 side by side."""
    cell = _list_style(look)
    rows: list[list] = [_cells(("Compétences", "En 2025", "En 2035"), look.head)]
    for name, left, right in (("Savoir-faire", "know_how_2025", "know_how_2035"),
                              ("Savoir-être", "soft_skills_2025", "soft_skills_2035")):
        if sheet is None:
            rows.append([Para(f"<b>{name}</b>", look.cell), ruled(look, 2), ruled(look, 2)])
        else:
            rows.append([Para(f"<b>{name}</b>", look.cell), _bullet_cell(sheet.lines(left), cell),
                         _bullet_cell(sheet.lines(right), cell)])
    return [gap(2), _table(rows, _widths(15, 42.5, 42.5), look, [("LINEAFTER", (0, 1), (1, -1), 0.4, GRID)])]


def needs_table(sheet: ws.WorkshopSheet | None, look: Look) -> list[Flowable]:
    rows: list[list] = [_cells(("Besoin d'accompagnement", "Type", "Pour qui", "Porté par",
                                "Quand", "Priorité"), look.head)]
    if sheet is None:
        rows += [[_write_space(look), "", "", "", "", ""] for _ in range(3)]
    else:
        for need in sheet.needs:
            rows.append(_cells((text(need.text), text(ws.NEED_LABELS.get(need.category, "")), text(need.population),
                                text(need.who), text(need.when), text(ws.PRIORITY_LABELS.get(need.priority, ""))),
                               look.cell))
        if not sheet.needs:
            rows.append([Para("Aucun besoin noté.", look.cell), "", "", "", "", ""])
    out: list[Flowable] = [gap(2), _table(rows, _widths(32, 15.5, 16, 13, 12.5, 11), look)]
    if sheet is None:
        out.append(Para("Types : formation, sens du travail, reclassement ou mobilité, communication, management.",
                        _style("needs_key", look.note, spaceBefore=1)))
    return out


def three_lists(sheet: ws.WorkshopSheet | None, look: Look) -> list[Flowable]:
    """Effects on the organisation, risks and vigilance points, opportunities: three columns."""
    cell = _list_style(look)
    sections = ("effects", "risks", "opportunities")
    rows: list[list] = [_cells((text(ws.SECTIONS[s].label) for s in sections), look.head)]
    rows.append([ruled(look, 3) for _ in sections] if sheet is None else [_bullet_cell(sheet.lines(s), cell)
                                                                    for s in sections])
    return [gap(2), _table(rows, _widths(1, 1, 1), look, [("LINEAFTER", (0, 1), (1, -1), 0.4, GRID)])]


def indicators_table(sheet: ws.WorkshopSheet | None, look: Look) -> list[Flowable]:
    rows: list[list] = [_cells(("Indicateur de suivi", "Comment le mesurer", "Aujourd'hui", "Cible"), look.head)]
    if sheet is None:
        rows += [[_write_space(look), "", "", ""] for _ in range(2)]
    else:
        rows += [_cells((text(i.name), text(i.measure), text(i.today), text(i.target)), look.cell)
                 for i in sheet.indicators]
        if not sheet.indicators:
            rows.append([Para("Aucun indicateur noté.", look.cell), "", "", ""])
    return [gap(2), _table(rows, _widths(34, 36, 15, 15), look)]


def proposals_block(sheet: ws.WorkshopSheet | None, context: SheetContext, look: Look) -> list[Flowable]:
    title = section_title("Décisions proposées à la commune",
                          "ex. « l'accueil physique reste humain »" if sheet is None else "", look)
    if sheet is None:
        return [title, ruled(look, 2)]
    if not sheet.proposals:
        return []
    items = []
    for proposal in sheet.proposals:
        applied = ws.proposal_applied(context.project, sheet, proposal)
        state = "appliquée à la cartographie" if applied else "<font color='#B8860B'>pas encore appliquée</font>"
        items.append(f"{text(ws.line_summary('proposals', proposal, sheet))} ({state})")
    return [title, *bullets(items, _list_style(look))]


def sheet_blocks(sheet: ws.WorkshopSheet | None, context: SheetContext, look: Look,
                 blank_lines: tuple[ws.ActivityLine, ...] = ()) -> list[Flowable]:
    """Every block of a sheet below its title, in the order of the workshop (the report reuses them)."""
    lines = sheet.activities if sheet is not None else blank_lines
    return [*impact_block(sheet, context, look), *participants_block(sheet, look),
            *activities_table(sheet, lines, look), *skills_table(sheet, look), *needs_table(sheet, look),
            *three_lists(sheet, look), *indicators_table(sheet, look), *proposals_block(sheet, context, look)]


def subtitle(sheet: ws.WorkshopSheet | None, look: Look) -> Para:
    style = _style("sheet_subtitle", look.cell, textColor=MUTED, spaceAfter=4)
    if sheet is None:
        return Para("Atelier n° ……  du …… / …… / ……  ·  Lieu : ……………………………  ·  Animation (une fonction, "
                    "jamais un nom) : ……………………", style)
    parts = [ws.workshop_label(sheet), sheet.title, sheet.place,
             f"animation : {sheet.facilitator}" if sheet.facilitator else ""]
    return Para(text(" · ".join(p for p in parts if p)), style)


# --- the PDF ---------------------------------------------------------------------------------------------------


# Type sizes tried, largest first, until the sheet fits its page.
SIZES = tuple(round(7.0 - 0.2 * step, 1) for step in range(11))


def _content(sheet: ws.WorkshopSheet | None, context: SheetContext, blank_lines: tuple[ws.ActivityLine, ...],
             size: float) -> list[Flowable]:
    st = styles()
    look = sheet_look(size)
    title = context.job_label or "Métier : ……………………………………………"
    head = Para(f"<font size='8' color='#6B6B6B'>{SHEET_TITLE.upper()}</font><br/>{text(title)}",
                _style("sheet_title", st.h1, fontSize=16, leading=20, spaceAfter=2))
    content = [head, subtitle(sheet, look), *sheet_blocks(sheet, context, look, blank_lines)]
    if sheet is None:
        content.append(Para(f"Fiche vierge imprimée par {APP_NAME} le {format_date(date.today())}. Les scores "
                            "sont ceux de la méthode de l'OIT (potentiel technique, pas une prévision).",
                            _style("sheet_foot", look.note, spaceBefore=6)))
    return content


def _height(flowables: list[Flowable]) -> float:
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus.flowables import _listWrapOn

    canvas = Canvas(io.BytesIO())
    return _listWrapOn(flowables, FRAME_WIDTH, canvas)[1]


@dataclass(frozen=True)
class Page:
    flowables: list[Flowable]
    size: float  # the type size of its tables; below SIZES[-1] it was scaled down as a whole


def page(sheet: ws.WorkshopSheet | None, context: SheetContext,
         blank_lines: tuple[ws.ActivityLine, ...] = ()) -> Page:
    """One sheet as one page: the largest type that lets the whole sheet fit (reflowed, never cut); beyond the
    smallest, the sheet is scaled down as a whole. A bookmark names it in the PDF's outline."""
    title = context.job_label or "Feuille vierge"
    bookmark = Bookmark(f"{SHEET_TITLE} — {title}", 0)
    for size in SIZES:
        content = _content(sheet, context, blank_lines, size)
        if _height(content) <= FRAME_HEIGHT - 4:
            return Page([bookmark, *_content(sheet, context, blank_lines, size)], size)
    content = _content(sheet, context, blank_lines, SIZES[-1])
    fitted = KeepInFrame(FRAME_WIDTH, FRAME_HEIGHT - 4, content, mode="shrink", name="fiche")
    return Page([bookmark, fitted], SIZES[-1] * FRAME_HEIGHT / max(_height(content), 1))


def write_sheets_pdf(project: Project, ref: Referentiel, path: Path, sheet_ids: Iterable[str] = (), *,
                     blank_job: str | None = None, index: Index | None = None) -> Path:
    """« Fiche A4 (PDF) »: the sheets named (filled, one page each), and/or a blank sheet (`blank_job`: a job's
    code — its 2025 activities printed —, or "" for a sheet with nothing printed). ReportError in French."""
    by_id = {s.id: s for s in project.workshops}
    wanted = [by_id[i] for i in dict.fromkeys(sheet_ids) if i in by_id]
    if blank_job is not None and blank_job and blank_job not in ref.jobs:
        raise ReportError(f"Métier inconnu du référentiel : {blank_job}.")
    if not wanted and blank_job is None:
        raise ReportError("Aucune fiche d'atelier à imprimer : choisissez une fiche ou une fiche vierge.")
    story: list[Flowable] = []
    for sheet in wanted:
        if story:
            story.append(PageBreak())
        story += page(sheet, context_for(project, ref, sheet.job, sheet.impact, index)).flowables
    if blank_job is not None:
        if story:
            story.append(PageBreak())
        lines = ws.prefill_activities(project, ref, blank_job) if blank_job else ()
        story += page(None, context_for(project, ref, blank_job, None, index), lines).flowables
    commune = project.commune.strip() or "Commune"
    single = wanted[0] if len(wanted) == 1 and blank_job is None else None
    subject = (f"{SHEET_TITLE} — {ref.jobs[single.job].label}" if single and single.job in ref.jobs
               else f"Fiches d'atelier — {commune}")
    path = Path(path)
    with atomic_path(path) as tmp:
        doc = ReportDocTemplate(str(tmp), header=commune, footer=f"{SHEET_TITLE} — {format_date(date.today())}",
                                title=subject, author="", subject=subject,
                                keywords=("atelier", "IA générative", "métiers", commune))
        doc._firstPageTemplateIndex = 1  # no cover: every page has the running header and footer
        story.insert(0, doc.page_counter)
        try:
            doc.multiBuild(story, maxPasses=4)
        except OSError as exc:
            raise ReportError(f"La fiche n'a pas pu être écrite : {exc.strerror or exc}.") from exc
    return path
