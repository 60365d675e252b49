"""The home page and the dereferenceable IRIs of cases, persons, places, events, organisations
and sources: ``/id/{kind}/{id}`` answers with an HTML page or RDF by content negotiation."""

from __future__ import annotations

import logging

from edkg.records import ID_PATTERN
from flask import Blueprint, Response, g, render_template, url_for
from werkzeug.exceptions import NotFound

from . import negotiation as n
from . import representations as r
from .dataset import dataset
from .descriptions import RELATIONSHIPS, describe, exists, term, term_labels

log = logging.getLogger(__name__)

bp = Blueprint("pages", __name__)
r.install(bp)


def _text(term) -> str:
    return "" if term is None else term.value


def _rows(rows: list[dict]) -> list[dict]:
    return [{k: _text(v) for k, v in row.items()} for row in rows]


@bp.get("/")
def home():
    """What the dataset holds, the list of cases, and where to go next."""
    choice = r.Choice(n.HTML, True)
    release = g.edkg_release
    if cached := r.not_modified(release, choice):
        return cached
    data = dataset()
    totals = _rows(data.select("totals"))[0]
    cases = _rows(data.select("cases"))
    page = render_template("pages/home.html", totals=totals, cases=cases, release=release)
    return r.finish(Response(page, content_type=n.HTML.content_type), release, choice)


@bp.get("/id/<kind>/<name>")
def entity(kind: str, name: str):
    """One case, person, place, event, organisation or source, as HTML or RDF."""
    ident, suffix = r.split_suffix(name)
    choice = r.negotiate(r.PAGE_FORMATS, suffix)
    if kind not in r.KINDS or not ID_PATTERN.match(ident):
        raise NotFound(f"there is no {kind} {ident!r} here")
    release, store = g.edkg_release, g.edkg_store
    iri = f"{release.meta['base_iri']}id/{kind}/{ident}"
    if not exists(store, iri, kind):
        raise NotFound(f"the dataset holds no {kind} {ident!r}")
    location = url_for("pages.entity", kind=kind, name=ident)
    if cached := r.not_modified(release, choice, location):
        return cached
    description = describe(store, iri, kind)
    log.debug("described %s: %d triples", iri, len(description))
    if choice.format is n.HTML:
        response = Response(
            render_template(
                f"pages/{kind}.html",
                d=description,
                kind=kind,
                ident=ident,
                iri=iri,
                location=location,
                alternates=n.GRAPH_FORMATS,
                labels=term_labels(store, _properties(description)),
            ),
            content_type=n.HTML.content_type,
        )
        response = r.finish(response, release, choice, location)
    else:
        response = r.rdf_response(description.triples, release, choice, location)
    response.headers["Link"] = r.link_header(location, r.PAGE_FORMATS)
    return response


def _properties(description) -> set:
    return {t.predicate for t in description.triples} | {term(name) for name in RELATIONSHIPS}
