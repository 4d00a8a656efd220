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
'Morning brief · Mar 5, 2024 (Changes since the start of the archive)'
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


def _clean(brief: dict[str, Any], locale: str = "en") -> dict[str, Any]:
    """The brief with every text made plain; alert titles and the focal country's name in
    ``locale`` (the stored brief has them in English, as the rules write them), and its
    nights and publication days as the locale writes dates (``night``, ``previous_night``)."""
    from earlywarn.i18n import format_when
    from earlywarn.labels import alert_title, country_name
    from earlywarn.report.html import plain_text, safe_url

    def day(value: Any) -> str:
        text = plain_text(str(value or "")[:10], 10)
        return (format_when(text, locale) or text) if text else ""

    def alert(a: dict[str, Any]) -> dict[str, Any]:
        return {
            **a,
            "title": plain_text(alert_title(a, locale), 200),
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
                "published": day(link.get("published")),
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
        "focal_name": plain_text(
            country_name(brief["focal_country"], locale)
            if brief.get("focal_country")
            else brief.get("focal_name"),
            80,
        ),
        "night": day(brief.get("as_of")),
        "previous_night": day(brief.get("previous")),
        "changes": changes,
        "stories": [story(s) for s in brief.get("stories") or []],
    }


def brief_section(brief: dict[str, Any], *, with_css: bool = True, locale: str = "en") -> Markup:
    """The brief as an HTML ``<section id="brief">`` (with its stylesheet unless ``with_css``
    is false), ready to put at the top of a page; its labels in ``locale`` (``en``, ``vi``),
    the stories' titles and summaries in their own language."""
    b = _clean(brief, locale)
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
            b=_clean(brief, locale),
            css=Markup(_css()),  # our own stylesheet
            section=brief_section(brief, with_css=False, locale=locale),
            version=__version__,
        )
    )


def _wrap(text: str, indent: str = "   ") -> list[str]:
    import textwrap

    return textwrap.wrap(text, _WIDTH, initial_indent=indent, subsequent_indent=indent) or [indent]


def render_text(brief: dict[str, Any], *, locale: str = "en") -> str:
    """The brief as plain text (UTF-8, lines of at most ~100 characters), its labels in
    ``locale`` (``en``, ``vi``: the same catalogue as the HTML page), the stories' titles
    and summaries in their own language.

    Examples
    --------
    >>> b = {"as_of": "2024-03-05", "previous": "2024-03-04", "focal_country": "VNM",
    ...      "focal_name": "Việt Nam", "articles": 2, "changes": {}, "stories": []}
    >>> print(render_text(b, locale="vi").splitlines()[0])
    Bản tin sáng · 5 thg 3, 2024 (Thay đổi kể từ 4 thg 3, 2024)
    """
    from earlywarn.i18n import translations
    from earlywarn.labels import language_name

    tr_ = translations(locale)

    def tr(message: str, **kw: Any) -> str:
        return tr_.gettext(message) % kw if kw else tr_.gettext(message)

    def ngettext(singular: str, plural: str, num: int, **kw: Any) -> str:
        return tr_.ngettext(singular, plural, num) % {"num": num, **kw}

    b = _clean(brief, locale)
    c = b["changes"]
    since = (
        tr("Changes since %(night)s", night=b["previous_night"])
        if b.get("previous")
        else tr("Changes since the start of the archive")
    )
    lines = [
        f"{tr('Morning brief')} · {b['night']} ({since})",
        ngettext(
            "%(num)s new article tonight", "%(num)s new articles tonight", b.get("articles", 0)
        )
        + " · "
        + tr("focal country %(name)s (%(code)s)", name=b["focal_name"], code=b["focal_country"]),
        "",
        tr("What changed").upper(),
    ]
    lines.append(" * " + ngettext("%(num)s new alert", "%(num)s new alerts", len(c["new_alerts"])))
    for a in c["new_alerts"]:
        reopened = f" ({tr('reopened')})" if a.get("reopened") else ""
        lines += _wrap(f"[{tr(a['severity']).upper()}] {a['title']}{reopened}")
    lines.append(" * " + ngettext("%(num)s escalated", "%(num)s escalated", len(c["escalated"])))
    for a in c["escalated"]:
        before = tr(a["previous_severity"]) if a["previous_severity"] else "?"
        lines += _wrap(f"{a['title']}: {before} -> {tr(a['severity'])}")
    lines.append(
        " * "
        + ngettext("%(num)s resolved or quiet", "%(num)s resolved or quiet", len(c["resolved"]))
    )
    for a in c["resolved"]:
        lines += _wrap(f"{a['title']} ({tr(a['how']) if a['how'] else ''})")
    lines.append(
        " * "
        + ngettext("%(num)s new story", "%(num)s new stories", len(c["new_stories"]))
        + ", "
        + ngettext("%(num)s growing", "%(num)s growing", len(c["growing_stories"]))
    )
    for s in c["growing_stories"][:5]:
        grown = tr("+%(new)s, %(all)s in all", new=s["new_articles"], all=s["n_articles"])
        lines += _wrap(f"{s['title']} ({grown})")
    f = c["focal"]
    focal = f" * {b['focal_name']}: " + ngettext(
        "%(num)s article tonight", "%(num)s articles tonight", f["articles"]
    )
    if f.get("previous") is not None:
        night = b["previous_night"]
        focal += " (" + tr("%(num)s on %(night)s", num=f["previous"], night=night) + ")"
    if f.get("by_language"):
        langs = ", ".join(f"{language_name(k, locale)} {v}" for k, v in f["by_language"].items())
        focal += f"; {tr('by language')}: {langs}"
    lines += [focal, "", tr("Top stories").upper()]
    if not b["stories"]:
        lines.append(" " + tr("No stories tonight."))
    for i, s in enumerate(b["stories"], 1):
        lines += ["", *_wrap(f"{i}. {s['title']}", "")]
        for sent in s["summary"]:
            lines += _wrap(sent)
        meta = ngettext("%(num)s article", "%(num)s articles", s["n_articles"])
        if s.get("new_articles") is not None and s["new_articles"] != s["n_articles"]:
            meta += " (" + tr("%(num)s new", num=s["new_articles"]) + ")"
        meta += (
            "; "
            + ngettext("%(num)s outlet", "%(num)s outlets", len(s["outlets"]))
            + f": {', '.join(s['outlets'])}; {tr('languages')}: "
            + ", ".join(language_name(x, locale) for x in s["languages"])
        )
        lines += _wrap(meta)
        for link in s["links"]:
            if link["url"]:
                lines.append(f"   - {link['url']}")
    return "\n".join(lines) + "\n"
