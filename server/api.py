"""The named queries as an API: the catalogue (``/queries``), one query run with typed parameters
(``/queries/{name}``), and an OpenAPI 3 description generated from the catalogue."""

from __future__ import annotations

import json
import re
from urllib.parse import urlencode

import pyoxigraph as ox
from edkg import __version__, queries
from edkg.errors import QueryParameterError, UnknownQueryError
from flask import Blueprint, Response, current_app, g, render_template, request, url_for

from . import negotiation as n
from . import representations as r
from .result_cache import result_cache

bp = Blueprint("api", __name__)
r.install(bp)

CATALOGUE_FORMATS = (n.HTML, r.JSON)
# SELECT and ASK results as the SPARQL endpoint gives them, and a table for browsers.
RESULT_FORMATS = (*n.RESULT_FORMATS, n.HTML)
GRAPH_RESULT_FORMATS = (*n.GRAPH_FORMATS, n.HTML)
# `.json` is a friendlier suffix for SPARQL JSON results than `.srj`.
SUFFIX_ALIASES = {"json": "srj", "xml": "srx"}

OPENAPI_TYPES = {
    "iri": {"type": "string", "format": "uri"},
    "integer": {"type": "integer"},
    "decimal": {"type": "number"},
    "date": {"type": "string", "format": "date"},
    "dateTime": {"type": "string", "format": "date-time"},
    "boolean": {"type": "boolean"},
    "gYear": {"type": "string", "pattern": "^-?[0-9]{4,}$"},
    "string": {"type": "string"},
}

_STRIP = re.compile(r"#[^\n]*|<[^<>\s]*>|\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'")
_FORM = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)


def query_form(text: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first form keyword outside comments and literals."""
    match = _FORM.search(_STRIP.sub(" ", text))
    return match.group(1).upper() if match else "SELECT"


def _schema(parameter: queries.Parameter) -> dict:
    if parameter.kind == "iri":
        return dict(OPENAPI_TYPES["iri"])
    if parameter.kind == "typed":
        return dict(OPENAPI_TYPES[parameter.datatype])
    return {"type": "string"}


def _example_url(named: queries.NamedQuery) -> str | None:
    """A link that runs the query with its header's example values; None if one is missing."""
    defaults = named.defaults()
    values = {name: defaults[name] for name in named.parameters if name in defaults}
    if any(p.required and p.name not in values for p in named.parameters.values()):
        return None
    url = url_for("api.run", name=named.name)
    return f"{url}?{urlencode(values)}" if values else url


def _entry(named: queries.NamedQuery) -> dict:
    defaults = named.defaults()
    return {
        "name": named.name,
        "summary": named.summary,
        "description": named.description.strip(),
        "tags": named.tags,
        "form": query_form(named.text),
        "url": url_for("api.run", name=named.name),
        "example": _example_url(named),
        "parameters": [
            {
                "name": p.name,
                "type": p.type_label,
                "required": p.required,
                "variable": f"?{p.variable}",
                "example": defaults.get(p.name),
            }
            for p in named.parameters.values()
        ],
    }


@bp.get("/queries", defaults={"suffix": None})
@bp.get("/queries.<suffix>")
def catalogue(suffix: str | None):
    """Every named query: what it answers, its parameters and types, an example."""
    choice = r.negotiate(CATALOGUE_FORMATS, suffix)
    location = url_for("api.catalogue")
    if cached := r.not_modified(g.edkg_release, choice, location):
        return cached
    entries = [_entry(q) for q in queries.catalogue().values()]
    if choice.format is r.JSON:
        body = json.dumps({"queries": entries}, ensure_ascii=False, indent=1) + "\n"
    else:
        body = render_template("api/catalogue.html", entries=entries, location=location)
    return r.finish(
        Response(body, content_type=choice.format.content_type), g.edkg_release, choice, location
    )


def _values(named: queries.NamedQuery) -> dict[str, str]:
    """The query-string parameters, each given once and checked against the query's types."""
    values = {}
    for name in request.args:
        given = request.args.getlist(name)
        if len(given) > 1:
            raise QueryParameterError(f"parameter {name} is given {len(given)} times; give it once")
        values[name] = given[0]
    named.bind(values)  # unknown, missing and mistyped parameters raise QueryParameterError
    base = g.edkg_release.meta["base_iri"]
    for name, value in values.items():
        parameter = named.parameters[name]
        if parameter.kind != "iri" or name not in (*r.KINDS, "entity"):
            continue
        expected = f"{base}id/" if name == "entity" else f"{base}id/{name}/"
        if not value.startswith(expected) or len(value) == len(expected):
            raise QueryParameterError(
                f"parameter {name}: {value!r} is not one of the dataset's "
                f"{'entities' if name == 'entity' else name + 's'} (their IRIs start with "
                f"{expected})"
            )
    return values


@bp.get("/queries/<name>")
def run(name: str):
    """Run one named query with the parameters of the query string."""
    ident, suffix = r.split_suffix(name)
    suffix = SUFFIX_ALIASES.get(suffix, suffix)
    try:
        named = queries.get(ident)
    except UnknownQueryError:
        r.negotiate(RESULT_FORMATS, suffix)  # so that the 404 is written as the client asked
        raise
    form = query_form(named.text)
    offered = GRAPH_RESULT_FORMATS if form in ("CONSTRUCT", "DESCRIBE") else RESULT_FORMATS
    choice = r.negotiate(offered, suffix)
    values = _values(named)
    location = url_for("api.run", name=ident)
    if cached := r.not_modified(g.edkg_release, choice):
        return _with_query_location(cached, choice, location)
    fmt = choice.format
    # The answer stays true until the next release: kept per release, format and parameters.
    key = ("queries", g.edkg_release.version, ident, tuple(sorted(values.items())), fmt.media_type)
    body = result_cache().get(key)
    if body is None:
        result = queries.run(g.edkg_store, named, values)
        if fmt is n.HTML:
            body = _html(named, values, result, form)
        elif isinstance(result, ox.QueryTriples):
            body = ox.serialize(
                result, format=fmt.rdf, prefixes=r.rdf_prefixes(g.edkg_release.meta["base_iri"])
            )
        else:
            body = result.serialize(format=fmt.results)
        result_cache().put(key, body, len(body))
    response = r.finish(Response(body, content_type=fmt.content_type), g.edkg_release, choice)
    return _with_query_location(response, choice, location)


def _with_query_location(response: Response, choice: r.Choice, location: str) -> Response:
    """Content-Location of a negotiated result: the suffixed URL with the same query string."""
    if not choice.by_suffix:
        query = request.query_string.decode("ascii", "replace")
        suffixed = f"{location}.{choice.format.suffix}"
        response.headers["Content-Location"] = f"{suffixed}?{query}" if query else suffixed
    return response


def _html(named: queries.NamedQuery, values: dict, result, form: str) -> str:
    limit = int(current_app.config.get("MAX_ROWS", 10000))
    variables: list[str] = []
    rows: list[list] = []
    answer = None
    truncated = False
    if isinstance(result, ox.QueryBoolean):
        answer = bool(result)
    elif isinstance(result, ox.QuerySolutions):
        variables = [v.value for v in result.variables]
        for solution in result:
            if len(rows) >= limit:
                truncated = True
                break
            rows.append([solution[v] for v in variables])
    else:
        variables = ["subject", "predicate", "object"]
        for triple in result:
            if len(rows) >= limit:
                truncated = True
                break
            rows.append([triple.subject, triple.predicate, triple.object])
    query_string = request.query_string.decode("ascii", "replace")
    location = url_for("api.run", name=named.name)
    offered = n.GRAPH_FORMATS if form in ("CONSTRUCT", "DESCRIBE") else n.RESULT_FORMATS
    downloads = [
        (f.name, f"{location}.{f.suffix}" + (f"?{query_string}" if query_string else ""))
        for f in offered
    ]
    return render_template(
        "api/query.html",
        entry=_entry(named),
        named=named,
        values=values,
        variables=variables,
        rows=rows,
        answer=answer,
        truncated=truncated,
        limit=limit,
        downloads=downloads,
    )


# ----------------------------------------------------------------------------------------------
# OpenAPI


def openapi_document(root: str) -> dict:
    """An OpenAPI 3.0 description of the query API: one path for each named query."""
    error = {"$ref": "#/components/schemas/Error"}
    results = {
        "application/sparql-results+json": {"schema": {"$ref": "#/components/schemas/Results"}},
        "application/sparql-results+xml": {"schema": {"type": "string"}},
        "text/csv": {"schema": {"type": "string"}},
        "text/tab-separated-values": {"schema": {"type": "string"}},
        "text/html": {"schema": {"type": "string"}},
    }
    graphs = {f.media_type: {"schema": {"type": "string"}} for f in GRAPH_RESULT_FORMATS}
    paths: dict = {
        "/queries": {
            "get": {
                "operationId": "listQueries",
                "summary": "The catalogue of named queries",
                "tags": ["catalogue"],
                "responses": {
                    "200": {
                        "description": "Every named query with its parameters and their types.",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/Catalogue"}
                            },
                            "text/html": {"schema": {"type": "string"}},
                        },
                    },
                    "304": {"description": "Not modified since the ETag given."},
                    "406": {"description": "None of the accepted media types is offered."},
                },
            }
        }
    }
    for named in queries.catalogue().values():
        defaults = named.defaults()
        parameters = []
        for p in named.parameters.values():
            parameter = {
                "name": p.name,
                "in": "query",
                "required": p.required,
                "description": f"{p.type_label} (SPARQL variable ?{p.variable})",
                "schema": _schema(p),
            }
            if p.name in defaults:
                parameter["example"] = defaults[p.name]
            parameters.append(parameter)
        graph = query_form(named.text) in ("CONSTRUCT", "DESCRIBE")
        operation = {
            "operationId": re.sub(r"-(\w)", lambda m: m.group(1).upper(), named.name),
            "summary": named.summary,
            "tags": named.tags or ["queries"],
            "parameters": parameters,
            "responses": {
                "200": {
                    "description": "The query's results.",
                    "content": graphs if graph else results,
                },
                "304": {"description": "Not modified since the ETag given."},
                "400": {
                    "description": "A parameter is missing, unknown or of the wrong type.",
                    "content": {"application/json": {"schema": error}},
                },
                "406": {"description": "None of the accepted media types is offered."},
            },
        }
        if named.description.strip():
            operation["description"] = named.description.strip()
        paths[f"/queries/{named.name}"] = {"get": operation}
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "edkg named queries",
            "version": __version__,
            "description": (
                "Named SPARQL queries over the public dataset of the Enforced Disappearance "
                "Knowledge Graph. Parameters are typed by their names in the query files and "
                "bound as RDF terms, never pasted into the query text."
            ),
            "license": {
                "name": "CC BY 4.0 (the data)",
                "url": "https://creativecommons.org/licenses/by/4.0/",
            },
        },
        "servers": [{"url": root}],
        "paths": paths,
        "components": {
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {
                        "error": {
                            "type": "object",
                            "properties": {
                                "status": {"type": "integer"},
                                "title": {"type": "string"},
                                "message": {"type": "string"},
                            },
                        }
                    },
                },
                "Results": {
                    "type": "object",
                    "description": "SPARQL 1.1 Query Results JSON Format",
                    "properties": {
                        "head": {
                            "type": "object",
                            "properties": {"vars": {"type": "array", "items": {"type": "string"}}},
                        },
                        "results": {
                            "type": "object",
                            "properties": {
                                "bindings": {
                                    "type": "array",
                                    "items": {"type": "object", "additionalProperties": True},
                                }
                            },
                        },
                        "boolean": {"type": "boolean"},
                    },
                },
                "Catalogue": {
                    "type": "object",
                    "properties": {
                        "queries": {
                            "type": "array",
                            "items": {"type": "object", "additionalProperties": True},
                        }
                    },
                },
            }
        },
    }


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3 description of /queries and of every named query."""
    choice = r.Choice(r.JSON, True)
    if cached := r.not_modified(g.edkg_release, choice):
        return cached
    document = openapi_document(request.url_root.rstrip("/"))
    body = json.dumps(document, ensure_ascii=False, indent=1) + "\n"
    return r.finish(Response(body, content_type=r.JSON.content_type), g.edkg_release, choice)
