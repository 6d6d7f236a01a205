"""Typography and page layout of every PDF the program prints (the council report, and the workshop sheets later).

- DejaVu Sans, embedded: full French glyphs, including the narrow no-break space of French numbers (U+202F), which
  reportlab's built-in Helvetica cannot draw.
- A4 with mirrored margins (wider inner margin for binding), a running header with the commune, a « page X / Y »
  footer, headings that feed the table of contents and the PDF bookmarks.
- Colours come from `core/palette.py` only.

Keep it general: nothing here knows about chapters.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import KeepTogether
from reportlab.platypus.tableofcontents import TableOfContents

from cartographie_desktop import APP_NAME
from cartographie_desktop.core import palette
from cartographie_desktop.core.scoring import Band

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
FONT_ITALIC = "DejaVuSans-Oblique"
FONT_BOLD_ITALIC = "DejaVuSans-BoldOblique"
FONT_FILES = {
    FONT: "DejaVuSans.ttf",
    FONT_BOLD: "DejaVuSans-Bold.ttf",
    FONT_ITALIC: "DejaVuSans-Oblique.ttf",
    FONT_BOLD_ITALIC: "DejaVuSans-BoldOblique.ttf",
}
SVG_FAMILY = "DejaVu Sans"  # the family name matplotlib writes in its SVG text

PAGE_WIDTH, PAGE_HEIGHT = A4
INNER_MARGIN = 25 * mm  # binding side
OUTER_MARGIN = 18 * mm
TOP_MARGIN = 22 * mm
BOTTOM_MARGIN = 20 * mm
FRAME_WIDTH = PAGE_WIDTH - INNER_MARGIN - OUTER_MARGIN

INK = colors.HexColor(palette.INK)
MUTED = colors.HexColor(palette.MUTED)
GRID = colors.HexColor(palette.GRID)
ACCENT = colors.HexColor(palette.ACCENT)
PRIMARY = colors.HexColor(palette.BAND_COLOURS[Band.TRES])  # headings: the darkest band colour, sober
LIGHT = colors.HexColor(palette.BAND_COLOURS[Band.PAS])
BOX_FILL = colors.HexColor("#F5F5F2")  # the caveat box: a warm neutral grey, not a band colour


def band_colour(band: Band) -> colors.Color:
    return colors.HexColor(palette.BAND_COLOURS[band])


def band_text_colour(band: Band) -> colors.Color:
    return colors.HexColor(palette.BAND_TEXT_COLOURS[band])


@cache
def register_fonts() -> str:
    """Register DejaVu Sans (four faces) with reportlab once; returns the regular face's name."""
    from reportlab.lib.fonts import addMapping

    from cartographie_desktop.paths import resources_dir

    folder = resources_dir() / "fonts"
    for name, filename in FONT_FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(folder / filename)))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic=FONT_BOLD_ITALIC)
    for bold in (0, 1):
        for italic in (0, 1):
            addMapping(FONT, bold, italic, (FONT, FONT_ITALIC, FONT_BOLD, FONT_BOLD_ITALIC)[bold * 2 + italic])
    return FONT


def font_path(name: str = FONT) -> str:
    from cartographie_desktop.paths import resources_dir

    return str(resources_dir() / "fonts" / FONT_FILES[name])


# --- paragraph styles -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Styles:
    body: ParagraphStyle
    body_small: ParagraphStyle
    lead: ParagraphStyle  # the key sentences of the synthesis
    bullet: ParagraphStyle
    note: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    h3: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    cell_right: ParagraphStyle
    cell_center: ParagraphStyle
    cell_head: ParagraphStyle
    cell_head_right: ParagraphStyle
    caption: ParagraphStyle
    box_title: ParagraphStyle
    box_body: ParagraphStyle
    cover_title: ParagraphStyle
    cover_subtitle: ParagraphStyle
    cover_meta: ParagraphStyle
    toc_title: ParagraphStyle
    toc_levels: tuple[ParagraphStyle, ...]


@cache
def styles() -> Styles:
    register_fonts()

    def ps(name: str, **kw) -> ParagraphStyle:
        base = {"fontName": FONT, "fontSize": 9.5, "leading": 13.5, "textColor": INK, "spaceAfter": 5,
                "bulletFontName": FONT}
        base.update(kw)
        return ParagraphStyle(name, **base)

    cell = ps("cell", fontSize=8, leading=10, spaceAfter=0)
    return Styles(
        body=ps("body"),
        body_small=ps("body_small", fontSize=8.5, leading=11.5),
        lead=ps("lead", fontSize=11, leading=15.5, spaceAfter=7),
        bullet=ps("bullet", leftIndent=12, bulletIndent=2, spaceAfter=3),
        note=ps("note", fontSize=8, leading=10.5, textColor=MUTED, spaceAfter=4),
        h1=ps("h1", fontName=FONT_BOLD, fontSize=18, leading=23, textColor=PRIMARY, spaceBefore=0, spaceAfter=10),
        h2=ps("h2", fontName=FONT_BOLD, fontSize=12.5, leading=16, textColor=PRIMARY, spaceBefore=12, spaceAfter=5),
        h3=ps("h3", fontName=FONT_BOLD, fontSize=10, leading=13, textColor=INK, spaceBefore=8, spaceAfter=3),
        cell=cell,
        cell_bold=ParagraphStyle("cell_bold", parent=cell, fontName=FONT_BOLD),
        cell_right=ParagraphStyle("cell_right", parent=cell, alignment=TA_RIGHT),
        cell_center=ParagraphStyle("cell_center", parent=cell, alignment=TA_CENTER),
        cell_head=ParagraphStyle("cell_head", parent=cell, fontName=FONT_BOLD, textColor=colors.white),
        cell_head_right=ParagraphStyle("cell_head_right", parent=cell, fontName=FONT_BOLD, textColor=colors.white,
                                       alignment=TA_RIGHT),
        caption=ps("caption", fontSize=8, leading=10.5, textColor=MUTED, spaceBefore=2, spaceAfter=8),
        box_title=ps("box_title", fontName=FONT_BOLD, fontSize=10, leading=13, spaceAfter=4),
        box_body=ps("box_body", fontSize=9, leading=12.5, leftIndent=11, bulletIndent=1, spaceAfter=3),
        cover_title=ps("cover_title", fontName=FONT_BOLD, fontSize=26, leading=32, textColor=PRIMARY,
                       spaceAfter=14, alignment=TA_LEFT),
        cover_subtitle=ps("cover_subtitle", fontSize=16, leading=21, spaceAfter=6),
        cover_meta=ps("cover_meta", fontSize=10, leading=14.5, textColor=INK, spaceAfter=2),
        toc_title=ps("toc_title", fontName=FONT_BOLD, fontSize=18, leading=23, textColor=PRIMARY, spaceAfter=14),
        toc_levels=(
            ps("toc0", fontName=FONT_BOLD, fontSize=10.5, leading=14, spaceBefore=7, spaceAfter=1, leftIndent=0),
            ps("toc1", fontSize=9.5, leading=12.5, spaceAfter=0, leftIndent=14),
        ),
    )


NNBSP = "\u202f"
NNBSP_SCALE = 0.6  # DejaVu Sans: a narrow no-break space is 0.6 of a no-break space


_BEFORE_HIGH_PUNCTUATION = re.compile(r" ([;!?])")
_BEFORE_COLON = re.compile(r" :(?=\s|$|<)")


def french_spacing(markup: str) -> str:
    """French typography: no line break before « ; : ! ? » nor inside « », whatever the author typed.

    A narrow no-break space before « ; ! ? », a no-break space before « : » and inside the guillemets.
    """
    markup = _BEFORE_HIGH_PUNCTUATION.sub(NNBSP + r"\1", markup)
    markup = _BEFORE_COLON.sub("\u00a0:", markup)
    return markup.replace("« ", "«\u00a0").replace(" »", "\u00a0»")


class Para(Paragraph):
    """A paragraph that keeps French numbers whole: `1 234` and `38 %` never break across lines.

    reportlab breaks lines at U+202F (it counts it as white space) and draws a full space there; a no-break space
    (U+00A0) at 60 % of the font size has the narrow space's width and does not break.
    """

    def __init__(self, markup: str, style: ParagraphStyle, *args, **kwargs) -> None:
        markup = french_spacing(markup)
        if NNBSP in markup:
            markup = markup.replace(NNBSP, f'<font size="{style.fontSize * NNBSP_SCALE:.2f}">\u00a0</font>')
        super().__init__(markup, style, *args, **kwargs)


def text(value: object) -> str:
    """Any text from the user, the staffing table or the référentiel, made safe for reportlab's paragraph markup."""
    return escape(str(value))


def para(markup: str, style: ParagraphStyle) -> Paragraph:
    return Para(markup, style)


# --- headings, bookmarks, table of contents ---------------------------------------------------------------------


HEADING_ROOM = (0, 48 * mm, 32 * mm)  # room a heading needs below it, by level, or it starts the next page


class Heading(Para):
    """A heading: bookmarked in the PDF outline, listed in the table of contents if `toc`.

    It goes to the next page when less than `room` is left below it, so a heading never ends a page, while a long table
    after it can still start on the same page (reportlab's keepWithNext would push the whole table over).
    """

    _counter = 0

    def __init__(self, title: str, level: int, style: ParagraphStyle, *, toc: bool = True,
                 outline: bool = True, number: str = "", room: float | None = None) -> None:
        Heading._counter += 1
        self.room = HEADING_ROOM[min(level, 2)] if room is None else room
        self.key = f"h{Heading._counter}"
        self.title = title
        self.level = level
        self.toc = toc
        self.outline = outline
        label = f"{number}\u00a0\u00a0{title}" if number else title
        self.plain = f"{number} {title}" if number else title
        super().__init__(text(label), style)

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        width, height = super().wrap(avail_width, avail_height)
        if avail_height < height + self.room:
            return width, avail_height + 1  # too tall here: the frame moves it to the next page
        return width, height

    def split(self, avail_width: float, avail_height: float) -> list:
        return []  # a heading is never cut in two


class Bookmark(Flowable):
    """An invisible entry of the PDF outline (a title drawn elsewhere, e.g. inside a table)."""

    _counter = 0

    def __init__(self, title: str, level: int) -> None:
        super().__init__()
        Bookmark._counter += 1
        self.key = f"b{Bookmark._counter}"
        self.plain = title
        self.level = level
        self.toc = False
        self.outline = True

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        pass


def heading(title: str, level: int, *, toc: bool | None = None, outline: bool = True, number: str = "") -> Heading:
    st = styles()
    style = (st.h1, st.h2, st.h3)[min(level, 2)]
    return Heading(title, level, style, toc=level <= 1 if toc is None else toc, outline=outline, number=number)


def table_of_contents() -> TableOfContents:
    st = styles()
    toc = TableOfContents(dotsMinLevel=0)
    toc.levelStyles = list(st.toc_levels)
    toc.tableStyle = TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                 ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("LEFTPADDING", (0, 0), (-1, -1), 0)])
    return toc


class PageCounter(Flowable):
    """Takes part in `multiBuild`'s passes so the footer can print « page X / Y » with the final page count."""

    def __init__(self) -> None:
        super().__init__()
        self.used = 0  # the total printed in footers during this pass
        self.counted = 0  # the page count at the end of the last pass
        self.doc: BaseDocTemplate | None = None

    def isIndexing(self) -> int:
        return 1

    def notify(self, kind: str, stuff: object) -> None:
        """Every indexing flowable hears the TOC entries; the counter has nothing to do with them."""

    def isSatisfied(self) -> int:
        return int(self.used == self.counted and self.counted > 0)

    def beforeBuild(self) -> None:
        self.used = self.counted

    def afterBuild(self) -> None:
        self.counted = self.doc.page if self.doc is not None else 0

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        pass


class CancelledBuild(Exception):
    """Raised from inside reportlab's layout when the person cancels; turned into ReportCancelled by the caller."""


class ReportDocTemplate(BaseDocTemplate):
    """A4, mirrored margins, running header (commune) and footer (title, date, « page X / Y »), bookmarks, TOC.

    Page 1 is the cover (no header or footer). Odd and even pages alternate templates so the wider margin is always
    on the binding side.
    """

    def __init__(self, filename, *, header: str, footer: str, title: str, author: str, subject: str,
                 keywords: Sequence[str] = (), progress: Callable[[int, int, str], None] | None = None,
                 cancelled: Callable[[], bool] | None = None, expected_flowables: int = 0) -> None:
        register_fonts()
        super().__init__(
            filename, pagesize=A4, title=title, author=author or APP_NAME, subject=subject, creator=APP_NAME,
            producer=APP_NAME, keywords=list(keywords), lang="fr-FR", displayDocTitle=1, initialFontName=FONT,
            leftMargin=INNER_MARGIN, rightMargin=OUTER_MARGIN, topMargin=TOP_MARGIN, bottomMargin=BOTTOM_MARGIN,
            pageCompression=1,
        )
        self.header_text = header
        self.footer_text = footer
        self.page_counter = PageCounter()
        self.page_counter.doc = self
        self._progress = progress
        self._cancelled = cancelled
        self._expected = max(expected_flowables, 1)
        self._pass = 0
        self._seen = 0
        self._outline_level = -1
        height = PAGE_HEIGHT - TOP_MARGIN - BOTTOM_MARGIN

        def frame(x: float, fid: str) -> Frame:
            return Frame(x, BOTTOM_MARGIN, FRAME_WIDTH, height, id=fid, leftPadding=0, rightPadding=0,
                         topPadding=0, bottomPadding=0)

        self.addPageTemplates([
            PageTemplate("cover", [frame(INNER_MARGIN, "cover")], autoNextPageTemplate="even"),
            PageTemplate("odd", [frame(INNER_MARGIN, "odd")], onPage=self._decorate, autoNextPageTemplate="even"),
            PageTemplate("even", [frame(OUTER_MARGIN, "even")], onPage=self._decorate, autoNextPageTemplate="odd"),
        ])

    # -- decoration ---------------------------------------------------------------------------------------------

    def _decorate(self, canvas, doc) -> None:
        page = canvas.getPageNumber()
        odd = page % 2 == 1
        left = INNER_MARGIN if odd else OUTER_MARGIN
        right = PAGE_WIDTH - (OUTER_MARGIN if odd else INNER_MARGIN)
        canvas.saveState()
        canvas.setStrokeColor(GRID)
        canvas.setLineWidth(0.5)
        top = PAGE_HEIGHT - TOP_MARGIN + 7 * mm
        canvas.line(left, top - 2.2 * mm, right, top - 2.2 * mm)
        canvas.setFont(FONT, 8)
        canvas.setFillColor(MUTED)
        # The commune on the outer side, where the eye looks when leafing through.
        if odd:
            canvas.drawRightString(right, top, self.header_text)
        else:
            canvas.drawString(left, top, self.header_text)
        bottom = BOTTOM_MARGIN - 10 * mm
        total = self.page_counter.used
        number = f"page {page} / {total}" if total else f"page {page}"
        if odd:
            canvas.drawString(left, bottom, self.footer_text)
            canvas.drawRightString(right, bottom, number)
        else:
            canvas.drawString(left, bottom, number)
            canvas.drawRightString(right, bottom, self.footer_text)
        canvas.restoreState()

    # -- hooks ----------------------------------------------------------------------------------------------------

    def beforeDocument(self) -> None:
        self._pass += 1
        self._seen = 0
        self._outline_level = -1

    def afterFlowable(self, flowable: Flowable) -> None:
        self._seen += 1
        if self._cancelled is not None and self._seen % 25 == 0 and self._cancelled():
            raise CancelledBuild
        if self._progress is not None and self._seen % 25 == 0:
            self._progress(min(self._seen, self._expected), self._expected,
                           f"Mise en page du rapport (passe {self._pass})…")
        if isinstance(flowable, Heading | Bookmark):
            if flowable.outline:
                # The outline cannot skip a level: a sub-heading straight under a chapter is shown one level down.
                level = min(flowable.level, self._outline_level + 1)
                self._outline_level = level
                self.canv.bookmarkPage(flowable.key)
                self.canv.addOutlineEntry(flowable.plain, flowable.key, level=level, closed=level >= 1)
            if flowable.toc:
                self.notify("TOCEntry", (flowable.level, text(flowable.plain), self.page, flowable.key))


# --- tables -----------------------------------------------------------------------------------------------------

HEADER_FILL = PRIMARY


def data_table(rows: list[list], widths: Sequence[float], *, header_rows: int = 1,
               extra: Sequence[tuple] = (), zebra: bool = False, align_right: Sequence[int] = ()) -> Table:
    """A table with the house style: dark header repeated on each page, thin grey rules, no vertical lines."""
    table = Table(rows, colWidths=list(widths), repeatRows=header_rows, hAlign="LEFT", splitByRow=1)
    commands: list[tuple] = [
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("FONTSIZE", (0, 0), (-1, -1), 8),
        ("LEADING", (0, 0), (-1, -1), 10),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.6),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.6),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("LINEBELOW", (0, header_rows), (-1, -1), 0.4, GRID),
    ]
    if header_rows:
        commands += [
            ("BACKGROUND", (0, 0), (-1, header_rows - 1), HEADER_FILL),
            ("TEXTCOLOR", (0, 0), (-1, header_rows - 1), colors.white),
            ("FONTNAME", (0, 0), (-1, header_rows - 1), FONT_BOLD),
            ("VALIGN", (0, 0), (-1, header_rows - 1), "BOTTOM"),
        ]
    for col in align_right:
        commands.append(("ALIGN", (col, 0), (col, -1), "RIGHT"))
    if zebra:
        commands.append(("ROWBACKGROUNDS", (0, header_rows), (-1, -1), [colors.white, colors.HexColor("#F7F7F7")]))
    commands.extend(extra)
    table.setStyle(TableStyle(commands))
    return table


def band_chip(band: Band, label: str | None = None, width: float = 24 * mm) -> Table:
    """The band's colour with its name written on it: colour is never the only signal."""
    from cartographie_desktop.core.scoring import BAND_LABELS

    st = styles()
    style = ParagraphStyle("chip", parent=st.cell_center, textColor=band_text_colour(band))
    chip = Table([[Para(text(label or BAND_LABELS[band]), style)]], colWidths=[width])
    chip.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("BACKGROUND", (0, 0), (-1, -1), band_colour(band)),
        ("BOX", (0, 0), (-1, -1), 0.4, MUTED),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]))
    return chip


def boxed(flowables: list[Flowable], *, fill=BOX_FILL, border=MUTED, width: float = FRAME_WIDTH) -> Table:
    """A framed box (the caveats): one cell holding the flowables."""
    box = Table([[flowables]], colWidths=[width])
    box.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("BACKGROUND", (0, 0), (-1, -1), fill),
        ("BOX", (0, 0), (-1, -1), 0.8, border),
        ("LINEBEFORE", (0, 0), (0, -1), 3, border),
        ("LEFTPADDING", (0, 0), (-1, -1), 9),
        ("RIGHTPADDING", (0, 0), (-1, -1), 9),
        ("TOPPADDING", (0, 0), (-1, -1), 7),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
    ]))
    return box


def bullets(items: Sequence[str], style: ParagraphStyle | None = None) -> list[Paragraph]:
    """Bulleted paragraphs (items are markup: escape user text with `text()` first)."""
    style = style or styles().bullet
    return [Para(item, style, bulletText="•") for item in items]


def keep(flowables: list[Flowable]) -> KeepTogether:
    """Flowables kept on one page; their headings need no room of their own (the block moves as a whole)."""
    for flowable in flowables:
        if isinstance(flowable, Heading):
            flowable.room = 0
    return KeepTogether(flowables)


def gap(height_mm: float) -> Spacer:
    return Spacer(1, height_mm * mm)


# --- charts: matplotlib figure → SVG → vector drawing ------------------------------------------------------------


@cache
def _svg_font_map():
    from svglib.fonts import FontMap

    register_fonts()
    font_map = FontMap()
    # Map every name matplotlib may write to our registered faces, so svglib never asks fontconfig.
    weights = {"normal": False, "400": False, "500": False, "bold": True, "600": True, "700": True, "800": True}
    for family in (SVG_FAMILY, "DejaVuSans", "sans-serif", "DejaVu Sans Mono"):
        for weight, bold in weights.items():
            for style, italic in (("normal", False), ("italic", True), ("oblique", True)):
                face = (FONT, FONT_ITALIC, FONT_BOLD, FONT_BOLD_ITALIC)[bold * 2 + italic]
                font_map.register_font(family, weight=weight, style=style, rlgFontName=face)
    return font_map


def figure_drawing(figure, width: float):
    """A matplotlib Figure as a reportlab vector Drawing `width` points wide (text stays text, in DejaVu Sans).

    The SVG is written with `svg.fonttype = none` so the labels are real text drawn with the embedded font (the chart
    functions choose DejaVu Sans when they create the figure).
    """
    import matplotlib
    from lxml import etree
    from svglib.svglib import SvgRenderer

    # Set once, not in an rc_context: the report is built on a worker thread while the window may draw charts, and
    # toggling matplotlib's global settings from two threads is a race. Only SVG output reads these two.
    matplotlib.rcParams["svg.fonttype"] = "none"
    matplotlib.rcParams["svg.hashsalt"] = "cartographie"
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    root = etree.fromstring(buffer.getvalue(), parser=parser)
    _adapt_svg(root)
    drawing = SvgRenderer("", font_map=_svg_font_map()).render(root)
    scale = width / drawing.width
    drawing.scale(scale, scale)
    drawing.width, drawing.height = width, drawing.height * scale
    drawing.hAlign = "CENTER"
    drawing.initialFontName = FONT  # else reportlab starts each drawing in Helvetica, a font the PDF would not embed
    return drawing


# svglib draws neither the CSS `opacity` property nor pattern fills; matplotlib writes both (translucent regions,
# hatched « non détaillé » segments). These rewrites keep the chart's meaning in the PDF: opacity becomes fill and
# stroke opacity, and a hatch pattern becomes its background colour plus its lines, clipped to the shape.

_SVG = "{http://www.w3.org/2000/svg}"
_PATTERN_REF = re.compile(r"url\(#([^)]+)\)")
_LINE_PATH = re.compile(r"^[\sML0-9.eE+-]*$")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")
MAX_HATCH_TILES = 400


def _style(element) -> dict[str, str]:
    props = {}
    for part in (element.get("style") or "").split(";"):
        name, sep, value = part.partition(":")
        if sep:
            props[name.strip()] = value.strip()
    return props


def _set_style(element, props: dict[str, str]) -> None:
    element.set("style", "; ".join(f"{k}: {v}" for k, v in props.items()))


def _bbox(d: str) -> tuple[float, float, float, float] | None:
    values = [float(v) for v in _NUMBER.findall(d)]
    if len(values) < 4:
        return None
    xs, ys = values[0::2], values[1::2]
    return min(xs), min(ys), max(xs), max(ys)


def _shift(d: str, dx: float, dy: float) -> str:
    """Translate an absolute M/L path (x y pairs) by (dx, dy)."""
    pieces = _NUMBER.split(d)
    numbers = [float(v) for v in _NUMBER.findall(d)]
    out = [pieces[0]]
    for i, (value, rest) in enumerate(zip(numbers, pieces[1:], strict=True)):
        out.append(f"{value + (dx if i % 2 == 0 else dy):.3f}{rest}")
    return "".join(out)


def _adapt_svg(root) -> None:
    from lxml import etree

    for element in root.iter():
        props = _style(element)
        if "opacity" in props:
            try:
                alpha = float(props.pop("opacity"))
            except ValueError:
                continue
            for key in ("fill-opacity", "stroke-opacity"):
                props[key] = f"{alpha * float(props.get(key, 1) or 1):.4f}"
            _set_style(element, props)

    patterns = {p.get("id"): p for p in root.iter(f"{_SVG}pattern")}
    if not patterns:
        return
    defs = etree.SubElement(root, f"{_SVG}defs")
    count = 0
    for element in list(root.iter(f"{_SVG}path")):
        props = _style(element)
        match = _PATTERN_REF.fullmatch(props.get("fill", ""))
        pattern = patterns.get(match.group(1)) if match else None
        if pattern is None:
            continue
        background = next((r.get("fill") for r in pattern.iter(f"{_SVG}rect") if r.get("fill")), "none")
        props["fill"] = background
        _set_style(element, props)
        box = _bbox(element.get("d", ""))
        lines = [p for p in pattern.iter(f"{_SVG}path") if _LINE_PATH.match(p.get("d", ""))]
        try:
            tile_w, tile_h = float(pattern.get("width")), float(pattern.get("height"))
        except (TypeError, ValueError):
            continue
        if box is None or not lines or tile_w <= 0 or tile_h <= 0:
            continue
        x0, y0, x1, y1 = box
        tiles_x = range(int(x0 // tile_w), int(x1 // tile_w) + 1)
        tiles_y = range(int(y0 // tile_h), int(y1 // tile_h) + 1)
        if len(tiles_x) * len(tiles_y) > MAX_HATCH_TILES:
            continue
        count += 1
        clip_id = f"hatchclip{count}"
        clip = etree.SubElement(defs, f"{_SVG}clipPath", id=clip_id)
        etree.SubElement(clip, f"{_SVG}path", d=element.get("d"))
        group = etree.Element(f"{_SVG}g", {"clip-path": f"url(#{clip_id})"})
        for tx in tiles_x:
            for ty in tiles_y:
                for line in lines:
                    etree.SubElement(group, f"{_SVG}path", d=_shift(line.get("d"), tx * tile_w, ty * tile_h),
                                     style=line.get("style", ""))
        element.addnext(group)
