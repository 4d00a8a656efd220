"""The actor network on the demo archive: nodes, tie series, the shift score, export."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest
from typer.testing import CliRunner

from earlywarn.cli import app
from earlywarn.store import Archive

pytestmark = pytest.mark.timeout(1500)


@pytest.mark.slow
def test_demo_network_series_shift_and_export(demo_out: Path, tmp_path: Path) -> None:
    archive = demo_out / "demo.duckdb"
    with Archive(archive, read_only=True) as a:
        nodes = a.query("SELECT DISTINCT source AS n FROM edges WHERE as_of = DATE '2018-10-31'")
        ties = a.query(
            "SELECT unique_id, sum(y) AS y FROM series WHERE as_of = DATE '2018-10-31' "
            "AND unique_id LIKE 'tie:VNM~%' GROUP BY 1"
        ).set_index("unique_id")["y"]
        shifts = a.query(
            "SELECT unique_id, ds, y, expected FROM anomalies WHERE as_of = DATE '2018-10-31' "
            "AND detector = 'tie_shift' AND is_anomaly"
        )
    assert nodes["n"].str.startswith("PER:").any() and nodes["n"].str.startswith("ORG:").any()
    assert ties["tie:VNM~ALL"] >= ties.drop("tie:VNM~ALL").max() > 0
    # Vietnam-Japan: the Mekong-Japan summit in Tokyo (9 October 2018), ties strengthening
    jpn = shifts[shifts["unique_id"] == "tie:VNM~JPN"]
    assert not jpn.empty and (jpn["y"] > jpn["expected"]).all()

    for fmt in ("gexf", "graphml"):
        out = tmp_path / f"net.{fmt}"
        r = CliRunner().invoke(
            app,
            ["-q", "--archive", str(archive), "network", "export", "--as-of", "2018-10-31",
             "--window", "7D", "--format", fmt, "--out", str(out)],
        )  # fmt: skip
        assert r.exit_code == 0, r.output
        g = nx.read_gexf(out) if fmt == "gexf" else nx.read_graphml(out)
        assert g.number_of_nodes() > 100 and "VNM" in g
        assert g.nodes["VNM"]["label_vi"] == "Việt Nam"
        assert {d["kind"] for _, d in g.nodes(data=True)} == {"country", "person", "org"}
        assert "community" in g.nodes["VNM"]
    r = CliRunner().invoke(
        app, ["-q", "--archive", str(archive), "network", "export", "--window", "2h",
              "--out", str(tmp_path / "x.gexf")],
    )  # fmt: skip
    assert r.exit_code == 64
