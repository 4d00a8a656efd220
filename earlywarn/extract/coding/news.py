"""Precision rules of the shallow Vietnamese coder on real news (gazetteer actors).

English is coded from a dependency parse (:mod:`earlywarn.extract.coding.syntax`); these
token rules serve the Vietnamese coder (:mod:`earlywarn.extract.coding.engine`), whose
segmenter gives no parse. They were first written for English news, hence the English
examples below; only the sports word list (``SPORTS_EN``) is still used for English.

PETRARCH's unit-test sentences are short, factual and written for the coder; real news is
not. Checked by eye on real English articles (see ``earlywarn/data/eval/README.md``), most
false events came from a few systematic patterns, each handled by one rule here:

* **unresolved actors**: ``police``, ``officials``, ``the president`` with no country
  named (agent-only actors) give events nobody can attribute - they are dropped;
* **light verbs**: ``take``, ``make``, ``give``, ``hold`` ... are coded only when one of
  their dictionary patterns matches (``take part in talks``), never by the block default
  (``taken advantage`` is not CAMEO 171 *seize*);
* **hypotheticals**: a verb right after ``could``/``would``/``might``/``may``/``should``/
  ``whether`` is not an event that happened;
* **unknown speakers**: a capitalised word that is not a known actor right before the verb
  (``..., Esper said``) is the subject, so the coder must not reach further back for one;
* **prepositional phrases**: an actor right after a preposition (``China's ambassador to
  Britain ... said``) is not the subject; the source is looked for further back;
* **quotes**: a quotation mark between an actor and the verb ends the clause;
* **nouns and infinitives**: a verb form right after a preposition or a possessive
  (``inquiry into``, ``its own fight against``) is a noun, and one after ``to`` an
  infinitive (``urged Ukraine to investigate``): neither is an event that happened;
* **noun compounds**: a verb form right before a typical head noun (``trade war``,
  ``trade deal``, ``aid package``, ``attack helicopters``) is a noun modifier;
* **long sentences**: sentences over ``max_words`` words (hand check: almost every event
  coded in them was wrong) are not coded;
* **nesting**: a country and its own unspecified agents (``United States`` -
  ``Donald Trump``; same country, one side without a type, or the same type) is no dyad;
* **distance**: the source must be within ``source_window`` tokens of the verb;
* **lists**: only a two-member ``A and B`` group codes an event between its own members
  (``A and B signed``); ``France, Belgium and Norway`` is not a dyad;
* **future**: material cooperation in the future tense (``will provide``, ``sẽ cung cấp``)
  is an intent (CAMEO 03x), not the act;
* **sports**: sentences naming matches, cups, leagues ... are discarded.

Examples
--------
>>> rules = NewsRules.vietnamese()
>>> "sẽ" in rules.future and "có thể" in rules.modals
True
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from earlywarn.extract.coding.text import Token
    from earlywarn.extract.coding.types import Actor, ActorSpan

__all__ = [
    "SPORTS_EN",
    "NewsRules",
    "after_subject",
    "in_pp",
    "is_modal",
    "joint",
    "nested",
    "unknown_subject",
]


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


#: Words that mark a sports report (English): such sentences are not coded.
SPORTS_EN = (
    "match matches tournament championship championships league cup qualifier qualifiers "
    "qualifying striker goalkeeper midfielder olympics olympic semifinal semifinals "
    "quarterfinal quarterfinals football soccer tennis cricket rugby basketball baseball "
    "nba nfl fifa uefa goals champion champions davis forehand forehands backhands scored "
    "clinched"
)




@dataclass(frozen=True)
class NewsRules:
    """Word lists of the news-text rules for one language (see the module docstring)."""

    light_verbs: frozenset[str]
    modals: frozenset[str]
    quotes: frozenset[str]
    skip_before_verb: frozenset[str]
    discards: tuple[str, ...]
    noun_before: frozenset[str] = frozenset()
    source_window: int = 12
    max_words: int = 0
    compound_heads: frozenset[str] = frozenset()
    prepositions: frozenset[str] = frozenset()
    future: frozenset[str] = frozenset()

    @staticmethod
    def intent_code(code: str) -> str:
        """The CAMEO intent code of a material-cooperation code said in the future tense.

        Examples
        --------
        >>> NewsRules.intent_code("070"), NewsRules.intent_code("0612"), NewsRules.intent_code("190")
        ('033', '031', '190')
        """
        return {"06": "031", "07": "033", "08": "030"}.get(code[:2], code)

    @classmethod
    def vietnamese(cls) -> NewsRules:
        """Rules for Vietnamese news (hypotheticals and quotes; no light-verb list)."""
        return cls(
            light_verbs=frozenset(),
            modals=frozenset(["có thể", "cho phép", "dự kiến", "muốn", "nếu", "định"]),
            quotes=frozenset(['"', "“", "”"]),
            skip_before_verb=frozenset(["đã", "sẽ", "đang", "cũng", "vừa", "mới"]),
            discards=(),
            future=frozenset(["sẽ"]),
        )


def after_subject(vs: int, low: list[str], covered: set[int]) -> bool:
    """The verb follows an actor ('Japan sign deal'), not a hyphenated pair ('US-China trade')."""
    if vs == 0 or vs - 1 not in covered:
        return False
    k = vs - 1
    while k >= 0 and k in covered:
        k -= 1
    return not (k >= 0 and low[k] in ("-", "–"))


def is_modal(low: list[str], vs: int, news: NewsRules) -> bool:
    """A hypothetical marker (one word or two) in the three words before the verb."""
    window = low[max(0, vs - 3) : vs]
    pairs = (f"{a} {b}" for a, b in pairwise(window))
    return any(w in news.modals for w in window) or any(p in news.modals for p in pairs)


def in_pp(a: ActorSpan, low: list[str], news: NewsRules) -> bool:
    """An actor inside a prepositional phrase, not a possessor ('on Trump's call' is kept)."""
    possessor = a.end < len(low) and low[a.end] in ("'s", "’s")
    return a.start > 0 and low[a.start - 1] in news.prepositions and not possessor


def nested(a: Actor, b: Actor) -> bool:
    """A country and its own government or unnamed agents, or one sector of one country.

    'United States' - 'Donald Trump' and 'Mỹ' - 'máy bay' (its own aircraft) are no dyads;
    'Trung Quốc' - 'Chu Vĩnh Khang' (a former official, ELI) and 'phe đối lập' - 'chính
    phủ' (OPP - GOV) are.
    """
    if not a.country or a.country != b.country:
        return False
    if a.type == b.type or {a.type, b.type} <= {None, "GOV"}:
        return True
    return None in (a.type, b.type) and "inherited" in (a.kind, b.kind)  # 'Mỹ' - 'máy bay'


def joint(group: list[ActorSpan], low: list[str], news: NewsRules | None) -> bool:
    """Whether a subject group acts jointly ('A and B signed'); news: two members, 'and'."""
    if news is None:
        return True
    return len(group) == 2 and "," not in low[group[0].end : group[1].start]


def unknown_subject(toks: list[Token], lo: int, vs: int, news: NewsRules) -> bool:
    """A capitalised non-actor word right before the verb ('..., Esper said') is its subject."""
    k = vs - 1
    while k >= lo and toks[k].low in news.skip_before_verb:
        k -= 1
    if not (k >= lo and k > 0 and toks[k].text[0].isupper() and toks[k].text.isalpha()):
        return False
    while k >= lo and toks[k].text[0].isupper() and toks[k].text.isalpha():
        k -= 1
    return k >= lo  # not an apposition right after the actor ('Vietnam's envoy Nguyen said')
