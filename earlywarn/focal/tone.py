"""Tone toward a country, sentence by sentence: only the sentences that mention it count.

A whole-article tone mixes the country with everything else the article is about (an
article praising Vietnam's rescue teams after a crash in Laos scores negative). Here each
sentence that names the country (or its leaders, ministries, institutions, places, see
:class:`earlywarn.focal.mentions.FocalMatcher`) is scored with the language's lexicon
(VADER for English, the shipped news lexicon for Vietnamese,
:func:`earlywarn.extract.tone.sentence_scores`) and the article's tone toward the country
is their mean. A sentence is negative / positive beyond ``±NEUTRAL_BAND`` (set on the
tuning half of ``earlywarn/data/eval/focal_tone.jsonl``; see ``earlywarn eval perception``).

Examples
--------
>>> from earlywarn.focal.mentions import FocalMatcher
>>> m = FocalMatcher.for_country("VNM")
>>> t = tone_toward("Floods hit Laos. Vietnam sent a rescue team that saved many lives.", "en", m)
>>> t.n_sentences, t.tone > 0
(1, True)
>>> tone_label(-0.3), tone_label(0.01)
('neg', 'neu')
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from earlywarn.extract.coding.text import split_sentences
from earlywarn.extract.tone import sentence_scores
from earlywarn.focal.mentions import FocalMatcher

__all__ = ["NEUTRAL_BAND", "Toward", "tone_label", "tone_toward"]

#: Sentences scoring within ``±NEUTRAL_BAND`` are neutral (tuned on the tuning half only).
NEUTRAL_BAND = 0.3


@dataclass(frozen=True)
class Toward:
    """Tone toward a country in one text: mean of its mentioning sentences (NaN when none
    is scored), how many sentences mention it, and how many of those are negative."""

    tone: float
    n_sentences: int
    n_negative: int
    n_positive: int


def tone_label(score: float, band: float = NEUTRAL_BAND) -> str:
    """``neg``, ``neu`` or ``pos`` for a sentence score in [-1, 1] (NaN is ``neu``)."""
    if score is None or math.isnan(score):
        return "neu"
    return "neg" if score <= -band else "pos" if score >= band else "neu"


def tone_toward(
    text: str, language: str | None, matcher: FocalMatcher, band: float = NEUTRAL_BAND
) -> Toward:
    """Tone toward ``matcher``'s country in ``text`` (title and body joined by a blank line).

    Languages without a lexicon give ``tone`` NaN but still count the mentioning sentences.
    """
    lang = (language or "").lower().split("-")[0]
    sents = [s for s in split_sentences(text or "", lang or None) if matcher.find(s, lang or None)]
    scores = [sentence_scores(s, lang)[:1] for s in sents]
    flat = [s[0] for s in scores if s]
    tone = float(sum(flat) / len(flat)) if flat else math.nan
    labels = [tone_label(s, band) for s in flat]
    return Toward(tone, len(sents), labels.count("neg"), labels.count("pos"))
