"""Content negotiation: q-values, wildcards, aliases, 406."""

from __future__ import annotations

import pytest
from edkg.server import negotiation as n
from flask import Flask, request
from werkzeug.exceptions import NotAcceptable

app = Flask(__name__)
PAGE = (n.HTML, *n.GRAPH_FORMATS)


@pytest.mark.parametrize(
    ("accept", "offered", "expected"),
    [
        (None, PAGE, n.HTML),
        ("*/*", PAGE, n.HTML),
        ("*/*", n.GRAPH_FORMATS, n.TURTLE),
        ("text/turtle", PAGE, n.TURTLE),
        ("application/ld+json;q=0.9, text/turtle;q=0.5", PAGE, n.JSONLD),
        ("text/html;q=0.1, application/rdf+xml", PAGE, n.RDFXML),
        ("application/n-triples, */*;q=0.1", PAGE, n.NTRIPLES),
        ("text/*", n.RESULT_FORMATS, n.SPARQL_CSV),
        ("application/json", n.RESULT_FORMATS, n.SPARQL_JSON),
        ("application/xml", n.RESULT_FORMATS, n.SPARQL_XML),
        ("text/plain", n.GRAPH_FORMATS, n.NTRIPLES),
    ],
)
def test_choose(accept, offered, expected):
    headers = {"Accept": accept} if accept else {}
    with app.test_request_context("/", headers=headers):
        assert n.choose(request, offered) == expected


def test_nothing_acceptable_is_406():
    with (
        app.test_request_context("/", headers={"Accept": "image/png"}),
        pytest.raises(NotAcceptable),
    ):
        n.choose(request, PAGE)


def test_suffixes():
    assert n.by_suffix("ttl", PAGE) == n.TURTLE
    assert n.by_suffix("jsonld", PAGE) == n.JSONLD
    assert n.by_suffix("exe", PAGE) is None
