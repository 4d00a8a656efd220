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
