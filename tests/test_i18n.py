"""The Vietnamese catalog: complete, current with the sources, compiled, shipped."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

import earlywarn
from earlywarn.i18n import LOCALES, format_number, format_when, translations

ROOT = Path(earlywarn.__file__).resolve().parent
LOCALE = ROOT / "locale"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "t": (2,), "_t": (2,), "tr": None}
_FIELD = re.compile(r"%\((\w+)\)[sd]")


def _key(mid: str | tuple[str, ...] | list[str]) -> str | tuple[str, ...]:
    return mid if isinstance(mid, str) else tuple(mid)


def _catalog(locale: str):  # type: ignore[no-untyped-def]
    with (LOCALE / locale / "LC_MESSAGES" / "earlywarn.po").open("rb") as fh:
        return read_po(fh, locale=locale)


def _extracted() -> set[str | tuple[str, ...]]:
    with (LOCALE / "babel.cfg").open(encoding="utf-8") as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    found: set[str | tuple[str, ...]] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        ROOT.parent, method_map, options_map, keywords=KEYWORDS
    ):
        found.add(message if isinstance(message, str) else tuple(message))
    return found


@pytest.mark.parametrize("locale", [loc for loc in LOCALES if loc != "en"])
def test_every_message_is_translated_and_the_mo_is_current(locale: str) -> None:
    catalog = _catalog(locale)
    ids = {m.id if isinstance(m.id, str) else tuple(m.id) for m in catalog if m.id}
    missing = _extracted() - ids
    assert not missing, (
        f"run the catalog update (earlywarn/locale/README.md): {sorted(missing, key=str)[:10]}"
    )
    for m in catalog:
        if not m.id:
            continue
        strings = [m.string] if isinstance(m.string, str) else list(m.string)
        assert all(s.strip() for s in strings), f"untranslated: {m.id!r}"
        assert not m.fuzzy, f"fuzzy: {m.id!r}"
        source = m.id if isinstance(m.id, str) else m.id[0]
        for s in strings:  # the same placeholders, or formatting fails at run time
            assert set(_FIELD.findall(s)) == set(_FIELD.findall(source)), m.id
            assert s != source or source.startswith("%("), f"not translated: {m.id!r}"
    with (LOCALE / locale / "LC_MESSAGES" / "earlywarn.mo").open("rb") as fh:
        shipped = {_key(m.id): _key(m.string) for m in read_mo(fh) if m.id}
    assert shipped == {_key(m.id): _key(m.string) for m in catalog if m.id}, (
        "earlywarn.mo is stale: pybabel compile -d earlywarn/locale -D earlywarn"
    )


def test_vietnamese_has_diacritics_and_formats() -> None:
    vi = translations("vi")
    assert vi.gettext("Acknowledge") == "Xác nhận đã tiếp nhận"
    assert vi.ngettext("%(num)d article matches", "%(num)d articles match", 3) % {"num": 3} == (
        "3 bài viết phù hợp"
    )
    assert translations("en").gettext("Acknowledge") == "Acknowledge"
    assert format_number(1234567.891, "vi") == "1.234.567,89"
    assert format_when("2018-09-26T04:30:00Z", "vi") == "04:30 26 thg 9, 2018 UTC"
    assert format_number(None, "vi") == format_when(None, "en") == ""
