"""Every figure of the published report comes out of the sample graph through a named query.

The figures are those of "Existing 'Nowhere'" (Transitional Justice Working Group, 2024), listed in
REPORT-FIGURES.md; the people in the sample are invented, the aggregates are the report's.
"""

from __future__ import annotations

import pytest
from edkg import queries
from edkg.store import StoreDir

VOCAB = "https://w3id.org/edkg/vocab/"


@pytest.fixture(scope="module")
def run(sample_store):
    store = StoreDir(sample_store).current().open("public")

    def run_query(name: str, **values: str) -> list[dict]:
        solutions = queries.run(store, queries.get(name), values)
        names = [v.value for v in solutions.variables]
        return [
            {n: (row[n].value if row[n] is not None else None) for n in names} for row in solutions
        ]

    return run_query


def _by(rows, key, value="victims"):
    return {row[key]: int(row[value]) for row in rows}


def test_interviewees_cases_and_victims(run):
    totals = run("totals")[0]
    assert int(totals["sources"]) == 62
    assert int(totals["withdrawnSources"]) == 1
    assert int(totals["cases"]) == 66
    assert int(totals["victims"]) == 113


def test_victims_ending_under_state_security(run):
    rows = {row["agency"]: row for row in run("final-custody")}
    mss = rows[VOCAB + "agency/kp-mss"]
    assert int(mss["victims"]) == 92
    assert int(mss["arrestedDirectly"]) == 62
    assert int(mss["handedOver"]) == 30
    assert float(mss["percent"]) == 81.4


def test_agencies_of_first_arrest_in_order(run):
    rows = run("first-arrest-agencies")
    top = [row["agency"] for row in rows[:6]]
    assert top == [
        VOCAB + "agency/" + code
        for code in (
            "kp-mss",
            "cn-mps",
            "kp-border-guard",
            "kp-kpa-dsb",
            "kp-moss",
            "kp-nonsocialist-group",
        )
    ]
    counts = [int(row["victims"]) for row in rows[:6]]
    assert counts == sorted(counts, reverse=True) and len(set(counts)) == 6
    assert sum(int(row["victims"]) for row in rows) == 113


def test_arrested_inside_north_korea(run):
    rows = {row["location"]: row for row in run("arrest-location")}
    assert int(rows["inside"]["victims"]) == 90
    assert float(rows["inside"]["percent"]) == 79.6
    assert int(rows["abroad"]["victims"]) == 23


def test_arrested_abroad_by_country_and_agency(run):
    rows = run("arrests-abroad")
    by_country: dict[str, int] = {}
    by_pair: dict[tuple[str, str | None], int] = {}
    for row in rows:
        by_country[row["countryName"]] = by_country.get(row["countryName"], 0) + int(row["victims"])
        agency = row["agency"].rsplit("/", 1)[-1] if row["agency"] else None
        by_pair[(row["countryName"], agency)] = int(row["victims"])
    assert by_country == {"China": 19, "Russia": 3, "Vietnam": 1}
    assert by_pair == {
        ("China", "cn-mps"): 17,
        ("China", "cn-mss"): 1,
        ("China", "kp-mss"): 1,
        ("Russia", "ru-state"): 2,
        ("Russia", None): 1,
        ("Vietnam", None): 1,
    }


def test_disappearances_by_era(run):
    assert _by(run("victims-by-era"), "era") == {
        "Kim Il Sung": 7,
        "Kim Jong Il": 68,
        "Kim Jong Un": 35,
        "unknown": 3,
    }
    latest = max(row["to"] for row in run("victims-by-era") if row["to"])
    assert latest.startswith("2021-04")


def test_sex(run):
    assert _by(run("victims-by-sex"), "sex") == {
        VOCAB + "sex/male": 66,
        VOCAB + "sex/female": 47,
    }


def test_age_groups(run):
    groups = _by(run("victims-by-age"), "ageGroup")
    assert groups["20-39"] == 44
    assert groups["0-9"] == 13
    assert sum(groups.values()) == 113


def test_relatives_of_the_interviewee(run):
    rows = {row["connection"]: row for row in run("victims-by-connection")}
    family = rows[VOCAB + "source-connection/family-member"]
    assert int(family["victims"]) == 54
    assert float(family["percent"]) == 47.8


def test_reasons(run):
    groups = {row["group"].rsplit("/", 1)[-1]: row for row in run("victims-by-reason-group")}
    assert {k: int(v["victims"]) for k, v in groups.items()} == {
        "escape": 45,
        "guilt-by-association": 29,
        "outside-contact": 10,
        "other": 29,
    }
    assert float(groups["escape"]["percent"]) == 39.8
    assert float(groups["guilt-by-association"]["percent"]) == 25.7
    assert float(groups["outside-contact"]["percent"]) == 8.8
    detail = _by(run("victims-by-reason"), "reason")
    escape = {k.rsplit("/", 1)[-1]: v for k, v in detail.items() if "/reason/escape-" in k}
    assert escape == {
        "escape-repatriated": 21,
        "escape-attempt": 12,
        "escape-preparation": 7,
        "escape-assistance": 5,
    }


def test_no_family_was_notified(run):
    assert _by(run("family-notification"), "familyNotified", "cases") == {"false": 66}


def test_transfer_routes_have_several_steps_and_coordinates(run):
    routes = run("transfer-routes")
    assert len(routes) >= 10
    for route in routes:
        assert route["fromLat"] is not None and route["toLat"] is not None, route
    places = {r["fromName"] for r in routes} | {r["toName"] for r in routes}
    assert any("Onsong" in (p or "") for p in places)
