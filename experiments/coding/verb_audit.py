"""Which verbs head actor clauses in unlabelled news, and what the verb dictionary codes them.

Run from the repository root::

    PYTHONPATH=$PWD python experiments/coding/verb_audit.py [--top 100] [--corpus both]
    PYTHONPATH=$PWD python experiments/coding/verb_audit.py --events --corpus news --out ev.jsonl

Corpus: unlabelled English news text that is in no gold set: the ScrapingHub benchmark
articles (``shared/data/article_extraction/scrapinghub/ground-truth.json``) whose key is not
an article of ``en_news_gold.jsonl``, and the 33 English newspaper fixtures
(``shared/data/article_extraction/newspaper/text``). The demo corpus's English pages are the
ScrapingHub pages themselves, so they add nothing. Because that news holds few political
clauses (sports, products, lifestyle), ``--corpus ewt`` (and the default ``both``) adds the
weblog and newsgroup documents of UD English-EWT (``shared/data/treebanks``: web commentary,
much of it on Iraq, Israel/Palestine, South Asia, 2003-2005; raw text only, its trees
unused). No gold label is read.

For every sentence naming at least one actor (gazetteer span, as the coder's prefilter finds
them, but with no verb required), the sentence is parsed with the shipped pipeline and every
verb (``VB*``) whose subject or object (the coder's own roles: ``_subject``, ``_targets``)
resolves to an actor with a country (or an IGO) is counted by lemma, by lemma + particle
(``compound:prt``) and by lemma + preposition of its first oblique. Each lemma is shown with
what the coder's verb dictionary (``CAMEO.2.0.txt`` + ``verbs_en_extra.txt``) does with it
there: ``-`` when no dictionary phrase covers the verb, else the code(s) the coder gives
(block default, verb code or pattern), most frequent first.

``--events`` prints the number of events the coder codes on the corpus and writes them to
``--out`` (jsonl), for a before/after comparison.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

from earlywarn.extract.coding.engine import premodifier_governors
from earlywarn.extract.coding.parser import parse
from earlywarn.extract.coding.petrarch import inflect_verb
from earlywarn.extract.coding.resolve import inherit_country
from earlywarn.extract.coding.syntax import (
    _Sentence,
    _subject,
    _targets,
    doc_tokens,
    spans_on_doc,
)
from earlywarn.extract.coding.text import normalize, split_sentences, tokenize
from earlywarn.extract.evaluate import news_gold
from earlywarn.extract.events import EventCoder, _place_span

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
SHARED = DATA / "article_extraction"
EWT = DATA / "treebanks" / "UD_English-EWT"
NOT_ENGLISH = {"arabic_article", "chinese_article", "japanese_article", "japanese_article2",
               "spanish_article", "thai_article"}  # fmt: skip


def corpus(shared: Path = SHARED) -> list[tuple[str, str]]:
    """(name, text) of every unlabelled English article."""
    gold = {r["article"] for r in news_gold()}
    truth = json.loads((shared / "scrapinghub" / "ground-truth.json").read_text(encoding="utf-8"))
    out = [(k, v["articleBody"]) for k, v in sorted(truth.items()) if k not in gold]
    for p in sorted((shared / "newspaper" / "text").glob("*.txt")):
        if p.stem not in NOT_ENGLISH:
            out.append((p.stem, p.read_text(encoding="utf-8")))
    return out


def ewt_corpus(ewt: Path = EWT) -> list[tuple[str, str]]:
    """(doc id, text) of the UD English-EWT weblog and newsgroup documents (web commentary,
    much of it on Iraq and the Middle East, 2003-2005): the raw ``# text`` lines only."""
    docs: dict[str, list[str]] = {}
    for p in sorted(ewt.glob("*.conllu.gz")):
        doc = ""
        with gzip.open(p, "rt", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("# newdoc id = "):
                    doc = line.split("=", 1)[1].strip()
                elif line.startswith("# text = ") and doc.startswith(("weblog", "newsgroup")):
                    docs.setdefault(doc, []).append(line.split("=", 1)[1].strip())
    return [(k, " ".join(v)) for k, v in docs.items()]


def lemma(v: object) -> str:
    """The parser's lemma, mended where its edit tree clips a past form (*unveiled* ->
    'unveile', *secured* -> 'secur'): the candidate whose regular forms hold the word."""
    lem, word = v.lemma_.lower(), v.lower_  # type: ignore[attr-defined]
    if word in inflect_verb(lem):
        return lem
    for c in (lem + "e", lem[:-1], lem.rstrip(lem[-1:]) if lem else lem):
        if c and word in inflect_verb(c):
            return c
    return lem


def _resolved(sent: _Sentence, toks: list) -> bool:  # type: ignore[type-arg]
    for t in toks:
        for k in sent.actors_of(t):
            a = sent.spans[k][2]
            if a.country or a.type == "IGO":
                return True
    return False


def audit(coder: EventCoder, texts: list[tuple[str, str]]) -> dict[str, object]:
    """Counts of actor-clause verbs and the dictionary's codes for them."""
    sents: list[tuple[str, list, list, list]] = []  # type: ignore[type-arg]
    n_all = 0
    for _name, text in texts:
        for s in split_sentences(text, "en"):
            n_all += 1
            t = normalize(s)
            toks = tokenize(t)
            if not toks:
                continue
            spans, places = coder._gazetteer.spans(t, toks, "en", None, lambda k: False)
            spans = inherit_country(spans)
            if not any(sp.actor.country or sp.actor.type == "IGO" for sp in spans):
                continue
            sents.append((t, toks, spans, places))
    docs = parse([t for t, *_ in sents])
    lemmas: Counter[str] = Counter()
    both: Counter[str] = Counter()
    particles: Counter[str] = Counter()
    preps: Counter[str] = Counter()
    codes: dict[str, Counter[str]] = defaultdict(Counter)
    examples: dict[str, str] = {}
    vm = coder.verbs
    for (t, toks, spans, places), doc in zip(sents, docs, strict=True):
        sp = spans_on_doc(doc, toks, spans)
        named = spans_on_doc(doc, toks, [_place_span(x) for x in places if x.start >= 0])
        sent = _Sentence(doc, sp, named, news=True)
        dt = doc_tokens(doc)
        low = [x.low for x in dt]
        covered: dict[int, str] = {}
        gov = premodifier_governors(doc)  # as the coder reads pattern groups
        for i, j, forms in vm.index.scan(dt):
            form = forms[0]
            head = min(i + form.head, j - 1)
            code, _paired, pat = vm.code_for(form, low, i, j, doc[head].right_edge.i + 1, gov)
            if form.null and not pat:
                code = None
            covered[head] = f"{code or 'null'}{'p' if pat else ''} {form.block}"
        for v in doc:
            if not v.tag_.startswith("VB") or v.lemma_.lower() in ("be", "have", "do"):
                continue
            subj, _passive = _subject(v)
            objs = _targets(v)
            rs, ro = _resolved(sent, subj), _resolved(sent, objs)
            if not (rs or ro):
                continue
            lem = lemma(v)
            lemmas[lem] += 1
            both[lem] += rs and ro
            prt = [c.lower_ for c in v.children if c.dep_ == "compound:prt"]
            if prt:
                particles[f"{lem} {prt[0]}"] += 1
            obl = [c for c in v.children if c.dep_ in ("obl", "obl:agent")]
            for c in obl[:1]:
                case = [g.lower_ for g in c.children if g.dep_ == "case"]
                if case:
                    preps[f"{lem} {case[0]}"] += 1
            codes[lem][covered.get(v.i, "-")] += 1
            examples.setdefault(lem, t[:160])
    return {"sentences": n_all, "actor_sentences": len(sents), "lemmas": lemmas,
            "both": both, "particles": particles, "preps": preps, "codes": codes,
            "examples": examples}  # fmt: skip


def coded_events(coder: EventCoder, texts: list[tuple[str, str]]) -> list[dict[str, str]]:
    """Every event the coder codes on the corpus (one ``code_sentences`` call per article)."""
    out = []
    for name, text in texts:
        sents = split_sentences(text, "en")
        for s, evs in zip(sents, coder.code_sentences(sents, "en"), strict=True):
            for e in evs:
                out.append({"article": name, "sentence": s, "source": e.source_code,
                            "target": e.target_code, "code": e.code})  # fmt: skip
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--top", type=int, default=100)
    ap.add_argument("--events", action="store_true")
    ap.add_argument("--out", default="")
    ap.add_argument(
        "--corpus",
        choices=("news", "ewt", "both"),
        default="both",
        help="unlabelled news articles, EWT weblogs and newsgroups, or both",
    )
    args = ap.parse_args(argv)
    coder = EventCoder()
    texts = {"news": corpus, "ewt": ewt_corpus, "both": lambda: corpus() + ewt_corpus()}[
        args.corpus
    ]()
    if args.events:
        evs = coded_events(coder, texts)
        print(f"{len(texts)} articles: {len(evs)} events")
        if args.out:
            Path(args.out).write_text("".join(json.dumps(e) + "\n" for e in evs), encoding="utf-8")
        return 0
    r = audit(coder, texts)
    lem: Counter[str] = r["lemmas"]  # type: ignore[assignment]
    print(f"{len(texts)} articles, {r['sentences']} sentences, "
          f"{r['actor_sentences']} with an actor; {sum(lem.values())} actor-clause verbs")  # fmt: skip
    print(f"{'lemma':14} {'n':>4} {'both':>4}  dictionary code(s) at those verbs   example")
    codes: dict[str, Counter[str]] = r["codes"]  # type: ignore[assignment]
    both: Counter[str] = r["both"]  # type: ignore[assignment]
    ex: dict[str, str] = r["examples"]  # type: ignore[assignment]
    for w, n in lem.most_common(args.top):
        cs = ", ".join(f"{c}x{k}" for c, k in codes[w].most_common(3))
        print(f"{w:14} {n:4d} {both[w]:4d}  {cs:36} {ex[w][:90]}")
    for key in ("particles", "preps"):
        c: Counter[str] = r[key]  # type: ignore[assignment]
        print(f"\n{key}: " + ", ".join(f"{w} {n}" for w, n in c.most_common(60)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
