"""The morning brief: what changed overnight and the top stories, each summarised.

:func:`summarise` is a multilingual extractive summariser (TF-IDF centroid centrality
with a lead prior and MMR redundancy control, TextRank on request); :func:`build_brief` assembles
a night's brief from the archive; :func:`render_text` and :func:`render_html` print it;
the nightly ``brief`` stage (:mod:`earlywarn.brief.stage`) stores it and queues e-mail
digests.

Examples
--------
>>> from earlywarn.brief import summarise
>>> summarise(["Floods hit central Vietnam on Monday after days of heavy rain, officials said."], "en")
['Floods hit central Vietnam on Monday after days of heavy rain, officials said.']
"""

from __future__ import annotations

from earlywarn.brief.build import build_brief, get_brief, load_brief
from earlywarn.brief.render import brief_section, render_html, render_text
from earlywarn.brief.summarise import lead, random_sentences, summarise

__all__ = [
    "brief_section",
    "build_brief",
    "get_brief",
    "lead",
    "load_brief",
    "random_sentences",
    "render_html",
    "render_text",
    "summarise",
]
