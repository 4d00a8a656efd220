"""Search queries: parsing what an analyst types, and turning it into a tantivy query.

The language: words (all must match), ``"quoted phrases"``, ``OR`` between two items,
``-word`` or ``-"a phrase"`` to exclude. Unquoted words next to each other also score
higher when they stand together (a sloppy phrase boost), so ``Biển Đông`` ranks the
articles about the sea above those that say ``biển`` and ``đông`` apart.

Each word or phrase is looked up in the folded words (accents optional), in the exact
words when it carries accents (exact forms rank first), in the stems of English
articles, and in the title (a boost). A word written as one (``vietnam``, ``hanoi``) also matches the
syllables written apart (``Việt Nam``, ``Hà Nội``) and the other way round.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any

from earlywarn.errors import SearchQueryError, UsageError
from earlywarn.search.analysis import has_marks, tokens

__all__ = ["Parsed", "Unit", "compile_query", "parse_query"]

#: Boosts, tuned on the tuning half of the relevance judgements (see earlywarn/search/eval).
EXACT_BOOST = 1.5
TITLE_BOOST = 2.0
PROXIMITY_BOOST = 1.5
PROXIMITY_SLOP = 2
MAX_UNITS = 24

_ITEM = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_SYLLABLE = re.compile(r"^[a-z]{1,7}$")


@dataclass(frozen=True)
class Unit:
    """A word, or a phrase (quoted by the analyst, or a multi-syllable word)."""

    text: str
    phrase: bool = False


@dataclass
class Parsed:
    """A parsed query: clauses that must match (each a list of OR alternatives),
    runs of adjacent plain words (for the proximity boost), and exclusions."""

    must: list[list[Unit]] = field(default_factory=list)
    runs: list[list[str]] = field(default_factory=list)
    must_not: list[Unit] = field(default_factory=list)

    @property
    def terms(self) -> list[str]:
        """Every word and phrase to highlight."""
        return [u.text for clause in self.must for u in clause]


def parse_query(query: str) -> Parsed:
    """Parse ``query`` into clauses.

    Examples
    --------
    >>> p = parse_query('"Biển Đông" tàu OR thuyền -du lịch')
    >>> [[u.text for u in c] for c in p.must]
    [['Biển Đông'], ['tàu', 'thuyền'], ['lịch']]
    >>> [u.text for u in p.must_not]
    ['du']
    >>> p.runs
    []
    >>> parse_query("rare earths Vietnam").runs
    [['rare', 'earths', 'Vietnam']]
    """
    query = unicodedata.normalize("NFC", query)
    parsed = Parsed()
    run: list[str] = []
    pending_or = False

    def close_run() -> None:
        if len(run) > 1:
            parsed.runs.append(list(run))
        run.clear()

    for m in _ITEM.finditer(query):
        neg, quoted, word = m.group(1), m.group(2), m.group(3)
        if word == "OR":
            pending_or = bool(parsed.must)
            if pending_or and run and parsed.must[-1][-1].text == run[-1]:
                run.pop()  # the word before OR leaves its run: it is one of two choices
            close_run()
            continue
        if quoted is not None:
            unit, unit_neg = Unit(quoted.strip(), phrase=True), bool(neg)
        elif word.startswith("-") and len(word) > 1:
            unit, unit_neg = Unit(word[1:]), True
        else:
            unit, unit_neg = Unit(word), False
        if not tokens(unit.text):
            continue
        if unit_neg:
            close_run()
            parsed.must_not.append(unit)
            pending_or = False
        elif pending_or:
            parsed.must[-1].append(unit)
            pending_or = False
        else:
            parsed.must.append([unit])
            if unit.phrase:
                close_run()
            else:
                run.append(unit.text)
    close_run()
    if len(parsed.must) + len(parsed.must_not) > MAX_UNITS:
        raise SearchQueryError(
            f"the query has {len(parsed.must) + len(parsed.must_not)} words or phrases; "
            f"use at most {MAX_UNITS}"
        )
    return parsed


def segment_runs(parsed: Parsed) -> Parsed:
    """Vietnamese word segmentation (underthesea) of plain words: multi-syllable words
    (``Biển Đông``, ``thỏa thuận``) become phrases that must match as such."""
    from underthesea import word_tokenize

    out = Parsed(runs=parsed.runs, must_not=parsed.must_not)
    singles = {c[0].text for c in parsed.must if len(c) == 1 and not c[0].phrase}
    merged: set[str] = set()
    phrases: list[list[Unit]] = []
    for run in parsed.runs:
        for w in word_tokenize(" ".join(run)):
            parts = w.split()
            if len(parts) > 1 and all(p in singles for p in parts):
                phrases.append([Unit(w, phrase=True)])
                merged.update(parts)
    out.must = phrases + [c for c in parsed.must if len(c) > 1 or c[0].text not in merged]
    return out


class _Compiler:
    def __init__(self, schema: Any, searcher: Any) -> None:
        import tantivy

        self.t = tantivy
        self.schema = schema
        self.searcher = searcher

    def _seq(self, fld: str, toks: list[str], slop: int = 0) -> Any:
        if len(toks) == 1:
            return self.t.Query.term_query(self.schema, fld, toks[0])
        words: list[str | tuple[int, str]] = list(toks)
        return self.t.Query.phrase_query(self.schema, fld, words, slop)

    def _df(self, tok: str) -> int:
        return int(self.searcher.doc_freq("fold", tok))

    def _splits(self, tok: str) -> list[list[str]]:
        """``vietnam`` -> [``viet``, ``nam``]: two syllables both in the index."""
        if not tok.isascii() or not 5 <= len(tok) <= 12:
            return []
        out = []
        for i in range(2, len(tok) - 1):
            left, right = tok[:i], tok[i:]
            if (
                _SYLLABLE.match(left)
                and _SYLLABLE.match(right)
                and self._df(left)
                and self._df(right)
            ):
                out.append([left, right])
        return out[:3]

    def unit(self, u: Unit) -> Any | None:
        Occur, Q = self.t.Occur, self.t.Query
        ftoks = tokens(u.text, "ew_fold")
        if not ftoks:
            return None
        stoks = tokens(u.text, "ew_stem")
        parts = [self._seq("fold", ftoks), Q.boost_query(self._seq("title", ftoks), TITLE_BOOST)]
        if stoks:
            parts.append(self._seq("stem", stoks))
        if has_marks(u.text):
            etoks = tokens(u.text, "ew_exact")
            parts.append(Q.boost_query(self._seq("exact", etoks), EXACT_BOOST))
        if len(ftoks) == 1:
            for split in self._splits(ftoks[0]):  # vietnam: viet nam
                parts.append(self._seq("fold", split))
        elif 1 < len(ftoks) <= 3 and all(_SYLLABLE.match(t) for t in ftoks):
            joined = "".join(ftoks)  # viet nam: vietnam (as English writes it)
            parts += [Q.term_query(self.schema, f, joined) for f in ("fold", "stem")]
        return Q.boolean_query([(Occur.Should, p) for p in parts])

    def any_field(self, text: str, slop: int = 0) -> Any | None:
        """``text`` as a word or phrase in the folded or the stemmed words."""
        ftoks, stoks = tokens(text, "ew_fold"), tokens(text, "ew_stem")
        if not ftoks or not stoks:
            return None
        return self.t.Query.boolean_query(
            [
                (self.t.Occur.Should, self._seq("fold", ftoks, slop)),
                (self.t.Occur.Should, self._seq("stem", stoks, slop)),
            ]
        )

    def run(self, words: list[str]) -> Any | None:
        if len([t for w in words for t in tokens(w, "ew_fold")]) < 2:
            return None
        q = self.any_field(" ".join(words), PROXIMITY_SLOP)
        return None if q is None else self.t.Query.boost_query(q, PROXIMITY_BOOST)


#: The dates the index holds (tantivy's, as pandas': nanoseconds since 1970 in 64 bits).
_FIRST_DAY = datetime(1677, 9, 22, tzinfo=timezone.utc)
_LAST_DAY = datetime(2262, 4, 10, tzinfo=timezone.utc)


def _bound(value: Any, end: bool = False) -> datetime | None:
    """The ``since`` (or, ``end``, ``until``) bound of a date filter, within the dates the
    index can hold: tantivy refused ``since=0001-01-01`` or ``until=9999-12-31`` with a
    ValueError (exit 70, a 500 on the review page). A since before them or an until after
    them is no bound (``None``); the other way round, the first or last of them.

    Examples
    --------
    >>> _bound("0001-01-01"), _bound("9999-12-31", end=True), _bound("2024-05-01").year
    (None, None, 2024)
    >>> _bound("3000-01-01").year, _bound("0001-01-01", end=True).year
    (2262, 1677)
    """
    d = _day(value, end)
    if (d < _FIRST_DAY and not end) or (d > _LAST_DAY and end):
        return None
    return min(max(d, _FIRST_DAY), _LAST_DAY)


def _day(value: Any, end: bool = False) -> datetime:
    try:
        if isinstance(value, datetime):
            d = value
        else:
            d = datetime.combine(
                value if isinstance(value, date) else date.fromisoformat(str(value)),
                datetime.max.time() if end else datetime.min.time(),
            )
    except ValueError:
        raise SearchQueryError(f"{value!r} is not a date; use YYYY-MM-DD") from None
    return d if d.tzinfo else d.replace(tzinfo=timezone.utc)


def _as_list(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return [str(v) for v in value]


def _country(value: str) -> str:
    """ISO3 code of a country filter given as a code (``VNM``, ``vn``) or a name
    (``Vietnam``, ``Việt Nam``); a name that matches no country is a SearchQueryError."""
    from earlywarn.focal import resolve_country

    try:
        return resolve_country(value, any_code=True)
    except UsageError as exc:
        raise SearchQueryError(str(exc)) from None


def filter_queries(schema: Any, filters: dict[str, Any]) -> list[Any]:
    """tantivy queries for the filters (each must match; they do not change scores)."""
    import tantivy

    Q = tantivy.Query
    out: list[Any] = []
    since, until = filters.get("since"), filters.get("until")
    if since is not None and until is not None and _day(since) > _day(until, end=True):
        raise SearchQueryError(  # no article can match: '0 articles' read as 'nothing found'
            f"since {since} is after until {until}, so no article can match; swap them"
        )
    lo = _bound(since) if since is not None else None
    hi = _bound(until, end=True) if until is not None else None
    if lo is not None or hi is not None:
        out.append(Q.range_query(schema, "published", tantivy.FieldType.Date, lo, hi))
    for key, fld, norm in (
        ("lang", "language", str.lower),
        ("country", "country", _country),
        ("outlet", "outlet", None),
        ("mentions", "mentioned", _country),
        ("story", "story", None),
    ):
        values = [norm(v) if norm else v for v in _as_list(filters.get(key))]
        if values:
            out.append(Q.term_set_query(schema, fld, values))
    if filters.get("has_events") is not None:
        out.append(Q.term_query(schema, "has_events", bool(filters["has_events"])))
    if not filters.get("duplicates"):
        out.append(Q.term_query(schema, "canonical", True))
    return out


def compile_query(
    parsed: Parsed,
    schema: Any,
    searcher: Any,
    filters: dict[str, Any] | None = None,
    *,
    proximity: bool = True,
) -> Any:
    """The tantivy query for a parsed query and filters (``proximity=False``: without the
    phrase boost of adjacent words, which only orders, for results sorted by date).

    Raises
    ------
    SearchError
        Nothing to search for (only exclusions and no filter).
    """
    import tantivy

    Occur, Q = tantivy.Occur, tantivy.Query
    if not parsed.must and not parsed.must_not:
        raise SearchQueryError("the query has no words to search for; type a word or a phrase")
    comp = _Compiler(schema, searcher)
    clauses: list[tuple[Any, Any]] = []
    for alternatives in parsed.must:
        qs = [q for q in (comp.unit(u) for u in alternatives) if q is not None]
        if qs:
            clauses.append(
                (
                    Occur.Must,
                    qs[0] if len(qs) == 1 else Q.boolean_query([(Occur.Should, q) for q in qs]),
                )
            )
    for run in parsed.runs if proximity else []:
        q = comp.run(run)
        if q is not None:
            clauses.append((Occur.Should, q))
    for u in parsed.must_not:
        q = comp.any_field(u.text)
        if q is not None:
            clauses.append((Occur.MustNot, q))
    fqs = filter_queries(schema, filters or {})
    clauses += [(Occur.Must, Q.const_score_query(q, 0.0)) for q in fqs]
    if not any(o == Occur.Must for o, _ in clauses):  # only exclusions
        clauses.append((Occur.Must, Q.const_score_query(Q.all_query(), 0.0)))
    return Q.boolean_query(clauses)
