"""trafilatura's extraction cascade for a tree we own: its default mode without the
comparison after the main extractor, and without the work that cannot change the text.

``trafilatura.extract(tree)`` with comments off runs ``trafilatura.core.trafilatura_sequence``:
prune the raw tree, clean and convert a copy, the main extractor, then
``trafilatura.external.compare_extraction`` (readability's or jusText's text in place of its
own), the baseline rescue for short texts, and the recall escalation for a short text that
covers under a fifth of the page: the cascade re-run in recall mode, with its comparison,
and a jusText candidate over the whole page. Fast mode leaves out the comparisons and the
jusText candidate, and keeps teaser-class blocks in the main extractor's last-resort
recovery. :func:`cascade_text` runs those stages with trafilatura's own functions and
thresholds, in its order, as the options say (fast or not), but never ``compare_extraction``
after the main extractor: on the tuning halves each of its rules lowered ScrapingHub's and
none changed the newspaper pairs', while the rest of the default mode raised one ScrapingHub
page and changed no other (``experiments/RESULTS.md``). With ``options.fast`` the text is
fast mode's; without, it is the default mode's wherever that comparison keeps trafilatura's
own text.

Left out, because it cannot change the text (``benchmarks/bench_extraction.py``, ~8% of
the CPU time of a whole ``extract_article``):

- the copies of the tree it is given (we parse each page for this call alone), and of the
  cleaned tree, which only ``compare_extraction`` reads;
- the escalation test's page measure (``html2txt``: a copy, an XPath cleaning pass and a
  Python walk over the block elements, ~4 ms on a news page) whenever a bound computed in
  one C call settles it: ``html2txt`` only deletes elements and adds at most one space at
  each side of an element, so its length is at most the body's text length plus twice its
  element count.

``tests/collect/test_articles.py`` checks the texts against ``trafilatura.extract``'s (fast
mode on the newspaper and trafilatura evaluation pages and a page that escalates; default
mode on a page where the two modes differ). Without the private names it reads (another
trafilatura version), or for options whose branches are not copied here,
:func:`cascade_text` calls ``trafilatura.extract`` in fast mode.
"""

from __future__ import annotations

from copy import copy
from typing import Any

import trafilatura
from lxml import etree
from trafilatura.settings import Extractor

from earlywarn._log import get_logger

__all__ = ["cascade_text"]

log = get_logger(__name__)

try:  # private parts of trafilatura's cascade (2.3)
    from trafilatura.baseline import baseline, html2txt
    from trafilatura.core import (
        ESCALATION_ACCEPT_RATIO,
        ESCALATION_JUSTEXT_RATIO,
        ESCALATION_MAX_LENGTH,
        ESCALATION_PAGE_SHARE,
        _forum_thread_page,
        _recall_retry,
    )
    from trafilatura.external import justext_rescue
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
        options.focus == "balanced"
        and options.format == "txt"
        and not (options.comments or options.dedup or options.lang or options.with_metadata)
        and not options.max_tree_size
    )


def cascade_text(tree: Any, options: Extractor) -> str:
    """trafilatura's text of ``tree`` for ``options`` (balanced focus, comments off), with no
    comparison after the main extractor; ``tree`` is pruned in place (what trafilatura does
    to its copy of it).

    Examples
    --------
    >>> import lxml.html
    >>> prose = "<p>" + "The minister met his counterpart to discuss the sea. " * 6 + "</p>"
    >>> tree = lxml.html.fromstring(f"<html><body><article>{prose}</article></body></html>")
    >>> options = Extractor(fast=True, comments=False)
    >>> cascade_text(tree, options) == trafilatura.extract(tree, options=options)
    True
    """
    if not (_OWN and _plain(options)):
        fast = copy(options)
        fast.fast = True  # the main stage is fast mode's whatever the options say
        return trafilatura.extract(tree, options=fast) or ""
    # trafilatura.core.trafilatura_sequence, the branches these options take
    is_forum = _forum_thread_page(tree)
    tree = prune_unwanted_nodes(tree, RAW_TREE_PRUNE_XPATH)
    if not is_forum:
        tree = prune_unwanted_nodes(tree, REMOVE_COMMENTS_AND_LISTS_XPATH)
    cleaned = convert_tags(tree_cleaning(copy(tree), options), options, options.url)
    body, text = extract_content(cleaned, options)
    # 2. (compare_extraction: left out, see the module's docstring)
    # 3. the baseline rescue, taken if it adds text
    if len(text) < options.min_extracted_size:
        b_body, b_text, b_len = baseline(tree)
        if b_len > len(text):
            body, text = b_body, b_text
    # 4. recall escalation for a short text covering little of the page: the cascade in
    # recall mode (with its comparison unless fast) and, unless fast, jusText's candidate
    if 0 < len(text) < ESCALATION_MAX_LENGTH and _covers_little(tree, len(text)):
        r_options = copy(options)
        r_options.focus = "recall"
        r_text = j_text = ""
        try:
            r_body, r_text = _recall_retry(tree, r_options, options.url)
        except Exception as err:  # as trafilatura: a failed retry keeps the first text
            log.debug("recall retry failed: %s", err)
        if not options.fast:
            try:
                j_body, j_text = justext_rescue(copy(tree), options)
            except Exception as err:  # as trafilatura
                log.debug("jusText candidate failed: %s", err)
        length, r_len, j_len = len(text), len(r_text), len(j_text)
        if j_len > r_len and j_len > ESCALATION_JUSTEXT_RATIO * length:
            body, text = j_body, j_text
        elif r_len >= options.min_extracted_size and r_len > ESCALATION_ACCEPT_RATIO * length:
            body, text = r_body, r_text
    # bare_extraction's size check, then the text output
    if len(text) < options.min_output_size:
        return ""
    return str(xmltotxt(body, options.formatting)).strip()
