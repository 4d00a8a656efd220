"""Import throughput: GDELT 1.0 events -> DuckDB archive, vs plain pandas.read_csv.

The real GDELT rows in shared/data/gdelt (the 10-row 1.0 daily sample) are REPLICATED to
>= 1,000,000 rows (each copy gets a fresh GLOBALEVENTID) because no large real extract
is available offline. Prints rows/s of our importer alone (``read_gdelt_events``), of
importer + one ``Archive.upsert``, of ``earlywarn import gdelt`` (``import_history``: the
file hashed in a thread while DuckDB's CSV reader parses it and SQL maps it into the
``events`` table, one transaction), and the ratios against ``pandas.read_csv`` of the same file
(parse only, no mapping). Target: >= 200,000 rows/s into the archive.

    .venv/bin/python benchmarks/bench_import.py           # 1,000,000 rows
    .venv/bin/python benchmarks/bench_import.py --quick   # 100,000 rows
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import pandas as pd

from earlywarn.config import load_settings
from earlywarn.io import read_gdelt_events
from earlywarn.io.history import import_history
from earlywarn.store import Archive

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


def make_file(path: Path, n_rows: int) -> int:
    lines = (
        (SHARED / "gdelt/events_v1_daily_20170912_sample.tsv")
        .read_text(encoding="utf-8")
        .splitlines()
    )
    rests = [line.split("\t", 1)[1] for line in lines]
    written = 0
    with path.open("w", encoding="utf-8") as fh:
        while written < n_rows:
            batch = [
                f"{900000000 + written + i}\t{rests[i % len(rests)]}"
                for i in range(min(100_000, n_rows - written))
            ]
            fh.write("\n".join(batch) + "\n")
            written += len(batch)
    return written


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="100k rows instead of 1M")
    n = 100_000 if ap.parse_args().quick else 1_000_000
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "gdelt_replicated.tsv"
        rows = make_file(path, n)
        print(
            f"replicated the 10 real GDELT 1.0 rows of shared/data/gdelt to {rows:,} rows "
            f"({path.stat().st_size / 1e6:.0f} MB)"
        )

        t0 = time.perf_counter()
        ref = pd.read_csv(path, sep="\t", header=None, dtype=str, keep_default_na=False)
        t_ref = time.perf_counter() - t0
        assert len(ref) == rows
        del ref

        t0 = time.perf_counter()
        events, report = read_gdelt_events(path)
        t_imp = time.perf_counter() - t0
        assert report.rows_kept == rows, report

        t0 = time.perf_counter()
        with Archive(Path(tmp) / "bench.duckdb") as archive:
            written = archive.upsert("events", events)
        t_db = time.perf_counter() - t0
        assert written == rows
        del events

        settings = load_settings(archive=Path(tmp) / "cli.duckdb")
        t0 = time.perf_counter()
        summary = import_history(settings, "gdelt", path)
        t_cli = time.perf_counter() - t0
        assert summary["rows_kept"] == rows
        with Archive(settings.archive, read_only=True) as archive:
            assert archive.count("events") == rows

    total = t_imp + t_db
    print(f"pandas.read_csv (parse only, all str): {rows / t_ref:>12,.0f} rows/s  ({t_ref:.2f} s)")
    print(f"earlywarn read_gdelt_events:           {rows / t_imp:>12,.0f} rows/s  ({t_imp:.2f} s)")
    print(
        f"  + Archive.upsert('events'):          {rows / total:>12,.0f} rows/s  ({total:.2f} s end to end)"
    )
    print(
        f"earlywarn import gdelt (import_history):  {rows / t_cli:>12,.0f} rows/s  ({t_cli:.2f} s, "
        "DuckDB reader + SQL mapping, one transaction)"
    )
    print(
        f"ratio importer / pandas.read_csv: {t_ref / t_imp:.2f}x faster; into the archive: "
        f"{t_ref / t_cli:.2f}x (import_history), {t_ref / total:.2f}x (read + one upsert); "
        f"target >= 200,000 rows/s into the archive: "
        f"{'met' if rows / t_cli >= 200_000 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
