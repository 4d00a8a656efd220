"""The English coder: a dependency parse mapped to CAMEO through the PETRARCH verb dictionary.

A sentence that names at least two actors (dictionary or gazetteer spans) and a dictionary
verb is parsed (the shipped spaCy pipeline, :mod:`earlywarn.extract.coding.parser`); each
verb token with a dictionary entry becomes an event when its arguments hold actors:

* **roles**: the subject (``nsubj``) is the source, objects (``obj``, ``iobj``) and
  prepositional obliques (``to``, ``with``, ``against`` ...) the target; in the passive
  the subject is the target and the ``by`` agent (``obl:agent``) the source;
* **missing subjects** come from the governing clause: a coordinated verb (``conj``)
  shares its subject, an infinitive (``xcomp``) takes the object of *urge X to* or else the
  subject of *vow to*, a relative clause or participle takes the noun it modifies;
* **actors of a noun phrase** are the span on its head or on a modifier (possessor,
  compound, adjective, apposition, ``of`` phrase), one per coordinated member
  (*Kenya, Uganda and Tanzania* is three actors): one event per source-target pair;
* **complements**: an intent, appeal, demand, refusal or threat verb with an infinitive
  complement is coded once, by the pair (*vowed to attack* = 138-style threat, *urged X
  to meet* = 026, *refused to send aid* = 122 ...), and the complement is not coded as
  having happened; a negated verb is no event, except a negated future, which is a
  refusal (*said it would not send aid*); modal and conditional clauses (*could*,
  *might*, *if*, *whether*, *likely to*) are no events; *will* + cooperation is an intent;
* **unknown actors** (``code_doc(unknown=True)``, ``EventCoder(unknown_actors=True)``;
  off by default): actors without a country are kept, as PETRARCH codes them: ``---`` +
  the agent type (*rebels* ``---REB``), by the news gold's rule 2: an agent noun heading
  its phrase (not an adjective, *military analyst*, nor a title of a name, *President
  Karzai*) takes the country of its modifier (*Ethiopian rebels*), else the sentence's
  only named country (a country named as such, not a person's), else of the places
  named in its own clause (*police ... in Nairobi* ``KENCOP``; not a place in a relative
  or *that* clause); positional fallbacks never give one; a place noun in a target role
  (*attack the capital*) is ``---`` unless a gazetteer place names it; joint verbs
  (:data:`RECIPROCAL_VERBS`: *sign*, *meet*, *clash* ...) with a coordinated subject and
  no target give one event per ordered pair (*Kenya and Uganda signed an accord*);
* **reported speech**: a saying verb codes the reported event (with its own actors) and,
  when it names an addressee (*told X*, *said to X*, *testified before X*), a statement
  (010) to that addressee; nothing is reported under a negated saying verb (*did not say*);
* **verb transformations** (the dictionary's ``~`` lines, PETRARCH-2's ``match_transform``,
  see :func:`_transform`): a clausal complement (``ccomp``/``xcomp``) of a verb whose
  dictionary code a line names is coded as the line says: *Israel said Hamas attacked X*
  is also ISR -> PSE 112 (an accusation), *Hamas said it attacked X* PSE -> X 015 (a
  claim), *wants Turkey to attack X* USA -> TUR 021, *attempted to assassinate X* 185;
  a statement keeps the reported event beside the transformed one, another verb's
  transformation replaces it; a negated verb on either side transforms nothing.

Examples
--------
>>> from earlywarn.extract.coding.parser import load_parser
>>> nlp = load_parser()
>>> doc = nlp("The rebels vowed to attack the capital.")
>>> [t.dep_ for t in doc][:4]
['det', 'nsubj', 'ROOT', 'mark']
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from earlywarn.extract.coding.engine import GOVERNING_ROOTS, VerbMatcher, premodifier_governors
from earlywarn.extract.coding.petrarch import Transform, Transformation, VerbKey
from earlywarn.extract.coding.text import Token
from earlywarn.extract.coding.types import Actor, ActorSpan, RawEvent, unique_events

if TYPE_CHECKING:
    from spacy.tokens import Doc
    from spacy.tokens import Token as SpacyToken

__all__ = ["PLACE_NOUNS", "RECIPROCAL_VERBS", "code_doc", "combine", "doc_tokens"]

#: Prepositions whose object is a verb's target (``met with X``, ``sanctions against X``).
TARGET_CASES = frozenset(
    ["to", "with", "against", "on", "at", "into", "toward", "towards", "from", "upon", "onto",
     "before"]
)  # fmt: skip
#: Head nouns of a place named by a common noun (*attack the capital*, *close the Strait of
#: Hormuz*): in an actor role such a phrase is an actor, of the country of a gazetteer place
#: that modifies it (*the city of Kaduna*), else ``---`` (PETRARCH's unknown actor).
PLACE_NOUNS = frozenset(
    ["capital", "city", "town", "village", "base", "camp", "border", "port", "airport",
     "strait", "province", "region", "district", "embassy", "consulate", "checkpoint",
     "outpost", "headquarters", "island", "islands", "territory", "enclave", "harbor",
     "harbour", "refinery", "bases", "towns", "villages", "cities", "camps"]
)  # fmt: skip
#: Verbs whose coordinated subject acts jointly (*Kenya and Uganda signed an accord*): with
#: no other target, one event per ordered pair of the subject's members.
RECIPROCAL_VERBS = frozenset(
    ["sign", "agree", "meet", "clash", "fight", "negotiate", "talk", "discuss", "cooperate",
     "reconcile", "ally", "collaborate", "hold", "conclude", "ink", "exchange", "trade",
     "skirmish", "battle", "consult", "normalize", "normalise", "restore", "resume"]
)  # fmt: skip
#: Modifier relations that carry a noun phrase's actor.
_MODIFIERS = (
    "compound",
    "flat",
    "nmod:poss",
    "amod",
    "appos",
    "nmod",
    "nmod:desc",
    "nmod:unmarked",
)
_HEDGES = frozenset(
    [
        "could",
        "might",
        "may",
        "should",
        "can",
        "must",
        "ought",
        "likely",
        "unlikely",
        "expected",
        "supposed",
        "able",
        "unable",
        "possible",
        "impossible",
        "set",
        "poised",
    ]
)
#: Prepositions that tie a person to the body or country they serve or come from
#: (*delegates at Iraq's National Conference*, *a director at Amnesty International*,
#: *a spokesman for the Pentagon*, *an official from Pakistan*, *a researcher with Human
#: Rights Watch*): for a head noun naming a person (:func:`_person_noun`) the phrase's
#: actor, as *of* is for any noun.
_AFFILIATION = frozenset(["of", "at", "for", "from", "with"])


def _person_noun(tok: SpacyToken) -> bool:
    """Whether a noun names a person or a group of people by its usual sense (capitalised
    too: *Delegates* opening a sentence, *Advocacy Director* in a title): WordNet's agent
    nouns (``agents_wordnet_en.txt``, built by the criterion written in
    ``experiments/coding/build_agent_nouns.py``) or the agents dictionary's own words.

    Examples
    --------
    >>> class T:  # a stand-in for a spaCy token
    ...     def __init__(self, w, tag="NNS"): self.lower_, self.tag_ = w, tag
    >>> _person_noun(T("delegates", "NNPS")), _person_noun(T("director", "NN"))
    (True, True)
    >>> _person_noun(T("attack", "NN")), _person_noun(T("director", "VB"))
    (False, False)
    """
    return tok.tag_.startswith("NN") and tok.lower_ in _person_nouns()


@lru_cache(maxsize=1)
def _person_nouns() -> frozenset[str]:
    from earlywarn.extract.events import wordnet_agents

    return frozenset(k[0] for k in wordnet_agents() if len(k) == 1)


#: Relations that open a clause of its own: its actors are not the governing verb's.
_EMBEDDED = frozenset(["ccomp", "advcl", "parataxis", "conj", "acl:relcl", "csubj"])
#: Actor kinds that name a country as such (its name, demonym, capital; with an agent:
#: *Chinese troops*): rule 2's 'named country' (a person's or organisation's is not).
_NAMED = frozenset(["country", "city"])
_PLACES = frozenset(
    ["in", "at", "near", "outside", "inside", "around", "across", "of", "during", "since"]
)
_TEMPORAL = frozenset(["after", "before", "until", "once", "when", "till"])
_CONDITIONAL = frozenset(["if", "whether", "unless", "lest"])
_ASSERTED = frozenset(["while", "whereas", "although", "though", "because", "as"])
_NEGATIONS = frozenset(["not", "n't", "never", "no"])
_CALENDAR = frozenset(
    ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january",
     "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december", "today"]
)  # fmt: skip
_FUTURE = frozenset(["will", "shall", "would", "'ll", "wo"])
_SAY = frozenset(
    [
        "say",
        "tell",
        "announce",
        "state",
        "add",
        "report",
        "confirm",
        "insist",
        "testify",
        "declare",
        "explain",
        "write",
        "tweet",
        "reiterate",
        "note",
        "recount",
        "recall",
        "told",
        "claim",
    ]
)
_TELL = frozenset(["tell", "told", "tells", "telling", "inform", "informed", "brief", "briefed"])
_LIGHT = frozenset(
    [
        "take",
        "get",
        "make",
        "give",
        "hold",
        "have",
        "put",
        "keep",
        "set",
        "run",
        "bring",
        "play",
        "see",
        "go",
        "come",
        "turn",
        "pay",
        "do",
    ]
)
#: CAMEO roots of governing verbs that take a verbal complement and code with it.
_GOVERNING = GOVERNING_ROOTS
#: Complement roots that make an intent a threat (CAMEO's 03 is intent to *cooperate*; an
#: intent to protest, coerce or use force is a 13x threat, as PETRARCH-2's own
#: ``~ a (_ b ATTACK) WANT = a b 138`` reads *wants to attack*).
_CONFLICT = frozenset(["14", "15", "16", "17", "18", "19", "20"])
#: Cooperative roots: their future (*will provide*) is an intent, its negation a rejection.
_COOPERATION = ("04", "05", "06", "07", "08")
#: The CAMEO manual's definition of intent (03): "Offer, promise, agree to, or otherwise
#: indicate willingness or commitment to ...". *Agree* with a to-infinitive is an intent
#: (its dictionary block codes diplomatic cooperation, 050), and so is a predicate of
#: willingness or commitment governing one (*is willing / ready / prepared to send*): the
#: complement is what is intended, not done (*ready* is no hedge). A verbal act stays itself
#: (the manual codes *are willing to forgive X* as 056, forgiving).
_AGREE_TO = frozenset(["agree", "agreed", "agrees", "agreeing"])
_WILLING = frozenset(["willing", "ready", "prepared", "committed", "determined", "eager"])
#: Obligation modals: *X said Y must withdraw* reports X's demand of Y (CAMEO 10: "All
#: demands and orders"), not a hypothetical event of Y.
_OBLIGATION = frozenset(["must"])

# Intent (03), appeal (02), demand (10), refusal (12) and threat (13) codes of a complement
# root: CAMEO's sub-codes mirror the cooperative roots 04-08 (and, for threats, 15-20).
_BY_ROOT = {
    "02": {"04": "026", "05": "022", "06": "021", "07": "023", "08": "025", "057": "022"},
    "03": {"04": "036", "05": "032", "06": "031", "07": "033", "08": "035", "057": "030"},
    "10": {"04": "106", "05": "102", "06": "101", "07": "103", "08": "105", "057": "102"},
    "12": {"04": "125", "05": "120", "06": "121", "07": "122", "08": "124", "057": "127",
           "01": "120", "02": "120", "03": "120"},
    "13": {"15": "130", "16": "131", "17": "137", "18": "138", "19": "138", "20": "138",
           "14": "133", "11": "130", "12": "130", "161": "1313", "162": "1311", "163": "1312",
           "172": "132"},
}  # fmt: skip
_SUB = {  # fourth digits that carry over (061 economic -> 0311 economic intent)
    ("03", "06"): "031", ("03", "07"): "033", ("03", "08"): "035",
    ("02", "06"): "021", ("02", "07"): "023", ("02", "08"): "025",
    ("10", "06"): "101", ("10", "07"): "103", ("10", "08"): "105",
}  # fmt: skip
_SUB_DIGIT = {"061": "1", "062": "2", "063": "3", "064": "4", "071": "1", "072": "2",
              "073": "3", "074": "4", "081": "1", "082": "2", "083": "3", "084": "4",
              "085": "4", "086": "5", "087": "6"}  # fmt: skip


def combine(governor: str, complement: str) -> str | None:
    """The CAMEO code of a governing verb (intent, appeal, demand, refusal, threat) + complement.

    Examples
    --------
    >>> combine("020", "190"), combine("130", "190"), combine("020", "040")
    (None, '138', '026')
    >>> combine("030", "0841"), combine("120", "070"), combine("100", "0841")
    ('0354', '122', '1054')

    An intent whose complement is a conflict action is a threat of it (*vowed to attack* =
    138 threaten with military force, *pledged to impose sanctions* = 1312), a refusal of a
    conflict action is none of CAMEO's rejections:

    >>> combine("030", "190"), combine("030", "163"), combine("120", "190")
    ('138', '1312', None)
    """
    g, c = governor[:2], complement[:2]
    if g == "03" and c in _CONFLICT:
        g = "13"
    table = _BY_ROOT.get(g)
    if table is None:
        return None
    code = table.get(complement[:3]) or table.get(c)
    if code is None:
        return None
    sub = _SUB.get((g, c))
    digit = _SUB_DIGIT.get(complement[:3])
    if sub is not None and digit is not None and code == sub:
        return sub + digit
    return code


def _offsets(doc: Doc) -> tuple[list[int], list[int]]:
    """(start, end) character offsets of the parse's tokens in ``doc.text`` (read from the
    doc's array: a spaCy ``Token`` object per word is what costs)."""
    starts, lengths = doc.to_array(["IDX", "LENGTH"]).T.tolist()
    return starts, [s + n for s, n in zip(starts, lengths, strict=True)]


def doc_tokens(doc: Doc) -> list[Token]:
    """The parse's tokens as :class:`~earlywarn.extract.coding.text.Token` (for phrase lookups)."""
    text = doc.text
    return [Token(text[s:e], s, e, text[s:e].lower()) for s, e in zip(*_offsets(doc), strict=True)]


@dataclass
class _Verb:
    tok: Any  # spacy Token
    start: int
    end: int
    code: str | None
    paired: str | None
    pattern: bool
    light: bool
    entry: str | None = None  # the verb's own dictionary code, patterns aside
    block: str = ""
    governs: str | None = None  # a code-less verb's governing code (VerbMatcher.governs)


class _Sentence:
    """One parsed sentence: actor spans mapped onto parse tokens.

    ``country`` is the sentence's only named country (``None`` when it names none or
    several): an unresolved proper name in an actor role takes it (see :meth:`_name`);
    ``places`` are named places (cities, regions; country ``Actor`` of kind ``place``):
    never such names, but a generic actor they modify takes their country (*New York
    police*, see :meth:`_country_modifier`).
    """

    def __init__(
        self,
        doc: Doc,
        spans: Sequence[tuple[int, int, Actor]],
        places: Sequence[tuple[int, int, Actor]] = (),
        news: bool = False,
        unknown: bool = False,
    ) -> None:
        self.doc = doc
        self.owner: dict[int, int] = {}
        self.spans = list(spans)
        for k, (s, e, _a) in enumerate(self.spans):
            for i in range(s, e):
                self.owner.setdefault(i, k)
        self.places = {i: a for s, e, a in places for i in range(s, e)}
        named = {a.country for _s, _e, a in self.spans if a.country and a.kind != "inherited"}
        self.country = named.pop() if news and len(named) == 1 else None
        self.news = news
        self.unknown = unknown
        # rule 2's 'the sentence's only named country': a country named as such (its name,
        # demonym or capital; after a locative too), not a person's or an organisation's
        countries = {a.country for _s, _e, a in self.spans if a.country and a.kind in _NAMED}
        countries |= {a.country for _s, _e, a in places if a.country and a.entity == a.country}
        self.named_country = countries.pop() if unknown and len(countries) == 1 else None
        self._located: dict[int, int | None] = {}
        self._members: dict[tuple[int, int], int] = {}

    def actors_of(self, tok: SpacyToken, depth: int = 0) -> list[int]:
        """Span indices of the noun phrase headed by ``tok`` (coordination expanded)."""
        found = self._phrase(tok, depth)
        for c in tok.children:
            if c.dep_ in ("conj", "appos") and (
                c.tag_.startswith(("NN", "PRP", "JJ")) or c.i in self.owner
            ):  # a known actor is a member whatever its tag ('Osgiliath' as RB)
                for k in self.actors_of(c, depth + 1):
                    if k not in found:
                        found.append(k)
        return found

    def _phrase(self, tok: SpacyToken, depth: int) -> list[int]:
        k = self.owner.get(tok.i)
        if k is not None and self.unknown and self._agent_modifier(tok, k):
            k = None  # 'a military analyst', 'Business Insider': the agent noun names no actor
        if k is not None and _generic(self.spans[k][2]):
            owner = self._country_modifier(tok, k)  # 'U.S. forces': the agent's country
            if owner is None and self.unknown:
                owner = self._locate(tok, k)  # the only named country, a place in its clause
            if owner is not None:
                k = owner
        if k is not None:
            out = [k]
            mods = [
                m for c in tok.children for m in (c, *(c.children if c.dep_ == "compound" else ()))
            ]
            for c in mods:  # 'the Russian and Syrian (defense) ministries'
                if (
                    c.dep_ in ("amod", "compound")
                    and self.owner.get(c.i, k) != k
                    and (
                        any(g.dep_ == "conj" for g in c.children)
                        or (c.i + 1 < tok.i and self.doc[c.i + 1].dep_ == "cc")
                    )
                ):  # also both adjectives on the noun ('Russian' amod, 'and', 'Syrian' amod)
                    out += [x for x in self.actors_of(c, depth + 1) if x not in out]
            out += [x for x in self._inner_members(tok, k) if x not in out]
            return out
        if depth > 3:
            return []
        name = self._name(tok)
        if name is not None:
            return [name]
        for dep in _MODIFIERS:
            for c in tok.children:
                if c.dep_ != dep:
                    continue
                if dep.startswith("nmod") and dep != "nmod:poss":
                    case = {g.lower_ for g in c.children if g.dep_ == "case"}
                    if case and not case <= (_AFFILIATION if _person_noun(tok) else {"of"}):
                        continue
                got = self.actors_of(c, depth + 1)
                if got:
                    return got
        return []

    def _inner_members(self, tok: SpacyToken, k: int) -> list[int]:
        """Actors coordinated with a modifier inside span ``k`` (headed by ``tok``): *the
        foreign ministers of [India] and Pakistan*, where the dictionary joined the agent to
        its first country only. Each member with a country and no agent type of its own takes
        the span's agent type (``PAKGOV`` beside ``INDGOV``): one actor per coordinated member,
        as for a coordinated head (:meth:`actors_of`)."""
        s, e, base = self.spans[k]
        out: list[int] = []
        for t in self.doc[s:e]:
            if t.i == tok.i:
                continue  # the head's own members: actors_of
            for c in t.children:
                if c.dep_ != "conj" or s <= c.i < e or self.owner.get(c.i) in (None, k):
                    continue
                for j in self.actors_of(c, 1):
                    member = self.spans[j][2]
                    if base.type and member.country and not member.type:
                        key = (k, j)
                        if key not in self._members:
                            self._members[key] = self._add(self.spans[j][0], self.spans[j][1],
                                Actor(member.country + base.type, member.name, member.country,
                                      base.type, member.entity, member.kind))  # fmt: skip
                        j = self._members[key]
                    if j not in out:
                        out.append(j)
        return out

    def places_of(self, toks: Iterable[SpacyToken]) -> list[int]:
        """Places in the roles ``toks`` as actors: the last resort for a target."""
        out = []
        for t in toks:
            k = self._place(t)
            if k is None:
                k = self.unknown_place(t)
            if k is not None:
                out.append(k)
        return out

    def _add(self, lo: int, hi: int, actor: Actor) -> int:
        self.spans.append((lo, hi, actor))
        k = len(self.spans) - 1
        for i in range(lo, hi):
            self.owner.setdefault(i, k)
        return k

    def _place(self, tok: SpacyToken) -> int | None:
        """A place as an actor (news only): a gazetteer city or region named in an actor role
        (*attacked Kaduna*: ``NGA``), or a place noun (*the capital*, *the Strait of Hormuz*),
        of the country of a gazetteer place modifying it, else ``---``."""
        if not self.unknown:
            return None
        if _locative(tok):
            return None  # 'in Kaduna': where, not whom
        known = self.places.get(tok.i)
        if known is not None and known.country:
            lo = min(i for i, a in self.places.items() if a is known)
            hi = max(i for i, a in self.places.items() if a is known) + 1
            name = self.doc[lo:hi].text
            return self._add(lo, hi, Actor(known.country, name, known.country, None,
                                           known.entity, "place"))  # fmt: skip
        if not _place_noun(tok):
            return None
        for c in tok.subtree:
            p = self.places.get(c.i)
            if p is not None and p.country and c.i != tok.i:
                name = self.doc[tok.left_edge.i : tok.right_edge.i + 1].text
                return self._add(tok.left_edge.i, tok.right_edge.i + 1, Actor(
                    p.country, name, p.country, None, p.entity, "place"))  # fmt: skip
        return None

    def _agent_modifier(self, tok: SpacyToken, k: int) -> bool:
        """Whether span ``k`` (on ``tok``) is a country-less agent noun that describes another
        noun rather than naming an actor: an adjective (*a military analyst*, *civilian
        staffers*, *terrorist attacks*) or a title or word of a proper name (*Vice President
        Pence*, *President Hamid Karzai*, *Business Insider*: the name decides). A noun
        modifying a common noun names its owner, as a country does (*a court ruling*,
        *government computers*, *police officers*). The news gold's rule 2."""
        a = self.spans[k][2]
        if a.kind != "agent" or a.country:
            return False
        h = tok
        while self.owner.get(h.head.i) == k and h.head.i != h.i:
            h = h.head  # the head of the agent's own span ('security forces' -> 'forces')
        if h.head.i == h.i or h.head.i in self.owner:
            return False
        if h.dep_ == "amod":
            return True
        return h.dep_ in ("compound", "flat", "nmod:desc") and h.head.tag_ in ("NNP", "NNPS")

    def _locate(self, tok: SpacyToken, k: int) -> int | None:
        """A country-less agent noun (span ``k`` on ``tok``) with no country modifier, coded
        in the sentence's only named country, else in the country of the places named in
        its own clause when they are all in one (*police arrested protesters in Nairobi*:
        ``KENCOP``; not a place in a *that*, relative or *as* clause), else ``None``
        (``---``): the news gold's rule 2, in its order."""
        agent = self.spans[k][2]
        if agent.kind != "agent":
            return None
        if k in self._located:
            return self._located[k]
        cc = self.named_country
        if cc is None:
            own = _clause_of(tok)
            found = {
                p.country
                for i, p in self.places.items()
                if p.country and _clause_of(self.doc[i]) == own
            }
            cc = found.pop() if len(found) == 1 else None
        j = None
        if cc is not None:
            s, e, _a = self.spans[k]
            self.spans.append((s, e, Actor(cc + agent.code[3:], agent.name, cc, agent.type, None,
                                           "inherited")))  # fmt: skip
            j = len(self.spans) - 1
        self._located[k] = j
        return j

    def unknown_place(self, tok: SpacyToken) -> int | None:
        """A place noun no actor or gazetteer place modifies (*the capital*): ``---``."""
        if not self.unknown or not _place_noun(tok) or _locative(tok):
            return None
        name = " ".join(t.text for t in tok.subtree if t.dep_ != "det")
        return self._add(tok.i, tok.i + 1, Actor("---", name, None, None, None, "place"))

    def _name(self, tok: SpacyToken) -> int | None:
        """An unresolved proper name (a person or company no dictionary knows: *Grisham*,
        *WeWork*) as an actor of the sentence's only named country, as the gold rules give a
        generic actor; ``None`` when the sentence names no single country, for places,
        dates and parenthesised names (*(CNN)*), for a name inside a longer phrase (the
        phrase's head decides) and for an apposition (*Obama, the most popular Democrat*)."""
        if (
            self.country is None
            or tok.tag_ not in ("NNP", "NNPS")
            or tok.dep_ in ("compound", "flat", "amod", "appos")
            or tok.lower_ in _CALENDAR
            or (self.unknown and (_place_noun(tok) or _place_noun(tok.head)))  # 'the Strait
            # of Hormuz': a place, and no person named Hormuz
            or (tok.i > 0 and self.doc[tok.i - 1].text == "(")
        ):
            return None
        parts = [
            tok,
            *(
                c
                for c in tok.children
                if c.dep_ in ("compound", "flat") and c.tag_ in ("NNP", "NNPS")
            ),
        ]
        idx = sorted(t.i for t in parts)
        if any(i in self.places or i in self.owner for i in idx):
            return None
        lo, hi = idx[0], idx[-1] + 1
        name = " ".join(t.text for t in self.doc[lo:hi])
        cc = self.country
        self.spans.append((lo, hi, Actor(cc, name, cc, None, None, "inherited")))
        k = len(self.spans) - 1
        for i in range(lo, hi):
            self.owner[i] = k
        return k

    def adjacent(self, i: int, step: int) -> list[int]:
        """The actor right before (``step=-1``) or after (``+1``) token ``i``, across only
        auxiliaries, adverbs, determiners and a preposition: a fallback for a misparse."""
        j = i + step
        while 0 <= j < len(self.doc) and j not in self.owner:
            t = self.doc[j]
            if abs(j - i) > 3 or not (
                t.tag_ in ("MD", "RB", "DT", "PRP$") or t.dep_ in ("aux", "aux:pass", "case")
            ):
                return []
            j += step
        if not 0 <= j < len(self.doc):
            return []
        return self._named(self.actors_of(self.doc[j]))

    def first_after(self, v: SpacyToken, skip: Sequence[SpacyToken] = ()) -> list[int]:
        """The first actor after verb ``v`` inside its own clause (PETRARCH's reading), skipping
        places (*in*, *at*, *near* ...), embedded clauses and the subtrees of ``skip``: a
        fallback when no role holds one."""
        stop: set[int] = {t.i for c in skip for t in c.subtree}
        for c in v.subtree:  # clauses embedded anywhere below v ('decided to reopen it after
            if c.i == v.i or c.dep_ not in _EMBEDDED:  # he was hauled out of the Embassy')
                continue
            if c.head.i == v.i or c.dep_ != "conj" or _clause(c.head):
                stop.update(t.i for t in c.subtree)  # deeper down, only a clause's conj is one
        for t in v.subtree:
            if t.i <= v.i or t.i in stop:
                continue
            k = self.owner.get(t.i)
            if k is None:
                continue
            if self.unknown and self._agent_modifier(t, k):
                return []  # the first actor-like phrase names none ('hack government computers')
            h = t
            while self.owner.get(h.head.i) == k and h.head is not h:
                h = h.head  # the head of the actor's span ('West Bank' -> 'Bank')
            while h.dep_ == "compound" and h.head is not h:
                h = h.head  # a noun it modifies ('in the West Bank village'): that one's case
            if _locative(h):
                continue
            return self._named(self.actors_of(h) or [k])
        return []

    def _named(self, ks: list[int]) -> list[int]:
        """Actors a positional fallback (:meth:`adjacent`, :meth:`first_after`) may give:
        with unknown actors, not a country-less agent noun (*officials*, *the mayor*), which
        is an actor only in a role the parse gives it (subject, object, oblique, agent)."""
        if not self.unknown:
            return ks
        return [
            k for k in ks if not (self.spans[k][2].kind == "agent" and not self.spans[k][2].country)
        ]

    def distinct(self, ks: list[int]) -> list[int]:
        """Actors of one role without a country read twice from one phrase (*Afghan and
        Western leaders*: ``AFG`` inside ``AFGGOV``): the country-only span is dropped."""
        out = []
        for k in ks:
            s, e, a = self.spans[k]
            if a.type is None and any(
                j != k
                and self.spans[j][2].country == a.country
                and self.spans[j][2].type is not None
                and self.spans[j][0] < e
                and s < self.spans[j][1]
                for j in ks
            ):
                continue
            if k not in out:
                out.append(k)
        return out

    def dateline(self, k: int) -> bool:
        """A dateline place (*WASHINGTON (Reuters) -*): upper case, then a bracket or dash."""
        s, e, _a = self.spans[k]
        text = self.doc[s:e].text
        nxt = self.doc[e].text if e < len(self.doc) else ""
        return len(text) > 2 and text.isupper() and nxt in ("(", "-", "–", "—")

    def foreign_first(self, sources: list[int], targets: list[int]) -> list[int]:
        """Targets without the sources' own country when another country is one (*would not
        send Pakistani troops to Iraq*: the troops are what is sent, Iraq the target)."""
        own = {self.spans[k][2].country for k in sources} - {None}
        foreign = [k for k in targets if self.spans[k][2].country not in own]
        return foreign if own and foreign else targets

    def _country_modifier(self, tok: SpacyToken, k: int) -> int | None:
        """A generic agent (*forces*, *police*) modified by a country actor (*U.S.*) or a named
        place (*New York police*, *the governor of California*, *the commander of Kowloon
        West district*): a combined span of the modifier's country (coding rule 2: the
        modifier comes before the sentence's only named country, so an agent that country
        was given to, *Texas police arrested two Mexicans*, takes the place's).

        The modifier is a ``compound``, ``amod``, ``nmod:poss``, ``flat`` or ``nmod`` of a
        word of the agent's span (the parser may split *Attorney General*), or a word of such
        a modifier's own ``compound``/``flat`` chain, or of an ``of`` phrase's noun (*of
        Kowloon West district*). A place is never itself an actor here: only its country
        passes to the agent.
        """
        agent = self.spans[k][2]
        s, e = self.spans[k][0], self.spans[k][1]
        heads = [tok, *(self.doc[i] for i in range(s, e) if i != tok.i)]  # 'Attorney General'
        for c in (c for h in heads for c in h.subtree if c.i != h.i and _modifier_path(c, h)):
            if c.dep_ not in ("compound", "amod", "nmod:poss", "flat", "nmod"):
                continue
            j = self.owner.get(c.i)
            place = self.places.get(c.i) if self.news else None
            if j is not None and j == k:
                continue
            if j is None and place is not None and place.country:
                j = len(self.spans)  # 'New York police': the place's country
                self.spans.append((c.i, c.i + 1, place))
            if j is None or not self.spans[j][2].country:
                continue
            base = self.spans[j][2]
            if agent.country == base.country:
                return None  # nothing to change
            code = base.country + (agent.type or "") if base.country else base.code
            kind = "located" if base.kind == "place" else base.kind
            combined = Actor(code, base.name, base.country, agent.type, base.entity, kind)
            self.spans.append((self.spans[j][0], self.spans[k][1], combined))
            return len(self.spans) - 1
        return None


def _clause_of(t: SpacyToken) -> int:
    """The index of the verb heading ``t``'s own clause: the nearest verb above it (or
    itself) that is no infinitive complement (*police fired to disperse protesters in X*:
    one clause), else the sentence root. A *that*, relative, *as* or coordinated clause is
    one of its own."""
    while t.head.i != t.i:
        if _clause(t) and t.dep_ != "xcomp":
            return t.i
        t = t.head
    return t.i


def _generic(a: Actor) -> bool:
    """A generic agent whose country its modifiers decide: country-less (``---COP``), or
    given the sentence's only named country (``inherit_country``: kind ``inherited``, with an
    agent type and no entity)."""
    return a.code.startswith("---") or (
        a.kind == "inherited" and a.type is not None and a.entity is None
    )


def _modifier_path(c: SpacyToken, tok: SpacyToken) -> bool:
    """Whether ``c`` modifies ``tok`` directly, through a compound/flat chain (*New York*
    of *New York State Attorney General*), or inside the noun phrase of an ``of`` phrase
    that modifies it (*commander of Kowloon West district*)."""
    h = c.head
    while h.i != tok.i:
        if h.dep_ in ("compound", "flat"):
            h = h.head
            continue
        if (
            h.dep_ == "nmod"
            and h.head.i == tok.i
            and {g.lower_ for g in h.children if g.dep_ == "case"} <= {"of"}
        ):
            return c.dep_ in ("compound", "flat", "amod")
        return False
    return True


def _clause(t: SpacyToken) -> bool:
    """Whether ``t`` heads a clause: a verb not in a noun's relation (*bombing* as an object)."""
    return t.pos_ in ("VERB", "AUX") and not _nominal(t)


#: Universal Dependencies relations (before any ``:`` subtype) of a clause of its own to its
#: governor. A noun's clause (``acl``, ``acl:relcl``) is not one: PETRARCH-2's noun phrase holds
#: its postmodifiers (*assurances ... sent from Bree*).
_CLAUSAL = frozenset({"ccomp", "xcomp", "advcl", "parataxis", "csubj"})
#: Complements whose verb a pattern may name, and of an ``xcomp`` its objects: the verb chains
#: of CAMEO's patterns (WANT ``* ATTACK``, *indicated it deplored*, *refused to accept a
#: ceasefire*), never the complement's obliques or further clauses.
_CHAIN = frozenset({"xcomp", "ccomp"})
#: A verb's own words beside it: *to*, auxiliaries, a particle.
_VERB_GROUP = frozenset({"aux", "aux:pass", "mark", "compound:prt"})


def _own_clause_head(t: SpacyToken) -> bool:
    """Whether ``t`` heads a clause of its own below its governor: a clausal complement,
    adverbial clause, parenthetical, clausal subject, or a predicate coordinated with a verb
    (a noun parsed as a clausal complement stays the governor's object, :func:`_nominal_clause`)."""
    rel = t.dep_.split(":")[0]
    if rel == "conj":
        return t.head.pos_ in ("VERB", "AUX")
    return rel in _CLAUSAL and not _nominal_clause(t)


def _clause_scope(v: SpacyToken, n: int) -> list[bool]:
    """For each of the ``n`` tokens of ``v``'s sentence whether a pattern of verb ``v`` may read
    it: the tokens reached from the verb (for a verb parsed as a noun's modifier, from that
    noun) or from the subject it reads (:func:`_subject`, inherited by a complement or a
    coordinated verb) down the tree without entering another clause (:func:`_own_clause_head`),
    that is its subject, objects, obliques and their modifiers; plus the verb group of its
    governor (:data:`_CHAIN`) and of its complements, and an ``xcomp``'s objects. A
    subordinate or coordinated clause's words are out (PETRARCH-2 reads a pattern in the
    verb's phrase only)."""
    inside = [False] * n
    seen = [False] * n
    anchor = v.head if _verb_as_modifier(v) else v
    stack = [anchor, *_subject(v)[0]]
    if v.dep_ in _CHAIN and v.head.i != v.i:
        inside[v.head.i] = True
        for g in v.head.children:
            if g.dep_ in _VERB_GROUP:
                inside[g.i] = True
    while stack:
        t = stack.pop()
        if seen[t.i]:
            continue
        seen[t.i] = inside[t.i] = True
        for c in t.children:
            if not _own_clause_head(c):
                stack.append(c)
            elif t.i == anchor.i and c.dep_ in _CHAIN:
                inside[c.i] = True
                for g in c.children:
                    if g.dep_ in _VERB_GROUP:
                        inside[g.i] = True
                    elif c.dep_ == "xcomp" and g.dep_ in ("obj", "iobj"):
                        stack.append(g)
    return inside


def _subject(v: SpacyToken) -> tuple[list[SpacyToken], bool]:
    """(subject heads, passive) of verb ``v``, inherited from the governing clause if needed."""
    passive = any(c.dep_ in ("aux:pass", "nsubj:pass", "auxpass", "nsubjpass") for c in v.children)
    subj = [c for c in v.children if c.dep_ in ("nsubj", "nsubj:pass", "nsubjpass", "nsubj:outer")]
    if subj and subj[0].tag_ == "PRP" and v.dep_ == "ccomp" and _is_say(v.head):
        said = _subject(v.head)[0]  # 'Russia said it would ...': 'it' is the speaker
        if said:
            return said, passive
    if subj:
        return subj, passive
    head, dep = v.head, v.dep_
    if head is v:
        return [], passive
    if dep == "conj" and head.pos_ in ("VERB", "AUX"):
        s, p = _subject(head)
        return s, passive or (p and v.tag_ == "VBN")
    if dep == "xcomp":
        objs = [c for c in head.children if c.dep_ in ("obj", "iobj")]
        if objs:
            return objs, passive
        return _subject(head)[0], passive
    if dep in ("acl", "acl:relcl"):
        if dep == "acl" and v.tag_ == "VBN" and not _active_participle(v):
            return [head], True  # 'prisoners held by the government'
        rel = [c for c in v.children if c.tag_ in ("WDT", "WP") or c.lower_ == "that"]
        if dep == "acl" or not rel or rel[0].dep_.startswith("nsubj"):
            return [head], passive
        return [], passive
    if dep == "advcl" and v.tag_ == "VBG":
        return _subject(head)[0], passive  # '..., saying ...'
    return [], passive


def _active_participle(v: SpacyToken) -> bool:
    """A past form with a direct object and no *by* agent parsed as a reduced relative
    ('police [arrested students]' as 'police arrested ...'): active, its noun the subject."""
    return any(c.dep_ in ("obj", "dobj") for c in v.children) and not _agents(v)


def _locative(tok: SpacyToken) -> bool:
    """Whether ``tok``'s noun phrase opens with a preposition of place (*in*, *at* ...):
    it says where, not whom. A coordinated member without a preposition of its own shares
    its first member's (*the wars in Afghanistan and Iraq*)."""
    case = [g.lower_ for g in tok.children if g.dep_ == "case"]
    if not case and tok.dep_ == "conj" and tok.head.i != tok.i:
        return _locative(tok.head)
    return bool(case) and case[0] in _PLACES


def _nominal_clause(c: SpacyToken) -> bool:
    """A noun the parser hangs on a verb as its clausal complement, with no predicate of its
    own ('condemned [Beijing's crackdown]' as ccomp): a misparse, read as the verb's object."""
    return (
        c.dep_ in ("ccomp", "xcomp")
        and c.tag_ in ("NN", "NNS", "NNP", "NNPS")
        and not any(g.dep_ in ("cop", "nsubj", "nsubj:pass", "aux", "aux:pass") for g in c.children)
    )


def _verb_as_modifier(v: SpacyToken) -> bool:
    """A verb with its own subject parsed as the adjective of the noun after it ('the United
    States imposed sanctions on Russia' as [imposed sanctions]): that noun is its object."""
    return v.dep_ == "amod" and v.i < v.head.i and any(c.dep_ == "nsubj" for c in v.children)


def _targets(v: SpacyToken) -> list[SpacyToken]:
    out = [
        c for c in v.children if c.dep_ in ("obj", "iobj", "dobj", "dative") or _nominal_clause(c)
    ]
    if _verb_as_modifier(v):
        out.append(v.head)
    for c in v.children:
        if c.dep_ in ("obl", "prep", "obl:unmarked"):
            case = [g.lower_ for g in c.children if g.dep_ == "case"]
            if case and case[0] in TARGET_CASES:
                out.append(c)
    for o in list(out):  # 'imposed sanctions on Russia' (not a misparsed clause's noun)
        if _nominal_clause(o):
            continue
        for c in o.children:
            if c.dep_ in ("nmod", "obl"):
                case = [g.lower_ for g in c.children if g.dep_ == "case"]
                if case and case[0] in ("on", "against", "to", "with", "from", "by"):
                    out.append(c)
    return out


def _addressees(v: SpacyToken) -> list[SpacyToken]:
    """Who a statement is made to: the object of *tell*, else a *to*/*before* oblique."""
    out = []
    if v.lemma_.lower() in _TELL or v.lower_ in _TELL:
        out = [c for c in v.children if c.dep_ in ("obj", "iobj")]
    for c in v.children:
        if c.dep_ in ("obl", "obl:unmarked"):
            case = [g.lower_ for g in c.children if g.dep_ == "case"]
            if case and case[0] in ("to", "before"):
                out.append(c)
    return out


def _agents(v: SpacyToken) -> list[SpacyToken]:
    return [c for c in v.children if c.dep_ in ("obl:agent", "agent")] + [
        c
        for c in v.children
        if c.dep_ == "obl" and any(g.dep_ == "case" and g.lower_ == "by" for g in c.children)
    ]


def _is_say(v: SpacyToken) -> bool:
    return v.lemma_.lower() in _SAY or v.lower_ in _SAY


def _negated(v: SpacyToken) -> bool:
    """A negation on ``v``: *not*, *never*, *no longer* (*would no longer send aid*)."""
    return any(
        c.dep_ in ("advmod", "neg")
        and (c.lower_ in _NEGATIONS or (c.lower_ == "longer" and _has(c, "no")))
        for c in v.children
    )


def _has(t: SpacyToken, word: str) -> bool:
    return any(g.lower_ == word for g in t.children)


def _aux(v: SpacyToken) -> set[str]:
    return {c.lower_ for c in v.children if c.dep_ in ("aux", "aux:pass")}


def _subject_marks(v: SpacyToken) -> set[str]:
    """A clause's conjunction misattached to its subject ('if [US President] Trump agrees',
    'after [American] troops leave'): a *mark* or *case* word left of the subject's head."""
    out: set[str] = set()
    for s in v.children:
        if s.dep_.startswith("nsubj") and s.i < v.i:
            out.update(g.lower_ for g in s.children if g.dep_ in ("mark", "case") and g.i < s.i)
    return out


def _hedged(v: SpacyToken) -> bool:
    """A modal, conditional or hedged clause anywhere up the chain of governing verbs."""
    t = v
    for _ in range(6):
        aux = _aux(t)
        if aux & _HEDGES:
            return True
        if "would" in aux and not (t.dep_ == "ccomp" and _is_say(t.head)):
            return True  # 'that would help': hypothetical, unless reported ('said it would')
        if t.dep_ == "ccomp" and _is_say(t.head) and _negated(t.head):
            return True  # 'did not say Hamas attacked': nothing is reported
        marks = {c.lower_ for c in t.children if c.dep_ == "mark"} | _subject_marks(t)
        if marks & _CONDITIONAL:
            return True
        if t.dep_ == "advcl" and t.left_edge.i < t.i and t.left_edge.lower_ in _CONDITIONAL:
            return True  # 'If [an engagement with Iran] envelops ...': 'if' hung on a noun
        if (
            t.dep_ in ("advcl", "ccomp")
            and marks & _TEMPORAL
            and _aux(t.head) & {"will", "shall", "'ll"}
        ):
            return True  # 'will keep the base after troops leave': not yet happened
        if t.dep_ in ("xcomp", "ccomp") and t.head.lower_ in _HEDGES:
            return True
        if (
            t.dep_ == "acl"
            and (t.head.pos_ in ("NOUN", "PROPN") or _nominal(t.head))
            and any(c.dep_ == "mark" and c.lower_ == "to" for c in t.children)
        ):
            return True  # 'efforts to get Ukraine to investigate': not an event
        if t.head is t or t.dep_ not in ("conj", "xcomp", "ccomp", "advcl", "acl", "acl:relcl"):
            return False
        if t.dep_ == "advcl" and marks & _ASSERTED:
            return False  # '..., while the League condemned ...' asserts its own clause
        t = t.head
    return False


def code_doc(
    doc: Doc,
    spans: Sequence[tuple[int, int, Actor]],
    verbs: VerbMatcher,
    news: bool = True,
    places: Sequence[tuple[int, int, Actor]] = (),
    trace: list[dict[str, Any]] | None = None,
    unknown: bool = False,
) -> list[RawEvent]:
    """Events of one parsed sentence.

    Parameters
    ----------
    doc : spacy.tokens.Doc
        The parsed sentence.
    spans : sequence of (start, end, Actor)
        Actor spans over ``doc`` token indices.
    verbs : VerbMatcher
        The PETRARCH verb dictionary.
    news : bool
        Real-news mode: a pair with a country-less agent (*police* - *protesters*,
        *lawmakers* - *Ukraine*) is no event unless ``unknown``; an unresolved proper name
        in an actor role takes the sentence's only named country.
    places : sequence of (start, end, Actor)
        Named places over ``doc`` tokens (never read as unresolved names; a generic actor
        they modify takes their country in news mode).
    unknown : bool
        PETRARCH's unknown actors in news mode, by the news gold's rule 2: a country-less
        agent noun heading its phrase is coded ``---`` + its type (*rebels*: ``---REB``)
        instead of dropping its events, unless its modifier, the sentence's only named
        country or a place of its own clause gives a country (:meth:`_Sentence._locate`);
        places are targets when no actor is (a gazetteer place outside a locative, *the
        capital*, *the Strait of Hormuz*: ``---`` unless a gazetteer place names its
        country); a joint verb (:data:`RECIPROCAL_VERBS`) codes its coordinated subject's
        pairs; a threat takes its uncoded complement's object as target (*threatened to
        close the Strait*).
    trace : list, optional
        Diagnostics (``experiments/coding/diagnose.py``, ``experiments/coding/learned.py``):
        one dict per coded verb with its code, source and target actors (and their span
        indices, ``src``/``tgt``; the verb's token, ``head``) and why it gave no event
        (``reason``, ``"event"`` when it gave one), then one ``{"spans": [...],
        "positions": [...]}`` with every actor of the sentence and its token span.
    """
    sent = _Sentence(doc, spans, places, news, unknown)
    toks = doc_tokens(doc)
    low = [t.low for t in toks]
    covered = set(sent.owner)
    found: dict[int, _Verb] = {}
    gov = premodifier_governors(doc)  # pattern groups skip their noun's modifiers
    for i, j, forms in verbs.index.scan(toks):
        form = forms[0]
        head = min(i + form.head, j - 1)
        v = doc[head]
        if v.tag_.startswith("VB") and head not in covered and not _nominal(v):
            hi = (v.head if _verb_as_modifier(v) else v).right_edge.i + 1
            clauses = [
                c.left_edge.i
                for c in v.children
                if c.dep_ in ("ccomp", "advcl", "parataxis", "conj") and c.i > head
            ]
            hi = min([hi, *clauses])  # patterns stay inside the verb's own clause
            if any(c.dep_ == "aux:pass" for c in v.children):
                hi = next((k for k in range(j, hi) if low[k] == "by"), hi)  # patterns before 'by'
            scope = _clause_scope(v, len(doc))
            code, paired, by_pattern = verbs.code_for(form, low, i, j, hi, gov, scope)
            if form.null and not by_pattern:
                code = paired = None  # 'HOLD [---]': only its patterns code
            light = v.lemma_.lower() in _LIGHT or low[head] in _LIGHT
            governs = None if code or by_pattern else verbs.governs.get(form.block)
            found[head] = _Verb(v, i, j, code, paired, by_pattern, light,
                                verbs.entry_code(form), form.block, governs)  # fmt: skip
    events: list[RawEvent] = []
    absorbed: set[int] = set()
    transforms = verbs.transforms

    def same(x: Sequence[int], y: Sequence[int]) -> bool:  # one actor, as PETRARCH-2 compares
        return {sent.spans[k][2].code for k in x} == {sent.spans[k][2].code for k in y}

    def note(
        reason: str, code: str | None, src: Sequence[int] = (), tgt: Sequence[int] = ()
    ) -> None:
        if trace is not None:
            trace.append({"verb": vb.start, "text": v.text, "code": code, "reason": reason,
                          "sources": [sent.spans[k][2] for k in src],
                          "targets": [sent.spans[k][2] for k in tgt],
                          "subject": [t.text for t in _subject(v)[0]],
                          "objects": [t.text for t in _targets(v)],
                          "head": v.i, "src": list(src), "tgt": list(tgt)})  # fmt: skip

    for idx in sorted(found):
        vb = found[idx]
        v = vb.tok
        if idx in absorbed or (not vb.code and not vb.paired and not vb.governs):
            if idx in absorbed:
                note("absorbed as complement", vb.code)
            continue
        if vb.light and not vb.pattern:
            note("light verb", vb.code)
            continue
        code = vb.code or vb.governs  # a code-less governing verb codes only by the pair
        if code and code[:2] == "05" and not vb.pattern and _agrees_to(v):
            code = "030"  # 'agreed to hold talks' is an intent (036), not cooperation
        willing = _willing_head(v) if code and code[:2] not in ("01", "05") else None
        if code and willing is not None:  # 'is willing to send aid': intent (033); 'is not
            code = combine("120" if _negated(willing) else "030", code)  # ready to': 12x
            if code is None:
                note("willingness to a non-cooperative act", vb.code)
                continue
        inner: str | None = None  # the coded complement's own code
        paired_code = False  # the code is the governor's and its complement's pair
        comp_targets: list[SpacyToken] = []
        uncoded: list[SpacyToken] = []
        forced: tuple[list[int], list[int], str, Transformation] | None = None
        if code and code[:2] in _GOVERNING:
            comps = _complements(v, found)
            if not vb.code:  # 'refused to negotiate', 'ruled out sending': its verbal
                comps = [c for c in comps if c.dep_ == "xcomp" and c.tag_ in ("VB", "VBG")]
            for c in comps:
                if c.i in found and found[c.i].code:
                    cv = found[c.i]
                    if cv.code and not (cv.light and not cv.pattern):
                        absorbed.add(c.i)
                        if _negated(c):
                            break  # 'urged X not to tolerate Y': no appeal to tolerate
                        inner = cv.code
                        if c.head.i == v.i and _transformable(transforms, vb):  # 'wants to
                            sub, objs = _clause_roles(sent, c)  # attack X' = 138
                            forced = _transform(transforms, vb, cv.code, _speaker(sent, v),
                                                sub, objs, same)  # fmt: skip
                            if forced is not None:
                                code = forced[2]
                                paired_code = True
                                break
                        new = combine(code, cv.code)
                        if new is not None:
                            code = new
                            paired_code = True
                            comp_targets = _clause_addressees(c, code) or _targets(c)
                        break
            else:
                if unknown and code[:2] == "13":  # 'threatened to close the Strait': a
                    uncoded = [  # threat's uncoded complement's object is the target (not
                        # an intent's or refusal's: 'pledged to fulfill Palestinian dreams')
                        t
                        for c in v.children
                        if c.dep_ == "xcomp" and not _negated(c)
                        for t in _targets(c)
                    ]
        if code and code[:2] in ("02", "10") and not comp_targets:
            comp_targets = [  # 'demanded that the DPRK forsake ...': the DPRK is asked
                t for c in v.children if c.dep_ == "ccomp" for t in _clause_addressees(c, code)
            ]
        if vb.governs and not vb.code and not paired_code:
            note("governing verb without a coded complement", None)
            continue  # 'refused to comment', 'refused to attack': no CAMEO pair
        if code and code[:2] not in ("01",) and _absorbed_by_parent(v, found):
            if trace is not None:
                note("complement of a coded verb", code, *_roles(sent, v))
            continue
        if _hedged(v):
            if trace is not None:
                note("hedged (modal/conditional)", code, *_roles(sent, v))
            continue
        if code and code[:2] == "04" and _naming(v):
            note("naming (secondary predicate)", code)
            continue
        future = bool(_aux(v) & _FUTURE)
        if _negated(v):  # promised cooperation negated is a rejection (12x) of its kind
            # ('would not send aid', 'will not negotiate'); anything else negated is no event
            if not (future and code and code[:2] in ("03", *_COOPERATION)):
                if trace is not None:
                    note("negated", code, *_roles(sent, v))
                continue
            code = combine("120", inner if inner and code[:2] == "03" else code)
        elif future and code and code[:2] in ("06", "07", "08", "04"):
            code = combine("030", code)  # 'will provide aid': an intent
        elif future and code and code[:2] in ("16", "17", "18", "19", "20"):
            code = combine("130", code)  # 'would raise tariffs if ...': a threat
        subj, passive = _subject(v)
        sources = [k for s in subj for k in sent.actors_of(s)]
        targets = [k for t in comp_targets for k in sent.actors_of(t)]
        if comp_targets and code and code[:2] in ("02", "10"):
            own = [k for t in _targets(v) for k in sent.actors_of(t)]
            targets = own or targets  # 'urged Japan to send troops': Japan is appealed to
        elif not comp_targets:
            targets = [k for t in _targets(v) for k in sent.actors_of(t)]
        if not sources and not passive and v.dep_ not in ("xcomp", "acl", "acl:relcl", "advcl"):
            sources = sent.adjacent(idx, -1)  # a misparsed subject right before the verb
        if not targets and not passive and uncoded:
            targets = [k for t in uncoded for k in sent.actors_of(t)]
        if not targets and not passive:
            wish: list[SpacyToken] = []
            if code and code[:2] in _GOVERNING:  # 'wants to drive the
                wish = [  # Palestinians ...': an uncoded complement's object is no target
                    c
                    for c in v.children
                    if c.dep_ == "xcomp" and not (c.i in found and found[c.i].code)
                ]
            targets = sent.first_after(v, wish)
        if not targets and not passive and unknown:  # 'attacked the capital', 'close the
            targets = sent.places_of(comp_targets or uncoded or _targets(v))  # Strait'

        if passive:
            sources, targets = [k for a in _agents(v) for k in sent.actors_of(a)], sources
            targets += [k for t in _targets(v) for k in sent.actors_of(t) if k not in targets]
        if forced is not None:  # a transformation of the complement gave the roles
            sources, targets = list(forced[0]), list(forced[1])
            note(f"transformed: {_rule_text(forced[3])}", code, sources, targets)
        if unknown:  # a place is only ever a target
            sources = [k for k in sources if sent.spans[k][2].kind != "place"]
        if code and (code[:2] == "01" or _is_say(v)) and not passive:
            for c, ccode, heads in _obligations(v, found):  # 'X said Y must withdraw': X demands
                absorbed.add(c.i)
                for s in sent.distinct(sources):
                    for t in sent.distinct([k for h in heads for k in sent.actors_of(h)]):
                        a, b = sent.spans[s][2], sent.spans[t][2]
                        if s == t or (a.code == b.code and a.kind == b.kind and a.name == b.name):
                            continue
                        if news and not unknown and (_unattributable(a) or _unattributable(b)):
                            note("country-less actor (news mode)", ccode, [s], [t])
                            continue
                        note("event: demand by obligation", ccode, [s], [t])
                        verb_text = " ".join(x.text for x in doc[vb.start : vb.end])
                        events.append(RawEvent(a, b, ccode, verb_text, vb.start, False))
        if code and code[:2] == "01" and not passive and forced is None:
            targets = [
                k
                for t in _addressees(v)
                for k in sent.actors_of(t)
                if not (sent.spans[k][2].kind == "inherited" and sent.spans[k][2].type is None)
                and sent.spans[k][2].type != "MED"
            ]  # 'said in a statement to Rolling Stone': an unknown name is no political addressee,
            # 'told reporters': the media are none (the news gold's rule 4)
            if not targets:
                note("statement without addressee", code, sources)
                continue  # a statement codes only with an addressee ('told X', 'said to X')
        sources = sent.distinct([k for k in sources if not sent.dateline(k)])
        targets = sent.distinct(targets)
        if news and not passive:
            targets = sent.foreign_first(sources, targets)
        pairs = [(s, t) for s in sources for t in targets if s != t]
        joint = False
        if (
            not targets
            and len(sources) >= 2
            and not passive
            and (_reciprocal(vb, code) or not news or (unknown and _joint_verb(v)))
        ):
            pairs = [(a, b) for a in sources for b in sources if a != b]  # 'A, B and C signed'
            joint = True  # both directions are coded: a paired code would repeat the reverse
        if trace is not None and not pairs:
            note("no source-target pair", code, sources, targets)
        coded: list[tuple[int, int, str | None, bool]] = [(s, t, code, True) for s, t in pairs]
        outer = found.get(v.head.i) if v.dep_ in ("ccomp", "xcomp") and v.head.i != idx else None
        if (
            outer is not None
            and code
            and forced is None
            and _transformable(transforms, outer)
            and not _negated(outer.tok)
        ):
            tf = _transform(transforms, outer, code, _speaker(sent, outer.tok),
                            sources if _own_subject(v) else None, targets, same)  # fmt: skip
            if tf is not None:  # 'Israel said Hamas attacked X': Israel accuses Hamas (112)
                note(f"transformed: {_rule_text(tf[3])}", tf[2], tf[0], tf[1])
                statement = bool(outer.entry and outer.entry[:2] == "01")
                coded = (coded if statement else []) + [  # a statement: the reported event stands
                    (s, t, tf[2], False) for s in tf[0] for t in tf[1] if s != t
                ]  # ('attempted to assassinate' is no assassination: 185 replaces 186)
        for s, t, ecode, verbs_own in coded:
            a, b = sent.spans[s][2], sent.spans[t][2]
            if a.code == b.code and a.kind == b.kind and a.name == b.name:
                continue
            if news and not unknown and (_unattributable(a) or _unattributable(b)):
                note("country-less actor (news mode)", ecode, [s], [t])
                continue  # 'lawmakers' with no country: that side cannot be attributed
            note("event", ecode, [s], [t])
            verb_text = " ".join(x.text for x in doc[vb.start : vb.end])
            if ecode:
                events.append(RawEvent(a, b, ecode, verb_text, vb.start, vb.pattern))
            if verbs_own and vb.paired and ecode == vb.code and not joint:
                events.append(RawEvent(b, a, vb.paired, verb_text, vb.start, vb.pattern))
    if trace is not None:
        trace.append({"spans": [a for _s, _e, a in sent.spans],
                      "positions": [(s, e) for s, e, _a in sent.spans]})  # fmt: skip
    return unique_events(events)


def _transform(
    transforms: Sequence[Transform],
    outer: _Verb,
    inner_code: str,
    a: list[int],
    b: list[int] | None,
    c: list[int],
    same: Callable[[Sequence[int], Sequence[int]], bool],
) -> tuple[list[int], list[int], str, Transformation] | None:
    """The dictionary's verb transformation for a clause ``(b c inner_code)`` governed by
    ``outer`` whose subject is ``a``, as PETRARCH-2's ``match_transform`` reads the lines:
    (source, target, code) of the result, with the rule, or ``None``.

    ``a``, ``b`` and ``c`` are actor indices: the outer verb's subject, the clause's own
    subject (``None`` when it has none, PETRARCH-2's ``_``: *wants to attack*) and the
    clause's targets. Matching follows PETRARCH-2's order: the outer verb's most specific key
    (its own dictionary code, :class:`~earlywarn.extract.coding.petrarch.VerbKey`), then
    the inner code's most specific key, ``Q`` (any code) only when none fits; a clause
    subject that is the speaker (one actor code, *Hamas said it attacked*) takes the
    speaker's variable when a rule has it, another actor a new variable; ``.`` needs a
    target, ``_`` none.
    """
    if not a:
        return None
    fit = [(_fit(t.outer, outer.entry, outer.block), t) for t in transforms]
    best = max((f for f, _t in fit), default=0)
    rules = [t for f, t in fit if f and f == best]
    inner = [(_fit(t.inner, inner_code, None), t) for t in rules if t.inner is not None]
    best = max((f for f, _t in inner), default=0)
    rules = [t for f, t in inner if f and f == best] or [t for t in rules if t.inner is None]
    if b is None:
        rules = [t for t in rules if t.rule.inner[0] == "_"]
    elif same(a, b) and any(t.rule.inner[0] == t.rule.source for t in rules):
        rules = [t for t in rules if t.rule.inner[0] == t.rule.source]
    else:
        rules = [t for t in rules if t.rule.inner[0] not in ("_", ".", t.rule.source)]
    for t in rules:
        r = t.rule
        bound = {r.source: a}
        if r.inner[0] not in ("_", "."):
            bound.setdefault(r.inner[0], b or [])
        var = r.inner[1]
        if (var == "_") != (not c):
            continue  # '.' and a variable need a target, '_' none
        if var not in ("_", "."):
            if var in bound and not same(bound[var], c):
                continue
            bound.setdefault(var, c)
        x, y, z = r.result
        if x in bound and y in bound:
            return bound[x], bound[y], inner_code if z == "Q" else z, r
    return None


def _transformable(transforms: Sequence[Transform], outer: _Verb) -> bool:
    """Whether some transformation's outer verb fits ``outer`` (a quick test first)."""
    return any(t.outer.matches(outer.entry, outer.block) for t in transforms)


def _fit(key: VerbKey | None, code: str | None, block: str | None) -> int:
    """How specifically a transformation key fits a verb (0: not at all), PETRARCH-2's masks:
    its own code 3, a sub-code 2, the root or, for a code-less key, the block 1."""
    if key is None or not key.matches(code, block):
        return 0
    if key.code is None or key.code != code:
        return 2 if key.code and code and code.startswith(key.code) else 1
    return 3


def _rule_text(r: Transformation) -> str:
    return f"~ {r.source} ({' '.join(r.inner)}) {r.outer} = {' '.join(r.result)}"


def _speaker(sent: _Sentence, v: SpacyToken) -> list[int]:
    """The actors of an active verb's subject (a transformation's ``a``)."""
    subj, passive = _subject(v)
    if passive:
        return []
    return sent.distinct([k for s in subj for k in sent.actors_of(s) if not sent.dateline(k)])


def _own_subject(v: SpacyToken) -> bool:
    """Whether a complement clause has a subject of its own (*said [Hamas] attacked*, *wants
    [Turkey] to attack*), not only its governor's (*wants to attack*)."""
    if any(c.dep_ in ("nsubj", "nsubj:pass", "nsubjpass") for c in v.children):
        return True
    return v.dep_ == "xcomp" and any(c.dep_ in ("obj", "iobj") for c in v.head.children)


def _clause_roles(sent: _Sentence, c: SpacyToken) -> tuple[list[int] | None, list[int]]:
    """(own subject's actors or ``None``, targets) of a complement clause, as the coder reads
    a verb's roles."""
    subj, passive = _subject(c)
    src = [k for s in subj for k in sent.actors_of(s)]
    tgt = [k for t in _targets(c) for k in sent.actors_of(t)]
    if passive:
        src, tgt = [k for a in _agents(c) for k in sent.actors_of(a)], src + tgt
    elif not tgt:
        tgt = sent.first_after(c)
    return (sent.distinct(src) if src and _own_subject(c) else None), sent.distinct(tgt)


def _roles(sent: _Sentence, v: SpacyToken) -> tuple[list[int], list[int]]:
    """(sources, targets) of verb ``v`` as the coder reads them, for a trace only."""
    subj, passive = _subject(v)
    sources = [k for s in subj for k in sent.actors_of(s)]
    targets = [k for t in _targets(v) for k in sent.actors_of(t)]
    if passive:
        return [k for a in _agents(v) for k in sent.actors_of(a)], sources + targets
    return sources, targets or sent.first_after(v)


#: Relations only a noun phrase holds: a token in them is no verb, whatever its tag.
_NOMINAL = frozenset(
    ["obj", "iobj", "nsubj", "nsubj:pass", "obl", "nmod", "nmod:poss", "compound", "appos"]
)


def _nominal(v: SpacyToken) -> bool:
    """A verb-tagged noun ('a UN plan to ...' as the object) or a gerund coordinated with a
    finite verb ('accused X of controlling ... and disrupting'): a misparse, not a clause."""
    if v.dep_ in _NOMINAL:
        return True
    return (
        v.dep_ == "conj"
        and v.tag_ == "VBG"
        and v.head.tag_ in ("VBD", "VBZ", "VBP", "VBN")
        and not any(c.dep_ in ("aux", "aux:pass") for c in v.children)
    )


def _unattributable(a: Actor) -> bool:
    return not a.country and a.type not in ("IGO", "NGO")


def _complements(v: SpacyToken, found: dict[int, _Verb]) -> list[SpacyToken]:
    """Clausal complements of ``v``, through an uncoded aspectual infinitive (*pledged to
    [continue] assisting Iran*: *assisting* is the pledge's complement). A reporting
    participle (*rejected the resolution, saying it was unfair*) is no complement: it
    reports the act, it is not what is rejected, urged or threatened."""
    out = []
    for c in v.children:
        if c.dep_ not in ("xcomp", "ccomp", "advcl"):
            continue
        if _reporting_participle(c):
            continue
        out.append(c)
        if c.dep_ == "xcomp" and not (c.i in found and found[c.i].code):
            out += [g for g in c.children if g.dep_ == "xcomp"]
    return out


def _reporting_participle(c: SpacyToken) -> bool:
    """*..., saying ...*: a saying verb's present participle hung on a verb as an adverbial
    clause with no conjunction of its own (not *by saying*, not *after saying*)."""
    return (
        c.dep_ == "advcl"
        and c.tag_ == "VBG"
        and _is_say(c)
        and not any(g.dep_ in ("mark", "case") for g in c.children if g.i < c.i)
    )


def _absorbed_by_parent(v: SpacyToken, found: dict[int, _Verb]) -> bool:
    """A complement of a coded non-saying verb (*accused X of attacking*) is not an event."""
    if v.dep_ not in ("xcomp", "ccomp", "advcl", "acl") or v.head is v:
        return False
    head = v.head
    if v.dep_ == "xcomp" and head.dep_ == "xcomp" and not (head.i in found and found[head.i].code):
        head = head.head  # 'pledged to continue assisting': through the uncoded 'continue'
    parent = found.get(head.i)
    if parent is None or not parent.code:
        return False
    if parent.code[:2] == "01" or _is_say(parent.tok):
        return False  # reported speech: the reported event stands, whatever 'say' codes
    if v.dep_ == "advcl" and not any(
        c.dep_ == "mark" and c.lower_ in ("of", "to", "for") for c in v.children
    ):  # 'criticized X for calling ...': the reason, not an event of its own
        return v.tag_ == "VBG" and any(c.lower_ == "of" for c in v.children if c.dep_ == "mark")
    return True


_RECIPROCAL = frozenset(["040", "041", "042", "043", "044", "046", "057", "190", "193", "036"])


def _naming(v: SpacyToken) -> bool:
    """A verb with an object and a noun or adjective predicate on it (*called the issue
    "very important"*, *called it a war*): naming or judging, not the verb's act (a call)."""
    obj = [c.i for c in v.children if c.dep_ in ("obj", "iobj")]  # ('called Omar a terrorist')
    return bool(obj) and any(
        (c.dep_ == "xcomp" and c.pos_ in ("ADJ", "NOUN", "PROPN"))
        or (c.dep_ == "advmod" and c.tag_ == "JJ")  # the predicate as the parser may hang it
        or (
            c.dep_ == "obl:unmarked"
            and any(g.dep_ == "det" and g.lower_ in ("a", "an") for g in c.children)
        )  # 'a disaster', not 'last week'
        for c in v.children
        if c.i > obj[0]
    )


def _reciprocal(vb: _Verb, code: str | None) -> bool:
    """'A and B signed / met / clashed': a joint subject acts on each other; force only with
    a joint verb (*A and B clashed*, not *A and B killed commanders*: a common foe)."""
    if code is not None and code[:2] == "03" and _agrees_to(vb.tok):
        return True  # 'Jordan and Britain agreed to hold exercises': each agrees with the other
    if code is None or code[:3] not in _RECIPROCAL:
        return False
    return code[:2] != "19" or _joint_verb(vb.tok)


def _agrees_to(v: SpacyToken) -> bool:
    """*Agree* governing a to-infinitive (*agreed to hold talks*, *agreed to resign*)."""
    return (v.lemma_.lower() in _AGREE_TO or v.lower_ in _AGREE_TO) and any(
        c.dep_ == "xcomp" and c.tag_ == "VB" and _has(c, "to") for c in v.children
    )


def _willing_head(v: SpacyToken) -> SpacyToken | None:
    """The predicate of willingness or commitment whose to-infinitive ``v`` is (*Norway is
    willing to [send]*, *Iraq is prepared to [impose]*), else ``None``."""
    h = v.head
    if v.dep_ != "xcomp" or h is v or not _has(v, "to"):
        return None
    if h.lower_ in _WILLING and h.tag_ in ("JJ", "VBN"):
        return h
    return None


def _clause_addressees(c: SpacyToken, code: str | None) -> list[SpacyToken]:
    """Who an appeal or demand (02, 10) with a *that* clause is addressed to: the clause's own
    subject (*demanded that the DPRK forsake*, *urged that Japan send*); none for another
    governor or an infinitive (*urged Japan to send*: the object is the addressee)."""
    if code is None or code[:2] not in ("02", "10") or c.dep_ != "ccomp":
        return []
    if _aux(c) & {"will", "would", "shall", "'ll"}:
        return []  # 'demanded assurances that X would ...': not an order to X
    return [g for g in c.children if g.dep_ == "nsubj" and g.tag_ != "PRP"]


def _obligations(v: SpacyToken, found: dict[int, _Verb]) -> list[tuple[Any, str, list[Any]]]:
    """(clause, demand code, addressee heads) of each reported obligation of a saying verb:
    *Russia said Sudan must return the helicopter* is Russia's demand of Sudan (105, by the
    clause's code), *declared that China must drop barriers* a demand (100). A negated
    obligation (*must not*) or one on the speaker itself (*said it must*) is none."""
    out = []
    for c in v.children:
        if c.dep_ != "ccomp" or not (_aux(c) & _OBLIGATION) or _negated(c):
            continue
        heads = [g for g in c.children if g.dep_ == "nsubj" and g.tag_ != "PRP"]
        if not heads:
            continue
        cv = found.get(c.i)
        inner = cv.code if cv is not None and not (cv.light and not cv.pattern) else None
        out.append((c, (combine("100", inner) if inner else None) or "100", heads))
    return out


def _place_noun(tok: SpacyToken) -> bool:
    return tok.lemma_.lower() in PLACE_NOUNS or tok.lower_ in PLACE_NOUNS


def _joint_verb(v: SpacyToken) -> bool:
    return v.lemma_.lower() in RECIPROCAL_VERBS or v.lower_ in RECIPROCAL_VERBS


def spans_on_doc(
    doc: Doc, toks: list[Token], spans: Iterable[ActorSpan]
) -> list[tuple[int, int, Actor]]:
    """Actor spans over regex tokens moved onto parse tokens (by character offsets)."""
    # parse tokens are in text order and never overlap: a span's ends are found by
    # bisection (a scan per span was quadratic: 14 s for one 8,000-word "sentence")
    starts, ends = _offsets(doc)
    out = []
    for sp in spans:
        c0, c1 = toks[sp.start].start, toks[sp.end - 1].end
        first = bisect_right(starts, c0) - 1  # the token starting at or before c0
        last = bisect_left(starts, c1) - 1  # the token starting before c1
        if first < 0 or c0 >= ends[first] or last < 0 or c1 > ends[last]:
            continue
        out.append((first, last + 1, sp.actor))
    return out
