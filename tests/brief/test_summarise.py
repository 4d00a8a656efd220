"""The summariser on real articles: it returns input sentences, in order, once, in the input's language."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import py3langid
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from earlywarn.brief import lead, random_sentences, summarise
from earlywarn.brief._text import split_sentences, syllables
from earlywarn.brief.evaluate import DEFAULT_SPLIT, load_clusters
from earlywarn.brief.summarise import candidates


@pytest.fixture(scope="module")
def clusters(shared_data: Path) -> list[dict]:
    """The first 8 tuning clusters (the held-aside half is only scored, by ``eval brief``)."""
    split = pd.read_csv(DEFAULT_SPLIT)
    tuning = set(split.loc[split["half"] == "tuning", "cluster_id"])
    return [c for c in load_clusters(shared_data / "vietnamese_news") if c["cluster_id"] in tuning][
        :8
    ]


@pytest.fixture(scope="module")
def pages(shared_data: Path) -> list[tuple[str, str]]:
    """(language, text) of real article pages in several languages."""
    truth = json.loads(
        (shared_data / "article_extraction/scrapinghub/ground-truth.json").read_text("utf-8")
    )
    out = []
    for _, v in sorted(truth.items()):
        lang = py3langid.classify(v["articleBody"])[0]
        if len(split_sentences(v["articleBody"], lang)) >= 6:
            out.append((lang, v["articleBody"]))
    return out


def _check(summary: list[str], documents: list[str], language: str, n: int = 3) -> None:
    sents = [s.text for s in candidates(documents, language, min_tokens=1, max_tokens=10**9)]
    assert 1 <= len(summary) <= n
    assert len(set(summary)) == len(summary)  # no repeats
    pos = [sents.index(s) for s in summary]  # every sentence is an input sentence ...
    assert pos == sorted(pos)  # ... in input order


def test_vietnamese_clusters(clusters: list[dict]) -> None:
    for c in clusters:
        out = summarise(c["documents"], "vi")
        _check(out, c["documents"], "vi")
        assert len(out) == 3
        assert py3langid.classify(" ".join(out))[0] == "vi"
        assert all(len(syllables(s)) >= 15 for s in out)  # captions and bylines are skipped
        assert not any("Ảnh:" in s for s in out)  # photo credits are cut off the sentence after


def test_language_is_kept(pages: list[tuple[str, str]]) -> None:
    langs = {lang for lang, _ in pages}
    assert {"en", "ko"} <= langs and len(langs) >= 4
    seen: dict[str, int] = {}
    for lang, body in pages:
        if seen.get(lang, 0) >= 4:
            continue
        seen[lang] = seen.get(lang, 0) + 1
        out = summarise([body], lang, n_sentences=2)
        _check(out, [body], lang, n=2)
        assert py3langid.classify(" ".join(out))[0] == lang


def test_multi_document_and_redundancy(clusters: list[dict]) -> None:
    docs = clusters[0]["documents"]
    # the same article twice: its sentences are candidates once, the summary has no repeat
    out = summarise([docs[0], docs[0], *docs[1:]], "vi")
    assert out == summarise(docs, "vi")


def test_baselines(clusters: list[dict]) -> None:
    docs = clusters[1]["documents"]
    first = candidates(docs, "vi")
    assert lead(docs, "vi") == [s.text for s in first[:3]]
    draws = {tuple(random_sentences(docs, "vi", seed=s)) for s in range(5)}
    assert len(draws) > 1  # seeds differ ...
    assert random_sentences(docs, "vi", seed=3) == random_sentences(
        docs, "vi", seed=3
    )  # ... and repeat
    for d in draws:
        _check(list(d), docs, "vi")


def test_both_centralities(clusters: list[dict]) -> None:
    for c in clusters[:3]:
        for centrality in ("centroid", "pagerank"):
            out = summarise(c["documents"], "vi", centrality=centrality)
            _check(out, c["documents"], "vi")
            assert len(out) == 3
    with pytest.raises(ValueError, match="centrality"):
        summarise(clusters[0]["documents"], "vi", centrality="lexrank")


def test_short_and_empty_input() -> None:
    assert summarise([], "en") == []
    assert summarise(["", "   "], "vi") == []
    assert summarise(["Quake hits Japan."], "en") == ["Quake hits Japan."]  # short: kept as is
    with pytest.raises(ValueError, match="n_sentences"):
        summarise(["x"], "en", n_sentences=0)


def test_an_abbreviated_month_before_a_day_ends_no_sentence() -> None:
    """The demo brief's NASA story had '18 that it was adding five companies ...' as a
    summary sentence: SpaceNews' 'NASA announced Nov. 18 that ...' was cut after 'Nov.'."""
    text = (
        "NASA announced Nov. 18 that it was adding five companies to a contract. Tariffs "
        "imposed on Sept. 1 stay. He left in Dec. The next day was quiet."
    )
    assert split_sentences(text, "en") == [
        "NASA announced Nov. 18 that it was adding five companies to a contract.",
        "Tariffs imposed on Sept. 1 stay.",
        "He left in Dec.",  # a month that ends the sentence still ends it
        "The next day was quiet.",
    ]


def test_cjk_splitting() -> None:
    text = "東京で大きな地震があった。政府は被害を調べている。多くの人が避難した。"
    out = summarise([text], "ja", n_sentences=2, min_tokens=1)
    _check(out, [text], "ja", n=2)


_WORDS = st.sampled_from(
    [
        "the",
        "army",
        "navy",
        "coast",
        "guard",
        "ship",
        "island",
        "sea",
        "talks",
        "minister",
        "said",
        "on",
        "monday",
    ]
)
_SENT = st.lists(_WORDS, min_size=3, max_size=15).map(lambda w: " ".join(w).capitalize() + ".")


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(_SENT, min_size=1, max_size=8), min_size=1, max_size=4), st.integers(1, 4))
def test_properties_on_generated_text(docs: list[list[str]], n: int) -> None:
    documents = [" ".join(d) for d in docs]
    out = summarise(documents, "en", n_sentences=n, min_tokens=3)
    assert len(out) <= n
    _check(out, documents, "en", n=n) if out else None


def test_link_lists_glued_to_sentences_are_no_summary_sentences(shared_data: Path) -> None:
    """Three tuning-half clusters carry '>> headline >> headline' link lists, glued to the
    next sentence in the corpus's one-line bodies; the summariser picked one in cluster_3."""
    split = pd.read_csv(DEFAULT_SPLIT)
    tuning = set(split.loc[split["half"] == "tuning", "cluster_id"])
    listed = [c for c in load_clusters(shared_data / "vietnamese_news")
              if c["cluster_id"] in tuning and any(">>" in d for d in c["documents"])]  # fmt: skip
    assert len(listed) == 3
    for c in listed:
        for out in (summarise(c["documents"], "vi"), lead(c["documents"], "vi")):
            assert len(out) == 3 and not any(">>" in s for s in out), out
        texts = [s.text for s in candidates(c["documents"], "vi", min_tokens=1)]
        assert not any(">>" in s for s in texts)


def test_link_lines_of_a_page_are_dropped(pages: list[tuple[str, str]]) -> None:
    """A page as extracted, one paragraph a line, with a 'Related:' block and '>>' lines
    made of the article's own words (so they would be central): no candidate holds them;
    a colon line that introduces a sentence stays."""
    body = next(b for lang, b in pages if lang == "en")
    sents = split_sentences(body, "en")
    heads = [" ".join(s.rstrip(".").split()[:16]) for s in sents[:3]]
    page = "\n".join(
        [sents[0], "Related:", heads[0], heads[1], "", sents[1], f">> {heads[2]}",
         f"» {heads[0]}", "The minister said:", sents[2], *sents[3:]]
    )  # fmt: skip
    texts = [s.text for s in candidates([page], "en", min_tokens=1)]
    assert texts[:2] == sents[:2] and not any("Related:" in t for t in texts)
    assert not any(">>" in t or "» " in t for t in texts), texts
    assert f"The minister said: {sents[2]}" in texts
    assert not [s for s in summarise([page], "en") if any(h in s for h in heads) and s not in sents]
