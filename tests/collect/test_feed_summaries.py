"""Feed summaries read as feedparser reads them: scripts and styles out, words kept apart
across elements, XHTML as markup, a podcast's itunes:summary (issue 14).

Each case is compared with feedparser's summary, tags stripped (``strip_html``), as
``benchmarks/bench_feeds.py`` compares them, and with the text expected.
"""

from __future__ import annotations

import feedparser
import pytest

from earlywarn.collect.feeds import parse_feed, strip_html

_ITUNES = 'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"'
_CONTENT = 'xmlns:content="http://purl.org/rss/1.0/modules/content/"'
_XHTML = 'xmlns="http://www.w3.org/1999/xhtml"'


def _rss(item: str, ns: str = "") -> bytes:
    return (
        f'<rss version="2.0" {ns}><channel><title>T</title><item><title>a</title>'
        f"<link>https://e.com/a</link>{item}</item></channel></rss>"
    ).encode()


def _atom(entry: str) -> bytes:
    return (
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><entry><id>tag:e,1</id>'
        f'<title>a</title><link href="https://e.com/a"/>{entry}</entry></feed>'
    ).encode()


CASES = {
    # a full-text body with an ad script and a style sheet: no text of the article
    "script_and_style": (
        _rss(
            "<content:encoded><![CDATA[<p>Before.</p><script>window.ads = [1];</script>"
            "<style>.x{margin:0}</style><p>After.</p>]]></content:encoded>",
            _CONTENT,
        ),
        "Before. After.",
    ),
    # Atom xhtml paragraphs: words of two paragraphs are not glued
    "xhtml_paragraphs": (
        _atom(f'<content type="xhtml"><div {_XHTML}><p>One.</p><p>Two.</p></div></content>'),
        "One. Two.",
    ),
    # Atom xhtml is markup: a text "&lt;b&gt;" is text, not a tag to drop
    "xhtml_escaped_text": (
        _atom(f'<summary type="xhtml"><div {_XHTML}><p>Use &lt;b&gt; tags</p></div></summary>'),
        "Use <b> tags",
    ),
    # HTML written unescaped in an RSS description (elements, not text)
    "raw_html_description": (
        _rss("<description><p>First line</p><p>second line</p></description>"),
        "First line second line",
    ),
    # older podcast feeds: the episode's text in itunes:summary only
    "itunes_summary_only": (
        _rss("<itunes:summary>Episode notes &amp; links</itunes:summary>", _ITUNES),
        "Episode notes & links",
    ),
    # itunes:summary before the description: the first of the two is the summary
    "itunes_summary_first": (
        _rss("<itunes:summary>Short</itunes:summary><description>Long</description>", _ITUNES),
        "Short",
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_summary_reads_as_feedparser_reads_it(case: str) -> None:
    doc, expected = CASES[case]
    (entry,) = parse_feed(doc, "https://e.com/feed")
    (ref,) = feedparser.parse(doc).entries
    assert entry.summary == expected
    assert entry.summary == strip_html(ref.get("summary", ""))


def test_xhtml_title_is_markup() -> None:
    doc = _atom("").replace(
        b"<title>a</title>",
        f'<title type="xhtml"><div {_XHTML}>A <b>bold</b> &lt;i&gt;</div></title>'.encode(),
    )
    assert parse_feed(doc, "https://e.com/feed")[0].title == "A bold <i>"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a<script>x = '<b>';</script>b", "a b"),
        ("a<SCRIPT type='x'>1</Script >b<style media='all'>p{}</style>c", "a b c"),
        ("a<script>never closed", "a never closed"),  # only the tag goes: the text is kept
        ("<noscript>kept</noscript> <scripts>kept too", "kept kept too"),
        ("a &lt;script&gt;text&lt;/script&gt;", "a <script>text</script>"),  # escaped: text
    ],
)
def test_strip_html_drops_script_and_style_content(text: str, expected: str) -> None:
    assert strip_html(text) == expected
