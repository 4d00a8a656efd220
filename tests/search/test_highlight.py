"""Highlights: the lower-cased text matched with letter classes marks what folding would."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from earlywarn.search._highlight import Terms, highlight, snippet
from earlywarn.search.analysis import fold, tokens
from tests.search.test_analysis import vi_text


@given(vi_text, st.data())
def test_every_folded_occurrence_is_marked(text: str, data: st.DataObject) -> None:
    text = unicodedata.normalize("NFC", text)
    words = tokens(text)
    if not words:
        return
    query = data.draw(st.sampled_from(words))
    spans = Terms([query]).spans(text)
    folded = fold(text)
    for m in re.finditer(rf"(?<!\w){re.escape(query)}(?!\w)", folded):
        assert any(s <= m.start() and m.end() <= e for s, e in spans), (query, folded)
    for s, e in spans:  # nothing else: the word itself, or a CJK bigram of it
        assert fold(text[s:e]) == query or query in fold(text[s:e])


def test_accents_tone_placement_d_stems_and_cjk() -> None:
    terms = Terms(["thỏa", "da nang", "minister", "南海"])
    assert highlight("Thoả thuận ĐÀ NẴNG, Đà Nẵng", terms) == (
        "<mark>Thoả</mark> thuận <mark>ĐÀ</mark> <mark>NẴNG</mark>, <mark>Đà</mark> <mark>Nẵng</mark>"
    )
    assert highlight("Ministers met; administer", terms) == "<mark>Ministers</mark> met; administer"
    assert highlight("南海仲裁 <b>", terms) == "<mark>南海</mark>仲裁 &lt;b&gt;"
    assert "<mark>Hà</mark> <mark>Nội</mark>" in snippet("x " * 300 + "Hà Nội", Terms(["ha noi"]))
