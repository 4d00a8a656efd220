"""ACLED and UCDP GED importers on SYNTHETIC files in the published codebook layouts.

No real ACLED/UCDP records are in shared/data; the rows below are made up, only the
column layouts follow the ACLED (2023) and UCDP GED (23.1) codebooks.
"""

from __future__ import annotations

from pathlib import Path

from earlywarn.io import read_acled, read_ucdp
from earlywarn.schema import TABLES, validate

ACLED = (
    "data_id,iso,event_id_cnty,event_id_no_cnty,event_date,year,time_precision,disorder_type,event_type,"
    "sub_event_type,actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,"
    "region,country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,notes,"
    "fatalities,tags,timestamp\n"
    "1,887,YEM1001,1001,2015-03-26,2015,1,Political violence,Explosions/Remote violence,Air/drone strike,"
    "Military Forces of Saudi Arabia (2015-),,8,Houthis,,2,28,,Middle East,Yemen,Amanat al Asimah,Sanaa,,"
    'Sanaa,15.3547,44.2066,1,"Reuters; Saba",International,"Air strikes hit Sanaa,\nseveral sites",12,,1618000000\n'
    "2,887,YEM1002,1002,2015-03-27,2015,1,Demonstrations,Protests,Peaceful protest,Protesters (Yemen),,6,,,0,60,,"
    "Middle East,Yemen,Taizz,Taizz,,Taizz,13.5795,44.0209,1,Al Masirah,National,Protest against strikes,0,,1618000000\n"
    "3,887,YEM1003,1003,2015-03-28,2015,1,Strategic developments,Strategic developments,Headquarters or base "
    "established,Houthis,,2,,,0,20,,Middle East,Yemen,Aden,Aden,,Aden,12.7794,45.0367,1,Aden Al Ghad,Subnational,"
    "Base,0,,1618000000\n"
    "4,887,YEM1004,1004,not a date,2015,1,Political violence,Battles,Armed clash,Houthis,,2,AQAP,,2,22,,"
    "Middle East,Yemen,Abyan,Zinjibar,,Zinjibar,13.1286,45.3806,1,Xinhua,International,Clash,3,,1618000000\n"
)

UCDP = (
    "id,relid,year,active_year,code_status,type_of_violence,conflict_dset_id,conflict_new_id,conflict_name,"
    "dyad_dset_id,dyad_new_id,dyad_name,side_a_dset_id,side_a_new_id,side_a,side_b_dset_id,side_b_new_id,side_b,"
    "number_of_sources,source_article,source_office,source_date,source_headline,source_original,where_prec,"
    "where_coordinates,where_description,adm_1,adm_2,latitude,longitude,geom_wkt,priogrid_gid,country,country_id,"
    "region,event_clarity,date_prec,date_start,date_end,deaths_a,deaths_b,deaths_civilians,deaths_unknown,best,"
    "high,low,gwnoa,gwnob\n"
    "900001,YEM-2015-1-1,2015,TRUE,Clear,1,881,881,Yemen (North Yemen):Government,935,935,Government of Yemen "
    "(North Yemen) - Forces of Abdul Malik al-Houthi,123,123,Government of Yemen (North Yemen),1091,1091,"
    'Forces of Abdul Malik al-Houthi,2,"Reuters,2015-03-27",,,"Fighting in Aden",,1,Aden,Aden city,Aden governorate,'
    ",12.7794,45.0367,POINT (45.0367 12.7794),121000,Yemen (North Yemen),678,Middle East,1,1,2015-03-27 00:00:00.000,"
    "2015-03-27 00:00:00.000,2,3,0,0,5,7,5,678,\n"
    "900002,YEM-2015-3-1,2015,TRUE,Clear,3,1,1,AQAP - Civilians,2,2,AQAP - Civilians,3,3,AQAP,1,1,Civilians,1,"
    "x,,,Bomb,,1,Mukalla,Mukalla,Hadramawt governorate,,14.5425,49.1242,POINT (49.1 14.5),1,"
    "Yemen (North Yemen),678,Middle East,1,1,2015-04-02 00:00:00.000,2015-04-02 00:00:00.000,0,0,4,0,4,4,4,,\n"
    "900003,YEM-2015-9-1,2015,TRUE,Clear,9,1,1,x,2,2,x,3,3,A,1,1,B,1,x,,,x,,1,x,x,x,,1,1,x,1,Yemen (North Yemen),"
    "678,Middle East,1,1,2015-04-03 00:00:00.000,2015-04-03 00:00:00.000,0,0,0,0,0,0,0,,\n"
)


def test_acled(tmp_path: Path) -> None:
    p = tmp_path / "acled.csv"
    p.write_text(ACLED, encoding="utf-8")
    ev, r = read_acled(p)
    assert (r.rows_read, r.rows_kept) == (4, 2)
    assert r.reasons == {"no_cameo_equivalent": 1, "bad_date": 1}
    assert ev.cameo_code.tolist() == ["195", "141"] and ev.quad_class.tolist() == [4, 3]
    assert ev.location_country.tolist() == ["YEM", "YEM"] and ev.num_sources.tolist() == [2, 1]
    assert "several sites" in ev.sentence[0]  # quoted newline kept
    assert list(ev.columns) == list(TABLES["events"].columns)
    validate(ev, "events")


def test_ucdp(tmp_path: Path) -> None:
    p = tmp_path / "ged.csv"
    p.write_text(UCDP, encoding="utf-8")
    ev, r = read_ucdp(p)
    assert (r.rows_read, r.rows_kept, r.reasons) == (3, 2, {"unknown_type_of_violence": 1})
    first = ev.iloc[0]
    assert (first.event_id, first.source_country, first.source_type, first.cameo_code) == (
        "ucdp:900001",
        "YEM",
        "GOV",
        "190",
    )
    assert ev.iloc[1].cameo_code == "180" and ev.iloc[1].target_country is None
    assert ev.goldstein.tolist() == [-10.0, -9.0] and ev.location_country.tolist() == ["YEM", "YEM"]
    validate(ev, "events")


def test_dates_as_spreadsheets_write_them(tmp_path: Path) -> None:
    """An export re-saved by a spreadsheet: day-first or month-first dates (the order learnt
    from the file), Excel serial numbers; dates that read both ways before the file shows
    its order are rejected as ambiguous_date, never guessed (issue 14)."""
    head, *rows = ACLED.splitlines(keepends=True)
    body = "".join(rows)

    def read(dates: list[str], name: str) -> tuple[list[str], dict[str, int]]:
        text = body
        for old, new in zip(["2015-03-26", "2015-03-27", "2015-03-28"], dates, strict=True):
            text = text.replace(old, new, 1)
        p = tmp_path / name
        p.write_text(head + text, encoding="utf-8")
        ev, r = read_acled(p)
        return ev["date"].dt.strftime("%Y-%m-%d").tolist(), r.reasons

    # day first (26/03), month first (03/27), Excel serials (42089 = 2015-03-26)
    assert read(["26/03/2015", "02/03/2015", "x"], "dmy.csv")[0] == ["2015-03-26", "2015-03-02"]
    assert read(["3/26/2015", "3/2/2015", "x"], "mdy.csv")[0] == ["2015-03-26", "2015-03-02"]
    assert read(["42089", "42090.0", "x"], "xl.csv")[0] == ["2015-03-26", "2015-03-27"]
    dates, reasons = read(["02/03/2015", "03/03/2015", "x"], "ambiguous.csv")
    assert dates == ["2015-03-03"] and reasons["ambiguous_date"] == 1  # 03/03 reads one way
