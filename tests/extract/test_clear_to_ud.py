"""The ClearNLP -> UD converter of the news-parser experiment (experiments/coding/clear_to_ud.py).

Each input is the parse spaCy's ``en_core_web_sm`` 3.8.0 gives the sentence (heads, labels,
POS and tags copied from its output), so the model itself is not needed; the expected
output is the parse UD English-EWT writes, and the coder's role readers
(:mod:`earlywarn.extract.coding.syntax`) find the roles on it.
"""

from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path

import pytest

spacy = pytest.importorskip("spacy")

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "experiments" / "coding"))

from clear_to_ud import clear_to_ud  # noqa: E402

from earlywarn.extract.coding import syntax  # noqa: E402


@lru_cache(maxsize=1)
def _vocab():  # type: ignore[no-untyped-def]
    return spacy.blank("en").vocab


def _doc(words, heads, deps, pos, tags, ents=None):  # type: ignore[no-untyped-def]
    from spacy.tokens import Doc

    return Doc(_vocab(), words=words, heads=heads, deps=deps, pos=pos, tags=tags, ents=ents)


def _parse(doc):  # type: ignore[no-untyped-def]
    return [(t.text, t.dep_, t.head.text) for t in doc]


def test_passive_agent_becomes_obl_agent_with_its_case() -> None:
    d = _doc(
        ["The", "talks", "were", "hosted", "by", "Norway", "on", "Monday", "."],
        [1, 3, 3, 3, 3, 4, 3, 6, 3],
        ["det", "nsubjpass", "auxpass", "ROOT", "agent", "pobj", "prep", "pobj", "punct"],
        ["DET", "NOUN", "AUX", "VERB", "ADP", "PROPN", "ADP", "PROPN", "PUNCT"],
        ["DT", "NNS", "VBD", "VBN", "IN", "NNP", "IN", "NNP", "."],
    )
    u = clear_to_ud(d)
    assert _parse(u) == [
        ("The", "det", "talks"), ("talks", "nsubj:pass", "hosted"),
        ("were", "aux:pass", "hosted"), ("hosted", "ROOT", "hosted"), ("by", "case", "Norway"),
        ("Norway", "obl:agent", "hosted"), ("on", "case", "Monday"), ("Monday", "obl", "hosted"),
        (".", "punct", "hosted"),
    ]  # fmt: skip
    v = u[3]
    assert [t.text for t in syntax._agents(v)] == ["Norway"]
    assert syntax._subject(v) == ([u[1]], True)


def test_preposition_object_heads_under_a_noun_as_nmod() -> None:
    d = _doc(
        ["Russia", "imposed", "sanctions", "on", "Ukraine", "'s", "president", "."],
        [1, 1, 1, 2, 6, 4, 3, 1],
        ["nsubj", "ROOT", "dobj", "prep", "poss", "case", "pobj", "punct"],
        ["PROPN", "VERB", "NOUN", "ADP", "PROPN", "PART", "NOUN", "PUNCT"],
        ["NNP", "VBD", "NNS", "IN", "NNP", "POS", "NN", "."],
    )
    u = clear_to_ud(d)
    assert [(t.dep_, t.head.i) for t in u] == [
        ("nsubj", 1), ("ROOT", 1), ("obj", 1), ("case", 6), ("nmod:poss", 6), ("case", 4),
        ("nmod", 2), ("punct", 1),
    ]  # fmt: skip
    # 'imposed sanctions on X': the noun's 'on' phrase is a target of the verb
    assert [t.text for t in syntax._targets(u[1])] == ["sanctions", "president"]


def test_copula_hangs_under_its_predicate() -> None:
    d = _doc(
        ["Kenya", "is", "an", "ally", "of", "Uganda", "."],
        [1, 1, 3, 1, 3, 4, 1],
        ["nsubj", "ROOT", "det", "attr", "prep", "pobj", "punct"],
        ["PROPN", "AUX", "DET", "NOUN", "ADP", "PROPN", "PUNCT"],
        ["NNP", "VBZ", "DT", "NN", "IN", "NNP", "."],
    )
    assert _parse(clear_to_ud(d)) == [
        ("Kenya", "nsubj", "ally"), ("is", "cop", "ally"), ("an", "det", "ally"),
        ("ally", "ROOT", "ally"), ("of", "case", "Uganda"), ("Uganda", "nmod", "ally"),
        (".", "punct", "ally"),
    ]  # fmt: skip


def test_infinitive_with_a_subject_is_object_and_xcomp() -> None:
    d = _doc(
        ["Washington", "wants", "Beijing", "to", "cut", "tariffs", "."],
        [1, 1, 4, 4, 1, 4, 1],
        ["nsubj", "ROOT", "nsubj", "aux", "ccomp", "dobj", "punct"],
        ["PROPN", "VERB", "PROPN", "PART", "VERB", "NOUN", "PUNCT"],
        ["NNP", "VBZ", "NNP", "TO", "VB", "NNS", "."],
    )
    u = clear_to_ud(d)
    assert _parse(u) == [
        ("Washington", "nsubj", "wants"), ("wants", "ROOT", "wants"), ("Beijing", "obj", "wants"),
        ("to", "mark", "cut"), ("cut", "xcomp", "wants"), ("tariffs", "obj", "cut"),
        (".", "punct", "wants"),
    ]  # fmt: skip
    assert syntax._subject(u[4])[0] == [u[2]]  # the xcomp's subject is 'wants'' object


def test_coordination_and_gerund_complement() -> None:
    d = _doc(
        ["Iran", ",", "Russia", "and", "Syria", "accused", "Israel", "of", "attacking",
         "Damascus", "."],
        [5, 0, 0, 2, 2, 5, 5, 5, 7, 8, 5],
        ["nsubj", "punct", "conj", "cc", "conj", "ROOT", "dobj", "prep", "pcomp", "dobj", "punct"],
        ["PROPN", "PUNCT", "PROPN", "CCONJ", "PROPN", "VERB", "PROPN", "ADP", "VERB", "PROPN",
         "PUNCT"],
        ["NNP", ",", "NNP", "CC", "NNP", "VBD", "NNP", "IN", "VBG", "NNP", "."],
    )  # fmt: skip
    u = clear_to_ud(d)
    assert [(t.dep_, t.head.i) for t in u] == [
        ("nsubj", 5), ("punct", 2), ("conj", 0), ("cc", 4), ("conj", 0), ("ROOT", 5),
        ("obj", 5), ("mark", 8), ("advcl", 5), ("obj", 8), ("punct", 5),
    ]  # fmt: skip


def test_person_names_are_flat_on_their_first_word() -> None:
    d = _doc(
        ["Donald", "Trump", "met", "Kim", "."],
        [1, 2, 2, 2, 2],
        ["compound", "nsubj", "ROOT", "dobj", "punct"],
        ["PROPN", "PROPN", "VERB", "PROPN", "PUNCT"],
        ["NNP", "NNP", "VBD", "NNP", "."],
        ents=["B-PERSON", "I-PERSON", "O", "B-PERSON", "O"],
    )
    u = clear_to_ud(d)
    assert [(t.dep_, t.head.i) for t in u] == [
        ("nsubj", 2), ("flat", 0), ("ROOT", 2), ("obj", 2), ("punct", 2),
    ]  # fmt: skip
    assert [e.label_ for e in u.ents] == ["PERSON", "PERSON"]
