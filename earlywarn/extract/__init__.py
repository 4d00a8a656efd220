"""The extract stage: actors and places, CAMEO events, tone and stories from articles.

Frames in, frames out: each function takes an articles frame (the ``articles`` table)
and returns a frame shaped like its own archive table.
"""

from __future__ import annotations

import pandas as pd

from earlywarn.extract.actors import Gazetteer, Mention, extract_mentions
from earlywarn.extract.events import CodedEvent, EventCoder, code_events
from earlywarn.extract.stories import cluster_stories, story_table
from earlywarn.extract.tone import score_tone, tone_toward

__all__ = [
    "CodedEvent",
    "EventCoder",
    "Gazetteer",
    "Mention",
    "cluster_stories",
    "code_events",
    "extract_all",
    "extract_mentions",
    "score_tone",
    "story_table",
    "tone_toward",
]


def extract_all(articles: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Mentions, events, tone and stories of ``articles``, keyed by table name."""
    mentions = extract_mentions(articles)
    return {
        "mentions": mentions,
        "events": code_events(articles),
        "tone": score_tone(articles),
        "stories": cluster_stories(articles, mentions),
    }
