"""An independent RDF parser, rapper (Debian raptor2-utils), reads what the routes serve.

rapper is installed by tests/tools/install.sh; these tests fail, not skip, without it. Raptor 2 has
no JSON-LD parser, so JSON-LD is read by two other parsers instead: rdflib and Oxigraph.
"""

from __future__ import annotations

import gzip
import re
import shutil
import subprocess

import pyoxigraph as ox
import pytest
import rdflib
from edkg.store import StoreDir

RAPPER_FORMATS = [("ttl", "turtle"), ("nt", "ntriples"), ("rdf", "rdfxml")]
DOCUMENTS = [
    "/id/case/C001",
    "/id/person/P001",
    "/id/place/kp",
    "/id/place/tumen",
    "/id/event/C001-E2",
    "/id/organisation/kp_mss",
    "/id/source/S001",
    "/ontology",
    "/vocabularies",
    "/vocabularies/reason",
    "/vocab/huridocs",
    "/vocab/event-type/arrest",
    "/.well-known/void",
    "/id/case/C999",  # a 404 is still a valid (empty) document
]


def rapper(data: bytes, syntax: str) -> int:
    """Parse with rapper and return the number of triples it read; fail on any error."""
    binary = shutil.which("rapper")
    assert binary, "rapper is missing: run tests/tools/install.sh (Debian raptor2-utils)"
    result = subprocess.run(
        [binary, "-i", syntax, "-c", "-", "http://localhost/"],
        input=data,
        capture_output=True,
        timeout=60,
        check=False,
    )
    errors = result.stderr.decode("utf-8", "replace")
    assert result.returncode == 0, errors
    assert "Error" not in errors and "Warning" not in errors, errors
    return int(re.search(r"returned (\d+) (triple|statement)", errors).group(1))


@pytest.mark.parametrize("path", DOCUMENTS)
@pytest.mark.parametrize(("suffix", "syntax"), RAPPER_FORMATS)
def test_rapper_reads_every_rdf_document(client, path, suffix, syntax):
    response = client.get(f"{path}.{suffix}")
    assert response.status_code in (200, 404)
    count = rapper(response.data, syntax)
    expected = len(
        rdflib.Graph().parse(
            data=response.get_data(as_text=True),
            format={"ttl": "turtle", "nt": "nt", "rdf": "xml"}[suffix],
        )
    )
    assert count == expected
    assert (count > 0) == (response.status_code == 200)


@pytest.mark.parametrize("path", DOCUMENTS)
def test_json_ld_is_read_alike_by_rdflib_and_oxigraph(client, path):
    response = client.get(f"{path}.jsonld")
    text = response.get_data(as_text=True)
    with_rdflib = rdflib.Graph().parse(data=text, format="json-ld")
    with_oxigraph = list(ox.parse(response.data, format=ox.RdfFormat.JSON_LD))
    assert len(with_rdflib) == len({q.triple for q in with_oxigraph})
    turtle = rdflib.Graph().parse(data=client.get(f"{path}.ttl").get_data(as_text=True))
    assert len(with_rdflib) == len(turtle)


@pytest.mark.parametrize(("name", "syntax"), [("edkg.ttl.gz", "turtle"), ("edkg.nq.gz", "nquads")])
def test_rapper_reads_the_dumps(client, sample_store, name, syntax):
    with client.get(f"/dumps/{name}") as response:
        data = gzip.decompress(response.data)
    count = rapper(data, syntax)
    public = list(StoreDir(sample_store).current().open("public"))
    triples = {q.triple for q in public}
    quads = len(public)
    assert count == (len(triples) if syntax == "turtle" else quads)
