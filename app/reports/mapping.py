"""The map: Indonesia's provinces or kabupaten/kota as bubbles at their centroids, drawn server-side as SVG.

The centroids are the reference data's (data/reference/provinsi.csv, kabupaten_kota.csv); nothing is
loaded from the internet. A bubble's area grows with its count; a suppressed count ("<5") is drawn at
the smallest size and says "<5".
"""

from __future__ import annotations

import math
from html import escape

# Indonesia's extent (degrees) and the drawing size; equirectangular is faithful enough near the equator.
WEST, EAST, NORTH, SOUTH = 94.5, 141.5, 6.5, -11.5
WIDTH = 940
HEIGHT = round(WIDTH * (NORTH - SOUTH) / (EAST - WEST))
MAX_RADIUS = 26.0
MIN_RADIUS = 3.0


def project(lat: float, lng: float) -> tuple[float, float]:
    """Map coordinates of a point."""
    x = (lng - WEST) / (EAST - WEST) * WIDTH
    y = (NORTH - lat) / (NORTH - SOUTH) * HEIGHT
    return round(x, 1), round(y, 1)


def bubble_map(places: list[dict], all_points: list[tuple[float, float]], label: str) -> str:
    """SVG with a faint dot for every region and a bubble per counted place (code, name, lat, lng, count)."""
    counts = [place["count"] for place in places if isinstance(place["count"], int)]
    largest = max(counts, default=0) or 1
    parts = [
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" class="map" role="img" aria-label="{escape(label)}" '
        'xmlns="http://www.w3.org/2000/svg">',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#eef4f8"/>',
    ]
    for lat, lng in all_points:
        x, y = project(lat, lng)
        parts.append(f'<circle cx="{x}" cy="{y}" r="1.6" fill="#b7c4cc"/>')
    for place in sorted(places, key=lambda item: -(item["count"] if isinstance(item["count"], int) else 0)):
        count = place["count"]
        if count == 0:
            continue
        x, y = project(place["lat"], place["lng"])
        radius = (
            MIN_RADIUS if isinstance(count, str) else max(MIN_RADIUS, MAX_RADIUS * math.sqrt(count / largest))
        )
        title = escape(f"{place['name']}: {count}")
        parts.append(
            f'<circle cx="{x}" cy="{y}" r="{radius:.1f}" fill="#0b6e4f" fill-opacity=".55" stroke="#064b35" '
            f'data-code="{escape(place["code"])}"><title>{title}</title></circle>'
        )
    parts.append("</svg>")
    return "".join(parts)
