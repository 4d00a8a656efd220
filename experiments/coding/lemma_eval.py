"""Lemma accuracy of the coder's English pipeline on UD English-EWT, and alternatives.

Run from the repository root::

    PYTHONPATH=$PWD python experiments/coding/lemma_eval.py [--split dev] [--errors 25]

Parses the EWT file on its gold tokens with the shipped pipeline (predicted POS, as the coder
sees them) and scores each lemmatiser against the gold LEMMA column: all tokens, VERB, AUX,
NOUN, ADJ (exact match; ``lower`` also ignores case, which the coder ignores: it reads
``lemma_.lower()``). Lemmatisers:

- ``shipped``: the pipeline's lemmas as ``load_parser`` returns them now (edit tree, then the
  ``earlywarn_lemmas`` lexicon component of ``earlywarn.extract.coding.lemmas``);
- ``edit_tree``: the trained edit-tree lemmatizer alone (the component removed: the
  pipeline before issue 12's lemma fix);
- ``spacy_rule``: spaCy's rule-based English lemmatizer (``spacy-lookups-data`` tables,
  not an earlywarn dependency: skipped unless installed) on the predicted POS;
- ``lemminflect``: ``lemminflect.getLemma(word, upos)`` on the predicted UPOS for every
  open-class token (VERB, AUX, NOUN, ADJ, ADV, PROPN kept as is), the edit tree otherwise;
- ``verbs_only``: lemminflect for VERB/AUX only, the edit tree otherwise;
- ``vb_dict`` / ``vb_nn_dict`` / ``open_dict``: the edit tree, overridden by lemminflect's
  lexicon (no out-of-vocabulary guessing) for words it knows under the predicted Penn tag
  (``VB*`` / plus ``NN``, ``NNS`` / plus ``JJ*``) unless the edit tree's lemma is one of the
  lexicon's readings; ``vb_nn_dict`` is what ships (``shipped`` equals it);
- ``vb_dict_oov``: ``vb_dict`` plus lemminflect's rules for words the lexicon lacks;
- ``petrarch_forms``: for ``VB*`` tags, the base form whose regular inflections
  (``petrarch.inflect_verb``) the shipped verb dictionary lists, else the edit tree.

The most frequent error types are printed for one lemmatiser (``--show``): each error is
reduced to its suffix edit (gold ``unveil`` predicted ``unveile`` -> ``VBD +e``).
"""

from __future__ import annotations

import argparse
import gzip
import time
from collections import Counter
from pathlib import Path

from earlywarn.extract.coding.parser import load_parser

EWT = Path(__file__).resolve().parents[3] / "shared" / "data" / "treebanks" / "UD_English-EWT"
POS = ("VERB", "AUX", "NOUN", "ADJ")
_UPOS = {"VB": "VERB", "NN": "NOUN", "JJ": "ADJ"}  # NNP(S) excluded below


def read_conllu(path: Path) -> list[list[tuple[str, str, str, bool]]]:
    """Sentences as (form, gold lemma, gold upos, space after) on word lines."""
    sents: list[list[tuple[str, str, str, bool]]] = []
    cur: list[tuple[str, str, str, bool]] = []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if not line:
                if cur:
                    sents.append(cur)
                cur = []
                continue
            if line.startswith("#"):
                continue
            cols = line.split("\t")
            if "-" in cols[0] or "." in cols[0]:
                continue
            cur.append((cols[1], cols[2], cols[3], "SpaceAfter=No" not in cols[9]))
    if cur:
        sents.append(cur)
    return sents


def edit_type(gold: str, pred: str, tag: str) -> str:
    if gold.lower() == pred.lower():
        return f"case {tag}"
    i = 0
    while i < min(len(gold), len(pred)) and gold[i].lower() == pred[i].lower():
        i += 1
    return f"{tag} -{gold[i:]}+{pred[i:]}" if i >= 2 else f"{tag} whole"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", default="dev", choices=("dev", "test"))
    ap.add_argument("--show", default="shipped")
    ap.add_argument("--errors", type=int, default=25)
    args = ap.parse_args()
    sents = read_conllu(EWT / f"en_ewt-ud-{args.split}.conllu.gz")

    from spacy.tokens import Doc

    nlp = load_parser()
    words = [Doc(nlp.vocab, words=[w[0] for w in s], spaces=[w[3] for w in s]) for s in sents]
    t0 = time.process_time()
    docs = list(nlp.pipe(words))
    print(f"{len(sents)} sentences parsed in {time.process_time() - t0:.1f}s CPU")
    shipped = [[t.lemma_ for t in d] for d in docs]
    upos = [[t.pos_ for t in d] for d in docs]
    tags = [[t.tag_ for t in d] for d in docs]

    has_fix = "earlywarn_lemmas" in nlp.pipe_names
    if has_fix:
        bare = [Doc(nlp.vocab, words=[w[0] for w in s], spaces=[w[3] for w in s]) for s in sents]
        with nlp.select_pipes(disable=["earlywarn_lemmas"]):
            edit_tree = [[t.lemma_ for t in d] for d in nlp.pipe(bare)]
    else:
        edit_tree = shipped

    cands: dict[str, list[list[str]]] = {"shipped": shipped, "edit_tree": edit_tree}
    timing: dict[str, float] = {}

    import importlib.util

    from spacy.lang.en import English

    if importlib.util.find_spec("spacy_lookups_data") is None:
        print("spacy_rule skipped: pip install spacy-lookups-data (not an earlywarn dependency)")
    else:
        rule_nlp = English()
        rule = rule_nlp.add_pipe("lemmatizer", config={"mode": "rule"})
        rule.initialize()
        t0 = time.process_time()
        out = []
        for d in docs:
            d2 = Doc(rule_nlp.vocab, words=[t.text for t in d], pos=[t.pos_ or "X" for t in d])
            out.append([t.lemma_ for t in rule(d2)])
        timing["spacy_rule"] = time.process_time() - t0
        cands["spacy_rule"] = out

    from lemminflect import getLemma

    def li(word: str, pos: str, fallback: str, which: tuple[str, ...]) -> str:
        if pos not in which:
            return fallback
        got = getLemma(word, upos=pos, lemmatize_oov=True)
        return got[0] if got else fallback

    open_cls = ("VERB", "AUX", "NOUN", "ADJ", "ADV")
    for name, which in (("lemminflect", open_cls), ("verbs_only", ("VERB", "AUX"))):
        t0 = time.process_time()
        cands[name] = [
            [li(t.text, p, e, which) for t, p, e in zip(d, ps, es, strict=True)]
            for d, ps, es in zip(docs, upos, edit_tree, strict=True)
        ]
        timing[name] = time.process_time() - t0

    from lemminflect import getAllLemmas

    def dict_fix(word: str, tag: str, fallback: str, prefixes: tuple[str, ...], oov: bool) -> str:
        upos = _UPOS.get(tag[:2])
        if upos is None or tag.startswith("NNP") or not tag.startswith(prefixes):
            return fallback
        known = getAllLemmas(word.lower(), upos).get(upos)
        if known:
            return fallback if fallback.lower() in known else known[0]
        if oov:
            got = getLemma(word.lower(), upos=upos, lemmatize_oov=True)
            return got[0] if got else fallback
        return fallback

    for name, prefixes, oov in (
        ("vb_dict", ("VB",), False),
        ("vb_dict_oov", ("VB",), True),
        ("vb_nn_dict", ("VB", "NN"), False),
        ("open_dict", ("VB", "NN", "JJ"), False),
    ):
        t0 = time.process_time()
        cands[name] = [
            [dict_fix(t.text, tg, e, prefixes, oov) for t, tg, e in zip(d, ts, es, strict=True)]
            for d, ts, es in zip(docs, tags, edit_tree, strict=True)
        ]
        timing[name] = time.process_time() - t0

    from earlywarn.extract.coding.petrarch import inflect_verb
    from earlywarn.extract.events import _data, _verbs_cached

    vd = _verbs_cached(str(_data("CAMEO.2.0.txt")), str(_data("verbs_en_extra.txt")))
    single = {k[0] for k in vd.forms if len(k) == 1}
    base_of: dict[str, str] = {}
    for b in sorted(single):
        for f in inflect_verb(b):
            if f in single and f != b:
                base_of.setdefault(f, b)
    t0 = time.process_time()
    cands["petrarch_forms"] = [
        [
            base_of.get(t.lower_, e) if tg.startswith("VB") else e
            for t, tg, e in zip(d, ts, es, strict=True)
        ]
        for d, ts, es in zip(docs, tags, edit_tree, strict=True)
    ]
    timing["petrarch_forms"] = time.process_time() - t0

    gold = [[w[1] for w in s] for s in sents]
    gpos = [[w[2] for w in s] for s in sents]
    head = f"{'lemmatiser':<15} {'all':>7} {'lower':>7} " + " ".join(f"{p:>7}" for p in POS)
    print(
        f"\nEWT {args.split}: lemma accuracy on gold tokens (all: exact; lower and by gold UPOS: case ignored)"
    )
    print(head + "   extra CPU s")
    errors: Counter[str] = Counter()
    verb_errors: Counter[str] = Counter()
    for name, pred in cands.items():
        n = ok = okl = 0
        by: Counter[str] = Counter()
        byok: Counter[str] = Counter()
        for gs, ps, us, ts in zip(gold, pred, gpos, tags, strict=True):
            for g, p, u, tg in zip(gs, ps, us, ts, strict=True):
                n += 1
                ok += g == p
                okl += g.lower() == p.lower()
                by[u] += 1
                byok[u] += g.lower() == p.lower()
                if name == args.show and g.lower() != p.lower():
                    errors[edit_type(g, p, tg)] += 1
                    if u == "VERB":
                        verb_errors[f"{g}->{p}"] += 1
        row = f"{name:<15} {ok / n:7.4f} {okl / n:7.4f} "
        row += " ".join(f"{byok[p] / by[p]:7.4f}" for p in POS)
        print(row + f"   {timing.get(name, 0.0):.2f}")
    print(
        f"\n{args.show}: most frequent error types (case ignored; tag predicted, "
        "-gold suffix +predicted suffix)"
    )
    for kind, c in errors.most_common(args.errors):
        print(f"{c:5d}  {kind}")
    print(
        f"{args.show}: VERB errors (gold->predicted):",
        ", ".join(f"{k} {c}" for k, c in verb_errors.most_common(args.errors)),
    )


if __name__ == "__main__":
    main()
