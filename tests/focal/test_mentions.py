"""The focal-country tagger: names in every catalog language, word boundaries, false friends."""

from __future__ import annotations

import pytest

from earlywarn.errors import UsageError
from earlywarn.focal import FocalMatcher, country_names, resolve_country
from earlywarn.focal.evaluate import evaluate_relevance, gold
from earlywarn.focal.names import DEFAULT_PEERS, LANGUAGES
from earlywarn.focal.tone import tone_label, tone_toward


@pytest.fixture(scope="module")
def vnm() -> FocalMatcher:
    return FocalMatcher.for_country("VNM")


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Thủ tướng Phạm Minh Chính tiếp đại sứ.", "vi"),
        ("Hanoi and Washington upgraded ties.", "en"),
        ("越南外交部发言人表示", "zh"),
        ("ベトナムの首都ハノイで会談", "ja"),
        ("베트남의 수도 하노이에서", "ko"),
        ("Переговоры во Вьетнаме", "ru"),
        ("La délégation vietnamienne est arrivée à Hanoï.", "fr"),
        ("Las exportaciones de Vietnam crecieron.", "es"),
        ("Die vietnamesische Regierung in Hanoi", "de"),
        ("Presiden Vietnam berkunjung ke Jakarta.", "id"),
        ("นายกรัฐมนตรีเวียดนามเยือนไทย", "th"),
        ("នាយករដ្ឋមន្ត្រីវៀតណាម", "km"),
        ("ນາຍົກລັດຖະມົນຕີຫວຽດນາມ", "lo"),
    ],
)
def test_finds_the_country_in_every_catalog_language(
    vnm: FocalMatcher, text: str, lang: str
) -> None:
    assert vnm.find(text, lang), (lang, text)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        (
            "(VOV.VN) - Lúc 22 giờ (giờ Việt Nam), một vụ nổ xảy ra ở Nga.",
            "vi",
        ),  # byline, time zone
        ("Bão hình thành trên Thái Bình Dương.", "vi"),  # ocean containing Thái Bình, Bình Dương
        ("Anh Nguyễn Hà Nội và chị Lê Thị Thanh Hóa đã đến.", "vi"),  # person names
        ("Ảnh: AFP/TTXVN. Theo Thông tấn xã Việt Nam, Mỹ và Nga hội đàm.", "vi"),  # bylines
        ("The meeting starts at 9am Vietnam time.", "en"),
        ("He read the hue of the sky over Kyoto.", "en"),
        ("Truyện ngắn: hòa bình và thái bình trong thơ.", "vi"),  # common words, not provinces
    ],
)
def test_false_friends_are_not_mentions(vnm: FocalMatcher, text: str, lang: str) -> None:
    assert vnm.find(text, lang) == []


def test_kinds_and_offsets(vnm: FocalMatcher) -> None:
    text = "Bộ Ngoại giao Việt Nam phản đối; Chủ tịch Lương Cường thăm Đà Nẵng."
    found = vnm.find(text, "vi")
    assert [(f.kind, text[f.start : f.end]) for f in found] == [
        ("ministry", "Bộ Ngoại giao Việt Nam"),
        ("leader", "Lương Cường"),
        ("place", "Đà Nẵng"),
    ]


def test_salience_headline_lead_body(vnm: FocalMatcher) -> None:
    body = "Markets fell. Oil rose. Later, Vietnam said it would act."
    low = vnm.salience("Markets", body, "en")
    high = vnm.salience("Vietnam acts", "Vietnam said so. Hanoi agreed.", "en")
    assert (low.in_title, low.in_lead, low.count) == (False, False, 1)
    assert high.in_title and high.in_lead and high.score > low.score


def test_resolve_country_by_name_code_and_error() -> None:
    assert (
        resolve_country("Vietnam") == resolve_country("VN") == resolve_country("Việt Nam") == "VNM"
    )
    assert resolve_country("Trung Quốc") == "CHN"
    with pytest.raises(UsageError, match="ISO3"):
        resolve_country("Vietnamm land")


def test_peers_have_names_and_demonyms_in_every_language() -> None:
    for iso3 in DEFAULT_PEERS:
        names = country_names(iso3)
        langs = {lang for lang, _, kind in names.aliases if kind == "name"}
        assert set(LANGUAGES) <= langs, (iso3, set(LANGUAGES) - langs)
        assert any(kind == "demonym" for _, _, kind in names.aliases), iso3
    chn = FocalMatcher.for_country("CHN")
    assert chn.find("Tensions in the South China Sea rose.", "en") == []
    assert [m.text for m in chn.find("China and the US met.", "en")] == ["China"]
    usa = FocalMatcher.for_country("USA")
    assert usa.find("Ca sĩ Mỹ Tâm hát ở châu Mỹ.", "vi") == []


def test_tone_toward_counts_only_sentences_naming_the_country(vnm: FocalMatcher) -> None:
    t = tone_toward("Floods killed dozens in Laos. Vietnam sent rescue teams and aid.", "en", vnm)
    assert t.n_sentences == 1 and t.tone > 0
    assert tone_toward("Nothing here.", "en", vnm).n_sentences == 0
    assert tone_label(-0.9) == "neg" and tone_label(0.9) == "pos"


def test_gold_sets_are_split_once_by_article() -> None:
    rel, tone = gold("relevance"), gold("tone")
    assert len(rel) >= 300 and len(tone) >= 200
    half = {r["id"]: r["split"] for r in rel}
    assert all(half[t["article"]] == t["split"] for t in tone)
    assert {r["label"] for r in rel} == {"about", "mentions", "not"}
    assert {r["language"] for r in rel} == {"vi", "en"}


def test_relevance_on_the_tuning_half_meets_the_bar() -> None:
    r = evaluate_relevance("tune")
    assert r["precision"] >= 0.95 and r["recall"] >= 0.90


def test_tone_gold_is_split_by_article_and_scored_per_language() -> None:
    import hashlib

    from earlywarn.focal.evaluate import evaluate_tone

    rows = gold("tone")
    assert len(rows) == 341 and len({r["id"] for r in rows}) == 341
    for r in rows:  # the written rule: held aside when the article id's SHA-1 is odd
        odd = int(hashlib.sha1(r["article"].encode()).hexdigest(), 16) % 2
        assert r["split"] == ("held" if odd else "tune"), r["id"]
    en = evaluate_tone("tune", "en")
    assert en["n"] == 55 and evaluate_tone("held", "en")["n"] == 125
    assert 0.0 <= en["macro_f1"] <= 1.0 and 0.0 <= en["baseline_macro_f1"] <= 1.0
