"""The nightly ``search`` stage: index the night's articles (after extract, so mentions,
stories and events are known as filters).

Articles of the last :data:`WINDOW_DAYS` nights are re-indexed, because the extract stage
regroups their stories; each is replaced by its id, so a rerun leaves the same index. An
archive without an index (a new install, an upgrade) gets every article indexed at once.
The stage writes no archive table: the index is ``<archive>.search/``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from earlywarn.search._index import SearchIndex, archive_documents, index_path

if TYPE_CHECKING:
    from earlywarn.stage import StageContext, StageResult

__all__ = ["WINDOW_DAYS", "stage"]

#: Nights re-indexed each run: the extract stage's story window.
WINDOW_DAYS = 7


def stage(ctx: StageContext) -> StageResult:
    """Bring the search index of ``ctx.archive`` up to ``ctx.as_of``."""
    path = index_path(ctx.archive.path)
    fresh = not path.exists()
    idx = SearchIndex.open(path, create=True)
    if fresh:
        where, params = "a.as_of <= ?", [ctx.as_of]
    else:
        where = "a.as_of <= ? AND a.as_of > ?"
        params = [ctx.as_of, ctx.as_of - timedelta(days=WINDOW_DAYS)]
    n = idx.upsert(archive_documents(ctx.archive.con, where, params), fresh=fresh)
    return [], {"indexed": n, "index_docs": len(idx)}
