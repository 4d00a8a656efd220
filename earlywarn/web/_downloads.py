"""Downloads of the review page: the inbox, an alert's evidence and the focal view as
CSV or Excel (:mod:`earlywarn.export`)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

import pandas as pd
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from earlywarn.export import (
    FORMATS,
    MEDIA_TYPES,
    evidence_table,
    focal_table,
    inbox_table,
    table_bytes,
)
from earlywarn.i18n import N_
from earlywarn.web._views import InboxQuery, inbox_rows

if TYPE_CHECKING:
    from earlywarn.web._app import Handler, _Web

__all__ = ["download_routes"]

_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_ISO3 = re.compile(r"^[A-Z]{3}$")


def _file(data: bytes, fmt: str, name: str) -> Response:
    return Response(
        data,
        media_type=MEDIA_TYPES[fmt],
        headers={
            "Content-Disposition": f'attachment; filename="{name}.{fmt}"',
            "Cache-Control": "no-store",
        },
    )


def download_routes(w: _Web, read: Callable[[Handler], Handler]) -> list[Route]:
    """``/export/inbox.{fmt}`` (the inbox's filters apply), ``/alerts/{id}/evidence.{fmt}``,
    ``/export/focal.{fmt}?country=VNM&days=30``; ``fmt`` is ``csv`` or ``xlsx``."""

    def _unknown(request: Request) -> Response:
        return w.error(request, 404, N_("No such download"), N_("Downloads are .csv or .xlsx."))

    async def inbox(request: Request) -> Response:
        fmt = request.path_params["fmt"]
        if fmt not in FORMATS:
            return _unknown(request)
        q = InboxQuery.parse(request.query_params)
        slim = await run_in_threadpool(w.gate.alerts)
        frame = await run_in_threadpool(w.gate.alerts_full)
        rows, _, _ = inbox_rows(slim, q)
        order = [r["id"] for r in rows]
        picked = frame.set_index("alert_id").loc[order].reset_index() if order else frame.head(0)
        table = inbox_table(picked, w.lang(request))
        data = await run_in_threadpool(table_bytes, {"alerts": table}, fmt)
        return _file(data, fmt, "earlywarn-inbox")

    async def evidence(request: Request) -> Response:
        alert_id, fmt = request.path_params["alert_id"], request.path_params["fmt"]
        if fmt not in FORMATS:
            return _unknown(request)
        row = pd.DataFrame()
        if _ID.match(alert_id):
            row, _ = await run_in_threadpool(w.gate.alert, alert_id)
        if row.empty:
            return w.error(
                request, 404, N_("No such alert"), N_("There is no such alert in the archive.")
            )
        tables = evidence_table({str(k): v for k, v in row.iloc[0].items()}, w.lang(request))
        data = await run_in_threadpool(table_bytes, tables, fmt)
        return _file(data, fmt, f"earlywarn-evidence-{alert_id}")

    async def focal(request: Request) -> Response:
        fmt = request.path_params["fmt"]
        if fmt not in FORMATS:
            return _unknown(request)
        country = str(request.query_params.get("country") or w.focal).upper()
        if not _ISO3.match(country):
            return w.error(
                request, 400, N_("Bad country"), N_("Give an ISO 3166 alpha-3 code such as VNM.")
            )
        try:
            days = min(max(int(request.query_params.get("days") or 0), 0), 3650)
        except ValueError:
            days = 0
        arts = await run_in_threadpool(w.gate.focal_articles, country, None)
        if days and not arts.empty:
            published = pd.to_datetime(arts["published"], utc=True)
            arts = arts[published >= published.max() - pd.Timedelta(days=days)]
        table = focal_table(arts, w.lang(request))
        data = await run_in_threadpool(table_bytes, {country: table}, fmt)
        return _file(data, fmt, f"earlywarn-focal-{country}")

    fmt = "{fmt:str}"
    return [
        Route(f"/export/inbox.{fmt}", read(inbox)),
        Route(f"/alerts/{{alert_id}}/evidence.{fmt}", read(evidence)),
        Route(f"/export/focal.{fmt}", read(focal)),
    ]
