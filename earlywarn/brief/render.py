"""A brief as plain text, as an HTML section (report, review page), as a printable page.

Every text is stripped of HTML and escaped by Jinja2; only http(s) URLs are linked.
The page and the section carry a print stylesheet (``@media print``: A4, no
navigation, link targets printed after the links, stories not split across pages).

Examples
--------
>>> b = {"as_of": "2024-03-05", "previous": None, "focal_country": "VNM",
...      "focal_name": "Vietnam", "generated": "2024-03-06T06:00:00+00:00", "articles": 0,
...      "changes": {"new_alerts": [], "escalated": [], "resolved": [], "new_stories": [],
...                  "growing_stories": [], "focal": {"articles": 0, "previous": None,
...                  "by_language": {}}}, "stories": []}
>>> render_text(b).splitlines()[0]
'earlywarn morning brief, 2024-03-05 (changes since the start of the archive)'
>>> "@media print" in render_html(b)
True
"""

from __future__ import annotations

from functools import cache
from typing import Any

from markupsafe import Markup

__all__ = ["brief_section", "render_html", "render_text"]

_WIDTH = 100


@cache
def _env(locale: str = "en") -> Any:
    from importlib.resources import files

    import jinja2

    from earlywarn.i18n import jinja_env

    return jinja_env(
        jinja2.FileSystemLoader(str(files("earlywarn.brief").joinpath("templates"))),
        locale,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _css() -> str:
    from importlib.resources import files

    return files("earlywarn.brief").joinpath("templates", "brief.css").read_text("utf-8")


def _clean(brief: dict[str, Any]) -> dict[str, Any]:
    from earlywarn.report.html import plain_text, safe_url

    def alert(a: dict[str, Any]) -> dict[str, Any]:
        return {
            **a,
            "title": plain_text(a.get("title"), 200),
            "severity": plain_text(a.get("severity"), 12),
            "previous_severity": plain_text(a.get("previous_severity"), 12) or None,
            "how": plain_text(a.get("how"), 40),
        }

    def story(s: dict[str, Any]) -> dict[str, Any]:
        links = [
            {
                "title": plain_text(link.get("title") or link.get("url"), 200),
                "url": safe_url(link.get("url")),
                "outlet": plain_text(link.get("outlet"), 80),
                "language": plain_text(link.get("language"), 12),
                "published": plain_text(str(link.get("published") or "")[:10], 10),
            }
            for link in s.get("links") or []
        ]
        return {
            **s,
            "title": plain_text(s.get("title"), 300),
            "url": links[0]["url"] if links else None,
            "language": plain_text(s.get("language"), 12) or "und",
            "summary": [plain_text(x, 1200) for x in s.get("summary") or []],
            "outlets": [plain_text(o, 80) for o in s.get("outlets") or []],
            "languages": [plain_text(x, 12) for x in s.get("languages") or []],
            "links": links,
        }

    c = dict(brief.get("changes") or {})
    changes = {
        "new_alerts": [alert(a) for a in c.get("new_alerts") or []],
        "escalated": [alert(a) for a in c.get("escalated") or []],
        "resolved": [alert(a) for a in c.get("resolved") or []],
        "new_stories": [
            {**s, "title": plain_text(s.get("title"), 200)} for s in c.get("new_stories") or []
        ],
        "growing_stories": [
            {**s, "title": plain_text(s.get("title"), 200)} for s in c.get("growing_stories") or []
        ],
        "focal": {"articles": 0, "previous": None, "by_language": {}, **(c.get("focal") or {})},
    }
    return {
        **brief,
        "focal_name": plain_text(brief.get("focal_name"), 80),
        "changes": changes,
        "stories": [story(s) for s in brief.get("stories") or []],
    }


def brief_section(brief: dict[str, Any], *, with_css: bool = True, locale: str = "en") -> Markup:
    """The brief as an HTML ``<section id="brief">`` (with its stylesheet unless ``with_css``
    is false), ready to put at the top of a page; its labels in ``locale`` (``en``, ``vi``),
    the stories' titles and summaries in their own language."""
    b = _clean(brief)
    template = _env(locale).get_template("brief_section.html.j2")
    html = template.render(b=b, c=b["changes"], stories=b["stories"])
    if with_css:
        html = f"<style>{_css()}</style>\n{html}"
    return Markup(html)  # rendered by an autoescaping template


def render_html(brief: dict[str, Any], *, locale: str = "en") -> str:
    """The brief as a standalone, printable HTML page (no script, no remote resource)."""
    from earlywarn import __version__

    return str(
        _env(locale)
        .get_template("brief.html.j2")
        .render(
            b=_clean(brief),
            css=Markup(_css()),  # our own stylesheet
            section=brief_section(brief, with_css=False, locale=locale),
            version=__version__,
        )
    )


def _wrap(text: str, indent: str = "   ") -> list[str]:
    import textwrap

    return textwrap.wrap(text, _WIDTH, initial_indent=indent, subsequent_indent=indent) or [indent]


def render_text(brief: dict[str, Any]) -> str:
    """The brief as plain text (UTF-8, lines of at most ~100 characters)."""
    b = _clean(brief)
    c = b["changes"]
    since = b.get("previous") or "the start of the archive"
    lines = [
        f"earlywarn morning brief, {b['as_of']} (changes since {since})",
        f"{b.get('articles', 0)} new articles tonight; focal country {b['focal_name']} "
        f"({b['focal_country']})",
        "",
        "WHAT CHANGED",
    ]
    lines.append(f" * {len(c['new_alerts'])} new alerts")
    for a in c["new_alerts"]:
        lines += _wrap(
            f"[{a['severity'].upper()}] {a['title']}" + (" (reopened)" if a.get("reopened") else "")
        )
    lines.append(f" * {len(c['escalated'])} escalated")
    for a in c["escalated"]:
        lines += _wrap(f"{a['title']}: {a['previous_severity'] or '?'} -> {a['severity']}")
    lines.append(f" * {len(c['resolved'])} resolved or quiet")
    for a in c["resolved"]:
        lines += _wrap(f"{a['title']} ({a['how']})")
    lines.append(f" * {len(c['new_stories'])} new stories, {len(c['growing_stories'])} growing")
    for s in c["growing_stories"][:5]:
        lines += _wrap(f"{s['title']} (+{s['new_articles']}, {s['n_articles']} in all)")
    f = c["focal"]
    prev = f" ({f['previous']} on {b['previous']})" if f.get("previous") is not None else ""
    langs = ", ".join(f"{k} {v}" for k, v in (f.get("by_language") or {}).items())
    lines.append(
        f" * {b['focal_name']}: {f['articles']} articles tonight{prev}"
        + (f"; by language: {langs}" if langs else "")
    )
    lines += ["", "TOP STORIES"]
    if not b["stories"]:
        lines.append(" (no stories tonight)")
    for i, s in enumerate(b["stories"], 1):
        lines += ["", *_wrap(f"{i}. {s['title']}", "")]
        for sent in s["summary"]:
            lines += _wrap(sent)
        lines += _wrap(
            f"{s['n_articles']} articles, {len(s['outlets'])} outlets ({', '.join(s['outlets'])}); "
            f"languages: {', '.join(s['languages'])}"
        )
        for link in s["links"]:
            if link["url"]:
                lines.append(f"   - {link['url']}")
    return "\n".join(lines) + "\n"
