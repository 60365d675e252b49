"""What describes the data: the ontology, the concept schemes and their concepts, the VoID/DCAT
description of the dataset, and the dumps."""

from __future__ import annotations

import re

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, g, render_template, request, send_file, url_for
from werkzeug.exceptions import NotFound

from . import negotiation as n
from . import representations as r
from .dataset import dataset
from .descriptions import (
    Description,
    curie,
    describe_concept,
    graph_triples,
    local_name,
    term,
    term_labels,
)
from .dumps import BY_NAME, DUMPS, DumpCache
from .void import PREFIXES as VOID_PREFIXES
from .void import describe_dataset

bp = Blueprint("meta", __name__)
r.install(bp)

CODE = r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}"  # scheme names and concept codes


@bp.record_once
def _set_up(state) -> None:
    state.app.extensions["edkg.dumps"] = DumpCache(state.app.config["STORE"])


def _page(template: str, choice: r.Choice, location: str, **context) -> Response:
    body = render_template(template, location=location, alternates=n.GRAPH_FORMATS, **context)
    response = Response(body, content_type=n.HTML.content_type)
    response.headers["Link"] = r.link_header(location, r.PAGE_FORMATS)
    return r.finish(response, g.edkg_release, choice, location)


def _rdf(triples, choice: r.Choice, location: str) -> Response:
    response = r.rdf_response(triples, g.edkg_release, choice, location)
    response.headers["Link"] = r.link_header(location, r.PAGE_FORMATS)
    return response


# ----------------------------------------------------------------------------------------------
# The ontology


@bp.get("/ontology", defaults={"suffix": None})
@bp.get("/ontology.<suffix>")
def ontology(suffix: str | None):
    """The OWL ontology: HTML documentation of every term, or the ontology graph as RDF."""
    choice = r.negotiate(r.PAGE_FORMATS, suffix)
    location = url_for("meta.ontology")
    if cached := r.not_modified(g.edkg_release, choice, location):
        return cached
    triples = graph_triples(g.edkg_store, r.ONTOLOGY_IRI)
    if choice.format is not n.HTML:
        return _rdf(triples, choice, location)
    d = Description(r.ONTOLOGY_IRI, triples)
    ours = r.ONTOLOGY_IRI + "#"

    def terms(*classes: str) -> list:
        found = {s for c in classes for s in d.subjects("rdf:type", term(c))}
        return sorted((s for s in found if s.value.startswith(ours)), key=lambda s: s.value)

    return _page(
        "meta/ontology.html",
        choice,
        location,
        d=d,
        classes=terms("owl:Class"),
        properties=terms("owl:ObjectProperty", "owl:DatatypeProperty"),
        annotations=terms("owl:AnnotationProperty"),
        datatypes=terms("rdfs:Datatype"),
        curie=curie,
        local_name=local_name,
    )


# ----------------------------------------------------------------------------------------------
# Concept schemes and concepts


def _schemes(store: ox.Store) -> list[str]:
    return sorted(
        graph.value for graph in store.named_graphs() if graph.value.startswith(r.VOCAB_BASE)
    )


@bp.get("/vocabularies", defaults={"suffix": None})
@bp.get("/vocabularies.<suffix>")
def vocabularies(suffix: str | None):
    """The list of concept schemes, or the schemes' own statements as RDF."""
    choice = r.negotiate(r.PAGE_FORMATS, suffix)
    location = url_for("meta.vocabularies")
    if cached := r.not_modified(g.edkg_release, choice, location):
        return cached
    store = g.edkg_store
    schemes = _schemes(store)
    triples = [
        q.triple
        for iri in schemes
        for q in store.quads_for_pattern(ox.NamedNode(iri), None, None, ox.NamedNode(iri))
    ]
    if choice.format is not n.HTML:
        return _rdf(triples, choice, location)
    d = Description(r.VOCAB_BASE, triples)
    counts = {
        iri: sum(1 for _ in store.quads_for_pattern(None, term("skos:inScheme"), ox.NamedNode(iri)))
        for iri in schemes
    }
    return _page(
        "meta/vocabularies.html",
        choice,
        location,
        d=d,
        schemes=[ox.NamedNode(iri) for iri in schemes],
        counts=counts,
        local_name=local_name,
    )


@bp.get("/vocabularies/<name>", endpoint="scheme_doc")
@bp.get("/vocab/<name>")
def scheme(name: str):
    """One concept scheme: its concepts with labels, definitions, hierarchy and HURIDOCS matches."""
    ident, suffix = r.split_suffix(name)
    choice = r.negotiate(r.PAGE_FORMATS, suffix)
    store = g.edkg_store
    iri = r.VOCAB_BASE + ident
    if not _valid(ident) or not store.contains_named_graph(ox.NamedNode(iri)):
        raise NotFound(f"there is no concept scheme {ident!r}")
    location = url_for(request.endpoint, name=ident)
    if cached := r.not_modified(g.edkg_release, choice, location):
        return cached
    triples = graph_triples(store, iri)
    if choice.format is not n.HTML:
        return _rdf(triples, choice, location)
    d = Description(iri, triples)
    concepts = _ordered_concepts(d)
    matched = {
        o for c in concepts for p in ("skos:exactMatch", "skos:closeMatch") for o in d.objects(c, p)
    }
    return _page(
        "meta/scheme.html",
        choice,
        location,
        d=d,
        ident=ident,
        iri=iri,
        concepts=concepts,
        labels=term_labels(store, matched | {t.predicate for t in triples}),
        local_name=local_name,
        curie=curie,
    )


def _ordered_concepts(d: Description) -> list:
    """The concepts of a scheme, each top concept followed by its narrower ones."""
    concepts = d.subjects("skos:inScheme")
    tops = [c for c in d.objects(None, "skos:hasTopConcept") if c in concepts] or [
        c for c in concepts if not d.objects(c, "skos:broader")
    ]
    ordered: list = []

    def visit(concept, depth: int) -> None:
        if concept in ordered or depth > 20:
            return
        ordered.append(concept)
        for narrower in d.objects(concept, "skos:narrower") + d.subjects("skos:broader", concept):
            if narrower in concepts:
                visit(narrower, depth + 1)

    for top in tops:
        visit(top, 0)
    return ordered + [c for c in concepts if c not in ordered]


def _valid(ident: str) -> bool:
    return re.fullmatch(CODE, ident) is not None


@bp.get("/vocab/<scheme_name>/<name>")
def concept(scheme_name: str, name: str):
    """One concept: what it means, where it sits in its scheme, what it matches."""
    ident, suffix = r.split_suffix(name)
    choice = r.negotiate(r.PAGE_FORMATS, suffix)
    store = g.edkg_store
    iri = f"{r.VOCAB_BASE}{scheme_name}/{ident}"
    node = ox.NamedNode(iri) if _valid(scheme_name) and _valid(ident) else None
    in_scheme = ox.NamedNode(r.VOCAB_BASE + scheme_name) if node else None
    if node is None or not any(store.quads_for_pattern(node, term("skos:inScheme"), in_scheme)):
        raise NotFound(f"there is no concept {ident!r} in a scheme {scheme_name!r}")
    location = url_for("meta.concept", scheme_name=scheme_name, name=ident)
    if cached := r.not_modified(g.edkg_release, choice, location):
        return cached
    d = describe_concept(store, iri)
    if choice.format is not n.HTML:
        return _rdf(d.triples, choice, location)
    return _page(
        "meta/concept.html",
        choice,
        location,
        d=d,
        ident=ident,
        iri=iri,
        scheme=in_scheme,
        labels=term_labels(store, {t.predicate for t in d.triples}),
        curie=curie,
    )


# ----------------------------------------------------------------------------------------------
# VoID and DCAT


@bp.get("/.well-known/void", defaults={"suffix": None})
@bp.get("/.well-known/void.<suffix>")
def void(suffix: str | None):
    """The VoID and DCAT description of the dataset, in RDF (Turtle unless asked otherwise)."""
    choice = r.negotiate(n.GRAPH_FORMATS, suffix)
    location = url_for("meta.void")
    if cached := r.not_modified(g.edkg_release, choice, location):
        return cached
    root = request.url_root.rstrip("/")
    triples = describe_dataset(dataset(), g.edkg_release, g.edkg_store, root)
    body = ox.serialize(
        triples,
        format=choice.format.rdf,
        prefixes={**VOID_PREFIXES, **r.rdf_prefixes(g.edkg_release.meta["base_iri"])},
    )
    response = Response(body, content_type=choice.format.content_type)
    response.headers["Link"] = r.link_header(location, n.GRAPH_FORMATS)
    return r.finish(response, g.edkg_release, choice, location)


# ----------------------------------------------------------------------------------------------
# Dumps


def _cache() -> DumpCache:
    return current_app.extensions["edkg.dumps"]


@bp.get("/dumps/")
def dumps():
    """The list of dumps, their formats and sizes, and how to make the same file locally."""
    choice = r.Choice(n.HTML, True)
    if cached := r.not_modified(g.edkg_release, choice):
        return cached
    release = g.edkg_release
    # made now if need be, so that the listing always gives each file's size
    files = [(dump, _cache().path(release, dump)) for dump in DUMPS]
    body = render_template("meta/dumps.html", files=files, release=release)
    return r.finish(Response(body, content_type=n.HTML.content_type), release, choice)


@bp.get("/dumps/<name>")
def dump(name: str):
    """One dump: `edkg export` output of the current release, gzipped."""
    found = BY_NAME.get(name)
    g.edkg_choice = r.Choice(r.TEXT, True)
    if found is None:
        raise NotFound(f"there is no dump {name!r}; /dumps/ lists them")
    release = g.edkg_release
    path = _cache().path(release, found)
    response = send_file(
        path,
        mimetype="application/gzip",
        as_attachment=True,
        download_name=found.name,
        conditional=True,
        etag=f"{release.version}-{found.export_format}.gz",
        max_age=0,
    )
    return response
