"""Types shared by the coders and the rules (actors, actor spans, raw events).

They live here, below :mod:`engine`, :mod:`syntax`, :mod:`news` and :mod:`resolve`, so
those modules import this one and never each other in a cycle.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Actor", "ActorSpan", "RawEvent"]


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
