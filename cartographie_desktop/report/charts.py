"""The charts of the window's Synthèse and of the council report: matplotlib `Figure`s, no Qt, no pyplot state.

Every function takes the aggregates (`core.aggregates.compute`) or the job results and returns a new `Figure` that the
caller renders where it likes (Qt canvas, SVG, PNG). They follow the band palette (`core.palette`), write the band in
words in every legend, format numbers the French way, stay legible when projected (fonts ≥ 12 pt at the default
size), and apply the privacy rule of the report's tables (`report.privacy`): in a breakdown, a group of fewer than k
agents is shown only as « < k », and band segments of fewer than k agents inside a group — with those one could work
out by subtraction from the exact totals — are pooled into one hatched « non détaillé » segment. Totals stay exact.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from matplotlib import font_manager, rc_context
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Polygon
from matplotlib.ticker import FuncFormatter, MaxNLocator, PercentFormatter

from cartographie_desktop.core.aggregates import NOT_SET, Aggregates, Cell, JobTotals
from cartographie_desktop.core.ilo import CATEGORY_2023_LABELS, CATEGORY_2025_LABELS
from cartographie_desktop.core.model import FILIERES, SEXES, Index
from cartographie_desktop.core.palette import BAND_COLOURS, BAND_TEXT_COLOURS, GRID, INK, MUTED
from cartographie_desktop.core.scoring import BANDS, Band, JobResult
from cartographie_desktop.core.text import NBSP, NNBSP, format_number, format_percent, plural
from cartographie_desktop.report.privacy import suppress

FONT_FAMILY = "DejaVu Sans"
BASE_FONT_SIZE = 12
DEFAULT_SIZE = (9.0, 5.0)  # inches: 900 × 500 px at 100 dpi
POOLED_COLOUR = "#FFFFFF"  # the pooled « non détaillé » segment: white with grey hatching (no band colour)
DIMENSION_TITLES = {
    "categorie": "Agents par catégorie et par bande",
    "filiere": "Agents par filière et par bande",
    "direction": "Agents par direction ou service et par bande",
    "sexe": "Agents par sexe et par bande",
}
NOT_SET_LABEL = "Non renseigné"
MAX_GROUPS = 12

_RC = {
    "font.family": FONT_FAMILY,
    "font.size": BASE_FONT_SIZE,
    "axes.titlesize": BASE_FONT_SIZE + 3,
    "axes.titleweight": "bold",
    "axes.labelsize": BASE_FONT_SIZE,
    "axes.edgecolor": MUTED,
    "axes.labelcolor": INK,
    "text.color": INK,
    "xtick.color": INK,
    "ytick.color": INK,
    "xtick.labelsize": BASE_FONT_SIZE,
    "ytick.labelsize": BASE_FONT_SIZE,
    "legend.fontsize": BASE_FONT_SIZE - 1,
    "legend.frameon": False,
    "hatch.color": MUTED,
}
_fonts_lock = threading.Lock()
_fonts_ready: list[bool] = []


def register_fonts() -> None:
    """Make matplotlib use the DejaVu TTFs shipped in `resources/fonts` (same glyphs in window, PDF and PNG)."""
    with _fonts_lock:
        if _fonts_ready:
            return
        try:
            from cartographie_desktop.paths import resources_dir

            for path in sorted((resources_dir() / "fonts").glob("DejaVuSans*.ttf")):
                font_manager.fontManager.addfont(str(path))
        except (FileNotFoundError, OSError, RuntimeError):
            pass  # matplotlib bundles the same DejaVu Sans: the charts still draw right
        _fonts_ready.append(True)


def _figure(size: tuple[float, float] | None) -> Figure:
    register_fonts()
    return Figure(figsize=size or DEFAULT_SIZE, dpi=100, layout="constrained")


def _decimal(decimals: int) -> FuncFormatter:
    return FuncFormatter(lambda value, _pos: format_number(value, decimals))


def band_legend(fig: Figure, *, pooled_k: int | None = None) -> None:
    """The four bands in words under the chart (colour is never the only signal), plus the pooled segment if any."""
    handles = [Patch(facecolor=BAND_COLOURS[b], edgecolor=MUTED, linewidth=0.6, label=b.label) for b in BANDS]
    if pooled_k is not None:
        handles.append(Patch(facecolor=POOLED_COLOUR, edgecolor=MUTED, hatch="///", linewidth=0.6,
                             label=f"non détaillé (moins de {pooled_k} agents, ou déductible)"))
    fig.legend(handles=handles, loc="outside lower center", ncol=4 if pooled_k is None else 3, handlelength=1.4,
               columnspacing=1.2)


def _empty(fig: Figure, title: str, message: str) -> Figure:
    ax = fig.add_subplot()
    ax.set_axis_off()
    ax.set_title(title, loc="left")
    ax.text(0.5, 0.5, message, ha="center", va="center", color=MUTED, transform=ax.transAxes, wrap=True)
    return fig


# --- agents by band -----------------------------------------------------------------------------------------------


def agents_by_band(agg: Aggregates, *, k: int = 3, size: tuple[float, float] | None = None,
                   title: str | None = None) -> Figure:
    """One bar per band: headcount on top, share of the agents with a job below it (totals are exact)."""
    del k  # whole-commune totals by band are not a breakdown of people: they stay exact
    with rc_context(_RC):
        fig = _figure(size)
        title = title or "Agents par bande d'exposition de leur métier"
        if not agg.assigned_agents:
            return _empty(fig, title, "Aucun agent n'est encore rattaché à un métier.")
        ax = fig.add_subplot()
        counts = [agg.bands[b].agents for b in BANDS]
        x = range(len(BANDS))
        bars = ax.bar(x, counts, color=[BAND_COLOURS[b] for b in BANDS], edgecolor=MUTED, linewidth=0.8, width=0.66)
        top = max(counts) or 1
        for bar, count in zip(bars, counts, strict=True):
            share = count / agg.assigned_agents
            ax.annotate(f"{plural(count, 'agent')}\n{format_percent(share)}", (bar.get_x() + bar.get_width() / 2,
                        bar.get_height()), xytext=(0, 4), textcoords="offset points", ha="center", va="bottom",
                        fontsize=BASE_FONT_SIZE + 1, fontweight="bold", color=INK)
        ax.set_xticks(list(x), [b.label for b in BANDS])
        ax.set_ylim(0, top * 1.3)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=5))
        ax.yaxis.set_major_formatter(_decimal(0))
        ax.set_ylabel("Agents")
        ax.spines[["top", "right"]].set_visible(False)
        ax.grid(axis="y", color=GRID, linewidth=0.8)
        ax.set_axisbelow(True)
        ax.set_title(title, loc="left")
        note = f"Sur les {plural(agg.assigned_agents, 'agent')} rattachés à un métier"
        if agg.unmatched_agents:
            note += f" ({format_number(agg.unmatched_agents)} sans métier, à vérifier)"
        ax.set_xlabel(note, fontsize=BASE_FONT_SIZE - 2, color=MUTED, labelpad=8)
        return fig


# --- breakdowns: catégorie, filière, direction, sexe × band -----------------------------------------------------


@dataclass(frozen=True, slots=True)
class GroupBar:
    """One group of a breakdown, after the privacy rule."""

    label: str
    total: int
    shown: dict[Band, int]  # bands of at least k agents (or 0)
    pooled: int  # agents of bands with fewer than k agents, not detailed
    hidden: bool  # the whole group has fewer than k agents: nothing but « < k »

    def share(self, count: int) -> float:
        return count / self.total if self.total else 0.0


def plain(text: str) -> str:
    """Text from the data drawn as is: a « $ » would otherwise start matplotlib's math mode."""
    return text.replace("$", r"\$")


def value_label(dimension: str, value: str) -> str:
    if value == NOT_SET or not value:
        return NOT_SET_LABEL
    if dimension == "filiere":
        return FILIERES.get(value, value)
    if dimension == "categorie":
        return f"Catégorie {value}"
    if dimension == "sexe":
        return SEXES.get(value, value)
    return value


def group_bars(cells_by_value: Mapping[str, Mapping[Band, Cell]], dimension: str, k: int,
               max_groups: int = MAX_GROUPS) -> list[GroupBar]:
    """The groups of one dimension, ordered, with small figures hidden as in the tables (pure, tested)."""
    items = [(value, {b: cells[b].agents for b in BANDS}) for value, cells in cells_by_value.items()]
    items = [(v, c) for v, c in items if sum(c.values())]
    if dimension in ("categorie", "sexe"):
        items.sort(key=lambda vc: (vc[0] == NOT_SET, vc[0]))
    else:
        items.sort(key=lambda vc: (vc[0] == NOT_SET, -sum(vc[1].values()), vc[0].casefold()))
    if len(items) > max_groups:  # the rest as one « Autres » group, so a long list of services stays readable
        head, tail = items[:max_groups - 1], items[max_groups - 1:]
        others = {b: sum(c[b] for _, c in tail) for b in BANDS}
        items = [*head, (f"Autres ({len(tail)})", others)]
    # The same cells as the report's tables are hidden (`report.privacy`): the small ones, and those one could work
    # out by subtraction from the exact totals.
    hidden = suppress([[counts[b] for b in BANDS] for _, counts in items], k)
    bars = []
    for r, (value, counts) in enumerate(items):
        total = sum(counts.values())
        label = value if value.startswith("Autres (") else plain(value_label(dimension, value))
        if hidden.totals[r]:
            bars.append(GroupBar(label, total, {}, 0, hidden=True))
            continue
        shown = {b: counts[b] for c, b in enumerate(BANDS) if not hidden.cells[r][c]}
        pooled = sum(counts[b] for c, b in enumerate(BANDS) if hidden.cells[r][c])
        bars.append(GroupBar(label, total, shown, pooled, hidden=False))
    return bars


def _segment_text(count: int, share: float, width_fraction: float, k: int) -> str:
    if width_fraction < 0.07:
        return ""
    if count < k:
        return f"<{NNBSP}{k}"
    if width_fraction < 0.13:
        return format_percent(share)
    return f"{format_percent(share)} ({format_number(count)})"


def breakdown(agg: Aggregates, dimension: str, *, k: int = 3, size: tuple[float, float] | None = None,
              title: str | None = None, max_groups: int = MAX_GROUPS, width: float | None = None) -> Figure:
    """Horizontal 100 % stacked bars: one per value of the dimension, segments by band, « 38 % (12) » in them.

    Without `size`, the height follows the number of groups (`width` inches wide, 9 by default).
    """
    with rc_context(_RC):
        bars = group_bars(agg.by.get(dimension, {}), dimension, k, max_groups)
        fig = _figure(size or (width or DEFAULT_SIZE[0], max(3.2, 1.7 + 0.55 * len(bars))))
        title = title or DIMENSION_TITLES.get(dimension, "Agents par bande")
        if not bars:
            return _empty(fig, title, "Aucune donnée pour cette répartition.")
        ax = fig.add_subplot()
        labels = []
        any_pooled = False
        for y, bar in enumerate(bars):
            if bar.hidden:
                small = bar.total < k
                labels.append(f"{bar.label} (<{NNBSP}{k})" if small else f"{bar.label} (n.{NBSP}d.)")
                ax.text(0.01, y, f"moins de {k} agents : non détaillé" if small else "non détaillé", va="center",
                        ha="left", color=MUTED, fontsize=BASE_FONT_SIZE - 1, fontstyle="italic")
                continue
            labels.append(f"{bar.label} ({format_number(bar.total)})")
            left = 0.0
            for band in BANDS:
                count = bar.shown.get(band, 0)
                if not count:
                    continue
                width = bar.share(count)
                ax.barh(y, width, left=left, color=BAND_COLOURS[band], edgecolor="white", linewidth=1.0, height=0.7)
                text = _segment_text(count, width, width, k)
                if text:
                    ax.text(left + width / 2, y, text, ha="center", va="center", color=BAND_TEXT_COLOURS[band],
                            fontsize=BASE_FONT_SIZE - 1)
                left += width
            if bar.pooled:
                any_pooled = True
                width = bar.share(bar.pooled)
                ax.barh(y, width, left=left, color=POOLED_COLOUR, edgecolor=MUTED, hatch="///", linewidth=0.6,
                        height=0.7)
                if bar.pooled < k and width >= 0.07:
                    ax.text(left + width / 2, y, f"<{NNBSP}{k}", ha="center", va="center", color=INK,
                            fontsize=BASE_FONT_SIZE - 1, bbox={"facecolor": "white", "edgecolor": "none", "pad": 2})
                elif width >= 0.13:
                    ax.text(left + width / 2, y, format_number(bar.pooled), ha="center", va="center", color=INK,
                            fontsize=BASE_FONT_SIZE - 1, bbox={"facecolor": "white", "edgecolor": "none", "pad": 2})
        ax.set_yticks(range(len(bars)), labels)
        ax.set_ylim(len(bars) - 0.5, -0.5)
        ax.set_xlim(0, 1)
        ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0, symbol=f"{NNBSP}%"))
        ax.xaxis.set_major_locator(MaxNLocator(nbins=5))
        ax.spines[["top", "right", "left"]].set_visible(False)
        ax.tick_params(axis="y", length=0)
        ax.set_title(title, loc="left")
        band_legend(fig, pooled_k=k if any_pooled else None)
        return fig


# --- share of activities by band -----------------------------------------------------------------------------


def task_share(agg: Aggregates, *, size: tuple[float, float] | None = None, title: str | None = None) -> Figure:
    """One 100 % bar: how the agents' activities split over the bands (weighted by agents)."""
    with rc_context(_RC):
        fig = _figure(size or (9.0, 2.6))
        title = title or "Part des activités des agents par bande"
        if not agg.assigned_agents:
            return _empty(fig, title, "Aucun agent n'est encore rattaché à un métier.")
        ax = fig.add_subplot()
        left = 0.0
        for band in BANDS:
            share = agg.task_share[band]
            if share <= 0:
                continue
            ax.barh(0, share, left=left, color=BAND_COLOURS[band], edgecolor="white", linewidth=1.0, height=0.6)
            if share >= 0.06:
                ax.text(left + share / 2, 0, format_percent(share), ha="center", va="center",
                        color=BAND_TEXT_COLOURS[band], fontsize=BASE_FONT_SIZE, fontweight="bold")
            left += share
        ax.set_xlim(0, 1)
        ax.set_ylim(-0.5, 0.5)
        ax.set_yticks([])
        ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0, symbol=f"{NNBSP}%"))
        ax.spines[["top", "right", "left"]].set_visible(False)
        ax.set_title(title, loc="left")
        band_legend(fig)
        return fig


# --- jobs: mean vs SD, with the ILO regions ---------------------------------------------------------------------

# Region polygons in (mean, SD) space, from the category rules of `core.ilo` (DOMAIN.md); S is the top of the axis
# (at most 0.5). Each region: (category id, polygon, shade, label position).
_SD_MAX = 0.5
Region = tuple[str, list[tuple[float, float]], float, tuple[float, float]]


def _regions_2025(s: float) -> list[Region]:
    below_l2 = [(0.4 - s, s), (0.0, s)] if s <= 0.4 else [(0.0, 0.4)]
    above_l2 = [(0.4 - s, s)] if s <= 0.4 else [(0.0, s), (0.0, 0.4)]
    return [
        ("gradient_4", [(0.6, 0), (1, 0), (1, s), (0.6, s)], 0.20, (0.8, 0.93 * s)),
        ("gradient_3", [(0.5, 0), (0.6, 0), (0.6, s), (0.5, s)], 0.14, (0.55, 0.93 * s)),
        ("gradient_2", [(0.4, 0.1), (0.5, 0), (0.5, s), (0.4, s)], 0.09, (0.45, 0.80 * s)),
        ("gradient_1", [(0.5 - s, s), (0.4, 0.1), (0.4, s)], 0.05, (0.36, 0.93 * s)),
        ("minimale", [(0.4, 0), (0.5, 0), (0.5 - s, s), *above_l2], 0.025, (0.17, min(0.3, 0.85 * s))),
        ("non_expose", [(0, 0), (0.4, 0), *below_l2], 0.0, (0.07, 0.17)),
    ]


def _regions_2023(s: float) -> list[Region]:
    return [
        ("automatisation", [(0.5, 0), (1, 0), (1, s), (0.5 + s, s)] if s < 0.5 else [(0.5, 0), (1, 0), (1, 0.5)],
         0.20, (0.88, 0.12)),
        ("grande_inconnue", [(0.4, 0), (0.5, 0), (min(0.5 + s, 1.0), min(s, 0.5)), (0.4, s)], 0.10,
         (0.62, 0.93 * s)),
        ("augmentation", [(0.5 - s, s), (0.4, 0.1), (0.4, s)], 0.05, (0.33, 0.88 * s)),
        ("non_concerne", [(0, 0), (0.4, 0), (0.4, 0.1), (0.5 - s, s), (0, s)], 0.0, (0.08, 0.2)),
    ]


def jobs_scatter(results: Iterable[JobResult], totals: Mapping[str, JobTotals] | None = None, *,
                 index: Index = "2025", size: tuple[float, float] | None = None, title: str | None = None,
                 label_top: int = 6) -> Figure:
    """Each job at (mean, SD) of its activity scores, coloured by band, sized by headcount, over the ILO regions."""
    with rc_context(_RC):
        fig = _figure(size or (9.0, 5.6))
        title = title or "Les métiers : score moyen et dispersion des activités"
        jobs = list(results)
        if not jobs:
            return _empty(fig, title, "Aucun métier à afficher.")
        ax = fig.add_subplot()
        sd_top = max(0.35, min(_SD_MAX, max(r.technical.sd for r in jobs) + 0.06))
        regions = _regions_2025(sd_top) if index == "2025" else _regions_2023(sd_top)
        names = CATEGORY_2025_LABELS if index == "2025" else CATEGORY_2023_LABELS
        for category, points, alpha, (lx, ly) in regions:
            if alpha:
                ax.add_patch(Polygon(points, closed=True, facecolor=MUTED, alpha=alpha * 0.6, edgecolor="none",
                                     zorder=0))
            ax.text(lx, ly, names[category].replace("Exposé – g", "G").replace("Potentiel d'", "Potentiel\nd'"),
                    ha="center", va="center", fontsize=BASE_FONT_SIZE - 2, color=MUTED, zorder=1)
        for xs, ys in _boundaries(index, sd_top):
            ax.plot(xs, ys, color=MUTED, linewidth=0.9, linestyle=(0, (4, 3)), zorder=1)
        totals = totals or {}
        by_band: dict[Band, list[JobResult]] = {}
        for result in jobs:
            by_band.setdefault(result.technical.band, []).append(result)
        for band in BANDS:
            group = by_band.get(band, [])
            if not group:
                continue
            sizes = [60 + 40 * (totals[r.code].agents if r.code in totals else 1) ** 0.5 for r in group]
            ax.scatter([r.technical.mean for r in group], [r.technical.sd for r in group], s=sizes,
                       color=BAND_COLOURS[band], edgecolors=INK, linewidths=0.8, zorder=3, label=band.label)
        _label_jobs(ax, sorted(jobs, key=lambda r: (-r.technical.mean, r.label))[:label_top], sd_top)
        ax.set_xlim(0, 1)
        ax.set_ylim(0, sd_top)
        ax.xaxis.set_major_formatter(_decimal(1))
        ax.yaxis.set_major_formatter(_decimal(2))
        edition = "gradients d'exposition de l'OIT (2025)" if index == "2025" else "catégories de l'OIT (2023)"
        ax.set_xlabel(f"Score moyen des activités (exposition technique)\nZones : {edition}")
        ax.set_ylabel("Écart type des scores des activités")
        ax.spines[["top", "right"]].set_visible(False)
        ax.set_title(title, loc="left")
        band_legend(fig)
        return fig


def _label_jobs(ax: Any, ranked: Sequence[JobResult], sd_top: float) -> None:
    """Name the most exposed jobs in a column of labels right of their points, linked by thin lines.

    Exposed jobs crowd in one corner; labels set side by side there overlap. A column, ordered like the points and
    spaced by one line, stays legible at any size (the figure's height is known, its final layout is not).
    """
    if not ranked:
        return
    line = 0.062 * sd_top  # one line of label text in SD units (≈ 10 pt on the default figure)
    column_x = min(max(r.technical.mean for r in ranked) + 0.05, 0.68)
    placed: list[float] = []
    for result in sorted(ranked, key=lambda r: -r.technical.sd):
        y = min(result.technical.sd, sd_top - line / 2)
        if placed:
            y = min(y, placed[-1] - line)
        placed.append(y)
    shift = max(0.0, line / 2 - placed[-1])  # keep the lowest label inside the axes
    for result, y in zip(sorted(ranked, key=lambda r: -r.technical.sd), placed, strict=True):
        point = (result.technical.mean, result.technical.sd)
        ax.annotate(plain(_short(result.label, 25)), point, xytext=(column_x, y + shift), textcoords="data",
                    va="center", ha="left", fontsize=BASE_FONT_SIZE - 2, color=INK, zorder=4,
                    bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8, "pad": 1},
                    arrowprops={"arrowstyle": "-", "color": MUTED, "linewidth": 0.7, "shrinkA": 0, "shrinkB": 4})


def _boundaries(index: Index, s: float) -> list[tuple[list[float], list[float]]]:
    """The dashed lines between the ILO regions (each drawn once)."""
    if index == "2025":
        return [([0.6, 0.6], [0, s]), ([0.5, 0.5], [0, s]), ([0.4, 0.4], [0.1, s]),
                ([0.5, 0.5 - s], [0, s]), ([0.4, max(0.4 - s, 0.0)], [0, min(s, 0.4)])]
    return [([0.4, 0.4], [0, s]), ([0.5, min(0.5 + s, 1.0)], [0, min(s, 0.5)]), ([0.4, 0.5 - s], [0.1, s])]


def _short(label: str, width: int = 28) -> str:
    return label if len(label) <= width else label[: width - 1].rstrip() + "…"


def all_charts(agg: Aggregates, results: Sequence[JobResult], *, index: Index = "2025", k: int = 3,
               dimensions: Sequence[str] = ("categorie", "filiere", "direction", "sexe")) -> dict[str, Figure]:
    """The charts of the Synthèse, by id, in reading order (the report may pick among them)."""
    charts = {"bands": agents_by_band(agg, k=k), "tasks": task_share(agg)}
    for dimension in dimensions:
        charts[dimension] = breakdown(agg, dimension, k=k)
    charts["scatter"] = jobs_scatter(results, agg.jobs, index=index)
    return charts
