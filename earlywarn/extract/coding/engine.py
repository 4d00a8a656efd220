"""The sentence coder: verb phrases, their source and target actors, pattern codes.

No parser is available offline, so the coder works on tokens with shallow rules:
the source is the nearest actor (group) before the verb inside the same clause, the target
the first actor after it before the next clause boundary or coded verb; passives
(``was attacked by``, Vietnamese ``bị``) swap the roles; ``A and B`` groups code once per
member; a verb right after ``and`` inherits the previous verb's source. The verb's block
patterns (``pre * post``) pick the most specific code.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise
from typing import Any

from earlywarn.extract.coding.grammar import Grammar
from earlywarn.extract.coding.news import (
    after_subject,
    in_pp,
    is_modal,
    joint,
    nested,
    unknown_subject,
)
from earlywarn.extract.coding.petrarch import (
    Pattern,
    Transform,
    VerbBlock,
    VerbDictionary,
    VerbForm,
)
from earlywarn.extract.coding.text import PhraseIndex, Token
from earlywarn.extract.coding.types import ActorSpan, RawEvent, unique_events

__all__ = ["GOVERNING_ROOTS", "VerbMatcher", "code_tokens", "premodifier_governors"]

#: CAMEO roots of governing verbs, which code with a verbal complement: appeal (02),
#: intent (03), demand (10), rejection (12), threat (13).
GOVERNING_ROOTS = frozenset(["02", "03", "10", "12", "13"])
#: A code-less block governs when at least this many of its patterns are coded ...
_GOVERNING_MIN = 5


@dataclass
class VerbMatcher:
    """Verb phrases of a :class:`VerbDictionary` compiled into a phrase index."""

    vd: VerbDictionary
    index: PhraseIndex[VerbForm] = field(init=False)
    #: the dictionary's verb transformations, their verbs resolved (read by the parsed
    #: English coder's reported speech and complements, :mod:`syntax`)
    transforms: list[Transform] = field(init=False)
    #: the governing root code (``120``, ``130``, ``020`` ...) of each code-less block whose
    #: patterns code mostly one governing root (:meth:`governing_root`)
    governs: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        self.index = PhraseIndex()
        for phrase, forms in self.vd.forms.items():
            for f in forms:
                self.index.add(phrase, f)
        self.transforms = self.vd.resolved_transformations()
        self.governs = {}
        for name, block in self.vd.blocks.items():
            root = self.governing_root(block)
            if root is not None:
                self.governs[name] = root + "0"

    @staticmethod
    def governing_root(block: VerbBlock) -> str | None:
        """The governing CAMEO root (:data:`GOVERNING_ROOTS`) of a block without a code of its
        own, when at least :data:`_GOVERNING_MIN` of its patterns are coded and more than half
        of them code that root: REFUSE (*refuse*, *reject*, *rule out*) 12, VOW 13, ASK 02.
        Such a verb has no event of its own; with a coded infinitive complement it codes the
        pair (*refused to negotiate* is a rejection, not a negotiation). ``None`` otherwise."""
        if block.code:
            return None
        roots = Counter(p.code[:2] for p in block.patterns if p.code)
        n = sum(roots.values())
        if n < _GOVERNING_MIN:
            return None
        root, k = roots.most_common(1)[0]
        return root if root in GOVERNING_ROOTS and 2 * k > n else None

    def entry_code(self, form: VerbForm) -> str | None:
        """The code a verb form's own dictionary entry gives it, patterns aside (its verb code,
        else its block's; ``None`` for a ``[---]`` verb)."""
        if form.null:
            return None
        if form.code:
            return form.code
        block = self.vd.blocks.get(form.block)
        return block.code if block is not None else None

    def code_for(
        self,
        form: VerbForm,
        low: list[str],
        vs: int,
        ve: int,
        hi: int | None = None,
        gov: Sequence[int] | None = None,
        scope: Sequence[bool] | None = None,
    ) -> tuple[str | None, str | None, bool]:
        """(code, paired code, pattern matched) of a verb occurrence at tokens ``vs:ve``.

        ``gov`` (from a parse: the noun each token premodifies, -1 for none) lets a
        pattern's word groups skip their noun's determiners and modifiers (:func:`_find_seq`).
        ``scope`` (from a parse: whether each token lies in the verb's own clause) keeps a
        pattern's words out of other clauses, as PETRARCH-2 reads them in the verb's phrase
        only; without it every word of the window may match.
        """
        block = self.vd.blocks.get(form.block)
        best: Pattern | None = None
        if block is not None:
            if scope is not None:  # a word outside the clause matches no pattern word
                low = [w if inside else "\x00" for w, inside in zip(low, scope, strict=True)]
            end = min(len(low), ve + 10, hi if hi is not None else len(low))
            near = {""}  # words a pattern could match here (with their singulars): a quick
            for w in low[max(0, vs - 6) : end]:  # test that skips most patterns unmatched
                near.add(w)
                if w.endswith("s"):
                    near.update((w[:-1], w[:-2], w[:-3] + "y"))
            for pat in block.patterns:
                if best is not None and pat.weight <= best.weight:
                    continue
                for f in pat.firsts:
                    if near.isdisjoint(f):
                        break
                else:
                    if _match(pat, low, vs, ve, hi, gov):
                        best = pat
        if best is not None:
            return best.code, best.paired, True
        if form.code or form.paired:
            return form.code, form.paired, False
        if block is None:
            return None, None, False
        return block.code, block.paired, False


@lru_cache(maxsize=65536)
def _forms(w: str) -> frozenset[str]:
    """A pattern noun and its regular plurals (PETRARCH's ``make_plural``: -s, -es,
    consonant + y -> -ies).

    >>> sorted(_forms("talk")), sorted(_forms("party"))
    (['talk', 'talkes', 'talks'], ['parties', 'party'])
    """
    if w.endswith("y") and len(w) > 1 and w[-2] not in "aeiou":
        return frozenset((w, w[:-1] + "ies"))
    return frozenset((w, w + "s", w + "es"))


#: Universal Dependencies relations of a word to the noun it premodifies (with a possessive
#: ``'s``, whose relation is ``case``): the words PETRARCH's pattern groups may skip.
PREMODIFIER_RELATIONS = frozenset({"det", "det:predet", "amod", "nummod", "compound", "nmod:poss"})


def premodifier_governors(doc: Any) -> list[int]:
    """For each token of a spaCy parse the index of the noun it premodifies, or -1: the
    ``gov`` of :meth:`VerbMatcher.code_for`."""
    strings = doc.vocab.strings
    rels = {strings.add(r) for r in PREMODIFIER_RELATIONS}
    case, pos = strings.add("case"), strings.add("POS")
    arr = doc.to_array(["HEAD", "DEP", "TAG"])  # uint64; HEAD: offset to the head
    offsets = arr[:, 0].astype("int64").tolist()  # a head to the left wraps to a negative
    out = []
    for i, (off, dep, tag) in enumerate(zip(offsets, *arr[:, 1:].T.tolist(), strict=True)):
        pre = dep in rels or (dep == case and tag == pos)
        out.append(i + off if pre and off > 0 else -1)
    return out


#: Most tokens a pattern's word group may skip between two of its words: the determiners,
#: adjectives, numbers and noun modifiers of the noun the next word names.
MAX_INNER = 4


def _premodifies(k: int, target: int, gov: Sequence[int]) -> bool:
    """Whether token ``k`` sits inside the noun phrase headed by ``target`` before it: its
    chain of premodifier governors (``gov``, -1 for none) reaches ``target``."""
    h = gov[k]
    while k < h < target:
        h = gov[h]
    return h == target


def _find_seq(
    low: list[str],
    seq: tuple[str, ...],
    lo: int,
    hi: int,
    forward: bool,
    gov: Sequence[int] | None = None,
) -> tuple[int, int]:
    """(start, end) of ``seq`` (each word or its regular plural) within ``low[lo:hi]``, the
    first from ``lo`` (``forward``) or the last before ``hi``; ``(-1, -1)`` if none.

    Without ``gov`` the words must be consecutive. With it (``gov[k]``: the noun that token
    ``k`` premodifies, or -1) a group keeps PETRARCH's reading of ``(PREP NOUN)`` and
    ``{MODIFIER HEAD}``, a preposition and the noun it governs, a head and its modifiers:
    up to :data:`MAX_INNER` tokens of the next word's own noun phrase may come between
    (*in the peace talks* for ``(IN TALK)``).
    """
    if not seq:
        return -1, -1
    first, *rest = [_forms(w) for w in seq]
    rng = range(lo, hi) if forward else range(hi - 1, lo - 1, -1)
    for k in rng:
        if low[k] not in first:
            continue
        cur = k
        for forms in rest:
            nxt = -1
            stop = min(hi, cur + 2 + (MAX_INNER if gov is not None else 0))
            for p in range(cur + 1, stop):
                if low[p] in forms and (
                    p == cur + 1
                    or (gov is not None and all(_premodifies(q, p, gov) for q in range(cur + 1, p)))
                ):
                    nxt = p
                    break
            if nxt < 0:
                break
            cur = nxt
        else:
            return k, cur + 1
    return -1, -1


def _match(
    pat: Pattern,
    low: list[str],
    vs: int,
    ve: int,
    limit: int | None = None,
    gov: Sequence[int] | None = None,
) -> bool:
    pos = ve
    hi = min(len(low), ve + 10, limit if limit is not None else len(low))
    for elem in pat.post:
        found = end = -1
        for alt in elem:
            k, e = _find_seq(low, alt, pos, hi, True, gov)
            if k >= 0 and (found < 0 or k < found):
                found, end = k, e
        if found < 0:
            return False
        pos = end
    pos = vs
    lo = max(0, vs - 6)
    for elem in reversed(pat.pre):
        found = -1
        for alt in elem:
            k, _e = _find_seq(low, alt, lo, pos, False, gov)
            if k >= 0 and k > found:
                found = k
        if found < 0:
            return False
        pos = found
    return True


def _group(
    spans: list[ActorSpan],
    idx: int,
    low: list[str],
    conj: frozenset[str],
    lists: bool = False,
) -> list[ActorSpan]:
    """The actor at ``spans[idx]`` and its neighbours joined by conjunctions.

    With ``lists=True`` commas join only in a real list, one that ends with a conjunction
    ('A, B and C'); otherwise 'Iran and Syria, Saudi Arabia warned' splits at the comma.
    """
    group = _raw_group(spans, idx, low, conj)
    if not lists or len(group) < 2:
        return group
    joins = [low[a.end : b.start] for a, b in pairwise(group)]
    if all(j != [","] for j in joins) or joins[-1] != [","]:
        return group
    anchor = group.index(spans[idx])
    lo = anchor
    while lo > 0 and joins[lo - 1] != [","]:
        lo -= 1
    hi = anchor
    while hi < len(joins) and joins[hi] != [","]:
        hi += 1
    return group[lo : hi + 1]


def _raw_group(
    spans: list[ActorSpan], idx: int, low: list[str], conj: frozenset[str]
) -> list[ActorSpan]:
    group = [spans[idx]]
    k = idx
    while (
        k > 0
        and all(w in conj for w in low[spans[k - 1].end : spans[k].start])
        and spans[k - 1].end < spans[k].start
    ):
        k -= 1
        group.insert(0, spans[k])
    k = idx
    while (
        k + 1 < len(spans)
        and all(w in conj for w in low[spans[k].end : spans[k + 1].start])
        and spans[k].end < spans[k + 1].start
    ):
        k += 1
        group.append(spans[k])
    return group


def code_tokens(
    toks: list[Token],
    actors: list[ActorSpan],
    verbs: VerbMatcher,
    grammar: Grammar,
    verb_ok: Callable[[int, int], bool] | None = None,
) -> list[RawEvent]:
    """Events of one tokenised sentence given its actor spans."""
    low = [t.low for t in toks]
    news = grammar.news
    lists = news is not None
    if news and news.max_words and sum(t.text[0].isalnum() for t in toks) > news.max_words:
        return []
    covered: set[int] = set()
    for a in actors:
        covered.update(range(a.start, a.end))
    cands: list[tuple[int, int, VerbForm]] = []
    i = 0
    while i < len(toks):
        if i in covered:
            i += 1
            continue
        got = verbs.index.match_at(toks, i)
        if got is None:
            i += 1
            continue
        j, forms = got
        after_verb = bool(cands) and cands[-1][1] == i
        if after_verb and low[i].endswith("ed") and not low[i - 1].endswith("ed"):
            cands.pop()  # 'coast guard ships attacked': the earlier word was a noun
            after_verb = False
        if (
            not after_verb
            and not (i > 0 and low[i - 1] in grammar.determiners)
            and not any(k in covered for k in range(i, j))
            and (verb_ok is None or verb_ok(i, j))
        ):
            cands.append((i, j, forms[0]))
        i = j
    events: list[RawEvent] = []
    prev_sources: list[ActorSpan] = []
    prev_verb_end = -1
    for n, (vs, ve, form) in enumerate(cands):
        next_verb = cands[n + 1][0] if n + 1 < len(cands) else len(toks)
        before = [k for k, a in enumerate(actors) if a.end <= vs]
        src_idx = None
        for k in reversed(before):
            gap = low[actors[k].end : vs]
            if any(w in grammar.boundaries for w in gap):
                break
            if news and (
                len(gap) > news.source_window
                or any(w in news.quotes for w in gap)
                or unknown_subject(toks, actors[k].end, vs, news)
            ):
                break
            if news and in_pp(actors[k], low, news):
                continue  # 'ambassador to Britain ... said': not the subject
            src_idx = k
            break
        passive = _is_passive(low, vs, ve, grammar)
        tgt_idx = None
        for k, a in enumerate(actors):
            if a.start >= ve and news and a.actor.kind == "agent":
                continue  # 'bán chiến đấu cơ cho Philippines': an object noun, look further
            if a.start >= ve:
                gap = low[ve : a.start]
                if (
                    a.start < next_verb
                    and not any(w in grammar.boundaries for w in gap)
                    and a.start - ve <= grammar.window
                ):
                    tgt_idx = k
                break
        sources: list[ActorSpan] = []
        targets: list[ActorSpan] = []
        if passive and grammar.by:
            if src_idx is not None:
                targets = _group(actors, src_idx, low, grammar.conj, lists)
            if tgt_idx is not None and any(
                w in grammar.by for w in low[ve : actors[tgt_idx].start]
            ):
                sources = _group(actors, tgt_idx, low, grammar.conj, lists)
        elif (
            grammar.passive
            and src_idx is not None
            and _vi_passive(low, actors, src_idx, vs, grammar)
        ):
            sources = _group(actors, src_idx, low, grammar.conj, lists)
            earlier = [k for k in before if k < src_idx]
            if earlier:
                targets = _group(actors, earlier[-1], low, grammar.conj, lists)
        elif (
            grammar.passive
            and src_idx is not None
            and any(w in grammar.passive for w in low[actors[src_idx].end : vs])
        ):
            sources = []  # 'A bị tấn công': agentless passive, no source
        else:
            if src_idx is not None:
                sources = _group(actors, src_idx, low, grammar.conj, lists)
            if (
                vs > 0
                and low[vs - 1] in ("and", "và")
                and prev_sources
                and prev_verb_end >= 0
                and (src_idx is None or actors[src_idx].start >= prev_verb_end)
            ):
                sources = prev_sources
            if tgt_idx is not None:
                targets = _group(actors, tgt_idx, low, grammar.conj, lists)
        if sources:
            prev_sources, prev_verb_end = sources, ve
        if any(w in grammar.negations for w in low[max(0, vs - 2) : vs]):
            continue
        if news and (
            is_modal(low, vs, news)
            or (vs > 0 and low[vs - 1] in news.noun_before)
            or (
                ve < len(low)
                and low[ve] in news.compound_heads
                and not after_subject(vs, low, covered)
            )
        ):
            continue
        by_at = next((k for k in range(ve, min(len(low), ve + 4)) if low[k] in grammar.by), None)
        limit = by_at if passive and by_at is not None else None
        code, paired, by_pattern = verbs.code_for(form, low, vs, ve, limit)
        if news and not by_pattern and not form.code and low[vs] in news.light_verbs:
            continue  # 'taken advantage': light verbs code only through their patterns
        if news and code and any(w in news.future for w in low[max(0, vs - 2) : vs]):
            code, paired = news.intent_code(code), None  # 'will provide': intent, not aid
        verb_text = " ".join(t.text for t in toks[vs:ve])
        pairs = [(s, t) for s in sources for t in targets]
        if not targets and len(sources) > 1 and not passive and joint(sources, low, news):
            pairs = [(s, t) for s in sources for t in sources if s is not t]  # 'A and B signed'
        if not sources and len(targets) == 2 and verb_text.lower() in grammar.reciprocal:
            pairs = [(s, t) for s in targets for t in targets if s is not t]  # 'Gặp gỡ A và B'
        for s, t in pairs:
            if s.actor.code == t.actor.code:
                continue
            if news and "agent" in (s.actor.kind, t.actor.kind):
                continue  # 'police', 'officials' with no country: not attributable
            if news and nested(s.actor, t.actor):
                continue
            if code:
                events.append(RawEvent(s.actor, t.actor, code, verb_text, vs, by_pattern))
            if paired:
                events.append(RawEvent(t.actor, s.actor, paired, verb_text, vs, by_pattern))
    return unique_events(events)


def _is_passive(low: list[str], vs: int, ve: int, g: Grammar) -> bool:
    if not g.be_aux:
        return False
    verb = low[vs]
    if not (
        verb.endswith(("ed", "en"))
        or verb
        in (
            "held",
            "hit",
            "struck",
            "shot",
            "met",
            "seized",
            "caught",
            "fought",
            "sent",
            "built",
            "made",
        )
    ):
        return False
    prev = [
        w
        for w in low[max(0, vs - 3) : vs]
        if w not in ("not", "n't", "also", "reportedly", "being", "allegedly")
    ]
    return bool(prev) and prev[-1] in g.be_aux - {"has", "have", "had"}


def _vi_passive(low: list[str], actors: list[ActorSpan], src_idx: int, vs: int, g: Grammar) -> bool:
    """'A bị B tấn công': the passive marker sits right before the nearest actor."""
    s = actors[src_idx].start
    return s > 0 and low[s - 1] in g.passive
