"""Where the English coder loses recall on the news gold set's TUNING half (never the held-aside).

Run from the repository root::

    PYTHONPATH=$PWD python experiments/coding/diagnose.py [--list]

Codes every tuning article as ``evaluate_news`` does (whole article, sentences in order) and,
for each gold event of a tuning sentence that no prediction matches on dyad+root, names the
first step of the coder at which it is lost, mechanically (from the coder's own trace,
``code_doc(trace=...)``, and its prefilter), in pipeline order:

1. ``prefilter: ...``: the sentence never reaches the parser (fewer than two actor spans, no
   span with a country, no dictionary verb, a sports word);
2. ``gold actor '---'``: the gold source or target is a pronoun or unnamed actor, which the
   news coder never codes (country-less actors are dropped);
3. ``source / target / both actors unresolved``: the gold actor's country is not among the
   actors the coder found in the sentence (gazetteer spans, agents, inherited names);
4. ``no dictionary verb gives the gold root``: no verb phrase of the sentence has the gold root
   as its code, its block's code, one of its patterns' codes, or combined with a governing
   verb (``urged X to meet`` = 026);
5. ``suppressed: <rule>``: the coder read a verb with the gold root and the gold dyad, then a
   rule dropped it (hedged, negated, complement, country-less actor ...);
6. ``wrong root``: an event (or suppressed reading) with the gold dyad but another root;
7. ``wrong pair``: a reading with the gold root but another dyad;
8. ``roles``: actors and verb are there but no verb's roles link them (parse / structure).

It also prints two oracle ceilings on the same half: *root oracle* (a prediction counts when
its dyad matches, whatever its root: recall if every root were right) and *actor oracle*
(every noun or pronoun heading a verb's argument, and every country-less agent, is an actor
that matches any gold actor, and every sentence with a dictionary verb is parsed: recall
if every actor were resolved). Nothing here reads the held-aside half.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from typing import Any

from earlywarn.extract.actors import NameMemory
from earlywarn.extract.coding import syntax
from earlywarn.extract.coding.parser import load_parser
from earlywarn.extract.coding.resolve import inherit_country
from earlywarn.extract.coding.syntax import code_doc, combine, spans_on_doc
from earlywarn.extract.coding.text import normalize, tokenize
from earlywarn.extract.coding.types import Actor
from earlywarn.extract.evaluate import (
    _article_sentences,
    actor_key,
    news_articles,
    news_gold,
)
from earlywarn.extract.events import EventCoder, _place_span, _Prepared

WILD = "*"


def _key(a: Actor) -> str:
    return actor_key(a.country, a.type)


def _verb_roots(coder: EventCoder, toks: list[Any]) -> set[str]:
    """Every root a dictionary verb of the sentence can code (alone or under a governor)."""
    vd = coder.verbs.vd
    codes: set[str] = set()
    for i in range(len(toks)):
        got = coder.verbs.index.match_at(toks, i)
        if got is None:
            continue
        for f in got[1]:
            block = vd.blocks.get(f.block)
            cs = [f.code, f.paired]
            if block is not None:
                cs += [block.code, block.paired]
                cs += [c for p in block.patterns for c in (p.code, p.paired)]
            codes.update(c for c in cs if c and c[:2].isdigit())
    combined = {combine(g, c) for g in codes for c in codes}
    return {c[:2] for c in codes | {x for x in combined if x}}


def _prefilter_reason(coder: EventCoder, text: str) -> str:
    text = normalize(text)
    toks = tokenize(text)
    spans, _places = coder._gazetteer.spans(text, toks, "en", None, lambda k: False)
    spans = inherit_country(spans)
    if not any(s.actor.country or s.actor.type == "IGO" for s in spans):
        return "prefilter: no actor with a country"
    if len(spans) < 2:
        return "prefilter: fewer than two actors"
    if not any(coder.verbs.index.match_at(toks, k) for k in range(len(toks))):
        return "prefilter: no dictionary verb"
    return "prefilter: sports word / verb inside an actor"


def _code(
    coder: EventCoder, sents: list[str], oracle: bool
) -> list[tuple[list[tuple[str, str, str]], list[dict[str, Any]] | None, set[str]]]:
    """(events as keys, trace or None when not parsed, verb roots) of each sentence."""
    out: list[tuple[list[tuple[str, str, str]], list[dict[str, Any]] | None, set[str]]] = []
    nlp = load_parser()
    memory = NameMemory()  # as code_sentences: people named earlier in the article
    for k, s in enumerate(sents):
        p = coder._prefilter(s, None, k, None, memory)
        toks = tokenize(normalize(s))
        roots = _verb_roots(coder, toks)
        if p is None and oracle and roots:
            text = normalize(s)
            spans, places = coder._gazetteer.spans(text, toks, "en", None, lambda k: False)
            p = _Prepared(k, text, toks, spans, places)
        if p is None:
            out.append(([], None, roots))
            continue
        doc = nlp(p.text)
        spans = spans_on_doc(doc, p.toks, p.spans)
        named = spans_on_doc(doc, p.toks, [_place_span(x) for x in p.places if x.start >= 0])
        trace: list[dict[str, Any]] = []
        raw = code_doc(doc, spans, coder.verbs, news=True, places=named, trace=trace)
        ev: list[tuple[str, str, str]] = []
        for e in raw:
            key = (_key(e.source), _key(e.target), e.code)
            if key not in ev:
                ev.append(key)
        out.append((ev, trace, roots))
    return out


def _oracle_patches() -> None:
    """Every argument noun/pronoun is an actor matching anything; no actor is unattributable."""

    def name(self: Any, tok: Any) -> int | None:
        if not tok.tag_.startswith(("NN", "PRP")) or tok.dep_ in ("compound", "flat", "amod"):
            return None
        if tok.i in self.places or tok.i in self.owner:
            return None
        self.spans.append((tok.i, tok.i + 1, Actor(WILD, tok.text, WILD, None, None, "inherited")))
        self.owner[tok.i] = len(self.spans) - 1
        return len(self.spans) - 1

    syntax._Sentence._name = name  # type: ignore[method-assign]
    syntax._unattributable = lambda a: False


def _match(pred: list[tuple[str, str, str]], gold: list[tuple[str, str, str]], root: bool) -> int:
    """Greedy one-to-one matches; ``*`` and a predicted ``---`` match any gold actor."""

    def ok(p: str, g: str) -> bool:
        return p in (WILD, "---") or p == g

    used: set[int] = set()
    n = 0
    for g in gold:
        for j, p in enumerate(pred):
            if j in used or not (ok(p[0], g[0]) and ok(p[1], g[1])):
                continue
            if root and p[2][:2] != g[2][:2]:
                continue
            used.add(j)
            n += 1
            break
    return n


def _classify(
    g: tuple[str, str, str],
    pred: list[tuple[str, str, str]],
    trace: list[dict[str, Any]] | None,
    roots: set[str],
    reason: str,
) -> list[str]:
    """Every step that loses gold event ``g`` (the first is the primary cause)."""
    if trace is None:
        return [reason]
    src, tgt, root = g[0], g[1], g[2][:2]
    out: list[str] = []
    spans = next(t["spans"] for t in trace if "spans" in t)
    names: dict[str, set[str]] = {}
    for a in spans:
        names.setdefault(_key(a), set()).add(a.name)
    readings = [t for t in trace if "reason" in t]
    pairs = [(t, _key(a), _key(b)) for t in readings for a in t["sources"] for b in t["targets"]]
    rooted = [t for t in readings if t["code"] and t["code"][:2] == root]
    if "---" in (src, tgt):
        out.append("gold actor '---' (pronoun/unnamed; never coded)")
    need = Counter([src, tgt])
    miss_s = src != "---" and len(names.get(src, ())) < need[src]
    miss_t = tgt != "---" and len(names.get(tgt, ())) < need[tgt]
    for t in rooted:  # the gold-root verb has the argument, but it is no actor / has no country
        src_blank = not t["sources"] or all(_key(a) == "---" for a in t["sources"])
        tgt_blank = not t["targets"] or all(_key(a) == "---" for a in t["targets"])
        if t["subject"] and src_blank and (tgt_blank or any(_key(a) == tgt for a in t["targets"])):
            miss_s = True
        if t["objects"] and tgt_blank and (src_blank or any(_key(a) == src for a in t["sources"])):
            miss_t = True
    if miss_s and miss_t:
        out.append("both actors unresolved")
    elif miss_s:
        out.append("source actor unresolved")
    elif miss_t:
        out.append("target actor unresolved")
    if root not in roots:
        out.append("no dictionary verb gives the gold root")
    for t, a, b in pairs:
        if t in rooted and (a, b) == (src, tgt) and t["reason"] != "event":
            out.append(f"suppressed: {t['reason']}")
            break
    if any(p[:2] == (src, tgt) for p in pred) or any(
        (a, b) == (src, tgt) and t["code"] and t["code"][:2] != root for t, a, b in pairs
    ):
        out.append("wrong root")
    if rooted and not any((a, b) == (src, tgt) for t, a, b in pairs if t in rooted):
        if not any(t["sources"] or t["subject"] for t in rooted):
            out.append("gold-root verb without a source argument")
        elif not any(t["targets"] or t["objects"] for t in rooted):
            out.append("gold-root verb without a target argument")
        else:
            out.append("wrong pair")
    if not out:
        out.append("roles: no verb links the actors (parse/structure)")
    return out


def _group(cause: str) -> str:
    """The kind of a cause: actors, root choice, structure, verb coverage, news rules."""
    if cause.startswith("roles"):
        return "structure (roles, pairs)"
    if "actor" in cause or "fewer than two" in cause:
        return "actors"
    if "no dictionary verb" in cause:
        return "verb coverage"
    if cause == "wrong root":
        return "root choice"
    if cause.startswith("suppressed"):
        return "news/hedge rules"
    return "structure (roles, pairs)"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--list", action="store_true", help="print each tuning miss and its causes")
    args = ap.parse_args(argv)
    rows = [r for r in news_gold() if r.get("split") == "tune"]
    texts = news_articles()
    by_article: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        by_article.setdefault(str(r["article"]), []).append(r)
    coder = EventCoder()
    runs: dict[str, list[Any]] = {}
    for mode in ("coder", "oracle"):
        if mode == "oracle":
            _oracle_patches()
        res = []
        for art, arows in by_article.items():
            sents, at = _article_sentences(arows, texts.get(art))
            coded = _code(coder, sents, mode == "oracle")
            res += [(r, coded[k]) for r, k in zip(arows, at, strict=True)]
        runs[mode] = res
    n_gold = sum(len(r["events"]) for r in rows)
    primary: Counter[str] = Counter()
    anywhere: Counter[str] = Counter()
    rescued: Counter[str] = Counter()  # misses the actor oracle finds (dyad+root)
    oracle_pred = {r["id"]: pred for r, (pred, _t, _roots) in runs["oracle"]}
    found = 0
    listing = []
    for r, (pred, trace, roots) in runs["coder"]:
        gold = [(g["source"], g["target"], g["code"]) for g in r["events"]]
        left = list(pred)
        reason = _prefilter_reason(coder, r["sentence"]) if trace is None else ""
        for g in gold:
            hit = next((p for p in left if p[:2] == g[:2] and p[2][:2] == g[2][:2]), None)
            if hit is not None:
                left.remove(hit)
                found += 1
                continue
            causes = _classify(g, pred, trace, roots, reason)
            primary[causes[0]] += 1
            rescued[causes[0]] += _match(oracle_pred[r["id"]], [g], True)
            anywhere.update(set(causes))
            causes += ["(actor oracle finds it)"] if _match(oracle_pred[r["id"]], [g], True) else []
            listing.append((r["id"], g, causes, r["sentence"]))
    print(f"tuning half: {len(rows)} sentences, {n_gold} gold events, {found} found (dyad+root)")
    head = f"{'step at which a gold event is lost':52s} {'first':>5s} {'any':>5s} {'oracle':>6s}"
    print(f"\n{head}\n(first: the earliest step that loses it; any: every step that does;")
    print(" oracle: of 'first', found by the actor oracle run)")
    for cause, n in sorted(anywhere.items(), key=lambda x: (-primary[x[0]], -x[1])):
        print(f"{cause:52s} {primary[cause]:5d} {n:5d} {rescued[cause]:6d}")
    print(f"{'missed':52s} {sum(primary.values()):5d} {'':5s} {sum(rescued.values()):6d}")
    groups: Counter[str] = Counter()
    for cause, n in primary.items():
        groups[_group(cause)] += n
    print("\nby kind (first cause): " + ", ".join(f"{g} {n}" for g, n in groups.most_common()))

    def recall(mode: str, root: bool, dyad: bool) -> tuple[float, int]:
        tp = n_pred = 0
        for r, (pred, _t, _roots) in runs[mode]:
            gold = [(g["source"], g["target"], g["code"]) for g in r["events"]]
            n_pred += len(pred)
            if dyad:
                tp += _match(pred, gold, root)
            else:
                tp += _match([(WILD, WILD, p[2]) for p in pred], gold, True)
        return tp / n_gold, n_pred

    print("\nceilings on the tuning half (recall; predicted events)")
    for label, mode, root, dyad in [
        ("coder: dyad+root", "coder", True, True),
        ("root oracle (dyad only, any root)", "coder", False, True),
        ("coder: root only", "coder", True, False),
        ("actor oracle: dyad+root", "oracle", True, True),
        ("actor + root oracle (dyad only)", "oracle", False, True),
    ]:
        rec, n_pred = recall(mode, root, dyad)
        print(f"  {label:40s} R={rec:.3f}  predicted={n_pred}")
    if args.list:
        print()
        for sid, g, causes, sent in listing:
            print(f"{sid} {g} <- {'; '.join(causes)}\n    {sent[:200]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
