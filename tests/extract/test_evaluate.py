from __future__ import annotations

import json
from pathlib import Path

import pytest

from earlywarn.extract.evaluate import (
    _article_sentences,
    evaluate_coding,
    evaluate_news,
    evaluate_vietnamese,
    news_articles,
    news_gold,
    score_events,
)

PETR = Path(__file__).resolve().parents[3] / "shared" / "data" / "event_coding" / "petrarch2"


def test_petrarch_unit_records() -> None:
    m = evaluate_coding(
        PETR / "PETR.UnitTest.records.xml", PETR / "PETR.Validate.verbs.txt",
        PETR / "PETR.Validate.actors.txt", PETR / "PETR.Validate.agents.txt",
        PETR / "PETR.Validate.discards.txt",
    )  # fmt: skip
    assert m["n_sentences"] == 284 and m["n_gold"] == 359
    # measured with the shipped parser: root P 0.904 R 0.577, dyad+root P 0.773 R 0.493
    assert m["root_precision"] >= 0.85 and m["root_recall"] >= 0.54
    assert m["dyad_precision"] >= 0.72 and m["dyad_recall"] >= 0.46


def test_vietnamese_gold_set() -> None:
    m = evaluate_vietnamese(half="tune1")
    assert m["n_sentences"] >= 100 and m["n_gold"] >= 80
    # measured: root P 0.800 R 0.558, dyad+root P 0.783 R 0.547, QuadClass accuracy 0.632
    assert m["root_precision"] >= 0.77 and m["root_recall"] >= 0.54
    assert m["dyad_precision"] >= 0.75 and m["dyad_recall"] >= 0.52


VI_FIELDS = {"id", "doc_id", "date", "sentence", "events"}
QUAD_OF_ROOT = {
    f"{r:02d}": 1 if r <= 5 else 2 if r <= 9 else 3 if r <= 14 else 4 for r in range(1, 21)
}


def _vi_rows(name: str) -> list[dict]:  # type: ignore[type-arg]
    from earlywarn.extract.evaluate import _eval_path

    text = _eval_path(name).read_text(encoding="utf-8")
    return [json.loads(x) for x in text.splitlines() if x.strip()]


def test_vietnamese_heldaside_set_schema_and_counts() -> None:
    """The held-aside Vietnamese set (README "vi_events_heldaside.jsonl"): 158 sentences of
    24 VnExpress feed items and 8 VietnameseMDS articles, none shared with the tuning set."""
    rows = _vi_rows("vi_events_heldaside.jsonl")
    assert len(rows) == 158 and len({r["id"] for r in rows}) == 158
    assert all(set(r) == VI_FIELDS for r in rows)
    events = [e for r in rows for e in r["events"]]
    assert sum(bool(r["events"]) for r in rows) == 39 and len(events) == 52
    assert all(set(e) == {"source", "target", "root", "quad"} for e in events)
    assert all(e["quad"] == QUAD_OF_ROOT[e["root"]] for e in events)
    countries = {c for e in events for c in (e["source"], e["target"]) if c is not None}
    assert all(len(c) == 3 and c.isupper() for c in countries)
    feed = [r for r in rows if r["doc_id"].startswith("vnexpress-")]
    assert len(feed) == 48 and len({r["doc_id"] for r in feed}) == 24
    assert {r["doc_id"] for r in rows} - {r["doc_id"] for r in feed} == {
        "12235122", "12235875", "12310686", "12210968",
        "12236479", "12210161", "12239909", "12233608",
    }  # fmt: skip
    tuning = {r["sentence"].strip() for r in _vi_rows("vi_events.jsonl")}
    assert not tuning & {r["sentence"] for r in rows}


def test_vietnamese_heldaside_sentences_follow_the_written_rule() -> None:
    """The sentences are exactly what the selection rule (experiments/coding/
    vi_heldaside_candidates.py) draws from the shared data, in order: none chosen by hand."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "experiments" / "coding"))
    import vi_heldaside_candidates as cand

    drawn = cand.feed_records() + cand.mds_records()
    rows = _vi_rows("vi_events_heldaside.jsonl")
    assert [(d["doc_id"], d["date"], d["sentence"]) for d in drawn] == [
        (r["doc_id"], r["date"], r["sentence"]) for r in rows
    ]


def test_vietnamese_tune2_set_schema_and_rule() -> None:
    """The second Vietnamese tuning set (README "vi_events_tune2.jsonl"): 124 sentences of 10
    whole VietnameseMDS articles, exactly as vi_tune2_candidates.py draws them; none of the
    held-aside articles, none of the first set's sentences."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "experiments" / "coding"))
    import vi_tune2_candidates as cand

    rows = _vi_rows("vi_events_tune2.jsonl")
    assert len(rows) == 124 and len({r["id"] for r in rows}) == 124
    assert all(set(r) == VI_FIELDS for r in rows)
    events = [e for r in rows for e in r["events"]]
    assert sum(bool(r["events"]) for r in rows) == 43 and len(events) == 59
    assert all(set(e) == {"source", "target", "root", "quad"} for e in events)
    assert all(e["quad"] == QUAD_OF_ROOT[e["root"]] for e in events)
    drawn = cand.records()
    assert [(d["doc_id"], d["date"], d["sentence"]) for d in drawn] == [
        (r["doc_id"], r["date"], r["sentence"]) for r in rows
    ]
    assert not {r["doc_id"] for r in rows} & cand.HELDASIDE_DOCS
    held = {r["doc_id"] for r in _vi_rows("vi_events_heldaside.jsonl")}
    assert held >= cand.HELDASIDE_DOCS  # the pinned ids are the held-aside set's articles
    tuning = {r["sentence"].strip() for r in _vi_rows("vi_events.jsonl")}
    assert not tuning & {r["sentence"] for r in rows}


def test_evaluate_vietnamese_scores_the_heldaside_file() -> None:
    # counts only: the held-aside figures are read once and reported, never tuned against
    m = evaluate_vietnamese(half="held")
    assert m["n_sentences"] == 158 and m["n_gold"] == 52
    # the default is the tuning data: vi_events.jsonl and vi_events_tune2.jsonl together
    assert evaluate_vietnamese()["n_sentences"] == 106 + 124


def test_evaluate_vietnamese_rejects_an_unknown_set() -> None:
    from earlywarn.errors import UsageError

    with pytest.raises(UsageError, match="unknown Vietnamese set 'dev'"):
        evaluate_vietnamese(half="dev")


def test_news_gold_set_is_split_once_by_article() -> None:
    rows = news_gold()
    assert len(rows) >= 400 and len({r["id"] for r in rows}) == len(rows)
    halves: dict[str, set[str]] = {}
    for r in rows:
        halves.setdefault(r["split"], set()).add(r["article"])
    assert set(halves) == {"tune", "held"} and not halves["tune"] & halves["held"]
    assert all(len(r["events"]) == 0 or r["events"][0]["code"].isdigit() for r in rows)
    m = evaluate_news("tune")
    assert m["n_sentences"] == sum(r["split"] == "tune" for r in rows)
    assert m["n_gold"] == sum(len(r["events"]) for r in rows if r["split"] == "tune")


def test_score_events_counts_no_event_sentences() -> None:
    m = score_events([([], []), ([("A", "B", "190")], []), ([], [("A", "B", "042")])])
    assert m["quad_accuracy"] == 1 / 3 and m["root_precision"] == 0.0 and m["n_gold"] == 1


def test_gold_sentences_are_coded_inside_their_whole_article() -> None:
    rows, texts = news_gold(), news_articles()
    by_article: dict[str, list[dict]] = {}  # type: ignore[type-arg]
    for r in rows:
        by_article.setdefault(r["article"], []).append(r)
    assert set(by_article) == set(texts)
    coded = 0
    for art, arows in by_article.items():
        sents, at = _article_sentences(arows, texts[art])
        assert at == sorted(at) and [sents[k] for k in at] == [r["sentence"] for r in arows]
        coded += len(sents)
    assert coded > len(rows)  # earlier and later sentences give the gold ones their context
    # an article whose text is unknown, or lacks a gold sentence: its gold sentences alone
    two = by_article[rows[0]["article"]][:2]
    alone = ([r["sentence"] for r in two], [0, 1])
    assert _article_sentences(two, None) == alone
    assert _article_sentences(two, "Another text. It has other sentences.") == alone


def test_events_between_two_countryless_actors_are_scored(tmp_path: Path) -> None:
    # rule 2 of the gold set (2026-12-06): a '---'/'---' event named by agent nouns is coded,
    # so a coder that finds it (PETRARCH's '---' + type) must be credited, not dropped
    from earlywarn.extract.events import EventCoder

    gold = tmp_path / "gold.jsonl"
    row = {"id": "x-00", "article": "x", "split": "tune",
           "sentence": "The rebels vowed to attack the capital.",
           "events": [{"source": "---", "target": "---", "code": "138"}]}  # fmt: skip
    gold.write_text(json.dumps(row) + "\n", encoding="utf-8")
    m = evaluate_news(path=gold, coder=EventCoder(unknown_actors=True))
    assert m["n_gold"] == 1 and m["root_recall"] == 1.0 and m["dyad_recall"] == 1.0
    assert evaluate_news(path=gold)["root_recall"] == 0.0  # the default coder gives no '---' actor


def test_eval_coding_tuning_only_never_codes_the_held_aside_half(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """``earlywarn eval coding --tuning-only``: the tuning half and the PETRARCH-2 records
    only; the held-aside half is never coded (so no total of it can be seen by accident)."""
    from typer.testing import CliRunner

    import earlywarn.extract.coding.parser as parser_mod
    import earlywarn.extract.evaluate as ev
    from earlywarn.cli import app

    metrics = {
        f"{m}_{s}": 0.5 for m in ("root", "code", "dyad") for s in ("precision", "recall", "f1")
    }
    metrics.update(quad_accuracy=0.5, n_sentences=1.0, n_gold=1.0, n_predicted=1.0,
                   sentences=1.0, las=0.5, uas=0.5, pos_acc=0.5, lemma_acc=0.5)
    asked: list[object] = []
    batches: list[object] = []

    def fake(name: str):  # type: ignore[no-untyped-def]
        def run(*args, **kwargs):  # type: ignore[no-untyped-def]
            asked.append((name, args[0] if args and name == "news" else kwargs.get("half")))
            if name == "news":
                batches.append(kwargs.get("batch"))
            return dict(metrics)
        return run

    for name, attr in (("news", "evaluate_news"), ("petrarch", "evaluate_coding"),
                       ("vi", "evaluate_vietnamese")):  # fmt: skip
        monkeypatch.setattr(ev, attr, fake(name))
    monkeypatch.setattr(parser_mod, "evaluate_parser", fake("parser"))
    r = CliRunner().invoke(app, ["eval", "coding", "--tuning-only"])
    assert r.exit_code == 0, r.output
    assert asked == [("news", "tune"), ("petrarch", None)]
    assert "held-aside" not in r.stdout.split("--tuning-only")[0] and "news tuning" in r.stdout
    assert "bars (held-aside)" not in r.stdout
    helptext = " ".join(CliRunner().invoke(app, ["eval", "coding", "--help"]).stdout.split())
    assert "--tuning-only" in helptext
    asked.clear()
    r = CliRunner().invoke(app, ["eval", "coding"])  # the full table, as before
    assert r.exit_code == 0, r.output
    assert ("news", "held") in asked and "held-aside" in r.stdout
    # both Vietnamese sets, side by side: the tuning set and the held-aside set
    assert [a for a in asked if a[0] == "vi"] == [("vi", None), ("vi", "held")]
    assert r.stdout.count("Vietnam") == 2  # two columns (headers wrap in a narrow terminal)
    r = CliRunner().invoke(app, ["eval", "coding", "--json"])
    assert r.exit_code == 0, r.output
    cols = json.loads(r.stdout)["coding"]
    assert cols["Vietnamese tuning (roots)"]["root_f1"] == 0.5
    assert cols["Vietnamese held-aside (roots)"]["dyad_precision"] == 0.5
    assert batches[-2:] == [None, None]  # every batch by default
    r = CliRunner().invoke(app, ["eval", "coding", "--tuning-only", "--batch", "1"])
    assert r.exit_code == 0, r.output
    assert batches[-1] == 1 and "news tuning" in r.stdout


def test_evaluate_news_scores_one_batch(tmp_path: Path) -> None:
    """``batch=1`` scores the first-batch rows only (rows without a ``batch`` field), so
    figures measured before the second batch stay reproducible; ``None`` scores them all."""
    import pytest

    from earlywarn.errors import UsageError

    rows = [
        {"id": "x-00", "article": "x", "split": "tune",
         "sentence": "Russia accused Ukraine of shelling the city.",
         "events": [{"source": "RUS", "target": "UKR", "code": "112"}]},
        {"id": "x-01", "article": "x", "split": "tune", "batch": 2,
         "sentence": "The weather was mild on Tuesday.", "events": []},
        {"id": "x-02", "article": "x", "split": "tune", "batch": 2,
         "sentence": "China denounced Japan over the visit.",
         "events": [{"source": "CHN", "target": "JPN", "code": "111"}]},
    ]  # fmt: skip
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    first, second, every = (evaluate_news(path=gold, batch=b) for b in (1, 2, None))
    assert (first["n_sentences"], first["n_gold"]) == (1, 1)
    assert (second["n_sentences"], second["n_gold"]) == (2, 1)
    assert (every["n_sentences"], every["n_gold"]) == (3, 2)
    with pytest.raises(UsageError, match="batches \\[1, 2\\]"):
        evaluate_news(path=gold, batch=3)


def test_shipped_news_gold_first_batch_is_the_529_sentences() -> None:
    rows = news_gold()
    first = [r for r in rows if r.get("batch", 1) == 1]
    assert len(first) == 529 and all(r.get("batch") in (None, 2, 3, 4, 5, 6) for r in rows)
    tune = [r for r in first if r["split"] == "tune"]
    assert len(tune) == 249 and sum(len(r["events"]) for r in tune) == 47
    assert evaluate_news("tune", batch=1)["n_sentences"] == 249  # the old tuning half
    # a second-batch row sits in its article's half, after its first-batch rows
    split_of = {r["article"]: r["split"] for r in first}
    assert all(r["split"] == split_of[r["article"]] for r in rows if r.get("batch") in (None, 2))


def test_shipped_news_gold_third_batch_is_new_articles_split_by_the_sha1_rule() -> None:
    """The third batch (2026-12-07) holds 396 sentences of 22 articles that no earlier batch
    has, each whole article in ``en_news_articles.jsonl``; like every article of the set, an
    article is held aside when the SHA-1 of its ``article`` key is odd (split once, by article,
    before coding)."""
    import hashlib

    rows, texts = news_gold(), news_articles()
    third = [r for r in rows if r.get("batch") == 3]
    older = {r["article"] for r in rows if r.get("batch") in (None, 2)}
    arts = {r["article"] for r in third}
    assert len(third) == 396 and len(arts) == 22 and not arts & older and arts <= set(texts)
    halves = {h: [r for r in third if r["split"] == h] for h in ("tune", "held")}
    assert [len(halves[h]) for h in ("tune", "held")] == [186, 210]
    assert [sum(len(r["events"]) for r in halves[h]) for h in ("tune", "held")] == [28, 37]
    for r in rows:
        odd = int(hashlib.sha1(r["article"].encode()).hexdigest(), 16) % 2 == 1
        assert r["split"] == ("held" if odd else "tune"), r["id"]


def test_shipped_news_gold_fourth_batch_is_ag_news_world_items_split_by_the_sha1_rule() -> None:
    """The fourth batch (2026-12-07) holds 214 sentences of the first 183 World items of AG
    News ``test.csv``, each item one article whose whole text is in ``en_news_articles.jsonl``;
    each is split by the SHA-1 rule of every article of the set (checked on all rows by the
    third-batch test), once, before coding."""
    rows, texts = news_gold(), news_articles()
    fourth = [r for r in rows if r.get("batch") == 4]
    older = {r["article"] for r in rows if r.get("batch") != 4}
    arts = {r["article"] for r in fourth}
    assert len(fourth) == 214 and len(arts) == 183 and not arts & older and arts <= set(texts)
    assert all(r["url"].startswith("ag-news:test.csv:world:") for r in fourth)
    halves = {h: [r for r in fourth if r["split"] == h] for h in ("tune", "held")}
    assert [len(halves[h]) for h in ("tune", "held")] == [106, 108]
    assert [sum(len(r["events"]) for r in halves[h]) for h in ("tune", "held")] == [32, 42]
    assert evaluate_news("tune", batch=4)["n_sentences"] == 106


def test_shipped_news_gold_fifth_batch_is_the_next_200_world_items_split_by_the_sha1_rule() -> None:
    """The fifth batch holds 234 sentences of the next 200 World items of AG News ``test.csv``
    (World ordinals 184-383, after the fourth batch's 183), each item one article whose whole
    text is in ``en_news_articles.jsonl``, split once, before coding, by the SHA-1 rule of every
    article (held aside when the SHA-1 of the ``article`` key is odd; checked on all rows here
    and by the third-batch test); the shipped rows are exactly what the batch's builder makes
    from its transcribed items and hand labels."""
    import hashlib

    from tests.scripts import load_script

    rows, texts = news_gold(), news_articles()
    fifth = [r for r in rows if r.get("batch") == 5]
    older = {r["article"] for r in rows if r.get("batch") != 5}
    arts = {r["article"] for r in fifth}
    assert len(fifth) == 234 and len(arts) == 200 and not arts & older and arts <= set(texts)
    ordinals = {int(r["url"].rsplit(":", 1)[1]) for r in fifth}
    assert all(r["url"].startswith("ag-news:test.csv:world:") for r in fifth)
    assert ordinals == set(range(184, 384))  # right after the fourth batch's 1-183
    halves = {h: [r for r in fifth if r["split"] == h] for h in ("tune", "held")}
    assert [len(halves[h]) for h in ("tune", "held")] == [123, 111]
    assert [sum(len(r["events"]) for r in halves[h]) for h in ("tune", "held")] == [43, 36]
    for r in fifth:
        odd = int(hashlib.sha1(r["article"].encode()).hexdigest(), 16) % 2 == 1
        assert r["split"] == ("held" if odd else "tune"), r["id"]
    built, built_texts = load_script("experiments/coding/build_gold_batch5.py").build()
    assert built == fifth and all(texts[a["article"]] == a["text"] for a in built_texts)
    assert evaluate_news("tune", batch=5)["n_sentences"] == 123


def test_shipped_news_gold_sixth_batch_is_the_next_200_world_items_split_by_the_sha1_rule() -> None:
    """The sixth batch holds 236 sentences of the next 200 World items of AG News ``test.csv``
    (World ordinals 384-583, after the fifth batch's 184-383), each item one article whose whole
    text is in ``en_news_articles.jsonl``, split once, before coding, by the SHA-1 rule of every
    article; the shipped rows are exactly what the batch's builder makes from its transcribed
    items and hand labels (coded blind: committed before any coder run on these texts)."""
    import hashlib

    from tests.scripts import load_script

    rows, texts = news_gold(), news_articles()
    sixth = [r for r in rows if r.get("batch") == 6]
    older = {r["article"] for r in rows if r.get("batch") != 6}
    arts = {r["article"] for r in sixth}
    assert len(sixth) == 236 and len(arts) == 200 and not arts & older and arts <= set(texts)
    ordinals = {int(r["url"].rsplit(":", 1)[1]) for r in sixth}
    assert all(r["url"].startswith("ag-news:test.csv:world:") for r in sixth)
    assert ordinals == set(range(384, 584))  # right after the fifth batch's 184-383
    halves = {h: [r for r in sixth if r["split"] == h] for h in ("tune", "held")}
    assert [len(halves[h]) for h in ("tune", "held")] == [115, 121]
    assert [sum(len(r["events"]) for r in halves[h]) for h in ("tune", "held")] == [46, 26]
    for r in sixth:
        odd = int(hashlib.sha1(r["article"].encode()).hexdigest(), 16) % 2 == 1
        assert r["split"] == ("held" if odd else "tune"), r["id"]
    built, built_texts = load_script("experiments/coding/build_gold_batch6.py").build()
    assert built == sixth and all(texts[a["article"]] == a["text"] for a in built_texts)
    assert evaluate_news("tune", batch=6)["n_sentences"] == 115
    # all six batches: 1954 sentences, tuning 1068 / 260 events, held-aside 886 / 193
    assert len(rows) == 1954
    tune = [r for r in rows if r["split"] == "tune"]
    assert len(tune) == 1068 and sum(len(r["events"]) for r in tune) == 260
    assert sum(len(r["events"]) for r in rows if r["split"] == "held") == 193
