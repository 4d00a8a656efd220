"""Narratives on the demo archive (the session's `earlywarn demo` run, as the README runs it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from earlywarn.focal.narrative_stage import narratives_summary
from earlywarn.focal.narratives import narratives
from earlywarn.store import Archive


@pytest.mark.slow
def test_demo_narratives(demo_out: Path) -> None:
    with Archive(demo_out / "demo.duckdb") as archive:
        # the nightly stage stored the English night's narrative about Viet Nam
        night = narratives_summary(archive, "VNM", "2019-11-20")
        assert len(night) >= 1
        esper = night[night["title"].str.contains("Esper")].iloc[0]
        assert esper["languages"] == ["en"] and "esper" in esper["key_phrases_en"]
        # every article of a stored narrative is one the focal stage tagged for the country
        stored = archive.table("narratives", "country = ?", ["VNM"])
        ids = sorted({a for lst in stored["article_ids"] for a in lst})
        tagged = archive.query(
            "SELECT article_id FROM perception WHERE country = 'VNM' AND count > 0 "
            "AND list_contains(?, article_id)",
            [ids],
        )
        assert ids and set(ids) == set(tagged["article_id"])
        # the Vietnamese articles (published October 2013) replayed on their own days
        arts, stories = archive.articles(), archive.table("stories")
    n = narratives(arts, stories, country="VNM", as_of="2013-10-23")
    titles = " | ".join(n["title"])
    assert "Al - Qaeda gốc Việt" in titles or "al - Qaeda gốc Việt" in titles, titles
    qaeda = n[n["title"].str.contains("Qaeda")].iloc[0]
    assert qaeda["status"] == "new" and qaeda["languages"] == ["vi"]
    assert "nghi can" in qaeda["key_phrases_vi"]  # 'suspect'
