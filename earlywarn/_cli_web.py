"""Commands of the review page: ``earlywarn users add|list|disable|enable`` and ``export``.

Kept apart from ``cli.py`` (one module per concern); ``cli.py`` mounts them.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

__all__ = ["users_app"]

users_app = typer.Typer(
    help="Accounts of the review page (earlywarn serve): add, list, disable, enable.",
    no_args_is_help=True,
)


def _password() -> str:
    """The new password: typed twice at a hidden prompt, or the first line of stdin.

    Never an argument: arguments show in ``ps`` and shell history.
    """
    if sys.stdin is not None and sys.stdin.isatty():
        return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))
    line = sys.stdin.readline() if sys.stdin is not None else ""
    return line.rstrip("\r\n")


def _write(fn_name: str, *args: object, **kw: object) -> None:
    from earlywarn.cli import EX_DATAERR, _errors, err, settings
    from earlywarn.store import Archive, archive_lock

    with _errors():
        from earlywarn.web import _accounts

        s = settings()
        fn = getattr(_accounts, fn_name)
        create = fn_name == "add_user"
        try:
            with archive_lock(s.archive, s.lock_timeout), Archive(s.archive, create=create) as a:
                fn(a, *args, **kw)
        except _accounts.AccountError as exc:  # a bad name, password or unknown user: 65
            err.print(f"[red]error:[/red] {exc}")
            raise typer.Exit(EX_DATAERR) from None


@users_app.command("add")
def users_add(
    username: Annotated[str, typer.Argument(help="Login name: a-z, 0-9, '.', '_', '-'.")],
    role: Annotated[
        str, typer.Option(help="viewer (reads), analyst (acts on alerts) or admin.")
    ] = "viewer",
    name: Annotated[str, typer.Option("--name", help="Display name, e.g. 'Nguyễn Thị Lan'.")] = "",
) -> None:
    """Create an account; the password is read from a hidden prompt or from stdin."""
    from earlywarn.cli import err

    password = _password()
    _write("add_user", username, password, role=role, display_name=name)
    err.print(f"user {username.strip().lower()} ({role}) added")


@users_app.command("list")
def users_list() -> None:
    """List the accounts (never their password hashes)."""
    from earlywarn.cli import _errors, out, settings
    from earlywarn.store import Archive

    with _errors():
        from earlywarn.web._accounts import list_users

        with Archive(settings().archive, read_only=True) as a:
            frame = list_users(a) if a.has_table("users") else None
        if frame is None or frame.empty:
            out.print("no accounts; add one with `earlywarn users add NAME --role admin`")
            return
        frame["disabled"] = frame["disabled"].map({True: "disabled", False: "active"})
        out.print(frame.rename(columns={"disabled": "status"}).to_string(index=False))


@users_app.command("disable")
def users_disable(username: Annotated[str, typer.Argument(help="Login name.")]) -> None:
    """Disable an account: its sessions end at once; its audit entries stay."""
    from earlywarn.cli import err

    _write("set_disabled", username, True)
    err.print(f"user {username.strip().lower()} disabled")


@users_app.command("enable")
def users_enable(username: Annotated[str, typer.Argument(help="Login name.")]) -> None:
    """Enable a disabled account again."""
    from earlywarn.cli import err

    _write("set_disabled", username, False)
    err.print(f"user {username.strip().lower()} enabled")
