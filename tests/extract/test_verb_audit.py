"""The verb audit's dictionary fixes (``verbs_en_extra.txt``, experiments/coding/verb_audit.md).

Made-up sentences, varied in actors, for each audited verb: the code follows the CAMEO
manual's definition, a verb re-coded to no event still codes through its block's patterns,
and a supplement's entry replaces the main dictionary's.
"""

from __future__ import annotations

import re
from importlib.resources import files

import pytest

from earlywarn.extract.coding.petrarch import read_verbs
from earlywarn.extract.events import EventCoder


@pytest.fixture(scope="module")
def coder() -> EventCoder:
    return EventCoder()


def _codes(coder: EventCoder, sentence: str) -> set[tuple[str | None, str | None, str]]:
    return {(e.source_country, e.target_country, e.code) for e in coder.code_sentence(sentence)}


def test_a_supplement_entry_replaces_the_main_dictionarys() -> None:
    main = ["--- DESTROY [190] ---", "BEAT", "CRUSH", "- * &ARMY [193]", "",
            "&ARMY", "+ARMY", "", "--- FOUND [060] ---", "FOUND"]  # fmt: skip
    extra = ["--- DESTROY [190] ---", "BEAT [182]", "CRUSH [---]", "- * REBELS [194]", "",
             "--- DISCOVER [---] ---", "FIND {FOUND}"]  # fmt: skip
    vd = read_verbs(main, extra)
    assert [(f.block, f.code) for f in vd.forms[("beating",)]] == [("DESTROY", "182")]
    assert vd.forms[("crushed",)][0].null  # [---]: only the block's patterns code it
    assert [f.block for f in vd.forms[("found",)]] == ["DISCOVER"]  # 'found' = past of find
    assert [f.block for f in vd.forms[("founded",)]] == ["FOUND"]
    assert {p.code for p in vd.blocks["DESTROY"].patterns} == {"193", "194"}  # both files'
    # within one file, the first entry stays first (the main dictionary is read as it is)
    assert vd.forms[("beat",)][0].code == "182"
    assert read_verbs(["--- X [010] ---", "SAY", "SAY [020]"]).forms[("say",)][0].code is None


def test_every_audited_block_exists_in_the_main_dictionary() -> None:
    data = files("earlywarn") / "data"
    main = (data / "CAMEO.2.0.txt").read_text(encoding="utf-8")
    extra = (data / "verbs_en_extra.txt").read_text(encoding="utf-8")
    blocks = set(re.findall(r"^---\s*(\S+)\s*\[", main, flags=re.M))
    audited = re.findall(r"^---\s*(\S+)\s*\[", extra.split("# Verb audit", 1)[1], flags=re.M)
    assert len(audited) >= 15 and set(audited) <= blocks


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # 182 'Beatings are coded here' (not 190, war)
        ("Kenyan police beat Somali refugees in Nairobi.", {("KEN", "SOM", "182")}),
        (
            "Egyptian soldiers were beating Sudanese migrants at the border.",
            {("EGY", "SDN", "182")},
        ),
        # 052 'Defend verbally, justify policy, action or actor' (074 is sending forces)
        (
            "China defended North Korea against American criticism.",
            {("CHN", "PRK", "052"), ("CHN", "USA", "052")},
        ),
        # 042 'All visits and travels'; British spelling too
        ("The Japanese emperor toured Vietnam last week.", {("JPN", "VNM", "042")}),
        # 051 'Express support for ... actor'; 061 trade relations
        ("Brazil backed Argentina's bid.", {("BRA", "ARG", "051")}),
        ("Japan trades with Vietnam.", {("JPN", "VNM", "061")}),
        # re-coded to no event: facing, economic hurt, passing a law, a claim's own reading
        ("Iran faces new sanctions from the European Union.", set()),
        ("Chinese tariffs have hurt American farmers.", set()),
        ("The Kenyan government passed a law against Somali traders.", set()),
        ("Russia claimed Ukraine had shelled Donetsk.", set()),
        # 100 'Demand': pressuring an actor is a demand, not IMPEL's 170 (repression)
        ("Saudi Arabia pressured Qatar.", {("SAU", "QAT", "100")}),
        (
            "The United States is pressuring Israel to halt settlement construction.",
            {("USA", "ISR", "100")},
        ),
        # 192 'Occupy territory': annexing, not TAKE_PROPERTY's 171 (seizing property)
        ("Iraq annexed Kuwait in 1990.", {("IRQ", "KWT", "192")}),
        ("Israel annexed parts of the West Bank.", {("ISR", "PSE", "192")}),
        # TAKE is [---], its block's patterns still code ('took positions': occupy)
        ("Australian troops took positions near the Iraqi border.", {("AUS", "IRQ", "192")}),
    ],
)
def test_audited_verbs_code_by_the_manual(
    coder: EventCoder, sentence: str, expected: set[tuple[str, str, str]]
) -> None:
    assert _codes(coder, sentence) == expected


def test_travel_codes_a_visit_in_either_spelling(coder: EventCoder) -> None:
    for verb in ("traveled", "travelled"):
        got = _codes(coder, f"The Canadian prime minister {verb} to India on Monday.")
        assert got == {("CAN", "IND", "042")}, verb
