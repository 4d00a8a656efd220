"""The review web app: alert inbox, evidence packs, lifecycle actions, focal view, search."""

from __future__ import annotations

import functools
import ipaddress
import re
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timezone
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, quote, urlencode

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
from earlywarn.alerts import SEVERITIES, acknowledge, comment, dismiss, reopen, resolve
from earlywarn.config import WebSettings
from earlywarn.errors import LockedError, SearchError, StoreError, UsageError
from earlywarn.export import FORMATS, MEDIA_TYPES, table_bytes
from earlywarn.focal.names import resolve_country
from earlywarn.focal.view import render_section
from earlywarn.i18n import LOCALES, N_, jinja_env, translations
from earlywarn.labels import country_name
from earlywarn.report import plain_text
from earlywarn.report.charts import evidence_figure, focal_figures
from earlywarn.stage import EARLIEST_NIGHT
from earlywarn.web._accounts import User
from earlywarn.web._auth import LANG_COOKIE, Auth, Sessions
from earlywarn.web._data import ArchiveGate
from earlywarn.web._search import SearchForm, export_frame, open_index, page_links, result_rows
from earlywarn.web._security import CSRF_COOKIE, Csrf, SecurityHeaders
from earlywarn.web._views import (
    LABELS,
    STATUS_FILTERS,
    InboxQuery,
    alert_view,
    archived_article,
    article_rows,
    audit_rows,
    inbox_rows,
)

if TYPE_CHECKING:
    from earlywarn.config import Settings

__all__ = ["create_app", "serve"]

log = get_logger(__name__)

RETRY_AFTER = 60
_OPEN = ("new", "reopened", "acknowledged")
_CLOSED = ("resolved", "dismissed")
#: action -> (lifecycle function, statuses it applies to; None: any)
_ACTIONS: dict[str, tuple[Callable[..., pd.DataFrame], tuple[str, ...] | None]] = {
    "acknowledge": (acknowledge, ("new", "reopened")),
    "resolve": (resolve, _OPEN),
    "dismiss": (dismiss, _OPEN),
    "reopen": (reopen, _CLOSED),
    "comment": (comment, None),
}
_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_ISO3 = re.compile(r"^[A-Z]{3}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _day(raw: str) -> str | None:
    """A night given as ``YYYY-MM-DD`` (``None`` if not given); ValueError if it is no date.

    The shape is not enough: 2018-02-30 or 0000-01-01 reached the archive queries and the
    page failed with an internal error (500).

    Examples
    --------
    >>> _day("2018-09-26"), _day("")
    ('2018-09-26', None)
    >>> _day("2018-02-30")
    Traceback (most recent call last):
    ...
    ValueError: day is out of range for month
    """
    if not raw:
        return None
    if not _DATE.match(raw):
        raise ValueError(f"not YYYY-MM-DD: {raw[:20]!r}")
    day = datetime.strptime(raw, "%Y-%m-%d").date()
    if day < EARLIEST_NIGHT:  # year 1 is a date, but no night the archive can hold
        raise ValueError(f"before {EARLIEST_NIGHT}: {raw}")
    return day.isoformat()


#: Network slices the review page offers: a day, a week, a month.
_WINDOWS = ("1D", "7D", "30D")
_MAX_FORM = 16_384
_MESSAGES = {
    "acknowledge": N_("Alert acknowledged."),
    "resolve": N_("Alert resolved."),
    "dismiss": N_("Alert dismissed."),
    "reopen": N_("Alert reopened."),
    "comment": N_("Comment added."),
    "why": N_("Write the comment before sending it."),
    "state": N_("That action does not apply to the alert's current status."),
}
Handler = Callable[[Request], Awaitable[Response]]


def _form(body: bytes) -> dict[str, str]:
    parsed = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
    return {k: v[0] for k, v in parsed.items() if v}


class _Web:
    """The handlers, bound to one archive and one template environment per language."""

    def __init__(
        self,
        archive_path: Path,
        read_only: bool,
        focal_country: str,
        locale: str,
        web: WebSettings,
        rules: Path | None = None,
    ) -> None:
        self.gate = ArchiveGate(archive_path, read_only=read_only)
        self.rules = rules
        self.index: Any = None  # the search index, opened on first search
        self.focal = focal_country
        self.locale = locale
        self.web = web
        self.csrf = Csrf()
        self.auth = Auth(self.gate, web)
        loader = jinja2.PackageLoader("earlywarn.web", "templates")
        self.envs = {
            loc: jinja_env(
                loader, loc, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True
            )
            for loc in LOCALES
        }
        for env in self.envs.values():
            env.globals["labels"] = LABELS

    # -- request context ---------------------------------------------------------
    def lang(self, request: Request) -> str:
        chosen = request.cookies.get(LANG_COOKIE, "")
        return chosen if chosen in LOCALES else self.locale

    def t(self, request: Request, message: str) -> str:
        return translations(self.lang(request)).gettext(message)

    def page(self, request: Request, name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
        locale = self.lang(request)
        nonce, fresh = self.csrf.nonce_for(request)
        user: User | None = getattr(request.state, "user", None)
        html = (
            self.envs[locale]
            .get_template(name)
            .render(
                version=__version__,
                archive=self.gate.path.name,
                read_only=self.gate.read_only,
                focal=self.focal,
                focal_name=country_name(self.focal, locale),
                user=user,
                csrf=self.csrf.token(nonce),
                here=request.url.path + (f"?{request.url.query}" if request.url.query else ""),
                locales=LOCALES,
                **ctx,
            )
        )
        resp = HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store"})
        if fresh:
            resp.set_cookie(CSRF_COOKIE, nonce, httponly=True, samesite="strict", path="/")
        return resp

    def error(self, request: Request, status: int, title: str, detail: str) -> HTMLResponse:
        return self.page(
            request,
            "error.html.j2",
            status,
            title=self.t(request, title),
            detail=self.t(request, detail),
        )

    async def form(self, request: Request) -> dict[str, str] | Response:
        """The POSTed form, or the error response (wrong type, too large, CSRF)."""
        ctype = request.headers.get("content-type", "").split(";")[0].strip()
        if ctype != "application/x-www-form-urlencoded":
            return self.error(
                request, 415, N_("Unsupported form"), N_("Send the form from the page.")
            )
        body = await request.body()
        if len(body) > _MAX_FORM:
            return self.error(
                request,
                413,
                N_("Form too large"),
                N_("Keep the text under a few thousand characters."),
            )
        form = _form(body)
        reason = self.csrf.check(request, form)
        if reason is not None:
            log.warning("refused POST %s: %s", request.url.path, reason)
            return self.page(
                request,
                "error.html.j2",
                403,
                title=self.t(request, "Request refused"),
                detail=self.t(request, reason),
            )
        return form

    # -- errors ----------------------------------------------------------------
    async def busy(self, request: Request, exc: Exception) -> Response:
        locked = isinstance(exc, LockedError)
        log.warning("archive unavailable for %s: %s", request.url.path, exc)
        headers = {"Retry-After": str(RETRY_AFTER), "Cache-Control": "no-store"}
        if request.url.path == "/healthz":
            body = {"status": "busy" if locked else "unavailable", "detail": str(exc)}
            return JSONResponse(body, status_code=503, headers=headers)
        resp = self.page(
            request,
            "busy.html.j2",
            503,
            title=self.t(request, N_("Archive busy") if locked else N_("Archive unavailable")),
            locked=locked,
            detail=plain_text(str(exc), 400),
            retry=RETRY_AFTER,
        )
        resp.headers.update(headers)
        return resp

    # -- pages -----------------------------------------------------------------
    async def inbox(self, request: Request) -> Response:
        q = InboxQuery.parse(request.query_params)
        frame = await run_in_threadpool(self.gate.alerts)
        health_gate = await run_in_threadpool(self.gate.gate)
        rows, counts, dates = inbox_rows(frame, q, self.lang(request))
        return self.page(
            request,
            "inbox.html.j2",
            title=self.t(request, "Alert inbox"),
            health_gate=health_gate,
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
            return self.error(
                request, 404, N_("No such alert"), N_("Alert ids are letters, digits, - and _.")
            )
        row, forecasts = await run_in_threadpool(self.gate.alert, alert_id)
        if row.empty:
            return self.error(
                request, 404, N_("No such alert"), N_("There is no such alert in the archive.")
            )
        view = alert_view(
            {str(k): v for k, v in row.iloc[0].items()}, forecasts, self.lang(request)
        )
        audit = await run_in_threadpool(self.gate.audit, alert_id)
        done = request.query_params.get("done", "")
        problem = request.query_params.get("error", "")
        status = view["status"]
        return self.page(
            request,
            "alert.html.j2",
            title=view["title"],
            a=view,
            chart=evidence_figure(view["evidence"], self.lang(request))
            if view["evidence"].get("series")
            else None,
            message=self.t(request, _MESSAGES[done]) if done in _MESSAGES else "",
            problem=self.t(request, _MESSAGES[problem]) if problem in _MESSAGES else "",
            audit=audit_rows(audit),
            possible=[
                name
                for name, (_, allowed) in _ACTIONS.items()
                if name != "comment" and (allowed is None or status in allowed)
            ],
        )

    async def article(self, request: Request) -> Response:
        """The archived copy of an article: what the archive stored, whatever became of the
        publisher's page (or of the replay server the demo collected it from)."""
        article_id = request.path_params["article_id"]
        row = (
            await run_in_threadpool(self.gate.article, article_id)
            if _ID.match(article_id)
            else pd.DataFrame()
        )
        if row.empty:
            return self.error(
                request, 404, N_("No such article"), N_("There is no such article in the archive.")
            )
        view = archived_article({str(k): v for k, v in row.iloc[0].items()}, self.lang(request))
        return self.page(request, "article.html.j2", title=view["title"], r=view)

    async def act(self, request: Request) -> Response:
        alert_id, action = request.path_params["alert_id"], request.path_params["action"]
        if self.gate.read_only:
            return self.error(
                request, 403, N_("Read-only"), N_("This review page was started read-only.")
            )
        if action not in _ACTIONS or not _ID.match(alert_id):
            return self.error(
                request,
                404,
                N_("No such action"),
                N_("Actions are acknowledge, resolve, dismiss, reopen and comment."),
            )
        form = await self.form(request)
        if isinstance(form, Response):
            return form
        user: User = request.state.user
        why = plain_text(form.get("why"), 500)
        target = f"/alerts/{quote(alert_id)}"
        if action == "comment" and not why:
            return RedirectResponse(f"{target}?error=why#actions", status_code=303)
        fn, allowed = _ACTIONS[action]
        now = datetime.now(timezone.utc)
        changed = await run_in_threadpool(
            self.gate.update_alert, alert_id, action, fn, user, why, now, allowed
        )
        if changed is None:
            return self.error(
                request, 404, N_("No such alert"), N_("There is no such alert in the archive.")
            )
        if allowed is not None and changed[0] == changed[1]:
            return RedirectResponse(f"{target}?error=state#actions", status_code=303)
        return RedirectResponse(f"{target}?done={action}", status_code=303)

    async def focal_view(self, request: Request) -> Response:
        country = str(request.query_params.get("country") or self.focal).strip()
        if not _ISO3.match(country.upper()):
            try:
                country = resolve_country(country)
            except UsageError:
                return self.error(
                    request,
                    400,
                    N_("Bad country"),
                    N_("Give an ISO 3166 alpha-3 code such as VNM or a country name."),
                )
        country = country.upper()
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
        lang = self.lang(request)
        view = await run_in_threadpool(self.gate.perception, country, days, lang)
        name = country_name(country, lang)
        by_lang = arts["language"].fillna("unknown").value_counts().to_dict() if len(arts) else {}
        outlets = (
            arts["outlet"].fillna("unknown").value_counts().head(12).to_dict() if len(arts) else {}
        )
        tone = pd.to_numeric(arts["tone"], errors="coerce") if len(arts) else pd.Series(dtype=float)
        return self.page(
            request,
            "focal.html.j2",
            title=f"{name}: " + self.t(request, "coverage"),
            country=country,
            country_name=name,
            days=days,
            n=len(arts),
            by_language={plain_text(k, 12): int(v) for k, v in by_lang.items()},
            outlets={plain_text(k, 60): int(v) for k, v in outlets.items()},
            mean_tone=float(tone.mean()) if tone.notna().any() else None,
            charts=focal_figures(arts, locale=self.lang(request)),
            latest=article_rows(arts.head(25).to_dict("records")),
            perception=render_section(view, lang) if view else None,
        )

    async def network_view(self, request: Request) -> Response:
        """The focal country's ego network in a window (1, 7 or 30 days) ending ``as_of``."""
        from earlywarn.network import ego_figure, ego_metrics, to_graph

        window = str(request.query_params.get("window") or "7D")
        try:
            raw = _day(request.query_params.get("as_of") or "")
        except ValueError:
            raw = "bad"
        if window not in _WINDOWS or raw == "bad":
            return self.error(
                request,
                400,
                N_("Bad period"),
                N_("Give a date YYYY-MM-DD and a window of 1D, 7D or 30D."),
            )
        edges, day = await run_in_threadpool(self.gate.network_slice, raw, window)
        lang = self.lang(request)
        ties: list[dict[str, Any]] = []
        fig = ego_figure(edges, self.focal, locale=lang) if not edges.empty else None
        if fig:
            m = ego_metrics(to_graph(edges, "all"), self.focal).head(25)
            col = "label_vi" if lang.startswith("vi") else "label_en"
            ties = [
                {
                    "name": plain_text(r[col], 80),
                    "kind": r["kind"],
                    "events": int(r["n_events"]),
                    "articles": int(r["n_articles"]),
                    "same": bool(r["same_community"]),
                }
                for r in m.to_dict("records")
            ]
        return self.page(
            request,
            "network.html.j2",
            title=self.t(request, "Network"),
            country=country_name(self.focal, lang),
            day=day or "",
            window=window,
            windows=_WINDOWS,
            chart=fig,
            ties=ties,
        )

    def _index(self) -> Any:
        if self.index is None:
            self.index = open_index(self.gate.path)
        return self.index

    async def search(self, request: Request) -> Response:
        form = SearchForm(request.query_params)
        langs = await run_in_threadpool(self.gate.languages)
        if form.values["lang"] and form.values["lang"] not in langs:
            form.values["lang"] = ""
            form.filters.pop("lang", None)
        rows: list[dict[str, Any]] = []
        total, pages, problem = 0, 1, ""
        if form.q and not form.errors:
            try:
                frame = await run_in_threadpool(lambda: form.run(self._index()))
            except SearchError as exc:
                problem = str(exc)
            else:
                rows, total, pages = result_rows(frame), frame.attrs["total"], frame.attrs["pages"]
        return self.page(
            request,
            "search.html.j2",
            status=400 if form.errors or problem else 200,
            title=self.t(request, "Search"),
            form=form,
            langs=langs,
            rows=rows,
            total=total,
            pages=pages,
            page_links=page_links(form.page, pages),
            problem=problem,
        )

    async def search_export(self, request: Request) -> Response:
        fmt = request.path_params["fmt"]
        form = SearchForm(request.query_params)
        if fmt not in FORMATS or not form.q or form.errors:
            return self.error(
                request, 400, N_("Bad export"), N_("Export a search: give q=... and csv or xlsx.")
            )
        try:
            frame = await run_in_threadpool(export_frame, form, self._index())
        except SearchError as exc:
            return self.error(request, 400, N_("Bad search"), str(exc))
        data = await run_in_threadpool(table_bytes, {"search": frame}, fmt)
        return Response(
            data,
            media_type=MEDIA_TYPES[fmt],
            headers={
                "Content-Disposition": f'attachment; filename="earlywarn-search.{fmt}"',
                "Cache-Control": "no-store",
            },
        )

    async def audit_log(self, request: Request) -> Response:
        audit = await run_in_threadpool(self.gate.audit, None, 1000)
        return self.page(
            request, "audit.html.j2", title=self.t(request, "Audit log"), audit=audit_rows(audit)
        )

    # -- guards ----------------------------------------------------------------
    def guard(self, perm: str) -> Callable[[Handler], Handler]:
        """Wrap a handler: find the user, send strangers to the login page, refuse (403)
        users whose role lacks ``perm`` (``read``, ``act``, ``admin``)."""

        def wrap(fn: Handler) -> Handler:
            @functools.wraps(fn)
            async def handler(request: Request) -> Response:
                user = await run_in_threadpool(self.auth.current, request)
                request.state.user = user
                if user is None:
                    if perm == "read" and self.web.anonymous_read:
                        return await fn(request)
                    if request.method == "GET":
                        here = request.url.path + (
                            f"?{request.url.query}" if request.url.query else ""
                        )
                        return RedirectResponse(
                            "/login?" + urlencode({"next": here}), status_code=303
                        )
                    return self.error(
                        request,
                        401,
                        N_("Log in first"),
                        N_("Your session has ended; log in again."),
                    )
                if not user.can(perm):
                    log.warning(
                        "%s (%s) refused %s %s",
                        user.username,
                        user.role,
                        request.method,
                        request.url.path,
                    )
                    return self.error(
                        request,
                        403,
                        N_("Not allowed"),
                        N_("Your role does not allow this; ask an administrator."),
                    )
                return await fn(request)

            return handler

        return wrap

    # -- plain files -----------------------------------------------------------
    async def brief(self, request: Request) -> Response:
        try:
            night = _day(str(request.query_params.get("as_of") or "")[:10])
        except ValueError:
            return self.error(request, 400, N_("Bad date"), N_("Give the night as YYYY-MM-DD."))
        day = date.fromisoformat(night) if night else None
        from earlywarn.brief import brief_section

        doc, nights = await run_in_threadpool(self.gate.brief, day, self.focal)
        return self.page(
            request,
            "brief.html.j2",
            title=self.t(request, "Morning brief"),
            nights=nights,
            as_of=doc["as_of"] if doc else "",
            section=brief_section(doc, locale=self.lang(request)) if doc else "",
        )

    async def track(self, request: Request) -> Response:
        """The ledger's track record: forecast skill per model, month and series next to the
        last-value forecast, alert outcomes per rule (the report's section)."""
        from earlywarn.report.track import track_section

        try:
            night = _day(str(request.query_params.get("as_of") or "")[:10])
        except ValueError:
            return self.error(request, 400, N_("Bad date"), N_("Give the night as YYYY-MM-DD."))
        record, day = await run_in_threadpool(self.gate.track, night)
        return self.page(
            request,
            "track.html.j2",
            title=self.t(request, "Track record"),
            as_of=day or "",
            section=track_section(record, locale=self.lang(request)),
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


def _migrate(path: Path) -> None:
    """Bring the archive's schema up to date (users, audit), unless the nightly job runs."""
    from earlywarn.store import Archive, archive_lock

    try:
        with archive_lock(path, 0.0), Archive(path, create=False):
            pass
    except LockedError as exc:
        log.warning("could not migrate %s now (%s); pages answer once the job ends", path, exc)


def create_app(
    archive_path: Path,
    *,
    read_only: bool = False,
    focal_country: str = "VNM",
    locale: str = "en",
    web: WebSettings | None = None,
    rules: Path | None = None,
) -> Starlette:
    """The review web app over the archive at ``archive_path``.

    Every page needs a login (``/login``; accounts from ``earlywarn users add``) unless
    ``web.anonymous_read`` lets strangers read. Viewers read, analysts also act on alerts,
    admins also see the audit log of everything (``/audit``). Pages: ``/`` (alert inbox:
    filter by ``status``, ``severity``, ``as_of``; ``sort`` by severity, score or date,
    ``dir`` asc/desc), ``/alerts/{alert_id}`` (evidence pack, history and audit log;
    POST ``/alerts/{alert_id}/acknowledge|resolve|dismiss|reopen|comment`` with ``why``
    and the form's ``csrf`` token, answered by a redirect), ``/focal?country=VNM``,
    ``/search?q=...`` (filters ``lang``, ``country``, ``mentions``, ``outlet``, ``since``,
    ``until``, ``events``; ``sort``, ``page``; ``/search/export.csv|xlsx`` the same),
    ``/brief?as_of=YYYY-MM-DD`` (the morning brief, printable),
    ``/track?as_of=YYYY-MM-DD`` (the ledger's track record: forecast skill per model, month
    and series next to the last-value forecast, alert outcomes per rule),
    ``/lang/vi`` or ``/lang/en`` (the language cookie) and
    ``/healthz`` (JSON). The archive is opened per request and closed at once; while the
    nightly job writes, pages answer 503 with Retry-After.

    Parameters
    ----------
    archive_path : Path
        The DuckDB archive (must exist).
    read_only : bool
        Hide and refuse the lifecycle actions.
    focal_country : str
        ISO3 code of the default focal country.
    locale : str
        Language for users who have not picked one (``en`` or ``vi``).
    web : WebSettings, optional
        Sessions, login limits and proxy trust (``Settings.web``).
    rules : Path, optional
        The alert rules file the nightly job uses (``Settings.rules``; None: the shipped
        rules), listed on ``/admin/rules`` where admins switch rules off and move thresholds.

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
    from earlywarn.store import check_archive_path

    path = Path(archive_path)
    check_archive_path(path)
    if not path.exists():
        raise StoreError(
            f"archive {path} does not exist; run `earlywarn demo` or `earlywarn nightly` "
            "first, or pass the right --archive"
        )
    if not _ISO3.match(focal_country):
        raise StoreError(f"focal_country must be an ISO3 code such as VNM, got {focal_country!r}")
    if locale not in LOCALES:
        raise StoreError(f"locale must be one of {', '.join(LOCALES)}, got {locale!r}")
    settings = web or WebSettings.model_validate({})
    if not read_only:
        _migrate(path)
    w = _Web(path, read_only, focal_country, locale, settings, rules)
    read, act, admin = w.guard("read"), w.guard("act"), w.guard("admin")
    from earlywarn.web._admin import admin_routes
    from earlywarn.web._downloads import download_routes
    from earlywarn.web._login import login_routes

    routes = [
        Route("/", read(w.inbox)),
        *download_routes(w, read),
        Route("/alerts/{alert_id}", read(w.alert)),
        Route("/alerts/{alert_id}/{action}", act(w.act), methods=["POST"]),
        Route("/articles/{article_id}", read(w.article)),
        Route("/focal", read(w.focal_view)),
        Route("/network", read(w.network_view)),
        Route("/search", read(w.search)),
        Route("/brief", read(w.brief)),
        Route("/track", read(w.track)),
        Route("/search/export.{fmt}", read(w.search_export)),
        Route("/audit", admin(w.audit_log)),
        *admin_routes(w, admin),
        *login_routes(w),
        Route("/healthz", w.healthz),
        Route("/static/plotly.min.js", w.plotly_js),
        Route("/favicon.ico", lambda request: Response(status_code=204)),
        Mount(
            "/static",
            StaticFiles(packages=[("earlywarn.web", "static"), ("earlywarn.report", "static")]),
            name="static",
        ),
    ]
    return Starlette(
        routes=routes,
        middleware=[
            Middleware(SecurityHeaders),
            Middleware(Sessions, secret=w.auth.secret, max_age=int(settings.session_hours * 3600)),
        ],
        exception_handlers={StoreError: w.busy},
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

    Every page needs a login (``earlywarn users add``). Off loopback, serve it over https
    (a TLS-terminating reverse proxy): the session cookie is then marked Secure.
    """
    import uvicorn

    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    if not loopback:
        log.warning(
            "serving on %s: put the page behind a TLS-terminating reverse proxy so that "
            "passwords and session cookies never cross the network in clear",
            host,
        )
    app = create_app(
        settings.archive,
        read_only=read_only,
        focal_country=settings.focal_country,
        locale=settings.locale,
        web=settings.web,
        rules=settings.rules,
    )
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level=log_level,
        server_header=False,
        proxy_headers=True,
        forwarded_allow_ips=",".join(settings.web.proxy_trusted),
    )
