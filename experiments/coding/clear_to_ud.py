"""ClearNLP dependency parses (spaCy's ``en_core_web_*``, OntoNotes 5) as Universal Dependencies.

The English coder (:mod:`earlywarn.extract.coding.syntax`) reads UD v2 relations as UD
English-EWT writes them: ``obj``, ``nsubj:pass``, ``aux:pass``, ``obl`` / ``nmod`` with the
preposition as ``case`` under its noun, ``obl:agent``, ``nmod:poss``, ``acl:relcl``,
``compound:prt``, copulas under their predicate. spaCy's English pipelines trained on
OntoNotes write the ClearNLP scheme instead (``dobj``, ``nsubjpass``, ``prep`` + ``pobj``
with the preposition as the head, ``agent``, ``poss``, ``relcl``, ``attr`` / ``acomp``
under the copula ...). :func:`clear_to_ud` rebuilds a parsed Doc with the same words,
spaces, tags, POS, lemmas, morphology and entities, and UD heads and labels:

* labels renamed one to one (``dobj`` -> ``obj``, ``nsubjpass`` -> ``nsubj:pass``,
  ``auxpass`` -> ``aux:pass``, ``csubjpass`` -> ``csubj:pass``, ``poss`` -> ``nmod:poss``,
  ``relcl`` -> ``acl:relcl``, ``prt`` -> ``compound:prt``, ``neg`` -> ``advmod``,
  ``predet`` -> ``det:predet``, ``preconj`` -> ``cc:preconj``, ``quantmod`` -> ``advmod``,
  ``intj`` -> ``discourse``, ``meta`` -> ``dep``, ``oprd`` -> ``xcomp``, ``npadvmod`` ->
  ``obl:unmarked`` / ``nmod:unmarked``, infinitival *to* ``aux`` -> ``mark``);
* a preposition (``prep``, ``agent``, a ``dative`` *to*) with an object (``pobj``) hands
  its place to the object: the object takes the preposition's head, becomes ``obl``
  (under a verb, adjective or adverb), ``nmod`` (under a noun) or ``obl:agent`` (*by*),
  and the preposition becomes its ``case``; a preposition with a clause (``pcomp``,
  *of attacking*) makes it ``advcl`` / ``acl`` with the preposition as ``mark``; a
  ``dative`` noun is ``iobj``;
* a copula (*be* with ``attr`` or ``acomp``, or with only a prepositional predicate)
  hangs under its predicate as ``cop``, which takes its head, relation and dependents
  (*Kenya is an ally*: ``ally`` heads ``Kenya`` nsubj and ``is`` cop); after an
  expletive (*there is X*) ``attr`` is the ``nsubj``; ``attr`` / ``acomp`` elsewhere
  (*became president*, *seems ready*) are ``xcomp``;
* coordination as UD has it: every conjunct on the first one, the conjunction (``cc``)
  on the conjunct after it.

Examples
--------
>>> import spacy
>>> nlp = spacy.blank("en")
>>> from spacy.tokens import Doc
>>> d = Doc(nlp.vocab, words=["Talks", "were", "hosted", "by", "Norway", "."],
...         heads=[2, 2, 2, 2, 3, 2], deps=["nsubjpass", "auxpass", "ROOT", "agent", "pobj", "punct"],
...         pos=["NOUN", "AUX", "VERB", "ADP", "PROPN", "PUNCT"])
>>> [(t.text, t.dep_, t.head.text) for t in clear_to_ud(d)]  # doctest: +NORMALIZE_WHITESPACE
[('Talks', 'nsubj:pass', 'hosted'), ('were', 'aux:pass', 'hosted'), ('hosted', 'ROOT', 'hosted'),
 ('by', 'case', 'Norway'), ('Norway', 'obl:agent', 'hosted'), ('.', 'punct', 'hosted')]
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["UD_COMPONENT", "clear_to_ud", "register_component"]

#: Name of the spaCy component that replaces the parse by its UD conversion.
UD_COMPONENT = "earlywarn_clear_to_ud"

_RENAME = {
    "dobj": "obj",
    "nsubjpass": "nsubj:pass",
    "csubjpass": "csubj:pass",
    "auxpass": "aux:pass",
    "poss": "nmod:poss",
    "relcl": "acl:relcl",
    "prt": "compound:prt",
    "neg": "advmod",
    "predet": "det:predet",
    "preconj": "cc:preconj",
    "quantmod": "advmod",
    "intj": "discourse",
    "meta": "dep",
    "oprd": "xcomp",
    "acomp": "xcomp",
    "attr": "xcomp",
    "pobj": "obl",  # a preposition's object that stays there (a stranded case)
    "pcomp": "advcl",
}
_PREPS = frozenset(["prep", "agent", "dative"])
_NOMINAL_POS = frozenset(["NOUN", "PROPN", "PRON", "NUM", "SYM", "X"])
_PREDICATES = frozenset(["attr", "acomp"])


def _is_be(tok_lemma: str, tok_lower: str) -> bool:
    return tok_lemma == "be" or tok_lower in (
        "is", "are", "was", "were", "be", "been", "being", "am", "'s", "'re", "'m",
    )  # fmt: skip


def clear_to_ud(doc: Doc) -> Doc:
    """A new Doc with ``doc``'s words, annotation and entities and its parse in UD labels."""
    from spacy.tokens import Doc as SpacyDoc

    n = len(doc)
    heads = [t.head.i for t in doc]
    deps = [t.dep_ for t in doc]
    pos = [t.pos_ for t in doc]
    lemmas = [t.lemma_ for t in doc]
    lower = [t.lower_ for t in doc]
    tags = [t.tag_ for t in doc]
    children: list[list[int]] = [[] for _ in range(n)]
    for i in range(n):
        if heads[i] != i:
            children[heads[i]].append(i)
    new_head = list(heads)
    new_dep = list(deps)

    # 1. copulas: the predicate heads the clause
    for b in range(n):
        if not _is_be(lemmas[b].lower(), lower[b]) or deps[b] in ("aux", "auxpass"):
            continue
        kids = children[b]
        if any(deps[k] == "expl" for k in kids):
            for k in kids:
                if deps[k] == "attr":
                    new_dep[k] = "nsubj"  # 'there is X'
            continue
        pred = next((k for k in kids if deps[k] in _PREDICATES), None)
        if pred is None:
            if any(deps[k] in ("dobj", "ccomp", "xcomp", "csubj", "oprd") for k in kids):
                continue
            prep = next(
                (k for k in kids if deps[k] == "prep" and k > b
                 and any(deps[g] == "pobj" for g in children[k])),
                None,
            )  # fmt: skip
            if prep is None or not any(deps[k] in ("nsubj", "expl") for k in kids):
                continue
            pred = prep  # 'is in Kenya': the prepositional phrase (its object, below)
        new_head[pred] = heads[b] if heads[b] != b else pred
        new_dep[pred] = deps[b]
        for k in kids:
            if k != pred:
                new_head[k] = pred
        new_head[b], new_dep[b] = pred, "cop"
        for i in range(n):  # the copula's own head pointing at it (root / conj chains)
            if i != b and new_head[i] == b and i != pred:
                new_head[i] = pred

    # 2. prepositions: the object heads, the preposition is its case
    obj_of: dict[int, int] = {}
    for p in range(n):
        if deps[p] not in _PREPS and not (deps[p] == "conj" and tags[p] in ("IN", "TO")):
            continue
        if deps[p] == "dative" and pos[p] != "ADP":
            new_dep[p] = "iobj"  # 'gave Kenya aid'
            continue
        kids = [k for k in range(n) if new_head[k] == p and k != p]
        o = next((k for k in kids if deps[k] == "pobj"), None)
        clause = None
        if o is None:
            clause = next((k for k in kids if deps[k] == "pcomp"), None)
            o = clause
        if o is None:
            if deps[p] in _PREPS:
                new_dep[p] = "advmod" if deps[p] != "agent" else "case"
            continue
        obj_of[p] = o
        for k in kids:
            if k != o:
                new_head[k] = o
        new_head[o] = new_head[p]
        new_head[p] = o
        flipped = new_dep[p] if new_dep[p] != deps[p] and new_dep[p] not in _PREPS else None
        new_dep[p] = "mark" if clause is not None else "case"
        if flipped is not None:
            new_dep[o] = flipped  # a copula's prepositional predicate: the copula's relation
        elif deps[p] == "agent":
            new_dep[o] = "obl:agent"
        elif deps[p] == "conj":
            new_dep[o] = "conj"
        elif new_dep[o] in ("pobj", "pcomp"):
            new_dep[o] = "PENDING"
    for o in obj_of.values():  # a head that was a preposition is now its object
        h = new_head[o]
        while h in obj_of and h != o:
            h = obj_of[h]
        new_head[o] = h
    for i in range(n):
        h = new_head[i]
        if h in obj_of and i != obj_of[h] and new_dep[i] not in ("case", "mark"):
            new_head[i] = obj_of[h]
    for o in obj_of.values():
        if new_dep[o] != "PENDING":
            continue
        h = new_head[o]
        clause = deps[o] == "pcomp"
        nominal = pos[h] in _NOMINAL_POS and new_dep[h] != "cop"
        if clause:
            new_dep[o] = "acl" if nominal else "advcl"
        else:
            new_dep[o] = "nmod" if nominal else "obl"

    # 3. 'wants Kenya to go': ClearNLP's infinitival clause with a subject (ccomp) is UD's
    # object of the governing verb and an xcomp
    for c in range(n):
        if deps[c] != "ccomp" or new_dep[c] != "ccomp":
            continue
        kids = [k for k in range(n) if new_head[k] == c]
        to = [k for k in kids if tags[k] == "TO" and deps[k] == "aux"]
        subj = [k for k in kids if deps[k] == "nsubj" and k < c]
        if to and subj and not any(deps[k] == "mark" for k in kids) and subj[0] < to[0]:
            new_head[subj[0]], new_dep[subj[0]] = new_head[c], "obj"
            new_dep[c] = "xcomp"

    # 4. personal names: UD's flat, headed by the first word ('Barack Obama')
    i = 0
    while i < n:
        if not (doc[i].ent_type_ == "PERSON" and pos[i] == "PROPN"):
            i += 1
            continue
        j = i
        while (
            j + 1 < n
            and doc[j + 1].ent_type_ == "PERSON"
            and doc[j + 1].ent_iob_ == "I"
            and pos[j + 1] == "PROPN"
        ):
            j += 1
        if j > i and all(new_head[k] == j and new_dep[k] == "compound" for k in range(i, j)):
            new_head[i], new_dep[i] = new_head[j], new_dep[j]
            for k in range(n):
                if new_head[k] == j and k != j:
                    new_head[k] = i
            for k in range(i + 1, j + 1):
                new_head[k], new_dep[k] = i, "flat"
            if new_head[i] == j:
                new_head[i] = i
        i = j + 1

    # 5. one-to-one renames
    for i in range(n):
        d = new_dep[i]
        if d == "npadvmod":
            h = new_head[i]
            new_dep[i] = "nmod:unmarked" if pos[h] in _NOMINAL_POS else "obl:unmarked"
        elif d == "aux" and tags[i] == "TO":
            new_dep[i] = "mark"
        elif d in _RENAME:
            new_dep[i] = _RENAME[d]

    # 6. coordination as UD has it: the conjunction and a comma before a conjunct hang on
    # that conjunct (read on ClearNLP's chain, 'Iran, Russia and Syria'), every conjunct on
    # the first one
    for i in range(n):
        if new_dep[i] not in ("cc", "punct") or new_head[i] == i:
            continue
        h = new_head[i]
        nxt = [k for k in range(i + 1, n) if new_head[k] == h and new_dep[k] == "conj"]
        if nxt and i > h and (new_dep[i] == "cc" or lower[i] == ","):
            new_head[i] = nxt[0]

    for i in range(n):
        if new_dep[i] != "conj":
            continue
        h = new_head[i]
        seen = 0
        while new_dep[h] == "conj" and new_head[h] != h and seen < n:
            h = new_head[h]
            seen += 1
        new_head[i] = h
    for i in range(n):
        if new_head[i] == i:
            new_dep[i] = "ROOT"
    out = SpacyDoc(
        doc.vocab,
        words=[t.text for t in doc],
        spaces=[bool(t.whitespace_) for t in doc],
        heads=new_head,
        deps=new_dep,
        pos=pos,
        tags=tags,
        lemmas=lemmas,
        morphs=[str(t.morph) for t in doc],
        ents=[f"{t.ent_iob_}-{t.ent_type_}" if t.ent_iob_ in ("B", "I") else "O" for t in doc]
        if doc.has_annotation("ENT_IOB")
        else None,
    )
    return out


def register_component() -> None:
    """Register the ``earlywarn_clear_to_ud`` spaCy component (last in a ClearNLP pipeline)."""
    from spacy.language import Language

    if not Language.has_factory(UD_COMPONENT):
        Language.component(UD_COMPONENT, func=clear_to_ud)
