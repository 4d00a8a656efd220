"""Near-duplicate articles by MinHash LSH (datasketch) over word or character shingles.

Examples
--------
>>> import pandas as pd
>>> body = "the foreign ministry spokesperson said on monday that the country firmly opposes " * 3
>>> f = pd.DataFrame({
...     "article_id": ["a", "b", "c"], "outlet": ["X", "Y", "Z"],
...     "text": [body, body + " reuters", "something else entirely about football results today"],
...     "published": pd.to_datetime(["2024-01-02", "2024-01-01", "2024-01-01"], utc=True),
... })
>>> out = mark_duplicates(f)
>>> out["duplicate_of"].tolist(), out["outlets"].tolist()
(['b', None, None], [['X'], ['X', 'Y'], ['Z']])
"""

from __future__ import annotations

import re
import unicodedata

import pandas as pd
from datasketch import MinHash, MinHashLSH

__all__ = ["mark_duplicates", "shingles"]

_WORD = re.compile(r"\w+", re.UNICODE)


def shingles(text: str, k: int = 3) -> set[bytes]:
    """Word k-shingles; character 5-grams for scripts written without spaces (CJK, Thai).

    Examples
    --------
    >>> sorted(shingles("a b c d", k=3))
    [b'a b c', b'b c d']
    """
    norm = unicodedata.normalize("NFC", text).lower()
    words = _WORD.findall(norm)
    if words and len(norm) / max(len(words), 1) > 12:  # few spaces: use characters
        chars = "".join(words)
        return {chars[i : i + 5].encode() for i in range(max(1, len(chars) - 4))}
    if len(words) < k:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i : i + k]).encode() for i in range(len(words) - k + 1)}


def mark_duplicates(
    articles: pd.DataFrame, *, threshold: float = 0.8, num_perm: int = 128, min_shingles: int = 8
) -> pd.DataFrame:
    """Set ``duplicate_of`` and ``outlets`` for near-duplicate texts.

    The canonical copy of a cluster is the earliest published (ties: smallest
    ``article_id``); it gets ``outlets`` = every outlet carrying the story, the others get
    ``duplicate_of`` = its id. Texts with fewer than ``min_shingles`` shingles are left alone.

    Parameters
    ----------
    articles : DataFrame
        With columns ``article_id``, ``outlet``, ``text`` and ``published``.
    threshold : float
        Jaccard similarity above which two texts are the same story.
    """
    out = articles.copy()
    n = len(out)
    out["duplicate_of"] = pd.Series([None] * n, index=out.index, dtype=object)
    out["outlets"] = pd.Series(
        [[o] if isinstance(o, str) else [] for o in out["outlet"]], index=out.index, dtype=object
    )
    if n < 2:
        return out
    ids = out["article_id"].tolist()
    sets = [shingles(t) if isinstance(t, str) else set() for t in out["text"]]
    keep = [i for i, s in enumerate(sets) if len(s) >= min_shingles]
    hashes = MinHash.bulk([list(sets[i]) for i in keep], num_perm=num_perm)
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_row: dict[int, MinHash] = {}
    for i, mh in zip(keep, hashes, strict=True):
        for other in lsh.query(mh):
            j = int(other)
            if mh.jaccard(by_row[j]) >= threshold:
                parent[find(i)] = find(j)
        lsh.insert(str(i), mh)
        by_row[i] = mh
    published = pd.to_datetime(out["published"], utc=True)
    order_key = published.fillna(pd.Timestamp.max.tz_localize("UTC")).to_numpy()
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(i)
    dup = out["duplicate_of"].to_numpy(copy=True)
    outlets = out["outlets"].to_numpy(copy=True)
    for members in groups.values():
        if len(members) < 2:
            continue
        members.sort(key=lambda m: (order_key[m], ids[m]))
        head = members[0]
        names = sorted({o for m in members for o in outlets[m]})
        outlets[head] = names
        for m in members[1:]:
            dup[m] = ids[head]
    out["duplicate_of"] = pd.Series(dup, index=out.index, dtype=object)
    out["outlets"] = pd.Series(list(outlets), index=out.index, dtype=object)
    return out
