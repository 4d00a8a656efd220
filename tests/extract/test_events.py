from __future__ import annotations

from pathlib import Path

import pandas as pd

from earlywarn.extract.events import EventCoder, code_events
from earlywarn.io.shared import read_mds
from earlywarn.schema import TABLES, validate

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"


def test_english_real_sentences() -> None:
    coder = EventCoder()
    got = {(e.source_code, e.target_code, e.code[:2]) for s in [
        "Chinese coast guard ships attacked Vietnamese fishing boats near the Paracel Islands.",
        "Russia and China signed an agreement on gas supplies.",
        "Vietnam protested to China over the deployment of an oil rig.",
    ] for e in coder.code_sentence(s, "en")}  # fmt: skip
    assert (
        ("CHNMIL", "VNM", "19") in got
        or ("CHN", "VNM", "19") in got
        or any(g[2] == "19" and g[0].startswith("CHN") for g in got)
    )
    assert any(g[0] == "RUS" and g[1] == "CHN" and g[2] == "05" for g in got)


def test_passive_and_leaders_in_office() -> None:
    coder = EventCoder()
    ev = coder.code_sentence("Syria was attacked by Israeli warplanes on Sunday.")
    assert [(e.source_code, e.target_code, e.quad_class) for e in ev] == [("ISRMIL", "SYR", 4)]
    obama = coder.code_sentence(
        "Barack Obama met Xi Jinping in California.", date=pd.Timestamp("2013-06-07").date()
    )
    assert obama and obama[0].source_code == "USAGOV" and obama[0].target_code == "CHNGOV"
    later = coder.code_sentence(
        "Barack Obama met Xi Jinping in California.", date=pd.Timestamp("2019-06-07").date()
    )
    assert later[0].source_code == "USAELI"


def test_vietnamese_sentences() -> None:
    coder = EventCoder()
    ev = coder.code_sentence(
        "Trung Quốc và Ấn Độ đã ký một thỏa thuận nhằm làm giảm căng thẳng ở biên giới.", "vi"
    )
    assert {(e.source_country, e.target_country) for e in ev} >= {("CHN", "IND")} or ev
    ev = coder.code_sentence("Triều Tiên dọa nhấn chìm Hàn Quốc vào biển lửa", "vi")
    assert [(e.source_country, e.target_country, e.quad_class) for e in ev] == [("PRK", "KOR", 3)]
    # 'bắt' inside 'bắt đầu' (to begin) is not an arrest (CAMEO 173)
    ev = coder.code_sentence("Ấn Độ bắt đầu đàm phán với Nga", "vi")
    assert [(e.source_country, e.target_country, e.code) for e in ev] == [("IND", "RUS", "046")]


def test_code_events_frame_on_vietnamese_articles() -> None:
    rows = read_mds(DATA)[:30]
    arts = pd.DataFrame({
        "article_id": [r["doc_id"] for r in rows], "url": [r["url"] for r in rows],
        "title": [r["title"] for r in rows], "text": [r["body"] for r in rows], "language": "vi",
        "published": pd.to_datetime([r["time_iso"] for r in rows], utc=True),
    })  # fmt: skip
    ev = code_events(arts)
    assert list(ev.columns) == list(TABLES["events"].columns)
    validate(ev, "events")
    assert len(ev) >= 10
    assert set(ev["origin"]) == {"coder"} and set(ev["language"]) == {"vi"}
    assert ev["cameo_code"].str.fullmatch(r"\d{2,4}").all()
    assert (ev["root_code"] == ev["cameo_code"].str[:2]).all()
    assert ev["quad_class"].between(1, 4).all() and ev["confidence"].between(0, 1).all()
    assert ev["event_id"].str.fullmatch(r"[0-9a-f]{40}").all()
    assert set(ev["url"]) <= set(arts["url"])
    again = code_events(arts)
    assert list(again["event_id"]) == list(ev["event_id"])  # stable ids


def test_code_events_date_falls_back_to_as_of() -> None:
    arts = pd.DataFrame({"article_id": ["a"], "url": ["u"], "title": ["Japan criticized China."],
                         "text": [None], "language": ["en"], "published": [pd.NaT],
                         "as_of": [pd.Timestamp("2024-03-02")]})  # fmt: skip
    ev = code_events(arts)
    assert len(ev) == 1 and ev["date"].iloc[0] == pd.Timestamp("2024-03-02")
    assert ev["source_country"].iloc[0] == "JPN" and ev["root_code"].iloc[0] == "11"


def _tuning_articles(n: int) -> list[list[str]]:
    """The first ``n`` tuning-half articles of the English news gold set, as sentence lists."""
    import hashlib
    import json
    from importlib.resources import files

    path = files("earlywarn.data").joinpath("eval/en_news_gold.jsonl")
    by: dict[str, list[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        a = str(r["article"])
        if int(hashlib.sha1(a.encode()).hexdigest(), 16) % 2 == 0:  # tuning half
            by.setdefault(a, []).append(r["sentence"])
    return list(by.values())[:n]


def test_code_documents_codes_each_document_as_if_alone() -> None:
    """Parsing many documents' sentences in one pass (as the nightly stage does) gives each
    document the events it gets coded alone: its own name memory and sports context."""
    arts = _tuning_articles(80)
    coder = EventCoder()
    alone = [coder.code_sentences(a, "en") for a in arts]
    together = coder.code_documents(arts, "en")

    def key(doc: list[list]) -> list[list[tuple[str, str, str]]]:
        return [[(e.source_code, e.target_code, e.code) for e in s] for s in doc]

    assert [key(d) for d in together] == [key(d) for d in alone]
    assert sum(len(s) for d in alone for s in d) >= 20  # real events, not empty lists
    assert coder.code_documents([], "en") == []
    assert coder.code_documents([["Chính phủ Việt Nam hoan nghênh."], []], "fr") == [[[]], []]


def test_code_documents_needs_one_date_per_document() -> None:
    import pytest

    with pytest.raises(ValueError, match="2 documents but 1 dates"):
        EventCoder().code_documents([["a."], ["b."]], "en", dates=[None])


def test_code_events_recodes_a_failed_batch_article_by_article() -> None:
    """A batch the coder fails on is coded again one article at a time: the same events."""

    class FailsOnBatches(EventCoder):
        def code_documents(self, documents, language="en", *, dates=None):  # type: ignore[no-untyped-def]
            if len(documents) > 1:
                raise RuntimeError("batch failure")
            return super().code_documents(documents, language, dates=dates)

    arts = pd.DataFrame({
        "article_id": ["a1", "a2"], "url": ["https://example.org/1", "https://example.org/2"],
        "title": ["Vietnam and Japan sign deal", "Norway hosts talks"],
        "text": ["Japan will provide aid to Vietnam.", "China criticized Japan on Monday."],
        "language": ["en", "en"], "published": [pd.Timestamp("2024-05-01T03:00Z")] * 2,
    })  # fmt: skip
    expected = code_events(arts)
    assert len(expected) >= 2
    got = code_events(arts, FailsOnBatches())
    pd.testing.assert_frame_equal(got, expected)
