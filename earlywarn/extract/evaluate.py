"""Quality of the event coder: the English news gold set, PETRARCH records, Vietnamese.

Examples
--------
>>> m = evaluate_vietnamese()
>>> m["n_sentences"] >= 60 and 0.0 <= m["quad_accuracy"] <= 1.0
True
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable
from datetime import date
from importlib.resources import files
from pathlib import Path
from typing import Any

from earlywarn._log import get_logger
from earlywarn._progress import Progress, counted
from earlywarn.errors import ExtractionError, UsageError
from earlywarn.extract.cameo import quad_class
from earlywarn.extract.coding.text import split_sentences
from earlywarn.extract.events import EventCoder

__all__ = [
    "actor_key",
    "code_news_rows",
    "evaluate_coding",
    "evaluate_news",
    "evaluate_vietnamese",
    "news_articles",
    "news_gold",
    "petrarch_records",
    "row_events",
    "score_events",
]

log = get_logger(__name__)


def petrarch_records(records: Path) -> list[dict[str, Any]]:
    """Sentences of a PETRARCH validation file: id, date, text, category, gold codings.

    Each gold coding is ``(source, target, code)``; ``noevents`` records have none.
    """
    try:
        root = ET.parse(records).getroot()
    except (OSError, ET.ParseError) as exc:
        raise ExtractionError(f"cannot read PETRARCH records {records}: {exc}") from None
    out = []
    for s in root.iter("Sentence"):
        d = s.get("date", "")
        day = date(int(d[:4]), int(d[4:6]), int(d[6:8])) if len(d) == 8 else None
        gold = [
            (c.get("sourcecode", ""), c.get("targetcode", ""), c.get("eventcode", ""))
            for c in s.findall("EventCoding")
            if c.get("eventcode")
        ]
        text = " ".join((s.findtext("Text") or "").split())
        out.append(
            {
                "id": s.get("id"),
                "date": day,
                "text": text,
                "category": s.get("category"),
                "gold": gold,
            }
        )
    return out


def _pr(tp: int, n_pred: int, n_gold: int) -> tuple[float, float]:
    return (tp / n_pred if n_pred else 0.0), (tp / n_gold if n_gold else 0.0)


def _matches(pred: list[Any], gold: list[Any], key: Callable[[Any], Any]) -> int:
    g = Counter(key(x) for x in gold)
    tp = 0
    for p in pred:
        k = key(p)
        if g[k] > 0:
            g[k] -= 1
            tp += 1
    return tp


Event = tuple[str | None, str | None, str]


def _quad(code: str) -> int | None:
    try:
        return quad_class(code)
    except (ValueError, TypeError):
        return None  # a code outside CAMEO (PETRARCH test records have a few)  # (source key, target key, CAMEO code)


def score_events(sentences: list[tuple[list[Event], list[Event]]]) -> dict[str, float]:
    """P/R/F1 of root, code and dyad+root, and QuadClass accuracy over (predicted, gold) pairs.

    A prediction counts for *root* when a gold event of the same sentence has its CAMEO root
    (matched one to one), for *code* when it has the whole code, for *dyad+root* when it has
    the root and the same source and target. *QuadClass accuracy* is the share of sentences
    whose predicted QuadClasses equal the gold ones (as multisets; no event = no event).

    Examples
    --------
    >>> m = score_events([([("USA", "CHN", "112")], [("USA", "CHN", "111")]), ([], [])])
    >>> m["root_f1"], m["code_f1"], m["dyad_f1"], m["quad_accuracy"]
    (1.0, 0.0, 1.0, 1.0)
    """
    keys: dict[str, Callable[[Event], Any]] = {
        "root": lambda x: x[2][:2], "code": lambda x: x[2],
        "dyad": lambda x: (x[0], x[1], x[2][:2]),
    }  # fmt: skip
    tp = dict.fromkeys(keys, 0)
    n_pred = n_gold = quad_ok = 0
    for pred, gold in sentences:
        n_pred += len(pred)
        n_gold += len(gold)
        for name, key in keys.items():
            tp[name] += _matches(pred, gold, key)
        quad_ok += Counter(_quad(p[2]) for p in pred) == Counter(_quad(g[2]) for g in gold)
    out: dict[str, float] = {}
    for name in keys:
        p, r = _pr(tp[name], n_pred, n_gold)
        out[f"{name}_precision"], out[f"{name}_recall"] = p, r
        out[f"{name}_f1"] = 2 * p * r / (p + r) if p + r else 0.0
    out["quad_accuracy"] = quad_ok / len(sentences) if sentences else 0.0
    out.update(n_sentences=float(len(sentences)), n_gold=float(n_gold), n_predicted=float(n_pred))
    return out


def evaluate_coding(
    records: Path,
    verbs: Path,
    actors: Path,
    agents: Path | None = None,
    discards: Path | None = None,
    progress: Progress | None = None,
) -> dict[str, float]:
    """Score the coder on PETRARCH validation records with their dictionaries.

    ``progress(done, total, "records")`` hears of each record coded.

    Scores as :func:`score_events`, with PETRARCH actor codes as the dyad.

    Examples
    --------
    >>> d = Path(__file__).resolve().parents[3] / "shared/data/event_coding/petrarch2"
    >>> m = evaluate_coding(d / "PETR.UnitTest.records.xml", d / "PETR.Validate.verbs.txt",
    ...                     d / "PETR.Validate.actors.txt", d / "PETR.Validate.agents.txt")
    >>> int(m["n_sentences"]), int(m["n_gold"])  # 385 EventCoding elements, 26 of them 'noevents'
    (284, 359)
    """
    coder = EventCoder.from_petrarch(verbs, actors, agents, discards)
    recs = petrarch_records(records)
    pairs: list[tuple[list[Event], list[Event]]] = []
    for r in counted(recs, progress, "PETRARCH records"):
        pred: list[Event] = [
            (e.source_code, e.target_code, e.code)
            for e in coder.code_sentence(str(r["text"]), "en", date=r["date"])
        ]
        pairs.append((pred, list(r["gold"])))
    return score_events(pairs)


def _eval_path(name: str) -> Path:
    return Path(str(files("earlywarn.data").joinpath("eval", name)))


def actor_key(country: str | None, actor_type: str | None) -> str:
    """The dyad key of a news actor: its country, else ``IGO``/``NGO``, else ``---``.

    Examples
    --------
    >>> actor_key("VNM", "GOV"), actor_key(None, "IGO"), actor_key(None, "COP")
    ('VNM', 'IGO', '---')
    """
    if country:
        return country
    return actor_type if actor_type in ("IGO", "NGO") else "---"


def news_gold(path: Path | None = None) -> list[dict[str, Any]]:
    """The English news gold set (``earlywarn/data/eval/en_news_gold.jsonl``), one dict a sentence."""
    path = path or _eval_path("en_news_gold.jsonl")
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ExtractionError(f"cannot read the news gold set {path}: {exc}") from None
    return [json.loads(x) for x in text.splitlines() if x.strip()]


def news_articles(path: Path | None = None) -> dict[str, str]:
    """Full texts of the news gold set's articles (``en_news_articles.jsonl``), by ``article`` key."""
    path = path or _eval_path("en_news_articles.jsonl")
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ExtractionError(f"cannot read the news articles {path}: {exc}") from None
    return {r["article"]: r["text"] for r in map(json.loads, filter(str.strip, lines))}


def _article_sentences(rows: list[dict[str, Any]], text: str | None) -> tuple[list[str], list[int]]:
    """The sentences to code for one article's gold rows and where each gold row sits.

    The article's whole text, split as the gold set was, when it is known and holds every
    gold sentence; else the gold sentences themselves in their order.
    """
    if text:
        sents = split_sentences(text, "en")
        where: dict[str, list[int]] = {}
        for k, s in enumerate(sents):
            where.setdefault(s, []).append(k)
        at = [where[r["sentence"]].pop(0) if where.get(r["sentence"]) else -1 for r in rows]
        if -1 not in at:
            return sents, at
    return [r["sentence"] for r in rows], list(range(len(rows)))


def evaluate_news(
    half: str | None = None,
    path: Path | None = None,
    coder: EventCoder | None = None,
    batch: int | None = None,
) -> dict[str, float]:
    """Score English coding on the hand-coded news gold set, one half or all of it.

    Each article is coded as a whole, sentence by sentence in order (as the nightly
    ``extract`` stage codes an article), so names it introduces early resolve later
    mentions; only the gold sentences are scored. The article texts come from the
    shipped ``en_news_articles.jsonl`` (matched on the ``article`` field); for an article
    not there (another gold file) its gold sentences, in file order, are the article.

    Parameters
    ----------
    half : {"tune", "held"}, optional
        The tuning half or the held-aside half (split once, by article; see the set's
        README); ``None`` scores every sentence.
    path : Path, optional
        Another gold file in the same format (e.g. an independent set).
    coder : EventCoder, optional
        Defaults to ``EventCoder()`` (gazetteer actors, shipped dictionaries and parser).
    batch : int, optional
        Score only the gold rows of this labelling batch (a row's ``batch`` field; a row
        without one is batch 1): ``1`` gives the first 529 sentences, on which every figure
        before 2026-12-07 was measured, ``2`` the second batch, ``3`` the third (22 new
        articles, 2026-12-07), ``4`` the fourth (183 AG News World items, 2026-12-07), ``5``
        the fifth (the next 200 World items), ``6`` the sixth (the 200 World items after those).
        ``None`` scores every batch.
        The articles are coded whole either way.

    Notes
    -----
    Dyads are compared on :func:`actor_key` (country, ``IGO``/``NGO`` or ``---``); events
    between two ``---`` actors count like any other (the gold set codes them when both
    actors are named by an agent or place noun, rule 2 of its README, as PETRARCH does).

    Examples
    --------
    >>> m = evaluate_news("tune")
    >>> m["n_sentences"] > 200 and 0.0 <= m["root_f1"] <= 1.0
    True
    """
    if half not in (None, "tune", "held"):
        raise ValueError(f"half={half!r}; use 'tune', 'held' or None")
    rows = [r for r in news_gold(path) if half is None or r.get("split") == half]
    if batch is not None:
        batches = {int(r.get("batch", 1)) for r in rows}
        if batch not in batches:
            raise UsageError(f"batch {batch!r}: the news gold rows hold batches {sorted(batches)}")
        rows = [r for r in rows if int(r.get("batch", 1)) == batch]
    preds = code_news_rows(rows, coder)
    return score_events([(p, row_events(r)) for p, r in zip(preds, rows, strict=True)])


def row_events(row: dict[str, Any]) -> list[Event]:
    """A gold row's ``events`` as (source key, target key, code) triples."""
    return [(g["source"], g["target"], g["code"]) for g in row["events"]]


def code_news_rows(
    rows: list[dict[str, Any]], coder: EventCoder | None = None
) -> list[list[Event]]:
    """The coder's events for each gold-format row (``id``, ``article``, ``sentence``), in order.

    Rows are grouped by ``article`` and each article is coded whole, as
    :func:`evaluate_news` scores it (its text from ``en_news_articles.jsonl``, else its rows'
    sentences in order); each row gets the de-duplicated (source key, target key, code)
    triples of its sentence, dyads on :func:`actor_key`.
    """
    coder = coder or EventCoder()
    texts = news_articles()
    by_article: dict[str, list[int]] = {}
    for i, r in enumerate(rows):
        by_article.setdefault(str(r.get("article") or r["id"]), []).append(i)
    out: list[list[Event]] = [[] for _ in rows]
    for art, idx in by_article.items():
        arows = [rows[i] for i in idx]
        sents, at = _article_sentences(arows, texts.get(art))
        coded = coder.code_sentences(sents, "en")
        for i, k in zip(idx, at, strict=True):
            pred = out[i]
            for e in coded[k]:
                s = actor_key(e.source_country, e.source_type)
                t = actor_key(e.target_country, e.target_type)
                if (s, t, e.code) not in pred:
                    pred.append((s, t, e.code))
    return out


VIETNAMESE_SETS: dict[str, tuple[str, ...]] = {
    "tune": ("vi_events.jsonl", "vi_events_tune2.jsonl"),
    "tune1": ("vi_events.jsonl",),
    "tune2": ("vi_events_tune2.jsonl",),
    "held": ("vi_events_heldaside.jsonl",),
}


def evaluate_vietnamese(
    path: Path | None = None, progress: Progress | None = None, half: str = "tune"
) -> dict[str, float]:
    """Score Vietnamese coding on a hand-checked set.

    ``half="tune"``: the Vietnamese tuning data, ``earlywarn/data/eval/vi_events.jsonl`` (the
    set the Vietnamese rules were first written on; alone ``half="tune1"``) and
    ``vi_events_tune2.jsonl`` (every sentence of 10 whole articles; alone ``half="tune2"``)
    scored together; ``half="held"``: ``vi_events_heldaside.jsonl``, labelled blind to the
    coder and never used to change it (see ``earlywarn/data/eval/README.md``).
    ``path`` scores another file in the same format instead.
    Each line: ``{"sentence", "date", "events": [{"source", "target", "root", "quad"}]}``
    with ``source``/``target`` ISO3 countries (or ``null``). Scored as :func:`score_events`;
    the sets have roots only, so *code* equals *root* here.
    """
    if path is None:
        if half not in VIETNAMESE_SETS:
            raise UsageError(
                f"unknown Vietnamese set {half!r}: use one of {', '.join(VIETNAMESE_SETS)}"
            )
        paths = [_eval_path(name) for name in VIETNAMESE_SETS[half]]
    else:
        paths = [Path(path)]
    coder = EventCoder()
    lines = [
        json.loads(x)
        for p in paths
        for x in p.read_text(encoding="utf-8").splitlines()
        if x.strip()
    ]
    pairs: list[tuple[list[Event], list[Event]]] = []
    for rec in counted(lines, progress, "Vietnamese sentences"):
        day = date.fromisoformat(rec["date"]) if rec.get("date") else None
        pred: list[Event] = [
            (e.source_country, e.target_country, e.code[:2])
            for e in coder.code_sentence(rec["sentence"], "vi", date=day)
            if e.root_code
        ]
        gold: list[Event] = [(g.get("source"), g.get("target"), g["root"]) for g in rec["events"]]
        pairs.append((pred, gold))
    return score_events(pairs)
