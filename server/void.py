"""The VoID and DCAT description of the public dataset (``/.well-known/void``).

Counts come from the release (its triples) and from the dataset-* and links-to named queries;
addresses (SPARQL endpoint, dumps) from the address the request came to, so the description is
right wherever the server runs.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox
from edkg.store import Release

from .dataset import Dataset
from .descriptions import EDKG, KIND_CLASSES
from .dumps import DUMPS
from .representations import ONTOLOGY_IRI, VOCAB_BASE

VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
DCTERMS = "http://purl.org/dc/terms/"
FOAF = "http://xmlns.com/foaf/0.1/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
OWL = "http://www.w3.org/2002/07/owl#"
FORMATS = "http://www.w3.org/ns/formats/"
MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"
LICENCE = "https://creativecommons.org/licenses/by/4.0/"

PREFIXES = {
    "void": VOID,
    "dcat": DCAT,
    "dcterms": DCTERMS,
    "foaf": FOAF,
    "xsd": XSD,
    "skos": SKOS,
    "owl": OWL,
    "edkg": EDKG,
    "formats": FORMATS,
}


@dataclass(frozen=True)
class LinkedDataset:
    """Another dataset our resources link to with skos:exactMatch."""

    key: str
    title: str
    homepage: str
    namespace: str


LINKED = (
    LinkedDataset(
        "wikidata", "Wikidata", "https://www.wikidata.org/", "http://www.wikidata.org/entity/"
    ),
    LinkedDataset("geonames", "GeoNames", "https://www.geonames.org/", "https://sws.geonames.org/"),
)
FEATURES = ("Turtle", "N-Triples", "JSON-LD", "RDF_XML", "N-Quads")


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _int(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=_n(XSD + "integer"))


def namespace(iri: str) -> str:
    """The namespace of a term: its IRI up to the last ``#`` or ``/``."""
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1]


def describe_dataset(
    data: Dataset, release: Release, store: ox.Store, root: str
) -> list[ox.Triple]:
    """The triples of the VoID/DCAT description; `root` is the server's address, no final slash."""
    base = release.meta["base_iri"]
    doc = f"{root}/.well-known/void"
    ds = _n(doc + "#dataset")
    out: list[ox.Triple] = []

    def add(s, p: str, o) -> None:
        out.append(ox.Triple(s, _n(p), o))

    def text(value: str, lang: str | None = "en") -> ox.Literal:
        return ox.Literal(value, language=lang) if lang else ox.Literal(value)

    add(_n(doc), RDF + "type", _n(VOID + "DatasetDescription"))
    add(_n(doc), FOAF + "primaryTopic", ds)
    add(_n(doc), DCTERMS + "title", text("Description of the edkg dataset"))

    add(ds, RDF + "type", _n(VOID + "Dataset"))
    add(ds, RDF + "type", _n(DCAT + "Dataset"))
    add(ds, DCTERMS + "title", text("Enforced Disappearance Knowledge Graph"))
    add(ds, DCTERMS + "title", text("강제실종 지식그래프", "ko"))
    add(
        ds,
        DCTERMS + "description",
        text(
            "Public records of enforced disappearances (cases, the persons concerned, the events "
            "of arrest, detention, transfer and repatriation, places, state agencies and the "
            "public part of the sources) as linked data under the edkg ontology. Persons are "
            "recorded under pseudonyms; the identities of sources are never published."
        ),
    )
    add(ds, DCTERMS + "license", _n(LICENCE))
    add(ds, DCTERMS + "conformsTo", _n(ONTOLOGY_IRI))
    add(ds, OWL + "versionInfo", text(release.version, None))
    add(ds, FOAF + "homepage", _n(root + "/"))
    add(ds, DCAT + "landingPage", _n(root + "/"))
    add(ds, VOID + "uriSpace", text(f"{base}id/", None))
    add(ds, VOID + "sparqlEndpoint", _n(root + "/sparql"))
    add(ds, VOID + "triples", _int(int(release.meta["triples"]["public"])))
    for feature in FEATURES:
        add(ds, VOID + "feature", _n(FORMATS + feature))

    # An example resource: the first case.
    cases = data.select("cases")
    if cases:
        add(ds, VOID + "exampleResource", cases[0]["case"])

    # Dumps and the SPARQL service, as VoID and as DCAT distributions.
    for dump in DUMPS:
        url = _n(f"{root}/dumps/{dump.name}")
        dist = _n(f"{doc}#dump-{dump.export_format}")
        add(ds, VOID + "dataDump", url)
        add(ds, DCAT + "distribution", dist)
        add(dist, RDF + "type", _n(DCAT + "Distribution"))
        add(dist, DCTERMS + "title", text(dump.title))
        add(dist, DCAT + "downloadURL", url)
        add(dist, DCAT + "accessURL", url)
        add(dist, DCAT + "mediaType", _n(MEDIA_TYPES + dump.media_type))
        add(dist, DCAT + "compressFormat", _n(MEDIA_TYPES + "application/gzip"))
        add(dist, DCTERMS + "format", text(dump.media_type, None))
        add(dist, DCTERMS + "license", _n(LICENCE))
    service = _n(doc + "#sparql")
    dist = _n(doc + "#sparql-distribution")
    add(service, RDF + "type", _n(DCAT + "DataService"))
    add(service, DCTERMS + "title", text("SPARQL 1.1 endpoint"))
    add(service, DCAT + "endpointURL", _n(root + "/sparql"))
    add(service, DCAT + "servesDataset", ds)
    add(service, DCTERMS + "conformsTo", _n("https://www.w3.org/TR/sparql11-protocol/"))
    add(ds, DCAT + "distribution", dist)
    add(dist, RDF + "type", _n(DCAT + "Distribution"))
    add(dist, DCTERMS + "title", text("Access through the SPARQL endpoint"))
    add(dist, DCAT + "accessURL", _n(root + "/sparql"))
    add(dist, DCAT + "accessService", service)

    # Class and property partitions, and the vocabularies they come from.
    classes = data.select("dataset-classes")
    properties = data.select("dataset-properties")
    vocabularies = set()
    entities = 0
    for i, row in enumerate(classes, 1):
        part = ox.BlankNode(f"class{i}")
        add(ds, VOID + "classPartition", part)
        add(part, VOID + "class", row["class"])
        add(part, VOID + "entities", _int(int(row["entities"].value)))
        vocabularies.add(namespace(row["class"].value))
        if row["class"].value in {EDKG + name for name in KIND_CLASSES.values()}:
            entities += int(row["entities"].value)  # the kinds are disjoint classes
    for i, row in enumerate(properties, 1):
        part = ox.BlankNode(f"property{i}")
        add(ds, VOID + "propertyPartition", part)
        add(part, VOID + "property", row["property"])
        add(part, VOID + "triples", _int(int(row["triples"].value)))
        vocabularies.add(namespace(row["property"].value))
    add(ds, VOID + "entities", _int(entities))
    add(ds, VOID + "classes", _int(len(classes)))
    add(ds, VOID + "properties", _int(len(properties)))
    schemes = sorted(g.value for g in store.named_graphs() if g.value.startswith(VOCAB_BASE))
    for iri in [*sorted(vocabularies), ONTOLOGY_IRI, *schemes]:
        add(ds, VOID + "vocabulary", _n(iri))

    # Link sets: skos:exactMatch to Wikidata and GeoNames.
    for other in LINKED:
        rows = data.select("links-to", namespace=other.namespace)
        links = {(row["resource"], row["target"]) for row in rows}  # a row per name otherwise
        target = _n(f"{doc}#{other.key}")
        linkset = _n(f"{doc}#links-{other.key}")
        add(target, RDF + "type", _n(VOID + "Dataset"))
        add(target, DCTERMS + "title", text(other.title))
        add(target, FOAF + "homepage", _n(other.homepage))
        add(target, VOID + "uriSpace", text(other.namespace, None))
        add(ds, VOID + "subset", linkset)
        add(linkset, RDF + "type", _n(VOID + "Linkset"))
        add(linkset, VOID + "subjectsTarget", ds)
        add(linkset, VOID + "objectsTarget", target)
        add(linkset, VOID + "linkPredicate", _n(SKOS + "exactMatch"))
        add(linkset, VOID + "triples", _int(len(links)))
    return out
