"""The frames that cross stage boundaries: their columns, archive types and validation.

Each table is declared once here; the archive DDL and the pandera checks are derived
from it, so stages cannot drift apart.

Examples
--------
>>> from earlywarn.schema import TABLES, empty_frame
>>> list(empty_frame("series").columns)
['as_of', 'unique_id', 'ds', 'y']
>>> TABLES["events"].key
('event_id',)
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import pandas as pd
import pandera.pandas as pa

from earlywarn.errors import EarlywarnError

__all__ = ["TABLES", "Table", "empty_frame", "validate"]


@dataclass(frozen=True)
class Table:
    """One archive table: ordered columns with DuckDB types, and its key."""

    name: str
    columns: dict[str, str]
    key: tuple[str, ...]
    doc: str = ""

    def ddl(self) -> str:
        cols = ", ".join(f'"{c}" {t}' for c, t in self.columns.items())
        keys = ", ".join(f'"{k}"' for k in self.key)
        return f"CREATE TABLE IF NOT EXISTS {self.name} ({cols}, PRIMARY KEY ({keys}))"


def _t(name: str, key: tuple[str, ...], doc: str, /, **columns: str) -> Table:
    return Table(name, dict(columns), key, doc)


TABLES: dict[str, Table] = {
    t.name: t
    for t in [
        _t(
            "feeds",
            ("feed_id",),
            "Feeds of the catalog with their last fetch status.",
            feed_id="VARCHAR",
            url="VARCHAR",
            title="VARCHAR",
            outlet="VARCHAR",
            language="VARCHAR",
            country="VARCHAR",
            kind="VARCHAR",
            etag="VARCHAR",
            last_modified="VARCHAR",
            last_status="VARCHAR",
            last_fetched="TIMESTAMPTZ",
            entries="INTEGER",
            verified="DATE",
            family="VARCHAR",
        ),
        _t(
            "articles",
            ("article_id",),
            "One row per canonical article URL.",
            article_id="VARCHAR",
            url="VARCHAR",
            feed_id="VARCHAR",
            outlet="VARCHAR",
            title="VARCHAR",
            summary="VARCHAR",
            text="VARCHAR",
            language="VARCHAR",
            country="VARCHAR",
            published="TIMESTAMPTZ",
            date_flag="VARCHAR",
            fetched="TIMESTAMPTZ",
            content_hash="VARCHAR",
            duplicate_of="VARCHAR",
            outlets="VARCHAR[]",
            as_of="DATE",
            fetched_url="VARCHAR",
        ),
        _t(
            "pages",
            ("article_id",),
            "Raw article pages as fetched (gzip), kept only with keep_raw_html.",
            article_id="VARCHAR",
            url="VARCHAR",
            fetched="TIMESTAMPTZ",
            content_type="VARCHAR",
            charset="VARCHAR",
            raw_bytes="INTEGER",
            html_gzip="BLOB",
            as_of="DATE",
        ),
        _t(
            "events",
            ("event_id",),
            "Coded events (CAMEO), from articles or imported datasets.",
            event_id="VARCHAR",
            date="DATE",
            source_name="VARCHAR",
            source_country="VARCHAR",
            source_type="VARCHAR",
            target_name="VARCHAR",
            target_country="VARCHAR",
            target_type="VARCHAR",
            cameo_code="VARCHAR",
            root_code="VARCHAR",
            quad_class="TINYINT",
            goldstein="DOUBLE",
            location_country="VARCHAR",
            admin1="VARCHAR",
            lat="DOUBLE",
            lon="DOUBLE",
            language="VARCHAR",
            sentence="VARCHAR",
            article_id="VARCHAR",
            url="VARCHAR",
            num_sources="INTEGER",
            num_mentions="INTEGER",
            confidence="DOUBLE",
            origin="VARCHAR",
            plover_type="VARCHAR",
            plover_mode="VARCHAR",
        ),
        _t(
            "mentions",
            ("article_id", "entity"),
            "Actors and places named in an article.",
            article_id="VARCHAR",
            entity="VARCHAR",
            name="VARCHAR",
            country="VARCHAR",
            kind="VARCHAR",
            count="INTEGER",
        ),
        _t(
            "perception",
            ("article_id", "country"),
            "Each article's mentions of the focal country (a row even without one) and of its "
            "peers (rows with count > 0): salience and sentence-level tone toward the country.",
            article_id="VARCHAR",
            country="VARCHAR",
            role="VARCHAR",
            count="INTEGER",
            in_title="BOOLEAN",
            in_lead="BOOLEAN",
            salience="DOUBLE",
            relevance="VARCHAR",
            tone="DOUBLE",
            n_sentences="INTEGER",
            n_negative="INTEGER",
            n_positive="INTEGER",
        ),
        _t(
            "tone",
            ("article_id",),
            "Article tone in [-1, 1] from a lexicon method.",
            article_id="VARCHAR",
            tone="DOUBLE",
            positive="DOUBLE",
            negative="DOUBLE",
            method="VARCHAR",
        ),
        _t(
            "stories",
            ("article_id",),
            "Articles grouped into stories across outlets and languages.",
            article_id="VARCHAR",
            story_id="VARCHAR",
            representative="BOOLEAN",
        ),
        _t(
            "edges",
            ("as_of", "kind", "source", "target"),
            "Actor network edges in a window ending at as_of.",
            as_of="DATE",
            kind="VARCHAR",
            source="VARCHAR",
            target="VARCHAR",
            weight="DOUBLE",
            n_events="INTEGER",
            goldstein_mean="DOUBLE",
        ),
        _t(
            "counts",
            ("unique_id", "ds"),
            "Imported aggregate counts (e.g. GDELT monthly counts per code).",
            unique_id="VARCHAR",
            ds="TIMESTAMP",
            y="DOUBLE",
            source="VARCHAR",
        ),
        _t(
            "series",
            ("as_of", "unique_id", "ds"),
            "Long frame of every series as known at as_of.",
            as_of="DATE",
            unique_id="VARCHAR",
            ds="TIMESTAMP",
            y="DOUBLE",
        ),
        _t(
            "forecasts",
            ("as_of", "unique_id", "model", "ds"),
            "Probabilistic forecasts made at as_of.",
            as_of="DATE",
            unique_id="VARCHAR",
            model="VARCHAR",
            ds="TIMESTAMP",
            yhat="DOUBLE",
            q05="DOUBLE",
            q50="DOUBLE",
            q95="DOUBLE",
            p_exceed="DOUBLE",
            threshold="DOUBLE",
        ),
        _t(
            "anomalies",
            ("as_of", "unique_id", "ds", "detector"),
            "Detector scores per series and period.",
            as_of="DATE",
            unique_id="VARCHAR",
            ds="TIMESTAMP",
            detector="VARCHAR",
            y="DOUBLE",
            expected="DOUBLE",
            score="DOUBLE",
            is_anomaly="BOOLEAN",
        ),
        _t(
            "alerts",
            ("alert_id",),
            "Crisis alerts with lifecycle and evidence (JSON).",
            alert_id="VARCHAR",
            rule="VARCHAR",
            unique_id="VARCHAR",
            ds="TIMESTAMP",
            as_of="DATE",
            severity="VARCHAR",
            score="DOUBLE",
            title="VARCHAR",
            status="VARCHAR",
            evidence="JSON",
            created_at="TIMESTAMPTZ",
            updated_at="TIMESTAMPTZ",
            note="VARCHAR",
        ),
        _t(
            "outbox",
            ("alert_id", "channel"),
            "Delivery outbox: one row per alert and channel, sent at most once.",
            alert_id="VARCHAR",
            channel="VARCHAR",
            status="VARCHAR",
            attempts="INTEGER",
            payload="JSON",
            last_error="VARCHAR",
            created_at="TIMESTAMPTZ",
            next_attempt_at="TIMESTAMPTZ",
            sent_at="TIMESTAMPTZ",
        ),
        _t(
            "health",
            ("as_of", "check", "subject"),
            "Data-health checks per night (feed failure rate, silent sources, schema drift).",
            as_of="DATE",
            check="VARCHAR",
            subject="VARCHAR",
            value="DOUBLE",
            threshold="DOUBLE",
            status="VARCHAR",
            message="VARCHAR",
        ),
        _t(
            "users",
            ("username",),
            "Review-page accounts: argon2 password hashes, role (viewer/analyst/admin).",
            username="VARCHAR",
            display_name="VARCHAR",
            role="VARCHAR",
            password_hash="VARCHAR",
            disabled="BOOLEAN",
            created_at="TIMESTAMPTZ",
            updated_at="TIMESTAMPTZ",
            created_by="VARCHAR",
        ),
        _t(
            "audit",
            ("audit_id",),
            "Append-only log of every review action: who, role, when, what, before and after.",
            audit_id="VARCHAR",
            at="TIMESTAMPTZ",
            username="VARCHAR",
            role="VARCHAR",
            action="VARCHAR",
            alert_id="VARCHAR",
            subject="VARCHAR",
            before="VARCHAR",
            after="VARCHAR",
            comment="VARCHAR",
        ),
        _t(
            "briefs",
            ("as_of",),
            "The morning brief of each night (JSON: changes, top stories with summaries).",
            as_of="DATE",
            brief="JSON",
            created_at="TIMESTAMPTZ",
        ),
        _t(
            "rule_overrides",
            ("rule",),
            "Rule changes made on the review page: a rule switched off, or its threshold moved.",
            rule="VARCHAR",
            enabled="BOOLEAN",
            threshold="DOUBLE",
            updated_by="VARCHAR",
            updated_at="TIMESTAMPTZ",
        ),
        _t(
            "forecast_ledger",
            ("forecast_id",),
            "Every nightly forecast, written once and never overwritten (append-only).",
            forecast_id="VARCHAR",
            as_of="DATE",
            unique_id="VARCHAR",
            model="VARCHAR",
            model_version="VARCHAR",
            ds="TIMESTAMP",
            horizon="INTEGER",
            yhat="DOUBLE",
            q05="DOUBLE",
            q10="DOUBLE",
            q25="DOUBLE",
            q50="DOUBLE",
            q75="DOUBLE",
            q90="DOUBLE",
            q95="DOUBLE",
            p_exceed="DOUBLE",
            threshold="DOUBLE",
            recorded_at="TIMESTAMPTZ",
        ),
        _t(
            "forecast_scores",
            ("forecast_id",),
            "A ledger forecast scored once its truth arrived (append-only).",
            forecast_id="VARCHAR",
            resolved_as_of="DATE",
            y="DOUBLE",
            crps="DOUBLE",
            abs_error="DOUBLE",
            hit90="BOOLEAN",
            brier="DOUBLE",
        ),
        _t(
            "alert_ledger",
            ("alert_id",),
            "Every alert as first raised, with its rule version (append-only); rerun: first "
            "raised by a forced rerun of its night (at recorded_at, not on the night).",
            alert_id="VARCHAR",
            as_of="DATE",
            rule="VARCHAR",
            rule_version="VARCHAR",
            unique_id="VARCHAR",
            ds="TIMESTAMP",
            severity="VARCHAR",
            score="DOUBLE",
            recorded_at="TIMESTAMPTZ",
            rerun="BOOLEAN",
        ),
        _t(
            "alert_outcomes",
            ("alert_id",),
            "How a ledger alert turned out: confirmed or false, by later data or a reviewer.",
            alert_id="VARCHAR",
            resolved_as_of="DATE",
            outcome="VARCHAR",
            decided_by="VARCHAR",
            detail="VARCHAR",
        ),
        _t(
            "completeness",
            ("as_of", "level", "subject"),
            "Completeness ledger: expected vs observed volume per night and feed, outlet, "
            "language, country; degraded: some of its volume read in a degraded way.",
            as_of="DATE",
            level="VARCHAR",
            subject="VARCHAR",
            feeds="INTEGER",
            failed="INTEGER",
            observed="INTEGER",
            expected="DOUBLE",
            status="VARCHAR",
            message="VARCHAR",
            degraded="BOOLEAN",
        ),
        _t(
            "held_alerts",
            ("as_of", "alert_id"),
            "Alerts the data-health gate held back, with the reason and the sources at fault.",
            as_of="DATE",
            alert_id="VARCHAR",
            rule="VARCHAR",
            unique_id="VARCHAR",
            ds="TIMESTAMP",
            severity="VARCHAR",
            score="DOUBLE",
            title="VARCHAR",
            scope="VARCHAR",
            reason="VARCHAR",
            evidence="JSON",
        ),
        _t(
            "narratives",
            ("as_of", "country", "narrative_id"),
            "The focal country's narratives (stories naming it) in the week ending as_of.",
            as_of="DATE",
            country="VARCHAR",
            narrative_id="VARCHAR",
            title="VARCHAR",
            first_seen="TIMESTAMPTZ",
            last_seen="TIMESTAMPTZ",
            n_articles="INTEGER",
            languages="VARCHAR[]",
            source_countries="VARCHAR[]",
            outlets="VARCHAR[]",
            key_phrases_vi="VARCHAR[]",
            key_phrases_en="VARCHAR[]",
            status="VARCHAR",
            new_languages="VARCHAR[]",
            new_countries="VARCHAR[]",
            article_ids="VARCHAR[]",
        ),
        _t(
            "pickups",
            ("country", "statement_id", "article_id"),
            "Articles that carried an official statement of the focal country.",
            as_of="DATE",
            country="VARCHAR",
            statement_id="VARCHAR",
            article_id="VARCHAR",
            language="VARCHAR",
            source_country="VARCHAR",
            outlet="VARCHAR",
            latency_hours="DOUBLE",
            score="DOUBLE",
            signals="VARCHAR",
        ),
        _t(
            "runs",
            ("as_of", "stage"),
            "Which stage finished for which as_of, with its counts.",
            as_of="DATE",
            stage="VARCHAR",
            run_id="VARCHAR",
            status="VARCHAR",
            started_at="TIMESTAMPTZ",
            finished_at="TIMESTAMPTZ",
            rows="JSON",
            error="VARCHAR",
        ),
    ]
}

_PANDAS = {
    "VARCHAR": "object",
    "DATE": "datetime64[ns]",
    "TIMESTAMP": "datetime64[ns]",
    "TIMESTAMPTZ": "datetime64[ns, UTC]",
    "DOUBLE": "float64",
    "INTEGER": "Int64",
    "TINYINT": "Int8",
    "BOOLEAN": "boolean",
    "JSON": "object",
    "VARCHAR[]": "object",
    "BLOB": "object",
}


def empty_frame(table: str) -> pd.DataFrame:
    """An empty frame with the columns and dtypes of ``table``."""
    cols = TABLES[table].columns
    return pd.DataFrame({c: pd.Series(dtype=_PANDAS[t]) for c, t in cols.items()})


@cache
def _pandera_schema(table: str) -> pa.DataFrameSchema:
    spec = TABLES[table]
    columns = {c: pa.Column(nullable=c not in spec.key) for c in spec.columns}
    return pa.DataFrameSchema(columns, unique=list(spec.key), strict="filter", name=table)


def validate(frame: pd.DataFrame, table: str, *, stage: str = "") -> pd.DataFrame:
    """Check ``frame`` against ``table`` (pandera) and return it with columns in order.

    Missing columns, null keys and duplicate keys are errors; extra columns are dropped.

    Raises
    ------
    EarlywarnError
        If the frame breaks the contract of the table, naming the table and stage.

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"as_of": [None], "unique_id": ["a"], "ds": [pd.Timestamp("2024-01-01")], "y": [1.0]})
    >>> validate(f, "series")
    Traceback (most recent call last):
    ...
    earlywarn.errors.EarlywarnError: frame for table 'series' breaks its contract: ...
    """
    try:
        out = _pandera_schema(table).validate(frame.reset_index(drop=True))
    except (pa.errors.SchemaError, pa.errors.SchemaErrors) as exc:
        where = f" from stage '{stage}'" if stage else ""
        msg = str(exc).splitlines()[0]
        raise EarlywarnError(
            f"frame for table '{table}'{where} breaks its contract: {msg}"
        ) from None
    return out.loc[:, list(TABLES[table].columns)]
