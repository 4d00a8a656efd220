"""WordNet agent nouns (``earlywarn/data/agents_wordnet_en.txt``, built by
``experiments/coding/build_agent_nouns.py``): the shipped list's format and types, the
criterion on a small WordNet in the database's own file format, and real sentences that the
coder codes only with the list (``EventCoder(agents=wordnet_agents())``, opt-in)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from earlywarn.extract.coding.petrarch import read_agents
from earlywarn.extract.events import EventCoder, _data, wordnet_agents
from tests.scripts import load_script

LINE = re.compile(r"^([A-Z]+(?:_[A-Z]+)*) \{([A-Z]+(?:_[A-Z]+)*)?\} \[~([A-Z]{3})\]$")
TYPES = {"CVL", "COP", "MIL", "REB", "UAF", "CRM", "GOV", "LEG", "JUD", "MED", "HLH", "EDU",
         "BUS", "LAB", "AGR", "REF", "REL", "OPP", "SPY", "PTY", "ENV"}  # fmt: skip


def _builder():  # type: ignore[no-untyped-def]
    return load_script("experiments/coding/build_agent_nouns.py")


def test_the_shipped_list_is_in_the_agents_format_with_cameo_types() -> None:
    text = _data("agents_wordnet_en.txt").read_text(encoding="utf-8")
    head = [x for x in text.splitlines() if x.startswith("#")]
    body = [x for x in text.splitlines() if x and not x.startswith("#")]
    assert any("Princeton University" in x for x in head)  # the WordNet licence's notice
    assert len(body) > 5000
    names = []
    for line in body:
        m = LINE.match(line)
        assert m, line
        assert m.group(3) in TYPES, line
        names.append(m.group(1))
    assert names == sorted(names, key=lambda n: n.lower().replace("_", " "))
    assert len(set(names)) == len(names)
    d = read_agents(_data("agents_wordnet_en.txt"))
    types = {w: d[(w,)].code for w in ("sniper", "snipers", "doctor", "doctors", "police",
             "troops", "judge", "journalist", "refugees", "party", "rebels", "critics", "men")}  # fmt: skip
    assert types == {"sniper": "MIL", "snipers": "MIL", "doctor": "HLH", "doctors": "HLH",
                     "police": "COP", "troops": "MIL", "judge": "JUD", "journalist": "MED",
                     "refugees": "REF", "party": "PTY", "rebels": "REB", "critics": "CVL",
                     "men": "CVL"}  # fmt: skip
    # first sense not a person or group (the body, a compartment, any set, an influence, a
    # place), usually a verb in EWT (accused), or a pronoun (someone): no agent
    for w in ("body", "cell", "group", "force", "city", "accused", "someone", "one"):
        assert (w,) not in d, w
    assert ("troopses",) not in d  # a plural lemma gets no plural


def _wordnet(folder: Path) -> None:
    """A small WordNet in the wndb(5) format: data.noun, index.noun, index.sense."""
    syn = {  # offset: (lemmas, hypernym offsets, gloss)
        "00000001": (["person"], [], "a human being"),
        "00000002": (["people"], [], "(plural) any group of human beings"),
        "00000003": (["social_group"], [], "people sharing some social relation"),
        "00000004": (["thing"], [], "a separate and self-contained entity"),
        "00000005": (["policeman", "officer"], ["00000001"], "a member of a police force"),
        "00000006": (["body"], ["00000004"], "the entire physical structure of an organism"),
        "00000007": (["body"], ["00000003"], "a group of persons associated by some tie"),
        "00000008": (["Rebel"], ["00000001"], "a Confederate soldier"),
        "00000009": (["insurgent", "rebel"], ["00000001"], "a person who takes part in an armed rebellion"),
        "00000010": (["constable"], ["00000005"], "a lower-ranking police officer"),
        "00000011": (["widget"], ["00000001"], "a person who makes widgets"),
        "00000012": (["widget"], ["00000004"], "a small gadget"),
        "00000013": (["officer"], ["00000004"], "a ship's fitting"),
    }  # fmt: skip
    lines = ["  1 This software and database is being provided to you"]
    for off, (lemmas, hyp, gloss) in syn.items():
        words = " ".join(f"{w} 0" for w in lemmas)
        ptrs = " ".join(f"@ {h} n 0000" for h in hyp)
        lines.append(f"{off} 18 n {len(lemmas):02x} {words} {len(hyp):03d} {ptrs} | {gloss}")
    (folder / "data.noun").write_text("\n".join(lines) + "\n", encoding="latin-1")
    senses = {"person": ["00000001"], "people": ["00000002"], "social_group": ["00000003"],
              "policeman": ["00000005"], "officer": ["00000005", "00000013"],
              "body": ["00000006", "00000007"], "rebel": ["00000008", "00000009"],
              "insurgent": ["00000009"], "constable": ["00000010"],
              "widget": ["00000011", "00000012"]}  # fmt: skip
    idx = [f"{w} n {len(o)} 1 @ {len(o)} 1 {' '.join(o)}" for w, o in sorted(senses.items())]
    (folder / "index.noun").write_text("\n".join(idx) + "\n", encoding="latin-1")
    tags = {("officer", "00000005"): 3, ("body", "00000006"): 9, ("rebel", "00000009"): 2}
    sense = [f"{w}%1:18:00:: {o} {k + 1} {tags.get((w, o), 0)}"
             for w, offs in senses.items() for k, o in enumerate(offs)]  # fmt: skip
    (folder / "index.sense").write_text("\n".join(sense) + "\n", encoding="latin-1")


def test_the_criterion_on_a_small_wordnet(tmp_path: Path) -> None:
    b = _builder()
    _wordnet(tmp_path)
    anchors = [("policeman", 1, "a member of a police force", "COP"),
               ("insurgent", 1, "a person who takes part", "REB")]  # fmt: skip
    rows = b.build(b.WordNet(tmp_path), anchors, closed={"person"})
    got = {phrase: kind for phrase, _plural, kind in rows}
    assert got == {
        "policeman": "COP",  # an anchor itself
        "constable": "COP",  # the nearest anchor above it
        "officer": "COP",  # first sense a person, tagged in SemCor; its other sense a thing
        "rebel": "REB",  # the proper-name sense (Rebel) is skipped: first common sense
        "insurgent": "REB",
        "people": "CVL",  # a group of people, no anchor: CVL
        "social group": "CVL",
    }
    # 'body': first sense the physical body; 'widget': first sense a person but untagged
    # and another sense a thing; 'person': a closed-class word in this run
    assert ("people", None, "CVL") in rows  # 'people' is its own plural
    text = b.render(rows)
    assert "POLICEMAN {POLICEMEN} [~COP]" in text and "Princeton University" in text
    # the wrong WordNet (another sense order) stops the build
    with pytest.raises(SystemExit):
        b.build(b.WordNet(tmp_path), [("body", 1, "a group of persons", "GOV")], closed=set())


@pytest.fixture(scope="module")
def coders() -> tuple[EventCoder, EventCoder, EventCoder, EventCoder]:
    return (EventCoder(), EventCoder(agents=wordnet_agents()),
            EventCoder(unknown_actors=True),
            EventCoder(agents=wordnet_agents(), unknown_actors=True))  # fmt: skip


def _events(coder: EventCoder, sentence: str) -> set[tuple[str, str, str]]:
    return {(e.source_code, e.target_code, e.code[:2]) for e in coder.code_sentence(sentence)}


def test_real_sentences_code_only_with_wordnet_agents(coders) -> None:  # type: ignore[no-untyped-def]
    main, wn, main_unknown, wn_unknown = coders
    # UD English-EWT weblog (juancole.com, 2005-11-26): 'engineer' is an agent noun only
    # in WordNet's list, so the event has a target only with it (unknown-actor mode)
    s = "Guerrillas killed an engineer, Asi Ali, from Tikrit."
    assert _events(wn_unknown, s) == {("---REB", "---CVL", "19")}
    assert _events(main_unknown, s) == set()
    # UD English-EWT weblog (healingiraq, 2004-04-09): 'snipers' (MIL, WordNet's shooter)
    # and 'children' take the sentence's only named country (default mode)
    s = ('"They are targetting ambulances", "American snipers are shooting children and '
         'pregnant women", and "They are using cluster bombs against civilians" is all you '
         "get to hear from him.")  # fmt: skip
    assert ("USAMIL", "USACVL", "19") in _events(wn, s)
    assert _events(main, s) == set()
