"""The shipped English dependency parser (spaCy, trained on UD English-EWT).

``earlywarn/data/parser_en`` is a spaCy pipeline (tokenizer, tagger, morphologizer,
edit-tree lemmatizer, transition-based parser on a small CNN ``tok2vec``) trained on the
Universal Dependencies English Web Treebank (CC BY-SA 4.0; see ``earlywarn/data/SOURCES.md``
for the credit and its measured LAS/UAS). It loads offline with ``spacy.load``; nothing is
downloaded at run time. :func:`load_parser` adds the ``earlywarn_lemmas`` component after the
edit-tree lemmatizer: verbs and common nouns take their lemma from a lexicon
(:mod:`earlywarn.extract.coding.lemmas`; 'unveiled' -> 'unveil', not 'unveile').

Examples
--------
>>> nlp = load_parser()
>>> [(t.text, t.dep_, t.head.text) for t in nlp("Norway hosted the talks.")][:2]
[('Norway', 'nsubj', 'hosted'), ('hosted', 'ROOT', 'hosted')]
>>> [t.lemma_ for t in nlp("Kenya unveiled a plan and secured loans.")][1:6:4]
['unveil', 'secure']
"""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

from earlywarn.errors import ExtractionError

if TYPE_CHECKING:
    from collections.abc import Iterable

    from spacy.language import Language
    from spacy.tokens import Doc
    from threadpoolctl import ThreadpoolController

__all__ = ["PARSER_PATH", "evaluate_parser", "load_parser", "parse"]

#: Where the shipped pipeline lives inside the package.
PARSER_PATH = Path(str(files("earlywarn.data").joinpath("parser_en")))


@lru_cache(maxsize=2)
def load_parser(path: str | None = None) -> Language:
    """The English parsing pipeline (cached; ``path`` defaults to the shipped one).

    A pipeline with a lemmatizer gets the lexicon lemma component after it
    (:mod:`earlywarn.extract.coding.lemmas`).
    """
    where = Path(path) if path else PARSER_PATH
    try:
        import spacy
    except ImportError:  # pragma: no cover - spacy is a runtime dependency
        raise ExtractionError(
            "the English event coder needs spaCy: pip install 'spacy>=3.8,<3.9'"
        ) from None
    if not (where / "config.cfg").is_file():
        raise ExtractionError(
            f"no spaCy pipeline at {where}; reinstall earlywarn (the parser ships with it)"
        )
    from thinc.api import use_ops

    # thinc's default CPU ops multiply with its bundled BLIS; numpy's OpenBLAS (kernels
    # chosen for the CPU) is ~3x faster on the pipeline's float32 products, the whole
    # pipeline ~1/3 faster, with the same tags, lemmas, heads and labels on every sentence
    # of the English evaluation texts. Run it on one BLAS thread (:func:`parse`).
    from earlywarn.extract.coding.lemmas import LEMMA_COMPONENT, register_component

    with use_ops("numpy", use_blis=False):
        nlp = spacy.load(where)
    lemmatizers = [n for n in ("trainable_lemmatizer", "lemmatizer") if n in nlp.pipe_names]
    if lemmatizers and LEMMA_COMPONENT not in nlp.pipe_names:
        register_component()
        nlp.add_pipe(LEMMA_COMPONENT, after=lemmatizers[0])
    return nlp


@lru_cache(maxsize=1)
def _blas() -> ThreadpoolController:
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def parse(texts: Iterable[str | Doc], path: str | None = None) -> list[Doc]:
    """Parsed docs of ``texts`` (strings or unparsed docs: the pipeline of
    :func:`load_parser`, BLAS on one thread).

    The pipeline's matrix products are small (one article's sentences): OpenBLAS threads
    only wait on each other, several times slower on a busy machine, so BLAS is held to
    one thread while the pipeline runs (other threads of the process included).

    Examples
    --------
    >>> [(t.text, t.dep_) for t in parse(["Norway hosted the talks."])[0]][:2]
    [('Norway', 'nsubj'), ('hosted', 'ROOT')]
    """
    nlp = load_parser(path)
    with _blas().limit(limits=1, user_api="blas"):
        return list(nlp.pipe(texts))


def evaluate_parser(conllu: str | Path, path: str | None = None) -> dict[str, float]:
    """LAS, UAS and tagging accuracies of the pipeline on a CoNLL-U file (gold tokens).

    Parameters
    ----------
    conllu : path
        A ``.conllu`` or ``.conllu.gz`` file (e.g. UD English-EWT ``en_ewt-ud-test``).
    path : str, optional
        Another spaCy pipeline; default the shipped one.

    Returns
    -------
    dict
        ``las``, ``uas``, ``tag_acc`` (XPOS), ``pos_acc`` (UPOS), ``lemma_acc``, ``sentences``,
        ``tokens``; LAS/UAS leave punctuation out, as spaCy's parser scorer does.
    """
    import gzip

    from spacy.scorer import Scorer
    from spacy.training import Example
    from spacy.training.converters import conllu_to_docs

    where = Path(conllu)
    try:
        opener = gzip.open if where.suffix == ".gz" else open
        with opener(where, "rt", encoding="utf-8") as fh:
            text = fh.read()
    except OSError as exc:
        raise ExtractionError(f"cannot read treebank {where}: {exc}") from None
    nlp = load_parser(path)
    docs = list(conllu_to_docs(text, n_sents=1, no_print=True))
    preds = parse((_words_doc(nlp, d) for d in docs), path)
    examples = [Example(p, d) for p, d in zip(preds, docs, strict=True)]
    deps = Scorer.score_deps(examples, "dep", ignore_labels=("p", "punct"))
    return {
        "las": float(deps["dep_las"]),
        "uas": float(deps["dep_uas"]),
        "tag_acc": float(Scorer.score_token_attr(examples, "tag")["tag_acc"] or 0.0),
        "pos_acc": float(Scorer.score_token_attr(examples, "pos")["pos_acc"] or 0.0),
        "lemma_acc": float(Scorer.score_token_attr(examples, "lemma")["lemma_acc"] or 0.0),
        "sentences": float(len(docs)),
        "tokens": float(sum(len(d) for d in docs)),
    }


def _words_doc(nlp: Language, gold: Doc) -> Doc:
    """An unannotated doc with the gold tokens (scores are on gold tokenisation)."""
    from spacy.tokens import Doc

    return Doc(nlp.vocab, words=[t.text for t in gold], spaces=[bool(t.whitespace_) for t in gold])
