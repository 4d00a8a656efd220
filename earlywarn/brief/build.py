"""The morning brief of one night: what changed since the previous night, then the top stories.

A brief is a plain JSON-able dict (stored by the ``brief`` stage in the ``briefs``
table, rendered as text, HTML and e-mail by :mod:`earlywarn.brief.render`):

``as_of``, ``previous`` (the previous night with a stored brief, or the previous
collected night), ``focal_country``, ``focal_name``, ``generated``;

``changes``: ``new_alerts``, ``escalated`` (severity above the previous night's, with
``previous_severity``), ``resolved`` (open at the previous brief, now resolved or
dismissed by an analyst, or no longer firing: ``how`` says which), ``new_stories``,
``growing_stories`` (articles tonight and on earlier nights), ``focal`` (tonight's
articles about the focal country, the previous night's, and by language);

``stories``: the top stories of the night (most outlets, then articles), each with a
2-3 sentence extractive summary in the story's language (its most common language; only
articles in that language are summarised), its outlets, languages and links;

``state``: the alerts as seen tonight (id -> severity, status, as_of), which the next
night's brief compares against. The ``alerts`` table keeps only each alert's latest
state, so the previous night's state exists only in the previous brief: that is why
briefs are stored by a stage rather than computed when a report is rendered.
"""

from __future__ import annotations

import json
import unicodedata
from collections import Counter
from datetime import date, datetime, timezone
from typing import Any

import pandas as pd

from earlywarn._log import get_logger
from earlywarn.alerts.rules import SEVERITIES
from earlywarn.brief._text import base_language
from earlywarn.brief.summarise import summarise
from earlywarn.i18n import N_
from earlywarn.store import Archive

__all__ = ["build_brief", "get_brief", "load_brief", "previous_night"]

log = get_logger(__name__)

_CLOSED = ("resolved", "dismissed")
_N_LINKS = 5
_TEXT_CHARS = 12000


def _day(value: Any) -> date:
    return pd.Timestamp(value).date()


def previous_night(archive: Archive, as_of: date) -> date | None:
    """The latest night before ``as_of`` with a stored brief, else with a collection run."""
    for stage in ("brief", "collect"):
        got = archive.query(
            "SELECT max(as_of) AS d FROM runs WHERE stage = ? AND status = 'done' AND as_of < ? "
            "AND as_of > DATE '1970-01-01'",
            [stage, as_of],
        )["d"].iloc[0]
        if got is not None and not pd.isna(got):
            return _day(got)
    return None


def load_brief(archive: Archive, as_of: date) -> dict[str, Any] | None:
    """The stored brief of ``as_of``, or None (also for an archive older than briefs)."""
    has = archive.query(
        "SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'briefs'"
    )["n"].iloc[0]
    if not has:
        return None
    rows = archive.query("SELECT brief FROM briefs WHERE as_of = ?", [as_of])
    if rows.empty:
        return None
    raw = rows["brief"].iloc[0]
    return json.loads(raw) if isinstance(raw, str) else dict(raw)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): v for k, v in r.items()} for r in frame.to_dict("records")]


def _rank(sev: Any) -> int:
    return SEVERITIES.index(sev) if sev in SEVERITIES else -1


def _alert_item(row: dict[str, Any], **extra: Any) -> dict[str, Any]:
    score = row.get("score")
    return {
        "alert_id": str(row["alert_id"]),
        "title": str(row.get("title") or ""),
        "severity": str(row.get("severity") or ""),
        "status": str(row.get("status") or ""),
        "score": None if score is None or pd.isna(score) else round(float(score), 2),
        "unique_id": str(row.get("unique_id") or ""),
        "rule": str(row.get("rule") or ""),  # for the title in another language
        **extra,
    }


def _alert_changes(
    alerts: pd.DataFrame, as_of: date, before: dict[str, dict[str, Any]] | None
) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    from earlywarn.labels import evidence_dict

    prev = before or {}
    firing, new, escalated, resolved = [], [], [], []
    state: dict[str, dict[str, Any]] = {}
    rows = {str(r["alert_id"]): r for r in _records(alerts)}
    for aid, r in rows.items():
        r_as_of = _day(r["as_of"]) if r.get("as_of") is not None else None
        if r_as_of is None or r_as_of > as_of:
            continue
        state[aid] = {
            "severity": r.get("severity"),
            "status": r.get("status"),
            "as_of": str(r_as_of),
        }
        if r_as_of != as_of:
            continue
        firing.append(aid)
        old = prev.get(aid)
        if str(r.get("status")) in _CLOSED:
            continue
        if old is None:
            new.append(_alert_item(r))
        elif _rank(r.get("severity")) > _rank(old.get("severity")):
            escalated.append(_alert_item(r, previous_severity=old.get("severity")))
        elif old.get("status") in _CLOSED:  # reopened
            new.append(_alert_item(r, reopened=True))
    if before is None:  # no earlier brief: the engine's own escalation mark is all we have
        for aid in firing:
            ev = evidence_dict(rows[aid].get("evidence"))
            if ev.get("escalated") and str(rows[aid].get("status")) not in _CLOSED:
                new = [a for a in new if a["alert_id"] != aid]
                escalated.append(
                    _alert_item(rows[aid], previous_severity=ev.get("previous_severity"))
                )
    for aid, old in prev.items():
        if old.get("status") in _CLOSED:
            continue
        now_row = rows.get(aid)
        if now_row is None:
            continue
        if str(now_row.get("status")) in _CLOSED:
            resolved.append(_alert_item(now_row, how=str(now_row.get("status"))))
        elif aid not in firing:
            resolved.append(_alert_item(now_row, how=N_("no longer firing")))
    order = {s: -i for i, s in enumerate(SEVERITIES)}
    for items in (new, escalated, resolved):
        items.sort(key=lambda a: (order.get(a["severity"], 1), -(a["score"] or 0), a["alert_id"]))
    return {"new_alerts": new, "escalated": escalated, "resolved": resolved}, state


def _focal_ids(archive: Archive, as_of: date, focal: str) -> set[str]:
    got = archive.query(
        "SELECT DISTINCT a.article_id FROM articles a JOIN mentions m USING (article_id) "
        "WHERE a.as_of = ? AND a.duplicate_of IS NULL AND (m.entity = ? OR m.country = ?)",
        [as_of, focal, focal],
    )
    return set(got["article_id"])


def _focal(
    archive: Archive, tonight: pd.DataFrame, as_of: date, previous: date | None, focal: str
) -> dict[str, Any]:
    ids = _focal_ids(archive, as_of, focal)
    mine = tonight[tonight["article_id"].isin(ids)]
    langs = Counter(str(x) for x in mine["language"].fillna("?"))
    outlets = Counter(str(x) for x in mine["outlet"].fillna("?"))
    before = len(_focal_ids(archive, previous, focal)) if previous is not None else None
    return {
        "articles": len(mine),
        "previous": before,
        "share": round(len(mine) / len(tonight), 4) if len(tonight) else 0.0,
        "by_language": dict(langs.most_common()),
        "top_outlets": dict(outlets.most_common(5)),
    }


def _words(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split()).casefold()


def _is_headline(line: str, title: str) -> bool:
    """Whether ``line`` is the page's headline: the title, or the title before the site's
    name (``Headline | Site``, ``Headline - Site``, ``Headline – The Sun``)."""
    first, whole = _words(line), _words(title)
    if not first or not whole.startswith(first):
        return False
    return whole == first or whole[len(first) :].lstrip()[:1] in ("|", "-", "–", "—", "·")


def _doc(row: dict[str, Any]) -> str:
    r"""The text an article gives its story's summary: its body, without the headline.

    Extracted pages start with their headline as a line of its own; a headline ends in no
    full stop, so the sentence splitter glued it to the lead ("Mỹ phủ nhận quan hệ căng
    thẳng với Saudi Arabia Ngày 22-10, ..."), and the summary repeated the story's title
    at the head of a sentence. The brief shows the title beside the summary.

    Examples
    --------
    >>> _doc({"title": "Floods hit Hue", "text": "Floods  hit Hue\nRain fell for days."})
    'Rain fell for days.'
    >>> _doc({"title": "Floods hit Hue – The Sun", "text": "Floods hit Hue\nRain fell."})
    'Rain fell.'
    >>> _doc({"title": "Other", "text": "Floods hit Hue\nRain fell."})
    'Floods hit Hue\nRain fell.'
    """
    text = row.get("text")
    if not isinstance(text, str) or not text.strip():
        text = row.get("summary") if isinstance(row.get("summary"), str) else ""
    text = str(text)
    title = row.get("title")
    first, sep, rest = text.lstrip().partition("\n")
    if sep and isinstance(title, str) and _is_headline(first, title):
        text = rest
    return text[:_TEXT_CHARS]


def _published(row: dict[str, Any]) -> str | None:
    ts = pd.Timestamp(row["published"]) if row.get("published") is not None else None
    return None if ts is None or pd.isna(ts) else ts.isoformat()


def _story(members: pd.DataFrame, new_ids: set[str], focal_ids: set[str]) -> dict[str, Any]:
    m = members.sort_values(["published", "article_id"], na_position="last")
    rows = _records(m)
    langs = Counter(base_language(r.get("language")) or "und" for r in rows)
    rep = next((r for r in rows if r.get("representative")), rows[0])
    rep_lang = base_language(rep.get("language")) or "und"
    top = max(langs.values())
    language = (
        rep_lang if langs[rep_lang] == top else sorted(k for k, v in langs.items() if v == top)[0]
    )
    same = [r for r in rows if (base_language(r.get("language")) or "und") == language]
    title_row = rep if rep in same else same[0]
    outlets: set[str] = set()
    for r in rows:
        if r.get("outlet"):
            outlets.add(str(r["outlet"]))
        extra = r.get("outlets")
        if extra is not None and not isinstance(extra, str):
            outlets |= {str(o) for o in list(extra) if o}
    summary = summarise([_doc(r) for r in same], language)
    return {
        "story_id": str(rows[0]["story_id"]),
        "title": str(title_row.get("title") or title_row.get("url") or ""),
        "language": language,
        "summary": summary,
        "n_articles": len(rows),
        "new_articles": sum(str(r["article_id"]) in new_ids for r in rows),
        "outlets": sorted(outlets),
        "languages": sorted(langs),
        "first_seen": _published(rows[0]),
        "last_seen": max((p for p in map(_published, rows) if p), default=None),
        "focal": any(str(r["article_id"]) in focal_ids for r in rows),
        "links": [
            {
                "title": str(r.get("title") or r.get("url") or ""),
                "url": r.get("url"),
                "outlet": r.get("outlet"),
                "language": r.get("language"),
                "published": _published(r),
            }
            for r in rows[:_N_LINKS]
        ],
    }


def build_brief(
    archive: Archive,
    as_of: date | str,
    *,
    focal_country: str = "VNM",
    n_stories: int = 8,
    previous: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The brief of night ``as_of`` from what the archive holds (see the module docstring).

    Parameters
    ----------
    archive : Archive
        An open archive (read-only is enough).
    as_of : date or str
        The night.
    focal_country : str
        ISO3 code of the country whose coverage is followed.
    n_stories : int
        How many top stories to summarise.
    previous : dict, optional
        The previous night's brief; by default the stored brief of
        :func:`previous_night` (alert changes are relative to its ``state``).
    """
    from earlywarn.labels import country_name

    day = _day(as_of)
    prev_day = previous_night(archive, day)
    if previous is None and prev_day is not None:
        previous = load_brief(archive, prev_day)
    if previous is not None:
        prev_day = _day(previous["as_of"])
    alerts = archive.table("alerts", "as_of <= ?", [day])
    changes, state = _alert_changes(
        alerts, day, previous.get("state", {}).get("alerts") if previous else None
    )
    tonight = archive.table("articles", "as_of = ? AND duplicate_of IS NULL", [day])
    focal_ids = _focal_ids(archive, day, focal_country)
    changes["focal"] = _focal(archive, tonight, day, prev_day, focal_country)
    stories: list[dict[str, Any]] = []
    new_stories: list[dict[str, Any]] = []
    growing: list[dict[str, Any]] = []
    if not tonight.empty:
        sids = archive.query(
            "SELECT DISTINCT story_id FROM stories WHERE list_contains(?, article_id)",
            [tonight["article_id"].tolist()],
        )["story_id"].tolist()
        members = archive.query(
            "SELECT s.story_id, s.representative, a.* FROM stories s JOIN articles a USING (article_id) "
            "WHERE list_contains(?, s.story_id) AND a.duplicate_of IS NULL AND a.as_of <= ?",
            [sids, day],
        )
        # stories of tonight's articles that the extract stage did not cluster stand alone
        alone = tonight[~tonight["article_id"].isin(members["article_id"])].assign(
            story_id=lambda f: f["article_id"], representative=True
        )
        members = pd.concat([members, alone], ignore_index=True)
        new_ids = set(tonight["article_id"])
        groups = []
        for sid, g in members.groupby("story_id", sort=True):
            new_n = int(g["article_id"].isin(new_ids).sum())
            outlets = g["outlet"].nunique()
            last = pd.to_datetime(g["published"], utc=True).max()
            groups.append((str(sid), g, new_n, outlets, last))
            ref = {"story_id": str(sid), "n_articles": len(g), "new_articles": new_n}
            title = g.sort_values("published")["title"].dropna()
            ref["title"] = str(title.iloc[0]) if len(title) else ""
            (new_stories if new_n == len(g) else growing).append(ref)
        groups.sort(
            key=lambda x: (
                -x[3],
                -x[2],
                -(x[4].value if not pd.isna(x[4]) else 0),
                x[0],
            )
        )
        for _sid, g, _n, _o, _last in groups[:n_stories]:
            stories.append(_story(g, new_ids, focal_ids))
        new_stories.sort(key=lambda s: (-s["n_articles"], s["story_id"]))
        growing.sort(key=lambda s: (-s["new_articles"], -s["n_articles"], s["story_id"]))
    changes["new_stories"] = new_stories
    changes["growing_stories"] = growing
    log.info(
        "brief for %s: %d new alerts, %d escalated, %d resolved, %d stories",
        day,
        len(changes["new_alerts"]),
        len(changes["escalated"]),
        len(changes["resolved"]),
        len(stories),
    )
    return {
        "as_of": day.isoformat(),
        "previous": prev_day.isoformat() if prev_day else None,
        "focal_country": focal_country,
        "focal_name": country_name(focal_country),
        "generated": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "articles": len(tonight),
        "changes": changes,
        "stories": stories,
        "state": {"alerts": state},
    }


def get_brief(
    archive: Archive, as_of: date | str, *, focal_country: str = "VNM", n_stories: int = 8
) -> dict[str, Any]:
    """The stored brief of ``as_of`` (the ``brief`` stage's), else one built now (not stored)."""
    day = _day(as_of)
    stored = load_brief(archive, day)
    if stored is not None:
        return stored
    log.info("no stored brief for %s: building it from the archive", day)
    return build_brief(archive, day, focal_country=focal_country, n_stories=n_stories)
