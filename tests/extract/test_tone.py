"""Tone on real English (newspaper fixtures) and Vietnamese (VietnameseMDS) articles."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from earlywarn.extract.tone import score_tone, tone_toward
from earlywarn.io.shared import read_mds
from earlywarn.schema import TABLES, validate


def _vi(shared: Path) -> pd.DataFrame:
    rows = read_mds(shared)
    return pd.DataFrame(
        {
            "article_id": [r["doc_id"] for r in rows],
            "title": [r["title"] for r in rows],
            "text": [r["body"] for r in rows],
            "language": "vi",
            "cluster": [r["cluster_name"] for r in rows],
        }
    )


def test_vietnamese_tone_sanity(shared_data: Path) -> None:
    arts = _vi(shared_data)
    tone = score_tone(arts)
    assert list(tone.columns) == list(TABLES["tone"].columns) and len(tone) == 100
    assert tone.method.eq("vi-lexicon").all() and tone.tone.between(-1, 1).all()
    assert ((tone.positive + tone.negative) <= 1).all()
    by = tone.merge(arts[["article_id", "cluster"]]).groupby("cluster").tone.mean()
    conflict = [
        "Mỹ tấn công dân thường bằng UAV",
        "Lính dù Nga thiệt mạng",
        "Cháy rừng ở Úc",
        "Âm mưu đánh bom Moscow",
        "Máy bay Israel không kích Syria",
        "Tướng tình báo Syria bị bắn chết",
        "Tìm kiếm thi thể vụ rơi máy bay ở Lào",
        "Mỹ phủ nhận phạm tội ác chiến tranh",
    ]
    tech = [
        "Sony Xperia Z1",
        "Đồng hồ Samsung Galaxy Gear",
        "Ipad mới ra đời",
        "Samsung Galaxy Note 3 tại IFA",
        "Logo Yahoo",
    ]
    assert (by[conflict] < -0.2).all(), by[conflict]
    assert (by[tech] > -0.1).all(), by[tech]
    assert by[conflict].mean() < by[tech].mean() - 0.3
    validate(tone, "tone")


def test_english_tone_on_real_articles(shared_data: Path) -> None:
    folder = shared_data / "article_extraction/newspaper/text"
    english = sorted(
        p for p in folder.glob("*.txt") if not p.stem.endswith(("_article", "article2"))
    )[:12]
    arts = pd.DataFrame(
        {
            "article_id": [p.stem for p in english],
            "title": "",
            "text": [p.read_text(encoding="utf-8") for p in english],
            "language": "en",
        }
    )
    tone = score_tone(arts)
    assert (
        tone.method.eq("vader").all() and tone.tone.notna().all() and tone.tone.between(-1, 1).all()
    )
    assert tone.tone.std() > 0.05  # articles differ in tone
    mixed = arts.assign(language=["en", "ja", None] * 4)
    t2 = score_tone(mixed)
    assert t2.method.tolist()[:3] == ["vader", "none", "none"] and t2.tone[1:3].isna().all()


def test_tone_toward() -> None:
    text = (
        "Vietnam and Japan signed a friendly cooperation agreement. "
        "China was condemned for the deadly attack on fishermen."
    )
    assert tone_toward(text, ["Japan"]) > 0.3
    assert tone_toward(text, ["China"]) < -0.3
    assert tone_toward(text, ["Laos"]) is None
    vi = "Việt Nam và Nhật Bản hợp tác tốt đẹp. Trung Quốc tấn công tàu cá, nhiều người bị thương."
    assert tone_toward(vi, ["Nhật Bản"], "vi") > 0 > tone_toward(vi, ["trung quốc"], "vi")
    assert tone_toward(vi, ["Nhật Bản"], "th") is None
