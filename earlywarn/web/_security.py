"""CSRF protection and security headers for the review page.

A POST is accepted only if (1) its ``Origin`` (or, without one, its ``Referer``) is this
site, and (2) its ``csrf`` form field is the HMAC, under a secret made when the app
starts, of the random ``ew_csrf`` cookie the browser got with the form (a signed
double-submit cookie: another site can neither read the cookie nor forge the token).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from earlywarn.i18n import N_

__all__ = ["CSRF_COOKIE", "Csrf", "SecurityHeaders"]

CSRF_COOKIE = "ew_csrf"

#: No inline script, no foreign origin: the page loads only from itself.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)


class Csrf:
    """Token issue and check; ``secret`` defaults to random bytes (tokens die with the app)."""

    def __init__(self, secret: bytes | None = None) -> None:
        self._secret = secret or secrets.token_bytes(32)

    def token(self, nonce: str) -> str:
        """The form token for cookie value ``nonce``.

        Examples
        --------
        >>> c = Csrf(b"k" * 32)
        >>> c.token("abc") == c.token("abc") != Csrf(b"j" * 32).token("abc")
        True
        """
        return hmac.new(self._secret, nonce.encode("utf-8"), hashlib.sha256).hexdigest()

    @staticmethod
    def new_nonce() -> str:
        return secrets.token_urlsafe(24)

    def nonce_for(self, request: Request) -> tuple[str, bool]:
        """The request's cookie nonce, or a new one (second value: whether to set it)."""
        nonce = request.cookies.get(CSRF_COOKIE, "")
        if 16 <= len(nonce) <= 64:
            return nonce, False
        return self.new_nonce(), True

    def check(self, request: Request, form: dict[str, str]) -> str | None:
        """None if the POST is same-origin and carries a valid token, else the reason."""
        origin = request.headers.get("origin") or request.headers.get("referer")
        if origin is None:
            return N_("the request has neither Origin nor Referer; submit the form from the page")
        parts = urlsplit(origin)
        if parts.scheme != request.url.scheme or parts.netloc != request.url.netloc:
            return N_("the request comes from another site")
        nonce = request.cookies.get(CSRF_COOKIE, "")
        sent = form.get("csrf", "")
        if not nonce or not sent or not hmac.compare_digest(self.token(nonce), sent):
            return N_("the form has expired; reload the page and try again")
        return None


class SecurityHeaders:
    """ASGI middleware adding CSP, no-sniff, referrer and no-framing headers.

    ``Referrer-Policy: same-origin`` (not ``no-referrer``, under which browsers send
    ``Origin: null`` on form posts) keeps our URLs from outlets while letting the
    origin check work.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers: list[Any] = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                for key, value in (
                    (b"content-security-policy", CSP.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"same-origin"),
                    (b"x-frame-options", b"DENY"),
                    (b"cross-origin-opener-policy", b"same-origin"),
                ):
                    if key not in present:
                        headers.append((key, value))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, wrapped)
