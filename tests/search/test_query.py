"""Query parsing: words, phrases, OR, exclusion."""

from __future__ import annotations

import pytest

from earlywarn.errors import SearchError
from earlywarn.search._query import Unit, parse_query


def texts(q: str) -> list[list[str]]:
    return [[u.text for u in c] for c in parse_query(q).must]


def test_words_phrases_or_and_exclusion() -> None:
    p = parse_query('"Biển Đông" tàu OR thuyền -"du lịch" -cá')
    assert p.must == [[Unit("Biển Đông", phrase=True)], [Unit("tàu"), Unit("thuyền")]]
    assert p.must_not == [Unit("du lịch", phrase=True), Unit("cá")]
    assert p.runs == []
    assert texts("rare earths Vietnam") == [["rare"], ["earths"], ["Vietnam"]]
    assert parse_query("rare earths Vietnam").runs == [["rare", "earths", "Vietnam"]]


def test_edge_cases() -> None:
    assert texts('"unclosed phrase') == [["unclosed phrase"]]
    assert texts("OR a") == [["a"]]  # a leading OR is a no-op
    assert texts("a OR") == [["a"]]
    assert texts("- -- , !!") == []  # no word in it
    assert texts("C++ -") == [["C++"]]
    assert parse_query("a b OR c d").runs == []  # b OR c breaks the runs: a, d alone
    assert texts("a b OR c d") == [["a"], ["b", "c"], ["d"]]


def test_too_long() -> None:
    with pytest.raises(SearchError, match="at most"):
        parse_query(" ".join(f"w{i}" for i in range(40)))
