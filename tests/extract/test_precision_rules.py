"""Precision rules of the English coder on real news (issue 12), one made-up sentence per cause.

The causes were found on the tuning half of the precision check set
(``earlywarn/data/eval/en_news_check.jsonl``); every sentence here is made up for the
construction, and each rule is checked against its counterpart that must still code.
"""

from __future__ import annotations

import pytest

from earlywarn.extract.events import EventCoder


@pytest.fixture(scope="module")
def coder() -> EventCoder:
    return EventCoder()


def _codes(coder: EventCoder, sentence: str) -> set[tuple[str, str, str]]:
    return {(e.source_code, e.target_code, e.code) for e in coder.code_sentence(sentence)}


def test_sports_report_results_are_no_force(coder: EventCoder) -> None:
    result = "Brazil beat Argentina on Sunday."
    assert _codes(coder, result) == {("BRA", "ARG", "182")}  # alone: the dictionary reading
    report = [result, "The match ended 2-1 after a late goal.", "Brazil now lead the league."]
    assert coder.code_sentences(report)[0] == []


def test_common_foe_is_not_a_reciprocal_fight(coder: EventCoder) -> None:
    got = _codes(
        coder, "Kenya and Uganda have captured or killed about half of the rebel commanders."
    )
    assert got == set()
    assert {c[2][:2] for c in _codes(coder, "Kenya and Uganda clashed on Monday.")} == {"19"}


def test_one_phrase_gives_one_actor(coder: EventCoder) -> None:
    got = _codes(
        coder, "Pakistan was accused by Afghan and Western leaders of harbouring militants."
    )
    assert got == {("AFGGOV", "PAK", "112")}  # not also AFG -> PAK from 'Afghan'


def test_dateline_is_no_subject(coder: EventCoder) -> None:
    got = _codes(
        coder, "WASHINGTON (Reuters) - French diplomats criticized President Bush on Thursday."
    )
    assert {s for s, _t, _c in got} == {"FRAGOV"}


def test_own_troops_are_what_is_sent(coder: EventCoder) -> None:
    got = _codes(coder, "Ghana said it would not send Ghanaian troops to Mali.")
    assert {(s, t) for s, t, _c in got} == {("GHA", "MLI")}


def test_complement_through_an_aspectual_verb(coder: EventCoder) -> None:
    got = _codes(coder, "Japan pledged to continue assisting Vietnam.")
    assert len(got) == 1 and next(iter(got))[2][:2] == "03"  # an intent, not also aid given


def test_reason_clause_is_not_coded(coder: EventCoder) -> None:
    got = _codes(coder, "Brazil criticized Germany for attacking France.")
    assert {t for _s, t, _c in got} == {"DEU"}


def test_naming_is_no_phone_call(coder: EventCoder) -> None:
    for s in ("Sweden called the Norwegian plan a disaster.",
              "Sweden called the Norwegian plan very important.",
              "Sweden called the Norwegian plan dangerous and unfair."):  # fmt: skip
        assert _codes(coder, s) == set(), s
    assert ("SWE", "NOR", "041") in _codes(coder, "Sweden called Norway last week.")


def test_wish_takes_no_target_from_its_uncoded_complement(coder: EventCoder) -> None:
    assert _codes(coder, "Egypt hopes to turn Sudan into an ally.") == set()
    assert _codes(coder, "Egypt wants to drive Sudan toward civil war.") == set()
    assert _codes(coder, "Egypt threatened to attack Sudan.") == {("EGY", "SDN", "138")}
