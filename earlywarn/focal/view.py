"""The perception summary for readers: country and language names, rendered as the
"Perception" section (HTML) or as text for the terminal.

Examples
--------
>>> import pandas as pd
>>> from earlywarn.focal.summary import summarize
>>> arts = pd.DataFrame({"article_id": ["a"], "language": ["en"], "country": ["USA"],
...     "outlet": ["x.com"], "title": ["Vietnam floods"], "url": ["https://x.com/a"],
...     "text": ["Floods killed ten in Vietnam."], "summary": [None],
...     "published": pd.to_datetime(["2024-03-01"], utc=True)})
>>> v = perception_view(summarize(arts, None, "VNM", ["CHN"], as_of="2024-03-02", days=7), "vi")
>>> v["country_name"], [r["name"] for r in v["countries"]], v["languages"][0]["name"]
('Việt Nam', ['Việt Nam', 'Trung Quốc'], 'Tiếng Anh')
>>> "Vietnam floods" in render_section(v, "en") and "Việt Nam" in format_text(v)
True
>>> de = arts.assign(article_id="b", language="de", title="Hochwasser in Vietnam", text="Vietnam.")
>>> v = perception_view(summarize(pd.concat([arts, de]), None, "VNM", as_of="2024-03-02", days=7))
>>> v["no_tone"], "no sentence tone (no lexicon; counted in volume and share only): German" in format_text(v)
(['German'], True)
"""

from __future__ import annotations

import math
from typing import Any

from earlywarn.extract.tone import TONE_METHODS
from earlywarn.focal.summary import PerceptionSummary
from earlywarn.labels import NARRATIVE_STATUS_NAMES, country_name, language_name
from earlywarn.report import plain_text

__all__ = ["format_text", "perception_view", "render_section"]


def _num(v: Any) -> float | None:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def _rows(frame: Any, key: str, namer: Any) -> list[dict[str, Any]]:
    out = []
    for r in frame.head(12).to_dict("records"):
        out.append(
            {
                "code": r[key],
                "name": plain_text(namer(r[key]), 60),
                "articles": int(r["articles"]),
                "share": _num(r["share"]),
                "tone": _num(r["tone"]),
                "new": bool(r.get("new", False)),
            }
        )
    return out


def _narratives(frame: Any, locale: str) -> list[dict[str, Any]] | None:
    if frame is None or not hasattr(frame, "to_dict") or frame.empty:
        return None
    out = []
    for r in frame.head(8).to_dict("records"):
        langs = r.get("languages")
        out.append(
            {
                "title": plain_text(r.get("title") or r.get("narrative_id"), 200),
                "articles": r.get("n_articles", ""),
                "languages": ", ".join(language_name(c, locale) for c in langs)
                if langs is not None and not isinstance(langs, str)
                else "",
                "status": NARRATIVE_STATUS_NAMES.get(str(r.get("status")), r.get("status") or ""),
            }
        )
    return out


def _pickups(frame: Any, locale: str) -> list[dict[str, Any]] | None:
    if frame is None or not hasattr(frame, "to_dict") or frame.empty:
        return None
    return [
        {
            "published": str(r["published"])[:10],
            "outlet": plain_text(r["outlet"], 60),
            "title": plain_text(r["title"], 200),
            "articles": int(r["articles"]),
            "foreign": int(r["foreign"]),
            "languages": ", ".join(language_name(x, locale) for x in r["languages"]),
            "first_hours": _num(r["first_hours"]),
        }
        for r in frame.head(12).to_dict("records")
    ]


def _series(frame: Any, locale: str) -> list[dict[str, Any]] | None:
    from earlywarn.labels import series_label
    from earlywarn.series.ids import parse_id

    if frame is None or not hasattr(frame, "to_dict") or frame.empty:
        return None
    return [
        {
            "unique_id": r["unique_id"],
            # the weekly perception series (``:w``, earlywarn.focal.series) count per week
            "label": plain_text(
                series_label(
                    r["unique_id"], "W" if parse_id(r["unique_id"]).label == "w" else "D", locale
                ),
                160,
            ),
            "days": int(r["days"]),
            "last": _num(r["last"]),
            "recent": _num(r["recent"]),
        }
        for r in frame.head(40).to_dict("records")
    ]


def perception_view(s: PerceptionSummary, locale: str = "en") -> dict[str, Any]:
    """Plain values with names in ``locale`` for the section template and the text form."""
    countries = [
        {
            "code": r["country"],
            "name": country_name(r["country"], locale),
            "role": r["role"],
            "articles": int(r["articles"]),
            "previous": int(r["previous"]),
            "share": _num(r["share"]),
            "tone": _num(r["tone"]),
            "negative": int(r["negative"]),
        }
        for r in s.countries.to_dict("records")
    ]
    arts = [
        {
            "published": str(r["published"])[:10],
            "outlet": plain_text(r["outlet"], 60),
            "language": language_name(r["language"], locale),
            "title": plain_text(r["title"], 200),
            "url": r["url"] if isinstance(r["url"], str) and r["url"].startswith("http") else None,
            "tone": _num(r["tone"]),
        }
        for r in s.articles.to_dict("records")
    ]
    return {
        "country": s.country,
        "country_name": country_name(s.country, locale),
        "start": s.start.isoformat(),
        "as_of": s.as_of.isoformat(),
        "total": s.total_articles,
        "focal": countries[0],
        "countries": countries,
        "languages": _rows(s.languages, "language", lambda c: language_name(c, locale)),
        "no_tone": [
            language_name(c, locale)
            for c in s.languages["language"]
            if str(c).split("-")[0] not in TONE_METHODS
        ],
        "sources": _rows(s.sources, "source", lambda c: country_name(c, locale) or "?"),
        "outlets": _rows(s.outlets, "outlet", lambda c: str(c)),
        "articles": arts,
        "narratives": _narratives(s.extras.get("narratives"), locale),
        "pickups": _pickups(s.extras.get("pickups"), locale),
        "series": _series(s.extras.get("series"), locale),
        "network": s.extras.get("network") or None,
    }


def render_section(view: dict[str, Any], locale: str = "en") -> Any:
    """The "Perception" section as HTML (``markupsafe.Markup``), in ``locale``."""
    from markupsafe import Markup

    from earlywarn.report._templates import report_env

    env = report_env(locale)
    return Markup(env.get_template("perception.html.j2").render(v=view))


def format_text(view: dict[str, Any]) -> str:
    """The summary for the terminal (names in the view's locale)."""

    def fmt(x: float | None, pct: bool = False) -> str:
        if x is None:
            return "–"
        return f"{x:.1%}" if pct else f"{x:+.2f}"

    def num(x: float | None) -> str:
        return "–" if x is None else f"{x:.3g}"

    lines = [
        f"Perception of {view['country_name']} ({view['country']}), "
        f"{view['start']} .. {view['as_of']}: {view['focal']['articles']} of {view['total']} articles",
        "",
        f"{'country':<24}{'articles':>9}{'previous':>9}{'share':>8}{'tone':>7}{'negative':>9}",
    ]
    for r in view["countries"]:
        name = f"{r['name']} ({r['code']})" + (" *" if r["role"] == "focal" else "")
        lines.append(
            f"{name[:24]:<24}{r['articles']:>9}{r['previous']:>9}{fmt(r['share'], True):>8}"
            f"{fmt(r['tone']):>7}{r['negative']:>9}"
        )
    if view.get("no_tone"):
        lines += [
            "",
            "no sentence tone (no lexicon; counted in volume and share only): "
            + ", ".join(view["no_tone"]),
        ]
    for title, key in (
        ("languages", "languages"),
        ("source countries", "sources"),
        ("outlets", "outlets"),
    ):
        if view[key]:
            lines += ["", f"top {title}:"]
            for r in view[key][:8]:
                new = "  (new)" if r["new"] else ""
                lines.append(
                    f"  {r['name'][:30]:<30}{r['articles']:>6}  share {fmt(r['share'], True):>6}"
                    f"  tone {fmt(r['tone'])}{new}"
                )
    if view.get("series"):
        lines += ["", f"series stored on {view['as_of']} (last value; last 7 days):"]
        lines += [
            f"  {r['unique_id'][:34]:<34}{r['days']:>5} d  {num(r['last']):>8}  {num(r['recent']):>8}"
            for r in view["series"]
        ]
    if view["narratives"]:
        lines += ["", "narratives:"] + [
            f"  {n['title']} ({n['languages']}; {n['articles']} articles; {n['status']})"
            for n in view["narratives"]
        ]
    if view.get("pickups"):
        lines += ["", "official statements and their pickup (articles, foreign, languages, first):"]
        for p in view["pickups"]:
            first = "" if p["first_hours"] is None else f"{p['first_hours']:.1f} h"
            lines.append(
                f"  {p['published']}  {p['outlet'][:18]:<18}  {p['title'][:50]:<50}"
                f"{p['articles']:>4}{p['foreign']:>4}  {p['languages'] or '–'}  {first}"
            )
    if view["articles"]:
        lines += ["", "most prominent articles:"]
        lines += [
            f"  {a['published']}  {a['outlet'][:20]:<20}  {a['title'][:70]}"
            for a in view["articles"][:10]
        ]
    return "\n".join(lines) + "\n"
