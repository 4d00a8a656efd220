"""Text analysis for the search index: the same steps for articles and queries.

Python does the steps no stock tokenizer does, all in C-backed string passes:

* Unicode NFC (decomposed input such as ``Bie\\u0302\\u0309n`` becomes ``Biển``);
* lower case (one C pass over the whole text: tantivy's lower-casing filter, token by
  token, cost more than a third of the indexing time of a Vietnamese article);
* the two Vietnamese tone-mark placements made one (``hoà`` -> ``hòa``, ``thoả`` -> ``thỏa``,
  ``thuỷ`` -> ``thủy``; length-preserving, so highlights keep their offsets);
* CJK runs (Chinese, Japanese, Korean) cut into overlapping character bigrams.

tantivy then splits words (Unicode letters and digits); the ``fold`` fields also fold
diacritics (``đ`` -> ``d``), and the ``stem`` field stems English.

Examples
--------
>>> normalize("Hoà bình và thoả thuận về Biển Đông")
'hòa bình và thỏa thuận về biển đông'
>>> normalize("南海仲裁").split()
['南海', '海仲', '仲裁']
>>> fold("Đà Nẵng, Việt Nam")
'da nang, viet nam'
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import Any

__all__ = ["ANALYZERS", "analyzer", "fold", "has_marks", "normalize", "tokens"]

#: Field analyzers by name: (tokenizer, filters) for tantivy.
ANALYZERS = ("ew_exact", "ew_fold", "ew_stem")

_TONES = "\u0300\u0301\u0309\u0303\u0323"  # grave, acute, hook above, tilde, dot below


def _tone_map() -> dict[str, str]:
    """Old and new placement pairs: ``oà`` -> ``òa`` (and upper/mixed case)."""
    out: dict[str, str] = {}
    for first, second in (("o", "a"), ("o", "e"), ("u", "y")):
        for mark in _TONES:
            for f in (first, first.upper()):
                for s in (second, second.upper()):
                    new = f + unicodedata.normalize("NFC", s + mark)
                    old = unicodedata.normalize("NFC", f + mark) + s
                    out[new] = old
    return out


_TONE_PAIRS = _tone_map()
# only at the end of a syllable (hoàn keeps its mark on a in both placements), and never
# after q (quý is the same in both placements: u belongs to the consonant qu)
_A_E = "".join(sorted({k[1] for k in _TONE_PAIRS if k[1].lower() not in "ỳýỷỹỵ"}))
_Y = "".join(sorted({k[1] for k in _TONE_PAIRS if k[1].lower() in "ỳýỷỹỵ"}))
# a character class first is what lets the regex engine skip ahead fast
_TONE_RE = re.compile(f"[oOuU][{_A_E}{_Y}](?!\\w)")
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_CJK_RUN = re.compile(f"[{_CJK}]{{2,}}")
_HAS_CJK = re.compile(f"[{_CJK}]")


def _bigrams(match: re.Match[str]) -> str:
    run = match.group(0)
    return " " + " ".join(run[i : i + 2] for i in range(len(run) - 1)) + " "


def canonical_tones(text: str) -> str:
    """Put Vietnamese tone marks of ``oa``, ``oe``, ``uy`` at the end of a word on the first vowel.

    Length-preserving (two letters for two letters).

    Examples
    --------
    >>> canonical_tones("Hoà Bình, thuỷ điện, khoẻ, quý, hoàn")
    'Hòa Bình, thủy điện, khỏe, quý, hoàn'
    """

    def swap(m: re.Match[str]) -> str:
        pair, at = m.group(0), m.start()
        if at and text[at - 1] in "qQ":
            return pair
        return _TONE_PAIRS.get(pair, pair)

    return _TONE_RE.sub(swap, text)


def normalize(text: str | None, *, tones: bool = True) -> str:
    """NFC, lower case, one tone placement, CJK bigrams: what goes to the tokenizers.

    ``tones=False`` skips the tone placement, which only the accented ``exact`` field
    needs (folding removes the marks): English articles are indexed without it.

    Examples
    --------
    >>> normalize("Bie\\u0302\\u0309n  \\u0110o\\u0302ng") == normalize("Biển  Đông")
    True
    >>> normalize("Thoả", tones=False)
    'thoả'
    """
    if not text:
        return ""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    text = text.lower()
    if tones:
        text = canonical_tones(text)
    if _HAS_CJK.search(text):
        text = _CJK_RUN.sub(_bigrams, text)
    return text


@cache
def _fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    ranges = (range(0x00C0, 0x0250), range(0x1E00, 0x1F00))
    for cp in (c for r in ranges for c in r):
        ch = chr(cp)
        base = unicodedata.normalize("NFD", ch)[0]
        if base != ch and base.isascii():
            table[cp] = base.lower()
    table.update({ord("đ"): "d", ord("Đ"): "d", ord("ð"): "d", ord("Ð"): "d"})
    table.update({ord("ø"): "o", ord("Ø"): "o", ord("ł"): "l", ord("Ł"): "l"})
    return table


def fold(text: str) -> str:
    """Lower case without diacritics (``đ`` -> ``d``), one character for one character.

    Examples
    --------
    >>> fold("Biển ĐÔNG")
    'bien dong'
    """
    return text.translate(_fold_table()).lower()


def has_marks(word: str) -> bool:
    """Whether ``word`` carries diacritics (an exact, accented form worth ranking first).

    Examples
    --------
    >>> has_marks("Hà"), has_marks("Ha"), has_marks("中国")
    (True, False, False)
    """
    return fold(word) != word.lower()


@cache
def analyzer(name: str) -> Any:
    """The tantivy text analyzer ``name`` (one of :data:`ANALYZERS`), for :func:`normalize`-d text.

    Examples
    --------
    >>> analyzer("ew_fold").analyze(normalize("Đà Nẵng"))
    ['da', 'nang']
    """
    import tantivy

    builder = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple()).filter(
        tantivy.Filter.remove_long(200)  # bytes: 3 per Vietnamese letter
    )
    if name in ("ew_fold", "ew_stem"):
        builder = builder.filter(tantivy.Filter.ascii_fold())
    if name == "ew_stem":
        builder = builder.filter(tantivy.Filter.stemmer("english"))
    elif name != "ew_exact" and name != "ew_fold":
        raise ValueError(f"unknown analyzer {name!r}; analyzers are {ANALYZERS}")
    return builder.build()


def tokens(text: str, name: str = "ew_fold") -> list[str]:
    """Tokens of ``text`` as the field analyzed by ``name`` indexes them
    (:func:`normalize` first: the analyzers expect lower-cased text).

    Examples
    --------
    >>> tokens("Ha Noi"), tokens("Illinois")
    (['ha', 'noi'], ['illinois'])
    >>> tokens("rare earths", "ew_stem")
    ['rare', 'earth']
    """
    return list(analyzer(name).analyze(normalize(text)))
