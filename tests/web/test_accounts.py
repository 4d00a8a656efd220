"""Accounts of the review page: login, roles, disabled users, rate limiting, proxy header,
and the ``earlywarn users`` command (real archive, real argon2, real session cookies)."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from earlywarn.config import WebSettings, load_settings
from earlywarn.store import Archive
from earlywarn.web import create_app
from earlywarn.web._accounts import AccountError, add_user, can, list_users, set_disabled
from earlywarn.web._ratelimit import LoginLimiter
from tests.web.accounts import ORIGIN, form_token, login
from tests.web.archive import USERS


def app_client(
    path: Path, client: tuple[str, int] = ("testclient", 50000), **web: Any
) -> TestClient:
    app = create_app(path, web=WebSettings.model_validate(web))
    return TestClient(app, follow_redirects=False, client=client)


def act(c: TestClient, alert_id: str, action: str = "acknowledge") -> int:
    token = form_token(c, f"/alerts/{alert_id}")
    resp = c.post(
        f"/alerts/{alert_id}/{action}", data={"csrf": token, "why": "x"}, headers={"origin": ORIGIN}
    )
    return resp.status_code


def test_roles_decide_what_a_user_may_do(archive: Path, facts: dict[str, Any]) -> None:
    aid = facts["vn_alert"]
    viewer = app_client(archive)
    assert login(viewer, "minh") == 303
    page = viewer.get(f"/alerts/{aid}")
    assert page.status_code == 200 and 'id="viewer-note"' in page.text
    assert 'formaction="/alerts' not in page.text  # no action buttons for a viewer
    assert act(viewer, aid) == 403
    assert viewer.get("/audit").status_code == 403
    assert viewer.get("/admin/users").status_code == 403
    analyst = app_client(archive)
    assert login(analyst, "lan") == 303
    assert analyst.get("/admin/users").status_code == 403
    assert act(analyst, aid) == 303
    admin = app_client(archive)
    assert login(admin, "root") == 303
    log = admin.get("/audit")
    assert log.status_code == 200 and re.search(r"<td>lan <span[^>]*>\(analyst\)", log.text)
    with Archive(archive, read_only=True) as a:
        row = a.query("SELECT status FROM alerts WHERE alert_id = ?", [aid])
    assert row["status"].iloc[0] == "acknowledged"
    assert [can(r, "act") for r in ("viewer", "analyst", "admin", "root")] == [
        False,
        True,
        True,
        False,
    ]


def test_admin_manages_accounts_on_the_page(archive: Path) -> None:
    admin = app_client(archive)
    same_app = admin.app
    assert login(admin, "root") == 303
    token = form_token(admin, "/admin/users")
    h = {"origin": ORIGIN}
    new = {"csrf": token, "username": "Hoa", "display_name": "Lê Hoa", "role": "analyst"}
    short = admin.post("/admin/users/add", data={**new, "password": "short"}, headers=h)
    assert short.status_code == 400 and "at least 10 characters" in short.text
    made = admin.post("/admin/users/add", data={**new, "password": "hoa-password-1"}, headers=h)
    assert made.status_code == 303
    hoa = TestClient(same_app, follow_redirects=False)
    assert login(hoa, "hoa", "hoa-password-1") == 303
    assert hoa.get("/").status_code == 200
    # disabling ends the running session at once (within the few seconds' cache)
    self_off = admin.post(
        "/admin/users/disable", data={"csrf": token, "username": "root"}, headers=h
    )
    assert self_off.status_code == 400
    off = admin.post("/admin/users/disable", data={"csrf": token, "username": "hoa"}, headers=h)
    assert off.status_code == 303
    assert hoa.get("/").status_code == 303  # logged out: back to the login page
    assert login(app_client(archive), "hoa", "hoa-password-1") == 401
    role = admin.post(
        "/admin/users/role", data={"csrf": token, "username": "minh", "role": "analyst"}, headers=h
    )
    assert role.status_code == 303
    with Archive(archive, read_only=True) as a:
        users = list_users(a).set_index("username")
        audit = a.query('SELECT action, subject, username FROM audit ORDER BY "at"')
    assert "password_hash" not in users.columns
    assert users.loc["hoa", "disabled"] and users.loc["minh", "role"] == "analyst"
    assert audit.values.tolist() == [
        ["user.add", "lan", "cli"],
        ["user.add", "minh", "cli"],
        ["user.add", "root", "cli"],
        ["user.add", "old", "cli"],
        ["user.disable", "old", "cli"],
        ["user.add", "hoa", "root"],
        ["user.disable", "hoa", "root"],
        ["user.role", "minh", "root"],
    ]


def test_disabled_and_wrong_passwords_cannot_log_in(archive: Path) -> None:
    c = app_client(archive)
    assert login(c, "old") == 401  # the right password of a disabled account
    assert login(c, "lan", "not-the-password") == 401
    assert login(c, "nobody", "whatever-password") == 401
    assert "ew_session" not in c.cookies
    page = c.get("/login")
    assert "Wrong user name or password" not in page.text
    ok = app_client(archive)
    assert login(ok, "lan") == 303
    cookie = ok.cookies.get("ew_session")
    assert cookie
    # a session of a user disabled afterwards is refused by a fresh app (no cache)
    with Archive(archive) as a:
        set_disabled(a, "lan", True)
    later = app_client(archive)
    later.cookies.set("ew_session", cookie)
    assert later.get("/").status_code == 303


def test_session_cookie_flags(archive: Path) -> None:
    c = app_client(archive)
    token = form_token(c, "/login")
    resp = c.post(
        "/login",
        data={"csrf": token, "username": "lan", "password": USERS["lan"][0], "next": "//evil/"},
        headers={"origin": ORIGIN},
    )
    assert resp.status_code == 303 and resp.headers["location"] == "/"  # no open redirect
    flags = resp.headers["set-cookie"].lower()
    assert "ew_session=" in flags and "httponly" in flags and "samesite=lax" in flags
    assert "secure" not in flags  # plain http on loopback
    https = TestClient(
        create_app(archive),
        base_url="https://testserver",
        follow_redirects=False,
    )
    token = form_token(https, "/login")
    sec = https.post(
        "/login",
        data={"csrf": token, "username": "lan", "password": USERS["lan"][0]},
        headers={"origin": "https://testserver"},
    )
    assert sec.status_code == 303 and "secure" in sec.headers["set-cookie"].lower()
    # logging out needs the form's token and ends the session
    out = https.post("/logout", data={"csrf": token}, headers={"origin": "https://testserver"})
    assert out.status_code == 303 and https.get("/").status_code == 303


def test_rate_limit_locks_out_a_user_name_and_an_address(archive: Path) -> None:
    c = app_client(archive, login_max_failures=3, login_max_failures_per_address=5)
    for _ in range(3):
        assert login(c, "lan", "guess-guess-guess") == 401
    locked = c.post(
        "/login",
        data={"csrf": form_token(c, "/login"), "username": "lan", "password": USERS["lan"][0]},
        headers={"origin": ORIGIN},
    )
    assert locked.status_code == 429 and int(locked.headers["retry-after"]) > 800
    assert "Too many failed logins. Try again in 15 minutes." in locked.text
    # another user name from the same address still may, until the address is locked out
    assert login(c, "minh", "guess-guess-guess") == 401
    assert login(c, "minh", "guess-guess-guess") == 401
    assert login(c, "minh") == 429
    other = app_client(archive, client=("203.0.113.9", 40000), login_max_failures=3)
    assert login(other, "minh") == 303


def test_limiter_window_and_success_reset() -> None:
    now = [0.0]
    lim = LoginLimiter(
        max_failures=3, max_per_address=10, window=60, lockout=120, clock=lambda: now[0]
    )
    lim.failed("Lan", "a")
    lim.failed("lan", "a")
    now[0] = 61.0  # the first two fall out of the window
    lim.failed("lan", "b")
    assert lim.retry_after("lan", "c") == 0.0
    lim.failed("lan", "b")
    lim.succeeded("LAN")  # a good login forgets the name's failures
    lim.failed("lan", "b")
    assert lim.retry_after("lan", "c") == 0.0
    lim.failed("lan", "b")
    lim.failed("lan", "b")
    assert lim.retry_after("lan", "c") == 120.0
    now[0] = 200.0
    assert lim.retry_after("lan", "c") == 0.0


def test_proxy_header_is_ignored_unless_configured(archive: Path) -> None:
    loop = ("127.0.0.1", 50000)
    off = app_client(archive, client=loop)
    assert off.get("/", headers={"X-Remote-User": "root"}).status_code == 303  # default: ignored
    on = app_client(archive, client=loop, proxy_user_header="X-Remote-User")
    page = on.get("/", headers={"X-Remote-User": "Lan"})
    assert page.status_code == 200 and 'id="whoami"' in page.text and "Nguyễn Thị Lan" in page.text
    assert on.get("/", headers={"X-Remote-User": "old"}).status_code == 303  # disabled
    assert on.get("/", headers={"X-Remote-User": "stranger"}).status_code == 303  # unknown
    outside = app_client(archive, client=("198.51.100.7", 50000), proxy_user_header="X-Remote-User")
    assert outside.get("/", headers={"X-Remote-User": "lan"}).status_code == 303  # untrusted peer
    assert WebSettings().proxy_user_header == "" and WebSettings().anonymous_read is False


def test_anonymous_read_when_allowed_but_never_write(archive: Path, facts: dict[str, Any]) -> None:
    c = app_client(archive, anonymous_read=True)
    assert c.get("/").status_code == 200
    page = c.get(f"/alerts/{facts['vn_alert']}")
    assert page.status_code == 200 and 'formaction="/alerts' not in page.text
    token = form_token(c, "/login")
    resp = c.post(
        f"/alerts/{facts['vn_alert']}/acknowledge",
        data={"csrf": token},
        headers={"origin": ORIGIN},
    )
    assert resp.status_code == 401
    assert c.get("/audit").status_code == 303


def test_account_rules(tmp_path: Path) -> None:
    with Archive(tmp_path / "a.duckdb") as a:
        add_user(a, "Lan", "long-enough-1", role="analyst")
        with pytest.raises(AccountError, match="exists"):
            add_user(a, "lan", "long-enough-2")
        with pytest.raises(AccountError, match="at least 10"):
            add_user(a, "hoa", "short")
        with pytest.raises(AccountError, match="user name"):
            add_user(a, "hoa nguyen", "long-enough-2")
        with pytest.raises(AccountError, match="no user"):
            set_disabled(a, "nobody")
        stored = a.query("SELECT password_hash FROM users")["password_hash"].iloc[0]
    assert stored.startswith("$argon2id$") and "long-enough-1" not in stored


def _cli(args: list[str], archive: Path, stdin: str = "") -> Any:
    from typer.testing import CliRunner

    from earlywarn.cli import app

    # stdin is not a terminal here: the password is its first line, as from a pipe
    logger = logging.getLogger("earlywarn")
    saved = (list(logger.handlers), logger.level, logger.propagate)
    try:
        return CliRunner().invoke(app, ["--archive", str(archive), "users", *args], input=stdin)
    finally:  # the CLI configures logging for its process; give pytest's back
        logger.handlers[:] = saved[0]
        logger.setLevel(saved[1])
        logger.propagate = saved[2]


def test_users_command(tmp_path: Path) -> None:
    path = tmp_path / "new.duckdb"
    added = _cli(["add", "thu", "--role", "admin", "--name", "Phạm Thu"], path, "thu-password-9\n")
    assert added.exit_code == 0, added.output
    assert "thu-password-9" not in added.output
    again = _cli(["add", "thu"], path, "thu-password-9\n")
    assert again.exit_code == 65 and "exists" in again.output
    short = _cli(["add", "vy"], path, "short\n")
    assert short.exit_code == 65 and "at least 10" in short.output
    assert _cli(["add", "vy", "--role", "boss"], path, "vy-password-99\n").exit_code == 78
    listed = _cli(["list"], path)
    assert listed.exit_code == 0 and re.search(r"thu\s+Phạm Thu\s+admin\s+active", listed.output)
    assert "argon2" not in listed.output
    assert _cli(["disable", "thu"], path).exit_code == 0
    assert re.search(r"thu .* disabled", _cli(["list"], path).output)
    assert _cli(["disable", "nobody"], path).exit_code == 65
    c = TestClient(create_app(path), follow_redirects=False)
    assert "earlywarn users add NAME --role admin" in c.get("/login").text  # no enabled account
    assert _cli(["enable", "thu"], path).exit_code == 0
    assert (
        login(TestClient(create_app(path), follow_redirects=False), "thu", "thu-password-9") == 303
    )


def test_settings_read_web_section(tmp_path: Path) -> None:
    cfg = tmp_path / "earlywarn.toml"
    cfg.write_text('locale = "vi"\n[web]\nproxy_user_header = "X-Remote-User"\n', "utf-8")
    s = load_settings(cfg, environ={"EARLYWARN_WEB__PROXY_TRUSTED": "10.0.0.0/8,::1"})
    assert s.locale == "vi" and s.web.proxy_user_header == "X-Remote-User"
    assert s.web.proxy_trusted == ["10.0.0.0/8", "::1"]
    assert load_settings(environ={}).locale == "en"


def test_admin_changes_rules_with_audit(archive: Path) -> None:
    from earlywarn.alerts import load_rules
    from earlywarn.alerts.rules import apply_overrides

    analyst = app_client(archive)
    assert login(analyst, "lan") == 303
    assert analyst.get("/admin/rules").status_code == 403
    admin = app_client(archive)
    assert login(admin, "root") == 303
    page = admin.get("/admin/rules")
    first = load_rules()[0]
    assert page.status_code == 200 and f'data-rule="{first.name}"' in page.text
    token = form_token(admin, "/admin/rules")
    h = {"origin": ORIGIN}
    off = admin.post("/admin/rules/disable", data={"csrf": token, "rule": first.name}, headers=h)
    assert off.status_code == 303
    second = load_rules()[1]
    moved = admin.post(
        "/admin/rules/threshold",
        data={"csrf": token, "rule": second.name, "threshold": "4,5"},
        headers=h,
    )
    assert moved.status_code == 303
    bad = admin.post(
        "/admin/rules/threshold", data={"csrf": token, "rule": "nope", "threshold": "2"}, headers=h
    )
    assert bad.status_code == 400
    with Archive(archive, read_only=True) as a:
        overrides = a.table("rule_overrides")
        audit = a.query(
            "SELECT action, subject, before, after, username FROM audit "
            "WHERE action LIKE 'rule.%' ORDER BY \"at\""
        )
    audit = audit.astype(object).where(audit.notna(), None)
    assert audit.values.tolist() == [
        ["rule.disable", first.name, "enabled", "disabled", "root"],
        ["rule.threshold", second.name, None, "4.5", "root"],
    ]
    rules = apply_overrides(load_rules(), overrides)  # what the next alerts stage uses
    assert first.name not in [r.name for r in rules]
    assert next(r for r in rules if r.name == second.name).threshold == 4.5
    assert "rule switched off" in admin.get("/audit").text
