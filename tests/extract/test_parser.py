"""The shipped parser runs on numpy's OpenBLAS, one BLAS thread, with BLIS's annotations."""

from __future__ import annotations

from threadpoolctl import threadpool_info

from earlywarn.extract.coding.lemmas import LEMMA_COMPONENT, register_component
from earlywarn.extract.coding.parser import PARSER_PATH, load_parser, parse
from earlywarn.extract.evaluate import news_gold


def _annotations(doc) -> list[tuple[str, str, str, str, int]]:  # type: ignore[no-untyped-def]
    return [(t.tag_, t.pos_, t.lemma_, t.dep_, t.head.i) for t in doc]


def test_parse_gives_the_annotations_of_thincs_default_ops() -> None:
    import spacy

    nlp = load_parser()
    assert not nlp.get_pipe("tok2vec").model.ops.use_blis  # numpy (OpenBLAS) products
    reference = spacy.load(PARSER_PATH)  # thinc's default CPU ops: BLIS
    assert reference.get_pipe("tok2vec").model.ops.use_blis
    register_component()  # the same lexicon lemmas as load_parser's pipeline
    reference.add_pipe(LEMMA_COMPONENT, after="trainable_lemmatizer")
    sents = [r["sentence"] for r in news_gold()[:40]]
    got = [_annotations(d) for d in parse(sents)]
    want = [_annotations(d) for d in reference.pipe(sents)]
    assert got == want


def test_parse_holds_blas_to_one_thread_only_while_it_runs() -> None:
    before = [(i["filepath"], i["num_threads"]) for i in threadpool_info()]
    docs = parse(["Norway hosted the talks.", "China and Vietnam signed an accord."])
    assert [t.dep_ for t in docs[0]][:2] == ["nsubj", "ROOT"]
    assert [(i["filepath"], i["num_threads"]) for i in threadpool_info()] == before


def test_doc_tokens_read_the_words_offsets_and_lower_case_of_spacys_tokens() -> None:
    from earlywarn.extract.coding.syntax import doc_tokens, spans_on_doc
    from earlywarn.extract.coding.text import Token, tokenize
    from earlywarn.extract.coding.types import Actor, ActorSpan

    text = "  Ñandú’s  ÉLYSÉE said:\t“U.S.-led” talks in Hà Nội — 12.5% ok.\n\nIstanbul’s mayor"
    doc = parse([text])[0]
    want = [Token(t.text, t.idx, t.idx + len(t.text), t.lower_) for t in doc]
    assert doc_tokens(doc) == want  # (read from the doc's arrays, not its Token objects)
    toks = tokenize(text)
    hanoi = next(k for k, t in enumerate(toks) if t.text == "Hà")
    actor = Actor("VNM", "Hà Nội", "VNM", None, "VNM", "city")
    [(s, e, _)] = spans_on_doc(doc, toks, [ActorSpan(hanoi, hanoi + 2, actor)])
    assert [t.text for t in doc[s:e]] == ["Hà", "Nội"]
