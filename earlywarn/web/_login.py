"""Logging in and out, and picking the language (``/login``, ``/logout``, ``/lang/{code}``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from earlywarn.i18n import LOCALES, translations
from earlywarn.report import plain_text
from earlywarn.web._auth import LANG_COOKIE, safe_next

if TYPE_CHECKING:
    from earlywarn.web._app import _Web

__all__ = ["login_routes"]


def login_routes(w: _Web) -> list[Route]:
    """Routes of the login form, logout and the language switch (open to everyone)."""

    async def login_page(request: Request) -> Response:
        if w.auth.current(request) is not None:
            return RedirectResponse(safe_next(request.query_params.get("next")), status_code=303)
        has_users = await run_in_threadpool(w.auth.has_users)
        return w.page(
            request,
            "login.html.j2",
            title=w.t(request, "Log in"),
            next=safe_next(request.query_params.get("next")),
            problem="",
            username="",
            has_users=has_users,
        )

    async def login(request: Request) -> Response:
        form = await w.form(request)
        if isinstance(form, Response):
            return form
        username = form.get("username", "")[:64]
        user, wait = await run_in_threadpool(
            w.auth.login, request, username, form.get("password", "")
        )
        target = safe_next(form.get("next"))
        if user is not None:
            return RedirectResponse(target, status_code=303)
        if wait > 0:
            minutes = max(1, round(wait / 60))
            problem = translations(w.lang(request)).ngettext(
                "Too many failed logins. Try again in %(n)d minute.",
                "Too many failed logins. Try again in %(n)d minutes.",
                minutes,
            ) % {"n": minutes}
            status = 429
        else:
            problem = w.t(request, "Wrong user name or password, or the account is disabled.")
            status = 401
        resp = w.page(
            request,
            "login.html.j2",
            status,
            title=w.t(request, "Log in"),
            next=target,
            problem=problem,
            username=plain_text(username, 64),
            has_users=True,
        )
        if wait > 0:
            resp.headers["Retry-After"] = str(int(wait) + 1)
        return resp

    async def logout(request: Request) -> Response:
        form = await w.form(request)
        if isinstance(form, Response):
            return form
        request.session.clear()
        return RedirectResponse("/login", status_code=303)

    async def set_lang(request: Request) -> Response:
        code = request.path_params["code"]
        resp = RedirectResponse(safe_next(request.query_params.get("next")), status_code=303)
        if code in LOCALES:
            resp.set_cookie(
                LANG_COOKIE, code, max_age=365 * 86400, httponly=True, samesite="lax", path="/"
            )
        return resp

    return [
        Route("/login", login_page),
        Route("/login", login, methods=["POST"]),
        Route("/logout", logout, methods=["POST"]),
        Route("/lang/{code}", set_lang),
    ]
