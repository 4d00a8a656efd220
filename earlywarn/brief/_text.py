"""Sentences and tokens per language, for the summariser and for ROUGE.

Vietnamese uses underthesea (sentence splitting trained on Vietnamese news, and word
segmentation that joins multi-syllable words such as ``biểu_tình``); Chinese and Japanese
are split on their full stops and tokenised into character bigrams; every
other language uses a generic splitter (terminal punctuation followed by a capital or
an opening quote, Korean included) and Unicode word tokens.

Photo captions end with a credit and no full stop (``Binh sĩ ở Kashmir - Ảnh: Reuters
Theo hãng tin AFP, ...``), so a splitter glues them to the sentence after; every
language's sentences are also cut after a credit (``Ảnh:``, ``Photo:`` and one word)
that a capital or an opening quote follows. The caption then stands alone (too short
to be a summary candidate) and the article's first real sentence is a sentence of its
own.

Pages also carry blocks of links to other stories ("Related:", "Read more:", ">> Title"
lines); joined to the text around them they read as one long sentence of headlines.
:func:`drop_link_lines` removes such lines by their shape before the text is split, and
:func:`cut_link_list` cuts a sentence at the list markers that survive inside it when the
text came without its line breaks.

Examples
--------
>>> split_sentences("Floods hit Hue. Ten people died! Rescue goes on.", "en")
['Floods hit Hue.', 'Ten people died!', 'Rescue goes on.']
>>> syllables("Phe ĐỐI lập Campuchia")
['phe', 'đối', 'lập', 'campuchia']
>>> split_sentences("Lính cứu hỏa ở Sydney - Ảnh: AFP Khi cháy rừng lan rộng, 100 nhà bị thiêu rụi.", "vi")
['Lính cứu hỏa ở Sydney - Ảnh: AFP', 'Khi cháy rừng lan rộng, 100 nhà bị thiêu rụi.']
>>> split_sentences("Police at the scene (Photo: Reuters) Officials said two died.", "en")
['Police at the scene (Photo: Reuters)', 'Officials said two died.']
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = [
    "base_language",
    "cut_link_list",
    "drop_link_lines",
    "split_sentences",
    "syllables",
    "tokens",
]

_WORD = re.compile(r"\w+", re.UNICODE)
_CJK_LANGS = ("zh", "ja")  # Korean separates words with spaces and ends sentences with "."
_CJK_CHAR = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")
# A sentence ends at terminal punctuation (with closing quotes/brackets) followed by space
# and something that opens a sentence: a capital, a digit or an opening quote/bracket.
_BOUNDARY = re.compile(r"[.!?…]+[\"'”’»)\]]*\s+(?=[\"'“‘«(\[]?(?:[^\W\d_]|\d))")
# Tokens before a full stop that do not end a sentence: initials, U.S., Mr., Dr., No.
_ABBREV = re.compile(
    r"(?:\b[^\W\d_]|\b(?:[^\W\d_]\.)+[^\W\d_]|Mr|Mrs|Ms|Dr|Prof|St|No|Gen|Col|Sen|Rep|Gov|Jr|Sr|vs|etc|Inc|Ltd|Co|Corp)\.$"
)
# An abbreviated month before a day ("announced Nov. 18 that ...", AP style): no end either
_MONTH = re.compile(r"\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.$")
_CJK_SPLIT = re.compile(r"(?<=[。！？!?])\s*")
# A photo credit: the marker, one word (the agency or photographer), then a sentence.
_CREDIT = re.compile(r"\(?\b(?:Ảnh|ảnh|Photo|Photograph)\s*:\s*\S+?\)?\s+(?=[\"“‘«(]?[^\W\d_])")
# Markers that open an item of a list of links: ">", ">>", arrows and pointing triangles
# (not bullets, which also open lists of facts, nor a lone "»", a closing quote in French).
_MARK = r"(?:>+|»{2,}|[→⇒➔➜➝➞➤►▶▸▷›]+)"
_MARK_LINE = re.compile(rf"^\s*(?:{_MARK}|»(?=\s))\s*\S")  # "» Title"; "»Zitat«" stays
# The same markers inside a sentence: any at its start; between spaces, a doubled ">>" or
# an arrow (a lone ">" there is "greater than").
_MARK_INLINE = re.compile(rf"(?:^\s*{_MARK}|\s(?:>{{2,}}|»{{2,}}|[→⇒➔➜➝➞➤►▶▸▷›]+))(?=\s)")
# A label line: a few words (no sentence) ending in a colon: "Related:", "Read more:",
# "Xem thêm:", "Tin liên quan:", "Lesen Sie auch:".
_LABEL = re.compile(r"^\s*[^\W\d_][^\n.!?:]{0,40}:\s*$")
# A line that closes no sentence: no terminal punctuation at its end (quotes aside).
_OPEN_END = re.compile(r"[^.!?…\"'”’»)\]]\s*$")
_LABEL_ITEM_WORDS = 30  # a link title is a headline: at most this many words


def base_language(language: object) -> str:
    """The primary subtag of a language tag, lower case ('' when unknown).

    Examples
    --------
    >>> base_language("vi-VN"), base_language(None)
    ('vi', '')
    """
    if not isinstance(language, str):
        return ""
    return language.strip().lower().replace("_", "-").split("-")[0]


def _normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def drop_link_lines(text: str) -> str:
    r"""``text`` without the lines of its lists of links, found by their shape.

    A line that opens with a list marker (``>``, ``>>``, an arrow or a pointing triangle)
    goes; so does a label line (a few words ending in a colon) when the lines after it
    are headlines (no terminal punctuation, at most 30 words), and those lines with it.
    A colon line followed by a sentence stays (``He said:`` then the quote).

    Examples
    --------
    >>> drop_link_lines("Floods hit Hue.\n>> Storm nears coast\n» Dams open\nRain fell.")
    'Floods hit Hue.\nRain fell.'
    >>> drop_link_lines("Floods hit Hue.\nRead more:\nStorm nears coast\nDams open\n\nRain fell.")
    'Floods hit Hue.\n\nRain fell.'
    >>> drop_link_lines("The minister said:\nWe will rebuild every house.")
    'The minister said:\nWe will rebuild every house.'
    """
    if not isinstance(text, str) or ("\n" not in text and not _MARK_LINE.match(text)):
        return text
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if _MARK_LINE.match(line):
            i += 1
            continue
        if _LABEL.match(line):
            j = i + 1
            while j < len(lines) and _headline(lines[j]):
                j += 1
            if j > i + 1:  # a label and the headlines it introduces
                i = j
                continue
        out.append(line)
        i += 1
    return "\n".join(out)


def _headline(line: str) -> bool:
    words = line.split()
    return 0 < len(words) <= _LABEL_ITEM_WORDS and bool(_OPEN_END.search(line))


def cut_link_list(sentence: str) -> str:
    """``sentence`` without the list of links glued to it, '' when nothing of it is left.

    A text that came without its line breaks keeps its link lists inside sentences; their
    markers (``>>``, an arrow; a lone ``>`` only at the start) stand as words of their
    own. What follows the first marker goes (the list, and the text glued after it); what
    precedes it stays when it ends a sentence.

    Examples
    --------
    >>> cut_link_list("Floods hit Hue. >> Storm nears coast >> Dams open Rain fell for days.")
    'Floods hit Hue.'
    >>> cut_link_list(">> Storm nears coast >> Dams open Rain fell for days.")
    ''
    >>> cut_link_list("Prices rose > 5% in Hanoi, « selon » l'agence.")
    "Prices rose > 5% in Hanoi, « selon » l'agence."
    """
    m = _MARK_INLINE.search(sentence)
    if m is None:
        return sentence
    head = sentence[: m.start()].rstrip()
    return head if _OPEN_END.search(head) is None and head else ""


def split_sentences(text: str, language: str = "") -> list[str]:
    """Split ``text`` into sentences (NFC, whitespace collapsed, empty ones dropped)."""
    if not isinstance(text, str) or not text.strip():
        return []
    return list(_split(_normalise(text), base_language(language)))


@lru_cache(maxsize=1024)
def _split(text: str, lang: str) -> tuple[str, ...]:
    if lang == "vi":
        from underthesea import sent_tokenize

        parts = sent_tokenize(text)
    elif lang in _CJK_LANGS:
        parts = _CJK_SPLIT.split(text)
    else:
        parts, start = [], 0
        for m in _BOUNDARY.finditer(text):
            head = text[start : m.start() + 1]
            if m.group(0).startswith("."):
                word = head.rsplit(None, 1)[-1]
                if _ABBREV.search(word) or (
                    _MONTH.search(word) and text[m.end() : m.end() + 1].isdigit()
                ):
                    continue
            parts.append(text[start : m.end()])
            start = m.end()
        parts.append(text[start:])
    return tuple(c.strip() for p in parts for c in _captions(p) if c.strip())


def _captions(sentence: str) -> list[str]:
    """``sentence`` cut after each photo credit followed by a capitalised word."""
    out, start = [], 0
    for m in _CREDIT.finditer(sentence):
        nxt = sentence[m.end() :].lstrip('"“‘«(')
        if nxt[:1].isupper():
            out.append(sentence[start : m.end()])
            start = m.end()
    out.append(sentence[start:])
    return out


def syllables(text: str) -> list[str]:
    """Lower-case Unicode word tokens of NFC text (Vietnamese: one token per syllable)."""
    return _WORD.findall(unicodedata.normalize("NFC", text).lower())


@lru_cache(maxsize=4096)
def _vi_words(sentence: str) -> tuple[str, ...]:
    from underthesea import word_tokenize

    return tuple(w.lower().replace(" ", "_") for w in word_tokenize(sentence) if _WORD.search(w))


def tokens(sentence: str, language: str = "", *, segment: bool = True) -> list[str]:
    """Content tokens of a sentence for similarity.

    Vietnamese with ``segment``: underthesea words (``đối_lập``); CJK: character
    bigrams of the CJK runs plus the other words; otherwise :func:`syllables`.

    Examples
    --------
    >>> tokens("Phe đối lập biểu tình", "vi")
    ['phe', 'đối_lập', 'biểu_tình']
    >>> tokens("東京で地震", "ja")
    ['東京', '京で', 'で地', '地震']
    """
    lang = base_language(language)
    if lang == "vi" and segment:
        return list(_vi_words(unicodedata.normalize("NFC", sentence)))
    words = syllables(sentence)
    if lang in _CJK_LANGS or any(_CJK_CHAR.search(w) for w in words):
        out: list[str] = []
        for w in words:
            if _CJK_CHAR.search(w) and len(w) > 1:
                out.extend(w[i : i + 2] for i in range(len(w) - 1))
            else:
                out.append(w)
        return out
    return words
