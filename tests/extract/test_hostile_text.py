"""Hostile article text for the extract stage (issue 14, third round; tests/HOSTILE.md)."""

from __future__ import annotations

import time

import pandas as pd

from earlywarn.extract import code_events, score_tone
from earlywarn.schema import empty_frame


def test_a_page_without_a_full_stop_is_coded_and_scored_in_linear_time() -> None:
    """A page of 16,000 words and no sentence end (a keyword list, a table dump) is one
    "sentence": VADER's cost grows with its square, and moving actor spans onto the parse
    scanned every token per span: about 50 s of CPU for this one page (minutes at 30,000
    words), the extract stage held for it."""
    text = "Vietnam China talks Hanoi protest attack United States " * 2000
    arts = empty_frame("articles").reindex([0])
    arts = arts.assign(
        article_id="a1",
        url="https://e.com/a",
        title="Vietnam China talks",
        text=text,
        language="en",
        published=pd.Timestamp("2025-01-01", tz="UTC"),
    )
    code_events(arts.assign(text="Vietnam met China in Hanoi."))  # models loaded
    start = time.process_time()
    events = code_events(arts)
    tone = score_tone(arts)
    assert time.process_time() - start < 15  # ~5 s here
    assert len(tone) == 1 and -1 <= float(tone["tone"].iloc[0]) <= 1
    assert events.empty or set(events["article_id"]) == {"a1"}
