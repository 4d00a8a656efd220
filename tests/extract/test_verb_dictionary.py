"""The verb dictionary reader and pattern matcher against the format's documented meaning
(PETRARCH-2's ``PETRreader.read_verb_dictionary`` notes and the patterns of CAMEO.2.0.txt).

Sentences are made up for the construction they test.
"""

from __future__ import annotations

import pytest

from earlywarn.extract.coding.engine import VerbMatcher, premodifier_governors
from earlywarn.extract.coding.parser import parse
from earlywarn.extract.coding.petrarch import inflect_verb, read_verbs
from earlywarn.extract.coding.syntax import doc_tokens
from earlywarn.extract.events import EventCoder


@pytest.fixture(scope="module")
def shipped() -> VerbMatcher:
    return EventCoder().verbs


def test_verbs_ending_in_ee_or_ie_have_their_real_ing_forms(shipped: VerbMatcher) -> None:
    assert {"agreeing", "agrees", "agreed"} <= inflect_verb("agree")
    assert "dying" in inflect_verb("die") and "diing" not in inflect_verb("die")
    assert "eyeing" in inflect_verb("eye")
    # CAMEO.2.0.txt lists AGREE, GUARANTEE, DISAGREE with no irregular forms
    for form, block in (("agreeing", "AGREE"), ("guaranteeing", "PROMISE")):
        assert shipped.vd.forms[(form,)][0].block == block


def test_tabari_semicolon_comments_are_no_part_of_a_verb() -> None:
    vd = read_verbs(["--- SCRAP [---] ---", "SCRAP {SCRAPPING SCRAPS SCRAPPED };shan   8/30/93",
                     "VOW ;tony  3/9/91", "- * PLAN [1056] ; pas 4/20/03"])  # fmt: skip
    assert ("scrap",) in vd.forms and ("vow",) in vd.forms and ("vowed",) in vd.forms
    assert not any("shan" in ph or "tony" in ph for ph in vd.forms)
    assert vd.blocks["SCRAP"].patterns[0].code == "1056"


def test_pattern_nouns_match_their_ies_plurals() -> None:
    vd = read_verbs(["--- ATTACK [190] ---", "ATTACK", "- * &FOE [193]", "", "&FOE", "+ENEMY"])
    vm = VerbMatcher(vd)
    form = vd.forms[("attacked",)][0]
    assert vm.code_for(form, ["the", "rebels", "attacked", "enemies"], 2, 3) == ("193", None, True)
    assert vm.code_for(form, ["the", "rebels", "attacked", "enemy"], 2, 3) == ("193", None, True)
    assert vm.code_for(form, ["the", "rebels", "attacked", "partys"], 2, 3)[2] is False


def _code(vm: VerbMatcher, sentence: str, verb: str, parsed: bool) -> tuple[str | None, ...]:
    doc = parse([sentence])[0]
    toks = doc_tokens(doc)
    low = [t.low for t in toks]
    i = low.index(verb)
    form = vm.vd.forms[(verb,)][0]
    gov = premodifier_governors(doc) if parsed else None
    code, paired, by_pattern = vm.code_for(form, low, i, i + 1, doc[i].right_edge.i + 1, gov)
    return code, paired, by_pattern


def test_pattern_groups_skip_the_modifiers_of_their_noun(shipped: VerbMatcher) -> None:
    # TAKE [---] (verbs_en_extra.txt) codes through '- * (TO STREET) [141]' only:
    # 'to the streets' is the preposition and the noun it governs
    sent = "Thousands of Iranians took to the streets of Tehran on Friday."
    assert _code(shipped, sent, "took", parsed=True) == ("141", None, True)
    assert _code(shipped, sent, "took", parsed=False)[2] is False  # words in a row only
    # ENGAGE's '- * (IN &NEGOTIATION) [046]' (&NEGOTIATION holds DIALOGUE) through two adjectives
    sent = "Hamas urged Fatah to engage in meaningful political dialogue."
    assert _code(shipped, sent, "engage", parsed=True)[::2] == ("046", True)


def test_a_skipped_word_must_belong_to_the_next_words_noun_phrase(shipped: VerbMatcher) -> None:
    # 'to' and 'streets' are in different phrases: no (TO STREET) reading
    sent = "The protesters took their complaints to officials while the streets filled."
    assert _code(shipped, sent, "took", parsed=True)[2] is False


def test_transformations_are_read_as_such_not_as_verbs_of_the_last_block(
    shipped: VerbMatcher,
) -> None:
    lines = ["--- OFFEND [---] ---", "OFFEND", "", "~ a (b . ATTACK) SAY = a b 112",
             "~ a (b . ATTACK ) WANT = a b 021"]  # fmt: skip
    vd = read_verbs(lines)
    assert not any(ph[0].startswith("~") for ph in vd.forms)
    assert [(t.inner, t.outer, t.result) for t in vd.transformations] == [
        (("b", ".", "ATTACK"), "SAY", ("a", "b", "112")),
        (("b", ".", "ATTACK"), "WANT", ("a", "b", "021")),
    ]
    assert len(shipped.vd.transformations) == 8  # CAMEO.2.0.txt's, one commented out
    with pytest.raises(ValueError, match="transformation"):
        read_verbs(["~ a SAY = a b 112"])


def test_a_transformations_verbs_stand_for_their_dictionary_codes(shipped: VerbMatcher) -> None:
    from earlywarn.extract.coding.petrarch import VerbKey, covers

    keys = {t.rule.outer: t.outer for t in shipped.transforms}
    # CLAIM is a statement in verbs_en_extra.txt (the verb audit), as SAY is
    assert keys["SAY"].code == keys["CLAIM"].code == "010"
    assert keys["ATTEMPT"] == VerbKey(None, "ATTEMPT")  # no code: its block
    assert [t.inner.code if t.inner else "Q" for t in shipped.transforms][4:] == [
        "Q", "190", "190", "186"]  # fmt: skip
    # PETRARCH-2's masks: a root-level code covers its root, save the negations
    assert covers("010", "012") and covers("190", "1951") and not covers("190", "180")
    assert not covers("010", "016") and covers("186", "186") and not covers("186", "185")
