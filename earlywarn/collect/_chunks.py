"""Articles split into chunks: join the later chunks of the article body into the first.

trafilatura takes the *first* element its article-body expressions match
(``trafilatura.xpaths.BODY_XPATH``, each ending in ``[1]``). Many sites cut the body into
several identical containers with advertising or embeds between them (same tag, same
class, side by side under one parent or grandparent); trafilatura then keeps the first
chunk and loses the rest. Readability handles the same layout by adding the top
candidate's siblings that share its class; this does the equivalent before trafilatura
sees the page: the later chunks' children are moved into the first, in document order,
and what stood between them (the advertising) stays outside, where trafilatura drops it.

A chunk with a title of its own is another article or a listed post, not a continuation,
and joining stops there: its wrapper carries an ``<h1>`` (a page that appends the next
story as you scroll), it opens with a heading (a blog's list of posts), or a heading stands
between it and the previous chunk.

The expression's regular expressions run as Python callbacks on every ``div``; so it is
evaluated only when some class string of those elements is repeated and matches its
article-body class tokens (one C pass over the class attributes), the necessary condition
for chunks found by class (a body found by ``id`` or ``itemprop`` with a repeated class
not among the tokens is left as it is).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from lxml import etree
from trafilatura.xpaths import BODY_XPATH

__all__ = ["join_chunks"]

# trafilatura's most specific article-body expression: classes and ids such as
# "article-body", "post-content", itemprop="articleBody"
_BODY = BODY_XPATH[0]
_CLASSES = etree.XPath(
    "//div/@class|//article/@class|//main/@class|//section/@class", smart_strings=False
)
try:  # the class tokens of that expression (a private name: without it, no pre-check)
    from trafilatura.xpaths import _ARTICLE_CONTENT_CLASS_TOKENS

    _BODY_CLASS: re.Pattern[str] | None = re.compile(
        "|".join(("^post$", "^entry$", *_ARTICLE_CONTENT_CLASS_TOKENS))
    )
except ImportError:  # pragma: no cover - depends on the trafilatura version
    _BODY_CLASS = None


_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def _depth(el: Any) -> int:
    return sum(1 for _ in el.iterancestors())


def _titled(el: Any, previous: Any) -> bool:
    """Whether a heading opens ``el`` or stands between ``previous`` and ``el``."""
    lead = next(iter(el), None)
    if lead is not None and next(lead.iter(*_HEADINGS), None) is not None:
        return True
    for sib in el.itersiblings(preceding=True):
        if sib is previous:
            break
        if next(sib.iter(*_HEADINGS), None) is not None:
            return True
    return False


def join_chunks(tree: Any) -> int:
    """Move the children of the article body's later chunks into its first; return how many
    chunks were joined (0 when the body is one element, or not found).

    Examples
    --------
    >>> import lxml.html
    >>> page = lxml.html.fromstring(
    ...     "<html><body><div class='chunks'>"
    ...     "<div class='grid'><div class='article-body'><p>One.</p></div></div>"
    ...     "<div class='ad'>Buy now</div>"
    ...     "<div class='grid'><div class='article-body'><p>Two.</p></div></div>"
    ...     "</div></body></html>")
    >>> join_chunks(page)
    1
    >>> [p.text for p in page.find_class("article-body")[0]]
    ['One.', 'Two.']
    """
    if _BODY_CLASS is not None:
        counts = Counter(_CLASSES(tree))
        if not any(n > 1 and _BODY_CLASS.search(c) for c, n in counts.items()):
            return 0
    found = _BODY(tree)
    if not found:
        return 0
    first = found[0]
    sig = first.get("class")
    parent = first.getparent()
    scope = parent.getparent() if parent is not None else None
    if not sig or scope is None:
        return 0
    depth, seen = _depth(first), False
    chunks: list[Any] = []
    for el in scope.iter(first.tag):
        if el is first:
            seen = True
            continue
        if not seen or el.get("class") != sig or _depth(el) != depth:
            continue
        if any(a is first for a in el.iterancestors()):
            continue
        wrapper = el
        while wrapper.getparent() is not scope:
            wrapper = wrapper.getparent()
        if next(wrapper.iter("h1"), None) is not None or _titled(
            el, chunks[-1] if chunks else first
        ):
            break  # the next article, or a listed post: not a chunk of this one
        chunks.append(el)
    for el in chunks:  # moved after the walk: moving nodes under a live iterator skips some
        if el.text and el.text.strip():
            etree.SubElement(first, "p").text = el.text
        for child in list(el):
            first.append(child)
    return len(chunks)
