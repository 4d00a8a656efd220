"""Inter-annotator agreement on the English news gold set's tuning half (issue 12).

Run from the repository root::

    PYTHONPATH=$PWD python experiments/coding/agreement.py --check-sample
    PYTHONPATH=$PWD python experiments/coding/agreement.py [--no-coder] [--boot 2000]
    PYTHONPATH=$PWD python experiments/coding/agreement.py --disagreements

The sample (``experiments/coding/agreement/sample_sentences.jsonl``): whole articles of the
tuning half, ordered by the hex SHA-1 of ``"agreement:" + article``, taken in that order until
at least 320 sentences are in (66 articles, 328 sentences). ``--check-sample`` re-derives it
from ``en_news_gold.jsonl`` reading only ``id``, ``article``, ``split`` and ``sentence``.

Scoring: the first annotator (the gold set's labels) is the reference and the second,
independent annotator (``second_coder.jsonl``, coded blind before any comparison) the
prediction, with :func:`earlywarn.extract.evaluate.score_events` (F1 is symmetric under the
swap; P and R trade places). Printed beside it: sentence-level event / no-event agreement
with Cohen's kappa, a bootstrap 95% interval over articles for the F1s, and the default
coder (``EventCoder()``, each article coded whole as ``evaluate_news`` codes it) against each
annotator on the same 328 sentences. The held-aside half is never scored or printed: its rows
are dropped when the gold file is read.

Sample 2 (``sample2_sentences.jsonl``, a fully blind second draw): whole tuning articles not
in sample 1, ordered by the hex SHA-1 of ``"agreement2:" + article``, taken until at least 330
sentences are in, leaving out every sentence that shares a 5-word sequence (lowercased
``[a-z0-9]+`` tokens) with the eval README, whose worked examples quote gold sentences: 118
articles drawn (95 with kept sentences), 330 sentences, 41 dropped. A third annotator's labels
(``third_coder_sample2.jsonl``, committed before any comparison) are scored against the first
annotator as sample 1 is, and the *pooled blind* figure is printed: sample 1 without its 31
quoted sentences plus sample 2 (627 sentences), with bootstrap intervals over articles; also
without the 16 sample-2 sentences the codebook still paraphrases (:data:`SAMPLE2_PARAPHRASED`).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from earlywarn.extract.evaluate import Event, code_news_rows, news_gold, row_events, score_events

HERE = Path(__file__).resolve().parent / "agreement"
SAMPLE = HERE / "sample_sentences.jsonl"
SECOND = HERE / "second_coder.jsonl"
MIN_SENTENCES = 320
SAMPLE2 = HERE / "sample2_sentences.jsonl"
THIRD = HERE / "third_coder_sample2.jsonl"
MIN_SENTENCES2 = 330
NGRAM = 5
README = Path(__file__).resolve().parents[2] / "earlywarn" / "data" / "eval" / "README.md"
F1S = ("root_f1", "code_f1", "dyad_f1")

# Sample sentences that the codebook the second annotator was given (the eval README's rules
# 1-7, the relabelling of 2026-12-06 and each batch's "Readings the rules left open") quotes
# or paraphrases as a worked example, each with fragments found in both texts. The second
# annotator read those examples, so on these sentences the coding was not blind to the
# first annotator's reading; the agreement is also printed without them.
CODEBOOK_QUOTED: dict[str, tuple[str, ...]] = {
    "57d46c9d-03": ("would raise tariffs",),
    "c90731f0-06": ("testified before the", "House Committee"),
    "c90731f0-16": ("Vindman and Williams told lawmakers that",),
    "c90731f0-20": ("said the phone call was unusual",),
    "f256b830-00": ("snatched by gunmen",),
    "dc7ccccc-14": ("charged Assange",),
    "b9f6634b-01": ("there is no evidence to support the Australian Foreign Minister",),
    "865dba4e-00": ("rejected the UN offer of mediating",),
    "c58aa507-22": ("Prosecutors alleged that Epstein", "at his homes in Manhattan and Palm Beach"),
    "7ccec028-00": ("Defying a key demand set by 35 nations",),
    "f3bde7b0-00": ("An ex-Russian intelligence officer", "a hunger strike near 10 Downing Street"),
    "f3bde7b0-01": ("claims he has been betrayed by",),
    "f3bde7b0-07": ("a senior KGB officer",),
    "f3bde7b0-16": ("passing secrets to the British intelligence service",),
    "f3bde7b0-17": ("spied for MI6",),
    "f3bde7b0-18": ("arranged a meeting",),
    "f3bde7b0-23": ("Government sources",),
    "7fd92472-00": ("Hollywood producer Saul Zaentz sues the producers",),
    "0200b8f9-00": ("al Qaeda supporters", "for the bombing of"),
    "5a822960-05": ("annexed",),
    "3881142f-00": ("left his Tokyo hospital", "to surrender"),
    "c7e39ac4-28": ("Hrafnsson",),
    "c7e39ac4-36": ("a judge rejected", "which is scheduled", "in London"),
    "fe0c426f-08": ("likely to complain",),
    "f9a20cdd-00": ("welcomes French President", "to a summit meeting Monday"),
    "51712bad-00": (
        "A U.S. AC-130 gunship attacked Shi'ite militia positions in the holy Iraqi city",
    ),
    "e4f59838-00": ("released nearly 9,000 prisoners",),
    "6568719a-00": ("A suicide attacker detonated a car bomb", "near a joint US-Iraqi checkpoint"),
    "3fac4ae7-00": ("a man who delivered explosives to those blamed for the attack",),
    "42c2dfc9-06": ("Scottish Executive",),
    "42c2dfc9-09": ("it is time for", "to commit"),
}

# Sample-2 sentences that the codebook still quotes or paraphrases as a worked example
# through fragments shorter than the draw's five words (an ellipsis, a paraphrase, a single
# verb), each with fragments found in both texts. Listed by the third annotator while coding,
# before any comparison (the codebook had to be read, so on these sentences the coding saw the
# first annotator's reading); the pooled figure is also printed without them.
SAMPLE2_PARAPHRASED: dict[str, tuple[str, ...]] = {
    "e4c6a3b4-12": ("Beijing's diktats",),
    "6aab0be9-00": ("a birthday gift",),
    "d080131d-00": ("fought pitched battles",),
    "7a457a4f-00": ("pleaded guilty", "to threatening to kill"),
    "a2094156-00": ("foolish", "move by Georgia"),
    "a1559da1-16": ("ridiculed the Tory plans",),
    "1ca246aa-00": ("accused President Bush", "challenging Bush's credibility"),
    "bc95561f-00": ("concluded their talks",),
    "833caf3b-10": ("corrected an historic injustice",),
    "833caf3b-22": ("another measure contradicting",),
    "0d703133-00": ("vowed", "crush extremists"),
    "794efbc5-00": ("are to be questioned",),
    "8d83c449-00": ("board", "tour"),
    "3e2194e7-00": ("replac",),
    "29b35cd0-00": ("acquitted",),
    "771ffb0b-01": ("a conviction", "quashed"),
}

Pairs = list[tuple[list[Event], list[Event]]]


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """The rows of a jsonl file."""
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def _draw(
    rows: Sequence[dict[str, Any]],
    minimum: int,
    salt: str,
    exclude: frozenset[str] = frozenset(),
    drop: Callable[[str], bool] | None = None,
) -> tuple[list[dict[str, str]], int, int]:
    """The draw behind :func:`draw_sample`: (rows, articles taken, sentences dropped)."""
    by_article: dict[str, list[dict[str, str]]] = {}
    for r in rows:
        if r.get("split") != "tune" or r["article"] in exclude:
            continue
        by_article.setdefault(r["article"], []).append(
            {"id": r["id"], "article": r["article"], "sentence": r["sentence"]}
        )
    order = sorted(by_article, key=lambda a: hashlib.sha1(f"{salt}{a}".encode()).hexdigest())
    out: list[dict[str, str]] = []
    taken = dropped = 0
    for art in order:
        if len(out) >= minimum:
            break
        taken += 1
        for r in by_article[art]:
            if drop is not None and drop(r["sentence"]):
                dropped += 1
            else:
                out.append(r)
    return out, taken, dropped


def draw_sample(
    rows: Sequence[dict[str, Any]],
    minimum: int = MIN_SENTENCES,
    salt: str = "agreement:",
    exclude: frozenset[str] = frozenset(),
    drop: Callable[[str], bool] | None = None,
) -> list[dict[str, str]]:
    """The agreement sample of gold-format ``rows`` (id, article, sentence; file order kept).

    Tuning-half articles (less ``exclude``) ordered by ``sha1(salt + article)`` (hex digest),
    taken whole in that order until at least ``minimum`` sentences are in; a sentence for
    which ``drop`` is true is left out and not counted. Reads only ``id``, ``article``,
    ``split`` and ``sentence``. Sample 1 is the defaults; sample 2 is :func:`draw_sample2`.

    Examples
    --------
    >>> rows = [{"id": f"{a}-{i}", "article": a, "split": s, "sentence": "x"}
    ...         for a, n, s in (("a", 2, "tune"), ("b", 3, "tune"), ("c", 9, "held"))
    ...         for i in range(n)]
    >>> [r["id"] for r in draw_sample(rows, 2)]
    ['a-0', 'a-1']
    >>> [r["id"] for r in draw_sample(rows, 2, exclude=frozenset({"a"}))]
    ['b-0', 'b-1', 'b-2']
    >>> [r["id"] for r in draw_sample(rows, 2, drop=lambda s: s == "x")]
    []
    """
    return _draw(rows, minimum, salt, exclude, drop)[0]


def tokens(text: str) -> list[str]:
    """Lowercased ``[a-z0-9]+`` tokens (the sample-2 overlap rule's words)."""
    return re.findall(r"[a-z0-9]+", text.lower())


def ngrams(text: str, n: int = NGRAM) -> set[tuple[str, ...]]:
    """The ``n``-word sequences of ``text``'s :func:`tokens`.

    Examples
    --------
    >>> sorted(ngrams("Fought pitched battles, on Thursday!", 4))
    [('fought', 'pitched', 'battles', 'on'), ('pitched', 'battles', 'on', 'thursday')]
    """
    w = tokens(text)
    return {tuple(w[i : i + n]) for i in range(len(w) - n + 1)}


def draw_sample2(
    rows: Sequence[dict[str, Any]],
    sample1: Sequence[dict[str, Any]],
    codebook: str,
    minimum: int = MIN_SENTENCES2,
) -> tuple[list[dict[str, str]], int, int]:
    """Sample 2: (rows, articles taken, sentences dropped).

    Whole tuning-half articles not in ``sample1``, ordered by ``sha1("agreement2:" +
    article)``, taken until at least ``minimum`` sentences are in, leaving out every sentence
    that shares a :data:`NGRAM`-word sequence with ``codebook`` (the eval README, whose
    worked examples quote gold sentences).
    """
    quoted = ngrams(codebook)
    return _draw(
        rows,
        minimum,
        "agreement2:",
        frozenset(r["article"] for r in sample1),
        lambda sentence: bool(ngrams(sentence) & quoted),
    )


def _assert_same(
    sample_rows: Sequence[dict[str, Any]], drawn: Sequence[dict[str, str]], what: str
) -> None:
    got = [(r["id"], r["article"], r["sentence"]) for r in sample_rows]
    want = [(r["id"], r["article"], r["sentence"]) for r in drawn]
    if got != want:
        n = min(len(got), len(want))
        at = next((i for i in range(n) if got[i] != want[i]), n)
        raise AssertionError(
            f"{what} differs from the rule's draw: {len(got)} rows vs {len(want)}, "
            f"first difference at row {at}"
        )


def check_sample(gold_rows: Sequence[dict[str, Any]], sample_rows: Sequence[dict[str, Any]]) -> str:
    """Assert that ``sample_rows`` is the sample drawn from ``gold_rows``; a one-line summary."""
    drawn = draw_sample(gold_rows)
    _assert_same(sample_rows, drawn, "the sample")
    arts = len({r["article"] for r in drawn})
    return f"sample ok: {arts} articles, {len(drawn)} sentences, the same ids in the same order"


def check_sample2(
    gold_rows: Sequence[dict[str, Any]],
    sample1: Sequence[dict[str, Any]],
    sample2: Sequence[dict[str, Any]],
    codebook: str,
) -> str:
    """Assert that ``sample2`` is :func:`draw_sample2`'s draw; a one-line summary."""
    drawn, taken, dropped = draw_sample2(gold_rows, sample1, codebook)
    _assert_same(sample2, drawn, "sample 2")
    if {r["article"] for r in sample1} & {r["article"] for r in drawn}:
        raise AssertionError("sample 2 shares an article with sample 1")
    arts = len({r["article"] for r in drawn})
    return (
        f"sample 2 ok: {taken} articles drawn ({arts} with kept sentences), {len(drawn)} "
        f"sentences, {dropped} dropped for a {NGRAM}-word sequence in the codebook"
    )


def _norm(text: str) -> str:
    return " ".join(text.replace("#39;", "'").replace("*", "").split()).lower()


def check_quoted(
    sample_rows: Sequence[dict[str, Any]],
    readme: str,
    quoted: dict[str, tuple[str, ...]] = CODEBOOK_QUOTED,
) -> list[str]:
    """The ids of ``quoted``, after checking each fragment is in the README and the sentence."""
    sentences = {r["id"]: _norm(r["sentence"]) for r in sample_rows}
    text = _norm(readme)
    for rid, fragments in quoted.items():
        for f in fragments:
            if _norm(f) not in text or _norm(f) not in sentences.get(rid, ""):
                raise AssertionError(f"{rid}: {f!r} is not in both the codebook and the sentence")
    return list(quoted)


def tuning_reference(
    gold_rows: Sequence[dict[str, Any]], ids: Sequence[str]
) -> list[dict[str, Any]]:
    """The gold rows of ``ids``, in that order (tuning half only; a held-aside id is an error)."""
    tune = {r["id"]: r for r in gold_rows if r.get("split") == "tune"}
    missing = [i for i in ids if i not in tune]
    if missing:
        raise KeyError(f"not tuning-half gold ids: {missing[:5]}")
    return [tune[i] for i in ids]


def kappa(a: Sequence[bool], b: Sequence[bool]) -> float:
    """Cohen's kappa of two binary labellings of the same items.

    Examples
    --------
    >>> kappa([True, False, True, False], [True, False, True, False])
    1.0
    >>> round(kappa([True, True, False, False], [True, False, True, False]), 3)
    0.0
    """
    n = len(a)
    if n == 0 or n != len(b):
        raise ValueError("kappa needs two labellings of the same, non-empty items")
    po = sum(x == y for x, y in zip(a, b, strict=True)) / n
    pa, pb = sum(a) / n, sum(b) / n
    pe = pa * pb + (1 - pa) * (1 - pb)
    return 1.0 if pe == 1 else (po - pe) / (1 - pe)


def agreement(reference: Sequence[list[Event]], other: Sequence[list[Event]]) -> dict[str, float]:
    """``score_events`` of ``other`` against ``reference`` plus event/no-event agreement and kappa."""
    m = score_events([(o, r) for r, o in zip(reference, other, strict=True)])
    has_r = [bool(r) for r in reference]
    has_o = [bool(o) for o in other]
    m["event_agreement"] = sum(x == y for x, y in zip(has_r, has_o, strict=True)) / len(has_r)
    m["event_kappa"] = kappa(has_r, has_o)
    m["n_event_sentences_reference"] = float(sum(has_r))
    m["n_event_sentences_other"] = float(sum(has_o))
    return m


def bootstrap(
    articles: Sequence[str],
    reference: Sequence[list[Event]],
    other: Sequence[list[Event]],
    n: int = 2000,
    seed: int = 12,
) -> dict[str, tuple[float, float]]:
    """Percentile 95% intervals of the F1s (and kappa), resampling whole articles ``n`` times."""
    groups: dict[str, list[int]] = {}
    for i, a in enumerate(articles):
        groups.setdefault(a, []).append(i)
    keys = list(groups)
    rng = random.Random(seed)
    draws: dict[str, list[float]] = {k: [] for k in (*F1S, "event_kappa")}
    for _ in range(n):
        idx = [i for a in rng.choices(keys, k=len(keys)) for i in groups[a]]
        ref = [reference[i] for i in idx]
        oth = [other[i] for i in idx]
        m = score_events([(o, r) for r, o in zip(ref, oth, strict=True)])
        for k in F1S:
            draws[k].append(m[k])
        has_r, has_o = [bool(r) for r in ref], [bool(o) for o in oth]
        draws["event_kappa"].append(kappa(has_r, has_o) if len(set(has_r + has_o)) > 1 else 1.0)
    out = {}
    for k, v in draws.items():
        v.sort()
        out[k] = (v[int(0.025 * n)], v[min(n - 1, int(0.975 * n))])
    return out


def _row(name: str, m: dict[str, float]) -> str:
    cells = [
        f"{m[f'{k}_precision']:.3f}/{m[f'{k}_recall']:.3f}/{m[f'{k}_f1']:.3f}"
        for k in ("root", "code", "dyad")
    ]
    return (
        f"{name:<34} {cells[0]:>17} {cells[1]:>17} {cells[2]:>17} {m['quad_accuracy']:>6.3f} "
        f"{int(m['n_gold']):>4} {int(m['n_predicted']):>4}"
    )


def _header() -> str:
    return (
        f"{'':<34} {'root P/R/F1':>17} {'code P/R/F1':>17} {'dyad+root P/R/F1':>17} "
        f"{'quad':>6} {'ref':>4} {'pred':>4}"
    )


def disagreements(
    rows: Sequence[dict[str, Any]],
    first: Sequence[list[Event]],
    second: Sequence[list[Event]],
    names: tuple[str, str] = ("first", "second"),
) -> list[str]:
    """One block per sentence where the two annotators' event lists differ (as sets)."""
    out = []
    w = max(len(n) for n in names) + 1
    for r, a, b in zip(rows, first, second, strict=True):
        if sorted(a) != sorted(b):
            out.append(
                f"{r['id']} | {r['sentence']}\n   {names[0] + ':':<{w}} {sorted(a)}"
                f"\n   {names[1] + ':':<{w}} {sorted(b)}"
            )
    return out


def _report(
    name: str,
    articles: Sequence[str],
    reference: Sequence[list[Event]],
    other: Sequence[list[Event]],
    boot: int,
) -> dict[str, float]:
    """Print the P/R/F1 row, event/no-event kappa and bootstrap intervals; the metrics."""
    m = agreement(reference, other)
    print(_row(name, m))
    print(
        f"sentence event/no-event: agreement {m['event_agreement']:.3f}, Cohen's kappa "
        f"{m['event_kappa']:.3f} (reference {int(m['n_event_sentences_reference'])}, "
        f"other {int(m['n_event_sentences_other'])} sentences with events)"
    )
    ci = bootstrap(articles, reference, other, n=boot)
    print(
        f"bootstrap 95% over articles ({boot}): "
        + ", ".join(f"{k} [{lo:.3f}, {hi:.3f}]" for k, (lo, hi) in ci.items())
    )
    return m


def pooled_blind(
    sample: Sequence[dict[str, Any]],
    first: Sequence[list[Event]],
    second: Sequence[list[Event]],
    sample2: Sequence[dict[str, Any]],
    first2: Sequence[list[Event]],
    third: Sequence[list[Event]],
    quoted: set[str],
) -> tuple[list[str], list[list[Event]], list[list[Event]]]:
    """(articles, reference, other) of the pooled blind set.

    Sample 1 without ``quoted`` (the first annotator against the second) followed by all of
    sample 2 (the first against the third); the reference is always the first annotator.
    """
    keep = [i for i, r in enumerate(sample) if r["id"] not in quoted]
    articles = [sample[i]["article"] for i in keep] + [r["article"] for r in sample2]
    reference = [first[i] for i in keep] + list(first2)
    other = [second[i] for i in keep] + list(third)
    return articles, reference, other


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check-sample", action="store_true", help="re-derive both samples and stop")
    ap.add_argument("--no-coder", action="store_true", help="skip the default coder's rows")
    ap.add_argument("--boot", type=int, default=2000, help="bootstrap resamples (articles)")
    ap.add_argument("--disagreements", action="store_true", help="print the differing sentences")
    args = ap.parse_args(argv)

    gold_rows = news_gold()
    readme = README.read_text(encoding="utf-8")
    sample = read_jsonl(SAMPLE)
    sample2 = read_jsonl(SAMPLE2)
    print(check_sample(gold_rows, sample))
    print(check_sample2(gold_rows, sample, sample2, readme))
    if args.check_sample:
        return 0
    second_rows = read_jsonl(SECOND)
    if [r["id"] for r in second_rows] != [r["id"] for r in sample]:
        raise SystemExit("second_coder.jsonl does not hold the sample's ids in order")
    third_rows = read_jsonl(THIRD)
    if [r["id"] for r in third_rows] != [r["id"] for r in sample2]:
        raise SystemExit("third_coder_sample2.jsonl does not hold sample 2's ids in order")
    ref_rows = tuning_reference(gold_rows, [r["id"] for r in sample])
    ref_rows2 = tuning_reference(gold_rows, [r["id"] for r in sample2])
    first = [row_events(r) for r in ref_rows]
    second = [row_events(r) for r in second_rows]
    first2 = [row_events(r) for r in ref_rows2]
    third = [row_events(r) for r in third_rows]
    if args.disagreements:
        print("\n# sample 1")
        print("\n".join(disagreements(sample, first, second)))
        print("\n# sample 2")
        print("\n".join(disagreements(sample2, first2, third, ("first", "third"))))
        return 0

    print(
        f"\nsample 1: {len(sample)} sentences, {len({r['article'] for r in sample})} articles "
        "(tuning half)"
    )
    print(_header())
    _report("second annotator vs first", [r["article"] for r in sample], first, second, args.boot)
    quoted = set(check_quoted(sample, readme))
    keep = [i for i, r in enumerate(sample) if r["id"] not in quoted]
    print(
        f"\nwithout the {len(quoted)} sentences the codebook quotes as examples ({len(keep)} left):"
    )
    _report(
        "second annotator vs first",
        [sample[i]["article"] for i in keep],
        [first[i] for i in keep],
        [second[i] for i in keep],
        args.boot,
    )

    arts2 = [r["article"] for r in sample2]
    print(f"\nsample 2 (fully blind draw): {len(sample2)} sentences, {len(set(arts2))} articles")
    print(_header())
    _report("third annotator vs first", arts2, first2, third, args.boot)
    para = set(check_quoted(sample2, readme, SAMPLE2_PARAPHRASED))
    strict = [i for i, r in enumerate(sample2) if r["id"] not in para]
    print(f"without the {len(para)} it paraphrases ({len(strict)} left):")
    _report(
        "third annotator vs first",
        [arts2[i] for i in strict],
        [first2[i] for i in strict],
        [third[i] for i in strict],
        args.boot,
    )

    articles, reference, other = pooled_blind(sample, first, second, sample2, first2, third, quoted)
    print(
        f"\npooled blind: sample 1 without its {len(quoted)} quoted sentences + sample 2 = "
        f"{len(reference)} sentences, {len(set(articles))} articles"
    )
    print(_header())
    _report("other annotator vs first", articles, reference, other, args.boot)
    n1 = len(reference) - len(sample2)
    idx = list(range(n1)) + [n1 + i for i in strict]
    print(
        f"\nsensitivity: pooled without the {len(para)} sample-2 sentences the codebook still "
        f"paraphrases ({len(idx)} left):"
    )
    _report(
        "other annotator vs first",
        [articles[i] for i in idx],
        [reference[i] for i in idx],
        [other[i] for i in idx],
        args.boot,
    )

    if not args.no_coder:
        pred = code_news_rows(ref_rows)
        pred2 = code_news_rows(ref_rows2)
        print("\ndefault coder (EventCoder(), articles coded whole) on the same sentences")
        print(_header())
        for name, ref, p in (
            ("sample 1: coder vs first", first, pred),
            ("sample 1: coder vs second", second, pred),
            ("sample 2: coder vs first", first2, pred2),
            ("sample 2: coder vs third", third, pred2),
        ):
            print(_row(name, agreement(ref, p)))
        pooled_pred = [pred[i] for i in keep] + pred2
        print(f"pooled blind ({len(reference)}), with bootstrap 95% over articles:")
        _report("coder vs first", articles, reference, pooled_pred, args.boot)
        _report("coder vs other annotator", articles, other, pooled_pred, args.boot)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
