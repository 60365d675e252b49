"""The lexical guard: size, nesting, SERVICE and LOAD, query form and FROM, never fooled by text."""

from __future__ import annotations

import contextlib
import itertools
import socket
import threading

import pyoxigraph as ox
import pytest
from edkg import sparql_guard as g

LIMIT = 102_400


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
        "SELECT * { SERVICE ?endpoint { ?s ?p ?o } }",
        "SELECT * { SERVICE SILENT <http://example.org/sparql> { ?s ?p ?o } }",
        "select * { service<http://example.org/sparql>{?s ?p ?o} }",
        "SELECT*{sErViCe<http://example.org/sparql>{}}",
        "SELECT * { ?s ?p 1.SERVICE <http://example.org/sparql> { } }",
        "SELECT * { ?s ?p ?o .SERVICE <http://example.org/sparql> { } }",
        "# a comment\nSELECT * { SERVICE <http://example.org/> {} } # SERVICE",
        "SELECT * { ?s ?p true.SERVICE <http://example.org/sparql> { } }",
        "SELECT * { ?s ?p trueSERVICE <http://example.org/sparql> { } }",
        "SELECT * { ?s ?p falseservice <http://example.org/sparql> { } }",
        "PREFIX ex: <http://e/> SELECT * { ?s ?p ex:.SERVICE <http://example.org/sparql> { } }",
        "SELECT * { ?s ?p 'x'@en.SERVICE <http://example.org/sparql> { } }",
        "SELECT * { ?s ?p ()SERVICE <http://example.org/sparql> { } }",
        "LOAD <http://example.org/data.ttl>",
        "load <http://example.org/data.ttl> INTO GRAPH <http://example.org/g>",
    ],
)
def test_service_and_load_are_refused(query):
    with pytest.raises(g.QueryRefused) as caught:
        g.check(query, LIMIT)
    assert caught.value.status == 400
    assert "SERVICE" in caught.value.message or "LOAD" in caught.value.message


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * { ?s ?p 'SERVICE' }",
        'SELECT * { ?s ?p "a SERVICE here" }',
        "SELECT * { ?s ?p '''SERVICE\n<http://example.org/> {}''' }",
        'SELECT * { ?s ?p """LOAD <http://example.org/>""" }',
        'SELECT * { ?s ?p "escaped \\" SERVICE" }',
        "SELECT * { ?s <http://example.org/SERVICE> ?o }",
        "SELECT * { ?s <urn:load> ?o }",
        "# SERVICE <http://example.org/> { }\nSELECT * { ?s ?p ?o }",
        "SELECT ?service ?load { ?service ?p $load }",
        "PREFIX service: <http://example.org/>\nSELECT * { ?s service:load ?o }",
        "PREFIX : <http://example.org/>\nSELECT * { ?s :SERVICE ?o }",
        "SELECT * { _:service ?p ?o }",
        'SELECT * { ?s ?p "x"@service }',
        "SELECT * { ?s ?p ?o FILTER(?o < 3 && ?o > 1) }",
    ],
)
def test_keywords_inside_strings_iris_comments_and_names_are_ignored(query):
    assert g.check(query, LIMIT) is not None


def test_form_and_dataset_clause():
    scan = g.check(
        "BASE <http://example.org/>\nPREFIX select: <http://example.org/s#>\n"
        "construct { ?s ?p ?o } FROM <g> WHERE { { SELECT * { ?s ?p ?o } } }",
        LIMIT,
    )
    assert scan.form == "CONSTRUCT"
    assert scan.names_dataset
    assert g.scan("ASK {}").form == "ASK"
    assert g.scan("DESCRIBE <http://example.org/>").form == "DESCRIBE"
    assert g.scan("SELECT * { ?s <http://example.org/from> ?o }").names_dataset is False
    assert g.scan("SELECT * { ?s ?p 'FROM' }").names_dataset is False
    assert g.scan("PREFIX x: <y:> SELECT * FROM NAMED <g> {}").names_dataset
    assert g.scan("INSERT DATA {}").form is None


def test_nesting_is_counted_outside_strings():
    assert g.scan("SELECT * { { { } } }").depth == 3
    assert g.scan("SELECT ((((1)))) {}").depth == 4
    assert g.scan("SELECT * { ?s ?p '((((((((' }").depth == 1
    assert g.scan("SELECT * { ?s ?p <http://e/((((> }").depth == 1
    assert g.scan("SELECT * { } # ((((((((").depth == 1


def test_five_thousand_nested_parentheses_are_refused():
    query = "SELECT (" + "(" * 5000 + "1" + ")" * 5000 + " AS ?x) {}"
    with pytest.raises(g.QueryRefused) as caught:
        g.check(query, LIMIT)
    assert "5001 levels deep" in caught.value.message
    assert f"at most {g.MAX_DEPTH}" in caught.value.message


def test_nesting_up_to_the_limit_passes():
    depth = g.MAX_DEPTH - 1
    query = "SELECT (" + "(" * depth + "1" + ")" * depth + " AS ?x) {}"
    assert g.check(query, LIMIT).depth == g.MAX_DEPTH


def test_size_limit_is_in_utf8_bytes_and_checked_first():
    at_limit = "ASK {}" + " " * (LIMIT - 6)
    assert g.check(at_limit, LIMIT).form == "ASK"
    with pytest.raises(g.QueryTooLarge) as caught:
        g.check(at_limit + " ", LIMIT)
    assert caught.value.status == 413
    assert "102,401 bytes" in caught.value.message
    korean = "ASK { ?s ?p '" + "가" * 40 + "' }"  # 3 bytes a syllable
    with pytest.raises(g.QueryTooLarge):
        g.check(korean, 100)
    # The size check comes before the scan: a huge query is refused for its size.
    with pytest.raises(g.QueryTooLarge):
        g.check("SERVICE " * 20_000, LIMIT)


def test_unterminated_string_is_left_to_the_parser():
    assert g.check("SELECT * { ?s ?p 'unterminated }", LIMIT).form == "SELECT"


def test_the_guard_reads_service_as_oxigraph_does():
    """Differential check: every variant the guard lets through makes Oxigraph connect nowhere.

    Thousands of spellings of a SERVICE call, glued to the tokens before them in every way, go
    through the guard; those it passes run in a real pyoxigraph store against a listener on
    127.0.0.1, which must see no connection. (It accepts and closes at once: Oxigraph's SERVICE
    has no timeout.) Without the guard, some of these variants do connect.
    """
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    url = f"http://127.0.0.1:{server.getsockname()[1]}/"
    hits = []

    def accept():
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            hits.append(1)
            conn.close()

    threading.Thread(target=accept, daemon=True).start()
    before = [
        "true",
        "false",
        "a",
        "UNION",
        "OPTIONAL",
        "FILTER",
        "ex:",
        "ex:a",
        "_:b",
        "?o",
        "1",
        "1.5",
        "1e5",
        "'x'",
        '"x"@en',
        '"x"^^ex:t',
        "<http://x>",
        "()",
        "[]",
        "}",
        "",
    ]
    glue = ["", " ", ".", "-", ",", ";", "\\", "#\n", "+", "/", "|", "^", "!", "*", "\u00b7", "_"]
    calls = [f"SERVICE <{url}> {{ }}", f"service silent<{url}>{{}}", "Service ?svc { }"]
    store = ox.Store()
    passed = connected = 0
    try:
        for token, sep, call in itertools.product(before, glue, calls):
            for shape in ("{{ ?s ?p {} }}", "{{ {} }}"):
                body = shape.format(f"{token}{sep}{call}")
                query = f"PREFIX ex: <http://e/> SELECT * {body} VALUES ?svc {{ <{url}> }}"
                try:
                    g.check(query, LIMIT)
                except g.QueryRefused:
                    continue
                passed += 1
                with contextlib.suppress(SyntaxError, OSError):
                    list(store.query(query))
                connected += len(hits)
                hits.clear()
    finally:
        server.close()
    assert passed > 100  # the variants the guard lets through are really run
    assert connected == 0


@pytest.mark.parametrize(
    "query, operators",
    [
        ("ASK { FILTER(1 && 2 || 3) }", 3),  # FILTER, &&, ||
        ("ASK { FILTER(?a != ?b && ?c <= 2 && ?d >= 3) }", 6),
        ('ASK { FILTER("&& || UNION" = "x") } # && UNION MINUS', 2),  # strings, comments
        ("SELECT * { ?s <http://x/a+b> ?o }", 1),  # the *, not the IRI's +
        ('SELECT * { ?s ?p "2"^^<http://www.w3.org/2001/XMLSchema#int> }', 1),  # ^^ is no operator
        ("SELECT * { { ?s ?p ?o } UNION { ?s ?q ?o } MINUS { ?s a ?c } OPTIONAL { ?s ?r ?o } }", 4),
        ("SELECT ?s { ?s <p>/<q>|^<r> ?o }", 3),
    ],
)
def test_operators_are_counted_outside_strings_iris_and_comments(query, operators):
    assert g.scan(query).operators == operators


def test_the_operator_limit_refuses_long_chains_with_a_clear_message():
    limit = g.MAX_OPERATORS_REMOTE
    under = "ASK { FILTER(" + "&&".join(["true"] * limit) + ") }"  # limit - 1 && and a FILTER
    assert g.check(under, 102_400, max_operators=limit).operators == limit
    over = "ASK { ?s ?p ?o " + " ".join(["MINUS { ?s ?p ?o }"] * (limit + 1)) + "}"
    with pytest.raises(g.QueryRefused, match=f"{limit + 1:,} operators"):
        g.check(over, 102_400, max_operators=limit)
    assert g.check(over, 102_400).operators == limit + 1  # no limit by default


def test_every_named_query_is_far_below_the_operator_limit():
    from edkg import queries

    for named in queries.catalogue().values():
        assert g.scan(named.text).operators < g.MAX_OPERATORS_REMOTE / 10
