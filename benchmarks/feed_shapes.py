"""Feed variants for ``bench_feeds.py``: the shared feeds' items re-serialised in many shapes.

A parser tuned on a few dozen documents can be fast on their shapes only. The items of
the clean shared feeds (rss-parser's inputs and the VnExpress feed, read once by
feedparser: title, link, id, HTML summary, date) are written back as the shapes feeds
take in the field, one document per source feed and shape:

- ``rss2``: RSS 2.0, escaped-HTML descriptions, RFC 822 dates;
- ``rss2_cdata_ns``: RSS 2.0 with CDATA descriptions and ``content:encoded``, and
  ``dc:``, ``media:``, ``atom:``, ``itunes:`` and ``slash:`` elements on every item;
- ``atom_html``: Atom 1.0, ``summary``/``content type="html"``, ISO 8601 dates;
- ``atom_xhtml``: Atom 1.0, ``content type="xhtml"`` (inline XHTML ``div``);
- ``rdf``: RSS 1.0 with ``dc:date``;
- ``entities``: RSS 2.0 whose text holds HTML's named references undeclared (``&nbsp;``,
  ``&eacute;``, ``&hellip;``...), one undefined one (``&nosuchname;``), and bare ``&`` in links;
- ``large``: one RSS 2.0 and one Atom document of every item (500+ each);
- ``cp1252``, ``cp1252_undeclared``: RSS 2.0 in windows-1252, declared and
  no declaration (mis-encoded: the reader must guess);
- ``bom_wrong_decl``: UTF-8 with a byte-order mark under a declaration that says
  ``windows-1252`` (a template's hard-coded header);
- ``entity_titles``: titles whose every non-ASCII letter and quote is a character
  reference, some escaped twice (``&amp;#8217;``, as WordPress writes them);
- ``atom_media``: YouTube-style Atom, the text in ``media:group/media:description``,
  ``yt:`` and ``media:`` elements and six namespaces on every entry;
- ``tiny_items``: two documents (RSS 2.0, Atom) of 3,000 items holding a title, link,
  id and date only;
- ``huge_item``: one item whose description is every summary of the shared feeds (~0.7 MB).

Deterministic (no randomness): the same bytes every run.
"""

from __future__ import annotations

import calendar
import email.utils
import gzip
import html
import re
import time
from pathlib import Path

import feedparser

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "rss_feeds"
SHAPES = (
    "rss2", "rss2_cdata_ns", "atom_html", "atom_xhtml", "rdf", "entities", "large",
    "cp1252", "cp1252_undeclared", "bom_wrong_decl", "entity_titles", "atom_media",
    "tiny_items", "huge_item",
)  # fmt: skip
_NS = (
    'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:media="http://search.yahoo.com/mrss/" '
    'xmlns:atom="http://www.w3.org/2005/Atom" '
    'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" '
    'xmlns:slash="http://purl.org/rss/1.0/modules/slash/"'
)
_NAMED = {"\xa0": "&nbsp;", "é": "&eacute;", "è": "&egrave;", "à": "&agrave;", "…": "&hellip;",
          "’": "&rsquo;", "“": "&ldquo;", "”": "&rdquo;", "–": "&ndash;", "—": "&mdash;",
          "ü": "&uuml;", "ö": "&ouml;", "©": "&copy;"}  # fmt: skip
_NAMED_RE = re.compile("|".join(_NAMED))

Item = dict[str, str]


def _read(path: Path) -> bytes:
    raw = path.read_bytes()
    return gzip.decompress(raw) if path.suffix == ".gz" else raw


def source_items() -> list[list[Item]]:
    """Per clean shared feed, its items as feedparser reads them (feeds with none left out)."""
    paths = sorted((DATA / "rss-parser" / "input").glob("*")) + sorted(
        (DATA / "vietnamese").glob("*.rss")
    )
    feeds = []
    for path in paths:
        if path.name == "unrecognized.rss":
            continue
        items = []
        for n, e in enumerate(feedparser.parse(_read(path)).entries):
            st = e.get("published_parsed") or e.get("updated_parsed")
            secs = calendar.timegm(st) if st else 1_500_000_000 + 3600 * n
            summary = e.get("summary") or ""
            content = (e.get("content") or [{}])[0].get("value", "") or summary
            items.append({
                "title": e.get("title") or f"Item {n}",
                "link": e.get("link") or f"https://example.org/{path.stem}/{n}",
                "id": e.get("id") or "",
                "summary": summary,
                "content": content,
                "secs": str(secs),
            })  # fmt: skip
        if items:
            feeds.append(items)
    return feeds


def _rfc822(it: Item, n: int) -> str:
    secs = int(it["secs"])
    if n % 3 == 0:
        return email.utils.formatdate(secs, usegmt=True)
    zone = 7 if n % 3 == 1 else -5
    local = time.gmtime(secs + zone * 3600)
    return (
        time.strftime("%a, %d %b %Y %H:%M:%S ", local)
        + f"{'+' if zone > 0 else '-'}{abs(zone):02d}00"
    )


def _iso(it: Item, n: int) -> str:
    secs = int(it["secs"])
    if n % 2:
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(secs))
    return time.strftime("%Y-%m-%dT%H:%M:%S+07:00", time.gmtime(secs + 7 * 3600))


def _x(text: str) -> str:
    return html.escape(text, quote=False)


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _rss(items: list[Item], *, ns: bool = False, head: str = "") -> str:
    out = [head, f'<rss version="2.0" {_NS if ns else ""}><channel><title>Shapes</title>',
           "<link>https://example.org/</link><description>variants</description>"]  # fmt: skip
    for n, it in enumerate(items):
        out.append("<item>")
        out.append(f"<title>{_x(it['title'])}</title><link>{_x(it['link'])}</link>")
        if it["id"]:
            out.append(f'<guid isPermaLink="false">{_x(it["id"])}</guid>')
        if ns:
            out.append(f"<description>{_cdata(it['summary'])}</description>")
            out.append(f"<content:encoded>{_cdata(it['content'])}</content:encoded>")
            out.append(f"<dc:creator>Writer {n % 7}</dc:creator><dc:subject>News</dc:subject>")
            out.append(
                f'<media:content url="https://img.example.org/{n}.jpg" medium="image">'
                f"<media:title>{_x(it['title'])}</media:title>"
                f"<media:description>{_x(it['title'])}</media:description></media:content>"
                f'<media:thumbnail url="https://img.example.org/{n}_t.jpg"/>'
                f'<atom:link rel="related" href="https://example.org/r/{n}"/>'
                f"<itunes:duration>00:0{n % 10}:00</itunes:duration><slash:comments>{n}"
                "</slash:comments><category>World</category><category>Asia</category>"
            )
        else:
            out.append(f"<description>{_x(it['summary'])}</description>")
        out.append(f"<pubDate>{_rfc822(it, n)}</pubDate></item>")
    out.append("</channel></rss>")
    return "".join(out)


def _xhtml(fragment: str) -> str:
    """An HTML fragment as well-formed XHTML (lxml's HTML parser, serialised as XML)."""
    from lxml import etree
    from lxml import html as lhtml

    try:
        div = lhtml.fragment_fromstring(fragment or "<p></p>", create_parent="div")
    except (etree.ParserError, ValueError):
        return f'<div xmlns="http://www.w3.org/1999/xhtml">{_x(fragment)}</div>'
    for el in div.iter():
        if isinstance(el.tag, str):
            for name in list(el.attrib):
                if ":" in name or not re.fullmatch(r"[A-Za-z_][\w.-]*", name):
                    del el.attrib[name]
    div.set("xmlns", "http://www.w3.org/1999/xhtml")
    text = etree.tostring(div, encoding="unicode", method="xml")
    try:
        etree.fromstring(text)
    except etree.XMLSyntaxError:
        return f'<div xmlns="http://www.w3.org/1999/xhtml">{_x(fragment)}</div>'
    return text


def _atom(items: list[Item], *, xhtml: bool = False) -> str:
    out = ['<?xml version="1.0" encoding="utf-8"?>',
           '<feed xmlns="http://www.w3.org/2005/Atom"><title>Shapes</title>',
           "<id>urn:shapes</id><updated>2024-01-01T00:00:00Z</updated>"]  # fmt: skip
    for n, it in enumerate(items):
        out.append(f'<entry><title type="html">{_x(it["title"])}</title>')
        out.append(f'<link rel="alternate" type="text/html" href="{html.escape(it["link"])}"/>')
        out.append(f'<link rel="enclosure" href="https://img.example.org/{n}.jpg"/>')
        out.append(f"<id>{_x(it['id'] or it['link'])}</id>")
        out.append(f"<published>{_iso(it, n)}</published><updated>{_iso(it, n)}</updated>")
        out.append("<author><name>Writer</name></author>")
        if xhtml:
            out.append(f'<content type="xhtml">{_xhtml(it["content"])}</content>')
        else:
            out.append(f'<summary type="html">{_x(it["summary"])}</summary>')
            out.append(f'<content type="html">{_x(it["content"])}</content>')
        out.append("</entry>")
    out.append("</feed>")
    return "".join(out)


def _rdf(items: list[Item]) -> str:
    out = ['<?xml version="1.0" encoding="utf-8"?>',
           '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
           'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">',
           '<channel rdf:about="https://example.org/"><title>Shapes</title>'
           "<link>https://example.org/</link><items><rdf:Seq>"]  # fmt: skip
    out += [f'<rdf:li rdf:resource="{html.escape(it["link"])}"/>' for it in items]
    out.append("</rdf:Seq></items></channel>")
    for n, it in enumerate(items):
        out.append(
            f'<item rdf:about="{html.escape(it["link"])}"><title>{_x(it["title"])}</title>'
            f"<link>{_x(it['link'])}</link><description>{_x(it['summary'])}</description>"
            f"<dc:date>{_iso(it, n)}</dc:date><dc:creator>Writer</dc:creator></item>"
        )
    out.append("</rdf:RDF>")
    return "".join(out)


def _entities(items: list[Item]) -> str:
    """RSS 2.0 with HTML named references undeclared, one undefined name, bare ``&``."""
    doc = _rss(items)
    doc = _NAMED_RE.sub(lambda m: _NAMED[m.group()], doc)
    doc = doc.replace("<title>Shapes</title>", "<title>Shapes &nosuchname; &amp; co</title>", 1)
    # bare "&" in query strings, as templates write them
    return re.sub(r"(<link>[^<]*)</link>", r"\1?utm_source=rss&utm_medium=feed</link>", doc)


def _entity_titles(items: list[Item]) -> str:
    """RSS 2.0 whose titles hold character references only, every other one escaped twice."""
    refs = [{**it, "title": "".join(c if c.isascii() else f"&#{ord(c)};" for c in it["title"])}
            for it in items]  # fmt: skip
    doc = _rss(refs)  # "&" escaped: "&amp;#7897;", text the reader unescapes once more
    titles = iter(range(len(items) + 1))
    return re.sub(  # every other title: "&#7897;", a reference the XML parser reads
        r"<title>[^<]*</title>",
        lambda m: m.group().replace("&amp;#", "&#") if next(titles) % 2 else m.group(),
        doc,
    )


def _atom_media(items: list[Item]) -> str:
    """YouTube-style Atom: ``media:group`` holds the description, ``yt:`` ids."""
    out = ['<?xml version="1.0" encoding="UTF-8"?><feed xmlns:yt="http://www.youtube.com/xml/'
           'schemas/2015" xmlns:media="http://search.yahoo.com/mrss/" xmlns="http://www.w3.org'
           '/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:georss="http://www.'
           'georss.org/georss" xmlns:gml="http://www.opengis.net/gml"><title>Shapes</title>']  # fmt: skip
    for n, it in enumerate(items):
        text = _TAG.sub(" ", it["summary"])
        out.append(
            f"<entry><id>yt:video:{n:011d}</id><yt:videoId>{n:011d}</yt:videoId>"
            f"<yt:channelId>UC{n % 5:022d}</yt:channelId><title>{_x(it['title'])}</title>"
            f'<link rel="alternate" href="{html.escape(it["link"])}"/><author><name>W</name>'
            f"<uri>https://example.org/c/{n % 5}</uri></author><published>{_iso(it, n)}"
            f"</published><updated>{_iso(it, n)}</updated><media:group><media:title>"
            f'{_x(it["title"])}</media:title><media:content url="https://example.org/v/{n}" '
            f'type="application/x-shockwave-flash" width="640" height="390"/>'
            f'<media:thumbnail url="https://img.example.org/{n}.jpg" width="480" height="360"/>'
            f"<media:description>{_x(text)}</media:description><media:community>"
            f'<media:starRating count="{n}" average="4.{n % 10}" min="1" max="5"/>'
            f'<media:statistics views="{n * 37}"/></media:community></media:group>'
            f"<georss:where><gml:Point><gml:pos>21.0 105.8</gml:pos></gml:Point></georss:where>"
            "</entry>"
        )
    out.append("</feed>")
    return "".join(out)


_TAG = re.compile(r"<[^>]*>")


def documents() -> dict[str, list[bytes]]:
    """Shape -> its documents (bytes), every clean shared feed once per shape."""
    feeds = source_items()
    every = [it for items in feeds for it in items]
    docs: dict[str, list[bytes]] = {shape: [] for shape in SHAPES}
    for items in feeds:
        docs["rss2"].append(_rss(items, head='<?xml version="1.0" encoding="utf-8"?>').encode())
        docs["rss2_cdata_ns"].append(_rss(items, ns=True).encode())
        docs["atom_html"].append(_atom(items).encode())
        docs["atom_xhtml"].append(_atom(items, xhtml=True).encode())
        docs["rdf"].append(_rdf(items).encode())
        docs["entities"].append(_entities(items).encode())
        head = '<?xml version="1.0" encoding="windows-1252"?>'
        docs["cp1252"].append(_rss(items, head=head).encode("cp1252", "xmlcharrefreplace"))
        docs["cp1252_undeclared"].append(_rss(items).encode("cp1252", "xmlcharrefreplace"))
        head = '<?xml version="1.0" encoding="windows-1252"?>'
        docs["bom_wrong_decl"].append(b"\xef\xbb\xbf" + _rss(items, head=head).encode())
        docs["entity_titles"].append(_entity_titles(items).encode())
        docs["atom_media"].append(_atom_media(items).encode())
    while len(every) < 500:
        every = every + every
    docs["large"] = [_rss(every).encode(), _atom(every).encode()]
    while len(every) < 3000:
        every = every + every
    tiny = [{**it, "summary": "", "content": ""} for it in every[:3000]]
    docs["tiny_items"] = [_rss(tiny).encode(), _atom(tiny).encode()]
    huge = [{**every[0], "summary": "".join(it["summary"] for items in feeds for it in items)}]
    docs["huge_item"] = [_rss(huge).encode()]
    return docs
