"""Representations of the published resources: choosing one, validators, headers and errors.

The linked-data routes (pages, meta, api) share one way of answering:

- the format comes from a file suffix (``/id/case/C001.ttl``) or, without one, from the Accept
  header (``negotiation.choose``); a negotiated response says ``Vary: Accept`` and gives the
  suffixed document it chose in ``Content-Location`` ("Cool URIs for the Semantic Web", direct
  content negotiation);
- every response carries an ETag made of the release version and the format, and a request whose
  If-None-Match holds it is answered 304 before any query runs (the published data changes only
  when a build publishes a new release, and the release version is a digest of everything the
  build read, the edkg version included);
- every response may be read from any origin (the routes are read-only and public);
- errors are written in the format that was negotiated: an HTML page, a short RDF document whose
  comment says what went wrong, a JSON object, or plain text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox
from edkg.errors import EdkgError
from edkg.export import PREFIXES
from edkg.store import Release
from flask import Blueprint, Response, g, render_template, request
from werkzeug.exceptions import HTTPException, NotFound

from . import negotiation as n
from .dataset import dataset

# Plain JSON, for documents that are not SPARQL results (the query catalogue).
JSON = n.Format("json", "application/json", "json")
TEXT = n.Format("text", "text/plain", "txt")

# An entity page: HTML for people first, then the graph formats.
PAGE_FORMATS = (n.HTML, *n.GRAPH_FORMATS)

VOCAB_BASE = "https://w3id.org/edkg/vocab/"
ONTOLOGY_IRI = "https://w3id.org/edkg/ontology"
KINDS = ("case", "person", "place", "event", "organisation", "source")


@dataclass(frozen=True)
class Choice:
    """The representation a request gets, and whether a suffix (not Accept) chose it."""

    format: n.Format
    by_suffix: bool


def negotiate(offered: tuple[n.Format, ...], suffix: str | None = None) -> Choice:
    """Choose the representation: the suffix's format if given (404 if none has it), else Accept.

    The choice is remembered for the request, so that an error is written in the same format.
    """
    if suffix is not None:
        fmt = n.by_suffix(suffix, offered)
        if fmt is None:
            g.edkg_choice = Choice(n.HTML if n.HTML in offered else TEXT, True)
            raise NotFound(f"no document in the format {suffix!r} here")
        choice = Choice(fmt, True)
    else:
        g.edkg_choice = Choice(TEXT, False)  # what a 406 is written in
        choice = Choice(n.choose(request, offered), False)
    g.edkg_choice = choice
    return choice


def split_suffix(name: str) -> tuple[str, str | None]:
    """``C001.ttl`` -> (``C001``, ``ttl``); ``C001`` -> (``C001``, None)."""
    stem, dot, suffix = name.rpartition(".")
    return (stem, suffix) if dot else (name, None)


def etag(release: Release, fmt: n.Format) -> str:
    """The validator of every published representation: release version and format."""
    return f"{release.version}-{fmt.name}"


def not_modified(release: Release, choice: Choice, location: str | None = None) -> Response | None:
    """A 304 response when the client already holds this representation, else None."""
    tag = etag(release, choice.format)
    if not request.if_none_match.contains_weak(tag):
        return None
    return finish(Response(status=304), release, choice, location)


def finish(
    response: Response, release: Release | None, choice: Choice, location: str | None = None
) -> Response:
    """Set the validator, Vary and Content-Location of a representation."""
    if release is not None:
        response.set_etag(etag(release, choice.format))
    if not choice.by_suffix:
        response.vary.add("Accept")
        if location:
            response.headers["Content-Location"] = f"{location}.{choice.format.suffix}"
    return response


def link_header(location: str, formats: Iterable[n.Format]) -> str:
    """An HTTP Link header naming every alternate representation of a resource."""
    return ", ".join(
        f'<{location}.{f.suffix}>; rel="alternate"; type="{f.media_type}"' for f in formats
    )


def rdf_prefixes(base_iri: str) -> dict[str, str]:
    """The prefixes written in Turtle, JSON-LD and RDF/XML: standards, ontology, our kinds."""
    prefixes = {
        **PREFIXES,
        "vocab": VOCAB_BASE,
        "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    }
    prefixes.update({kind: f"{base_iri}id/{kind}/" for kind in KINDS})
    return prefixes


def rdf_response(
    triples: Iterable[ox.Triple], release: Release, choice: Choice, location: str | None = None
) -> Response:
    """Serialise triples in the chosen graph format."""
    fmt = choice.format
    body = ox.serialize(triples, format=fmt.rdf, prefixes=rdf_prefixes(release.meta["base_iri"]))
    response = Response(body, content_type=fmt.content_type)
    return finish(response, release, choice, location)


def local_path(iri: str, base_iri: str) -> str | None:
    """The path at which this server answers for one of our IRIs, or None for another's IRI.

    Instance IRIs (``<base>id/...``) map to ``/id/...`` whatever host the server runs on; concept
    IRIs to ``/vocab/...``; the ontology and its terms (``...ontology#Case``) to ``/ontology``.
    """
    root = request.script_root
    if iri.startswith(base_iri + "id/"):
        return f"{root}/{iri[len(base_iri) :]}"
    if iri.startswith(VOCAB_BASE):
        return f"{root}/vocab/{iri[len(VOCAB_BASE) :]}"
    if iri == ONTOLOGY_IRI or iri.startswith(ONTOLOGY_IRI + "#"):
        return f"{root}/ontology{iri[len(ONTOLOGY_IRI) :]}"
    return None


def _is_iri(node) -> bool:
    return isinstance(node, ox.NamedNode)


# ----------------------------------------------------------------------------------------------
# Errors in the negotiated format

_COMMENT_UNSAFE = re.compile(r"[\x00-\x1f\x7f]|--")


def _comment(message: str) -> str:
    return _COMMENT_UNSAFE.sub(" ", message)


def error_response(status: int, title: str, message: str) -> Response:
    """An error written in the format chosen for the request (HTML when none was)."""
    choice: Choice = g.get("edkg_choice") or Choice(n.HTML, True)
    fmt = choice.format
    if status == 406:
        fmt = TEXT
    line = f"{status} {title}: {message}"
    error = {"status": status, "title": title, "message": message}
    if fmt is n.HTML:
        body = render_template("error.html", status=status, message=message)
    elif fmt.rdf is ox.RdfFormat.RDF_XML:
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f"<!-- {_comment(line)} -->\n"
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>\n'
        )
    elif fmt.rdf is ox.RdfFormat.JSON_LD:
        # "error" is no JSON-LD term: processors read an empty graph, people read the message
        body = json.dumps({"@graph": [], "error": error}) + "\n"
    elif fmt in (JSON, n.SPARQL_JSON):
        body = json.dumps({"error": error}) + "\n"
    elif fmt.rdf is not None:  # Turtle, N-Triples: a comment is an empty graph
        body = f"# {_comment(line)}\n"
    else:
        fmt = TEXT
        body = line + "\n"
    response = Response(body, status=status, content_type=fmt.content_type)
    if not choice.by_suffix:
        response.vary.add("Accept")
    return response


def allow_any_origin(response: Response) -> Response:
    """CORS: the published data may be read by scripts from any origin."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = "ETag, Content-Location, Link"
    return response


def _open_release() -> None:
    g.edkg_release, g.edkg_store = dataset().current()


def href(node) -> str:
    """Where a page links for a term: our IRIs to this server's paths, others to themselves."""
    iri = node.value if hasattr(node, "value") else str(node)
    return local_path(iri, g.edkg_release.meta["base_iri"]) or iri


def _vocab(path: str) -> ox.NamedNode:
    return ox.NamedNode(VOCAB_BASE + path)


def _term(curie: str) -> ox.NamedNode:
    from .descriptions import term

    return term(curie)


TEMPLATE_HELPERS = {"href": href, "is_iri": _is_iri, "vocab": _vocab, "term": _term}


def install(bp: Blueprint) -> None:
    """Give a blueprint the current release, CORS, template helpers and negotiated errors."""
    bp.before_request(_open_release)
    bp.after_request(allow_any_origin)
    bp.context_processor(lambda: TEMPLATE_HELPERS)

    @bp.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        status = error.code or 500
        return error_response(status, error.name, error.description or error.name)

    @bp.errorhandler(EdkgError)
    def edkg_error(error: EdkgError):
        title = {400: "Bad Request", 404: "Not Found", 503: "Service Unavailable"}.get(
            error.status, "Error"
        )
        return error_response(error.status, title, error.message)
