"""Dask backend for many-series work: a local cluster (or a remote one) and an ordered map.

The default is a ``LocalCluster`` of single-threaded worker **processes**: Prophet/cmdstan
and numba-compiled statsforecast are not thread-friendly, and processes keep a crash in one
fit from taking down the caller. Series are sent in batches (several series per Dask task) so
the per-task overhead (scheduling, pickling the models) is paid once per batch, not per series.

Examples
--------
>>> map_series(lambda uid, frame: (uid, len(frame)), [("a", [1, 2]), ("b", [3])])
[('a', 2), ('b', 1)]
>>> batches([("a", 1), ("b", 2), ("c", 3)], 2)
[[('a', 1), ('b', 2)], [('c', 3)]]
"""

from __future__ import annotations

import logging
import math
import warnings
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from earlywarn._progress import Progress, counted
from earlywarn.errors import ConfigError, EarlywarnError

if TYPE_CHECKING:
    from distributed import Client

__all__ = ["batches", "get_client", "map_series"]

T = TypeVar("T")

#: thread-pool variables set to 1 in local workers: one worker is one core, and OpenMP/BLAS
#: threads on top (scikit-learn's boosting, numpy's BLAS) oversubscribe shared cores
_ONE_THREAD = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")

#: most series per Dask task (amortises overhead, still balances work across workers)
MAX_BATCH = 50


def get_client(scheduler: str | None = None, n_workers: int = 2) -> Client:
    """Connect to ``scheduler`` (``"tcp://host:8786"``) or start a local process cluster
    of ``n_workers`` single-threaded workers (OpenMP/BLAS limited to one thread each).

    The returned client owns its local cluster: ``client.close()`` shuts it down.
    """
    from distributed import Client

    if scheduler:
        return _connect(Client, scheduler)
    with warnings.catch_warnings():
        # without a dashboard the scheduler still serves /health on 8787, or on a random port
        # with "Port 8787 is already in use. Perhaps you already have a cluster running?"
        # when another job holds it: nothing for the user to act on
        warnings.filterwarnings("ignore", message="Port .* is already in use")
        return Client(
            n_workers=int(n_workers),
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.WARNING,
            env=dict.fromkeys(_ONE_THREAD, "1"),
        )


def _connect(client: Any, scheduler: str) -> Client:
    """A client of the Dask scheduler at ``scheduler``, or an error saying what to do.

    An address with no port or of another scheme (``bogus``, ``http://host:8786``) was a
    ValueError, one nobody listens on an OSError after 30 s: each an internal error (70)
    with a traceback, for ``backtest --scheduler`` and the nightly's forecast stage alike.
    """
    try:
        return client(scheduler)
    except ValueError as exc:
        raise ConfigError(
            f"Dask scheduler {scheduler!r} is not an address like tcp://host:8786 ({exc}); "
            "fix the scheduler setting or --scheduler, or unset it for a local cluster"
        ) from None
    except (OSError, TimeoutError) as exc:
        raise EarlywarnError(
            f"cannot reach the Dask scheduler at {scheduler} ({exc}); start it (dask "
            "scheduler), or unset the scheduler setting or --scheduler for a local cluster"
        ) from None


def batches(items: Sequence[T], size: int) -> list[list[T]]:
    """Consecutive chunks of ``items`` of at most ``size`` elements (order kept)."""
    if size < 1:
        raise ValueError(f"batch size {size!r} must be >= 1")
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


def _apply_batch(func: Callable[[str, Any], T], items: list[tuple[str, Any]]) -> list[T]:
    return [func(uid, frame) for uid, frame in items]


def _batch_size(n_items: int, n_workers: int) -> int:
    # about 4 tasks per worker so a slow batch does not leave a worker idle at the end
    return max(1, min(MAX_BATCH, math.ceil(n_items / (4 * max(n_workers, 1)))))


def map_series(
    func: Callable[[str, Any], T],
    groups: Iterable[tuple[str, Any]],
    client: Client | None = None,
    *,
    batch_size: int | None = None,
    progress: Progress | None = None,
) -> list[T]:
    """Apply ``func(uid, frame)`` to every group; results in input order.

    Serial when ``client`` is None. Otherwise the groups go to Dask in batches of
    ``batch_size`` series per task (default: about four tasks per worker, at most
    :data:`MAX_BATCH` series each; ``pure=False`` so equal inputs still run). Exceptions
    propagate to the caller. ``progress(done, total, "series")`` hears of each series done.
    """
    items = list(groups)
    if client is None:
        return [func(uid, frame) for uid, frame in counted(items, progress, "series")]
    if not items:
        return []
    if batch_size is None:
        n_workers = len(client.scheduler_info().get("workers", {})) or 1
        batch_size = _batch_size(len(items), n_workers)
    chunks = batches(items, int(batch_size))
    futures = client.map(_apply_batch, [func] * len(chunks), chunks, pure=False)
    if progress is not None:
        from distributed import as_completed

        sizes = {f.key: len(c) for f, c in zip(futures, chunks, strict=True)}
        done = 0
        progress(0, len(items), "series")
        for finished in as_completed(futures):
            done += sizes[finished.key]
            progress(done, len(items), "series")
    return [out for chunk in client.gather(futures) for out in chunk]
