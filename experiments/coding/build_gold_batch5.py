"""Append the news gold set's fifth batch (the next AG News World items, issue 12) to the shipped files.

Run once from the repository root: ``PYTHONPATH=$PWD python experiments/coding/build_gold_batch5.py``.
Items: ``gold_batch5_items.py`` (selection there; source and transcription rule as for the fourth
batch). Rows, article keys, the split (SHA-1 of the key odd = held aside, fixed by the rule before
any sentence was coded) and the file writing are the fourth batch's code
(``build_gold_batch4.build`` / ``main``), called with this batch's items, labels and
``batch: 5``.

``LABELS`` were coded by hand (one annotator, rules 1-7 and the relabelled rule 2 of
``earlywarn/data/eval/README.md`` with the fourth batch's readings, blind: no coder run on these
texts before they were committed). Key ``"<World ordinal>.<sentence index>"``; sentences not
listed have no event.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_gold_batch4 import build as build_batch
from build_gold_batch4 import main as write_batch
from gold_batch5_items import ITEMS

BATCH = 5

LABELS: dict[str, list[tuple[str, str, str]]] = {
    "189.0": [("NPL", "IGO", "126")],
    "194.0": [("USA", "USA", "0242")],
    "196.0": [("GBR", "SDN", "130")],
    "201.0": [("ERI", "SDN", "0874")],
    "202.0": [("YEM", "---", "173")],
    "204.0": [("YEM", "YEM", "173")],
    "207.0": [("SDN", "IGO", "164")],
    "209.0": [("USA", "IRQ", "190"), ("IRQ", "USA", "190")],
    "212.0": [("USA", "USA", "051")],
    "224.0": [("FRA", "IRQ", "0253"), ("IRQ", "FRA", "181")],
    "230.0": [("SDN", "SDN", "112")],
    "231.0": [("GBR", "GBR", "111")],
    "232.0": [("USA", "USA", "0242")],
    "233.0": [("IND", "---", "051")],
    "235.0": [("USA", "IRQ", "040"), ("IRQ", "USA", "040")],
    "236.0": [("IRQ", "IRQ", "040")],
    "243.0": [("VNM", "VNM", "0841")],
    "244.0": [("IRQ", "IRQ", "0256")],
    "245.0": [("ISR", "USA", "040"), ("USA", "ISR", "040"), ("USA", "USA", "091")],
    "246.0": [("IRQ", "IRQ", "0256")],
    "247.0": [("USA", "USA", "111")],
    "249.0": [("RUS", "---", "138")],
    "257.0": [("GBR", "PRK", "036")],
    "261.0": [("RUS", "RUS", "112")],
    "265.0": [("LBY", "LBY", "0331")],
    "267.0": [("IRQ", "IRQ", "190")],
    "268.0": [("IRQ", "IRQ", "190")],
    "269.0": [("RUS", "RUS", "1831")],
    "271.0": [("ISR", "PSE", "191")],
    "275.0": [("---", "USA", "140")],
    "280.0": [("ISR", "PSE", "1712")],
    "282.0": [("IRQ", "FRA", "181")],
    "285.0": [("USA", "USA", "0241")],
    "286.0": [("IRQ", "---", "181")],
    "294.0": [("USA", "USA", "111")],
    "295.0": [("ISR", "PSE", "190"), ("ISR", "PSE", "195")],
    "300.0": [("ISR", "PSE", "195")],
    "301.0": [("---", "FRA", "181")],
    "304.0": [("LBN", "IGO", "1246")],
    "313.0": [("ZAF", "GNQ", "125")],
    "314.0": [("BGD", "USA", "031")],
    "316.0": [("IRQ", "IRQ", "173")],
    "321.0": [("IND", "PAK", "046"), ("PAK", "IND", "046")],
    "325.0": [("IRQ", "FRA", "181")],
    "331.0": [("IND", "PAK", "046"), ("PAK", "IND", "046")],
    "335.0": [("IRQ", "USA", "190"), ("USA", "IRQ", "190")],
    "336.0": [("USA", "IRQ", "190"), ("IRQ", "USA", "190")],
    "337.0": [("ISR", "PSE", "195"), ("ISR", "---", "190")],
    "342.0": [("USA", "IRQ", "190"), ("IRQ", "USA", "190")],
    "345.0": [("USA", "USA", "111")],
    "351.0": [("ISR", "PSE", "190")],
    "352.0": [("THA", "GBR", "190")],
    "353.0": [("EGY", "PSE", "162")],
    "356.0": [("CHN", "CHN", "0242")],
    "360.0": [("RUS", "RUS", "112"), ("RUS", "USA", "051")],
    "361.0": [("IDN", "AUS", "1832"), ("IDN", "IDN", "1832")],
    "363.0": [("USA", "USA", "010")],
    "370.0": [("PSE", "ISR", "190"), ("ISR", "PSE", "190")],
    "374.0": [("SDN", "NGA", "028")],
    "375.0": [("IGO", "TUR", "111")],
    "376.0": [("IND", "PAK", "046"), ("PAK", "IND", "046")],
    "378.0": [("ZWE", "GBR", "173")],
    "381.0": [("USA", "IRQ", "073")],
}


def build() -> tuple[list[dict], list[dict]]:
    """The fifth batch's gold rows and article rows, in item order."""
    return build_batch(ITEMS, LABELS, BATCH)


def main() -> None:
    write_batch(ITEMS, LABELS, BATCH)


if __name__ == "__main__":
    main()
