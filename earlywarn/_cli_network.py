"""``earlywarn network``: the network stage, ``network export`` and ``eval network``.

Kept apart from ``cli.py`` (one module per concern); ``cli.py`` mounts them.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from earlywarn._cli_output import StageForce

__all__ = ["eval_network", "network_app"]

network_app = typer.Typer(
    help="The network stage for one date (as `earlywarn network --as-of DATE`), or export "
    "a slice of the actor network: `earlywarn network export`.",
    invoke_without_command=True,
)


@network_app.callback()
def network(
    ctx: typer.Context,
    as_of: Annotated[
        str, typer.Option("--as-of", help="Date YYYY-MM-DD, 'today' or 'yesterday' (UTC).")
    ] = "yesterday",
    force: StageForce = True,
    wait: Annotated[
        float | None, typer.Option("--wait", help="Seconds to wait for another running job.")
    ] = None,
) -> None:
    """Run only the network stage for one date (or a subcommand: export)."""
    if ctx.invoked_subcommand is not None:
        return
    from earlywarn.cli import _errors, bars_for, existing_archive, print_result, settings, state
    from earlywarn.pipeline import parse_as_of, run_nightly

    with _errors():
        s = settings(lock_timeout=wait)
        existing_archive(s)
        with bars_for(state.quiet) as bars:
            result = run_nightly(
                s, parse_as_of(as_of), stages=["network"], force=force, progress=bars.count
            )
        print_result(result, s.archive, quiet=state.quiet)


@network_app.command("export")
def network_export(
    as_of: Annotated[
        str,
        typer.Option("--as-of", help="Last day of the slice: YYYY-MM-DD, 'today', 'yesterday'."),
    ] = "yesterday",
    window: Annotated[
        str, typer.Option(help="Days of the slice ending --as-of: 1D (daily), 7D (weekly), 30D.")
    ] = "7D",
    fmt: Annotated[str, typer.Option("--format", help="gexf or graphml.")] = "gexf",
    out_file: Annotated[
        Path | None, typer.Option("--out", help="File to write (default: network-DATE-WINDOW.FMT).")
    ] = None,
    ego: Annotated[
        bool, typer.Option(help="Only the focal country's ego network (config focal_country).")
    ] = False,
) -> None:
    """Write the actor network of a window (events and co-mentions; countries, persons,
    organisations) as GEXF or GraphML, with Louvain communities as a node attribute."""
    from earlywarn.cli import _errors, err, existing_archive, settings
    from earlywarn.errors import UsageError, output_file
    from earlywarn.network import archive_slice, communities, ego_network, export_graph, to_graph
    from earlywarn.network.edges import parse_window
    from earlywarn.network.export import FORMATS
    from earlywarn.pipeline import parse_as_of
    from earlywarn.store import Archive

    with _errors():
        if fmt not in FORMATS:
            raise UsageError(f"--format {fmt!r}: use one of {sorted(FORMATS)}")
        parse_window(window)
        s = settings()
        day = parse_as_of(as_of)
        path = output_file(  # a folder or a path under a file, before the archive is read
            out_file or Path(f"network-{day.isoformat()}-{window}{FORMATS[fmt]}"), "network.gexf"
        )
        with Archive(existing_archive(s), read_only=True) as archive:
            edges = archive_slice(archive, day, window)
        graph = to_graph(edges, "all")
        if ego:
            graph = ego_network(graph, s.focal_country)
        for node, comm in communities(graph).itertuples(index=False):
            graph.nodes[node]["community"] = int(comm)
        path.parent.mkdir(parents=True, exist_ok=True)
        export_graph(graph, path, fmt)
        err.print(
            f"{graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges written to {path}"
        )


def eval_network(
    shuffles: Annotated[int, typer.Option(help="Day-shuffled copies per focal country.")] = 10,
    half: Annotated[str, typer.Option(help="tuning, held_aside or both.")] = "both",
) -> None:
    """Network-shift score on ICEWS: ties flagged per focal country-month, real and
    day-shuffled (noise), tuning and held-aside countries (experiments/splits)."""
    from earlywarn.cli import _errors
    from earlywarn.errors import UsageError
    from earlywarn.network.evaluate import main

    with _errors():
        if half not in ("tuning", "held_aside", "both"):
            raise UsageError(f"--half {half!r}: use tuning, held_aside or both")
        code = main(["--shuffles", str(shuffles), "--half", half])
    sys.stdout.flush()
    raise typer.Exit(code)
