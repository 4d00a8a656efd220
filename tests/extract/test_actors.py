from __future__ import annotations

from pathlib import Path

import pandas as pd

from earlywarn.extract.actors import Gazetteer, Mention, extract_mentions
from earlywarn.io.shared import mds_articles
from earlywarn.schema import TABLES, validate

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"


def _vi_articles() -> pd.DataFrame:
    return mds_articles(DATA / "vietnamese_news")[["article_id", "title", "text", "language"]]

def test_find_english_and_vietnamese_forms() -> None:
    gz = Gazetteer.default()
    en = gz.find("Chinese and American diplomats met in Beijing with the ASEAN secretariat.", "en")
    assert [m.entity for m in en] == ["CHN", "USA", "CITY:CHN:beijing", "ORG:ASEAN"]
    vi = gz.find(
        "Tổng thống Hoa Kỳ gặp Chủ tịch Tập Cận Bình; Nhật Bản và Liên Hợp Quốc lên tiếng.", "vi"
    )
    assert [m.entity for m in vi] == ["USA", "PER:CHN:xi-jinping", "JPN", "ORG:UN"]
    assert all(isinstance(m, Mention) for m in vi)
    text = "Tổng thống Hoa Kỳ"
    m = gz.find(text, "vi")[0]
    assert text[m.start : m.end] == "Hoa Kỳ" and m.kind == "country"


def test_georgia_disambiguation() -> None:
    gz = Gazetteer.default()
    us = gz.find("Storms hit Atlanta, Georgia, and the governor declared an emergency.", "en")
    assert [m.entity for m in us][-1] == "PLACE:USA:georgia"
    assert us[-1].country == "USA"
    geo = gz.find("Georgia accused Russia of moving the border near Tbilisi.", "en")
    assert geo[0].entity == "GEO" and geo[0].kind == "country"


def test_lowercase_words_and_names_are_not_countries() -> None:
    gz = Gazetteer.default()
    assert gz.find("we ate turkey in china cups with us", "en") == []
    # 'Đức' inside a personal name is not Germany, 'Trung ương' is not China
    assert [m.entity for m in gz.find("Ông Nguyễn Minh Đức dự hội nghị Trung ương.", "vi")] == []


def test_extract_mentions_real_vietnamese_articles() -> None:
    arts = _vi_articles()
    out = extract_mentions(arts)
    assert list(out.columns) == list(TABLES["mentions"].columns)
    validate(out, "mentions")
    assert out["article_id"].nunique() >= 90
    cambodia = out[out["article_id"] == arts["article_id"].iloc[0]]
    assert {"KHM", "ORG:CNRP", "PER:KHM:hun-sen"} <= set(cambodia["entity"])
    assert (out["count"] >= 1).all()


def test_extract_mentions_empty() -> None:
    arts = pd.DataFrame(
        {"article_id": ["x"], "title": ["nothing here"], "text": [""], "language": ["en"]}
    )
    out = extract_mentions(arts)
    assert out.empty and list(out.columns) == list(TABLES["mentions"].columns)


def test_english_alias_inside_a_longer_name_is_no_mention() -> None:
    gz = Gazetteer.default()

    def names(text: str) -> list[str]:
        return [m.name for m in gz.find(text, "en")]

    # a capitalised word before the alias, or one hyphen-joined after it, makes a longer name
    assert names("An insurgent source told Agence France-Presse.") == []
    assert names("An aide on the National Security Council testified.") == [
        "US National Security Council"  # the US body (organisations.csv), not the UN's
    ]
    assert names("Tim Morrison, another aide, testified.") == []
    assert names("Unionists in Northern Ireland voted.") == []
    # titles, function words, days and other matches before the alias do not
    assert names("The UN Security Council met.") == ["UN Security Council"]
    assert names("On Monday China said that President Trump met Xi.") == [
        "China", "Donald Trump", "Xi Jinping"
    ]  # fmt: skip
    assert names("US-China talks resumed.") == ["United States", "China"]


def test_national_institutions_resolve_to_their_country() -> None:
    gz = Gazetteer.default()
    got = [(m.name, m.country) for m in gz.find(
        "House Democrats and the FBI questioned an aide, Downing Street said; the Knesset "
        "and the State Duma voted.", "en")]  # fmt: skip
    assert got == [
        ("Democratic Party (US)", "USA"), ("Federal Bureau of Investigation", "USA"),
        ("Downing Street", "GBR"),
        ("Knesset", "ISR"), ("State Duma", "RUS"),
    ]  # fmt: skip


def test_demonyms_of_every_country() -> None:
    # countryinfo's demonyms: not only the hand-written ones (Chinese, American ...)
    gz = Gazetteer.default()
    text = "Kenyan police, Swedish prosecutors and Ecuadorean diplomats met Somalis and Norwegians."
    assert [m.entity for m in gz.find(text, "en")] == ["KEN", "SWE", "ECU", "SOM", "NOR"]
    assert gz.find("a Channel Islander", "en") == []  # shared by Jersey and Guernsey: left out


def test_institutions_known_by_their_own_name() -> None:
    # organisations.csv's criterion (earlywarn/data/SOURCES.md): national bodies that name
    # no country, matched by their own name or acronym
    gz = Gazetteer.default()

    def found(text: str) -> list[tuple[str, str | None]]:
        return [(m.entity, m.country) for m in gz.find(text, "en")]

    # a tuning-half sentence of the news gold set (article abd9d629)
    assert found(
        "In August, CBP announced that it would not be vaccinating migrant families in its "
        "holding centers ahead of the flu season."
    ) == [("ORG:USCBP", "USA")]
    # a ScrapingHub article outside the gold set
    assert found(
        'That said, the DEA says that the southwestern border with Mexico "remains the primary '
        'entry point for heroin into the United States"'
    ) == [("ORG:USDEA", "USA"), ("MEX", "MEX"), ("USA", "USA")]
    # an acronym matches in its own case only: 'Ice' is a word, 'ICE' the agency
    assert found("Ice on the roads slowed ICE agents.") == [("ORG:USICE", "USA")]
    # the longest name wins over a shorter body's name inside it
    assert found("The Security Service of Ukraine and the Department of State Services met.") == [
        ("ORG:SBU", "UKR"), ("ORG:DSS", "NGA")
    ]  # fmt: skip
    # Hong Kong is HKG (coding rule 2), whatever other country the sentence names
    assert found("China criticised Hong Kong.") == [("CHN", "CHN"), ("HKG", "HKG")]


def test_organisations_csv_keeps_its_criterion() -> None:
    # one entity per alias, ISO3 countries, CAMEO types, and no all-capital acronym that is
    # also an English word except the two documented ones (matched in capitals only)
    import csv
    from importlib.resources import files

    import pycountry
    from lemminflect import getAllLemmas

    from earlywarn.extract.coding.text import words

    path = files("earlywarn.data").joinpath("gazetteer", "organisations.csv")
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    types = {"GOV", "LEG", "JUD", "MIL", "COP", "SPY", "MED", "PTY", "OPP", "REB", "UAF",
             "CRM", "IGO", "NGO"}  # fmt: skip
    owner: dict[tuple[str, ...], str] = {}
    for r in rows:
        assert r["type"] in types, r
        assert not r["country"] or pycountry.countries.get(alpha_3=r["country"]), r
        for alias in r["aliases"].split("|"):
            key = words(alias)
            assert owner.setdefault(key, r["entity"]) == r["entity"], (alias, owner[key])
            letters = [c for c in alias if c.isalpha()]
            if len(letters) >= 2 and all(c.isupper() for c in letters):
                assert alias in ("WHO", "ICE") or not getAllLemmas(alias.lower()), alias
    assert len(rows) >= 300


def test_kosovo_is_a_country_with_its_cities() -> None:
    """Kosovo (XK/XKX in GeoNames and CLDR; not in ISO 3166, so not in pycountry) is a country
    whose code the ICEWS importer and people.csv already use; before, it was no actor at all and
    *Kosovo police* took the sentence's other country (SRBCOP)."""
    from earlywarn.extract.events import EventCoder
    from earlywarn.io._countries import country_iso3

    gz = Gazetteer.default()
    # the CAMEO codebook's example for 011 (shared/data/event_coding/icews/cameo-codes.csv)
    text = (
        "NATO on Monday declined to comment on an estimate that Yugoslav army and special "
        "police troops in Kosovo were losing 90 to 100 dead per day in NATO air strikes."
    )
    assert ("XKX", "country") in [(m.entity, m.kind) for m in gz.find(text, "en")]
    assert [m.entity for m in gz.find("Talks in Pristina and Belgrade resumed.", "en")] == [
        "CITY:XKX:pristina", "CITY:SRB:belgrade"
    ]
    assert gz.find("Thủ tướng Kosovo thăm Hà Nội.", "vi")[0].entity == "XKX"
    assert country_iso3("Kosovo") == "XKX"
    coded = EventCoder().code_sentence("Kosovo police arrested Serbian officials in Pristina.")
    assert [(e.source_code, e.target_code) for e in coded] == [("XKXCOP", "SRBGOV")]
