"""spaCy callback for resuming training of a sourced edit-tree lemmatizer (spaCy 3.8).

``EditTreeLemmatizer.from_disk`` restores the labels (``cfg["labels"]``) and the edit trees
but not the ``tree2label`` map that ``get_loss`` reads, so a lemmatizer sourced from a saved
pipeline trains every token toward label 0: EWT dev lemma accuracy fell from 0.94 to 0.76
within 150 steps. This rebuilds the map after initialisation. Use::

    python -m spacy train experiments/parser/resume_ewt.cfg --code experiments/parser/fix_tree2label.py ...
"""

from __future__ import annotations

from collections.abc import Callable

from spacy.language import Language
from spacy.util import registry


@registry.callbacks("earlywarn.fix_tree2label.v1")
def make_fix() -> Callable[[Language], Language]:
    def fix(nlp: Language) -> Language:
        # sourced components are disabled while nlp.initialize runs: component_names, not pipe_names
        if "trainable_lemmatizer" in nlp.component_names:
            lem = nlp.get_pipe("trainable_lemmatizer")
            lem.tree2label = {tree: i for i, tree in enumerate(lem.cfg["labels"])}  # type: ignore[attr-defined]
        return nlp

    return fix
