"""Full-text search over every article of the archive: a tantivy (BM25) index beside it.

``search(query, **filters)`` serves the Python API, ``earlywarn search`` and the review
page alike. The index lives in ``<archive>.search/``; the nightly ``search`` stage keeps
it up to date, ``earlywarn search --rebuild`` (:func:`rebuild`) makes it anew.

``earlywarn.search`` is this package and, called, the :func:`search` function, so
``ew.search("Biển Đông")`` works however the package was imported.
"""

from __future__ import annotations

import inspect
import sys
import types
from typing import Any

import pandas as pd

from earlywarn.search._index import SearchIndex, index_path, rebuild
from earlywarn.search._search import COLUMNS, SORTS, search

__all__ = ["COLUMNS", "SORTS", "SearchIndex", "index_path", "rebuild", "search"]


class _CallableModule(types.ModuleType):
    def __call__(self, query: str, **filters: Any) -> pd.DataFrame:
        return search(query, **filters)


sys.modules[__name__].__class__ = _CallableModule
# ``inspect.signature(ew.search)`` (a notebook's ``ew.search?``) shows search()'s filters,
# not the call's ``(query, **filters)``
sys.modules[__name__].__signature__ = inspect.signature(search)  # type: ignore[attr-defined]
