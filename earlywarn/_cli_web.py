"""Commands of the review page: ``earlywarn users add|list|disable|enable`` and ``export``.

Kept apart from ``cli.py`` (one module per concern); ``cli.py`` mounts them.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

__all__ = ["export", "users_app"]

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
    from earlywarn.cli import EX_DATAERR, _errors, err, existing_archive, settings
    from earlywarn.store import Archive, archive_lock

    with _errors():
        from earlywarn.web import _accounts

        s = settings()
        fn = getattr(_accounts, fn_name)
        create = fn_name == "add_user"
        if not create:
            existing_archive(s)
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
    from earlywarn.cli import _errors, existing_archive, out, settings
    from earlywarn.store import Archive

    with _errors():
        from earlywarn.web._accounts import list_users

        with Archive(existing_archive(settings()), read_only=True) as a:
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


def export(
    what: Annotated[str, typer.Argument(help="inbox, evidence or focal.")],
    alert_id: Annotated[
        str | None, typer.Argument(help="The alert (for evidence).", show_default=False)
    ] = None,
    out_file: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="File to write (default: earlywarn-export.xlsx, or .csv with --format csv).",
        ),
    ] = None,
    fmt: Annotated[
        str | None, typer.Option("--format", help="csv or xlsx (default: the --out suffix).")
    ] = None,
    status: Annotated[
        str, typer.Option(help="inbox: alerts of this status (open, new, ..., all).")
    ] = "all",
    country: Annotated[
        str | None, typer.Option(help="focal: ISO3 country (default: the focal country).")
    ] = None,
) -> None:
    """Export the alert inbox, an alert's evidence or the focal view to CSV or Excel."""
    import pandas as pd

    from earlywarn.cli import EX_USAGE, _errors, err, existing_archive, settings
    from earlywarn.export import (
        FORMATS,
        evidence_table,
        focal_articles,
        focal_table,
        inbox_table,
        write_table,
    )
    from earlywarn.store import Archive

    kinds = ("inbox", "evidence", "focal")
    if out_file is None:  # the default name follows --format: CSV never lands in a .xlsx file
        out_file = Path(f"earlywarn-export.{(fmt or 'xlsx').lower()}")
    chosen = (fmt or out_file.suffix.lstrip(".")).lower()
    suffix = out_file.suffix.lstrip(".").lower()
    problem = (
        f"say what to export: one of {', '.join(kinds)}"
        if what not in kinds
        else f"--format must be one of {', '.join(FORMATS)} (or give --out a .csv/.xlsx name)"
        if chosen not in FORMATS
        else f"--format {chosen} but --out {out_file} ends in .{suffix}: drop --format, or "
        f"name the file .{chosen}"
        if suffix in FORMATS and suffix != chosen
        else "evidence needs the alert id: earlywarn export evidence ALERT_ID --out FILE"
        if what == "evidence" and not alert_id
        else ""
    )
    if problem:
        err.print(f"[red]error:[/red] {problem}")
        raise typer.Exit(EX_USAGE)
    with _errors():
        s = settings()
        with Archive(existing_archive(s), read_only=True) as a:
            tables: dict[str, pd.DataFrame]
            if what == "inbox":
                from earlywarn.alerts import STATUSES
                from earlywarn.errors import UsageError

                if status not in ("open", "all", *STATUSES):
                    raise UsageError(
                        f"--status {status!r}: use open, all or one of {', '.join(STATUSES)}"
                    )
                from earlywarn.ledger import RERUN_AT

                alerts = a.query(f"SELECT *, {RERUN_AT} FROM alerts")
                if status == "open":
                    alerts = alerts[~alerts["status"].isin(["resolved", "dismissed"])]
                elif status != "all":
                    alerts = alerts[alerts["status"] == status]
                alerts = alerts.sort_values(["as_of", "score"], ascending=False)
                tables = {"alerts": inbox_table(alerts, s.locale)}
            elif what == "evidence":
                row = a.table("alerts", "alert_id = ?", [alert_id])
                if row.empty:
                    from earlywarn.errors import MissingInputError

                    raise MissingInputError(
                        f"no alert {alert_id!r}; list them with `earlywarn export inbox`"
                    )
                tables = evidence_table({str(k): v for k, v in row.iloc[0].items()}, s.locale)
            else:
                from earlywarn.focal import resolve_country

                code = resolve_country(country or s.focal_country)  # ISO3 or a name
                tables = {code: focal_table(focal_articles(a, code), s.locale)}
        path = write_table(tables, out_file, chosen)
        rows = sum(len(t) for t in tables.values())
        err.print(f"wrote {rows} rows to {path}")
