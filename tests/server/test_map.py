"""/map: the transfer routes as an SVG map and as GeoJSON (RFC 7946).

The GeoJSON is checked by its structure, by the `geojson` package's validator and against the
named query it comes from; the page is checked in a real headless Chromium (Debian's `chromium`
and `chromium-driver`, installed by tests/tools/install.sh) driven by Selenium, on a server
started here on 127.0.0.1. Without Chromium these tests fail: they are not optional.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import struct
import threading
from pathlib import Path

import geojson
import pytest
from edkg.server import create_app
from werkzeug.serving import WSGIRequestHandler, make_server

BASE = "https://w3id.org/edkg/"
PLACE = BASE + "id/place/"
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
CHROMIUM_OPTIONS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


def _geojson(client, url: str = "/map/routes.geojson") -> dict:
    response = client.get(url)
    assert response.status_code == 200, response.data
    assert response.mimetype == "application/geo+json"
    return json.loads(response.data)


def _routes(client) -> list[dict]:
    """The transfer-routes named query, through the query API, as plain values."""
    response = client.get("/queries/transfer-routes.json")
    assert response.status_code == 200
    body = response.get_json()
    return [
        {name: cell["value"] for name, cell in row.items()} for row in body["results"]["bindings"]
    ]


def _points(document: dict) -> dict[str, dict]:
    return {f["id"]: f for f in document["features"] if f["geometry"]["type"] == "Point"}


def _lines(document: dict) -> list[dict]:
    return [f for f in document["features"] if f["geometry"]["type"] == "LineString"]


# ----------------------------------------------------------------------------------------------
# GeoJSON


def test_geojson_is_a_valid_feature_collection(client):
    response = client.get("/map/routes.geojson")
    document = json.loads(response.data)
    parsed = geojson.loads(response.get_data(as_text=True))
    assert parsed.is_valid, parsed.errors()
    assert document["type"] == "FeatureCollection"
    assert "crs" not in document  # RFC 7946 §4: no crs member
    features = document["features"]
    assert features
    for feature in features:
        assert feature["type"] == "Feature"
        assert isinstance(feature["properties"], dict)
        geometry = feature["geometry"]
        positions = (
            [geometry["coordinates"]] if geometry["type"] == "Point" else geometry["coordinates"]
        )
        assert geometry["type"] in ("Point", "LineString")
        if geometry["type"] == "LineString":
            assert len(positions) == 2
        for position in positions:
            assert len(position) == 2
            long, lat = position
            assert isinstance(long, float | int) and isinstance(lat, float | int)
            assert -180 <= long <= 180 and -90 <= lat <= 90
    west, south, east, north = document["bbox"]
    for point in _points(document).values():
        long, lat = point["geometry"]["coordinates"]
        assert west <= long <= east and south <= lat <= north


def test_geojson_positions_are_long_lat(client):
    points = _points(_geojson(client))
    # Onsong County: 42.955556 N, 129.991667 E
    assert points[PLACE + "onsong_county"]["geometry"]["coordinates"] == [129.991667, 42.955556]
    for point in points.values():
        long, lat = point["geometry"]["coordinates"]
        assert 100 < long < 140 and 35 < lat < 50, point["id"]  # North-east Asia, not swapped


def test_every_line_ends_at_point_features(client):
    document = _geojson(client)
    points = _points(document)
    for line in _lines(document):
        start, end = line["geometry"]["coordinates"]
        source, target = line["properties"]["from"], line["properties"]["to"]
        assert points[source]["geometry"]["coordinates"] == start
        assert points[target]["geometry"]["coordinates"] == end
    ends = {line["properties"][end] for line in _lines(document) for end in ("from", "to")}
    assert ends == set(points), "every place is the end of some step"


def test_geojson_counts_match_the_transfer_routes_query(client):
    rows = _routes(client)
    document = _geojson(client)
    lines = _lines(document)
    assert len(lines) == len(rows) == 52
    steps = {(p["from"], p["to"]): p["victims"] for p in (f["properties"] for f in lines)}
    assert steps == {(r["from"], r["to"]): int(r["victims"]) for r in rows}
    points = _points(document)
    assert len(points) == len({r["from"] for r in rows} | {r["to"] for r in rows}) == 36
    for row in rows:
        for end in ("from", "to"):
            coordinates = points[row[end]]["geometry"]["coordinates"]
            assert coordinates == [float(row[f"{end}Long"]), float(row[f"{end}Lat"])]
    # a place's victims: at least those of its busiest step, at most those of all its steps
    for iri, point in points.items():
        touching = [v for (a, b), v in steps.items() if iri in (a, b)]
        assert max(touching) <= point["properties"]["victims"] <= sum(touching), iri


def test_geojson_names_and_approximate_positions(client):
    points = _points(_geojson(client))
    mss = points[PLACE + "onsong_county_mss"]["properties"]
    assert mss["name"] == "Onsong County MSS detention cells"
    assert mss["nameKo"] == "온성군 보위부 구류장"
    assert mss["approximate"] is True
    assert mss["coordinatesFrom"] == PLACE + "onsong_county"
    assert mss["country"] == "KP"
    assert mss["agency"] == BASE + "vocab/agency/kp-mss"
    assert mss["page"].endswith("/id/place/onsong_county_mss")
    county = points[PLACE + "onsong_county"]["properties"]
    assert county["approximate"] is False and county["coordinatesFrom"] == PLACE + "onsong_county"
    assert points[PLACE + "tumen_border_detention_center"]["properties"]["country"] == "CN"


def test_repatriations_from_china_cross_a_border(client):
    document = _geojson(client)
    lines = {
        (f["properties"]["from"], f["properties"]["to"]): f["properties"] for f in _lines(document)
    }
    step = lines[(PLACE + "tumen_border_detention_center", PLACE + "jipkyulso_onsong")]
    assert step["crossesBorder"] is True and step["victims"] == 9
    assert (
        lines[(PLACE + "onsong_county_mss", PLACE + "chongjin_provincial_mss")]["crossesBorder"]
        is False
    )


@pytest.mark.parametrize(
    ("query", "check"),
    [
        ("from_country=CN", lambda points, p: points[p["from"]]["properties"]["country"] == "CN"),
        ("from_country=cn", lambda points, p: points[p["from"]]["properties"]["country"] == "CN"),
        ("to_country=RU", lambda points, p: points[p["to"]]["properties"]["country"] == "RU"),
        (
            "agency=kp-mss",
            lambda points, p: points[p["to"]]["properties"]["agency"].endswith("/agency/kp-mss"),
        ),
    ],
)
def test_filters_keep_the_matching_steps(client, query, check):
    everything = _geojson(client)
    every_point = _points(everything)
    expected = [f for f in _lines(everything) if check(every_point, f["properties"])]
    document = _geojson(client, f"/map/routes.geojson?{query}")
    points = _points(document)
    lines = _lines(document)
    assert len(lines) == len(expected)
    assert all(check(points, f["properties"]) for f in lines)
    ends = {f["properties"][end] for f in lines for end in ("from", "to")}
    assert set(points) == ends
    assert geojson.loads(json.dumps(document)).is_valid


def test_china_filter_finds_the_repatriations(client):
    lines = _lines(_geojson(client, "/map/routes.geojson?from_country=CN"))
    assert lines and all(f["properties"]["crossesBorder"] for f in lines)
    nothing = _geojson(client, "/map/routes.geojson?to_country=VN")
    assert nothing["features"] == [] and "bbox" not in nothing


@pytest.mark.parametrize(
    "query",
    ["from_country=CHN", "from_country=C1", "agency=KP_MSS!", "to_country=CN&to_country=KP"],
)
def test_bad_filters_are_400_in_json(client, query):
    response = client.get(f"/map/routes.geojson?{query}")
    assert response.status_code == 400
    assert response.get_json()["error"]["status"] == 400
    assert client.get(f"/map?{query}").status_code == 400


# ----------------------------------------------------------------------------------------------
# HTTP: negotiation, validators, CORS


def test_map_negotiates_html_and_geojson(client):
    page = client.get("/map")
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert "Accept" in page.headers["Vary"]
    assert page.headers["Content-Location"] == "/map.html"
    asked = client.get("/map", headers={"Accept": "application/geo+json"})
    assert asked.mimetype == "application/geo+json"
    assert asked.headers["Content-Location"] == "/map.geojson"
    assert json.loads(asked.data) == _geojson(client)
    plain = client.get("/map?from_country=CN", headers={"Accept": "application/json"})
    assert plain.mimetype == "application/json"
    assert plain.headers["Content-Location"] == "/map.json?from_country=CN"
    assert json.loads(plain.data)["type"] == "FeatureCollection"
    assert client.get("/map.geojson").mimetype == "application/geo+json"
    assert client.get("/map.html").mimetype == "text/html"
    assert client.get("/map.ttl").status_code == 404
    refused = client.get("/map", headers={"Accept": "text/turtle"})
    assert refused.status_code == 406


def test_etag_and_304(client):
    for url, headers in (
        ("/map", {}),
        ("/map/routes.geojson", {}),
        ("/map", {"Accept": "application/geo+json"}),
    ):
        first = client.get(url, headers=headers)
        tag = first.headers["ETag"]
        again = client.get(url, headers={**headers, "If-None-Match": tag})
        assert again.status_code == 304, url
        assert again.data == b""
        assert again.headers["ETag"] == tag
    html = client.get("/map").headers["ETag"]
    data = client.get("/map/routes.geojson").headers["ETag"]
    assert html != data


def test_cors_and_head(client):
    for url in ("/map", "/map/routes.geojson", "/map?from_country=XX"):
        response = client.get(url)
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        head = client.head(url)
        assert head.status_code == 200 and head.data == b""
    assert client.options("/map").headers["Access-Control-Allow-Origin"] == "*"


def test_page_lists_the_steps_with_links_to_places(client):
    page = client.get("/map").get_data(as_text=True)
    assert 'href="/id/place/onsong_county_mss"' in page
    assert 'href="/id/place/chongjin_provincial_mss"' in page
    assert "온성군" in page and "청진시" in page
    assert page.count("<tr data-from=") == 52
    assert 'type="application/geo+json"' in page
    assert '<script src="https://' not in page and '<link rel="stylesheet" href="https' not in page


def test_page_with_no_matching_step_says_so(client):
    page = client.get("/map?to_country=VN")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "matches these filters" in text and "<svg id=" not in text


def test_map_is_linked_from_home(client):
    page = client.get("/").get_data(as_text=True)
    assert 'href="/map"' in page


def test_no_restricted_data_on_the_test_store(test_store):
    app = create_app({"TESTING": True, "STORE": str(test_store)})
    client = app.test_client()
    seen = []
    for url, accept in (
        ("/map", "text/html"),
        ("/map", "application/geo+json"),
        ("/map.json", "*/*"),
        ("/map/routes.geojson", "*/*"),
        ("/map/routes.geojson?from_country=CN", "*/*"),
        ("/map?agency=kp-mss", "text/html"),
    ):
        response = client.get(url, headers={"Accept": accept})
        assert response.status_code == 200, url
        assert b"CANARY" not in response.data and b"7f3a" not in response.data, url
        seen.append(response)
    document = json.loads(seen[1].data)
    lines = _lines(document)
    assert [(f["properties"]["from"], f["properties"]["to"]) for f in lines] == [
        (PLACE + "tumen", PLACE + "test_facility")
    ]
    facility = _points(document)[PLACE + "test_facility"]["properties"]
    assert (
        facility["approximate"] is True and facility["coordinatesFrom"] == PLACE + "onsong_county"
    )


# ----------------------------------------------------------------------------------------------
# In a real browser


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def live_server(sample_store):
    """The app on a real HTTP server on 127.0.0.1, on a free port, for the browser."""
    app = create_app({"STORE": str(sample_store)})
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(10)
    server.server_close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """Headless Chromium through Debian's chromedriver; never Selenium Manager, never a download."""
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.is_file()]
    if missing or shutil.which("chromium") is None:
        pytest.fail(
            f"Chromium is needed for the /map tests and is missing ({', '.join(missing)}): "
            "run `bash tests/tools/install.sh`"
        )
    os.environ["SE_AVOID_STATS"] = "true"  # Selenium Manager must not report usage anywhere
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in CHROMIUM_OPTIONS:
        options.add_argument(argument)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.add_argument("--window-size=1300,1000")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    # An explicit driver path: Selenium skips Selenium Manager, which would try to download one.
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


def _open_map(browser, live_server):
    browser.get(f"{live_server}/map")
    svg = browser.find_element("id", "route-map")
    assert svg.is_displayed()
    return svg


def _rects(browser, selector: str) -> list[dict]:
    return browser.execute_script(
        "return Array.from(document.querySelectorAll(arguments[0])).map(e => {"
        " const r = e.getBoundingClientRect();"
        " return {x0: r.left, y0: r.top, x1: r.right, y1: r.bottom, text: e.textContent.trim()};"
        "});",
        selector,
    )


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_map_renders_in_chromium(browser, live_server, client, tmp_path):
    rows = _routes(client)
    places = {r["from"] for r in rows} | {r["to"] for r in rows}
    svg = _open_map(browser, live_server)
    assert len(svg.find_elements("css selector", ".route")) == len(rows)
    assert len(svg.find_elements("css selector", ".place")) == len(places)
    drawn = {e.get_attribute("data-place") for e in svg.find_elements("css selector", ".place")}
    assert drawn == places
    # every marker has a size in the browser, and sits inside the map
    frame = _rects(browser, "#route-map")[0]
    for marker in _rects(browser, "#route-map .place circle"):
        assert marker["x1"] - marker["x0"] > 3
        assert frame["x0"] <= marker["x0"] and marker["x1"] <= frame["x1"] + 1
    labels = _rects(browser, "#route-map .site-label")
    texts = " ".join(label["text"] for label in labels)
    for name in ("Onsong County", "온성군", "Chongjin", "청진시", "Tumen", "Pyongyang"):
        assert name in texts, name
    for label in labels:  # inside the frame...
        assert frame["x0"] - 1 <= label["x0"] and label["x1"] <= frame["x1"] + 1, label
        assert frame["y0"] - 1 <= label["y0"] and label["y1"] <= frame["y1"] + 1, label
    for i, a in enumerate(labels):  # ...and no label hides another
        for b in labels[i + 1 :]:
            overlap_x = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])
            overlap_y = min(a["y1"], b["y1"]) - max(a["y0"], b["y0"])
            assert overlap_x <= 1 or overlap_y <= 1, (a["text"], b["text"])
    # the enlargement of the crowded north-east labels Onsong and Chongjin too
    detail = " ".join(label["text"] for label in _rects(browser, "#route-detail .site-label"))
    assert "Onsong County" in detail and "Chongjin" in detail
    assert browser.find_elements("css selector", "#route-detail .route")
    # the table below lists every step
    assert len(browser.find_elements("css selector", ".routes-table tbody tr")) == len(rows)
    # nothing came from anywhere but our server
    resources = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
    )
    assert resources and all(url.startswith(live_server) for url in resources), resources
    shot = tmp_path / "map.png"
    assert svg.screenshot(str(shot))
    width, height = _png_size(shot)
    assert width > 600 and height > 400
    page = tmp_path / "page.png"
    assert browser.save_screenshot(str(page))
    errors = [
        entry
        for entry in browser.get_log("browser")
        if entry["level"] == "SEVERE" and "favicon.ico" not in entry["message"]
    ]
    assert errors == []


def test_hovering_a_place_highlights_its_routes(browser, live_server):
    from selenium.webdriver.common.action_chains import ActionChains

    svg = _open_map(browser, live_server)
    iri = PLACE + "chongjin_provincial_mss"
    marker = svg.find_element("css selector", f'.place[data-place="{iri}"] circle')
    mine = [
        r
        for r in svg.find_elements("css selector", ".route")
        if iri in (r.get_attribute("data-from"), r.get_attribute("data-to"))
    ]
    assert mine
    ActionChains(browser).move_to_element(marker).perform()
    assert "focused" in svg.get_attribute("class")
    highlighted = svg.find_elements("css selector", ".route.hl")
    assert len(highlighted) == len(mine)
    caption = browser.find_element("id", "map-info").text
    assert "North Hamgyong Provincial MSS detention centre" in caption
    assert "approximate" in caption.lower()
    assert browser.find_elements("css selector", ".routes-table tr.hl")
    opacity = browser.execute_script(
        "return getComputedStyle(document.querySelector('#route-map .route:not(.hl)')).opacity"
    )
    assert math.isclose(float(opacity), 0.1, abs_tol=0.01)
    ActionChains(browser).move_to_element(browser.find_element("tag name", "h1")).perform()
    assert "focused" not in (svg.get_attribute("class") or "")
    assert not svg.find_elements("css selector", ".route.hl")


def test_hovering_a_route_names_its_places(browser, live_server):
    from selenium.webdriver.common.action_chains import ActionChains

    _open_map(browser, live_server)
    row = browser.find_element(
        "css selector",
        f'.routes-table tr[data-from="{PLACE}tumen_border_detention_center"]'
        f'[data-to="{PLACE}jipkyulso_onsong"]',
    )
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", row)
    ActionChains(browser).move_to_element(row).perform()
    caption = browser.find_element("id", "map-info").text
    assert "Tumen border detention centre (China) → Onsong holding centre (jipkyulso)" in caption
    assert "9 victims" in caption
    assert len(browser.find_elements("css selector", "#route-map .route.hl")) == 1


def test_clicking_a_place_opens_its_page(browser, live_server):
    svg = _open_map(browser, live_server)
    marker = svg.find_element("css selector", f'.place[data-place="{PLACE}onsong_county_mss"]')
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", marker)
    marker.find_element("css selector", "circle").click()
    assert browser.current_url == f"{live_server}/id/place/onsong_county_mss"
    assert "Onsong County MSS detention cells" in browser.find_element("tag name", "h1").text
