"""Draw ``diaspora/static/favicon.ico`` from the shapes of ``favicon.svg``.

Browsers ask for ``/favicon.ico`` on their own, and some cannot use an SVG icon, so the
repository keeps both. Run this after changing the SVG's shapes (Pillow comes with the app's
dependencies): ``.venv/bin/python scripts/make_favicon.py``.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

SCALE = 8  # draw at 256 × 256, then let Pillow shrink to the icon sizes
BLUE, SUN, WAVE = "#0172ad", "#ffc83d", "#ffffff"
TARGET = Path(__file__).resolve().parent.parent / "diaspora" / "static" / "favicon.ico"


def _bezier(p0, p1, p2, p3, steps: int = 24) -> list[tuple[float, float]]:
    points = []
    for i in range(steps + 1):
        t = i / steps
        u = 1 - t
        points.append(
            tuple(
                u**3 * a + 3 * u * u * t * b + 3 * u * t * t * c + t**3 * d
                for a, b, c, d in zip(p0, p1, p2, p3, strict=True)
            )
        )
    return points


def _wave(y: float) -> list[tuple[float, float]]:
    """The SVG's ``M4 y c3-2.4 5-2.4 8 0 s5 2.4 8 0 5-2.4 8 0``: three arches, up, down, up."""
    points: list[tuple[float, float]] = []
    for start, lift in ((4, -2.4), (12, 2.4), (20, -2.4)):
        points += _bezier((start, y), (start + 3, y + lift), (start + 5, y + lift), (start + 8, y))
    return [(x * SCALE, py * SCALE) for x, py in points]


def draw() -> Image.Image:
    size = 32 * SCALE
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    pen.rounded_rectangle((0, 0, size - 1, size - 1), radius=6 * SCALE, fill=BLUE)
    r = 6.5 * SCALE
    pen.ellipse((16 * SCALE - r, 13 * SCALE - r, 16 * SCALE + r, 13 * SCALE + r), fill=SUN)
    width = round(2.2 * SCALE)
    for y in (21.5, 26.5):
        line = _wave(y)
        pen.line(line, fill=WAVE, width=width, joint="curve")
        for x, py in (line[0], line[-1]):  # round caps
            pen.ellipse((x - width / 2, py - width / 2, x + width / 2, py + width / 2), fill=WAVE)
    return image


if __name__ == "__main__":
    draw().save(TARGET, sizes=[(16, 16), (32, 32), (48, 48)])
    print(f"Wrote {TARGET}")
