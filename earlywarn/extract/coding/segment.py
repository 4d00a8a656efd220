"""Vietnamese word boundaries around verb hits, segmented lazily with underthesea.

The Vietnamese verb lexicon is matched on syllables (a phrase index, no segmentation);
underthesea's CRF segmenter is then asked only whether a hit is a whole word (*bắt* in
*bắt đầu* is not), and only on the ``VI_WINDOW`` syllables around the hit. The CRF's
features look two syllables either way, so the boundaries agree with segmenting the whole
sentence (checked on all 1,147 verb hits of the 1,389 sentences of the shipped Vietnamese
test articles: no difference), at a fraction of the cost.

Examples
--------
>>> from earlywarn.extract.coding.text import tokenize
>>> s = "Ấn Độ bắt đầu đàm phán với Nga"
>>> ok = vi_word_filter(s, tokenize(s))
>>> ok(2, 3), ok(4, 6)  # 'bắt' (inside 'bắt đầu'), 'đàm phán'
(False, True)
"""

from __future__ import annotations

from collections.abc import Callable

from earlywarn.extract.coding.text import Token

__all__ = ["VI_WINDOW", "vi_word_filter"]

#: Syllables of context segmented on each side of a Vietnamese verb hit (the CRF
#: segmenter looks two syllables either way, so four gives identical boundaries in practice).
VI_WINDOW = 4


def vi_word_filter(sentence: str, toks: list[Token]) -> Callable[[int, int], bool]:
    """Verb spans must align with underthesea word boundaries ('bắt' is not in 'bắt đầu').

    Segmentation is lazy and local: only the ``VI_WINDOW`` syllables around a verb hit are
    segmented, and only when the coder asks (a verb hit in a sentence with two actors).
    """
    from underthesea import word_tokenize

    def ok(i: int, j: int) -> bool:
        lo = max(0, i - VI_WINDOW)
        hi = min(len(toks), j + VI_WINDOW)
        base = toks[lo].start
        chunk = sentence[base : toks[hi - 1].end]
        s, e = toks[i].start - base, toks[j - 1].end - base
        pos = 0
        for w in word_tokenize(chunk):
            k = chunk.find(w, pos)
            if k < 0:
                continue
            pos = k + len(w)
            if " " in w and k < e and s < pos and (k < s or pos > e) and w.islower():
                return False  # the verb is part of a longer lower-case word ('bắt đầu')
        return True

    return ok
