"""Named queries: headers, typed parameters bound as terms, and errors."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from edkg import queries
from edkg.errors import QueryParameterError, UnknownQueryError
from edkg.store import StoreDir


def test_every_bundled_query_has_a_summary_and_parses():
    catalogue = queries.catalogue()
    assert len(catalogue) >= 12
    store = ox.Store()
    for named in catalogue.values():
        assert named.summary and named.summary != named.name, named.name
        defaults = named.defaults()
        values = {k: v for k, v in defaults.items() if k in named.parameters}
        if named.meta.get("federated") is True:
            continue  # refused before it runs, never sent anywhere: tests/graph/test_federated.py
        queries.run(store, named, values)  # parses and runs on an empty store


def test_parameters_are_read_from_basil_names():
    named = queries.get("case-events")
    assert list(named.parameters) == ["case"]
    case = named.parameters["case"]
    assert case.required and case.kind == "iri" and case.variable == "_case_iri"
    home = queries.get("arrest-location").parameters["home"]
    assert not home.required and home.kind == "literal"


@pytest.mark.parametrize(
    ("variable", "kind", "datatype", "language"),
    [
        (("_", "since_xsd_date"), "typed", "date", None),
        (("__", "limit_xsd_integer"), "typed", "integer", None),
        (("_", "label_en"), "lang", None, "en"),
        (("_", "place_iri"), "iri", None, None),
        (("_", "name"), "literal", None, None),
    ],
)
def test_parameter_types(variable, kind, datatype, language):
    parameter = queries.Parameter.from_variable(*variable)
    assert (parameter.kind, parameter.datatype, parameter.language) == (kind, datatype, language)


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        (("_", "since_xsd_date"), "2013-02-30"),
        (("_", "limit_xsd_integer"), "ten"),
        (("_", "place_iri"), "not an iri"),
        (("_", "place_iri"), "<http://x> } ; DROP ALL ; {"),
    ],
)
def test_wrong_values_are_refused(variable, value):
    with pytest.raises(QueryParameterError):
        queries.Parameter.from_variable(*variable).term(value)


def test_values_are_bound_as_terms_not_pasted(test_store):
    store = StoreDir(test_store).current().open("public")
    named = queries.get("arrest-location")
    injected = 'KP") || true || ("'
    rows = list(queries.run(store, named, {"home": injected}))
    # The hostile value is compared as one string: nothing is inside, both arrests are abroad.
    assert [(r["location"].value, int(r["victims"].value)) for r in rows] == [("abroad", 2)]


def test_missing_and_unknown_parameters(test_store):
    store = StoreDir(test_store).current().open("public")
    with pytest.raises(QueryParameterError, match="needs parameter case"):
        queries.run(store, queries.get("case-events"), {})
    with pytest.raises(QueryParameterError, match="no parameter colour"):
        queries.run(store, queries.get("totals"), {"colour": "red"})


@pytest.mark.parametrize("name", ["nope", "../totals", "totals.rq", ""])
def test_unknown_query(name):
    with pytest.raises(UnknownQueryError):
        queries.get(name)
