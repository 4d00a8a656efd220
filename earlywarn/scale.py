"""Dask backend for many-series work: a local cluster (or a remote one) and an ordered map.

The default is a ``LocalCluster`` of single-threaded worker **processes**: Prophet/cmdstan
and numba-compiled statsforecast are not thread-friendly, and processes keep a crash in one
fit from taking down the caller.

Examples
--------
>>> map_series(lambda uid, frame: (uid, len(frame)), [("a", [1, 2]), ("b", [3])])
[('a', 2), ('b', 1)]
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from distributed import Client

__all__ = ["get_client", "map_series"]

T = TypeVar("T")


def get_client(scheduler: str | None = None, n_workers: int = 2) -> Client:
    """Connect to ``scheduler`` (``"tcp://host:8786"``) or start a local process cluster.

    The returned client owns its local cluster: ``client.close()`` shuts it down.
    """
    from distributed import Client

    if scheduler:
        return Client(scheduler)
    return Client(
        n_workers=int(n_workers),
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        silence_logs=logging.WARNING,
    )


def map_series(
    func: Callable[[str, Any], T], groups: Iterable[tuple[str, Any]], client: Client | None = None
) -> list[T]:
    """Apply ``func(uid, frame)`` to every group; results in input order.

    Serial when ``client`` is None, otherwise one Dask task per group (``pure=False`` so equal
    inputs still run). Exceptions propagate to the caller.
    """
    items = list(groups)
    if client is None:
        return [func(uid, frame) for uid, frame in items]
    if not items:
        return []
    futures = client.map(func, [u for u, _ in items], [f for _, f in items], pure=False)
    return list(client.gather(futures))
