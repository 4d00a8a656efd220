"""Every series id kind, country, CAMEO code and dataset reads as words (earlywarn.labels)."""

from __future__ import annotations

import pandas as pd
import pytest

from earlywarn import labels


@pytest.mark.parametrize(
    ("uid", "freq", "expected"),
    [
        ("ev:SYR:q4", "D", "Fighting in Syria (events per day)"),
        ("ev:SYR:q1", "D", "Cooperative statements involving Syria (events per day)"),
        ("ev:VNM", "W", "Events involving Vietnam (events per week)"),
        ("ev:YEM:r14", "D", "Protests in Yemen (events per day)"),
        ("ev:ALL", "D", "All events (events per day)"),
        ("dyad:CHN>VNM", "D", "Events from China towards Vietnam (events per day)"),
        ("cov:VNM", "D", "News coverage of Vietnam (articles per day)"),
        ("cov:ALL", "D", "All collected articles (articles per day)"),
        ("tone:VNM", "D", "Tone of news about Vietnam (mean tone of articles, -1 to 1, per day)"),
        ("net:USA", "D", "Counterparts of United States (distinct countries in events per day)"),
        ("YEM:root19", "MS", "Armed fighting in Yemen (events per month)"),
        ("YEM:total", "MS", "Events involving Yemen (events per month)"),
        # deaths, not events: an alert read "Niger: ucdp_fatalities (events per month)"
        ("YEM:fatalities", "MS", "Yemen: fatalities (deaths per month)"),
        ("MLI:ucdp_fatalities", "MS", "Mali: ucdp_fatalities (deaths per month)"),
        ("MLI:pv_events", "MS", "Mali: pv_events (events per month)"),
    ],
)
def test_series_ids_in_words(uid: str, freq: str, expected: str) -> None:
    assert labels.series_label(uid, freq) == expected
    assert ":" not in labels.series_title(uid) or uid.endswith(("fatalities", "pv_events"))


def test_vietnamese_country_names() -> None:
    assert labels.series_title("ev:CHN:r14", "vi") == "Biểu tình tại Trung Quốc"
    assert labels.series_label("tone:VNM", "W", "vi") == (
        "Sắc thái tin tức về Việt Nam (sắc thái trung bình của bài viết, từ -1 đến 1, mỗi tuần)"
    )
    assert labels.rarity(3.0, "MS", locale="vi") == "khoảng 1 lần trong 1.000 tháng"
    assert labels.country_label("USA", "vi") == "Hoa Kỳ (USA)"
    assert labels.language_name("vi", "vi") == "Tiếng Việt"


def test_every_cameo_code_has_a_name() -> None:
    from earlywarn.extract.cameo import cameo_table

    codes = cameo_table()["code"]
    assert len(codes) > 300 and all(labels.cameo_name(c) for c in codes)
    assert labels.cameo_label("0831") == "0831 Accede to demands for change in leadership"


def test_every_cameo_code_has_a_vietnamese_name() -> None:
    import csv
    import unicodedata
    from importlib.resources import files

    from earlywarn.extract.cameo import cameo_table

    codes = [str(c) for c in cameo_table()["code"]]
    with files("earlywarn.data").joinpath("cameo_vi.csv").open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["code", "name_vi"] and all(len(r) == 2 for r in rows)
    vi = {code: name for code, name in rows[1:]}
    assert len(vi) == len(rows) - 1 and set(vi) == set(codes)  # no duplicates, none missing
    for code in codes:
        name = labels.cameo_name(code, "vi")
        assert name and name != labels.cameo_name(code), code
        assert unicodedata.normalize("NFC", name) == name and name[0].isupper(), code
    assert labels.cameo_label("190", "vi") == "190 Sử dụng vũ lực quân sự quy ước"
    assert labels.cameo_label("1823", "vi") == "1823 Giết người bằng hành vi tấn công thân thể"
    assert labels.cameo_label("14", "vi") == "14 Biểu tình"
    # a code the Vietnamese file lacks keeps its English name; unknown codes stay codes
    assert labels.cameo_name("999", "vi") == "" and labels.cameo_label("999", "vi") == "999"


def test_alert_title_in_vietnamese_from_rule_and_series() -> None:
    row = {"rule": "protest-surge", "unique_id": "ev:VNM:r14", "title": "Protest surge in Vietnam"}
    assert labels.alert_title(row) == "Protest surge in Vietnam"  # the stored English title
    assert labels.alert_title(row, "vi") == "Biểu tình tại Việt Nam; quy tắc protest-surge"
    dyad = {"rule": "tension", "unique_id": "dyad:CHN>VNM", "title": "Tension between ..."}
    assert labels.alert_title(dyad, "vi") == (
        "Sự kiện do Trung Quốc hướng tới Việt Nam; quy tắc tension"
    )
    assert labels.alert_title({"title": None}, "vi") == ""


@pytest.mark.parametrize(
    ("score", "kind", "expected"),
    [
        (3.0, "neglog10p", "about 1 in 1,000 months"),
        (1.0, "neglog10p", "about 1 in 10 months"),
        (6.5, "neglog10p", "less than 1 in a million months"),
        (2.0, "z", "about 1 in 40 months"),
    ],
)
def test_rarity_in_plain_words(score: float, kind: str, expected: str) -> None:
    assert labels.rarity(score, "MS", kind) == expected


def test_imported_evidence_names_its_dataset() -> None:
    assert [labels.dataset_label(o) for o in ("icews", "gdelt", "acled", "ucdp", "coder")] == [
        "ICEWS",
        "GDELT",
        "ACLED",
        "UCDP GED",
        "news (coded by earlywarn)",
    ]


def test_event_codes_carry_their_plover_type_in_both_languages() -> None:
    from earlywarn.extract.plover import PLOVER_TYPES
    from earlywarn.labels import PLOVER_NAMES, event_code_label

    assert set(PLOVER_NAMES) == set(PLOVER_TYPES)
    assert event_code_label("190") == "190 Use conventional military force · PLOVER Assault"
    vi = event_code_label("1823", "vi")
    assert vi.startswith("1823 Giết người") and vi.endswith("PLOVER Tấn công")
    assert event_code_label("010") == "010 Make statement"


def test_alert_reason_agrees_in_number_with_the_expected_value() -> None:
    """'where 1 were expected' read wrong: the verb follows the number as shown."""
    from earlywarn.labels import alert_reason

    def reason(expected: float, locale: str = "en") -> str:
        ev = {"unique_id": "ev:SYR:q4", "freq": "D",
              "anomaly": {"ds": "2018-10-30", "y": 9.0, "expected": expected}}  # fmt: skip
        return alert_reason(ev, locale=locale)

    assert " where 1 was expected." in reason(1.02)
    assert " where 1.3 were expected." in reason(1.26) and " where 0 were expected." in reason(0)
    assert reason(1.0, "vi").endswith(", trong khi mức dự kiến là 1.")


def test_network_hover_agrees_in_number(icews_events: pd.DataFrame) -> None:
    """The ego figure's hover read '1 events, 0 articles with Laos'."""
    import json
    import re

    from earlywarn.network import ego_figure, event_edges

    edges = event_edges(icews_events, "2018-09-30", "30D")
    hovers = json.loads(ego_figure(edges, "LAO", locale="en", top=25))["data"][1]["hovertext"]
    assert any(">1 event, 0 articles with Laos" in h for h in hovers)
    assert not any(re.search(r"\b1 (events|articles)\b", h) for h in hovers)


def test_low_pickup_reason_agrees_in_number() -> None:
    """The pickup alert's reason read '1 article(s) carried the official statement'."""
    from earlywarn.labels import alert_reason

    def reason(n: int, locale: str = "en") -> str:
        ev = {"unique_id": "cov:VNM", "n_articles": n, "n_foreign": 0}
        return alert_reason(ev, "low-pickup", locale)

    assert reason(1).startswith("1 article carried the official statement in the three days")
    assert reason(0).startswith("0 articles carried") and reason(3).startswith("3 articles ")
    assert "(s)" not in reason(1) + reason(2)
    assert reason(1, "vi").startswith("1 bài viết đăng lại tuyên bố chính thức")


def test_alert_reason_does_not_read_flagged_periods_as_the_episode_length() -> None:
    """'since 2018-10-04 (13 days)' on 2018-10-23: 13 was the number of unusual days in an
    episode of 20 (quiet days inside an episode do not end it), read as its length."""
    from earlywarn.labels import alert_reason

    ev = {"unique_id": "dyad:TUR>SAU", "freq": "D",
          "anomaly": {"ds": "2018-10-23T00:00:00", "y": 16.0, "expected": 4.0},
          "episode": {"start": "2018-10-04T00:00:00", "end": "2018-10-23T00:00:00",
                      "periods": 13}}  # fmt: skip
    text = alert_reason(ev, "dyad-conflict")
    assert text.endswith("; rule dyad-conflict since 2018-10-04 (unusual in 13 of 20 days)."), text
    vi = alert_reason(ev, "dyad-conflict", locale="vi")
    assert vi.endswith("(bất thường 13 trong 20 ngày)."), vi
    ev["episode"] = {"start": "2018-10-21T00:00:00", "end": "2018-10-23T00:00:00", "periods": 3}
    assert alert_reason(ev, "dyad-conflict").endswith("since 2018-10-21 (3 days).")
