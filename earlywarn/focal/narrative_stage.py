"""The nightly ``narratives`` stage and the perception alerts it feeds.

After ``extract`` (stories) and ``focal`` (which articles name the country) it stores, for
the focal country (``focal_country`` in the config): the narratives of the week ending
``as_of`` (:func:`~earlywarn.focal.narratives.narratives`) in table ``narratives``, and the
pickup of the official statements of the last ``max_days + 1`` days and of those first
collected tonight, whatever their date (:func:`~earlywarn.focal.pickup.match_pickup`) in
table ``pickups``.

The ``alerts`` stage adds :func:`perception_alerts` to the rule alerts: rule
``narrative-new-language`` (a narrative reaches a language it was not in) and rule
``low-pickup`` (a statement's window closed with too little pickup), both configured in
the rules file like any rule (threshold, severity, title), with their evidence articles.
"""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from typing import Any, cast

import pandas as pd

from earlywarn._log import get_logger
from earlywarn.stage import StageContext, StageResult
from earlywarn.store import Archive, Write

__all__ = ["narratives_summary", "perception_alerts", "stage"]

log = get_logger(__name__)

#: Days of articles the narratives look at.
WINDOW_DAYS = 7


def _stored_stories(archive: Archive, ids: list[str]) -> pd.DataFrame:
    return archive.query("SELECT * FROM stories WHERE list_contains(?, article_id)", [ids])


def stage(ctx: StageContext) -> StageResult:
    """Compute and store tonight's narratives and statement pickups of the focal country."""
    from earlywarn.focal.narratives import narratives
    from earlywarn.focal.pickup import DEFAULTS, match_pickup, official_feed_ids

    country = ctx.settings.focal_country
    since = ctx.as_of - timedelta(days=WINDOW_DAYS - 1)
    arts = ctx.archive.articles(since=since, until=ctx.as_of)
    ids = arts["article_id"].astype(str).tolist()
    stories = _stored_stories(ctx.archive, ids)
    # which articles name the country: the ``focal`` stage's tags (one tagger for everything)
    tagged = ctx.archive.query(
        "SELECT article_id FROM perception WHERE country = ? AND count > 0 "
        "AND list_contains(?, article_id)",
        [country, ids],
    )
    focal = arts["article_id"].astype(str).isin(set(tagged["article_id"].astype(str)))
    narr = narratives(
        arts, stories, country=country, as_of=ctx.as_of, focal=focal, window_days=WINDOW_DAYS
    )
    narr = narr.assign(as_of=ctx.as_of, country=country)
    writes = [Write("narratives", narr, replace={"as_of": ctx.as_of, "country": country})]
    # pickup: the statements of the last max_days + 1 days, and those collected tonight
    # whatever their date (a first collection brings statements of past days: their pickup is
    # measured once, against the coverage collected with them), each against the other
    # outlets' articles of the max_days after it
    days = int(DEFAULTS["max_days"]) + 1
    official = official_feed_ids(ctx.archive.table("feeds"), country)
    st = arts[arts["feed_id"].isin(official)]
    start = pd.Timestamp(ctx.as_of - timedelta(days=days - 1), tz="UTC")
    st = st[pd.to_datetime(st["published"], utc=True) >= start]
    backfill = ctx.archive.table(
        "articles",
        "as_of = ? AND duplicate_of IS NULL AND published IS NOT NULL AND list_contains(?, feed_id)",
        [ctx.as_of, sorted(official)],
    )
    backfill = backfill[pd.to_datetime(backfill["published"], utc=True) < start]
    n_matches = 0
    if not backfill.empty:
        first = pd.to_datetime(backfill["published"], utc=True).min()
        older = ctx.archive.articles(since=first.date(), until=ctx.as_of)
        arts_all = pd.concat([older, arts], ignore_index=True).drop_duplicates("article_id")
        st = pd.concat([backfill, st], ignore_index=True).drop_duplicates("article_id")
    else:
        arts_all = arts
    if not st.empty:
        coverage = arts_all[~arts_all["feed_id"].isin(official)]
        all_ids = arts_all["article_id"].astype(str).tolist()
        mentions = ctx.archive.query(
            "SELECT * FROM mentions WHERE list_contains(?, article_id)", [all_ids]
        )
        m = match_pickup(st, coverage, mentions)
        n_matches = len(m)
        rows = m.rename(columns={"country": "source_country"}).assign(
            as_of=ctx.as_of, country=country
        )
        writes.append(Write("pickups", rows))  # upsert by (country, statement, article)
    return writes, {
        "narratives": len(narr),
        "spreading": int((narr["status"] == "spreading").sum()) if len(narr) else 0,
        "statements": len(st),
        "pickups": n_matches,
    }


def narratives_summary(archive: Archive, country: str, as_of: Any) -> pd.DataFrame:
    """The stored narratives of ``country`` on ``as_of`` (most articles first), for the
    perception report; empty when the stage has not run.

    Columns: ``narrative_id, title, status, n_articles, languages, source_countries,
    new_languages, key_phrases_vi, key_phrases_en, first_seen, last_seen``.
    """
    cols = ["narrative_id", "title", "status", "n_articles", "languages", "source_countries",
            "new_languages", "key_phrases_vi", "key_phrases_en", "first_seen", "last_seen"]  # fmt: skip
    day = pd.Timestamp(as_of).date()
    frame = archive.table("narratives", "as_of = ? AND country = ?", [day, country])
    if frame.empty:
        return pd.DataFrame(columns=cols)
    return frame.sort_values(["n_articles", "narrative_id"], ascending=[False, True])[
        cols
    ].reset_index(drop=True)


def _rule(rules: list[Any], name: str) -> Any | None:
    return next((r for r in rules if r.name == name), None)


def _alert(rule: Any, uid: str, key: str, as_of: Any, score: float, title: str,
           evidence: dict[str, Any], stamp: pd.Timestamp) -> dict[str, Any]:  # fmt: skip
    alert_id = hashlib.sha1(f"{rule.name}|{uid}|{key}".encode()).hexdigest()[:20]
    return {
        "alert_id": alert_id, "rule": rule.name, "unique_id": uid,
        "ds": pd.Timestamp(as_of), "as_of": pd.Timestamp(as_of).date(),
        "severity": rule.severity_for(score), "score": score, "title": title, "status": "new",
        "evidence": json.dumps({"rule": rule.name, "description": rule.description,
                                "unique_id": uid, **evidence},
                               ensure_ascii=False, default=str),
        "created_at": stamp, "updated_at": stamp, "note": None,
    }  # fmt: skip


def perception_alerts(ctx: StageContext, rules: list[Any], previous: pd.DataFrame) -> pd.DataFrame:
    """Alerts of rules ``narrative-new-language`` and ``low-pickup`` for ``ctx.as_of``.

    A crossing scores the number of languages the narrative is now in; a statement with
    low pickup scores ``threshold`` (its evidence: the few articles that carried it).
    Alerts already stored keep their status and creation time.
    """
    from earlywarn.focal.narratives import crossings
    from earlywarn.focal.pickup import low_pickup
    from earlywarn.labels import country_name, language_name

    country = ctx.settings.focal_country
    stamp = pd.Timestamp.now(tz="UTC")
    rows: list[dict[str, Any]] = []
    narr_rule = _rule(rules, "narrative-new-language")
    if narr_rule is not None:
        narr = ctx.archive.table("narratives", "as_of = ? AND country = ?", [ctx.as_of, country])
        ids = sorted({a for lst in narr.get("article_ids", []) for a in lst})
        arts = ctx.archive.query(
            "SELECT article_id, language, title, outlet, url FROM articles "
            "WHERE list_contains(?, article_id)", [ids]
        )  # fmt: skip
        found = cast(
            "list[dict[str, Any]]", crossings(narr, arts, as_of=ctx.as_of).to_dict("records")
        )
        for c in found:
            n_lang = len(c["languages_before"]) + 1
            if n_lang < narr_rule.threshold:
                continue
            ev = arts.set_index("article_id").reindex(c["evidence"][:10]).reset_index()
            title = narr_rule.title.format(
                country_name=country_name(country) or country,
                language=language_name(c["language"]),
                narrative=c["title"],
            )  # fmt: skip
            rows.append(_alert(narr_rule, f"cov:{country}", f"{c['narrative_id']}|{c['language']}",
                               ctx.as_of, float(n_lang), title,
                               {"narrative_id": c["narrative_id"], "narrative": c["title"],
                                "language": c["language"], "languages_before": c["languages_before"],
                                "key_phrases": c["key_phrases"],
                                "articles": ev.to_dict("records")}, stamp))  # fmt: skip
    pick_rule = _rule(rules, "low-pickup")
    if pick_rule is not None:
        from earlywarn.focal.pickup import DEFAULTS, official_feed_ids

        days = int(DEFAULTS["max_days"])
        official = official_feed_ids(ctx.archive.table("feeds"), country)
        day = pd.Timestamp(ctx.as_of - timedelta(days=days), tz="UTC")
        arts = ctx.archive.articles(since=day.date(), until=day.date())
        st = arts[arts["feed_id"].isin(official)]
        m = ctx.archive.query(
            "SELECT * FROM pickups WHERE country = ? AND list_contains(?, statement_id)",
            [country, st["article_id"].astype(str).tolist()],
        ).rename(columns={"country": "focal", "source_country": "country"})
        low = low_pickup(
            st, m, as_of=pd.Timestamp(ctx.as_of), min_articles=int(pick_rule.threshold)
        )
        for r in low.itertuples():
            title = pick_rule.title.format(country_name=country_name(country) or country,
                                           statement=r.title)  # fmt: skip
            rows.append(_alert(pick_rule, f"cov:{country}", str(r.statement_id), ctx.as_of,
                               float(pick_rule.threshold), title,
                               {"statement_id": r.statement_id, "statement": r.title,
                                "n_articles": r.n_articles, "n_foreign": r.n_foreign,
                                "languages": r.languages, "articles": r.evidence}, stamp))  # fmt: skip
    out = pd.DataFrame(rows)
    if out.empty or previous.empty:
        return out
    prev = previous.set_index("alert_id")
    known = out["alert_id"].isin(prev.index)
    out.loc[known, "status"] = out.loc[known, "alert_id"].map(prev["status"])
    out.loc[known, "created_at"] = out.loc[known, "alert_id"].map(prev["created_at"])
    return out
