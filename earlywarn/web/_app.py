"""The review web app: alert inbox, evidence packs, lifecycle actions, focal view, search."""

from __future__ import annotations

import ipaddress
import re
from datetime import datetime, timezone
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, quote

import jinja2
import pandas as pd
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from earlywarn import __version__
from earlywarn._log import get_logger
from earlywarn.alerts import SEVERITIES, acknowledge, dismiss, resolve
from earlywarn.errors import LockedError, StoreError
from earlywarn.labels import country_name
from earlywarn.report import plain_text
from earlywarn.report.charts import evidence_figure, focal_figures
from earlywarn.web._data import ArchiveGate, fold_text, search_terms
from earlywarn.web._security import CSRF_COOKIE, Csrf, SecurityHeaders
from earlywarn.web._views import (
    STATUS_FILTERS,
    InboxQuery,
    alert_view,
    article_rows,
    inbox_rows,
    snippet,
)

if TYPE_CHECKING:
    from earlywarn.config import Settings

__all__ = ["create_app", "serve"]

log = get_logger(__name__)

RETRY_AFTER = 60
_ACTIONS = {"acknowledge": acknowledge, "resolve": resolve, "dismiss": dismiss}
_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_ISO3 = re.compile(r"^[A-Z]{3}$")
_MAX_FORM = 16_384
_MESSAGES = {
    "acknowledge": "Alert acknowledged.",
    "resolve": "Alert resolved.",
    "dismiss": "Alert dismissed.",
    "who": "Say who you are (the name field) before changing an alert.",
}


class _Web:
    """The handlers, bound to one archive and one template environment."""

    def __init__(self, archive_path: Path, read_only: bool, focal_country: str) -> None:
        self.gate = ArchiveGate(archive_path, read_only=read_only)
        self.focal = focal_country
        self.csrf = Csrf()
        self.env = jinja2.Environment(
            loader=jinja2.PackageLoader("earlywarn.web", "templates"),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )

    def page(self, name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
        html = self.env.get_template(name).render(
            version=__version__,
            archive=self.gate.path.name,
            read_only=self.gate.read_only,
            focal=self.focal,
            focal_name=country_name(self.focal),
            **ctx,
        )
        return HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store"})

    # -- errors ----------------------------------------------------------------
    async def busy(self, request: Request, exc: Exception) -> Response:
        locked = isinstance(exc, LockedError)
        log.warning("archive unavailable for %s: %s", request.url.path, exc)
        headers = {"Retry-After": str(RETRY_AFTER), "Cache-Control": "no-store"}
        if request.url.path == "/healthz":
            body = {"status": "busy" if locked else "unavailable", "detail": str(exc)}
            return JSONResponse(body, status_code=503, headers=headers)
        resp = self.page(
            "busy.html.j2",
            503,
            title="Archive busy" if locked else "Archive unavailable",
            locked=locked,
            detail=plain_text(str(exc), 400),
            retry=RETRY_AFTER,
        )
        resp.headers.update(headers)
        return resp

    def error(self, status: int, title: str, detail: str) -> HTMLResponse:
        return self.page("error.html.j2", status, title=title, detail=detail)

    # -- pages -----------------------------------------------------------------
    async def inbox(self, request: Request) -> Response:
        q = InboxQuery.parse(request.query_params)
        frame = await run_in_threadpool(self.gate.alerts)
        rows, counts, dates = inbox_rows(frame, q)
        return self.page(
            "inbox.html.j2",
            title="Alert inbox",
            q=q,
            rows=rows,
            counts=counts,
            dates=dates,
            total=len(frame),
            statuses=STATUS_FILTERS,
            severities=SEVERITIES,
        )

    async def alert(self, request: Request) -> Response:
        alert_id = request.path_params["alert_id"]
        if not _ID.match(alert_id):
            return self.error(404, "No such alert", "Alert ids are letters, digits, - and _.")
        row, forecasts = await run_in_threadpool(self.gate.alert, alert_id)
        if row.empty:
            return self.error(404, "No such alert", f"There is no alert {alert_id} in the archive.")
        view = alert_view({str(k): v for k, v in row.iloc[0].items()}, forecasts)
        nonce, fresh = self.csrf.nonce_for(request)
        message = _MESSAGES.get(request.query_params.get("done", ""), "")
        problem = _MESSAGES.get(request.query_params.get("error", ""), "")
        resp = self.page(
            "alert.html.j2",
            title=view["title"],
            a=view,
            chart=evidence_figure(view["evidence"]) if view["evidence"].get("series") else None,
            csrf=self.csrf.token(nonce),
            message=message,
            problem=problem,
        )
        if fresh:
            resp.set_cookie(CSRF_COOKIE, nonce, httponly=True, samesite="strict", path="/")
        return resp

    async def act(self, request: Request) -> Response:
        alert_id, action = request.path_params["alert_id"], request.path_params["action"]
        if self.gate.read_only:
            return self.error(403, "Read-only", "This review page was started read-only.")
        if action not in _ACTIONS or not _ID.match(alert_id):
            return self.error(404, "No such action", "Actions are acknowledge, resolve, dismiss.")
        ctype = request.headers.get("content-type", "").split(";")[0].strip()
        if ctype != "application/x-www-form-urlencoded":
            return self.error(415, "Unsupported form", "Send the form from the alert page.")
        body = await request.body()
        if len(body) > _MAX_FORM:
            return self.error(
                413, "Form too large", "Keep the reason under a few thousand characters."
            )
        parsed = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
        form = {k: v[0] for k, v in parsed.items() if v}
        reason = self.csrf.check(request, form)
        if reason is not None:
            log.warning("refused %s of %s: %s", action, alert_id, reason)
            return self.error(403, "Request refused", reason)
        who = plain_text(form.get("who"), 80)
        why = plain_text(form.get("why"), 500)
        target = f"/alerts/{quote(alert_id)}"
        if not who:
            return RedirectResponse(f"{target}?error=who#actions", status_code=303)
        now = datetime.now(timezone.utc)
        updated = await run_in_threadpool(
            self.gate.update_alert, alert_id, _ACTIONS[action], who, why, now
        )
        if updated is None:
            return self.error(404, "No such alert", f"There is no alert {alert_id} in the archive.")
        return RedirectResponse(f"{target}?done={action}", status_code=303)

    async def focal_view(self, request: Request) -> Response:
        country = str(request.query_params.get("country") or self.focal).upper()
        if not _ISO3.match(country):
            return self.error(400, "Bad country", "Give an ISO 3166 alpha-3 code such as VNM.")
        try:
            days = min(max(int(request.query_params.get("days") or 0), 0), 3650)
        except ValueError:
            days = 0
        arts = await run_in_threadpool(self.gate.focal_articles, country, None)
        if days and not arts.empty:
            newest = pd.to_datetime(arts["published"], utc=True).max()
            arts = arts[
                pd.to_datetime(arts["published"], utc=True) >= newest - pd.Timedelta(days=days)
            ]
        name = country_name(country)
        by_lang = arts["language"].fillna("unknown").value_counts().to_dict() if len(arts) else {}
        outlets = (
            arts["outlet"].fillna("unknown").value_counts().head(12).to_dict() if len(arts) else {}
        )
        tone = pd.to_numeric(arts["tone"], errors="coerce") if len(arts) else pd.Series(dtype=float)
        return self.page(
            "focal.html.j2",
            title=f"{name}: coverage",
            country=country,
            country_name=name,
            days=days,
            n=len(arts),
            by_language={plain_text(k, 12): int(v) for k, v in by_lang.items()},
            outlets={plain_text(k, 60): int(v) for k, v in outlets.items()},
            mean_tone=float(tone.mean()) if tone.notna().any() else None,
            charts=focal_figures(arts),
            latest=article_rows(arts.head(25).to_dict("records")),
        )

    async def search(self, request: Request) -> Response:
        q = str(request.query_params.get("q") or "")[:200].strip()
        lang = str(request.query_params.get("lang") or "")[:12]
        langs = await run_in_threadpool(self.gate.languages)
        lang = lang if lang in langs else ""
        rows: list[dict[str, Any]] = []
        total = 0
        if q:
            frame, total = await run_in_threadpool(self.gate.search, q, lang or None, 50)
            terms = [fold_text(t) for t in search_terms(q)[0]]
            recs = frame.to_dict("records")
            for rec in recs:
                rec["snippet"] = snippet(
                    f"{rec.get('summary') or ''} {rec.get('text') or ''}", terms
                )
            rows = article_rows(recs)
        return self.page(
            "search.html.j2", title="Search", q=q, lang=lang, langs=langs, rows=rows, total=total
        )

    async def healthz(self, request: Request) -> Response:
        info = await run_in_threadpool(self.gate.health)
        return JSONResponse(
            {"status": "ok", "version": __version__, "read_only": self.gate.read_only, **info},
            headers={"Cache-Control": "no-store"},
        )

    async def plotly_js(self, request: Request) -> Response:
        path = files("plotly").joinpath("package_data", "plotly.min.js")
        return FileResponse(
            str(path),
            media_type="text/javascript",
            headers={"Cache-Control": "public, max-age=86400"},
        )


def create_app(
    archive_path: Path, *, read_only: bool = False, focal_country: str = "VNM"
) -> Starlette:
    """The review web app over the archive at ``archive_path``.

    Pages: ``/`` (alert inbox: filter by ``status``, ``severity``, ``as_of``; ``sort`` by
    severity, score or date, ``dir`` asc/desc), ``/alerts/{alert_id}`` (evidence pack and
    lifecycle history; POST ``/alerts/{alert_id}/acknowledge|resolve|dismiss`` with ``who``,
    ``why`` and the form's ``csrf`` token, answered by a redirect), ``/focal?country=VNM``,
    ``/search?q=...&lang=...`` and ``/healthz`` (JSON). The archive is opened per request
    and closed at once; while the nightly job writes, pages answer 503 with Retry-After.

    Parameters
    ----------
    archive_path : Path
        The DuckDB archive (must exist).
    read_only : bool
        Hide and refuse the lifecycle actions.
    focal_country : str
        ISO3 code of the default focal country.

    Raises
    ------
    StoreError
        If the archive file does not exist.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> create_app(Path(tempfile.mkdtemp()) / "missing.duckdb")
    Traceback (most recent call last):
    ...
    earlywarn.errors.StoreError: archive ... does not exist; ...
    """
    path = Path(archive_path)
    if not path.is_file():
        raise StoreError(
            f"archive {path} does not exist; run `earlywarn demo` or `earlywarn nightly` "
            "first, or pass the right --archive"
        )
    if not _ISO3.match(focal_country):
        raise StoreError(f"focal_country must be an ISO3 code such as VNM, got {focal_country!r}")
    web = _Web(path, read_only, focal_country)
    routes = [
        Route("/", web.inbox),
        Route("/alerts/{alert_id}", web.alert),
        Route("/alerts/{alert_id}/{action}", web.act, methods=["POST"]),
        Route("/focal", web.focal_view),
        Route("/search", web.search),
        Route("/healthz", web.healthz),
        Route("/static/plotly.min.js", web.plotly_js),
        Route("/favicon.ico", lambda request: Response(status_code=204)),
        Mount(
            "/static",
            StaticFiles(packages=[("earlywarn.web", "static"), ("earlywarn.report", "static")]),
            name="static",
        ),
    ]
    return Starlette(
        routes=routes,
        middleware=[Middleware(SecurityHeaders)],
        exception_handlers={StoreError: web.busy},
    )


def serve(
    settings: Settings,
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    read_only: bool = False,
    log_level: str = "info",
) -> None:
    """Run the review page with uvicorn until interrupted (``earlywarn serve``).

    The page has no login: the name in the action form is self-declared. Keep ``host``
    on loopback, or put it behind a reverse proxy that authenticates.
    """
    import uvicorn

    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    if not loopback:
        log.warning(
            "serving on %s: the review page has no login; anyone who reaches it can change "
            "alerts. Put it behind an authenticating reverse proxy.",
            host,
        )
    app = create_app(settings.archive, read_only=read_only, focal_country=settings.focal_country)
    uvicorn.run(app, host=host, port=port, log_level=log_level, server_header=False)
