"""Analysis: NFC, folding, one tone placement, CJK bigrams, tokens (with hypothesis)."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from earlywarn.search.analysis import canonical_tones, fold, has_marks, normalize, tokens

VI = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵđ"
vi_text = st.text(alphabet=VI + VI.upper() + " .,-qhntg中国語한국", max_size=60)


@given(vi_text)
def test_decomposed_input_analyses_like_composed(text: str) -> None:
    nfd = unicodedata.normalize("NFD", text)
    assert normalize(nfd) == normalize(text)
    assert tokens(nfd) == tokens(text)
    assert tokens(nfd, "ew_exact") == tokens(text, "ew_exact")


@given(vi_text)
def test_fold_keeps_length_and_is_idempotent(text: str) -> None:
    text = unicodedata.normalize("NFC", text)
    folded = fold(text)
    assert len(folded) == len(text)
    assert fold(folded) == folded
    assert not any(c in folded for c in "đĐàÀếỰ")


@given(vi_text)
def test_tone_placement_is_length_preserving_and_stable(text: str) -> None:
    text = unicodedata.normalize("NFC", text)
    once = canonical_tones(text)
    assert len(once) == len(text) and canonical_tones(once) == once
    assert fold(once) == fold(text)  # only where the mark sits changes


@given(vi_text)
def test_folded_tokens_match_python_fold(text: str) -> None:
    """The index's folding (tantivy ascii_fold) and the highlighter's (fold) agree."""
    assert tokens(text, "ew_fold") == tokens(fold(text), "ew_fold")


def test_both_tone_placements_are_one() -> None:
    for old, new in [("thỏa", "thoả"), ("hòa", "hoà"), ("Thủy", "Thuỷ"), ("khỏe", "khoẻ")]:
        assert tokens(old, "ew_exact") == tokens(new, "ew_exact")
    assert tokens("hoàn", "ew_exact") == ["hoàn"]  # a mark before a final consonant stays
    assert tokens("quý", "ew_exact") == ["quý"]


def test_folding_case_and_d() -> None:
    assert tokens("ĐÀ NẴNG") == tokens("đà nẵng") == ["da", "nang"]
    assert tokens("Đà Nẵng", "ew_exact") == ["đà", "nẵng"]
    assert has_marks("Đông") and not has_marks("Dong")


def test_ha_noi_is_not_illinois() -> None:
    assert not set(tokens("ha noi")) & set(tokens("Illinois, Chicago"))


def test_cjk_bigrams_and_english_stems() -> None:
    assert tokens("南海仲裁案") == ["南海", "海仲", "仲裁", "裁案"]
    assert tokens("商標法違反") == ["商標", "標法", "法違", "違反"]
    assert tokens("Ministers negotiated", "ew_stem") == ["minist", "negoti"]
