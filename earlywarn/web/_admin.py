"""Administration on the review page (admins only): accounts (add, disable, enable, role)
and alert rules (switch off or on, move the threshold), each change in the audit log."""

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
    set_rule,
)

if TYPE_CHECKING:
    from earlywarn.web._app import Handler, _Web

__all__ = ["admin_routes"]

_RULE_DONE = {
    "disable": N_("Rule switched off."),
    "enable": N_("Rule switched on."),
    "threshold": N_("Threshold changed."),
}
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

    async def rules(request: Request, problem: str = "", status: int = 200) -> Response:
        from earlywarn.alerts import load_rules

        loaded = load_rules(w.rules)
        frame = await run_in_threadpool(
            w.gate.read,
            lambda a: a.table("rule_overrides") if a.has_table("rule_overrides") else None,
        )
        over = {} if frame is None else {str(r["rule"]): r for r in frame.to_dict("records")}
        rows = []
        for r in loaded:
            o = over.get(r.name, {})
            t = o.get("threshold")
            rows.append(
                {
                    "name": r.name,
                    "series": ", ".join((*r.kind, *r.event_class, *r.series)),
                    "detector": r.detector,
                    "threshold": r.threshold,
                    "override": None if t is None or t != t else float(t),
                    "enabled": o.get("enabled") is None or bool(o.get("enabled")),
                    "by": o.get("updated_by") or "",
                    "at": o.get("updated_at"),
                }
            )
        done = request.query_params.get("done", "")
        return w.page(
            request,
            "rules.html.j2",
            status,
            title=w.t(request, "Alert rules"),
            rules=rows,
            message=w.t(request, _RULE_DONE[done]) if done in _RULE_DONE else "",
            problem=problem,
        )

    async def change_rule(request: Request) -> Response:
        from earlywarn.alerts import load_rules
        from earlywarn.alerts.rules import MAX_SCORE

        form = await w.form(request)
        if isinstance(form, Response):
            return form
        me: User = request.state.user
        op = request.path_params["op"]
        name = form.get("rule", "")
        if op not in _RULE_DONE or name not in {r.name for r in load_rules(w.rules)}:
            return await rules(request, w.t(request, "Unknown rule or operation."), 400)
        threshold: float | None = None
        if op == "threshold":
            try:
                threshold = float(form.get("threshold", "").replace(",", "."))
            except ValueError:
                threshold = None
            if threshold is None or not 0 < threshold < MAX_SCORE:
                return await rules(request, w.t(request, "Give a threshold above 0."), 400)

        def apply(archive: Archive) -> None:
            set_rule(archive, name, op, threshold, by=me)

        await run_in_threadpool(w.gate.write, apply)
        return RedirectResponse(f"/admin/rules?done={op}", status_code=303)

    return [
        Route("/admin/rules", admin(rules)),
        Route("/admin/rules/{op}", admin(change_rule), methods=["POST"]),
        Route("/admin/users", admin(users)),
        Route("/admin/users", admin(change), methods=["POST"]),
        Route("/admin/users/{op}", admin(change), methods=["POST"]),
    ]
