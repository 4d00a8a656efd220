"""Types shared by the coders and the rules (actors, actor spans, raw events).

They live here, below :mod:`engine`, :mod:`syntax`, :mod:`news` and :mod:`resolve`, so
those modules import this one and never each other in a cycle.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["Actor", "ActorSpan", "RawEvent", "unique_events"]


@dataclass(frozen=True)
class Actor:
    """A resolved actor: ``code`` is PETRARCH style (country + agent, e.g. ``CHNGOV``)."""

    code: str
    name: str
    country: str | None
    type: str | None
    entity: str | None = None
    kind: str = "actor"


@dataclass(frozen=True)
class ActorSpan:
    """An actor over tokens ``start:end`` of a sentence's token list."""

    start: int
    end: int
    actor: Actor


@dataclass(frozen=True)
class RawEvent:
    """One coded event before it becomes a :class:`~earlywarn.extract.events.CodedEvent`."""

    source: Actor
    target: Actor
    code: str
    verb: str
    verb_start: int
    pattern: bool


def unique_events(events: Iterable[RawEvent]) -> list[RawEvent]:
    """The first event of each (source code, target code, CAMEO code), in order."""
    seen: set[tuple[str, str, str]] = set()
    out = []
    for e in events:
        key = (e.source.code, e.target.code, e.code)
        if key not in seen:
            seen.add(key)
            out.append(e)
    return out
