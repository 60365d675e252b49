"""``/reconcile``: a reconciliation service (W3C Entity Reconciliation Community Group API 0.2).

A partner with a spreadsheet of names (OpenRefine speaks this protocol) finds which of them are
already documented here: persons, places, organisations and cases of the public dataset, matched
by name in English and Korean, other names and romanisations, filtered by type and by properties
(a person's year of birth and places, a place's or organisation's country). Only the public
dataset is read; a person whose consent is withheld has no published name and is never found.

- ``GET /reconcile``: the service manifest; ``GET /reconcile?queries=...`` or ``POST`` with a
  form field ``queries``: a batch of queries, answered as a batch of results;
- ``GET /reconcile/preview?id=person/P001``: an HTML preview of an entity;
- ``GET /reconcile/view?id=person/P001``: 303 to the entity's page, ``/id/person/P001``;
- ``GET /reconcile/suggest/entity|type|property?prefix=...&cursor=N``: auto-completion.

Every response may be read from any origin (CORS), errors included; errors are JSON objects
``{"error": {"status", "title", "message"}}`` (an HTML page for previews). How candidates are
scored: graph/reconciliation.py.
"""

from __future__ import annotations

import json
import threading

from edkg import __version__
from edkg.errors import EdkgError
from edkg.reconciliation import EDKG, KINDS, PLACE_TYPES, PROPERTIES, Index, QueryProblem
from flask import Blueprint, Response, current_app, g, redirect, render_template, request, url_for
from werkzeug.exceptions import BadRequest, HTTPException, NotFound, RequestEntityTooLarge

from . import negotiation as n
from . import representations as r
from .dataset import dataset

bp = Blueprint("reconcile", __name__, url_prefix="/reconcile")

BATCH_SIZE = 50  # queries in one batch (the manifest says so; more is 413)
PAGE = 10  # suggestions a page
PREVIEW = {"width": 420, "height": 180}


class ReconcileProblem(EdkgError):
    """A request the service cannot answer: the message says what is wrong."""


@bp.before_request
def _open_release() -> None:
    html = request.endpoint == "reconcile.preview"
    g.edkg_choice = r.Choice(n.HTML if html else r.JSON, True)  # what errors are written in
    g.edkg_release, g.edkg_store = dataset().current()


@bp.after_request
def _cors(response: Response) -> Response:
    """CORS on every endpoint, as the specification requires (requests are read-only)."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
    response.headers["Access-Control-Allow-Headers"] = "Content-Type"
    return response


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException):
    status = error.code or 500
    return r.error_response(status, error.name, error.description or error.name)


@bp.errorhandler(EdkgError)
def _edkg_error(error: EdkgError):
    title = {400: "Bad Request", 404: "Not Found", 503: "Service Unavailable"}
    return r.error_response(error.status, title.get(error.status, "Error"), error.message)


_lock = threading.Lock()


def index() -> Index:
    """The reconciliation index of the current release, built once per release and app."""
    release = g.edkg_release
    cache = current_app.extensions.setdefault("edkg.reconcile", {})
    with _lock:
        if cache.get("version") != release.version:
            cache["index"] = Index(g.edkg_store, release.meta["base_iri"])
            cache["version"] = release.version
        return cache["index"]


def _json(document) -> Response:
    body = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    return Response(body, content_type=r.JSON.content_type)


def _root() -> str:
    return request.host_url.rstrip("/") + request.script_root


def _type(cls: str) -> dict:
    return {"id": EDKG + cls, "name": index().type_names[EDKG + cls]}


def manifest() -> dict:
    """The service manifest: what this service is and which parts of the protocol it offers."""
    root = _root()
    suggest = {
        kind: {"service_url": root, "service_path": f"/reconcile/suggest/{kind}"}
        for kind in ("entity", "type", "property")
    }
    return {
        "versions": ["0.2"],
        "name": "edkg: Enforced Disappearance Knowledge Graph",
        "identifierSpace": g.edkg_release.meta["base_iri"] + "id/",
        "schemaSpace": EDKG,
        "documentation": root + "/",
        "serviceVersion": __version__,
        "defaultTypes": [_type(cls) for cls in KINDS.values()],
        "view": {"url": root + "/reconcile/view?id={{id}}"},
        "preview": {"url": root + "/reconcile/preview?id={{id}}", **PREVIEW},
        "suggest": suggest,
        "batchSize": BATCH_SIZE,
    }


def _batch(raw: str) -> dict:
    limit = int(current_app.config.get("MAX_BODY_BYTES", 1048576))
    if len(raw.encode("utf-8")) > limit:
        raise RequestEntityTooLarge(f"the queries are over {limit} bytes")
    try:
        batch = json.loads(raw)
    except ValueError as error:
        raise BadRequest(f"queries is not JSON: {error}") from None
    if not isinstance(batch, dict) or not all(isinstance(q, dict) for q in batch.values()):
        raise BadRequest('queries is a JSON object of queries: {"q0": {"query": "..."}}')
    if len(batch) > BATCH_SIZE:
        raise RequestEntityTooLarge(
            f"{len(batch)} queries in one batch; at most {BATCH_SIZE} (the manifest's batchSize)"
        )
    found = index()
    results = {}
    for key, query in batch.items():
        unknown = set(query) - {"query", "type", "limit", "properties", "type_strict"}
        if unknown:
            raise BadRequest(f"query {key}: unknown member {sorted(unknown)[0]!r}")
        try:
            candidates = found.reconcile(query)
        except QueryProblem as problem:
            raise BadRequest(f"query {key}: {problem}") from None
        results[key] = {
            "result": [
                {
                    "id": c.entity.id,
                    "name": c.entity.name,
                    "description": c.entity.description,
                    "type": found.types_of(c.entity),
                    "score": c.score,
                    "match": c.match,
                    "features": [{"id": f, "value": v} for f, v in c.features],
                }
                for c in candidates
            ]
        }
    return results


@bp.route("", methods=["GET", "POST"])
def service():
    """The manifest (a GET without parameters) or the answers to a batch of queries."""
    if "extend" in request.values:
        raise ReconcileProblem("this service offers no data extension")
    raw = request.values.get("queries")
    if raw is None:
        if request.method == "POST":
            raise BadRequest("a POST carries a form field named queries")
        return _json(manifest())
    return _json(_batch(raw))


def _entity(param: str = "id"):
    ident = request.args.get(param, "")
    found = index().entity(ident) if ident else None
    if found is None:
        raise NotFound(f"no entity {ident!r} to reconcile against")
    return found


@bp.get("/preview")
def preview():
    """A small HTML page about one entity, for a client to show in an iframe."""
    entity = _entity()
    kind, name = entity.id.split("/", 1)
    page = render_template(
        "reconcile/preview.html",
        entity=entity,
        types=index().types_of(entity),
        page=url_for("pages.entity", kind=kind, name=name),
        **PREVIEW,
    )
    return Response(page, content_type=n.HTML.content_type)


@bp.get("/view")
def view():
    """The entity's own page (its IRI answers there): the manifest's view template."""
    entity = _entity()
    kind, name = entity.id.split("/", 1)
    return redirect(url_for("pages.entity", kind=kind, name=name), code=303)


def _cursor() -> int:
    value = request.args.get("cursor", "0")
    if not value.isdigit() or int(value) > 100000:
        raise BadRequest("cursor is the number of suggestions to skip, a whole number")
    return int(value)


def _prefix() -> str:
    prefix = request.args.get("prefix", "")
    if len(prefix) > 200:
        raise BadRequest("prefix is at most 200 characters")
    return prefix


@bp.get("/suggest/entity")
def suggest_entity():
    """Entities whose name, a word of a name or id starts with the prefix."""
    found = index()
    cursor = _cursor()
    types = None
    if request.args.get("type"):
        try:
            types = found.wanted_types(request.args.getlist("type"))
        except QueryProblem as problem:
            raise BadRequest(str(problem)) from None
    entities = found.suggest(_prefix(), types)[cursor : cursor + PAGE]
    return _json(
        {
            "result": [
                {
                    "id": e.id,
                    "name": e.name,
                    "description": e.description,
                    "notable": found.types_of(e),
                }
                for e in entities
            ]
        }
    )


def _types() -> list[dict]:
    place = _type("Place")
    listed = [_type(cls) for cls in KINDS.values()]
    listed += [{**_type(cls), "broader": [place]} for cls in PLACE_TYPES]
    return listed


def _matches(prefix: str, *texts: str) -> bool:
    wanted = prefix.strip().casefold()
    return any(
        word.startswith(wanted) for text in texts for word in [text.casefold(), *text.split()]
    )


@bp.get("/suggest/type")
def suggest_type():
    """The types (classes) whose name or id starts with the prefix."""
    prefix, cursor = _prefix(), _cursor()
    found = [t for t in _types() if _matches(prefix, t["name"], t["id"].removeprefix(EDKG))]
    return _json({"result": found[cursor : cursor + PAGE]})


@bp.get("/suggest/property")
def suggest_property():
    """The properties a query may filter on, whose name or id starts with the prefix."""
    prefix, cursor = _prefix(), _cursor()
    found = [
        {"id": pid, "name": name, "description": description}
        for pid, (name, description, _) in PROPERTIES.items()
        if _matches(prefix, pid, name)
    ]
    return _json({"result": found[cursor : cursor + PAGE]})
