"""``/map``: the transfer and repatriation routes on a map drawn as SVG on the server, and the
same routes as GeoJSON (RFC 7946) at ``/map/routes.geojson`` or by content negotiation.

The steps and their victim counts are those of the named query ``transfer-routes``; the places'
Korean names, countries, operators and whether their coordinates are their own come from
``route-places``; ``regions`` gives the countries and provinces drawn for orientation. Query
parameters ``from_country``, ``to_country`` (ISO 3166-1 alpha-2 codes) and ``agency`` (an agency
code of the ``agency`` scheme, e.g. ``kp-mss``: the agency operating the destination) keep only
the steps that match.
"""

from __future__ import annotations

import json
import logging
import re
from urllib.parse import urljoin

from flask import Blueprint, Response, g, render_template, request, url_for
from werkzeug.exceptions import BadRequest

from . import cartography as c
from . import negotiation as n
from . import representations as r
from .dataset import dataset

log = logging.getLogger(__name__)

bp = Blueprint("map", __name__)
r.install(bp)

GEOJSON = n.Format("geojson", "application/geo+json", "geojson")
# The same document for clients that ask for plain JSON.
GEOJSON_AS_JSON = n.Format("json", "application/json", "json")
MAP_FORMATS = (n.HTML, GEOJSON, GEOJSON_AS_JSON)

COUNTRY = re.compile(r"^[A-Za-z]{2}$")
AGENCY = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
AGENCY_SCHEME = "agency/"
# The enlargement of the most crowded part of the map sits beside the legend.
DETAIL_WIDTH, DETAIL_HEIGHT = 640.0, 860.0


def _text(term) -> str:
    return "" if term is None else term.value


def _filters() -> dict[str, str]:
    """The step filters of the query string, checked; other parameters are ignored."""
    found = {}
    for name, pattern, what in (
        ("from_country", COUNTRY, "a two-letter country code such as CN"),
        ("to_country", COUNTRY, "a two-letter country code such as KP"),
        ("agency", AGENCY, "an agency code such as kp-mss"),
    ):
        given = request.args.getlist(name)
        if not given:
            continue
        if len(given) > 1:
            raise BadRequest(f"parameter {name} is given {len(given)} times; give it once")
        if not pattern.match(given[0]):
            raise BadRequest(f"parameter {name}: {given[0]!r} is not {what}")
        found[name] = given[0].upper() if pattern is COUNTRY else given[0]
    return found


def load_routes() -> tuple[list[c.Place], list[c.Step]]:
    """Every step of ``transfer-routes`` between places described by ``route-places``."""
    data = dataset()
    details: dict[str, dict] = {}
    for row in data.select("route-places"):
        details.setdefault(row["place"].value, row)
    places: dict[str, c.Place] = {}

    def place(iri: str, name: str, lat, long) -> c.Place:
        if iri not in places:
            d = details.get(iri, {})
            places[iri] = c.Place(
                iri=iri,
                name=_text(d.get("name")) or name or iri,
                name_ko=_text(d.get("nameKo")),
                lat=float(lat.value),
                long=float(long.value),
                victims=int(_text(d.get("victims")) or 0),
                country=_text(d.get("countryCode")).upper(),
                approximate=_text(d.get("approximate")) == "true",
                coordinates_from=_text(d.get("coordinatesFrom")),
                coordinates_from_name=_text(d.get("coordinatesFromName")),
                coordinates_from_name_ko=_text(d.get("coordinatesFromNameKo")),
                operator=_text(d.get("operator")),
                operator_name=_text(d.get("operatorName")),
                agency=_text(d.get("agency")),
            )
        return places[iri]

    steps = []
    for row in data.select("transfer-routes"):
        source = place(row["from"].value, _text(row["fromName"]), row["fromLat"], row["fromLong"])
        target = place(row["to"].value, _text(row["toName"]), row["toLat"], row["toLong"])
        steps.append(c.Step(source, target, int(row["victims"].value)))
    for step in steps:  # a place route-places missed still gets a size
        for end in (step.source, step.target):
            end.victims = max(end.victims, step.victims)
    return list(places.values()), steps


def select(steps: list[c.Step], filters: dict[str, str]) -> tuple[list[c.Place], list[c.Step]]:
    """The steps that match the filters, and the places they join."""
    kept = [
        s
        for s in steps
        if s.source.country == filters.get("from_country", s.source.country)
        and s.target.country == filters.get("to_country", s.target.country)
        and ("agency" not in filters or s.target.agency.endswith(AGENCY_SCHEME + filters["agency"]))
    ]
    places = {}
    for s in kept:
        places.setdefault(s.source.iri, s.source)
        places.setdefault(s.target.iri, s.target)
    return sorted(places.values(), key=lambda p: (-p.victims, p.name)), kept


def load_regions() -> list[c.Region]:
    """Countries and provinces with coordinates, for orientation."""
    regions = []
    for row in dataset().select("regions"):
        kind = "country" if row["kind"].value.endswith("#Country") else "province"
        regions.append(
            c.Region(
                iri=row["place"].value,
                name=_text(row["name"]) or row["place"].value,
                name_ko=_text(row["nameKo"]),
                kind=kind,
                country=_text(row["countryCode"]).upper(),
                lat=float(row["lat"].value),
                long=float(row["long"].value),
            )
        )
    return regions


def _position(place: c.Place) -> list[float]:
    return [round(place.long, 6), round(place.lat, 6)]


def feature_collection(places: list[c.Place], steps: list[c.Step]) -> dict:
    """The places as Point features and the steps as LineString features (RFC 7946)."""
    root = request.url_root

    def page(iri: str) -> str | None:
        path = r.local_path(iri, g.edkg_release.meta["base_iri"])
        return urljoin(root, path.lstrip("/")) if path else None

    features = []
    for p in places:
        features.append(
            {
                "type": "Feature",
                "id": p.iri,
                "geometry": {"type": "Point", "coordinates": _position(p)},
                "properties": {
                    "kind": "place",
                    "iri": p.iri,
                    "page": page(p.iri),
                    "name": p.name,
                    "nameKo": p.name_ko or None,
                    "country": p.country or None,
                    "victims": p.victims,
                    "approximate": p.approximate,
                    "coordinatesFrom": p.coordinates_from or None,
                    "operator": p.operator or None,
                    "agency": p.agency or None,
                },
            }
        )
    for s in steps:
        features.append(
            {
                "type": "Feature",
                "geometry": {
                    "type": "LineString",
                    "coordinates": [_position(s.source), _position(s.target)],
                },
                "properties": {
                    "kind": "step",
                    "from": s.source.iri,
                    "to": s.target.iri,
                    "fromName": s.source.name,
                    "fromNameKo": s.source.name_ko or None,
                    "toName": s.target.name,
                    "toNameKo": s.target.name_ko or None,
                    "victims": s.victims,
                    "crossesBorder": s.crosses_border,
                    "approximate": s.source.approximate or s.target.approximate,
                },
            }
        )
    collection: dict = {"type": "FeatureCollection"}
    if places:
        longs = [p.long for p in places]
        lats = [p.lat for p in places]
        collection["bbox"] = [
            round(min(longs), 6),
            round(min(lats), 6),
            round(max(longs), 6),
            round(max(lats), 6),
        ]
    collection["features"] = features
    return collection


def _respond(choice: r.Choice, location: str) -> Response:
    if choice.format is not n.HTML:
        # errors about the parameters are then written as JSON
        g.edkg_choice = r.Choice(r.JSON, choice.by_suffix)
    filters = _filters()
    g.edkg_choice = choice
    release = g.edkg_release
    if cached := r.not_modified(release, choice):
        return _locate(cached, choice, location)
    _, steps = load_routes()
    places, steps = select(steps, filters)
    if choice.format is n.HTML:
        body = _page(places, steps, filters)
        content_type = n.HTML.content_type
    else:
        document = feature_collection(places, steps)
        body = json.dumps(document, ensure_ascii=False, indent=1) + "\n"
        content_type = choice.format.media_type  # RFC 7946 defines no charset parameter
    log.debug("map: %d places, %d steps, filters %s", len(places), len(steps), filters)
    response = r.finish(Response(body, content_type=content_type), release, choice)
    response.headers["Link"] = (
        f'<{url_for("map.routes_geojson")}>; rel="alternate"; type="{GEOJSON.media_type}"'
    )
    return _locate(response, choice, location)


def _locate(response: Response, choice: r.Choice, location: str) -> Response:
    """Content-Location of a negotiated answer: the suffixed URL, with the same query string."""
    if not choice.by_suffix:
        query = request.query_string.decode("ascii", "replace")
        suffixed = f"{location}.{choice.format.suffix}"
        response.headers["Content-Location"] = f"{suffixed}?{query}" if query else suffixed
    return response


def _page(places: list[c.Place], steps: list[c.Step], filters: dict[str, str]) -> str:
    regions = load_regions()
    drawing = c.draw(places, steps, regions)
    window = c.dense_window(places)
    detail = None
    if drawing and window:
        detail = c.draw(places, steps, regions, window, DETAIL_WIDTH, DETAIL_HEIGHT)
    countries = {p.country for p in places if p.country}
    inset = c.inset(regions, drawing.bounds, countries) if drawing else None
    names = {x.country: (x.name, x.name_ko) for x in regions if x.kind == "country"}
    geojson = url_for("map.routes_geojson")
    if request.query_string:
        geojson += "?" + request.query_string.decode("ascii", "replace")
    return render_template(
        "map/map.html",
        drawing=drawing,
        detail=detail,
        detail_frame=drawing.rectangle(detail.bounds) if detail else None,
        detail_names=[label.name for label in detail.labels[:3]] if detail else [],
        inset=inset,
        places=places,
        steps=sorted(steps, key=lambda s: (-s.victims, s.source.name, s.target.name)),
        filters=filters,
        geojson=geojson,
        countries=[(code, *names.get(code, (code, ""))) for code in sorted(countries)],
    )


@bp.get("/map", defaults={"suffix": None})
@bp.get("/map.<suffix>")
def page(suffix: str | None):
    """The routes on a map (HTML), or as GeoJSON for a client that asks for it."""
    choice = r.negotiate(MAP_FORMATS, suffix)
    return _respond(choice, url_for("map.page"))


@bp.get("/map/routes.geojson")
def routes_geojson():
    """The routes as a GeoJSON FeatureCollection: places as Points, steps as LineStrings."""
    return _respond(r.Choice(GEOJSON, True), url_for("map.page"))
