"""A feed that is not well-formed is read item by item: only its bad items go to the
tolerant parser, and they read as feedparser reads them (issue 14)."""

from __future__ import annotations

from unittest import mock

import feedparser
import pytest

import earlywarn.collect.feeds as feeds
from earlywarn.collect.feeds import parse_feed, strip_html

_NS = 'xmlns:content="http://purl.org/rss/1.0/modules/content/"'


def _items(n: int, bad: set[int]) -> str:
    out = []
    for i in range(n):
        # a broken attribute quote: the document is no XML from here on
        quote = '<category domain="x"y">c</category>' if i in bad else ""
        out.append(
            f"<item>{quote}<title>Title {i} &amp; more</title><link>https://e.com/{i}</link>"
            f"<description>&lt;p&gt;Body {i}&lt;/p&gt;</description>"
            f"<pubDate>Wed, 26 Jul 2017 19:{i % 60:02d}:20 +0700</pubDate></item>"
        )
    return "".join(out)


def _doc(body: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0" {_NS}><channel>'
        f"<title>T</title><link>https://e.com/</link>{body}</channel></rss>"
    ).encode()


def _read(doc: bytes) -> tuple[list[feeds.Entry], list[int]]:
    """Entries, and the size of each document the tolerant parser was given."""
    with mock.patch.object(feeds, "loose_items", wraps=feeds.loose_items) as spy:
        got = parse_feed(doc, "https://e.com/feed")
    return got, [len(call.args[0]) for call in spy.call_args_list]


def _as_feedparser(got: list[feeds.Entry], doc: bytes) -> None:
    ref = feedparser.parse(doc).entries
    assert len(got) == len(ref)
    for g, r in zip(got, ref, strict=True):
        assert (g.title, g.link, g.summary) == (
            strip_html(r.get("title", "")),
            r.get("link", ""),
            strip_html(r.get("summary", "")),
        )
        assert (g.published is None) == (r.get("published_parsed") is None)


def test_only_the_bad_items_go_to_the_tolerant_parser() -> None:
    doc = _doc(_items(60, bad={7, 41}))
    got, loose = _read(doc)
    _as_feedparser(got, doc)
    assert len(got) == 60
    assert len(loose) == 2 and max(loose) < len(doc) / 10  # two items, not the document


def test_a_document_cut_short_keeps_its_items() -> None:
    full = _doc(_items(40, bad=set()))
    doc = full[: full.find(b"<item>", len(full) // 2) + 40]  # inside an item's title
    got, loose = _read(doc)
    _as_feedparser(got, doc)
    assert len(got) > 20 and got[-2].title.startswith("Title")
    assert len(loose) == 1 and loose[0] < len(doc) / 10  # the last, unfinished item only


def test_an_item_tag_inside_cdata_is_no_item() -> None:
    """A piece that opens a CDATA section it does not close was cut inside it: the
    document is read as a whole, as before."""
    cdata = '<content:encoded><![CDATA[see <item> and <entry> tags]]></content:encoded>'
    body = _items(5, bad={3}).replace("</title>", "</title>" + cdata, 1)
    doc = _doc(body)
    got, loose = _read(doc)
    _as_feedparser(got, doc)
    assert loose == [pytest.approx(len(doc), rel=0.2)]  # one call, the whole document


def test_a_big_head_is_not_read_once_per_item() -> None:
    """Each piece is read with the head: a head as large as the items would make the
    work quadratic, so such a document is read as a whole."""
    head = "<description>" + "x" * 200_000 + "</description>"
    doc = _doc(head + _items(300, bad={5}))
    assert feeds._by_item(doc, "https://e.com/feed") is None
    got, loose = _read(doc)
    assert len(got) == 300 and len(loose) == 1


def test_a_feed_of_bad_items_is_read_as_a_whole() -> None:
    """Item by item, a bad item costs a failed lxml read and a tolerant parser of its own:
    when most items are bad, the document goes whole to the tolerant parser (at the
    fifth bad item, four read on their own), not 2.3x slower piece by piece."""
    doc = _doc(_items(50, bad=set(range(50))))
    got, loose = _read(doc)
    _as_feedparser(got, doc)
    assert len(got) == 50
    assert len(loose) == 5 and max(loose[:4]) < len(doc) / 10
    assert loose[-1] == pytest.approx(len(doc), rel=0.2)
