"""Hostile input for text cleaning: ~1 MB pathological pages and feeds must parse in linear time.

Each case runs in a child process under a generous timeout (a quadratic regular expression
holds the GIL in C, so no in-process alarm could stop it): on the quadratic code a case takes
minutes, on linear code well under a second.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from earlywarn.collect.articles import load_html
from earlywarn.collect.feeds import parse_feed, strip_html

TIMEOUT = 45  # seconds; linear code needs ~1 s including interpreter start-up


def _run(code: str) -> str:
    try:
        done = subprocess.run(
            [sys.executable, "-c", textwrap.dedent(code)],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"not linear: still running after {TIMEOUT} s")
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip()


def test_unclosed_doctype_with_many_slashes_is_linear() -> None:
    out = _run(
        """
        from earlywarn.collect.articles import load_html
        page = b"<!DOCTYPE html " + b"/" * 1_000_000 + b"\\n<html><body><p>kept</p></body></html>"
        tree = load_html(page)
        print(tree.findtext(".//p"))
        """
    )
    assert out == "kept"


def test_feed_summary_of_many_escaped_lt_is_linear() -> None:
    out = _run(
        """
        from earlywarn.collect.feeds import parse_feed
        body = "&lt;" * 300_000 + "x"  # 1.2 MB
        xml = ("<rss version='2.0'><channel><title>t</title><item><title>a</title>"
               "<link>https://e.com/a</link><description>" + body + "</description>"
               "</item></channel></rss>").encode()
        e = parse_feed(xml, "https://e.com/")[0]
        print(len(e.summary), e.summary[-3:])
        """
    )
    assert out == "300001 <<x"  # nothing closes those "<": they are text, kept as such


def test_summary_of_many_scripts_is_linear() -> None:
    """Script and style elements are dropped with their content: each search starts where
    the last ended (200,000 scripts never closed, 100,000 closed, 100,000 styles closed
    only by a script's end tag)."""
    out = _run(
        """
        from earlywarn.collect.feeds import strip_html
        print(len(strip_html("<script>" * 200_000 + "x")),
              strip_html("<script>a</script>b" * 100_000)[:5],
              len(strip_html("<style>a</script>" * 100_000)))
        """
    )
    assert out == "1 b b b 199999"


def test_a_collect_run_over_both_hostile_inputs_is_linear() -> None:
    """Through the collect entry point: a loopback server serves a 1.2 MB feed whose summary
    is 300,000 "&lt;" and a 1 MB page opening with an unclosed doctype full of "/"."""
    out = _run(
        f"""
        import sys, datetime as dt
        sys.path[:0] = {sys.path!r}
        from earlywarn.collect import Feed, collect
        from tests.collect.conftest import settings
        from tests.collect.test_hostile import _static
        from tests.hostile import raw_server

        page = (b"<!DOCTYPE html " + b"/" * 1_000_000 + b"\\n<html><body><article><p>"
                + b"Kept after the doctype. " * 20 + b"</p></article></body></html>")
        with raw_server() as srv:
            summary = "&lt;" * 300_000 + "x"
            feed = ("<rss version='2.0'><channel><title>t</title><item><title>a</title>"
                    f"<link>{{srv.url('/a')}}</link><description>{{summary}}</description>"
                    "</item></channel></rss>").encode()
            srv.routes["/feed"] = _static(feed, "application/rss+xml")
            srv.routes["/a"] = _static(page)
            out = collect([Feed(srv.url("/feed"), outlet="x")], dt.date(2025, 1, 2),
                          settings=settings())
        print(out.stats["pages_ok"], len(out.articles.loc[0, "summary"]),
              "Kept after the doctype" in out.articles.loc[0, "text"])
        """
    )
    assert out.splitlines()[-1] == "1 300001 True"


def test_self_closed_doctype_repair_still_applies() -> None:
    tree = load_html(b"<!DOCTYPE html/>\n<html><body><p>a</p></body></html>")
    assert tree is not None and tree.findtext(".//p") == "a"
    # a "<" after the last "/" means the doctype is not self-closed: left as it is
    assert load_html(b"<!DOCTYPE html / <x>\n<html><body><p>b</p></body></html>") is not None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<p>a</p> <b>b", "a b"),
        ("a < b and c > d", "a d"),  # the old regex's reading, kept
        ("<<<p>x", "x"),
        ("x <<< y", "x <<< y"),
        ("<a <b>c</b> <", "c <"),
    ],
)
def test_strip_html_reads_as_before(text: str, expected: str) -> None:
    assert strip_html(text) == expected


def test_a_feed_of_unclosed_lt_keeps_its_other_items() -> None:
    xml = (
        "<rss version='2.0'><channel><item><title>one</title><description>"
        + "&lt;" * 1000
        + "</description></item><item><title>two</title></item></channel></rss>"
    ).encode()
    assert [e.title for e in parse_feed(xml, "https://e.com/")] == ["one", "two"]


def _feedparser_calls(xml: bytes) -> tuple[list[str], int]:
    """Titles parsed, and how often the slow path (feedparser) was entered for them."""
    from unittest import mock

    import earlywarn.collect.feeds as feeds

    with mock.patch.object(feeds, "_slow", wraps=feeds._slow) as spy:
        titles = [e.title for e in parse_feed(xml, "https://e.com/")]
    return titles, spy.call_count


def test_undefined_html_entity_stays_on_the_fast_path() -> None:
    items = "".join(
        f"<item><title>Caf&eacute; {i} &ndash; &nosuch; &amp; &lt;b&gt;</title>"
        f"<link>https://e.com/{i}</link></item>"
        for i in range(200)
    )
    xml = f"<?xml version='1.0'?><rss version='2.0'><channel>{items}</channel></rss>".encode()
    titles, slow = _feedparser_calls(xml)
    assert slow == 0
    assert len(titles) == 200
    assert titles[7] == "Café 7 – &nosuch; &"


def test_entity_declarations_are_still_refused() -> None:
    from earlywarn.collect.feeds import FeedParseError

    xml = (
        b"<?xml version='1.0'?><!DOCTYPE r [<!ENTITY e 'x'>]>"
        b"<rss><channel><item><title>&e;&eacute;</title></item></channel></rss>"
    )
    with pytest.raises(FeedParseError, match="unsafe_xml"):
        parse_feed(xml, "https://e.com/")


def test_bare_ampersand_feed_is_read_whole_without_the_slow_path() -> None:
    xml = (
        b"<rss version='2.0'><channel><item><title>A & B &nbsp;</title>"
        b"<link>https://e.com/a?x=1&y=2</link></item></channel></rss>"
    )
    titles, slow = _feedparser_calls(xml)
    assert (slow, titles) == (0, ["A & B"])
    assert parse_feed(xml, "https://e.com/")[0].link == "https://e.com/a?x=1&y=2"


def test_undeclared_windows_1252_stays_on_the_fast_path() -> None:
    """No declaration, bytes not UTF-8: windows-1252 (feedparser's guess after UTF-8) is
    read by lxml, HTML references mended, not by feedparser's tolerant parser."""
    items = "".join(
        f"<item><title>I’ve “read” {i} &eacute;t&eacute; – Zürich</title>"
        f"<link>https://e.com/{i}?a=1&b=2</link></item>"
        for i in range(200)
    )
    xml = f"<rss version='2.0'><channel>{items}</channel></rss>".encode("cp1252")
    titles, slow = _feedparser_calls(xml)
    assert slow == 0
    assert len(titles) == 200 and titles[7] == "I’ve “read” 7 été – Zürich"
