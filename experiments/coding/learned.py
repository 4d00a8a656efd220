"""A trained decision layer for the English coder, on the news gold set's TUNING half only.

Run from the repository root::

    PYTHONPATH=$PWD python experiments/coding/learned.py [--every] [--kinds logistic,boosting]

Question: can a statistical model over the rule coder's own candidate events (trained on the
tuning half's gold) pick events better than the rules do?

**Candidates** (:func:`candidate_documents`): every (source key, target key, CAMEO root) of a
sentence that the rule coder (:func:`~earlywarn.extract.coding.syntax.code_doc`) read, in
the default news mode and in the unknown-actors mode (a sentence is parsed when either
mode's prefilter passes it), emitted or dropped by a rule (hedged, negated, a complement, a
country-less actor: the coder's trace), plus a positional reading for each coded verb: the
nearest actor before it and after it (``--every``: every ordered pair of the sentence's
actors with every coded verb). Keys are the news gold's (:func:`actor_key`: country, else
``IGO``/``NGO``, else ``---``). **Features** (:data:`FEATURES`, all computable on any
sentence, no gold): which modes emitted it, why rules dropped it, the root, the actors'
kinds (gazetteer country/city/org/person, agent noun, inherited name, place) and types,
``---`` status, the verb's dependency relation and tag, voice, negation, hedging, saying
verb and reported-speech depth, distances and dependency-path lengths between each actor
and the verb, subject/object relations, the sentence's index in its article (title),
length, number of actors, verbs and candidates. **Label**: a candidate is positive when a
gold event of its sentence has its dyad+root (keys are unique per sentence, so the match is
one to one, as ``score_events`` matches).

**Models**: logistic regression (standardised features, L2, C=0.1) and gradient boosting
(sklearn ``HistGradientBoostingClassifier``), three decision layers: *select* (keep the
candidates above a threshold, whatever the rules said), *add* (the rule coder's events plus
other candidates above a threshold) and *drop* (the rule coder's events minus those below a
threshold). Every figure is out of fold: 5-fold ``GroupKFold`` by article; inside each outer
fold the threshold is the one that maximises dyad+root F1 on the training folds' own
out-of-fold probabilities (an inner 4-fold ``GroupKFold``), so no threshold sees its test
articles. Gold events no candidate reaches still count (recall is over every gold event).
Nothing here reads the held-aside half. Results: ``experiments/RESULTS.md``, "A trained
decision layer over the coder's candidates".
"""

from __future__ import annotations

import argparse
import math
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np

from earlywarn.extract.actors import NameMemory
from earlywarn.extract.coding.parser import parse
from earlywarn.extract.coding.syntax import (
    _hedged,
    _is_say,
    _negated,
    _subject,
    code_doc,
    spans_on_doc,
)
from earlywarn.extract.coding.types import Actor, RawEvent
from earlywarn.extract.evaluate import (
    _article_sentences,
    actor_key,
    news_articles,
    news_gold,
    score_events,
)
from earlywarn.extract.events import EventCoder, _contest, _place_span

if TYPE_CHECKING:
    from spacy.tokens import Doc
    from spacy.tokens import Token as SpacyToken

    from earlywarn.extract.events import _Prepared

FOLDS = 5
SEED = 0

#: Why a rule reading gave no event (``code_doc``'s trace reasons), as feature names.
REASONS = {
    "event": "r_event",
    "hedged (modal/conditional)": "r_hedged",
    "negated": "r_negated",
    "complement of a coded verb": "r_complement",
    "country-less actor (news mode)": "r_countryless",
    "no source-target pair": "r_nopair",
    "event: demand by obligation": "r_obligation",
}
ROOTS = [f"{k:02d}" for k in range(1, 21)]
KINDS = ["country", "city", "org", "person", "agent", "inherited", "place", "located"]
TYPES = ["GOV", "MIL", "COP", "REB", "IGO", "NGO", "CVL", "OPP", "BUS", "MED", "JUD", "LEG"]
VDEPS = ["ROOT", "ccomp", "xcomp", "conj", "advcl", "acl", "acl:relcl", "parataxis"]
VTAGS = ["VB", "VBD", "VBG", "VBN", "VBP", "VBZ"]

#: Feature names, in the model's order.
FEATURES: list[str] = [
    "default", "unknown", "prox_only", "n_readings", "n_codes",
    *sorted(set(REASONS.values())), "r_transformed", "r_other",
    *(f"root_{r}" for r in ROOTS),
    "src_unknown", "tgt_unknown", "same_key", "src_igo", "tgt_igo",
    *(f"src_kind_{k}" for k in KINDS), *(f"tgt_kind_{k}" for k in KINDS),
    "src_type_none", "tgt_type_none",
    *(f"src_type_{t}" for t in TYPES), *(f"tgt_type_{t}" for t in TYPES),
    *(f"vdep_{d}" for d in VDEPS), *(f"vtag_{t}" for t in VTAGS),
    "passive", "negated", "hedged", "say", "say_depth", "has_subject",
    "src_before", "tgt_after", "log_src_dist", "log_tgt_dist", "src_path", "tgt_path",
    "src_subject", "tgt_object", "src_nsubj", "tgt_obj", "tgt_obl",
    "log_index", "title", "log_tokens", "log_spans", "log_cands", "log_verbs",
    "pre_default", "pre_unknown",
]  # fmt: skip


@dataclass
class Candidate:
    """One candidate event of a sentence: its dyad+root key, a representative event (the
    source and target actors and the code to store) and its features."""

    key: tuple[str, str, str]
    event: RawEvent
    features: dict[str, float] = field(default_factory=dict)

    def vector(self) -> list[float]:
        return [float(self.features.get(f, 0.0)) for f in FEATURES]


def _key(a: Actor) -> str:
    return actor_key(a.country, a.type)


def _path(a: SpacyToken, b: SpacyToken) -> int:
    """Edges between two tokens of one parse (through their lowest common ancestor)."""
    up: dict[int, int] = {}
    t, n = a, 0
    while True:
        up[t.i] = n
        if t.head.i == t.i or n > 40:
            break
        t, n = t.head, n + 1
    t, n = b, 0
    while t.i not in up and t.head.i != t.i and n <= 40:
        t, n = t.head, n + 1
    return n + up[t.i] if t.i in up else 20


def _head(doc: Doc, s: int, e: int) -> SpacyToken:
    """The token of ``doc[s:e]`` whose head lies outside it (the span's syntactic head)."""
    for k in range(s, e):
        if not s <= doc[k].head.i < e or doc[k].head.i == k:
            return doc[k]
    return doc[s]


def _say_depth(v: SpacyToken) -> int:
    """How many saying verbs govern ``v`` through clausal complements."""
    n, t = 0, v
    for _ in range(8):
        if t.head.i == t.i or t.dep_ not in ("ccomp", "parataxis", "xcomp", "conj", "advcl"):
            break
        t = t.head
        n += _is_say(t)
    return n


def _actor_feats(prefix: str, a: Actor) -> dict[str, float]:
    out: dict[str, float] = {}
    if a.kind in KINDS:
        out[f"{prefix}_kind_{a.kind}"] = 1.0
    if a.type is None:
        out[f"{prefix}_type_none"] = 1.0
    elif a.type in TYPES:
        out[f"{prefix}_type_{a.type}"] = 1.0
    k = _key(a)
    out[f"{prefix}_unknown"] = float(k == "---")
    out[f"{prefix}_igo"] = float(k in ("IGO", "NGO"))
    return out


def _readings(
    doc: Doc, trace: list[dict[str, Any]], every: bool = False
) -> list[tuple[int, str, str, int, int]]:
    """(verb head, code, reason, source span, target span) of every traced reading with roles,
    plus positional ones (``prox``): the nearest actor before and after each coded verb."""
    end = next(t for t in trace if "spans" in t)
    pos = end["positions"]
    out = []
    for t in trace:
        if "reason" not in t or not t["code"]:
            continue
        for s in t["src"]:
            for g in t["tgt"]:
                if s != g:
                    out.append((t["head"], t["code"], t["reason"], s, g))
        v = t["head"]
        before = [k for k, (s, e) in enumerate(pos) if e <= v]
        after = [k for k, (s, e) in enumerate(pos) if s > v]
        if every:
            out.extend((v, t["code"], "prox", s, g) for s in range(len(pos)) for g in range(len(pos))
                       if s != g)  # fmt: skip
        elif before and after:
            s = max(before, key=lambda k: pos[k][1])
            g = min(after, key=lambda k: pos[k][0])
            out.append((v, t["code"], "prox", s, g))
    return out


def _sentence_candidates(
    doc: Doc,
    runs: list[tuple[str, list[RawEvent], list[dict[str, Any]]]],
    index: int,
    every: bool = False,
) -> list[Candidate]:
    """Candidates of one parsed sentence from its coded runs (mode, events, trace)."""
    groups: dict[tuple[str, str, str], Candidate] = {}
    verbs: set[int] = set()
    n_spans = 0
    for mode, events, trace in runs:
        end = next(t for t in trace if "spans" in t)
        actors, pos = end["spans"], end["positions"]
        n_spans = max(n_spans, len(actors))
        for e in events:
            key = (_key(e.source), _key(e.target), e.code[:2])
            c = groups.get(key)
            if c is None:
                c = groups[key] = Candidate(key, e)
            elif mode == "default" and not c.features.get("default"):
                c.event = e  # the default coder's event is the one stored
            c.features[mode] = 1.0
        for v, code, reason, s, g in _readings(doc, trace, every):
            if not code[:2].isdigit():
                continue
            verbs.add(v)
            a, b = actors[s], actors[g]
            key = (_key(a), _key(b), code[:2])
            c = groups.get(key)
            if c is None:
                c = groups[key] = Candidate(key, RawEvent(a, b, code, doc[v].text, v, False))
            f = c.features
            if reason == "prox":
                f["_prox"] = 1.0
            else:
                f["_rule"] = 1.0
                name = REASONS.get(reason)
                if name is None:
                    name = "r_transformed" if reason.startswith("transformed") else "r_other"
                f[name] = 1.0
            f["n_readings"] = f.get("n_readings", 0.0) + 1.0
            f.setdefault("_codes", set()).add(code)  # type: ignore[union-attr]
            tok = doc[v]
            hs, he = pos[s]
            ts, te = pos[g]
            src_head, tgt_head = _head(doc, hs, he), _head(doc, ts, te)
            sp, tp = min(_path(src_head, tok), 10), min(_path(tgt_head, tok), 10)
            rank = (reason == "prox", sp + tp)
            if "_best" in f and f["_best"] <= rank:  # type: ignore[operator]
                continue  # the closest reading, a rule's before a positional one, describes it
            subj, passive = _subject(tok)
            f.update({
                "_best": rank,  # type: ignore[dict-item]
                "src_nsubj": float(src_head.dep_.startswith("nsubj")),
                "tgt_obj": float(tgt_head.dep_ in ("obj", "iobj")),
                "tgt_obl": float(tgt_head.dep_ in ("obl", "nmod")),
                "passive": float(passive), "negated": float(_negated(tok)),
                "hedged": float(_hedged(tok)), "say": float(_is_say(tok)),
                "say_depth": float(_say_depth(tok)), "has_subject": float(bool(subj)),
                "src_before": float(he <= v), "tgt_after": float(ts > v),
                "log_src_dist": math.log1p(abs(v - hs)), "log_tgt_dist": math.log1p(abs(ts - v)),
                "src_path": float(sp), "tgt_path": float(tp),
                "src_subject": float(src_head.dep_.startswith("nsubj") and src_head.head.i == v),
                "tgt_object": float(tgt_head.dep_ in ("obj", "iobj") and tgt_head.head.i == v),
            })  # fmt: skip
            f.pop(next((k for k in f if k.startswith("vdep_")), ""), None)
            f.pop(next((k for k in f if k.startswith("vtag_")), ""), None)
            if tok.dep_ in VDEPS:
                f[f"vdep_{tok.dep_}"] = 1.0
            if tok.tag_ in VTAGS:
                f[f"vtag_{tok.tag_}"] = 1.0
    out = list(groups.values())
    for c in out:
        f = c.features
        f["prox_only"] = float("_prox" in f and "_rule" not in f and not f.get("default"))
        f["n_codes"] = float(len(f.pop("_codes", ()) or ()))  # type: ignore[arg-type]
        f.pop("_prox", None)
        f.pop("_rule", None)
        f.pop("_best", None)
        f[f"root_{c.key[2]}"] = 1.0
        f.update(_actor_feats("src", c.event.source))
        f.update(_actor_feats("tgt", c.event.target))
        f["same_key"] = float(c.key[0] == c.key[1])
        f["log_index"] = math.log1p(index)
        f["title"] = float(index == 0)
        f["log_tokens"] = math.log1p(len(doc))
        f["log_spans"] = math.log1p(n_spans)
        f["log_cands"] = math.log1p(len(out))
        f["log_verbs"] = math.log1p(len(verbs))
        f["n_readings"] = min(f.get("n_readings", 0.0), 8.0)
        f["pre_default"] = float(any(m == "default" for m, _e, _t in runs))
        f["pre_unknown"] = float(any(m == "unknown" for m, _e, _t in runs))
    return out


def candidate_documents(
    coder: EventCoder,
    unknown: EventCoder,
    documents: Sequence[Sequence[str]],
    dates: Sequence[date | None] | None = None,
    every: bool = False,
) -> list[list[list[Candidate]]]:
    """Candidates of every sentence of every English document (as ``code_documents`` reads
    them: names remembered within a document, sports reports' contests dropped).

    ``coder`` is a default news coder, ``unknown`` the same with ``unknown_actors=True``; a
    sentence is parsed when either one's prefilter passes it.
    """
    days = list(dates) if dates is not None else [None] * len(documents)
    jobs: list[tuple[int, int, _Prepared | None, _Prepared | None]] = []
    sporty: list[list[int]] = []
    for d, (sents, day) in enumerate(zip(documents, days, strict=True)):
        mem_d, mem_u = NameMemory(), NameMemory()
        mine: list[int] = []
        for k, s in enumerate(sents):
            pd_ = coder._prefilter(s, day, k, mine, mem_d)
            pu = unknown._prefilter(s, day, k, None, mem_u)
            if pd_ is not None or pu is not None:
                jobs.append((d, k, pd_, pu))
        sporty.append(mine)
        coder.seen += len(sents)
    coder.parsed += len(jobs)
    out: list[list[list[Candidate]]] = [[[] for _ in sents] for sents in documents]
    if not jobs:
        return out
    texts = [(p or q).text for _d, _k, p, q in jobs]  # type: ignore[union-attr]
    for (d, k, p, q), doc in zip(jobs, parse(texts), strict=True):
        runs: list[tuple[str, list[RawEvent], list[dict[str, Any]]]] = []
        for mode, prep, c in (("default", p, coder), ("unknown", q, unknown)):
            if prep is None:
                continue
            spans = spans_on_doc(doc, prep.toks, prep.spans)
            named = spans_on_doc(
                doc, prep.toks, [_place_span(x) for x in prep.places if x.start >= 0]
            )
            trace: list[dict[str, Any]] = []
            raw = code_doc(doc, spans, c.verbs, news=True, places=named,
                           unknown=mode == "unknown", trace=trace)  # fmt: skip
            if len(sporty[d]) >= 2:
                raw = [e for e in raw if not _contest(e)]
            runs.append((mode, raw, trace))
        out[d][k] = _sentence_candidates(doc, runs, k, every)
    return out


def tuning_candidates(
    every: bool = False,
) -> tuple[list[dict[str, Any]], list[list[Candidate]], list[str]]:
    """(tuning gold rows, each row's candidates, each row's article), articles coded whole."""
    rows = [r for r in news_gold() if r.get("split") == "tune"]
    texts = news_articles()
    by_article: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        by_article.setdefault(str(r.get("article") or r["id"]), []).append(r)
    coder, unknown = EventCoder(), EventCoder(unknown_actors=True)
    docs, places = [], []
    for art, arows in by_article.items():
        sents, at = _article_sentences(arows, texts.get(art))
        docs.append(sents)
        places.append((art, arows, at))
    coded = candidate_documents(coder, unknown, docs, every=every)
    out_rows, cands, groups = [], [], []
    for (art, arows, at), doc in zip(places, coded, strict=True):
        for r, k in zip(arows, at, strict=True):
            out_rows.append(r)
            cands.append(doc[k])
            groups.append(art)
    return out_rows, cands, groups


def gold_keys(r: dict[str, Any]) -> set[tuple[str, str, str]]:
    return {(g["source"], g["target"], g["code"][:2]) for g in r["events"]}


def dataset(
    rows: list[dict[str, Any]], cands: list[list[Candidate]], groups: list[str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(X, y, article of each candidate, row of each candidate)."""
    x, y, g, w = [], [], [], []
    for i, (r, cs) in enumerate(zip(rows, cands, strict=True)):
        gold = gold_keys(r)
        for c in cs:
            x.append(c.vector())
            y.append(int(c.key in gold))
            g.append(groups[i])
            w.append(i)
    return np.array(x, dtype=float), np.array(y), np.array(g), np.array(w)


def scores(
    rows: list[dict[str, Any]], cands: list[list[Candidate]], keep: list[list[bool]]
) -> dict[str, float]:
    """``score_events`` of the kept candidates (one event each: its dyad and code)."""
    pairs = []
    for r, cs, ks in zip(rows, cands, keep, strict=True):
        pred = [(c.key[0], c.key[1], c.event.code) for c, k in zip(cs, ks, strict=True) if k]
        gold = [(g["source"], g["target"], g["code"]) for g in r["events"]]
        pairs.append((pred, gold))
    return score_events(pairs)


def _unflat(values: np.ndarray, cands: list[list[Candidate]]) -> list[list[Any]]:
    out, at = [], 0
    for cs in cands:
        out.append(list(values[at : at + len(cs)]))
        at += len(cs)
    return out


def make_model(kind: str) -> Any:
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    if kind == "logistic":
        return make_pipeline(StandardScaler(), LogisticRegression(C=0.1, max_iter=2000))
    return HistGradientBoostingClassifier(
        max_iter=150, learning_rate=0.05, max_leaf_nodes=15, min_samples_leaf=20,
        l2_regularization=1.0, random_state=SEED,
    )  # fmt: skip


def _oof(kind: str, x: np.ndarray, y: np.ndarray, g: np.ndarray, folds: int) -> np.ndarray:
    from sklearn.model_selection import GroupKFold

    p = np.zeros(len(y))
    for tr, te in GroupKFold(n_splits=folds).split(x, y, g):
        m = make_model(kind).fit(x[tr], y[tr])
        p[te] = m.predict_proba(x[te])[:, 1]
    return p


def best_threshold(
    p: np.ndarray,
    y: np.ndarray,
    n_gold: int,
    base_tp: int = 0,
    base_n: int = 0,
    grid: Sequence[float] = tuple(np.round(np.arange(0.02, 0.96, 0.01), 2)),
) -> float:
    """The threshold on ``p`` maximising dyad+root F1 when the candidates at or above it are
    kept beside ``base_tp`` matched of ``base_n`` fixed predictions (candidate keys are unique
    in a sentence, so a kept positive is one match; ``n_gold`` counts every gold event,
    reached or not). Ties go to the lowest threshold; one above every score keeps none.

    >>> best_threshold(np.array([0.9, 0.6, 0.3]), np.array([1, 0, 1]), n_gold=4)
    0.02
    >>> best_threshold(np.array([0.9, 0.6]), np.array([0, 0]), n_gold=4, base_tp=2, base_n=2)
    0.91
    """
    best, at = -1.0, 1.01
    for t in [*grid, 1.01]:
        k = p >= t
        tp, n = base_tp + int(y[k].sum()), base_n + int(k.sum())
        f = 2 * tp / (n + n_gold) if n + n_gold else 0.0
        if f > best + 1e-12:
            best, at = f, float(t)
    return at


LAYERS = ("select", "add", "drop")


def cross_validate(
    kind: str,
    layer: str,
    x: np.ndarray,
    y: np.ndarray,
    g: np.ndarray,
    w: np.ndarray,
    n_gold_row: np.ndarray,
) -> tuple[np.ndarray, list[float]]:
    """Out-of-fold decisions of one model and layer, with a nested threshold per outer fold.

    ``select`` scores every candidate; ``add`` keeps the rule coder's events and scores the
    others (trained on the others); ``drop`` scores only the rule coder's events (trained on
    them) and keeps those at or above the threshold."""
    from sklearn.model_selection import GroupKFold

    rule = x[:, FEATURES.index("default")] > 0
    scored = {"select": np.ones(len(y), bool), "add": ~rule, "drop": rule}[layer]
    keep = rule.copy() if layer == "add" else np.zeros(len(y), bool)
    thresholds = []
    for tr, te in GroupKFold(n_splits=FOLDS).split(x, y, g):
        n_gold = int(n_gold_row[np.unique(w[tr])].sum())
        fit, test = tr[scored[tr]], te[scored[te]]
        inner = _oof(kind, x[fit], y[fit], g[fit], FOLDS - 1)
        if layer == "add":
            fixed = tr[rule[tr]]
            thr = best_threshold(inner, y[fit], n_gold, int(y[fixed].sum()), len(fixed))
        else:
            thr = best_threshold(inner, y[fit], n_gold)
        model = make_model(kind).fit(x[fit], y[fit])
        keep[test] = model.predict_proba(x[test])[:, 1] >= thr
        thresholds.append(thr)
    return keep, thresholds


def coverage(rows: list[dict[str, Any]], cands: list[list[Candidate]]) -> Counter[str]:
    """Where each distinct gold dyad+root of the tuning half stands against the candidates."""
    out: Counter[str] = Counter()
    for r, cs in zip(rows, cands, strict=True):
        keys = {k for c in cs for k in c.key[:2]}
        roots = {c.key[2] for c in cs}
        have = {c.key for c in cs}
        for gk in gold_keys(r):
            if gk in have:
                out["a candidate"] += 1
            elif not cs:
                out["sentence gives no candidate"] += 1
            elif gk[0] not in keys or gk[1] not in keys:
                out["a gold actor's key is no candidate actor"] += 1
            elif gk[2] not in roots:
                out["no coded verb reading has the gold root"] += 1
            else:
                out["actors and root there, never together"] += 1
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--every", action="store_true",
                    help="positional candidates: every pair of actors with every coded verb")  # fmt: skip
    ap.add_argument("--kinds", default="logistic,boosting")
    ap.add_argument("--layers", default=",".join(LAYERS))
    args = ap.parse_args(argv)
    rows, cands, groups = tuning_candidates(args.every)
    x, y, g, w = dataset(rows, cands, groups)
    n_gold_row = np.array([len(r["events"]) for r in rows])
    n_gold = int(n_gold_row.sum())
    print(f"tuning half: {len(rows)} sentences, {n_gold} gold events, {len(y)} candidates, "
          f"{int(y.sum())} positive")  # fmt: skip
    print(
        "distinct gold dyad+roots: "
        + ", ".join(f"{k} {n}" for k, n in coverage(rows, cands).most_common())
    )

    def show(label: str, m: dict[str, float]) -> None:
        print(f"{label:28s} root {m['root_precision']:.3f}/{m['root_recall']:.3f}/{m['root_f1']:.3f}"
              f"  code F1 {m['code_f1']:.3f}  dyad+root {m['dyad_precision']:.3f}/"
              f"{m['dyad_recall']:.3f}/{m['dyad_f1']:.3f}  QuadClass {m['quad_accuracy']:.3f}"
              f"  predicted {int(m['n_predicted'])}")  # fmt: skip

    for label, col in (("rule coder (default)", "default"), ("unknown-actors coder", "unknown")):
        show(label, scores(rows, cands, _unflat(x[:, FEATURES.index(col)] > 0, cands)))
    show("every candidate", scores(rows, cands, _unflat(np.ones(len(y), bool), cands)))
    show("oracle (gold candidates)", scores(rows, cands, _unflat(y > 0, cands)))
    for kind in args.kinds.split(","):
        for layer in args.layers.split(","):
            keep, thr = cross_validate(kind, layer, x, y, g, w, n_gold_row)
            show(f"{kind} {layer} (out of fold)", scores(rows, cands, _unflat(keep, cands)))
            print(f"{'':28s} thresholds by fold: {', '.join(f'{t:.2f}' for t in thr)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
