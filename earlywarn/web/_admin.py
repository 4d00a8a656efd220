"""Account administration on the review page (admins only): add, disable, enable, role."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from earlywarn.errors import EarlywarnError, StoreError
from earlywarn.i18n import N_
from earlywarn.store import Archive
from earlywarn.web._accounts import (
    MIN_PASSWORD,
    ROLES,
    User,
    add_user,
    list_users,
    set_disabled,
    set_role,
)

if TYPE_CHECKING:
    from earlywarn.web._app import Handler, _Web

__all__ = ["admin_routes"]

_DONE = {
    "add": N_("Account created."),
    "disable": N_("Account disabled."),
    "enable": N_("Account enabled."),
    "role": N_("Role changed."),
}


def admin_routes(w: _Web, admin: Callable[[Handler], Handler]) -> list[Route]:
    """Routes of ``/admin/users``, each wrapped in the ``admin`` guard."""

    async def users(request: Request, problem: str = "", status: int = 200) -> Response:
        frame = await run_in_threadpool(
            w.gate.read, lambda a: list_users(a) if a.has_table("users") else None
        )
        rows: list[dict[Any, Any]] = [] if frame is None else frame.to_dict("records")
        done = request.query_params.get("done", "")
        return w.page(
            request,
            "users.html.j2",
            status,
            title=w.t(request, "Accounts"),
            users=rows,
            roles=ROLES,
            min_password=MIN_PASSWORD,
            message=w.t(request, _DONE[done]) if done in _DONE else "",
            problem=problem,
        )

    async def change(request: Request) -> Response:
        form = await w.form(request)
        if isinstance(form, Response):
            return form
        me: User = request.state.user
        op = request.path_params.get("op", "add")
        name = form.get("username", "")

        def apply(archive: Archive) -> None:
            if op == "add":
                add_user(
                    archive,
                    name,
                    form.get("password", ""),
                    role=form.get("role", "viewer"),
                    display_name=form.get("display_name", ""),
                    by=me,
                )
            elif op in ("disable", "enable"):
                if name == me.username:
                    raise EarlywarnError(w.t(request, "You cannot disable your own account."))
                set_disabled(archive, name, op == "disable", by=me)
            elif op == "role":
                if name == me.username:
                    raise EarlywarnError(w.t(request, "You cannot change your own role."))
                set_role(archive, name, form.get("role", ""), by=me)
            else:
                raise EarlywarnError(w.t(request, "Unknown account operation."))

        try:
            await run_in_threadpool(w.gate.write, apply)
        except StoreError:
            raise  # busy or read-only: the app's 503 page
        except EarlywarnError as exc:
            return await users(request, problem=str(exc), status=400)
        w.auth.forget(name.strip().lower())
        return RedirectResponse(f"/admin/users?done={op}", status_code=303)

    return [
        Route("/admin/users", admin(users)),
        Route("/admin/users", admin(change), methods=["POST"]),
        Route("/admin/users/{op}", admin(change), methods=["POST"]),
    ]
