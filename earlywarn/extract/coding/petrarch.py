"""Readers for PETRARCH/TABARI dictionaries: verbs (CAMEO patterns), actors, agents, discards.

The formats are those of openeventdata/petrarch2 (``CAMEO.2.0.txt``,
``PETR.Validate.*.txt``): synsets ``&NAME`` with ``+member`` lines; verb blocks
``--- NAME [code] ---`` listing verbs (``WORD {IRREGULAR FORMS} [code]``, ``+`` marks the
verb inside a multi-word phrase) and patterns ``- pre * post [code]``; actors
``NAME [CODE]`` with ``+synonym`` lines and dated code lines ``[CODE >|< yymmdd]`` or
``[CODE yyyymmdd - yyyymmdd]``; agents ``NAME {PLURALS} [~AGT]`` with ``!SUBST! = a, b``.

Examples
--------
>>> lines = ["--- ATTACK [190] ---", "ATTACK", "- * &WEAPON [194]", "", "&WEAPON", "+ROCKETS"]
>>> vd = read_verbs(lines)
>>> sorted(vd.forms)[:3], vd.blocks["ATTACK"].patterns[0].code
([('attack',), ('attacked',), ('attacking',)], '194')
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path

from earlywarn.errors import ExtractionError
from earlywarn.extract.coding.text import words

__all__ = [
    "ActorCode",
    "AgentEntry",
    "Pattern",
    "Transform",
    "Transformation",
    "VerbBlock",
    "VerbDictionary",
    "VerbKey",
    "covers",
    "inflect_noun",
    "inflect_verb",
    "read_actors",
    "read_agents",
    "read_discards",
    "read_verbs",
]

_CODE = re.compile(r"\[([^\]]*)\]")
_COMMENT = re.compile(r"#.*$")
# TABARI's comment mark, which the verb dictionaries keep on a few lines (``VOW ;tony 3/9/91``
# in PETRreader's format notes; ``SCRAP {...};shan 8/30/93`` in CAMEO.2.0.txt)
_TABARI_COMMENT = re.compile(r";.*$")


class DictionaryError(ExtractionError, ValueError):
    """A PETRARCH-format dictionary file could not be read."""


def _lines(source: Path | Iterable[str]) -> list[str]:
    if isinstance(source, (str, Path)):
        try:
            text = Path(source).read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            raise DictionaryError(
                f"cannot read dictionary {source}: {exc}; check the path"
            ) from None
        text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
        return text.splitlines()
    return list(source)


def _phrase(raw: str) -> tuple[tuple[str, ...], bool]:
    """'NEW_ZEALAND_' -> (('new', 'zealand'), exact=True)."""
    raw = raw.strip()
    exact = raw.endswith("_")
    return words(raw.replace("_", " ")), exact


def inflect_verb(word: str) -> set[str]:
    """Regular forms of an English verb (lower case).

    Examples
    --------
    >>> sorted(inflect_verb("stop"))
    ['stop', 'stopped', 'stopping', 'stops']
    >>> sorted(inflect_verb("deny"))
    ['denied', 'denies', 'deny', 'denying']
    >>> sorted(inflect_verb("agree")), sorted(inflect_verb("tie"))
    (['agree', 'agreed', 'agreeing', 'agrees'], ['tie', 'tied', 'ties', 'tying'])
    """
    w = word.lower()
    out = {w}
    if w.endswith("ie") and len(w) > 2:  # die, tie, lie: dying, tying
        out |= {w + "s", w + "d", w[:-2] + "ying"}
    elif w.endswith(("ee", "oe", "ye")):  # agree, tiptoe, eye: agreeing, eyeing
        out |= {w + "s", w + "d", w + "ing"}
    elif w.endswith("e"):
        out |= {w + "s", w + "d", w[:-1] + "ing"}
    elif w.endswith("y") and len(w) > 1 and w[-2] not in "aeiou":
        out |= {w[:-1] + "ies", w[:-1] + "ied", w + "ing"}
    elif w.endswith(("s", "sh", "ch", "x", "z")):
        out |= {w + "es", w + "ed", w + "ing"}
    elif re.search(r"(^|[^aeiou])[aeiou][bdgmnprt]$", w) and len(w) <= 5:
        out |= {w + "s", w + w[-1] + "ed", w + w[-1] + "ing"}
        if len(w) == 5:  # visit/visited but admit/admitted: keep both
            out |= {w + "ed", w + "ing"}
    else:
        out |= {w + "s", w + "ed", w + "ing"}
    return out


def inflect_noun(word: str) -> set[str]:
    """Singular and regular plural of an English noun (lower case)."""
    w = word.lower()
    if w.endswith("y") and len(w) > 1 and w[-2] not in "aeiou":
        return {w, w[:-1] + "ies"}
    if w.endswith(("s", "sh", "ch", "x", "z")):
        return {w, w + "es"}
    return {w, w + "s"}


# ---------------------------------------------------------------- verbs


@dataclass
class Pattern:
    """``pre * post -> code``; each element is a set of alternative word tuples."""

    pre: list[list[tuple[str, ...]]]
    post: list[list[tuple[str, ...]]]
    code: str | None
    paired: str | None
    weight: int

    @cached_property
    def firsts(self) -> list[frozenset[str]]:
        """The first words of each element's alternatives: one of each must occur near the
        verb for the pattern to match (a quick test before the full match)."""
        return [frozenset(a[0] if a else "" for a in e) for e in (*self.pre, *self.post)]


@dataclass
class VerbBlock:
    name: str
    code: str | None
    paired: str | None
    patterns: list[Pattern] = field(default_factory=list)


@dataclass
class VerbForm:
    """A surface verb phrase: its block and an optional verb-specific code."""

    block: str
    code: str | None = None
    paired: str | None = None
    head: int = 0  # index of the verb word inside the phrase
    null: bool = False  # marked [---]: coded only through a pattern, not the block default


@dataclass(frozen=True)
class Transformation:
    """A verb transformation ``~ a (b c VERB) OUTER = x y CODE`` (PETRARCH-2's
    ``match_transform``): when ``a`` says, claims, wants ... (``outer``, a verb of the
    dictionary) that ``b`` does ``inner`` to ``c``, the event is ``x`` -> ``y`` ``code``.
    ``.`` stands for any actor, ``_`` for none, ``Q`` for the inner event's own code; e.g.
    ``~ a (b . ATTACK) SAY = a b 112``: *A said B attacked* is A accusing B.

    A verb name stands for its dictionary code (PETRARCH-2's reader resolves it so, and its
    matcher compares codes, see :func:`covers`): SAY (010) is every statement, ATTACK (190)
    every use of force; a name whose verb has no code (ATTEMPT ``[---]``) stands for its block.
    """

    source: str
    inner: tuple[str, str, str]
    outer: str
    result: tuple[str, str, str]


#: Codes PETRARCH-2 stores as negations (``utilities.convert_code``: 011 *decline to
#: comment*, 016 *deny responsibility*, the 12x rejections): no root-level key covers them.
_NEGATIONS = ("011", "016", "12")


def covers(key: str, code: str) -> bool:
    """Whether an event ``code`` falls under a transformation verb's ``key`` code, as
    PETRARCH-2's ``match_transform`` masks codes: a root-level key (``010``, ``190``: three
    digits ending in 0) covers every code of its root but the negations; any other key
    covers itself and its sub-codes.

    >>> covers("190", "194"), covers("010", "015"), covers("010", "016"), covers("186", "185")
    (True, True, False, False)
    """
    if code == key or (len(key) == 3 and code.startswith(key)):
        return True
    if code.startswith(_NEGATIONS):
        return False
    return len(key) == 3 and key.endswith("0") and code[:2] == key[:2]


@dataclass(frozen=True)
class VerbKey:
    """What a transformation's verb name stands for: its dictionary ``code`` (the verb's
    own or its block's), or, for a verb of no code, its ``block``."""

    code: str | None
    block: str

    def matches(self, code: str | None, block: str | None) -> bool:
        """Whether a verb with this ``code`` (or, for a code-less key, this ``block``) fits."""
        if self.code is None:
            return block == self.block
        return code is not None and covers(self.code, code)


@dataclass(frozen=True)
class Transform:
    """A :class:`Transformation` with its verb names resolved in a dictionary (``inner``
    ``None`` for ``Q``, any code)."""

    rule: Transformation
    outer: VerbKey
    inner: VerbKey | None


_TRANSFORMATION = re.compile(
    r"^~\s*(\S+)\s*\(\s*(\S+)\s+(\S+)\s+(\S+)\s*\)\s*(\S+)\s*=\s*(\S+)\s+(\S+)\s+(\S+)\s*$"
)


@dataclass
class VerbDictionary:
    forms: dict[tuple[str, ...], list[VerbForm]] = field(default_factory=dict)
    blocks: dict[str, VerbBlock] = field(default_factory=dict)
    synsets: dict[str, list[str]] = field(default_factory=dict)
    transformations: list[Transformation] = field(default_factory=list)

    def verb_key(self, name: str) -> VerbKey:
        """The code (or block) a transformation's verb name stands for: the name's first
        dictionary entry, as PETRARCH-2's reader looks it up (``SAY`` -> ``010``).

        Raises
        ------
        DictionaryError
            The dictionary lists no such verb (PETRARCH-2 fails on it too, with a KeyError).
        """
        forms = self.forms.get(tuple(words(name.replace("_", " "))))
        if not forms:
            raise DictionaryError(
                f"verb transformation names {name!r}, which the verb dictionary does not list"
            )
        f = forms[0]
        block = self.blocks.get(f.block)
        code = None if f.null else (f.code or (block.code if block else None))
        return VerbKey(code, f.block)

    def resolved_transformations(self) -> list[Transform]:
        """The transformations with their verbs resolved (:meth:`verb_key`), in file order."""
        out = []
        for t in self.transformations:
            inner = None if t.inner[2] == "Q" else self.verb_key(t.inner[2])
            out.append(Transform(t, self.verb_key(t.outer), inner))
        return out


def _split_code(raw: str | None) -> tuple[str | None, str | None]:
    if raw is None:
        return None, None
    raw = raw.strip()
    first, _, second = raw.partition(":")
    norm = [None if not c or set(c) <= {"-"} else c for c in (first.strip(), second.strip())]
    return norm[0], norm[1]


def _verb_phrases(raw: str) -> list[tuple[tuple[str, ...], int]]:
    """'KLM_NOP_+RST' -> [(('klm','nop','rst'), 2)] plus inflections of the head word."""
    raw = raw.strip().rstrip("_")
    parts = [p for p in re.split(r"[\s_]+", raw) if p]
    head = next((i for i, p in enumerate(parts) if p.startswith("+")), 0)
    parts = [w for p in parts for w in (words(p) or (p.lstrip("+").lower(),))]
    head = min(head, len(parts) - 1)
    return [((*parts[:head], f, *parts[head + 1 :]), head) for f in inflect_verb(parts[head])]


def _tokens(pattern: str) -> list[str]:
    return re.findall(r"\{[^}]*\}|\([^)]*\)|[^\s{}()]+", pattern)


def _element(tok: str, synsets: dict[str, list[str]]) -> list[tuple[str, ...]] | None:
    tok = tok.strip()
    if tok in ("$", "+", "%", "^", "*") or not tok:
        return None
    if tok.startswith("{") or tok.startswith("("):
        inner = tok[1:-1]
        seqs: list[tuple[str, ...]] = [()]
        for sub in _tokens(inner):
            alts = _element(sub, synsets)
            if alts:
                seqs = [(*s, *a) for s in seqs for a in alts]
        return [s for s in seqs if s] or None
    if tok.startswith("&"):
        name = tok.rstrip("_")
        out: list[tuple[str, ...]] = []
        for member in synsets.get(name, synsets.get(name + "_", [])):
            alts = _element(member, synsets) if member.startswith("&") else [_phrase(member)[0]]
            out.extend(alts or [])
        return out or None
    ws, _ = _phrase(tok.replace("+", ""))
    return [ws] if ws else None


def read_verbs(source: Path | Iterable[str], *more: Path | Iterable[str]) -> VerbDictionary:
    """Parse a PETRARCH verb dictionary (e.g. ``CAMEO.2.0.txt``), then any ``more`` files
    read as if appended to it (supplements with blocks of their own).

    A verb phrase a supplement lists replaces what earlier files list for it (the coder
    reads a phrase's first entry): a supplement can re-code a verb, e.g.
    ``--- DEFEND [074] ---`` / ``DEFEND [052]``. A repeated block header sets the block's
    default code; its patterns add to the earlier ones.

    Examples
    --------
    >>> main = ["--- DESTROY [190] ---", "BEAT", "DEFEAT"]
    >>> vd = read_verbs(main, ["--- DESTROY [190] ---", "BEAT [182]"])
    >>> [(f.block, f.code) for f in vd.forms[("beats",)]], vd.forms[("defeat",)][0].code
    ([('DESTROY', '182')], None)
    """
    vd = VerbDictionary()
    raw_patterns: list[tuple[str, str, str | None]] = []
    block: str | None = None
    synset: str | None = None
    lines = [(line, 0) for line in _lines(source)]
    for k, extra in enumerate(more, 1):
        lines += [("", k), *((line, k) for line in _lines(extra))]
    origin: dict[tuple[str, ...], int] = {}  # which file listed each phrase
    for line, k in lines:
        line = _TABARI_COMMENT.sub("", _COMMENT.sub("", line)).rstrip()
        s = line.strip()
        if not s:
            synset = None
            continue
        m = re.match(r"^---\s*(.+?)\s*\[([^\]]*)\]\s*---", s)
        if m:
            block, synset = m.group(1).strip().rstrip("_"), None
            code, paired = _split_code(m.group(2))
            vd.blocks[block] = VerbBlock(block, code, paired)
            continue
        if s.startswith("&"):
            synset = s.split()[0]
            vd.synsets.setdefault(synset.rstrip("_"), [])
            continue
        if synset is not None and s.startswith("+"):
            vd.synsets[synset.rstrip("_")].append(s[1:].strip())
            continue
        if s.startswith("~"):  # a verb transformation, no verb of the block above it
            t = _TRANSFORMATION.match(s)
            if t is None:
                raise DictionaryError(f"unreadable verb transformation {s!r}")
            a, b, c, inner, outer, x, y, z = t.groups()
            vd.transformations.append(Transformation(a, (b, c, inner), outer, (x, y, z)))
            continue
        if block is None:
            continue
        codes = _CODE.findall(s)
        code = codes[-1] if codes else None
        body = _CODE.sub("", s)
        if s.startswith("-"):
            raw_patterns.append((block, body[1:].strip(), code))
            continue
        irregular = re.search(r"\{([^}]*)\}", body)
        base = re.sub(r"\{[^}]*\}", "", body).strip()
        c, p = _split_code(code) if code is not None else (None, None)
        phrases = _verb_phrases(base) if base else []
        for form in irregular.group(1).split() if irregular else []:
            parts = [x for x in re.split(r"[_\s]+", form) if x]
            head = next((i for i, x in enumerate(parts) if x.startswith("+")), 0)
            ws = tuple(w for x in parts for w in words(x))
            if ws:
                phrases.append((ws, min(head, len(ws) - 1)))
        for ph, head in phrases:
            null = code is not None and c is None and p is None
            if origin.setdefault(ph, k) != k:
                origin[ph] = k  # a supplement's entry replaces the earlier files' ones
                vd.forms[ph] = []
            vd.forms.setdefault(ph, []).append(VerbForm(block, c, p, head, null))
    for blk, body, code in raw_patterns:
        if "*" not in body:
            continue
        pre_s, _, post_s = body.partition("*")
        pre = [e for e in (_element(t, vd.synsets) for t in _tokens(pre_s.replace("_", " "))) if e]
        post = [
            e for e in (_element(t, vd.synsets) for t in _tokens(post_s.replace("_", " "))) if e
        ]
        c, p = _split_code(code)
        weight = sum(min(len(a) for a in e) for e in pre + post)
        if (c is None and p is None and code is None) or not (pre or post):
            continue
        vd.blocks[blk].patterns.append(Pattern(pre, post, c, p, weight))
    return vd


# ---------------------------------------------------------------- actors


@dataclass(frozen=True)
class ActorCode:
    """An actor code valid in ``[start, end)`` (``None`` = open)."""

    code: str
    start: date | None = None
    end: date | None = None


def _pdate(s: str) -> date:
    s = s.strip()
    if len(s) == 6:
        yy = int(s[:2])
        s = f"{1900 + yy if yy > 30 else 2000 + yy}{s[2:]}"
    return date(int(s[:4]), int(s[4:6]), int(s[6:8]))


def _actor_code(raw: str) -> ActorCode:
    raw = raw.strip()
    m = re.match(r"^(\S+)\s*<\s*(\d+)$", raw)
    if m:
        return ActorCode(m.group(1), None, _pdate(m.group(2)))
    m = re.match(r"^(\S+)\s*>\s*(\d+)$", raw)
    if m:
        return ActorCode(m.group(1), _pdate(m.group(2)), None)
    m = re.match(r"^(\S+)\s+(\d+)\s*-\s*(\d+)$", raw)
    if m:
        return ActorCode(m.group(1), _pdate(m.group(2)), _pdate(m.group(3)))
    return ActorCode(raw.split()[0].split("/")[0] if raw else "---")


def read_actors(
    source: Path | Iterable[str],
) -> dict[tuple[tuple[str, ...], bool], list[ActorCode]]:
    """Parse an actor dictionary: ``{(words, exact): [ActorCode ...]}``."""
    out: dict[tuple[tuple[str, ...], bool], list[ActorCode]] = {}
    names: list[tuple[tuple[str, ...], bool]] = []
    codes: list[ActorCode] = []

    def flush() -> None:
        if names and codes:
            for n in names:
                out.setdefault(n, []).extend(codes)

    for line in _lines(source):
        line = _COMMENT.sub("", line).rstrip()
        s = line.strip()
        if not s:
            continue
        indented = line[:1] in (" ", "\t")
        body = _CODE.sub("", s).strip()
        found = [_actor_code(c) for c in _CODE.findall(s)]
        if s.startswith("+"):
            names.append(_phrase(body[1:]))
        elif indented and not body:
            pass
        else:
            flush()
            names, codes = [_phrase(body)] if body else [], []
        codes.extend(found)
    flush()
    return out


@dataclass(frozen=True)
class AgentEntry:
    code: str  # e.g. 'GOV'
    prefix: bool  # '[NGO~]' puts the code before the country


_MARKER_DEF = re.compile(r"^!([^!\s]+)!\s*=\s*(.*)$")
_MARKER = re.compile(r"!([^!\s]+)!")
_AGENT_CODE = re.compile(r"\[([^\]}]*)")  # '[~ENV}' in Phoenix.agents.txt: the '}' ends it


def _agent_phrase(raw: str) -> tuple[tuple[str, ...], bool]:
    """Words of an agent phrase and whether it is stopped (final ``_``: no plural, no stem)."""
    raw = raw.strip()
    if "!" in raw:  # an undefined or second substitution marker ('AD!MINIST!RATIVE')
        return (), True
    return words(raw.replace("_", " ")), raw.endswith("_")


def _is_stem(word: str) -> bool:
    """Maybe a TABARI stem (``MINIST``, ``COMPAN``): letters lemminflect's lexicon lacks."""
    from lemminflect import getAllLemmas

    return word.isalpha() and len(word) >= 4 and not getAllLemmas(word)


def read_agents(source: Path | Iterable[str]) -> dict[tuple[str, ...], AgentEntry]:
    """Parse an agents dictionary: ``{words: AgentEntry}`` including plurals.

    Reads the format as PETRARCH-2's ``PETRreader.read_agent_dictionary`` does
    (``Phoenix.agents.txt``, ``PETR.Validate.agents.txt``):

    * ``#`` starts a comment; a line with no ``[code]`` is skipped (``ISLAMIC_EXTREMIST``);
      the code runs from ``[`` to ``]``, or to a stray ``}`` (``[~ENV}``; PETRARCH-2 keeps
      ``~ENV}`` as the code); ``~GOV`` follows the actor's code, ``NGO~`` precedes it;
    * ``!PERSON! = MAN, MEN, ...`` defines a substitution set; ``CONGRESS!PERSON!`` and
      ``FOREIGN_!MINIST!`` stand for each member put in the marker's place
      (``CONGRESSMAN``, ``FOREIGN_MINISTER``), with no plural formed; a line naming an
      undefined set is skipped;
    * ``_`` and blanks both join consecutive words; ``NAME {PLURAL}`` gives the plural
      (one phrase), ``NAME {}`` none; otherwise the regular plural of the last word is
      formed (:func:`inflect_noun`; PETRARCH-2 forms *-IES* after any final *Y*);
    * a final ``_`` stops the phrase (``MINISTRY_``: no plural); a final word no English
      lexicon knows (``BROADCAST_MINIST``, ``TRANSPORT_COMPAN``) is a TABARI stem, read
      as the dictionary's own words that extend it by one to four letters (*ministry*,
      *ministers* ...). PETRARCH-2 matches whole words only, so there these never match.

    Examples
    --------
    >>> d = read_agents(["!PERSON! = MAN, MEN", "CONGRESS!PERSON!  [~LEG]",
    ...                  "POLICE {} [~COP]", "THIEF {THIEVES} [~CRM]", "NGO_ [NGO~]",
    ...                  "DEPARMENT_OF_ENVIRONMENT [~ENV}", "ISLAMIC_EXTREMIST"])
    >>> sorted(" ".join(k) for k in d)  # doctest: +NORMALIZE_WHITESPACE
    ['congressman', 'congressmen', 'deparment of environment', 'deparment of environments',
     'ngo', 'police', 'thief', 'thieves']
    >>> d[("congressmen",)], d[("ngo",)].prefix, d[("deparment", "of", "environment")].code
    (AgentEntry(code='LEG', prefix=False), True, 'ENV')
    """
    subst: dict[str, list[str]] = {}
    out: dict[tuple[str, ...], AgentEntry] = {}  # phrases as written (and given plurals)
    formed: dict[tuple[str, ...], AgentEntry] = {}  # regular plurals and stem words
    stems: list[tuple[tuple[str, ...], AgentEntry]] = []

    def put(ws: tuple[str, ...], entry: AgentEntry, table: dict = out) -> None:  # type: ignore[type-arg]
        if ws:
            table.setdefault(ws, entry)  # a phrase's first entry wins (PETRARCH-2 tries it first)

    for line in _lines(source):
        s = _COMMENT.sub("", line).strip()
        if not s:
            continue
        m = _MARKER_DEF.match(s)
        if m:
            subst[m.group(1)] = [x.strip() for x in m.group(2).split(",") if x.strip()]
            continue
        code = _AGENT_CODE.search(s)
        if code is None:
            continue
        raw = code.group(1).strip()
        entry = AgentEntry(raw.strip("~").strip(), raw.endswith("~"))
        if not entry.code:
            continue
        name = s[: code.start()]
        marker = _MARKER.search(name)
        if marker:
            if marker.group(1) not in subst:
                continue
            name = re.sub(r"\{[^}]*\}", "", name)
            for x in subst[marker.group(1)]:
                put(_agent_phrase(name[: marker.start()] + x + name[marker.end() :])[0], entry)
            continue
        if "{" in name:
            if "}" not in name:
                continue
            put(_agent_phrase(name[: name.find("{")])[0], entry)
            put(_agent_phrase(name[name.find("{") + 1 : name.find("}")])[0], entry)
            continue
        ws, stopped = _agent_phrase(name)
        if not ws:
            continue
        put(ws, entry)
        if not stopped:
            for p in inflect_noun(ws[-1]):
                put((*ws[:-1], p), entry, formed)
            if _is_stem(ws[-1]):
                stems.append((ws, entry))
    if stems:
        from lemminflect import getAllLemmas

        vocab = sorted({w for ws in (*out, *formed) for w in ws if w.isalpha()})
        vocab = [w for w in vocab if getAllLemmas(w)]  # English words only
        for ws, entry in stems:
            for w in vocab:
                if w.startswith(ws[-1]) and 1 <= len(w) - len(ws[-1]) <= 4:
                    put((*ws[:-1], w), entry, formed)
    return {**formed, **out}


def read_discards(source: Path | Iterable[str]) -> list[tuple[str, ...]]:
    """Parse a discards dictionary into word tuples (story- and sentence-level alike)."""
    out = []
    for line in _lines(source):
        s = _COMMENT.sub("", line).strip().lstrip("+").strip()
        if s:
            out.append(_phrase(s)[0])
    return out
