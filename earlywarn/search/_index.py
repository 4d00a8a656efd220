"""The search index: a tantivy index in ``<archive>.search/``, fed from the archive.

One document per article: the words of title, summary and text analyzed for its language
(English articles: ``stem``, folded and stemmed; every other language: ``fold``, folded,
and ``exact``, accents kept, so accented matches can rank first), the folded title
alone for a boost, the filter fields (date, language, source country, outlet, mentioned
countries, story, has-events) and, stored, what a result shows (title, URL, summary and
text for snippets), so searching never opens the DuckDB archive the nightly job holds.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import time
from collections.abc import Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pandas as pd

from earlywarn._log import get_logger
from earlywarn.errors import SearchError, SearchIndexMissingError, StoreError, disk_full
from earlywarn.search._highlight import SNIPPET_SOURCE
from earlywarn.search.analysis import ANALYZERS, analyzer, normalize

__all__ = ["SearchIndex", "archive_documents", "index_path", "rebuild"]

log = get_logger(__name__)

#: Bumped whenever analysis or fields change: an older index must be rebuilt.
INDEX_VERSION = 4
_META = "earlywarn-search.json"
#: The writer's memory budget (bytes); tantivy flushes a segment when it is full.
HEAP = 256_000_000

_ARTICLES_SQL = """
WITH m AS (
    SELECT article_id, list(DISTINCT country) AS mentioned
    FROM mentions WHERE country IS NOT NULL GROUP BY article_id
), e AS (
    SELECT DISTINCT article_id FROM events WHERE article_id IS NOT NULL
)
SELECT a.article_id, a.url, a.outlet, a.title, a.summary, a.text, a.language, a.country,
       coalesce(a.published, a.fetched) AS published, a.duplicate_of, s.story_id,
       m.mentioned, e.article_id IS NOT NULL AS has_events
FROM articles a
LEFT JOIN stories s USING (article_id)
LEFT JOIN m USING (article_id)
LEFT JOIN e USING (article_id)
"""


def _full_disk(path: Path, exc: BaseException) -> OSError | None:
    """An ENOSPC error for ``exc`` when a tantivy writer thread died on a disk with less room
    than the writer's budget: tantivy reports only that the thread was killed, the OS
    error (``io::Error``) stays in the thread."""
    if "index writer was killed" not in str(exc):
        return None
    try:
        free = shutil.disk_usage(path).free
    except OSError:
        return None
    if free >= HEAP:
        return None
    return OSError(errno.ENOSPC, f"No space left on device ({free:,} bytes free)", str(path))


def index_path(archive: str | os.PathLike[str]) -> Path:
    """Where the search index of ``archive`` lives: beside it, ``<archive>.search/``.

    Beside the archive's real path (symbolic links resolved): the nightly job on
    ``data/a.duckdb`` and the page or ``earlywarn search`` on ``link.duckdb -> data/a.duckdb``
    use one index, not an index each (the link's never updated, its results stale).

    Examples
    --------
    >>> index_path("/data/earlywarn.duckdb").name
    'earlywarn.duckdb.search'
    """
    return Path(f"{os.path.realpath(archive)}.search")


def _schema() -> Any:
    import tantivy

    b = tantivy.SchemaBuilder()
    b.add_text_field("id", stored=True, tokenizer_name="raw")
    b.add_text_field("hash", stored=True, tokenizer_name="raw", index_option="basic")
    b.add_text_field("title", tokenizer_name="ew_fold")
    b.add_text_field("exact", tokenizer_name="ew_exact")
    b.add_text_field("fold", tokenizer_name="ew_fold")
    b.add_text_field("stem", tokenizer_name="ew_stem")
    for name in ("language", "country", "outlet", "mentioned", "story"):
        b.add_text_field(name, tokenizer_name="raw", index_option="basic")
    b.add_date_field("published", indexed=True, fast=True)
    b.add_boolean_field("has_events", indexed=True)
    b.add_boolean_field("canonical", indexed=True)
    b.add_bytes_field("doc", stored=True, indexed=False)
    return b.build()


def _utc(value: Any) -> datetime | None:
    if value is None or value is pd.NaT:
        return None
    if type(value) is datetime:  # what DuckDB's Arrow batches give: the fast path
        return (
            value.astimezone(timezone.utc) if value.tzinfo else value.replace(tzinfo=timezone.utc)
        )
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError):
        return None
    if pd.isna(ts):
        return None
    ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
    return ts.to_pydatetime()


def _s(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _digest(row: dict[str, Any]) -> str:
    keys = sorted(k for k in row if k != "mentioned")
    payload = [str(row[k]) for k in keys] + sorted(str(c) for c in (row.get("mentioned") or []))
    return hashlib.blake2b("\x1f".join(payload).encode(), digest_size=12).hexdigest()


#: What a result shows, stored in one field as UTF-8 joined by ``_SEP`` (a JSON object
#: cost five times as much to write); ``body`` is the start of summary and text.
STORED = (
    "title",
    "url",
    "outlet",
    "language",
    "country",
    "published",
    "story_id",
    "duplicate_of",
    "body",
)
_SEP = "\x1f"
#: Languages whose script folding leaves as it is (no Latin letters with accents): their
#: exact words would repeat the folded ones, so they are not indexed twice.
UNFOLDED = frozenset({
    "am", "ar", "be", "bg", "bn", "el", "fa", "gu", "he", "hi", "hy", "ja", "ka", "kk", "km",
    "kn", "ko", "lo", "mk", "ml", "mn", "mr", "my", "ne", "pa", "ru", "si", "ta", "te", "th",
    "uk", "ur", "zh",
})  # fmt: skip


def stored_fields(doc: Any) -> dict[str, str | None]:
    """The :data:`STORED` values of a document found by a search (no date, story or
    original as None)."""
    out: dict[str, str | None] = dict(
        zip(STORED, bytes(doc["doc"][0]).decode().split(_SEP), strict=True)
    )
    for key in ("published", "story_id", "duplicate_of"):
        out[key] = out[key] or None
    return out


def make_document(row: dict[str, Any], digest: str | None = None) -> Any:
    """One article (a dict of :data:`_ARTICLES_SQL` columns) as a tantivy document."""
    import tantivy

    title, summary, text = _s(row.get("title")), _s(row.get("summary")), _s(row.get("text"))
    if summary and summary in text:
        summary = ""
    lang = _s(row.get("language"))
    # English is only indexed folded and stemmed: the tone placement would change nothing
    words = normalize(f"{title}\n{summary}\n{text}", tones=lang != "en")
    published = _utc(row.get("published"))
    fields: dict[str, Any] = {
        "id": row["article_id"],
        "hash": digest or _digest(row),
        "title": normalize(title, tones=False),  # folded only
        "has_events": bool(row.get("has_events")),
        "canonical": not _s(row.get("duplicate_of")),
        "published": published or datetime(1970, 1, 1, tzinfo=timezone.utc),
    }
    if lang == "en":  # English: stemmed words only (accents are rare in English news)
        fields["stem"] = words
    else:
        fields["fold"] = words
        if lang not in UNFOLDED:
            fields["exact"] = words
    for name in ("language", "country", "outlet"):
        if _s(row.get(name)):
            fields[name] = row[name]
    story = _s(row.get("story_id"))
    if story:
        fields["story"] = story
    mentioned = row.get("mentioned")
    if mentioned is not None and len(mentioned):
        fields["mentioned"] = [str(c) for c in mentioned]
    stored = (
        title,
        _s(row.get("url")),
        _s(row.get("outlet")),
        lang,
        _s(row.get("country")),
        published.isoformat() if published else "",
        story,
        _s(row.get("duplicate_of")),
        # what snippets read
        f"{_s(row.get('summary'))} {text}"[:SNIPPET_SOURCE],
    )
    fields["doc"] = _SEP.join(v.replace(_SEP, " ") for v in stored).encode()
    return tantivy.Document(**fields)


@dataclass
class SearchIndex:
    """An opened search index (create it with :meth:`open`).

    Attributes
    ----------
    path : Path
        The index folder.
    index : tantivy.Index
    """

    path: Path
    index: Any
    _seen: tuple[int, int] = field(default=(-1, -1), repr=False)  # meta.json at the last reload

    @classmethod
    def open(cls, path: str | os.PathLike[str], *, create: bool = False) -> SearchIndex:
        """Open the index at ``path``; with ``create`` make an empty one if there is none.

        Raises
        ------
        SearchError
            No index there (and not ``create``), or one made by another version.
        """
        import tantivy

        path = Path(path)
        meta = path / _META
        if not meta.is_file():
            if not create:
                raise SearchIndexMissingError(
                    f"no search index at {path}; build it with `earlywarn search --rebuild` "
                    "(the nightly job keeps it up to date afterwards)"
                )
            path.mkdir(parents=True, exist_ok=True)
            meta.write_text(json.dumps({"version": INDEX_VERSION}))
        version = json.loads(meta.read_text()).get("version")
        if version != INDEX_VERSION:
            raise SearchError(
                f"search index {path} is version {version}, this earlywarn reads version "
                f"{INDEX_VERSION}; rebuild it with `earlywarn search --rebuild`"
            )
        try:
            index = tantivy.Index(_schema(), path=str(path), reuse=True)
        except ValueError as exc:
            raise SearchError(
                f"search index {path} cannot be opened ({exc}); rebuild it with "
                "`earlywarn search --rebuild`"
            ) from exc
        for name in ANALYZERS:
            index.register_tokenizer(name, analyzer(name))
        return cls(path, index)

    def writer(self, threads: int = 1) -> Any:
        """A tantivy writer (one at a time per index; tantivy locks the folder)."""
        try:
            return self.index.writer(heap_size=HEAP, num_threads=threads)
        except ValueError as exc:
            raise SearchError(
                f"search index {self.path} is being written by another process ({exc}); "
                "wait for it to finish"
            ) from exc

    def upsert(
        self, rows: Iterable[dict[str, Any]], *, threads: int = 1, fresh: bool = False
    ) -> int:
        """Replace (or add) the documents of these articles and commit; returns how many.

        An article already indexed with the same content and filters is left as it is,
        so a rerun changes nothing, not even BM25 statistics (deleted documents count in
        them until segments merge). ``fresh`` skips the look-ups, for an index known to
        be empty (a rebuild).
        """
        import tantivy

        searcher = None if fresh else self.searcher()
        writer = self.writer(threads)
        n = 0
        try:
            for row in rows:
                digest = _digest(row)
                if searcher is not None:
                    q = tantivy.Query.term_query(self.index.schema, "id", row["article_id"])
                    hits = searcher.search(q, limit=1, count=False).hits
                    if hits:
                        if searcher.doc(hits[0][1])["hash"][0] == digest:
                            continue
                        writer.delete_documents_by_term("id", row["article_id"])
                writer.add_document(make_document(row, digest))
                n += 1
            writer.commit()
            writer.wait_merging_threads()
        except BaseException as exc:
            with suppress(Exception):  # a full disk may fail the rollback too
                writer.rollback()
            full = _full_disk(self.path, exc)
            if full is not None:
                raise full from exc
            raise
        self.index.reload()
        return n

    def searcher(self) -> Any:
        """A searcher over the last commit (reloaded when a commit replaced ``meta.json``)."""
        with suppress(FileNotFoundError):
            st = (self.path / "meta.json").stat()
            stamp = (st.st_ino, st.st_mtime_ns)  # tantivy renames a new file into place
            if stamp != self._seen:
                self.index.reload()
                self._seen = stamp
        return self.index.searcher()

    def __len__(self) -> int:
        return int(self.searcher().num_docs)


def archive_documents(
    con: Any, where: str = "", params: list[Any] | None = None, batch: int = 20_000
) -> Iterator[dict[str, Any]]:
    """Articles of a DuckDB connection as index rows, streamed in batches.

    ``where`` filters ``articles a`` (e.g. ``"a.as_of >= ?"``).
    """
    sql = _ARTICLES_SQL + (f" WHERE {where}" if where else "")
    cur = con.cursor()  # its own result, so the caller's connection stays free
    try:
        reader = cur.sql(sql, params=list(params or [])).to_arrow_reader(batch)
        for chunk in reader:
            yield from chunk.to_pylist()
    finally:
        cur.close()


def _no_room(folder: Path, exc: BaseException) -> str | None:
    """When tantivy reports only that a writer thread died ('An index writer was killed
    ... io::Error most likely'; the OS error is lost on the way), whether ``folder``'s disk
    takes no more: a 1 MiB probe written there. Its error, else None."""
    if "index writer was killed" not in str(exc):
        return None
    probe = folder / f".room-{os.getpid()}"
    try:
        with open(probe, "wb") as fh:
            fh.write(b"\0" * (1 << 20))
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as err:
        return disk_full(err)
    finally:
        probe.unlink(missing_ok=True)
    return None


def rebuild(
    archive_path: str | os.PathLike[str],
    *,
    threads: int = 1,
    batch: int = 20_000,
    timeout: float = 0.0,
) -> dict[str, Any]:
    """Build the search index of an archive from scratch, then swap it in atomically.

    The new index is written beside the old one, which keeps answering searches until
    the swap. The archive's single-writer lock is held throughout (waiting up to
    ``timeout`` seconds for it): a nightly job adds the night's articles to the index it
    would replace, and they would be lost with it. Returns
    ``{"articles": n, "seconds": s, "bytes": size}``.

    Raises
    ------
    LockedError
        If another job (a nightly run, a stage) holds the archive's lock longer than
        ``timeout``.
    """
    from earlywarn.store import archive_lock

    with archive_lock(archive_path, timeout):
        return _rebuild(archive_path, threads=threads, batch=batch)


def _rebuild(archive_path: str | os.PathLike[str], *, threads: int, batch: int) -> dict[str, Any]:
    from earlywarn.store import Archive

    target = index_path(archive_path)
    tmp = target.with_name(f"{target.name}.new-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    t0 = time.perf_counter()
    try:
        idx = SearchIndex.open(tmp, create=True)
        with Archive(archive_path, read_only=True) as archive:
            try:
                n = idx.upsert(
                    archive_documents(archive.con, batch=batch), threads=threads, fresh=True
                )
            except Exception as exc:  # a full disk: tantivy's ValueError, internal (70)
                full = disk_full(exc) or _no_room(tmp, exc)
                if full is None:
                    raise
                kept = (
                    "the old index is kept, searches still use it"
                    if target.exists()
                    else ("no index was made")
                )
                raise StoreError(
                    f"cannot build the search index {target}: the disk is full ({full}); "
                    f"{kept}. Free disk space, then run `earlywarn search --rebuild` again"
                ) from exc
        old = target.with_name(f"{target.name}.old-{os.getpid()}")
        if target.exists():
            target.rename(old)
        tmp.rename(target)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        with suppress(FileNotFoundError):
            shutil.rmtree(tmp)
    seconds = time.perf_counter() - t0
    size = sum(f.stat().st_size for f in target.rglob("*") if f.is_file())
    log.info("search index of %s rebuilt: %d articles in %.1fs", archive_path, n, seconds)
    return {"articles": n, "seconds": round(seconds, 3), "bytes": size}
