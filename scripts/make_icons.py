"""Draw the application icon: an SVG from the band palette, PNGs at the usual sizes, and a multi-size `.ico` for the
Windows executable. Run from the repository root: `python scripts/make_icons.py` (needs PySide6 and Pillow).

The icon is four bars rising through the four band colours on a white tile: the program's chart, legible at 16 px.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cartographie_desktop.core.palette import BAND_COLOURS  # noqa: E402
from cartographie_desktop.core.scoring import BANDS, Band  # noqa: E402

ICONS = ROOT / "resources" / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256)
NAME = "cartographie"


def svg() -> str:
    frame = BAND_COLOURS[Band.TRES]
    bars = []
    for n, band in enumerate(BANDS):
        height = 52 + 36 * n
        x = 38 + 47 * n
        bars.append(f'  <rect x="{x}" y="{214 - height}" width="38" height="{height}" rx="5" '
                    f'fill="{BAND_COLOURS[band]}" stroke="{frame}" stroke-width="7"/>')
    return "\n".join([
        '<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256">',
        "  <title>Cartographie IA des métiers</title>",
        f'  <rect x="8" y="8" width="240" height="240" rx="44" fill="#FFFFFF" stroke="{frame}" stroke-width="12"/>',
        *bars,
        "</svg>",
        "",
    ])


def main() -> None:
    from PIL import Image
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    ICONS.mkdir(parents=True, exist_ok=True)
    source = ICONS / f"{NAME}.svg"
    source.write_text(svg(), encoding="utf-8")
    app = QGuiApplication.instance() or QGuiApplication(["make_icons", "-platform", "offscreen"])
    renderer = QSvgRenderer(str(source))
    pngs = []
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        path = ICONS / f"{NAME}-{size}.png"
        image.save(str(path), "PNG")
        pngs.append(path)
    largest = Image.open(pngs[-1])
    largest.save(ICONS / f"{NAME}.ico", sizes=[(s, s) for s in SIZES])
    del app
    print(f"{len(pngs)} PNG, 1 ICO et 1 SVG écrits dans {ICONS}")


if __name__ == "__main__":
    main()
