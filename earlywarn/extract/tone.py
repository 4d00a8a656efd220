"""Article tone in [-1, 1] from lexicons: VADER for English, a news lexicon for Vietnamese.

An article's tone is the mean compound score of its sentences (title included);
``positive``/``negative`` are the shares of sentences scoring >= 0.05 / <= -0.05.
English uses VADER (``vaderSentiment``, MIT). Vietnamese uses the shipped
``earlywarn/data/vi_news_sentiment.tsv`` (190 news-domain terms, hand-built for
earlywarn, CC0; see ``earlywarn/data/SOURCES.md``) with longest-match on syllables,
negation (không, chưa, chẳng ...) flipping the next term, and VADER's normalisation.
Other languages get ``method="none"`` and a NaN tone.

Examples
--------
>>> import pandas as pd
>>> arts = pd.DataFrame({"article_id": ["a", "b", "c"],
...                      "title": ["Talks succeed", "Bão gây thiệt hại nghiêm trọng", "Titel"],
...                      "text": ["Both sides welcomed the good agreement.", "Nhiều người bị thương.", "Text"],
...                      "language": ["en", "vi", "de"]})
>>> t = score_tone(arts)
>>> list(t.columns)
['article_id', 'tone', 'positive', 'negative', 'method']
>>> t.method.tolist(), bool(t.tone[0] > 0), bool(t.tone[1] < 0), bool(t.tone.isna()[2])
(['vader', 'vi-lexicon', 'none'], True, True, True)
>>> tone_toward("China praised Vietnam. Floods killed ten in Laos.", ["Laos"]) < 0
True
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from importlib.resources import files

import numpy as np
import pandas as pd

from earlywarn._log import get_logger
from earlywarn.schema import TABLES, empty_frame

__all__ = ["TONE_METHODS", "score_tone", "sentence_scores", "tone_toward"]

#: Languages with a sentence-tone lexicon and its method; any other language has no tone (NaN).
TONE_METHODS = {"en": "vader", "vi": "vi-lexicon"}

log = get_logger(__name__)

_SENT = re.compile(r"(?<=[.!?…])\s+|\n+")
#: words of one scored piece: VADER's cost grows with the square of a sentence's length
#: (a 30,000-word page without a full stop took minutes); news sentences are far shorter
_MAX_WORDS = 200
_SYL = re.compile(r"\w+", re.UNICODE)
_NEGATORS = frozenset({"không", "chưa", "chẳng", "chả", "đừng", "chớ"})
_MAX_N = 3
_ALPHA = 15.0  # VADER's normalisation constant
_THRESH = 0.05


@lru_cache(maxsize=1)
def _vader() -> object:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


@lru_cache(maxsize=1)
def _vi_lexicon() -> dict[tuple[str, ...], float]:
    path = files("earlywarn.data").joinpath("vi_news_sentiment.tsv")
    lex: dict[tuple[str, ...], float] = {}
    with path.open("r", encoding="utf-8") as fh:
        for line in fh:
            if not line.strip() or line.startswith("#"):
                continue
            term, score = line.rstrip("\n").split("\t")
            lex[tuple(_norm(term).split())] = float(score)
    return lex


def _norm(text: str) -> str:
    return unicodedata.normalize("NFC", text).lower()


def _vi_compound(sentence: str) -> float:
    lex = _vi_lexicon()
    syl = _SYL.findall(_norm(sentence))
    total, i, neg_until = 0.0, 0, -1
    while i < len(syl):
        if syl[i] in _NEGATORS:
            neg_until = i + 3
            i += 1
            continue
        for n in range(min(_MAX_N, len(syl) - i), 0, -1):
            score = lex.get(tuple(syl[i : i + n]))
            if score is not None:
                total += -0.74 * score if i <= neg_until else score
                i += n
                break
        else:
            i += 1
    s = 4.0 * total
    return s / math.sqrt(s * s + _ALPHA) if s else 0.0


def _method(language: object) -> str:
    if not isinstance(language, str):
        return "none"
    lang = language.lower().replace("_", "-").split("-")[0]
    return TONE_METHODS.get(lang, "none")


def _sentences(text: str) -> list[str]:
    """The sentences of ``text``, any longer than ``_MAX_WORDS`` words cut into pieces
    (for VADER, whose cost grows with the square of a sentence's length; the Vietnamese
    lexicon's is linear).

    Examples
    --------
    >>> [len(s.split()) for s in _sentences("Short one. " + "word " * 450)]
    [2, 200, 200, 50]
    """
    out = []
    for s in _SENT.split(text):
        if not s.strip():
            continue
        if s.count(" ") < _MAX_WORDS:
            out.append(s)
            continue
        words = s.split()
        out += [" ".join(words[i : i + _MAX_WORDS]) for i in range(0, len(words), _MAX_WORDS)]
    return out


def sentence_scores(text: str, language: str = "en") -> list[float]:
    """Compound score in [-1, 1] of each sentence of ``text`` (empty if unsupported).

    Examples
    --------
    >>> [round(s, 2) for s in sentence_scores("Hòa bình. Chiến tranh.", "vi")]
    [0.59, -0.64]
    """
    method = _method(language)
    if method == "none" or not text:
        return []
    if method == "vader":
        analyzer = _vader()
        return [float(analyzer.polarity_scores(s)["compound"]) for s in _sentences(text)]  # type: ignore[attr-defined]
    return [_vi_compound(s) for s in _SENT.split(text) if s.strip()]


def _summarise(scores: list[float]) -> tuple[float, float, float]:
    if not scores:
        return math.nan, math.nan, math.nan
    a = np.asarray(scores)
    return float(a.mean()), float((a >= _THRESH).mean()), float((a <= -_THRESH).mean())


def score_tone(articles: pd.DataFrame) -> pd.DataFrame:
    """Tone of each article.

    Parameters
    ----------
    articles : DataFrame
        Articles-table frame; uses ``article_id``, ``title``, ``text`` (or ``summary``
        when the text is missing) and ``language``.

    Returns
    -------
    DataFrame
        Columns exactly ``TABLES["tone"]``: ``article_id, tone, positive, negative, method``.
        Unsupported languages and empty articles get NaN scores (method ``"none"`` for
        an unsupported language).
    """
    if articles.empty:
        return empty_frame("tone")
    rows = []
    for rec in articles.to_dict("records"):
        get = rec.get
        body = get("text") or get("summary") or ""
        title = get("title") or ""
        if not isinstance(body, str):
            body = ""
        if not isinstance(title, str):
            title = ""
        method = _method(get("language"))
        text = f"{title}.\n{body}" if title else body
        tone, pos, neg = _summarise(
            sentence_scores(text, str(get("language")) if method != "none" else "")
        )
        rows.append((get("article_id"), tone, pos, neg, method))
    out = pd.DataFrame(rows, columns=list(TABLES["tone"].columns))
    log.debug("scored tone of %d articles", len(out))
    return out.astype({"tone": "float64", "positive": "float64", "negative": "float64"})


def tone_toward(text: str, names: Sequence[str], language: str = "en") -> float | None:
    """Mean tone of the sentences of ``text`` that mention any of ``names`` (case-insensitive).

    Returns None when no sentence mentions them or the language is unsupported.
    """
    if _method(language) == "none" or not text or not names:
        return None
    pattern = re.compile("|".join(rf"(?<!\w){re.escape(_norm(n))}(?!\w)" for n in names if n))
    sentences = [s for s in _SENT.split(text) if pattern.search(_norm(s))]
    scores = [score for s in sentences for score in sentence_scores(s, language)]
    return float(np.mean(scores)) if scores else None
