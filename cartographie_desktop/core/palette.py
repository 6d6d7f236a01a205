"""The one place that maps a band to its colour (window, charts, PDF, Excel).

A sequential light-to-dark blue (ColorBrewer « PuBu »-like): safe for the common colour-vision deficiencies, with
luminance strictly decreasing so that a grey print keeps the order, and sober — exposure is a trend to discuss, not an
alarm. Colour is never the only signal: the band is always written in words too.
"""

from __future__ import annotations

from cartographie_desktop.core.scoring import Band

BAND_COLOURS: dict[Band, str] = {
    Band.PAS: "#E8EEF7",
    Band.PEU: "#B3CDE3",
    Band.CONCERNE: "#6497C7",
    Band.TRES: "#1F4E8C",
}

# Text drawn on a band's colour (contrast ratio ≥ 4.5:1 in every case).
BAND_TEXT_COLOURS: dict[Band, str] = {
    Band.PAS: "#000000",
    Band.PEU: "#000000",
    Band.CONCERNE: "#000000",
    Band.TRES: "#FFFFFF",
}

# Neutral colours shared by charts and the report.
INK = "#1A1A1A"
MUTED = "#6B6B6B"
GRID = "#D9D9D9"
ACCENT = "#B8860B"  # the commune's decisions (kept human, overridden), distinct from the band scale


def hex_to_rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance, to check contrast and grey-print order in tests."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in hex_to_rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: str, b: str) -> float:
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)
