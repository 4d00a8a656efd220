"""The agents dictionary reader on the real lines of PETRARCH-2's ``Phoenix.agents.txt``
(shipped in ``earlywarn/data``) and ``PETR.Validate.agents.txt``, against the format as
PETRARCH-2's ``PETRreader.read_agent_dictionary`` reads it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from earlywarn.extract.coding.petrarch import AgentEntry, read_agents
from earlywarn.extract.events import EventCoder

PHOENIX = Path(__file__).resolve().parents[2] / "earlywarn" / "data" / "Phoenix.agents.txt"


@pytest.fixture(scope="module")
def phoenix() -> dict[tuple[str, ...], AgentEntry]:
    return read_agents(PHOENIX)


def _code(d: dict[tuple[str, ...], AgentEntry], phrase: str) -> str | None:
    e = d.get(tuple(phrase.split()))
    return e.code if e else None


def test_the_shipped_file_is_the_stored_petrarch2_copy() -> None:
    text = PHOENIX.read_text(encoding="utf-8")
    assert len(text) == 61928  # characters of the stored copy (SOURCES.md)
    assert "Copyright (c) 2014 Open Event Data Alliance" in text


def test_substitution_sets_replace_the_marker_in_place(phoenix) -> None:  # type: ignore[no-untyped-def]
    # CATTLE!PERSON!, HUSBAND!PERSON![~AGR] (no blank before the code), FOREIGN_!MINIST!
    assert _code(phoenix, "cattleman") == _code(phoenix, "cattlewomen") == "AGR"
    assert ("cattle", "man") not in phoenix
    assert _code(phoenix, "husbandmen") == "AGR"
    assert _code(phoenix, "foreign ministries") == "GOV"
    # '!MINIST! FOR_DEFENCE [~GOVMIL]': a blank joins consecutive words like '_'
    assert _code(phoenix, "minister for defence") == "GOVMIL"
    assert _code(phoenix, "ministries of health") == "GOVHLH"
    # a member is used as written: no plural formed from it
    assert not {("cattlemens",), ("congressmens",), ("spokesmens",)} & phoenix.keys()
    # 'FIRE!PERSON! {} [~GOV]': the braces of a marker line name no word
    assert _code(phoenix, "fireman") == "GOV" and not any("{}" in w for k in phoenix for w in k)
    # 'AD!MINIST!RATIVE' (a second marker inside a word) gives no phrase
    assert not [k for k in phoenix if "ad" in k and k[k.index("ad") + 1 :][:1] == ("minist",)]
    assert not [k for k in phoenix if k[:2] == ("minister", "for") and "reform" in k]


def test_plurals_comments_and_malformed_lines(phoenix) -> None:  # type: ignore[no-untyped-def]
    assert _code(phoenix, "police") == "COP" and ("polices",) not in phoenix  # POLICE {}
    assert _code(phoenix, "thieves") == "CRM"  # THIEF {THIEVES}
    assert _code(phoenix, "chambers of commerce") == "BUS"  # given plural, one phrase
    assert _code(phoenix, "ambassadors") == "GOV"  # regular plural
    assert _code(phoenix, "ministry") == "GOV"  # 'MINISTRY_  [~GOV]': stopped
    assert ("bank",) not in phoenix  # '#BANK [~BUS]' is a comment
    assert _code(phoenix, "national security force") == "MIL"  # '[~MIL] # HACKISH FIX ...'
    assert _code(phoenix, "deparment of environment") == "ENV"  # '[~ENV}'
    assert ("islamic", "extremist") not in phoenix  # 'ISLAMIC_EXTREMIST' has no code
    assert _code(phoenix, "islamic extremist group") == "MUSRAD"
    troops = phoenix[("peacekeeping", "troops")]  # 'PEACEKEEPING_TROOPS {} [IGO~]'
    assert troops == AgentEntry("IGO", True)
    assert _code(phoenix, "assailant") == "CRM"  # listed [~CRM] first, [~UAF] later


def test_tabari_stems_read_as_the_dictionarys_own_words(phoenix) -> None:  # type: ignore[no-untyped-def]
    # 'DEFENSE_MINIST [~GOVMIL]', 'TRANSPORT_COMPAN [~BUS]', 'PORT_AUTHORIT [~GOV]'
    assert _code(phoenix, "defense ministry") == _code(phoenix, "defense ministers") == "GOVMIL"
    assert _code(phoenix, "transport companies") == "BUS"
    assert _code(phoenix, "port authority") == "GOV"
    # a word the lexicon knows is no stem: MAN [~PPL] does not reach 'manufacturer'
    assert _code(phoenix, "man") == "PPL" and _code(phoenix, "manufacturer") == "BUS"


def test_validate_dictionary_markers_as_petrarch2() -> None:
    d = read_agents(
        ["!PERSON! = MAN, MEN, WOMAN, WOMEN, PERSON",
         "!MINST! = MINISTER, MINISTERS, MINISTRY, MINISTRIES",
         "CONGRESS!PERSON! [~LEG] # pas 14.04.22: check for substitution marker",
         "!MINST!_OF_SILLY_WALKS [~GOV] ",
         "POLICE {} [ ~COP] # JON 2/8/95",
         "HUMAN_RIGHTS_BODY  [NGO~] # BNL 07 Dec 2001"]
    )  # fmt: skip
    assert d[("congresswomen",)] == AgentEntry("LEG", False)
    assert ("congress", "man") not in d
    assert d[("ministries", "of", "silly", "walks")].code == "GOV"
    assert d[("police",)].code == "COP"
    assert d[("human", "rights", "bodies")] == AgentEntry("NGO", True)


def test_an_agent_only_phoenix_lists_is_coded_through_the_event_coder() -> None:
    default, phoenix = EventCoder(), EventCoder(agents=PHOENIX)
    s = "Egyptian police detained Coptic pilgrims in Cairo."
    assert ("pilgrims",) not in default.agents  # PILGRIM [~REL] is Phoenix's only
    got = [(e.source_code, e.target_code, e.code[:2]) for e in phoenix.code_sentence(s, "en")]
    assert got == [("EGYCOP", "EGYREL", "17")]
    assert default.code_sentence(s, "en") == []
