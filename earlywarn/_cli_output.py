"""What the command line shows: progress bars on stderr, results and alerts on stdout."""

from __future__ import annotations

import codecs
import inspect
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from earlywarn._progress import Progress

__all__ = [
    "Bars",
    "StageForce",
    "bars_for",
    "err",
    "out",
    "print_alerts",
    "print_result",
    "reflow_help",
    "tolerant_streams",
]

#: Logs, progress and errors: stderr. Data and results: stdout.
err = Console(stderr=True, soft_wrap=True)
out = Console()

_UNICODE = {"utf-8", "utf-16", "utf-32", "utf-8-sig"}
_FAILING = {"strict", "surrogateescape"}


def tolerant_streams() -> None:
    """Let stdout and stderr write any text in an encoding that cannot (ASCII, Latin-1).

    Under ``PYTHONIOENCODING=ascii``, a POSIX locale with UTF-8 mode off or a Latin-1
    terminal, printing a Vietnamese feed name or title raised UnicodeEncodeError: an
    internal error (70) after the work was done. Such characters are written as Python
    writes them to stderr (``\\u1ec7``); the stream keeps its encoding.
    """
    for stream in (sys.stdout, sys.stderr):
        encoding = getattr(stream, "encoding", None) or "ascii"
        try:
            name = codecs.lookup(encoding).name
        except LookupError:
            name = encoding
        # strict, or surrogateescape (the POSIX locale's): both fail on a letter not in it
        if name not in _UNICODE and getattr(stream, "errors", None) in _FAILING:
            reconfigure = getattr(stream, "reconfigure", None)
            if reconfigure is not None:
                reconfigure(errors="backslashreplace")


#: ``--force/--no-force`` of the one-stage commands (``earlywarn report``, ``network`` ...).
StageForce = Annotated[
    bool,
    typer.Option(
        "--force/--no-force",
        help="Rerun the stage even if it is already done for this date; --no-force skips it if so.",
    ),
]


class Bars:
    """Progress on stderr for one command: a line per stage, a bar with counts and ETA per
    kind of work (feeds, pages, rows, series ...). Silent with -q or when stderr is not a
    terminal (cron, pipes, CI), where only stage lines are printed."""

    def __init__(self, quiet: bool = False) -> None:
        self.quiet = quiet
        self.live = not quiet and err.is_terminal
        self.tasks: dict[str, Any] = {}
        self.bars: Any = None
        if self.live:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                SpinnerColumn,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self.bars = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TextColumn("eta"),
                TimeRemainingColumn(),
                console=err,
            )
            self.bars.start()

    def stage(self, stage: str, event: str) -> None:
        """``run_nightly``'s ``on_stage`` callback."""
        if not self.live:
            if not self.quiet and event != "start":
                err.print(f"{stage}: {event}")
            return
        if event == "start":
            self.tasks[stage] = self.bars.add_task(stage, total=1)
        elif event == "done":
            self.bars.update(self.tasks[stage], completed=1, description=f"{stage} [green]done")
        else:
            self.bars.add_task(f"{stage} [dim]already done", total=1, completed=1)

    @property
    def count(self) -> Progress | None:
        """The library's ``progress(done, total, what)`` callback, None when silent."""
        if not self.live:
            return None

        def report(done: int, total: int | None, what: str) -> None:
            if what not in self.tasks:
                self.tasks[what] = self.bars.add_task(what, total=total)
            self.bars.update(self.tasks[what], completed=done, total=total)

        return report

    def stop(self) -> None:
        if self.bars is not None:
            self.bars.stop()


@contextmanager
def bars_for(quiet: bool) -> Iterator[Bars]:
    """Progress bars for one command (see :class:`Bars`)."""
    bars = Bars(quiet)
    try:
        yield bars
    finally:
        bars.stop()


def print_alerts(archive_path: Path, as_of: Any) -> None:
    """Tonight's open alerts in words: severity, title and the reason in one sentence."""
    from earlywarn.labels import alert_reason
    from earlywarn.store import Archive

    with Archive(archive_path, read_only=True) as archive:
        alerts = archive.table("alerts", "as_of = ?", [as_of])
    if alerts.empty:
        out.print(f"no alerts for {as_of}")
        return
    alerts = alerts[~alerts["status"].isin(["resolved", "dismissed"])]
    out.print(f"{len(alerts)} open alert(s) for {as_of}:")
    for row in alerts.sort_values("score", ascending=False).itertuples():
        try:
            evidence = json.loads(row.evidence) if isinstance(row.evidence, str) else {}
        except ValueError:
            evidence = {}
        evidence.setdefault("unique_id", row.unique_id)
        out.print(f"  [{row.severity}] {row.title}", markup=False)
        out.print(f"      {alert_reason(evidence, str(row.rule))}", markup=False)


def print_result(result: Any, archive: Path | None = None, *, quiet: bool = False) -> None:
    """A nightly result: seconds and rows per stage, the night's open alerts, the report."""
    table = Table(title=f"nightly {result.as_of} (run {result.run_id})")
    table.add_column("stage")
    table.add_column("seconds", justify="right")
    table.add_column("rows")
    for stage in result.ran:
        table.add_row(
            stage, f"{result.timings.get(stage, 0):.1f}", json.dumps(result.rows.get(stage, {}))
        )
    for stage in result.skipped:
        table.add_row(stage, "-", "already done")
    if not quiet:
        out.print(table)
        if archive is not None and "alerts" in result.ran + result.skipped:
            print_alerts(archive, result.as_of)
        if result.report:
            out.print(f"report: {result.report}")


def _reflow(text: str) -> str:
    r"""``text`` with each paragraph on one line (lists and indented blocks kept as written).

    Examples
    --------
    >>> _reflow("One line\n    and the next.\n\n    - a\n    - b")
    'One line and the next.\n\n- a\n- b'
    """
    paragraphs = inspect.cleandoc(text).split("\n\n")
    return "\n\n".join(
        p
        if any(line.startswith((" ", "- ", "* ", "\b")) for line in p.splitlines())
        else " ".join(line.strip() for line in p.splitlines())
        for p in paragraphs
    )


def reflow_help(app: typer.Typer) -> None:
    """Put each paragraph of every command's help (docstring) on one line, in ``app`` and
    its sub-apps. Typer's rich help keeps a docstring's line breaks in the command list and
    in every paragraph after the first, so a docstring wrapped at 92 columns printed as
    ragged half-lines in ``earlywarn --help`` ("tone toward it by" / "language, ...")."""
    for info in app.registered_commands:
        text = info.help if isinstance(info.help, str) else inspect.getdoc(info.callback)
        if text:
            info.help = _reflow(text)
    for group in app.registered_groups:
        if group.typer_instance is not None:
            reflow_help(group.typer_instance)
