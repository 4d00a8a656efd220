"""Language words the shallow (Vietnamese) coding rules rely on.

Examples
--------
>>> g = Grammar.vietnamese(news=True)
>>> "bị" in g.passive and "gặp gỡ" in g.reciprocal and g.news is not None
True
"""

from __future__ import annotations

from dataclasses import dataclass

from earlywarn.extract.coding.news import NewsRules

__all__ = ["Grammar"]


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


_RECIPROCAL_VI = (
    "gặp gặp_gỡ gặp_mặt hội_đàm hội_kiến điện_đàm thảo_luận đàm_phán thương_lượng ký ký_kết "
    "nhất_trí giao_tranh đụng_độ xung_đột"
)


@dataclass(frozen=True)
class Grammar:
    """Language words the shallow rules rely on."""

    boundaries: frozenset[str]
    conj: frozenset[str]
    determiners: frozenset[str]
    be_aux: frozenset[str]
    by: frozenset[str]
    passive: frozenset[str]
    negations: frozenset[str]
    window: int = 12

    news: NewsRules | None = None
    reciprocal: frozenset[str] = frozenset()

    @classmethod
    def vietnamese(cls, news: bool = False) -> Grammar:
        """Vietnamese words (syllables); ``news=True`` adds the real-news precision rules."""
        return cls(
            boundaries=frozenset(
                [
                    ".",
                    ";",
                    ":",
                    "?",
                    "!",
                    "sau_khi",
                    "trước_khi",
                    "vì",
                    "khi",
                    "nhưng",
                    "mà",
                    "nếu",
                    "do",
                ]
            ),
            conj=frozenset(["và", ",", "cùng", "với", "-", "–"]),
            determiners=frozenset(["cuộc", "vụ", "các", "những", "sự", "việc"]),
            be_aux=frozenset(),
            by=frozenset(),
            passive=frozenset(["bị"]),
            negations=frozenset(["không", "chưa", "chẳng"]),
            window=14,
            news=NewsRules.vietnamese() if news else None,
            reciprocal=frozenset(w.replace("_", " ") for w in _set(_RECIPROCAL_VI)),
        )
