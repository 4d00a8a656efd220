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

__all__ = ["base_language", "split_sentences", "syllables", "tokens"]

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
_CJK_SPLIT = re.compile(r"(?<=[。！？!?])\s*")
# A photo credit: the marker, one word (the agency or photographer), then a sentence.
_CREDIT = re.compile(r"\(?\b(?:Ảnh|ảnh|Photo|Photograph)\s*:\s*\S+?\)?\s+(?=[\"“‘«(]?[^\W\d_])")


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
            if m.group(0).startswith(".") and _ABBREV.search(head.rsplit(None, 1)[-1]):
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
