"""News-text precision rules and event locations, on real sentences.

English sentences are verbatim from ``article_extraction/scrapinghub/ground-truth.json``
(``articleBody``), Vietnamese ones from ``vietnamese_news/vietnamese_mds_articles.jsonl.gz``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from earlywarn.extract.actors import Gazetteer
from earlywarn.extract.evaluate import petrarch_records
from earlywarn.extract.events import EventCoder, code_events
from earlywarn.io.shared import read_mds
from earlywarn.schema import validate

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"


@pytest.fixture(scope="module")
def coder() -> EventCoder:
    return EventCoder()


@pytest.fixture(scope="module")
def truth() -> dict[str, dict[str, str]]:
    path = DATA / "article_extraction" / "scrapinghub" / "ground-truth.json"
    return json.loads(path.read_text(encoding="utf-8"))


def _body_has(truth: dict[str, dict[str, str]], sentence: str) -> bool:
    return any(sentence in " ".join((v.get("articleBody") or "").split()) for v in truth.values())


def _codes(coder: EventCoder, sentence: str, lang: str = "en") -> list[tuple[str, str, str]]:
    return [(e.source_code, e.target_code, e.code) for e in coder.code_sentence(sentence, lang)]


def test_news_rules_do_not_touch_petrarch_mode() -> None:
    """Dictionary (PETRARCH) coding keeps agent-only actors: the rules are for news only."""
    petr = DATA / "event_coding" / "petrarch2"
    coder = EventCoder.from_petrarch(
        petr / "PETR.Validate.verbs.txt", petr / "PETR.Validate.actors.txt",
        petr / "PETR.Validate.agents.txt",
    )  # fmt: skip
    rec = next(
        r for r in petrarch_records(petr / "PETR.UnitTest.records.xml") if r["id"] == "COMPOUND-26"
    )
    got = {(e.source_code, e.target_code, e.code) for e in coder.code_sentence(rec["text"])}
    assert ("---GOV", "GON", "160") in got and set(rec["gold"]) <= got


def test_vietnamese_rules_on_real_titles(coder: EventCoder) -> None:
    # an unattached agent takes the only country named: the government is Cambodia's
    assert _codes(coder, "Phe đối lập Campuchia lại biểu tình phản đối chính phủ", "vi") == [
        ("KHMOPP", "KHMGOV", "141")
    ]
    # 'A - B' headline pairs and reciprocal verbs code both directions
    got = {(s[:3], t[:3], c[:2]) for s, t, c in _codes(coder, "Nga - Ấn củng cố hợp tác", "vi")}
    assert got <= {("RUS", "IND", "06"), ("IND", "RUS", "06")} and got
    # future tense material aid is an intent (03), not aid given (07)
    assert _codes(coder, "Nga sẽ cung cấp cho Trung Quốc 10 triệu tấn dầu/năm", "vi") == [
        ("RUS", "CHN", "033")
    ]
    # a country's own aircraft is not a dyad ('Mỹ' - 'máy bay')
    assert _codes(coder, "Mỹ biện hộ cho vụ không kích bằng máy bay không người lái", "vi") == []


def test_capitalised_place_names_need_every_syllable_capitalised() -> None:
    gz = Gazetteer.default()
    text = "KCNA dẫn lời Ủy ban Hòa bình Thống nhất Triều Tiên; mưa lớn ở tỉnh Hòa Bình."
    assert [m.entity for m in gz.find(text, "vi")] == ["ORG:KCNA", "PRK", "PLACE:VNM:hoa-binh"]


def test_sentence_location_city(coder: EventCoder) -> None:
    ev = coder.code_sentence("Israeli troops arrested two Palestinian protesters in Jerusalem.")
    assert ev and all(e.location_country == "ISR" and e.admin1 == "IL.06" for e in ev)
    assert ev[0].lat == pytest.approx(31.77, abs=0.01) and ev[0].lon == pytest.approx(
        35.22, abs=0.01
    )
    vi = coder.code_sentence(
        "Tổng thống Nga Vladimir Putin (Phải) tiếp Thủ tướng Ấn Độ Manmohan Singh tại Moscow.", "vi"
    )
    assert [(e.source_country, e.target_country, e.location_country, e.admin1) for e in vi] == [
        ("RUS", "IND", "RUS", "RU.48")
    ]
    assert vi[0].lat == pytest.approx(55.75, abs=0.01)


def test_capital_as_actor_is_not_a_place(coder: EventCoder) -> None:
    # 'Washington accused': the capital is the US government, not where it happened
    ev = coder.code_sentence("Washington accused Iran of attacking ships in Yemen.")
    assert ev and all(e.source_country == "USA" and e.location_country == "YEM" for e in ev)
    assert all(e.lat is None for e in ev)


def test_article_fallback_and_province() -> None:
    art = pd.DataFrame({"article_id": ["a1"], "url": ["u"], "title": ["Japan criticized China."],
                        "text": ["Talks were held in Doha. Officials met again in Doha."],
                        "language": ["en"]})  # fmt: skip
    ev = code_events(art)
    validate(ev, "events")
    # no place in the sentence: the article's most-mentioned place (Doha, in Qatar)
    assert len(ev) == 1 and ev["location_country"].iloc[0] == "QAT"
    assert ev["admin1"].iloc[0] == "QA.01" and 25.2 <= ev["lat"].iloc[0] <= 25.4
    # a US state names admin1 (ISO 3166-2) without coordinates
    tx = EventCoder().code_sentence("Mexico criticized the United States over the wall in Texas.")
    assert tx and tx[0].admin1 == "US-TX" and tx[0].location_country == "USA"
    assert tx[0].lat is None


def test_vietnamese_article_locations() -> None:
    rows = [r for r in read_mds(DATA) if r["doc_id"] in ("12232291", "12241655")]
    arts = pd.DataFrame({"article_id": [r["doc_id"] for r in rows], "url": [r["url"] for r in rows],
                         "title": [r["title"] for r in rows], "text": [r["body"] for r in rows],
                         "language": "vi"})  # fmt: skip
    ev = code_events(arts)
    validate(ev, "events")
    moscow = ev[ev["sentence"].str.contains("gặp gỡ tại Moscow")]
    assert set(moscow["admin1"]) == {"RU.48"} and set(moscow["location_country"]) == {"RUS"}
    beijing = ev[ev["sentence"].str.contains("hội đàm ở Bắc Kinh")]
    assert set(beijing["location_country"]) == {"CHN"} and beijing["lat"].between(39, 41).all()
