"""Quality of the event coder: PETRARCH unit-test records and a Vietnamese gold set.

Examples
--------
>>> m = evaluate_vietnamese()
>>> m["n_records"] >= 60 and 0.0 <= m["quad_precision"] <= 1.0
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
from earlywarn.errors import ExtractionError
from earlywarn.extract.cameo import quad_class
from earlywarn.extract.events import EventCoder

__all__ = ["evaluate_coding", "evaluate_vietnamese", "petrarch_records"]

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

    A predicted event counts for *root* precision/recall when its two-digit root equals a
    gold event's root in the same sentence; *full* requires the whole code; *dyad*
    requires code, source and target. ``actor_accuracy`` is the share of predictions
    whose root matches a gold event that have that event's source and target.

    Examples
    --------
    >>> d = Path(__file__).resolve().parents[3] / "shared/data/event_coding/petrarch2"
    >>> m = evaluate_coding(d / "PETR.UnitTest.records.xml", d / "PETR.Validate.verbs.txt",
    ...                     d / "PETR.Validate.actors.txt", d / "PETR.Validate.agents.txt")
    >>> int(m["n_records"]), int(m["n_gold"])  # 385 EventCoding elements, 26 of them 'noevents'
    (284, 359)
    """
    coder = EventCoder.from_petrarch(verbs, actors, agents, discards)
    recs = petrarch_records(records)
    tp_root = tp_full = tp_dyad = n_pred = n_gold = actor_ok = actor_n = 0
    for r in counted(recs, progress, "PETRARCH records"):
        gold = r["gold"]
        pred = [
            (e.source_code, e.target_code, e.code)
            for e in coder.code_sentence(str(r["text"]), "en", date=r["date"])
        ]
        n_pred += len(pred)
        n_gold += len(gold)
        tp_root += _matches(pred, gold, lambda x: x[2][:2])
        tp_full += _matches(pred, gold, lambda x: x[2])
        tp_dyad += _matches(pred, gold, lambda x: x)
        for p in pred:
            same = [g for g in gold if g[2][:2] == p[2][:2]]
            if same:
                actor_n += 1
                actor_ok += any(g[0] == p[0] and g[1] == p[1] for g in same)
    rp, rr = _pr(tp_root, n_pred, n_gold)
    fp, fr = _pr(tp_full, n_pred, n_gold)
    dp, dr = _pr(tp_dyad, n_pred, n_gold)
    return {
        "root_precision": rp, "root_recall": rr, "full_precision": fp, "full_recall": fr,
        "dyad_precision": dp, "dyad_recall": dr,
        "actor_accuracy": actor_ok / actor_n if actor_n else 0.0,
        "n_records": float(len(recs)), "n_gold": float(n_gold), "n_predicted": float(n_pred),
    }  # fmt: skip


def _vi_path() -> Path:
    return Path(str(files("earlywarn.data").joinpath("eval", "vi_events.jsonl")))


def evaluate_vietnamese(
    path: Path | None = None, progress: Progress | None = None
) -> dict[str, float]:
    """Score Vietnamese coding on the hand-checked set (``earlywarn/data/eval/vi_events.jsonl``).

    Each line: ``{"sentence", "date", "events": [{"source", "target", "root", "quad"}]}``
    with ``source``/``target`` ISO3 countries (or ``null``). Scores: QuadClass, root and
    dyad (source country, target country, root) precision/recall, and actor accuracy
    (share of predictions with a correct QuadClass whose countries are right).
    """
    path = path or _vi_path()
    coder = EventCoder()
    lines = [
        json.loads(x) for x in Path(path).read_text(encoding="utf-8").splitlines() if x.strip()
    ]
    tq = tr = td = n_pred = n_gold = a_ok = a_n = 0
    for rec in counted(lines, progress, "Vietnamese sentences"):
        day = date.fromisoformat(rec["date"]) if rec.get("date") else None
        pred = [
            (e.source_country, e.target_country, e.code[:2], quad_class(e.code))
            for e in coder.code_sentence(rec["sentence"], "vi", date=day)
            if e.root_code
        ]
        gold = [
            (g.get("source"), g.get("target"), g["root"], int(g["quad"])) for g in rec["events"]
        ]
        n_pred += len(pred)
        n_gold += len(gold)
        tq += _matches(pred, gold, lambda x: x[3])
        tr += _matches(pred, gold, lambda x: x[2])
        td += _matches(pred, gold, lambda x: (x[0], x[1], x[2]))
        for p in pred:
            same = [g for g in gold if g[3] == p[3]]
            if same:
                a_n += 1
                a_ok += any(g[0] == p[0] and g[1] == p[1] for g in same)
    qp, qr = _pr(tq, n_pred, n_gold)
    rp, rr = _pr(tr, n_pred, n_gold)
    dp, dr = _pr(td, n_pred, n_gold)
    return {
        "quad_precision": qp, "quad_recall": qr, "root_precision": rp, "root_recall": rr,
        "dyad_precision": dp, "dyad_recall": dr, "actor_accuracy": a_ok / a_n if a_n else 0.0,
        "n_records": float(len(lines)), "n_gold": float(n_gold), "n_predicted": float(n_pred),
    }  # fmt: skip
