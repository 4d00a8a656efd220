"""Logging in from a TestClient: the real login form, CSRF token and session cookie."""

from __future__ import annotations

import re

from starlette.testclient import TestClient

from tests.web.archive import USERS

ORIGIN = "http://testserver"


def form_token(c: TestClient, path: str) -> str:
    """The CSRF token of the form on ``path`` (the cookie is set on the client)."""
    page = c.get(path)
    assert page.status_code == 200, (path, page.status_code)
    found = re.search(r'name="csrf" value="([0-9a-f]{64})"', page.text)
    assert found and "ew_csrf" in c.cookies
    return found.group(1)


def login(c: TestClient, user: str, password: str | None = None, **headers: str) -> int:
    """Log ``user`` in through ``/login``; returns the HTTP status (303 on success)."""
    token = form_token(c, "/login")
    resp = c.post(
        "/login",
        data={"csrf": token, "username": user, "password": password or USERS[user][0], "next": "/"},
        headers={"origin": ORIGIN, **headers},
    )
    return resp.status_code
