"""Feed catalogs: the :class:`Feed` record and YAML / OPML files of feeds.

A catalog is data (``feeds/*.yaml`` or ``feeds/*.opml``). Loading validates every
entry; errors name the file, the entry and the key at fault.

Examples
--------
>>> from earlywarn.collect.catalog import Feed
>>> f = Feed("https://VnExpress.net/rss/tin-moi-nhat.rss", outlet="VnExpress", language="vi", country="VNM")
>>> f.normalized_url
'https://vnexpress.net/rss/tin-moi-nhat.rss'
>>> len(f.feed_id)
16
"""

from __future__ import annotations

import hashlib
import io
import re
import reprlib
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urlsplit, urlunsplit

import defusedxml.ElementTree as SafeET
import yaml
from courlan import normalize_url

from earlywarn._atomic import write_atomic
from earlywarn._log import redact
from earlywarn._yaml import read_config_text, safe_load
from earlywarn.collect._clean import BIDI_CONTROLS
from earlywarn.collect.http import url_problem
from earlywarn.errors import ConfigError, path_problem

__all__ = [
    "KINDS",
    "SOCIAL_KINDS",
    "Feed",
    "load_catalog",
    "normalize_link",
    "save_opml",
    "save_yaml",
]

KINDS = (
    "newspaper",
    "news agency",
    "broadcaster",
    "ministry",
    "think tank",
    "international organisation",
    "magazine",
    "blog",
    "official",
    "youtube",
    "mastodon",
    "bluesky",
    "reddit",
)
"""Feed kinds. ``official``: the focal country's own voice (its foreign ministry, embassies
and official media); its items are the statements whose pickup is measured
(:mod:`earlywarn.focal.pickup`). The social kinds are public platform feeds (RSS/Atom):
``youtube`` (``/feeds/videos.xml?channel_id=``), ``mastodon`` (``/@user.rss``), ``bluesky``
(``bsky.app/profile/HANDLE/rss``) and ``reddit`` (``/search.rss?q=``, ``/r/NAME/.rss``)."""

SOCIAL_KINDS = frozenset({"youtube", "mastodon", "bluesky", "reddit"})
"""Kinds whose items are posts, not article pages: the post text is the feed item's own
text (no page is fetched) and a post without a title is named by its first words."""


def credentials_problem(url: str) -> str | None:
    """Why a feed URL holding credentials (``https://user:pw@host/rss``) is refused.

    earlywarn stores a feed's URL (archive, exports, ``feeds check --write-verified``) and
    shows it (``feeds``, the logs, the report's and the review page's data health), so a
    secret in it would be spread everywhere; a feed behind a login is not supported.

    >>> credentials_problem("https://alice:pw@example.com/rss") is not None
    True
    >>> credentials_problem("https://example.com/rss?u=a@b") is None
    True
    """
    try:
        parts = urlsplit(str(url).strip())
    except ValueError:
        return None  # url_problem names it
    if "@" not in parts.netloc:
        return None
    return (
        "key 'url' holds credentials (user:password@ before the host); earlywarn stores "
        "and shows feed URLs (archive, logs, report, review page), so a feed behind a login "
        "is not supported: remove them"
    )


def normalize_link(url: str) -> str:
    """Normalise a URL with courlan (lower-case host, drop fragments and tracking parameters).

    Credentials (``user:password@``) are dropped: a link is an article's identity and is
    shown in reports and exports, where a password must never appear.

    Examples
    --------
    >>> normalize_link("HTTPS://Example.com/a/?utm_source=x&id=2#top")
    'https://example.com/a/?id=2'
    >>> normalize_link("http://editor:s3cret@example.com/a")
    'http://example.com/a'
    """
    try:
        out = str(normalize_url(url.strip(), strict=False))
    except Exception:  # courlan raises bare ValueError/TypeError on hopeless input
        out = url.strip()
    try:
        out = urldefrag(out).url
        parts = urlsplit(out)
    except ValueError:  # "http://[::1": not a URL; the fetch refuses it
        return out
    if "@" in parts.netloc:
        out = urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))
    return out


@dataclass(frozen=True)
class Feed:
    """One feed of the catalog: a news feed or a public social feed.

    Parameters
    ----------
    url : str
        The feed's http(s) address.
    title, outlet : str
        Human-readable names.
    language : str, optional
        ISO 639-1 code of the feed's language.
    country : str, optional
        ISO 3166-1 alpha-3 code of the outlet's country.
    kind : str
        One of :data:`KINDS` (``official`` for the focal country's own voice; ``youtube``,
        ``mastodon``, ``bluesky``, ``reddit`` for public social feeds).
    interval_minutes : int
        Polling interval.
    family : str
        The owner family: the outlet group or state owner (``FPT``, ``state:VNM``,
        ``state:CHN``, ``BBC`` ...). Corroboration counts independent families, not
        outlets; empty means the outlet is its own family.
    verified : date, optional
        The date of the feed's last good fetch (collection and ``earlywarn feeds check
        --online`` record it).
    mirror : bool
        The feed serves archived copies of other publishers' pages (a replay server, an
        in-house mirror): each page's canonical link, whatever its site, is the article's
        URL, so reports link to the publisher; where it was fetched from is kept as
        ``fetched_url``. Off by default: a page may not claim another site's article.
    """

    url: str
    title: str = ""
    outlet: str = ""
    language: str | None = None
    country: str | None = None
    kind: str = "newspaper"
    interval_minutes: int = 60
    family: str = ""
    verified: date | None = None
    mirror: bool = False

    def __post_init__(self) -> None:
        problem = credentials_problem(self.url)
        if problem:
            raise ConfigError(f"feed {redact(self.url)[:120]}: {problem}")

    @property
    def normalized_url(self) -> str:
        """The courlan-normalised URL."""
        return normalize_link(self.url)

    @property
    def feed_id(self) -> str:
        """Stable id: the first 16 hex digits of sha1 of the normalised URL."""
        return hashlib.sha1(self.normalized_url.encode("utf-8")).hexdigest()[:16]


_FIELDS = {f.name for f in fields(Feed)}


def _tomorrow() -> date:
    """Tomorrow in UTC (east of UTC, tomorrow has begun)."""
    return datetime.now(timezone.utc).date() + timedelta(days=1)


#: codes ISO leaves to users that catalogs use (Kosovo)
_USER_ASSIGNED = frozenset({"XKX"})


def _known(kind: str, code: str) -> bool:
    """Whether ``code`` is a language (ISO 639-1) or country (ISO 3166-1 alpha-3) at all.

    The shape alone let a typo through ('vn' for Vietnamese, 'VMN' for Viet Nam): the
    feed's articles then counted for no language or country the ledger and the health
    gate watch, and those stayed open with every real Vietnamese feed down.

    Examples
    --------
    >>> _known("languages", "VI"), _known("languages", "vn"), _known("countries", "VMN")
    (True, False, False)
    """
    import pycountry

    if kind == "languages":
        return len(code) == 2 and pycountry.languages.get(alpha_2=code.lower()) is not None
    code = code.upper()
    return len(code) == 3 and (
        code in _USER_ASSIGNED or pycountry.countries.get(alpha_3=code) is not None
    )


_REPR = reprlib.Repr()
_REPR.maxstring = _REPR.maxother = 120


#: what a feed's name must not hold: C0/C1 controls (a tab, a line break, NUL ...) and the
#: bidirectional embeddings, overrides and isolates (an unclosed U+202E reversed the rest
#: of the line the name was shown on)
_UNSHOWABLE = re.compile(f"[\x00-\x1f\x7f-\x9f\u2028\u2029{BIDI_CONTROLS}]")


def _show(value: Any) -> str:
    """``value`` quoted for a message, cut to about 120 characters: a 300 KB URL or date
    in a catalog was quoted whole in its error (and again in the feed's label). A URL's
    credentials are masked (``https://***@host``)."""
    return redact(_REPR.repr(value))


def _cut(text: object) -> str:
    """``text`` for a feed's label in messages, cut to about 120 characters, a URL's
    credentials masked."""
    t = redact(text)
    return t if len(t) <= 120 else f"{t[:70]}...{t[-40:]}"


def _check(entry: Mapping[str, Any], where: str) -> Feed:
    unknown = set(entry) - _FIELDS
    if unknown:
        raise ConfigError(
            f"{where}: unknown key(s) {_show(sorted(unknown))}; allowed keys are {sorted(_FIELDS)}"
        )
    url = entry.get("url")
    if not isinstance(url, str) or not url.strip().lower().startswith(("http://", "https://")):
        raise ConfigError(f"{where}: key 'url' must be an http(s) URL (got {_show(url)})")
    problem = url_problem(url.strip())
    if problem is not None:
        raise ConfigError(
            f"{where}: key 'url' is not a URL that can be fetched ({problem}); "
            f"fix it (got {_show(url)})"
        )
    problem = credentials_problem(url)
    if problem is not None:
        raise ConfigError(f"{where}: {problem} (got {_show(url)})")
    out: dict[str, Any] = {"url": url.strip()}
    for key in ("title", "outlet", "family"):
        value = entry.get(key) or ""
        if not isinstance(value, str):
            raise ConfigError(f"{where}: key '{key}' must be text (got {_show(value)})")
        odd = _UNSHOWABLE.search(value.strip())
        if odd:
            raise ConfigError(
                f"{where}: key '{key}' holds U+{ord(odd.group()):04X} (a control or "
                "bidirectional formatting character: the report, the review page and the "
                f"logs show the name, which it would garble or reverse); remove it (got "
                f"{_show(value)})"
            )
        out[key] = value.strip()
    lang = entry.get("language")
    if lang is not None and not (isinstance(lang, str) and _known("languages", lang)):
        raise ConfigError(
            f"{where}: key 'language' must be an ISO 639-1 code such as 'vi' (got {_show(lang)}, "
            "which names no language)"
        )
    out["language"] = lang.lower() if isinstance(lang, str) else None
    country = entry.get("country")
    if country is not None and not (isinstance(country, str) and _known("countries", country)):
        raise ConfigError(
            f"{where}: key 'country' must be an ISO 3166-1 alpha-3 code such as 'VNM' (got "
            f"{_show(country)}, which names no country)"
        )
    out["country"] = country.upper() if isinstance(country, str) else None
    kind = entry.get("kind", "newspaper")
    if kind not in KINDS:
        raise ConfigError(f"{where}: key 'kind' must be one of {list(KINDS)} (got {_show(kind)})")
    out["kind"] = kind
    interval = entry.get("interval_minutes", 60)
    if isinstance(interval, str) and interval.isascii() and interval.isdigit():  # not '²'
        interval = int(interval)
    if not isinstance(interval, int) or isinstance(interval, bool) or interval < 1:
        raise ConfigError(
            f"{where}: key 'interval_minutes' must be a positive integer (got {_show(interval)})"
        )
    out["interval_minutes"] = interval
    verified = entry.get("verified")
    if isinstance(verified, str):
        try:
            verified = date.fromisoformat(verified.strip())
        except ValueError:
            verified = False
    if verified is not None and (not isinstance(verified, date) or isinstance(verified, bool)):
        raise ConfigError(
            f"{where}: key 'verified' must be a date such as 2026-12-06 (got {_show(entry.get('verified'))})"
        )
    if isinstance(verified, datetime):  # YAML reads '2025-01-01 10:00' as a time
        verified = verified.date()
    if verified is not None and verified > _tomorrow():
        # the later of this date and the last good poll is the feed's 'verified': a date
        # to come kept a dead feed verified, whatever its polls said
        raise ConfigError(
            f"{where}: key 'verified' is {verified.isoformat()}, a day to come (today is "
            f"{_tomorrow() - timedelta(days=1)} UTC); it is the date of a good fetch: fix it, "
            "or let 'earlywarn feeds check --online --write-verified' write it"
        )
    out["verified"] = verified
    mirror = entry.get("mirror", False)
    if isinstance(mirror, str) and mirror.strip().lower() in ("true", "false"):
        mirror = mirror.strip().lower() == "true"
    if not isinstance(mirror, bool):
        raise ConfigError(f"{where}: key 'mirror' must be true or false (got {_show(mirror)})")
    out["mirror"] = mirror
    return Feed(**out)


def _load_yaml(path: Path) -> list[tuple[str, Mapping[str, Any]]]:
    try:
        data = safe_load(read_config_text(path, "the feed catalog"))
    except yaml.YAMLError as exc:
        raise ConfigError(
            f"{path}: not valid YAML ({exc}); fix the syntax (a catalog shares values "
            "through its 'defaults' key)"
        ) from None
    if isinstance(data, Mapping):
        defaults = data.get("defaults") or {}
        items = data.get("feeds")
    else:
        defaults, items = {}, data
    if not isinstance(items, list):
        raise ConfigError(f"{path}: expected a list of feeds (or a mapping with key 'feeds')")
    if not isinstance(defaults, Mapping):
        raise ConfigError(f"{path}: key 'defaults' must be a mapping")
    out: list[tuple[str, Mapping[str, Any]]] = []
    for i, item in enumerate(items):
        if not isinstance(item, Mapping):
            raise ConfigError(
                f"{path}: feed #{i + 1} must be a mapping with at least 'url' "
                f"(got {reprlib.repr(item)})"
            )
        out.append((f"{path}: feed #{i + 1} ({_cut(item.get('url', '?'))})", {**defaults, **item}))
    return out


def _load_opml(path: Path) -> list[tuple[str, Mapping[str, Any]]]:
    try:
        root = SafeET.parse(str(path)).getroot()
    except (ET.ParseError, ValueError) as exc:  # defusedxml errors derive from ValueError
        raise ConfigError(f"{path}: not valid OPML ({exc}); fix the XML") from None
    tag = str(root.tag).rpartition("}")[2]
    if tag.lower() != "opml":  # a feed itself (<rss>, <feed>) given where a catalog goes
        raise ConfigError(
            f"{path}: not an OPML catalog: its root element is <{_cut(tag)}>, not <opml>"
            + (" (a feed, not a list of feeds)" if tag in ("rss", "feed", "RDF") else "")
            + "; give a catalog that lists the feed (earlywarn feeds export turns YAML to OPML)"
        )
    out: list[tuple[str, Mapping[str, Any]]] = []
    for i, node in enumerate(root.iter("outline")):
        url = node.get("xmlUrl")
        kind = (node.get("type") or "").lower()
        if not url and (kind == "include" or (node.get("url") or "").lower().endswith(".opml")):
            raise ConfigError(
                f"{path}: outline #{i + 1} includes another OPML ({_show(node.get('url'))}); "
                "catalogs are not followed into other files: paste that file's feed "
                "outlines into this one"
            )
        if not url and kind in ("rss", "atom"):
            raise ConfigError(
                f"{path}: outline #{i + 1} (type {kind!r}) has no xmlUrl; give the feed's "
                'address as xmlUrl="https://..."'
            )
        if not url:
            continue  # a folder outline
        title = node.get("title")
        entry: dict[str, Any] = {
            "url": url,
            "title": title if title is not None else node.get("text", ""),
        }
        for key in (
            "outlet",
            "language",
            "country",
            "kind",
            "interval_minutes",
            "family",
            "verified",
            "mirror",
        ):
            if node.get(key) is not None:
                entry[key] = node.get(key)
        out.append((f"{path}: outline #{i + 1} ({_cut(url)})", entry))
    return out


def load_catalog(path: str | Path) -> list[Feed]:
    """Load and validate a feed catalog (``.yaml``/``.yml`` or ``.opml``).

    Raises
    ------
    ConfigError
        If the file is missing, unreadable, or an entry is invalid or duplicated;
        the message names the file, the entry and the key.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "c.yaml"
    >>> _ = p.write_text("- {url: 'https://e.com/rss', language: vi, country: VNM}")
    >>> load_catalog(p)[0].country
    'VNM'
    >>> _ = p.write_text("- {url: 'https://e.com/rss', country: Vietnam}")
    >>> load_catalog(p)
    Traceback (most recent call last):
    ...
    earlywarn.errors.ConfigError: ...c.yaml: feed #1 (https://e.com/rss): key 'country' must be an ISO 3166-1 alpha-3 code such as 'VNM' (got 'Vietnam', which names no country)
    """
    p = Path(path)
    problem = path_problem(p)
    if problem is not None:
        raise ConfigError(f"feed catalog {p} {problem}; pass a .yaml or .opml file")
    suffix = p.suffix.lower()
    if suffix in (".yaml", ".yml"):
        raw = _load_yaml(p)
    elif suffix in (".opml", ".xml"):
        raw = _load_opml(p)
    else:
        raise ConfigError(f"{p}: unknown catalog format {suffix!r}; use .yaml, .yml or .opml")
    feeds: list[Feed] = []
    seen: dict[str, str] = {}
    for where, entry in raw:
        feed = _check(entry, where)
        if feed.feed_id in seen:
            raise ConfigError(
                f"{where}: key 'url' duplicates {seen[feed.feed_id]}; remove one of them"
            )
        seen[feed.feed_id] = where
        feeds.append(feed)
    if not feeds:  # collect fetched nothing, night after night, and exited 0
        raise ConfigError(
            f"{p}: the catalog lists no feed ("
            + ("no outline with an xmlUrl" if suffix != ".yaml" and suffix != ".yml"
               else "its 'feeds' list is empty")
            + "), so nothing would be collected; list at least one feed"
        )  # fmt: skip
    return feeds


def save_yaml(feeds: Sequence[Feed], path: str | Path) -> Path:
    """Write ``feeds`` as a YAML catalog and return the path."""
    p = Path(path)
    rows = [
        {k: (v.isoformat() if isinstance(v, date) else v) for k, v in asdict(f).items()
         if v is not None and v != "" and v is not False}
        for f in feeds
    ]  # fmt: skip
    write_atomic(p, yaml.safe_dump({"feeds": rows}, allow_unicode=True, sort_keys=False))
    return p


def save_opml(feeds: Sequence[Feed], path: str | Path, *, title: str = "earlywarn feeds") -> Path:
    """Write ``feeds`` as OPML 2.0 (one folder per country) and return the path.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "c.opml"
    >>> fs = [Feed("https://e.com/rss", outlet="E", language="en", country="GBR")]
    >>> load_catalog(save_opml(fs, p)) == fs
    True
    """
    p = Path(path)
    opml = ET.Element("opml", version="2.0")
    head = ET.SubElement(opml, "head")
    ET.SubElement(head, "title").text = title
    body = ET.SubElement(opml, "body")
    folders: dict[str, ET.Element] = {}
    for f in feeds:
        key = f.country or "international"
        if key not in folders:
            folders[key] = ET.SubElement(body, "outline", text=key, title=key)
        attrs = {
            "type": "rss",
            "text": f.title or f.outlet or f.url,
            "title": f.title,
            "xmlUrl": f.url,
            "outlet": f.outlet,
            "kind": f.kind,
            "interval_minutes": str(f.interval_minutes),
        }
        if f.family:
            attrs["family"] = f.family
        if f.verified:
            attrs["verified"] = f.verified.isoformat()
        if f.mirror:
            attrs["mirror"] = "true"
        if f.language:
            attrs["language"] = f.language
        if f.country:
            attrs["country"] = f.country
        ET.SubElement(folders[key], "outline", attrs)
    ET.indent(opml)
    buf = io.BytesIO()
    ET.ElementTree(opml).write(buf, encoding="utf-8", xml_declaration=True)
    write_atomic(p, buf.getvalue())
    return p
