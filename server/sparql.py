"""/sparql: the public, read-only SPARQL 1.1 Protocol endpoint over the public dataset.

Queries arrive by GET, by POST form or by POST direct; ``default-graph-uri`` and
``named-graph-uri`` set the dataset (only graphs of the store: nothing is ever fetched). With no
dataset in the request or the query, the default graph is the union of all graphs. Each query is
checked in this process (size, nesting, no SERVICE or LOAD: :mod:`edkg.sparql_guard`) and then runs
in a query process that can be killed at the time limit (:mod:`edkg.server.query_pool`). At most
EDKG_MAX_ROWS rows (or triples) are returned; a response that was cut says so with the header
``X-EDKG-Truncated: true``. A bare GET answers the SPARQL 1.1 Service Description. Updates are
refused with 403. Errors are answered as text, JSON or HTML, never with a traceback.
"""

from __future__ import annotations

import functools
import json
import logging

import pyoxigraph as ox
from edkg import sparql_guard
from edkg.errors import EdkgError, StoreError
from flask import Blueprint, Response, current_app, render_template, request, url_for
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotAcceptable

from . import negotiation as n
from .dataset import dataset
from .query_pool import Answer, Job, QueryPool, pool_for, used_prefixes
from .result_cache import result_cache

log = logging.getLogger(__name__)

bp = Blueprint("sparql", __name__)

ALLOWED = ("GET", "HEAD", "POST", "OPTIONS")
FORM = "application/x-www-form-urlencoded"
DIRECT_QUERY = "application/sparql-query"
DIRECT_UPDATE = "application/sparql-update"
TRUNCATED_HEADER = "X-EDKG-Truncated"

SD_FORMATS = (*n.GRAPH_FORMATS, n.HTML)
PLAIN = n.Format("text", "text/plain", "txt")
JSON = n.Format("json", "application/json", "json")
ERROR_FORMATS = (PLAIN, JSON, n.HTML)

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS_NS = "http://www.w3.org/ns/formats/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
# The W3C format IRIs (https://www.w3.org/ns/formats/) of everything /sparql writes.
FORMAT_IRIS = {
    n.SPARQL_JSON: "SPARQL_Results_JSON",
    n.SPARQL_XML: "SPARQL_Results_XML",
    n.SPARQL_CSV: "SPARQL_Results_CSV",
    n.SPARQL_TSV: "SPARQL_Results_TSV",
    n.TURTLE: "Turtle",
    n.NTRIPLES: "N-Triples",
    n.JSONLD: "JSON-LD",
    n.RDFXML: "RDF_XML",
}

# Prefixes used when writing Turtle and RDF/XML results.
PREFIXES = {
    "edkg": "https://w3id.org/edkg/ontology#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "schema": "http://schema.org/",
    "prov": "http://www.w3.org/ns/prov#",
    "sem": "http://semanticweb.cs.vu.nl/2009/11/sem/",
    "crm": "http://www.cidoc-crm.org/cidoc-crm/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "org": "http://www.w3.org/ns/org#",
    "time": "http://www.w3.org/2006/time#",
    "wgs84": "http://www.w3.org/2003/01/geo/wgs84_pos#",
    "sd": SD,
}


class ReadOnly(EdkgError):
    """An update sent to the read-only endpoint."""

    status = 403


class BadRequest(EdkgError):
    """A request that breaks the SPARQL Protocol."""

    status = 400


class UnsupportedMediaType(EdkgError):
    """A POST body of a media type or charset the protocol does not allow."""

    status = 415


@functools.cache
def _ox_name(kind: type, value: object) -> str:
    """The attribute name of a pyoxigraph format constant (formats cannot be pickled; names can)."""
    return next(name for name in dir(kind) if getattr(kind, name) == value)


def _config_number(name: str, kind: type = int):
    return kind(current_app.config[name])


def _pool() -> QueryPool:
    """The query pool of this app, created on first use."""
    app = current_app._get_current_object()
    pool = app.extensions.get("edkg.sparql")
    if pool is None:
        pool = pool_for(
            app, _config_number("QUERY_WORKERS"), _config_number("QUERY_TIMEOUT", float)
        )
        app.extensions["edkg.sparql"] = pool
    return pool


# --- the route --------------------------------------------------------------------------------


@bp.route("/sparql", methods=[*ALLOWED, "PUT", "DELETE", "PATCH"])
def endpoint():
    """The SPARQL 1.1 Protocol query operation; the service description on a bare GET."""
    if request.method == "OPTIONS":
        return _preflight()
    if request.method not in ALLOWED:
        raise MethodNotAllowed(
            valid_methods=list(ALLOWED),
            description=f"{request.method} is not a SPARQL Protocol method; use GET or POST",
        )
    body_limit = _config_number("MAX_BODY_BYTES")
    request.max_content_length = body_limit
    request.max_form_memory_size = body_limit
    query, params = _read_request()
    if query is None:
        return _service_description()
    return _answer(query, params)


def _read_request() -> tuple[str | None, MultiDict]:
    """The query text (None for a bare GET) and the protocol parameters, checked."""
    params = MultiDict(request.args)
    if request.method == "POST":
        mimetype = request.mimetype
        charset = request.mimetype_params.get("charset", "utf-8").lower()
        if mimetype == DIRECT_UPDATE or (mimetype == FORM and "update" in request.form):
            raise ReadOnly("this endpoint is read-only: SPARQL Update is not accepted")
        if mimetype not in (FORM, DIRECT_QUERY):
            shown = mimetype or "none"
            raise UnsupportedMediaType(
                f"a query is sent as {FORM} or {DIRECT_QUERY}, not as {shown}"
            )
        if charset not in ("utf-8", "utf8"):
            raise UnsupportedMediaType(f"UTF-8 is the only charset accepted, not {charset}")
        if mimetype == FORM:
            for key, value in request.form.items(multi=True):
                params.add(key, value)
        else:
            if "query" in params:
                raise BadRequest("a direct POST carries the query in its body only")
            try:
                params.add("query", request.get_data(cache=False).decode("utf-8"))
            except UnicodeDecodeError:
                raise BadRequest("the query is not valid UTF-8") from None
    if "update" in params:
        raise ReadOnly("this endpoint is read-only: SPARQL Update is not accepted")
    queries = params.getlist("query")
    if len(queries) > 1:
        raise BadRequest(f"a request carries exactly one query; this one has {len(queries)}")
    if not queries:
        if request.method == "POST" or any(
            key in params for key in ("default-graph-uri", "named-graph-uri")
        ):
            raise BadRequest("the request has no query parameter")
        return None, params
    return queries[0], params


def _graph_iris(params: MultiDict, key: str) -> tuple[str, ...]:
    iris = []
    for value in params.getlist(key):
        try:
            iris.append(ox.NamedNode(value).value)
        except ValueError:
            raise BadRequest(f"{key} is not an absolute IRI: {value!r}") from None
    return tuple(iris)


def _acceptable(offered: tuple[n.Format, ...]) -> n.Format | None:
    try:
        return n.choose(request, offered)
    except NotAcceptable:
        return None


def _answer(query: str, params: MultiDict) -> Response:
    return run_query(query, params, "public")[0]


def run_query(
    query: str, params: MultiDict, dataset_name: str, endpoint: str = "sparql.endpoint"
) -> tuple[Response, Answer]:
    """Check, run and answer one query on a dataset of the current release.

    Only the restricted blueprint, behind its access check, passes ``"restricted"``.
    """
    shape = sparql_guard.check(query, _config_number("MAX_QUERY_BYTES"))
    # Negotiate only what the query's form can answer with (both when the scan cannot tell).
    results_format = graph_format = None
    if shape.form not in ("CONSTRUCT", "DESCRIBE"):
        results_format = _acceptable(n.RESULT_FORMATS)
    if shape.form not in ("SELECT", "ASK"):
        graph_format = _acceptable(n.GRAPH_FORMATS)
    if shape.form in ("SELECT", "ASK") and results_format is None:
        raise NotAcceptable(_offer("a SELECT or ASK query", n.RESULT_FORMATS))
    if shape.form in ("CONSTRUCT", "DESCRIBE") and graph_format is None:
        raise NotAcceptable(_offer("a CONSTRUCT or DESCRIBE query", n.GRAPH_FORMATS))
    if results_format is None and graph_format is None:
        raise NotAcceptable(_offer("a query", n.RESULT_FORMATS + n.GRAPH_FORMATS))
    default_graph = _graph_iris(params, "default-graph-uri")
    named_graphs = _graph_iris(params, "named-graph-uri")
    protocol_dataset = bool(default_graph or named_graphs)
    release = dataset().store_dir.current()
    store = release.locator(dataset_name)
    if not isinstance(store, str):
        # A remote store parses with its own stack, not the query process's large one.
        sparql_guard.check_operators(shape, sparql_guard.MAX_OPERATORS_REMOTE)
    job = Job(
        store=store,
        query=query,
        results_format=_ox_name(ox.QueryResultsFormat, results_format.results)
        if results_format
        else None,
        graph_format=_ox_name(ox.RdfFormat, graph_format.rdf) if graph_format else None,
        max_rows=_config_number("MAX_ROWS"),
        # The query's own FROM / FROM NAMED count only when the request names no dataset;
        # Oxigraph's union flag would override them, so it is set only when neither does.
        union_default_graph=not protocol_dataset and not shape.names_dataset,
        default_graph=default_graph if protocol_dataset else None,
        named_graphs=named_graphs if protocol_dataset else None,
        prefixes=PREFIXES,
        base_iri=url_for(endpoint, _external=True),
    )
    # Public answers are kept until the next release; restricted reads always run (and are audited).
    key = None
    if dataset_name == "public":
        key = (
            release.version,
            query,
            job.results_format,
            job.graph_format,
            job.max_rows,
            job.union_default_graph,
            job.default_graph,
            job.named_graphs,
            job.base_iri,
        )
    answer = result_cache().get(key) if key else None
    if answer is None:
        answer = _pool().run(job)
        if key:
            result_cache().put(key, answer, len(answer.body) + len(query))
    chosen = results_format if answer.kind in ("solutions", "boolean") else graph_format
    response = Response(answer.body, content_type=chosen.content_type)
    if answer.truncated:
        response.headers[TRUNCATED_HEADER] = "true"
    return response, answer


def _offer(what: str, offered: tuple[n.Format, ...]) -> str:
    return f"{what} is answered as one of: " + ", ".join(f.media_type for f in offered)


def _preflight() -> Response:
    response = Response(status=204)
    response.headers["Access-Control-Allow-Methods"] = ", ".join(ALLOWED)
    response.headers["Access-Control-Allow-Headers"] = request.headers.get(
        "Access-Control-Request-Headers", "Accept, Content-Type"
    )
    response.headers["Access-Control-Max-Age"] = "86400"
    response.headers["Allow"] = ", ".join(ALLOWED)
    return response


@bp.after_request
def _cors_and_vary(response: Response) -> Response:
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = TRUNCATED_HEADER
    response.vary.add("Accept")
    return response


# --- the service description ------------------------------------------------------------------


def _service_description() -> Response:
    chosen = n.choose(request, SD_FORMATS)
    _, store = dataset().current()
    graphs = sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
    endpoint_iri = url_for("sparql.endpoint", _external=True)
    if chosen is n.HTML:
        page = render_template(
            "sparql/service.html",
            endpoint=endpoint_iri,
            graphs=graphs,
            formats=[f.media_type for f in FORMAT_IRIS],
            timeout=_config_number("QUERY_TIMEOUT", float),
            max_rows=_config_number("MAX_ROWS"),
            max_query_bytes=_config_number("MAX_QUERY_BYTES"),
        )
        return Response(page, content_type=n.HTML.content_type)
    triples = service_description(endpoint_iri, graphs)
    body = ox.serialize(triples, format=chosen.rdf, prefixes=used_prefixes(triples, PREFIXES))
    return Response(body, content_type=chosen.content_type)


def service_description(endpoint_iri: str, graphs: list[str]) -> list[ox.Triple]:
    """The sd:Service of this endpoint: language, formats, features and the default dataset."""

    def sd(term: str) -> ox.NamedNode:
        return ox.NamedNode(SD + term)

    service, data, default = ox.BlankNode("service"), ox.BlankNode("dataset"), ox.BlankNode("dg")
    triples = [
        ox.Triple(service, RDF_TYPE, sd("Service")),
        ox.Triple(service, sd("endpoint"), ox.NamedNode(endpoint_iri)),
        ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
        ox.Triple(service, sd("feature"), sd("UnionDefaultGraph")),
        ox.Triple(
            service,
            sd("defaultEntailmentRegime"),
            ox.NamedNode("http://www.w3.org/ns/entailment/Simple"),
        ),
        ox.Triple(
            service,
            ox.NamedNode("http://purl.org/dc/terms/title"),
            ox.Literal(
                "edkg: Enforced Disappearance Knowledge Graph (public, read-only)", language="en"
            ),
        ),
        ox.Triple(service, sd("defaultDataset"), data),
        ox.Triple(data, RDF_TYPE, sd("Dataset")),
        ox.Triple(data, sd("defaultGraph"), default),
        ox.Triple(default, RDF_TYPE, sd("Graph")),
    ]
    triples += [
        ox.Triple(service, sd("resultFormat"), ox.NamedNode(FORMATS_NS + name))
        for name in FORMAT_IRIS.values()
    ]
    for index, graph in enumerate(graphs):
        node = ox.BlankNode(f"g{index}")
        triples += [
            ox.Triple(data, sd("namedGraph"), node),
            ox.Triple(node, RDF_TYPE, sd("NamedGraph")),
            ox.Triple(node, sd("name"), ox.NamedNode(graph)),
        ]
    return triples


# --- errors -----------------------------------------------------------------------------------


@bp.errorhandler(EdkgError)
def _edkg_error(error: EdkgError) -> Response:
    if isinstance(error, StoreError):
        return _error(503, "the dataset is not available at the moment")
    return _error(error.status, error.message)


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException) -> Response:
    response = _error(error.code or 500, error.description or error.name)
    if isinstance(error, MethodNotAllowed):
        response.headers["Allow"] = ", ".join(ALLOWED)
    return response


def _error(status: int, message: str) -> Response:
    """An error in the format the client prefers: text (the default), JSON or HTML."""
    try:
        chosen = n.choose(request, ERROR_FORMATS)
    except NotAcceptable:
        accepted = [value for value, _ in request.accept_mimetypes]
        chosen = JSON if any(value.endswith("json") for value in accepted) else PLAIN
    if chosen is JSON:
        body = json.dumps({"status": status, "error": message}, ensure_ascii=False)
    elif chosen is n.HTML:
        body = render_template("error.html", status=status, message=message)
    else:
        body = f"{status} {message}\n"
    return Response(body, status=status, content_type=chosen.content_type)
