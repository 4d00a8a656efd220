"""robots.txt read as RFC 9309 says (the syntax Google, Bing and most sites write to).

Python's ``urllib.robotparser`` predates the RFC: it takes the first rule whose path is a
prefix of the URL (so ``Allow: /`` above ``Disallow: /private`` allowed ``/private``),
reads ``*`` and ``$`` as plain characters (``Disallow: /*.xml$`` disallowed nothing), lost
a whole group behind a UTF-8 byte-order mark (``\\ufeffuser-agent`` is no field it knows)
and matched a group's user agent as a substring of ours. Here:

- groups: one or more ``user-agent`` lines, then their rules; every group naming our
  product token (case-insensitive, the name up to the first ``/`` or space) applies,
  merged; none: the ``*`` groups; rules before any ``user-agent`` line belong to none;
- a rule's path may hold ``*`` (any characters) and end in ``$`` (the end of the path);
- the longest matching rule decides (in octets of its pattern), ``allow`` winning a tie;
  no matching rule: allowed; an empty ``disallow`` allows everything;
- a byte-order mark, ``#`` comments, CR, LF or CRLF line ends and the case of the field
  names are tolerated; a path and a pattern are compared with their percent-encoding
  made the same (``/%70rivate`` is ``/private``).

>>> r = Robots.parse("User-agent: *\\nAllow: /\\nDisallow: /private\\n")
>>> r.allowed("earlywarn/0.1", "/private/a"), r.allowed("earlywarn/0.1", "/news")
(False, True)
>>> Robots.parse("User-agent: *\\nDisallow: /*.xml$").allowed("ew", "/feed.xml?x=1")
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import quote, unquote, urlsplit

__all__ = ["Robots", "product_token"]

#: characters left as they are when a path or pattern is normalised ('*' and '$' are the
#: pattern's own; the rest are the reserved characters of a path and query)
_SAFE = "/?&=;:@+,!~*'()$[]"


def product_token(user_agent: str) -> str:
    """The name a robots.txt group matches: ``earlywarn`` of ``earlywarn/0.1 (+https://...)``.

    >>> product_token("earlywarn/0.1 (+https://example.invalid/earlywarn)")
    'earlywarn'
    """
    return re.split(r"[/\s]", user_agent.strip(), maxsplit=1)[0].lower()


def _norm(text: str) -> str:
    return quote(unquote(text), safe=_SAFE)


@dataclass(frozen=True)
class _Rule:
    allow: bool
    pattern: str
    regex: re.Pattern[str]

    @classmethod
    def make(cls, allow: bool, path: str) -> _Rule:
        pattern = _norm(path)
        anchored = pattern.endswith("$")
        body = pattern[:-1] if anchored else pattern
        regex = ".*".join(re.escape(part) for part in body.split("*"))
        return cls(allow, pattern, re.compile(regex + ("\\Z" if anchored else "")))


@dataclass
class _Group:
    agents: list[str] = field(default_factory=list)
    rules: list[_Rule] = field(default_factory=list)


@dataclass(frozen=True)
class Robots:
    """The groups of one robots.txt; :meth:`allowed` answers for a user agent and path."""

    groups: tuple[_Group, ...]

    @classmethod
    def parse(cls, text: str) -> Robots:
        groups: list[_Group] = []
        current: _Group | None = None
        in_rules = False
        for raw in text.lstrip("\ufeff").splitlines():
            line = raw.split("#", 1)[0].strip()
            if ":" not in line:
                continue
            key, value = (part.strip() for part in line.split(":", 1))
            key = key.lower().replace(" ", "-")
            if key in ("user-agent", "useragent"):
                if current is None or in_rules:
                    current = _Group()
                    groups.append(current)
                    in_rules = False
                current.agents.append(product_token(value) if value != "*" else "*")
            elif key in ("allow", "disallow"):
                if current is None:
                    continue  # a rule before any user-agent line belongs to no group
                in_rules = True
                if value:  # an empty Disallow allows everything: no rule
                    current.rules.append(_Rule.make(key == "allow", value))
        return cls(tuple(groups))

    def allowed(self, user_agent: str, url: str) -> bool:
        """Whether ``user_agent`` may fetch ``url`` (a whole URL or a path with its query)."""
        parts = urlsplit(url)
        path = _norm((parts.path or "/") + (f"?{parts.query}" if parts.query else ""))
        if path == "/robots.txt":
            return True
        token = product_token(user_agent)
        rules = [r for g in self.groups if token in g.agents for r in g.rules]
        if not any(token in g.agents for g in self.groups):
            rules = [r for g in self.groups if "*" in g.agents for r in g.rules]
        best: _Rule | None = None
        for rule in rules:
            if rule.regex.match(path) is None:
                continue
            if (
                best is None
                or len(rule.pattern) > len(best.pattern)
                or (len(rule.pattern) == len(best.pattern) and rule.allow)
            ):
                best = rule
        return best is None or best.allow
