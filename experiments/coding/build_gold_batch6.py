"""Append the news gold set's sixth batch (the next AG News World items, issue 12) to the shipped files.

Run once from the repository root: ``PYTHONPATH=$PWD python experiments/coding/build_gold_batch6.py``.
Items: ``gold_batch6_items.py`` (selection there; source and transcription rule as for the fourth
batch). Rows, article keys, the split (SHA-1 of the key odd = held aside, fixed by the rule before
any sentence was coded) and the file writing are the fourth batch's code
(``build_gold_batch4.build`` / ``main``), called with this batch's items, labels and
``batch: 6``.

``LABELS`` were coded by hand (one annotator, rules 1-7 and the relabelled rule 2 of
``earlywarn/data/eval/README.md`` with the fourth and fifth batches' readings, blind: no coder run on these
texts before they were committed). Key ``"<World ordinal>.<sentence index>"``; sentences not
listed have no event.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_gold_batch4 import build as build_batch
from build_gold_batch4 import main as write_batch
from gold_batch6_items import ITEMS

BATCH = 6

LABELS: dict[str, list[tuple[str, str, str]]] = {
    "388.1": [("---", "AUS", "111")],
    "391.0": [("USA", "SDN", "1055")],
    "394.0": [("USA", "IRQ", "1822")],
    "395.0": [("AFG", "USA", "190"), ("USA", "AFG", "190"), ("AFG", "AFG", "190")],
    "397.0": [("ESP", "FRA", "036"), ("ESP", "DEU", "036")],
    "406.0": [("USA", "IGO", "145"), ("USA", "USA", "190")],
    "408.0": [("IRQ", "IRQ", "194")],
    "415.0": [("RUS", "RUS", "181")],
    "417.0": [("BHR", "BHR", "173")],
    "426.0": [("USA", "USA", "191")],
    "428.0": [("JPN", "JPN", "190")],
    "430.0": [("IGO", "TUR", "111")],
    "437.0": [("CHN", "CHN", "042")],
    "438.0": [("PAK", "---", "190"), ("---", "PAK", "190")],
    "455.0": [("SAU", "GBR", "190")],
    "456.0": [("SDN", "IGO", "120"), ("SDN", "IGO", "111")],
    "457.0": [("USA", "RUS", "024")],
    "459.0": [("USA", "USA", "112"), ("USA", "USA", "111")],
    "461.0": [("USA", "USA", "111")],
    "463.0": [("IRQ", "GBR", "181")],
    "465.0": [("USA", "USA", "064")],
    "468.0": [("USA", "AFG", "1822")],
    "472.0": [("IDN", "IDN", "173")],
    "473.0": [("---", "IGO", "120")],
    "484.0": [("USA", "IRN", "112"), ("IRN", "USA", "111")],
    "485.0": [("IGO", "USA", "100"), ("IGO", "USA", "130")],
    "491.0": [("USA", "---", "030"), ("---", "USA", "030")],
    "492.0": [("IRQ", "USA", "181"), ("IRQ", "GBR", "181")],
    "496.0": [("IDN", "IDN", "173"), ("IDN", "IDN", "072")],
    "504.0": [("NGO", "BDI", "112")],
    "505.0": [("IGO", "USA", "111"), ("IGO", "IRQ", "111")],
    "507.0": [("SDN", "USA", "112")],
    "518.0": [("PAK", "PAK", "191")],
    "519.0": [("USA", "CHN", "046"), ("CHN", "USA", "046")],
    "521.0": [("GBR", "GBR", "1383")],
    "522.0": [("SDN", "IGO", "111")],
    "526.0": [("IRQ", "IRQ", "1832")],
    "530.0": [("IGO", "ITA", "051")],
    "531.0": [("SDN", "IGO", "111"), ("SDN", "IGO", "035")],
    "532.0": [("IRQ", "USA", "1832"), ("IRQ", "IRQ", "1832")],
    "533.0": [("SDN", "IGO", "111")],
    "540.0": [("SDN", "IGO", "111")],
    "541.0": [("GBR", "GBR", "027")],
    "546.0": [("IGO", "IRN", "1042")],
    "549.0": [("COD", "COD", "190")],
    "554.0": [("USA", "USA", "193")],
    "564.0": [("IRN", "---", "1232")],
    "566.0": [("USA", "USA", "051")],
    "567.0": [("USA", "IRQ", "010")],
    "569.0": [("USA", "USA", "051")],
    "572.0": [("---", "TUR", "181")],
    "575.0": [("USA", "IGO", "010")],
    "579.0": [("USA", "USA", "022")],
    "580.0": [("USA", "---", "040"), ("---", "USA", "040")],
    "581.0": [("---", "USA", "190")],
}


def build() -> tuple[list[dict], list[dict]]:
    """The sixth batch's gold rows and article rows, in item order."""
    return build_batch(ITEMS, LABELS, BATCH)


def main() -> None:
    write_batch(ITEMS, LABELS, BATCH)


if __name__ == "__main__":
    main()
