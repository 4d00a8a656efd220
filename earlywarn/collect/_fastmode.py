"""trafilatura's fast-mode cascade for a tree we own, without the work fast mode throws away.

``trafilatura.extract(tree, fast=True)`` with comments off runs
``trafilatura.core.trafilatura_sequence``: prune the raw tree, clean and convert a copy,
the main extractor, the baseline rescue for short texts, and the recall escalation for a
short text that covers under a fifth of the page. Around it, it spends time that gives
nothing here (``benchmarks/bench_extraction.py``, 221 shared-set pages, ~8% of the CPU
time of a whole ``extract_article``):

- it copies the tree it is given (we parse each page for this call alone), and copies the
  cleaned tree as a backup that only the readability/jusText comparison reads (skipped in
  fast mode);
- the escalation test measures the page with ``html2txt`` (a copy, an XPath cleaning pass
  and a Python walk over the block elements: ~4 ms on a news page) whenever the text is
  under 3,000 characters, though for most such pages (62 of 109) a bound computed in one C
  call settles it: ``html2txt`` only deletes elements and adds at most one space at each
  side of an element, so its length is at most the body's text length plus twice its
  element count.

The stages, their order and every threshold are trafilatura's own, read from it; the texts
are identical to ``trafilatura.extract``'s on every page of both shared sets and
trafilatura's evaluation pages, and ``tests/collect/test_articles.py`` checks that they
stay so. Without the private names it reads (another trafilatura version),
:func:`fast_text` falls back to ``trafilatura.extract``.
"""

from __future__ import annotations

from copy import copy
from typing import Any

import trafilatura
from lxml import etree
from trafilatura.settings import Extractor

from earlywarn._log import get_logger

__all__ = ["fast_text"]

log = get_logger(__name__)

try:  # private parts of trafilatura's cascade (2.3)
    from trafilatura.baseline import baseline, html2txt
    from trafilatura.core import (
        ESCALATION_ACCEPT_RATIO,
        ESCALATION_MAX_LENGTH,
        ESCALATION_PAGE_SHARE,
        _forum_thread_page,
        _recall_retry,
    )
    from trafilatura.htmlprocessing import convert_tags, prune_unwanted_nodes, tree_cleaning
    from trafilatura.main_extractor import extract_content
    from trafilatura.xml import xmltotxt
    from trafilatura.xpaths import RAW_TREE_PRUNE_XPATH, REMOVE_COMMENTS_AND_LISTS_XPATH

    _OWN = True
except ImportError:  # pragma: no cover - depends on the trafilatura version
    _OWN = False

# at least len(html2txt(body)): its text, plus the space html2txt may add on each side of
# an element
_SIZE_BOUND = etree.XPath("string-length(string(.)) + 2 * count(descendant-or-self::*)")


def _covers_little(tree: Any, length: int) -> bool:
    """Whether ``length`` is under trafilatura's escalation share of the page's text
    (``html2txt``), measured only when the bound cannot tell."""
    body = tree.find(".//body")
    if body is None:
        body = tree
    if length >= ESCALATION_PAGE_SHARE * _SIZE_BOUND(body):
        return False
    return length < ESCALATION_PAGE_SHARE * len(html2txt(tree))


def _plain(options: Extractor) -> bool:
    """Whether ``options`` take only the branches copied here (else trafilatura runs)."""
    return bool(
        options.fast
        and options.focus == "balanced"
        and options.format == "txt"
        and not (options.comments or options.dedup or options.lang or options.with_metadata)
        and not options.max_tree_size
    )


def fast_text(tree: Any, options: Extractor) -> str:
    """``trafilatura.extract(tree, options=options)`` for fast mode, balanced, comments off;
    ``tree`` is pruned in place (what trafilatura does to its copy of it).

    Examples
    --------
    >>> import lxml.html
    >>> prose = "<p>" + "The minister met his counterpart to discuss the sea. " * 6 + "</p>"
    >>> tree = lxml.html.fromstring(f"<html><body><article>{prose}</article></body></html>")
    >>> options = Extractor(fast=True, comments=False)
    >>> fast_text(tree, options) == trafilatura.extract(tree, options=options)
    True
    """
    if not (_OWN and _plain(options)):
        return trafilatura.extract(tree, options=options) or ""
    # trafilatura.core.trafilatura_sequence, the branches these options take
    is_forum = _forum_thread_page(tree)
    tree = prune_unwanted_nodes(tree, RAW_TREE_PRUNE_XPATH)
    if not is_forum:
        tree = prune_unwanted_nodes(tree, REMOVE_COMMENTS_AND_LISTS_XPATH)
    cleaned = convert_tags(tree_cleaning(copy(tree), options), options, options.url)
    body, text = extract_content(cleaned, options)
    # 3. the baseline rescue, taken if it adds text
    if len(text) < options.min_extracted_size:
        b_body, b_text, b_len = baseline(tree)
        if b_len > len(text):
            body, text = b_body, b_text
    # 4. recall escalation for a short text covering little of the page
    if 0 < len(text) < ESCALATION_MAX_LENGTH and _covers_little(tree, len(text)):
        r_options = copy(options)
        r_options.focus = "recall"
        r_text = ""
        try:
            r_body, r_text = _recall_retry(tree, r_options, options.url)
        except Exception as err:  # as trafilatura: a failed retry keeps the first text
            log.debug("recall retry failed: %s", err)
        r_len = len(r_text)
        if r_len >= options.min_extracted_size and r_len > ESCALATION_ACCEPT_RATIO * len(text):
            body, text = r_body, r_text
    # bare_extraction's size check, then the text output
    if len(text) < options.min_output_size:
        return ""
    return str(xmltotxt(body, options.formatting)).strip()
