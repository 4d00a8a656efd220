"""Where an event happened: locative words and the location columns of the events table.

Examples
--------
>>> located_in_text("Talks were held in Hanoi.", 19)
True
>>> location_columns(None, None, None, None, None)
{'location_country': None, 'admin1': None, 'lat': None, 'lon': None}
"""

from __future__ import annotations

from earlywarn.extract.coding.resolve import LOCATIVES, Place
from earlywarn.extract.coding.text import normalize

__all__ = ["located_in_text", "location_columns"]


def located_in_text(text: str, start: int) -> bool:
    """Whether the word before offset ``start`` of (NFC) ``text`` is a locative."""
    before = normalize(text)[:start].split()
    return bool(before) and before[-1].lower() in LOCATIVES


def location_columns(
    country: str | None,
    admin1: str | None,
    lat: float | None,
    lon: float | None,
    fallback: Place | None,
) -> dict[str, object]:
    """Location columns: the sentence's place if it has one, else the article's (or none)."""
    if country or admin1 or lat is not None:
        return {"location_country": country, "admin1": admin1, "lat": lat, "lon": lon}
    if fallback is None:
        return {"location_country": None, "admin1": None, "lat": None, "lon": None}
    return {"location_country": fallback.country, "admin1": fallback.admin1,
            "lat": fallback.lat, "lon": fallback.lon}  # fmt: skip
