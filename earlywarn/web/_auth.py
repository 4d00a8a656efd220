"""Who is asking: signed session cookies, login with rate limiting, optional proxy header.

The session cookie (starlette's :class:`~starlette.middleware.sessions.SessionMiddleware`,
signed with itsdangerous) holds the user name and a fingerprint of the password hash;
every request looks the account up again (cached for a few seconds), so disabling a
user, changing their role or password takes effect at once. The cookie is HttpOnly,
``SameSite=Lax`` and ``Secure`` whenever the request came over https.

An authenticating reverse proxy's user header is trusted only when
``web.proxy_user_header`` names it and the request comes from one of
``web.proxy_trusted``; the user must still exist here (for the role) and be enabled.
"""

from __future__ import annotations

import hashlib
import ipaddress
import secrets
import threading
import time
from typing import Any

from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from earlywarn._log import get_logger
from earlywarn.config import WebSettings
from earlywarn.web._accounts import User, get_user, verify_password
from earlywarn.web._data import ArchiveGate
from earlywarn.web._ratelimit import LoginLimiter

__all__ = ["LANG_COOKIE", "SESSION_COOKIE", "Auth", "Sessions", "client_address", "safe_next"]

log = get_logger(__name__)

SESSION_COOKIE = "ew_session"
#: The language the user picked (``en`` or ``vi``).
LANG_COOKIE = "ew_lang"
_CACHE_SECONDS = 5.0


def client_address(request: Request) -> str:
    """The peer's address (uvicorn puts the forwarded one there when told to trust a proxy)."""
    return request.client.host if request.client else "unknown"


def safe_next(target: str | None) -> str:
    """``target`` if it is a path on this site, else ``/`` (no open redirects).

    Examples
    --------
    >>> safe_next("/alerts/ab12?x=1"), safe_next("//evil.example/"), safe_next("https://x")
    ('/alerts/ab12?x=1', '/', '/')
    """
    t = (target or "").strip()
    if not t.startswith("/") or t.startswith("//") or "\\" in t or any(ord(c) < 32 for c in t):
        return "/"
    return t


def _fingerprint(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode("utf-8")).hexdigest()[:20]


class Sessions:
    """Session middleware whose cookie is ``Secure`` exactly when the request is https."""

    def __init__(self, app: ASGIApp, secret: str, max_age: int) -> None:
        opts: dict[str, Any] = {
            "secret_key": secret,
            "session_cookie": SESSION_COOKIE,
            "max_age": max_age,
            "same_site": "lax",
        }
        self._http = SessionMiddleware(app, https_only=False, **opts)
        self._https = SessionMiddleware(app, https_only=True, **opts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        mw = self._https if scope.get("scheme") in ("https", "wss") else self._http
        await mw(scope, receive, send)


class Auth:
    """Resolve the current user of a request; check logins."""

    def __init__(self, gate: ArchiveGate, web: WebSettings) -> None:
        self.gate = gate
        self.web = web
        self.secret = web.session_secret or secrets.token_urlsafe(32)
        self.limiter = LoginLimiter(
            max_failures=web.login_max_failures,
            max_per_address=web.login_max_failures_per_address,
            window=web.login_window_minutes * 60,
            lockout=web.login_lockout_minutes * 60,
        )
        self._proxies = [ipaddress.ip_network(p, strict=False) for p in web.proxy_trusted]
        self._cache: dict[str, tuple[float, dict[str, Any] | None]] = {}
        self._lock = threading.Lock()

    # -- accounts --------------------------------------------------------------
    def account(self, username: str) -> dict[str, Any] | None:
        """The stored account (cached a few seconds), or None."""
        now = time.monotonic()
        with self._lock:
            hit = self._cache.get(username)
        if hit is not None and now - hit[0] < _CACHE_SECONDS:
            return hit[1]
        row = self.gate.read(lambda a: get_user(a, username) if a.has_table("users") else None)
        with self._lock:
            if len(self._cache) > 1000:
                self._cache.clear()
            self._cache[username] = (now, row)
        return row

    def forget(self, username: str) -> None:
        """Drop ``username`` from the cache (after an admin changed it)."""
        with self._lock:
            self._cache.pop(username, None)

    def has_users(self) -> bool:
        return bool(
            self.gate.read(
                lambda a: (
                    a.has_table("users")
                    and a.query("SELECT count(*) AS n FROM users WHERE NOT disabled")["n"].iloc[0]
                )
            )
        )

    @staticmethod
    def _user(row: dict[str, Any] | None) -> User | None:
        if row is None or bool(row.get("disabled")):
            return None
        return User(str(row["username"]), str(row.get("display_name") or ""), str(row["role"]))

    # -- requests --------------------------------------------------------------
    def _from_proxy(self, request: Request) -> bool:
        try:
            peer = ipaddress.ip_address(client_address(request))
        except ValueError:
            return False
        return any(peer in net for net in self._proxies)

    def current(self, request: Request) -> User | None:
        """The user of ``request``: the proxy's header (if trusted), else the session."""
        header = self.web.proxy_user_header
        if header and self._from_proxy(request):
            named = request.headers.get(header, "").strip()
            if named:
                return self._user(self.account(named.lower()))
        name = request.session.get("user")
        if not isinstance(name, str):
            return None
        row = self.account(name)
        if row is None or request.session.get("pv") != _fingerprint(str(row["password_hash"])):
            request.session.clear()  # disabled, deleted or password changed: log out
            return None
        user = self._user(row)
        if user is None:
            request.session.clear()
        return user

    def login(self, request: Request, username: str, password: str) -> tuple[User | None, float]:
        """Check a login; on success start the session. Returns (user, retry_after seconds).

        Refused at once (without checking the password) while the user name or the
        address is locked out.
        """
        address = client_address(request)
        name = username.strip().lower()[:64]
        wait = self.limiter.retry_after(name, address)
        if wait > 0:
            log.warning("login for %r from %s refused: locked out %.0f s", name, address, wait)
            return None, wait
        row = self.account(name) if name else None
        ok = verify_password(str(row["password_hash"]) if row else None, password)
        user = self._user(row) if ok else None
        if user is None:
            self.limiter.failed(name, address)
            log.warning("failed login for %r from %s", name, address)
            return None, 0.0
        self.limiter.succeeded(name)
        request.session.clear()
        request.session.update(
            {"user": user.username, "pv": _fingerprint(str(row["password_hash"]))}  # type: ignore[index]
        )
        log.info("%s (%s) logged in from %s", user.username, user.role, address)
        return user, 0.0
