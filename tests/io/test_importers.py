"""Importers on the real samples in shared/data: exact counts and distributions."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from earlywarn.errors import ImportFormatError
from earlywarn.io import (
    ImportReport,
    import_file,
    read_counts,
    read_gdelt_events,
    read_gdelt_gkg,
    read_icews,
)
from earlywarn.io.gdelt import iter_gdelt_events
from earlywarn.schema import TABLES, validate
from earlywarn.store import Archive

ICEWS = "icews/icews18_renet_valid_test_2018-08-29_2018-10-31.tsv.gz"
EVENT_COLS = list(TABLES["events"].columns)


def _check_report(r: ImportReport) -> None:
    assert r.rows_read == r.rows_kept + r.rows_rejected
    assert sum(r.reasons.values()) == r.rows_rejected


def test_icews_extract_exact(shared_data: Path) -> None:
    ev, r = read_icews(shared_data / ICEWS)
    assert list(ev.columns) == EVENT_COLS
    assert (r.rows_read, r.rows_kept, r.rows_rejected) == (95_540, 95_540, 0)
    assert ev.quad_class.value_counts().to_dict() == {1: 64_667, 2: 3_456, 3: 15_047, 4: 12_370}
    assert ev.event_id.is_unique and ev.event_id.str.startswith("icews:").all()
    assert ev.date.min() == pd.Timestamp("2018-08-29") and ev.date.max() == pd.Timestamp(
        "2018-10-31"
    )
    assert ev.cameo_code.str.len().ge(2).all() and (ev.cameo_code.str[:2] == ev.root_code).all()
    # countries from affiliations: India dominates; "Police (India)" -> IND/COP
    row = ev[ev.source_name == "Police (India)"].iloc[0]
    assert (row.source_country, row.source_type) == ("IND", "COP")
    either = {
        c: int((ev.source_country == c).sum() + (ev.target_country == c).sum())
        for c in ("IND", "USA", "RUS", "CHN")
    }
    assert either == {
        "IND": 29_212,
        "USA": 5_818,
        "RUS": 5_616,
        "CHN": 4_919,
    }  # the README's affiliation counts
    assert ev.goldstein.notna().all() and ev.origin.eq("icews").all()
    # ids are stable across reads
    ev2, _ = read_icews(shared_data / ICEWS)
    assert ev2.event_id.tolist()[:100] == ev.event_id.tolist()[:100]
    validate(ev, "events")


def test_icews_raw_layout(tmp_path: Path) -> None:
    header = (
        "Event ID\tEvent Date\tSource Name\tSource Sectors\tSource Country\tEvent Text\tCAMEO Code\t"
        "Intensity\tTarget Name\tTarget Sectors\tTarget Country\tStory ID\tSentence Number\tPublisher\t"
        "City\tDistrict\tProvince\tCountry\tLatitude\tLongitude"
    )
    rows = [
        "926685\t1995-01-01\tExtremist (Russia)\tRadicals,Extremists\tRussian Federation\tPraise or endorse\t051\t"
        "3.4\tBoris Yeltsin\tElite,Executive,Government\tRussian Federation\t28235806\t5\tThe Toronto Star\t"
        "Moscow\t\tMoskva\tRussian Federation\t55.7522\t37.6156",
        "926687\t1995-01-01\tGovernment (Bosnia and Herzegovina)\tGovernment\tBosnia and Herzegovina\t"
        "Express intent to cooperate\t030\t4\tCitizen (Serbia)\tGeneral Population / Civilian / Social\tSerbia\t"
        "28235807\t2\tThe Toronto Star\t\t\tFederacija Bosne i Hercegovine\tBosnia and Herzegovina\t43.5\t18",
        "926688\t1995-13-01\tX\t\tSerbia\tMake statement\t010\t0\tY\t\tSerbia\t1\t1\tP\t\t\t\tSerbia\t\t",
    ]
    p = tmp_path / "events.1995.tab"
    p.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    ev, r = read_icews(p)
    assert (r.rows_read, r.rows_kept, r.reasons) == (3, 2, {"bad_date": 1})
    first = ev.iloc[0]
    assert (
        first.event_id == "icews:926685"
        and first.source_country == "RUS"
        and first.goldstein == 3.4
    )
    assert first.location_country == "RUS" and first.lat == pytest.approx(55.7522)
    assert ev.iloc[1].source_type == "GOV" and ev.iloc[1].target_country == "SRB"
    assert ev.quad_class.tolist() == [1, 1]


def test_gdelt_v1_daily(shared_data: Path) -> None:
    ev, r = read_gdelt_events(shared_data / "gdelt/events_v1_daily_20170912_sample.tsv")
    assert (r.rows_read, r.rows_kept, r.rows_rejected) == (10, 10, 0)
    assert "layout v1" in r.notes
    assert ev.event_id.iloc[0] == "gdelt:688668841"
    assert ev.quad_class.value_counts().to_dict() == {1: 8, 3: 2}
    assert ev.url.str.startswith("http").all() and ev.num_mentions.notna().all()
    assert ev.location_country.iloc[0] == "USA"  # FIPS US -> ISO3
    validate(ev, "events")


def test_gdelt_reduced_historical(shared_data: Path) -> None:
    ev, r = read_gdelt_events(shared_data / "gdelt/events_v1_reduced_historical_1979_sample.tsv")
    assert (r.rows_read, r.rows_kept, r.rows_rejected) == (999, 999, 0)
    assert ev.quad_class.value_counts().to_dict() == {1: 654, 4: 148, 3: 114, 2: 83}
    assert (ev.date == pd.Timestamp("1979-01-01")).sum() + (
        ev.date > pd.Timestamp("1979-01-01")
    ).sum() == 999
    pse = ev[ev.target_name == "PSEEDU"].iloc[0]
    assert (pse.target_country, pse.target_type) == ("PSE", "EDU")
    chl = ev[ev.source_name == "CHLGOVLAB"].iloc[0]
    assert (chl.source_country, chl.source_type) == ("CHL", "GOV")


def test_gdelt_v2_layout(shared_data: Path, tmp_path: Path) -> None:
    """A 2.0 export: the real 1.0 rows with the three ADM2 columns inserted (61 fields)."""
    lines = (shared_data / "gdelt/events_v1_daily_20170912_sample.tsv").read_text().splitlines()
    out = []
    for line in lines:
        f = line.split("\t")
        f.insert(39, "")  # Actor1Geo_ADM2Code after Actor1Geo_ADM1Code (index 38)
        f.insert(47, "")
        f.insert(55, "")
        f[59] = f[59] + "120000"  # DATEADDED YYYYMMDDHHMMSS
        out.append("\t".join(f))
    p = tmp_path / "v2.export.CSV"
    p.write_text("\n".join(out) + "\n")
    ev, r = read_gdelt_events(p)
    assert "layout v2" in r.notes and r.rows_kept == 10
    v1, _ = read_gdelt_events(shared_data / "gdelt/events_v1_daily_20170912_sample.tsv")
    pd.testing.assert_frame_equal(ev, v1)


def test_gdelt_chunks_match_whole(shared_data: Path) -> None:
    path = shared_data / "gdelt/events_v1_reduced_historical_1979_sample.tsv"
    report = ImportReport("gdelt", str(path))
    chunks = list(iter_gdelt_events(path, report, block_bytes=4096))
    assert len(chunks) > 5
    whole, _ = read_gdelt_events(path)
    assert sorted(pd.concat(chunks).event_id) == sorted(whole.event_id)


def test_counts_both_layouts_agree(shared_data: Path) -> None:
    raw, r1 = read_counts(shared_data / "event_counts/YEM_gdelt_monthly_by_eventcode_raw.csv")
    long, r2 = read_counts(shared_data / "event_counts/YEM_gdelt_monthly_long.csv")
    assert (r1.rows_read, r1.rows_kept, r2.rows_read, r2.rows_kept) == (9_226, 9_226, 1_596, 1_596)
    assert list(raw.columns) == list(long.columns) == list(TABLES["counts"].columns)
    assert len(raw) == len(long) == 21 * 76
    m = raw.merge(long, on=["unique_id", "ds"])
    assert len(m) == 1_596 and (m.y_x == m.y_y).all()
    total = long[long.unique_id == "YEM:total"].set_index("ds").y
    assert total.idxmax() == pd.Timestamp("2015-04-01")


def test_gkg(shared_data: Path) -> None:
    g, r = read_gdelt_gkg(shared_data / "gdelt/gkg_v2_sample_20200222.csv.gz")
    assert (r.rows_read, r.rows_kept) == (199, 199)
    assert g.gkg_id.is_unique and g.date.dt.tz is not None
    assert g.tone.notna().all() and g.themes.map(len).gt(0).mean() > 0.85
    assert g.countries.map(len).gt(0).mean() > 0.5


def test_import_file_dispatch_and_archive(shared_data: Path, tmp_path: Path) -> None:
    ev, _ = import_file("gdelt", shared_data / "gdelt/events_v1_reduced_historical_1979_sample.tsv")
    counts, _ = import_file("counts", shared_data / "event_counts/YEM_gdelt_monthly_long.csv")
    with Archive(tmp_path / "a.duckdb") as archive:
        assert archive.upsert("events", ev) == 999
        assert archive.upsert("counts", counts) == 1_596
        assert archive.upsert("events", ev) == 999 and archive.count("events") == 999
    with pytest.raises(ImportFormatError, match="unknown import kind"):
        import_file("nope", shared_data / ICEWS)


def test_icews_iso_style_affiliations_get_their_country(shared_data: Path) -> None:
    """ISO 3166-1's inverted and parenthesised names resolve as their plain forms.

    ICEWS writes "Palestinian Territory, Occupied" (ISO's name until 2013) and "Vatican City State"
    (from ISO's "Holy See (Vatican City State)"); before, these 1,187 mentions had no country.
    """
    from earlywarn.io._countries import country_iso3

    assert country_iso3("Korea, Republic of") == country_iso3("Republic of Korea") == "KOR"
    assert country_iso3("Malvinas") == "FLK" and country_iso3("French part") is None
    assert country_iso3("Police (Palestinian Territory, Occupied)") == "PSE"
    raw = pd.read_csv(shared_data / ICEWS, sep="\t", dtype=str)
    ev, _ = read_icews(shared_data / ICEWS)
    for name, iso3, mentions in (
        ("Palestinian Territory, Occupied", "PSE", 899),
        ("Vatican City State", "VAT", 288),
    ):
        src, tgt = raw.source_affiliation.eq(name), raw.target_affiliation.eq(name)
        assert int(src.sum() + tgt.sum()) == mentions
        assert ev.source_country[src].eq(iso3).all() and ev.target_country[tgt].eq(iso3).all()
