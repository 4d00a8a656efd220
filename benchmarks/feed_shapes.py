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
- ``huge_item``: one item whose description is every summary of the shared feeds (~0.7 MB);
- ``fulltext``: WordPress-style full-text RSS, tab-indented over many lines: a short CDATA
  excerpt and a ~15 KB ``content:encoded`` HTML body per item (the following items'
  bodies as paragraphs, figures, links and an inline ``<script>``/``<style>``), ``wfw:``,
  ``slash:``, ``dc:`` and five categories;
- ``fulltext_only``: RSS 2.0 with no description, the ~15 KB body escaped (not CDATA) in
  ``content:encoded``, the summary's only source;
- ``podcast``: an iTunes podcast feed: channel ``itunes:owner``/``image``/nested
  ``category``; per item ``enclosure``, ``itunes:`` title, subtitle, summary, duration,
  episode, image and explicit, several ``media:content``, and on every other item the text
  in ``itunes:summary`` only (no description), as older podcast feeds write it;
- ``blogger_atom``: Blogger-style Atom: ``content type="html"`` only (no summary), ten
  categories, five links with the alternate one last, ``thr:``, ``gd:``, ``media:``;
- ``double_escaped``: RSS 2.0 whose summaries are escaped HTML escaped again
  (``&amp;lt;p&amp;gt;``) and titles holding ``&amp;amp;`` and ``&amp;quot;``;
- ``entities_dense``: RSS 2.0 whose every letter HTML names is a named reference
  (undeclared), the rest character references, and an undefined name (``&nosuch3;``) in
  every item's title and description;
- ``illformed``: RSS 2.0 not well-formed in one of three ways, per source feed in turn: a
  stray ``<`` and ``&`` in every third item's title (``Q&A: a<b``), a broken attribute
  quote in every fifth item, or the document cut short at two thirds of its bytes;
- ``json_feed``: JSON Feed 1.1 (``content_html``); feedparser (6.0) cannot read JSON Feed,
  so its time and the parity are taken on the same items as RSS 2.0 (the ``rss2`` documents).

Deterministic (no randomness): the same bytes every run.
"""

from __future__ import annotations

import calendar
import email.utils
import gzip
import html
import html.entities
import json
import re
import time
from pathlib import Path

import feedparser

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "rss_feeds"
SHAPES = (
    "rss2", "rss2_cdata_ns", "atom_html", "atom_xhtml", "rdf", "entities", "large",
    "cp1252", "cp1252_undeclared", "bom_wrong_decl", "entity_titles", "atom_media",
    "tiny_items", "huge_item", "fulltext", "fulltext_only", "podcast", "blogger_atom",
    "double_escaped", "entities_dense", "illformed", "json_feed",
)  # fmt: skip
# shapes feedparser cannot read: the shape whose documents hold the same items for it
FEEDPARSER_READS = {"json_feed": "rss2"}
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


def _body(every: list[Item], n: int, size: int = 15_000) -> str:
    """A long HTML article body: item ``n``'s content and the following items' as paragraphs."""
    parts = [f'<figure><img src="https://img.example.org/{n}.jpg" alt="{html.escape(every[n]["title"])}"'
             ' width="800" height="450"/><figcaption>Photo</figcaption></figure>']  # fmt: skip
    k, length = n, 0
    while length < size:
        it = every[k % len(every)]
        text = it["content"] or it["summary"] or it["title"]
        para = (f'<p>{text} <a href="{html.escape(it["link"])}">{_x(it["title"])}</a></p>'
                if k % 4 else f"<h2>{_x(it['title'])}</h2><p><strong>{text}</strong></p>")  # fmt: skip
        if k % 9 == 4:
            para += '<script type="text/javascript">window.ads = window.ads || []; ads.push({slot: "mid"});</script>'
        if k % 11 == 5:
            para += "<style>.wp-block-image{margin:0 auto}</style>"
        parts.append(para)
        length += len(para)
        k += 1
    return "\n".join(parts)


def _fulltext(items: list[Item], every: list[Item], start: int, *, cdata: bool) -> str:
    """WordPress-style RSS 2.0, tab-indented: excerpt + long ``content:encoded`` per item."""
    out = ['<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"\n'
           '\txmlns:content="http://purl.org/rss/1.0/modules/content/"\n'
           '\txmlns:wfw="http://wellformedweb.org/CommentAPI/"\n'
           '\txmlns:dc="http://purl.org/dc/elements/1.1/"\n'
           '\txmlns:atom="http://www.w3.org/2005/Atom"\n'
           '\txmlns:sy="http://purl.org/rss/1.0/modules/syndication/"\n'
           '\txmlns:slash="http://purl.org/rss/1.0/modules/slash/"\n\t>\n\n<channel>\n'
           '\t<title>Shapes</title>\n\t<atom:link href="https://example.org/feed/" rel="self" '
           'type="application/rss+xml" />\n\t<link>https://example.org</link>\n'
           '\t<description>variants</description>\n\t<sy:updatePeriod>\n\thourly\t</sy:updatePeriod>\n'
           '\t<generator>https://wordpress.org/?v=6.4.2</generator>\n']  # fmt: skip
    for n, it in enumerate(items):
        body = _body(every, start + n)
        excerpt = _TAG.sub("", it["summary"])[:300]
        out.append(
            f"\t<item>\n\t\t<title>{_x(it['title'])}</title>\n\t\t<link>{_x(it['link'])}</link>\n"
            f"\t\t<comments>{_x(it['link'])}#respond</comments>\n"
            f"\t\t<dc:creator><![CDATA[Writer {n % 7}]]></dc:creator>\n"
            f"\t\t<pubDate>{_rfc822(it, n)}</pubDate>\n"
            + "".join(f"\t\t<category><![CDATA[{c}]]></category>\n"
                      for c in ("World", "Asia", "Politics", f"Tag {n % 13}", "News"))
            + f'\t\t<guid isPermaLink="false">https://example.org/?p={start + n}</guid>\n'
        )  # fmt: skip
        if cdata:
            out.append(
                f"\n\t\t<description>{_cdata(excerpt + ' [&#8230;]')}</description>\n"
                f"\t\t\t\t\t\t\t\t\t\t<content:encoded>{_cdata(body)}</content:encoded>\n"
            )
        else:
            out.append(f"\t\t<content:encoded>{_x(body)}</content:encoded>\n")
        out.append(
            f"\t\t<wfw:commentRss>{_x(it['link'])}/feed/</wfw:commentRss>\n"
            f"\t\t<slash:comments>{n % 17}</slash:comments>\n\t</item>\n"
        )
    out.append("\t</channel>\n</rss>\n")
    return "".join(out)


def _podcast(items: list[Item]) -> str:
    """An iTunes podcast feed, pretty-printed; every other item's text in itunes:summary only."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
           'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" '
           'xmlns:googleplay="http://www.google.com/schemas/play-podcasts/1.0" '
           'xmlns:atom="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/" '
           'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
           'xmlns:podcast="https://podcastindex.org/namespace/1.0">\n  <channel>\n'
           '    <title>Shapes</title>\n    <link>https://example.org/</link>\n'
           '    <language>en-us</language>\n    <itunes:author>Shapes</itunes:author>\n'
           '    <itunes:owner>\n      <itunes:name>Owner</itunes:name>\n'
           '      <itunes:email>o@example.org</itunes:email>\n    </itunes:owner>\n'
           '    <itunes:image href="https://img.example.org/show.jpg"/>\n'
           '    <itunes:category text="News">\n      <itunes:category text="Politics"/>\n'
           '    </itunes:category>\n    <itunes:explicit>false</itunes:explicit>\n'
           '    <description>variants</description>\n']  # fmt: skip
    for n, it in enumerate(items):
        text = it["summary"]
        out.append(
            f"    <item>\n      <title>{_x(it['title'])}</title>\n"
            f"      <itunes:title>{_x(it['title'])}</itunes:title>\n"
            f"      <link>{_x(it['link'])}</link>\n"
            f'      <guid isPermaLink="false">{_x(it["id"] or it["link"])}</guid>\n'
            f"      <pubDate>{_rfc822(it, n)}</pubDate>\n"
            f'      <enclosure url="https://cdn.example.org/ep{n}.mp3" length="{n * 9973}" '
            'type="audio/mpeg"/>\n'
            f"      <itunes:subtitle>{_x(_TAG.sub(' ', text)[:120])}</itunes:subtitle>\n"
        )  # fmt: skip
        if n % 2:
            out.append(f"      <itunes:summary>{_x(_TAG.sub(' ', text))}</itunes:summary>\n")
        else:
            out.append(f"      <description>{_cdata(text)}</description>\n")
            out.append(f"      <content:encoded>{_cdata(text)}</content:encoded>\n")
        out.append(
            f"      <itunes:duration>{n % 2}:{n % 60:02d}:{(7 * n) % 60:02d}</itunes:duration>\n"
            f"      <itunes:episode>{n + 1}</itunes:episode>\n"
            "      <itunes:episodeType>full</itunes:episodeType>\n"
            "      <itunes:explicit>false</itunes:explicit>\n"
            f'      <itunes:image href="https://img.example.org/ep{n}.jpg"/>\n'
            + "".join(f'      <media:content url="https://cdn.example.org/ep{n}.{ext}" '
                      f'type="audio/{ext}" fileSize="{n * 7919}" medium="audio"/>\n'
                      for ext in ("mp3", "aac", "ogg"))
            + f'      <podcast:transcript url="https://example.org/t/{n}.vtt" type="text/vtt"/>\n'
            "    </item>\n"
        )  # fmt: skip
    out.append("  </channel>\n</rss>\n")
    return "".join(out)


def _blogger(items: list[Item], every: list[Item], start: int) -> str:
    """Blogger-style Atom: html content only, ten categories, the alternate link last."""
    out = ["<?xml version='1.0' encoding='UTF-8'?><feed xmlns='http://www.w3.org/2005/Atom' "
           "xmlns:openSearch='http://a9.com/-/spec/opensearchrss/1.0/' "
           "xmlns:blogger='http://schemas.google.com/blogger/2008' "
           "xmlns:georss='http://www.georss.org/georss' "
           "xmlns:gd='http://schemas.google.com/g/2005' "
           "xmlns:thr='http://purl.org/syndication/thread/1.0'><id>tag:blogger.com,1999:blog-1"
           "</id><updated>2024-01-01T00:00:00.000-08:00</updated><title type='text'>Shapes"
           "</title><openSearch:totalResults>99</openSearch:totalResults>"]  # fmt: skip
    for n, it in enumerate(items):
        body = _body(every, start + n, size=6_000)
        link = html.escape(it["link"])
        out.append(
            f"<entry><id>tag:blogger.com,1999:blog-1.post-{start + n}</id>"
            f"<published>{_iso(it, n)}</published><updated>{_iso(it, n + 1)}</updated>"
            + "".join(f"<category scheme='http://www.blogger.com/atom/ns#' term='{t}'/>"
                      for t in ("World", "Asia", "Politics", "Economy", "Vietnam", "Sports",
                                "Health", f"Tag {n % 13}", f"Tag {n % 7}", "Opinion"))
            + f"<title type='text'>{_x(it['title'])}</title>"
            f"<content type='html'>{_x(body)}</content>"
            f"<link rel='replies' type='application/atom+xml' href='{link}/feeds/comments'"
            " title='Post Comments'/>"
            f"<link rel='replies' type='text/html' href='{link}#comment-form' title='0 Comments'/>"
            f"<link rel='edit' type='application/atom+xml' href='https://www.blogger.com/{n}'/>"
            f"<link rel='self' type='application/atom+xml' href='https://www.blogger.com/s/{n}'/>"
            f"<link rel='alternate' type='text/html' href='{link}' title='{html.escape(it['title'])}'/>"
            "<author><name>Writer</name><uri>https://www.blogger.com/profile/1</uri>"
            "<email>noreply@blogger.com</email><gd:image rel='http://schemas.google.com/g/2005#"
            "thumbnail' width='16' height='16' src='https://img.example.org/b16.png'/></author>"
            f"<media:thumbnail xmlns:media='http://search.yahoo.com/mrss/' url='https://img."
            f"example.org/{n}.jpg' height='72' width='72'/><thr:total>{n % 5}</thr:total></entry>"
        )  # fmt: skip
    out.append("</feed>")
    return "".join(out)


def _double_escaped(items: list[Item]) -> str:
    """RSS 2.0 whose summaries are escaped HTML escaped again, titles with ``&amp;amp;``."""
    twice = [{**it, "summary": html.escape(it["summary"], quote=False),
              "title": it["title"].replace("&", "&amp;").replace('"', "&quot;")}
             for it in items]  # fmt: skip
    return _rss(twice, head='<?xml version="1.0" encoding="utf-8"?>')


_HTML_NAMES = {chr(c): f"&{name};" for c, name in html.entities.codepoint2name.items()
               if c > 127}  # fmt: skip


def _dense(text: str) -> str:
    return "".join(
        c if c.isascii() else _HTML_NAMES.get(c) or f"&#{ord(c)};" for c in text
    )


def _entities_dense(items: list[Item]) -> str:
    """RSS 2.0: every letter HTML names as a named reference, undefined names in every item."""
    doc = _rss(items, head='<?xml version="1.0" encoding="utf-8"?>')
    doc = re.sub(r"<(title|description)>([^<]*)</", lambda m: (
        f"<{m[1]}>{_dense(m[2])} &nosuch{len(m[2]) % 10};</"), doc)  # fmt: skip
    return doc


def _illformed(items: list[Item], defect: int) -> bytes:
    """RSS 2.0 with one defect: stray ``<``/``&`` in titles, a broken quote, or cut short."""
    doc = _rss(items, head='<?xml version="1.0" encoding="utf-8"?>').encode()
    start = doc.find(b"<item>")
    if defect == 0:
        n = iter(range(len(items)))
        body = re.sub(rb"<title>([^<]*)</title>",
                      lambda m: b"<title>Q&A: a<b " + m[1] + b"</title>" if next(n) % 3 == 0
                      else m[0], doc[start:])  # fmt: skip
        return doc[:start] + body
    if defect == 1:
        n = iter(range(len(items)))
        body = re.sub(rb"<item>",
                      lambda m: b'<item><category domain="x"y">c</category>' if next(n) % 5 == 0
                      else m[0], doc[start:])  # fmt: skip
        return doc[:start] + body
    return doc[: len(doc) * 2 // 3]


def _json_feed(items: list[Item], *, ascii_only: bool) -> str:
    """JSON Feed 1.1 of ``items`` (dates as RFC 3339; ``ascii_only``: ``\\u1ed9`` escapes)."""
    return json.dumps({
        "version": "https://jsonfeed.org/version/1.1", "title": "Shapes",
        "home_page_url": "https://example.org/", "feed_url": "https://example.org/feed.json",
        "items": [{
            **({"id": it["id"]} if it["id"] else {"id": it["link"]}),
            "url": it["link"], "title": it["title"], "content_html": it["summary"],
            "date_published": _iso(it, n),
            "authors": [{"name": "Writer"}], "tags": ["World", "Asia"],
        } for n, it in enumerate(items)],
    }, ensure_ascii=ascii_only)  # fmt: skip


_TAG = re.compile(r"<[^>]*>")


def documents() -> dict[str, list[bytes]]:
    """Shape -> its documents (bytes), every clean shared feed once per shape."""
    feeds = source_items()
    every = [it for items in feeds for it in items]
    docs: dict[str, list[bytes]] = {shape: [] for shape in SHAPES}
    for k, items in enumerate(feeds):
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
        docs["double_escaped"].append(_double_escaped(items).encode())
        docs["entities_dense"].append(_entities_dense(items).encode())
        docs["podcast"].append(_podcast(items).encode())
        docs["json_feed"].append(_json_feed(items, ascii_only=k % 2 == 0).encode())
        docs["illformed"].append(_illformed(items, k % 3))
    # full-text shapes: ten items a document (a full-text feed holds few), from every item
    for start in range(0, len(every), 10):
        chunk = every[start : start + 10]
        if start % 40 == 0:  # 1 in 4: the ~15 KB bodies cost feedparser ~0.1 s an item
            docs["fulltext"].append(_fulltext(chunk, every, start, cdata=True).encode())
            docs["fulltext_only"].append(_fulltext(chunk, every, start, cdata=False).encode())
            docs["blogger_atom"].append(_blogger(chunk, every, start).encode())
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
