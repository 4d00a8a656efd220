"""People in the gazetteer: bare surnames, dates, IGO officials, capitalisation.

Sentences are from real news (the English newspaper fixtures of shared/data and wire
reports); the rule tests build a two-person gazetteer so they test the rule, not the data.
"""

from __future__ import annotations

import csv
from datetime import date
from importlib.resources import files

from earlywarn.extract.actors import Gazetteer, NameMemory
from earlywarn.extract.coding.gazetteer_data import Entry, Term, context_surnames, is_bare
from earlywarn.extract.coding.resolve import GazetteerResolver, person_type
from earlywarn.extract.coding.text import tokenize
from earlywarn.extract.events import EventCoder

# businessweek.com1 (shared/data/article_extraction/newspaper): the full name, then 'Ghani'.
GHANI = (
    "The new president, Ashraf Ghani, is promising to bring order to procurement and "
    "contracting, but transparency may be difficult to achieve. Among Ghani’s first "
    "appointments was Hazrat Omar Zakhilwal, a finance minister under Karzai who was entangled "
    "in the country’s biggest banking scandal, among other controversies."
)


def _people(gz: Gazetteer, text: str, day: date | None = None) -> list[str]:
    return [m.entity for m in gz.find(text, "en", day) if m.kind == "person"]


def test_surname_resolves_after_the_full_name_only() -> None:
    gz = Gazetteer.default()
    assert _people(gz, GHANI) == [
        "PER:AFG:ashraf-ghani", "PER:AFG:ashraf-ghani", "PER:AFG:hamid-karzai",
    ]  # fmt: skip
    # the second sentence alone: 'Ghani' is no listed alias (a common name), so no person
    assert _people(gz, GHANI.split(". ", 1)[1]) == ["PER:AFG:hamid-karzai"]


def test_surname_memory_carries_across_sentences_of_a_document() -> None:
    gz = Gazetteer.default()
    first, second = GHANI.split(". ", 1)
    memory = NameMemory()
    assert _people_mem(gz, first, memory) == ["PER:AFG:ashraf-ghani"]
    assert _people_mem(gz, second, memory)[0] == "PER:AFG:ashraf-ghani"


def _people_mem(gz: Gazetteer, text: str, memory: NameMemory) -> list[str]:
    return [m.entity for m in gz.find(text, "en", None, memory) if m.kind == "person"]


def test_common_surnames_do_not_match_alone() -> None:
    gz = Gazetteer.default()
    # real sentences naming people who are not the leaders sharing their surname
    nba = "Schröder got a technical foul in the third quarter for confronting Davis."
    assert _people(gz, nba) == []
    assert _people(gz, "Johnson said the bill would pass the House on Friday.") == []
    assert _people(gz, "Khan told reporters in Lahore that the talks had failed.") == []
    assert _people(gz, "Prime Minister Boris Johnson said on Monday. Johnson added:") == [
        "PER:GBR:boris-johnson", "PER:GBR:boris-johnson",
    ]  # fmt: skip


def test_names_match_only_capitalised_tokens() -> None:
    gz = Gazetteer.default()
    assert _people(gz, "It was a gallant effort, and the truss held under the load.") == []
    assert _people(gz, "Defence Minister Yoav Gallant said Israel would respond.") == [
        "PER:ISR:yoav-gallant"
    ]


def _two(country_b: str, b_terms: tuple[Term, ...]) -> Gazetteer:
    """Two people sharing the listed bare alias 'Ramos' (and full names)."""
    a_terms = (Term("head of state", date(2010, 1, 1), date(2015, 1, 1)),)
    out = []
    for ent, cc, full, terms in (
        ("PER:AAA:ana-ramos", "PRT", "Ana Ramos", a_terms),
        ("PER:BBB:luis-ramos", country_b, "Luis Ramos", b_terms),
    ):
        for alias in (full, "Ramos"):
            out.append(Entry(alias, "*", ent, full, cc, "person", None, False, terms))
    return Gazetteer(out)


def test_shared_surname_rule() -> None:
    b_terms = (Term("head of state", date(2016, 1, 1), None),)
    gz = _two("ESP", b_terms)
    text = "Ramos said the talks would go on."
    # two countries: no day, or a day when neither or both serve, gives no mention
    assert _people(gz, text) == []
    assert _people(gz, text, date(2015, 6, 1)) == []
    # exactly one in office on the day: that one
    assert _people(gz, text, date(2012, 1, 1)) == ["PER:AAA:ana-ramos"]
    assert _people(gz, text, date(2020, 1, 1)) == ["PER:BBB:luis-ramos"]
    # the full name earlier in the text decides whatever the day
    assert _people(gz, "Luis Ramos arrived. Ramos said so.", date(2012, 1, 1)) == [
        "PER:BBB:luis-ramos", "PER:BBB:luis-ramos",
    ]  # fmt: skip
    # one country: the country is certain, the one in office on the day is chosen
    same = _two("PRT", b_terms)
    assert _people(same, text) != [] and _people(same, text, date(2020, 1, 1)) == [
        "PER:BBB:luis-ramos"
    ]


def test_full_name_of_two_countries_needs_a_day_or_a_named_country() -> None:
    gz = Gazetteer.default()
    text = "King Abdullah met Obama at the White House."
    assert _people(gz, text) == ["PER:USA:barack-obama"]  # Jordan's or Saudi Arabia's?
    assert _people(gz, text, date(2016, 1, 1))[0] == "PER:JOR:king-abdullah-ii"
    assert _people(gz, "Jordan's " + text)[0] == "PER:JOR:king-abdullah-ii"
    saudi = "Saudi Arabia's " + text
    assert _people(gz, saudi, date(2010, 1, 1))[0] == "PER:SAU:abdullah-bin-abdulaziz"


def test_person_type_by_role_and_day() -> None:
    terms = (
        Term("opposition leader", date(2020, 4, 4), date(2024, 7, 5)),
        Term("head of government", date(2024, 7, 5), None),
    )
    assert person_type(terms, date(2022, 1, 1)) == "OPP"
    assert person_type(terms, date(2025, 1, 1)) == "GOV"
    assert person_type(terms, date(2019, 1, 1)) == "ELI"
    assert person_type((Term("armed group leader", None, None),), None) == "REB"


def test_igo_officials_code_as_their_organisation() -> None:
    gz = Gazetteer.default()
    res = GazetteerResolver(gz, {})
    text = "NATO Secretary General Jens Stoltenberg warned Russia on Tuesday."
    spans, _ = res.spans(text, tokenize(text), "en", date(2019, 3, 1), lambda k: False)
    codes = [s.actor.code for s in spans]
    assert "IGONAT" in codes and "RUS" in codes
    person = next(s.actor for s in spans if s.actor.kind == "person")
    assert person.country is None and person.type == "IGO"
    # the same person before his NATO term: Norway's prime minister
    spans, _ = res.spans(text, tokenize(text), "en", date(2010, 3, 1), lambda k: False)
    assert "NORGOV" in [s.actor.code for s in spans]


def test_events_between_leaders_named_only_by_the_gazetteer() -> None:
    # UD English-EWT weblog dakbangla 2004-10-16 (real sentences; neither country is named)
    coder = EventCoder()
    got = coder.code_sentences(
        [
            "Western and Afghan diplomats intimately involved with the meeting, said Bush "
            "pushed Musharraf hard on reigning in the Taliban so the elections could take place "
            "peacefully.",
            "Karzai categorically said that he has assured Musharraf repeatedly that any "
            "adverse action against Pakistan taken by Indian diplomats inside Afghanistan would "
            "be acted upon swiftly.",
        ],
        "en",
        date=date(2004, 10, 16),
    )
    assert ("USAGOV", "PAKGOV", "10") in {
        (e.source_code, e.target_code, e.code[:2]) for e in got[0]
    }
    assert ("AFGGOV", "PAKGOV", "03") in {
        (e.source_code, e.target_code, e.code[:2]) for e in got[1]
    }


def test_surname_helpers() -> None:
    assert is_bare("Assad") and is_bare("al-Assad") and not is_bare("Bashar al-Assad")
    assert context_surnames("Boris Johnson", "GBR") == {"Johnson"}
    assert context_surnames("Xi Jinping", "CHN") == {"Xi"}
    assert context_surnames("Nguyễn Phú Trọng", "VNM") == set()  # given names, common words
    assert context_surnames("Tedros", None) == set()


def test_people_csv_is_well_formed() -> None:
    path = files("earlywarn.data").joinpath("gazetteer", "people.csv")
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len({r["entity"] for r in rows}) > 1000
    names: dict[str, str] = {}
    for r in rows:
        start = date.fromisoformat(r["start"]) if r["start"] else None
        end = date.fromisoformat(r["end"]) if r["end"] else None
        assert start is None or end is None or start < end, r
        assert r["name"] in r["aliases"].split("|") or r["aliases"], r
        ent = r["entity"].split(":")
        assert ent[0] == "PER" and (
            ent[1] == r["country"] or (not r["country"] and ent[1][:4] in ("IGO-", "NGO-"))
        ), r
        # one entity, one person: the same entity never carries two names of two countries
        assert names.setdefault(r["entity"], r["country"]) == r["country"], r
