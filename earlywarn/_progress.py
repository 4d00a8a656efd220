"""Progress reporting for long library calls, silent unless a caller asks.

A long function takes ``progress=None``; when given, it calls ``progress(done, total,
what)`` as work completes (``total`` is None while unknown). The CLI turns these calls
into rich progress bars on stderr; the library itself never draws anything.

Examples
--------
>>> seen = []
>>> list(counted(["a", "b"], lambda *a: seen.append(a), "series"))
['a', 'b']
>>> seen
[(0, 2, 'series'), (1, 2, 'series'), (2, 2, 'series')]
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sized
from typing import TypeVar

__all__ = ["Progress", "counted"]

#: ``progress(done, total, what)``: ``done`` items of ``total`` (None: not known yet).
Progress = Callable[[int, "int | None", str], None]

T = TypeVar("T")


def counted(
    items: Iterable[T], progress: Progress | None, what: str, total: int | None = None
) -> Iterator[T]:
    """Yield ``items``, reporting each one done to ``progress`` (if any)."""
    if progress is None:
        yield from items
        return
    if total is None and isinstance(items, Sized):
        total = len(items)
    progress(0, total, what)
    for i, item in enumerate(items, 1):
        yield item
        progress(i, total, what)
