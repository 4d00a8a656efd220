"""The ``earlywarn`` command line: one command per stage, plus nightly, demo, import and eval.

Exit codes follow sysexits (the README's table): 0 ok, 64 usage (a bad option, date or
kind), 65 bad input data, 66 missing input (an import file, or the archive of a read-only
command: nothing is created), 70 a stage failed, 74 archive I/O, 75 locked (try again
later), 78 configuration. Logs go to stderr, so stdout carries only a command's output.
"""

from __future__ import annotations

import json
import logging
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from earlywarn import __version__
from earlywarn._atomic import write_atomic
from earlywarn._cli_network import eval_network, network_app
from earlywarn._cli_output import (
    StageForce,
    bars_for,
    err,
    out,
    print_result,
    reflow_help,
    tolerant_streams,
)
from earlywarn._cli_web import export, users_app
from earlywarn._log import configure_logging
from earlywarn.config import Settings, load_settings
from earlywarn.errors import (
    ArchiveNotFoundError,
    ConfigError,
    EarlywarnError,
    ImportFormatError,
    LockedError,
    MissingInputError,
    StoreError,
    UsageError,
    output_file,
)
from earlywarn.pipeline import STAGES

__all__ = ["EXIT_CODES", "app", "main"]

EX_OK, EX_USAGE, EX_DATAERR, EX_NOINPUT, EX_SOFTWARE, EX_IOERR, EX_TEMPFAIL, EX_CONFIG = (
    0,
    64,
    65,
    66,
    70,
    74,
    75,
    78,
)
#: Exception class -> exit code (the first match in order wins).
EXIT_CODES: list[tuple[type[BaseException], int]] = [
    (ConfigError, EX_CONFIG),
    (LockedError, EX_TEMPFAIL),
    (MissingInputError, EX_NOINPUT),
    (StoreError, EX_IOERR),
    (UsageError, EX_USAGE),
    (ImportFormatError, EX_DATAERR),
    (FileNotFoundError, EX_NOINPUT),
    (EarlywarnError, EX_SOFTWARE),
]


def _display_type_rich(self: typer.core.TyperOption, ctx: Any) -> str | None:
    """No value type after a flag or counter in --help: typer's rich help prints
    ``--quiet <bool>`` as if the flag took a value (its plain help does not)."""
    if self.is_flag or self.count:
        return None
    assert _typer_display_type_rich is not None
    return _typer_display_type_rich(self, ctx)


# a typer without this method (another version) keeps its own help, never a broken CLI
_typer_display_type_rich = getattr(typer.core.TyperOption, "display_type_rich", None)
if _typer_display_type_rich is not None:
    setattr(typer.core.TyperOption, "display_type_rich", _display_type_rich)  # noqa: B010

app = typer.Typer(
    name="earlywarn",
    help="Strategic early warning: collect news, code events, forecast, detect, alert, report.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
eval_app = typer.Typer(
    help="Measure quality on real data (tuning and held-aside halves): coding, forecast, "
    "alerts, brief, search, network, perception, pickup.",
    no_args_is_help=True,
)
feeds_app = typer.Typer(help="Feed catalogs: check, list, export.", no_args_is_help=True)
tracking_app = typer.Typer(help="Experiment tracking (MLflow).", no_args_is_help=True)
app.add_typer(eval_app, name="eval")
app.add_typer(feeds_app, name="feeds")
app.add_typer(tracking_app, name="tracking")
app.add_typer(users_app, name="users")
app.add_typer(network_app, name="network")
eval_app.command("network")(eval_network)
app.command("export")(export)


class _State:
    config: Path | None = None
    overrides: dict[str, Any] = {}  # noqa: RUF012
    quiet: bool = False


state = _State()


def settings(**extra: Any) -> Settings:
    """The settings of this invocation: config file, environment, then options."""
    return load_settings(state.config, **{**state.overrides, **extra})


def existing_archive(s: Settings) -> Path:
    """The archive of a read-only command; exit 66 if it does not exist (nothing is created),
    74 if the path is no archive (a directory, a device, a pipe, unreadable), as for writing."""
    from earlywarn.store import check_archive_path

    check_archive_path(s.archive)
    if not s.archive.exists():
        raise ArchiveNotFoundError(
            f"archive {s.archive} does not exist; run `earlywarn demo` or `earlywarn nightly` "
            "to create it, or pass the right --archive"
        )
    return s.archive


class _Terminated(KeyboardInterrupt):
    """SIGTERM (``systemctl stop``, a timer's timeout, ``kill``): unwinds like Ctrl-C, so
    the archive and its lock are closed and the stage under way leaves nothing."""


def _on_sigterm(signum: int, frame: Any) -> None:
    raise _Terminated


@contextmanager
def _errors() -> Iterator[None]:
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        yield
    except typer.Exit:
        raise
    except _Terminated:
        err.print(
            "[red]stopped (SIGTERM)[/red]: stages already done are kept; run the same "
            "command again to resume"
        )
        raise typer.Exit(143) from None
    except KeyboardInterrupt:
        err.print("[red]interrupted[/red]")
        raise typer.Exit(130) from None
    except Exception as exc:
        for cls, code in EXIT_CODES:
            if isinstance(exc, cls):
                err.print(f"[red]error:[/red] {exc}")
                logging.getLogger("earlywarn").debug("details", exc_info=True)
                raise typer.Exit(code) from None
        err.print(f"[red]internal error:[/red] {type(exc).__name__}: {exc}")
        logging.getLogger("earlywarn").error("internal error", exc_info=True)
        raise typer.Exit(EX_SOFTWARE) from None
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _version(value: bool) -> None:
    if value:
        out.print(f"earlywarn {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    config: Annotated[Path | None, typer.Option("--config", "-c", help="TOML config file.")] = None,
    archive: Annotated[
        # readable=False: an unreadable archive is the archive's error (exit 74, what to do)
        Path | None, typer.Option(help="DuckDB archive file.", readable=False)
    ] = None,
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Folder for reports and the local MLflow store.")
    ] = None,
    tracking_uri: Annotated[str | None, typer.Option(help="MLflow tracking URI.")] = None,
    verbose: Annotated[
        int, typer.Option("--verbose", "-v", count=True, help="More logging (-vv for debug).")
    ] = 0,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only errors.")] = False,
    json_logs: Annotated[
        bool, typer.Option("--json-logs", help="Log JSON lines to stderr.")
    ] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Strategic early warning from global news and event data."""
    tolerant_streams()
    state.config = config
    state.quiet = quiet
    state.overrides = {"archive": archive, "output_dir": out_dir, "tracking_uri": tracking_uri}
    level = (
        logging.ERROR if quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbose, 2)]
    )
    configure_logging(level, json_logs=json_logs)


AsOf = Annotated[
    str, typer.Option("--as-of", help="Date YYYY-MM-DD, 'today' or 'yesterday' (UTC).")
]
Force = Annotated[bool, typer.Option("--force", help="Rerun stages already done for this date.")]
Wait = Annotated[
    float | None, typer.Option("--wait", help="Seconds to wait for another running job.")
]


@app.command(
    help=f"Run the nightly job for one date: {', '.join(STAGES)}. Resumes after a crash; "
    "a rerun for the same date changes nothing."
)
def nightly(
    as_of: AsOf = "yesterday",
    stages: Annotated[
        str | None,
        typer.Option(help="Comma-separated subset of stages, in the order above (default: all)."),
    ] = None,
    force: Force = False,
    catalog: Annotated[Path | None, typer.Option(help="Feed catalog (YAML or OPML).")] = None,
    wait: Wait = None,
) -> None:
    from earlywarn.pipeline import run_nightly

    with _errors():
        s = settings(catalog=catalog, lock_timeout=wait)
        with bars_for(state.quiet) as bars:
            result = run_nightly(
                s,
                as_of,
                stages=stages.split(",") if stages else None,
                force=force,
                on_stage=bars.stage,
                progress=bars.count,
            )
        print_result(result, s.archive, quiet=state.quiet)


def _run_stage(
    stage: str, as_of: str, force: bool, wait: float | None, catalog: Path | None
) -> None:
    from earlywarn.pipeline import parse_as_of, run_nightly

    with _errors():
        s = settings(catalog=catalog, lock_timeout=wait)
        day = parse_as_of(as_of)
        if stage != "collect":  # every other stage reads what earlier stages stored
            existing_archive(s)
        with bars_for(state.quiet) as bars:
            result = run_nightly(s, day, stages=[stage], force=force, progress=bars.count)
        print_result(result, s.archive, quiet=state.quiet)


def _stage_command(stage: str) -> None:
    """Register ``earlywarn STAGE``; only collect reads a feed catalog, so only collect takes
    --catalog (health counts the feeds of the latest collection, not a catalog file)."""

    def with_catalog(
        as_of: AsOf = "yesterday",
        force: StageForce = True,
        catalog: Annotated[Path | None, typer.Option(help="Feed catalog (YAML or OPML).")] = None,
        wait: Wait = None,
    ) -> None:
        _run_stage(stage, as_of, force, wait, catalog)

    def without(as_of: AsOf = "yesterday", force: StageForce = True, wait: Wait = None) -> None:
        _run_stage(stage, as_of, force, wait, None)

    command: Callable[..., None] = with_catalog if stage == "collect" else without

    command.__doc__ = f"Run only the {stage} stage for one date."
    app.command(name=stage)(command)


for _stage in (
    "collect",
    "extract",
    "series",
    "health",
    "forecast",
    "detect",
    "alerts",
    "report",
):
    _stage_command(_stage)


@app.command()
def demo(
    out_dir: Annotated[
        Path, typer.Option("--out", help="Folder for the demo archive, report and MLflow store.")
    ] = Path("earlywarn-demo"),
) -> None:
    """Run the whole pipeline offline on the bundled demo corpus (real articles and events)."""
    from earlywarn.demo import demo_settings, run_demo

    with _errors():
        s = demo_settings(settings(), out_dir)
        with bars_for(state.quiet) as bars:
            result = run_demo(s, on_stage=bars.stage, progress=bars.count)
        for kind, rep in result.imports.items():
            if not state.quiet:
                out.print(
                    f"import {kind}: {rep.get('rows_kept')} kept of {rep.get('rows_read')} read"
                )
        for night in result.nights:
            print_result(night, s.archive, quiet=state.quiet)
        if not state.quiet:
            from earlywarn.store import Archive

            with Archive(s.archive, read_only=True) as archive:
                out.print(f"archive {s.archive}: {json.dumps(archive.counts())}")
            from earlywarn._log import redact

            uri = redact(s.resolved_tracking_uri())  # a password in the URI is never shown
            if result.backtest is not None:
                best = result.backtest.summary().index[0]
                out.print(f"champion: {best}, registered as models:/earlywarn-demo@champion")
            out.print(f"MLflow: {uri}  (mlflow ui --backend-store-uri {uri})")


@app.command(name="import")
def import_(
    kind: Annotated[str, typer.Argument(help="gdelt, icews, acled, ucdp or counts.")],
    path: Annotated[Path, typer.Argument(help="The file to import.")],
) -> None:
    """Import a foreign event file into the archive (all or nothing; reimport changes nothing)."""
    from earlywarn.io.history import import_history

    with _errors():  # an unknown kind (or gkg) is a UsageError of import_history, before any I/O
        with bars_for(state.quiet) as bars:
            report = import_history(settings(), kind, path, progress=bars.count)
        out.print_json(json.dumps(report, default=str))


@app.command()
def backtest(
    experiment: Annotated[Path, typer.Argument(help="An experiments/*.yaml file.")],
    scheduler: Annotated[
        str | None, typer.Option(help="Dask scheduler address (default: a LocalCluster).")
    ] = None,
) -> None:
    """Run a rolling-origin backtest experiment and log it to MLflow."""
    from earlywarn.forecast import run_experiment

    with _errors():
        s = settings()
        if not experiment.is_file():  # before starting a cluster
            raise MissingInputError(
                f"experiment file {experiment} does not exist; give an experiments/*.yaml file"
            )
        client = None
        if scheduler != "synchronous":
            from earlywarn.scale import get_client

            client = get_client(scheduler, s.n_workers)
        try:
            with bars_for(state.quiet) as bars:
                result = run_experiment(
                    experiment,
                    tracking_uri=s.resolved_tracking_uri(),
                    client=client,
                    progress=bars.count,
                )
        finally:
            if client is not None:
                client.close()
        out.print(result.summary().round(3).to_string(), soft_wrap=True)
        t = result.timings
        share = t.get("tracking", 0.0) / max(t.get("compute", 0.0), 1e-9)
        out.print(
            f"compute {t.get('compute', 0.0):.1f} s, MLflow logging {t.get('tracking', 0.0):.1f} s "
            f"({share:.1%} of compute), champion refit {t.get('champion_fit', 0.0):.1f} s; "
            f"run {result.run_id}"
        )


@app.command()
def deliver(
    retry_failed: Annotated[
        bool, typer.Option("--retry-failed", help="Queue permanently failed deliveries again.")
    ] = False,
    wait: Wait = None,
) -> None:
    """Send due alert deliveries from the outbox (run it from cron every few minutes)."""
    from earlywarn.alerts import deliver as deliver_due
    from earlywarn.alerts import load_channels
    from earlywarn.alerts import retry_failed as requeue
    from earlywarn.store import Archive, archive_lock

    with _errors():
        s = settings(lock_timeout=wait)
        if s.channels is None:
            raise ConfigError(
                'no delivery channels: set channels = "channels.yaml" in the config (see earlywarn/data/channels.example.yaml)'
            )
        channels = load_channels(s.channels)
        with archive_lock(s.archive, s.lock_timeout), Archive(s.archive, create=False) as archive:
            if retry_failed:
                out.print(f"queued again: {requeue(archive)}")
            out.print_json(json.dumps(deliver_due(archive, channels, http=s.http)))


@app.command(name="search")
def search_(
    query: Annotated[str | None, typer.Argument(help='Words, "phrases", OR, -excluded.')] = None,
    rebuild: Annotated[
        bool, typer.Option("--rebuild", help="Rebuild the index from the archive first.")
    ] = False,
    since: Annotated[str | None, typer.Option(help="Published on or after (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option(help="Published on or before (YYYY-MM-DD).")] = None,
    lang: Annotated[str | None, typer.Option(help="Languages, comma-separated (vi,en).")] = None,
    country: Annotated[str | None, typer.Option(help="Source countries (ISO3).")] = None,
    outlet: Annotated[str | None, typer.Option(help="Outlets, comma-separated.")] = None,
    mentions: Annotated[str | None, typer.Option(help="Mentioned countries (ISO3).")] = None,
    story: Annotated[str | None, typer.Option(help="A story id.")] = None,
    has_events: Annotated[
        bool | None, typer.Option("--has-events/--no-events", help="With or without events.")
    ] = None,
    sort: Annotated[str, typer.Option(help="relevance or date.")] = "relevance",
    page: Annotated[int, typer.Option(help="Result page, from 1.")] = 1,
    per_page: Annotated[int, typer.Option(help="Results per page.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    out_file: Annotated[
        Path | None,
        typer.Option("--out", help="Write every result (up to 10,000) to FILE.csv or FILE.xlsx."),
    ] = None,
    wait: Wait = None,
) -> None:
    """Search every article of the archive (BM25 over a tantivy index beside it).

    --rebuild holds the archive's lock, as a nightly job does (--wait: seconds to wait for a
    running job)."""
    from earlywarn.search import rebuild as rebuild_index
    from earlywarn.search import search
    from earlywarn.search._cli import print_results

    with _errors():
        s = settings(lock_timeout=wait)
        existing_archive(s)
        if rebuild:
            info = rebuild_index(s.archive, timeout=s.lock_timeout)
            if not state.quiet:
                err.print(
                    f"indexed {info['articles']} articles in {info['seconds']:.1f} s "
                    f"({info['bytes'] / 1e6:.1f} MB)"
                )
        if query is None:
            if not rebuild:
                raise UsageError(
                    'give a query, e.g. earlywarn search "Biển Đông", or --rebuild to rebuild the index'
                )
            return
        filters: dict[str, Any] = dict(
            archive=s.archive,
            since=since,
            until=until,
            lang=lang,
            country=country,
            outlet=outlet,
            mentions=mentions,
            story=story,
            has_events=has_events,
            sort=sort,
        )
        if out_file is not None:
            from earlywarn.export import write_table
            from earlywarn.search._cli import export_table

            table = export_table(lambda p, n: search(query, **filters, page=p, per_page=n))
            write_table(table, out_file)
            if not state.quiet:
                err.print(f"{len(table)} result(s) written to {out_file}")
            return
        hits = search(query, **filters, page=page, per_page=per_page)
        print_results(hits, out, as_json=as_json, locale=s.locale)


@app.command()
def brief(
    as_of: AsOf = "yesterday",
    as_json: Annotated[bool, typer.Option("--json", help="Print the brief as JSON.")] = False,
    html: Annotated[
        Path | None, typer.Option("--html", help="Also write the printable HTML page here.")
    ] = None,
) -> None:
    """Print the morning brief of one night: what changed, then the top stories summarised.

    The brief the nightly job stored is printed; a night without one is built from the
    archive on the fly (read-only, nothing is stored)."""
    from earlywarn.brief import get_brief, render_html, render_text
    from earlywarn.pipeline import past_night
    from earlywarn.store import Archive

    with _errors():
        s = settings()
        day = past_night(as_of)
        if html is not None:
            html = output_file(html, "brief.html")
        with Archive(existing_archive(s), read_only=True) as archive:
            doc = get_brief(archive, day, focal_country=s.focal_country)
        if html is not None:
            html.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(html, render_html(doc, locale=s.locale))
            err.print(f"brief written to {html}")
        if as_json:
            sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2, default=str) + "\n")
        else:
            sys.stdout.write(render_text(doc, locale=s.locale))


@app.command()
def perception(
    country: Annotated[
        str | None,
        typer.Option(help="ISO3 code or name (default: the focal_country setting)."),
    ] = None,
    as_of: AsOf = "yesterday",
    days: Annotated[int, typer.Option(min=1, max=3650, help="Days in the window.")] = 30,
    html: Annotated[
        Path | None,
        typer.Option("--html", help="Where to write the section (default: output_dir)."),
    ] = None,
) -> None:
    """What the world wrote about the focal country: volume, share and tone toward it by
    language, source country and outlet, against its peers; writes the report section
    "Perception" (read-only: articles not yet tagged are tagged in memory)."""
    from markupsafe import escape

    from earlywarn.errors import folder_problem
    from earlywarn.focal import resolve_country
    from earlywarn.focal.summary import perception_summary
    from earlywarn.focal.view import format_text, perception_view, render_section
    from earlywarn.pipeline import check_output_dir, past_night
    from earlywarn.store import Archive

    with _errors():
        s = settings()
        if html is None:  # the section goes where the report goes, checked as the nightly does
            check_output_dir(s)
        elif (problem := folder_problem(html.parent)) is not None:
            where = f"{html.parent} {problem}" if problem.startswith("is ") else problem
            raise UsageError(f"cannot write {html}: {where}; give --html a file in a folder")
        iso3 = resolve_country(country) if country else s.focal_country
        peers = [p for p in s.focal_peers if p != iso3]
        day = past_night(as_of)
        with Archive(existing_archive(s), read_only=True) as archive:
            summary = perception_summary(
                archive, iso3, day, peers=peers, days=days, locale=s.locale
            )
        view = perception_view(summary, s.locale)
        path = output_file(
            html or s.output_dir / f"perception-{iso3}-{day.isoformat()}.html", "perception.html"
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        body = render_section(view, s.locale)
        write_atomic(
            path,
            f'<!DOCTYPE html><html lang="{s.locale}"><head><meta charset="utf-8">'
            f"<title>{escape(view['country_name'])}</title></head><body>{body}</body></html>\n",
        )
        sys.stdout.write(format_text(view))
        err.print(f"section written to {path}")


@app.command()
def serve(
    host: Annotated[
        str, typer.Option(help="Address to listen on (off loopback, put TLS in front).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    read_only: Annotated[
        bool, typer.Option("--read-only", help="No acknowledge/resolve/dismiss.")
    ] = False,
) -> None:
    """Serve the review web page: alert inbox, evidence, lifecycle actions, focal view, search."""
    from earlywarn.web import serve as serve_web

    with _errors():
        s = settings()
        existing_archive(s)
        _check_listen(host, port)
        serve_web(s, host=host, port=port, read_only=read_only)


def _check_listen(host: str, port: int) -> None:
    """Refuse an address the page cannot listen on before the server starts (uvicorn logs
    the bind error and exits 3 after its startup lines)."""
    import socket

    if not 1 <= port <= 65535:  # 99999 was an OverflowError (internal error, 70); 0 a random port
        raise UsageError(f"--port {port} is no port to serve on; give one from 1 to 65535")
    try:
        family, kind, _, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        with socket.socket(family, kind) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
            probe.bind(address)
    except OSError as exc:
        raise UsageError(
            f"cannot listen on {host}:{port} ({exc.strerror or exc}); pick another --port "
            "or --host, or stop the program that holds it"
        ) from None


@app.command()
def status(
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON document {counts, runs}.")
    ] = False,
) -> None:
    """Row counts of the archive and the stages done per date."""
    import pandas as pd

    from earlywarn.store import Archive

    with _errors():
        s = settings()
        with Archive(existing_archive(s), read_only=True) as archive:
            counts = archive.counts()
            runs = archive.query(
                "SELECT as_of, stage, status, finished_at FROM runs ORDER BY finished_at"
            )
        if as_json:
            rows = runs.astype(str).to_dict("records")
            out.print_json(json.dumps({"counts": counts, "runs": rows}))
            return
        out.print(pd.Series(counts, name="rows").rename_axis("table").to_string())
        # imports are stored under the placeholder night 1970-01-01: they belong to no night
        night = runs["as_of"].astype(str).replace("1970-01-01", "(import)")
        out.print(runs.assign(as_of=night).to_string(index=False))


@eval_app.command("coding")
def eval_coding(
    data: Annotated[
        Path,
        typer.Option(
            help="Folder with PETR.UnitTest.records.xml and PETR.Validate.* dictionaries."
        ),
    ] = Path("../shared/data/event_coding/petrarch2"),
    treebank: Annotated[
        Path,
        typer.Option(help="UD English-EWT test file for the parser's LAS/UAS (skipped if absent)."),
    ] = Path("../shared/data/treebanks/UD_English-EWT/en_ewt-ud-test.conllu.gz"),
    gold: Annotated[
        Path | None,
        typer.Option(help="Another English news gold file in the shipped format (scored whole)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    unknown_actors: Annotated[
        bool,
        typer.Option(help="Code country-less actors as PETRARCH's '---' + type (English news)."),
    ] = False,
    tuning_only: Annotated[
        bool,
        typer.Option(
            "--tuning-only",
            help="Score only the news gold's tuning half and the PETRARCH-2 records (and "
            "--gold if given): the held-aside half is not coded, so no held-aside total is "
            "printed; the Vietnamese sets, the parser's LAS and the bars are skipped too. Use "
            "it while developing.",
        ),
    ] = False,
    batch: Annotated[
        int | None,
        typer.Option(
            help="Score only this labelling batch of the news gold halves (1: the first 529 "
            "sentences, as figures before 2026-12-07; 2: the second batch; 3: the third, "
            "new BBC News and newspaper-fixture articles; 4: the fourth, AG News World items; "
            "5: the fifth, the next 200 World items; 6: the sixth, the 200 after those). "
            "Default: all.",
        ),
    ] = None,
) -> None:
    """Event coding: English news gold (tuning and held-aside halves), PETRARCH-2, Vietnamese
    (the tuning set and the held-aside set).

    P/R/F1 of the CAMEO root, the whole code and dyad+root, QuadClass accuracy, and the
    English parser's LAS/UAS on the UD English-EWT test file. While developing, use
    --tuning-only: held-aside totals are for confirming a change already fixed on the
    tuning half (read them rarely), and its errors are never looked at.
    """
    from rich.table import Table

    from earlywarn.extract.coding.parser import evaluate_parser
    from earlywarn.extract.evaluate import evaluate_coding, evaluate_news, evaluate_vietnamese
    from earlywarn.extract.events import EventCoder

    with _errors():
        coder = EventCoder(unknown_actors=unknown_actors)
        with bars_for(state.quiet) as bars:
            cols: dict[str, dict[str, float]] = {
                "news tuning": evaluate_news("tune", coder=coder, batch=batch)
            }
            if not tuning_only:
                cols["news held-aside"] = evaluate_news("held", coder=coder, batch=batch)
            if gold is not None:
                cols["news (given gold)"] = evaluate_news(None, gold, coder=coder)
            cols["PETRARCH-2 records"] = evaluate_coding(
                data / "PETR.UnitTest.records.xml",
                data / "PETR.Validate.verbs.txt",
                data / "PETR.Validate.actors.txt",
                data / "PETR.Validate.agents.txt",
                data / "PETR.Validate.discards.txt",
                progress=bars.count,
            )
            if not tuning_only:
                cols["Vietnamese tuning (roots)"] = evaluate_vietnamese(progress=bars.count)
                cols["Vietnamese held-aside (roots)"] = evaluate_vietnamese(
                    progress=bars.count, half="held"
                )
        parser = evaluate_parser(treebank) if treebank.is_file() and not tuning_only else None
        if as_json:
            out.print_json(json.dumps({"coding": cols, "parser_ewt_test": parser}, default=float))
            return
        table = Table(title="Event coding (P / R / F1)")
        table.add_column("metric")
        for name in cols:
            table.add_column(name, justify="right")
        for m in ("root", "code", "dyad"):
            label = "dyad+root" if m == "dyad" else m
            table.add_row(label, *[
                f"{c[m + '_precision']:.3f} / {c[m + '_recall']:.3f} / {c[m + '_f1']:.3f}"
                for c in cols.values()
            ])  # fmt: skip
        table.add_row("QuadClass accuracy", *[f"{c['quad_accuracy']:.3f}" for c in cols.values()])
        table.add_row("sentences", *[f"{c['n_sentences']:.0f}" for c in cols.values()])
        table.add_row("gold / predicted events",
                      *[f"{c['n_gold']:.0f} / {c['n_predicted']:.0f}" for c in cols.values()])  # fmt: skip
        out.print(table)
        if tuning_only:
            out.print("--tuning-only: the held-aside half, the Vietnamese sets and the parser "
                      "were not scored")  # fmt: skip
            return
        if parser is not None:
            out.print(
                f"parser on {treebank.name} ({parser['sentences']:.0f} sentences, gold tokens): "
                f"LAS {parser['las']:.3f}  UAS {parser['uas']:.3f}  UPOS {parser['pos_acc']:.3f}  "
                f"lemma {parser['lemma_acc']:.3f}  (spaCy's en_core_web_sm publishes LAS 0.899 / "
                "UAS 0.918 on OntoNotes 5 with ClearNLP labels: another corpus and label set)"
            )
        else:
            out.print(f"parser: {treebank} not found, LAS/UAS not measured")
        held, tune = cols["news held-aside"], cols["news tuning"]
        out.print(
            f"bars (held-aside): root F1 {held['root_f1']:.3f} (>= 0.75), dyad+root F1 "
            f"{held['dyad_f1']:.3f} (>= 0.65); tuning lead {tune['root_f1'] - held['root_f1']:+.3f} "
            "root, " + f"{tune['dyad_f1'] - held['dyad_f1']:+.3f} dyad (<= 0.08)"
        )


@eval_app.command("search")
def eval_search(
    segment: Annotated[
        bool, typer.Option(help="Vietnamese word segmentation (underthesea) of queries.")
    ] = False,
) -> None:
    """Search relevance on the demo archive: P@10, R@10, MRR on the tuning and held-aside halves."""
    from earlywarn.search import SearchIndex, index_path
    from earlywarn.search.evaluate import evaluate_search, summarize

    with _errors():
        s = settings()
        existing_archive(s)
        table = summarize(evaluate_search(SearchIndex.open(index_path(s.archive)), segment=segment))
        out.print(table.round(3).to_string(index=False))


@eval_app.command("brief")
def eval_brief(
    sentences: Annotated[int, typer.Option(min=1, help="Sentences per summary.")] = 3,
    cv: Annotated[
        bool,
        typer.Option(
            "--cv",
            help="Choose the summariser's settings by leave-one-cluster-out cross-validation "
            "on the tuning half only (the held-aside clusters are not read).",
        ),
    ] = False,
) -> None:
    """ROUGE-1/2/L of the story summariser, lead-3 and random sentences on the Vietnamese
    multi-document clusters, tuning and held-aside halves (``--cv``: tuning half only)."""
    from earlywarn.brief.evaluate import main as evaluate_main
    from earlywarn.brief.tune import main as tune_main

    with _errors():
        run = tune_main if cv else evaluate_main
        raise typer.Exit(run(["--sentences", str(sentences)]))


@eval_app.command("perception")
def eval_perception() -> None:
    """Focal-country mention precision/recall and sentence tone (macro F1 against a plain
    whole-article lexicon baseline) on the hand-labelled sets, tuning and held-aside halves."""
    from earlywarn.focal.evaluate import evaluate_perception

    with _errors():
        table = evaluate_perception().pivot_table(
            index=["set", "metric"], columns="half", values="value", sort=False
        )
        out.print(table[["tune", "held"]].round(3).to_string())


@eval_app.command("pickup")
def eval_pickup(
    data: Annotated[
        Path | None, typer.Option(help="Folder with vietnamese_mds_articles.jsonl.gz.")
    ] = None,
) -> None:
    """Precision and recall of official-statement pickup matching on the hand-built
    statement/coverage pairs, tuning and held-aside halves."""
    from earlywarn.focal.pickup_eval import main as evaluate_main

    with _errors():
        raise typer.Exit(evaluate_main(["--data", str(data)] if data else []))


@eval_app.command("forecast")
def eval_forecast(
    quick: Annotated[
        bool, typer.Option(help="Last value, seasonal naive, Theta and the global models only.")
    ] = False,
    scheduler: Annotated[
        str | None, typer.Option(help="A Dask scheduler address (default: a LocalCluster).")
    ] = None,
    workers: Annotated[int, typer.Option(help="LocalCluster worker processes.")] = 2,
    models: Annotated[
        str | None,
        typer.Option(help="Only these model specs, comma-separated (naive and snaive too)."),
    ] = None,
    data: Annotated[
        str | None,
        typer.Option(
            help="Only these data sets, comma-separated: 'crisis tuning', 'crisis held-aside', "
            "'Yemen monthly', 'ICEWS daily'."
        ),
    ] = None,
) -> None:
    """CRPS, MASE and 90% coverage of each model relative to the last value: African crisis
    series (tuning and held-aside halves), Yemen and (full run) ICEWS daily; fits on Dask."""
    from earlywarn.forecast.evaluate import main as evaluate_main

    argv = ["--quick"] if quick else []
    argv += ["--workers", str(workers)] + (["--scheduler", scheduler] if scheduler else [])
    argv += (["--models", models] if models else []) + (["--data", data] if data else [])
    with _errors():
        with bars_for(state.quiet) as bars:
            code = evaluate_main(argv, progress=bars.count)
        raise typer.Exit(code)


@eval_app.command("alerts")
def eval_alerts(
    rules: Annotated[
        Path | None, typer.Option(help="Rules YAML (default: the shipped rules).")
    ] = None,
    calibrate: Annotated[
        float | None,
        typer.Option(
            help="Print the thresholds reaching this many false alerts per country-year "
            "on the tuning half, instead of the table."
        ),
    ] = None,
    scheduler: Annotated[
        str | None, typer.Option(help="A Dask scheduler address (default: a LocalCluster).")
    ] = None,
    workers: Annotated[int, typer.Option(help="LocalCluster worker processes.")] = 2,
) -> None:
    """Onsets caught, recall, precision, false alerts per country-year and lead of the shipped
    rules, the onset-risk model, the forecast-surprise CUSUM (its yearly refits on Dask) and
    three textbook detectors: African crisis series (tuning and held-aside halves) and Yemen."""
    from earlywarn.alerts.evaluate import main as evaluate_main

    argv = ["--rules", str(rules)] if rules else []
    argv += ["--workers", str(workers)] + (["--scheduler", scheduler] if scheduler else [])
    if calibrate is not None:
        argv += ["--calibrate", str(calibrate)]
    with _errors():
        with bars_for(state.quiet) as bars:
            code = evaluate_main(argv, progress=bars.count)
        raise typer.Exit(code)


@feeds_app.command("check")
def feeds_check(
    catalog: Annotated[Path, typer.Argument(help="Feed catalog (YAML or OPML).")],
    online: Annotated[
        bool, typer.Option(help="Fetch each feed and report status, latency, entries.")
    ] = False,
    write_verified: Annotated[
        bool,
        typer.Option(
            "--write-verified",
            help="With --online, write each good feed's verified date (today) into the "
            "catalog file; nothing else of the file changes.",
        ),
    ] = False,
) -> None:
    """Validate a catalog offline; with --online also fetch every feed (exit 1 if any fails).

    Each good fetch's date is the feed's ``verified`` column; --write-verified records it in
    the catalog."""
    from datetime import datetime, timezone

    from earlywarn.collect import check_feeds, load_catalog
    from earlywarn.collect.verified import record_verified

    with _errors():
        feeds = load_catalog(catalog)
        langs = sorted({f.language for f in feeds if f.language})
        out.print(f"{catalog}: {len(feeds)} feeds, {len(langs)} languages ({', '.join(langs)})")
        if write_verified and not online:
            raise ConfigError("--write-verified needs --online: only a fetch can verify a feed")
        if online:
            checked = check_feeds(feeds, settings().http)
            today = datetime.now(timezone.utc).date()
            good = checked["status"] == "ok"
            checked["verified"] = [
                today if ok else f.verified for ok, f in zip(good, feeds, strict=True)
            ]
            # soft_wrap: one feed a line, however narrow the terminal (the console cut
            # each row in two at 80 columns on a pipe)
            out.print(checked.to_string(index=False), markup=False, soft_wrap=True)
            if write_verified and good.any():
                n = record_verified(catalog, dict.fromkeys(checked.loc[good, "url"], today))
                out.print(  # soft_wrap: a long path is never cut in two on a pipe
                    f"verified {today} written to {catalog} for {n} of {good.sum()} good feeds",
                    soft_wrap=True,
                )
            failed = int((~good).sum())
            if failed:
                out.print(f"{failed} of {len(checked)} feeds failed")
                raise typer.Exit(1)


@feeds_app.command("list")
def feeds_list(
    catalog: Annotated[
        Path | None,
        typer.Argument(help="Feed catalog (YAML or OPML); default: the configured catalog."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON records.")] = False,
) -> None:
    """The catalog's feeds with their last good fetch (``verified``: the later of the
    catalog's date and the archive's last good poll) and the archive's last poll status."""
    import pandas as pd

    from earlywarn.collect import load_catalog
    from earlywarn.collect.verified import feed_status
    from earlywarn.store import Archive

    with _errors():
        s = settings()
        path = catalog or s.catalog
        if path is None:
            raise ConfigError("no feed catalog: pass one or set catalog in the config file")
        polled = None
        if s.archive.is_file():
            with Archive(s.archive, read_only=True) as archive:
                polled = archive.table("feeds")
        table = feed_status(load_catalog(path), polled)
        if as_json:
            rows = table.to_dict("records")
            for row in rows:
                row.update({k: None if pd.isna(v) else str(v) for k, v in row.items()})
            out.print_json(json.dumps(rows, ensure_ascii=False))
            return
        never = int(table["verified"].isna().sum())
        out.print(table.fillna("-").to_string(index=False), markup=False, soft_wrap=True)
        out.print(f"{len(table)} feeds; {len(table) - never} verified, {never} never verified")


@feeds_app.command("export")
def feeds_export(
    catalog: Annotated[Path, typer.Argument(help="Feed catalog (YAML or OPML).")],
    dest: Annotated[Path, typer.Argument(help="Output .opml or .yaml file.")],
) -> None:
    """Convert a catalog between YAML and OPML."""
    from earlywarn.collect.catalog import load_catalog, save_opml, save_yaml

    with _errors():
        suffix = dest.suffix.lower()
        if suffix not in (".opml", ".yaml", ".yml"):
            raise UsageError(f"{dest}: name the output .opml, .yaml or .yml (the format)")
        feeds = load_catalog(catalog)
        (save_opml if suffix == ".opml" else save_yaml)(feeds, dest)
        out.print(f"wrote {len(feeds)} feeds to {dest}")


@tracking_app.command("sync")
def tracking_sync() -> None:
    """Replay tracking calls buffered while the MLflow server was down."""
    from earlywarn.tracking import Tracker

    with _errors():
        s = settings()
        n = Tracker(s.resolved_tracking_uri(), s.experiment).sync()
        out.print(f"replayed {n} buffered tracking calls")


reflow_help(app)  # last: every command of every sub-app is registered by now


def main() -> None:
    """Entry point of the ``earlywarn`` command."""
    try:
        app()
    except SystemExit as exc:
        code = exc.code
        if code == 2:  # click's usage error -> sysexits EX_USAGE
            sys.exit(EX_USAGE)
        raise


if __name__ == "__main__":
    # run the imported module, not this __main__ copy: subcommand modules (``_cli_web``)
    # import ``earlywarn.cli`` and must see the state its callback set
    from earlywarn.cli import main as _entry

    _entry()
