"""Variants tried on the tuning halves (issue 14, 2026-12-07): each patches the extractor.

Run one with ``tune14.py --variant NAME --base SCORES`` (SCORES: the ``scores.json`` a
``--dump`` run of the base writes). They were measured against main at 5d061f1, before
``articles._drop_hidden`` (the ``hidden*`` variants here, of which ``hidden_guard`` was
kept); ``no_hidden`` gives that base back on the code after it. Table and reading:
``experiments/RESULTS.md``.
"""

from __future__ import annotations

import re

from earlywarn.collect import articles

_orig_drop = articles._drop_link_lists
WS = re.compile(r"\s+")
LEAF_BLOCKS = ("p", "h1", "h2", "h3", "h4", "h5", "h6")
BLOCK = {
    "p",
    "div",
    "li",
    "ul",
    "ol",
    "table",
    "tr",
    "td",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "section",
    "article",
    "blockquote",
    "figure",
    "header",
    "footer",
    "aside",
}


def _link_share(el):
    text = len(WS.sub("", el.text_content()))
    links = sum(len(WS.sub("", a.text_content())) for a in el.iter("a"))
    return text, (links / text if text else 0.0)


def link_paragraphs():
    """drop leaf p/h* blocks that are all link text (>= 0.9)"""

    def drop(tree):
        _orig_drop(tree)
        for el in list(tree.iter(*LEAF_BLOCKS)):
            if any(d.tag in BLOCK for d in el.iterdescendants()):
                continue
            n, share = _link_share(el)
            if n >= 15 and share >= 0.9:
                el.drop_tree()

    articles._drop_link_lists = drop


def link_paragraph_runs():
    """the same, only runs of >= 2 such blocks that are siblings-or-cousins in a row"""

    def drop(tree):
        _orig_drop(tree)
        cands = []
        for el in tree.iter(*LEAF_BLOCKS):
            if any(d.tag in BLOCK for d in el.iterdescendants()):
                continue
            n, share = _link_share(el)
            cands.append((el, n >= 15 and share >= 0.9))
        run = []
        for el, bad in [*cands, (None, False)]:
            if bad:
                run.append(el)
                continue
            if len(run) >= 2:
                for r in run:
                    r.drop_tree()
            run = []

    articles._drop_link_lists = drop


def _first_text_in_link(el):
    """whether the first non-blank text of ``el`` lies inside an <a>"""
    for node in el.iter():
        if node.text and node.text.strip():
            return any(
                a.tag == "a" for a in [node, *node.iterancestors()] if a is not el.getparent()
            )
        if node is not el and node.tail and node.tail.strip():
            return False
    return False


def _cards(min_share, min_items=3):
    def drop(tree):
        _orig_drop(tree)
        for box in list(tree.iter()):
            if not isinstance(box.tag, str) or box.getparent() is None:
                continue
            kids = [k for k in box if isinstance(k.tag, str)]
            if len(kids) < min_items:
                continue
            sig = {(k.tag, k.get("class")) for k in kids}
            if len(sig) != 1:
                continue
            ok = True
            for k in kids:
                n, share = _link_share(k)
                if not n or share < min_share or not _first_text_in_link(k):
                    ok = False
                    break
            if ok:
                box.drop_tree()

    return drop


def cards_03():
    """a container of >= 3 same-tag, same-class children, each opening with a link and at
    least 30% link text: a box of teasers (related stories), not article text"""
    articles._drop_link_lists = _cards(0.3)


def cards_05():
    articles._drop_link_lists = _cards(0.5)


from lxml import etree  # noqa: E402

_HIDDEN = etree.XPath(
    "//body//*[@hidden or @aria-hidden='true' or "
    "contains(translate(@style, ' ', ''), 'display:none') or "
    "contains(translate(@style, ' ', ''), 'visibility:hidden')]"
)
_TEXT_LEN = etree.XPath("string-length(normalize-space(.))")


def _hidden(guard):
    def drop(tree):
        _orig_drop(tree)
        found = _HIDDEN(tree)
        if not found:
            return
        body = tree.find(".//body")
        total = _TEXT_LEN(body if body is not None else tree)
        for el in found:
            if el.getparent() is None:
                continue
            if guard and _TEXT_LEN(el) > guard * total:
                continue
            el.drop_tree()

    return drop


def hidden():
    """drop what the page hides from its reader (hidden, aria-hidden, display:none, visibility:hidden)"""
    articles._drop_link_lists = _hidden(None)


def hidden_guard():
    """the same, but never an element holding over half the page's text"""
    articles._drop_link_lists = _hidden(0.5)


_HIDDEN_CLASS = etree.XPath(
    "//body//*[@hidden or @aria-hidden='true' or "
    "contains(translate(@style, ' ', ''), 'display:none') or "
    "contains(translate(@style, ' ', ''), 'visibility:hidden') or "
    "re:test(@class, '(^|\\s)(hidden|hide|sr-only|visually-hidden|visuallyhidden|screen-reader-text|screenreader-only)(\\s|$)', 'i')]",
    namespaces={"re": "http://exslt.org/regular-expressions"},
)


def hidden_class():
    """hidden, plus the usual hidden / screen-reader-only class names"""
    global _HIDDEN
    _HIDDEN = _HIDDEN_CLASS
    articles._drop_link_lists = _hidden(0.5)


def no_hidden():
    """the base these variants were measured against: nothing hidden is dropped"""
    articles._drop_hidden = lambda tree: None
