"""The AG News items of the news gold set's sixth batch (issue 12), transcribed by hand.

Source, transcription rule and ``clean`` as for the fourth and fifth batches
(``gold_batch4_items.py``, ``gold_batch5_items.py``): AG News ``test.csv`` in the same repository,
commit and path. Selection (written down before any item was read for coding): the next World
items of the file (label 1), in file order, right after the fifth batch's last one (World ordinal
383, the row titled "Alleged U.S. Deserter Set to Surrender", dateline ``TOKYO - ``): World
ordinals 384-583, the next 200 World rows, the first being the row titled "Milosevic #39;s
Lawyers to Appeal Own Appointment". The rows are read in 16,000-character pages from offset
360,000, every World row of the pages read taken whole and in order; no row is left out or
chosen by its content (sports, markets, weather and US campaign items of the World class are
kept as they come; duplicate items of the corpus are kept as the file has them). If time does
not allow 200 items to be coded with care, the list is cut at the last whole item coded, in
file order (never a half-coded item), and the README says so. Each entry: (World ordinal,
removed prefix, description text); the raw description is ``prefix + text`` as the CSV gives it
after unquoting (``""`` -> ``"``); prefixes (agency tag and/or dateline) as in the fifth batch.
"""

from gold_batch4_items import COMMIT, PATH, REPO, clean

__all__ = ["COMMIT", "ITEMS", "PATH", "REPO", "clean"]

ITEMS: list[tuple[int, str, str]] = [
]
