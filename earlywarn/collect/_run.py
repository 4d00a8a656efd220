"""The collect stage: feeds -> entries -> pages -> articles frame (see :func:`collect`)."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import logging
import multiprocessing
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urlsplit

import pandas as pd

from earlywarn._log import get_logger
from earlywarn._progress import Progress, counted
from earlywarn.collect.articles import Article, content_hash, detect_language, extract_article
from earlywarn.collect.catalog import SOCIAL_KINDS, Feed, normalize_link
from earlywarn.collect.dedup import mark_duplicates
from earlywarn.collect.feeds import Entry, FeedParseError, read_feed
from earlywarn.collect.http import HttpClient, HttpFetchError, url_problem
from earlywarn.config import HttpSettings
from earlywarn.errors import disk_full
from earlywarn.schema import TABLES, empty_frame

__all__ = ["CollectResult", "collect", "is_fallback"]

log = get_logger(__name__)
T = TypeVar("T")
R = TypeVar("R")
Extractor = Callable[..., "Article | None"]
_EARLIEST = dt.datetime(1900, 1, 1, tzinfo=dt.timezone.utc)
_LATEST = dt.datetime(2200, 1, 1, tzinfo=dt.timezone.utc)

# Extraction (trafilatura) is CPU-bound and holds the GIL; with this many pages or more it
# runs in worker processes, one per usable core, while the HTTP stays threaded here.
# Starting the workers costs about a second, so small runs (and tests) extract in-thread.
_POOL_MIN_PAGES = 64


@dataclass
class CollectResult:
    """What :func:`collect` returns.

    Attributes
    ----------
    articles : DataFrame
        Columns exactly ``earlywarn.schema.TABLES["articles"].columns``.
    feeds : DataFrame
        Columns exactly ``TABLES["feeds"].columns``: status per feed, etag/last_modified for next time.
        A feed read with a note has that note as its ``last_status`` (``degraded_parse``).
    stats : dict
        ``feeds_ok``, ``feeds_failed``, ``feeds_not_modified``, ``entries``, ``future``,
        ``no_link``, ``pages_ok``, ``pages_failed``, ``same_url``, ``duplicates``, ``articles``,
        ``refetched`` / ``refetch_failed`` (stored fallback texts tried again), ``bad_date``
        (entry dates out of range, kept undated), ``reason:<code>`` counts of failures
        (``stage_budget`` for fetches cut by the stage's time budget) and of feeds read with
        a note but not failed, their entries kept (``feeds_degraded`` and
        ``reason:degraded_parse``: part of the feed past the tolerant parser's budget, read
        by the recovering parser, see :class:`earlywarn.collect.feeds.FeedRead`).
    pages : DataFrame
        Columns of ``TABLES["pages"]``: the raw bytes of every page fetched for a kept
        article, gzip-compressed (empty unless ``keep_raw_html``).
    """

    articles: pd.DataFrame
    feeds: pd.DataFrame
    stats: dict[str, int] = field(default_factory=dict)
    pages: pd.DataFrame = field(default_factory=lambda: empty_frame("pages"))


@dataclass
class _FeedOutcome:
    feed: Feed
    status: str
    entries: list[Entry]
    etag: str | None
    last_modified: str | None
    notes: tuple[str, ...] = ()  # reason codes of a feed read but not as usual


def _round_robin(items: Iterable[tuple[str, T]]) -> list[T]:
    """Interleave items by host so one slow host does not hold every worker."""
    queues: dict[str, list[T]] = {}
    for host, item in items:
        queues.setdefault(host, []).append(item)
    out: list[T] = []
    while queues:
        for host in list(queues):
            out.append(queues[host].pop(0))
            if not queues[host]:
                del queues[host]
    return out


def _map(
    pool: ThreadPoolExecutor,
    fn: Callable[[T], R],
    items: Sequence[T],
    progress: Progress | None = None,
    what: str = "",
) -> list[R]:
    return list(counted(pool.map(fn, items), progress, what, total=len(items)))


def _reason(exc: BaseException) -> str:
    return str(getattr(exc, "reason", "") or type(exc).__name__)


def _state_map(state: pd.DataFrame | None) -> dict[str, tuple[str | None, str | None]]:
    if state is None or state.empty:
        return {}
    out = {}
    for row in state.itertuples(index=False):
        etag = getattr(row, "etag", None)
        lm = getattr(row, "last_modified", None)
        out[str(row.feed_id)] = (
            etag if isinstance(etag, str) else None,
            lm if isinstance(lm, str) else None,
        )
    return out


def collect(
    feeds: Sequence[Feed],
    as_of: dt.date,
    *,
    settings: HttpSettings | None = None,
    state: pd.DataFrame | None = None,
    keep_raw_html: bool = False,
    refetch: pd.DataFrame | None = None,
    stored_urls: Callable[[list[str]], set[str]] | None = None,
    progress: Progress | None = None,
) -> CollectResult:
    """Fetch every feed and every entry's page; return articles, feed status and counts.

    Entries published after the end of the ``as_of`` day (UTC) are dropped and counted as
    ``future``. One bad feed or page never stops the run: it is logged with a reason and
    counted.

    Parameters
    ----------
    feeds : sequence of Feed
        The catalog.
    as_of : date
        The day being collected (the pipeline replays past dates).
    settings : HttpSettings, optional
        Limits of the HTTP client.
    state : DataFrame, optional
        The feeds table of the previous run (for conditional GET).
    keep_raw_html : bool
        Also return each fetched page's raw bytes, gzip-compressed (``CollectResult.pages``).
    refetch : DataFrame, optional
        Stored ``articles`` rows whose text is a fallback (the feed summary, kept after a
        failed fetch): their pages are fetched again and, when that works, returned with
        the page's text under the same ``article_id`` (failures are only counted). A
        stored fallback seen again in tonight's feeds keeps its ``article_id`` too.
    stored_urls : callable, optional
        Given tonight's entry links (normalised), the ones the archive already holds as an
        article ``url``: their pages are not fetched again (counted ``already_stored``).
        A feed lists its entries for days; without it every night fetches them all again.
    progress : callable, optional
        ``progress(done, total, what)`` as feeds, then pages, are fetched.

    Notes
    -----
    An article's text is a fallback exactly when it equals its ``summary`` (see
    :func:`is_fallback`).
    """
    if isinstance(as_of, dt.datetime):
        as_of = as_of.date()
    settings = settings or HttpSettings.model_validate({})
    end = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time.min, tzinfo=dt.timezone.utc)
    previous = _state_map(state)
    stored = _stored_fallbacks(refetch)
    stats: Counter[str] = Counter()
    # threads mostly wait (politeness, the network, extraction workers): one per connection
    workers = max(1, settings.max_connections)

    with (
        HttpClient(settings, budget=settings.stage_timeout) as client,
        ThreadPoolExecutor(max_workers=workers) as pool,
    ):
        _warm_robots(pool, client, [f.url for f in feeds])

        def fetch_feed(feed: Feed) -> _FeedOutcome:
            etag, lm = previous.get(feed.feed_id, (None, None))
            try:
                resp = client.fetch(feed.url, kind="feed", etag=etag, last_modified=lm)
                if resp.status == 304:
                    return _FeedOutcome(feed, "not_modified", [], etag, lm)
                read = read_feed(
                    resp.content, resp.url, feed=feed, content_type=resp.headers.get("content-type")
                )
                return _FeedOutcome(
                    feed, "ok", read.entries, resp.etag, resp.last_modified, read.notes
                )
            except (HttpFetchError, FeedParseError) as exc:
                log.warning(
                    "feed %s skipped: %s",
                    feed.url,
                    exc,
                    extra={"url": feed.url, "reason": _reason(exc)},
                )
                return _FeedOutcome(feed, _reason(exc), [], etag, lm)
            except Exception as exc:  # the edge tolerates: one feed never kills the run
                if disk_full(exc):  # not the feed's fault: fail the stage, store no fallbacks
                    raise
                log.warning(
                    "feed %s failed unexpectedly: %r",
                    feed.url,
                    exc,
                    extra={"url": feed.url, "reason": "error"},
                )
                return _FeedOutcome(feed, "error", [], etag, lm)

        outcomes = _map(
            pool,
            fetch_feed,
            _round_robin((urlsplit(f.url).netloc, f) for f in feeds),
            progress,
            "feeds",
        )
        fetched_at = pd.Timestamp.now(tz="UTC")
        # (feed, entry, how): 0 new, 1 tonight's entry stored as a fallback, 2 refetch only
        tasks: list[tuple[Feed, Entry, int]] = []
        seen_links: set[str] = set()
        links: dict[str, str] = {}
        for oc in outcomes:
            key = {"ok": "feeds_ok", "not_modified": "feeds_not_modified"}.get(
                oc.status, "feeds_failed"
            )
            stats[key] += 1
            if key == "feeds_failed":
                stats[f"reason:{oc.status}"] += 1
            if oc.notes:  # read, entries kept, but not as usual (logged by the parser)
                stats["feeds_degraded"] += 1
                stats.update(f"reason:{note}" for note in oc.notes)
            entries = _newest(oc.entries, settings.max_entries)
            if len(entries) < len(oc.entries):
                stats["entries_capped"] += len(oc.entries) - len(entries)
                log.warning(
                    "feed %s lists %d entries; only the newest %d are read (max_entries)",
                    oc.feed.url,
                    len(oc.entries),
                    len(entries),
                    extra={"url": oc.feed.url, "reason": "entries_capped"},
                )
            for entry in entries:
                stats["entries"] += 1
                if entry.date_flag == "invalid":
                    stats["bad_date"] += 1
                if entry.published is not None and entry.published >= end:
                    stats["future"] += 1
                    continue
                if not entry.link.startswith(("http://", "https://")):
                    stats["no_link"] += 1
                    continue
                if not _usable(entry.link):
                    stats["bad_link"] += 1
                    log.info(
                        "entry link %r of %s is not a usable URL",
                        entry.link[:200],
                        oc.feed.url,
                        extra={"url": oc.feed.url, "reason": "bad_link"},
                    )
                    continue
                link = _normalized(entry.link, links)
                if link in seen_links:
                    stats["same_url"] += 1
                    continue
                seen_links.add(link)
                tasks.append((oc.feed, entry, int(link in stored)))
        if stored_urls is not None and tasks:
            have = stored_urls([_normalized(t[1].link, links) for t in tasks if t[2] == 0])
            if have:
                n = len(tasks)
                tasks = [t for t in tasks if t[2] or _normalized(t[1].link, links) not in have]
                stats["already_stored"] += n - len(tasks)
        by_id = {f.feed_id: f for f in feeds}
        for link, row in stored.items():
            feed = by_id.get(str(row["feed_id"]))
            if link not in seen_links and feed is not None and feed.kind not in SOCIAL_KINDS:
                seen_links.add(link)
                tasks.append((feed, _stored_entry(row), 2))

        ordered = _round_robin((urlsplit(t[1].link).netloc, t) for t in tasks)
        rows = []
        with _extractor(len(ordered)) as extract:

            def fetch_page(task: tuple[Feed, Entry, int]) -> tuple[dict[str, Any], list[str]]:
                feed, entry, how = task
                return _article_row(
                    client, feed, entry, as_of, extract, links, keep_raw_html, keep_url=how > 0
                )

            for (_, _, how), (row, counts) in zip(
                ordered, _map(pool, fetch_page, ordered, progress, "pages"), strict=True
            ):
                stats.update(counts)
                if how:
                    stats["refetched" if "pages_ok" in counts else "refetch_failed"] += 1
                if how == 2 and "pages_ok" not in counts:
                    continue  # still failing: the stored row stays as it is
                rows.append(row)

    raw = {r["article_id"]: r.pop("_raw") for r in rows if "_raw" in r}
    articles = _articles_frame(rows, as_of, stats)
    feeds_frame = _feeds_frame(outcomes, fetched_at)
    stats["articles"] = len(articles)
    log.info(
        "collected %d articles from %d feeds for %s",
        len(articles),
        len(feeds),
        as_of,
        extra={"as_of": str(as_of)},
    )
    return CollectResult(articles, feeds_frame, dict(stats), _pages_frame(raw, articles, as_of))


def _usable(link: str) -> bool:
    """Whether ``link`` splits into a host and a valid port (``http://[::1`` does not).

    Examples
    --------
    >>> _usable("https://e.com/a"), _usable("http://[::1"), _usable("http://e.com:99999/")
    (True, False, False)
    """
    try:
        parts = urlsplit(link)
        parts.port  # noqa: B018 - raises ValueError when out of range
    except ValueError:
        return False
    return bool(parts.hostname)


def _newest(entries: list[Entry], cap: int) -> list[Entry]:
    """The ``cap`` newest ``entries`` (undated ones after the dated), in feed order.

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> e = [Entry(str(d), "", "", "", datetime(2025, 1, d, tzinfo=timezone.utc) if d else None,
    ...            "ok") for d in (3, 0, 9, 5)]
    >>> [x.id for x in _newest(e, 2)]
    ['9', '5']
    """
    if len(entries) <= cap:
        return entries
    floor = dt.datetime.min.replace(tzinfo=dt.timezone.utc)
    order = sorted(range(len(entries)), key=lambda i: entries[i].published or floor, reverse=True)
    return [entries[i] for i in sorted(order[:cap])]


def _warm_robots(pool: ThreadPoolExecutor, client: HttpClient, urls: Sequence[str]) -> None:
    """Fetch robots.txt of every origin first, one request per host.

    Each robots.txt request starts the host's politeness delay; asking every host first
    means the delays run concurrently instead of holding a worker thread per host later.
    Failures are left for the real fetch to report.
    """
    if not client.settings.respect_robots:
        return
    origins: dict[str, str] = {}
    for url in urls:
        if url_problem(url) is not None:  # the feed fetch refuses it as bad_url
            continue
        parts = urlsplit(url)
        origins.setdefault(f"{parts.scheme}://{parts.netloc.lower()}", url)

    def one(url: str) -> None:
        try:
            client.allowed(url)
        except Exception as exc:  # the feed fetch reports it with its reason
            log.debug("robots.txt for %s: %r", url, exc)

    _map(pool, one, list(origins.values()))


def _normalized(link: str, cache: dict[str, str] | None) -> str:
    """courlan's normalisation, once per distinct link of a run."""
    if cache is None:
        return normalize_link(link)
    out = cache.get(link)
    if out is None:
        out = cache[link] = normalize_link(link)
    return out


def _usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _quiet_worker() -> None:
    """Worker initialiser: the parent logs every page failure; workers stay silent."""
    logging.getLogger("earlywarn").setLevel(logging.CRITICAL)
    detect_language("warm up the language model in the worker, not on the first page")


@contextmanager
def _extractor(pages: int) -> Iterator[Extractor]:
    """``extract_article`` in-thread, or in worker processes for big runs on several cores."""
    workers = min(_usable_cores(), 8)
    if pages < _POOL_MIN_PAGES or workers < 2:
        yield extract_article
        return
    # spawn, not fork: the parent has HTTP threads running (a forked lock may be held)
    context = multiprocessing.get_context("spawn")
    pool: Executor = ProcessPoolExecutor(workers, mp_context=context, initializer=_quiet_worker)
    log.debug("extracting %d pages in %d worker processes", pages, workers)

    def extract(*args: Any, **kwargs: Any) -> Article | None:
        return pool.submit(extract_article, *args, **kwargs).result()  # type: ignore[no-any-return]

    try:
        yield extract
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _article_row(
    client: HttpClient,
    feed: Feed,
    entry: Entry,
    as_of: dt.date,
    extract: Extractor = extract_article,
    links: dict[str, str] | None = None,
    keep_raw: bool = False,
    *,
    keep_url: bool = False,
) -> tuple[dict[str, Any], list[str]]:
    counts: list[str] = []
    raw: dict[str, Any] | None = None
    url = _normalized(entry.link, links)
    title, text, published = entry.title, "", entry.published
    language: str | None = None
    if feed.kind in SOCIAL_KINDS:  # a post: its text is the feed item; no page to fetch
        text = entry.summary
        if feed.kind in _UNTITLED or not title:
            title = _post_title(text) or title
        counts.append("posts")
    else:
        try:
            resp = client.fetch(entry.link, kind="page")
            if keep_raw:
                raw = {
                    "url": resp.url,
                    "content_type": resp.content_type or None,
                    "charset": resp.charset,
                    "raw_bytes": len(resp.content),
                    "html_gzip": gzip.compress(resp.content, compresslevel=6),
                }
            art = extract(
                resp.content,
                resp.url,
                charset=resp.charset,
                want_date=published is None,
                max_date=as_of,
                mirror=feed.mirror,
            )
            if art is None:
                raise HttpFetchError("page has no readable HTML", url=entry.link, reason="bad_html")
            if not keep_url:  # a stored fallback keeps its identity when its page arrives
                url = art.url
            title = title or art.title
            text = art.text
            published = published or _in_range(art.published)
            language = art.language  # identified on the page's own title and text
            counts.append("pages_ok")
        except HttpFetchError as exc:
            log.warning(
                "page %s skipped: %s",
                entry.link,
                exc,
                extra={"url": entry.link, "reason": _reason(exc)},
            )
            counts += ["pages_failed", f"reason:{_reason(exc)}"]
        except Exception as exc:  # tolerant edge
            if disk_full(exc):  # not the page's fault (a model's temp file, say): no fallback
                raise
            log.warning(
                "page %s failed unexpectedly: %r",
                entry.link,
                exc,
                extra={"url": entry.link, "reason": "error"},
            )
            counts += ["pages_failed", "reason:error"]
    if not text:
        text, language = entry.summary, None
    if language is None:
        language = detect_language(f"{title}\n{text}")
    fetched = _normalized(entry.link, links)
    row: dict[str, Any] = {
        "article_id": hashlib.sha1(url.encode("utf-8")).hexdigest(),
        "url": url,
        "fetched_url": fetched if feed.mirror and fetched != url else None,
        "feed_id": feed.feed_id,
        "outlet": feed.outlet,
        "title": _short_title(title),
        "summary": entry.summary,
        "text": text,
        "language": language or feed.language,
        "country": feed.country,
        "published": published,
        "date_flag": "ok" if published is not None else _flag(entry.date_flag),
        "fetched": pd.Timestamp.now(tz="UTC"),
        "content_hash": content_hash(text),
        "duplicate_of": None,
        "outlets": [feed.outlet],
        "as_of": as_of,
    }
    if raw is not None:
        row["_raw"] = raw
    return row, counts


_UNTITLED = frozenset({"mastodon", "bluesky"})  # their items' titles are empty or generic
# a title longer than this is a page or a feed gone wrong (the longest of the shared sets'
# ~1,400 feed entries is under 300 characters); it would fill the report, the inbox, exports
_MAX_TITLE = 500


def _short_title(title: str) -> str:
    """``title`` cut to ``_MAX_TITLE`` characters at a word, with an ellipsis.

    Examples
    --------
    >>> _short_title("short"), len(_short_title("word " * 1000)) <= _MAX_TITLE + 1
    ('short', True)
    """
    if len(title) <= _MAX_TITLE:
        return title
    cut = title[:_MAX_TITLE].rsplit(" ", 1)[0] or title[:_MAX_TITLE]
    return cut + "…"


def _post_title(text: str, words: int = 12) -> str:
    """A social post's title: its first ``words`` words (an ellipsis when cut).

    Examples
    --------
    >>> _post_title("Viet Nam welcomes the ASEAN statement on the East Sea today", 5)
    'Viet Nam welcomes the ASEAN…'
    """
    parts = text.split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")


def _in_range(when: Any) -> dt.datetime | None:
    """A publication time pandas and the archive can hold (1900-2199 UTC), else ``None``."""
    if not isinstance(when, dt.datetime):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return when if _EARLIEST <= when < _LATEST else None


def _flag(entry_flag: str) -> str:
    return entry_flag if entry_flag in ("missing", "invalid") else "missing"


def is_fallback(articles: pd.DataFrame) -> pd.Series:
    """True for rows whose text is a fallback: the feed summary (or nothing), no page text.

    Examples
    --------
    >>> import pandas as pd
    >>> is_fallback(pd.DataFrame({"text": ["s", "page text", ""], "summary": ["s", "s", ""]}))
    0     True
    1    False
    2     True
    dtype: bool
    """
    text = articles["text"].fillna("")
    return (text == articles["summary"].fillna("")) | (text == "")


def _stored_fallbacks(refetch: pd.DataFrame | None) -> dict[str, dict[str, Any]]:
    if refetch is None or refetch.empty:
        return {}
    rows = refetch[is_fallback(refetch)]
    return {
        normalize_link(str(r["url"])): {str(k): v for k, v in r.items()}
        for r in rows.to_dict("records")
    }


def _stored_entry(row: dict[str, Any]) -> Entry:
    published = (
        _in_range(pd.Timestamp(row["published"]).to_pydatetime())
        if pd.notna(row.get("published"))
        else None
    )
    return Entry(
        str(row["url"]),
        str(row["url"]),
        str(row.get("title") or ""),
        str(row.get("summary") or ""),
        published,
        "ok" if published is not None else "missing",
    )


def _pages_frame(
    raw: dict[str, dict[str, Any]], articles: pd.DataFrame, as_of: dt.date
) -> pd.DataFrame:
    """Raw pages of the articles kept (same canonical URL: the kept row's page)."""
    if not raw or articles.empty:
        return empty_frame("pages")
    rows = [
        {"article_id": aid, "fetched": fetched, **raw[aid]}
        for aid, fetched in zip(articles["article_id"], articles["fetched"], strict=True)
        if aid in raw
    ]
    if not rows:
        return empty_frame("pages")
    frame = pd.DataFrame(rows)
    frame["as_of"] = pd.Timestamp(as_of)
    frame["raw_bytes"] = frame["raw_bytes"].astype("Int64")
    return frame[list(TABLES["pages"].columns)]


def _articles_frame(
    rows: list[dict[str, Any]], as_of: dt.date, stats: Counter[str]
) -> pd.DataFrame:
    columns = list(TABLES["articles"].columns)
    if not rows:
        return empty_frame("articles")
    frame = pd.DataFrame(rows, columns=columns)
    frame["published"] = pd.to_datetime(frame["published"], utc=True)
    frame["fetched"] = pd.to_datetime(frame["fetched"], utc=True)
    frame["as_of"] = pd.Timestamp(as_of)
    # several entry links with one canonical URL: keep the earliest, merge outlets
    frame = frame.sort_values(["published", "article_id"], na_position="last", kind="stable")
    groups = frame.groupby("article_id", sort=False)["outlet"].agg(lambda s: sorted(set(s)))
    stats["same_url"] += int(frame["article_id"].duplicated().sum())
    frame = frame.drop_duplicates("article_id", keep="first").reset_index(drop=True)
    frame = mark_duplicates(frame)
    merged = frame["article_id"].map(groups)
    frame["outlets"] = [
        sorted(set(a) | set(b)) for a, b in zip(frame["outlets"], merged, strict=True)
    ]
    stats["duplicates"] += int(frame["duplicate_of"].notna().sum())
    dtypes = empty_frame("articles").dtypes
    return frame.loc[:, columns].astype(dtypes.to_dict())


def _feeds_frame(outcomes: list[_FeedOutcome], fetched_at: pd.Timestamp) -> pd.DataFrame:
    if not outcomes:
        return empty_frame("feeds")
    rows = [
        {
            "feed_id": oc.feed.feed_id,
            "url": oc.feed.url,
            "title": oc.feed.title,
            "outlet": oc.feed.outlet,
            "language": oc.feed.language,
            "country": oc.feed.country,
            "kind": oc.feed.kind,
            "etag": oc.etag,
            "last_modified": oc.last_modified,
            # a feed read but not as usual keeps the note as its status (not a failure:
            # earlywarn.completeness.DEGRADED_STATUSES), so the night's ledger marks it
            "last_status": oc.notes[0] if oc.status == "ok" and oc.notes else oc.status,
            "last_fetched": fetched_at,
            "entries": len(oc.entries),
            # the last good fetch; a failed one keeps the date it had (collect's stage)
            "verified": fetched_at.date() if oc.status in ("ok", "not_modified") else None,
            "family": oc.feed.family or None,
        }
        for oc in outcomes
    ]
    frame = pd.DataFrame(rows, columns=list(TABLES["feeds"].columns)).drop_duplicates("feed_id")
    return frame.reset_index(drop=True).astype(empty_frame("feeds").dtypes.to_dict())


def check_feeds(feeds: Sequence[Feed], settings: HttpSettings | None = None) -> pd.DataFrame:
    """Fetch and parse every feed once: ``url, outlet, language, status, seconds, entries,
    detail``.

    ``status`` is ``ok`` or the failure reason (``http_404``, ``not_a_feed``, ``timeout`` ...);
    ``detail`` says what went wrong (for a web page given as a feed: the feed it names; for
    a feed read but in a degraded way, status ``ok``: ``degraded_parse`` and how much).
    """
    settings = settings or HttpSettings.model_validate({})

    with (
        HttpClient(settings, budget=settings.stage_timeout) as client,
        ThreadPoolExecutor(max_workers=settings.max_connections) as pool,
    ):
        _warm_robots(pool, client, [f.url for f in feeds])

        def one(feed: Feed) -> dict[str, Any]:
            t0 = time.perf_counter()
            status, n, detail = "ok", 0, ""
            try:
                resp = client.fetch(feed.url, kind="feed")
                read = read_feed(resp.content, resp.url, feed=feed)
                n = len(read.entries)
                if read.notes:  # still ok: the entries are there, some fields may be lost
                    detail = (
                        f"{', '.join(read.notes)}: {read.recovered} piece(s) read by the "
                        "recovering parser"
                    )
            except (HttpFetchError, FeedParseError) as exc:
                status, detail = _reason(exc), str(exc).removeprefix(f"{_reason(exc)}: ")
            return {
                "url": feed.url,
                "outlet": feed.outlet,
                "language": feed.language,
                "status": status,
                "seconds": round(time.perf_counter() - t0, 3),
                "entries": n,
                "detail": detail[:300],
            }

        rows = _map(pool, one, list(feeds))
    columns = ["url", "outlet", "language", "status", "seconds", "entries", "detail"]
    return pd.DataFrame(rows, columns=columns)
