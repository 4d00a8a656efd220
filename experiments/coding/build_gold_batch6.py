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
}


def build() -> tuple[list[dict], list[dict]]:
    """The sixth batch's gold rows and article rows, in item order."""
    return build_batch(ITEMS, LABELS, BATCH)


def main() -> None:
    write_batch(ITEMS, LABELS, BATCH)


if __name__ == "__main__":
    main()
