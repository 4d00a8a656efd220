"""The one hardened HTTP client of earlywarn (httpx underneath).

What it enforces, from :class:`earlywarn.config.HttpSettings`:

- connect / read timeouts per operation and one total deadline per fetch, covering
  connect, status line, headers, body, redirects, robots.txt and retries; it starts
  when the first request is sent (time spent waiting for the host's turn does not
  count) and is enforced on every socket operation (:mod:`earlywarn.collect._deadline`),
  so a server dripping its status line, headers or body one byte at a time is cut off;
- an optional budget for all fetches of the client (``budget``: the stage's budget);
- a streamed body cap on the compressed bytes *and* on the decompressed bytes
  (gzip/deflate are decoded here with a bounded ``zlib`` window, so a gzip bomb stops
  at ``max_bytes``);
- content-type checks (and binary sniffing of bodies labelled as text);
- a body of another length than its framing declared (bytes past its Content-Length or
  its last chunk, or a body cut short by the server closing) is refused (``bad_length``),
  not kept cut short, and its connection is not reused (:mod:`earlywarn.collect._framing`);
- manual redirects with a limit and loop detection;
- the SSRF guard on every connection (see :mod:`earlywarn.collect._guard`);
- robots.txt per host (cached per client), per-host concurrency and politeness delay;
- conditional GET (ETag / Last-Modified) and retries with backoff on timeouts, 5xx and
  429 honouring ``Retry-After`` (tenacity).

Examples
--------
>>> from earlywarn.config import HttpSettings
>>> with HttpClient(HttpSettings(retries=0)) as client:
...     client.fetch("http://10.0.0.1/feed.xml")
Traceback (most recent call last):
...
earlywarn.collect._guard.SSRFBlockedError: ssrf_blocked: 10.0.0.1 resolves to non-public address 10.0.0.1; ...
"""

from __future__ import annotations

import email.utils
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Literal
from urllib.parse import urljoin, urlsplit

import httpx
from tenacity import RetryCallState, Retrying, retry_if_exception

from earlywarn._log import get_logger
from earlywarn.collect._bytes import header_charset, wide_bom, wide_order
from earlywarn.collect._deadline import Resolver, at
from earlywarn.collect._framing import ExcessBodyError, FramingPool
from earlywarn.collect._guard import (
    AddressGuard,
    BadContentTypeError,
    GuardedBackend,
    HttpFetchError,
    HttpStatusError,
    RedirectError,
    RobotsDisallowedError,
    SSRFBlockedError,
    TooLargeError,
)
from earlywarn.collect._robots import Robots
from earlywarn.config import HttpSettings

__all__ = [
    "BadContentTypeError",
    "HttpClient",
    "HttpFetchError",
    "HttpStatusError",
    "RedirectError",
    "Response",
    "RobotsDisallowedError",
    "SSRFBlockedError",
    "TooLargeError",
    "looks_binary",
    "url_problem",
]

log = get_logger(__name__)

Kind = Literal["feed", "page", "any"]
_REDIRECTS = {301, 302, 303, 307, 308}
_CONTENT = {200, 203}  # the answers whose body is the resource asked for
_FEED_TYPES = ("xml", "rss", "atom", "rdf", "json", "text/plain", "text/html", "octet-stream")
_PAGE_TYPES = ("text/html", "application/xhtml", "text/plain")
_MAGIC = (
    b"%PDF",
    b"\x89PNG",
    b"GIF8",
    b"PK\x03\x04",
    b"\x1f\x8b",
    b"\xff\xd8\xff",
    b"ID3",
    b"OggS",
    b"RIFF",
    b"\x7fELF",
)
_MAX_RETRY_AFTER = 60.0
#: C0 control bytes text does not hold (tab, line breaks, form feed and escape it may)
_CONTROLS = bytes(c for c in range(32) if c not in b"\t\n\r\f\x1b")


def looks_binary(head: bytes) -> bool:
    """True if ``head`` (the first bytes of a body) is a known binary format or has NUL bytes
    among many control bytes.

    Examples
    --------
    >>> looks_binary(b"%PDF-1.7 ..."), looks_binary(b"<html><body>hi</body></html>")
    (True, False)
    >>> looks_binary(b"<rss><item><title>a\\x00b</title></item></rss>"), looks_binary(bytes(range(64)))
    (False, True)
    """
    head = head[:1024]
    if wide_bom(head) is not None:  # UTF-16 and UTF-32 text has NULs
        return False
    if head.startswith(_MAGIC):
        return True
    if b"\x00" not in head or wide_order(head) is not None:  # so without a BOM: text
        return False
    # a stray NUL or two in text (a CMS's broken field) is no binary file, whose control
    # bytes run all through it (one byte in ten of compressed or random data): a NUL in
    # the first KB refused the whole feed or page, one after it was read past
    controls = len(head) - len(head.translate(None, _CONTROLS))
    return controls > max(2, len(head) // 50)


def url_problem(url: str) -> str | None:
    """What makes ``url`` unfetchable (``None`` if nothing): scheme, host, port, IDNA.

    Examples
    --------
    >>> url_problem("https://vnexpress.net/rss/the-gioi.rss") is None
    True
    >>> url_problem("http://[::1/rss"), url_problem("http://a.vn:99999/")
    ('Invalid IPv6 URL', 'Port out of range 0-65535')
    >>> url_problem("http://xn--/rss")
    'host is not a valid internationalised domain name (Malformed A-label, no Punycode eligible content found)'
    """
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError when out of range
    except ValueError as exc:
        return str(exc)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "not an http(s) URL with a host"
    if any(c.isspace() or ord(c) < 32 for c in parts.netloc):  # httpx would send it as %20
        return "white space or a control character in its host"
    try:
        httpx.URL(url).host  # noqa: B018 - decodes the IDNA host
    except httpx.InvalidURL as exc:
        return str(exc)
    except UnicodeError as exc:  # idna.IDNAError: a malformed xn-- label
        return f"host is not a valid internationalised domain name ({exc})"
    return None


def _check_location(response: httpx.Response) -> None:
    """Fail a redirect whose Location is no URL as ``bad_url``, naming the Location.

    httpx parses the Location of every redirect (it builds the next request even when not
    following) and calls one it cannot parse (``http://[::1``, a control character) a
    protocol error, which would read as a broken server (``bad_response``).
    """
    if not response.has_redirect_location:
        return
    location = response.headers["location"]
    try:
        httpx.URL(location)
    except httpx.InvalidURL as exc:
        raise RedirectError(
            f"refusing a redirect to the malformed URL {location[:200]!r} ({exc})",
            url=str(response.request.url),
            reason="bad_url",
        ) from None


@dataclass
class Response:
    """A finished fetch: final URL, status (200 or 304), body and headers."""

    url: str
    status: int
    content: bytes
    headers: dict[str, str] = field(default_factory=dict)
    elapsed: float = 0.0

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";", 1)[0].strip().lower()

    @property
    def charset(self) -> str | None:
        """The charset of the Content-Type header, if any (:func:`header_charset`)."""
        return header_charset(self.headers.get("content-type"))

    @property
    def etag(self) -> str | None:
        """The ETag to send back next time (None unless :func:`validator` keeps it)."""
        return validator(self.headers.get("etag"))

    @property
    def last_modified(self) -> str | None:
        """The Last-Modified to send back next time (None unless :func:`validator` keeps it)."""
        return validator(self.headers.get("last-modified"))


#: longest ETag or Last-Modified kept and sent back (servers refuse request headers past
#: 4-8 KB: nginx answers 400, so a huge one stored would fail the feed every night)
MAX_VALIDATOR = 1024


def validator(value: str | None) -> str | None:
    """``value`` if it can be sent back as ``If-None-Match`` / ``If-Modified-Since``: one
    line of printable ASCII, at most :data:`MAX_VALIDATOR` characters; else None.

    A server's `ETag: "café"` or a German `Last-Modified: Mi, 01 Jän 2025` was stored,
    and the next night's request could not be encoded (httpx sends ASCII header values):
    the feed failed as 'error' that night and every night after, its validators kept.

    >>> validator('W/"abc"'), validator('"caf\u00e9"'), validator("x" * 2000)
    ('W/"abc"', None, None)
    """
    if not value or len(value) > MAX_VALIDATOR:
        return None
    if not all(" " <= ch <= "~" for ch in value):
        return None
    return value


_CODINGS = {"gzip", "x-gzip", "deflate"}
_MAX_CODINGS = 3


class _Decoding:
    """One Content-Encoding layer, decoded as it streams in, its output capped.

    gzip: every concatenated member is decoded; bytes after the last member are ignored,
    as gzip does. deflate: zlib-wrapped as RFC 9110 says, or raw deflate as many servers
    send it (browsers and urllib3 accept both; the zlib header tells them apart). A stream
    that ends before its end marker is a truncated body: :meth:`finish` refuses it
    (reason ``bad_encoding``) rather than keep a page cut short. A gzip layer repeating
    the one outside it (``gzip, gzip``: the header sent twice, often by a proxy that did
    not compress again) whose bytes are not gzip passes them through.
    """

    def __init__(self, coding: str, url: str, repeated: bool = False) -> None:
        self.coding = coding
        self.url = url
        self.repeated = repeated and coding != "deflate"
        self.through = False
        self.fed = False
        self.head = b""  # deflate: the first two bytes, to tell zlib from raw deflate
        self.raw = False
        self.d: Any = None if coding == "deflate" else self._new()
        self.ended = False  # trailing bytes after the last gzip member

    def _new(self) -> Any:
        if self.coding == "deflate":
            return zlib.decompressobj(-zlib.MAX_WBITS if self.raw else zlib.MAX_WBITS)
        return zlib.decompressobj(16 + zlib.MAX_WBITS)

    def feed(self, data: bytes, cap: int) -> bytes:
        if self.repeated:  # decide on the first byte: gzip or already decoded
            if not data:
                return b""
            self.repeated, self.through = False, not data.startswith(b"\x1f")
        if self.through:
            return data
        self.fed = self.fed or bool(data)
        if self.d is None:  # deflate: wait for two bytes, then check the zlib header
            self.head += data
            if len(self.head) < 2:
                return b""
            cmf, flg = self.head[0], self.head[1]
            self.raw = cmf & 0x0F != 8 or (cmf * 256 + flg) % 31 != 0
            self.d, data = self._new(), self.head
        out = bytearray()
        while data and not self.ended and len(out) <= cap:
            if self.d.eof:
                if self.coding == "deflate" or not data.startswith(b"\x1f\x8b"[: len(data)]):
                    self.ended = True  # trailing garbage after the last member: ignored
                    break
                self.d = self._new()  # concatenated gzip members: decode them all
            try:
                out += self.d.decompress(data, cap - len(out) + 1)
            except zlib.error as exc:
                raise HttpFetchError(
                    f"corrupt {self.coding} body: {exc}", url=self.url, reason="bad_encoding"
                ) from None
            data = self.d.unused_data if self.d.eof else self.d.unconsumed_tail
        return bytes(out)

    def finish(self) -> None:
        if self.through or not self.fed:
            return  # an empty body
        if self.d is None or not self.d.eof:
            raise HttpFetchError(
                f"truncated {self.coding} body: the compressed stream ends before its end "
                "marker (the page is incomplete; it is fetched again on a later run)",
                url=self.url,
                reason="bad_encoding",
            )


class _RetryableError(HttpFetchError):
    """Internal: a failure worth retrying (timeout, 5xx, 429)."""


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():  # '²' (a Latin-1 byte read as text) is a digit to str, not to float
        return float(value) if value.isascii() else None
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


class _Budget:
    """The one deadline of a fetch: started by the first request sent, paused while queued."""

    def __init__(self, total: float, stage_end: float | None) -> None:
        self.total = total
        self.stage_end = stage_end
        self.end: float | None = None

    def sent(self, queued: float) -> float:
        """Start the clock, or move it by the ``queued`` seconds spent waiting; the end."""
        if self.end is None:
            self.end = time.monotonic() + self.total
        else:
            self.end += queued
        if self.stage_end is not None:
            self.end = min(self.end, self.stage_end)
        return self.end

    def left(self) -> float:
        end = self.end if self.end is not None else time.monotonic() + self.total
        if self.stage_end is not None:
            end = min(end, self.stage_end)
        return end - time.monotonic()


class _HostGate:
    """Per-host semaphore and politeness delay (state lives in the client, not globally)."""

    def __init__(self, concurrency: int, delay: float) -> None:
        self._sem = threading.Semaphore(concurrency)
        self._lock = threading.Lock()
        self._delay = delay
        self._next = 0.0

    @contextmanager
    def slot(self) -> Iterator[None]:
        with self._sem:
            with self._lock:
                now = time.monotonic()
                wait = max(0.0, self._next - now)
                self._next = max(now, self._next) + self._delay
            if wait:
                time.sleep(wait)
            yield


class HttpClient:
    """A thread-safe hardened client; use as a context manager or call :meth:`close`.

    Parameters
    ----------
    settings : HttpSettings, optional
        Deadlines, caps, politeness, robots, SSRF allow-list, user agent.
    budget : float, optional
        Seconds, from now, for all fetches of this client (a stage's time budget): a
        fetch still running then is cut off, later ones fail at once with reason
        ``stage_budget``.
    resolver : callable, optional
        Name resolution, ``(host, port) -> IP addresses`` (raising ``OSError`` when it
        cannot); the system's (``getaddrinfo``) by default. It runs under the fetch's
        deadline like the rest of the request: a resolver slower than the time left
        fails the fetch with reason ``timeout``.
    """

    def __init__(
        self,
        settings: HttpSettings | None = None,
        *,
        budget: float | None = None,
        resolver: Resolver | None = None,
    ) -> None:
        self.settings = s = settings or HttpSettings.model_validate({})
        self._stage_end = None if budget is None else time.monotonic() + budget
        self._guard = AddressGuard(s.allow_private, resolver)
        transport = httpx.HTTPTransport(retries=0)
        # swap the pool for one whose every connection passes the SSRF guard, and whose
        # HTTP/1.1 bodies end where their framing says, or fail (bytes past the end)
        transport._pool = FramingPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=s.max_connections,
            network_backend=GuardedBackend(self._guard),  # deadline-bounded streams
        )
        self._client = httpx.Client(
            transport=transport,
            follow_redirects=False,
            timeout=httpx.Timeout(s.read_timeout, connect=s.connect_timeout, pool=s.total_timeout),
            headers={"User-Agent": s.user_agent, "Accept-Encoding": "gzip, deflate"},
            event_hooks={"response": [_check_location]},
        )
        self._lock = threading.Lock()
        self._gates: dict[str, _HostGate] = {}
        self._robots: dict[str, Robots | None] = {}

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    # ------------------------------------------------------------------ public
    def fetch(
        self,
        url: str,
        *,
        kind: Kind = "any",
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> Response:
        """GET ``url`` under every limit; return a :class:`Response` (status 200 or 304).

        Raises
        ------
        HttpFetchError
            (or a subclass) with ``reason`` such as ``timeout``, ``too_large``,
            ``bad_content_type``, ``ssrf_blocked``, ``robots_disallowed``, ``http_404``.
        """
        headers: dict[str, str] = {}
        etag, last_modified = validator(etag), validator(last_modified)  # stored by an older run
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        if kind == "feed":
            headers["Accept"] = (
                "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
            )
        elif kind == "page":
            headers["Accept"] = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
        budget = self._budget()

        def wait(state: RetryCallState) -> float:
            return max(0.0, min(self._wait(state), budget.left()))

        retrying = Retrying(
            # stop after the last attempt, or when no time is left for the next one
            stop=lambda state: (
                state.attempt_number > self.settings.retries or budget.left() <= self._wait(state)
            ),
            wait=wait,
            retry=retry_if_exception(lambda e: isinstance(e, _RetryableError)),
            reraise=True,
        )
        try:
            result: Response = retrying(self._fetch_once, url, kind, headers, budget)
        except _RetryableError as exc:
            raise (exc.__cause__ if isinstance(exc.__cause__, HttpFetchError) else exc) from None
        return result

    def allowed(self, url: str) -> bool:
        """Whether robots.txt of ``url``'s origin lets our user agent fetch ``url``.

        robots.txt is fetched once per origin (``scheme://host:port``) and cached in the
        client; ``True`` when ``respect_robots`` is off. Fetching it early for every origin
        (as :func:`earlywarn.collect.collect` does) lets the politeness delay it starts run
        out while other hosts are served.

        Raises
        ------
        SSRFBlockedError
            If the host is not allowed to be contacted at all.
        """
        if not self.settings.respect_robots:
            return True
        try:
            self._check_robots(url, self._budget())
        except RobotsDisallowedError:
            return False
        return True

    # ----------------------------------------------------------------- private
    def _budget(self) -> _Budget:
        if self._stage_end is not None and time.monotonic() >= self._stage_end:
            raise HttpFetchError(
                "the stage's time budget is spent; not fetched", reason="stage_budget"
            )
        return _Budget(self.settings.total_timeout, self._stage_end)

    @staticmethod
    def _wait(state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        cause = getattr(exc, "__cause__", None)
        after = getattr(cause, "retry_after", None)
        if isinstance(after, float):
            return min(after, _MAX_RETRY_AFTER)
        return float(min(0.5 * 2 ** (state.attempt_number - 1), 10.0))

    def _gate(self, host: str) -> _HostGate:
        with self._lock:
            gate = self._gates.get(host)
            if gate is None:
                gate = self._gates[host] = _HostGate(
                    self.settings.per_host_concurrency, self.settings.politeness_delay
                )
            return gate

    def _fetch_once(
        self, url: str, kind: Kind, headers: dict[str, str], budget: _Budget
    ) -> Response:
        try:
            return self._follow(url, kind, headers, budget)
        except HttpStatusError as exc:
            if exc.status == 429 or exc.status >= 500:
                raise _RetryableError(str(exc), url=url, reason=exc.reason) from exc
            raise
        except HttpFetchError as exc:
            if exc.reason == "timeout":
                raise _RetryableError(str(exc), url=url, reason=exc.reason) from exc
            raise

    def _follow(
        self,
        url: str,
        kind: Kind,
        headers: dict[str, str],
        budget: _Budget,
        cap: int | None = None,
        prefix: bool = False,
    ) -> Response:
        seen: set[str] = set()
        current = url
        for _ in range(self.settings.max_redirects + 1):
            problem = url_problem(current)
            if problem is not None:
                raise RedirectError(
                    f"refusing malformed URL {current[:200]!r} ({problem})",
                    url=url,
                    reason="bad_url",
                )
            if current in seen:
                raise RedirectError(
                    f"redirect loop back to {current}", url=url, reason="redirect_loop"
                )
            seen.add(current)
            if kind != "any" and self.settings.respect_robots:
                self._check_robots(current, budget)
            location, response = self._request(current, kind, headers, budget, cap, prefix)
            if location is None:
                assert response is not None
                return response
            current = urljoin(current, location)
            log.debug("redirect %s -> %s", url, current)
        raise RedirectError(
            f"more than {self.settings.max_redirects} redirects from {url}", url=url
        )

    def _request(
        self,
        url: str,
        kind: Kind,
        headers: dict[str, str],
        budget: _Budget,
        cap: int | None = None,
        prefix: bool = False,
    ) -> tuple[str | None, Response | None]:
        """One GET; ``prefix``: a body past ``cap`` is cut there rather than refused."""
        cap = cap or self.settings.max_bytes
        host = urlsplit(url).netloc.lower()
        queued = time.monotonic()
        with self._gate(host).slot():
            start = time.monotonic()
            end = budget.sent(start - queued)
            try:
                if start >= end:
                    raise httpx.PoolTimeout("the fetch's total deadline passed while queued")
                with at(end), self._client.stream("GET", url, headers=headers) as r:
                    if r.status_code in _REDIRECTS and r.headers.get("location", "").strip():
                        return r.headers["location"].strip(), None
                    hdrs = {k.lower(): v for k, v in r.headers.items()}
                    conditional = "If-None-Match" in headers or "If-Modified-Since" in headers
                    if r.status_code == 304 and conditional:
                        return None, Response(str(r.url), 304, b"", hdrs, time.monotonic() - start)
                    if 300 <= r.status_code < 400 and r.status_code != 304:
                        raise RedirectError(
                            f"HTTP {r.status_code} without a Location to follow",
                            url=url,
                            reason="bad_redirect",
                        )
                    if r.status_code >= 400:
                        raise HttpStatusError(
                            r.status_code,
                            url=url,
                            retry_after=_retry_after(r.headers.get("retry-after")),
                        )
                    if r.status_code not in _CONTENT:  # 204, 206 (never asked), a bare 304
                        raise HttpStatusError(r.status_code, url=url)
                    resp = Response(str(r.url), r.status_code, b"", hdrs)
                    self._check_type(resp, kind, url)
                    length = r.headers.get("content-length", "")
                    if length.isdigit() and int(length) > cap and not prefix:
                        raise TooLargeError(f"Content-Length {length} > cap {cap} bytes", url=url)
                    resp.content = self._read_body(r, url, cap, prefix)
            except httpx.TimeoutException as exc:
                now = time.monotonic()
                if budget.stage_end is not None and now >= budget.stage_end:
                    raise HttpFetchError(
                        "the stage's time budget is spent", url=url, reason="stage_budget"
                    ) from None
                raise HttpFetchError(
                    f"{type(exc).__name__} after {now - start:.1f}s"
                    + (f" (total deadline {self.settings.total_timeout:g}s)" if now >= end else ""),
                    url=url,
                    reason="timeout",
                ) from None
            except httpx.TooManyRedirects as exc:  # pragma: no cover - we follow manually
                raise RedirectError(str(exc), url=url) from None
            except httpx.ProtocolError as exc:
                raise HttpFetchError(
                    f"the server broke HTTP ({exc}): a truncated body, a bad chunk, conflicting "
                    "Content-Length headers or a malformed status line or header",
                    url=url,
                    reason="bad_response",
                ) from None
            except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
                raise RedirectError(
                    f"refusing unusable URL: {exc}", url=url, reason="bad_url"
                ) from None
            except httpx.TransportError as exc:
                raise HttpFetchError(
                    f"{type(exc).__name__}: {exc}", url=url, reason="connect_error"
                ) from None
        resp.elapsed = time.monotonic() - start
        if kind != "any" and looks_binary(resp.content[:1024]):
            raise BadContentTypeError(
                f"binary body served as {resp.content_type or 'no content type'}", url=url
            )
        return None, resp

    @staticmethod
    def _check_type(resp: Response, kind: Kind, url: str) -> None:
        ctype = resp.content_type
        if kind == "any" or not ctype:
            return
        allowed = _FEED_TYPES if kind == "feed" else _PAGE_TYPES
        if not any(a in ctype for a in allowed):
            raise BadContentTypeError(f"content type {ctype!r} is not a {kind}", url=url)

    def _read_body(self, r: httpx.Response, url: str, cap: int, prefix: bool = False) -> bytes:
        header = r.headers.get("content-encoding", "")  # repeated headers come joined by ","
        codings = [c.strip().lower() for c in header.split(",")]
        codings = [c for c in codings if c not in ("", "identity")]
        unknown = [c for c in codings if c not in _CODINGS]
        if unknown or len(codings) > _MAX_CODINGS:
            raise BadContentTypeError(
                f"unsupported Content-Encoding {header.strip()!r}"
                + (f" ({len(codings)} layers)" if not unknown else ""),
                url=url,
                reason="bad_encoding",
            )
        codings.reverse()  # the last applied is decoded first
        layers = [_Decoding(c, url, i > 0 and c == codings[i - 1]) for i, c in enumerate(codings)]
        out = bytearray()
        raw = 0
        length = r.headers.get("content-length", "").strip()
        chunked = "transfer-encoding" in r.headers
        declared = int(length) if length.isdigit() and not chunked else None
        framing = "Content-Length declared" if declared is not None else "chunks declared"
        try:
            for chunk in r.iter_raw():  # each read is bounded by the deadline (_deadline)
                raw += len(chunk)
                if raw > cap and not prefix:
                    raise TooLargeError(f"body larger than cap {cap} bytes", url=url)
                for layer in layers:  # each layer's output is capped: a bomb stops at the cap
                    chunk = layer.feed(chunk, cap)
                out += chunk
                if prefix and (raw > cap or len(out) > cap):  # the rest is not read
                    return bytes(out[:cap])
                if len(out) > cap:
                    raise TooLargeError(f"decompressed body larger than cap {cap} bytes", url=url)
        except ExcessBodyError as exc:  # found before the connection left this request
            raise HttpFetchError(
                f"the server sent more than the {raw} bytes its {framing} ({exc}); the rest "
                "would be lost, so the body is not kept cut short (the connection is closed)",
                url=url,
                reason="bad_length",
            ) from None
        except httpx.ProtocolError:
            if declared is not None and raw < declared:
                raise HttpFetchError(
                    f"the body ended after {raw} of the {declared} bytes its Content-Length "
                    "declared (the server closed the connection early); not kept cut short",
                    url=url,
                    reason="bad_length",
                ) from None
            raise
        for layer in layers:
            layer.finish()
        return bytes(out)

    def _check_robots(self, url: str, budget: _Budget) -> None:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc.lower()}"
        with self._lock:
            known = origin in self._robots
            parser = self._robots.get(origin)
        if not known:
            parser = self._load_robots(origin, budget)
            with self._lock:
                self._robots[origin] = parser
        if parser is not None and not parser.allowed(self.settings.user_agent, url):
            raise RobotsDisallowedError(f"{origin}/robots.txt disallows {url}", url=url)

    def _load_robots(self, origin: str, budget: _Budget) -> Robots | None:
        try:
            # redirects followed as RFC 9309 asks (http -> https, www -> the bare host):
            # taken for 'no robots.txt', they let every path be fetched
            # past 500 KiB the rest is ignored (RFC 9309's least, Google's limit); refused as
            # too large, a big robots.txt allowed every path
            resp = self._follow(origin + "/robots.txt", "any", {}, budget, 512_000, prefix=True)
        except HttpStatusError as exc:
            if exc.status >= 500 or exc.status == 429:  # RFC 9309: unreachable -> disallow all
                return Robots.parse("User-agent: *\nDisallow: /")
            return None  # 4xx: no robots.txt -> allow all
        except SSRFBlockedError:
            raise
        except HttpFetchError as exc:
            log.debug("robots.txt of %s unavailable (%s); allowing", origin, exc.reason)
            return None
        return Robots.parse(resp.content.decode("utf-8", "replace"))
