"""Review-page accounts: users in the archive, argon2 password hashes, roles.

Passwords are hashed with argon2id (``argon2-cffi``'s :class:`~argon2.PasswordHasher`
defaults: RFC 9106 low-memory profile). A user is never deleted, only disabled, so the audit log
keeps naming real accounts.

Examples
--------
>>> h = hash_password("correct horse battery")
>>> h.startswith("$argon2id$"), verify_password(h, "correct horse battery")
(True, True)
>>> verify_password(h, "wrong")
False
>>> can("viewer", "act"), can("analyst", "act"), can("analyst", "admin"), can("admin", "admin")
(False, True, False, True)
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from earlywarn.errors import ConfigError, EarlywarnError
from earlywarn.store import Archive, Write

__all__ = [
    "MIN_PASSWORD",
    "ROLES",
    "AccountError",
    "User",
    "add_user",
    "audit_row",
    "can",
    "check_username",
    "get_user",
    "hash_password",
    "list_users",
    "set_disabled",
    "set_password",
    "set_role",
    "set_rule",
    "verify_password",
]

#: Roles, least to most: a viewer reads, an analyst also acts on alerts, an admin also
#: manages users and rules.
ROLES = ("viewer", "analyst", "admin")
_PERMS = {"read": 0, "act": 1, "admin": 2}
MIN_PASSWORD = 10
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
_HASHER = PasswordHasher()
# verified against when the user does not exist, so a miss costs as much as a hit
_DUMMY = _HASHER.hash("earlywarn-no-such-user")


class AccountError(EarlywarnError, ValueError):
    """A user name, role or password is not acceptable, or the user does not exist."""


@dataclass(frozen=True)
class User:
    """A logged-in (or proxy-named) user as the page sees it."""

    username: str
    display_name: str
    role: str

    def can(self, perm: str) -> bool:
        """Whether this user's role allows ``perm`` (``read``, ``act`` or ``admin``)."""
        return can(self.role, perm)

    @property
    def name(self) -> str:
        """Display name, or the user name when there is none."""
        return self.display_name or self.username


def can(role: str, perm: str) -> bool:
    """Whether ``role`` allows ``perm``: ``read`` (everyone), ``act`` (analyst, admin),
    ``admin`` (admin only). Unknown roles or permissions allow nothing."""
    if role not in ROLES or perm not in _PERMS:
        return False
    return ROLES.index(role) >= _PERMS[perm]


def hash_password(password: str) -> str:
    """The argon2id hash of ``password`` (with its own random salt)."""
    return _HASHER.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """Whether ``password`` matches the ``stored`` hash (a missing hash never matches)."""
    try:
        return _HASHER.verify(stored or _DUMMY, password) and stored is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def check_username(username: str) -> str:
    """``username`` lower-cased if it is 1-64 of ``a-z 0-9 . _ -`` (starting alphanumeric).

    Examples
    --------
    >>> check_username("Lan.Nguyen")
    'lan.nguyen'
    >>> check_username("lan nguyen")
    Traceback (most recent call last):
    ...
    earlywarn.web._accounts.AccountError: user name 'lan nguyen': use 1-64 of a-z, 0-9, '.', '_', '-' ...
    """
    name = username.strip().lower()
    if not _USERNAME.match(name):
        raise AccountError(
            f"user name {username!r}: use 1-64 of a-z, 0-9, '.', '_', '-' "
            "(starting with a letter or digit)"
        )
    return name


def check_display_name(display_name: str) -> str:
    """``display_name`` stripped and cut to 80 characters, refused when it holds a control
    or bidirectional formatting character: the review page's header, every alert's
    history ('acknowledged by ...'), the audit log and `users list` show it, and U+202E
    reversed the rest of each such line (a feed name was refused so in the seventh round).

    Examples
    --------
    >>> check_display_name("  Nguyễn Thị Lan ")
    'Nguyễn Thị Lan'
    >>> check_display_name("Lan \u202eabc")
    Traceback (most recent call last):
    ...
    earlywarn.web._accounts.AccountError: display name 'Lan \u202eabc' holds U+202E ...
    """
    from earlywarn.collect._clean import BIDI_CONTROLS

    name = display_name.strip()
    odd = next((c for c in name if c in BIDI_CONTROLS or unicodedata.category(c) == "Cc"), None)
    if odd is not None:
        raise AccountError(
            f"display name {display_name[:100]!r} holds U+{ord(odd):04X} (a control or "
            "bidirectional formatting character: the review page, the history of every "
            "alert and the audit log show the name, which it would garble or reverse); "
            "remove it"
        )
    return name[:80]


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password must have at least {MIN_PASSWORD} characters")
    if len(password) > 1024:
        raise AccountError("the password must have at most 1024 characters")


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise ConfigError(f"role {role!r} is not one of {', '.join(ROLES)}")


def _now() -> pd.Timestamp:
    return pd.Timestamp(datetime.now(timezone.utc))


def audit_row(
    user: User | None,
    action: str,
    *,
    alert_id: str | None = None,
    subject: str | None = None,
    before: str | None = None,
    after: str | None = None,
    comment: str | None = None,
    at: datetime | None = None,
) -> pd.DataFrame:
    """One row of the append-only ``audit`` table (write it with ``Write(..., append=True)``).

    ``user`` None records the command line (``cli``, role ``admin``).
    """
    return pd.DataFrame(
        [
            {
                "audit_id": uuid.uuid4().hex,
                "at": pd.Timestamp(at) if at is not None else _now(),
                "username": user.username if user else "cli",
                "role": user.role if user else "admin",
                "action": action,
                "alert_id": alert_id,
                "subject": subject,
                "before": before,
                "after": after,
                "comment": comment or None,
            }
        ]
    )


def _get(archive: Archive, username: str) -> pd.DataFrame:
    return archive.table("users", "username = ?", [username])


def add_user(
    archive: Archive,
    username: str,
    password: str,
    *,
    role: str = "viewer",
    display_name: str = "",
    by: User | None = None,
) -> User:
    """Create an account in ``archive`` (open for writing; hold its lock around the call).

    Raises
    ------
    AccountError
        If the name is taken or malformed, or the password is shorter than
        :data:`MIN_PASSWORD`.
    ConfigError
        If ``role`` is not one of :data:`ROLES`.
    """
    name = check_username(username)
    shown = check_display_name(display_name)
    _check_role(role)
    _check_password(password)
    digest = hash_password(password)
    now = _now()
    if not _get(archive, name).empty:
        raise AccountError(
            f"user {name!r} exists; pick another name, or enable it with "
            f"`earlywarn users enable {name}`"
        )
    row = pd.DataFrame(
        [
            {
                "username": name,
                "display_name": shown or None,
                "role": role,
                "password_hash": digest,
                "disabled": False,
                "created_at": now,
                "updated_at": now,
                "created_by": by.username if by else "cli",
            }
        ]
    )
    archive.commit(
        [
            Write("users", row),
            Write("audit", audit_row(by, "user.add", subject=name, after=role), append=True),
        ]
    )
    return User(name, shown, role)


def _update(archive: Archive, username: str, by: User | None, action: str, **change: Any) -> None:
    name = check_username(username)
    row = _get(archive, name)
    if row.empty:
        raise AccountError(f"no user {name!r}; list them with `earlywarn users list`")
    key, value = next(iter(change.items()))
    before = str(row[key].iloc[0])
    row = row.assign(**change, updated_at=_now())
    archive.commit(
        [
            Write("users", row),
            Write(
                "audit",
                audit_row(by, action, subject=name, before=before, after=str(value)),
                append=True,
            ),
        ]
    )


def set_disabled(
    archive: Archive, username: str, disabled: bool = True, *, by: User | None = None
) -> None:
    """Disable (or enable again) an account; a disabled user's sessions end at once."""
    _update(archive, username, by, "user.disable" if disabled else "user.enable", disabled=disabled)


def set_role(archive: Archive, username: str, role: str, *, by: User | None = None) -> None:
    """Change an account's role."""
    _check_role(role)
    _update(archive, username, by, "user.role", role=role)


def set_password(archive: Archive, username: str, password: str, *, by: User | None = None) -> None:
    """Replace an account's password (the audit log records that it changed, not the hash)."""
    _check_password(password)
    name = check_username(username)
    row = _get(archive, name)
    if row.empty:
        raise AccountError(f"no user {name!r}; list them with `earlywarn users list`")
    row = row.assign(password_hash=hash_password(password), updated_at=_now())
    archive.commit(
        [
            Write("users", row),
            Write("audit", audit_row(by, "user.password", subject=name), append=True),
        ]
    )


def list_users(archive: Archive) -> pd.DataFrame:
    """Every account without its hash, by user name."""
    return archive.query(
        "SELECT username, display_name, role, disabled, created_at, updated_at, created_by "
        "FROM users ORDER BY username"
    )


def get_user(archive: Archive, username: str) -> dict[str, object] | None:
    """The account row of ``username`` (with its hash), or None."""
    try:
        name = check_username(username)
    except AccountError:
        return None
    row = _get(archive, name)
    return None if row.empty else {str(k): v for k, v in row.iloc[0].items()}


def set_rule(
    archive: Archive, rule: str, op: str, threshold: float | None = None, *, by: User | None = None
) -> None:
    """Switch a rule off (``op="disable"``) or on (``"enable"``), or set its threshold
    (``"threshold"``) in ``rule_overrides``, with an audit entry; the next alerts stage
    applies it (:func:`earlywarn.alerts.rules.apply_overrides`)."""
    row = archive.table("rule_overrides", "rule = ?", [rule])
    old = row.iloc[0].to_dict() if not row.empty else {"enabled": True, "threshold": None}
    new = {
        "rule": rule,
        "enabled": bool(old.get("enabled", True)) if op == "threshold" else op == "enable",
        "threshold": threshold if op == "threshold" else old.get("threshold"),
        "updated_by": by.username if by else "cli",
        "updated_at": _now(),
    }
    before: Any
    after: Any
    if op == "threshold":
        before, after = old.get("threshold"), threshold
    else:
        before = "enabled" if bool(old.get("enabled", True)) else "disabled"
        after = "enabled" if new["enabled"] else "disabled"
    audit = audit_row(
        by,
        f"rule.{op}",
        subject=rule,
        before=None if before is None or before != before else str(before),
        after=str(after),
    )
    archive.commit(
        [Write("rule_overrides", pd.DataFrame([new])), Write("audit", audit, append=True)]
    )
